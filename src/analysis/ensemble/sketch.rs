//! Mergeable streaming statistics of values in [0, 1]: exact fixed-point sums for the mean and
//! the standard deviation, and a fixed-bin histogram for the quantiles.
//!
//! **Why integers.** Every accumulator is an integer (sums in fixed point with a 2⁻⁵² unit, bin counts)
//! or an exact minimum/maximum, so merging two sketches is exactly associative and
//! commutative: the result does not depend on how runs were grouped into threads, blocks or
//! shards, and an ensemble is bit-identical for any thread count and any shard split.
//!
//! **Quantile method and its error bound.** Values are counted in [`BINS`] equal bins on
//! [0, 1]. The q-quantile is the inverse of the empirical distribution function, located in
//! its bin by the cumulative counts and placed inside the bin by linear interpolation, then
//! clamped to the exact observed minimum and maximum. The true empirical quantile lies in the
//! same bin, so the estimate is off by at most one bin width, `1 / BINS` = 0.005.

use serde::{Deserialize, Serialize};

/// Cells counted together when pending bins are flushed: 64 histogram rows of [`BINS`] × 4
/// bytes (51 KB) stay within a core's second-level cache while a block's runs are counted.
const FLUSH_CELLS: usize = 64;

/// Number of histogram bins on [0, 1]. 200 bins bound the quantile error by 0.005, half a
/// percentage point of an alignment share: below the ±1.5 %-of-a-share monthly noise of the
/// default world, so the sketch does not blur what the model resolves; 200 × 4 bytes per
/// (state, component, step) cell keeps a summary of the Eurasia world near 10 MB.
pub const BINS: usize = 200;

// Pending bins are stored in a byte, with 255 marking "no value": past the last bin.
const _: () = assert!(BINS < 255);

/// Fixed-point scale of the sums: 2⁵². A value in [0, 1] is stored as `round(x · 2⁵²)`, read
/// off the bits of `1 + x` (three instructions, against a saturating float-to-integer
/// conversion's dozen): the rounding error, below 2⁻⁵³ per value, is far under anything a
/// mean or a standard deviation reports. 2³² runs of values ≤ 1 sum to < 2⁸⁵, far inside a
/// `u128`.
pub(crate) const SCALE: f64 = 4_503_599_627_370_496.0;

/// [`SCALE`] as an integer: the fixed-point form of 1, the largest value a sum adds per run.
pub(crate) const ONE: u128 = 1 << 52;

/// The minimum of a cell that holds no value: a finite sentinel outside [0, 1] (values are
/// clamped into it), so that an empty sketch survives a JSON round trip, which has no
/// infinities.
pub(crate) const EMPTY_MIN: f64 = 2.0;

/// The maximum of a cell that holds no value (see [`EMPTY_MIN`]).
pub(crate) const EMPTY_MAX: f64 = -1.0;

/// `round(x · 2⁵²)` for `x` in [0, 1]: `1 + x` lies in [1, 2], where consecutive doubles are
/// 2⁻⁵² apart, so its bits minus those of 1.0 count the steps of 2⁻⁵² (and `x = 1` gives
/// exactly 2⁵², the bits of 2.0 minus those of 1.0).
#[inline(always)]
pub(crate) fn fixed(x: f64) -> u64 {
    // Callers only pass values in [0, 1] (clamped by `add_moments`).
    (1.0 + x).to_bits() - 1.0_f64.to_bits()
}

/// The histogram bin of a value whose fixed-point form is `fx` (≤ 2⁵²): ⌊x · BINS⌋ in
/// integers, the last bin holding 1 too. fx · BINS < 2⁶⁰ fits a u64; BINS < 255, so the bin
/// fits a byte (255 itself is the pending "no value" mark).
#[inline(always)]
pub(crate) fn bin_of_fixed(fx: u64) -> u8 {
    ((fx * BINS as u64) >> 52).min(BINS as u64 - 1) as u8
}

