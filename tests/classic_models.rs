//! The classic alignment models and measures shipped beside geoalign's own dynamics, each
//! checked against published or hand-computed numbers.

use geoalign::classic::friedkin_johnsen::{FriedkinJohnsen, OpinionError};
use nalgebra::{dmatrix, dvector, DVector};

/// The four-agent influence matrix of Friedkin & Johnsen (1999), as printed in Parsegov et al.
/// (2017, IEEE TAC 62(5), §V).
fn friedkin_johnsen_1999_network() -> FriedkinJohnsen {
    let w = dmatrix![
        0.22, 0.12, 0.36, 0.30;
        0.147, 0.215, 0.344, 0.294;
        0.0, 0.0, 1.0, 0.0;
        0.09, 0.178, 0.446, 0.286
    ];
    FriedkinJohnsen::with_self_anchorage(w).expect("the published matrix is row-stochastic")
}

fn assert_close(got: &DVector<f64>, want: &[f64], tol: f64) {
    assert_eq!(got.len(), want.len());
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!((g - w).abs() <= tol, "agent {i}: got {g}, published {w}");
    }
}

#[test]
fn friedkin_johnsen_fixture_reaches_published_opinions_25_25_75_85() {
    let model = friedkin_johnsen_1999_network();
    let u = dvector![25.0, 25.0, 75.0, 85.0];
    let closed = model.fixed_point(&u).unwrap();
    // Published: 60.02, 59.98, 75.00, 74.99 (two decimals).
    assert_close(&closed, &[60.02, 59.98, 75.00, 74.99], 0.005);
    let run = model.iterate(&u, &u, 1e-12, 10_000).unwrap();
    assert_close(&run.opinions, closed.as_slice(), 1e-9);
}

#[test]
fn friedkin_johnsen_fixture_reaches_published_opinions_for_negative_prejudices() {
    let model = friedkin_johnsen_1999_network();
    let u = dvector![25.0, 15.0, -50.0, 5.0];
    let closed = model.fixed_point(&u).unwrap();
    assert_close(&closed, &[-19.29, -21.48, -50.00, -23.20], 0.005);
    let run = model.iterate(&u, &u, 1e-12, 10_000).unwrap();
    assert_close(&run.opinions, closed.as_slice(), 1e-9);
}

#[test]
fn friedkin_johnsen_fixture_has_spectral_radius_below_one() {
    let model = friedkin_johnsen_1999_network();
    let rho = model.spectral_radius().unwrap();
    // Agent 3 is fully stubborn and the others have λ ≤ 0.785, so ρ(ΛW) ≤ 0.785.
    assert!(rho > 0.0 && rho <= 0.785 + 1e-12, "ρ = {rho}");
}

#[test]
fn degroot_has_no_closed_form_fixed_point() {
    let model = FriedkinJohnsen::degroot(dmatrix![0.5, 0.5; 0.25, 0.75]).unwrap();
    let err = model.fixed_point(&dvector![1.0, 0.0]).unwrap_err();
    match err {
        OpinionError::NoFixedPoint { spectral_radius } => {
            assert!((spectral_radius - 1.0).abs() < 1e-12)
        }
        other => panic!("expected NoFixedPoint, got {other:?}"),
    }
}

#[test]
fn degroot_reaches_the_left_eigenvector_consensus() {
    // W = [.5 .5; .25 .75] has stationary distribution π = (1/3, 2/3): consensus π · x(0).
    let model = FriedkinJohnsen::degroot(dmatrix![0.5, 0.5; 0.25, 0.75]).unwrap();
    let x0 = dvector![3.0, 0.0];
    let end = model.iterate(&x0, &x0, 1e-13, 10_000).unwrap();
    assert_close(&end.opinions, &[1.0, 1.0], 1e-10);
}

#[test]
fn periodic_degroot_network_is_reported_as_not_converged() {
    let model = FriedkinJohnsen::degroot(dmatrix![0.0, 1.0; 1.0, 0.0]).unwrap();
    let x0 = dvector![0.0, 1.0];
    let err = model.iterate(&x0, &x0, 1e-9, 50).unwrap_err();
    assert_eq!(
        err,
        OpinionError::NotConverged {
            steps: 50,
            last_change: 1.0
        }
    );
}

