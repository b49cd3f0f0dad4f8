//! The embedded world with choice by camps, the lock-in temperature and the regime-security
//! term on (docs/model.md §10) still starts at rest: with nothing changed, no mean share moves
//! by more than 0.05 over its ten years. The mechanisms' signatures on hand-built worlds are the
//! unit tests of `sim::nested` and `sim::circumstances`.

use geoalign::analysis::ensemble::Ensemble;

#[test]
fn the_embedded_world_with_camps_lock_in_and_regime_security_stays_at_rest() {
    let scenario = geoalign::presets::eurasia_2025();
    let params = scenario.world().parameters();
    // The test is about the mechanisms: the embedded world must have them on.
    assert_eq!(params.camps.len(), 1);
    assert!(params.responsiveness.lock_in > 0.0 && params.responsiveness.regime_security > 0.0);
    let summary = Ensemble::new(scenario.clone(), 200).run().unwrap();
    let last = scenario.steps() as usize;
    let mut largest: (f64, String) = (0.0, String::new());
    for (state, sname) in summary.named_states() {
        if scenario.world().states()[state.index()].fixed {
            continue;
        }
        for (component, cname) in summary.named_components() {
            let start = summary.alignment(0, state, component).unwrap().mean;
            let end = summary.alignment(last, state, component).unwrap().mean;
            if (end - start).abs() > largest.0 {
                largest = ((end - start).abs(), format!("{sname} / {cname}"));
            }
        }
    }
    println!(
        "largest move of a mean share over ten years: {:.4} ({})",
        largest.0, largest.1
    );
    assert!(largest.0 < 0.05, "{largest:?}");
    assert!(largest.0 > 0.0, "noise moves something");
}

/// The largest change of any share of a movable state over the first step of run 0 of a
/// quiet child of the embedded world (no noise, no unrest) that adds `extra`.
fn first_step_move(extra: &str) -> f64 {
    let text = format!(
        "extends = \"builtin:eurasia-2025\"\n[parameters]\nnoise = 0.0\n\
         [parameters.events]\nunrest_hazard = 0.0\n{extra}"
    );
    let scenario = geoalign::Scenario::from_toml_str(&text, "child.toml").unwrap();
    let trajectory = geoalign::Simulation::new(scenario.clone())
        .trajectory(0)
        .unwrap();
    let mut largest: f64 = 0.0;
    for state in scenario.world().state_ids() {
        if scenario.world().states()[state.index()].fixed {
            continue;
        }
        let (a0, a1) = (
            trajectory.alignment_of(0, state),
            trajectory.alignment_of(1, state),
        );
        for (x, y) in a0.iter().zip(a1) {
            largest = largest.max((x - y).abs());
        }
    }
    largest
}

#[test]
fn a_child_that_changes_the_camps_is_refitted_and_starts_at_rest() {
    // The camps are the model (docs/model.md §10.1): the baseline is read under the child's,
    // as under its `[parameters]`, so a new camp structure is no jolt at month 1.
    let rest = first_step_move("");
    let changed = first_step_move(
        "[camps.West]\nnesting = 0.9\n[camps.East]\npowers = [\"Russia\", \"China\"]\nnesting = 0.4\n",
    );
    assert!(rest < 1e-9, "{rest}");
    assert!(changed < 1e-9, "{changed}");
    // Whereas a changed level acts from the first step.
    let shock = first_step_move("[powers.Russia]\ncapacity = 0.7\n");
    assert!(shock > 1e-4, "{shock}");
}
