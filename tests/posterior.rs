//! Ensembles over a posterior sample of parameters (`geoalign run --posterior FILE`, issue 15
//! item 6): each run draws its particle from its own stream and is, bit for bit, that run of
//! the particle's scenario; a one-particle sample at the base's values is the base's
//! ensemble; a sample spread over a parameter that moves a share widens the share's spread
//! as the law of total variance says; the summary is the same for any thread count and any
//! shards; and a sample of another scenario, an empty one or one with a key the scenario
//! lacks is refused with its file and line.
#![cfg(feature = "output")]

use geoalign::analysis::compare::Comparison;
use geoalign::analysis::ensemble::{Component, Ensemble, EnsembleError, Shard, Summary};
use geoalign::analysis::posterior::Posterior;
use geoalign::analysis::sensitivity::Base;
use rand::RngExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

/// The base of every test but the mismatch: its Russia capacity driver's last point moves
/// Belarus's share with Russia by 0.13 between the two particles below (0.68 to 0.80).
const BASE: &str = "builtin:csto-slow-decline";
/// The key the two-particle samples vary.
const CAPACITY: &str = "drivers.powers.Russia.capacity[-1].scale";

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("posterior-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn base() -> Base {
    Base::builtin(BASE).unwrap()
}

/// A sample of `base` over `keys`, fitted on it.
fn sample(base: &Base, keys: &[&str], weights: Vec<f64>, values: Vec<Vec<f64>>) -> Posterior {
    Posterior::new(
        base.name().to_string(),
        base.fingerprint(),
        keys.iter().map(|k| k.to_string()).collect(),
        weights,
        values,
    )
    .unwrap()
}

/// Two equally weighted particles with Russia's 2035 capacity at 0.3 and 1.3 of today's.
fn two_capacities(base: &Base) -> Posterior {
    sample(
        base,
        &[CAPACITY],
        vec![1.0, 1.0],
        vec![vec![0.3], vec![1.3]],
    )
}

fn ensemble(base: &Base, posterior: &Posterior, runs: u64) -> Ensemble {
    Ensemble::new(base.scenario().unwrap(), runs)
        .posterior(base, Arc::new(posterior.clone()), Path::new("fit.csv"))
        .unwrap()
}

/// `summary` without its record of the posterior, to compare with a plain ensemble's.
fn without_record(mut summary: Summary) -> Summary {
    assert!(summary.posterior.is_some());
    summary.posterior = None;
    summary
}

#[test]
fn a_one_particle_sample_at_the_base_values_is_the_base_ensemble() {
    let base = base();
    let scenario = base.scenario().unwrap();
    let noise = scenario.world().parameters().noise;
    let posterior = sample(&base, &["parameters.noise"], vec![0.7], vec![vec![noise]]);
    let summary = ensemble(&base, &posterior, 300).threads(2).run().unwrap();
    let record = summary.posterior.clone().unwrap();
    assert_eq!(
        (record.particles, record.fingerprint, record.source.as_str()),
        (1, base.fingerprint(), "fit.csv")
    );
    let plain = Ensemble::new(scenario, 300).threads(2).run().unwrap();
    assert!(without_record(summary) == plain);
}

#[test]
fn each_run_is_its_particles_run_bit_for_bit() {
    let base = base();
    let posterior = two_capacities(&base);
    let runs = 24;
    let mixed = ensemble(&base, &posterior, runs).threads(1);
    let seed = base.scenario().unwrap().seed();
    let alone: Vec<Ensemble> = [0.3, 1.3]
        .iter()
        .map(|&v| Ensemble::new(base.with_values(&[CAPACITY], &[v]).unwrap(), runs).threads(1))
        .collect();
    let mut drawn = [0; 2];
    for run in 0..runs {
        // The particle of run r, drawn from its own stream as the ensemble draws it.
        let p = posterior.draw(geoalign::sim::posterior_rng(seed, run).random::<f64>());
        drawn[p] += 1;
        let mut a = mixed.empty_summary();
        mixed.accumulate(run, &mut a).unwrap();
        let mut b = alone[p].empty_summary();
        alone[p].accumulate(run, &mut b).unwrap();
        // The summaries name different scenarios (the base; the particle's): all else,
        // every count and sketch of the run, is the same.
        assert_ne!(a.fingerprint, b.fingerprint);
        b.fingerprint = a.fingerprint;
        assert!(without_record(a) == b, "run {run}, particle {p}");
    }
    assert!(
        drawn[0] > 0 && drawn[1] > 0,
        "both particles drawn: {drawn:?}"
    );
}

