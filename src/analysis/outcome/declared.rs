//! The outcomes a scenario declares ([`crate::sim::outcome`]), counted as [`Outcome`]s.
//!
//! Each declared outcome is binary, categories [`NO`] and [`YES`], and keeps a time series:
//! after every step it can say what the run's outcome would be if the run were judged then
//! ([`Outcome::judged`]). Per kind of condition, its value after step `t`:
//!
//! | condition | value after step `t` |
//! |---|---|
//! | share or participation `at` step `D` | the condition at step `min(t, D)` |
//! | share or participation `by` step `D` (first passage) | held at some step `0 ≤ s ≤ min(t, D)`: cumulative |
//! | cohesion change for `N` months by step `D` | a spell of `N` consecutive steps in `1..=min(t, D)` over which the change held: cumulative |
//! | all / any / none | its conditions' values after step `t`, joined |
//!
//! After its last step a condition's value no longer changes, so the value at the horizon is
//! the outcome. `P(outcome by date t)` is the share of runs whose value after step `t` is yes:
//! non-decreasing in `t` for a first passage or a persistence, the probability of the
//! condition at `t` for a threshold at a date (up to that date, then constant).

use super::Outcome;
use crate::model::{Participation, World};
use crate::sim::outcome::{Bound, Condition, Join, OutcomeSpec, Timing};
use crate::sim::{RunState, Scenario};
use std::sync::Arc;

/// The category of a run in which a declared outcome's condition does not hold (index 0).
pub const NO: &str = "no";
/// The category of a run in which it holds (index 1).
pub const YES: &str = "yes";

/// The names under which `scenarios/eurasia-2025.toml` declares the three CSTO futures of seed
/// 000 (docs/sources.md), in the order of [`CstoFuture::ALL`](super::CstoFuture::ALL): the
/// futures `geoalign futures` reports, each a cohesion change that persists 24 months.
pub const CSTO_FUTURE_OUTCOMES: [&str; 3] = [
    "csto-slow-decline",
    "csto-selective-consolidation",
    "csto-partial-revitalization",
];

/// The scenario's declared outcomes as countable [`Outcome`]s, in declaration order:
/// what [`crate::Ensemble::new`] counts beside the defaults, and what a comparison or a
/// sensitivity study hands to its runs.
///
/// # Examples
///
/// ```
/// let scenario = geoalign::presets::eurasia_2025();
/// let declared = geoalign::analysis::outcome::declared_outcomes(&scenario);
/// assert!(declared.iter().any(|o| o.name() == "csto-selective-consolidation"));
/// ```
pub fn declared_outcomes(scenario: &Scenario) -> Vec<Arc<dyn Outcome>> {
    scenario
        .outcomes()
        .iter()
        .map(|spec| Arc::new(Declared::new(spec, scenario.world())) as Arc<dyn Outcome>)
        .collect()
}

/// One declared outcome, compiled into a flat list of nodes whose values live in the run's
/// notes: slot `i` holds node `i`'s value (0 or 1), then each cohesion node's start reading
/// and current spell. Children come before their parent; the last node is the root.
#[derive(Clone, Debug)]
pub struct Declared {
    name: String,
    categories: Vec<String>,
    nodes: Vec<Node>,
    /// Notes a run needs.
    slots: usize,
    spec: OutcomeSpec,
}

#[derive(Clone, Debug)]
enum Node {
    Share {
        cell: usize,
        bound: Bound,
        timing: Timing,
    },
    Participation {
        institution: usize,
        position: usize,
        is: Participation,
        timing: Timing,
    },
    Cohesion {
        institution: usize,
        /// Member positions read with the leader's component; empty: the whole cohesion.
        positions: Vec<usize>,
        leader: usize,
        change: Bound,
        months: u32,
        by: u32,
        /// Slots of the start reading and the current spell length.
        start: usize,
        spell: usize,
    },
    Join {
        join: Join,
        children: Vec<usize>,
    },
}

impl Declared {
    /// The outcome of `spec` on `world` (which [`OutcomeSpec::check`] has accepted; ids
    /// outside `world` are refused by [`Outcome::check`] before any run).
    pub fn new(spec: &OutcomeSpec, world: &World) -> Declared {
        let mut out = Declared {
            name: spec.name.clone(),
            categories: vec![NO.to_string(), YES.to_string()],
            nodes: Vec::new(),
            slots: 0,
            spec: spec.clone(),
        };
        let mut extra = Vec::new();
        out.compile(&spec.condition, world, &mut extra);
        let n = out.nodes.len();
        for (k, node) in out.nodes.iter_mut().enumerate() {
            if let Node::Cohesion { start, spell, .. } = node {
                let first = extra.iter().position(|&e| e == k).unwrap_or(0);
                *start = n + 2 * first;
                *spell = n + 2 * first + 1;
            }
        }
        out.slots = n + 2 * extra.len();
        out
    }

    /// The spec it counts.
    pub fn spec(&self) -> &OutcomeSpec {
        &self.spec
    }

