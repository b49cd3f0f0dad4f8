//! # geoalign
//!
//! Simulates the geopolitical alignment of small and middle states (Armenia, Azerbaijan,
//! Belarus, Georgia, Kazakhstan, Kyrgyzstan, Tajikistan, Turkmenistan, Uzbekistan, …) pulled
//! between great powers (Russia, China, the US, the EU, Türkiye, Iran) through influence
//! channels — trade, remittances, security, energy, investment, labour, culture, media —
//! stepped forward month by month under scenarios such as the three futures of the CSTO.
//!
//! ```
//! use geoalign::{Simulation, Trajectory};
//!
//! // The embedded Eurasia 2025 world: no file needed.
//! let sim = Simulation::new(geoalign::worlds::eurasia_2025());
//! let trajectory = sim.trajectory(0).unwrap();
//!
//! let kz = trajectory.state_index("Kazakhstan").unwrap();
//! let end = trajectory.alignment_of(trajectory.len() - 1, kz);
//! // Each alignment is a point of the simplex over the powers plus autonomy.
//! assert!((end.iter().sum::<f64>() - 1.0).abs() < 1e-12);
//! ```
//!
//! Outputs are what the model implies under the scenario's assumptions, not forecasts: every
//! default number is sourced in the scenario file beside it, and every modelling judgement is
//! labelled as one.
//!
//! ## Architecture
//!
//! * [`world`] — powers, states, institutions and the dense ties `x[state, power, channel]`.
//! * [`dynamics`] — one step of the alignment dynamics; its docs give the update rule.
//! * [`drivers`] — piecewise-linear time paths on capacity, delivery, credibility and ties.
//! * [`events`] — war drain, sanctions, remittance shocks, unrest and the intervention
//!   decision, appeals, border clashes, diplomatic crises and external offers.
//! * [`scenario`] — TOML scenario files (`extends`, validation, located errors).
//! * [`engine`] — [`Simulation`] runs a scenario and feeds a [`Recorder`]; [`Trajectory`] keeps
//!   a run's history.
//! * [`worlds`] — the embedded default world, Eurasia 2025, and the three CSTO futures.
//! * [`ensemble`] — Monte Carlo [`Ensemble`]s on a local thread pool, streaming mergeable
//!   [`ensemble::Summary`]s (mean, sd, quantiles), the [`CstoFuture`] classifier with Wilson
//!   intervals, and shards for batch clusters.
//! * [`sensitivity`] — Morris elementary effects and Sobol indices (Saltelli sampling) over
//!   named scenario parameters.
//! * [`output`] (feature `output`, on by default) — tidy CSV, a JSON summary and SVG charts of
//!   a summary; it depends on the core, never the reverse.
//! * [`friedkin_johnsen`] — the Friedkin–Johnsen and DeGroot opinion models as a standalone
//!   solver (iteration, closed-form fixed point), and how geoalign's update relates to them.
//! * [`landscape`] — Axelrod and Bennett's landscape theory of aggregation: exhaustive
//!   enumeration, local minima with their basins, sequential dynamics, and sizes and
//!   propensities derived from a world.
//! * [`similarity`] — Signorino–Ritter S, Cohen's κ and Scott's π (Häge 2011), Kendall's τ_b,
//!   and the similarity matrix over all states of a run at any step.
//!
//! ## Determinism
//!
//! A run's only randomness is two ChaCha8 streams of the scenario seed: [`run_rng`]`(seed, run)`
//! seeds the dynamics' noise generator ([`engine::noise_rng`], Xoshiro256++) and
//! [`event_rng`]`(seed, run)` drives the events. The same scenario, seed and run index give
//! bit-identical results on any machine and any thread count.

#![forbid(unsafe_code)]
// A scenario error is returned once per load, never on a hot path, and users match on its
// variants: boxing it to shrink the `Result` would cost them ergonomics for no speed.
#![allow(clippy::result_large_err)]
#![warn(missing_docs)]

pub mod drivers;
pub mod dynamics;
pub mod engine;
pub mod ensemble;
pub mod events;
pub mod friedkin_johnsen;
pub mod landscape;
#[cfg(feature = "output")]
pub mod output;
pub mod scenario;
pub mod sensitivity;
pub mod similarity;
pub mod world;
pub mod worlds;

pub use drivers::{Driver, DriverTarget, Path};
pub use dynamics::RunState;
pub use engine::{event_rng, run_rng, Discard, Recorder, SimError, Simulation, Trajectory};
pub use ensemble::{CstoFuture, Ensemble};
pub use events::{Event, EventParameters, LoggedEvent};
pub use scenario::{Problem, Scenario, ScenarioError, YearMonth};
pub use world::{
    Channel, Disposition, DispositionParams, Institution, InstitutionId, Parameters, Participation,
    Power, PowerId, State, StateId, World, WorldBuilder, WorldError,
};
