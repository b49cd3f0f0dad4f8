//! Properties of the dynamics on random worlds: the simplex holds after every step under every
//! event kind, nothing non-finite appears with any parameter at the edges of its range, a seed
//! fixes a run bit for bit whatever thread (or thread count) runs it, and more delivery by a
//! power never lowers that power's target share.
//!
//! Each property runs 256 cases by default (64 for the heavier ones); `GEOALIGN_SLOW=1` runs
//! 10,000 cases of every property, and `PROPTEST_CASES=n` sets the count outright:
//!
//! ```text
//! GEOALIGN_SLOW=1 cargo test --release --test properties
//! ```

use geoalign::{
    Channel, Disposition, DispositionParams, Ensemble, EventParameters, Institution, Parameters,
    Participation, Power, PowerId, Recorder, RunState, Scenario, Simulation, State, StateId, World,
};
use proptest::prelude::*;
use std::fmt::Write;

/// Cases per property: `default` normally, 10,000 with `GEOALIGN_SLOW=1`; `PROPTEST_CASES`
/// overrides both.
fn config(default: u32) -> ProptestConfig {
    let slow = std::env::var("GEOALIGN_SLOW").is_ok_and(|v| v == "1");
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if slow { 10_000 } else { default });
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

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
    events: Vec<EventSpec>,
}

/// One event of any kind; indices are taken modulo the world's powers and states.
#[derive(Debug, Clone)]
struct EventSpec {
    kind: usize,
    powers: [usize; 2],
    states: [usize; 2],
    units: [f64; 4],
    flag: bool,
    /// `Some(step)` fires on that step (modulo the horizon); `None` is a monthly hazard.
    at: Option<u32>,
}

