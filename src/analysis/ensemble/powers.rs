//! The powers' actions in an ensemble summary (docs/model.md §9.8): per recorded step and per
//! (state, power) pair where a power can act, the share of the power's month budget spent on
//! each action, the coercion stock's cut, and the runs in which the power punished the state.
//!
//! **Which pairs.** A power spends only on a movable state it has a priority on, and punishes
//! a state for a fall of its value there or for leaving a bloc the power leads
//! ([`crate::sim::powers`]); every other pair is zero in every run, so only these pairs carry
//! cells. A world where no power acts has none: its summary, its partial file and its
//! memory are as before the powers acted.
//!
//! **Why a share of the month budget.** The sketches count values on [0, 1] with a quantile
//! error of one bin, 0.005 ([`super::sketch`]). What a power spends on an action in a month
//! lies between 0 and its month budget `budget_p · g_p(t)`, so the share of that budget lies
//! on [0, 1] by construction and is counted exactly as the alignment shares are, within half
//! a percent of the month's budget; a power's capacity index `g_p` has no fixed bound
//! (up to 10⁶), so spending in budget units has no fixed range for a histogram. In a month
//! where the power's budget is 0 (its capacity drained to 0) the share is undefined and the
//! run adds no value to the cell.
//!
//! **Why the cut for the coercion stock.** The stock `c_ip` has no bound (punishments add to
//! it outside the budget); the channels it restricts are multiplied by `e^{−c}`, so
//! `1 − e^{−c}` ∈ [0, 1) is the share of the state's labour and remittance ties it cuts,
//! monotone in the stock (its quantiles are the stock's, mapped).

use super::sketch::{PendingBins, Sketches};
use super::{Proportion, Stats, Summary, QUANTILES};
use crate::model::{PowerId, StateId, World};
use crate::sim::dynamics::exp_nonpositive;
use crate::sim::powers::{ACTIONS, OFFER_CHANNELS};
use crate::sim::RunState;

/// The name of action `action` in the spending record: the offer's channel, or `coercion`.
///
/// # Examples
///
/// ```
/// use geoalign::analysis::ensemble::action_name;
/// assert_eq!(action_name(0), Some("trade"));
/// assert_eq!(action_name(6), Some("coercion"));
/// assert_eq!(action_name(7), None);
/// ```
pub fn action_name(action: usize) -> Option<&'static str> {
    match OFFER_CHANNELS.get(action) {
        Some(channel) => Some(channel.name()),
        None if action == OFFER_CHANNELS.len() => Some("coercion"),
        None => None,
    }
}

