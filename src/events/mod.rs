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
//!   (see [`crate::dynamics`]) and halves every [`EventParameters::grievance_half_life`]
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
//! feasibility − β_C cost)` with the coefficients of [`EventParameters`]; an intervention then
//! succeeds with probability `success × min(1, g_p) × (1 − opposition / 2)`.

mod effects;

pub(crate) use effects::EventEngine;

use crate::world::{Channel, InstitutionId, Participation, PerChannel, PowerId, StateId, World};
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

/// World-wide parameters of the events, each a modelling judgement or calibration with its
/// reason beside its default. A scenario overrides them under `[parameters.events]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EventParameters {
    /// Monthly probability of unrest in a state of fragility 1 (fragility scales it).
    pub unrest_hazard: f64,
    /// Logistic intercept `β₀` of the decision.
    pub decision_intercept: f64,
    /// `β_T`, weight of the trigger.
    pub weight_trigger: f64,
    /// `β_L`, weight of local support.
    pub weight_support: f64,
    /// `β_O`, weight of anticipated opposition (entered with a minus sign).
    pub weight_opposition: f64,
    /// `β_F`, weight of technical feasibility.
    pub weight_feasibility: f64,
    /// `β_C`, weight of anticipated cost (entered with a minus sign).
    pub weight_cost: f64,
    /// Success probability of an unopposed intervention at full capacity.
    pub success: f64,
    /// Share `κ` of the state's alignment moved toward the intervener on success
    /// (`a ← (1 − κ) a + κ e_p`); on failure, `min(κ, a_p)` moves from the intervener's share
    /// to autonomy.
    pub alignment_shift: f64,
    /// Share of the remaining room on the security tie gained on success.
    pub security_gain: f64,
    /// Share of the security tie lost on a failure or an unanswered appeal.
    pub security_cut: f64,
    /// Credibility gained by the bloc on a successful intervention or answered appeal.
    pub credibility_success: f64,
    /// Credibility lost on a failed intervention.
    pub credibility_failure: f64,
    /// Credibility lost on an unanswered appeal or ignored request.
    pub credibility_unanswered: f64,
    /// Credibility lost on a failed mediation; gained on a successful one.
    pub credibility_mediation: f64,
    /// Grievance toward the leader added by an unanswered appeal.
    pub grievance_unanswered: f64,
    /// Months for a grievance to halve.
    pub grievance_half_life: f64,
    /// Factor on the fragility of a state that sent a contingent.
    pub contingent_fragility: f64,
    /// Unanswered appeals after which an active member is suspended.
    pub suspend_after: u32,
    /// Unanswered appeals after which a member exits.
    pub exit_after: u32,
    /// Share of culture and media ties cut by a crisis of severity 1.
    pub crisis_tie_cut: f64,
    /// Grievance added by a crisis of severity 1.
    pub crisis_grievance: f64,
    /// Credibility lost by the power's blocs of which the state is a member, at severity 1.
    pub crisis_credibility: f64,
    /// Retaliation probability per unit of the rival's coercion × capacity.
    pub retaliation: f64,
    /// Share of the state's labour and remittance ties with the rival cut by retaliation.
    pub retaliation_cut: f64,
    /// Grievance toward the rival added by retaliation.
    pub retaliation_grievance: f64,
    /// Grievance toward each coalition power added by a secondary sanction of cost 1.
    pub sanctions_grievance: f64,
    /// Monthly recovery of a sanctioned power's capacity and delivery once sanctions are lifted.
    pub sanctions_recovery: f64,
}

