//! Firing events and applying their effects to a run (the rules are in the module docs of
//! [`crate::sim::events`]).

use super::hostile::consider_hostile;
use super::kinds::{SecondarySanctions, Unrest};
use super::{Event, EventOutcome, Hazard, LoggedEvent, Origin, PressureTarget, ScheduledEvent};
use crate::model::{Channel, Participation, PowerId, StateId, World};
use crate::sim::RunState;
use rand::{Rng, RngExt};

const K: usize = Channel::COUNT;

/// A scenario's events made ready to fire: scheduled events in step order and the hazards.
#[derive(Clone, Debug, Default)]
pub(crate) struct EventEngine {
    scheduled: Vec<ScheduledEvent>,
    hazards: Vec<Hazard>,
}

impl EventEngine {
    pub fn new(scheduled: &[ScheduledEvent], hazards: &[Hazard]) -> Self {
        let mut scheduled = scheduled.to_vec();
        // Stable: events of the same month fire in file order.
        scheduled.sort_by_key(|e| e.step);
        EventEngine {
            scheduled,
            hazards: hazards.to_vec(),
        }
    }

    /// Scale the driven baseline ([`RunState::reset_driven`], then the drivers) by the pressures
    /// and add the credibility and relation shifts.
    pub fn overlay(rs: &mut RunState) {
        for pr in &rs.events.pressures {
            let factor = 1.0 - pr.depth;
            match pr.target {
                PressureTarget::Capacity(p) => rs.capacity[p.index()] *= factor,
                PressureTarget::Delivery(p, k) => rs.delivery[p.index() * K + k.index()] *= factor,
            }
        }
        for (c, shift) in rs
            .credibility
            .iter_mut()
            .zip(&mut rs.events.credibility_shift)
        {
            // A shift never runs past the bounds: what the bounds cut off is forgotten, so a
            // bloc at zero credibility is not left with a hidden debt that later successes
            // must first repay.
            let effective = (*c + *shift).clamp(0.0, 1.0);
            *shift = effective - *c;
            *c = effective;
        }
        // The same rule for the relations, in [−1, 1]: a partnership at +1 that a rift moved
        // by −0.5 and a later rapprochement by +0.5 is back at +1, with no hidden surplus.
        // Both the relations and the shifts are symmetric, so the result is too.
        for (r, shift) in rs
            .powers
            .relations
            .iter_mut()
            .zip(&mut rs.events.relation_shift)
        {
            if *shift != 0.0 {
                let effective = (*r + *shift).clamp(-1.0, 1.0);
                *shift = effective - *r;
                *r = effective;
            }
        }
    }

    /// Move pressures, sanctions and grievances on by one month (after `step`'s events).
    pub fn advance(world: &World, rs: &mut RunState, step: u32) {
        for pr in &mut rs.events.pressures {
            if pr.active && pr.ends.is_some_and(|end| step >= end) {
                pr.active = false;
            }
            if pr.active {
                pr.depth = 1.0 - (1.0 - pr.depth) * (1.0 - pr.rate);
            } else {
                pr.depth *= 1.0 - pr.recovery;
            }
        }
        rs.events
            .sanctions
            .retain(|s| s.ends.is_none_or(|end| step < end));
        let params = &world.parameters().events;
        let decay = 0.5f64.powf(1.0 / params.grievance_half_life);
        for g in &mut rs.events.grievance {
            *g *= decay;
        }
        let fading = 0.5f64.powf(1.0 / params.hostile_threat_half_life);
        for t in &mut rs.events.threat_shift {
            *t *= fading;
        }
        let responsiveness = &world.parameters().responsiveness;
        // Read only by the regime-security term; left alone (no `powf`) while it is off.
        if responsiveness.regime_security > 0.0 {
            let decay = 0.5f64.powf(1.0 / responsiveness.regime_threat_half_life);
            for t in &mut rs.events.regime_threat {
                *t *= decay;
            }
        }
    }

