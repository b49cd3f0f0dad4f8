//! The intervention decision fitted on the post-Soviet record (docs/model.md §11).
//!
//! The decision of docs/model.md §3.3 is a logistic in seed 001's (docs/sources.md) five
//! variables, `P = σ(β₀ + β_T·trigger + β_L·support − β_O·opposition + β_F·feasibility −
//! β_C·cost)`. This module fits `β` on the table of cases in `data/interventions.csv`
//! ([`CaseTable`]) by ridge-penalised maximum likelihood: Newton–Raphson on
//! `ℓ(β) − λ/2 · Σ_{j≥1} β_j²` (the intercept is not penalised), with `λ` chosen from
//! [`PENALTY_GRID`] by leave-one-out log-likelihood. Opposition and cost enter with a minus
//! sign, so the weights reported are the positive numbers the engine uses
//! (`EventParameters::weight_*`).
//!
//! Why a penalty: with about twenty cases and five variables, some combination of the codes
//! nearly separates interventions from the rest, and the unpenalised maximum-likelihood
//! weights then run off to infinity. The ridge keeps them finite and shrinks the weights the
//! data cannot tell apart toward each other and toward zero.
//!
//! ```
//! use geoalign::analysis::fit::{CaseTable, Fit};
//! let fit = Fit::new(&CaseTable::shipped()).unwrap();
//! // Leave-one-out accuracy is measured against always guessing the commoner outcome.
//! assert!(fit.loo.accuracy >= fit.loo.base_rate);
//! // The engine's defaults are this fit rounded to two decimals.
//! let p = geoalign::EventParameters::default();
//! assert_eq!(p.weight_trigger, (fit.weights[0].estimate * 100.0).round() / 100.0);
//! ```

pub mod table;

pub use table::{Case, CaseTable, Codes, Kind, TableError, MAX_CASES, MAX_TABLE_BYTES};

use crate::sim::events::decision::logistic;
use nalgebra::{SMatrix, SVector};

/// The shipped table, `data/interventions.csv`, embedded so that the defaults' test and the
/// `fit-interventions` command need no file.
pub const SHIPPED_TABLE: &str = include_str!("../../../data/interventions.csv");

/// The penalties tried, half-decades from 0.01 (barely penalised: the weights may reach tens)
/// to 30 (every weight shrunk to a fraction of one): a small grid, since twenty cases cannot
/// tell finer steps apart.
pub const PENALTY_GRID: [f64; 8] = [0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0];

/// The normal quantile of a two-sided 95 % interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// The five variables in the engine's order.
pub const VARIABLES: [&str; 5] = ["trigger", "support", "opposition", "feasibility", "cost"];

/// Newton steps before giving up; a strictly concave objective converges in about ten.
const MAX_ITERATIONS: usize = 200;

/// Convergence: the largest change of a coefficient in a step.
const TOLERANCE: f64 = 1e-10;

/// The intercept and the five weights.
type Coefficients = SVector<f64, 6>;
type Hessian = SMatrix<f64, 6, 6>;

/// One coefficient with its 95 % interval.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Coefficient {
    /// `intercept` or a variable's name.
    pub name: &'static str,
    /// The penalised estimate, in the engine's sign convention.
    pub estimate: f64,
    /// Lower end of the 95 % interval.
    pub low: f64,
    /// Upper end.
    pub high: f64,
}

impl Coefficient {
    /// Whether the interval contains zero: the data do not settle the sign.
    pub fn spans_zero(&self) -> bool {
        self.low <= 0.0 && self.high >= 0.0
    }
}

/// One case predicted from a fit on all the others.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Prediction {
    /// The case.
    pub case: String,
    /// What happened.
    pub intervened: bool,
    /// The probability of an intervention fitted without this case.
    pub probability: f64,
}

/// Leave-one-out performance at the chosen penalty, beside the base rate's.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct LeaveOneOut {
    /// Each case predicted from the others.
    pub predictions: Vec<Prediction>,
    /// Share of cases whose outcome the held-out prediction gets right (`P ≥ ½` ⇒ intervened).
    pub accuracy: f64,
    /// Share of the commoner outcome: the accuracy of always guessing it.
    pub base_rate: f64,
    /// Mean `−ln P(observed outcome)` of the held-out predictions.
    pub log_loss: f64,
    /// The same for the base rate, each case predicted by the intervention share of the others.
    pub base_log_loss: f64,
}

/// The fitted decision.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Fit {
    /// The chosen ridge penalty `λ`.
    pub penalty: f64,
    /// Each penalty of [`PENALTY_GRID`] with its leave-one-out log-likelihood.
    pub grid: Vec<(f64, f64)>,
    /// `β₀`.
    pub intercept: Coefficient,
    /// `β_T, β_L, β_O, β_F, β_C`, positive when a variable acts in the engine's direction.
    pub weights: [Coefficient; 5],
    /// Leave-one-out performance at the chosen penalty.
    pub loo: LeaveOneOut,
    /// Number of cases.
    pub cases: usize,
    /// Of which with an intervention.
    pub interventions: usize,
}

