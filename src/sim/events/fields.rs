//! Events as a table of fields, the form a scenario file gives them in: each key holds a
//! number, a flag, a date, a name, a list of names, a value per channel or a weight per name.
//! The file loader turns an `[[events]]` entry into [`EventFields`]; [`read_entry`] resolves
//! its names and dates against the world and its horizon, hands the kind's fields to the
//! kind's module ([`super::kinds`]) and checks the result with the same rules as an event
//! built in code ([`super::check`]).

use super::check::{self, EventError, EventProblem, Item};
use super::kinds::{self, Event};
use super::{Hazard, ScheduledEvent};
use crate::model::{Channel, InstitutionId, PerChannel, PowerId, StateId, World, YearMonth};
use std::fmt;

/// The keys of every event, whatever its kind: its kind and its timing (`at` for a scheduled
/// event; `monthly`, `from` and `until` for a hazard).
pub const TIMING_KEYS: &[Key] = &[
    Key::new("kind", FieldType::Name),
    Key::new("at", FieldType::Date),
    Key::new("monthly", FieldType::Number),
    Key::new("from", FieldType::Date),
    Key::new("until", FieldType::Date),
];

/// The type of value a field holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldType {
    /// A number.
    Number,
    /// `true` or `false`.
    Bool,
    /// A month, `YYYY-MM`.
    Date,
    /// The name of a power, state, institution, channel or event kind.
    Name,
    /// A list of names.
    Names,
    /// A number per channel, each optional.
    Channels,
    /// A number per name (a power), in the order written.
    Weights,
}

impl fmt::Display for FieldType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FieldType::Number => "a number",
            FieldType::Bool => "true or false",
            FieldType::Date => "a month written YYYY-MM",
            FieldType::Name => "a name",
            FieldType::Names => "a list of names",
            FieldType::Channels => "a number per channel",
            FieldType::Weights => "a number per name",
        })
    }
}

/// A key an event takes and the type of its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key {
    /// The key as a scenario file writes it.
    pub name: &'static str,
    /// The type of its value.
    pub ty: FieldType,
}

impl Key {
    /// A key and its type.
    pub const fn new(name: &'static str, ty: FieldType) -> Self {
        Key { name, ty }
    }
}

/// The value of one field.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldValue {
    /// [`FieldType::Number`].
    Number(f64),
    /// [`FieldType::Bool`].
    Bool(bool),
    /// [`FieldType::Date`] or [`FieldType::Name`], as written.
    Text(String),
    /// [`FieldType::Names`].
    Names(Vec<String>),
    /// [`FieldType::Channels`], in [`Channel`] index order.
    Channels([Option<f64>; Channel::COUNT]),
    /// [`FieldType::Weights`].
    Weights(Vec<(String, f64)>),
}

/// One event as a table of fields, in the order given.
///
/// # Examples
///
/// ```
/// use geoalign::sim::events::{read_entry, EventFields, FieldValue, Timed};
/// let scenario = geoalign::presets::eurasia_2025();
/// let mut fields = EventFields::new();
/// fields.insert("kind", FieldValue::Text("peace".into()));
/// fields.insert("at", FieldValue::Text("2025-06".into()));
/// fields.insert("power", FieldValue::Text("Russia".into()));
/// let entry = read_entry(&fields, scenario.world(), scenario.start(), scenario.steps()).unwrap();
/// assert!(matches!(entry, Timed::Scheduled(e) if e.step == 5 && e.event.kind() == "peace"));
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EventFields {
    entries: Vec<(&'static str, FieldValue)>,
}

impl EventFields {
    /// No fields.
    pub fn new() -> Self {
        Self::default()
    }

    /// Set `key` to `value` (replacing an earlier value).
    pub fn insert(&mut self, key: &'static str, value: FieldValue) {
        match self.entries.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => self.entries.push((key, value)),
        }
    }

    /// The value of `key`, if given.
    pub fn get(&self, key: &str) -> Option<&FieldValue> {
        self.entries.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// The keys given, in order.
    pub fn keys(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.entries.iter().map(|(k, _)| *k)
    }

    /// The text of a date or name field, if given as text.
    pub fn text(&self, key: &str) -> Option<&str> {
        match self.get(key) {
            Some(FieldValue::Text(t)) => Some(t),
            _ => None,
        }
    }
}

/// The fields of one event read against a world and a horizon: names resolved to ids, dates
/// to steps, defaults filled in. Each lookup reports an [`EventError`] naming the field.
pub struct FieldReader<'a> {
    fields: &'a EventFields,
    world: &'a World,
    start: YearMonth,
    steps: u32,
}

impl<'a> FieldReader<'a> {
    /// Read `fields` in `world`, whose step 0 is `start`, over `steps` steps.
    pub fn new(fields: &'a EventFields, world: &'a World, start: YearMonth, steps: u32) -> Self {
        FieldReader {
            fields,
            world,
            start,
            steps,
        }
    }

