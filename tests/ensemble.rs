//! Ensembles: bit-identical summaries for any thread count and any shard split, the Wilson
//! interval against a hand-computed case, the classifier reading participation from the run
//! state, and the embedded futures equal to their files.

use geoalign::analysis::ensemble::{
    BlocReading, CstoClassifier, CstoFuture, Ensemble, EnsembleError, Proportion, Shard, Summary,
};
use geoalign::{Participation, RunState, Scenario};
use std::path::PathBuf;

/// Enough runs for several blocks of 64 per thread, few enough for a fast test.
const RUNS: u64 = 150;

fn future(i: usize) -> Scenario {
    geoalign::presets::csto_futures()[i].clone()
}

/// Every reported f64 of two summaries, compared with `==` (not within a tolerance).
fn assert_same_numbers(a: &Summary, b: &Summary) {
    for step in [0, a.steps as usize / 2, a.steps as usize] {
        for (state, name) in a.named_states() {
            for (c, component) in a.named_components() {
                let (x, y) = (
                    a.alignment(step, state, c).unwrap(),
                    b.alignment(step, state, c).unwrap(),
                );
                assert!(
                    x.mean == y.mean && x.sd == y.sd,
                    "step {step} state {name} component {component}"
                );
                assert!(x.quantiles == y.quantiles);
            }
        }
        for (i, _) in a.named_institutions() {
            assert!(a.cohesion(step, i) == b.cohesion(step, i));
        }
    }
    for (i, x) in a.named_states() {
        for (j, y) in a.named_states() {
            assert!(
                a.similarity(i, j) == b.similarity(i, j),
                "similarity {x}–{y}"
            );
        }
    }
    for f in CstoFuture::ALL {
        assert!(a.future(f) == b.future(f));
    }
    assert_eq!(a.outcomes, b.outcomes);
}

/// What a shard's partial file goes through (`geoalign::output::write_partial` writes this
/// JSON; `tests/cli.rs` covers the files themselves).
fn json_round_trip(s: &Summary) -> Summary {
    serde_json::from_str(&serde_json::to_string(s).unwrap()).unwrap()
}

#[test]
fn summary_is_bit_identical_for_1_2_and_16_threads() {
    let one = Ensemble::new(future(0), RUNS).threads(1).run().unwrap();
    let two = Ensemble::new(future(0), RUNS).threads(2).run().unwrap();
    let sixteen = Ensemble::new(future(0), RUNS).threads(16).run().unwrap();
    assert_eq!(one.runs, RUNS);
    assert_same_numbers(&one, &two);
    assert_same_numbers(&one, &sixteen);
    assert_eq!(one, two);
    assert_eq!(one, sixteen);
}

#[test]
fn merged_shards_equal_the_whole_ensemble_for_any_split_and_order() {
    let whole = Ensemble::new(future(1), RUNS).threads(2).run().unwrap();
    for n in [2u32, 3, 7] {
        let mut parts: Vec<Summary> = (0..n)
            .map(|i| {
                Ensemble::new(future(1), RUNS)
                    .threads(1 + i as usize % 3)
                    .shard(Shard { index: i, count: n })
                    .run()
                    .unwrap()
            })
            .collect();
        assert_eq!(parts.iter().map(|p| p.runs).sum::<u64>(), RUNS);
        // Merge in reverse order, through the JSON a shard writes to disk.
        parts.reverse();
        let mut merged: Option<Summary> = None;
        for p in &parts {
            let p = json_round_trip(p);
            match merged.as_mut() {
                None => merged = Some(p),
                Some(m) => m.merge(&p).unwrap(),
            }
        }
        let merged = merged.unwrap();
        assert!(merged.is_complete());
        assert_same_numbers(&merged, &whole);
        assert_eq!(merged, whole, "{n} shards");
    }
}

#[test]
fn merge_refuses_a_shard_twice_and_a_different_scenario() {
    let a = Ensemble::new(future(0), 8)
        .shard("0/2".parse().unwrap())
        .run()
        .unwrap();
    let mut m = a.clone();
    assert!(matches!(m.merge(&a), Err(EnsembleError::Mismatch(_))));
    let other = Ensemble::new(future(2), 8)
        .shard("1/2".parse().unwrap())
        .run()
        .unwrap();
    let err = m.merge(&other).unwrap_err().to_string();
    assert!(err.contains("scenario"), "{err}");
}

#[test]
fn shard_text_is_checked() {
    assert_eq!(
        "2/5".parse::<Shard>().unwrap(),
        Shard { index: 2, count: 5 }
    );
    for bad in ["5/5", "1/0", "x/2", "3", "-1/2"] {
        assert!(bad.parse::<Shard>().is_err(), "{bad}");
    }
    // The slices cover 0..runs without gap or overlap.
    let runs = 1001;
    let mut next = 0;
    for i in 0..7 {
        let r = Shard { index: i, count: 7 }.runs(runs);
        assert_eq!(r.start, next);
        next = r.end;
    }
    assert_eq!(next, runs);
}

