//! Checking that a [`Summary`] read from elsewhere (a shard's partial file) is one an ensemble
//! could have produced, before any of its numbers is used or merged.
//!
//! A summary is a set of integer counters whose relations are known exactly: every run adds
//! one value to every alignment, cohesion and credibility cell, one category to every
//! outcome, and at most one count to each member's suspensions and exits. [`Summary::verify`]
//! checks each relation and names the first one broken, as a JSON path into the partial
//! (`alignment.hist[12]`) with the step, state and component it belongs to.
//!
//! | check | the hand-edits it refuses |
//! |---|---|
//! | array lengths follow from the dimensions (`Dimensions::cells`, the one place that says so) | arrays cut short or padded; a sketch of another world |
//! | `1 ≤ shard_count`, shards ascending, unique and `< shard_count` | a shard claimed twice, a shard that does not exist |
//! | `runs` = the runs of the shards held ([`Shard::runs`]) | "complete" with 10 of 30 runs; `runs` set to 0; a shard relabelled as one of another size |
//! | a cell's histogram counts sum to `runs` (to at most `runs` for similarity) | a count raised or lowered; a count that would overflow a merge |
//! | min ≤ max within [0, 1] and in the first and last non-empty bins; the empty sentinels for an empty cell | a min above its max; a value outside [0, 1] |
//! | `runs · fixed(min) ≤ sum ≤ runs · fixed(max)`, the same for the squares, `sum_sq ≤ sum` | an edited mean or standard deviation |
//! | every outcome's category counts sum to `runs`, one count per category | a count added or removed |
//! | member counts ≤ `runs`, one per member | a suspension or exit count above the runs |
//!
//! Some edits keep every relation: counts moved between two categories of an outcome (P from
//! 0 to 0.33 and back elsewhere), or a copy of shard 0 relabelled as shard 1 when both hold
//! the same number of runs. Only the partial file's digest and job header catch those
//! ([`crate::output`]'s partial format); the structure is checked all the same, because a
//! digest can be recomputed by whoever edits the file, and because a summary may come from
//! elsewhere than a file.

use super::sketch::{bin_of_fixed, fixed, Sketches, BINS, EMPTY_MAX, EMPTY_MIN, ONE};
use super::{EnsembleError, OutcomeCounts, Shard, Summary};
use serde::{Deserialize, Serialize};

/// The dimensions of a summary, from which the length of each of its arrays follows
/// (`Dimensions::cells`); a partial file carries them in its header so that its size can be
/// bounded before it is read.
///
/// # Examples
///
/// ```
/// use geoalign::analysis::ensemble::Ensemble;
/// let summary = Ensemble::new(geoalign::presets::eurasia_2025(), 2).run().unwrap();
/// let d = summary.dimensions();
/// assert_eq!((d.states, d.institutions), (summary.states.len() as u64, summary.institutions.len() as u64));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dimensions {
    /// Steps of the horizon.
    pub steps: u64,
    /// The recording cadence ([`Summary::record_every`]): cells are kept for steps 0,
    /// `record_every`, 2 × `record_every`, … and the horizon ([`Summary::recorded_steps`]).
    pub record_every: u64,
    /// Whether the state-pair similarity was computed ([`Summary::similarity_computed`]);
    /// without it the similarity sketch has no cells.
    pub similarity: bool,
    /// States.
    pub states: u64,
    /// Powers (an alignment has one more component, autonomy).
    pub powers: u64,
    /// Institutions.
    pub institutions: u64,
    /// Members of each institution.
    pub members: Vec<u64>,
    /// Categories of each outcome.
    pub outcomes: Vec<u64>,
    /// Per outcome, whether it keeps a series over time (one row of category counts per
    /// recorded step, [`OutcomeCounts::over_time`]); empty when none does, and then left
    /// out of a partial's header, which reads as before.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outcome_series: Vec<bool>,
    /// The (state, power) pairs where a power can act ([`Summary::acting_pairs`]); 0 when no
    /// power acts, and then left out of a partial's header, which reads as before.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub power_pairs: u64,
    /// The event-frequency cells ([`Summary::event_cells`]); 0 when no event fired, and
    /// then left out of a partial's header.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub event_cells: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// How many values a sketch's cell receives per run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fill {
    /// One per run: its histogram sums to exactly `runs`.
    EveryRun,
    /// At most one per run (a similarity is undefined in some runs).
    AtMostEveryRun,
}

