//! What the four participation kinds (`join`, `suspend`, `reinstate`, `exit`) share: their
//! keys, how they are read and checked, the change each makes to a member's participation,
//! and the load-time rule that refuses one that can never act.
//!
//! | kind        | acts on a member that is | makes it  |
//! |-------------|--------------------------|-----------|
//! | `join`      | `outside`                | `active`  |
//! | `suspend`   | `active`                 | `suspended` |
//! | `reinstate` | `suspended`              | `active`  |
//! | `exit`      | `active` or `suspended`  | `exited`  |
//!
//! On any other participation the event does nothing and is logged as skipped, with the
//! reason. An exited member does not rejoin within a run (none of the seeds describes a
//! return); a state that may join during a run is listed in `members` as `outside`, so the
//! dynamics' memberships, computed once per scenario, already hold its slot.

use super::Event;
use crate::model::{InstitutionId, Participation, StateId, World};
use crate::sim::events::check::{self, EventError, EventProblem};
use crate::sim::events::fields::{FieldReader, FieldType, Key};
use crate::sim::events::{EventOutcome, Hazard, ScheduledEvent};
use crate::sim::RunState;

/// The keys of every participation kind.
pub(crate) const KEYS: &[Key] = &[
    Key::new("institution", FieldType::Name),
    Key::new("state", FieldType::Name),
];

/// A participation change: the participations it acts on and the one it makes.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Change {
    /// The verb, as the log writes it: `joins`, `is suspended from`, …
    pub verb: &'static str,
    /// The participations it acts on.
    pub acts_on: &'static [Participation],
    /// What it makes them.
    pub to: Participation,
}

/// `institution` and `state` of an entry (both required).
pub(crate) fn read(fields: &FieldReader<'_>) -> Result<(InstitutionId, StateId), EventError> {
    let institution = fields
        .optional_institution("institution")?
        .ok_or_else(|| EventError::new("institution", EventProblem::Missing))?;
    Ok((institution, fields.state("state")?))
}

/// The institution and the state exist, and the state is listed in its `members` (as
/// `outside` if it is to join).
pub(crate) fn check(
    world: &World,
    institution: InstitutionId,
    state: StateId,
) -> Result<(), EventError> {
    check::institution(world, "institution", institution)?;
    check::state(world, "state", state)?;
    // The state is the field at fault when it is not listed.
    check::bloc_with(world, "institution", Some(institution), &[state])
        .map_err(|e| EventError::new("state", e.problem))
}

/// Apply `change` to the member's participation now, or say why it cannot act.
pub(crate) fn apply(
    world: &World,
    rs: &mut RunState,
    institution: InstitutionId,
    state: StateId,
    change: Change,
) -> EventOutcome {
    let slot = world.institutions()[institution.index()]
        .members
        .iter()
        .position(|&(s, _)| s == state)
        .expect("checked: the state is listed in the institution's members");
    let part = &mut rs.participation[institution.index()][slot];
    if !change.acts_on.contains(part) {
        return EventOutcome::Skipped {
            reason: format!(
                "the state's participation is {part}; this event acts on {}",
                names(change.acts_on)
            ),
        };
    }
    let from = *part;
    *part = change.to;
    EventOutcome::ParticipationChanged {
        from,
        to: change.to,
    }
}

/// `"Armenia exits the CSTO"`.
pub(crate) fn describe(
    world: &World,
    institution: InstitutionId,
    state: StateId,
    change: Change,
) -> String {
    format!(
        "{} {} {}",
        world.states()[state.index()].name,
        change.verb,
        world.institutions()[institution.index()].name
    )
}

fn names(parts: &[Participation]) -> String {
    parts
        .iter()
        .map(|p| format!("`{p}`"))
        .collect::<Vec<_>>()
        .join(" or ")
}

/// The member and the change of a participation event; `None` for other kinds.
fn change_of(event: &Event) -> Option<(InstitutionId, StateId, Change)> {
    match event {
        Event::Join(e) => Some((e.institution, e.state, super::join::CHANGE)),
        Event::Suspend(e) => Some((e.institution, e.state, super::suspend::CHANGE)),
        Event::Reinstate(e) => Some((e.institution, e.state, super::reinstate::CHANGE)),
        Event::Exit(e) => Some((e.institution, e.state, super::exit::CHANGE)),
        _ => None,
    }
}

/// A bit set of participations.
type Parts = u8;

fn bit(p: Participation) -> Parts {
    1 << (p as u8)
}

const ALL: [Participation; 4] = [
    Participation::Active,
    Participation::Suspended,
    Participation::Exited,
    Participation::Outside,
];

