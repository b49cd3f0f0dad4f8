//! A scenario: a world, drivers and events over a horizon, and a seed.
//!
//! Its invariants are private: a [`Scenario`] is made by [`Scenario::builder`] and changed only
//! through checked methods ([`Scenario::add_driver`], [`Scenario::add_event`],
//! [`Scenario::add_hazard`], [`Scenario::set_steps`], [`Scenario::with_world`]), which refuse
//! exactly what the scenario file loader refuses, with a typed [`ScenarioRuleError`]. The loader
//! builds its scenarios through the same methods.

use crate::model::bounds::{within, CAPACITY, RELATION, UNIT};
use crate::model::{PowerId, Warning};
use crate::model::{World, YearMonth};
use crate::sim::drivers::{Driver, DriverTarget, PointValue};
use crate::sim::events::{
    check_hazard, check_scheduled, Event, EventError, Hazard, ScheduledEvent,
};
use crate::sim::outcome::{OutcomeError, OutcomeProblem, OutcomeSpec};
use serde::Serialize;

#[path = "counterfactual.rs"]
pub(crate) mod counterfactual;
pub use counterfactual::Branch;

/// Longest horizon in steps: 10,000 years of months.
pub const MAX_STEPS: u32 = 120_000;

/// Why a scenario built or changed in code was refused. Each variant names the entity (a
/// driver by its target, an event or hazard by its index and kind), the field and the reason.
///
/// # Examples
///
/// ```
/// use geoalign::sim::drivers::Path;
/// use geoalign::{Driver, DriverTarget, ScenarioRuleError, StateId, PowerId, Channel};
/// let mut scenario = geoalign::presets::eurasia_2025();
/// let err = scenario
///     .add_driver(Driver {
///         target: DriverTarget::Tie(StateId(99), PowerId(0), Channel::Trade),
///         path: Path::new(vec![(12, 0.5)]),
///     })
///     .unwrap_err();
/// assert!(matches!(err, ScenarioRuleError::UnknownId { kind: "state", index: 99, .. }));
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ScenarioRuleError {
    /// A horizon outside 1 to [`MAX_STEPS`] steps.
    #[error("a horizon of {steps} steps is outside 1 to {limit}")]
    Horizon {
        /// Steps asked for.
        steps: u32,
        /// [`MAX_STEPS`].
        limit: u32,
    },
    /// A driver or event refers to a power, state or institution the world does not have.
    #[error("{entity}: {field} refers to {kind} #{index}, but the world has {count}")]
    UnknownId {
        /// The driver or event, e.g. `tie driver of state #99 with power "Russia" on trade`.
        entity: String,
        /// The field, e.g. `target.state`.
        field: &'static str,
        /// `"power"`, `"state"` or `"institution"`.
        kind: &'static str,
        /// The id given.
        index: u32,
        /// How many there are.
        count: usize,
    },
    /// A relation driver on a power and itself: relations are between two different powers.
    #[error(
        "{driver}: a relation of a power with itself means nothing; name two different powers"
    )]
    RelationWithItself {
        /// The driver.
        driver: String,
    },
    /// A second driver on a target that already has one (its path would silently override the
    /// first; a scenario file cannot say this either, since its keys are unique).
    #[error("{driver}: the target already has a driver")]
    DuplicateDriver {
        /// The driver.
        driver: String,
    },
    /// A driver's path has no points.
    #[error("{driver}: the path has no points; a path needs at least one")]
    EmptyPath {
        /// The driver.
        driver: String,
    },
    /// A path point's value is NaN or infinite.
    #[error("{driver}: path[{point}].value = {value} is not a finite number")]
    PointNotFinite {
        /// The driver.
        driver: String,
        /// Index of the point in the path.
        point: usize,
        /// The value given.
        value: f64,
    },
    /// A path point's value is outside its target's range.
    #[error("{driver}: path[{point}].value = {value} is outside [{min}, {max}]")]
    PointOutOfRange {
        /// The driver.
        driver: String,
        /// Index of the point in the path.
        point: usize,
        /// The value given.
        value: f64,
        /// Smallest allowed value.
        min: f64,
        /// Largest allowed value.
        max: f64,
    },
    /// A relative path point's factor (`scale`) or offset (`add`) is NaN or infinite.
    #[error("{driver}: path[{point}].{field} = {value} is not a finite number")]
    RelativeNotFinite {
        /// The driver.
        driver: String,
        /// Index of the point in the path.
        point: usize,
        /// `scale` or `add`.
        field: &'static str,
        /// The number given.
        value: f64,
    },
    /// A `scale` point on a target whose level is 0 (a tie the world does not list, a zero
    /// delivery): any factor leaves it 0, so the point could never act.
    #[error("{driver}: path[{point}].scale multiplies the target's level, which is 0, so it can never change it; give the point a `value` or an `add` instead")]
    ScaleOfZeroLevel {
        /// The driver.
        driver: String,
        /// Index of the point in the path.
        point: usize,
    },
    /// A relative path point resolves, against the path's level, to a value outside its
    /// target's range (refused, not clipped).
    #[error("{driver}: path[{point}].{field} = {given} on the level {level} gives {value}, outside [{min}, {max}]; relative points are not clipped")]
    ResolvedOutOfRange {
        /// The driver.
        driver: String,
        /// Index of the point in the path.
        point: usize,
        /// `scale` or `add`.
        field: &'static str,
        /// The factor or offset given.
        given: f64,
        /// The level the path starts from (the world's value of the target).
        level: f64,
        /// The resolved value.
        value: f64,
        /// Smallest allowed value.
        min: f64,
        /// Largest allowed value.
        max: f64,
    },
    /// A path point's month does not come after the previous point's.
    #[error("{driver}: path[{point}].month = {month} does not come after month {previous}; path months must be strictly increasing")]
    MonthsNotIncreasing {
        /// The driver.
        driver: String,
        /// Index of the point in the path.
        point: usize,
        /// The previous point's month.
        previous: u32,
        /// This point's month.
        month: u32,
    },
    /// A path point lies after the horizon's last step.
    #[error("{driver}: path[{point}].month = {month} is after the horizon's last step, {steps}")]
    PointAfterHorizon {
        /// The driver.
        driver: String,
        /// Index of the point in the path.
        point: usize,
        /// The point's month.
        month: u32,
        /// The horizon.
        steps: u32,
    },
    /// An event's or hazard's step is outside the steps it may take.
    #[error("{entity}: {field} = step {step} is outside steps {first} to {last}")]
    StepOutsideHorizon {
        /// The event or hazard, e.g. `event 0 (war)`.
        entity: String,
        /// `step`, `from` or `until`.
        field: &'static str,
        /// The step given.
        step: u32,
        /// The first step allowed (1: step 0 is the start, before anything happens).
        first: u32,
        /// The last step allowed: the horizon.
        last: u32,
    },
    /// An event breaks a rule of its kind (an id the world lacks, a number out of range, a
    /// repeated name, an end before the event fires, …): the rules the scenario loader applies.
    #[error("{entity}: {error}")]
    Event {
        /// The event or hazard, e.g. `event 0 (war)`.
        entity: String,
        /// The field and the problem.
        #[source]
        error: EventError,
    },
    /// An event or hazard identical to one already in the scenario: it would fire twice.
    #[error("{entity} is the same as {first}: it would fire twice; to double an effect, give one event the whole of it")]
    DuplicateEvent {
        /// The later event or hazard, e.g. `event 2 (unrest)`.
        entity: String,
        /// The earlier one, e.g. `event 0`.
        first: String,
    },
    /// A `peace` with no `war` of its power that can have started before it (a scheduled war
    /// at an earlier step, or a war hazard whose window opens before it), among the events
    /// added before it: it would end nothing.
    #[error("{entity}: no war of power {power:?} can have started before this peace (a war must be added, or listed in a file, before its peace, at an earlier step or as a hazard opening earlier); a peace with no war ends nothing")]
    PeaceWithoutWar {
        /// The peace, e.g. `event 1 (peace)`.
        entity: String,
        /// The power's name.
        power: String,
    },
    /// A declared outcome breaks a rule ([`OutcomeSpec::check`], unique names).
    #[error("outcome `{name}`: {error}")]
    Outcome {
        /// The outcome's name.
        name: String,
        /// The key inside the outcome and the problem.
        #[source]
        error: OutcomeError,
    },
    /// A participation event (`join`, `suspend`, `reinstate`, `exit`) that can never change
    /// the member's participation, whatever else happens in the run.
    #[error("{entity}: {reason}")]
    ParticipationCannotAct {
        /// The event or hazard, e.g. `event 1 (exit)`.
        entity: String,
        /// Why: the participations the member can have when it may fire, and those the event
        /// acts on.
        reason: String,
    },
    /// A number is NaN or infinite.
    #[error("{entity}: {field} = {value} is not a finite number")]
    NotFinite {
        /// The event or hazard.
        entity: String,
        /// The field, e.g. `monthly`.
        field: &'static str,
        /// The value given.
        value: f64,
    },
    /// A number is outside its range.
    #[error("{entity}: {field} = {value} is outside [{min}, {max}]")]
    OutOfRange {
        /// The event or hazard.
        entity: String,
        /// The field, e.g. `monthly`.
        field: &'static str,
        /// The value given.
        value: f64,
        /// Smallest allowed value.
        min: f64,
        /// Largest allowed value.
        max: f64,
    },
    /// A branch step outside the steps a branch may take: after the start (a branch at the
    /// start is a plain override) and within both the scenario's horizon and its parent's.
    #[error("a branch at step {step} is outside steps 1 to {last}; a branch at step 0 is the start itself, where the overrides apply without a branch")]
    BranchOutsideHorizon {
        /// The branch step given.
        step: u32,
        /// The last step a branch may take.
        last: u32,
    },
    /// A branch of a branch that starts before its parent's branch: it would apply the
    /// parent's levels before the month the parent applies them.
    #[error("a branch at step {step} comes before its parent's own branch at step {parent}; branch at or after step {parent}, or extend the parent's parent")]
    BranchBeforeParent {
        /// The branch step given.
        step: u32,
        /// The parent's branch step.
        parent: u32,
    },
    /// A branch whose parent starts in another month: the runs could not be paired.
    #[error(
        "the branch starts in {child}, its parent in {parent}; a branch keeps its parent's start"
    )]
    BranchStart {
        /// The parent's start.
        parent: YearMonth,
        /// The branch's start.
        child: YearMonth,
    },
    /// A branch that changes which powers, states, institutions or members exist.
    #[error("the branch changes the world's structure ({what}); a branch may change levels, not which powers, states, institutions or members exist: schedule a participation event (join, suspend, reinstate, exit) instead")]
    BranchStructure {
        /// What differs, e.g. `institution "CSTO" has members [..] in the parent, [..] here`.
        what: String,
    },
}

