//! Which mechanism distinguishes each CSTO future (issue 14, item 6): the three futures'
//! files run with every mechanism on, then with one mechanism switched off at a time, in the
//! futures **and** in the world they are calibrated on, so an ablation removes a mechanism
//! from the model instead of acting as a shock against a baseline that still has it.
//!
//! For each ablation a directory is written under the system's temporary directory with a
//! copy of `scenarios/eurasia-2025.toml`, a file `ablated.toml` that extends it with the
//! switch and says `baseline = "self"`, and the three futures' files extending `ablated.toml`
//! instead of the world. Each future then runs `RUNS` runs (default 1,000, seed of the files)
//! and the declared futures are counted. With no switch the numbers are those of the shipped
//! files (same worlds, same constants). A null row runs the world itself with the futures'
//! outcomes (no future's assumptions: what noise and the world's own events give).
//!
//! Besides the table, three figures the measurements name: the share of runs in which
//! Kyrgyzstan's and Tajikistan's China share rises under slow decline, with and without
//! China's spending; Belarus's mean change of its Russia share under slow decline; and
//! P(Kyrgyzstan suspended from the CSTO at some step) per future.
//!
//! Run with `cargo run --release --example futures_ablation` (RUNS=… to change the count).
//! The table in docs/model.md §12 comes from this program.

use geoalign::analysis::ensemble::Ensemble;
use geoalign::{Discard, Scenario, Simulation};
use std::path::{Path, PathBuf};

const FUTURES: [&str; 3] = [
    "csto-slow-decline",
    "csto-selective-consolidation",
    "csto-partial-revitalization",
];
const POWERS: [&str; 6] = ["Russia", "China", "USA", "EU", "Turkiye", "Iran"];

/// One ablation: its label, the top-level keys and the tables written into `ablated.toml`.
struct Ablation {
    label: &'static str,
    keys: String,
    tables: String,
}

fn ablations() -> Vec<Ablation> {
    let no_budgets: String = POWERS
        .iter()
        .map(|p| format!("[powers.{p}]\nbudget = 0.0\n"))
        .collect();
    let plain = |label, tables: &str| Ablation {
        label,
        keys: String::new(),
        tables: tables.to_string(),
    };
    vec![
        plain("all mechanisms on", ""),
        plain("powers do not act (every budget 0)", &no_budgets),
        plain("China does not act", "[powers.China]\nbudget = 0.0\n"),
        plain(
            "no punishment of defection",
            "[parameters.powers]\npunishment = 0.0\n",
        ),
        Ablation {
            label: "no relations between powers",
            keys: "relations = []\n".to_string(),
            tables: String::new(),
        },
        Ablation {
            label: "no camps (plain logit)",
            keys: "remove = [\"camps\"]\n".to_string(),
            tables: String::new(),
        },
        plain("no lock-in", "[parameters.responsiveness]\nlock_in = 0.0\n"),
        plain(
            "no regime security",
            "[parameters.responsiveness]\nregime_security = 0.0\n",
        ),
        plain(
            "hostile interventions without effects",
            "[parameters.events]\nhostile_war_drain = 0.0\nhostile_coethnic_loss = 0.0\n\
             hostile_grievance = 0.0\nhostile_alignment_shift = 0.0\nhostile_threat = 0.0\n",
        ),
        plain(
            "first-form decision (β₀ = −6.5, weights 3)",
            "[parameters.events]\ndecision_intercept = -6.5\nweight_trigger = 3.0\n\
             weight_support = 3.0\nweight_opposition = 3.0\nweight_feasibility = 3.0\n\
             weight_cost = 3.0\n",
        ),
    ]
}

