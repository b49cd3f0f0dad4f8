//! Monte Carlo ensembles: many runs of one scenario, in parallel, reduced into a streaming
//! [`Summary`] whose memory does not grow with the number of runs.
//!
//! ```
//! use geoalign::analysis::ensemble::{Ensemble, CstoFuture};
//!
//! let future = geoalign::presets::csto_futures()[1].clone();
//! let summary = Ensemble::new(future, 8).threads(2).run().unwrap();
//! let p = summary.future(CstoFuture::SelectiveConsolidation).unwrap();
//! assert!(p.low <= p.estimate && p.estimate <= p.high);
//! // The same number, looked up by the outcome's and the category's names.
//! assert_eq!(summary.probability("csto-futures", "selective consolidation"), Some(p));
//! ```
//!
//! **Outcomes.** A summary counts the categories of every [`Outcome`] its ensemble was given
//! ([`Ensemble::outcome`]); by default the CSTO futures ([`default_outcomes`]).
//!
//! **Determinism.** Run `r` draws only from the streams of `(seed, r)` ([`crate::run_rng`],
//! which seeds [`crate::sim::noise_rng`], and [`crate::event_rng`]), and every
//! accumulator of a summary is an integer or an exact minimum/maximum (see [`sketch`]), so
//! merging is exactly associative and commutative. Runs are handed to worker threads in
//! blocks, in any order the threads take them; the summary is bit-identical for any thread
//! count and for any split into shards merged back with [`Summary::merge`]. An ensemble over
//! a posterior sample ([`Ensemble::posterior`]) draws run `r`'s particle from a third stream
//! of `(seed, r)`, [`crate::sim::posterior_rng`], and keeps these properties.
//!
//! **Sharding.** [`Shard`] `i/n` (0-based) runs the `i`-th of `n` near-equal contiguous slices
//! of the run indices `0..runs`. Each shard's [`Summary`] is a complete, serialisable partial;
//! merging all `n` gives the very summary one machine would produce.

mod events;
pub mod memory;
pub(crate) mod particles;
mod powers;
pub mod sketch;
pub mod verify;
pub(crate) mod workers;

pub use events::{EventCell, EventClass, EventPeriod, EventSeries, Response, MAX_EVENT_CELLS};
pub use powers::action_name;
pub use verify::Dimensions;

pub use crate::analysis::outcome::{
    declared_outcomes, default_outcomes, BlocReading, CstoClassifier, CstoFuture, CstoFutures,
    Outcome, OutcomeCounts, DEFAULT_MARGIN,
};

use crate::analysis::outcome::{check_outcomes, Watch};
use crate::analysis::posterior::{Posterior, PosteriorError, PosteriorRecord};
use crate::analysis::sensitivity::Base;
use crate::model::YearMonth;
use crate::model::{InstitutionId, Participation, PowerId, StateId, World};
use crate::sim::RunState;
use crate::sim::Scenario;
use crate::sim::{Recorder, SimError, Simulation};
use memory::{Bytes, MemoryEstimate, Plan};
use serde::{Deserialize, Serialize};
use sketch::{PendingBins, Sketches};
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

/// Runs handed to a worker at a time. Reason: large enough that taking a block costs nothing
/// beside 64 runs of ~0.2 ms, small enough that two to sixteen threads stay evenly loaded on
/// a few thousand runs.
pub(crate) const BLOCK: u64 = 64;

/// Above this many steps a summary does not record every step: by default it records one
/// step in `⌈steps / AUTO_RECORDED_STEPS⌉`, and always the horizon ([`Ensemble::record_every`]).
/// Reason: 1,200 months is a century, so every horizon the shipped scenarios use (120 steps)
/// is recorded monthly as before; beyond it a chart 760 pixels wide cannot show more points,
/// and the Eurasia world's summary stays near 430 MB a worker (1,201 steps × 434 cells × 848
/// bytes, of which the powers' actions are 336 cells a step) even at the 120,000 steps a
/// scenario may ask for, instead of 44 GB.
pub const AUTO_RECORDED_STEPS: u32 = 1_200;

/// Above this many states the state-pair similarity at the horizon is not computed unless
/// asked for ([`Ensemble::similarity`], `--similarity`). Reason: its table grows with the
/// square of the states, 848 bytes a pair per worker: 200 states make 40,000 pairs (34 MB, as
/// much as the alignment sketches of a 40-state world), 2,000 states 3.4 GB, which is more
/// than the rest of such a summary, and a pairs table of thousands of states is read better
/// on a chosen subset.
pub const AUTO_SIMILARITY_MAX_STATES: usize = 200;

/// Quantile levels reported in tables and files (the issue's 5/25/50/75/95 %).
pub const QUANTILES: [f64; 5] = [0.05, 0.25, 0.5, 0.75, 0.95];

/// z for a two-sided 95 % interval, the 0.975 quantile of the standard normal.
const Z95: f64 = 1.959_963_984_540_054;

/// A failure to run, shard or merge an ensemble.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum EnsembleError {
    /// A run failed.
    #[error(transparent)]
    Run(#[from] SimError),
    /// The shard text is not `i/n` with `0 ≤ i < n`.
    #[error("shard `{0}`: expected i/n with 0 ≤ i < n, e.g. 0/4 for the first of four")]
    BadShard(String),
    /// The requested thread pool could not be built.
    #[error("cannot start {threads} worker threads: {reason}")]
    Threads {
        /// Requested thread count.
        threads: usize,
        /// The pool builder's message.
        reason: String,
    },
    /// More runs than a summary can count.
    #[error("runs: {0} is more than the {max} runs one summary counts", max = u32::MAX)]
    TooManyRuns(u64),
    /// Two partial summaries cannot be merged.
    #[error("cannot merge: {0}")]
    Mismatch(String),
    /// A summary is inconsistent in itself (see [`Summary::verify`]): a hand-edited or
    /// damaged partial.
    #[error("`{field}`: {reason}")]
    Corrupt {
        /// Where, as a JSON path into the summary (`outcomes[0].counts`).
        field: String,
        /// What is inconsistent.
        reason: String,
    },
    /// The job's predicted memory is over its limit ([`Ensemble::max_memory`]); refused
    /// before anything large is allocated.
    #[error("memory: this ensemble needs {breakdown}, but the limit is {}; to fit it, {advice}", Bytes(*.limit))]
    MemoryLimit {
        /// Predicted peak bytes with a single worker thread ([`Ensemble::memory_estimate`]).
        estimate: u64,
        /// The limit in bytes.
        limit: u64,
        /// The estimate's parts, in words.
        breakdown: String,
        /// What to change: record fewer steps, leave the similarity off, or raise the limit.
        advice: String,
    },
    /// The runs fired more classes of event × recorded steps than a summary counts by date
    /// ([`MAX_EVENT_CELLS`]); the same for any thread count or shards.
    #[error("event frequencies: the runs fire events of more classes × recorded steps than the {limit} cells a summary counts by date; record fewer steps (--record-every, `Ensemble::record_every`)")]
    EventCells {
        /// The limit, [`MAX_EVENT_CELLS`].
        limit: usize,
    },
    /// An outcome cannot be counted on the scenario's world (see [`Outcome::check`]).
    #[error("outcome `{name}`: {reason}")]
    Outcome {
        /// The outcome's name.
        name: String,
        /// Why it cannot be counted.
        reason: String,
    },
}

/// One slice of an ensemble's runs: shard `index` of `count` (0-based).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// This shard, `0 ≤ index < count`.
    pub index: u32,
    /// Number of shards.
    pub count: u32,
}

impl Shard {
    /// The whole ensemble as one shard.
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };

    /// The run indices of this shard out of `runs`: the `index`-th of `count` contiguous,
    /// near-equal slices.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::ensemble::Shard;
    /// let s: Shard = "1/3".parse().unwrap();
    /// assert_eq!(s.runs(10), 3..6);
    /// ```
    ///
    /// A shard that does not exist (`index ≥ count`, or `count` 0) has no runs.
    pub fn runs(self, runs: u64) -> std::ops::Range<u64> {
        if self.index >= self.count {
            return runs..runs;
        }
        let at = |i: u32| (u128::from(runs) * u128::from(i) / u128::from(self.count)) as u64;
        at(self.index)..at(self.index + 1)
    }
}

