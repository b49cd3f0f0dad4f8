//! One step of the alignment dynamics (MODEL.md §2), written as a few tight loops over dense
//! arrays.
//!
//! For each movable state `i`, with `P` powers and autonomy as component `P`:
//!
//! 1. **Channel pull** of power `p`: `pull_ip = Σ_k w_ik · x_ipk · g_p(t) · δ_ipk(t)`, where
//!    `δ_ipk` is how well the channel is delivered to `i`. Without a bloc, `δ_ipk = d_pk(t)`,
//!    the power's own delivery factor. When `i` belongs to institutions `I` led by `p` that
//!    carry shares `β_Ik` of the channel, that part is delivered by the blocs instead:
//!    `δ_ipk = d_pk · r + (1 − r) · max_I (cred_I · part_iI)` over the blocs with `β_Ik > 0`,
//!    where `r = Π_I (1 − β_Ik)` is the bilateral remainder. A bloc's share is thus delivered
//!    as far as the bloc is credible and the member takes part (a suspended member gets none
//!    of it); the power's own delivery factor applies to the bilateral rest only, so a failing
//!    bloc and a failing bilateral guarantee are not counted twice. Overlapping commitments of
//!    the same leader are redundant routes: the most credible one serves the member, so an
//!    extra, weaker bloc never lowers what a stronger one delivers (Belarus keeps the Union
//!    State's guarantee whatever the CSTO's credibility).
//! 2. **Threat** `T_ip = coercion_p(t) · g_p(t) · proximity_ip · (1 + λ · coethnic_ip)`,
//!    entering with the disposition's weight `s_i` (bandwagoners are pulled toward threat,
//!    balancers pushed away).
//! 3. **Utility** `u_ip = pull_ip + s_i T_ip + π peer_ip − r_ip + b_ip` for powers and
//!    `u_i0 = ψ_i · max_p pull_ip + π peer_i0 + b_i0` for autonomy: `ψ_i` is the share of the
//!    strongest single dependence that the state also credits to staying autonomous (the cost
//!    of dependence; near 1 for a neutral state). `peer_ic` is the mean alignment of the
//!    state's fellow active members, averaged over its active institutions. `r_ip ≥ 0` is the
//!    state's grievance toward the power, left by events ([`crate::events`]). `b_ic` are
//!    per-state constants (below).
//! 4. **Target** `a*_i = softmax(u_i / τ_i)`, computed with the log-sum-exp shift.
//! 5. **Update** (Friedkin–Johnsen with inertia):
//!    `a_i ← (1 − η_i) a_i + η_i [(1 − γ_i) a*_i + γ_i a_i(0)]`.
//! 6. **Perturbation**: `a_ic ← a_ic (1 + h (z_c − Σ_j a_ij z_j))` with `z_c` uniform on
//!    [−1, 1]. It preserves the sum exactly in real arithmetic, its expectation is the
//!    unperturbed point (mean-preserving), and with `h ≤ 1/2` every factor is ≥ 0, so the
//!    point stays on the simplex by construction. It replaces the Dirichlet of MODEL.md §2
//!    because it needs `P + 1` uniform draws instead of `P + 1` gamma draws and has bounded
//!    support; the result is renormalised by its sum (a few ulps from 1) so rounding cannot
//!    accumulate over long runs.
//! 7. **Tie feedback** (trade follows politics): on channel `k` with rate `φ_k > 0`, the
//!    state's total `X_ik = Σ_p x_ipk` is kept and its split moves toward the alignment:
//!    `x_ipk ← (1 − φ_k) x_ipk + φ_k min(1, X_ik a_ip / Σ_q a_iq)`.
//!
//! **Intercepts.** With `calibrate_intercepts` on (the default), `b_ic = τ_i ln a_ic(0) − ũ_ic(0)`
//! where `ũ` is the utility without constants at the start: the first target then equals the
//! observed initial alignment, so a run starts at rest and every movement is caused by a
//! change (drivers, feedback, peers, noise), not by a mismatch between the judged alignment
//! and the channel data. This is the alternative-specific-constant calibration of discrete
//! choice models (Train, *Discrete Choice Methods with Simulation*, 2009, §2.8). The
//! dispositions then shape the *response* to change (temperature, threat sign, dependence
//! aversion), not the starting level.

