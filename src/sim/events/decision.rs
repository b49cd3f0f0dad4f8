//! The intervention decision (seed 001 (docs/sources.md)): how a bloc leader answers unrest, a security appeal
//! or a clash between members, and what answering or not answering does.
//!
//! Unrest, security appeals and border-clash mediation are all answered, or not, by the bloc
//! leader's decision on seed 001's (docs/sources.md) five variables, each in [0, 1] ([`FiveVariables`]):
//!
//! * **trigger** = severity × the leader's **stake** × `(½ + ½ · credibility of the bloc)`:
//!   a credible bloc puts the leader's reputation at stake too (docs/model.md §3.3). For
//!   unrest, the stake is the regime's alignment with the leader over its largest power share
//!   (seed 001 (docs/sources.md): Moscow backs a government that is pro-Russian and on the
//!   Kremlin's side strategically); for an appeal
//!   against another state `j`, `max(0, a_ip − a_jp) / a_ip` (the leader's interest in siding
//!   with the appellant rather than its adversary); for a clash between members `i` and `j`,
//!   `|a_ip − a_jp| / max(a_ip, a_jp)` — zero when the leader is equally tied to both, as in seed
//!   000's (docs/sources.md) clashes where Russia itself had nothing directly at stake.
//! * **local support** = 1 when the government requested help (appeals and mediation always;
//!   unrest with probability severity × stake — a government asks for foreign troops when
//!   the unrest is beyond it and the leader is its patron — or as the scenario says), else 0.
//! * **anticipated military opposition**: unrest without a request, `1 − stake` (local forces
//!   may resist); with a request, 0 (seed 001 (docs/sources.md): the request signalled that
//!   Kazakhstan's own army would not resist). Against a state `j`: `Σ_{q≠p} a_jq`, the
//!   adversary's alignment with other powers (the camp an intervention would confront).
//!   An appeal that names no adversary: 0.5, an uninformed middle value. Mediation between
//!   two armed members: 1 (an imposed settlement faces one side's forces).
//! * **technical feasibility** = `min(1, g_p) × proximity_ip × d_p,security`, the leader's
//!   effective capacity (war drain lowers it), reach and means to deliver security.
//! * **anticipated cost** = the largest `a_tq g_q` over the parties `t` and powers `q ≠ p`:
//!   how much another power has at stake with them (seed 001 (docs/sources.md): Washington and
//!   Brussels signalled that the West would not make Moscow pay much for it).
//!
//! The probability of acting is `σ(β₀ + β_T trigger + β_L support − β_O opposition + β_F
//! feasibility − β_C cost)` with the coefficients of [`crate::model::EventParameters`]; an
//! intervention then succeeds with probability `success × min(1, g_p) × (1 − opposition / 2)`.
//!
//! An appeal or request left unanswered costs the bloc credibility, cuts the appellant's
//! security tie and adds to its grievance; repeated unanswered appeals move the member's
//! participation from active to suspended to exited. A successful
//! intervention offsets one of them.

use crate::model::{tie_index, Channel, InstitutionId, Participation, PowerId, StateId, World};
use crate::sim::RunState;
use rand::{Rng, RngExt};
use serde::{Deserialize, Serialize};

/// The five variables of seed 001 (docs/sources.md), each in [0, 1], and the leader's stake that scales the
/// trigger (module docs give each definition).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct FiveVariables {
    /// The leader's stake in the matter.
    pub stake: f64,
    /// Trigger: severity × stake × (½ + ½ · the bloc's credibility) for a friendly decision;
    /// the threat to the power's stake for a hostile one.
    pub trigger: f64,
    /// Local support: 1 when the government requested help (friendly); the co-ethnic support
    /// for the power (hostile).
    pub local_support: f64,
    /// Anticipated military opposition.
    pub opposition: f64,
    /// Technical feasibility.
    pub feasibility: f64,
    /// Anticipated political and economic cost.
    pub cost: f64,
}

/// What kind of answer a bloc was asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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

impl Decision {
    /// The decision for the event log, with names: `": CSTO (Russia) acted — trigger …"`.
    pub fn describe(&self, world: &World) -> String {
        let v = self.inputs;
        let mut text = format!(
            ": {} ({}) {} — trigger {:.2} (stake {:.2}), support {:.0}, opposition {:.2}, \
             feasibility {:.2}, cost {:.2} → p = {:.2}",
            world.institutions()[self.institution.index()].name,
            world.powers()[self.leader.index()].name,
            if self.acted { "acted" } else { "did not act" },
            v.trigger,
            v.stake,
            v.local_support,
            v.opposition,
            v.feasibility,
            v.cost,
            self.probability
        );
        if let (Some(ok), Some(q)) = (self.success, self.success_probability) {
            text.push_str(&format!(
                "; {} (p = {:.2})",
                if ok { "succeeded" } else { "failed" },
                q
            ));
        }
        if let Some((from, to)) = self.participation {
            text.push_str(&format!("; participation {from} → {to}"));
        }
        text
    }
}

