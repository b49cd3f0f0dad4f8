//! One step of the alignment dynamics (docs/model.md §2), written as a few tight loops over dense
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
//!    balancers pushed away). `coercion_p(t)` includes the threat the power's hostile
//!    interventions have added ([`crate::sim::events::hostile`]).
//! 3. **Utility** `u_ip = pull_ip + s_i T_ip + π peer_ip − r_ip + b_ip` for powers and
//!    `u_i0 = ψ_i · max_p pull_ip + π peer_i0 + b_i0` for autonomy: `ψ_i` is the share of the
//!    strongest single dependence that the state also credits to staying autonomous (the cost
//!    of dependence; near 1 for a neutral state). `peer_ic` is the mean alignment of the
//!    state's fellow active members, averaged over its active institutions. `r_ip ≥ 0` is the
//!    state's grievance toward the power, left by events ([`crate::sim::events`]). `b_ic` are
//!    per-state constants (below).
//! 4. **Target** `a*_i = softmax(u_i / τ_i)`, computed with the log-sum-exp shift: the largest
//!    utility is subtracted before dividing by τ, so every exponent is ≤ 0 at any temperature.
//!    The exponentials use a portable polynomial `exp` (`exp_nonpositive` in the source), so a
//!    seed gives the same bits whatever the platform's libm.
//! 5. **Update** (Friedkin–Johnsen with inertia):
//!    `a_i ← (1 − η_i) a_i + η_i [(1 − γ_i) a*_i + γ_i a_i(0)]`.
//! 6. **Perturbation**: `a_ic ← a_ic · max(0, 1 + h (z_c − Σ_j a_ij z_j))` with `z_c` uniform
//!    on [−1, 1] (the `max` only guards rounding: with `h ≤ 1/2` the factor is ≥ 0). It preserves the sum exactly in real arithmetic, its expectation is the
//!    unperturbed point (mean-preserving), and with `h ≤ 1/2` every factor is ≥ 0, so the
//!    point stays on the simplex by construction. It replaces the Dirichlet of the first design (docs/model.md §8)
//!    because it needs `P + 1` uniform draws instead of `P + 1` gamma draws and has bounded
//!    support; the result is renormalised by its sum (a few ulps from 1) so rounding cannot
//!    accumulate over long runs. The uniforms have a resolution of 2⁻³¹, two per 64-bit draw
//!    from the run's noise stream ([`crate::sim::noise_rng`]).
//! 7. **Tie feedback** (trade follows politics): on channel `k` with rate `φ_k > 0`, the
//!    state's total `X_ik = Σ_p x_ipk` is kept and its split moves toward the alignment:
//!    `x_ipk ← (1 − φ_k) x_ipk + φ_k min(1, X_ik a_ip / Σ_q a_iq)`.
//!
//! **Intercepts.** With `calibrate_intercepts` on (the default), `b_ic = τ_i ln a_ic(0) − ũ_ic(0)`
//! where `ũ` is the utility without constants at the start of the scenario's *baseline* (its
//! own world unless it has one, `Scenario::with_baseline`; matched by state and component name):
//! the first target then equals the baseline's initial alignment, so the baseline starts at
//! rest and every movement is caused by a
//! change (drivers, feedback, peers, noise), not by a mismatch between the judged alignment
//! and the channel data. This is the alternative-specific-constant calibration of discrete
//! choice models (Train, *Discrete Choice Methods with Simulation*, 2009, §2.8). The
//! dispositions then shape the *response* to change (temperature, threat sign, dependence
//! aversion), not the starting level.

use crate::model::{Channel, Participation, World};
use crate::sim::circumstances;
use crate::sim::lanes;
use crate::sim::nested::Nests;
use crate::sim::state::RunState;
use rand::Rng;

const K: usize = Channel::COUNT;
/// Width of the blocks in which the softmax's exponentials are computed (vectorisable).
pub(crate) const LANES: usize = 4;

/// A channel of state `i` on which some of leader `power`'s tie runs through blocs the state
/// belongs to (a scenario constant): `δ = d·r + (1 − r)·max (cred · part)` over `blocs`.
#[derive(Clone, Debug)]
struct BlocRoute {
    power: usize,
    /// `power · K + channel`, the route's offset in per-power-and-channel arrays.
    offset: usize,
    /// The state's salience of the channel.
    salience: f64,
    /// `r = Π (1 − β)`, the bilateral remainder (< 1).
    remainder: f64,
    /// `1 − r`, the share the blocs deliver.
    bloc_share: f64,
    /// The state's memberships (flat member indices, see [`Dynamics::member_offset`]) in
    /// the blocs with `β > 0` on this channel, as a range into [`Dynamics::route_blocs`].
    blocs: std::ops::Range<usize>,
    /// That membership when there is only one (most routes run through one bloc).
    only: Option<usize>,
}

/// Per-scenario constants of one movable state, computed once so the step reads them
/// straight from a flat array.
#[derive(Clone, Debug)]
struct StateConstants {
    /// Index into the world's states.
    index: usize,
    /// Salience `w_ik` per channel.
    salience: [f64; K],
    /// `1/τ_i`, capped at the largest double: a τ so small that its reciprocal overflows acts
    /// as the limit τ → 0 (the target puts everything on the highest utility).
    inv_temperature: f64,
    /// `τ_i`, times the lock-in factor `1 + κ L_i` when that is on (docs/model.md §10.2).
    temperature: f64,
    /// `ψ_i`.
    dependence_aversion: f64,
    /// `1 − η_i`, the share of the alignment kept.
    keep: f64,
    /// `η_i (1 − γ_i)`, the weight of the target.
    toward: f64,
    /// Routes of the state's channels through blocs, as a range into [`Dynamics::routes`].
    routes: std::ops::Range<usize>,
    /// `(institution, member slot)` of its memberships, as a range into
    /// [`Dynamics::memberships`].
    memberships: std::ops::Range<usize>,
    /// Its routes on the security channel, as a range into [`Dynamics::security_routes`].
    security_routes: std::ops::Range<usize>,
}