impl FromStr for Shard {
    type Err = EnsembleError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || EnsembleError::BadShard(s.to_string());
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u32 = i.trim().parse().map_err(|_| bad())?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// A proportion with its Wilson score 95 % interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Proportion {
    /// Runs with the outcome.
    pub count: u64,
    /// Runs in all.
    pub runs: u64,
    /// `count / runs` (0 when there are no runs).
    pub estimate: f64,
    /// Lower end of the Wilson 95 % interval.
    pub low: f64,
    /// Upper end of the Wilson 95 % interval.
    pub high: f64,
}

impl Proportion {
    /// `count` of `runs` with the Wilson score interval at 95 % (Wilson 1927), which keeps
    /// within [0, 1] and stays honest at 0 or `runs` successes, unlike the normal
    /// approximation. With no runs the interval is [0, 1].
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::ensemble::Proportion;
    /// let p = Proportion::wilson(0, 10);
    /// assert_eq!(p.low, 0.0);
    /// assert!((p.high - 0.2775).abs() < 1e-4);
    /// // The bounds at none and at all are exact, whatever the number of runs.
    /// assert_eq!(Proportion::wilson(0, 2000).low, 0.0);
    /// assert_eq!(Proportion::wilson(2000, 2000).high, 1.0);
    /// ```
    pub fn wilson(count: u64, runs: u64) -> Proportion {
        if runs == 0 {
            return Proportion {
                count,
                runs,
                estimate: 0.0,
                low: 0.0,
                high: 1.0,
            };
        }
        let n = runs as f64;
        let p = count.min(runs) as f64 / n;
        let z2 = Z95 * Z95;
        let denom = 1.0 + z2 / n;
        let centre = (p + z2 / (2.0 * n)) / denom;
        let half = Z95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
        // At 0 or `runs` successes the bound is exactly 0 or 1 (`centre` and `half` are then
        // equal); rounding would otherwise print 2⁻⁶³ or 1 − 2⁻⁵³ for it.
        let k = count.min(runs);
        Proportion {
            count,
            runs,
            estimate: p,
            low: if k == 0 {
                0.0
            } else {
                (centre - half).max(0.0)
            },
            high: if k == runs {
                1.0
            } else {
                (centre + half).min(1.0)
            },
        }
    }
}

/// Per member of an institution: runs in which it was ever suspended / ever exited, from the
/// start to the horizon (a member suspended at the start counts as suspended).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberCounts {
    /// Runs in which the member was suspended at some step.
    pub suspended: u64,
    /// Runs in which the member had exited at some step.
    pub exited: u64,
}

/// The streaming summary of an ensemble (or of one shard of it): per step × state ×
/// component (each power, then autonomy) and per step × institution (cohesion and
/// credibility), the mean, standard deviation and quantiles of [`sketch`]; the runs counted
/// in each category of each [`Outcome`]; and per institution member the suspension and exit
/// counts. Its size depends on the world, the horizon and the outcomes, never on the number
/// of runs.
///
/// Accessors take typed ids, found by name with [`Summary::state`], [`Summary::power`] and
/// [`Summary::institution`]; outcomes are looked up by name ([`Summary::outcome`],
/// [`Summary::probability`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// The crate version that produced it; shards of different versions are not merged.
    pub version: String,
    /// Scenario name.
    pub scenario: String,
    /// A hash of the whole scenario (world, drivers, horizon, seed): shards of different
    /// scenarios are not merged.
    pub fingerprint: u64,
    /// Scenario seed.
    pub seed: u64,
    /// Date of step 0.
    pub start: YearMonth,
    /// Number of steps (the horizon).
    pub steps: u32,
    /// The sketches hold every `record_every`-th step (0, N, 2N, …) and always the horizon
    /// ([`Summary::recorded_steps`]); outcomes and membership counts see every step whatever
    /// it is. Summaries of different cadences are not merged.
    pub record_every: u32,
    /// Whether the state-pair similarity at the horizon was computed ([`Ensemble::similarity`]);
    /// when not, [`Summary::similarity`] is `None` for every pair.
    pub similarity_computed: bool,
    /// Power names, in id order.
    pub powers: Vec<String>,
    /// State names, in id order.
    pub states: Vec<String>,
    /// Institution names, in id order.
    pub institutions: Vec<String>,
    /// Member names per institution.
    pub members: Vec<Vec<String>>,
    /// Runs planned for the whole ensemble.
    pub planned_runs: u64,
    /// Number of shards the ensemble is split into (1 once all are merged).
    pub shard_count: u32,
    /// Shards this summary holds, ascending (`[0]` for a whole ensemble).
    pub shards: Vec<u32>,
    /// Runs folded into this summary.
    pub runs: u64,
    /// Runs counted per category of each outcome, in the order the ensemble was given them.
    pub outcomes: Vec<OutcomeCounts>,
    /// Per institution, per member.
    pub member_counts: Vec<Vec<MemberCounts>>,
    alignment: Sketches,
    cohesion: Sketches,
    credibility: Sketches,
    /// Per pair of states, Signorino–Ritter S of their alignments at the horizon, stored as
    /// `(S + 1) / 2` so that it fits the sketches' [0, 1]; no cells when not computed.
    similarity: Sketches,
    /// The `[state, power]` pairs where a power can act, ascending (`powers::acting_pairs`);
    /// empty, and left out of the JSON, when no power acts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    power_pairs: Vec<[u32; 2]>,
    /// Per recorded step × pair × action, the share of the power's month budget spent
    /// (docs/model.md §9.8); no cells when no power acts.
    #[serde(default, skip_serializing_if = "Sketches::is_empty")]
    spending: Sketches,
    /// Per recorded step × pair, the share `1 − e^{−c}` of the ties the coercion stock cuts.
    #[serde(default, skip_serializing_if = "Sketches::is_empty")]
    coercion: Sketches,
    /// Per recorded step × pair, the runs in which the power punished the state that month.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    punished: Vec<u64>,
    /// Event frequencies by date ([`events`]): per class of event fired and recorded row,
    /// ascending; none when no event fired.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    events: Vec<EventCell>,
    /// Set when a run needed more event cells than [`MAX_EVENT_CELLS`]: the event counts are
    /// incomplete and the ensemble fails ([`EnsembleError::EventCells`]).
    #[serde(skip)]
    events_full: bool,
    /// The posterior sample the runs drew their parameters from ([`Ensemble::posterior`]);
    /// `None`, and left out of the JSON, when every run used the scenario as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub posterior: Option<PosteriorRecord>,
}

/// The similarity measure of [`Summary::similarity`]: Signorino and Ritter's S on the
/// alignment shares with absolute distance, unweighted (`Measure::SIGNORINO_RITTER_ON_SHARES`),
/// the standard measure of foreign-policy similarity (docs/model.md §5).
pub const SIMILARITY: crate::analysis::similarity::Measure =
    crate::analysis::similarity::Measure::SIGNORINO_RITTER_ON_SHARES;

/// The union of two ascending lists of distinct shards, ascending; `Err` with a shard that is
/// in both. Linear: a partial may claim many shards.
fn union_of_disjoint(a: &[u32], b: &[u32]) -> Result<Vec<u32>, u32> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => {
                out.push(a[i]);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                out.push(b[j]);
                j += 1;
            }
            std::cmp::Ordering::Equal => return Err(a[i]),
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    Ok(out)
}

/// 64-bit FNV-1a: a small, stable hash for the scenario fingerprint.
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The fingerprint of `scenario`: a hash of its JSON form.
pub(crate) fn fingerprint(scenario: &Scenario) -> u64 {
    serde_json::to_vec(scenario)
        .map(|b| fnv1a(&b))
        .unwrap_or_default()
}

/// The row of the sketches that holds model step `step` of a horizon of `steps` recorded every
/// `every` steps: `step / every` for a multiple of `every`, the last row for the horizon, and
/// `None` for any other step.
pub(crate) fn recorded_row(step: u32, steps: u32, every: u32) -> Option<usize> {
    let every = every.max(1);
    if step > steps {
        None
    } else if step % every == 0 {
        Some((step / every) as usize)
    } else if step == steps {
        Some((steps / every) as usize + 1)
    } else {
        None
    }
}

