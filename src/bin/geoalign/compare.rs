//! `geoalign compare BASE ALT`: a paired comparison of two scenarios on common random numbers,
//! its console tables, its output files, and the merge of its shards' partials.

use crate::{load, load_base, print, stage, CliError, Progress};
use clap::Args;
use geoalign::analysis::compare::{Comparison, Difference, PairedSummary};
use geoalign::analysis::ensemble::{memory, Shard};
use geoalign::analysis::posterior::Posterior;
use geoalign::output;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The arguments of `geoalign compare`.
#[derive(Args)]
pub struct CompareArgs {
    /// The base scenario: a file or `builtin:NAME`.
    pub base: String,
    /// The alternative scenario: a file or `builtin:NAME`. It must start in the same month,
    /// run the same steps and have the same states and powers as the base.
    pub alt: String,
    /// Run pairs (at least 1): run r of both scenarios draws from the same random streams.
    #[arg(long, default_value_t = 1000, value_parser = crate::args::runs)]
    pub runs: u64,
    /// Worker threads (0: one per core; at most 1024). Results do not depend on it.
    #[arg(long, default_value_t = 0, value_parser = crate::args::threads)]
    pub threads: usize,
    /// The seed of both scenarios (default: the base's; the alternative's own seed is not
    /// used, so that the runs are paired).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Memory limit, e.g. 512M or 4G (default: half of the machine's memory). Per worker about
    /// 88 bytes per cell (recorded steps × (states × (powers + 1) + 2 × institutions)); refused
    /// before running when over it.
    #[arg(long, value_name = "SIZE", value_parser = crate::args::max_memory)]
    pub max_memory: Option<u64>,
    /// Record one step in N in the tables and charts, and always the horizon (0: automatic,
    /// as for `run`). Outcomes see every step.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub record_every: u32,
    /// Run only shard i of n (0-based) and write a mergeable partial to --out; combine the
    /// partials with `geoalign merge`.
    #[arg(long)]
    pub shard: Option<Shard>,
    /// Directory for difference.csv, outcomes-difference.csv, comparison.json and the charts
    /// (or the partial of a shard).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace the outputs of an earlier run in --out.
    #[arg(long)]
    pub force: bool,
    /// Draw each run pair's parameters from this posterior sample (as `run --posterior`):
    /// run r of both scenarios takes the same particle, drawn from its own stream of
    /// (seed, r), so differences are the alternative's effect under the same parameters. The
    /// sample must have been fitted on BASE (same fingerprint); its keys must be settable on
    /// both.
    #[arg(long, value_name = "FILE")]
    pub posterior: Option<PathBuf>,
}

/// Differences printed on the console. Reason: a screenful; the CSV holds every one.
const PRINTED: usize = 10;

/// `geoalign compare`.
pub fn compare(args: &CompareArgs) -> Result<(), CliError> {
    let (mut comparison, sample) = match &args.posterior {
        None => {
            let base = load(Some(&args.base))?;
            let alt = load(Some(&args.alt))?;
            (Comparison::new(base, alt, args.runs)?, None)
        }
        Some(path) => {
            let (base, alt) = (load_base(Some(&args.base))?, load_base(Some(&args.alt))?);
            let posterior = Posterior::read(path)?;
            let sample = (path, posterior.len(), posterior.keys.len());
            let comparison = Comparison::new(base.scenario()?, alt.scenario()?, args.runs)?
                .posterior(&base, &alt, Arc::new(posterior), path)?;
            (comparison, Some(sample))
        }
    };
    comparison = comparison
        .threads(args.threads)
        .record_every(args.record_every)
        .shard(args.shard.unwrap_or(Shard::WHOLE));
    if let Some(seed) = args.seed {
        comparison = comparison.seed(seed);
    }
    if let Some((path, particles, keys)) = sample {
        let r = comparison.run_range();
        outln!(
            "posterior: {} — {} over {}; run pairs {}..{} take the same particle on both sides",
            path.display(),
            print::count(particles, "particle"),
            print::count(keys, "key"),
            r.start,
            r.end
        )?;
    }
    if let Some(bytes) = args.max_memory {
        comparison = comparison.max_memory(bytes);
    }
    if let Some(note) = comparison.seed_note() {
        outln!("{note}")?;
    }
    let shard = args.shard.filter(|&s| s != Shard::WHOLE);
    let staged = match shard {
        Some(_) => {
            let dir = args
                .out
                .as_deref()
                .ok_or("--shard needs --out DIR for the partial")?;
            output::check_writable(dir)?;
            None
        }
        None => stage(args.out.as_deref(), args.force)?,
    };
    let paired = run(&comparison)?;
    if let (Some(shard), Some(dir)) = (shard, args.out.as_deref()) {
        let path = output::write_comparison_partial(dir, &paired)?;
        let r = comparison.run_range();
        return outln!(
            "shard {shard}: run pairs {}..{} of {}; partial written to {} (combine with `geoalign merge`)",
            r.start,
            r.end,
            args.runs,
            path.display()
        );
    }
    tables(&paired)?;
    if let Some(staged) = staged {
        print::written(&staged.write_comparison(&paired)?)?;
    }
    Ok(())
}

