//! A posterior sample over named scenario parameters: weighted particles, each a value for
//! every one of a list of dotted keys of a scenario file ([`crate::scenario_file::ScenarioSource::set`]), as a
//! calibration produces it and as `geoalign run --posterior FILE` draws from it.
//!
//! # The file
//!
//! ```text
//! # geoalign posterior 1; scenario "History 2014-2024"; fingerprint 0123456789abcdef
//! weight,parameters.noise,powers.Russia.coercion
//! 0.25,0.031,0.42
//! 0.75,0.027,0.51
//! ```
//!
//! * Line 1: the format version ([`FORMAT_VERSION`]), the name of the scenario the sample was
//!   fitted on (a JSON string) and its fingerprint, 16 hexadecimal digits: the
//!   [`Base::fingerprint`] of the base scenario as its file builds it, with no parameter set.
//!   A posterior is used only on a scenario of the same fingerprint
//!   ([`Posterior::check_fingerprint`]).
//! * Line 2: `weight`, then one column per dotted key.
//! * Then one row per particle: its weight (finite, ≥ 0; they need not sum to 1, and not all
//!   may be 0) and its values (finite). Numbers are written in Rust's shortest form that
//!   reads back to the same bits, so [`Posterior::write`] then [`Posterior::read`] gives the
//!   identical sample, and the same sample always gives the same bytes.
//!
//! Every refusal of a file names it and the line (and the column's key where one is at
//! fault): [`PosteriorError`].
//!
//! ```
//! use geoalign::analysis::posterior::Posterior;
//! let p = Posterior::new(
//!     "Eurasia 2025".into(),
//!     0x0123_4567_89ab_cdef,
//!     vec!["parameters.noise".into()],
//!     vec![1.0, 3.0],
//!     vec![vec![0.02], vec![0.04]],
//! )
//! .unwrap();
//! let text = p.to_text();
//! assert!(text.starts_with("# geoalign posterior 1; scenario \"Eurasia 2025\"; fingerprint 0123456789abcdef\n"));
//! let back = Posterior::parse(&text, "in-memory.csv".as_ref()).unwrap();
//! assert_eq!(back, p);
//! assert_eq!(p.normalised_weights(), [0.25, 0.75]);
//! assert_eq!((p.draw(0.2), p.draw(0.3)), (0, 1));
//! ```

use crate::analysis::sensitivity::{Base, SensitivityError};
use crate::files::ReadError;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The version of the file format that [`Posterior::write`] writes and [`Posterior::read`]
/// reads.
pub const FORMAT_VERSION: u32 = 1;

/// The largest posterior file read, in bytes. Reason: a million particles of 20 keys at
/// 12 bytes a number is 240 MB, far beyond any calibration's sample; the bound keeps a wrong
/// path (a disk image, a log) from being read whole into memory.
pub const MAX_FILE_BYTES: u64 = 256 << 20;

/// The start of line 1, before the version.
const MAGIC: &str = "# geoalign posterior ";

/// The name of the first column.
const WEIGHT: &str = "weight";

/// A posterior file that cannot be read or used. Every variant about a file names it and,
/// where the fault is in one place, the line (1-based) and the column's key.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PosteriorError {
    /// The file cannot be read (missing, not a regular file, over [`MAX_FILE_BYTES`]).
    #[error("posterior {0}")]
    Read(#[from] ReadError),
    /// A line of the file is malformed.
    #[error("{}:{line}: {}{reason}", path.display(), key.as_ref().map(|k| format!("column `{k}`: ")).unwrap_or_default())]
    Malformed {
        /// The file.
        path: PathBuf,
        /// The line, from 1.
        line: usize,
        /// The column's key (`weight` or a dotted key) when one field is at fault.
        key: Option<String>,
        /// What is wrong.
        reason: String,
    },
    /// The file has its two header lines and no particle.
    #[error("{}:{line}: an empty posterior: no particle rows after the header; re-run the calibration", path.display())]
    Empty {
        /// The file.
        path: PathBuf,
        /// The line where the first particle was expected.
        line: usize,
    },
    /// The posterior was fitted on another scenario than the one it is used with.
    #[error("{}:1: this posterior was fitted on scenario {scenario:?} with fingerprint {found:016x}; the scenario given has fingerprint {expected:016x}; re-run the calibration on the scenario given (or give the scenario it was fitted on)", path.display())]
    Mismatch {
        /// The posterior file.
        path: PathBuf,
        /// The fingerprint of the scenario given.
        expected: u64,
        /// The fingerprint the posterior records.
        found: u64,
        /// The name of the scenario the posterior records.
        scenario: String,
    },
    /// A key of the posterior cannot be set on the scenario (as `--param` refuses it; line 2,
    /// the header), or the scenario refuses the first particle's values (line 3).
    #[error("{}:{line}: {source}", path.display())]
    Key {
        /// The posterior file.
        path: PathBuf,
        /// The header's line (2) for a key, the first particle's (3) for its values.
        line: usize,
        /// The refusal, as a sensitivity study words it for `--param`.
        source: SensitivityError,
    },
    /// A sample built in memory is inconsistent ([`Posterior::new`]).
    #[error("posterior: {0}")]
    Invalid(String),
}

