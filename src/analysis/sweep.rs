//! Parameter sweeps: the outcome probabilities (and quantity means) of a scenario at every
//! point of a design over named parameters, as one tidy table.
//!
//! A **parameter** is a dotted key of a scenario file with a range, `key=lo:hi`, as in
//! [`crate::analysis::sensitivity`] (whose [`Base`] and key setting a sweep reuses); for a grid
//! it may carry its number of levels, `key=lo:hi:n`. The **design** places the points:
//!
//! * [`Design::Grid`]: every combination of each parameter's `n` evenly spaced levels, both
//!   ends included ([`DEFAULT_GRID_LEVELS`] when `:n` is not given); the last parameter
//!   varies fastest.
//! * [`Design::Lhs`]: a Latin hypercube of `m` points (McKay, Beckman & Conover 1979): each
//!   parameter's range is cut into `m` equal strata and every stratum holds exactly one
//!   point, at a uniform position inside it; strata are paired across parameters by
//!   independent random permutations drawn from the design seed.
//! * [`Design::Sobol`]: the first `m` points of an Owen-scrambled Sobol sequence (Sobol 1967;
//!   the scrambled, seedable form of Burley 2020 through the `sobol_burley` crate, with Joe
//!   and Kuo's direction numbers). For `m` a power of two the points are a (0, m, s)-net in
//!   base 2 for the first dimensions: in particular each parameter's `m` strata hold one point
//!   each, as for a Latin hypercube, and the pairs are spread more evenly than random.
//!
//! At every design point the scenario is built as a user's file would be, with the keys set
//! to the point's values, and run [`Sweep::runs_per_point`] times with run indices `0..runs`
//! and the **scenario's own seed**: the same random streams at every point (common random
//! numbers), so a difference between two points is the parameters' doing, not noise between
//! streams. Each point's result depends only on the point: the table is the same, bit for
//! bit, for any number of threads and for any split into shards (which split the design
//! points, [`Sweep::shard`], and are joined by [`SweepTable::merge`]).
//!
//! Each row of the table ([`SweepRow`]) is one design point × output: for an outcome (the
//! CSTO futures by default, a declared outcome, or any [`Outcome`]) one row per category with
//! its probability and Wilson 95 % interval; for a quantity ([`Outcome::is_quantity`], e.g.
//! `Tajikistan.Russia@horizon`) one row with the mean over runs, its Student-t 95 % interval
//! and the standard deviation.
//!
//! ```
//! use geoalign::analysis::sensitivity::Base;
//! use geoalign::analysis::sweep::{Design, Sweep};
//! let base = Base::builtin("builtin:csto-slow-decline").unwrap();
//! let sweep = Sweep::new(base, vec!["parameters.noise=0.01:0.05:3".parse().unwrap()], Design::Grid)
//!     .runs_per_point(4);
//! let table = sweep.run(&|_| {}).unwrap();
//! // Three grid points × the three CSTO futures.
//! assert_eq!(table.rows.len(), 3 * 3);
//! assert_eq!(table.rows[8].values, [0.05]);
//! assert!(table.to_csv().starts_with("point,parameters.noise,output,category,value"));
//! ```

use crate::analysis::compare::interval::t95;
use crate::analysis::ensemble::{fingerprint, memory, Proportion, Shard};
use crate::analysis::outcome::{check_outcomes, CstoFutures, Outcome, OutcomeCounts, Watch};
use crate::analysis::posterior::{Posterior, PosteriorError, PosteriorRecord};
use crate::analysis::sensitivity::{Base, ParamRange, SensitivityError, Study};
use crate::sim::{Scenario, SimError, Simulation};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::Range;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Grid levels per parameter when `:n` is not given. Reason: five levels (the ends, the
/// quartiles and the middle) show a curve's bend, not only its slope, and three parameters
/// stay at 125 points; give `:n` for a finer grid.
pub const DEFAULT_GRID_LEVELS: usize = 5;

/// Design points per parameter of a Latin hypercube or Sobol design when the size is not
/// given. Reason: Loeppky, Sacks & Welch (2009, *Technometrics* 51: 366–376) find `10 k`
/// points (`k` parameters) a reasonable size for a first computer experiment.
pub const DEFAULT_POINTS_PER_PARAM: usize = 10;

/// Most points of a Sobol design: the `sobol_burley` sequence's length, 2¹⁶.
pub const MAX_SOBOL_POINTS: usize = 1 << 16;

/// Most parameters of a Sobol design: the dimensions `sobol_burley` has direction numbers
/// for.
pub const MAX_SOBOL_PARAMS: usize = 256;

/// Most points of a Latin hypercube. Reason: its coordinates are drawn and held before any
/// run, 8 bytes a parameter a point, so 2²⁰ points bound them to 8 MiB a parameter; a grid's
/// and a Sobol design's points are computed when needed and hold nothing.
pub const MAX_LHS_POINTS: usize = 1 << 20;

/// Most points of any design. Reason: a point builds its own scenario (about a millisecond)
/// and runs at least once; 2²⁴ points is over four hours of building alone on one core,
/// so a larger design is almost surely a typo (`:100` on four parameters), refused at once.
pub const MAX_POINTS: usize = 1 << 24;

/// The columns of a [`SweepTable`] before and after the parameters' own columns.
const KEY_COLUMN: &str = "point";
const VALUE_COLUMNS: [&str; 8] = [
    "output", "category", "value", "ci_low", "ci_high", "sd", "count", "runs",
];

/// The category of a quantity's row: its value is the mean over runs.
pub const MEAN: &str = "mean";

/// Points a worker pool evaluates between two deliveries of rows, per thread. Reason: points
/// of one design cost about the same, so a few per thread keep both threads busy to the end
/// of each batch while the rows held stay a few hundred.
const BATCH_PER_THREAD: usize = 8;

/// Bytes of one row held in memory beside its names and values: the struct, the vector of
/// values' header and two strings' headers, rounded up.
const ROW_BYTES: u64 = 160;

/// A failure to set up, run or merge a sweep.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SweepError {
    /// The posterior sample cannot be used on the base scenario ([`Sweep::posterior`]).
    #[error(transparent)]
    Posterior(#[from] PosteriorError),
    /// A `--param` text is not `key=lo:hi[:n]`.
    #[error("--param `{text}`: {reason}; write KEY=LO:HI, or KEY=LO:HI:N for N grid levels, e.g. parameters.noise=0.01:0.06:5")]
    BadParam {
        /// The text as given.
        text: String,
        /// Which part is wrong.
        reason: String,
    },
    /// No parameters were given.
    #[error("no parameters: give at least one --param KEY=LO:HI")]
    NoParams,
    /// Two parameters set the same key (or a key is named like a column of the table).
    #[error(
        "--param `{0}`: given twice (or named like a column of sweep.csv); give each key once"
    )]
    DuplicateParam(String),
    /// A parameter has `:n` levels but the design is not a grid.
    #[error("--param `{key}`: `:{levels}` sets grid levels, but the design is {design}, whose size is --points; drop `:{levels}` or use --design grid")]
    LevelsOutsideGrid {
        /// The parameter's key.
        key: String,
        /// The levels given.
        levels: usize,
        /// The design's name.
        design: &'static str,
    },
    /// A design size was given to a grid, whose size is its levels.
    #[error("--points {0}: a grid's size is the product of its levels; set them per parameter as KEY=LO:HI:N, or use --design lhs or sobol")]
    PointsOnGrid(usize),
    /// A grid parameter with fewer than two levels.
    #[error("--param `{key}`: {levels} grid level(s); a grid needs at least 2 (the two ends of the range)")]
    BadLevels {
        /// The parameter's key.
        key: String,
        /// The levels given.
        levels: usize,
    },
    /// A design size the design cannot take.
    #[error("{design} design of {points} points: {reason}")]
    BadPoints {
        /// The design's name.
        design: &'static str,
        /// The size asked for.
        points: usize,
        /// Why not.
        reason: String,
    },
    /// No runs per design point.
    #[error("runs per design point: at least 1")]
    NoRuns,
    /// A quantity's interval needs two runs per point.
    #[error("quantity `{0}`: its 95 % interval needs at least 2 runs per point")]
    QuantityNeedsRuns(String),
    /// No output was given and the scenario has no CSTO the futures' classifier can read.
    #[error("no output: the scenario has no CSTO with a leader and Belarus as a member, so the default CSTO futures cannot be classified; give --outcome NAME or --quantity STATE.COMPONENT@WHEN")]
    NoOutputs,
    /// An output cannot be measured on the scenario's world.
    #[error("output `{name}`: {reason}")]
    Output {
        /// The output's name.
        name: String,
        /// Why not.
        reason: String,
    },
    /// The base scenario, a key or a design point is refused (see [`SensitivityError`]).
    #[error(transparent)]
    Scenario(#[from] SensitivityError),
    /// A run failed.
    #[error("design point {point}: {source}")]
    Run {
        /// The design point.
        point: usize,
        /// The run's error.
        source: SimError,
    },
    /// The thread pool could not be built.
    #[error("cannot start the worker threads: {0}")]
    Threads(String),
    /// Tables of different sweeps, overlapping shards, or a table inconsistent in itself.
    #[error("{0}")]
    Mismatch(String),
}

