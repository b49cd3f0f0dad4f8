//! Paired comparisons of two scenarios: run `r` of the base and run `r` of the alternative
//! draw from the same `(seed, r)` streams (common random numbers), so each run's difference
//! holds the scenarios' difference and little of the noise, and the interval of the mean
//! difference is much narrower than an unpaired comparison of two ensembles would give.
//!
//! ```
//! use geoalign::analysis::compare::Comparison;
//! use geoalign::presets;
//!
//! let base = presets::eurasia_2025();
//! let alt = presets::csto_futures()[0].clone();
//! let paired = Comparison::new(base, alt, 8).unwrap().threads(2).run().unwrap();
//! let armenia = paired.state("Armenia").unwrap();
//! let russia = paired.component("Russia").unwrap();
//! let d = paired.alignment(paired.steps, armenia, russia).unwrap();
//! assert!(d.low <= d.mean && d.mean <= d.high);
//! // The same scenario against itself: exactly no difference.
//! let same = Comparison::new(presets::eurasia_2025(), presets::eurasia_2025(), 4).unwrap().run().unwrap();
//! assert_eq!(same.alignment(same.steps, armenia, russia).unwrap().mean, 0.0);
//! ```
//!
//! **What is compared.** Per recorded step × state × component (each power, then autonomy)
//! the mean paired difference `alt − base` with its 95 % interval ([`Difference`]); the same
//! for the cohesion and credibility of every institution (both scenarios have the same ones); and
//! per category of every [`Outcome`] the difference in probability with Newcombe's paired
//! interval and the share of runs whose category changed ([`OutcomeDifference`]).
//!
//! **Intervals.** A mean difference's interval is Student's t with `runs − 1` degrees of
//! freedom on the paired differences' sample standard deviation ([`interval::t95`]). Reason:
//! the differences of one cell are independent across runs (each run has its own streams),
//! so the mean's standard error is `sd / √runs` whatever their distribution; t rather than
//! the normal quantile keeps the interval honest for the small ensembles of a first look (at
//! 10 runs t is 2.26, not 1.96), and equals the normal's to three decimals from a few
//! hundred runs. Proportions use [`interval::newcombe_paired`].
//!
//! **Determinism and shards.** Every accumulator is an integer sum (of fixed-point values, as
//! the ensemble's sketches), runs are
//! handed out by the ensemble's worker pool in blocks, and partials merge by integer
//! addition: a [`PairedSummary`] is bit-identical for any thread count and any split into
//! shards merged with [`PairedSummary::merge`].
//!
//! **Parameter uncertainty.** With a posterior sample ([`Comparison::posterior`]), run `r`
//! draws one particle from [`crate::sim::posterior_rng`]`(seed, r)` and both scenarios take
//! it: common random numbers extended to the parameters, so a difference is the
//! alternative's effect under the same parameters, averaged over the sample.
//!
//! **Cost.** A worker runs the base, keeping only that run's recorded values (one number a
//! recorded cell, [`Comparison::memory_estimate`]), then the alternative, which adds each
//! paired difference as it goes: no trajectory of the alternative and nothing per run beyond
//! the pair is held.

pub mod interval;
mod moments;
mod run;

use crate::analysis::ensemble::memory::{self, MemoryEstimate};
use crate::analysis::ensemble::particles::{self, Particles};
use crate::analysis::ensemble::{EnsembleError, Shard, BLOCK};
use crate::analysis::outcome::{check_outcomes, declared_outcomes, default_outcomes, Outcome};
use crate::analysis::posterior::{Posterior, PosteriorError, PosteriorRecord};
use crate::analysis::sensitivity::Base;
use crate::model::{YearMonth, AUTONOMY};
use crate::sim::Scenario;
use interval::{newcombe_paired, t95, welch_half_width};
use moments::{Moments, DIFF_SQ_SCALE};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

/// A failure to set up, run or merge a comparison.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CompareError {
    /// Both scenarios declare an outcome of this name, with different conditions: one
    /// comparison asks each run one question per name.
    #[error("both scenarios declare an outcome named `{name}`, with different conditions; a comparison asks both sides the same question, so rename one of them")]
    OutcomeClash {
        /// The outcome's name.
        name: String,
    },
    /// The two scenarios cannot be paired step for step.
    #[error("cannot compare `{base}` with `{alt}`: {what} differs (base: {base_value}; alternative: {alt_value}); {advice}")]
    Incompatible {
        /// The base scenario's name.
        base: String,
        /// The alternative scenario's name.
        alt: String,
        /// What differs: `start`, `steps`, `states`, `powers`, `institutions` or `members`.
        what: &'static str,
        /// The base's value.
        base_value: String,
        /// The alternative's value.
        alt_value: String,
        /// What to change.
        advice: &'static str,
    },
    /// Running failed, or the job was refused (runs, threads, shard, memory, outcomes).
    #[error(transparent)]
    Ensemble(#[from] EnsembleError),
    /// Two partial comparisons cannot be merged.
    #[error("cannot merge: {0}")]
    Mismatch(String),
    /// A partial comparison is inconsistent in itself (a hand-edited or damaged file).
    #[error("`{field}`: {reason}")]
    Corrupt {
        /// Where, as a JSON path into the comparison.
        field: String,
        /// What is inconsistent.
        reason: String,
    },
}