/// Why a fit failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FitError {
    /// Newton–Raphson did not settle.
    #[error("the penalised logistic fit (penalty {penalty}) did not converge in {iterations} Newton steps")]
    NoConvergence {
        /// The penalty.
        penalty: f64,
        /// Steps taken.
        iterations: usize,
    },
    /// The penalised Hessian is not positive definite (it always is for a positive penalty
    /// and finite coefficients, so this means the codes produced non-finite numbers).
    #[error("the penalised Hessian (penalty {penalty}) is not positive definite")]
    Singular {
        /// The penalty.
        penalty: f64,
    },
}

/// A case as the fit sees it: `(1, T, L, −O, F, −C)` and the outcome.
#[derive(Clone, Copy, Debug)]
struct Row {
    x: Coefficients,
    y: f64,
}

impl Row {
    fn of(case: &Case) -> Row {
        let c = &case.codes;
        Row {
            x: Coefficients::from([
                1.0,
                c.trigger,
                c.support,
                -c.opposition,
                c.feasibility,
                -c.cost,
            ]),
            y: if case.intervened { 1.0 } else { 0.0 },
        }
    }
}

impl CaseTable {
    /// The shipped table ([`SHIPPED_TABLE`]), named `data/interventions.csv`.
    ///
    /// # Panics
    ///
    /// Never for the shipped file: a test reads it, and a table that fails its checks fails
    /// that test before it can ship.
    pub fn shipped() -> CaseTable {
        CaseTable::parse(SHIPPED_TABLE.as_bytes(), "data/interventions.csv".as_ref())
            .expect("the shipped case table passes its checks (tested)")
    }
}

impl Fit {
    /// Choose the penalty by leave-one-out log-likelihood, fit every case at it, and measure
    /// leave-one-out performance.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::fit::{CaseTable, Fit};
    /// let fit = Fit::new(&CaseTable::shipped()).unwrap();
    /// assert_eq!(fit.grid.len(), geoalign::analysis::fit::PENALTY_GRID.len());
    /// assert!(fit.weights.iter().all(|w| w.low < w.estimate && w.estimate < w.high));
    /// ```
    pub fn new(table: &CaseTable) -> Result<Fit, FitError> {
        let rows: Vec<Row> = table.cases.iter().map(Row::of).collect();
        let mut grid = Vec::with_capacity(PENALTY_GRID.len());
        let mut best: Option<(f64, f64)> = None;
        for &penalty in &PENALTY_GRID {
            let held_out = leave_one_out(&rows, penalty)?;
            let loglik: f64 = rows
                .iter()
                .zip(&held_out)
                .map(|(r, &p)| ln_prob(r.y, p))
                .sum();
            grid.push((penalty, loglik));
            // Ties go to the smaller penalty, the one that shrinks less.
            if best.is_none_or(|(_, b)| loglik > b) {
                best = Some((penalty, loglik));
            }
        }
        let penalty = best.map_or(PENALTY_GRID[0], |(p, _)| p);
        let (beta, hessian) = newton(&rows, penalty)?;
        let covariance = hessian
            .cholesky()
            .ok_or(FitError::Singular { penalty })?
            .inverse();
        let coefficient = |j: usize, name: &'static str| {
            let half = Z95 * covariance[(j, j)].sqrt();
            Coefficient {
                name,
                estimate: beta[j],
                low: beta[j] - half,
                high: beta[j] + half,
            }
        };
        let weights = std::array::from_fn(|k| coefficient(k + 1, VARIABLES[k]));
        let held_out = leave_one_out(&rows, penalty)?;
        Ok(Fit {
            penalty,
            grid,
            intercept: coefficient(0, "intercept"),
            weights,
            loo: performance(table, &rows, held_out),
            cases: rows.len(),
            interventions: table.cases.iter().filter(|c| c.intervened).count(),
        })
    }

    /// The probability of an intervention for five codes under this fit.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::fit::{CaseTable, Codes, Fit};
    /// let fit = Fit::new(&CaseTable::shipped()).unwrap();
    /// let all_favourable = Codes { trigger: 1.0, support: 1.0, opposition: 0.0, feasibility: 1.0, cost: 0.0 };
    /// let none = Codes { trigger: 0.0, support: 0.0, opposition: 1.0, feasibility: 0.0, cost: 1.0 };
    /// assert!(fit.probability(&all_favourable) > fit.probability(&none));
    /// ```
    pub fn probability(&self, codes: &Codes) -> f64 {
        let w = |k: usize| self.weights[k].estimate;
        logistic(
            self.intercept.estimate + w(0) * codes.trigger + w(1) * codes.support
                - w(2) * codes.opposition
                + w(3) * codes.feasibility
                - w(4) * codes.cost,
        )
    }
}

