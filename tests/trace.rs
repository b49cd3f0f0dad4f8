//! `geoalign trace`: the run's event log printed by date and name after the start/end table,
//! and `trace --out DIR` writing it as `events.csv` (one row per event, names not indices)
//! beside `trajectory.csv`, under the output directory's rules (manifest, `--force`).
#![cfg(feature = "cli")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn geoalign(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_geoalign"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn succeeded(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("trace-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A bloc `B` led by `P` with two members and no fragility (no unrest is drawn); `P` uses
/// no coercion, so no departure or defection calls for a hostile decision: only what the
/// test schedules fires.
const WORLD: &str = r#"name = "a bloc of two"
seed = 2
[horizon]
start = "2025-01"
steps = 24
[powers.P]
capacity = 1.0
coercion = 0.0
[powers.P.delivery]
security = 0.5
[states.S]
disposition = "neutral"
inertia = 0.05
stubbornness = 0.1
fragility = 0.0
[states.S.alignment]
P = 0.6
autonomy = 0.4
[states.S.salience]
security = 1.0
[states.S.ties.P]
security = 0.5
[states.T]
disposition = "neutral"
inertia = 0.05
stubbornness = 0.1
fragility = 0.0
[states.T.alignment]
P = 0.2
autonomy = 0.8
[states.T.salience]
security = 1.0
[states.T.ties.P]
security = 0.5
[institutions.B]
leader = "P"
credibility = 0.9
members = ["S", "T"]
[institutions.B.carries]
security = 0.5
"#;