/// A paired comparison of two scenarios: `runs` runs of each (or one shard of them), run `r`
/// of both on the streams of `(seed, r)`, reduced into a [`PairedSummary`]. See the module
/// docs.
#[derive(Clone, Debug)]
pub struct Comparison {
    base: Scenario,
    alt: Scenario,
    /// The seeds the two scenarios carried before the comparison set one for both.
    own_seeds: (u64, u64),
    runs: u64,
    threads: usize,
    shard: Shard,
    outcomes: Vec<Arc<dyn Outcome>>,
    record_every: u32,
    max_memory: Option<u64>,
    /// The base's and the alternative's particles of a posterior sample: one sample, one
    /// seed, so run `r` draws the same particle on both sides ([`Comparison::posterior`]).
    particles: Option<(Arc<Particles>, Arc<Particles>)>,
}

impl Comparison {
    /// Pair `base` with `alt` for `runs` runs, on all cores, as one shard, counting the
    /// [`default_outcomes`] of the base's world and the outcomes either scenario declares
    /// ([`declared_outcomes`]; the base's when both declare one name), with the base's seed
    /// for both.
    ///
    /// # Errors
    ///
    /// [`CompareError::Incompatible`] when the scenarios do not start in the same month, do
    /// not run the same number of steps, or do not have the same states, powers,
    /// institutions and members (by name, in the same order): their runs could not be paired step for step. A horizon is not cut
    /// to the common months, because the scenarios' drivers and outcomes are defined on their
    /// own horizons; set both to the same `steps` instead.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::compare::{Comparison, CompareError};
    /// let base = geoalign::presets::eurasia_2025();
    /// let mut short = base.clone();
    /// short.set_steps(60).unwrap();
    /// let err = Comparison::new(base, short, 10).unwrap_err();
    /// assert!(matches!(err, CompareError::Incompatible { what: "steps", .. }));
    /// ```
    pub fn new(base: Scenario, mut alt: Scenario, runs: u64) -> Result<Comparison, CompareError> {
        compatible(&base, &alt)?;
        let own_seeds = (base.seed(), alt.seed());
        alt.set_seed(base.seed());
        // The defaults, then each side's declared outcomes (the base's first; an outcome both
        // declare under one name is counted once, as the base declares it). Two different
        // questions under one name would silently lose the alternative's: refused.
        for spec in alt.outcomes() {
            if let Some(other) = base.outcomes().iter().find(|o| o.name == spec.name) {
                if other != spec {
                    return Err(CompareError::OutcomeClash {
                        name: spec.name.clone(),
                    });
                }
            }
        }
        let mut outcomes = default_outcomes(base.world());
        for outcome in declared_outcomes(&base)
            .into_iter()
            .chain(declared_outcomes(&alt))
        {
            if outcomes.iter().all(|o| o.name() != outcome.name()) {
                outcomes.push(outcome);
            }
        }
        Ok(Comparison {
            base,
            alt,
            own_seeds,
            runs,
            threads: 0,
            shard: Shard::WHOLE,
            outcomes,
            record_every: 0,
            max_memory: None,
            particles: None,
        })
    }

    /// Draw each run pair's parameters from `posterior`, a sample fitted on `base` (read from
    /// `source`): run `r` draws its particle from [`crate::sim::posterior_rng`]`(seed, r)`,
    /// and the base and the alternative both run with it, `base` and `alt` built with the
    /// particle's values ([`Base::with_values`]) under the comparison's seed. The sample's
    /// fingerprint is checked against `base` only; its keys must be settable on both.
    /// The comparison's scenarios must be `base` and `alt` (up to their seeds).
    ///
    /// # Errors
    ///
    /// [`PosteriorError::Mismatch`] when the sample was fitted on another scenario than
    /// `base`; [`PosteriorError::Key`] when a key cannot be set on either;
    /// [`PosteriorError::Invalid`] when the comparison's scenarios are not `base` and `alt`.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::{compare::Comparison, posterior::Posterior, sensitivity::Base};
    /// use std::sync::Arc;
    /// let base = Base::builtin("builtin:csto-slow-decline").unwrap();
    /// let posterior = Posterior::new(
    ///     base.name().to_string(),
    ///     base.fingerprint(),
    ///     vec!["parameters.noise".into()],
    ///     vec![0.5, 0.5],
    ///     vec![vec![0.01], vec![0.08]],
    /// )
    /// .unwrap();
    /// // A scenario compared with itself: the same particle on both sides, no difference.
    /// let (b, a) = (base.scenario().unwrap(), base.scenario().unwrap());
    /// let paired = Comparison::new(b, a, 6)
    ///     .unwrap()
    ///     .posterior(&base, &base, Arc::new(posterior), "fit.csv".as_ref())
    ///     .unwrap()
    ///     .run()
    ///     .unwrap();
    /// let (_, _, d) = paired.largest_at_horizon(1)[0];
    /// assert_eq!(d.mean, 0.0);
    /// assert_eq!(paired.posterior.unwrap().particles, 2);
    /// ```
    pub fn posterior(
        mut self,
        base: &Base,
        alt: &Base,
        posterior: Arc<Posterior>,
        source: &std::path::Path,
    ) -> Result<Comparison, PosteriorError> {
        posterior.check_base(source, base)?;
        posterior.check_keys(source, alt)?;
        for (side, scenario, b) in [("base", &self.base, base), ("alternative", &self.alt, alt)] {
            if !particles::is_base(scenario, b) {
                return Err(PosteriorError::Invalid(format!(
                    "the comparison's {side} scenario is not {:?}, the one given for the posterior",
                    b.name()
                )));
            }
        }
        let record = posterior.record(source);
        self.particles = Some((
            Arc::new(Particles::new(
                base.clone(),
                Arc::clone(&posterior),
                &self.base,
                record.clone(),
            )),
            Arc::new(Particles::new(alt.clone(), posterior, &self.alt, record)),
        ));
        Ok(self)
    }