/// Write the ablated world and the futures extending it into a fresh directory.
fn write_ablation(scenarios: &Path, ablation: &Ablation, k: usize) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("geoalign-ablation-{}-{k}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    std::fs::copy(
        scenarios.join("eurasia-2025.toml"),
        dir.join("eurasia-2025.toml"),
    )
    .expect("the world file");
    let ablated = format!(
        "extends = \"eurasia-2025.toml\"\nbaseline = \"self\"\n{}\n{}",
        ablation.keys, ablation.tables
    );
    std::fs::write(dir.join("ablated.toml"), ablated).expect("the ablated world");
    for future in FUTURES {
        let text = std::fs::read_to_string(scenarios.join(format!("{future}.toml")))
            .expect("a future's file");
        let text = text.replacen(
            "extends = \"eurasia-2025.toml\"",
            "extends = \"ablated.toml\"",
            1,
        );
        std::fs::write(dir.join(format!("{future}.toml")), text).expect("a future's copy");
    }
    dir
}

/// P(each declared future) in `runs` runs, as counts.
fn futures_counts(scenario: Scenario, runs: u64) -> [u64; 3] {
    let summary = Ensemble::new(scenario, runs).run().expect("the runs");
    FUTURES.map(|f| summary.outcome(f).map_or(0, |o| o.counts[1]))
}

/// The share of runs in which `state`'s share of `power` ends above its start, and the mean
/// change.
fn rises(scenario: &Scenario, runs: u64, state: &str, power: &str) -> (f64, f64) {
    let world = scenario.world();
    let (s, p) = (
        world.state_id(state).expect("a state"),
        world.power_id(power).expect("a power"),
    );
    let start = geoalign::RunState::new(world).share(world, s, p);
    let sim = Simulation::new(scenario.clone());
    let (mut up, mut total) = (0u64, 0.0);
    for run in 0..runs {
        let end = sim.run(run, &mut Discard).expect("the run");
        let change = end.share(world, s, p) - start;
        up += u64::from(change > 0.0);
        total += change;
    }
    (up as f64 / runs as f64, total / runs as f64)
}

fn main() {
    let runs: u64 = std::env::var("RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(1000);
    let scenarios = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    println!(
        "{runs} runs per cell; counts of slow decline / selective consolidation / partial \
         revitalization, each file's own future in bold"
    );
    println!("| ablation | slow decline file | selective consolidation file | partial revitalization file | world alone |");
    println!("|---|---|---|---|---|");
    for (k, ablation) in ablations().iter().enumerate() {
        let dir = write_ablation(&scenarios, ablation, k);
        let mut cells = Vec::new();
        let mut outcomes = Vec::new();
        for (f, future) in FUTURES.iter().enumerate() {
            let scenario = Scenario::from_file(dir.join(format!("{future}.toml")))
                .unwrap_or_else(|e| panic!("{}: {e}", ablation.label));
            outcomes = scenario.outcomes().to_vec();
            let counts = futures_counts(scenario, runs);
            let cell: Vec<String> = counts
                .iter()
                .enumerate()
                .map(|(j, c)| {
                    if j == f {
                        format!("**{c}**")
                    } else {
                        c.to_string()
                    }
                })
                .collect();
            cells.push(cell.join(" / "));
        }
        let mut world = Scenario::from_file(dir.join("ablated.toml")).expect("the ablated world");
        for spec in outcomes {
            world.add_outcome(spec).expect("the futures' outcomes");
        }
        cells.push(
            futures_counts(world, runs)
                .map(|c| c.to_string())
                .join(" / "),
        );
        println!("| {} | {} |", ablation.label, cells.join(" | "));
        if k <= 2 {
            let slow = Scenario::from_file(dir.join("csto-slow-decline.toml")).expect("slow");
            let (kg, kg_mean) = rises(&slow, runs.min(400), "Kyrgyzstan", "China");
            let (tj, tj_mean) = rises(&slow, runs.min(400), "Tajikistan", "China");
            let (_, by) = rises(&slow, runs.min(400), "Belarus", "Russia");
            eprintln!(
                "{}: under slow decline China's share rises in {:.1} % of runs in Kyrgyzstan \
                 (mean {kg_mean:+.4}) and {:.1} % in Tajikistan (mean {tj_mean:+.4}); \
                 Belarus's Russia share {by:+.4}",
                ablation.label,
                100.0 * kg,
                100.0 * tj
            );
        }
        std::fs::remove_dir_all(&dir).ok();
    }
}