    /// The world the names are resolved in.
    pub fn world(&self) -> &'a World {
        self.world
    }

    fn wrong(key: &'static str, expected: FieldType) -> EventError {
        EventError::new(key, EventProblem::WrongType { expected })
    }

    /// An optional number.
    pub fn optional_number(&self, key: &'static str) -> Result<Option<f64>, EventError> {
        match self.fields.get(key) {
            None => Ok(None),
            Some(FieldValue::Number(v)) => Ok(Some(*v)),
            Some(_) => Err(Self::wrong(key, FieldType::Number)),
        }
    }

    /// A required number.
    pub fn number(&self, key: &'static str) -> Result<f64, EventError> {
        self.optional_number(key)?
            .ok_or_else(|| EventError::new(key, EventProblem::Missing))
    }

    /// A number, `default` when absent.
    pub fn number_or(&self, key: &'static str, default: f64) -> Result<f64, EventError> {
        Ok(self.optional_number(key)?.unwrap_or(default))
    }

    /// An optional flag.
    pub fn optional_bool(&self, key: &'static str) -> Result<Option<bool>, EventError> {
        match self.fields.get(key) {
            None => Ok(None),
            Some(FieldValue::Bool(v)) => Ok(Some(*v)),
            Some(_) => Err(Self::wrong(key, FieldType::Bool)),
        }
    }

    /// An optional name.
    pub fn optional_name(&self, key: &'static str) -> Result<Option<&'a str>, EventError> {
        match self.fields.get(key) {
            None => Ok(None),
            Some(FieldValue::Text(v)) => Ok(Some(v)),
            Some(_) => Err(Self::wrong(key, FieldType::Name)),
        }
    }

    /// A required name.
    pub fn name(&self, key: &'static str) -> Result<&'a str, EventError> {
        self.optional_name(key)?
            .ok_or_else(|| EventError::new(key, EventProblem::Missing))
    }

    /// An optional list of names.
    pub fn optional_names(&self, key: &'static str) -> Result<Option<&'a [String]>, EventError> {
        match self.fields.get(key) {
            None => Ok(None),
            Some(FieldValue::Names(v)) => Ok(Some(v)),
            Some(_) => Err(Self::wrong(key, FieldType::Names)),
        }
    }

    /// A value per channel, `default` for channels not given. (Ranges are the kind's rules.)
    pub fn channels(&self, key: &'static str, default: f64) -> Result<PerChannel, EventError> {
        match self.fields.get(key) {
            None => Ok([default; Channel::COUNT]),
            Some(FieldValue::Channels(values)) => Ok(values.map(|v| v.unwrap_or(default))),
            Some(_) => Err(Self::wrong(key, FieldType::Channels)),
        }
    }

    /// A channel by name.
    pub fn channel(&self, key: &'static str) -> Result<Channel, EventError> {
        let name = self.name(key)?;
        Channel::ALL
            .into_iter()
            .find(|c| c.name() == name)
            .ok_or_else(|| {
                EventError::new(
                    key,
                    EventProblem::UnknownName {
                        kind: "channel",
                        name: name.to_string(),
                        known: Channel::ALL.iter().map(|c| c.name().to_string()).collect(),
                    },
                )
            })
    }

    fn resolve(
        kind: &'static str,
        name: &str,
        found: Option<u32>,
        known: impl Iterator<Item = &'a String>,
    ) -> Result<u32, EventProblem> {
        found.ok_or_else(|| EventProblem::UnknownName {
            kind,
            name: name.to_string(),
            known: known.cloned().collect(),
        })
    }

    fn power_named(&self, name: &str) -> Result<PowerId, EventProblem> {
        let w = self.world;
        let id = w.power_id(name).map(|p| p.0);
        Self::resolve("power", name, id, w.powers().iter().map(|p| &p.name)).map(PowerId)
    }

    fn state_named(&self, name: &str) -> Result<StateId, EventProblem> {
        let w = self.world;
        let id = w.state_id(name).map(|s| s.0);
        Self::resolve("state", name, id, w.states().iter().map(|s| &s.name)).map(StateId)
    }

    /// An optional power by name.
    pub fn optional_power(&self, key: &'static str) -> Result<Option<PowerId>, EventError> {
        self.optional_name(key)?
            .map(|n| self.power_named(n).map_err(|p| EventError::new(key, p)))
            .transpose()
    }

    /// A required power by name.
    pub fn power(&self, key: &'static str) -> Result<PowerId, EventError> {
        self.power_named(self.name(key)?)
            .map_err(|p| EventError::new(key, p))
    }

    /// An optional state by name.
    pub fn optional_state(&self, key: &'static str) -> Result<Option<StateId>, EventError> {
        self.optional_name(key)?
            .map(|n| self.state_named(n).map_err(|p| EventError::new(key, p)))
            .transpose()
    }

    /// A required state by name.
    pub fn state(&self, key: &'static str) -> Result<StateId, EventError> {
        self.state_named(self.name(key)?)
            .map_err(|p| EventError::new(key, p))
    }

    /// An optional institution by name.
    pub fn optional_institution(
        &self,
        key: &'static str,
    ) -> Result<Option<InstitutionId>, EventError> {
        let w = self.world;
        self.optional_name(key)?
            .map(|name| {
                let id = w.institution_id(name).map(|i| i.0);
                Self::resolve(
                    "institution",
                    name,
                    id,
                    w.institutions().iter().map(|i| &i.name),
                )
                .map(InstitutionId)
                .map_err(|p| EventError::new(key, p))
            })
            .transpose()
    }

    /// An optional list of powers by name (whether they are distinct is a rule of the kind).
    pub fn optional_powers(&self, key: &'static str) -> Result<Option<Vec<PowerId>>, EventError> {
        self.list(key, |name| self.power_named(name))
    }

    /// An optional list of states by name.
    pub fn optional_states(&self, key: &'static str) -> Result<Option<Vec<StateId>>, EventError> {
        self.list(key, |name| self.state_named(name))
    }

    fn list<T>(
        &self,
        key: &'static str,
        resolve: impl Fn(&str) -> Result<T, EventProblem>,
    ) -> Result<Option<Vec<T>>, EventError> {
        let Some(names) = self.optional_names(key)? else {
            return Ok(None);
        };
        let mut out = Vec::with_capacity(names.len());
        for (n, name) in names.iter().enumerate() {
            out.push(resolve(name).map_err(|p| EventError::new(key, p).at(Item::Index(n)))?);
        }
        Ok(Some(out))
    }

    /// Weights per power by name, in the order written; empty when absent.
    pub fn power_weights(&self, key: &'static str) -> Result<Vec<(PowerId, f64)>, EventError> {
        match self.fields.get(key) {
            None => Ok(Vec::new()),
            Some(FieldValue::Weights(pairs)) => pairs
                .iter()
                .map(|(name, w)| {
                    self.power_named(name)
                        .map(|p| (p, *w))
                        .map_err(|p| EventError::new(key, p).at(Item::Key(name.clone())))
                })
                .collect(),
            Some(_) => Err(Self::wrong(key, FieldType::Weights)),
        }
    }

    /// An optional date as a step of the horizon (1 to its last step).
    pub fn optional_step(&self, key: &'static str) -> Result<Option<u32>, EventError> {
        let Some(text) = self.fields.get(key) else {
            return Ok(None);
        };
        let FieldValue::Text(text) = text else {
            return Err(Self::wrong(key, FieldType::Date));
        };
        let date: YearMonth = text
            .parse()
            .map_err(|_| EventError::new(key, EventProblem::BadDate { text: text.clone() }))?;
        check::step(key, date.months_since(self.start), self.steps).map(Some)
    }
}

/// An event with its timing.
#[derive(Clone, Debug, PartialEq)]
pub enum Timed {
    /// Fixed to a step.
    Scheduled(ScheduledEvent),
    /// Left to a monthly hazard.
    Hazard(Hazard),
}

/// Read one event entry: its kind, the keys that kind takes, its timing (exactly one of `at`
/// and `monthly`, with an optional `from`/`until` window for a hazard) and its fields. The
/// rules of its values ([`check::check_scheduled`], [`check::check_hazard`]) are checked once,
/// when the event is added to a scenario ([`crate::Scenario::add_event`],
/// [`crate::Scenario::add_hazard`]), as for an event built in code.
pub fn read_entry(
    fields: &EventFields,
    world: &World,
    start: YearMonth,
    steps: u32,
) -> Result<Timed, EventError> {
    let reader = FieldReader::new(fields, world, start, steps);
    let written = reader.name("kind")?;
    let kind = kinds::find(written).ok_or_else(|| {
        EventError::new(
            "kind",
            EventProblem::UnknownKind {
                kind: written.to_string(),
            },
        )
    })?;
    let takes = |key: &str| TIMING_KEYS.iter().chain(kind.keys).any(|k| k.name == key);
    if let Some(bad) = fields.keys().find(|k| !takes(k)) {
        let allowed = TIMING_KEYS
            .iter()
            .chain(kind.keys)
            .map(|k| k.name)
            .collect();
        return Err(EventError::new(
            bad,
            EventProblem::NotForKind {
                kind: kind.name.to_string(),
                allowed,
            },
        ));
    }
    let given = |key: &str| fields.get(key).is_some();
    let at = match (given("at"), given("monthly")) {
        (true, false) => {
            if given("from") || given("until") {
                let field = if given("from") { "from" } else { "until" };
                return Err(EventError::new(field, EventProblem::TimingAmbiguous));
            }
            reader.optional_step("at")?
        }
        (false, true) => None,
        _ => return Err(EventError::new("at", EventProblem::TimingAmbiguous)),
    };
    let event: Event = (kind.read)(&reader)?;
    match at {
        Some(step) => Ok(Timed::Scheduled(ScheduledEvent { step, event })),
        None => {
            let hazard = Hazard {
                monthly: reader.number("monthly")?,
                from: reader.optional_step("from")?.unwrap_or(1),
                until: reader.optional_step("until")?.unwrap_or(steps),
                event,
            };
            Ok(Timed::Hazard(hazard))
        }
    }
}