/// Add `x` to the sums, minimum and maximum of a cell, and return its histogram bin. Values
/// outside [0, 1] are clamped to it, a NaN counts as 0, and a zero keeps its sign in the
/// extremes (as `f64::clamp` leaves it).
#[inline(always)]
fn add_moments(sum: &mut u128, sum_sq: &mut u128, min: &mut f64, max: &mut f64, x: f64) -> u8 {
    if x > 0.0 {
        let x = if x > 1.0 { 1.0 } else { x };
        let fx = fixed(x);
        *sum += u128::from(fx);
        *sum_sq += u128::from(fixed(x * x));
        if x < *min {
            *min = x;
        }
        if x > *max {
            *max = x;
        }
        bin_of_fixed(fx)
    } else {
        // 0 (of either sign), a negative value or a NaN, all counted as a 0 that keeps the
        // sign of a zero. Most of a power's spending shares are 0 in a month (it spends on
        // few actions): the sums gain nothing and the bin is the first, so only the extremes
        // move, and rarely (a zero compares as 0.0 whatever its sign).
        if 0.0 < *min {
            *min = if x == 0.0 { x } else { 0.0 };
        }
        if 0.0 > *max {
            *max = if x == 0.0 { x } else { 0.0 };
        }
        0
    }
}

/// Runs whose first bins [`Sketches::flush`] counts in the bytes of a `u64` (one byte a
/// cell) before adding them to the histogram rows: as many as a byte counts.
const FIRSTS_RUNS: usize = u8::MAX as usize;

/// Count the pending bins `word` of eight consecutive cells into their histogram rows `rows`
/// (eight rows of [`BINS`]), except where all eight are first bins (the zero shares of a
/// power's spending, mostly): those add one to each byte of `firsts`, the eight cells'
/// first-bin counts, one a byte, which the caller adds to the rows ([`FIRSTS_RUNS`] runs
/// at most). Eight cells without a value skip the test of each bin.
#[inline(always)]
fn count_eight(rows: &mut [u32; 8 * BINS], word: &[u8; 8], firsts: &mut u64) {
    const ALL_FIRST: u64 = 0;
    const ALL_NONE: u64 = u64::from_ne_bytes([PendingBins::NONE; 8]);
    match u64::from_ne_bytes(*word) {
        // One addition instead of eight to rows 800 bytes apart; no byte overflows into
        // the next, as each counts at most `FIRSTS_RUNS` runs.
        ALL_FIRST => *firsts += u64::from_ne_bytes([1; 8]),
        ALL_NONE => {}
        mixed => {
            // The bins off the word, the first cell's in its low byte whatever the machine's
            // byte order (`from_ne_bytes` above): shifted out one at a time.
            let mut bins = u64::from_le(mixed);
            for k in 0..8 {
                let bin = (bins & 0xFF) as usize;
                bins >>= 8;
                if bin < BINS {
                    rows[k * BINS + bin] += 1;
                }
            }
        }
    }
}

/// Add the first-bin counts `firsts` of eight cells, one a byte as [`count_eight`] counts
/// them, to their histogram rows `rows`.
#[inline(always)]
fn add_firsts(rows: &mut [u32; 8 * BINS], firsts: u64) {
    for (k, count) in firsts.to_ne_bytes().into_iter().enumerate() {
        rows[k * BINS] += u32::from(count);
    }
}

/// A run of consecutive cells of one sketch and their pending bins for one run slot
/// ([`Sketches::span`]).
pub(crate) struct Cells<'a> {
    sum: &'a mut [u128],
    sum_sq: &'a mut [u128],
    min: &'a mut [f64],
    max: &'a mut [f64],
    bins: &'a mut [u8],
}

/// One cell's sums, extremes and pending bin, as [`Cells::each`] lends them.
type Cell<'c> = (
    &'c mut u128,
    &'c mut u128,
    &'c mut f64,
    &'c mut f64,
    &'c mut u8,
);

