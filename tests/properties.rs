//! Properties of the dynamics on random worlds: the simplex holds after every step, nothing
//! non-finite appears, and a seed fixes a run bit for bit, whatever thread runs it.

use geoalign::{Recorder, RunState, Scenario, Simulation, World};
use proptest::prelude::*;
use std::fmt::Write;

/// Parameters of a random world, turned into a scenario file so the loader is exercised too.
#[derive(Debug, Clone)]
struct Spec {
    powers: usize,
    states: Vec<StateSpec>,
    noise: f64,
    peer_weight: f64,
    steps: u32,
    seed: u64,
    calibrate: bool,
    bloc: Option<(usize, f64, f64, Vec<bool>)>,
    capacity_path: Vec<f64>,
}

#[derive(Debug, Clone)]
struct StateSpec {
    disposition: &'static str,
    inertia: f64,
    stubbornness: f64,
    temperature: f64,
    fixed: bool,
    salience: Vec<f64>,
    alignment: Vec<f64>,
    ties: Vec<f64>,
    proximity: Vec<f64>,
    coethnic: Vec<f64>,
}

fn normalised(weights: Vec<f64>) -> Vec<f64> {
    let sum: f64 = weights.iter().sum();
    weights.iter().map(|w| w / sum).collect()
}

fn state_spec(powers: usize) -> impl Strategy<Value = StateSpec> {
    (
        prop::sample::select(vec!["bandwagon", "balance", "hedge", "neutral"]),
        0.0..=1.0f64,
        0.0..=1.0f64,
        prop_oneof![Just(1e-3), 0.01..5.0f64, Just(100.0)],
        prop::bool::weighted(0.15),
        prop::collection::vec(0.01..1.0f64, 8),
        prop::collection::vec(0.01..1.0f64, powers + 1),
        prop::collection::vec(prop_oneof![Just(0.0), Just(1.0), 0.0..=1.0f64], powers * 8),
        prop::collection::vec(0.0..=1.0f64, powers),
        prop::collection::vec(0.0..=1.0f64, powers),
    )
        .prop_map(
            move |(
                d,
                inertia,
                stubbornness,
                temperature,
                fixed,
                sal,
                al,
                mut ties,
                proximity,
                coethnic,
            )| {
                // Trade ties are shares of the state's trade: scale them to sum to at most 1.
                let trade: f64 = (0..powers).map(|p| ties[p * 8]).sum();
                if trade > 1.0 {
                    (0..powers).for_each(|p| ties[p * 8] /= trade);
                }
                StateSpec {
                    disposition: d,
                    inertia,
                    stubbornness,
                    temperature,
                    fixed,
                    salience: normalised(sal),
                    alignment: normalised(al),
                    ties,
                    proximity,
                    coethnic,
                }
            },
        )
}

fn spec() -> impl Strategy<Value = Spec> {
    (1usize..5, 1usize..6).prop_flat_map(|(powers, states)| {
        (
            Just(powers),
            prop::collection::vec(state_spec(powers), states),
            prop_oneof![Just(0.0), Just(0.5), 0.0..=0.5f64],
            0.0..2.0f64,
            1u32..40,
            any::<u64>().prop_map(|s| s >> 1),
            any::<bool>(),
            prop::option::of((
                0..powers,
                0.0..=1.0f64,
                0.0..=1.0f64,
                prop::collection::vec(any::<bool>(), states),
            )),
            prop::collection::vec(0.0..3.0f64, 0..3),
        )
            .prop_map(
                |(
                    powers,
                    states,
                    noise,
                    peer_weight,
                    steps,
                    seed,
                    calibrate,
                    bloc,
                    capacity_path,
                )| Spec {
                    powers,
                    states,
                    noise,
                    peer_weight,
                    steps,
                    seed,
                    calibrate,
                    bloc,
                    capacity_path,
                },
            )
    })
}

const CHANNELS: [&str; 8] = [
    "trade",
    "remittances",
    "security",
    "energy",
    "investment",
    "labour",
    "culture",
    "media",
];