/// Run the comparison with a progress bar, and report the memory it took beside the estimate.
fn run(comparison: &Comparison) -> Result<PairedSummary, CliError> {
    let estimate = comparison.memory_estimate();
    let range = comparison.run_range();
    let what = format!(
        "{} vs {}",
        comparison.base().name(),
        comparison.alt().name()
    );
    let progress = Progress::new(range.end - range.start, &what);
    let result = comparison.run_with_progress(&|done| progress.update(done));
    progress.finish();
    let paired = result?;
    if let Some(peak) = memory::peak_resident_memory() {
        outln!(
            "memory: peak {} resident; estimated {} for {}",
            memory::Bytes(peak),
            memory::Bytes(estimate.total()),
            print::count(estimate.workers, "worker thread")
        )?;
    }
    Ok(paired)
}

/// The console tables: the largest differences at the horizon, and the outcome differences.
pub fn tables(p: &PairedSummary) -> Result<(), CliError> {
    outln!(
        "\n\"{}\" minus \"{}\": {} paired runs, seed {}; 95 % intervals (t on the paired differences)",
        p.alt.name,
        p.base.name,
        p.runs,
        p.seed
    )?;
    let largest = p.largest_at_horizon(PRINTED);
    if largest.iter().all(|(_, _, d)| d.mean == 0.0 && d.sd == 0.0) {
        // A list of zeros ranked "largest" would read as a finding; say what it means.
        outln!(
            "\nno alignment share differs at the horizon ({}): every paired run ends with the same shares",
            p.date_of(p.steps)
        )?;
    } else {
        alignment_table(p, &largest)?;
    }
    outcome_table(p)
}

/// The largest horizon differences, one row each.
fn alignment_table(
    p: &PairedSummary,
    largest: &[(usize, usize, Difference)],
) -> Result<(), CliError> {
    outln!(
        "\nlargest differences in alignment share at the horizon ({}):",
        p.date_of(p.steps)
    )?;
    outln!(
        "{:<16} {:<12} {:>8} {:>8} {:>10} {:>20}",
        "state",
        "component",
        "base",
        "alt",
        "alt − base",
        "95 % interval"
    )?;
    for &(s, c, ref d) in largest {
        outln!(
            "{:<16} {:<12} {:>8.3} {:>8.3} {:>+10.4} {:>20}",
            p.states[s],
            p.component_name(c),
            d.base_mean,
            d.alt_mean,
            d.mean,
            format!("[{:+.4}, {:+.4}]", d.low, d.high)
        )?;
    }
    Ok(())
}

/// Every outcome category's difference in probability.
fn outcome_table(p: &PairedSummary) -> Result<(), CliError> {
    if p.outcomes.is_empty() {
        return Ok(());
    }
    outln!("\noutcomes (difference in probability, Newcombe's paired 95 % interval):")?;
    // Declared outcomes have the analyst's names, often longer than the built-in ones.
    let width = p
        .outcome_differences()
        .map(|(name, _, _)| name.chars().count())
        .fold(7, usize::max);
    outln!(
        "{:<width$} {:<26} {:>7} {:>7} {:>8} {:>20} {:>8}",
        "outcome",
        "category",
        "P base",
        "P alt",
        "diff",
        "95 % interval",
        "changed"
    )?;
    for (outcome, category, o) in p.outcome_differences() {
        outln!(
            "{:<width$} {:<26} {:>7.3} {:>7.3} {:>+8.3} {:>20} {:>7.1}%",
            outcome,
            category,
            o.p_base,
            o.p_alt,
            o.difference,
            format!("[{:+.3}, {:+.3}]", o.low, o.high),
            100.0 * o.changed_share
        )?;
    }
    Ok(())
}

/// The comparison partials among `inputs` (files so named, or such files in a directory);
/// empty when the inputs hold ensemble partials instead.
pub fn partials_in(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, CliError> {
    let mut found = Vec::new();
    for input in inputs {
        if input.is_dir() {
            found.extend(output::comparison_partial_files(input)?);
        } else if input
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("comparison-partial-"))
        {
            found.push(input.clone());
        }
    }
    Ok(found)
}

/// `geoalign merge` of comparison partials: merged, checked complete, printed and written.
pub fn merge(files: &[PathBuf], dir: &Path, force: bool) -> Result<(), CliError> {
    let staged = stage(Some(dir), force)?.ok_or("no output directory")?;
    let merged = output::merge_comparison_partials(files)?;
    if !merged.is_complete() {
        return Err(format!(
            "only shards {:?} of {} of the comparison are present; merge all of them",
            merged.shards, merged.shard_count
        )
        .into());
    }
    tables(&merged)?;
    print::written(&staged.write_comparison(&merged)?)
}
