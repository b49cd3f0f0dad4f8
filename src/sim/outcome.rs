//! Declared outcomes: the questions an analyst asks of a scenario's runs ("is Kazakhstan's
//! Russia share below 0.35 in 2030?", "has Armenia exited the CSTO by 2030?"), as plain data
//! carried by the [`Scenario`](crate::Scenario) with typed ids and steps.
//!
//! A spec says *what* is asked; [`crate::analysis::outcome::declared_outcomes`] turns each into
//! an [`Outcome`](crate::analysis::outcome::Outcome) that an ensemble counts. The checks
//! ([`OutcomeSpec::check`]) are those the scenario file loader applies, so an outcome built in
//! code is refused exactly where a file's would be.
//!
//! # Examples
//!
//! ```
//! use geoalign::sim::outcome::{Bound, Condition, OutcomeSpec, ShareOf, Timing};
//! let mut scenario = geoalign::presets::eurasia_2025();
//! let world = scenario.world();
//! let below = Condition::Share {
//!     state: world.state_id("Kazakhstan").unwrap(),
//!     of: ShareOf::Power(world.power_id("Russia").unwrap()),
//!     bound: Bound::Below(0.35),
//!     timing: Timing::At(60),
//! };
//! scenario.add_outcome(OutcomeSpec::new("kz-russia-below-035", below)).unwrap();
//! assert_eq!(scenario.outcomes().len(), 1);
//! ```

use crate::model::{InstitutionId, Participation, PowerId, StateId, World};
use serde::Serialize;

/// Which share of a state's alignment a condition reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ShareOf {
    /// The share aligned with a power.
    Power(PowerId),
    /// The share kept as autonomy.
    Autonomy,
}

impl ShareOf {
    /// The component's index in a state's alignment (each power, then autonomy).
    pub fn component(self, world: &World) -> usize {
        match self {
            ShareOf::Power(p) => p.index(),
            ShareOf::Autonomy => world.powers().len(),
        }
    }
}

/// A strict bound on a quantity: `Below(x)` holds when the quantity is `< x`, `Above(x)` when
/// it is `> x`. For a cohesion change, the bound is on the change from the run's start:
/// `Above(m)` is a rise of at least `m`, `Below(m)` a fall of at least `m` (both inclusive).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub enum Bound {
    /// Below (a share), or a fall by at least (a cohesion change).
    Below(f64),
    /// Above (a share), or a rise by at least (a cohesion change).
    Above(f64),
}

impl Bound {
    /// The bound's number.
    pub fn value(self) -> f64 {
        match self {
            Bound::Below(x) | Bound::Above(x) => x,
        }
    }
}

/// When a condition is read: at one step (the threshold or state *at* a date), at the
/// horizon (whatever it is: it follows [`Scenario::set_steps`](crate::Scenario::set_steps)),
/// or at any step from the start up to a step (first passage: it holds at least once *by* a
/// date; the start itself counts).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Timing {
    /// At this step.
    At(u32),
    /// At the horizon.
    AtHorizon,
    /// At any step from 0 to this one.
    By(u32),
}

impl Timing {
    /// The last step the condition reads, in a horizon of `steps`.
    pub fn step(self, steps: u32) -> u32 {
        match self {
            Timing::At(s) | Timing::By(s) => s,
            Timing::AtHorizon => steps,
        }
    }
}

/// How a combination joins its conditions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Join {
    /// Every condition holds.
    All,
    /// At least one holds.
    Any,
    /// None holds.
    None,
}

impl Join {
    /// The name as written in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            Join::All => "all",
            Join::Any => "any",
            Join::None => "none",
        }
    }
}