fn to_toml(spec: &Spec) -> String {
    let mut t = String::new();
    let p = |i: usize| format!("P{i}");
    writeln!(
        t,
        "name = \"random\"\nseed = {}\n[horizon]\nstart = \"2025-01\"\nsteps = {}",
        spec.seed, spec.steps
    )
    .unwrap();
    writeln!(
        t,
        "[parameters]\nnoise = {:?}\npeer_weight = {:?}\ncalibrate_intercepts = {}",
        spec.noise, spec.peer_weight, spec.calibrate
    )
    .unwrap();
    for i in 0..spec.powers {
        writeln!(
            t,
            "[powers.{}]\ncoercion = {:?}\ncapacity = {:?}",
            p(i),
            0.1 + 0.2 * i as f64,
            0.5 + 0.5 * i as f64
        )
        .unwrap();
    }
    for (si, s) in spec.states.iter().enumerate() {
        writeln!(t, "[states.S{si}]\ndisposition = \"{}\"\ninertia = {:?}\nstubbornness = {:?}\nfragility = 0.1\ntemperature = {:?}\nfixed = {}", s.disposition, s.inertia, s.stubbornness, s.temperature, s.fixed).unwrap();
        writeln!(t, "[states.S{si}.salience]").unwrap();
        for (k, w) in CHANNELS.iter().zip(&s.salience) {
            writeln!(t, "{k} = {w:?}").unwrap();
        }
        writeln!(t, "[states.S{si}.alignment]").unwrap();
        for i in 0..spec.powers {
            writeln!(t, "{} = {:?}", p(i), s.alignment[i]).unwrap();
        }
        writeln!(t, "autonomy = {:?}", s.alignment[spec.powers]).unwrap();
        for (table, values) in [("proximity", &s.proximity), ("coethnic", &s.coethnic)] {
            writeln!(t, "[states.S{si}.{table}]").unwrap();
            for (i, v) in values.iter().enumerate() {
                writeln!(t, "{} = {v:?}", p(i)).unwrap();
            }
        }
        for i in 0..spec.powers {
            writeln!(t, "[states.S{si}.ties.{}]", p(i)).unwrap();
            for (k, ch) in CHANNELS.iter().enumerate() {
                writeln!(t, "{ch} = {:?}", s.ties[i * 8 + k]).unwrap();
            }
        }
    }
    if let Some((leader, cred, beta, member_mask)) = &spec.bloc {
        let members: Vec<String> = member_mask
            .iter()
            .enumerate()
            .filter(|(_, &m)| m)
            .map(|(i, _)| format!("\"S{i}\""))
            .collect();
        writeln!(t, "[institutions.Bloc]\nleader = \"{}\"\ncredibility = {cred:?}\nmembers = [{}]\ncarries = {{ security = {beta:?}, trade = {beta:?} }}", p(*leader), members.join(", ")).unwrap();
        if !spec.capacity_path.is_empty() {
            writeln!(
                t,
                "[drivers.institutions.Bloc]\ncredibility = [{{ at = \"2025-02\", value = {:?} }}]",
                1.0 - cred
            )
            .unwrap();
        }
    }
    if !spec.capacity_path.is_empty() {
        let points: Vec<String> = spec
            .capacity_path
            .iter()
            .enumerate()
            .map(|(n, v)| {
                format!(
                    "{{ at = \"{}\", value = {v:?} }}",
                    geoalign::YearMonth::add_months("2025-01".parse().unwrap(), n as u32 + 1)
                )
            })
            .collect();
        let horizon_ok = spec.capacity_path.len() as u32 <= spec.steps;
        if horizon_ok {
            writeln!(t, "[drivers.powers.P0]\ncapacity = [{}]", points.join(", ")).unwrap();
        }
    }
    t
}

/// Checks the invariants after every step.
struct Invariants {
    worst_sum_error: f64,
    violation: Option<String>,
}

