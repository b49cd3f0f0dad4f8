//! Arbitrary bytes as a scenario file: loading must return `Ok` or `Err`, never panic or hang;
//! a scenario that loads must run a short horizon without an error and stay on the simplex.
#![no_main]

use geoalign::{Discard, Scenario, Simulation};
use libfuzzer_sys::fuzz_target;

/// Steps run for a scenario that loads: enough for scheduled events and hazards to fire, short
/// enough that a scenario with a 120,000-step horizon does not look like a hang.
const STEPS: u32 = 24;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Named as if it sat beside the shipped scenarios, so that `extends = "eurasia-2025.toml"`
    // in the seed corpus resolves to the real base world.
    let name = concat!(env!("CARGO_MANIFEST_DIR"), "/../scenarios/fuzz-input.toml");
    let Ok(mut scenario) = Scenario::from_toml_str(text, name) else {
        return;
    };
    // A shorter horizon is refused when a driver point or an event lies after it; such a
    // scenario was still loaded (the loader is the target), it is only not run.
    if scenario.set_steps(scenario.steps().min(STEPS)).is_err() {
        return;
    }
    let sim = Simulation::new(scenario);
    let end = match sim.run(0, &mut Discard) {
        Ok(end) => end,
        Err(e) => panic!("a validated scenario failed to run: {e}"),
    };
    let c = sim.scenario().world().components();
    for (i, a) in end.alignment.chunks_exact(c).enumerate() {
        let sum: f64 = a.iter().sum();
        assert!(
            a.iter().all(|x| x.is_finite() && *x >= 0.0) && (sum - 1.0).abs() <= 1e-9,
            "state {i} left the simplex: {a:?}"
        );
    }
});
