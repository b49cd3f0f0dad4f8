//! The command line end to end: shards merged by `geoalign merge` write byte-identical CSV to
//! a whole run; every failure is one paragraph on stderr with a non-zero status, never a panic;
//! a reader that goes away (`geoalign trace | head`) ends the output quietly.
#![cfg(feature = "cli")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

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

fn bad_scenario(file: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/bad_scenarios")
        .join(file)
        .display()
        .to_string()
}

/// A fresh scratch directory.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The command failed with `status`, and stderr is one paragraph, `error: …` on one line,
/// that contains every one of `needles`, with no trace of a panic.
fn assert_one_paragraph_error(out: &Output, status: i32, needles: &[&str]) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(status), "status; stderr: {stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(
        stderr.ends_with('\n') && stderr.trim_end().lines().count() == 1,
        "one line: {stderr:?}"
    );
    for bad in ["panicked", "RUST_BACKTRACE", "stack backtrace", "\n\n"] {
        assert!(!stderr.contains(bad), "`{bad}` in {stderr:?}");
    }
    for needle in needles {
        assert!(stderr.contains(needle), "`{needle}` not in {stderr:?}");
    }
    stderr
}

#[test]
fn validate_a_catalogue_file_fails_with_one_paragraph_naming_the_file_and_place() {
    for (file, place) in [
        (
            "nan-float.toml",
            ":45: `states.T.inertia`: must be a finite number",
        ),
        ("syntax-unterminated-string.toml", ":2:13: "),
        (
            "unknown-key-power.toml",
            ":20:1: `powers.A.capacty`: unknown field",
        ),
        ("not-utf8-latin1.toml", ":3: the file is not valid UTF-8"),
        ("empty.toml", ": the file is empty"),
        (
            "extends-missing-file.toml",
            ":5: `extends`: cannot read the base scenario",
        ),
        (
            "nesting-10000-arrays.toml",
            ":2:95: arrays, tables or dotted keys are nested",
        ),
    ] {
        let path = bad_scenario(file);
        let out = geoalign(&["validate", &path]);
        let stderr = assert_one_paragraph_error(&out, 1, &[&format!("{path}{place}")]);
        assert!(out.stdout.is_empty(), "{file}: {stderr}");
    }
}

#[test]
fn an_unreadable_scenario_file_is_one_paragraph_naming_it() {
    let missing = scratch("unreadable").join("nowhere.toml");
    let missing = missing.to_str().unwrap();
    for command in ["validate", "run", "trace"] {
        let out = geoalign(&[command, missing]);
        assert_one_paragraph_error(&out, 1, &[missing, "cannot read the file"]);
    }
    let out = geoalign(&[
        "sensitivity",
        missing,
        "--param",
        "parameters.noise=0.01:0.05",
    ]);
    assert_one_paragraph_error(&out, 1, &[missing]);
}

#[test]
fn bad_arguments_are_one_paragraph_with_status_2() {
    for (args, needle) in [
        (&["run", "--shard", "3/2"][..], "--shard"),
        (&["run", "--shard", "one of two"][..], "--shard"),
        (&["run", "--runs", "0"][..], "at least 1 run"),
        (&["run", "--threads", "100000"][..], "at most 1024 threads"),
        (&["run", "--runz", "3"][..], "--runz"),
        (&["validate"][..], "<SCENARIO>"),
        (
            &["sensitivity", "--param", "parameters.noise=abc"][..],
            "--param",
        ),
        (&["frobnicate"][..], "frobnicate"),
    ] {
        let out = geoalign(args);
        assert_one_paragraph_error(&out, 2, &[needle]);
    }
}

#[test]
fn a_shard_without_an_output_directory_is_refused() {
    let out = geoalign(&["run", "--runs", "4", "--shard", "0/2"]);
    assert_one_paragraph_error(&out, 1, &["--shard needs --out"]);
}

