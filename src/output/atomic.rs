//! Atomic outputs: every file of one output set is written into a staging directory beside
//! the target, fsynced, listed in a manifest written last, and the staged directory is then
//! put into place by rename, so that a reader — or the next run — finds either the complete
//! previous outputs or the complete new ones, never a mixture.
//!
//! # The sequence
//!
//! 1. [`OutputDir::stage`] (before the run, so an unwritable target fails at once): recover
//!    what an earlier killed run left beside the target (see below), inspect the target, and
//!    create the staging directory `.<name>.geoalign-staging-<pid>` in the target's parent —
//!    the same file system, so the final renames cannot turn into copies.
//! 2. The writers put each file into the staging directory, each written whole and fsynced.
//!    A failed write (full disk, permission) removes the staging directory and reports the
//!    file by its final name; the target is not touched.
//! 3. [`Staging::commit`] writes `manifest.json` last (format tag, crate version, command,
//!    each file with its size and SHA-256), then:
//!    * a missing or empty target: one `rename(2)` of the staging directory onto it;
//!    * an existing target (allowed only with [`OutputDir::force`], see below): every entry of
//!      the target that its previous manifest does not list (a user's notes, the partials of a
//!      merge) is carried into the staging directory as a hard link (a copy where the file
//!      system has none), then the two directories are swapped in one step with
//!      `renameat2(RENAME_EXCHANGE)` (Linux) and the previous set, now at the staging name,
//!      is removed. Where the exchange is not available (another system, or a file system
//!      refusing it) the target is renamed to `.<name>.geoalign-previous-<pid>` and the staged
//!      directory renamed onto the target.
//!
//! # Crash windows
//!
//! * Killed before the swap: the target is untouched; the staging directory is left over and
//!   removed by the next write to the same target.
//! * Killed after the exchange, before the previous set is removed: the target holds the
//!   complete new outputs; the previous set sits at the staging name and is removed by the next
//!   write to the target.
//! * Without the exchange, killed between its two renames: the target path is briefly absent
//!   and the complete previous outputs are at `.<name>.geoalign-previous-<pid>`; the next write
//!   to the target renames them back first. This window exists only on that fallback path.
//! * Power loss: files and directories are fsynced before the swap and the parent after it,
//!   so the journal holds either the old or the new directory entry.
//! * A leftover is recognised as dead by its process id (`/proc/<pid>` absent); outside Linux
//!   leftovers are never removed automatically and can be deleted by hand (their names say
//!   what they are).
//!
//! # What `force` may do
//!
//! * Without it, the target must be missing, empty, or hold only shard partials
//!   (`partial-*.json` or `sweep-partial-*.json`, which a merge writes beside); anything else
//!   is refused before the run.
//! * With it, the files the previous manifest lists are replaced (a stale chart of a state no
//!   longer in the world disappears), and every other entry is kept. A directory without a
//!   manifest is written into the same way, keeping all of its entries; an existing entry
//!   with the name of a new output is refused rather than overwritten, since geoalign did not
//!   write it. `force` never deletes a file no manifest lists.
//!
//! A test hook: `GEOALIGN_TEST_PAUSE_MS` set to a number of milliseconds makes the writer
//! sleep that long after each staged file and after the swap, so tests can kill it at a
//! known step.

use super::{io_error, OutputError};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The file naming an output directory's contents; written last.
pub const MANIFEST: &str = "manifest.json";

/// The manifest's format tag: its presence marks a directory geoalign wrote.
const FORMAT: &str = "geoalign-output/1";

/// `manifest.json`: which files one output set consists of.
#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    format: String,
    geoalign_version: String,
    command: String,
    files: Vec<ManifestFile>,
}

/// One file of a manifest: its path inside the output directory (`/`-separated), its size
/// and its SHA-256 (lower-case hex), so that a reader can check that a file is the one this
/// run wrote (`sha256sum`), as shards' partials are checked.
#[derive(Debug, Serialize, Deserialize)]
struct ManifestFile {
    path: String,
    bytes: u64,
    sha256: String,
}