/// A condition on a run: a leaf that reads the run state, or a combination of conditions.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Condition {
    /// A state's share of a power or of autonomy against a threshold in [0, 1].
    Share {
        /// The state.
        state: StateId,
        /// The share read.
        of: ShareOf,
        /// The threshold.
        bound: Bound,
        /// At a step, or by a step.
        timing: Timing,
    },
    /// A member's participation in an institution.
    Participation {
        /// The institution.
        institution: InstitutionId,
        /// The member (a listed member of the institution).
        member: StateId,
        /// The participation asked about.
        is: Participation,
        /// At a step, or by a step.
        timing: Timing,
    },
    /// A change of a bloc's cohesion from the run's start, by at least a margin, that holds
    /// for `months` consecutive steps, the last of them no later than step `by` (`None`: the
    /// horizon, whatever it is).
    Cohesion {
        /// The institution.
        institution: InstitutionId,
        /// The members whose cohesion is read (mean of participation weight × share with the
        /// leader); empty for the whole institution's cohesion
        /// ([`RunState::cohesion`](crate::RunState::cohesion)). A subset needs a leader.
        members: Vec<StateId>,
        /// A rise (`Above(m)`) or fall (`Below(m)`) of at least `m` in [0, 1].
        change: Bound,
        /// Consecutive months the change must hold, at least 1.
        months: u32,
        /// The step by which the spell must be complete; `None`: the horizon.
        by: Option<u32>,
    },
    /// Conditions joined by all, any or none.
    Join {
        /// How they are joined.
        join: Join,
        /// At least one condition.
        conditions: Vec<Condition>,
    },
}

impl Condition {
    /// The last step the condition reads in a horizon of `steps`: after it, its value no
    /// longer changes.
    pub fn last_step(&self, steps: u32) -> u32 {
        match self {
            Condition::Share { timing, .. } | Condition::Participation { timing, .. } => {
                timing.step(steps)
            }
            Condition::Cohesion { by, .. } => by.unwrap_or(steps),
            Condition::Join { conditions, .. } => conditions
                .iter()
                .map(|c| c.last_step(steps))
                .max()
                .unwrap_or(0),
        }
    }
}

/// A declared outcome: a name, unique among the scenario's outcomes, and its condition. Each
/// is binary: a run's outcome is "yes" when the condition holds and "no" otherwise.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OutcomeSpec {
    /// The name: labels output rows and is how `sensitivity --outcome` finds it.
    pub name: String,
    /// The condition.
    pub condition: Condition,
}

impl OutcomeSpec {
    /// An outcome named `name` asking `condition`.
    pub fn new(name: impl Into<String>, condition: Condition) -> OutcomeSpec {
        OutcomeSpec {
            name: name.into(),
            condition,
        }
    }

    /// Check the outcome against `world` and a horizon of `steps` (`u32::MAX` checks all but
    /// the horizon): every id exists, every
    /// member belongs to its institution, every step is within the horizon, thresholds and
    /// margins are in [0, 1], every combination has a condition, a persistence fits between
    /// the start and its deadline.
    ///
    /// # Errors
    ///
    /// The first fault, with the path of its key inside the outcome (`conditions[1].below`).
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::sim::outcome::{Condition, Join, OutcomeSpec, OutcomeProblem};
    /// let world = geoalign::presets::eurasia_2025().world().clone();
    /// let empty = OutcomeSpec::new("nothing", Condition::Join { join: Join::All, conditions: vec![] });
    /// let err = empty.check(&world, 120).unwrap_err();
    /// assert_eq!(err.problem, OutcomeProblem::EmptyJoin { join: "all" });
    /// ```
    pub fn check(&self, world: &World, steps: u32) -> Result<(), OutcomeError> {
        if self.name.trim().is_empty() {
            return Err(OutcomeError::at(&["name"], OutcomeProblem::EmptyName));
        }
        check_condition(&self.condition, world, steps, &mut Vec::new())
    }
}

/// Why a declared outcome was refused: the key path inside the outcome and the problem.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{}: {problem}", if path.is_empty() { "outcome".to_string() } else { path.join(".").replace(".[", "[") })]
pub struct OutcomeError {
    /// Key path inside the outcome entry, e.g. `["conditions", "[1]", "below"]`.
    pub path: Vec<String>,
    /// What is wrong.
    pub problem: OutcomeProblem,
}

