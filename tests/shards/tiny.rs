//! The tiny world of the shard tests (`tests/shards.rs`) and of the merge fuzzer
//! (`fuzz/fuzz_targets/merge.rs`), with one outcome so that outcome counts are in its
//! partials too. Shared by `#[path]`, so that the fuzzer's valid partial and its seeds are
//! partials of the very ensemble the tests check.

use geoalign::analysis::ensemble::{Ensemble, Shard, Summary};
use geoalign::{Outcome, RunState, Scenario, World};
use std::sync::Arc;

/// The world: two powers, two states, one institution, 3 steps (see the file's comment).
pub const TOML: &str = include_str!("tiny.toml");

/// Runs of the ensemble whose partials seed the fuzzer (`fuzz/seeds/merge/`).
pub const SEED_RUNS: u64 = 5;

/// The tiny world as a scenario.
pub fn scenario() -> Scenario {
    Scenario::from_toml_str(TOML, "tests/shards/tiny.toml").expect("the tiny world loads")
}

/// Whether state `S` ends more aligned with power `A` than it started: an outcome with two
/// categories.
#[derive(Debug)]
pub struct LeansToA {
    categories: Vec<String>,
}

impl LeansToA {
    /// The outcome, shared.
    pub fn shared() -> Arc<dyn Outcome> {
        Arc::new(LeansToA {
            categories: vec!["no".into(), "yes".into()],
        })
    }
}

fn share(world: &World, state: &RunState) -> f64 {
    let s = world.state_id("S").expect("S");
    let a = world.power_id("A").expect("A");
    state.share(world, s, a)
}

impl Outcome for LeansToA {
    fn name(&self) -> &str {
        "s-leans-to-a"
    }
    fn categories(&self) -> &[String] {
        &self.categories
    }
    fn start(&self, world: &World, state: &RunState, notes: &mut Vec<f64>) {
        notes.push(share(world, state));
    }
    fn classify(&self, world: &World, end: &RunState, notes: &[f64]) -> usize {
        usize::from(share(world, end) > notes[0])
    }
}

/// `runs` runs of the tiny world counting [`LeansToA`] and its declared outcome (with a series
/// over time), on one thread.
pub fn ensemble(runs: u64) -> Ensemble {
    let scenario = scenario();
    let declared = geoalign::analysis::outcome::declared_outcomes(&scenario);
    Ensemble::new(scenario, runs)
        .outcomes(std::iter::once(LeansToA::shared()).chain(declared))
        .threads(1)
}

/// Shard `index` of `count` of [`ensemble`]`(runs)`.
pub fn part(runs: u64, index: u32, count: u32) -> Summary {
    ensemble(runs)
        .shard(Shard { index, count })
        .run()
        .expect("the tiny world runs")
}

/// Shard `index` of 2 of the tiny world (`SEED_RUNS` run pairs) compared with itself with
/// power A's coercion lowered to 0.1 from the first month: the comparison partials that seed
/// the comparison-merge fuzzer (`fuzz/seeds/compare_merge/`), checked in `tests/shards.rs`.
pub fn comparison_part(index: u32) -> geoalign::analysis::compare::PairedSummary {
    use geoalign::sim::drivers::{Driver, DriverTarget, Path};
    let base = scenario();
    let mut alt = base.clone();
    alt.add_driver(Driver {
        target: DriverTarget::Coercion(geoalign::PowerId(0)),
        path: Path::new(vec![(1, 0.1)]),
    })
    .expect("a valid driver");
    geoalign::analysis::compare::Comparison::new(base, alt, SEED_RUNS)
        .expect("the tiny world pairs with itself")
        .shard(Shard { index, count: 2 })
        .threads(1)
        .run()
        .expect("the tiny comparison runs")
}
