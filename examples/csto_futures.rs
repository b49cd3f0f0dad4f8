//! The three CSTO futures of seed 000 (docs/sources.md), side by side: CSTO cohesion over time
//! and each member's Russia share at the horizon, as means over 200 runs of each future.
//!
//! Run with `cargo run --release --example csto_futures`. The numbers are what the model
//! implies under each future's drivers (written and sourced in `scenarios/csto-*.toml`); they
//! are not forecasts.

use geoalign::{Scenario, Simulation, StateId, Trajectory};
use std::path::PathBuf;

const RUNS: u64 = 200;

const FUTURES: [(&str, &str); 3] = [
    ("slow decline", "csto-slow-decline.toml"),
    ("selective consol.", "csto-selective-consolidation.toml"),
    ("partial revital.", "csto-partial-revitalization.toml"),
];

/// Mean CSTO cohesion per step and mean final Russia share per state over `RUNS` runs.
struct Means {
    cohesion: Vec<f64>,
    russia_share: Vec<f64>,
}

fn means(sim: &Simulation) -> Result<(Means, Trajectory), geoalign::SimError> {
    let mut cohesion = vec![0.0; sim.scenario().steps() as usize + 1];
    let mut russia_share = vec![0.0; sim.scenario().world().states().len()];
    let mut first = None;
    for run in 0..RUNS {
        let t = sim.trajectory(run)?;
        let csto = t.institution_id("CSTO").expect("the futures keep the CSTO");
        let russia = t.power_id("Russia").expect("the futures keep Russia");
        for (step, acc) in cohesion.iter_mut().enumerate() {
            *acc += t.cohesion_of(step, csto) / RUNS as f64;
        }
        let states = sim.scenario().world().state_ids();
        for (state, acc) in states.zip(russia_share.iter_mut()) {
            *acc += t.share(t.len() - 1, state, russia) / RUNS as f64;
        }
        first.get_or_insert(t);
    }
    let first = first.expect("RUNS > 0");
    Ok((
        Means {
            cohesion,
            russia_share,
        },
        first,
    ))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut results = Vec::new();
    for (label, file) in FUTURES {
        let scenario = Scenario::from_file(dir.join(file))?;
        let sim = Simulation::new(scenario);
        let (m, t) = means(&sim)?;
        results.push((label, sim, m, t));
    }

    let (_, sim0, _, t0) = &results[0];
    let scenario = sim0.scenario();
    println!("CSTO futures of seed 000 (docs/sources.md) — means over {RUNS} runs each (model outputs under each future's assumptions, not forecasts)\n");
    println!("CSTO cohesion (mean over members of participation × alignment share with Russia)");
    print!("{:<10}", "date");
    for (label, ..) in &results {
        print!("{label:>20}");
    }
    println!();
    for step in (0..=scenario.steps()).step_by(12) {
        print!("{:<10}", scenario.date_of(step).to_string());
        for (_, _, m, _) in &results {
            print!("{:>20.3}", m.cohesion[step as usize]);
        }
        println!();
    }

    let csto = t0.institution_id("CSTO").expect("CSTO present");
    let members: Vec<StateId> = scenario.world().institutions()[csto.index()]
        .members
        .iter()
        .map(|&(s, _)| s)
        .collect();
    let russia = t0.power_id("Russia").expect("Russia present");
    println!(
        "\nRussia share of each CSTO member's alignment: {} → {}",
        scenario.start(),
        scenario.date_of(scenario.steps())
    );
    print!("{:<12}{:>8}", "member", "start");
    for (label, ..) in &results {
        print!("{label:>20}");
    }
    println!();
    for &state in &members {
        let name = &t0.states[state.index()];
        print!("{name:<12}{:>8.3}", t0.share(0, state, russia));
        for (_, _, m, _) in &results {
            print!("{:>20.3}", m.russia_share[state.index()]);
        }
        println!();
    }
    Ok(())
}