    /// Use `seed` for both scenarios instead of the base's.
    pub fn seed(mut self, seed: u64) -> Comparison {
        self.base.set_seed(seed);
        self.alt.set_seed(seed);
        // A posterior's draws and particles follow the seed.
        if let Some((b, a)) = &self.particles {
            self.particles = Some((
                Arc::new(b.reseeded(&self.base)),
                Arc::new(a.reseeded(&self.alt)),
            ));
        }
        self
    }

    /// Count exactly `outcomes` in both scenarios (none: no outcome is counted); of two with
    /// the same name the later is kept. Each must be able to read both worlds
    /// ([`Outcome::check`]).
    pub fn outcomes(mut self, outcomes: impl IntoIterator<Item = Arc<dyn Outcome>>) -> Comparison {
        self.outcomes.clear();
        for outcome in outcomes {
            match self
                .outcomes
                .iter()
                .position(|o| o.name() == outcome.name())
            {
                Some(i) => self.outcomes[i] = outcome,
                None => self.outcomes.push(outcome),
            }
        }
        self
    }

    /// The outcomes counted, in the summary's order.
    pub fn outcome_list(&self) -> &[Arc<dyn Outcome>] {
        &self.outcomes
    }

    /// Use `threads` worker threads (0: one per core). Results do not depend on it.
    pub fn threads(mut self, threads: usize) -> Comparison {
        self.threads = threads;
        self
    }

    /// Run only shard `shard` of the runs ([`Shard::runs`]).
    pub fn shard(mut self, shard: Shard) -> Comparison {
        self.shard = shard;
        self
    }

    /// Record one step in `every` (and always the horizon); 0, the default, chooses as
    /// [`crate::analysis::ensemble::Ensemble::record_every`] does. Outcomes see every step.
    pub fn record_every(mut self, every: u32) -> Comparison {
        self.record_every = every;
        self
    }

    /// Refuse to run when the predicted peak memory is over `bytes` with one worker, and
    /// start no more workers than fit (default: [`memory::default_limit`]).
    pub fn max_memory(mut self, bytes: u64) -> Comparison {
        self.max_memory = Some(bytes);
        self
    }

    /// The base scenario, with the comparison's seed.
    pub fn base(&self) -> &Scenario {
        &self.base
    }

    /// The alternative scenario, with the comparison's seed.
    pub fn alt(&self) -> &Scenario {
        &self.alt
    }

    /// The run indices this comparison (shard) runs.
    pub fn run_range(&self) -> std::ops::Range<u64> {
        self.shard.runs(self.runs)
    }

    /// The recording cadence: as set, or automatic ([`crate::analysis::ensemble::AUTO_RECORDED_STEPS`]).
    pub fn recording_every(&self) -> u32 {
        match self.record_every {
            0 => self
                .base
                .steps()
                .div_ceil(crate::analysis::ensemble::AUTO_RECORDED_STEPS)
                .max(1),
            n => n,
        }
    }

    /// When the two scenarios carried different seeds: a sentence saying which one the
    /// comparison uses for both.
    pub fn seed_note(&self) -> Option<String> {
        seed_note(self.own_seeds, self.base.seed())
    }

