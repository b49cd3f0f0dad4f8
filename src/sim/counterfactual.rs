//! What makes a scenario a counterfactual of another: the world its per-state constants are
//! fitted on (its *baseline*), and the parent it branches from at a step (its *branch*).
//! docs/model.md §2.1 (Intercepts) and §2.5 (Branches) give the rules.

use super::{Result, Scenario, ScenarioRuleError};
use crate::model::World;
use serde::Serialize;

/// The parent a scenario branches from, and the first step computed with the scenario's own
/// world ([`Scenario::with_branch`]).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Branch {
    from: u32,
    parent: Box<Scenario>,
}

impl Branch {
    /// The first step computed with the branch's own levels, drivers, events and constants:
    /// steps `0 … from − 1` are the parent's, value for value.
    pub fn from_step(&self) -> u32 {
        self.from
    }

    /// The scenario followed before the branch.
    pub fn parent(&self) -> &Scenario {
        &self.parent
    }
}

impl Scenario {
    /// This scenario with its per-state constants fitted on `baseline`'s world and start
    /// instead of its own (docs/model.md §2.1): levels that differ from the baseline's then
    /// act from the first step, as a shock, instead of being absorbed into the constants.
    ///
    /// The constants are matched by name: a movable state of this scenario takes, for each of
    /// its components (a power, or autonomy), the constant the baseline fits for the state and
    /// component of the same name; a state or component the baseline lacks (or where the
    /// baseline's state is fixed, or its initial share is 0) is fitted on this scenario itself.
    /// `baseline`'s own baseline and branch are ignored: it is a world at rest. A baseline
    /// whose world and start (after its drivers' month-0 values) equal this scenario's fits the
    /// same constants and is not kept, so such a scenario is the same value, with the same
    /// fingerprint, as one without.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::{Scenario, Simulation};
    /// let base = geoalign::presets::eurasia_2025();
    /// let text = r#"
    /// extends = "builtin:eurasia-2025"
    /// baseline = "self"   # calibrate on this file: overrides are absorbed
    /// [powers.Russia]
    /// coercion = 0.05
    /// "#;
    /// let absorbed = Scenario::from_toml_str(text, "calm.toml").unwrap();
    /// assert!(absorbed.baseline().is_none());
    /// let shocked = absorbed.clone().with_baseline(base.clone());
    /// assert!(shocked.baseline().is_some());
    /// // On its own world, a baseline changes nothing and is dropped.
    /// assert!(base.clone().with_baseline(base).baseline().is_none());
    /// ```
    pub fn with_baseline(mut self, baseline: Scenario) -> Scenario {
        let mut baseline = baseline;
        baseline.baseline = None;
        baseline.branch = None;
        let same = baseline.world == self.world && start_state(&baseline) == start_state(&self);
        self.baseline = (!same).then(|| Box::new(baseline));
        self
    }

    /// The scenario whose world and start the per-state constants are fitted on
    /// ([`Scenario::with_baseline`]); `None`: this scenario's own.
    pub fn baseline(&self) -> Option<&Scenario> {
        self.baseline.as_deref()
    }

