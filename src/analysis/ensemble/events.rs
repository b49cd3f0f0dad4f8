//! Event frequencies by date in an ensemble summary (`event-frequencies.csv`).
//!
//! Events are classed by why they fired ([`Origin`]), their kind, the response a power or bloc
//! decided on and whether it came ([`Response`]), and the power, state and institution they
//! concern ([`LoggedEvent::parties`]): one [`EventClass`]. For each class and each recorded
//! step, a summary counts the runs in which an event of the class fired in the months since
//! the previous recorded step (up to and including this one), the runs in which it fired then
//! for the first time in the run (their running total over the steps is P(by the date)), and
//! how many times it fired. With one step recorded in every month ([`super::Ensemble::record_every`]
//! 1, the default up to 1,200 steps) a period is one month.
//!
//! **Sparse and bounded.** A cell (class × recorded step) exists only once an event of its
//! class fired in its period in some run: most of the classes the world allows (every kind ×
//! power × state × institution) never fire, and a dense table of them would outweigh the
//! alignment sketches. A summary holds at most [`MAX_EVENT_CELLS`]; an ensemble whose runs
//! would need more fails with [`EnsembleError::EventCells`] (whatever the threads and shards,
//! since the cells of a merge are the union of its parts'), never with a silently shortened
//! table.
//!
//! **Exact and mergeable.** Every count is an integer added once per run, so the cells of
//! shards and threads merge by addition into the very cells of one whole run.

use super::{EnsembleError, Summary};
use crate::sim::events::{DecisionKind, EventOutcome, LoggedEvent, Origin, KINDS};
use serde::{Deserialize, Serialize};

/// The most event cells one summary holds. Reason: a cell takes 64 bytes, so the limit is
/// 2 MiB per worker's summary, which the memory estimate counts; the embedded Eurasia 2025
/// world and each CSTO future use under 3,000 cells for 10,000 runs recorded monthly (2,916
/// and 2,839–2,980, measured on shard 0 of 2 of 20,000 runs), so the limit leaves room for
/// worlds ten times as eventful.
pub const MAX_EVENT_CELLS: usize = 32_768;

/// Bytes of one cell in memory (the class, its recorded row and three counts), for the memory
/// estimate.
pub(crate) const EVENT_CELL_BYTES: u64 = 64;

/// The response an event asked for: a bloc's decision ([`DecisionKind`]), a power's hostile
/// intervention, or a rival's retaliation against an external offer; named as `events.csv` of
/// `geoalign trace` names its `decision` column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Response {
    /// A bloc decided whether to deploy to a member in unrest.
    Intervention,
    /// A bloc decided whether to answer a member's security appeal.
    Appeal,
    /// A bloc decided whether to mediate a clash between two members.
    Mediation,
    /// A power decided whether to intervene against a state that left its bloc or fell
    /// away from it.
    HostileIntervention,
    /// A rival decided whether to retaliate against an external offer.
    Retaliation,
}

impl Response {
    /// The response asked for by an event that did `outcome`, with whether it came (the bloc
    /// or power acted, the rival retaliated); `None` for an event that asked for none.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::ensemble::Response;
    /// use geoalign::sim::events::EventOutcome;
    /// assert_eq!(Response::of(&EventOutcome::Applied), None);
    /// assert_eq!(Response::HostileIntervention.name(), "hostile_intervention");
    /// ```
    pub fn of(outcome: &EventOutcome) -> Option<(Response, bool)> {
        match outcome {
            EventOutcome::Decided(d) => Some((
                match d.kind {
                    DecisionKind::Intervention => Response::Intervention,
                    DecisionKind::Appeal => Response::Appeal,
                    DecisionKind::Mediation => Response::Mediation,
                },
                d.acted,
            )),
            EventOutcome::Hostile(d) => Some((Response::HostileIntervention, d.acted)),
            EventOutcome::Offer {
                rival: Some(_),
                retaliated,
                ..
            } => Some((Response::Retaliation, *retaliated)),
            _ => None,
        }
    }