#[test]
fn wilson_interval_matches_a_hand_computed_case() {
    // 8 of 10, z = 1.959964 (z² = 3.841459): centre = (0.8 + z²/20) / (1 + z²/10)
    // = 0.992073 / 1.384146 = 0.716740; half-width = z √(0.8·0.2/10 + z²/400) / (1 + z²/10)
    // = 1.959964 × 0.160011 / 1.384146 = 0.226578; so [0.490162, 0.943318].
    let p = Proportion::wilson(8, 10);
    assert_eq!(p.estimate, 0.8);
    assert!((p.low - 0.490162).abs() < 2e-6, "{}", p.low);
    assert!((p.high - 0.943318).abs() < 2e-6, "{}", p.high);
    // 0 of 10: the lower end is exactly 0, the upper end z²/(n + z²) = 0.277533.
    let q = Proportion::wilson(0, 10);
    assert_eq!(q.low, 0.0);
    assert!((q.high - 0.277533).abs() < 1e-5);
}

#[test]
fn classifier_reads_participation_and_alignment_from_the_run_state() {
    let world = geoalign::presets::eurasia_2025().world().clone();
    let c = CstoClassifier::for_world(&world).unwrap();
    let start_state = RunState::new(&world);
    let start = c.read(&world, &start_state);
    let csto = world.institution_id("CSTO").unwrap().index();
    let russia = world.power_id("Russia").unwrap().index();
    let comps = world.components();
    let kz = world.state_id("Kazakhstan").unwrap().index();

    // Kazakhstan moves 10 points toward Russia (from autonomy): the wider bloc gains.
    let mut gained = start_state.clone();
    gained.alignment[kz * comps + russia] += 0.10;
    gained.alignment[kz * comps + comps - 1] -= 0.10;
    let end = c.read(&world, &gained);
    assert!(end.wider > start.wider);
    assert_eq!(c.classify(&start, &end), CstoFuture::PartialRevitalization);

    // The same run with Kazakhstan's participation suspended (as an event would do) is no
    // revitalization: a member that was active is lost, and its share no longer counts.
    let kz_pos = world.institutions()[csto]
        .members
        .iter()
        .position(|&(s, _)| s.index() == kz)
        .unwrap();
    let mut lost = gained.clone();
    lost.participation[csto][kz_pos] = Participation::Suspended;
    let end = c.read(&world, &lost);
    assert_eq!(end.participation[kz_pos], Participation::Suspended);
    assert_ne!(c.classify(&start, &end), CstoFuture::PartialRevitalization);

    // Unchanged: slow decline (no gain of bloc or core).
    assert_eq!(c.classify(&start, &start), CstoFuture::SlowDecline);
    let core_up = BlocReading {
        core: start.core + 0.05,
        ..start.clone()
    };
    assert_eq!(
        c.classify(&start, &core_up),
        CstoFuture::SelectiveConsolidation
    );
}

#[test]
fn membership_counts_see_the_starting_suspension() {
    let s = Ensemble::new(future(0), 5).run().unwrap();
    let csto = s.institution("CSTO").unwrap();
    let armenia = s.state("Armenia").unwrap();
    let (suspended, exited) = s.membership(csto, armenia).unwrap();
    assert_eq!(suspended.count, 5);
    assert_eq!(exited.count, 0);
}

#[test]
fn embedded_futures_equal_the_files() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let files = [
        "csto-slow-decline.toml",
        "csto-selective-consolidation.toml",
        "csto-partial-revitalization.toml",
    ];
    for (embedded, file) in geoalign::presets::csto_futures().iter().zip(files) {
        let on_disk = Scenario::from_file(dir.join(file)).unwrap();
        assert_eq!(embedded, &on_disk, "{file}");
    }
}

#[test]
fn empty_shards_round_trip_and_merge() {
    // 2 runs in 5 shards: three shards hold no run at all.
    let whole = Ensemble::new(future(2), 2).run().unwrap();
    let mut merged: Option<Summary> = None;
    for i in 0..5 {
        let part = Ensemble::new(future(2), 2)
            .shard(Shard { index: i, count: 5 })
            .run()
            .unwrap();
        let part = json_round_trip(&part);
        match merged.as_mut() {
            None => merged = Some(part),
            Some(m) => m.merge(&part).unwrap(),
        }
    }
    assert_eq!(merged.unwrap(), whole);
}

#[test]
fn summary_similarity_is_the_mean_over_runs_of_each_runs_horizon_similarity() {
    use geoalign::analysis::similarity::SimilarityMatrix;
    let scenario = future(0);
    let runs = 12;
    let summary = Ensemble::new(scenario.clone(), runs).run().unwrap();
    let sim = geoalign::Simulation::new(scenario);
    let n = summary.states.len();
    let id = |i: usize| geoalign::StateId(i as u32);
    let mut mean = vec![0.0; n * n];
    for run in 0..runs {
        let t = sim.trajectory(run).unwrap();
        let m = SimilarityMatrix::of_trajectory_step(
            &t,
            t.len() - 1,
            geoalign::analysis::ensemble::SIMILARITY,
            None,
        )
        .unwrap();
        for (acc, v) in mean.iter_mut().zip(&m.values) {
            *acc += v.unwrap() / runs as f64;
        }
    }
    for i in 0..n {
        for j in 0..n {
            let got = summary.similarity(id(i), id(j)).unwrap();
            // Fixed-point sums: exact to far better than 1e-12 for 12 runs.
            assert!((got.mean - mean[i * n + j]).abs() < 1e-12, "{i}–{j}");
            assert!(got.quantiles.q05 <= got.quantiles.q95);
        }
    }
}
