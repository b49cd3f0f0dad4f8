//! What one run costs, counted in instructions so that a loaded machine does not blur it: `RUNS`
//! runs (default 400) of an embedded scenario on one thread, keeping only the final state
//! ([`geoalign::Discard`]). BENCHMARKS.md ("Powers that act") gives the figures and commands:
//!
//! `RUNS=200 valgrind --tool=cachegrind --cache-sim=no target/release/examples/run_cost csto-slow-decline`
//!
//! Build with `cargo build --release --example run_cost` first; the marginal cost of a run is
//! the difference between 400 and 200 runs, which removes the loading, and a step's is that
//! divided by the horizon.

use geoalign::{Discard, Simulation};

fn main() {
    let name = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "eurasia-2025".to_string());
    let runs: u64 = std::env::var("RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(400);
    let scenario = geoalign::presets::builtin(&format!("builtin:{name}")).expect("embedded");
    let sim = Simulation::new(scenario);
    // A checksum of the final alignments, so the runs cannot be optimised away.
    let mut checksum = 0.0;
    for run in 0..runs {
        let end = sim.run(run, &mut Discard).expect("the run");
        checksum += end.alignment.iter().sum::<f64>();
    }
    println!(
        "{runs} runs of {name}, {} steps each; checksum {checksum:.6}",
        sim.scenario().steps()
    );
}