/// A swept parameter: a dotted key of the scenario file, its range, and for a grid its number
/// of levels. Written `key=lo:hi` or `key=lo:hi:n`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepParam {
    /// Dotted key path in the scenario file, e.g. `powers.Russia.coercion`.
    pub key: String,
    /// Lower end of the range.
    pub low: f64,
    /// Upper end of the range.
    pub high: f64,
    /// Grid levels (`:n`); `None`: [`DEFAULT_GRID_LEVELS`] on a grid, and the only choice for
    /// the other designs.
    pub levels: Option<usize>,
}

impl SweepParam {
    /// The range without the levels.
    fn range(&self) -> ParamRange {
        ParamRange {
            key: self.key.clone(),
            low: self.low,
            high: self.high,
        }
    }

    /// The grid levels this parameter takes.
    fn grid_levels(&self) -> usize {
        self.levels.unwrap_or(DEFAULT_GRID_LEVELS)
    }

    /// The value at unit coordinate `u`: the range's ends exactly at 0 and 1.
    fn value(&self, u: f64) -> f64 {
        if u <= 0.0 {
            self.low
        } else if u >= 1.0 {
            self.high
        } else {
            self.low + u * (self.high - self.low)
        }
    }
}

impl FromStr for SweepParam {
    type Err = SweepError;

    /// Parse `key=lo:hi` or `key=lo:hi:n`.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::sweep::SweepParam;
    /// let p: SweepParam = "parameters.noise=0.01:0.06:8".parse().unwrap();
    /// assert_eq!((p.key.as_str(), p.low, p.high, p.levels), ("parameters.noise", 0.01, 0.06, Some(8)));
    /// let e = "parameters.noise=0.01:0.06:many".parse::<SweepParam>().unwrap_err();
    /// assert!(e.to_string().contains("`many` is not a whole number"));
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = |reason: String| SweepError::BadParam {
            text: s.to_string(),
            reason,
        };
        let (range, levels) = match s.split_once('=') {
            Some((_, r)) if r.matches(':').count() >= 2 => {
                let (range, n) = s.rsplit_once(':').unwrap_or((s, ""));
                let n = n.trim();
                let levels = n
                    .parse::<usize>()
                    .map_err(|_| bad(format!("the levels `{n}` is not a whole number")))?;
                (range, Some(levels))
            }
            _ => (s, None),
        };
        let range: ParamRange = range.parse().map_err(|e| match e {
            SensitivityError::BadParam { reason, .. } => bad(reason),
            other => bad(other.to_string()),
        })?;
        Ok(SweepParam {
            key: range.key,
            low: range.low,
            high: range.high,
            levels,
        })
    }
}

impl fmt::Display for SweepParam {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}:{}", self.key, self.low, self.high)?;
        match self.levels {
            Some(n) => write!(f, ":{n}"),
            None => Ok(()),
        }
    }
}

/// How the design points are placed (see the [module docs](self)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Design {
    /// Every combination of each parameter's levels.
    Grid,
    /// A Latin hypercube of this many points.
    Lhs {
        /// Number of points `m`.
        points: usize,
    },
    /// The first this many points of a scrambled Sobol sequence.
    Sobol {
        /// Number of points `m` (a power of two keeps its balance properties).
        points: usize,
    },
}

impl Design {
    /// The design's name as the command line spells it: `grid`, `lhs` or `sobol`.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(geoalign::analysis::sweep::Design::Lhs { points: 8 }.name(), "lhs");
    /// ```
    pub fn name(&self) -> &'static str {
        match self {
            Design::Grid => "grid",
            Design::Lhs { .. } => "lhs",
            Design::Sobol { .. } => "sobol",
        }
    }
}

