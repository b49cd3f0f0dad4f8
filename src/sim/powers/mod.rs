//! Great powers that act (docs/model.md §9): each month a power with a budget spends it on
//! offers (raising its effective tie with a state on a channel) and coercion (pressure on a
//! state), by a myopic best response, and punishes a state that defects.
//!
//! The stocks decay with a half-life, so commitments must be renewed; the dynamics read them
//! in the channel pull and the threat ([`crate::sim::dynamics`]). A world in which every budget
//! is 0 carries no stocks at all and runs exactly as before.

mod decide;

use crate::model::{Channel, Participation, World};
use crate::sim::dynamics::exp_nonpositive;
use crate::sim::state::RunState;
use serde::{Deserialize, Serialize};

use decide::{allocate, rival_sums};

const K: usize = Channel::COUNT;

/// The channels a power can make offers on: trade, remittances, security, energy, investment
/// and labour. Culture and media are left out: affinity and audiences are not bought by a
/// month's spending (judgement, docs/model.md §9).
pub const OFFER_CHANNELS: [Channel; 6] = [
    Channel::Trade,
    Channel::Remittances,
    Channel::Security,
    Channel::Energy,
    Channel::Investment,
    Channel::Labour,
];

/// The channels coercion cuts by `e^{−c}`: restrictions on migrants and on transfers
/// (seed 002 (docs/sources.md)).
pub(crate) const CUT_BY_COERCION: [Channel; 2] = [Channel::Labour, Channel::Remittances];

/// Whether coercion cuts each channel, by channel index: [`CUT_BY_COERCION`] as a table, so
/// that the monthly pass over the ties does not search the list.
const CUT_ON_CHANNEL: [bool; K] = {
    let mut cut = [false; K];
    let mut n = 0;
    while n < CUT_BY_COERCION.len() {
        cut[CUT_BY_COERCION[n].index()] = true;
        n += 1;
    }
    cut
};

/// Actions per (state, power) in the spending record: one offer per [`OFFER_CHANNELS`] entry,
/// then coercion.
pub const ACTIONS: usize = OFFER_CHANNELS.len() + 1;

/// The powers' stocks and memory in a run. Empty in a world where no power acts.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PowerStocks {
    /// Offer stock `o_ipk ≥ 0`, laid out as the ties: `(state * powers + power) * K + k`.
    pub offers: Vec<f64>,
    /// Coercion stock `c_ip ≥ 0`, `state * powers + power`.
    pub coercion: Vec<f64>,
    /// The relation `relation_pq` now, `p * powers + q`.
    pub relations: Vec<f64>,
    /// What each power spent this month, `(state * powers + power) * ACTIONS + action`, in
    /// budget units (a coercion entry is the spending, not the stock it bought).
    pub spent: Vec<f64>,
    /// The punishments of this month.
    pub punished: Vec<Defection>,
    /// `v_ip` of the last `W` months, a ring indexed by `step mod W`, each `states * powers`.
    history: Vec<f64>,
    /// Whether the fall of `v_ip` over the window exceeded θ last month (a defection is
    /// punished once, when the fall first passes θ).
    falling: Vec<bool>,
    /// Participation of every member last month, institution by institution.
    participation: Vec<Participation>,
}

/// A state's defection from a power, found at the end of a month: the power's coercion stock
/// on the state has risen by the punishment. The hostile-intervention decision reads it as
/// its trigger (docs/model.md §9).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Defection {
    /// The state's index.
    pub state: usize,
    /// The power's index.
    pub power: usize,
    /// The fall of `v_ip` over the window (0 when the trigger is leaving a bloc).
    pub drop: f64,
    /// The institution the state suspended or left, when that was the trigger.
    pub left: Option<usize>,
}

