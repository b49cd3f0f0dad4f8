//! A state's circumstances that set its responsiveness (docs/model.md §10.2).

use crate::model::{Channel, World};
use crate::sim::dynamics::exp_nonpositive;
use crate::sim::nested::ln_portable;
use crate::sim::state::RunState;

/// The lock-in `L_i ∈ [0, 1]` of world state `state` in `rs`: its dependence on its largest
/// patron (the salience-weighted tie total `D = max_p Σ_k w_k x_pk`) times that patron's
/// concentration (its share `D / Σ_q Σ_k w_k x_qk` of all powers' ties), so `L = D² / Σ`.
///
/// Both factors are needed: a state with small ties everywhere is not locked in however
/// they are split, and one with large ties spread over several patrons has somewhere to go.
/// It reads ties, not pulls: the lock-in is the state's structural situation, not how well
/// its patrons deliver this month (which the utilities already carry).
pub(crate) fn lock_in(world: &World, rs: &RunState, state: usize) -> f64 {
    const K: usize = Channel::COUNT;
    let np = world.powers().len();
    let w = &world.states()[state].salience;
    let ties = &rs.ties[state * np * K..(state + 1) * np * K];
    let (mut total, mut largest) = (0.0, 0.0_f64);
    for x in ties.chunks_exact(K) {
        let dependence: f64 = w.iter().zip(x).map(|(w, x)| w * x).sum();
        total += dependence;
        largest = largest.max(dependence);
    }
    if total > 0.0 {
        largest * largest / total
    } else {
        0.0
    }
}

/// The most a lock-in multiplies a temperature by: a state's response to a change of utility
/// is then a millionth of its disposition's rate, which freezes it for any horizon the model
/// runs (docs/model.md §10.2). It keeps the temperature, and the intercepts `τ ln a(0)` made
/// from it, finite when `L = 1` (a state tied to one power only, on every salient channel at
/// full strength), where `(1 − L)^{−κ}` would be infinite.
pub(crate) const MAX_LOCK_IN_FACTOR: f64 = 1e6;

/// The factor `(1 − L)^{−κ}` by which lock-in `L ∈ [0, 1]` multiplies a state's temperature,
/// at most [`MAX_LOCK_IN_FACTOR`]: the state answers a change of utility in proportion to the
/// room its dependence leaves it, `(1 − L)^κ` (docs/model.md §10.2). To first order in `L`
/// it is `1 + κ L`, the form it replaces, so the little-locked-in states are nearly
/// unchanged; unlike that form it grows without bound as `L → 1`, where a state has nowhere
/// to go. Computed with the portable `ln` and `exp` (§2.2), so a seed gives the same bits on
/// every platform.
pub(crate) fn lock_in_factor(kappa: f64, lock_in: f64) -> f64 {
    // −κ ln(1 − L) ≥ 0; infinite at L = 1.
    let exponent = -kappa * ln_portable(1.0 - lock_in);
    if exponent >= ln_portable(MAX_LOCK_IN_FACTOR) {
        MAX_LOCK_IN_FACTOR
    } else {
        1.0 / exp_nonpositive(-exponent)
    }
}

/// Hand-built worlds for the lock-in temperature (§10.2) and the regime-security term (§10.3),
/// each compared with the mechanism switched off.
#[cfg(test)]
mod tests {
    use crate::model::{Channel, Disposition, Parameters, Power, Responsiveness, State, World};
    use crate::sim::dynamics::{Dynamics, Workspace};
    use crate::sim::events::kinds::Unrest;
    use crate::sim::events::{EventEngine, EventKind};
    use crate::sim::RunState;
    use crate::StateId;

    const A0: [f64; 3] = [0.6, 0.2, 0.2];

    /// Patron R and alternative C; one bandwagoning state tied to R on six channels, full
    /// inertia, no noise or unrest.
    fn world(responsiveness: Responsiveness, capacity_r: f64, tie: f64, fragility: f64) -> World {
        let mut state = State::new("S", Disposition::Bandwagon, A0.to_vec());
        state.inertia = 1.0;
        state.fragility = fragility;
        let mut parameters = Parameters {
            noise: 0.0,
            feedback: [0.0; 8],
            responsiveness,
            ..Parameters::default()
        };
        parameters.events.unrest_hazard = 0.0;
        let mut builder = World::builder()
            .power(Power {
                capacity: capacity_r,
                ..Power::new("R")
            })
            .power(Power::new("C"))
            .state(state)
            .tie("S", "C", Channel::Investment, 0.2);
        for ch in &Channel::ALL[..6] {
            builder = builder.tie("S", "R", *ch, tie);
        }
        builder.parameters(parameters).build().unwrap()
    }

