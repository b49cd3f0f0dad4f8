//! The relations of powers move (docs/model.md §9): a `[[drivers.relations]]` path sets a
//! relation each month, a `relation_shift` event lays a persistent shift on top, both held in
//! [−1, 1] and symmetric; and a relation that moves changes where an acting power spends and
//! the shares it gains, in the direction of §9.3's value.

#![allow(clippy::result_large_err)] // see the note in src/lib.rs

use geoalign::sim::drivers::{Path, PointValue};
use geoalign::sim::events::kinds::RelationShift;
use geoalign::sim::events::ScheduledEvent;
use geoalign::{
    Disposition, Driver, DriverTarget, Power, PowerId, RunState, Scenario, Simulation, State, World,
};

const ACTIONS: usize = geoalign::sim::powers::ACTIONS;

/// Two powers A and B; S1 leans to B, S2 away from it (A's share is the same in both); equal
/// ties of 0.3 with both powers on every channel. A acts with a budget of 0.1 and equal
/// priorities on both states; A and B are partners (+1) at the start.
fn world(increments: u32) -> World {
    let mut builder = World::builder()
        .power(Power::new("A"))
        .power(Power::new("B"));
    for (name, alignment) in [("S1", [0.3, 0.6, 0.1]), ("S2", [0.3, 0.1, 0.6])] {
        builder = builder.state(State {
            inertia: 0.2,
            ..State::new(name, Disposition::Hedge, alignment.to_vec())
        });
        for power in ["A", "B"] {
            for channel in geoalign::Channel::ALL {
                builder = builder.tie(name, power, channel, 0.3);
            }
        }
        builder = builder.priority("A", name, 1.0);
    }
    builder
        .budget("A", 0.1)
        .relation("A", "B", 1.0)
        .agency_parameters(geoalign::AgencyParameters {
            increments,
            ..Default::default()
        })
        .build()
        .unwrap()
}

fn scenario(world: World, steps: u32) -> Scenario {
    Scenario::builder(world)
        .steps(steps)
        .seed(11)
        .build()
        .unwrap()
}

fn shift(by: f64, step: u32) -> ScheduledEvent {
    ScheduledEvent {
        step,
        event: RelationShift {
            powers: [PowerId(0), PowerId(1)],
            shift: by,
        }
        .into(),
    }
}

/// A's spending on state `s` (0 or 1) at `step`, summed over its actions.
fn spent_on(t: &geoalign::Trajectory, step: usize, s: usize) -> f64 {
    let at = (s * 2) * ACTIONS;
    t.actions[step].spent[at..at + ACTIONS].iter().sum()
}

#[test]
fn a_rift_turns_a_powers_spending_from_where_its_partner_is_weak_to_where_its_rival_is_strong() {
    // §9.3: ∂V/∂u ∝ a_A[(1 − a_A) − relation · a_B]. A partner (+1) values S2, where B is
    // weak; a rival (−1) values S1, where B is strong. A shift of −2 at month 6 turns +1 to −1.
    let steps = 36;
    let partners = scenario(world(1), steps);
    let mut rift = partners.clone();
    rift.add_event(shift(-2.0, 6)).unwrap();
    let before = Simulation::new(partners).trajectory(0).unwrap();
    let after = Simulation::new(rift).trajectory(0).unwrap();

    // The same months before the rift, bit for bit.
    assert_eq!(before.alignment[..6], after.alignment[..6]);
    let months = |t: &geoalign::Trajectory, s: usize| -> f64 {
        (6..=steps as usize).map(|m| spent_on(t, m, s)).sum()
    };
    let (partner_s1, partner_s2) = (months(&before, 0), months(&before, 1));
    let (rival_s1, rival_s2) = (months(&after, 0), months(&after, 1));
    eprintln!(
        "spending from month 6: partners S1 {partner_s1:.3} S2 {partner_s2:.3}; \
         rivals S1 {rival_s1:.3} S2 {rival_s2:.3}"
    );
    assert!(partner_s2 > partner_s1, "{partner_s1} {partner_s2}");
    assert!(rival_s1 > rival_s2, "{rival_s1} {rival_s2}");

    // The shares follow the spending: A gains S1 and B loses it once they are rivals.
    let share =
        |t: &geoalign::Trajectory, s: usize, p: usize| t.alignment[steps as usize][s * 3 + p];
    let (a_s1, b_s1) = (share(&before, 0, 0), share(&before, 0, 1));
    let (ra_s1, rb_s1) = (share(&after, 0, 0), share(&after, 0, 1));
    let (a_s2, ra_s2) = (share(&before, 1, 0), share(&after, 1, 0));
    eprintln!(
        "at month {steps}: A in S1 {a_s1:.4} → {ra_s1:.4}, B in S1 {b_s1:.4} → {rb_s1:.4}, \
         A in S2 {a_s2:.4} → {ra_s2:.4}"
    );
    assert!(ra_s1 > a_s1, "{a_s1} → {ra_s1}");
    assert!(rb_s1 < b_s1, "{b_s1} → {rb_s1}");
    assert!(ra_s2 < a_s2, "{a_s2} → {ra_s2}");

    // The event is in the log, by name.
    let logged: Vec<String> = after
        .events
        .iter()
        .map(|e| e.event.describe(&world(1)))
        .collect();
    assert!(
        logged.iter().any(|d| d == "relation A–B shifted by -2"),
        "{logged:?}"
    );
}

