//! The event kinds, one module each: its keys in scenario files, how it is read from them,
//! its rules, its effect on a run and its line in the event log. The list at the bottom of
//! this file is the registry: it declares each kind's module and its [`Event`] variant, and
//! everything that dispatches on the kind (the variant's name in files, reading, checks,
//! effects, descriptions, the keys a file may write) is derived from it.
//!
//! # Adding a kind
//!
//! Write `kinds/my_kind.rs` with a struct `MyKind` (its fields, `Clone + Debug + PartialEq +
//! Serialize + Deserialize`) implementing [`EventKind`], and add one line
//! `my_kind::MyKind,` (with its doc comment) to the registry. `NAME` must be the struct's
//! name in snake case, the tag serde writes for the variant (a test checks it).

use super::check::EventError;
use super::fields::{FieldReader, FieldType, Key, TIMING_KEYS};
use super::EventOutcome;
use crate::model::{InstitutionId, PowerId, StateId, World};
use crate::sim::RunState;
use rand::Rng;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

pub mod membership;
pub(crate) use membership::cannot_act;

/// One kind of event: its name and keys in scenario files, how it is read from them, the
/// rules its values obey, what it does to a run, and how the event log names it.
pub trait EventKind: Sized {
    /// The kind as scenario files write it (`kind = "war"`).
    const NAME: &'static str;
    /// The keys it takes besides the timing keys ([`TIMING_KEYS`]), with their types.
    const KEYS: &'static [Key];

    /// Read it from an entry's fields: names resolved, dates turned into steps, defaults
    /// filled in. The value rules are [`EventKind::check`]'s.
    fn read(fields: &FieldReader<'_>) -> Result<Self, EventError>;

    /// The rules its values obey in `world` over a horizon of `steps`: ids that exist, numbers
    /// in range, distinct lists, steps inside the horizon.
    fn check(&self, world: &World, steps: u32) -> Result<(), EventError>;

    /// The step at which its cause ends, if it has one (a war, sanctions); it must come after
    /// the step the event fires at.
    fn ends(&self) -> Option<u32> {
        None
    }

    /// Bring its shares to the one simplex rule ([`crate::model::SIMPLEX_TOLERANCE`]): weights
    /// that sum to 1 within the tolerance are divided by their sum. Called once the event has
    /// passed [`EventKind::check`]; nothing to do for a kind without shares.
    fn normalise(&mut self) {}

    /// Apply it to a run at `step`. A value left to chance (a severity, a rival) is drawn from
    /// `rng` and written back, so the log shows the event as it fired.
    fn apply<R: Rng + ?Sized>(
        &mut self,
        world: &World,
        rs: &mut RunState,
        step: u32,
        rng: &mut R,
    ) -> EventOutcome;

    /// What happened, with names, for the event log: `"war drain on Russia"`.
    fn describe(&self, world: &World) -> String;

    /// The power, the state and the institution the event concerns, for the event log's
    /// columns (`events.csv`); none by default, for a kind that names several of each.
    fn parties(&self) -> Parties {
        Parties::default()
    }
}

/// The power, the state and the institution an event concerns (each when it names one), so
/// the event log can be read by name without parsing its descriptions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Parties {
    /// The power that acts or is acted on (at war, sanctioned, offering).
    pub power: Option<PowerId>,
    /// The state concerned (in unrest, appealing, changing its participation).
    pub state: Option<StateId>,
    /// The institution concerned.
    pub institution: Option<InstitutionId>,
}

/// Severity of an episode (an appeal, a clash, a crisis) when the scenario leaves it out: a
/// middling one (judgement).
pub(crate) const DEFAULT_SEVERITY: f64 = 0.5;

/// A kind as the registry lists it, for reading scenario files.
pub(crate) struct Registered {
    /// [`EventKind::NAME`].
    pub name: &'static str,
    /// [`EventKind::KEYS`].
    pub keys: &'static [Key],
    /// [`EventKind::read`], wrapped in its [`Event`] variant.
    pub read: fn(&FieldReader<'_>) -> Result<Event, EventError>,
}

/// The registered kind called `name`.
pub(crate) fn find(name: &str) -> Option<&'static Registered> {
    REGISTRY.iter().find(|k| k.name == name)
}

/// Every key an event entry may hold: the timing keys, then each kind's keys in registry
/// order, each once.
pub fn all_keys() -> &'static [&'static str] {
    static ALL: OnceLock<Vec<&'static str>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut all: Vec<&'static str> = Vec::new();
        for key in TIMING_KEYS
            .iter()
            .chain(REGISTRY.iter().flat_map(|k| k.keys))
        {
            if !all.contains(&key.name) {
                all.push(key.name);
            }
        }
        all
    })
}

/// The type of the key `name` in whichever kind takes it (a key has the same type in every
/// kind; a test checks it).
pub fn key_type(name: &str) -> Option<(&'static str, FieldType)> {
    TIMING_KEYS
        .iter()
        .chain(REGISTRY.iter().flat_map(|k| k.keys))
        .find(|k| k.name == name)
        .map(|k| (k.name, k.ty))
}