    fn lock_in(kappa: f64) -> Responsiveness {
        Responsiveness {
            lock_in: kappa,
            ..Responsiveness::default()
        }
    }

    /// One step of `world`, its constants fitted on `baseline`, from `rs` (its start if None).
    fn step(world: &World, baseline: &World, rs: Option<RunState>) -> Vec<f64> {
        let (start, base_start) = (RunState::new(world), RunState::new(baseline));
        let dynamics = Dynamics::calibrated_on(world, &start, baseline, &base_start);
        let mut rs = rs.unwrap_or(start);
        let mut ws = Workspace::new(world);
        dynamics
            .step(world, &mut rs, &mut ws, &mut crate::sim::noise_rng(1, 0))
            .unwrap();
        rs.alignment
    }

    #[test]
    fn lock_in_is_dependence_times_concentration() {
        let w = world(lock_in(1.0), 1.0, 0.6, 0.0);
        // D = 6 · 0.6 / 8 = 0.45 with R, 0.2 / 8 = 0.025 with C: L = 0.45² / 0.475.
        let l = super::lock_in(&w, &RunState::new(&w), 0);
        assert!((l - 0.45 * 0.45 / 0.475).abs() < 1e-15, "{l}");
    }

    #[test]
    fn a_locked_in_state_moves_less_and_still_starts_at_rest() {
        let moved = |kappa: f64| {
            let base = world(lock_in(kappa), 1.0, 0.6, 0.0);
            let at_rest = step(&base, &base, None);
            assert!(
                (at_rest[0] - A0[0]).abs() < 1e-12,
                "κ = {kappa}: {at_rest:?}"
            );
            let shocked = world(lock_in(kappa), 0.7, 0.6, 0.0);
            A0[0] - step(&shocked, &base, None)[0]
        };
        let (off, on) = (moved(0.0), moved(3.0));
        // L ≈ 0.426, so τ is (1 − L)^{−3} ≈ 5.3 times as large and the first move about that
        // much smaller.
        assert!(
            off > 0.0 && on > 0.0 && on < 0.6 * off,
            "off {off}, on {on}"
        );
    }

    #[test]
    fn the_lock_in_factor_is_the_inverse_room_left() {
        use super::{lock_in_factor, MAX_LOCK_IN_FACTOR};
        assert_eq!(lock_in_factor(1.0, 0.0), 1.0);
        assert_eq!(lock_in_factor(0.0, 0.68), 1.0);
        for (kappa, l) in [(1.0, 0.68), (1.0, 0.2), (2.0, 0.35), (0.5, 0.9)] {
            let exact = (1.0_f64 - l).powf(-kappa);
            let factor = lock_in_factor(kappa, l);
            assert!(
                (factor - exact).abs() < 1e-13 * exact,
                "κ {kappa} L {l}: {factor}"
            );
        }
        // First order in L: a little-locked-in state keeps the linear form's 1 + κL …
        assert!((lock_in_factor(1.0, 1e-4) - (1.0 + 1e-4)).abs() < 2e-8);
        // … the most locked-in does not: Belarus's L = 0.68 gives 3.1, not 1.68.
        assert!((lock_in_factor(1.0, 0.68) - 3.125).abs() < 1e-12);
        // A state with no room left is frozen, with a finite temperature.
        assert_eq!(lock_in_factor(1.0, 1.0), MAX_LOCK_IN_FACTOR);
        assert_eq!(lock_in_factor(100.0, 0.5), MAX_LOCK_IN_FACTOR);
    }