/// The logistic function.
pub(crate) fn logistic(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// The slot of `state` in the members of `bloc`.
pub(crate) fn member_slot(world: &World, bloc: InstitutionId, state: StateId) -> Option<usize> {
    world.institutions()[bloc.index()]
        .members
        .iter()
        .position(|&(s, _)| s == state)
}

/// Active members of `bloc`.
pub(crate) fn active_members<'a>(
    world: &'a World,
    rs: &'a RunState,
    bloc: InstitutionId,
) -> impl Iterator<Item = StateId> + 'a {
    world.institutions()[bloc.index()]
        .members
        .iter()
        .zip(&rs.participation[bloc.index()])
        .filter(|(_, p)| **p == Participation::Active)
        .map(|(&(s, _), _)| s)
}

/// The bloc a state turns to for security: among the blocs with a leader that carry some of
/// the security channel and in which the state is active, the one delivering most
/// (`carries × credibility`); the first listed on a tie.
pub(crate) fn security_bloc(
    world: &World,
    rs: &RunState,
    state: StateId,
) -> Option<(InstitutionId, usize, PowerId)> {
    let sec = Channel::Security.index();
    let mut best: Option<(f64, InstitutionId, usize, PowerId)> = None;
    for (b, inst) in world.institutions().iter().enumerate() {
        let (Some(leader), Some(slot)) = (
            inst.leader,
            member_slot(world, InstitutionId(b as u32), state),
        ) else {
            continue;
        };
        if inst.carries[sec] <= 0.0 || rs.participation[b][slot] != Participation::Active {
            continue;
        }
        let value = inst.carries[sec] * rs.credibility[b];
        if best.is_none_or(|(v, ..)| value > v) {
            best = Some((value, InstitutionId(b as u32), slot, leader));
        }
    }
    best.map(|(_, b, slot, leader)| (b, slot, leader))
}

/// The leader's stake in a regime: its alignment share over the regime's largest power share.
pub(crate) fn regime_stake(world: &World, rs: &RunState, state: StateId, leader: PowerId) -> f64 {
    let np = world.powers().len();
    let a = rs.alignment_of(world, state);
    let top = a[..np].iter().copied().fold(0.0, f64::max);
    if top > 0.0 {
        a[leader.index()] / top
    } else {
        0.0
    }
}

/// `min(1, g_p) × proximity × d_p,security`, the nearest of the states concerned: the
/// power's effective capacity, its reach, and its means to deliver security (a power whose
/// security delivery is drained by a war or sanctions has fewer troops and transport to send).
pub(crate) fn feasibility(
    world: &World,
    rs: &RunState,
    leader: PowerId,
    states: &[StateId],
) -> f64 {
    let reach = states
        .iter()
        .map(|s| world.states()[s.index()].proximity[leader.index()])
        .fold(0.0, f64::max);
    rs.capacity[leader.index()].clamp(0.0, 1.0) * reach * security_delivery(rs, leader)
}

/// `d_p,security` in [0, 1]: the power's delivery factor on the security channel.
pub(crate) fn security_delivery(rs: &RunState, power: PowerId) -> f64 {
    rs.delivery[power.index() * Channel::COUNT + Channel::Security.index()].clamp(0.0, 1.0)
}

/// `½ + ½ · credibility` of the bloc: the part of the trigger that the leader's reputation
/// adds. A credible bloc puts the leader's reputation at stake in every call for help (seed 001
/// (docs/sources.md): a failed intervention would hurt Moscow's own standing); a bloc
/// with no credibility left still leaves half of the trigger, the regime's own stake.
pub(crate) fn reputation_at_stake(rs: &RunState, bloc: InstitutionId) -> f64 {
    0.5 + 0.5 * rs.credibility[bloc.index()].clamp(0.0, 1.0)
}

/// The largest `a_tq · min(1, g_q)` over the parties `t` and the powers `q` other than the leader.
pub(crate) fn cost(world: &World, rs: &RunState, leader: PowerId, parties: &[StateId]) -> f64 {
    let c = world.components();
    let np = world.powers().len();
    let mut out: f64 = 0.0;
    for t in parties {
        for q in (0..np).filter(|&q| q != leader.index()) {
            out = out.max(rs.alignment[t.index() * c + q] * rs.capacity[q].clamp(0.0, 1.0));
        }
    }
    out
}