/// `WORLD` with T suspended from B in March 2025 and S exiting in October 2025.
fn scheduled(dir: &Path) -> PathBuf {
    let path = dir.join("scheduled.toml");
    let text = format!(
        "{WORLD}\n[[events]]\nat = \"2025-03\"\nkind = \"suspend\"\ninstitution = \"B\"\nstate = \"T\"\n\
         [[events]]\nat = \"2025-10\"\nkind = \"exit\"\ninstitution = \"B\"\nstate = \"S\"\n"
    );
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn trace_prints_each_scheduled_event_with_its_date_and_names() {
    let dir = scratch("print");
    let scenario = scheduled(&dir);
    let stdout = succeeded(&geoalign(&["trace", scenario.to_str().unwrap()]));
    assert!(
        stdout.contains("one simulated path under the scenario's assumptions, not a forecast"),
        "{stdout}"
    );
    let log: Vec<&str> = stdout
        .lines()
        .skip_while(|l| !l.contains("events, by the month they fired"))
        .skip(1)
        .collect();
    assert_eq!(
        log,
        [
            "2025-03 [Scheduled] T is suspended from B: active → suspended",
            "2025-10 [Scheduled] S exits B: active → exited",
        ],
        "{stdout}"
    );
}

#[test]
fn a_run_without_events_says_so_in_one_line() {
    let dir = scratch("empty");
    let scenario = dir.join("quiet.toml");
    std::fs::write(&scenario, WORLD).unwrap();
    let stdout = succeeded(&geoalign(&["trace", scenario.to_str().unwrap()]));
    assert_eq!(stdout.matches("no events fired in this run").count(), 1);
    assert!(stdout.trim_end().ends_with("no events fired in this run"));
    assert!(!stdout.contains("by the month they fired"), "{stdout}");
}

#[test]
fn events_csv_has_one_row_per_logged_event_with_names_and_dates() {
    let dir = scratch("csv");
    let scenario = scheduled(&dir);
    let out = dir.join("out");
    let stdout = succeeded(&geoalign(&[
        "trace",
        scenario.to_str().unwrap(),
        "--run",
        "3",
        "--out",
        out.to_str().unwrap(),
    ]));
    for file in ["events.csv", "trajectory.csv", "manifest.json"] {
        let path = out.join(file);
        assert!(
            stdout.contains(&format!("wrote {}", path.display())),
            "{file} not reported: {stdout}"
        );
    }
    let mut reader = csv::Reader::from_path(out.join("events.csv")).unwrap();
    let header = reader.headers().unwrap().clone();
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let printed = stdout
        .lines()
        .skip_while(|l| !l.contains("events, by the month they fired"))
        .skip(1)
        .take_while(|l| !l.is_empty())
        .count();
    assert_eq!(rows.len(), printed);
    assert_eq!(rows.len(), 2);
    let expect = [
        ("2", "2025-03", "suspend", "T", "active", "suspended"),
        ("9", "2025-10", "exit", "S", "active", "exited"),
    ];
    for (row, (step, date, kind, state, from, to)) in rows.iter().zip(expect) {
        assert_eq!(&row[column("scenario")], "a bloc of two");
        assert_eq!(&row[column("run")], "3");
        assert_eq!(&row[column("step")], step);
        assert_eq!(&row[column("date")], date);
        assert_eq!(&row[column("origin")], "scheduled");
        assert_eq!(&row[column("kind")], kind);
        assert_eq!(&row[column("state")], state);
        assert_eq!(&row[column("institution")], "B");
        assert_eq!(&row[column("power")], "");
        assert_eq!(&row[column("probability")], "");
        assert_eq!(&row[column("participation_from")], from);
        assert_eq!(&row[column("participation_to")], to);
        assert_eq!(&row[column("outcome")], "participation_changed");
    }
    // The whole path, tidy: every step × state × component (P, autonomy), shares summing to 1.
    let mut reader = csv::Reader::from_path(out.join("trajectory.csv")).unwrap();
    assert_eq!(
        reader.headers().unwrap(),
        vec![
            "scenario",
            "run",
            "step",
            "date",
            "state",
            "component",
            "share"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 25 * 2 * 2);
    assert_eq!(&rows[rows.len() - 1][3], "2027-01");
    let first: f64 = rows[..2].iter().map(|r| r[6].parse::<f64>().unwrap()).sum();
    assert!((first - 1.0).abs() < 1e-9);
}

#[test]
fn trace_out_keeps_the_output_directory_rules() {
    let dir = scratch("rules");
    let scenario = scheduled(&dir);
    let out = dir.join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    let args = [
        "trace",
        scenario.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    // Someone else's directory is refused without --force, and left as it was.
    let refused = geoalign(&args);
    assert!(!refused.status.success());
    assert!(!out.join("events.csv").exists());
    // With --force the outputs are written beside the file, which is kept.
    succeeded(&geoalign(&[&args[..], &["--force"]].concat()));
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "mine"
    );
    assert!(out.join("events.csv").is_file());
    assert!(out.join("manifest.json").is_file());
}

#[test]
fn every_decision_row_carries_its_inputs_probability_and_draw() {
    // The embedded world's run 0 logs unrest the CSTO decides on and a departure Russia
    // considers; `trace --json` holds the same log, as indices and steps.
    let dir = scratch("decisions");
    let (json, out) = (dir.join("run.json"), dir.join("out"));
    succeeded(&geoalign(&[
        "trace",
        "--json",
        json.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]));
    let trace: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let logged = trace["events"].as_array().unwrap();
    let mut reader = csv::Reader::from_path(out.join("events.csv")).unwrap();
    let header = reader.headers().unwrap().clone();
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), logged.len());
    let powers: Vec<&str> = trace["powers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    let mut decisions = 0;
    for (row, event) in rows.iter().zip(logged) {
        assert_eq!(row[column("step")], event["step"].to_string());
        assert_eq!(
            &row[column("kind")],
            event["event"]["kind"].as_str().unwrap()
        );
        assert_eq!(&row[column("origin")], event["origin"].as_str().unwrap());
        if &row[column("outcome")] == "decided" {
            let kind = event["outcome"]["kind"].as_str().unwrap();
            assert_eq!(&row[column("decision")], kind);
        }
        assert_eq!(
            &row[column("outcome")],
            event["outcome"]["outcome"].as_str().unwrap()
        );
        if matches!(&row[column("outcome")], "decided" | "hostile") {
            decisions += 1;
            assert!(powers.contains(&&row[column("power")]), "{row:?}");
            for name in [
                "trigger",
                "local_support",
                "opposition",
                "feasibility",
                "cost",
                "probability",
            ] {
                let x: f64 = row[column(name)].parse().unwrap();
                assert!((0.0..=1.0).contains(&x), "{name} {x} in {row:?}");
            }
            assert!(matches!(&row[column("acted")], "true" | "false"));
        }
    }
    assert!(decisions > 0, "no decision in run 0's log: {rows:?}");
}