impl Cells<'_> {
    /// The cells one by one, in order.
    #[inline(always)]
    fn each(&mut self) -> impl Iterator<Item = Cell<'_>> {
        self.sum
            .iter_mut()
            .zip(self.sum_sq.iter_mut())
            .zip(self.min.iter_mut())
            .zip(self.max.iter_mut())
            .zip(self.bins.iter_mut())
            .map(|((((sum, sum_sq), min), max), bin)| (sum, sum_sq, min, max, bin))
    }

    /// Add the values of `xs` to the cells in order (`xs` has one per cell).
    #[inline(always)]
    pub(crate) fn add_each(&mut self, xs: impl Iterator<Item = f64>) {
        for ((sum, sum_sq, min, max, bin), x) in self.each().zip(xs) {
            *bin = add_moments(sum, sum_sq, min, max, x);
        }
    }

    /// Add the shares `parts[k] / whole` of a `whole` above 0 to group `group` of `N` (1 to 8)
    /// cells (cells `group · N` to `group · N + N − 1`).
    ///
    /// Bit k of `held` says that cell k has held a value not above 0 (0, below, or a NaN):
    /// its extremes then hold 0 (minimum ≤ 0 ≤ maximum, and they only widen), so another
    /// such value moves neither and writes only its first bin. A part not above 0 gives a
    /// share not above 0, so for such a cell it is not even divided. The bits of the cells
    /// that take such a value now are set. When every cell has held one and every part is 0
    /// (a power that spent nothing on a state in a month, the most common case), the group's
    /// first bins are written at once, without slicing its other fields or a test per cell.
    #[inline(always)]
    pub(crate) fn add_shares<const N: usize>(
        &mut self,
        group: usize,
        parts: &[f64; N],
        whole: f64,
        held: &mut u8,
    ) {
        const { assert!(0 < N && N <= 8) };
        let all = u8::MAX >> (8 - N);
        // Every part ±0 when their bits but the signs are: one test of the N, no branch each
        // (a part below 0 or a NaN takes the general way, which also gives it the first bin).
        let zeros = parts.iter().fold(0, |acc, &part| acc | part.to_bits()) << 1 == 0;
        if *held == all && zeros {
            *self.bins[group * N..]
                .first_chunk_mut::<N>()
                .expect("the group's N cells") = [0; N];
        } else {
            self.add_shares_each(group, parts, whole, held);
        }
    }

    /// [`Cells::add_shares`] cell by cell. Not inlined: few groups come here, and the loop of
    /// the groups that do not keeps its registers for itself.
    #[inline(never)]
    fn add_shares_each<const N: usize>(
        &mut self,
        group: usize,
        parts: &[f64; N],
        whole: f64,
        held: &mut u8,
    ) {
        let (start, end) = (group * N, group * N + N);
        let (sum, sum_sq) = (&mut self.sum[start..end], &mut self.sum_sq[start..end]);
        let (min, max) = (&mut self.min[start..end], &mut self.max[start..end]);
        let bins = &mut self.bins[start..end];
        // By index, each slice N long: no test of their lengths.
        for (k, &part) in parts.iter().enumerate() {
            let bit = 1 << k;
            bins[k] = if part > 0.0 || *held & bit == 0 {
                // A part above 0 may still give a share of 0 (an underflow) or a NaN (∞ / ∞).
                let x = part / whole;
                if x <= 0.0 || x.is_nan() {
                    *held |= bit;
                }
                add_moments(&mut sum[k], &mut sum_sq[k], &mut min[k], &mut max[k], x)
            } else {
                0
            };
        }
    }

    /// Add the values of `xs` to the cells in order, a `None` adding none to its cell.
    #[inline]
    pub(crate) fn add_some(&mut self, xs: impl Iterator<Item = Option<f64>>) {
        for ((sum, sum_sq, min, max, bin), x) in self.each().zip(xs) {
            *bin = match x {
                Some(x) => add_moments(sum, sum_sq, min, max, x),
                None => PendingBins::NONE,
            };
        }
    }

    /// Add no value to the cells (their pending bins say so).
    #[inline]
    pub(crate) fn skip(&mut self) {
        self.bins.fill(PendingBins::NONE);
    }

    /// The `len` cells from `start` on (panics past the end of these cells).
    #[inline]
    pub(crate) fn part(&mut self, start: usize, len: usize) -> Cells<'_> {
        let end = start + len;
        Cells {
            sum: &mut self.sum[start..end],
            sum_sq: &mut self.sum_sq[start..end],
            min: &mut self.min[start..end],
            max: &mut self.max[start..end],
            bins: &mut self.bins[start..end],
        }
    }
}

