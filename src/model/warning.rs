//! Warnings: what a world, a scenario or a scenario file may legitimately say but probably does
//! not mean. A refusal stops the load; a warning is returned beside the result
//! ([`crate::World::warnings`], [`crate::Scenario::warnings`],
//! [`crate::Scenario::from_file_with_warnings`]) and printed by the command line on stderr as
//! `warning: file:line: `key`: message`.

use std::fmt;
use std::path::PathBuf;

/// One warning: where it is (the file and line, for a scenario file; the key path, in the
/// scenario format's dotted form, always) and what it is about.
///
/// # Examples
///
/// ```
/// use geoalign::{Warning, WarningKind};
/// let w = Warning::at(
///     ["institutions", "CSTO", "unanswered", "Armenia"],
///     WarningKind::ActiveBeyondSuspension { unanswered: 2, suspend_after: 2 },
/// );
/// assert_eq!(w.key(), "institutions.CSTO.unanswered.Armenia");
/// assert_eq!(
///     w.to_string(),
///     "`institutions.CSTO.unanswered.Armenia`: an active member with 2 unanswered appeals, \
///      though the model suspends a member at its 2nd: it starts active, and its next \
///      unanswered appeal suspends it (set `participation` to `suspended` if it already is)"
/// );
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Warning {
    /// The file, for a warning about a scenario file (a base file, for an inherited value).
    pub file: Option<PathBuf>,
    /// The line in that file, where known.
    pub line: Option<usize>,
    /// The key path, one segment per key (a name may hold a dot), an array element as
    /// `[i]`: `["institutions", "CSTO", "unanswered", "Armenia"]`.
    pub path: Vec<String>,
    /// What the warning is about.
    pub kind: WarningKind,
}

impl Warning {
    /// A warning at a key path, with no file: one about a world or scenario built in code.
    pub fn at<S: Into<String>>(path: impl IntoIterator<Item = S>, kind: WarningKind) -> Warning {
        Warning {
            file: None,
            line: None,
            path: path.into_iter().map(Into::into).collect(),
            kind,
        }
    }

    /// The key path as a scenario file writes it, dotted: `institutions.CSTO.unanswered.Armenia`,
    /// `events[2].at`. Control and invisible characters in a name are escaped
    /// ([`super::names::shown`]), so the key is one line and reads as what it is.
    pub fn key(&self) -> String {
        let mut out = String::new();
        for segment in &self.path {
            if !out.is_empty() && !segment.starts_with('[') {
                out.push('.');
            }
            out.push_str(&super::names::shown(segment));
        }
        out
    }
}

