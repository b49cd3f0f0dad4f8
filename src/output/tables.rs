//! The CSV tables of a summary, a paired comparison or a traced run as text in memory, each
//! with the file name the command line writes it under: the same writers, the same bytes as
//! the files of [`super::write_summary`], [`super::write_comparison`] and
//! [`super::OutputDir::write_trace`], for a caller that loads them into a data frame rather
//! than a directory (the Python package does).
//!
//! ```
//! use geoalign::analysis::ensemble::Ensemble;
//! let summary = Ensemble::new(geoalign::presets::eurasia_2025(), 3).run().unwrap();
//! let tables = geoalign::output::tables::summary_tables(&summary).unwrap();
//! let (name, text) = &tables[0];
//! assert_eq!(name, "alignment.csv");
//! assert!(text.starts_with("scenario,step,date,state,power,mean,sd,"));
//! ```

use super::csv_out::{self, Dest};
use super::{compare, io_error, trace, OutputError};
use crate::analysis::compare::PairedSummary;
use crate::analysis::ensemble::Summary;
use crate::sim::Trajectory;
use crate::Scenario;
use std::path::Path;

/// A table's file name and its CSV text, header first.
pub type CsvText = (String, String);

/// The text `write` gives a table named `name`.
fn table<T>(
    name: &str,
    write: impl FnOnce(Dest<'_>) -> Result<T, OutputError>,
) -> Result<CsvText, OutputError> {
    let mut bytes = Vec::new();
    write(Dest::Memory(Path::new(name), &mut bytes))?;
    let text = String::from_utf8(bytes).map_err(|e| io_error(Path::new(name), e))?;
    Ok((name.to_string(), text))
}

/// The CSV tables [`super::write_summary`] writes for `summary`, in its order and under its
/// conditions: `alignment.csv`, `institutions.csv`, `similarity.csv` (when computed),
/// `outcomes.csv`, `powers.csv` and `punishments.csv` (when a power acts),
/// `event-frequencies.csv` (when some event fired), `outcomes-over-time.csv` (when an outcome
/// keeps a series).
///
/// # Errors
///
/// [`OutputError::Inconsistent`] for a summary that fails [`Summary::verify`].
///
/// # Examples
///
/// ```
/// use geoalign::analysis::ensemble::Ensemble;
/// let summary = Ensemble::new(geoalign::presets::eurasia_2025(), 2).run().unwrap();
/// let tables = geoalign::output::tables::summary_tables(&summary).unwrap();
/// assert!(tables.iter().any(|(name, _)| name == "outcomes.csv"));
/// ```
pub fn summary_tables(summary: &Summary) -> Result<Vec<CsvText>, OutputError> {
    summary.verify().map_err(OutputError::Inconsistent)?;
    let s = summary;
    let mut tables = vec![
        table("alignment.csv", |d| csv_out::alignment(d, s))?,
        table("institutions.csv", |d| csv_out::institutions(d, s))?,
    ];
    if s.similarity_computed {
        tables.push(table("similarity.csv", |d| csv_out::similarity(d, s))?);
    }
    tables.push(table("outcomes.csv", |d| csv_out::outcomes(d, &[s]))?);
    if s.acting_pairs().next().is_some() {
        tables.push(table("powers.csv", |d| csv_out::powers(d, s))?);
        tables.push(table("punishments.csv", |d| csv_out::punishments(d, s))?);
    }
    if !s.event_cells().is_empty() {
        tables.push(table("event-frequencies.csv", |d| {
            csv_out::event_frequencies(d, s)
        })?);
    }
    if s.outcomes.iter().any(|o| !o.over_time.is_empty()) {
        tables.push(table("outcomes-over-time.csv", |d| {
            csv_out::outcomes_over_time(d, s)
        })?);
    }
    Ok(tables)
}

/// The CSV tables [`super::write_comparison`] writes for `paired`: `difference.csv`,
/// `institutions-difference.csv` and `outcomes-difference.csv`.
///
/// # Errors
///
/// [`OutputError::Io`] naming `comparison` for a paired summary that fails its own check.
///
/// # Examples
///
/// ```
/// use geoalign::analysis::compare::Comparison;
/// let base = geoalign::presets::eurasia_2025();
/// let alt = geoalign::presets::csto_futures()[0].clone();
/// let paired = Comparison::new(base, alt, 2).unwrap().run().unwrap();
/// let tables = geoalign::output::tables::comparison_tables(&paired).unwrap();
/// assert_eq!(tables[0].0, "difference.csv");
/// assert!(tables[0].1.starts_with("state,component,date,step,mean_difference,"));
/// ```
pub fn comparison_tables(paired: &PairedSummary) -> Result<Vec<CsvText>, OutputError> {
    paired
        .verify()
        .map_err(|e| io_error(Path::new("comparison"), format!("inconsistent: {e}")))?;
    Ok(vec![
        table("difference.csv", |d| compare::difference_csv(d, paired))?,
        table("institutions-difference.csv", |d| {
            compare::institutions_csv(d, paired)
        })?,
        table("outcomes-difference.csv", |d| {
            compare::outcomes_csv(d, paired)
        })?,
    ])
}

/// The CSV tables of [`super::OutputDir::write_trace`] for one traced run of `scenario`:
/// `events.csv` and `trajectory.csv`.
///
/// # Errors
///
/// None in practice: writing to memory cannot fail; the result keeps the writers' type.
///
/// # Examples
///
/// ```
/// use geoalign::Simulation;
/// let sim = Simulation::new(geoalign::presets::eurasia_2025());
/// let run = sim.trajectory(0).unwrap();
/// let tables = geoalign::output::tables::trace_tables(sim.scenario(), &run).unwrap();
/// assert_eq!(tables[0].0, "events.csv");
/// assert!(tables[1].1.starts_with("scenario,run,step,date,state,component,share\n"));
/// ```
pub fn trace_tables(scenario: &Scenario, run: &Trajectory) -> Result<Vec<CsvText>, OutputError> {
    Ok(vec![
        table("events.csv", |d| trace::events(d, scenario, run))?,
        table("trajectory.csv", |d| trace::trajectory(d, scenario, run))?,
    ])
}