/// What a summary records: its cadence and whether it computes the state-pair similarity,
/// each with whether it was chosen automatically ([`Ensemble::recording`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Recording {
    /// One step in `record_every` is recorded, and the horizon.
    pub record_every: u32,
    /// Whether the cadence is the automatic one ([`AUTO_RECORDED_STEPS`]).
    pub record_every_automatic: bool,
    /// Whether the state-pair similarity is computed.
    pub similarity: bool,
    /// Whether that is the automatic choice ([`AUTO_SIMILARITY_MAX_STATES`]).
    pub similarity_automatic: bool,
}

impl Summary {
    /// An empty summary of `scenario` for `planned_runs` runs, holding `shard`, counting
    /// `outcomes`.
    fn empty(
        scenario: &Scenario,
        planned_runs: u64,
        shard: Shard,
        outcomes: &[Arc<dyn Outcome>],
        fingerprint: u64,
        recording: Recording,
    ) -> Summary {
        let world = &scenario.world();
        let steps =
            memory::recorded_count(scenario.steps().into(), recording.record_every.into()) as usize;
        let pairs = if recording.similarity {
            world.states().len() * world.states().len()
        } else {
            0
        };
        let power_pairs = powers::acting_pairs(world);
        Summary {
            version: env!("CARGO_PKG_VERSION").to_string(),
            scenario: scenario.name().to_string(),
            fingerprint,
            seed: scenario.seed(),
            start: scenario.start(),
            steps: scenario.steps(),
            record_every: recording.record_every,
            similarity_computed: recording.similarity,
            powers: world.powers().iter().map(|p| p.name.clone()).collect(),
            states: world.states().iter().map(|s| s.name.clone()).collect(),
            institutions: world
                .institutions()
                .iter()
                .map(|i| i.name.clone())
                .collect(),
            members: world
                .institutions()
                .iter()
                .map(|i| {
                    i.members
                        .iter()
                        .map(|(s, _)| world.states()[s.index()].name.clone())
                        .collect()
                })
                .collect(),
            planned_runs,
            shard_count: shard.count,
            shards: vec![shard.index],
            runs: 0,
            outcomes: outcomes
                .iter()
                .map(|o| OutcomeCounts::with_series(o.as_ref(), steps))
                .collect(),
            member_counts: world
                .institutions()
                .iter()
                .map(|i| vec![MemberCounts::default(); i.members.len()])
                .collect(),
            alignment: Sketches::new(steps * world.states().len() * world.components()),
            cohesion: Sketches::new(steps * world.institutions().len()),
            credibility: Sketches::new(steps * world.institutions().len()),
            similarity: Sketches::new(pairs),
            spending: Sketches::new(steps * power_pairs.len() * crate::sim::powers::ACTIONS),
            coercion: Sketches::new(steps * power_pairs.len()),
            punished: vec![0; steps * power_pairs.len()],
            power_pairs,
            events: Vec::new(),
            events_full: false,
            posterior: None,
        }
    }

    /// Add another partial of the same ensemble (same version, scenario, run count and
    /// shard count, disjoint shards). Once every shard is in, the result is exactly — bit
    /// for bit — the summary of the whole ensemble run on one machine.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::ensemble::{Ensemble, Shard};
    /// let s = geoalign::presets::eurasia_2025();
    /// let whole = Ensemble::new(s.clone(), 6).run().unwrap();
    /// let mut a = Ensemble::new(s.clone(), 6).shard("0/2".parse().unwrap()).run().unwrap();
    /// let b = Ensemble::new(s, 6).shard(Shard { index: 1, count: 2 }).run().unwrap();
    /// a.merge(&b).unwrap();
    /// assert_eq!(a, whole);
    /// ```
    ///
    /// # Errors
    ///
    /// [`EnsembleError::Corrupt`] when either summary fails [`Summary::verify`];
    /// [`EnsembleError::Mismatch`] when they come from different ensembles or hold a shard in
    /// common. On an error `self` is unchanged.
    pub fn merge(&mut self, other: &Summary) -> Result<(), EnsembleError> {
        self.verify()?;
        other.verify()?;
        self.check_same_ensemble(other)?;
        let shards = union_of_disjoint(&self.shards, &other.shards).map_err(|s| {
            EnsembleError::Mismatch(format!(
                "shard {s}/{} is in both partials; each shard may be merged once",
                self.shard_count
            ))
        })?;
        // Both sides are verified, so every count is at most its side's runs: once the run
        // total fits the sketches' u32 counters, no addition below can overflow, and the
        // counts are added in place — a copy of `self` would double the memory of a merge
        // (gigabytes for a large world). The additions are checked all the same; every
        // refusal comes before the first of them, so an error leaves `self` as it was.
        if self
            .runs
            .checked_add(other.runs)
            .is_none_or(|total| total > u64::from(u32::MAX))
        {
            return Err(EnsembleError::Corrupt {
                field: "runs".into(),
                reason: format!(
                    "{} + {} runs are more than a summary counts ({})",
                    self.runs,
                    other.runs,
                    u32::MAX
                ),
            });
        }
        self.add_counts(other)?;
        self.shards = shards;
        if self.shards.len() == self.shard_count as usize {
            // Complete: it is now the summary of the whole ensemble.
            self.shard_count = 1;
            self.shards = vec![0];
        }
        Ok(())
    }

    /// `other` is a partial of the same ensemble: same version, scenario, seed, runs, shard
    /// count, dimensions, names and outcomes.
    fn check_same_ensemble(&self, other: &Summary) -> Result<(), EnsembleError> {
        let mismatch = |what: &str, a: &dyn fmt::Display, b: &dyn fmt::Display| {
            Err(EnsembleError::Mismatch(format!(
                "{what} differs ({a} vs {b}): the partials come from different ensembles"
            )))
        };
        if self.version != other.version {
            return mismatch("geoalign version", &self.version, &other.version);
        }
        if self.fingerprint != other.fingerprint || self.scenario != other.scenario {
            return mismatch("scenario", &self.scenario, &other.scenario);
        }
        if self.seed != other.seed {
            return mismatch("seed", &self.seed, &other.seed);
        }
        let digest = |s: &Summary| match &s.posterior {
            Some(p) => format!("the posterior sample {:016x}", p.digest),
            None => "no posterior sample".into(),
        };
        if digest(self) != digest(other) {
            return mismatch("posterior", &digest(self), &digest(other));
        }
        if self.planned_runs != other.planned_runs {
            return mismatch("run count", &self.planned_runs, &other.planned_runs);
        }
        if self.shard_count != other.shard_count {
            return mismatch("shard count", &self.shard_count, &other.shard_count);
        }
        if self.record_every != other.record_every {
            return mismatch("recording cadence", &self.record_every, &other.record_every);
        }
        if self.outcomes.len() != other.outcomes.len()
            || !self
                .outcomes
                .iter()
                .zip(&other.outcomes)
                .all(|(a, b)| a.same_outcome(b))
        {
            return Err(EnsembleError::Mismatch(
                "the partials count different outcomes".into(),
            ));
        }
        if !self.dimensions().same_shape(&other.dimensions())
            || self.start != other.start
            || self.powers != other.powers
            || self.states != other.states
            || self.institutions != other.institutions
            || self.members != other.members
            || self.power_pairs != other.power_pairs
        {
            return Err(EnsembleError::Mismatch(
                "the partials have different shapes or names (a corrupted file?)".into(),
            ));
        }
        Ok(())
    }

    /// Room for the histogram bins of `runs` runs of this summary's shape.
    fn pending(&self, runs: usize) -> PendingSummary {
        PendingSummary {
            runs: 0,
            alignment: PendingBins::new(self.alignment.cells(), runs),
            cohesion: PendingBins::new(self.cohesion.cells(), runs),
            credibility: PendingBins::new(self.credibility.cells(), runs),
            similarity: PendingBins::new(self.similarity.cells(), runs),
            powers: self.pending_powers(runs),
        }
    }

