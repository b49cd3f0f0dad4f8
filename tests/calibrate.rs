//! Calibration (issue 15): recovery of known parameters from a simulated history, and the
//! refusals of bad input.

use geoalign::analysis::calibrate::{AbcSettings, Calibration, ErrorModel, Targets};
use geoalign::analysis::sensitivity::{Base, ParamRange};
use std::fmt::Write as _;
use std::path::PathBuf;

const BACKTEST: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/backtest-2021.toml");

/// The two parameters recovered: the size of the 2022 remittance shock (`events[4]` of the
/// backtest is its `remittance_shock`) and the trade feedback rate.
fn params() -> Vec<ParamRange> {
    vec![
        "events[4].size=0.0:0.6".parse().unwrap(),
        "parameters.feedback.trade=0.0:0.03".parse().unwrap(),
    ]
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("geoalign-calibrate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// A "history": one run (index `run`) of the backtest at `truth`, written as targets — every
/// movable state's trade shares with the six powers and its remittances as a share of GDP,
/// per year 2022–2025, as the observation model reads them.
fn synthetic_history(truth: &[f64], run: u64, path: &PathBuf) {
    let base = Base::file(BACKTEST).unwrap();
    let calibration = calibration(base, Targets::default());
    let scenario = calibration.scenario_with(truth).unwrap();
    let world = scenario.world().clone();
    // Targets for every state × quantity × year, valued 0.5 for now: bound to read the model.
    let mut text = String::from("state,year,quantity,partner,value,source,verified,note\n");
    let movable: Vec<&str> = world
        .states()
        .iter()
        .filter(|s| !s.fixed)
        .map(|s| s.name.as_str())
        .collect();
    for year in 2022..=2025 {
        for s in &movable {
            for p in world.powers() {
                writeln!(text, "{s},{year},trade_share,{},0.5,synthetic,no,", p.name).unwrap();
            }
            writeln!(text, "{s},{year},remittances_gdp,all,0.5,synthetic,no,").unwrap();
        }
    }
    std::fs::write(path, &text).unwrap();
    let targets = Targets::read(path, None).unwrap();
    let values = calibration.observe(&scenario, &targets, run).unwrap();
    let mut out = String::from("state,year,quantity,partner,value,source,verified,note\n");
    for (t, v) in targets.rows.iter().zip(values) {
        writeln!(
            out,
            "{},{},{},{},{v},synthetic run {run},no,",
            t.state, t.year, t.quantity, t.partner
        )
        .unwrap();
    }
    std::fs::write(path, out).unwrap();
}

fn calibration(base: Base, targets: Targets) -> Calibration {
    Calibration {
        base,
        params: params(),
        targets,
        fit: (2022, 2023),
        validate: (2024, 2025),
        runs_per_particle: 2,
        predictive: 20,
        settings: AbcSettings {
            particles: 100,
            generations: 6,
            ..AbcSettings::default()
        },
        error: ErrorModel::default(),
        threads: 0,
    }
}

/// Issue 15's coverage test: in each of five replicates (five simulated histories of the same
/// truth), calibrate on the history and check that each true value lies inside its 90 %
/// posterior interval; each parameter must be covered in at least four of five. The shock's
/// size must also be learnt: its interval narrower than half the prior's.
#[test]
fn known_parameters_are_recovered_inside_their_intervals() {
    let truth = [0.3, 0.012];
    let mut covered = [0usize; 2];
    let mut widths = [0.0f64; 2];
    let replicates = 5;
    for rep in 0..replicates {
        let path = temp(&format!("history-{rep}.csv"));
        synthetic_history(&truth, 1_000_000_000 + rep, &path);
        let c = calibration(
            Base::file(BACKTEST).unwrap(),
            Targets::read(&path, None).unwrap(),
        );
        let r = c.run(|_| {}).unwrap();
        for (k, i) in r.intervals.iter().enumerate() {
            eprintln!(
                "rep {rep} {}: truth {} interval [{:.4}, {:.4}] median {:.4}",
                i.key, truth[k], i.q05, i.q95, i.q50
            );
            covered[k] += usize::from(i.q05 <= truth[k] && truth[k] <= i.q95);
            widths[k] += (i.q95 - i.q05) / (i.prior.1 - i.prior.0) / replicates as f64;
        }
    }
    eprintln!("covered {covered:?}, mean relative widths {widths:?}");
    for (k, &c) in covered.iter().enumerate() {
        assert!(c >= 4, "parameter {k} covered in {c} of {replicates}");
    }
    assert!(
        widths[0] < 0.5,
        "the shock's size was not learnt: width {}",
        widths[0]
    );
}

/// The observation model reads the mechanisms it claims to (docs/model.md §13.1): a larger
/// 2022 remittance shock lowers the remittances observed in 2022 for a state that depends on
/// Russia's (the observable scales with delivery), and trade shares move only with the
/// trade feedback on (they are the trade ties).
#[test]
fn observables_follow_their_mechanisms() {
    let path = temp("mechanisms.csv");
    let mut text = String::from("state,year,quantity,partner,value,source,verified,note\n");
    for year in 2022..=2025 {
        writeln!(text, "Tajikistan,{year},remittances_gdp,all,0.3,t,no,").unwrap();
        writeln!(text, "Kazakhstan,{year},trade_share,China,0.2,t,no,").unwrap();
        writeln!(text, "Kazakhstan,{year},trade_share,rest,0.4,t,no,").unwrap();
    }
    std::fs::write(&path, text).unwrap();
    let targets = Targets::read(&path, None).unwrap();
    let c = calibration(Base::file(BACKTEST).unwrap(), Targets::default());
    let at = |values: [f64; 2]| {
        let s = c.scenario_with(&values).unwrap();
        // The mean of 20 runs, so that the comparison is of the mechanism, not of noise.
        let runs: Vec<Vec<f64>> = (0..20)
            .map(|r| c.observe(&s, &targets, r).unwrap())
            .collect();
        (0..targets.rows.len())
            .map(|i| runs.iter().map(|v| v[i]).sum::<f64>() / 20.0)
            .collect::<Vec<f64>>()
    };
    let (none, shock) = (at([0.0, 0.01]), at([0.5, 0.01]));
    // Row 0 is Tajikistan's 2022 remittances.
    assert!(
        shock[0] < none[0] - 0.01,
        "a shock of half the delivery left remittances at {} against {}",
        shock[0],
        none[0]
    );
    let still = at([0.1, 0.0]);
    let moving = at([0.1, 0.03]);
    let drift = |v: &[f64]| (v[1] - v[10]).abs() + (v[2] - v[11]).abs();
    assert!(
        drift(&moving) > 4.0 * drift(&still) + 1e-4,
        "trade shares drifted {} with feedback and {} without",
        drift(&moving),
        drift(&still)
    );
}

/// Bad input: a prior with lo ≥ hi, a key the scenario does not take, windows outside the
/// horizon or overlapping, no target in the fitted years — each a sentence, before a run.
#[test]
fn bad_calibrations_are_refused_with_reasons() {
    assert!("events[4].size=0.5:0.5"
        .parse::<ParamRange>()
        .unwrap_err()
        .to_string()
        .contains("LO 0.5 is not below HI 0.5"));
    let path = temp("history-bad.csv");
    synthetic_history(&[0.3, 0.012], 5, &path);
    let targets = || Targets::read(&path, None).unwrap();
    let base = || Base::file(BACKTEST).unwrap();
    let refuse = |c: Calibration, expect: &str| {
        let e = c.run(|_| {}).unwrap_err().to_string();
        assert!(e.contains(expect), "{e}");
    };
    let mut c = calibration(base(), targets());
    c.params = vec!["events[4].sizes=0:1".parse().unwrap()];
    refuse(c, "events[4].sizes");
    let mut c = calibration(base(), targets());
    c.validate = (2024, 2026);
    refuse(
        c,
        "--validate 2024:2026: outside the whole years of the scenario's horizon, 2022:2025",
    );
    let mut c = calibration(base(), targets());
    c.validate = (2023, 2024);
    refuse(c, "overlaps the fitted years 2022:2023");
    let mut c = calibration(base(), targets());
    c.fit = (2022, 2022);
    c.validate = (2023, 2023);
    let only_2025 = temp("only-2025.csv");
    std::fs::write(
        &only_2025,
        "state,year,quantity,partner,value,source,verified,note\nArmenia,2025,trade_share,Russia,0.3,t,no,\n",
    )
    .unwrap();
    c.targets = Targets::read(&only_2025, None).unwrap();
    refuse(c, "--fit 2022:2022: no target observed in these years");
}

/// The same calibration on one thread and on three gives the same posterior, bands and skill,
/// to the bit.
#[test]
fn a_calibration_is_the_same_on_any_number_of_threads() {
    let path = temp("history-threads.csv");
    synthetic_history(&[0.3, 0.012], 7, &path);
    let run = |threads: usize| {
        let mut c = calibration(
            Base::file(BACKTEST).unwrap(),
            Targets::read(&path, None).unwrap(),
        );
        c.settings.particles = 30;
        c.settings.generations = 3;
        c.predictive = 10;
        c.threads = threads;
        c.run(|_| {}).unwrap()
    };
    let (one, three) = (run(1), run(3));
    // The files: a posterior `run --posterior` reads back to the bit, one predictive row per
    // target, one chart per state and quantity.
    let dir = temp("out");
    let _ = std::fs::remove_dir_all(&dir);
    let files = geoalign::output::OutputDir::new(&dir)
        .write_calibration(&one)
        .unwrap();
    let posterior =
        geoalign::analysis::posterior::Posterior::read(&dir.join("posterior.csv")).unwrap();
    assert_eq!(posterior.samples, one.samples);
    assert_eq!(posterior.weights, one.weights);
    assert_eq!(
        posterior.fingerprint,
        Base::file(BACKTEST).unwrap().fingerprint()
    );
    let predictive = std::fs::read_to_string(dir.join("predictive.csv")).unwrap();
    assert_eq!(predictive.lines().count(), 1 + one.targets.len());
    assert!(predictive.starts_with("state,quantity,partner,year,window,observed,verified,mean,q05,q50,q95,observed_q05,observed_q95,covered,source_line\n"));
    let charts = files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "svg"))
        .count();
    assert_eq!(charts, 9 * 2, "{files:?}");
    assert_eq!(one.abc, three.abc);
    assert_eq!(one.samples, three.samples);
    assert_eq!(one.intervals, three.intervals);
    assert_eq!(one.bands, three.bands);
    assert_eq!(one.skill, three.skill);
}

