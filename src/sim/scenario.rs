//! A scenario: a world, drivers and events over a horizon, and a seed.

use crate::model::{World, YearMonth};
use crate::sim::drivers::Driver;
use crate::sim::events::{Hazard, ScheduledEvent};
use serde::{Deserialize, Serialize};

/// Longest horizon in steps: 10,000 years of months.
pub const MAX_STEPS: u32 = 120_000;

/// A validated scenario: the world, its drivers, horizon and seed.
///
/// # Examples
///
/// ```
/// let scenario = geoalign::presets::eurasia_2025();
/// assert_eq!(scenario.name, "Eurasia 2025");
/// assert_eq!(scenario.start.to_string(), "2025-01");
/// assert!(scenario.world.state_id("Kazakhstan").is_some());
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    /// Name of the scenario.
    pub name: String,
    /// Free-text description.
    pub description: String,
    /// Seed of every ChaCha stream of the scenario's runs.
    pub seed: u64,
    /// The month of step 0.
    pub start: YearMonth,
    /// Number of steps (months) to run.
    pub steps: u32,
    /// The world at the start.
    pub world: World,
    /// Time paths over the horizon.
    pub drivers: Vec<Driver>,
    /// Events fixed to a step, in file order.
    pub events: Vec<ScheduledEvent>,
    /// Events left to a monthly hazard.
    pub hazards: Vec<Hazard>,
}

impl Scenario {
    /// The date of step `step`.
    pub fn date_of(&self, step: u32) -> YearMonth {
        self.start.add_months(step)
    }
}
