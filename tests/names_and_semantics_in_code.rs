//! A world or scenario built in code goes through the same rules of names and semantics as a
//! scenario file (issue 16, items 5, 6 and 8): one test per rule, built with the builder and
//! the scenario's checked methods, each refused with the variant the file loader reports
//! (`tests/bad_scenarios.rs` holds the same rules as files), and shares within the simplex
//! tolerance normalised alike.

use geoalign::model::names::{slug, NameProblem, MAX_NAME_BYTES};
use geoalign::model::SIMPLEX_TOLERANCE;
use geoalign::sim::events::kinds::{Peace, RemittanceShock, Unrest, War};
use geoalign::sim::events::{EventProblem, Hazard, ScheduledEvent};
use geoalign::{
    Channel, Disposition, Event, Institution, Participation, Power, PowerId, Problem, Scenario,
    ScenarioError, ScenarioRuleError, State, StateId, World, WorldBuilder, WorldError,
};

/// Powers A and B, states S and T (both movable, hedging), no institution.
fn two_by_two() -> WorldBuilder {
    World::builder()
        .power(Power::new("A"))
        .power(Power::new("B"))
        .state(State::new("S", Disposition::Hedge, vec![0.5, 0.3, 0.2]))
        .state(State::new("T", Disposition::Hedge, vec![0.2, 0.6, 0.2]))
}

fn bad_name(builder: WorldBuilder) -> (&'static str, String, NameProblem) {
    match builder.build().unwrap_err() {
        WorldError::BadName {
            kind,
            name,
            problem,
        } => (kind, name, problem),
        other => panic!("not a bad name: {other:?}"),
    }
}

#[test]
fn every_name_rule_refuses_a_world_built_in_code() {
    let state = |name: &str| State::new(name, Disposition::Hedge, vec![0.5, 0.3, 0.2]);
    let cases: [(WorldBuilder, &str, NameProblem); 8] = [
        (
            two_by_two().power(Power::new("")),
            "power",
            NameProblem::Empty,
        ),
        (
            two_by_two().state(state("U\nV")),
            "state",
            NameProblem::ControlCharacter { character: '\n' },
        ),
        (
            two_by_two().state(state("U\tV")),
            "state",
            NameProblem::ControlCharacter { character: '\t' },
        ),
        (
            two_by_two().power(Power::new("C\u{202e}D")),
            "power",
            NameProblem::ControlCharacter {
                character: '\u{202e}',
            },
        ),
        (
            two_by_two().state(state(" U")),
            "state",
            NameProblem::EdgeWhitespace,
        ),
        (
            two_by_two().power(Power::new("C ")),
            "power",
            NameProblem::EdgeWhitespace,
        ),
        (
            two_by_two().power(Power::new("x".repeat(MAX_NAME_BYTES + 1))),
            "power",
            NameProblem::TooLong {
                bytes: MAX_NAME_BYTES + 1,
            },
        ),
        (
            two_by_two().state(state("?!")),
            "state",
            NameProblem::NoLetterOrDigit,
        ),
    ];
    for (builder, kind, problem) in cases {
        let (k, _, p) = bad_name(builder);
        assert_eq!((k, p), (kind, problem));
    }
    // A name of exactly the limit is accepted.
    let at_limit = "y".repeat(MAX_NAME_BYTES);
    two_by_two()
        .state(state(&at_limit))
        .build()
        .expect("a name of the limit");
    let institution = Institution {
        members: vec![(StateId(0), Participation::Active)],
        ..Institution::new("", Some(PowerId(0)), 0.5)
    };
    let (kind, _, problem) = bad_name(two_by_two().institution(institution));
    assert_eq!((kind, problem), ("institution", NameProblem::Empty));
}

#[test]
fn a_variant_of_autonomy_may_not_name_a_power_in_code() {
    for name in ["autonomy", "Autonomy", "AUTONOMY", "autonomy!"] {
        let err = two_by_two().power(Power::new(name)).build().unwrap_err();
        assert_eq!(err, WorldError::ReservedName { name: name.into() });
    }
    // `autonomy ` breaks the rule of every name first.
    let (_, _, problem) = bad_name(two_by_two().power(Power::new("autonomy ")));
    assert_eq!(problem, NameProblem::EdgeWhitespace);
}

