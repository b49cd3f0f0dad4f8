//! `peace`: a power's wars end and their drains start to recover.

use super::{EventKind, Parties};
use crate::model::{PowerId, World};
use crate::sim::events::check::{self, EventError};
use crate::sim::events::fields::{FieldReader, FieldType, Key};
use crate::sim::events::{EventOutcome, PressureCause};
use crate::sim::RunState;
use rand::Rng;
use serde::{Deserialize, Serialize};

/// The power's wars end: their drains start to recover.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Peace {
    /// The power.
    pub power: PowerId,
}

impl EventKind for Peace {
    const NAME: &'static str = "peace";
    const KEYS: &'static [Key] = &[Key::new("power", FieldType::Name)];

    fn read(fields: &FieldReader<'_>) -> Result<Self, EventError> {
        Ok(Peace {
            power: fields.power("power")?,
        })
    }

    fn check(&self, world: &World, _steps: u32) -> Result<(), EventError> {
        check::power(world, "power", self.power)
    }

    fn apply<R: Rng + ?Sized>(
        &mut self,
        _world: &World,
        rs: &mut RunState,
        _step: u32,
        _rng: &mut R,
    ) -> EventOutcome {
        let mut ended = false;
        for pr in &mut rs.events.pressures {
            if pr.cause == PressureCause::War(self.power) && pr.active {
                pr.active = false;
                ended = true;
            }
        }
        if ended {
            EventOutcome::Applied
        } else {
            EventOutcome::Skipped {
                reason: "no war of this power is going on".to_string(),
            }
        }
    }

    fn parties(&self) -> Parties {
        Parties { power: Some(self.power), ..Parties::default() }
    }

    fn describe(&self, world: &World) -> String {
        format!("peace for {}", world.powers()[self.power.index()].name)
    }
}