    /// Count the histogram bins held in `pending`.
    fn flush(&mut self, pending: &mut PendingSummary) {
        let runs = pending.runs;
        self.alignment.flush(&pending.alignment, runs);
        self.cohesion.flush(&pending.cohesion, runs);
        self.credibility.flush(&pending.credibility, runs);
        self.similarity.flush(&pending.similarity, runs);
        self.flush_powers(&mut pending.powers, runs);
        pending.runs = 0;
    }

    /// Add the run count, outcome counts and sketches of `other` (same shape) into `self`:
    /// integer additions, so the order of the partials never changes the result; checked,
    /// so that an overflow is an error naming the field (and `self` must then be discarded).
    fn add_counts(&mut self, other: &Summary) -> Result<(), EnsembleError> {
        let overflow = |field: String| EnsembleError::Corrupt {
            field,
            reason: "overflows when the partials are added".into(),
        };
        self.runs = self
            .runs
            .checked_add(other.runs)
            .ok_or_else(|| overflow("runs".into()))?;
        for (k, (a, b)) in self.outcomes.iter_mut().zip(&other.outcomes).enumerate() {
            for (x, y) in a.counts.iter_mut().zip(&b.counts) {
                *x = x
                    .checked_add(*y)
                    .ok_or_else(|| overflow(format!("outcomes[{k}].counts")))?;
            }
            for (x, y) in a.over_time.iter_mut().zip(&b.over_time) {
                *x = x
                    .checked_add(*y)
                    .ok_or_else(|| overflow(format!("outcomes[{k}].over_time")))?;
            }
        }
        for (i, (ai, bi)) in self
            .member_counts
            .iter_mut()
            .zip(&other.member_counts)
            .enumerate()
        {
            for (m, (a, b)) in ai.iter_mut().zip(bi).enumerate() {
                let field = || overflow(format!("member_counts[{i}][{m}]"));
                a.suspended = a.suspended.checked_add(b.suspended).ok_or_else(field)?;
                a.exited = a.exited.checked_add(b.exited).ok_or_else(field)?;
            }
        }
        for (name, a, b) in [
            ("alignment", &mut self.alignment, &other.alignment),
            ("cohesion", &mut self.cohesion, &other.cohesion),
            ("credibility", &mut self.credibility, &other.credibility),
            ("similarity", &mut self.similarity, &other.similarity),
            ("spending", &mut self.spending, &other.spending),
            ("coercion", &mut self.coercion, &other.coercion),
        ] {
            a.merge(b).map_err(|at| overflow(format!("{name}.{at}")))?;
        }
        for (i, (a, b)) in self.punished.iter_mut().zip(&other.punished).enumerate() {
            *a = a
                .checked_add(*b)
                .ok_or_else(|| overflow(format!("punished[{i}]")))?;
        }
        self.add_events(other)
    }

    /// Whether every shard of the ensemble is in.
    pub fn is_complete(&self) -> bool {
        self.shards.len() == self.shard_count as usize
    }

    fn component_count(&self) -> usize {
        self.powers.len() + 1
    }

    /// The alignment cell of `(row, state, component)`; checked, as a summary read from a
    /// file may claim any dimensions (an index past the end reads as an empty cell).
    fn align_cell(&self, row: usize, state: usize, component: usize) -> usize {
        row.checked_mul(self.states.len())
            .and_then(|c| c.checked_add(state)?.checked_mul(self.component_count()))
            .and_then(|c| c.checked_add(component))
            .unwrap_or(usize::MAX)
    }

    /// The cohesion and credibility cell of `(row, institution)`, checked as
    /// [`Summary::align_cell`].
    fn inst_cell(&self, row: usize, institution: usize) -> usize {
        row.checked_mul(self.institutions.len())
            .and_then(|c| c.checked_add(institution))
            .unwrap_or(usize::MAX)
    }

    /// The sketches' row of model step `step`, `None` when it was not recorded.
    fn row(&self, step: usize) -> Option<usize> {
        recorded_row(u32::try_from(step).ok()?, self.steps, self.record_every)
    }

