//! `crisis`: a threat to a power's stake in a state (a state leaving its orbit, a war against a
//! region it backs), on which the power decides whether to intervene against the state
//! ([`crate::sim::events::hostile`], docs/model.md §3.4).

use super::{EventKind, Parties};
use crate::model::{PowerId, StateId, World};
use crate::sim::events::check::{self, EventError};
use crate::sim::events::fields::{FieldReader, FieldType, Key};
use crate::sim::events::{hostile, EventOutcome};
use crate::sim::RunState;
use rand::Rng;
use serde::{Deserialize, Serialize};

/// Trigger of a `crisis` that does not give one: a full threat to the power's stake
/// (judgement: a scenario that names a crisis means one that counts; seed 001's
/// (docs/sources.md) hostile cases — Georgia 2008, Ukraine 2014 — were each a full trigger).
pub(crate) const DEFAULT_TRIGGER: f64 = 1.0;

/// A threat to `power`'s stake in `state`, followed by the power's decision on a hostile
/// intervention.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Crisis {
    /// The power whose stake is threatened.
    pub power: PowerId,
    /// The state drifting away.
    pub state: StateId,
    /// The threat to the stake, in [0, 1] (seed 001's (docs/sources.md) trigger variable).
    pub trigger: f64,
}

impl EventKind for Crisis {
    const NAME: &'static str = "crisis";
    const KEYS: &'static [Key] = &[
        Key::new("power", FieldType::Name),
        Key::new("state", FieldType::Name),
        Key::new("trigger", FieldType::Number),
    ];

    fn read(fields: &FieldReader<'_>) -> Result<Self, EventError> {
        Ok(Crisis {
            power: fields.power("power")?,
            state: fields.state("state")?,
            trigger: fields.number_or("trigger", DEFAULT_TRIGGER)?,
        })
    }

    fn check(&self, world: &World, _steps: u32) -> Result<(), EventError> {
        check::power(world, "power", self.power)?;
        check::state(world, "state", self.state)?;
        check::unit("trigger", self.trigger)
    }

    fn apply<R: Rng + ?Sized>(
        &mut self,
        world: &World,
        rs: &mut RunState,
        step: u32,
        rng: &mut R,
    ) -> EventOutcome {
        hostile::decide_and_act(world, rs, step, self.power, self.state, self.trigger, rng)
    }

    fn parties(&self) -> Parties {
        Parties { power: Some(self.power), state: Some(self.state), institution: None }
    }

    fn describe(&self, world: &World) -> String {
        format!(
            "crisis: {}'s stake in {} threatened (trigger {:.2})",
            world.powers()[self.power.index()].name,
            world.states()[self.state.index()].name,
            self.trigger
        )
    }
}