    /// Its name in the output files.
    pub fn name(self) -> &'static str {
        match self {
            Response::Intervention => "intervention",
            Response::Appeal => "appeal",
            Response::Mediation => "mediation",
            Response::HostileIntervention => "hostile_intervention",
            Response::Retaliation => "retaliation",
        }
    }
}

/// What happened to whom: the class an event's frequency is counted in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventClass {
    /// Why it fired.
    pub origin: Origin,
    /// Its kind, as an index into [`KINDS`] ([`EventClass::kind_name`]).
    pub kind: u16,
    /// The response it asked for, and whether it came.
    pub response: Option<(Response, bool)>,
    /// The power it concerns, by index.
    pub power: Option<u32>,
    /// The state it concerns, by index.
    pub state: Option<u32>,
    /// The institution it concerns, by index.
    pub institution: Option<u32>,
}

impl EventClass {
    /// The class of a logged event.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::ensemble::EventClass;
    /// let t = geoalign::Simulation::new(geoalign::presets::eurasia_2025()).trajectory(0).unwrap();
    /// for e in &t.events {
    ///     assert_eq!(EventClass::of(e).kind_name(), Some(e.event.kind()));
    /// }
    /// ```
    pub fn of(e: &LoggedEvent) -> EventClass {
        let parties = e.parties();
        let kind = e.event.kind();
        EventClass {
            origin: e.origin,
            // Every event's kind is in the registry; the fallback cannot be reached.
            kind: KINDS.iter().position(|k| *k == kind).unwrap_or(0) as u16,
            response: Response::of(&e.outcome),
            power: parties.power.map(|p| p.index() as u32),
            state: parties.state.map(|s| s.index() as u32),
            institution: parties.institution.map(|i| i.index() as u32),
        }
    }

    /// The kind's name as written in scenario files; `None` for an index past [`KINDS`]
    /// (only in a corrupted summary, which [`Summary::verify`] refuses).
    pub fn kind_name(&self) -> Option<&'static str> {
        KINDS.get(usize::from(self.kind)).copied()
    }
}

/// The counts of one class in one recorded period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventCell {
    /// The class.
    pub class: EventClass,
    /// The recorded row (index into [`Summary::recorded_steps`]) whose period it counts.
    pub row: u32,
    /// Runs in which an event of the class fired in the period (at least 1).
    pub runs: u64,
    /// Runs in which one fired in the period for the first time in the run.
    pub first: u64,
    /// Events of the class fired in the period, over all runs.
    pub events: u64,
}

/// One class over every recorded step ([`Summary::event_frequencies`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventSeries {
    /// The class.
    pub class: EventClass,
    /// One entry per recorded step, in order.
    pub periods: Vec<EventPeriod>,
}

/// One class in one recorded period; zeros where no run had one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EventPeriod {
    /// The recorded step that ends the period.
    pub step: u32,
    /// Runs in which an event of the class fired in the period.
    pub runs: u64,
    /// Runs in which one had fired by the end of the period (from step 0).
    pub by_date: u64,
    /// Events of the class fired in the period, over all runs.
    pub events: u64,
}

/// The recorded row whose period holds step `step`: the first recorded step at or after it
/// (the horizon's row for the steps after the last multiple of `every`).
pub(crate) fn period_row(step: u32, steps: u32, every: u32) -> u32 {
    let every = every.max(1);
    let row = step.div_ceil(every);
    if u64::from(row) * u64::from(every) <= u64::from(steps) {
        row
    } else {
        steps / every + 1
    }
}

/// The classes a run has fired so far, each with the last row it was counted in.
#[derive(Debug, Default)]
pub(crate) struct RunEvents {
    seen: Vec<(EventClass, u32)>,
}