/// The sketches of a summary's cells (a summary holds one per quantity); `Default` is a
/// sketch without cells.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Sketches {
    pub(crate) sum: Vec<u128>,
    pub(crate) sum_sq: Vec<u128>,
    pub(crate) min: Vec<f64>,
    pub(crate) max: Vec<f64>,
    /// `cells × BINS` counts, cell-major.
    pub(crate) hist: Vec<u32>,
}

impl Sketches {
    pub(crate) fn new(cells: usize) -> Self {
        Sketches {
            sum: vec![0; cells],
            sum_sq: vec![0; cells],
            min: vec![EMPTY_MIN; cells],
            max: vec![EMPTY_MAX; cells],
            hist: vec![0; cells * BINS],
        }
    }

    pub(crate) fn cells(&self) -> usize {
        self.sum.len()
    }

    /// Whether it has no cells (a quantity the world does not have: its summary's JSON then
    /// leaves it out, and reads as before the quantity existed).
    pub(crate) fn is_empty(&self) -> bool {
        self.sum.is_empty() && self.hist.is_empty()
    }

    /// Add value `x` to cell `cell`. Values outside [0, 1] are clamped to it: every value the
    /// ensemble feeds (alignment shares, cohesion, credibility) lies there by construction.
    #[inline]
    #[cfg(test)]
    pub(crate) fn add(&mut self, cell: usize, x: f64) {
        let bin = add_moments(
            &mut self.sum[cell],
            &mut self.sum_sq[cell],
            &mut self.min[cell],
            &mut self.max[cell],
            x,
        );
        self.hist[cell * BINS + usize::from(bin)] += 1;
    }

