//! Declared outcomes end to end: read from files, counted by ensembles with their series over
//! time, merged across shards, studied by sensitivity; and the CSTO futures declared with a
//! persistence requirement, against what noise alone gives.

use geoalign::analysis::ensemble::{Ensemble, Shard};
use geoalign::analysis::outcome::{declared_outcomes, CSTO_FUTURE_OUTCOMES, YES};
use geoalign::analysis::sensitivity::{Base, Indices, Method, Study};
use geoalign::Scenario;

/// Eurasia 2025 with its own outcomes: a threshold at a date, a first passage, Armenia's exit
/// by a date (its unanswered appeals make it exit: `exit_after`), and a combination.
const WHAT_IF: &str = r#"
extends = "builtin:eurasia-2025"
name = "outcomes test"

# Russia never answers an appeal: the appeal below is Armenia's fourth unanswered one.
[parameters.events]
exit_after = 4
decision_intercept = -100.0

[[events]]
at = "2026-01"
kind = "security_appeal"
state = "Armenia"
institution = "CSTO"

[[outcomes]]
name = "kz-russia-below-040-2030"
kind = "share"
state = "Kazakhstan"
of = "Russia"
below = 0.40
at = "2030-01"

[[outcomes]]
name = "by-russia-above-080-by-2030"
kind = "share"
state = "Belarus"
of = "Russia"
above = 0.80
by = "2030-01"

[[outcomes]]
name = "armenia-exits-csto-by-2030"
kind = "participation"
institution = "CSTO"
member = "Armenia"
is = "exited"
by = "2030-01"

[[outcomes]]
name = "either"
kind = "any"
conditions = [
  { kind = "participation", institution = "CSTO", member = "Armenia", is = "exited", by = "2030-01" },
  { kind = "cohesion", institution = "CSTO", falls = 0.05, months = 6 },
]
"#;

fn what_if() -> Scenario {
    Scenario::from_toml_str(WHAT_IF, "what-if.toml").unwrap()
}

#[test]
fn a_scenario_without_outcomes_keeps_its_serialised_form() {
    let plain = serde_json::to_string(&geoalign::presets::eurasia_2025()).unwrap();
    assert!(!plain.contains("\"outcomes\""));
    assert!(serde_json::to_string(&what_if())
        .unwrap()
        .contains("\"outcomes\""));
}

#[test]
fn a_horizon_outcome_follows_the_horizon_and_a_persistence_longer_than_it_is_refused() {
    let mut future = geoalign::presets::csto_futures()[0].clone();
    future.set_steps(240).unwrap();
    assert_eq!(future.outcomes().len(), 3);
    // The world without the future's drivers (dated up to 2035), with its outcomes.
    let mut world = geoalign::presets::eurasia_2025();
    for spec in future.outcomes() {
        world.add_outcome(spec.clone()).unwrap();
    }
    world.set_steps(24).unwrap();
    let err = world.set_steps(12).unwrap_err();
    assert!(
        err.to_string().contains("persist for 1 to 12 months"),
        "{err}"
    );
}

#[test]
fn declared_outcomes_are_counted_with_a_series_that_ends_at_their_counts() {
    let scenario = what_if();
    assert_eq!(declared_outcomes(&scenario).len(), 4);
    let summary = Ensemble::new(scenario, 64).threads(2).run().unwrap();
    summary.verify().unwrap();
    // An unanswered appeal at 2026-01 is Armenia's fourth: it exits then, not before.
    let exit = summary
        .probability_by_date("armenia-exits-csto-by-2030", YES)
        .unwrap();
    for (step, p) in &exit {
        if *step < 12 {
            assert_eq!(p.count, 0, "step {step}");
        }
    }
    assert!(
        exit[12..].iter().all(|(_, p)| p.count == 64),
        "{:?}",
        exit[12]
    );
    for name in [
        "by-russia-above-080-by-2030",
        "armenia-exits-csto-by-2030",
        "either",
    ] {
        let series = summary.probability_by_date(name, YES).unwrap();
        assert!(
            series.windows(2).all(|w| w[0].1.count <= w[1].1.count),
            "{name}: a first passage never becomes less likely"
        );
        let last = series.last().unwrap().1;
        assert_eq!(Some(last), summary.probability(name, YES), "{name}");
    }
    // A threshold at 2030-01 is decided then and constant after.
    let kz = summary
        .probability_by_date("kz-russia-below-040-2030", YES)
        .unwrap();
    let at = kz.iter().position(|(s, _)| *s == 60).unwrap();
    assert!(kz[at..].iter().all(|(_, p)| p.count == kz[at].1.count));
}

