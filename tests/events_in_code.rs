//! Events built in code are held to the rules the scenario loader applies to `[[events]]`
//! entries: each kind's bad event is refused by `check_event` (and a bad timing by
//! `check_scheduled` / `check_hazard`) with an `EventError` naming the field, the entry and
//! the problem, while the same event with good values passes.

use geoalign::model::{Channel, InstitutionId, PowerId, StateId, World};
use geoalign::sim::events::kinds::{
    BorderClash, Crisis, DiplomaticCrisis, Exit, ExternalOffer, Join, Peace, Reinstate,
    RelationShift, RemittanceShock, Sanctions, SecondarySanctions, SecurityAppeal, Suspend, Unrest,
    War,
};
use geoalign::sim::events::{
    check_event, check_hazard, check_scheduled, Event, EventError, EventProblem, Hazard, Item,
    ScheduledEvent, KINDS,
};
use geoalign::Scenario;

const STEPS: u32 = 120;

fn eurasia() -> Scenario {
    geoalign::presets::eurasia_2025()
}

fn p(w: &World, name: &str) -> PowerId {
    w.power_id(name).unwrap()
}

fn s(w: &World, name: &str) -> StateId {
    w.state_id(name).unwrap()
}

fn i(w: &World, name: &str) -> InstitutionId {
    w.institution_id(name).unwrap()
}

/// `event` is refused on `field` (and `item`) with a problem matching `problem`.
fn refused(
    w: &World,
    event: impl Into<Event>,
    field: &str,
    item: Option<Item>,
    problem: fn(&EventProblem) -> bool,
) {
    let event = event.into();
    let err: EventError = check_event(&event, w, STEPS)
        .expect_err(&format!("{} should be refused on `{field}`", event.kind()));
    assert_eq!((err.field, &err.item), (field, &item), "{err}");
    assert!(
        problem(&err.problem),
        "{}: unexpected problem {err}",
        event.kind()
    );
}

fn war(w: &World) -> War {
    War {
        power: p(w, "Russia"),
        capacity_drain: 0.02,
        delivery_drain: [0.0; Channel::COUNT],
        recovery: 0.05,
        ends: Some(24),
    }
}

#[test]
fn a_war_on_an_unknown_power_or_with_a_nan_drain_or_an_end_past_the_horizon_is_refused() {
    let w = eurasia().world().clone();
    check_event(&war(&w).into(), &w, STEPS).unwrap();
    refused(
        &w,
        War {
            power: PowerId(42),
            ..war(&w)
        },
        "power",
        None,
        |e| {
            matches!(
                e,
                EventProblem::UnknownId {
                    kind: "power",
                    id: 42,
                    ..
                }
            )
        },
    );
    refused(
        &w,
        War {
            capacity_drain: f64::NAN,
            ..war(&w)
        },
        "capacity_drain",
        None,
        |e| matches!(e, EventProblem::NotFinite { .. }),
    );
    let mut drain = [0.0; Channel::COUNT];
    drain[Channel::Security.index()] = 1.5;
    refused(
        &w,
        War {
            delivery_drain: drain,
            ..war(&w)
        },
        "delivery_drain",
        Some(Item::Key("security".into())),
        |e| matches!(e, EventProblem::OutOfRange { value, .. } if *value == 1.5),
    );
    refused(
        &w,
        War {
            ends: Some(STEPS + 1),
            ..war(&w)
        },
        "ends",
        None,
        |e| matches!(e, EventProblem::StepOutsideHorizon { .. }),
    );
}

#[test]
fn peace_for_an_unknown_power_is_refused() {
    let w = eurasia().world().clone();
    check_event(
        &Peace {
            power: p(&w, "Russia"),
        }
        .into(),
        &w,
        STEPS,
    )
    .unwrap();
    refused(&w, Peace { power: PowerId(6) }, "power", None, |e| {
        matches!(
            e,
            EventProblem::UnknownId {
                kind: "power",
                id: 6,
                ..
            }
        )
    });
}

fn sanctions(w: &World) -> Sanctions {
    Sanctions {
        by: vec![p(w, "USA"), p(w, "EU")],
        on: p(w, "Russia"),
        capacity_drain: 0.01,
        delivery_cut: [0.0; Channel::COUNT],
        re_exporters: vec![s(w, "Kyrgyzstan"), s(w, "Kazakhstan")],
        parallel_gain: 0.5,
        secondary_hazard: 0.1,
        secondary_cost: 0.1,
        ends: None,
    }
}

