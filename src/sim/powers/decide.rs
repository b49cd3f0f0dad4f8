//! The powers' decision rule (docs/model.md §9): a myopic best response. Power `p` spends its
//! month's budget `B_p = budget_p · g_p(t)` in `n` equal increments, each on the action with
//! the highest marginal value per unit of cost, recomputed after each increment, so that
//! diminishing returns spread the spending; an increment with no action of positive value is
//! not spent.

use super::{effective_tie_kept, ACTIONS, CUT_BY_COERCION, K, OFFER_CHANNELS};

/// The position of coercion among the actions, after the offers.
const COERCION: usize = OFFER_CHANNELS.len();
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
            // The first state in id order among equals, as the actions within a state: a
            // later target replaces the chosen one only with a strictly higher value.
            let mut chosen: Option<(usize, Choice)> = None;
            for (n, t) in targets.iter().enumerate() {
                if let Some(b) = t.best {
                    if chosen.is_none_or(|(_, c)| b.value > c.value) {
                        chosen = Some((n, b));
                    }
                }
            }
            let Some((chosen, best)) = chosen else {
                break;
            };
            targets[chosen].spend(rs, best.action, step);
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
    /// Each action's value per unit of budget now ([`Target::offer_value`],
    /// [`Target::coercion_value`]); an increment renews only those its stock moves.
    values: [f64; ACTIONS],
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
            values: [0.0; ACTIONS],
            best: None,
        };
        for (n, channel) in OFFER_CHANNELS.iter().enumerate() {
            let k = channel.index();
            target.delivered[n] = state.salience[k] * g * rs.delivery[p * K + k];
            target.tie[n] = rs.ties[at * K + k];
            target.kept[n] = kept(rs.powers.offers[at * K + k]);
        }
        for n in 0..OFFER_CHANNELS.len() {
            target.values[n] = target.offer_value(n);
        }
        target.values[COERCION] = target.coercion_value();
        target.best = target.best_action();
        Some(target)
    }

    /// Spend `step` of the budget on `action`: the stock grows, its factor is renewed, and
    /// the target is valued again.
    fn spend(&mut self, rs: &mut RunState, action: usize, step: f64) {
        let at = self.at;
        if action < OFFER_CHANNELS.len() {
            let channel = OFFER_CHANNELS[action];
            let k = channel.index();
            rs.powers.offers[at * K + k] += step;
            self.kept[action] = kept(rs.powers.offers[at * K + k]);
            // The offer's own value moves, and coercion's with it where coercion cuts the
            // channel (its pull on the channel is part of coercion's value).
            self.values[action] = self.offer_value(action);
            if CUT_BY_COERCION.contains(&channel) {
                self.values[COERCION] = self.coercion_value();
            }
        } else {
            rs.powers.coercion[at] += step / self.cost;
            self.cut = kept(rs.powers.coercion[at]);
            // The cut moves coercion's value and every offer on a channel it cuts.
            for (n, channel) in OFFER_CHANNELS.iter().enumerate() {
                if CUT_BY_COERCION.contains(channel) {
                    self.values[n] = self.offer_value(n);
                }
            }
            self.values[COERCION] = self.coercion_value();
        }
        rs.powers.spent[at * ACTIONS + action] += step;
        self.best = self.best_action();
    }

    /// Offer `n`'s value: `∂u/∂o = w_k g d_k (1 − x) e^{−o}`, times `e^{−c}` where coercion
    /// cuts the channel.
    #[inline]
    fn offer_value(&self, n: usize) -> f64 {
        let cut_k = if CUT_BY_COERCION.contains(&OFFER_CHANNELS[n]) {
            self.cut
        } else {
            1.0
        };
        self.gain * self.delivered[n] * (1.0 - self.tie[n]) * self.kept[n] * cut_k
    }

    /// Coercion's value: `∂u/∂c = [s prox (1 + λ m) g − Σ_{labour, remittances} w g d x_eff]
    /// e^{−c}` (the threat adds `1 − e^{−c}`, so returns diminish as for offers), per unit of
    /// a cost rising with the state's other patrons.
    #[inline]
    fn coercion_value(&self) -> f64 {
        let mut coercion_pull = 0.0;
        for (n, channel) in OFFER_CHANNELS.iter().enumerate() {
            if CUT_BY_COERCION.contains(channel) {
                coercion_pull += self.delivered[n]
                    * effective_tie_kept(self.tie[n], self.kept[n], 1.0)
                    * self.cut;
            }
        }
        self.gain * (self.threat * self.cut - coercion_pull) / self.cost
    }

    /// The action of highest positive value per unit of cost, the first in action order
    /// among equals; `None` when none has a positive value.
    fn best_action(&self) -> Option<Choice> {
        let mut best: Option<Choice> = None;
        for (action, &value) in self.values.iter().enumerate() {
            if value > 0.0 && best.is_none_or(|b| value > b.value) {
                best = Some(Choice { action, value });
            }
        }
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
    use super::{
        allocate, coercion_cost, threat, value_gradient, Target, ACTIONS, CUT_BY_COERCION, K,
        OFFER_CHANNELS,
    };
    use crate::model::{Channel, Disposition, Power, State, World};
    use crate::sim::dynamics::exp_nonpositive;
    use crate::sim::powers::{effective_tie, PowerStocks};
    use crate::sim::state::RunState;

    /// The decision rule valued from scratch: every target's every action, with its
    /// exponentials, gradient and cost, recomputed before each increment (the first version
    /// of the allocation, which the kept constants must reproduce to the bit).
    fn allocate_from_scratch(world: &World, rs: &mut RunState) {
        let agency = world.agency();
        rs.powers.spent.fill(0.0);
        let (np, ns) = (world.powers().len(), world.states().len());
        for p in 0..np {
            let budget = agency.budgets[p] * rs.capacity[p];
            if budget <= 0.0 {
                continue;
            }
            let step = budget / f64::from(agency.parameters.increments);
            for _ in 0..agency.parameters.increments {
                let mut chosen: Option<(usize, usize, f64, f64)> = None;
                for i in 0..ns {
                    let Some((action, value, cost)) = best_from_scratch(world, rs, i, p) else {
                        continue;
                    };
                    if chosen.is_none_or(|c| value > c.2) {
                        chosen = Some((i, action, value, cost));
                    }
                }
                let Some((i, action, _, cost)) = chosen else {
                    break;
                };
                let at = i * np + p;
                if action < OFFER_CHANNELS.len() {
                    rs.powers.offers[at * K + OFFER_CHANNELS[action].index()] += step;
                } else {
                    rs.powers.coercion[at] += step / cost;
                }
                rs.powers.spent[at * ACTIONS + action] += step;
            }
        }
    }

    fn best_from_scratch(
        world: &World,
        rs: &RunState,
        i: usize,
        p: usize,
    ) -> Option<(usize, f64, f64)> {
        let np = world.powers().len();
        let at = i * np + p;
        let state = &world.states()[i];
        let priority = world.agency().priorities[at];
        if state.fixed || priority <= 0.0 {
            return None;
        }
        let (gain, g) = (priority * value_gradient(world, rs, i, p), rs.capacity[p]);
        let cut = exp_nonpositive(-rs.powers.coercion[at]);
        let mut values = [0.0; ACTIONS];
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
            values[n] = gain * delivered * (1.0 - x) * exp_nonpositive(-o) * cut_k;
        }
        let cost = coercion_cost(world, rs, i, p);
        values[ACTIONS - 1] = gain * (threat(world, i, p, g) * cut - coercion_pull) / cost;
        let mut best: Option<(usize, f64, f64)> = None;
        for (action, &value) in values.iter().enumerate() {
            if value > 0.0 && best.is_none_or(|b| value > b.1) {
                best = Some((action, value, cost));
            }
        }
        best
    }

    #[test]
    fn kept_constants_choose_and_spend_as_a_valuation_from_scratch() {
        let world = World::builder()
            .power(Power::new("A"))
            .power(Power::new("B"))
            .state(State {
                // Near A, so that A's coercion pays on this bandwagoner.
                proximity: vec![1.0, 0.2],
                ..State::new("S", Disposition::Bandwagon, vec![0.5, 0.3, 0.2])
            })
            .state(State::new("T", Disposition::Balance, vec![0.2, 0.5, 0.3]))
            .state(State::new("U", Disposition::Hedge, vec![0.3, 0.3, 0.4]))
            .tie("S", "A", Channel::Labour, 0.4)
            .tie("S", "A", Channel::Trade, 0.2)
            .tie("T", "B", Channel::Remittances, 0.3)
            .tie("U", "A", Channel::Energy, 0.6)
            .budget("A", 0.3)
            .budget("B", 0.2)
            .priority("A", "S", 1.0)
            .priority("A", "T", 0.6)
            .priority("A", "U", 0.8)
            .priority("B", "T", 1.0)
            .priority("B", "S", 0.5)
            .relation("A", "B", -0.3)
            .build()
            .unwrap();
        let (mut kept, mut scratch) = (RunState::new(&world), RunState::new(&world));
        kept.powers = PowerStocks::new(&world);
        scratch.powers = PowerStocks::new(&world);
        // Thirty-six months of decay and decisions on a fixed alignment: the stocks build up,
        // so later months value targets whose offer and coercion stocks are not 0.
        let keep = super::super::keep_per_month(&world);
        let mut spending = 0.0;
        for _ in 0..36 {
            for rs in [&mut kept, &mut scratch] {
                rs.powers.offers.iter_mut().for_each(|x| *x *= keep);
                rs.powers.coercion.iter_mut().for_each(|x| *x *= keep);
            }
            allocate(&world, &mut kept);
            allocate_from_scratch(&world, &mut scratch);
            let bits = |rs: &RunState| -> Vec<u64> {
                let stocks = &rs.powers;
                let all = stocks
                    .offers
                    .iter()
                    .chain(&stocks.coercion)
                    .chain(&stocks.spent);
                all.map(|x| x.to_bits()).collect()
            };
            assert_eq!(bits(&kept), bits(&scratch));
            spending += kept.powers.spent.iter().sum::<f64>();
        }
        // Each action spent on, the kept target values the state as from scratch.
        let mut rs = kept;
        for (i, action) in [(0, ACTIONS - 1), (0, 3), (0, ACTIONS - 1), (1, 1), (2, 0)] {
            let mut target = Target::new(&world, &rs, i, 0).expect("A has a priority on it");
            for _ in 0..3 {
                target.spend(&mut rs, action, 0.05);
                let from_scratch = best_from_scratch(&world, &rs, i, 0);
                let kept = target.best.map(|b| (b.action, b.value.to_bits()));
                assert_eq!(kept, from_scratch.map(|b| (b.0, b.1.to_bits())));
            }
        }
        let kept = rs;
        // Something was spent, on offers and on coercion.
        assert!(spending > 0.0);
        assert!(kept.powers.offers.iter().any(|&o| o > 0.0));
        assert!(kept.powers.coercion.iter().any(|&c| c > 0.0));
    }

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
