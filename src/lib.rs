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
//! let sim = Simulation::new(geoalign::presets::eurasia_2025());
//! let trajectory = sim.trajectory(0).unwrap();
//!
//! let kz = trajectory.state_id("Kazakhstan").unwrap();
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
//! Layers point one way: each imports only the layers above it in this list.
//!
//! * [`model`] — the world as data: typed ids, [`Channel`]s, powers, states, institutions,
//!   the dense ties `x[state, power, channel]`, world parameters, their bounds, and the
//!   [`WorldBuilder`], the one checked way to a [`World`].
//! * [`sim`] — one run: the [`RunState`], the monthly [`sim::dynamics`], time paths
//!   ([`sim::drivers`]), [`sim::events`] with the intervention decision, the [`Scenario`] with
//!   its checked drivers and events, the random streams, and the [`Simulation`] engine that
//!   hands each step to a [`Recorder`] ([`Trajectory`] keeps a run's history).
//! * [`scenario_file`] — TOML scenario files (`extends`, located errors): the raw file is
//!   turned into builder and scenario calls, and their errors are mapped back to file, line and
//!   key path.
//! * [`presets`] — the embedded Eurasia 2025 world, the three CSTO futures, and synthetic
//!   worlds for benchmarks.
//! * [`analysis`] — Monte Carlo [`Ensemble`]s with streaming mergeable summaries and shards,
//!   [`Outcome`]s that classify runs (the CSTO futures are one), Morris and Sobol sensitivity, and
//!   similarity measures between states.
//! * [`classic`] — the field's standard models beside the dynamics: Friedkin–Johnsen
//!   (DeGroot as a special case) and Axelrod–Bennett landscape theory.
//! * [`output`] (feature `output`, on by default) — tidy CSV, a JSON summary and SVG charts of
//!   a summary; it depends on the core, never the reverse. The `geoalign` binary (feature
//!   `cli`) sits on top.
//!
//! ## Determinism
//!
//! A run's only randomness is two ChaCha8 streams of the scenario seed: [`run_rng`]`(seed, run)`
//! seeds the dynamics' noise generator ([`sim::noise_rng`], Xoshiro256++) and
//! [`event_rng`]`(seed, run)` drives the events. The same scenario, seed and run index give
//! bit-identical results on any machine and any thread count. An ensemble over a posterior
//! sample of parameters draws each run's particle from a third stream,
//! [`sim::posterior_rng`]`(seed, run)`, which moves neither of the others.

#![forbid(unsafe_code)]
// A scenario error is returned once per load, never on a hot path, and users match on its
// variants: boxing it to shrink the `Result` would cost them ergonomics for no speed.
#![allow(clippy::result_large_err)]
#![warn(missing_docs)]

pub mod analysis;
pub mod classic;
pub mod files;
pub mod model;
#[cfg(feature = "output")]
pub mod output;
pub mod presets;
pub mod scenario_file;
pub mod sim;

pub use analysis::ensemble::Ensemble;
pub use analysis::outcome::{CstoFuture, Outcome};
pub use model::{
    Agency, AgencyParameters, Camp, Channel, Disposition, DispositionParams, EventParameters,
    Institution, InstitutionId, Parameters, Participation, Power, PowerId, Responsiveness, State,
    StateId, Warning, WarningKind, World, WorldBuilder, WorldError, YearMonth,
};
pub use scenario_file::{Loaded, Problem, ScenarioError};
pub use sim::drivers::{Driver, DriverTarget};
pub use sim::events::{Event, LoggedEvent};
pub use sim::{
    event_rng, run_rng, Discard, PowerActions, Punishment, Recorder, RunState, Scenario,
    ScenarioBuilder, ScenarioRuleError, SimError, Simulation, Trajectory,
};