/// The placed points of a design on the unit cube, computed once per sweep: a grid's and a
/// Sobol sequence's points are computed from their index when asked, a Latin hypercube's are
/// drawn once and held (`points × params` numbers).
#[derive(Clone, Debug)]
struct Plan {
    params: Vec<SweepParam>,
    points: usize,
    kind: PlanKind,
}

#[derive(Clone, Debug)]
enum PlanKind {
    Grid { levels: Vec<usize> },
    Lhs { unit: Vec<f64> },
    Sobol { seed: u32 },
}

impl Plan {
    /// Check `params` against `design` and place the points.
    fn new(params: &[SweepParam], design: Design, seed: u64) -> Result<Plan, SweepError> {
        if params.is_empty() {
            return Err(SweepError::NoParams);
        }
        for (i, p) in params.iter().enumerate() {
            let reserved = p.key == KEY_COLUMN || VALUE_COLUMNS.contains(&p.key.as_str());
            if reserved || params[..i].iter().any(|q| q.key == p.key) {
                return Err(SweepError::DuplicateParam(p.key.clone()));
            }
            if !(p.low.is_finite() && p.high.is_finite() && p.low < p.high) {
                return Err(SweepError::BadParam {
                    text: p.to_string(),
                    reason: "the range needs finite LO below HI".into(),
                });
            }
        }
        let k = params.len();
        let bad = |points: usize, reason: String| SweepError::BadPoints {
            design: design.name(),
            points,
            reason,
        };
        let check_levels = || {
            params
                .iter()
                .find_map(|p| p.levels.map(|levels| (p.key.clone(), levels)))
                .map_or(Ok(()), |(key, levels)| {
                    Err(SweepError::LevelsOutsideGrid {
                        key,
                        levels,
                        design: design.name(),
                    })
                })
        };
        let (points, kind) = match design {
            Design::Grid => {
                let mut levels = Vec::with_capacity(k);
                let mut points: usize = 1;
                for p in params {
                    let n = p.grid_levels();
                    if n < 2 {
                        return Err(SweepError::BadLevels {
                            key: p.key.clone(),
                            levels: n,
                        });
                    }
                    points = points.saturating_mul(n);
                    levels.push(n);
                }
                if points > MAX_POINTS {
                    let product = levels.iter().map(usize::to_string).collect::<Vec<_>>();
                    return Err(bad(
                        points,
                        format!(
                            "{} levels make more than the most a sweep takes, {MAX_POINTS}",
                            product.join(" × ")
                        ),
                    ));
                }
                (points, PlanKind::Grid { levels })
            }
            Design::Lhs { points } => {
                check_levels()?;
                if !(2..=MAX_LHS_POINTS).contains(&points) {
                    return Err(bad(
                        points,
                        format!("needs 2 to {MAX_LHS_POINTS} points (its coordinates are held)"),
                    ));
                }
                (
                    points,
                    PlanKind::Lhs {
                        unit: lhs(k, points, seed),
                    },
                )
            }
            Design::Sobol { points } => {
                check_levels()?;
                if !(2..=MAX_SOBOL_POINTS).contains(&points) {
                    return Err(bad(
                        points,
                        format!("needs 2 to {MAX_SOBOL_POINTS} points (the sequence's length)"),
                    ));
                }
                if k > MAX_SOBOL_PARAMS {
                    return Err(bad(
                        points,
                        format!("{k} parameters: the sequence has {MAX_SOBOL_PARAMS} dimensions"),
                    ));
                }
                // The sequence's seed is 32 bits: fold the design seed's halves into it.
                let seed = (seed ^ (seed >> 32)) as u32;
                (points, PlanKind::Sobol { seed })
            }
        };
        Ok(Plan {
            params: params.to_vec(),
            points,
            kind,
        })
    }

    /// The unit-cube coordinates of point `i`.
    fn unit(&self, i: usize) -> Vec<f64> {
        let k = self.params.len();
        match &self.kind {
            PlanKind::Grid { levels } => {
                let mut rest = i;
                let mut x = vec![0.0; k];
                for d in (0..k).rev() {
                    let n = levels[d];
                    x[d] = (rest % n) as f64 / (n - 1) as f64;
                    rest /= n;
                }
                x
            }
            PlanKind::Lhs { unit } => unit[i * k..(i + 1) * k].to_vec(),
            PlanKind::Sobol { seed } => (0..k)
                .map(|d| f64::from(sobol_burley::sample(i as u32, d as u32, *seed)))
                .collect(),
        }
    }

    /// The parameter values of point `i`.
    fn values(&self, i: usize) -> Vec<f64> {
        let x = self.unit(i);
        self.params.iter().zip(x).map(|(p, u)| p.value(u)).collect()
    }
}

/// A Latin hypercube of `m` points in `k` dimensions, row-major (`m × k`): per dimension a
/// random permutation of the `m` strata, each point uniform inside its stratum.
fn lhs(k: usize, m: usize, seed: u64) -> Vec<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut unit = vec![0.0; k * m];
    let mut strata: Vec<usize> = Vec::with_capacity(m);
    for d in 0..k {
        strata.clear();
        strata.extend(0..m);
        for i in (1..m).rev() {
            strata.swap(i, rng.random_range(0..=i));
        }
        for (i, &s) in strata.iter().enumerate() {
            let jitter: f64 = rng.random();
            unit[i * k + d] = (s as f64 + jitter) / m as f64;
        }
    }
    unit
}

/// One row of a sweep: a design point × an output (× a category of an outcome).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepRow {
    /// The design point's index, from 0 in design order.
    pub point: usize,
    /// The parameters' values at the point, in the order of [`SweepJob::params`].
    pub values: Vec<f64>,
    /// The outcome's or quantity's name.
    pub output: String,
    /// The outcome's category, or [`MEAN`] for a quantity.
    pub category: String,
    /// The probability of the category, or the quantity's mean over runs.
    pub value: f64,
    /// Lower end of the 95 % interval: Wilson's for a probability, Student's t for a mean.
    pub low: f64,
    /// Upper end of the 95 % interval.
    pub high: f64,
    /// A quantity's standard deviation over runs (`n − 1` in the denominator); `None` for a
    /// probability.
    pub sd: Option<f64>,
    /// Runs in the category; `None` for a quantity.
    pub count: Option<u64>,
    /// Runs at the point.
    pub runs: u64,
}

