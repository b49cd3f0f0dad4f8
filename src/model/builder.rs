//! Building a [`World`]: the one checked way in. Code calls the builder directly; the scenario
//! loader ([`crate::scenario_file`]) turns a file into the same calls and locates the builder's
//! [`WorldError`] in the file; synthetic worlds ([`crate::presets::Synthetic`]) go through it too.
//!
//! The rules: names as [`super::names`] states them (none empty, none with a control
//! character, none over [`super::names::MAX_NAME_BYTES`], no two of one kind with one file-name
//! form, no state named like a power or an institution, no power called a variant of
//! `autonomy`), every share, tie, delivery factor and rate in [0, 1], shares and saliences
//! summing to 1 under the one simplex rule of [`super::SIMPLEX_TOLERANCE`] (within it they are
//! normalised, outside refused), an institution with at least one member, a leader if it
//! carries any channel, and no member still in with as many unanswered appeals as make a
//! member exit, temperatures in [1e-6, 1e6], threat weights in [−10, 10], noise in [0, 1/2] (so every
//! perturbation factor stays non-negative, see [`crate::sim::dynamics`]), a power's capacity in
//! [0, 1e6] (a larger one can overflow the utilities at the lowest temperature), ids in
//! range; the bounds are those of [`super::bounds`]. A world that passes is one the
//! engine runs without a [`crate::SimError`].

use super::bounds::{
    simplex, within, Refused, Whole, BUDGET, CAPACITY, COUNT, HALF_LIFE, LARGE, NOISE, RELATION,
    TEMPERATURE, THREAT_WEIGHT, UNIT,
};
use super::names::{check_name, reserved_for_autonomy, slug, NameProblem};
use super::{
    tie_index, Agency, AgencyParameters, Channel, Disposition, DispositionParams, Institution,
    Parameters, Participation, PerChannel, Power, PowerId, State, StateId, Warning, WarningKind,
    World,
};
use std::collections::HashMap;

/// Why a world built in code was refused. Each variant names the entity (`state "Armenia"`,
/// `power "Russia"`, `institution "CSTO"`, `parameters`), the field and the reason.
///
/// # Examples
///
/// ```
/// use geoalign::{Disposition, Power, State, World, WorldError};
/// let err = World::builder()
///     .power(Power::new("A"))
///     .state(State { inertia: 1.5, ..State::new("S", Disposition::Hedge, vec![0.5, 0.5]) })
///     .build()
///     .unwrap_err();
/// assert!(matches!(err, WorldError::OutOfRange { ref field, .. } if field == "inertia"));
/// assert_eq!(err.to_string(), "state \"S\": inertia = 1.5 is outside [0, 1]");
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum WorldError {
    /// The world has no powers or no states.
    #[error("a world needs at least one {what}")]
    Empty {
        /// `"power"` or `"state"`.
        what: &'static str,
    },
    /// Two entities of the same kind share a name.
    #[error("two {kind}s are named {name:?}")]
    DuplicateName {
        /// `"power"`, `"state"` or `"institution"`.
        kind: &'static str,
        /// The name.
        name: String,
    },
    /// A number is NaN or infinite.
    #[error("{entity}: {field} = {value} is not a finite number")]
    NotFinite {
        /// The entity, e.g. `state "Armenia"`.
        entity: Entity,
        /// The field, e.g. `ties.Russia.trade`.
        field: String,
        /// The value given.
        value: f64,
    },
    /// A number is outside its documented range.
    #[error("{entity}: {field} = {value} is outside [{min}, {max}]")]
    OutOfRange {
        /// The entity.
        entity: Entity,
        /// The field.
        field: String,
        /// The value given.
        value: f64,
        /// Smallest allowed value.
        min: f64,
        /// Largest allowed value.
        max: f64,
    },
    /// Shares that must sum to 1 do not.
    #[error("{entity}: the {field} shares sum to {sum}, not 1")]
    SumNotOne {
        /// The entity.
        entity: Entity,
        /// `alignment` or `salience`.
        field: String,
        /// Their sum.
        sum: f64,
    },
    /// Shares of one whole (ties on a channel with tie feedback) sum to more than 1.
    #[error("{entity}: the {field} ties sum to {sum}, more than 1 (the channel has tie feedback, so its ties are shares of one whole)")]
    SumAboveOne {
        /// The entity.
        entity: Entity,
        /// The channel, e.g. `ties.*.trade`.
        field: String,
        /// Their sum.
        sum: f64,
    },
    /// A per-power list has the wrong length.
    #[error("{entity}: {field} has {found} entries, expected {expected}")]
    WrongLength {
        /// The entity.
        entity: Entity,
        /// The field, e.g. `alignment` (one entry per power, then autonomy).
        field: String,
        /// Entries expected.
        expected: usize,
        /// Entries given.
        found: usize,
    },
    /// A name refers to no power or state of the world.
    #[error("{entity}: there is no {kind} named {name:?}")]
    UnknownName {
        /// Where the name was used, e.g. a tie.
        entity: Entity,
        /// `"power"` or `"state"`.
        kind: &'static str,
        /// The unknown name.
        name: String,
    },
    /// An id is not an index of the world's powers or states.
    #[error("{entity}: {field} refers to {kind} #{index}, but the world has {count}")]
    UnknownId {
        /// The entity.
        entity: Entity,
        /// The field, e.g. `leader` or `members`.
        field: String,
        /// `"power"` or `"state"`.
        kind: &'static str,
        /// The id given.
        index: u32,
        /// How many there are.
        count: usize,
    },
    /// A state is listed twice as a member of an institution.
    #[error("institution {institution:?}: state {state:?} is listed twice as a member")]
    DuplicateMember {
        /// The institution.
        institution: String,
        /// The state.
        state: String,
    },
    /// A name breaks a rule of every name ([`super::names::check_name`]).
    #[error("{kind} {name:?}: {problem}")]
    BadName {
        /// `"power"`, `"state"` or `"institution"`.
        kind: &'static str,
        /// The name.
        name: String,
        /// The rule it breaks.
        problem: NameProblem,
    },
    /// A power's name is `autonomy` or a variant of it (its file-name form is `autonomy`), the
    /// name of every state's last alignment share.
    #[error("power {name:?}: the name is (a variant of) `autonomy`, the name of every alignment's autonomy share; give the power another name")]
    ReservedName {
        /// The power's name.
        name: String,
    },
    /// A state has the name of a power or an institution: every table that lists both would
    /// mislead.
    #[error("state {name:?} has the name of {}; a state's name must differ from every power's and institution's", if *other_kind == "power" { "a power" } else { "an institution" })]
    NameShared {
        /// The name.
        name: String,
        /// `"power"` or `"institution"`.
        other_kind: &'static str,
    },
    /// Two names have the same file-name form ([`super::names::slug`]): outputs would write
    /// one file for both, or print names that differ only in case or punctuation.
    #[error("{kind} {name:?} has the file-name form {slug:?}, as {other_kind} {other:?} has (letters are lowercased and other characters become `-`); rename one of them")]
    SlugCollision {
        /// The kind of the later name.
        kind: &'static str,
        /// The later name.
        name: String,
        /// The kind of the earlier name.
        other_kind: &'static str,
        /// The earlier name.
        other: String,
        /// Their common slug.
        slug: String,
    },
    /// An institution with no leader carries a channel: `carries` is a share of the leader's
    /// tie, so without a leader it means nothing.
    #[error("institution {institution:?}: carries {channel} = {value} but has no leader; `carries` is the share of the leader's tie that runs through the institution")]
    CarriesWithoutLeader {
        /// The institution.
        institution: String,
        /// The first channel carried.
        channel: Channel,
        /// Its value.
        value: f64,
    },
    /// An institution has no members: its cohesion (the mean alignment of its active members)
    /// is undefined, and it acts on no state.
    #[error("institution {institution:?} has no members; an institution needs at least one (its cohesion is undefined without)")]
    NoMembers {
        /// The institution.
        institution: String,
    },
    /// A member still in an institution (active or suspended) has made as many unanswered
    /// appeals as make a member exit, or more: the model would have made it exit.
    #[error("institution {institution:?}: {participation} member {state:?} has {unanswered} unanswered appeals, but a member exits once it has {exit_after} (parameters.events.exit_after); mark it exited or lower the count")]
    UnansweredBeyondExit {
        /// The institution.
        institution: String,
        /// The member.
        state: String,
        /// Its participation.
        participation: Participation,
        /// Its unanswered appeals.
        unanswered: u32,
        /// `parameters.events.exit_after`.
        exit_after: u32,
    },
    /// A camp lists no power.
    #[error("camp {camp:?} lists no power; a camp needs at least one (two to nest anything)")]
    EmptyCamp {
        /// The camp.
        camp: String,
    },
    /// A power is listed in two camps (a nest partitions the powers).
    #[error("camp {second:?}: power {power:?} is already in camp {first:?}; a power belongs to one camp at most")]
    PowerInTwoCamps {
        /// The power.
        power: String,
        /// The camp that lists it first.
        first: String,
        /// The camp that lists it again.
        second: String,
    },
    /// A camp's nesting parameter is outside (0, 1] or not a number.
    #[error("camp {camp:?}: nesting = {value} is outside (0, 1]; 1 is no nesting (plain logit), toward 0 the camp's powers become perfect substitutes")]
    BadNesting {
        /// The camp.
        camp: String,
        /// The value given.
        value: f64,
    },
    /// A camp has the name of a power, or of the autonomy share, which outputs and messages
    /// would confuse with it.
    #[error("camp {camp:?} has the name of {what}; give the camp another name")]
    CampNameTaken {
        /// The camp.
        camp: String,
        /// `a power` or `the autonomy share`.
        what: &'static str,
    },
    /// A power is given a relation with itself.
    #[error("power {power:?}: a relation of a power with itself means nothing; relations are between two different powers")]
    RelationWithItself {
        /// The power.
        power: String,
    },
    /// A budget, a priority or a relation is given twice.
    #[error("{entity}: {field} is given twice; give it once")]
    GivenTwice {
        /// The entity (a power, or a relation).
        entity: Entity,
        /// The field (`budget`, `priorities.STATE`, `value`).
        field: String,
    },
    /// With calibrated intercepts, a movable state needs a positive initial share on every
    /// component (the intercept is `τ ln a(0)`).
    #[error("state {state:?}: alignment with {component} is 0, but calibrate_intercepts needs every share of a movable state to be positive")]
    ZeroShareWithCalibration {
        /// The state.
        state: String,
        /// The power's name, or `autonomy`.
        component: String,
    },
}