    /// The model steps the sketches hold, ascending: 0, `record_every`, 2 × `record_every`,
    /// …, and the horizon [`Summary::steps`] (once, also when it is not a multiple).
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::ensemble::Ensemble;
    /// let mut scenario = geoalign::presets::eurasia_2025();
    /// scenario.set_steps(25).unwrap();
    /// let summary = Ensemble::new(scenario, 2).record_every(10).run().unwrap();
    /// let steps: Vec<u32> = summary.recorded_steps().collect();
    /// assert_eq!(steps, [0, 10, 20, 25]);
    /// assert!(summary.is_recorded(20) && !summary.is_recorded(21));
    /// ```
    pub fn recorded_steps(&self) -> impl Iterator<Item = u32> + '_ {
        let every = self.record_every.max(1);
        (0..=self.steps)
            .step_by(every as usize)
            .chain((self.steps % every != 0).then_some(self.steps))
    }

    /// Whether model step `step` is one of [`Summary::recorded_steps`].
    pub fn is_recorded(&self, step: u32) -> bool {
        recorded_row(step, self.steps, self.record_every).is_some()
    }

    /// The date of model step `step` (step 0 is [`Summary::start`]).
    pub fn date_of(&self, step: u32) -> YearMonth {
        self.start.add_months(step)
    }

    /// The id of the state named `name`.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::ensemble::Ensemble;
    /// let summary = Ensemble::new(geoalign::presets::eurasia_2025(), 2).run().unwrap();
    /// let kz = summary.state("Kazakhstan").unwrap();
    /// assert_eq!(summary.states[kz.index()], "Kazakhstan");
    /// assert!(summary.state("Atlantis").is_none());
    /// ```
    pub fn state(&self, name: &str) -> Option<StateId> {
        id_of(&self.states, name).map(StateId)
    }

    /// The id of the power named `name`.
    pub fn power(&self, name: &str) -> Option<PowerId> {
        id_of(&self.powers, name).map(PowerId)
    }

    /// The id of the institution named `name`.
    pub fn institution(&self, name: &str) -> Option<InstitutionId> {
        id_of(&self.institutions, name).map(InstitutionId)
    }

    /// Every state with its name, in id order.
    pub fn named_states(&self) -> impl Iterator<Item = (StateId, &str)> + '_ {
        named(&self.states).map(|(i, n)| (StateId(i), n))
    }

    /// Every institution with its name, in id order.
    pub fn named_institutions(&self) -> impl Iterator<Item = (InstitutionId, &str)> + '_ {
        named(&self.institutions).map(|(i, n)| (InstitutionId(i), n))
    }

    /// The members of `institution` with their names, in the institution's member order
    /// (none for an unknown id).
    pub fn named_members(
        &self,
        institution: InstitutionId,
    ) -> impl Iterator<Item = (StateId, &str)> + '_ {
        self.members
            .get(institution.index())
            .into_iter()
            .flatten()
            .filter_map(|m| Some((self.state(m)?, m.as_str())))
    }

    /// Every component of an alignment with its name: each power in id order, then
    /// `autonomy`.
    pub fn named_components(&self) -> impl Iterator<Item = (Component, &str)> + '_ {
        named(&self.powers)
            .map(|(i, n)| (Component::Power(PowerId(i)), n))
            .chain(std::iter::once((
                Component::Autonomy,
                crate::model::AUTONOMY,
            )))
    }

    /// Statistics of the alignment share of `state` with `component` at model step `step`
    /// (0 is the start, [`Summary::steps`] the horizon; not an index into the recorded
    /// steps). Unknown ids, a step beyond the horizon, or a step the summary did not record
    /// ([`Summary::recorded_steps`]) give `None`.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::ensemble::{Component, Ensemble};
    /// let summary = Ensemble::new(geoalign::presets::eurasia_2025(), 4).run().unwrap();
    /// let by = summary.state("Belarus").unwrap();
    /// let russia = Component::Power(summary.power("Russia").unwrap());
    /// let stats = summary.alignment(summary.steps as usize, by, russia).unwrap();
    /// assert!(stats.quantiles.q05 <= stats.quantiles.q95);
    /// ```
    pub fn alignment(&self, step: usize, state: StateId, component: Component) -> Option<Stats> {
        let c = match component {
            Component::Power(p) => p.index(),
            Component::Autonomy => self.powers.len(),
        };
        let row = self.row(step)?;
        if state.index() >= self.states.len() || c > self.powers.len() {
            return None;
        }
        Some(Stats::of(
            &self.alignment,
            self.align_cell(row, state.index(), c),
            self.runs,
        ))
    }

    /// Statistics of the cohesion of `institution` at model step `step`; `None` as for
    /// [`Summary::alignment`].
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::ensemble::Ensemble;
    /// let summary = Ensemble::new(geoalign::presets::eurasia_2025(), 4).run().unwrap();
    /// let csto = summary.institution("CSTO").unwrap();
    /// assert!(summary.cohesion(0, csto).unwrap().mean > 0.0);
    /// ```
    pub fn cohesion(&self, step: usize, institution: InstitutionId) -> Option<Stats> {
        let i = institution.index();
        let row = self.row(step)?;
        (i < self.institutions.len())
            .then(|| Stats::of(&self.cohesion, self.inst_cell(row, i), self.runs))
    }

    /// Statistics of the credibility of `institution` at model step `step`; `None` as for
    /// [`Summary::alignment`].
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::ensemble::Ensemble;
    /// let summary = Ensemble::new(geoalign::presets::eurasia_2025(), 4).run().unwrap();
    /// let csto = summary.institution("CSTO").unwrap();
    /// assert!(summary.credibility(0, csto).unwrap().sd == 0.0);
    /// ```
    pub fn credibility(&self, step: usize, institution: InstitutionId) -> Option<Stats> {
        let i = institution.index();
        let row = self.row(step)?;
        (i < self.institutions.len())
            .then(|| Stats::of(&self.credibility, self.inst_cell(row, i), self.runs))
    }

    /// Statistics over runs of the [`SIMILARITY`] (Signorino–Ritter S, in [−1, 1]) of the
    /// alignments of states `a` and `b` at the horizon; quantiles within 2/[`sketch::BINS`].
    /// `None` for unknown ids, and for every pair when the similarity was not computed
    /// ([`Summary::similarity_computed`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::ensemble::Ensemble;
    /// let summary = Ensemble::new(geoalign::presets::eurasia_2025(), 4).run().unwrap();
    /// let ee = summary.state("Estonia").unwrap();
    /// let lv = summary.state("Latvia").unwrap();
    /// let by = summary.state("Belarus").unwrap();
    /// // Two Baltic states are more alike than Estonia and Belarus.
    /// assert!(summary.similarity(ee, lv).unwrap().mean > summary.similarity(ee, by).unwrap().mean);
    /// assert!((summary.similarity(ee, ee).unwrap().mean - 1.0).abs() < 1e-12);
    /// ```
    pub fn similarity(&self, a: StateId, b: StateId) -> Option<Stats> {
        let n = self.states.len();
        let (a, b) = (a.index(), b.index());
        (self.similarity_computed && a < n && b < n).then(|| {
            let st = Stats::of(
                &self.similarity,
                a.saturating_mul(n).saturating_add(b),
                self.runs,
            );
            Stats {
                mean: 2.0 * st.mean - 1.0,
                sd: 2.0 * st.sd,
                quantiles: st.quantiles.map(|q| 2.0 * q - 1.0),
            }
        })
    }

    /// The counts of the outcome named `name`.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::ensemble::Ensemble;
    /// let summary = Ensemble::new(geoalign::presets::eurasia_2025(), 4).run().unwrap();
    /// let futures = summary.outcome("csto-futures").unwrap();
    /// assert_eq!(futures.counts.iter().sum::<u64>(), 4);
    /// ```
    pub fn outcome(&self, name: &str) -> Option<&OutcomeCounts> {
        self.outcomes.iter().find(|o| o.name == name)
    }

    /// The probability that a run ends in `category` of the outcome named `outcome`, with
    /// its Wilson interval; `None` when the summary has no such outcome or category.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::ensemble::Ensemble;
    /// let summary = Ensemble::new(geoalign::presets::eurasia_2025(), 4).run().unwrap();
    /// let p = summary.probability("csto-futures", "slow decline").unwrap();
    /// assert_eq!(p.runs, 4);
    /// assert!(summary.probability("csto-futures", "collapse").is_none());
    /// ```
    pub fn probability(&self, outcome: &str, category: &str) -> Option<Proportion> {
        let counts = self.outcome(outcome)?;
        let c = counts.category(category)?;
        // `get`: a partial read from a file may hold fewer counts than categories.
        Some(Proportion::wilson(*counts.counts.get(c)?, self.runs))
    }

    /// P(outcome by date): for the outcome named `outcome`, at each recorded step
    /// ([`Summary::recorded_steps`]), the share of runs judged in `category` by that step
    /// ([`Outcome::judged`]; for a declared outcome, module docs of
    /// [`crate::analysis::outcome::Declared`] say what "by" means per kind), with its Wilson
    /// interval. `None` when the summary has no such outcome or category, or the outcome
    /// keeps no series.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::ensemble::Ensemble;
    /// let future = geoalign::presets::csto_futures()[1].clone();
    /// let summary = Ensemble::new(future, 8).run().unwrap();
    /// let series = summary.probability_by_date("csto-selective-consolidation", "yes").unwrap();
    /// assert_eq!(series.len(), summary.recorded_steps().count());
    /// // A persistence is cumulative: never less likely later.
    /// assert!(series.windows(2).all(|w| w[0].1.count <= w[1].1.count));
    /// ```
    pub fn probability_by_date(
        &self,
        outcome: &str,
        category: &str,
    ) -> Option<Vec<(u32, Proportion)>> {
        let counts = self.outcome(outcome)?;
        let c = counts.category(category)?;
        if counts.over_time.is_empty() {
            return None;
        }
        self.recorded_steps()
            .enumerate()
            .map(|(row, step)| {
                Some((
                    step,
                    Proportion::wilson(counts.judged_by(row, c)?, self.runs),
                ))
            })
            .collect()
    }

    /// The probability of `future` at the horizon with its Wilson interval: the category of
    /// the [`CstoFutures`] outcome; `None` when the summary does not count it (the world has
    /// no CSTO to classify).
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::ensemble::{CstoFuture, Ensemble};
    /// let summary = Ensemble::new(geoalign::presets::eurasia_2025(), 4).run().unwrap();
    /// let total: u64 = CstoFuture::ALL.iter().map(|&f| summary.future(f).unwrap().count).sum();
    /// assert_eq!(total, 4);
    /// ```
    pub fn future(&self, future: CstoFuture) -> Option<Proportion> {
        self.probability(CstoFutures::NAME, future.name())
    }

    /// Probability that member `state` of `institution` is suspended, and that it exits, at
    /// some step up to the horizon, each with its Wilson interval; `None` when the state is
    /// not a member.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::ensemble::Ensemble;
    /// let summary = Ensemble::new(geoalign::presets::eurasia_2025(), 4).run().unwrap();
    /// let csto = summary.institution("CSTO").unwrap();
    /// let armenia = summary.state("Armenia").unwrap();
    /// let (suspended, _exited) = summary.membership(csto, armenia).unwrap();
    /// assert_eq!(suspended.estimate, 1.0); // Armenia is suspended from the start
    /// ```
    pub fn membership(
        &self,
        institution: InstitutionId,
        state: StateId,
    ) -> Option<(Proportion, Proportion)> {
        let name = self.states.get(state.index())?;
        let members = self.members.get(institution.index())?;
        let member = members.iter().position(|m| m == name)?;
        let c = self.member_counts.get(institution.index())?.get(member)?;
        Some((
            Proportion::wilson(c.suspended, self.runs),
            Proportion::wilson(c.exited, self.runs),
        ))
    }
}

/// Position of `name` in `names`, as an id's number.
fn id_of(names: &[String], name: &str) -> Option<u32> {
    names.iter().position(|n| n == name).map(|i| i as u32)
}