#[test]
fn a_state_may_share_neither_name_nor_file_name_with_another_entity() {
    let state = |name: &str| State::new(name, Disposition::Hedge, vec![0.5, 0.3, 0.2]);
    let err = two_by_two().state(state("A")).build().unwrap_err();
    assert_eq!(
        err,
        WorldError::NameShared {
            name: "A".into(),
            other_kind: "power"
        }
    );
    let bloc = Institution {
        members: vec![(StateId(0), Participation::Active)],
        ..Institution::new("Bloc", Some(PowerId(0)), 0.5)
    };
    let err = two_by_two()
        .state(state("Bloc"))
        .institution(bloc.clone())
        .build()
        .unwrap_err();
    assert!(
        matches!(
            err,
            WorldError::NameShared {
                other_kind: "institution",
                ..
            }
        ),
        "{err}"
    );
    for (builder, kind, other_kind) in [
        (two_by_two().state(state("t")), "state", "state"),
        (
            two_by_two()
                .power(Power::new("C D"))
                .power(Power::new("C-D")),
            "power",
            "power",
        ),
        (two_by_two().state(state("a")), "state", "power"),
    ] {
        let err = builder.build().unwrap_err();
        let WorldError::SlugCollision {
            kind: k,
            other_kind: o,
            ref name,
            ref other,
            slug: ref s,
        } = err
        else {
            panic!("not a slug collision: {err:?}");
        };
        assert_eq!((k, o), (kind, other_kind));
        assert_eq!((slug(name), slug(other)), (s.clone(), s.clone()));
    }
    // A power and an institution may share a name (a bloc named after its leader).
    let eu = Institution {
        members: vec![(StateId(0), Participation::Active)],
        ..Institution::new("A", Some(PowerId(0)), 0.5)
    };
    two_by_two().institution(eu).build().unwrap();
}

#[test]
fn institutions_built_in_code_obey_the_rules_files_obey() {
    let members = vec![
        (StateId(0), Participation::Active),
        (StateId(1), Participation::Suspended),
    ];
    let leaderless = Institution {
        members: members.clone(),
        carries: [0.0, 0.0, 0.3, 0.0, 0.0, 0.0, 0.0, 0.0],
        ..Institution::new("Forum", None, 0.5)
    };
    assert!(matches!(
        two_by_two().institution(leaderless).build().unwrap_err(),
        WorldError::CarriesWithoutLeader {
            channel: Channel::Security,
            ..
        }
    ));
    let empty = Institution::new("Empty", Some(PowerId(1)), 0.5);
    assert_eq!(
        two_by_two().institution(empty).build().unwrap_err(),
        WorldError::NoMembers {
            institution: "Empty".into()
        }
    );
    for (unanswered, participation) in [
        (vec![4, 0], Participation::Active),
        (vec![0, 5], Participation::Suspended),
    ] {
        let bloc = Institution {
            members: members.clone(),
            unanswered,
            ..Institution::new("Bloc", Some(PowerId(0)), 0.5)
        };
        let err = two_by_two().institution(bloc).build().unwrap_err();
        assert!(
            matches!(err, WorldError::UnansweredBeyondExit { participation: p, exit_after: 4, .. } if p == participation),
            "{err:?}"
        );
    }
    // An exited member may have made any number of appeals.
    let exited = Institution {
        members: vec![(StateId(0), Participation::Exited)],
        unanswered: vec![9],
        ..Institution::new("Bloc", Some(PowerId(0)), 0.5)
    };
    two_by_two().institution(exited).build().unwrap();
}