/// The entity a [`WorldError`] is about; it displays as the message names it
/// (`power "Russia"`, `state "Armenia"`, `institution "CSTO"`, `parameters`, or a tie).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Entity {
    /// The world-wide [`Parameters`].
    Parameters,
    /// A power, by name.
    Power(String),
    /// A state, by name.
    State(String),
    /// An institution, by name.
    Institution(String),
    /// A camp of powers, by name.
    Camp(String),
    /// A relation between two powers, by their names as given to [`WorldBuilder::relation`].
    Relation {
        /// The first power's name.
        first: String,
        /// The second power's name.
        second: String,
    },
    /// A tie, by the state's and the power's names as given to [`WorldBuilder::tie`].
    Tie {
        /// The state's name.
        state: String,
        /// The power's name.
        power: String,
        /// The channel.
        channel: Channel,
    },
}

impl std::fmt::Display for Entity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Entity::Parameters => f.write_str("parameters"),
            Entity::Power(name) => write!(f, "power {name:?}"),
            Entity::State(name) => write!(f, "state {name:?}"),
            Entity::Institution(name) => write!(f, "institution {name:?}"),
            Entity::Camp(name) => write!(f, "camp {name:?}"),
            Entity::Relation { first, second } => write!(f, "relation ({first:?}, {second:?})"),
            Entity::Tie {
                state,
                power,
                channel,
            } => write!(f, "tie ({state:?}, {power:?}, {channel})"),
        }
    }
}

type Result<T> = std::result::Result<T, WorldError>;

impl Power {
    /// A power at its own start level (capacity 1), with no coercion and full delivery on
    /// every channel; change fields with struct-update syntax.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::Power;
    /// let russia = Power { coercion: 0.8, ..Power::new("Russia") };
    /// assert_eq!(russia.capacity, 1.0);
    /// assert_eq!(russia.delivery, [1.0; 8]);
    /// ```
    pub fn new(name: impl Into<String>) -> Power {
        Power {
            name: name.into(),
            capacity: 1.0,
            coercion: 0.0,
            delivery: [1.0; Channel::COUNT],
        }
    }
}