impl PowerStocks {
    /// The stocks of `world` at rest before the allocation: zero stocks, the world's
    /// relations, no memory. Empty when no power acts.
    pub fn new(world: &World) -> Self {
        let agency = world.agency();
        if agency.is_inactive() {
            return PowerStocks::default();
        }
        let (ns, np) = (world.states().len(), world.powers().len());
        let window = agency.parameters.window as usize;
        PowerStocks {
            offers: vec![0.0; ns * np * K],
            coercion: vec![0.0; ns * np],
            relations: agency.relations.clone(),
            spent: vec![0.0; ns * np * ACTIONS],
            punished: Vec::new(),
            // −∞ until filled: a fall from −∞ is never a defection, and −∞ equals itself, so
            // run states compare equal.
            history: vec![f64::NEG_INFINITY; window * ns * np],
            falling: vec![false; ns * np],
            participation: Vec::new(),
        }
    }

    /// Whether no power acts in this run.
    pub fn is_empty(&self) -> bool {
        self.offers.is_empty()
    }
}

/// `ρ = 2^{−1/half-life}`, the share of a stock kept from one month to the next.
pub(crate) fn keep_per_month(world: &World) -> f64 {
    exp_nonpositive(-std::f64::consts::LN_2 / world.agency().parameters.half_life)
}

/// One month of the powers, after the month's dynamics, events and drivers: the stocks decay,
/// defections are punished, then each power spends `budget · g_p` by the best response.
/// Returns the month's defections (also kept in `rs.powers.punished`).
pub(crate) fn act(world: &World, rs: &mut RunState) -> Vec<Defection> {
    if rs.powers.is_empty() {
        return Vec::new();
    }
    decay(world, rs);
    // The sums over rival powers at this month's alignment, read by the defections' `v_ip`
    // and the allocation's gradients and costs: neither moves the alignment, the relations
    // or the capacities.
    let sums = rival_sums(world, rs);
    let defections = defections(world, rs, &sums);
    let punishment = world.agency().parameters.punishment;
    let np = world.powers().len();
    for d in &defections {
        rs.powers.coercion[d.state * np + d.power] += punishment;
    }
    rs.powers.punished.clone_from(&defections);
    allocate(world, rs, &sums);
    defections
}

/// Multiply every stock by `ρ`.
fn decay(world: &World, rs: &mut RunState) {
    let keep = keep_per_month(world);
    let stocks = &mut rs.powers;
    // Two plain loops rather than one over a chain: each vectorises.
    for x in &mut stocks.offers {
        *x *= keep;
    }
    for x in &mut stocks.coercion {
        *x *= keep;
    }
}

/// The months [`settle`] repeats the start's decay and allocation: ten half-lives, so the
/// stocks hold 1 − 2⁻¹⁰ of their limit whatever the half-life, and at least 24, so that the
/// twelve averaged months come after a year of approach even for a short half-life. No upper
/// cap: a cap (there was one at 1200 months) leaves a longer half-life's stocks short of their
/// limit, and they then grow through the run. The cost is bounded by the builder's largest
/// half-life (`bounds::HALF_LIFE`, 1200 months: 12,000 months of allocation, once per
/// scenario, and once per run at a branch where powers start acting).
pub(crate) fn settling_months(half_life: f64) -> usize {
    (10.0 * half_life).ceil().max(24.0) as usize
}

/// The stationary stocks of the allocation on `rs` (spending = decay), into `rs.powers`:
/// the month's decay and allocation are repeated on the unchanged start state for
/// [`settling_months`] (ten half-lives), and the stocks are averaged over the last twelve
/// months, since the discrete increments make the allocation cycle among near-equal targets.
/// The window's memory is filled with the start's values.
pub(crate) fn settle(world: &World, rs: &mut RunState) {
    if rs.powers.is_empty() {
        return;
    }
    let months = settling_months(world.agency().parameters.half_life);
    let mut sum_offers = vec![0.0; rs.powers.offers.len()];
    let mut sum_coercion = vec![0.0; rs.powers.coercion.len()];
    // The start state does not move: the same sums every month.
    let sums = rival_sums(world, rs);
    for month in 0..months {
        decay(world, rs);
        allocate(world, rs, &sums);
        if month + 12 >= months {
            for (s, x) in sum_offers.iter_mut().zip(&rs.powers.offers) {
                *s += x;
            }
            for (s, x) in sum_coercion.iter_mut().zip(&rs.powers.coercion) {
                *s += x;
            }
        }
    }
    for (x, s) in rs.powers.offers.iter_mut().zip(&sum_offers) {
        *x = s / 12.0;
    }
    for (x, s) in rs.powers.coercion.iter_mut().zip(&sum_coercion) {
        *x = s / 12.0;
    }
    rs.powers.spent.fill(0.0);
    let values = values(world, rs);
    for ring in rs.powers.history.chunks_exact_mut(values.len()) {
        ring.copy_from_slice(&values);
    }
    rs.powers.participation = rs.participation.iter().flatten().copied().collect();
}