    /// The predicted peak memory of [`Comparison::run`], in the ensemble's terms
    /// ([`MemoryEstimate`]): `summary` is the paired accumulator (five sums a cell, 80
    /// bytes), `pending` the base run's recorded values a worker holds for the pairing (8
    /// bytes a cell), `run` both runs' states, `shared` both scenarios' share.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::compare::Comparison;
    /// use geoalign::analysis::ensemble::Ensemble;
    /// let s = geoalign::presets::eurasia_2025();
    /// let paired = Comparison::new(s.clone(), s.clone(), 100).unwrap().threads(1).memory_estimate();
    /// let single = Ensemble::new(s, 100).threads(1).memory_estimate();
    /// // Sums without histograms: a tenth of an ensemble's accumulator.
    /// assert!(paired.summary * 5 < single.summary);
    /// ```
    pub fn memory_estimate(&self) -> MemoryEstimate {
        let range = self.run_range();
        let threads = match self.threads {
            0 => std::thread::available_parallelism().map_or(1, usize::from),
            n => n,
        };
        let plan = memory::Plan {
            record_every: self.recording_every(),
            similarity: false,
            threads,
            blocks: (range.end - range.start).div_ceil(BLOCK),
            limit: self.max_memory.unwrap_or_else(memory::default_limit),
            process: memory::resident_memory().unwrap_or(memory::PROCESS_BYTES),
        };
        let layout = run::Layout::new(&self.base);
        let cells = layout.cells(self.base.steps(), plan.record_every) as u64;
        let categories: u64 = self
            .outcomes
            .iter()
            .map(|o| (o.categories().len() as u64).pow(2) * 8 + 64)
            .sum();
        let estimate = memory::paired_estimate(&self.base, &self.alt, plan, cells, categories);
        match &self.particles {
            // Each particle drawn is built twice, once per side.
            Some((b, _)) => {
                let n = b.distinct(self.run_range());
                let estimate = memory::with_particles(estimate, &self.base, plan, n);
                memory::with_particles(estimate, &self.alt, plan, n)
            }
            None => estimate,
        }
    }

    /// Run it and return the paired summary.
    pub fn run(&self) -> Result<PairedSummary, CompareError> {
        self.run_with_progress(&|_| {})
    }

    /// Run it, calling `progress` with the number of run pairs done so far after each block.
    pub fn run_with_progress(
        &self,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<PairedSummary, CompareError> {
        run::run(self, progress)
    }
}

/// The sentence of [`Comparison::seed_note`].
fn seed_note((base, alt): (u64, u64), used: u64) -> Option<String> {
    (base != alt || used != base).then(|| {
        format!(
            "both scenarios run with seed {used} (common random numbers; the base's seed is {base}, the alternative's {alt})"
        )
    })
}

/// The two scenarios can be paired step for step: same start, steps, states and powers.
fn compatible(base: &Scenario, alt: &Scenario) -> Result<(), CompareError> {
    let differ = |what, b: String, a: String, advice| CompareError::Incompatible {
        base: base.name().to_string(),
        alt: alt.name().to_string(),
        what,
        base_value: b,
        alt_value: a,
        advice,
    };
    if base.start() != alt.start() {
        return Err(differ(
            "start",
            base.start().to_string(),
            alt.start().to_string(),
            "paired runs must start in the same month; give both the same [horizon] start",
        ));
    }
    if base.steps() != alt.steps() {
        return Err(differ(
            "steps",
            base.steps().to_string(),
            alt.steps().to_string(),
            "paired runs must have the same horizon; give both the same [horizon] steps",
        ));
    }
    let names = |s: &Scenario, what: &str| -> Vec<String> {
        let w = s.world();
        match what {
            "states" => w.states().iter().map(|x| x.name.clone()).collect(),
            "powers" => w.powers().iter().map(|x| x.name.clone()).collect(),
            "institutions" => w.institutions().iter().map(|x| x.name.clone()).collect(),
            // Each institution's members in order: outcomes read a member by its place.
            _ => w
                .institutions()
                .iter()
                .map(|i| {
                    let members = i
                        .members
                        .iter()
                        .map(|&(s, _)| w.states()[s.index()].name.as_str());
                    format!("{}: {}", i.name, members.collect::<Vec<_>>().join(", "))
                })
                .collect(),
        }
    };
    // Institutions too: the outcomes both sides count are built once, on the base's world,
    // and read institutions by their place in it (a what-if that drops a bloc is written as
    // its members' `exit` events instead, which keeps the institution and pairs the runs).
    for what in ["states", "powers", "institutions", "members"] {
        let (b, a) = (names(base, what), names(alt, what));
        if b != a {
            return Err(differ(
                what,
                first_difference(&b, &a),
                first_difference(&a, &b),
                "a comparison pairs the same states, powers, institutions and members, in the same order (a member that leaves in the what-if is written as an `exit` event, not removed)",
            ));
        }
    }
    Ok(())
}

/// The first name of `a` that is not at the same place in `b` (or where `a` ends).
fn first_difference(a: &[String], b: &[String]) -> String {
    match a.iter().zip(b).position(|(x, y)| x != y) {
        Some(i) => format!("`{}` at position {}", a[i], i + 1),
        None if a.len() > b.len() => format!("`{}` at position {}", a[b.len()], b.len() + 1),
        None => format!("{} in all", a.len()),
    }
}

/// One side of a comparison, as the paired summary records it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Side {
    /// The scenario's name.
    pub name: String,
    /// Its fingerprint with the comparison's seed (as an ensemble's [`crate::analysis::ensemble::Summary::fingerprint`]).
    pub fingerprint: u64,
    /// The seed the scenario itself carries.
    pub own_seed: u64,
}

