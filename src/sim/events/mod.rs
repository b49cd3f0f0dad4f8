//! Events (MODEL.md §3): the shocks the seeds describe, as typed values a scenario schedules by
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
//!   **fragility** (contingent contributors, seed 001).
//!
//! # The intervention decision (seed 001)
//!
//! Unrest, security appeals and border-clash mediation are all answered, or not, by the bloc
//! leader's decision on seed 001's five variables, each in [0, 1] ([`FiveVariables`]):
//!
//! * **trigger** = severity × the leader's **stake**. For unrest, the stake is the regime's
//!   alignment with the leader over its largest power share (seed 001: Moscow supports "a
//!   pro-Russian government that is strategically aligned with the Kremlin"); for an appeal
//!   against another state `j`, `max(0, a_ip − a_jp) / a_ip` (the leader's interest in siding
//!   with the appellant rather than its adversary); for a clash between members `i` and `j`,
//!   `|a_ip − a_jp| / max(a_ip, a_jp)` — zero when the leader is equally tied to both, seed
//!   000's "when Russia has no direct interest at stake".
//! * **local support** = 1 when the government requested help (appeals and mediation always;
//!   unrest with probability severity × stake — a government asks for foreign troops when
//!   the unrest is beyond it and the leader is its patron — or as the scenario says), else 0.
//! * **anticipated military opposition**: unrest without a request, `1 − stake` (local forces
//!   may resist); with a request, 0 (seed 001: the request "indicated … there would not be a
//!   hostile response from the Kazakh military"). Against a state `j`: `Σ_{q≠p} a_jq`, the
//!   adversary's alignment with other powers (the camp an intervention would confront).
//!   An appeal that names no adversary: 0.5, an uninformed middle value. Mediation between
//!   two armed members: 1 (an imposed settlement faces one side's forces).
//! * **technical feasibility** = `min(1, g_p) × proximity_ip`, the leader's effective
//!   capacity (war drain lowers it) and reach.
//! * **anticipated cost** = the largest `a_tq g_q` over the parties `t` and powers `q ≠ p`:
//!   how much another power has at stake with them (seed 001: "signals from the United States
//!   and European Union indicated that there would not be significant … blowback").
//!
//! The probability of acting is `σ(β₀ + β_T trigger + β_L support − β_O opposition + β_F
//! feasibility − β_C cost)` with the coefficients of [`crate::model::EventParameters`]; an intervention then
//! succeeds with probability `success × min(1, g_p) × (1 − opposition / 2)`.

mod effects;

pub(crate) use effects::EventEngine;

use crate::model::{Channel, InstitutionId, Participation, PerChannel, PowerId, StateId, World};
use serde::{Deserialize, Serialize};

