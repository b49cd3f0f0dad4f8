//! Worlds embedded in the crate, so that the main job runs with no file at all.

use crate::scenario::Scenario;

/// The text of `scenarios/eurasia-2025.toml`, compiled into the crate.
pub const EURASIA_2025_TOML: &str = include_str!("../scenarios/eurasia-2025.toml");

/// The embedded default world, **Eurasia 2025**: six powers, the nine post-Soviet states of
/// MODEL.md §1 and the Baltic states as fixed points, the CSTO, EAEU, SCO, Organization of
/// Turkic States, NATO, EU and the Russia–Belarus Union State, with every number sourced in
/// `scenarios/eurasia-2025.toml`. A scenario file can extend it with
/// `extends = "builtin:eurasia-2025"`.
///
/// # Examples
///
/// ```
/// let scenario = geoalign::worlds::eurasia_2025();
/// assert_eq!(scenario.world.powers().len(), 6);
/// assert!(scenario.world.states().len() >= 12);
/// ```
pub fn eurasia_2025() -> Scenario {
    // The embedded text is checked by the test suite (`embedded_world_loads`), so failing here
    // would be a build defect, not a user error.
    Scenario::from_toml_str(EURASIA_2025_TOML, "builtin:eurasia-2025")
        .expect("the embedded Eurasia 2025 world is valid")
}

/// The embedded scenario text for an `extends = "builtin:NAME"` target.
pub(crate) fn builtin_text(target: &str) -> Option<&'static str> {
    match target {
        "builtin:eurasia-2025" => Some(EURASIA_2025_TOML),
        _ => None,
    }
}
