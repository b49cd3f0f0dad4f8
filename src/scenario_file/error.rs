//! The error type of scenario loading: every refusal names the file, the place and the reason.

use std::fmt;
use std::path::PathBuf;

/// Why a scenario was refused. Each variant names the file; where the place is known, the line
/// (and column) in that file and the key path are given too.
///
/// # Examples
///
/// ```
/// use geoalign::{Scenario, ScenarioError, Problem};
/// let text = "name = \"x\"\nseed = 1\n[horizon]\nstart = \"2025-01\"\nsteps = 0\n";
/// let err = Scenario::from_toml_str(text, "tiny.toml").unwrap_err();
/// assert!(matches!(err, ScenarioError::Invalid { problem: Problem::NonPositiveHorizon { .. }, .. }));
/// assert_eq!(err.to_string(), "tiny.toml:5: `horizon.steps`: the horizon must be at least one step, got 0");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("{}: cannot read the file: {source}{}", file.display(), builtin_hint(file, source, false))]
    Io {
        /// The file.
        file: PathBuf,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },
    /// The path names a directory, FIFO, socket or device: only regular files are read, so
    /// that a pipe or a device can never block or flood the loader.
    #[error("{}: is a {kind}, not a regular file; scenario files must be regular files", file.display())]
    NotRegular {
        /// The path.
        file: PathBuf,
        /// What it is instead: `directory`, `FIFO`, `socket`, `character device`, …
        kind: &'static str,
    },
    /// The file is larger than the loader accepts.
    #[error("{}: {}; scenario files are limited to {limit} bytes", file.display(), match size {
        Some(size) => format!("the file is {size} bytes"),
        None => format!("the file holds more than {limit} bytes"),
    })]
    TooLarge {
        /// The file.
        file: PathBuf,
        /// Its size in bytes, when the file system knows it (not for a pipe or a device).
        size: Option<u64>,
        /// The limit, [`crate::scenario_file::MAX_FILE_BYTES`].
        limit: u64,
    },
    /// The file is not UTF-8 text.
    #[error("{}:{line}: the file is not valid UTF-8 text (save it as UTF-8)", file.display())]
    NotUtf8 {
        /// The file.
        file: PathBuf,
        /// Line of the first invalid byte.
        line: usize,
    },
    /// The file holds no keys at all: it is empty or only comments.
    #[error("{}: the file is empty (or only comments); a scenario needs at least `name`, `seed`, `[horizon]`, `[powers.NAME]` and `[states.NAME]`, or an `extends`", file.display())]
    Empty {
        /// The file.
        file: PathBuf,
    },
    /// The file is not valid TOML, or a value has the wrong type.
    #[error("{}: {}{message}", at(file, *line, *column), in_key(key))]
    Syntax {
        /// The file.
        file: PathBuf,
        /// Line, when the parser reported one.
        line: Option<usize>,
        /// Column, when the parser reported one.
        column: Option<usize>,
        /// Key path of the value, when the text parsed and only the value's type is wrong.
        key: Option<String>,
        /// The parser's description.
        message: String,
    },
    /// A key the format does not know (often a typo).
    #[error("{}: {}{message}", at(file, *line, *column), in_key(key))]
    UnknownField {
        /// The file.
        file: PathBuf,
        /// Line of the unknown key.
        line: Option<usize>,
        /// Column of the unknown key.
        column: Option<usize>,
        /// Key path of the unknown key, e.g. `powers.Russia.capacty`.
        key: Option<String>,
        /// Which key, and which keys are allowed there.
        message: String,
    },
    /// A well-formed file whose content breaks a rule of the model.
    #[error("{}: `{key}`: {problem}", at(file, *line, None))]
    Invalid {
        /// The file that set the offending value (a base file, for an inherited value).
        file: PathBuf,
        /// Line of the value (or of its table, for a missing key).
        line: Option<usize>,
        /// Key path of the value, e.g. `states.Kazakhstan.ties.Russia.trade`.
        key: String,
        /// What is wrong.
        problem: Problem,
    },
    /// The base file named by `extends` cannot be read.
    #[error("{}: `extends`: cannot read the base scenario {}: {source}{}{}", at(file, *line, None), base.display(), relative_hint(source), builtin_hint(base, source, true))]
    BaseUnreadable {
        /// The file whose `extends` names the base.
        file: PathBuf,
        /// Line of its `extends`.
        line: Option<usize>,
        /// The base file, resolved relative to `file`'s directory.
        base: PathBuf,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },
    /// The base file named by `extends` holds no keys (it is empty or only comments).
    #[error("{}: `extends`: the base scenario {} is empty (or only comments), so there is nothing to extend", at(file, *line, None), base.display())]
    EmptyBase {
        /// The file whose `extends` names the base.
        file: PathBuf,
        /// Line of its `extends`.
        line: Option<usize>,
        /// The empty base file.
        base: PathBuf,
    },
    /// A value inherited from a base file breaks a rule only because an extending file
    /// overrode a key the rule relates it to (the horizon for a date, `members` for a
    /// member's entry): reported at the override, naming the inherited value and its place.
    #[error("{}: `{key}` overrides the base and so breaks `{broken}` (set at {}): {problem}", at(file, *line, None), at(base, *base_line, None))]
    BrokenByOverride {
        /// The extending file that set `key`.
        file: PathBuf,
        /// Line of `key` in it.
        line: Option<usize>,
        /// The overriding key, e.g. `institutions.CSTO.members`.
        key: String,
        /// The inherited key whose value is now refused, e.g.
        /// `institutions.CSTO.participation.Armenia`.
        broken: String,
        /// The file that set `broken`.
        base: PathBuf,
        /// Line of `broken` in it.
        base_line: Option<usize>,
        /// What is wrong with `broken` (boxed: this variant carries two places, and the
        /// error's size is that of its largest variant).
        problem: Box<Problem>,
    },
    /// The `extends` chain comes back to a file already in it.
    #[error("{}: `extends` forms a cycle: {}", at(file, *line, None), chain.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(" -> "))]
    ExtendsCycle {
        /// The file whose `extends` closes the cycle.
        file: PathBuf,
        /// Line of its `extends`.
        line: Option<usize>,
        /// The chain of files, ending with the repeated one.
        chain: Vec<PathBuf>,
    },
    /// The `extends` chain is deeper than the loader follows.
    #[error("{}: `extends` chain is deeper than {limit} files", at(file, *line, None))]
    ExtendsTooDeep {
        /// The file whose `extends` goes past the limit.
        file: PathBuf,
        /// Line of its `extends`.
        line: Option<usize>,
        /// The limit, [`crate::scenario_file::MAX_EXTENDS_DEPTH`].
        limit: usize,
    },
}

