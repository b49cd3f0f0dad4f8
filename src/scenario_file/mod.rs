//! Scenarios: a world, drivers over time, a horizon and a seed, read from TOML files.
//!
//! The format is described in `scenarios/README.md`. Loading is in two passes: each file is
//! first deserialised on its own (so unknown keys and wrong types are reported with their
//! line), then the `extends` chain is merged key by key and the result is validated; a rule
//! broken by the merged scenario is reported in the file and at the line that set the value —
//! unless an extending file broke an inherited value by overriding a key the rule relates it to
//! (the horizon for a date, `members` for a member's entry), which is reported at that override
//! ([`ScenarioError::BrokenByOverride`]). An empty base and an empty `extends` are named as such.
//!
//! Bounds that keep any input from exhausting the machine: a file is at most
//! [`MAX_FILE_BYTES`], an `extends` chain at most [`MAX_EXTENDS_DEPTH`] files, nesting at most
//! [`MAX_NESTING`] levels, and a horizon at most [`crate::sim::MAX_STEPS`] steps.

pub mod builtin;
mod chain;
mod error;
mod events;
mod load;
mod no_ops;
mod outcomes;
mod overrides;
mod raw;
mod source;
mod suggest;
mod validate;

pub use error::{Problem, ScenarioError};
pub use source::ScenarioSource;

use crate::model::Warning;
use crate::sim::Scenario;
use std::path::Path;

/// A scenario loaded from a file, with the warnings the file raised: what it may say but
/// probably does not mean, each located at its file, line and key
/// ([`Scenario::from_file_with_warnings`]).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Loaded {
    /// The validated scenario.
    pub scenario: Scenario,
    /// The warnings, in the order found: the file's own (an emptied `events` under the base's
    /// name), then the world's ([`Scenario::warnings`]) located in the file.
    pub warnings: Vec<Warning>,
}

/// Largest scenario file the loader reads: 8 MiB, some hundred times the Eurasia world file.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;
/// Longest `extends` chain the loader follows.
pub const MAX_EXTENDS_DEPTH: usize = 16;
/// Deepest nesting of arrays, inline tables and dotted keys: the bound of the TOML parser
/// itself (the `toml` crate refuses anything deeper before building it), which keeps any file
/// from exhausting the stack. The loader relies on it; `tests/bad_scenarios.rs` checks it.
pub const MAX_NESTING: usize = 80;

impl Scenario {
    /// Load and validate a scenario file and the chain of files it `extends`.
    ///
    /// Every refusal is a [`ScenarioError`] whose message is one line naming the file and the
    /// place: `file:line:column` for a syntax or type error (with the key path where the text
    /// parses), `file:line: \`key.path\`` for a rule of the model, the base file for a
    /// flaw inherited through `extends`, and the extending file's key for an inherited value
    /// that its override broke ([`ScenarioError::BrokenByOverride`]). No input can make the loader panic or hang: it reads
    /// only regular files (a directory, FIFO, socket or device is refused at once with
    /// [`ScenarioError::NotRegular`], never opened in a way that could wait), at most
    /// [`MAX_FILE_BYTES`] of them (8 MiB; a larger file is refused with
    /// [`ScenarioError::TooLarge`] before it is read), follows an `extends` chain of at most
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
    /// assert!(!scenario.drivers().is_empty());
    /// ```
    pub fn from_file(path: impl AsRef<Path>) -> Result<Scenario, ScenarioError> {
        Ok(Scenario::from_file_with_warnings(path)?.scenario)
    }

    /// [`Scenario::from_file`], with the warnings of the file: values it may legitimately
    /// hold but probably does not mean (a child file that empties `events` but keeps its
    /// base's name; an active member with as many unanswered appeals as suspend a member),
    /// each located like an error (`file:line: `key`: message`).
    ///
    /// # Errors
    ///
    /// As [`Scenario::from_file`].
    ///
    /// # Examples
    ///
    /// ```
    /// let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/eurasia-2025.toml");
    /// let loaded = geoalign::Scenario::from_file_with_warnings(path).unwrap();
    /// assert!(loaded.warnings.is_empty());
    /// assert_eq!(loaded.scenario.name(), "Eurasia 2025");
    /// ```
    pub fn from_file_with_warnings(path: impl AsRef<Path>) -> Result<Loaded, ScenarioError> {
        let merged = load::Merged::from_file(path.as_ref())?;
        chain::build(&merged)
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
    /// assert_eq!(scenario.world().powers().len(), 2);
    /// ```
    pub fn from_toml_str(text: &str, name: impl AsRef<Path>) -> Result<Scenario, ScenarioError> {
        Ok(Scenario::from_toml_str_with_warnings(text, name)?.scenario)
    }

    /// [`Scenario::from_toml_str`], with the warnings of the text, as
    /// [`Scenario::from_file_with_warnings`] gives them.
    ///
    /// # Errors
    ///
    /// As [`Scenario::from_toml_str`].
    pub fn from_toml_str_with_warnings(
        text: &str,
        name: impl AsRef<Path>,
    ) -> Result<Loaded, ScenarioError> {
        let merged = load::Merged::from_text(text, name.as_ref())?;
        chain::build(&merged)
    }
}
