//! The engine: runs a scenario for its horizon and hands every step to a [`Recorder`], so that
//! output formats never live in the engine.

use crate::drivers::Schedule;
use crate::dynamics::{Dynamics, RunState, Workspace};
use crate::events::{EventEngine, LoggedEvent};
use crate::scenario::{Scenario, YearMonth};
use crate::world::{Participation, World};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};

/// A failure during a run. Validated scenarios are built so that it does not happen; the check
/// exists so that a NaN or an infinity can never leave the engine silently.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// A state's alignment became non-finite or lost its mass.
    #[error("run {run}, step {step}: the alignment of {state} is no longer a finite point of the simplex")]
    NonFinite {
        /// Run index.
        run: u64,
        /// Step at which it happened.
        step: u32,
        /// The state's name.
        state: String,
    },
}

/// Observes a run step by step (step 0 is the start).
pub trait Recorder {
    /// Called once at step 0 and after every step, with the state after that step (its
    /// dynamics, events, drivers and pressures all applied).
    fn record(&mut self, step: u32, world: &World, state: &RunState);

    /// Called for every event as it fires, before the `record` of its step. The default
    /// keeps nothing.
    fn event(&mut self, _world: &World, _event: &LoggedEvent) {}
}

/// The per-run RNG: a ChaCha8 stream keyed by the scenario seed, one stream per run index, so a
/// run's draws depend only on `(seed, run)` and never on thread scheduling.
///
/// # Examples
///
/// ```
/// use rand::RngExt;
/// let mut a = geoalign::run_rng(42, 7);
/// let mut b = geoalign::run_rng(42, 7);
/// assert_eq!(a.random::<u64>(), b.random::<u64>());
/// ```
pub fn run_rng(seed: u64, run: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(run);
    rng
}

/// The per-run noise stream of the dynamics: a Xoshiro256++ generator seeded from
/// [`run_rng`]`(seed, run)`.
///
/// The monthly perturbation needs `powers + 1` uniforms per state and step, the one place
/// where random draws dominate the cost of a step. ChaCha stays the source of every stream
/// (seeding, events, the identity of a run); the noise is drawn from a generator seeded by
/// it that costs a fraction of a ChaCha draw. Xoshiro256++ is a specified algorithm
/// (Blackman & Vigna 2021) from the `rand_xoshiro` crate, so a seed gives the same draws on
/// every platform and release, and it passes the BigCrush and PractRand batteries, far
/// beyond what a perturbation of a few per cent needs. A run's draws still depend only on
/// `(seed, run)`.
///
/// # Examples
///
/// ```
/// use rand::RngExt;
/// let a: u64 = geoalign::engine::noise_rng(42, 7).random();
/// let b: u64 = geoalign::engine::noise_rng(42, 7).random();
/// assert_eq!(a, b);
/// ```
pub fn noise_rng(seed: u64, run: u64) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::from_rng(&mut run_rng(seed, run))
}

/// The per-run RNG of the events: the same ChaCha8 key as [`run_rng`], on stream
/// `run + 2⁶³`, so that event draws never shift the dynamics' noise draws. Two scenarios that
/// differ only in their events therefore see the same noise in run `r` (common random
/// numbers), which makes their difference a cleaner estimate of the events' effect. Run
/// indices below 2⁶³ give disjoint streams.
///
/// # Examples
///
/// ```
/// use rand::RngExt;
/// let a: u64 = geoalign::engine::event_rng(42, 7).random();
/// let b: u64 = geoalign::run_rng(42, 7).random();
/// assert_ne!(a, b);
/// ```
pub fn event_rng(seed: u64, run: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(run | (1 << 63));
    rng
}

/// A scenario made ready to run: drivers tabulated over the horizon and the dynamics'
/// constants computed once.
///
/// # Examples
///
/// ```
/// use geoalign::{Simulation, Trajectory};
/// let sim = Simulation::new(geoalign::worlds::eurasia_2025());
/// let mut trajectory = Trajectory::new(sim.scenario());
/// let end = sim.run(0, &mut trajectory).unwrap();
/// assert_eq!(end.step, sim.scenario().steps);
/// assert_eq!(trajectory.len(), sim.scenario().steps as usize + 1);
/// ```
#[derive(Clone, Debug)]
pub struct Simulation {
    scenario: Scenario,
    start: RunState,
    dynamics: Dynamics,
    schedule: Schedule,
    events: EventEngine,
}

impl Simulation {
    /// Prepare `scenario` for running.
    pub fn new(scenario: Scenario) -> Self {
        let world = &scenario.world;
        let initial = RunState::new(world);
        let schedule = Schedule::new(
            &scenario.drivers,
            &initial,
            world.powers.len(),
            scenario.steps,
        );
        let mut start = initial;
        schedule.apply(&mut start, 0);
        let dynamics = Dynamics::new(world, &start);
        let events = EventEngine::new(&scenario.events, &scenario.hazards);
        Simulation {
            scenario,
            start,
            dynamics,
            schedule,
            events,
        }
    }