#[test]
fn sanctions_with_no_coalition_a_repeated_member_a_self_target_or_a_full_cut_are_refused() {
    let w = eurasia().world().clone();
    check_event(&sanctions(&w).into(), &w, STEPS).unwrap();
    refused(
        &w,
        Sanctions {
            by: vec![],
            ..sanctions(&w)
        },
        "by",
        None,
        |e| matches!(e, EventProblem::Missing),
    );
    let usa = p(&w, "USA");
    refused(
        &w,
        Sanctions {
            by: vec![usa, usa],
            ..sanctions(&w)
        },
        "by",
        Some(Item::Index(1)),
        |e| matches!(e, EventProblem::Duplicate { name } if name == "USA"),
    );
    refused(
        &w,
        Sanctions {
            on: usa,
            ..sanctions(&w)
        },
        "on",
        None,
        |e| matches!(e, EventProblem::Duplicate { .. }),
    );
    let mut cut = [0.0; Channel::COUNT];
    cut[Channel::Trade.index()] = 1.0;
    refused(
        &w,
        Sanctions {
            delivery_cut: cut,
            ..sanctions(&w)
        },
        "delivery_cut",
        Some(Item::Key("trade".into())),
        |e| matches!(e, EventProblem::OutOfRange { value, .. } if *value == 1.0),
    );
    refused(
        &w,
        Sanctions {
            re_exporters: vec![s(&w, "Armenia"), StateId(42)],
            ..sanctions(&w)
        },
        "re_exporters",
        Some(Item::Index(1)),
        |e| {
            matches!(
                e,
                EventProblem::UnknownId {
                    kind: "state",
                    id: 42,
                    ..
                }
            )
        },
    );
}

#[test]
fn secondary_sanctions_on_an_unknown_state_or_with_a_cost_above_one_are_refused() {
    let w = eurasia().world().clone();
    let good = SecondarySanctions {
        by: vec![p(&w, "USA")],
        state: s(&w, "Kyrgyzstan"),
        cost: 0.1,
    };
    check_event(&good.clone().into(), &w, STEPS).unwrap();
    refused(
        &w,
        SecondarySanctions {
            state: StateId(42),
            ..good.clone()
        },
        "state",
        None,
        |e| {
            matches!(
                e,
                EventProblem::UnknownId {
                    kind: "state",
                    id: 42,
                    ..
                }
            )
        },
    );
    refused(
        &w,
        SecondarySanctions { cost: 2.0, ..good },
        "cost",
        None,
        |e| matches!(e, EventProblem::OutOfRange { .. }),
    );
}

#[test]
fn a_remittance_shock_with_the_host_as_alternative_or_weights_above_one_is_refused() {
    let w = eurasia().world().clone();
    let good = RemittanceShock {
        power: p(&w, "Russia"),
        size: 0.3,
        recovery: 0.05,
        shift: 0.1,
        alternatives: vec![(p(&w, "Turkiye"), 0.5)],
    };
    check_event(&good.clone().into(), &w, STEPS).unwrap();
    refused(
        &w,
        RemittanceShock {
            alternatives: vec![(p(&w, "Russia"), 0.5)],
            ..good.clone()
        },
        "alternatives",
        Some(Item::Key("Russia".into())),
        |e| matches!(e, EventProblem::Duplicate { .. }),
    );
    refused(
        &w,
        RemittanceShock {
            alternatives: vec![(p(&w, "Turkiye"), 0.7), (p(&w, "EU"), 0.6)],
            ..good.clone()
        },
        "alternatives",
        None,
        |e| matches!(e, EventProblem::WeightsAboveOne { .. }),
    );
    refused(
        &w,
        RemittanceShock { size: 1.0, ..good },
        "size",
        None,
        |e| matches!(e, EventProblem::OutOfRange { .. }),
    );
}

#[test]
fn unrest_in_an_unknown_state_or_with_a_contingent_from_outside_its_blocs_is_refused() {
    let w = eurasia().world().clone();
    let kz = s(&w, "Kazakhstan");
    let good = Unrest {
        state: kz,
        severity: Some(0.9),
        request: Some(true),
        contributors: Some(vec![s(&w, "Armenia"), s(&w, "Belarus")]),
    };
    check_event(&good.clone().into(), &w, STEPS).unwrap();
    refused(
        &w,
        Unrest {
            state: StateId(42),
            ..good.clone()
        },
        "state",
        None,
        |e| {
            matches!(
                e,
                EventProblem::UnknownId {
                    kind: "state",
                    id: 42,
                    ..
                }
            )
        },
    );
    refused(
        &w,
        Unrest {
            contributors: Some(vec![s(&w, "Armenia"), s(&w, "Georgia")]),
            ..good.clone()
        },
        "contributors",
        Some(Item::Index(1)),
        |e| matches!(e, EventProblem::NotAMember { name } if name == "Georgia"),
    );
    refused(
        &w,
        Unrest {
            contributors: Some(vec![kz]),
            ..good.clone()
        },
        "contributors",
        Some(Item::Index(0)),
        |e| matches!(e, EventProblem::NotAMember { .. }),
    );
    refused(
        &w,
        Unrest {
            severity: Some(-0.1),
            ..good
        },
        "severity",
        None,
        |e| matches!(e, EventProblem::OutOfRange { .. }),
    );
}

