//! The partial summary file a shard writes (`geoalign run --shard i/n --out DIR` writes
//! `partial-i-of-n.json`) and `geoalign merge` reads: two lines, a header, then the summary.
//!
//! ```text
//! {"format":"geoalign-partial/1","job":{…},"dimensions":{…},"body_bytes":10234,"sha256":"9f2c…"}
//! {"version":"0.4.0","scenario":"Eurasia 2025",…}
//! ```
//!
//! - **`job`** ([`Job`]): the crate version, the scenario's name and fingerprint, the seed,
//!   the runs planned for the whole ensemble, the shard count, the shards held and their runs.
//!   It must equal the body's own fields, and every partial of a merge must share all but the
//!   shards and runs, which is checked before a second file's body is read.
//! - **`dimensions`** ([`Dimensions`]): steps, states, powers, institutions, members per
//!   institution and categories per outcome. The body's size is bounded by them
//!   ([`max_body_bytes`]) and checked against the file's size before the body is read: a
//!   3 GB file is refused by its size, unread. The header itself is read with a bound of
//!   [`HEADER_LIMIT`].
//! - **`body_bytes`**: the body's exact length, without the newline that ends the header. A
//!   truncated or extended file is refused by its size.
//! - **`sha256`**: SHA-256 of the header's other fields, serialised as written (compact JSON,
//!   in the order above), a newline, and the body's exact bytes; lower-case hex. Any change
//!   to the file after it was written — a flipped digit anywhere, a count moved between two
//!   outcome categories, a copy of shard 0 relabelled as shard 1 — changes the digest.
//!
//! The digest is a checksum, not a signature: whoever edits a file can compute a new one.
//! So every partial read is also verified ([`Summary::verify`]): an edit with a recomputed
//! digest is still refused when it breaks a relation between the counts (see
//! [`crate::analysis::ensemble::verify`] for which relations catch which edits). An edit that
//! keeps every relation and recomputes the digest — counts moved between categories, or an
//! equal-sized shard relabelled, in header and body alike — is beyond what a file without a
//! secret key can show; rerunning the shard is the check then.
//!
//! A partial named like `partial-i-of-n.json` must hold shard `i` of `n` first: a renamed
//! copy is refused.

use super::OutputError;
use crate::analysis::ensemble::sketch::BINS;
use crate::analysis::ensemble::{Dimensions, EnsembleError, Summary};
use crate::files::{self, ReadError};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

/// The `format` tag of the header; a new layout gets a new number.
pub const FORMAT: &str = "geoalign-partial/1";

/// Bytes read at most for the header line. Reason: the header holds numbers and the
/// scenario's name only; 64 KiB holds the member counts of over 5,000 institutions.
pub const HEADER_LIMIT: u64 = 64 * 1024;

/// The most bytes a partial file may have, whatever its header says: 4 GiB. Reason: a
/// partial's JSON takes about half the memory of its summary (≈ 500 bytes against 850 per
/// cell); a job whose summary needs more than 8 GiB does not fit beside the merged copy and
/// the copy a merge works on on a 24 GiB machine. For scale, the Eurasia world's partial at
/// its 120-step horizon is 22.5 MB for 10 runs (three quarters of it the powers' actions,
/// docs/model.md §9.8), and bounded by about 95 MB for a million ([`max_body_bytes`]). Below this ceiling, each file's own dimensions bound it.
pub const MAX_PARTIAL_BYTES: u64 = 4 << 30;

/// Bytes allowed for each name in the body (a state, power, institution, member, outcome,
/// category, the scenario). Reason: generous beside the loader's names, whose longest JSON
/// form (escaped, multi-byte characters) stays well below it; it matters only for the size
/// bound, which the numbers dominate.
const NAME_BYTES: u64 = 4096;

/// Bytes allowed for one event-frequency cell in the body: `{"class":{"origin":…,"kind":…,
/// "response":[…,…],"power":…,"state":…,"institution":…},"row":…,"runs":…,"first":…,
/// "events":…}` is under 260 bytes with every number at its longest; the rest is margin.
const EVENT_CELL_JSON_BYTES: u64 = 400;

