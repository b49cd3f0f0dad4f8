//! Global sensitivity analysis: which scenario parameters drive the probability of each
//! category of an outcome (by default P(each CSTO future))?
//!
//! A **parameter** is a dotted key of a scenario file (`parameters.noise`,
//! `powers.Russia.coercion`, `institutions.CSTO.credibility`, …) with a range `lo:hi`. A
//! segment `name[i]` picks element `i` of an array (negative from the end) written in the
//! base scenario, so a driver's target can vary:
//! `drivers.institutions.CSTO.credibility[-1].value=0.05:0.5` moves the 2035 point of the
//! CSTO's credibility path. Static levels matter less than they seem: with
//! `calibrate_intercepts` on, a run starts at rest whatever the levels, and only change moves
//! it (see [`crate::sim::dynamics`]), so drivers are usually the parameters worth varying. Each
//! design point is the base's merged key tree with the keys set to the point's values
//! ([`ScenarioSource::set`]), validated and built like a user's file. Its outputs are the
//! probabilities of the outcome's categories ([`Study::outcome`]; the CSTO futures by
//! default), each estimated from [`Study::runs_per_point`] runs (run indices `0..runs`, the
//! same for every point: common random numbers, so differences between points are not noise
//! between streams).
//!
//! * **Morris** elementary effects (Morris 1991; μ* of Campolongo et al. 2007): `r` random
//!   one-at-a-time trajectories on a 4-level grid with step Δ = 2/3, `r (k + 1)` points.
//!   Reports μ* (mean |effect|, the ranking measure), μ and σ.
//! * **Sobol** first-order `S1` and total `ST` indices from Saltelli sampling (Saltelli et al.
//!   2010, *Comput. Phys. Commun.* 181: 259–270): matrices `A`, `B` and `A_B^(i)` of
//!   independent uniform draws, `N (k + 2)` points; `S1` by Saltelli 2010's estimator (their
//!   Table 2, (b), with `f_B` centred on the sample mean), `ST` by Jansen's (their (f)); 95 % intervals from a bootstrap over the `N`
//!   base rows. [`sobol`] runs the same estimators on any function (the tests check it on the
//!   Ishigami function against its analytic indices).

use crate::analysis::outcome::{
    check_outcomes, CstoFutures, Outcome, OutcomeCounts, Quantity, Watch,
};
use crate::model::Warning;
use crate::scenario_file::{ScenarioError, ScenarioSource};
use crate::sim::Scenario;
use crate::sim::{SimError, Simulation};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::Path;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Runs per design point by default. Reason: a probability near 0.5 from 200 runs has a
/// standard error of 0.035, small beside the effects worth ranking (≥ 0.1 across a range).
pub const DEFAULT_RUNS_PER_POINT: u64 = 200;
/// Morris trajectories by default. Reason: Campolongo et al. (2007) find 10–20 trajectories
/// enough to rank factors; 10 keeps the default cheap.
pub const DEFAULT_MORRIS_TRAJECTORIES: usize = 10;
/// Sobol base samples by default. Reason: 64 rows give S1/ST bootstrap intervals of about
/// ±0.15, enough to tell dominant from negligible parameters; raise it to sharpen.
pub const DEFAULT_SOBOL_SAMPLES: usize = 64;
/// Seed of the design's random draws (not of the runs, which use the scenario's seed).
/// Reason: any fixed value makes designs reproducible; this one spells "sensitivity" loosely.
pub const DEFAULT_DESIGN_SEED: u64 = 0x5e45_1717;
/// Bootstrap resamples for the Sobol intervals. Reason: 200 resamples put the 2.5/97.5 %
/// percentiles within a few thousandths of their limit for the design sizes used here.
const BOOTSTRAP: usize = 200;
/// Grid levels of the Morris design (Saltelli et al. 2004 recommend p = 4 with Δ = p/(2(p−1))).
const MORRIS_LEVELS: usize = 4;

