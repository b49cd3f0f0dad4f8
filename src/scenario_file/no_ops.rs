//! Overrides and entries that cannot act (docs: scenarios/README.md, "Warnings"): a value an
//! extending file sets equal to its base's, a level a driver hides from the first step, a
//! driver that never changes its quantity within the horizon, an event that can never fire.
//! Each is a located [`Warning`]; none stops the load.

use super::load::KeyPath;

/// The key path of the level a driver at `driver` (a key path under `drivers`, possibly
/// followed by a point index and field) starts from: `drivers.powers.P.delivery.k` →
/// `powers.P.delivery.k`, `drivers.ties.S.P.k` → `states.S.ties.P.k`.
pub(super) fn level_key(driver: &[String]) -> Option<KeyPath> {
    let parts: Vec<&str> = driver.iter().map(String::as_str).collect();
    let owned = |p: &[&str]| Some(p.iter().map(|s| s.to_string()).collect());
    match parts[..] {
        ["drivers", "powers", p, "delivery", k, ..] => owned(&["powers", p, "delivery", k]),
        ["drivers", "powers", p, q, ..] => owned(&["powers", p, q]),
        ["drivers", "institutions", i, q, ..] => owned(&["institutions", i, q]),
        ["drivers", "ties", s, p, k, ..] => owned(&["states", s, "ties", p, k]),
        _ => None,
    }
}
