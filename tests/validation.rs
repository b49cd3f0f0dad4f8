//! Every validation rule of the scenario loader, each with the error kind, the file, the line
//! and the key path a user sees.

#![allow(clippy::result_large_err)] // see the note in src/lib.rs

use geoalign::{Problem, Scenario, ScenarioError};
use std::path::{Path, PathBuf};

/// A small valid scenario; each test changes one thing.
const VALID: &str = r#"name = "tiny"
seed = 1
[horizon]
start = "2025-01"
steps = 12
[powers.A]
coercion = 0.5
[powers.B]
coercion = 0.1
[states.S]
disposition = "hedge"
inertia = 0.05
stubbornness = 0.3
fragility = 0.1
salience = { trade = 0.5, security = 0.5 }
alignment = { A = 0.5, B = 0.3, autonomy = 0.2 }
[states.S.ties.A]
trade = 0.4
security = 0.6
[states.T]
disposition = "balance"
inertia = 0.05
stubbornness = 0.3
fragility = 0.1
salience = { trade = 1.0 }
alignment = { A = 0.2, B = 0.6, autonomy = 0.2 }
[institutions.Bloc]
leader = "A"
credibility = 0.5
members = ["S", "T"]
carries = { security = 0.5 }
"#;

fn load(text: &str) -> Result<Scenario, ScenarioError> {
    Scenario::from_toml_str(text, "tiny.toml")
}

/// Line (1-based) of the first line of `text` that contains `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("`{needle}` not in the test text"))
}

/// Asserts an `Invalid` error at `key`, on `line` of `file`, and returns its problem.
fn invalid(err: ScenarioError, file: &str, key: &str, line: Option<usize>) -> Problem {
    match err {
        ScenarioError::Invalid {
            file: f,
            line: l,
            key: k,
            problem,
        } => {
            assert_eq!(f, PathBuf::from(file), "file");
            assert_eq!(k, key, "key path");
            assert_eq!(l, line, "line");
            problem
        }
        other => panic!("expected an Invalid error, got {other:?}"),
    }
}

#[test]
fn the_valid_base_loads() {
    let s = load(VALID).unwrap();
    assert_eq!(s.world().states().len(), 2);
    assert_eq!(s.world().institutions()[0].members.len(), 2);
}

#[test]
fn unknown_field_is_refused_with_its_line() {
    let text = VALID.replace("coercion = 0.1", "coercion = 0.1\ncolour = \"red\"");
    let err = load(&text).unwrap_err();
    let msg = err.to_string();
    match err {
        ScenarioError::UnknownField { file, line, .. } => {
            assert_eq!(file, PathBuf::from("tiny.toml"));
            assert_eq!(line, Some(line_of(&text, "colour")));
        }
        other => panic!("expected UnknownField, got {other:?}"),
    }
    assert!(msg.starts_with("tiny.toml:"), "{msg}");
    assert!(msg.contains("colour"), "{msg}");
}

#[test]
fn unknown_channel_in_ties_is_an_unknown_field() {
    let text = VALID.replace("trade = 0.4", "trade = 0.4\ntourism = 0.2");
    let err = load(&text).unwrap_err();
    assert!(
        matches!(err, ScenarioError::UnknownField { line: Some(l), .. } if l == line_of(&text, "tourism")),
        "{err:?}"
    );
}