use crate::events::EventState;
use crate::world::{tie_index, Channel, Participation, World};
use rand::{Rng, RngExt};
use serde::{Deserialize, Serialize};

const K: usize = Channel::COUNT;

/// Everything that moves during a run: alignment, ties, power capacity and delivery,
/// institution credibility and participation. Plain data, cloned from the [`World`] at the
/// start of a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunState {
    /// Steps taken so far (0 at the scenario start).
    pub step: u32,
    /// Alignment per state: `powers + 1` shares (autonomy last), state-major.
    pub alignment: Vec<f64>,
    /// Dense ties, laid out as [`World::ties`].
    pub ties: Vec<f64>,
    /// Capacity index per power.
    pub capacity: Vec<f64>,
    /// Coercion per power.
    pub coercion: Vec<f64>,
    /// Delivery per power and channel, power-major.
    pub delivery: Vec<f64>,
    /// Credibility per institution.
    pub credibility: Vec<f64>,
    /// Participation per institution, per member (in the order of
    /// [`crate::Institution::members`]).
    pub participation: Vec<Vec<Participation>>,
    /// What events have done so far: pressures, credibility shifts, grievances, fragility,
    /// unanswered appeals and sanctions in force (see [`crate::events`]).
    pub events: EventState,
}

impl RunState {
    /// The state of `world` at its scenario start.
    pub fn new(world: &World) -> Self {
        RunState {
            step: 0,
            alignment: world
                .states
                .iter()
                .flat_map(|s| s.alignment.iter().copied())
                .collect(),
            ties: world.ties.clone(),
            capacity: world.powers.iter().map(|p| p.capacity).collect(),
            coercion: world.powers.iter().map(|p| p.coercion).collect(),
            delivery: world
                .powers
                .iter()
                .flat_map(|p| p.delivery.iter().copied())
                .collect(),
            credibility: world.institutions.iter().map(|i| i.credibility).collect(),
            participation: world
                .institutions
                .iter()
                .map(|i| i.members.iter().map(|&(_, p)| p).collect())
                .collect(),
            events: EventState::new(world),
        }
    }

    /// The alignment of state `index`: one share per power, then autonomy.
    pub fn alignment_of(&self, components: usize, index: usize) -> &[f64] {
        &self.alignment[index * components..(index + 1) * components]
    }

    /// Cohesion of institution `index`: the mean, over all its listed members with equal
    /// weight, of `participation weight × the member's alignment share with the leader`.
    ///
    /// Equal weights follow the CSTO Charter's consensus rule (one member, one vote). A
    /// suspended or exited member counts as 0, so suspensions lower cohesion. For an
    /// institution without a leader, cohesion is `1 − mean total-variation distance` of the
    /// active members from their mean alignment. An institution with no members has cohesion 0.
    pub fn cohesion(&self, world: &World, index: usize) -> f64 {
        let inst = &world.institutions[index];
        let c = world.components();
        let parts = &self.participation[index];
        if inst.members.is_empty() {
            return 0.0;
        }
        match inst.leader {
            Some(leader) => {
                let total: f64 = inst
                    .members
                    .iter()
                    .zip(parts)
                    .map(|(&(s, _), part)| {
                        part.weight() * self.alignment[s.index() * c + leader.index()]
                    })
                    .sum();
                total / inst.members.len() as f64
            }
            None => {
                let active: Vec<usize> = inst
                    .members
                    .iter()
                    .zip(parts)
                    .filter(|(_, p)| **p == Participation::Active)
                    .map(|(&(s, _), _)| s.index())
                    .collect();
                if active.is_empty() {
                    return 0.0;
                }
                let n = active.len() as f64;
                let mean: Vec<f64> = (0..c)
                    .map(|j| {
                        active
                            .iter()
                            .map(|&s| self.alignment[s * c + j])
                            .sum::<f64>()
                            / n
                    })
                    .collect();
                let tv: f64 = active
                    .iter()
                    .map(|&s| {
                        0.5 * (0..c)
                            .map(|j| (self.alignment[s * c + j] - mean[j]).abs())
                            .sum::<f64>()
                    })
                    .sum::<f64>()
                    / n;
                1.0 - tv
            }
        }
    }
}

