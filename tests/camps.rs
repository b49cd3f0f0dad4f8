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
