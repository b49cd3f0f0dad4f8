//! `[[events]]` entries: from the raw file to typed, checked events.
//!
//! The file format's part is small: each entry is deserialised into
//! [`EventFields`](crate::sim::events::EventFields), each key with the type the event kinds
//! declare for it (so an unknown key or a wrong type is reported by the typed pass with its
//! line and column, like any other key of the file); the simulation layer reads the fields
//! against the world ([`crate::sim::events::read_entry`]) and the scenario checks them as it
//! would an event built in code ([`crate::Scenario::add_event`]); and each refusal is
//! mapped back to its file, line and key path (`events[2].delivery_cut.trade`).

use super::error::{Problem, ScenarioError};
use super::raw::{self, RawChannels, RawScenario};
use super::validate::{Ctx, Names};
use crate::model::YearMonth;
use crate::sim::events::kinds::{all_keys, key_type};
use crate::sim::events::{
    read_entry, EventError, EventFields, EventProblem, FieldType, FieldValue, Item, Timed,
};
use crate::sim::{Scenario, ScenarioRuleError};
use indexmap::IndexMap;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use std::fmt;

type Result<T> = std::result::Result<T, ScenarioError>;

/// The event kinds a scenario may write.
pub(crate) const EVENT_KINDS: [&str; crate::sim::events::KINDS.len()] = crate::sim::events::KINDS;

/// One `[[events]]` entry: its keys and values, each of the type its key has in the event
/// kinds (which keys a kind takes is checked when the entry is read).
#[derive(Debug, Default)]
pub(crate) struct RawEvent(pub EventFields);

impl<'de> Deserialize<'de> for RawEvent {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        // Read as a struct whose fields are every key of every kind, so that serde's messages
        // ("unknown field", "invalid type") are those of a derived struct.
        deserializer.deserialize_struct("RawEvent", all_keys(), Entry)
    }
}

/// Visits an entry's table.
struct Entry;

impl<'de> Visitor<'de> for Entry {
    type Value = RawEvent;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("struct RawEvent")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<RawEvent, A::Error> {
        let mut fields = EventFields::new();
        while let Some((key, ty)) = map.next_key_seed(KeyName)? {
            let value = match ty {
                FieldType::Number => FieldValue::Number(map.next_value()?),
                FieldType::Bool => FieldValue::Bool(map.next_value()?),
                FieldType::Date => FieldValue::Text(map.next_value_seed(Month)?),
                FieldType::Name => FieldValue::Text(map.next_value()?),
                FieldType::Names => FieldValue::Names(map.next_value()?),
                FieldType::Channels => {
                    let channels: RawChannels = map.next_value()?;
                    FieldValue::Channels(channels.as_array().map(|v| v.copied()))
                }
                FieldType::Weights => {
                    let weights: IndexMap<String, f64> = map.next_value()?;
                    FieldValue::Weights(weights.into_iter().collect())
                }
            };
            fields.insert(key, value);
        }
        Ok(RawEvent(fields))
    }
}

/// A key of an entry, with its type; a key no kind takes is an unknown field.
struct KeyName;

impl<'de> DeserializeSeed<'de> for KeyName {
    type Value = (&'static str, FieldType);

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Self::Value, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for KeyName {
    type Value = (&'static str, FieldType);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("field identifier")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Self::Value, E> {
        key_type(v).ok_or_else(|| E::unknown_field(v, all_keys()))
    }
}

/// A month written as a quoted string ([`raw::date`]).
struct Month;

impl<'de> DeserializeSeed<'de> for Month {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<String, D::Error> {
        raw::date(d)
    }
}

/// Read each `[[events]]` entry against the world and the horizon and add it to `scenario`,
/// whose checks are the events' rules; entry by entry, so the first faulty entry in file
/// order is the one reported.
pub(super) fn build_events(
    ctx: &Ctx<'_>,
    raw: &RawScenario,
    names: &Names<'_>,
    start: YearMonth,
    scenario: &mut Scenario,
) -> Result<()> {
    for (n, entry) in raw.events.iter().flatten().enumerate() {
        let fields = &entry.0;
        let added = match read_entry(fields, names.world, start, scenario.steps()) {
            Ok(Timed::Scheduled(event)) => scenario.add_event(event),
            Ok(Timed::Hazard(hazard)) => scenario.add_hazard(hazard),
            Err(error) => return Err(located(ctx, n, fields, error, start)),
        };
        added.map_err(|error| match error {
            ScenarioRuleError::Event { error, .. } => located(ctx, n, fields, error, start),
            other => ctx.error(
                vec!["events".to_string(), format!("[{n}]")],
                Problem::Scenario(other),
            ),
        })?;
    }
    Ok(())
}

/// An entry's refusal at its file, line and key path, as the loader's [`Problem`].
fn located(
    ctx: &Ctx<'_>,
    n: usize,
    fields: &EventFields,
    error: EventError,
    start: YearMonth,
) -> ScenarioError {
    let mut path = vec![
        "events".to_string(),
        format!("[{n}]"),
        error.field.to_string(),
    ];
    match &error.item {
        Some(Item::Index(i)) => path.push(format!("[{i}]")),
        Some(Item::Key(k)) => path.push(k.clone()),
        None => {}
    }
    let month = |step: u32| start.add_months(step).to_string();
    let problem = match error.problem {
        EventProblem::Missing => Problem::Missing,
        EventProblem::UnknownName { kind, name, known } => {
            Problem::UnknownName { kind, name, known }
        }
        EventProblem::OutOfRange { value, min, max } => Problem::OutOfRange { value, min, max },
        EventProblem::NotFinite { value } => Problem::NotFinite { value },
        EventProblem::NotAMember { name } => Problem::NotAMember { name },
        EventProblem::BadDate { text } => Problem::BadDate { text },
        EventProblem::StepOutsideHorizon { step, first, last } => Problem::DateOutsideHorizon {
            // The date as written, normalised; a step from a file always comes from one.
            date: fields
                .text(error.field)
                .and_then(|t| t.parse::<YearMonth>().ok())
                .map_or_else(|| step.to_string(), |d| d.to_string()),
            start: month(first),
            end: month(last),
        },
        EventProblem::StepsNotIncreasing { previous, step } => Problem::DatesNotIncreasing {
            previous: month(previous),
            date: month(step),
        },
        EventProblem::NotForKind { kind, allowed } => Problem::NotForKind { kind, allowed },
        EventProblem::UnknownKind { kind } => Problem::UnknownKind { kind },
        EventProblem::TimingAmbiguous => Problem::TimingAmbiguous,
        EventProblem::Duplicate { name } => Problem::Duplicate { name },
        EventProblem::SameStates => Problem::SameStates,
        EventProblem::WeightsAboveOne { sum } => Problem::WeightsAboveOne { sum },
        // Not reachable from a file: names resolve to ids that exist, and the typed pass gives
        // every key the type of its kind. Reported all the same rather than lost.
        EventProblem::UnknownId { id, count, .. } => Problem::OutOfRange {
            value: f64::from(id),
            min: 0.0,
            max: count.saturating_sub(1) as f64,
        },
        other => {
            let message = other.to_string();
            return match ctx.error(path, Problem::Missing) {
                ScenarioError::Invalid {
                    file, line, key, ..
                } => ScenarioError::Syntax {
                    file,
                    line,
                    column: None,
                    key: Some(key),
                    message,
                },
                located => located,
            };
        }
    };
    ctx.error(path, problem)
}
