//! What the declared outcomes cost a run, counted in instructions so that a loaded machine
//! does not blur it: 400 runs of the slow-decline future on one thread, with its three
//! declared CSTO futures (`with`) or without them (anything else). BENCHMARKS.md
//! ("Outcome bookkeeping") gives the figures and the commands:
//!
//! `valgrind --tool=cachegrind --cache-sim=no target/release/examples/outcome_cost with`
//!
//! Run with `cargo build --release --example outcome_cost` first; the marginal cost of a run
//! is the difference between 400 and 200 runs (`RUNS=200`), which removes the loading.

use geoalign::analysis::ensemble::Ensemble;

fn main() {
    let with = std::env::args().nth(1).as_deref() == Some("with");
    let runs = std::env::var("RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(400);
    let mut scenario = geoalign::presets::builtin("builtin:csto-slow-decline").expect("embedded");
    if !with {
        scenario = scenario.without_outcomes();
    }
    let summary = Ensemble::new(scenario, runs)
        .threads(1)
        .run()
        .expect("the runs");
    println!(
        "{} runs, {} outcomes counted",
        summary.runs,
        summary.outcomes.len()
    );
}
