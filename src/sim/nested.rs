//! The nested-logit target of a state whose powers are grouped into camps (docs/model.md
//! §10.1; Train, *Discrete Choice Methods with Simulation*, 2009, ch. 4).
//!
//! With `v_c = (u_c + b_c)/τ` and component `c` in nest `k` of nesting parameter `λ_k`:
//! `P(c) = P(c | k) · P(k)`, `P(c | k) = exp(v_c/λ_k) / Σ_{j∈k} exp(v_j/λ_k)`,
//! `P(k) = exp(λ_k IV_k) / Σ_l exp(λ_l IV_l)`, `IV_k = ln Σ_{j∈k} exp(v_j/λ_k)`.
//!
//! Computed without overflow as the plain softmax is: with `x_c = (u_c + b_c − max)/τ ≤ 0`
//! and `m_k = max_{j∈k} x_j`, the sum in nest `k` is `S_k = Σ exp((x_j − m_k)/λ_k) ∈ [1, n_k]`
//! (every exponent ≤ 0), `λ_k IV_k` is `m_k + λ_k ln S_k` up to the common shift, and the
//! nests' weights are `exp(m_k + λ_k ln S_k − max_l(…))`, again exponents ≤ 0. The
//! logarithm is [`ln_portable`], written out like [`exp_nonpositive`] so a seed gives the
//! same bits on every platform.

use crate::model::World;
use crate::sim::dynamics::{exp_nonpositive, LANES};
use crate::sim::lanes::{self, Lanes, GROUP, MAX_COMPONENTS};

/// One nest: a camp, a power in no camp, or autonomy.
#[derive(Clone, Debug)]
struct Nest {
    /// Its components, as a range into [`Nests::members`].
    members: std::ops::Range<usize>,
    /// `λ_k` in (0, 1].
    nesting: f64,
    /// `1/λ_k`.
    inv_nesting: f64,
    /// Its component when it has only one.
    single: Option<usize>,
}

/// The nests of a world with camps: a partition of the components (powers, then autonomy).
#[derive(Clone, Debug)]
pub(crate) struct Nests {
    nests: Vec<Nest>,
    /// Component indices, grouped by nest.
    members: Vec<usize>,
    /// The nest of each component.
    nest_of: Vec<usize>,
}

impl Nests {
    /// The nests of `world`, or `None` when it declares no camps (the plain logit, computed
    /// as before, bit for bit).
    pub(crate) fn of(world: &World) -> Option<Nests> {
        let camps = &world.parameters().camps;
        if camps.is_empty() {
            return None;
        }
        let c = world.components();
        let mut nests = Vec::new();
        let mut members = Vec::with_capacity(c);
        let mut nest_of = vec![usize::MAX; c];
        for camp in camps {
            let from = members.len();
            for p in &camp.powers {
                nest_of[p.index()] = nests.len();
                members.push(p.index());
            }
            nests.push(Nest {
                members: from..members.len(),
                nesting: camp.nesting,
                inv_nesting: 1.0 / camp.nesting,
                single: match camp.powers.as_slice() {
                    [p] => Some(p.index()),
                    _ => None,
                },
            });
        }
        // Every power in no camp, and autonomy (last), is a nest of its own with λ = 1.
        for (j, nest) in nest_of.iter_mut().enumerate() {
            if *nest == usize::MAX {
                *nest = nests.len();
                members.push(j);
                nests.push(Nest {
                    members: members.len() - 1..members.len(),
                    nesting: 1.0,
                    inv_nesting: 1.0,
                    single: Some(j),
                });
            }
        }
        Some(Nests {
            nests,
            members,
            nest_of,
        })
    }

    /// Scratch entries [`Nests::target`] needs: one per nest, padded to a multiple of
    /// [`LANES`], and one more per nest.
    pub(crate) fn scratch_len(world: &World) -> usize {
        let c = world.components();
        c.div_ceil(LANES) * LANES + c
    }