    /// The `len` cells from `start` on, with their pending bins in run slot `run` of
    /// `pending`: sliced once, so that a recorded row adds its values without an index check
    /// per value.
    #[inline]
    pub(crate) fn span<'a>(
        &'a mut self,
        start: usize,
        len: usize,
        pending: &'a mut PendingBins,
        run: usize,
    ) -> Cells<'a> {
        let end = start + len;
        let at = run * pending.cells;
        Cells {
            sum: &mut self.sum[start..end],
            sum_sq: &mut self.sum_sq[start..end],
            min: &mut self.min[start..end],
            max: &mut self.max[start..end],
            bins: &mut pending.bins[at + start..at + end],
        }
    }

    /// Apply the histogram counts of the first `runs` run slots of `pending`. Every run slot
    /// it holds was written whole (each of its cells a bin or [`PendingBins::NONE`]), so the
    /// slots are not cleared: the next block's runs overwrite them.
    ///
    /// A band of [`FLUSH_CELLS`] cells at a time, run after run: each run's bins for the band
    /// are contiguous, and the band's histogram rows (51 KB) stay in cache while every run of
    /// the block is counted into them. Bins are read eight cells at a time ([`count_eight`]),
    /// eight first bins added to their rows once for up to [`FIRSTS_RUNS`] runs;
    /// [`PendingBins::NONE`] lies past the last bin, so a bin's bounds test is the test for
    /// "no value".
    pub(crate) fn flush(&mut self, pending: &PendingBins, runs: usize) {
        let cells = pending.cells;
        if cells == 0 {
            return;
        }
        let held = &pending.bins[..runs * cells];
        for (band, start) in self
            .hist
            .chunks_mut(FLUSH_CELLS * BINS)
            .zip((0..cells).step_by(FLUSH_CELLS))
        {
            let end = start + band.len() / BINS;
            for runs in held.chunks(FIRSTS_RUNS * cells) {
                // The band's words' first-bin counts, a byte a cell (see `count_eight`).
                let mut firsts = [0u64; FLUSH_CELLS / 8];
                for run in runs.chunks_exact(cells) {
                    let words = run[start..end].chunks_exact(8);
                    let rest = words.remainder();
                    let mut rows = band.chunks_exact_mut(8 * BINS);
                    for ((rows, word), firsts) in rows.by_ref().zip(words).zip(&mut firsts) {
                        if let (Ok(rows), Ok(word)) = (rows.try_into(), word.try_into()) {
                            count_eight(rows, word, firsts);
                        }
                    }
                    let rest_rows = rows.into_remainder();
                    for (counts, &bin) in rest_rows.chunks_exact_mut(BINS).zip(rest) {
                        if let Some(count) = counts.get_mut(usize::from(bin)) {
                            *count += 1;
                        }
                    }
                }
                for (rows, &firsts) in band.chunks_exact_mut(8 * BINS).zip(&firsts) {
                    if let Ok(rows) = rows.try_into() {
                        add_firsts(rows, firsts);
                    }
                }
            }
        }
    }

    /// Add `other` into `self`, with checked arithmetic: on an overflow, the name and index
    /// of the array that overflowed (`hist[12]`), and `self` is partly added to and must be
    /// discarded. Both must have the same number of cells ([`Summary::verify`] checks it, and
    /// that no sum can overflow for a verified pair of disjoint shards).
    ///
    /// [`Summary::verify`]: super::Summary::verify
    pub(crate) fn merge(&mut self, other: &Sketches) -> Result<(), String> {
        fn add<T: Copy>(
            name: &str,
            a: &mut [T],
            b: &[T],
            f: impl Fn(T, T) -> Option<T>,
        ) -> Result<(), String> {
            if a.len() != b.len() {
                return Err(format!("{name}: {} against {} entries", a.len(), b.len()));
            }
            for (i, (x, &y)) in a.iter_mut().zip(b).enumerate() {
                *x = f(*x, y).ok_or_else(|| format!("{name}[{i}]"))?;
            }
            Ok(())
        }
        add("sum", &mut self.sum, &other.sum, u128::checked_add)?;
        add("sum_sq", &mut self.sum_sq, &other.sum_sq, u128::checked_add)?;
        add("min", &mut self.min, &other.min, |a, b| Some(a.min(b)))?;
        add("max", &mut self.max, &other.max, |a, b| Some(a.max(b)))?;
        add("hist", &mut self.hist, &other.hist, u32::checked_add)
    }

    /// The one value of cell `cell` when every value it holds is the same: its exact minimum
    /// and maximum are then equal.
    fn single_value(&self, cell: usize) -> Option<f64> {
        let (&lo, &hi) = (self.min.get(cell)?, self.max.get(cell)?);
        (lo == hi).then_some(lo)
    }

    /// Mean of cell `cell` over `n` values (0 when `n` is 0 or the cell does not exist).
    ///
    /// Values that are all equal give that value exactly: the fixed-point sum rounds each
    /// value by up to 2⁻⁵³ and the division by `SCALE · n` rounds again, which printed a
    /// start-of-run share of 0.3 in every run as 0.30000000000000004. Any other mean is kept
    /// within the exact minimum and maximum, where a mean lies. Both are read off the merged
    /// sketch, so they are the same for every grouping of runs.
    pub(crate) fn mean(&self, cell: usize, n: u64) -> f64 {
        if n > 0 {
            if let Some(x) = self.single_value(cell) {
                return x;
            }
        }
        match self.sum.get(cell) {
            Some(&sum) if n > 0 => {
                let mean = sum as f64 / SCALE / n as f64;
                match (self.min.get(cell), self.max.get(cell)) {
                    // Not `clamp`, which panics on a minimum above the maximum (a corrupted
                    // summary); for an ordered pair it is the same.
                    (Some(&lo), Some(&hi)) if lo <= hi => mean.max(lo).min(hi),
                    _ => mean,
                }
            }
            _ => 0.0,
        }
    }

    /// Sample standard deviation (divisor `n − 1`; 0 for fewer than two values, and exactly 0
    /// when every value is the same, where the rounding of the sums left some 10⁻⁸).
    pub(crate) fn sd(&self, cell: usize, n: u64) -> f64 {
        if n < 2 || self.single_value(cell).is_some() {
            return 0.0;
        }
        let nf = n as f64;
        let mean = self.mean(cell, n);
        let mean_sq = self
            .sum_sq
            .get(cell)
            .map_or(0.0, |&s| s as f64 / SCALE / nf);
        let var = (mean_sq - mean * mean).max(0.0) * nf / (nf - 1.0);
        var.sqrt()
    }

    /// The `q`-quantile of cell `cell` (see the module docs for the method); 0 when empty or
    /// when the cell does not exist.
    pub(crate) fn quantile(&self, cell: usize, q: f64) -> f64 {
        let row = cell
            .checked_mul(BINS)
            .and_then(|at| self.hist.get(at..at.checked_add(BINS)?));
        let (Some(counts), Some(&lo), Some(&hi)) = (row, self.min.get(cell), self.max.get(cell))
        else {
            return 0.0;
        };
        let n: u64 = counts.iter().map(|&c| u64::from(c)).sum();
        if n == 0 {
            return 0.0;
        }
        let target = q.clamp(0.0, 1.0) * n as f64;
        let mut before = 0u64;
        for (bin, &c) in counts.iter().enumerate() {
            let c = u64::from(c);
            if c > 0 && (before + c) as f64 >= target {
                let frac = ((target - before as f64) / c as f64).clamp(0.0, 1.0);
                let x = (bin as f64 + frac) / BINS as f64;
                // Not `clamp`, which panics on a minimum above the maximum (a corrupted
                // summary); for an ordered pair it is the same.
                return x.max(lo).min(hi);
            }
            before += c;
        }
        hi
    }
}

