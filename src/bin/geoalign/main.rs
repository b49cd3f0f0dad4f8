//! The `geoalign` command line: ensembles of a scenario (the embedded Eurasia 2025 world by
//! default), the three CSTO futures side by side, shards and their merge, sensitivity
//! analysis, parameter sweeps, one traced path, and scenario validation.
//!
//! Every failure ends the process with one paragraph on stderr, `error: ` and the error's
//! chain of causes on one line, and a non-zero status: 1 for a failed command, 2 for bad
//! arguments. A reader that goes away (`geoalign trace | head`) ends the output quietly.

#[macro_use]
mod print;
mod args;
mod calibrate;
mod compare;
mod fit;
mod sweep;

use args::{Cli, Command, EnsembleArgs, MethodArg, WorkerArgs};
use clap::error::ErrorKind;
use clap::Parser;
use geoalign::analysis::ensemble::{memory, Ensemble, Shard, Summary};
use geoalign::analysis::posterior::Posterior;
use geoalign::analysis::sensitivity::{self, Method, ParamRange};
use geoalign::output::message::{one_line, paragraph};
use geoalign::scenario_file::builtin;
use geoalign::{output, Scenario, Simulation};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::error::Error;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A failed command: any error, reported with its chain of causes.
type CliError = Box<dyn Error + Send + Sync>;

/// Print `error: …` on stderr; a closed stderr cannot be reported anywhere, so it is ignored.
fn report(message: &str) {
    let _ = writeln!(std::io::stderr(), "error: {message}");
}

/// Print each warning on stderr as `warning: file:line: `key`: message`, on one line; a
/// closed stderr is ignored, as for errors.
fn warn(warnings: &[impl std::fmt::Display]) {
    for warning in warnings {
        let _ = writeln!(
            std::io::stderr(),
            "warning: {}",
            one_line(&warning.to_string())
        );
    }
}

/// The scenario named on the command line (the embedded world by default), its warnings
/// printed.
fn load(arg: Option<&str>) -> Result<Scenario, CliError> {
    let scenario = match arg {
        None => geoalign::presets::eurasia_2025(),
        Some(name) if name.starts_with("builtin:") => {
            geoalign::presets::builtin(name).ok_or_else(|| {
                let known: Vec<&str> = builtin::names().collect();
                format!("{name}: no such built-in scenario ({})", known.join(", "))
            })?
        }
        Some(path) => {
            let loaded = Scenario::from_file_with_warnings(path)?;
            warn(&loaded.warnings);
            return Ok(loaded.scenario);
        }
    };
    warn(&scenario.warnings());
    Ok(scenario)
}

/// The scenario named on the command line (the embedded world by default) as the base of a
/// study, sweep or posterior ensemble (its key tree, read once), its warnings printed as
/// [`load`] prints them.
fn load_base(arg: Option<&str>) -> Result<sensitivity::Base, CliError> {
    let base = sensitivity::Base::load(arg.unwrap_or(builtin::EURASIA_2025))?;
    warn(base.warnings());
    Ok(base)
}

/// A progress bar that stays hidden for the first second (short runs draw nothing) and
/// whenever stderr is not a terminal (indicatif hides itself then).
struct Progress {
    bar: ProgressBar,
    started: Instant,
    shown: AtomicBool,
}

impl Progress {
    fn new(len: u64, what: &str) -> Progress {
        let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::hidden());
        if let Ok(style) =
            ProgressStyle::with_template("{msg} {wide_bar} {pos}/{len} runs, {eta} left")
        {
            bar.set_style(style);
        }
        bar.set_message(what.to_string());
        Progress {
            bar,
            started: Instant::now(),
            shown: AtomicBool::new(false),
        }
    }

    fn update(&self, done: u64) {
        if !self.shown.load(Ordering::Relaxed)
            && self.started.elapsed() > Duration::from_secs(1)
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        self.bar.set_position(done);
    }

    fn finish(self) {
        self.bar.finish_and_clear();
    }
}