impl State {
    /// A movable state with the default response of its disposition
    /// ([`Parameters::default`]), inertia 0.05, no stubbornness or fragility, equal salience
    /// of all channels, the given initial `alignment` (one share per power in the order the
    /// powers are added, then autonomy), and no proximity or co-ethnic minority.
    ///
    /// The response is not taken from the world's [`Parameters`]: set
    /// [`State::response`] yourself when the world uses other disposition defaults.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::{Disposition, State};
    /// let s = State { stubbornness: 0.3, ..State::new("S", Disposition::Hedge, vec![0.6, 0.4]) };
    /// assert_eq!(s.salience.iter().sum::<f64>(), 1.0);
    /// assert_eq!(s.response.temperature, 0.25);
    /// ```
    pub fn new(name: impl Into<String>, disposition: Disposition, alignment: Vec<f64>) -> State {
        State {
            name: name.into(),
            disposition,
            response: Parameters::default().dispositions[disposition.index()],
            // About a twentieth of the gap to the target closed a month: a re-orientation
            // takes years, as in the shipped worlds.
            inertia: 0.05,
            stubbornness: 0.0,
            fragility: 0.0,
            fixed: false,
            salience: [1.0 / Channel::COUNT as f64; Channel::COUNT],
            alignment,
            proximity: Vec::new(),
            coethnic: Vec::new(),
        }
    }
}

impl Institution {
    /// An institution with the given leader and credibility, no members and no channels
    /// carried; set [`Institution::members`] and [`Institution::carries`] with struct-update
    /// syntax.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::{Institution, Participation, PowerId, StateId};
    /// let csto = Institution {
    ///     members: vec![(StateId(0), Participation::Active)],
    ///     ..Institution::new("CSTO", Some(PowerId(0)), 0.4)
    /// };
    /// assert_eq!(csto.carries, [0.0; 8]);
    /// ```
    pub fn new(name: impl Into<String>, leader: Option<PowerId>, credibility: f64) -> Institution {
        Institution {
            name: name.into(),
            leader,
            credibility,
            carries: [0.0; Channel::COUNT],
            members: Vec::new(),
            unanswered: Vec::new(),
        }
    }
}

/// Builds a [`World`] in code, checking every value as the scenario loader does.
///
/// Powers get ids in the order they are added ([`PowerId`]`(0)` first), and so do states and
/// institutions. Ties are given by names and resolved by [`WorldBuilder::build`].
///
/// # Examples
///
/// ```
/// use geoalign::{Channel, Disposition, Power, Scenario, Simulation, State, World};
/// let world = World::builder()
///     .power(Power { coercion: 0.5, ..Power::new("A") })
///     .power(Power::new("B"))
///     .state(State::new("S", Disposition::Hedge, vec![0.5, 0.3, 0.2]))
///     .tie("S", "A", Channel::Trade, 0.4)
///     .tie("S", "B", Channel::Trade, 0.3)
///     .build()
///     .unwrap();
/// let scenario = Scenario::builder(world)
///     .name("S between A and B")
///     .start("2025-01".parse().unwrap())
///     .steps(12)
///     .seed(7)
///     .build()
///     .unwrap();
/// let sim = Simulation::new(scenario);
/// let trajectory = sim.trajectory(0).unwrap();
/// assert_eq!(trajectory.len(), 13);
/// ```
#[derive(Clone, Debug, Default)]
pub struct WorldBuilder {
    powers: Vec<Power>,
    states: Vec<State>,
    institutions: Vec<Institution>,
    ties: Vec<(Ref<StateId>, Ref<PowerId>, Channel, f64)>,
    parameters: Parameters,
    /// Budgets by power name, priorities by (power, state) name and relations by the two
    /// powers' names, as given; resolved and checked by `build`.
    budgets: Vec<(String, f64)>,
    priorities: Vec<(String, String, f64)>,
    relations: Vec<(String, String, f64)>,
    agency_parameters: AgencyParameters,
}

/// A state or power of a tie, by name or by id.
#[derive(Clone, Debug)]
enum Ref<I> {
    Name(String),
    Id(I),
}

impl World {
    /// A [`WorldBuilder`] with the default [`Parameters`].
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::{World, WorldError};
    /// assert_eq!(World::builder().build().unwrap_err(), WorldError::Empty { what: "power" });
    /// ```
    pub fn builder() -> WorldBuilder {
        WorldBuilder::default()
    }

    /// A builder holding this world's powers, states, institutions, ties and parameters, to
    /// change some of them and build a new world through the same checks. Alignment shares
    /// are normalised again, which may move them by a rounding error.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::{Parameters, WorldError};
    /// let world = geoalign::presets::eurasia_2025().world().clone();
    /// let calm = world
    ///     .to_builder()
    ///     .parameters(Parameters { noise: 0.0, ..world.parameters().clone() })
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(calm.parameters().noise, 0.0);
    /// let err = world
    ///     .to_builder()
    ///     .parameters(Parameters { noise: 0.9, ..Parameters::default() })
    ///     .build()
    ///     .unwrap_err();
    /// assert!(matches!(err, WorldError::OutOfRange { ref field, .. } if field == "noise"));
    /// ```
    pub fn to_builder(&self) -> WorldBuilder {
        let np = self.powers.len();
        let mut ties = Vec::new();
        for s in 0..self.states.len() {
            for p in 0..np {
                for channel in Channel::ALL {
                    let value = self.ties[tie_index(np, s, p, channel.index())];
                    // Every tie is 0 unless set: only the others need saying.
                    if value != 0.0 {
                        ties.push((
                            Ref::Id(StateId(s as u32)),
                            Ref::Id(PowerId(p as u32)),
                            channel,
                            value,
                        ));
                    }
                }
            }
        }
        WorldBuilder {
            powers: self.powers.clone(),
            states: self.states.clone(),
            institutions: self.institutions.clone(),
            ties,
            parameters: self.parameters.clone(),
            budgets: self.agency_budgets(),
            priorities: self.agency_priorities(),
            relations: self.agency_relations(),
            agency_parameters: self.agency.parameters.clone(),
        }
    }

    fn agency_budgets(&self) -> Vec<(String, f64)> {
        let budgets = self.powers.iter().zip(&self.agency.budgets);
        budgets
            .filter(|(_, &b)| b != 0.0)
            .map(|(p, &b)| (p.name.clone(), b))
            .collect()
    }

    fn agency_priorities(&self) -> Vec<(String, String, f64)> {
        let np = self.powers.len();
        let mut out = Vec::new();
        for (s, state) in self.states.iter().enumerate() {
            for (p, power) in self.powers.iter().enumerate() {
                let w = self.agency.priorities[s * np + p];
                if w != 0.0 {
                    out.push((power.name.clone(), state.name.clone(), w));
                }
            }
        }
        out
    }

