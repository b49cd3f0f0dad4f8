//! `reinstate`: A suspended member takes part again (its unanswered appeals are kept, so the model may suspend it again at its next one).

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
    verb: "is reinstated in",
    acts_on: &[Participation::Suspended],
    to: Participation::Active,
};

/// A suspended member takes part again (its unanswered appeals are kept, so the model may suspend it again at its next one).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reinstate {
    /// The institution.
    pub institution: InstitutionId,
    /// The state, listed in the institution's `members`.
    pub state: StateId,
}

impl EventKind for Reinstate {
    const NAME: &'static str = "reinstate";
    const KEYS: &'static [Key] = membership::KEYS;

    fn read(fields: &FieldReader<'_>) -> Result<Self, EventError> {
        let (institution, state) = membership::read(fields)?;
        Ok(Reinstate { institution, state })
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