fn event_spec() -> impl Strategy<Value = EventSpec> {
    (
        0usize..geoalign::sim::events::KINDS.len(),
        [0usize..8, 0usize..8],
        [0usize..8, 0usize..8],
        [
            prop_oneof![Just(0.0), Just(1.0), 0.0..=1.0f64],
            prop_oneof![Just(0.0), Just(1.0), 0.0..=1.0f64],
            prop_oneof![Just(0.0), Just(1.0), 0.0..=1.0f64],
            prop_oneof![Just(0.0), Just(1.0), 0.0..=1.0f64],
        ],
        any::<bool>(),
        prop::option::weighted(0.7, 0u32..1000),
    )
        .prop_map(|(kind, powers, states, units, flag, at)| EventSpec {
            kind,
            powers,
            states,
            units,
            flag,
            at,
        })
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
            prop::collection::vec(event_spec(), 0..6),
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
                    events,
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
                    events,
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
    // A bloc with no member is refused (its cohesion is undefined): the world has none then.
    let members: Vec<String> = spec
        .bloc
        .iter()
        .flat_map(|(_, _, _, mask)| {
            mask.iter()
                .enumerate()
                .filter(|(_, &m)| m)
                .map(|(i, _)| format!("\"S{i}\""))
        })
        .collect();
    if let (Some((leader, cred, beta, _)), false) = (&spec.bloc, members.is_empty()) {
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
    let mut written = Written::default();
    for e in &spec.events {
        let mut entry = String::new();
        write_event(&mut entry, spec, e, &mut written);
        // The same event twice is refused (it would fire twice): written once.
        if !written.entries.contains(&entry) {
            t.push_str(&entry);
            written.entries.push(entry);
        }
    }
    t
}

/// The wars and peaces written so far: a peace needs an earlier war of its power, and the
/// same peace twice is refused.
#[derive(Default)]
struct Written {
    /// (power, first step at which the war can start).
    wars: Vec<(usize, u32)>,
    /// (power, step; none for a hazard).
    peaces: Vec<(usize, Option<u32>)>,
    /// Every entry written.
    entries: Vec<String>,
}

/// One `[[events]]` entry, valid for the world of `spec`.
fn write_event(t: &mut String, spec: &Spec, e: &EventSpec, written: &mut Written) {
    let np = spec.powers;
    let ns = spec.states.len();
    let p = format!("\"P{}\"", e.powers[0] % np);
    let q_index = (e.powers[0] + 1 + e.powers[1] % np.max(2)) % np;
    let other_power = (q_index != e.powers[0] % np).then(|| format!("\"P{q_index}\""));
    let s = format!("\"S{}\"", e.states[0] % ns);
    let j_index = (e.states[0] + 1 + e.states[1] % ns.max(2)) % ns;
    let other_state = (j_index != e.states[0] % ns).then(|| format!("\"S{j_index}\""));
    let [u0, u1, u2, u3] = e.units;
    let bloc_members: Vec<usize> = match &spec.bloc {
        Some((_, _, _, mask)) => (0..ns).filter(|&i| mask.get(i) == Some(&true)).collect(),
        None => Vec::new(),
    };
    // A depth below 1, as the loader requires of cuts and shock sizes.
    let depth = u0 * 0.99;
    writeln!(t, "[[events]]").unwrap();
    let step = e.at.map(|step| 1 + step % spec.steps);
    match step {
        Some(step) => writeln!(
            t,
            "at = \"{}\"",
            geoalign::YearMonth::add_months("2025-01".parse().unwrap(), step)
        )
        .unwrap(),
        None => writeln!(t, "monthly = {u3:?}").unwrap(),
    }
    let power = e.powers[0] % np;
    let last = step.unwrap_or(spec.steps);
    let war_before = written
        .wars
        .iter()
        .any(|&(q, first)| q == power && first < last);
    // Sanctions need a second power and a border clash a second state: without them, the
    // nearest kind that fits the world.
    let kind = match geoalign::sim::events::KINDS[e.kind] {
        "sanctions" | "relation_shift" if other_power.is_none() => "war",
        "border_clash" if other_state.is_none() => "unrest",
        // A peace with no war before it, or one already written, is refused: a war instead.
        "peace" if !war_before || written.peaces.contains(&(power, step)) => "war",
        // A participation event needs a bloc member; a `join` needs a state listed `outside`,
        // which these worlds do not have (one would be refused as never acting): an `exit`.
        "join" | "suspend" | "reinstate" | "exit" if bloc_members.is_empty() => "unrest",
        "join" => "exit",
        kind => kind,
    };
    match kind {
        "war" => written.wars.push((power, step.unwrap_or(1))),
        "peace" => written.peaces.push((power, step)),
        _ => {}
    }
    writeln!(t, "kind = \"{kind}\"").unwrap();
    match kind {
        "war" => writeln!(t, "power = {p}\ncapacity_drain = {u0:?}\nrecovery = {u1:?}\ndelivery_drain = {{ security = {u2:?}, remittances = {u1:?} }}").unwrap(),
        "peace" => writeln!(t, "power = {p}").unwrap(),
        "sanctions" => {
            let q = other_power.as_deref().expect("a second power");
            writeln!(t, "by = [{q}]\non = {p}\ncapacity_drain = {u1:?}\ndelivery_cut = {{ trade = {depth:?}, investment = {depth:?} }}\nre_exporters = [{s}]\nparallel_gain = {u2:?}\nsecondary_hazard = {u3:?}\nsecondary_cost = {u1:?}").unwrap();
        }
        "secondary_sanctions" => writeln!(t, "by = [{p}]\nstate = {s}\ncost = {u0:?}").unwrap(),
        "remittance_shock" => {
            writeln!(t, "power = {p}\nsize = {depth:?}\nrecovery = {u1:?}\nshift = {u2:?}").unwrap();
            if let Some(q) = &other_power {
                writeln!(t, "alternatives = {{ {q} = {u3:?} }}").unwrap();
            }
        }
        "unrest" => writeln!(t, "state = {s}\nseverity = {u0:?}\nrequest = {}", e.flag).unwrap(),
        "security_appeal" => {
            writeln!(t, "state = {s}\nseverity = {u0:?}").unwrap();
            if let (Some(j), true) = (&other_state, e.flag) {
                writeln!(t, "against = {j}").unwrap();
            }
        }
        "border_clash" => {
            let j = other_state.as_deref().expect("a second state");
            writeln!(t, "states = [{s}, {j}]\nseverity = {u0:?}").unwrap();
        }
        "diplomatic_crisis" => writeln!(t, "power = {p}\nstate = {s}\nseverity = {u0:?}").unwrap(),
        "crisis" => writeln!(t, "power = {p}\nstate = {s}\ntrigger = {u0:?}").unwrap(),
        "external_offer" => {
            let channel = CHANNELS[e.states[1] % 8];
            writeln!(t, "power = {p}\nstate = {s}\nchannel = \"{channel}\"\namount = {u0:?}").unwrap();
            if let (Some(q), true) = (&other_power, e.flag) {
                writeln!(t, "rival = {q}").unwrap();
            }
        }
        "relation_shift" => {
            let q = other_power.as_deref().expect("a second power");
            writeln!(t, "powers = [{p}, {q}]\nshift = {:?}", 4.0 * u0 - 2.0).unwrap();
        }
        "suspend" | "reinstate" | "exit" => {
            let member = bloc_members[e.states[0] % bloc_members.len()];
            writeln!(t, "institution = \"Bloc\"\nstate = \"S{member}\"").unwrap();
        }
        other => panic!("no generator for event kind {other}"),
    }
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
    #![proptest_config(config(256))]

    #[test]
    fn simplex_holds_and_nothing_is_nan_after_every_step_under_every_event_kind(spec in spec()) {
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
        let base = geoalign::presets::EURASIA_2025_TOML;
        let mut at = cut.min(base.len());
        while !base.is_char_boundary(at) { at -= 1; }
        let text = format!("{}{}{}", &base[..at], insert, &base[at..]);
        let _ = Scenario::from_toml_str(&text, "mutated.toml");
    }
}

#[test]
fn different_runs_of_the_same_scenario_differ_when_noise_is_on() {
    let sim = Simulation::new(geoalign::presets::eurasia_2025());
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
    assert_eq!(s.world().parameters().noise, 0.0);
    let t = Simulation::new(s).trajectory(0).unwrap();
    let last = t.alignment.last().unwrap();
    // With the powers acting (docs/model.md §9), the starting stocks are the twelve-month mean
    // of an allocation that cycles among near-equal targets in discrete increments, so the
    // start is at rest to within the cycle's ripple, not exactly (this assertion was 1e-9
    // before the powers acted); the exact fixed point is checked with the powers off below.
    let ripple = t.alignment[0]
        .iter()
        .zip(last)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f64::max);
    println!("largest drift with the powers acting and no noise: {ripple:e}");
    assert!(ripple < 1e-3, "drifted by {ripple}");
    let off = "\n[powers.Russia]\nbudget = 0.0\n[powers.China]\nbudget = 0.0\n[powers.USA]\nbudget = 0.0\n[powers.EU]\nbudget = 0.0\n[powers.Turkiye]\nbudget = 0.0\n[powers.Iran]\nbudget = 0.0\n";
    // Fitted on itself: the default baseline, the embedded world, has the powers' stocks.
    let text = "baseline = \"self\"\n".to_string()
        + &std::fs::read_to_string(dir.join("rest.toml")).unwrap();
    std::fs::write(dir.join("rest-off.toml"), text + off).unwrap();
    let s = Scenario::from_file(dir.join("rest-off.toml")).unwrap();
    assert!(s.world().agency().is_inactive());
    let t = Simulation::new(s).trajectory(0).unwrap();
    let last = t.alignment.last().unwrap();
    for (x, y) in t.alignment[0].iter().zip(last) {
        assert!((x - y).abs() < 1e-9, "{x} drifted to {y}");
    }
}