#[test]
fn a_relation_driver_moves_the_spending_as_the_event_does() {
    // The driver's switch-off: the same rift written as a path (+1 to −1 by month 6).
    let steps = 12;
    let base = scenario(world(1), steps);
    let mut driven = base.clone();
    driven
        .add_driver(Driver {
            target: DriverTarget::Relation(PowerId(1), PowerId(0)),
            path: Path::from_points(vec![(6, PointValue::Add { add: -2.0 })]),
        })
        .unwrap();
    let off = Simulation::new(base).trajectory(0).unwrap();
    let on = Simulation::new(driven).trajectory(0).unwrap();
    let s1 = |t: &geoalign::Trajectory| -> f64 { (6..=12).map(|m| spent_on(t, m, 0)).sum() };
    eprintln!(
        "A's spending on S1, months 6–12: driver off {:.3}, on {:.3}",
        s1(&off),
        s1(&on)
    );
    assert!(s1(&on) > s1(&off));
}

/// Every month's relations.
struct Relations(Vec<Vec<f64>>);

impl geoalign::Recorder for Relations {
    fn record(&mut self, _: u32, _: &World, state: &RunState) {
        self.0.push(state.powers.relations.clone());
    }
}

#[test]
fn a_relation_is_symmetric_and_held_in_its_bounds_with_no_hidden_debt() {
    // The driver takes A–B from +1 down to 0.5 by month 4 (declared B, A: the same
    // relation); a rift of −1.2 at month 2 would take it below −1: it is held at −1 and the
    // shift cut back to what the bounds let show, so a rapprochement of +0.5 at month 6
    // shows at once, as it does on credibility.
    let mut s = scenario(world(4), 8);
    s.add_driver(Driver {
        target: DriverTarget::Relation(PowerId(1), PowerId(0)),
        path: Path::new(vec![(4, 0.5)]),
    })
    .unwrap();
    s.add_event(shift(-1.2, 2)).unwrap();
    s.add_event(shift(-1.0, 3)).unwrap();
    s.add_event(shift(0.5, 6)).unwrap();
    let mut relations = Relations(Vec::new());
    Simulation::new(s).run(0, &mut relations).unwrap();
    let ab: Vec<f64> = relations.0.iter().map(|r| r[1]).collect();
    for r in &relations.0 {
        assert_eq!(r[1], r[2], "symmetric");
        assert!((-1.0..=1.0).contains(&r[1]), "{r:?}");
    }
    eprintln!("relation A–B by month: {ab:?}");
    // Month 1: the driver alone, 1 − (1 − 0.5)/4. Month 2: 0.75 − 1.2 = −0.45.
    assert!((ab[1] - 0.875).abs() < 1e-12);
    assert!((ab[2] - (0.75 - 1.2)).abs() < 1e-12);
    // Month 3: 0.625 − 2.2 < −1: held at −1; the shift is cut to −1.625.
    assert_eq!(ab[3], -1.0);
    // Month 4: the driver's 0.5 with the cut shift: −1.125, held at −1 again (shift −1.5).
    assert_eq!(ab[4], -1.0);
    // Month 6: +0.5 on −1.5 over the driven 0.5 gives −0.5, not −1 + a hidden debt.
    assert!((ab[6] - (-0.5)).abs() < 1e-12, "{}", ab[6]);
}