#[test]
fn a_fully_open_closed_group_has_no_fixed_point() {
    // Agents 0 and 1 listen only to each other and are fully open (λ = 1): ρ(ΛW) = 1 even
    // though agent 2 is anchored.
    let w = dmatrix![0.5, 0.5, 0.0; 0.5, 0.5, 0.0; 0.2, 0.2, 0.6];
    let model = FriedkinJohnsen::new(w, dvector![1.0, 1.0, 0.4]).unwrap();
    assert!(matches!(
        model.fixed_point(&dvector![0.0, 1.0, 2.0]),
        Err(OpinionError::NoFixedPoint { .. })
    ));
}

#[test]
fn influence_matrices_that_are_not_row_stochastic_are_refused() {
    let err = FriedkinJohnsen::degroot(dmatrix![0.5, 0.6; 0.5, 0.5]).unwrap_err();
    assert!(
        matches!(err, OpinionError::NotRowStochastic { row: 0, sum } if (sum - 1.1).abs() < 1e-12)
    );
    let err = FriedkinJohnsen::degroot(dmatrix![1.5, -0.5; 0.5, 0.5]).unwrap_err();
    assert!(matches!(
        err,
        OpinionError::NegativeWeight { row: 0, col: 1, .. }
    ));
    let err = FriedkinJohnsen::degroot(dmatrix![0.5, f64::NAN; 0.5, 0.5]).unwrap_err();
    assert!(matches!(err, OpinionError::NonFinite { index: 1, .. }));
    let err = FriedkinJohnsen::new(dmatrix![1.0], dvector![1.5]).unwrap_err();
    assert!(matches!(
        err,
        OpinionError::SusceptibilityOutOfRange { agent: 0, .. }
    ));
    let w = nalgebra::DMatrix::from_row_slice(1, 2, &[0.5, 0.5]);
    assert_eq!(
        FriedkinJohnsen::degroot(w).unwrap_err(),
        OpinionError::NotSquare { rows: 1, cols: 2 }
    );
}

#[test]
fn geoalign_update_is_a_two_agent_friedkin_johnsen_step() {
    // One alignment component of a state with inertia η and stubbornness γ, toward a target
    // a*: a ← (1 − η) a + η[(1 − γ) a* + γ a(0)] (src/sim/dynamics.rs, step 5).
    let (eta, gamma) = (0.3, 0.25);
    let (a0, target) = (0.6, 0.2);
    let lambda = 1.0 - eta * gamma;
    let w = dmatrix![(1.0 - eta) / lambda, eta * (1.0 - gamma) / lambda; 0.0, 1.0];
    let model = FriedkinJohnsen::new(w, dvector![lambda, 0.0]).unwrap();
    let u = dvector![a0, target];
    let mut a = 0.45;
    let mut x = dvector![a, target];
    for _ in 0..20 {
        a = (1.0 - eta) * a + eta * ((1.0 - gamma) * target + gamma * a0);
        x = model.step(&x, &u).unwrap();
        assert!((x[0] - a).abs() < 1e-14, "FJ {} vs geoalign {}", x[0], a);
    }
    // The fixed point keeps the share γ of the initial alignment: (1 − γ) a* + γ a(0).
    let star = model.fixed_point(&u).unwrap();
    assert!((star[0] - ((1.0 - gamma) * target + gamma * a0)).abs() < 1e-14);
}

// ---------------------------------------------------------------------------------------------
// Similarity measures: hand-computed cases.

use geoalign::analysis::similarity::{
    cohen_kappa, kendall_tau_b, scott_pi, signorino_ritter_s, similarity_matrix, Distance, Measure,
    SimilarityError, SimilarityMatrix,
};

fn close(got: f64, want: f64) {
    assert!((got - want).abs() < 1e-12, "got {got}, want {want}");
}