/// A typed event with its parameters. Names are resolved to ids when the scenario loads.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Event {
    /// A power goes to war: its capacity and its delivery on the given channels are drained
    /// every month until the war ends, then recover.
    War {
        /// The power at war.
        power: PowerId,
        /// Monthly drain rate of capacity, in [0, 1].
        capacity_drain: f64,
        /// Monthly drain rate of delivery per channel, in [0, 1].
        delivery_drain: PerChannel,
        /// Monthly recovery rate once the war ends, in [0, 1].
        recovery: f64,
        /// Step at which the war ends, if known.
        ends: Option<u32>,
    },
    /// The power's wars end: their drains start to recover.
    Peace {
        /// The power.
        power: PowerId,
    },
    /// A coalition sanctions a power, with parallel trade through re-exporting states and a
    /// monthly hazard of secondary sanctions on them.
    Sanctions {
        /// The sanctioning coalition.
        by: Vec<PowerId>,
        /// The sanctioned power.
        on: PowerId,
        /// Monthly drain rate of the target's capacity while sanctions last.
        capacity_drain: f64,
        /// Immediate cut of the target's delivery per channel (payments, logistics), in [0, 1).
        delivery_cut: PerChannel,
        /// States that keep trading with the target and re-export.
        re_exporters: Vec<StateId>,
        /// Share of each re-exporter's unmodelled trade room re-routed to the two sides.
        parallel_gain: f64,
        /// Monthly probability that the coalition penalises each re-exporter.
        secondary_hazard: f64,
        /// Cost of a secondary sanction: share of the re-exporter's trade and investment ties
        /// with the coalition that is cut.
        secondary_cost: f64,
        /// Step at which the sanctions are lifted, if known.
        ends: Option<u32>,
    },
    /// The coalition penalises a re-exporting state (US sanctions on Kyrgyz firms, seed 002).
    SecondarySanctions {
        /// The sanctioning powers.
        by: Vec<PowerId>,
        /// The penalised state.
        state: StateId,
        /// Share of the state's trade and investment ties with each of them that is cut.
        cost: f64,
    },
    /// A fall in a power's remittance delivery, with labour ties shifting to alternatives.
    RemittanceShock {
        /// The host power.
        power: PowerId,
        /// Immediate fall of remittance delivery, in [0, 1).
        size: f64,
        /// Monthly recovery rate of that fall.
        recovery: f64,
        /// Share of every state's labour tie with the power that moves away, in [0, 1].
        shift: f64,
        /// Alternative destinations with weights; the moved share is split among them in
        /// proportion (the rest goes to destinations outside the world, e.g. Korea or the Gulf).
        alternatives: Vec<(PowerId, f64)>,
    },
    /// Unrest in a state, followed by its security bloc's intervention decision.
    Unrest {
        /// Where.
        state: StateId,
        /// Severity in [0, 1]; drawn uniformly when `None`.
        severity: Option<f64>,
        /// Whether the government asks its bloc for help; drawn when `None`.
        request: Option<bool>,
        /// Members that send contingents; all other active members of the bloc when `None`.
        /// Each must share a bloc with a leader with the state (checked at load).
        contributors: Option<Vec<StateId>>,
    },
    /// A member asks its bloc for protection.
    SecurityAppeal {
        /// The appellant.
        state: StateId,
        /// The bloc appealed to; the state's security bloc when `None`.
        institution: Option<InstitutionId>,
        /// The adversary, if a state.
        against: Option<StateId>,
        /// Severity of the threat, in [0, 1].
        severity: f64,
    },
    /// A clash between two members of a bloc, with a mediation attempt by the bloc.
    BorderClash {
        /// The two members.
        states: [StateId; 2],
        /// The mediating bloc; the first bloc with a leader that has both as members when `None`.
        institution: Option<InstitutionId>,
        /// Severity in [0, 1].
        severity: f64,
    },
    /// A diplomatic crisis between a power and a state (Azerbaijan–Russia 2024–25, seed 003).
    DiplomaticCrisis {
        /// The power.
        power: PowerId,
        /// The state.
        state: StateId,
        /// Severity in [0, 1].
        severity: f64,
    },
    /// A power opens or deepens a channel with a state, at the risk of a rival's retaliation.
    ExternalOffer {
        /// The offering power.
        power: PowerId,
        /// The state.
        state: StateId,
        /// The channel opened or deepened.
        channel: Channel,
        /// Share of the remaining room on the tie that is taken up, in [0, 1].
        amount: f64,
        /// The power that may retaliate; the state's largest other power share when `None`.
        rival: Option<PowerId>,
    },
}

impl Event {
    /// The event's kind as written in scenario files.
    pub fn kind(&self) -> &'static str {
        match self {
            Event::War { .. } => "war",
            Event::Peace { .. } => "peace",
            Event::Sanctions { .. } => "sanctions",
            Event::SecondarySanctions { .. } => "secondary_sanctions",
            Event::RemittanceShock { .. } => "remittance_shock",
            Event::Unrest { .. } => "unrest",
            Event::SecurityAppeal { .. } => "security_appeal",
            Event::BorderClash { .. } => "border_clash",
            Event::DiplomaticCrisis { .. } => "diplomatic_crisis",
            Event::ExternalOffer { .. } => "external_offer",
        }
    }
}

/// Every event kind as written in scenario files, in the order of [`Event`]'s variants.
pub const KINDS: [&str; 10] = [
    "war",
    "peace",
    "sanctions",
    "secondary_sanctions",
    "remittance_shock",
    "unrest",
    "security_appeal",
    "border_clash",
    "diplomatic_crisis",
    "external_offer",
];

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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
}

/// The five variables of seed 001, each in [0, 1], and the leader's stake that scales the
/// trigger (module docs give each definition).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct FiveVariables {
    /// The leader's stake in the matter.
    pub stake: f64,
    /// Trigger: severity × stake.
    pub trigger: f64,
    /// Local support: 1 when the government requested help.
    pub local_support: f64,
    /// Anticipated military opposition.
    pub opposition: f64,
    /// Technical feasibility.
    pub feasibility: f64,
    /// Anticipated political and economic cost.
    pub cost: f64,
}

/// What kind of answer a bloc was asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    /// Deploy to a state in unrest.
    Intervention,
    /// Answer a member's security appeal.
    Appeal,
    /// Mediate a clash between two members.
    Mediation,
}

