//! One step of the dynamics: the embedded Eurasia 2025 world and synthetic worlds of 100 to
//! 10,000 states × 6, 12 and 20 powers × 8 channels, with a memory-bandwidth reference measured
//! in the same run. Throughput is in tie updates (states × powers × channels per step) for
//! the steps, and in bytes for the reference; BENCHMARKS.md turns both into the ratio of the
//! large world's traffic to the machine's streaming limit.
//!
//! `cargo bench --bench step`; a subset: `cargo bench --bench step -- 'states=10000'`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use geoalign::presets::Synthetic;
use geoalign::sim::dynamics::{Dynamics, Workspace};
use geoalign::sim::noise_rng;
use geoalign::{Channel, RunState, Scenario};
use std::hint::black_box;
use std::time::Duration;

/// Benchmark one step of `scenario` under `id`.
fn bench_step(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    id: BenchmarkId,
    scenario: &Scenario,
) {
    let world = &scenario.world();
    let start = RunState::new(world);
    let dynamics = Dynamics::new(world, &start);
    let mut ws = Workspace::new(world);
    let mut rs = start.clone();
    let mut rng = noise_rng(scenario.seed(), 0);
    let ties = (world.states().len() * world.powers().len() * Channel::COUNT) as u64;
    group.throughput(Throughput::Elements(ties));
    group.bench_function(id, |b| {
        b.iter(|| {
            dynamics
                .step(world, black_box(&mut rs), &mut ws, &mut rng)
                .expect("a synthetic world stays finite");
        })
    });
}

fn step(c: &mut Criterion) {
    let mut group = c.benchmark_group("step");
    let eurasia = geoalign::presets::eurasia_2025();
    let (n, p) = (
        eurasia.world().states().len(),
        eurasia.world().powers().len(),
    );
    bench_step(
        &mut group,
        BenchmarkId::new("eurasia-2025", format!("states={n}/powers={p}")),
        &eurasia,
    );
    for states in [100, 1_000, 10_000] {
        for powers in [6, 12, 20] {
            let scenario = Synthetic::new(states, powers)
                .scenario()
                .expect("a valid size");
            if states == 10_000 {
                group.measurement_time(Duration::from_secs(8));
            }
            bench_step(
                &mut group,
                BenchmarkId::new("synthetic", format!("states={states}/powers={powers}")),
                &scenario,
            );
        }
    }
    group.finish();
}

/// The streaming reference: an in-place multiply-add `y ← a·y + b` over an array the size of
/// the 10,000-state world's ties (10,000 × 6 × 8 doubles, 3.84 MB). It reads and writes each
/// element once, the same traffic as the step's pass over the ties (read, and written back
/// by the trade feedback), so the step's bytes per second over this figure is the share of
/// the machine's limit that the large world reaches.
fn bandwidth(c: &mut Criterion) {
    let mut group = c.benchmark_group("bandwidth");
    for (states, powers) in [(10_000usize, 6usize), (10_000, 20)] {
        let len = states * powers * Channel::COUNT;
        let mut y = vec![0.5_f64; len];
        group.throughput(Throughput::Bytes((2 * 8 * len) as u64));
        group.bench_function(
            BenchmarkId::new(
                "stream-multiply-add",
                format!("states={states}/powers={powers}"),
            ),
            |b| {
                b.iter(|| {
                    let (a, add) = black_box((0.999_f64, 0.000_5_f64));
                    for v in y.iter_mut() {
                        *v = a * *v + add;
                    }
                    black_box(&mut y);
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, step, bandwidth);
criterion_main!(benches);