/// What a [`Warning`] is about.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum WarningKind {
    /// An active member has made as many unanswered appeals as suspend a member, or more (but
    /// fewer than make it exit). It can be a true snapshot (Armenia stayed active for years
    /// after its appeals went unanswered), but the model would have suspended it.
    ActiveBeyondSuspension {
        /// The member's unanswered appeals.
        unanswered: u32,
        /// `parameters.events.suspend_after`.
        suspend_after: u32,
    },
    /// A file that extends another empties `events` but keeps the base's name (and
    /// description): the outputs would carry the label of a scenario whose events are gone.
    EventsEmptiedKeepName {
        /// The name kept from the base.
        name: String,
    },
    /// A file that extends another sets a value equal to the one its base sets: the override
    /// changes nothing.
    UnchangedOverride {
        /// The base file whose value it repeats.
        base: String,
    },
    /// A level that a driver sets from the first step (its first point is an absolute value
    /// at the start month): the level never acts, in the dynamics nor as the driver's start.
    LevelHiddenByDriver {
        /// The driver's key path, dotted.
        driver: String,
    },
    /// A driver all of whose points resolve to the level it starts from: it never changes
    /// its quantity within the horizon.
    DriverNeverMoves {
        /// The level.
        level: f64,
    },
    /// An event that can never fire, with the reason (`monthly = 0`; in a branch, a date
    /// before the branch month, when the run still follows its parent).
    EventNeverFires {
        /// Why.
        reason: String,
    },
    /// A level a `[counterfactual]` branch sets differently from its parent that a driver
    /// decides from the branch month on whatever the level.
    LevelHiddenAtBranch {
        /// The driver's key path, dotted.
        driver: String,
        /// The branch month.
        from: String,
    },
    /// `baseline = "self"` in a file that extends nothing: it is its own baseline already.
    BaselineSelfWithoutParent,
    /// A declared outcome that reads only the start month: it is decided before any step,
    /// the same in every run.
    OutcomeSettledAtStart,
    /// A `[counterfactual]` branch whose world, drivers, events and outcomes are its
    /// parent's: every run equals the parent's.
    BranchChangesNothing,
    /// A camp of one power: a nest of one alternative is no nest, so the camp changes
    /// nothing (docs/model.md §10.1).
    OnePowerCamp {
        /// Its power.
        power: String,
    },
    /// A branch with a seed of its own: its runs draw other numbers than its parent's, so
    /// they are not the parent's runs before the branch.
    BranchSeed {
        /// The branch's seed.
        own: u64,
        /// The parent's.
        parent: u64,
    },
    /// A power with a budget but no positive priority: it has nothing to spend on, so its
    /// budget is never spent (docs/model.md §9).
    BudgetWithoutPriority,
    /// Priorities on a power whose budget is 0: it never acts, so they change nothing.
    PrioritiesWithoutBudget,
    /// A priority on a fixed state: its alignment never moves, so no spending can gain it.
    PriorityOnFixedState,
    /// A relation driver or `relation_shift` event on two powers neither of which has a
    /// budget: only an acting power reads a relation (docs/model.md §9), so it changes nothing.
    RelationWithoutBudget {
        /// The first power.
        first: String,
        /// The second power.
        second: String,
    },
    /// A `[[relations]]` entry on two powers neither of which has a budget: only an acting
    /// power reads a relation (docs/model.md §9), so the entry changes nothing.
    DeclaredRelationWithoutBudget {
        /// The first power.
        first: String,
        /// The second power.
        second: String,
    },
    /// `[parameters.powers]` written in a scenario where no power has a budget: only acting
    /// powers read the powers' parameters (docs/model.md §9.6).
    PowerParametersWithoutBudget,
    /// `regime_threat_half_life` written while `regime_security` (ζ) is 0: the regime threat
    /// it decays is read only through ζ (docs/model.md §10.3).
    RegimeHalfLifeWithoutWeight,
    /// A hostile-intervention parameter (`parameters.events.hostile_*`) written in a scenario
    /// where no power has coercion above 0 nor a driver that gives it some: no power is ever
    /// eligible for a hostile decision (docs/model.md §3.4), so nothing reads it.
    HostileParameterUnread,
    /// A camp whose nesting parameter is 1: a nested logit with λ = 1 is the plain logit, so
    /// the camp groups nothing (docs/model.md §10.1).
    CampWithoutNesting,
}