/// For a file that does not exist but whose stem is a built-in scenario's name (`run
/// csto-slow-decline`, or a future copied out of `scenarios/` whose base is not beside it):
/// the built-in form, as a command line takes it or, for `extends`, as a file writes it.
fn builtin_hint(path: &std::path::Path, source: &std::io::Error, extends: bool) -> String {
    let name = path
        .file_stem()
        .and_then(|s| s.to_str())
        .map(|stem| format!("builtin:{stem}"))
        .filter(|name| super::builtin::names().any(|n| n == name));
    match name {
        Some(name) if source.kind() == std::io::ErrorKind::NotFound => match extends {
            false => format!("; did you mean the built-in scenario `{name}`?"),
            true => {
                format!("; for the built-in scenario of this name, write `extends = \"{name}\"`")
            }
        },
        _ => String::new(),
    }
}

/// For a base that does not exist: where a relative `extends` is looked for, which is what a
/// file copied to another directory runs into.
fn relative_hint(source: &std::io::Error) -> &'static str {
    match source.kind() {
        std::io::ErrorKind::NotFound => "; a relative `extends` is read from the directory of the file that writes it, not from the working directory",
        _ => "",
    }
}

fn in_key(key: &Option<String>) -> String {
    match key {
        Some(k) => format!("`{k}`: "),
        None => String::new(),
    }
}

