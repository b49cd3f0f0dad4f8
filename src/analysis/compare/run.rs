//! Running a comparison: per run index, the base's run then the alternative's, on the same
//! streams, through the ensemble's worker pool.

use super::moments::{fixed_share, Moments};
use super::{check_both, CompareError, Comparison, PairedCounts, PairedSummary, Side};
use crate::analysis::ensemble::memory::{self, Bytes};
use crate::analysis::ensemble::particles::Particles;
use crate::analysis::ensemble::{fingerprint, recorded_row, workers, EnsembleError};
use crate::analysis::outcome::{Outcome, OutcomeCounts, Watch};
use crate::model::{InstitutionId, World};
use crate::sim::{Recorder, RunState, Scenario, SimError, Simulation};
use std::sync::Arc;

/// Where a recorded step's values go: every state's components, then cohesion and
/// credibility of each institution (a comparison's two worlds have the same states, powers
/// and institutions in the same order, `compatible`, so one index serves both).
pub(crate) struct Layout {
    /// States × components.
    alignment: usize,
    /// Institutions.
    institutions: usize,
}

impl Layout {
    pub(crate) fn new(base: &Scenario) -> Layout {
        let world = base.world();
        Layout {
            alignment: world.states().len() * world.components(),
            institutions: world.institutions().len(),
        }
    }

    /// Cells per recorded step.
    fn width(&self) -> usize {
        self.alignment + 2 * self.institutions
    }

    /// Cells of a comparison of `steps` recorded every `every`.
    pub(crate) fn cells(&self, steps: u32, every: u32) -> usize {
        let rows = memory::recorded_count(steps.into(), every.into());
        usize::try_from(rows)
            .unwrap_or(usize::MAX)
            .saturating_mul(self.width())
    }
}

/// A worker's room for one run pair: the base run's recorded values and each side's outcome
/// tallies.
struct Scratch {
    base_values: Vec<u64>,
    base_counts: Vec<OutcomeCounts>,
    alt_counts: Vec<OutcomeCounts>,
    base_categories: Vec<usize>,
    alt_categories: Vec<usize>,
}

/// Which side of the pair a recorder feeds.
enum Pass<'a> {
    /// The base: its values go into the accumulator and into the buffer.
    Base(&'a mut [u64]),
    /// The alternative: its values are paired with the buffer's.
    Alt(&'a [u64]),
}

/// Feeds one run of either side into the paired accumulator.
struct PairRecorder<'a> {
    moments: &'a mut Moments,
    pass: Pass<'a>,
    layout: &'a Layout,
    steps: u32,
    every: u32,
    watch: Watch<'a>,
}

impl PairRecorder<'_> {
    #[inline(always)]
    fn add(&mut self, cell: usize, x: f64) {
        let f = fixed_share(x);
        match &mut self.pass {
            Pass::Base(buffer) => {
                buffer[cell] = f;
                self.moments.add_base(cell, f);
            }
            Pass::Alt(buffer) => self.moments.add_alt(cell, f, buffer[cell]),
        }
    }
}

impl Recorder for PairRecorder<'_> {
    fn record(&mut self, step: u32, world: &World, state: &RunState) {
        if let Some(row) = recorded_row(step, self.steps, self.every) {
            let base = row * self.layout.width();
            for (j, &x) in state.alignment.iter().enumerate() {
                self.add(base + j, x);
            }
            let at = base + self.layout.alignment;
            for i in 0..self.layout.institutions {
                let cohesion = state.cohesion(world, InstitutionId(i as u32));
                let credibility = state.credibility[i];
                self.add(at + 2 * i, cohesion);
                self.add(at + 2 * i + 1, credibility);
            }
        }
        self.watch.record(step, world, state);
    }
}

/// The category each outcome gave the run that ended in `end`, into `out`: tallied into
/// zeroed counts, then read back (the watcher's one way to classify).
fn categories(
    watch: &Watch<'_>,
    world: &World,
    end: &RunState,
    counts: &mut [OutcomeCounts],
    out: &mut Vec<usize>,
) {
    counts.iter_mut().for_each(|c| c.counts.fill(0));
    watch.tally(world, end, counts);
    out.clear();
    out.extend(
        counts
            .iter()
            .map(|c| c.counts.iter().position(|&n| n > 0).unwrap_or(0)),
    );
}

/// The two prepared simulations and what every run pair shares.
struct Job<'a> {
    base: Simulation,
    alt: Simulation,
    /// Each side's particles of a posterior sample, if any: run `r` takes the same on both.
    particles: Option<(&'a Particles, &'a Particles)>,
    layout: Layout,
    every: u32,
    outcomes: &'a [Arc<dyn Outcome>],
}