#[test]
fn spread_parameters_widen_a_shares_spread_by_the_law_of_total_variance() {
    let base = base();
    let runs = 400;
    let alone: Vec<Summary> = [0.3, 1.3]
        .iter()
        .map(|&v| {
            Ensemble::new(base.with_values(&[CAPACITY], &[v]).unwrap(), runs)
                .threads(2)
                .run()
                .unwrap()
        })
        .collect();
    let mixed = ensemble(&base, &two_capacities(&base), runs)
        .threads(2)
        .run()
        .unwrap();
    let h = mixed.steps as usize;
    let by = mixed.state("Belarus").unwrap();
    let russia = Component::Power(mixed.power("Russia").unwrap());
    let (a, b, m) = (
        alone[0].alignment(h, by, russia).unwrap(),
        alone[1].alignment(h, by, russia).unwrap(),
        mixed.alignment(h, by, russia).unwrap(),
    );
    // The particles move the mean apart, by far more than either's spread.
    assert!(b.mean - a.mean > 0.1, "{a:?} {b:?}");
    assert!(a.mean < m.mean && m.mean < b.mean, "{a:?} {b:?} {m:?}");
    // Half the runs in each: Var = mean of the variances + variance of the means.
    let predicted = (0.5 * (a.sd * a.sd + b.sd * b.sd) + 0.25 * (b.mean - a.mean).powi(2)).sqrt();
    assert!(m.sd > 1.5 * a.sd.max(b.sd), "{a:?} {b:?} {m:?}");
    assert!(
        (m.sd / predicted - 1.0).abs() < 0.15,
        "sd {} vs {predicted} predicted",
        m.sd
    );
}

#[test]
fn the_summary_does_not_depend_on_threads_or_shards() {
    let base = base();
    let posterior = two_capacities(&base);
    let runs = 150;
    let one = ensemble(&base, &posterior, runs).threads(1).run().unwrap();
    let two = ensemble(&base, &posterior, runs).threads(2).run().unwrap();
    assert!(one == two);
    let mut merged: Option<Summary> = None;
    for i in [2, 0, 1] {
        let part = ensemble(&base, &posterior, runs)
            .threads(2)
            .shard(Shard { index: i, count: 3 })
            .run()
            .unwrap();
        match merged.as_mut() {
            Some(m) => m.merge(&part).unwrap(),
            None => merged = Some(part),
        }
    }
    assert!(merged.unwrap() == one);
}

#[test]
fn partials_of_different_samples_are_not_merged() {
    let base = base();
    let runs = 20;
    let mut a = ensemble(&base, &two_capacities(&base), runs)
        .shard(Shard { index: 0, count: 2 })
        .run()
        .unwrap();
    let other = sample(
        &base,
        &[CAPACITY],
        vec![1.0, 2.0],
        vec![vec![0.3], vec![1.3]],
    );
    let b = ensemble(&base, &other, runs)
        .shard(Shard { index: 1, count: 2 })
        .run()
        .unwrap();
    let err = a.merge(&b).unwrap_err();
    assert!(matches!(err, EnsembleError::Mismatch(_)), "{err}");
    assert!(err.to_string().contains("posterior differs"), "{err}");
    let plain = Ensemble::new(base.scenario().unwrap(), runs)
        .shard(Shard { index: 1, count: 2 })
        .run()
        .unwrap();
    assert!(a.merge(&plain).is_err());
}