    fn agency_relations(&self) -> Vec<(String, String, f64)> {
        let np = self.powers.len();
        let mut out = Vec::new();
        for p in 0..np {
            for q in p + 1..np {
                let r = self.agency.relations[p * np + q];
                if r != 0.0 {
                    out.push((self.powers[p].name.clone(), self.powers[q].name.clone(), r));
                }
            }
        }
        out
    }
}

impl World {
    /// What this world allows but probably does not mean, each at the key path a scenario file
    /// would write it at (the same warnings the loader locates in a file): an active member
    /// with as many unanswered appeals as suspend a member.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::{Disposition, Institution, Power, PowerId, State, StateId, World, WarningKind};
    /// use geoalign::Participation;
    /// let world = World::builder()
    ///     .power(Power::new("A"))
    ///     .state(State::new("S", Disposition::Hedge, vec![0.5, 0.5]))
    ///     .institution(Institution {
    ///         members: vec![(StateId(0), Participation::Active)],
    ///         unanswered: vec![2],
    ///         ..Institution::new("Bloc", Some(PowerId(0)), 0.5)
    ///     })
    ///     .build()
    ///     .unwrap();
    /// let warnings = world.warnings();
    /// assert_eq!(warnings.len(), 1);
    /// assert_eq!(warnings[0].key(), "institutions.Bloc.unanswered.S");
    /// assert!(matches!(warnings[0].kind, WarningKind::ActiveBeyondSuspension { unanswered: 2, .. }));
    /// ```
    pub fn warnings(&self) -> Vec<Warning> {
        let suspend_after = self.parameters.events.suspend_after;
        let mut warnings = Vec::new();
        for camp in &self.parameters.camps {
            if camp.powers.len() == 1 {
                warnings.push(Warning::at(
                    ["camps", &camp.name, "powers"],
                    WarningKind::OnePowerCamp {
                        power: self.powers[camp.powers[0].index()].name.clone(),
                    },
                ));
            } else if camp.nesting == 1.0 {
                // λ = 1 (the top of the accepted range) is the plain logit (docs/model.md §10.1).
                warnings.push(Warning::at(
                    ["camps", &camp.name, "nesting"],
                    WarningKind::CampWithoutNesting,
                ));
            }
        }
        for institution in &self.institutions {
            for (&(member, participation), &unanswered) in
                institution.members.iter().zip(&institution.unanswered)
            {
                if participation == Participation::Active && unanswered >= suspend_after {
                    let state = &self.states[member.index()].name;
                    warnings.push(Warning::at(
                        ["institutions", &institution.name, "unanswered", state],
                        WarningKind::ActiveBeyondSuspension {
                            unanswered,
                            suspend_after,
                        },
                    ));
                }
            }
        }
        warnings.extend(self.agency_warnings());
        warnings
    }

    /// The powers' budgets and priorities that change nothing (docs/model.md §9).
    fn agency_warnings(&self) -> Vec<Warning> {
        let np = self.powers.len();
        let agency = &self.agency;
        let mut warnings = Vec::new();
        for (p, power) in self.powers.iter().enumerate() {
            let weights = || (0..self.states.len()).map(|s| agency.priorities[s * np + p]);
            let budget = agency.budgets[p];
            if budget > 0.0 && weights().all(|w| w <= 0.0) {
                warnings.push(Warning::at(
                    ["powers", &power.name, "budget"],
                    WarningKind::BudgetWithoutPriority,
                ));
            }
            if budget == 0.0 && weights().any(|w| w > 0.0) {
                warnings.push(Warning::at(
                    ["powers", &power.name, "priorities"],
                    WarningKind::PrioritiesWithoutBudget,
                ));
            }
            for (s, state) in self.states.iter().enumerate() {
                if state.fixed && agency.priorities[s * np + p] > 0.0 {
                    warnings.push(Warning::at(
                        ["powers", &power.name, "priorities", &state.name],
                        WarningKind::PriorityOnFixedState,
                    ));
                }
            }
        }
        warnings
    }
}

impl From<World> for WorldBuilder {
    /// The same as [`World::to_builder`].
    fn from(world: World) -> Self {
        world.to_builder()
    }
}

impl WorldBuilder {
    /// An empty builder with the default [`Parameters`]; the same as [`World::builder`].
    ///
    /// # Examples
    ///
    /// ```
    /// let builder = geoalign::WorldBuilder::new();
    /// assert!(builder.build().is_err());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Add a power; its id is the number of powers added before it.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::{Disposition, Power, State, World};
    /// let world = World::builder()
    ///     .power(Power::new("A"))
    ///     .power(Power::new("B"))
    ///     .state(State::new("S", Disposition::Hedge, vec![0.4, 0.4, 0.2]))
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(world.power_id("B"), Some(geoalign::PowerId(1)));
    /// ```
    pub fn power(mut self, power: Power) -> Self {
        self.powers.push(power);
        self
    }

    /// Add a state; its id is the number of states added before it. Its `alignment` has one
    /// share per power, then autonomy; an empty `proximity` or `coethnic` means 0 for every
    /// power.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::{Disposition, Power, State, World};
    /// let world = World::builder()
    ///     .power(Power::new("A"))
    ///     .state(State { proximity: vec![1.0], ..State::new("S", Disposition::Balance, vec![0.3, 0.7]) })
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(world.states()[0].coethnic, vec![0.0]);
    /// ```
    pub fn state(mut self, state: State) -> Self {
        self.states.push(state);
        self
    }

    /// Add an institution; its leader and members are ids of powers and states of this
    /// builder. An empty `unanswered` means no appeal left unanswered before the start.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::{Channel, Disposition, Institution, Participation, Power, PowerId, State, StateId, World};
    /// let mut carries = [0.0; 8];
    /// carries[Channel::Security.index()] = 0.5;
    /// let world = World::builder()
    ///     .power(Power::new("A"))
    ///     .state(State::new("S", Disposition::Bandwagon, vec![0.7, 0.3]))
    ///     .institution(Institution {
    ///         members: vec![(StateId(0), Participation::Active)],
    ///         carries,
    ///         ..Institution::new("Bloc", Some(PowerId(0)), 0.6)
    ///     })
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(world.institutions()[0].unanswered, vec![0]);
    /// ```
    pub fn institution(mut self, institution: Institution) -> Self {
        self.institutions.push(institution);
        self
    }

