//! Firing events and applying their effects to a run (the rules are in the module docs of
//! [`crate::sim::events`]).

use super::{
    ActiveSanctions, Decision, DecisionKind, Event, FiveVariables, Hazard, LoggedEvent, Origin,
    Outcome, Pressure, PressureCause, PressureTarget, ScheduledEvent,
};
use crate::model::{tie_index, Channel, InstitutionId, Participation, PowerId, StateId, World};
use crate::sim::RunState;
use rand::{Rng, RngExt};

const K: usize = Channel::COUNT;

/// A scenario's events made ready to fire: scheduled events in step order and the hazards.
#[derive(Clone, Debug, Default)]
pub(crate) struct EventEngine {
    scheduled: Vec<ScheduledEvent>,
    hazards: Vec<Hazard>,
}

/// The logistic function.
fn logistic(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
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

    /// Reset the quantities that drivers and events act on to the world's values; the engine
    /// then applies the drivers and [`EventEngine::overlay`].
    pub fn baseline(world: &World, rs: &mut RunState) {
        for (c, p) in rs.capacity.iter_mut().zip(world.powers()) {
            *c = p.capacity;
        }
        for (d, p) in rs.delivery.chunks_exact_mut(K).zip(world.powers()) {
            d.copy_from_slice(&p.delivery);
        }
        for (c, i) in rs.credibility.iter_mut().zip(world.institutions()) {
            *c = i.credibility;
        }
    }

    /// Scale the driven baseline by the pressures and add the credibility shifts.
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
        let decay = 0.5f64.powf(1.0 / world.parameters().events.grievance_half_life);
        for g in &mut rs.events.grievance {
            *g *= decay;
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
            log(entry);
        }
        for h in &self.hazards {
            if step < h.from || step > h.until {
                continue;
            }
            if rng.random::<f64>() < h.monthly {
                let entry = apply(world, rs, step, Origin::Hazard, h.event.clone(), rng);
                log(entry);
            }
        }
        let rate = world.parameters().events.unrest_hazard;
        if rate > 0.0 {
            for (i, state) in world.states().iter().enumerate() {
                if state.fixed {
                    continue;
                }
                if rng.random::<f64>() < rate * rs.events.fragility[i] {
                    let event = Event::Unrest {
                        state: StateId(i as u32),
                        severity: None,
                        request: None,
                        contributors: None,
                    };
                    log(apply(world, rs, step, Origin::Fragility, event, rng));
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
                    let event = Event::SecondarySanctions {
                        by: s.by.clone(),
                        state: s.re_exporters[k],
                        cost: s.secondary_cost,
                    };
                    log(apply(world, rs, step, Origin::SanctionsHazard, event, rng));
                }
            }
        }
    }
}