impl Default for EventParameters {
    fn default() -> Self {
        EventParameters {
            // Calibrated on the public record: Kyrgyzstan (fragility 0.25) had three episodes
            // of major unrest in twenty years (2005, 2010, 2020): 0.25 × 0.05 × 240 = 3.
            unrest_hazard: 0.05,
            // Seed 001: all five variables "must be in place". With equal weights of 3 and this
            // intercept, all five favourable give P = 0.92, any one missing P = 0.38, two
            // missing P = 0.03 (judgement on the scale; the seed gives no ranking).
            decision_intercept: -6.5,
            weight_trigger: 3.0,
            weight_support: 3.0,
            weight_opposition: 3.0,
            weight_feasibility: 3.0,
            weight_cost: 3.0,
            // 001: the 2022 deployment restored order within a week; judgement: an unopposed
            // deployment at full capacity rarely fails.
            success: 0.95,
            // Judgement: an intervention moves a twentieth of the regime's alignment at once.
            alignment_shift: 0.05,
            // Judgement: a delivered guarantee closes a fifth of the gap to a full guarantee.
            security_gain: 0.2,
            // Judgement: an unanswered appeal cuts a quarter of the guarantee's value (000:
            // after 2022 the guarantee was seen as "only formal").
            security_cut: 0.25,
            // 001: the first joint deployment in the bloc's 30 years; judgement on the size.
            credibility_success: 0.10,
            // 001: failure "could be badly damaging to the Kremlin's own reputation".
            credibility_failure: 0.15,
            // 000: unanswered appeals fed "a creeping loss of credibility"; judgement on size.
            credibility_unanswered: 0.08,
            // 000: the failed KG–TJ mediation reinforced doubts; judgement on size.
            credibility_mediation: 0.05,
            // Judgement: a fifth of a strong channel pull (utilities are on a 0–1 scale).
            grievance_unanswered: 0.05,
            // Judgement: resentment fades over years, not months (Armenia 2020 → 2024).
            grievance_half_life: 24.0,
            // 001: contributing members "could actually [become] more vulnerable to political
            // unrest"; judgement: a tenth more per deployment.
            contingent_fragility: 1.1,
            // 000: Armenia's two unanswered appeals (2020, 2022) preceded its suspension.
            suspend_after: 2,
            // Judgement: exit takes two more failures than suspension (Armenia stayed a
            // suspended member after the third, Karabakh 2023).
            exit_after: 4,
            // 003: Baku closed the Russian cultural centre and raided Sputnik; judgement: a
            // crisis of severity 1 cuts a third of culture and media ties.
            crisis_tie_cut: 0.3,
            // Judgement: a grave crisis counts like two unanswered appeals.
            crisis_grievance: 0.1,
            // Judgement: a member's public quarrel with the leader costs its blocs a little.
            crisis_credibility: 0.05,
            // 002: Kyrgyzstan's president: a US agreement "would be perceived in Moscow as a
            // 'stab in the back'"; judgement: half the rival's coercion × capacity.
            retaliation: 0.5,
            // 002: "the most likely form of retaliation would be making life more difficult for
            // Kyrgyz migrant workers in Russia"; judgement: a fifth of those ties.
            retaliation_cut: 0.2,
            // Judgement: as an unanswered appeal.
            retaliation_grievance: 0.05,
            // 002: sanctions on Kyrgyz firms hurt "more than in Russia itself"; judgement.
            sanctions_grievance: 0.05,
            // Judgement: trade and payment channels re-open within about a year of lifting.
            sanctions_recovery: 0.1,
        }
    }
}

impl EventParameters {
    /// Every real parameter with its name and allowed range, for validation.
    pub(crate) fn ranges(&self) -> Vec<(&'static str, f64, f64, f64)> {
        vec![
            ("unrest_hazard", self.unrest_hazard, 0.0, 1.0),
            ("decision_intercept", self.decision_intercept, -100.0, 100.0),
            ("weight_trigger", self.weight_trigger, 0.0, 100.0),
            ("weight_support", self.weight_support, 0.0, 100.0),
            ("weight_opposition", self.weight_opposition, 0.0, 100.0),
            ("weight_feasibility", self.weight_feasibility, 0.0, 100.0),
            ("weight_cost", self.weight_cost, 0.0, 100.0),
            ("success", self.success, 0.0, 1.0),
            ("alignment_shift", self.alignment_shift, 0.0, 1.0),
            ("security_gain", self.security_gain, 0.0, 1.0),
            ("security_cut", self.security_cut, 0.0, 1.0),
            ("credibility_success", self.credibility_success, 0.0, 1.0),
            ("credibility_failure", self.credibility_failure, 0.0, 1.0),
            (
                "credibility_unanswered",
                self.credibility_unanswered,
                0.0,
                1.0,
            ),
            (
                "credibility_mediation",
                self.credibility_mediation,
                0.0,
                1.0,
            ),
            ("grievance_unanswered", self.grievance_unanswered, 0.0, 10.0),
            ("grievance_half_life", self.grievance_half_life, 0.1, 1e6),
            ("contingent_fragility", self.contingent_fragility, 1.0, 10.0),
            ("crisis_tie_cut", self.crisis_tie_cut, 0.0, 1.0),
            ("crisis_grievance", self.crisis_grievance, 0.0, 10.0),
            ("crisis_credibility", self.crisis_credibility, 0.0, 1.0),
            ("retaliation", self.retaliation, 0.0, 1.0),
            ("retaliation_cut", self.retaliation_cut, 0.0, 1.0),
            (
                "retaliation_grievance",
                self.retaliation_grievance,
                0.0,
                10.0,
            ),
            ("sanctions_grievance", self.sanctions_grievance, 0.0, 10.0),
            ("sanctions_recovery", self.sanctions_recovery, 0.0, 1.0),
        ]
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