type Result<T> = std::result::Result<T, ScenarioRuleError>;

/// A validated scenario: the world, its drivers, events and hazards, horizon and seed.
///
/// # Examples
///
/// ```
/// let scenario = geoalign::presets::eurasia_2025();
/// assert_eq!(scenario.name(), "Eurasia 2025");
/// assert_eq!(scenario.start().to_string(), "2025-01");
/// assert!(scenario.world().state_id("Kazakhstan").is_some());
/// ```
// The field order is the serialised order the ensemble's fingerprint hashes: keep it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scenario {
    name: String,
    description: String,
    seed: u64,
    start: YearMonth,
    steps: u32,
    world: World,
    drivers: Vec<Driver>,
    events: Vec<ScheduledEvent>,
    hazards: Vec<Hazard>,
    /// The world the per-state constants are fitted on ([`Scenario::with_baseline`]); absent
    /// (and then not serialised, so the fingerprint of a scenario without one is unchanged):
    /// the scenario's own world.
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<Box<Scenario>>,
    /// The parent this scenario branches from ([`Scenario::with_branch`]); not serialised when
    /// absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    branch: Option<Branch>,
    /// Declared outcomes; left out of the serialised form when there are none, so that a
    /// scenario without outcomes keeps the fingerprint it had before outcomes were declared.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    outcomes: Vec<OutcomeSpec>,
}

