//! Outcomes as values: a toy outcome defined here runs through an ensemble beside the CSTO
//! futures, counts what a direct count of the same runs counts, merges across shards bit for
//! bit, and appears in the CSV and JSON outputs and in a sensitivity report; a design point
//! set in memory is the scenario a TOML override file gives.

use geoalign::analysis::ensemble::{CstoFutures, Ensemble, EnsembleError, Shard, Summary};
use geoalign::analysis::outcome::Outcome;
use geoalign::analysis::sensitivity::{Base, Indices, Method, Study};
use geoalign::scenario_file::ScenarioSource;
use geoalign::{RunState, Scenario, Simulation, World};
use std::sync::Arc;

/// Kazakhstan's China share at the horizon above `level`: a threshold at the horizon.
#[derive(Debug)]
struct ChinaShareAbove {
    level: f64,
    categories: Vec<String>,
}

fn china_share(world: &World, state: &RunState) -> f64 {
    let kz = world.state_id("Kazakhstan").unwrap();
    let china = world.power_id("China").unwrap();
    state.share(world, kz, china)
}

impl ChinaShareAbove {
    fn shared(level: f64) -> Arc<dyn Outcome> {
        Arc::new(ChinaShareAbove {
            level,
            categories: vec![format!("at most {level}"), format!("above {level}")],
        })
    }
}

impl Outcome for ChinaShareAbove {
    fn name(&self) -> &str {
        "kazakhstan-china-share"
    }
    fn categories(&self) -> &[String] {
        &self.categories
    }
    fn start(&self, _: &World, _: &RunState, _: &mut Vec<f64>) {}
    fn classify(&self, world: &World, end: &RunState, _: &[f64]) -> usize {
        usize::from(china_share(world, end) > self.level)
    }
}

/// Kazakhstan's China share ever rises `by` above its start, at some step: a first passage,
/// which needs the notes and every step.
#[derive(Debug)]
struct ChinaShareEverRises {
    by: f64,
    categories: Vec<String>,
}

impl Outcome for ChinaShareEverRises {
    fn name(&self) -> &str {
        "kazakhstan-china-rise"
    }
    fn categories(&self) -> &[String] {
        &self.categories
    }
    /// Notes: the start's share, then 1 once the level has been passed.
    fn start(&self, world: &World, state: &RunState, notes: &mut Vec<f64>) {
        notes.extend([china_share(world, state), 0.0]);
    }
    fn observe(&self, _: u32, world: &World, state: &RunState, notes: &mut Vec<f64>) {
        if china_share(world, state) >= notes[0] + self.by {
            notes[1] = 1.0;
        }
    }
    fn classify(&self, _: &World, _: &RunState, notes: &[f64]) -> usize {
        usize::from(notes[1] == 1.0)
    }
}

fn rise() -> Arc<dyn Outcome> {
    Arc::new(ChinaShareEverRises {
        by: 0.005,
        categories: vec!["never".into(), "rose".into()],
    })
}

const LEVEL: f64 = 0.18;
const RUNS: u64 = 70;

fn ensemble(runs: u64) -> Ensemble {
    Ensemble::new(geoalign::presets::eurasia_2025(), runs)
        .outcome(ChinaShareAbove::shared(LEVEL))
        .outcome(rise())
}

#[test]
fn a_toy_outcome_counts_what_a_direct_count_of_the_same_runs_counts() {
    let summary = ensemble(RUNS).threads(2).run().unwrap();
    let names: Vec<&str> = summary.outcomes.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(
        names,
        [
            CstoFutures::NAME,
            "kazakhstan-china-share",
            "kazakhstan-china-rise"
        ]
    );
    let sim = Simulation::new(geoalign::presets::eurasia_2025());
    let (mut above, mut rose) = (0, 0);
    for run in 0..RUNS {
        let t = sim.trajectory(run).unwrap();
        let kz = t.state_id("Kazakhstan").unwrap();
        let china = t.power_id("China").unwrap();
        let share = |step: usize| t.share(step, kz, china);
        above += u64::from(share(t.len() - 1) > LEVEL);
        rose += u64::from((1..t.len()).any(|s| share(s) >= share(0) + 0.005));
    }
    let counts = &summary.outcome("kazakhstan-china-share").unwrap().counts;
    assert_eq!(counts, &[RUNS - above, above]);
    let p = summary
        .probability("kazakhstan-china-rise", "rose")
        .unwrap();
    assert_eq!((p.count, p.runs), (rose, RUNS));
    // Neither outcome is trivial on this world, or the test would prove little.
    assert!(0 < above && above < RUNS, "{above}");
    assert!(0 < rose && rose < RUNS, "{rose}");
    // The futures are counted as without the toy outcomes.
    let plain = Ensemble::new(geoalign::presets::eurasia_2025(), RUNS)
        .run()
        .unwrap();
    assert_eq!(
        summary.outcome(CstoFutures::NAME),
        plain.outcome(CstoFutures::NAME)
    );
}