/// A weighted sample of parameter vectors over named scenario keys: particle `i` has weight
/// `weights[i]` and sets `keys[j]` to `samples[i][j]`. Built checked by [`Posterior::new`]
/// or [`Posterior::read`]; see the module docs for the file.
#[derive(Clone, Debug, PartialEq)]
pub struct Posterior {
    /// The name of the scenario the sample was fitted on.
    pub scenario: String,
    /// The fingerprint of that scenario as its file builds it ([`Base::fingerprint`]).
    pub fingerprint: u64,
    /// The dotted keys, in column order; unique, no part empty.
    pub keys: Vec<String>,
    /// Each particle's weight: finite, ≥ 0, not all 0; they need not sum to 1.
    pub weights: Vec<f64>,
    /// Each particle's values, one per key (row-major: one `Vec` per particle).
    pub samples: Vec<Vec<f64>>,
}

/// Why `key` cannot be a column, or `None`.
fn bad_key(key: &str) -> Option<String> {
    if key.is_empty() || key.split('.').any(str::is_empty) {
        return Some(format!("the key `{key}` has an empty part"));
    }
    if key == WEIGHT {
        return Some("`weight` is the first column's name, not a key".into());
    }
    if let Some(c) = key
        .chars()
        .find(|c| *c == ',' || *c == '"' || c.is_whitespace() || c.is_control())
    {
        return Some(format!(
            "the key `{key}` holds {c:?}, which a column name cannot"
        ));
    }
    None
}

/// Why `w` cannot be a weight, or `None`.
fn bad_weight(w: f64) -> Option<String> {
    if !w.is_finite() {
        Some(format!("the weight {w} is not finite"))
    } else if w < 0.0 {
        Some(format!("the weight {w} is negative"))
    } else {
        None
    }
}

/// Why `v` cannot be a value, or `None`. A negative value is taken (a driver's `add` may be
/// negative); whether the scenario accepts it is the loader's to say when it is set.
fn bad_value(v: f64) -> Option<String> {
    (!v.is_finite()).then(|| format!("the value {v} is not finite"))
}

/// The first key of `keys` that repeats an earlier one.
fn duplicate(keys: &[String]) -> Option<&str> {
    let mut seen = std::collections::HashSet::new();
    keys.iter().map(String::as_str).find(|k| !seen.insert(*k))
}

impl Posterior {
    /// A checked sample.
    ///
    /// # Errors
    ///
    /// [`PosteriorError::Invalid`] when there is no particle, the weights and samples differ
    /// in number, a particle has not one value per key, a key is empty, has an empty part,
    /// repeats another or holds a comma, quote or space, a weight is negative or not finite,
    /// every weight is 0, or a value is not finite.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::posterior::Posterior;
    /// let keys = vec!["parameters.noise".to_string()];
    /// assert!(Posterior::new("S".into(), 1, keys.clone(), vec![1.0], vec![vec![0.02]]).is_ok());
    /// let err = Posterior::new("S".into(), 1, keys, vec![0.0], vec![vec![0.02]]).unwrap_err();
    /// assert!(err.to_string().contains("every weight is 0"), "{err}");
    /// ```
    pub fn new(
        scenario: String,
        fingerprint: u64,
        keys: Vec<String>,
        weights: Vec<f64>,
        samples: Vec<Vec<f64>>,
    ) -> Result<Posterior, PosteriorError> {
        let invalid = |reason: String| Err(PosteriorError::Invalid(reason));
        if let Some(reason) = keys.iter().find_map(|k| bad_key(k)) {
            return invalid(reason);
        }
        if let Some(key) = duplicate(&keys) {
            return invalid(format!("the key `{key}` is given twice"));
        }
        if weights.is_empty() {
            return invalid("no particles".into());
        }
        if weights.len() != samples.len() {
            return invalid(format!(
                "{} weights for {} particles",
                weights.len(),
                samples.len()
            ));
        }
        for (i, (&w, row)) in weights.iter().zip(&samples).enumerate() {
            if row.len() != keys.len() {
                return invalid(format!(
                    "particle {i} has {} values for {} keys",
                    row.len(),
                    keys.len()
                ));
            }
            if let Some(reason) = bad_weight(w) {
                return invalid(format!("particle {i}: {reason}"));
            }
            if let Some((k, reason)) = keys
                .iter()
                .zip(row)
                .find_map(|(k, &v)| Some((k, bad_value(v)?)))
            {
                return invalid(format!("particle {i}, key `{k}`: {reason}"));
            }
        }
        if weights.iter().all(|&w| w == 0.0) {
            return invalid("every weight is 0: nothing can be drawn".into());
        }
        Ok(Posterior {
            scenario,
            fingerprint,
            keys,
            weights,
            samples,
        })
    }

