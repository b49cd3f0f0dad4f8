//! The files of one traced run (`geoalign trace --out`): its event log by name and date
//! (`events.csv`) and its whole path (`trajectory.csv`), tidy CSV as the summaries'.

use super::csv_out::Table;
use super::OutputError;
use crate::model::{Participation, AUTONOMY};
use crate::sim::events::{DecisionKind, EventOutcome, FiveVariables, LoggedEvent, Origin};
use crate::sim::Trajectory;
use crate::Scenario;
use std::path::{Path, PathBuf};

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
pub(crate) fn events(path: &Path, s: &Scenario, t: &Trajectory) -> Result<PathBuf, OutputError> {
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
        origin_name(e.origin).to_string(),
        e.event.kind().to_string(),
        name(&t.powers, parties.power.map(|p| p.index())),
        name(&t.states, parties.state.map(|i| i.index())),
        name(&t.institutions, parties.institution.map(|b| b.index())),
    ];
    let none = String::new;
    let number = |x: Option<f64>| x.map_or_else(none, |x| x.to_string());
    let flag = |b: Option<bool>| b.map_or_else(none, |b| b.to_string());
    let (decision, inputs, probability, acted, success_probability, success) = match &e.outcome {
        EventOutcome::Decided(d) => (
            decision_name(d.kind),
            Some(d.inputs),
            Some(d.probability),
            Some(d.acted),
            d.success_probability,
            d.success,
        ),
        EventOutcome::Hostile(d) => (
            "hostile_intervention",
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
        } => (
            "retaliation",
            None,
            Some(*probability),
            Some(*retaliated),
            None,
            None,
        ),
        _ => ("", None, None, None, None, None),
    };
    row.push(decision.to_string());
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
    row.push(outcome_name(&e.outcome).to_string());
    let world = s.world();
    row.push(format!(
        "{}{}",
        e.event.describe(world),
        e.outcome.describe(world)
    ));
    row
}

/// The origin as the JSON of a trace writes it.
fn origin_name(origin: Origin) -> &'static str {
    match origin {
        Origin::Scheduled => "scheduled",
        Origin::Hazard => "hazard",
        Origin::Fragility => "fragility",
        Origin::SanctionsHazard => "sanctions_hazard",
        Origin::Departure => "departure",
        Origin::Defection => "defection",
    }
}

/// The decision's kind as the JSON of a trace writes it.
fn decision_name(kind: DecisionKind) -> &'static str {
    match kind {
        DecisionKind::Intervention => "intervention",
        DecisionKind::Appeal => "appeal",
        DecisionKind::Mediation => "mediation",
    }
}

/// The outcome's tag as the JSON of a trace writes it.
fn outcome_name(outcome: &EventOutcome) -> &'static str {
    match outcome {
        EventOutcome::Applied => "applied",
        EventOutcome::Decided(_) => "decided",
        EventOutcome::Hostile(_) => "hostile",
        EventOutcome::NoBloc => "no_bloc",
        EventOutcome::Offer { .. } => "offer",
        EventOutcome::ParticipationChanged { .. } => "participation_changed",
        EventOutcome::Skipped { .. } => "skipped",
    }
}

/// `trajectory.csv`: one row per step × state × component (each power, then `autonomy`).
pub(crate) fn trajectory(
    path: &Path,
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