impl Summary {
    /// Count logged event `e` of the run `seen` follows; false when it needed a new cell and
    /// the summary is full (the ensemble then fails with [`EnsembleError::EventCells`]).
    pub(crate) fn count_event(&mut self, e: &LoggedEvent, seen: &mut RunEvents) -> bool {
        let class = EventClass::of(e);
        let row = period_row(e.step, self.steps, self.record_every);
        let at = self
            .events
            .binary_search_by(|c| (c.class, c.row).cmp(&(class, row)));
        let i = match at {
            Ok(i) => i,
            Err(_) if self.events.len() >= MAX_EVENT_CELLS => {
                self.events_full = true;
                return false;
            }
            Err(i) => {
                self.events.insert(
                    i,
                    EventCell {
                        class,
                        row,
                        runs: 0,
                        first: 0,
                        events: 0,
                    },
                );
                i
            }
        };
        let cell = &mut self.events[i];
        cell.events += 1;
        match seen.seen.iter_mut().find(|(c, _)| *c == class) {
            None => {
                cell.runs += 1;
                cell.first += 1;
                seen.seen.push((class, row));
            }
            Some((_, last)) if *last != row => {
                cell.runs += 1;
                *last = row;
            }
            Some(_) => {}
        }
        true
    }

    /// Add `other`'s event cells to this summary's: a merge of two ascending lists.
    pub(crate) fn add_events(&mut self, other: &Summary) -> Result<(), EnsembleError> {
        if other.events.is_empty() {
            return Ok(());
        }
        let overflow = |at: usize| EnsembleError::Corrupt {
            field: format!("events[{at}]"),
            reason: "overflows when the partials are added".into(),
        };
        let mut merged = Vec::with_capacity(self.events.len() + other.events.len());
        let (a, b) = (&self.events, &other.events);
        let (mut i, mut j) = (0, 0);
        while i < a.len() || j < b.len() {
            let order = match (a.get(i), b.get(j)) {
                (Some(x), Some(y)) => (x.class, x.row).cmp(&(y.class, y.row)),
                (Some(_), None) => std::cmp::Ordering::Less,
                _ => std::cmp::Ordering::Greater,
            };
            match order {
                std::cmp::Ordering::Less => {
                    merged.push(a[i]);
                    i += 1;
                }
                std::cmp::Ordering::Greater => {
                    merged.push(b[j]);
                    j += 1;
                }
                std::cmp::Ordering::Equal => {
                    let (mut sum, y) = (a[i], b[j]);
                    sum.runs = sum.runs.checked_add(y.runs).ok_or_else(|| overflow(j))?;
                    sum.first = sum.first.checked_add(y.first).ok_or_else(|| overflow(j))?;
                    sum.events = sum
                        .events
                        .checked_add(y.events)
                        .ok_or_else(|| overflow(j))?;
                    merged.push(sum);
                    i += 1;
                    j += 1;
                }
            }
        }
        if merged.len() > MAX_EVENT_CELLS {
            return Err(EnsembleError::EventCells {
                limit: MAX_EVENT_CELLS,
            });
        }
        self.events = merged;
        self.events_full |= other.events_full;
        Ok(())
    }

    /// The event cells, ascending by class and row; see [`Summary::event_frequencies`] for
    /// them by class over every recorded step.
    pub fn event_cells(&self) -> &[EventCell] {
        &self.events
    }

    /// Every class of event fired in some run, each over every recorded step: the runs in
    /// which it fired in the period ending at the step, the runs in which it had fired by
    /// then, and the events; ascending by class.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::ensemble::Ensemble;
    /// let summary = Ensemble::new(geoalign::presets::eurasia_2025(), 20).run().unwrap();
    /// for series in summary.event_frequencies() {
    ///     let end = series.periods.last().unwrap();
    ///     // P(by the horizon) is at least P(in any one period), and at most 1.
    ///     assert!(series.periods.iter().all(|p| p.runs <= end.by_date));
    ///     assert!(end.by_date <= summary.runs);
    /// }
    /// ```
    pub fn event_frequencies(&self) -> Vec<EventSeries> {
        let steps: Vec<u32> = self.recorded_steps().collect();
        let mut out: Vec<EventSeries> = Vec::new();
        for cell in &self.events {
            if out.last().is_none_or(|s| s.class != cell.class) {
                out.push(EventSeries {
                    class: cell.class,
                    periods: steps
                        .iter()
                        .map(|&step| EventPeriod {
                            step,
                            runs: 0,
                            by_date: 0,
                            events: 0,
                        })
                        .collect(),
                });
            }
            let series = out.last_mut().expect("pushed above");
            if let Some(p) = series.periods.get_mut(cell.row as usize) {
                p.runs = cell.runs;
                p.events = cell.events;
                // Added below as a running total.
                p.by_date = cell.first;
            }
        }
        for series in &mut out {
            let mut total = 0u64;
            for p in &mut series.periods {
                total = total.saturating_add(p.by_date);
                p.by_date = total;
            }
        }
        out
    }

