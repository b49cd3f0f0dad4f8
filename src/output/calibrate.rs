//! The files of a calibration ([`crate::analysis::calibrate`], docs/model.md §13):
//!
//! * `posterior.csv`: the posterior sample, one row per particle with its weight (the file
//!   `run --posterior` reads);
//! * `intervals.csv`: per parameter its prior, posterior mean, median and 90 % interval;
//! * `generations.csv`: per ABC-SMC generation its tolerance, simulations and acceptance;
//! * `predictive.csv`: per target the observation, the window it belongs to and the
//!   posterior predictive mean and 5/50/95 % quantiles;
//! * `skill.csv`: the skill table against the two null models;
//! * `calibration.json`: all of it, with the settings;
//! * `charts/STATE-QUANTITY.svg`: per state and quantity the observations against the
//!   posterior predictive bands, the fitted years shaded apart from the held-out ones.

use super::csv_out::Table;
use super::svg::{
    colour, draw_series, fitted, frame, legend, time_axes, Series, Swatch, SIDE, SIZE,
};
use super::{io_error, write_json, OutputDir, OutputError, Staging};
use crate::analysis::calibrate::{Calibrated, Quantity};
use plotters::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

impl OutputDir {
    /// Write the calibration's files into this directory, atomically with a manifest.
    pub fn write_calibration(&self, c: &Calibrated) -> Result<Vec<PathBuf>, OutputError> {
        self.stage()?.write_calibration(c)
    }
}

impl Staging {
    /// Write the calibration's files and put them into place.
    pub fn write_calibration(mut self, c: &Calibrated) -> Result<Vec<PathBuf>, OutputError> {
        calibration_files(&mut self, c).map_err(|e| self.unchanged(e))?;
        self.commit()
    }
}

#[derive(serde::Serialize)]
struct Json<'a> {
    scenario: &'a str,
    fingerprint: String,
    fit: (i32, i32),
    validate: (i32, i32),
    runs: u64,
    simulations: u64,
    stop: crate::analysis::calibrate::StopReason,
    intervals: &'a [crate::analysis::calibrate::Interval],
    generations: &'a [crate::analysis::calibrate::GenerationStats],
    skill: &'a [crate::analysis::calibrate::SkillRow],
    warnings: &'a [String],
}

fn calibration_files(out: &mut Staging, c: &Calibrated) -> Result<(), OutputError> {
    posterior_csv(&out.file("posterior.csv")?, c)?;
    intervals_csv(&out.file("intervals.csv")?, c)?;
    generations_csv(&out.file("generations.csv")?, c)?;
    predictive_csv(&out.file("predictive.csv")?, c)?;
    skill_csv(&out.file("skill.csv")?, c)?;
    write_json(
        &out.file("calibration.json")?,
        &Json {
            scenario: &c.scenario,
            fingerprint: format!("{:016x}", c.fingerprint),
            fit: c.fit,
            validate: c.validate,
            runs: c.runs,
            simulations: c.abc.simulations,
            stop: c.abc.stop,
            intervals: &c.intervals,
            generations: &c.abc.generations,
            skill: &c.skill,
            warnings: &c.warnings,
        },
    )?;
    for (name, svg) in charts(c)? {
        let path = out.file(format!("charts/{name}.svg"))?;
        super::write_atomic(&path, svg.as_bytes())?;
    }
    Ok(())
}

fn posterior_csv(path: &Path, c: &Calibrated) -> Result<(), OutputError> {
    let posterior = crate::analysis::posterior::Posterior::new(
        c.scenario.clone(),
        c.fingerprint,
        c.params.iter().map(|p| p.key.clone()).collect(),
        c.weights.clone(),
        c.samples.clone(),
    )
    .map_err(|e| io_error(path, e))?;
    posterior.write(path)
}