/// Apply one event and return its log entry.
fn apply<R: Rng + ?Sized>(
    world: &World,
    rs: &mut RunState,
    step: u32,
    origin: Origin,
    mut event: Event,
    rng: &mut R,
) -> LoggedEvent {
    let params = &world.parameters().events;
    let np = world.powers().len();
    let outcome = match &mut event {
        Event::War {
            power,
            capacity_drain,
            delivery_drain,
            recovery,
            ends,
        } => {
            let pressure = |target, rate| Pressure {
                target,
                cause: PressureCause::War(*power),
                depth: 0.0,
                rate,
                recovery: *recovery,
                active: true,
                ends: *ends,
            };
            rs.events
                .pressures
                .push(pressure(PressureTarget::Capacity(*power), *capacity_drain));
            for ch in Channel::ALL {
                let rate = delivery_drain[ch.index()];
                if rate > 0.0 {
                    rs.events
                        .pressures
                        .push(pressure(PressureTarget::Delivery(*power, ch), rate));
                }
            }
            Outcome::Applied
        }
        Event::Peace { power } => {
            let mut ended = false;
            for pr in &mut rs.events.pressures {
                if pr.cause == PressureCause::War(*power) && pr.active {
                    pr.active = false;
                    ended = true;
                }
            }
            if ended {
                Outcome::Applied
            } else {
                Outcome::Skipped {
                    reason: "no war of this power is going on".to_string(),
                }
            }
        }
        Event::Sanctions {
            by,
            on,
            capacity_drain,
            delivery_cut,
            re_exporters,
            parallel_gain,
            secondary_hazard,
            secondary_cost,
            ends,
        } => {
            let pressure = |target, depth, rate| Pressure {
                target,
                cause: PressureCause::Sanctions(*on),
                depth,
                rate,
                recovery: params.sanctions_recovery,
                active: true,
                ends: *ends,
            };
            rs.events.pressures.push(pressure(
                PressureTarget::Capacity(*on),
                0.0,
                *capacity_drain,
            ));
            for ch in Channel::ALL {
                let cut = delivery_cut[ch.index()];
                if cut > 0.0 {
                    rs.events
                        .pressures
                        .push(pressure(PressureTarget::Delivery(*on, ch), cut, 0.0));
                }
            }
            // Parallel trade: a re-exporter re-routes part of its unmodelled trade through
            // both sides, half with the target and half spread over the coalition, so the
            // channel's total stays at most 1.
            let trade = Channel::Trade.index();
            for &s in re_exporters.iter() {
                if world.states()[s.index()].fixed {
                    continue;
                }
                let total: f64 = (0..np)
                    .map(|p| rs.ties[tie_index(np, s.index(), p, trade)])
                    .sum();
                let gain = *parallel_gain * (1.0 - total).max(0.0);
                rs.ties[tie_index(np, s.index(), on.index(), trade)] += gain / 2.0;
                for q in by.iter() {
                    rs.ties[tie_index(np, s.index(), q.index(), trade)] +=
                        gain / 2.0 / by.len() as f64;
                }
            }
            rs.events.sanctions.push(ActiveSanctions {
                by: by.clone(),
                on: *on,
                re_exporters: re_exporters.clone(),
                secondary_hazard: *secondary_hazard,
                secondary_cost: *secondary_cost,
                ends: *ends,
            });
            Outcome::Applied
        }
        Event::SecondarySanctions { by, state, cost } => {
            if !world.states()[state.index()].fixed {
                for q in by.iter() {
                    for ch in [Channel::Trade, Channel::Investment] {
                        rs.ties[tie_index(np, state.index(), q.index(), ch.index())] *= 1.0 - *cost;
                    }
                    rs.events.grievance[state.index() * np + q.index()] +=
                        params.sanctions_grievance * *cost;
                }
            }
            Outcome::Applied
        }
        Event::RemittanceShock {
            power,
            size,
            recovery,
            shift,
            alternatives,
        } => {
            rs.events.pressures.push(Pressure {
                target: PressureTarget::Delivery(*power, Channel::Remittances),
                cause: PressureCause::Shock,
                depth: *size,
                rate: 0.0,
                recovery: *recovery,
                active: true,
                // Full size in the month of the shock, recovering from the next.
                ends: Some(step + 1),
            });
            // Workers leave for the alternatives and their remittances follow them.
            for (i, state) in world.states().iter().enumerate() {
                if state.fixed {
                    continue;
                }
                for ch in [Channel::Labour, Channel::Remittances] {
                    let x = &mut rs.ties[tie_index(np, i, power.index(), ch.index())];
                    let moved = *x * *shift;
                    *x -= moved;
                    for &(q, w) in alternatives.iter() {
                        let y = &mut rs.ties[tie_index(np, i, q.index(), ch.index())];
                        *y = (*y + moved * w).min(1.0);
                    }
                }
            }
            Outcome::Applied
        }
        Event::Unrest {
            state,
            severity,
            request,
            contributors,
        } => {
            let sev = *severity.get_or_insert_with(|| rng.random::<f64>());
            match security_bloc(world, rs, *state) {
                None => Outcome::NoBloc,
                Some((bloc, slot, leader)) => {
                    let stake = regime_stake(world, rs, *state, leader);
                    // A government asks for foreign troops when the unrest is beyond it and
                    // the leader is its patron: with probability severity × stake.
                    let asked = *request.get_or_insert_with(|| rng.random::<f64>() < sev * stake);
                    let inputs = FiveVariables {
                        stake,
                        trigger: sev * stake,
                        local_support: if asked { 1.0 } else { 0.0 },
                        opposition: if asked { 0.0 } else { 1.0 - stake },
                        feasibility: feasibility(world, rs, leader, &[*state]),
                        cost: cost(world, rs, leader, &[*state]),
                    };
                    let contributors: Vec<StateId> = match contributors {
                        Some(list) => list.clone(),
                        None => active_members(world, rs, bloc)
                            .filter(|&s| s != *state)
                            .collect(),
                    };
                    let mut d = decide(world, DecisionKind::Intervention, bloc, leader, inputs);
                    if rng.random::<f64>() < d.probability {
                        d.acted = true;
                        intervene(world, rs, &mut d, *state, slot, rng);
                        for s in contributors {
                            let f = &mut rs.events.fragility[s.index()];
                            *f = (*f * params.contingent_fragility).min(1.0);
                        }
                    } else if asked {
                        // An ignored request is an unanswered appeal.
                        d.participation = unanswered(world, rs, *state, bloc, slot, leader);
                    }
                    Outcome::Decided(d)
                }
            }
        }
        Event::SecurityAppeal {
            state,
            institution,
            against,
            severity,
        } => {
            let bloc = match institution {
                Some(b) => member_slot(world, *b, *state).and_then(|slot| {
                    world.institutions()[b.index()]
                        .leader
                        .map(|l| (*b, slot, l))
                }),
                None => security_bloc(world, rs, *state),
            };
            match bloc {
                None => Outcome::Skipped {
                    reason: "the state has no security bloc with a leader".to_string(),
                },
                Some((b, slot, _))
                    if rs.participation[b.index()][slot] == Participation::Exited =>
                {
                    Outcome::Skipped {
                        reason: "the state has exited the bloc".to_string(),
                    }
                }
                Some((b, slot, leader)) => {
                    let c = world.components();
                    let a = |s: StateId, p: usize| rs.alignment[s.index() * c + p];
                    let (stake, opposition, parties) = match against {
                        Some(j) => {
                            let own = a(*state, leader.index());
                            let stake = if own > 0.0 {
                                ((own - a(*j, leader.index())) / own).max(0.0)
                            } else {
                                0.0
                            };
                            let camp: f64 = (0..np)
                                .filter(|&q| q != leader.index())
                                .map(|q| a(*j, q))
                                .sum();
                            (stake, camp, vec![*state, *j])
                        }
                        // No named adversary: an uninformed middle value for the opposition.
                        None => (regime_stake(world, rs, *state, leader), 0.5, vec![*state]),
                    };
                    let inputs = FiveVariables {
                        stake,
                        trigger: *severity * stake,
                        local_support: 1.0,
                        opposition,
                        feasibility: feasibility(world, rs, leader, &[*state]),
                        cost: cost(world, rs, leader, &parties),
                    };
                    let mut d = decide(world, DecisionKind::Appeal, b, leader, inputs);
                    if rng.random::<f64>() < d.probability {
                        d.acted = true;
                        intervene(world, rs, &mut d, *state, slot, rng);
                    } else {
                        d.participation = unanswered(world, rs, *state, b, slot, leader);
                    }
                    Outcome::Decided(d)
                }
            }
        }
        Event::BorderClash {
            states,
            institution,
            severity,
        } => {
            let [i, j] = *states;
            let bloc = match institution {
                Some(b) => Some(*b),
                None => (0..world.institutions().len())
                    .map(|n| InstitutionId(n as u32))
                    .find(|&b| {
                        world.institutions()[b.index()].leader.is_some()
                            && member_slot(world, b, i).is_some()
                            && member_slot(world, b, j).is_some()
                    }),
            };
            match bloc.and_then(|b| world.institutions()[b.index()].leader.map(|l| (b, l))) {
                None => Outcome::Skipped {
                    reason: "no bloc with a leader has both states as members".to_string(),
                },
                Some((b, leader)) => {
                    let c = world.components();
                    let ai = rs.alignment[i.index() * c + leader.index()];
                    let aj = rs.alignment[j.index() * c + leader.index()];
                    let top = ai.max(aj);
                    let stake = if top > 0.0 {
                        (ai - aj).abs() / top
                    } else {
                        0.0
                    };
                    let inputs = FiveVariables {
                        stake,
                        trigger: *severity * stake,
                        local_support: 1.0,
                        // An imposed settlement between two armed members faces one side.
                        opposition: 1.0,
                        feasibility: feasibility(world, rs, leader, &[i, j]),
                        cost: cost(world, rs, leader, &[i, j]),
                    };
                    let mut d = decide(world, DecisionKind::Mediation, b, leader, inputs);
                    let shift = &mut rs.events.credibility_shift[b.index()];
                    if rng.random::<f64>() < d.probability {
                        d.acted = true;
                        d.success = Some(true);
                        d.success_probability = Some(1.0);
                        *shift += params.credibility_mediation;
                    } else {
                        // Failed mediation: the bloc loses credibility, and each party resents
                        // the leader half as much as for an unanswered appeal.
                        *shift -= params.credibility_mediation;
                        for s in [i, j] {
                            rs.events.grievance[s.index() * np + leader.index()] +=
                                params.grievance_unanswered / 2.0;
                        }
                    }
                    Outcome::Decided(d)
                }
            }
        }
        Event::DiplomaticCrisis {
            power,
            state,
            severity,
        } => {
            if !world.states()[state.index()].fixed {
                for ch in [Channel::Culture, Channel::Media] {
                    rs.ties[tie_index(np, state.index(), power.index(), ch.index())] *=
                        1.0 - params.crisis_tie_cut * *severity;
                }
            }
            rs.events.grievance[state.index() * np + power.index()] +=
                params.crisis_grievance * *severity;
            for (b, inst) in world.institutions().iter().enumerate() {
                if inst.leader == Some(*power) && inst.members.iter().any(|&(s, _)| s == *state) {
                    rs.events.credibility_shift[b] -= params.crisis_credibility * *severity;
                }
            }
            Outcome::Applied
        }
        Event::ExternalOffer {
            power,
            state,
            channel,
            amount,
            rival,
        } => {
            let i = state.index();
            if !world.states()[i].fixed {
                let k = channel.index();
                let x = rs.ties[tie_index(np, i, power.index(), k)];
                let mut room = 1.0 - x;
                if world.parameters().feedback[k] > 0.0 {
                    // Shares of a channel with feedback sum to at most 1.
                    let total: f64 = (0..np).map(|p| rs.ties[tie_index(np, i, p, k)]).sum();
                    room = room.min(1.0 - total).max(0.0);
                }
                rs.ties[tie_index(np, i, power.index(), k)] = x + *amount * room;
            }
            let c = world.components();
            let r = rival.or_else(|| {
                (0..np)
                    .filter(|&q| q != power.index())
                    .max_by(|&p, &q| rs.alignment[i * c + p].total_cmp(&rs.alignment[i * c + q]))
                    .map(|q| PowerId(q as u32))
            });
            *rival = r;
            match r {
                None => Outcome::Offer {
                    rival: None,
                    probability: 0.0,
                    retaliated: false,
                },
                Some(r) => {
                    let probability = (params.retaliation
                        * rs.coercion[r.index()]
                        * rs.capacity[r.index()].min(1.0))
                    .clamp(0.0, 1.0);
                    let retaliated = rng.random::<f64>() < probability;
                    if retaliated {
                        if !world.states()[i].fixed {
                            for ch in [Channel::Labour, Channel::Remittances] {
                                rs.ties[tie_index(np, i, r.index(), ch.index())] *=
                                    1.0 - params.retaliation_cut;
                            }
                        }
                        rs.events.grievance[i * np + r.index()] += params.retaliation_grievance;
                    }
                    Outcome::Offer {
                        rival: Some(r),
                        probability,
                        retaliated,
                    }
                }
            }
        }
    };
    LoggedEvent {
        step,
        origin,
        event,
        outcome,
    }
}

