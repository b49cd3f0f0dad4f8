//! Drivers: piecewise-linear time paths that a scenario puts on capacities, delivery factors,
//! coercion, institution credibility, ties and the relations of powers.
//!
//! A path point gives its value either absolutely or relative to the level the path starts
//! from ([`PointValue`]): the world's own value of the driven quantity at the scenario start,
//! which is the value the scenario's file (or a file that extends it) sets. A child file that
//! overrides that level thus shifts every relative point of an inherited path by the same
//! factor (`scale`) or offset (`add`), instead of only changing where the interpolation starts.

use crate::model::{tie_index, Channel, InstitutionId, PowerId, StateId, World};
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
    /// The relation of two different powers in [−1, 1] (docs/model.md §9), symmetric: the
    /// driver sets both `relation_pq` and `relation_qp`.
    Relation(PowerId, PowerId),
}

impl DriverTarget {
    /// The level of the target in `world`: the value its path starts from and that `scale`
    /// and `add` points are resolved against. A tie the world does not list has level 0.
    ///
    /// # Panics
    ///
    /// If an id of the target is not in `world` ([`crate::Scenario::add_driver`] checks them).
    pub fn level(self, world: &World) -> f64 {
        match self {
            DriverTarget::Capacity(p) => world.powers()[p.index()].capacity,
            DriverTarget::Coercion(p) => world.powers()[p.index()].coercion,
            DriverTarget::Delivery(p, k) => world.powers()[p.index()].delivery[k.index()],
            DriverTarget::Credibility(i) => world.institutions()[i.index()].credibility,
            DriverTarget::Tie(s, p, k) => {
                world.ties[tie_index(world.powers().len(), s.index(), p.index(), k.index())]
            }
            DriverTarget::Relation(p, q) => {
                world.agency().relations[p.index() * world.powers().len() + q.index()]
            }
        }
    }
}

/// How a path point gives its value: absolutely, or relative to the level the path starts
/// from.
///
/// An absolute point serialises as the bare number, as points did before relative ones
/// existed, so a scenario without relative points keeps its ensemble fingerprint.
///
/// # Examples
///
/// ```
/// use geoalign::sim::drivers::PointValue;
/// assert_eq!(PointValue::Absolute(0.4).resolve(0.8), 0.4);
/// assert_eq!(PointValue::Scale { scale: 0.5 }.resolve(0.8), 0.4);
/// assert_eq!(PointValue::Add { add: -0.25 }.resolve(0.75), 0.5);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum PointValue {
    /// This value, whatever the start level (`value = v` in a file).
    Absolute(f64),
    /// The start level times `scale` (`scale = f`): "−15 % by 2030" is `scale = 0.85`.
    Scale {
        /// The factor.
        scale: f64,
    },
    /// The start level plus `add` (`add = d`): "0.1 less by 2035" is `add = -0.1`.
    Add {
        /// The offset.
        add: f64,
    },
}

impl PointValue {
    /// The point's value on a path that starts from `level`.
    pub fn resolve(self, level: f64) -> f64 {
        match self {
            PointValue::Absolute(value) => value,
            PointValue::Scale { scale } => level * scale,
            PointValue::Add { add } => level + add,
        }
    }

    /// The number as written: the value, the factor or the offset.
    pub fn number(self) -> f64 {
        match self {
            PointValue::Absolute(value) => value,
            PointValue::Scale { scale } => scale,
            PointValue::Add { add } => add,
        }
    }

    /// The key a scenario file writes it with: `value`, `scale` or `add`.
    pub fn key(self) -> &'static str {
        match self {
            PointValue::Absolute(_) => "value",
            PointValue::Scale { .. } => "scale",
            PointValue::Add { .. } => "add",
        }
    }
}