/// `v_ip = a_ip + Σ_{q≠p} relation_pq a_iq` for every state and power, `state * powers + power`.
pub(crate) fn values(world: &World, rs: &RunState) -> Vec<f64> {
    let (np, c) = (world.powers().len(), world.components());
    let sums = rival_sums(world, rs);
    let alignment = rs.alignment.chunks_exact(c);
    let states = alignment.zip(sums.chunks_exact(np));
    states
        .flat_map(|(a, sums)| (0..np).map(move |p| value(a, sums, p)))
        .collect()
}

/// `v_ip` of the state with alignment `a` and [`rival_sums`] `sums`.
#[inline]
fn value(a: &[f64], sums: &[(f64, f64)], p: usize) -> f64 {
    a[p] + sums[p].0
}

/// This month's defections from acting powers: a fall of `v_ip` by more than θ since `W`
/// months ago (first month it passes θ only), on a movable state the power has a priority on;
/// or the state's suspension or exit from a bloc the power leads. Updates the memory.
fn defections(world: &World, rs: &mut RunState, sums: &[(f64, f64)]) -> Vec<Defection> {
    let agency = world.agency();
    let np = world.powers().len();
    let theta = agency.parameters.defection_threshold;
    let (c, pairs) = (world.components(), world.states().len() * np);
    let slot = (rs.step as usize) % agency.parameters.window as usize;
    let stocks = &mut rs.powers;
    // The slot holds the values of `W` months ago; each is read, then replaced by today's.
    let ring = &mut stocks.history[slot * pairs..(slot + 1) * pairs];
    let mut out = Vec::new();
    let budgets = &agency.budgets[..np];
    for (s, state) in world.states().iter().enumerate() {
        // The state's pairs, cut to their length once, so the loop indexes them without
        // bounds checks.
        let pairs = s * np..(s + 1) * np;
        let (ring, was_falling) = (&mut ring[pairs.clone()], &mut stocks.falling[pairs.clone()]);
        let (a, sums) = (&rs.alignment[s * c..][..np], &sums[pairs.clone()]);
        let priorities = &agency.priorities[pairs];
        for p in 0..np {
            // Every pair's value goes into the memory, whether the power cares or not: a
            // branch's world may care about a pair this one does not, and then reads it.
            let now = value(a, sums, p);
            let cares = budgets[p] > 0.0 && priorities[p] > 0.0 && !state.fixed;
            let drop = ring[p] - now;
            ring[p] = now;
            let falling = cares && drop > theta;
            if falling && !was_falling[p] {
                out.push(Defection {
                    state: s,
                    power: p,
                    drop,
                    left: None,
                });
            }
            was_falling[p] = falling;
        }
    }
    let mut before = rs.powers.participation.iter();
    for (ii, inst) in world.institutions().iter().enumerate() {
        for (&(member, _), &part) in inst.members.iter().zip(&rs.participation[ii]) {
            let was = before.next().copied();
            let Some(leader) = inst.leader.map(|l| l.index()) else {
                continue;
            };
            let left = was == Some(Participation::Active)
                && matches!(part, Participation::Suspended | Participation::Exited);
            if left && agency.budgets[leader] > 0.0 && !out_has(&out, member.index(), leader) {
                out.push(Defection {
                    state: member.index(),
                    power: leader,
                    drop: 0.0,
                    left: Some(ii),
                });
            }
        }
    }
    rs.powers.participation.clear();
    rs.powers
        .participation
        .extend(rs.participation.iter().flatten().copied());
    out
}

