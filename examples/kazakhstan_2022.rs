//! Kazakhstan, January 2022: replays the unrest and the CSTO's decision from the backtest
//! scenario and prints seed 001's (docs/sources.md) five variables, the decision and its
//! consequences.
//!
//! ```text
//! cargo run --release --example kazakhstan_2022
//! ```
//!
//! The decision is drawn, so a run may differ from the record; the example shows one run in
//! full, then how often the bloc acted and succeeded over many runs. Model outputs under the
//! scenario's assumptions, not a history.

use geoalign::sim::events::kinds::Unrest;
use geoalign::sim::events::{Decision, Event, EventOutcome};
use geoalign::{Scenario, Simulation, StateId, Trajectory};
use std::path::PathBuf;

const RUNS: u64 = 1000;

fn decision_of(t: &Trajectory, state: StateId) -> Option<&Decision> {
    t.events.iter().find_map(|e| match (&e.event, &e.outcome) {
        (Event::Unrest(Unrest { state: s, .. }), EventOutcome::Decided(d))
            if *s == state && e.step == 1 =>
        {
            Some(d)
        }
        _ => None,
    })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios/backtest-2021.toml");
    let sim = Simulation::new(Scenario::from_file(path)?);
    let world = sim.scenario().world();
    let t = sim.trajectory(0)?;
    let kz = t.state_id("Kazakhstan").ok_or("no Kazakhstan")?;
    let russia = t.power_id("Russia").ok_or("no Russia")?;
    let csto = t.institution_id("CSTO").ok_or("no CSTO")?;

    println!(
        "Kazakhstan, January 2022 — the CSTO's decision on the five variables of seed 001 (docs/sources.md) (run 0)\n"
    );
    for e in t.events.iter().filter(|e| e.step == 1) {
        println!("{}", e.describe(world));
    }
    let d = decision_of(&t, kz).ok_or("the unrest did not reach a decision")?;
    let v = d.inputs;
    let p = &world.parameters().events;
    println!("\nThe five variables (each in [0, 1]) and their weights in the logistic:");
    println!(
        "  1. trigger       {:.2}  (severity × Moscow's stake {:.2})   × {:+.1}",
        v.trigger, v.stake, p.weight_trigger
    );
    println!(
        "  2. local support {:.2}  (Tokayev's request)                 × {:+.1}",
        v.local_support, p.weight_support
    );
    println!(
        "  3. opposition    {:.2}  (hostile local forces expected)     × {:+.1}",
        v.opposition, -p.weight_opposition
    );
    println!(
        "  4. feasibility   {:.2}  (capacity × proximity)              × {:+.1}",
        v.feasibility, p.weight_feasibility
    );
    println!(
        "  5. cost          {:.2}  (largest other power's stake)       × {:+.1}",
        v.cost, -p.weight_cost
    );
    println!(
        "     intercept                                              {:+.1}",
        p.decision_intercept
    );
    println!(
        "  → probability of acting {:.2}; acted: {}; success probability {}; succeeded: {}",
        d.probability,
        d.acted,
        d.success_probability
            .map_or("—".to_string(), |q| format!("{q:.2}")),
        d.success.map_or("—".to_string(), |s| s.to_string()),
    );

    println!("\nConsequences in run 0 (before → after the month of the unrest):");
    println!(
        "  Kazakhstan's Russia share       {:.3} → {:.3}",
        t.share(0, kz, russia),
        t.share(1, kz, russia)
    );
    println!(
        "  CSTO credibility                {:.3} → {:.3}",
        t.credibility_of(0, csto),
        t.credibility_of(1, csto)
    );
    let rs = sim.run(0, &mut geoalign::Discard)?;
    for name in ["Armenia", "Belarus", "Kyrgyzstan", "Tajikistan"] {
        let s = t.state_id(name).ok_or("missing state")?;
        println!(
            "  {name:<12} fragility (sent a contingent) {:.3} → {:.3} by the end of the run",
            world.states()[s.index()].fragility,
            rs.events.fragility[s.index()]
        );
    }

    let (mut acted, mut succeeded) = (0u32, 0u32);
    for run in 0..RUNS {
        let t = sim.trajectory(run)?;
        if let Some(d) = decision_of(&t, kz) {
            acted += d.acted as u32;
            succeeded += (d.success == Some(true)) as u32;
        }
    }
    println!(
        "\nOver {RUNS} runs: the CSTO acted in {:.1} % and succeeded in {:.1} % (the record: it deployed and order was restored).",
        100.0 * f64::from(acted) / RUNS as f64,
        100.0 * f64::from(succeeded) / RUNS as f64
    );
    Ok(())
}