/// What the events' own mechanism (appeals left unanswered or answered, in a bloc with a
/// leader: [`crate::sim::events::decision`]) can make of a member during a run: an active or
/// suspended member may be suspended, reinstated or made to exit; exited and outside stay.
fn closure(parts: Parts, led: bool) -> Parts {
    let member = bit(Participation::Active) | bit(Participation::Suspended);
    if led && parts & member != 0 {
        parts | member | bit(Participation::Exited)
    } else {
        parts
    }
}

/// Why the participation event `event`, whose last possible step is `last`, can never act,
/// given the member's participation at the start and every other participation event of the
/// scenario on the same member that may fire by `last` (each may or may not have fired: the
/// rule is conservative and refuses only what is certain). `None` when it may act.
///
/// `this` is the event's position among `events` (scheduled) or `hazards` (`Err(index)`), so
/// that it is not counted among the others.
pub(crate) fn cannot_act(
    world: &World,
    events: &[ScheduledEvent],
    hazards: &[Hazard],
    this: Result<usize, usize>,
) -> Option<String> {
    let (event, last) = match this {
        Ok(n) => (&events[n].event, events[n].step),
        Err(n) => (&hazards[n].event, hazards[n].until),
    };
    let (institution, state, change) = change_of(event)?;
    let inst = &world.institutions()[institution.index()];
    let (_, start) = *inst.members.iter().find(|&&(s, _)| s == state)?;
    let others: Vec<Change> = events
        .iter()
        .enumerate()
        .filter(|&(n, e)| this != Ok(n) && e.step <= last)
        .map(|(_, e)| &e.event)
        .chain(
            hazards
                .iter()
                .enumerate()
                .filter(|&(n, h)| this != Err(n) && h.from <= last)
                .map(|(_, h)| &h.event),
        )
        .filter_map(change_of)
        .filter(|&(i, s, _)| i == institution && s == state)
        .map(|(_, _, c)| c)
        .collect();
    let led = inst.leader.is_some();
    let mut parts = closure(bit(start), led);
    loop {
        let mut next = parts;
        for other in &others {
            if ALL
                .iter()
                .any(|&p| parts & bit(p) != 0 && other.acts_on.contains(&p))
            {
                next |= bit(other.to);
            }
        }
        next = closure(next, led);
        if next == parts {
            break;
        }
        parts = next;
    }
    if ALL
        .iter()
        .any(|&p| parts & bit(p) != 0 && change.acts_on.contains(&p))
    {
        return None;
    }
    let possible: Vec<Participation> = ALL.into_iter().filter(|&p| parts & bit(p) != 0).collect();
    Some(format!(
        "{} is `{start}` in {} at the start and can only be {} when this event may fire, but it acts on {}; it would never change anything",
        world.states()[state.index()].name,
        inst.name,
        names(&possible),
        names(change.acts_on)
    ))
}

/// One participation verb as an event kind: the struct (an institution and a listed state), its
/// keys, and reading, checking, applying and describing it, all from this module and the verb's
/// [`Change`]. Each verb's module is one invocation, so the four cannot drift apart.
macro_rules! membership_kind {
    ($(#[$doc:meta])* $kind:ident, $name:literal, $change:expr) => {
        use super::membership::{self, Change};
        use super::EventKind;
        use crate::model::{InstitutionId, Participation, StateId, World};
        use crate::sim::events::check::EventError;
        use crate::sim::events::fields::{FieldReader, Key};
        use crate::sim::events::EventOutcome;
        use crate::sim::RunState;
        use rand::Rng;
        use serde::{Deserialize, Serialize};

        /// The change it makes ([`membership`] has the table of all four).
        pub(crate) const CHANGE: Change = $change;

        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
        pub struct $kind {
            /// The institution.
            pub institution: InstitutionId,
            /// The state, listed in the institution's `members`.
            pub state: StateId,
        }

        impl EventKind for $kind {
            const NAME: &'static str = $name;
            const KEYS: &'static [Key] = membership::KEYS;

            fn read(fields: &FieldReader<'_>) -> Result<Self, EventError> {
                let (institution, state) = membership::read(fields)?;
                Ok($kind { institution, state })
            }

            fn check(&self, world: &World, _steps: u32) -> Result<(), EventError> {
                membership::check(world, self.institution, self.state)
            }

            fn apply<R: Rng + ?Sized>(
                &mut self,
                world: &World,
                rs: &mut RunState,
                _step: u32,
                _rng: &mut R,
            ) -> EventOutcome {
                membership::apply(world, rs, self.institution, self.state, CHANGE)
            }

            fn parties(&self) -> super::Parties {
                super::Parties {
                    power: None,
                    state: Some(self.state),
                    institution: Some(self.institution),
                }
            }

            fn describe(&self, world: &World) -> String {
                membership::describe(world, self.institution, self.state, CHANGE)
            }
        }
    };
}
pub(crate) use membership_kind;
