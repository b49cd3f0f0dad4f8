//! The file format of a comparison's and a sweep's partials: one JSON header line
//! `{"format", "job", "body_bytes", "sha256"}`, then the JSON body. The digest covers the
//! header's first three fields as JSON, the newline and the body, so a file changed after
//! geoalign wrote it is refused. (An ensemble's partial, [`super::partial`], has a header
//! of its own with the summary's dimensions, and streams its body both ways.)

use super::partial::{hex, Hashing, HEADER_LIMIT, MAX_PARTIAL_BYTES};
use super::{io_error, AtomicFile, OutputError};
use crate::files;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// The first line of a signed partial, describing the job of its kind `J`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Header<J> {
    format: String,
    job: J,
    body_bytes: u64,
    sha256: String,
}

/// The digest's state after the header's other fields and the newline.
fn prefix<J: Serialize>(format: &str, job: &J, body_bytes: u64) -> Sha256 {
    #[derive(Serialize)]
    struct Signed<'a, J> {
        format: &'a str,
        job: &'a J,
        body_bytes: u64,
    }
    // Serialising numbers, strings and a job of them cannot fail.
    let head = serde_json::to_vec(&Signed {
        format,
        job,
        body_bytes,
    })
    .unwrap_or_default();
    let mut hash = Sha256::new();
    hash.update(&head);
    hash.update(b"\n");
    hash
}

/// A partial's refusal, naming the file and the field.
pub(super) fn corrupt(path: &Path, field: &str, reason: impl Into<String>) -> OutputError {
    OutputError::CorruptPartial {
        path: path.to_path_buf(),
        field: field.into(),
        reason: reason.into(),
    }
}

/// Write `body` under a header of `format` and `job` at `path`, replaced atomically.
pub(super) fn write<J: Serialize>(
    path: &Path,
    format: &str,
    job: &J,
    body: &[u8],
) -> Result<(), OutputError> {
    let body_bytes = body.len() as u64;
    let mut hash = prefix(format, job, body_bytes);
    hash.update(body);
    let header = Header {
        format: format.to_string(),
        job,
        body_bytes,
        sha256: hex(hash),
    };
    let mut bytes = serde_json::to_vec(&header).map_err(|e| io_error(path, e))?;
    bytes.push(b'\n');
    bytes.extend_from_slice(body);
    AtomicFile::create(path, true)?.commit(&bytes)?;
    Ok(())
}

/// Read the partial at `path` and check its container: a regular file, a header line of
/// `format` within [`HEADER_LIMIT`] bytes, a body of exactly the size the header says and
/// no more than `max_body_bytes` of its job allows (checked before it is read; `too_large`
/// says why otherwise), and the digest. `kind` names the file in the refusals ("a sweep
/// partial"). Returns the job and the body; checking the body against the job is the
/// caller's.
pub(super) fn read<J, T>(
    path: &Path,
    format: &str,
    kind: &str,
    max_body_bytes: impl FnOnce(&J) -> Option<u64>,
    too_large: &str,
) -> Result<(J, T), OutputError>
where
    J: Serialize + DeserializeOwned,
    T: DeserializeOwned,
{
    let (file, size) = files::open_regular(path, MAX_PARTIAL_BYTES)?;
    let mut reader = BufReader::new(file);
    let mut head = Vec::new();
    (&mut reader)
        .take(HEADER_LIMIT)
        .read_until(b'\n', &mut head)
        .map_err(|e| io_error(path, e))?;
    let not_ours = |reason: String| OutputError::BadPartial {
        path: path.to_path_buf(),
        reason,
    };
    if head.last() != Some(&b'\n') {
        return Err(not_ours(format!(
            "no header line ({kind} starts with a one-line header)"
        )));
    }
    let header: Header<J> = serde_json::from_slice(&head[..head.len() - 1])
        .ok()
        .filter(|h: &Header<J>| h.format == format)
        .ok_or_else(|| not_ours(format!("its first line is not a `{format}` header")))?;
    let following = size.saturating_sub(head.len() as u64);
    if following != header.body_bytes {
        return Err(corrupt(
            path,
            "body_bytes",
            format!(
                "the header says {} bytes, the file has {following}",
                header.body_bytes
            ),
        ));
    }
    if max_body_bytes(&header.job).is_none_or(|most| header.body_bytes > most) {
        return Err(corrupt(path, "body_bytes", too_large));
    }
    let mut hashing = Hashing {
        inner: reader.take(header.body_bytes),
        hash: prefix(&header.format, &header.job, header.body_bytes),
        bytes: 0,
    };
    let parsed: Result<T, _> =
        serde_json::from_reader(BufReader::with_capacity(1 << 16, &mut hashing));
    let drained = std::io::copy(&mut hashing, &mut std::io::sink());
    if drained.is_err() || hashing.bytes != header.body_bytes || hex(hashing.hash) != header.sha256
    {
        return Err(corrupt(
            path,
            "sha256",
            "the digest does not match the content: the file was changed after geoalign wrote it, or damaged",
        ));
    }
    let body = parsed.map_err(|e| corrupt(path, "body", format!("{e} (line 2)")))?;
    Ok((header.job, body))
}
