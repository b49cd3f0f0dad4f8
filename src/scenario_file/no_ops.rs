//! Overrides and entries that cannot act (docs: scenarios/README.md, "Warnings"): a value an
//! extending file sets equal to its base's, a level a driver hides from the first step, a
//! driver that never changes its quantity within the horizon, an event that can never fire.
//! Each is a located [`Warning`]; none stops the load.

use super::events::RawEvent;
use super::load::{KeyPath, Merged};
use crate::model::PowerId;
use crate::model::{Warning, WarningKind};
use crate::sim::drivers::{Driver, DriverTarget, PointValue};
use crate::sim::events::FieldValue;
use crate::sim::outcome::{Condition, Timing};
use crate::sim::Scenario;

/// The key path of the level a driver at `driver` (a key path under `drivers`, possibly
/// followed by a point index and field) starts from: `drivers.powers.P.delivery.k` →
/// `powers.P.delivery.k`, `drivers.ties.S.P.k` → `states.S.ties.P.k`.
pub(super) fn level_key(driver: &[String]) -> Option<KeyPath> {
    let parts: Vec<&str> = driver.iter().map(String::as_str).collect();
    let owned = |p: &[&str]| Some(p.iter().map(|s| s.to_string()).collect());
    match parts[..] {
        ["drivers", "powers", p, "delivery", k, ..] => owned(&["powers", p, "delivery", k]),
        ["drivers", "powers", p, q, ..] => owned(&["powers", p, q]),
        ["drivers", "institutions", i, q, ..] => owned(&["institutions", i, q]),
        ["drivers", "ties", s, p, k, ..] => owned(&["states", s, "ties", p, k]),
        _ => None,
    }
}

/// Every no-op warning of the loaded file: values equal to their base's, levels hidden by a
/// driver from the first step, drivers that never move, events that never fire; unlocated
/// (the caller locates each at its key).
pub(super) fn warnings(
    merged: &Merged,
    scenario: &Scenario,
    drivers: &[(Driver, KeyPath)],
    events: &[RawEvent],
) -> Vec<Warning> {
    let mut out = Vec::new();
    for (path, base) in &merged.unchanged {
        let base = merged.sources[*base].path.display().to_string();
        out.push(Warning::at(
            path.clone(),
            WarningKind::UnchangedOverride { base },
        ));
    }
    let root = merged.sources.len().saturating_sub(1);
    for (driver, at) in drivers {
        let level = driver.target.level(scenario.world());
        if !driver.path.moves_from(level, scenario.steps()) {
            out.push(Warning::at(
                at.clone(),
                WarningKind::DriverNeverMoves { level },
            ));
        }
        let hidden = matches!(
            driver.path.points().first(),
            Some((0, PointValue::Absolute(_)))
        );
        let Some(level_key) = level_key(at) else {
            continue;
        };
        // Only a level an extending file writes is an override; the root file's levels
        // are the world's data, some of them required.
        if hidden && written(&merged.table, &level_key) && merged.origin(&level_key) != root {
            let driver = super::load::display_key(at);
            out.push(Warning::at(
                level_key,
                WarningKind::LevelHiddenByDriver { driver },
            ));
        }
    }
    for (n, outcome) in scenario.outcomes().iter().enumerate() {
        if read_only_at_start(&outcome.condition) {
            out.push(Warning::at(
                ["outcomes".to_string(), format!("[{n}]")],
                WarningKind::OutcomeSettledAtStart,
            ));
        }
    }
    out.extend(unread_parameters(merged, scenario));
    out.extend(unread_hostile_parameters(merged, scenario, drivers));
    for (n, pair) in declared_relations(&merged.table).into_iter().enumerate() {
        let world = scenario.world();
        let ids: Vec<_> = pair
            .iter()
            .filter_map(|name| world.power_id(name))
            .collect();
        if let [p, q] = ids[..] {
            if let Some(WarningKind::RelationWithoutBudget { first, second }) =
                relation_without_budget(scenario, p, q)
            {
                let at = [
                    "relations".to_string(),
                    format!("[{n}]"),
                    "powers".to_string(),
                ];
                let kind = WarningKind::DeclaredRelationWithoutBudget { first, second };
                out.push(Warning::at(at, kind));
            }
        }
    }
    for (driver, at) in drivers {
        if let DriverTarget::Relation(p, q) = driver.target {
            if let Some(kind) = relation_without_budget(scenario, p, q) {
                let mut at = at.clone();
                if let Some(last) = at.last_mut() {
                    *last = "powers".to_string();
                }
                out.push(Warning::at(at, kind));
            }
        }
    }
    for (n, entry) in events.iter().enumerate() {
        if let Some(FieldValue::Names(pair)) = entry.0.get("powers") {
            let world = scenario.world();
            let ids: Vec<_> = pair
                .iter()
                .filter_map(|name| world.power_id(name))
                .collect();
            let is_shift = entry.0.get("kind") == Some(&FieldValue::Text("relation_shift".into()));
            if let ([p, q], true) = (&ids[..], is_shift) {
                if let Some(kind) = relation_without_budget(scenario, *p, *q) {
                    let at = ["events".to_string(), format!("[{n}]"), "powers".to_string()];
                    out.push(Warning::at(at, kind));
                }
            }
        }
        if let Some((key, reason)) = crisis_never_decided(entry, scenario, drivers) {
            out.push(Warning::at(
                ["events".to_string(), format!("[{n}]"), key.to_string()],
                WarningKind::EventNeverFires { reason },
            ));
        }
        if entry.0.get("monthly") == Some(&FieldValue::Number(0.0)) {
            let reason = "its monthly probability is 0".to_string();
            out.push(Warning::at(
                [
                    "events".to_string(),
                    format!("[{n}]"),
                    "monthly".to_string(),
                ],
                WarningKind::EventNeverFires { reason },
            ));
        }
    }
    out
}