#[test]
fn the_event_generator_writes_every_kind_the_loader_knows() {
    let kinds = geoalign::sim::events::KINDS;
    let spec = Spec {
        powers: 3,
        states: vec![
            StateSpec {
                disposition: "hedge",
                inertia: 0.1,
                stubbornness: 0.1,
                temperature: 0.3,
                fixed: false,
                salience: vec![0.125; 8],
                alignment: vec![0.25; 4],
                ties: vec![0.1; 24],
                proximity: vec![0.5; 3],
                coethnic: vec![0.1; 3],
            };
            2
        ],
        noise: 0.03,
        peer_weight: 0.2,
        steps: 12,
        seed: 1,
        calibrate: true,
        // A bloc of both states, for the participation kinds.
        bloc: Some((0, 0.5, 0.5, vec![true, true])),
        capacity_path: Vec::new(),
        events: (0..kinds.len())
            .map(|kind| EventSpec {
                kind,
                powers: [0, 1],
                // The second state is S1 (`states[1]` picks an offset from S0).
                states: [0, 0],
                units: [0.5; 4],
                flag: true,
                // One step each, in registry order: the peace follows the war.
                at: Some(kind as u32),
            })
            .collect(),
    };
    let scenario = scenario(&spec);
    let written: Vec<&str> = scenario.events().iter().map(|e| e.event.kind()).collect();
    // A `join` needs a state listed `outside`, which generated worlds do not have: the
    // generator writes an `exit` instead (`write_event`).
    let expected: Vec<&str> = kinds
        .iter()
        .map(|&k| if k == "join" { "exit" } else { k })
        .collect();
    assert_eq!(written, expected);
    let logged: Vec<String> = Simulation::new(scenario)
        .trajectory(0)
        .unwrap()
        .events
        .iter()
        .map(|e| format!("{e:?}"))
        .collect();
    assert!(!logged.is_empty(), "scheduled events are logged");
}