fn at(file: &std::path::Path, line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!("{}:{l}:{c}", file.display()),
        (Some(l), None) => format!("{}:{l}", file.display()),
        _ => file.display().to_string(),
    }
}

/// What is wrong with a value that parsed but breaks a rule of the model.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Problem {
    /// A required key is absent (after merging any base files).
    Missing,
    /// A name that the world does not define.
    UnknownName {
        /// `power`, `state`, `institution`, or `power or autonomy`.
        kind: &'static str,
        /// The name as written.
        name: String,
        /// The names that are defined.
        known: Vec<String>,
    },
    /// A table for a power, state or institution the world does not define, which lacks
    /// what a new one needs and whose name is close to one the world defines: a misspelt
    /// name (`[states.Kazakstan.ties.China]` for `Kazakhstan`) rather than a new entity.
    Misspelt {
        /// `power`, `state` or `institution`.
        kind: &'static str,
        /// The name as written.
        name: String,
        /// The defined name it is close to ([`crate::scenario_file`]'s did-you-mean rule).
        near: String,
        /// What a new one would have that this table lacks, e.g. "a new state would need
        /// `disposition`".
        lacks: &'static str,
    },
    /// A number outside its allowed range.
    OutOfRange {
        /// The value as read.
        value: f64,
        /// The smallest allowed value.
        min: f64,
        /// The largest allowed value.
        max: f64,
    },
    /// A relation (`[[relations]]`, `[[drivers.relations]]`) naming other than two powers.
    NotAPair {
        /// How many names it gives.
        count: usize,
    },
    /// NaN or an infinity.
    NotFinite {
        /// The value as read.
        value: f64,
    },
    /// Shares that must sum to 1 do not.
    SumNotOne {
        /// Their sum.
        sum: f64,
    },
    /// Shares that must sum to at most 1 do not.
    SumAboveOne {
        /// Their sum.
        sum: f64,
    },
    /// The world has no powers or no states.
    EmptyWorld {
        /// `powers` or `states`.
        what: &'static str,
    },
    /// The horizon has zero or negative steps.
    NonPositiveHorizon {
        /// The number of steps as written.
        steps: i64,
    },
    /// The horizon is longer than the engine accepts.
    HorizonTooLong {
        /// The number of steps as written.
        steps: i64,
        /// The limit, [`crate::sim::MAX_STEPS`].
        limit: u32,
    },
    /// The seed is negative.
    NegativeSeed {
        /// The seed as written.
        seed: i64,
    },
    /// A member listed more than once.
    DuplicateMember {
        /// The member's name.
        name: String,
    },
    /// A participation entry for a state that is not a member.
    NotAMember {
        /// The state's name.
        name: String,
    },
    /// A date that is not `YYYY-MM`.
    BadDate {
        /// The text as written.
        text: String,
    },
    /// A path point outside the horizon.
    DateOutsideHorizon {
        /// The date.
        date: String,
        /// First date of the horizon.
        start: String,
        /// Last date of the horizon.
        end: String,
    },
    /// Path points not strictly increasing in time.
    DatesNotIncreasing {
        /// The earlier point's date.
        previous: String,
        /// The offending date.
        date: String,
    },
    /// A path with no points.
    EmptyPath,
    /// A zero initial share while `calibrate_intercepts` is on.
    ZeroShareWithCalibration,
    /// An event gives a key that its kind does not take.
    NotForKind {
        /// The event's kind.
        kind: String,
        /// The keys that kind takes.
        allowed: Vec<&'static str>,
    },
    /// An event's `kind` is not one of the known kinds.
    UnknownKind {
        /// The kind written.
        kind: String,
    },
    /// An event has both or neither of `at` and `monthly`.
    TimingAmbiguous,
    /// A list that must name distinct entries names one twice.
    Duplicate {
        /// The repeated name.
        name: String,
    },
    /// The two states of a border clash are the same.
    SameStates,
    /// Weights that must sum to at most 1 sum to more.
    WeightsAboveOne {
        /// The sum found.
        sum: f64,
    },
    /// A name the format keeps for itself (a power called `autonomy` would collide with the
    /// autonomy share of every alignment).
    ReservedName {
        /// The name as written.
        name: String,
    },
    /// A rule of the world builder (names, institutions, and any rule the file format cannot
    /// break by itself); reported as the builder words it, at the key the builder names.
    World(crate::model::WorldError),
    /// A rule of the scenario the file format cannot break by itself; reported as the
    /// scenario words it.
    Scenario(crate::sim::ScenarioRuleError),
    /// An empty table (`salience = {}`, a header with no keys) in a file that extends another,
    /// over a table the base fills: tables merge key by key, so it would change nothing.
    EmptyTableOverride {
        /// How many keys the base's table has.
        base_keys: usize,
    },
    /// An `extends = "builtin:NAME"` that names no built-in scenario.
    UnknownBuiltin {
        /// The target as written.
        name: String,
        /// The built-in names.
        known: Vec<String>,
    },
    /// `extends` is an empty (or blank) string.
    EmptyExtends,
    /// `baseline` is an empty (or blank) string.
    EmptyBaseline,
    /// The file a `baseline` names cannot be read.
    BaselineUnreadable {
        /// The file, resolved relative to the file that names it.
        path: PathBuf,
        /// Why it cannot be read.
        reason: String,
    },
    /// `[counterfactual]` in a file that extends nothing: there is no parent to branch from.
    CounterfactualWithoutParent,
    /// A branch date at or before the start, or after the horizon.
    BranchOutsideHorizon {
        /// The date as written.
        date: String,
        /// The start of the horizon.
        start: String,
        /// The end of the horizon.
        end: String,
    },
    /// A `remove` entry names a key or member the merged scenario does not have.
    RemoveNothing {
        /// The entry as written.
        what: String,
        /// The nearest name that exists where it was looked for, if one is close.
        suggestion: Option<String>,
    },
    /// A `remove` entry takes away a power, state or institution that another key still
    /// refers to.
    RemoveReferenced {
        /// `power`, `state` or `institution`.
        kind: String,
        /// Its name.
        name: String,
        /// The key that refers to it.
        by: String,
        /// Where that key is set (`file:line`).
        place: String,
    },
    /// A `remove` entry names a key or member the same file sets.
    RemoveAndSet {
        /// The entry as written.
        what: String,
    },
    /// A `remove` entry takes away a key the scenario requires.
    RemoveRequired {
        /// The key.
        key: String,
    },
    /// A declared outcome breaks a rule of outcomes ([`crate::sim::outcome::OutcomeSpec::check`]).
    Outcome(crate::sim::outcome::OutcomeProblem),
    /// An outcome's `kind` is not one of the outcome kinds.
    UnknownOutcomeKind {
        /// The kind written.
        kind: String,
    },
    /// An outcome gives a key its kind does not take.
    NotForOutcomeKind {
        /// The outcome's kind.
        kind: String,
        /// The keys that kind takes.
        allowed: Vec<&'static str>,
    },
    /// A condition inside an outcome's `conditions` has a `name`: only the outcome has one.
    NestedOutcomeName,
    /// Both or neither of two keys of which exactly one is needed.
    ExactlyOneOf {
        /// The two keys.
        keys: [&'static str; 2],
    },
    /// A path point gives none, or more than one, of `value`, `scale` and `add`.
    PointForm {
        /// The keys it gives.
        given: Vec<&'static str>,
    },
    /// A `scale` point on a quantity whose level is 0: it can never change it.
    ScaleOfZeroLevel,
    /// A relative path point resolves to a value outside its target's range.
    ResolvedOutOfRange {
        /// `scale` or `add`.
        field: &'static str,
        /// The factor or offset written.
        given: f64,
        /// The level the path starts from.
        level: f64,
        /// The resolved value.
        value: f64,
        /// The smallest allowed value.
        min: f64,
        /// The largest allowed value.
        max: f64,
    },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Missing => write!(f, "this key is required but missing"),
            Problem::UnknownName { kind, name, known } => {
                write!(f, "unknown {kind} `{name}`; ")?;
                if let Some(near) = super::suggest::nearest(name, known) {
                    write!(f, "did you mean `{near}`? ")?;
                }
                write!(
                    f,
                    "the world defines: {}",
                    if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.join(", ")
                    }
                )
            }
            Problem::Misspelt { kind, name, near, lacks } => write!(
                f,
                "unknown {kind} `{name}`; did you mean `{near}`? ({lacks})"
            ),
            Problem::OutOfRange { value, min, max } => {
                if max.is_infinite() {
                    write!(f, "must be at least {min}, got {value}")
                } else {
                    write!(f, "must be in [{min}, {max}], got {value}")
                }
            }
            Problem::NotAPair { count } => write!(
                f,
                "a relation is between two powers: name exactly two, got {count}"
            ),
            Problem::NotFinite { value } => write!(f, "must be a finite number, got {value}"),
            Problem::SumNotOne { sum } => write!(f, "shares must sum to 1, got {sum}"),
            Problem::SumAboveOne { sum } => write!(
                f,
                "these ties are shares of the state's total and must sum to at most 1 over the powers, got {sum}"
            ),
            Problem::EmptyWorld { what } => write!(f, "the world defines no {what}; at least one is needed"),
            Problem::NonPositiveHorizon { steps } => {
                write!(f, "the horizon must be at least one step, got {steps}")
            }
            Problem::HorizonTooLong { steps, limit } => {
                write!(f, "the horizon may be at most {limit} steps, got {steps}")
            }
            Problem::NegativeSeed { seed } => write!(f, "the seed must be 0 or more, got {seed}"),
            Problem::DuplicateMember { name } => write!(f, "`{name}` is listed more than once"),
            Problem::NotAMember { name } => {
                write!(f, "`{name}` is not in this institution's `members`")
            }
            Problem::BadDate { text } => {
                write!(f, "`{text}` is not a date of the form YYYY-MM (month 01 to 12)")
            }
            Problem::DateOutsideHorizon { date, start, end } => {
                write!(f, "{date} is outside the horizon {start} to {end}")
            }
            Problem::DatesNotIncreasing { previous, date } => write!(
                f,
                "path dates must be strictly increasing, but {date} follows {previous}"
            ),
            Problem::EmptyPath => write!(f, "a path needs at least one point"),
            Problem::ZeroShareWithCalibration => write!(
                f,
                "a movable state's initial share must be above 0 while `parameters.calibrate_intercepts` is on (its logarithm is taken)"
            ),
            Problem::NotForKind { kind, allowed } => write!(
                f,
                "an event of kind `{kind}` does not take this key; it takes: {}",
                allowed.join(", ")
            ),
            Problem::UnknownKind { kind } => write!(
                f,
                "unknown event kind `{kind}`; the kinds are: {}",
                crate::scenario_file::events::EVENT_KINDS.join(", ")
            ),
            Problem::TimingAmbiguous => write!(
                f,
                "an event needs exactly one of `at = \"YYYY-MM\"` (scheduled) and `monthly = p` (a hazard)"
            ),
            Problem::Duplicate { name } => write!(f, "`{name}` is listed twice"),
            Problem::SameStates => write!(f, "a border clash needs two different states"),
            Problem::WeightsAboveOne { sum } => {
                write!(f, "these weights must sum to at most 1, but they sum to {sum}")
            }
            Problem::ReservedName { name } => write!(
                f,
                "`{name}` is (a variant of) `autonomy`, the name kept for the autonomy share of an alignment; give the power another name"
            ),
            Problem::World(error) => write!(f, "{error}"),
            Problem::EmptyTableOverride { base_keys } => write!(
                f,
                "an empty table changes nothing here: tables merge key by key with the base's, so its {base_keys} {} would stay; write the values to change, or remove this key",
                if *base_keys == 1 { "key" } else { "keys" }
            ),
            Problem::Scenario(error) => write!(f, "{error}"),
            Problem::UnknownBuiltin { name, known } => write!(
                f,
                "no built-in scenario is called `{name}`; the built-ins are: {}",
                known.join(", ")
            ),
            Problem::PointForm { given } => match given[..] {
                [] => write!(f, "a path point needs one of `value` (absolute), `scale` (a factor on the level the path starts from) and `add` (an offset on it)"),
                _ => write!(f, "a path point takes exactly one of `value`, `scale` and `add`, but this one gives {}", given.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(" and ")),
            },
            Problem::ScaleOfZeroLevel => write!(
                f,
                "`scale` multiplies the level the path starts from, which is 0 here (a tie the world does not list is 0), so no factor can change it; write `value` or `add` instead"
            ),
            Problem::ResolvedOutOfRange { field, given, level, value, min, max } => write!(
                f,
                "`{field} = {given}` on the level {level} the path starts from gives {value}, outside [{min}, {max}]; relative points are refused, not clipped: choose a smaller {}, or another level",
                if *field == "scale" { "factor" } else { "offset" }
            ),
            Problem::EmptyExtends => write!(
                f,
                "the value is empty; name a base scenario file (relative to this file's directory) or a built-in (`builtin:NAME`)"
            ),
            Problem::EmptyBaseline => write!(
                f,
                "the value is empty; write \"self\" (calibrate on this file), a built-in (`builtin:NAME`) or a scenario file relative to this file's directory"
            ),
            Problem::BaselineUnreadable { path, reason } => write!(
                f,
                "cannot read the baseline scenario {}: {reason}",
                path.display()
            ),
            Problem::CounterfactualWithoutParent => write!(
                f,
                "a counterfactual branches from its parent, but this file extends nothing; add `extends = \"…\"` or remove `[counterfactual]`"
            ),
            Problem::BranchOutsideHorizon { date, start, end } => write!(
                f,
                "{date} is outside the months a branch may start, after {start} to {end}; a branch at the start is a plain override: remove `[counterfactual]`"
            ),
            Problem::RemoveNothing { what, suggestion } => {
                write!(f, "`{what}` is not in what this file inherits, so there is nothing to remove")?;
                match suggestion {
                    Some(s) => write!(f, "; did you mean `{s}`?"),
                    None => Ok(()),
                }
            }
            Problem::RemoveReferenced { kind, name, by, place } => write!(
                f,
                "the {kind} `{name}` cannot be removed: `{by}` ({place}) still refers to it; remove or change that key too"
            ),
            Problem::RemoveAndSet { what } => write!(
                f,
                "this file also sets `{what}`: `remove` takes keys out of what the file inherits, so drop one of the two"
            ),
            Problem::RemoveRequired { key } => write!(
                f,
                "`{key}` is required, so it cannot be removed; override its value instead"
            ),
            Problem::Outcome(problem) => write!(f, "{problem}"),
            Problem::UnknownOutcomeKind { kind } => write!(
                f,
                "unknown outcome kind `{kind}`; the kinds are: {}",
                crate::scenario_file::outcomes::OUTCOME_KINDS
                    .map(|(k, _)| k)
                    .join(", ")
            ),
            Problem::NotForOutcomeKind { kind, allowed } => write!(
                f,
                "an outcome of kind `{kind}` does not take this key; it takes: {}",
                allowed.join(", ")
            ),
            Problem::NestedOutcomeName => write!(
                f,
                "a condition inside `conditions` has no name of its own; only the outcome is named"
            ),
            Problem::ExactlyOneOf { keys: [a, b] } => {
                write!(f, "give exactly one of `{a}` and `{b}`")
            }
        }
    }
}
