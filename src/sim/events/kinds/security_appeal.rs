//! `security_appeal`: a member asks its bloc for protection, possibly against another state;
//! the bloc's leader decides ([`crate::sim::events::decision`]).

use super::{EventKind, Parties, DEFAULT_SEVERITY};
use crate::model::{InstitutionId, Participation, StateId, World};
use crate::sim::events::check::{self, EventError, EventProblem};
use crate::sim::events::decision::{
    cost, decide, feasibility, intervene, member_slot, regime_stake, reputation_at_stake,
    security_bloc, unanswered,
    DecisionKind, FiveVariables,
};
use crate::sim::events::fields::{FieldReader, FieldType, Key};
use crate::sim::events::EventOutcome;
use crate::sim::RunState;
use rand::{Rng, RngExt};
use serde::{Deserialize, Serialize};

/// A member asks its bloc for protection.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SecurityAppeal {
    /// The appellant.
    pub state: StateId,
    /// The bloc appealed to; the state's security bloc when `None`.
    pub institution: Option<InstitutionId>,
    /// The adversary, if a state.
    pub against: Option<StateId>,
    /// Severity of the threat, in [0, 1].
    pub severity: f64,
}

impl EventKind for SecurityAppeal {
    const NAME: &'static str = "security_appeal";
    const KEYS: &'static [Key] = &[
        Key::new("state", FieldType::Name),
        Key::new("institution", FieldType::Name),
        Key::new("against", FieldType::Name),
        Key::new("severity", FieldType::Number),
    ];

    fn read(fields: &FieldReader<'_>) -> Result<Self, EventError> {
        Ok(SecurityAppeal {
            state: fields.state("state")?,
            institution: fields.optional_institution("institution")?,
            against: fields.optional_state("against")?,
            severity: fields.number_or("severity", DEFAULT_SEVERITY)?,
        })
    }

    fn check(&self, world: &World, _steps: u32) -> Result<(), EventError> {
        check::state(world, "state", self.state)?;
        check::bloc_with(world, "institution", self.institution, &[self.state])?;
        if let Some(j) = self.against {
            check::state(world, "against", j)?;
            if j == self.state {
                return Err(EventError::new("against", EventProblem::SameStates));
            }
        }
        check::unit("severity", self.severity)
    }

    fn apply<R: Rng + ?Sized>(
        &mut self,
        world: &World,
        rs: &mut RunState,
        _step: u32,
        rng: &mut R,
    ) -> EventOutcome {
        let state = self.state;
        let bloc = match self.institution {
            Some(b) => member_slot(world, b, state)
                .and_then(|slot| world.institutions()[b.index()].leader.map(|l| (b, slot, l))),
            None => security_bloc(world, rs, state),
        };
        let Some((b, slot, leader)) = bloc else {
            return EventOutcome::Skipped {
                reason: "the state has no security bloc with a leader".to_string(),
            };
        };
        match rs.participation[b.index()][slot] {
            Participation::Exited => {
                return EventOutcome::Skipped {
                    reason: "the state has exited the bloc".to_string(),
                }
            }
            Participation::Outside => {
                return EventOutcome::Skipped {
                    reason: "the state has not joined the bloc".to_string(),
                }
            }
            Participation::Active | Participation::Suspended => {}
        }
        let np = world.powers().len();
        let c = world.components();
        let a = |s: StateId, p: usize| rs.alignment[s.index() * c + p];
        let (stake, opposition, parties) = match self.against {
            Some(j) => {
                let own = a(state, leader.index());
                let stake = if own > 0.0 {
                    ((own - a(j, leader.index())) / own).max(0.0)
                } else {
                    0.0
                };
                let camp: f64 = (0..np)
                    .filter(|&q| q != leader.index())
                    .map(|q| a(j, q))
                    .sum();
                (stake, camp, vec![state, j])
            }
            // No named adversary: an uninformed middle value for the opposition.
            None => (regime_stake(world, rs, state, leader), 0.5, vec![state]),
        };
        let inputs = FiveVariables {
            stake,
            trigger: self.severity * stake * reputation_at_stake(rs, b),
            local_support: 1.0,
            opposition,
            feasibility: feasibility(world, rs, leader, &[state]),
            cost: cost(world, rs, leader, &parties),
        };
        let mut d = decide(world, DecisionKind::Appeal, b, leader, inputs);
        if rng.random::<f64>() < d.probability {
            d.acted = true;
            intervene(world, rs, &mut d, state, slot, rng);
        } else {
            d.participation = unanswered(world, rs, state, b, slot, leader);
        }
        EventOutcome::Decided(d)
    }

    fn parties(&self) -> Parties {
        Parties { power: None, state: Some(self.state), institution: self.institution }
    }

    fn describe(&self, world: &World) -> String {
        let s = |id: StateId| world.states()[id.index()].name.as_str();
        match self.against {
            Some(j) => format!("security appeal by {} against {}", s(self.state), s(j)),
            None => format!("security appeal by {}", s(self.state)),
        }
    }
}
