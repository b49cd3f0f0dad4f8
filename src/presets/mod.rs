//! Worlds embedded in the crate, so that the main job runs with no file at all.

use crate::sim::Scenario;

mod synthetic;

pub use synthetic::{Synthetic, SyntheticError};

/// The text of `scenarios/eurasia-2025.toml`, compiled into the crate.
pub const EURASIA_2025_TOML: &str = include_str!("../../scenarios/eurasia-2025.toml");

/// The embedded default world, **Eurasia 2025**: six powers, the nine post-Soviet states of
/// MODEL.md §1 and the Baltic states as fixed points, the CSTO, EAEU, SCO, Organization of
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
    Scenario::from_toml_str(EURASIA_2025_TOML, "builtin:eurasia-2025")
        .expect("the embedded Eurasia 2025 world is valid")
}

/// The text of `scenarios/csto-slow-decline.toml`, compiled into the crate.
pub const CSTO_SLOW_DECLINE_TOML: &str = include_str!("../../scenarios/csto-slow-decline.toml");
/// The text of `scenarios/csto-selective-consolidation.toml`, compiled into the crate.
pub const CSTO_SELECTIVE_CONSOLIDATION_TOML: &str =
    include_str!("../../scenarios/csto-selective-consolidation.toml");
/// The text of `scenarios/csto-partial-revitalization.toml`, compiled into the crate.
pub const CSTO_PARTIAL_REVITALIZATION_TOML: &str =
    include_str!("../../scenarios/csto-partial-revitalization.toml");

/// The `builtin:` names of the three CSTO futures of seed 000, in the seed's order (slow
/// decline, selective consolidation, partial revitalization).
pub const CSTO_FUTURES: [&str; 3] = [
    "builtin:csto-slow-decline",
    "builtin:csto-selective-consolidation",
    "builtin:csto-partial-revitalization",
];

// The futures files say `extends = "eurasia-2025.toml"`, a path beside them on disk. Embedded,
// there is no "beside", so the same line is pointed at the embedded world; the line count, and
// so every line number in an error message, stays the same.
fn embedded_future(text: &'static str) -> String {
    text.replacen(
        "extends = \"eurasia-2025.toml\"",
        "extends = \"builtin:eurasia-2025\"",
        1,
    )
}

static FUTURE_TEXTS: std::sync::LazyLock<[String; 3]> = std::sync::LazyLock::new(|| {
    [
        embedded_future(CSTO_SLOW_DECLINE_TOML),
        embedded_future(CSTO_SELECTIVE_CONSOLIDATION_TOML),
        embedded_future(CSTO_PARTIAL_REVITALIZATION_TOML),
    ]
});

/// The three CSTO futures of seed 000 (slow decline, selective consolidation, partial
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

/// The embedded scenario text for an `extends = "builtin:NAME"` target.
pub(crate) fn builtin_text(target: &str) -> Option<&'static str> {
    match target {
        "builtin:eurasia-2025" => Some(EURASIA_2025_TOML),
        _ => CSTO_FUTURES
            .iter()
            .position(|&n| n == target)
            .map(|i| FUTURE_TEXTS[i].as_str()),
    }
}
