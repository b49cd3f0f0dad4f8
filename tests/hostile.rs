//! Hostile interventions (docs/model.md §3.4) and the friendly decision's new inputs (§3.3), on a
//! small hand-built world: Russia (coercion 0.8) and the West; a Target on Russia's border
//! with a co-ethnic minority and a security tie with each; a Balancer and a Bandwagoner that
//! watch; a Bloc led by Russia with the Target as its one member. No noise and no fragility
//! unrest: nothing random happens but the decisions a test schedules.

use geoalign::analysis::fit::{CaseTable, Codes, Fit};
use geoalign::sim::events::hostile;
use geoalign::sim::events::{EventOutcome, HostileDecision, LoggedEvent, Origin};
use geoalign::{Channel, Recorder, RunState, Scenario, Simulation, World};

/// The world's knobs.
#[derive(Clone, Copy)]
struct Knobs {
    /// Russian co-ethnic share of the Target.
    coethnic: f64,
    /// The Target's security tie with the West.
    west_security: f64,
    /// The Bloc's credibility.
    credibility: f64,
    /// Russia's security delivery factor.
    russia_security: f64,
    /// The Bloc's `carries` table.
    carries: &'static str,
}

const BASE: Knobs = Knobs {
    coethnic: 0.1,
    west_security: 0.3,
    credibility: 0.5,
    russia_security: 1.0,
    carries: "{ security = 0.5 }",
};

