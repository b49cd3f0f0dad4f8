//! The rules every event obeys, one set for events read from scenario files and events built
//! in code: ids that exist in the world, numbers in their ranges, distinct lists, steps inside
//! the horizon. A broken rule is an [`EventError`] naming the field and what is wrong with it.
//!
//! Each kind states its own rules in its module ([`super::kinds`]); this module holds the
//! shared ones and the checks of a whole scheduled event or hazard.

use super::{Event, Hazard, ScheduledEvent};
use crate::model::bounds::{within, Refused};
use crate::model::{InstitutionId, PowerId, StateId, World};
use std::fmt;

/// Largest immediate cut (sanctions' delivery cut, a remittance shock): below 1, so that a
/// scaled quantity never vanishes for good and can recover.
pub const MAX_DEPTH: f64 = 1.0 - 1e-9;

/// An event that breaks a rule: the field, the entry within it (a list index or a table key)
/// and the problem.
///
/// # Examples
///
/// ```
/// use geoalign::model::PowerId;
/// use geoalign::sim::events::kinds::Peace;
/// use geoalign::sim::events::{check_event, EventProblem};
/// let scenario = geoalign::presets::eurasia_2025();
/// let err = check_event(&Peace { power: PowerId(42) }.into(), scenario.world(), 120).unwrap_err();
/// assert_eq!(err.field, "power");
/// assert!(matches!(err.problem, EventProblem::UnknownId { kind: "power", id: 42, .. }));
/// assert_eq!(err.to_string(), "`power`: power id 42 does not exist; the world has 6 powers");
/// ```
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("`{}`: {problem}", self.key())]
pub struct EventError {
    /// The field, as a scenario file writes its key (`state`, `delivery_cut`, `at`, …).
    pub field: &'static str,
    /// The entry of the field at fault, for a list or a table.
    pub item: Option<Item>,
    /// What is wrong.
    pub problem: EventProblem,
}

/// An entry within a field: a list position or a table key.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// The position in a list, from 0.
    Index(usize),
    /// The key in a table (a channel or a power name).
    Key(String),
}

impl EventError {
    /// An error on the whole field.
    pub fn new(field: &'static str, problem: EventProblem) -> Self {
        EventError {
            field,
            item: None,
            problem,
        }
    }

    /// The same error on one entry of the field.
    pub fn at(mut self, item: Item) -> Self {
        self.item = Some(item);
        self
    }

    /// The key path within the event, as a scenario file writes it: `by[1]`,
    /// `delivery_cut.trade`.
    pub fn key(&self) -> String {
        match &self.item {
            None => self.field.to_string(),
            Some(Item::Index(i)) => format!("{}[{i}]", self.field),
            Some(Item::Key(k)) => format!("{}.{k}", self.field),
        }
    }
}

/// What is wrong with an event's field.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum EventProblem {
    /// A required field is absent, or a list that needs an entry is empty.
    Missing,
    /// A field holds a value of another type than its kind declares (for fields built in code).
    WrongType {
        /// The type the kind declares.
        expected: super::FieldType,
    },
    /// A name that the world does not define.
    UnknownName {
        /// `power`, `state`, `institution` or `channel`.
        kind: &'static str,
        /// The name as written.
        name: String,
        /// The names that are defined.
        known: Vec<String>,
    },
    /// An id past the end of the world's list (an event built in code).
    UnknownId {
        /// `power`, `state` or `institution`.
        kind: &'static str,
        /// The id.
        id: u32,
        /// How many the world has.
        count: usize,
    },
    /// A number outside its allowed range.
    OutOfRange {
        /// The value.
        value: f64,
        /// The smallest allowed value.
        min: f64,
        /// The largest allowed value.
        max: f64,
    },
    /// NaN or an infinity.
    NotFinite {
        /// The value.
        value: f64,
    },
    /// A state that is not a member of the institution concerned (or, for a contingent, shares
    /// no bloc with a leader with the state in unrest).
    NotAMember {
        /// The state's name.
        name: String,
    },
    /// A date that is not `YYYY-MM`.
    BadDate {
        /// The text as written.
        text: String,
    },
    /// A step outside the horizon.
    StepOutsideHorizon {
        /// The step (months after the start; negative before it).
        step: i64,
        /// The first allowed step.
        first: u32,
        /// The last allowed step.
        last: u32,
    },
    /// A step that must follow another does not.
    StepsNotIncreasing {
        /// The earlier step.
        previous: u32,
        /// The offending step.
        step: u32,
    },
    /// A field that the event's kind does not take.
    NotForKind {
        /// The kind.
        kind: String,
        /// The fields it takes, timing included.
        allowed: Vec<&'static str>,
    },
    /// A `kind` that names no kind.
    UnknownKind {
        /// The kind as written.
        kind: String,
    },
    /// Both or neither of `at` and `monthly`.
    TimingAmbiguous,
    /// A list that must name distinct entries names one twice (or a power opposed to itself).
    Duplicate {
        /// The repeated name.
        name: String,
    },
    /// The two states of a border clash, or an appellant and its adversary, are the same.
    SameStates,
    /// Weights that must sum to at most 1 sum to more.
    WeightsAboveOne {
        /// Their sum.
        sum: f64,
    },
}

