//! One step and one ten-year run of the embedded Eurasia 2025 world. Issue-level targets and
//! the synthetic large worlds live in BENCHMARKS.md as they are added.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use geoalign::dynamics::{Dynamics, Workspace};
use geoalign::{run_rng, Discard, RunState, Simulation};
use std::hint::black_box;

fn step(c: &mut Criterion) {
    let scenario = geoalign::worlds::eurasia_2025();
    let world = &scenario.world;
    let start = RunState::new(world);
    let dynamics = Dynamics::new(world, &start);
    let mut ws = Workspace::new(world);
    let mut rs = start.clone();
    let mut rng = run_rng(scenario.seed, 0);
    let ties = (world.states().len() * world.powers().len() * geoalign::Channel::COUNT) as u64;

    let mut group = c.benchmark_group("step");
    group.throughput(Throughput::Elements(ties));
    group.bench_function("eurasia-2025/states=12/powers=6", |b| {
        b.iter(|| {
            dynamics
                .step(world, black_box(&mut rs), &mut ws, &mut rng)
                .expect("finite");
        })
    });
    group.finish();
}

fn run(c: &mut Criterion) {
    let mut group = c.benchmark_group("run");
    for file in [
        "csto-slow-decline",
        "csto-selective-consolidation",
        "csto-partial-revitalization",
    ] {
        let path = format!("{}/scenarios/{file}.toml", env!("CARGO_MANIFEST_DIR"));
        let sim = Simulation::new(geoalign::Scenario::from_file(&path).expect("shipped scenario"));
        let mut n = 0u64;
        group.bench_function(format!("{file}/steps=120/recorder=none"), |b| {
            b.iter(|| {
                n += 1;
                black_box(sim.run(n, &mut Discard).expect("finite"))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, step, run);
criterion_main!(benches);
