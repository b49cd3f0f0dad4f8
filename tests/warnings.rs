//! Warnings: what a scenario may legitimately say but probably does not mean is loaded, and
//! reported beside the scenario at its file, line and key, by the loader
//! (`Scenario::from_file_with_warnings`), by a world or scenario built in code
//! (`World::warnings`, `Scenario::warnings`), and by the command line on stderr.

#![allow(clippy::result_large_err)] // see the note in src/lib.rs

use geoalign::{
    Disposition, Institution, Participation, Power, PowerId, Scenario, State, StateId, Warning,
    WarningKind, World,
};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A fresh directory under the target's scratch space.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("warnings-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A small valid base with one event; `{unanswered}` is the bloc's unanswered table.
const BASE: &str = r#"name = "base with a war"
description = "A base whose story is its war."
seed = 1
[horizon]
start = "2025-01"
steps = 24
[powers.A]
coercion = 0.5
[states.S]
disposition = "hedge"
inertia = 0.05
stubbornness = 0.3
fragility = 0.1
salience = { trade = 0.5, security = 0.5 }
alignment = { A = 0.5, autonomy = 0.5 }
[states.T]
disposition = "hedge"
inertia = 0.05
stubbornness = 0.3
fragility = 0.1
salience = { trade = 1.0 }
alignment = { A = 0.4, autonomy = 0.6 }
[institutions.Bloc]
leader = "A"
credibility = 0.5
members = ["S", "T"]
[institutions.Bloc.unanswered]
S = 0
T = 0
[[events]]
at = "2025-03"
kind = "war"
power = "A"
capacity_drain = 0.01
recovery = 0.1
"#;

fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn a_child_that_empties_events_but_keeps_the_base_name_is_warned_of_at_its_events_line() {
    let dir = scratch("emptied-events");
    std::fs::write(dir.join("base.toml"), BASE).unwrap();
    let child = "extends = \"base.toml\"\n# no events: the war is gone\nevents = []\n";
    std::fs::write(dir.join("child.toml"), child).unwrap();

    let loaded = Scenario::from_file_with_warnings(dir.join("child.toml")).unwrap();
    assert!(loaded.scenario.events().is_empty());
    assert_eq!(loaded.scenario.name(), "base with a war");
    assert_eq!(loaded.warnings.len(), 1, "{:?}", loaded.warnings);
    let warning = &loaded.warnings[0];
    assert_eq!(
        warning.file.as_deref(),
        Some(dir.join("child.toml").as_path())
    );
    assert_eq!(warning.line, Some(line_of(child, "events = []")));
    assert_eq!(warning.key(), "events");
    assert_eq!(
        warning.kind,
        WarningKind::EventsEmptiedKeepName {
            name: "base with a war".into()
        }
    );
    let text = warning.to_string();
    let place = format!("{}:3: `events`: ", dir.join("child.toml").display());
    assert!(text.starts_with(&place), "{text}");
    assert!(
        text.contains("keeps the base's name \"base with a war\""),
        "{text}"
    );

    // A child that names itself says what it is: no warning. `from_file` loads it alike.
    let named = format!("name = \"peace time\"\n{child}");
    std::fs::write(dir.join("named.toml"), &named).unwrap();
    let loaded = Scenario::from_file_with_warnings(dir.join("named.toml")).unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    assert_eq!(
        Scenario::from_file(dir.join("child.toml")).unwrap(),
        Scenario::from_file_with_warnings(dir.join("child.toml"))
            .unwrap()
            .scenario
    );
}