#[test]
fn signorino_ritter_s_matches_hand_computation_for_both_distances_and_weights() {
    // Units of 1/30: x = (18, 9, 3), y = (15, 9, 6); |d| = (3, 0, 3)/30, d² = (9, 0, 9)/900.
    let x = [0.6, 0.3, 0.1];
    let y = [0.5, 0.3, 0.2];
    close(
        signorino_ritter_s(&x, &y, None, Distance::Absolute, 1.0).unwrap(),
        1.0 - 2.0 * 0.2 / 3.0,
    );
    close(
        signorino_ritter_s(&x, &y, None, Distance::Squared, 1.0).unwrap(),
        1.0 - 2.0 * 0.02 / 3.0,
    );
    // Weights (2, 1, 1): Σw|d| = 0.2 + 0.1 = 0.3, Σw = 4.
    close(
        signorino_ritter_s(&x, &y, Some(&[2.0, 1.0, 1.0]), Distance::Absolute, 1.0).unwrap(),
        1.0 - 2.0 * 0.3 / 4.0,
    );
    // d_max = 2 on the squared scale divides by 4.
    close(
        signorino_ritter_s(&x, &y, None, Distance::Squared, 2.0).unwrap(),
        1.0 - 2.0 * 0.02 / 12.0,
    );
    // Opposite ends everywhere: −1; identical: 1; a constant profile is no problem for S.
    close(
        signorino_ritter_s(&[0.0, 1.0], &[1.0, 0.0], None, Distance::Absolute, 1.0).unwrap(),
        -1.0,
    );
    close(
        signorino_ritter_s(&[0.5; 4], &[0.5; 4], None, Distance::Squared, 1.0).unwrap(),
        1.0,
    );
}

#[test]
fn cohen_kappa_and_scott_pi_match_hand_computation() {
    let x = [1.0, 2.0, 3.0];
    let y = [2.0, 3.0, 4.0];
    // Squared: Σd² = 3; κ denominator 2 + 2 + 3·1 = 7; π: pooled mean 2.5, 2.75 + 2.75.
    close(
        cohen_kappa(&x, &y, None, Distance::Squared)
            .unwrap()
            .unwrap(),
        4.0 / 7.0,
    );
    close(
        scott_pi(&x, &y, None, Distance::Squared).unwrap().unwrap(),
        5.0 / 11.0,
    );
    // Absolute: D_o = 1. κ: mean |x_j − y_l| over the 9 pairs = (6 + 3 + 2)/9 = 11/9.
    close(
        cohen_kappa(&x, &y, None, Distance::Absolute)
            .unwrap()
            .unwrap(),
        2.0 / 11.0,
    );
    // π: pooled (1, 2, 2, 3, 3, 4); Σ over ordered pairs |z_a − z_b| = 2·19 = 38, /36.
    close(
        scott_pi(&x, &y, None, Distance::Absolute).unwrap().unwrap(),
        1.0 / 19.0,
    );
    // Equal means (as for any two alignments): κ = π. Units of 1/30: Σd² = 18,
    // Σ(x−x̄)² = 114, Σ(y−ȳ)² = 42: κ = π = 1 − 18/156 = 23/26.
    let a = [0.6, 0.3, 0.1];
    let b = [0.5, 0.3, 0.2];
    close(
        cohen_kappa(&a, &b, None, Distance::Squared)
            .unwrap()
            .unwrap(),
        23.0 / 26.0,
    );
    close(
        scott_pi(&a, &b, None, Distance::Squared).unwrap().unwrap(),
        23.0 / 26.0,
    );
}

#[test]
fn cohen_kappa_squared_equals_lins_concordance_correlation() {
    // Lin (1989): ρ_c = 2 s_xy / (s_x² + s_y² + (x̄ − ȳ)²), population moments.
    let x = [0.2, 0.9, 0.4, 0.4, 0.7];
    let y = [0.1, 0.8, 0.6, 0.3, 0.9];
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let sxy = x
        .iter()
        .zip(&y)
        .map(|(a, b)| (a - mx) * (b - my))
        .sum::<f64>()
        / n;
    let sxx = x.iter().map(|a| (a - mx) * (a - mx)).sum::<f64>() / n;
    let syy = y.iter().map(|b| (b - my) * (b - my)).sum::<f64>() / n;
    let lin = 2.0 * sxy / (sxx + syy + (mx - my) * (mx - my));
    close(
        cohen_kappa(&x, &y, None, Distance::Squared)
            .unwrap()
            .unwrap(),
        lin,
    );
}

