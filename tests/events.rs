//! One integration test per event type, each proving the effect documented in
//! `geoalign::sim::events` against a baseline run of the same scenario without the event.
//!
//! Every scenario extends the embedded Eurasia 2025 world with no noise and no fragility
//! unrest, so nothing random happens except what a test schedules; decisions are forced with
//! the `[parameters.events]` overrides (`decision_intercept = ±100`, `success = 1 / 0`).
//! The world starts in January 2025, so step `n` is the date `at(n)`.

use std::collections::BTreeSet;

use geoalign::sim::events::kinds::{
    DiplomaticCrisis, ExternalOffer, SecondarySanctions, Unrest, War,
};
use geoalign::sim::events::{Decision, DecisionKind, Event, EventOutcome, LoggedEvent, Origin};
use geoalign::{
    Channel, Discard, EventParameters, Participation, Recorder, RunState, Scenario, Simulation,
    World,
};

const TOL: f64 = 1e-12;

/// The date of step `n` (step 0 = January 2025).
fn at(n: u32) -> String {
    format!("{}-{:02}", 2025 + n / 12, n % 12 + 1)
}

/// The quiet Eurasia world (no noise, no fragility unrest) for `steps` months, with extra
/// `[parameters.events]` keys and any further tables or events.
fn scenario(steps: u32, event_params: &str, rest: &str) -> Scenario {
    let text = format!(
        "extends = \"builtin:eurasia-2025\"\n\
         [horizon]\nsteps = {steps}\n\
         [parameters]\nnoise = 0.0\n\
         [parameters.events]\nunrest_hazard = 0.0\n{event_params}\n\
         {rest}\n"
    );
    Scenario::from_toml_str(&text, "test.toml").unwrap_or_else(|e| panic!("{e}\n{text}"))
}

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

/// Run number `run` of `scenario`, keeping every state.
fn run_full(scenario: Scenario, run: u64) -> (World, Full) {
    let sim = Simulation::new(scenario);
    let mut full = Full::default();
    sim.run(run, &mut full).expect("run");
    (sim.scenario().world().clone(), full)
}

fn run(scenario: Scenario) -> (World, Full) {
    run_full(scenario, 0)
}

fn sid(w: &World, name: &str) -> usize {
    w.state_id(name)
        .unwrap_or_else(|| panic!("no state {name}"))
        .index()
}

fn pid(w: &World, name: &str) -> usize {
    w.power_id(name)
        .unwrap_or_else(|| panic!("no power {name}"))
        .index()
}

fn iid(w: &World, name: &str) -> usize {
    w.institution_id(name)
        .unwrap_or_else(|| panic!("no institution {name}"))
        .index()
}

/// Slot of `state` among the members of `inst`.
fn slot(w: &World, inst: &str, state: &str) -> usize {
    let s = w.state_id(state).unwrap();
    w.institutions()[iid(w, inst)]
        .members
        .iter()
        .position(|&(m, _)| m == s)
        .unwrap_or_else(|| panic!("{state} is not a member of {inst}"))
}

fn tie(w: &World, rs: &RunState, state: &str, power: &str, ch: Channel) -> f64 {
    let np = w.powers().len();
    rs.ties[(sid(w, state) * np + pid(w, power)) * Channel::COUNT + ch.index()]
}

fn world_tie(w: &World, state: &str, power: &str, ch: Channel) -> f64 {
    w.tie(w.state_id(state).unwrap(), w.power_id(power).unwrap(), ch)
}

fn channel_total(w: &World, rs: &RunState, state: &str, ch: Channel) -> f64 {
    w.powers()
        .iter()
        .map(|p| tie(w, rs, state, &p.name, ch))
        .sum()
}

fn delivery(w: &World, rs: &RunState, power: &str, ch: Channel) -> f64 {
    rs.delivery[pid(w, power) * Channel::COUNT + ch.index()]
}

fn capacity(w: &World, rs: &RunState, power: &str) -> f64 {
    rs.capacity[pid(w, power)]
}

fn credibility(w: &World, rs: &RunState, inst: &str) -> f64 {
    rs.credibility[iid(w, inst)]
}

fn grievance(w: &World, rs: &RunState, state: &str, power: &str) -> f64 {
    rs.events.grievance[sid(w, state) * w.powers().len() + pid(w, power)]
}

fn alignment<'a>(w: &World, rs: &'a RunState, state: &str) -> &'a [f64] {
    rs.alignment_of(w, w.state_id(state).expect("state"))
}

/// The monthly grievance decay factor with the default half-life.
fn decay() -> f64 {
    0.5f64.powf(1.0 / EventParameters::default().grievance_half_life)
}

#[track_caller]
fn close(actual: f64, expected: f64, what: &str) {
    assert!(
        (actual - expected).abs() <= TOL,
        "{what}: got {actual}, expected {expected} (diff {:e})",
        actual - expected
    );
}

#[track_caller]
fn decision(e: &LoggedEvent) -> &Decision {
    match &e.outcome {
        EventOutcome::Decided(d) => d,
        other => panic!("expected a decision, got {other:?}"),
    }
}

#[track_caller]
fn assert_unit_inputs(d: &Decision) {
    let v = d.inputs;
    for (name, x) in [
        ("stake", v.stake),
        ("trigger", v.trigger),
        ("local_support", v.local_support),
        ("opposition", v.opposition),
        ("feasibility", v.feasibility),
        ("cost", v.cost),
        ("probability", d.probability),
    ] {
        assert!((0.0..=1.0).contains(&x), "{name} = {x} is outside [0, 1]");
    }
}

/// Only scheduled events of the given kinds, in order, at the given steps.
#[track_caller]
fn assert_log(log: &[LoggedEvent], expected: &[(u32, &str)]) {
    let got: Vec<(u32, &str)> = log.iter().map(|e| (e.step, e.event.kind())).collect();
    assert_eq!(got, expected, "event log");
    assert!(log.iter().all(|e| e.origin == Origin::Scheduled));
}

// ------------------------------------------------------------------------------------ war