/// The job a partial belongs to (see the module docs); the header's copy must equal the
/// body's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Job {
    /// The crate version that wrote it.
    pub version: String,
    /// The scenario's name.
    pub scenario: String,
    /// The scenario's fingerprint ([`Summary::fingerprint`]).
    pub fingerprint: u64,
    /// The scenario's seed.
    pub seed: u64,
    /// Runs planned for the whole ensemble.
    pub planned_runs: u64,
    /// Number of shards of the ensemble.
    pub shard_count: u32,
    /// The shards the partial holds, ascending.
    pub shards: Vec<u32>,
    /// Runs the partial holds.
    pub runs: u64,
}

impl Job {
    /// The job of `summary`.
    pub fn of(summary: &Summary) -> Job {
        Job {
            version: summary.version.clone(),
            scenario: summary.scenario.clone(),
            fingerprint: summary.fingerprint,
            seed: summary.seed,
            planned_runs: summary.planned_runs,
            shard_count: summary.shard_count,
            shards: summary.shards.clone(),
            runs: summary.runs,
        }
    }

    /// The first field in which `self` and `other` differ, with both values.
    fn difference(&self, other: &Job) -> Option<(&'static str, String, String)> {
        let pair =
            |a: &dyn std::fmt::Debug, b: &dyn std::fmt::Debug| (format!("{a:?}"), format!("{b:?}"));
        let fields = [
            ("version", pair(&self.version, &other.version)),
            ("scenario", pair(&self.scenario, &other.scenario)),
            ("fingerprint", pair(&self.fingerprint, &other.fingerprint)),
            ("seed", pair(&self.seed, &other.seed)),
            (
                "planned_runs",
                pair(&self.planned_runs, &other.planned_runs),
            ),
            ("shard_count", pair(&self.shard_count, &other.shard_count)),
            ("shards", pair(&self.shards, &other.shards)),
            ("runs", pair(&self.runs, &other.runs)),
        ];
        fields
            .into_iter()
            .find(|(_, (a, b))| a != b)
            .map(|(f, (a, b))| (f, a, b))
    }
}

/// The first line of a partial file.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    format: String,
    job: Job,
    dimensions: Dimensions,
    body_bytes: u64,
    sha256: String,
}

/// What the digest covers of the header: every field but the digest, in the header's order.
#[derive(Serialize)]
struct Signed<'a> {
    format: &'a str,
    job: &'a Job,
    dimensions: &'a Dimensions,
    body_bytes: u64,
}

impl Header {
    /// A SHA-256 fed with this header's signed fields and the newline that ends the header:
    /// what the digest covers before the body.
    fn prefix(&self) -> Sha256 {
        let signed = Signed {
            format: &self.format,
            job: &self.job,
            dimensions: &self.dimensions,
            body_bytes: self.body_bytes,
        };
        // Serialising plain integers and strings cannot fail.
        let head = serde_json::to_vec(&signed).unwrap_or_default();
        let mut hash = Sha256::new();
        hash.update(&head);
        hash.update(b"\n");
        hash
    }

    /// The SHA-256 of this header's signed fields and `body`, in lower-case hex.
    fn digest_of(&self, body: &[u8]) -> String {
        let mut hash = self.prefix();
        hash.update(body);
        hex(hash)
    }
}