/// Parameter tables and keys written where nothing reads them: `[parameters.powers]` when no
/// power has a budget (docs/model.md §9.6), `regime_threat_half_life` when `regime_security`
/// is 0 (§10.3).
fn unread_parameters(merged: &Merged, scenario: &Scenario) -> Vec<Warning> {
    let path = |keys: &[&str]| -> KeyPath { keys.iter().map(|k| k.to_string()).collect() };
    let world = scenario.world();
    let mut out = Vec::new();
    let powers = path(&["parameters", "powers"]);
    if world.agency().is_inactive() && written(&merged.table, &powers) {
        out.push(Warning::at(
            powers,
            WarningKind::PowerParametersWithoutBudget,
        ));
    }
    let half_life = path(&["parameters", "responsiveness", "regime_threat_half_life"]);
    if world.parameters().responsiveness.regime_security == 0.0
        && written(&merged.table, &half_life)
    {
        out.push(Warning::at(
            half_life,
            WarningKind::RegimeHalfLifeWithoutWeight,
        ));
    }
    out
}

/// The `parameters.events.hostile_*` keys written in a scenario where no power can ever be
/// eligible for a hostile decision: none has coercion above 0 and no driver moves a
/// coercion (nothing else does; docs/model.md §3.4, eligibility).
fn unread_hostile_parameters(
    merged: &Merged,
    scenario: &Scenario,
    drivers: &[(Driver, KeyPath)],
) -> Vec<Warning> {
    let coerces = scenario.world().powers().iter().any(|p| p.coercion > 0.0)
        || drivers
            .iter()
            .any(|(d, _)| matches!(d.target, DriverTarget::Coercion(_)));
    let Some(toml::Value::Table(events)) =
        merged.table.get("parameters").and_then(|p| p.get("events"))
    else {
        return Vec::new();
    };
    if coerces {
        return Vec::new();
    }
    events
        .keys()
        .filter(|key| key.starts_with("hostile_"))
        .map(|key| {
            let at = ["parameters", "events", key.as_str()];
            Warning::at(at, WarningKind::HostileParameterUnread)
        })
        .collect()
}