impl fmt::Display for WarningKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WarningKind::ActiveBeyondSuspension {
                unanswered,
                suspend_after,
            } => write!(
                f,
                "an active member with {unanswered} unanswered appeals, though the model suspends a member at its {}: it starts active, and its next unanswered appeal suspends it (set `participation` to `suspended` if it already is)",
                ordinal(*suspend_after)
            ),
            WarningKind::EventsEmptiedKeepName { name } => write!(
                f,
                "this file removes every event of its base but keeps the base's name {name:?} (and description), so the outputs will be labelled as the base scenario; set `name` and `description`"
            ),
            WarningKind::UnchangedOverride { base } => write!(
                f,
                "this value is the same as the one {base} sets, so the override changes nothing; remove it, or give the value you mean"
            ),
            WarningKind::LevelHiddenByDriver { driver } => write!(
                f,
                "`{driver}` sets this quantity from the first step (its first point is a `value` at the start month), so this level never acts; remove the level, start the driver later, or write its first point as `scale` or `add`"
            ),
            WarningKind::DriverNeverMoves { level } => write!(
                f,
                "every point of this path gives the level it starts from, {level}, so the driver never changes its quantity within the horizon"
            ),
            WarningKind::EventNeverFires { reason } => {
                write!(f, "this event can never fire: {reason}")
            }
            WarningKind::LevelHiddenAtBranch { driver, from } => write!(
                f,
                "`{driver}` gives this quantity the same values from the branch month {from} on whatever this level is, so the level never acts; write the driver's points as `scale` or `add`, or start it after the branch"
            ),
            WarningKind::BaselineSelfWithoutParent => write!(
                f,
                "a file that extends nothing is its own baseline already, so this changes nothing; remove it"
            ),
            WarningKind::OutcomeSettledAtStart => write!(
                f,
                "this outcome reads only the start month, so the world's starting values decide it, the same in every run; date it later"
            ),
            WarningKind::BranchChangesNothing => write!(
                f,
                "this branch sets nothing its parent does not, so every run equals the parent's; give the levels, drivers or events that make the what-if"
            ),
            WarningKind::OnePowerCamp { power } => write!(
                f,
                "this camp has one power, {power:?}, and a nest of one alternative is no nest: the camp changes nothing; add the powers whose offers substitute for its, or remove the camp"
            ),
            WarningKind::BranchSeed { own, parent } => write!(
                f,
                "the branch runs on seed {own}, its parent on seed {parent}, so its runs are not the parent's before the branch; remove `seed` to pair them (or compare with `--seed`)"
            ),
            WarningKind::RelationWithoutBudget { first, second } => write!(
                f,
                "neither {first:?} nor {second:?} has a budget, and only a power that acts reads its relations, so moving this relation changes nothing; give one of them a `budget` and `priorities`"
            ),
            WarningKind::BudgetWithoutPriority => write!(
                f,
                "this power has a budget but no positive priority on any state, so it has nothing to spend on and never acts; give it `priorities`"
            ),
            WarningKind::PrioritiesWithoutBudget => write!(
                f,
                "this power has priorities but a budget of 0, so it never acts and the priorities change nothing; give it a `budget`"
            ),
            WarningKind::DeclaredRelationWithoutBudget { first, second } => write!(
                f,
                "neither {first:?} nor {second:?} has a budget, and only a power that acts reads its relations, so this relation changes nothing; give one of them a `budget` and `priorities`, or remove the entry"
            ),
            WarningKind::PowerParametersWithoutBudget => write!(
                f,
                "no power has a budget, so no power acts and nothing reads these parameters; give a power a `budget` and `priorities`, or remove the table"
            ),
            WarningKind::RegimeHalfLifeWithoutWeight => write!(
                f,
                "`regime_security` is 0, so the regime threat this half-life decays is never read; set `regime_security` above 0, or remove the key"
            ),
            WarningKind::HostileParameterUnread => write!(
                f,
                "no power has coercion above 0 or a driver that gives it some, so no power ever decides on a hostile intervention and nothing reads this parameter; give a power `coercion`, or remove the key"
            ),
            WarningKind::CampWithoutNesting => write!(
                f,
                "a nesting parameter of 1 is the plain logit: the camp's powers substitute for each other no more than for any other power, so the camp acts as no camp; set `nesting` below 1, or remove the camp"
            ),
            WarningKind::PriorityOnFixedState => write!(
                f,
                "this state is fixed (its alignment never moves), so no spending on it can gain anything; remove the priority"
            ),
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, self.line) {
            (Some(file), Some(line)) => write!(f, "{}:{line}: ", file.display())?,
            (Some(file), None) => write!(f, "{}: ", file.display())?,
            _ => {}
        }
        write!(f, "`{}`: {}", self.key(), self.kind)
    }
}

/// `1st`, `2nd`, `3rd`, `4th`, … `11th`, `21st`.
fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}