#[test]
fn war_drains_capacity_and_delivery_geometrically_then_peace_or_its_end_date_starts_recovery() {
    let war = format!(
        "[[events]]\nat = \"{}\"\nkind = \"war\"\npower = \"Russia\"\ncapacity_drain = 0.05\n\
         delivery_drain = {{ security = 0.1 }}\nrecovery = 0.2\n",
        at(3)
    );
    let peace = format!(
        "{war}\n[[events]]\nat = \"{}\"\nkind = \"peace\"\npower = \"Russia\"\n",
        at(8)
    );
    let ends = format!("{war}ends = \"{}\"\n", at(8));

    let (w, base) = run(scenario(12, "", ""));
    let (_, endless) = run(scenario(12, "", &war));
    let (_, pz) = run(scenario(12, "", &peace));
    let (_, en) = run(scenario(12, "", &ends));

    assert_log(&endless.events, &[(3, "war")]);
    assert_log(&pz.events, &[(3, "war"), (8, "peace")]);
    assert_log(&en.events, &[(3, "war")]);
    assert!(matches!(
        en.events[0].event,
        Event::War(War { ends: Some(8), .. })
    ));
    assert!(pz.events.iter().all(|e| e.outcome == EventOutcome::Applied));

    for step in 0..=12u32 {
        let s = step as usize;
        let b_cap = capacity(&w, &base.states[s], "Russia");
        let b_sec = delivery(&w, &base.states[s], "Russia", Channel::Security);
        // Draining months up to `step`, counting the month of the outbreak.
        let n = step.saturating_sub(2) as i32;
        // A war without end: (1 − r)^n of the baseline.
        close(
            capacity(&w, &endless.states[s], "Russia"),
            b_cap * 0.95f64.powi(n),
            &format!("endless war capacity at step {step}"),
        );
        close(
            delivery(&w, &endless.states[s], "Russia", Channel::Security),
            b_sec * 0.9f64.powi(n),
            &format!("endless war security delivery at step {step}"),
        );
        // Peace in step 8: five months of drain, then the depth shrinks by 1 − recovery a month.
        let (cap_f, sec_f) = if step <= 7 {
            (0.95f64.powi(n), 0.9f64.powi(n))
        } else {
            let m = (step - 7) as i32;
            (
                1.0 - (1.0 - 0.95f64.powi(5)) * 0.8f64.powi(m),
                1.0 - (1.0 - 0.9f64.powi(5)) * 0.8f64.powi(m),
            )
        };
        close(
            capacity(&w, &pz.states[s], "Russia"),
            b_cap * cap_f,
            &format!("capacity at step {step}"),
        );
        close(
            delivery(&w, &pz.states[s], "Russia", Channel::Security),
            b_sec * sec_f,
            &format!("security delivery at step {step}"),
        );
        // Undrained channels and other powers are untouched.
        for ch in [Channel::Trade, Channel::Remittances, Channel::Energy] {
            assert_eq!(
                delivery(&w, &pz.states[s], "Russia", ch),
                delivery(&w, &base.states[s], "Russia", ch)
            );
        }
        for p in ["China", "USA", "EU", "Turkiye", "Iran"] {
            assert_eq!(
                capacity(&w, &pz.states[s], p),
                capacity(&w, &base.states[s], p)
            );
        }
        // An `ends` date in the month of the peace gives the same path, bit for bit.
        assert_eq!(en.states[s].capacity, pz.states[s].capacity, "step {step}");
        assert_eq!(en.states[s].delivery, pz.states[s].delivery, "step {step}");
        assert_eq!(
            en.states[s].alignment, pz.states[s].alignment,
            "step {step}"
        );
    }
    // Recovery is under way but incomplete by the end.
    let end = &pz.states[12];
    assert!(capacity(&w, end, "Russia") < 1.0);
    assert!(capacity(&w, end, "Russia") > capacity(&w, &pz.states[7], "Russia"));
}

// ------------------------------------------------------------------------------ sanctions

#[test]
fn sanctions_drain_capacity_cut_delivery_and_reroute_parallel_trade_within_the_channel_total() {
    let events = format!(
        "[[events]]\nat = \"{}\"\nkind = \"sanctions\"\nby = [\"USA\", \"EU\"]\non = \"Russia\"\n\
         capacity_drain = 0.02\ndelivery_cut = {{ trade = 0.2, investment = 0.3 }}\n\
         re_exporters = [\"Kyrgyzstan\", \"Kazakhstan\"]\nparallel_gain = 0.3\nends = \"{}\"\n",
        at(2),
        at(7)
    );
    let (w, base) = run(scenario(10, "", ""));
    let (_, sc) = run(scenario(10, "", &events));
    assert_log(&sc.events, &[(2, "sanctions")]);
    let recovery = EventParameters::default().sanctions_recovery;

    for step in 0..=10u32 {
        let s = step as usize;
        let (b, r) = (&base.states[s], &sc.states[s]);
        // Capacity: (1 − 0.02)^n while in force (steps 2–6), recovering from step 7.
        // Delivery: cut at once by the full depth, which holds until lifted.
        let (cap_f, trade_f, inv_f) = match step {
            0..=1 => (1.0, 1.0, 1.0),
            2..=6 => (0.98f64.powi(step as i32 - 1), 0.8, 0.7),
            _ => {
                let m = (step - 6) as i32;
                let k = (1.0 - recovery).powi(m);
                (
                    1.0 - (1.0 - 0.98f64.powi(5)) * k,
                    1.0 - 0.2 * k,
                    1.0 - 0.3 * k,
                )
            }
        };
        close(
            capacity(&w, r, "Russia"),
            capacity(&w, b, "Russia") * cap_f,
            &format!("capacity at step {step}"),
        );
        close(
            delivery(&w, r, "Russia", Channel::Trade),
            delivery(&w, b, "Russia", Channel::Trade) * trade_f,
            &format!("trade delivery at step {step}"),
        );
        close(
            delivery(&w, r, "Russia", Channel::Investment),
            delivery(&w, b, "Russia", Channel::Investment) * inv_f,
            &format!("investment delivery at step {step}"),
        );
        assert_eq!(
            delivery(&w, r, "Russia", Channel::Security),
            delivery(&w, b, "Russia", Channel::Security)
        );
        // The coalition is not drained.
        assert_eq!(capacity(&w, r, "USA"), capacity(&w, b, "USA"));
        // Parallel trade never takes a re-exporter's trade channel above 1.
        for state in ["Kyrgyzstan", "Kazakhstan"] {
            assert!(channel_total(&w, r, state, Channel::Trade) <= 1.0 + TOL);
        }
    }

    // In the month of the sanctions, each re-exporter re-routes 0.3 of its unmodelled trade
    // room: half to the target, a quarter to each of the two coalition powers.
    let (b, r) = (&base.states[2], &sc.states[2]);
    for state in ["Kyrgyzstan", "Kazakhstan"] {
        let total = channel_total(&w, b, state, Channel::Trade);
        assert!(total < 1.0, "{state} has trade room");
        let gain = 0.3 * (1.0 - total);
        for (power, share) in [("Russia", 0.5), ("USA", 0.25), ("EU", 0.25)] {
            close(
                tie(&w, r, state, power, Channel::Trade),
                tie(&w, b, state, power, Channel::Trade) + gain * share,
                &format!("{state}–{power} trade tie"),
            );
            assert!(
                tie(&w, r, state, power, Channel::Trade) > tie(&w, b, state, power, Channel::Trade)
            );
        }
        close(
            channel_total(&w, r, state, Channel::Trade),
            total + gain,
            &format!("{state} trade total"),
        );
        assert_eq!(
            tie(&w, r, state, "China", Channel::Trade),
            tie(&w, b, state, "China", Channel::Trade)
        );
    }
    // A state that is not a re-exporter keeps its trade ties.
    for p in w.powers() {
        assert_eq!(
            tie(&w, r, "Uzbekistan", &p.name, Channel::Trade),
            tie(&w, b, "Uzbekistan", &p.name, Channel::Trade)
        );
    }
}