/// The slot of `state` in the members of `bloc`.
fn member_slot(world: &World, bloc: InstitutionId, state: StateId) -> Option<usize> {
    world.institutions()[bloc.index()]
        .members
        .iter()
        .position(|&(s, _)| s == state)
}

/// Active members of `bloc`.
fn active_members<'a>(
    world: &'a World,
    rs: &'a RunState,
    bloc: InstitutionId,
) -> impl Iterator<Item = StateId> + 'a {
    world.institutions()[bloc.index()]
        .members
        .iter()
        .zip(&rs.participation[bloc.index()])
        .filter(|(_, p)| **p == Participation::Active)
        .map(|(&(s, _), _)| s)
}

/// The bloc a state turns to for security: among the blocs with a leader that carry some of
/// the security channel and in which the state is active, the one delivering most
/// (`carries × credibility`); the first listed on a tie.
fn security_bloc(
    world: &World,
    rs: &RunState,
    state: StateId,
) -> Option<(InstitutionId, usize, PowerId)> {
    let sec = Channel::Security.index();
    let mut best: Option<(f64, InstitutionId, usize, PowerId)> = None;
    for (b, inst) in world.institutions().iter().enumerate() {
        let (Some(leader), Some(slot)) = (
            inst.leader,
            member_slot(world, InstitutionId(b as u32), state),
        ) else {
            continue;
        };
        if inst.carries[sec] <= 0.0 || rs.participation[b][slot] != Participation::Active {
            continue;
        }
        let value = inst.carries[sec] * rs.credibility[b];
        if best.is_none_or(|(v, ..)| value > v) {
            best = Some((value, InstitutionId(b as u32), slot, leader));
        }
    }
    best.map(|(_, b, slot, leader)| (b, slot, leader))
}

