//! Outcomes: named classifications of a run into categories, read at its start, observed along
//! the way, and decided at its horizon.
//!
//! An [`Outcome`] is a value, not a type threaded through the summaries: an ensemble counts
//! the runs of each category of every outcome it is given ([`OutcomeCounts`]), and sensitivity
//! studies any outcome's category probabilities. The three CSTO futures are one
//! implementation, [`CstoFutures`]; a toy one takes a dozen lines:
//!
//! ```
//! use geoalign::analysis::outcome::Outcome;
//! use geoalign::{RunState, World};
//!
//! /// Is Kazakhstan's China share above 0.2 at the horizon?
//! #[derive(Debug)]
//! struct KazakhstanLeansToChina {
//!     categories: Vec<String>,
//! }
//!
//! impl Outcome for KazakhstanLeansToChina {
//!     fn name(&self) -> &str {
//!         "kazakhstan-china"
//!     }
//!     fn categories(&self) -> &[String] {
//!         &self.categories
//!     }
//!     fn start(&self, _: &World, _: &RunState, _: &mut Vec<f64>) {}
//!     fn classify(&self, world: &World, end: &RunState, _: &[f64]) -> usize {
//!         let kz = world.state_id("Kazakhstan").unwrap();
//!         let china = world.power_id("China").unwrap();
//!         usize::from(end.share(world, kz, china) > 0.2)
//!     }
//! }
//!
//! let outcome = std::sync::Arc::new(KazakhstanLeansToChina {
//!     categories: vec!["not above 0.2".into(), "above 0.2".into()],
//! });
//! let summary = geoalign::Ensemble::new(geoalign::presets::eurasia_2025(), 4)
//!     .outcome(outcome)
//!     .run()
//!     .unwrap();
//! let above = summary.probability("kazakhstan-china", "above 0.2").unwrap();
//! assert!(above.low <= above.estimate && above.estimate <= above.high);
//! ```
//!
//! **Notes.** What an outcome must remember of a run (its start's readings, whether a level
//! was crossed, how long a condition has held) it writes into the run's *notes*, a list of
//! numbers: emptied before each run's [`Outcome::start`], extended or updated by
//! [`Outcome::observe`] after every step, read by [`Outcome::classify`]. The buffer is the
//! watcher's, not the outcome's, so one outcome value is shared by every worker thread
//! (outcomes are `Send + Sync` and held in an [`Arc`]) and a run allocates nothing for it
//! once the buffer has grown.

mod csto;
mod declared;
mod quantity;

pub use quantity::Quantity;

pub use csto::{BlocReading, CstoClassifier, CstoFuture, CstoFutures, DEFAULT_MARGIN};
pub use declared::{declared_outcomes, Declared, CSTO_FUTURE_OUTCOMES, NO, YES};

use crate::model::World;
use crate::sim::{Recorder, RunState};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

/// A classification of runs into named categories.
///
/// The ensemble calls [`start`](Outcome::start) with the state at step 0,
/// [`observe`](Outcome::observe) with the state after each step `1..=steps` (the last one is
/// the horizon), and [`classify`](Outcome::classify) once with the state at the horizon.
/// Every call for one run gets that run's notes (see the [module docs](self)).
pub trait Outcome: Send + Sync + fmt::Debug {
    /// The outcome's name, unique among the outcomes of one ensemble: summaries are looked up
    /// by it and it labels output files (e.g. `csto-futures`).
    fn name(&self) -> &str;

    /// The category names, in the order of the indices [`classify`](Outcome::classify)
    /// returns; at least one.
    fn categories(&self) -> &[String];

    /// Whether the outcome can read `world`: the institutions, states or powers it names are
    /// there. Ensembles and sensitivity studies call it before any run and refuse an outcome
    /// that fails it, with this reason. The default accepts every world.
    fn check(&self, world: &World) -> Result<(), String> {
        let _ = world;
        Ok(())
    }

    /// Read what the outcome needs from the run's start into `notes` (empty on entry).
    fn start(&self, world: &World, state: &RunState, notes: &mut Vec<f64>);

    /// Watch the state after step `step` (`1..=steps`). The default keeps nothing: an outcome
    /// that compares the start with the horizon needs no step in between.
    fn observe(&self, step: u32, world: &World, state: &RunState, notes: &mut Vec<f64>) {
        let _ = (step, world, state, notes);
    }

    /// The run's category: an index into [`categories`](Outcome::categories), decided from
    /// the state at the horizon and the run's notes.
    fn classify(&self, world: &World, end: &RunState, notes: &[f64]) -> usize;

    /// Whether the outcome keeps a time series ([`judged`](Outcome::judged)): an ensemble
    /// then counts, at each recorded step, the runs judged in each category by that step
    /// ([`OutcomeCounts::over_time`]). The default keeps none.
    fn keeps_series(&self) -> bool {
        false
    }