/// The cell count of each sketch of a summary, and how its cells fill.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Cells {
    /// Steps × states × components.
    pub(crate) alignment: usize,
    /// Steps × institutions, for cohesion and for credibility.
    pub(crate) institution: usize,
    /// Pairs of states.
    pub(crate) similarity: usize,
    /// Steps × acting (state, power) pairs: the coercion cut and the punishment counts.
    pub(crate) power: usize,
    /// Steps × acting pairs × actions: the spending shares.
    pub(crate) spending: usize,
}

impl Cells {
    /// Each sketch of a summary with its name (as in the JSON), cell count and fill rule.
    pub(crate) fn sketches(self) -> [(&'static str, usize, Fill); 6] {
        [
            ("alignment", self.alignment, Fill::EveryRun),
            ("cohesion", self.institution, Fill::EveryRun),
            ("credibility", self.institution, Fill::EveryRun),
            ("similarity", self.similarity, Fill::AtMostEveryRun),
            // A month in which a power's budget is 0 has no spending share.
            ("spending", self.spending, Fill::AtMostEveryRun),
            ("coercion", self.power, Fill::EveryRun),
        ]
    }
}

impl Dimensions {
    /// Whether two summaries have the same shape, so that they can be merged: every dimension
    /// but the event cells, which are the events each part's runs fired.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::ensemble::Ensemble;
    /// let s = geoalign::presets::eurasia_2025();
    /// let a = Ensemble::new(s.clone(), 40).shard("0/2".parse().unwrap()).run().unwrap();
    /// let b = Ensemble::new(s, 40).shard("1/2".parse().unwrap()).run().unwrap();
    /// assert!(a.dimensions().same_shape(&b.dimensions()));
    /// ```
    pub fn same_shape(&self, other: &Dimensions) -> bool {
        let shape = |d: &Dimensions| Dimensions {
            event_cells: 0,
            ..d.clone()
        };
        shape(self) == shape(other)
    }

    /// The counts held by the outcomes' series over time: recorded steps × categories of each
    /// outcome that keeps one; `None` when it does not fit in a `u64`.
    pub(crate) fn series_counts(&self) -> Option<u64> {
        let rows = super::memory::recorded_count(self.steps, self.record_every);
        self.outcomes
            .iter()
            .zip(&self.outcome_series)
            .filter(|(_, &kept)| kept)
            .try_fold(0u64, |t, (&cats, _)| t.checked_add(rows.checked_mul(cats)?))
    }

    /// The number of cells of each sketch of a summary of these dimensions — the one place
    /// that says what shape a summary has (its verification and a partial's size bound both
    /// follow from it); `None` when the product does not fit in memory's address space.
    pub(crate) fn cells(&self) -> Option<Cells> {
        let n = |x: u64| usize::try_from(x).ok();
        let rows = n(super::memory::recorded_count(self.steps, self.record_every))?;
        let states = n(self.states)?;
        let components = n(self.powers)?.checked_add(1)?;
        Some(Cells {
            alignment: rows.checked_mul(states)?.checked_mul(components)?,
            institution: rows.checked_mul(n(self.institutions)?)?,
            similarity: if self.similarity {
                states.checked_mul(states)?
            } else {
                0
            },
            power: rows.checked_mul(n(self.power_pairs)?)?,
            spending: rows
                .checked_mul(n(self.power_pairs)?)?
                .checked_mul(crate::sim::powers::ACTIONS)?,
        })
    }
}

/// A corruption at `field`.
fn corrupt(field: impl Into<String>, reason: impl Into<String>) -> EnsembleError {
    EnsembleError::Corrupt {
        field: field.into(),
        reason: reason.into(),
    }
}

impl Summary {
    /// The dimensions of this summary, read off its lists of names.
    pub fn dimensions(&self) -> Dimensions {
        let len = |n: usize| n as u64;
        Dimensions {
            steps: u64::from(self.steps),
            record_every: u64::from(self.record_every),
            similarity: self.similarity_computed,
            states: len(self.states.len()),
            powers: len(self.powers.len()),
            institutions: len(self.institutions.len()),
            members: self.members.iter().map(|m| len(m.len())).collect(),
            outcomes: self
                .outcomes
                .iter()
                .map(|o| len(o.categories.len()))
                .collect(),
            outcome_series: if self.outcomes.iter().any(|o| !o.over_time.is_empty()) {
                self.outcomes
                    .iter()
                    .map(|o| !o.over_time.is_empty())
                    .collect()
            } else {
                Vec::new()
            },
            power_pairs: len(self.power_pairs.len()),
            event_cells: len(self.event_cells().len()),
        }
    }

