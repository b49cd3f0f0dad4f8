//! What a file says about its `extends` chain rather than about the world: the world its
//! per-state constants are fitted on (`baseline`), the month from which it branches from its
//! parent (`[counterfactual] from`), and the inherited keys and members it removes (`remove`).
//! These keys belong to the file that writes them and are not inherited: each is taken out of
//! its file's table before the chain is merged. The rules are in `scenarios/README.md`
//! ("Counterfactuals") and docs/model.md §2.1 and §2.5.

use super::error::{Problem, ScenarioError};
use super::load::{display_key, line_of_key, KeyPath, Merged};
use super::Loaded;
use crate::model::{Warning, WarningKind, YearMonth};
use crate::sim::drivers::DriverTarget;
use std::path::Path;
use toml::{Table, Value};

type Result<T> = std::result::Result<T, ScenarioError>;

/// The `baseline` value that makes a file calibrate on its own (merged) world.
pub(crate) const BASELINE_SELF: &str = "self";

/// A file's chain keys, as written (their types were checked by the typed pass).
#[derive(Clone, Debug, Default)]
pub(crate) struct Directives {
    /// `baseline = "self" | "builtin:NAME" | "PATH"`.
    baseline: Option<String>,
    /// `[counterfactual]` is present; its `from`, if given.
    counterfactual: Option<Option<String>>,
    /// `remove = [...]`: dotted key paths.
    remove: Vec<String>,
}

impl Directives {
    /// Take the chain keys out of a file's table.
    pub(crate) fn take(table: &mut Table) -> Self {
        let text = |v: Value| v.as_str().map(str::to_string);
        Directives {
            baseline: table.remove("baseline").and_then(text),
            counterfactual: table.remove("counterfactual").map(|cf| {
                cf.as_table()
                    .and_then(|t| t.get("from"))
                    .and_then(|v| v.as_str().map(str::to_string))
            }),
            remove: match table.remove("remove") {
                Some(Value::Array(items)) => items.into_iter().filter_map(text).collect(),
                _ => Vec::new(),
            },
        }
    }
}

/// Build the merged scenario, then give it its calibration baseline and its branch.
pub(crate) fn build(merged: &Merged) -> Result<Loaded> {
    // What is wrong with the chain keys themselves comes before the world's rules.
    let counterfactual = merged
        .directives
        .first()
        .and_then(|d| d.counterfactual.as_ref());
    if counterfactual.is_some() && merged.directives.len() < 2 {
        let problem = Problem::CounterfactualWithoutParent;
        return Err(invalid(merged, 0, &["counterfactual"], problem));
    }
    let mut loaded = super::validate::build(merged).map_err(|e| removed_required(merged, e))?;
    let own_baseline = merged
        .directives
        .first()
        .and_then(|d| d.baseline.as_deref());
    if own_baseline == Some(BASELINE_SELF) && merged.directives.len() < 2 {
        // A file with no parent is its own baseline already.
        let (file, line) = merged.locate(&["baseline".to_string()]);
        let mut warning = Warning::at(["baseline"], WarningKind::BaselineSelfWithoutParent);
        (warning.file, warning.line) = (Some(file), line);
        loaded.warnings.push(warning);
    }
    if let Some(mut baseline) = baseline_of(merged)? {
        // The baseline gives the world's levels; `[parameters]` is the model itself (peer
        // weight, co-ethnic leverage, the dispositions' responses), so the baseline is read
        // under the scenario's own: a changed model constant is then refitted as it always
        // was, and only a changed level of a power, state, tie or institution acts as a
        // shock (docs/model.md §2.1). Without this a sensitivity study of a future would
        // see a temperature or a peer weight as a jolt at month 1.
        match merged.table.get("parameters") {
            Some(parameters) => baseline
                .table
                .insert("parameters".into(), parameters.clone()),
            None => baseline.table.remove("parameters"),
        };
        // The camps are the model too (how a state substitutes between powers, docs/model.md
        // §10.1): the baseline is read under the scenario's, restricted to the powers the
        // baseline has, so a child that declares or changes camps is refitted, not jolted.
        match merged.table.get("camps") {
            Some(camps) => {
                let camps = camps_within(camps, baseline.table.get("powers"));
                baseline.table.insert("camps".into(), camps)
            }
            None => baseline.table.remove("camps"),
        };
        let base = super::validate::build(&baseline)?.scenario;
        loaded.scenario = loaded.scenario.with_baseline(base);
    }
    if let Some(from) = counterfactual {
        // The parent's chain, read once: built into the branch's parent scenario, and its
        // events compared with the branch's for the warnings.
        let parent = merged.reload(1)?;
        loaded.scenario = branch(merged, &parent, from.as_deref(), loaded.scenario)?;
        loaded
            .warnings
            .extend(branch_warnings(merged, &parent, &loaded.scenario));
    }
    Ok(loaded)
}

