//! Writing ensemble summaries for people and for other tools: tidy CSV that loads straight
//! into pandas or R, a JSON summary with provenance, SVG charts, and the JSON partials that
//! shards exchange. This module depends on the core; the core never depends on it.
//!
//! Files written by [`write_summary`] into a directory:
//!
//! | file | content |
//! |---|---|
//! | `alignment.csv` | one row per recorded step × state × component (power or `autonomy`): mean, sd, q05…q95 |
//! | `institutions.csv` | one row per step × institution × measure (`cohesion`, `credibility`) |
//! | `similarity.csv` | one row per ordered pair of states: Signorino–Ritter S of their alignments at the horizon (mean, sd, q05…q95); only when the summary computed it (`summary.json`'s `similarity` says) |
//! | `powers.csv` | only where a power acts: one row per recorded step × state–power pair where it can act × quantity (`spending` per action, as a share of the power's month budget; `coercion_cut`, the share `1 − e^{−c}` of the ties its coercion stock cuts): mean, sd, q05…q95, runs (docs/model.md §9.8) |
//! | `punishments.csv` | only where a power acts: per recorded step and the same pairs, P(the power punished the state that month) with its Wilson 95 % interval |
//! | `outcomes.csv` | one row per category of each outcome (`kind` = the outcome's name; the CSTO futures keep `csto_future` and `CSTO`), and per institution member P(suspended) and P(exited), with Wilson 95 % intervals |
//! | `outcomes-over-time.csv` | P(outcome by date): per outcome that keeps a series (every declared outcome), category and recorded step, the share of runs judged in that category by that date, with its Wilson 95 % interval (what "by" means per kind: [`crate::analysis::outcome::Declared`]); only when some outcome keeps one |
//! | `outcomes-over-time.svg` | the same as one line per outcome (its "yes" category) with its interval as a band, on an axis from 0 fitted to the highest interval |
//! | `summary.json` | provenance (scenario, seed, crate version, runs, fingerprint) and the horizon's statistics and outcomes (the CSTO futures under `futures`, any other outcome under `outcomes`); with `run --posterior`, the sample under `posterior` (file, fingerprint of the scenario it was fitted on, digest, particles, keys) |
//! | `alignment-<state>.svg` | per state that moves (none for a fixed state): one line per component for its mean share over time, with its 5–95 % band as a light fill, on a y axis fitted to the data (at least 0.10 wide); components below 0.01 throughout are left out and named |
//! | `institutions.svg` | only when the world has institutions: each institution's credibility and cohesion over time (mean and 5–95 % band), and per member P(suspended) and P(exited) by the horizon with Wilson intervals (members with neither in any run left out) |
//! | `manifest.json` | written last: the format tag `geoalign-output/1`, the crate version, the command, and every file above with its size and SHA-256 |
//!
//! [`write_comparison`] writes the differences of a paired comparison (see [`compare`]).
//! [`OutputDir::write_intervention_fit`] writes the intervention decision's fit
//! (`interventions-fit.csv`, `interventions-loo.csv`, `interventions-fit.json`).
//!
//! [`OutputDir::write_trace`] writes one traced run (`geoalign trace --out`): `events.csv`, one
//! row per event of its log (date, origin, kind, the power, state and institution by name, a
//! decision's five variables, probability and draw, what it did), and `trajectory.csv`, one row
//! per step × state × component (the share), with their `manifest.json`.
//!
//! [`tables`] gives the CSV tables of a summary, a comparison or a traced run as text in
//! memory, the same bytes as their files (the Python package reads them into data frames).
//!
//! [`write_sweep`] writes a parameter sweep: `sweep.csv` (one row per design point × output,
//! the parameters' values as columns) and `sweep.json` (its provenance); a shard of a sweep
//! writes `sweep-partial-<i>-of-<n>.json` instead ([`write_sweep_partial`]).
//!
//! [`write_futures`] writes one such directory per future plus `futures.csv`, `futures.json`
//! and `futures.svg` (the 3 × 3 table as grouped bars with their intervals).
//!
//! Every output set is written atomically (see [`OutputDir`], and [`atomic`] for the
//! sequence and its crash windows): into a staging directory beside the target, put into place by rename
//! once complete, so a kill, a full disk or a permission error leaves the previous outputs
//! intact and complete. A non-empty target is refused unless [`OutputDir::force`], which
//! replaces only the files of the previous manifest and keeps every other file. The free
//! functions ([`write_summary`], [`write_futures`], [`write_sensitivity`]) write through an
//! [`OutputDir`] without `force`; single files ([`write_partial`], the charts, `trace
//! --json`) are replaced atomically through [`AtomicFile`].