/// A failure to set up or run a sensitivity study.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SensitivityError {
    /// A `--param` text is not `key=lo:hi` with finite `lo < hi`.
    #[error("--param `{text}`: {reason}; write KEY=LO:HI, e.g. parameters.noise=0.01:0.06")]
    BadParam {
        /// The text as given.
        text: String,
        /// Which part is wrong.
        reason: String,
    },
    /// A `--param` key the scenario format does not take there (an unknown key, an index past
    /// the end of an array, a key that holds a table or text rather than a number).
    #[error("--param `{key}`: {reason}")]
    ParamKey {
        /// The dotted key as given.
        key: String,
        /// Why it cannot be set, as the loader words it.
        reason: String,
    },
    /// No parameters were given.
    #[error("no parameters: give at least one key=lo:hi")]
    NoParams,
    /// The design size is too small for the method.
    #[error("design size {0}: needs at least 2")]
    BadDesign(usize),
    /// The base scenario is not usable.
    #[error("base scenario {0}: not found or not a built-in name")]
    BadBase(String),
    /// The base scenario (or a design point built on it) is refused by the loader.
    #[error("{context}: {source}")]
    Scenario {
        /// Which point or parameter.
        context: String,
        /// The loader's error.
        source: ScenarioError,
    },
    /// No outcome was given and the scenario has no CSTO the futures' classifier can read.
    #[error("the scenario has no CSTO with a leader and Belarus as a member: nothing to classify")]
    NoClassifier,
    /// A run failed.
    #[error(transparent)]
    Run(#[from] SimError),
    /// The thread pool could not be built.
    #[error("cannot start the worker threads: {0}")]
    Threads(String),
    /// The outcome cannot be counted on the scenario's world (see [`Outcome::check`]).
    #[error("outcome `{name}`: {reason}")]
    Outcome {
        /// The outcome's name.
        name: String,
        /// Why it cannot be counted.
        reason: String,
    },
    /// No runs per design point: every probability would be empty.
    #[error("runs per design point: at least 1")]
    NoRuns,
    /// `--outcome` names no outcome of the base scenario.
    #[error("outcome `{name}`: the base scenario has no outcome of this name; it has: {}", known.join(", "))]
    UnknownOutcome {
        /// The name given.
        name: String,
        /// The outcomes there are (built-in and declared).
        known: Vec<String>,
    },
    /// `--quantity` cannot be read.
    #[error("quantity {0}")]
    BadQuantity(String),
}

/// A named parameter and its range: `key=lo:hi`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ParamRange {
    /// Dotted key path in the scenario file, e.g. `powers.Russia.coercion`.
    pub key: String,
    /// Lower end of the range.
    pub low: f64,
    /// Upper end of the range.
    pub high: f64,
}

impl FromStr for ParamRange {
    type Err = SensitivityError;

    /// Parse `key=lo:hi`.
    ///
    /// # Examples
    ///
    /// ```
    /// let p: geoalign::analysis::sensitivity::ParamRange = "parameters.noise=0.01:0.06".parse().unwrap();
    /// assert_eq!((p.key.as_str(), p.low, p.high), ("parameters.noise", 0.01, 0.06));
    /// assert!("noise=0.5:0.1".parse::<geoalign::analysis::sensitivity::ParamRange>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = |reason: String| SensitivityError::BadParam {
            text: s.to_string(),
            reason,
        };
        let (key, range) = s
            .split_once('=')
            .ok_or_else(|| bad("no `=` between the key and its range".into()))?;
        let (lo, hi) = range
            .split_once(':')
            .ok_or_else(|| bad(format!("the range `{range}` has no `:` between LO and HI")))?;
        let number = |text: &str| match text.trim().parse::<f64>() {
            Ok(x) if x.is_finite() => Ok(x),
            _ => Err(bad(format!("`{}` is not a finite number", text.trim()))),
        };
        let (low, high) = (number(lo)?, number(hi)?);
        let key = key.trim();
        if key.is_empty() || key.split('.').any(str::is_empty) {
            return Err(bad(format!("the key `{key}` has an empty part")));
        }
        if low >= high {
            return Err(bad(format!("LO {low} is not below HI {high}")));
        }
        Ok(ParamRange {
            key: key.to_string(),
            low,
            high,
        })
    }
}

/// The scenario a study varies: a built-in name or a file, loaded once and held as its merged
/// key tree.
#[derive(Clone, Debug)]
pub struct Base {
    source: ScenarioSource,
    /// The base's located warnings, found when it was checked on loading.
    warnings: Vec<Warning>,
    /// The base scenario's name.
    name: String,
    /// The base scenario's fingerprint, as built with no key set.
    fingerprint: u64,
}

impl Base {
    /// A built-in scenario (`builtin:eurasia-2025` or a CSTO future).
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(geoalign::analysis::sensitivity::Base::builtin("builtin:csto-slow-decline").is_ok());
    /// assert!(geoalign::analysis::sensitivity::Base::builtin("builtin:atlantis").is_err());
    /// ```
    pub fn builtin(name: &str) -> Result<Base, SensitivityError> {
        if crate::scenario_file::builtin::builtin_text(name).is_none() {
            return Err(SensitivityError::BadBase(name.to_string()));
        }
        let bad = |_| SensitivityError::BadBase(name.to_string());
        let source = ScenarioSource::load(name).map_err(bad)?;
        let loaded = source.build_with_warnings().map_err(bad)?;
        Ok(Base::of(source, loaded))
    }

