//! Atomic outputs end to end: a kill at any moment, a full disk or an unwritable directory
//! leaves either the complete previous outputs or the complete new ones; `--force` replaces
//! only what the previous manifest lists; an occupied or unwritable `--out` fails before the run.
#![cfg(all(feature = "cli", unix))]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A two-state world: its outputs are seven small files, written in milliseconds.
const TINY: &str = r#"name = "tiny"
seed = 1
[horizon]
start = "2025-01"
steps = 12
[powers.A]
coercion = 0.5
[powers.B]
coercion = 0.1
[states.S]
disposition = "hedge"
inertia = 0.05
stubbornness = 0.3
fragility = 0.1
salience = { trade = 0.5, security = 0.5 }
alignment = { A = 0.5, B = 0.3, autonomy = 0.2 }
[states.T]
disposition = "balance"
inertia = 0.05
stubbornness = 0.3
fragility = 0.1
salience = { trade = 1.0 }
alignment = { A = 0.2, B = 0.6, autonomy = 0.2 }
"#;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("geoalign-outputs-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn geoalign(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_geoalign"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn succeeds(args: &[&str]) {
    let out = geoalign(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Start `args` with the test hook pausing `pause_ms` after each staged file and the swap.
fn spawn_paused(args: &[&str], pause_ms: u64) -> Child {
    Command::new(env!("CARGO_BIN_EXE_geoalign"))
        .args(args)
        .env("GEOALIGN_TEST_PAUSE_MS", pause_ms.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary runs")
}

/// Every file below `dir` with its bytes, by relative path.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, into: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                walk(root, &path, into);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                into.insert(path.strip_prefix(root).unwrap().to_path_buf(), bytes);
            }
        }
    }
    let mut files = BTreeMap::new();
    walk(dir, dir, &mut files);
    files
}

/// Asserts that `dir` holds exactly its manifest's files at their recorded sizes, besides
/// `others` (files geoalign did not write), and returns the manifest's command.
fn assert_complete(dir: &Path, others: &[&str]) -> String {
    let text = std::fs::read_to_string(dir.join("manifest.json")).expect("a manifest");
    let manifest: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut listed: BTreeMap<PathBuf, u64> = BTreeMap::new();
    for f in manifest["files"].as_array().unwrap() {
        listed.insert(
            PathBuf::from(f["path"].as_str().unwrap()),
            f["bytes"].as_u64().unwrap(),
        );
    }
    let mut present: BTreeMap<PathBuf, u64> = snapshot(dir)
        .into_iter()
        .map(|(p, b)| (p, b.len() as u64))
        .collect();
    present.remove(Path::new("manifest.json"));
    for other in others {
        assert!(present.remove(Path::new(other)).is_some(), "{other} kept");
    }
    assert_eq!(
        present,
        listed,
        "{}: files against the manifest",
        dir.display()
    );
    manifest["command"].as_str().unwrap().to_string()
}

