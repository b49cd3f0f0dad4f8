//! `diplomatic_crisis`: a crisis between a power and a state cuts their cultural and media
//! ties, leaves a grievance and costs the power's blocs credibility with the state.

use super::{EventKind, Parties, DEFAULT_SEVERITY};
use crate::model::{tie_index, Channel, PowerId, StateId, World};
use crate::sim::events::check::{self, EventError};
use crate::sim::events::fields::{FieldReader, FieldType, Key};
use crate::sim::events::EventOutcome;
use crate::sim::RunState;
use rand::Rng;
use serde::{Deserialize, Serialize};

/// A diplomatic crisis between a power and a state (Azerbaijan–Russia 2024–25, seed 003 (docs/sources.md)).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DiplomaticCrisis {
    /// The power.
    pub power: PowerId,
    /// The state.
    pub state: StateId,
    /// Severity in [0, 1].
    pub severity: f64,
}

impl EventKind for DiplomaticCrisis {
    const NAME: &'static str = "diplomatic_crisis";
    const KEYS: &'static [Key] = &[
        Key::new("power", FieldType::Name),
        Key::new("state", FieldType::Name),
        Key::new("severity", FieldType::Number),
    ];

    fn read(fields: &FieldReader<'_>) -> Result<Self, EventError> {
        Ok(DiplomaticCrisis {
            power: fields.power("power")?,
            state: fields.state("state")?,
            severity: fields.number_or("severity", DEFAULT_SEVERITY)?,
        })
    }

    fn check(&self, world: &World, _steps: u32) -> Result<(), EventError> {
        check::power(world, "power", self.power)?;
        check::state(world, "state", self.state)?;
        check::unit("severity", self.severity)
    }

    fn apply<R: Rng + ?Sized>(
        &mut self,
        world: &World,
        rs: &mut RunState,
        _step: u32,
        _rng: &mut R,
    ) -> EventOutcome {
        let params = &world.parameters().events;
        let np = world.powers().len();
        let (p, s) = (self.power.index(), self.state.index());
        if !world.states()[s].fixed {
            for ch in [Channel::Culture, Channel::Media] {
                rs.ties[tie_index(np, s, p, ch.index())] *=
                    1.0 - params.crisis_tie_cut * self.severity;
            }
        }
        rs.events.grievance[s * np + p] += params.crisis_grievance * self.severity;
        for (b, inst) in world.institutions().iter().enumerate() {
            if inst.leader == Some(self.power) && inst.members.iter().any(|&(m, _)| m == self.state)
            {
                rs.events.credibility_shift[b] -= params.crisis_credibility * self.severity;
            }
        }
        EventOutcome::Applied
    }

    fn parties(&self) -> Parties {
        Parties { power: Some(self.power), state: Some(self.state), institution: None }
    }

    fn describe(&self, world: &World) -> String {
        format!(
            "diplomatic crisis {}–{}",
            world.powers()[self.power.index()].name,
            world.states()[self.state.index()].name
        )
    }
}