#[test]
fn sanctions_with_a_certain_secondary_hazard_penalise_every_re_exporter_every_month_in_force() {
    let events = format!(
        "[[events]]\nat = \"{}\"\nkind = \"sanctions\"\nby = [\"USA\"]\non = \"Russia\"\n\
         capacity_drain = 0.0\nre_exporters = [\"Kyrgyzstan\"]\nsecondary_hazard = 1.0\n\
         secondary_cost = 0.1\nends = \"{}\"\n",
        at(2),
        at(6)
    );
    let (w, base) = run(scenario(
        9,
        "",
        &events.replace("secondary_hazard = 1.0", ""),
    ));
    let (_, sc) = run(scenario(9, "", &events));

    assert_eq!(sc.events[0].event.kind(), "sanctions");
    let secondary: Vec<&LoggedEvent> = sc.events[1..].iter().collect();
    assert!(!secondary.is_empty());
    let kg = w.state_id("Kyrgyzstan").unwrap();
    let usa = w.power_id("USA").unwrap();
    for e in &secondary {
        assert_eq!(e.origin, Origin::SanctionsHazard);
        assert_eq!(e.outcome, EventOutcome::Applied);
        assert_eq!(
            e.event,
            Event::SecondarySanctions(SecondarySanctions {
                by: vec![usa],
                state: kg,
                cost: 0.1
            })
        );
    }
    // One a month from the month of the sanctions while they are in force (steps 2 to 5),
    // never after they are lifted. (The draw of the lifting month itself, step 6, still
    // happens, although the sanctions' pressures already recover in that month; see the
    // report of this test file's author — not asserted either way here.)
    let steps: Vec<u32> = secondary.iter().map(|e| e.step).collect();
    assert_eq!(&steps[..4], &[2, 3, 4, 5]);
    assert!(
        steps.iter().all(|&s| s <= 6),
        "fired after lifting: {steps:?}"
    );
    // Each firing cuts a tenth of Kyrgyzstan's investment tie with the USA.
    let n = steps.len() as i32;
    close(
        tie(&w, &sc.states[9], "Kyrgyzstan", "USA", Channel::Investment),
        tie(
            &w,
            &base.states[9],
            "Kyrgyzstan",
            "USA",
            Channel::Investment,
        ) * 0.9f64.powi(n),
        "investment tie after the secondary sanctions",
    );
}

// -------------------------------------------------------------------- secondary_sanctions

#[test]
fn secondary_sanctions_cut_trade_and_investment_ties_with_the_coalition_and_add_grievance() {
    let events = format!(
        "[[events]]\nat = \"{}\"\nkind = \"secondary_sanctions\"\nby = [\"USA\", \"EU\"]\n\
         state = \"Kyrgyzstan\"\ncost = 0.2\n",
        at(2)
    );
    let (w, base) = run(scenario(12, "", ""));
    let (_, sc) = run(scenario(12, "", &events));
    assert_log(&sc.events, &[(2, "secondary_sanctions")]);
    assert_eq!(sc.events[0].outcome, EventOutcome::Applied);

    let (b, r) = (&base.states[2], &sc.states[2]);
    for power in ["USA", "EU"] {
        for ch in [Channel::Trade, Channel::Investment] {
            close(
                tie(&w, r, "Kyrgyzstan", power, ch),
                tie(&w, b, "Kyrgyzstan", power, ch) * 0.8,
                &format!("Kyrgyzstan–{power} {ch}"),
            );
        }
        // Other channels stay.
        for ch in [Channel::Security, Channel::Labour, Channel::Culture] {
            assert_eq!(
                tie(&w, r, "Kyrgyzstan", power, ch),
                tie(&w, b, "Kyrgyzstan", power, ch)
            );
        }
        // Grievance: sanctions_grievance × cost, then halving every 24 months.
        let g0 = EventParameters::default().sanctions_grievance * 0.2;
        for step in 2..=12usize {
            close(
                grievance(&w, &sc.states[step], "Kyrgyzstan", power),
                g0 * decay().powi(step as i32 - 1),
                &format!("grievance toward {power} at step {step}"),
            );
        }
    }
    // Non-coalition powers and other states are untouched.
    assert_eq!(
        tie(&w, r, "Kyrgyzstan", "Russia", Channel::Investment),
        tie(&w, b, "Kyrgyzstan", "Russia", Channel::Investment)
    );
    assert_eq!(grievance(&w, r, "Kyrgyzstan", "Russia"), 0.0);
    assert_eq!(
        tie(&w, r, "Kazakhstan", "USA", Channel::Investment),
        tie(&w, b, "Kazakhstan", "USA", Channel::Investment)
    );
    // With weaker ties and a grievance, Kyrgyzstan ends less aligned with the USA.
    let usa = pid(&w, "USA");
    assert!(
        alignment(&w, &sc.states[12], "Kyrgyzstan")[usa]
            < alignment(&w, &base.states[12], "Kyrgyzstan")[usa]
    );
}

// ----------------------------------------------------------------------- remittance_shock

#[test]
fn remittance_shock_cuts_delivery_then_recovers_and_moves_labour_and_remittance_ties_to_alternatives(
) {
    let events = format!(
        "[[events]]\nat = \"{}\"\nkind = \"remittance_shock\"\npower = \"Russia\"\nsize = 0.1\n\
         recovery = 0.5\nshift = 0.2\nalternatives = {{ Turkiye = 0.3, EU = 0.2 }}\n",
        at(2)
    );
    let (w, base) = run(scenario(5, "", ""));
    let (_, sc) = run(scenario(5, "", &events));
    assert_log(&sc.events, &[(2, "remittance_shock")]);

    // Delivery: 0.9× in the month of the shock, then the fall halves every month.
    for (step, factor) in [(1, 1.0), (2, 0.9), (3, 0.95), (4, 0.975), (5, 0.9875)] {
        close(
            delivery(&w, &sc.states[step], "Russia", Channel::Remittances),
            delivery(&w, &base.states[step], "Russia", Channel::Remittances) * factor,
            &format!("remittance delivery at step {step}"),
        );
        assert_eq!(
            delivery(&w, &sc.states[step], "Russia", Channel::Labour),
            delivery(&w, &base.states[step], "Russia", Channel::Labour)
        );
    }

    // Ties: a fifth of every movable state's labour and remittance tie with Russia moves away;
    // 0.3 of it to Türkiye, 0.2 to the EU, the rest out of the world.
    let r = &sc.states[2];
    let mut moved_somewhere = false;
    for st in w.states() {
        let name = st.name.as_str();
        for ch in [Channel::Labour, Channel::Remittances] {
            let x = world_tie(&w, name, "Russia", ch);
            let tr = world_tie(&w, name, "Turkiye", ch);
            let eu = world_tie(&w, name, "EU", ch);
            if st.fixed {
                assert_eq!(tie(&w, r, name, "Russia", ch), x, "{name} is fixed");
                assert_eq!(tie(&w, r, name, "Turkiye", ch), tr, "{name} is fixed");
                continue;
            }
            let moved = 0.2 * x;
            moved_somewhere |= moved > 0.0;
            close(
                tie(&w, r, name, "Russia", ch),
                x - moved,
                &format!("{name}–Russia {ch}"),
            );
            close(
                tie(&w, r, name, "Turkiye", ch),
                (tr + 0.3 * moved).min(1.0),
                &format!("{name}–Türkiye {ch}"),
            );
            close(
                tie(&w, r, name, "EU", ch),
                (eu + 0.2 * moved).min(1.0),
                &format!("{name}–EU {ch}"),
            );
            assert_eq!(
                tie(&w, r, name, "China", ch),
                world_tie(&w, name, "China", ch)
            );
        }
    }
    assert!(moved_somewhere);
    // Tajikistan, the most remittance-dependent state, as a worked example.
    let x = world_tie(&w, "Tajikistan", "Russia", Channel::Remittances);
    assert!(x > 0.2);
    close(
        tie(&w, r, "Tajikistan", "Russia", Channel::Remittances),
        0.8 * x,
        "Tajikistan–Russia remittances",
    );
}