/// Declares each kind's module and [`Event`] variant, and derives from that one list the enum,
/// [`KINDS`], the registry and the dispatch of [`Event`]'s methods.
macro_rules! registry {
    ($( $(#[$doc:meta])* $module:ident :: $kind:ident, )*) => {
        $( mod $module; pub use $module::$kind; )*

        /// A typed event with its parameters, one variant per kind. Names are resolved to ids
        /// when the scenario loads.
        #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
        #[serde(tag = "kind", rename_all = "snake_case")]
        #[non_exhaustive]
        pub enum Event {
            $( $(#[$doc])* $kind($kind), )*
        }

        $( impl From<$kind> for Event {
            fn from(event: $kind) -> Event {
                Event::$kind(event)
            }
        } )*

        /// Every event kind as written in scenario files, in the order of [`Event`]'s variants.
        pub const KINDS: [&str; [$(stringify!($kind)),*].len()] = [$(<$kind as EventKind>::NAME),*];

        const REGISTRY: &[Registered] = &[$(
            Registered {
                name: <$kind as EventKind>::NAME,
                keys: <$kind as EventKind>::KEYS,
                read: |fields| <$kind as EventKind>::read(fields).map(Event::$kind),
            },
        )*];

        impl Event {
            /// The event's kind as written in scenario files.
            pub fn kind(&self) -> &'static str {
                match self { $( Event::$kind(_) => <$kind as EventKind>::NAME, )* }
            }

            /// [`EventKind::check`] of the event's kind.
            pub(crate) fn check(&self, world: &World, steps: u32) -> Result<(), EventError> {
                match self { $( Event::$kind(e) => e.check(world, steps), )* }
            }

            /// [`EventKind::ends`] of the event's kind.
            pub fn ends(&self) -> Option<u32> {
                match self { $( Event::$kind(e) => e.ends(), )* }
            }

            /// [`EventKind::normalise`] of the event's kind.
            pub(crate) fn normalise(&mut self) {
                match self { $( Event::$kind(e) => e.normalise(), )* }
            }

            /// [`EventKind::apply`] of the event's kind.
            pub(crate) fn apply<R: Rng + ?Sized>(
                &mut self,
                world: &World,
                rs: &mut RunState,
                step: u32,
                rng: &mut R,
            ) -> EventOutcome {
                match self { $( Event::$kind(e) => e.apply(world, rs, step, rng), )* }
            }

            /// [`EventKind::describe`] of the event's kind.
            pub fn describe(&self, world: &World) -> String {
                match self { $( Event::$kind(e) => e.describe(world), )* }
            }

            /// [`EventKind::parties`] of the event's kind.
            pub fn parties(&self) -> Parties {
                match self { $( Event::$kind(e) => e.parties(), )* }
            }
        }
    };
}

registry! {
    /// A power goes to war: its capacity and its delivery on the given channels are drained
    /// every month until the war ends, then recover.
    war::War,
    /// The power's wars end: their drains start to recover.
    peace::Peace,
    /// A coalition sanctions a power, with parallel trade through re-exporting states and a
    /// monthly hazard of secondary sanctions on them.
    sanctions::Sanctions,
    /// The coalition penalises a re-exporting state (US sanctions on Kyrgyz firms, seed 002 (docs/sources.md)).
    secondary_sanctions::SecondarySanctions,
    /// A fall in a power's remittance delivery, with labour ties shifting to alternatives.
    remittance_shock::RemittanceShock,
    /// Unrest in a state, followed by its security bloc's intervention decision.
    unrest::Unrest,
    /// A member asks its bloc for protection.
    security_appeal::SecurityAppeal,
    /// A clash between two members of a bloc, with a mediation attempt by the bloc.
    border_clash::BorderClash,
    /// A diplomatic crisis between a power and a state (Azerbaijan–Russia 2024–25, seed 003 (docs/sources.md)).
    diplomatic_crisis::DiplomaticCrisis,
    /// A power opens or deepens a channel with a state, at the risk of a rival's retaliation.
    external_offer::ExternalOffer,
    /// A state listed as `outside` joins an institution.
    join::Join,
    /// An active member is suspended from an institution.
    suspend::Suspend,
    /// A suspended member takes part again.
    reinstate::Reinstate,
    /// An active or suspended member leaves an institution.
    exit::Exit,
    /// A threat to a power's stake in a state, with the power's hostile-intervention decision.
    crisis::Crisis,
    /// The relation of two powers moves (a rift, a rapprochement); the shift persists.
    relation_shift::RelationShift,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kinds_name_is_the_serde_tag_of_its_variant() {
        for kind in REGISTRY {
            let json = serde_json::json!({ "kind": kind.name });
            let err = serde_json::from_value::<Event>(json).unwrap_err();
            // A known tag fails on its missing fields, an unknown one on the variant.
            assert!(
                !err.to_string().contains("unknown variant"),
                "{}: {err}",
                kind.name
            );
        }
    }

    #[test]
    fn a_key_has_the_same_type_in_every_kind_that_takes_it() {
        for kind in REGISTRY {
            for key in TIMING_KEYS.iter().chain(kind.keys) {
                assert_eq!(
                    key_type(key.name),
                    Some((key.name, key.ty)),
                    "{}",
                    kind.name
                );
            }
        }
    }
}