pub mod atomic;
mod calibrate;
pub mod compare;
mod csv_out;
mod fit;
pub mod message;
pub mod partial;
mod signed;
mod svg;
mod sweep;
pub mod tables;
mod trace;

pub use atomic::{check_writable, write_atomic, AtomicFile, OutputDir, Staging, MANIFEST};

use crate::analysis::ensemble::{EnsembleError, Summary};
use crate::analysis::sensitivity::{Indices, Report};
use crate::files::ReadError;
use crate::model::names::slug;
use crate::sim::Trajectory;
use crate::Scenario;
use std::path::{Path, PathBuf};

pub use compare::{
    comparison_partial_files, merge_comparison_partials, read_comparison_partial, write_comparison,
    write_comparison_partial,
};
pub use partial::{merge_partials, merge_partials_within, partial_files, read_partial};
pub use svg::{alignment_chart, futures_chart, outcome_chart};
pub use sweep::{
    merge_sweep_partials, read_sweep_partial, sweep_partial_files, sweep_partial_path, write_sweep,
    write_sweep_partial, SWEEP_FORMAT,
};

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
    /// Writing the new outputs failed; the target directory was not touched.
    #[error("{path}: {reason}; nothing was replaced, {target} is unchanged")]
    NotWritten {
        /// The file (by its final name) or directory.
        path: PathBuf,
        /// What went wrong.
        reason: String,
        /// The output directory, unchanged.
        target: PathBuf,
    },
    /// The output directory holds the outputs of an earlier run and `force` was not given.
    #[error("{dir}: holds the outputs of an earlier run (it has a manifest.json); pass --force to replace them (files geoalign did not write are kept)")]
    EarlierOutputs {
        /// The output directory.
        dir: PathBuf,
    },
    /// The output directory is not empty and was not written by geoalign.
    #[error("{dir}: is not empty and has no manifest.json, so geoalign did not write it; choose a new or empty directory, or pass --force to write beside its files (they are kept, none is overwritten)")]
    NotOutputs {
        /// The output directory.
        dir: PathBuf,
    },
    /// An existing file that no manifest lists has the name of a new output.
    #[error("{path}: exists and geoalign did not write it (no manifest lists it), so it is not overwritten and nothing was replaced; move it away or choose another directory")]
    NotOurs {
        /// The file.
        path: PathBuf,
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
    /// Merging partials of these dimensions would need more memory than the limit; refused
    /// before any body is read ([`partial::merge_partials_within`]).
    #[error("{}: merging partials of these dimensions needs about {} (two summaries and the process), but the limit is {}; raise it with --max-memory, or record fewer steps (--record-every) when running the shards", path.display(), crate::analysis::ensemble::memory::Bytes(*.estimate), crate::analysis::ensemble::memory::Bytes(*.limit))]
    MemoryLimit {
        /// The first partial, whose header gave the dimensions.
        path: PathBuf,
        /// Predicted peak bytes.
        estimate: u64,
        /// The limit in bytes.
        limit: u64,
    },
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

fn write_json<T: serde::Serialize>(path: &Path, value: &T) -> Result<(), OutputError> {
    let text = serde_json::to_string_pretty(value).map_err(|e| io_error(path, e))?;
    atomic::write_file(path, text.as_bytes())
}

/// Write the CSV, JSON and SVG files of `summary` into `dir` (created if missing) atomically,
/// with its `manifest.json`; returns the files written. `dir` must be missing or empty (or
/// hold only partials): to replace earlier outputs use [`OutputDir::force`].
///
/// # Examples
///
/// ```
/// use geoalign::analysis::ensemble::Ensemble;
/// let summary = Ensemble::new(geoalign::presets::eurasia_2025(), 3).run().unwrap();
/// let dir = std::env::temp_dir().join(format!("geoalign-doc-write-summary-{}", std::process::id()));
/// # let _ = std::fs::remove_dir_all(&dir);
/// let files = geoalign::output::write_summary(&dir, &summary).unwrap();
/// assert!(files.iter().any(|f| f.ends_with("alignment.csv")));
/// ```
pub fn write_summary(dir: &Path, summary: &Summary) -> Result<Vec<PathBuf>, OutputError> {
    OutputDir::new(dir).write_summary(summary)
}

/// The files of one summary, in `sub` (a directory inside the output set, or empty).
fn summary_files(out: &mut Staging, sub: &Path, summary: &Summary) -> Result<(), OutputError> {
    // Before anything is written: a corrupted summary may claim a horizon of 2³² steps.
    summary.verify().map_err(OutputError::Inconsistent)?;
    csv_out::alignment(&out.file(sub.join("alignment.csv"))?, summary)?;
    csv_out::institutions(&out.file(sub.join("institutions.csv"))?, summary)?;
    if summary.similarity_computed {
        csv_out::similarity(&out.file(sub.join("similarity.csv"))?, summary)?;
    }
    csv_out::outcomes(&out.file(sub.join("outcomes.csv"))?, &[summary])?;
    if summary.acting_pairs().next().is_some() {
        csv_out::powers(&out.file(sub.join("powers.csv"))?, summary)?;
        csv_out::punishments(&out.file(sub.join("punishments.csv"))?, summary)?;
    }
    if !summary.event_cells().is_empty() {
        csv_out::event_frequencies(&out.file(sub.join("event-frequencies.csv"))?, summary)?;
    }
    if summary.outcomes.iter().any(|o| !o.over_time.is_empty()) {
        csv_out::outcomes_over_time(&out.file(sub.join("outcomes-over-time.csv"))?, summary)?;
        let path = out.file(sub.join("outcomes-over-time.svg"))?;
        atomic::write_file(&path, svg::render_over_time(&path, summary)?.as_bytes())?;
    }
    write_json(
        &out.file(sub.join("summary.json"))?,
        &csv_out::provenance(summary),
    )?;
    if !summary.institutions.is_empty() {
        let path = out.file(sub.join("institutions.svg"))?;
        atomic::write_file(&path, svg::render_institutions(&path, summary)?.as_bytes())?;
    }
    // A fixed state (its alignment never moves) gets no chart: a flat line says nothing.
    for (i, state) in summary
        .named_states()
        .filter(|&(i, _)| svg::moves(summary, i))
    {
        let path = out.file(sub.join(format!("alignment-{}.svg", slug(state))))?;
        atomic::write_file(&path, svg::render_alignment(&path, summary, i)?.as_bytes())?;
    }
    Ok(())
}

/// Write the outputs of the three futures: a directory per future (as [`write_summary`]),
/// plus `futures.csv` (every outcome of every future), `futures.json` and `futures.svg`.
/// Atomic and refusing a non-empty `dir` as [`write_summary`]; one manifest covers them all.
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
/// # let _ = std::fs::remove_dir_all(&dir);
/// let files = geoalign::output::write_futures(&dir, &summaries).unwrap();
/// assert!(files.iter().any(|f| f.ends_with("futures.svg")));
/// ```
pub fn write_futures(dir: &Path, summaries: &[Summary]) -> Result<Vec<PathBuf>, OutputError> {
    OutputDir::new(dir).write_futures(summaries)
}

fn futures_files(out: &mut Staging, summaries: &[Summary]) -> Result<(), OutputError> {
    let refs: Vec<&Summary> = summaries.iter().collect();
    csv_out::outcomes(&out.file("futures.csv")?, &refs)?;
    let provenance: Vec<_> = summaries.iter().map(csv_out::provenance).collect();
    write_json(&out.file("futures.json")?, &provenance)?;
    let svg = out.file("futures.svg")?;
    atomic::write_file(&svg, svg::render_futures(&svg, summaries)?.as_bytes())?;
    for s in summaries {
        summary_files(out, Path::new(&slug(&s.scenario)), s)?;
    }
    Ok(())
}

/// Write a shard's partial summary as `partial-<i>-of-<n>.json` in `dir`; returns its path.
/// The file is replaced atomically ([`write_atomic`]): a reader sees the previous partial of
/// that shard or the new one, never a part.
/// It is in the format of [`partial`], with its digest; the summary is verified first
/// ([`Summary::verify`]), so a partial that would be refused is never written.
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
    let index = summary.shards.first().copied().unwrap_or(0);
    let path = dir.join(format!("partial-{index}-of-{}.json", summary.shard_count));
    summary.verify().map_err(|e| io_error(&path, e))?;
    // Streamed: a partial of a large world is never held as bytes beside its summary.
    AtomicFile::create(&path, true)?
        .commit_with(|w| partial::encode_to(summary, w).map_err(std::io::Error::other))?;
    Ok(path)
}