/// The names of each `[[relations]]` entry's powers, in the file's order (an entry the loader
/// refused never reaches here).
fn declared_relations(table: &toml::Table) -> Vec<Vec<&str>> {
    let Some(toml::Value::Array(entries)) = table.get("relations") else {
        return Vec::new();
    };
    entries
        .iter()
        .map(|entry| {
            let names = entry.get("powers").and_then(toml::Value::as_array);
            names
                .into_iter()
                .flatten()
                .filter_map(toml::Value::as_str)
                .collect()
        })
        .collect()
}

/// The key and the reason of a `crisis` that no run can ever decide on (docs/model.md §3.4,
/// eligibility): a trigger of 0, a `fixed` state, or a power with no coercion that no driver
/// changes.
fn crisis_never_decided(
    entry: &RawEvent,
    scenario: &Scenario,
    drivers: &[(Driver, KeyPath)],
) -> Option<(&'static str, String)> {
    let text = |key: &str| match entry.0.get(key) {
        Some(FieldValue::Text(name)) => Some(name.as_str()),
        _ => None,
    };
    if text("kind") != Some("crisis") {
        return None;
    }
    let world = scenario.world();
    if entry.0.get("trigger") == Some(&FieldValue::Number(0.0)) {
        return Some(("trigger", "a crisis with trigger 0 is never decided".into()));
    }
    if let Some(state) = text("state").and_then(|s| world.state_id(s)) {
        if world.states()[state.index()].fixed {
            return Some((
                "state",
                "the state's alignment is fixed: no power decides to intervene against it".into(),
            ));
        }
    }
    let power = text("power").and_then(|p| world.power_id(p))?;
    let driven = drivers.iter().any(
        |(d, _)| matches!(d.target, crate::sim::drivers::DriverTarget::Coercion(p) if p == power),
    );
    (world.powers()[power.index()].coercion <= 0.0 && !driven).then(|| {
        (
            "power",
            "the power uses no coercion and no driver gives it any: it never intervenes".into(),
        )
    })
}

/// The warning for moving the relation of `p` and `q` when neither has a budget: only an
/// acting power reads its relations (docs/model.md §9), so the move changes nothing.
fn relation_without_budget(scenario: &Scenario, p: PowerId, q: PowerId) -> Option<WarningKind> {
    let world = scenario.world();
    let budgets = &world.agency().budgets;
    (budgets[p.index()] <= 0.0 && budgets[q.index()] <= 0.0).then(|| {
        WarningKind::RelationWithoutBudget {
            first: world.powers()[p.index()].name.clone(),
            second: world.powers()[q.index()].name.clone(),
        }
    })
}

/// Whether a condition reads only the start (step 0): every share or participation it reads
/// is `at` or `by` the start month. (A cohesion change needs at least one month, which the
/// outcome's check already asks.) Such an outcome is the same in every run.
fn read_only_at_start(condition: &Condition) -> bool {
    match condition {
        Condition::Share { timing, .. } | Condition::Participation { timing, .. } => {
            matches!(timing, Timing::At(0) | Timing::By(0))
        }
        Condition::Cohesion { .. } => false,
        Condition::Join { conditions, .. } => conditions.iter().all(read_only_at_start),
    }
}

/// Whether the merged key tree holds a value at `path`.
fn written(table: &toml::Table, path: &[String]) -> bool {
    let Some((last, parents)) = path.split_last() else {
        return false;
    };
    let mut here = table;
    for key in parents {
        match here.get(key) {
            Some(toml::Value::Table(t)) => here = t,
            _ => return false,
        }
    }
    here.contains_key(last)
}
