//! Memory bounded and predicted: a job over its limit is refused before it allocates, the
//! estimate grows with what it counts, workers beyond the limit are not started (and change
//! no number), the recording cadence keeps the recorded steps' numbers, and the state-pair
//! similarity is off above its documented state count.

use geoalign::analysis::ensemble::memory::{self, SKETCH_CELL_BYTES};
use geoalign::analysis::ensemble::{
    Ensemble, EnsembleError, Summary, AUTO_RECORDED_STEPS, AUTO_SIMILARITY_MAX_STATES,
};
use geoalign::presets::Synthetic;
use geoalign::Scenario;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn eurasia(steps: u32) -> Scenario {
    let mut s = geoalign::presets::eurasia_2025();
    s.set_steps(steps).unwrap();
    s
}

/// Every statistic of `a` at model step `step` equals `b`'s there, with `==`.
fn assert_same_step(a: &Summary, b: &Summary, step: usize) {
    for (state, name) in a.named_states() {
        for (c, component) in a.named_components() {
            assert!(
                a.alignment(step, state, c) == b.alignment(step, state, c),
                "step {step}, {name}, {component}"
            );
            assert!(a.alignment(step, state, c).is_some());
        }
    }
    for (i, name) in a.named_institutions() {
        assert!(a.cohesion(step, i) == b.cohesion(step, i), "{name}");
        assert!(a.credibility(step, i) == b.credibility(step, i), "{name}");
    }
}

#[test]
fn a_job_over_its_limit_is_refused_before_allocating() {
    // 2,000 states with the pair similarity: a summary of about 4.5 GiB a worker.
    let big = Synthetic::new(2_000, 6).scenario().unwrap();
    let limit = 256 << 20;
    let started = Instant::now();
    let err = Ensemble::new(big, 10)
        .threads(1)
        .similarity(true)
        .max_memory(limit)
        .run()
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(10));
    let EnsembleError::MemoryLimit {
        estimate,
        limit: l,
        ref advice,
        ..
    } = err
    else {
        panic!("expected a memory refusal, got {err}");
    };
    assert_eq!(l, limit);
    assert!(estimate > 4 << 30, "estimate {estimate}");
    // Nothing of that size was allocated: this test process never held a gigabyte.
    if let Some(peak) = memory::peak_resident_memory() {
        assert!(peak < 1 << 30, "peak resident memory {peak}");
    }
    let text = err.to_string();
    for needle in [
        "GiB",
        "the limit is 256.0 MiB",
        "--record-every",
        "--max-memory",
    ] {
        assert!(text.contains(needle), "`{needle}` not in {text}");
    }
    assert!(advice.contains("similarity"), "{advice}");
}

#[test]
fn the_estimate_counts_848_bytes_a_cell_per_recorded_step() {
    let e120 = Ensemble::new(eurasia(120), 64).memory_estimate();
    let e240 = Ensemble::new(eurasia(240), 64).memory_estimate();
    // 12 states × 7 components, 7 institutions × 2 measures, and the powers' cells: 42
    // acting (state, power) pairs × (7 spending shares + the coercion cut), per recorded step
    // (docs/model.md §9.8); and the pairs' punishment counts, 8 bytes each.
    let pairs = Ensemble::new(eurasia(1), 1)
        .run()
        .unwrap()
        .acting_pairs()
        .count() as u64;
    assert_eq!(pairs, 42);
    let cells = 12 * 7 + 2 * 7 + pairs * 8;
    let per_step = cells * SKETCH_CELL_BYTES + pairs * 8;
    assert_eq!(e240.summary - e120.summary, 120 * per_step);
    assert_eq!(e240.pending - e120.pending, 120 * cells * 64);
    assert_eq!(e120.recorded_steps, 121);
    // One step in 10 of 240, and the horizon: 25 rows.
    let coarse = Ensemble::new(eurasia(240), 64)
        .record_every(10)
        .memory_estimate();
    assert_eq!(coarse.recorded_steps, 25);
    assert_eq!(e240.summary - coarse.summary, (241 - 25) * per_step);
    // The similarity is 12² cells.
    assert_eq!(e120.similarity, 144 * SKETCH_CELL_BYTES);
    let off = Ensemble::new(eurasia(120), 64)
        .similarity(false)
        .memory_estimate();
    assert_eq!(e120.summary - off.summary, 144 * SKETCH_CELL_BYTES);
}

