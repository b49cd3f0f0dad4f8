//! Landscape theory on the embedded Eurasia 2025 world: the two-bloc splits that Axelrod and
//! Bennett's (1993) energy landscape predicts from the world's own data, printed beside where
//! geoalign's dynamics take each state in run 0.
//!
//! Run with `cargo run --release --example eurasia_landscape`. Both columns are what the
//! models imply under the world's assumptions, not forecasts.

use geoalign::classic::landscape::{Landscape, STATE_SIZE};
use geoalign::Simulation;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let scenario = geoalign::presets::eurasia_2025();
    let world = &scenario.world();
    let land = Landscape::from_world(world)?;
    let found = land.explore()?;
    let names = &found.actors;
    let np = world.powers().len();

    println!(
        "{} — landscape theory (Axelrod & Bennett 1993) beside the dynamics",
        scenario.name()
    );
    println!(
        "{} actors ({} powers of size = capacity, {} states of size {STATE_SIZE}), {} configurations, {} local minima\n",
        names.len(),
        np,
        names.len() - np,
        found.configurations,
        found.minima.len()
    );
    let list = |ids: &[usize]| {
        ids.iter()
            .map(|&i| names[i].as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    for (rank, m) in found.minima.iter().take(5).enumerate() {
        let (a, b) = m.configuration.coalitions();
        println!(
            "#{} energy {:.4}, basin {} of {} ({:.1} %)",
            rank + 1,
            m.energy,
            m.basin,
            found.configurations,
            100.0 * m.basin as f64 / found.configurations as f64
        );
        println!("   bloc 1: {}", list(&a));
        println!("   bloc 2: {}", list(&b));
    }

    // The dynamics: run 0 of the scenario, each state's largest share at the end.
    let sim = Simulation::new(scenario.clone());
    let trajectory = sim.trajectory(0)?;
    let last = trajectory.len() - 1;
    let best = &found.minima[0].configuration;
    let side_of = |i: usize| if best.is_second(i) { 2 } else { 1 };

    println!(
        "\nPredicted bloc (lowest minimum) beside the dynamics at {} (run 0):\n",
        sim.scenario().date_of(sim.scenario().steps())
    );
    println!(
        "{:<14}{:>6}  {:<30}{:<22}{:<20}power in bloc?",
        "state", "bloc", "powers in the bloc", "largest share", "largest power"
    );
    let mut agree = 0;
    for (s, state) in world.states().iter().enumerate() {
        let actor = np + s;
        let powers_with: Vec<usize> = (0..np).filter(|&p| best.together(p, actor)).collect();
        let shares = trajectory.alignment_of(last, geoalign::StateId(s as u32));
        let (top, top_share) =
            shares
                .iter()
                .enumerate()
                .fold(
                    (0, f64::NEG_INFINITY),
                    |acc, (c, &v)| if v > acc.1 { (c, v) } else { acc },
                );
        let top_name = if top == np {
            "autonomy"
        } else {
            trajectory.powers[top].as_str()
        };
        let (power, power_share) =
            shares[..np]
                .iter()
                .enumerate()
                .fold(
                    (0, f64::NEG_INFINITY),
                    |acc, (c, &v)| if v > acc.1 { (c, v) } else { acc },
                );
        let same = best.together(power, actor);
        agree += usize::from(same);
        println!(
            "{:<14}{:>6}  {:<30}{:<22}{:<20}{}",
            state.name,
            side_of(actor),
            list(&powers_with),
            format!("{top_name} {top_share:.2}"),
            format!("{} {power_share:.2}", trajectory.powers[power]),
            if same { "yes" } else { "no" }
        );
    }
    println!(
        "\n{agree} of {} states have their largest power share inside their predicted bloc.",
        world.states().len()
    );
    println!(
        "Both columns are what the models imply under the world's assumptions, not forecasts."
    );
    Ok(())
}
