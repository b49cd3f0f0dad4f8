//! Event frequencies by date in ensemble summaries (`Summary::event_frequencies`,
//! `event-frequencies.csv`): a scheduled event counts in every run at its date and nowhere
//! else, a monthly hazard's share of runs by a date follows its survival curve, the counts are
//! the same for any thread count and shard split, and a summary whose counts no ensemble
//! could give is refused.
//!
//! The scenarios extend the embedded world with no noise and no fragility unrest, so that the
//! only events of the tested class are the ones a test declares.

use geoalign::analysis::ensemble::{Ensemble, EnsembleError, EventSeries, Shard, Summary};
use geoalign::sim::events::Origin;
use geoalign::Scenario;

/// The quiet Eurasia world for `steps` months, with `events` appended.
fn scenario(steps: u32, events: &str) -> Scenario {
    let text = format!(
        "extends = \"builtin:eurasia-2025\"\n\
         [horizon]\nsteps = {steps}\n\
         [parameters]\nnoise = 0.0\n\
         [parameters.events]\nunrest_hazard = 0.0\n\
         {events}\n"
    );
    Scenario::from_toml_str(&text, "test.toml").unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// The series of unrest in Georgia of `origin` (Georgia is in no security bloc: unrest there
/// asks for no response).
fn georgia_unrest(s: &Summary, origin: Origin) -> Option<EventSeries> {
    let georgia = s.state("Georgia").expect("Georgia").index() as u32;
    s.event_frequencies().into_iter().find(|e| {
        e.class.origin == origin
            && e.class.kind_name() == Some("unrest")
            && e.class.state == Some(georgia)
    })
}

#[test]
fn a_scheduled_event_counts_in_every_run_at_its_date_and_nowhere_else() {
    let s = scenario(
        10,
        "[[events]]\nat = \"2025-06\"\nkind = \"unrest\"\nstate = \"Georgia\"\nseverity = 0.5\n",
    );
    let summary = Ensemble::new(s.clone(), 20).run().unwrap();
    let series = georgia_unrest(&summary, Origin::Scheduled).expect("the scheduled unrest");
    assert!(series.class.response.is_none());
    assert_eq!(series.periods.len(), 11);
    for p in &series.periods {
        // 2025-06 is step 5.
        let (runs, by_date) = if p.step == 5 {
            (20, 20)
        } else if p.step > 5 {
            (0, 20)
        } else {
            (0, 0)
        };
        assert_eq!(
            (p.runs, p.by_date, p.events),
            (runs, by_date, runs),
            "step {}",
            p.step
        );
    }
    // Recorded every 4 steps (0, 4, 8 and the horizon 10): the event of step 5 falls in the
    // period that ends at step 8.
    let coarse = Ensemble::new(s, 20).record_every(4).run().unwrap();
    let series = georgia_unrest(&coarse, Origin::Scheduled).expect("the scheduled unrest");
    let counted: Vec<(u32, u64, u64)> = series
        .periods
        .iter()
        .map(|p| (p.step, p.runs, p.by_date))
        .collect();
    assert_eq!(counted, [(0, 0, 0), (4, 0, 0), (8, 20, 20), (10, 0, 20)]);
}

#[test]
fn a_monthly_hazard_s_share_of_runs_by_a_date_follows_its_survival_curve() {
    let p: f64 = 0.05;
    let runs = 2_000;
    let hazard = format!(
        "[[events]]\nmonthly = {p}\nfrom = \"2025-02\"\nkind = \"unrest\"\nstate = \"Georgia\"\nseverity = 0.5\n"
    );
    let summary = Ensemble::new(scenario(24, &hazard), runs).run().unwrap();
    let series = georgia_unrest(&summary, Origin::Hazard).expect("the hazard's unrest");
    for period in &series.periods {
        // Open from step 1 (2025-02): by step t, t chances.
        let t = f64::from(period.step);
        let expected = 1.0 - (1.0 - p).powf(t);
        let observed = period.by_date as f64 / runs as f64;
        let sd = (expected * (1.0 - expected) / runs as f64).sqrt();
        assert!(
            (observed - expected).abs() <= 4.0 * sd + 1e-12,
            "step {}: P(by date) {observed}, 1 − (1 − p)^t = {expected}",
            period.step
        );
        if period.step > 0 {
            let month = period.runs as f64 / runs as f64;
            let sd = (p * (1.0 - p) / runs as f64).sqrt();
            assert!(
                (month - p).abs() <= 4.0 * sd,
                "step {}: {month}",
                period.step
            );
        }
    }
    // Switched off, the class is not there at all.
    let off = hazard.replace(&format!("monthly = {p}"), "monthly = 0.0");
    let quiet = Ensemble::new(scenario(24, &off), 200).run().unwrap();
    assert!(georgia_unrest(&quiet, Origin::Hazard).is_none());
}

#[test]
fn event_frequencies_are_identical_for_any_thread_count_and_shard_split() {
    let s = geoalign::presets::eurasia_2025();
    let one = Ensemble::new(s.clone(), 150).threads(1).run().unwrap();
    let two = Ensemble::new(s.clone(), 150).threads(2).run().unwrap();
    assert!(!one.event_cells().is_empty());
    assert_eq!(one.event_cells(), two.event_cells());
    let mut merged: Option<Summary> = None;
    for index in [2, 0, 1] {
        let part = Ensemble::new(s.clone(), 150)
            .shard(Shard { index, count: 3 })
            .run()
            .unwrap();
        match &mut merged {
            None => merged = Some(part),
            Some(m) => m.merge(&part).unwrap(),
        }
    }
    assert_eq!(merged.unwrap(), one);
}

#[test]
fn a_summary_whose_event_counts_exceed_its_runs_is_refused() {
    let summary = Ensemble::new(geoalign::presets::eurasia_2025(), 10)
        .run()
        .unwrap();
    let mut json = serde_json::to_value(&summary).unwrap();
    json["events"][0]["runs"] = serde_json::json!(11);
    let edited: Summary = serde_json::from_value(json).unwrap();
    let err = edited.verify().unwrap_err();
    assert!(
        matches!(&err, EnsembleError::Corrupt { field, .. } if field == "events[0]"),
        "{err}"
    );
}

#[test]
fn event_frequencies_csv_has_every_class_at_every_recorded_step() {
    let summary = Ensemble::new(geoalign::presets::eurasia_2025(), 30)
        .run()
        .unwrap();
    let dir =
        std::env::temp_dir().join(format!("geoalign-event-frequencies-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    geoalign::output::write_summary(&dir, &summary).unwrap();
    let text = std::fs::read_to_string(dir.join("event-frequencies.csv")).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("scenario,step,date,origin,kind,response,acted,power,state,institution,probability,ci_low,ci_high,count,by_date,by_date_low,by_date_high,by_date_count,events,runs")
    );
    let classes = summary.event_frequencies().len();
    assert_eq!(lines.count(), classes * summary.recorded_steps().count());
    let _ = std::fs::remove_dir_all(&dir);
}