/// The leader's stake in a regime: its alignment share over the regime's largest power share.
fn regime_stake(world: &World, rs: &RunState, state: StateId, leader: PowerId) -> f64 {
    let np = world.powers().len();
    let a = rs.alignment_of(world.components(), state.index());
    let top = a[..np].iter().copied().fold(0.0, f64::max);
    if top > 0.0 {
        a[leader.index()] / top
    } else {
        0.0
    }
}

/// `min(1, g_p) × proximity`, the nearest of the states concerned.
fn feasibility(world: &World, rs: &RunState, leader: PowerId, states: &[StateId]) -> f64 {
    let reach = states
        .iter()
        .map(|s| world.states()[s.index()].proximity[leader.index()])
        .fold(0.0, f64::max);
    rs.capacity[leader.index()].clamp(0.0, 1.0) * reach
}

/// The largest `a_tq · min(1, g_q)` over the parties `t` and the powers `q` other than the leader.
fn cost(world: &World, rs: &RunState, leader: PowerId, parties: &[StateId]) -> f64 {
    let c = world.components();
    let np = world.powers().len();
    let mut out: f64 = 0.0;
    for t in parties {
        for q in (0..np).filter(|&q| q != leader.index()) {
            out = out.max(rs.alignment[t.index() * c + q] * rs.capacity[q].clamp(0.0, 1.0));
        }
    }
    out
}

