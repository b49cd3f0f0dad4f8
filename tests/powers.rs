//! Great powers that act (docs/model.md §9): the budget binds, priorities and diminishing
//! returns direct the spending, coercion costs more against a patron's client, defection is
//! punished and nothing else is, relations change where a power spends, the mechanism off
//! gives the old numbers, and the embedded world starts at rest.

use geoalign::{presets, Disposition, Power, RunState, Scenario, Simulation, State, World};

/// The largest move of any mean share (any state, any component) between the start and the
/// last step, over `runs` runs.
fn largest_mean_move(scenario: Scenario, runs: u64) -> (f64, String) {
    let sim = Simulation::new(scenario);
    let world = sim.scenario().world().clone();
    let c = world.components();
    let mut start = vec![0.0; world.states().len() * c];
    let mut end = vec![0.0; world.states().len() * c];
    for run in 0..runs {
        let t = sim.trajectory(run).unwrap();
        for (acc, x) in start.iter_mut().zip(&t.alignment[0]) {
            *acc += x / runs as f64;
        }
        for (acc, x) in end.iter_mut().zip(t.alignment.last().unwrap()) {
            *acc += x / runs as f64;
        }
    }
    let mut worst = (0.0, String::new());
    for (n, (a, b)) in start.iter().zip(&end).enumerate() {
        let moved = (b - a).abs();
        if moved > worst.0 {
            let (s, j) = (n / c, n % c);
            let component = world
                .powers()
                .get(j)
                .map_or("autonomy", |p| p.name.as_str());
            worst = (moved, format!("{} / {component}", world.states()[s].name));
        }
    }
    worst
}

#[test]
fn the_embedded_world_with_acting_powers_stays_at_rest_for_ten_years() {
    let scenario = presets::eurasia_2025();
    assert!(scenario.world().agency().budgets.iter().all(|&b| b > 0.0));
    let quiet = Scenario::builder(scenario.world().clone())
        .steps(120)
        .seed(scenario.seed())
        .build()
        .unwrap();
    let (moved, at) = largest_mean_move(quiet.clone(), 200);
    eprintln!("largest mean move over ten years: {moved:.4} ({at})");
    assert!(moved < 0.05, "{at} moved {moved}");
    // The fall θ must exceed is the noise's: with the world's event hazards on, unrest can
    // end in a suspension and a hostile intervention (docs/model.md §3.4), which moves a share
    // by far more than noise and is meant to be punished.
    let noise_only = Scenario::from_toml_str(
        "extends = \"builtin:eurasia-2025\"\n[parameters.events]\nunrest_hazard = 0.0\n",
        "noise-only.toml",
    )
    .unwrap();
    let (fall, punished) = largest_fall_from_noise(noise_only, 200);
    eprintln!("largest 12-month fall of v_ip from noise: {fall:.4}; punishments: {punished}");
    assert!(fall < geoalign::AgencyParameters::default().defection_threshold);
    assert_eq!(punished, 0);
}

#[test]
fn the_embedded_world_with_a_twenty_year_half_life_stays_at_rest_for_ten_years() {
    // 240 months: settling ran 1200 months (five half-lives) before the cap was lifted, and
    // left the stocks 3 % short of their limit (docs/model.md §9.5). `parameters` is written
    // into the embedded world's file.
    let quiet = |parameters: &str, half_life: f64| {
        let text = format!(
            "extends = \"builtin:eurasia-2025\"\n[parameters]\n{parameters}\
             [parameters.powers]\nhalf_life = {half_life:?}\n"
        );
        let world = Scenario::from_toml_str(&text, "long.toml")
            .unwrap()
            .world()
            .clone();
        Scenario::builder(world).steps(120).seed(7).build().unwrap()
    };
    // Without noise nor hazards a run starts from the settled stocks and moves only by the
    // allocation's cycling among near-equal targets: no more than at the default half-life.
    let still = "noise = 0.0\n[parameters.events]\nunrest_hazard = 0.0\n";
    let (default, _) = largest_mean_move(quiet(still, 12.0), 1);
    let (moved, at) = largest_mean_move(quiet(still, 240.0), 1);
    eprintln!("no noise, no hazard: largest move {moved:.2e} ({at}), {default:.2e} at 12 months");
    assert!(
        moved <= default,
        "{at} moved {moved}, {default} at the default half-life"
    );
    // With the noise (no hazards) the mean shares stay within the at-rest bound.
    let (moved, at) = largest_mean_move(
        quiet("[parameters.events]\nunrest_hazard = 0.0\n", 240.0),
        200,
    );
    eprintln!("noise only: largest mean move {moved:.4} ({at})");
    assert!(moved < 0.05, "{at} moved {moved}");
    // With the hazards on too (the default test's world) only reported: a punishment's
    // coercion stock then lasts twenty years, so a shock persists (not a failure to settle).
    let (moved, at) = largest_mean_move(quiet("", 240.0), 200);
    eprintln!("with the hazards: largest mean move {moved:.4} ({at})");
}

