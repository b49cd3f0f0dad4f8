//! Calibration on history: ABC-SMC over named scenario parameters against the observations of
//! `data/history/`, with posterior predictive bands and skill against null models
//! (docs/model.md §13).
//!
//! A calibration takes a base scenario (a history run, e.g. `scenarios/history-2014.toml`),
//! parameters with uniform priors (`key=lo:hi`, the dotted keys of a sensitivity study,
//! [`crate::analysis::sensitivity::ParamRange`]), targets ([`Targets`]) and two windows of
//! years: the **fit** years, whose observations the distance compares, and the **validation**
//! years, held out. For each proposal `θ` it builds the scenario with the keys set to `θ`,
//! runs it `runs_per_particle` times (each proposal on its own run streams), takes each
//! target's mean over its year's months and the runs (the observation model,
//! [`observe::model_value`]), and compares them with the data through the error model
//! ([`ErrorModel::distance`]). ABC-SMC ([`abc::abc_smc`]) narrows the tolerance until the
//! posterior stops narrowing. Then it draws `predictive` particles from the posterior and runs
//! each once over the whole horizon: the posterior predictive bands of every target, and a
//! prediction (their mean) whose validation-year errors are set against two nulls, "nothing
//! changes" and "trend" ([`observe::skill`]).
//!
//! The same scenario, parameters, targets, settings and seed give the same posterior to the
//! bit on any number of threads.

pub mod abc;
pub mod observe;
pub mod targets;

pub use abc::{AbcResult, AbcSettings, GenerationStats, StopReason};
pub use observe::{ErrorModel, Observer, SkillRow};
pub use targets::{Bound, Quantity, Target, TargetError, Targets};

use crate::analysis::sensitivity::{Base, ParamRange, SensitivityError, Study};
use crate::sim::{Scenario, SimError, Simulation};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Runs per proposal by default. Reason: the distance compares annual means of ties that the
/// monthly noise moves by a few thousandths; four runs halve that noise's part in the
/// distance at a quarter of the cost of sixteen.
pub const DEFAULT_RUNS_PER_PARTICLE: u64 = 4;

/// Posterior predictive draws by default. Reason: 200 runs put the 5 % and 95 % quantiles of a
/// band within about 0.015 of their limit in probability.
pub const DEFAULT_PREDICTIVE: usize = 200;

/// A failure of a calibration.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CalibrateError {
    /// The targets could not be read or bound to the world.
    #[error(transparent)]
    Targets(#[from] TargetError),
    /// A parameter key or a proposal's scenario was refused.
    #[error(transparent)]
    Scenario(#[from] SensitivityError),
    /// A run failed.
    #[error(transparent)]
    Run(#[from] SimError),
    /// A window of years is empty or outside the scenario's horizon.
    #[error("{flag} {from}:{to}: {reason}")]
    Window {
        /// The window's name (`--fit`, `--validate`).
        flag: &'static str,
        /// First year.
        from: i32,
        /// Last year.
        to: i32,
        /// Why it cannot be used.
        reason: String,
    },
    /// The settings cannot run.
    #[error("{0}")]
    Settings(String),
    /// No proposal could be compared with the data.
    #[error("{0}")]
    NoFiniteDistance(String),
    /// The thread pool could not be built.
    #[error("cannot start the worker threads: {0}")]
    Threads(String),
}

/// A calibration to run.
#[derive(Clone, Debug)]
pub struct Calibration {
    /// The base scenario.
    pub base: Base,
    /// The parameters and their uniform priors.
    pub params: Vec<ParamRange>,
    /// The observations.
    pub targets: Targets,
    /// The years fitted, inclusive.
    pub fit: (i32, i32),
    /// The years held out for validation, inclusive.
    pub validate: (i32, i32),
    /// Runs per proposal.
    pub runs_per_particle: u64,
    /// Posterior predictive draws.
    pub predictive: usize,
    /// The ABC-SMC settings (its seed seeds the proposals; the runs use the scenario's).
    pub settings: AbcSettings,
    /// The error model.
    pub error: ErrorModel,
    /// Worker threads (0: one per core); results do not depend on it.
    pub threads: usize,
}

/// One parameter's posterior summary.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// The dotted key.
    pub key: String,
    /// The prior's range.
    pub prior: (f64, f64),
    /// Weighted posterior mean.
    pub mean: f64,
    /// Weighted 5 %, 50 % and 95 % quantiles: the 90 % interval and the median.
    pub q05: f64,
    /// Median.
    pub q50: f64,
    /// 95 % quantile.
    pub q95: f64,
}

/// The posterior predictive distribution of one target.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Band {
    /// Mean over the draws (the prediction scored by [`observe::skill`]).
    pub mean: f64,
    /// 5 % quantile.
    pub q05: f64,
    /// Median.
    pub q50: f64,
    /// 95 % quantile.
    pub q95: f64,
    /// 5 % quantile of what an observation would show: each draw's value passed through the
    /// error model ([`ErrorModel::observe`]); the band the data should fall in nine times in
    /// ten if the model and the error model were right.
    pub observed_q05: f64,
    /// 95 % quantile of the same.
    pub observed_q95: f64,
    /// Whether the observation lies within `observed_q05 ..= observed_q95`.
    pub covered: bool,
}