#[test]
fn an_active_member_with_as_many_unanswered_appeals_as_suspend_is_warned_of_at_its_count() {
    let text = BASE.replace("S = 0\n", "S = 2\n");
    let loaded = Scenario::from_toml_str_with_warnings(&text, "tiny.toml").unwrap();
    assert_eq!(loaded.warnings.len(), 1, "{:?}", loaded.warnings);
    let warning = &loaded.warnings[0];
    assert_eq!(warning.file.as_deref(), Some(Path::new("tiny.toml")));
    assert_eq!(warning.line, Some(line_of(&text, "S = 2")));
    assert_eq!(warning.key(), "institutions.Bloc.unanswered.S");
    assert_eq!(
        warning.kind,
        WarningKind::ActiveBeyondSuspension {
            unanswered: 2,
            suspend_after: 2
        }
    );
    assert!(
        warning.to_string().starts_with(&format!(
            "tiny.toml:{}: `institutions.Bloc.unanswered.S`: an active member with 2 unanswered appeals",
            line_of(&text, "S = 2")
        )),
        "{warning}"
    );
    // The scenario itself gives the same warning, without a file.
    let code: Vec<Warning> = loaded.scenario.warnings();
    assert_eq!(code.len(), 1);
    assert_eq!((code[0].file.as_ref(), code[0].line), (None, None));
    assert_eq!(code[0].kind, warning.kind);

    // One fewer, or a member marked suspended, is no warning.
    let below = BASE.replace("S = 0\n", "S = 1\n");
    assert!(Scenario::from_toml_str_with_warnings(&below, "tiny.toml")
        .unwrap()
        .warnings
        .is_empty());
    let suspended = text.replace(
        "[institutions.Bloc.unanswered]",
        "participation = { S = \"suspended\" }\n[institutions.Bloc.unanswered]",
    );
    assert!(
        Scenario::from_toml_str_with_warnings(&suspended, "tiny.toml")
            .unwrap()
            .warnings
            .is_empty()
    );
}

#[test]
fn a_world_built_in_code_gives_the_warning_a_file_gives_at_the_same_key() {
    let world = World::builder()
        .power(Power::new("A"))
        .state(State::new("S", Disposition::Hedge, vec![0.5, 0.5]))
        .institution(Institution {
            members: vec![(StateId(0), Participation::Active)],
            unanswered: vec![3],
            ..Institution::new("Bloc", Some(PowerId(0)), 0.5)
        })
        .build()
        .unwrap();
    let warnings = world.warnings();
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].key(), "institutions.Bloc.unanswered.S");
    assert_eq!(
        warnings[0].to_string(),
        "`institutions.Bloc.unanswered.S`: an active member with 3 unanswered appeals, though the \
         model suspends a member at its 2nd: it starts active, and its next unanswered appeal \
         suspends it (set `participation` to `suspended` if it already is)"
    );
    let scenario = Scenario::builder(world).build().unwrap();
    assert_eq!(scenario.warnings(), warnings);
}

#[test]
fn the_shipped_scenarios_raise_no_warning() {
    for file in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios")).unwrap() {
        let path = file.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let loaded = Scenario::from_file_with_warnings(&path).unwrap();
            assert!(
                loaded.warnings.is_empty(),
                "{}: {:?}",
                path.display(),
                loaded.warnings
            );
        }
    }
}