/// What a sweep is: every field a table's rows depend on, so that tables (or shards' partial
/// tables) of different sweeps are never merged.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepJob {
    /// The crate version that ran it.
    pub version: String,
    /// The base scenario's name.
    pub scenario: String,
    /// The base scenario's fingerprint (a hash of its built form).
    pub fingerprint: u64,
    /// The seed of every point's runs: the base scenario's.
    pub seed: u64,
    /// The design.
    pub design: Design,
    /// The seed of the design's draws (Latin hypercube permutations, Sobol scrambling).
    pub design_seed: u64,
    /// The parameters, in the order given.
    pub params: Vec<SweepParam>,
    /// Points of the whole design.
    pub points: usize,
    /// Runs per point.
    pub runs_per_point: u64,
    /// The outputs' names, in order.
    pub outputs: Vec<String>,
    /// Rows per point: the outcomes' categories plus one per quantity.
    pub rows_per_point: usize,
    /// Number of shards the design is split into (1: whole).
    pub shard_count: u32,
    /// The shards a table holds, ascending.
    pub shards: Vec<u32>,
    /// The posterior sample each run drew the other parameters from ([`Sweep::posterior`]);
    /// absent, and left out of the JSON, when every run used the base's values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub posterior: Option<PosteriorRecord>,
}

impl SweepJob {
    /// The design points shard `index` holds.
    fn shard_points(&self, index: u32) -> Range<usize> {
        let r = Shard {
            index,
            count: self.shard_count,
        }
        .runs(self.points as u64);
        r.start as usize..r.end as usize
    }

    /// The first field in which `self` and `other` differ, shards aside.
    fn difference(&self, other: &SweepJob) -> Option<&'static str> {
        let pairs = [
            ("version", self.version == other.version),
            ("scenario", self.scenario == other.scenario),
            ("fingerprint", self.fingerprint == other.fingerprint),
            ("seed", self.seed == other.seed),
            ("design", self.design == other.design),
            ("design_seed", self.design_seed == other.design_seed),
            ("params", self.params == other.params),
            ("points", self.points == other.points),
            (
                "runs_per_point",
                self.runs_per_point == other.runs_per_point,
            ),
            ("outputs", self.outputs == other.outputs),
            (
                "rows_per_point",
                self.rows_per_point == other.rows_per_point,
            ),
            ("shard_count", self.shard_count == other.shard_count),
            (
                "posterior",
                self.posterior.as_ref().map(|p| p.digest)
                    == other.posterior.as_ref().map(|p| p.digest),
            ),
        ];
        pairs.into_iter().find(|(_, same)| !same).map(|(f, _)| f)
    }
}

/// The memory a sweep holds (see [`Sweep::memory`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SweepMemory {
    /// Bytes each worker thread holds: its design point's scenario and simulation
    /// ([`memory::design_point_bytes`]) and the quantities' values over the point's runs.
    pub per_worker: u64,
    /// Bytes the sweep holds whatever the threads: a Latin hypercube's coordinates and, for
    /// [`Sweep::run`], the table's rows (rows streamed through [`Sweep::for_each_point`]
    /// are held only a batch at a time).
    pub shared: u64,
}

/// A sweep's result: the job and its rows in point order (see [`SweepRow`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepTable {
    /// What was swept.
    pub job: SweepJob,
    /// The rows, in point order and within a point in output and category order.
    pub rows: Vec<SweepRow>,
}

impl SweepTable {
    /// The CSV header: `point`, one column per parameter (its key), then `output`,
    /// `category`, `value`, `ci_low`, `ci_high`, `sd`, `count`, `runs`.
    pub fn header(&self) -> Vec<String> {
        std::iter::once(KEY_COLUMN.to_string())
            .chain(self.job.params.iter().map(|p| p.key.clone()))
            .chain(VALUE_COLUMNS.iter().map(|c| c.to_string()))
            .collect()
    }