/// Per outcome: the runs counted in each (alternative category, base category) pair.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairedCounts {
    /// The outcome's name.
    pub name: String,
    /// Its categories, in index order.
    pub categories: Vec<String>,
    /// `table[alt × categories + base]`: runs whose alternative ended in category `alt` and
    /// whose base ended in `base`.
    pub table: Vec<u64>,
}

impl PairedCounts {
    /// Runs with the alternative in `alt` and the base in `base`.
    pub fn count(&self, alt: usize, base: usize) -> u64 {
        let k = self.categories.len();
        self.table.get(alt * k + base).copied().unwrap_or(0)
    }
}

/// The streaming summary of a paired comparison (or one shard of it); its size depends on
/// the world, the horizon and the outcomes, never on the runs. See the module docs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PairedSummary {
    /// The crate version that produced it.
    pub version: String,
    /// The base scenario.
    pub base: Side,
    /// The alternative scenario.
    pub alt: Side,
    /// The seed both ran with.
    pub seed: u64,
    /// Date of step 0.
    pub start: YearMonth,
    /// The horizon.
    pub steps: u32,
    /// One step in `record_every` is recorded, and the horizon.
    pub record_every: u32,
    /// Power names, in id order.
    pub powers: Vec<String>,
    /// State names, in id order.
    pub states: Vec<String>,
    /// The institutions (both scenarios have the same, in the same order).
    pub institutions: Vec<String>,
    /// Runs planned for the whole comparison.
    pub planned_runs: u64,
    /// Shards the comparison is split into (1 once merged).
    pub shard_count: u32,
    /// Shards held, ascending.
    pub shards: Vec<u32>,
    /// Run pairs folded in.
    pub runs: u64,
    /// Per outcome, the paired category counts.
    pub outcomes: Vec<PairedCounts>,
    /// Per recorded step: every state's components, then per institution cohesion and
    /// credibility.
    pub(crate) moments: Moments,
    /// The posterior sample each run pair drew its parameters from
    /// ([`Comparison::posterior`]); `None`, and left out of the JSON, without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub posterior: Option<PosteriorRecord>,
}

/// One mean paired difference `alt − base` with its 95 % interval, and the two sides' means.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Difference {
    /// Mean of `alt − base` over the runs.
    pub mean: f64,
    /// Lower end of its 95 % interval (t with `runs − 1` degrees of freedom); −1 with fewer
    /// than two runs, where no spread can be estimated.
    pub low: f64,
    /// Upper end (1 with fewer than two runs).
    pub high: f64,
    /// Sample standard deviation of the paired differences.
    pub sd: f64,
    /// Mean of the base.
    pub base_mean: f64,
    /// Sample standard deviation of the base.
    pub base_sd: f64,
    /// Mean of the alternative.
    pub alt_mean: f64,
    /// Sample standard deviation of the alternative.
    pub alt_sd: f64,
    /// Run pairs.
    pub runs: u64,
}

impl Difference {
    /// Width of the paired 95 % interval.
    pub fn width(&self) -> f64 {
        self.high - self.low
    }

    /// Width of the 95 % interval an unpaired comparison of the same two ensembles would
    /// give: Welch's, from the two marginal standard deviations
    /// ([`interval::welch_half_width`]).
    pub fn unpaired_width(&self) -> f64 {
        2.0 * welch_half_width(self.base_sd, self.alt_sd, self.runs)
    }
}

/// The difference in probability of one category of an outcome, `P(alt) − P(base)`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutcomeDifference {
    /// P(category) in the base.
    pub p_base: f64,
    /// P(category) in the alternative.
    pub p_alt: f64,
    /// `p_alt − p_base`.
    pub difference: f64,
    /// Lower end of Newcombe's paired 95 % interval ([`interval::newcombe_paired`]).
    pub low: f64,
    /// Upper end.
    pub high: f64,
    /// Share of runs in the category on one side only: the runs the change moved into or out
    /// of it.
    pub changed_share: f64,
    /// Run pairs.
    pub runs: u64,
}

/// A measure of an institution in a comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InstitutionMeasure {
    /// [`crate::RunState::cohesion`].
    Cohesion,
    /// The institution's credibility.
    Credibility,
}

impl InstitutionMeasure {
    /// Both, in file order.
    pub const ALL: [InstitutionMeasure; 2] = [
        InstitutionMeasure::Cohesion,
        InstitutionMeasure::Credibility,
    ];

    /// `cohesion` or `credibility`.
    pub fn name(self) -> &'static str {
        match self {
            InstitutionMeasure::Cohesion => "cohesion",
            InstitutionMeasure::Credibility => "credibility",
        }
    }
}

impl PairedSummary {
    /// Components per state (powers, then autonomy).
    pub fn components(&self) -> usize {
        self.powers.len() + 1
    }

    /// Cells of the paired moments (recorded steps × cells a step), as held.
    pub(crate) fn moment_cells(&self) -> usize {
        self.moments.cells()
    }

