//! The runs of an ensemble over a posterior sample of parameters
//! ([`crate::analysis::posterior`], [`super::Ensemble::posterior`]): run `r` draws its
//! particle from [`crate::sim::posterior_rng`]`(seed, r)` and runs the base scenario built with that
//! particle's values.
//!
//! Before the runs, [`Particles::prepare`] draws the particle of every run of the range, and
//! builds each distinct particle's [`Simulation`] once, in parallel; the runs then only look
//! their particle up. The ensemble holds one built scenario per distinct particle its runs
//! draw, never one per run, and a particle the scenario refuses fails the job before any run.
//! (A run outside a prepared range, as [`super::Ensemble::accumulate`] may ask for, builds its
//! particle when first drawn.) The draws and the builds depend only on the seed, the run index
//! and the sample, so the summary is the same for any thread count and any split into shards.
//!
//! **Cost.** A particle's build validates the scenario like a user's file: 2 ms for the
//! Eurasia world, 5–8 ms for a CSTO future (its `extends` chain), against 0.2 ms a run. A
//! sample of many particles over few runs spends most of its time building (2,000 runs
//! drawing 869 particles of a CSTO future: 3.2 s on two threads, 1.0 s without a sample).

use crate::analysis::posterior::{Posterior, PosteriorRecord, Sampler};
use crate::analysis::sensitivity::Base;
use crate::model::YearMonth;
use crate::sim::{Scenario, SimError, Simulation};
use rayon::prelude::*;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

/// A posterior sample attached to an ensemble, with the particles' simulations built so far.
#[derive(Debug)]
pub(crate) struct Particles {
    /// The scenario the particles' values are set on.
    base: Base,
    /// The sample.
    posterior: Arc<Posterior>,
    /// Its cumulative weights.
    sampler: Sampler,
    /// The seed of the ensemble's scenario: of the draws and of every particle's scenario.
    seed: u64,
    /// The shape every particle's scenario must keep (that of the ensemble's scenario).
    shape: Shape,
    /// Per particle, its simulation (or why it cannot be built) once a run has drawn it.
    sims: Vec<OnceLock<Result<Simulation, String>>>,
    /// What the summary records of the sample.
    pub(crate) record: PosteriorRecord,
}

/// What a particle may not change of the run: the summary's dimensions and what it counts.
#[derive(Debug, PartialEq)]
struct Shape {
    start: YearMonth,
    steps: u32,
    powers: usize,
    states: usize,
    members: Vec<usize>,
    acting: Vec<[u32; 2]>,
}

impl Shape {
    fn of(scenario: &Scenario) -> Shape {
        let world = scenario.world();
        Shape {
            start: scenario.start(),
            steps: scenario.steps(),
            powers: world.powers().len(),
            states: world.states().len(),
            members: world
                .institutions()
                .iter()
                .map(|i| i.members.len())
                .collect(),
            acting: super::powers::acting_pairs(world),
        }
    }
}

/// Whether `scenario` is `base` as its file builds it, up to its seed.
pub(crate) fn is_base(scenario: &Scenario, base: &Base) -> bool {
    let Ok(built) = base.scenario() else {
        return false;
    };
    let mut own = scenario.clone();
    own.set_seed(built.seed());
    super::fingerprint(&own) == base.fingerprint()
}

impl Particles {
    /// The same particles under `scenario`'s seed (none built yet).
    pub(crate) fn reseeded(&self, scenario: &Scenario) -> Particles {
        Particles::new(
            self.base.clone(),
            Arc::clone(&self.posterior),
            scenario,
            self.record.clone(),
        )
    }

    /// `posterior`'s particles on `base`, under `scenario`'s seed and shape.
    pub(crate) fn new(
        base: Base,
        posterior: Arc<Posterior>,
        scenario: &Scenario,
        record: PosteriorRecord,
    ) -> Particles {
        Particles {
            sampler: posterior.sampler(),
            sims: (0..posterior.len()).map(|_| OnceLock::new()).collect(),
            seed: scenario.seed(),
            shape: Shape::of(scenario),
            base,
            posterior,
            record,
        }
    }

    /// The particle run `run` draws.
    pub(crate) fn particle_of(&self, run: u64) -> usize {
        self.sampler.of_run(self.seed, run)
    }

    /// How many distinct particles the runs `range` draw.
    pub(crate) fn distinct(&self, range: Range<u64>) -> u64 {
        let mut drawn = vec![false; self.posterior.len()];
        range.map(|run| self.particle_of(run)).for_each(|p| {
            drawn[p] = true;
        });
        drawn.iter().filter(|&&d| d).count() as u64
    }

    /// Build the particle of every run of `range` that is not built yet, on `workers` threads.
    ///
    /// # Errors
    ///
    /// The failure of the lowest run whose particle cannot be built (what the runs would
    /// report, before any of them is spent).
    pub(crate) fn prepare(&self, range: Range<u64>, workers: usize) -> Result<(), SimError> {
        // The first run of the range that draws each particle, in run order.
        let mut first: Vec<Option<u64>> = vec![None; self.posterior.len()];
        for run in range {
            let slot = &mut first[self.particle_of(run)];
            slot.get_or_insert(run);
        }
        let drawn: Vec<(usize, u64)> = first
            .iter()
            .enumerate()
            .filter_map(|(p, r)| Some((p, (*r)?)))
            .collect();
        let build = || {
            drawn
                .par_iter()
                .filter_map(|&(p, run)| self.simulation_of(p, run).err())
                .min_by_key(|e| match e {
                    SimError::Particle { run, .. } => *run,
                    _ => u64::MAX,
                })
        };
        let failed = match rayon::ThreadPoolBuilder::new().num_threads(workers).build() {
            Ok(pool) => pool.install(build),
            // Without a pool of our own, rayon's global one builds them.
            Err(_) => build(),
        };
        failed.map_or(Ok(()), Err)
    }

    /// The simulation of run `run`'s particle, built if no run has drawn it yet.
    pub(crate) fn simulation(&self, run: u64) -> Result<&Simulation, SimError> {
        self.simulation_of(self.particle_of(run), run)
    }

    /// The simulation of particle `particle`, drawn by run `run` (named in an error).
    fn simulation_of(&self, particle: usize, run: u64) -> Result<&Simulation, SimError> {
        self.sims[particle]
            .get_or_init(|| self.build(particle))
            .as_ref()
            .map_err(|reason| SimError::Particle {
                run,
                file: self.record.source.clone(),
                particle,
                reason: reason.clone(),
            })
    }

    /// The simulation of particle `p`: the base with the particle's values, under the seed.
    fn build(&self, p: usize) -> Result<Simulation, String> {
        let mut scenario = self
            .base
            .with_values(&self.posterior.keys, self.posterior.particle(p))
            .map_err(|e| e.to_string())?;
        scenario.set_seed(self.seed);
        if Shape::of(&scenario) != self.shape {
            return Err("its values change the run's shape (start, horizon, powers, states, members or the powers that act) from the base's; a posterior may set only values that keep it".into());
        }
        Ok(Simulation::new(scenario))
    }
}