#[test]
fn merge_of_bad_inputs_is_one_paragraph_naming_them() {
    let dir = scratch("merge-bad");
    let not_json = dir.join("partial-0.json");
    std::fs::write(&not_json, "this is not JSON").unwrap();
    let not_json = not_json.to_str().unwrap();
    let out = geoalign(&["merge", not_json]);
    assert_one_paragraph_error(&out, 1, &[not_json, "not a geoalign partial summary"]);

    let empty = scratch("merge-empty");
    let out = geoalign(&["merge", empty.to_str().unwrap()]);
    assert_one_paragraph_error(&out, 1, &["no partial-*.json files"]);

    let nowhere = dir.join("nowhere");
    let out = geoalign(&["merge", nowhere.to_str().unwrap()]);
    assert_one_paragraph_error(&out, 1, &[nowhere.to_str().unwrap()]);
}

#[test]
fn an_output_directory_that_cannot_be_written_is_one_paragraph_naming_it() {
    let dir = scratch("unwritable");
    let file = dir.join("a-file");
    std::fs::write(&file, "").unwrap();
    let below_a_file = file.join("out");
    let below = below_a_file.to_str().unwrap();
    let out = geoalign(&["run", "--runs", "2", "--out", below]);
    assert_one_paragraph_error(&out, 1, &[below]);
    let json = file.join("trajectory.json");
    let out = geoalign(&["trace", "--json", json.to_str().unwrap()]);
    assert_one_paragraph_error(&out, 1, &[json.to_str().unwrap(), "cannot write"]);
}

#[test]
fn a_run_the_ensemble_refuses_is_one_paragraph() {
    // More runs than one summary counts: the ensemble refuses before running.
    let out = geoalign(&["run", "--runs", "99999999999"]);
    assert_one_paragraph_error(&out, 1, &["99999999999"]);
}

/// Runs the binary with its stdout read end closed before it writes anything.
fn with_reader_gone(args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_geoalign"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    drop(child.stdout.take());
    child.wait_with_output().expect("the binary ends")
}