    /// The unnormalised nested-logit target of utilities-plus-intercepts `u` (shifted by
    /// their maximum `max`, at inverse temperature `inv_tau`) into `out`; returns its sum.
    /// `scratch` holds at least [`Nests::scratch_len`] entries.
    #[inline(always)]
    pub(crate) fn target(
        &self,
        u: &[f64],
        max: f64,
        inv_tau: f64,
        out: &mut [f64],
        scratch: &mut [f64],
    ) -> f64 {
        let n = self.nests.len();
        let (weight, sum) = scratch.split_at_mut(n.div_ceil(LANES) * LANES);
        let sum = &mut sum[..n];
        let mut top = f64::NEG_INFINITY;
        for ((nest, w), s) in self.nests.iter().zip(weight.iter_mut()).zip(sum.iter_mut()) {
            if let Some(j) = nest.single {
                // A nest of one (a power in no camp, autonomy): its sum is e⁰ = 1 and its log
                // weight `m` — what the general path gives exactly, without an exp and a ln.
                (*w, *s) = ((u[j] - max) * inv_tau, 1.0);
                out[j] = if *w == f64::NEG_INFINITY { 0.0 } else { 1.0 };
                top = top.max(*w);
                continue;
            }
            let members = &self.members[nest.members.clone()];
            let m = members
                .iter()
                .map(|&j| (u[j] - max) * inv_tau)
                .fold(f64::NEG_INFINITY, f64::max);
            if m == f64::NEG_INFINITY {
                // τ → 0 and no member holds the maximum: the nest gets nothing.
                members.iter().for_each(|&j| out[j] = 0.0);
                (*w, *s) = (f64::NEG_INFINITY, 1.0);
                continue;
            }
            let mut total = 0.0;
            for &j in members {
                let e = exp_nonpositive(((u[j] - max) * inv_tau - m) * nest.inv_nesting);
                out[j] = e;
                total += e;
            }
            // `total ≥ 1` (its largest term is e⁰), so its logarithm is ≥ 0 and finite.
            *w = m + nest.nesting * ln_portable(total);
            *s = total;
            top = top.max(*w);
        }
        // The nests' shares `exp(w − top)`, in blocks of LANES so the exponentials vectorise
        // (the padding's values are never read), then each nest's scale `share / sum`.
        for block in weight.chunks_exact_mut(LANES) {
            for w in block {
                *w = exp_nonpositive(*w - top);
            }
        }
        let mut z = 0.0;
        for (share, &s) in weight.iter_mut().zip(&*sum) {
            z += *share;
            *share /= s;
        }
        for (o, &k) in out.iter_mut().zip(&self.nest_of) {
            *o *= weight[k];
        }
        z
    }