/// `scenario`'s ensemble of `args.runs` runs with the command line's threads, cadence,
/// similarity and memory limit.
fn ensemble_of(scenario: Scenario, args: &EnsembleArgs) -> Ensemble {
    let mut ensemble = Ensemble::new(scenario, args.runs)
        .threads(args.threads)
        .record_every(args.record_every);
    if let Some(on) = args.similarity {
        ensemble = ensemble.similarity(on);
    }
    if let Some(bytes) = args.max_memory {
        ensemble = ensemble.max_memory(bytes);
    }
    ensemble
}

/// Announce what the ensemble chose on its own: a coarser cadence for a long horizon, no
/// state-pair similarity for a large world, fewer threads than asked to fit the memory limit.
fn announce(ensemble: &Ensemble) -> Result<(), CliError> {
    let r = ensemble.recording();
    let steps = ensemble.simulation().scenario().steps();
    if r.record_every_automatic && r.record_every > 1 {
        outln!(
            "recording one step in {} of {steps} (and the horizon): automatic above {} steps; --record-every 1 records every step",
            r.record_every,
            geoalign::analysis::ensemble::AUTO_RECORDED_STEPS
        )?;
    }
    if r.similarity_automatic && !r.similarity {
        outln!(
            "state-pair similarity not computed: off by default above {} states (it grows as states²); --similarity computes it",
            geoalign::analysis::ensemble::AUTO_SIMILARITY_MAX_STATES
        )?;
    }
    let m = ensemble.memory_estimate();
    if m.fits() && m.workers < m.workers_wanted {
        outln!(
            "memory: the limit of {} holds {} worker threads of the {} this job could use ({} asked); results do not depend on it",
            memory::Bytes(m.limit),
            m.workers,
            m.workers_wanted,
            m.threads_asked
        )?;
    }
    Ok(())
}

fn run_ensemble(ensemble: &Ensemble, what: &str) -> Result<Summary, CliError> {
    announce(ensemble)?;
    let estimate = ensemble.memory_estimate();
    let range = ensemble.run_range();
    let progress = Progress::new(range.end - range.start, what);
    let result = ensemble.run_with_progress(&|done| progress.update(done));
    progress.finish();
    let summary = result?;
    // The measured peak beside the prediction, so that a user can set --max-memory from it.
    if let Some(peak) = memory::peak_resident_memory() {
        let mib = |b: u64| b as f64 / f64::from(1 << 20);
        outln!(
            "memory: peak {:.1} MiB resident; estimated {:.1} MiB for {} (limit {})",
            mib(peak),
            mib(estimate.total()),
            print::count(estimate.workers, "worker thread"),
            memory::Bytes(estimate.limit)
        )?;
    }
    Ok(summary)
}

/// `geoalign validate`.
fn validate(scenario: &str) -> Result<(), CliError> {
    let s = load(Some(scenario))?;
    let (scheduled, hazards) = (s.events().len(), s.hazards().len());
    // Declared in the file: the world's own events (unrest, appeals to a bloc, hostile
    // decisions) come from `[parameters.events]` and fire in every scenario.
    let events = match scheduled + hazards {
        0 => "0 declared events".to_string(),
        n => format!(
            "{} ({scheduled} scheduled, {})",
            print::count(n, "declared event"),
            print::count(hazards, "monthly hazard")
        ),
    };
    outln!(
        "{scenario}: valid — \"{}\", {}, {}, {}, {}, {events}, {} from {}",
        s.name(),
        print::count(s.world().powers().len(), "power"),
        print::count(s.world().states().len(), "state"),
        print::count(s.world().institutions().len(), "institution"),
        print::count(s.drivers().len(), "driver"),
        print::count(s.steps() as usize, "step"),
        s.start()
    )
}

