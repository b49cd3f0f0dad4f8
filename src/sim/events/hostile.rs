//! Hostile interventions (docs/model.md §3.4): a power decides whether to send forces against a
//! state drifting out of its orbit, on seed 001's (docs/sources.md) five variables, and what an
//! intervention does.
//!
//! # When a decision is taken
//!
//! A decision is considered once per **trigger** for a (power, state) pair, never every month:
//!
//! * a member leaves a bloc the power leads — it is suspended or exits, by a participation event
//!   or after unanswered appeals (trigger 1; logged with [`Origin::Departure`]);
//! * a `crisis` event of a scenario (`trigger` given, in [0, 1]);
//! * a defection the powers punish (docs/model.md §9): the state's relation-weighted share
//!   with the power fell by more than the threshold over the window; trigger
//!   `min(1, fall / FULL_DEFECTION)` (logged with [`Origin::Defection`]). A departure from a
//!   bloc, which the powers punish too, is decided once, as a departure; and a fall the powers
//!   detect within their window after a hostile decision on the same pair is that decision's
//!   consequence (an intervention moves a share of the alignment away at once), not a new
//!   cause, and is not decided again.
//!
//! It is **eligible** when the trigger is above 0, the power's coercion is above 0 (a power that
//! uses no coercion in the region does not invade: the EU, the US in the embedded world keep
//! theirs low but not zero, so the rule is the scenario's statement) and the state is not
//! `fixed` (its alignment is held by the scenario). An ineligible `crisis` event is logged as
//! skipped with the reason; an ineligible departure is not a decision and is not logged.
//!
//! # The five variables
//!
//! * **trigger** as given (1 for a departure).
//! * **local support** = `min(1, m_ip / hostile_full_support)`, the co-ethnic share the power
//!   can call on (what a successful intervention has already detached is no longer counted).
//! * **anticipated opposition** = `min(1, Σ_{q≠p} x_iq,security · d_q,security · min(1, g_q))`,
//!   the security guarantees other powers deliver to the state.
//! * **feasibility** = `min(1, g_p) × proximity_ip × d_p,security`, as for a friendly decision.
//! * **cost** = the largest `a_iq · min(1, g_q)` over the powers `q ≠ p`: the sanctions the
//!   powers the state is aligned with can impose.
//!
//! `P = σ(β₀ + β_T trigger + β_L support − β_O opposition + β_F feasibility − β_C cost)`, with
//! the coefficients of the friendly decision ([`crate::model::EventParameters`]).
//!
//! # Effects of an intervention
//!
//! * a **war drain** on the power's capacity (`hostile_war_drain` a month for
//!   `hostile_war_months`, then recovery at `hostile_war_recovery`);
//! * the **stake**: the state's security tie with the power falls to 0; with probability
//!   `success × feasibility × (1 − opposition / 2)` the intervention succeeds, and the state
//!   loses `hostile_coethnic_loss` of its co-ethnic share with the power (the contested region
//!   leaves its control);
//! * **grievance** of the state toward the power (`hostile_grievance`), and
//!   `hostile_alignment_shift` of its alignment with the power moved to autonomy (weight 1) and
//!   to the other powers in proportion to their security ties with it;
//! * **threat perceived** by every state: `hostile_threat` is added to the power's coercion in
//!   the threat term of the dynamics, and halves every `hostile_threat_half_life` months, so
//!   balancers move away from the power and bandwagoners toward it.
//!
//! A decision not to intervene changes nothing and is logged too.

use super::decision::{cost, feasibility, probability, regime_stake, security_delivery};
use super::kinds::Crisis;
use super::{
    Event, EventOutcome, FiveVariables, LoggedEvent, Origin, Pressure, PressureCause,
    PressureTarget,
};
use crate::model::{tie_index, Channel, PowerId, StateId, World};
use crate::sim::RunState;
use rand::{Rng, RngExt};
use serde::{Deserialize, Serialize};

/// The fall of a state's (relation-weighted) share with a power that counts as a full trigger:
/// 0.2, a pivot of a fifth of its alignment (docs/model.md §3.4's shared definition, as the
/// case table `data/interventions.csv` codes it); smaller falls count in proportion.
pub const FULL_DEFECTION: f64 = 0.2;

/// A power's decision on a hostile intervention: its inputs, the probability, the draw's
/// result and the outcome, so a user can read why it intervened or did not.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HostileDecision {
    /// The power that decided.
    pub power: PowerId,
    /// The target.
    pub state: StateId,
    /// The five variables (`stake` is the state's alignment with the power over its largest
    /// power share, for the reader; it does not enter the decision).
    pub inputs: FiveVariables,
    /// Probability of intervening.
    pub probability: f64,
    /// Whether the power intervened.
    pub acted: bool,
    /// Probability that the intervention takes the contested stake (`None` when it did not act).
    pub success_probability: Option<f64>,
    /// Whether it did (`None` when it did not act).
    pub success: Option<bool>,
}

