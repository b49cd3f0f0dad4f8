//! What the what-if tests share (`tests/counterfactual.rs`, `tests/participation.rs`,
//! `tests/relative_drivers.rs`, each by `#[path]`): the path of a fixture in `tests/what-if/`
//! and a share at the horizon with the half-width of its mean's 95 % interval.
#![allow(dead_code)] // each test file uses part of it

use geoalign::analysis::ensemble::{Component, Ensemble, Stats, Summary};
use geoalign::Scenario;
use std::path::{Path, PathBuf};

/// z of a two-sided 95 % interval, as the tests have always used it (1.96 is a little wider
/// than the exact 1.95996, so it never narrows an interval).
pub const Z95: f64 = 1.96;

/// The path of a fixture in `tests/what-if/`.
pub fn file(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/what-if")
        .join(name)
}

/// `state`'s share of `component` (a power, or `autonomy`) at the summary's horizon: its
/// statistics and the half-width of the 95 % interval of its mean, `Z95 · sd / √runs`.
pub fn at_horizon(summary: &Summary, state: &str, component: &str) -> (Stats, f64) {
    let s = summary.state(state).unwrap();
    let c = match component {
        "autonomy" => Component::Autonomy,
        p => Component::Power(summary.power(p).unwrap()),
    };
    let stats = summary.alignment(summary.steps as usize, s, c).unwrap();
    (stats, Z95 * stats.sd / (summary.runs as f64).sqrt())
}

/// Armenia's Russia share at the horizon over `runs` runs of the scenario file at `path` (two
/// threads), with the half-width of its mean's 95 % interval.
pub fn armenia_russia(path: &Path, runs: u64) -> (Stats, f64) {
    let scenario = Scenario::from_file(path).unwrap();
    let summary = Ensemble::new(scenario, runs).threads(2).run().unwrap();
    at_horizon(&summary, "Armenia", "Russia")
}