    /// The event cells are ascending and unique, within the summary's rows and names, and
    /// their counts within its runs.
    pub(crate) fn verify_events(&self, rows: usize) -> Result<(), EnsembleError> {
        let corrupt = |k: usize, reason: String| EnsembleError::Corrupt {
            field: format!("events[{k}]"),
            reason,
        };
        if self.events_full || self.events.len() > MAX_EVENT_CELLS {
            return Err(EnsembleError::Corrupt {
                field: "events".into(),
                reason: format!(
                    "incomplete: its runs needed more than the {MAX_EVENT_CELLS} cells a summary holds"
                ),
            });
        }
        let mut first_of_class = 0u64;
        for (k, c) in self.events.iter().enumerate() {
            if k > 0 {
                let before = &self.events[k - 1];
                if (before.class, before.row) >= (c.class, c.row) {
                    return Err(corrupt(k, "cells are listed once each, ascending".into()));
                }
                if before.class != c.class {
                    first_of_class = 0;
                }
            }
            if c.row as usize >= rows {
                return Err(corrupt(
                    k,
                    format!("row {} of {rows} recorded steps", c.row),
                ));
            }
            if c.class.kind_name().is_none() {
                return Err(corrupt(k, format!("no event kind {}", c.class.kind)));
            }
            let within = |i: Option<u32>, n: usize| i.is_none_or(|i| (i as usize) < n);
            if !within(c.class.power, self.powers.len())
                || !within(c.class.state, self.states.len())
                || !within(c.class.institution, self.institutions.len())
            {
                return Err(corrupt(
                    k,
                    "names a power, state or institution the world does not have".into(),
                ));
            }
            if c.runs == 0 || c.runs > self.runs || c.first > c.runs || c.events < c.runs {
                return Err(corrupt(
                    k,
                    format!(
                        "counts runs {}, first {}, events {} do not fit first ≤ runs ≤ events, 1 ≤ runs ≤ {} runs",
                        c.runs, c.first, c.events, self.runs
                    ),
                ));
            }
            first_of_class += c.first;
            if first_of_class > self.runs {
                return Err(corrupt(
                    k,
                    format!(
                        "the class fired for the first time in more runs than the {} held",
                        self.runs
                    ),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_takes_at_most_the_bytes_the_memory_estimate_counts() {
        assert!(std::mem::size_of::<EventCell>() as u64 <= EVENT_CELL_BYTES);
    }

    #[test]
    fn each_step_falls_in_the_period_of_the_first_recorded_step_at_or_after_it() {
        // Monthly: every step is its own period.
        assert_eq!(period_row(7, 120, 1), 7);
        // Every 12 months over 121 steps: rows 0..=10 are steps 0, 12, …, 120; row 11 the
        // horizon 121.
        assert_eq!(period_row(1, 121, 12), 1);
        assert_eq!(period_row(12, 121, 12), 1);
        assert_eq!(period_row(13, 121, 12), 2);
        assert_eq!(period_row(120, 121, 12), 10);
        assert_eq!(period_row(121, 121, 12), 11);
        // A horizon that is a multiple of the cadence has no extra row.
        assert_eq!(period_row(119, 120, 12), 10);
    }
}
