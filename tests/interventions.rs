//! The intervention decision fitted on the post-Soviet record (docs/model.md §11): the shipped
//! table on disk, the fit's leave-one-out performance, the engine's defaults equal to the fit,
//! and the `fit-interventions` command.

use geoalign::analysis::fit::{CaseTable, Codes, Fit};
use geoalign::EventParameters;
use std::path::{Path, PathBuf};
use std::process::Command;

fn table_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/interventions.csv")
}

fn rounded(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The decision's probability under a set of event parameters (docs/model.md §3.3).
fn probability(p: &EventParameters, c: &Codes) -> f64 {
    let z = p.decision_intercept + p.weight_trigger * c.trigger + p.weight_support * c.support
        - p.weight_opposition * c.opposition
        + p.weight_feasibility * c.feasibility
        - p.weight_cost * c.cost;
    1.0 / (1.0 + (-z).exp())
}

#[test]
fn defaults_are_the_fit_of_the_table_rounded_to_two_decimals() {
    // Read from disk, not the embedded copy, so that editing the file without refitting the
    // defaults fails here.
    let fit = Fit::new(&CaseTable::read(&table_path()).unwrap()).unwrap();
    let p = EventParameters::default();
    let [t, l, o, f, c] = fit.weights.map(|w| rounded(w.estimate));
    assert_eq!(p.decision_intercept, rounded(fit.intercept.estimate));
    assert_eq!(
        [
            p.weight_trigger,
            p.weight_support,
            p.weight_opposition,
            p.weight_feasibility,
            p.weight_cost
        ],
        [t, l, o, f, c]
    );
}

#[test]
fn the_embedded_table_is_the_file_on_disk() {
    let on_disk = CaseTable::read(&table_path()).unwrap();
    assert_eq!(on_disk.cases, CaseTable::shipped().cases);
}

#[test]
fn leave_one_out_beats_the_base_rate() {
    let fit = Fit::new(&CaseTable::shipped()).unwrap();
    // 23 cases, 7 interventions: the base rate is 16/23.
    assert_eq!((fit.cases, fit.interventions), (23, 7));
    assert!((fit.loo.base_rate - 16.0 / 23.0).abs() < 1e-12);
    assert!(fit.loo.accuracy > fit.loo.base_rate, "{:?}", fit.loo);
    assert!(fit.loo.log_loss < fit.loo.base_log_loss, "{:?}", fit.loo);
    // The trigger is the one weight whose interval excludes zero (docs/model.md §11).
    assert!(!fit.weights[0].spans_zero());
    assert!(fit.weights.iter().all(|w| w.estimate > 0.0));
}

#[test]
fn the_fitted_defaults_explain_the_record_better_than_equal_weights() {
    // Ablation: the first form's equal weights of 3 with β₀ = −6.5 against the fitted defaults,
    // by the log-likelihood of the 23 cases.
    let table = CaseTable::shipped();
    let equal = EventParameters {
        decision_intercept: -6.5,
        weight_trigger: 3.0,
        weight_support: 3.0,
        weight_opposition: 3.0,
        weight_feasibility: 3.0,
        weight_cost: 3.0,
        ..EventParameters::default()
    };
    let loglik = |p: &EventParameters| -> f64 {
        table
            .cases
            .iter()
            .map(|c| {
                let q = probability(p, &c.codes);
                if c.intervened {
                    q.ln()
                } else {
                    (1.0 - q).ln()
                }
            })
            .sum()
    };
    let fitted = loglik(&EventParameters::default());
    let old = loglik(&equal);
    assert!(fitted > old + 3.0, "fitted {fitted}, equal weights {old}");
}

#[test]
fn fit_interventions_prints_the_coefficients_and_the_base_rate() {
    let out = Command::new(env!("CARGO_BIN_EXE_geoalign"))
        .arg("fit-interventions")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("trigger"), "{text}");
    assert!(
        text.contains("leave-one-out accuracy 0.826 (base rate"),
        "{text}"
    );
}

#[test]
fn fit_interventions_refuses_a_table_with_a_missing_code_at_its_line() {
    let dir = std::env::temp_dir().join(format!("geoalign-fit-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("cases.csv");
    let text = std::fs::read_to_string(table_path()).unwrap().replacen(
        "kazakhstan-2022,2022,Russia,Kazakhstan,friendly,0.63,",
        "kazakhstan-2022,2022,Russia,Kazakhstan,friendly,,",
        1,
    );
    std::fs::write(&bad, text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_geoalign"))
        .args(["fit-interventions", "--table"])
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("cases.csv:17: column `trigger` is empty"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn fit_interventions_writes_its_files_atomically() {
    let dir = std::env::temp_dir().join(format!("geoalign-fit-out-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let out = Command::new(env!("CARGO_BIN_EXE_geoalign"))
        .args(["fit-interventions", "--out"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for file in [
        "interventions-fit.csv",
        "interventions-loo.csv",
        "interventions-fit.json",
        "manifest.json",
    ] {
        assert!(dir.join(file).is_file(), "{file}");
    }
    let loo = std::fs::read_to_string(dir.join("interventions-loo.csv")).unwrap();
    assert_eq!(loo.lines().count(), 24);
    let _ = std::fs::remove_dir_all(&dir);
}