impl Job<'_> {
    /// Run pair `run` into `acc`.
    fn pair(
        &self,
        run: u64,
        acc: &mut PairedSummary,
        scratch: &mut Scratch,
    ) -> Result<(), SimError> {
        let (base, alt) = match self.particles {
            Some((b, a)) => (b.simulation(run)?, a.simulation(run)?),
            None => (&self.base, &self.alt),
        };
        let steps = base.scenario().steps();
        let mut rec = PairRecorder {
            moments: &mut acc.moments,
            pass: Pass::Base(&mut scratch.base_values),
            layout: &self.layout,
            steps,
            every: self.every,
            watch: Watch::new(self.outcomes),
        };
        let end = base.run(run, &mut rec)?;
        let base_world = base.scenario().world();
        categories(
            &rec.watch,
            base_world,
            &end,
            &mut scratch.base_counts,
            &mut scratch.base_categories,
        );
        let mut rec = PairRecorder {
            moments: &mut acc.moments,
            pass: Pass::Alt(&scratch.base_values),
            layout: &self.layout,
            steps,
            every: self.every,
            watch: Watch::new(self.outcomes),
        };
        let end = alt.run(run, &mut rec)?;
        let alt_world = alt.scenario().world();
        categories(
            &rec.watch,
            alt_world,
            &end,
            &mut scratch.alt_counts,
            &mut scratch.alt_categories,
        );
        let pairs = scratch.base_categories.iter().zip(&scratch.alt_categories);
        for (table, (&b, &a)) in acc.outcomes.iter_mut().zip(pairs) {
            let k = table.categories.len();
            table.table[a * k + b] += 1;
        }
        acc.runs += 1;
        Ok(())
    }
}

/// An empty paired summary of `c`.
fn empty(c: &Comparison, layout: &Layout, every: u32) -> PairedSummary {
    let world = c.base.world();
    let side = |s: &Scenario, own_seed| Side {
        name: s.name().to_string(),
        fingerprint: fingerprint(s),
        own_seed,
    };
    PairedSummary {
        version: env!("CARGO_PKG_VERSION").to_string(),
        base: side(&c.base, c.own_seeds.0),
        alt: side(&c.alt, c.own_seeds.1),
        seed: c.base.seed(),
        start: c.base.start(),
        steps: c.base.steps(),
        record_every: every,
        powers: world.powers().iter().map(|p| p.name.clone()).collect(),
        states: world.states().iter().map(|s| s.name.clone()).collect(),
        institutions: world
            .institutions()
            .iter()
            .map(|i| i.name.clone())
            .collect(),
        planned_runs: c.runs,
        shard_count: c.shard.count,
        shards: vec![c.shard.index],
        runs: 0,
        outcomes: c
            .outcomes
            .iter()
            .map(|o| {
                let k = o.categories().len();
                PairedCounts {
                    name: o.name().to_string(),
                    categories: o.categories().to_vec(),
                    table: vec![0; k * k],
                }
            })
            .collect(),
        moments: Moments::new(layout.cells(c.base.steps(), every)),
        posterior: c.particles.as_ref().map(|(b, _)| b.record.clone()),
    }
}

/// [`Comparison::run_with_progress`].
pub(super) fn run(
    c: &Comparison,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<PairedSummary, CompareError> {
    if c.runs > u64::from(u32::MAX) {
        return Err(EnsembleError::TooManyRuns(c.runs).into());
    }
    check_both(c)?;
    let estimate = c.memory_estimate();
    if !estimate.fits() {
        return Err(EnsembleError::MemoryLimit {
            estimate: estimate.total(),
            limit: estimate.limit,
            breakdown: estimate.to_string(),
            advice: format!(
                "record fewer steps (`--record-every N`; `Comparison::record_every`), or raise the limit above {} (`--max-memory`; `Comparison::max_memory`)",
                Bytes(estimate.total())
            ),
        }
        .into());
    }
    let layout = Layout::new(&c.base);
    let every = c.recording_every();
    // Each side's particles drawn by the range, built once before any run.
    if let Some((b, a)) = &c.particles {
        b.prepare(c.run_range(), estimate.workers)
            .map_err(EnsembleError::from)?;
        a.prepare(c.run_range(), estimate.workers)
            .map_err(EnsembleError::from)?;
    }
    let job = Job {
        base: Simulation::new(c.base.clone()),
        alt: Simulation::new(c.alt.clone()),
        particles: c.particles.as_ref().map(|(b, a)| (&**b, &**a)),
        layout,
        every,
        outcomes: &c.outcomes,
    };
    let fresh = || empty(c, &job.layout, every);
    let counts = || -> Vec<OutcomeCounts> {
        c.outcomes
            .iter()
            .map(|o| OutcomeCounts::new(o.as_ref()))
            .collect()
    };
    let partials = workers::in_blocks(
        estimate.workers,
        c.run_range(),
        &|| {
            let acc = fresh();
            let scratch = Scratch {
                base_values: vec![0; acc.moments.cells()],
                base_counts: counts(),
                alt_counts: counts(),
                base_categories: Vec::with_capacity(c.outcomes.len()),
                alt_categories: Vec::with_capacity(c.outcomes.len()),
            };
            (acc, scratch)
        },
        &|(acc, scratch), runs| {
            for run in runs {
                job.pair(run, acc, scratch)?;
            }
            Ok(())
        },
        progress,
    )?;
    // Merged into the first accumulator by integer additions: any grouping, the same bits.
    let mut partials = partials.into_iter().map(|(acc, _)| acc);
    let mut summary = partials.next().unwrap_or_else(fresh);
    for p in partials {
        summary
            .moments
            .merge(&p.moments)
            .map_err(|at| CompareError::Corrupt {
                field: format!("moments.{at}"),
                reason: "overflows when the workers' sums are added".into(),
            })?;
        for (a, b) in summary.outcomes.iter_mut().zip(&p.outcomes) {
            a.table.iter_mut().zip(&b.table).for_each(|(x, y)| *x += y);
        }
        summary.runs += p.runs;
    }
    Ok(summary)
}