// ---------------------------------------------------------------------------------- unrest

/// Unrest in Kazakhstan at step 2 (severity 0.9), with `request` and contributors Belarus and
/// Kyrgyzstan, under the given decision overrides; the baseline and the run.
fn unrest(event_params: &str, request: bool) -> (World, Full, Full) {
    let events = format!(
        "[[events]]\nat = \"{}\"\nkind = \"unrest\"\nstate = \"Kazakhstan\"\nseverity = 0.9\n\
         request = {request}\ncontributors = [\"Belarus\", \"Kyrgyzstan\"]\n",
        at(2)
    );
    let (w, base) = run(scenario(4, event_params, ""));
    let (_, sc) = run(scenario(4, event_params, &events));
    assert_log(&sc.events, &[(2, "unrest")]);
    (w, base, sc)
}

/// The five variables of the Kazakh unrest, from the baseline state at the decision.
#[track_caller]
fn check_unrest_inputs(w: &World, base: &RunState, d: &Decision, requested: bool) {
    let np = w.powers().len();
    let a = alignment(w, base, "Kazakhstan");
    let russia = pid(w, "Russia");
    let top = a[..np].iter().copied().fold(0.0, f64::max);
    let stake = a[russia] / top;
    let cost = (0..np)
        .filter(|&q| q != russia)
        .map(|q| a[q])
        .fold(0.0, f64::max);
    assert_eq!(d.kind, DecisionKind::Intervention);
    assert_eq!(d.institution.index(), iid(w, "CSTO"));
    assert_eq!(d.leader.index(), russia);
    close(d.inputs.stake, stake, "stake");
    // The bloc's credibility puts the leader's reputation at stake (docs/model.md §3.3).
    let reputation = 0.5 + 0.5 * credibility(w, base, "CSTO");
    close(d.inputs.trigger, 0.9 * stake * reputation, "trigger");
    let (support, opposition) = if requested {
        (1.0, 0.0)
    } else {
        (0.0, 1.0 - stake)
    };
    close(d.inputs.local_support, support, "local support");
    close(d.inputs.opposition, opposition, "opposition");
    let proximity = w.states()[sid(w, "Kazakhstan")].proximity[russia];
    let means =
        capacity(w, base, "Russia").min(1.0) * delivery(w, base, "Russia", Channel::Security);
    close(d.inputs.feasibility, proximity * means, "feasibility");
    close(d.inputs.cost, cost, "cost");
    assert_unit_inputs(d);
}

#[test]
fn unrest_with_request_and_certain_success_moves_alignment_toward_the_leader_and_raises_credibility(
) {
    let (w, base, sc) = unrest("decision_intercept = 100.0\nsuccess = 1.0", true);
    let p = EventParameters::default();
    let e = &sc.events[0];
    assert!(matches!(
        e.event,
        Event::Unrest(Unrest {
            severity: Some(s),
            request: Some(true),
            ..
        }) if s == 0.9
    ));
    let d = decision(e);
    check_unrest_inputs(&w, &base.states[2], d, true);
    assert_eq!(d.probability, 1.0);
    assert!(d.acted);
    assert_eq!(d.success, Some(true));
    assert_eq!(d.success_probability, Some(1.0));

    let (b, r) = (&base.states[2], &sc.states[2]);
    let russia = pid(&w, "Russia");
    // Alignment: the convex combination (1 − κ) a + κ e_Russia, κ = alignment_shift.
    let k = p.alignment_shift;
    let (ab, ar) = (
        alignment(&w, b, "Kazakhstan"),
        alignment(&w, r, "Kazakhstan"),
    );
    for (j, (&x, &y)) in ab.iter().zip(ar).enumerate() {
        let vertex = if j == russia { 1.0 } else { 0.0 };
        close(y, (1.0 - k) * x + k * vertex, &format!("component {j}"));
    }
    close(ar.iter().sum(), 1.0, "simplex");
    assert!(ar[russia] > ab[russia]);
    assert_eq!(
        alignment(&w, r, "Uzbekistan"),
        alignment(&w, b, "Uzbekistan")
    );
    // Security tie gains security_gain of its room.
    let x = tie(&w, b, "Kazakhstan", "Russia", Channel::Security);
    close(
        tie(&w, r, "Kazakhstan", "Russia", Channel::Security),
        x + p.security_gain * (1.0 - x),
        "security tie",
    );
    // CSTO credibility rises by credibility_success and the shift persists.
    for step in 2..=4 {
        close(
            credibility(&w, &sc.states[step], "CSTO"),
            credibility(&w, &base.states[step], "CSTO") + p.credibility_success,
            &format!("CSTO credibility at step {step}"),
        );
    }
    assert_eq!(credibility(&w, r, "EAEU"), credibility(&w, b, "EAEU"));
    // Contributors become more fragile; the others do not.
    for s in ["Belarus", "Kyrgyzstan"] {
        close(
            r.events.fragility[sid(&w, s)],
            (w.states()[sid(&w, s)].fragility * p.contingent_fragility).min(1.0),
            &format!("{s} fragility"),
        );
        assert!(r.events.fragility[sid(&w, s)] > w.states()[sid(&w, s)].fragility);
    }
    for s in ["Kazakhstan", "Tajikistan", "Armenia"] {
        assert_eq!(
            r.events.fragility[sid(&w, s)],
            w.states()[sid(&w, s)].fragility
        );
    }
}

#[test]
fn unrest_with_certain_failure_moves_the_leaders_share_to_autonomy_and_costs_credibility() {
    let (w, base, sc) = unrest("decision_intercept = 100.0\nsuccess = 0.0", true);
    let p = EventParameters::default();
    let d = decision(&sc.events[0]);
    check_unrest_inputs(&w, &base.states[2], d, true);
    assert!(d.acted);
    assert_eq!(d.success, Some(false));
    assert_eq!(d.success_probability, Some(0.0));

    let (b, r) = (&base.states[2], &sc.states[2]);
    let russia = pid(&w, "Russia");
    let (ab, ar) = (
        alignment(&w, b, "Kazakhstan"),
        alignment(&w, r, "Kazakhstan"),
    );
    let auto = w.components() - 1;
    let moved = p.alignment_shift.min(ab[russia]);
    for j in 0..w.components() {
        let expected = if j == russia {
            ab[j] - moved
        } else if j == auto {
            ab[j] + moved
        } else {
            ab[j]
        };
        close(ar[j], expected, &format!("component {j}"));
    }
    close(ar.iter().sum(), 1.0, "simplex");
    close(
        tie(&w, r, "Kazakhstan", "Russia", Channel::Security),
        tie(&w, b, "Kazakhstan", "Russia", Channel::Security) * (1.0 - p.security_cut),
        "security tie",
    );
    close(
        credibility(&w, r, "CSTO"),
        credibility(&w, b, "CSTO") - p.credibility_failure,
        "CSTO credibility",
    );
    // The contingents were sent even though the intervention failed.
    for s in ["Belarus", "Kyrgyzstan"] {
        close(
            r.events.fragility[sid(&w, s)],
            w.states()[sid(&w, s)].fragility * p.contingent_fragility,
            &format!("{s} fragility"),
        );
    }
}