/// The command line as typed, for the outputs' manifest.
fn command_line() -> String {
    std::iter::once("geoalign".to_string())
        .chain(std::env::args().skip(1))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Check `--out` and create its staging directory before the work, so an unwritable or
/// occupied directory fails in milliseconds rather than after the run.
fn stage(out: Option<&Path>, force: bool) -> Result<Option<output::Staging>, CliError> {
    let staged = out.map(|dir| {
        output::OutputDir::new(dir)
            .force(force)
            .command(command_line())
            .stage()
    });
    Ok(staged.transpose()?)
}

/// `geoalign run`: the whole ensemble, or one shard's partial summary.
fn run_scenario(
    scenario: Option<&str>,
    args: &EnsembleArgs,
    shard: Option<Shard>,
    out: Option<PathBuf>,
    force: bool,
    posterior: Option<&Path>,
) -> Result<(), CliError> {
    let shard = shard.unwrap_or(Shard::WHOLE);
    let (name, ensemble) = match posterior {
        None => {
            let mut s = load(scenario)?;
            if let Some(seed) = args.seed {
                s.set_seed(seed);
            }
            (s.name().to_string(), ensemble_of(s, args).shard(shard))
        }
        Some(path) => posterior_ensemble(scenario, path, args, shard)?,
    };
    if shard != Shard::WHOLE {
        let dir = out.ok_or("--shard needs --out DIR for the partial summary")?;
        output::check_writable(&dir)?;
        let summary = run_ensemble(&ensemble, &name)?;
        let path = output::write_partial(&dir, &summary)?;
        let r = ensemble.run_range();
        return outln!(
            "shard {shard}: runs {}..{} of {}; partial summary written to {} (combine with `geoalign merge`)",
            r.start,
            r.end,
            args.runs,
            path.display()
        );
    }
    let staged = stage(out.as_deref(), force)?;
    let summary = run_ensemble(&ensemble, &name)?;
    print::summary(&summary)?;
    if let Some(staged) = staged {
        print::written(&staged.write_summary(&summary)?)?;
    }
    Ok(())
}

/// The ensemble of `geoalign run --posterior FILE`: the scenario read as a base (its key
/// tree), the sample read and checked against it (fingerprint, keys), each run's parameters
/// drawn from it; with its name.
fn posterior_ensemble(
    scenario: Option<&str>,
    path: &Path,
    args: &EnsembleArgs,
    shard: Shard,
) -> Result<(String, Ensemble), CliError> {
    let base = load_base(scenario)?;
    let posterior = Posterior::read(path)?;
    let mut s = base.scenario()?;
    if let Some(seed) = args.seed {
        s.set_seed(seed);
    }
    let name = s.name().to_string();
    let (particles, keys) = (posterior.len(), posterior.keys.len());
    let ensemble = ensemble_of(s, args)
        .shard(shard)
        .posterior(&base, Arc::new(posterior), path)?;
    let range = ensemble.run_range();
    outln!(
        "posterior: {} — {} over {}; runs {}..{} draw {} of them (each built once, about {} held each)",
        path.display(),
        print::count(particles, "particle"),
        print::count(keys, "key"),
        range.start,
        range.end,
        ensemble.distinct_particles(),
        memory::Bytes(memory::particle_bytes(ensemble.simulation().scenario()))
    )?;
    Ok((name, ensemble))
}

/// `geoalign futures`.
fn futures(args: &EnsembleArgs, out: Option<&Path>, force: bool) -> Result<(), CliError> {
    let staged = stage(out, force)?;
    let started = Instant::now();
    let mut summaries = Vec::new();
    // The summaries of the futures already run stay in memory beside the next ensemble; its
    // estimate counts them, as it counts all the memory the process holds.
    // The futures, then the embedded world with no drivers under the same seed and runs: the
    // baseline row, what noise and the world's own events give alone.
    // The baseline counts the futures as the futures' files declare them.
    let futures = geoalign::presets::csto_futures();
    let mut baseline = geoalign::presets::eurasia_2025();
    for spec in futures[0].outcomes() {
        baseline
            .add_outcome(spec.clone())
            .map_err(|e| format!("the no-driver baseline: {e}"))?;
    }
    for mut scenario in futures.into_iter().chain([baseline]) {
        warn(&scenario.warnings());
        if let Some(seed) = args.seed {
            scenario.set_seed(seed);
        }
        let name = scenario.name().to_string();
        let ensemble = ensemble_of(scenario, args);
        summaries.push(run_ensemble(&ensemble, &name)?);
    }
    print::futures(&summaries, args.runs)?;
    outln!(
        "\n{} runs in {:.1} s",
        args.runs * summaries.len() as u64,
        started.elapsed().as_secs_f64()
    )?;
    if let Some(staged) = staged {
        print::written(&staged.write_futures(&summaries)?)?;
    }
    Ok(())
}

/// `geoalign merge`: every partial is read checked (regular file, size bounded by its
/// header, digest, job and structure; see `geoalign::output::partial`) and merged.
fn merge(
    inputs: &[PathBuf],
    out: Option<PathBuf>,
    force: bool,
    max_memory: Option<u64>,
) -> Result<(), CliError> {
    // Without --out: beside the partials (a directory of only partials may be written into
    // without --force), the first input directory or else the first file's directory.
    let dir = out
        .or_else(|| inputs.iter().find(|p| p.is_dir()).cloned())
        .or_else(|| {
            inputs
                .first()
                .and_then(|f| f.parent())
                .map(Path::to_path_buf)
        })
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or_else(|| PathBuf::from("."));
    let comparisons = compare::partials_in(inputs)?;
    if !comparisons.is_empty() {
        return compare::merge(&comparisons, &dir, force);
    }
    let sweeps = output::sweep_partial_files(inputs)?;
    if !sweeps.is_empty() {
        return sweep::merge(&sweeps, &dir, force);
    }
    let staged = stage(Some(&dir), force)?.ok_or("no output directory")?;
    let mut files = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let mut found = output::partial_files(input)?;
            files.append(&mut found);
        } else {
            files.push(input.clone());
        }
    }
    let limit = max_memory.unwrap_or_else(memory::default_limit);
    let merged = output::merge_partials_within(&files, limit)?;
    if !merged.is_complete() {
        return Err(format!(
            "only shards {:?} of {} are present; merge all of them",
            merged.shards, merged.shard_count
        )
        .into());
    }
    print::summary(&merged)?;
    print::written(&staged.write_summary(&merged)?)
}

