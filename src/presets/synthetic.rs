//! Synthetic worlds of any size, for benchmarks and scaling studies.
//!
//! A synthetic world has the shape of a real one (powers with delivery factors, states with
//! dispositions, salience, ties on all eight channels, blocs that carry their leader's
//! security and trade ties, noise and trade feedback on) but random numbers in the documented
//! ranges instead of sourced ones. **It describes no real region**: it exists so that users can
//! measure how the engine's cost grows with the number of states and powers on their own
//! machine (`benches/step.rs` uses it for `step/states=N/powers=M`).

use crate::model::{
    Channel, Disposition, Institution, Parameters, Participation, Power, PowerId, State, StateId,
    World, WorldError,
};
use crate::sim::Scenario;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The size and seed of a synthetic world.
///
/// # Examples
///
/// ```
/// use geoalign::presets::Synthetic;
/// let scenario = Synthetic::new(100, 6).seed(7).scenario().unwrap();
/// assert_eq!(scenario.world().states().len(), 100);
/// assert_eq!(scenario.world().powers().len(), 6);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Synthetic {
    /// Number of (movable) states.
    pub states: usize,
    /// Number of powers.
    pub powers: usize,
    /// Number of blocs; bloc `b` is led by power `b mod powers`. A bloc no state joins (each
    /// state joins each with probability 1/4) is left out, so a world may have fewer.
    pub blocs: usize,
    /// Seed of the generator (and of the scenario's runs).
    pub seed: u64,
}

/// Why a synthetic world could not be made.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SyntheticError {
    /// A world needs at least one state and one power.
    #[error("a synthetic world needs at least one state and one power (asked for {states} states and {powers} powers)")]
    Empty {
        /// States asked for.
        states: usize,
        /// Powers asked for.
        powers: usize,
    },
    /// The tie array would exceed [`Synthetic::MAX_TIES`].
    #[error(
        "{states} states × {powers} powers × 8 channels is {ties} ties, above the bound of {max}"
    )]
    TooLarge {
        /// States asked for.
        states: usize,
        /// Powers asked for.
        powers: usize,
        /// Ties that would be needed (saturated at `usize::MAX`).
        ties: usize,
        /// The bound.
        max: usize,
    },
    /// The world builder refused the generated world: a bug of the generator, whose numbers
    /// are drawn inside the builder's ranges.
    #[error("the generated world breaks a rule of the world builder: {0}")]
    World(#[from] WorldError),
}

impl Synthetic {
    /// Bound on `states × powers × 8`: 2²⁸ ties are 2 GiB of `f64`, beyond any benchmark worth
    /// running on one machine and a clear error instead of an allocation failure.
    pub const MAX_TIES: usize = 1 << 28;

    /// A world of `states` states and `powers` powers, with `min(powers, 4)` blocs and seed 0.
    pub fn new(states: usize, powers: usize) -> Self {
        Synthetic {
            states,
            powers,
            // Four blocs, like the region's Russia-, China-, Türkiye- and West-led blocs.
            blocs: powers.min(4),
            seed: 0,
        }
    }