    /// Push `condition`'s nodes, children first; returns its node index.
    fn compile(&mut self, condition: &Condition, world: &World, extra: &mut Vec<usize>) -> usize {
        let node = match condition {
            Condition::Share {
                state,
                of,
                bound,
                timing,
            } => Node::Share {
                cell: state.index() * world.components() + of.component(world),
                bound: *bound,
                timing: *timing,
            },
            Condition::Participation {
                institution,
                member,
                is,
                timing,
            } => Node::Participation {
                institution: institution.index(),
                position: position(world, institution.index(), member.index()),
                is: *is,
                timing: *timing,
            },
            Condition::Cohesion {
                institution,
                members,
                change,
                months,
                by,
            } => {
                extra.push(self.nodes.len());
                let inst = world.institutions().get(institution.index());
                Node::Cohesion {
                    institution: institution.index(),
                    positions: members
                        .iter()
                        .map(|m| position(world, institution.index(), m.index()))
                        .collect(),
                    leader: inst.and_then(|i| i.leader).map_or(0, |p| p.index()),
                    change: *change,
                    months: *months,
                    by: *by,
                    start: 0,
                    spell: 0,
                }
            }
            Condition::Join { join, conditions } => {
                let children = conditions
                    .iter()
                    .map(|c| self.compile(c, world, extra))
                    .collect();
                Node::Join {
                    join: *join,
                    children,
                }
            }
        };
        self.nodes.push(node);
        self.nodes.len() - 1
    }

    /// Update every node's value for the state after `step`.
    fn update(&self, step: u32, world: &World, state: &RunState, notes: &mut [f64]) {
        for (k, node) in self.nodes.iter().enumerate() {
            let value = match node {
                Node::Share {
                    cell,
                    bound,
                    timing,
                } => timed(*timing, step, notes[k], || {
                    holds(*bound, state.alignment[*cell])
                }),
                Node::Participation {
                    institution,
                    position,
                    is,
                    timing,
                } => timed(*timing, step, notes[k], || {
                    state.participation[*institution][*position] == *is
                }),
                Node::Cohesion { .. } => self.cohesion_step(node, step, world, state, notes, k),
                Node::Join { join, children } => {
                    let mut yes = children.iter().map(|&c| notes[c] == 1.0);
                    let value = match join {
                        Join::All => yes.all(|y| y),
                        Join::Any => yes.any(|y| y),
                        Join::None => !yes.any(|y| y),
                    };
                    f64::from(u8::from(value))
                }
            };
            notes[k] = value;
        }
    }

    /// A cohesion node after `step`: read the start at step 0, then lengthen or break the
    /// spell until the deadline; yes once a spell reaches its months.
    fn cohesion_step(
        &self,
        node: &Node,
        step: u32,
        world: &World,
        state: &RunState,
        notes: &mut [f64],
        k: usize,
    ) -> f64 {
        let Node::Cohesion {
            institution,
            positions,
            leader,
            change,
            months,
            by,
            start,
            spell,
        } = node
        else {
            return notes[k];
        };
        let reading = if positions.is_empty() {
            state.cohesion(world, crate::model::InstitutionId(*institution as u32))
        } else {
            let inst = &world.institutions()[*institution];
            let c = world.components();
            let sum: f64 = positions
                .iter()
                .map(|&p| {
                    let s = inst.members[p].0.index();
                    state.participation[*institution][p].weight() * state.alignment[s * c + leader]
                })
                .sum();
            sum / positions.len() as f64
        };
        if step == 0 {
            notes[*start] = reading;
            notes[*spell] = 0.0;
            return 0.0;
        }
        if step > *by || notes[k] == 1.0 {
            return notes[k];
        }
        let moved = reading - notes[*start];
        let held = match change {
            Bound::Above(m) => moved >= *m,
            Bound::Below(m) => -moved >= *m,
        };
        notes[*spell] = if held { notes[*spell] + 1.0 } else { 0.0 };
        f64::from(u8::from(notes[*spell] >= f64::from(*months)))
    }
}

/// A member's position in an institution's member list (0 when absent: refused by
/// [`Outcome::check`] before any run).
fn position(world: &World, institution: usize, state: usize) -> usize {
    world
        .institutions()
        .get(institution)
        .and_then(|i| i.members.iter().position(|&(s, _)| s.index() == state))
        .unwrap_or(0)
}

fn holds(bound: Bound, x: f64) -> bool {
    match bound {
        Bound::Below(t) => x < t,
        Bound::Above(t) => x > t,
    }
}

/// A leaf's value after `step`: read up to its step, kept after it; a first passage stays yes.
fn timed(timing: Timing, step: u32, previous: f64, read: impl FnOnce() -> bool) -> f64 {
    match timing {
        Timing::At(d) if step <= d => f64::from(u8::from(read())),
        Timing::By(d) if step <= d => {
            if step > 0 && previous == 1.0 {
                1.0
            } else {
                f64::from(u8::from(read()))
            }
        }
        _ => previous,
    }
}

impl Outcome for Declared {
    fn name(&self) -> &str {
        &self.name
    }

    fn categories(&self) -> &[String] {
        &self.categories
    }

    /// The spec's checks against `world`, and its nodes within it.
    fn check(&self, world: &World) -> Result<(), String> {
        self.spec
            .check(world, u32::MAX)
            .map_err(|e| e.to_string())
    }

    fn start(&self, world: &World, state: &RunState, notes: &mut Vec<f64>) {
        notes.resize(self.slots, 0.0);
        self.update(0, world, state, notes);
    }

    fn observe(&self, step: u32, world: &World, state: &RunState, notes: &mut Vec<f64>) {
        self.update(step, world, state, notes);
    }

    fn classify(&self, _: &World, _: &RunState, notes: &[f64]) -> usize {
        self.judged(notes).unwrap_or(0)
    }

    fn keeps_series(&self) -> bool {
        true
    }

    fn judged(&self, notes: &[f64]) -> Option<usize> {
        notes
            .get(self.nodes.len().checked_sub(1)?)
            .map(|&v| usize::from(v == 1.0))
    }
}