#[test]
fn unknown_state_in_institution_is_named() {
    let text = VALID.replace(r#"members = ["S", "T"]"#, r#"members = ["S", "Q"]"#);
    let line = line_of(&text, "members");
    let problem = invalid(
        load(&text).unwrap_err(),
        "tiny.toml",
        "institutions.Bloc.members[1]",
        Some(line),
    );
    match problem {
        Problem::UnknownName { kind, name, known } => {
            assert_eq!((kind, name.as_str()), ("state", "Q"));
            assert_eq!(known, vec!["S".to_string(), "T".to_string()]);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn unknown_power_in_ties_is_named() {
    let text = VALID.replace("[states.S.ties.A]", "[states.S.ties.Z]");
    let line = line_of(&text, "[states.S.ties.Z]");
    let problem = invalid(
        load(&text).unwrap_err(),
        "tiny.toml",
        "states.S.ties.Z",
        Some(line),
    );
    assert!(
        matches!(problem, Problem::UnknownName { kind: "power", .. }),
        "{problem:?}"
    );
}

#[test]
fn unknown_leader_is_named() {
    let text = VALID.replace(r#"leader = "A""#, r#"leader = "Atlantis""#);
    let problem = invalid(
        load(&text).unwrap_err(),
        "tiny.toml",
        "institutions.Bloc.leader",
        Some(line_of(&text, "Atlantis")),
    );
    assert!(
        matches!(problem, Problem::UnknownName { kind: "power", .. }),
        "{problem:?}"
    );
}

#[test]
fn unknown_institution_in_drivers_is_named() {
    let text = format!(
        "{VALID}[drivers.institutions.Nope]\ncredibility = [{{ at = \"2025-06\", value = 0.2 }}]\n"
    );
    let problem = invalid(
        load(&text).unwrap_err(),
        "tiny.toml",
        "drivers.institutions.Nope",
        Some(line_of(&text, "[drivers.institutions.Nope]")),
    );
    assert!(
        matches!(
            problem,
            Problem::UnknownName {
                kind: "institution",
                ..
            }
        ),
        "{problem:?}"
    );
}

#[test]
fn unknown_alignment_component_is_named() {
    let text = VALID.replace("A = 0.5, B = 0.3", "A = 0.5, C = 0.3");
    let problem = invalid(
        load(&text).unwrap_err(),
        "tiny.toml",
        "states.S.alignment.C",
        Some(line_of(&text, "C = 0.3")),
    );
    assert!(
        matches!(problem, Problem::UnknownName { kind: "power", .. }),
        "{problem:?}"
    );
}

#[test]
fn tie_above_one_is_refused() {
    let text = VALID.replace("security = 0.6", "security = 1.6");
    let err = load(&text).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "tiny.toml:{}: `states.S.ties.A.security`: must be in [0, 1], got 1.6",
            line_of(&text, "1.6")
        )
    );
    let problem = invalid(
        err,
        "tiny.toml",
        "states.S.ties.A.security",
        Some(line_of(&text, "1.6")),
    );
    assert_eq!(
        problem,
        Problem::OutOfRange {
            value: 1.6,
            min: 0.0,
            max: 1.0
        }
    );
}

#[test]
fn negative_share_is_refused() {
    let text = VALID.replace(
        "A = 0.2, B = 0.6, autonomy = 0.2",
        "A = -0.2, B = 1.0, autonomy = 0.2",
    );
    let problem = invalid(
        load(&text).unwrap_err(),
        "tiny.toml",
        "states.T.alignment.A",
        Some(line_of(&text, "A = -0.2")),
    );
    assert!(matches!(problem, Problem::OutOfRange { .. }), "{problem:?}");
}

#[test]
fn nan_and_infinity_are_refused() {
    for bad in ["nan", "inf", "-inf"] {
        let text = VALID.replace("trade = 0.4", &format!("trade = {bad}"));
        let problem = invalid(
            load(&text).unwrap_err(),
            "tiny.toml",
            "states.S.ties.A.trade",
            Some(line_of(&text, bad)),
        );
        assert!(
            matches!(problem, Problem::NotFinite { .. }),
            "{bad}: {problem:?}"
        );
    }
    let text = VALID.replace("coercion = 0.5", "coercion = nan");
    let problem = invalid(
        load(&text).unwrap_err(),
        "tiny.toml",
        "powers.A.coercion",
        Some(line_of(&text, "nan")),
    );
    assert!(matches!(problem, Problem::NotFinite { .. }));
}

#[test]
fn shares_must_sum_to_one() {
    let text = VALID.replace(
        "salience = { trade = 0.5, security = 0.5 }",
        "salience = { trade = 0.5, security = 0.4 }",
    );
    let problem = invalid(
        load(&text).unwrap_err(),
        "tiny.toml",
        "states.S.salience",
        Some(line_of(&text, "security = 0.4")),
    );
    assert!(matches!(problem, Problem::SumNotOne { sum } if (sum - 0.9).abs() < 1e-12));
    let text = VALID.replace("A = 0.5, B = 0.3", "A = 0.5, B = 0.4");
    let problem = invalid(
        load(&text).unwrap_err(),
        "tiny.toml",
        "states.S.alignment",
        Some(line_of(&text, "B = 0.4")),
    );
    assert!(matches!(problem, Problem::SumNotOne { .. }));
}

#[test]
fn trade_shares_over_powers_must_not_exceed_one() {
    let text = VALID.replace("[states.T]", "[states.S.ties.B]\ntrade = 0.7\n[states.T]");
    let problem = invalid(
        load(&text).unwrap_err(),
        "tiny.toml",
        "states.S.ties",
        Some(line_of(&text, "[states.S.ties.A]")),
    );
    assert!(
        matches!(problem, Problem::SumAboveOne { sum } if (sum - 1.1).abs() < 1e-9),
        "{problem:?}"
    );
}

#[test]
fn empty_world_is_refused() {
    let no_states: String = VALID.split("[states.S]").next().unwrap().to_string();
    let problem = invalid(load(&no_states).unwrap_err(), "tiny.toml", "states", None);
    assert_eq!(problem, Problem::EmptyWorld { what: "states" });

    let no_powers = "name = \"x\"\nseed = 1\n[horizon]\nstart = \"2025-01\"\nsteps = 3\n[powers]\n";
    let problem = invalid(load(no_powers).unwrap_err(), "tiny.toml", "powers", Some(6));
    assert_eq!(problem, Problem::EmptyWorld { what: "powers" });
}

#[test]
fn zero_and_negative_horizons_are_refused() {
    for steps in [0, -5] {
        let text = VALID.replace("steps = 12", &format!("steps = {steps}"));
        let problem = invalid(
            load(&text).unwrap_err(),
            "tiny.toml",
            "horizon.steps",
            Some(5),
        );
        assert_eq!(problem, Problem::NonPositiveHorizon { steps });
    }
    let text = VALID.replace("steps = 12", "steps = 99999999");
    let problem = invalid(
        load(&text).unwrap_err(),
        "tiny.toml",
        "horizon.steps",
        Some(5),
    );
    assert!(matches!(problem, Problem::HorizonTooLong { .. }));
}

#[test]
fn member_listed_twice_is_refused() {
    let text = VALID.replace(r#"members = ["S", "T"]"#, r#"members = ["S", "T", "S"]"#);
    let problem = invalid(
        load(&text).unwrap_err(),
        "tiny.toml",
        "institutions.Bloc.members[2]",
        Some(line_of(&text, "members")),
    );
    assert_eq!(problem, Problem::DuplicateMember { name: "S".into() });
}

#[test]
fn participation_of_a_non_member_is_refused() {
    let text = VALID.replace(
        r#"members = ["S", "T"]"#,
        "members = [\"S\"]\nparticipation = { T = \"suspended\" }",
    );
    let problem = invalid(
        load(&text).unwrap_err(),
        "tiny.toml",
        "institutions.Bloc.participation.T",
        Some(line_of(&text, "participation")),
    );
    assert_eq!(problem, Problem::NotAMember { name: "T".into() });
}

#[test]
fn missing_required_key_names_its_table() {
    let text = VALID.replace(
        "inertia = 0.05\nstubbornness = 0.3\nfragility = 0.1\nsalience = { trade = 0.5",
        "stubbornness = 0.3\nfragility = 0.1\nsalience = { trade = 0.5",
    );
    let problem = invalid(
        load(&text).unwrap_err(),
        "tiny.toml",
        "states.S.inertia",
        Some(line_of(&text, "[states.S]")),
    );
    assert_eq!(problem, Problem::Missing);
}

#[test]
fn wrong_type_is_a_syntax_error_with_its_line() {
    let text = VALID.replace(
        "inertia = 0.05\nstubbornness = 0.3\nfragility = 0.1\nsalience = { trade = 0.5",
        "inertia = \"fast\"\nstubbornness = 0.3\nfragility = 0.1\nsalience = { trade = 0.5",
    );
    match load(&text).unwrap_err() {
        ScenarioError::Syntax { file, line, .. } => {
            assert_eq!(file, PathBuf::from("tiny.toml"));
            assert_eq!(line, Some(line_of(&text, "\"fast\"")));
        }
        other => panic!("{other:?}"),
    }
    let text = VALID.replace(r#"disposition = "hedge""#, r#"disposition = "hedging""#);
    assert!(matches!(
        load(&text).unwrap_err(),
        ScenarioError::Syntax { line: Some(11), .. }
    ));
}

#[test]
fn bad_toml_syntax_is_located() {
    let text = VALID.replace("coercion = 0.1", "coercion = = 0.1");
    match load(&text).unwrap_err() {
        ScenarioError::Syntax { line, .. } => assert_eq!(line, Some(line_of(&text, "= ="))),
        other => panic!("{other:?}"),
    }
}

#[test]
fn driver_dates_out_of_order_or_outside_the_horizon_are_refused() {
    let base = format!("{VALID}[drivers.powers.A]\n");
    let text = format!("{base}capacity = [{{ at = \"2025-09\", value = 0.9 }}, {{ at = \"2025-06\", value = 0.8 }}]\n");
    let problem = invalid(
        load(&text).unwrap_err(),
        "tiny.toml",
        "drivers.powers.A.capacity[1].at",
        Some(line_of(&text, "capacity = [")),
    );
    assert!(
        matches!(problem, Problem::DatesNotIncreasing { .. }),
        "{problem:?}"
    );

    let text = format!("{base}capacity = [{{ at = \"2030-01\", value = 0.9 }}]\n");
    let problem = invalid(
        load(&text).unwrap_err(),
        "tiny.toml",
        "drivers.powers.A.capacity[0].at",
        Some(line_of(&text, "capacity = [")),
    );
    assert!(
        matches!(problem, Problem::DateOutsideHorizon { .. }),
        "{problem:?}"
    );

    let text = format!("{base}capacity = [{{ at = \"2025-13\", value = 0.9 }}]\n");
    let problem = invalid(
        load(&text).unwrap_err(),
        "tiny.toml",
        "drivers.powers.A.capacity[0].at",
        Some(line_of(&text, "capacity = [")),
    );
    assert!(matches!(problem, Problem::BadDate { .. }), "{problem:?}");

    let text = format!("{base}coercion = [{{ at = \"2025-06\", value = 1.5 }}]\n");
    let problem = invalid(
        load(&text).unwrap_err(),
        "tiny.toml",
        "drivers.powers.A.coercion[0].value",
        Some(line_of(&text, "coercion = [")),
    );
    assert!(matches!(problem, Problem::OutOfRange { .. }), "{problem:?}");
}

#[test]
fn negative_seed_is_refused() {
    let text = VALID.replace("seed = 1", "seed = -1");
    let problem = invalid(load(&text).unwrap_err(), "tiny.toml", "seed", Some(2));
    assert_eq!(problem, Problem::NegativeSeed { seed: -1 });
}

/// A fresh directory for file-based tests.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn extends_cycle_is_refused() {
    let dir = scratch("extends_cycle");
    std::fs::write(dir.join("a.toml"), "extends = \"b.toml\"\nname = \"a\"\n").unwrap();
    std::fs::write(dir.join("b.toml"), "extends = \"a.toml\"\nseed = 3\n").unwrap();
    let err = Scenario::from_file(dir.join("a.toml")).unwrap_err();
    assert!(
        matches!(&err, ScenarioError::ExtendsCycle { chain, .. } if chain.len() == 3),
        "{err:?}"
    );
    assert!(err.to_string().contains("cycle"), "{err}");

    std::fs::write(dir.join("self.toml"), "extends = \"self.toml\"\n").unwrap();
    assert!(matches!(
        Scenario::from_file(dir.join("self.toml")).unwrap_err(),
        ScenarioError::ExtendsCycle { .. }
    ));
}

#[test]
fn extends_to_a_missing_file_names_it_and_the_extending_line() {
    let dir = scratch("extends_missing");
    std::fs::write(
        dir.join("child.toml"),
        "name = \"child\"\nextends = \"nowhere.toml\"\n",
    )
    .unwrap();
    let err = Scenario::from_file(dir.join("child.toml")).unwrap_err();
    match &err {
        ScenarioError::BaseUnreadable {
            file, line, base, ..
        } => {
            assert_eq!(*file, dir.join("child.toml"));
            assert_eq!(*line, Some(2));
            assert_eq!(*base, dir.join("nowhere.toml"));
        }
        other => panic!("{other:?}"),
    }
    let message = err.to_string();
    assert!(message.starts_with(&format!(
        "{}:2: `extends`",
        dir.join("child.toml").display()
    )));
    assert!(message.contains("nowhere.toml"), "{message}");
}

#[test]
fn a_cycle_is_reported_at_the_extends_that_closes_it() {
    let dir = scratch("extends_cycle_place");
    std::fs::write(dir.join("a.toml"), "extends = \"b.toml\"\n").unwrap();
    std::fs::write(dir.join("b.toml"), "seed = 3\nextends = \"a.toml\"\n").unwrap();
    match Scenario::from_file(dir.join("a.toml")).unwrap_err() {
        ScenarioError::ExtendsCycle { file, line, chain } => {
            assert_eq!(file, dir.join("b.toml"));
            assert_eq!(line, Some(2));
            assert_eq!(chain.first(), chain.last());
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_unknown_builtin_base_lists_the_builtins() {
    let err = load("extends = \"builtin:nowhere\"\n").unwrap_err();
    let problem = invalid(err, "tiny.toml", "extends", Some(1));
    assert!(
        matches!(&problem, Problem::UnknownBuiltin { known, .. } if known.iter().any(|k| k == "builtin:eurasia-2025")),
        "{problem:?}"
    );
}

#[test]
fn an_empty_file_is_refused_as_empty() {
    for text in ["", "# only a comment\n\n"] {
        let err = load(text).unwrap_err();
        assert!(matches!(&err, ScenarioError::Empty { file } if file == Path::new("tiny.toml")));
        assert!(
            err.to_string().starts_with("tiny.toml: the file is empty"),
            "{err}"
        );
    }
}

#[test]
fn a_type_error_names_the_key_path_of_the_value() {
    let text = VALID.replace(
        "inertia = 0.05\nstubbornness = 0.3\nfragility = 0.1\nsalience = { trade = 1.0 }",
        "inertia = \"0.05\"\nstubbornness = 0.3\nfragility = 0.1\nsalience = { trade = 1.0 }",
    );
    let err = load(&text).unwrap_err();
    assert!(
        matches!(&err, ScenarioError::Syntax { key: Some(k), .. } if k == "states.T.inertia"),
        "{err:?}"
    );
    let line = text.lines().position(|l| l.contains("\"0.05\"")).unwrap() + 1;
    assert!(
        err.to_string()
            .starts_with(&format!("tiny.toml:{line}:11: `states.T.inertia`: ")),
        "{err}"
    );
}

#[test]
fn an_unquoted_toml_date_is_refused_with_the_month_to_write() {
    let text = VALID.replace("start = \"2025-01\"", "start = 2025-01-01");
    let err = load(&text).unwrap_err();
    assert!(
        matches!(&err, ScenarioError::Syntax { key: Some(k), .. } if k == "horizon.start"),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("write the month as a quoted string, e.g. \"2025-01\""),
        "{err}"
    );
}

#[test]
fn a_power_named_autonomy_is_refused() {
    let text = VALID.replace("[powers.B]", "[powers.autonomy]");
    let err = load(&text).unwrap_err();
    let problem = invalid(
        err,
        "tiny.toml",
        "powers.autonomy",
        Some(line_of(&text, "[powers.autonomy]")),
    );
    assert!(
        matches!(problem, Problem::ReservedName { .. }),
        "{problem:?}"
    );
}

#[test]
fn a_duplicate_key_is_named() {
    let text = VALID.replace("seed = 1\n", "seed = 1\nseed = 2\n");
    let err = load(&text).unwrap_err();
    assert!(
        matches!(&err, ScenarioError::Syntax { line: Some(3), .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("`seed` is defined twice"), "{err}");
}

#[test]
fn extends_overrides_key_by_key_and_errors_name_the_overriding_file() {
    let dir = scratch("extends_override");
    std::fs::write(dir.join("base.toml"), VALID).unwrap();
    let child = "extends = \"base.toml\"\nname = \"child\"\n[states.S.ties.A]\nsecurity = 0.9\n";
    std::fs::write(dir.join("child.toml"), child).unwrap();
    let s = Scenario::from_file(dir.join("child.toml")).unwrap();
    let (st, a) = (
        s.world().state_id("S").unwrap(),
        s.world().power_id("A").unwrap(),
    );
    assert_eq!(s.name(), "child");
    assert_eq!(s.world().tie(st, a, geoalign::Channel::Security), 0.9);
    // The sibling key of the overridden one is inherited from the base.
    assert_eq!(s.world().tie(st, a, geoalign::Channel::Trade), 0.4);

    let bad_child = child.replace("0.9", "1.9");
    std::fs::write(dir.join("bad.toml"), &bad_child).unwrap();
    let err = Scenario::from_file(dir.join("bad.toml")).unwrap_err();
    invalid(
        err,
        dir.join("bad.toml").to_str().unwrap(),
        "states.S.ties.A.security",
        Some(line_of(&bad_child, "1.9")),
    );

    // A rule broken by an inherited value is reported in the base file, at its line.
    let sum_child = "extends = \"base.toml\"\n[states.S.ties.B]\ntrade = 0.7\n";
    std::fs::write(dir.join("sum.toml"), sum_child).unwrap();
    let err = Scenario::from_file(dir.join("sum.toml")).unwrap_err();
    assert!(
        matches!(
            err,
            ScenarioError::Invalid {
                problem: Problem::SumAboveOne { .. },
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn unreadable_and_non_utf8_files_are_refused() {
    let dir = scratch("bytes");
    let missing = Scenario::from_file(dir.join("absent.toml")).unwrap_err();
    assert!(matches!(missing, ScenarioError::Io { .. }));
    std::fs::write(dir.join("latin1.toml"), b"name = \"x\"\n# caf\xe9\n").unwrap();
    let err = Scenario::from_file(dir.join("latin1.toml")).unwrap_err();
    assert!(
        matches!(err, ScenarioError::NotUtf8 { line: 2, .. }),
        "{err:?}"
    );
}

/// The valid base with one `[[events]]` entry appended.
fn with_event(body: &str) -> String {
    format!("{VALID}\n[[events]]\n{body}\n")
}

#[test]
fn a_valid_event_and_hazard_load_with_their_steps() {
    let text = format!(
        "{VALID}\n[[events]]\nat = \"2025-03\"\nkind = \"unrest\"\nstate = \"S\"\nrequest = true\n\
         [[events]]\nmonthly = 0.1\nfrom = \"2025-06\"\nkind = \"border_clash\"\nstates = [\"S\", \"T\"]\n"
    );
    let s = load(&text).unwrap();
    assert_eq!(s.events().len(), 1);
    assert_eq!(s.events()[0].step, 2);
    assert_eq!(s.hazards().len(), 1);
    assert_eq!((s.hazards()[0].from, s.hazards()[0].until), (5, 12));
}

#[test]
fn unknown_event_kind_is_refused_at_its_line() {
    let text = with_event("at = \"2025-03\"\nkind = \"coup\"\nstate = \"S\"");
    let problem = invalid(
        load(&text).unwrap_err(),
        "tiny.toml",
        "events[0].kind",
        Some(line_of(&text, "coup")),
    );
    assert!(
        matches!(problem, Problem::UnknownKind { .. }),
        "{problem:?}"
    );
}

#[test]
fn a_key_the_event_kind_does_not_take_is_refused() {
    let text = with_event("at = \"2025-03\"\nkind = \"unrest\"\nstate = \"S\"\namount = 0.5");
    let problem = invalid(
        load(&text).unwrap_err(),
        "tiny.toml",
        "events[0].amount",
        Some(line_of(&text, "amount")),
    );
    assert!(matches!(problem, Problem::NotForKind { .. }), "{problem:?}");
    assert!(problem.to_string().contains("contributors"), "{problem}");
}

#[test]
fn unknown_state_in_an_event_is_named() {
    let text = with_event(
        "at = \"2025-03\"\nkind = \"diplomatic_crisis\"\npower = \"A\"\nstate = \"Atlantis\"",
    );
    let problem = invalid(
        load(&text).unwrap_err(),
        "tiny.toml",
        "events[0].state",
        Some(line_of(&text, "Atlantis")),
    );
    assert!(
        matches!(problem, Problem::UnknownName { kind: "state", .. }),
        "{problem:?}"
    );
}

#[test]
fn event_dates_outside_the_horizon_or_ambiguous_timing_are_refused() {
    let text = with_event("at = \"2030-03\"\nkind = \"peace\"\npower = \"A\"");
    let problem = invalid(
        load(&text).unwrap_err(),
        "tiny.toml",
        "events[0].at",
        Some(line_of(&text, "2030-03")),
    );
    assert!(
        matches!(problem, Problem::DateOutsideHorizon { .. }),
        "{problem:?}"
    );

    // The start month itself is not a step at which events fire.
    let text = with_event("at = \"2025-01\"\nkind = \"peace\"\npower = \"A\"");
    assert!(matches!(
        invalid(
            load(&text).unwrap_err(),
            "tiny.toml",
            "events[0].at",
            Some(line_of(&text, "at = \"2025-01\""))
        ),
        Problem::DateOutsideHorizon { .. }
    ));

    let text = with_event("at = \"2025-03\"\nmonthly = 0.1\nkind = \"peace\"\npower = \"A\"");
    assert!(matches!(
        invalid(
            load(&text).unwrap_err(),
            "tiny.toml",
            "events[0].at",
            Some(line_of(&text, "2025-03"))
        ),
        Problem::TimingAmbiguous
    ));

    let text = with_event("at = \"2025-06\"\nkind = \"war\"\npower = \"A\"\ncapacity_drain = 0.01\nrecovery = 0.1\nends = \"2025-04\"");
    assert!(matches!(
        invalid(
            load(&text).unwrap_err(),
            "tiny.toml",
            "events[0].ends",
            Some(line_of(&text, "2025-04"))
        ),
        Problem::DatesNotIncreasing { .. }
    ));
}

#[test]
fn event_numbers_out_of_range_and_bad_pairs_are_refused() {
    let text = with_event(
        "at = \"2025-03\"\nkind = \"remittance_shock\"\npower = \"A\"\nsize = 1.0\nrecovery = 0.1",
    );
    assert!(matches!(
        invalid(
            load(&text).unwrap_err(),
            "tiny.toml",
            "events[0].size",
            Some(line_of(&text, "size = 1.0"))
        ),
        Problem::OutOfRange { .. }
    ));
    let text = with_event("monthly = 1.5\nkind = \"peace\"\npower = \"A\"");
    assert!(matches!(
        invalid(
            load(&text).unwrap_err(),
            "tiny.toml",
            "events[0].monthly",
            Some(line_of(&text, "monthly = 1.5"))
        ),
        Problem::OutOfRange { .. }
    ));
    let text = with_event("at = \"2025-03\"\nkind = \"border_clash\"\nstates = [\"S\", \"S\"]");
    assert!(matches!(
        invalid(
            load(&text).unwrap_err(),
            "tiny.toml",
            "events[0].states[1]",
            Some(line_of(&text, "states ="))
        ),
        Problem::SameStates
    ));
    let text = with_event(
        "at = \"2025-03\"\nkind = \"sanctions\"\nby = [\"A\"]\non = \"A\"\ncapacity_drain = 0.0",
    );
    assert!(matches!(
        invalid(
            load(&text).unwrap_err(),
            "tiny.toml",
            "events[0].on",
            Some(line_of(&text, "on = \"A\""))
        ),
        Problem::Duplicate { .. }
    ));
    let text = VALID.replace(
        "[institutions.Bloc]",
        "[parameters.events]\nsuccess = 2.0\n[institutions.Bloc]",
    );
    assert!(matches!(
        invalid(
            load(&text).unwrap_err(),
            "tiny.toml",
            "parameters.events.success",
            Some(line_of(&text, "success = 2.0"))
        ),
        Problem::OutOfRange { .. }
    ));
}

#[test]
fn unanswered_appeals_of_a_non_member_are_refused() {
    let text = format!("{VALID}\n[institutions.Bloc.unanswered]\nU = 1\n");
    let problem = invalid(
        load(&text).unwrap_err(),
        "tiny.toml",
        "institutions.Bloc.unanswered.U",
        Some(line_of(&text, "U = 1")),
    );
    assert!(
        matches!(problem, Problem::UnknownName { kind: "state", .. }),
        "{problem:?}"
    );
}

#[test]
fn a_contributor_outside_the_states_blocs_is_refused() {
    let text = format!(
        "{VALID}\n[states.U]\ndisposition = \"hedge\"\ninertia = 0.05\nstubbornness = 0.3\n\
         fragility = 0.1\nsalience = {{ trade = 1.0 }}\nalignment = {{ A = 0.5, B = 0.1, autonomy = 0.4 }}\n\
         [[events]]\nat = \"2025-03\"\nkind = \"unrest\"\nstate = \"S\"\ncontributors = [\"T\", \"U\"]\n"
    );
    let problem = invalid(
        load(&text).unwrap_err(),
        "tiny.toml",
        "events[0].contributors[1]",
        Some(line_of(&text, "contributors")),
    );
    assert!(matches!(problem, Problem::NotAMember { .. }), "{problem:?}");
}
