//! The powers' decision rule (docs/model.md §9): a myopic best response. Power `p` spends its
//! month's budget `B_p = budget_p · g_p(t)` in `n` equal increments, each on the action with
//! the highest marginal value per unit of cost, recomputed after each increment, so that
//! diminishing returns spread the spending; an increment with no action of positive value is
//! not spent.

use super::{effective_tie, ACTIONS, CUT_BY_COERCION, K, OFFER_CHANNELS};
use crate::model::World;
use crate::sim::dynamics::exp_nonpositive;
use crate::sim::state::RunState;

/// What one unit spent on an action is worth to the power.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Choice {
    state: usize,
    /// Index into the actions: an [`OFFER_CHANNELS`] position, or `OFFER_CHANNELS.len()`
    /// for coercion.
    action: usize,
    /// Marginal value per unit of budget.
    value: f64,
    /// Budget per unit of stock.
    cost: f64,
}

/// Every acting power spends its month's budget; `rs.powers.spent` records what went where.
pub(crate) fn allocate(world: &World, rs: &mut RunState) {
    let agency = world.agency();
    rs.powers.spent.fill(0.0);
    let np = world.powers().len();
    let increments = agency.parameters.increments;
    // Each state's best action, kept between increments: an increment changes the stocks of
    // one state only, so only that state's actions are valued again.
    let mut best_by_state: Vec<Option<Choice>> = Vec::with_capacity(world.states().len());
    for p in 0..np {
        let budget = agency.budgets[p] * rs.capacity[p];
        if budget <= 0.0 {
            continue;
        }
        let step = budget / f64::from(increments);
        best_by_state.clear();
        best_by_state.extend((0..world.states().len()).map(|i| best_on_state(world, rs, i, p)));
        for _ in 0..increments {
            // The first state in id order among equals, as the actions within a state.
            let Some(best) = best_by_state
                .iter()
                .flatten()
                .fold(None, |b: Option<&Choice>, c| match b {
                    Some(b) if c.value <= b.value => Some(b),
                    _ => Some(c),
                })
                .copied()
            else {
                break;
            };
            let at = best.state * np + p;
            if best.action < OFFER_CHANNELS.len() {
                let k = OFFER_CHANNELS[best.action].index();
                rs.powers.offers[at * K + k] += step;
            } else {
                rs.powers.coercion[at] += step / best.cost;
            }
            rs.powers.spent[at * ACTIONS + best.action] += step;
            best_by_state[best.state] = best_on_state(world, rs, best.state, p);
        }
    }
}

/// The action of highest positive value per unit of cost for power `p` on state `i`, the
/// first in action order among equals; `None` when none has a positive value or the power
/// has no priority on the (movable) state.
fn best_on_state(world: &World, rs: &RunState, i: usize, p: usize) -> Option<Choice> {
    let np = world.powers().len();
    let priority = world.agency().priorities[i * np + p];
    if world.states()[i].fixed || priority <= 0.0 {
        return None;
    }
    let gain = priority * value_gradient(world, rs, i, p);
    let mut best: Option<Choice> = None;
    for choice in actions(world, rs, i, p, gain) {
        if choice.value > 0.0 && best.is_none_or(|b| choice.value > b.value) {
            best = Some(choice);
        }
    }
    best
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

/// The value per unit of cost of each action of power `p` on state `i`, given the gradient
/// `gain = priority · ∂v/∂u`.
fn actions(
    world: &World,
    rs: &RunState,
    i: usize,
    p: usize,
    gain: f64,
) -> impl Iterator<Item = Choice> {
    let np = world.powers().len();
    let state = &world.states()[i];
    let at = i * np + p;
    let g = rs.capacity[p];
    let coercion = rs.powers.coercion[at];
    let cut = exp_nonpositive(-coercion);
    let mut out = [Choice {
        state: i,
        action: 0,
        value: 0.0,
        cost: 1.0,
    }; ACTIONS];
    // Offers: ∂u/∂o = w_k g d_k (1 − x) e^{−o}, times e^{−c} where coercion cuts the channel.
    let mut coercion_pull = 0.0;
    for (n, channel) in OFFER_CHANNELS.iter().enumerate() {
        let k = channel.index();
        let (x, o) = (rs.ties[at * K + k], rs.powers.offers[at * K + k]);
        let delivered = state.salience[k] * g * rs.delivery[p * K + k];
        let cut_k = if CUT_BY_COERCION.contains(channel) {
            coercion_pull += delivered * effective_tie(x, o, 1.0) * cut;
            cut
        } else {
            1.0
        };
        out[n].action = n;
        out[n].value = gain * delivered * (1.0 - x) * exp_nonpositive(-o) * cut_k;
    }
    // Coercion: ∂u/∂c = [s prox (1 + λ m) g − Σ_{labour, remittances} w g d x_eff] e^{−c} (the
    // threat adds 1 − e^{−c}, so returns diminish as for offers), at a cost rising with the
    // state's other patrons.
    let params = world.parameters();
    let threat = state.response.threat_weight
        * state.proximity[p]
        * (1.0 + params.coethnic_leverage * state.coethnic[p])
        * g;
    let cost = coercion_cost(world, rs, i, p);
    let last = OFFER_CHANNELS.len();
    out[last] = Choice {
        state: i,
        action: last,
        value: gain * (threat * cut - coercion_pull) / cost,
        cost,
    };
    out.into_iter()
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