/// What a calibration found.
#[derive(Clone, Debug)]
pub struct Calibrated {
    /// The base scenario's name.
    pub scenario: String,
    /// The fingerprint of the base scenario as built from its file.
    pub fingerprint: u64,
    /// The parameters.
    pub params: Vec<ParamRange>,
    /// The ABC-SMC result, in the unit cube.
    pub abc: AbcResult,
    /// The posterior particles in the parameters' own units, one row per particle.
    pub samples: Vec<Vec<f64>>,
    /// Their normalised weights.
    pub weights: Vec<f64>,
    /// Per parameter: mean, median and 90 % interval.
    pub intervals: Vec<Interval>,
    /// The targets compared (fit and validation years).
    pub targets: Vec<Bound>,
    /// Per target: the posterior predictive band.
    pub bands: Vec<Band>,
    /// The skill table.
    pub skill: Vec<SkillRow>,
    /// Located warnings (targets not used).
    pub warnings: Vec<String>,
    /// Runs simulated in all (proposals × runs per particle, and the predictive draws).
    pub runs: u64,
    /// The windows.
    pub fit: (i32, i32),
    /// The held-out years.
    pub validate: (i32, i32),
}

/// The mean over `runs` of `sim` of every target's value (NaN for a target whose year the
/// runs do not reach).
fn mean_values(
    sim: &Simulation,
    targets: &[Bound],
    start: crate::YearMonth,
    runs: std::ops::Range<u64>,
) -> Result<Vec<f64>, CalibrateError> {
    let count = (runs.end - runs.start) as f64;
    let mut observer = Observer::new(targets, start);
    let mut mean = vec![0.0; targets.len()];
    for run in runs {
        observer.clear();
        sim.run(run, &mut observer)?;
        for (a, v) in mean.iter_mut().zip(observer.values()) {
            *a += v / count;
        }
    }
    Ok(mean)
}

/// What a calibration holds in memory, predicted before it starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CalibrationMemory {
    /// Per worker thread: a proposal's scenario and simulation, and its observer.
    pub per_worker: u64,
    /// Held once: the targets, two populations and the predictive draws.
    pub shared: u64,
}

impl Calibration {
    /// The memory the calibration will need (docs/model.md §13.3).
    ///
    /// # Errors
    ///
    /// The base scenario cannot be built.
    pub fn memory(&self) -> Result<CalibrationMemory, CalibrateError> {
        let base = self.study().scenario_with(&[])?;
        let targets = self.targets.rows.len() as u64;
        // A bound target: its row (names, file path) about 160 bytes; the observer keeps
        // three numbers a target.
        let per_worker =
            crate::analysis::ensemble::memory::design_point_bytes(&base) + targets * 24;
        let k = self.params.len() as u64;
        let n = self.settings.particles as u64;
        // Two populations and one batch of proposals (k values, a distance, a weight each),
        // the predictive draws' values, the targets.
        let shared = 3 * n * (k + 2) * 8 + self.predictive as u64 * targets * 8 + targets * 160;
        Ok(CalibrationMemory { per_worker, shared })
    }

    /// The base scenario with the parameters set to `values` (in their own units).
    ///
    /// # Errors
    ///
    /// A key the scenario does not take, or a value its rules refuse.
    pub fn scenario_with(&self, values: &[f64]) -> Result<Scenario, CalibrateError> {
        Ok(self.study().scenario_with(values)?)
    }

    /// The observation model's value of every target of `targets` (all years) in run `run` of
    /// `scenario`, in the order of [`Targets::rows`] (rows about institutions the world lacks
    /// are left out): how a synthetic history is made from known parameters.
    ///
    /// # Errors
    ///
    /// A target the world cannot bind, a failed run.
    pub fn observe(
        &self,
        scenario: &Scenario,
        targets: &Targets,
        run: u64,
    ) -> Result<Vec<f64>, CalibrateError> {
        let (bound, _) = targets.bind(scenario.world(), scenario.start().year(), |_| true)?;
        let sim = Simulation::new(scenario.clone());
        mean_values(&sim, &bound, scenario.start(), run..run + 1)
    }

