//! Recorders: observers of a run that keep what they need, in their own format.

use crate::model::{position, InstitutionId, Participation, PowerId, StateId, World, YearMonth};
use crate::sim::events::LoggedEvent;
use crate::sim::scenario::Scenario;
use crate::sim::state::RunState;
use serde::{Deserialize, Serialize};

/// Observes a run step by step (step 0 is the start).
pub trait Recorder {
    /// Called once at step 0 and after every step, with the state after that step (its
    /// dynamics, events, drivers and pressures all applied).
    fn record(&mut self, step: u32, world: &World, state: &RunState);

    /// Called for every event as it fires, before the `record` of its step. The default
    /// keeps nothing.
    fn event(&mut self, _world: &World, _event: &LoggedEvent) {}
}

/// A recorder that keeps nothing; for runs where only the returned final state matters.
#[derive(Clone, Copy, Debug, Default)]
pub struct Discard;

impl Recorder for Discard {
    fn record(&mut self, _: u32, _: &World, _: &RunState) {}
}

/// The whole history of one run: alignment of every state, cohesion and credibility of every
/// institution, participation of every member and capacity of every power, per step.
///
/// Cohesion is defined in [`RunState::cohesion`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Trajectory {
    /// Scenario name.
    pub scenario: String,
    /// Scenario seed.
    pub seed: u64,
    /// Run index.
    pub run: u64,
    /// Date of step 0.
    pub start: YearMonth,
    /// Power names, in id order (the alignment components, before autonomy).
    pub powers: Vec<String>,
    /// State names, in id order.
    pub states: Vec<String>,
    /// Institution names, in id order.
    pub institutions: Vec<String>,
    /// Per step: every state's alignment, `powers + 1` shares each, state-major.
    pub alignment: Vec<Vec<f64>>,
    /// Per step: cohesion of every institution.
    pub cohesion: Vec<Vec<f64>>,
    /// Per step: credibility of every institution.
    pub credibility: Vec<Vec<f64>>,
    /// Per step: participation of every member of every institution, in the order of
    /// [`Trajectory::members`].
    pub participation: Vec<Vec<Vec<Participation>>>,
    /// The listed members of every institution, in id order. Not serialised: the JSON of a
    /// trace keeps the layout it had, and the members are the world's.
    #[serde(skip)]
    pub members: Vec<Vec<StateId>>,
    /// Per step: capacity of every power.
    pub capacity: Vec<Vec<f64>>,
    /// Every event that fired, in order, with its step.
    pub events: Vec<LoggedEvent>,
    /// Per step, when some power acts (docs/model.md §9): what each power spent where, its
    /// coercion stocks and its punishments. Empty, and left out of the JSON, otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<PowerActions>,
}

/// What the acting powers did in one month (docs/model.md §9).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PowerActions {
    /// Spending per state, power and action, `(state * powers + power) * 7 + action`, the
    /// actions being the offers on trade, remittances, security, energy, investment and
    /// labour, then coercion (budget units; [`crate::sim::powers::ACTIONS`]).
    pub spent: Vec<f64>,
    /// Coercion stock `c_ip` per state and power, `state * powers + power`.
    pub coercion: Vec<f64>,
    /// The month's punishments of defection, with names.
    pub punished: Vec<Punishment>,
}

/// A punishment of defection, with names, as the trajectory shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Punishment {
    /// The state punished.
    pub state: String,
    /// The power punishing.
    pub power: String,
    /// The fall of the state's value to the power over the window (0 when it left a bloc).
    pub drop: f64,
    /// The bloc the state suspended or left, when that was the trigger.
    pub left: Option<String>,
}

impl Trajectory {
    /// An empty trajectory for `scenario`, to be filled by [`crate::Simulation::run`].
    pub fn new(scenario: &Scenario) -> Self {
        let world = &scenario.world();
        let steps = scenario.steps() as usize + 1;
        Trajectory {
            scenario: scenario.name().to_string(),
            seed: scenario.seed(),
            run: 0,
            start: scenario.start(),
            powers: world.powers.iter().map(|p| p.name.clone()).collect(),
            states: world.states.iter().map(|s| s.name.clone()).collect(),
            institutions: world.institutions.iter().map(|i| i.name.clone()).collect(),
            members: world
                .institutions
                .iter()
                .map(|i| i.members.iter().map(|&(s, _)| s).collect())
                .collect(),
            alignment: Vec::with_capacity(steps),
            cohesion: Vec::with_capacity(steps),
            credibility: Vec::with_capacity(steps),
            participation: Vec::with_capacity(steps),
            capacity: Vec::with_capacity(steps),
            events: Vec::new(),
            actions: Vec::new(),
        }
    }

