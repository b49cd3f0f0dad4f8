//! Drivers, events and horizons added to a scenario in code are refused exactly where a
//! scenario file would be: each with a typed `ScenarioRuleError` naming the entity and the
//! field, never a panic when the scenario later runs.

use geoalign::sim::drivers::Path;
use geoalign::sim::events::kinds::{Peace, War};
use geoalign::sim::events::{EventProblem, Hazard, ScheduledEvent};
use geoalign::{
    Channel, Discard, Disposition, Driver, DriverTarget, Event, InstitutionId, Parameters, Power,
    PowerId, Scenario, ScenarioRuleError, Simulation, State, StateId, World,
};

/// Two powers, one state, twelve months.
fn small() -> Scenario {
    let world = World::builder()
        .power(Power::new("A"))
        .power(Power::new("B"))
        .state(State::new("S", Disposition::Hedge, vec![0.5, 0.3, 0.2]))
        .tie("S", "A", Channel::Trade, 0.4)
        .build()
        .unwrap();
    Scenario::builder(world)
        .name("small")
        .start("2025-01".parse().unwrap())
        .steps(12)
        .seed(3)
        .build()
        .unwrap()
}

fn tie(points: Vec<(u32, f64)>) -> Driver {
    Driver {
        target: DriverTarget::Tie(StateId(0), PowerId(0), Channel::Trade),
        path: Path::new(points),
    }
}