    /// Cells per recorded step.
    fn width(&self) -> usize {
        self.states.len() * self.components() + 2 * self.institutions.len()
    }

    /// The row of model step `step`, if recorded.
    fn row(&self, step: u32) -> Option<usize> {
        crate::analysis::ensemble::recorded_row(step, self.steps, self.record_every)
    }

    /// The recorded model steps, ascending (0, `record_every`, …, and the horizon).
    pub fn recorded_steps(&self) -> impl Iterator<Item = u32> + '_ {
        let every = self.record_every.max(1);
        (0..=self.steps)
            .step_by(every as usize)
            .chain((self.steps % every != 0).then_some(self.steps))
    }

    /// The date of model step `step`.
    pub fn date_of(&self, step: u32) -> YearMonth {
        self.start.add_months(step)
    }

    /// The index of the state named `name`.
    pub fn state(&self, name: &str) -> Option<usize> {
        self.states.iter().position(|s| s == name)
    }

    /// The index of the component named `name`: a power, or `autonomy` (the last).
    pub fn component(&self, name: &str) -> Option<usize> {
        if name == AUTONOMY {
            return Some(self.powers.len());
        }
        self.powers.iter().position(|p| p == name)
    }

    /// The name of component `c`.
    pub fn component_name(&self, c: usize) -> &str {
        self.powers.get(c).map_or(AUTONOMY, String::as_str)
    }

    /// Whether every shard is in.
    pub fn is_complete(&self) -> bool {
        self.shards.len() == self.shard_count as usize
    }

    /// When the scenarios carried different seeds: the sentence saying which one both used.
    pub fn seed_note(&self) -> Option<String> {
        seed_note((self.base.own_seed, self.alt.own_seed), self.seed)
    }

    /// The difference of `cell` of recorded row `row`.
    fn difference(&self, row: usize, offset: usize) -> Option<Difference> {
        let cell = row.checked_mul(self.width())?.checked_add(offset)?;
        let m = &self.moments;
        if cell >= m.cells() {
            return None;
        }
        Some(difference_of(
            m.base[cell],
            m.base_sq[cell],
            m.alt[cell],
            m.alt_sq[cell],
            m.diff_sq[cell],
            self.runs,
        ))
    }

    /// The paired difference of `state`'s share of component `component` (an index from
    /// [`PairedSummary::component`]) at model step `step`; `None` for an unknown index or a
    /// step not recorded.
    pub fn alignment(&self, step: u32, state: usize, component: usize) -> Option<Difference> {
        let c = self.components();
        if state >= self.states.len() || component >= c {
            return None;
        }
        self.difference(self.row(step)?, state * c + component)
    }

    /// The paired difference of `measure` of the `institution`-th common institution at
    /// model step `step`.
    pub fn institution(
        &self,
        step: u32,
        institution: usize,
        measure: InstitutionMeasure,
    ) -> Option<Difference> {
        if institution >= self.institutions.len() {
            return None;
        }
        let offset = self.states.len() * self.components()
            + 2 * institution
            + usize::from(measure == InstitutionMeasure::Credibility);
        self.difference(self.row(step)?, offset)
    }

    /// The difference in probability of `category` of the outcome named `outcome`.
    pub fn outcome(&self, outcome: &str, category: &str) -> Option<OutcomeDifference> {
        let counts = self.outcomes.iter().find(|o| o.name == outcome)?;
        let k = counts.categories.iter().position(|c| c == category)?;
        Some(outcome_difference(counts, k, self.runs))
    }

    /// Every category of every outcome with its difference, in order.
    pub fn outcome_differences(&self) -> impl Iterator<Item = (&str, &str, OutcomeDifference)> {
        self.outcomes.iter().flat_map(move |o| {
            o.categories.iter().enumerate().map(move |(k, c)| {
                (
                    o.name.as_str(),
                    c.as_str(),
                    outcome_difference(o, k, self.runs),
                )
            })
        })
    }

    /// The share of runs whose category of the outcome named `outcome` differs between the
    /// two scenarios.
    pub fn changed_share(&self, outcome: &str) -> Option<f64> {
        let counts = self.outcomes.iter().find(|o| o.name == outcome)?;
        let k = counts.categories.len();
        let same: u64 = (0..k).map(|i| counts.count(i, i)).sum();
        Some(if self.runs == 0 {
            0.0
        } else {
            (self.runs - same.min(self.runs)) as f64 / self.runs as f64
        })
    }

    /// The `n` largest differences at the horizon by absolute mean, with their state and
    /// component indices, largest first (ties in state and component order).
    pub fn largest_at_horizon(&self, n: usize) -> Vec<(usize, usize, Difference)> {
        let c = self.components();
        let mut all: Vec<(usize, usize, Difference)> = (0..self.states.len())
            .flat_map(|s| (0..c).map(move |k| (s, k)))
            .filter_map(|(s, k)| Some((s, k, self.alignment(self.steps, s, k)?)))
            .collect();
        all.sort_by(|a, b| b.2.mean.abs().total_cmp(&a.2.mean.abs()));
        all.truncate(n);
        all
    }

    /// Add another partial of the same comparison (same version, scenarios, seed, runs,
    /// shard count and shape, disjoint shards); once all shards are in, the result is bit for
    /// bit the comparison one machine would produce. On an error `self` is unchanged.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::compare::Comparison;
    /// let (b, a) = (geoalign::presets::eurasia_2025(), geoalign::presets::csto_futures()[2].clone());
    /// let whole = Comparison::new(b.clone(), a.clone(), 6).unwrap().run().unwrap();
    /// let mut first = Comparison::new(b.clone(), a.clone(), 6).unwrap().shard("0/2".parse().unwrap()).run().unwrap();
    /// let second = Comparison::new(b, a, 6).unwrap().shard("1/2".parse().unwrap()).run().unwrap();
    /// first.merge(&second).unwrap();
    /// assert_eq!(first, whole);
    /// ```
    pub fn merge(&mut self, other: &PairedSummary) -> Result<(), CompareError> {
        self.verify()?;
        other.verify()?;
        self.same_comparison(other)?;
        let shards = union_of_disjoint(&self.shards, &other.shards).map_err(|s| {
            CompareError::Mismatch(format!(
                "shard {s}/{} is in both partials; each shard may be merged once",
                self.shard_count
            ))
        })?;
        let total = self
            .runs
            .checked_add(other.runs)
            .filter(|&t| t <= self.planned_runs);
        let Some(total) = total else {
            return Err(CompareError::Corrupt {
                field: "runs".into(),
                reason: format!(
                    "{} + {} runs are more than the {} planned",
                    self.runs, other.runs, self.planned_runs
                ),
            });
        };
        // Both verified, each sum within its runs, and the runs within the planned (at most
        // u32::MAX): no addition below can overflow, so they are made in place — a copy
        // would double a merge's memory. Checked all the same.
        self.moments
            .merge(&other.moments)
            .map_err(|at| CompareError::Corrupt {
                field: format!("moments.{at}"),
                reason: "overflows when the partials are added".into(),
            })?;
        for (a, b) in self.outcomes.iter_mut().zip(&other.outcomes) {
            for (x, y) in a.table.iter_mut().zip(&b.table) {
                *x += y;
            }
        }
        self.runs = total;
        self.shards = shards;
        if self.is_complete() {
            self.shard_count = 1;
            self.shards = vec![0];
        }
        Ok(())
    }

    /// `other` is a partial of the same comparison.
    fn same_comparison(&self, other: &PairedSummary) -> Result<(), CompareError> {
        let differs = |what: &str| {
            Err(CompareError::Mismatch(format!(
                "{what} differs: the partials come from different comparisons"
            )))
        };
        if self.version != other.version {
            return differs("the geoalign version");
        }
        if self.base != other.base || self.alt != other.alt {
            return differs("a scenario");
        }
        if self.seed != other.seed || self.planned_runs != other.planned_runs {
            return differs("the seed or the run count");
        }
        if self.shard_count != other.shard_count {
            return differs("the shard count");
        }
        if (self.start, self.steps, self.record_every)
            != (other.start, other.steps, other.record_every)
        {
            return differs("the horizon or the recording cadence");
        }
        if self.powers != other.powers
            || self.states != other.states
            || self.institutions != other.institutions
        {
            return differs("a name");
        }
        let shape = |s: &PairedSummary| -> Vec<(String, Vec<String>)> {
            s.outcomes
                .iter()
                .map(|o| (o.name.clone(), o.categories.clone()))
                .collect()
        };
        if shape(self) != shape(other) {
            return differs("the outcomes");
        }
        if self.posterior.as_ref().map(|p| p.digest) != other.posterior.as_ref().map(|p| p.digest) {
            return differs("the posterior sample");
        }
        Ok(())
    }

    /// Check the summary against itself: array lengths from its dimensions, every outcome
    /// table summing to the runs, sums within what its runs can make, shards ascending and
    /// below the count. A summary from a comparison always passes; a damaged or hand-edited
    /// partial may not.
    pub fn verify(&self) -> Result<(), CompareError> {
        let corrupt = |field: &str, reason: String| {
            Err(CompareError::Corrupt {
                field: field.into(),
                reason,
            })
        };
        if self.runs > self.planned_runs || self.planned_runs > u64::from(u32::MAX) {
            return corrupt(
                "runs",
                format!("{} of {} planned", self.runs, self.planned_runs),
            );
        }
        if self.shard_count == 0
            || self.shards.is_empty()
            || self.shards.windows(2).any(|w| w[0] >= w[1])
            || self.shards.iter().any(|&s| s >= self.shard_count)
        {
            return corrupt(
                "shards",
                format!(
                    "{:?} is not an ascending list of shards below {}",
                    self.shards, self.shard_count
                ),
            );
        }
        if self.record_every == 0 {
            return corrupt("record_every", "must be at least 1".into());
        }
        let rows = memory::recorded_count(self.steps.into(), self.record_every.into());
        let cells = usize::try_from(rows)
            .ok()
            .and_then(|r| r.checked_mul(self.width()));
        let Some(cells) = cells else {
            return corrupt("steps", "more cells than can be held".into());
        };
        if let Err(reason) = self.moments.check(cells, self.runs) {
            return corrupt("moments", reason);
        }
        for (i, o) in self.outcomes.iter().enumerate() {
            let k = o.categories.len();
            if k == 0 || o.table.len() != k * k {
                return corrupt(
                    &format!("outcomes[{i}].table"),
                    format!(
                        "{} entries for {k} categories (expected {})",
                        o.table.len(),
                        k * k
                    ),
                );
            }
            let sum = o.table.iter().try_fold(0u64, |t, &c| t.checked_add(c));
            if sum != Some(self.runs) {
                return corrupt(
                    &format!("outcomes[{i}].table"),
                    format!("the counts do not add up to the {} runs", self.runs),
                );
            }
        }
        Ok(())
    }
}