/// Per-scenario constants of the step, computed once: the calibrated intercepts, each
/// movable state's response constants, its bloc routes and its memberships.
///
/// Not part of the supported API: public, and hidden from the docs, only so that
/// `benches/step.rs` can time one step. Run scenarios through [`crate::Simulation`].
#[doc(hidden)]
#[derive(Clone, Debug)]
pub struct Dynamics {
    components: usize,
    /// `π`.
    peer_weight: f64,
    /// The movable states, in world order.
    states: Vec<StateConstants>,
    /// `b_ic`, per movable state, `components` each, in utility units.
    intercepts: Vec<f64>,
    /// `η_i γ_i a_ic(0)`, the pull back to the initial alignment, per movable state.
    anchor: Vec<f64>,
    /// `s_i · proximity_ip · (1 + λ coethnic_ip)`, per movable state and power: the threat per
    /// unit of `coercion_p · g_p`.
    threat: Vec<f64>,
    routes: Vec<BlocRoute>,
    route_blocs: Vec<usize>,
    /// `(power, r)` of every movable state's routes on the security channel, `r` the route's
    /// position among the state's routes: the regime-security term reads the delivery the
    /// pull computed for it ([`Workspace::route_delivery`]).
    security_routes: Vec<(usize, usize)>,
    /// `(institution, flat member index)` of every movable state's memberships.
    memberships: Vec<(usize, usize)>,
    /// Per institution: the flat index of its first member; member `slot` of institution
    /// `I` is `member_offset[I] + slot` in the per-member arrays of the [`Workspace`].
    member_offset: Vec<usize>,
    /// Channels with tie feedback, with their rates.
    feedback: Vec<(usize, f64)>,
    /// The camps' nests (docs/model.md §10.1); `None` is the plain logit.
    nests: Option<Nests>,
    /// `ζ`, the weight of the regime-security term (docs/model.md §10.3); 0 is off.
    regime_security: f64,
    /// Whether some power acts (docs/model.md §9): the pull then reads the effective ties
    /// and the threat adds the coercion stocks.
    acting: bool,
}

/// Scratch space for one step, allocated once per run so the hot loop allocates nothing.
///
/// Hidden from the docs with [`Dynamics`], for the same reason.
#[doc(hidden)]
#[derive(Clone, Debug)]
pub struct Workspace {
    /// `d_pk g_p` per power and channel.
    dg: Vec<f64>,
    /// `coercion_p g_p` per power.
    cg: Vec<f64>,
    /// Per institution: sum of active members' alignments, then the active count.
    bloc_sum: Vec<f64>,
    bloc_count: Vec<f64>,
    /// Per flat member: its participation weight, and its institution's credibility times it.
    part_weight: Vec<f64>,
    member_weight: Vec<f64>,
    /// Per component, padded to a multiple of [`LANES`]: the utility plus its intercept
    /// (padding −∞), and the unnormalised target `exp((· − max)/τ)` (padding 0).
    utility: Vec<f64>,
    target: Vec<f64>,
    pull: Vec<f64>,
    /// Per route of the current state (at most one per power and channel), its delivery
    /// `g (d r + (1 − r) max_I cred_I part_iI)` as the pull computed it.
    route_delivery: Vec<f64>,
    /// Per power, the security channel's delivery to the current state (regime security).
    security_delivery: Vec<f64>,
    peer: Vec<f64>,
    noise: Vec<f64>,
    /// Per nest of the camps, its log weight (then its share and scale), padded to a multiple
    /// of [`LANES`], and its sum ([`Nests::target`]).
    nest: Vec<f64>,
    /// When some power acts: the ties with the powers' offers and coercion in them
    /// (`crate::sim::powers::effective_tie`), laid out as the ties, and `(1 − e^{−c_ip}) g_p`
    /// per state and power (docs/model.md §9.2).
    effective_ties: Vec<f64>,
    coerced: Vec<f64>,
}

impl Workspace {
    /// Scratch space sized for `world`.
    pub fn new(world: &World) -> Self {
        let p = world.powers.len();
        let c = world.components();
        let n_inst = world.institutions.len();
        let members: usize = world.institutions.iter().map(|i| i.members.len()).sum();
        let padded = c.div_ceil(LANES) * LANES;
        let mut utility = vec![f64::NEG_INFINITY; padded];
        utility[..c].fill(0.0);
        Workspace {
            dg: vec![0.0; p * K],
            cg: vec![0.0; p],
            bloc_sum: vec![0.0; n_inst * c],
            bloc_count: vec![0.0; n_inst],
            part_weight: vec![0.0; members],
            member_weight: vec![0.0; members],
            utility,
            target: vec![0.0; padded],
            pull: vec![0.0; p],
            route_delivery: vec![0.0; p * K],
            security_delivery: vec![0.0; p],
            peer: vec![0.0; c],
            // Rounded up to an even count: the noise is drawn two 32-bit uniforms at a time.
            noise: vec![0.0; c + c % 2],
            nest: vec![0.0; Nests::scratch_len(world)],
            // Sized whether or not a power acts in `world`: a run of a `[counterfactual]` branch
            // steps its parent's world in the same workspace, and the parent's powers may act
            // where the branch's do not (a few kB).
            effective_ties: vec![0.0; world.ties.len()],
            coerced: vec![0.0; world.states.len() * p],
        }
    }
}

impl Dynamics {
    /// Precompute the constants of `world`, with `start` the run state at the scenario start
    /// (after the drivers' start values are applied).
    pub fn new(world: &World, start: &RunState) -> Self {
        let mut dynamics = Dynamics::unfitted(world);
        let lock_in: Vec<f64> = (0..world.states.len())
            .map(|i| circumstances::lock_in(world, start, i))
            .collect();
        dynamics.scale_temperatures(world, &lock_in);
        if world.parameters.calibrate_intercepts {
            dynamics.intercepts = dynamics.fitted_intercepts(world, start);
        }
        dynamics
    }

