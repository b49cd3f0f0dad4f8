//! `remittance_shock`: a host power's remittances fall at once and recover; workers leave for
//! alternative destinations and their remittances follow them.

use super::{EventKind, Parties};
use crate::model::bounds::{simplex, Whole};
use crate::model::{tie_index, Channel, PowerId, World};
use crate::sim::events::check::{self, EventError, EventProblem, Item, MAX_DEPTH};
use crate::sim::events::fields::{FieldReader, FieldType, Key};
use crate::sim::events::{EventOutcome, Pressure, PressureCause, PressureTarget};
use crate::sim::RunState;
use rand::Rng;
use serde::{Deserialize, Serialize};

/// A fall in a power's remittance delivery, with labour ties shifting to alternatives.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RemittanceShock {
    /// The host power.
    pub power: PowerId,
    /// Immediate fall of remittance delivery, in [0, 1).
    pub size: f64,
    /// Monthly recovery rate of that fall.
    pub recovery: f64,
    /// Share of every state's labour tie with the power that moves away, in [0, 1].
    pub shift: f64,
    /// Alternative destinations with weights; the moved share is split among them in
    /// proportion (the rest goes to destinations outside the world, e.g. Korea or the Gulf).
    pub alternatives: Vec<(PowerId, f64)>,
}

impl EventKind for RemittanceShock {
    const NAME: &'static str = "remittance_shock";
    const KEYS: &'static [Key] = &[
        Key::new("power", FieldType::Name),
        Key::new("size", FieldType::Number),
        Key::new("recovery", FieldType::Number),
        Key::new("shift", FieldType::Number),
        Key::new("alternatives", FieldType::Weights),
    ];

    fn read(fields: &FieldReader<'_>) -> Result<Self, EventError> {
        Ok(RemittanceShock {
            power: fields.power("power")?,
            size: fields.number("size")?,
            recovery: fields.number("recovery")?,
            // No workers move unless the scenario says so.
            shift: fields.number_or("shift", 0.0)?,
            alternatives: fields.power_weights("alternatives")?,
        })
    }

    fn check(&self, world: &World, _steps: u32) -> Result<(), EventError> {
        check::power(world, "power", self.power)?;
        for (n, &(q, w)) in self.alternatives.iter().enumerate() {
            check::power(world, "alternatives", q).map_err(|e| e.at(Item::Index(n)))?;
            let name = &world.powers()[q.index()].name;
            let here = |e: EventError| e.at(Item::Key(name.clone()));
            if q == self.power || self.alternatives[..n].iter().any(|&(p, _)| p == q) {
                let problem = EventProblem::Duplicate { name: name.clone() };
                return Err(here(EventError::new("alternatives", problem)));
            }
            check::unit("alternatives", w).map_err(here)?;
        }
        // The one simplex rule: a sum within the tolerance above 1 is accepted (and
        // normalised by `normalise`), a larger one refused.
        let mut weights: Vec<f64> = self.alternatives.iter().map(|&(_, w)| w).collect();
        simplex(&mut weights, Whole::AtMostOne).map_err(|sum| {
            EventError::new("alternatives", EventProblem::WeightsAboveOne { sum })
        })?;
        // A fall below 1 keeps the delivery from vanishing for good.
        check::number("size", self.size, 0.0, MAX_DEPTH)?;
        check::unit("recovery", self.recovery)?;
        check::unit("shift", self.shift)
    }

    fn normalise(&mut self) {
        let mut weights: Vec<f64> = self.alternatives.iter().map(|&(_, w)| w).collect();
        if simplex(&mut weights, Whole::AtMostOne).is_ok() {
            for ((_, w), normalised) in self.alternatives.iter_mut().zip(weights) {
                *w = normalised;
            }
        }
    }

    fn apply<R: Rng + ?Sized>(
        &mut self,
        world: &World,
        rs: &mut RunState,
        step: u32,
        _rng: &mut R,
    ) -> EventOutcome {
        let np = world.powers().len();
        rs.events.pressures.push(Pressure {
            target: PressureTarget::Delivery(self.power, Channel::Remittances),
            cause: PressureCause::Shock,
            depth: self.size,
            rate: 0.0,
            recovery: self.recovery,
            active: true,
            // Full size in the month of the shock, recovering from the next.
            ends: Some(step + 1),
        });
        // Workers leave for the alternatives and their remittances follow them.
        for (i, state) in world.states().iter().enumerate() {
            if state.fixed {
                continue;
            }
            for ch in [Channel::Labour, Channel::Remittances] {
                let x = &mut rs.ties[tie_index(np, i, self.power.index(), ch.index())];
                let moved = *x * self.shift;
                *x -= moved;
                for &(q, w) in &self.alternatives {
                    let y = &mut rs.ties[tie_index(np, i, q.index(), ch.index())];
                    *y = (*y + moved * w).min(1.0);
                }
            }
        }
        EventOutcome::Applied
    }

    fn parties(&self) -> Parties {
        Parties { power: Some(self.power), ..Parties::default() }
    }

    fn describe(&self, world: &World) -> String {
        format!(
            "remittance shock in {} (−{:.0} %)",
            world.powers()[self.power.index()].name,
            self.size * 100.0
        )
    }
}
