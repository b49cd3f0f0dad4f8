//! The intervention fit's files (docs/model.md §11): `interventions-fit.csv` (the intercept
//! and the five weights with their 95 % intervals, and the penalty grid with each penalty's
//! leave-one-out log-likelihood), `interventions-loo.csv` (each case's held-out probability)
//! and `interventions-fit.json` (all of it).

use super::{csv_out, io_error, write_json, OutputDir, OutputError, Staging};
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
    let mut w = csv::Writer::from_path(path).map_err(|e| io_error(path, e))?;
    let row = |w: &mut csv::Writer<std::fs::File>, r: [String; 5]| {
        w.write_record(&r).map_err(|e| io_error(path, e))
    };
    row(
        &mut w,
        ["kind", "name", "estimate", "ci_low", "ci_high"].map(String::from),
    )?;
    for c in std::iter::once(&fit.intercept).chain(&fit.weights) {
        row(
            &mut w,
            [
                "coefficient".into(),
                c.name.into(),
                c.estimate.to_string(),
                c.low.to_string(),
                c.high.to_string(),
            ],
        )?;
    }
    for (penalty, loglik) in &fit.grid {
        row(
            &mut w,
            [
                "penalty".into(),
                penalty.to_string(),
                loglik.to_string(),
                String::new(),
                String::new(),
            ],
        )?;
    }
    csv_out::finish(w, path)
}

fn loo_csv(path: &Path, fit: &Fit) -> Result<(), OutputError> {
    let mut w = csv::Writer::from_path(path).map_err(|e| io_error(path, e))?;
    w.write_record(["case", "intervened", "probability"])
        .map_err(|e| io_error(path, e))?;
    for p in &fit.loo.predictions {
        w.write_record([
            p.case.clone(),
            u8::from(p.intervened).to_string(),
            p.probability.to_string(),
        ])
        .map_err(|e| io_error(path, e))?;
    }
    csv_out::finish(w, path)
}