    /// The number of particles.
    pub fn len(&self) -> usize {
        self.weights.len()
    }

    /// Whether there is no particle (never so for a checked sample).
    pub fn is_empty(&self) -> bool {
        self.weights.is_empty()
    }

    /// The weights divided by their sum (added in particle order), so that they sum to 1
    /// up to rounding.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::posterior::Posterior;
    /// let p = Posterior::new("S".into(), 1, vec!["a.b".into()], vec![2.0, 6.0], vec![vec![0.0], vec![1.0]]).unwrap();
    /// assert_eq!(p.normalised_weights(), [0.25, 0.75]);
    /// ```
    pub fn normalised_weights(&self) -> Vec<f64> {
        let total: f64 = self.weights.iter().sum();
        self.weights.iter().map(|w| w / total).collect()
    }

    /// The particle that `u` (uniform in [0, 1)) picks by the inverse of the cumulative
    /// normalised weights: the first particle whose cumulative weight is above `u`. A
    /// particle of weight 0 is never picked; `u` outside [0, 1) is taken as the nearest end
    /// (NaN as 0). Sums the weights on every call: for many draws, [`Posterior::sampler`]
    /// sums them once and gives the same particles.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::posterior::Posterior;
    /// let p = Posterior::new("S".into(), 1, vec!["a.b".into()], vec![1.0, 0.0, 1.0], vec![vec![0.0]; 3]).unwrap();
    /// assert_eq!([p.draw(0.0), p.draw(0.49), p.draw(0.5), p.draw(0.999)], [0, 0, 2, 2]);
    /// ```
    pub fn draw(&self, u: f64) -> usize {
        self.sampler().draw(u)
    }

    /// The cumulative normalised weights, computed once in particle order, for many draws.
    pub fn sampler(&self) -> Sampler {
        let mut cumulative = Vec::with_capacity(self.len());
        let mut sum = 0.0;
        for w in self.normalised_weights() {
            sum += w;
            cumulative.push(sum);
        }
        // The sum may end a rounding short of 1: from the last particle that can be drawn on,
        // the cumulative weight is exactly 1, so every u < 1 picks a particle of weight > 0.
        if let Some(last) = self.weights.iter().rposition(|&w| w > 0.0) {
            cumulative[last..].iter_mut().for_each(|c| *c = 1.0);
        }
        Sampler { cumulative }
    }

    /// The values of particle `i`, one per key.
    pub fn particle(&self, i: usize) -> &[f64] {
        &self.samples[i]
    }

    /// The file's text (see the module docs): the same sample always gives the same bytes.
    pub fn to_text(&self) -> String {
        let name = serde_json::to_string(&self.scenario).unwrap_or_else(|_| "\"\"".into());
        let mut text = format!(
            "{MAGIC}{FORMAT_VERSION}; scenario {name}; fingerprint {:016x}\n{WEIGHT}",
            self.fingerprint
        );
        for key in &self.keys {
            text.push(',');
            text.push_str(key);
        }
        text.push('\n');
        for (w, row) in self.weights.iter().zip(&self.samples) {
            // `{}` of an f64 is the shortest decimal that parses back to the same bits.
            let _ = write!(text, "{w}");
            for v in row {
                let _ = write!(text, ",{v}");
            }
            text.push('\n');
        }
        text
    }

    /// Write the file at `path` atomically (a temporary file beside it, renamed over it), so
    /// a reader finds the previous file or the new one whole; an existing file is replaced.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::posterior::Posterior;
    /// let p = Posterior::new("S".into(), 7, vec!["parameters.noise".into()], vec![1.0], vec![vec![0.1 + 0.2]]).unwrap();
    /// let path = std::env::temp_dir().join(format!("geoalign-doc-posterior-{}.csv", std::process::id()));
    /// p.write(&path).unwrap();
    /// let back = Posterior::read(&path).unwrap();
    /// assert_eq!(back.samples[0][0].to_bits(), (0.1f64 + 0.2).to_bits());
    /// # std::fs::remove_file(&path).unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// The writer's, naming the file.
    #[cfg(feature = "output")]
    pub fn write(&self, path: &Path) -> Result<(), crate::output::OutputError> {
        crate::output::write_atomic(path, self.to_text().as_bytes())
    }

