//! The `geoalign` command line: ensembles of a scenario (the embedded Eurasia 2025 world by
//! default), the three CSTO futures side by side, shards and their merge, sensitivity
//! analysis, one traced path, and scenario validation.
//!
//! Every failure ends the process with one paragraph on stderr, `error: ` and the error's
//! chain of causes on one line, and a non-zero status: 1 for a failed command, 2 for bad
//! arguments. A reader that goes away (`geoalign trace | head`) ends the output quietly.

use clap::error::ErrorKind;
use clap::{Parser, Subcommand, ValueEnum};
use geoalign::analysis::ensemble::{
    CstoFuture, Ensemble, EnsembleError, Proportion, Shard, Summary,
};
use geoalign::analysis::sensitivity::{self, Method, ParamRange};
use geoalign::{output, Scenario, Simulation};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::error::Error;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

#[derive(Parser)]
#[command(
    name = "geoalign",
    version,
    about = "Simulate geopolitical alignment between great powers (model implications under a scenario's assumptions, not forecasts)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a Monte Carlo ensemble of a scenario and summarise it (or one shard of it).
    Run {
        /// Scenario file or `builtin:NAME`; the embedded Eurasia 2025 world when absent.
        scenario: Option<String>,
        /// Number of runs of the whole ensemble (at least 1).
        #[arg(long, default_value_t = 1000, value_parser = runs)]
        runs: u64,
        /// Worker threads (0: one per core; at most 1024). Results do not depend on it.
        #[arg(long, default_value_t = 0, value_parser = threads)]
        threads: usize,
        /// Override the scenario's seed.
        #[arg(long)]
        seed: Option<u64>,
        /// Run only shard i of n (0-based, e.g. 3/10) and write a mergeable partial summary
        /// to --out; combine the partials with `geoalign merge`.
        #[arg(long)]
        shard: Option<Shard>,
        /// Directory for CSV, JSON and SVG output (or the partial summary of a shard).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// The three CSTO futures of seed 000 side by side: the 3 × 3 table of scenario versus
    /// classified outcome, with Wilson 95 % intervals.
    Futures {
        /// Runs per future (at least 1).
        #[arg(long, default_value_t = 1000, value_parser = runs)]
        runs: u64,
        /// Worker threads (0: one per core; at most 1024).
        #[arg(long, default_value_t = 0, value_parser = threads)]
        threads: usize,
        /// Override the futures' seed.
        #[arg(long)]
        seed: Option<u64>,
        /// Directory for CSV, JSON and SVG output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Global sensitivity of P(each future) to named scenario parameters.
    Sensitivity {
        /// Scenario file or `builtin:NAME`; the embedded Eurasia 2025 world when absent.
        scenario: Option<String>,
        /// A parameter and its range, as a dotted key of the scenario file and lo:hi, e.g.
        /// `parameters.noise=0.01:0.06` or `powers.Russia.coercion=0.5:1.0`. Repeat it.
        #[arg(long = "param", required = true)]
        params: Vec<ParamRange>,
        /// Method: Morris elementary effects (screening) or Sobol indices (Saltelli).
        #[arg(long, value_enum, default_value_t = MethodArg::Morris)]
        method: MethodArg,
        /// Design size: Morris trajectories, or Sobol base samples N (N × (k + 2) points).
        #[arg(long)]
        design: Option<usize>,
        /// Runs per design point (at least 1).
        #[arg(long, default_value_t = sensitivity::DEFAULT_RUNS_PER_POINT, value_parser = runs)]
        runs: u64,
        /// Worker threads (0: one per core; at most 1024).
        #[arg(long, default_value_t = 0, value_parser = threads)]
        threads: usize,
        /// Directory for the CSV of indices.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Merge shard partials (`partial-*.json` files, or directories holding them) into the
    /// summary one machine would have produced, and write its outputs.
    Merge {
        /// Partial files or directories.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// Output directory (default: the first input directory).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Trace one run and print each state's alignment at the start and the end.
    Trace {
        /// Scenario file or `builtin:NAME`; the embedded Eurasia 2025 world when absent.
        scenario: Option<String>,
        /// Override the scenario's seed.
        #[arg(long)]
        seed: Option<u64>,
        /// Run index (selects the run's random stream).
        #[arg(long, default_value_t = 0)]
        run: u64,
        /// Write the whole trajectory as JSON to this file.
        #[arg(long)]
        json: Option<PathBuf>,
    },
    /// Check a scenario file; exits non-zero with the error if it is refused.
    Validate {
        /// Scenario file.
        scenario: String,
    },
}

/// Most worker threads a command starts: far more than any machine has cores, and few enough
/// that a typo (`--threads 100000`) fails at once instead of spawning threads for minutes.
const MAX_THREADS: usize = 1024;

fn runs(arg: &str) -> Result<u64, String> {
    match arg.parse::<u64>() {
        Ok(0) => Err("at least 1 run is needed".into()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("`{arg}` is not a whole number")),
    }
}

fn threads(arg: &str) -> Result<usize, String> {
    let n: usize = arg
        .parse()
        .map_err(|_| format!("`{arg}` is not a whole number"))?;
    if n > MAX_THREADS {
        return Err(format!("at most {MAX_THREADS} threads, got {n}"));
    }
    Ok(n)
}

/// A failed command: any error, reported with its chain of causes.
type CliError = Box<dyn Error + Send + Sync>;

/// Set once a write to stdout met a broken pipe: the reader has gone, the rest is dropped.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Write to stdout without `print!`'s panic: a broken pipe (`geoalign trace | head`) ends the
/// output quietly and the command carries on (it may still write its `--out` files); any
/// other failure (a full disk) is an error.
fn emit(args: fmt::Arguments<'_>) -> Result<(), CliError> {
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return Ok(());
    }
    match std::io::stdout().lock().write_fmt(args) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
            Ok(())
        }
        Err(e) => Err(format!("cannot write to standard output: {e}").into()),
    }
}