    /// This scenario as a branch of `parent` at step `from` (docs/model.md §2.5): a run
    /// follows `parent`'s run of the same index, value for value, through step `from − 1`;
    /// then the levels this scenario changes take its values (capacity, coercion, delivery,
    /// credibility, and every tie, initial alignment, participation, unanswered count or
    /// fragility whose value differs from the parent's), everything the run has moved carries
    /// over (alignments, fed-back ties, participation, pressures, shifts, grievances,
    /// sanctions), and from step `from` on this scenario's dynamics, drivers and events apply.
    /// The random streams run through the switch, so paired runs draw the same numbers.
    ///
    /// # Errors
    ///
    /// [`ScenarioRuleError::BranchOutsideHorizon`] for a step of 0 (the start: write the
    /// overrides without a branch) or after either horizon;
    /// [`ScenarioRuleError::BranchStart`] when the parent starts in another month;
    /// [`ScenarioRuleError::BranchStructure`] when the powers, states, institutions or members
    /// (by name, in order) differ from the parent's.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::{Scenario, Simulation};
    /// let parent = geoalign::presets::eurasia_2025();
    /// let text = "extends = \"builtin:eurasia-2025\"\n[powers.Russia]\ncoercion = 0.05\n";
    /// let child = Scenario::from_toml_str(text, "calm.toml").unwrap();
    /// let branch = child.clone().with_branch(parent.clone(), 24).unwrap();
    /// let (a, b) = (
    ///     Simulation::new(parent.clone()).trajectory(3).unwrap(),
    ///     Simulation::new(branch).trajectory(3).unwrap(),
    /// );
    /// assert_eq!(a.alignment[..24], b.alignment[..24]); // identical before the branch
    /// assert_ne!(a.alignment[30], b.alignment[30]);
    /// assert!(child.with_branch(parent, 0).is_err());
    /// ```
    pub fn with_branch(mut self, parent: Scenario, from: u32) -> Result<Scenario> {
        if parent.start != self.start {
            return Err(ScenarioRuleError::BranchStart {
                parent: parent.start,
                child: self.start,
            });
        }
        let last = self.steps.min(parent.steps.saturating_add(1));
        if from == 0 || from > last {
            return Err(ScenarioRuleError::BranchOutsideHorizon { step: from, last });
        }
        // A branch of a branch may not start before its parent does: it would apply the
        // parent's levels before the month the parent applies them.
        if let Some(grand) = parent.branch.as_ref().filter(|b| b.from > from) {
            return Err(ScenarioRuleError::BranchBeforeParent {
                step: from,
                parent: grand.from,
            });
        }
        check_structure(&parent.world, &self.world)?;
        self.branch = Some(Branch {
            from,
            parent: Box::new(parent),
        });
        Ok(self)
    }

    /// The scenario's branch from its parent ([`Scenario::with_branch`]), if it is one.
    pub fn branch(&self) -> Option<&Branch> {
        self.branch.as_ref()
    }

    /// A horizon of `steps` must still hold the branch step.
    pub(super) fn check_branch_within(&self, steps: u32) -> Result<()> {
        match &self.branch {
            Some(b) if b.from > steps => Err(ScenarioRuleError::BranchOutsideHorizon {
                step: b.from,
                last: steps,
            }),
            _ => Ok(()),
        }
    }
}

/// The run state at step 0: the world's values with the drivers' month-0 values applied and
/// the acting powers' stocks at rest (as the engine starts a run).
pub(crate) fn start_state(scenario: &Scenario) -> crate::sim::RunState {
    let world = &scenario.world;
    let initial = crate::sim::RunState::new(world);
    let schedule =
        crate::sim::drivers::Schedule::new(&scenario.drivers, &initial, world.powers.len(), 0);
    let mut start = initial;
    schedule.apply(&mut start, 0);
    crate::sim::powers::settle(world, &mut start);
    start
}

/// The same powers, states, institutions and members, by name and in order: what a branch
/// keeps so that every index of a run means the same thing on both sides of it.
pub(super) fn check_structure(parent: &World, child: &World) -> Result<()> {
    fn names<'w, T>(items: &'w [T], name: impl Fn(&'w T) -> &'w str) -> Vec<&'w str> {
        items.iter().map(name).collect()
    }
    let differ = |kind: &str, a: Vec<&str>, b: Vec<&str>| {
        (a != b).then(|| ScenarioRuleError::BranchStructure {
            what: format!("{kind} {a:?} in the parent, {b:?} here"),
        })
    };
    if let Some(e) = differ(
        "powers",
        names(&parent.powers, |p| &p.name),
        names(&child.powers, |p| &p.name),
    )
    .or_else(|| {
        differ(
            "states",
            names(&parent.states, |s| &s.name),
            names(&child.states, |s| &s.name),
        )
    })
    .or_else(|| {
        differ(
            "institutions",
            names(&parent.institutions, |i| &i.name),
            names(&child.institutions, |i| &i.name),
        )
    }) {
        return Err(e);
    }
    for (p, c) in parent.institutions.iter().zip(&child.institutions) {
        let members = |i: &crate::model::Institution| {
            i.members
                .iter()
                .map(|&(s, _)| child.states[s.index()].name.as_str())
                .collect()
        };
        if let Some(e) = differ(
            &format!("institution {:?} has members", c.name),
            members(p),
            members(c),
        ) {
            return Err(e);
        }
    }
    Ok(())
}