/// The largest fall, over any 12-month window, of `v_ip = a_ip + Σ_q relation_pq a_iq` for an
/// acting power and a movable state it has a priority on, and the number of punishments for
/// such a fall.
fn largest_fall_from_noise(scenario: Scenario, runs: u64) -> (f64, usize) {
    let sim = Simulation::new(scenario);
    let world = sim.scenario().world().clone();
    let agency = world.agency();
    let (np, c) = (world.powers().len(), world.components());
    let (mut worst, mut punished) = (0.0_f64, 0);
    for run in 0..runs {
        let t = sim.trajectory(run).unwrap();
        // Punishments for drift only: the world's own hazards (docs/model.md §3) still make
        // members suspend, which is punished as leaving a bloc.
        punished += t
            .actions
            .iter()
            .flat_map(|a| &a.punished)
            .filter(|p| p.left.is_none())
            .count();
        let value = |step: usize, s: usize, p: usize| {
            let a = &t.alignment[step][s * c..(s + 1) * c];
            a[p] + (0..np)
                .filter(|&q| q != p)
                .map(|q| agency.relations[p * np + q] * a[q])
                .sum::<f64>()
        };
        for (s, state) in world.states().iter().enumerate() {
            for p in 0..np {
                if state.fixed || agency.priority(s, p) <= 0.0 || agency.budgets[p] <= 0.0 {
                    continue;
                }
                for step in 12..t.len() {
                    worst = worst.max(value(step - 12, s, p) - value(step, s, p));
                }
            }
        }
    }
    (worst, punished)
}

const ACTIONS: usize = geoalign::sim::powers::ACTIONS;

/// Two powers A and B, two hedging states S1 and S2 with the given alignments (A, B,
/// autonomy) and equal ties of 0.3 with both powers on every channel; A acts with `budget`
/// and the given priorities on S1 and S2; `relation` between A and B.
fn two_state_world(
    budget: f64,
    priorities: [f64; 2],
    relation: f64,
    alignments: [[f64; 3]; 2],
) -> geoalign::WorldBuilder {
    let mut builder = World::builder()
        .power(Power::new("A"))
        .power(Power::new("B"));
    for (name, alignment) in ["S1", "S2"].iter().zip(alignments) {
        builder = builder.state(State {
            inertia: 0.2,
            ..State::new(*name, Disposition::Hedge, alignment.to_vec())
        });
        for power in ["A", "B"] {
            for channel in geoalign::Channel::ALL {
                builder = builder.tie(*name, power, channel, 0.3);
            }
        }
    }
    builder = builder.budget("A", budget).relation("A", "B", relation);
    for (state, weight) in ["S1", "S2"].iter().zip(priorities) {
        if weight > 0.0 {
            builder = builder.priority("A", *state, weight);
        }
    }
    builder
}

fn scenario(world: World, steps: u32) -> Scenario {
    Scenario::builder(world)
        .steps(steps)
        .seed(11)
        .build()
        .unwrap()
}

/// A's spending on `state` (0 or 1) at `step`, per action.
fn spent(t: &geoalign::Trajectory, step: usize, state: usize) -> Vec<f64> {
    let at = (state * 2) * ACTIONS;
    t.actions[step].spent[at..at + ACTIONS].to_vec()
}

const EVEN: [[f64; 3]; 2] = [[0.4, 0.4, 0.2], [0.4, 0.4, 0.2]];