#[test]
fn workers_grow_with_threads_but_never_past_the_blocks_of_runs() {
    let s = eurasia(120);
    let one = Ensemble::new(s.clone(), 6_400).threads(1).memory_estimate();
    let four = Ensemble::new(s.clone(), 6_400).threads(4).memory_estimate();
    assert_eq!((one.workers, four.workers), (1, 4));
    assert_eq!(four.per_worker(), one.per_worker());
    // 4 workers cost 3 workers more than one (the process itself may have moved between the
    // two readings of its resident memory, so compare without it).
    let jobs = |e: &memory::MemoryEstimate| e.total() - e.process;
    assert_eq!(jobs(&four) - jobs(&one), 3 * one.per_worker());
    // 512 threads asked for one run: one block, one worker.
    let single = Ensemble::new(s.clone(), 1).threads(512).memory_estimate();
    assert_eq!((single.workers, single.workers_wanted), (1, 1));
    // 1,024 threads under a limit: only what fits (1,024 accumulators of the embedded world
    // would take 10 GiB; this test process, with the others running beside it, holds far
    // less than the limit).
    let limit = 1 << 30;
    let capped = Ensemble::new(s, 100_000)
        .threads(1024)
        .max_memory(limit)
        .memory_estimate();
    assert_eq!(capped.workers_wanted, 1024);
    assert!(capped.workers < 1024 && capped.workers >= 1);
    assert!(capped.total() <= limit);
}

#[test]
fn capped_workers_give_bit_identical_summaries() {
    let s = geoalign::presets::csto_futures()[1].clone();
    let runs = 640; // 10 blocks
    let free = Ensemble::new(s.clone(), runs).threads(1).run().unwrap();
    let probe = Ensemble::new(s.clone(), runs).threads(8).memory_estimate();
    // Room for two workers and a half.
    let limit = probe.process + probe.shared + probe.per_worker() * 5 / 2 + (8 << 20);
    let capped = Ensemble::new(s, runs).threads(8).max_memory(limit);
    let planned = capped.memory_estimate();
    assert!(planned.workers < 8, "{planned}");
    assert_eq!(capped.run().unwrap(), free);
}

#[test]
fn record_every_keeps_the_recorded_steps_identical_to_every_step() {
    let s = eurasia(50);
    let every = Ensemble::new(s.clone(), 70).threads(2).run().unwrap();
    let coarse = Ensemble::new(s, 70)
        .threads(2)
        .record_every(7)
        .run()
        .unwrap();
    assert_eq!(every.record_every, 1);
    assert_eq!(coarse.record_every, 7);
    let steps: Vec<u32> = coarse.recorded_steps().collect();
    assert_eq!(steps, [0, 7, 14, 21, 28, 35, 42, 49, 50]);
    for &step in &steps {
        assert_same_step(&coarse, &every, step as usize);
    }
    // An unrecorded step is None, not another step's numbers.
    let kz = coarse.state("Kazakhstan").unwrap();
    let autonomy = geoalign::analysis::ensemble::Component::Autonomy;
    assert!(coarse.alignment(8, kz, autonomy).is_none());
    assert!(!coarse.is_recorded(8));
    // Outcomes and membership saw every step in both.
    assert_eq!(coarse.outcomes, every.outcomes);
    assert_eq!(coarse.member_counts, every.member_counts);
    for (a, _) in coarse.named_states() {
        assert!(coarse.similarity(a, kz) == every.similarity(a, kz));
    }
}