#[test]
fn unrest_with_an_ignored_request_counts_as_an_unanswered_appeal_and_without_request_changes_nothing(
) {
    let p = EventParameters::default();
    let (w, base, sc) = unrest("decision_intercept = -100.0", true);
    let d = decision(&sc.events[0]);
    check_unrest_inputs(&w, &base.states[2], d, true);
    assert!(!d.acted);
    assert!(d.probability < 1e-30);
    assert_eq!((d.success, d.success_probability), (None, None));
    assert_eq!(d.participation, None);
    let (b, r) = (&base.states[2], &sc.states[2]);
    let (csto, kz) = (iid(&w, "CSTO"), slot(&w, "CSTO", "Kazakhstan"));
    assert_eq!(r.events.unanswered[csto][kz], 1);
    assert_eq!(r.participation[csto][kz], Participation::Active);
    close(
        credibility(&w, r, "CSTO"),
        credibility(&w, b, "CSTO") - p.credibility_unanswered,
        "CSTO credibility",
    );
    close(
        tie(&w, r, "Kazakhstan", "Russia", Channel::Security),
        tie(&w, b, "Kazakhstan", "Russia", Channel::Security) * (1.0 - p.security_cut),
        "security tie",
    );
    close(
        grievance(&w, r, "Kazakhstan", "Russia"),
        p.grievance_unanswered * decay(),
        "grievance",
    );
    assert_eq!(
        alignment(&w, r, "Kazakhstan"),
        alignment(&w, b, "Kazakhstan")
    );
    assert_eq!(
        r.events.fragility, b.events.fragility,
        "no contingents were sent"
    );

    // Without a request, a bloc that does not act leaves the run as the baseline but for the
    // regime threat the unrest leaves (docs/model.md §10.3; the embedded world turns the
    // regime-security term on): from the month after, Kazakhstan values its security patron
    // Russia more. Before the unrest, and in the month it fires, the runs are identical.
    let (w, base, sc) = unrest("decision_intercept = -100.0", false);
    let d = decision(&sc.events[0]);
    check_unrest_inputs(&w, &base.states[2], d, false);
    assert!(!d.acted);
    let kz = w.state_id("Kazakhstan").unwrap().index();
    let russia = w.power_id("Russia").unwrap().index();
    for (step, (b, r)) in base.states.iter().zip(&sc.states).enumerate() {
        let mut without_threat = r.clone();
        without_threat.events.regime_threat = b.events.regime_threat.clone();
        if step < 2 {
            assert_eq!(r, b, "step {step}");
            continue;
        }
        // Severity 0.9, halving every six months: above 0.5 for the two months after.
        assert!(r.events.regime_threat[kz] > 0.5, "step {step}");
        assert_eq!(b.events.regime_threat[kz], 0.0);
        if step == 2 {
            assert_eq!(&without_threat, b);
        } else {
            assert_eq!(
                (&r.participation, &r.credibility),
                (&b.participation, &b.credibility)
            );
            assert!(
                alignment(&w, r, "Kazakhstan")[russia] > alignment(&w, b, "Kazakhstan")[russia],
                "step {step}"
            );
        }
    }
}

// ------------------------------------------------------------------------ security_appeal

#[test]
fn unanswered_security_appeals_suspend_then_exit_the_member_cut_its_tie_and_credibility() {
    let p = EventParameters::default();
    assert_eq!((p.suspend_after, p.exit_after), (2, 4));
    let mut events = String::new();
    for step in 2..=6 {
        events.push_str(&format!(
            "[[events]]\nat = \"{}\"\nkind = \"security_appeal\"\nstate = \"Kazakhstan\"\n\
             institution = \"CSTO\"\nseverity = 0.5\n",
            at(step)
        ));
    }
    let params = "decision_intercept = -100.0";
    let (w, base) = run(scenario(7, params, ""));
    let (_, sc) = run(scenario(7, params, &events));
    let (csto, kz) = (iid(&w, "CSTO"), slot(&w, "CSTO", "Kazakhstan"));
    use Participation::{Active, Exited, Suspended};

    let expected = [
        (2, None),
        (3, Some((Active, Suspended))),
        (4, None),
        (5, Some((Suspended, Exited))),
    ];
    // Each departure (the suspension, then the exit) is followed by Russia's decision on a
    // hostile intervention (docs/model.md §3.4), which the intercept of −100 declines.
    let departures: Vec<u32> = sc
        .events
        .iter()
        .filter(|e| e.origin == Origin::Departure)
        .inspect(|e| match &e.outcome {
            EventOutcome::Hostile(h) => assert!(!h.acted && h.inputs.trigger == 1.0),
            other => panic!("expected a hostile decision, got {other:?}"),
        })
        .map(|e| e.step)
        .collect();
    assert_eq!(departures, [3, 5]);
    let appeals: Vec<&LoggedEvent> = sc
        .events
        .iter()
        .filter(|e| e.origin != Origin::Departure)
        .collect();
    assert_eq!(appeals.len(), 5);
    for (e, (step, change)) in appeals.iter().zip(expected) {
        assert_eq!(e.step, step);
        let d = decision(e);
        assert_eq!(d.kind, DecisionKind::Appeal);
        assert!(!d.acted);
        assert_eq!(
            d.participation, change,
            "participation change at step {step}"
        );
        assert_eq!(d.inputs.local_support, 1.0);
        assert_eq!(d.inputs.opposition, 0.5, "no named adversary");
        assert_unit_inputs(d);
    }
    // The appeal of a member that has exited is skipped.
    let last = appeals[4];
    assert_eq!(last.step, 6);
    match &last.outcome {
        EventOutcome::Skipped { reason } => assert!(reason.contains("exited"), "{reason}"),
        other => panic!("expected a skipped appeal, got {other:?}"),
    }

    let part: Vec<Participation> = sc
        .states
        .iter()
        .map(|s| s.participation[csto][kz])
        .collect();
    assert_eq!(
        part,
        [Active, Active, Active, Suspended, Suspended, Exited, Exited, Exited]
    );
    assert!(base
        .states
        .iter()
        .all(|s| s.participation[csto][kz] == Active));
    let count: Vec<u32> = sc
        .states
        .iter()
        .map(|s| s.events.unanswered[csto][kz])
        .collect();
    assert_eq!(count, [0, 0, 1, 2, 3, 4, 4, 4]);

    let x0 = world_tie(&w, "Kazakhstan", "Russia", Channel::Security);
    for (step, n) in [(1, 0), (2, 1), (3, 2), (4, 3), (5, 4), (6, 4), (7, 4)] {
        let r = &sc.states[step];
        close(
            tie(&w, r, "Kazakhstan", "Russia", Channel::Security),
            x0 * (1.0 - p.security_cut).powi(n),
            &format!("security tie at step {step}"),
        );
        // Credibility falls by credibility_unanswered per appeal, never below 0.
        close(
            credibility(&w, r, "CSTO"),
            (credibility(&w, &base.states[step], "CSTO") - n as f64 * p.credibility_unanswered)
                .max(0.0),
            &format!("CSTO credibility at step {step}"),
        );
    }
    assert_eq!(credibility(&w, &sc.states[5], "CSTO"), 0.0);
    // The shift is cut back at the bound: no hidden debt below zero credibility.
    close(
        sc.states[5].events.credibility_shift[csto],
        -credibility(&w, &base.states[5], "CSTO"),
        "credibility shift at the bound",
    );
    // Four unanswered appeals leave a grievance toward the leader.
    assert!(grievance(&w, &sc.states[7], "Kazakhstan", "Russia") > 3.0 * p.grievance_unanswered);
}

