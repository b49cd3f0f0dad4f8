//! A random world built in code: `WorldBuilder::build` must return `Ok` or a `WorldError`,
//! never panic; a world it accepts must run some tens of steps without a `SimError`, and every
//! alignment must stay finite, non-negative and sum to 1 within 1e-9 after every step.
#![no_main]

use arbitrary::Arbitrary;
use geoalign::{
    Channel, Disposition, DispositionParams, Institution, Parameters, Participation, Power,
    PowerId, Recorder, RunState, Scenario, Simulation, State, StateId, World,
};
use libfuzzer_sys::fuzz_target;

/// A number: mostly inside its range (and often on its edges), sometimes any `f64` at all
/// (NaN, infinities, out of range) to exercise the refusals.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum Num {
    Unit(u16),
    Edge(bool),
    Raw(f64),
}

impl Num {
    /// In [0, 1] unless raw.
    fn unit(self) -> f64 {
        match self {
            Num::Unit(x) => f64::from(x) / f64::from(u16::MAX),
            Num::Edge(high) => f64::from(u8::from(high)),
            Num::Raw(v) => v,
        }
    }

    /// Log-uniform in [1e-6, 1e6] unless raw: the whole documented range of a temperature.
    fn temperature(self) -> f64 {
        match self {
            Num::Raw(v) => v,
            other => 10f64.powf(-6.0 + 12.0 * other.unit()),
        }
    }
}

#[derive(Arbitrary, Debug)]
struct PowerSpec {
    capacity: Num,
    coercion: Num,
    delivery: [Num; 8],
}

#[derive(Arbitrary, Debug)]
struct StateSpec {
    disposition: u8,
    threat_weight: Num,
    temperature: Num,
    dependence_aversion: Num,
    inertia: Num,
    stubbornness: Num,
    fragility: Num,
    fixed: bool,
    salience: [u16; 8],
    alignment: Vec<u16>,
    proximity: Vec<Num>,
    coethnic: Vec<Num>,
}

#[derive(Arbitrary, Debug)]
struct InstitutionSpec {
    leader: Option<u8>,
    credibility: Num,
    carries: [Num; 8],
    members: Vec<(u8, u8)>,
}

#[derive(Arbitrary, Debug)]
struct Spec {
    powers: Vec<PowerSpec>,
    states: Vec<StateSpec>,
    institutions: Vec<InstitutionSpec>,
    ties: Vec<(u8, u8, u8, Num)>,
    noise: Num,
    peer_weight: Num,
    coethnic_leverage: Num,
    feedback: [Num; 8],
    calibrate: bool,
    unrest_hazard: Num,
    steps: u8,
    seed: u64,
}

/// Shares from integer weights; all-zero weights stay zero (and are refused).
fn shares(weights: &[u16]) -> Vec<f64> {
    let sum: f64 = weights.iter().map(|&w| f64::from(w)).sum();
    weights
        .iter()
        .map(|&w| if sum > 0.0 { f64::from(w) / sum } else { 0.0 })
        .collect()
}

struct Simplex;

impl Recorder for Simplex {
    fn record(&mut self, step: u32, world: &World, state: &RunState) {
        for (i, a) in state.alignment.chunks_exact(world.components()).enumerate() {
            let sum: f64 = a.iter().sum();
            assert!(
                a.iter().all(|x| x.is_finite() && *x >= 0.0) && (sum - 1.0).abs() <= 1e-9,
                "step {step}, state {i} left the simplex: {a:?}"
            );
        }
    }
}

fuzz_target!(|spec: Spec| {
    // At most 6 powers, 8 states and 4 institutions: small worlds, many of them.
    let np = spec.powers.len().min(6);
    let mut builder = World::builder();
    for (p, ps) in spec.powers.iter().take(np).enumerate() {
        builder = builder.power(Power {
            name: format!("P{p}"),
            capacity: ps.capacity.unit() * 3.0,
            coercion: ps.coercion.unit(),
            delivery: ps.delivery.map(Num::unit),
        });
    }
    let ns = spec.states.len().min(8);
    for (s, ss) in spec.states.iter().take(ns).enumerate() {
        let disposition = Disposition::ALL[usize::from(ss.disposition) % 4];
        let salience = shares(&ss.salience);
        let mut alignment: Vec<u16> = ss.alignment.clone();
        // Usually the right length; otherwise the builder must refuse it.
        if alignment.len() > np + 1 || ss.disposition < 200 {
            alignment.resize(np + 1, 1);
        }
        builder = builder.state(State {
            response: DispositionParams {
                threat_weight: ss.threat_weight.unit() * 20.0 - 10.0,
                temperature: ss.temperature.temperature(),
                dependence_aversion: ss.dependence_aversion.unit(),
            },
            inertia: ss.inertia.unit(),
            stubbornness: ss.stubbornness.unit(),
            fragility: ss.fragility.unit(),
            fixed: ss.fixed,
            salience: salience.try_into().expect("eight channels"),
            proximity: ss.proximity.iter().take(np).map(|n| n.unit()).collect(),
            coethnic: ss.coethnic.iter().take(np).map(|n| n.unit()).collect(),
            ..State::new(format!("S{s}"), disposition, shares(&alignment))
        });
    }
    for (n, is) in spec.institutions.iter().take(4).enumerate() {
        builder = builder.institution(Institution {
            carries: is.carries.map(Num::unit),
            members: is
                .members
                .iter()
                .take(8)
                .map(|&(s, part)| {
                    let participation = match part % 4 {
                        0 => Participation::Active,
                        1 => Participation::Suspended,
                        2 => Participation::Exited,
                        _ => Participation::Outside,
                    };
                    (StateId(u32::from(s) % 9), participation)
                })
                .collect(),
            ..Institution::new(
                format!("I{n}"),
                is.leader.map(|l| PowerId(u32::from(l) % 7)),
                is.credibility.unit(),
            )
        });
    }
    for &(s, p, k, value) in spec.ties.iter().take(64) {
        let channel = Channel::ALL[usize::from(k) % Channel::COUNT];
        builder = builder.tie(
            format!("S{}", s % 9),
            format!("P{}", p % 7),
            channel,
            value.unit(),
        );
    }
    let mut events = geoalign::EventParameters::default();
    events.unrest_hazard = spec.unrest_hazard.unit();
    builder = builder.parameters(Parameters {
        noise: spec.noise.unit() * 0.5,
        peer_weight: spec.peer_weight.unit() * 2.0,
        coethnic_leverage: spec.coethnic_leverage.unit() * 4.0,
        // Tie feedback up to 10 % of the gap a month.
        feedback: spec.feedback.map(|n| n.unit() * 0.1),
        calibrate_intercepts: spec.calibrate,
        events,
        ..Parameters::default()
    });

    let world = match builder.build() {
        Ok(world) => world,
        Err(e) => {
            assert!(!e.to_string().is_empty());
            return;
        }
    };
    let steps = u32::from(spec.steps % 60) + 1;
    let scenario = Scenario::builder(world)
        .name("fuzz")
        .start("2025-01".parse().unwrap())
        .steps(steps)
        .seed(spec.seed)
        .build()
        .expect("1 to 60 steps is a valid horizon");
    let sim = Simulation::new(scenario);
    if let Err(e) = sim.run(0, &mut Simplex) {
        panic!("a world the builder accepted failed to run: {e}");
    }
});