#[test]
fn a_toy_outcomes_counts_merge_across_shards_bit_for_bit() {
    let whole = ensemble(RUNS).run().unwrap();
    let mut merged: Option<Summary> = None;
    for index in [2, 0, 1] {
        let part = ensemble(RUNS)
            .threads(1)
            .shard(Shard { index, count: 3 })
            .run()
            .unwrap();
        let part: Summary = serde_json::from_str(&serde_json::to_string(&part).unwrap()).unwrap();
        match merged.as_mut() {
            None => merged = Some(part),
            Some(m) => m.merge(&part).unwrap(),
        }
    }
    assert_eq!(merged.unwrap(), whole);
}

#[test]
fn partials_that_count_different_outcomes_are_not_merged() {
    let mut a = ensemble(6).shard("0/2".parse().unwrap()).run().unwrap();
    let b = Ensemble::new(geoalign::presets::eurasia_2025(), 6)
        .shard("1/2".parse().unwrap())
        .run()
        .unwrap();
    let err = a.merge(&b).unwrap_err();
    assert!(matches!(err, EnsembleError::Mismatch(_)));
    assert!(err.to_string().contains("outcomes"), "{err}");
}

#[test]
fn an_outcome_of_the_same_name_replaces_the_earlier_one_and_none_can_be_counted() {
    let e = ensemble(2).outcome(ChinaShareAbove::shared(0.5));
    assert_eq!(e.outcome_list().len(), 3);
    let s = e.run().unwrap();
    assert_eq!(
        s.outcome("kazakhstan-china-share").unwrap().categories[1],
        "above 0.5"
    );
    let none = ensemble(2).outcomes([]).run().unwrap();
    assert!(none.outcomes.is_empty());
    assert!(none.future(geoalign::CstoFuture::SlowDecline).is_none());
}

#[test]
fn a_toy_outcome_appears_in_the_csv_and_json_outputs() {
    let summary = ensemble(8).run().unwrap();
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("outcomes-toy");
    let _ = std::fs::remove_dir_all(&dir);
    geoalign::output::write_summary(&dir, &summary).unwrap();
    let csv = std::fs::read_to_string(dir.join("outcomes.csv")).unwrap();
    let p = summary
        .probability("kazakhstan-china-share", "above 0.18")
        .unwrap();
    let row = format!(
        "Eurasia 2025,kazakhstan-china-share,,,above 0.18,{},{},{},{},8",
        p.estimate, p.low, p.high, p.count
    );
    assert!(csv.lines().any(|l| l == row), "{row} not in\n{csv}");
    assert!(csv.contains("Eurasia 2025,csto_future,CSTO,,slow decline,"));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap();
    assert_eq!(json["futures"].as_array().unwrap().len(), 3);
    let outcomes = json["outcomes"].as_array().unwrap();
    assert_eq!(outcomes[0]["name"], "kazakhstan-china-share");
    assert_eq!(outcomes[0]["categories"][1][0], "above 0.18");
    assert_eq!(outcomes[0]["categories"][1][1]["count"], p.count);
    assert_eq!(outcomes[1]["name"], "kazakhstan-china-rise");
}

#[test]
fn a_sensitivity_study_reports_a_toy_outcomes_categories() {
    let study = Study {
        base: Base::builtin("builtin:eurasia-2025").unwrap(),
        params: vec!["powers.China.coercion=0.1:0.6".parse().unwrap()],
        runs_per_point: 3,
        threads: 1,
        seed: 4,
        outcome: Some(ChinaShareAbove::shared(LEVEL)),
    };
    let report = study
        .run(&Method::Morris { trajectories: 2 }, &|_| {})
        .unwrap();
    assert_eq!(report.outputs, ["P(at most 0.18)", "P(above 0.18)"]);
    let Indices::Morris(m) = &report.indices else {
        panic!("Morris asked")
    };
    assert_eq!(m.len(), 2);
}

