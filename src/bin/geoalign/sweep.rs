//! `geoalign sweep SCENARIO --param KEY=LO:HI[:N] …`: outcome probabilities and quantity means
//! at every point of a design over scenario parameters, as one tidy table (`sweep.csv`); its
//! shards' partials, skipped when already written; and their merge.

use crate::args::WorkerArgs;
use crate::{print, stage, CliError, Progress};
use clap::{Args, ValueEnum};
use geoalign::analysis::ensemble::{memory, Shard};
use geoalign::analysis::sensitivity;
use geoalign::analysis::sweep::{self, Design, Sweep, SweepJob, SweepParam, SweepTable};
use geoalign::output;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The arguments of `geoalign sweep`.
#[derive(Args)]
pub struct SweepArgs {
    /// Scenario file or `builtin:NAME`; the embedded Eurasia 2025 world when absent.
    pub scenario: Option<String>,
    /// A parameter and its range, as a dotted key of the scenario file and LO:HI, with :N grid
    /// levels for --design grid (default 5), e.g. `parameters.noise=0.01:0.06:8`. Repeat it.
    #[arg(long = "param", required = true, value_name = "KEY=LO:HI[:N]")]
    pub params: Vec<SweepParam>,
    /// How the points are placed: every combination of the levels (grid), a Latin hypercube
    /// (lhs) or a scrambled Sobol sequence (sobol) of --points points.
    #[arg(long, value_enum, default_value_t = DesignArg::Grid)]
    pub design: DesignArg,
    /// Points of an lhs or sobol design (default 10 per parameter; a power of two keeps a
    /// Sobol design balanced). A grid's size is the product of its levels.
    #[arg(long, value_name = "M")]
    pub points: Option<usize>,
    /// Runs per design point (at least 1): run indices 0..R under the scenario's seed at every
    /// point, so that points differ by their parameters, not by their random streams.
    #[arg(long, default_value_t = sensitivity::DEFAULT_RUNS_PER_POINT, value_parser = crate::args::runs)]
    pub runs: u64,
    /// An outcome whose category probabilities to report (repeatable): one the scenario
    /// declares (`[[outcomes]]`) or the built-in csto-futures. Default, with no --quantity:
    /// csto-futures.
    #[arg(long, value_name = "NAME")]
    pub outcome: Vec<String>,
    /// A quantity whose mean, 95 % interval and sd over runs to report (repeatable):
    /// STATE.COMPONENT@WHEN, e.g. Tajikistan.Russia@horizon.
    #[arg(long, value_name = "STATE.COMPONENT@WHEN")]
    pub quantity: Vec<String>,
    /// Seed of the design's draws (Latin hypercube, Sobol scrambling); not of the runs.
    #[arg(long, default_value_t = sensitivity::DEFAULT_DESIGN_SEED)]
    pub design_seed: u64,
    #[command(flatten)]
    pub workers: WorkerArgs,
    /// Draw each run's other parameters from this posterior sample (the file `geoalign
    /// calibrate` writes, fitted on this scenario): run r draws the same particle at every
    /// point, and the point's own keys are set over it.
    #[arg(long, value_name = "FILE")]
    pub posterior: Option<PathBuf>,
    /// Evaluate only shard i of n of the design points (0-based) and write its partial to
    /// --out; a shard whose valid partial is already there is skipped (--force reruns it).
    /// Combine the partials with `geoalign merge`.
    #[arg(long)]
    pub shard: Option<Shard>,
    /// Directory for sweep.csv and sweep.json (or a shard's partial).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace the outputs of an earlier run in --out (the files its manifest.json lists;
    /// other files are kept); with --shard, run the shard again even if its partial exists.
    #[arg(long)]
    pub force: bool,
}

/// The sweep designs.
#[derive(Clone, Copy, ValueEnum)]
pub enum DesignArg {
    Grid,
    Lhs,
    Sobol,
}

/// Rows printed on the console. Reason: a screenful; sweep.csv holds every one.
const PRINTED: usize = 24;

