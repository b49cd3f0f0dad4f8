//! What the commands print: tables of summaries, the futures side by side and a traced path,
//! written through [`emit`] so that a reader that goes away ends the output quietly.

use crate::CliError;
use geoalign::analysis::ensemble::{
    CstoFuture, CstoFutures, EventClass, OutcomeCounts, Proportion, Response, Summary,
};
use geoalign::analysis::outcome::{CSTO_FUTURE_OUTCOMES, YES};
use geoalign::{Simulation, Trajectory};
use std::fmt;
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once a write to stdout met a broken pipe: the reader has gone, the rest is dropped.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Write to stdout without `print!`'s panic: a broken pipe (`geoalign trace | head`) ends the
/// output quietly and the command carries on (it may still write its `--out` files); any
/// other failure (a full disk) is an error.
pub fn emit(args: fmt::Arguments<'_>) -> Result<(), CliError> {
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
        $crate::print::emit(format_args!($($arg)*))
    };
}

/// `println!` through [`emit`]; use with `?`.
macro_rules! outln {
    () => {
        $crate::print::emit(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::print::emit(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// Four decimals: with 10,000 runs a Wilson bound of 0.9996 must not print as 1.000.
fn interval(p: &Proportion) -> String {
    format!("{:.4} [{:.4}, {:.4}]", p.estimate, p.low, p.high)
}

/// What an outcome is called in a heading: the CSTO futures as "CSTO future", as before
/// outcomes were values; any other by its name.
fn heading(outcome: &OutcomeCounts) -> &str {
    if outcome.name == CstoFutures::NAME {
        "CSTO future"
    } else {
        &outcome.name
    }
}

/// The summary of one ensemble: the horizon's alignments, each outcome, CSTO membership.
pub fn summary(s: &Summary) -> Result<(), CliError> {
    let last = s.steps as usize;
    outln!(
        "{} — seed {}, {} runs, {} → {} (model implications under the scenario's assumptions, not forecasts)\n",
        s.scenario,
        s.seed,
        s.runs,
        s.start,
        s.start.add_months(s.steps)
    )?;
    if let Some(p) = &s.posterior {
        outln!(
            "Parameters of each run drawn from the posterior sample {} ({} over {}: {}): spreads and probabilities include their uncertainty\n",
            p.source,
            count(p.particles as usize, "particle"),
            count(p.keys.len(), "key"),
            p.keys.join(", ")
        )?;
    }
    outln!("Alignment at the horizon: mean share (5–95 % of runs)")?;
    out!("{:<13}", "state")?;
    for (_, name) in s.named_components() {
        out!("{name:>21}")?;
    }
    outln!()?;
    for (i, name) in s.named_states() {
        out!("{name:<13}")?;
        for (c, _) in s.named_components() {
            if let Some(st) = s.alignment(last, i, c) {
                let q = st.quantiles;
                out!(
                    "{:>21}",
                    // The range with the mean's decimals: at two, a narrow range around a
                    // small mean read "0.029 (0.03–0.03)".
                    format!("{:.3} ({:.3}–{:.3})", st.mean, q.q05, q.q95)
                )?;
            }
        }
        outln!()?;
    }
    for outcome in &s.outcomes {
        outln!(
            "\n{} at the horizon (Wilson 95 % interval)",
            heading(outcome)
        )?;
        // Names padded to 26 columns as the futures' were, wider for longer names.
        let w = outcome
            .categories
            .iter()
            .map(|c| c.chars().count() + 2)
            .max()
            .unwrap_or(0)
            .max(26);
        for category in &outcome.categories {
            if let Some(p) = s.probability(&outcome.name, category) {
                outln!("  {category:<w$}{}", interval(&p))?;
            }
        }
    }
    membership(s)?;
    events(s)
}

/// Classes of event listed on the console, the most frequent by the horizon first. Reason:
/// one screen; `event-frequencies.csv` has every class by date.
const EVENTS_SHOWN: usize = 10;

/// The most frequent classes of event by the horizon: P(at least one in a run).
fn events(s: &Summary) -> Result<(), CliError> {
    let series = s.event_frequencies();
    let mut ranked: Vec<(u64, String)> = series
        .iter()
        .filter_map(|e| Some((e.periods.last()?.by_date, event_words(s, &e.class))))
        .collect();
    if ranked.is_empty() {
        return Ok(());
    }
    // Most frequent first; the class order (already ascending) breaks ties.
    ranked.sort_by_key(|r| std::cmp::Reverse(r.0));
    let shown = ranked.len().min(EVENTS_SHOWN);
    outln!(
        "\nEvents by the horizon: P(at least one in a run), {}",
        if shown < ranked.len() {
            format!(
                "the {shown} most frequent of {} classes (all, by date, in event-frequencies.csv with --out)",
                ranked.len()
            )
        } else {
            format!(
                "{} (by date in event-frequencies.csv with --out)",
                count(shown, "class")
            )
        }
    )?;
    let w = ranked[..shown]
        .iter()
        .map(|(_, t)| t.chars().count() + 2)
        .max()
        .unwrap_or(0);
    for (n, text) in &ranked[..shown] {
        let p = Proportion::wilson(*n, s.runs);
        outln!("  {text:<w$}{}", interval(&p))?;
    }
    Ok(())
}

/// A class of event in words: `unrest in Kazakhstan: CSTO did not intervene [fragility]`.
fn event_words(s: &Summary, c: &EventClass) -> String {
    let name = |names: &[String], i: Option<u32>| i.and_then(|i| names.get(i as usize).cloned());
    let (power, state, institution) = (
        name(&s.powers, c.power),
        name(&s.states, c.state),
        name(&s.institutions, c.institution),
    );
    let mut text = c.kind_name().unwrap_or("event").to_string();
    if let Some(state) = &state {
        text.push_str(&format!(" in {state}"));
    }
    match c.response {
        Some((response, acted)) => {
            let who = institution.or(power).unwrap_or_default();
            let what = match (response, acted) {
                (Response::Intervention, true) => "intervened",
                (Response::Intervention, false) => "did not intervene",
                (Response::Appeal, true) => "answered the appeal",
                (Response::Appeal, false) => "did not answer the appeal",
                (Response::Mediation, true) => "mediated",
                (Response::Mediation, false) => "did not mediate",
                (Response::HostileIntervention, true) => "intervened against it",
                (Response::HostileIntervention, false) => "held back",
                (Response::Retaliation, true) => "retaliated",
                (Response::Retaliation, false) => "did not retaliate",
            };
            text.push_str(&format!(": {who} {what}"));
        }
        None => {
            let who: Vec<String> = [power, institution].into_iter().flatten().collect();
            if !who.is_empty() {
                text.push_str(&format!(" ({})", who.join(", ")));
            }
        }
    }
    // The origin's name as the CSV writes it (`sanctions_hazard`).
    let origin = serde_json::to_value(c.origin)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    format!("{text} [{origin}]")
}

/// P(suspended) and P(exited) of each CSTO member.
pub fn membership(s: &Summary) -> Result<(), CliError> {
    let Some(csto) = s.institution("CSTO") else {
        return Ok(());
    };
    outln!("\nCSTO members: P(suspended at some step) and P(exited) by the horizon")?;
    for (state, name) in s.named_members(csto) {
        if let Some((sus, ex)) = s.membership(csto, state) {
            outln!(
                "  {name:<13}suspended {}   exited {}",
                interval(&sus),
                interval(&ex)
            )?;
        }
    }
    Ok(())
}

/// The futures side by side: the table of scenario run × future (the futures declared as
/// outcomes, [`CSTO_FUTURE_OUTCOMES`]; the old classifier's categories for summaries that do
/// not count them), the last row the no-driver baseline; the CSTO's cohesion at the horizon,
/// and each run's membership table.
pub fn futures(summaries: &[Summary], runs: u64) -> Result<(), CliError> {
    let Some(first) = summaries.first() else {
        return Ok(());
    };
    outln!(
        "The three CSTO futures of seed 000 (docs/sources.md): {runs} runs each, judged by {} (model implications under each future's assumptions, not forecasts)\n",
        first.start.add_months(first.steps)
    )?;
    outln!("P(future) with Wilson 95 % intervals; rows: the scenario run (the last, the embedded world with no drivers: what noise and the world's own events give alone), columns: the future")?;
    outln!("A future holds when its change in CSTO cohesion persists 24 months (scenarios/csto-*.toml, \"Outcomes\")\n")?;
    out!("{:<30}", "scenario \\ future")?;
    for future in CstoFuture::ALL {
        out!("{:>29}", future.name())?;
    }
    outln!()?;
    let last = summaries.len() - 1;
    for (k, s) in summaries.iter().enumerate() {
        let label = if k == last && k > 0 {
            format!("{} (no drivers)", s.scenario)
        } else {
            s.scenario.clone()
        };
        out!("{label:<30}")?;
        for (future, declared) in CstoFuture::ALL.iter().zip(CSTO_FUTURE_OUTCOMES) {
            let p = s
                .probability(declared, YES)
                .or_else(|| s.probability(CstoFutures::NAME, future.name()));
            out!("{:>29}", p.map(|p| interval(&p)).unwrap_or_default())?;
        }
        outln!()?;
    }
    if let Some(csto) = first.institution("CSTO") {
        outln!("\nCSTO cohesion at the horizon: mean (5–95 % of runs)")?;
        for s in summaries {
            if let Some(c) = s.cohesion(s.steps as usize, csto) {
                outln!(
                    "  {:<30}{:.3} ({:.3}–{:.3})",
                    s.scenario,
                    c.mean,
                    c.quantiles.q05,
                    c.quantiles.q95
                )?;
            }
        }
        for s in summaries {
            outln!("\n{}:", s.scenario)?;
            membership(s)?;
        }
    }
    Ok(())
}

/// One traced run: each state's alignment at the start and at the horizon, then its event
/// log, one line per event with its date and names.
pub fn trace(sim: &Simulation, t: &Trajectory, run: u64) -> Result<(), CliError> {
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
    outln!("{:>9}", geoalign::model::AUTONOMY)?;
    let last = t.len() - 1;
    for (id, name) in s.world().state_ids().zip(&t.states) {
        for (step, label) in [(0, name.as_str()), (last, "")] {
            out!("{label:<14}{:<9}", s.date_of(step as u32).to_string())?;
            for x in t.alignment_of(step, id).iter() {
                out!("{x:>9.3}")?;
            }
            outln!()?;
        }
    }
    if t.events.is_empty() {
        outln!("\nno events fired in this run")?;
    } else {
        outln!(
            "\n{}, by the month they fired:",
            count(t.events.len(), "event")
        )?;
    }
    for e in &t.events {
        outln!("{}", e.describe_dated(s.world(), s.date_of(e.step)))?;
    }
    Ok(())
}

/// `wrote <file>` for each file written.
pub fn written(files: &[PathBuf]) -> Result<(), CliError> {
    for f in files {
        outln!("wrote {}", f.display())?;
    }
    Ok(())
}

/// `n` and `noun`, plural unless `n` is 1: "1 driver", "0 events", "2 worker threads".
pub fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}