#[test]
fn a_driver_on_a_state_the_world_lacks_is_refused_not_a_panic() {
    let mut scenario = small();
    let err = scenario
        .add_driver(Driver {
            target: DriverTarget::Tie(StateId(99), PowerId(0), Channel::Trade),
            path: Path::new(vec![(6, 0.5)]),
        })
        .unwrap_err();
    assert!(
        matches!(
            err,
            ScenarioRuleError::UnknownId {
                field: "target.state",
                kind: "state",
                index: 99,
                count: 1,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "tie driver of state #99 with power \"A\" on trade: target.state refers to state #99, but the world has 1"
    );
    // The scenario is unchanged and still runs.
    assert!(scenario.drivers().is_empty());
    Simulation::new(scenario).run(0, &mut Discard).unwrap();
}

#[test]
fn drivers_on_powers_and_institutions_the_world_lacks_are_refused() {
    let mut scenario = small();
    let capacity = Driver {
        target: DriverTarget::Capacity(PowerId(2)),
        path: Path::new(vec![(6, 0.5)]),
    };
    assert!(matches!(
        scenario.add_driver(capacity),
        Err(ScenarioRuleError::UnknownId {
            kind: "power",
            index: 2,
            ..
        })
    ));
    let credibility = Driver {
        target: DriverTarget::Credibility(InstitutionId(0)),
        path: Path::new(vec![(6, 0.5)]),
    };
    assert!(matches!(
        scenario.add_driver(credibility),
        Err(ScenarioRuleError::UnknownId {
            kind: "institution",
            count: 0,
            ..
        })
    ));
}

#[test]
fn a_tie_driver_outside_zero_to_one_is_refused_naming_the_point() {
    for value in [5.0, -3.0] {
        let err = small()
            .add_driver(tie(vec![(3, 0.5), (6, value)]))
            .unwrap_err();
        assert_eq!(
            err,
            ScenarioRuleError::PointOutOfRange {
                driver: "tie driver of state \"S\" with power \"A\" on trade".into(),
                point: 1,
                value,
                min: 0.0,
                max: 1.0,
            }
        );
        assert!(err.to_string().contains("path[1].value"), "{err}");
    }
}

#[test]
fn a_capacity_driver_may_grow_above_one_up_to_the_capacity_bound() {
    let capacity = |value| Driver {
        target: DriverTarget::Capacity(PowerId(1)),
        path: Path::new(vec![(12, value)]),
    };
    let mut scenario = small();
    scenario.add_driver(capacity(2.0)).unwrap();
    let err = small().add_driver(capacity(2e6)).unwrap_err();
    assert!(
        matches!(err, ScenarioRuleError::PointOutOfRange { max, .. } if max == 1e6),
        "{err:?}"
    );
    assert!(err
        .to_string()
        .starts_with("capacity driver of power \"B\""));
}

#[test]
fn months_in_decreasing_or_repeated_order_are_refused() {
    for (second, month) in [(4, 4), (2, 2)] {
        let err = small()
            .add_driver(tie(vec![(4, 0.5), (second, 0.6)]))
            .unwrap_err();
        assert_eq!(
            err,
            ScenarioRuleError::MonthsNotIncreasing {
                driver: "tie driver of state \"S\" with power \"A\" on trade".into(),
                point: 1,
                previous: 4,
                month,
            }
        );
    }
}

#[test]
fn a_driver_point_after_the_horizon_is_refused() {
    let err = small().add_driver(tie(vec![(13, 0.5)])).unwrap_err();
    assert!(
        matches!(
            err,
            ScenarioRuleError::PointAfterHorizon {
                point: 0,
                month: 13,
                steps: 12,
                ..
            }
        ),
        "{err:?}"
    );
    // The last step itself is on the horizon.
    small().add_driver(tie(vec![(12, 0.5)])).unwrap();
}

#[test]
fn a_nan_or_infinite_driver_value_is_refused() {
    for value in [f64::NAN, f64::INFINITY] {
        let err = small().add_driver(tie(vec![(6, value)])).unwrap_err();
        assert!(
            matches!(err, ScenarioRuleError::PointNotFinite { point: 0, .. }),
            "{err:?}"
        );
        assert!(err.to_string().contains("path[0].value"), "{err}");
    }
}

#[test]
fn an_empty_path_and_a_second_driver_on_one_target_are_refused() {
    let mut scenario = small();
    assert!(matches!(
        scenario.add_driver(tie(Vec::new())),
        Err(ScenarioRuleError::EmptyPath { .. })
    ));
    scenario.add_driver(tie(vec![(6, 0.5)])).unwrap();
    assert!(matches!(
        scenario.add_driver(tie(vec![(8, 0.6)])),
        Err(ScenarioRuleError::DuplicateDriver { .. })
    ));
    assert_eq!(scenario.drivers().len(), 1);
}

/// A war of power `power` at `step` draining 1 % of capacity a month, recovering at 10 %.
fn war(power: u32, step: u32) -> ScheduledEvent {
    ScheduledEvent {
        step,
        event: Event::War(War {
            power: PowerId(power),
            capacity_drain: 0.01,
            delivery_drain: [0.0; 8],
            recovery: 0.1,
            ends: None,
        }),
    }
}

#[test]
fn an_event_after_the_horizon_or_at_the_start_is_refused() {
    let peace = |step| ScheduledEvent {
        step,
        event: Event::Peace(Peace { power: PowerId(0) }),
    };
    let mut scenario = small();
    for step in [13, 0] {
        let err = scenario.add_event(peace(step)).unwrap_err();
        let ScenarioRuleError::Event { entity, error } = err else {
            panic!("not an event's rule: {err}");
        };
        assert_eq!(entity, "event 0 (peace)");
        assert_eq!(error.field, "at");
        assert_eq!(
            error.problem,
            EventProblem::StepOutsideHorizon {
                step: i64::from(step),
                first: 1,
                last: 12,
            }
        );
    }
    // A peace needs a war of its power before it.
    scenario.add_event(war(0, 1)).unwrap();
    scenario.add_event(peace(12)).unwrap();
    assert_eq!(scenario.events().len(), 2);
    Simulation::new(scenario).run(0, &mut Discard).unwrap();
}

#[test]
fn a_hazard_needs_a_probability_and_a_window_inside_the_horizon() {
    let hazard = |monthly, from, until| Hazard {
        monthly,
        from,
        until,
        event: Event::Peace(Peace { power: PowerId(1) }),
    };
    let mut scenario = small();
    let refused = |scenario: &mut Scenario, h: Hazard| match scenario.add_hazard(h) {
        Err(ScenarioRuleError::Event { error, .. }) => (error.field, error.problem),
        other => panic!("not refused by an event's rule: {other:?}"),
    };
    assert!(matches!(
        refused(&mut scenario, hazard(1.5, 1, 12)),
        ("monthly", EventProblem::OutOfRange { .. })
    ));
    assert!(matches!(
        refused(&mut scenario, hazard(f64::NAN, 1, 12)),
        ("monthly", EventProblem::NotFinite { .. })
    ));
    assert!(matches!(
        refused(&mut scenario, hazard(0.1, 1, 13)),
        ("until", EventProblem::StepOutsideHorizon { step: 13, .. })
    ));
    assert!(matches!(
        refused(&mut scenario, hazard(0.1, 8, 4)),
        (
            "until",
            EventProblem::StepsNotIncreasing {
                previous: 8,
                step: 4
            }
        )
    ));
    scenario.add_event(war(1, 2)).unwrap();
    scenario.add_hazard(hazard(0.1, 4, 8)).unwrap();
    assert_eq!(scenario.hazards().len(), 1);
}

#[test]
fn the_horizon_is_one_to_max_steps_and_keeps_what_is_scheduled() {
    let mut scenario = small();
    assert!(matches!(
        scenario.set_steps(0),
        Err(ScenarioRuleError::Horizon { steps: 0, .. })
    ));
    assert!(matches!(
        scenario.set_steps(geoalign::sim::MAX_STEPS + 1),
        Err(ScenarioRuleError::Horizon { .. })
    ));
    scenario.add_driver(tie(vec![(10, 0.5)])).unwrap();
    // Cutting the horizon before the driver's last point is refused and changes nothing.
    assert!(matches!(
        scenario.set_steps(6),
        Err(ScenarioRuleError::PointAfterHorizon { month: 10, .. })
    ));
    assert_eq!(scenario.steps(), 12);
    scenario.set_steps(24).unwrap();
    assert_eq!((scenario.steps(), scenario.drivers().len()), (24, 1));
    scenario.set_seed(99);
    assert_eq!(scenario.seed(), 99);
}

#[test]
fn another_world_is_checked_against_the_drivers() {
    let mut scenario = small();
    scenario
        .add_driver(Driver {
            target: DriverTarget::Capacity(PowerId(1)),
            path: Path::new(vec![(6, 0.5)]),
        })
        .unwrap();
    let one_power = World::builder()
        .power(Power::new("A"))
        .state(State::new("S", Disposition::Hedge, vec![0.5, 0.5]))
        .build()
        .unwrap();
    assert!(matches!(
        scenario.clone().with_world(one_power),
        Err(ScenarioRuleError::UnknownId {
            kind: "power",
            index: 1,
            ..
        })
    ));
    let calm = scenario
        .world()
        .to_builder()
        .parameters(Parameters {
            noise: 0.0,
            ..scenario.world().parameters().clone()
        })
        .build()
        .unwrap();
    let calm = scenario.with_world(calm).unwrap();
    assert_eq!(calm.world().parameters().noise, 0.0);
    assert_eq!(calm.drivers().len(), 1);
}

#[test]
fn a_scenario_built_in_code_equals_the_same_scenario_read_from_a_file() {
    let text = r#"
name = "small"
seed = 3
[horizon]
start = "2025-01"
steps = 12
[powers.A]
coercion = 0.0
[powers.B]
coercion = 0.0
[states.S]
disposition = "hedge"
inertia = 0.05
stubbornness = 0.0
fragility = 0.0
salience = { trade = 0.125, remittances = 0.125, security = 0.125, energy = 0.125, investment = 0.125, labour = 0.125, culture = 0.125, media = 0.125 }
alignment = { A = 0.5, B = 0.3, autonomy = 0.2 }
ties.A = { trade = 0.4 }
[drivers.ties.S.A]
trade = [{ at = "2025-04", value = 0.5 }, { at = "2025-07", value = 0.6 }]
[[events]]
kind = "war"
at = "2025-02"
power = "A"
capacity_drain = 0.01
recovery = 0.1
[[events]]
kind = "peace"
at = "2025-05"
power = "A"
"#;
    let from_file = Scenario::from_toml_str(text, "small.toml").unwrap();
    let mut in_code = small();
    in_code.add_driver(tie(vec![(3, 0.5), (6, 0.6)])).unwrap();
    in_code.add_event(war(0, 1)).unwrap();
    in_code
        .add_event(ScheduledEvent {
            step: 4,
            event: Event::Peace(Peace { power: PowerId(0) }),
        })
        .unwrap();
    assert_eq!(from_file, in_code);
}