    /// Check that this summary is one an ensemble could have produced: every array as long
    /// as its dimensions say, the shards and run counts consistent, every counter within
    /// what its runs allow (the list is in [the module docs](crate::analysis::ensemble::verify)). A summary that
    /// passes can be merged, queried and written without an overflow or a panic.
    ///
    /// # Errors
    ///
    /// [`EnsembleError::Corrupt`] naming the first field found inconsistent, as a JSON path
    /// (`outcomes[0].counts`, `alignment.hist[40]`), and why.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::ensemble::{Ensemble, EnsembleError};
    /// let mut summary = Ensemble::new(geoalign::presets::eurasia_2025(), 4).run().unwrap();
    /// assert!(summary.verify().is_ok());
    /// summary.runs = 0;
    /// let err = summary.verify().unwrap_err();
    /// assert!(matches!(err, EnsembleError::Corrupt { ref field, .. } if field == "runs"), "{err}");
    /// ```
    pub fn verify(&self) -> Result<(), EnsembleError> {
        self.verify_runs()?;
        self.verify_outcomes()?;
        self.verify_members()?;
        if self.record_every == 0 {
            // An ensemble resolves its cadence to at least 1 (`Ensemble::recording`).
            return Err(corrupt(
                "record_every",
                "the recording cadence must be at least 1",
            ));
        }
        let cells = self
            .dimensions()
            .cells()
            .ok_or_else(|| corrupt("steps", "the dimensions are too large to hold"))?;
        for (name, count, fill) in cells.sketches() {
            self.verify_sketch(name, count, fill)?;
        }
        let rows = super::memory::recorded_count(self.steps.into(), self.record_every.into());
        self.verify_events(usize::try_from(rows).unwrap_or(usize::MAX))?;
        self.verify_power_pairs(cells.power)
    }

    /// The sketch named `name` (as in [`Cells::sketches`]).
    fn sketch(&self, name: &str) -> &Sketches {
        match name {
            "alignment" => &self.alignment,
            "cohesion" => &self.cohesion,
            "credibility" => &self.credibility,
            "spending" => &self.spending,
            "coercion" => &self.coercion,
            _ => &self.similarity,
        }
    }

