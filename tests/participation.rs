//! Participation that changes (issue 13, item 4): `join`, `suspend`, `reinstate` and `exit`
//! events, their effect on a run, their log lines, and the load-time refusal of one that can
//! never act.

#![allow(clippy::result_large_err)] // see the note in src/lib.rs

use geoalign::sim::events::{EventOutcome, Origin};
use geoalign::{Participation, Scenario, ScenarioError, Simulation};
#[path = "what-if/shared.rs"]
mod shared;

use shared::{armenia_russia, file as what_if};
use std::path::{Path, PathBuf};

/// A scenario file written to the target's scratch space.
fn file(name: &str, text: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("participation");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// "Armenia leaves the CSTO in 2026" from an active membership lowers its Russia share at the
/// horizon. Why, from the formulas (docs/model.md §2): while Armenia takes part, the CSTO's
/// carried half of Russia's security channel (β = 0.5) reaches it as
/// `cred_CSTO · part = 0.25 · 1`; after the exit `part = 0`, so Russia's effective security
/// delivery falls from `0.30 · 0.5 + 0.5 · 0.25 = 0.275` to `0.15` and its pull with it
/// (step 1). And the peer term stops pulling Armenia toward the mean alignment of the other
/// active members (Belarus, Kazakhstan, Kyrgyzstan, Tajikistan), whose Russia shares are far
/// above Armenia's 0.30 (step 3). Both lower Russia's utility, hence its softmax target.
#[test]
fn armenia_leaving_the_csto_in_2026_lowers_its_russia_share_at_the_horizon() {
    const RUNS: u64 = 400;
    let (stays, stays_half) = armenia_russia(&what_if("armenia-active-csto.toml"), RUNS);
    let (leaves, leaves_half) =
        armenia_russia(&what_if("armenia-active-exits-csto-2026.toml"), RUNS);
    eprintln!(
        "Armenia's Russia share at the horizon: active member {:.4} ± {:.4}, leaves in 2026 {:.4} ± {:.4}",
        stays.mean, stays_half, leaves.mean, leaves_half
    );
    assert!(leaves.mean + leaves_half < stays.mean - stays_half);
}

/// In the embedded world Armenia is already suspended, which withdraws it from the CSTO's
/// channels and peers (weight 0, as for an exited member): the exit changes its participation,
/// logged, and — a departure from a bloc Russia leads — is followed by Russia's decision on a
/// hostile intervention against Armenia (docs/model.md §3.4), logged right after it. Before that
/// decision existed the exit left every alignment bit for bit as it was; now the decision's
/// draws alone change the event stream after it, so the runs part.
#[test]
fn exit_of_suspended_armenia_is_logged_and_makes_russia_decide_on_a_hostile_intervention() {
    let exits =
        Simulation::new(Scenario::from_file(what_if("armenia-exits-csto-2026.toml")).unwrap());
    let b = exits.trajectory(3).unwrap();
    let (csto, armenia) = (
        b.institution_id("CSTO").unwrap(),
        b.state_id("Armenia").unwrap(),
    );
    let at = b
        .events
        .iter()
        .position(|e| e.event.kind() == "exit")
        .expect("the exit is logged");
    let logged = &b.events[at];
    assert_eq!(logged.step, 12);
    assert_eq!(
        logged.outcome,
        EventOutcome::ParticipationChanged {
            from: Participation::Suspended,
            to: Participation::Exited
        }
    );
    let world = exits.scenario().world();
    assert!(logged
        .describe(world)
        .contains("Armenia exits CSTO: suspended → exited"));
    let decision = &b.events[at + 1];
    assert_eq!((decision.step, decision.origin), (12, Origin::Departure));
    match &decision.outcome {
        EventOutcome::Hostile(d) => {
            assert_eq!(d.state, armenia);
            assert_eq!(Some(d.power), world.institutions()[csto.index()].leader);
            assert_eq!(d.inputs.trigger, 1.0);
        }
        other => panic!("expected Russia's hostile decision, got {other:?}"),
    }
    assert_eq!(
        b.participation_of(120, csto, armenia),
        Some(Participation::Exited)
    );
}

/// A minimal world with a bloc `B` led by `P` whose member `T` is listed `outside`.
const OUTSIDE: &str = r#"name = "a bloc and a candidate"
seed = 2
[horizon]
start = "2025-01"
steps = 24
[powers.P]
capacity = 1.0
coercion = 0.2
[powers.P.delivery]
security = 0.5
[states.S]
disposition = "neutral"
inertia = 0.05
stubbornness = 0.1
fragility = 0.0
[states.S.alignment]
P = 0.6
autonomy = 0.4
[states.S.salience]
security = 1.0
[states.S.ties.P]
security = 0.5
[states.T]
disposition = "neutral"
inertia = 0.05
stubbornness = 0.1
fragility = 0.0
[states.T.alignment]
P = 0.2
autonomy = 0.8
[states.T.salience]
security = 1.0
[states.T.ties.P]
security = 0.5
[institutions.B]
leader = "P"
credibility = 0.9
members = ["S", "T"]
[institutions.B.participation]
T = "outside"
[institutions.B.carries]
security = 0.5
"#;

/// A state listed `outside` is not counted in cohesion until it joins; `join` makes it
/// active, and the log says so.
#[test]
fn a_state_listed_outside_joins_and_then_counts_in_cohesion() {
    let text = format!("{OUTSIDE}\n[[events]]\nat = \"2025-07\"\nkind = \"join\"\ninstitution = \"B\"\nstate = \"T\"\n");
    let scenario = Scenario::from_file(file("join.toml", &text)).unwrap();
    let t = Simulation::new(scenario).trajectory(0).unwrap();
    let (b, s, tt) = (
        t.institution_id("B").unwrap(),
        t.state_id("S").unwrap(),
        t.state_id("T").unwrap(),
    );
    let p = t.power_id("P").unwrap();
    assert_eq!(t.participation_of(5, b, tt), Some(Participation::Outside));
    assert_eq!(t.participation_of(6, b, tt), Some(Participation::Active));
    // Before the join, S alone is counted; after, the mean is over both.
    assert!((t.cohesion_of(5, b) - t.share(5, s, p)).abs() < 1e-12);
    let both = (t.share(6, s, p) + t.share(6, tt, p)) / 2.0;
    assert!((t.cohesion_of(6, b) - both).abs() < 1e-12);
}

/// `suspend` then `reinstate`: active → suspended → active, each logged.
#[test]
fn suspend_then_reinstate_returns_a_member_to_active() {
    let text = format!(
        "{OUTSIDE}\n[[events]]\nat = \"2025-03\"\nkind = \"suspend\"\ninstitution = \"B\"\nstate = \"S\"\n\
         [[events]]\nat = \"2025-09\"\nkind = \"reinstate\"\ninstitution = \"B\"\nstate = \"S\"\n"
    );
    let scenario = Scenario::from_file(file("suspend.toml", &text)).unwrap();
    let t = Simulation::new(scenario).trajectory(0).unwrap();
    let (b, s) = (t.institution_id("B").unwrap(), t.state_id("S").unwrap());
    assert_eq!(t.participation_of(1, b, s), Some(Participation::Active));
    assert_eq!(t.participation_of(2, b, s), Some(Participation::Suspended));
    assert_eq!(t.participation_of(8, b, s), Some(Participation::Active));
    let changes: Vec<_> = t
        .events
        .iter()
        .filter_map(|e| match e.outcome {
            EventOutcome::ParticipationChanged { from, to } => Some((from, to)),
            _ => None,
        })
        .collect();
    assert_eq!(
        changes,
        [
            (Participation::Active, Participation::Suspended),
            (Participation::Suspended, Participation::Active)
        ]
    );
}

/// An event that certainly cannot act is refused at load, located at its entry.
#[test]
fn a_participation_event_that_can_never_act_is_refused_at_load() {
    let join_active = format!("{OUTSIDE}\n[[events]]\nat = \"2025-07\"\nkind = \"join\"\ninstitution = \"B\"\nstate = \"S\"\n");
    let err = Scenario::from_file(file("join-active.toml", &join_active)).unwrap_err();
    let ScenarioError::Invalid { key, .. } = &err else {
        panic!("{err}")
    };
    assert_eq!(key, "events[0]");
    assert!(err.to_string().contains("acts on `outside`"), "{err}");
    let reinstate_outside = format!("{OUTSIDE}\n[[events]]\nmonthly = 0.1\nfrom = \"2025-02\"\nkind = \"reinstate\"\ninstitution = \"B\"\nstate = \"T\"\n");
    let err = Scenario::from_file(file("reinstate-outside.toml", &reinstate_outside)).unwrap_err();
    assert!(err.to_string().contains("never change anything"), "{err}");
}

/// An event that may act is accepted, and where it finds nothing to do it is logged as
/// skipped: the second of two exits.
#[test]
fn a_second_exit_is_logged_as_skipped() {
    let text = format!(
        "{OUTSIDE}\n[[events]]\nat = \"2025-03\"\nkind = \"exit\"\ninstitution = \"B\"\nstate = \"S\"\n\
         [[events]]\nat = \"2025-09\"\nkind = \"exit\"\ninstitution = \"B\"\nstate = \"S\"\n"
    );
    let scenario = Scenario::from_file(file("exit-twice.toml", &text)).unwrap();
    let t = Simulation::new(scenario).trajectory(0).unwrap();
    let exits: Vec<_> = t
        .events
        .iter()
        .filter(|e| e.event.kind() == "exit")
        .collect();
    assert_eq!(exits.len(), 2);
    assert!(matches!(
        exits[1].outcome,
        EventOutcome::Skipped { ref reason } if reason.contains("exited")
    ));
}