/// What a sensitivity study ranks parameters against: `--outcome NAME`, `--quantity Q`, or
/// (neither) the CSTO futures.
struct Measure {
    outcome: Option<String>,
    quantity: Option<String>,
}

/// The design method and its size.
fn study_method(method: MethodArg, design: Option<usize>) -> Method {
    match method {
        MethodArg::Morris => Method::Morris {
            trajectories: design.unwrap_or(sensitivity::DEFAULT_MORRIS_TRAJECTORIES),
        },
        MethodArg::Sobol => Method::Sobol {
            samples: design.unwrap_or(sensitivity::DEFAULT_SOBOL_SAMPLES),
        },
    }
}

/// `geoalign sensitivity`.
fn sensitivity(
    scenario: Option<&str>,
    params: Vec<ParamRange>,
    method: Method,
    runs: u64,
    measure: Measure,
    workers: &WorkerArgs,
    staged: Option<output::Staging>,
) -> Result<(), CliError> {
    let base = load_base(scenario)?;
    let outcome = match (&measure.outcome, &measure.quantity) {
        (Some(name), _) => Some(base.outcome(name)?),
        (None, Some(text)) => Some(base.quantity(text)?),
        (None, None) => None,
    };
    let mut study = sensitivity::Study {
        base,
        params,
        runs_per_point: runs,
        threads: workers.threads,
        seed: sensitivity::DEFAULT_DESIGN_SEED,
        outcome,
    };
    study.threads = study_threads(&study, workers)?;
    let points = study.points(&method);
    let progress = Progress::new(points as u64 * runs, "sensitivity");
    let result = study.run(&method, &|done| progress.update(done));
    progress.finish();
    let report = result?;
    out!("{report}")?;
    if let Some(staged) = staged {
        print::written(&staged.write_sensitivity(&report)?)?;
    }
    Ok(())
}