/// A piecewise-linear path in months since the scenario start.
///
/// The path starts from the world's own value at month 0 (its *level*) unless its first point
/// is at month 0; it is linear between points and holds its last value after the last point.
/// Each point is resolved against the level first ([`PointValue::resolve`]).
///
/// # Examples
///
/// ```
/// use geoalign::sim::drivers::{Path, PointValue};
/// let path = Path::new(vec![(12, 0.5), (24, 0.7)]);
/// assert_eq!(path.value_at(0, 1.0), 1.0); // the world's value at the start
/// assert!((path.value_at(6, 1.0) - 0.75).abs() < 1e-12);
/// assert_eq!(path.value_at(12, 1.0), 0.5);
/// assert!((path.value_at(18, 1.0) - 0.6).abs() < 1e-12);
/// assert_eq!(path.value_at(100, 1.0), 0.7);
///
/// // −15 % by month 60, whatever the level it starts from:
/// let decline = Path::from_points(vec![(60, PointValue::Scale { scale: 0.85 })]);
/// assert_eq!(decline.value_at(60, 1.0), 0.85);
/// assert_eq!(decline.value_at(60, 0.4), 0.4 * 0.85);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Path {
    points: Vec<(u32, PointValue)>,
}

impl Path {
    /// A path through absolute `points` (month, value); months must be strictly increasing,
    /// which [`crate::Scenario::add_driver`] checks (for files and code alike).
    pub fn new(points: Vec<(u32, f64)>) -> Self {
        Path {
            points: points
                .into_iter()
                .map(|(m, v)| (m, PointValue::Absolute(v)))
                .collect(),
        }
    }

    /// A path through `points` (month, absolute or relative value), under the same rules as
    /// [`Path::new`].
    pub fn from_points(points: Vec<(u32, PointValue)>) -> Self {
        Path { points }
    }

    /// The points of the path, as given.
    pub fn points(&self) -> &[(u32, PointValue)] {
        &self.points
    }

    /// Value at `month`, with `start` the world's own value at month 0 (the level relative
    /// points are resolved against).
    pub fn value_at(&self, month: u32, start: f64) -> f64 {
        let mut prev = (0u32, start);
        for &(m, point) in &self.points {
            let v = point.resolve(start);
            if month < m {
                let span = f64::from(m - prev.0);
                let t = f64::from(month - prev.0) / span;
                return prev.1 + t * (v - prev.1);
            }
            prev = (m, v);
        }
        prev.1
    }

    /// Whether the path ever takes a value other than `start` (its level) up to `steps`.
    pub fn moves_from(&self, start: f64, steps: u32) -> bool {
        self.points
            .iter()
            .any(|&(m, p)| m <= steps && p.resolve(start) != start)
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
                // A relation in a world where no power acts has no slot; its track is never
                // applied (the loader warns of such a driver), so any start value serves.
                let base = slot(&mut probe, powers, d.target).map_or(0.0, |x| *x);
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
            if let Some(x) = slot(rs, self.powers, *target) {
                *x = v;
            }
            // A relation is symmetric: its mirror follows.
            if let DriverTarget::Relation(p, q) = *target {
                if let Some(x) = slot(rs, self.powers, DriverTarget::Relation(q, p)) {
                    *x = v;
                }
            }
        }
    }
}

/// The run-state number a target drives; `None` for a relation in a run where no power acts
/// (the run then carries no relations, since nothing reads them).
fn slot(rs: &mut RunState, powers: usize, target: DriverTarget) -> Option<&mut f64> {
    Some(match target {
        DriverTarget::Capacity(p) => &mut rs.capacity[p.index()],
        DriverTarget::Coercion(p) => &mut rs.coercion[p.index()],
        DriverTarget::Delivery(p, k) => &mut rs.delivery[p.index() * Channel::COUNT + k.index()],
        DriverTarget::Credibility(i) => &mut rs.credibility[i.index()],
        DriverTarget::Tie(s, p, k) => {
            &mut rs.ties[tie_index(powers, s.index(), p.index(), k.index())]
        }
        DriverTarget::Relation(p, q) => {
            return rs.powers.relations.get_mut(p.index() * powers + q.index())
        }
    })
}