/// `names` with their positions as ids' numbers.
fn named(names: &[String]) -> impl Iterator<Item = (u32, &str)> {
    names
        .iter()
        .enumerate()
        .map(|(i, n)| (i as u32, n.as_str()))
}

/// One component of an alignment: a power's share, or autonomy's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Component {
    /// The share aligned with a power.
    Power(PowerId),
    /// The share kept as autonomy.
    Autonomy,
}

/// Mean, standard deviation and the [`QUANTILES`] of one cell of a [`Summary`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    /// Mean over runs.
    pub mean: f64,
    /// Sample standard deviation over runs.
    pub sd: f64,
    /// The 5, 25, 50, 75 and 95 % quantiles, each within 1/[`sketch::BINS`] of the exact
    /// empirical quantile.
    pub quantiles: Quantiles,
}

/// The 5, 25, 50, 75 and 95 % quantiles ([`QUANTILES`]) of a cell over runs. Serialised as
/// the array `[q05, q25, q50, q75, q95]`, as files have always held them.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(from = "[f64; 5]", into = "[f64; 5]")]
pub struct Quantiles {
    /// 5 % quantile.
    pub q05: f64,
    /// 25 % quantile (lower quartile).
    pub q25: f64,
    /// Median.
    pub q50: f64,
    /// 75 % quantile (upper quartile).
    pub q75: f64,
    /// 95 % quantile.
    pub q95: f64,
}

impl Quantiles {
    /// The five values in level order.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::ensemble::Quantiles;
    /// let q = Quantiles::from([0.1, 0.2, 0.3, 0.4, 0.5]);
    /// assert_eq!((q.q50, q.to_array()[4]), (0.3, 0.5));
    /// ```
    pub fn to_array(self) -> [f64; 5] {
        [self.q05, self.q25, self.q50, self.q75, self.q95]
    }

    /// Each quantile through `f` (an increasing `f` keeps them quantiles).
    pub fn map(self, f: impl FnMut(f64) -> f64) -> Quantiles {
        Quantiles::from(self.to_array().map(f))
    }
}

impl From<[f64; 5]> for Quantiles {
    fn from([q05, q25, q50, q75, q95]: [f64; 5]) -> Quantiles {
        Quantiles {
            q05,
            q25,
            q50,
            q75,
            q95,
        }
    }
}

impl From<Quantiles> for [f64; 5] {
    fn from(q: Quantiles) -> [f64; 5] {
        q.to_array()
    }
}

impl Stats {
    fn of(s: &Sketches, cell: usize, runs: u64) -> Stats {
        Stats {
            mean: s.mean(cell, runs),
            sd: s.sd(cell, runs),
            quantiles: Quantiles::from(QUANTILES.map(|q| s.quantile(cell, q))),
        }
    }
}

/// The histogram bins of a block of runs, per sketch of a [`Summary`] (see
/// [`sketch::PendingBins`]).
struct PendingSummary {
    /// Runs held so far; the next run writes slot `runs`.
    runs: usize,
    alignment: PendingBins,
    cohesion: PendingBins,
    credibility: PendingBins,
    similarity: PendingBins,
    powers: powers::PendingPowers,
}

impl PendingSummary {
    /// Close the current run; true when the block is full and must be flushed.
    fn end_run(&mut self) -> bool {
        self.runs += 1;
        self.runs == self.alignment.capacity()
    }
}

/// Feeds one run into a summary, and its outcomes' notes into their watcher.
struct RunRecorder<'a> {
    summary: &'a mut Summary,
    pending: &'a mut PendingSummary,
    watch: Watch<'a>,
    suspended: Vec<Vec<bool>>,
    exited: Vec<Vec<bool>>,
    events: events::RunEvents,
}

impl RunRecorder<'_> {
    /// Add the alignments, cohesions and credibilities of `state` to row `row` of the sketches.
    fn sketch(&mut self, row: usize, world: &World, state: &RunState) {
        let s = &mut *self.summary;
        let pending = &mut *self.pending;
        let run = pending.runs;
        let n = state.alignment.len();
        s.alignment
            .span(row * n, n, &mut pending.alignment, run)
            .add_each(state.alignment.iter().copied());
        let n_inst = world.institutions().len();
        s.cohesion
            .span(row * n_inst, n_inst, &mut pending.cohesion, run)
            .add_each(world.institution_ids().map(|id| state.cohesion(world, id)));
        s.credibility
            .span(row * n_inst, n_inst, &mut pending.credibility, run)
            .add_each(state.credibility.iter().copied());
        s.record_powers(row, world, state, &mut pending.powers, run);
    }
}

impl Recorder for RunRecorder<'_> {
    fn event(&mut self, _world: &World, event: &crate::LoggedEvent) {
        // A full summary is reported by the ensemble once the run ends.
        self.summary.count_event(event, &mut self.events);
    }

    fn record(&mut self, step: u32, world: &World, state: &RunState) {
        let (steps, every) = (self.summary.steps, self.summary.record_every);
        let row = recorded_row(step, steps, every);
        if let Some(row) = row {
            self.sketch(row, world, state);
        }
        // Membership and outcomes see every step, recorded or not.
        for (inst, parts) in state.participation.iter().enumerate() {
            for (m, p) in parts.iter().enumerate() {
                match p {
                    Participation::Suspended => self.suspended[inst][m] = true,
                    Participation::Exited => self.exited[inst][m] = true,
                    Participation::Active | Participation::Outside => {}
                }
            }
        }
        self.watch.record(step, world, state);
        if let Some(row) = row {
            self.watch.tally_row(row, &mut self.summary.outcomes);
        }
        let s = &mut *self.summary;
        let pending = &mut *self.pending;
        let run = pending.runs;
        if step == s.steps && s.similarity_computed {
            // Alignments are finite points of the simplex here, so the measure cannot fail;
            // were it to, the pair would simply not be counted for this run.
            let n = s.similarity.cells();
            let mut cells = s.similarity.span(0, n, &mut pending.similarity, run);
            match crate::analysis::similarity::similarity_matrix(
                &state.alignment,
                world.components(),
                SIMILARITY,
                None,
            ) {
                // A cell past the matrix's (there is none) would hold no value.
                Ok(m) => cells.add_some(
                    m.values
                        .iter()
                        .map(|v| v.map(|v| (v + 1.0) / 2.0))
                        .chain(std::iter::repeat(None)),
                ),
                Err(_) => cells.skip(),
            }
        }
    }
}

/// A Monte Carlo ensemble of one scenario: `runs` runs (or one shard of them) on a local
/// thread pool, reduced into a [`Summary`]. See the module docs for determinism.
///
/// # Examples
///
/// ```
/// use geoalign::analysis::ensemble::Ensemble;
/// let one = Ensemble::new(geoalign::presets::eurasia_2025(), 5).threads(1).run().unwrap();
/// let two = Ensemble::new(geoalign::presets::eurasia_2025(), 5).threads(2).run().unwrap();
/// assert_eq!(one, two);
/// ```
#[derive(Clone, Debug)]
pub struct Ensemble {
    sim: Simulation,
    runs: u64,
    threads: usize,
    shard: Shard,
    /// The outcomes counted, names unique.
    outcomes: Vec<Arc<dyn Outcome>>,
    /// Record one step in this many (0: automatic, see [`AUTO_RECORDED_STEPS`]).
    record_every: u32,
    /// Compute the state-pair similarity (`None`: up to [`AUTO_SIMILARITY_MAX_STATES`]).
    similarity: Option<bool>,
    /// The memory limit in bytes (`None`: [`memory::default_limit`]).
    max_memory: Option<u64>,
    /// The posterior sample each run draws its parameters from ([`Ensemble::posterior`]).
    particles: Option<Arc<particles::Particles>>,
}

impl Ensemble {
    /// `runs` runs of `scenario`, on all cores, as one shard, counting the
    /// [`default_outcomes`] of its world (the CSTO futures when it has a CSTO) and then the
    /// scenario's declared outcomes ([`declared_outcomes`]).
    pub fn new(scenario: Scenario, runs: u64) -> Ensemble {
        let mut outcomes = default_outcomes(scenario.world());
        outcomes.extend(declared_outcomes(&scenario));
        Ensemble {
            sim: Simulation::new(scenario),
            runs,
            threads: 0,
            shard: Shard::WHOLE,
            outcomes,
            record_every: 0,
            similarity: None,
            max_memory: None,
            particles: None,
        }
    }