#[test]
fn weighted_kappa_equals_kappa_on_repeated_entries() {
    // Weight 2 on an entry is the same as listing it twice.
    let k_weighted = cohen_kappa(
        &[0.1, 0.5, 0.9],
        &[0.2, 0.4, 0.3],
        Some(&[2.0, 1.0, 1.0]),
        Distance::Absolute,
    )
    .unwrap()
    .unwrap();
    let k_repeated = cohen_kappa(
        &[0.1, 0.1, 0.5, 0.9],
        &[0.2, 0.2, 0.4, 0.3],
        None,
        Distance::Absolute,
    )
    .unwrap()
    .unwrap();
    close(k_weighted, k_repeated);
    let p_weighted = scott_pi(
        &[0.1, 0.5, 0.9],
        &[0.2, 0.4, 0.3],
        Some(&[2.0, 1.0, 1.0]),
        Distance::Squared,
    )
    .unwrap()
    .unwrap();
    let p_repeated = scott_pi(
        &[0.1, 0.1, 0.5, 0.9],
        &[0.2, 0.2, 0.4, 0.3],
        None,
        Distance::Squared,
    )
    .unwrap()
    .unwrap();
    close(p_weighted, p_repeated);
}

#[test]
fn chance_corrected_measures_on_profiles_without_variance() {
    // Both the same constant: 0/0, returned as None.
    for d in [Distance::Absolute, Distance::Squared] {
        assert_eq!(cohen_kappa(&[0.3; 4], &[0.3; 4], None, d), Ok(None));
        assert_eq!(scott_pi(&[0.3; 4], &[0.3; 4], None, d), Ok(None));
    }
    // One constant, the other varying: κ = 0 (agreement exactly at chance). Squared:
    // D_o = (0.25 + 0 + 0.25)/3 = 1/6 = var(y).
    let flat = [0.5, 0.5, 0.5];
    let varied = [0.0, 0.5, 1.0];
    close(
        cohen_kappa(&flat, &varied, None, Distance::Squared)
            .unwrap()
            .unwrap(),
        0.0,
    );
    // π for the same pair: pooled mean 0.5, D_e = (0 + 0.5)/3, D_o = 1/6: π = 0.
    close(
        scott_pi(&flat, &varied, None, Distance::Squared)
            .unwrap()
            .unwrap(),
        0.0,
    );
    // Two different constants: κ = 1 − d²/d² = 0, π = 1 − d²/(d²/2) = −1.
    close(
        cohen_kappa(&[0.0; 3], &[1.0; 3], None, Distance::Squared)
            .unwrap()
            .unwrap(),
        0.0,
    );
    close(
        scott_pi(&[0.0; 3], &[1.0; 3], None, Distance::Squared)
            .unwrap()
            .unwrap(),
        -1.0,
    );
}

#[test]
fn kendall_tau_b_matches_hand_computation_and_is_undefined_without_variance() {
    // 4 concordant, 2 discordant pairs, no ties: (4 − 2)/6.
    close(
        kendall_tau_b(&[1.0, 2.0, 3.0, 4.0], &[2.0, 1.0, 4.0, 3.0])
            .unwrap()
            .unwrap(),
        1.0 / 3.0,
    );
    // 4 concordant; one pair tied in x only, one in y only: 4/√(5·5).
    close(
        kendall_tau_b(&[1.0, 1.0, 2.0, 3.0], &[1.0, 2.0, 2.0, 3.0])
            .unwrap()
            .unwrap(),
        0.8,
    );
    close(
        kendall_tau_b(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0])
            .unwrap()
            .unwrap(),
        -1.0,
    );
    assert_eq!(kendall_tau_b(&[0.2, 0.2, 0.2], &[0.1, 0.5, 0.9]), Ok(None));
    assert_eq!(kendall_tau_b(&[0.2], &[0.1]), Ok(None));
}

#[test]
fn similarity_inputs_are_checked() {
    assert_eq!(
        signorino_ritter_s(&[0.1, 0.2], &[0.1], None, Distance::Absolute, 1.0),
        Err(SimilarityError::LengthMismatch { left: 2, right: 1 })
    );
    assert_eq!(
        cohen_kappa(&[], &[], None, Distance::Squared),
        Err(SimilarityError::Empty)
    );
    assert!(matches!(
        signorino_ritter_s(&[0.0, 2.0], &[0.0, 0.0], None, Distance::Absolute, 1.0),
        Err(SimilarityError::BeyondMaxDistance { index: 1, .. })
    ));
    assert_eq!(
        scott_pi(
            &[0.1, 0.2],
            &[0.1, 0.3],
            Some(&[0.0, 0.0]),
            Distance::Squared
        ),
        Err(SimilarityError::ZeroWeights)
    );
    assert!(matches!(
        scott_pi(&[0.1, f64::NAN], &[0.1, 0.3], None, Distance::Squared),
        Err(SimilarityError::NonFinite { index: 1, .. })
    ));
    assert_eq!(
        signorino_ritter_s(&[0.1], &[0.1], None, Distance::Absolute, 0.0),
        Err(SimilarityError::InvalidMaxDistance(0.0))
    );
    assert!(matches!(
        similarity_matrix(&[0.5, 0.5, 1.0], 2, Measure::KendallTauB, None),
        Err(SimilarityError::NotWholeStates {
            len: 3,
            components: 2
        })
    ));
}