    /// The shards are real and distinct, and `runs` is the number of runs they hold.
    fn verify_runs(&self) -> Result<(), EnsembleError> {
        if self.planned_runs > u64::from(u32::MAX) {
            return Err(corrupt(
                "planned_runs",
                format!(
                    "{} is more than the {} runs one summary counts",
                    self.planned_runs,
                    u32::MAX
                ),
            ));
        }
        if self.shard_count == 0 {
            return Err(corrupt(
                "shard_count",
                "0: an ensemble has at least one shard",
            ));
        }
        if self.shards.is_empty() {
            return Err(corrupt(
                "shards",
                "empty: a summary holds at least one shard",
            ));
        }
        let mut held = 0u64;
        for (k, &index) in self.shards.iter().enumerate() {
            if index >= self.shard_count {
                return Err(corrupt(
                    format!("shards[{k}]"),
                    format!("shard {index} of {} does not exist", self.shard_count),
                ));
            }
            if k > 0 && self.shards[k - 1] >= index {
                return Err(corrupt(
                    format!("shards[{k}]"),
                    format!(
                        "{index} after {}: shards are listed once each, ascending",
                        self.shards[k - 1]
                    ),
                ));
            }
            let r = Shard {
                index,
                count: self.shard_count,
            }
            .runs(self.planned_runs);
            // At most `planned_runs` in all: the slices are disjoint.
            held += r.end - r.start;
        }
        if self.runs != held {
            return Err(corrupt(
                "runs",
                format!(
                    "{}, but shards {:?} of {} hold {held} of the {} planned runs",
                    self.runs, self.shards, self.shard_count, self.planned_runs
                ),
            ));
        }
        Ok(())
    }

    /// Every outcome has one count per category, and they add up to `runs`.
    fn verify_outcomes(&self) -> Result<(), EnsembleError> {
        let mut names = std::collections::HashSet::new();
        for (k, o) in self.outcomes.iter().enumerate() {
            if !names.insert(o.name.as_str()) {
                return Err(corrupt(
                    format!("outcomes[{k}].name"),
                    format!("`{}` twice", o.name),
                ));
            }
            if o.categories.is_empty() || o.counts.len() != o.categories.len() {
                return Err(corrupt(
                    format!("outcomes[{k}].counts"),
                    format!(
                        "{} counts for {} categories of `{}`",
                        o.counts.len(),
                        o.categories.len(),
                        o.name
                    ),
                ));
            }
            let total = o.counts.iter().try_fold(0u64, |t, &c| t.checked_add(c));
            if total != Some(self.runs) {
                return Err(corrupt(
                    format!("outcomes[{k}].counts"),
                    format!(
                        "the runs of `{}` add up to {}, not to the {} runs",
                        o.name,
                        total.map_or_else(|| "more than 2⁶⁴".into(), |t| t.to_string()),
                        self.runs
                    ),
                ));
            }
            self.verify_series(k, o)?;
        }
        Ok(())
    }

    /// An outcome's series over time, when it has one: a row of category counts per recorded
    /// step, each row summing to `runs`, and the horizon's row equal to the outcome's counts
    /// (a run judged at the horizon is classified).
    fn verify_series(&self, k: usize, o: &OutcomeCounts) -> Result<(), EnsembleError> {
        if o.over_time.is_empty() {
            return Ok(());
        }
        let field = || format!("outcomes[{k}].over_time");
        let rows =
            super::memory::recorded_count(u64::from(self.steps), u64::from(self.record_every));
        let cats = o.categories.len() as u64;
        if rows.checked_mul(cats) != Some(o.over_time.len() as u64) {
            return Err(corrupt(
                field(),
                format!(
                    "{} counts for {rows} recorded steps × {cats} categories of `{}`",
                    o.over_time.len(),
                    o.name
                ),
            ));
        }
        for (row, counts) in o.over_time.chunks(o.categories.len()).enumerate() {
            let total = counts.iter().try_fold(0u64, |t, &c| t.checked_add(c));
            if total != Some(self.runs) {
                return Err(corrupt(
                    field(),
                    format!(
                        "recorded step {row} of `{}` counts {} runs, not the {} runs",
                        o.name,
                        total.map_or_else(|| "more than 2⁶⁴".into(), |t| t.to_string()),
                        self.runs
                    ),
                ));
            }
        }
        if o.over_time[o.over_time.len() - o.categories.len()..] != o.counts[..] {
            return Err(corrupt(
                field(),
                format!("the horizon's row of `{}` differs from its counts", o.name),
            ));
        }
        Ok(())
    }

