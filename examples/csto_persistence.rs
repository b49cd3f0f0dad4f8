//! How the CSTO futures declared as outcomes (`scenarios/eurasia-2025.toml`) depend on their
//! margin δ and on how many months N the change must persist: for each future's scenario and
//! for Eurasia 2025 (no drivers), 2,000 runs, counts of slow decline / selective consolidation
//! / partial revitalization. The table in `scenarios/README.md` ("The CSTO futures as
//! declared outcomes") comes from this program.
//!
//! Run with `cargo run --release --example csto_persistence`.

use geoalign::analysis::ensemble::Ensemble;
use geoalign::model::{InstitutionId, Participation, World};
use geoalign::sim::outcome::{Bound, Condition, Join, OutcomeSpec, Timing};
use geoalign::Scenario;

const RUNS: u64 = 2000;
/// (δ, N): the old rule's margin with no persistence (N = 1 is "at any step"), then the
/// persistence the shipped outcomes use, then neighbours.
const GRID: [(f64, u32); 6] = [
    (0.02, 1),
    (0.02, 12),
    (0.02, 24),
    (0.03, 24),
    (0.03, 36),
    (0.04, 24),
];

/// The three futures of seed 000 (docs/sources.md) at margin `delta`, persisting `months`.
fn futures(world: &World, delta: f64, months: u32) -> [OutcomeSpec; 3] {
    let csto: InstitutionId = world.institution_id("CSTO").expect("a CSTO");
    let id = |n: &str| world.state_id(n).expect("a member");
    let wider = ["Armenia", "Kazakhstan", "Kyrgyzstan", "Tajikistan"];
    let gains = |members: Vec<_>| Condition::Cohesion {
        institution: csto,
        members,
        change: Bound::Above(delta),
        months,
        by: None,
    };
    let active = |n: &str| Condition::Participation {
        institution: csto,
        member: id(n),
        is: Participation::Active,
        timing: Timing::AtHorizon,
    };
    let revival = Condition::Join {
        join: Join::All,
        conditions: std::iter::once(gains(wider.iter().map(|n| id(n)).collect()))
            .chain(["Belarus", "Kazakhstan", "Kyrgyzstan", "Tajikistan"].map(active))
            .collect(),
    };
    let core = gains(vec![id("Belarus")]);
    let tag = format!("{delta}/{months}");
    [
        OutcomeSpec::new(
            format!("slow {tag}"),
            Condition::Join {
                join: Join::None,
                conditions: vec![revival.clone(), core.clone()],
            },
        ),
        OutcomeSpec::new(
            format!("selective {tag}"),
            Condition::Join {
                join: Join::All,
                conditions: vec![
                    core,
                    Condition::Join {
                        join: Join::None,
                        conditions: vec![revival.clone()],
                    },
                ],
            },
        ),
        OutcomeSpec::new(format!("revival {tag}"), revival),
    ]
}

fn row(mut scenario: Scenario) -> String {
    let world = scenario.world().clone();
    for &(delta, months) in &GRID {
        for spec in futures(&world, delta, months) {
            scenario.add_outcome(spec).expect("a valid outcome");
        }
    }
    let name = scenario.name().to_string();
    let summary = Ensemble::new(scenario, RUNS).run().expect("the runs");
    let yes = |n: String| summary.outcome(&n).map_or(0, |o| o.counts[1]);
    let cells: Vec<String> = GRID
        .iter()
        .map(|&(d, m)| {
            let tag = format!("{d}/{m}");
            format!(
                "{} / {} / {}",
                yes(format!("slow {tag}")),
                yes(format!("selective {tag}")),
                yes(format!("revival {tag}"))
            )
        })
        .collect();
    format!("| {name} | {} |", cells.join(" | "))
}

fn main() {
    let heads: Vec<String> = GRID
        .iter()
        .map(|(d, m)| format!("δ = {d}, N = {m}"))
        .collect();
    println!("| scenario | {} |", heads.join(" | "));
    println!("|---|{}", "---|".repeat(GRID.len()));
    println!("{}", row(geoalign::presets::eurasia_2025()));
    // The futures' files declare the shipped choice; the grid adds its own.
    for future in geoalign::presets::csto_futures() {
        println!("{}", row(future.without_outcomes()));
    }
}