/// The size and SHA-256 (lower-case hex) of the file at `path`, read in blocks through the
/// partials' digesting reader.
fn size_and_digest(path: &Path) -> Result<(u64, String), OutputError> {
    use super::partial::{hex, Hashing};
    use sha2::Digest;
    let file = File::open(path).map_err(|e| io_error(path, e))?;
    let mut hashing = Hashing {
        inner: file,
        hash: sha2::Sha256::new(),
        bytes: 0,
    };
    std::io::copy(&mut hashing, &mut std::io::sink()).map_err(|e| io_error(path, e))?;
    Ok((hashing.bytes, hex(hashing.hash)))
}

/// Where an output set goes and whether earlier outputs there may be replaced.
///
/// # Examples
///
/// ```
/// use geoalign::analysis::ensemble::Ensemble;
/// use geoalign::output::OutputDir;
/// let summary = Ensemble::new(geoalign::presets::eurasia_2025(), 2).run().unwrap();
/// let dir = std::env::temp_dir().join(format!("geoalign-doc-output-dir-{}", std::process::id()));
/// # let _ = std::fs::remove_dir_all(&dir);
/// OutputDir::new(&dir).write_summary(&summary).unwrap();
/// // A second write into the same directory needs `force`.
/// assert!(OutputDir::new(&dir).write_summary(&summary).is_err());
/// OutputDir::new(&dir).force(true).write_summary(&summary).unwrap();
/// assert!(dir.join("manifest.json").is_file());
/// ```
#[derive(Debug, Clone)]
pub struct OutputDir {
    target: PathBuf,
    force: bool,
    command: String,
}

impl OutputDir {
    /// Outputs into `target` (created if missing), refusing a non-empty directory.
    pub fn new(target: impl Into<PathBuf>) -> OutputDir {
        OutputDir {
            target: target.into(),
            force: false,
            command: String::new(),
        }
    }

    /// Allow replacing the outputs of an earlier run (the files its manifest lists) and
    /// writing beside files geoalign did not write (kept, never overwritten).
    pub fn force(mut self, force: bool) -> OutputDir {
        self.force = force;
        self
    }

    /// The command recorded in the manifest (the CLI records its arguments).
    pub fn command(mut self, command: impl Into<String>) -> OutputDir {
        self.command = command.into();
        self
    }

    /// Check the target and create the staging directory beside it; call it before a long
    /// run so an unwritable or occupied target fails at once.
    pub fn stage(&self) -> Result<Staging, OutputError> {
        let resolved = resolve(&self.target)?;
        recover_leftovers(&resolved)?;
        inspect(&self.target, &resolved.path, self.force)?;
        let staging = resolved.sibling("staging", std::process::id());
        if staging.exists() {
            std::fs::remove_dir_all(&staging).map_err(|e| beside(&self.target, &staging, e))?;
        }
        std::fs::create_dir(&staging).map_err(|e| beside(&self.target, &staging, e))?;
        Ok(Staging {
            target: self.target.clone(),
            resolved,
            staging,
            command: self.command.clone(),
            files: Vec::new(),
            pause: test_pause(),
            committed: false,
        })
    }
}

/// What the target held when staging began.
#[derive(Debug)]
enum Previous {
    /// Missing or empty: the staged directory is renamed onto it.
    Nothing,
    /// Entries to keep, and the files of the previous manifest to replace.
    Entries { listed: HashSet<PathBuf> },
}

/// An output set being written: files go into a staging directory until [`Staging::commit`]
/// puts them into place; dropped without a commit, the staging directory is removed and the
/// target is unchanged.
#[derive(Debug)]
pub struct Staging {
    target: PathBuf,
    resolved: Resolved,
    staging: PathBuf,
    command: String,
    files: Vec<PathBuf>,
    pause: Option<std::time::Duration>,
    committed: bool,
}