fn intervals_csv(path: &Path, c: &Calibrated) -> Result<(), OutputError> {
    let mut t = Table::create(
        path,
        &["key"],
        &["prior_low", "prior_high", "mean", "q05", "q50", "q95"],
    )?;
    for i in &c.intervals {
        t.row([
            i.key.clone(),
            i.prior.0.to_string(),
            i.prior.1.to_string(),
            i.mean.to_string(),
            i.q05.to_string(),
            i.q50.to_string(),
            i.q95.to_string(),
        ])?;
    }
    t.finish().map(drop)
}

fn generations_csv(path: &Path, c: &Calibrated) -> Result<(), OutputError> {
    let mut t = Table::create(
        path,
        &["generation"],
        &[
            "tolerance",
            "simulated",
            "outside_prior",
            "accepted",
            "acceptance",
            "ess",
            "median_distance",
        ],
    )?;
    for g in &c.abc.generations {
        t.row([
            g.generation.to_string(),
            g.tolerance.to_string(),
            g.simulated.to_string(),
            g.outside.to_string(),
            g.accepted.to_string(),
            (g.accepted as f64 / g.simulated.max(1) as f64).to_string(),
            g.ess.to_string(),
            g.median_distance.to_string(),
        ])?;
    }
    t.finish().map(drop)
}

fn window(c: &Calibrated, year: i32) -> &'static str {
    if (c.fit.0..=c.fit.1).contains(&year) {
        "fit"
    } else {
        "validate"
    }
}

fn predictive_csv(path: &Path, c: &Calibrated) -> Result<(), OutputError> {
    let mut t = Table::create(
        path,
        &["state", "quantity", "partner", "year"],
        &[
            "window",
            "observed",
            "verified",
            "mean",
            "q05",
            "q50",
            "q95",
            "observed_q05",
            "observed_q95",
            "covered",
            "source_line",
        ],
    )?;
    for (b, band) in c.targets.iter().zip(&c.bands) {
        let x = &b.target;
        t.row([
            x.state.clone(),
            x.quantity.name().to_string(),
            x.partner.clone(),
            x.year.to_string(),
            window(c, x.year).to_string(),
            x.value.to_string(),
            if x.verified { "yes" } else { "no" }.to_string(),
            band.mean.to_string(),
            band.q05.to_string(),
            band.q50.to_string(),
            band.q95.to_string(),
            band.observed_q05.to_string(),
            band.observed_q95.to_string(),
            u8::from(band.covered).to_string(),
            format!("{}:{}", x.file.display(), x.line),
        ])?;
    }
    t.finish().map(drop)
}

fn skill_csv(path: &Path, c: &Calibrated) -> Result<(), OutputError> {
    let mut t = Table::create(
        path,
        &["quantity"],
        &[
            "observations",
            "error_model",
            "error_frozen",
            "error_trend",
            "skill_vs_frozen",
            "skill_vs_trend",
            "error_model_fitted_years",
            "coverage_90",
        ],
    )?;
    for r in &c.skill {
        t.row([
            r.quantity.clone(),
            r.observations.to_string(),
            r.model.to_string(),
            r.frozen.to_string(),
            r.trend.to_string(),
            r.skill_frozen.to_string(),
            r.skill_trend.to_string(),
            r.model_fitted.to_string(),
            r.coverage.to_string(),
        ])?;
    }
    t.finish().map(drop)
}

