//! Scenarios: a world, drivers over time, a horizon and a seed, read from TOML files.
//!
//! The format is described in `scenarios/README.md`. Loading is in two passes: each file is
//! first deserialised on its own (so unknown keys and wrong types are reported with their
//! line), then the `extends` chain is merged key by key and the result is validated; a rule
//! broken by the merged scenario is reported in the file and at the line that set the value.
//!
//! Bounds that keep any input from exhausting the machine: a file is at most
//! [`MAX_FILE_BYTES`], an `extends` chain at most [`MAX_EXTENDS_DEPTH`] files, nesting at most
//! [`MAX_NESTING`] levels, and a horizon at most [`MAX_STEPS`] steps.

mod error;
mod load;
mod raw;
mod validate;

pub use error::{Problem, ScenarioError};

use crate::drivers::Driver;
use crate::events::{Hazard, ScheduledEvent};
use crate::world::World;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::Path;

/// Largest scenario file the loader reads: 8 MiB, some hundred times the Eurasia world file.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;
/// Longest `extends` chain the loader follows.
pub const MAX_EXTENDS_DEPTH: usize = 16;
/// Deepest nesting of arrays, inline tables and dotted keys: the bound of the TOML parser
/// itself (the `toml` crate refuses anything deeper before building it), which keeps any file
/// from exhausting the stack. The loader relies on it; `tests/bad_scenarios.rs` checks it.
pub const MAX_NESTING: usize = 80;
/// Longest horizon in steps: 10,000 years of months.
pub const MAX_STEPS: u32 = 120_000;

/// A month of the calendar, written `YYYY-MM` in scenario files.
///
/// # Examples
///
/// ```
/// use geoalign::YearMonth;
/// let start: YearMonth = "2025-01".parse().unwrap();
/// assert_eq!(start.add_months(120).to_string(), "2035-01");
/// assert_eq!("2035-01".parse::<YearMonth>().unwrap().months_since(start), 120);
/// assert!("2025-13".parse::<YearMonth>().is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct YearMonth {
    year: i32,
    month: u8,
}

impl YearMonth {
    /// The month `months` after this one.
    pub fn add_months(self, months: u32) -> YearMonth {
        let total = i64::from(self.year) * 12 + i64::from(self.month - 1) + i64::from(months);
        YearMonth {
            year: (total.div_euclid(12)) as i32,
            month: (total.rem_euclid(12) + 1) as u8,
        }
    }

    /// Months from `earlier` to this month (negative if this month is earlier).
    pub fn months_since(self, earlier: YearMonth) -> i64 {
        (i64::from(self.year) - i64::from(earlier.year)) * 12 + i64::from(self.month)
            - i64::from(earlier.month)
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month, 1 to 12.
    pub fn month(self) -> u8 {
        self.month
    }
}

/// The text is not a `YYYY-MM` date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a date of the form YYYY-MM")]
pub struct BadYearMonth(pub String);

impl std::str::FromStr for YearMonth {
    type Err = BadYearMonth;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadYearMonth(s.to_string());
        let bytes = s.as_bytes();
        if bytes.len() != 7 || bytes[4] != b'-' {
            return Err(bad());
        }
        let digits = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = &s[r];
            part.bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| part.parse().ok())
                .flatten()
        };
        let year = digits(0..4).ok_or_else(bad)?;
        let month = digits(5..7).ok_or_else(bad)?;
        if !(1..=12).contains(&month) || year == 0 {
            return Err(bad());
        }
        Ok(YearMonth {
            year: year as i32,
            month: month as u8,
        })
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// A validated scenario: the world, its drivers, horizon and seed.
///
/// # Examples
///
/// ```
/// let scenario = geoalign::worlds::eurasia_2025();
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
    /// Load and validate a scenario file and the chain of files it `extends`.
    ///
    /// Every refusal is a [`ScenarioError`] whose message is one line naming the file and the
    /// place: `file:line:column` for a syntax or type error (with the key path where the text
    /// parses), `file:line: \`key.path\`` for a rule of the model, and the base file for a
    /// flaw inherited through `extends`. No input can make the loader panic or hang: it reads
    /// at most [`MAX_FILE_BYTES`] (8 MiB; a larger file, pipe or device is refused with
    /// [`ScenarioError::TooLarge`] without being parsed), follows an `extends` chain of at most
    /// [`MAX_EXTENDS_DEPTH`] files ([`ScenarioError::ExtendsTooDeep`]) and no cycle
    /// ([`ScenarioError::ExtendsCycle`]), and relies on the TOML parser's own bound of
    /// [`MAX_NESTING`] levels of nested arrays, inline tables and dotted keys, which keeps
    /// parsing off the end of the stack. `tests/bad_scenarios/` holds a catalogue of malformed
    /// files and the error each gets.
    ///
    /// # Examples
    ///
    /// ```
    /// let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/csto-slow-decline.toml");
    /// let scenario = geoalign::Scenario::from_file(path).unwrap();
    /// assert!(!scenario.drivers.is_empty());
    /// ```
    pub fn from_file(path: impl AsRef<Path>) -> Result<Scenario, ScenarioError> {
        let merged = load::Merged::from_file(path.as_ref())?;
        validate::build(&merged)
    }

    /// Load and validate a scenario from text. `name` stands for the file in messages, and an
    /// `extends` path is resolved relative to its directory.
    ///
    /// # Examples
    ///
    /// ```
    /// let text = r#"
    /// name = "two powers, one state"
    /// seed = 7
    /// [horizon]
    /// start = "2025-01"
    /// steps = 12
    /// [powers.A]
    /// coercion = 0.5
    /// [powers.B]
    /// coercion = 0.1
    /// [states.S]
    /// disposition = "hedge"
    /// inertia = 0.05
    /// stubbornness = 0.3
    /// fragility = 0.1
    /// salience = { trade = 0.5, security = 0.5 }
    /// alignment = { A = 0.5, B = 0.3, autonomy = 0.2 }
    /// ties.A = { trade = 0.4, security = 0.6 }
    /// ties.B = { trade = 0.3 }
    /// "#;
    /// let scenario = geoalign::Scenario::from_toml_str(text, "example.toml").unwrap();
    /// assert_eq!(scenario.world.powers().len(), 2);
    /// ```
    pub fn from_toml_str(text: &str, name: impl AsRef<Path>) -> Result<Scenario, ScenarioError> {
        let merged = load::Merged::from_text(text, name.as_ref())?;
        validate::build(&merged)
    }

    /// The date of step `step`.
    pub fn date_of(&self, step: u32) -> YearMonth {
        self.start.add_months(step)
    }
}