impl fmt::Display for EventProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EventProblem::Missing => write!(f, "this field is required but missing or empty"),
            EventProblem::WrongType { expected } => write!(f, "must be {expected}"),
            EventProblem::UnknownName { kind, name, known } => {
                write!(
                    f,
                    "unknown {kind} `{name}`; the world defines: {}",
                    known.join(", ")
                )
            }
            EventProblem::UnknownId { kind, id, count } => {
                write!(
                    f,
                    "{kind} id {id} does not exist; the world has {count} {kind}s"
                )
            }
            EventProblem::OutOfRange { value, min, max } => {
                write!(f, "must be in [{min}, {max}], got {value}")
            }
            EventProblem::NotFinite { value } => write!(f, "must be a finite number, got {value}"),
            EventProblem::NotAMember { name } => {
                write!(f, "`{name}` is not a member of the institution concerned")
            }
            EventProblem::BadDate { text } => {
                write!(
                    f,
                    "`{text}` is not a date of the form YYYY-MM (month 01 to 12)"
                )
            }
            EventProblem::StepOutsideHorizon { step, first, last } => {
                write!(f, "step {step} is outside the steps {first} to {last}")
            }
            EventProblem::StepsNotIncreasing { previous, step } => {
                write!(f, "step {step} must come after step {previous}")
            }
            EventProblem::NotForKind { kind, allowed } => write!(
                f,
                "an event of kind `{kind}` does not take this field; it takes: {}",
                allowed.join(", ")
            ),
            EventProblem::UnknownKind { kind } => write!(
                f,
                "unknown event kind `{kind}`; the kinds are: {}",
                super::KINDS.join(", ")
            ),
            EventProblem::TimingAmbiguous => {
                write!(f, "an event needs exactly one of `at` and `monthly`")
            }
            EventProblem::Duplicate { name } => write!(f, "`{name}` is listed twice"),
            EventProblem::SameStates => write!(f, "needs two different states"),
            EventProblem::WeightsAboveOne { sum } => {
                write!(
                    f,
                    "these weights must sum to at most 1, but they sum to {sum}"
                )
            }
        }
    }
}

/// Check an event built in code (or read from a file) against `world` and a horizon of
/// `steps`: the rules of its kind, exactly those the scenario loader applies.
pub fn check_event(event: &Event, world: &World, steps: u32) -> Result<(), EventError> {
    event.check(world, steps)
}

/// Check a scheduled event: its step inside the horizon (1 to `steps`), the event, and an end
/// (of a war or sanctions) after the step it fires at.
pub fn check_scheduled(
    scheduled: &ScheduledEvent,
    world: &World,
    steps: u32,
) -> Result<(), EventError> {
    step("at", i64::from(scheduled.step), steps)?;
    check_event(&scheduled.event, world, steps)?;
    match scheduled.event.ends() {
        Some(end) if end <= scheduled.step => Err(EventError::new(
            "ends",
            EventProblem::StepsNotIncreasing {
                previous: scheduled.step,
                step: end,
            },
        )),
        _ => Ok(()),
    }
}

/// Check a hazard: the event, its monthly probability in [0, 1], and its window `from ≤
/// until` inside the horizon.
pub fn check_hazard(hazard: &Hazard, world: &World, steps: u32) -> Result<(), EventError> {
    check_event(&hazard.event, world, steps)?;
    unit("monthly", hazard.monthly)?;
    step("from", i64::from(hazard.from), steps)?;
    step("until", i64::from(hazard.until), steps)?;
    if hazard.until < hazard.from {
        return Err(EventError::new(
            "until",
            EventProblem::StepsNotIncreasing {
                previous: hazard.from,
                step: hazard.until,
            },
        ));
    }
    Ok(())
}

