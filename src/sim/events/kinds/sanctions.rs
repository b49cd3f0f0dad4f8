//! `sanctions`: a coalition drains a power's capacity and cuts its delivery; re-exporters
//! trade in parallel and risk secondary sanctions every month the sanctions last.

use super::{EventKind, Parties};
use crate::model::{tie_index, Channel, PerChannel, PowerId, StateId, World};
use crate::sim::events::check::{self, EventError, EventProblem, Item, MAX_DEPTH};
use crate::sim::events::fields::{FieldReader, FieldType, Key};
use crate::sim::events::{ActiveSanctions, EventOutcome, Pressure, PressureCause, PressureTarget};
use crate::sim::RunState;
use rand::Rng;
use serde::{Deserialize, Serialize};

/// A coalition sanctions a power, with parallel trade through re-exporting states and a
/// monthly hazard of secondary sanctions on them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sanctions {
    /// The sanctioning coalition.
    pub by: Vec<PowerId>,
    /// The sanctioned power.
    pub on: PowerId,
    /// Monthly drain rate of the target's capacity while sanctions last.
    pub capacity_drain: f64,
    /// Immediate cut of the target's delivery per channel (payments, logistics), in [0, 1).
    pub delivery_cut: PerChannel,
    /// States that keep trading with the target and re-export.
    pub re_exporters: Vec<StateId>,
    /// Share of each re-exporter's unmodelled trade room re-routed to the two sides.
    pub parallel_gain: f64,
    /// Monthly probability that the coalition penalises each re-exporter.
    pub secondary_hazard: f64,
    /// Cost of a secondary sanction: share of the re-exporter's trade and investment ties
    /// with the coalition that is cut.
    pub secondary_cost: f64,
    /// Step at which the sanctions are lifted, if known.
    pub ends: Option<u32>,
}

impl EventKind for Sanctions {
    const NAME: &'static str = "sanctions";
    const KEYS: &'static [Key] = &[
        Key::new("by", FieldType::Names),
        Key::new("on", FieldType::Name),
        Key::new("capacity_drain", FieldType::Number),
        Key::new("delivery_cut", FieldType::Channels),
        Key::new("re_exporters", FieldType::Names),
        Key::new("parallel_gain", FieldType::Number),
        Key::new("secondary_hazard", FieldType::Number),
        Key::new("secondary_cost", FieldType::Number),
        Key::new("ends", FieldType::Date),
    ];

    fn read(fields: &FieldReader<'_>) -> Result<Self, EventError> {
        Ok(Sanctions {
            by: fields.optional_powers("by")?.unwrap_or_default(),
            on: fields.power("on")?,
            capacity_drain: fields.number("capacity_drain")?,
            // A channel not named is not cut; no re-exporters, parallel trade or secondary
            // sanctions unless the scenario names them.
            delivery_cut: fields.channels("delivery_cut", 0.0)?,
            re_exporters: fields.optional_states("re_exporters")?.unwrap_or_default(),
            parallel_gain: fields.number_or("parallel_gain", 0.0)?,
            secondary_hazard: fields.number_or("secondary_hazard", 0.0)?,
            secondary_cost: fields.number_or("secondary_cost", 0.0)?,
            ends: fields.optional_step("ends")?,
        })
    }

    fn check(&self, world: &World, steps: u32) -> Result<(), EventError> {
        check::powers(world, "by", &self.by, true)?;
        check::power(world, "on", self.on)?;
        if self.by.contains(&self.on) {
            let name = world.powers()[self.on.index()].name.clone();
            return Err(EventError::new("on", EventProblem::Duplicate { name }));
        }
        check::unit("capacity_drain", self.capacity_drain)?;
        super::war::per_channel_units("delivery_cut", &self.delivery_cut)?;
        for ch in Channel::ALL {
            // A cut below 1 keeps the delivery from vanishing for good.
            check::number("delivery_cut", self.delivery_cut[ch.index()], 0.0, MAX_DEPTH)
                .map_err(|e| e.at(Item::Key(ch.name().into())))?;
        }
        check::states(world, "re_exporters", &self.re_exporters)?;
        check::unit("parallel_gain", self.parallel_gain)?;
        check::unit("secondary_hazard", self.secondary_hazard)?;
        check::unit("secondary_cost", self.secondary_cost)?;
        if let Some(end) = self.ends {
            check::step("ends", i64::from(end), steps)?;
        }
        Ok(())
    }

    fn ends(&self) -> Option<u32> {
        self.ends
    }

    fn apply<R: Rng + ?Sized>(
        &mut self,
        world: &World,
        rs: &mut RunState,
        _step: u32,
        _rng: &mut R,
    ) -> EventOutcome {
        let np = world.powers().len();
        let pressure = |target, depth, rate| Pressure {
            target,
            cause: PressureCause::Sanctions(self.on),
            depth,
            rate,
            recovery: world.parameters().events.sanctions_recovery,
            active: true,
            ends: self.ends,
        };
        rs.events.pressures.push(pressure(
            PressureTarget::Capacity(self.on),
            0.0,
            self.capacity_drain,
        ));
        for ch in Channel::ALL {
            let cut = self.delivery_cut[ch.index()];
            if cut > 0.0 {
                rs.events
                    .pressures
                    .push(pressure(PressureTarget::Delivery(self.on, ch), cut, 0.0));
            }
        }
        // Parallel trade: a re-exporter re-routes part of its unmodelled trade through both
        // sides, half with the target and half spread over the coalition, so the channel's
        // total stays at most 1.
        let trade = Channel::Trade.index();
        for &s in &self.re_exporters {
            if world.states()[s.index()].fixed {
                continue;
            }
            let total: f64 = (0..np)
                .map(|p| rs.ties[tie_index(np, s.index(), p, trade)])
                .sum();
            let gain = self.parallel_gain * (1.0 - total).max(0.0);
            rs.ties[tie_index(np, s.index(), self.on.index(), trade)] += gain / 2.0;
            for q in &self.by {
                rs.ties[tie_index(np, s.index(), q.index(), trade)] +=
                    gain / 2.0 / self.by.len() as f64;
            }
        }
        rs.events.sanctions.push(ActiveSanctions {
            by: self.by.clone(),
            on: self.on,
            re_exporters: self.re_exporters.clone(),
            secondary_hazard: self.secondary_hazard,
            secondary_cost: self.secondary_cost,
            ends: self.ends,
        });
        EventOutcome::Applied
    }

    fn parties(&self) -> Parties {
        Parties { power: Some(self.on), ..Parties::default() }
    }

    fn describe(&self, world: &World) -> String {
        format!(
            "sanctions by {} on {}",
            coalition(world, &self.by),
            world.powers()[self.on.index()].name
        )
    }
}

/// The coalition's names joined by `+`.
pub(super) fn coalition(world: &World, by: &[PowerId]) -> String {
    by.iter()
        .map(|q| world.powers()[q.index()].name.as_str())
        .collect::<Vec<_>>()
        .join("+")
}