    /// Set the tie `x[state, power, channel]` (0 unless set), naming the state and the power.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::{Channel, Disposition, Power, State, World, WorldError};
    /// let builder = World::builder()
    ///     .power(Power::new("A"))
    ///     .state(State::new("S", Disposition::Hedge, vec![0.5, 0.5]));
    /// let world = builder.clone().tie("S", "A", Channel::Energy, 0.9).build().unwrap();
    /// let (s, a) = (world.state_id("S").unwrap(), world.power_id("A").unwrap());
    /// assert_eq!(world.tie(s, a, Channel::Energy), 0.9);
    /// let err = builder.tie("S", "Z", Channel::Energy, 0.9).build().unwrap_err();
    /// assert!(matches!(err, WorldError::UnknownName { kind: "power", .. }));
    /// ```
    pub fn tie(
        mut self,
        state: impl Into<String>,
        power: impl Into<String>,
        channel: Channel,
        value: f64,
    ) -> Self {
        self.ties.push((
            Ref::Name(state.into()),
            Ref::Name(power.into()),
            channel,
            value,
        ));
        self
    }

    /// Set the tie `x[state, power, channel]` (0 unless set) by the ids the state and the
    /// power get in this builder: for worlds generated in code, where names are only labels.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::{Channel, Disposition, Power, PowerId, State, StateId, World, WorldError};
    /// let builder = World::builder()
    ///     .power(Power::new("A"))
    ///     .state(State::new("S", Disposition::Hedge, vec![0.5, 0.5]));
    /// let world = builder.clone().tie_by_id(StateId(0), PowerId(0), Channel::Trade, 0.3).build().unwrap();
    /// assert_eq!(world.tie(StateId(0), PowerId(0), Channel::Trade), 0.3);
    /// let err = builder.tie_by_id(StateId(0), PowerId(4), Channel::Trade, 0.3).build().unwrap_err();
    /// assert!(matches!(err, WorldError::UnknownId { kind: "power", index: 4, .. }));
    /// ```
    pub fn tie_by_id(
        mut self,
        state: StateId,
        power: PowerId,
        channel: Channel,
        value: f64,
    ) -> Self {
        self.ties
            .push((Ref::Id(state), Ref::Id(power), channel, value));
        self
    }

    /// Replace the world-wide [`Parameters`] (the defaults otherwise).
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::{Disposition, Parameters, Power, State, World, WorldError};
    /// let err = World::builder()
    ///     .power(Power::new("A"))
    ///     .state(State::new("S", Disposition::Hedge, vec![0.5, 0.5]))
    ///     .parameters(Parameters { noise: 0.6, ..Parameters::default() })
    ///     .build()
    ///     .unwrap_err();
    /// assert!(matches!(err, WorldError::OutOfRange { ref field, .. } if field == "noise"));
    /// ```
    pub fn parameters(mut self, parameters: Parameters) -> Self {
        self.parameters = parameters;
        self
    }

    /// Give power `power` a monthly budget (offer units at capacity 1, docs/model.md §9);
    /// 0, the default, means the power does not act.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::{Disposition, Power, State, World, WorldError};
    /// let world = World::builder()
    ///     .power(Power::new("A"))
    ///     .state(State::new("S", Disposition::Hedge, vec![0.5, 0.5]))
    ///     .budget("A", 0.1)
    ///     .priority("A", "S", 1.0)
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(world.agency().budgets, vec![0.1]);
    /// let err = World::builder()
    ///     .power(Power::new("A"))
    ///     .state(State::new("S", Disposition::Hedge, vec![0.5, 0.5]))
    ///     .budget("A", -1.0)
    ///     .build()
    ///     .unwrap_err();
    /// assert!(matches!(err, WorldError::OutOfRange { ref field, .. } if field == "budget"));
    /// ```
    pub fn budget(mut self, power: impl Into<String>, budget: f64) -> Self {
        self.budgets.push((power.into(), budget));
        self
    }

    /// Set `power`'s priority weight on `state` (in [0, 1]; 0, the default, is no interest).
    pub fn priority(
        mut self,
        power: impl Into<String>,
        state: impl Into<String>,
        weight: f64,
    ) -> Self {
        self.priorities.push((power.into(), state.into(), weight));
        self
    }

    /// Set the relation of two different powers (in [−1, 1]: −1 rivalry, 0 indifference,
    /// +1 partnership; symmetric).
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::{Disposition, Power, State, World, WorldError};
    /// let err = World::builder()
    ///     .power(Power::new("A"))
    ///     .state(State::new("S", Disposition::Hedge, vec![0.5, 0.5]))
    ///     .relation("A", "A", 0.5)
    ///     .build()
    ///     .unwrap_err();
    /// assert!(matches!(err, WorldError::RelationWithItself { .. }));
    /// ```
    pub fn relation(
        mut self,
        first: impl Into<String>,
        second: impl Into<String>,
        value: f64,
    ) -> Self {
        self.relations.push((first.into(), second.into(), value));
        self
    }

    /// Replace the parameters of the powers' decision rule ([`AgencyParameters`]).
    pub fn agency_parameters(mut self, parameters: AgencyParameters) -> Self {
        self.agency_parameters = parameters;
        self
    }

    /// Check every value and build the world.
    ///
    /// # Errors
    ///
    /// The first rule broken, as a [`WorldError`] naming the entity, the field and the reason.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::{Disposition, Power, State, World, WorldError};
    /// let err = World::builder()
    ///     .power(Power::new("A"))
    ///     .state(State::new("S", Disposition::Hedge, vec![0.5, 0.4]))
    ///     .build()
    ///     .unwrap_err();
    /// assert!(matches!(err, WorldError::SumNotOne { ref field, .. } if field == "alignment"));
    /// ```
    pub fn build(self) -> Result<World> {
        let WorldBuilder {
            powers,
            mut states,
            mut institutions,
            ties,
            parameters,
            budgets,
            priorities,
            relations,
            agency_parameters,
        } = self;
        check_parameters(&parameters)?;

        if powers.is_empty() {
            return Err(WorldError::Empty { what: "power" });
        }
        if states.is_empty() {
            return Err(WorldError::Empty { what: "state" });
        }
        check_names(&powers, &states, &institutions)?;
        check_camps(&parameters.camps, &powers)?;

        powers.iter().try_for_each(check_power)?;
        for state in &mut states {
            check_state(state, &powers, &parameters)?;
        }
        let ties = dense_ties(&ties, &states, &powers, &parameters)?;
        for institution in &mut institutions {
            check_institution(institution, &powers, &states, &parameters)?;
        }

        let given = GivenAgency {
            budgets: &budgets,
            priorities: &priorities,
            relations: &relations,
            parameters: agency_parameters,
        };
        let agency = check_agency(given, &powers, &states)?;

        Ok(World {
            powers,
            states,
            institutions,
            ties,
            parameters,
            agency,
        })
    }
}

