//! Numerics at the edges of every documented range, over 10,000-step runs: temperatures at
//! 1e-6 and 1e6, ties all 0 and all 1, a state with a single power, a world of one state, the
//! largest threat, leverage and peer weights, the largest noise. After every step every share
//! must be finite and non-negative and the shares must sum to 1 within 1e-12 (the dynamics
//! renormalise every step, so rounding cannot accumulate; 1e-12 is some 5,000 ulps of 1).

use geoalign::{
    Channel, Disposition, DispositionParams, EventParameters, Institution, Parameters,
    Participation, Power, PowerId, Recorder, RunState, Scenario, Simulation, State, StateId, World,
    WorldError,
};

const STEPS: u32 = 10_000;
const SIMPLEX_TOLERANCE: f64 = 1e-12;

/// Checks the simplex and finiteness after every step; remembers the first violation.
#[derive(Default)]
struct Strict {
    steps: u32,
    worst_sum_error: f64,
    violation: Option<String>,
}

impl Recorder for Strict {
    fn record(&mut self, step: u32, world: &World, state: &RunState) {
        self.steps = step;
        for (i, a) in state.alignment.chunks_exact(world.components()).enumerate() {
            let sum: f64 = a.iter().sum();
            self.worst_sum_error = self.worst_sum_error.max((sum - 1.0).abs());
            let bad = a.iter().any(|x| !x.is_finite() || *x < 0.0)
                || (sum - 1.0).abs() > SIMPLEX_TOLERANCE;
            if bad && self.violation.is_none() {
                self.violation = Some(format!("step {step}, state {i}: {a:?} (sum {sum})"));
            }
        }
        if self.violation.is_none() && state.ties.iter().any(|x| !(0.0..=1.0).contains(x)) {
            self.violation = Some(format!("step {step}: a tie left [0, 1]"));
        }
    }
}

/// How to shape the test world.
#[derive(Clone)]
struct Shape {
    powers: usize,
    states: usize,
    temperature: f64,
    /// Every tie of every state, power and channel.
    tie: f64,
    parameters: Parameters,
    threat_weight: f64,
}

impl Default for Shape {
    fn default() -> Self {
        Shape {
            powers: 3,
            states: 4,
            temperature: 0.25,
            tie: 0.3,
            parameters: Parameters::default(),
            threat_weight: -0.15,
        }
    }
}

/// A world with uneven initial alignments, full proximity, co-ethnic minorities, unrest
/// hazards and a bloc led by the first power that carries half of security and trade, so
/// that peers, blocs and events all take part in the numbers.
fn world(shape: &Shape) -> World {
    let np = shape.powers;
    let mut builder = World::builder().parameters(shape.parameters.clone());
    for p in 0..np {
        builder = builder.power(Power {
            coercion: 0.5,
            capacity: 1.0 + p as f64,
            ..Power::new(format!("P{p}"))
        });
    }
    for s in 0..shape.states {
        let weights: Vec<f64> = (0..=np).map(|j| 1.0 + ((j + s) % 3) as f64).collect();
        let total: f64 = weights.iter().sum();
        let disposition = Disposition::ALL[s % 4];
        builder = builder.state(State {
            response: DispositionParams {
                threat_weight: shape.threat_weight,
                temperature: shape.temperature,
                dependence_aversion: 0.5,
            },
            fragility: 0.5,
            proximity: vec![1.0; np],
            coethnic: vec![0.3; np],
            ..State::new(
                format!("S{s}"),
                disposition,
                weights.iter().map(|w| w / total).collect(),
            )
        });
        for p in 0..np {
            for channel in Channel::ALL {
                builder = builder.tie(format!("S{s}"), format!("P{p}"), channel, shape.tie);
            }
        }
    }
    let mut carries = [0.0; Channel::COUNT];
    carries[Channel::Security.index()] = 0.5;
    carries[Channel::Trade.index()] = 0.5;
    builder
        .institution(Institution {
            carries,
            members: (0..shape.states)
                .map(|s| (StateId(s as u32), Participation::Active))
                .collect(),
            ..Institution::new("Bloc", Some(PowerId(0)), 0.7)
        })
        .build()
        .unwrap_or_else(|e| panic!("the test world is valid: {e}"))
}