/// For one state: a leading power of its institutions, the memberships that power leads, and
/// the per-channel bilateral remainder `r = Π (1 − β)` over those blocs (scenario constants).
#[derive(Clone, Debug)]
struct LedBlocs {
    power: usize,
    blocs: Vec<(usize, usize)>,
    remainder: [f64; K],
}

/// Per-scenario constants of the step, computed once: the calibrated intercepts and each
/// state's institution memberships.
#[derive(Clone, Debug)]
pub struct Dynamics {
    components: usize,
    /// `b_ic`, state-major.
    intercepts: Vec<f64>,
    /// Per state: `(institution index, member slot)` pairs.
    memberships: Vec<Vec<(usize, usize)>>,
    /// Per state: each leading power of its institutions, with the memberships it leads.
    led: Vec<Vec<LedBlocs>>,
    /// Channels with tie feedback, with their rates.
    feedback: Vec<(usize, f64)>,
}

/// Scratch space for one step, allocated once per run so the hot loop allocates nothing.
#[derive(Clone, Debug)]
pub struct Workspace {
    /// `d_pk g_p` per power and channel.
    dg: Vec<f64>,
    /// Per institution: sum of active members' alignments, then the active count.
    bloc_sum: Vec<f64>,
    bloc_count: Vec<f64>,
    /// Per-state effective channel factors (copy of `dg` scaled by memberships).
    eff: Vec<f64>,
    utility: Vec<f64>,
    peer: Vec<f64>,
    noise: Vec<f64>,
}

impl Workspace {
    /// Scratch space sized for `world`.
    pub fn new(world: &World) -> Self {
        let p = world.powers.len();
        let c = world.components();
        let n_inst = world.institutions.len();
        Workspace {
            dg: vec![0.0; p * K],
            bloc_sum: vec![0.0; n_inst * c],
            bloc_count: vec![0.0; n_inst],
            eff: vec![0.0; p * K],
            utility: vec![0.0; c],
            peer: vec![0.0; c],
            noise: vec![0.0; c],
        }
    }
}

impl Dynamics {
    /// Precompute the constants of `world`, with `start` the run state at the scenario start
    /// (after the drivers' start values are applied).
    pub fn new(world: &World, start: &RunState) -> Self {
        let c = world.components();
        let mut memberships = vec![Vec::new(); world.states.len()];
        for (ii, inst) in world.institutions.iter().enumerate() {
            for (slot, &(s, _)) in inst.members.iter().enumerate() {
                memberships[s.index()].push((ii, slot));
            }
        }
        let led = memberships
            .iter()
            .map(|list: &Vec<(usize, usize)>| {
                let mut by_leader: Vec<LedBlocs> = Vec::new();
                for &(ii, slot) in list {
                    let inst = &world.institutions[ii];
                    let Some(leader) = inst.leader else {
                        continue;
                    };
                    let entry = match by_leader.iter().position(|l| l.power == leader.index()) {
                        Some(n) => &mut by_leader[n],
                        None => {
                            by_leader.push(LedBlocs {
                                power: leader.index(),
                                blocs: Vec::new(),
                                remainder: [1.0; K],
                            });
                            by_leader.last_mut().expect("just pushed")
                        }
                    };
                    entry.blocs.push((ii, slot));
                    for (r, &beta) in entry.remainder.iter_mut().zip(&inst.carries) {
                        if beta > 0.0 {
                            *r *= 1.0 - beta;
                        }
                    }
                }
                by_leader
            })
            .collect();
        let feedback = Channel::ALL
            .iter()
            .map(|ch| (ch.index(), world.parameters.feedback[ch.index()]))
            .filter(|&(_, rate)| rate > 0.0)
            .collect();
        let mut dynamics = Dynamics {
            components: c,
            intercepts: vec![0.0; world.states.len() * c],
            memberships,
            led,
            feedback,
        };
        if world.parameters.calibrate_intercepts {
            let mut ws = Workspace::new(world);
            dynamics.prepare(world, start, &mut ws);
            let mut intercepts = vec![0.0; world.states.len() * c];
            for (i, state) in world.states.iter().enumerate() {
                if state.fixed {
                    continue;
                }
                dynamics.utilities(world, start, &mut ws, i);
                let tau = state.response.temperature;
                for j in 0..c {
                    // Validation guarantees a positive initial share for movable states
                    // when calibration is on, so the logarithm is finite.
                    intercepts[i * c + j] = tau * start.alignment[i * c + j].ln() - ws.utility[j];
                }
            }
            dynamics.intercepts = intercepts;
        }
        dynamics
    }