/// The world of the module docs for `steps` months, with extra `[parameters.events]` lines and
/// `[[events]]` entries.
fn scenario(k: Knobs, steps: u32, event_params: &str, events: &str) -> Scenario {
    let text = format!(
        r#"name = "hostile"
seed = 7
[horizon]
start = "2025-01"
steps = {steps}
[parameters]
noise = 0.0
[parameters.events]
unrest_hazard = 0.0
{event_params}
[powers.Russia]
coercion = 0.8
[powers.Russia.delivery]
security = {rs}
[powers.West]
coercion = 0.1
[states.Target]
disposition = "hedge"
inertia = 0.1
stubbornness = 0.0
fragility = 0.0
salience = {{ trade = 0.5, security = 0.5 }}
alignment = {{ Russia = 0.5, West = 0.2, autonomy = 0.3 }}
proximity = {{ Russia = 1.0, West = 0.3 }}
coethnic = {{ Russia = {co} }}
[states.Target.ties.Russia]
trade = 0.4
security = 0.5
[states.Target.ties.West]
trade = 0.3
security = {ws}
[states.Balancer]
disposition = "balance"
inertia = 0.1
stubbornness = 0.0
fragility = 0.0
salience = {{ trade = 1.0 }}
alignment = {{ Russia = 0.3, West = 0.4, autonomy = 0.3 }}
proximity = {{ Russia = 1.0 }}
[states.Balancer.ties.Russia]
trade = 0.3
[states.Balancer.ties.West]
trade = 0.3
[states.Bandwagoner]
disposition = "bandwagon"
inertia = 0.1
stubbornness = 0.0
fragility = 0.0
salience = {{ trade = 1.0 }}
alignment = {{ Russia = 0.5, West = 0.2, autonomy = 0.3 }}
proximity = {{ Russia = 1.0 }}
[states.Bandwagoner.ties.Russia]
trade = 0.3
[states.Bandwagoner.ties.West]
trade = 0.3
[institutions.Bloc]
leader = "Russia"
credibility = {cred}
members = ["Target"]
carries = {carries}
{events}
"#,
        rs = k.russia_security,
        co = k.coethnic,
        ws = k.west_security,
        cred = k.credibility,
        carries = k.carries,
    );
    Scenario::from_toml_str(&text, "hostile.toml").unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// A `crisis` on Russia's stake in the Target in February 2025 (step 1).
const CRISIS: &str =
    "[[events]]\nat = \"2025-02\"\nkind = \"crisis\"\npower = \"Russia\"\nstate = \"Target\"\ntrigger = 1.0\n";

/// Every state of a run (step 0 first) and its event log.
#[derive(Default)]
struct Full {
    states: Vec<RunState>,
    events: Vec<LoggedEvent>,
}

impl Recorder for Full {
    fn record(&mut self, _step: u32, _world: &World, state: &RunState) {
        self.states.push(state.clone());
    }

    fn event(&mut self, _world: &World, event: &LoggedEvent) {
        self.events.push(event.clone());
    }
}

fn run(scenario: &Scenario, run: u64) -> (World, Full) {
    let sim = Simulation::new(scenario.clone());
    let mut full = Full::default();
    sim.run(run, &mut full).expect("run");
    (sim.scenario().world().clone(), full)
}

/// The hostile decisions of a log.
fn hostile_decisions(log: &[LoggedEvent]) -> Vec<&HostileDecision> {
    log.iter()
        .filter_map(|e| match &e.outcome {
            EventOutcome::Hostile(d) => Some(d),
            _ => None,
        })
        .collect()
}

/// The probability Russia intervenes against the Target at the start of `k`'s world.
fn chance(k: Knobs) -> f64 {
    let sc = scenario(k, 2, "", "");
    let w = sc.world();
    let rs = RunState::new(w);
    let (russia, target) = (w.power_id("Russia").unwrap(), w.state_id("Target").unwrap());
    hostile::chance(w, &rs, russia, target, 1.0).1
}

/// Share of `runs` runs in which Russia intervened on the crisis.
fn frequency(k: Knobs, runs: u64) -> f64 {
    let sc = scenario(k, 1, "", CRISIS);
    let acted = (0..runs)
        .filter(|&r| hostile_decisions(&run(&sc, r).1.events)[0].acted)
        .count();
    acted as f64 / runs as f64
}

#[test]
fn hostile_probability_rises_with_local_support_and_falls_with_anticipated_opposition() {
    let support: Vec<f64> = [0.0, 0.05, 0.1, 0.2]
        .iter()
        .map(|&coethnic| chance(Knobs { coethnic, ..BASE }))
        .collect();
    let opposition: Vec<f64> = [0.0, 0.3, 0.6, 1.0]
        .iter()
        .map(|&west_security| {
            chance(Knobs {
                west_security,
                ..BASE
            })
        })
        .collect();
    assert!(support.windows(2).all(|w| w[0] < w[1]), "{support:?}");
    assert!(opposition.windows(2).all(|w| w[0] > w[1]), "{opposition:?}");

    // The same in simulated frequency: 400 runs each, the extremes of each table, each within
    // four standard errors of its computed probability.
    let runs = 400;
    let cases = [
        (
            Knobs {
                coethnic: 0.0,
                ..BASE
            },
            support[0],
        ),
        (
            Knobs {
                coethnic: 0.2,
                ..BASE
            },
            support[3],
        ),
        (
            Knobs {
                west_security: 0.0,
                ..BASE
            },
            opposition[0],
        ),
        (
            Knobs {
                west_security: 1.0,
                ..BASE
            },
            opposition[3],
        ),
    ];
    let freq: Vec<f64> = cases.iter().map(|&(k, _)| frequency(k, runs)).collect();
    for (&(_, p), &f) in cases.iter().zip(&freq) {
        let se = (p * (1.0 - p) / runs as f64).sqrt();
        assert!((f - p).abs() < 4.0 * se, "frequency {f} vs probability {p}");
    }
    eprintln!("P by co-ethnic share 0, 0.05, 0.1, 0.2: {support:.3?}");
    eprintln!("P by the West's security tie 0, 0.3, 0.6, 1: {opposition:.3?}");
    eprintln!("frequency in {runs} runs (support 0 / 1, opposition 0 / 1): {freq:.3?}");
    assert!(freq[0] < freq[1], "{freq:?}");
    assert!(freq[2] > freq[3], "{freq:?}");
}

#[test]
fn hostile_inputs_follow_their_definitions() {
    let (_, full) = run(&scenario(BASE, 1, "", CRISIS), 0);
    let d = hostile_decisions(&full.events)[0];
    assert_eq!(d.inputs.trigger, 1.0);
    // A tenth co-ethnic, full support at a fifth.
    assert_eq!(d.inputs.local_support, 0.5);
    // The West's security tie (0.3) × its security delivery (1) × its capacity (1).
    assert_eq!(d.inputs.opposition, 0.3);
    // Russia's capacity (1) × proximity (1) × security delivery (1).
    assert_eq!(d.inputs.feasibility, 1.0);
    // The sanctions the West can impose: its share of the Target (0.2, at rest) × its capacity.
    assert!((d.inputs.cost - 0.2).abs() < 1e-9, "{}", d.inputs.cost);
    assert!((0.0..1.0).contains(&d.probability));
}

/// The state after step `step` of runs with the crisis forced to act and succeed, with
/// `params` added, and of the same world without the crisis.
fn forced(params: &str, steps: u32) -> (World, Full, Full) {
    let force = format!("decision_intercept = 100.0\nsuccess = 1.0\n{params}");
    let (w, with) = run(&scenario(BASE, steps, &force, CRISIS), 0);
    let (_, without) = run(&scenario(BASE, steps, &force, ""), 0);
    let d = hostile_decisions(&with.events);
    assert!(
        d[0].acted && d[0].success == Some(true),
        "forced to act and succeed"
    );
    (w, with, without)
}

fn share(w: &World, rs: &RunState, state: &str, power: &str) -> f64 {
    rs.share(w, w.state_id(state).unwrap(), w.power_id(power).unwrap())
}

#[test]
fn each_effect_of_an_intervention_acts_and_its_parameter_at_zero_switches_it_off() {
    let steps = 24;
    let (w, on, base) = forced("", steps);
    let np = w.powers().len();
    let (russia, target) = (0, w.state_id("Target").unwrap().index());
    let last = steps as usize;

    // War drain: Russia's capacity falls below the run without the crisis; off, it does not.
    let (_, off, _) = forced("hostile_war_drain = 0.0", steps);
    let cap = |f: &Full, s: usize| f.states[s].capacity[russia];
    eprintln!(
        "Russia's capacity at 12 months: {:.4} (drain off {:.4}, no crisis {:.4})",
        cap(&on, 12),
        cap(&off, 12),
        cap(&base, 12)
    );
    assert!(cap(&on, 12) < cap(&base, 12) - 0.04);
    assert_eq!(cap(&off, 12), cap(&base, 12));

    // The stake: the security tie with Russia is cut to 0; the co-ethnic share halves on success.
    // `x[state, power, channel]`, state-major (`RunState::ties`).
    let sec = (target * np + russia) * Channel::COUNT + Channel::Security.index();
    assert_eq!(on.states[1].ties[sec], 0.0);
    let (_, off, _) = forced("hostile_coethnic_loss = 0.0", steps);
    assert_eq!(on.states[1].events.coethnic[target * np + russia], 0.05);
    assert_eq!(off.states[1].events.coethnic[target * np + russia], 0.1);

    // Grievance toward Russia.
    let (_, off, _) = forced("hostile_grievance = 0.0", steps);
    let g = |f: &Full| f.states[1].events.grievance[target * np + russia];
    // Recorded after a month's decay (half-life 24 months).
    assert!(
        (g(&on) - 0.5 * 0.5f64.powf(1.0 / 24.0)).abs() < 1e-12,
        "{}",
        g(&on)
    );
    assert_eq!(g(&off), 0.0);

    // Alignment moved away at once: 30 % of the Target's share of Russia, to autonomy and West.
    let (_, off, _) = forced("hostile_alignment_shift = 0.0", steps);
    let t = |f: &Full, s: usize, p: &str| share(&w, &f.states[s], "Target", p);
    assert!((t(&on, 1, "Russia") - 0.7 * t(&base, 1, "Russia")).abs() < 1e-12);
    assert!(t(&on, 1, "West") > t(&base, 1, "West"));
    assert_eq!(t(&off, 1, "Russia"), t(&base, 1, "Russia"));
    // With shift, grievance and tie cut together the Target is further from Russia at the end.
    eprintln!(
        "Target's Russia share: month 1 {:.4} (shift off {:.4}, no crisis {:.4}); month {last} {:.4} (no crisis {:.4})",
        t(&on, 1, "Russia"),
        t(&off, 1, "Russia"),
        t(&base, 1, "Russia"),
        t(&on, last, "Russia"),
        t(&base, last, "Russia")
    );
    assert!(t(&on, last, "Russia") < t(&base, last, "Russia") - 0.1);

    // Threat perceived by the watchers: the balancer moves away from Russia, the bandwagoner
    // toward it; off, both stay where the run without the crisis leaves them. (The war drain,
    // which lowers Russia's capacity and with it every pull and threat, is off in both.)
    let (_, on, _) = forced("hostile_war_drain = 0.0", steps);
    let (_, off, _) = forced("hostile_war_drain = 0.0\nhostile_threat = 0.0", steps);
    let sh = |f: &Full, st: &str| share(&w, &f.states[last], st, "Russia");
    eprintln!(
        "Russia's share after {steps} months: balancer {:.4} (threat off {:.4}), bandwagoner {:.4} (off {:.4})",
        sh(&on, "Balancer"),
        sh(&off, "Balancer"),
        sh(&on, "Bandwagoner"),
        sh(&off, "Bandwagoner")
    );
    assert!(sh(&on, "Balancer") < sh(&off, "Balancer") - 1e-3);
    assert!(sh(&on, "Bandwagoner") > sh(&off, "Bandwagoner") + 1e-3);
    assert_eq!(sh(&off, "Balancer"), sh(&base, "Balancer"));
    assert_eq!(sh(&off, "Bandwagoner"), sh(&base, "Bandwagoner"));
    // It fades: halved after the half-life (36 months) of being added.
    let (_, long, _) = forced("", 37);
    let shift = |s: usize| long.states[s].events.threat_shift[russia];
    assert!((shift(37) / shift(1) - 0.5).abs() < 1e-9);
}

#[test]
fn a_declined_intervention_is_logged_and_changes_nothing() {
    let refuse = "decision_intercept = -100.0";
    let (w, with) = run(&scenario(BASE, 6, refuse, CRISIS), 0);
    let (_, without) = run(&scenario(BASE, 6, refuse, ""), 0);
    let d = hostile_decisions(&with.events);
    assert_eq!(d.len(), 1);
    assert!(!d[0].acted && d[0].success.is_none());
    assert!(with.events[0].describe(&w).contains("did not intervene"));
    // Only the bookkeeping of the decision's month differs (docs/model.md §3.4: a fall within
    // the window after a decision is not decided again); every quantity of the run is equal.
    let mut declined = with.states.last().unwrap().clone();
    assert_eq!(declined.events.last_hostile[0], Some(1));
    declined.events.last_hostile[0] = None;
    assert_eq!(Some(&declined), without.states.last());
}

#[test]
fn an_exit_or_suspension_now_changes_the_dynamics_beyond_the_participation_weight() {
    // The Bloc carries nothing and has one member, so its participation weight moves nothing in
    // the dynamics: any difference comes from Russia's decision on the departure.
    let k = Knobs {
        carries: "{}",
        ..BASE
    };
    let params = "decision_intercept = 100.0\nsuccess = 1.0";
    let exit = "[[events]]\nat = \"2025-03\"\nkind = \"exit\"\ninstitution = \"Bloc\"\nstate = \"Target\"\n";
    let with = scenario(k, 12, params, exit);
    let without = scenario(k, 12, params, "");
    let (w, a) = run(&with, 0);
    let (_, b) = run(&without, 0);
    let departures: Vec<&LoggedEvent> = a
        .events
        .iter()
        .filter(|e| e.origin == Origin::Departure)
        .collect();
    assert_eq!(departures.len(), 1);
    assert_eq!(departures[0].step, 2);
    let t = |f: &Full| share(&w, f.states.last().unwrap(), "Target", "Russia");
    assert!(t(&a) < t(&b) - 0.1, "{} vs {}", t(&a), t(&b));

    // A suspension, then an exit: each is a departure and each is decided.
    let both = format!(
        "{}{}",
        exit.replace("exit", "suspend"),
        exit.replace("2025-03", "2025-05")
    );
    let (_, c) = run(&scenario(k, 12, params, &both), 0);
    let steps: Vec<u32> = c
        .events
        .iter()
        .filter(|e| e.origin == Origin::Departure)
        .map(|e| e.step)
        .collect();
    assert_eq!(steps, [2, 4]);
}

/// The probability of the bloc's decision on a requested intervention against unrest of
/// severity 1 in the Target, under `k`.
fn friendly(k: Knobs) -> f64 {
    let unrest = "[[events]]\nat = \"2025-02\"\nkind = \"unrest\"\nstate = \"Target\"\nseverity = 1.0\nrequest = true\n";
    let (_, full) = run(&scenario(k, 1, "", unrest), 0);
    match &full.events[0].outcome {
        EventOutcome::Decided(d) => d.probability,
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_more_credible_bloc_and_a_leader_that_delivers_security_answer_more_often() {
    let by_credibility: Vec<f64> = [0.0, 0.5, 1.0]
        .iter()
        .map(|&credibility| {
            friendly(Knobs {
                credibility,
                ..BASE
            })
        })
        .collect();
    let by_delivery: Vec<f64> = [0.2, 0.6, 1.0]
        .iter()
        .map(|&russia_security| {
            friendly(Knobs {
                russia_security,
                ..BASE
            })
        })
        .collect();
    eprintln!("friendly P by credibility 0, 0.5, 1: {by_credibility:.3?}");
    eprintln!("friendly P by Russia's security delivery 0.2, 0.6, 1: {by_delivery:.3?}");
    assert!(
        by_credibility.windows(2).all(|w| w[0] < w[1]),
        "{by_credibility:?}"
    );
    assert!(
        by_delivery.windows(2).all(|w| w[0] < w[1]),
        "{by_delivery:?}"
    );
}

/// Russia's probability of a hostile decision on a departure (trigger 1) by each CSTO member
/// of the embedded world, at its start: under the default weights, and under the fit of the
/// table without the four cases added for the departures not answered by force, i.e. the
/// 19-case fit the review measured (docs/model.md §11: 0.6–0.94).
fn departure_chances() -> Vec<(&'static str, f64, f64)> {
    const ADDED: [&str; 4] = [
        "georgia-2003",
        "moldova-2022",
        "armenia-2024",
        "azerbaijan-2024",
    ];
    let mut nineteen = CaseTable::shipped();
    nineteen.cases.retain(|c| !ADDED.contains(&c.name.as_str()));
    assert_eq!(nineteen.cases.len(), 19);
    let nineteen = Fit::new(&nineteen).unwrap();
    let sc = geoalign::presets::eurasia_2025();
    let w = sc.world();
    let rs = RunState::new(w);
    let russia = w.power_id("Russia").unwrap();
    let members = [
        "Armenia",
        "Belarus",
        "Kazakhstan",
        "Kyrgyzstan",
        "Tajikistan",
    ];
    let chance = |name| {
        let (v, p) = hostile::chance(w, &rs, russia, w.state_id(name).unwrap(), 1.0);
        let before = nineteen.probability(&Codes {
            trigger: v.trigger,
            support: v.local_support,
            opposition: v.opposition,
            feasibility: v.feasibility,
            cost: v.cost,
        });
        println!(
            "{name}: P = {before:.3} → {p:.3} (support {:.2}, opposition {:.2}, \
             feasibility {:.2}, cost {:.2})",
            v.local_support, v.opposition, v.feasibility, v.cost
        );
        (name, before, p)
    };
    members.into_iter().map(chance).collect()
}

#[test]
fn a_departure_without_co_ethnics_or_reach_is_not_answered_by_force() {
    let p = departure_chances();
    let of = |name: &str| *p.iter().find(|(n, ..)| *n == name).unwrap();
    // Armenia froze its CSTO membership in 2024 and Russia did not intervene (data/
    // interventions.csv): with a tiny co-ethnic share and no land link, the engine now agrees;
    // with the 19-case weights it answered by force more often than not.
    let (_, before, after) = of("Armenia");
    assert!(before > 0.5 && after < 0.5, "{p:?}");
    // Every departure is less likely to be answered by force than before, and Kazakhstan
    // (15.5 % Russians, the longest border) stays the likelier target of the two.
    assert!(p.iter().all(|&(_, before, after)| after < before), "{p:?}");
    assert!(of("Kazakhstan").2 > of("Armenia").2, "{p:?}");
}