/// A value of a documented range: often exactly one of its ends, else inside.
fn edge(min: f64, max: f64) -> impl Strategy<Value = f64> {
    prop_oneof![Just(min), Just(max), min..=max]
}

/// A temperature: an end of [1e-6, 1e6] or log-uniform inside.
fn temperature() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(1e-6),
        Just(1e6),
        (-6.0..=6.0f64).prop_map(|e| 10f64.powf(e))
    ]
}

/// A world for the builder with every number drawn from its whole documented range, ends
/// included.
#[derive(Debug, Clone)]
struct EdgeWorld {
    powers: Vec<(f64, f64, [f64; 8])>,
    states: Vec<EdgeState>,
    parameters: Parameters,
    ties: Vec<f64>,
    bloc: Option<(u32, f64, [f64; 8], Vec<u8>)>,
    steps: u32,
    seed: u64,
}

#[derive(Debug, Clone)]
struct EdgeState {
    disposition: Disposition,
    response: DispositionParams,
    inertia: f64,
    stubbornness: f64,
    fragility: f64,
    fixed: bool,
    salience: Vec<f64>,
    alignment: Vec<f64>,
    proximity: Vec<f64>,
    coethnic: Vec<f64>,
}

fn per_channel() -> impl Strategy<Value = [f64; 8]> {
    prop::array::uniform8(edge(0.0, 1.0))
}

