//! `relation_shift`: the relation of two powers moves (a rift, a rapprochement). The shift
//! persists and is laid on the driven or world value each month, held in [−1, 1] as the
//! credibility shifts are held in [0, 1] (docs/model.md §9).

use super::EventKind;
use crate::model::bounds::RELATION;
use crate::model::{PowerId, World};
use crate::sim::events::check::{self, EventError, EventProblem, Item};
use crate::sim::events::fields::{FieldReader, FieldType, Key};
use crate::sim::events::EventOutcome;
use crate::sim::RunState;
use rand::Rng;
use serde::{Deserialize, Serialize};

/// The relation of two powers moves by `shift` (seed 002 (docs/sources.md) describes the
/// Russia–China division of labour and its limits: a rift is what a future tests).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RelationShift {
    /// The two powers, different.
    pub powers: [PowerId; 2],
    /// The move, in [−2, 2]: from one end of [−1, 1] to the other at most.
    pub shift: f64,
}

impl EventKind for RelationShift {
    const NAME: &'static str = "relation_shift";
    const KEYS: &'static [Key] = &[
        Key::new("powers", FieldType::Names),
        Key::new("shift", FieldType::Number),
    ];

    fn read(fields: &FieldReader<'_>) -> Result<Self, EventError> {
        let Some(list) = fields.optional_powers("powers")? else {
            return Err(EventError::new("powers", EventProblem::Missing));
        };
        let [p, q] = list[..] else {
            let count = list.len() as f64;
            let problem = EventProblem::OutOfRange {
                value: count,
                min: 2.0,
                max: 2.0,
            };
            return Err(EventError::new("powers", problem));
        };
        Ok(RelationShift {
            powers: [p, q],
            shift: fields.number("shift")?,
        })
    }

    fn check(&self, world: &World, _steps: u32) -> Result<(), EventError> {
        let [p, q] = self.powers;
        check::power(world, "powers", p).map_err(|e| e.at(Item::Index(0)))?;
        check::power(world, "powers", q).map_err(|e| e.at(Item::Index(1)))?;
        if p == q {
            let name = world.powers()[p.index()].name.clone();
            return Err(
                EventError::new("powers", EventProblem::Duplicate { name }).at(Item::Index(1)),
            );
        }
        let span = RELATION.1 - RELATION.0;
        check::number("shift", self.shift, -span, span)
    }

    fn apply<R: Rng + ?Sized>(
        &mut self,
        world: &World,
        rs: &mut RunState,
        _step: u32,
        _rng: &mut R,
    ) -> EventOutcome {
        if rs.powers.relations.is_empty() {
            return EventOutcome::Skipped {
                reason: "no power has a budget, so no power reads the relation".into(),
            };
        }
        // A branch whose world acts where its parent's did not carries no shifts yet.
        if rs.events.relation_shift.is_empty() {
            rs.events.relation_shift = vec![0.0; rs.powers.relations.len()];
        }
        let np = world.powers().len();
        let [p, q] = self.powers.map(|x| x.index());
        // Symmetric; the bounds are applied where the shift is laid on the relation
        // (`EventEngine::overlay`), which also cuts the shift back to what they let show.
        rs.events.relation_shift[p * np + q] += self.shift;
        rs.events.relation_shift[q * np + p] += self.shift;
        EventOutcome::Applied
    }

    fn describe(&self, world: &World) -> String {
        let [p, q] = self.powers.map(|x| world.powers()[x.index()].name.as_str());
        format!("relation {p}–{q} shifted by {:+}", self.shift)
    }
}