/// The shipped calibration (data/calibration/history-2014/) belongs to the shipped history
/// scenario: its posterior's fingerprint is the scenario's, so editing the scenario without
/// calibrating again fails here; `run --posterior` takes it; and the named calibrated set,
/// scenarios/eurasia-2025-calibrated.toml, holds its medians of the model-wide parameters.
#[test]
fn the_shipped_calibration_matches_its_scenario_and_the_named_set() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let base = Base::file(root.join("scenarios/history-2014.toml")).unwrap();
    let path = root.join("data/calibration/history-2014/posterior.csv");
    let posterior = geoalign::analysis::posterior::Posterior::read(&path).unwrap();
    posterior.check_base(&path, &base).unwrap();
    assert_eq!(posterior.len(), 500);
    let intervals =
        std::fs::read_to_string(root.join("data/calibration/history-2014/intervals.csv")).unwrap();
    let named: toml::Table = toml::from_str(
        &std::fs::read_to_string(root.join("scenarios/eurasia-2025-calibrated.toml")).unwrap(),
    )
    .unwrap();
    let parameters = named["parameters"].as_table().unwrap();
    let mut checked = 0;
    for line in intervals.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        let Some(key) = cells[0].strip_prefix("parameters.") else {
            continue;
        };
        let median: f64 = cells[5].parse().unwrap();
        let mut v = parameters.get(key.split('.').next().unwrap()).unwrap();
        for k in key.split('.').skip(1) {
            v = v.get(k).unwrap();
        }
        let v = v.as_float().unwrap();
        assert!(
            (v - median).abs() < 5e-7,
            "{key}: {v} in the named set, median {median}"
        );
        checked += 1;
    }
    assert_eq!(checked, 5);
}