impl OutcomeError {
    fn at(path: &[&str], problem: OutcomeProblem) -> OutcomeError {
        OutcomeError {
            path: path.iter().map(|s| s.to_string()).collect(),
            problem,
        }
    }
}

/// What is wrong with a declared outcome.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum OutcomeProblem {
    /// The name is empty or blank.
    #[error("an outcome needs a non-empty name")]
    EmptyName,
    /// Another outcome of the scenario has this name.
    #[error("two outcomes are named `{name}`; names label output rows and must be unique")]
    DuplicateName {
        /// The name.
        name: String,
    },
    /// An id the world does not have (only from code: a file names entities).
    #[error("{kind} #{index} is not in the world ({count} {kind}s)")]
    UnknownId {
        /// `state`, `power` or `institution`.
        kind: &'static str,
        /// The id.
        index: u32,
        /// How many there are.
        count: usize,
    },
    /// The state is not a listed member of the institution.
    #[error("`{state}` is not a member of {institution}")]
    NotAMember {
        /// The state's name.
        state: String,
        /// The institution's name.
        institution: String,
    },
    /// A member named twice in a cohesion's `members`.
    #[error("`{state}` is listed twice")]
    DuplicateMember {
        /// The state's name.
        state: String,
    },
    /// A step after the horizon.
    #[error("step {step} is after the horizon's last step, {last}")]
    StepAfterHorizon {
        /// The step.
        step: u32,
        /// The horizon.
        last: u32,
    },
    /// A threshold or margin outside [0, 1] or not finite.
    #[error("{value} is outside [0, 1]; shares and cohesions are in [0, 1]")]
    OutOfUnit {
        /// The value.
        value: f64,
    },
    /// A share threshold no share can pass: strictly below 0 or strictly above 1.
    #[error("no share is strictly {} {}, so the outcome could never hold", if matches!(bound, Bound::Below(_)) { "below" } else { "above" }, bound.value())]
    NeverHolds {
        /// The threshold.
        bound: Bound,
    },
    /// A combination with no conditions.
    #[error("`{join}` has no conditions; give it at least one")]
    EmptyJoin {
        /// `all`, `any` or `none`.
        join: &'static str,
    },
    /// A persistence of 0 months, or longer than the months between the start and the
    /// deadline.
    #[error("a change must persist for 1 to {available} months (the steps from the start to its deadline), got {months}")]
    PersistenceOutOfRange {
        /// Months asked for.
        months: u32,
        /// Steps from the start to the deadline.
        available: u32,
    },
    /// A cohesion over some members of an institution without a leader.
    #[error("{institution} has no leader, so the cohesion of some of its members is not defined; leave out `members`")]
    SubsetWithoutLeader {
        /// The institution's name.
        institution: String,
    },
}