    /// The constants of `world` with every intercept 0 (calibration off).
    fn unfitted(world: &World) -> Self {
        let c = world.components();
        let np = world.powers.len();
        let params = &world.parameters;
        let mut by_state = vec![Vec::new(); world.states.len()];
        let mut member_offset = Vec::with_capacity(world.institutions.len());
        let mut flat = 0;
        for (ii, inst) in world.institutions.iter().enumerate() {
            member_offset.push(flat);
            for (slot, &(s, _)) in inst.members.iter().enumerate() {
                by_state[s.index()].push((ii, flat + slot));
            }
            flat += inst.members.len();
        }
        let mut dynamics = Dynamics {
            components: c,
            peer_weight: params.peer_weight,
            states: Vec::new(),
            intercepts: Vec::new(),
            anchor: Vec::new(),
            threat: Vec::new(),
            routes: Vec::new(),
            route_blocs: Vec::new(),
            security_routes: Vec::new(),
            memberships: Vec::new(),
            member_offset,
            feedback: Channel::ALL
                .iter()
                .map(|ch| (ch.index(), params.feedback[ch.index()]))
                .filter(|&(_, rate)| rate > 0.0)
                .collect(),
            nests: Nests::of(world),
            regime_security: params.responsiveness.regime_security,
            acting: !world.agency.is_inactive(),
        };
        for (i, state) in world.states.iter().enumerate() {
            if state.fixed {
                continue;
            }
            let list = &by_state[i];
            let routes_start = dynamics.routes.len();
            // Group the memberships by leading power; per channel, the bilateral remainder
            // r = Π (1 − β) over that leader's blocs that carry it.
            let mut leaders: Vec<usize> = Vec::new();
            for &(ii, _) in list {
                if let Some(leader) = world.institutions[ii].leader {
                    if !leaders.contains(&leader.index()) {
                        leaders.push(leader.index());
                    }
                }
            }
            for &power in &leaders {
                for k in 0..K {
                    let carrying: Vec<(usize, usize)> = list
                        .iter()
                        .copied()
                        .filter(|&(ii, _)| {
                            let inst = &world.institutions[ii];
                            inst.leader.map(|l| l.index()) == Some(power) && inst.carries[k] > 0.0
                        })
                        .collect();
                    if carrying.is_empty() {
                        continue;
                    }
                    let remainder = carrying.iter().fold(1.0, |r, &(ii, _)| {
                        r * (1.0 - world.institutions[ii].carries[k])
                    });
                    let from = dynamics.route_blocs.len();
                    dynamics
                        .route_blocs
                        .extend(carrying.iter().map(|&(_, member)| member));
                    dynamics.routes.push(BlocRoute {
                        power,
                        offset: power * K + k,
                        salience: state.salience[k],
                        remainder,
                        bloc_share: 1.0 - remainder,
                        blocs: from..dynamics.route_blocs.len(),
                        only: match carrying.as_slice() {
                            [(_, member)] => Some(*member),
                            _ => None,
                        },
                    });
                }
            }
            let security_start = dynamics.security_routes.len();
            for (r, route) in dynamics.routes[routes_start..].iter().enumerate() {
                if route.offset % K == Channel::Security as usize {
                    dynamics.security_routes.push((route.power, r));
                }
            }
            let members_start = dynamics.memberships.len();
            dynamics.memberships.extend(list.iter().copied());
            let response = &state.response;
            let (eta, gamma) = (state.inertia, state.stubbornness);
            dynamics.states.push(StateConstants {
                index: i,
                salience: state.salience,
                inv_temperature: (1.0 / response.temperature).min(f64::MAX),
                temperature: response.temperature,
                dependence_aversion: response.dependence_aversion,
                keep: 1.0 - eta,
                toward: eta * (1.0 - gamma),
                routes: routes_start..dynamics.routes.len(),
                memberships: members_start..dynamics.memberships.len(),
                security_routes: security_start..dynamics.security_routes.len(),
            });
            dynamics
                .anchor
                .extend(state.alignment.iter().map(|a0| eta * gamma * a0));
            dynamics.threat.extend((0..np).map(|p| {
                response.threat_weight
                    * state.proximity[p]
                    * (1.0 + params.coethnic_leverage * state.coethnic[p])
            }));
        }
        dynamics.intercepts = vec![0.0; dynamics.states.len() * c];
        dynamics
    }

    /// Each movable state's temperature, as the step uses it (for tests of §10.2).
    #[cfg(test)]
    pub(crate) fn temperatures(&self) -> Vec<f64> {
        self.states.iter().map(|sc| sc.temperature).collect()
    }

    /// Multiply each movable state's temperature by `(1 − L_i)^{−κ}`
    /// ([`circumstances::lock_in_factor`]), with `lock_in[i]` the lock-in `L_i` of world state
    /// `i` (docs/model.md §10.2); nothing when `κ` is 0, so the constants are then those of a
    /// model without it, bit for bit.
    fn scale_temperatures(&mut self, world: &World, lock_in: &[f64]) {
        let kappa = world.parameters.responsiveness.lock_in;
        if kappa == 0.0 {
            return;
        }
        for sc in &mut self.states {
            sc.temperature *= circumstances::lock_in_factor(kappa, lock_in[sc.index]);
            sc.inv_temperature = (1.0 / sc.temperature).min(f64::MAX);
        }
    }

