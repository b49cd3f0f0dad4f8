//! Worlds embedded in the crate, so that the main job runs with no file at all.

use crate::sim::Scenario;

use crate::scenario_file::builtin::{self, builtin_text};
pub use crate::scenario_file::builtin::{
    CSTO_FUTURES, CSTO_PARTIAL_REVITALIZATION_TOML, CSTO_SELECTIVE_CONSOLIDATION_TOML,
    CSTO_SLOW_DECLINE_TOML, EURASIA_2025_TOML,
};

mod synthetic;

pub use synthetic::{Synthetic, SyntheticError};

/// The embedded default world, **Eurasia 2025**: six powers, the nine post-Soviet states of
/// docs/model.md §1 and the Baltic states as fixed points, the CSTO, EAEU, SCO, Organization of
/// Turkic States, NATO, EU and the Russia–Belarus Union State, with every number sourced in
/// `scenarios/eurasia-2025.toml`. A scenario file can extend it with
/// `extends = "builtin:eurasia-2025"`.
///
/// # Examples
///
/// ```
/// let scenario = geoalign::presets::eurasia_2025();
/// assert_eq!(scenario.world().powers().len(), 6);
/// assert!(scenario.world().states().len() >= 12);
/// ```
pub fn eurasia_2025() -> Scenario {
    // The embedded text is checked by the test suite (`embedded_world_loads`), so failing here
    // would be a build defect, not a user error.
    Scenario::from_toml_str(EURASIA_2025_TOML, builtin::EURASIA_2025)
        .expect("the embedded Eurasia 2025 world is valid")
}

/// The three CSTO futures of seed 000 (docs/sources.md) (slow decline, selective consolidation, partial
/// revitalization), loaded from the embedded copies of `scenarios/csto-*.toml`: they run with
/// no file on disk. A scenario file can extend one with `extends = "builtin:csto-slow-decline"`
/// (and likewise for the other two names in [`CSTO_FUTURES`]).
///
/// # Examples
///
/// ```
/// let futures = geoalign::presets::csto_futures();
/// assert_eq!(futures[0].name(), "CSTO slow decline");
/// assert!(futures.iter().all(|f| !f.drivers().is_empty()));
/// ```
pub fn csto_futures() -> [Scenario; 3] {
    CSTO_FUTURES.map(|name| {
        // Checked by the test suite (`embedded_futures_equal_the_files`): a failure here would
        // be a build defect, not a user error.
        builtin(name).expect("the embedded CSTO futures are valid")
    })
}

/// Load a built-in scenario by its `builtin:` name (`builtin:eurasia-2025` or one of
/// [`CSTO_FUTURES`]); `None` for an unknown name.
///
/// # Examples
///
/// ```
/// let s = geoalign::presets::builtin("builtin:csto-partial-revitalization").unwrap();
/// assert_eq!(s.name(), "CSTO partial revitalization");
/// assert!(geoalign::presets::builtin("builtin:nowhere").is_none());
/// ```
pub fn builtin(name: &str) -> Option<Scenario> {
    let text = builtin_text(name)?;
    Scenario::from_toml_str(text, name).ok()
}