impl Staging {
    /// The target directory as given.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Register the output file `relative` (a path inside the target) and return where to
    /// write it now. Two outputs with one name are refused: the second would replace the first.
    pub(crate) fn file(&mut self, relative: impl AsRef<Path>) -> Result<PathBuf, OutputError> {
        let relative = relative.as_ref().to_path_buf();
        if self.files.contains(&relative) {
            return Err(OutputError::Io {
                path: self.target.join(&relative),
                reason: "two outputs would be written to this one file".into(),
            });
        }
        self.pause();
        let staged = self.staging.join(&relative);
        if let Some(parent) = staged.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io_error(parent, e))?;
        }
        self.files.push(relative);
        Ok(staged)
    }

    /// Report an error met while writing into the staging directory under the file's final
    /// name, saying that the target is unchanged.
    pub(crate) fn unchanged(&self, err: OutputError) -> OutputError {
        match err {
            OutputError::Io { path, reason } => {
                let path = match path.strip_prefix(&self.staging) {
                    Ok(inside) => self.target.join(inside),
                    Err(_) => path,
                };
                OutputError::NotWritten {
                    path,
                    reason,
                    target: self.target.clone(),
                }
            }
            other => other,
        }
    }

    /// Write the manifest and put the staged files into place (see the module docs); returns
    /// the files now in the target, the manifest last.
    pub fn commit(mut self) -> Result<Vec<PathBuf>, OutputError> {
        self.pause();
        self.write_manifest().map_err(|e| self.unchanged(e))?;
        // What the target holds now (another run may have written it meanwhile); `force` was
        // settled when staging began, so only the previous manifest's list is read again.
        let previous =
            inspect(&self.target, &self.resolved.path, true).map_err(|e| self.unchanged(e))?;
        let old = match &previous {
            Previous::Nothing => {
                std::fs::rename(&self.staging, &self.resolved.path)
                    .map_err(|e| self.swap_error(e))?;
                None
            }
            Previous::Entries { listed } => {
                let staged: HashSet<PathBuf> = self.files.iter().cloned().collect();
                let carry = Carry {
                    from: &self.resolved.path,
                    to: &self.staging,
                    target: &self.target,
                    listed,
                    staged: &staged,
                };
                carry.dir(Path::new("")).map_err(|e| self.unchanged(e))?;
                Some(self.swap()?)
            }
        };
        self.committed = true;
        sync_dir(&self.resolved.parent);
        if let Some(old) = old {
            self.pause();
            std::fs::remove_dir_all(&old).map_err(|e| {
                io_error(&old, format!("the new outputs are in place, but the previous ones could not be removed: {e}"))
            })?;
        }
        let mut files: Vec<PathBuf> = self.files.iter().map(|f| self.target.join(f)).collect();
        files.push(self.target.join(MANIFEST));
        Ok(files)
    }

    fn write_manifest(&mut self) -> Result<(), OutputError> {
        let mut files = Vec::with_capacity(self.files.len());
        for relative in &self.files {
            let staged = self.staging.join(relative);
            let (bytes, sha256) = size_and_digest(&staged)?;
            let path: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            files.push(ManifestFile {
                path: path.join("/"),
                bytes,
                sha256,
            });
        }
        let manifest = Manifest {
            format: FORMAT.into(),
            geoalign_version: env!("CARGO_PKG_VERSION").into(),
            command: self.command.clone(),
            files,
        };
        let path = self.staging.join(MANIFEST);
        let text = serde_json::to_string_pretty(&manifest).map_err(|e| io_error(&path, e))?;
        write_file(&path, text.as_bytes())?;
        sync_tree(&self.staging);
        Ok(())
    }

    /// Swap the staged directory with the existing target; returns where the previous
    /// outputs now are (to be removed).
    fn swap(&self) -> Result<PathBuf, OutputError> {
        let target = &self.resolved.path;
        if exchange(&self.staging, target).map_err(|e| self.swap_error(e))? {
            return Ok(self.staging.clone());
        }
        let previous = self.resolved.sibling("previous", std::process::id());
        std::fs::rename(target, &previous).map_err(|e| self.swap_error(e))?;
        if let Err(e) = std::fs::rename(&self.staging, target) {
            // Put the previous outputs back; if even that fails, the next run restores them.
            let _ = std::fs::rename(&previous, target);
            return Err(self.swap_error(e));
        }
        Ok(previous)
    }

    fn swap_error(&self, e: std::io::Error) -> OutputError {
        OutputError::NotWritten {
            path: self.target.clone(),
            reason: format!("cannot put the new outputs in place: {e}"),
            target: self.target.clone(),
        }
    }

    fn pause(&self) {
        if let Some(d) = self.pause {
            std::thread::sleep(d);
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            // Best effort: a staging directory left behind is removed by the next run.
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

/// The test hook of the module docs.
fn test_pause() -> Option<std::time::Duration> {
    std::env::var("GEOALIGN_TEST_PAUSE_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map(std::time::Duration::from_millis)
}

/// The target with its parent and name resolved, so renames work for `.`, relative paths and
/// links.
#[derive(Debug)]
struct Resolved {
    path: PathBuf,
    parent: PathBuf,
    name: String,
}

impl Resolved {
    /// `.<name>.geoalign-<kind>-<pid>` beside the target.
    fn sibling(&self, kind: &str, pid: u32) -> PathBuf {
        self.parent
            .join(format!(".{}.geoalign-{kind}-{pid}", self.name))
    }
}

fn resolve(target: &Path) -> Result<Resolved, OutputError> {
    // An existing target is resolved through symbolic links, so that the directory a link
    // points to is replaced, not the link.
    let path = match std::fs::symlink_metadata(target) {
        Ok(_) => std::fs::canonicalize(target),
        Err(_) => std::path::absolute(target),
    }
    .map_err(|e| io_error(target, e))?;
    let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
        return Err(io_error(
            target,
            "cannot write outputs over the root directory",
        ));
    };
    std::fs::create_dir_all(parent)
        .map_err(|e| io_error(target, format!("cannot create its parent directory: {e}")))?;
    Ok(Resolved {
        parent: parent.to_path_buf(),
        name: name.to_string_lossy().into_owned(),
        path,
    })
}

fn beside(target: &Path, staging: &Path, e: std::io::Error) -> OutputError {
    io_error(
        target,
        format!(
            "cannot write here: creating the staging directory {} failed: {e}",
            staging.display()
        ),
    )
}

/// What the target holds, refusing what `force` does not allow.
fn inspect(target: &Path, path: &Path, force: bool) -> Result<Previous, OutputError> {
    let entries = match std::fs::read_dir(path) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Previous::Nothing),
        Err(_) if path.exists() && !path.is_dir() => {
            return Err(io_error(target, "exists and is not a directory"))
        }
        Err(e) => return Err(io_error(target, e)),
    };
    let names: Vec<String> = entries
        .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<Result<_, _>>()
        .map_err(|e| io_error(target, e))?;
    if names.is_empty() {
        return Ok(Previous::Nothing);
    }
    let manifest_path = path.join(MANIFEST);
    let listed = if names.iter().any(|n| n == MANIFEST) {
        let manifest = read_manifest(&manifest_path, target)?;
        if !force {
            return Err(OutputError::EarlierOutputs {
                dir: target.to_path_buf(),
            });
        }
        manifest
            .files
            .iter()
            .map(|f| PathBuf::from(&f.path))
            .collect()
    } else {
        if !force && !names.iter().all(|n| is_partial_name(n)) {
            return Err(OutputError::NotOutputs {
                dir: target.to_path_buf(),
            });
        }
        HashSet::new()
    };
    let mut listed: HashSet<PathBuf> = listed;
    listed.insert(PathBuf::from(MANIFEST));
    Ok(Previous::Entries { listed })
}