    /// [`Dynamics::new`] with the intercepts fitted on a baseline world and its start
    /// (`Scenario::with_baseline`, docs/model.md §2.1), matched by state and component name.
    /// A movable state's component takes the baseline's constant for the state and
    /// component of the same name when the baseline has that state movable, that component,
    /// and a positive initial share there; any other is fitted on `world` itself. With
    /// calibration off in `world`, there are no intercepts, as in [`Dynamics::new`].
    pub(crate) fn calibrated_on(
        world: &World,
        start: &RunState,
        baseline_world: &World,
        baseline_start: &RunState,
    ) -> Self {
        // The lock-in is the baseline's situation for a state it has (docs/model.md §10.2):
        // the temperatures are fixed at the baseline's start, as its intercepts are.
        let base_lock_in: Vec<f64> = (0..baseline_world.states.len())
            .map(|i| circumstances::lock_in(baseline_world, baseline_start, i))
            .collect();
        let lock_in: Vec<f64> = world
            .states
            .iter()
            .enumerate()
            .map(|(i, s)| match baseline_world.state_id(&s.name) {
                Some(b) => base_lock_in[b.index()],
                None => circumstances::lock_in(world, start, i),
            })
            .collect();
        let mut dynamics = Dynamics::unfitted(world);
        dynamics.scale_temperatures(world, &lock_in);
        if !world.parameters.calibrate_intercepts {
            return dynamics;
        }
        dynamics.intercepts = dynamics.fitted_intercepts(world, start);
        // Fitted once, whatever the baseline's own calibration flag says.
        let mut base = Dynamics::unfitted(baseline_world);
        base.scale_temperatures(baseline_world, &base_lock_in);
        let fitted = base.fitted_intercepts(baseline_world, baseline_start);
        let (c, cb) = (world.components(), baseline_world.components());
        // Component j of `world` in the baseline: a power by name, autonomy last in both.
        let component: Vec<Option<usize>> = (0..c)
            .map(|j| match world.powers.get(j) {
                Some(power) => baseline_world.power_id(&power.name).map(|p| p.index()),
                None => Some(cb - 1),
            })
            .collect();
        let movable: std::collections::HashMap<&str, usize> = base
            .states
            .iter()
            .enumerate()
            .map(|(m, sc)| (baseline_world.states[sc.index].name.as_str(), m))
            .collect();
        for (m, sc) in dynamics.states.iter().enumerate() {
            let Some(&bm) = movable.get(world.states[sc.index].name.as_str()) else {
                continue;
            };
            let bi = base.states[bm].index;
            for (j, bj) in component.iter().enumerate() {
                let Some(bj) = *bj else { continue };
                if baseline_start.alignment[bi * cb + bj] > 0.0 {
                    dynamics.intercepts[m * c + j] = fitted[bm * cb + bj];
                }
            }
        }
        dynamics
    }

    /// `b_ic = τ_i ln a_ic(0) − ũ_ic(0)` for every movable state and component of `world`
    /// at `start` (−∞ where an initial share is 0, which validation refuses when
    /// calibration is on); with camps, the nested logit's constants
    /// ([`Nests::intercepts`], docs/model.md §10.1).
    fn fitted_intercepts(&self, world: &World, start: &RunState) -> Vec<f64> {
        let c = self.components;
        let mut ws = Workspace::new(world);
        self.prepare::<0>(world, start, &mut ws);
        let mut intercepts = vec![0.0; self.states.len() * c];
        for (m, sc) in self.states.iter().enumerate() {
            self.utilities::<0>(start, &mut ws, m, sc);
            let tau = sc.temperature;
            if let Some(nests) = &self.nests {
                let a0 = &start.alignment[sc.index * c..(sc.index + 1) * c];
                let out = &mut intercepts[m * c..(m + 1) * c];
                nests.intercepts(tau, a0, &ws.utility[..c], out);
                continue;
            }
            for j in 0..c {
                intercepts[m * c + j] =
                    tau * start.alignment[sc.index * c + j].ln() - ws.utility[j];
            }
        }
        intercepts
    }

    /// Per-step precomputation shared by all states: `d·g`, `coercion·g` and the bloc
    /// alignment sums.
    fn prepare<const C: usize>(&self, world: &World, rs: &RunState, ws: &mut Workspace) {
        let c = self.width::<C>();
        for (p, &g) in rs.capacity.iter().enumerate() {
            let dg = &mut ws.dg[p * K..(p + 1) * K];
            for (out, d) in dg.iter_mut().zip(&rs.delivery[p * K..(p + 1) * K]) {
                *out = d * g;
            }
            // Hostile interventions add to the coercion every state perceives (§3.4).
            ws.cg[p] = (rs.coercion[p] + rs.events.threat_shift[p]) * g;
        }
        if self.acting {
            crate::sim::powers::effective_ties(world, rs, &mut ws.effective_ties, &mut ws.coerced);
        }
        ws.bloc_sum.fill(0.0);
        for (ii, inst) in world.institutions.iter().enumerate() {
            let sum = &mut ws.bloc_sum[ii * c..(ii + 1) * c];
            let mut count = 0.0;
            let first = self.member_offset[ii];
            let credibility = rs.credibility[ii];
            for (slot, (&(s, _), part)) in
                inst.members.iter().zip(&rs.participation[ii]).enumerate()
            {
                let weight = part.weight();
                ws.part_weight[first + slot] = weight;
                ws.member_weight[first + slot] = credibility * weight;
                if *part == Participation::Active {
                    let a = &rs.alignment[s.index() * c..(s.index() + 1) * c];
                    for (acc, x) in sum.iter_mut().zip(a) {
                        *acc += x;
                    }
                    count += 1.0;
                }
            }
            ws.bloc_count[ii] = count;
        }
    }