    /// Read and check the file at `path` (see [`Posterior::parse`]).
    ///
    /// # Errors
    ///
    /// [`PosteriorError::Read`] when it cannot be read (at most [`MAX_FILE_BYTES`], a
    /// regular file, UTF-8), else those of [`Posterior::parse`].
    pub fn read(path: &Path) -> Result<Posterior, PosteriorError> {
        let bytes = crate::files::read_regular(path, MAX_FILE_BYTES)?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let before = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            PosteriorError::Malformed {
                path: path.to_path_buf(),
                line: 1 + before.iter().filter(|&&b| b == b'\n').count(),
                key: None,
                reason: "not UTF-8 text".into(),
            }
        })?;
        Posterior::parse(&text, path)
    }

    /// Parse and check the text of a posterior file; `path` names it in errors.
    ///
    /// # Errors
    ///
    /// [`PosteriorError::Malformed`] with the line (and column) for: a missing or malformed
    /// first line, a version other than [`FORMAT_VERSION`], a header that does not start
    /// with `weight` or has a key empty, with an empty part or given twice, a row with the
    /// wrong number of fields, a field that is not a number, a non-finite or negative
    /// weight, a non-finite value, every weight 0; [`PosteriorError::Empty`] when there is
    /// no particle row.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::posterior::Posterior;
    /// let head = "# geoalign posterior 1; scenario \"S\"; fingerprint 00000000000000ff\nweight,a.b\n";
    /// let p = Posterior::parse(&format!("{head}1,0.5\n"), "p.csv".as_ref()).unwrap();
    /// assert_eq!((p.fingerprint, p.samples[0][0]), (255, 0.5));
    /// let err = Posterior::parse(&format!("{head}1,0.5,7\n"), "p.csv".as_ref()).unwrap_err();
    /// assert!(err.to_string().starts_with("p.csv:3: 3 fields"), "{err}");
    /// ```
    pub fn parse(text: &str, path: &Path) -> Result<Posterior, PosteriorError> {
        let at = |line: usize, key: Option<&str>, reason: String| PosteriorError::Malformed {
            path: path.to_path_buf(),
            line,
            key: key.map(str::to_string),
            reason,
        };
        // A byte-order mark, as some spreadsheets write one, is not part of the first line.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l));
        let first = lines.next().map(|(_, l)| l).unwrap_or("");
        let (scenario, fingerprint) = parse_first_line(first).map_err(|r| at(1, None, r))?;
        let (_, header) = lines.next().ok_or_else(|| {
            at(
                2,
                None,
                "no header line: expected `weight,KEY,…` after the first line".into(),
            )
        })?;
        let mut columns = header.split(',');
        if columns.next().map(str::trim) != Some(WEIGHT) {
            return Err(at(
                2,
                None,
                format!("the header `{header}` does not start with `{WEIGHT}`"),
            ));
        }
        let keys: Vec<String> = columns.map(|k| k.trim().to_string()).collect();
        if let Some(reason) = keys.iter().find_map(|k| bad_key(k)) {
            return Err(at(2, None, reason));
        }
        if let Some(key) = duplicate(&keys) {
            return Err(at(2, None, format!("the key `{key}` is given twice")));
        }
        let (mut weights, mut samples) = (Vec::new(), Vec::new());
        let mut next_line = 3;
        for (n, line) in lines {
            next_line = n + 1;
            let fields: Vec<&str> = line.split(',').collect();
            if fields.len() != keys.len() + 1 {
                return Err(at(
                    n,
                    None,
                    format!(
                        "{} fields; the header has {} (`weight` and {} keys)",
                        fields.len(),
                        keys.len() + 1,
                        keys.len()
                    ),
                ));
            }
            let number = |field: &str, key: &str| {
                field
                    .trim()
                    .parse::<f64>()
                    .map_err(|_| at(n, Some(key), format!("`{}` is not a number", field.trim())))
            };
            let weight = number(fields[0], WEIGHT)?;
            if let Some(reason) = bad_weight(weight) {
                return Err(at(n, Some(WEIGHT), reason));
            }
            let mut row = Vec::with_capacity(keys.len());
            for (field, key) in fields[1..].iter().zip(&keys) {
                let v = number(field, key)?;
                if let Some(reason) = bad_value(v) {
                    return Err(at(n, Some(key), reason));
                }
                row.push(v);
            }
            weights.push(weight);
            samples.push(row);
        }
        if weights.is_empty() {
            return Err(PosteriorError::Empty {
                path: path.to_path_buf(),
                line: next_line,
            });
        }
        if weights.iter().all(|&w| w == 0.0) {
            return Err(at(
                3,
                Some(WEIGHT),
                format!(
                    "every weight of the {} particles is 0: nothing can be drawn",
                    weights.len()
                ),
            ));
        }
        Ok(Posterior {
            scenario,
            fingerprint,
            keys,
            weights,
            samples,
        })
    }

    /// Check that the posterior was fitted on a scenario of fingerprint `expected` (the
    /// [`Base::fingerprint`] of the scenario it is used with); `path` names the posterior.
    ///
    /// # Errors
    ///
    /// [`PosteriorError::Mismatch`], saying which scenario the posterior was fitted on.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::posterior::Posterior;
    /// let p = Posterior::new("Old".into(), 1, vec!["a.b".into()], vec![1.0], vec![vec![0.0]]).unwrap();
    /// assert!(p.check_fingerprint("p.csv".as_ref(), 1).is_ok());
    /// let err = p.check_fingerprint("p.csv".as_ref(), 2).unwrap_err().to_string();
    /// assert!(err.starts_with("p.csv:1: this posterior was fitted on scenario \"Old\" with fingerprint 0000000000000001"), "{err}");
    /// ```
    pub fn check_fingerprint(&self, path: &Path, expected: u64) -> Result<(), PosteriorError> {
        if self.fingerprint == expected {
            return Ok(());
        }
        Err(PosteriorError::Mismatch {
            path: path.to_path_buf(),
            expected,
            found: self.fingerprint,
            scenario: self.scenario.clone(),
        })
    }

    /// Check that the posterior fits `base`: its fingerprint ([`Posterior::check_fingerprint`])
    /// and every key settable on it, with every particle's scenario built from the first
    /// particle's values (as `--param` keys are checked).
    ///
    /// # Errors
    ///
    /// [`PosteriorError::Mismatch`], or [`PosteriorError::Key`] naming the key the scenario
    /// format does not take (or the scenario's refusal of the first particle).
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::posterior::Posterior;
    /// use geoalign::analysis::sensitivity::Base;
    /// let base = Base::builtin("builtin:eurasia-2025").unwrap();
    /// let p = Posterior::new(base.name().into(), base.fingerprint(), vec!["parameters.nosie".into()], vec![1.0], vec![vec![0.02]]).unwrap();
    /// let err = p.check_base("p.csv".as_ref(), &base).unwrap_err().to_string();
    /// assert!(err.starts_with("p.csv:2: --param `parameters.nosie`"), "{err}");
    /// ```
    pub fn check_base(&self, path: &Path, base: &Base) -> Result<(), PosteriorError> {
        self.check_fingerprint(path, base.fingerprint())?;
        self.check_keys(path, base)
    }

    /// Check that every key can be set on `scenario` (with the first particle's values), as
    /// [`Posterior::check_base`] does, but not the fingerprint: for the alternative of a
    /// paired comparison, which takes the particles fitted on its base.
    ///
    /// # Errors
    ///
    /// [`PosteriorError::Key`].
    pub fn check_keys(&self, path: &Path, scenario: &Base) -> Result<(), PosteriorError> {
        let base = scenario;
        base.with_values(&self.keys, &self.samples[0])
            .map(drop)
            .map_err(|source| PosteriorError::Key {
                path: path.to_path_buf(),
                line: if matches!(source, SensitivityError::ParamKey { .. }) {
                    2
                } else {
                    3
                },
                source,
            })
    }
}