/// The decision's probability from its inputs, as a not-yet-drawn [`Decision`].
fn decide(
    world: &World,
    kind: DecisionKind,
    institution: InstitutionId,
    leader: PowerId,
    inputs: FiveVariables,
) -> Decision {
    let p = &world.parameters().events;
    let z = p.decision_intercept
        + p.weight_trigger * inputs.trigger
        + p.weight_support * inputs.local_support
        - p.weight_opposition * inputs.opposition
        + p.weight_feasibility * inputs.feasibility
        - p.weight_cost * inputs.cost;
    Decision {
        kind,
        institution,
        leader,
        inputs,
        probability: logistic(z),
        acted: false,
        success_probability: None,
        success: None,
        participation: None,
    }
}

/// The bloc acted for `state`: draw success from the leader's capacity and apply either outcome.
fn intervene<R: Rng + ?Sized>(
    world: &World,
    rs: &mut RunState,
    d: &mut Decision,
    state: StateId,
    slot: usize,
    rng: &mut R,
) {
    let params = &world.parameters().events;
    let np = world.powers().len();
    let c = world.components();
    let leader = d.leader.index();
    let b = d.institution.index();
    let q =
        (params.success * rs.capacity[leader].clamp(0.0, 1.0) * (1.0 - d.inputs.opposition / 2.0))
            .clamp(0.0, 1.0);
    let success = rng.random::<f64>() < q;
    d.success_probability = Some(q);
    d.success = Some(success);
    let fixed = world.states()[state.index()].fixed;
    let sec = tie_index(np, state.index(), leader, Channel::Security.index());
    let a = &mut rs.alignment[state.index() * c..(state.index() + 1) * c];
    if success {
        if !fixed {
            // A convex combination with the leader's vertex: the simplex holds.
            let kappa = params.alignment_shift;
            for (j, aj) in a.iter_mut().enumerate() {
                *aj = (1.0 - kappa) * *aj + if j == leader { kappa } else { 0.0 };
            }
            rs.ties[sec] += params.security_gain * (1.0 - rs.ties[sec]);
        }
        rs.events.credibility_shift[b] += params.credibility_success;
        // A delivered guarantee offsets one unanswered appeal; a suspended member whose
        // count falls below the threshold takes part again.
        let count = &mut rs.events.unanswered[b][slot];
        *count = count.saturating_sub(1);
        let part = &mut rs.participation[b][slot];
        if *part == Participation::Suspended && *count < params.suspend_after {
            d.participation = Some((*part, Participation::Active));
            *part = Participation::Active;
        }
    } else {
        if !fixed {
            // Mass moves from the intervener to autonomy; the sum is unchanged.
            let moved = params.alignment_shift.min(a[leader]);
            a[leader] -= moved;
            a[c - 1] += moved;
            rs.ties[sec] *= 1.0 - params.security_cut;
        }
        rs.events.credibility_shift[b] -= params.credibility_failure;
    }
}

/// An appeal or request left unanswered: credibility, security tie and grievance fall, the
/// count rises, and participation moves along the thresholds. Returns the participation
/// change, if any.
fn unanswered(
    world: &World,
    rs: &mut RunState,
    state: StateId,
    bloc: InstitutionId,
    slot: usize,
    leader: PowerId,
) -> Option<(Participation, Participation)> {
    let params = &world.parameters().events;
    let np = world.powers().len();
    let b = bloc.index();
    rs.events.credibility_shift[b] -= params.credibility_unanswered;
    if !world.states()[state.index()].fixed {
        rs.ties[tie_index(np, state.index(), leader.index(), Channel::Security.index())] *=
            1.0 - params.security_cut;
    }
    rs.events.grievance[state.index() * np + leader.index()] += params.grievance_unanswered;
    let count = &mut rs.events.unanswered[b][slot];
    *count += 1;
    let part = &mut rs.participation[b][slot];
    let next = if *count >= params.exit_after {
        Participation::Exited
    } else if *count >= params.suspend_after && *part == Participation::Active {
        Participation::Suspended
    } else {
        *part
    };
    if next != *part {
        let change = (*part, next);
        *part = next;
        Some(change)
    } else {
        None
    }
}