#[test]
fn a_design_point_set_in_memory_is_the_scenario_an_override_file_gives() {
    let mut source = ScenarioSource::load("builtin:csto-selective-consolidation").unwrap();
    source.set("parameters.noise", 0.045).unwrap();
    source.set("powers.Russia.coercion", 0.61).unwrap();
    source
        .set("drivers.institutions.CSTO.credibility[-1].value", 0.3)
        .unwrap();
    let in_memory = source.build().unwrap();
    let from_file = geoalign::presets::csto_futures()[1].clone();
    assert_ne!(in_memory, from_file);
    let mut text = String::from(
        "extends = \"builtin:csto-selective-consolidation\"\n\
         parameters.noise = 0.045\n\
         powers.Russia.coercion = 0.61\n",
    );
    // The whole driver array with its last point changed, as an override file must write it.
    let base: toml::Table = toml::from_str(include_str!(
        "../scenarios/csto-selective-consolidation.toml"
    ))
    .unwrap();
    let mut credibility = base["drivers"]["institutions"]["CSTO"]["credibility"].clone();
    let points = credibility.as_array_mut().unwrap();
    let last = points.len() - 1;
    // Setting `value` replaces the point's form (it is written `add` in the file).
    let point = points[last].as_table_mut().unwrap();
    point.retain(|k, _| !["value", "scale", "add"].contains(&k));
    point.insert("value".into(), toml::Value::Float(0.3));
    text.push_str(&format!(
        "drivers.institutions.CSTO.credibility = {credibility}\n"
    ));
    let overridden = Scenario::from_toml_str(&text, "override.toml").unwrap();
    assert_eq!(in_memory, overridden);
}

#[test]
fn keys_set_in_memory_are_refused_as_a_file_would_refuse_them() {
    let mut source = ScenarioSource::load("builtin:eurasia-2025").unwrap();
    let unknown = source.set("powers.Russia.coercon", 0.5).unwrap_err();
    assert!(
        matches!(unknown, geoalign::ScenarioError::UnknownField { .. }),
        "{unknown}"
    );
    assert!(unknown
        .to_string()
        .contains("`powers.Russia.coercon`: unknown field"));
    let table = source.set("powers.Russia", 0.5).unwrap_err();
    assert!(
        matches!(table, geoalign::ScenarioError::Syntax { .. }),
        "{table}"
    );
    for bad in ["parameters..noise", "drivers.x[a].value", "powers[0]"] {
        assert!(source.set(bad, 0.5).is_err(), "{bad}");
    }
    source.set("states.Armenia.inertia", 7.0).unwrap();
    let err = source.build().unwrap_err().to_string();
    assert!(
        err.contains("with values set in memory: `states.Armenia.inertia`"),
        "{err}"
    );
    assert!(ScenarioSource::load("builtin:atlantis").is_err());
}

#[test]
fn an_outcome_that_cannot_read_the_world_is_refused_before_any_run() {
    // The CSTO futures of Eurasia 2025 asked to classify a world whose only institution has
    // another leader: refused by name, not a panic or a silent misreading.
    let eurasia = geoalign::presets::eurasia_2025();
    let futures: Arc<dyn Outcome> =
        Arc::new(CstoFutures::for_world(eurasia.world()).expect("Eurasia has a CSTO"));
    let two_powers = geoalign::presets::Synthetic::new(3, 2)
        .seed(1)
        .scenario()
        .unwrap();
    let err = Ensemble::new(two_powers, 2)
        .outcomes([futures])
        .run()
        .unwrap_err();
    assert!(
        matches!(&err, EnsembleError::Outcome { name, .. } if name == "csto-futures"),
        "{err}"
    );

    // An outcome without categories has nothing to count.
    let empty: Arc<dyn Outcome> = Arc::new(ChinaShareAbove {
        level: 0.2,
        categories: Vec::new(),
    });
    let err = Ensemble::new(eurasia, 2)
        .outcomes([empty])
        .run()
        .unwrap_err();
    assert!(
        matches!(&err, EnsembleError::Outcome { reason, .. } if reason.contains("no categories")),
        "{err}"
    );
}