#[test]
fn a_security_appeal_to_a_bloc_the_state_is_not_in_or_against_itself_is_refused() {
    let w = eurasia().world().clone();
    let am = s(&w, "Armenia");
    let good = SecurityAppeal {
        state: am,
        institution: Some(i(&w, "CSTO")),
        against: Some(s(&w, "Azerbaijan")),
        severity: 0.8,
    };
    check_event(&good.clone().into(), &w, STEPS).unwrap();
    refused(
        &w,
        SecurityAppeal {
            state: s(&w, "Georgia"),
            ..good.clone()
        },
        "institution",
        None,
        |e| matches!(e, EventProblem::NotAMember { name } if name == "Georgia"),
    );
    refused(
        &w,
        SecurityAppeal {
            institution: Some(InstitutionId(99)),
            ..good.clone()
        },
        "institution",
        None,
        |e| {
            matches!(
                e,
                EventProblem::UnknownId {
                    kind: "institution",
                    id: 99,
                    ..
                }
            )
        },
    );
    refused(
        &w,
        SecurityAppeal {
            against: Some(am),
            ..good.clone()
        },
        "against",
        None,
        |e| matches!(e, EventProblem::SameStates),
    );
    refused(
        &w,
        SecurityAppeal {
            severity: f64::INFINITY,
            ..good
        },
        "severity",
        None,
        |e| matches!(e, EventProblem::NotFinite { .. }),
    );
}

#[test]
fn a_border_clash_of_a_state_with_itself_or_an_unknown_state_is_refused() {
    let w = eurasia().world().clone();
    let (kg, tj) = (s(&w, "Kyrgyzstan"), s(&w, "Tajikistan"));
    let good = BorderClash {
        states: [kg, tj],
        institution: None,
        severity: 0.6,
    };
    check_event(&good.clone().into(), &w, STEPS).unwrap();
    refused(
        &w,
        BorderClash {
            states: [kg, kg],
            ..good.clone()
        },
        "states",
        Some(Item::Index(1)),
        |e| matches!(e, EventProblem::SameStates),
    );
    refused(
        &w,
        BorderClash {
            states: [StateId(42), tj],
            ..good.clone()
        },
        "states",
        Some(Item::Index(0)),
        |e| matches!(e, EventProblem::UnknownId { kind: "state", .. }),
    );
    refused(
        &w,
        BorderClash {
            severity: 7.0,
            ..good
        },
        "severity",
        None,
        |e| matches!(e, EventProblem::OutOfRange { .. }),
    );
}

#[test]
fn a_diplomatic_crisis_with_an_unknown_power_or_a_nan_severity_is_refused() {
    let w = eurasia().world().clone();
    let good = DiplomaticCrisis {
        power: p(&w, "Russia"),
        state: s(&w, "Azerbaijan"),
        severity: 0.5,
    };
    check_event(&good.clone().into(), &w, STEPS).unwrap();
    refused(
        &w,
        DiplomaticCrisis {
            power: PowerId(42),
            ..good.clone()
        },
        "power",
        None,
        |e| matches!(e, EventProblem::UnknownId { kind: "power", .. }),
    );
    refused(
        &w,
        DiplomaticCrisis {
            severity: f64::NAN,
            ..good
        },
        "severity",
        None,
        |e| matches!(e, EventProblem::NotFinite { .. }),
    );
}

#[test]
fn a_crisis_on_an_unknown_state_or_with_a_trigger_outside_zero_to_one_is_refused() {
    let w = eurasia().world().clone();
    let good = Crisis {
        power: p(&w, "Russia"),
        state: s(&w, "Georgia"),
        trigger: 1.0,
    };
    check_event(&good.clone().into(), &w, STEPS).unwrap();
    refused(
        &w,
        Crisis {
            state: StateId(99),
            ..good.clone()
        },
        "state",
        None,
        |e| matches!(e, EventProblem::UnknownId { kind: "state", .. }),
    );
    for trigger in [-0.1, 1.5] {
        refused(
            &w,
            Crisis {
                trigger,
                ..good.clone()
            },
            "trigger",
            None,
            |e| matches!(e, EventProblem::OutOfRange { .. }),
        );
    }
}