/// Builds a [`Scenario`] around a [`World`]: its name, description, start, horizon and seed.
/// Drivers and events are added to the built scenario through its checked methods.
///
/// # Examples
///
/// ```
/// use geoalign::{Disposition, Power, Scenario, Simulation, State, World};
/// let world = World::builder()
///     .power(Power::new("A"))
///     .state(State::new("S", Disposition::Neutral, vec![0.5, 0.5]))
///     .build()
///     .unwrap();
/// assert!(Scenario::builder(world.clone()).steps(0).build().is_err());
/// let scenario = Scenario::builder(world)
///     .name("one year")
///     .start("2025-01".parse().unwrap())
///     .steps(12)
///     .seed(1)
///     .build()
///     .unwrap();
/// assert_eq!(Simulation::new(scenario).trajectory(0).unwrap().len(), 13);
/// ```
#[derive(Clone, Debug)]
pub struct ScenarioBuilder {
    world: World,
    name: String,
    description: String,
    start: YearMonth,
    steps: u32,
    seed: u64,
}

impl ScenarioBuilder {
    /// The scenario's name (empty unless set: a name only labels output).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// The scenario's free-text description (empty unless set).
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = description.into();
        self
    }

    /// The month of step 0.
    pub fn start(mut self, start: YearMonth) -> Self {
        self.start = start;
        self
    }

    /// The horizon in steps (months), 1 to [`MAX_STEPS`].
    pub fn steps(mut self, steps: u32) -> Self {
        self.steps = steps;
        self
    }

    /// The seed of every random stream of the scenario's runs.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Check the horizon and build the scenario, with no drivers and no events (unrest still
    /// fires from each state's fragility).
    ///
    /// # Errors
    ///
    /// [`ScenarioRuleError::Horizon`] when the steps are 0 or above [`MAX_STEPS`].
    pub fn build(self) -> Result<Scenario> {
        check_horizon(self.steps)?;
        Ok(Scenario {
            name: self.name,
            description: self.description,
            seed: self.seed,
            start: self.start,
            steps: self.steps,
            world: self.world,
            drivers: Vec::new(),
            events: Vec::new(),
            hazards: Vec::new(),
            baseline: None,
            branch: None,
            outcomes: Vec::new(),
        })
    }
}