    fn study(&self) -> Study {
        Study {
            outcome: None,
            base: self.base.clone(),
            params: self.params.clone(),
            runs_per_point: self.runs_per_particle,
            threads: self.threads,
            seed: self.settings.seed,
        }
    }

    /// Check the windows against the scenario's horizon: every year of both must have all its
    /// months inside it.
    fn check_windows(&self, scenario: &Scenario) -> Result<(), CalibrateError> {
        let start = scenario.start();
        let end = start.add_months(scenario.steps());
        // The first whole year: the start's own if the run starts in January (step 0 is the
        // start month itself, observed as it was), else the next.
        let first = if start.month() == 1 {
            start.year()
        } else {
            start.year() + 1
        };
        let last = if end.month() == 12 {
            end.year()
        } else {
            end.year() - 1
        };
        for (flag, (from, to)) in [("--fit", self.fit), ("--validate", self.validate)] {
            let bad = |reason: String| CalibrateError::Window {
                flag,
                from,
                to,
                reason,
            };
            if from > to {
                return Err(bad("the first year is after the last".into()));
            }
            if from < first || to > last {
                return Err(bad(format!(
                    "outside the whole years of the scenario's horizon, {first}:{last} ({start} to {end})"
                )));
            }
        }
        let (f, v) = (self.fit, self.validate);
        if f.0 <= v.1 && v.0 <= f.1 {
            return Err(CalibrateError::Window {
                flag: "--validate",
                from: v.0,
                to: v.1,
                reason: format!(
                    "overlaps the fitted years {}:{}; held-out years must be held out",
                    f.0, f.1
                ),
            });
        }
        Ok(())
    }