fn run(world: World, steps: u32) -> Strict {
    let scenario = Scenario::builder(world)
        .name("extreme")
        .start("2025-01".parse().unwrap())
        .steps(steps)
        .seed(11)
        .build()
        .unwrap();
    let mut strict = Strict::default();
    Simulation::new(scenario)
        .run(0, &mut strict)
        .unwrap_or_else(|e| panic!("{e}"));
    strict
}

fn assert_holds(strict: &Strict) {
    assert_eq!(strict.steps, STEPS, "every step was recorded");
    assert!(strict.violation.is_none(), "{:?}", strict.violation);
    assert!(strict.worst_sum_error <= SIMPLEX_TOLERANCE);
}

/// No tie feedback: with every tie at 1 the trade ties of several powers sum above 1, which
/// tie feedback refuses (they are shares of one whole).
fn without_feedback() -> Parameters {
    Parameters {
        feedback: [0.0; Channel::COUNT],
        ..Parameters::default()
    }
}

#[test]
fn simplex_holds_for_10000_steps_at_the_lowest_temperature() {
    assert_holds(&run(
        world(&Shape {
            temperature: 1e-6,
            ..Shape::default()
        }),
        STEPS,
    ));
}

#[test]
fn log_sum_exp_shift_keeps_the_target_finite_when_utility_over_temperature_is_huge() {
    // Without calibrated intercepts the utilities are of order 1, so u / τ is of order 1e6 at
    // τ = 1e-6: exp(u / τ) alone would be +∞ and the target ∞ / ∞ = NaN. The shift by the
    // largest u / τ makes every exponent ≤ 0.
    let shape = Shape {
        temperature: 1e-6,
        parameters: Parameters {
            calibrate_intercepts: false,
            ..Parameters::default()
        },
        ..Shape::default()
    };
    assert_holds(&run(world(&shape), STEPS));
}

#[test]
fn the_highest_temperature_makes_the_target_uniform_and_keeps_the_simplex() {
    let shape = Shape {
        temperature: 1e6,
        parameters: Parameters {
            calibrate_intercepts: false,
            noise: 0.0,
            events: EventParameters {
                unrest_hazard: 0.0,
                ..EventParameters::default()
            },
            ..Parameters::default()
        },
        ..Shape::default()
    };
    let mut w = world(&shape);
    assert_holds(&run(w.clone(), STEPS));
    // With inertia 1 and no stubbornness the state jumps to its target: at τ = 1e6 utilities
    // of order 1 differ by about 1e-6 after division, so every share is 1/(P+1) to ~1e-6.
    let builder = World::builder().parameters(w.parameters().clone());
    let builder = w
        .powers()
        .iter()
        .fold(builder, |b, p| b.power(p.clone()))
        .state(State {
            inertia: 1.0,
            ..w.states()[0].clone()
        });
    w = builder.build().unwrap();
    let end = run_steps(w, 1);
    let c = end.len();
    for share in end {
        assert!((share - 1.0 / c as f64).abs() < 1e-5, "{share}");
    }
}

/// The alignment of the first state after `steps` steps.
fn run_steps(world: World, steps: u32) -> Vec<f64> {
    let c = world.components();
    let scenario = Scenario::builder(world)
        .name("extreme")
        .start("2025-01".parse().unwrap())
        .steps(steps)
        .seed(11)
        .build()
        .unwrap();
    let end = Simulation::new(scenario)
        .run(0, &mut geoalign::Discard)
        .unwrap();
    end.alignment[..c].to_vec()
}

#[test]
fn simplex_holds_for_10000_steps_with_every_tie_zero() {
    for temperature in [1e-6, 0.25, 1e6] {
        assert_holds(&run(
            world(&Shape {
                tie: 0.0,
                temperature,
                ..Shape::default()
            }),
            STEPS,
        ));
    }
}

#[test]
fn simplex_holds_for_10000_steps_with_every_tie_one() {
    for temperature in [1e-6, 0.25, 1e6] {
        assert_holds(&run(
            world(&Shape {
                tie: 1.0,
                temperature,
                parameters: without_feedback(),
                ..Shape::default()
            }),
            STEPS,
        ));
    }
}