#[test]
fn the_particles_held_are_counted_against_the_memory_limit() {
    use geoalign::analysis::ensemble::memory::{particle_bytes, PARSE_BYTES_PER_STATE};
    let base = base();
    let scenario = base.scenario().unwrap();
    let each = particle_bytes(&scenario);
    let e = ensemble(&base, &two_capacities(&base), 64);
    assert_eq!(e.distinct_particles(), 2);
    let m = e.memory_estimate();
    assert_eq!((m.particles, m.particles_bytes), (2, 2 * each));
    let err = e.max_memory(1 << 20).run().unwrap_err().to_string();
    assert!(err.contains("for the 2 posterior particles drawn"), "{err}");
    // 1,000 particles, nearly all drawn by 5,000 runs: over 100 MiB of built scenarios on
    // top of what the ensemble needs alone, each worker building one at a time.
    let values: Vec<Vec<f64>> = (0..1000)
        .map(|i| vec![0.3 + f64::from(i) / 1000.0])
        .collect();
    let many = sample(&base, &[CAPACITY], vec![1.0; 1000], values);
    let e = ensemble(&base, &many, 5000).threads(1);
    let alone = Ensemble::new(scenario.clone(), 5000)
        .threads(1)
        .memory_estimate();
    let m = e.memory_estimate();
    assert!(m.particles > 990, "{}", m.particles);
    assert_eq!(m.shared - alone.shared, m.particles * each);
    let states = scenario.world().states().len() as u64;
    assert_eq!(m.run - alone.run, PARSE_BYTES_PER_STATE * states);
    // Refused under a limit that holds the ensemble alone, naming the particles; the advice to
    // draw fewer comes where they are a quarter of the estimate or more, which depends on the
    // memory this test process holds (other tests run beside it), so it is checked only where
    // the particles are a third or more: the process may grow between the two estimates.
    let limited = e.max_memory(alone.total() + (16 << 20));
    let estimate = limited.memory_estimate();
    let err = limited.run().unwrap_err().to_string();
    assert!(err.contains("posterior particles drawn"), "{err}");
    if estimate.particles_bytes >= estimate.total() / 3 {
        assert!(
            err.contains("draw fewer of the posterior's particles"),
            "{err}"
        );
    }
}

#[test]
fn a_particle_the_scenario_refuses_fails_the_job_before_any_run_naming_its_line() {
    let base = base();
    // Noise must be below 1; the second particle's 5 is refused when a run draws it.
    let posterior = sample(
        &base,
        &["parameters.noise"],
        vec![1.0, 1.0],
        vec![vec![0.03], vec![5.0]],
    );
    // Refused before any run is spent: no block of runs reports progress.
    let done = std::sync::atomic::AtomicU64::new(0);
    let err = ensemble(&base, &posterior, 640)
        .run_with_progress(&|n| done.store(n, std::sync::atomic::Ordering::Relaxed))
        .unwrap_err()
        .to_string();
    assert_eq!(done.into_inner(), 0);
    assert!(
        err.starts_with("fit.csv:4: posterior particle 1, drawn by run "),
        "{err}"
    );
    assert!(err.contains("parameters.noise"), "{err}");
}

fn geoalign(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_geoalign"))
        .args(args)
        .output()
        .unwrap()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Every file of `dir` but the manifest (which holds the command line), by name.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap() != "manifest.json")
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect();
    files.sort();
    files
}