/// What an ensemble's summary records of the posterior sample its runs drew their
/// parameters from ([`crate::analysis::ensemble::Summary::posterior`]), so that its outputs
/// say where their parameter uncertainty came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PosteriorRecord {
    /// The file the sample was read from, as given (not compared when partials are merged:
    /// the same sample may sit at different paths on different machines).
    pub source: String,
    /// The fingerprint of the scenario the sample was fitted on (its file's first line).
    pub fingerprint: u64,
    /// A hash of the sample ([`Posterior::digest`]): partials drawn from different samples
    /// are not merged.
    pub digest: u64,
    /// The number of particles in the sample.
    pub particles: u64,
    /// The keys each particle sets.
    pub keys: Vec<String>,
}

impl Posterior {
    /// A hash of the whole sample: 64-bit FNV-1a of its file text ([`Posterior::to_text`]),
    /// so two samples have the same digest when their files are the same bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::posterior::Posterior;
    /// let a = Posterior::new("S".into(), 1, vec!["a.b".into()], vec![1.0], vec![vec![0.5]]).unwrap();
    /// let mut b = a.clone();
    /// assert_eq!(a.digest(), b.digest());
    /// b.weights[0] = 2.0;
    /// assert_ne!(a.digest(), b.digest());
    /// ```
    pub fn digest(&self) -> u64 {
        crate::analysis::ensemble::fnv1a(self.to_text().as_bytes())
    }