    /// Utilities of movable state number `m` (constants `sc`) without intercepts, into
    /// `ws.utility`.
    #[inline(always)]
    fn utilities<const C: usize>(
        &self,
        rs: &RunState,
        ws: &mut Workspace,
        m: usize,
        sc: &StateConstants,
    ) {
        let c = self.width::<C>();
        let np = c - 1;
        let i = sc.index;
        let w = &sc.salience;

        // Channel pull with every channel delivered bilaterally, `Σ_k w_k x_pk d_pk g_p`; the
        // eight products are summed in a fixed tree so the sum vectorises.
        let ties = if self.acting {
            &ws.effective_ties[i * np * K..(i + 1) * np * K]
        } else {
            &rs.ties[i * np * K..(i + 1) * np * K]
        };
        let ties_by_power = ties.chunks_exact(K);
        let dg_by_power = ws.dg.chunks_exact(K);
        for ((pull, x), dg) in ws.pull[..np].iter_mut().zip(ties_by_power).zip(dg_by_power) {
            let mut t = [0.0; K];
            for (((t, w), x), dg) in t.iter_mut().zip(w).zip(x).zip(dg) {
                *t = w * x * dg;
            }
            *pull = channel_sum(&t);
        }
        // Channels that run partly through blocs: replace `d g` by
        // `g (d r + (1 − r) max_I cred_I part_iI)` (module docs, step 1).
        let routes = &self.routes[sc.routes.clone()];
        for (route, delivered) in routes.iter().zip(&mut ws.route_delivery) {
            let (p, pk) = (route.power, route.offset);
            let eff = self.route_delivery(route, rs, &ws.member_weight);
            *delivered = eff;
            ws.pull[p] += route.salience * ties[pk] * (eff - ws.dg[pk]);
        }

        // Peer term: mean alignment of fellow active members, averaged over institutions.
        let peer = &mut ws.peer[..c];
        peer.fill(0.0);
        let mut blocs = 0.0;
        let own = &rs.alignment[i * c..(i + 1) * c];
        for &(ii, member) in &self.memberships[sc.memberships.clone()] {
            let count = ws.bloc_count[ii];
            if ws.part_weight[member] != 1.0 || count < 2.0 {
                continue;
            }
            let inv_others = 1.0 / (count - 1.0);
            let sum = &ws.bloc_sum[ii * c..(ii + 1) * c];
            for ((acc, s), a) in peer.iter_mut().zip(sum).zip(own) {
                *acc += (s - a) * inv_others;
            }
            blocs += 1.0;
        }
        let peer_scale = if blocs > 0.0 {
            self.peer_weight / blocs
        } else {
            0.0
        };

        let threat = &self.threat[m * np..(m + 1) * np];
        let grievance = &rs.events.grievance[i * np..(i + 1) * np];
        let mut strongest: f64 = 0.0;
        for (((((u, &pull), threat), cg), peer), grievance) in ws.utility[..np]
            .iter_mut()
            .zip(&ws.pull[..np])
            .zip(threat)
            .zip(&ws.cg[..np])
            .zip(&peer[..np])
            .zip(grievance)
        {
            strongest = strongest.max(pull);
            *u = pull + threat * cg + peer_scale * peer - grievance;
        }
        if self.acting {
            // The powers' coercion stocks on this state: `T_ip` with `coercion_p + 1 − e^{−c_ip}`.
            let coerced = &ws.coerced[i * np..(i + 1) * np];
            for ((u, threat), c) in ws.utility[..np].iter_mut().zip(threat).zip(coerced) {
                *u += threat * c;
            }
        }
        ws.utility[np] = sc.dependence_aversion * strongest + peer_scale * peer[np];
        if self.regime_security > 0.0 {
            self.add_regime_security(rs, ws, sc);
        }
    }

    /// The regime-security term (docs/model.md §10.3): each power's utility gains
    /// `ζ · (fragility + regime threat) · security pull`, the security pull being the
    /// security channel's part of step 1's pull (through the blocs where they carry it).
    #[inline(always)]
    fn add_regime_security(&self, rs: &RunState, ws: &mut Workspace, sc: &StateConstants) {
        const SECURITY: usize = Channel::Security as usize;
        let np = ws.pull.len();
        let i = sc.index;
        let exposure = self.regime_security * (rs.events.fragility[i] + rs.events.regime_threat[i]);
        if exposure == 0.0 {
            return;
        }
        // The ties the pull reads: with the powers' offers in them when some power acts (§9).
        let ties = if self.acting {
            &ws.effective_ties[i * np * K..(i + 1) * np * K]
        } else {
            &rs.ties[i * np * K..(i + 1) * np * K]
        };
        let w = sc.salience[SECURITY];
        // The pull's delivery of the channel: `d g`, or the route's where one carries it.
        let delivery = &mut ws.security_delivery[..np];
        for (d, dg) in delivery.iter_mut().zip(ws.dg.chunks_exact(K)) {
            *d = dg[SECURITY];
        }
        for &(p, r) in &self.security_routes[sc.security_routes.clone()] {
            delivery[p] = ws.route_delivery[r];
        }
        let ties_by_power = ties.chunks_exact(K);
        for ((u, x), delivered) in ws.utility[..np]
            .iter_mut()
            .zip(ties_by_power)
            .zip(&*delivery)
        {
            *u += exposure * w * x[SECURITY] * delivered;
        }
    }

    /// `g (d r + (1 − r) max_I cred_I part_iI)`, the delivery of a channel that runs partly
    /// through blocs (module docs, step 1).
    #[inline(always)]
    fn route_delivery(&self, route: &BlocRoute, rs: &RunState, member_weight: &[f64]) -> f64 {
        let best = match route.only {
            Some(member) => member_weight[member],
            None => self.route_blocs[route.blocs.clone()]
                .iter()
                .map(|&member| member_weight[member])
                .fold(0.0, f64::max),
        };
        rs.capacity[route.power]
            * (rs.delivery[route.offset] * route.remainder + route.bloc_share * best)
    }

