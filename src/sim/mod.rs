//! The simulation: run state, the monthly dynamics, drivers, events and the engine that steps a
//! [`Scenario`] forward and hands each step to a [`Recorder`].
//!
//! This layer reads the model ([`crate::model`]) and nothing above it: the file format, the
//! presets, analysis and output all sit on top.

pub(crate) mod circumstances;
pub mod drivers;
pub mod dynamics;
pub mod engine;
pub mod events;
#[doc(hidden)]
pub mod lanes;
pub(crate) mod nested;
pub mod outcome;
pub mod powers;
pub mod record;
pub mod rng;
pub mod scenario;
pub mod state;

pub use engine::{SimError, Simulation};
pub use record::{Discard, PowerActions, Punishment, Recorder, Trajectory};
pub use rng::{event_rng, noise_rng, posterior_rng, run_rng};
pub use scenario::{Scenario, ScenarioBuilder, ScenarioRuleError, MAX_STEPS};
pub use state::RunState;