/// The histogram bins of up to `capacity` runs, waiting to be counted.
///
/// **Why.** A run adds one value to each of its summary's cells (about 12,000 for the Eurasia
/// world over 120 months), and the cells' histograms (200 counts each, 10 MB in all) are too
/// large for the caches: counting each value at once costs a cache miss per value. Holding the
/// runs' bins (one byte each) and counting a block of runs cell by cell touches each histogram
/// row once per block. The counts, and so the summary, are exactly those of counting at once.
///
/// **Run-major.** A run writes its cells' bins in cell order, one contiguous row of `cells`
/// bytes, so recording a run streams through memory; cell-major (`bins[cell · capacity +
/// run]`) it touched a separate cache line for every cell of every run, which for the
/// embedded world with acting powers (54 k cells a run) cost more time than the arithmetic.
///
/// **Written whole.** A run writes each cell of its row, a bin or [`PendingBins::NONE`], so
/// a flush need not clear the rows it counted: the next block's runs overwrite them.
#[derive(Clone, Debug)]
pub(crate) struct PendingBins {
    capacity: usize,
    cells: usize,
    /// `bins[run * cells + cell]`, [`PendingBins::NONE`] where the run added nothing.
    bins: Vec<u8>,
}

impl PendingBins {
    /// Marks a cell to which a run added no value (a similarity that is undefined).
    const NONE: u8 = u8::MAX;

    /// Room for `capacity` runs (at least 1) of `cells` cells.
    pub(crate) fn new(cells: usize, capacity: usize) -> Self {
        let capacity = capacity.max(1);
        PendingBins {
            capacity,
            cells,
            bins: vec![Self::NONE; cells * capacity],
        }
    }

