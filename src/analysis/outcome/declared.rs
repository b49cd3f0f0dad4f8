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

/// The names under which the three futures' files (`scenarios/csto-*.toml`) declare the three CSTO futures of seed
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
/// let scenario = geoalign::presets::csto_futures()[0].clone();
/// let declared = geoalign::analysis::outcome::declared_outcomes(&scenario);
/// assert!(declared.iter().any(|o| o.name() == "csto-selective-consolidation"));
/// ```
pub fn declared_outcomes(scenario: &Scenario) -> Vec<Arc<dyn Outcome>> {
    scenario
        .outcomes()
        .iter()
        .map(|spec| {
            Arc::new(Declared::new(spec, scenario.world(), scenario.steps())) as Arc<dyn Outcome>
        })
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
    /// The outcome of `spec` on `world` over a horizon of `steps` (which
    /// [`OutcomeSpec::check`] has accepted; ids outside `world` are refused by
    /// [`Outcome::check`] before any run).
    pub fn new(spec: &OutcomeSpec, world: &World, steps: u32) -> Declared {
        let mut out = Declared {
            name: spec.name.clone(),
            categories: vec![NO.to_string(), YES.to_string()],
            nodes: Vec::new(),
            slots: 0,
            spec: spec.clone(),
        };
        let mut extra = Vec::new();
        out.compile(&spec.condition, world, steps, &mut extra);
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
    fn compile(
        &mut self,
        condition: &Condition,
        world: &World,
        steps: u32,
        extra: &mut Vec<usize>,
    ) -> usize {
        let node = match condition {
            Condition::Share {
                state,
                of,
                bound,
                timing,
            } => Node::Share {
                cell: state.index() * world.components() + of.component(world),
                bound: *bound,
                timing: fixed(*timing, steps),
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
                timing: fixed(*timing, steps),
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
                    by: by.unwrap_or(steps),
                    start: 0,
                    spell: 0,
                }
            }
            Condition::Join { join, conditions } => {
                let children = conditions
                    .iter()
                    .map(|c| self.compile(c, world, steps, extra))
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
            let parts = &state.participation[*institution];
            let sum: f64 = positions
                .iter()
                .map(|&p| {
                    let s = inst.members[p].0.index();
                    parts[p].weight() * state.alignment[s * c + leader]
                })
                .sum();
            // As `RunState::cohesion`: a listed state that has not joined is not counted.
            let counted = positions
                .iter()
                .filter(|&&p| parts[p] != crate::model::Participation::Outside)
                .count();
            if counted == 0 {
                0.0
            } else {
                sum / counted as f64
            }
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

/// `timing` with the horizon made a step.
fn fixed(timing: Timing, steps: u32) -> Timing {
    match timing {
        Timing::AtHorizon => Timing::At(steps),
        other => other,
    }
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
        self.spec.check(world, u32::MAX).map_err(|e| e.to_string())
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

#[cfg(test)]
mod tests {
    //! Each kind on a hand-built world whose run states are written by hand, step by step:
    //! the answers are known without running the model.
    use super::*;
    use crate::model::{Disposition, Institution, InstitutionId, Power, PowerId, State, StateId};
    use crate::sim::outcome::ShareOf;

    /// One power A, members S and T of bloc "Bloc" led by A.
    fn world() -> World {
        World::builder()
            .power(Power::new("A"))
            .state(State::new("S", Disposition::Neutral, vec![0.5, 0.5]))
            .state(State::new("T", Disposition::Neutral, vec![0.5, 0.5]))
            .institution(Institution {
                members: vec![
                    (StateId(0), Participation::Active),
                    (StateId(1), Participation::Active),
                ],
                ..Institution::new("Bloc", Some(PowerId(0)), 0.5)
            })
            .build()
            .unwrap()
    }

    /// The judged category after each step of a run whose S share of A is `shares[t]` and
    /// whose T participation is `parts[t]` (or active), and the classified category.
    fn judge(condition: Condition, shares: &[f64], parts: &[Participation]) -> (Vec<usize>, usize) {
        let world = world();
        let outcome = Declared::new(&OutcomeSpec::new("q", condition), &world, 6);
        let mut state = RunState::new(&world);
        let mut notes = Vec::new();
        let mut series = Vec::new();
        for (t, &x) in shares.iter().enumerate() {
            state.alignment[0] = x;
            state.alignment[1] = 1.0 - x;
            state.participation[0][1] = parts.get(t).copied().unwrap_or(Participation::Active);
            if t == 0 {
                outcome.start(&world, &state, &mut notes);
            } else {
                outcome.observe(t as u32, &world, &state, &mut notes);
            }
            series.push(outcome.judged(&notes).unwrap());
        }
        let class = outcome.classify(&world, &state, &notes);
        (series, class)
    }

    fn share(bound: Bound, timing: Timing) -> Condition {
        Condition::Share {
            state: StateId(0),
            of: ShareOf::Power(PowerId(0)),
            bound,
            timing,
        }
    }

    const PATH: [f64; 7] = [0.5, 0.45, 0.38, 0.33, 0.36, 0.31, 0.40];

    #[test]
    fn threshold_at_a_date_is_the_condition_until_then_and_frozen_after() {
        let (series, class) = judge(share(Bound::Below(0.35), Timing::At(4)), &PATH, &[]);
        // Below 0.35 only at step 3; step 4 (0.36) decides: no, and stays no after it even
        // though step 5 is below.
        assert_eq!(series, [0, 0, 0, 1, 0, 0, 0]);
        assert_eq!(class, 0);
        let (_, class) = judge(share(Bound::Below(0.35), Timing::At(3)), &PATH, &[]);
        assert_eq!(class, 1);
    }

    #[test]
    fn first_passage_is_cumulative_from_the_first_crossing_up_to_its_date() {
        let (series, class) = judge(share(Bound::Below(0.35), Timing::By(6)), &PATH, &[]);
        assert_eq!(series, [0, 0, 0, 1, 1, 1, 1]);
        assert_eq!(class, 1);
        // By step 2 the share has not crossed yet.
        let (series, class) = judge(share(Bound::Below(0.35), Timing::By(2)), &PATH, &[]);
        assert_eq!((series, class), (vec![0; 7], 0));
        // Above: 0.5 > 0.45 at the start itself.
        let (series, _) = judge(share(Bound::Above(0.45), Timing::By(6)), &PATH, &[]);
        assert_eq!(series, [1; 7]);
    }

    #[test]
    fn participation_by_a_date_sees_an_exit_once_made() {
        use Participation::{Active, Exited};
        let parts = [Active, Active, Active, Active, Exited, Exited, Exited];
        let exits = |timing| Condition::Participation {
            institution: InstitutionId(0),
            member: StateId(1),
            is: Exited,
            timing,
        };
        let (series, class) = judge(exits(Timing::By(6)), &[0.5; 7], &parts);
        assert_eq!((series, class), (vec![0, 0, 0, 0, 1, 1, 1], 1));
        let (_, class) = judge(exits(Timing::By(3)), &[0.5; 7], &parts);
        assert_eq!(class, 0);
        let (_, class) = judge(exits(Timing::At(5)), &[0.5; 7], &parts);
        assert_eq!(class, 1);
    }

    #[test]
    fn cohesion_change_must_hold_for_its_months_in_a_row() {
        // S's share of A (S alone): +0.03 at steps 1–2, back at 3, +0.03 at steps 4–6.
        let path = [0.5, 0.53, 0.53, 0.5, 0.53, 0.54, 0.55];
        let rises = |months| Condition::Cohesion {
            institution: InstitutionId(0),
            members: vec![StateId(0)],
            change: Bound::Above(0.03),
            months,
            by: Some(6),
        };
        let (series, class) = judge(rises(3), &path, &[]);
        assert_eq!((series, class), (vec![0, 0, 0, 0, 0, 0, 1], 1));
        let (series, class) = judge(rises(2), &path, &[]);
        assert_eq!((series, class), (vec![0, 0, 1, 1, 1, 1, 1], 1));
        let (_, class) = judge(rises(4), &path, &[]);
        assert_eq!(class, 0);
        // The whole bloc (T stays at 0.5): the mean rises by half as much, never 0.03.
        let whole = Condition::Cohesion {
            institution: InstitutionId(0),
            members: vec![],
            change: Bound::Above(0.03),
            months: 1,
            by: None,
        };
        assert_eq!(judge(whole, &path, &[]).1, 0);
    }

    #[test]
    fn all_any_none_join_their_conditions_step_by_step() {
        let crossed = share(Bound::Below(0.35), Timing::By(6));
        let high_at_4 = share(Bound::Above(0.35), Timing::At(4));
        let join = |join, conditions| Condition::Join { join, conditions };
        let (all, _) = judge(
            join(Join::All, vec![crossed.clone(), high_at_4.clone()]),
            &PATH,
            &[],
        );
        assert_eq!(all, [0, 0, 0, 0, 1, 1, 1]);
        let (any, _) = judge(
            join(Join::Any, vec![crossed.clone(), high_at_4.clone()]),
            &PATH,
            &[],
        );
        assert_eq!(any, [1, 1, 1, 1, 1, 1, 1]);
        let (none, class) = judge(join(Join::None, vec![crossed]), &PATH, &[]);
        assert_eq!((none, class), (vec![1, 1, 1, 0, 0, 0, 0], 0));
    }
}
