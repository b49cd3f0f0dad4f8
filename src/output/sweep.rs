//! The files of a parameter sweep ([`crate::analysis::sweep`]): `sweep.csv`, one row per design
//! point × output with the parameters' values as columns, and `sweep.json`, its provenance
//! (the [`SweepJob`]: scenario, fingerprint, seeds, design, parameters, runs, outputs); and the
//! partial a shard writes, `sweep-partial-<i>-of-<n>.json`, which `geoalign merge` joins.
//!
//! A sweep partial has the layout of the ensemble's ([`super::partial`]): a one-line header
//! `{"format":"geoalign-sweep-partial/1","job":{…},"body_bytes":…,"sha256":"…"}`, then the
//! shard's rows as one JSON array. The digest covers the header's other fields, the newline
//! and the body; the body's size is checked against the header and against the most the job's
//! rows can take before it is read; the rows are then checked against the job
//! ([`SweepTable::verify`]: every point's values are recomputed from the design, every
//! probability from its count). Partials of different sweeps (any field of the job but the
//! shards) are refused by a merge.

use super::atomic::Staging;
use super::csv_out::Table;
use super::signed::{self, corrupt};
use super::{io_error, write_json, OutputDir, OutputError};
use crate::analysis::ensemble::Shard;
use crate::analysis::sweep::{SweepJob, SweepTable};
use std::path::{Path, PathBuf};

/// The `format` tag of a sweep partial's header.
pub const SWEEP_FORMAT: &str = "geoalign-sweep-partial/1";

/// Bytes a row's JSON takes at most beside its names and values. Reason: the point index,
/// five numbers of at most 24 characters, a count, the runs and the field names come to
/// under 300 bytes; 512 leaves room.
const ROW_JSON_BYTES: u64 = 512;

/// Write a whole sweep's table as `sweep.csv` and `sweep.json` into `dir` atomically with its
/// manifest, refusing a non-empty `dir` as [`super::write_summary`] does; returns the files.
/// The table is verified first, and must be complete (every shard).
///
/// # Examples
///
/// ```
/// use geoalign::analysis::sensitivity::Base;
/// use geoalign::analysis::sweep::{Design, Sweep};
/// let base = Base::builtin("builtin:csto-slow-decline").unwrap();
/// let params = vec!["parameters.noise=0.01:0.05:2".parse().unwrap()];
/// let table = Sweep::new(base, params, Design::Grid).runs_per_point(2).run(&|_| {}).unwrap();
/// let dir = std::env::temp_dir().join(format!("geoalign-doc-sweep-{}", std::process::id()));
/// # let _ = std::fs::remove_dir_all(&dir);
/// let files = geoalign::output::write_sweep(&dir, &table).unwrap();
/// assert_eq!(std::fs::read_to_string(dir.join("sweep.csv")).unwrap(), table.to_csv());
/// assert!(files.iter().any(|f| f.ends_with("sweep.json")));
/// ```
pub fn write_sweep(dir: &Path, table: &SweepTable) -> Result<Vec<PathBuf>, OutputError> {
    OutputDir::new(dir).stage()?.write_sweep(table)
}

impl Staging {
    /// Write the files of [`write_sweep`] and put them into place.
    pub fn write_sweep(mut self, table: &SweepTable) -> Result<Vec<PathBuf>, OutputError> {
        sweep_files(&mut self, table).map_err(|e| self.unchanged(e))?;
        self.commit()
    }
}

fn sweep_files(out: &mut Staging, table: &SweepTable) -> Result<(), OutputError> {
    let csv = out.file("sweep.csv")?;
    let inconsistent = |reason: String| io_error(&csv, reason);
    table
        .verify()
        .map_err(|e| inconsistent(format!("the table to write is inconsistent: {e}")))?;
    if !table.is_complete() {
        return Err(inconsistent(format!(
            "the table holds shards {:?} of {}, not the whole sweep",
            table.job.shards, table.job.shard_count
        )));
    }
    write_json(&out.file("sweep.json")?, &table.job)?;
    let header = table.header();
    let (keys, values) = header.split_at(1 + table.job.params.len());
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    let values: Vec<&str> = values.iter().map(String::as_str).collect();
    let mut t = Table::create(&csv, &keys, &values)?;
    for record in table.records() {
        t.row(&record)?;
    }
    t.finish().map(drop)
}

/// The most bytes the rows of `job`'s shards can take as JSON: per row its fixed fields, its
/// values and its two names (each character escaped at most six-fold).
fn max_body_bytes(job: &SweepJob) -> Option<u64> {
    let points: u64 = job
        .shards
        .iter()
        .map(|&index| {
            Shard {
                index,
                count: job.shard_count,
            }
            .runs(job.points as u64)
            .count() as u64
        })
        .sum();
    let name = job
        .outputs
        .iter()
        .map(|o| o.len() as u64)
        .max()
        .unwrap_or(0);
    let row = ROW_JSON_BYTES
        .checked_add((job.params.len() as u64).checked_mul(25)?)?
        .checked_add(name.checked_mul(6)?.checked_mul(2)?)?
        .checked_add(4096)?;
    points
        .checked_mul(job.rows_per_point as u64)?
        .checked_mul(row)?
        .checked_add(2)
}

/// The start of a sweep partial's file name.
const SWEEP_PREFIX: &str = "sweep-partial-";