/// `σ(β₀ + β_T trigger + β_L support − β_O opposition + β_F feasibility − β_C cost)`, the
/// probability of acting, friendly or hostile alike, with the world's coefficients.
pub(crate) fn probability(world: &World, inputs: &FiveVariables) -> f64 {
    let p = &world.parameters().events;
    let z = p.decision_intercept
        + p.weight_trigger * inputs.trigger
        + p.weight_support * inputs.local_support
        - p.weight_opposition * inputs.opposition
        + p.weight_feasibility * inputs.feasibility
        - p.weight_cost * inputs.cost;
    logistic(z)
}

/// The decision's probability from its inputs, as a not-yet-drawn [`Decision`].
pub(crate) fn decide(
    world: &World,
    kind: DecisionKind,
    institution: InstitutionId,
    leader: PowerId,
    inputs: FiveVariables,
) -> Decision {
    Decision {
        kind,
        institution,
        leader,
        inputs,
        probability: probability(world, &inputs),
        acted: false,
        success_probability: None,
        success: None,
        participation: None,
    }
}

/// The bloc acted for `state`: draw success from the leader's capacity and apply either outcome.
pub(crate) fn intervene<R: Rng + ?Sized>(
    world: &World,
    rs: &mut RunState,
    d: &mut Decision,
    state: StateId,
    slot: usize,
    rng: &mut R,
) {
    let params = &world.parameters().events;
    let np = world.powers().len();
    let c = world.components();
    let leader = d.leader.index();
    let b = d.institution.index();
    let q =
        (params.success * rs.capacity[leader].clamp(0.0, 1.0) * (1.0 - d.inputs.opposition / 2.0))
            .clamp(0.0, 1.0);
    let success = rng.random::<f64>() < q;
    d.success_probability = Some(q);
    d.success = Some(success);
    let fixed = world.states()[state.index()].fixed;
    let sec = tie_index(np, state.index(), leader, Channel::Security.index());
    let a = &mut rs.alignment[state.index() * c..(state.index() + 1) * c];
    if success {
        if !fixed {
            // A convex combination with the leader's vertex: the simplex holds. Rounded, a
            // share near 1 can land one ulp above it ((1 − κ)·a + κ with a ≈ 1); the `min`
            // keeps it in [0, 1].
            let kappa = params.alignment_shift;
            for (j, aj) in a.iter_mut().enumerate() {
                *aj = ((1.0 - kappa) * *aj + if j == leader { kappa } else { 0.0 }).min(1.0);
            }
            rs.ties[sec] += params.security_gain * (1.0 - rs.ties[sec]);
        }
        rs.events.credibility_shift[b] += params.credibility_success;
        // A delivered guarantee offsets one unanswered appeal; a suspended member whose
        // count falls below the threshold takes part again.
        let count = &mut rs.events.unanswered[b][slot];
        *count = count.saturating_sub(1);
        let part = &mut rs.participation[b][slot];
        if *part == Participation::Suspended && *count < params.suspend_after {
            d.participation = Some((*part, Participation::Active));
            *part = Participation::Active;
        }
    } else {
        if !fixed {
            // Mass moves from the intervener to autonomy; the sum is unchanged.
            let moved = params.alignment_shift.min(a[leader]);
            a[leader] -= moved;
            // Rounded, autonomy plus the moved mass can exceed 1 by one ulp.
            a[c - 1] = (a[c - 1] + moved).min(1.0);
            rs.ties[sec] *= 1.0 - params.security_cut;
        }
        rs.events.credibility_shift[b] -= params.credibility_failure;
    }
}

/// An appeal or request left unanswered: credibility, security tie and grievance fall, the
/// count rises, and participation moves along the thresholds. Returns the participation
/// change, if any.
pub(crate) fn unanswered(
    world: &World,
    rs: &mut RunState,
    state: StateId,
    bloc: InstitutionId,
    slot: usize,
    leader: PowerId,
) -> Option<(Participation, Participation)> {
    let params = &world.parameters().events;
    let np = world.powers().len();
    let b = bloc.index();
    rs.events.credibility_shift[b] -= params.credibility_unanswered;
    if !world.states()[state.index()].fixed {
        rs.ties[tie_index(np, state.index(), leader.index(), Channel::Security.index())] *=
            1.0 - params.security_cut;
    }
    rs.events.grievance[state.index() * np + leader.index()] += params.grievance_unanswered;
    let count = &mut rs.events.unanswered[b][slot];
    *count += 1;
    let part = &mut rs.participation[b][slot];
    let next = if *part == Participation::Outside {
        // Not a member: no threshold moves it (appeals by outside states are skipped first).
        *part
    } else if *count >= params.exit_after {
        Participation::Exited
    } else if *count >= params.suspend_after && *part == Participation::Active {
        Participation::Suspended
    } else {
        *part
    };
    if next != *part {
        let change = (*part, next);
        *part = next;
        Some(change)
    } else {
        None
    }
}
