//! `exit`: An active or suspended member leaves: it takes no part again within the run (counts 0 in cohesion, as a suspended member does).

use super::membership::{self, Change};
use super::EventKind;
use crate::model::{InstitutionId, Participation, StateId, World};
use crate::sim::events::check::EventError;
use crate::sim::events::fields::{FieldReader, Key};
use crate::sim::events::EventOutcome;
use crate::sim::RunState;
use rand::Rng;
use serde::{Deserialize, Serialize};

/// The change it makes ([`membership`] has the table of all four).
pub(crate) const CHANGE: Change = Change {
    verb: "exits",
    acts_on: &[Participation::Active, Participation::Suspended],
    to: Participation::Exited,
};

/// An active or suspended member leaves: it takes no part again within the run (counts 0 in cohesion, as a suspended member does).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Exit {
    /// The institution.
    pub institution: InstitutionId,
    /// The state, listed in the institution's `members`.
    pub state: StateId,
}

impl EventKind for Exit {
    const NAME: &'static str = "exit";
    const KEYS: &'static [Key] = membership::KEYS;

    fn read(fields: &FieldReader<'_>) -> Result<Self, EventError> {
        let (institution, state) = membership::read(fields)?;
        Ok(Exit { institution, state })
    }

    fn check(&self, world: &World, _steps: u32) -> Result<(), EventError> {
        membership::check(world, self.institution, self.state)
    }

    fn apply<R: Rng + ?Sized>(
        &mut self,
        world: &World,
        rs: &mut RunState,
        _step: u32,
        _rng: &mut R,
    ) -> EventOutcome {
        membership::apply(world, rs, self.institution, self.state, CHANGE)
    }

    fn describe(&self, world: &World) -> String {
        membership::describe(world, self.institution, self.state, CHANGE)
    }
}