/// What a run left beside `target` (`.<name>.geoalign-…`).
fn leftovers(target: &Path) -> Vec<PathBuf> {
    let prefix = format!(
        ".{}.geoalign-",
        target.file_name().unwrap().to_str().unwrap()
    );
    let mut found: Vec<PathBuf> = std::fs::read_dir(target.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with(&prefix)
        })
        .collect();
    found.sort();
    found
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn tiny(dir: &Path) -> String {
    let path = dir.join("tiny.toml");
    std::fs::write(&path, TINY).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn a_kill_while_staging_leaves_the_previous_outputs_byte_identical() {
    let base = scratch("kill-staging");
    let scenario = tiny(&base);
    let out = base.join("out");
    let o = out.to_str().unwrap();
    succeeds(&["run", &scenario, "--runs", "2", "--out", o]);
    let before = snapshot(&out);
    let args = [
        "run", &scenario, "--runs", "2", "--seed", "2", "--out", o, "--force",
    ];
    let mut child = spawn_paused(&args, 200);
    let staging = base.join(format!(".out.geoalign-staging-{}", child.id()));
    wait_until("three staged files", || {
        std::fs::read_dir(&staging).is_ok_and(|d| d.count() >= 3)
    });
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(snapshot(&out), before, "previous outputs unchanged");
    assert_eq!(leftovers(&out), vec![staging.clone()]);
    // The next write removes the leftover and puts a complete set in place.
    succeeds(&[
        "run", &scenario, "--runs", "2", "--seed", "3", "--out", o, "--force",
    ]);
    assert!(leftovers(&out).is_empty());
    assert!(assert_complete(&out, &[]).contains("--seed 3"));
}

#[test]
fn a_kill_after_the_swap_leaves_the_complete_new_outputs() {
    let base = scratch("kill-swap");
    let scenario = tiny(&base);
    let out = base.join("out");
    let o = out.to_str().unwrap();
    succeeds(&["run", &scenario, "--runs", "2", "--out", o]);
    let args = [
        "run", &scenario, "--runs", "2", "--seed", "2", "--out", o, "--force",
    ];
    let mut child = spawn_paused(&args, 300);
    wait_until("the new manifest in place", || {
        std::fs::read_to_string(out.join("manifest.json")).is_ok_and(|m| m.contains("--seed 2"))
    });
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(assert_complete(&out, &[]).contains("--seed 2"));
    // The previous set waits at the staging name; the next write removes it.
    assert_eq!(leftovers(&out).len(), 1);
    succeeds(&["run", &scenario, "--runs", "2", "--out", o, "--force"]);
    assert!(leftovers(&out).is_empty());
}

#[test]
fn kills_at_many_moments_leave_the_old_or_the_new_complete_set() {
    let base = scratch("kill-many");
    let scenario = tiny(&base);
    let out = base.join("out");
    let o = out.to_str().unwrap();
    succeeds(&["run", &scenario, "--runs", "2", "--out", o]);
    let mut current = snapshot(&out);
    let mut landed_while_writing = 0;
    for i in 0..12u64 {
        let seed = (100 + i).to_string();
        let args = [
            "run", &scenario, "--runs", "2", "--seed", &seed, "--out", o, "--force",
        ];
        let mut child = spawn_paused(&args, 30);
        std::thread::sleep(Duration::from_millis(40 * i));
        child.kill().unwrap();
        child.wait().unwrap();
        let now = snapshot(&out);
        if now != current {
            assert!(assert_complete(&out, &[]).contains(&format!("--seed {seed}")));
            current = now;
        }
        let staged_files = leftovers(&out)
            .iter()
            .filter(|l| l.to_str().unwrap().contains("staging"))
            .any(|l| std::fs::read_dir(l).is_ok_and(|d| d.count() > 0));
        if staged_files && snapshot(&out) == current {
            landed_while_writing += 1;
        }
    }
    assert!(landed_while_writing >= 1, "no kill landed while writing");
}

#[test]
fn a_full_disk_leaves_the_previous_outputs_and_names_the_file() {
    let base = scratch("full-disk");
    let out = base.join("out");
    let o = out.to_str().unwrap();
    succeeds(&["run", "--runs", "2", "--out", o]);
    let before = snapshot(&out);
    // SIGXFSZ ignored: a write past 50 blocks fails with EFBIG, as on a full disk.
    let script = format!(
        "trap '' XFSZ; ulimit -f 50; exec '{}' run --runs 2 --seed 2 --out '{o}' --force",
        env!("CARGO_BIN_EXE_geoalign")
    );
    let result = Command::new("sh").args(["-c", &script]).output().unwrap();
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(&format!("{o}/alignment.csv")), "{stderr}");
    assert!(stderr.contains("File too large"), "{stderr}");
    assert!(stderr.contains("is unchanged"), "{stderr}");
    assert_eq!(snapshot(&out), before);
    assert!(leftovers(&out).is_empty(), "staging removed");
}

/// Asserts a refusal within a few seconds, one paragraph naming `needles`.
fn refused_at_once(args: &[&str], needles: &[&str]) {
    let started = Instant::now();
    let out = geoalign(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{args:?}: refused only after {:?}",
        started.elapsed()
    );
    for n in needles {
        assert!(stderr.contains(n), "{args:?}: `{n}` not in {stderr}");
    }
}

#[test]
fn an_unwritable_out_fails_before_the_run() {
    let base = scratch("unwritable");
    let file = base.join("a-file");
    std::fs::write(&file, "").unwrap();
    let below = file.join("out");
    let b = below.to_str().unwrap();
    let f = file.to_str().unwrap();
    // Each of these would run for minutes before writing anything.
    refused_at_once(&["run", "--runs", "20000", "--out", b], &[b]);
    refused_at_once(
        &["run", "--runs", "20000", "--out", f],
        &[f, "not a directory"],
    );
    refused_at_once(&["futures", "--runs", "20000", "--out", b], &[b]);
    refused_at_once(
        &[
            "sensitivity",
            "--param",
            "parameters.noise=0.01:0.05",
            "--runs",
            "2000",
            "--out",
            b,
        ],
        &[b],
    );
    refused_at_once(
        &["run", "--runs", "20000", "--shard", "0/2", "--out", b],
        &[b],
    );
    let empty = base.join("no-partials");
    std::fs::create_dir_all(&empty).unwrap();
    refused_at_once(&["merge", empty.to_str().unwrap(), "--out", b], &[b]);
    assert_eq!(std::fs::read(&file).unwrap(), b"");
}