/// Write a sensitivity report as `sensitivity.csv` (one row per output × parameter) and
/// `sensitivity.json` in `dir` (atomically, refusing a non-empty `dir`, as [`write_summary`]);
/// returns the CSV's path.
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
/// # let _ = std::fs::remove_dir_all(&dir);
/// assert!(geoalign::output::write_sensitivity(&dir, &report).is_ok());
/// ```
pub fn write_sensitivity(dir: &Path, report: &Report) -> Result<PathBuf, OutputError> {
    OutputDir::new(dir).write_sensitivity(report)?;
    Ok(dir.join("sensitivity.csv"))
}

fn sensitivity_files(out: &mut Staging, report: &Report) -> Result<(), OutputError> {
    write_json(&out.file("sensitivity.json")?, report)?;
    sensitivity_csv(&out.file("sensitivity.csv")?, report)
}

/// `sensitivity.csv`: one row per output × parameter.
fn sensitivity_csv(path: &Path, report: &Report) -> Result<(), OutputError> {
    let indices: &[&str] = match report.indices {
        Indices::Morris(_) => &["mu_star", "mu", "sigma"],
        _ => &["s1", "s1_low", "s1_high", "st", "st_low", "st_high"],
    };
    let keys = ["output", "parameter", "low", "high"];
    let mut t = csv_out::Table::create(path, &keys, indices)?;
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
            t.row(&row)?;
        }
    }
    t.finish().map(drop)
}