    /// The run's category if it were judged with the run ending at the step last observed
    /// (after [`start`](Outcome::start) or [`observe`](Outcome::observe)), from the notes
    /// alone; `None` for an outcome that keeps no series (the default). At the horizon it
    /// must equal [`classify`](Outcome::classify).
    fn judged(&self, notes: &[f64]) -> Option<usize> {
        let _ = notes;
        None
    }

    /// Whether the outcome measures a number of each run ([`quantity`](Outcome::quantity)),
    /// such as [`Quantity`]: a sensitivity study then ranks parameters by its mean rather
    /// than by category probabilities. The default: no.
    fn is_quantity(&self) -> bool {
        false
    }

    /// The run's number, from its notes after the horizon; `None` (the default) for an
    /// outcome that measures none.
    fn quantity(&self, notes: &[f64]) -> Option<f64> {
        let _ = notes;
        None
    }
}

/// The outcomes an ensemble counts when it is given none: the CSTO futures when the world
/// has a CSTO the classifier can read ([`CstoFutures::for_world`]), otherwise none.
///
/// # Examples
///
/// ```
/// let world = geoalign::presets::eurasia_2025().world().clone();
/// let outcomes = geoalign::analysis::outcome::default_outcomes(&world);
/// assert_eq!(outcomes[0].name(), "csto-futures");
/// ```
pub fn default_outcomes(world: &World) -> Vec<Arc<dyn Outcome>> {
    CstoFutures::for_world(world)
        .map(|o| Arc::new(o) as Arc<dyn Outcome>)
        .into_iter()
        .collect()
}

/// Check `outcomes` against `world` before any run: each has at least one category, reads
/// what `world` holds ([`Outcome::check`]), and no two share a name. The first failure is the
/// outcome's name and the reason.
pub fn check_outcomes(
    outcomes: &[Arc<dyn Outcome>],
    world: &World,
) -> Result<(), (String, String)> {
    for (i, outcome) in outcomes.iter().enumerate() {
        let name = outcome.name().to_string();
        if outcome.categories().is_empty() {
            return Err((name, "it has no categories".into()));
        }
        if outcomes[..i].iter().any(|o| o.name() == name) {
            return Err((name, "two outcomes have this name".into()));
        }
        outcome.check(world).map_err(|reason| (name, reason))?;
    }
    Ok(())
}

/// Runs counted per category of one outcome: integers, so partial counts merge exactly.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcomeCounts {
    /// The outcome's [`Outcome::name`].
    pub name: String,
    /// Its category names, in index order.
    pub categories: Vec<String>,
    /// Runs classified in each category, in the same order.
    pub counts: Vec<u64>,
    /// For an outcome that keeps a series ([`Outcome::keeps_series`]): per recorded step of
    /// the summary (row-major, [`Summary::recorded_steps`](crate::analysis::ensemble::Summary::recorded_steps)
    /// order), the runs judged in each category by that step; each row sums to the runs.
    /// Empty otherwise, and then left out of files, which read as before.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub over_time: Vec<u64>,
}

impl OutcomeCounts {
    /// No runs yet of `outcome`'s categories.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::outcome::{CstoFutures, OutcomeCounts};
    /// let world = geoalign::presets::eurasia_2025().world().clone();
    /// let counts = OutcomeCounts::new(&CstoFutures::for_world(&world).unwrap());
    /// assert_eq!(counts.counts, [0, 0, 0]);
    /// ```
    pub fn new(outcome: &dyn Outcome) -> OutcomeCounts {
        OutcomeCounts {
            name: outcome.name().to_string(),
            categories: outcome.categories().to_vec(),
            counts: vec![0; outcome.categories().len()],
            over_time: Vec::new(),
        }
    }

    /// No runs yet of `outcome`'s categories, with room for its series over `rows` recorded
    /// steps when it keeps one.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::outcome::{declared_outcomes, OutcomeCounts};
    /// let scenario = geoalign::presets::csto_futures()[0].clone();
    /// let declared = declared_outcomes(&scenario);
    /// let counts = OutcomeCounts::with_series(declared[0].as_ref(), 121);
    /// assert_eq!(counts.over_time.len(), 121 * 2);
    /// ```
    pub fn with_series(outcome: &dyn Outcome, rows: usize) -> OutcomeCounts {
        let mut counts = OutcomeCounts::new(outcome);
        if outcome.keeps_series() {
            counts.over_time = vec![0; rows.saturating_mul(outcome.categories().len())];
        }
        counts
    }