#[test]
fn record_every_merges_across_shards_and_refuses_another_cadence() {
    let s = eurasia(30);
    let whole = Ensemble::new(s.clone(), 20).record_every(4).run().unwrap();
    let part = |i: u32| {
        Ensemble::new(s.clone(), 20)
            .record_every(4)
            .shard(format!("{i}/2").parse().unwrap())
            .run()
            .unwrap()
    };
    let mut merged = part(0);
    merged.merge(&part(1)).unwrap();
    assert_eq!(merged, whole);
    let mut monthly = Ensemble::new(s.clone(), 20)
        .shard("0/2".parse().unwrap())
        .run()
        .unwrap();
    let err = monthly.merge(&part(1)).unwrap_err();
    assert!(err.to_string().contains("recording cadence"), "{err}");
}

#[test]
fn long_horizons_are_recorded_on_a_coarser_cadence_announced_by_the_ensemble() {
    let long = Ensemble::new(eurasia(120_000), 1).threads(1);
    let r = long.recording();
    assert_eq!(r.record_every, 120_000 / AUTO_RECORDED_STEPS);
    assert!(r.record_every_automatic);
    let e = long.memory_estimate();
    assert_eq!(e.recorded_steps, u64::from(AUTO_RECORDED_STEPS) + 1);
    // 1,201 rows × (84 + 14 + 42 × 8) cells × 848 bytes: the powers' cells (docs/model.md
    // §9.8) are three quarters of it.
    assert!(e.summary < 450 << 20, "{e}");
    // Up to the threshold, every step.
    let r = Ensemble::new(eurasia(AUTO_RECORDED_STEPS), 1).recording();
    assert_eq!(r.record_every, 1);
    let summary = Ensemble::new(eurasia(12_000), 1).threads(1).run().unwrap();
    assert_eq!(summary.record_every, 10);
    assert_eq!(summary.recorded_steps().count(), 1_201);
    assert_eq!(summary.recorded_steps().last(), Some(12_000));
}

#[test]
fn similarity_is_off_above_the_documented_state_count_and_no_file_is_written() {
    let n = AUTO_SIMILARITY_MAX_STATES + 1;
    let s = Synthetic::new(n, 3).scenario().unwrap();
    let plain = Ensemble::new(s.clone(), 2).threads(1);
    assert!(!plain.recording().similarity);
    let summary = plain.run().unwrap();
    assert!(!summary.similarity_computed);
    let a = summary.state(&summary.states[0]).unwrap();
    assert!(summary.similarity(a, a).is_none());
    let asked = Ensemble::new(s, 2)
        .threads(1)
        .similarity(true)
        .run()
        .unwrap();
    assert!(asked.similarity_computed);
    assert!((asked.similarity(a, a).unwrap().mean - 1.0).abs() < 1e-12);

    let dir = std::env::temp_dir().join(format!("geoalign-memory-sim-{}", std::process::id()));
    let files = geoalign::output::write_summary(&dir, &summary).unwrap();
    assert!(!files.iter().any(|f| f.ends_with("similarity.csv")));
    assert!(!dir.join("similarity.csv").exists());
    let json = std::fs::read_to_string(dir.join("summary.json")).unwrap();
    assert!(json.contains("not computed"), "{json}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The peak resident memory of a child process, read from `/proc/<pid>/status` while it
/// runs (Linux); `None` where `/proc` does not exist.
fn run_and_watch_peak(cmd: &mut Command) -> (std::process::Output, Option<u64>) {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let status = format!("/proc/{}/status", child.id());
    let mut peak = None;
    // Drain stdout in a thread so that the child never blocks on a full pipe.
    let mut out = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut out, &mut v).unwrap();
        v
    });
    while child.try_wait().unwrap().is_none() {
        if let Ok(text) = std::fs::read_to_string(&status) {
            if let Some(kib) = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            {
                peak = Some(peak.unwrap_or(0).max(kib * 1024));
            }
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let stdout = reader.join().unwrap();
    let mut output = child.wait_with_output().unwrap();
    output.stdout = stdout;
    (output, peak)
}

#[test]
fn threads_1024_stay_within_the_memory_bound() {
    let limit: u64 = 160 << 20;
    let (out, peak) = run_and_watch_peak(Command::new(env!("CARGO_BIN_EXE_geoalign")).args([
        "run",
        "--runs",
        "3200",
        "--threads",
        "1024",
        "--max-memory",
        "160M",
    ]));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("worker threads of the 50 this job could use (1024 asked)"),
        "{stdout}"
    );
    if std::path::Path::new("/proc/self/status").exists() {
        let peak = peak.expect("the child's VmHWM was read");
        assert!(peak <= limit, "peak {peak} over the limit {limit}");
    }
}