    /// The rows as CSV fields, under [`SweepTable::header`]: numbers in Rust's shortest
    /// round-trip form, an empty field where a row has no `sd` or `count`.
    pub fn records(&self) -> impl Iterator<Item = Vec<String>> + '_ {
        self.rows.iter().map(|r| {
            let optional = |x: Option<String>| x.unwrap_or_default();
            std::iter::once(r.point.to_string())
                .chain(r.values.iter().map(f64::to_string))
                .chain([
                    r.output.clone(),
                    r.category.clone(),
                    r.value.to_string(),
                    r.low.to_string(),
                    r.high.to_string(),
                    optional(r.sd.map(|x| x.to_string())),
                    optional(r.count.map(|x| x.to_string())),
                    r.runs.to_string(),
                ])
                .collect()
        })
    }

    /// The table as CSV text, as `sweep.csv` holds it.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::sensitivity::Base;
    /// use geoalign::analysis::sweep::{Design, Sweep};
    /// let base = Base::builtin("builtin:csto-slow-decline").unwrap();
    /// let params = vec!["parameters.noise=0.01:0.05".parse().unwrap()];
    /// let table = Sweep::new(base, params, Design::Lhs { points: 2 }).runs_per_point(2).run(&|_| {}).unwrap();
    /// let csv = table.to_csv();
    /// assert_eq!(csv.lines().count(), 1 + 2 * 3);
    /// ```
    pub fn to_csv(&self) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        // Writing into memory cannot fail.
        let _ = w.write_record(self.header());
        for record in self.records() {
            let _ = w.write_record(record);
        }
        let bytes = w.into_inner().unwrap_or_default();
        String::from_utf8(bytes).unwrap_or_default()
    }

    /// Whether the table holds every shard of its sweep.
    pub fn is_complete(&self) -> bool {
        self.job.shards.len() == self.job.shard_count as usize
    }

    /// Check the table against its job: one block of [`SweepJob::rows_per_point`] rows per
    /// design point of its shards, in order; every point's values equal to the design's
    /// (recomputed from the job); every probability equal to its count over the runs with
    /// Wilson's interval; every mean inside its interval. A table read from a file that an
    /// edit broke is refused here.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::sensitivity::Base;
    /// use geoalign::analysis::sweep::{Design, Sweep};
    /// let base = Base::builtin("builtin:csto-slow-decline").unwrap();
    /// let params = vec!["parameters.noise=0.01:0.05:2".parse().unwrap()];
    /// let mut table = Sweep::new(base, params, Design::Grid).runs_per_point(2).run(&|_| {}).unwrap();
    /// assert!(table.verify().is_ok());
    /// table.rows[0].values[0] = 0.02;
    /// assert!(table.verify().is_err());
    /// ```
    pub fn verify(&self) -> Result<(), SweepError> {
        let job = &self.job;
        let bad = |what: String| Err(SweepError::Mismatch(what));
        let mut shards = job.shards.clone();
        shards.dedup();
        if shards.len() != job.shards.len()
            || !job.shards.windows(2).all(|w| w[0] < w[1])
            || job.shards.iter().any(|&s| s >= job.shard_count)
        {
            return bad(format!(
                "shards {:?} of {}: not distinct shards in ascending order",
                job.shards, job.shard_count
            ));
        }
        let plan = Plan::new(&job.params, job.design, job.design_seed)?;
        if plan.points != job.points {
            return bad(format!(
                "the design has {} points, the job says {}",
                plan.points, job.points
            ));
        }
        let points: Vec<usize> = job
            .shards
            .iter()
            .flat_map(|&s| job.shard_points(s))
            .collect();
        let expected = points.len().checked_mul(job.rows_per_point);
        if expected != Some(self.rows.len()) {
            return bad(format!(
                "{} rows, but {} points × {} rows per point",
                self.rows.len(),
                points.len(),
                job.rows_per_point
            ));
        }
        let per_point = self.rows.chunks(job.rows_per_point.max(1));
        for (&point, rows) in points.iter().zip(per_point) {
            let values = plan.values(point);
            for r in rows {
                let at = format!("row of point {}, {} {}", r.point, r.output, r.category);
                if r.point != point || r.values != values {
                    return bad(format!(
                        "{at}: not design point {point} with values {values:?}"
                    ));
                }
                if !job.outputs.contains(&r.output) || r.runs != job.runs_per_point {
                    return bad(format!(
                        "{at}: an output or run count the job does not have"
                    ));
                }
                let consistent = match (r.count, r.sd) {
                    (Some(count), None) => {
                        let p = Proportion::wilson(count, r.runs);
                        count <= r.runs && (p.estimate, p.low, p.high) == (r.value, r.low, r.high)
                    }
                    (None, Some(sd)) => {
                        sd >= 0.0
                            && r.category == MEAN
                            && r.low <= r.value
                            && r.value <= r.high
                            && [r.value, r.low, r.high, sd].iter().all(|x| x.is_finite())
                    }
                    _ => false,
                };
                if !consistent {
                    return bad(format!(
                        "{at}: its value, interval, count and sd do not agree"
                    ));
                }
            }
        }
        Ok(())
    }

    /// Join the tables of a sweep's shards (in any order) into one, in point order: each must
    /// be of the same sweep ([`SweepJob`] equal but for the shards) and no shard may appear
    /// twice. The result may be incomplete ([`SweepTable::is_complete`]). Joined in full, the
    /// shards give the whole sweep's table bit for bit, its job included (one shard of one).
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::ensemble::Shard;
    /// use geoalign::analysis::sensitivity::Base;
    /// use geoalign::analysis::sweep::{Design, Sweep, SweepTable};
    /// let base = Base::builtin("builtin:csto-slow-decline").unwrap();
    /// let params = vec!["parameters.noise=0.01:0.05".parse().unwrap()];
    /// let sweep = Sweep::new(base, params, Design::Sobol { points: 4 }).runs_per_point(2);
    /// let parts: Vec<SweepTable> = (0..2)
    ///     .map(|index| sweep.clone().shard(Shard { index, count: 2 }).run(&|_| {}).unwrap())
    ///     .collect();
    /// let merged = SweepTable::merge(parts.into_iter().rev()).unwrap();
    /// assert_eq!(merged, sweep.run(&|_| {}).unwrap());
    /// ```
    pub fn merge(tables: impl IntoIterator<Item = SweepTable>) -> Result<SweepTable, SweepError> {
        let mut tables: Vec<SweepTable> = tables.into_iter().collect();
        let Some(first) = tables.first() else {
            return Err(SweepError::Mismatch("no tables to merge".into()));
        };
        let job = first.job.clone();
        for t in &tables {
            if let Some(field) = job.difference(&t.job) {
                return Err(SweepError::Mismatch(format!(
                    "the tables are of different sweeps: their `{field}` differs"
                )));
            }
        }
        tables.sort_by_key(|t| t.job.shards.first().copied());
        let mut shards: Vec<u32> = tables.iter().flat_map(|t| t.job.shards.clone()).collect();
        let count = shards.len();
        shards.sort_unstable();
        shards.dedup();
        if shards.len() != count {
            return Err(SweepError::Mismatch(
                "a shard appears in two tables: merge each shard once".into(),
            ));
        }
        // Shards sorted by their first index; a table holding non-adjacent shards would
        // interleave, so the rows are sorted by point (stable: within a point, output order).
        let mut rows: Vec<SweepRow> = tables.into_iter().flat_map(|t| t.rows).collect();
        rows.sort_by_key(|r| r.point);
        // Every shard: the whole sweep's table, with the whole sweep's job (one shard of
        // one), so that it equals the table one machine would have made.
        let (shard_count, shards) = if shards.len() == job.shard_count as usize {
            (1, vec![0])
        } else {
            (job.shard_count, shards)
        };
        let merged = SweepTable {
            job: SweepJob {
                shard_count,
                shards,
                ..job
            },
            rows,
        };
        merged.verify()?;
        Ok(merged)
    }
}

/// A sweep of a base scenario over named parameters (see the [module docs](self)); built with
/// [`Sweep::new`] and its setters, run with [`Sweep::run`].
#[derive(Clone, Debug)]
pub struct Sweep {
    study: Study,
    params: Vec<SweepParam>,
    design: Design,
    outputs: Vec<Arc<dyn Outcome>>,
    shard: Shard,
    /// The posterior sample of [`Sweep::posterior`] and the file it was read from.
    posterior: Option<(Arc<Posterior>, std::path::PathBuf)>,
}

impl Sweep {
    /// A sweep of `base` over `params` placed by `design`, with
    /// [`crate::analysis::sensitivity::DEFAULT_RUNS_PER_POINT`] runs per point, the CSTO
    /// futures as output, one thread per core, the design seed
    /// [`crate::analysis::sensitivity::DEFAULT_DESIGN_SEED`] and no shard. Nothing is checked
    /// until [`Sweep::run`] (or [`Sweep::job`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::sensitivity::Base;
    /// use geoalign::analysis::sweep::{Design, Sweep};
    /// let base = Base::builtin("builtin:eurasia-2025").unwrap();
    /// let params = vec!["parameters.noise=0.01:0.05".parse().unwrap(); 2];
    /// let sweep = Sweep::new(base, params, Design::Grid);
    /// assert!(sweep.points().unwrap_err().to_string().contains("given twice"));
    /// ```
    pub fn new(base: Base, params: Vec<SweepParam>, design: Design) -> Sweep {
        let ranges = params.iter().map(SweepParam::range).collect();
        Sweep {
            study: Study {
                outcome: None,
                base,
                params: ranges,
                runs_per_point: crate::analysis::sensitivity::DEFAULT_RUNS_PER_POINT,
                threads: 0,
                seed: crate::analysis::sensitivity::DEFAULT_DESIGN_SEED,
            },
            params,
            design,
            outputs: Vec::new(),
            shard: Shard::WHOLE,
            posterior: None,
        }
    }

