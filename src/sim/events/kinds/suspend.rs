//! `suspend`: An active member is suspended: it keeps its seat but takes no part (nothing of the institution's channels, no peer term; it counts 0 in cohesion).

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
    verb: "is suspended from",
    acts_on: &[Participation::Active],
    to: Participation::Suspended,
};

/// An active member is suspended: it keeps its seat but takes no part (nothing of the institution's channels, no peer term; it counts 0 in cohesion).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Suspend {
    /// The institution.
    pub institution: InstitutionId,
    /// The state, listed in the institution's `members`.
    pub state: StateId,
}

impl EventKind for Suspend {
    const NAME: &'static str = "suspend";
    const KEYS: &'static [Key] = membership::KEYS;

    fn read(fields: &FieldReader<'_>) -> Result<Self, EventError> {
        let (institution, state) = membership::read(fields)?;
        Ok(Suspend { institution, state })
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