/// A finished digest in lower-case hex (also the manifest's, `super::atomic`).
pub(super) fn hex(hash: Sha256) -> String {
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// A writer that keeps nothing: it counts the bytes that pass and, if given a hash, feeds it
/// with them. Serialising into it measures and digests a body without holding it.
struct Tally {
    bytes: u64,
    hash: Option<Sha256>,
}

impl Write for Tally {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.bytes += buf.len() as u64;
        if let Some(hash) = &mut self.hash {
            hash.update(buf);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A reader that feeds a hash with every byte read through it and counts them (a partial's
/// body as it is parsed, an output file for the manifest).
pub(super) struct Hashing<R> {
    pub(super) inner: R,
    pub(super) hash: Sha256,
    pub(super) bytes: u64,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hash.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
}

/// Why bytes are not a valid partial; [`OutputError`] adds the file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PartialError {
    /// Not a partial file at all: no header, not JSON, another format.
    #[error("{0}")]
    NotAPartial(String),
    /// A partial whose content contradicts its digest, its header or itself.
    #[error("`{field}`: {reason}")]
    Corrupt {
        /// Where: a header field (`sha256`, `job.seed`, `dimensions.states`), `body`, or a
        /// JSON path into the summary (`alignment.hist[0..200]`).
        field: String,
        /// What is wrong.
        reason: String,
    },
}

fn corrupt(field: impl Into<String>, reason: impl Into<String>) -> PartialError {
    PartialError::Corrupt {
        field: field.into(),
        reason: reason.into(),
    }
}

impl From<EnsembleError> for PartialError {
    fn from(e: EnsembleError) -> PartialError {
        match e {
            EnsembleError::Corrupt { field, reason } => PartialError::Corrupt { field, reason },
            other => corrupt("body", other.to_string()),
        }
    }
}

impl PartialError {
    /// This error as the [`OutputError`] of file `path`.
    fn at(self, path: &Path) -> OutputError {
        let path = path.to_path_buf();
        match self {
            PartialError::NotAPartial(reason) => OutputError::BadPartial { path, reason },
            PartialError::Corrupt { field, reason } => OutputError::CorruptPartial {
                path,
                field,
                reason,
            },
        }
    }
}

/// The most bytes the body of a partial of `job` and `dimensions` can take: each number at
/// its longest for the job's runs (a count ≤ runs, a sum ≤ runs · 2⁵², a float as long as
/// serde_json writes one), each name at 4 KiB. `None` when it does not fit in a
/// `u64`.
///
/// # Examples
///
/// ```
/// use geoalign::analysis::ensemble::Ensemble;
/// use geoalign::output::partial::{encode, max_body_bytes, Job};
/// let part = Ensemble::new(geoalign::presets::eurasia_2025(), 4).shard("0/2".parse().unwrap()).run().unwrap();
/// let bound = max_body_bytes(&Job::of(&part), &part.dimensions()).unwrap();
/// assert!(encode(&part).unwrap().len() as u64 <= bound);
/// ```
pub fn max_body_bytes(job: &Job, dims: &Dimensions) -> Option<u64> {
    let digits = |n: u128| u64::from(n.checked_ilog10().unwrap_or(0)) + 1;
    // A number and the comma after it.
    let count = digits(u128::from(job.runs)) + 1;
    let sum = digits(u128::from(job.runs) << 52) + 1;
    // "-2.2250738585072014e-308" and a comma.
    const FLOAT: u64 = 25;
    let bins = u64::try_from(BINS).ok()?;
    let per_cell = (2 * sum + 2 * FLOAT).checked_add(bins.checked_mul(count)?)?;
    let cells = dims.cells()?;
    let total_cells = cells
        .sketches()
        .iter()
        .try_fold(0u64, |t, &(_, n, _)| t.checked_add(u64::try_from(n).ok()?))?;
    let members: u64 = dims
        .members
        .iter()
        .try_fold(0u64, |t, &m| t.checked_add(m))?;
    let categories: u64 = dims
        .outcomes
        .iter()
        .try_fold(0u64, |t, &c| t.checked_add(c))?;
    let names = [
        1,
        dims.states,
        dims.powers,
        dims.institutions,
        members,
        dims.outcomes.len() as u64,
        categories,
    ]
    .iter()
    .try_fold(0u64, |t, &n| t.checked_add(n))?
    .checked_mul(NAME_BYTES)?;
    // `{"suspended":…,"exited":…},` per member; one count per category; the shard list; the
    // keys, brackets, version and start date.
    let small = [
        members.checked_mul(2 * count + 32)?,
        categories.checked_mul(count)?,
        dims.series_counts()?.checked_mul(count)?,
        // One punishment count per recorded step and acting pair, and the pairs themselves.
        u64::try_from(cells.power).ok()?.checked_mul(count)?,
        dims.power_pairs.checked_mul(24)?,
        // An event cell: its class with every field at its longest, its row and three
        // counts (the events may outnumber the runs: at most 20 digits each).
        dims.event_cells.checked_mul(EVENT_CELL_JSON_BYTES)?,
        (job.shards.len() as u64).checked_mul(11)?,
        dims.institutions.checked_mul(8)?,
        4096,
    ];
    small.iter().try_fold(
        total_cells.checked_mul(per_cell)?.checked_add(names)?,
        |t, &n| t.checked_add(n),
    )
}

/// The partial file's bytes for `summary`: its header line and its JSON (see the module
/// docs). `write_partial` writes them; this function alone neither verifies nor writes.
///
/// # Errors
///
/// A summary that cannot be serialised (it cannot happen for one an ensemble produced).
///
/// # Examples
///
/// ```
/// use geoalign::analysis::ensemble::Ensemble;
/// use geoalign::output::partial::{decode, encode};
/// let part = Ensemble::new(geoalign::presets::eurasia_2025(), 4).shard("1/2".parse().unwrap()).run().unwrap();
/// let bytes = encode(&part).unwrap();
/// assert!(bytes.starts_with(b"{\"format\":\"geoalign-partial/1\""));
/// assert_eq!(decode(&bytes).unwrap(), part);
/// ```
pub fn encode(summary: &Summary) -> Result<Vec<u8>, serde_json::Error> {
    let mut bytes = Vec::new();
    encode_to(summary, &mut bytes)?;
    Ok(bytes)
}

/// Write the partial file's bytes for `summary` (as [`encode`] returns them) to `out`
/// without holding them: the body is serialised three times — to count its bytes, to digest
/// them under the header that names that count, and to write it after the header. The
/// serialisation is deterministic, so the three passes see the same bytes, and the memory a
/// partial needs beyond its summary is a buffer, not a copy of the file.
///
/// # Errors
///
/// What `out` reports, as a [`serde_json::Error`] (`is_io()`).
///
/// # Examples
///
/// ```
/// use geoalign::analysis::ensemble::Ensemble;
/// use geoalign::output::partial::{encode, encode_to};
/// let part = Ensemble::new(geoalign::presets::eurasia_2025(), 2).shard("0/2".parse().unwrap()).run().unwrap();
/// let mut streamed = Vec::new();
/// encode_to(&part, &mut streamed).unwrap();
/// assert_eq!(streamed, encode(&part).unwrap());
/// ```
pub fn encode_to<W: Write + ?Sized>(
    summary: &Summary,
    out: &mut W,
) -> Result<(), serde_json::Error> {
    let mut count = Tally {
        bytes: 0,
        hash: None,
    };
    serde_json::to_writer(&mut count, summary)?;
    let mut header = Header {
        format: FORMAT.to_string(),
        job: Job::of(summary),
        dimensions: summary.dimensions(),
        body_bytes: count.bytes,
        sha256: String::new(),
    };
    let mut digest = Tally {
        bytes: 0,
        hash: Some(header.prefix()),
    };
    serde_json::to_writer(&mut digest, summary)?;
    header.sha256 = digest.hash.map(hex).unwrap_or_default();
    serde_json::to_writer(&mut *out, &header)?;
    out.write_all(b"\n").map_err(serde_json::Error::io)?;
    serde_json::to_writer(&mut *out, summary)
}

/// Parse the header line (without its newline) and check its format tag.
fn parse_header(line: &[u8]) -> Result<Header, PartialError> {
    /// Only the tag, to tell a partial of another format or a damaged header from a file of
    /// another kind.
    #[derive(Deserialize)]
    struct Tag {
        format: Option<String>,
    }
    let not_a_partial = || {
        PartialError::NotAPartial(
            "its first line is not a partial's header (`{\"format\":\"geoalign-partial/1\",…}`); \
             a partial from an older geoalign cannot be merged: run the shard again"
                .into(),
        )
    };
    match serde_json::from_slice::<Header>(line) {
        Ok(header) if header.format == FORMAT => Ok(header),
        Ok(header) => Err(PartialError::NotAPartial(format!(
            "format `{}`, not `{FORMAT}` (written by another geoalign?)",
            header.format
        ))),
        Err(e) => match serde_json::from_slice::<Tag>(line) {
            Ok(Tag {
                format: Some(format),
            }) if format == FORMAT => Err(corrupt("header", format!("{e} (line 1)"))),
            Ok(Tag {
                format: Some(format),
            }) => Err(PartialError::NotAPartial(format!(
                "format `{format}`, not `{FORMAT}` (written by another geoalign?)"
            ))),
            _ => Err(not_a_partial()),
        },
    }
}

/// The header's body length, checked against the bytes that follow the header and against
/// the bound of its dimensions — before the body is read.
fn check_body_size(header: &Header, following: u64) -> Result<u64, PartialError> {
    if following != header.body_bytes {
        return Err(corrupt(
            "body_bytes",
            format!(
                "the header says {} bytes follow it, the file has {following} (truncated or \
                 appended to)",
                header.body_bytes
            ),
        ));
    }
    let bound = max_body_bytes(&header.job, &header.dimensions).unwrap_or(u64::MAX);
    if header.body_bytes > bound {
        return Err(corrupt(
            "body_bytes",
            format!(
                "{} bytes, more than the {bound} a summary of these dimensions and runs can take",
                header.body_bytes
            ),
        ));
    }
    Ok(header.body_bytes)
}

/// Split `bytes` after the header's newline.
fn split_header(bytes: &[u8]) -> Result<(&[u8], &[u8]), PartialError> {
    let limit = bytes.len().min(HEADER_LIMIT as usize);
    let end = bytes[..limit]
        .iter()
        .position(|&b| b == b'\n')
        .ok_or_else(|| {
            PartialError::NotAPartial(format!(
            "no header line in its first {limit} bytes (a partial starts with a one-line header)"
        ))
        })?;
    Ok((&bytes[..end], &bytes[end + 1..]))
}

/// The summary in the bytes of a partial file, checked: header, size, digest, body, the
/// summary's structure ([`Summary::verify`]), and that the header's job and dimensions are
/// the body's. Never panics, whatever the bytes.
///
/// # Errors
///
/// [`PartialError::NotAPartial`] for bytes of another kind, [`PartialError::Corrupt`] naming
/// the field for a partial changed since it was written.
///
/// # Examples
///
/// ```
/// use geoalign::analysis::ensemble::Ensemble;
/// use geoalign::output::partial::{decode, encode, PartialError};
/// let part = Ensemble::new(geoalign::presets::eurasia_2025(), 4).shard("0/2".parse().unwrap()).run().unwrap();
/// let mut bytes = encode(&part).unwrap();
/// let last = bytes.len() - 2;
/// bytes[last] ^= 1; // one bit of the body
/// assert!(matches!(decode(&bytes), Err(PartialError::Corrupt { field, .. }) if field == "sha256"));
/// ```
pub fn decode(bytes: &[u8]) -> Result<Summary, PartialError> {
    let (line, body) = split_header(bytes)?;
    let header = parse_header(line)?;
    check_body_size(&header, body.len() as u64)?;
    if header.digest_of(body) != header.sha256 {
        return Err(corrupt(
            "sha256",
            "the digest does not match the content: the file was changed after geoalign wrote \
             it, or damaged",
        ));
    }
    let summary: Summary =
        serde_json::from_slice(body).map_err(|e| corrupt("body", format!("{e} (line 2)")))?;
    checked(&header, summary)
}

/// `summary`, read from the body under `header`, verified ([`Summary::verify`]) and checked
/// to be what the header names (job and dimensions).
fn checked(header: &Header, summary: Summary) -> Result<Summary, PartialError> {
    summary.verify()?;
    if let Some((field, head, content)) = header.job.difference(&Job::of(&summary)) {
        return Err(corrupt(
            format!("job.{field}"),
            format!("the header says {head}, the content {content}"),
        ));
    }
    if header.dimensions != summary.dimensions() {
        return Err(corrupt(
            "dimensions",
            format!(
                "the header says {:?}, the content {:?}",
                header.dimensions,
                summary.dimensions()
            ),
        ));
    }
    Ok(summary)
}

/// The body that follows the header in `reader`, parsed as it is read and digested on the
/// way, so that only the summary is held, never the file's bytes: the digest is compared
/// first (as [`decode`] does), then the parse, then [`checked`].
fn read_body<R: Read>(header: &Header, reader: R, body: u64) -> Result<Summary, PartialError> {
    let mut hashing = Hashing {
        inner: reader.take(body),
        hash: header.prefix(),
        bytes: 0,
    };
    // Buffered above the digest, so the hash is fed in blocks rather than byte by byte.
    let parsed: Result<Summary, _> =
        serde_json::from_reader(BufReader::with_capacity(1 << 16, &mut hashing));
    // The digest covers every byte, also when the parse stopped early.
    let drained = std::io::copy(&mut hashing, &mut std::io::sink());
    if drained.is_err() || hashing.bytes != body {
        return Err(corrupt(
            "body_bytes",
            format!(
                "the header says {body} bytes, {} could be read (the file changed while it was read?)",
                hashing.bytes
            ),
        ));
    }
    if hex(hashing.hash) != header.sha256 {
        return Err(corrupt(
            "sha256",
            "the digest does not match the content: the file was changed after geoalign wrote \
             it, or damaged",
        ));
    }
    let summary = parsed.map_err(|e| corrupt("body", format!("{e} (line 2)")))?;
    checked(header, summary)
}

/// The shard and count a file name `partial-<i>-of-<n>.json` names, if it is one.
fn named_shard(path: &Path) -> Option<(u32, u32)> {
    let name = path.file_name()?.to_str()?;
    let (i, n) = name
        .strip_prefix("partial-")?
        .strip_suffix(".json")?
        .split_once("-of-")?;
    Some((i.parse().ok()?, n.parse().ok()?))
}

/// The header of `path`, read with a bound, its bytes, and the file's size.
fn read_head(path: &Path) -> Result<(Header, Vec<u8>, u64, BufReader<std::fs::File>), OutputError> {
    let (file, size) = files::open_regular(path, MAX_PARTIAL_BYTES)?;
    let io = |e: std::io::Error| ReadError::Io {
        path: path.to_path_buf(),
        source: e,
    };
    let mut reader = BufReader::new(file);
    let mut head = Vec::new();
    (&mut reader)
        .take(HEADER_LIMIT)
        .read_until(b'\n', &mut head)
        .map_err(io)?;
    let line = split_header(&head).map_err(|e| e.at(path))?.0;
    let header = parse_header(line).map_err(|e| e.at(path))?;
    Ok((header, head, size, reader))
}

/// Read and check the partial at `path` (see [`decode`]). When `like` is given, the file's
/// header must name the same job (all but shards and runs) and dimensions, which is checked
/// before its body is read.
fn read_checked(path: &Path, like: Option<&Summary>) -> Result<Summary, OutputError> {
    let (header, head, size, reader) = read_head(path)?;
    let following = size.saturating_sub(head.len() as u64);
    let body = check_body_size(&header, following).map_err(|e| e.at(path))?;
    if let Some((i, n)) = named_shard(path) {
        if header.job.shard_count != n || header.job.shards.first() != Some(&i) {
            return Err(PartialError::Corrupt {
                field: "job.shards".into(),
                reason: format!(
                    "the file is named for shard {i}/{n} but holds shards {:?} of {}",
                    header.job.shards, header.job.shard_count
                ),
            }
            .at(path));
        }
    }
    if let Some(first) = like {
        same_job(&header, first).map_err(|e| OutputError::Merge {
            path: path.to_path_buf(),
            source: e,
        })?;
    }
    read_body(&header, reader, body).map_err(|e| e.at(path))
}

/// The header names the job and dimensions of `first` (shards and runs aside), and shards
/// that `first` does not hold yet.
fn same_job(header: &Header, first: &Summary) -> Result<(), EnsembleError> {
    let twice = if first.is_complete() && first.shard_count != header.job.shard_count {
        header.job.shards.first()
    } else {
        header.job.shards.iter().find(|s| first.shards.contains(s))
    };
    if let Some(s) = twice {
        return Err(EnsembleError::Mismatch(format!(
            "shard {s}/{} is given twice; each shard may be merged once",
            header.job.shard_count
        )));
    }
    let mut job = Job::of(first);
    job.shards.clone_from(&header.job.shards);
    job.runs = header.job.runs;
    if let Some((field, a, b)) = job.difference(&header.job) {
        return Err(EnsembleError::Mismatch(format!(
            "{field} differs ({a} vs {b}): the partials come from different ensembles"
        )));
    }
    if !header.dimensions.same_shape(&first.dimensions()) {
        return Err(EnsembleError::Mismatch(
            "the partials have different dimensions: they come from different ensembles".into(),
        ));
    }
    Ok(())
}

/// Read the partial summary at `path`, checked (see the module docs): only a regular file,
/// never blocking, its size bounded by its header's dimensions before the body is read, its
/// digest, job and structure verified.
///
/// # Errors
///
/// [`OutputError::Read`] for a file that is not regular, too large or unreadable;
/// [`OutputError::BadPartial`] for one that is not a partial; [`OutputError::CorruptPartial`]
/// naming the field for one changed since it was written.
///
/// # Examples
///
/// ```
/// let missing = std::env::temp_dir().join(format!("geoalign-no-such-partial-{}.json", std::process::id()));
/// assert!(geoalign::output::read_partial(&missing).is_err());
/// ```
pub fn read_partial(path: &Path) -> Result<Summary, OutputError> {
    read_checked(path, None)
}

/// The `partial-*.json` entries of `dir`, sorted by name. An entry so named that is not a
/// regular file (a FIFO, a directory, a dangling link) is an error naming it: never skipped,
/// never opened.
///
/// # Examples
///
/// ```
/// let dir = std::env::temp_dir().join(format!("geoalign-doc-empty-dir-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// assert!(geoalign::output::partial_files(&dir).unwrap().is_empty());
/// ```
pub fn partial_files(dir: &Path) -> Result<Vec<PathBuf>, OutputError> {
    named_files(dir, "partial-")
}

/// The entries of `dir` named `<prefix>*.json`, sorted by name; one so named that is not a
/// regular file is an error naming it (the partials of each kind: [`partial_files`],
/// `comparison_partial_files`, `sweep_partial_files`).
pub(super) fn named_files(dir: &Path, prefix: &str) -> Result<Vec<PathBuf>, OutputError> {
    let io = |e| super::io_error(dir, e);
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if has_name(&path, prefix) {
            files::check_regular(&path, u64::MAX)?;
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Whether `path`'s file name is `<prefix>*.json`.
pub(super) fn has_name(path: &Path, prefix: &str) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with(prefix) && n.ends_with(".json"))
}

/// The memory a merge of partials of `dims` holds at its peak, beyond the process itself:
/// two summaries — the merged one and the partial being read, which is parsed as it is read
/// (never held as bytes) and added in place — each its sketches' cells at
/// [`SKETCH_CELL_BYTES`](crate::analysis::ensemble::memory::SKETCH_CELL_BYTES) and the
/// slack of [`SLACK_BYTES`](crate::analysis::ensemble::memory::SLACK_BYTES). `None` when it
/// does not fit in a `u64`.
///
/// # Examples
///
/// ```
/// use geoalign::analysis::ensemble::Ensemble;
/// use geoalign::output::partial::merge_bytes;
/// let part = Ensemble::new(geoalign::presets::eurasia_2025(), 2).shard("0/2".parse().unwrap()).run().unwrap();
/// let bytes = merge_bytes(&part.dimensions()).unwrap();
/// assert!(bytes > 2 * 50_000 * 848 && bytes < 128 << 20);
/// ```
pub fn merge_bytes(dims: &Dimensions) -> Option<u64> {
    use crate::analysis::ensemble::memory::{SKETCH_CELL_BYTES, SLACK_BYTES};
    let cells = dims.cells()?;
    let total = cells
        .sketches()
        .iter()
        .try_fold(0u64, |t, &(_, n, _)| t.checked_add(u64::try_from(n).ok()?))?;
    // Each outcome series count is a u64, in both summaries.
    let series = dims.series_counts()?.checked_mul(8 * 2)?;
    // Each punishment count is a u64, in both summaries.
    let punished = u64::try_from(cells.power).ok()?.checked_mul(8 * 2)?;
    total
        .checked_mul(SKETCH_CELL_BYTES)?
        .checked_mul(2)?
        .checked_add(SLACK_BYTES)?
        .checked_add(series)?
        .checked_add(punished)
}

/// [`merge_partials`] under a memory limit: the first file's header gives the dimensions,
/// from which the merge's peak is predicted ([`merge_bytes`], plus what the process holds
/// already) before any body is read; a merge over `limit` is refused.
///
/// # Errors
///
/// [`OutputError::MemoryLimit`] naming the estimate and the limit; otherwise as
/// [`merge_partials`].
///
/// # Examples
///
/// ```
/// use geoalign::analysis::ensemble::{Ensemble, Shard};
/// use geoalign::output::{merge_partials_within, write_partial, OutputError};
/// let dir = std::env::temp_dir().join(format!("geoalign-doc-merge-within-{}", std::process::id()));
/// let part = Ensemble::new(geoalign::presets::eurasia_2025(), 2).shard(Shard { index: 0, count: 2 }).run().unwrap();
/// let file = write_partial(&dir, &part).unwrap();
/// let refused = merge_partials_within(&[file], 1 << 20).unwrap_err();
/// assert!(matches!(refused, OutputError::MemoryLimit { .. }));
/// ```
pub fn merge_partials_within(files: &[PathBuf], limit: u64) -> Result<Summary, OutputError> {
    use crate::analysis::ensemble::memory::{resident_memory, PROCESS_BYTES};
    let first = files.first().ok_or(OutputError::NoPartials)?;
    let (header, ..) = read_head(first)?;
    let estimate = merge_bytes(&header.dimensions)
        .and_then(|m| m.checked_add(resident_memory().unwrap_or(PROCESS_BYTES)))
        .unwrap_or(u64::MAX);
    if estimate > limit {
        return Err(OutputError::MemoryLimit {
            path: first.clone(),
            estimate,
            limit,
        });
    }
    merge_partials(files)
}

/// Read the partials `files` one at a time and merge them ([`Summary::merge`]): each is
/// checked as [`read_partial`] does, and its header is compared with the first file's job
/// before its body is read. The result may be incomplete ([`Summary::is_complete`]).
///
/// # Errors
///
/// As [`read_partial`], and [`OutputError::Merge`] naming the file that does not belong with
/// the first (another ensemble, a shard held twice); [`OutputError::NoPartials`] when
/// `files` is empty.
///
/// # Examples
///
/// ```
/// use geoalign::analysis::ensemble::{Ensemble, Shard};
/// let s = geoalign::presets::eurasia_2025();
/// let dir = std::env::temp_dir().join(format!("geoalign-doc-merge-{}", std::process::id()));
/// for index in 0..2 {
///     let part = Ensemble::new(s.clone(), 4).shard(Shard { index, count: 2 }).run().unwrap();
///     geoalign::output::write_partial(&dir, &part).unwrap();
/// }
/// let files = geoalign::output::partial_files(&dir).unwrap();
/// let merged = geoalign::output::merge_partials(&files).unwrap();
/// assert_eq!(merged, Ensemble::new(s, 4).run().unwrap());
/// ```
pub fn merge_partials(files: &[PathBuf]) -> Result<Summary, OutputError> {
    let (first, rest) = files.split_first().ok_or(OutputError::NoPartials)?;
    let mut merged = read_partial(first)?;
    for path in rest {
        let part = read_checked(path, Some(&merged))?;
        merged.merge(&part).map_err(|e| OutputError::Merge {
            path: path.clone(),
            source: e,
        })?;
    }
    Ok(merged)
}