/// Camps partition some of the powers: each names known powers, none twice, with a nesting
/// parameter in (0, 1] and a name no power or the autonomy share has.
fn check_camps(camps: &[crate::model::Camp], powers: &[Power]) -> Result<()> {
    let mut camp_of: Vec<Option<&str>> = vec![None; powers.len()];
    unique("camp", camps.iter().map(|c| c.name.as_str()))?;
    for camp in camps {
        let taken = if reserved_for_autonomy(&camp.name) {
            Some("the autonomy share")
        } else if powers.iter().any(|p| p.name == camp.name) {
            Some("a power")
        } else {
            None
        };
        if let Some(what) = taken {
            return Err(WorldError::CampNameTaken {
                camp: camp.name.clone(),
                what,
            });
        }
        if camp.powers.is_empty() {
            return Err(WorldError::EmptyCamp {
                camp: camp.name.clone(),
            });
        }
        // Written as a negated comparison so that NaN is refused too.
        if !(camp.nesting > 0.0 && camp.nesting <= 1.0) {
            return Err(WorldError::BadNesting {
                camp: camp.name.clone(),
                value: camp.nesting,
            });
        }
        for &p in &camp.powers {
            let Some(slot) = camp_of.get_mut(p.index()) else {
                return Err(WorldError::UnknownId {
                    entity: Entity::Camp(camp.name.clone()),
                    field: "powers".to_string(),
                    kind: "power",
                    index: p.0,
                    count: powers.len(),
                });
            };
            if let Some(first) = slot {
                return Err(WorldError::PowerInTwoCamps {
                    power: powers[p.index()].name.clone(),
                    first: first.to_string(),
                    second: camp.name.clone(),
                });
            }
            *slot = Some(&camp.name);
        }
    }
    Ok(())
}

/// What the builder was told about the powers that act, by name.
struct GivenAgency<'a> {
    budgets: &'a [(String, f64)],
    priorities: &'a [(String, String, f64)],
    relations: &'a [(String, String, f64)],
    parameters: AgencyParameters,
}

/// The budgets, priorities and relations resolved to dense arrays, each checked: known
/// names, values in range, nothing given twice, no relation of a power with itself.
fn check_agency(given: GivenAgency<'_>, powers: &[Power], states: &[State]) -> Result<Agency> {
    let np = powers.len();
    let power_ids = ids(powers.iter().map(|p| p.name.as_str()));
    let state_ids = ids(states.iter().map(|s| s.name.as_str()));
    let power = |name: &str, entity: &dyn Fn() -> Entity| {
        resolve(
            "power",
            &power_ids,
            &Ref::<PowerId>::Name(name.to_string()),
            entity,
        )
    };
    let mut agency = Agency::inactive(states.len(), np);
    let mut given_budget = vec![false; np];
    for (name, budget) in given.budgets {
        let entity = || Entity::Power(name.clone());
        let p = power(name, &entity)?;
        number(*budget, BUDGET, &entity(), "budget")?;
        if std::mem::replace(&mut given_budget[p], true) {
            return Err(WorldError::GivenTwice {
                entity: entity(),
                field: "budget".into(),
            });
        }
        agency.budgets[p] = *budget;
    }
    let mut given_priority = vec![false; states.len() * np];
    for (pname, sname, weight) in given.priorities {
        let entity = || Entity::Power(pname.clone());
        let p = power(pname, &entity)?;
        let s = resolve(
            "state",
            &state_ids,
            &Ref::<StateId>::Name(sname.clone()),
            entity,
        )?;
        let field = format!("priorities.{sname}");
        number(*weight, UNIT, &entity(), &field)?;
        if std::mem::replace(&mut given_priority[s * np + p], true) {
            return Err(WorldError::GivenTwice {
                entity: entity(),
                field,
            });
        }
        agency.priorities[s * np + p] = *weight;
    }
    let mut given_relation = vec![false; np * np];
    for (first, second, value) in given.relations {
        let entity = || Entity::Relation {
            first: first.clone(),
            second: second.clone(),
        };
        let (p, q) = (power(first, &entity)?, power(second, &entity)?);
        if p == q {
            return Err(WorldError::RelationWithItself {
                power: first.clone(),
            });
        }
        number(*value, RELATION, &entity(), "value")?;
        if std::mem::replace(&mut given_relation[p * np + q], true) {
            return Err(WorldError::GivenTwice {
                entity: entity(),
                field: "value".into(),
            });
        }
        given_relation[q * np + p] = true;
        agency.relations[p * np + q] = *value;
        agency.relations[q * np + p] = *value;
    }
    let a = &given.parameters;
    let entity = &Entity::Parameters;
    number(a.half_life, HALF_LIFE, entity, "powers.half_life")?;
    number(f64::from(a.increments), COUNT, entity, "powers.increments")?;
    number(a.coercion_cost, LARGE, entity, "powers.coercion_cost")?;
    number(f64::from(a.window), COUNT, entity, "powers.window")?;
    number(
        a.defection_threshold,
        UNIT,
        entity,
        "powers.defection_threshold",
    )?;
    number(a.punishment, LARGE, entity, "powers.punishment")?;
    agency.parameters = given.parameters;
    Ok(agency)
}

fn check_power(power: &Power) -> Result<()> {
    let entity = Entity::Power(power.name.clone());
    number(power.capacity, CAPACITY, &entity, "capacity")?;
    number(power.coercion, UNIT, &entity, "coercion")?;
    channels(&power.delivery, &entity, "delivery")
}