impl Recorder for Invariants {
    fn record(&mut self, step: u32, world: &World, state: &RunState) {
        let c = world.components();
        for (i, a) in state.alignment.chunks(c).enumerate() {
            let sum: f64 = a.iter().sum();
            self.worst_sum_error = self.worst_sum_error.max((sum - 1.0).abs());
            if a.iter().any(|x| !x.is_finite() || *x < 0.0 || *x > 1.0) && self.violation.is_none()
            {
                self.violation = Some(format!("step {step}, state {i}: {a:?}"));
            }
        }
        if state
            .ties
            .iter()
            .any(|x| !x.is_finite() || !(0.0..=1.0).contains(x))
            && self.violation.is_none()
        {
            self.violation = Some(format!("step {step}: a tie left [0, 1]"));
        }
        let finite = |v: &[f64]| v.iter().all(|x| x.is_finite());
        if !(finite(&state.capacity) && finite(&state.delivery) && finite(&state.credibility))
            && self.violation.is_none()
        {
            self.violation = Some(format!(
                "step {step}: a non-finite power or institution value"
            ));
        }
    }
}

fn scenario(spec: &Spec) -> Scenario {
    let text = to_toml(spec);
    Scenario::from_toml_str(&text, "random.toml").unwrap_or_else(|e| panic!("{e}\n{text}"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn simplex_holds_and_nothing_is_nan_after_every_step(spec in spec()) {
        let sim = Simulation::new(scenario(&spec));
        let mut inv = Invariants { worst_sum_error: 0.0, violation: None };
        sim.run(3, &mut inv).unwrap();
        prop_assert!(inv.violation.is_none(), "{:?}", inv.violation);
        prop_assert!(inv.worst_sum_error <= 1e-12, "sum off by {}", inv.worst_sum_error);
    }

    #[test]
    fn same_seed_gives_bit_identical_trajectories_on_any_thread(spec in spec()) {
        let sim = Simulation::new(scenario(&spec));
        let here = sim.trajectory(5).unwrap();
        let there = std::thread::scope(|s| s.spawn(|| sim.trajectory(5).unwrap()).join().unwrap());
        let bits = |t: &geoalign::Trajectory| -> Vec<u64> { t.alignment.iter().flatten().map(|x| x.to_bits()).collect() };
        prop_assert_eq!(bits(&here), bits(&there));
        // A fresh load of the same text gives the same run too.
        let again = Simulation::new(scenario(&spec)).trajectory(5).unwrap();
        prop_assert_eq!(bits(&here), bits(&again));
    }

    #[test]
    fn loader_never_panics_on_arbitrary_text(text in "\\PC{0,400}") {
        let _ = Scenario::from_toml_str(&text, "fuzz.toml");
    }

    #[test]
    fn loader_never_panics_on_mutated_valid_files(cut in 0usize..4000, insert in "[ -~]{0,12}") {
        let base = geoalign::worlds::EURASIA_2025_TOML;
        let mut at = cut.min(base.len());
        while !base.is_char_boundary(at) { at -= 1; }
        let text = format!("{}{}{}", &base[..at], insert, &base[at..]);
        let _ = Scenario::from_toml_str(&text, "mutated.toml");
    }
}

#[test]
fn different_runs_of_the_same_scenario_differ_when_noise_is_on() {
    let sim = Simulation::new(geoalign::worlds::eurasia_2025());
    let a = sim.trajectory(0).unwrap();
    let b = sim.trajectory(1).unwrap();
    assert_ne!(a.alignment, b.alignment);
    assert_eq!(
        a.alignment[0], b.alignment[0],
        "both start from the world's alignment"
    );
}

#[test]
fn a_world_without_change_or_noise_stays_at_rest() {
    // With calibrated intercepts, no drivers, no noise, no events and no tie feedback, the initial
    // alignment is a fixed point: the target equals it from the first step on.
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("rest");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("rest.toml"),
        "extends = \"builtin:eurasia-2025\"\n[parameters]\nnoise = 0.0\nfeedback = { trade = 0.0 }\nevents = { unrest_hazard = 0.0 }\n",
    )
    .unwrap();
    let s = Scenario::from_file(dir.join("rest.toml")).unwrap();
    assert_eq!(s.world.parameters().noise, 0.0);
    let t = Simulation::new(s).trajectory(0).unwrap();
    let last = t.alignment.last().unwrap();
    for (x, y) in t.alignment[0].iter().zip(last) {
        assert!((x - y).abs() < 1e-9, "{x} drifted to {y}");
    }
}