fn edge_state(powers: usize) -> impl Strategy<Value = EdgeState> {
    (
        prop::sample::select(Disposition::ALL.to_vec()),
        (edge(-10.0, 10.0), temperature(), edge(0.0, 1.0)),
        (edge(0.0, 1.0), edge(0.0, 1.0), edge(0.0, 1.0)),
        prop::bool::weighted(0.1),
        prop::collection::vec(edge(0.0, 1.0), 8),
        prop::collection::vec(edge(0.0, 1.0), powers + 1),
        prop::collection::vec(edge(0.0, 1.0), powers),
        prop::collection::vec(edge(0.0, 1.0), powers),
    )
        .prop_map(
            |(
                disposition,
                (threat_weight, temperature, dependence_aversion),
                (inertia, stubbornness, fragility),
                fixed,
                salience,
                alignment,
                proximity,
                coethnic,
            )| EdgeState {
                disposition,
                response: DispositionParams {
                    threat_weight,
                    temperature,
                    dependence_aversion,
                },
                inertia,
                stubbornness,
                fragility,
                fixed,
                salience,
                alignment,
                proximity,
                coethnic,
            },
        )
}

fn edge_world() -> impl Strategy<Value = EdgeWorld> {
    (1usize..5, 1usize..5).prop_flat_map(|(np, ns)| {
        (
            prop::collection::vec((edge(0.0, 1e6), edge(0.0, 1.0), per_channel()), np),
            prop::collection::vec(edge_state(np), ns),
            (
                edge(0.0, 0.5),
                edge(0.0, 1e6),
                edge(0.0, 1e6),
                per_channel(),
                any::<bool>(),
                edge(0.0, 1.0),
            ),
            prop::collection::vec(edge(0.0, 1.0), ns * np * 8),
            prop::option::of((
                0..np as u32,
                edge(0.0, 1.0),
                per_channel(),
                prop::collection::vec(0u8..4, ns),
            )),
            1u32..60,
            any::<u64>(),
        )
            .prop_map(
                |(
                    powers,
                    states,
                    (noise, peer_weight, coethnic_leverage, feedback, calibrate, unrest),
                    ties,
                    bloc,
                    steps,
                    seed,
                )| EdgeWorld {
                    powers,
                    states,
                    parameters: Parameters {
                        noise,
                        peer_weight,
                        coethnic_leverage,
                        feedback,
                        calibrate_intercepts: calibrate,
                        events: EventParameters {
                            unrest_hazard: unrest,
                            ..EventParameters::default()
                        },
                        ..Parameters::default()
                    },
                    ties,
                    bloc,
                    steps,
                    seed,
                },
            )
    })
}

/// Shares from weights; all-zero weights become equal shares.
fn shares(weights: &[f64]) -> Vec<f64> {
    let sum: f64 = weights.iter().sum();
    if sum > 0.0 {
        weights.iter().map(|w| w / sum).collect()
    } else {
        vec![1.0 / weights.len() as f64; weights.len()]
    }
}

/// The world of `spec`, made valid where ranges alone do not suffice: shares are normalised,
/// a zero share of a movable state under calibration becomes the smallest positive `f64`
/// (the calibration takes its logarithm), and ties on a channel with feedback are scaled to
/// sum to at most 1.
fn build_edge_world(spec: &EdgeWorld) -> World {
    let np = spec.powers.len();
    let mut builder = World::builder().parameters(spec.parameters.clone());
    for (p, &(capacity, coercion, delivery)) in spec.powers.iter().enumerate() {
        builder = builder.power(Power {
            capacity,
            coercion,
            delivery,
            ..Power::new(format!("P{p}"))
        });
    }
    for (s, st) in spec.states.iter().enumerate() {
        let mut alignment = st.alignment.clone();
        if spec.parameters.calibrate_intercepts && !st.fixed {
            alignment
                .iter_mut()
                .filter(|a| **a == 0.0)
                .for_each(|a| *a = f64::MIN_POSITIVE);
        }
        builder = builder.state(State {
            response: st.response,
            inertia: st.inertia,
            stubbornness: st.stubbornness,
            fragility: st.fragility,
            fixed: st.fixed,
            salience: shares(&st.salience).try_into().unwrap(),
            proximity: st.proximity.clone(),
            coethnic: st.coethnic.clone(),
            ..State::new(format!("S{s}"), st.disposition, shares(&alignment))
        });
        for channel in Channel::ALL {
            let k = channel.index();
            let tie = |p: usize| spec.ties[(s * np + p) * 8 + k];
            let total: f64 = (0..np).map(tie).sum();
            let scale = if spec.parameters.feedback[k] > 0.0 && total > 1.0 {
                1.0 / total
            } else {
                1.0
            };
            for p in 0..np {
                builder = builder.tie(format!("S{s}"), format!("P{p}"), channel, tie(p) * scale);
            }
        }
    }
    if let Some((leader, credibility, carries, parts)) = &spec.bloc {
        let members = parts
            .iter()
            .enumerate()
            .filter_map(|(s, part)| {
                let participation = match part {
                    0 => return None,
                    1 => Participation::Active,
                    2 => Participation::Suspended,
                    _ => Participation::Exited,
                };
                Some((StateId(s as u32), participation))
            })
            .collect::<Vec<_>>();
        // A bloc with no member is refused (its cohesion is undefined): none then.
        if !members.is_empty() {
            builder = builder.institution(Institution {
                carries: *carries,
                members,
                ..Institution::new("Bloc", Some(PowerId(*leader)), *credibility)
            });
        }
    }
    builder.build().unwrap_or_else(|e| panic!("{e}"))
}

