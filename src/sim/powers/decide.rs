//! The powers' decision rule (docs/model.md §9): a myopic best response. Power `p` spends its
//! month's budget `B_p = budget_p · g_p(t)` in `n` equal increments, each on the action with
//! the highest marginal value per unit of cost, recomputed after each increment, so that
//! diminishing returns spread the spending; an increment with no action of positive value is
//! not spent.

use super::{effective_tie_kept, ACTIONS, CUT_BY_COERCION, K, OFFER_CHANNELS};

/// The position of coercion among the actions, after the offers.
const COERCION: usize = OFFER_CHANNELS.len();

/// The channel index of each offer, by its position in [`OFFER_CHANNELS`].
const OFFER_INDEX: [usize; OFFER_CHANNELS.len()] = {
    let mut index = [0; OFFER_CHANNELS.len()];
    let mut n = 0;
    while n < OFFER_CHANNELS.len() {
        index[n] = OFFER_CHANNELS[n].index();
        n += 1;
    }
    index
};

/// Whether coercion cuts each offer's channel ([`CUT_BY_COERCION`]), by position in
/// [`OFFER_CHANNELS`]: a table, so that valuing an offer does not search the list.
const CUT_OFFER: [bool; OFFER_CHANNELS.len()] = {
    let mut cut = [false; OFFER_CHANNELS.len()];
    let mut n = 0;
    while n < OFFER_CHANNELS.len() {
        let mut m = 0;
        while m < CUT_BY_COERCION.len() {
            if CUT_BY_COERCION[m].index() == OFFER_CHANNELS[n].index() {
                cut[n] = true;
            }
            m += 1;
        }
        n += 1;
    }
    cut
};

/// The positions in [`OFFER_CHANNELS`] of the offers coercion cuts, in that order.
const CUT_OFFERS: [usize; CUT_BY_COERCION.len()] = {
    let mut at = [0; CUT_BY_COERCION.len()];
    let (mut n, mut m) = (0, 0);
    while n < OFFER_CHANNELS.len() {
        if CUT_OFFER[n] {
            at[m] = n;
            m += 1;
        }
        n += 1;
    }
    at
};
use crate::model::World;
use crate::sim::dynamics::exp_nonpositive;
use crate::sim::state::RunState;

/// `$fixed::<N>($args)` with the number of powers `$np` as the constant `N`, for one to
/// eight powers, and `$any` for more. With `N` a constant the compiler unrolls the short sums
/// over powers: no loop and no test of `q ≠ p` (for six powers, all the states' `v_ip` took
/// a sixth of the instructions of the loop, measured on their own). The sums are the same
/// expressions in the same order either way.
macro_rules! by_powers {
    ($np:expr, $fixed:ident($($arg:expr),*), $any:expr) => {
        match $np {
            1 => $fixed::<1>($($arg),*),
            2 => $fixed::<2>($($arg),*),
            3 => $fixed::<3>($($arg),*),
            4 => $fixed::<4>($($arg),*),
            5 => $fixed::<5>($($arg),*),
            6 => $fixed::<6>($($arg),*),
            7 => $fixed::<7>($($arg),*),
            8 => $fixed::<8>($($arg),*),
            _ => $any,
        }
    };
}

/// What one unit spent on an action is worth to the power.
#[cfg(test)]
#[derive(Clone, Copy, Debug, PartialEq)]
struct Choice {
    /// Index into the actions: an [`OFFER_CHANNELS`] position, or `OFFER_CHANNELS.len()`
    /// for coercion.
    action: usize,
    /// Marginal value per unit of budget.
    value: f64,
}