fn read_manifest(path: &Path, target: &Path) -> Result<Manifest, OutputError> {
    let text = crate::files::read_regular(path, MANIFEST_LIMIT)
        .map_err(|e| io_error(&target.join(MANIFEST), e))?;
    let manifest: Manifest = serde_json::from_slice(&text).map_err(|e| {
        io_error(
            &target.join(MANIFEST),
            format!("not a geoalign manifest ({e}); remove it to write here"),
        )
    })?;
    if manifest.format != FORMAT {
        return Err(io_error(
            &target.join(MANIFEST),
            format!(
                "manifest format `{}`, this geoalign writes `{FORMAT}`; remove it to write here",
                manifest.format
            ),
        ));
    }
    Ok(manifest)
}

/// Largest manifest read: a line per file, and even the futures' output lists a few dozen.
const MANIFEST_LIMIT: u64 = 1 << 20;

/// `partial-*.json`, the files `run --shard` writes, and `sweep-partial-*.json`, those of
/// `sweep --shard`.
fn is_partial_name(name: &str) -> bool {
    (name.starts_with("partial-") || name.starts_with("sweep-partial-")) && name.ends_with(".json")
}

/// Remove or restore what a killed run left beside `resolved` (see the module docs).
fn recover_leftovers(resolved: &Resolved) -> Result<(), OutputError> {
    let Ok(entries) = std::fs::read_dir(&resolved.parent) else {
        return Ok(());
    };
    let prefix = format!(".{}.geoalign-", resolved.name);
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(&prefix) else {
            continue;
        };
        let Some((kind, pid)) = rest.rsplit_once('-') else {
            continue;
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        if !matches!(kind, "staging" | "previous") || process_alive(pid) {
            continue;
        }
        let leftover = entry.path();
        if kind == "previous" && !resolved.path.exists() {
            std::fs::rename(&leftover, &resolved.path).map_err(|e| {
                io_error(
                    &leftover,
                    format!(
                        "holds the outputs of an interrupted run and could not be restored: {e}"
                    ),
                )
            })?;
        } else {
            std::fs::remove_dir_all(&leftover).map_err(|e| {
                io_error(
                    &leftover,
                    format!("left over by an interrupted run, cannot be removed: {e}"),
                )
            })?;
        }
    }
    Ok(())
}

