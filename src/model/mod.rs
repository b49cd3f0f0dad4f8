//! The world: powers, states, institutions and the dense tie array between them.
//!
//! A [`World`] is data only. It is built (and validated) by the scenario loader
//! ([`crate::Scenario`]) or in code by a [`WorldBuilder`]; the engine copies what moves during a run into a
//! [`crate::sim::RunState`] and leaves the world untouched.

mod agency;
pub(crate) mod bounds;
mod builder;
mod calendar;
mod channel;
mod choice;
mod event_parameters;
pub mod names;
mod warning;

pub use agency::{Agency, AgencyParameters};
pub use bounds::SIMPLEX_TOLERANCE;
pub use builder::{Entity, WorldBuilder, WorldError};
pub use calendar::{BadYearMonth, YearMonth};
pub use channel::{Channel, PerChannel};
pub use choice::{Camp, Responsiveness};
pub use event_parameters::EventParameters;
pub use warning::{Warning, WarningKind};

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub struct $name(pub u32);

        impl From<$name> for u32 {
            fn from(id: $name) -> u32 {
                id.0
            }
        }

        impl $name {
            /// The id as an index into the world's dense arrays.
            pub const fn index(self) -> usize {
                self.0 as usize
            }
        }
    };
}

/// The name of the last alignment component of every state: the share aligned with no power.
/// Reserved: no power may take it, and files write a state's autonomy share under it.
pub const AUTONOMY: &str = "autonomy";

typed_id!(
    /// Index of a power in [`World::powers`], resolved once from its name at load time.
    PowerId
);
typed_id!(
    /// Index of a state in [`World::states`], resolved once from its name at load time.
    StateId
);
typed_id!(
    /// Index of an institution in [`World::institutions`], resolved once from its name.
    InstitutionId
);

/// A small state's strategy toward threatening powers (seed 002's (docs/sources.md) Spykman, balancing and
/// bandwagoning discussion). It sets how threat enters the state's choice and how sharply the
/// state concentrates its alignment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Disposition {
    /// Comes under the wing of the threatening power (threat attracts).
    Bandwagon = 0,
    /// Allies with others against the threatening power (threat repels).
    Balance = 1,
    /// Multi-vector: small threat response, spread-out alignment.
    Hedge = 2,
    /// Permanent neutrality (Turkmenistan): large aversion to any single dependence.
    Neutral = 3,
}

impl Disposition {
    /// All dispositions in index order.
    pub const ALL: [Disposition; 4] = [
        Disposition::Bandwagon,
        Disposition::Balance,
        Disposition::Hedge,
        Disposition::Neutral,
    ];

    /// Index into per-disposition arrays.
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The name as written in scenario files.
    pub const fn name(self) -> &'static str {
        match self {
            Disposition::Bandwagon => "bandwagon",
            Disposition::Balance => "balance",
            Disposition::Hedge => "hedge",
            Disposition::Neutral => "neutral",
        }
    }
}

impl fmt::Display for Disposition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A member's participation in an institution.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Participation {
    /// Takes part fully; the institution's channels and peers count for it.
    Active,
    /// Formally a member but frozen (Armenia in the CSTO since February 2024).
    Suspended,
    /// Has left.
    Exited,
    /// Listed so that it can join during a run (a `join` event), but not a member yet: gets
    /// nothing of the institution's channels, is no peer, and is not counted in its cohesion.
    Outside,
}

impl Participation {
    /// Weight of the member in the institution's channels and cohesion: 1 when active, else 0.
    pub const fn weight(self) -> f64 {
        match self {
            Participation::Active => 1.0,
            Participation::Suspended | Participation::Exited | Participation::Outside => 0.0,
        }
    }

    /// The name as written in scenario files.
    pub const fn name(self) -> &'static str {
        match self {
            Participation::Active => "active",
            Participation::Suspended => "suspended",
            Participation::Exited => "exited",
            Participation::Outside => "outside",
        }
    }
}

