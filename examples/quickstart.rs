//! Embed geoalign: load the embedded Eurasia 2025 world, run it for its ten-year horizon and
//! print each state's alignment at the start and at the end.
//!
//! Run with `cargo run --release --example quickstart`. The output is one simulated path
//! under the world's assumptions, not a forecast.

use geoalign::Simulation;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let scenario = geoalign::presets::eurasia_2025();
    let sim = Simulation::new(scenario);
    let trajectory = sim.trajectory(0)?;
    let scenario = sim.scenario();
    let last = trajectory.len() - 1;

    println!(
        "{} — run 0 of seed {}, {} to {}\n",
        scenario.name(),
        scenario.seed(),
        scenario.start(),
        scenario.date_of(scenario.steps())
    );
    print!("{:<14}{:<9}", "state", "date");
    for power in &trajectory.powers {
        print!("{power:>9}");
    }
    println!("{:>9}", geoalign::model::AUTONOMY);
    for (id, state) in scenario.world().state_ids().zip(&trajectory.states) {
        for (label, step) in [
            (scenario.start(), 0),
            (scenario.date_of(scenario.steps()), last),
        ] {
            let name = if step == 0 { state.as_str() } else { "" };
            print!("{name:<14}{:<9}", label.to_string());
            for share in trajectory.alignment_of(step, id) {
                print!("{share:>9.3}");
            }
            println!();
        }
    }
    Ok(())
}