#[test]
fn similarity_matrix_of_a_trajectory_step_matches_pairwise_measures() {
    let sim = geoalign::Simulation::new(geoalign::presets::eurasia_2025());
    let t = sim.trajectory(0).unwrap();
    let step = 60;
    let measure = Measure::CohenKappa(Distance::Squared);
    let m = SimilarityMatrix::of_trajectory_step(&t, step, measure, None).unwrap();
    assert_eq!(m.states, t.states.len());
    let am = t.state_id("Armenia").unwrap();
    let by = t.state_id("Belarus").unwrap();
    let direct = cohen_kappa(
        t.alignment_of(step, am),
        t.alignment_of(step, by),
        None,
        Distance::Squared,
    )
    .unwrap();
    assert_eq!(m.get(am.index(), by.index()), direct);
    assert_eq!(m.get(by.index(), am.index()), direct);
    assert_eq!(m.get(am.index(), am.index()), Some(1.0));
    assert!(matches!(
        SimilarityMatrix::of_trajectory_step(&t, t.len(), measure, None),
        Err(SimilarityError::StepOutOfRange { .. })
    ));
}

// ---------------------------------------------------------------------------------------------
// Landscape theory (Axelrod & Bennett 1993).

use geoalign::classic::landscape::{Configuration, Landscape, LandscapeError};
use nalgebra::DMatrix;
use rand::{RngExt, SeedableRng};

fn named(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("actor {i}")).collect()
}

/// The configuration whose actor `i ≥ 1` is on the second side when bit `i − 1` of `code` is
/// set (actor 0 always first), built independently of the crate's own encoding.
fn config(code: u32, n: usize) -> Configuration {
    Configuration::new(
        (0..n)
            .map(|i| i > 0 && (code >> (i - 1)) & 1 == 1)
            .collect(),
    )
}

fn code_of(c: &Configuration) -> u32 {
    (1..c.len())
        .filter(|&i| c.is_second(i))
        .map(|i| 1 << (i - 1))
        .sum()
}

#[test]
fn three_mutual_enemies_have_three_degenerate_minima_with_hand_counted_basins() {
    let p = DMatrix::from_fn(3, 3, |i, j| if i == j { 0.0 } else { -1.0 });
    let land = Landscape::new(named(3), vec![1.0; 3], p).unwrap();
    let found = land.explore().unwrap();
    assert_eq!(found.configurations, 4);
    // Any actor alone: two pairs apart, each counted twice: E = −4. From "all together" every
    // switch gains 4; the tie goes to actor 0, so {0}|{1,2} collects that configuration too.
    let ranked: Vec<(Vec<usize>, Vec<usize>, f64, u64)> = found
        .minima
        .iter()
        .map(|m| {
            let (a, b) = m.configuration.coalitions();
            (a, b, m.energy, m.basin)
        })
        .collect();
    assert_eq!(
        ranked,
        vec![
            (vec![0], vec![1, 2], -4.0, 2),
            (vec![0, 2], vec![1], -4.0, 1),
            (vec![0, 1], vec![2], -4.0, 1),
        ]
    );
}