fn out_has(out: &[Defection], state: usize, power: usize) -> bool {
    out.iter().any(|d| d.state == state && d.power == power)
}

/// The effective tie `x + (1 − x)(1 − e^{−o})`, cut by `e^{−c}` on the channels coercion
/// restricts: what the dynamics read in the channel pull.
#[inline]
pub(crate) fn effective_tie(x: f64, offer: f64, cut: f64) -> f64 {
    effective_tie_kept(x, exp_nonpositive(-offer), cut)
}

/// [`effective_tie`] from `e^{−o}` already computed (the allocation keeps it between
/// increments).
#[inline]
pub(crate) fn effective_tie_kept(x: f64, kept: f64, cut: f64) -> f64 {
    (x + (1.0 - x) * (1.0 - kept)) * cut
}

/// The ties as the dynamics read them when some power acts: each tie of a movable state with
/// the offer stock in it and cut by the coercion stock on labour and remittances, into `ties`;
/// and `(1 − e^{−c_ip}) g_p`, the coercion stocks' threat per unit of the state's threat
/// constant, into `coerced`. The entries of fixed states are left as they are: the dynamics
/// never read them.
pub(crate) fn effective_ties(world: &World, rs: &RunState, ties: &mut [f64], coerced: &mut [f64]) {
    let np = world.powers().len();
    let stocks = &rs.powers;
    let capacity = &rs.capacity[..np];
    for (s, state) in world.states().iter().enumerate() {
        if state.fixed {
            continue;
        }
        // The state's rows, cut to their exact length and walked together in one zip, so
        // that the loop indexes nothing.
        let (pairs, cells) = (s * np, s * np * K);
        let (x, out) = (&rs.ties[cells..][..np * K], &mut ties[cells..][..np * K]);
        // The ties as they are, in one copy of the state's row: most pairs have no stock, and
        // a copy each cost more.
        out.copy_from_slice(x);
        let rows = x
            .chunks_exact(K)
            .zip(stocks.offers[cells..][..np * K].chunks_exact(K))
            .zip(out.chunks_exact_mut(K))
            .zip(&stocks.coercion[pairs..][..np])
            .zip(&mut coerced[pairs..][..np])
            .zip(capacity);
        for (((((x, o), out), &c), coerced), &g) in rows {
            let (x, o): (&[f64; K], &[f64; K]) = (
                x.try_into().expect("K ties a pair"),
                o.try_into().expect("K offers a pair"),
            );
            let out: &mut [f64; K] = out.try_into().expect("K ties a pair");
            // The stock adds 1 − e^{−c} to the power's coercion toward the state (docs/model.md §9).
            *coerced = if c == 0.0 {
                0.0
            } else {
                (1.0 - exp_nonpositive(-c)) * g
            };
            // A pair no power has spent on (a power without a budget or priority there): the
            // ties as they are, copied above, with no exponential. (An offer is ±0 exactly
            // when its bits but the sign are 0: one test of the eight, without a branch per
            // channel.)
            let spent = o.iter().fold(0, |acc, &o| acc | (o.to_bits() << 1));
            if c == 0.0 && spent == 0 {
                continue;
            }
            let cut = if c == 0.0 { 1.0 } else { exp_nonpositive(-c) };
            for k in 0..K {
                let cut_k = if CUT_ON_CHANNEL[k] { cut } else { 1.0 };
                // Most stocks are 0 (culture and media, states outside a sphere): no
                // exponential.
                if o[k] == 0.0 {
                    out[k] = x[k] * cut_k;
                } else {
                    out[k] = effective_tie(x[k], o[k], cut_k);
                }
            }
        }
    }
}