    /// Advance `rs` by one step, drawing the perturbation from `rng` (the engine passes the
    /// run's noise stream, [`crate::sim::noise_rng`]).
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
        // The component loops are compiled for the common widths, so their trip counts are
        // constants (unrolled, no remainder handling); any other width takes the general path.
        match self.components {
            3 => self.step_width::<3, R>(world, rs, ws, rng),
            7 => self.step_width::<7, R>(world, rs, ws, rng),
            21 => self.step_width::<21, R>(world, rs, ws, rng),
            _ => self.step_width::<0, R>(world, rs, ws, rng),
        }
    }

    /// The number of components: `C`, or the world's when `C` is 0.
    #[inline(always)]
    fn width<const C: usize>(&self) -> usize {
        if C == 0 {
            self.components
        } else {
            C
        }
    }

    #[inline(always)]
    fn step_width<const C: usize, R: Rng + ?Sized>(
        &self,
        world: &World,
        rs: &mut RunState,
        ws: &mut Workspace,
        rng: &mut R,
    ) -> Result<(), usize> {
        self.prepare::<C>(world, rs, ws);
        if C != 0 && C <= lanes::MAX_COMPONENTS {
            self.states_in_lanes::<C, R>(world, rs, ws, rng)?;
        } else {
            self.states_one_by_one::<C, R>(world, rs, ws, rng)?;
        }
        rs.step += 1;
        Ok(())
    }

    /// Steps 4–7 of the module docs for each movable state in turn: the engine's path for a
    /// world wider than [`lanes::MAX_COMPONENTS`] components or of a width the step is not
    /// compiled for, and the reference the path in lanes is tested against.
    #[inline(always)]
    fn states_one_by_one<const C: usize, R: Rng + ?Sized>(
        &self,
        world: &World,
        rs: &mut RunState,
        ws: &mut Workspace,
        rng: &mut R,
    ) -> Result<(), usize> {
        let c = self.width::<C>();
        let h = world.parameters.noise;
        for (m, sc) in self.states.iter().enumerate() {
            let i = sc.index;
            self.utilities::<C>(rs, ws, m, sc);

            // Target: softmax((u + b)/τ), shifted by its maximum before the division
            // (log-sum-exp), so that every exponent is ≤ 0 and the largest is exactly 0: no
            // overflow at any temperature, however large the utilities.
            let b = &self.intercepts[m * c..(m + 1) * c];
            let mut max = f64::NEG_INFINITY;
            let padded = c.div_ceil(LANES) * LANES;
            for (u, b) in ws.utility[..c].iter_mut().zip(b) {
                *u += b;
                max = max.max(*u);
            }
            let inv_tau = sc.inv_temperature;
            let mut z = 0.0;
            if let Some(nests) = &self.nests {
                // By camps: the nested logit (docs/model.md §10.1).
                let (u, target) = (&ws.utility[..c], &mut ws.target[..c]);
                z = nests.target(u, max, inv_tau, target, &mut ws.nest);
            } else {
                // In blocks of LANES so the exponentials vectorise; the padding is −∞ → 0.
                for (t, x) in ws.target[..padded].iter_mut().zip(&ws.utility[..padded]) {
                    *t = exp_nonpositive((x - max) * inv_tau);
                }
                for t in ws.target[..padded].chunks_exact(LANES) {
                    z += (t[0] + t[1]) + (t[2] + t[3]);
                }
            }

            // Friedkin–Johnsen update with inertia, then the perturbation (its `z̄` is
            // accumulated in the same pass), then the renormalisation.
            let toward = sc.toward / z;
            let anchor = &self.anchor[m * c..(m + 1) * c];
            let a = &mut rs.alignment[i * c..(i + 1) * c];
            let mut sum = 0.0;
            if h > 0.0 {
                let noise = &mut ws.noise[..c + c % 2];
                draw_noise(rng, noise);
                let mut zbar = 0.0;
                for (((aj, e), a0), zj) in
                    a.iter_mut().zip(&ws.target[..c]).zip(anchor).zip(&*noise)
                {
                    *aj = sc.keep * *aj + toward * e + a0;
                    zbar += *aj * zj;
                }
                for (aj, zj) in a.iter_mut().zip(&*noise) {
                    *aj *= (1.0 + h * (zj - zbar)).max(0.0);
                    sum += *aj;
                }
            } else {
                for ((aj, e), a0) in a.iter_mut().zip(&ws.target[..c]).zip(anchor) {
                    *aj = sc.keep * *aj + toward * e + a0;
                    sum += *aj;
                }
            }
            self.finish_state::<C>(rs, sc.index, sum)?;
        }
        Ok(())
    }

    /// Steps 4–7 of the module docs for the movable states [`lanes::GROUP`] at a time: each
    /// state's utilities are computed alone (its routes, blocs and memberships differ), then
    /// the group's softmax or nested logit, update and perturbation run with one state per
    /// vector lane ([`crate::sim::lanes`]), and each state is renormalised and feeds back in
    /// turn. The states of a step are independent given [`Dynamics::prepare`] (a state reads
    /// only its own alignment and ties and the month's bloc sums), the noise is drawn state by
    /// state in the same order, and every lane does the operations of
    /// [`Dynamics::states_one_by_one`] in the same order: the same bits.
    #[inline(always)]
    fn states_in_lanes<const C: usize, R: Rng + ?Sized>(
        &self,
        world: &World,
        rs: &mut RunState,
        ws: &mut Workspace,
        rng: &mut R,
    ) -> Result<(), usize> {
        use lanes::{each, Lanes, GROUP, MAX_COMPONENTS};
        let c = C;
        let h = world.parameters.noise;
        let padded = c.div_ceil(LANES) * LANES;
        for (g, group) in self.states.chunks(GROUP).enumerate() {
            // Lanes past the group's last state repeat its first state: computed, never kept.
            let own = |l: usize| if l < group.len() { l } else { 0 };
            let mut u: [Lanes; MAX_COMPONENTS] = [[f64::NEG_INFINITY; GROUP]; MAX_COMPONENTS];
            let mut noise: [Lanes; MAX_COMPONENTS] = [[0.0; GROUP]; MAX_COMPONENTS];
            for (l, sc) in group.iter().enumerate() {
                let m = g * GROUP + l;
                self.utilities::<C>(rs, ws, m, sc);
                let b = &self.intercepts[m * c..(m + 1) * c];
                for (j, (x, b)) in ws.utility[..c].iter().zip(b).enumerate() {
                    u[j][l] = x + b;
                }
                if h > 0.0 {
                    let drawn = &mut ws.noise[..c + c % 2];
                    draw_noise(rng, drawn);
                    for (j, z) in drawn[..c].iter().enumerate() {
                        noise[j][l] = *z;
                    }
                }
            }
            for l in group.len()..GROUP {
                for j in 0..c {
                    (u[j][l], noise[j][l]) = (u[j][0], noise[j][0]);
                }
            }
            let sc = |l: usize| &group[own(l)];
            let mut max = [f64::NEG_INFINITY; GROUP];
            for u in &u[..c] {
                max = each(|l| max[l].max(u[l]));
            }
            let inv_tau = each(|l| sc(l).inv_temperature);
            let mut e: [Lanes; MAX_COMPONENTS] = [[0.0; GROUP]; MAX_COMPONENTS];
            let z = if let Some(nests) = &self.nests {
                nests.target_lanes(&u[..c], max, inv_tau, &mut e[..c])
            } else {
                for (e, u) in e[..padded].iter_mut().zip(&u[..padded]) {
                    *e = lanes::exp_lanes(each(|l| (u[l] - max[l]) * inv_tau[l]));
                }
                let mut z = [0.0; GROUP];
                for t in e[..padded].chunks_exact(LANES) {
                    z = each(|l| z[l] + ((t[0][l] + t[1][l]) + (t[2][l] + t[3][l])));
                }
                z
            };
            let toward = each(|l| sc(l).toward / z[l]);
            let keep = each(|l| sc(l).keep);
            // Lane l's movable-state number and its index in the world.
            let (m, i) = (|l: usize| g * GROUP + own(l), |l: usize| sc(l).index);
            let mut a: [Lanes; MAX_COMPONENTS] = [[0.0; GROUP]; MAX_COMPONENTS];
            let mut anchor: [Lanes; MAX_COMPONENTS] = [[0.0; GROUP]; MAX_COMPONENTS];
            for j in 0..c {
                a[j] = each(|l| rs.alignment[i(l) * c + j]);
                anchor[j] = each(|l| self.anchor[m(l) * c + j]);
            }
            let mut sum = [0.0; GROUP];
            if h > 0.0 {
                let mut zbar = [0.0; GROUP];
                for j in 0..c {
                    let (x, e, a0, zj) = (a[j], e[j], anchor[j], noise[j]);
                    a[j] = each(|l| keep[l] * x[l] + toward[l] * e[l] + a0[l]);
                    zbar = each(|l| zbar[l] + a[j][l] * zj[l]);
                }
                for j in 0..c {
                    let (x, zj) = (a[j], noise[j]);
                    a[j] = each(|l| x[l] * (1.0 + h * (zj[l] - zbar[l])).max(0.0));
                    sum = each(|l| sum[l] + a[j][l]);
                }
            } else {
                for j in 0..c {
                    let (x, e, a0) = (a[j], e[j], anchor[j]);
                    a[j] = each(|l| keep[l] * x[l] + toward[l] * e[l] + a0[l]);
                    sum = each(|l| sum[l] + a[j][l]);
                }
            }
            for (l, sc) in group.iter().enumerate() {
                let i = sc.index;
                for (j, x) in rs.alignment[i * c..(i + 1) * c].iter_mut().enumerate() {
                    *x = a[j][l];
                }
                self.finish_state::<C>(rs, i, sum[l])?;
            }
        }
        Ok(())
    }

    /// The end of a state's step (module docs, steps 6–7): refuse a sum that is not finite
    /// and positive, renormalise by it, and move the ties of the channels with feedback.
    /// Returns the world index `i` of a state that fails.
    #[inline(always)]
    fn finish_state<const C: usize>(
        &self,
        rs: &mut RunState,
        i: usize,
        sum: f64,
    ) -> Result<(), usize> {
        let c = self.width::<C>();
        let np = c - 1;
        let a = &mut rs.alignment[i * c..(i + 1) * c];
        if !(sum.is_finite() && sum > 0.0) {
            return Err(i);
        }
        // Multiplying by the rounded reciprocal can put a share that holds nearly the
        // whole sum one ulp above 1 (x · fl(1/x) = 1 + 2⁻⁵²); the `min` keeps every share
        // in [0, 1] at the cost of at most that ulp in the sum.
        let inv = 1.0 / sum;
        let mut aligned = 0.0;
        for aj in a[..np].iter_mut() {
            *aj = (*aj * inv).min(1.0);
            aligned += *aj;
        }
        a[np] = (a[np] * inv).min(1.0);

        if !self.feedback.is_empty() && aligned > 0.0 {
            let inv_aligned = 1.0 / aligned;
            let ties = &mut rs.ties[i * np * K..(i + 1) * np * K];
            for &(k, rate) in &self.feedback {
                let total: f64 = ties.chunks_exact(K).map(|x| x[k]).sum();
                for (x, ap) in ties.chunks_exact_mut(K).zip(&a[..np]) {
                    // A driver may lift one tie so that the channel total exceeds 1;
                    // a share target above 1 is meaningless, so the target is capped
                    // at 1 and the tie, a convex combination of two values in [0, 1],
                    // stays in [0, 1].
                    let target = (total * ap * inv_aligned).min(1.0);
                    x[k] = (1.0 - rate) * x[k] + rate * target;
                }
            }
        }
        Ok(())
    }
}

