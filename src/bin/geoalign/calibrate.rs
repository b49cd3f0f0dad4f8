//! `geoalign calibrate SCENARIO --targets FILE --param KEY=LO:HI …`: ABC-SMC over scenario
//! parameters against historical observations, with posterior predictive bands and skill
//! against null models (docs/model.md §13).

use crate::args::WorkerArgs;
use crate::{print, stage, warn, CliError};
use clap::{Args, ValueEnum};
use geoalign::analysis::calibrate::{
    self, AbcSettings, Calibration, ErrorModel, GenerationStats, Targets,
};
use geoalign::analysis::ensemble::memory;
use geoalign::analysis::sensitivity::ParamRange;
use std::io::Write as _;
use std::path::PathBuf;
use std::time::Instant;

/// The calibration method. Only ABC-SMC is built; history matching with emulators
/// (Andrianakis et al. 2015) is not, and clap refuses it with the list of methods.
#[derive(Clone, Copy, ValueEnum)]
pub enum MethodArg {
    /// Approximate Bayesian computation by sequential Monte Carlo.
    AbcSmc,
}

#[derive(Args)]
pub struct CalibrateArgs {
    /// Scenario file or `builtin:NAME` whose history is fitted (e.g.
    /// scenarios/history-2014.toml).
    pub scenario: String,
    /// The annual observations (CSV, the columns of data/README.md), e.g.
    /// data/history/annual.csv.
    #[arg(long)]
    pub targets: PathBuf,
    /// Dated participation changes (CSV, the columns of data/README.md), e.g.
    /// data/history/participation.csv; each member's status at each year's end is a target.
    #[arg(long)]
    pub participation: Option<PathBuf>,
    /// A parameter and its uniform prior, as a dotted key of the scenario file and LO:HI,
    /// e.g. `parameters.feedback.trade=0:0.03` or `events[2].size=0:0.5`. Repeat it.
    #[arg(long = "param", required = true, value_name = "KEY=LO:HI")]
    pub params: Vec<ParamRange>,
    /// The method.
    #[arg(long, value_enum, default_value_t = MethodArg::AbcSmc)]
    pub method: MethodArg,
    /// The years fitted, FIRST:LAST.
    #[arg(long, default_value = "2014:2019", value_parser = years)]
    pub fit: (i32, i32),
    /// The years held out for validation, FIRST:LAST.
    #[arg(long, default_value = "2020:2024", value_parser = years)]
    pub validate: (i32, i32),
    /// Particles per population.
    #[arg(long, default_value_t = AbcSettings::default().particles)]
    pub particles: usize,
    /// Generations after the prior's.
    #[arg(long, default_value_t = AbcSettings::default().generations)]
    pub generations: usize,
    /// Runs per proposal (at least 1); the distance compares their mean.
    #[arg(long, default_value_t = calibrate::DEFAULT_RUNS_PER_PARTICLE, value_parser = crate::args::runs)]
    pub runs_per_particle: u64,
    /// The quantile of the previous generation's distances that sets the next tolerance.
    #[arg(long, default_value_t = AbcSettings::default().quantile)]
    pub quantile: f64,
    /// Stop when a generation accepts fewer than this share of its simulations.
    #[arg(long, default_value_t = AbcSettings::default().min_acceptance)]
    pub min_acceptance: f64,
    /// Stop when the tolerance falls by less than this share of itself in a generation.
    #[arg(long, default_value_t = AbcSettings::default().min_tolerance_step)]
    pub min_tolerance_step: f64,
    /// Most proposals simulated in all.
    #[arg(long, default_value_t = AbcSettings::default().max_simulations)]
    pub max_simulations: u64,
    /// Posterior predictive draws (one run each).
    #[arg(long, default_value_t = calibrate::DEFAULT_PREDICTIVE)]
    pub predictive: usize,
    /// Seed of the proposals and predictive draws (the runs use the scenario's seed).
    #[arg(long, default_value_t = AbcSettings::default().seed)]
    pub seed: u64,
    #[command(flatten)]
    pub workers: WorkerArgs,
    /// Directory for posterior.csv, intervals.csv, generations.csv, predictive.csv,
    /// skill.csv, calibration.json and charts/.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace the outputs of an earlier run in --out.
    #[arg(long)]
    pub force: bool,
}