/// `geoalign sweep`.
pub fn sweep(args: &SweepArgs) -> Result<(), CliError> {
    let base = crate::load_base(args.scenario.as_deref())?;
    let k = args.params.len();
    let sized = args
        .points
        .unwrap_or(sweep::DEFAULT_POINTS_PER_PARAM.saturating_mul(k));
    let design = match (args.design, args.points) {
        (DesignArg::Grid, Some(points)) => {
            return Err(sweep::SweepError::PointsOnGrid(points).into())
        }
        (DesignArg::Grid, None) => Design::Grid,
        (DesignArg::Lhs, _) => Design::Lhs { points: sized },
        (DesignArg::Sobol, _) => Design::Sobol { points: sized },
    };
    let mut sweep = Sweep::new(base.clone(), args.params.clone(), design)
        .runs_per_point(args.runs)
        .design_seed(args.design_seed)
        .shard(args.shard.unwrap_or(Shard::WHOLE));
    if let Some(path) = &args.posterior {
        let posterior = geoalign::analysis::posterior::Posterior::read(path)?;
        outln!(
            "posterior: {} — {} particles over {} keys; each run draws one, the same at every point",
            path.display(),
            posterior.len(),
            posterior.keys.len()
        )?;
        sweep = sweep.posterior(std::sync::Arc::new(posterior), path)?;
    }
    for name in &args.outcome {
        sweep = sweep.output(base.outcome(name)?);
    }
    for text in &args.quantity {
        sweep = sweep.output(base.quantity(text)?);
    }
    // Everything checkable is checked here, before a thread starts or a file is touched.
    let job = sweep.job()?;
    if matches!(design, Design::Sobol { points } if !points.is_power_of_two()) {
        outln!(
            "note: {sized} Sobol points is not a power of two; the sequence's balance (one point per stratum of each parameter) holds for powers of two"
        )?;
    }
    let threads = sweep_threads(&sweep, &args.workers)?;
    sweep = sweep.threads(threads);
    match args.shard.filter(|&s| s != Shard::WHOLE) {
        Some(shard) => run_shard(&sweep, &job, shard, args),
        None => run_whole(&sweep, &job, args),
    }
}

/// One shard: skipped when its valid partial of this very sweep is already in --out.
fn run_shard(
    sweep: &Sweep,
    job: &SweepJob,
    shard: Shard,
    args: &SweepArgs,
) -> Result<(), CliError> {
    let dir = args
        .out
        .as_deref()
        .ok_or("--shard needs --out DIR for the partial")?;
    let path = output::sweep_partial_path(dir, shard);
    if path.exists() && !args.force {
        match output::read_sweep_partial(&path) {
            Ok(done) if done.job == *job => {
                return outln!(
                    "shard {shard}: already done, {} holds its valid partial; skipped (--force runs it again)",
                    path.display()
                );
            }
            Ok(_) => {
                return Err(format!(
                    "{}: holds the partial of another sweep (another scenario, design, parameters, runs or outputs); remove it, choose another --out, or pass --force to replace it",
                    path.display()
                )
                .into())
            }
            Err(e) => outln!(
                "shard {shard}: the partial already there is refused ({}); running the shard again",
                geoalign::output::message::one_line(&e.to_string())
            )?,
        }
    }
    output::check_writable(dir)?;
    let table = run(sweep, job)?;
    let path = output::write_sweep_partial(dir, &table)?;
    let points = sweep.point_range()?;
    outln!(
        "shard {shard}: design points {}..{} of {}; partial written to {} (combine with `geoalign merge`)",
        points.start,
        points.end,
        job.points,
        path.display()
    )
}

/// The whole sweep: printed, and written to --out.
fn run_whole(sweep: &Sweep, job: &SweepJob, args: &SweepArgs) -> Result<(), CliError> {
    let staged = stage(args.out.as_deref(), args.force)?;
    let table = run(sweep, job)?;
    print_table(&table)?;
    match staged {
        Some(staged) => print::written(&staged.write_sweep(&table)?),
        None => outln!("\n(--out DIR writes every row to sweep.csv)"),
    }
}

