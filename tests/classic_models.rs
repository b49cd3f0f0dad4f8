//! The classic alignment models and measures shipped beside geoalign's own dynamics, each
//! checked against published or hand-computed numbers.

use geoalign::friedkin_johnsen::{FriedkinJohnsen, OpinionError};
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
    // a*: a ← (1 − η) a + η[(1 − γ) a* + γ a(0)] (src/dynamics.rs, step 5).
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