    /// [`Nests::target`] for a group of states in lanes ([`crate::sim::lanes`]): `u[j]` holds
    /// component `j`'s utility-plus-intercept of each state, `max` and `inv_tau` each state's
    /// own; the unnormalised target goes into `out[j]` and its sums are returned. Every lane
    /// gets the bits `target` gives its state: the operations are the same, in the same
    /// order, and where `target` branches on a value (a nest whose members are all at −∞) each
    /// lane takes its own branch's result.
    #[inline(always)]
    pub(crate) fn target_lanes(
        &self,
        u: &[Lanes],
        max: Lanes,
        inv_tau: Lanes,
        out: &mut [Lanes],
    ) -> Lanes {
        let n = self.nests.len();
        let mut weight = [[0.0; GROUP]; MAX_COMPONENTS];
        let mut sum = [[0.0; GROUP]; MAX_COMPONENTS];
        let mut top = [f64::NEG_INFINITY; GROUP];
        let shifted = |j: usize| lanes::each(|l| (u[j][l] - max[l]) * inv_tau[l]);
        for ((nest, w), s) in self.nests.iter().zip(&mut weight).zip(&mut sum) {
            if let Some(j) = nest.single {
                *w = shifted(j);
                *s = [1.0; GROUP];
                out[j] = w.map(|w| if w == f64::NEG_INFINITY { 0.0 } else { 1.0 });
                top = lanes::each(|l| top[l].max(w[l]));
                continue;
            }
            let members = &self.members[nest.members.clone()];
            let mut m = [f64::NEG_INFINITY; GROUP];
            for &j in members {
                let x = shifted(j);
                m = lanes::each(|l| m[l].max(x[l]));
            }
            // A lane whose members are all at −∞ gets nothing from the nest (τ → 0 and no
            // member holds the maximum); its other values below are computed and not kept.
            let empty = m.map(|m| m == f64::NEG_INFINITY);
            let mut total = [0.0; GROUP];
            for &j in members {
                let x = shifted(j);
                let e = lanes::exp_lanes(lanes::each(|l| (x[l] - m[l]) * nest.inv_nesting));
                out[j] = lanes::each(|l| if empty[l] { 0.0 } else { e[l] });
                total = lanes::each(|l| total[l] + e[l]);
            }
            let log = lanes::ln_normal(total);
            *w = lanes::each(|l| {
                if empty[l] {
                    f64::NEG_INFINITY
                } else {
                    m[l] + nest.nesting * log[l]
                }
            });
            *s = lanes::each(|l| if empty[l] { 1.0 } else { total[l] });
            // `target` leaves `top` alone for an empty nest: max(top, −∞) is top.
            top = lanes::each(|l| if empty[l] { top[l] } else { top[l].max(w[l]) });
        }
        let mut z = [0.0; GROUP];
        for (w, s) in weight[..n].iter_mut().zip(&sum[..n]) {
            let share = lanes::exp_lanes(lanes::each(|l| w[l] - top[l]));
            z = lanes::each(|l| z[l] + share[l]);
            *w = lanes::each(|l| share[l] / s[l]);
        }
        for (o, &k) in out.iter_mut().zip(&self.nest_of) {
            *o = lanes::each(|l| o[l] * weight[k][l]);
        }
        z
    }

    /// The intercepts that make the nested target equal `a0` (docs/model.md §10.1):
    /// `b_c = τ [λ_k ln a_c + (1 − λ_k) ln A_k] − ũ_c`, with `A_k` the nest's initial share
    /// and `ũ` the utilities without constants, into `out`.
    pub(crate) fn intercepts(&self, tau: f64, a0: &[f64], utility: &[f64], out: &mut [f64]) {
        for (c, ((b, &a), &u)) in out.iter_mut().zip(a0).zip(utility).enumerate() {
            let nest = &self.nests[self.nest_of[c]];
            let total: f64 = self.members[nest.members.clone()]
                .iter()
                .map(|&j| a0[j])
                .sum();
            let lambda = nest.nesting;
            *b = tau * (lambda * ln_portable(a) + (1.0 - lambda) * ln_portable(total)) - u;
        }
    }
}