impl Scenario {
    /// A [`ScenarioBuilder`] around `world`. Unless set, the scenario starts in January 2025
    /// (the embedded world's start), runs 120 steps (ten years, the horizon of the CSTO
    /// futures) with seed 0, and has an empty name and description.
    pub fn builder(world: World) -> ScenarioBuilder {
        ScenarioBuilder {
            world,
            name: String::new(),
            description: String::new(),
            // A constant, not user data.
            start: "2025-01".parse().expect("2025-01 is a month"),
            steps: 120,
            seed: 0,
        }
    }

    /// Name of the scenario.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Free-text description.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// Seed of every ChaCha stream of the scenario's runs.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The month of step 0.
    pub fn start(&self) -> YearMonth {
        self.start
    }

    /// Number of steps (months) to run.
    pub fn steps(&self) -> u32 {
        self.steps
    }

    /// The world at the start.
    pub fn world(&self) -> &World {
        &self.world
    }

    /// Time paths over the horizon, in the order they were added.
    pub fn drivers(&self) -> &[Driver] {
        &self.drivers
    }

    /// Events fixed to a step, in the order they were added.
    pub fn events(&self) -> &[ScheduledEvent] {
        &self.events
    }

    /// Events left to a monthly hazard, in the order they were added.
    pub fn hazards(&self) -> &[Hazard] {
        &self.hazards
    }

    /// The declared outcomes, in the order they were added
    /// ([`crate::analysis::outcome::declared_outcomes`] makes them countable).
    pub fn outcomes(&self) -> &[OutcomeSpec] {
        &self.outcomes
    }

    /// This scenario without its declared outcomes (the world, drivers and events as they are).
    ///
    /// # Examples
    ///
    /// ```
    /// let plain = geoalign::presets::eurasia_2025().without_outcomes();
    /// assert!(plain.outcomes().is_empty());
    /// ```
    pub fn without_outcomes(mut self) -> Scenario {
        self.outcomes.clear();
        self
    }

    /// Declare an outcome.
    ///
    /// # Errors
    ///
    /// [`ScenarioRuleError::Outcome`] with what [`OutcomeSpec::check`] refuses, or a name
    /// another declared outcome has.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::sim::outcome::{Condition, OutcomeSpec, Timing};
    /// use geoalign::{Participation, ScenarioRuleError};
    /// let mut scenario = geoalign::presets::eurasia_2025();
    /// let w = scenario.world();
    /// let exit = Condition::Participation {
    ///     institution: w.institution_id("CSTO").unwrap(),
    ///     member: w.state_id("Armenia").unwrap(),
    ///     is: Participation::Exited,
    ///     timing: Timing::By(60),
    /// };
    /// scenario.add_outcome(OutcomeSpec::new("armenia-exits", exit.clone())).unwrap();
    /// let again = scenario.add_outcome(OutcomeSpec::new("armenia-exits", exit));
    /// assert!(matches!(again, Err(ScenarioRuleError::Outcome { .. })));
    /// ```
    pub fn add_outcome(&mut self, outcome: OutcomeSpec) -> Result<()> {
        let refuse = |error| ScenarioRuleError::Outcome {
            name: outcome.name.clone(),
            error,
        };
        outcome.check(&self.world, self.steps).map_err(refuse)?;
        if self.outcomes.iter().any(|o| o.name == outcome.name) {
            return Err(refuse(OutcomeError {
                path: vec!["name".into()],
                problem: OutcomeProblem::DuplicateName {
                    name: outcome.name.clone(),
                },
            }));
        }
        self.outcomes.push(outcome);
        Ok(())
    }

    /// What this scenario allows but probably does not mean ([`World::warnings`]), each at
    /// the key path a scenario file would write it at; the file loader returns the same
    /// warnings located in the file ([`Scenario::from_file_with_warnings`]), with those about
    /// the file itself (overrides and entries that cannot act: scenarios/README.md).
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(geoalign::presets::eurasia_2025().warnings().is_empty());
    /// ```
    pub fn warnings(&self) -> Vec<Warning> {
        self.world.warnings()
    }

