//! The intervention fit's files (docs/model.md §11): `interventions-fit.csv` (the intercept
//! and the five weights with their 95 % intervals, and the penalty grid with each penalty's
//! leave-one-out log-likelihood), `interventions-loo.csv` (each case's held-out probability)
//! and `interventions-fit.json` (all of it).

use super::csv_out::Table;
use super::{write_json, OutputDir, OutputError, Staging};
use crate::analysis::fit::Fit;
use std::path::{Path, PathBuf};

impl OutputDir {
    /// Write the fit's files into this directory, atomically with a manifest.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::fit::{CaseTable, Fit};
    /// use geoalign::output::OutputDir;
    /// let fit = Fit::new(&CaseTable::shipped()).unwrap();
    /// let dir = std::env::temp_dir().join(format!("geoalign-doc-fit-{}", std::process::id()));
    /// # let _ = std::fs::remove_dir_all(&dir);
    /// OutputDir::new(&dir).write_intervention_fit(&fit).unwrap();
    /// assert!(dir.join("interventions-loo.csv").is_file());
    /// ```
    pub fn write_intervention_fit(&self, fit: &Fit) -> Result<Vec<PathBuf>, OutputError> {
        self.stage()?.write_intervention_fit(fit)
    }
}

impl Staging {
    /// Write the fit's files and put them into place.
    pub fn write_intervention_fit(mut self, fit: &Fit) -> Result<Vec<PathBuf>, OutputError> {
        fit_files(&mut self, fit).map_err(|e| self.unchanged(e))?;
        self.commit()
    }
}

fn fit_files(out: &mut Staging, fit: &Fit) -> Result<(), OutputError> {
    coefficients_csv(&out.file("interventions-fit.csv")?, fit)?;
    loo_csv(&out.file("interventions-loo.csv")?, fit)?;
    write_json(&out.file("interventions-fit.json")?, fit)
}

/// One row per coefficient (`kind` = `coefficient`) and per penalty tried (`kind` =
/// `penalty`, its leave-one-out log-likelihood in `estimate`).
fn coefficients_csv(path: &Path, fit: &Fit) -> Result<(), OutputError> {
    let mut t = Table::create(path, &["kind", "name"], &["estimate", "ci_low", "ci_high"])?;
    for c in std::iter::once(&fit.intercept).chain(&fit.weights) {
        t.row([
            String::from("coefficient"),
            c.name.into(),
            c.estimate.to_string(),
            c.low.to_string(),
            c.high.to_string(),
        ])?;
    }
    for (penalty, loglik) in &fit.grid {
        t.row([
            "penalty".into(),
            penalty.to_string(),
            loglik.to_string(),
            String::new(),
            String::new(),
        ])?;
    }
    t.finish().map(drop)
}

fn loo_csv(path: &Path, fit: &Fit) -> Result<(), OutputError> {
    let mut t = Table::create(path, &["case"], &["intervened", "probability"])?;
    for p in &fit.loo.predictions {
        t.row([
            p.case.clone(),
            u8::from(p.intervened).to_string(),
            p.probability.to_string(),
        ])?;
    }
    t.finish().map(drop)
}