/// What a branch says that cannot act: nothing changed from its parent, a seed of its own
/// (the runs are then not the parent's before the branch), and events of its own dated
/// before the branch month or hazards closing before it (the run follows the parent then).
fn branch_warnings(
    merged: &Merged,
    parent_chain: &Merged,
    scenario: &crate::Scenario,
) -> Vec<Warning> {
    let Some(branch) = scenario.branch() else {
        return Vec::new();
    };
    let parent = branch.parent();
    let mut found = Vec::new();
    if scenario.world() == parent.world()
        && scenario.drivers() == parent.drivers()
        && scenario.events() == parent.events()
        && scenario.hazards() == parent.hazards()
        && scenario.outcomes() == parent.outcomes()
    {
        found.push(Warning::at(
            ["counterfactual"],
            WarningKind::BranchChangesNothing,
        ));
    }
    if scenario.seed() != parent.seed() {
        let (own, parent) = (scenario.seed(), parent.seed());
        found.push(Warning::at(
            ["seed"],
            WarningKind::BranchSeed { own, parent },
        ));
    }
    found.extend(levels_hidden_at_the_branch(
        scenario,
        parent,
        branch.from_step(),
    ));
    let parent_events = parent_chain.table.get("events").and_then(Value::as_array);
    let events = merged.table.get("events").and_then(Value::as_array);
    let branch_month = scenario.start().add_months(branch.from_step());
    for (n, entry) in events.into_iter().flatten().enumerate() {
        if parent_events.is_some_and(|p| p.contains(entry)) {
            continue; // the parent's own event: it fires in the parent's run
        }
        for (key, what) in [("at", "it is dated"), ("until", "its hazard closes")] {
            let Some(date) = entry.get(key).and_then(Value::as_str) else {
                continue;
            };
            let Ok(date) = date.parse::<YearMonth>() else {
                continue;
            };
            if date.months_since(scenario.start()) < i64::from(branch.from_step()) {
                let reason = format!(
                    "{what} {date}, before the branch month {branch_month}, when the run still follows its parent; date it from {branch_month} or move it to the parent"
                );
                found.push(Warning::at(
                    ["events".to_string(), format!("[{n}]"), key.to_string()],
                    WarningKind::EventNeverFires { reason },
                ));
            }
        }
    }
    found
        .into_iter()
        .map(|mut w| {
            let (file, line) = merged.locate(&w.path);
            w.file = Some(file);
            w.line = line;
            w
        })
        .collect()
}

/// Where `key` of file `index`'s chain keys is written, for its errors.
fn invalid(merged: &Merged, index: usize, key: &[&str], problem: Problem) -> ScenarioError {
    let path: KeyPath = key.iter().map(|s| s.to_string()).collect();
    let source = &merged.sources[index];
    ScenarioError::Invalid {
        file: source.path.clone(),
        line: line_of_key(&source.text, &path),
        key: display_key(&path),
        problem,
    }
}