    /// Run the calibration. `progress` is told each generation's record as it completes.
    ///
    /// # Errors
    ///
    /// [`CalibrateError`]: targets that cannot be read or bound, a parameter key the scenario
    /// does not take, a window outside the horizon, no observation in the fitted years,
    /// settings that cannot run, a failed run.
    pub fn run(
        &self,
        progress: impl FnMut(&GenerationStats) + Send,
    ) -> Result<Calibrated, CalibrateError> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(self.threads)
            .build()
            .map_err(|e| CalibrateError::Threads(e.to_string()))?;
        pool.install(|| self.run_here(progress))
    }

    fn run_here(
        &self,
        progress: impl FnMut(&GenerationStats),
    ) -> Result<Calibrated, CalibrateError> {
        if self.runs_per_particle == 0 {
            return Err(CalibrateError::Settings(
                "runs per particle: at least 1".into(),
            ));
        }
        let study = self.study();
        let base = study.scenario_with(&[])?;
        // Every key must be settable: try the priors' midpoints before spending a run.
        let mid: Vec<f64> = self.params.iter().map(|p| 0.5 * (p.low + p.high)).collect();
        study.scenario_with(&mid)?;
        self.check_windows(&base)?;
        let (fit, validate) = (self.fit, self.validate);
        let in_window =
            |y: i32| (fit.0..=fit.1).contains(&y) || (validate.0..=validate.1).contains(&y);
        let (targets, warnings) =
            self.targets
                .bind(base.world(), base.start().year(), in_window)?;
        if !targets
            .iter()
            .any(|b| (fit.0..=fit.1).contains(&b.target.year))
        {
            return Err(CalibrateError::Window {
                flag: "--fit",
                from: fit.0,
                to: fit.1,
                reason: "no target observed in these years".into(),
            });
        }
        let m = self.runs_per_particle;
        let start = base.start();
        let values_at = |u: &[f64]| -> Vec<f64> {
            self.params
                .iter()
                .zip(u)
                .map(|(p, &x)| p.low + x * (p.high - p.low))
                .collect()
        };
        // The model's mean value of every target over runs `first .. first + count` of the
        // scenario at `values`.
        let observe =
            |values: &[f64], first: u64, count: u64| -> Result<Vec<f64>, CalibrateError> {
                let sim = Simulation::new(study.scenario_with(values)?);
                mean_values(&sim, &targets, start, first..first + count)
            };
        let result = abc::abc_smc(
            self.params.len(),
            &self.settings,
            |u: &[f64], serial: u64| {
                let model = observe(&values_at(u), serial * m, m)?;
                Ok(self
                    .error
                    .distance(&targets, &model, |y| (fit.0..=fit.1).contains(&y)))
            },
            progress,
        )
        .map_err(|e| match e {
            abc::AbcError::Settings(s) => CalibrateError::Settings(s),
            abc::AbcError::Simulator(e) => e,
            abc::AbcError::NoFiniteDistance(g) => CalibrateError::NoFiniteDistance(format!(
                "generation {g}: no proposal had a finite distance to the targets"
            )),
        })?;
        let pop = &result.population;
        let samples: Vec<Vec<f64>> = pop.particles.iter().map(|u| values_at(u)).collect();
        let intervals = self
            .params
            .iter()
            .enumerate()
            .map(|(k, p)| {
                let x: Vec<f64> = samples.iter().map(|s| s[k]).collect();
                let q = |q| abc::weighted_quantile(&x, &pop.weights, q);
                Interval {
                    key: p.key.clone(),
                    prior: (p.low, p.high),
                    mean: x.iter().zip(&pop.weights).map(|(a, w)| a * w).sum(),
                    q05: q(0.05),
                    q50: q(0.5),
                    q95: q(0.95),
                }
            })
            .collect();
        // Posterior predictive: particle by weight from the calibration seed's predictive
        // stream, one run each on runs after every proposal's.
        let first_run = result.simulations * m;
        let cumulative = abc::Cumulative::new(&pop.weights);
        let draws: Vec<usize> = (0..self.predictive)
            .map(|k| {
                let mut rng = ChaCha8Rng::seed_from_u64(self.settings.seed);
                rng.set_stream((u64::MAX >> 1) - k as u64);
                cumulative.draw(rng.random::<f64>())
            })
            .collect();
        let predicted: Vec<Vec<f64>> = draws
            .par_iter()
            .enumerate()
            .map(|(k, &j)| observe(&samples[j], first_run + k as u64, 1))
            .collect::<Result<_, _>>()?;
        // What an observation would show: draw k's value of target i through the error model,
        // with draw k's own stream of standard normals, one per target in order.
        let noisy: Vec<Vec<f64>> = predicted
            .iter()
            .enumerate()
            .map(|(k, values)| {
                let mut rng = ChaCha8Rng::seed_from_u64(self.settings.seed);
                rng.set_stream((u64::MAX >> 2) - k as u64);
                targets
                    .iter()
                    .zip(values)
                    .map(|(b, &v)| {
                        let z: f64 = rng.sample(rand_distr::StandardNormal);
                        self.error.observe(b.target.quantity, v, z)
                    })
                    .collect()
            })
            .collect();
        let bands: Vec<Band> = (0..targets.len())
            .map(|i| {
                let x: Vec<f64> = predicted.iter().map(|p| p[i]).collect();
                let y: Vec<f64> = noisy.iter().map(|p| p[i]).collect();
                let w = vec![1.0; x.len()];
                let q = |v: &[f64], q| abc::weighted_quantile(v, &w, q);
                let (observed_q05, observed_q95) = (q(&y, 0.05), q(&y, 0.95));
                let o = targets[i].target.value;
                Band {
                    mean: x.iter().sum::<f64>() / x.len().max(1) as f64,
                    q05: q(&x, 0.05),
                    q50: q(&x, 0.5),
                    q95: q(&x, 0.95),
                    observed_q05,
                    observed_q95,
                    covered: observed_q05 <= o && o <= observed_q95,
                }
            })
            .collect();
        let prediction: Vec<f64> = bands.iter().map(|b| b.mean).collect();
        let mut skill = observe::skill(&targets, &prediction, fit, validate);
        let in_validation = |b: &Bound| (validate.0..=validate.1).contains(&b.target.year);
        for row in &mut skill {
            let (n, covered) = targets
                .iter()
                .zip(&bands)
                .filter(|(b, _)| {
                    in_validation(b)
                        && (row.quantity == "overall" || row.quantity == b.target.quantity.name())
                })
                .fold((0usize, 0usize), |(n, c), (_, band)| {
                    (n + 1, c + usize::from(band.covered))
                });
            row.coverage = covered as f64 / n.max(1) as f64;
        }
        Ok(Calibrated {
            scenario: base.name().to_string(),
            fingerprint: self.base.fingerprint(),
            params: self.params.clone(),
            runs: result.simulations * m + self.predictive as u64,
            samples,
            weights: pop.weights.clone(),
            abc: result,
            intervals,
            targets,
            bands,
            skill,
            warnings,
            fit,
            validate,
        })
    }
}
