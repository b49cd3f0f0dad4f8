//! The engine: runs a scenario for its horizon and hands every step to a [`Recorder`], so that
//! output formats never live in the engine.

use crate::model::World;
use crate::model::{PowerId, StateId};
use crate::sim::drivers::Schedule;
use crate::sim::dynamics::{Dynamics, Workspace};
use crate::sim::events::hostile::{consider_hostile, FULL_DEFECTION};
use crate::sim::events::{EventEngine, Origin};
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
    /// The run drew a particle of a posterior sample whose scenario cannot be built
    /// (see [`crate::analysis::posterior`]): a value the scenario refuses, or one that
    /// changes the run's shape.
    #[error("{file}:{}: posterior particle {particle}, drawn by run {run}: {reason}", particle + 3)]
    Particle {
        /// Run index.
        run: u64,
        /// The posterior file.
        file: String,
        /// The particle's index, from 0 (its row is line `particle + 3` of the file).
        particle: usize,
        /// Why its scenario is refused.
        reason: String,
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
    /// The parent run followed before the branch step, and that step
    /// ([`Scenario::with_branch`]).
    branch: Option<Box<(Simulation, u32)>>,
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
        // The acting powers' stationary stocks, in place before the intercepts are fitted, so
        // the world starts at rest with them (docs/model.md §9).
        crate::sim::powers::settle(world, &mut start);
        let dynamics = match scenario.baseline() {
            None => Dynamics::new(world, &start),
            Some(baseline) => {
                // Only the baseline's start is read: no simulation of it is prepared.
                let base_start = crate::sim::scenario::counterfactual::start_state(baseline);
                Dynamics::calibrated_on(world, &start, baseline.world(), &base_start)
            }
        };
        let events = EventEngine::new(scenario.events(), scenario.hazards());
        let branch = scenario
            .branch()
            .map(|b| Box::new((Simulation::new(b.parent().clone()), b.from_step())));
        Simulation {
            scenario,
            start,
            dynamics,
            schedule,
            events,
            branch,
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
    /// their driven baseline, then scaled by the pressures and shifted by the events. A branch
    /// ([`Scenario::with_branch`]) runs its parent's steps before the branch step with the
    /// same streams, then switches to its own world (docs/model.md §2.5).
    pub fn run<R: Recorder + ?Sized>(
        &self,
        run: u64,
        recorder: &mut R,
    ) -> Result<RunState, SimError> {
        let mut streams = Streams {
            noise: noise_rng(self.scenario.seed(), run),
            events: event_rng(self.scenario.seed(), run),
            workspace: Workspace::new(self.scenario.world()),
        };
        self.run_through(run, self.scenario.steps(), &mut streams, recorder)
            .map(|(rs, _)| rs)
    }

    /// Steps `0 ..= last` of run `run`: the parent's before a branch, then this scenario's.
    /// Returns the state after `last` and the world that computed it: the parent's (or its
    /// own parent's, for a branch of a branch) when `last` comes before the branch.
    fn run_through<R: Recorder + ?Sized>(
        &self,
        run: u64,
        last: u32,
        streams: &mut Streams,
        recorder: &mut R,
    ) -> Result<(RunState, &World), SimError> {
        let world = self.scenario.world();
        let (mut rs, first) = match self.branch.as_deref() {
            // Not yet branched by `last`: the whole stretch is the parent's.
            Some((parent, from)) if *from > last => {
                return parent.run_through(run, last, streams, recorder);
            }
            Some((parent, from)) => {
                let (mut rs, before) = parent.run_through(run, from - 1, streams, recorder)?;
                // Against the world that computed the step before the branch: for a branch of
                // a branch taken at its parent's own branch month that is the grandparent's,
                // whose levels the parent never entered.
                self.enter(&mut rs, before);
                (rs, *from)
            }
            None => {
                let rs = self.start.clone();
                recorder.record(0, world, &rs);
                (rs, 1)
            }
        };
        let Streams {
            noise,
            events,
            workspace,
        } = streams;
        for step in first..=last {
            self.dynamics
                .step(world, &mut rs, workspace, noise)
                .map_err(|i| SimError::NonFinite {
                    run,
                    step,
                    state: world.states[i].name.clone(),
                })?;
            self.events.fire(world, &mut rs, step, events, &mut |e| {
                recorder.event(world, &e)
            });
            EventEngine::advance(world, &mut rs, step);
            rs.reset_driven(world);
            self.schedule.apply(&mut rs, step);
            EventEngine::overlay(&mut rs);
            // A defection the powers punish also sets off their hostile-intervention
            // decision (docs/model.md §3.4); a departure from a bloc was decided when it
            // happened, in the events above.
            let window = world.agency().parameters.window;
            for d in crate::sim::powers::act(world, &mut rs) {
                let last = rs.events.last_hostile[d.state * world.powers.len() + d.power];
                let recent = last.is_some_and(|last| step - last <= window);
                if d.left.is_none() && !recent {
                    consider_hostile(
                        world,
                        &mut rs,
                        step,
                        Origin::Defection,
                        PowerId(d.power as u32),
                        StateId(d.state as u32),
                        (d.drop / FULL_DEFECTION).min(1.0),
                        events,
                        &mut |e| recorder.event(world, &e),
                    );
                }
            }
            check_finite(world, &rs).map_err(|i| SimError::NonFinite {
                run,
                step,
                state: world.states[i].name.clone(),
            })?;
            recorder.record(step, world, &rs);
        }
        Ok((rs, world))
    }

    /// Take over `rs`, the parent's run after the step before the branch: the levels this
    /// scenario sets take its values, what the run moved carries over unless this scenario's
    /// world says otherwise than the parent's (docs/model.md §2.5).
    fn enter(&self, rs: &mut RunState, parent: &World) {
        let world = self.scenario.world();
        let c = world.components();
        for (i, (s, p)) in world.states.iter().zip(&parent.states).enumerate() {
            if s.alignment != p.alignment {
                rs.alignment[i * c..(i + 1) * c].copy_from_slice(&s.alignment);
            }
            if s.fragility != p.fragility {
                rs.events.fragility[i] = s.fragility;
            }
        }
        for ((x, own), theirs) in rs.ties.iter_mut().zip(&world.ties).zip(&parent.ties) {
            if own != theirs {
                *x = *own;
            }
        }
        for (ii, (inst, pinst)) in world
            .institutions
            .iter()
            .zip(&parent.institutions)
            .enumerate()
        {
            for (slot, (own, theirs)) in inst.members.iter().zip(&pinst.members).enumerate() {
                if own.1 != theirs.1 {
                    rs.participation[ii][slot] = own.1;
                }
            }
            for (slot, (own, theirs)) in inst.unanswered.iter().zip(&pinst.unanswered).enumerate() {
                if own != theirs {
                    rs.events.unanswered[ii][slot] = *own;
                }
            }
        }
        // Coercion is not reset each month (only drivers set it): set it from this world.
        for (x, p) in rs.coercion.iter_mut().zip(&world.powers) {
            *x = p.coercion;
        }
        crate::sim::powers::enter(world, rs, parent);
        rs.reset_driven(world);
        self.schedule.apply(rs, rs.step);
        EventEngine::overlay(rs);
    }

    /// Run number `run` and keep its whole [`Trajectory`].
    pub fn trajectory(&self, run: u64) -> Result<Trajectory, SimError> {
        let mut t = Trajectory::new(&self.scenario);
        t.run = run;
        self.run(run, &mut t)?;
        Ok(t)
    }
}

/// What a run draws from and works in, carried through a branch so that its streams run on.
struct Streams {
    noise: rand_xoshiro::Xoshiro256PlusPlus,
    events: rand_chacha::ChaCha8Rng,
    workspace: Workspace,
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
