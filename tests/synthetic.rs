//! The synthetic worlds of the benchmarks are valid worlds: the builder, which checks every
//! range, sum and name, accepts them, and a seed fixes them.

use geoalign::presets::{Synthetic, SyntheticError};
use geoalign::{Channel, Discard, Simulation, World};

#[test]
fn synthetic_worlds_pass_every_check_of_the_world_builder() {
    for (states, powers) in [(1, 1), (40, 6), (25, 20)] {
        let scenario = Synthetic::new(states, powers).seed(3).scenario().unwrap();
        let w = &scenario.world();
        let mut b = World::builder().parameters(w.parameters().clone());
        for p in w.powers() {
            b = b.power(p.clone());
        }
        for s in w.states() {
            b = b.state(s.clone());
        }
        for i in w.institutions() {
            b = b.institution(i.clone());
        }
        for (si, s) in w.states().iter().enumerate() {
            for (pi, p) in w.powers().iter().enumerate() {
                for ch in Channel::ALL {
                    let x = w.ties()[(si * powers + pi) * Channel::COUNT + ch.index()];
                    b = b.tie(s.name.clone(), p.name.clone(), ch, x);
                }
            }
        }
        let built = b.build();
        assert!(built.is_ok(), "{states}×{powers}: {:?}", built.err());
        let end = Simulation::new(scenario).run(0, &mut Discard).unwrap();
        assert_eq!(end.step, 120);
    }
}

#[test]
fn a_seed_fixes_the_synthetic_world_and_another_seed_changes_it() {
    let a = Synthetic::new(30, 6).seed(9).scenario().unwrap();
    let b = Synthetic::new(30, 6).seed(9).scenario().unwrap();
    let c = Synthetic::new(30, 6).seed(10).scenario().unwrap();
    assert_eq!(a, b);
    assert_ne!(a.world(), c.world());
}

#[test]
fn empty_or_oversized_synthetic_worlds_are_errors_not_panics() {
    assert!(matches!(
        Synthetic::new(0, 6).scenario(),
        Err(SyntheticError::Empty { .. })
    ));
    assert!(matches!(
        Synthetic::new(10, 0).scenario(),
        Err(SyntheticError::Empty { .. })
    ));
    assert!(matches!(
        Synthetic::new(usize::MAX, 6).scenario(),
        Err(SyntheticError::TooLarge { .. })
    ));
}
