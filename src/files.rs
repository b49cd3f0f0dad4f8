//! Reading input files without surprises: only regular files, never a blocking open, and the
//! size bound applied before a byte is read.
//!
//! Every path geoalign reads from a user — scenario files, their `extends` targets, shards'
//! partial summaries — goes through [`read_regular`]. A FIFO, a socket, a device or a
//! directory is refused at once with its kind named: opening a FIFO for reading would wait for
//! a writer that may never come, and a device such as `/dev/zero` never ends.
//!
//! ```
//! use geoalign::files::{read_regular, ReadError};
//! let dir = std::env::temp_dir();
//! // A directory is not a regular file.
//! assert!(matches!(read_regular(&dir, 1024), Err(ReadError::NotRegular { .. })));
//! ```

use std::fs::{File, Metadata, OpenOptions};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Why a file could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The path names something other than a regular file.
    #[error("{}: is a {kind}, not a regular file", path.display())]
    NotRegular {
        /// The path as given.
        path: PathBuf,
        /// What it is: `directory`, `FIFO`, `socket`, `character device`, `block device`.
        kind: &'static str,
    },
    /// The file is larger than the caller's bound.
    #[error("{}: {size} bytes; the limit is {limit} bytes", path.display())]
    TooLarge {
        /// The path as given.
        path: PathBuf,
        /// Its size in bytes.
        size: u64,
        /// The bound.
        limit: u64,
    },
    /// The operating system refused (missing file, permission, I/O error).
    #[error("{}: {source}", path.display())]
    Io {
        /// The path as given.
        path: PathBuf,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },
}

impl ReadError {
    /// The path the error is about.
    pub fn path(&self) -> &Path {
        match self {
            ReadError::NotRegular { path, .. }
            | ReadError::TooLarge { path, .. }
            | ReadError::Io { path, .. } => path,
        }
    }
}

/// What a file system entry is, in words, for an error message.
pub fn kind_of(meta: &Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_dir() {
        return "directory";
    }
    if t.is_file() {
        return "regular file";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "FIFO";
        }
        if t.is_socket() {
            return "socket";
        }
        if t.is_char_device() {
            return "character device";
        }
        if t.is_block_device() {
            return "block device";
        }
    }
    "special file"
}

/// Open `path` for reading without ever blocking: on Unix with `O_NONBLOCK`, so that a FIFO
/// that slipped past the check before opening (replaced in between) opens at once instead of
/// waiting for a writer; regular files ignore the flag.
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

/// Check that `path` is a regular file of at most `limit` bytes, without opening it.
///
/// # Errors
///
/// [`ReadError::NotRegular`], [`ReadError::TooLarge`], or [`ReadError::Io`] when it cannot be
/// examined (it does not exist, a directory on the way is unreadable).
pub fn check_regular(path: &Path, limit: u64) -> Result<u64, ReadError> {
    let io = |source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    check_meta(path, &meta, limit)
}

fn check_meta(path: &Path, meta: &Metadata, limit: u64) -> Result<u64, ReadError> {
    if !meta.is_file() {
        return Err(ReadError::NotRegular {
            path: path.to_path_buf(),
            kind: kind_of(meta),
        });
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge {
            path: path.to_path_buf(),
            size: meta.len(),
            limit,
        });
    }
    Ok(meta.len())
}

/// Open the regular file `path`, of at most `limit` bytes, for reading; returns it with its
/// size. For a reader that reads part of a file (a header) before deciding how much more it
/// may read; [`read_regular`] reads the whole file.
///
/// The kind and the size are checked before opening and again on the opened handle (a file
/// swapped for a FIFO in between is still refused); the open never blocks. The caller bounds
/// its reads itself (`Read::take`): the file may grow after the check.
///
/// # Errors
///
/// As [`read_regular`].
///
/// # Examples
///
/// ```
/// use std::io::Read;
/// let path = std::env::temp_dir().join(format!("geoalign-doc-open-{}", std::process::id()));
/// std::fs::write(&path, "header\nbody").unwrap();
/// let (file, size) = geoalign::files::open_regular(&path, 100).unwrap();
/// let mut first = String::new();
/// file.take(6).read_to_string(&mut first).unwrap();
/// assert_eq!((first.as_str(), size), ("header", 11));
/// ```
pub fn open_regular(path: &Path, limit: u64) -> Result<(File, u64), ReadError> {
    let io = |source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    };
    check_regular(path, limit)?;
    let file = open_nonblocking(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    let size = check_meta(path, &meta, limit)?;
    Ok((file, size))
}

/// The bytes of the regular file `path`, which must hold at most `limit` bytes.
///
/// The kind and the size are checked before reading (on the opened handle as well, so a file
/// swapped for a FIFO between the check and the open is still refused), and the read stops
/// after `limit + 1` bytes, so a file growing while it is read cannot exceed the bound either.
///
/// # Errors
///
/// [`ReadError::NotRegular`] for a directory, FIFO, socket or device; [`ReadError::TooLarge`]
/// over `limit`; [`ReadError::Io`] for everything the operating system refuses.
pub fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let io = |source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let (file, size) = open_regular(path, limit)?;
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            path: path.to_path_buf(),
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_regular_file_within_the_bound_is_read_whole() {
        let path = std::env::temp_dir().join(format!("geoalign-files-{}", std::process::id()));
        std::fs::write(&path, b"abc").unwrap();
        assert_eq!(read_regular(&path, 3).unwrap(), b"abc");
        let too_large = read_regular(&path, 2).unwrap_err();
        assert!(matches!(
            too_large,
            ReadError::TooLarge {
                size: 3,
                limit: 2,
                ..
            }
        ));
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn a_directory_and_a_device_are_refused_by_kind() {
        let dir = read_regular(&std::env::temp_dir(), 10).unwrap_err();
        assert!(matches!(
            dir,
            ReadError::NotRegular {
                kind: "directory",
                ..
            }
        ));
        #[cfg(unix)]
        {
            let dev = read_regular(Path::new("/dev/zero"), 10).unwrap_err();
            assert!(matches!(
                dev,
                ReadError::NotRegular {
                    kind: "character device",
                    ..
                }
            ));
        }
    }

    #[test]
    fn a_missing_file_is_an_io_error_naming_it() {
        let e = read_regular(Path::new("/no/such/geoalign/file"), 10).unwrap_err();
        assert!(matches!(e, ReadError::Io { .. }));
        assert!(e.to_string().starts_with("/no/such/geoalign/file: "));
    }
}
