//! `external_offer`: a power opens or deepens a channel with a state; the state's main other
//! partner may retaliate.

use super::{EventKind, Parties};
use crate::model::{tie_index, Channel, PowerId, StateId, World};
use crate::sim::events::check::{self, EventError, EventProblem};
use crate::sim::events::fields::{FieldReader, FieldType, Key};
use crate::sim::events::EventOutcome;
use crate::sim::RunState;
use rand::{Rng, RngExt};
use serde::{Deserialize, Serialize};

/// A power opens or deepens a channel with a state, at the risk of a rival's retaliation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExternalOffer {
    /// The offering power.
    pub power: PowerId,
    /// The state.
    pub state: StateId,
    /// The channel opened or deepened.
    pub channel: Channel,
    /// Share of the remaining room on the tie that is taken up, in [0, 1].
    pub amount: f64,
    /// The power that may retaliate; the state's largest other power share when `None`.
    pub rival: Option<PowerId>,
}

impl EventKind for ExternalOffer {
    const NAME: &'static str = "external_offer";
    const KEYS: &'static [Key] = &[
        Key::new("power", FieldType::Name),
        Key::new("state", FieldType::Name),
        Key::new("channel", FieldType::Name),
        Key::new("amount", FieldType::Number),
        Key::new("rival", FieldType::Name),
    ];

    fn read(fields: &FieldReader<'_>) -> Result<Self, EventError> {
        Ok(ExternalOffer {
            power: fields.power("power")?,
            state: fields.state("state")?,
            channel: fields.channel("channel")?,
            amount: fields.number("amount")?,
            rival: fields.optional_power("rival")?,
        })
    }

    fn check(&self, world: &World, _steps: u32) -> Result<(), EventError> {
        check::power(world, "power", self.power)?;
        if let Some(r) = self.rival {
            check::power(world, "rival", r)?;
            if r == self.power {
                let name = world.powers()[r.index()].name.clone();
                return Err(EventError::new("rival", EventProblem::Duplicate { name }));
            }
        }
        check::state(world, "state", self.state)?;
        check::unit("amount", self.amount)
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
        let i = self.state.index();
        let fixed = world.states()[i].fixed;
        if !fixed {
            let k = self.channel.index();
            let x = rs.ties[tie_index(np, i, self.power.index(), k)];
            let mut room = 1.0 - x;
            if world.parameters().feedback[k] > 0.0 {
                // Shares of a channel with feedback sum to at most 1.
                let total: f64 = (0..np).map(|p| rs.ties[tie_index(np, i, p, k)]).sum();
                room = room.min(1.0 - total).max(0.0);
            }
            rs.ties[tie_index(np, i, self.power.index(), k)] = x + self.amount * room;
        }
        let c = world.components();
        let rival = self.rival.or_else(|| {
            (0..np)
                .filter(|&q| q != self.power.index())
                .max_by(|&p, &q| rs.alignment[i * c + p].total_cmp(&rs.alignment[i * c + q]))
                .map(|q| PowerId(q as u32))
        });
        self.rival = rival;
        let Some(r) = rival else {
            return EventOutcome::Offer {
                rival: None,
                probability: 0.0,
                retaliated: false,
            };
        };
        let probability = (params.retaliation
            * rs.coercion[r.index()]
            * rs.capacity[r.index()].min(1.0))
        .clamp(0.0, 1.0);
        let retaliated = rng.random::<f64>() < probability;
        if retaliated {
            if !fixed {
                for ch in [Channel::Labour, Channel::Remittances] {
                    rs.ties[tie_index(np, i, r.index(), ch.index())] *=
                        1.0 - params.retaliation_cut;
                }
            }
            rs.events.grievance[i * np + r.index()] += params.retaliation_grievance;
        }
        EventOutcome::Offer {
            rival: Some(r),
            probability,
            retaliated,
        }
    }

    fn parties(&self) -> Parties {
        Parties { power: Some(self.power), state: Some(self.state), institution: None }
    }

    fn describe(&self, world: &World) -> String {
        format!(
            "{} offers {} on {}",
            world.powers()[self.power.index()].name,
            world.states()[self.state.index()].name,
            self.channel.name()
        )
    }
}