/// The union of two ascending lists of distinct shards; `Err` with a shard in both.
fn union_of_disjoint(a: &[u32], b: &[u32]) -> Result<Vec<u32>, u32> {
    let mut out: Vec<u32> = a.iter().chain(b).copied().collect();
    out.sort_unstable();
    match out.windows(2).find(|w| w[0] == w[1]) {
        Some(w) => Err(w[0]),
        None => Ok(out),
    }
}

/// A [`Difference`] from one cell's sums over `runs` run pairs.
fn difference_of(
    base: u128,
    base_sq: u128,
    alt: u128,
    alt_sq: u128,
    diff_sq: u128,
    runs: u64,
) -> Difference {
    use crate::analysis::ensemble::sketch::ONE;
    let n = runs as f64;
    let scale = ONE as f64;
    let mean_of = |sum: u128| {
        if runs == 0 {
            0.0
        } else {
            sum as f64 / scale / n
        }
    };
    let sd_of = |sum: u128, sum_sq: u128| {
        if runs < 2 {
            return 0.0;
        }
        let (m, m2) = (mean_of(sum), mean_of(sum_sq));
        ((m2 - m * m).max(0.0) * n / (n - 1.0)).sqrt()
    };
    // The exact integer difference of the sums: 0 when every pair is equal.
    let diff_sum = alt as i128 - base as i128;
    let mean = if runs == 0 {
        0.0
    } else {
        diff_sum as f64 / scale / n
    };
    let sd = if runs < 2 {
        0.0
    } else {
        let s1 = diff_sum as f64 / scale;
        let s2 = diff_sq as f64 / DIFF_SQ_SCALE;
        ((s2 - s1 * s1 / n).max(0.0) / (n - 1.0)).sqrt()
    };
    let (low, high) = if runs < 2 {
        (-1.0, 1.0)
    } else {
        let half = t95((runs - 1) as f64) * sd / n.sqrt();
        (mean - half, mean + half)
    };
    Difference {
        mean,
        low,
        high,
        sd,
        base_mean: mean_of(base),
        base_sd: sd_of(base, base_sq),
        alt_mean: mean_of(alt),
        alt_sd: sd_of(alt, alt_sq),
        runs,
    }
}

