//! The rules every name of a world obeys (powers, states, institutions), one set for worlds
//! built in code and for scenario files, so that a name can never mislead a reader of the
//! outputs: it is printed in tables, used as a CSV column value and turned into a file name
//! (`alignment-<slug>.svg`).
//!
//! A name is refused ([`check_name`]) when it is empty, holds a control or invisible
//! formatting character (a newline, a tab, a bidirectional override, a zero-width space), has
//! whitespace at either end, is longer than [`MAX_NAME_BYTES`], or has no letter or digit (its
//! [`slug`], the file-name form, would be empty). Across a world, the
//! [`WorldBuilder`](crate::WorldBuilder) also refuses two names of one kind with the same slug
//! (`T` and `t`, `A B` and `A-B`), a state named (or slugged) like a power or an institution,
//! and a power whose slug is `autonomy` (`Autonomy`, `AUTONOMY`), the name of every state's
//! last alignment share. A power and an institution may share a name: a bloc is often named
//! after its leader (the EU), and the two are never printed in one column.

use std::fmt;

/// Longest name, in bytes of UTF-8 (100 ASCII characters, fewer in other scripts). A state's
/// chart is written to `alignment-<slug>.svg`, and file systems (ext4, APFS, NTFS) cap a file
/// name at 255 bytes; a slug is at most 1.5 times its name's bytes (lowercasing grows a few
/// letters from 2 to 3 bytes), so 100 leaves room for the prefix, the extension and a
/// temporary suffix while writing. A table column of 100 characters is still readable.
pub const MAX_NAME_BYTES: usize = 100;

/// Why a name is refused by [`check_name`].
///
/// # Examples
///
/// ```
/// use geoalign::model::names::{check_name, NameProblem};
/// assert_eq!(check_name("Kazakhstan"), Ok(()));
/// assert_eq!(check_name(""), Err(NameProblem::Empty));
/// assert_eq!(check_name("A\nB"), Err(NameProblem::ControlCharacter { character: '\n' }));
/// assert_eq!(check_name(" A"), Err(NameProblem::EdgeWhitespace));
/// assert_eq!(check_name("--"), Err(NameProblem::NoLetterOrDigit));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum NameProblem {
    /// The name is empty.
    Empty,
    /// The name holds a control or invisible formatting character.
    ControlCharacter {
        /// The first such character.
        character: char,
    },
    /// The name starts or ends with whitespace.
    EdgeWhitespace,
    /// The name is longer than [`MAX_NAME_BYTES`].
    TooLong {
        /// Its length in bytes.
        bytes: usize,
    },
    /// The name has no letter or digit, so its [`slug`] is empty.
    NoLetterOrDigit,
}

impl fmt::Display for NameProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NameProblem::Empty => f.write_str("a name may not be empty"),
            NameProblem::ControlCharacter { character } => write!(
                f,
                "a name may not hold a control or invisible character, found {:?}",
                character
            ),
            NameProblem::EdgeWhitespace => {
                f.write_str("a name may not start or end with whitespace")
            }
            NameProblem::TooLong { bytes } => write!(
                f,
                "a name may be at most {MAX_NAME_BYTES} bytes long (it becomes a file name), this one is {bytes}"
            ),
            NameProblem::NoLetterOrDigit => f.write_str(
                "a name needs a letter or a digit: its file-name form keeps only letters and digits, and this one would be empty",
            ),
        }
    }
}

/// Whether `name` may name a power, a state or an institution (see the [module](self)'s rules).
///
/// # Errors
///
/// The first rule broken, as a [`NameProblem`].
///
/// # Examples
///
/// ```
/// use geoalign::model::names::{check_name, NameProblem, MAX_NAME_BYTES};
/// assert!(check_name("Türkiye").is_ok());
/// assert_eq!(check_name("autonomy\t"), Err(NameProblem::ControlCharacter { character: '\t' }));
/// let long = "x".repeat(MAX_NAME_BYTES + 1);
/// assert_eq!(check_name(&long), Err(NameProblem::TooLong { bytes: MAX_NAME_BYTES + 1 }));
/// ```
pub fn check_name(name: &str) -> Result<(), NameProblem> {
    if name.is_empty() {
        return Err(NameProblem::Empty);
    }
    if let Some(character) = name.chars().find(|&c| invisible(c)) {
        return Err(NameProblem::ControlCharacter { character });
    }
    let edge = |c: Option<char>| c.is_some_and(char::is_whitespace);
    if edge(name.chars().next()) || edge(name.chars().next_back()) {
        return Err(NameProblem::EdgeWhitespace);
    }
    if name.len() > MAX_NAME_BYTES {
        return Err(NameProblem::TooLong { bytes: name.len() });
    }
    if slug(name).is_empty() {
        return Err(NameProblem::NoLetterOrDigit);
    }
    Ok(())
}

/// `name` as messages show it in a key path: every control or invisible character escaped
/// (`\n`, `\u{202e}`), and an empty name as `""`, so that a refused name reads as what it is.
///
/// # Examples
///
/// ```
/// use geoalign::model::names::shown;
/// assert_eq!(shown("A\nB"), "A\\nB");
/// assert_eq!(shown(""), "\"\"");
/// assert_eq!(shown("Türkiye"), "Türkiye");
/// ```
pub fn shown(name: &str) -> String {
    if name.is_empty() {
        return "\"\"".to_string();
    }
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if invisible(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether a power may not take `name`: its slug is `autonomy` (`autonomy`, `Autonomy`,
/// `AUTONOMY`), the name of every state's last alignment share, which the alignment tables
/// and scenario files write beside the powers' names.
///
/// # Examples
///
/// ```
/// use geoalign::model::names::reserved_for_autonomy;
/// assert!(reserved_for_autonomy("Autonomy"));
/// assert!(!reserved_for_autonomy("Autonomous Republic"));
/// ```
pub fn reserved_for_autonomy(name: &str) -> bool {
    slug(name) == super::AUTONOMY
}

/// A control character, a line or paragraph separator, or an invisible formatting character
/// (zero-width spaces and joiners, directional marks and overrides, the byte-order mark): any
/// of them would make a printed name differ from what it looks like.
pub(crate) fn invisible(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}'
                | '\u{FEFF}'
        )
}

/// The file-name form of a name: every letter lowercased (in full Unicode, so that names
/// differing only in case collide here as they do on a file system that ignores case), every
/// other character (a space, punctuation) a `-`, and no `-` at either end. Outputs name files
/// with it (`alignment-<slug>.svg`); the [`WorldBuilder`](crate::WorldBuilder) refuses two
/// names of one kind with one slug, so that no file is written twice.
///
/// # Examples
///
/// ```
/// use geoalign::model::names::slug;
/// assert_eq!(slug("Kazakhstan"), "kazakhstan");
/// assert_eq!(slug("A B"), slug("A-B"));
/// assert_eq!(slug("T"), slug("t"));
/// assert_eq!(slug("Türkiye"), "türkiye");
/// assert_eq!(slug("Bosnia & Herzegovina"), "bosnia---herzegovina");
/// assert_eq!(slug("(!)"), "");
/// ```
pub fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}