/// The chain the constants are fitted on: that of the nearest file (the loaded file first)
/// that writes `baseline`, else the file at the bottom of the `extends` chain; `None` when it
/// is the loaded file itself.
fn baseline_of(merged: &Merged) -> Result<Option<Merged>> {
    let files = merged.directives.len();
    for (index, directives) in merged.directives.iter().enumerate() {
        let Some(target) = directives.baseline.as_deref() else {
            continue;
        };
        let at = |problem| invalid(merged, index, &["baseline"], problem);
        if target.trim().is_empty() {
            return Err(at(Problem::EmptyBaseline));
        }
        if target == BASELINE_SELF {
            return (index > 0).then(|| merged.reload(index)).transpose();
        }
        if let Some(text) = super::builtin::builtin_text(target) {
            return Merged::from_text(text, Path::new(target)).map(Some);
        }
        if target.starts_with("builtin:") {
            let known = super::builtin::names().map(String::from).collect();
            let name = target.to_string();
            return Err(at(Problem::UnknownBuiltin { name, known }));
        }
        let dir = merged.sources[index].path.parent().unwrap_or(Path::new(""));
        return Merged::from_file(&dir.join(target))
            .map(Some)
            .map_err(|e| match e {
                ScenarioError::Io { file, source } => at(Problem::BaselineUnreadable {
                    path: file,
                    reason: source.to_string(),
                }),
                ScenarioError::NotRegular { file, kind } => at(Problem::BaselineUnreadable {
                    path: file,
                    reason: format!("it is a {kind}, not a regular file"),
                }),
                e => e,
            });
    }
    (files > 1).then(|| merged.reload(files - 1)).transpose()
}

/// The loaded scenario as a branch of its parent (the file it extends) from `from`.
fn branch(
    merged: &Merged,
    parent: &Merged,
    from: Option<&str>,
    scenario: crate::Scenario,
) -> Result<crate::Scenario> {
    let at = |problem| invalid(merged, 0, &["counterfactual", "from"], problem);
    let Some(text) = from else {
        return Err(invalid(
            merged,
            0,
            &["counterfactual", "from"],
            Problem::Missing,
        ));
    };
    let date: YearMonth = text.parse().map_err(|_| {
        at(Problem::BadDate {
            text: text.to_string(),
        })
    })?;
    let (start, steps) = (scenario.start(), scenario.steps());
    let months = date.months_since(start);
    if months <= 0 || months > i64::from(steps) {
        return Err(at(Problem::BranchOutsideHorizon {
            date: text.to_string(),
            start: start.to_string(),
            end: start.add_months(steps).to_string(),
        }));
    }
    let parent = build(parent)?.scenario;
    scenario
        .with_branch(parent, months as u32)
        .map_err(|e| at(Problem::Scenario(e)))
}

/// Levels the branch sets differently from its parent that a driver decides anyway from the
/// branch on: the driven value at every step from the one before the branch (where the
/// handover applies the schedule) to the horizon is the same from either level, so the
/// override never acts. Each is warned of at the level's key.
fn levels_hidden_at_the_branch(
    scenario: &crate::Scenario,
    parent: &crate::Scenario,
    from: u32,
) -> Vec<Warning> {
    let (world, names) = (scenario.world(), |i: usize, kind: &str| match kind {
        "power" => scenario.world().powers()[i].name.clone(),
        "state" => scenario.world().states()[i].name.clone(),
        _ => scenario.world().institutions()[i].name.clone(),
    });
    let mut found = Vec::new();
    for driver in scenario.drivers() {
        let (own, theirs) = (
            driver.target.level(world),
            driver.target.level(parent.world()),
        );
        let decided = (from - 1..=scenario.steps())
            .all(|t| driver.path.value_at(t, own) == driver.path.value_at(t, theirs));
        if own == theirs || !decided {
            continue;
        }
        let key: Vec<String> = match driver.target {
            DriverTarget::Capacity(p) => vec![
                "powers".into(),
                names(p.index(), "power"),
                "capacity".into(),
            ],
            DriverTarget::Coercion(p) => vec![
                "powers".into(),
                names(p.index(), "power"),
                "coercion".into(),
            ],
            DriverTarget::Delivery(p, k) => vec![
                "powers".into(),
                names(p.index(), "power"),
                "delivery".into(),
                k.name().into(),
            ],
            DriverTarget::Credibility(i) => {
                vec![
                    "institutions".into(),
                    names(i.index(), "institution"),
                    "credibility".into(),
                ]
            }
            DriverTarget::Tie(st, p, k) => vec![
                "states".into(),
                names(st.index(), "state"),
                "ties".into(),
                names(p.index(), "power"),
                k.name().into(),
            ],
            // A relation's level is an entry of the `[[relations]]` array, which a branch
            // replaces whole; not warned of here (docs: scenarios/README.md, "Drivers").
            DriverTarget::Relation(..) => continue,
        };
        // The driver's own key: `drivers.` and the level's path, a tie's without `states`
        // and `ties` (`drivers.ties.S.P.k`).
        let mut driver_key = vec!["drivers".to_string()];
        match &key[..] {
            [_, state, _, power, channel] => {
                driver_key.extend(["ties".into(), state.clone(), power.clone(), channel.clone()])
            }
            _ => driver_key.extend(key.iter().cloned()),
        }
        let driver = super::load::display_key(&driver_key);
        let from = scenario.start().add_months(from).to_string();
        found.push(Warning::at(
            key,
            WarningKind::LevelHiddenAtBranch { driver, from },
        ));
    }
    found
}