    /// One member count per member, each at most `runs`.
    fn verify_members(&self) -> Result<(), EnsembleError> {
        if self.members.len() != self.institutions.len() {
            return Err(corrupt(
                "members",
                format!(
                    "{} lists for {} institutions",
                    self.members.len(),
                    self.institutions.len()
                ),
            ));
        }
        if self.member_counts.len() != self.institutions.len() {
            return Err(corrupt(
                "member_counts",
                format!(
                    "{} lists for {} institutions",
                    self.member_counts.len(),
                    self.institutions.len()
                ),
            ));
        }
        for (i, (names, counts)) in self.members.iter().zip(&self.member_counts).enumerate() {
            if names.len() != counts.len() {
                return Err(corrupt(
                    format!("member_counts[{i}]"),
                    format!("{} counts for {} members", counts.len(), names.len()),
                ));
            }
            for (m, c) in counts.iter().enumerate() {
                for (what, n) in [("suspended", c.suspended), ("exited", c.exited)] {
                    if n > self.runs {
                        return Err(corrupt(
                            format!("member_counts[{i}][{m}].{what}"),
                            format!("{n} runs of {}", self.runs),
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// The sketch `name` has `cells` cells, each consistent with `runs` values filled by
    /// `fill`.
    fn verify_sketch(&self, name: &str, cells: usize, fill: Fill) -> Result<(), EnsembleError> {
        let s = self.sketch(name);
        for (array, len) in [
            ("sum", s.sum.len()),
            ("sum_sq", s.sum_sq.len()),
            ("min", s.min.len()),
            ("max", s.max.len()),
        ] {
            if len != cells {
                return Err(corrupt(
                    format!("{name}.{array}"),
                    format!("{len} entries; the dimensions give {cells}"),
                ));
            }
        }
        let bins = cells.checked_mul(BINS);
        if bins != Some(s.hist.len()) {
            return Err(corrupt(
                format!("{name}.hist"),
                format!(
                    "{} entries; the dimensions give {cells} × {BINS}",
                    s.hist.len()
                ),
            ));
        }
        for (cell, counts) in s.hist.chunks_exact(BINS).enumerate() {
            check_cell(s, cell, counts, self.runs, fill)
                .map_err(|reason| corrupt(self.cell_field(name, cell, reason.0), reason.1))?;
        }
        Ok(())
    }

    /// `name.array[index]` and what the cell is, for an error.
    fn cell_field(&self, name: &str, cell: usize, array: &str) -> String {
        let index = if array == "hist" {
            format!("{}..{}", cell * BINS, (cell + 1) * BINS)
        } else {
            cell.to_string()
        };
        let state = |i: usize| self.states.get(i).map_or("?", String::as_str);
        let what = match name {
            "alignment" => {
                let c = self.powers.len() + 1;
                let per_step = (self.states.len() * c).max(1);
                let component = self
                    .powers
                    .get(cell % c)
                    .map_or(crate::model::AUTONOMY, String::as_str);
                format!(
                    "step {}, state {}, component {component}",
                    cell / per_step,
                    state(cell / c % self.states.len().max(1))
                )
            }
            "spending" | "coercion" => {
                let per = if name == "spending" {
                    crate::sim::powers::ACTIONS
                } else {
                    1
                };
                let pairs = self.power_pairs.len().max(1);
                let pair = self.power_pairs.get(cell / per % pairs);
                let power = pair
                    .and_then(|&[_, p]| self.powers.get(p as usize))
                    .map_or("?", String::as_str);
                format!(
                    "step {}, state {}, power {power}",
                    cell / per / pairs,
                    pair.map_or("?", |&[s, _]| state(s as usize))
                )
            }
            "similarity" => {
                let n = self.states.len().max(1);
                format!("states {} and {}", state(cell / n), state(cell % n))
            }
            _ => {
                let n = self.institutions.len().max(1);
                let inst = self.institutions.get(cell % n).map_or("?", String::as_str);
                format!("step {}, institution {inst}", cell / n)
            }
        };
        format!("{name}.{array}[{index}] ({what})")
    }
}

impl Summary {
    /// The acting pairs name known states and powers, ascending and distinct, and each
    /// punishment count (`power_cells` of them) is at most the runs.
    fn verify_power_pairs(&self, power_cells: usize) -> Result<(), EnsembleError> {
        for (j, &[s, p]) in self.power_pairs.iter().enumerate() {
            if s as usize >= self.states.len() || p as usize >= self.powers.len() {
                return Err(corrupt(
                    format!("power_pairs[{j}]"),
                    format!("state {s} or power {p} is not in the lists of names"),
                ));
            }
            if j > 0 && self.power_pairs[j - 1] >= [s, p] {
                return Err(corrupt(
                    format!("power_pairs[{j}]"),
                    "the pairs must be ascending and distinct",
                ));
            }
        }
        if self.punished.len() != power_cells {
            return Err(corrupt(
                "punished",
                format!(
                    "{} entries; the dimensions give {power_cells}",
                    self.punished.len()
                ),
            ));
        }
        if let Some(i) = self.punished.iter().position(|&n| n > self.runs) {
            return Err(corrupt(
                format!("punished[{i}]"),
                format!("{} runs of {}", self.punished[i], self.runs),
            ));
        }
        Ok(())
    }
}

/// What is wrong with a cell: the array (`hist`, `min`, …) and why.
struct CellError(&'static str, String);

/// Cell `cell` of `s`, with histogram row `counts`, holds what `runs` runs filled by `fill`
/// can give.
fn check_cell(
    s: &Sketches,
    cell: usize,
    counts: &[u32],
    runs: u64,
    fill: Fill,
) -> Result<(), CellError> {
    let n: u64 = counts.iter().map(|&c| u64::from(c)).sum();
    let expected = match fill {
        Fill::EveryRun => n == runs,
        Fill::AtMostEveryRun => n <= runs,
    };
    if !expected {
        let rule = if fill == Fill::EveryRun {
            ""
        } else {
            "at most "
        };
        return Err(CellError(
            "hist",
            format!("its counts sum to {n}; {rule}{runs} runs add a value to it"),
        ));
    }
    let (sum, sum_sq, lo, hi) = (s.sum[cell], s.sum_sq[cell], s.min[cell], s.max[cell]);
    if n == 0 {
        if sum != 0 || sum_sq != 0 {
            return Err(CellError("sum", "an empty cell with a non-zero sum".into()));
        }
        if lo != EMPTY_MIN || hi != EMPTY_MAX {
            return Err(CellError(
                "min",
                format!("an empty cell's min and max are {EMPTY_MIN} and {EMPTY_MAX}, not {lo} and {hi}"),
            ));
        }
        return Ok(());
    }
    // Written this way round so that NaN fails too.
    if !(0.0 <= lo && lo <= hi && hi <= 1.0) {
        return Err(CellError(
            "min",
            format!("min {lo} and max {hi}: expected 0 ≤ min ≤ max ≤ 1"),
        ));
    }
    let first = counts.iter().position(|&c| c > 0).unwrap_or(0);
    let last = counts.iter().rposition(|&c| c > 0).unwrap_or(0);
    if usize::from(bin_of_fixed(fixed(lo))) != first || usize::from(bin_of_fixed(fixed(hi))) != last
    {
        return Err(CellError(
            "min",
            format!("min {lo} and max {hi} do not fall in the first and last bins counted ({first} and {last})"),
        ));
    }
    // Each value's fixed-point form lies between those of the min and the max (fixed and
    // the rounded square are both monotone), and x² ≤ x on [0, 1].
    let n = u128::from(n);
    let within = |total: u128, low: f64, high: f64| {
        n * u128::from(fixed(low)) <= total && total <= n * u128::from(fixed(high))
    };
    if !within(sum, lo, hi) || sum > n * ONE {
        return Err(CellError(
            "sum",
            format!("{sum} is not the sum of {n} values between min and max"),
        ));
    }
    if !within(sum_sq, lo * lo, hi * hi) || sum_sq > sum {
        return Err(CellError(
            "sum_sq",
            format!("{sum_sq} is not the sum of the squares of {n} values between min and max"),
        ));
    }
    Ok(())
}