/// Hand the powers' stocks over at a `[counterfactual]` branch (docs/model.md §9.8): `rs` is
/// the parent's run after the step before the branch, `parent` the world that computed it.
/// Powers that start acting at the branch start from their stationary stocks on the run's
/// state; powers that stop drop theirs; a changed window restarts the defection memory
/// (keeping the stocks). The relations are reset to the branch's world each month with the
/// driven quantities (`RunState::reset_driven`).
pub(crate) fn enter(world: &World, rs: &mut RunState, parent: &World) {
    let acts = !world.agency().is_inactive();
    if !acts {
        rs.powers = PowerStocks::default();
        return;
    }
    if rs.powers.is_empty() {
        rs.powers = PowerStocks::new(world);
        settle(world, rs);
        return;
    }
    if world.agency().parameters.window != parent.agency().parameters.window {
        let kept = std::mem::replace(&mut rs.powers, PowerStocks::new(world));
        rs.powers.offers = kept.offers;
        rs.powers.coercion = kept.coercion;
        rs.powers.relations = kept.relations;
        let values = values(world, rs);
        for ring in rs.powers.history.chunks_exact_mut(values.len()) {
            ring.copy_from_slice(&values);
        }
        rs.powers.participation = rs.participation.iter().flatten().copied().collect();
    } else {
        // The allocation sets to 0 only the spending rows this world can write; the parent's
        // last month may have written others (its priorities may differ). Nothing reads the
        // record before the branch's first month allocates.
        rs.powers.spent.fill(0.0);
    }
}

#[cfg(test)]
mod tests {
    use super::{decay, keep_per_month, settle, settling_months, PowerStocks};
    use crate::model::{AgencyParameters, Channel, Disposition, Power, State, World};
    use crate::sim::state::RunState;

    /// Two powers, three hedging states with ties to both; A acts on all three with the given
    /// half-life.
    fn world(half_life: f64) -> World {
        let mut builder = World::builder()
            .power(Power::new("A"))
            .power(Power::new("B"))
            .agency_parameters(AgencyParameters {
                half_life,
                ..AgencyParameters::default()
            })
            .budget("A", 0.05)
            .relation("A", "B", -0.5);
        for (name, a) in [("S1", 0.5), ("S2", 0.3), ("S3", 0.2)] {
            builder = builder.state(State::new(name, Disposition::Hedge, vec![a, 0.3, 0.7 - a]));
            for power in ["A", "B"] {
                for channel in Channel::ALL {
                    builder = builder.tie(name, power, channel, 0.3);
                }
            }
            builder = builder.priority("A", name, 1.0);
        }
        builder.build().unwrap()
    }

    /// The stock the allocation adds over twelve months after `settle`, over the stock that
    /// decays in them, on the unchanged start: 1 at the stationary stocks (spending = decay).
    fn added_over_decayed(half_life: f64) -> f64 {
        let world = world(half_life);
        let mut rs = RunState::new(&world);
        rs.powers = PowerStocks::new(&world);
        settle(&world, &mut rs);
        let keep = keep_per_month(&world);
        let total = |rs: &RunState| -> f64 {
            rs.powers.offers.iter().sum::<f64>() + rs.powers.coercion.iter().sum::<f64>()
        };
        let (mut added, mut decayed) = (0.0, 0.0);
        for _ in 0..12 {
            let before = total(&rs);
            decay(&world, &mut rs);
            let sums = super::rival_sums(&world, &rs);
            super::allocate(&world, &mut rs, &sums);
            decayed += (1.0 - keep) * before;
            added += total(&rs) - keep * before;
        }
        added / decayed
    }

    #[test]
    fn the_settled_stocks_are_stationary_for_a_long_half_life_as_for_the_default() {
        // The default half-life settled in 120 months, as before the cap was lifted.
        assert_eq!(settling_months(12.0), 120);
        assert_eq!(settling_months(1.0), 24);
        for half_life in [12.0, 240.0, 1200.0] {
            let ratio = added_over_decayed(half_life);
            // Ten half-lives leave 2⁻¹⁰ ≈ 0.1 % of the limit to approach; the former cap of
            // 1200 months left 3 % at 240 months (measured: ratio 1.032, which fails here)
            // and half at 1200 (ratio about 2).
            assert!(
                (ratio - 1.0).abs() < 0.005,
                "half-life {half_life}: {ratio}"
            );
        }
    }
}