/// The sum of one term per channel in a fixed order, so a run is bit-identical everywhere.
///
/// For the model's eight channels, even and odd channels are summed apart, each pairwise, so
/// the adds stay within vector lanes; any other width (a channel added to [`Channel::ALL`])
/// takes the plain loop over every channel, so no channel can be left out of the sum.
#[inline(always)]
fn channel_sum(t: &[f64; K]) -> f64 {
    if let [t0, t1, t2, t3, t4, t5, t6, t7] = t.as_slice() {
        ((t0 + t2) + (t4 + t6)) + ((t1 + t3) + (t5 + t7))
    } else {
        t.iter().sum()
    }
}

/// Fill `out` (of even length) with uniforms on [−1, 1), two per 64-bit draw: each half of
/// the word, read as a signed 32-bit integer, is scaled by 2⁻³¹. A resolution of 2⁻³¹ is far
/// below anything the perturbation (a few per cent of a share) can show, and halving the
/// draws halves the cost of the noise, which dominates a step.
#[inline]
fn draw_noise<R: Rng + ?Sized>(rng: &mut R, out: &mut [f64]) {
    const SCALE: f64 = 1.0 / 2_147_483_648.0; // 2⁻³¹
    for pair in out.chunks_exact_mut(2) {
        let bits = rng.next_u64();
        pair[0] = f64::from((bits >> 32) as u32 as i32) * SCALE;
        pair[1] = f64::from(bits as u32 as i32) * SCALE;
    }
}