/// The `[state, power]` pairs where some power can act in `world`, ascending: a power with a
/// budget and a priority on a movable state, or the leader with a budget of a bloc the state
/// is a member of (a defection from it is punished). Empty when no power acts.
pub(crate) fn acting_pairs(world: &World) -> Vec<[u32; 2]> {
    let agency = world.agency();
    if agency.is_inactive() {
        return Vec::new();
    }
    let np = world.powers().len();
    let mut pairs: Vec<[u32; 2]> = Vec::new();
    for (s, state) in world.states().iter().enumerate() {
        for p in 0..np {
            if agency.budgets[p] > 0.0 && agency.priorities[s * np + p] > 0.0 && !state.fixed {
                pairs.push([s as u32, p as u32]);
            }
        }
    }
    for inst in world.institutions() {
        let Some(leader) = inst.leader.map(|l| l.index()) else {
            continue;
        };
        if agency.budgets[leader] > 0.0 {
            for (member, _) in &inst.members {
                pairs.push([member.0, leader as u32]);
            }
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

/// The power cells' sketches of one run block: spending (pairs × [`ACTIONS`] per row) and
/// the coercion cut (pairs per row).
pub(crate) struct PendingPowers {
    pub(crate) spending: PendingBins,
    pub(crate) coercion: PendingBins,
    /// Per (row, pair): bit `action` set when that spending cell of the summary these bins
    /// are counted into has held a share not above 0, so that its extremes hold 0 (minimum ≤
    /// 0 ≤ maximum) and a share of 0, the most common, moves neither
    /// ([`super::sketch::Cells::add_shares`]). Both extremes only ever widen, so a bit stays
    /// set once set.
    pub(crate) spending_held_zero: Vec<u8>,
    /// Each power's month budget `budget_p · g_p(t)` in the month recorded: computed once a
    /// month instead of once a pair.
    months: Vec<f64>,
}

impl Summary {
    /// The `(state, power)` pairs that carry the powers' cells ([`Summary::spending`]), in
    /// order; none when no power acts.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::ensemble::Ensemble;
    /// let summary = Ensemble::new(geoalign::presets::eurasia_2025(), 2).run().unwrap();
    /// let russia = summary.power("Russia").unwrap();
    /// let by = summary.state("Belarus").unwrap();
    /// assert!(summary.acting_pairs().any(|pair| pair == (by, russia)));
    /// ```
    pub fn acting_pairs(&self) -> impl Iterator<Item = (StateId, PowerId)> + '_ {
        self.power_pairs
            .iter()
            .map(|&[s, p]| (StateId(s), PowerId(p)))
    }

    /// The cell of pair `(state, power)` at model step `step`: `row * pairs + pair`.
    fn pair_cell(&self, step: usize, state: StateId, power: PowerId) -> Option<usize> {
        let row = self.row(step)?;
        let pair = self.power_pairs.binary_search(&[state.0, power.0]).ok()?;
        row.checked_mul(self.power_pairs.len())?.checked_add(pair)
    }

    /// Statistics of the share of `power`'s month budget spent on `state` by action `action`
    /// (an [`OFFER_CHANNELS`] position, then coercion; [`action_name`]) in the month that
    /// ends at model step `step`, over the runs in which the power had a budget that month.
    /// Step 0 is the start at rest, before any month's spending: 0. `None` for a pair that
    /// carries no cells ([`Summary::acting_pairs`]), an unknown action or a step not recorded.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::ensemble::Ensemble;
    /// let summary = Ensemble::new(geoalign::presets::eurasia_2025(), 4).run().unwrap();
    /// let (by, russia) = (summary.state("Belarus").unwrap(), summary.power("Russia").unwrap());
    /// let energy = summary.spending(12, by, russia, 3).unwrap();
    /// assert!((0.0..=1.0).contains(&energy.mean));
    /// ```
    pub fn spending(
        &self,
        step: usize,
        state: StateId,
        power: PowerId,
        action: usize,
    ) -> Option<Stats> {
        let cell = self.spending_cell(step, state, power, action)?;
        Some(stats_of_filled(&self.spending, cell))
    }

    /// The runs that added a value to [`Summary::spending`]'s cell: those in which the power
    /// had a budget that month.
    pub fn spending_runs(
        &self,
        step: usize,
        state: StateId,
        power: PowerId,
        action: usize,
    ) -> Option<u64> {
        let cell = self.spending_cell(step, state, power, action)?;
        Some(filled(&self.spending, cell))
    }

    /// The cell of `action` of the pair (`state`, `power`) at recorded step `step` in the
    /// spending sketches; `None` outside them.
    fn spending_cell(
        &self,
        step: usize,
        state: StateId,
        power: PowerId,
        action: usize,
    ) -> Option<usize> {
        if action >= ACTIONS {
            return None;
        }
        self.pair_cell(step, state, power)?
            .checked_mul(ACTIONS)?
            .checked_add(action)
    }

    /// Statistics of the share `1 − e^{−c}` of `state`'s labour and remittance ties that
    /// `power`'s coercion stock `c` cuts at model step `step`; `None` as for
    /// [`Summary::spending`].
    pub fn coercion_cut(&self, step: usize, state: StateId, power: PowerId) -> Option<Stats> {
        let cell = self.pair_cell(step, state, power)?;
        Some(Stats::of(&self.coercion, cell, self.runs))
    }

    /// The share of runs in which `power` punished `state` in the month that ends at model
    /// step `step`, with its Wilson 95 % interval; `None` as for [`Summary::spending`].
    pub fn punished(&self, step: usize, state: StateId, power: PowerId) -> Option<Proportion> {
        let cell = self.pair_cell(step, state, power)?;
        let count = *self.punished.get(cell)?;
        Some(Proportion::wilson(count, self.runs))
    }

    /// Room for the power cells' histogram bins of `runs` runs.
    pub(crate) fn pending_powers(&self, runs: usize) -> PendingPowers {
        PendingPowers {
            spending: PendingBins::new(self.spending.cells(), runs),
            coercion: PendingBins::new(self.coercion.cells(), runs),
            spending_held_zero: vec![0; self.coercion.cells()],
            months: Vec::new(),
        }
    }

    /// Count the power cells' bins held in `pending` for its first `runs` runs.
    pub(crate) fn flush_powers(&mut self, pending: &mut PendingPowers, runs: usize) {
        self.spending.flush(&pending.spending, runs);
        self.coercion.flush(&pending.coercion, runs);
    }

    /// Add run slot `run`'s spending, coercion cuts and punishments at `state` (model step
    /// of row `row`) to the power cells.
    pub(crate) fn record_powers(
        &mut self,
        row: usize,
        world: &World,
        state: &RunState,
        pending: &mut PendingPowers,
        run: usize,
    ) {
        let pairs = self.power_pairs.len();
        if pairs == 0 {
            return;
        }
        let base = row * pairs;
        let mut spending =
            self.spending
                .span(base * ACTIONS, pairs * ACTIONS, &mut pending.spending, run);
        let mut coercion = self.coercion.span(base, pairs, &mut pending.coercion, run);
        if state.powers.is_empty() {
            spending.skip();
            coercion.skip();
            return;
        }
        let np = world.powers().len();
        let months = &mut pending.months;
        months.clear();
        months.extend(
            (world.agency().budgets.iter())
                .zip(&state.capacity)
                .map(|(&budget, &capacity)| budget * capacity),
        );
        let held_zero = &mut pending.spending_held_zero[base..base + pairs];
        // By index rather than by a group of cells a pair: most pairs spent nothing and write
        // only their first bins, without slicing the other fields of their cells.
        for (pair, (&[s, p], held_zero)) in self.power_pairs.iter().zip(held_zero).enumerate() {
            let (s, p) = (s as usize, p as usize);
            let month = months[p];
            if month > 0.0 {
                // The increments sum to the month budget up to rounding: a share may exceed 1
                // by an ulp, which the sketch's clamp removes (nothing else can).
                let spent = state.powers.spent[(s * np + p) * ACTIONS..]
                    .first_chunk::<ACTIONS>()
                    .expect("ACTIONS spendings a pair");
                spending.add_shares(pair, spent, month, held_zero);
            } else {
                spending.part(pair * ACTIONS, ACTIONS).skip();
            }
        }
        // A stock of 0 (most pairs in most months) cuts 1 − e^{−0}: computed once a row.
        let (cut_of_zero, cut_of_minus_zero) =
            (1.0 - exp_nonpositive(-0.0), 1.0 - exp_nonpositive(0.0));
        let stocks = &state.powers.coercion;
        coercion.add_each(self.power_pairs.iter().map(|&[s, p]| {
            let c = stocks[s as usize * np + p as usize];
            if c.to_bits() == 0.0_f64.to_bits() {
                cut_of_zero
            } else if c.to_bits() == (-0.0_f64).to_bits() {
                cut_of_minus_zero
            } else {
                1.0 - exp_nonpositive(-c)
            }
        }));
        for d in &state.powers.punished {
            if let Ok(j) = self
                .power_pairs
                .binary_search(&[d.state as u32, d.power as u32])
            {
                // One defection per pair and month (`powers::defections`): at most one per run.
                self.punished[base + j] += 1;
            }
        }
    }
}

/// [`Stats`] of a cell that some runs leave empty: over the values it holds.
fn stats_of_filled(s: &Sketches, cell: usize) -> Stats {
    let n = filled(s, cell);
    Stats {
        mean: s.mean(cell, n),
        sd: s.sd(cell, n),
        quantiles: QUANTILES.map(|q| s.quantile(cell, q)).into(),
    }
}

/// The values cell `cell` of `s` holds (0 for a cell it does not have).
fn filled(s: &Sketches, cell: usize) -> u64 {
    let bins = super::sketch::BINS;
    cell.checked_mul(bins)
        .and_then(|at| s.hist.get(at..at.checked_add(bins)?))
        .map_or(0, |row| row.iter().map(|&c| u64::from(c)).sum())
}