/// A step from 1 (the first month after the start) to `steps`.
pub(crate) fn step(field: &'static str, step: i64, steps: u32) -> Result<u32, EventError> {
    if step < 1 || step > i64::from(steps) {
        return Err(EventError::new(
            field,
            EventProblem::StepOutsideHorizon {
                step,
                first: 1,
                last: steps,
            },
        ));
    }
    Ok(step as u32)
}

/// A finite number in `[min, max]`.
pub(crate) fn number(
    field: &'static str,
    value: f64,
    min: f64,
    max: f64,
) -> Result<(), EventError> {
    in_range(value, min, max).map_err(|problem| EventError::new(field, problem))
}

/// A finite number in [0, 1].
pub(crate) fn unit(field: &'static str, value: f64) -> Result<(), EventError> {
    number(field, value, 0.0, 1.0)
}

/// The problem of `value` outside `[min, max]`, if any.
pub(crate) fn in_range(value: f64, min: f64, max: f64) -> Result<(), EventProblem> {
    within(value, (min, max)).map_err(|refused| match refused {
        Refused::NotFinite => EventProblem::NotFinite { value },
        Refused::OutOfRange => EventProblem::OutOfRange { value, min, max },
    })
}

/// A power of the world.
pub(crate) fn power(world: &World, field: &'static str, id: PowerId) -> Result<(), EventError> {
    exists("power", id.0, world.powers().len()).map_err(|p| EventError::new(field, p))
}

/// A state of the world.
pub(crate) fn state(world: &World, field: &'static str, id: StateId) -> Result<(), EventError> {
    exists("state", id.0, world.states().len()).map_err(|p| EventError::new(field, p))
}

/// An institution of the world.
pub(crate) fn institution(
    world: &World,
    field: &'static str,
    id: InstitutionId,
) -> Result<(), EventError> {
    exists("institution", id.0, world.institutions().len()).map_err(|p| EventError::new(field, p))
}

fn exists(kind: &'static str, id: u32, count: usize) -> Result<(), EventProblem> {
    if id as usize >= count {
        return Err(EventProblem::UnknownId { kind, id, count });
    }
    Ok(())
}

/// A list of distinct powers of the world; `nonempty` when the field needs at least one.
pub(crate) fn powers(
    world: &World,
    field: &'static str,
    ids: &[PowerId],
    nonempty: bool,
) -> Result<(), EventError> {
    if nonempty && ids.is_empty() {
        return Err(EventError::new(field, EventProblem::Missing));
    }
    for (n, &id) in ids.iter().enumerate() {
        power(world, field, id).map_err(|e| e.at(Item::Index(n)))?;
    }
    distinct(field, ids, |p| world.powers()[p.index()].name.clone())
}

/// A list of distinct states of the world.
pub(crate) fn states(
    world: &World,
    field: &'static str,
    ids: &[StateId],
) -> Result<(), EventError> {
    for (n, &id) in ids.iter().enumerate() {
        state(world, field, id).map_err(|e| e.at(Item::Index(n)))?;
    }
    distinct(field, ids, |s| world.states()[s.index()].name.clone())
}

/// No entry twice: the first repeat is reported at its position.
fn distinct<T: Copy + PartialEq>(
    field: &'static str,
    ids: &[T],
    name: impl Fn(T) -> String,
) -> Result<(), EventError> {
    for (n, &id) in ids.iter().enumerate() {
        if ids[..n].contains(&id) {
            return Err(
                EventError::new(field, EventProblem::Duplicate { name: name(id) })
                    .at(Item::Index(n)),
            );
        }
    }
    Ok(())
}

/// An optional institution that has every one of `members`.
pub(crate) fn bloc_with(
    world: &World,
    field: &'static str,
    bloc: Option<InstitutionId>,
    members: &[StateId],
) -> Result<(), EventError> {
    let Some(b) = bloc else { return Ok(()) };
    institution(world, field, b)?;
    let inst = &world.institutions()[b.index()];
    for s in members {
        if !inst.members.iter().any(|&(m, _)| m == *s) {
            return Err(EventError::new(
                field,
                EventProblem::NotAMember {
                    name: world.states()[s.index()].name.clone(),
                },
            ));
        }
    }
    Ok(())
}