#[test]
fn cli_outputs_are_byte_identical_across_threads_and_shards() {
    let dir = scratch("cli");
    let base = base();
    let post = dir.join("fit.csv");
    two_capacities(&base).write(&post).unwrap();
    let post = post.to_str().unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec![
            "run",
            BASE,
            "--runs",
            "130",
            "--posterior",
            post,
            "--seed",
            "5",
        ];
        args.extend_from_slice(extra);
        let out = geoalign(&args);
        assert!(out.status.success(), "{}", stderr(&out));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let (d1, d2, parts) = (dir.join("t1"), dir.join("t2"), dir.join("parts"));
    let printed = run(&["--threads", "1", "--out", d1.to_str().unwrap()]);
    assert!(
        printed.contains("2 particles over 1 key; runs 0..130 draw 2 of them"),
        "{printed}"
    );
    run(&["--threads", "2", "--out", d2.to_str().unwrap()]);
    for shard in ["1/2", "0/2"] {
        run(&[
            "--threads",
            "2",
            "--shard",
            shard,
            "--out",
            parts.to_str().unwrap(),
        ]);
    }
    let merged = dir.join("merged");
    let out = geoalign(&[
        "merge",
        parts.to_str().unwrap(),
        "--out",
        merged.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let whole = files(&d1);
    assert!(whole.len() > 5);
    assert!(whole == files(&d2));
    assert!(whole == files(&merged));
    // The summary says where its parameter uncertainty came from; the manifest, how it ran.
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d1.join("summary.json")).unwrap()).unwrap();
    let p = &summary["posterior"];
    assert_eq!(p["source"], post);
    assert_eq!(p["particles"], 2);
    assert_eq!(p["keys"][0], CAPACITY);
    assert_eq!(
        p["scenario_fingerprint"],
        format!("{:016x}", base.fingerprint())
    );
    assert_eq!(summary["seed"], 5);
    let manifest = std::fs::read_to_string(d1.join("manifest.json")).unwrap();
    assert!(manifest.contains("--posterior"), "{manifest}");
}

