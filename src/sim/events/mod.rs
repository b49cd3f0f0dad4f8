//! Events (docs/model.md §3): the shocks the seeds describe, as typed values a scenario schedules by
//! date or leaves to a monthly hazard, with their effects on ties, delivery, capacity,
//! credibility, participation and alignment. Every firing is written to the run's event log
//! ([`LoggedEvent`]) with its step, its inputs and what it did.
//!
//! # What an event can touch
//!
//! * **Pressures** on a power's capacity or on its delivery of a channel (war drain, sanctions,
//!   remittance shock). A pressure has a depth `d` in [0, 1): the quantity is multiplied by
//!   `1 − d`. While its cause lasts, `d ← 1 − (1 − d)(1 − rate)` each month; afterwards
//!   `d ← d (1 − recovery)`. Pressures act on top of the scenario's drivers: the driver sets the
//!   baseline, the pressures scale it.
//! * **Credibility shifts** of institutions: added to the driven or initial credibility; the
//!   sum is held in [0, 1] (a reputation cannot exceed full credibility nor fall below none),
//!   and the shift itself is cut back to what the bounds let it show, so no hidden debt
//!   builds up beyond them. Shifts persist: reputations are sticky, and nothing in the seeds
//!   says they heal by themselves.
//! * **Relation shifts** of two powers (`relation_shift`): added to the driven or initial
//!   relation, the sum held in [−1, 1] and the shift cut back to what the bounds let show,
//!   symmetric, persistent — the credibility shifts' rule (docs/model.md §9).
//! * **Grievance** `r_ip ≥ 0` of a state toward a power (unanswered appeals, secondary
//!   sanctions, diplomatic crises, retaliation). It is subtracted from the utility `u_ip`
//!   (see [`crate::sim::dynamics`]) and halves every [`crate::model::EventParameters::grievance_half_life`]
//!   months.
//! * **Ties** of the state concerned, directly (an unanswered appeal cuts the security tie, an
//!   external offer opens a channel). A tie under a driver follows its driver: the driver is the
//!   scenario's explicit statement of that tie's path.
//! * **Alignment** of the state concerned, by moving a share of mass between components (a
//!   convex combination, so the simplex holds).
//! * **Participation** (active → suspended → exited) after repeated unanswered appeals, and
//!   **fragility** (contingent contributors, seed 001 (docs/sources.md)).
//!
//! # Where things are
//!
//! * [`kinds`]: one module per event kind (its keys, how it is read, its rules, its effect and
//!   its line in the log) and the registry that lists them, from which [`Event`] is derived.
//! * [`hostile`]: a power's hostile intervention against a state drifting away, on the same
//!   five variables (docs/model.md §3.4).
//! * [`decision`]: the bloc leader's intervention decision on seed 001's (docs/sources.md) five variables, shared
//!   by unrest, security appeals and border clashes.
//! * [`check_event`], [`check_scheduled`], [`check_hazard`]: the rules every event obeys,
//!   whether read from a file or built in code.
//! * [`read_entry`]: an event given as a table of fields ([`EventFields`], what the scenario
//!   file loader produces) read against a world and a horizon.

mod check;
pub mod decision;
mod effects;
mod fields;
pub mod hostile;
pub mod kinds;

pub use check::{
    check_event, check_hazard, check_scheduled, EventError, EventProblem, Item, MAX_DEPTH,
};
pub use decision::{Decision, DecisionKind, FiveVariables};
pub(crate) use effects::EventEngine;
pub use fields::{
    read_entry, EventFields, FieldReader, FieldType, FieldValue, Key, Timed, TIMING_KEYS,
};
pub use hostile::HostileDecision;
pub use kinds::{Event, EventKind, Parties, KINDS};

use crate::model::{Channel, PowerId, StateId, World};
use serde::{Deserialize, Serialize};
/// An event fixed to a step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScheduledEvent {
    /// Step at which it fires (1 = the first month after the start).
    pub step: u32,
    /// The event.
    pub event: Event,
}

/// An event that fires with a monthly probability inside a window of steps.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Hazard {
    /// Probability per month, in [0, 1].
    pub monthly: f64,
    /// First step at which it may fire.
    pub from: u32,
    /// Last step at which it may fire.
    pub until: u32,
    /// The event.
    pub event: Event,
}

/// Why an event fired.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Scheduled by the scenario on its date.
    Scheduled,
    /// Drawn from a scenario hazard.
    Hazard,
    /// Unrest drawn from the state's regime fragility.
    Fragility,
    /// Secondary sanctions drawn during active sanctions.
    SanctionsHazard,
    /// A member left a bloc the power leads (suspended or exited): the power considers a
    /// hostile intervention ([`hostile`]).
    Departure,
    /// A state's alignment fell away from a power by more than the powers' threshold over
    /// their window (docs/model.md §9): the power punishes it and considers a hostile
    /// intervention ([`hostile`]).
    Defection,
}

