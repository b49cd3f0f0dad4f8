//! The `geoalign` command line: run a scenario (the embedded Eurasia 2025 world by default) or
//! validate a scenario file.

use clap::{Parser, Subcommand};
use geoalign::{Scenario, Simulation};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "geoalign",
    version,
    about = "Simulate geopolitical alignment between great powers"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run one path of a scenario and print each state's alignment at the start and the end.
    Run {
        /// Scenario file; the embedded Eurasia 2025 world when absent.
        scenario: Option<PathBuf>,
        /// Override the scenario's seed.
        #[arg(long)]
        seed: Option<u64>,
        /// Run index (selects the run's random stream).
        #[arg(long, default_value_t = 0)]
        run: u64,
        /// Write the whole trajectory as JSON to this file.
        #[arg(long)]
        json: Option<PathBuf>,
    },
    /// Check a scenario file; exits non-zero with the error if it is refused.
    Validate {
        /// Scenario file.
        scenario: PathBuf,
    },
}

fn load(path: Option<&PathBuf>) -> Result<Scenario, String> {
    match path {
        Some(p) => Scenario::from_file(p).map_err(|e| e.to_string()),
        None => Ok(geoalign::worlds::eurasia_2025()),
    }
}

fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Validate { scenario } => {
            let s = load(Some(&scenario))?;
            println!(
                "{}: valid — \"{}\", {} powers, {} states, {} institutions, {} drivers, {} steps from {}",
                scenario.display(),
                s.name,
                s.world.powers().len(),
                s.world.states().len(),
                s.world.institutions().len(),
                s.drivers.len(),
                s.steps,
                s.start
            );
        }
        Command::Run {
            scenario,
            seed,
            run,
            json,
        } => {
            let mut s = load(scenario.as_ref())?;
            if let Some(seed) = seed {
                s.seed = seed;
            }
            let sim = Simulation::new(s);
            let t = sim.trajectory(run).map_err(|e| e.to_string())?;
            let s = sim.scenario();
            println!(
                "{} — seed {}, run {run}: {} → {} (one simulated path under the scenario's assumptions, not a forecast)\n",
                s.name,
                s.seed,
                s.start,
                s.date_of(s.steps)
            );
            print!("{:<14}{:<9}", "state", "date");
            t.powers.iter().for_each(|p| print!("{p:>9}"));
            println!("{:>9}", "autonomy");
            let last = t.len() - 1;
            for (i, name) in t.states.iter().enumerate() {
                for (step, label) in [(0, name.as_str()), (last, "")] {
                    print!("{label:<14}{:<9}", s.date_of(step as u32).to_string());
                    t.alignment_of(step, i)
                        .iter()
                        .for_each(|x| print!("{x:>9.3}"));
                    println!();
                }
            }
            if let Some(path) = json {
                let text = serde_json::to_string(&t).map_err(|e| e.to_string())?;
                std::fs::write(&path, text)
                    .map_err(|e| format!("{}: cannot write: {e}", path.display()))?;
                println!("\ntrajectory written to {}", path.display());
            }
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("geoalign: {message}");
            ExitCode::FAILURE
        }
    }
}