    /// Number of recorded steps (the horizon plus the start).
    pub fn len(&self) -> usize {
        self.alignment.len()
    }

    /// Whether nothing has been recorded.
    pub fn is_empty(&self) -> bool {
        self.alignment.is_empty()
    }

    /// Alignment of `state` at `step`: one share per power (in id order), then autonomy.
    ///
    /// # Examples
    ///
    /// ```
    /// let sim = geoalign::Simulation::new(geoalign::presets::eurasia_2025());
    /// let t = sim.trajectory(0).unwrap();
    /// let kz = t.state_id("Kazakhstan").unwrap();
    /// let russia = t.power_id("Russia").unwrap();
    /// assert_eq!(t.alignment_of(0, kz)[russia.index()], t.share(0, kz, russia));
    /// ```
    ///
    /// # Panics
    ///
    /// If `step` is not below [`Trajectory::len`] or `state` is not a state of the recorded
    /// world (ids from [`Trajectory::state_id`] or the scenario's world always are). The same
    /// holds for every step-and-id accessor below.
    pub fn alignment_of(&self, step: usize, state: StateId) -> &[f64] {
        let c = self.powers.len() + 1;
        &self.alignment[step][state.index() * c..(state.index() + 1) * c]
    }

    /// Share of `state`'s alignment with `power` at `step`.
    pub fn share(&self, step: usize, state: StateId, power: PowerId) -> f64 {
        self.alignment_of(step, state)[power.index()]
    }

    /// Autonomy share of `state` at `step` (the last component).
    pub fn autonomy(&self, step: usize, state: StateId) -> f64 {
        self.alignment_of(step, state)[self.powers.len()]
    }

    /// Cohesion of `institution` at `step` (see [`RunState::cohesion`]).
    pub fn cohesion_of(&self, step: usize, institution: InstitutionId) -> f64 {
        self.cohesion[step][institution.index()]
    }

    /// Credibility of `institution` at `step`.
    pub fn credibility_of(&self, step: usize, institution: InstitutionId) -> f64 {
        self.credibility[step][institution.index()]
    }

    /// Capacity index of `power` at `step`.
    pub fn capacity_of(&self, step: usize, power: PowerId) -> f64 {
        self.capacity[step][power.index()]
    }

    /// Participation of `state` in `institution` at `step`; `None` if the state is not one of
    /// its listed members.
    pub fn participation_of(
        &self,
        step: usize,
        institution: InstitutionId,
        state: StateId,
    ) -> Option<Participation> {
        let slot = self.members[institution.index()]
            .iter()
            .position(|&s| s == state)?;
        Some(self.participation[step][institution.index()][slot])
    }

    /// Id of the state named `name`.
    pub fn state_id(&self, name: &str) -> Option<StateId> {
        position(self.states.iter().map(String::as_str), name).map(StateId)
    }

    /// Id of the power named `name`.
    pub fn power_id(&self, name: &str) -> Option<PowerId> {
        position(self.powers.iter().map(String::as_str), name).map(PowerId)
    }

    /// Id of the institution named `name`.
    pub fn institution_id(&self, name: &str) -> Option<InstitutionId> {
        position(self.institutions.iter().map(String::as_str), name).map(InstitutionId)
    }
}

impl Recorder for Trajectory {
    fn record(&mut self, _step: u32, world: &World, state: &RunState) {
        self.alignment.push(state.alignment.clone());
        self.cohesion.push(
            world
                .institution_ids()
                .map(|i| state.cohesion(world, i))
                .collect(),
        );
        self.credibility.push(state.credibility.clone());
        self.participation.push(state.participation.clone());
        self.capacity.push(state.capacity.clone());
        if !state.powers.is_empty() {
            let stocks = &state.powers;
            let name = |d: &crate::sim::powers::Defection| Punishment {
                state: world.states[d.state].name.clone(),
                power: world.powers[d.power].name.clone(),
                drop: d.drop,
                left: d.left.map(|i| world.institutions[i].name.clone()),
            };
            self.actions.push(PowerActions {
                spent: stocks.spent.clone(),
                coercion: stocks.coercion.clone(),
                punished: stocks.punished.iter().map(name).collect(),
            });
        }
    }

    fn event(&mut self, _world: &World, event: &LoggedEvent) {
        self.events.push(event.clone());
    }
}