impl fmt::Display for Participation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An actor that exerts pull (Russia, China, the US, the EU, Türkiye, Iran, …).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Power {
    /// Name as written in the scenario.
    pub name: String,
    /// Projection capacity index `g_p`; 1.0 is the power's own level at the scenario start.
    pub capacity: f64,
    /// Readiness to coerce neighbours, in [0, 1]; scales the threat the power poses.
    pub coercion: f64,
    /// Delivery factor `d_pk` per channel, in [0, 1].
    pub delivery: PerChannel,
}

/// How a state's disposition shapes its choice (docs/model.md §2).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct DispositionParams {
    /// `s_i`: sign and strength of threat in the utility (bandwagon > 0, balance < 0).
    pub threat_weight: f64,
    /// `τ_i`: softmax temperature (> 0); high spreads the target, low concentrates it.
    pub temperature: f64,
    /// `ψ_i` in [0, 1]: how much of the strongest single dependence is also credited to
    /// autonomy (the cost of dependence; near 1 for a neutral state).
    pub dependence_aversion: f64,
}

/// A small or middle state whose alignment moves.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct State {
    /// Name as written in the scenario.
    pub name: String,
    /// Small-state strategy.
    pub disposition: Disposition,
    /// Effective disposition parameters (world default for the disposition, or the state's
    /// own override).
    pub response: DispositionParams,
    /// `η_i` in [0, 1]: share of the gap to the target closed per step.
    pub inertia: f64,
    /// `γ_i` in [0, 1]: Friedkin–Johnsen pull back toward the initial alignment.
    pub stubbornness: f64,
    /// Regime fragility in [0, 1] (monthly hazard scale of unrest).
    pub fragility: f64,
    /// A fixed point: its alignment and ties never move.
    pub fixed: bool,
    /// Salience weights `w_ik` over channels, summing to 1.
    pub salience: PerChannel,
    /// Initial alignment over the powers, then autonomy last; sums to 1.
    pub alignment: Vec<f64>,
    /// Proximity to each power in [0, 1] (1 = shared land border).
    pub proximity: Vec<f64>,
    /// Population share of each power's co-ethnic minority, in [0, 1].
    pub coethnic: Vec<f64>,
}

/// A bloc (CSTO, EAEU, SCO, …) that carries some of its leader's channels to its members.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Institution {
    /// Name as written in the scenario.
    pub name: String,
    /// The leading power, if any.
    pub leader: Option<PowerId>,
    /// Initial credibility in [0, 1].
    pub credibility: f64,
    /// `β_Ik`: share of the leader's tie on each channel that runs through the institution.
    pub carries: PerChannel,
    /// Members with their initial participation.
    pub members: Vec<(StateId, Participation)>,
    /// Unanswered security appeals each member has made before the start (member order);
    /// more move it toward suspension and exit (see [`crate::sim::events`]).
    pub unanswered: Vec<u32>,
}

/// World-wide dynamics parameters. Each default has its reason beside it in the embedded
/// world's `[parameters]` (`scenarios/eurasia-2025.toml`) and in `EventParameters::default`;
/// docs/model.md §7 lists them all.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Parameters {
    /// Scale `h` in [0, 0.5] of the monthly mean-preserving alignment perturbation.
    pub noise: f64,
    /// `π`: weight of fellow active bloc members' mean alignment in the utility.
    pub peer_weight: f64,
    /// `λ`: a co-ethnic minority share `m` multiplies the threat by `1 + λ m`.
    pub coethnic_leverage: f64,
    /// Monthly rate at which each channel's ties drift toward the alignment (0 = none).
    pub feedback: PerChannel,
    /// Per-disposition defaults, indexed by [`Disposition::index`].
    pub dispositions: [DispositionParams; 4],
    /// Fit per-state utility constants so that the first target equals the initial alignment.
    pub calibrate_intercepts: bool,
    /// Parameters of the events (hazards, the intervention decision, effect sizes).
    pub events: crate::model::EventParameters,
    /// Camps of powers for the nested logit (docs/model.md §10.1); none is the plain logit.
    /// Not serialised when empty, so the fingerprint of a scenario without camps is unchanged.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub camps: Vec<Camp>,
    /// Responsiveness from circumstances (docs/model.md §10.2–§10.3); off by default.
    #[serde(skip_serializing_if = "Responsiveness::is_off")]
    pub responsiveness: Responsiveness,
}