/// What an event did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
#[non_exhaustive]
pub enum EventOutcome {
    /// Its effects were applied as described by its kind.
    Applied,
    /// A bloc decided (unrest, appeal, clash).
    Decided(Decision),
    /// A power decided on a hostile intervention (`crisis`, a departure from its bloc).
    Hostile(HostileDecision),
    /// Unrest in a state with no security bloc in which it takes part: the regime faced it
    /// alone.
    NoBloc,
    /// An external offer, with the rival's retaliation draw.
    Offer {
        /// The rival that might retaliate.
        rival: Option<PowerId>,
        /// Probability of retaliation.
        probability: f64,
        /// Whether it retaliated.
        retaliated: bool,
    },
    /// A member's participation changed (`join`, `suspend`, `reinstate`, `exit`).
    ParticipationChanged {
        /// Before.
        from: crate::model::Participation,
        /// After.
        to: crate::model::Participation,
    },
    /// Nothing happened, with the reason (e.g. the appellant has exited the bloc).
    Skipped {
        /// Why.
        reason: String,
    },
}

/// One entry of a run's event log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LoggedEvent {
    /// Step after which the event fired.
    pub step: u32,
    /// Why it fired.
    pub origin: Origin,
    /// The event as it fired (with drawn severity and request filled in).
    pub event: Event,
    /// What it did.
    pub outcome: EventOutcome,
}

impl LoggedEvent {
    /// A one-line description with names, for people: `step  12 [Scheduled] …`.
    pub fn describe(&self, world: &World) -> String {
        self.describe_at(world, format_args!("step {:>3}", self.step))
    }

    /// [`LoggedEvent::describe`] with the event's date (the scenario's
    /// [`crate::Scenario::date_of`] its step) in place of the step: `2026-01 [Scheduled] …`.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::Simulation;
    /// let sim = Simulation::new(geoalign::presets::eurasia_2025());
    /// let (s, t) = (sim.scenario(), sim.trajectory(0).unwrap());
    /// for e in &t.events {
    ///     let date = s.date_of(e.step).to_string();
    ///     let line = e.describe_dated(s.world(), &date);
    ///     // `2025-04 [Fragility] unrest in …` where `describe` has `step   3 [Fragility] …`.
    ///     assert_eq!(line, format!("{date}{}", &e.describe(s.world())[8..]));
    /// }
    /// ```
    pub fn describe_dated(&self, world: &World, date: impl std::fmt::Display) -> String {
        self.describe_at(world, date)
    }

    fn describe_at(&self, world: &World, when: impl std::fmt::Display) -> String {
        format!(
            "{when} [{:?}] {}{}",
            self.origin,
            self.event.describe(world),
            self.outcome.describe(world)
        )
    }

    /// The power, state and institution the event concerns: the event's own, completed by
    /// its decision's (the bloc and its leader, or the intervening power and its target).
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::sim::events::EventOutcome;
    /// use geoalign::Simulation;
    /// let t = Simulation::new(geoalign::presets::eurasia_2025()).trajectory(0).unwrap();
    /// for e in &t.events {
    ///     if let EventOutcome::Hostile(d) = &e.outcome {
    ///         let parties = e.parties();
    ///         assert_eq!((parties.power, parties.state), (Some(d.power), Some(d.state)));
    ///     }
    /// }
    /// ```
    pub fn parties(&self) -> Parties {
        let mut parties = self.event.parties();
        match &self.outcome {
            EventOutcome::Decided(d) => {
                parties.power = parties.power.or(Some(d.leader));
                parties.institution = parties.institution.or(Some(d.institution));
            }
            EventOutcome::Hostile(d) => {
                parties.power = parties.power.or(Some(d.power));
                parties.state = parties.state.or(Some(d.state));
            }
            _ => {}
        }
        parties
    }
}

impl EventOutcome {
    /// What the event did, for the end of its log line (empty when it simply applied).
    pub fn describe(&self, world: &World) -> String {
        match self {
            EventOutcome::Applied => String::new(),
            EventOutcome::NoBloc => ": no security bloc to turn to".to_string(),
            EventOutcome::Skipped { reason } => format!(": skipped ({reason})"),
            EventOutcome::ParticipationChanged { from, to } => format!(": {from} → {to}"),
            EventOutcome::Offer {
                rival,
                probability,
                retaliated,
            } => match rival {
                Some(r) => format!(
                    ": {} {} (p = {:.2})",
                    world.powers()[r.index()].name,
                    if *retaliated {
                        "retaliated"
                    } else {
                        "did not retaliate"
                    },
                    probability
                ),
                None => String::new(),
            },
            EventOutcome::Decided(d) => d.describe(world),
            EventOutcome::Hostile(d) => d.describe(world),
        }
    }
}