#[test]
fn outcome_series_are_bit_identical_across_threads_and_shards() {
    let scenario = what_if();
    let whole = Ensemble::new(scenario.clone(), 90)
        .threads(1)
        .run()
        .unwrap();
    assert_eq!(
        whole,
        Ensemble::new(scenario.clone(), 90)
            .threads(2)
            .run()
            .unwrap()
    );
    let part = |i| {
        Ensemble::new(scenario.clone(), 90)
            .shard(Shard { index: i, count: 3 })
            .threads(2)
            .run()
            .unwrap()
    };
    let mut merged = part(2);
    merged.merge(&part(0)).unwrap();
    merged.merge(&part(1)).unwrap();
    assert_eq!(merged, whole);
    // Through partial files too.
    let dir = std::env::temp_dir().join(format!("geoalign-outcomes-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let files: Vec<_> = (0..3)
        .map(|i| geoalign::output::write_partial(&dir, &part(i)).unwrap())
        .collect();
    assert_eq!(geoalign::output::merge_partials(&files).unwrap(), whole);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_damaged_series_is_refused() {
    let mut summary = Ensemble::new(what_if(), 8).run().unwrap();
    let k = summary
        .outcomes
        .iter()
        .position(|o| !o.over_time.is_empty())
        .unwrap();
    summary.outcomes[k].over_time[0] += 1;
    let err = summary.verify().unwrap_err();
    assert!(err.to_string().contains("over_time"), "{err}");
}

#[test]
fn outputs_hold_the_series_as_csv() {
    let summary = Ensemble::new(what_if(), 8).run().unwrap();
    let dir = std::env::temp_dir().join(format!("geoalign-outcomes-out-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    geoalign::output::write_summary(&dir, &summary).unwrap();
    let csv = std::fs::read_to_string(dir.join("outcomes-over-time.csv")).unwrap();
    assert!(csv.starts_with("scenario,outcome,category,step,date,probability"));
    // 4 declared outcomes × 2 categories × 121 recorded steps, and the header.
    assert_eq!(csv.lines().count(), 4 * 2 * 121 + 1);
    assert!(csv.contains("outcomes test,armenia-exits-csto-by-2030,yes,11,2025-12,0,"));
    let svg = std::fs::read_to_string(dir.join("outcomes-over-time.svg")).unwrap();
    assert!(svg.contains("armenia-exits-csto-by-2030"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The futures' persistence requirement keeps noise from passing for a future: with no
/// drivers, "selective consolidation" is far rarer than under the old horizon-only rule.
#[test]
fn with_no_drivers_noise_rarely_makes_a_declared_future() {
    let mut world = geoalign::presets::eurasia_2025();
    assert!(world.drivers().is_empty());
    for spec in geoalign::presets::csto_futures()[0].outcomes() {
        world.add_outcome(spec.clone()).unwrap();
    }
    let summary = Ensemble::new(world, 400).run().unwrap();
    let declared = summary.probability(CSTO_FUTURE_OUTCOMES[1], YES).unwrap();
    let old = summary
        .probability("csto-futures", "selective consolidation")
        .unwrap();
    // Far rarer: below 0.15, and the two 95 % intervals apart. (Before the friendly decision
    // read the CSTO's credibility and Russia's security delivery (docs/model.md §3.3), the old
    // rule gave more than 0.25; Russia now answers less often, more members are suspended, and
    // the old rule's selective consolidation fell to 0.17 while the declared one stayed at 0.05.)
    assert!(
        declared.estimate < 0.15 && declared.high < old.low,
        "declared {declared:?}, old classifier {old:?}"
    );
    // Every run is in exactly one declared future.
    let total: u64 = CSTO_FUTURE_OUTCOMES
        .iter()
        .map(|n| summary.probability(n, YES).unwrap().count)
        .sum();
    assert_eq!(total, 400);
}

#[test]
fn sensitivity_ranks_a_parameter_that_moves_a_quantity() {
    let dir = std::env::temp_dir().join(format!("geoalign-outcomes-tj-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("tj.toml");
    std::fs::write(
        &file,
        "extends = \"builtin:eurasia-2025\"\nname = \"Tajik remittances\"\n\
         [drivers.ties.Tajikistan.Russia]\nremittances = [{ at = \"2027-01\", value = 0.3 }]\n",
    )
    .unwrap();
    let base = Base::file(&file).unwrap();
    let study = Study {
        outcome: Some(base.quantity("Tajikistan.Russia@horizon").unwrap()),
        base,
        params: vec![
            "drivers.ties.Tajikistan.Russia.remittances[0].value=0.1:0.6"
                .parse()
                .unwrap(),
        ],
        runs_per_point: 10,
        threads: 1,
        seed: 3,
    };
    let report = study
        .run(&Method::Morris { trajectories: 3 }, &|_| {})
        .unwrap();
    assert_eq!(report.outputs, ["mean Tajikistan.Russia@horizon"]);
    let Indices::Morris(m) = report.indices else {
        panic!("Morris")
    };
    // Less remittance tie with Russia, less Russia share: a clear effect.
    assert!(m[0][0].mu_star > 0.01, "{:?}", m[0][0]);
    let _ = std::fs::remove_dir_all(&dir);
}