    /// The scenario being run.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// Run number `run` for the whole horizon, feeding `recorder`; returns the final state.
    ///
    /// Each step: the dynamics move every alignment (noise from [`noise_rng`]`(seed, run)`);
    /// the step's events fire (draws from [`event_rng`]`(seed, run)`); pressures, sanctions
    /// and grievances move on a month; capacities, deliveries and credibilities are set to
    /// their driven baseline, then scaled by the pressures and shifted by the events.
    pub fn run<R: Recorder + ?Sized>(
        &self,
        run: u64,
        recorder: &mut R,
    ) -> Result<RunState, SimError> {
        let world = &self.scenario.world;
        let mut rng = noise_rng(self.scenario.seed, run);
        let mut erng = event_rng(self.scenario.seed, run);
        let mut ws = Workspace::new(world);
        let mut rs = self.start.clone();
        recorder.record(0, world, &rs);
        for step in 1..=self.scenario.steps {
            self.dynamics
                .step(world, &mut rs, &mut ws, &mut rng)
                .map_err(|i| SimError::NonFinite {
                    run,
                    step,
                    state: world.states[i].name.clone(),
                })?;
            self.events.fire(world, &mut rs, step, &mut erng, &mut |e| {
                recorder.event(world, &e)
            });
            EventEngine::advance(world, &mut rs, step);
            EventEngine::baseline(world, &mut rs);
            self.schedule.apply(&mut rs, step);
            EventEngine::overlay(&mut rs);
            check_finite(world, &rs).map_err(|i| SimError::NonFinite {
                run,
                step,
                state: world.states[i].name.clone(),
            })?;
            recorder.record(step, world, &rs);
        }
        Ok(rs)
    }

    /// Run number `run` and keep its whole [`Trajectory`].
    pub fn trajectory(&self, run: u64) -> Result<Trajectory, SimError> {
        let mut t = Trajectory::new(&self.scenario);
        t.run = run;
        self.run(run, &mut t)?;
        Ok(t)
    }
}

/// Index of a state whose alignment is not a finite point of the simplex after the events.
fn check_finite(world: &World, rs: &RunState) -> Result<(), usize> {
    let c = world.components();
    for (i, a) in rs.alignment.chunks_exact(c).enumerate() {
        let mut sum = 0.0;
        let mut negative = false;
        for &x in a {
            sum += x;
            negative |= x < 0.0;
        }
        // A NaN share makes the sum NaN, for which `is_finite` is false.
        if negative || !sum.is_finite() || (sum - 1.0).abs() >= 1e-9 {
            return Err(i);
        }
    }
    Ok(())
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
    /// Per step: participation of every member of every institution.
    pub participation: Vec<Vec<Vec<Participation>>>,
    /// Per step: capacity of every power.
    pub capacity: Vec<Vec<f64>>,
    /// Every event that fired, in order, with its step.
    pub events: Vec<LoggedEvent>,
}

impl Trajectory {
    /// An empty trajectory for `scenario`, to be filled by [`Simulation::run`].
    pub fn new(scenario: &Scenario) -> Self {
        let world = &scenario.world;
        let steps = scenario.steps as usize + 1;
        Trajectory {
            scenario: scenario.name.clone(),
            seed: scenario.seed,
            run: 0,
            start: scenario.start,
            powers: world.powers.iter().map(|p| p.name.clone()).collect(),
            states: world.states.iter().map(|s| s.name.clone()).collect(),
            institutions: world.institutions.iter().map(|i| i.name.clone()).collect(),
            alignment: Vec::with_capacity(steps),
            cohesion: Vec::with_capacity(steps),
            credibility: Vec::with_capacity(steps),
            participation: Vec::with_capacity(steps),
            capacity: Vec::with_capacity(steps),
            events: Vec::new(),
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

    /// Alignment of state `state` (index) at `step`: one share per power, then autonomy.
    pub fn alignment_of(&self, step: usize, state: usize) -> &[f64] {
        let c = self.powers.len() + 1;
        &self.alignment[step][state * c..(state + 1) * c]
    }

    /// Index of the state named `name`.
    pub fn state_index(&self, name: &str) -> Option<usize> {
        self.states.iter().position(|s| s == name)
    }

    /// Index of the power named `name`.
    pub fn power_index(&self, name: &str) -> Option<usize> {
        self.powers.iter().position(|s| s == name)
    }

    /// Index of the institution named `name`.
    pub fn institution_index(&self, name: &str) -> Option<usize> {
        self.institutions.iter().position(|s| s == name)
    }
}

impl Recorder for Trajectory {
    fn record(&mut self, _step: u32, world: &World, state: &RunState) {
        self.alignment.push(state.alignment.clone());
        self.cohesion.push(
            (0..world.institutions.len())
                .map(|i| state.cohesion(world, i))
                .collect(),
        );
        self.credibility.push(state.credibility.clone());
        self.participation.push(state.participation.clone());
        self.capacity.push(state.capacity.clone());
    }

    fn event(&mut self, _world: &World, event: &LoggedEvent) {
        self.events.push(event.clone());
    }
}