/// Check one state, normalise its alignment and fill an empty proximity or co-ethnic list
/// with zeros.
fn check_state(state: &mut State, powers: &[Power], parameters: &Parameters) -> Result<()> {
    let np = powers.len();
    let entity = Entity::State(state.name.clone());
    let r = &state.response;
    number(
        r.threat_weight,
        THREAT_WEIGHT,
        &entity,
        "response.threat_weight",
    )?;
    number(r.temperature, TEMPERATURE, &entity, "response.temperature")?;
    number(
        r.dependence_aversion,
        UNIT,
        &entity,
        "response.dependence_aversion",
    )?;
    number(state.inertia, UNIT, &entity, "inertia")?;
    number(state.stubbornness, UNIT, &entity, "stubbornness")?;
    number(state.fragility, UNIT, &entity, "fragility")?;
    channels(&state.salience, &entity, "salience")?;
    shares(&mut state.salience, &entity, "salience")?;

    length(&state.alignment, np + 1, &entity, "alignment")?;
    for (j, &a) in state.alignment.iter().enumerate() {
        number(
            a,
            UNIT,
            &entity,
            &format!("alignment.{}", component(powers, j)),
        )?;
    }
    shares(&mut state.alignment, &entity, "alignment")?;
    if parameters.calibrate_intercepts && !state.fixed {
        if let Some(j) = state.alignment.iter().position(|&a| a <= 0.0) {
            return Err(WorldError::ZeroShareWithCalibration {
                state: state.name.clone(),
                component: component(powers, j).to_string(),
            });
        }
    }
    for (field, values) in [
        ("proximity", &mut state.proximity),
        ("coethnic", &mut state.coethnic),
    ] {
        if values.is_empty() {
            values.resize(np, 0.0);
        }
        length(values, np, &entity, field)?;
        for (p, &v) in values.iter().enumerate() {
            number(v, UNIT, &entity, &format!("{field}.{}", powers[p].name))?;
        }
    }
    Ok(())
}

/// The dense tie array from the ties given by name, each checked, and the ties of every
/// channel with tie feedback checked to be shares of one whole.
fn dense_ties(
    given: &[(Ref<StateId>, Ref<PowerId>, Channel, f64)],
    states: &[State],
    powers: &[Power],
    parameters: &Parameters,
) -> Result<Vec<f64>> {
    let np = powers.len();
    // Names are resolved through maps so that a large world's ties cost linear time.
    let state_ids = ids(states.iter().map(|s| s.name.as_str()));
    let power_ids = ids(powers.iter().map(|p| p.name.as_str()));
    let state_names: Vec<&str> = states.iter().map(|s| s.name.as_str()).collect();
    let power_names: Vec<&str> = powers.iter().map(|p| p.name.as_str()).collect();
    let mut ties = vec![0.0; states.len() * np * Channel::COUNT];
    for (sref, pref, channel, value) in given {
        let (sname, pname) = (label(sref, &state_names), label(pref, &power_names));
        let entity = || Entity::Tie {
            state: sname.clone(),
            power: pname.clone(),
            channel: *channel,
        };
        let s = resolve("state", &state_ids, sref, entity)?;
        let p = resolve("power", &power_ids, pref, entity)?;
        let field = format!("ties.{pname}.{channel}");
        number(*value, UNIT, &Entity::State(sname.clone()), &field)?;
        ties[tie_index(np, s, p, channel.index())] = *value;
    }
    for (s, state) in states.iter().enumerate() {
        for channel in Channel::ALL {
            if parameters.feedback[channel.index()] > 0.0 {
                let at = |p: usize| tie_index(np, s, p, channel.index());
                let mut shares: Vec<f64> = (0..np).map(|p| ties[at(p)]).collect();
                simplex(&mut shares, Whole::AtMostOne).map_err(|sum| WorldError::SumAboveOne {
                    entity: Entity::State(state.name.clone()),
                    field: format!("ties.*.{channel}"),
                    sum,
                })?;
                for (p, share) in shares.into_iter().enumerate() {
                    ties[at(p)] = share;
                }
            }
        }
    }
    Ok(ties)
}

/// Check one institution and fill an empty `unanswered` with zeros.
fn check_institution(
    institution: &mut Institution,
    powers: &[Power],
    states: &[State],
    parameters: &Parameters,
) -> Result<()> {
    let entity = Entity::Institution(institution.name.clone());
    if let Some(leader) = institution.leader {
        id(leader.0, "power", powers.len(), &entity, "leader")?;
    }
    number(institution.credibility, UNIT, &entity, "credibility")?;
    channels(&institution.carries, &entity, "carries")?;
    if institution.leader.is_none() {
        if let Some(channel) = Channel::ALL
            .into_iter()
            .find(|ch| institution.carries[ch.index()] > 0.0)
        {
            return Err(WorldError::CarriesWithoutLeader {
                institution: institution.name.clone(),
                channel,
                value: institution.carries[channel.index()],
            });
        }
    }
    if institution.members.is_empty() {
        return Err(WorldError::NoMembers {
            institution: institution.name.clone(),
        });
    }
    for (m, &(member, _)) in institution.members.iter().enumerate() {
        id(member.0, "state", states.len(), &entity, "members")?;
        if institution.members[..m].iter().any(|&(s, _)| s == member) {
            return Err(WorldError::DuplicateMember {
                institution: institution.name.clone(),
                state: states[member.index()].name.clone(),
            });
        }
    }
    if institution.unanswered.is_empty() {
        institution.unanswered = vec![0; institution.members.len()];
    }
    length(
        &institution.unanswered,
        institution.members.len(),
        &entity,
        "unanswered",
    )?;
    // The model makes a member exit at its `exit_after`-th unanswered appeal
    // (`sim::events::decision::unanswered`): a member still in with as many never arises.
    let exit_after = parameters.events.exit_after;
    for (&(member, participation), &unanswered) in
        institution.members.iter().zip(&institution.unanswered)
    {
        if participation != Participation::Exited && unanswered >= exit_after {
            return Err(WorldError::UnansweredBeyondExit {
                institution: institution.name.clone(),
                state: states[member.index()].name.clone(),
                participation,
                unanswered,
                exit_after,
            });
        }
    }
    Ok(())
}

