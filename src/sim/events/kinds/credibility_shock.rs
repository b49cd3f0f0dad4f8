//! `credibility_shock` (throwaway, to show the extension point): a bloc's credibility falls
//! at once by a given amount.

use super::EventKind;
use crate::model::{InstitutionId, World};
use crate::sim::events::check::{self, EventError, EventProblem};
use crate::sim::events::fields::{FieldReader, FieldType, Key};
use crate::sim::events::Outcome;
use crate::sim::RunState;
use rand::Rng;
use serde::{Deserialize, Serialize};

/// A bloc's credibility falls at once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CredibilityShock {
    /// The bloc.
    pub institution: InstitutionId,
    /// The fall, in [0, 1].
    pub size: f64,
}

impl EventKind for CredibilityShock {
    const NAME: &'static str = "credibility_shock";
    const KEYS: &'static [Key] = &[
        Key::new("institution", FieldType::Name),
        Key::new("size", FieldType::Number),
    ];

    fn read(fields: &FieldReader<'_>) -> Result<Self, EventError> {
        Ok(CredibilityShock {
            institution: fields
                .optional_institution("institution")?
                .ok_or_else(|| EventError::new("institution", EventProblem::Missing))?,
            size: fields.number("size")?,
        })
    }

    fn check(&self, world: &World, _steps: u32) -> Result<(), EventError> {
        check::institution(world, "institution", self.institution)?;
        check::unit("size", self.size)
    }

    fn apply<R: Rng + ?Sized>(
        &mut self,
        _world: &World,
        rs: &mut RunState,
        _step: u32,
        _rng: &mut R,
    ) -> Outcome {
        rs.events.credibility_shift[self.institution.index()] -= self.size;
        Outcome::Applied
    }

    fn describe(&self, world: &World) -> String {
        format!(
            "credibility shock for {} (−{:.2})",
            world.institutions()[self.institution.index()].name,
            self.size
        )
    }
}