/// Every acting power spends its month's budget; `rs.powers.spent` records what went where
/// (the rows of pairs that cannot spend in this world hold 0 and are not written). `sums`
/// are the [`rival_sums`] of the alignment, relations and capacities in `rs`.
pub(super) fn allocate(world: &World, rs: &mut RunState, sums: &[(f64, f64)]) {
    let agency = world.agency();
    let np = world.powers().len();
    let increments = agency.parameters.increments;
    // The power's targets with their month's constants, kept between increments: an
    // increment changes one stock of one target, so only that target is valued again, and
    // only the exponential of the stock that moved is recomputed. Each is valued in place in
    // the vector (a target is 240 bytes; moving one in took about 4 % of a run's time, a
    // sixth of the allocation's, in two copies). The slots of the previous power's targets
    // are valued over: [`Target::value`] sets every field, so only a new slot is first
    // written as [`Target::EMPTY`].
    let mut slots: Vec<Target> = Vec::with_capacity(world.states().len());
    for p in 0..np {
        let budget = agency.budgets[p] * rs.capacity[p];
        let mut count = 0;
        for (i, state) in world.states().iter().enumerate() {
            let at = i * np + p;
            // No action of a fixed state or one without the power's priority is ever chosen.
            if state.fixed || agency.priorities[at] <= 0.0 {
                continue;
            }
            // Only these rows are ever written in this world, so only they are set to 0, not
            // the whole record (whose memset valgrind counted as a sixth of the allocation);
            // `super::enter` clears the record at a branch, whose world may write others.
            rs.powers.spent[at * ACTIONS..(at + 1) * ACTIONS].fill(0.0);
            if budget <= 0.0 {
                continue;
            }
            if count == slots.len() {
                slots.push(Target::EMPTY);
            }
            slots[count].value(world, rs, sums[at], i, p);
            count += 1;
        }
        let targets = &mut slots[..count];
        let step = budget / f64::from(increments);
        for _ in 0..increments {
            // The first state in id order among equals, as the actions within a state: a
            // later target replaces the chosen one only with a strictly higher value, and
            // only a positive value is chosen (a target without one holds 0).
            let (mut chosen, mut value) = (usize::MAX, 0.0);
            for (n, t) in targets.iter().enumerate() {
                if t.best_value > value {
                    (chosen, value) = (n, t.best_value);
                }
            }
            let Some(target) = targets.get_mut(chosen) else {
                break;
            };
            target.spend(rs, target.best_action, step);
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
    /// `priority · ∂v/∂u · w_k g d_k · (1 − x_k)` per offer channel, multiplied in that
    /// order: an offer's value before its stock's factor (and coercion's cut).
    open: [f64; OFFER_CHANNELS.len()],
    /// `priority · ∂v/∂u`.
    gain: f64,
    /// `w_k g d_k` of each channel coercion cuts, by position in [`CUT_OFFERS`].
    cut_delivered: [f64; CUT_OFFERS.len()],
    /// The tie `x_k` of each channel coercion cuts, by position in [`CUT_OFFERS`].
    cut_tie: [f64; CUT_OFFERS.len()],
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
    /// The action of highest positive value now, [`ACTIONS`] when none has one.
    best_action: usize,
    /// Its value, 0 when no action has a positive value.
    best_value: f64,
}

impl Target {
    /// A target not yet valued.
    const EMPTY: Target = Target {
        at: 0,
        open: [0.0; OFFER_CHANNELS.len()],
        gain: 0.0,
        cut_delivered: [0.0; CUT_OFFERS.len()],
        cut_tie: [0.0; CUT_OFFERS.len()],
        kept: [1.0; OFFER_CHANNELS.len()],
        cut: 1.0,
        threat: 0.0,
        cost: 1.0,
        values: [0.0; ACTIONS],
        best_action: ACTIONS,
        best_value: 0.0,
    };

    /// Value state `i` for power `p` in place, setting every field (the allocation values a
    /// slot over another target): a movable state the power has a priority on (no action of
    /// another is ever chosen). `(others, patrons)` are the pair's [`rival_sums`].
    fn value(
        &mut self,
        world: &World,
        rs: &RunState,
        (others, patrons): (f64, f64),
        i: usize,
        p: usize,
    ) {
        let (np, c) = (world.powers().len(), world.components());
        let at = i * np + p;
        let priority = world.agency().priorities[at];
        let state = &world.states()[i];
        debug_assert!(
            !state.fixed && priority > 0.0,
            "a target is movable, with a priority"
        );
        let g = rs.capacity[p];
        // The rows, cut to their exact length once, so the loops index them without bounds
        // checks.
        let delivery = row(&rs.delivery, p);
        let ties = row(&rs.ties, at);
        let offers = row(&rs.powers.offers, at);
        let a = &rs.alignment[i * c..(i + 1) * c][..np];
        let tau = state.response.temperature;
        let gain = priority * (a[p] * ((1.0 - a[p]) - others) / tau);
        self.at = at;
        self.gain = gain;
        self.cut = kept(rs.powers.coercion[at]);
        self.threat = threat(world, i, p, g);
        self.cost = 1.0 + world.agency().parameters.coercion_cost * patrons;
        for (n, k) in OFFER_INDEX.into_iter().enumerate() {
            self.open[n] = gain * (state.salience[k] * g * delivery[k]) * (1.0 - ties[k]);
            self.kept[n] = kept(offers[k]);
        }
        for (m, n) in CUT_OFFERS.into_iter().enumerate() {
            let k = OFFER_INDEX[n];
            self.cut_delivered[m] = state.salience[k] * g * delivery[k];
            self.cut_tie[m] = ties[k];
        }
        for n in 0..OFFER_CHANNELS.len() {
            self.values[n] = self.offer_value(n);
        }
        self.values[COERCION] = self.coercion_value();
        self.choose();
    }

    /// Spend `step` of the budget on `action`: the stock grows, its factor is renewed, and
    /// the target is valued again.
    fn spend(&mut self, rs: &mut RunState, action: usize, step: f64) {
        let at = self.at;
        if action < OFFER_CHANNELS.len() {
            let k = OFFER_INDEX[action];
            rs.powers.offers[at * K + k] += step;
            self.kept[action] = kept(rs.powers.offers[at * K + k]);
            // The offer's own value moves, and coercion's with it where coercion cuts the
            // channel (its pull on the channel is part of coercion's value).
            self.values[action] = self.offer_value(action);
            if CUT_OFFER[action] {
                self.values[COERCION] = self.coercion_value();
            }
        } else {
            rs.powers.coercion[at] += step / self.cost;
            self.cut = kept(rs.powers.coercion[at]);
            // The cut moves coercion's value and every offer on a channel it cuts.
            for n in CUT_OFFERS {
                self.values[n] = self.offer_value(n);
            }
            self.values[COERCION] = self.coercion_value();
        }
        rs.powers.spent[at * ACTIONS + action] += step;
        self.choose();
    }

    /// Offer `n`'s value: `∂u/∂o = w_k g d_k (1 − x) e^{−o}`, times `e^{−c}` where coercion
    /// cuts the channel.
    #[inline]
    fn offer_value(&self, n: usize) -> f64 {
        let value = self.open[n] * self.kept[n];
        // A channel coercion does not cut is multiplied by nothing: `· 1` is exact.
        if CUT_OFFER[n] {
            value * self.cut
        } else {
            value
        }
    }

    /// Coercion's value: `∂u/∂c = [s prox (1 + λ m) g − Σ_{labour, remittances} w g d x_eff]
    /// e^{−c}` (the threat adds `1 − e^{−c}`, so returns diminish as for offers), per unit of
    /// a cost rising with the state's other patrons.
    #[inline]
    fn coercion_value(&self) -> f64 {
        let mut coercion_pull = 0.0;
        for (m, n) in CUT_OFFERS.into_iter().enumerate() {
            coercion_pull += self.cut_delivered[m]
                * effective_tie_kept(self.cut_tie[m], self.kept[n], 1.0)
                * self.cut;
        }
        self.gain * (self.threat * self.cut - coercion_pull) / self.cost
    }

    /// The action of highest positive value per unit of cost, the first in action order
    /// among equals, into `best_action` and `best_value` (none when none has a positive
    /// value).
    fn choose(&mut self) {
        // Starting from 0 keeps only a positive value; a strictly higher one replaces it.
        let (mut action, mut value) = (ACTIONS, 0.0);
        for (a, &v) in self.values.iter().enumerate() {
            if v > value {
                (action, value) = (a, v);
            }
        }
        (self.best_action, self.best_value) = (action, value);
    }

    /// The best action as a [`Choice`], `None` when no action has a positive value.
    #[cfg(test)]
    fn best(&self) -> Option<Choice> {
        (self.best_action < ACTIONS).then_some(Choice {
            action: self.best_action,
            value: self.best_value,
        })
    }
}

/// `Σ_{q≠p} relation_pq a_iq` and `Σ_{q≠p} a_iq min(1, g_q)` of every state and power,
/// `state * powers + power`, each summed from −0.0 in power order as `Iterator::sum` does
/// ([`value_gradient`], [`coercion_cost`]). The alignment, relations and capacities do not
/// move while the powers spend, so the sums are taken once a month for all pairs, with the
/// number of powers a constant where it can be (`by_powers!`): for the embedded world about
/// 1,850 instructions a month for its 72 pairs, against 2,800 for its 35 targets summed one
/// by one in a loop.
pub(super) fn rival_sums(world: &World, rs: &RunState) -> Vec<(f64, f64)> {
    let (np, c) = (world.powers().len(), world.components());
    // `min(1, g_q)`: the protection a state's alignment share with `q` buys it against
    // coercion.
    let shelter: Vec<f64> = rs.capacity[..np].iter().map(|g| g.min(1.0)).collect();
    let (relations, alignment) = (&rs.powers.relations[..np * np], &rs.alignment[..]);
    let mut out = vec![(0.0, 0.0); world.states().len() * np];
    by_powers!(
        np,
        rival_sums_of(relations, &shelter, alignment, c, &mut out),
        rival_sums_any(np, relations, &shelter, alignment, c, &mut out)
    );
    out
}

/// [`rival_sums`] for `N` powers: the rows cut to `N` so that the sums unroll.
fn rival_sums_of<const N: usize>(
    relations: &[f64],
    shelter: &[f64],
    alignment: &[f64],
    c: usize,
    out: &mut [(f64, f64)],
) {
    let rows: [&[f64]; N] = std::array::from_fn(|p| &relations[p * N..][..N]);
    let shelter = &shelter[..N];
    for (a, out) in alignment.chunks_exact(c).zip(out.chunks_exact_mut(N)) {
        let a = &a[..N];
        for (p, (row, out)) in rows.iter().zip(out).enumerate() {
            *out = pair_sums(row, shelter, a, p);
        }
    }
}

/// [`rival_sums`] for any number of powers.
fn rival_sums_any(
    np: usize,
    relations: &[f64],
    shelter: &[f64],
    alignment: &[f64],
    c: usize,
    out: &mut [(f64, f64)],
) {
    for (a, out) in alignment.chunks_exact(c).zip(out.chunks_exact_mut(np)) {
        for (p, out) in out.iter_mut().enumerate() {
            *out = pair_sums(&relations[p * np..(p + 1) * np], shelter, a, p);
        }
    }
}

/// The two [`rival_sums`] of power `p` (relations `row`) on the state with alignment `a`.
#[inline(always)]
fn pair_sums(row: &[f64], shelter: &[f64], a: &[f64], p: usize) -> (f64, f64) {
    let (mut others, mut patrons) = (-0.0, -0.0);
    for (q, ((r, shelter), a_q)) in row.iter().zip(shelter).zip(a).enumerate() {
        if q != p {
            others += r * a_q;
            patrons += a_q * shelter;
        }
    }
    (others, patrons)
}

/// Row `n` of a table of [`K`] channels per row, as an array.
#[inline]
fn row(table: &[f64], n: usize) -> &[f64; K] {
    let row = &table[n * K..(n + 1) * K];
    row.try_into().expect("a row is K long")
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
/// the nested one reduces to when every power is its own camp). The definition, kept for the
/// tests: [`Target::value`] computes it in one pass with the coercion cost.
#[cfg(test)]
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

/// The coercion cost `1 + χ Σ_{q≠p} a_iq min(1, g_q)` of power `p` on state `i` now. The
/// definition, kept for the tests, as [`value_gradient`].
#[cfg(test)]
fn coercion_cost(world: &World, rs: &RunState, i: usize, p: usize) -> f64 {
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
            let sums = super::rival_sums(&world, &kept);
            allocate(&world, &mut kept, &sums);
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
            let mut target = Target::EMPTY;
            // A has a priority on every state, none fixed.
            let sums = super::rival_sums(&world, &rs);
            target.value(&world, &rs, sums[i * world.powers().len()], i, 0);
            for _ in 0..3 {
                target.spend(&mut rs, action, 0.05);
                let from_scratch = best_from_scratch(&world, &rs, i, 0);
                let kept = target.best().map(|b| (b.action, b.value.to_bits()));
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
