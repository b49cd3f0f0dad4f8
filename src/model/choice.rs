//! How states choose beyond the plain logit: camps of powers (a nested logit, docs/model.md
//! §10.1) and responsiveness set by a state's circumstances (§10.2–§10.3).

use super::PowerId;
use serde::{Deserialize, Serialize};

/// A camp: powers whose offers a state treats as close substitutes, so that a share one of
/// them loses goes first to the others of the camp (a nest of the nested logit, Train,
/// *Discrete Choice Methods with Simulation*, 2009, ch. 4). A power in no camp, and autonomy,
/// are nests of their own.
///
/// # Examples
///
/// ```
/// use geoalign::{Camp, Disposition, Parameters, Power, PowerId, State, World};
/// let world = World::builder()
///     .power(Power::new("USA"))
///     .power(Power::new("EU"))
///     .power(Power::new("Russia"))
///     .state(State::new("S", Disposition::Hedge, vec![0.2, 0.2, 0.3, 0.3]))
///     .parameters(Parameters {
///         camps: vec![Camp::new("West", vec![PowerId(0), PowerId(1)], 0.5)],
///         ..Parameters::default()
///     })
///     .build()
///     .unwrap();
/// assert_eq!(world.parameters().camps[0].nesting, 0.5);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Camp {
    /// Name as written in the scenario (`[camps.NAME]`).
    pub name: String,
    /// Its powers, each in no other camp.
    pub powers: Vec<PowerId>,
    /// `λ` in (0, 1]: 1 is no nesting (plain logit); toward 0 the camp's powers become
    /// perfect substitutes. `1 − λ²` approximates the correlation of the unobserved parts of
    /// their utilities (Train 2009, §4.2).
    pub nesting: f64,
}

impl Camp {
    /// A camp of `powers` with nesting parameter `nesting`.
    pub fn new(name: impl Into<String>, powers: Vec<PowerId>, nesting: f64) -> Camp {
        Camp {
            name: name.into(),
            powers,
            nesting,
        }
    }
}

/// How a state's circumstances set its responsiveness (docs/model.md §10.2–§10.3). Every
/// weight 0 is off: the numbers are those of a model without it, bit for bit.
///
/// A scenario sets them under `[parameters.responsiveness]`.
///
/// # Examples
///
/// ```
/// use geoalign::Responsiveness;
/// let off = Responsiveness::default();
/// assert!(off.is_off());
/// assert!(!Responsiveness { lock_in: 2.0, ..off }.is_off());
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Responsiveness {
    /// `κ ≥ 0`: the temperature of a state is `τ_i (1 − L_i)^{−κ}` (at most 10⁶ times
    /// `τ_i`), with `L_i ∈ [0, 1]` its lock-in at the baseline's start (dependence on its
    /// largest patron times that patron's share of all powers' ties). A state answers a change
    /// of utility in proportion to the room its dependence leaves it, `(1 − L_i)^κ`: a
    /// locked-in state has nowhere to go, and one with no room left (`L_i = 1`) does not move.
    pub lock_in: f64,
    /// `ζ ≥ 0`: a power's utility gains `ζ · (fragility + regime threat) · security pull`; a
    /// fragile or threatened regime values its security patron more.
    pub regime_security: f64,
    /// Half-life, in months, of the regime threat an unrest event leaves (its severity).
    pub regime_threat_half_life: f64,
}

impl Default for Responsiveness {
    /// Both mechanisms off (the numbers of a model without them). The half-life only matters
    /// when `regime_security` is on: 6 months, since a regime shaken by unrest (Kazakhstan,
    /// January 2022, seed 001 (docs/sources.md)) purged and rebuilt its security services
    /// within the year, after which the threat is a memory more than a danger.
    fn default() -> Self {
        Responsiveness {
            lock_in: 0.0,
            regime_security: 0.0,
            regime_threat_half_life: 6.0,
        }
    }
}

impl Responsiveness {
    /// Whether both mechanisms are off (then nothing of this is serialised, so the fingerprint
    /// of a scenario that does not use them is unchanged).
    pub fn is_off(&self) -> bool {
        self.lock_in == 0.0 && self.regime_security == 0.0
    }

    /// Every real parameter with its name and allowed range, for validation.
    pub(crate) fn ranges(&self) -> [(&'static str, f64, f64, f64); 3] {
        [
            // κ = 100 already makes a fully locked-in state a hundred times less responsive.
            ("lock_in", self.lock_in, 0.0, 100.0),
            // A utility is on a 0–1 scale; ζ beyond 10 would swamp every other term.
            ("regime_security", self.regime_security, 0.0, 10.0),
            (
                "regime_threat_half_life",
                self.regime_threat_half_life,
                0.1,
                1e6,
            ),
        ]
    }
}