    /// Draw each run's other parameters from `posterior`, a sample fitted on the base (read
    /// from `source`, which the job records): run `r` of every point draws its particle from
    /// [`crate::sim::posterior_rng`]`(seed, r)`, as an ensemble's run `r` does
    /// ([`crate::analysis::ensemble::Ensemble::posterior`]), and runs the base with the
    /// particle's values and then the point's (a key in both takes the point's value). Each
    /// point's outputs then carry the parameters' uncertainty as well as the runs' noise, and
    /// points still differ only by their own values: run `r` draws the same particle at every
    /// point. A point builds one scenario per distinct particle its runs draw.
    ///
    /// # Errors
    ///
    /// [`PosteriorError::Mismatch`] when the sample was fitted on a scenario of another
    /// fingerprint than the base; [`PosteriorError::Key`] when one of its keys cannot be set.
    pub fn posterior(
        mut self,
        posterior: Arc<Posterior>,
        source: &std::path::Path,
    ) -> Result<Sweep, SweepError> {
        posterior.check_base(source, &self.study.base)?;
        self.posterior = Some((posterior, source.to_path_buf()));
        Ok(self)
    }

    /// Runs at each design point (run indices `0..runs`, the same at every point).
    pub fn runs_per_point(mut self, runs: u64) -> Sweep {
        self.study.runs_per_point = runs;
        self
    }

    /// Add an output: an outcome whose category probabilities are reported
    /// ([`Base::outcome`] finds a declared or built-in one by name), or a quantity whose mean
    /// is ([`Base::quantity`]). With none, the CSTO futures. An output is built for the base's
    /// world and handed every point's: a point changes numbers, never which states, powers or
    /// institutions exist.
    pub fn output(mut self, output: Arc<dyn Outcome>) -> Sweep {
        self.outputs.push(output);
        self
    }

    /// Worker threads (0: one per core). The table does not depend on it.
    pub fn threads(mut self, threads: usize) -> Sweep {
        self.study.threads = threads;
        self
    }

    /// The seed of the design's draws (not of the runs, which use the scenario's seed).
    pub fn design_seed(mut self, seed: u64) -> Sweep {
        self.study.seed = seed;
        self
    }

    /// Evaluate only shard `shard` of the design points: the `index`-th of `count`
    /// contiguous, near-equal slices ([`Shard::runs`] applied to points).
    pub fn shard(mut self, shard: Shard) -> Sweep {
        self.shard = shard;
        self
    }

    /// The threads asked for (0: one per core).
    pub fn thread_count(&self) -> usize {
        self.study.threads
    }

    /// Points of the whole design (all shards).
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::sensitivity::Base;
    /// use geoalign::analysis::sweep::{Design, Sweep};
    /// let base = Base::builtin("builtin:eurasia-2025").unwrap();
    /// let params = vec![
    ///     "parameters.noise=0.01:0.05:8".parse().unwrap(),
    ///     "parameters.inertia=0.5:0.9".parse().unwrap(),
    /// ];
    /// assert_eq!(Sweep::new(base, params, Design::Grid).points().unwrap(), 8 * 5);
    /// ```
    pub fn points(&self) -> Result<usize, SweepError> {
        Ok(self.plan()?.points)
    }

    /// The design points this sweep's shard evaluates.
    pub fn point_range(&self) -> Result<Range<usize>, SweepError> {
        let points = self.points()? as u64;
        let r = self.shard.runs(points);
        Ok(r.start as usize..r.end as usize)
    }

    /// Every design point's parameter values (the whole design, in order), without running.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::sensitivity::Base;
    /// use geoalign::analysis::sweep::{Design, Sweep};
    /// let base = Base::builtin("builtin:eurasia-2025").unwrap();
    /// let params = vec!["parameters.noise=0.01:0.05:3".parse().unwrap()];
    /// let values = Sweep::new(base, params, Design::Grid).design_values().unwrap();
    /// assert_eq!(values, [[0.01], [0.03], [0.05]]);
    /// ```
    pub fn design_values(&self) -> Result<Vec<Vec<f64>>, SweepError> {
        let plan = self.plan()?;
        Ok((0..plan.points).map(|i| plan.values(i)).collect())
    }

    /// What this sweep is ([`SweepJob`]), checked as [`Sweep::run`] checks it but without
    /// running: the parameters and design, the runs, the outputs on the base's world, and the
    /// scenario at the design's first point (a key the format refuses is named here).
    pub fn job(&self) -> Result<SweepJob, SweepError> {
        Ok(self.prepare()?.job)
    }

    /// The memory the sweep will hold, predicted before any run (see [`SweepMemory`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::sensitivity::Base;
    /// use geoalign::analysis::sweep::{Design, Sweep};
    /// let base = Base::builtin("builtin:eurasia-2025").unwrap();
    /// let params = vec!["parameters.noise=0.01:0.05".parse().unwrap()];
    /// let m = Sweep::new(base, params, Design::Grid).memory().unwrap();
    /// assert!(m.per_worker > 1 << 20 && m.shared < 1 << 20);
    /// ```
    pub fn memory(&self) -> Result<SweepMemory, SweepError> {
        let Prepared { plan, job, .. } = self.prepare()?;
        let base = self.study.scenario_with(&[])?;
        let quantities = self.resolved_outputs(&base)?;
        let quantities = quantities.iter().filter(|o| o.is_quantity()).count() as u64;
        let per_worker = memory::design_point_bytes(&base)
            + quantities * self.study.runs_per_point.saturating_mul(8);
        let k = plan.params.len() as u64;
        let lhs = match plan.kind {
            PlanKind::Lhs { .. } => plan.points as u64 * k * 8,
            _ => 0,
        };
        let names: u64 = job
            .outputs
            .iter()
            .map(|o| o.len() as u64 + 32)
            .max()
            .unwrap_or(0);
        let points = self.point_range()?.len() as u64;
        let rows = points * job.rows_per_point as u64 * (ROW_BYTES + 8 * k + 2 * names);
        // A posterior sample: its values and weights, and the sampler's cumulative weights.
        let sample = self
            .posterior
            .as_ref()
            .map_or(0, |(p, _)| (p.len() as u64) * (p.keys.len() as u64 + 2) * 8);
        Ok(SweepMemory {
            per_worker,
            shared: lhs + rows + sample,
        })
    }

