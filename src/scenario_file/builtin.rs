//! The scenario texts compiled into the crate and their `builtin:` names, which a file can
//! `extends`. They belong to the file format; [`crate::presets`] loads them as scenarios.

/// The text of `scenarios/eurasia-2025.toml`, compiled into the crate.
pub const EURASIA_2025_TOML: &str = include_str!("../../scenarios/eurasia-2025.toml");

/// The text of `scenarios/csto-slow-decline.toml`, compiled into the crate.
pub const CSTO_SLOW_DECLINE_TOML: &str = include_str!("../../scenarios/csto-slow-decline.toml");
/// The text of `scenarios/csto-selective-consolidation.toml`, compiled into the crate.
pub const CSTO_SELECTIVE_CONSOLIDATION_TOML: &str =
    include_str!("../../scenarios/csto-selective-consolidation.toml");
/// The text of `scenarios/csto-partial-revitalization.toml`, compiled into the crate.
pub const CSTO_PARTIAL_REVITALIZATION_TOML: &str =
    include_str!("../../scenarios/csto-partial-revitalization.toml");

/// The `builtin:` name of the embedded Eurasia 2025 world.
pub const EURASIA_2025: &str = "builtin:eurasia-2025";

/// Every `builtin:` name: the Eurasia 2025 world, then the CSTO futures.
///
/// # Examples
///
/// ```
/// let names: Vec<&str> = geoalign::scenario_file::builtin::names().collect();
/// assert_eq!(names[0], "builtin:eurasia-2025");
/// assert_eq!(names.len(), 4);
/// ```
pub fn names() -> impl Iterator<Item = &'static str> {
    std::iter::once(EURASIA_2025).chain(CSTO_FUTURES)
}

/// The `builtin:` names of the three CSTO futures of seed 000 (docs/sources.md), in the seed's order (slow
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

/// The embedded scenario text for an `extends = "builtin:NAME"` target.
pub(crate) fn builtin_text(target: &str) -> Option<&'static str> {
    match target {
        EURASIA_2025 => Some(EURASIA_2025_TOML),
        _ => CSTO_FUTURES
            .iter()
            .position(|&n| n == target)
            .map(|i| FUTURE_TEXTS[i].as_str()),
    }
}