    /// Draw each run's parameters from `posterior`, a sample fitted on `base` (read from
    /// `source`, which the summary records): run `r` draws its particle from
    /// [`crate::sim::posterior_rng`]`(seed, r)` by the sample's weights
    /// ([`Posterior::draw`]) and runs `base` built with that particle's values
    /// ([`Base::with_values`]) under this ensemble's seed. Outcome probabilities then carry
    /// the parameters' uncertainty as well as the runs' noise.
    ///
    /// The draw of run `r` depends on the seed and `r` alone, and moves none of the run's
    /// noise or event draws: run `r` is, bit for bit, run `r` of the scenario built with its
    /// particle's values, for any thread count and shard. Each distinct particle the runs
    /// draw is built once and held while the ensemble lives; the memory estimate counts them
    /// ([`memory::particle_bytes`] each).
    ///
    /// This ensemble's scenario must be `base` (its seed may differ, as `--seed` sets it).
    ///
    /// # Errors
    ///
    /// [`PosteriorError::Mismatch`] when the sample was fitted on a scenario of another
    /// fingerprint than `base`; [`PosteriorError::Key`] when a key cannot be set on it;
    /// [`PosteriorError::Invalid`] when this ensemble's scenario is not `base`.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::{ensemble::Ensemble, posterior::Posterior, sensitivity::Base};
    /// use std::sync::Arc;
    /// let base = Base::builtin("builtin:eurasia-2025").unwrap();
    /// let posterior = Posterior::new(
    ///     base.name().to_string(),
    ///     base.fingerprint(),
    ///     vec!["parameters.noise".into()],
    ///     vec![0.5, 0.5],
    ///     vec![vec![0.01], vec![0.08]],
    /// )
    /// .unwrap();
    /// let ensemble = Ensemble::new(base.scenario().unwrap(), 8)
    ///     .posterior(&base, Arc::new(posterior), "fit.csv".as_ref())
    ///     .unwrap();
    /// let summary = ensemble.threads(2).run().unwrap();
    /// assert_eq!(summary.posterior.as_ref().unwrap().particles, 2);
    /// assert_eq!(summary.runs, 8);
    /// ```
    pub fn posterior(
        mut self,
        base: &Base,
        posterior: Arc<Posterior>,
        source: &std::path::Path,
    ) -> Result<Ensemble, PosteriorError> {
        posterior.check_base(source, base)?;
        let not_base = || {
            PosteriorError::Invalid(format!(
                "the ensemble's scenario is not the base scenario {:?} the posterior is used on",
                base.name()
            ))
        };
        if !particles::is_base(self.sim.scenario(), base) {
            return Err(not_base());
        }
        let record = posterior.record(source);
        self.particles = Some(Arc::new(particles::Particles::new(
            base.clone(),
            posterior,
            self.sim.scenario(),
            record,
        )));
        Ok(self)
    }

    /// What the summary records of the posterior sample the runs draw from, if any.
    pub fn posterior_record(&self) -> Option<&PosteriorRecord> {
        self.particles.as_ref().map(|p| &p.record)
    }

    /// How many distinct particles of the posterior sample the runs of this ensemble (shard)
    /// draw: the scenarios it builds and holds (0 without a posterior).
    pub fn distinct_particles(&self) -> u64 {
        self.particles
            .as_ref()
            .map_or(0, |p| p.distinct(self.run_range()))
    }

    /// Count `outcome` too; it replaces an outcome of the same name.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::ensemble::{CstoClassifier, CstoFutures, Ensemble};
    /// use std::sync::Arc;
    /// let scenario = geoalign::presets::eurasia_2025();
    /// // The futures with a wider margin than the default.
    /// let wide = CstoClassifier::new(&scenario.world(), "CSTO", &["Belarus"], 0.04).unwrap();
    /// let ensemble = Ensemble::new(scenario, 2).outcome(Arc::new(CstoFutures::new(wide)));
    /// assert_eq!(ensemble.outcome_list().len(), 1);
    /// ```
    pub fn outcome(mut self, outcome: Arc<dyn Outcome>) -> Ensemble {
        match self
            .outcomes
            .iter()
            .position(|o| o.name() == outcome.name())
        {
            Some(i) => self.outcomes[i] = outcome,
            None => self.outcomes.push(outcome),
        }
        self
    }

    /// Count exactly `outcomes` (none: no outcome is counted); of two with the same name the
    /// later is kept.
    pub fn outcomes(mut self, outcomes: impl IntoIterator<Item = Arc<dyn Outcome>>) -> Ensemble {
        self.outcomes.clear();
        outcomes.into_iter().fold(self, Ensemble::outcome)
    }

    /// The outcomes counted, in the summary's order.
    pub fn outcome_list(&self) -> &[Arc<dyn Outcome>] {
        &self.outcomes
    }

    /// Use `threads` worker threads (0: one per core).
    pub fn threads(mut self, threads: usize) -> Ensemble {
        self.threads = threads;
        self
    }

    /// Run only shard `shard` of the runs.
    pub fn shard(mut self, shard: Shard) -> Ensemble {
        self.shard = shard;
        self
    }

    /// Record one step in `every` in the summary's sketches (steps 0, `every`, 2 × `every`,
    /// … and always the horizon); outcomes and membership counts still see every step, and
    /// the recorded steps hold exactly the numbers a summary of every step holds there. 0
    /// (the default) chooses automatically: every step up to [`AUTO_RECORDED_STEPS`] steps,
    /// beyond it one step in `⌈steps / AUTO_RECORDED_STEPS⌉`.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::ensemble::Ensemble;
    /// let mut long = geoalign::presets::eurasia_2025();
    /// long.set_steps(12_000).unwrap();
    /// assert_eq!(Ensemble::new(long.clone(), 1).recording().record_every, 10);
    /// assert_eq!(Ensemble::new(long, 1).record_every(1).recording().record_every, 1);
    /// ```
    pub fn record_every(mut self, every: u32) -> Ensemble {
        self.record_every = every;
        self
    }

    /// Compute (or not) the state-pair similarity at the horizon ([`Summary::similarity`]).
    /// By default it is computed up to [`AUTO_SIMILARITY_MAX_STATES`] states, not above.
    pub fn similarity(mut self, compute: bool) -> Ensemble {
        self.similarity = Some(compute);
        self
    }

    /// Refuse to run when the predicted peak memory ([`Ensemble::memory_estimate`]) is over
    /// `bytes` with a single worker, and start no more workers than fit in it. By default,
    /// [`memory::default_limit`]: half of the machine's memory.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::ensemble::{Ensemble, EnsembleError};
    /// let tight = Ensemble::new(geoalign::presets::eurasia_2025(), 10).max_memory(1 << 20);
    /// let err = tight.run().unwrap_err();
    /// assert!(matches!(err, EnsembleError::MemoryLimit { limit: 1_048_576, .. }));
    /// assert!(err.to_string().contains("the limit is 1.0 MiB"));
    /// ```
    pub fn max_memory(mut self, bytes: u64) -> Ensemble {
        self.max_memory = Some(bytes);
        self
    }

    /// What the summary will record: the cadence and the similarity, as set or as chosen
    /// automatically for the scenario.
    pub fn recording(&self) -> Recording {
        let scenario = self.sim.scenario();
        let auto_every = scenario.steps().div_ceil(AUTO_RECORDED_STEPS).max(1);
        let auto_similarity = scenario.world().states().len() <= AUTO_SIMILARITY_MAX_STATES;
        Recording {
            record_every: if self.record_every == 0 {
                auto_every
            } else {
                self.record_every
            },
            record_every_automatic: self.record_every == 0,
            similarity: self.similarity.unwrap_or(auto_similarity),
            similarity_automatic: self.similarity.is_none(),
        }
    }