/// Whether process `pid` (other than this one) still runs; outside Linux every other process
/// counts as running, so its leftovers are never touched.
fn process_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        // Not ours yet: a leftover named with our id is from an earlier boot.
        return false;
    }
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
    }
}

/// Carrying the entries of the previous target that no manifest lists into the staging
/// directory, as hard links.
struct Carry<'a> {
    from: &'a Path,
    to: &'a Path,
    target: &'a Path,
    listed: &'a HashSet<PathBuf>,
    staged: &'a HashSet<PathBuf>,
}

impl Carry<'_> {
    /// Carry the directory `relative`; returns whether anything was carried or it is empty
    /// (an empty directory of the user's is kept, one emptied of stale outputs is not).
    fn dir(&self, relative: &Path) -> Result<bool, OutputError> {
        let here = self.from.join(relative);
        let entries =
            std::fs::read_dir(&here).map_err(|e| io_error(&self.target.join(relative), e))?;
        let mut kept = false;
        let mut empty = true;
        for entry in entries {
            empty = false;
            let entry = entry.map_err(|e| io_error(&self.target.join(relative), e))?;
            let inside = relative.join(entry.file_name());
            let kind = entry
                .file_type()
                .map_err(|e| io_error(&self.target.join(&inside), e))?;
            if kind.is_dir() {
                kept |= self.dir(&inside)?;
            } else if !self.listed.contains(&inside) {
                self.entry(&inside, kind)?;
                kept = true;
            }
        }
        if empty && !relative.as_os_str().is_empty() {
            let dest = self.to.join(relative);
            if self.staged.contains(relative) {
                return Err(OutputError::NotOurs {
                    path: self.target.join(relative),
                });
            }
            std::fs::create_dir_all(&dest).map_err(|e| io_error(&dest, e))?;
        }
        Ok(kept || empty)
    }

    fn entry(&self, inside: &Path, kind: std::fs::FileType) -> Result<(), OutputError> {
        let shown = self.target.join(inside);
        if self.staged.contains(inside) {
            return Err(OutputError::NotOurs { path: shown });
        }
        let (src, dest) = (self.from.join(inside), self.to.join(inside));
        if let Some(parent) = dest.parent() {
            if parent.is_file() {
                return Err(OutputError::NotOurs { path: shown });
            }
            std::fs::create_dir_all(parent).map_err(|e| io_error(&shown, e))?;
        }
        let carried = if kind.is_file() {
            std::fs::hard_link(&src, &dest).or_else(|_| std::fs::copy(&src, &dest).map(|_| ()))
        } else if kind.is_symlink() {
            copy_symlink(&src, &dest)
        } else {
            Err(std::io::Error::other(
                "not a file, directory or symbolic link; move it away to write here",
            ))
        };
        carried.map_err(|e| {
            io_error(
                &shown,
                format!("cannot keep it beside the new outputs: {e}"),
            )
        })
    }
}