#[test]
fn an_answered_appeal_of_a_suspended_member_below_the_threshold_restores_it_or_fails_visibly() {
    // Armenia is suspended in the 2025 world; with two unanswered appeals on its count, an
    // answered one brings it below suspend_after. Success depends on the opposition, so both
    // branches are checked over several runs.
    let params = "decision_intercept = 100.0\nsuccess = 1.0";
    let rest = format!(
        "[institutions.CSTO.unanswered]\nArmenia = 2\n\
         [[events]]\nat = \"{}\"\nkind = \"security_appeal\"\nstate = \"Armenia\"\n\
         institution = \"CSTO\"\nagainst = \"Azerbaijan\"\nseverity = 0.8\n",
        at(2)
    );
    let p = EventParameters::default();
    let (w, base) = run(scenario(
        3,
        params,
        "[institutions.CSTO.unanswered]\nArmenia = 2\n",
    ));
    let (csto, am) = (iid(&w, "CSTO"), slot(&w, "CSTO", "Armenia"));
    let russia = pid(&w, "Russia");
    let np = w.powers().len();
    let b = &base.states[2];
    let camp: f64 = (0..np)
        .filter(|&q| q != russia)
        .map(|q| alignment(&w, b, "Azerbaijan")[q])
        .sum();
    let (mut successes, mut failures) = (0, 0);
    for run_index in 0..24 {
        let (_, sc) = run_full(scenario(3, params, &rest), run_index);
        let r = &sc.states[2];
        let d = decision(&sc.events[0]);
        assert_eq!(d.kind, DecisionKind::Appeal);
        assert!(d.acted);
        close(
            d.inputs.opposition,
            camp,
            "opposition = the adversary's other alignments",
        );
        close(
            d.success_probability.unwrap(),
            1.0 - camp / 2.0,
            "success probability",
        );
        assert_unit_inputs(d);
        if d.success == Some(true) {
            successes += 1;
            assert_eq!(
                d.participation,
                Some((Participation::Suspended, Participation::Active))
            );
            assert_eq!(r.participation[csto][am], Participation::Active);
            assert_eq!(r.events.unanswered[csto][am], 1);
            close(
                credibility(&w, r, "CSTO"),
                credibility(&w, b, "CSTO") + p.credibility_success,
                "CSTO credibility after an answered appeal",
            );
            assert!(alignment(&w, r, "Armenia")[russia] > alignment(&w, b, "Armenia")[russia]);
        } else {
            failures += 1;
            assert_eq!(d.participation, None);
            assert_eq!(r.participation[csto][am], Participation::Suspended);
            assert_eq!(r.events.unanswered[csto][am], 2);
            close(
                credibility(&w, r, "CSTO"),
                (credibility(&w, b, "CSTO") - p.credibility_failure).max(0.0),
                "CSTO credibility after a failed answer",
            );
        }
    }
    assert!(
        successes > 0 && failures > 0,
        "{successes} successes, {failures} failures"
    );
}

// ---------------------------------------------------------------------------- border_clash

fn clash(params: &str, rest: &str) -> (World, Full, Full) {
    let events = format!(
        "{rest}\n[[events]]\nat = \"{}\"\nkind = \"border_clash\"\n\
         states = [\"Kyrgyzstan\", \"Tajikistan\"]\ninstitution = \"CSTO\"\nseverity = 0.8\n",
        at(2)
    );
    let (w, base) = run(scenario(4, params, rest));
    let (_, sc) = run(scenario(4, params, &events));
    assert_log(&sc.events, &[(2, "border_clash")]);
    (w, base, sc)
}

#[test]
fn failed_mediation_of_a_border_clash_costs_credibility_and_leaves_both_states_a_grievance() {
    let p = EventParameters::default();
    let (w, base, sc) = clash("decision_intercept = -100.0", "");
    let d = decision(&sc.events[0]);
    assert_eq!(d.kind, DecisionKind::Mediation);
    assert_eq!(d.institution.index(), iid(&w, "CSTO"));
    assert!(!d.acted);
    let russia = pid(&w, "Russia");
    let b = &base.states[2];
    let (ai, aj) = (
        alignment(&w, b, "Kyrgyzstan")[russia],
        alignment(&w, b, "Tajikistan")[russia],
    );
    let stake = (ai - aj).abs() / ai.max(aj);
    assert!(stake > 0.0);
    close(d.inputs.stake, stake, "stake");
    let reputation = 0.5 + 0.5 * credibility(&w, b, "CSTO");
    close(d.inputs.trigger, 0.8 * stake * reputation, "trigger");
    assert_eq!((d.inputs.local_support, d.inputs.opposition), (1.0, 1.0));
    assert_unit_inputs(d);

    for step in 2..=4 {
        let r = &sc.states[step];
        close(
            credibility(&w, r, "CSTO"),
            credibility(&w, &base.states[step], "CSTO") - p.credibility_mediation,
            &format!("CSTO credibility at step {step}"),
        );
        for s in ["Kyrgyzstan", "Tajikistan"] {
            close(
                grievance(&w, r, s, "Russia"),
                p.grievance_unanswered / 2.0 * decay().powi(step as i32 - 1),
                &format!("{s} grievance toward Russia at step {step}"),
            );
        }
        assert_eq!(grievance(&w, r, "Kazakhstan", "Russia"), 0.0);
        assert_eq!(grievance(&w, r, "Kyrgyzstan", "China"), 0.0);
    }
}

