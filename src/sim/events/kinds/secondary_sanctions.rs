//! `secondary_sanctions`: a coalition penalises a state that trades with its target.

use super::{EventKind, Parties};
use crate::model::{tie_index, Channel, PowerId, StateId, World};
use crate::sim::events::check::{self, EventError};
use crate::sim::events::fields::{FieldReader, FieldType, Key};
use crate::sim::events::EventOutcome;
use crate::sim::RunState;
use rand::Rng;
use serde::{Deserialize, Serialize};

/// The coalition penalises a re-exporting state (US sanctions on Kyrgyz firms, seed 002 (docs/sources.md)).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SecondarySanctions {
    /// The sanctioning powers.
    pub by: Vec<PowerId>,
    /// The penalised state.
    pub state: StateId,
    /// Share of the state's trade and investment ties with each of them that is cut.
    pub cost: f64,
}

impl EventKind for SecondarySanctions {
    const NAME: &'static str = "secondary_sanctions";
    const KEYS: &'static [Key] = &[
        Key::new("by", FieldType::Names),
        Key::new("state", FieldType::Name),
        Key::new("cost", FieldType::Number),
    ];

    fn read(fields: &FieldReader<'_>) -> Result<Self, EventError> {
        Ok(SecondarySanctions {
            by: fields.optional_powers("by")?.unwrap_or_default(),
            state: fields.state("state")?,
            cost: fields.number("cost")?,
        })
    }

    fn check(&self, world: &World, _steps: u32) -> Result<(), EventError> {
        check::powers(world, "by", &self.by, true)?;
        check::state(world, "state", self.state)?;
        check::unit("cost", self.cost)
    }

    fn apply<R: Rng + ?Sized>(
        &mut self,
        world: &World,
        rs: &mut RunState,
        _step: u32,
        _rng: &mut R,
    ) -> EventOutcome {
        let np = world.powers().len();
        let s = self.state.index();
        if !world.states()[s].fixed {
            for q in &self.by {
                for ch in [Channel::Trade, Channel::Investment] {
                    rs.ties[tie_index(np, s, q.index(), ch.index())] *= 1.0 - self.cost;
                }
                rs.events.grievance[s * np + q.index()] +=
                    world.parameters().events.sanctions_grievance * self.cost;
            }
        }
        EventOutcome::Applied
    }

    fn parties(&self) -> Parties {
        Parties { power: None, state: Some(self.state), institution: None }
    }

    fn describe(&self, world: &World) -> String {
        format!(
            "secondary sanctions by {} on {}",
            super::sanctions::coalition(world, &self.by),
            world.states()[self.state.index()].name
        )
    }
}
