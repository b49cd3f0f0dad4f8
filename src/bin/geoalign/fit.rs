//! `geoalign fit-interventions`: the five-variable decision fitted on the case table
//! (docs/model.md §11), printed as a table of coefficients with their 95 % intervals and the
//! leave-one-out accuracy against the base rate.

use crate::{print, stage, CliError};
use clap::Args;
use geoalign::analysis::fit::{CaseTable, Fit};
use std::path::PathBuf;

/// The arguments of `geoalign fit-interventions`.
#[derive(Args)]
pub struct FitArgs {
    /// The case table (CSV, the columns of data/README.md); the shipped
    /// data/interventions.csv, embedded in the binary, when absent.
    #[arg(long)]
    pub table: Option<PathBuf>,
    /// Directory for interventions-fit.csv, interventions-loo.csv and interventions-fit.json.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace the outputs of an earlier run in --out.
    #[arg(long)]
    pub force: bool,
}

/// `geoalign fit-interventions`.
pub fn fit_interventions(args: &FitArgs) -> Result<(), CliError> {
    let staged = stage(args.out.as_deref(), args.force)?;
    let table = match &args.table {
        Some(path) => CaseTable::read(path)?,
        None => CaseTable::shipped(),
    };
    let fit = Fit::new(&table)?;
    outln!(
        "{}: {} cases, {} with an intervention; ridge penalty {} (the best leave-one-out log-likelihood among {:?})",
        table.path.display(),
        fit.cases,
        fit.interventions,
        fit.penalty,
        fit.grid.iter().map(|(p, _)| *p).collect::<Vec<_>>()
    )?;
    outln!("\ncoefficient   estimate    95 % interval (penalised Hessian)")?;
    for c in std::iter::once(&fit.intercept).chain(&fit.weights) {
        let flag = if c.name != "intercept" && c.spans_zero() {
            "  spans 0"
        } else {
            ""
        };
        outln!(
            "{:<12} {:>9.2}    [{:>6.2}, {:>6.2}]{flag}",
            c.name,
            c.estimate,
            c.low,
            c.high
        )?;
    }
    outln!("(opposition and cost are subtracted in the decision: a positive weight lowers P)")?;
    let loo = &fit.loo;
    outln!(
        "\nleave-one-out accuracy {:.3} (base rate, always the commoner outcome: {:.3})",
        loo.accuracy,
        loo.base_rate
    )?;
    outln!(
        "leave-one-out log-loss {:.3} (base rate held out: {:.3})",
        loo.log_loss,
        loo.base_log_loss
    )?;
    outln!("\ncase                           intervened  P held out")?;
    for p in &loo.predictions {
        outln!(
            "{:<30} {:>10}  {:>10.3}",
            p.case,
            u8::from(p.intervened),
            p.probability
        )?;
    }
    if let Some(staged) = staged {
        print::written(&staged.write_intervention_fit(&fit)?)?;
    }
    Ok(())
}
