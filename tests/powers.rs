//! Great powers that act (docs/model.md §9): the budget binds, priorities and diminishing
//! returns direct the spending, coercion costs more against a patron's client, defection is
//! punished and nothing else is, relations change where a power spends, the mechanism off
//! gives the old numbers, and the embedded world starts at rest.

use geoalign::{presets, Disposition, Power, RunState, Scenario, Simulation, State, World};

/// The largest move of any mean share (any state, any component) between the start and the
/// last step, over `runs` runs.
fn largest_mean_move(scenario: Scenario, runs: u64) -> (f64, String) {
    let sim = Simulation::new(scenario);
    let world = sim.scenario().world().clone();
    let c = world.components();
    let mut start = vec![0.0; world.states().len() * c];
    let mut end = vec![0.0; world.states().len() * c];
    for run in 0..runs {
        let t = sim.trajectory(run).unwrap();
        for (acc, x) in start.iter_mut().zip(&t.alignment[0]) {
            *acc += x / runs as f64;
        }
        for (acc, x) in end.iter_mut().zip(t.alignment.last().unwrap()) {
            *acc += x / runs as f64;
        }
    }
    let mut worst = (0.0, String::new());
    for (n, (a, b)) in start.iter().zip(&end).enumerate() {
        let moved = (b - a).abs();
        if moved > worst.0 {
            let (s, j) = (n / c, n % c);
            let component = world.powers().get(j).map_or("autonomy", |p| p.name.as_str());
            worst = (moved, format!("{} / {component}", world.states()[s].name));
        }
    }
    worst
}

#[test]
fn the_embedded_world_with_acting_powers_stays_at_rest_for_ten_years() {
    let scenario = presets::eurasia_2025();
    assert!(scenario.world().agency().budgets.iter().all(|&b| b > 0.0));
    let quiet = Scenario::builder(scenario.world().clone())
        .steps(120)
        .seed(scenario.seed())
        .build()
        .unwrap();
    let (moved, at) = largest_mean_move(quiet, 200);
    eprintln!("largest mean move over ten years: {moved:.4} ({at})");
    assert!(moved < 0.05, "{at} moved {moved}");
}
