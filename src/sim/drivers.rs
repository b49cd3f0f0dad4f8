//! Drivers: piecewise-linear time paths that a scenario puts on capacities, delivery factors,
//! coercion, institution credibility and ties.

use crate::model::{tie_index, Channel, InstitutionId, PowerId, StateId};
use crate::sim::RunState;
use serde::{Deserialize, Serialize};

/// What a driver moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DriverTarget {
    /// A power's capacity index `g_p`.
    Capacity(PowerId),
    /// A power's coercion.
    Coercion(PowerId),
    /// A power's delivery factor on a channel.
    Delivery(PowerId, Channel),
    /// An institution's credibility.
    Credibility(InstitutionId),
    /// The tie `x[state, power, channel]`.
    Tie(StateId, PowerId, Channel),
}

/// A piecewise-linear path in months since the scenario start.
///
/// The path starts from the world's own value at month 0 unless its first point is at month 0;
/// it is linear between points and holds its last value after the last point.
///
/// # Examples
///
/// ```
/// use geoalign::sim::drivers::Path;
/// let path = Path::new(vec![(12, 0.5), (24, 0.7)]);
/// assert_eq!(path.value_at(0, 1.0), 1.0); // the world's value at the start
/// assert!((path.value_at(6, 1.0) - 0.75).abs() < 1e-12);
/// assert_eq!(path.value_at(12, 1.0), 0.5);
/// assert!((path.value_at(18, 1.0) - 0.6).abs() < 1e-12);
/// assert_eq!(path.value_at(100, 1.0), 0.7);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Path {
    points: Vec<(u32, f64)>,
}

impl Path {
    /// A path through `points` (month, value); months must be strictly increasing, which
    /// [`crate::Scenario::add_driver`] checks (for files and code alike).
    pub fn new(points: Vec<(u32, f64)>) -> Self {
        Path { points }
    }

    /// The points of the path.
    pub fn points(&self) -> &[(u32, f64)] {
        &self.points
    }

    /// Value at `month`, with `start` the world's own value at month 0.
    pub fn value_at(&self, month: u32, start: f64) -> f64 {
        let mut prev = (0u32, start);
        for &(m, v) in &self.points {
            if month < m {
                let span = f64::from(m - prev.0);
                let t = f64::from(month - prev.0) / span;
                return prev.1 + t * (v - prev.1);
            }
            prev = (m, v);
        }
        prev.1
    }
}

/// A driver: a target and its path.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Driver {
    /// What the driver moves.
    pub target: DriverTarget,
    /// How it moves.
    pub path: Path,
}

/// Every driver's value at every step, computed once per scenario so that a step only copies
/// numbers.
#[derive(Clone, Debug)]
pub(crate) struct Schedule {
    /// Per driver: its target and its value at steps `0..=steps`.
    tracks: Vec<(DriverTarget, Vec<f64>)>,
    powers: usize,
}

impl Schedule {
    pub fn new(drivers: &[Driver], start: &RunState, powers: usize, steps: u32) -> Self {
        // `slot` needs a mutable state; one copy serves to read every driver's start value.
        let mut probe = start.clone();
        let tracks = drivers
            .iter()
            .map(|d| {
                let base = *slot(&mut probe, powers, d.target);
                let values = (0..=steps).map(|t| d.path.value_at(t, base)).collect();
                (d.target, values)
            })
            .collect();
        Schedule { tracks, powers }
    }

    /// Set every driven quantity of `rs` to its value at `step`.
    pub fn apply(&self, rs: &mut RunState, step: u32) {
        for (target, values) in &self.tracks {
            let v = values[step as usize];
            *slot(rs, self.powers, *target) = v;
        }
    }
}

fn slot(rs: &mut RunState, powers: usize, target: DriverTarget) -> &mut f64 {
    match target {
        DriverTarget::Capacity(p) => &mut rs.capacity[p.index()],
        DriverTarget::Coercion(p) => &mut rs.coercion[p.index()],
        DriverTarget::Delivery(p, k) => &mut rs.delivery[p.index() * Channel::COUNT + k.index()],
        DriverTarget::Credibility(i) => &mut rs.credibility[i.index()],
        DriverTarget::Tie(s, p, k) => {
            &mut rs.ties[tie_index(powers, s.index(), p.index(), k.index())]
        }
    }
}
