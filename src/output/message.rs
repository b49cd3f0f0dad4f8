//! How geoalign words an error or a warning for a person: on one line, each cause its message
//! does not already include after a colon. The command line prints it after `error: ` or
//! `warning: `; the Python package raises it as its exception's message.

use std::error::Error;

/// The error, then each cause its message does not already include, on one line.
///
/// # Examples
///
/// ```
/// let err = geoalign::Scenario::from_toml_str("[horizon]\nsteps = -1\n", "bad.toml").unwrap_err();
/// let text = geoalign::output::message::paragraph(&err);
/// assert!(text.starts_with("bad.toml"), "{text}");
/// assert!(!text.contains('\n'));
/// ```
pub fn paragraph(err: &(dyn Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut cause = err.source();
    while let Some(e) = cause {
        let part = e.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        cause = e.source();
    }
    one_line(&text)
}

/// `text` on one line: its lines trimmed, the empty ones dropped, the rest joined by spaces
/// (a line break inside a message, e.g. in a name, becomes a space).
///
/// # Examples
///
/// ```
/// assert_eq!(geoalign::output::message::one_line("a\n  b\n\nc "), "a b c");
/// ```
pub fn one_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}
