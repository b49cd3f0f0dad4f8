//! `border_clash`: a clash between two members of a bloc, and the bloc's attempt to mediate
//! ([`crate::sim::events::decision`]).

use super::{EventKind, Parties, DEFAULT_SEVERITY};
use crate::model::{InstitutionId, StateId, World};
use crate::sim::events::check::{self, EventError, EventProblem, Item};
use crate::sim::events::decision::{
    cost, decide, feasibility, member_slot, reputation_at_stake, DecisionKind, FiveVariables,
};
use crate::sim::events::fields::{FieldReader, FieldType, Key};
use crate::sim::events::EventOutcome;
use crate::sim::RunState;
use rand::{Rng, RngExt};
use serde::{Deserialize, Serialize};

/// A clash between two members of a bloc, with a mediation attempt by the bloc.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BorderClash {
    /// The two members.
    pub states: [StateId; 2],
    /// The mediating bloc; the first bloc with a leader that has both as members when `None`.
    pub institution: Option<InstitutionId>,
    /// Severity in [0, 1].
    pub severity: f64,
}

impl EventKind for BorderClash {
    const NAME: &'static str = "border_clash";
    const KEYS: &'static [Key] = &[
        Key::new("states", FieldType::Names),
        Key::new("institution", FieldType::Name),
        Key::new("severity", FieldType::Number),
    ];

    fn read(fields: &FieldReader<'_>) -> Result<Self, EventError> {
        let Some(list) = fields.optional_states("states")? else {
            return Err(EventError::new("states", EventProblem::Missing));
        };
        let [i, j] = list[..] else {
            let count = list.len() as f64;
            return Err(EventError::new(
                "states",
                EventProblem::OutOfRange {
                    value: count,
                    min: 2.0,
                    max: 2.0,
                },
            ));
        };
        Ok(BorderClash {
            states: [i, j],
            institution: fields.optional_institution("institution")?,
            severity: fields.number_or("severity", DEFAULT_SEVERITY)?,
        })
    }

    fn check(&self, world: &World, _steps: u32) -> Result<(), EventError> {
        let [i, j] = self.states;
        check::state(world, "states", i).map_err(|e| e.at(Item::Index(0)))?;
        check::state(world, "states", j).map_err(|e| e.at(Item::Index(1)))?;
        if i == j {
            return Err(EventError::new("states", EventProblem::SameStates).at(Item::Index(1)));
        }
        check::bloc_with(world, "institution", self.institution, &self.states)?;
        check::unit("severity", self.severity)
    }

    fn apply<R: Rng + ?Sized>(
        &mut self,
        world: &World,
        rs: &mut RunState,
        _step: u32,
        rng: &mut R,
    ) -> EventOutcome {
        let params = &world.parameters().events;
        let np = world.powers().len();
        let [i, j] = self.states;
        let bloc = match self.institution {
            Some(b) => Some(b),
            None => (0..world.institutions().len())
                .map(|n| InstitutionId(n as u32))
                .find(|&b| {
                    world.institutions()[b.index()].leader.is_some()
                        && member_slot(world, b, i).is_some()
                        && member_slot(world, b, j).is_some()
                }),
        };
        let Some((b, leader)) =
            bloc.and_then(|b| world.institutions()[b.index()].leader.map(|l| (b, l)))
        else {
            return EventOutcome::Skipped {
                reason: "no bloc with a leader has both states as members".to_string(),
            };
        };
        let c = world.components();
        let ai = rs.alignment[i.index() * c + leader.index()];
        let aj = rs.alignment[j.index() * c + leader.index()];
        let top = ai.max(aj);
        let stake = if top > 0.0 { (ai - aj).abs() / top } else { 0.0 };
        let inputs = FiveVariables {
            stake,
            trigger: self.severity * stake * reputation_at_stake(rs, b),
            local_support: 1.0,
            // An imposed settlement between two armed members faces one side.
            opposition: 1.0,
            feasibility: feasibility(world, rs, leader, &[i, j]),
            cost: cost(world, rs, leader, &[i, j]),
        };
        let mut d = decide(world, DecisionKind::Mediation, b, leader, inputs);
        let shift = &mut rs.events.credibility_shift[b.index()];
        if rng.random::<f64>() < d.probability {
            d.acted = true;
            d.success = Some(true);
            d.success_probability = Some(1.0);
            *shift += params.credibility_mediation;
        } else {
            // Failed mediation: the bloc loses credibility, and each party resents the leader
            // half as much as for an unanswered appeal.
            *shift -= params.credibility_mediation;
            for s in [i, j] {
                rs.events.grievance[s.index() * np + leader.index()] +=
                    params.grievance_unanswered / 2.0;
            }
        }
        EventOutcome::Decided(d)
    }

    fn parties(&self) -> Parties {
        Parties { power: None, state: None, institution: self.institution }
    }

    fn describe(&self, world: &World) -> String {
        let s = |id: StateId| world.states()[id.index()].name.as_str();
        format!("border clash {}–{}", s(self.states[0]), s(self.states[1]))
    }
}
