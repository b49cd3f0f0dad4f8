//! How much the CSTO classifier's margin δ matters: for each CSTO future's scenario and for
//! Eurasia 2025 (no drivers), 2,000 runs, the mean change of the wider bloc's cohesion `W` and
//! of the core's alignment `B` from the start to the horizon, and how the runs classify at
//! δ = 0, 0.01, 0.02 (the default) and 0.04. The table in the docs of
//! `geoalign::analysis::outcome::CstoClassifier`'s module comes from this program.
//!
//! Run with `cargo run --release --example csto_margin`. The readings of a run do not depend
//! on δ, so each run is read once and classified four times.

use geoalign::analysis::outcome::{BlocReading, CstoClassifier, CstoFuture};
use geoalign::{Recorder, RunState, Scenario, Simulation, World};

const RUNS: u64 = 2000;
const MARGINS: [f64; 4] = [0.0, 0.01, 0.02, 0.04];

/// Keeps the classifier's reading of step 0.
struct Start<'a> {
    classifier: &'a CstoClassifier,
    reading: Option<BlocReading>,
}

impl Recorder for Start<'_> {
    fn record(&mut self, step: u32, world: &World, state: &RunState) {
        if step == 0 {
            self.reading = Some(self.classifier.read(world, state));
        }
    }
}

/// One row of the table: mean ΔW, mean ΔB, and per margin the counts of each future.
fn row(scenario: Scenario) -> Result<String, geoalign::SimError> {
    let sim = Simulation::new(scenario);
    let world = sim.scenario().world();
    let classifiers: Vec<CstoClassifier> = MARGINS
        .iter()
        .map(|&m| CstoClassifier::new(world, "CSTO", &["Belarus"], m).expect("a CSTO"))
        .collect();
    let (mut dw, mut db) = (0.0, 0.0);
    let mut counts = [[0u64; 3]; MARGINS.len()];
    for run in 0..RUNS {
        let mut start = Start {
            classifier: &classifiers[0],
            reading: None,
        };
        let end = sim.run(run, &mut start)?;
        let start = start.reading.expect("step 0 is recorded");
        let end = classifiers[0].read(world, &end);
        dw += end.wider - start.wider;
        db += end.core - start.core;
        for (c, tally) in classifiers.iter().zip(&mut counts) {
            tally[c.classify(&start, &end).index()] += 1;
        }
    }
    let n = RUNS as f64;
    let cells: Vec<String> = counts
        .iter()
        .map(|[a, b, c]| format!("{a} / {b} / {c}"))
        .collect();
    Ok(format!(
        "| {} | {:+.3} | {:+.3} | {} |",
        sim.scenario().name(),
        dw / n,
        db / n,
        cells.join(" | ")
    ))
}

fn main() -> Result<(), geoalign::SimError> {
    let margins: Vec<String> = MARGINS.iter().map(|m| format!("δ = {m}")).collect();
    println!(
        "{RUNS} runs per scenario; counts of {} / {} / {}\n",
        CstoFuture::SlowDecline.name(),
        CstoFuture::SelectiveConsolidation.name(),
        CstoFuture::PartialRevitalization.name()
    );
    println!("| scenario | mean ΔW | mean ΔB | {} |", margins.join(" | "));
    println!("|---|---|---|{}", "---|".repeat(MARGINS.len()));
    let scenarios = geoalign::presets::csto_futures()
        .into_iter()
        .chain(std::iter::once(geoalign::presets::eurasia_2025()));
    for scenario in scenarios {
        println!("{}", row(scenario)?);
    }
    Ok(())
}