#[test]
fn the_command_line_prints_each_warning_on_stderr_and_still_succeeds() {
    let dir = scratch("cli");
    let text = BASE.replace("S = 0\n", "S = 2\n");
    let file = dir.join("warned.toml");
    std::fs::write(&file, &text).unwrap();
    for args in [
        vec!["validate", file.to_str().unwrap()],
        vec!["trace", file.to_str().unwrap()],
        vec![
            "run",
            file.to_str().unwrap(),
            "--runs",
            "2",
            "--threads",
            "1",
        ],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_geoalign"))
            .args(&args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{args:?}: {stderr}");
        let expected = format!(
            "warning: {}:{}: `institutions.Bloc.unanswered.S`: an active member with 2 unanswered appeals",
            file.display(),
            line_of(&text, "S = 2")
        );
        assert_eq!(
            stderr
                .lines()
                .filter(|l| l.starts_with("warning: "))
                .count(),
            1,
            "{args:?}: {stderr}"
        );
        assert!(
            stderr.lines().any(|l| l.starts_with(&expected)),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn sensitivity_prints_its_bases_warnings_once_from_the_one_load() {
    let dir = scratch("cli-sensitivity");
    // Kyrgyzstan active with as many unanswered appeals as suspend a member (2 by default).
    let text =
        "extends = \"builtin:eurasia-2025\"\n[institutions.CSTO.unanswered]\nKyrgyzstan = 2\n";
    let file = dir.join("warned.toml");
    std::fs::write(&file, text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_geoalign"))
        .args([
            "sensitivity",
            file.to_str().unwrap(),
            "--param",
            "parameters.noise=0.01:0.02",
            "--design",
            "2",
            "--runs",
            "2",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("warning: "))
        .collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    let expected = format!(
        "warning: {}:3: `institutions.CSTO.unanswered.Kyrgyzstan`: an active member with 2 unanswered appeals",
        file.display()
    );
    assert!(warnings[0].starts_with(&expected), "{stderr}");
}

/// Loads `child` written beside `BASE` and returns its single warning, checked to be located
/// in the child at the line holding `needle`.
fn single_child_warning(name: &str, child: &str, needle: &str) -> Warning {
    let dir = scratch(name);
    std::fs::write(dir.join("base.toml"), BASE).unwrap();
    std::fs::write(dir.join("child.toml"), child).unwrap();
    let loaded = Scenario::from_file_with_warnings(dir.join("child.toml")).unwrap();
    assert_eq!(loaded.warnings.len(), 1, "{:?}", loaded.warnings);
    let warning = loaded.warnings[0].clone();
    assert_eq!(
        warning.file.as_deref(),
        Some(dir.join("child.toml").as_path())
    );
    assert_eq!(warning.line, Some(line_of(child, needle)), "{warning}");
    warning
}

#[test]
fn a_child_level_equal_to_its_base_is_warned_of_at_its_line() {
    let child = "extends = \"base.toml\"\nname = \"same\"\n[powers.A]\ncoercion = 0.5\n";
    let warning = single_child_warning("unchanged-level", child, "coercion = 0.5");
    assert_eq!(warning.key(), "powers.A.coercion");
    assert!(matches!(
        &warning.kind,
        WarningKind::UnchangedOverride { base } if base.ends_with("base.toml")
    ));
    assert!(warning.to_string().contains("changes nothing"), "{warning}");

    // A table written whole that changes one of its values may repeat the others.
    let whole = "extends = \"base.toml\"\nname = \"whole\"\n[states.S]\nalignment = { A = 0.6, autonomy = 0.4 }\n[institutions.Bloc.unanswered]\nS = 1\nT = 0\n";
    let dir = scratch("unchanged-whole");
    std::fs::write(dir.join("base.toml"), BASE).unwrap();
    std::fs::write(dir.join("child.toml"), whole).unwrap();
    let loaded = Scenario::from_file_with_warnings(dir.join("child.toml")).unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
}

#[test]
fn a_child_level_hidden_by_a_driver_from_the_first_step_is_warned_of_at_the_level() {
    let child = "extends = \"base.toml\"\nname = \"hidden\"\n[powers.A]\ncoercion = 0.2\n\
                 [drivers.powers.A]\ncoercion = [{ at = \"2025-01\", value = 0.3 }, { at = \"2026-01\", value = 0.4 }]\n";
    let warning = single_child_warning("hidden-level", child, "coercion = 0.2");
    assert_eq!(warning.key(), "powers.A.coercion");
    assert_eq!(
        warning.kind,
        WarningKind::LevelHiddenByDriver {
            driver: "drivers.powers.A.coercion".into()
        }
    );
}

#[test]
fn a_driver_that_never_changes_its_quantity_is_warned_of_at_its_key() {
    let child = "extends = \"base.toml\"\nname = \"still\"\n\
                 [drivers.powers.A]\ncoercion = [{ at = \"2025-06\", add = 0.0 }, { at = \"2026-01\", scale = 1.0 }]\n";
    let warning = single_child_warning("still-driver", child, "coercion = [");
    assert_eq!(warning.key(), "drivers.powers.A.coercion");
    assert_eq!(warning.kind, WarningKind::DriverNeverMoves { level: 0.5 });
}

#[test]
fn an_event_that_can_never_fire_is_warned_of_at_its_monthly_key() {
    let child = "extends = \"base.toml\"\nname = \"never\"\n\
                 [[events]]\nmonthly = 0.0\nfrom = \"2025-02\"\nkind = \"diplomatic_crisis\"\npower = \"A\"\nstate = \"S\"\n";
    let warning = single_child_warning("never-fires", child, "monthly = 0.0");
    assert_eq!(warning.key(), "events[0].monthly");
    assert!(matches!(warning.kind, WarningKind::EventNeverFires { .. }));
    assert!(warning.to_string().contains("can never fire"), "{warning}");
}

#[test]
fn a_crisis_no_power_can_ever_decide_on_is_warned_of_at_its_key() {
    let child = "extends = \"base.toml\"\nname = \"never decided\"\n\
                 [[events]]\nat = \"2025-03\"\nkind = \"crisis\"\npower = \"A\"\nstate = \"S\"\ntrigger = 0.0\n";
    let warning = single_child_warning("crisis-no-trigger", child, "trigger = 0.0");
    assert_eq!(warning.key(), "events[0].trigger");
    assert!(matches!(warning.kind, WarningKind::EventNeverFires { .. }));
    assert!(warning.to_string().contains("trigger 0"), "{warning}");
}

#[test]
fn a_branch_that_changes_nothing_is_warned_of_at_its_counterfactual() {
    let child =
        "extends = \"base.toml\"\nname = \"same runs\"\n[counterfactual]\nfrom = \"2025-06\"\n";
    let warning = single_child_warning("branch-nothing", child, "[counterfactual]");
    assert_eq!(warning.kind, WarningKind::BranchChangesNothing);
}

#[test]
fn a_branch_with_a_seed_of_its_own_is_warned_of_at_its_seed() {
    let child = "extends = \"base.toml\"\nname = \"other seed\"\nseed = 2\n\
                 [counterfactual]\nfrom = \"2025-06\"\n[powers.A]\ncoercion = 0.1\n";
    let warning = single_child_warning("branch-seed", child, "seed = 2");
    assert_eq!(warning.kind, WarningKind::BranchSeed { own: 2, parent: 1 });
}

#[test]
fn a_branch_event_dated_before_the_branch_is_warned_of_at_its_date() {
    // The parent's war is kept (it fires in the parent's run); the crisis is the branch's own
    // and dated before the branch month, when the run is still the parent's.
    let child = "extends = \"base.toml\"\nname = \"late branch\"\n[counterfactual]\nfrom = \"2025-10\"\n\
                 [[events]]\nat = \"2025-03\"\nkind = \"war\"\npower = \"A\"\ncapacity_drain = 0.01\nrecovery = 0.1\n\
                 [[events]]\nat = \"2025-05\"\nkind = \"diplomatic_crisis\"\npower = \"A\"\nstate = \"S\"\n";
    let warning = single_child_warning("branch-early-event", child, "at = \"2025-05\"");
    assert_eq!(warning.key(), "events[1].at");
    assert!(
        warning
            .to_string()
            .contains("before the branch month 2025-10"),
        "{warning}"
    );
}

#[test]
fn a_branch_level_a_driver_decides_after_the_branch_is_warned_of_at_the_level() {
    // The base drives A's capacity with absolute points from 2025-06: from a 2026-01 branch
    // on, the driven value is the same whatever the level, so the child's capacity never acts.
    let child = "extends = \"base.toml\"\nname = \"hidden at branch\"\n[counterfactual]\nfrom = \"2026-01\"\n\
                 [powers.A]\ncapacity = 0.5\n\
                 [drivers.powers.A]\ncapacity = [{ at = \"2025-06\", value = 0.9 }, { at = \"2026-01\", value = 0.8 }]\n";
    let warning = single_child_warning("hidden-at-branch", child, "capacity = 0.5");
    assert_eq!(warning.key(), "powers.A.capacity");
    assert_eq!(
        warning.kind,
        WarningKind::LevelHiddenAtBranch {
            driver: "drivers.powers.A.capacity".into(),
            from: "2026-01".into()
        }
    );
    // Written relatively, the same driver carries the level: no warning.
    let relative = child
        .replace("value = 0.9", "scale = 0.9")
        .replace("value = 0.8", "scale = 0.8");
    let dir = scratch("hidden-at-branch-relative");
    std::fs::write(dir.join("base.toml"), BASE).unwrap();
    std::fs::write(dir.join("child.toml"), relative).unwrap();
    let loaded = Scenario::from_file_with_warnings(dir.join("child.toml")).unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
}

#[test]
fn an_outcome_that_reads_only_the_start_is_warned_of_at_its_entry() {
    let child = "extends = \"base.toml\"\nname = \"start only\"\n\
                 [[outcomes]]\nname = \"s-low\"\nkind = \"share\"\nstate = \"S\"\nof = \"A\"\nbelow = 0.6\nby = \"2025-01\"\n";
    let warning = single_child_warning("outcome-at-start", child, "[[outcomes]]");
    assert_eq!(warning.key(), "outcomes[0]");
    assert_eq!(warning.kind, WarningKind::OutcomeSettledAtStart);
    // A month later it can move: no warning.
    let later = child.replace("by = \"2025-01\"", "by = \"2025-02\"");
    let dir = scratch("outcome-a-month-later");
    std::fs::write(dir.join("base.toml"), BASE).unwrap();
    std::fs::write(dir.join("child.toml"), later).unwrap();
    let loaded = Scenario::from_file_with_warnings(dir.join("child.toml")).unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
}

#[test]
fn baseline_self_in_a_file_with_no_parent_is_warned_of_at_its_line() {
    let dir = scratch("baseline-self-root");
    let text = BASE.replacen("seed = 1\n", "seed = 1\nbaseline = \"self\"\n", 1);
    std::fs::write(dir.join("root.toml"), &text).unwrap();
    let loaded = Scenario::from_file_with_warnings(dir.join("root.toml")).unwrap();
    assert_eq!(loaded.warnings.len(), 1, "{:?}", loaded.warnings);
    let warning = &loaded.warnings[0];
    assert_eq!(warning.kind, WarningKind::BaselineSelfWithoutParent);
    assert_eq!(warning.line, Some(line_of(&text, "baseline = \"self\"")));
}

#[test]
fn a_camp_of_one_power_is_warned_of_at_its_powers() {
    let text = format!("{BASE}[camps.Alone]\npowers = [\"A\"]\nnesting = 0.5\n");
    let loaded = Scenario::from_toml_str_with_warnings(&text, "tiny.toml").unwrap();
    assert_eq!(loaded.warnings.len(), 1, "{:?}", loaded.warnings);
    let warning = &loaded.warnings[0];
    assert_eq!(warning.line, Some(line_of(&text, "powers = [\"A\"]")));
    assert_eq!(warning.key(), "camps.Alone.powers");
    assert_eq!(
        warning.kind,
        WarningKind::OnePowerCamp {
            power: "A".to_string()
        }
    );
}

/// BASE with the powers' keys: `budget` is the line added to `[powers.A]` (empty for none),
/// `tail` what follows the file.
fn with_powers(budget: &str, tail: &str) -> String {
    let text = BASE.replace(
        "coercion = 0.5\n[states.S]",
        &format!("coercion = 0.5\n{budget}[states.S]"),
    );
    format!("{text}{tail}")
}

/// The only warning of `text` (asserting there is one), with its line and key checked.
fn only_warning(text: &str, line_holding: &str, key: &str) -> Warning {
    let loaded = Scenario::from_toml_str_with_warnings(text, "powers.toml").unwrap();
    assert_eq!(loaded.warnings.len(), 1, "{:?}", loaded.warnings);
    let warning = loaded.warnings[0].clone();
    assert_eq!(warning.file.as_deref(), Some(Path::new("powers.toml")));
    assert_eq!(warning.line, Some(line_of(text, line_holding)), "{warning}");
    assert_eq!(warning.key(), key);
    let place = format!("powers.toml:{}: `{key}`: ", line_of(text, line_holding));
    assert!(warning.to_string().starts_with(&place), "{warning}");
    warning
}

#[test]
fn a_budget_without_priorities_is_warned_of_at_the_budget() {
    let text = with_powers("budget = 0.05\n", "");
    let warning = only_warning(&text, "budget = 0.05", "powers.A.budget");
    assert_eq!(warning.kind, WarningKind::BudgetWithoutPriority);
    assert!(warning.to_string().contains("never acts"), "{warning}");
    // With a priority the budget is spent: no warning.
    let text = with_powers("budget = 0.05\n", "[powers.A.priorities]\nS = 1.0\n");
    let loaded = Scenario::from_toml_str_with_warnings(&text, "powers.toml").unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
}

#[test]
fn priorities_without_a_budget_are_warned_of_at_the_priorities() {
    let text = with_powers("", "[powers.A.priorities]\nS = 1.0\n");
    let warning = only_warning(&text, "[powers.A.priorities]", "powers.A.priorities");
    assert_eq!(warning.kind, WarningKind::PrioritiesWithoutBudget);
}

#[test]
fn a_priority_on_a_fixed_state_is_warned_of_at_that_priority() {
    let text = with_powers(
        "budget = 0.05\n",
        "[powers.A.priorities]\nS = 1.0\nT = 0.5\n",
    )
    .replace(
        "alignment = { A = 0.4, autonomy = 0.6 }",
        "alignment = { A = 0.4, autonomy = 0.6 }\nfixed = true",
    );
    let warning = only_warning(&text, "T = 0.5", "powers.A.priorities.T");
    assert_eq!(warning.kind, WarningKind::PriorityOnFixedState);
}

/// A second power B, and a relation driver and a `relation_shift` event on A–B.
const RELATION_MOVES: &str = r#"[powers.B]
coercion = 0.1
[[drivers.relations]]
powers = ["A", "B"]
path = [{ at = "2026-01", value = -0.5 }]
[[events]]
at = "2025-06"
kind = "relation_shift"
powers = ["B", "A"]
shift = -0.3
"#;

/// `text` with B's shares in both states' alignments.
fn with_b_shares(text: String) -> String {
    text.replace(
        "alignment = { A = 0.5, autonomy = 0.5 }",
        "alignment = { A = 0.4, B = 0.1, autonomy = 0.5 }",
    )
    .replace(
        "alignment = { A = 0.4, autonomy = 0.6 }",
        "alignment = { A = 0.3, B = 0.1, autonomy = 0.6 }",
    )
}

#[test]
fn moving_a_relation_neither_of_whose_powers_acts_is_warned_of_at_each_mover() {
    let text = with_b_shares(with_powers("", RELATION_MOVES));
    let loaded = Scenario::from_toml_str_with_warnings(&text, "powers.toml").unwrap();
    assert_eq!(loaded.warnings.len(), 2, "{:?}", loaded.warnings);
    let expected = WarningKind::RelationWithoutBudget {
        first: "A".into(),
        second: "B".into(),
    };
    let driver = &loaded.warnings[0];
    assert_eq!(driver.kind, expected);
    assert_eq!(driver.key(), "drivers.relations[0].powers");
    assert_eq!(driver.line, Some(line_of(&text, "powers = [\"A\", \"B\"]")));
    let event = &loaded.warnings[1];
    assert_eq!(
        event.kind,
        WarningKind::RelationWithoutBudget {
            first: "B".into(),
            second: "A".into(),
        }
    );
    assert_eq!(event.key(), "events[1].powers");
    assert_eq!(event.line, Some(line_of(&text, "powers = [\"B\", \"A\"]")));
    assert!(event.to_string().contains("changes nothing"), "{}", event);
    // The run agrees: nothing reads the relation, and the event is logged as skipped.
    let t = geoalign::Simulation::new(loaded.scenario)
        .trajectory(0)
        .unwrap();
    let shift = t
        .events
        .iter()
        .find(|e| e.event.kind() == "relation_shift")
        .unwrap();
    assert!(
        matches!(
            &shift.outcome,
            geoalign::sim::events::EventOutcome::Skipped { .. }
        ),
        "{:?}",
        shift.outcome
    );

    // One acting power reads the relation: no warning.
    let text = with_b_shares(with_powers(
        "budget = 0.05\n",
        &format!("{RELATION_MOVES}[powers.A.priorities]\nS = 1.0\n"),
    ));
    let loaded = Scenario::from_toml_str_with_warnings(&text, "powers.toml").unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
}

/// Every share of every month of run 0 of `text`: what a no-op must leave unchanged.
fn shares_of(text: &str) -> Vec<Vec<f64>> {
    let scenario = Scenario::from_toml_str(text, "powers.toml").unwrap();
    geoalign::Simulation::new(scenario)
        .trajectory(0)
        .unwrap()
        .alignment
}

#[test]
fn power_parameters_where_no_power_has_a_budget_are_warned_of_at_their_table() {
    let table = "[parameters.powers]\nhalf_life = 24.0\nwindow = 6\n";
    let text = with_powers("", table);
    let warning = only_warning(&text, "[parameters.powers]", "parameters.powers");
    assert_eq!(warning.kind, WarningKind::PowerParametersWithoutBudget);
    assert!(warning.to_string().contains("nothing reads"), "{warning}");
    // The run agrees: the same numbers as without the table.
    assert_eq!(shares_of(&text), shares_of(&with_powers("", "")));

    // An acting power reads them: no warning.
    let acting = format!("{table}[powers.A.priorities]\nS = 1.0\n");
    let text = with_powers("budget = 0.05\n", &acting);
    let loaded = Scenario::from_toml_str_with_warnings(&text, "powers.toml").unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
}

#[test]
fn a_regime_threat_half_life_without_regime_security_is_warned_of_at_the_key() {
    // Unrest in S, whose security tie with A carries the regime term (docs/model.md §10.3).
    let unrest = "[[events]]\nat = \"2025-06\"\nkind = \"unrest\"\nstate = \"S\"\nseverity = 0.8\n\
                  [states.S.ties.A]\nsecurity = 0.6\n[powers.A.delivery]\nsecurity = 0.8\n";
    let table = "[parameters.responsiveness]\nregime_threat_half_life = 12.0\n";
    let text = with_powers("", &format!("{unrest}{table}"));
    let warning = only_warning(
        &text,
        "regime_threat_half_life",
        "parameters.responsiveness.regime_threat_half_life",
    );
    assert_eq!(warning.kind, WarningKind::RegimeHalfLifeWithoutWeight);
    // The run agrees: with ζ = 0 the half-life changes no number, even after unrest.
    assert_eq!(shares_of(&text), shares_of(&with_powers("", unrest)));

    // With ζ above 0 the half-life is read: no warning, and it moves the shares.
    let on = "[parameters.responsiveness]\nregime_security = 0.5\n";
    let read = with_powers("", &format!("{unrest}{on}regime_threat_half_life = 12.0\n"));
    let loaded = Scenario::from_toml_str_with_warnings(&read, "powers.toml").unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let default_half_life = with_powers("", &format!("{unrest}{on}"));
    assert_ne!(shares_of(&read), shares_of(&default_half_life));
}

/// BASE with a second power B (shares in both states) and `tail` after it.
fn with_b(tail: &str) -> String {
    with_b_shares(with_powers(
        "",
        &format!("[powers.B]\ncoercion = 0.1\n{tail}"),
    ))
}

#[test]
fn a_camp_with_nesting_one_is_warned_of_at_its_nesting() {
    let text = with_b("[camps.Pair]\npowers = [\"A\", \"B\"]\nnesting = 1.0\n");
    let warning = only_warning(&text, "nesting = 1.0", "camps.Pair.nesting");
    assert_eq!(warning.kind, WarningKind::CampWithoutNesting);
    assert!(warning.to_string().contains("acts as no camp"), "{warning}");
    // The run agrees: λ = 1 is the plain logit, to rounding (the nested form computes the
    // same probabilities through other operations).
    let (camp, none) = (shares_of(&text), shares_of(&with_b("")));
    for (a, b) in camp.iter().flatten().zip(none.iter().flatten()) {
        assert!((a - b).abs() < 1e-9, "{a} vs {b}");
    }

    // A camp below 1 groups: no warning.
    let text = with_b("[camps.Pair]\npowers = [\"A\", \"B\"]\nnesting = 0.5\n");
    let loaded = Scenario::from_toml_str_with_warnings(&text, "powers.toml").unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
}

#[test]
fn a_declared_relation_neither_of_whose_powers_acts_is_warned_of_at_its_powers() {
    let relation = "[[relations]]\npowers = [\"A\", \"B\"]\nvalue = 0.5\n";
    let text = with_b(relation);
    let warning = only_warning(&text, "powers = [\"A\", \"B\"]", "relations[0].powers");
    assert_eq!(
        warning.kind,
        WarningKind::DeclaredRelationWithoutBudget {
            first: "A".into(),
            second: "B".into(),
        }
    );
    // The run agrees: the same numbers as without the entry.
    assert_eq!(shares_of(&text), shares_of(&with_b("")));

    // An acting power reads it: no warning.
    let text = with_b_shares(with_powers(
        "budget = 0.05\n",
        &format!("[powers.B]\ncoercion = 0.1\n{relation}[powers.A.priorities]\nS = 1.0\n"),
    ));
    let loaded = Scenario::from_toml_str_with_warnings(&text, "powers.toml").unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
}

#[test]
fn hostile_parameters_where_no_power_can_coerce_are_warned_of_at_each_key() {
    let table = "[parameters.events]\nhostile_grievance = 0.3\nunrest_hazard = 0.01\n";
    let no_coercion =
        |tail: &str| with_powers("", tail).replace("coercion = 0.5", "coercion = 0.0");
    let text = no_coercion(table);
    let warning = only_warning(
        &text,
        "hostile_grievance",
        "parameters.events.hostile_grievance",
    );
    assert_eq!(warning.kind, WarningKind::HostileParameterUnread);
    // The run agrees: the same numbers as without the key.
    let without = no_coercion("[parameters.events]\nunrest_hazard = 0.01\n");
    assert_eq!(shares_of(&text), shares_of(&without));

    // A power with coercion may decide on a hostile intervention: no warning.
    let text = with_powers("", table);
    let loaded = Scenario::from_toml_str_with_warnings(&text, "powers.toml").unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
}