#[test]
fn successful_mediation_raises_credibility_and_an_equally_aligned_pair_gives_zero_stake() {
    let p = EventParameters::default();
    let (w, base, sc) = clash("decision_intercept = 100.0", "");
    let d = decision(&sc.events[0]);
    assert!(d.acted);
    assert_eq!((d.success, d.success_probability), (Some(true), Some(1.0)));
    let r = &sc.states[2];
    close(
        credibility(&w, r, "CSTO"),
        credibility(&w, &base.states[2], "CSTO") + p.credibility_mediation,
        "CSTO credibility",
    );
    assert!(r.events.grievance.iter().all(|&g| g == 0.0));

    // Both parties equally aligned with Russia (held still by zero inertia): no stake.
    let equal = "[states.Kyrgyzstan]\ninertia = 0.0\n[states.Tajikistan]\ninertia = 0.0\n\
                 [states.Tajikistan.alignment]\nRussia = 0.50\nautonomy = 0.20\n";
    let (w, base, sc) = clash("decision_intercept = -100.0", equal);
    let russia = pid(&w, "Russia");
    assert_eq!(
        alignment(&w, &base.states[2], "Kyrgyzstan")[russia],
        alignment(&w, &base.states[2], "Tajikistan")[russia]
    );
    let d = decision(&sc.events[0]);
    assert_eq!(d.inputs.stake, 0.0);
    assert_eq!(d.inputs.trigger, 0.0);
}

// ----------------------------------------------------------------------- diplomatic_crisis

#[test]
fn diplomatic_crisis_cuts_culture_and_media_ties_adds_grievance_and_costs_the_powers_blocs() {
    let p = EventParameters::default();
    let events = format!(
        "[[events]]\nat = \"{}\"\nkind = \"diplomatic_crisis\"\npower = \"Russia\"\n\
         state = \"Kazakhstan\"\nseverity = 0.5\n",
        at(2)
    );
    let (w, base) = run(scenario(3, "", ""));
    let (_, sc) = run(scenario(3, "", &events));
    assert_log(&sc.events, &[(2, "diplomatic_crisis")]);
    let (b, r) = (&base.states[2], &sc.states[2]);
    let cut = 1.0 - p.crisis_tie_cut * 0.5;
    for ch in [Channel::Culture, Channel::Media] {
        close(
            tie(&w, r, "Kazakhstan", "Russia", ch),
            world_tie(&w, "Kazakhstan", "Russia", ch) * cut,
            &format!("Kazakhstan–Russia {ch}"),
        );
        assert_eq!(
            tie(&w, r, "Kazakhstan", "China", ch),
            world_tie(&w, "Kazakhstan", "China", ch)
        );
    }
    assert_eq!(
        tie(&w, r, "Kazakhstan", "Russia", Channel::Energy),
        world_tie(&w, "Kazakhstan", "Russia", Channel::Energy)
    );
    close(
        grievance(&w, r, "Kazakhstan", "Russia"),
        p.crisis_grievance * 0.5 * decay(),
        "grievance",
    );
    // The blocs Russia leads with Kazakhstan as a member lose credibility; the others do not.
    for inst in ["CSTO", "EAEU"] {
        close(
            credibility(&w, r, inst),
            credibility(&w, b, inst) - p.crisis_credibility * 0.5,
            inst,
        );
    }
    for inst in ["UnionState", "SCO", "OTS", "NATO", "EU"] {
        assert_eq!(credibility(&w, r, inst), credibility(&w, b, inst), "{inst}");
    }
}

// -------------------------------------------------------------------------- external_offer

#[test]
fn external_offer_raises_the_tie_by_amount_times_room_and_certain_retaliation_cuts_the_rivals_ties()
{
    let p = EventParameters::default();
    // Russia's coercion 1 at capacity 1: the retaliation probability is `retaliation`.
    let coercion = "[powers.Russia]\ncoercion = 1.0\n";
    let offers = format!(
        "{coercion}\n[[events]]\nat = \"{a}\"\nkind = \"external_offer\"\npower = \"USA\"\n\
         state = \"Kazakhstan\"\nchannel = \"investment\"\namount = 0.3\nrival = \"Russia\"\n\
         [[events]]\nat = \"{a}\"\nkind = \"external_offer\"\npower = \"China\"\n\
         state = \"Uzbekistan\"\nchannel = \"trade\"\namount = 0.5\n",
        a = at(2)
    );
    for retaliation in [1.0, 0.0] {
        let params = format!("retaliation = {retaliation}");
        let (w, base) = run(scenario(3, &params, coercion));
        let (_, sc) = run(scenario(3, &params, &offers));
        assert_log(&sc.events, &[(2, "external_offer"), (2, "external_offer")]);
        let (b, r) = (&base.states[2], &sc.states[2]);
        let russia = w.power_id("Russia").unwrap();

        // Investment has no feedback: the room is 1 − x.
        let x = tie(&w, b, "Kazakhstan", "USA", Channel::Investment);
        close(
            tie(&w, r, "Kazakhstan", "USA", Channel::Investment),
            x + 0.3 * (1.0 - x),
            "Kazakhstan–USA investment",
        );
        // Trade shares sum to at most 1: the room is also bounded by 1 − the channel total.
        let y = tie(&w, b, "Uzbekistan", "China", Channel::Trade);
        let total = channel_total(&w, b, "Uzbekistan", Channel::Trade);
        let room = (1.0 - y).min(1.0 - total).max(0.0);
        close(
            tie(&w, r, "Uzbekistan", "China", Channel::Trade),
            y + 0.5 * room,
            "Uzbekistan–China trade",
        );
        assert!(channel_total(&w, r, "Uzbekistan", Channel::Trade) <= 1.0 + TOL);

        let retaliated = retaliation == 1.0;
        match &sc.events[0].outcome {
            EventOutcome::Offer {
                rival,
                probability,
                retaliated: did,
            } => {
                assert_eq!(*rival, Some(russia));
                close(*probability, retaliation, "retaliation probability");
                assert_eq!(*did, retaliated);
            }
            other => panic!("expected an offer, got {other:?}"),
        }
        // With no rival named, the rival is Uzbekistan's largest other power share.
        let np = w.powers().len();
        let a = alignment(&w, b, "Uzbekistan");
        let china = pid(&w, "China");
        let largest = (0..np)
            .filter(|&q| q != china)
            .max_by(|&p, &q| a[p].total_cmp(&a[q]))
            .unwrap();
        assert!(matches!(
            &sc.events[1].event,
            Event::ExternalOffer(ExternalOffer { rival: Some(q), .. }) if q.index() == largest
        ));

        for ch in [Channel::Labour, Channel::Remittances] {
            let before = tie(&w, b, "Kazakhstan", "Russia", ch);
            let factor = if retaliated {
                1.0 - p.retaliation_cut
            } else {
                1.0
            };
            close(
                tie(&w, r, "Kazakhstan", "Russia", ch),
                before * factor,
                &format!("Kazakhstan–Russia {ch} (retaliation {retaliation})"),
            );
        }
        let expected_grievance = if retaliated {
            p.retaliation_grievance * decay()
        } else {
            0.0
        };
        close(
            grievance(&w, r, "Kazakhstan", "Russia"),
            expected_grievance,
            "grievance toward Russia",
        );
    }
}

// ----------------------------------------------------------------------------------- hazard