#[test]
fn every_tie_one_under_trade_feedback_is_refused_not_run() {
    let err = World::builder()
        .power(Power::new("A"))
        .power(Power::new("B"))
        .state(State::new("S", Disposition::Hedge, vec![0.4, 0.4, 0.2]))
        .tie("S", "A", Channel::Trade, 1.0)
        .tie("S", "B", Channel::Trade, 1.0)
        .build()
        .unwrap_err();
    assert!(
        matches!(err, WorldError::SumAboveOne { ref field, sum, .. } if field == "ties.*.trade" && sum == 2.0),
        "{err}"
    );
}

#[test]
fn simplex_holds_for_10000_steps_for_a_state_with_a_single_power() {
    for temperature in [1e-6, 1e6] {
        assert_holds(&run(
            world(&Shape {
                powers: 1,
                temperature,
                ..Shape::default()
            }),
            STEPS,
        ));
    }
}

#[test]
fn simplex_holds_for_10000_steps_in_a_world_of_one_state() {
    for temperature in [1e-6, 1e6] {
        assert_holds(&run(
            world(&Shape {
                states: 1,
                temperature,
                ..Shape::default()
            }),
            STEPS,
        ));
    }
}

#[test]
fn simplex_holds_for_10000_steps_with_every_weight_at_its_bound() {
    // Threat weight ±10, co-ethnic leverage and peer weight 1e6, noise 1/2, tie feedback at
    // its full rate, unrest every month: the largest magnitudes the loader accepts.
    for (threat_weight, temperature) in [(-10.0, 1e-6), (10.0, 1e-6), (-10.0, 1e6)] {
        let parameters = Parameters {
            noise: 0.5,
            peer_weight: 1e6,
            coethnic_leverage: 1e6,
            feedback: [1.0; Channel::COUNT],
            events: EventParameters {
                unrest_hazard: 1.0,
                ..EventParameters::default()
            },
            ..Parameters::default()
        };
        assert_holds(&run(
            world(&Shape {
                tie: 0.3,
                temperature,
                threat_weight,
                parameters,
                ..Shape::default()
            }),
            STEPS,
        ));
    }
}

#[test]
fn simplex_holds_for_10000_steps_at_inertia_and_stubbornness_edges() {
    for (inertia, stubbornness) in [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)] {
        let base = world(&Shape::default());
        let builder = World::builder().parameters(base.parameters().clone());
        let builder = base
            .powers()
            .iter()
            .fold(builder, |b, p| b.power(p.clone()));
        let w = base
            .states()
            .iter()
            .fold(builder, |b, s| {
                b.state(State {
                    inertia,
                    stubbornness,
                    ..s.clone()
                })
            })
            .build()
            .unwrap();
        assert_holds(&run(w, STEPS));
    }
}

#[test]
fn the_largest_capacity_the_builder_accepts_runs_at_every_bound() {
    // Capacity 1e6 (a million times the power's start level) with the largest threat weight
    // and co-ethnic leverage at the lowest temperature: |u| / τ stays below ~1e20, far from
    // overflow.
    for calibrate_intercepts in [false, true] {
        let mut shape = Shape {
            temperature: 1e-6,
            threat_weight: -10.0,
            tie: 1.0,
            ..Shape::default()
        };
        shape.parameters = Parameters {
            coethnic_leverage: 1e6,
            calibrate_intercepts,
            ..without_feedback()
        };
        let base = world(&shape);
        let builder = World::builder().parameters(base.parameters().clone());
        let w = base
            .powers()
            .iter()
            .fold(builder, |b, p| {
                b.power(Power {
                    capacity: 1e6,
                    coercion: 1.0,
                    ..p.clone()
                })
            })
            .state(base.states()[0].clone())
            .tie("S0", "P0", Channel::Security, 1.0)
            .build()
            .unwrap();
        assert_holds(&run(w, STEPS));
    }
}

#[test]
fn a_capacity_above_a_million_is_refused_by_the_builder() {
    let err = World::builder()
        .power(Power {
            capacity: 1e7,
            ..Power::new("A")
        })
        .state(State::new("S", Disposition::Hedge, vec![0.5, 0.5]))
        .build()
        .unwrap_err();
    assert!(
        matches!(err, WorldError::OutOfRange { ref field, max, .. } if field == "capacity" && max == 1e6),
        "{err}"
    );
}