/// Each row predicted from a fit on the others.
fn leave_one_out(rows: &[Row], penalty: f64) -> Result<Vec<f64>, FitError> {
    let mut others = Vec::with_capacity(rows.len().saturating_sub(1));
    let mut held_out = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        others.clear();
        others.extend(
            rows.iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, r)| *r),
        );
        let (beta, _) = newton(&others, penalty)?;
        held_out.push(logistic(beta.dot(&row.x)));
    }
    Ok(held_out)
}

fn performance(table: &CaseTable, rows: &[Row], held_out: Vec<f64>) -> LeaveOneOut {
    let n = rows.len() as f64;
    let yes: f64 = rows.iter().map(|r| r.y).sum();
    let correct = rows
        .iter()
        .zip(&held_out)
        .filter(|(r, &p)| (p >= 0.5) == (r.y == 1.0))
        .count();
    let log_loss = -rows
        .iter()
        .zip(&held_out)
        .map(|(r, &p)| ln_prob(r.y, p))
        .sum::<f64>()
        / n;
    // The base rate held out too: each case predicted by the share among the others.
    let base_log_loss = -rows
        .iter()
        .map(|r| ln_prob(r.y, (yes - r.y) / (n - 1.0)))
        .sum::<f64>()
        / n;
    let predictions = table
        .cases
        .iter()
        .zip(held_out)
        .map(|(c, probability)| Prediction {
            case: c.name.clone(),
            intervened: c.intervened,
            probability,
        })
        .collect();
    LeaveOneOut {
        predictions,
        accuracy: correct as f64 / n,
        base_rate: (yes / n).max(1.0 - yes / n),
        log_loss,
        base_log_loss,
    }
}

/// `ln P(y)` for a prediction `p` of `y = 1`.
fn ln_prob(y: f64, p: f64) -> f64 {
    if y == 1.0 {
        p.ln()
    } else {
        (1.0 - p).ln()
    }
}

/// `ln(1 + eᶻ)` without overflow.
fn softplus(z: f64) -> f64 {
    z.max(0.0) + (-z.abs()).exp().ln_1p()
}

/// The penalised log-likelihood `Σ [y z − ln(1 + eᶻ)] − λ/2 Σ_{j≥1} β_j²`.
fn objective(rows: &[Row], beta: &Coefficients, penalty: f64) -> f64 {
    let fit: f64 = rows
        .iter()
        .map(|r| {
            let z = beta.dot(&r.x);
            r.y * z - softplus(z)
        })
        .sum();
    let ridge: f64 = beta.iter().skip(1).map(|b| b * b).sum();
    fit - 0.5 * penalty * ridge
}

/// Maximise the penalised log-likelihood by Newton–Raphson, halving a step that does not
/// raise it (the objective is strictly concave, so a halved Newton step always does, and the
/// halving only guards the first steps from far away). Returns the estimate and the
/// penalised Hessian (the negative second derivative) at it.
fn newton(rows: &[Row], penalty: f64) -> Result<(Coefficients, Hessian), FitError> {
    let mut ridge = Hessian::identity() * penalty;
    ridge[(0, 0)] = 0.0;
    let mut beta = Coefficients::zeros();
    let mut value = objective(rows, &beta, penalty);
    for _ in 0..MAX_ITERATIONS {
        let mut gradient = -(ridge * beta);
        let mut hessian = ridge;
        for r in rows {
            let p = logistic(beta.dot(&r.x));
            gradient += r.x * (r.y - p);
            hessian += r.x * r.x.transpose() * (p * (1.0 - p));
        }
        let step = hessian
            .cholesky()
            .ok_or(FitError::Singular { penalty })?
            .solve(&gradient);
        let mut scale = 1.0;
        let mut next = beta + step;
        let mut next_value = objective(rows, &next, penalty);
        while next_value < value && scale > 1e-6 {
            scale *= 0.5;
            next = beta + step * scale;
            next_value = objective(rows, &next, penalty);
        }
        let change = (next - beta).amax();
        beta = next;
        value = next_value;
        if change < TOLERANCE {
            return Ok((beta, hessian_at(rows, &beta, &ridge)));
        }
    }
    Err(FitError::NoConvergence {
        penalty,
        iterations: MAX_ITERATIONS,
    })
}

fn hessian_at(rows: &[Row], beta: &Coefficients, ridge: &Hessian) -> Hessian {
    let mut hessian = *ridge;
    for r in rows {
        let p = logistic(beta.dot(&r.x));
        hessian += r.x * r.x.transpose() * (p * (1.0 - p));
    }
    hessian
}

#[cfg(test)]
mod tests;