/// `ln x` for a positive finite `x`, with an error below 3e-16 (one or two ulps) absolute where `|ln x| < 1` and
/// relative elsewhere (tested against `f64::ln`); `−∞` for 0 and NaN for anything else out of
/// range.
///
/// Written out, not `f64::ln`, for the reason of [`exp_nonpositive`]: the platform's libm
/// differs in the last bit between systems, and the nested target takes a logarithm every
/// step. Method: `x = 2ᵉ m` with `m ∈ [√½, √2)` read from the bits (subnormals scaled up
/// first), `ln m = 2 atanh s = 2 (s + s³/3 + s⁵/5 + …)` with `s = (m − 1)/(m + 1)`,
/// `|s| ≤ 0.172`, so the terms up to `s²³/23` leave a truncation error below `s²⁵ < 1e-19`;
/// then `ln x = e ln 2 + ln m` with ln 2 split so that `e · LN2_HI` is exact.
pub(crate) fn ln_portable(x: f64) -> f64 {
    const LN2_HI: f64 = 6.931_471_803_691_238e-1;
    const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;
    if x.is_nan() || x < 0.0 {
        return f64::NAN;
    }
    if x == 0.0 {
        return f64::NEG_INFINITY;
    }
    if x.is_infinite() {
        return f64::INFINITY;
    }
    // A subnormal is scaled into the normal range by 2⁵⁴ (exact), and the exponent corrected.
    let (x, shift) = if x < f64::MIN_POSITIVE {
        (x * 18_014_398_509_481_984.0, -54)
    } else {
        (x, 0)
    };
    let bits = x.to_bits();
    let mut e = ((bits >> 52) & 0x7ff) as i64 - 1023 + shift;
    // The mantissa with the exponent of 1: m ∈ [1, 2).
    let mut m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    if m > std::f64::consts::SQRT_2 {
        m *= 0.5;
        e += 1;
    }
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    // 1/(2k + 1) for k = 11 down to 1, by Horner's rule in s².
    let mut p = 1.0 / 23.0;
    for k in (1..11).rev() {
        p = p * s2 + 1.0 / f64::from(2 * k + 1);
    }
    p = p * s2 + 1.0;
    let e = e as f64;
    e * LN2_HI + (2.0 * s * p + e * LN2_LO)
}

#[cfg(test)]
mod tests {
    use super::ln_portable;

    #[test]
    fn ln_portable_matches_std_within_3e_16() {
        let mut worst: f64 = 0.0;
        let mut x = 1e-310;
        while x < 1e300 {
            let (ours, std) = (ln_portable(x), x.ln());
            let err = (ours - std).abs() / std.abs().max(1.0);
            worst = worst.max(err);
            x *= 1.000_731;
        }
        for x in [
            1.0,
            1.0 + 1e-15,
            2.0,
            0.5,
            std::f64::consts::SQRT_2,
            3.0,
            7.0,
            1e-320,
        ] {
            let (ours, std) = (ln_portable(x), x.ln());
            worst = worst.max((ours - std).abs() / std.abs().max(1.0));
        }
        assert!(worst < 3e-16, "worst error {worst:e}");
        assert_eq!(ln_portable(1.0), 0.0);
        assert_eq!(ln_portable(0.0), f64::NEG_INFINITY);
        assert!(ln_portable(-1.0).is_nan());
    }
}

/// Hand-built worlds for the nested logit's signature (docs/model.md §10.1).
#[cfg(test)]
mod signature {
    use crate::model::{Camp, Channel, Disposition, Parameters, Power, PowerId, State, World};
    use crate::sim::dynamics::{Dynamics, Workspace};
    use crate::sim::RunState;

    const A0: [f64; 4] = [0.3, 0.2, 0.25, 0.25];
    const TAU: f64 = 0.25;

    /// Powers A, B (a camp of nesting `lambda`, or none) and C, one hedging state with no
    /// dependence aversion, full inertia and no noise, so one step reaches the target; the
    /// utility of A is its pull `Σ_k w_k x_Ak g_A = x_A,trade g_A / 8`.
    fn world(lambda: Option<f64>, capacity_a: f64) -> World {
        let mut state = State::new("S", Disposition::Hedge, A0.to_vec());
        state.response.dependence_aversion = 0.0;
        state.response.temperature = TAU;
        state.inertia = 1.0;
        let mut parameters = Parameters {
            noise: 0.0,
            feedback: [0.0; 8],
            ..Parameters::default()
        };
        parameters.events.unrest_hazard = 0.0;
        if let Some(l) = lambda {
            parameters.camps = vec![Camp::new("West", vec![PowerId(0), PowerId(1)], l)];
        }
        World::builder()
            .power(Power {
                capacity: capacity_a,
                ..Power::new("A")
            })
            .power(Power::new("B"))
            .power(Power::new("C"))
            .state(state)
            .tie("S", "A", Channel::Trade, 0.4)
            .tie("S", "B", Channel::Security, 0.3)
            .tie("S", "C", Channel::Energy, 0.5)
            .parameters(parameters)
            .build()
            .unwrap()
    }

