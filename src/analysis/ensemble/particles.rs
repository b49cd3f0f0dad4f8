//! The runs of an ensemble over a posterior sample of parameters
//! ([`crate::analysis::posterior`], [`super::Ensemble::posterior`]): run `r` draws its
//! particle from [`posterior_rng`]`(seed, r)` and runs the base scenario built with that
//! particle's values.
//!
//! Each particle's [`Simulation`] is built at most once, by the first worker whose run draws
//! it, and kept for the ensemble's other runs: the ensemble holds one built scenario per
//! distinct particle its runs draw, never one per run. The draws and the builds depend only
//! on the seed, the run index and the sample, so the summary is the same for any thread
//! count and any split into shards.

use crate::analysis::posterior::{Posterior, PosteriorRecord, Sampler};
use crate::analysis::sensitivity::Base;
use crate::model::YearMonth;
use crate::sim::{posterior_rng, Scenario, SimError, Simulation};
use rand::RngExt;
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

impl Particles {
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
        self.sampler
            .draw(posterior_rng(self.seed, run).random::<f64>())
    }

    /// How many distinct particles the runs `range` draw.
    pub(crate) fn distinct(&self, range: Range<u64>) -> u64 {
        let mut drawn = vec![false; self.posterior.len()];
        range.map(|run| self.particle_of(run)).for_each(|p| {
            drawn[p] = true;
        });
        drawn.iter().filter(|&&d| d).count() as u64
    }

    /// The simulation of run `run`'s particle, built if no run has drawn it yet.
    pub(crate) fn simulation(&self, run: u64) -> Result<&Simulation, SimError> {
        let particle = self.particle_of(run);
        self.sims[particle]
            .get_or_init(|| self.build(particle))
            .as_ref()
            .map_err(|reason| SimError::Particle {
                run,
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