    /// The predicted peak memory of [`Ensemble::run`], with its parts and the number of
    /// worker threads it will start (see [`memory`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::ensemble::Ensemble;
    /// let scenario = geoalign::presets::eurasia_2025();
    /// let few = Ensemble::new(scenario.clone(), 64).threads(8).memory_estimate();
    /// assert_eq!(few.workers, 1); // one block of 64 runs keeps one worker busy
    /// let many = Ensemble::new(scenario, 6400).threads(8).memory_estimate();
    /// assert_eq!(many.workers, 8);
    /// assert!(many.total() > few.total());
    /// ```
    pub fn memory_estimate(&self) -> MemoryEstimate {
        let estimate = memory::estimate(self.sim.scenario(), self.plan());
        match self.particles {
            Some(_) => memory::with_particles(
                estimate,
                self.sim.scenario(),
                self.plan(),
                self.distinct_particles(),
            ),
            None => estimate,
        }
    }

    /// The memory-relevant choices of this ensemble.
    fn plan(&self) -> Plan {
        let range = self.run_range();
        let recording = self.recording();
        let threads = match self.threads {
            0 => std::thread::available_parallelism().map_or(1, usize::from),
            n => n,
        };
        Plan {
            record_every: recording.record_every,
            similarity: recording.similarity,
            threads,
            blocks: (range.end - range.start).div_ceil(BLOCK),
            limit: self.max_memory.unwrap_or_else(memory::default_limit),
            process: memory::resident_memory().unwrap_or(memory::PROCESS_BYTES),
        }
    }

    /// The refusal of a job whose estimate is over its limit even on one worker.
    fn memory_error(&self, estimate: &MemoryEstimate) -> EnsembleError {
        let mut advice = memory::advice(self.sim.scenario(), self.plan());
        // Worth saying only where the particles are a good part of the estimate.
        if estimate.particles > 0 && estimate.particles_bytes >= estimate.total() / 4 {
            advice = format!(
                "run fewer runs (or shards of them: `--shard`), which draw fewer of the posterior's particles ({} now, each built and held); or {advice}",
                estimate.particles
            );
        }
        EnsembleError::MemoryLimit {
            estimate: estimate.total(),
            limit: estimate.limit,
            breakdown: estimate.to_string(),
            advice,
        }
    }

    /// The prepared simulation.
    pub fn simulation(&self) -> &Simulation {
        &self.sim
    }

    /// The run indices this ensemble (shard) runs.
    pub fn run_range(&self) -> std::ops::Range<u64> {
        self.shard.runs(self.runs)
    }

    /// Run it and return the summary.
    pub fn run(&self) -> Result<Summary, EnsembleError> {
        self.run_with_progress(&|_| {})
    }

    /// Run it, calling `progress` with the number of runs done so far after each block of
    /// runs (from worker threads; the CLI draws its progress bar from it).
    pub fn run_with_progress(
        &self,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<Summary, EnsembleError> {
        if self.runs > u64::from(u32::MAX) {
            return Err(EnsembleError::TooManyRuns(self.runs));
        }
        check_outcomes(&self.outcomes, self.sim.scenario().world())
            .map_err(|(name, reason)| EnsembleError::Outcome { name, reason })?;
        // Before anything large is allocated: refuse a job over its limit, and start only the
        // workers that have blocks to run and room for their accumulators.
        let estimate = self.memory_estimate();
        if !estimate.fits() {
            return Err(self.memory_error(&estimate));
        }
        let range = self.run_range();
        if let Some(particles) = &self.particles {
            particles.prepare(range.clone(), estimate.workers)?;
        }
        let fingerprint = fingerprint(self.sim.scenario());
        let recording = self.recording();
        let fresh = || self.summary_of(fingerprint, recording);
        // One accumulator per worker thread, with the histogram bins of its current block.
        let partials = workers::in_blocks(
            estimate.workers,
            range,
            &|| {
                let acc = fresh();
                let pending = acc.pending(BLOCK as usize);
                (acc, pending)
            },
            &|(acc, pending), runs| {
                for run in runs {
                    self.run_one(run, acc, pending)?;
                }
                acc.flush(pending);
                Ok(())
            },
            progress,
        )?;
        let partials: Vec<Summary> = partials.into_iter().map(|(acc, _)| acc).collect();
        if partials.iter().any(|p| p.events_full) {
            return Err(EnsembleError::EventCells {
                limit: MAX_EVENT_CELLS,
            });
        }
        // Merged into the first accumulator, each freed once added: no further summary.
        let mut partials = partials.into_iter();
        let mut summary = partials.next().unwrap_or_else(fresh);
        for p in partials {
            summary.add_counts(&p)?;
        }
        Ok(summary)
    }

    /// An empty summary of this ensemble, to be filled by [`Ensemble::accumulate`].
    pub fn empty_summary(&self) -> Summary {
        self.summary_of(fingerprint(self.sim.scenario()), self.recording())
    }

    /// An empty summary of this ensemble, given its scenario's fingerprint and recording.
    fn summary_of(&self, fingerprint: u64, recording: Recording) -> Summary {
        let mut summary = Summary::empty(
            self.sim.scenario(),
            self.runs,
            self.shard,
            &self.outcomes,
            fingerprint,
            recording,
        );
        summary.posterior = self.posterior_record().cloned();
        summary
    }

    /// Run number `run` and add it to `summary`: what each of the ensemble's workers does per
    /// run, exposed so that one run with summary recording can be timed or distributed by
    /// other means. A summary filled with every run of [`Ensemble::run_range`], in any order
    /// and grouping, equals [`Ensemble::run`]'s. On an error the summary holds part of the
    /// failed run and should be discarded, as [`Ensemble::run`] does.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::ensemble::Ensemble;
    /// let ensemble = Ensemble::new(geoalign::presets::eurasia_2025(), 3).threads(1);
    /// let mut summary = ensemble.empty_summary();
    /// for run in ensemble.run_range().rev() {
    ///     ensemble.accumulate(run, &mut summary).unwrap();
    /// }
    /// assert_eq!(summary, ensemble.run().unwrap());
    /// ```
    pub fn accumulate(&self, run: u64, summary: &mut Summary) -> Result<(), SimError> {
        let mut pending = summary.pending(1);
        let result = self.run_one(run, summary, &mut pending);
        summary.flush(&mut pending);
        result
    }

    /// Run `run` into `acc`, its histogram bins into `pending`, which the caller flushes
    /// when [`PendingSummary::end_run`] says it is full or the block ends.
    fn run_one(
        &self,
        run: u64,
        acc: &mut Summary,
        pending: &mut PendingSummary,
    ) -> Result<(), SimError> {
        // The run's own scenario: the particle it draws from the posterior, if there is one.
        let sim = match &self.particles {
            Some(particles) => particles.simulation(run)?,
            None => &self.sim,
        };
        let world = &sim.scenario().world();
        let flags: Vec<Vec<bool>> = world
            .institutions()
            .iter()
            .map(|i| vec![false; i.members.len()])
            .collect();
        let mut rec = RunRecorder {
            summary: acc,
            pending,
            watch: Watch::new(&self.outcomes),
            suspended: flags.clone(),
            exited: flags,
            events: events::RunEvents::default(),
        };
        let end = sim.run(run, &mut rec)?;
        let RunRecorder {
            summary,
            pending,
            watch,
            suspended,
            exited,
            events: _,
        } = rec;
        watch.tally(world, &end, &mut summary.outcomes);
        for (counts, (s, e)) in summary
            .member_counts
            .iter_mut()
            .zip(suspended.iter().zip(&exited))
        {
            for (c, (&s, &e)) in counts.iter_mut().zip(s.iter().zip(e)) {
                c.suspended += u64::from(s);
                c.exited += u64::from(e);
            }
        }
        summary.runs += 1;
        if pending.end_run() {
            summary.flush(pending);
        }
        Ok(())
    }
}

/// The run a failure happened in (`u64::MAX` when it names none).
fn run_of(e: &SimError) -> u64 {
    match e {
        SimError::NonFinite { run, .. } | SimError::Particle { run, .. } => *run,
        #[allow(unreachable_patterns)]
        _ => u64::MAX,
    }
}
