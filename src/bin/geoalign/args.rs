//! The command line's arguments: clap types and the value parsers that refuse bad numbers
//! with a sentence.

use clap::{Args, Parser, Subcommand, ValueEnum};
use geoalign::analysis::ensemble::Shard;
use geoalign::analysis::sensitivity::{self, ParamRange};
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "geoalign",
    version,
    about = "Simulate geopolitical alignment between great powers (model implications under a scenario's assumptions, not forecasts)"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The ensemble's size, threads and seed, shared by `run` and `futures`.
#[derive(Args)]
pub struct EnsembleArgs {
    /// Number of runs of each scenario's ensemble (at least 1).
    #[arg(long, default_value_t = 1000, value_parser = runs)]
    pub runs: u64,
    /// Worker threads (0: one per core; at most 1024). Results do not depend on it.
    #[arg(long, default_value_t = 0, value_parser = threads)]
    pub threads: usize,
    /// Override the seed of each scenario run.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Memory limit, e.g. 512M or 4G (binary units; default: half of the machine's memory).
    /// The peak is predicted before running: per worker thread about 912 bytes per cell of
    /// the summary (recorded steps × (states × (powers + 1) + 8 per state–power pair where a
    /// power acts), plus states² for --similarity), e.g. 47 MB for the embedded world. A job over the limit is refused with the estimate
    /// and what to change; threads beyond what fits are not started (results are the same).
    #[arg(long, value_name = "SIZE", value_parser = max_memory)]
    pub max_memory: Option<u64>,
    /// Record one step in N in the summary's tables and charts, and always the horizon
    /// (0, the default: every step up to 1,200 steps, beyond that one in ⌈steps / 1,200⌉).
    /// Outcomes and membership still see every step.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub record_every: u32,
    /// Compute the state-pair similarity at the horizon (similarity.csv): `on` (or the bare
    /// flag) or `off`; by default on up to 200 states and off above (it grows as states²).
    #[arg(long, value_name = "on|off", num_args = 0..=1, default_missing_value = "on", value_parser = on_off)]
    pub similarity: Option<bool>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run a Monte Carlo ensemble of a scenario and summarise it (or one shard of it).
    Run {
        /// Scenario file or `builtin:NAME`; the embedded Eurasia 2025 world when absent.
        scenario: Option<String>,
        #[command(flatten)]
        ensemble: EnsembleArgs,
        /// Run only shard i of n (0-based, e.g. 3/10) and write a mergeable partial summary
        /// to --out; combine the partials with `geoalign merge`.
        #[arg(long)]
        shard: Option<Shard>,
        /// Directory for CSV, JSON and SVG output (or the partial summary of a shard).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Replace the outputs of an earlier run in --out (the files its manifest.json lists;
        /// other files are kept), or write beside files geoalign did not write.
        #[arg(long)]
        force: bool,
        /// Draw each run's parameters from this posterior sample (the file `geoalign
        /// calibrate` writes: weighted particles over dotted keys of the scenario file), so
        /// that outcome probabilities carry parameter uncertainty as well as noise. Run r
        /// draws its particle from its own stream of (seed, r); the sample must have been
        /// fitted on this scenario (same fingerprint). Each distinct particle drawn is built
        /// once and held (the memory estimate counts them).
        #[arg(long, value_name = "FILE")]
        posterior: Option<PathBuf>,
    },
    /// The three CSTO futures of seed 000 (docs/sources.md) side by side: the 3 × 3 table of scenario versus
    /// classified outcome, with Wilson 95 % intervals.
    Futures {
        #[command(flatten)]
        ensemble: EnsembleArgs,
        /// Directory for CSV, JSON and SVG output.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Replace the outputs of an earlier run in --out (the files its manifest.json lists;
        /// other files are kept), or write beside files geoalign did not write.
        #[arg(long)]
        force: bool,
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
        /// Rank against this outcome's category probabilities instead of the CSTO futures: an
        /// outcome the scenario declares (`[[outcomes]]`, e.g. csto-selective-consolidation)
        /// or a built-in one (csto-futures).
        #[arg(long, conflicts_with = "quantity")]
        outcome: Option<String>,
        /// Rank against the mean of a continuous quantity: STATE.COMPONENT@WHEN, a state's
        /// share of a power or of autonomy at `horizon` or a YYYY-MM date, e.g.
        /// Tajikistan.Russia@horizon.
        #[arg(long)]
        quantity: Option<String>,
        #[command(flatten)]
        workers: WorkerArgs,
        /// Directory for the CSV of indices.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Replace the outputs of an earlier run in --out (the files its manifest.json lists;
        /// other files are kept), or write beside files geoalign did not write.
        #[arg(long)]
        force: bool,
    },
    /// Outcome probabilities and quantity means at every point of a design (grid, Latin
    /// hypercube or Sobol) over scenario parameters: one tidy table, sweep.csv.
    Sweep(crate::sweep::SweepArgs),
    /// Merge shard partials (`partial-*.json` files, or directories holding them; or the
    /// `comparison-partial-*.json` of `compare --shard`, or the `sweep-partial-*.json` of
    /// `sweep --shard`) into the summary one machine would have produced, and write its
    /// outputs.
    Merge {
        /// Partial files or directories.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// Output directory (default: the first input directory, else the directory of the
        /// first input file).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Replace the outputs of an earlier run in --out (the files its manifest.json lists;
        /// other files are kept), or write beside files geoalign did not write.
        #[arg(long)]
        force: bool,
        /// Memory limit, e.g. 512M or 4G (default: half of the machine's memory). The merge
        /// holds two summaries; it is predicted from the first partial's header and refused
        /// before any body is read if it does not fit.
        #[arg(long, value_name = "SIZE", value_parser = max_memory)]
        max_memory: Option<u64>,
    },
    /// Trace one run: print each state's alignment at the start and the end, then the run's
    /// event log by date and name.
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
        /// Output directory: `events.csv` (the event log, one row per event) and
        /// `trajectory.csv` (every step's shares), with `manifest.json`.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Replace an existing --json file; in --out, replace the outputs of an earlier run
        /// (the files its manifest.json lists; other files are kept), or write beside files
        /// geoalign did not write.
        #[arg(long)]
        force: bool,
        /// Memory limit, e.g. 512M or 4G (default: half of the machine's memory). The whole
        /// trajectory is kept: about 8 bytes per step × (states × (powers + 1) + 2 ×
        /// institutions + powers), three times more with --json.
        #[arg(long, value_name = "SIZE", value_parser = max_memory)]
        max_memory: Option<u64>,
    },
    /// Compare two scenarios run for run on common random numbers: the mean difference of
    /// every share (alternative − base) with its paired 95 % interval, and of every outcome.
    Compare(crate::compare::CompareArgs),
    /// Fit seed 001's (docs/sources.md) five-variable intervention decision on the table of
    /// post-Soviet cases (docs/model.md §11): coefficients with 95 % intervals, leave-one-out
    /// accuracy against the base rate.
    FitInterventions(crate::fit::FitArgs),
    /// Fit scenario parameters to historical observations by ABC-SMC; posterior sample,
    /// predictive bands against the data, and skill against null models on held-out years.
    Calibrate(crate::calibrate::CalibrateArgs),
    /// Check a scenario file; exits non-zero with the error if it is refused.
    Validate {
        /// Scenario file.
        scenario: String,
    },
}