    /// Per-step precomputation shared by all states: `d·g` and the bloc alignment sums.
    fn prepare(&self, world: &World, rs: &RunState, ws: &mut Workspace) {
        let c = self.components;
        for (p, &g) in rs.capacity.iter().enumerate() {
            for k in 0..K {
                ws.dg[p * K + k] = rs.delivery[p * K + k] * g;
            }
        }
        ws.bloc_sum.fill(0.0);
        ws.bloc_count.fill(0.0);
        for (ii, inst) in world.institutions.iter().enumerate() {
            let sum = &mut ws.bloc_sum[ii * c..(ii + 1) * c];
            for (&(s, _), part) in inst.members.iter().zip(&rs.participation[ii]) {
                if *part == Participation::Active {
                    let a = &rs.alignment[s.index() * c..(s.index() + 1) * c];
                    for (acc, x) in sum.iter_mut().zip(a) {
                        *acc += x;
                    }
                    ws.bloc_count[ii] += 1.0;
                }
            }
        }
    }

    /// Utilities of state `i` without intercepts, into `ws.utility`.
    fn utilities(&self, world: &World, rs: &RunState, ws: &mut Workspace, i: usize) {
        let state = &world.states[i];
        let params = &world.parameters;
        let np = world.powers.len();
        let c = self.components;

        ws.eff.copy_from_slice(&ws.dg);
        for led in &self.led[i] {
            let p = led.power;
            for k in 0..K {
                let remainder = led.remainder[k];
                if remainder == 1.0 {
                    continue;
                }
                let best = led
                    .blocs
                    .iter()
                    .filter(|&&(ii, _)| world.institutions[ii].carries[k] > 0.0)
                    .map(|&(ii, slot)| rs.credibility[ii] * rs.participation[ii][slot].weight())
                    .fold(0.0, f64::max);
                ws.eff[p * K + k] = rs.capacity[p]
                    * (rs.delivery[p * K + k] * remainder + (1.0 - remainder) * best);
            }
        }

        // Peer term: mean alignment of fellow active members, averaged over institutions.
        ws.peer.fill(0.0);
        let mut blocs = 0.0;
        let own = &rs.alignment[i * c..(i + 1) * c];
        for &(ii, slot) in &self.memberships[i] {
            if rs.participation[ii][slot] != Participation::Active || ws.bloc_count[ii] < 2.0 {
                continue;
            }
            let others = ws.bloc_count[ii] - 1.0;
            let sum = &ws.bloc_sum[ii * c..(ii + 1) * c];
            for ((acc, s), a) in ws.peer.iter_mut().zip(sum).zip(own) {
                *acc += (s - a) / others;
            }
            blocs += 1.0;
        }
        let peer_scale = if blocs > 0.0 {
            params.peer_weight / blocs
        } else {
            0.0
        };

        let response = &state.response;
        let mut strongest: f64 = 0.0;
        for p in 0..np {
            let base = tie_index(np, i, p, 0);
            let x = &rs.ties[base..base + K];
            let eff = &ws.eff[p * K..(p + 1) * K];
            let mut pull = 0.0;
            for k in 0..K {
                pull += state.salience[k] * x[k] * eff[k];
            }
            strongest = strongest.max(pull);
            let threat = rs.coercion[p]
                * rs.capacity[p]
                * state.proximity[p]
                * (1.0 + params.coethnic_leverage * state.coethnic[p]);
            ws.utility[p] = pull + response.threat_weight * threat + peer_scale * ws.peer[p]
                - rs.events.grievance[i * np + p];
        }
        ws.utility[np] = response.dependence_aversion * strongest + peer_scale * ws.peer[np];
    }