    /// The plan of the design.
    fn plan(&self) -> Result<Plan, SweepError> {
        Plan::new(&self.params, self.design, self.study.seed)
    }

    /// The outputs given, or the CSTO futures of `base`'s world.
    fn resolved_outputs(&self, base: &Scenario) -> Result<Vec<Arc<dyn Outcome>>, SweepError> {
        if !self.outputs.is_empty() {
            return Ok(self.outputs.clone());
        }
        CstoFutures::for_world(base.world())
            .map(|o| vec![Arc::new(o) as Arc<dyn Outcome>])
            .ok_or(SweepError::NoOutputs)
    }

    /// Check everything that can be checked before a run; the plan, the job and the outputs.
    fn prepare(&self) -> Result<Prepared, SweepError> {
        let plan = self.plan()?;
        let runs = self.study.runs_per_point;
        if runs == 0 {
            return Err(SweepError::NoRuns);
        }
        let base = self.study.scenario_with(&[])?;
        let outputs = self.resolved_outputs(&base)?;
        check_outcomes(&outputs, base.world())
            .map_err(|(name, reason)| SweepError::Output { name, reason })?;
        if let Some(q) = outputs.iter().find(|o| o.is_quantity()) {
            if runs < 2 {
                return Err(SweepError::QuantityNeedsRuns(q.name().to_string()));
            }
        }
        // The keys are checked on the design's first point, before any run (with the sample's
        // first particle under it).
        match &self.posterior {
            None => drop(self.study.scenario_with(&plan.values(0))?),
            Some((posterior, _)) => {
                drop(self.point_with_particle(&plan.values(0), posterior, 0)?)
            }
        }
        let rows_per_point = outputs
            .iter()
            .map(|o| {
                if o.is_quantity() {
                    1
                } else {
                    o.categories().len()
                }
            })
            .sum();
        let shard = self.shard;
        if shard.count == 0 || shard.index >= shard.count {
            return Err(SweepError::Mismatch(format!(
                "shard {shard}: no such shard"
            )));
        }
        let job = SweepJob {
            version: env!("CARGO_PKG_VERSION").to_string(),
            scenario: base.name().to_string(),
            fingerprint: fingerprint(&base),
            seed: base.seed(),
            design: self.design,
            design_seed: self.study.seed,
            params: self.params.clone(),
            points: plan.points,
            runs_per_point: runs,
            outputs: outputs.iter().map(|o| o.name().to_string()).collect(),
            rows_per_point,
            shard_count: shard.count,
            shards: vec![shard.index],
            posterior: self.posterior.as_ref().map(|(p, source)| p.record(source)),
        };
        Ok(Prepared { plan, job, outputs })
    }

    /// The base with `particle`'s values of `posterior` set, then the point's `values` (a key
    /// in both takes the point's value).
    fn point_with_particle(
        &self,
        values: &[f64],
        posterior: &Posterior,
        particle: usize,
    ) -> Result<Scenario, SweepError> {
        let keys: Vec<&str> = posterior
            .keys
            .iter()
            .map(String::as_str)
            .chain(self.study.params.iter().map(|p| p.key.as_str()))
            .collect();
        let all: Vec<f64> = posterior
            .particle(particle)
            .iter()
            .chain(values)
            .copied()
            .collect();
        Ok(self.study.base.with_values(&keys, &all)?)
    }

    /// The rows of design point `point`; with a posterior sample, run `r` draws its particle
    /// from the stream of `(seed, r)`.
    fn evaluate(
        &self,
        plan: &Plan,
        point: usize,
        outputs: &[Arc<dyn Outcome>],
        seed: u64,
    ) -> Result<Vec<SweepRow>, SweepError> {
        let values = plan.values(point);
        let runs = self.study.runs_per_point;
        // The runs each scenario of the point serves: every run, or with a posterior sample
        // the runs of each distinct particle they draw, in particle order. One scenario is
        // built at a time, so a worker holds one point's scenario, as without a sample.
        let groups: Vec<(Option<usize>, Vec<u64>)> = match &self.posterior {
            None => vec![(None, (0..runs).collect())],
            Some((posterior, _)) => {
                let sampler = posterior.sampler();
                let mut by_particle: std::collections::BTreeMap<usize, Vec<u64>> =
                    std::collections::BTreeMap::new();
                for run in 0..runs {
                    by_particle
                        .entry(sampler.of_run(seed, run))
                        .or_default()
                        .push(run);
                }
                by_particle.into_iter().map(|(p, r)| (Some(p), r)).collect()
            }
        };
        let mut counts: Vec<OutcomeCounts> = outputs
            .iter()
            .map(|o| OutcomeCounts::new(o.as_ref()))
            .collect();
        let quantities: Vec<usize> = (0..outputs.len())
            .filter(|&j| outputs[j].is_quantity())
            .collect();
        // Each run's value at its own index, so that the mean and sd sum in run order whatever
        // the grouping.
        let mut measured = vec![vec![0.0; runs as usize]; quantities.len()];
        let mut watch = Watch::new(outputs);
        for (particle, group) in &groups {
            let scenario = match (particle, &self.posterior) {
                (Some(j), Some((posterior, _))) => {
                    self.point_with_particle(&values, posterior, *j)?
                }
                _ => self.study.scenario_with(&values)?,
            };
            let sim = Simulation::new(scenario);
            let world = sim.scenario().world();
            for &run in group {
                let end = sim
                    .run(run, &mut watch)
                    .map_err(|source| SweepError::Run { point, source })?;
                watch.tally(world, &end, &mut counts);
                for (values, &j) in measured.iter_mut().zip(&quantities) {
                    let x = watch.quantity(j).filter(|x| x.is_finite()).ok_or_else(|| {
                        SweepError::Output {
                            name: outputs[j].name().to_string(),
                            reason: format!(
                                "measured no finite value in run {run} of point {point}"
                            ),
                        }
                    })?;
                    values[run as usize] = x;
                }
            }
        }
        let mut rows = Vec::new();
        let mut next_quantity = measured.iter();
        for (outcome, counts) in outputs.iter().zip(&counts) {
            let row = |category: &str, value, low, high, sd, count| SweepRow {
                point,
                values: values.clone(),
                output: outcome.name().to_string(),
                category: category.to_string(),
                value,
                low,
                high,
                sd,
                count,
                runs,
            };
            if outcome.is_quantity() {
                let xs = next_quantity.next().map_or(&[][..], Vec::as_slice);
                let (mean, sd) = mean_sd(xs);
                let half = t95((xs.len() - 1) as f64) * sd / (xs.len() as f64).sqrt();
                rows.push(row(MEAN, mean, mean - half, mean + half, Some(sd), None));
            } else {
                for (category, &count) in counts.categories.iter().zip(&counts.counts) {
                    let p = Proportion::wilson(count, runs);
                    rows.push(row(category, p.estimate, p.low, p.high, None, Some(count)));
                }
            }
        }
        Ok(rows)
    }