/// A bloc leader's decision: its inputs, the probability, the draw's result and the outcome,
/// so a user can read why the bloc acted or did not.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    /// What was decided.
    pub kind: DecisionKind,
    /// The bloc.
    pub institution: InstitutionId,
    /// Its leader.
    pub leader: PowerId,
    /// The five variables.
    pub inputs: FiveVariables,
    /// Probability of acting.
    pub probability: f64,
    /// Whether the bloc acted.
    pub acted: bool,
    /// Probability that acting succeeds (`None` when it did not act).
    pub success_probability: Option<f64>,
    /// Whether it succeeded (`None` when it did not act).
    pub success: Option<bool>,
    /// The appellant's participation before and after, when it changed.
    pub participation: Option<(Participation, Participation)>,
}

/// What an event did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Outcome {
    /// Its effects were applied as described by its kind.
    Applied,
    /// A bloc decided (unrest, appeal, clash).
    Decided(Decision),
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
    pub outcome: Outcome,
}

impl LoggedEvent {
    /// A one-line description with names, for people.
    pub fn describe(&self, world: &World) -> String {
        let p = |id: PowerId| world.powers()[id.index()].name.as_str();
        let s = |id: StateId| world.states()[id.index()].name.as_str();
        let i = |id: InstitutionId| world.institutions()[id.index()].name.as_str();
        let what = match &self.event {
            Event::War { power, .. } => format!("war drain on {}", p(*power)),
            Event::Peace { power } => format!("peace for {}", p(*power)),
            Event::Sanctions { by, on, .. } => format!(
                "sanctions by {} on {}",
                by.iter().map(|&q| p(q)).collect::<Vec<_>>().join("+"),
                p(*on)
            ),
            Event::SecondarySanctions { by, state, .. } => format!(
                "secondary sanctions by {} on {}",
                by.iter().map(|&q| p(q)).collect::<Vec<_>>().join("+"),
                s(*state)
            ),
            Event::RemittanceShock { power, size, .. } => {
                format!("remittance shock in {} (−{:.0} %)", p(*power), size * 100.0)
            }
            Event::Unrest {
                state, severity, ..
            } => format!(
                "unrest in {} (severity {:.2})",
                s(*state),
                severity.unwrap_or(f64::NAN)
            ),
            Event::SecurityAppeal { state, against, .. } => match against {
                Some(j) => format!("security appeal by {} against {}", s(*state), s(*j)),
                None => format!("security appeal by {}", s(*state)),
            },
            Event::BorderClash { states, .. } => {
                format!("border clash {}–{}", s(states[0]), s(states[1]))
            }
            Event::DiplomaticCrisis { power, state, .. } => {
                format!("diplomatic crisis {}–{}", p(*power), s(*state))
            }
            Event::ExternalOffer {
                power,
                state,
                channel,
                ..
            } => format!("{} offers {} on {}", p(*power), s(*state), channel.name()),
        };
        let result = match &self.outcome {
            Outcome::Applied => String::new(),
            Outcome::NoBloc => ": no security bloc to turn to".to_string(),
            Outcome::Skipped { reason } => format!(": skipped ({reason})"),
            Outcome::Offer {
                rival,
                probability,
                retaliated,
            } => match rival {
                Some(r) => format!(
                    ": {} {} (p = {:.2})",
                    p(*r),
                    if *retaliated {
                        "retaliated"
                    } else {
                        "did not retaliate"
                    },
                    probability
                ),
                None => String::new(),
            },
            Outcome::Decided(d) => {
                let v = d.inputs;
                let mut text = format!(
                    ": {} ({}) {} — trigger {:.2} (stake {:.2}), support {:.0}, opposition {:.2}, \
                     feasibility {:.2}, cost {:.2} → p = {:.2}",
                    i(d.institution),
                    p(d.leader),
                    if d.acted { "acted" } else { "did not act" },
                    v.trigger,
                    v.stake,
                    v.local_support,
                    v.opposition,
                    v.feasibility,
                    v.cost,
                    d.probability
                );
                if let (Some(ok), Some(q)) = (d.success, d.success_probability) {
                    text.push_str(&format!(
                        "; {} (p = {:.2})",
                        if ok { "succeeded" } else { "failed" },
                        q
                    ));
                }
                if let Some((from, to)) = d.participation {
                    text.push_str(&format!("; participation {from} → {to}"));
                }
                text
            }
        };
        format!("step {:>3} [{:?}] {what}{result}", self.step, self.origin)
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
    /// Unanswered appeals per institution per member (in member order).
    pub unanswered: Vec<Vec<u32>>,
    /// Sanctions in force.
    pub sanctions: Vec<ActiveSanctions>,
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
            unanswered: world
                .institutions()
                .iter()
                .map(|i| i.unanswered.clone())
                .collect(),
            sanctions: Vec::new(),
        }
    }
}