#[test]
fn the_budget_binds_every_month_and_is_never_exceeded() {
    let world = two_state_world(0.1, [1.0, 1.0], 0.0, EVEN).build().unwrap();
    let t = Simulation::new(scenario(world, 24)).trajectory(0).unwrap();
    for step in 1..t.len() {
        let total: f64 = t.actions[step].spent.iter().sum();
        // Capacity stays 1, so B_A = 0.1 a month.
        assert!((total - 0.1).abs() < 1e-12, "step {step}: spent {total}");
    }
}

#[test]
fn spending_goes_to_the_highest_priority_state_when_all_else_is_equal() {
    let world = two_state_world(0.1, [1.0, 0.5], 0.0, EVEN)
        .agency_parameters(geoalign::AgencyParameters {
            increments: 1,
            ..Default::default()
        })
        .build()
        .unwrap();
    let t = Simulation::new(scenario(world, 1)).trajectory(0).unwrap();
    let (s1, s2): (f64, f64) = (spent(&t, 1, 0).iter().sum(), spent(&t, 1, 1).iter().sum());
    assert_eq!((s1, s2), (0.1, 0.0));
}

#[test]
fn diminishing_returns_spread_a_month_of_spending_over_channels() {
    // One increment per channel's worth: with one increment all would go to one action; with
    // eight, each unit taken lowers that action's value by e^{-o}, so others come next.
    let world = two_state_world(2.0, [1.0, 0.0], 0.0, EVEN)
        .agency_parameters(geoalign::AgencyParameters {
            increments: 8,
            ..Default::default()
        })
        .build()
        .unwrap();
    let t = Simulation::new(scenario(world, 1)).trajectory(0).unwrap();
    let used = spent(&t, 1, 0).iter().filter(|&&x| x > 0.0).count();
    assert!(used >= 3, "spending went to {used} actions");
}

#[test]
fn a_partner_spends_where_its_partner_is_weak_and_a_rival_where_its_rival_is_strong() {
    // S1 leans to B, S2 away from it; everything else equal.
    let tilted = [[0.3, 0.6, 0.1], [0.3, 0.1, 0.6]];
    let first_choice = |relation: f64| {
        let world = two_state_world(0.1, [1.0, 1.0], relation, tilted)
            .agency_parameters(geoalign::AgencyParameters {
                increments: 1,
                ..Default::default()
            })
            .build()
            .unwrap();
        let t = Simulation::new(scenario(world, 1)).trajectory(0).unwrap();
        let on_s1: f64 = spent(&t, 1, 0).iter().sum();
        if on_s1 > 0.0 {
            "S1"
        } else {
            "S2"
        }
    };
    assert_eq!(first_choice(1.0), "S2");
    assert_eq!(first_choice(-1.0), "S1");
}

#[test]
fn a_zero_budget_gives_the_old_numbers_bit_for_bit() {
    let plain = || {
        World::builder()
            .power(Power::new("A"))
            .power(Power::new("B"))
            .state(State::new("S1", Disposition::Hedge, vec![0.4, 0.4, 0.2]))
            .tie("S1", "A", geoalign::Channel::Trade, 0.3)
    };
    let old = plain().build().unwrap();
    let declared = plain()
        .budget("A", 0.0)
        .priority("A", "S1", 1.0)
        .relation("A", "B", -0.5)
        .build()
        .unwrap();
    let a = Simulation::new(scenario(old, 60)).trajectory(3).unwrap();
    let b = Simulation::new(scenario(declared, 60))
        .trajectory(3)
        .unwrap();
    assert_eq!(a.alignment, b.alignment);
    assert!(b.actions.is_empty());
}

#[test]
fn switching_spending_on_raises_the_spenders_share_where_it_has_a_priority() {
    // Without calibrated intercepts (which would absorb the starting stocks) and noise, the
    // offers raise A's pull on S1, so A's share there ends higher than with no budget.
    let share = |budget: f64| {
        let world = two_state_world(budget, [1.0, 0.0], 0.0, EVEN)
            .parameters(geoalign::Parameters {
                calibrate_intercepts: false,
                noise: 0.0,
                ..Default::default()
            })
            .build()
            .unwrap();
        let t = Simulation::new(scenario(world, 60)).trajectory(0).unwrap();
        t.share(60, geoalign::StateId(0), geoalign::PowerId(0))
    };
    let (off, on) = (share(0.0), share(0.05));
    eprintln!("A's share of S1 after 60 months: off {off:.4}, on {on:.4}");
    assert!(on > off + 0.01, "off {off}, on {on}");
}