/// One chart per state and quantity: per partner the posterior predictive mean (line) and
/// 5–95 % band, and the observations as dots of the same colour; a grey rule at the end of
/// the fitted years.
fn charts(c: &Calibrated) -> Result<Vec<(String, String)>, OutputError> {
    let mut groups: BTreeMap<(String, Quantity), Vec<usize>> = BTreeMap::new();
    for (i, b) in c.targets.iter().enumerate() {
        groups
            .entry((b.target.state.clone(), b.target.quantity))
            .or_default()
            .push(i);
    }
    let mut out = Vec::new();
    for ((state, quantity), rows) in groups {
        let name = format!(
            "{}-{}",
            state.to_lowercase(),
            quantity.name().replace('_', "-")
        );
        let path = PathBuf::from(format!("charts/{name}.svg"));
        let mut partners: Vec<String> = Vec::new();
        for &i in &rows {
            let p = &c.targets[i].target.partner;
            if !partners.contains(p) {
                partners.push(p.clone());
            }
        }
        let mut series = Vec::new();
        let mut dots = Vec::new();
        for (k, partner) in partners.iter().enumerate() {
            let col = colour(k, partners.len().max(8) + 1);
            let mut points: Vec<(f64, f64, f64, f64)> = Vec::new();
            for &i in rows
                .iter()
                .filter(|&&i| &c.targets[i].target.partner == partner)
            {
                let t = &c.targets[i].target;
                let b = &c.bands[i];
                let x = f64::from(t.year) + 0.5;
                points.push((x, b.mean, b.q05, b.q95));
                dots.push((x, t.value, col));
            }
            points.sort_by(|a, b| a.0.total_cmp(&b.0));
            series.push(Series {
                name: partner.clone(),
                colour: col,
                points,
            });
        }
        let (lo, hi) = series
            .iter()
            .flat_map(|s| &s.points)
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
                (lo.min(p.2), hi.max(p.3))
            });
        let (lo, hi) = dots
            .iter()
            .fold((lo, hi), |(lo, hi), d| (lo.min(d.1), hi.max(d.1)));
        let y = fitted(lo, hi, 0.10, (0.0, 1.02));
        let years = f64::from(c.fit.0)..f64::from(c.validate.1) + 1.0;
        let err = |e: String| io_error(&path, format!("cannot draw the chart: {e}"));
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
            let body = frame(
                &path,
                &root,
                &format!(
                    "{state}: {} — data and posterior predictive",
                    label(quantity)
                ),
                &format!(
                    "Scenario \"{}\"; fitted {}-{}, held out {}-{}",
                    c.scenario, c.fit.0, c.fit.1, c.validate.0, c.validate.1
                ),
            )?;
            let (plot, side) = body.split_horizontally(SIZE.0 - SIDE);
            let mut chart = time_axes(&path, &plot, years, y.clone(), label(quantity), false, 11)?;
            let edge = f64::from(c.fit.1) + 1.0;
            chart
                .draw_series(LineSeries::new(
                    [(edge, y.start), (edge, y.end)],
                    BLACK.mix(0.5).stroke_width(1),
                ))
                .map_err(|e| err(e.to_string()))?;
            draw_series(&path, &mut chart, &series)?;
            chart
                .draw_series(
                    dots.iter().map(|&(x, v, col)| {
                        Circle::new((x, v), 5, ShapeStyle::from(&col).filled())
                    }),
                )
                .map_err(|e| err(e.to_string()))?;
            chart
                .draw_series(
                    dots.iter()
                        .map(|&(x, v, _)| Circle::new((x, v), 5, BLACK.stroke_width(1))),
                )
                .map_err(|e| err(e.to_string()))?;
            let items: Vec<(String, RGBAColor)> = series
                .iter()
                .map(|s| (s.name.clone(), s.colour.to_rgba()))
                .collect();
            let notes = vec![
                "Dots: observations (data/history). Line: posterior predictive mean; band: 5-95 % of draws.".to_string(),
                format!("The grey rule ends the fitted years; what lies right of it was held out."),
            ];
            legend(&path, &side, &items, Swatch::Line, &notes)?;
            root.present().map_err(|e| err(e.to_string()))?;
        }
        out.push((name, svg));
    }
    Ok(out)
}

fn label(q: Quantity) -> &'static str {
    match q {
        Quantity::TradeShare => "share of goods trade",
        Quantity::RemittancesGdp => "remittances, share of GDP",
        Quantity::RemittancesFrom => "share of remittances",
        Quantity::MigrantsIn => "share of labour migrants",
        Quantity::Participation => "takes part (1) or not (0)",
    }
}
