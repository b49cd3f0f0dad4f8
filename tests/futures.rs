//! The three CSTO futures of seed 000 (docs/sources.md) move in the directions the seed describes: broad
//! cohesion highest under partial revitalization, the Russia–Belarus core's lead over the wider
//! bloc largest under selective consolidation, members drifting from Russia under slow decline. Means over runs,
//! so that one noisy path cannot decide the test.

use geoalign::{Scenario, Simulation};
use std::path::PathBuf;

const RUNS: u64 = 40;

struct Outcome {
    csto_cohesion_end: f64,
    russia_share_start: Vec<f64>,
    russia_share_end: Vec<f64>,
}

fn outcome(file: &str) -> (Outcome, Vec<String>) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(file);
    let sim = Simulation::new(Scenario::from_file(path).unwrap());
    let n = sim.scenario().world().states().len();
    let mut out = Outcome {
        csto_cohesion_end: 0.0,
        russia_share_start: vec![0.0; n],
        russia_share_end: vec![0.0; n],
    };
    let mut states = Vec::new();
    for run in 0..RUNS {
        let t = sim.trajectory(run).unwrap();
        let csto = t.institution_id("CSTO").unwrap();
        let russia = t.power_id("Russia").unwrap();
        let last = t.len() - 1;
        out.csto_cohesion_end += t.cohesion_of(last, csto) / RUNS as f64;
        for (i, state) in sim.scenario().world().state_ids().enumerate() {
            out.russia_share_start[i] = t.share(0, state, russia);
            out.russia_share_end[i] += t.share(last, state, russia) / RUNS as f64;
        }
        states = t.states.clone();
    }
    (out, states)
}

#[test]
fn csto_futures_move_in_the_directions_of_seed_000() {
    let (decline, states) = outcome("csto-slow-decline.toml");
    let (consolidation, _) = outcome("csto-selective-consolidation.toml");
    let (revitalization, _) = outcome("csto-partial-revitalization.toml");
    let idx = |name: &str| states.iter().position(|s| s == name).unwrap();

    // Broad cohesion is highest under partial revitalization.
    assert!(revitalization.csto_cohesion_end > consolidation.csto_cohesion_end);
    assert!(revitalization.csto_cohesion_end > decline.csto_cohesion_end);

    // The Russia–Belarus core: Belarus's Russia share is highest under selective consolidation.
    let belarus = idx("Belarus");
    let wider = |o: &Outcome| -> f64 {
        ["Armenia", "Kazakhstan", "Kyrgyzstan", "Tajikistan"]
            .iter()
            .map(|m| o.russia_share_end[idx(m)])
            .sum::<f64>()
            / 4.0
    };
    let wider_lead = |o: &Outcome| o.russia_share_end[belarus] - wider(o);
    eprintln!(
        "core lead (Belarus − mean wider member): decline {:.4}, consolidation {:.4}, revitalization {:.4}",
        decline.russia_share_end[belarus] - wider(&decline),
        consolidation.russia_share_end[belarus] - wider(&consolidation),
        revitalization.russia_share_end[belarus] - wider(&revitalization)
    );
    eprintln!(
        "Belarus's Russia share at the horizon: decline {:.4}, consolidation {:.4}, revitalization {:.4}; CSTO cohesion {:.4} / {:.4} / {:.4}",
        decline.russia_share_end[belarus],
        consolidation.russia_share_end[belarus],
        revitalization.russia_share_end[belarus],
        decline.csto_cohesion_end,
        consolidation.csto_cohesion_end,
        revitalization.csto_cohesion_end
    );
    // Stated as the powers' spending (docs/model.md §12), revitalization's larger Russian budget
    // reaches Belarus too (0.812 against 0.796 at the horizon, 40 runs), so what distinguishes
    // selective consolidation is the core's lead over the wider bloc — in seed 000's
    // (docs/sources.md) telling, a few members draw closer while the rest of the bloc withers —
    // not Belarus's level alone.
    assert!(wider_lead(&consolidation) > wider_lead(&revitalization));
    assert!(wider_lead(&consolidation) > wider_lead(&decline));
    assert!(consolidation.russia_share_end[belarus] > decline.russia_share_end[belarus]);

    // Slow decline: every CSTO member drifts away from Russia, and cohesion falls.
    for member in [
        "Armenia",
        "Belarus",
        "Kazakhstan",
        "Kyrgyzstan",
        "Tajikistan",
    ] {
        let i = idx(member);
        assert!(
            decline.russia_share_end[i] < decline.russia_share_start[i],
            "{member}: {} → {}",
            decline.russia_share_start[i],
            decline.russia_share_end[i]
        );
    }
    assert!(decline.csto_cohesion_end < consolidation.csto_cohesion_end);
}
