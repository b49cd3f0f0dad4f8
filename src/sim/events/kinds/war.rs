//! `war`: a power at war is drained, capacity and delivery alike, until its war ends.

use super::{EventKind, Parties};
use crate::model::{Channel, PerChannel, PowerId, World};
use crate::sim::events::check::{self, EventError, Item};
use crate::sim::events::fields::{FieldReader, FieldType, Key};
use crate::sim::events::{EventOutcome, Pressure, PressureCause, PressureTarget};
use crate::sim::RunState;
use rand::Rng;
use serde::{Deserialize, Serialize};

/// A power goes to war: its capacity and its delivery on the given channels are drained every
/// month until the war ends, then recover.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct War {
    /// The power at war.
    pub power: PowerId,
    /// Monthly drain rate of capacity, in [0, 1].
    pub capacity_drain: f64,
    /// Monthly drain rate of delivery per channel, in [0, 1].
    pub delivery_drain: PerChannel,
    /// Monthly recovery rate once the war ends, in [0, 1].
    pub recovery: f64,
    /// Step at which the war ends, if known.
    pub ends: Option<u32>,
}

impl EventKind for War {
    const NAME: &'static str = "war";
    const KEYS: &'static [Key] = &[
        Key::new("power", FieldType::Name),
        Key::new("capacity_drain", FieldType::Number),
        Key::new("delivery_drain", FieldType::Channels),
        Key::new("recovery", FieldType::Number),
        Key::new("ends", FieldType::Date),
    ];

    fn read(fields: &FieldReader<'_>) -> Result<Self, EventError> {
        Ok(War {
            power: fields.power("power")?,
            capacity_drain: fields.number("capacity_drain")?,
            // A channel not named is not drained.
            delivery_drain: fields.channels("delivery_drain", 0.0)?,
            recovery: fields.number("recovery")?,
            ends: fields.optional_step("ends")?,
        })
    }

    fn check(&self, world: &World, steps: u32) -> Result<(), EventError> {
        check::power(world, "power", self.power)?;
        check::unit("capacity_drain", self.capacity_drain)?;
        per_channel_units("delivery_drain", &self.delivery_drain)?;
        check::unit("recovery", self.recovery)?;
        if let Some(end) = self.ends {
            check::step("ends", i64::from(end), steps)?;
        }
        Ok(())
    }

    fn ends(&self) -> Option<u32> {
        self.ends
    }

    fn apply<R: Rng + ?Sized>(
        &mut self,
        _world: &World,
        rs: &mut RunState,
        _step: u32,
        _rng: &mut R,
    ) -> EventOutcome {
        let pressure = |target, rate| Pressure {
            target,
            cause: PressureCause::War(self.power),
            depth: 0.0,
            rate,
            recovery: self.recovery,
            active: true,
            ends: self.ends,
        };
        rs.events.pressures.push(pressure(
            PressureTarget::Capacity(self.power),
            self.capacity_drain,
        ));
        for ch in Channel::ALL {
            let rate = self.delivery_drain[ch.index()];
            if rate > 0.0 {
                rs.events
                    .pressures
                    .push(pressure(PressureTarget::Delivery(self.power, ch), rate));
            }
        }
        EventOutcome::Applied
    }

    fn parties(&self) -> Parties {
        Parties { power: Some(self.power), ..Parties::default() }
    }

    fn describe(&self, world: &World) -> String {
        format!("war drain on {}", world.powers()[self.power.index()].name)
    }
}

/// Every channel's value in [0, 1], reported at `field.channel`.
pub(super) fn per_channel_units(field: &'static str, values: &PerChannel) -> Result<(), EventError> {
    for ch in Channel::ALL {
        check::unit(field, values[ch.index()]).map_err(|e| e.at(Item::Key(ch.name().into())))?;
    }
    Ok(())
}
