//! The command line end to end: shards merged by `geoalign merge` write byte-identical CSV to
//! a whole run, and `validate` exits non-zero on a refused file.
#![cfg(feature = "cli")]

use std::path::Path;
use std::process::Command;

fn geoalign(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_geoalign"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap()
}

#[test]
fn merged_shards_write_the_same_files_as_one_machine() {
    let base = std::env::temp_dir().join(format!("geoalign-cli-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let whole = base.join("whole");
    let shards = base.join("shards");
    let merged = base.join("merged");
    let scenario = "builtin:csto-slow-decline";
    let out = geoalign(&[
        "run",
        scenario,
        "--runs",
        "40",
        "--out",
        whole.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for i in 0..3 {
        let shard = format!("{i}/3");
        let out = geoalign(&[
            "run",
            scenario,
            "--runs",
            "40",
            "--threads",
            "1",
            "--shard",
            &shard,
            "--out",
            shards.to_str().unwrap(),
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = geoalign(&[
        "merge",
        shards.to_str().unwrap(),
        "--out",
        merged.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for file in [
        "alignment.csv",
        "institutions.csv",
        "outcomes.csv",
        "summary.json",
    ] {
        assert_eq!(read(&whole, file), read(&merged, file), "{file}");
    }
    assert!(read(&whole, "alignment-belarus.svg").starts_with("<svg"));
}

#[test]
fn merge_with_a_missing_shard_fails() {
    let dir =
        std::env::temp_dir().join(format!("geoalign-cli-missing-shard-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let out = geoalign(&[
        "run",
        "--runs",
        "6",
        "--shard",
        "1/2",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let out = geoalign(&["merge", dir.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("shards"));
}

#[test]
fn validate_exits_non_zero_with_the_error() {
    let path = std::env::temp_dir().join(format!("geoalign-cli-bad-{}.toml", std::process::id()));
    std::fs::write(&path, "name = \"bad\"\nseed = -3\n").unwrap();
    let out = geoalign(&["validate", path.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("geoalign-cli-bad-"));
}