    /// The date of step `step`.
    pub fn date_of(&self, step: u32) -> YearMonth {
        self.start.add_months(step)
    }

    /// Set the seed of the scenario's runs (any seed is valid).
    pub fn set_seed(&mut self, seed: u64) {
        self.seed = seed;
    }

    /// Set the horizon.
    ///
    /// # Errors
    ///
    /// [`ScenarioRuleError::Horizon`] when `steps` is 0 or above [`MAX_STEPS`]; the error of
    /// the first driver point, event or hazard that would fall after the new horizon.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut scenario = geoalign::presets::eurasia_2025();
    /// scenario.set_steps(24).unwrap();
    /// assert_eq!(scenario.steps(), 24);
    /// assert!(scenario.set_steps(0).is_err());
    /// ```
    pub fn set_steps(&mut self, steps: u32) -> Result<()> {
        check_horizon(steps)?;
        self.check_branch_within(steps)?;
        let shorter = Scenario {
            steps,
            ..self.without_schedule()
        };
        let rebuilt = shorter.with_schedule_of(self)?;
        *self = rebuilt;
        Ok(())
    }

    /// This scenario with another world (e.g. one made by [`World::to_builder`] with other
    /// parameters); every driver, event and hazard is checked again against it.
    ///
    /// # Errors
    ///
    /// The first driver, event or hazard the new world refuses (an id out of its range).
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::Parameters;
    /// let scenario = geoalign::presets::eurasia_2025();
    /// let world = scenario
    ///     .world()
    ///     .to_builder()
    ///     .parameters(Parameters { noise: 0.0, ..scenario.world().parameters().clone() })
    ///     .build()
    ///     .unwrap();
    /// let calm = scenario.with_world(world).unwrap();
    /// assert_eq!(calm.world().parameters().noise, 0.0);
    /// ```
    pub fn with_world(self, world: World) -> Result<Scenario> {
        if let Some(branch) = &self.branch {
            counterfactual::check_structure(branch.parent().world(), &world)?;
        }
        let empty = Scenario {
            world,
            ..self.without_schedule()
        };
        empty.with_schedule_of(&self)
    }

    /// Add a driver.
    ///
    /// # Errors
    ///
    /// What the scenario loader refuses in a driver: a target id the world does not have, an
    /// empty path, a point value that is not finite or outside its target's range (capacity
    /// in [0, 1e6], every other target in [0, 1]), months that are not strictly increasing
    /// or lie after the horizon; and a second driver on the same target.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::sim::drivers::Path;
    /// use geoalign::{Channel, Driver, DriverTarget, ScenarioRuleError};
    /// let mut scenario = geoalign::presets::eurasia_2025();
    /// let world = scenario.world();
    /// let tie = DriverTarget::Tie(
    ///     world.state_id("Armenia").unwrap(),
    ///     world.power_id("Russia").unwrap(),
    ///     Channel::Security,
    /// );
    /// let err = scenario
    ///     .add_driver(Driver { target: tie, path: Path::new(vec![(12, 5.0)]) })
    ///     .unwrap_err();
    /// assert!(matches!(err, ScenarioRuleError::PointOutOfRange { value, .. } if value == 5.0));
    /// scenario.add_driver(Driver { target: tie, path: Path::new(vec![(12, 0.2)]) }).unwrap();
    /// assert_eq!(scenario.drivers().len(), 1);
    /// ```
    pub fn add_driver(&mut self, driver: Driver) -> Result<()> {
        let name = describe_target(driver.target, &self.world);
        self.check_target(driver.target, &name)?;
        if self
            .drivers
            .iter()
            .any(|d| same_quantity(d.target, driver.target))
        {
            return Err(ScenarioRuleError::DuplicateDriver { driver: name });
        }
        let points = driver.path.points();
        if points.is_empty() {
            return Err(ScenarioRuleError::EmptyPath { driver: name });
        }
        let (min, max) = match driver.target {
            DriverTarget::Capacity(_) => CAPACITY,
            DriverTarget::Relation(..) => RELATION,
            _ => UNIT,
        };
        let level = driver.target.level(&self.world);
        for (point, &(month, value)) in points.iter().enumerate() {
            if month > self.steps {
                return Err(ScenarioRuleError::PointAfterHorizon {
                    driver: name,
                    point,
                    month,
                    steps: self.steps,
                });
            }
            if let Some(&(previous, _)) = point.checked_sub(1).and_then(|p| points.get(p)) {
                if month <= previous {
                    return Err(ScenarioRuleError::MonthsNotIncreasing {
                        driver: name,
                        point,
                        previous,
                        month,
                    });
                }
            }
            check_point(&name, point, value, level, (min, max))?;
        }
        self.drivers.push(driver);
        Ok(())
    }