fn years(arg: &str) -> Result<(i32, i32), String> {
    let (a, b) = arg
        .split_once(':')
        .ok_or_else(|| format!("`{arg}`: write FIRST:LAST, e.g. 2014:2019"))?;
    let year = |t: &str| {
        t.trim()
            .parse::<i32>()
            .map_err(|_| format!("`{t}` is not a year"))
    };
    let (a, b) = (year(a)?, year(b)?);
    if a > b {
        return Err(format!("`{arg}`: the first year is after the last"));
    }
    Ok((a, b))
}

/// `geoalign calibrate`.
pub fn calibrate(args: &CalibrateArgs) -> Result<(), CliError> {
    let staged = stage(args.out.as_deref(), args.force)?;
    let base = crate::load_base(Some(&args.scenario))?;
    let targets = Targets::read(&args.targets, args.participation.as_deref())?;
    let MethodArg::AbcSmc = args.method;
    let mut c = Calibration {
        base,
        params: args.params.clone(),
        targets,
        fit: args.fit,
        validate: args.validate,
        runs_per_particle: args.runs_per_particle,
        predictive: args.predictive,
        settings: AbcSettings {
            particles: args.particles,
            generations: args.generations,
            max_simulations: args.max_simulations,
            seed: args.seed,
            quantile: args.quantile,
            min_acceptance: args.min_acceptance,
            min_tolerance_step: args.min_tolerance_step,
        },
        error: ErrorModel::default(),
        threads: 0,
    };
    let m = c.memory()?;
    c.threads = crate::fitting_workers(&args.workers, m.per_worker, m.shared, |process, limit| {
        format!(
            "memory: a calibration worker needs about {} beside the {} this process holds and the {} of the populations and predictive draws, over the limit of {}; raise it with --max-memory",
            memory::Bytes(m.per_worker),
            memory::Bytes(process),
            memory::Bytes(m.shared),
            memory::Bytes(limit)
        )
    })?;
    outln!(
        "Calibrating {} on {} parameter{} (ABC-SMC, {} particles, {} runs a proposal); fitted {}-{}, held out {}-{}",
        args.scenario,
        c.params.len(),
        if c.params.len() == 1 { "" } else { "s" },
        c.settings.particles,
        c.runs_per_particle,
        c.fit.0,
        c.fit.1,
        c.validate.0,
        c.validate.1
    )?;
    let started = Instant::now();
    // On stderr, beside the progress of other commands; a closed stderr is ignored.
    let show = |g: &GenerationStats| {
        let _ = writeln!(
            std::io::stderr(),
            "generation {:>2}: tolerance {:>8.4}, {} simulated, {} accepted ({:.1} %), ESS {:.0}, median distance {:.4} [{:.0} s]",
            g.generation,
            g.tolerance,
            g.simulated,
            g.accepted,
            100.0 * g.accepted as f64 / g.simulated.max(1) as f64,
            g.ess,
            g.median_distance,
            started.elapsed().as_secs_f64()
        );
    };
    let r = c.run(show)?;
    let seconds = started.elapsed().as_secs_f64();
    warn(&r.warnings);
    outln!(
        "\n{} proposals, {} runs in {:.1} s ({:.2} ms a run on {} thread{}); stopped: {:?}",
        r.abc.simulations,
        r.runs,
        seconds,
        1000.0 * seconds / r.runs.max(1) as f64 * c.threads.max(1) as f64,
        c.threads,
        if c.threads == 1 { "" } else { "s" },
        r.abc.stop
    )?;
    outln!(
        "\nparameter                                prior               median   90 % interval"
    )?;
    for i in &r.intervals {
        outln!(
            "{:<40} [{:>7.4}, {:>7.4}]  {:>8.4}   [{:.4}, {:.4}]",
            i.key,
            i.prior.0,
            i.prior.1,
            i.q50,
            i.q05,
            i.q95
        )?;
    }
    outln!(
        "\nskill on {}-{} (1 − error(model) / error(null); mean absolute errors; negative: the null does better)",
        r.validate.0,
        r.validate.1
    )?;
    outln!("quantity           rows   model   frozen    trend   vs frozen  vs trend   model, fitted years   in 90 % band")?;
    for s in &r.skill {
        outln!(
            "{:<17} {:>5}  {:>6.4}  {:>7.4}  {:>7.4}   {:>+8.3}  {:>+8.3}   {:>19.4}   {:>12.2}",
            s.quantity,
            s.observations,
            s.model,
            s.frozen,
            s.trend,
            s.skill_frozen,
            s.skill_trend,
            s.model_fitted,
            s.coverage
        )?;
    }
    if let Some(staged) = staged {
        print::written(&staged.write_calibration(&r)?)?;
    }
    Ok(())
}