/// The world at the scenario start: everything the engine needs, with names resolved to ids.
///
/// The only way to one is [`World::builder`] (or [`World::to_builder`]), which checks every
/// value; a world is serialised (the ensemble fingerprints a scenario) but never deserialised
/// around those checks.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct World {
    pub(crate) powers: Vec<Power>,
    pub(crate) states: Vec<State>,
    pub(crate) institutions: Vec<Institution>,
    /// Dense ties `x[state, power, channel]` at index `(state * P + power) * K + channel`.
    pub(crate) ties: Vec<f64>,
    pub(crate) parameters: Parameters,
    /// What the powers that act are given (docs/model.md §9); left out of the serialised
    /// world when nothing is declared, so an old scenario's fingerprint does not move.
    #[serde(skip_serializing_if = "Agency::is_default")]
    pub(crate) agency: Agency,
}

impl World {
    /// The powers' budgets, priorities and relations (docs/model.md §9).
    ///
    /// # Examples
    ///
    /// ```
    /// let scenario = geoalign::presets::eurasia_2025();
    /// let world = scenario.world();
    /// let russia = world.power_id("Russia").unwrap();
    /// assert!(world.agency().budgets[russia.index()] > 0.0);
    /// ```
    pub fn agency(&self) -> &Agency {
        &self.agency
    }

    /// The powers, in id order.
    pub fn powers(&self) -> &[Power] {
        &self.powers
    }

    /// The states, in id order.
    pub fn states(&self) -> &[State] {
        &self.states
    }

    /// The institutions, in id order.
    pub fn institutions(&self) -> &[Institution] {
        &self.institutions
    }

    /// The world-wide dynamics parameters.
    pub fn parameters(&self) -> &Parameters {
        &self.parameters
    }

    /// Number of alignment components per state: one per power, plus autonomy (last).
    pub fn components(&self) -> usize {
        self.powers.len() + 1
    }

    /// The dense tie array, laid out as `(state * powers + power) * channels + channel`.
    pub fn ties(&self) -> &[f64] {
        &self.ties
    }

    /// The tie `x[state, power, channel]`.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::Channel;
    /// let world = geoalign::presets::eurasia_2025().world().clone();
    /// let tajikistan = world.state_id("Tajikistan").unwrap();
    /// let russia = world.power_id("Russia").unwrap();
    /// // Seed 002 (docs/sources.md): remittances are over 30 % of Tajikistan's GDP, nearly all from Russia.
    /// assert!(world.tie(tajikistan, russia, Channel::Remittances) >= 0.25);
    /// ```
    pub fn tie(&self, state: StateId, power: PowerId, channel: Channel) -> f64 {
        self.ties[tie_index(
            self.powers.len(),
            state.index(),
            power.index(),
            channel.index(),
        )]
    }

    /// The id of the power with this name, if any.
    pub fn power_id(&self, name: &str) -> Option<PowerId> {
        position(self.powers.iter().map(|p| p.name.as_str()), name).map(PowerId)
    }

    /// The id of the state with this name, if any.
    pub fn state_id(&self, name: &str) -> Option<StateId> {
        position(self.states.iter().map(|s| s.name.as_str()), name).map(StateId)
    }

    /// The id of the institution with this name, if any.
    pub fn institution_id(&self, name: &str) -> Option<InstitutionId> {
        position(self.institutions.iter().map(|s| s.name.as_str()), name).map(InstitutionId)
    }

    /// Every power's id, in id order.
    pub fn power_ids(&self) -> impl Iterator<Item = PowerId> {
        (0..self.powers.len() as u32).map(PowerId)
    }

    /// Every state's id, in id order.
    pub fn state_ids(&self) -> impl Iterator<Item = StateId> {
        (0..self.states.len() as u32).map(StateId)
    }

    /// Every institution's id, in id order.
    ///
    /// # Examples
    ///
    /// ```
    /// let scenario = geoalign::presets::eurasia_2025();
    /// let world = scenario.world();
    /// let csto = world.institution_id("CSTO").unwrap();
    /// assert!(world.institution_ids().any(|i| i == csto));
    /// ```
    pub fn institution_ids(&self) -> impl Iterator<Item = InstitutionId> {
        (0..self.institutions.len() as u32).map(InstitutionId)
    }
}