/// The rules of names: each name's own ([`check_name`]), `autonomy` kept from powers, no two
/// names of one kind with one slug, no state named or slugged like a power or an institution.
fn check_names(powers: &[Power], states: &[State], institutions: &[Institution]) -> Result<()> {
    let kinds: [(&'static str, Vec<&str>); 3] = [
        ("power", powers.iter().map(|p| p.name.as_str()).collect()),
        ("state", states.iter().map(|s| s.name.as_str()).collect()),
        (
            "institution",
            institutions.iter().map(|i| i.name.as_str()).collect(),
        ),
    ];
    for (kind, names) in &kinds {
        for name in names {
            check_name(name).map_err(|problem| WorldError::BadName {
                kind,
                name: name.to_string(),
                problem,
            })?;
        }
    }
    if let Some(p) = powers.iter().find(|p| reserved_for_autonomy(&p.name)) {
        return Err(WorldError::ReservedName {
            name: p.name.clone(),
        });
    }
    for (kind, names) in &kinds {
        unique(kind, names.iter().copied())?;
    }
    // Each name's slug, by kind: a repeat within a kind collides.
    let mut slugs: [HashMap<String, &str>; 3] = Default::default();
    for ((kind, names), seen) in kinds.iter().zip(&mut slugs) {
        for &name in names {
            if let Some(other) = seen.insert(slug(name), name) {
                return Err(collision(kind, name, kind, other));
            }
        }
    }
    // A state may share neither a name nor a slug with a power or an institution.
    let [power_slugs, _, institution_slugs] = &slugs;
    for &state in &kinds[1].1 {
        let s = slug(state);
        for (other_kind, seen) in [("power", power_slugs), ("institution", institution_slugs)] {
            match seen.get(&s) {
                Some(&other) if other == state => {
                    return Err(WorldError::NameShared {
                        name: state.to_string(),
                        other_kind,
                    })
                }
                Some(&other) => return Err(collision("state", state, other_kind, other)),
                None => {}
            }
        }
    }
    Ok(())
}

fn collision(kind: &'static str, name: &str, other_kind: &'static str, other: &str) -> WorldError {
    WorldError::SlugCollision {
        kind,
        name: name.to_string(),
        other_kind,
        other: other.to_string(),
        slug: slug(name),
    }
}

/// The world-wide parameters, with the loader's bounds.
fn check_parameters(p: &Parameters) -> Result<()> {
    let entity = &Entity::Parameters;
    number(p.noise, NOISE, entity, "noise")?;
    number(p.peer_weight, LARGE, entity, "peer_weight")?;
    number(p.coethnic_leverage, LARGE, entity, "coethnic_leverage")?;
    channels(&p.feedback, entity, "feedback")?;
    for d in Disposition::ALL {
        let DispositionParams {
            threat_weight,
            temperature,
            dependence_aversion,
        } = p.dispositions[d.index()];
        let field = |f: &str| format!("dispositions.{d}.{f}");
        number(
            threat_weight,
            THREAT_WEIGHT,
            entity,
            &field("threat_weight"),
        )?;
        number(temperature, TEMPERATURE, entity, &field("temperature"))?;
        number(
            dependence_aversion,
            UNIT,
            entity,
            &field("dependence_aversion"),
        )?;
    }
    // The event parameters' bounds are listed beside them (`EventParameters::ranges`).
    for (name, value, min, max) in p.events.ranges() {
        number(value, (min, max), entity, &format!("events.{name}"))?;
    }
    for (name, value, min, max) in p.responsiveness.ranges() {
        number(value, (min, max), entity, &format!("responsiveness.{name}"))?;
    }
    if p.events.exit_after < p.events.suspend_after {
        return Err(WorldError::OutOfRange {
            entity: entity.clone(),
            field: "events.exit_after".to_string(),
            value: f64::from(p.events.exit_after),
            min: f64::from(p.events.suspend_after),
            max: f64::from(u32::MAX),
        });
    }
    Ok(())
}

fn number(value: f64, (min, max): (f64, f64), entity: &Entity, field: &str) -> Result<()> {
    within(value, (min, max)).map_err(|refused| match refused {
        Refused::NotFinite => WorldError::NotFinite {
            entity: entity.clone(),
            field: field.to_string(),
            value,
        },
        Refused::OutOfRange => WorldError::OutOfRange {
            entity: entity.clone(),
            field: field.to_string(),
            value,
            min,
            max,
        },
    })
}

fn channels(values: &PerChannel, entity: &Entity, field: &str) -> Result<()> {
    for ch in Channel::ALL {
        number(values[ch.index()], UNIT, entity, &format!("{field}.{ch}"))?;
    }
    Ok(())
}

/// Shares summing to 1 under the one simplex rule ([`simplex`]): normalised, or refused.
fn shares(values: &mut [f64], entity: &Entity, field: &str) -> Result<()> {
    simplex(values, Whole::One).map_err(|sum| WorldError::SumNotOne {
        entity: entity.clone(),
        field: field.to_string(),
        sum,
    })
}

fn length<T>(values: &[T], expected: usize, entity: &Entity, field: &str) -> Result<()> {
    if values.len() != expected {
        return Err(WorldError::WrongLength {
            entity: entity.clone(),
            field: field.to_string(),
            expected,
            found: values.len(),
        });
    }
    Ok(())
}

fn id(index: u32, kind: &'static str, count: usize, entity: &Entity, field: &str) -> Result<()> {
    if index as usize >= count {
        return Err(WorldError::UnknownId {
            entity: entity.clone(),
            field: field.to_string(),
            kind,
            index,
            count,
        });
    }
    Ok(())
}

fn unique<'a>(kind: &'static str, names: impl Iterator<Item = &'a str>) -> Result<()> {
    let mut seen = std::collections::HashSet::new();
    for name in names {
        if !seen.insert(name) {
            return Err(WorldError::DuplicateName {
                kind,
                name: name.to_string(),
            });
        }
    }
    Ok(())
}

/// Each name's index.
fn ids<'a>(names: impl Iterator<Item = &'a str>) -> HashMap<&'a str, usize> {
    names.enumerate().map(|(i, n)| (n, i)).collect()
}

/// The index `reference` stands for: a name of `ids`, or an id below their count.
fn resolve<I: Copy + Into<u32>>(
    kind: &'static str,
    ids: &HashMap<&str, usize>,
    reference: &Ref<I>,
    entity: impl FnOnce() -> Entity,
) -> Result<usize> {
    match reference {
        Ref::Name(name) => ids
            .get(name.as_str())
            .copied()
            .ok_or_else(|| WorldError::UnknownName {
                entity: entity(),
                kind,
                name: name.clone(),
            }),
        Ref::Id(id) => {
            let index: u32 = (*id).into();
            if index as usize >= ids.len() {
                return Err(WorldError::UnknownId {
                    entity: entity(),
                    field: kind.to_string(),
                    kind,
                    index,
                    count: ids.len(),
                });
            }
            Ok(index as usize)
        }
    }
}

/// The name a tie's state or power goes by in messages: its name, or `#id` for an id out of
/// range.
fn label<I: Copy + Into<u32>>(reference: &Ref<I>, names: &[&str]) -> String {
    match reference {
        Ref::Name(name) => name.clone(),
        Ref::Id(id) => {
            let index: u32 = (*id).into();
            names
                .get(index as usize)
                .map_or_else(|| format!("#{index}"), |n| n.to_string())
        }
    }
}

/// Name of alignment component `j`: a power, or autonomy after the last power.
fn component(powers: &[Power], j: usize) -> &str {
    powers.get(j).map_or(super::AUTONOMY, |p| p.name.as_str())
}