    /// Add an event fixed to a step.
    ///
    /// The rules are the events' own ([`check_scheduled`]), the same the file loader applies:
    /// a step in 1 to the horizon (step 0 is the start, before anything happens), ids of this
    /// world, numbers in range, an end after the step; shares within
    /// [`crate::model::SIMPLEX_TOLERANCE`] of a whole are normalised. Then the scenario's: no
    /// event twice, and a `peace` only after a `war` of its power already added (at an
    /// earlier step, or a war hazard opening earlier).
    ///
    /// # Errors
    ///
    /// [`ScenarioRuleError::Event`], naming the event and carrying the field and the reason;
    /// [`ScenarioRuleError::DuplicateEvent`]; [`ScenarioRuleError::PeaceWithoutWar`].
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::sim::events::kinds::Peace;
    /// use geoalign::sim::events::ScheduledEvent;
    /// use geoalign::ScenarioRuleError;
    /// let mut scenario = geoalign::presets::eurasia_2025();
    /// let russia = scenario.world().power_id("Russia").unwrap();
    /// let peace = ScheduledEvent { step: 10_000, event: Peace { power: russia }.into() };
    /// let err = scenario.add_event(peace).unwrap_err();
    /// assert!(matches!(&err, ScenarioRuleError::Event { error, .. } if error.field == "at"));
    /// ```
    pub fn add_event(&mut self, event: ScheduledEvent) -> Result<()> {
        self.insert_event(event)?;
        let n = self.events.len() - 1;
        let added = &self.events[n];
        let checked = self
            .check_peace(&added.event, added.step, &format!("event {n}"))
            .and_then(|()| self.check_participation(Ok(n)));
        if let Err(e) = checked {
            self.events.pop();
            return Err(e);
        }
        Ok(())
    }

    /// Add an event after its own checks and the duplicate rule, normalised.
    fn insert_event(&mut self, mut event: ScheduledEvent) -> Result<()> {
        let entity = format!("event {} ({})", self.events.len(), event.event.kind());
        check_scheduled(&event, &self.world, self.steps).map_err(|error| {
            ScenarioRuleError::Event {
                entity: entity.clone(),
                error,
            }
        })?;
        event.event.normalise();
        if let Some(first) = self.events.iter().position(|e| *e == event) {
            return Err(ScenarioRuleError::DuplicateEvent {
                entity,
                first: format!("event {first}"),
            });
        }
        self.events.push(event);
        Ok(())
    }

    /// Add an event left to a monthly hazard.
    ///
    /// The rules are the events' own ([`check_hazard`]), the same the file loader applies:
    /// the event's, a monthly probability in [0, 1], a window `from ≤ until` in 1 to the
    /// horizon. A window is fixed when the hazard is added: [`Scenario::set_steps`] does not
    /// stretch it to a longer horizon, and refuses a shorter horizon that cuts it. Then the
    /// scenario's, as for [`Scenario::add_event`]: no hazard twice, and a `peace` only when a
    /// `war` of its power already added can start before the window closes.
    ///
    /// # Errors
    ///
    /// [`ScenarioRuleError::Event`], naming the hazard and carrying the field and the reason;
    /// [`ScenarioRuleError::DuplicateEvent`]; [`ScenarioRuleError::PeaceWithoutWar`].
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::sim::events::kinds::Peace;
    /// use geoalign::sim::events::Hazard;
    /// use geoalign::ScenarioRuleError;
    /// let mut scenario = geoalign::presets::eurasia_2025();
    /// let russia = scenario.world().power_id("Russia").unwrap();
    /// let peace = Hazard { monthly: 1.5, from: 1, until: 12, event: Peace { power: russia }.into() };
    /// let err = scenario.add_hazard(peace).unwrap_err();
    /// assert!(matches!(&err, ScenarioRuleError::Event { error, .. } if error.field == "monthly"));
    /// ```
    pub fn add_hazard(&mut self, hazard: Hazard) -> Result<()> {
        self.insert_hazard(hazard)?;
        let n = self.hazards.len() - 1;
        let added = &self.hazards[n];
        let checked = self
            .check_peace(&added.event, added.until, &format!("hazard {n}"))
            .and_then(|()| self.check_participation(Err(n)));
        if let Err(e) = checked {
            self.hazards.pop();
            return Err(e);
        }
        Ok(())
    }