/// The [`OutcomeDifference`] of category `k` of `counts` over `runs` run pairs.
fn outcome_difference(counts: &PairedCounts, k: usize, runs: u64) -> OutcomeDifference {
    let n = counts.categories.len();
    let (mut both, mut alt_only, mut base_only) = (0u64, 0u64, 0u64);
    for a in 0..n {
        for b in 0..n {
            let c = counts.count(a, b);
            match (a == k, b == k) {
                (true, true) => both += c,
                (true, false) => alt_only += c,
                (false, true) => base_only += c,
                (false, false) => {}
            }
        }
    }
    let neither = runs.saturating_sub(both + alt_only + base_only);
    let nf = runs.max(1) as f64;
    let p_alt = (both + alt_only) as f64 / nf;
    let p_base = (both + base_only) as f64 / nf;
    // Rows: the alternative in k or not; columns: the base. p₁₊ − p₊₁ = P(alt) − P(base).
    let (low, high) = newcombe_paired(both, alt_only, base_only, neither);
    OutcomeDifference {
        p_base,
        p_alt,
        difference: p_alt - p_base,
        low,
        high,
        changed_share: (alt_only + base_only) as f64 / nf,
        runs,
    }
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:+.4} [{:+.4}, {:+.4}]", self.mean, self.low, self.high)
    }
}

/// Check `outcomes` on both worlds.
fn check_both(comparison: &Comparison) -> Result<(), CompareError> {
    for (side, scenario) in [("base", &comparison.base), ("alternative", &comparison.alt)] {
        check_outcomes(&comparison.outcomes, scenario.world()).map_err(|(name, reason)| {
            EnsembleError::Outcome {
                name,
                reason: format!("on the {side} scenario `{}`: {reason}", scenario.name()),
            }
        })?;
    }
    Ok(())
}