/// Found by this file: the step used to divide by τ before the log-sum-exp shift, so a
/// capacity of 1e307 at τ = 1e-6 made u/τ = +∞ and the target ∞ − ∞ = NaN. The shift now
/// comes first, and the loader bounds capacity at 1e6 like the builder: the largest capacity
/// it accepts, with the largest co-ethnic leverage, runs at the lowest temperature, and a
/// larger one is refused with its key path.
#[test]
fn the_largest_capacity_the_loader_accepts_runs_at_the_lowest_temperature() {
    let text = |capacity: &str| {
        format!(
            r#"
name = "huge capacity"
seed = 1
[horizon]
start = "2025-01"
steps = 12
[parameters]
calibrate_intercepts = false
coethnic_leverage = 1e6
[powers.A]
coercion = 1.0
capacity = {capacity}
[powers.B]
coercion = 0.0
[states.S]
disposition = "bandwagon"
temperature = 1e-6
inertia = 0.5
stubbornness = 0.0
fragility = 0.0
salience = {{ security = 1.0 }}
alignment = {{ A = 0.4, B = 0.4, autonomy = 0.2 }}
proximity = {{ A = 1.0 }}
coethnic = {{ A = 1.0 }}
ties.A = {{ security = 1.0 }}
"#
        )
    };
    let scenario = geoalign::Scenario::from_toml_str(&text("1e6"), "huge.toml")
        .expect("the loader accepts a capacity of 1e6");
    let mut strict = Strict::default();
    let result = Simulation::new(scenario).run(0, &mut strict);
    assert!(result.is_ok(), "{:?}", result.err());
    assert!(strict.violation.is_none(), "{:?}", strict.violation);

    let err = geoalign::Scenario::from_toml_str(&text("1e307"), "huge.toml").unwrap_err();
    assert!(err.to_string().contains("powers.A.capacity"), "{err}");
}

/// Whether the scenario loader accepts a one-state, one-power world with `state` and
/// `parameters` overrides (`key = value` pairs).
fn loader_accepts(state: &[(&str, f64)], parameters: &[(&str, f64)]) -> bool {
    let mut fields = vec![("inertia", 0.5), ("stubbornness", 0.0), ("fragility", 0.0)];
    for &(k, v) in state {
        match fields.iter_mut().find(|(f, _)| *f == k) {
            Some(slot) => slot.1 = v,
            None => fields.push((k, v)),
        }
    }
    // TOML spells them `nan` and `inf`; Rust's `{:?}` would write `NaN`, a syntax error.
    let toml = |v: f64| match v {
        v if v.is_nan() => "nan".to_string(),
        v if v.is_infinite() => format!("{}inf", if v < 0.0 { "-" } else { "" }),
        v => format!("{v:?}"),
    };
    let lines = |pairs: &[(&str, f64)]| -> String {
        pairs
            .iter()
            .map(|(k, v)| format!("{k} = {}\n", toml(*v)))
            .collect()
    };
    let text = format!(
        "name = \"bounds\"\nseed = 1\n[horizon]\nstart = \"2025-01\"\nsteps = 1\n[parameters]\n{}[powers.A]\ncoercion = 0.5\n[states.S]\ndisposition = \"hedge\"\nsalience = {{ trade = 1.0 }}\nalignment = {{ A = 0.5, autonomy = 0.5 }}\n{}",
        lines(parameters),
        lines(&fields),
    );
    geoalign::Scenario::from_toml_str(&text, "bounds.toml").is_ok()
}

