//! A paired comparison against one ensemble of the same size: the bound is that
//! `compare` costs at most 2.2 × one `run` (BENCHMARKS.md).
//!
//! - `compare/ensemble/<alt>/runs=N/threads=1`: [`Ensemble::run`] of the alternative alone,
//!   what `geoalign run` does.
//! - `compare/paired/<base>-vs-<alt>/runs=N/threads=1`: [`Comparison::run`] of the base and
//!   the alternative, N run pairs, what `geoalign compare` does.
//!
//! `cargo bench --bench compare`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use geoalign::analysis::compare::Comparison;
use geoalign::analysis::ensemble::Ensemble;
use std::hint::black_box;
use std::time::Duration;

/// Runs per job: 16 blocks of 64, enough that the per-job set-up is a few per cent at most.
const RUNS: u64 = 1_024;

fn compare(c: &mut Criterion) {
    let base = geoalign::presets::eurasia_2025();
    let alt = geoalign::presets::builtin("builtin:csto-slow-decline").expect("an embedded future");
    let mut group = c.benchmark_group("compare");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    let ensemble = Ensemble::new(alt.clone(), RUNS).threads(1);
    group.bench_function(
        BenchmarkId::new("ensemble/slow-decline", format!("runs={RUNS}/threads=1")),
        |b| b.iter(|| black_box(ensemble.run().expect("finite"))),
    );
    let paired = Comparison::new(base, alt, RUNS)
        .expect("the same world")
        .threads(1);
    group.bench_function(
        BenchmarkId::new(
            "paired/eurasia-2025-vs-slow-decline",
            format!("runs={RUNS}/threads=1"),
        ),
        |b| b.iter(|| black_box(paired.run().expect("finite"))),
    );
    group.finish();
}

criterion_group!(benches, compare);
criterion_main!(benches);
