//! `unrest`: unrest in a state, answered or not by its security bloc's intervention
//! decision ([`crate::sim::events::decision`]).

use super::{EventKind, Parties};
use crate::model::{StateId, World};
use crate::sim::events::check::{self, EventError, EventProblem, Item};
use crate::sim::events::decision::{
    active_members, cost, decide, feasibility, intervene, regime_stake, reputation_at_stake,
    security_bloc,
    unanswered, DecisionKind, FiveVariables,
};
use crate::sim::events::fields::{FieldReader, FieldType, Key};
use crate::sim::events::EventOutcome;
use crate::sim::RunState;
use rand::{Rng, RngExt};
use serde::{Deserialize, Serialize};

/// Unrest in a state, followed by its security bloc's intervention decision.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Unrest {
    /// Where.
    pub state: StateId,
    /// Severity in [0, 1]; drawn uniformly when `None`.
    pub severity: Option<f64>,
    /// Whether the government asks its bloc for help; drawn when `None`.
    pub request: Option<bool>,
    /// Members that send contingents; all other active members of the bloc when `None`.
    /// Each must share a bloc with a leader with the state ([`EventKind::check`]).
    pub contributors: Option<Vec<StateId>>,
}

impl EventKind for Unrest {
    const NAME: &'static str = "unrest";
    const KEYS: &'static [Key] = &[
        Key::new("state", FieldType::Name),
        Key::new("severity", FieldType::Number),
        Key::new("request", FieldType::Bool),
        Key::new("contributors", FieldType::Names),
    ];

    fn read(fields: &FieldReader<'_>) -> Result<Self, EventError> {
        Ok(Unrest {
            state: fields.state("state")?,
            severity: fields.optional_number("severity")?,
            request: fields.optional_bool("request")?,
            contributors: fields.optional_states("contributors")?,
        })
    }

    fn check(&self, world: &World, _steps: u32) -> Result<(), EventError> {
        check::state(world, "state", self.state)?;
        if let Some(list) = &self.contributors {
            check::states(world, "contributors", list)?;
            // A contingent comes from a fellow member of one of the state's blocs.
            for (m, &c) in list.iter().enumerate() {
                let shares_a_bloc = world.institutions().iter().any(|inst| {
                    inst.leader.is_some()
                        && inst.members.iter().any(|&(x, _)| x == self.state)
                        && inst.members.iter().any(|&(x, _)| x == c)
                });
                if !shares_a_bloc || c == self.state {
                    let name = world.states()[c.index()].name.clone();
                    return Err(EventError::new("contributors", EventProblem::NotAMember { name })
                        .at(Item::Index(m)));
                }
            }
        }
        if let Some(severity) = self.severity {
            check::unit("severity", severity)?;
        }
        Ok(())
    }

    fn apply<R: Rng + ?Sized>(
        &mut self,
        world: &World,
        rs: &mut RunState,
        _step: u32,
        rng: &mut R,
    ) -> EventOutcome {
        let params = &world.parameters().events;
        let state = self.state;
        let sev = *self.severity.get_or_insert_with(|| rng.random::<f64>());
        // The regime's sense of threat (docs/model.md §10.3): the worst recent unrest.
        let threat = &mut rs.events.regime_threat[state.index()];
        *threat = threat.max(sev);
        let Some((bloc, slot, leader)) = security_bloc(world, rs, state) else {
            return EventOutcome::NoBloc;
        };
        let stake = regime_stake(world, rs, state, leader);
        // A government asks for foreign troops when the unrest is beyond it and the leader
        // is its patron: with probability severity × stake.
        let asked = *self
            .request
            .get_or_insert_with(|| rng.random::<f64>() < sev * stake);
        let inputs = FiveVariables {
            stake,
            trigger: sev * stake * reputation_at_stake(rs, bloc),
            local_support: if asked { 1.0 } else { 0.0 },
            opposition: if asked { 0.0 } else { 1.0 - stake },
            feasibility: feasibility(world, rs, leader, &[state]),
            cost: cost(world, rs, leader, &[state]),
        };
        let contributors: Vec<StateId> = match &self.contributors {
            Some(list) => list.clone(),
            None => active_members(world, rs, bloc)
                .filter(|&s| s != state)
                .collect(),
        };
        let mut d = decide(world, DecisionKind::Intervention, bloc, leader, inputs);
        if rng.random::<f64>() < d.probability {
            d.acted = true;
            intervene(world, rs, &mut d, state, slot, rng);
            for s in contributors {
                let f = &mut rs.events.fragility[s.index()];
                *f = (*f * params.contingent_fragility).min(1.0);
            }
        } else if asked {
            // An ignored request is an unanswered appeal.
            d.participation = unanswered(world, rs, state, bloc, slot, leader);
        }
        EventOutcome::Decided(d)
    }

    fn parties(&self) -> Parties {
        Parties { power: None, state: Some(self.state), institution: None }
    }

    fn describe(&self, world: &World) -> String {
        format!(
            "unrest in {} (severity {:.2})",
            world.states()[self.state.index()].name,
            self.severity.unwrap_or(f64::NAN)
        )
    }
}