#[test]
fn a_directory_geoalign_did_not_write_is_refused_without_force() {
    let base = scratch("foreign");
    let scenario = tiny(&base);
    let out = base.join("out");
    let o = out.to_str().unwrap();
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    refused_at_once(&["run", "--runs", "20000", "--out", o], &[o, "--force"]);
    assert_eq!(snapshot(&out).len(), 1);
    // With --force the files are written beside the user's, which is kept.
    succeeds(&["run", &scenario, "--runs", "2", "--out", o, "--force"]);
    assert_eq!(std::fs::read(out.join("notes.txt")).unwrap(), b"mine");
    assert_complete(&out, &["notes.txt"]);
    // A second run into the outputs of the first needs --force.
    refused_at_once(
        &["run", "--runs", "20000", "--out", o],
        &[o, "earlier run", "--force"],
    );
}

#[test]
fn force_keeps_a_users_file_and_removes_a_stale_chart() {
    let base = scratch("stale");
    let scenario = tiny(&base);
    let out = base.join("out");
    let o = out.to_str().unwrap();
    succeeds(&["run", &scenario, "--runs", "2", "--out", o]);
    assert!(out.join("alignment-t.svg").is_file());
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    std::fs::create_dir_all(out.join("drafts")).unwrap();
    std::fs::write(out.join("drafts/figure.txt"), "draft").unwrap();
    // The state T is renamed U: its old chart is stale.
    let renamed = base.join("renamed.toml");
    std::fs::write(&renamed, TINY.replace("states.T", "states.U")).unwrap();
    succeeds(&[
        "run",
        renamed.to_str().unwrap(),
        "--runs",
        "2",
        "--out",
        o,
        "--force",
    ]);
    assert!(!out.join("alignment-t.svg").exists(), "stale chart removed");
    assert!(out.join("alignment-u.svg").is_file());
    assert_eq!(std::fs::read(out.join("notes.txt")).unwrap(), b"mine");
    assert_eq!(
        std::fs::read(out.join("drafts/figure.txt")).unwrap(),
        b"draft"
    );
    assert_complete(&out, &["notes.txt", "drafts/figure.txt"]);
    assert!(leftovers(&out).is_empty());
}

#[test]
fn a_users_file_with_an_outputs_name_is_never_overwritten() {
    let base = scratch("clash");
    let scenario = tiny(&base);
    let out = base.join("out");
    let o = out.to_str().unwrap();
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("alignment.csv"), "my own table").unwrap();
    let result = geoalign(&["run", &scenario, "--runs", "2", "--out", o, "--force"]);
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(&format!("{o}/alignment.csv")), "{stderr}");
    assert_eq!(snapshot(&out).len(), 1);
    assert_eq!(
        std::fs::read(out.join("alignment.csv")).unwrap(),
        b"my own table"
    );
    assert!(leftovers(&out).is_empty());
}

#[test]
fn merge_writes_beside_the_partials_and_trace_json_needs_force_to_replace() {
    let base = scratch("partials");
    let scenario = tiny(&base);
    let parts = base.join("parts");
    let p = parts.to_str().unwrap();
    for shard in ["0/2", "1/2"] {
        succeeds(&[
            "run", &scenario, "--runs", "4", "--shard", shard, "--out", p,
        ]);
    }
    // A directory of partials is the merge's default output; the partials are kept.
    succeeds(&["merge", p]);
    assert_complete(&parts, &["partial-0-of-2.json", "partial-1-of-2.json"]);
    let json = base.join("trace.json");
    let j = json.to_str().unwrap();
    succeeds(&["trace", &scenario, "--json", j]);
    refused_at_once(&["trace", &scenario, "--json", j], &[j, "--force"]);
    succeeds(&["trace", &scenario, "--json", j, "--force"]);
    let left: Vec<_> = std::fs::read_dir(&base)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");
}

#[test]
fn the_manifest_lists_every_file_with_its_size_and_sha256() {
    use sha2::{Digest, Sha256};
    let dir = scratch("manifest-digest");
    let file = tiny(&dir);
    let out = dir.join("out");
    succeeds(&["run", &file, "--runs", "3", "--out", out.to_str().unwrap()]);
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let listed = manifest["files"].as_array().unwrap();
    // Every file of the directory but the manifest is listed, once.
    let on_disk = std::fs::read_dir(&out).unwrap().count() - 1;
    assert_eq!(listed.len(), on_disk);
    for entry in listed {
        let bytes = std::fs::read(out.join(entry["path"].as_str().unwrap())).unwrap();
        assert_eq!(entry["bytes"].as_u64(), Some(bytes.len() as u64));
        let hex: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(entry["sha256"].as_str(), Some(hex.as_str()), "{entry}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
