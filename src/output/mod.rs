//! Writing ensemble summaries for people and for other tools: tidy CSV that loads straight
//! into pandas or R, a JSON summary with provenance, SVG charts, and the JSON partials that
//! shards exchange. This module depends on the core; the core never depends on it.
//!
//! Files written by [`write_summary`] into a directory:
//!
//! | file | content |
//! |---|---|
//! | `alignment.csv` | one row per step × state × component (power or `autonomy`): mean, sd, q05…q95 |
//! | `institutions.csv` | one row per step × institution × measure (`cohesion`, `credibility`) |
//! | `similarity.csv` | one row per ordered pair of states: Signorino–Ritter S of their alignments at the horizon (mean, sd, q05…q95) |
//! | `outcomes.csv` | one row per category of each outcome (`kind` = the outcome's name; the CSTO futures keep `csto_future` and `CSTO`), and per institution member P(suspended) and P(exited), with Wilson 95 % intervals |
//! | `summary.json` | provenance (scenario, seed, crate version, runs, fingerprint) and the horizon's statistics and outcomes (the CSTO futures under `futures`, any other outcome under `outcomes`) |
//! | `alignment-<state>.svg` | the state's mean alignment over time as stacked shares, with the 5–95 % band of each share |
//!
//! [`write_futures`] writes one such directory per future plus `futures.csv`, `futures.json`
//! and `futures.svg` (the 3 × 3 table as grouped bars with their intervals).

mod csv_out;
pub mod partial;
mod svg;

use crate::analysis::ensemble::{EnsembleError, Summary};
use crate::analysis::sensitivity::{Indices, Report};
use crate::files::ReadError;
use std::path::{Path, PathBuf};

pub use partial::{merge_partials, partial_files, read_partial};
pub use svg::{alignment_chart, futures_chart, outcome_chart};

/// A failure to write or read an output file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OutputError {
    /// A file or directory could not be written or read.
    #[error("{path}: {reason}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// A partial summary file is not one `geoalign run --shard` wrote.
    #[error("{path}: not a geoalign partial summary: {reason}")]
    BadPartial {
        /// The file.
        path: PathBuf,
        /// Why not.
        reason: String,
    },
    /// A partial summary file was changed after it was written, or is inconsistent in
    /// itself (see [`partial`]).
    #[error("{path}: a corrupted or edited partial summary, refused: `{field}`: {reason}")]
    CorruptPartial {
        /// The file.
        path: PathBuf,
        /// Where in it: a header field or a JSON path into the summary.
        field: String,
        /// What is wrong.
        reason: String,
    },
    /// A partial does not belong with the others of a merge.
    #[error("{path}: {source}")]
    Merge {
        /// The file.
        path: PathBuf,
        /// Why it cannot be merged.
        source: EnsembleError,
    },
    /// A summary to write is inconsistent in itself ([`Summary::verify`]): it was not made
    /// by an ensemble, or was changed since.
    #[error("the summary to write is inconsistent: {0}")]
    Inconsistent(EnsembleError),
    /// A merge was given no partial.
    #[error("no partial-*.json files found in the inputs")]
    NoPartials,
    /// An input file is not a regular file, too large, or unreadable.
    #[error(transparent)]
    Read(#[from] ReadError),
}

pub(crate) fn io_error(path: &Path, e: impl std::fmt::Display) -> OutputError {
    OutputError::Io {
        path: path.to_path_buf(),
        reason: e.to_string(),
    }
}

fn create_dir(dir: &Path) -> Result<(), OutputError> {
    std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))
}

fn write_json<T: serde::Serialize>(path: &Path, value: &T) -> Result<(), OutputError> {
    let text = serde_json::to_string_pretty(value).map_err(|e| io_error(path, e))?;
    std::fs::write(path, text).map_err(|e| io_error(path, e))
}

/// A file-name-safe form of `name` (letters, digits and `-`).
fn slug(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    s.trim_matches('-').to_string()
}

/// Write the CSV, JSON and SVG files of `summary` into `dir` (created if missing); returns
/// the files written.
///
/// # Examples
///
/// ```
/// use geoalign::analysis::ensemble::Ensemble;
/// let summary = Ensemble::new(geoalign::presets::eurasia_2025(), 3).run().unwrap();
/// let dir = std::env::temp_dir().join(format!("geoalign-doc-write-summary-{}", std::process::id()));
/// let files = geoalign::output::write_summary(&dir, &summary).unwrap();
/// assert!(files.iter().any(|f| f.ends_with("alignment.csv")));
/// ```
pub fn write_summary(dir: &Path, summary: &Summary) -> Result<Vec<PathBuf>, OutputError> {
    // Before anything is written: a corrupted summary may claim a horizon of 2³² steps.
    summary.verify().map_err(OutputError::Inconsistent)?;
    create_dir(dir)?;
    let mut files = vec![
        csv_out::alignment(&dir.join("alignment.csv"), summary)?,
        csv_out::institutions(&dir.join("institutions.csv"), summary)?,
        csv_out::similarity(&dir.join("similarity.csv"), summary)?,
        csv_out::outcomes(&dir.join("outcomes.csv"), &[summary])?,
    ];
    let json = dir.join("summary.json");
    write_json(&json, &csv_out::provenance(summary))?;
    files.push(json);
    for (i, state) in summary.named_states() {
        let path = dir.join(format!("alignment-{}.svg", slug(state)));
        svg::verified_alignment_chart(&path, summary, i)?;
        files.push(path);
    }
    Ok(files)
}