impl HostileDecision {
    /// The decision for the event log: `": Russia intervened — trigger 1.00, support 0.85, …"`.
    pub fn describe(&self, world: &World) -> String {
        let v = self.inputs;
        let mut text = format!(
            ": {} {} — trigger {:.2}, support {:.2}, opposition {:.2}, feasibility {:.2}, \
             cost {:.2} → p = {:.2}",
            world.powers()[self.power.index()].name,
            if self.acted {
                "intervened"
            } else {
                "did not intervene"
            },
            v.trigger,
            v.local_support,
            v.opposition,
            v.feasibility,
            v.cost,
            self.probability
        );
        if let (Some(ok), Some(q)) = (self.success, self.success_probability) {
            text.push_str(&format!(
                "; {} (p = {:.2})",
                if ok {
                    "took the contested stake"
                } else {
                    "did not take the contested stake"
                },
                q
            ));
        }
        text
    }
}

/// The five variables of a hostile intervention by `power` against `state` on a trigger of
/// `trigger` (module docs give each definition), in the run's current state.
///
/// # Examples
///
/// ```
/// use geoalign::sim::{events::hostile, RunState};
/// use geoalign::{Disposition, Power, State, World};
///
/// let world = World::builder()
///     .power(Power { coercion: 0.8, ..Power::new("Russia") })
///     .power(Power::new("NATO"))
///     .state(State {
///         proximity: vec![1.0, 0.2],
///         coethnic: vec![0.1, 0.0],
///         ..State::new("Borderland", Disposition::Hedge, vec![0.4, 0.3, 0.3])
///     })
///     .build()
///     .unwrap();
/// let rs = RunState::new(&world);
/// let (russia, borderland) = (world.power_id("Russia").unwrap(), world.state_id("Borderland").unwrap());
/// let v = hostile::inputs(&world, &rs, russia, borderland, 1.0);
/// assert_eq!(v.local_support, 0.5); // a tenth co-ethnic, full support at a fifth
/// assert_eq!(v.opposition, 0.0); // no other power has a security tie
/// ```
pub fn inputs(
    world: &World,
    rs: &RunState,
    power: PowerId,
    state: StateId,
    trigger: f64,
) -> FiveVariables {
    let params = &world.parameters().events;
    let np = world.powers().len();
    let sec = Channel::Security.index();
    let coethnic = rs.events.coethnic[state.index() * np + power.index()];
    let opposition: f64 = (0..np)
        .filter(|&q| q != power.index())
        .map(|q| {
            rs.ties[tie_index(np, state.index(), q, sec)]
                * security_delivery(rs, PowerId(q as u32))
                * rs.capacity[q].clamp(0.0, 1.0)
        })
        .sum();
    FiveVariables {
        stake: regime_stake(world, rs, state, power),
        trigger,
        local_support: (coethnic / params.hostile_full_support).min(1.0),
        opposition: opposition.min(1.0),
        feasibility: feasibility(world, rs, power, &[state]),
        cost: cost(world, rs, power, &[state]),
    }
}

/// The probability that `power` intervenes against `state` on a trigger of `trigger` now, with
/// its five variables: `σ(β·x)` ([`inputs`]).
pub fn chance(
    world: &World,
    rs: &RunState,
    power: PowerId,
    state: StateId,
    trigger: f64,
) -> (FiveVariables, f64) {
    let v = inputs(world, rs, power, state, trigger);
    (v, probability(world, &v))
}

/// Why `power` would not consider intervening against `state` on `trigger` (module docs: the
/// eligibility rule), or `None` when it would.
pub(crate) fn ineligible(
    world: &World,
    rs: &RunState,
    power: PowerId,
    state: StateId,
    trigger: f64,
) -> Option<&'static str> {
    if trigger <= 0.0 {
        Some("no trigger")
    } else if rs.coercion[power.index()] <= 0.0 {
        Some("the power uses no coercion")
    } else if world.states()[state.index()].fixed {
        Some("the state's alignment is fixed")
    } else {
        None
    }
}