    /// Run the sweep's shard and hand its rows to `sink` one design point at a time, in point
    /// order, holding only a batch of points' rows at once (a few per thread); `progress` is
    /// called with the runs done so far. Returns the job. Everything that can be checked is
    /// checked before the first run ([`Sweep::job`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::sensitivity::Base;
    /// use geoalign::analysis::sweep::{Design, Sweep};
    /// let base = Base::builtin("builtin:csto-slow-decline").unwrap();
    /// let params = vec!["parameters.noise=0.01:0.05:2".parse().unwrap()];
    /// let mut points = Vec::new();
    /// Sweep::new(base, params, Design::Grid)
    ///     .runs_per_point(2)
    ///     .for_each_point(&|_| {}, &mut |rows| {
    ///         points.push(rows[0].point);
    ///         Ok(())
    ///     })
    ///     .unwrap();
    /// assert_eq!(points, [0, 1]);
    /// ```
    pub fn for_each_point(
        &self,
        progress: &(dyn Fn(u64) + Sync),
        sink: &mut dyn FnMut(Vec<SweepRow>) -> Result<(), SweepError>,
    ) -> Result<SweepJob, SweepError> {
        let Prepared { plan, job, outputs } = self.prepare()?;
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(self.study.threads)
            .build()
            .map_err(|e| SweepError::Threads(e.to_string()))?;
        let batch = pool.current_num_threads().max(1) * BATCH_PER_THREAD;
        let runs = self.study.runs_per_point;
        let done = AtomicU64::new(0);
        let range = self.point_range()?;
        let mut start = range.start;
        while start < range.end {
            let end = (start + batch).min(range.end);
            // `collect` keeps point order: the rows do not depend on the threads.
            let rows: Vec<Vec<SweepRow>> = pool.install(|| {
                (start..end)
                    .into_par_iter()
                    .map(|point| {
                        let rows = self.evaluate(&plan, point, &outputs, job.seed);
                        progress(done.fetch_add(runs, Ordering::Relaxed) + runs);
                        rows
                    })
                    .collect::<Result<_, _>>()
            })?;
            for point in rows {
                sink(point)?;
            }
            start = end;
        }
        Ok(job)
    }

    /// Run the sweep's shard and return its table; `progress` is called with the runs done so
    /// far.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::sensitivity::Base;
    /// use geoalign::analysis::sweep::{Design, Sweep};
    /// let base = Base::builtin("builtin:csto-slow-decline").unwrap();
    /// let quantity = base.quantity("Armenia.Russia@horizon").unwrap();
    /// let params = vec!["parameters.noise=0.01:0.05".parse().unwrap()];
    /// let table = Sweep::new(base, params, Design::Lhs { points: 3 })
    ///     .runs_per_point(4)
    ///     .output(quantity)
    ///     .run(&|_| {})
    ///     .unwrap();
    /// assert_eq!(table.rows.len(), 3);
    /// assert!(table.rows.iter().all(|r| r.category == "mean" && r.sd.is_some()));
    /// ```
    pub fn run(&self, progress: &(dyn Fn(u64) + Sync)) -> Result<SweepTable, SweepError> {
        let mut rows = Vec::new();
        let job = self.for_each_point(progress, &mut |mut point| {
            rows.append(&mut point);
            Ok(())
        })?;
        Ok(SweepTable { job, rows })
    }
}

/// What [`Sweep::prepare`] checked and built: the design's plan, the job, the outputs.
struct Prepared {
    plan: Plan,
    job: SweepJob,
    outputs: Vec<Arc<dyn Outcome>>,
}

/// The mean and sample standard deviation of `xs`, summed in order (0 for fewer than two).
fn mean_sd(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    if xs.is_empty() {
        return (0.0, 0.0);
    }
    let mean = xs.iter().sum::<f64>() / n;
    if xs.len() < 2 {
        return (mean, 0.0);
    }
    let ss: f64 = xs.iter().map(|x| (x - mean) * (x - mean)).sum();
    (mean, (ss / (n - 1.0)).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn param(text: &str) -> SweepParam {
        text.parse().unwrap()
    }

    #[test]
    fn grid_visits_every_combination_last_parameter_fastest() {
        let params = [param("a=0:1:2"), param("b=10:20:3")];
        let plan = Plan::new(&params, Design::Grid, 1).unwrap();
        let values: Vec<Vec<f64>> = (0..plan.points).map(|i| plan.values(i)).collect();
        assert_eq!(
            values,
            [
                [0.0, 10.0],
                [0.0, 15.0],
                [0.0, 20.0],
                [1.0, 10.0],
                [1.0, 15.0],
                [1.0, 20.0]
            ]
        );
    }

    #[test]
    fn latin_hypercube_puts_one_point_in_each_stratum_of_each_parameter() {
        let (k, m) = (4, 37);
        let unit = lhs(k, m, 9);
        for d in 0..k {
            let mut strata: Vec<usize> = (0..m)
                .map(|i| (unit[i * k + d] * m as f64) as usize)
                .collect();
            strata.sort_unstable();
            assert_eq!(strata, (0..m).collect::<Vec<_>>());
        }
    }

    #[test]
    fn sobol_points_of_a_power_of_two_fill_each_stratum_once() {
        let params = [param("a=0:1"), param("b=0:1"), param("c=0:1")];
        let plan = Plan::new(&params, Design::Sobol { points: 64 }, 5).unwrap();
        for d in 0..3 {
            let mut strata: Vec<usize> =
                (0..64).map(|i| (plan.unit(i)[d] * 64.0) as usize).collect();
            strata.sort_unstable();
            assert_eq!(strata, (0..64).collect::<Vec<_>>());
        }
    }

    #[test]
    fn mean_sd_matches_the_textbook_values() {
        let (mean, sd) = mean_sd(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]);
        assert_eq!(mean, 5.0);
        assert!((sd - (32.0f64 / 7.0).sqrt()).abs() < 1e-12);
    }
}
