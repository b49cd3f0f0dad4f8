//! The powers' decision rule (docs/model.md §9): a myopic best response. Power `p` spends its
//! month's budget `B_p = budget_p · g_p(t)` in `n` equal increments, each on the action with
//! the highest marginal value per unit of cost, recomputed after each increment, so that
//! diminishing returns spread the spending; an increment with no action of positive value is
//! not spent.

use super::{effective_tie_kept, ACTIONS, CUT_BY_COERCION, K, OFFER_CHANNELS};
use crate::model::World;
use crate::sim::dynamics::exp_nonpositive;
use crate::sim::state::RunState;

/// What one unit spent on an action is worth to the power.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Choice {
    /// Index into the actions: an [`OFFER_CHANNELS`] position, or `OFFER_CHANNELS.len()`
    /// for coercion.
    action: usize,
    /// Marginal value per unit of budget.
    value: f64,
}

/// Every acting power spends its month's budget; `rs.powers.spent` records what went where.
pub(crate) fn allocate(world: &World, rs: &mut RunState) {
    let agency = world.agency();
    rs.powers.spent.fill(0.0);
    let np = world.powers().len();
    let increments = agency.parameters.increments;
    // The power's targets with their month's constants, kept between increments: an
    // increment changes one stock of one target, so only that target is valued again, and
    // only the exponential of the stock that moved is recomputed.
    let mut targets: Vec<Target> = Vec::with_capacity(world.states().len());
    for p in 0..np {
        let budget = agency.budgets[p] * rs.capacity[p];
        if budget <= 0.0 {
            continue;
        }
        let step = budget / f64::from(increments);
        targets.clear();
        targets.extend((0..world.states().len()).filter_map(|i| Target::new(world, rs, i, p)));
        for _ in 0..increments {
            // The first state in id order among equals, as the actions within a state.
            let Some((chosen, best)) = targets
                .iter()
                .enumerate()
                .filter_map(|(n, t)| t.best.map(|b| (n, b)))
                .fold(None, |b: Option<(usize, Choice)>, c| match b {
                    Some(b) if c.1.value <= b.1.value => Some(b),
                    _ => Some(c),
                })
            else {
                break;
            };
            let target = &mut targets[chosen];
            let at = target.at;
            if best.action < OFFER_CHANNELS.len() {
                let k = OFFER_CHANNELS[best.action].index();
                rs.powers.offers[at * K + k] += step;
                target.kept[best.action] = kept(rs.powers.offers[at * K + k]);
            } else {
                rs.powers.coercion[at] += step / target.cost;
                target.cut = kept(rs.powers.coercion[at]);
            }
            rs.powers.spent[at * ACTIONS + best.action] += step;
            target.best = target.best_action();
        }
    }
}

/// Power `p`'s view of one state it has a priority on, for one month's decision. The
/// alignment, ties, capacities and delivery do not move within a month, so the gradient, the
/// delivered weights, the threat and the coercion cost are computed once; the stocks' factors
/// `e^{−o}` and `e^{−c}` are kept and renewed when their stock moves. Every value is the same
/// expression on the same operands as a valuation from scratch, so the choices (and the
/// numbers) are those of recomputing everything after each increment.
struct Target {
    /// `state * powers + power`.
    at: usize,
    /// `priority · ∂v/∂u`.
    gain: f64,
    /// `w_k g d_k` per offer channel.
    delivered: [f64; OFFER_CHANNELS.len()],
    /// The tie `x` per offer channel.
    tie: [f64; OFFER_CHANNELS.len()],
    /// `e^{−o}` per offer channel.
    kept: [f64; OFFER_CHANNELS.len()],
    /// `e^{−c}`.
    cut: f64,
    /// `s prox (1 + λ m) g`.
    threat: f64,
    /// Budget per unit of coercion stock.
    cost: f64,
    /// The action of highest positive value now.
    best: Option<Choice>,
}

impl Target {
    /// `None` when the state is fixed or the power has no priority on it: no action of its
    /// is ever chosen.
    fn new(world: &World, rs: &RunState, i: usize, p: usize) -> Option<Target> {
        let np = world.powers().len();
        let at = i * np + p;
        let priority = world.agency().priorities[at];
        let state = &world.states()[i];
        if state.fixed || priority <= 0.0 {
            return None;
        }
        let g = rs.capacity[p];
        let mut target = Target {
            at,
            gain: priority * value_gradient(world, rs, i, p),
            delivered: [0.0; OFFER_CHANNELS.len()],
            tie: [0.0; OFFER_CHANNELS.len()],
            kept: [1.0; OFFER_CHANNELS.len()],
            cut: kept(rs.powers.coercion[at]),
            threat: threat(world, i, p, g),
            cost: coercion_cost(world, rs, i, p),
            best: None,
        };
        for (n, channel) in OFFER_CHANNELS.iter().enumerate() {
            let k = channel.index();
            target.delivered[n] = state.salience[k] * g * rs.delivery[p * K + k];
            target.tie[n] = rs.ties[at * K + k];
            target.kept[n] = kept(rs.powers.offers[at * K + k]);
        }
        target.best = target.best_action();
        Some(target)
    }