    /// A `builtin:` name ([`Base::builtin`]) or else a file ([`Base::file`]): the scenario a
    /// command line or a binding names.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::sensitivity::Base;
    /// assert_eq!(Base::load("builtin:csto-slow-decline").unwrap().name(), "CSTO slow decline");
    /// assert!(Base::load("no/such/file.toml").is_err());
    /// ```
    pub fn load(target: &str) -> Result<Base, SensitivityError> {
        if target.starts_with("builtin:") {
            Base::builtin(target)
        } else {
            Base::file(target)
        }
    }

    /// The base of `source`, which builds to `loaded`.
    fn of(source: ScenarioSource, loaded: crate::scenario_file::Loaded) -> Base {
        Base {
            source,
            name: loaded.scenario.name().to_string(),
            fingerprint: crate::analysis::ensemble::fingerprint(&loaded.scenario),
            warnings: loaded.warnings,
        }
    }

    /// A scenario file; it is read and checked once here, so that its errors and warnings
    /// show before any run.
    ///
    /// # Examples
    ///
    /// ```
    /// let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/csto-slow-decline.toml");
    /// assert!(geoalign::analysis::sensitivity::Base::file(path).is_ok());
    /// ```
    pub fn file(path: impl AsRef<Path>) -> Result<Base, SensitivityError> {
        let path = path.as_ref();
        let base = |source| SensitivityError::Scenario {
            context: "base scenario".into(),
            source,
        };
        let target = path
            .to_str()
            .ok_or_else(|| SensitivityError::BadBase(path.display().to_string()))?;
        let source = ScenarioSource::load(target).map_err(base)?;
        let loaded = source.build_with_warnings().map_err(base)?;
        Ok(Base::of(source, loaded))
    }

    /// The base scenario's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The fingerprint of the base scenario as its file builds it, with no key set: the hash
    /// of its JSON form that an ensemble's [`crate::analysis::ensemble::Summary::fingerprint`]
    /// holds, and that a posterior sample records of the scenario it was fitted on
    /// ([`crate::analysis::posterior`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::{ensemble::Ensemble, sensitivity::Base};
    /// let base = Base::builtin("builtin:csto-slow-decline").unwrap();
    /// let scenario = geoalign::presets::builtin("builtin:csto-slow-decline").unwrap();
    /// let summary = Ensemble::new(scenario, 1).run().unwrap();
    /// assert_eq!(base.fingerprint(), summary.fingerprint);
    /// ```
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// The scenario with each of `keys` set to the value at the same position of `values`
    /// (a dotted key of the scenario file, as [`ScenarioSource::set`] takes it), validated and
    /// built like a user's file: what [`Study::scenario_with`] builds for a design point, and
    /// a posterior's particle for a run ([`crate::analysis::posterior`]).
    ///
    /// # Errors
    ///
    /// [`SensitivityError::ParamKey`] for a key the scenario format does not take there;
    /// [`SensitivityError::Scenario`] when the scenario refuses a value.
    ///
    /// # Examples
    ///
    /// ```
    /// let base = geoalign::analysis::sensitivity::Base::builtin("builtin:eurasia-2025").unwrap();
    /// let s = base.with_values(&["parameters.noise"], &[0.05]).unwrap();
    /// assert_eq!(s.world().parameters().noise, 0.05);
    /// assert!(base.with_values(&["parameters.nosie"], &[0.05]).is_err());
    /// ```
    pub fn with_values<K: AsRef<str>>(
        &self,
        keys: &[K],
        values: &[f64],
    ) -> Result<Scenario, SensitivityError> {
        self.built_with(keys, values, "values")
    }

    /// [`Base::with_values`], a refusal of the build naming the values as `what`.
    fn built_with<K: AsRef<str>>(
        &self,
        keys: &[K],
        values: &[f64],
        what: &str,
    ) -> Result<Scenario, SensitivityError> {
        let mut source = self.source.clone();
        let mut context = String::new();
        for (key, &value) in keys.iter().zip(values) {
            let key = key.as_ref();
            context.push_str(&format!("{key}={value} "));
            source.set(key, value).map_err(|source| match source {
                // The key is named once, by the parameter: the loader's message about it
                // would name it again, with the scenario as "values set in memory".
                ScenarioError::UnknownField { message, .. }
                | ScenarioError::Syntax { message, .. } => SensitivityError::ParamKey {
                    key: key.to_string(),
                    reason: message,
                },
                source => SensitivityError::Scenario {
                    context: format!("--param `{key}`"),
                    source,
                },
            })?;
        }
        source.build().map_err(|source| SensitivityError::Scenario {
            context: format!("{what} {}", context.trim_end()),
            source,
        })
    }