    /// Fire the events of `step`: scheduled ones in file order, then the scenario's hazards,
    /// then unrest drawn from each state's fragility, then secondary sanctions drawn for every
    /// re-exporter of sanctions in force. Every firing goes to `log`.
    pub fn fire<R: Rng + ?Sized>(
        &self,
        world: &World,
        rs: &mut RunState,
        step: u32,
        rng: &mut R,
        log: &mut dyn FnMut(LoggedEvent),
    ) {
        let start = self.scheduled.partition_point(|e| e.step < step);
        for e in self.scheduled[start..]
            .iter()
            .take_while(|e| e.step == step)
        {
            let entry = apply(world, rs, step, Origin::Scheduled, e.event.clone(), rng);
            settle(world, rs, step, entry, rng, log);
        }
        for h in &self.hazards {
            if step < h.from || step > h.until {
                continue;
            }
            if rng.random::<f64>() < h.monthly {
                let entry = apply(world, rs, step, Origin::Hazard, h.event.clone(), rng);
                settle(world, rs, step, entry, rng, log);
            }
        }
        let rate = world.parameters().events.unrest_hazard;
        if rate > 0.0 {
            for (i, state) in world.states().iter().enumerate() {
                if state.fixed {
                    continue;
                }
                if rng.random::<f64>() < rate * rs.events.fragility[i] {
                    let event = Event::Unrest(Unrest {
                        state: StateId(i as u32),
                        severity: None,
                        request: None,
                        contributors: None,
                    });
                    let entry = apply(world, rs, step, Origin::Fragility, event, rng);
                    settle(world, rs, step, entry, rng, log);
                }
            }
        }
        for n in 0..rs.events.sanctions.len() {
            let s = &rs.events.sanctions[n];
            if s.ends.is_some_and(|end| step >= end) {
                // Lifted this month: the pressures start to recover, and no new penalties.
                continue;
            }
            // Indexed, so that the coalition is cloned only when a penalty fires, not every
            // month (`apply` needs the run state mutably).
            for k in 0..s.re_exporters.len() {
                let s = &rs.events.sanctions[n];
                if rng.random::<f64>() < s.secondary_hazard {
                    let event = Event::SecondarySanctions(SecondarySanctions {
                        by: s.by.clone(),
                        state: s.re_exporters[k],
                        cost: s.secondary_cost,
                    });
                    log(apply(world, rs, step, Origin::SanctionsHazard, event, rng));
                }
            }
        }
    }
}

/// Apply one event (the effect of its kind, in [`super::kinds`]) and return its log entry.
fn apply<R: Rng + ?Sized>(
    world: &World,
    rs: &mut RunState,
    step: u32,
    origin: Origin,
    mut event: Event,
    rng: &mut R,
) -> LoggedEvent {
    let outcome = event.apply(world, rs, step, rng);
    LoggedEvent {
        step,
        origin,
        event,
        outcome,
    }
}

/// Log `entry`, then, if it made a member leave a bloc with a leader (suspended or exited),
/// let the leader consider a hostile intervention against it (docs/model.md §3.4), logged
/// after the departure.
fn settle<R: Rng + ?Sized>(
    world: &World,
    rs: &mut RunState,
    step: u32,
    entry: LoggedEvent,
    rng: &mut R,
    log: &mut dyn FnMut(LoggedEvent),
) {
    let departed = departure(world, &entry);
    log(entry);
    if let Some((power, state)) = departed {
        consider_hostile(
            world,
            rs,
            step,
            Origin::Departure,
            power,
            state,
            1.0,
            rng,
            log,
        );
    }
}

/// The leader and the state of a departure (a member suspended or exited from a bloc with a
/// leader) made by `entry`, if it made one.
fn departure(world: &World, entry: &LoggedEvent) -> Option<(PowerId, StateId)> {
    let leaves = |to: Participation| matches!(to, Participation::Suspended | Participation::Exited);
    match (&entry.event, &entry.outcome) {
        (Event::Suspend(e), EventOutcome::ParticipationChanged { to, .. }) if leaves(*to) => world
            .institutions()[e.institution.index()]
        .leader
        .map(|p| (p, e.state)),
        (Event::Exit(e), EventOutcome::ParticipationChanged { to, .. }) if leaves(*to) => world
            .institutions()[e.institution.index()]
        .leader
        .map(|p| (p, e.state)),
        (event, EventOutcome::Decided(d)) => {
            let (_, to) = d.participation?;
            let state = match event {
                Event::Unrest(e) => e.state,
                Event::SecurityAppeal(e) => e.state,
                _ => return None,
            };
            leaves(to).then_some((d.leader, state))
        }
        _ => None,
    }
}