fn edge_scenario(spec: &EdgeWorld) -> Scenario {
    Scenario::builder(build_edge_world(spec))
        .name("edges")
        .start("2025-01".parse().unwrap())
        .steps(spec.steps)
        .seed(spec.seed >> 1)
        .build()
        .unwrap()
}

/// The alignment of every state after one step of a world whose states jump to their target:
/// inertia 1, no stubbornness, no noise, no unrest and no intercepts, so that what is
/// recorded is `softmax(u / τ)` itself.
fn first_targets(mut spec: EdgeWorld, delivery: Option<(usize, usize, f64)>) -> Vec<f64> {
    spec.parameters.noise = 0.0;
    spec.parameters.calibrate_intercepts = false;
    spec.parameters.events.unrest_hazard = 0.0;
    for st in &mut spec.states {
        st.inertia = 1.0;
        st.stubbornness = 0.0;
    }
    if let Some((p, k, d)) = delivery {
        spec.powers[p].2[k] = d;
    }
    spec.steps = 1;
    let end = Simulation::new(edge_scenario(&spec))
        .run(0, &mut geoalign::Discard)
        .unwrap();
    end.alignment
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn nothing_is_nan_and_the_simplex_holds_with_every_parameter_at_the_ends_of_its_range(spec in edge_world()) {
        let sim = Simulation::new(edge_scenario(&spec));
        let mut inv = Invariants { worst_sum_error: 0.0, violation: None };
        let run = sim.run(1, &mut inv);
        prop_assert!(run.is_ok(), "{:?}", run.err());
        prop_assert!(inv.violation.is_none(), "{:?}", inv.violation);
        prop_assert!(inv.worst_sum_error <= 1e-12, "sum off by {}", inv.worst_sum_error);
    }

    #[test]
    fn ensemble_summary_is_bit_identical_on_1_and_3_threads(spec in spec(), runs in 1u64..6) {
        let one = Ensemble::new(scenario(&spec), runs).threads(1).run().unwrap();
        let three = Ensemble::new(scenario(&spec), runs).threads(3).run().unwrap();
        // Through JSON (round-trip floats), so that a NaN would compare equal to itself and
        // every bit of every number is compared.
        prop_assert_eq!(serde_json::to_string(&one).unwrap(), serde_json::to_string(&three).unwrap());
    }

    /// The target is `softmax(u / τ)`. More delivery `d_pk` raises the pull of power `p`
    /// (`δ_ipk` rises with `d_pk`, also through a bloc: `d · r + (1 − r) · best`), so `u_ip`
    /// rises by some `Δ ≥ 0` and every other power's utility stays put. Autonomy's utility
    /// `ψ max_q pull_iq` rises too when `p` is the strongest pull, but by `ψ Δ ≤ Δ` since
    /// `ψ ≤ 1`: no difference `u_ij − u_ip` grows, so `p`'s target share cannot fall (other
    /// powers' shares and autonomy's may go either way). Rounding of `u` (magnitude `U`) is
    /// amplified by `1 / τ` in the exponent, so the share is only monotone to a relative
    /// `64 ε (U / τ + 1)`: a few dozen roundings of the largest exponent. To keep that bound
    /// far below any modelled effect, capacities, leverage and peer weight are capped at 10
    /// and temperatures at 1e-3 below (the whole ranges are the previous property's).
    #[test]
    fn more_delivery_never_lowers_the_delivering_powers_target_share(
        mut spec in edge_world(),
        power in 0usize..4,
        channel in prop_oneof![Just(Channel::Remittances.index()), 0usize..8],
        (low, high) in (edge(0.0, 1.0), edge(0.0, 1.0)).prop_map(|(a, b)| (a.min(b), a.max(b))),
    ) {
        for w in &mut spec.powers {
            w.0 = w.0.min(10.0);
        }
        spec.parameters.coethnic_leverage = spec.parameters.coethnic_leverage.min(10.0);
        spec.parameters.peer_weight = spec.parameters.peer_weight.min(10.0);
        for st in &mut spec.states {
            st.response.temperature = st.response.temperature.max(1e-3);
        }
        let p = power % spec.powers.len();
        let before = first_targets(spec.clone(), Some((p, channel, low)));
        let after = first_targets(spec.clone(), Some((p, channel, high)));
        let c = spec.powers.len() + 1;
        let capacity = spec.powers.iter().map(|w| w.0).fold(0.0, f64::max);
        let leverage = 1.0 + spec.parameters.coethnic_leverage;
        for (i, st) in spec.states.iter().enumerate() {
            if st.fixed {
                continue;
            }
            let u = capacity * (1.0 + st.response.threat_weight.abs() * leverage) + spec.parameters.peer_weight;
            let tolerance = 64.0 * f64::EPSILON * (u / st.response.temperature + 1.0);
            prop_assert!(tolerance < 1e-6);
            let (b, a) = (before[i * c + p], after[i * c + p]);
            prop_assert!(
                a >= b * (1.0 - tolerance),
                "state {i}: share of P{p} fell from {b} to {a} when delivery on channel {channel} rose from {low} to {high}"
            );
        }
    }
}