    /// The outcome named `name` of the base scenario: one it declares (`[[outcomes]]`), or a
    /// built-in one (`csto-futures`, [`CstoFutures::NAME`]).
    ///
    /// # Errors
    ///
    /// [`SensitivityError::UnknownOutcome`] with the names there are.
    ///
    /// # Examples
    ///
    /// ```
    /// let base = geoalign::analysis::sensitivity::Base::builtin("builtin:csto-slow-decline").unwrap();
    /// assert!(base.outcome("csto-selective-consolidation").is_ok());
    /// assert!(base.outcome("nothing").unwrap_err().to_string().contains("csto-futures"));
    /// ```
    pub fn outcome(&self, name: &str) -> Result<Arc<dyn Outcome>, SensitivityError> {
        let scenario = self.scenario()?;
        let mut known = crate::analysis::outcome::default_outcomes(scenario.world());
        known.extend(crate::analysis::outcome::declared_outcomes(&scenario));
        let names = known.iter().map(|o| o.name().to_string()).collect();
        known.into_iter().find(|o| o.name() == name).ok_or_else(|| {
            SensitivityError::UnknownOutcome {
                name: name.to_string(),
                known: names,
            }
        })
    }

    /// The quantity `text` of the base scenario ([`Quantity::parse`]).
    ///
    /// # Errors
    ///
    /// [`SensitivityError::BadQuantity`] with the reason.
    ///
    /// # Examples
    ///
    /// ```
    /// let base = geoalign::analysis::sensitivity::Base::builtin("builtin:eurasia-2025").unwrap();
    /// assert!(base.quantity("Tajikistan.Russia@horizon").unwrap().is_quantity());
    /// ```
    pub fn quantity(&self, text: &str) -> Result<Arc<dyn Outcome>, SensitivityError> {
        let scenario = self.scenario()?;
        Quantity::parse(text, &scenario)
            .map(|q| Arc::new(q) as Arc<dyn Outcome>)
            .map_err(SensitivityError::BadQuantity)
    }

    /// The base scenario itself, built from its file with no key set.
    ///
    /// # Errors
    ///
    /// [`SensitivityError::Scenario`] should the build fail (it succeeded when the base was
    /// loaded).
    pub fn scenario(&self) -> Result<Scenario, SensitivityError> {
        self.source
            .build()
            .map_err(|source| SensitivityError::Scenario {
                context: "base scenario".into(),
                source,
            })
    }

    /// The base's located warnings (as `validate` prints them), found when it was loaded.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }
}

/// The design method and its size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Method {
    /// Morris elementary effects with this many trajectories.
    Morris {
        /// Number of trajectories `r`.
        trajectories: usize,
    },
    /// Sobol indices from Saltelli sampling with this many base samples.
    Sobol {
        /// Number of base rows `N`.
        samples: usize,
    },
}

/// Morris measures of one parameter for one output.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct MorrisIndex {
    /// Mean elementary effect.
    pub mu: f64,
    /// Mean absolute elementary effect (the ranking measure).
    pub mu_star: f64,
    /// Standard deviation of the elementary effects (interaction or non-linearity).
    pub sigma: f64,
}

/// Sobol indices of one parameter for one output, with bootstrap 95 % intervals.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct SobolIndex {
    /// First-order index.
    pub s1: f64,
    /// Bootstrap 95 % interval of `s1`.
    pub s1_interval: (f64, f64),
    /// Total index.
    pub st: f64,
    /// Bootstrap 95 % interval of `st`.
    pub st_interval: (f64, f64),
}

/// Indices per output (the outcome's categories) and parameter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Indices {
    /// Morris measures, `[output][parameter]`.
    Morris(Vec<Vec<MorrisIndex>>),
    /// Sobol indices, `[output][parameter]`.
    Sobol(Vec<Vec<SobolIndex>>),
}