/// Consider a hostile intervention by `power` against `state` on `trigger` at `step`: one
/// decision, drawn from `rng`, its effects applied to `rs` and its entry (a `crisis` event with
/// the given `origin`) passed to `log`. An ineligible pair is neither decided nor logged.
///
/// This is the entry point for every trigger found outside a scenario's events: a member's
/// departure from a bloc the power leads ([`Origin::Departure`]) and the powers' punishment of
/// a defection.
#[allow(clippy::too_many_arguments)] // the run, the pair, the trigger and the log: all needed
pub(crate) fn consider_hostile<R: Rng + ?Sized>(
    world: &World,
    rs: &mut RunState,
    step: u32,
    origin: Origin,
    power: PowerId,
    state: StateId,
    trigger: f64,
    rng: &mut R,
    log: &mut dyn FnMut(LoggedEvent),
) {
    if ineligible(world, rs, power, state, trigger).is_some() {
        return;
    }
    let mut event = Event::Crisis(Crisis {
        power,
        state,
        trigger,
    });
    let outcome = event.apply(world, rs, step, rng);
    log(LoggedEvent {
        step,
        origin,
        event,
        outcome,
    });
}

/// Decide on a hostile intervention and apply it (the effect of a `crisis` event).
pub(crate) fn decide_and_act<R: Rng + ?Sized>(
    world: &World,
    rs: &mut RunState,
    step: u32,
    power: PowerId,
    state: StateId,
    trigger: f64,
    rng: &mut R,
) -> EventOutcome {
    if let Some(reason) = ineligible(world, rs, power, state, trigger) {
        return EventOutcome::Skipped {
            reason: reason.to_string(),
        };
    }
    let np = world.powers().len();
    rs.events.last_hostile[state.index() * np + power.index()] = Some(step);
    let (inputs, p) = chance(world, rs, power, state, trigger);
    let mut d = HostileDecision {
        power,
        state,
        inputs,
        probability: p,
        acted: false,
        success_probability: None,
        success: None,
    };
    if rng.random::<f64>() < p {
        d.acted = true;
        let params = &world.parameters().events;
        let q =
            (params.success * inputs.feasibility * (1.0 - inputs.opposition / 2.0)).clamp(0.0, 1.0);
        let success = rng.random::<f64>() < q;
        d.success_probability = Some(q);
        d.success = Some(success);
        intervene(world, rs, step, power, state, success);
    }
    EventOutcome::Hostile(d)
}

/// The effects of an intervention (module docs).
fn intervene(
    world: &World,
    rs: &mut RunState,
    step: u32,
    power: PowerId,
    state: StateId,
    success: bool,
) {
    let params = &world.parameters().events;
    let np = world.powers().len();
    let (p, i) = (power.index(), state.index());
    let months = params.hostile_war_months.ceil();
    if params.hostile_war_drain > 0.0 && months > 0.0 {
        rs.events.pressures.push(Pressure {
            target: PressureTarget::Capacity(power),
            cause: PressureCause::War(power),
            depth: 0.0,
            rate: params.hostile_war_drain,
            recovery: params.hostile_war_recovery,
            active: true,
            // At most 1200 months (the parameter's bound), so the sum fits a u32.
            ends: Some(step.saturating_add(months as u32)),
        });
    }
    if success {
        rs.events.coethnic[i * np + p] *= 1.0 - params.hostile_coethnic_loss;
    }
    rs.events.grievance[i * np + p] += params.hostile_grievance;
    rs.events.threat_shift[p] += params.hostile_threat;
    if world.states()[i].fixed {
        return;
    }
    let security = tie_index(np, i, p, Channel::Security.index());
    rs.ties[security] = 0.0;
    // The power's own security offers to the state go with the tie: an invader's guarantee
    // is no guarantee (its offer stock would otherwise restore part of the tie at once).
    if let Some(offer) = rs.powers.offers.get_mut(security) {
        *offer = 0.0;
    }
    move_away(world, rs, power, state, params.hostile_alignment_shift);
}

/// Move `shift` of the state's alignment with `power` to autonomy (weight 1) and to the other
/// powers in proportion to their security ties with the state; the sum is unchanged.
fn move_away(world: &World, rs: &mut RunState, power: PowerId, state: StateId, shift: f64) {
    let np = world.powers().len();
    let c = world.components();
    let (p, i) = (power.index(), state.index());
    let sec = Channel::Security.index();
    let weight = |q: usize| {
        if q == np {
            1.0
        } else if q == p {
            0.0
        } else {
            rs.ties[tie_index(np, i, q, sec)]
        }
    };
    let weights: Vec<f64> = (0..c).map(weight).collect();
    let total: f64 = weights.iter().sum();
    let a = &mut rs.alignment[i * c..(i + 1) * c];
    let moved = shift * a[p];
    a[p] -= moved;
    for (aj, w) in a.iter_mut().zip(&weights) {
        // Rounded, a share near 1 can land one ulp above it; the `min` keeps it in [0, 1].
        *aj = (*aj + moved * w / total).min(1.0);
    }
}