#[cfg(unix)]
fn copy_symlink(src: &Path, dest: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(std::fs::read_link(src)?, dest)
}

#[cfg(not(unix))]
fn copy_symlink(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::other(
        "a symbolic link cannot be kept on this system",
    ))
}

/// Swap two directories in one step. `renameat2(RENAME_EXCHANGE)` through rustix (safe
/// bindings; the crate forbids unsafe code); `Ok(false)` where the kernel or the file system
/// does not offer it, so the caller falls back to two renames.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<bool> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    use rustix::io::Errno;
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<bool> {
    Ok(false)
}

/// Write `bytes` to a new file at `path` and fsync it; the writers' one way to a file.
pub(crate) fn write_file(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    let mut file = File::create(path).map_err(|e| io_error(path, e))?;
    file.write_all(bytes).map_err(|e| io_error(path, e))?;
    file.sync_all().map_err(|e| io_error(path, e))
}

/// fsync a directory, so the entries made in it survive a power loss; best effort (not every
/// system can open a directory for it, and the data files are already synced).
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// fsync a directory and every directory below it.
fn sync_tree(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                sync_tree(&e.path());
            }
        }
    }
    sync_dir(dir);
}

/// One file replaced atomically: its bytes go into a temporary file beside it (created by
/// [`AtomicFile::create`], so the directory's writability is known before the work), which
/// [`AtomicFile::commit`] fsyncs and renames over `path`. Dropped without a commit, the
/// temporary file is removed and `path` is unchanged; one left by a killed process
/// (`.<name>.geoalign-tmp-<pid>`) is removed by the next write of that file.
///
/// # Examples
///
/// ```
/// use geoalign::output::AtomicFile;
/// let path = std::env::temp_dir().join(format!("geoalign-doc-atomic-{}.json", std::process::id()));
/// # let _ = std::fs::remove_file(&path);
/// AtomicFile::create(&path, false).unwrap().commit(b"{}").unwrap();
/// // An existing file is replaced only with `force`.
/// assert!(AtomicFile::create(&path, false).is_err());
/// AtomicFile::create(&path, true).unwrap().commit(b"[]").unwrap();
/// assert_eq!(std::fs::read(&path).unwrap(), b"[]");
/// ```
#[derive(Debug)]
pub struct AtomicFile {
    path: PathBuf,
    temp: PathBuf,
    file: Option<File>,
}