/// Run with a progress bar; report the time and memory taken.
fn run(sweep: &Sweep, job: &SweepJob) -> Result<SweepTable, CliError> {
    let points = sweep.point_range()?.len() as u64;
    outln!(
        "sweep of {}: {} design, {} of {} points × {} runs (scenario seed {} at every point), {}",
        job.scenario,
        job.design.name(),
        points,
        job.points,
        job.runs_per_point,
        job.seed,
        print::count(crate::worker_count(sweep.thread_count()), "worker thread")
    )?;
    let started = Instant::now();
    let progress = Progress::new(points * job.runs_per_point, "sweep");
    let result = sweep.run(&|done| progress.update(done));
    progress.finish();
    let table = result?;
    let estimate = sweep.memory()?;
    let workers = crate::worker_count(sweep.thread_count()) as u64;
    outln!(
        "{} runs in {:.1} s",
        points * job.runs_per_point,
        started.elapsed().as_secs_f64()
    )?;
    if let Some(peak) = memory::peak_resident_memory() {
        outln!(
            "memory: peak {} resident; estimated {} beside the process",
            memory::Bytes(peak),
            memory::Bytes(estimate.shared + workers * estimate.per_worker)
        )?;
    }
    Ok(table)
}

/// The console table: the first rows, then a count of the rest.
fn print_table(t: &SweepTable) -> Result<(), CliError> {
    let keys: Vec<&str> = t.job.params.iter().map(|p| p.key.as_str()).collect();
    let widths: Vec<usize> = keys.iter().map(|k| k.chars().count().max(10)).collect();
    let output_width = t
        .job
        .outputs
        .iter()
        .map(|o| o.chars().count())
        .fold(6, usize::max);
    let category_width = t
        .rows
        .iter()
        .map(|r| r.category.chars().count())
        .fold(8, usize::max);
    outln!()?;
    out!("{:>5}", "point")?;
    for (key, w) in keys.iter().zip(&widths) {
        out!("  {key:>w$}")?;
    }
    outln!(
        "  {:<output_width$}  {:<category_width$}  {:>8}  {:>19}  {:>8}",
        "output",
        "category",
        "value",
        "95 % interval",
        "sd"
    )?;
    for r in t.rows.iter().take(PRINTED) {
        out!("{:>5}", r.point)?;
        for (v, w) in r.values.iter().zip(&widths) {
            out!("  {:>w$}", format!("{v:.4}"))?;
        }
        let sd = r.sd.map(|s| format!("{s:.4}")).unwrap_or_default();
        outln!(
            "  {:<output_width$}  {:<category_width$}  {:>8.4}  {:>19}  {:>8}",
            r.output,
            r.category,
            r.value,
            format!("[{:.4}, {:.4}]", r.low, r.high),
            sd
        )?;
    }
    if t.rows.len() > PRINTED {
        outln!("… {} more rows", t.rows.len() - PRINTED)?;
    }
    Ok(())
}

/// The worker threads a sweep starts: those asked for (0: one per core), as many as the
/// memory limit holds beside the process and the table; an error when not even one fits.
fn sweep_threads(sweep: &Sweep, workers: &WorkerArgs) -> Result<usize, CliError> {
    let m = sweep.memory()?;
    crate::fitting_workers(workers, m.per_worker, m.shared, |process, limit| {
        format!(
            "memory: a sweep worker needs about {} beside the {} this process holds and the {} of the table, over the limit of {}; raise it with --max-memory, or shard the design (--shard)",
            memory::Bytes(m.per_worker),
            memory::Bytes(process),
            memory::Bytes(m.shared),
            memory::Bytes(limit)
        )
    })
}

/// `geoalign merge` of sweep partials: joined, checked complete, printed and written.
pub fn merge(files: &[PathBuf], dir: &Path, force: bool) -> Result<(), CliError> {
    let staged = stage(Some(dir), force)?.ok_or("no output directory")?;
    let merged = output::merge_sweep_partials(files)?;
    if !merged.is_complete() {
        return Err(format!(
            "only shards {:?} of {} of the sweep are present; merge all of them",
            merged.job.shards, merged.job.shard_count
        )
        .into());
    }
    print_table(&merged)?;
    print::written(&staged.write_sweep(&merged)?)
}