    /// The alignment after one step of `world`, its constants fitted on `baseline`.
    fn first_target(world: &World, baseline: &World) -> Vec<f64> {
        let (start, base_start) = (RunState::new(world), RunState::new(baseline));
        let dynamics = Dynamics::calibrated_on(world, &start, baseline, &base_start);
        let mut rs = start;
        let mut ws = Workspace::new(world);
        let mut rng = crate::sim::noise_rng(1, 0);
        dynamics.step(world, &mut rs, &mut ws, &mut rng).unwrap();
        rs.alignment
    }

    #[test]
    fn nested_intercepts_start_the_world_at_rest() {
        for lambda in [0.2, 0.5, 0.9, 1.0] {
            let w = world(Some(lambda), 1.0);
            let a = first_target(&w, &w);
            for (x, a0) in a.iter().zip(A0) {
                assert!((x - a0).abs() < 1e-12, "λ = {lambda}: {a:?}");
            }
        }
    }

    #[test]
    fn a_camp_member_gains_more_than_its_proportional_part_as_derived() {
        // A's capacity falls by ε, so its utility by du = ε · 0.4/8.
        let eps = 1e-4;
        let du = eps * 0.4 / 8.0;
        let lambda = 0.5;
        let (base, shocked) = (world(Some(lambda), 1.0), world(Some(lambda), 1.0 - eps));
        let a = first_target(&shocked, &base);
        let rel = |j: usize| (a[j] - A0[j]) / A0[j];
        // Derived (docs/model.md §10.1): d ln P_j / d v_A = −[P_A + (1/λ − 1) P_{A|k}] for B
        // in A's camp, −P_A for C and autonomy across nests; here dv_A = −du/τ.
        let p_a = A0[0];
        let p_a_in_camp = A0[0] / (A0[0] + A0[1]);
        let within = du / TAU * (p_a + (1.0 / lambda - 1.0) * p_a_in_camp);
        let across = du / TAU * p_a;
        assert!(
            (rel(1) / within - 1.0).abs() < 1e-3,
            "{} vs {within}",
            rel(1)
        );
        assert!(
            (rel(2) / across - 1.0).abs() < 1e-3,
            "{} vs {across}",
            rel(2)
        );
        assert!(
            (rel(3) / across - 1.0).abs() < 1e-3,
            "{} vs {across}",
            rel(3)
        );
        // B gains more than its share-proportional part; C and autonomy gain their part.
        assert!(rel(1) > 2.0 * rel(2));
        // Switched off (no camp): every other component gains the same proportion.
        let (base, shocked) = (world(None, 1.0), world(None, 1.0 - eps));
        let plain = first_target(&shocked, &base);
        let plain_rel = |j: usize| (plain[j] - A0[j]) / A0[j];
        assert!((plain_rel(1) / plain_rel(2) - 1.0).abs() < 1e-3);
        assert!((plain_rel(1) / across - 1.0).abs() < 1e-3);
    }

    #[test]
    fn a_camp_of_nesting_one_is_the_plain_logit() {
        let eps = 0.2;
        let nested = first_target(&world(Some(1.0), 1.0 - eps), &world(Some(1.0), 1.0));
        let plain = first_target(&world(None, 1.0 - eps), &world(None, 1.0));
        for (x, y) in nested.iter().zip(&plain) {
            assert!((x - y).abs() < 1e-12, "{nested:?} vs {plain:?}");
        }
        assert!(
            (plain[0] - A0[0]).abs() > 1e-3,
            "the shock moves the target"
        );
    }
}
