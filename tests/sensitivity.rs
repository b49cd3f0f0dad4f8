//! Sensitivity analysis: the Sobol estimators against the Ishigami function's analytic
//! indices, Morris on functions with known effects, and a study on a scenario that does not
//! depend on the thread count.

use geoalign::analysis::sensitivity::{self, Base, Indices, Method, ParamRange, Study};
use std::f64::consts::PI;

/// Ishigami & Homma (1990) with a = 7, b = 0.1, inputs uniform on [−π, π].
fn ishigami(u: &[f64]) -> f64 {
    let x: Vec<f64> = u.iter().map(|v| -PI + 2.0 * PI * v).collect();
    x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
}

#[test]
fn sobol_recovers_the_analytic_ishigami_indices() {
    // Analytic values for a = 7, b = 0.1 (Saltelli et al. 2008, Global Sensitivity
    // Analysis: The Primer, §4.9): V = 13.8446.
    let s1 = [0.3139, 0.4424, 0.0];
    let st = [0.5576, 0.4424, 0.2437];
    // N = 2^14 rows, 81,920 evaluations. Tolerance 0.03: the bootstrap 95 % half-widths of
    // these estimators at this N are ≈ 0.01–0.03 (checked below), so 0.03 is a bound on
    // sampling error, not a fit to one seed.
    let n = 1 << 14;
    let idx = sensitivity::sobol(ishigami, 3, n, 2024);
    eprintln!("Ishigami N = {n}: {idx:?}");
    for i in 0..3 {
        assert!(
            (idx[i].s1 - s1[i]).abs() < 0.03,
            "S1[{i}] = {} vs {}",
            idx[i].s1,
            s1[i]
        );
        assert!(
            (idx[i].st - st[i]).abs() < 0.03,
            "ST[{i}] = {} vs {}",
            idx[i].st,
            st[i]
        );
        let (lo, hi) = idx[i].st_interval;
        assert!(lo <= idx[i].st && idx[i].st <= hi);
        assert!(hi - lo < 0.06, "ST[{i}] interval {lo}..{hi}");
    }
}

#[test]
fn morris_mu_star_ranks_known_effects() {
    let mut rng = <rand_chacha::ChaCha8Rng as rand::SeedableRng>::seed_from_u64(5);
    let k = 3;
    let r = 20;
    let design = sensitivity::morris_design(k, r, &mut rng);
    // Linear in x0 (slope 4), quadratic in x1, nothing in x2.
    let y: Vec<f64> = design.iter().map(|x| 4.0 * x[0] + x[1] * x[1]).collect();
    let m = sensitivity::morris_indices(&design, &y, k, r);
    assert!((m[0].mu_star - 4.0).abs() < 1e-9 && m[0].sigma < 1e-9);
    assert!(m[1].mu_star > 0.0 && m[1].mu_star < 2.0);
    assert_eq!(m[2].mu_star, 0.0);
}

fn study(threads: usize) -> Study {
    Study {
        base: Base::builtin("builtin:csto-selective-consolidation").unwrap(),
        params: vec![
            "parameters.noise=0.01:0.05".parse().unwrap(),
            "institutions.UnionState.credibility=0.5:1.0"
                .parse()
                .unwrap(),
        ],
        runs_per_point: 4,
        threads,
        seed: 9,
        outcome: None,
    }
}

#[test]
fn a_scenario_study_does_not_depend_on_the_thread_count() {
    let method = Method::Sobol { samples: 3 };
    let one = study(1).run(&method, &|_| {}).unwrap();
    let two = study(2).run(&method, &|_| {}).unwrap();
    assert_eq!(one, two);
    assert_eq!(one.points, 3 * 4);
    assert!(matches!(one.indices, Indices::Sobol(_)));
}

#[test]
fn an_unknown_key_is_refused_before_any_run() {
    let mut s = study(1);
    s.params = vec!["parameters.no_such_key=0:1".parse().unwrap()];
    let err = s
        .run(&Method::Morris { trajectories: 2 }, &|_| {})
        .unwrap_err()
        .to_string();
    assert!(err.contains("no_such_key"), "{err}");
}

