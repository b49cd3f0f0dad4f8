//! The engine: runs a scenario for its horizon and hands every step to a [`Recorder`], so that
//! output formats never live in the engine.

use crate::model::World;
use crate::sim::drivers::Schedule;
use crate::sim::dynamics::{Dynamics, Workspace};
use crate::sim::events::EventEngine;
use crate::sim::record::Recorder;
use crate::sim::record::Trajectory;
use crate::sim::rng::{event_rng, noise_rng};
use crate::sim::state::RunState;
use crate::sim::Scenario;

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

/// A scenario made ready to run: drivers tabulated over the horizon and the dynamics'
/// constants computed once.
///
/// # Examples
///
/// ```
/// use geoalign::{Simulation, Trajectory};
/// let sim = Simulation::new(geoalign::presets::eurasia_2025());
/// let mut trajectory = Trajectory::new(sim.scenario());
/// let end = sim.run(0, &mut trajectory).unwrap();
/// assert_eq!(end.step, sim.scenario().steps());
/// assert_eq!(trajectory.len(), sim.scenario().steps() as usize + 1);
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
        let world = &scenario.world();
        let initial = RunState::new(world);
        let schedule = Schedule::new(
            scenario.drivers(),
            &initial,
            world.powers.len(),
            scenario.steps(),
        );
        let mut start = initial;
        schedule.apply(&mut start, 0);
        let dynamics = Dynamics::new(world, &start);
        let events = EventEngine::new(scenario.events(), scenario.hazards());
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
        let world = &self.scenario.world();
        let mut rng = noise_rng(self.scenario.seed(), run);
        let mut erng = event_rng(self.scenario.seed(), run);
        let mut ws = Workspace::new(world);
        let mut rs = self.start.clone();
        recorder.record(0, world, &rs);
        for step in 1..=self.scenario.steps() {
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
            rs.reset_driven(world);
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