#[test]
fn the_command_line_refuses_a_job_over_max_memory_in_one_paragraph() {
    let out = Command::new(env!("CARGO_BIN_EXE_geoalign"))
        .args(["run", "--runs", "10", "--max-memory", "1M"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("error: memory: this ensemble needs about"));
    assert!(stderr.contains("the limit is 1.0 MiB"), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    let bad = Command::new(env!("CARGO_BIN_EXE_geoalign"))
        .args(["run", "--max-memory", "lots"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("is not a size"));
}

#[test]
fn the_estimate_is_above_the_peak_the_command_line_measures() {
    for args in [
        &["run", "--runs", "200", "--threads", "2"][..],
        &["run", "--runs", "1", "--threads", "512"][..],
        &["futures", "--runs", "70", "--threads", "2"][..],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_geoalign"))
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let mib = |after: &str| -> Option<f64> {
            let at = stdout.find(after)? + after.len();
            stdout[at..].split(" MiB").next()?.trim().parse().ok()
        };
        // Linux only: elsewhere the peak cannot be read and no line is printed.
        let (Some(peak), Some(estimate)) = (mib("memory: peak "), mib("resident; estimated "))
        else {
            continue;
        };
        assert!(peak <= estimate, "{args:?}: {stdout}");
        // … and within a sane factor of it.
        assert!(estimate <= 2.0 * peak, "{args:?}: {stdout}");
    }
}

#[test]
fn the_estimate_counts_the_powers_stocks_and_grows_with_their_window() {
    // The embedded world with a defection window of `window` months.
    let with_window = |window: u32| {
        let text =
            format!("extends = \"builtin:eurasia-2025\"\n[parameters.powers]\nwindow = {window}\n");
        Scenario::from_toml_str(&text, "window.toml").unwrap()
    };
    let run = |s: Scenario| Ensemble::new(s, 10).threads(1).memory_estimate().run;
    let (short, long) = (run(with_window(6)), run(with_window(18)));
    // The ring of v_ip holds 12 more months × 12 states × 6 powers of 8 bytes, in the run's
    // state and in the state it returns.
    assert_eq!(long - short, 2 * 12 * (12 * 6) * 8);

    // With no power acting, a run carries no stocks at all.
    let mut text = String::from("extends = \"builtin:eurasia-2025\"\n");
    for power in ["Russia", "China", "USA", "EU", "Turkiye", "Iran"] {
        text += &format!("[powers.\"{power}\"]\nbudget = 0.0\n");
    }
    let idle = Scenario::from_toml_str(&text, "idle.toml").unwrap();
    assert!(idle.world().agency().is_inactive());
    assert_eq!(memory::power_stocks_bytes(idle.world()), 0);
    let acting = run(with_window(6));
    // Per pair at least the offers (8 channels), coercion, spending (7 actions) and the
    // 6-month ring, twice.
    let at_least = 2 * (12 * 6) * (8 + 1 + 7 + 6) * 8;
    assert!(acting - run(idle) >= at_least, "{acting} vs {at_least}");
}
