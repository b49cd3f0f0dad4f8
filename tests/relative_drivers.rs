//! Relative drivers (issue 13, item 3): a path point written as `scale` or `add` is resolved
//! against the level the path starts from, so a file that extends a driven future and
//! overrides that level shifts the whole path, instead of only moving where the
//! interpolation starts.

#![allow(clippy::result_large_err)] // see the note in src/lib.rs

#[path = "what-if/shared.rs"]
mod shared;

use geoalign::sim::drivers::{Path, PointValue};
use geoalign::{DriverTarget, Scenario};
use proptest::prelude::*;
use shared::{armenia_russia, file as what_if};
use std::path::PathBuf;

fn scenarios() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

/// Runs per ensemble: the intervals of the means are then about ±0.001.
const RUNS: u64 = 400;

/// A path of relative points of one form at increasing months.
fn relative_path(months: &[u32], numbers: &[f64], form: fn(f64) -> PointValue) -> (Path, Vec<u32>) {
    let mut m = 0;
    let mut at = Vec::new();
    let points = months
        .iter()
        .zip(numbers)
        .map(|(&gap, &x)| {
            m += gap;
            at.push(m);
            (m, form(x))
        })
        .collect();
    (Path::from_points(points), at)
}

proptest! {
    /// A level multiplied by k multiplies every value of a `scale` path by k, at every step.
    #[test]
    fn a_level_override_scales_a_scale_path_by_the_same_factor_at_every_step(
        gaps in prop::collection::vec(1u32..40, 1..5),
        factors in prop::collection::vec(0.0f64..2.0, 5),
        level in 0.01f64..1.0,
        k in 0.1f64..3.0,
    ) {
        let (path, _) = relative_path(&gaps, &factors, |scale| PointValue::Scale { scale });
        for step in 0..=200 {
            let base = path.value_at(step, level);
            let shifted = path.value_at(step, level * k);
            prop_assert!((shifted - k * base).abs() <= 1e-12 * (1.0 + shifted.abs()),
                "step {step}: {shifted} vs {k} × {base}");
        }
    }

    /// A level raised by δ raises every value of an `add` path by δ, at every step.
    #[test]
    fn a_level_override_shifts_an_add_path_by_the_same_offset_at_every_step(
        gaps in prop::collection::vec(1u32..40, 1..5),
        offsets in prop::collection::vec(-0.5f64..0.5, 5),
        level in 0.0f64..1.0,
        delta in -0.5f64..0.5,
    ) {
        let (path, _) = relative_path(&gaps, &offsets, |add| PointValue::Add { add });
        for step in 0..=200 {
            let base = path.value_at(step, level);
            let shifted = path.value_at(step, level + delta);
            prop_assert!((shifted - (base + delta)).abs() <= 1e-12,
                "step {step}: {shifted} vs {base} + {delta}");
        }
    }
}

/// An absolute point ignores the level; a relative one that reproduces it at the base level
/// resolves to the same number (the shipped futures were rewritten on this rule).
#[test]
fn a_relative_point_that_reproduces_an_absolute_one_resolves_to_the_same_value() {
    let absolute = Path::new(vec![(60, 0.85), (120, 0.75)]);
    let scaled = Path::from_points(vec![
        (60, PointValue::Scale { scale: 0.85 }),
        (120, PointValue::Scale { scale: 0.75 }),
    ]);
    for step in 0..=130 {
        assert_eq!(absolute.value_at(step, 1.0), scaled.value_at(step, 1.0));
    }
    // Under another level, only the relative path moves with it.
    assert_eq!(absolute.value_at(120, 0.5), 0.75);
    assert_eq!(scaled.value_at(120, 0.5), 0.375);
}

/// The loaded slow-decline future resolves its relative points against the child's level:
/// the child's Russian security delivery of 1.0 gives 0.92 in 2030 and 0.85 in 2035 (the
/// future's −0.08 and −0.15), where the absolute path gave 0.22 and 0.15 whatever the level.
#[test]
fn a_child_level_override_shifts_the_inherited_relative_path() {
    let child = what_if("slow-decline-russia-delivers.toml");
    let scenario = Scenario::from_file(&child).unwrap();
    let world = scenario.world();
    let russia = world.power_id("Russia").unwrap();
    let target = DriverTarget::Delivery(russia, geoalign::Channel::Security);
    let driver = scenario
        .drivers()
        .iter()
        .find(|d| d.target == target)
        .unwrap();
    let level = target.level(world);
    assert_eq!(level, 1.0);
    assert!((driver.path.value_at(60, level) - 0.92).abs() < 1e-12);
    assert!((driver.path.value_at(120, level) - 0.85).abs() < 1e-12);
}

/// The property: "slow decline + Russia delivers fully" keeps Armenia's Russia share
/// above plain slow decline at the horizon. The child's level acts (intercepts are fitted on
/// the chain's root, docs/model.md §2.1). Why, from the formulas (§2): the child raises
/// Russia's security delivery d from 0.30 to 1.0; the future's relative points then lower it
/// to 0.92 and 0.85 instead of 0.22 and 0.15, so d is higher than under plain slow decline at
/// every step. Russia's pull on Armenia has the term `w_security · x_security · g · d · r`
/// (r = 0.5: half of the guarantee is bilateral; the CSTO's half gets suspended Armenia
/// nothing), which grows with d; a higher utility for Russia raises its softmax target, so
/// the share ends higher.
#[test]
fn slow_decline_with_full_russian_delivery_keeps_armenia_above_plain_slow_decline() {
    let (plain, plain_half) = armenia_russia(&scenarios().join("csto-slow-decline.toml"), RUNS);
    let (delivers, delivers_half) =
        armenia_russia(&what_if("slow-decline-russia-delivers.toml"), RUNS);
    eprintln!(
        "Armenia's Russia share at the horizon: slow decline {:.4} ± {:.4}, with full delivery {:.4} ± {:.4}",
        plain.mean, plain_half, delivers.mean, delivers_half
    );
    assert!(
        delivers.mean - delivers_half > plain.mean + plain_half,
        "with full delivery {:.4} ± {:.4} is not above slow decline {:.4} ± {:.4}",
        delivers.mean,
        delivers_half,
        plain.mean,
        plain_half
    );
}

/// The switch-off of relative points: the same what-if with slow decline's security path in
/// the old absolute form ends lower than with the relative one. Why: both start with d = 1.0;
/// the relative path lowers d by 0.15 by 2035, the absolute one by 0.85, so Russia's pull
/// falls less and Armenia's share with it.
#[test]
fn a_relative_path_under_a_raised_level_falls_less_than_the_absolute_one() {
    let (absolute, absolute_half) =
        armenia_russia(&what_if("slow-decline-russia-delivers-absolute.toml"), RUNS);
    let (relative, relative_half) =
        armenia_russia(&what_if("slow-decline-russia-delivers.toml"), RUNS);
    let (plain, plain_half) = armenia_russia(&scenarios().join("csto-slow-decline.toml"), RUNS);
    eprintln!(
        "slow decline {:.4} ± {:.4}; with full delivery, absolute path {:.4} ± {:.4}, relative path {:.4} ± {:.4}",
        plain.mean, plain_half, absolute.mean, absolute_half, relative.mean, relative_half
    );
    assert!(relative.mean - relative_half > absolute.mean + absolute_half);
}