/// What a pressure acts on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PressureTarget {
    /// A power's capacity.
    Capacity(PowerId),
    /// A power's delivery on a channel.
    Delivery(PowerId, Channel),
}

/// What caused a pressure (so that peace or lifting ends the right ones).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PressureCause {
    /// A war of the power.
    War(PowerId),
    /// Sanctions on the power.
    Sanctions(PowerId),
    /// A one-off shock.
    Shock,
}

/// A drain on a capacity or delivery (module docs give its law of motion).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pressure {
    /// What it scales.
    pub target: PressureTarget,
    /// Its cause.
    pub cause: PressureCause,
    /// Current depth `d` in [0, 1): the target is multiplied by `1 − d`.
    pub depth: f64,
    /// Monthly deepening while active.
    pub rate: f64,
    /// Monthly recovery once inactive.
    pub recovery: f64,
    /// Whether its cause still lasts.
    pub active: bool,
    /// Step at which it becomes inactive, if known.
    pub ends: Option<u32>,
}

/// Sanctions in force, for the secondary-sanctions hazard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActiveSanctions {
    /// Coalition.
    pub by: Vec<PowerId>,
    /// Target.
    pub on: PowerId,
    /// Re-exporting states.
    pub re_exporters: Vec<StateId>,
    /// Monthly hazard of a secondary sanction on each re-exporter.
    pub secondary_hazard: f64,
    /// Cost of one.
    pub secondary_cost: f64,
    /// Step at which they are lifted, if known.
    pub ends: Option<u32>,
}

/// The part of a run's state that events move and the dynamics do not: pressures,
/// credibility shifts, grievances, fragility, appeal counts and sanctions in force.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EventState {
    /// Pressures on capacities and deliveries.
    pub pressures: Vec<Pressure>,
    /// Added to each institution's driven or initial credibility.
    pub credibility_shift: Vec<f64>,
    /// Grievance of each state toward each power, state-major.
    pub grievance: Vec<f64>,
    /// Current regime fragility per state.
    pub fragility: Vec<f64>,
    /// Regime threat per state: the severity of its latest unrest, decaying with
    /// `parameters.responsiveness.regime_threat_half_life` (docs/model.md §10.3).
    #[serde(default)]
    pub regime_threat: Vec<f64>,
    /// Unanswered appeals per institution per member (in member order).
    pub unanswered: Vec<Vec<u32>>,
    /// Sanctions in force.
    pub sanctions: Vec<ActiveSanctions>,
    /// Co-ethnic share `m_ip` of each state with each power, state-major, as hostile
    /// interventions leave it (a successful one detaches part of it; docs/model.md §3.4).
    pub coethnic: Vec<f64>,
    /// Added to each power's coercion in the threat term of the dynamics by its hostile
    /// interventions; decays (docs/model.md §3.4).
    pub threat_shift: Vec<f64>,
    /// The step of each power's latest hostile decision on each state (state-major; `None`
    /// before any): a defection the powers detect within their window after a decision is
    /// the decision's own consequence and is not decided again (docs/model.md §3.4).
    #[serde(default)]
    pub last_hostile: Vec<Option<u32>>,
    /// Added to each relation of two powers (driven or the world's) by `relation_shift`
    /// events, `p * powers + q`, symmetric; persistent, like the credibility shifts
    /// (docs/model.md §9). Empty, and not serialised, when no power acts (nothing reads the
    /// relations then).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub relation_shift: Vec<f64>,
}

impl EventState {
    /// The event state of `world` at its start: no pressures, shifts or grievances; the
    /// world's fragility and unanswered appeals.
    pub fn new(world: &World) -> Self {
        EventState {
            pressures: Vec::new(),
            credibility_shift: vec![0.0; world.institutions().len()],
            grievance: vec![0.0; world.states().len() * world.powers().len()],
            fragility: world.states().iter().map(|s| s.fragility).collect(),
            regime_threat: vec![0.0; world.states().len()],
            unanswered: world
                .institutions()
                .iter()
                .map(|i| i.unanswered.clone())
                .collect(),
            sanctions: Vec::new(),
            coethnic: world
                .states()
                .iter()
                .flat_map(|s| s.coethnic.iter().copied())
                .collect(),
            threat_shift: vec![0.0; world.powers().len()],
            last_hostile: vec![None; world.states().len() * world.powers().len()],
            relation_shift: if world.agency().is_inactive() {
                Vec::new()
            } else {
                vec![0.0; world.powers().len() * world.powers().len()]
            },
        }
    }
}