#[test]
fn a_certain_hazard_fires_every_month_inside_its_window_and_never_outside() {
    let events = format!(
        "[[events]]\nmonthly = 1.0\nfrom = \"{}\"\nuntil = \"{}\"\nkind = \"diplomatic_crisis\"\n\
         power = \"Russia\"\nstate = \"Georgia\"\nseverity = 0.1\n",
        at(3),
        at(6)
    );
    let (w, sc) = run(scenario(10, "", &events));
    let steps: Vec<u32> = sc.events.iter().map(|e| e.step).collect();
    assert_eq!(steps, [3, 4, 5, 6]);
    let georgia = w.state_id("Georgia").unwrap();
    for e in &sc.events {
        assert_eq!(e.origin, Origin::Hazard);
        assert_eq!(e.outcome, EventOutcome::Applied);
        assert!(
            matches!(e.event, Event::DiplomaticCrisis(DiplomaticCrisis { state, .. }) if state == georgia)
        );
    }
    // Four crises, each cutting the culture tie by 0.3 × 0.1.
    close(
        tie(&w, &sc.states[10], "Georgia", "Russia", Channel::Culture),
        world_tie(&w, "Georgia", "Russia", Channel::Culture) * 0.97f64.powi(4),
        "Georgia–Russia culture after four crises",
    );
    // A zero hazard never fires.
    let (_, never) = run(scenario(
        10,
        "",
        &events.replace("monthly = 1.0", "monthly = 0.0"),
    ));
    assert!(never.events.is_empty());
}

// ------------------------------------------------------------------ all kinds: simplex, seed

/// Every event kind on a date, two hazards, noise and fragility unrest on, and decisions
/// left to chance.
fn every_kind() -> Scenario {
    let text = format!(
        r#"extends = "builtin:eurasia-2025"
[horizon]
steps = 48
[parameters.events]
unrest_hazard = 0.2
alignment_shift = 0.3
success = 0.6
decision_intercept = -1.0

[institutions.SCO.participation]
Uzbekistan = "outside"  # so that it can `join` below

[[events]]
at = "{a2}"
kind = "war"
power = "Russia"
capacity_drain = 0.03
delivery_drain = {{ security = 0.05, remittances = 0.02 }}
recovery = 0.05

[[events]]
at = "{a2}"
kind = "sanctions"
by = ["USA", "EU"]
on = "Russia"
capacity_drain = 0.01
delivery_cut = {{ trade = 0.2, investment = 0.3 }}
re_exporters = ["Kyrgyzstan", "Kazakhstan", "Turkmenistan"]
parallel_gain = 0.5
secondary_hazard = 0.2
secondary_cost = 0.1
ends = "{a30}"

[[events]]
at = "{a3}"
kind = "secondary_sanctions"
by = ["USA"]
state = "Uzbekistan"
cost = 0.3

[[events]]
at = "{a4}"
kind = "remittance_shock"
power = "Russia"
size = 0.3
recovery = 0.1
shift = 0.3
alternatives = {{ Turkiye = 0.5, EU = 0.5 }}

[[events]]
at = "{a5}"
kind = "unrest"
state = "Kazakhstan"

[[events]]
at = "{a6}"
kind = "security_appeal"
state = "Armenia"
institution = "CSTO"
against = "Azerbaijan"
severity = 0.9

[[events]]
at = "{a7}"
kind = "border_clash"
states = ["Kyrgyzstan", "Tajikistan"]
severity = 0.8

[[events]]
at = "{a8}"
kind = "diplomatic_crisis"
power = "Russia"
state = "Azerbaijan"
severity = 1.0

[[events]]
at = "{a9}"
kind = "external_offer"
power = "USA"
state = "Kyrgyzstan"
channel = "security"
amount = 0.5

[[events]]
at = "{a20}"
kind = "peace"
power = "Russia"

[[events]]
at = "{a11}"
kind = "join"
institution = "SCO"
state = "Uzbekistan"

[[events]]
at = "{a11}"
kind = "suspend"
institution = "EAEU"
state = "Kazakhstan"

[[events]]
at = "{a12}"
kind = "reinstate"
institution = "EAEU"
state = "Kazakhstan"

[[events]]
at = "{a13}"
kind = "exit"
institution = "EAEU"
state = "Kyrgyzstan"

[[events]]
monthly = 0.3
from = "{a10}"
until = "{a40}"
kind = "security_appeal"
state = "Kyrgyzstan"
severity = 0.7

[[events]]
monthly = 0.2
kind = "external_offer"
power = "China"
state = "Tajikistan"
channel = "trade"
amount = 0.4

[[events]]
at = "{a3}"
kind = "relation_shift"
powers = ["Russia", "China"]
shift = -0.3
"#,
        a2 = at(2),
        a3 = at(3),
        a4 = at(4),
        a5 = at(5),
        a6 = at(6),
        a7 = at(7),
        a8 = at(8),
        a9 = at(9),
        a10 = at(10),
        a11 = at(11),
        a12 = at(12),
        a13 = at(13),
        a20 = at(20),
        a30 = at(30),
        a40 = at(40),
    );
    Scenario::from_toml_str(&text, "test.toml").unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn the_simplex_holds_after_every_step_with_every_event_kind_scheduled() {
    let sim = Simulation::new(every_kind());
    let c = sim.scenario().world().components();
    for run_index in 0..4 {
        let t = sim.trajectory(run_index).expect("run");
        assert_eq!(t.len(), 49);
        let kinds: BTreeSet<&str> = t.events.iter().map(|e| e.event.kind()).collect();
        let all: BTreeSet<&str> = geoalign::sim::events::KINDS.into_iter().collect();
        assert_eq!(kinds, all, "run {run_index}");
        for step in 0..t.len() {
            for state in sim.scenario().world().state_ids() {
                let a = t.alignment_of(step, state);
                assert_eq!(a.len(), c);
                let sum: f64 = a.iter().sum();
                assert!(
                    (sum - 1.0).abs() <= 1e-12,
                    "run {run_index} step {step} {}: sum {sum}",
                    t.states[state.index()]
                );
                assert!(
                    a.iter().all(|&x| x >= 0.0 && x.is_finite()),
                    "run {run_index} step {step} {}: {a:?}",
                    t.states[state.index()]
                );
            }
            for &cred in &t.credibility[step] {
                assert!((0.0..=1.0).contains(&cred));
            }
        }
        // The final state's ties stay in [0, 1], and trade shares sum to at most 1.
        let end = sim.run(run_index, &mut Discard).unwrap();
        assert!(end.ties.iter().all(|&x| (0.0..=1.0 + TOL).contains(&x)));
        let w = sim.scenario().world();
        for st in w.states() {
            assert!(channel_total(w, &end, &st.name, Channel::Trade) <= 1.0 + TOL);
        }
    }
}

#[test]
fn the_same_scenario_run_twice_gives_identical_trajectories_and_event_logs() {
    let a = Simulation::new(every_kind()).trajectory(3).expect("run");
    let b = Simulation::new(every_kind()).trajectory(3).expect("run");
    assert!(a.events.len() > 10);
    assert!(a.events.iter().any(|e| e.origin == Origin::Fragility));
    assert_eq!(a, b);
    // A different run index draws differently.
    let c = Simulation::new(every_kind()).trajectory(4).expect("run");
    assert_ne!(a.events, c.events);
}