/// Apply file `index`'s `remove` list to `table`, what the file inherits (its bases merged),
/// before `own`, the file's own keys, are merged over it. A key or member the file both
/// removes and sets is refused: one of the two would silently not act.
pub(crate) fn apply_removes(
    merged: &Merged,
    table: &mut Table,
    own: &Table,
    index: usize,
) -> Result<()> {
    for (n, entry) in merged.directives[index].remove.iter().enumerate() {
        let n = format!("[{n}]");
        let at = |problem| invalid(merged, index, &["remove", &n], problem);
        let segments: Vec<&str> = entry.split('.').collect();
        if segments.iter().any(|s| s.is_empty()) {
            return Err(at(Problem::RemoveNothing {
                what: entry.clone(),
                suggestion: None,
            }));
        }
        if sets(own, &segments) {
            return Err(at(Problem::RemoveAndSet {
                what: entry.clone(),
            }));
        }
        remove_one(table, &segments).map_err(|near| {
            // The entry with the missing segment replaced by the nearest name found there.
            let suggestion = near.map(|(depth, name)| {
                let mut fixed = segments.clone();
                fixed[depth] = &name;
                fixed.join(".")
            });
            at(Problem::RemoveNothing {
                what: entry.clone(),
                suggestion,
            })
        })?;
        if let [kind @ ("powers" | "states" | "institutions"), name] = segments[..] {
            if let Some(path) = reference_to(table, name, &mut Vec::new()) {
                let (file, line) = merged.locate(&path);
                return Err(at(Problem::RemoveReferenced {
                    kind: kind.trim_end_matches('s').to_string(),
                    name: name.to_string(),
                    by: display_key(&path),
                    place: place(&file, line),
                }));
            }
        }
    }
    Ok(())
}

fn place(file: &Path, line: Option<usize>) -> String {
    match line {
        Some(line) => format!("{}:{line}", file.display()),
        None => file.display().to_string(),
    }
}

/// Remove the key or array member at `segments`; on failure, where the missing name was
/// looked for (its segment's index) and the nearest name that exists there (a did-you-mean),
/// if one is close.
type Near = Option<(usize, String)>;

fn remove_one(table: &mut Table, segments: &[&str]) -> std::result::Result<(), Near> {
    let Some((last, parents)) = segments.split_last() else {
        return Err(None);
    };
    let depth = parents.len();
    // A member of an array of names, e.g. `institutions.CSTO.members.Armenia`.
    if let Some((array, holder_path)) = parents.split_last() {
        if let Ok(holder) = table_at(table, holder_path) {
            if let Some(Value::Array(items)) = holder.get_mut(*array) {
                let before = items.len();
                items.retain(|v| v.as_str() != Some(last));
                if items.len() == before {
                    let names = items.iter().filter_map(|v| v.as_str().map(String::from));
                    return Err(super::suggest::nearest(last, names).map(|n| (depth, n)));
                }
                // A member removed from `institutions.I.members` takes its entries with it.
                if let ["institutions", _] = holder_path {
                    for entries in ["participation", "unanswered"] {
                        if let Some(Value::Table(t)) = holder.get_mut(entries) {
                            t.remove(*last);
                        }
                    }
                }
                return Ok(());
            }
        }
    }
    let holder = table_at(table, parents)?;
    match holder.remove(*last) {
        Some(_) => Ok(()),
        None => Err(super::suggest::nearest(last, holder.keys().cloned()).map(|n| (depth, n))),
    }
}