impl AtomicFile {
    /// Check that `path` can be written (its directory is created if missing) and, unless
    /// `replace`, that it does not exist yet.
    pub fn create(path: &Path, replace: bool) -> Result<AtomicFile, OutputError> {
        if path.is_dir() {
            return Err(io_error(path, "cannot write: is a directory"));
        }
        if path.exists() && !replace {
            return Err(io_error(
                path,
                "exists; pass --force (or replace = true) to replace it",
            ));
        }
        let name = path
            .file_name()
            .ok_or_else(|| io_error(path, "cannot write: not a file name"))?;
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&dir).map_err(|e| io_error(path, format!("cannot write: {e}")))?;
        let prefix = format!(".{}.geoalign-tmp-", name.to_string_lossy());
        remove_dead_temporaries(&dir, &prefix);
        let temp = dir.join(format!("{prefix}{}", std::process::id()));
        let file = File::create(&temp).map_err(|e| io_error(path, format!("cannot write: {e}")))?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            temp,
            file: Some(file),
        })
    }

    /// Write `bytes`, fsync, and rename over the target.
    pub fn commit(self, bytes: &[u8]) -> Result<(), OutputError> {
        self.commit_with(|w| w.write_all(bytes))
    }

    /// Let `write` write the file through a buffer (so that a large output is streamed, never
    /// held whole), then fsync and rename over the target. An error leaves the target as it
    /// was.
    pub fn commit_with(
        mut self,
        write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<(), OutputError> {
        let written = match self.file.take() {
            Some(f) => {
                let mut buffered = std::io::BufWriter::with_capacity(1 << 16, f);
                write(&mut buffered)
                    .and_then(|()| buffered.into_inner().map_err(|e| e.into_error()))
                    .and_then(|f| f.sync_all())
            }
            None => Err(std::io::Error::other("already committed")),
        };
        written.map_err(|e| io_error(&self.path, format!("cannot write: {e}")))?;
        std::fs::rename(&self.temp, &self.path)
            .map_err(|e| io_error(&self.path, format!("cannot write: {e}")))?;
        if let Some(dir) = self.path.parent() {
            sync_dir(if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            });
        }
        Ok(())
    }
}

/// Remove the temporary files `<prefix><pid>` in `dir` of processes no longer running (a
/// killed write); best effort, as they hide nothing the target needs.
fn remove_dead_temporaries(dir: &Path, prefix: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let dead = name
            .strip_prefix(prefix)
            .and_then(|pid| pid.parse::<u32>().ok())
            .is_some_and(|pid| !process_alive(pid));
        if dead {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.file.is_some() || self.temp.exists() {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

/// Replace `path` with `bytes` atomically (a temporary file beside it, fsynced, renamed over
/// it): a reader sees the previous file or the new one, never a part.
///
/// # Examples
///
/// ```
/// let path = std::env::temp_dir().join(format!("geoalign-doc-write-atomic-{}.txt", std::process::id()));
/// geoalign::output::write_atomic(&path, b"complete").unwrap();
/// assert_eq!(std::fs::read(&path).unwrap(), b"complete");
/// ```
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    AtomicFile::create(path, true)?.commit(bytes)
}

/// Check that files can be created in `dir` (created if missing) by creating and removing a
/// probe file; for outputs written one file at a time, such as shard partials.
///
/// # Examples
///
/// ```
/// let dir = std::env::temp_dir().join(format!("geoalign-doc-writable-{}", std::process::id()));
/// geoalign::output::check_writable(&dir).unwrap();
/// assert!(geoalign::output::check_writable(std::path::Path::new("/proc/no-such-dir")).is_err());
/// ```
pub fn check_writable(dir: &Path) -> Result<(), OutputError> {
    std::fs::create_dir_all(dir).map_err(|e| io_error(dir, format!("cannot write: {e}")))?;
    let probe = dir.join(format!(".geoalign-probe-{}", std::process::id()));
    File::create(&probe).map_err(|e| io_error(dir, format!("cannot write: {e}")))?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
}