/// Whether the builder accepts the same world.
fn builder_accepts(state: &[(&str, f64)], parameters: &[(&str, f64)]) -> bool {
    let mut s = State {
        inertia: 0.5,
        salience: [1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
        ..State::new("S", Disposition::Hedge, vec![0.5, 0.5])
    };
    for &(k, v) in state {
        match k {
            "inertia" => s.inertia = v,
            "stubbornness" => s.stubbornness = v,
            "fragility" => s.fragility = v,
            "temperature" => s.response.temperature = v,
            "threat_weight" => s.response.threat_weight = v,
            "dependence_aversion" => s.response.dependence_aversion = v,
            other => panic!("no state field {other}"),
        }
    }
    let mut p = Parameters::default();
    for &(k, v) in parameters {
        match k {
            "noise" => p.noise = v,
            "peer_weight" => p.peer_weight = v,
            "coethnic_leverage" => p.coethnic_leverage = v,
            other => panic!("no parameter {other}"),
        }
    }
    World::builder()
        .power(Power {
            coercion: 0.5,
            ..Power::new("A")
        })
        .state(s)
        .parameters(p)
        .build()
        .is_ok()
}

#[test]
fn builder_and_loader_accept_and_refuse_the_same_ends_of_every_range() {
    // (field, value at the end of its range, value just beyond it)
    let state = [
        ("temperature", 1e-6, 0.9e-6),
        ("temperature", 1e6, 1.1e6),
        ("threat_weight", -10.0, -10.5),
        ("threat_weight", 10.0, 10.5),
        ("dependence_aversion", 0.0, -0.01),
        ("dependence_aversion", 1.0, 1.01),
        ("inertia", 0.0, -0.01),
        ("inertia", 1.0, 1.01),
        ("stubbornness", 1.0, 1.01),
        ("fragility", 1.0, 1.01),
    ];
    for (field, end, beyond) in state {
        for (value, ok) in [(end, true), (beyond, false), (f64::NAN, false)] {
            let loader = loader_accepts(&[(field, value)], &[]);
            let builder = builder_accepts(&[(field, value)], &[]);
            assert_eq!((loader, builder), (ok, ok), "state {field} = {value}");
        }
    }
    let parameters = [
        ("noise", 0.5, 0.51),
        ("noise", 0.0, -0.01),
        ("peer_weight", 1e6, 1.01e6),
        ("coethnic_leverage", 1e6, 1.01e6),
    ];
    for (field, end, beyond) in parameters {
        for (value, ok) in [(end, true), (beyond, false), (f64::INFINITY, false)] {
            let loader = loader_accepts(&[], &[(field, value)]);
            let builder = builder_accepts(&[], &[(field, value)]);
            assert_eq!((loader, builder), (ok, ok), "parameters.{field} = {value}");
        }
    }
}

#[test]
fn every_non_finite_value_is_refused_naming_its_entity_and_field() {
    type Mutator = fn(&mut Power, &mut State, &mut Institution, &mut Parameters, f64);
    let cases: [(&str, &str, Mutator); 12] = [
        ("power \"A\"", "capacity", |p, _, _, _, v| p.capacity = v),
        ("power \"A\"", "coercion", |p, _, _, _, v| p.coercion = v),
        ("power \"A\"", "delivery.security", |p, _, _, _, v| {
            p.delivery[Channel::Security.index()] = v
        }),
        ("state \"S\"", "response.temperature", |_, s, _, _, v| {
            s.response.temperature = v
        }),
        ("state \"S\"", "inertia", |_, s, _, _, v| s.inertia = v),
        ("state \"S\"", "alignment.autonomy", |_, s, _, _, v| {
            s.alignment[1] = v
        }),
        ("state \"S\"", "proximity.A", |_, s, _, _, v| {
            s.proximity = vec![v]
        }),
        ("institution \"Bloc\"", "credibility", |_, _, i, _, v| {
            i.credibility = v
        }),
        ("institution \"Bloc\"", "carries.trade", |_, _, i, _, v| {
            i.carries[0] = v
        }),
        ("parameters", "noise", |_, _, _, p, v| p.noise = v),
        ("parameters", "feedback.media", |_, _, _, p, v| {
            p.feedback[Channel::Media.index()] = v
        }),
        ("parameters", "events.unrest_hazard", |_, _, _, p, v| {
            p.events.unrest_hazard = v
        }),
    ];
    for (entity, field, mutate) in cases {
        for value in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let mut power = Power::new("A");
            let mut state = State::new("S", Disposition::Hedge, vec![0.5, 0.5]);
            let mut bloc = Institution::new("Bloc", Some(PowerId(0)), 0.5);
            let mut parameters = Parameters::default();
            mutate(&mut power, &mut state, &mut bloc, &mut parameters, value);
            let err = World::builder()
                .power(power)
                .state(state)
                .institution(bloc)
                .parameters(parameters)
                .build()
                .unwrap_err();
            match &err {
                WorldError::NotFinite {
                    entity: e,
                    field: f,
                    ..
                } => assert_eq!(
                    (e.to_string().as_str(), f.as_str()),
                    (entity, field),
                    "{err}"
                ),
                other => panic!("{entity} {field} = {value}: {other}"),
            }
        }
    }
}