    /// The runs judged in `category` by the `row`-th recorded step; `None` without a series
    /// or out of range.
    pub fn judged_by(&self, row: usize, category: usize) -> Option<u64> {
        let cats = self.categories.len();
        if category >= cats {
            return None;
        }
        self.over_time
            .get(row.checked_mul(cats)?.checked_add(category)?)
            .copied()
    }

    /// Index of the category named `category`.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::outcome::{CstoFutures, OutcomeCounts};
    /// let world = geoalign::presets::eurasia_2025().world().clone();
    /// let counts = OutcomeCounts::new(&CstoFutures::for_world(&world).unwrap());
    /// assert_eq!(counts.category("partial revitalization"), Some(2));
    /// ```
    pub fn category(&self, category: &str) -> Option<usize> {
        self.categories.iter().position(|c| c == category)
    }

    /// Whether `other` counts the same outcome (same name and categories, both with or
    /// both without a series of the same length).
    /// Each must hold one count per category (a partial read from a file may not).
    pub(crate) fn same_outcome(&self, other: &OutcomeCounts) -> bool {
        self.name == other.name
            && self.categories == other.categories
            && self.over_time.len() == other.over_time.len()
            && self.counts.len() == self.categories.len()
            && other.counts.len() == other.categories.len()
    }
}

/// Follows a set of outcomes through one run at a time: reads each at the start, lets each
/// observe every step, and tallies each one's category at the horizon. The one place that
/// does so, for the ensemble and for sensitivity alike. As a [`Recorder`] it can be handed to
/// [`crate::Simulation::run`] directly.
///
/// # Examples
///
/// ```
/// use geoalign::analysis::outcome::{default_outcomes, OutcomeCounts, Watch};
/// let sim = geoalign::Simulation::new(geoalign::presets::csto_futures()[0].clone());
/// let world = sim.scenario().world();
/// let outcomes = default_outcomes(world);
/// let mut counts: Vec<_> = outcomes.iter().map(|o| OutcomeCounts::new(o.as_ref())).collect();
/// let mut watch = Watch::new(&outcomes);
/// for run in 0..3 {
///     let end = sim.run(run, &mut watch).unwrap();
///     watch.tally(world, &end, &mut counts);
/// }
/// assert_eq!(counts[0].counts.iter().sum::<u64>(), 3);
/// ```
#[derive(Clone, Debug)]
pub struct Watch<'a> {
    outcomes: &'a [Arc<dyn Outcome>],
    /// One run's notes per outcome.
    notes: Vec<Vec<f64>>,
}

impl<'a> Watch<'a> {
    /// A watcher of `outcomes`.
    pub fn new(outcomes: &'a [Arc<dyn Outcome>]) -> Watch<'a> {
        Watch {
            outcomes,
            notes: vec![Vec::new(); outcomes.len()],
        }
    }

    /// Add the run that ended in `end` to `counts` (one entry per outcome, in the watcher's
    /// order): each outcome classifies it from its notes.
    ///
    /// # Panics
    ///
    /// If an outcome returns a category index outside its categories: a bug in that outcome,
    /// which no count could honestly hold.
    pub fn tally(&self, world: &World, end: &RunState, counts: &mut [OutcomeCounts]) {
        for ((outcome, notes), tally) in self.outcomes.iter().zip(&self.notes).zip(counts) {
            let category = outcome.classify(world, end, notes);
            let Some(count) = tally.counts.get_mut(category) else {
                panic!(
                    "outcome `{}` classified a run as category {category}, but it has {} categories",
                    outcome.name(),
                    outcome.categories().len()
                );
            };
            *count += 1;
        }
    }

    /// The number the `index`-th outcome measures of the run just watched
    /// ([`Outcome::quantity`]).
    pub fn quantity(&self, index: usize) -> Option<f64> {
        self.outcomes.get(index)?.quantity(self.notes.get(index)?)
    }

    /// Add each series-keeping outcome's judgement of the run so far to row `row` of its
    /// series in `counts` (one entry per outcome, in the watcher's order).
    pub fn tally_row(&self, row: usize, counts: &mut [OutcomeCounts]) {
        for ((outcome, notes), tally) in self.outcomes.iter().zip(&self.notes).zip(counts) {
            if tally.over_time.is_empty() {
                continue;
            }
            if let Some(category) = outcome.judged(notes) {
                let cell = row * tally.categories.len() + category;
                if let Some(count) = tally.over_time.get_mut(cell) {
                    *count += 1;
                }
            }
        }
    }
}

impl Recorder for Watch<'_> {
    fn record(&mut self, step: u32, world: &World, state: &RunState) {
        for (outcome, notes) in self.outcomes.iter().zip(&mut self.notes) {
            if step == 0 {
                notes.clear();
                outcome.start(world, state, notes);
            } else {
                outcome.observe(step, world, state, notes);
            }
        }
    }
}