/// The result of a study.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The base scenario's name.
    pub scenario: String,
    /// The parameters, in the order given.
    pub params: Vec<ParamRange>,
    /// The outputs: `P(<category>)` for each category of the study's outcome.
    pub outputs: Vec<String>,
    /// Design points evaluated.
    pub points: usize,
    /// Runs per point.
    pub runs_per_point: u64,
    /// The indices.
    pub indices: Indices,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Sensitivity of {} — {} design points × {} runs (model implications under the scenario's assumptions, not forecasts)",
            self.scenario, self.points, self.runs_per_point
        )?;
        let w = self
            .params
            .iter()
            .map(|p| p.key.chars().count() + 2)
            .max()
            .unwrap_or(0)
            .max(12);
        for (o, output) in self.outputs.iter().enumerate() {
            writeln!(f, "\n{output}")?;
            match &self.indices {
                Indices::Morris(m) => {
                    writeln!(f, "  {:<w$}{:>10}{:>10}{:>10}", "parameter", "μ*", "μ", "σ")?;
                    let mut order: Vec<usize> = (0..self.params.len()).collect();
                    order.sort_by(|&a, &b| m[o][b].mu_star.total_cmp(&m[o][a].mu_star));
                    for p in order {
                        let x = m[o][p];
                        writeln!(
                            f,
                            "  {:<w$}{:>10.4}{:>10.4}{:>10.4}",
                            self.params[p].key, x.mu_star, x.mu, x.sigma
                        )?;
                    }
                }
                Indices::Sobol(s) => {
                    writeln!(
                        f,
                        "  {:<w$}{:>24}{:>24}",
                        "parameter", "S1 [95 %]", "ST [95 %]"
                    )?;
                    let mut order: Vec<usize> = (0..self.params.len()).collect();
                    order.sort_by(|&a, &b| s[o][b].st.total_cmp(&s[o][a].st));
                    for p in order {
                        let x = s[o][p];
                        let cell =
                            |v: f64, (lo, hi): (f64, f64)| format!("{v:.3} [{lo:.3}, {hi:.3}]");
                        writeln!(
                            f,
                            "  {:<w$}{:>24}{:>24}",
                            self.params[p].key,
                            cell(x.s1, x.s1_interval),
                            cell(x.st, x.st_interval)
                        )?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// A sensitivity study of P(each category of an outcome) over named parameters of a base
/// scenario.
#[derive(Clone, Debug)]
pub struct Study {
    /// The outcome whose category probabilities are studied (or, for a quantity
    /// ([`Outcome::is_quantity`]), whose mean); `None`: the CSTO futures of the
    /// base scenario's world. [`Base::outcome`] finds a declared or built-in outcome by name,
    /// [`Base::quantity`] reads a quantity. An outcome is built for one world and is handed every design
    /// point's: a point changes numbers, never which states, powers or institutions exist.
    pub outcome: Option<Arc<dyn Outcome>>,
    /// The scenario varied.
    pub base: Base,
    /// The parameters and their ranges.
    pub params: Vec<ParamRange>,
    /// Runs per design point.
    pub runs_per_point: u64,
    /// Worker threads (0: one per core); results do not depend on it.
    pub threads: usize,
    /// Seed of the design's draws.
    pub seed: u64,
}

impl Study {
    /// The scenario at unit-cube point `x` (one coordinate in [0, 1] per parameter, mapped
    /// linearly onto its range).
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::sensitivity::{Base, Study};
    /// let study = Study {
    ///     base: Base::builtin("builtin:eurasia-2025").unwrap(),
    ///     params: vec!["parameters.noise=0.01:0.05".parse().unwrap()],
    ///     runs_per_point: 10,
    ///     threads: 1,
    ///     seed: 1,
    ///     outcome: None,
    /// };
    /// let s = study.scenario_at(&[0.5]).unwrap();
    /// assert!((s.world().parameters().noise - 0.03).abs() < 1e-12);
    /// ```
    pub fn scenario_at(&self, x: &[f64]) -> Result<Scenario, SensitivityError> {
        let values: Vec<f64> = self
            .params
            .iter()
            .zip(x)
            .map(|(p, &u)| p.low + u.clamp(0.0, 1.0) * (p.high - p.low))
            .collect();
        self.scenario_with(&values)
    }

    /// The scenario with each parameter's key set to the value at the same position of
    /// `values` (in its own units, not mapped from the unit cube; a value outside the range is
    /// set as given): the way in for a design whose values are chosen elsewhere, such as a
    /// sweep's grid ([`crate::analysis::sweep`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::sensitivity::{Base, Study};
    /// let study = Study {
    ///     base: Base::builtin("builtin:eurasia-2025").unwrap(),
    ///     params: vec!["parameters.noise=0.01:0.05".parse().unwrap()],
    ///     runs_per_point: 10,
    ///     threads: 1,
    ///     seed: 1,
    ///     outcome: None,
    /// };
    /// let s = study.scenario_with(&[0.05]).unwrap();
    /// assert_eq!(s.world().parameters().noise, 0.05);
    /// ```
    pub fn scenario_with(&self, values: &[f64]) -> Result<Scenario, SensitivityError> {
        let keys: Vec<&str> = self.params.iter().map(|p| p.key.as_str()).collect();
        self.base.built_with(&keys, values, "design point")
    }

    /// Number of design points `method` evaluates.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::sensitivity::{Base, Method, Study};
    /// let study = Study {
    ///     base: Base::builtin("builtin:eurasia-2025").unwrap(),
    ///     params: vec!["parameters.noise=0.01:0.05".parse().unwrap(); 3],
    ///     runs_per_point: 10,
    ///     threads: 1,
    ///     seed: 1,
    ///     outcome: None,
    /// };
    /// assert_eq!(study.points(&Method::Sobol { samples: 8 }), 8 * 5);
    /// assert_eq!(study.points(&Method::Morris { trajectories: 4 }), 4 * 4);
    /// ```
    pub fn points(&self, method: &Method) -> usize {
        let k = self.params.len();
        match *method {
            Method::Morris { trajectories } => trajectories * (k + 1),
            Method::Sobol { samples } => samples * (k + 2),
        }
    }

    /// The outcome studied: [`Study::outcome`], or the CSTO futures of `scenario`'s world.
    fn outcome_for(&self, scenario: &Scenario) -> Result<Arc<dyn Outcome>, SensitivityError> {
        match &self.outcome {
            Some(outcome) => Ok(Arc::clone(outcome)),
            None => CstoFutures::for_world(scenario.world())
                .map(|o| Arc::new(o) as Arc<dyn Outcome>)
                .ok_or(SensitivityError::NoClassifier),
        }
    }

    /// P(each category of `outcome`) at point `x` from `runs_per_point` runs.
    fn probabilities(
        &self,
        x: &[f64],
        outcome: &Arc<dyn Outcome>,
    ) -> Result<Vec<f64>, SensitivityError> {
        let sim = Simulation::new(self.scenario_at(x)?);
        let world = &sim.scenario().world();
        let outcomes = std::slice::from_ref(outcome);
        let mut counts = [OutcomeCounts::new(outcome.as_ref())];
        let mut watch = Watch::new(outcomes);
        // A quantity's runs are added in run order: the sum does not depend on the threads.
        let mut total = 0.0;
        for run in 0..self.runs_per_point {
            let end = sim.run(run, &mut watch)?;
            watch.tally(world, &end, &mut counts);
            total += watch.quantity(0).unwrap_or(0.0);
        }
        let n = self.runs_per_point.max(1) as f64;
        if outcome.is_quantity() {
            return Ok(vec![total / n]);
        }
        let [counts] = counts;
        Ok(counts.counts.iter().map(|&c| c as f64 / n).collect())
    }

    /// Run the study; `progress` is called with the number of runs done so far.
    ///
    /// The base, every key and the outcome are checked on the first design point before any
    /// run: a refused key is a [`SensitivityError::Scenario`] naming it.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::sensitivity::{Base, Indices, Method, Study};
    /// let study = Study {
    ///     base: Base::builtin("builtin:csto-slow-decline").unwrap(),
    ///     params: vec!["parameters.noise=0.01:0.05".parse().unwrap()],
    ///     runs_per_point: 2,
    ///     threads: 1,
    ///     seed: 1,
    ///     outcome: None,
    /// };
    /// let report = study.run(&Method::Morris { trajectories: 2 }, &|_| {}).unwrap();
    /// assert!(matches!(report.indices, Indices::Morris(_)));
    /// ```
    pub fn run(
        &self,
        method: &Method,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<Report, SensitivityError> {
        let k = self.params.len();
        if k == 0 {
            return Err(SensitivityError::NoParams);
        }
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        let design = match *method {
            Method::Morris { trajectories } if trajectories >= 2 => {
                morris_design(k, trajectories, &mut rng)
            }
            Method::Sobol { samples } if samples >= 2 => saltelli_design(k, samples, &mut rng),
            Method::Morris { trajectories: n } | Method::Sobol { samples: n } => {
                return Err(SensitivityError::BadDesign(n))
            }
        };
        // Check the base and the keys once, before spending any run.
        if self.runs_per_point == 0 {
            return Err(SensitivityError::NoRuns);
        }
        let first = self.scenario_at(&design[0])?;
        let outcome = self.outcome_for(&first)?;
        check_outcomes(std::slice::from_ref(&outcome), first.world())
            .map_err(|(name, reason)| SensitivityError::Outcome { name, reason })?;
        let outputs_named: Vec<String> = if outcome.is_quantity() {
            vec![format!("mean {}", outcome.name())]
        } else {
            outcome
                .categories()
                .iter()
                .map(|c| format!("P({c})"))
                .collect()
        };
        let categories = outputs_named.len();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(self.threads)
            .build()
            .map_err(|e| SensitivityError::Threads(e.to_string()))?;
        let done = AtomicU64::new(0);
        // `collect` keeps design order, so results do not depend on the thread count.
        let outputs: Vec<Vec<f64>> = pool.install(|| {
            design
                .par_iter()
                .map(|x| {
                    let p = self.probabilities(x, &outcome);
                    progress(
                        done.fetch_add(self.runs_per_point, Ordering::Relaxed)
                            + self.runs_per_point,
                    );
                    p
                })
                .collect::<Result<_, _>>()
        })?;
        let column = |o: usize| outputs.iter().map(|p| p[o]).collect::<Vec<f64>>();
        let indices = match *method {
            Method::Morris { trajectories } => Indices::Morris(
                (0..categories)
                    .map(|o| morris_indices(&design, &column(o), k, trajectories))
                    .collect(),
            ),
            Method::Sobol { samples } => Indices::Sobol(
                (0..categories)
                    .map(|o| sobol_indices(&column(o), k, samples, self.seed ^ o as u64))
                    .collect(),
            ),
        };
        Ok(Report {
            scenario: first.name().to_string(),
            params: self.params.clone(),
            outputs: outputs_named,
            points: design.len(),
            runs_per_point: self.runs_per_point,
            indices,
        })
    }
}

/// A Morris design on the unit cube: `trajectories` trajectories of `k + 1` points, each
/// moving one coordinate by ±Δ (Δ = 2/3 on a 4-level grid) in a random order.
///
/// # Examples
///
/// ```
/// use rand::SeedableRng;
/// let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
/// let d = geoalign::analysis::sensitivity::morris_design(3, 5, &mut rng);
/// assert_eq!(d.len(), 5 * 4);
/// ```
pub fn morris_design(k: usize, trajectories: usize, rng: &mut ChaCha8Rng) -> Vec<Vec<f64>> {
    let levels = MORRIS_LEVELS as f64 - 1.0;
    let delta = MORRIS_LEVELS as f64 / (2.0 * levels);
    let mut design = Vec::with_capacity(trajectories * (k + 1));
    for _ in 0..trajectories {
        let mut x: Vec<f64> = (0..k)
            .map(|_| rng.random_range(0..MORRIS_LEVELS) as f64 / levels)
            .collect();
        let mut order: Vec<usize> = (0..k).collect();
        for i in (1..k).rev() {
            order.swap(i, rng.random_range(0..=i));
        }
        design.push(x.clone());
        for &i in &order {
            x[i] = if x[i] + delta <= 1.0 + 1e-12 {
                x[i] + delta
            } else {
                x[i] - delta
            };
            design.push(x.clone());
        }
    }
    design
}

/// Morris μ, μ* and σ per parameter from a [`morris_design`] and its outputs.
///
/// # Examples
///
/// ```
/// use rand::SeedableRng;
/// let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
/// let d = geoalign::analysis::sensitivity::morris_design(2, 6, &mut rng);
/// let y: Vec<f64> = d.iter().map(|x| 3.0 * x[0]).collect(); // only x0 matters
/// let m = geoalign::analysis::sensitivity::morris_indices(&d, &y, 2, 6);
/// assert!((m[0].mu_star - 3.0).abs() < 1e-9 && m[1].mu_star == 0.0);
/// ```
pub fn morris_indices(
    design: &[Vec<f64>],
    outputs: &[f64],
    k: usize,
    trajectories: usize,
) -> Vec<MorrisIndex> {
    let mut effects = vec![Vec::with_capacity(trajectories); k];
    for t in 0..trajectories {
        let base = t * (k + 1);
        for s in 0..k {
            let (a, b) = (base + s, base + s + 1);
            let (Some(xa), Some(xb), Some(ya), Some(yb)) =
                (design.get(a), design.get(b), outputs.get(a), outputs.get(b))
            else {
                continue;
            };
            if let Some(i) = (0..k.min(xa.len()).min(xb.len())).find(|&i| xa[i] != xb[i]) {
                effects[i].push((yb - ya) / (xb[i] - xa[i]));
            }
        }
    }
    effects
        .iter()
        .map(|e| {
            let n = e.len().max(1) as f64;
            let mu = e.iter().sum::<f64>() / n;
            let mu_star = e.iter().map(|x| x.abs()).sum::<f64>() / n;
            let var = if e.len() > 1 {
                e.iter().map(|x| (x - mu) * (x - mu)).sum::<f64>() / (n - 1.0)
            } else {
                0.0
            };
            MorrisIndex {
                mu,
                mu_star,
                sigma: var.sqrt(),
            }
        })
        .collect()
}

/// A Saltelli design on the unit cube: for each of `n` rows, the row of `A`, the row of `B`,
/// then the `k` rows of `A_B^(i)` (`A` with column `i` from `B`): `n (k + 2)` points.
///
/// # Examples
///
/// ```
/// use rand::SeedableRng;
/// let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
/// let d = geoalign::analysis::sensitivity::saltelli_design(3, 4, &mut rng);
/// assert_eq!(d.len(), 4 * 5);
/// assert_eq!(d[2][0], d[1][0]); // A_B^(0) takes column 0 from B
/// assert_eq!(d[2][1], d[0][1]); // and the rest from A
/// ```
pub fn saltelli_design(k: usize, n: usize, rng: &mut ChaCha8Rng) -> Vec<Vec<f64>> {
    let mut design = Vec::with_capacity(n * (k + 2));
    for _ in 0..n {
        let a: Vec<f64> = (0..k).map(|_| rng.random::<f64>()).collect();
        let b: Vec<f64> = (0..k).map(|_| rng.random::<f64>()).collect();
        design.push(a.clone());
        design.push(b.clone());
        for i in 0..k {
            let mut ab = a.clone();
            ab[i] = b[i];
            design.push(ab);
        }
    }
    design
}

/// S1 and ST of one row set `rows` (indices of base rows) of Saltelli outputs.
fn sobol_point(outputs: &[f64], k: usize, rows: &[usize]) -> Vec<(f64, f64)> {
    let stride = k + 2;
    let n = rows.len() as f64;
    let (mut sum, mut sum_sq) = (0.0, 0.0);
    for &j in rows {
        for y in [outputs[j * stride], outputs[j * stride + 1]] {
            sum += y;
            sum_sq += y * y;
        }
    }
    let mean = sum / (2.0 * n);
    let var = sum_sq / (2.0 * n) - mean * mean;
    (0..k)
        .map(|i| {
            if var <= 0.0 {
                return (0.0, 0.0);
            }
            let (mut s1, mut st) = (0.0, 0.0);
            for &j in rows {
                let fa = outputs[j * stride];
                let fb = outputs[j * stride + 1];
                let fab = outputs[j * stride + 2 + i];
                // Centring f_B leaves the expectation unchanged (E[f_AB − f_A] = 0) and
                // removes the variance that a large output mean adds to the estimator.
                s1 += (fb - mean) * (fab - fa);
                st += (fa - fab) * (fa - fab);
            }
            (s1 / n / var, st / (2.0 * n) / var)
        })
        .collect()
}

/// Sobol S1 and ST per parameter from the outputs of a [`saltelli_design`] of `n` rows, with
/// bootstrap 95 % intervals (resampling base rows, seeded by `seed`). A constant output has
/// all indices 0.
///
/// # Examples
///
/// ```
/// use rand::SeedableRng;
/// let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
/// let d = geoalign::analysis::sensitivity::saltelli_design(2, 2000, &mut rng);
/// let y: Vec<f64> = d.iter().map(|x| x[0]).collect(); // only x0 matters, additively
/// let s = geoalign::analysis::sensitivity::sobol_indices(&y, 2, 2000, 7);
/// assert!((s[0].s1 - 1.0).abs() < 0.1 && s[1].st.abs() < 1e-12);
/// ```
pub fn sobol_indices(outputs: &[f64], k: usize, n: usize, seed: u64) -> Vec<SobolIndex> {
    let n = n.min(outputs.len() / (k + 2));
    if n == 0 {
        let zero = SobolIndex {
            s1: 0.0,
            s1_interval: (0.0, 0.0),
            st: 0.0,
            st_interval: (0.0, 0.0),
        };
        return vec![zero; k];
    }
    let all: Vec<usize> = (0..n).collect();
    let point = sobol_point(outputs, k, &all);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut boot: Vec<Vec<(f64, f64)>> = Vec::with_capacity(BOOTSTRAP);
    let mut rows = vec![0usize; n];
    for _ in 0..BOOTSTRAP {
        rows.iter_mut()
            .for_each(|r| *r = rng.random_range(0..n.max(1)));
        boot.push(sobol_point(outputs, k, &rows));
    }
    let interval = |values: &mut Vec<f64>| {
        values.sort_by(f64::total_cmp);
        let at = |q: f64| values[((q * (values.len() - 1) as f64).round()) as usize];
        (at(0.025), at(0.975))
    };
    (0..k)
        .map(|i| {
            let mut s1: Vec<f64> = boot.iter().map(|b| b[i].0).collect();
            let mut st: Vec<f64> = boot.iter().map(|b| b[i].1).collect();
            SobolIndex {
                s1: point[i].0,
                s1_interval: interval(&mut s1),
                st: point[i].1,
                st_interval: interval(&mut st),
            }
        })
        .collect()
}

/// Sobol indices of any function `f` on the unit cube `[0, 1]^k`, from a Saltelli design of
/// `n` rows drawn with `seed`.
///
/// # Examples
///
/// ```
/// let s = geoalign::analysis::sensitivity::sobol(|x| x[0] + 2.0 * x[1], 2, 4000, 3);
/// assert!((s[1].s1 - 0.8).abs() < 0.05); // 4 / (1 + 4) of the variance
/// ```
pub fn sobol<F: Fn(&[f64]) -> f64>(f: F, k: usize, n: usize, seed: u64) -> Vec<SobolIndex> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let design = saltelli_design(k, n, &mut rng);
    let outputs: Vec<f64> = design.iter().map(|x| f(x)).collect();
    sobol_indices(&outputs, k, n, seed ^ 0x9e37_79b9)
}