#[test]
fn two_enemies_and_a_shared_friend_give_two_degenerate_minima() {
    // 0 and 1 are enemies (−3); 2 likes both (+1). Hand-computed energies (ordered pairs):
    // all together 0; {0,2}|{1} = 2(−3 + 1) = −4; {0}|{1,2} = −4; {0,1}|{2} = 2(1 + 1) = 4.
    let p = nalgebra::dmatrix![0.0, -3.0, 1.0; -3.0, 0.0, 1.0; 1.0, 1.0, 0.0];
    let land = Landscape::new(named(3), vec![1.0; 3], p).unwrap();
    for (code, e) in [(0, 0.0), (1, -4.0), (2, 4.0), (3, -4.0)] {
        assert_eq!(land.energy(&config(code, 3)), e, "configuration {code}");
    }
    let found = land.explore().unwrap();
    // Both minima have E = −4; moving actor 2 between them changes nothing (ΔE = 0), so
    // neither is left. All together → actor 0 leaves (tie with actor 1, lowest index wins);
    // {0,1}|{2} → actor 0 switches (tie with actor 1, ΔE = −8).
    assert_eq!(found.minima.len(), 2);
    assert_eq!(
        found.minima[0].configuration.coalitions(),
        (vec![0, 2], vec![1])
    );
    assert_eq!((found.minima[0].energy, found.minima[0].basin), (-4.0, 2));
    assert_eq!(
        found.minima[1].configuration.coalitions(),
        (vec![0], vec![1, 2])
    );
    assert_eq!((found.minima[1].energy, found.minima[1].basin), (-4.0, 2));
    // The sequential dynamics agree with the basins.
    let d = land.descend(&config(0, 3)).unwrap();
    assert_eq!((d.moves.clone(), d.energy), (vec![0], -4.0));
    assert_eq!(d.path.last().unwrap(), &config(3, 3));
    let d = land.descend(&config(2, 3)).unwrap();
    assert_eq!((d.moves.clone(), d.energy), (vec![0], -4.0));
    assert_eq!(d.path.last().unwrap(), &config(1, 3));
}

#[test]
fn switching_lowers_energy_by_twice_size_times_frustration_change() {
    // Axelrod & Bennett's footnote 2 with ordered pairs: E(Y) − E(X) = 2 s_k (F_k(Y) − F_k(X)).
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let n = 6;
    let sizes: Vec<f64> = (0..n).map(|_| rng.random_range(0.1..2.0)).collect();
    let mut p = DMatrix::zeros(n, n);
    for i in 0..n {
        for j in i + 1..n {
            let v = rng.random_range(-1.0..1.0);
            p[(i, j)] = v;
            p[(j, i)] = v;
        }
    }
    let land = Landscape::new(named(n), sizes.clone(), p).unwrap();
    for code in 0..(1u32 << (n - 1)) {
        let x = config(code, n);
        for k in 0..n {
            let mut sides: Vec<bool> = (0..n).map(|i| x.is_second(i)).collect();
            sides[k] = !sides[k];
            let y = Configuration::new(sides);
            let de = land.energy(&y) - land.energy(&x);
            let df = land.frustration(k, &y) - land.frustration(k, &x);
            assert!((de - 2.0 * sizes[k] * df).abs() < 1e-12);
        }
    }
}