    /// Advance `rs` by one step, drawing the perturbation from `rng`.
    ///
    /// Returns the index of a state whose alignment became non-finite or left the simplex,
    /// which validated inputs never produce; the engine turns it into a [`crate::SimError`].
    pub fn step<R: Rng + ?Sized>(
        &self,
        world: &World,
        rs: &mut RunState,
        ws: &mut Workspace,
        rng: &mut R,
    ) -> Result<(), usize> {
        let c = self.components;
        let np = world.powers.len();
        let h = world.parameters.noise;
        self.prepare(world, rs, ws);

        for (i, state) in world.states.iter().enumerate() {
            if state.fixed {
                continue;
            }
            self.utilities(world, rs, ws, i);
            let b = &self.intercepts[i * c..(i + 1) * c];
            let tau = state.response.temperature;
            let mut max = f64::NEG_INFINITY;
            for (u, b) in ws.utility.iter_mut().zip(b) {
                *u = (*u + b) / tau;
                max = max.max(*u);
            }
            let mut z = 0.0;
            for u in ws.utility.iter_mut() {
                *u = (*u - max).exp();
                z += *u;
            }

            let eta = state.inertia;
            let gamma = state.stubbornness;
            let a0 = &state.alignment;
            let a = &mut rs.alignment[i * c..(i + 1) * c];
            for j in 0..c {
                let target = ws.utility[j] / z;
                a[j] = (1.0 - eta) * a[j] + eta * ((1.0 - gamma) * target + gamma * a0[j]);
            }

            if h > 0.0 {
                let mut zbar = 0.0;
                for (zj, aj) in ws.noise.iter_mut().zip(a.iter()) {
                    *zj = 2.0 * rng.random::<f64>() - 1.0;
                    zbar += aj * *zj;
                }
                for (aj, zj) in a.iter_mut().zip(&ws.noise) {
                    *aj *= (1.0 + h * (zj - zbar)).max(0.0);
                }
            }
            let sum: f64 = a.iter().sum();
            if !(sum.is_finite() && sum > 0.0) {
                return Err(i);
            }
            for aj in a.iter_mut() {
                *aj /= sum;
            }

            for &(k, rate) in &self.feedback {
                let total: f64 = (0..np).map(|p| rs.ties[tie_index(np, i, p, k)]).sum();
                let aligned: f64 = a[..np].iter().sum();
                if aligned <= 0.0 {
                    continue;
                }
                for (p, ap) in a[..np].iter().enumerate() {
                    let x = &mut rs.ties[tie_index(np, i, p, k)];
                    // A driver may lift one tie so that the channel total exceeds 1; a share
                    // target above 1 is meaningless, so the target is capped at 1 and the
                    // tie, a convex combination of two values in [0, 1], stays in [0, 1].
                    let target = (total * ap / aligned).min(1.0);
                    *x = (1.0 - rate) * *x + rate * target;
                }
            }
        }
        rs.step += 1;
        Ok(())
    }
}