    /// The same size with another seed.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Generate the world (120 monthly steps from 2025-01, no drivers and no scheduled
    /// events; fragility-driven unrest still fires during runs).
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::{Simulation, Discard, presets::Synthetic};
    /// let sim = Simulation::new(Synthetic::new(50, 6).scenario().unwrap());
    /// let end = sim.run(0, &mut Discard).unwrap();
    /// assert_eq!(end.step, 120);
    /// ```
    pub fn scenario(&self) -> Result<Scenario, SyntheticError> {
        let (n, np) = (self.states, self.powers);
        if n == 0 || np == 0 {
            return Err(SyntheticError::Empty {
                states: n,
                powers: np,
            });
        }
        let ties_len = n
            .checked_mul(np)
            .and_then(|x| x.checked_mul(Channel::COUNT))
            .unwrap_or(usize::MAX);
        if ties_len > Self::MAX_TIES {
            return Err(SyntheticError::TooLarge {
                states: n,
                powers: np,
                ties: ties_len,
                max: Self::MAX_TIES,
            });
        }
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        let parameters = Parameters::default();
        let mut world = World::builder().parameters(parameters.clone());
        for p in 0..np {
            world = world.power(Power {
                name: format!("P{p}"),
                capacity: 1.0,
                coercion: rng.random_range(0.0..0.6),
                delivery: std::array::from_fn(|_| rng.random_range(0.6..1.0)),
            });
        }
        for i in 0..n {
            let disposition = Disposition::ALL[rng.random_range(0..Disposition::ALL.len())];
            let salience = normalised(&mut rng, Channel::COUNT);
            let salience: [f64; Channel::COUNT] = std::array::from_fn(|k| salience[k]);
            let mut alignment = normalised(&mut rng, np + 1);
            // Strictly positive shares, as calibrated intercepts need.
            for a in &mut alignment {
                *a = 0.9 * *a + 0.1 / (np + 1) as f64;
            }
            world = world.state(State {
                name: format!("S{i}"),
                disposition,
                response: parameters.dispositions[disposition.index()],
                inertia: rng.random_range(0.05..0.3),
                stubbornness: rng.random_range(0.0..0.3),
                fragility: rng.random_range(0.0..0.5),
                fixed: false,
                salience,
                alignment,
                proximity: (0..np).map(|_| rng.random_range(0.0..1.0)).collect(),
                coethnic: (0..np).map(|_| rng.random_range(0.0..0.2)).collect(),
            });
            // Per channel, shares over the powers that sum to at most 1.
            for channel in Channel::ALL {
                let total: f64 = rng.random_range(0.3..1.0);
                for (p, share) in normalised(&mut rng, np).into_iter().enumerate() {
                    let (state, power) = (StateId(i as u32), PowerId(p as u32));
                    world = world.tie_by_id(state, power, channel, total * share);
                }
            }
        }
        let mut carries = [0.0; Channel::COUNT];
        // Half of the leader's security and a third of its trade run through its bloc, as for
        // the CSTO and the EAEU in the Eurasia world.
        carries[Channel::Security.index()] = 0.5;
        carries[Channel::Trade.index()] = 0.3;
        for b in 0..self.blocs {
            // Each state joins each bloc with probability 1/4.
            let members: Vec<(StateId, Participation)> = (0..n)
                .filter(|_| rng.random_range(0.0..1.0) < 0.25)
                .map(|i| (StateId(i as u32), Participation::Active))
                .collect();
            // Drawn for every bloc, so that the later blocs' draws do not depend on this one's.
            let credibility = rng.random_range(0.4..0.9);
            if members.is_empty() {
                // A bloc no state joined is left out: an institution needs a member.
                continue;
            }
            world = world.institution(Institution {
                name: format!("B{b}"),
                leader: Some(PowerId((b % np) as u32)),
                credibility,
                carries,
                unanswered: vec![0; members.len()],
                members,
            });
        }
        let scenario = Scenario::builder(world.build()?)
            .name(format!(
                "synthetic states={n} powers={np} seed={}",
                self.seed
            ))
            .description(
                "A random world of the given size for benchmarks; it describes no real region.",
            )
            .seed(self.seed)
            // Ten years from the embedded world's start, like the CSTO futures.
            .start("2025-01".parse().expect("2025-01 is a date"))
            .steps(120)
            .build()
            .expect("120 steps is a valid horizon");
        Ok(scenario)
    }
}

/// `len` positive numbers summing to 1.
fn normalised(rng: &mut ChaCha8Rng, len: usize) -> Vec<f64> {
    let raw: Vec<f64> = (0..len).map(|_| rng.random_range(0.01..1.0)).collect();
    let sum: f64 = raw.iter().sum();
    raw.into_iter().map(|x| x / sum).collect()
}