/// Position of `name` among `names`, as the number of an id.
pub(crate) fn position<'a>(mut names: impl Iterator<Item = &'a str>, name: &str) -> Option<u32> {
    names
        .position(|n| n == name)
        .and_then(|i| u32::try_from(i).ok())
}

/// Flat index of `x[state, power, channel]` in a world with `powers` powers.
#[inline]
pub(crate) const fn tie_index(powers: usize, state: usize, power: usize, channel: usize) -> usize {
    (state * powers + power) * Channel::COUNT + channel
}

impl Default for DispositionParams {
    /// The hedge response: the disposition of most of the region's states (seed 002 (docs/sources.md): the
    /// Central Asian republics' multi-vector "tightrope").
    fn default() -> Self {
        Parameters::default().dispositions[Disposition::Hedge.index()]
    }
}

impl Default for Parameters {
    /// Defaults used when a scenario leaves a parameter out; each is a modelling judgement
    /// whose reason is written beside it (utilities are on a 0–1 scale: a channel pull is at
    /// most 1).
    fn default() -> Self {
        Parameters {
            // h = 0.03: a share moves by about ±1.5 % of itself in a month (sd of z − z̄ ≈ 0.5);
            // small beside a decade of drivers, large enough that ensembles have a spread.
            noise: 0.03,
            // π = 0.2: fellow bloc members' alignment counts, but at a fifth of the largest
            // possible channel pull, so a state's own dependencies dominate (docs/model.md §2).
            peer_weight: 0.2,
            // λ = 2: Kazakhstan's Russian minority (15.5 %, 2021 census) raises Russia's threat
            // by 31 %, reflecting seed 002's (docs/sources.md) point that Russian minorities give
            // the Kremlin a pretext.
            coethnic_leverage: 2.0,
            // Only trade follows politics by default (docs/model.md §2.4), at 0.5 % of the gap per
            // month (≈ 6 % a year): trade re-routes over years — seed 002's (docs/sources.md) KZ–RU turnover grew
            // 1.5× in four years.
            feedback: [0.005, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
            dispositions: [
                // Bandwagon (Belarus): threat attracts (Walt 1987; seed 002 (docs/sources.md):
                // sheltering behind a great power); low temperature concentrates; no aversion to
                // dependence.
                DispositionParams {
                    threat_weight: 0.3,
                    temperature: 0.1,
                    dependence_aversion: 0.0,
                },
                // Balance: threat repels, a little more strongly than bandwagoning attracts,
                // since balancing is the more common response (Walt 1987).
                DispositionParams {
                    threat_weight: -0.4,
                    temperature: 0.15,
                    dependence_aversion: 0.2,
                },
                // Hedge (multi-vector): a small threat response, a high temperature that keeps
                // the alignment spread, and a strong wish not to depend on one power (seed 002 (docs/sources.md)).
                DispositionParams {
                    threat_weight: -0.15,
                    temperature: 0.25,
                    dependence_aversion: 0.4,
                },
                // Neutral (Turkmenistan's permanent neutrality, seed 002 (docs/sources.md)): no threat response,
                // the highest temperature, and nearly all of any dependence is offset by the
                // value of autonomy.
                DispositionParams {
                    threat_weight: 0.0,
                    temperature: 0.4,
                    dependence_aversion: 0.9,
                },
            ],
            // Start at rest: the first target equals the observed alignment (see
            // `crate::sim::dynamics`), so movement comes from change, not from calibration error.
            calibrate_intercepts: true,
            // Each event parameter has its reason beside its default.
            events: crate::model::EventParameters::default(),
            // No camps: every power is its own nest (the plain logit). Camps are a judgement
            // about a particular world, declared in its scenario (docs/model.md §10.1).
            camps: Vec::new(),
            // Off: each weight's judged value is set, with its reason, in the embedded world.
            responsiveness: Responsiveness::default(),
        }
    }
}