#[test]
fn twenty_random_actors_match_brute_force_minima_and_basins() {
    let n = 20;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1993);
    let sizes: Vec<f64> = (0..n).map(|_| rng.random_range(0.1..1.0)).collect();
    let mut p = DMatrix::zeros(n, n);
    for i in 0..n {
        for j in i + 1..n {
            let v = rng.random_range(-1.0..1.0);
            p[(i, j)] = v;
            p[(j, i)] = v;
        }
    }
    let land = Landscape::new(named(n), sizes.clone(), p.clone()).unwrap();
    let found = land.explore().unwrap();

    // Brute force: every energy directly from the definition, then neighbours by lookup.
    let count = 1usize << (n - 1);
    let mask = (count - 1) as u32;
    let side = |code: u32, i: usize| i > 0 && (code >> (i - 1)) & 1 == 1;
    let energy: Vec<f64> = (0..count as u32)
        .map(|c| {
            let mut e = 0.0;
            for i in 0..n {
                for j in 0..n {
                    if i != j && side(c, i) != side(c, j) {
                        e += sizes[i] * sizes[j] * p[(i, j)];
                    }
                }
            }
            e
        })
        .collect();
    let neighbour = |c: u32, k: usize| if k == 0 { c ^ mask } else { c ^ (1 << (k - 1)) };
    let scale: f64 = (0..n)
        .flat_map(|i| (0..n).map(move |j| (i, j)))
        .filter(|(i, j)| i != j)
        .map(|(i, j)| (sizes[i] * sizes[j] * p[(i, j)]).abs())
        .sum();
    let tol = 1e-10 * scale;
    let step = |c: u32| -> Option<u32> {
        let deltas: Vec<f64> = (0..n)
            .map(|k| energy[neighbour(c, k) as usize] - energy[c as usize])
            .collect();
        let best = deltas.iter().copied().fold(f64::INFINITY, f64::min);
        if best >= -tol {
            return None;
        }
        (0..n)
            .find(|&k| deltas[k] <= best + tol)
            .map(|k| neighbour(c, k))
    };
    let mut basin = std::collections::HashMap::new();
    for start in 0..count as u32 {
        let mut at = start;
        while let Some(next) = step(at) {
            at = next;
        }
        *basin.entry(at).or_insert(0u64) += 1;
    }

    assert_eq!(found.configurations, count as u64);
    assert_eq!(found.minima.len(), basin.len());
    for m in &found.minima {
        let code = code_of(&m.configuration);
        assert_eq!(basin.get(&code), Some(&m.basin), "basin of minimum {code}");
        assert!((m.energy - energy[code as usize]).abs() < 1e-9);
    }
    // Ranked by energy, and the first is the brute-force global minimum.
    assert!(found.minima.windows(2).all(|w| w[0].energy <= w[1].energy));
    let global = energy.iter().copied().fold(f64::INFINITY, f64::min);
    assert!((found.minima[0].energy - global).abs() < 1e-9);
    // A descent from any start ends in one of the minima, at the brute-force end point.
    for _ in 0..200 {
        let start: u32 = rng.random_range(0..count as u32);
        let d = land.descend(&config(start, n)).unwrap();
        let mut at = start;
        while let Some(next) = step(at) {
            at = next;
        }
        assert_eq!(code_of(d.path.last().unwrap()), at);
    }
}

#[test]
fn landscape_inputs_are_checked() {
    let p = nalgebra::dmatrix![0.0, 1.0; 1.0, 0.0];
    assert!(matches!(
        Landscape::new(named(2), vec![1.0, 0.0], p.clone()),
        Err(LandscapeError::NonPositiveSize { .. })
    ));
    assert!(matches!(
        Landscape::new(named(2), vec![1.0], p.clone()),
        Err(LandscapeError::WrongLength {
            expected: 2,
            got: 1,
            ..
        })
    ));
    assert!(matches!(
        Landscape::new(
            named(2),
            vec![1.0; 2],
            nalgebra::dmatrix![0.0, f64::NAN; f64::NAN, 0.0]
        ),
        Err(LandscapeError::NonFinitePropensity { .. })
    ));
    let big = Landscape::new(named(26), vec![1.0; 26], DMatrix::zeros(26, 26)).unwrap();
    assert_eq!(
        big.explore().unwrap_err(),
        LandscapeError::TooManyActors {
            actors: 26,
            max: 25
        }
    );
}

#[test]
fn eurasia_propensities_follow_shared_institutions_and_are_centred_per_state() {
    let world = geoalign::presets::eurasia_2025().world().clone();
    let land = Landscape::from_world(&world).unwrap();
    let np = world.powers().len();
    let idx = |name: &str| land.actors().iter().position(|a| a == name).unwrap();
    // Estonia and Latvia share NATO and the EU, both active, credibility 0.85 each:
    // 0.5 · (0.85 + 0.85).
    assert!((land.propensity(idx("Estonia"), idx("Latvia")) - 0.85).abs() < 1e-12);
    // Armenia and Belarus share the CSTO (Armenia suspended: 0) and the EAEU (0.45): 0.5 · 0.45.
    assert!((land.propensity(idx("Armenia"), idx("Belarus")) - 0.225).abs() < 1e-12);
    // Powers share nothing in the world's data.
    assert_eq!(land.propensity(idx("Russia"), idx("China")), 0.0);
    // Each state's propensities toward the powers sum to zero (centred).
    for s in np..land.actors().len() {
        let sum: f64 = (0..np).map(|p| land.propensity(s, p)).sum();
        assert!(sum.abs() < 1e-12, "{}", land.actors()[s]);
    }
    assert!(land.sizes()[..np].iter().all(|&s| s == 1.0));
    assert!(land.sizes()[np..]
        .iter()
        .all(|&s| s == geoalign::classic::landscape::STATE_SIZE));
}