/// Check `condition`, whose key path in the entry is `path`.
fn check_condition(
    condition: &Condition,
    world: &World,
    steps: u32,
    path: &mut Vec<String>,
) -> Result<(), OutcomeError> {
    let err = |path: &[String], key: &str, problem| {
        let mut p = path.to_vec();
        if !key.is_empty() {
            p.push(key.to_string());
        }
        Err(OutcomeError { path: p, problem })
    };
    let step_ok = |path: &[String], key: &str, step: u32| {
        if step > steps {
            err(
                path,
                key,
                OutcomeProblem::StepAfterHorizon { step, last: steps },
            )
        } else {
            Ok(())
        }
    };
    let timing_key = |t: &Timing| match t {
        Timing::At(_) | Timing::AtHorizon => "at",
        Timing::By(_) => "by",
    };
    match condition {
        Condition::Share {
            state,
            of,
            bound,
            timing,
        } => {
            known(path, "state", "state", state.0, world.states().len())?;
            if let ShareOf::Power(p) = of {
                known(path, "of", "power", p.0, world.powers().len())?;
            }
            unit(path, bound_key(*bound, false), bound.value())?;
            // The comparison is strict, so these two can never hold.
            if matches!(*bound, Bound::Below(x) if x == 0.0)
                || matches!(*bound, Bound::Above(x) if x == 1.0)
            {
                let problem = OutcomeProblem::NeverHolds { bound: *bound };
                return err(path, bound_key(*bound, false), problem);
            }
            step_ok(path, timing_key(timing), timing.step(steps))
        }
        Condition::Participation {
            institution,
            member,
            timing,
            ..
        } => {
            known(
                path,
                "institution",
                "institution",
                institution.0,
                world.institutions().len(),
            )?;
            known(path, "member", "state", member.0, world.states().len())?;
            member_of(world, *institution, *member, path, "member")?;
            step_ok(path, timing_key(timing), timing.step(steps))
        }
        Condition::Cohesion {
            institution,
            members,
            change,
            months,
            by,
        } => {
            known(
                path,
                "institution",
                "institution",
                institution.0,
                world.institutions().len(),
            )?;
            let inst = &world.institutions()[institution.index()];
            if !members.is_empty() && inst.leader.is_none() {
                return err(
                    path,
                    "members",
                    OutcomeProblem::SubsetWithoutLeader {
                        institution: inst.name.clone(),
                    },
                );
            }
            for (i, &m) in members.iter().enumerate() {
                let key = format!("[{i}]");
                path.push("members".into());
                known(path, &key, "state", m.0, world.states().len())?;
                member_of(world, *institution, m, path, &key)?;
                if members[..i].contains(&m) {
                    let state = world.states()[m.index()].name.clone();
                    return err(path, &key, OutcomeProblem::DuplicateMember { state });
                }
                path.pop();
            }
            unit(path, bound_key(*change, true), change.value())?;
            let by = by.unwrap_or(steps);
            step_ok(path, "by", by)?;
            if *months == 0 || *months > by {
                return err(
                    path,
                    "months",
                    OutcomeProblem::PersistenceOutOfRange {
                        months: *months,
                        available: by,
                    },
                );
            }
            Ok(())
        }
        Condition::Join { join, conditions } => {
            if conditions.is_empty() {
                return err(
                    path,
                    "conditions",
                    OutcomeProblem::EmptyJoin { join: join.name() },
                );
            }
            for (i, c) in conditions.iter().enumerate() {
                path.extend(["conditions".to_string(), format!("[{i}]")]);
                check_condition(c, world, steps, path)?;
                path.truncate(path.len() - 2);
            }
            Ok(())
        }
    }
}

/// The file key of a bound: `below`/`above` for a share, `falls`/`rises` for a change.
pub fn bound_key(bound: Bound, change: bool) -> &'static str {
    match (bound, change) {
        (Bound::Below(_), false) => "below",
        (Bound::Above(_), false) => "above",
        (Bound::Below(_), true) => "falls",
        (Bound::Above(_), true) => "rises",
    }
}

fn known(
    path: &[String],
    key: &str,
    kind: &'static str,
    index: u32,
    count: usize,
) -> Result<(), OutcomeError> {
    if (index as usize) < count {
        return Ok(());
    }
    let mut p = path.to_vec();
    p.push(key.to_string());
    Err(OutcomeError {
        path: p,
        problem: OutcomeProblem::UnknownId { kind, index, count },
    })
}

fn unit(path: &[String], key: &str, value: f64) -> Result<(), OutcomeError> {
    if (0.0..=1.0).contains(&value) {
        return Ok(());
    }
    let mut p = path.to_vec();
    p.push(key.to_string());
    Err(OutcomeError {
        path: p,
        problem: OutcomeProblem::OutOfUnit { value },
    })
}

fn member_of(
    world: &World,
    institution: InstitutionId,
    state: StateId,
    path: &[String],
    key: &str,
) -> Result<(), OutcomeError> {
    let inst = &world.institutions()[institution.index()];
    if inst.members.iter().any(|&(s, _)| s == state) {
        return Ok(());
    }
    let mut p = path.to_vec();
    p.push(key.to_string());
    Err(OutcomeError {
        path: p,
        problem: OutcomeProblem::NotAMember {
            state: world.states()[state.index()].name.clone(),
            institution: inst.name.clone(),
        },
    })
}