    /// How many runs it has room for.
    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_are_within_one_bin_of_the_empirical_quantile() {
        let mut s = Sketches::new(1);
        let values: Vec<f64> = (0..1000)
            .map(|i| ((i * 7919) % 1000) as f64 / 999.0)
            .collect();
        values.iter().for_each(|&x| s.add(0, x));
        let mut sorted = values.clone();
        sorted.sort_by(f64::total_cmp);
        for q in [0.05, 0.25, 0.5, 0.75, 0.95] {
            let exact = sorted[((q * 1000.0) as usize).saturating_sub(1)];
            assert!((s.quantile(0, q) - exact).abs() <= 1.0 / BINS as f64);
        }
        assert!((s.mean(0, 1000) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn equal_values_give_their_value_as_mean_and_a_zero_sd() {
        // Issue 18: a share of 0.3 in all ten runs was written 0.30000000000000004 with an
        // sd of 7.9e-9, and 1 − 0.7 is not 0.3 in floating point but must average to itself.
        for x in [
            0.3,
            0.2,
            0.06,
            1.0 - 0.7,
            0.1 + 0.2,
            0.0,
            1.0,
            0.7999999999999998,
        ] {
            let mut s = Sketches::new(1);
            for _ in 0..10 {
                s.add(0, x);
            }
            assert_eq!(s.mean(0, 10).to_bits(), x.to_bits(), "{x}");
            assert_eq!(s.sd(0, 10).to_bits(), 0.0_f64.to_bits(), "{x}");
            // Merged from two shards, the same.
            let (mut a, mut b) = (Sketches::new(1), Sketches::new(1));
            (0..3).for_each(|_| a.add(0, x));
            (0..7).for_each(|_| b.add(0, x));
            a.merge(&b).unwrap();
            assert_eq!(a, s);
            assert_eq!(a.mean(0, 10).to_bits(), x.to_bits(), "{x}");
        }
        // A spread keeps its mean, inside the extremes.
        let mut s = Sketches::new(1);
        s.add(0, 0.25);
        s.add(0, 0.75);
        assert_eq!(s.mean(0, 2), 0.5);
        assert!(s.sd(0, 2) > 0.35);
    }

    #[test]
    fn pending_bins_count_as_adding_at_once_across_blocks() {
        // Two blocks of three runs over two cells; the second block overwrites the first's
        // slots, a `None` (or a skipped span) counting nothing.
        let values = [
            [Some(0.0), Some(1.0)],
            [Some(0.37), None],
            [Some(-0.0), Some(2.0)],
            [None, Some(0.5)],
            [Some(f64::NAN), None],
            [Some(0.999), Some(1e-300)],
        ];
        let mut direct = Sketches::new(2);
        let mut held = Sketches::new(2);
        let mut pending = PendingBins::new(2, 3);
        for block in values.chunks(3) {
            for (run, row) in block.iter().enumerate() {
                for (cell, x) in row.iter().enumerate() {
                    if let Some(x) = *x {
                        direct.add(cell, x);
                    }
                }
                let mut cells = held.span(0, 2, &mut pending, run);
                if row.iter().all(Option::is_none) {
                    cells.skip();
                } else {
                    cells.add_some(row.iter().copied());
                }
            }
            held.flush(&pending, block.len());
        }
        assert_eq!(held, direct);
        // The first zero is the minimum: −0.0 is not below it.
        assert_eq!(held.min[0].to_bits(), 0.0_f64.to_bits());
    }

    /// `runs` runs of `value(run, cell)` (`None`: no value) over `cells` cells, counted
    /// through pending bins and one flush, checked equal to the same values added one by
    /// one; returns the flushed sketches.
    fn flushed_as_added(
        cells: usize,
        runs: usize,
        value: impl Fn(usize, usize) -> Option<f64>,
    ) -> Sketches {
        let mut direct = Sketches::new(cells);
        let mut held = Sketches::new(cells);
        let mut pending = PendingBins::new(cells, runs);
        for run in 0..runs {
            let xs: Vec<Option<f64>> = (0..cells).map(|cell| value(run, cell)).collect();
            for (cell, x) in xs.iter().enumerate() {
                if let Some(x) = *x {
                    direct.add(cell, x);
                }
            }
            held.span(0, cells, &mut pending, run)
                .add_some(xs.into_iter());
        }
        held.flush(&pending, runs);
        assert_eq!(held, direct);
        held
    }

    #[test]
    fn flushing_counts_every_kind_of_word_of_bins() {
        // 150 cells: two whole bands and a part, words of first bins, of no values, and mixed.
        let cells = 150;
        let value = |run: usize, cell: usize| match (cell / 8 + run) % 4 {
            0 => Some(0.0),
            1 => None,
            2 => Some(((cell * 37 + run * 11) % 101) as f64 / 100.0),
            _ => (cell % 3 != 0).then_some(1.0),
        };
        flushed_as_added(cells, 5, value);
    }

    #[test]
    fn first_bins_count_in_bytes_past_a_byte_of_runs() {
        // 600 runs in one flush: more than a byte of first bins a cell (they are added to the
        // rows every 255 runs), with words of first bins, of no values, and mixed.
        let (cells, runs) = (20, 600);
        let value = |run: usize, cell: usize| match (run % 7, cell / 8) {
            (0, 1) => None,
            (3, 0) => Some(0.5),
            (5, _) if cell % 5 == 0 => Some(1.0),
            _ => Some(0.0),
        };
        let held = flushed_as_added(cells, runs, value);
        assert!(held.hist[0] > 255);
    }

    #[test]
    fn shares_add_as_the_divided_shares() {
        // Parts of every kind, against their shares added as they are: zeros of both signs, a
        // negative part, a NaN, a part whose share underflows to 0, ∞ over an ∞ whole, and
        // groups with no part above 0 before and after every cell has held a 0 (the last
        // two written at once).
        let groups: [([f64; 3], f64); 9] = [
            ([0.5, 0.25, 1.0], 2.0),
            ([0.0, 0.0, 0.3], 2.0),
            ([0.5, -0.0, 1.5], 2.0),
            ([-0.25, f64::NAN, 0.1], 0.5),
            ([1e-320, 0.0, 3.0], 1e300),
            ([f64::INFINITY, 0.0, -0.0], f64::INFINITY),
            ([0.0, -0.0, 0.0], 2.0),
            ([-0.0, -1.0, f64::NAN], 4.0),
            ([0.75, 0.0, 0.5], 1.0),
        ];
        let (mut plain, mut held) = (Sketches::new(6), Sketches::new(6));
        let mut pending = PendingBins::new(6, 1);
        let mut bits = 0;
        for (parts, whole) in groups {
            let mut cells = plain.span(0, 6, &mut pending, 0);
            cells.add_each([0.5; 3].into_iter().chain(parts.map(|part| part / whole)));
            let plain_bins = pending.bins.clone();
            pending.bins.fill(PendingBins::NONE);
            let mut cells = held.span(0, 6, &mut pending, 0);
            cells.add_each([0.5; 3].into_iter());
            cells.add_shares(1, &parts, whole, &mut bits);
            assert_eq!(pending.bins, plain_bins, "{parts:?} / {whole}");
            assert_eq!(held, plain, "{parts:?} / {whole}");
            for (a, b) in held.min.iter().zip(&plain.min) {
                assert_eq!(a.to_bits(), b.to_bits());
            }
            for (k, (lo, hi)) in held.min[3..].iter().zip(&held.max[3..]).enumerate() {
                assert_eq!(bits & (1 << k) != 0, *lo <= 0.0 && *hi >= 0.0, "cell {k}");
            }
        }
        assert_eq!(bits, 0b111);
    }

    #[test]
    fn merging_is_independent_of_grouping() {
        let xs: Vec<f64> = (0..300).map(|i| (i as f64 * 0.618).fract()).collect();
        let mut whole = Sketches::new(1);
        xs.iter().for_each(|&x| whole.add(0, x));
        let mut parts = [Sketches::new(1), Sketches::new(1), Sketches::new(1)];
        for (i, &x) in xs.iter().enumerate() {
            parts[(i * 31) % 3].add(0, x);
        }
        let mut merged = parts[2].clone();
        merged.merge(&parts[0]).unwrap();
        merged.merge(&parts[1]).unwrap();
        assert_eq!(merged, whole);
    }
}