    /// A participation event (`join`, `suspend`, `reinstate`, `exit`) that can never act,
    /// given the member's participation at the start and the participation events added
    /// before it, is refused ([`crate::sim::events::kinds::membership`]'s rule). `this` is
    /// the event's index (`Ok`) or the hazard's (`Err`).
    fn check_participation(&self, this: std::result::Result<usize, usize>) -> Result<()> {
        let cannot =
            crate::sim::events::kinds::cannot_act(&self.world, &self.events, &self.hazards, this);
        match cannot {
            None => Ok(()),
            Some(reason) => {
                let (entity, kind) = match this {
                    Ok(n) => (format!("event {n}"), self.events[n].event.kind()),
                    Err(n) => (format!("hazard {n}"), self.hazards[n].event.kind()),
                };
                Err(ScenarioRuleError::ParticipationCannotAct {
                    entity: format!("{entity} ({kind})"),
                    reason,
                })
            }
        }
    }

    /// Add a hazard after its own checks and the duplicate rule, normalised.
    fn insert_hazard(&mut self, mut hazard: Hazard) -> Result<()> {
        let entity = format!("hazard {} ({})", self.hazards.len(), hazard.event.kind());
        check_hazard(&hazard, &self.world, self.steps).map_err(|error| {
            ScenarioRuleError::Event {
                entity: entity.clone(),
                error,
            }
        })?;
        hazard.event.normalise();
        if let Some(first) = self.hazards.iter().position(|h| *h == hazard) {
            return Err(ScenarioRuleError::DuplicateEvent {
                entity,
                first: format!("hazard {first}"),
            });
        }
        self.hazards.push(hazard);
        Ok(())
    }

    /// A `peace` of power P whose latest step is `last` needs a war of P that can start before
    /// `last`: a scheduled war at an earlier step, or a war hazard opening earlier.
    fn check_peace(&self, event: &Event, last: u32, entity: &str) -> Result<()> {
        let Event::Peace(peace) = event else {
            return Ok(());
        };
        let war_of = |e: &Event| matches!(e, Event::War(w) if w.power == peace.power);
        let scheduled = self
            .events
            .iter()
            .any(|e| war_of(&e.event) && e.step < last);
        let hazard = self
            .hazards
            .iter()
            .any(|h| war_of(&h.event) && h.from < last);
        if scheduled || hazard {
            return Ok(());
        }
        Err(ScenarioRuleError::PeaceWithoutWar {
            entity: format!("{entity} (peace)"),
            power: self.power_name(peace.power),
        })
    }

    fn power_name(&self, power: PowerId) -> String {
        self.world
            .powers()
            .get(power.index())
            .map_or_else(|| format!("#{}", power.0), |p| p.name.clone())
    }

    /// This scenario's header and world with no drivers, events or hazards.
    fn without_schedule(&self) -> Scenario {
        Scenario {
            name: self.name.clone(),
            description: self.description.clone(),
            seed: self.seed,
            start: self.start,
            steps: self.steps,
            world: self.world.clone(),
            drivers: Vec::new(),
            events: Vec::new(),
            hazards: Vec::new(),
            baseline: self.baseline.clone(),
            branch: self.branch.clone(),
            outcomes: Vec::new(),
        }
    }

    /// `self` with every driver, event and hazard of `other` added through the checks; each
    /// peace is checked once all are in, since a scheduled peace may follow a war hazard,
    /// which is added after the scheduled events.
    fn with_schedule_of(mut self, other: &Scenario) -> Result<Scenario> {
        for driver in &other.drivers {
            self.add_driver(driver.clone())?;
        }
        for event in &other.events {
            self.insert_event(event.clone())?;
        }
        for hazard in &other.hazards {
            self.insert_hazard(hazard.clone())?;
        }
        for outcome in &other.outcomes {
            self.add_outcome(outcome.clone())?;
        }
        for (n, e) in self.events.iter().enumerate() {
            self.check_peace(&e.event, e.step, &format!("event {n}"))?;
        }
        for (n, h) in self.hazards.iter().enumerate() {
            self.check_peace(&h.event, h.until, &format!("hazard {n}"))?;
        }
        for n in 0..self.events.len() {
            self.check_participation(Ok(n))?;
        }
        for n in 0..self.hazards.len() {
            self.check_participation(Err(n))?;
        }
        Ok(self)
    }