/// The path of shard `shard`'s partial in `dir`: `sweep-partial-<i>-of-<n>.json`.
///
/// # Examples
///
/// ```
/// use geoalign::output::sweep_partial_path;
/// let path = sweep_partial_path("out".as_ref(), "2/4".parse().unwrap());
/// assert!(path.ends_with("sweep-partial-2-of-4.json"));
/// ```
pub fn sweep_partial_path(dir: &Path, shard: Shard) -> PathBuf {
    dir.join(format!(
        "sweep-partial-{}-of-{}.json",
        shard.index, shard.count
    ))
}

/// Write a shard's table as its partial ([`sweep_partial_path`]) in `dir`, replaced
/// atomically; returns its path. The table is verified first.
///
/// # Examples
///
/// ```
/// use geoalign::analysis::sensitivity::Base;
/// use geoalign::analysis::sweep::{Design, Sweep};
/// use geoalign::output::{read_sweep_partial, write_sweep_partial};
/// let base = Base::builtin("builtin:csto-slow-decline").unwrap();
/// let params = vec!["parameters.noise=0.01:0.05".parse().unwrap()];
/// let part = Sweep::new(base, params, Design::Lhs { points: 4 })
///     .runs_per_point(2)
///     .shard("1/2".parse().unwrap())
///     .run(&|_| {})
///     .unwrap();
/// let dir = std::env::temp_dir().join(format!("geoalign-doc-sweep-partial-{}", std::process::id()));
/// let path = write_sweep_partial(&dir, &part).unwrap();
/// assert_eq!(read_sweep_partial(&path).unwrap(), part);
/// ```
pub fn write_sweep_partial(dir: &Path, table: &SweepTable) -> Result<PathBuf, OutputError> {
    let shard = Shard {
        index: table.job.shards.first().copied().unwrap_or(0),
        count: table.job.shard_count,
    };
    let path = sweep_partial_path(dir, shard);
    table.verify().map_err(|e| io_error(&path, e))?;
    let body = serde_json::to_vec(&table.rows).map_err(|e| io_error(&path, e))?;
    signed::write(&path, SWEEP_FORMAT, &table.job, &body)?;
    Ok(path)
}

/// Read and check the sweep partial at `path`: a regular file, a `geoalign-sweep-partial/1`
/// header within [`HEADER_LIMIT`](super::partial::HEADER_LIMIT) bytes, a body of exactly the size the header says and no
/// more than its job's rows take (checked before it is read), the digest, and the rows
/// against the job ([`SweepTable::verify`]).
pub fn read_sweep_partial(path: &Path) -> Result<SweepTable, OutputError> {
    let (job, rows) = signed::read(
        path,
        SWEEP_FORMAT,
        "a sweep partial",
        max_body_bytes,
        "more than the rows of this sweep's shard take",
    )?;
    let table = SweepTable { job, rows };
    if table.job.shards.len() != 1 {
        return Err(corrupt(
            path,
            "job.shards",
            "a partial holds exactly one shard",
        ));
    }
    table
        .verify()
        .map_err(|e| corrupt(path, "body", e.to_string()))?;
    let named = sweep_partial_path(
        Path::new(""),
        Shard {
            index: table.job.shards[0],
            count: table.job.shard_count,
        },
    );
    if path.file_name() != named.file_name() && is_sweep_partial(path) {
        return Err(corrupt(
            path,
            "job.shards",
            format!(
                "the file holds shard {} of {}, but its name says otherwise (a renamed copy?)",
                table.job.shards[0], table.job.shard_count
            ),
        ));
    }
    Ok(table)
}

/// Whether `path` is named like a sweep partial.
fn is_sweep_partial(path: &Path) -> bool {
    super::partial::has_name(path, SWEEP_PREFIX)
}

/// The sweep partials among `inputs`: files so named, and such files in input directories,
/// sorted by name within a directory; empty when there are none.
pub fn sweep_partial_files(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, OutputError> {
    let mut found = Vec::new();
    for input in inputs {
        if input.is_dir() {
            found.append(&mut super::partial::named_files(input, SWEEP_PREFIX)?);
        } else if is_sweep_partial(input) {
            found.push(input.clone());
        }
    }
    Ok(found)
}

/// Read the sweep partials `paths` and join them ([`SweepTable::merge`]); the result may be
/// incomplete ([`SweepTable::is_complete`]).
///
/// # Examples
///
/// ```
/// use geoalign::analysis::ensemble::Shard;
/// use geoalign::analysis::sensitivity::Base;
/// use geoalign::analysis::sweep::{Design, Sweep};
/// use geoalign::output::{merge_sweep_partials, sweep_partial_files, write_sweep_partial};
/// let base = Base::builtin("builtin:csto-slow-decline").unwrap();
/// let params = vec!["parameters.noise=0.01:0.05:3".parse().unwrap()];
/// let sweep = Sweep::new(base, params, Design::Grid).runs_per_point(2);
/// let dir = std::env::temp_dir().join(format!("geoalign-doc-sweep-merge-{}", std::process::id()));
/// for index in 0..2 {
///     let part = sweep.clone().shard(Shard { index, count: 2 }).run(&|_| {}).unwrap();
///     write_sweep_partial(&dir, &part).unwrap();
/// }
/// let merged = merge_sweep_partials(&sweep_partial_files(&[dir]).unwrap()).unwrap();
/// assert_eq!(merged, sweep.run(&|_| {}).unwrap());
/// ```
pub fn merge_sweep_partials(paths: &[PathBuf]) -> Result<SweepTable, OutputError> {
    let (first, rest) = paths.split_first().ok_or(OutputError::NoPartials)?;
    let mut merged = read_sweep_partial(first)?;
    for path in rest {
        let part = read_sweep_partial(path)?;
        merged = SweepTable::merge([merged, part]).map_err(|e| io_error(path, e))?;
    }
    Ok(merged)
}