/// A world where B's ties with S1 may be driven up on four channels over six months, pulling S1
/// away from A, which acts on S1.
fn defection_scenario(driven: bool) -> Scenario {
    let world = two_state_world(0.05, [1.0, 0.0], 0.0, EVEN)
        .build()
        .unwrap();
    let mut scenario = scenario(world, 36);
    if driven {
        for channel in [
            geoalign::Channel::Trade,
            geoalign::Channel::Security,
            geoalign::Channel::Energy,
            geoalign::Channel::Investment,
        ] {
            let target =
                geoalign::DriverTarget::Tie(geoalign::StateId(0), geoalign::PowerId(1), channel);
            let path = geoalign::sim::drivers::Path::new(vec![(0, 0.3), (6, 1.0)]);
            scenario
                .add_driver(geoalign::Driver { target, path })
                .unwrap();
        }
    }
    scenario
}

fn punishments(scenario: Scenario, runs: u64) -> Vec<(u64, usize, geoalign::Punishment)> {
    let sim = Simulation::new(scenario);
    let mut out = Vec::new();
    for run in 0..runs {
        let t = sim.trajectory(run).unwrap();
        for (step, actions) in t.actions.iter().enumerate() {
            out.extend(actions.punished.iter().map(|p| (run, step, p.clone())));
        }
    }
    out
}

#[test]
fn punishment_follows_defection_and_not_otherwise() {
    let driven = punishments(defection_scenario(true), 10);
    let quiet = punishments(defection_scenario(false), 10);
    eprintln!(
        "punishments: {} with the driver, {} without; first {:?}",
        driven.len(),
        quiet.len(),
        driven.first()
    );
    assert!(quiet.is_empty(), "{quiet:?}");
    // Every run punishes S1's defection from A once, within the window after the drive.
    for run in 0..10 {
        let of_run: Vec<_> = driven.iter().filter(|(r, _, _)| *r == run).collect();
        assert_eq!(of_run.len(), 1, "run {run}: {of_run:?}");
        let (_, step, p) = of_run[0];
        assert_eq!((p.state.as_str(), p.power.as_str()), ("S1", "A"));
        assert!(p.drop > 0.1 && *step <= 13, "{step} {p:?}");
    }
}

#[test]
fn a_punishment_raises_the_coercion_stock_outside_the_budget() {
    let sim = Simulation::new(defection_scenario(true));
    let t = sim.trajectory(0).unwrap();
    let step = t
        .actions
        .iter()
        .position(|a| !a.punished.is_empty())
        .unwrap();
    let before = t.actions[step - 1].coercion[0];
    let after = t.actions[step].coercion[0];
    let punishment = geoalign::AgencyParameters::default().punishment;
    // The stock decays by ρ and may also be bought; the punishment is added on top.
    assert!(after - before >= punishment * 0.9, "{before} → {after}");
    let spent: f64 = t.actions[step].spent.iter().sum();
    assert!((spent - 0.05).abs() < 1e-12);
}

/// The total offer and coercion stock after every step.
struct StockTotals(Vec<f64>);

impl geoalign::Recorder for StockTotals {
    fn record(&mut self, _: u32, _: &World, state: &RunState) {
        let stocks = &state.powers;
        self.0
            .push(stocks.offers.iter().chain(&stocks.coercion).sum::<f64>());
    }
}

#[test]
fn the_start_state_holds_the_stationary_stocks() {
    // Spending equals decay at the start: the total stock neither builds up nor runs down.
    let sim = Simulation::new(presets::eurasia_2025());
    let mut totals = StockTotals(Vec::new());
    sim.run(0, &mut totals).unwrap();
    let start = totals.0[0];
    assert!(start > 0.0);
    // RunState::new has zero stocks: the engine's start has them at rest.
    assert!(RunState::new(sim.scenario().world())
        .powers
        .offers
        .iter()
        .all(|&o| o == 0.0));
    let worst = totals.0[..=24]
        .iter()
        .map(|t| (t / start - 1.0).abs())
        .fold(0.0, f64::max);
    eprintln!(
        "total stock at the start {start:.3}, largest relative change over two years {worst:.4}"
    );
    assert!(worst < 0.05, "{worst}");
}