    /// Every id of `target` within the world.
    fn check_target(&self, target: DriverTarget, name: &str) -> Result<()> {
        let world = &self.world;
        let unknown = |field, kind, index: u32, count: usize| {
            (index as usize >= count).then(|| ScenarioRuleError::UnknownId {
                entity: name.to_string(),
                field,
                kind,
                index,
                count,
            })
        };
        let (powers, states, institutions) = (
            world.powers().len(),
            world.states().len(),
            world.institutions().len(),
        );
        let error = match target {
            DriverTarget::Capacity(p)
            | DriverTarget::Coercion(p)
            | DriverTarget::Delivery(p, _) => unknown("target.power", "power", p.0, powers),
            DriverTarget::Credibility(i) => {
                unknown("target.institution", "institution", i.0, institutions)
            }
            DriverTarget::Tie(s, p, _) => unknown("target.state", "state", s.0, states)
                .or_else(|| unknown("target.power", "power", p.0, powers)),
            DriverTarget::Relation(p, q) => unknown("target.powers[0]", "power", p.0, powers)
                .or_else(|| unknown("target.powers[1]", "power", q.0, powers))
                .or_else(|| {
                    (p == q).then(|| ScenarioRuleError::RelationWithItself {
                        driver: name.to_string(),
                    })
                }),
        };
        error.map_or(Ok(()), Err)
    }
}

/// A path point's rules: a finite number; a `scale` of a level other than 0 (a factor of 0
/// leaves 0, so the point could never act); a value, resolved against the path's `level`,
/// inside the target's range. A relative point that leaves the range is refused, not clipped:
/// the brief forbids silently clamped values, and the fix (a smaller factor or offset, or a
/// level that leaves room) is the user's choice.
fn check_point(
    name: &str,
    point: usize,
    value: PointValue,
    level: f64,
    range: (f64, f64),
) -> Result<()> {
    let number = value.number();
    if !number.is_finite() {
        return Err(match value {
            PointValue::Absolute(_) => ScenarioRuleError::PointNotFinite {
                driver: name.to_string(),
                point,
                value: number,
            },
            _ => ScenarioRuleError::RelativeNotFinite {
                driver: name.to_string(),
                point,
                field: value.key(),
                value: number,
            },
        });
    }
    if matches!(value, PointValue::Scale { .. }) && level == 0.0 {
        return Err(ScenarioRuleError::ScaleOfZeroLevel {
            driver: name.to_string(),
            point,
        });
    }
    let resolved = value.resolve(level);
    within(resolved, range).map_err(|_| match value {
        PointValue::Absolute(_) => ScenarioRuleError::PointOutOfRange {
            driver: name.to_string(),
            point,
            value: resolved,
            min: range.0,
            max: range.1,
        },
        _ => ScenarioRuleError::ResolvedOutOfRange {
            driver: name.to_string(),
            point,
            field: value.key(),
            given: number,
            level,
            value: resolved,
            min: range.0,
            max: range.1,
        },
    })
}

/// Whether two targets drive the same number: a relation is one number whichever power is
/// named first.
fn same_quantity(a: DriverTarget, b: DriverTarget) -> bool {
    match (a, b) {
        (DriverTarget::Relation(p, q), DriverTarget::Relation(r, s)) => {
            (p, q) == (r, s) || (p, q) == (s, r)
        }
        _ => a == b,
    }
}

/// The horizon's rule: 1 to [`MAX_STEPS`] steps.
pub(crate) fn check_horizon(steps: u32) -> Result<()> {
    if steps == 0 || steps > MAX_STEPS {
        return Err(ScenarioRuleError::Horizon {
            steps,
            limit: MAX_STEPS,
        });
    }
    Ok(())
}

/// A driver named by its target, with the world's names where the ids are in range (`#99`
/// where one is not).
fn describe_target(target: DriverTarget, world: &World) -> String {
    let power = |id: crate::model::PowerId| match world.powers().get(id.index()) {
        Some(p) => format!("power {:?}", p.name),
        None => format!("power #{}", id.0),
    };
    let state = |id: crate::model::StateId| match world.states().get(id.index()) {
        Some(s) => format!("state {:?}", s.name),
        None => format!("state #{}", id.0),
    };
    let institution = |id: crate::model::InstitutionId| match world.institutions().get(id.index()) {
        Some(i) => format!("institution {:?}", i.name),
        None => format!("institution #{}", id.0),
    };
    match target {
        DriverTarget::Capacity(p) => format!("capacity driver of {}", power(p)),
        DriverTarget::Coercion(p) => format!("coercion driver of {}", power(p)),
        DriverTarget::Delivery(p, k) => format!("{k} delivery driver of {}", power(p)),
        DriverTarget::Credibility(i) => format!("credibility driver of {}", institution(i)),
        DriverTarget::Tie(s, p, k) => {
            format!("tie driver of {} with {} on {k}", state(s), power(p))
        }
        DriverTarget::Relation(p, q) => {
            format!("relation driver of {} and {}", power(p), power(q))
        }
    }
}