/// Whether `own` (one file's keys) sets the key at `segments`, or lists its last segment in
/// the array its parent names (a member in `members`).
fn sets(own: &Table, segments: &[&str]) -> bool {
    let Some((last, parents)) = segments.split_last() else {
        return false;
    };
    let mut here = own;
    for (depth, seg) in parents.iter().enumerate() {
        match here.get(*seg) {
            Some(Value::Table(t)) => here = t,
            Some(Value::Array(items)) if depth + 1 == parents.len() => {
                return items.iter().any(|v| v.as_str() == Some(last));
            }
            _ => return false,
        }
    }
    here.contains_key(*last)
}

/// The table at `path`; when a segment is missing (or not a table), its index and the nearest
/// existing key there.
fn table_at<'t>(table: &'t mut Table, path: &[&str]) -> std::result::Result<&'t mut Table, Near> {
    let mut here = table;
    for (depth, seg) in path.iter().enumerate() {
        let keys: Vec<String> = here.keys().cloned().collect();
        match here.get_mut(*seg) {
            Some(Value::Table(inner)) => here = inner,
            _ => return Err(super::suggest::nearest(seg, keys).map(|n| (depth, n))),
        }
    }
    Ok(here)
}

/// The first key path of `table` whose key or string value is `name`.
fn reference_to(table: &Table, name: &str, path: &mut KeyPath) -> Option<KeyPath> {
    for (key, value) in table {
        path.push(key.clone());
        if key == name {
            return Some(path.clone());
        }
        let found = match value {
            Value::Table(t) => reference_to(t, name, path),
            Value::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
                path.push(format!("[{i}]"));
                let found = match item {
                    Value::String(s) if s == name => Some(path.clone()),
                    Value::Table(t) => reference_to(t, name, path),
                    _ => None,
                };
                path.pop();
                found
            }),
            Value::String(s) if s == name => Some(path.clone()),
            _ => None,
        };
        if found.is_some() {
            return found;
        }
        path.pop();
    }
    None
}

/// A required key found missing because a `remove` took it away: reported at that `remove`.
fn removed_required(merged: &Merged, error: ScenarioError) -> ScenarioError {
    let ScenarioError::Invalid {
        key,
        problem: Problem::Missing,
        ..
    } = &error
    else {
        return error;
    };
    for (index, directives) in merged.directives.iter().enumerate() {
        if let Some(n) = directives.remove.iter().position(|r| r == key) {
            let n = format!("[{n}]");
            let problem = Problem::RemoveRequired { key: key.clone() };
            return invalid(merged, index, &["remove", &n], problem);
        }
    }
    error
}

/// The scenario's `camps` table with every power the baseline's `powers` table lacks left out,
/// and a camp left with no power dropped (a power the scenario adds is fitted on the scenario
/// itself, docs/model.md §2.1).
fn camps_within(camps: &Value, powers: Option<&Value>) -> Value {
    let known = |name: &Value| {
        name.as_str().is_some_and(|n| {
            powers
                .and_then(Value::as_table)
                .is_some_and(|t| t.contains_key(n))
        })
    };
    let Some(table) = camps.as_table() else {
        return camps.clone();
    };
    let mut kept = table.clone();
    kept.retain(|_, camp| {
        let Some(list) = camp.get("powers").and_then(Value::as_array) else {
            return true;
        };
        let within: Vec<Value> = list.iter().filter(|p| known(p)).cloned().collect();
        if within.is_empty() {
            return false;
        }
        if let Some(t) = camp.as_table_mut() {
            t.insert("powers".into(), Value::Array(within));
        }
        true
    });
    Value::Table(kept)
}