#[test]
fn a_relation_shift_of_a_power_with_itself_or_beyond_the_whole_range_is_refused() {
    let w = eurasia().world().clone();
    let good = RelationShift {
        powers: [p(&w, "Russia"), p(&w, "China")],
        shift: -2.0,
    };
    check_event(&good.clone().into(), &w, STEPS).unwrap();
    refused(
        &w,
        RelationShift {
            powers: [p(&w, "China"), p(&w, "China")],
            ..good.clone()
        },
        "powers",
        Some(Item::Index(1)),
        |e| matches!(e, EventProblem::Duplicate { .. }),
    );
    refused(
        &w,
        RelationShift {
            powers: [PowerId(42), p(&w, "China")],
            ..good.clone()
        },
        "powers",
        Some(Item::Index(0)),
        |e| matches!(e, EventProblem::UnknownId { kind: "power", .. }),
    );
    for shift in [2.5, f64::NAN] {
        refused(
            &w,
            RelationShift {
                shift,
                ..good.clone()
            },
            "shift",
            None,
            |e| {
                matches!(
                    e,
                    EventProblem::OutOfRange { .. } | EventProblem::NotFinite { .. }
                )
            },
        );
    }
}

#[test]
fn an_external_offer_with_itself_as_rival_or_an_amount_above_one_is_refused() {
    let w = eurasia().world().clone();
    let good = ExternalOffer {
        power: p(&w, "China"),
        state: s(&w, "Kazakhstan"),
        channel: Channel::Investment,
        amount: 0.2,
        rival: Some(p(&w, "Russia")),
    };
    check_event(&good.clone().into(), &w, STEPS).unwrap();
    refused(
        &w,
        ExternalOffer {
            rival: Some(p(&w, "China")),
            ..good.clone()
        },
        "rival",
        None,
        |e| matches!(e, EventProblem::Duplicate { name } if name == "China"),
    );
    refused(
        &w,
        ExternalOffer {
            state: StateId(42),
            ..good.clone()
        },
        "state",
        None,
        |e| matches!(e, EventProblem::UnknownId { kind: "state", .. }),
    );
    refused(
        &w,
        ExternalOffer {
            amount: 1.5,
            ..good
        },
        "amount",
        None,
        |e| matches!(e, EventProblem::OutOfRange { .. }),
    );
}

#[test]
fn a_participation_event_of_an_unknown_institution_or_a_state_not_listed_is_refused() {
    let w = eurasia().world().clone();
    let (csto, armenia, georgia) = (i(&w, "CSTO"), s(&w, "Armenia"), s(&w, "Georgia"));
    let events: [fn(InstitutionId, StateId) -> Event; 4] = [
        |institution, state| Join { institution, state }.into(),
        |institution, state| Suspend { institution, state }.into(),
        |institution, state| Reinstate { institution, state }.into(),
        |institution, state| Exit { institution, state }.into(),
    ];
    for event in events {
        check_event(&event(csto, armenia), &w, STEPS).unwrap();
        refused(
            &w,
            event(InstitutionId(42), armenia),
            "institution",
            None,
            |e| {
                matches!(
                    e,
                    EventProblem::UnknownId {
                        kind: "institution",
                        ..
                    }
                )
            },
        );
        refused(&w, event(csto, StateId(42)), "state", None, |e| {
            matches!(e, EventProblem::UnknownId { kind: "state", .. })
        });
        refused(
            &w,
            event(csto, georgia),
            "state",
            None,
            |e| matches!(e, EventProblem::NotAMember { name } if name == "Georgia"),
        );
    }
}

#[test]
fn every_kind_has_a_refusal_test_above() {
    let tested = [
        "war",
        "peace",
        "sanctions",
        "secondary_sanctions",
        "remittance_shock",
        "unrest",
        "security_appeal",
        "border_clash",
        "diplomatic_crisis",
        "external_offer",
        "join",
        "suspend",
        "reinstate",
        "exit",
        "crisis",
        "relation_shift",
    ];
    let untested: Vec<&str> = KINDS
        .iter()
        .copied()
        .filter(|k| !tested.contains(k))
        .collect();
    assert!(untested.is_empty(), "add a refusal test for {untested:?}");
}

