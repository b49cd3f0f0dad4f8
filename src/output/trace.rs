//! The files of one traced run (`geoalign trace --out`): its event log by name and date
//! (`events.csv`) and its whole path (`trajectory.csv`), tidy CSV as the summaries'.

use super::csv_out::{Dest, Table};
use super::OutputError;
use crate::analysis::ensemble::Response;
use crate::model::{Participation, AUTONOMY};
use crate::sim::events::{EventOutcome, FiveVariables, LoggedEvent};
use crate::sim::Trajectory;
use crate::Scenario;
use std::path::PathBuf;

/// The columns of `events.csv`, after `scenario, run, step, date`: why and what fired, the
/// power, state and institution it concerns, the decision's kind, its five variables and
/// stake, its probability and draw, the success draw, a participation change, what it did and
/// the log's line without its date.
const EVENT_COLUMNS: [&str; 20] = [
    "origin",
    "kind",
    "power",
    "state",
    "institution",
    "decision",
    "stake",
    "trigger",
    "local_support",
    "opposition",
    "feasibility",
    "cost",
    "probability",
    "acted",
    "success_probability",
    "success",
    "participation_from",
    "participation_to",
    "outcome",
    "description",
];

/// `events.csv`: one row per event of the run's log, in the order it fired.
pub(crate) fn events(path: Dest<'_>, s: &Scenario, t: &Trajectory) -> Result<PathBuf, OutputError> {
    let keys = ["scenario", "run", "step", "date"];
    let mut table = Table::create(path, &keys, &EVENT_COLUMNS)?;
    let run = t.run.to_string();
    for e in &t.events {
        let mut row = vec![
            t.scenario.clone(),
            run.clone(),
            e.step.to_string(),
            s.date_of(e.step).to_string(),
        ];
        row.extend(event_fields(s, t, e));
        table.row(&row)?;
    }
    table.finish()
}

/// The values under [`EVENT_COLUMNS`] for one logged event; empty where it has none.
fn event_fields(s: &Scenario, t: &Trajectory, e: &LoggedEvent) -> Vec<String> {
    let name = |names: &[String], i: Option<usize>| {
        i.and_then(|i| names.get(i).cloned()).unwrap_or_default()
    };
    let parties = e.parties();
    let mut row = vec![
        serde_name(&e.origin, None),
        e.event.kind().to_string(),
        name(&t.powers, parties.power.map(|p| p.index())),
        name(&t.states, parties.state.map(|i| i.index())),
        name(&t.institutions, parties.institution.map(|b| b.index())),
    ];
    let none = String::new;
    let number = |x: Option<f64>| x.map_or_else(none, |x| x.to_string());
    let flag = |b: Option<bool>| b.map_or_else(none, |b| b.to_string());
    let (inputs, probability, acted, success_probability, success) = match &e.outcome {
        EventOutcome::Decided(d) => (
            Some(d.inputs),
            Some(d.probability),
            Some(d.acted),
            d.success_probability,
            d.success,
        ),
        EventOutcome::Hostile(d) => (
            Some(d.inputs),
            Some(d.probability),
            Some(d.acted),
            d.success_probability,
            d.success,
        ),
        EventOutcome::Offer {
            rival: Some(_),
            probability,
            retaliated,
        } => (None, Some(*probability), Some(*retaliated), None, None),
        _ => (None, None, None, None, None),
    };
    // The decision's name, as `event-frequencies.csv` names its response.
    row.push(Response::of(&e.outcome).map_or_else(none, |(r, _)| r.name().to_string()));
    let v: Option<FiveVariables> = inputs;
    row.extend(
        [
            v.map(|v| v.stake),
            v.map(|v| v.trigger),
            v.map(|v| v.local_support),
            v.map(|v| v.opposition),
            v.map(|v| v.feasibility),
            v.map(|v| v.cost),
            probability,
        ]
        .map(number),
    );
    row.push(flag(acted));
    row.push(number(success_probability));
    row.push(flag(success));
    let change: Option<(Participation, Participation)> = match &e.outcome {
        EventOutcome::ParticipationChanged { from, to } => Some((*from, *to)),
        EventOutcome::Decided(d) => d.participation,
        _ => None,
    };
    row.push(change.map_or_else(none, |(from, _)| from.to_string()));
    row.push(change.map_or_else(none, |(_, to)| to.to_string()));
    row.push(serde_name(&e.outcome, Some("outcome")));
    let world = s.world();
    row.push(format!(
        "{}{}",
        e.event.describe(world),
        e.outcome.describe(world)
    ));
    row
}

/// The name serde gives `value` (a unit variant's name, as `trace --json` writes it), or, for
/// an internally tagged enum, its tag `field`: one source for the names of both files.
pub(crate) fn serde_name<T: serde::Serialize>(value: &T, field: Option<&str>) -> String {
    let json = serde_json::to_value(value).ok();
    let name = match field {
        None => json.as_ref(),
        Some(field) => json.as_ref().and_then(|v| v.get(field)),
    };
    name.and_then(serde_json::Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// `trajectory.csv`: one row per step × state × component (each power, then `autonomy`).
pub(crate) fn trajectory(
    path: Dest<'_>,
    s: &Scenario,
    t: &Trajectory,
) -> Result<PathBuf, OutputError> {
    let keys = ["scenario", "run", "step", "date", "state", "component"];
    let mut table = Table::create(path, &keys, &["share"])?;
    let run = t.run.to_string();
    let components: Vec<&str> = t
        .powers
        .iter()
        .map(String::as_str)
        .chain(std::iter::once(AUTONOMY))
        .collect();
    for step in 0..t.len() {
        let date = s.date_of(step as u32).to_string();
        let step_text = step.to_string();
        for (id, state) in s.world().state_ids().zip(&t.states) {
            for (component, share) in components.iter().zip(t.alignment_of(step, id)) {
                table.row([
                    t.scenario.as_str(),
                    &run,
                    &step_text,
                    &date,
                    state,
                    component,
                    &share.to_string(),
                ])?;
            }
        }
    }
    table.finish()
}