/// The worker threads of a sensitivity study and their memory limit.
#[derive(Args)]
pub struct WorkerArgs {
    /// Worker threads (0: one per core; at most 1024).
    #[arg(long, default_value_t = 0, value_parser = threads)]
    pub threads: usize,
    /// Memory limit, e.g. 512M or 4G (default: half of the machine's memory). Each worker
    /// builds its design point's scenario: about 32 KiB a state of a scenario file, plus the
    /// simulation; threads beyond what fits are not started (results are the same).
    #[arg(long, value_name = "SIZE", value_parser = max_memory)]
    pub max_memory: Option<u64>,
}

/// The sensitivity design method.
#[derive(Clone, Copy, ValueEnum)]
pub enum MethodArg {
    Morris,
    Sobol,
}

/// Most worker threads a command starts: far more than any machine has cores, and few enough
/// that a typo (`--threads 100000`) fails at once instead of spawning threads for minutes.
const MAX_THREADS: usize = 1024;

pub(crate) fn runs(arg: &str) -> Result<u64, String> {
    match arg.parse::<u64>() {
        Ok(0) => Err("at least 1 run is needed".into()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("`{arg}` is not a whole number")),
    }
}

pub(crate) fn max_memory(arg: &str) -> Result<u64, String> {
    geoalign::analysis::ensemble::memory::parse_size(arg)
}

fn on_off(arg: &str) -> Result<bool, String> {
    match arg {
        "on" => Ok(true),
        "off" => Ok(false),
        _ => Err(format!("`{arg}`: expected on or off")),
    }
}

pub(crate) fn threads(arg: &str) -> Result<usize, String> {
    let n: usize = arg
        .parse()
        .map_err(|_| format!("`{arg}` is not a whole number"))?;
    if n > MAX_THREADS {
        return Err(format!("at most {MAX_THREADS} threads, got {n}"));
    }
    Ok(n)
}