/// The worker threads a sensitivity study starts: those asked for (0: one per core), as many
/// as the memory limit holds, each building its own design point's scenario; an error when
/// not even one fits.
fn study_threads(study: &sensitivity::Study, workers: &WorkerArgs) -> Result<usize, CliError> {
    let middle = vec![0.5; study.params.len()];
    // A base or key the study refuses is reported by the study itself, with its context.
    let Ok(point) = study.scenario_at(&middle) else {
        return Ok(workers.threads);
    };
    let each = memory::design_point_bytes(&point);
    fitting_workers(workers, each, 0, |process, limit| {
        format!(
            "memory: a sensitivity worker needs about {} beside the {} this process holds, over the limit of {}; raise it with --max-memory",
            memory::Bytes(each),
            memory::Bytes(process),
            memory::Bytes(limit)
        )
    })
}

/// The worker threads asked for (0: one per core).
fn worker_count(threads: usize) -> usize {
    match threads {
        0 => std::thread::available_parallelism().map_or(1, usize::from),
        n => n,
    }
}

/// Of the worker threads `workers` asks for, as many as its memory limit holds at
/// `per_worker` bytes each beside this process and `shared` bytes held once (announced when
/// fewer than asked); when not even one fits, the error `refusal` words from the process's
/// bytes and the limit.
fn fitting_workers(
    workers: &WorkerArgs,
    per_worker: u64,
    shared: u64,
    refusal: impl FnOnce(u64, u64) -> String,
) -> Result<usize, CliError> {
    let limit = workers.max_memory.unwrap_or_else(memory::default_limit);
    let process = memory::resident_memory().unwrap_or(memory::PROCESS_BYTES);
    let asked = worker_count(workers.threads);
    let room = limit.saturating_sub(process).saturating_sub(shared);
    let fit = (room / per_worker.max(1)) as usize;
    if fit == 0 {
        return Err(refusal(process, limit).into());
    }
    if fit < asked {
        outln!(
            "memory: the limit of {} holds {fit} worker threads of the {asked} asked; results do not depend on it",
            memory::Bytes(limit)
        )?;
    }
    Ok(asked.min(fit))
}

/// Refuse a trace whose whole trajectory (and its JSON text) would not fit the memory limit.
fn check_trace_memory(
    sim: &Simulation,
    json: bool,
    max_memory: Option<u64>,
) -> Result<(), CliError> {
    let limit = max_memory.unwrap_or_else(memory::default_limit);
    let process = memory::resident_memory().unwrap_or(memory::PROCESS_BYTES);
    let needed = memory::trajectory_bytes(sim.scenario(), json);
    if process.saturating_add(needed) > limit {
        return Err(format!(
            "memory: the trajectory of {} steps needs about {}{} beside the {} this process holds, over the limit of {}; trace a shorter horizon or raise --max-memory",
            sim.scenario().steps(),
            memory::Bytes(needed),
            if json { " with its JSON text" } else { "" },
            memory::Bytes(process),
            memory::Bytes(limit)
        )
        .into());
    }
    Ok(())
}