#[test]
fn output_into_a_closed_pipe_ends_quietly_without_a_panic() {
    for args in [
        &["trace"][..],
        &["run", "--runs", "8"][..],
        &["validate", "scenarios/eurasia-2025.toml"][..],
        &["--help"][..],
    ] {
        let out = with_reader_gone(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{args:?}: {:?} {stderr}", out.status);
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
    }
}

#[test]
fn a_closed_pipe_does_not_stop_the_output_files() {
    let dir = scratch("pipe-out");
    let out = with_reader_gone(&["run", "--runs", "4", "--out", dir.to_str().unwrap()]);
    assert!(out.status.success());
    assert!(dir.join("summary.json").is_file());
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_on_stdout_is_an_error_not_a_panic() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_geoalign"))
        .args(["trace"])
        .stdout(full)
        .output()
        .unwrap();
    assert_one_paragraph_error(&out, 1, &["cannot write to standard output"]);
}

#[test]
fn validate_counts_drivers_and_events_in_plain_english() {
    let out = geoalign(&["validate", "scenarios/war-uncertain-end.toml"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout
            .contains(", 0 drivers, 2 declared events (1 scheduled, 1 monthly hazard), 120 steps"),
        "{stdout}"
    );
    // Issue 18 read "1 drivers": a count of one is singular.
    let dir = scratch("validate-one-driver");
    let file = dir.join("one-driver.toml");
    std::fs::write(
        &file,
        "name = \"one driver\"\nextends = \"builtin:eurasia-2025\"\n\
         [drivers.powers.Russia]\ncapacity = [{ at = \"2030-01\", value = 0.8 }]\n",
    )
    .unwrap();
    let out = geoalign(&["validate", file.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(", 1 driver, 0 declared events, "),
        "{stdout}"
    );
}

#[test]
fn console_ranges_have_the_decimals_of_their_means() {
    // Issue 18: "0.029 (0.03–0.03)" hid a range of a small share at two decimals.
    let out = geoalign(&["run", "--runs", "20"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let row = stdout
        .lines()
        .find(|l| l.starts_with("Armenia"))
        .expect("a row for Armenia");
    let cells: Vec<&str> = row.split(')').filter(|c| c.contains('(')).collect();
    assert_eq!(cells.len(), 7, "{row}");
    for cell in cells {
        let (mean, range) = cell.split_once('(').unwrap();
        let (low, high) = range.split_once('–').unwrap();
        for number in [mean.split_whitespace().last().unwrap(), low, high] {
            let decimals = number.trim().split_once('.').map(|(_, d)| d.len());
            assert_eq!(decimals, Some(3), "`{number}` in {row}");
        }
    }
}

#[test]
fn the_readme_output_table_names_every_file_run_sensitivity_and_trace_write() {
    // Issue 18: `similarity.csv` was written but missing from the README's table.
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let table: Vec<&str> = readme
        .split("### Output files (`--out DIR`)")
        .nth(1)
        .expect("the README's output table")
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .collect();
    let named = |file: &str| {
        let pattern = match file.strip_prefix("alignment-") {
            Some(_) if file.ends_with(".svg") => "alignment-<state>.svg".to_string(),
            _ => file.to_string(),
        };
        table.iter().any(|row| {
            row.split('|')
                .nth(1)
                .unwrap()
                .contains(&format!("`{pattern}`"))
        })
    };
    let run = scratch("readme-run");
    let sensitivity = scratch("readme-sensitivity");
    let out = geoalign(&[
        "run",
        "builtin:csto-slow-decline",
        "--runs",
        "4",
        "--force",
        "--out",
        run.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = geoalign(&[
        "sensitivity",
        "--param",
        "parameters.noise=0.01:0.05",
        "--runs",
        "2",
        "--design",
        "2",
        "--force",
        "--out",
        sensitivity.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // `sensitivity --out` reports every file it writes, as `run --out` does.
    let reported = String::from_utf8_lossy(&out.stdout).into_owned();
    let trace = scratch("readme-trace");
    let out = geoalign(&["trace", "--force", "--out", trace.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for dir in [&run, &sensitivity, &trace] {
        for entry in std::fs::read_dir(dir).unwrap() {
            let file = entry.unwrap().file_name().into_string().unwrap();
            assert!(named(&file), "{file} is not in the README's output table");
            if dir == &sensitivity {
                let path = dir.join(&file);
                assert!(
                    reported.contains(&format!("wrote {}", path.display())),
                    "{file} not reported: {reported}"
                );
            }
        }
    }
}

#[test]
fn a_cell_equal_in_every_run_is_written_as_its_value_with_a_zero_sd() {
    // Issue 18: the start month, the same in every run, read `0.30000000000000004` with an sd
    // of `7.85e-9` in alignment.csv.
    let dir = scratch("equal-cells");
    let out = geoalign(&[
        "run",
        "builtin:csto-slow-decline",
        "--runs",
        "10",
        "--force",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for file in ["alignment.csv", "institutions.csv"] {
        let text = read(&dir, file);
        let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
        let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
        let mut rows = 0;
        for line in text.lines().filter(|l| l.contains(",0,2025-01,")) {
            let cells: Vec<&str> = line.split(',').collect();
            assert_eq!(cells[col("sd")], "0", "{file}: {line}");
            for q in ["q05", "q50", "q95"] {
                assert_eq!(cells[col("mean")], cells[col(q)], "{file}: {line}");
            }
            rows += 1;
        }
        assert!(rows > 0, "{file} has no start rows");
    }
    let alignment = read(&dir, "alignment.csv");
    assert!(
        alignment.contains("\nCSTO slow decline,0,2025-01,Armenia,Russia,0.3,0,0.3,"),
        "{alignment:.400}"
    );
}

#[test]
fn a_bare_builtin_name_on_the_command_line_suggests_the_builtin_form() {
    // Issue 18: `run csto-slow-decline` said only that the file cannot be read.
    for command in ["validate", "run", "trace"] {
        let out = geoalign(&[command, "csto-slow-decline"]);
        assert_one_paragraph_error(
            &out,
            1,
            &["did you mean the built-in scenario `builtin:csto-slow-decline`?"],
        );
    }
}
