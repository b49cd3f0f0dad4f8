//! Which other keys a rule relates a value to, so that a value inherited from a base file that
//! breaks a rule only because an extending file changed one of those keys is reported at the
//! override (the file and key the user changed), not at the base's untouched line.

use super::error::Problem;
use super::load::KeyPath;
use toml::{Table, Value};

/// The keys whose values the rule behind `problem` at `path` depends on, besides `path`
/// itself, in the order to blame them.
pub(super) fn causes(table: &Table, path: &[String], problem: &Problem) -> Vec<KeyPath> {
    let keys = |parts: &[&str]| -> KeyPath { parts.iter().map(|s| s.to_string()).collect() };
    match problem {
        // A date is checked against the horizon.
        Problem::DateOutsideHorizon { .. } => {
            vec![keys(&["horizon", "start"]), keys(&["horizon", "steps"])]
        }
        // Membership is checked against the institution's `members`.
        Problem::NotAMember { .. } => institution_of(table, path)
            .map(|i| vec![keys(&["institutions", &i, "members"])])
            .unwrap_or_default(),
        // A zero share is refused only while intercepts are calibrated.
        Problem::ZeroShareWithCalibration => vec![keys(&["parameters", "calibrate_intercepts"])],
        // A relative path point is resolved against the level of the quantity it drives.
        Problem::ResolvedOutOfRange { .. } | Problem::ScaleOfZeroLevel => {
            super::no_ops::level_key(path).into_iter().collect()
        }
        _ => Vec::new(),
    }
}

/// The institution a key is about: `institutions.NAME.…`, or the `institution` of the event
/// `events[n].…`.
fn institution_of(table: &Table, path: &[String]) -> Option<String> {
    match path {
        [first, name, ..] if first == "institutions" => Some(name.clone()),
        [first, index, ..] if first == "events" => {
            let n: usize = index.strip_prefix('[')?.strip_suffix(']')?.parse().ok()?;
            match table.get("events")?.get(n)?.get("institution")? {
                Value::String(s) => Some(s.clone()),
                _ => None,
            }
        }
        _ => None,
    }
}