/// `geoalign run BASE --runs 5 --posterior SAMPLE`, which must fail with status 1: its stderr.
fn refused_run(sample: &Path) -> String {
    let out = geoalign(&[
        "run",
        BASE,
        "--runs",
        "5",
        "--posterior",
        sample.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    stderr(&out)
}

#[test]
fn cli_refuses_a_sample_of_another_scenario() {
    let dir = scratch("mismatch");
    let other = Base::builtin("builtin:eurasia-2025").unwrap();
    let post = dir.join("fit.csv");
    sample(&other, &["parameters.noise"], vec![1.0], vec![vec![0.03]])
        .write(&post)
        .unwrap();
    let err = refused_run(&post);
    let expected = format!(
        "error: {}:1: this posterior was fitted on scenario \"{}\" with fingerprint {:016x}; the scenario given has fingerprint {:016x}; re-run the calibration",
        post.display(),
        other.name(),
        other.fingerprint(),
        base().fingerprint()
    );
    assert!(err.starts_with(&expected), "{err}");
}

#[test]
fn cli_refuses_an_empty_sample_and_an_unknown_key_naming_file_and_line() {
    let dir = scratch("bad");
    let base = base();
    let head = format!(
        "# geoalign posterior 1; scenario {:?}; fingerprint {:016x}\n",
        base.name(),
        base.fingerprint()
    );
    let empty = dir.join("empty.csv");
    std::fs::write(&empty, format!("{head}weight,parameters.noise\n")).unwrap();
    let err = refused_run(&empty);
    assert!(
        err.starts_with(&format!("error: {}:3: an empty posterior", empty.display())),
        "{err}"
    );
    let unknown = dir.join("unknown.csv");
    std::fs::write(&unknown, format!("{head}weight,parameters.nosie\n1,0.03\n")).unwrap();
    let err = refused_run(&unknown);
    assert!(
        err.starts_with(&format!(
            "error: {}:2: --param `parameters.nosie`: unknown field `nosie`",
            unknown.display()
        )),
        "{err}"
    );
    let missing = dir.join("missing.csv");
    let out = geoalign(&["run", BASE, "--posterior", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("missing.csv"), "{}", stderr(&out));
}

/// The alternative of the comparison tests: the futures share the world, the start and the
/// horizon, and each has a last point of Russia's capacity driver.
const ALT: &str = "builtin:csto-selective-consolidation";

fn comparison(base: &Base, alt: &Base, posterior: &Posterior, runs: u64) -> Comparison {
    Comparison::new(base.scenario().unwrap(), alt.scenario().unwrap(), runs)
        .unwrap()
        .posterior(base, alt, Arc::new(posterior.clone()), Path::new("fit.csv"))
        .unwrap()
}

#[test]
fn a_comparison_takes_the_same_particle_on_both_sides() {
    // A scenario compared with itself under two very different particles: were the sides to
    // draw their particles apart, Belarus's share would differ by 0.13 in half the pairs.
    let base = base();
    let paired = comparison(&base, &base, &two_capacities(&base), 60)
        .threads(2)
        .run()
        .unwrap();
    assert_eq!(paired.posterior.as_ref().unwrap().particles, 2);
    let by = paired.state("Belarus").unwrap();
    let russia = paired.component("Russia").unwrap();
    let d = paired.alignment(paired.steps, by, russia).unwrap();
    assert_eq!((d.mean, d.low, d.high), (0.0, 0.0, 0.0));
    let (_, _, largest) = paired.largest_at_horizon(1)[0];
    assert_eq!(largest.mean, 0.0);
    assert_eq!(paired.changed_share("csto-futures"), Some(0.0));
}

#[test]
fn a_posterior_comparison_does_not_depend_on_threads_or_shards_and_checks_the_base() {
    let (base, alt) = (base(), Base::builtin(ALT).unwrap());
    let posterior = two_capacities(&base);
    let runs = 90;
    let one = comparison(&base, &alt, &posterior, runs)
        .threads(1)
        .run()
        .unwrap();
    let two = comparison(&base, &alt, &posterior, runs)
        .threads(2)
        .run()
        .unwrap();
    assert!(one == two);
    let mut merged = comparison(&base, &alt, &posterior, runs)
        .shard(Shard { index: 1, count: 2 })
        .run()
        .unwrap();
    let first = comparison(&base, &alt, &posterior, runs)
        .shard(Shard { index: 0, count: 2 })
        .run()
        .unwrap();
    merged.merge(&first).unwrap();
    assert!(merged == one);
    // Fitted on the alternative, not the base: refused, naming the scenario it was fitted on.
    let on_alt = sample(&alt, &[CAPACITY], vec![1.0], vec![vec![0.5]]);
    let err = Comparison::new(base.scenario().unwrap(), alt.scenario().unwrap(), runs)
        .unwrap()
        .posterior(&base, &alt, Arc::new(on_alt), Path::new("fit.csv"))
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with(&format!(
            "fit.csv:1: this posterior was fitted on scenario {:?}",
            alt.name()
        )),
        "{err}"
    );
}

#[test]
fn cli_compare_records_the_sample_and_refuses_one_of_the_alternative() {
    let dir = scratch("compare");
    let (base, alt) = (base(), Base::builtin(ALT).unwrap());
    let post = dir.join("fit.csv");
    two_capacities(&base).write(&post).unwrap();
    let out_dir = dir.join("out");
    let out = geoalign(&[
        "compare",
        BASE,
        ALT,
        "--runs",
        "40",
        "--posterior",
        post.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("comparison.json")).unwrap()).unwrap();
    assert_eq!(json["posterior"]["particles"], 2);
    assert_eq!(
        json["posterior"]["scenario_fingerprint"],
        format!("{:016x}", base.fingerprint())
    );
    let wrong = dir.join("alt.csv");
    sample(&alt, &[CAPACITY], vec![1.0], vec![vec![0.5]])
        .write(&wrong)
        .unwrap();
    let out = geoalign(&[
        "compare",
        BASE,
        ALT,
        "--runs",
        "4",
        "--posterior",
        wrong.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).starts_with(&format!(
            "error: {}:1: this posterior was fitted on scenario {:?}",
            wrong.display(),
            alt.name()
        )),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_comparisons_seed_set_after_the_posterior_moves_the_draws_with_it() {
    let (base, alt) = (base(), Base::builtin(ALT).unwrap());
    let posterior = two_capacities(&base);
    let later = comparison(&base, &alt, &posterior, 30)
        .seed(5)
        .run()
        .unwrap();
    let (mut b, mut a) = (base.scenario().unwrap(), alt.scenario().unwrap());
    b.set_seed(5);
    a.set_seed(5);
    let first = Comparison::new(b, a, 30)
        .unwrap()
        .posterior(&base, &alt, Arc::new(posterior), Path::new("fit.csv"))
        .unwrap()
        .run()
        .unwrap();
    assert_eq!(later.seed, 5);
    // The seeds the scenarios carried before differ (the files' against 5); all else is equal.
    let mut later = later;
    assert_ne!(later.base.own_seed, first.base.own_seed);
    later.base.own_seed = first.base.own_seed;
    later.alt.own_seed = first.alt.own_seed;
    assert!(later == first);
}

#[test]
fn the_base_fingerprint_is_the_one_a_plain_run_records() {
    // What a calibration writes on the sample's first line is what `geoalign run` of the same
    // scenario records as its fingerprint: for the embedded world, a built-in and a file.
    let embedded = Base::builtin("builtin:eurasia-2025").unwrap();
    let run = Ensemble::new(geoalign::presets::eurasia_2025(), 1).empty_summary();
    assert_eq!(embedded.fingerprint(), run.fingerprint);
    let builtin = geoalign::presets::builtin(BASE).unwrap();
    assert_eq!(
        base().fingerprint(),
        Ensemble::new(builtin, 1).empty_summary().fingerprint
    );
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/csto-slow-decline.toml"
    );
    let file = Base::file(path).unwrap();
    let scenario = geoalign::Scenario::from_file(path).unwrap();
    assert_eq!(
        file.fingerprint(),
        Ensemble::new(scenario, 1).empty_summary().fingerprint
    );
}

// ------------------------------------------------------------------------------------ sweep

fn posterior_sweep(
    base: &Base,
    posterior: Option<&Posterior>,
    threads: usize,
) -> geoalign::analysis::sweep::SweepTable {
    use geoalign::analysis::sweep::{Design, Sweep};
    let mut sweep = Sweep::new(
        base.clone(),
        vec!["parameters.noise=0.01:0.05:3".parse().unwrap()],
        Design::Grid,
    )
    .runs_per_point(40)
    .threads(threads)
    .output(base.quantity("Belarus.Russia@horizon").unwrap());
    if let Some(p) = posterior {
        sweep = sweep
            .posterior(Arc::new(p.clone()), Path::new("fit.csv"))
            .unwrap();
    }
    sweep.run(&|_| {}).unwrap()
}

/// `sweep --posterior`: a one-particle sample at the base's own values is the plain sweep;
/// two particles of Russia's capacity widen every point's spread of Belarus's share (the
/// particles' means differ, the law of total variance); the table is the same on one thread
/// and on two; a sample of another scenario is refused.
#[test]
fn a_sweep_over_a_posterior_draws_the_other_parameters() {
    let base = base();
    let plain = posterior_sweep(&base, None, 2);
    let at_base = sample(&base, &[CAPACITY], vec![1.0], vec![vec![0.75]]);
    let same = posterior_sweep(&base, Some(&at_base), 2);
    assert_eq!(same.rows, plain.rows);
    assert!(same.job.posterior.is_some() && plain.job.posterior.is_none());
    let two = two_capacities(&base);
    let wide = posterior_sweep(&base, Some(&two), 1);
    for (w, p) in wide.rows.iter().zip(&plain.rows) {
        assert!(
            w.sd.unwrap() > 1.5 * p.sd.unwrap(),
            "point {}: sd {} with the sample, {} without",
            w.point,
            w.sd.unwrap(),
            p.sd.unwrap()
        );
    }
    assert_eq!(posterior_sweep(&base, Some(&two), 2), wide);
    let other = Base::builtin(ALT).unwrap();
    let foreign = sample(&other, &[CAPACITY], vec![1.0], vec![vec![0.75]]);
    let e = geoalign::analysis::sweep::Sweep::new(
        base.clone(),
        vec!["parameters.noise=0.01:0.05:3".parse().unwrap()],
        geoalign::analysis::sweep::Design::Grid,
    )
    .posterior(Arc::new(foreign), Path::new("other.csv"))
    .unwrap_err()
    .to_string();
    assert!(e.contains("other.csv"), "{e}");
}