    /// What a summary records of this sample, read from `source`.
    pub fn record(&self, source: &Path) -> PosteriorRecord {
        PosteriorRecord {
            source: source.display().to_string(),
            fingerprint: self.fingerprint,
            digest: self.digest(),
            particles: self.len() as u64,
            keys: self.keys.clone(),
        }
    }
}

/// Line 1 read: the scenario's name and fingerprint, or why not.
fn parse_first_line(line: &str) -> Result<(String, u64), String> {
    let expected = format!(
        "expected `{MAGIC}{FORMAT_VERSION}; scenario \"NAME\"; fingerprint 0123456789abcdef`"
    );
    if line.trim().is_empty() {
        return Err(format!("the first line is missing or empty; {expected}"));
    }
    let rest = line
        .strip_prefix(MAGIC)
        .ok_or_else(|| format!("not a geoalign posterior file; {expected}"))?;
    let (version, rest) = rest
        .split_once(';')
        .ok_or_else(|| format!("no `;` after the version; {expected}"))?;
    let version: u32 = version
        .trim()
        .parse()
        .map_err(|_| format!("the version `{}` is not a whole number", version.trim()))?;
    if version != FORMAT_VERSION {
        return Err(format!(
            "format version {version}; this geoalign reads version {FORMAT_VERSION}"
        ));
    }
    let rest = rest
        .trim_start()
        .strip_prefix("scenario ")
        .ok_or_else(|| format!("no `scenario \"NAME\"` after the version; {expected}"))?;
    let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<String>();
    let scenario = match stream.next() {
        Some(Ok(name)) if rest.starts_with('"') => name,
        _ => {
            return Err(format!(
                "the scenario's name is not a JSON string; {expected}"
            ))
        }
    };
    let rest = &rest[stream.byte_offset()..];
    let hex = rest
        .trim_end()
        .strip_prefix("; fingerprint ")
        .ok_or_else(|| format!("no `; fingerprint` after the scenario's name; {expected}"))?;
    if hex.len() != 16 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(format!(
            "the fingerprint `{hex}` is not 16 hexadecimal digits"
        ));
    }
    let fingerprint = u64::from_str_radix(hex, 16).map_err(|e| e.to_string())?;
    Ok((scenario, fingerprint))
}

/// The cumulative normalised weights of a [`Posterior`], summed once: many draws cost a
/// binary search each, and pick exactly the particles [`Posterior::draw`] picks.
#[derive(Clone, Debug, PartialEq)]
pub struct Sampler {
    cumulative: Vec<f64>,
}

impl Sampler {
    /// The particle that `u` picks (see [`Posterior::draw`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::posterior::Posterior;
    /// let p = Posterior::new("S".into(), 1, vec!["a.b".into()], vec![1.0, 3.0], vec![vec![0.0]; 2]).unwrap();
    /// let s = p.sampler();
    /// assert_eq!((s.draw(0.24), s.draw(0.25)), (0, 1));
    /// ```
    pub fn draw(&self, u: f64) -> usize {
        let u = if u.is_nan() { 0.0 } else { u };
        let i = self.cumulative.partition_point(|&c| c <= u);
        // u ≥ 1 (or a sampler of no particle): the last particle that can be drawn.
        i.min(self.cumulative.len().saturating_sub(1))
    }