#[test]
fn every_simplex_is_normalised_within_the_tolerance_and_refused_outside_it() {
    let off = 0.9 * SIMPLEX_TOLERANCE;
    let state = |salience_gap: f64, alignment_gap: f64| State {
        salience: [0.5 + salience_gap, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
        ..State::new("S", Disposition::Hedge, vec![0.5 + alignment_gap, 0.3, 0.2])
    };
    let build = |s: State| {
        World::builder()
            .power(Power::new("A"))
            .power(Power::new("B"))
            .state(s)
    };
    // Within the tolerance, above or below 1: both normalised, exactly as far as f64 allows.
    for gap in [off, -off] {
        let world = build(state(gap, gap)).build().unwrap();
        let s = &world.states()[0];
        assert!((s.salience.iter().sum::<f64>() - 1.0).abs() <= f64::EPSILON);
        assert!((s.alignment.iter().sum::<f64>() - 1.0).abs() <= f64::EPSILON);
        assert_ne!(s.salience[0], 0.5 + gap, "the salience was normalised");
    }
    // Outside it: refused, for both.
    let outside = 2.0 * SIMPLEX_TOLERANCE;
    for (s, field) in [
        (state(outside, 0.0), "salience"),
        (state(0.0, -outside), "alignment"),
    ] {
        let err = build(s).build().unwrap_err();
        assert!(
            matches!(err, WorldError::SumNotOne { field: ref f, .. } if f == field),
            "{err:?}"
        );
    }
    // Ties of a channel with tie feedback (trade by default) are shares of one whole.
    let ties = |b: f64| {
        build(state(0.0, 0.0))
            .tie("S", "A", Channel::Trade, 0.6)
            .tie("S", "B", Channel::Trade, b)
    };
    let world = ties(0.4 + off).build().unwrap();
    let sum = world.tie(StateId(0), PowerId(0), Channel::Trade)
        + world.tie(StateId(0), PowerId(1), Channel::Trade);
    assert!(sum <= 1.0, "ties normalised to at most 1, got {sum}");
    assert!(matches!(
        ties(0.4 + outside).build().unwrap_err(),
        WorldError::SumAboveOne { .. }
    ));
}

/// A scenario of the two-by-two world, with a third power C for remittance alternatives.
fn scenario() -> Scenario {
    let world = World::builder()
        .power(Power::new("A"))
        .power(Power::new("B"))
        .power(Power::new("C"))
        .state(State::new(
            "S",
            Disposition::Hedge,
            vec![0.4, 0.3, 0.1, 0.2],
        ))
        .build()
        .unwrap();
    Scenario::builder(world).steps(24).build().unwrap()
}

fn shock(alternatives: Vec<(PowerId, f64)>) -> ScheduledEvent {
    ScheduledEvent {
        step: 3,
        event: RemittanceShock {
            power: PowerId(0),
            size: 0.3,
            recovery: 0.1,
            shift: 0.2,
            alternatives,
        }
        .into(),
    }
}

#[test]
fn remittance_alternatives_follow_the_same_simplex_rule_in_code() {
    let off = 0.9 * SIMPLEX_TOLERANCE;
    let mut s = scenario();
    s.add_event(shock(vec![(PowerId(1), 0.6 + off), (PowerId(2), 0.4)]))
        .unwrap();
    let Event::RemittanceShock(added) = &s.events()[0].event else {
        panic!("not the shock")
    };
    let sum: f64 = added.alternatives.iter().map(|&(_, w)| w).sum();
    assert!(
        (1.0 - f64::EPSILON..=1.0).contains(&sum),
        "normalised: {sum}"
    );
    // Below 1 the rest goes outside the world: kept as given.
    let mut s = scenario();
    s.add_event(shock(vec![(PowerId(1), 0.5)])).unwrap();
    let Event::RemittanceShock(kept) = &s.events()[0].event else {
        panic!("not the shock")
    };
    assert_eq!(kept.alternatives, vec![(PowerId(1), 0.5)]);
    let err = scenario()
        .add_event(shock(vec![
            (PowerId(1), 0.6 + 2.0 * SIMPLEX_TOLERANCE),
            (PowerId(2), 0.4),
        ]))
        .unwrap_err();
    assert!(
        matches!(&err, ScenarioRuleError::Event { error, .. } if matches!(error.problem, EventProblem::WeightsAboveOne { .. })),
        "{err:?}"
    );
}

fn war(step: u32) -> ScheduledEvent {
    ScheduledEvent {
        step,
        event: War {
            power: PowerId(0),
            capacity_drain: 0.01,
            delivery_drain: [0.0; 8],
            recovery: 0.1,
            ends: None,
        }
        .into(),
    }
}

fn peace(step: u32) -> ScheduledEvent {
    ScheduledEvent {
        step,
        event: Peace { power: PowerId(0) }.into(),
    }
}

#[test]
fn the_same_event_or_hazard_twice_is_refused_in_code() {
    let unrest = ScheduledEvent {
        step: 5,
        event: Unrest {
            state: StateId(0),
            severity: Some(0.5),
            request: Some(false),
            contributors: None,
        }
        .into(),
    };
    let mut s = scenario();
    s.add_event(unrest.clone()).unwrap();
    let err = s.add_event(unrest.clone()).unwrap_err();
    assert!(
        matches!(&err, ScenarioRuleError::DuplicateEvent { entity, first } if entity == "event 1 (unrest)" && first == "event 0"),
        "{err:?}"
    );
    assert_eq!(s.events().len(), 1, "the refused event is not kept");
    // The same event at another step is another event.
    s.add_event(ScheduledEvent {
        step: 6,
        ..unrest.clone()
    })
    .unwrap();
    let hazard = Hazard {
        monthly: 0.1,
        from: 1,
        until: 24,
        event: unrest.event,
    };
    s.add_hazard(hazard.clone()).unwrap();
    assert!(matches!(
        s.add_hazard(hazard).unwrap_err(),
        ScenarioRuleError::DuplicateEvent { .. }
    ));
}

#[test]
fn a_peace_needs_an_earlier_war_of_its_power_in_code() {
    let mut s = scenario();
    let err = s.add_event(peace(10)).unwrap_err();
    assert_eq!(
        err,
        ScenarioRuleError::PeaceWithoutWar {
            entity: "event 0 (peace)".into(),
            power: "A".into()
        }
    );
    assert!(s.events().is_empty(), "the refused peace is not kept");
    s.add_event(war(12)).unwrap();
    // A war that starts after the peace does not count.
    assert!(matches!(
        s.add_event(peace(10)).unwrap_err(),
        ScenarioRuleError::PeaceWithoutWar { .. }
    ));
    s.add_event(peace(15)).unwrap();
    // A peace hazard whose window closes after a war hazard opens is kept, and survives a
    // change of horizon, where the events are added again before the hazards.
    let mut s = scenario();
    let hazard = |event: ScheduledEvent, from| Hazard {
        monthly: 0.05,
        from,
        until: 20,
        event: event.event,
    };
    s.add_hazard(hazard(war(1), 2)).unwrap();
    s.add_event(peace(18)).unwrap();
    s.add_hazard(hazard(peace(1), 3)).unwrap();
    s.set_steps(22).unwrap();
    assert_eq!((s.events().len(), s.hazards().len()), (1, 2));
}

#[test]
fn code_and_file_refuse_the_same_name_with_the_same_error() {
    let text = r#"name = "x"
seed = 1
[horizon]
start = "2025-01"
steps = 12
[powers.A]
coercion = 0.1
[powers."A B"]
coercion = 0.1
[powers."a-b"]
coercion = 0.1
[states.S]
disposition = "hedge"
inertia = 0.05
stubbornness = 0.0
fragility = 0.0
salience = { trade = 1.0 }
alignment = { A = 0.4, "A B" = 0.2, "a-b" = 0.2, autonomy = 0.2 }
"#;
    let ScenarioError::Invalid {
        key,
        problem: Problem::World(from_file),
        ..
    } = Scenario::from_toml_str(text, "x.toml").unwrap_err()
    else {
        panic!("not a located world error")
    };
    assert_eq!(key, "powers.a-b");
    let in_code = World::builder()
        .power(Power::new("A"))
        .power(Power::new("A B"))
        .power(Power::new("a-b"))
        .state(State::new(
            "S",
            Disposition::Hedge,
            vec![0.4, 0.2, 0.2, 0.2],
        ))
        .build()
        .unwrap_err();
    assert_eq!(from_file, in_code);
}