/// `print!` through [`emit`]; use with `?`.
macro_rules! out {
    ($($arg:tt)*) => {
        emit(format_args!($($arg)*))
    };
}

/// `println!` through [`emit`]; use with `?`.
macro_rules! outln {
    () => {
        emit(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        emit(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// One paragraph: the error, then each cause its message does not already include, on one
/// line (a line break inside a message, e.g. in a name, is folded into a space).
fn paragraph(err: &(dyn Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut cause = err.source();
    while let Some(e) = cause {
        let part = e.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        cause = e.source();
    }
    one_line(&text)
}

fn one_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Print `error: …` on stderr; a closed stderr cannot be reported anywhere, so it is ignored.
fn report(message: &str) {
    let _ = writeln!(std::io::stderr(), "error: {message}");
}

#[derive(Clone, Copy, ValueEnum)]
enum MethodArg {
    Morris,
    Sobol,
}

fn load(arg: Option<&str>) -> Result<Scenario, CliError> {
    match arg {
        None => Ok(geoalign::presets::eurasia_2025()),
        Some(name) if name.starts_with("builtin:") => {
            geoalign::presets::builtin(name).ok_or_else(|| {
                format!(
                    "{name}: no such built-in scenario (builtin:eurasia-2025, {})",
                    geoalign::presets::CSTO_FUTURES.join(", ")
                )
                .into()
            })
        }
        Some(path) => Ok(Scenario::from_file(path)?),
    }
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

fn run_ensemble(ensemble: &Ensemble, what: &str) -> Result<Summary, CliError> {
    let range = ensemble.run_range();
    let progress = Progress::new(range.end - range.start, what);
    let result = ensemble.run_with_progress(&|done| progress.update(done));
    progress.finish();
    Ok(result?)
}

/// Four decimals: with 10,000 runs a Wilson bound of 0.9996 must not print as 1.000.
fn interval(p: &Proportion) -> String {
    format!("{:.4} [{:.4}, {:.4}]", p.estimate, p.low, p.high)
}

fn print_summary(s: &Summary) -> Result<(), CliError> {
    let last = s.steps as usize;
    outln!(
        "{} — seed {}, {} runs, {} → {} (model implications under the scenario's assumptions, not forecasts)\n",
        s.scenario,
        s.seed,
        s.runs,
        s.start,
        s.start.add_months(s.steps)
    )?;
    outln!("Alignment at the horizon: mean share (5–95 % of runs)")?;
    out!("{:<13}", "state")?;
    for p in &s.powers {
        out!("{p:>19}")?;
    }
    outln!("{:>19}", "autonomy")?;
    for (i, name) in s.states.iter().enumerate() {
        out!("{name:<13}")?;
        for c in 0..=s.powers.len() {
            if let Some(st) = s.alignment(last, i, c) {
                out!(
                    "{:>19}",
                    format!(
                        "{:.3} ({:.2}–{:.2})",
                        st.mean, st.quantiles[0], st.quantiles[4]
                    )
                )?;
            }
        }
        outln!()?;
    }
    if s.classified {
        outln!("\nCSTO future at the horizon (Wilson 95 % interval)")?;
        for f in CstoFuture::ALL {
            if let Some(p) = s.future(f) {
                outln!("  {:<26}{}", f.name(), interval(&p))?;
            }
        }
    }
    print_membership(s)
}

fn print_membership(s: &Summary) -> Result<(), CliError> {
    let Some(csto) = s.institutions.iter().position(|i| i == "CSTO") else {
        return Ok(());
    };
    outln!("\nCSTO members: P(suspended at some step) and P(exited) by the horizon")?;
    for (m, name) in s.members[csto].iter().enumerate() {
        if let Some((sus, ex)) = s.membership(csto, m) {
            outln!(
                "  {name:<13}suspended {}   exited {}",
                interval(&sus),
                interval(&ex)
            )?;
        }
    }
    Ok(())
}

fn report_written(files: &[PathBuf]) -> Result<(), CliError> {
    for f in files {
        outln!("wrote {}", f.display())?;
    }
    Ok(())
}

fn futures(
    runs: u64,
    threads: usize,
    seed: Option<u64>,
    out: Option<&Path>,
) -> Result<(), CliError> {
    let started = Instant::now();
    let mut summaries = Vec::new();
    for mut scenario in geoalign::presets::csto_futures() {
        if let Some(seed) = seed {
            scenario.set_seed(seed);
        }
        let name = scenario.name().to_string();
        let ensemble = Ensemble::new(scenario, runs).threads(threads);
        summaries.push(run_ensemble(&ensemble, &name)?);
    }
    outln!(
        "The three CSTO futures of seed 000: {runs} runs each, classified at {} (model implications under each future's assumptions, not forecasts)\n",
        summaries[0].start.add_months(summaries[0].steps)
    )?;
    outln!("P(classified outcome) with Wilson 95 % intervals; rows: the scenario run, columns: the outcome")?;
    out!("{:<30}", "scenario \\ outcome")?;
    for f in CstoFuture::ALL {
        out!("{:>29}", f.name())?;
    }
    outln!()?;
    for s in &summaries {
        out!("{:<30}", s.scenario)?;
        for f in CstoFuture::ALL {
            let cell = s.future(f).map(|p| interval(&p)).unwrap_or_default();
            out!("{cell:>29}")?;
        }
        outln!()?;
    }
    let csto_ix = summaries[0].institutions.iter().position(|i| i == "CSTO");
    if let Some(csto) = csto_ix {
        outln!("\nCSTO cohesion at the horizon: mean (5–95 % of runs)")?;
        for s in &summaries {
            if let Some(c) = s.cohesion(s.steps as usize, csto) {
                outln!(
                    "  {:<30}{:.3} ({:.3}–{:.3})",
                    s.scenario,
                    c.mean,
                    c.quantiles[0],
                    c.quantiles[4]
                )?;
            }
        }
        for s in &summaries {
            outln!("\n{}:", s.scenario)?;
            print_membership(s)?;
        }
    }
    outln!(
        "\n{} runs in {:.1} s",
        runs * 3,
        started.elapsed().as_secs_f64()
    )?;
    if let Some(dir) = out {
        report_written(&output::write_futures(dir, &summaries)?)?;
    }
    Ok(())
}

fn merge(inputs: &[PathBuf], out: Option<PathBuf>) -> Result<(), CliError> {
    let mut files = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let mut found = output::partial_files(input)?;
            files.append(&mut found);
        } else {
            files.push(input.clone());
        }
    }
    let mut merged: Option<Summary> = None;
    for f in &files {
        let part = output::read_partial(f)?;
        match merged.as_mut() {
            None => merged = Some(part),
            Some(m) => m
                .merge(&part)
                .map_err(|e: EnsembleError| format!("{}: {e}", f.display()))?,
        }
    }
    let merged = merged.ok_or("no partial-*.json files found in the inputs")?;
    if !merged.is_complete() {
        return Err(format!(
            "only shards {:?} of {} are present; merge all of them",
            merged.shards, merged.shard_count
        )
        .into());
    }
    print_summary(&merged)?;
    let dir = out
        .or_else(|| inputs.iter().find(|p| p.is_dir()).cloned())
        .unwrap_or_else(|| PathBuf::from("."));
    report_written(&output::write_summary(&dir, &merged)?)?;
    Ok(())
}

fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Validate { scenario } => {
            let s = load(Some(&scenario))?;
            outln!(
                "{scenario}: valid — \"{}\", {} powers, {} states, {} institutions, {} drivers, {} steps from {}",
                s.name(),
                s.world().powers().len(),
                s.world().states().len(),
                s.world().institutions().len(),
                s.drivers().len(),
                s.steps(),
                s.start()
            )?;
        }
        Command::Run {
            scenario,
            runs,
            threads,
            seed,
            shard,
            out,
        } => {
            let mut s = load(scenario.as_deref())?;
            if let Some(seed) = seed {
                s.set_seed(seed);
            }
            let name = s.name().to_string();
            let shard = shard.unwrap_or(Shard::WHOLE);
            let ensemble = Ensemble::new(s, runs).threads(threads).shard(shard);
            if shard != Shard::WHOLE {
                let dir = out.ok_or("--shard needs --out DIR for the partial summary")?;
                let summary = run_ensemble(&ensemble, &name)?;
                let path = output::write_partial(&dir, &summary)?;
                let r = ensemble.run_range();
                outln!(
                    "shard {shard}: runs {}..{} of {runs}; partial summary written to {} (combine with `geoalign merge`)",
                    r.start,
                    r.end,
                    path.display()
                )?;
                return Ok(());
            }
            let summary = run_ensemble(&ensemble, &name)?;
            print_summary(&summary)?;
            if let Some(dir) = out {
                report_written(&output::write_summary(&dir, &summary)?)?;
            }
        }
        Command::Futures {
            runs,
            threads,
            seed,
            out,
        } => futures(runs, threads, seed, out.as_deref())?,
        Command::Merge { inputs, out } => merge(&inputs, out)?,
        Command::Sensitivity {
            scenario,
            params,
            method,
            design,
            runs,
            threads,
            out,
        } => {
            let base = match scenario.as_deref() {
                None => sensitivity::Base::builtin("builtin:eurasia-2025"),
                Some(n) if n.starts_with("builtin:") => sensitivity::Base::builtin(n),
                Some(path) => sensitivity::Base::file(path),
            }?;
            let method = match method {
                MethodArg::Morris => Method::Morris {
                    trajectories: design.unwrap_or(sensitivity::DEFAULT_MORRIS_TRAJECTORIES),
                },
                MethodArg::Sobol => Method::Sobol {
                    samples: design.unwrap_or(sensitivity::DEFAULT_SOBOL_SAMPLES),
                },
            };
            let study = sensitivity::Study {
                base,
                params,
                runs_per_point: runs,
                threads,
                seed: sensitivity::DEFAULT_DESIGN_SEED,
            };
            let points = study.points(&method);
            let progress = Progress::new(points as u64 * runs, "sensitivity");
            let result = study.run(&method, &|done| progress.update(done));
            progress.finish();
            let report = result?;
            out!("{report}")?;
            if let Some(dir) = out {
                report_written(&[output::write_sensitivity(&dir, &report)?])?;
            }
        }
        Command::Trace {
            scenario,
            seed,
            run,
            json,
        } => {
            let mut s = load(scenario.as_deref())?;
            if let Some(seed) = seed {
                s.set_seed(seed);
            }
            let sim = Simulation::new(s);
            let t = sim.trajectory(run)?;
            let s = sim.scenario();
            outln!(
                "{} — seed {}, run {run}: {} → {} (one simulated path under the scenario's assumptions, not a forecast)\n",
                s.name(),
                s.seed(),
                s.start(),
                s.date_of(s.steps())
            )?;
            out!("{:<14}{:<9}", "state", "date")?;
            for p in &t.powers {
                out!("{p:>9}")?;
            }
            outln!("{:>9}", "autonomy")?;
            let last = t.len() - 1;
            for (i, name) in t.states.iter().enumerate() {
                for (step, label) in [(0, name.as_str()), (last, "")] {
                    out!("{label:<14}{:<9}", s.date_of(step as u32).to_string())?;
                    for x in t.alignment_of(step, i).iter() {
                        out!("{x:>9.3}")?;
                    }
                    outln!()?;
                }
            }
            if let Some(path) = json {
                let text = serde_json::to_string(&t)?;
                std::fs::write(&path, text)
                    .map_err(|e| format!("{}: cannot write: {e}", path.display()))?;
                outln!("\ntrajectory written to {}", path.display())?;
            }
        }
    }
    Ok(())
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
