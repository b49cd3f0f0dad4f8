//! Ten-year monthly runs of each CSTO future (120 steps, events on), with three recorders,
//! and ensembles of 10,000 runs on one thread and on all threads.
//!
//! - `run/<future>/recorder=none`: only the final state is kept ([`geoalign::Discard`]).
//! - `run/<future>/recorder=summary`: the run is added to an ensemble [`Summary`], what an
//!   ensemble does per run (every step's alignment, cohesion and credibility into mergeable
//!   histograms, the classifier, the similarity at the horizon).
//! - `run/<future>/recorder=trajectory`: the whole [`geoalign::Trajectory`] is kept.
//! - `ensemble/<future>/runs=10000/threads=T`: [`Ensemble::run`] with T worker threads.
//!
//! - `outcomes/slow-decline/declared=N`: the summary recorder with the three CSTO futures
//!   declared as outcomes (N = 3) and without them (N = 0).
//!
//! `cargo bench --bench run`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use geoalign::analysis::ensemble::{Ensemble, Summary};
use geoalign::{Discard, Simulation};
use std::hint::black_box;
use std::time::Duration;

const FUTURES: [(&str, &str); 3] = [
    ("slow-decline", "builtin:csto-slow-decline"),
    (
        "selective-consolidation",
        "builtin:csto-selective-consolidation",
    ),
    (
        "partial-revitalization",
        "builtin:csto-partial-revitalization",
    ),
];

fn run(c: &mut Criterion) {
    let mut group = c.benchmark_group("run");
    group.throughput(Throughput::Elements(1));
    for (name, builtin) in FUTURES {
        let scenario = geoalign::presets::builtin(builtin).expect("an embedded future");
        let steps = scenario.steps();
        let sim = Simulation::new(scenario.clone());
        let mut n = 0u64;
        group.bench_function(
            BenchmarkId::new(name, format!("steps={steps}/recorder=none")),
            |b| {
                b.iter(|| {
                    n += 1;
                    black_box(sim.run(n, &mut Discard).expect("finite"))
                })
            },
        );
        // The largest run count an ensemble allows, so every run index the bench reaches is
        // inside the ensemble's range.
        let ensemble = Ensemble::new(scenario, u64::from(u32::MAX)).threads(1);
        let mut summary: Summary = ensemble.empty_summary();
        group.bench_function(
            BenchmarkId::new(name, format!("steps={steps}/recorder=summary")),
            |b| {
                b.iter(|| {
                    n += 1;
                    ensemble.accumulate(n, &mut summary).expect("finite");
                })
            },
        );
        black_box(&summary);
        group.bench_function(
            BenchmarkId::new(name, format!("steps={steps}/recorder=trajectory")),
            |b| {
                b.iter(|| {
                    n += 1;
                    black_box(sim.trajectory(n).expect("finite"))
                })
            },
        );
    }
    group.finish();
}

/// What the declared outcomes cost a run: one run of the slow-decline future added to a
/// summary with the three CSTO futures declared in the embedded world (`declared=3`) and
/// without them (`declared=0`); the classifier of the old rule is counted in both.
fn outcomes(c: &mut Criterion) {
    let mut group = c.benchmark_group("outcomes");
    group.throughput(Throughput::Elements(1));
    let with = geoalign::presets::builtin("builtin:csto-slow-decline").expect("an embedded future");
    let without = with.clone().without_outcomes();
    let mut n = 0u64;
    for scenario in [without, with] {
        let declared = scenario.outcomes().len();
        let ensemble = Ensemble::new(scenario, u64::from(u32::MAX)).threads(1);
        let mut summary: Summary = ensemble.empty_summary();
        group.bench_function(
            BenchmarkId::new("slow-decline", format!("declared={declared}")),
            |b| {
                b.iter(|| {
                    n += 1;
                    ensemble.accumulate(n, &mut summary).expect("finite");
                })
            },
        );
        black_box(&summary);
    }
    group.finish();
}

fn ensemble(c: &mut Criterion) {
    const RUNS: u64 = 10_000;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut group = c.benchmark_group("ensemble");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(30));
    group.throughput(Throughput::Elements(RUNS));
    let (name, builtin) = FUTURES[0];
    let scenario = geoalign::presets::builtin(builtin).expect("an embedded future");
    for threads in [1, cores] {
        let ensemble = Ensemble::new(scenario.clone(), RUNS).threads(threads);
        group.bench_function(
            BenchmarkId::new(name, format!("runs={RUNS}/threads={threads}")),
            |b| b.iter(|| black_box(ensemble.run().expect("finite"))),
        );
    }
    group.finish();
}

criterion_group!(benches, run, outcomes, ensemble);
criterion_main!(benches);