    /// The particle run `run` of a job under `seed` draws: [`Sampler::draw`] of the first
    /// uniform of [`crate::sim::posterior_rng`]`(seed, run)`. Ensembles, comparisons and
    /// sweeps all draw through it, so run `r` takes the same particle in each.
    pub fn of_run(&self, seed: u64, run: u64) -> usize {
        use rand::RngExt;
        self.draw(crate::sim::posterior_rng(seed, run).random::<f64>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};

    fn sample() -> Posterior {
        Posterior::new(
            "History \"2014\"–2024, ünïcode".into(),
            0x0123_4567_89ab_cdef,
            vec![
                "parameters.noise".into(),
                "powers.Russia.coercion".into(),
                "drivers.institutions.CSTO.credibility[-1].value".into(),
            ],
            vec![0.25, 1e-300, 0.1 + 0.2, 0.0],
            vec![
                vec![0.031, 0.42, -0.0],
                vec![1.0 / 3.0, f64::MIN_POSITIVE, 123_456_789.123_456_78],
                vec![2f64.sqrt(), 5e-324, -7.5],
                vec![f64::MAX, 1e22, 0.1],
            ],
        )
        .unwrap()
    }

    fn parse(text: &str) -> Result<Posterior, PosteriorError> {
        Posterior::parse(text, Path::new("dir/post.csv"))
    }

    const HEAD: &str = "# geoalign posterior 1; scenario \"S\"; fingerprint 00000000000000ff\n";

    #[test]
    fn round_trip_is_bit_exact() {
        let p = sample();
        let dir = std::env::temp_dir().join(format!("geoalign-posterior-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("p.csv");
        p.write(&path).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        let back = Posterior::read(&path).unwrap();
        assert_eq!(back.scenario, p.scenario);
        assert_eq!(back.fingerprint, p.fingerprint);
        assert_eq!(back.keys, p.keys);
        let bits = |p: &Posterior| -> Vec<u64> {
            p.weights
                .iter()
                .chain(p.samples.iter().flatten())
                .map(|x| x.to_bits())
                .collect()
        };
        assert_eq!(bits(&back), bits(&p));
        // Byte-stable: writing what was read gives the same file.
        back.write(&path).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), bytes);
        assert!(String::from_utf8(bytes)
            .unwrap()
            .starts_with("# geoalign posterior 1; scenario \"History \\\"2014\\\"–2024, ünïcode\"; fingerprint 0123456789abcdef\nweight,parameters.noise,"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// Each bad input, the line its message must name and a phrase of its reason.
    #[test]
    fn bad_inputs_name_file_and_line() {
        let body = "weight,a.b,c.d\n1,0.1,0.2\n";
        let cases: Vec<(String, usize, &str)> = vec![
            (String::new(), 1, "missing or empty"),
            (format!("\n{body}"), 1, "missing or empty"),
            (
                "weight,a.b\n1,2\n".to_string(),
                1,
                "not a geoalign posterior",
            ),
            (
                format!(
                    "# geoalign posterior 2; scenario \"S\"; fingerprint 00000000000000ff\n{body}"
                ),
                1,
                "format version 2",
            ),
            (
                format!("# geoalign posterior 1; scenario S; fingerprint 00000000000000ff\n{body}"),
                1,
                "not a JSON string",
            ),
            (
                format!("# geoalign posterior 1; scenario \"S\"; fingerprint ff\n{body}"),
                1,
                "16 hexadecimal digits",
            ),
            (HEAD.to_string(), 2, "no header line"),
            (
                format!("{HEAD}w,a.b\n1,2\n"),
                2,
                "does not start with `weight`",
            ),
            (
                format!("{HEAD}weight,a.b,a.b\n1,2,3\n"),
                2,
                "`a.b` is given twice",
            ),
            (format!("{HEAD}weight,a..b\n1,2\n"), 2, "empty part"),
            (format!("{HEAD}weight,a.b,\n1,2,3\n"), 2, "empty part"),
            (
                format!("{HEAD}{body}1,0.1\n"),
                4,
                "2 fields; the header has 3",
            ),
            (format!("{HEAD}{body}1,0.1,0.2,0.3\n"), 4, "4 fields"),
            (
                format!("{HEAD}{body}x,0.1,0.2\n"),
                4,
                "column `weight`: `x` is not a number",
            ),
            (
                format!("{HEAD}{body}1,0.1,y\n"),
                4,
                "column `c.d`: `y` is not a number",
            ),
            (
                format!("{HEAD}{body}-1,0.1,0.2\n"),
                4,
                "column `weight`: the weight -1 is negative",
            ),
            (
                format!("{HEAD}{body}inf,0.1,0.2\n"),
                4,
                "the weight inf is not finite",
            ),
            (format!("{HEAD}{body}NaN,0.1,0.2\n"), 4, "not finite"),
            (
                format!("{HEAD}{body}1,nan,0.2\n"),
                4,
                "column `a.b`: the value NaN is not finite",
            ),
            (
                format!("{HEAD}{body}1,0.1,-inf\n"),
                4,
                "column `c.d`: the value -inf is not finite",
            ),
            (
                format!("{HEAD}weight,a.b\n0,1\n0,2\n"),
                3,
                "every weight of the 2 particles is 0",
            ),
            (format!("{HEAD}weight,a.b\n"), 3, "an empty posterior"),
            (format!("{HEAD}weight,a.b\n1,2\n\n"), 4, "1 fields"),
        ];
        for (text, line, phrase) in cases {
            let err = parse(&text).expect_err(&text).to_string();
            assert!(
                err.starts_with(&format!("dir/post.csv:{line}: ")),
                "{text:?}: {err}"
            );
            assert!(err.contains(phrase), "{text:?}: {err}");
        }
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_first_line() {
        let p = parse(&format!("\u{feff}{HEAD}weight,a.b\n1,2\n")).unwrap();
        assert_eq!(p.fingerprint, 255);
    }

    #[test]
    fn a_key_or_value_the_base_refuses_is_located() {
        let base = Base::builtin("builtin:eurasia-2025").unwrap();
        let with = |key: &str, value: f64| {
            Posterior::new(
                base.name().into(),
                base.fingerprint(),
                vec![key.into()],
                vec![1.0],
                vec![vec![value]],
            )
            .unwrap()
            .check_base(Path::new("p.csv"), &base)
            .unwrap_err()
            .to_string()
        };
        let err = with("parameters.nosie", 0.03);
        assert!(
            err.starts_with("p.csv:2: --param `parameters.nosie`: unknown field"),
            "{err}"
        );
        let err = with("parameters.noise", 5.0);
        assert!(err.starts_with("p.csv:3: "), "{err}");
        assert!(err.contains("parameters.noise"), "{err}");
    }

    #[test]
    fn a_file_that_cannot_be_read_is_named() {
        let err = Posterior::read(Path::new("/no/such/posterior.csv"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("/no/such/posterior.csv"), "{err}");
        let err = Posterior::read(&std::env::temp_dir())
            .unwrap_err()
            .to_string();
        assert!(err.contains("not a regular file"), "{err}");
    }

    #[test]
    fn a_mismatched_fingerprint_names_both_scenarios() {
        let p = sample();
        let err = p
            .check_fingerprint(Path::new("p.csv"), 0xfeed)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("p.csv:1: this posterior was fitted on scenario \"History"),
            "{err}"
        );
        assert!(err.contains("fingerprint 0123456789abcdef"), "{err}");
        assert!(err.contains("has fingerprint 000000000000feed"), "{err}");
        assert!(err.contains("re-run the calibration"), "{err}");
    }

    #[test]
    fn new_refuses_bad_shapes() {
        let k = || vec!["a.b".to_string()];
        let new = |keys, weights, samples| Posterior::new("S".into(), 0, keys, weights, samples);
        assert!(new(k(), vec![], vec![]).is_err());
        assert!(new(k(), vec![1.0], vec![vec![1.0], vec![2.0]]).is_err());
        assert!(new(k(), vec![1.0], vec![vec![1.0, 2.0]]).is_err());
        assert!(new(
            vec!["a.b".into(), "a.b".into()],
            vec![1.0],
            vec![vec![1.0, 2.0]]
        )
        .is_err());
        assert!(new(vec!["a,b".into()], vec![1.0], vec![vec![1.0]]).is_err());
        assert!(new(k(), vec![-0.5], vec![vec![1.0]]).is_err());
        assert!(new(k(), vec![1.0], vec![vec![f64::NAN]]).is_err());
        assert!(new(k(), vec![1.0], vec![vec![-1.0]]).is_ok());
    }

    #[test]
    fn draws_follow_the_weights() {
        // Unnormalised weights 1 : 0 : 2.5 : 1.5, i.e. 0.2, 0, 0.5, 0.3.
        let p = Posterior::new(
            "S".into(),
            0,
            vec!["a.b".into()],
            vec![1.0, 0.0, 2.5, 1.5],
            vec![vec![0.0]; 4],
        )
        .unwrap();
        let sampler = p.sampler();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(2024);
        let n = 100_000;
        let mut counts = [0u32; 4];
        for _ in 0..n {
            let u: f64 = rng.random();
            let i = sampler.draw(u);
            assert_eq!(i, p.draw(u));
            counts[i] += 1;
        }
        assert_eq!(counts[1], 0, "a particle of weight 0 is never drawn");
        // The standard error of a frequency near 0.5 from 100,000 draws is 0.0016: 0.008 is
        // five of them.
        for (i, expected) in [(0, 0.2), (2, 0.5), (3, 0.3)] {
            let f = f64::from(counts[i]) / f64::from(n);
            assert!(
                (f - expected).abs() < 0.008,
                "particle {i}: {f} vs {expected}"
            );
        }
        // The ends: 0 picks the first particle of weight > 0, anything at or above 1 the last.
        assert_eq!(
            [p.draw(0.0), p.draw(1.0), p.draw(7.0), p.draw(f64::NAN)],
            [0, 3, 3, 0]
        );
        assert_eq!(p.draw(0.2 - 1e-12), 0);
        assert_eq!(p.draw(0.2), 2);
        assert_eq!(p.draw(0.71), 3);
    }

    #[test]
    fn trailing_zero_weights_are_never_drawn() {
        let p = Posterior::new(
            "S".into(),
            0,
            vec!["a.b".into()],
            vec![0.1, 0.2, 0.0],
            vec![vec![0.0]; 3],
        )
        .unwrap();
        assert_eq!(p.draw(1.0 - f64::EPSILON), 1);
    }
}