#[test]
fn a_driver_point_can_be_a_parameter() {
    let s = Study {
        params: vec!["drivers.institutions.CSTO.credibility[-1].value=0.05:0.5"
            .parse()
            .unwrap()],
        ..study(1)
    };
    // The last point of the CSTO credibility path of selective consolidation (0.08 in 2035)
    // moves to the middle of the range, 0.275; the other points are kept.
    let scenario = s.scenario_at(&[0.5]).unwrap();
    let reference = geoalign::presets::csto_futures()[1].clone();
    assert_ne!(scenario.drivers(), reference.drivers());
    assert_eq!(scenario.drivers().len(), reference.drivers().len());
    let text = format!("{:?}", scenario.drivers());
    assert!(text.contains("0.275"), "{text}");
    // An index past the array is refused, naming the key.
    let bad = Study {
        params: vec!["drivers.institutions.CSTO.credibility[7].value=0.05:0.5"
            .parse()
            .unwrap()],
        ..study(1)
    };
    assert!(bad
        .scenario_at(&[0.5])
        .unwrap_err()
        .to_string()
        .contains("[7]"));
}

#[test]
fn a_misspelt_parameter_key_is_named_once_with_the_key_it_is_close_to() {
    // Issue 18: the message repeated the key after "… with values set in memory:".
    let s = Study {
        params: vec!["parameters.noize=0.01:0.06".parse().unwrap()],
        ..study(1)
    };
    let err = s.scenario_at(&[0.5]).unwrap_err().to_string();
    assert!(
        err.starts_with(
            "--param `parameters.noize`: unknown field `noize` (did you mean `noise`?), expected one of `noise`,"
        ),
        "{err}"
    );
    assert_eq!(err.matches("noize").count(), 2, "{err}");
    // An index into an array the scenario does not have says so.
    let s = Study {
        params: vec!["events[0].monthly=0:0.1".parse().unwrap()],
        ..study(1)
    };
    let err = s.scenario_at(&[0.5]).unwrap_err().to_string();
    assert_eq!(
        err,
        "--param `events[0].monthly`: the scenario has no `events`, so there is no element of it to set"
    );
}

#[test]
fn a_malformed_parameter_says_which_part_is_wrong() {
    for (text, reason) in [
        (
            "parameters.noise 0.01:0.06",
            "no `=` between the key and its range",
        ),
        (
            "parameters.noise=0.01-0.06",
            "the range `0.01-0.06` has no `:` between LO and HI",
        ),
        ("parameters.noise=abc:1", "`abc` is not a finite number"),
        ("parameters.noise=0:inf", "`inf` is not a finite number"),
        (
            "parameters..noise=0:1",
            "the key `parameters..noise` has an empty part",
        ),
        ("parameters.noise=0.06:0.01", "LO 0.06 is not below HI 0.01"),
    ] {
        let err = text.parse::<ParamRange>().unwrap_err().to_string();
        assert_eq!(
            err,
            format!("--param `{text}`: {reason}; write KEY=LO:HI, e.g. parameters.noise=0.01:0.06")
        );
    }
}

#[test]
fn a_parameter_on_a_misspelt_state_is_refused_as_one_in_memory() {
    // Issue 18: `states.Kazakstan.inertia` was "`states.Kazakstan.disposition`: this key is
    // required but missing", placed at a line of the base file that says nothing of it.
    let s = Study {
        params: vec!["states.Kazakstan.inertia=0.5:1".parse().unwrap()],
        ..study(1)
    };
    let err = s.scenario_at(&[0.5]).unwrap_err().to_string();
    assert_eq!(
        err,
        "design point states.Kazakstan.inertia=0.75: builtin:csto-selective-consolidation with \
         values set in memory: `states.Kazakstan`: unknown state `Kazakstan`; did you mean \
         `Kazakhstan`? (a new state would need `disposition`)"
    );
}