#[test]
fn more_remittance_delivery_strictly_raises_the_host_powers_target_share() {
    // Tajikistan-like: remittances from P0 are the main channel. The property above allows
    // equality; here the rise is strict, so the comparison it makes is not vacuous.
    let spec = |d: f64| {
        let world = World::builder()
            .power(Power {
                delivery: {
                    let mut d_all = [1.0; 8];
                    d_all[Channel::Remittances.index()] = d;
                    d_all
                },
                ..Power::new("P0")
            })
            .power(Power::new("P1"))
            .state(State {
                inertia: 1.0,
                salience: [0.0, 0.6, 0.4, 0.0, 0.0, 0.0, 0.0, 0.0],
                ..State::new("S", Disposition::Hedge, vec![0.5, 0.3, 0.2])
            })
            .tie("S", "P0", Channel::Remittances, 0.8)
            .tie("S", "P1", Channel::Security, 0.5)
            .parameters(Parameters {
                noise: 0.0,
                calibrate_intercepts: false,
                ..Parameters::default()
            })
            .build()
            .unwrap();
        let end = Simulation::new(
            Scenario::builder(world)
                .name("remittances")
                .start("2025-01".parse().unwrap())
                .steps(1)
                .seed(0)
                .build()
                .unwrap(),
        )
        .run(0, &mut geoalign::Discard)
        .unwrap();
        end.alignment[0]
    };
    assert!(spec(1.0) > spec(0.5));
    assert!(spec(0.5) > spec(0.0));
}