/// `eˣ` for `x ≤ 0`, the only exponents the shifted softmax takes, with a relative error
/// below 1e-15 (tested against `f64::exp`).
///
/// Written out rather than calling `f64::exp` for two reasons: the platform's libm differs
/// in the last bit between systems (glibc, musl, macOS), so a portable function keeps a
/// seed's results the same everywhere; and a call per component was a tenth of a step's
/// instructions, where this inlines into a few dozen. Method: Cody–Waite reduction
/// `x = n ln 2 + r` with `|r| ≤ ln 2 / 2`, the degree-12 Taylor polynomial of `eʳ`
/// (truncation error `|r|¹³/13! < 2e-16` relative), and the scale `2ⁿ` built from its bits.
/// Below −708 (where `eˣ` would be subnormal, under 1e-307) the result is 0, which in a
/// softmax normalised by a sum ≥ 1 changes nothing representable. [`lanes::exp_lanes`] is
/// the same function for several values at once; this one is kept written out for one value
/// because calling that one with a single value cost 1.7 % more instructions a run (the
/// effective ties' exponentials, 0.44 → 0.55 M), and a test holds the two to the same bits.
///
/// Public, and hidden from the docs, only so that `benches/lanes.rs` measures the engine's
/// own exponential.
#[doc(hidden)]
#[inline(always)]
pub fn exp_nonpositive(x: f64) -> f64 {
    const LOG2_E: f64 = std::f64::consts::LOG2_E;
    // ln 2 split so that n · LN2_HI is exact for |n| < 2¹¹ (fdlibm's constants).
    const LN2_HI: f64 = 6.931_471_803_691_238e-1;
    const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;
    // 1.5 · 2⁵²: adding it rounds to an integer held in the low bits of the mantissa.
    const SHIFT: f64 = 6_755_399_441_055_744.0;
    // Written as a comparison, not `max`, so that a NaN stays a NaN and is caught.
    let xc = if x < -708.0 { -708.0 } else { x };
    let t = xc * LOG2_E + SHIFT;
    let n = t - SHIFT;
    let r = (xc - n * LN2_HI) - n * LN2_LO;
    // 1/k! for k = 12 down to 1, evaluated by Horner's rule.
    let mut p = 1.0 / 479_001_600.0;
    p = p * r + 1.0 / 39_916_800.0;
    p = p * r + 1.0 / 3_628_800.0;
    p = p * r + 1.0 / 362_880.0;
    p = p * r + 1.0 / 40_320.0;
    p = p * r + 1.0 / 5_040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    // The bits of `t` are those of SHIFT plus n, and n lies in [−1022, 0], so n + 1023 is a
    // normal exponent: one integer add and shift build 2ⁿ (and vectorise).
    let biased = t
        .to_bits()
        .wrapping_add(1023_u64.wrapping_sub(SHIFT.to_bits()));
    let scale = f64::from_bits(biased << 52);
    if x < -708.0 {
        0.0
    } else {
        p * scale
    }
}

#[cfg(test)]
mod tests {
    use super::{exp_nonpositive, Dynamics, RunState, Workspace};
    use crate::model::World;

    /// `steps` steps of `world` compiled for width `C` (the states moved in lanes) and for
    /// the general width (one state at a time), from the same start and noise stream, with
    /// `adjust` applied to the constants: the same results to the bit.
    fn same_bits<const C: usize>(world: &World, steps: usize, adjust: impl Fn(&mut Dynamics)) {
        assert_eq!(world.components(), C);
        let start = RunState::new(world);
        let mut dynamics = Dynamics::new(world, &start);
        adjust(&mut dynamics);
        let (mut a, mut b) = (start.clone(), start.clone());
        let (mut wa, mut wb) = (Workspace::new(world), Workspace::new(world));
        let (mut ra, mut rb) = (crate::sim::noise_rng(1, 2), crate::sim::noise_rng(1, 2));
        for _ in 0..steps {
            let lanes = dynamics.step_width::<C, _>(world, &mut a, &mut wa, &mut ra);
            let one_by_one = dynamics.step_width::<0, _>(world, &mut b, &mut wb, &mut rb);
            assert_eq!(lanes, one_by_one);
            if lanes.is_err() {
                break;
            }
        }
        let bits = |rs: &RunState| -> Vec<u64> {
            rs.alignment
                .iter()
                .chain(&rs.ties)
                .map(|x| x.to_bits())
                .collect()
        };
        assert_eq!(bits(&a), bits(&b));
        assert_eq!(a, b);
        assert_ne!(a.alignment, start.alignment);
    }

    #[test]
    fn the_states_in_lanes_step_as_the_states_one_by_one_bit_for_bit() {
        let eurasia = crate::presets::eurasia_2025();
        let world = eurasia.world();
        // The nested logit (the embedded world's West camp), noise on.
        same_bits::<7>(world, 240, |_| {});
        // The plain logit, with and without noise.
        let mut plain = world.clone();
        plain.parameters.camps.clear();
        same_bits::<7>(&plain, 240, |_| {});
        plain.parameters.noise = 0.0;
        same_bits::<7>(&plain, 240, |_| {});
        // τ → 0, and every state of even rank with its powers but the first far below: their
        // shifted utilities overflow to −∞, so the West camp is empty in some lanes of a
        // group and not in others.
        same_bits::<7>(world, 24, |d| {
            let c = d.components;
            for (m, s) in d.states.iter_mut().enumerate() {
                s.inv_temperature = f64::MAX;
                if m % 2 == 0 {
                    d.intercepts[m * c + 1..m * c + c - 1]
                        .iter_mut()
                        .for_each(|b| *b -= 10.0);
                }
            }
        });
        // Synthetic worlds (plain logit, blocs carrying security and trade) of 3 and 7
        // components whose nine and 37 states leave the last group part-filled.
        for (states, powers) in [(9, 2), (37, 6)] {
            let scenario = crate::presets::Synthetic::new(states, powers)
                .scenario()
                .unwrap();
            match powers + 1 {
                3 => same_bits::<3>(scenario.world(), 120, |_| {}),
                _ => same_bits::<7>(scenario.world(), 120, |_| {}),
            }
        }
    }

    #[test]
    fn exp_nonpositive_matches_std_within_1e_15() {
        let mut worst: f64 = 0.0;
        let mut x = 0.0;
        while x > -708.0 {
            let ours = exp_nonpositive(x);
            let std = x.exp();
            worst = worst.max(((ours - std) / std).abs());
            x -= 0.000_731;
        }
        for x in [
            0.0,
            -0.0,
            -1e-300,
            -1e-17,
            -0.5 * std::f64::consts::LN_2,
            -707.99,
        ] {
            let (ours, std) = (exp_nonpositive(x), x.exp());
            worst = worst.max(((ours - std) / std).abs());
        }
        assert!(worst < 1e-15, "worst relative error {worst:e}");
        assert_eq!(exp_nonpositive(0.0), 1.0);
    }

    #[test]
    fn exp_nonpositive_is_zero_below_the_normal_range_and_never_nan() {
        assert_eq!(exp_nonpositive(-709.0), 0.0);
        assert_eq!(exp_nonpositive(-1e300), 0.0);
        assert_eq!(exp_nonpositive(f64::NEG_INFINITY), 0.0);
        assert!(exp_nonpositive(-708.0) > 0.0);
    }
}
