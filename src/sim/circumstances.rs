//! A state's circumstances that set its responsiveness (docs/model.md §10.2).

use crate::model::{Channel, World};
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