#[test]
fn a_scheduled_event_outside_the_horizon_or_ending_before_it_fires_is_refused() {
    let w = eurasia().world().clone();
    let at = |step, event: War| ScheduledEvent {
        step,
        event: event.into(),
    };
    check_scheduled(&at(3, war(&w)), &w, STEPS).unwrap();
    for step in [0, STEPS + 1] {
        let err = check_scheduled(&at(step, war(&w)), &w, STEPS).unwrap_err();
        assert_eq!(err.field, "at");
        assert!(
            matches!(err.problem, EventProblem::StepOutsideHorizon { .. }),
            "{err}"
        );
    }
    let err = check_scheduled(&at(30, war(&w)), &w, STEPS).unwrap_err();
    assert_eq!(err.field, "ends");
    assert_eq!(
        err.problem,
        EventProblem::StepsNotIncreasing {
            previous: 30,
            step: 24
        }
    );
    // The event itself is checked too: an event on a state the world lacks is refused, not
    // silently ignored.
    let ghost = ScheduledEvent {
        step: 5,
        event: DiplomaticCrisis {
            power: p(&w, "Russia"),
            state: StateId(42),
            severity: 0.5,
        }
        .into(),
    };
    let err = check_scheduled(&ghost, &w, STEPS).unwrap_err();
    assert_eq!(
        err.to_string(),
        "`state`: state id 42 does not exist; the world has 12 states"
    );
}

#[test]
fn a_hazard_with_a_nan_probability_or_a_window_closing_before_it_opens_is_refused() {
    let w = eurasia().world().clone();
    let hazard = |monthly, from, until| Hazard {
        monthly,
        from,
        until,
        event: war(&w).into(),
    };
    check_hazard(&hazard(0.1, 1, STEPS), &w, STEPS).unwrap();
    let err = check_hazard(&hazard(f64::NAN, 1, STEPS), &w, STEPS).unwrap_err();
    assert_eq!(err.field, "monthly");
    assert!(matches!(err.problem, EventProblem::NotFinite { .. }));
    let err = check_hazard(&hazard(1.5, 1, STEPS), &w, STEPS).unwrap_err();
    assert!(matches!(err.problem, EventProblem::OutOfRange { .. }));
    let err = check_hazard(&hazard(0.1, 10, 5), &w, STEPS).unwrap_err();
    assert_eq!(err.field, "until");
    assert_eq!(
        err.problem,
        EventProblem::StepsNotIncreasing {
            previous: 10,
            step: 5
        }
    );
    let err = check_hazard(&hazard(0.1, 0, 5), &w, STEPS).unwrap_err();
    assert_eq!(err.field, "from");
}

#[test]
fn the_loader_and_the_code_check_refuse_the_same_event_the_same_way() {
    // A repeated re-exporter, once in a file and once built in code.
    let text = r#"extends = "builtin:eurasia-2025"
[[events]]
kind = "sanctions"
at = "2025-03"
by = ["USA"]
on = "Russia"
capacity_drain = 0.01
re_exporters = ["Kyrgyzstan", "Kyrgyzstan"]
"#;
    let err = Scenario::from_toml_str(text, "twice.toml").unwrap_err();
    assert!(
        err.to_string()
            .starts_with("twice.toml:8: `events[0].re_exporters[1]`: `Kyrgyzstan` is listed twice"),
        "{err}"
    );
    let w = eurasia().world().clone();
    let kg = s(&w, "Kyrgyzstan");
    refused(
        &w,
        Sanctions {
            by: vec![p(&w, "USA")],
            re_exporters: vec![kg, kg],
            ..sanctions(&w)
        },
        "re_exporters",
        Some(Item::Index(1)),
        |e| matches!(e, EventProblem::Duplicate { name } if name == "Kyrgyzstan"),
    );
}

#[test]
fn scenario_add_event_and_add_hazard_refuse_what_check_event_refuses() {
    let mut scenario = eurasia();
    let russia = scenario.world().power_id("Russia").unwrap();
    let ghost = DiplomaticCrisis {
        power: russia,
        state: StateId(42),
        severity: 0.5,
    };
    let err = scenario
        .add_event(ScheduledEvent {
            step: 5,
            event: ghost.clone().into(),
        })
        .unwrap_err();
    assert!(
        matches!(&err, geoalign::ScenarioRuleError::Event { error, .. } if error.field == "state"),
        "{err}"
    );
    let err = scenario
        .add_hazard(Hazard {
            monthly: 0.1,
            from: 1,
            until: 12,
            event: ghost.into(),
        })
        .unwrap_err();
    assert_eq!(err.to_string(), "hazard 0 (diplomatic_crisis): `state`: state id 42 does not exist; the world has 12 states");
    assert!(scenario.events().is_empty() && scenario.hazards().is_empty());
}
