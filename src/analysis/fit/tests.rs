//! Unit tests of the fit: the optimum's score equations and the refusals of bad tables.

use super::*;
use std::path::Path;

const HEADER: &str =
    "case,year,power,state,kind,trigger,support,opposition,feasibility,cost,intervened\n";

fn parse(rows: &str) -> Result<CaseTable, TableError> {
    CaseTable::parse(format!("{HEADER}{rows}").as_bytes(), Path::new("t.csv"))
}

const GOOD: &str = "a,2000,Russia,X,friendly,1,1,0,1,0,1\n\
                    b,2001,Russia,Y,hostile,0.2,0,1,0.3,0.5,0\n\
                    c,2002,Russia,Z,hostile,0.6,0.4,0.5,0.5,0.5,1\n\
                    d,2003,Russia,W,friendly,0.1,1,0.2,0.4,0.2,0\n";

#[test]
fn shipped_table_passes_its_checks() {
    let table = CaseTable::shipped();
    assert!(table.cases.len() >= 10);
    assert!(table.cases.iter().all(|c| c.power == "Russia"));
}

#[test]
fn intercept_alone_is_the_log_odds_of_the_rate() {
    // All codes zero: only β₀ moves the fit, unpenalised, so it is logit(3/4) exactly.
    let rows: Vec<Row> = [1.0, 1.0, 1.0, 0.0]
        .iter()
        .map(|&y| Row {
            x: Coefficients::from([1.0, 0.0, 0.0, 0.0, 0.0, 0.0]),
            y,
        })
        .collect();
    let (beta, _) = newton(&rows, 1.0).unwrap();
    assert!((beta[0] - 3.0_f64.ln()).abs() < 1e-9, "{}", beta[0]);
}

#[test]
fn penalised_score_equations_hold_at_the_optimum() {
    let table = CaseTable::shipped();
    let rows: Vec<Row> = table.cases.iter().map(Row::of).collect();
    for penalty in [0.1, 1.0, 10.0] {
        let (beta, _) = newton(&rows, penalty).unwrap();
        // Xᵀ(y − p) = λ β on the weights, and = 0 on the intercept.
        let mut score = Coefficients::zeros();
        for r in &rows {
            score += r.x * (r.y - logistic(beta.dot(&r.x)));
        }
        assert!(score[0].abs() < 1e-8);
        for j in 1..6 {
            assert!((score[j] - penalty * beta[j]).abs() < 1e-8, "{j}");
        }
    }
}

#[test]
fn a_larger_penalty_shrinks_the_weights() {
    let rows: Vec<Row> = CaseTable::shipped().cases.iter().map(Row::of).collect();
    let norm = |penalty| {
        let (beta, _) = newton(&rows, penalty).unwrap();
        beta.iter().skip(1).map(|b| b * b).sum::<f64>()
    };
    assert!(norm(0.1) > norm(1.0) && norm(1.0) > norm(10.0));
}

#[test]
fn a_small_table_fits() {
    let table = parse(GOOD).unwrap();
    assert_eq!(table.cases.len(), 4);
    let fit = Fit::new(&table).unwrap();
    assert_eq!(fit.loo.predictions.len(), 4);
    assert_eq!(fit.loo.base_rate, 0.5);
}

#[test]
fn an_empty_code_names_file_line_and_column() {
    let err = parse(&GOOD.replace("0.6,0.4,0.5", "0.6,,0.5")).unwrap_err();
    assert!(matches!(
        err,
        TableError::MissingCode {
            line: 4,
            column: "support",
            ..
        }
    ));
    assert_eq!(
        err.to_string(),
        "t.csv:4: column `support` is empty; every case needs every code"
    );
}

#[test]
fn a_code_outside_the_unit_interval_is_refused() {
    let err = parse(&GOOD.replace("0.2,0,1,0.3", "0.2,0,1.5,0.3")).unwrap_err();
    assert!(matches!(
        err,
        TableError::OutOfRange {
            line: 3,
            column: "opposition",
            value,
            ..
        } if value == 1.5
    ));
    let err = parse(&GOOD.replace("0.2,0,1,0.3", "0.2,0,NaN,0.3")).unwrap_err();
    assert!(matches!(err, TableError::OutOfRange { line: 3, .. }));
    let err = parse(&GOOD.replace("0.2,0,1,0.3", "0.2,0,high,0.3")).unwrap_err();
    assert!(err
        .to_string()
        .contains("t.csv:3: column `opposition`: `high` is not a number"));
}

#[test]
fn an_unknown_kind_is_refused() {
    let err = parse(&GOOD.replace("Z,hostile", "Z,neutral")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "t.csv:4: column `kind`: `neutral` is not `friendly` or `hostile`"
    );
}

#[test]
fn an_outcome_other_than_zero_or_one_is_refused() {
    let err = parse(&GOOD.replace("0.4,0.2,0\n", "0.4,0.2,yes\n")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "t.csv:5: column `intervened`: `yes` is not 0 or 1"
    );
}

#[test]
fn a_duplicated_case_names_both_lines() {
    let err = parse(&GOOD.replace("d,2003", "a,2003")).unwrap_err();
    assert_eq!(err.to_string(), "t.csv:5: case `a` is already on line 2");
}

#[test]
fn a_missing_column_is_named() {
    let text = HEADER.replace(",cost", "") + "a,2000,Russia,X,friendly,1,1,0,1,1\n";
    let err = CaseTable::parse(text.as_bytes(), Path::new("t.csv")).unwrap_err();
    assert_eq!(err.to_string(), "t.csv:1: missing column `cost`");
}

#[test]
fn a_table_with_one_outcome_has_nothing_to_fit() {
    let err = parse(&GOOD.replace(",0\n", ",1\n")).unwrap_err();
    assert!(matches!(
        err,
        TableError::NothingToFit {
            cases: 4,
            interventions: 4,
            ..
        }
    ));
}

#[test]
fn a_ragged_row_is_a_located_csv_error() {
    let err = parse(&GOOD.replace("d,2003,Russia,W,", "d,2003,Russia,")).unwrap_err();
    assert!(matches!(err, TableError::Csv { line: 5, .. }), "{err}");
}