    /// The action of highest positive value per unit of cost, the first in action order
    /// among equals; `None` when none has a positive value.
    fn best_action(&self) -> Option<Choice> {
        let mut best: Option<Choice> = None;
        let mut consider = |choice: Choice| {
            if choice.value > 0.0 && best.is_none_or(|b| choice.value > b.value) {
                best = Some(choice);
            }
        };
        // Offers: ∂u/∂o = w_k g d_k (1 − x) e^{−o}, times e^{−c} where coercion cuts the
        // channel.
        let mut coercion_pull = 0.0;
        for (n, channel) in OFFER_CHANNELS.iter().enumerate() {
            let (x, kept, delivered) = (self.tie[n], self.kept[n], self.delivered[n]);
            let cut_k = if CUT_BY_COERCION.contains(channel) {
                coercion_pull += delivered * effective_tie_kept(x, kept, 1.0) * self.cut;
                self.cut
            } else {
                1.0
            };
            consider(Choice {
                action: n,
                value: self.gain * delivered * (1.0 - x) * kept * cut_k,
            });
        }
        // Coercion: ∂u/∂c = s prox (1 + λ m) g − Σ_{labour, remittances} w g d x_eff e^{−c},
        // at a cost rising with the state's other patrons.
        consider(Choice {
            action: OFFER_CHANNELS.len(),
            value: self.gain * (self.threat - coercion_pull) / self.cost,
        });
        best
    }
}

/// `e^{−stock}`; 1 without the exponential for a stock never spent on (most of them), which
/// is what the exponential gives at 0.
#[inline]
fn kept(stock: f64) -> f64 {
    if stock == 0.0 {
        1.0
    } else {
        exp_nonpositive(-stock)
    }
}

/// `s prox (1 + λ m) g`: what a unit of power `p`'s coercion stock weighs in state `i`'s
/// threat term at capacity `g`.
fn threat(world: &World, i: usize, p: usize, g: f64) -> f64 {
    let state = &world.states()[i];
    state.response.threat_weight
        * state.proximity[p]
        * (1.0 + world.parameters().coethnic_leverage * state.coethnic[p])
        * g
}

/// `∂v_ip/∂u_ip` from the logit derivative at the state's current alignment:
/// `a_p (1 − a_p)/τ − Σ_{q≠p} relation_pq a_p a_q/τ` (the plain softmax's derivative, which
/// the nested one reduces to when every power is its own camp).
fn value_gradient(world: &World, rs: &RunState, i: usize, p: usize) -> f64 {
    let (np, c) = (world.powers().len(), world.components());
    let a = &rs.alignment[i * c..(i + 1) * c];
    let tau = world.states()[i].response.temperature;
    let others: f64 = (0..np)
        .filter(|&q| q != p)
        .map(|q| rs.powers.relations[p * np + q] * a[q])
        .sum();
    a[p] * ((1.0 - a[p]) - others) / tau
}

/// The coercion cost `1 + χ Σ_{q≠p} a_iq min(1, g_q)` of power `p` on state `i` now.
pub(crate) fn coercion_cost(world: &World, rs: &RunState, i: usize, p: usize) -> f64 {
    let (np, c) = (world.powers().len(), world.components());
    let patrons: f64 = (0..np)
        .filter(|&q| q != p)
        .map(|q| rs.alignment[i * c + q] * rs.capacity[q].min(1.0))
        .sum();
    1.0 + world.agency().parameters.coercion_cost * patrons
}

#[cfg(test)]
mod tests {
    use super::coercion_cost;
    use crate::model::{Disposition, Power, State, World};
    use crate::sim::state::RunState;

    fn world(alignment: Vec<f64>) -> World {
        World::builder()
            .power(Power::new("A"))
            .power(Power::new("B"))
            .state(State::new("S", Disposition::Bandwagon, alignment))
            .budget("A", 0.1)
            .priority("A", "S", 1.0)
            .build()
            .unwrap()
    }

    #[test]
    fn coercion_costs_more_the_more_the_target_leans_to_another_patron() {
        let cost = |alignment: Vec<f64>| {
            let world = world(alignment);
            coercion_cost(&world, &RunState::new(&world), 0, 0)
        };
        // χ = 1: 1 + a_B · min(1, g_B).
        assert_eq!(cost(vec![0.6, 0.2, 0.2]), 1.2);
        assert_eq!(cost(vec![0.2, 0.6, 0.2]), 1.6);
    }

    #[test]
    fn a_weak_patron_protects_less() {
        let world = world(vec![0.2, 0.6, 0.2]);
        let mut rs = RunState::new(&world);
        rs.capacity[1] = 0.5;
        assert_eq!(coercion_cost(&world, &rs, 0, 0), 1.3);
    }
}