impl OutputDir {
    /// [`write_summary`] into this directory: stage, write, commit.
    pub fn write_summary(&self, summary: &Summary) -> Result<Vec<PathBuf>, OutputError> {
        self.stage()?.write_summary(summary)
    }

    /// [`write_futures`] into this directory.
    pub fn write_futures(&self, summaries: &[Summary]) -> Result<Vec<PathBuf>, OutputError> {
        self.stage()?.write_futures(summaries)
    }

    /// [`write_sensitivity`] into this directory; returns every file written.
    pub fn write_sensitivity(&self, report: &Report) -> Result<Vec<PathBuf>, OutputError> {
        self.stage()?.write_sensitivity(report)
    }

    /// One traced run of `scenario` into this directory: `events.csv` (its event log by name
    /// and date) and `trajectory.csv` (every step's shares), with the manifest.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::output::OutputDir;
    /// use geoalign::Simulation;
    /// let sim = Simulation::new(geoalign::presets::eurasia_2025());
    /// let trajectory = sim.trajectory(0).unwrap();
    /// let dir = std::env::temp_dir().join(format!("geoalign-doc-trace-{}", std::process::id()));
    /// # let _ = std::fs::remove_dir_all(&dir);
    /// let files = OutputDir::new(&dir).write_trace(sim.scenario(), &trajectory).unwrap();
    /// assert!(files.iter().any(|f| f.ends_with("events.csv")));
    /// ```
    pub fn write_trace(
        &self,
        scenario: &Scenario,
        trajectory: &Trajectory,
    ) -> Result<Vec<PathBuf>, OutputError> {
        self.stage()?.write_trace(scenario, trajectory)
    }
}

impl Staging {
    /// Write the files of [`write_summary`] and put them into place.
    pub fn write_summary(mut self, summary: &Summary) -> Result<Vec<PathBuf>, OutputError> {
        summary_files(&mut self, Path::new(""), summary).map_err(|e| self.unchanged(e))?;
        self.commit()
    }

    /// Write the files of [`write_futures`] and put them into place.
    pub fn write_futures(mut self, summaries: &[Summary]) -> Result<Vec<PathBuf>, OutputError> {
        futures_files(&mut self, summaries).map_err(|e| self.unchanged(e))?;
        self.commit()
    }

    /// Write the files of [`OutputDir::write_trace`] and put them into place.
    pub fn write_trace(
        mut self,
        scenario: &Scenario,
        trajectory: &Trajectory,
    ) -> Result<Vec<PathBuf>, OutputError> {
        let written = (|| {
            let events = self.file("events.csv")?;
            trace::events(csv_out::Dest::File(&events), scenario, trajectory)?;
            let path = self.file("trajectory.csv")?;
            trace::trajectory(csv_out::Dest::File(&path), scenario, trajectory)
        })();
        written.map_err(|e| self.unchanged(e))?;
        self.commit()
    }

    /// Write the files of [`write_sensitivity`] and put them into place.
    pub fn write_sensitivity(mut self, report: &Report) -> Result<Vec<PathBuf>, OutputError> {
        sensitivity_files(&mut self, report).map_err(|e| self.unchanged(e))?;
        self.commit()
    }
}