/// `geoalign trace`.
fn trace(
    scenario: Option<&str>,
    seed: Option<u64>,
    run: u64,
    json: Option<&Path>,
    out: Option<&Path>,
    force: bool,
    max_memory: Option<u64>,
) -> Result<(), CliError> {
    let mut s = load(scenario)?;
    if let Some(seed) = seed {
        s.set_seed(seed);
    }
    let sim = Simulation::new(s);
    check_trace_memory(&sim, json.is_some(), max_memory)?;
    // Both refused before the run if their target is taken, as `run --out` is.
    let file = json
        .map(|path| output::AtomicFile::create(path, force))
        .transpose()?;
    let staged = stage(out, force)?;
    let t = sim.trajectory(run)?;
    print::trace(&sim, &t, run)?;
    if let (Some(file), Some(path)) = (file, json) {
        file.commit(serde_json::to_string(&t)?.as_bytes())?;
        outln!("\ntrajectory written to {}", path.display())?;
    }
    if let Some(staged) = staged {
        outln!()?;
        print::written(&staged.write_trace(sim.scenario(), &t)?)?;
    }
    Ok(())
}

fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Validate { scenario } => validate(&scenario),
        Command::Compare(args) => compare::compare(&args),
        Command::Sweep(args) => sweep::sweep(&args),
        Command::FitInterventions(args) => fit::fit_interventions(&args),
        Command::Calibrate(args) => calibrate::calibrate(&args),
        Command::Run {
            scenario,
            ensemble,
            shard,
            out,
            force,
            posterior,
        } => run_scenario(
            scenario.as_deref(),
            &ensemble,
            shard,
            out,
            force,
            posterior.as_deref(),
        ),
        Command::Futures {
            ensemble,
            out,
            force,
        } => futures(&ensemble, out.as_deref(), force),
        Command::Merge {
            inputs,
            out,
            force,
            max_memory,
        } => merge(&inputs, out, force, max_memory),
        Command::Sensitivity {
            scenario,
            params,
            method,
            design,
            runs,
            outcome,
            quantity,
            workers,
            out,
            force,
        } => sensitivity(
            scenario.as_deref(),
            params,
            study_method(method, design),
            runs,
            Measure { outcome, quantity },
            &workers,
            stage(out.as_deref(), force)?,
        ),
        Command::Trace {
            scenario,
            seed,
            run,
            json,
            out,
            force,
            max_memory,
        } => trace(
            scenario.as_deref(),
            seed,
            run,
            json.as_deref(),
            out.as_deref(),
            force,
            max_memory,
        ),
    }
}

fn main() -> ExitCode {
    // A bug must still end in one paragraph, not a panic message and a backtrace.
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown cause".into());
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        report(&one_line(&format!(
            "internal error (a bug in geoalign; please report it with the command that caused it): {what}{place}"
        )));
    }));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            return match e.kind() {
                // Help and version are output, not errors; a closed pipe ends them quietly.
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
                    let _ = e.print();
                    ExitCode::SUCCESS
                }
                ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                    let _ = e.print();
                    ExitCode::from(2)
                }
                // A usage error in one paragraph, without clap's separate "For more
                // information" paragraph; its tip and usage lines follow semicolons.
                _ => {
                    let text = e.render().to_string();
                    let mut message = String::new();
                    for line in text.lines().map(str::trim) {
                        if line.is_empty() || line.starts_with("For more information") {
                            continue;
                        }
                        let line = line.strip_prefix("error: ").unwrap_or(line);
                        if message.is_empty() {
                            message.push_str(line);
                        } else if let Some(usage) = line.strip_prefix("Usage: ") {
                            message.push_str(&format!("; usage: {usage}"));
                        } else if line.starts_with("tip:") {
                            message.push_str(&format!("; {line}"));
                        } else {
                            message.push_str(&format!(" {line}"));
                        }
                    }
                    report(&format!("{message} (see --help)"));
                    ExitCode::from(2)
                }
            };
        }
    };
    let result = run(cli).and_then(|()| match std::io::stdout().lock().flush() {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write to standard output: {e}").into())
        }
        _ => Ok(()),
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            report(&paragraph(err.as_ref()));
            ExitCode::FAILURE
        }
    }
}