    #[test]
    fn a_state_with_no_room_left_stays_at_rest_under_a_shock() {
        // S tied to R alone, at full strength on every channel with salience: L = 1.
        let tied = |capacity_r: f64| {
            let mut state = State::new("S", Disposition::Bandwagon, A0.to_vec());
            state.inertia = 1.0;
            let parameters = Parameters {
                noise: 0.0,
                feedback: [0.0; 8],
                responsiveness: lock_in(1.0),
                ..Parameters::default()
            };
            let mut builder = World::builder()
                .power(Power {
                    capacity: capacity_r,
                    ..Power::new("R")
                })
                .power(Power::new("C"))
                .state(state);
            for ch in &Channel::ALL {
                builder = builder.tie("S", "R", *ch, 1.0);
            }
            builder.parameters(parameters).build().unwrap()
        };
        let base = tied(1.0);
        assert_eq!(super::lock_in(&base, &RunState::new(&base), 0), 1.0);
        let shocked = step(&tied(0.5), &base, None);
        assert!(shocked.iter().all(|x| x.is_finite()), "{shocked:?}");
        // Halving R's capacity moves its share by at most a millionth of the free response.
        assert!((shocked[0] - A0[0]).abs() < 1e-5, "{shocked:?}");
        let mut free = tied(0.5);
        free.parameters.responsiveness = Responsiveness::default();
        let mut free_base = tied(1.0);
        free_base.parameters.responsiveness = Responsiveness::default();
        let moved = A0[0] - step(&free, &free_base, None)[0];
        assert!(moved > 1e-3, "without lock-in it moves: {moved}");
    }

    #[test]
    fn a_child_scenario_keeps_its_baselines_temperature() {
        let base = world(lock_in(3.0), 1.0, 0.6, 0.0);
        // The child starts with weaker ties to R: less locked in on its own reading.
        let child = world(lock_in(3.0), 1.0, 0.3, 0.0);
        let (bs, cs) = (RunState::new(&base), RunState::new(&child));
        let on_base = Dynamics::calibrated_on(&child, &cs, &base, &bs).temperatures();
        assert_eq!(on_base, Dynamics::new(&base, &bs).temperatures());
        assert!(Dynamics::new(&child, &cs).temperatures()[0] < on_base[0]);
    }

    fn regime(zeta: f64) -> Responsiveness {
        Responsiveness {
            regime_security: zeta,
            ..Responsiveness::default()
        }
    }

    /// R's share after one step from the start of a world of fragility 0.1 whose run state
    /// has fragility `fragility` and regime threat `threat`.
    fn patron_share(zeta: f64, fragility: f64, threat: f64) -> f64 {
        let w = world(regime(zeta), 1.0, 0.6, 0.1);
        let mut rs = RunState::new(&w);
        rs.events.fragility[0] = fragility;
        rs.events.regime_threat[0] = threat;
        step(&w, &w, Some(rs))[0]
    }

    #[test]
    fn unrest_raises_the_value_of_the_security_patron_and_more_with_fragility() {
        // At rest with the term on: it is inside the calibrated constants.
        assert!((patron_share(1.0, 0.1, 0.0) - A0[0]).abs() < 1e-12);
        // After unrest of severity 0.8: R gains with the term on, nothing with it off.
        let (on, off) = (patron_share(1.0, 0.1, 0.8), patron_share(0.0, 0.1, 0.8));
        assert!((off - A0[0]).abs() < 1e-12, "{off}");
        assert!(on > A0[0] + 0.01, "{on}");
        // And the more fragile the regime has become, the more it values its patron.
        let shares: Vec<f64> = [0.1, 0.4, 0.7]
            .iter()
            .map(|&f| patron_share(1.0, f, 0.8))
            .collect();
        assert!(shares.windows(2).all(|p| p[1] > p[0]), "{shares:?}");
    }

    #[test]
    fn unrest_leaves_a_regime_threat_that_halves_in_its_half_life() {
        let w = world(regime(1.0), 1.0, 0.6, 0.1);
        let mut rs = RunState::new(&w);
        let mut unrest = Unrest {
            state: StateId(0),
            severity: Some(0.8),
            request: Some(false),
            contributors: None,
        };
        unrest.apply(&w, &mut rs, 0, &mut crate::sim::noise_rng(1, 0));
        assert_eq!(rs.events.regime_threat[0], 0.8);
        for step in 0..6 {
            EventEngine::advance(&w, &mut rs, step);
        }
        assert!((rs.events.regime_threat[0] - 0.4).abs() < 1e-12);
    }
}