/// Write the outputs of the three futures: a directory per future (as [`write_summary`]),
/// plus `futures.csv` (every outcome of every future), `futures.json` and `futures.svg`.
///
/// # Examples
///
/// ```
/// use geoalign::analysis::ensemble::Ensemble;
/// let summaries: Vec<_> = geoalign::presets::csto_futures()
///     .into_iter()
///     .map(|s| Ensemble::new(s, 2).run().unwrap())
///     .collect();
/// let dir = std::env::temp_dir().join(format!("geoalign-doc-write-futures-{}", std::process::id()));
/// let files = geoalign::output::write_futures(&dir, &summaries).unwrap();
/// assert!(files.iter().any(|f| f.ends_with("futures.svg")));
/// ```
pub fn write_futures(dir: &Path, summaries: &[Summary]) -> Result<Vec<PathBuf>, OutputError> {
    create_dir(dir)?;
    let refs: Vec<&Summary> = summaries.iter().collect();
    let mut files = vec![csv_out::outcomes(&dir.join("futures.csv"), &refs)?];
    let json = dir.join("futures.json");
    let provenance: Vec<_> = summaries.iter().map(csv_out::provenance).collect();
    write_json(&json, &provenance)?;
    files.push(json);
    let svg = dir.join("futures.svg");
    futures_chart(&svg, summaries)?;
    files.push(svg);
    for s in summaries {
        files.extend(write_summary(&dir.join(slug(&s.scenario)), s)?);
    }
    Ok(files)
}

/// Write a shard's partial summary as `partial-<i>-of-<n>.json` in `dir` (in the format of
/// [`partial`], with its digest); returns its path. The summary is verified first
/// ([`Summary::verify`]): a partial that would be refused is never written.
///
/// # Examples
///
/// ```
/// use geoalign::analysis::ensemble::Ensemble;
/// let part = Ensemble::new(geoalign::presets::eurasia_2025(), 4)
///     .shard("1/2".parse().unwrap())
///     .run()
///     .unwrap();
/// let dir = std::env::temp_dir().join(format!("geoalign-doc-partial-{}", std::process::id()));
/// let path = geoalign::output::write_partial(&dir, &part).unwrap();
/// assert_eq!(geoalign::output::read_partial(&path).unwrap(), part);
/// ```
pub fn write_partial(dir: &Path, summary: &Summary) -> Result<PathBuf, OutputError> {
    create_dir(dir)?;
    let index = summary.shards.first().copied().unwrap_or(0);
    let path = dir.join(format!("partial-{index}-of-{}.json", summary.shard_count));
    summary.verify().map_err(|e| io_error(&path, e))?;
    let text = partial::encode(summary).map_err(|e| io_error(&path, e))?;
    std::fs::write(&path, text).map_err(|e| io_error(&path, e))?;
    Ok(path)
}

/// Write a sensitivity report as `sensitivity.csv` (one row per output × parameter) and
/// `sensitivity.json` in `dir`; returns the CSV's path.
///
/// # Examples
///
/// ```
/// use geoalign::analysis::sensitivity::{Base, Method, Study};
/// let study = Study {
///     base: Base::builtin("builtin:csto-slow-decline").unwrap(),
///     params: vec!["parameters.noise=0.01:0.05".parse().unwrap()],
///     runs_per_point: 2,
///     threads: 1,
///     seed: 1,
///     outcome: None,
/// };
/// let report = study.run(&Method::Morris { trajectories: 2 }, &|_| {}).unwrap();
/// let dir = std::env::temp_dir().join(format!("geoalign-doc-sensitivity-{}", std::process::id()));
/// assert!(geoalign::output::write_sensitivity(&dir, &report).is_ok());
/// ```
pub fn write_sensitivity(dir: &Path, report: &Report) -> Result<PathBuf, OutputError> {
    create_dir(dir)?;
    write_json(&dir.join("sensitivity.json"), report)?;
    let path = dir.join("sensitivity.csv");
    let mut w = csv::Writer::from_path(&path).map_err(|e| io_error(&path, e))?;
    let header: &[&str] = match report.indices {
        Indices::Morris(_) => &[
            "output",
            "parameter",
            "low",
            "high",
            "mu_star",
            "mu",
            "sigma",
        ],
        _ => &[
            "output",
            "parameter",
            "low",
            "high",
            "s1",
            "s1_low",
            "s1_high",
            "st",
            "st_low",
            "st_high",
        ],
    };
    w.write_record(header).map_err(|e| io_error(&path, e))?;
    for (o, output) in report.outputs.iter().enumerate() {
        for (p, param) in report.params.iter().enumerate() {
            let mut row = vec![
                output.clone(),
                param.key.clone(),
                param.low.to_string(),
                param.high.to_string(),
            ];
            match &report.indices {
                Indices::Morris(m) => {
                    let x = m[o][p];
                    row.extend([x.mu_star, x.mu, x.sigma].map(|v| v.to_string()));
                }
                Indices::Sobol(s) => {
                    let x = s[o][p];
                    row.extend(
                        [
                            x.s1,
                            x.s1_interval.0,
                            x.s1_interval.1,
                            x.st,
                            x.st_interval.0,
                            x.st_interval.1,
                        ]
                        .map(|v| v.to_string()),
                    );
                }
            }
            w.write_record(&row).map_err(|e| io_error(&path, e))?;
        }
    }
    w.flush().map_err(|e| io_error(&path, e))?;
    Ok(path)
}
