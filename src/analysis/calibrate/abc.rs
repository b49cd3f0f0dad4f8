//! Approximate Bayesian computation by sequential Monte Carlo (ABC-SMC), on any distance.
//!
//! Population Monte Carlo after Beaumont, Cornuet, Marin and Robert (2009, *Biometrika* 96:
//! 983–990), with the tolerance set adaptively from the previous population (Del Moral, Doucet
//! and Jasra 2012, *Stat. Comput.* 22: 1009–1020) and a multivariate normal kernel with twice
//! the population's weighted covariance (Beaumont et al. 2009; Filippi et al. 2013,
//! *Stat. Appl. Genet. Mol. Biol.* 12: 87–107):
//!
//! 1. Generation 0 draws `N` particles from the prior (uniform on each parameter's range) and
//!    keeps them all, with their distances.
//! 2. Generation `t ≥ 1` sets the tolerance `ε_t` to the `q`-quantile of the previous
//!    population's distances, then proposes: a particle `θ_j` of the previous population drawn
//!    by weight, moved by `N(0, 2Σ)`; a proposal outside the prior's support is dropped
//!    unsimulated; one inside is simulated and accepted when its distance is at most `ε_t`,
//!    until `N` are accepted. Each accepted `θ` is weighted
//!    `w ∝ π(θ) / Σ_j w_j K(θ | θ_j)` (the prior is flat on its support, so `π(θ)` cancels).
//! 3. It stops after the generations asked for, when a generation accepts fewer than the
//!    minimum share of its simulations, when the tolerance falls by less than the minimum step,
//!    or when the next generation could exceed the simulation budget. The last **complete**
//!    population is the posterior sample.
//!
//! Parameters live in the unit cube here (the caller maps them onto their ranges), so the
//! kernel and the covariance are on one scale.
//!
//! **Reproducible to the bit on any number of threads.** Proposals are made in batches of a
//! fixed size; proposal `i` of generation `t` draws only from its own stream (a ChaCha8 stream
//! of the calibration seed) and is given a serial number that is its place in the whole
//! calibration, which the simulator uses to choose its runs' streams. Batches are simulated in
//! parallel and accepted in serial order, so the thread count changes only the speed.

use nalgebra::{DMatrix, DVector};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Settings of an ABC-SMC calibration.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct AbcSettings {
    /// Particles per population `N`.
    pub particles: usize,
    /// Generations after the prior's (generation 0).
    pub generations: usize,
    /// The quantile `q` of the previous distances that sets the next tolerance.
    pub quantile: f64,
    /// Stop when a generation accepts fewer than this share of its simulations.
    pub min_acceptance: f64,
    /// Stop when the tolerance falls by less than this share of itself in a generation.
    pub min_tolerance_step: f64,
    /// Most simulations in all (each simulation is one proposal, whatever it runs).
    pub max_simulations: u64,
    /// Seed of the proposals' streams.
    pub seed: u64,
}

impl Default for AbcSettings {
    /// `N = 200`: weighted quantiles of a 90 % interval from 200 particles move by a few
    /// hundredths of a range between seeds, below what ten years of annual data pin down.
    /// `q = 0.5`: the median, the adaptive choice of Del Moral et al. (2012) and pyabc's
    /// default. A 2 % minimum acceptance and a 2 % minimum tolerance step: below either, a
    /// generation costs fifty simulations per particle or more for a posterior that no longer
    /// narrows. Ten generations and 50,000 simulations bound the time. The seed: any fixed
    /// value makes a calibration reproducible; this one spells "abc smc" loosely.
    fn default() -> Self {
        AbcSettings {
            particles: 200,
            generations: 10,
            quantile: 0.5,
            min_acceptance: 0.02,
            min_tolerance_step: 0.02,
            max_simulations: 50_000,
            seed: 0x00ab_c50c,
        }
    }
}

/// One generation's record.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct GenerationStats {
    /// Generation number (0: the prior's).
    pub generation: usize,
    /// Its tolerance (infinite for generation 0).
    pub tolerance: f64,
    /// Proposals simulated.
    pub simulated: u64,
    /// Proposals dropped outside the prior's support, unsimulated.
    pub outside: u64,
    /// Particles accepted (`N` for a complete generation).
    pub accepted: usize,
    /// Effective sample size of the weights, `(Σ w)² / Σ w²`.
    pub ess: f64,
    /// Median distance of the accepted particles.
    pub median_distance: f64,
}

/// Why the calibration stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum StopReason {
    /// It ran every generation asked for.
    Generations,
    /// A generation's acceptance fell below the minimum.
    Acceptance,
    /// The tolerance stopped falling.
    Tolerance,
    /// The simulation budget would have been exceeded.
    Budget,
}

/// A population in the unit cube with its weights and distances.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Population {
    /// Particles, each a point of the unit cube.
    pub particles: Vec<Vec<f64>>,
    /// Normalised weights (sum 1).
    pub weights: Vec<f64>,
    /// Each particle's distance.
    pub distances: Vec<f64>,
}

/// The result: the last complete population and every generation's record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AbcResult {
    /// The posterior sample.
    pub population: Population,
    /// One record per generation run, the incomplete last one included.
    pub generations: Vec<GenerationStats>,
    /// Simulations in all.
    pub simulations: u64,
    /// Why it stopped.
    pub stop: StopReason,
}

/// A failure of the calibration.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AbcError<E> {
    /// The settings cannot run (no particles, a quantile outside (0, 1), no parameter…).
    #[error("calibration settings: {0}")]
    Settings(String),
    /// The simulator failed on a proposal.
    #[error(transparent)]
    Simulator(E),
    /// Every distance of a population was infinite or NaN: nothing can be selected.
    #[error("generation {0}: no proposal had a finite distance; the observations cannot be compared with the model")]
    NoFiniteDistance(usize),
}

/// Run ABC-SMC over `dimensions` parameters in the unit cube.
///
/// `distance(θ, serial)` simulates the model at `θ` and returns its distance to the data;
/// `serial` numbers the proposal in the whole calibration (0, 1, 2, … in proposal order), so
/// the simulator can give each proposal its own random streams. `progress` is told each
/// generation's record as it completes.
///
/// # Examples
///
/// The mean of a normal with known spread, from one observation: the posterior must sit
/// around the observation.
///
/// ```
/// use geoalign::analysis::calibrate::abc::{abc_smc, AbcSettings};
/// let settings = AbcSettings { particles: 100, generations: 6, ..AbcSettings::default() };
/// let truth = 0.3;
/// let r = abc_smc(1, &settings, |theta: &[f64], _serial| Ok::<_, ()>((theta[0] - truth).abs()), |_| {}).unwrap();
/// let mean: f64 = r.population.particles.iter().zip(&r.population.weights).map(|(p, w)| p[0] * w).sum();
/// assert!((mean - truth).abs() < 0.05, "{mean}");
/// ```
///
/// # Errors
///
/// [`AbcError::Settings`] for settings that cannot run, [`AbcError::Simulator`] when the
/// simulator fails, [`AbcError::NoFiniteDistance`] when no particle can be compared.
pub fn abc_smc<E: Send, F, P>(
    dimensions: usize,
    settings: &AbcSettings,
    distance: F,
    mut progress: P,
) -> Result<AbcResult, AbcError<E>>
where
    F: Fn(&[f64], u64) -> Result<f64, E> + Sync,
    P: FnMut(&GenerationStats),
{
    check(dimensions, settings)?;
    let n = settings.particles;
    let mut serial = 0u64;
    let mut generations = Vec::new();

    // Generation 0: the prior.
    let particles: Vec<Vec<f64>> = (0..n)
        .map(|i| {
            let mut rng = stream(settings.seed, 0, i as u64);
            (0..dimensions).map(|_| rng.random::<f64>()).collect()
        })
        .collect();
    let distances = simulate_all(&particles, serial, &distance)?;
    serial += n as u64;
    if !distances.iter().any(|d| d.is_finite()) {
        return Err(AbcError::NoFiniteDistance(0));
    }
    let mut population = Population {
        particles,
        weights: vec![1.0 / n as f64; n],
        distances,
    };
    let first = GenerationStats {
        generation: 0,
        tolerance: f64::INFINITY,
        simulated: n as u64,
        outside: 0,
        accepted: n,
        ess: n as f64,
        median_distance: quantile(&population.distances, 0.5),
    };
    progress(&first);
    generations.push(first);
    let mut stop = StopReason::Generations;

    // The tolerance of the next generation: the quantile of the population's distances.
    let mut tolerance = quantile(&population.distances, settings.quantile);
    for generation in 1..=settings.generations {
        if !tolerance.is_finite() {
            return Err(AbcError::NoFiniteDistance(generation - 1));
        }
        let kernel = Kernel::new(&population, dimensions);
        let mut accepted: Vec<(Vec<f64>, f64)> = Vec::with_capacity(n);
        let (mut simulated, mut outside) = (0u64, 0u64);
        let mut proposal = 0u64;
        let mut over_budget = false;
        while accepted.len() < n {
            // A batch of N proposals; those outside the support are dropped unsimulated.
            let batch: Vec<Vec<f64>> = (0..n as u64)
                .map(|i| {
                    let mut rng = stream(settings.seed, generation as u64, proposal + i);
                    kernel.propose(&population, &mut rng)
                })
                .collect();
            proposal += n as u64;
            let inside: Vec<Vec<f64>> = batch
                .into_iter()
                .filter(|p| {
                    let ok = p.iter().all(|x| (0.0..=1.0).contains(x));
                    outside += u64::from(!ok);
                    ok
                })
                .collect();
            if serial + inside.len() as u64 > settings.max_simulations {
                over_budget = true;
                break;
            }
            let d = simulate_all(&inside, serial, &distance)?;
            serial += inside.len() as u64;
            simulated += inside.len() as u64;
            for (p, d) in inside.into_iter().zip(d) {
                if d <= tolerance && accepted.len() < n {
                    accepted.push((p, d));
                }
            }
            // Fewer than the minimum share accepted so far, and at least one batch's worth
            // simulated: this generation would cost more than the posterior gains.
            let share = accepted.len() as f64 / simulated.max(1) as f64;
            if simulated >= n as u64 && share < settings.min_acceptance {
                break;
            }
        }
        let complete = accepted.len() == n;
        let weights = if complete {
            kernel.weights(&population, &accepted)
        } else {
            vec![]
        };
        let record = GenerationStats {
            generation,
            tolerance,
            simulated,
            outside,
            accepted: accepted.len(),
            ess: ess(&weights),
            median_distance: quantile(&accepted.iter().map(|(_, d)| *d).collect::<Vec<_>>(), 0.5),
        };
        progress(&record);
        generations.push(record);
        if !complete {
            stop = if over_budget {
                StopReason::Budget
            } else {
                StopReason::Acceptance
            };
            break;
        }
        population = Population {
            distances: accepted.iter().map(|(_, d)| *d).collect(),
            particles: accepted.into_iter().map(|(p, _)| p).collect(),
            weights,
        };
        let next = quantile(&population.distances, settings.quantile);
        if next > tolerance * (1.0 - settings.min_tolerance_step) {
            stop = StopReason::Tolerance;
            break;
        }
        tolerance = next;
    }
    Ok(AbcResult {
        population,
        generations,
        simulations: serial,
        stop,
    })
}

fn check<E>(dimensions: usize, s: &AbcSettings) -> Result<(), AbcError<E>> {
    let bad = |m: &str| Err(AbcError::Settings(m.to_string()));
    if dimensions == 0 {
        return bad("no parameter to calibrate");
    }
    if s.particles < 2 {
        return bad("at least 2 particles");
    }
    if !(s.quantile > 0.0 && s.quantile < 1.0) {
        return bad("the tolerance quantile must lie strictly between 0 and 1");
    }
    if !(0.0..1.0).contains(&s.min_acceptance) || !(0.0..1.0).contains(&s.min_tolerance_step) {
        return bad("the minimum acceptance and tolerance step must lie in [0, 1)");
    }
    if s.max_simulations < s.particles as u64 {
        return bad("the simulation budget is smaller than one population");
    }
    Ok(())
}

/// The stream of proposal `index` of `generation`.
fn stream(seed: u64, generation: u64, index: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream((generation << 40) | index);
    rng
}

/// Distances of `points` (serial numbers from `first`), in parallel, in order.
fn simulate_all<E: Send, F>(
    points: &[Vec<f64>],
    first: u64,
    distance: &F,
) -> Result<Vec<f64>, AbcError<E>>
where
    F: Fn(&[f64], u64) -> Result<f64, E> + Sync,
{
    points
        .par_iter()
        .enumerate()
        .map(|(i, p)| distance(p, first + i as u64).map_err(AbcError::Simulator))
        .collect()
}

/// The `q`-quantile of the finite values (type 1, the smallest value with at least `q` of the
/// values at or below it); infinite when none is finite.
pub(crate) fn quantile(values: &[f64], q: f64) -> f64 {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return f64::INFINITY;
    }
    v.sort_by(f64::total_cmp);
    let k = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len());
    v[k - 1]
}

fn ess(w: &[f64]) -> f64 {
    let s: f64 = w.iter().sum();
    let s2: f64 = w.iter().map(|x| x * x).sum();
    if s2 > 0.0 {
        s * s / s2
    } else {
        0.0
    }
}

/// Running sums of weights, for drawing an index by weight.
pub(crate) struct Cumulative(Vec<f64>);

impl Cumulative {
    /// The running sums of `weights`, in order.
    pub(crate) fn new(weights: &[f64]) -> Cumulative {
        let mut acc = 0.0;
        Cumulative(
            weights
                .iter()
                .map(|w| {
                    acc += w;
                    acc
                })
                .collect(),
        )
    }

    /// The index a uniform `u` in [0, 1) draws: the first whose running sum exceeds `u` times
    /// the total.
    pub(crate) fn draw(&self, u: f64) -> usize {
        let x = u * *self.0.last().unwrap_or(&1.0);
        self.0
            .partition_point(|&c| c <= x)
            .min(self.0.len().saturating_sub(1))
    }
}

/// The perturbation kernel `N(0, 2Σ)`, with `Σ` the population's weighted covariance.
struct Kernel {
    /// Lower Cholesky factor of `2Σ`.
    lower: DMatrix<f64>,
    /// Inverse of `2Σ`.
    inverse: DMatrix<f64>,
    /// The population's weights, for drawing a particle.
    cumulative: Cumulative,
}

impl Kernel {
    fn new(population: &Population, k: usize) -> Kernel {
        let w = &population.weights;
        let mut mean = DVector::<f64>::zeros(k);
        for (p, &wi) in population.particles.iter().zip(w) {
            mean += DVector::from_column_slice(p) * wi;
        }
        let mut cov = DMatrix::<f64>::zeros(k, k);
        for (p, &wi) in population.particles.iter().zip(w) {
            let d = DVector::from_column_slice(p) - &mean;
            cov += &d * d.transpose() * wi;
        }
        let mut twice = cov * 2.0;
        // A population collapsed on a parameter would make the kernel singular: a floor of
        // (1e-4)² in unit-cube terms (a ten-thousandth of the range) keeps it invertible
        // without moving any real spread.
        for i in 0..k {
            twice[(i, i)] += 1e-8;
        }
        let chol = nalgebra::Cholesky::new(twice.clone()).unwrap_or_else(|| {
            // Not positive definite through rounding: keep the diagonal only.
            nalgebra::Cholesky::new(DMatrix::from_diagonal(&twice.diagonal()))
                .expect("a positive diagonal")
        });
        let inverse = chol.inverse();
        let lower = chol.l();
        Kernel {
            lower,
            inverse,
            cumulative: Cumulative::new(w),
        }
    }

    fn propose(&self, population: &Population, rng: &mut ChaCha8Rng) -> Vec<f64> {
        let j = self.cumulative.draw(rng.random::<f64>());
        let k = self.lower.nrows();
        let z =
            DVector::<f64>::from_iterator(k, (0..k).map(|_| rng.sample::<f64, _>(StandardNormal)));
        let step = &self.lower * z;
        population.particles[j]
            .iter()
            .zip(step.iter())
            .map(|(a, b)| a + b)
            .collect()
    }

    /// Importance weights of the accepted particles, normalised.
    fn weights(&self, previous: &Population, accepted: &[(Vec<f64>, f64)]) -> Vec<f64> {
        let raw: Vec<f64> = accepted
            .iter()
            .map(|(theta, _)| {
                let t = DVector::from_column_slice(theta);
                let mix: f64 = previous
                    .particles
                    .iter()
                    .zip(&previous.weights)
                    .map(|(p, &w)| {
                        let d = &t - DVector::from_column_slice(p);
                        w * (-0.5 * (d.transpose() * &self.inverse * &d)[(0, 0)]).exp()
                    })
                    .sum();
                if mix > 0.0 {
                    1.0 / mix
                } else {
                    0.0
                }
            })
            .collect();
        let total: f64 = raw.iter().sum();
        if total > 0.0 {
            raw.iter().map(|w| w / total).collect()
        } else {
            vec![1.0 / accepted.len() as f64; accepted.len()]
        }
    }
}

/// Weighted quantile of one coordinate: the smallest value whose cumulative weight reaches
/// `q` (values sorted, ties in sample order).
///
/// # Examples
///
/// ```
/// use geoalign::analysis::calibrate::abc::weighted_quantile;
/// assert_eq!(weighted_quantile(&[3.0, 1.0, 2.0], &[0.2, 0.5, 0.3], 0.5), 1.0);
/// assert_eq!(weighted_quantile(&[3.0, 1.0, 2.0], &[0.2, 0.5, 0.3], 0.9), 3.0);
/// ```
pub fn weighted_quantile(values: &[f64], weights: &[f64], q: f64) -> f64 {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]).then(a.cmp(&b)));
    let total: f64 = weights.iter().sum();
    let mut acc = 0.0;
    for &i in &order {
        acc += weights[i];
        if acc >= q * total {
            return values[i];
        }
    }
    order.last().map_or(f64::NAN, |&i| values[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A normal model with a known conjugate posterior: `x ~ N(μ, σ²)` with `n` observations,
    /// flat prior on [0, 1]; the distance is |x̄_sim − x̄_obs| with x̄_sim from `n` fresh draws.
    /// The posterior of μ is close to N(x̄_obs, 2σ²/n) as the tolerance shrinks (the simulated
    /// mean adds its own variance σ²/n). The ABC posterior must cover the truth and be narrower
    /// than the prior.
    #[test]
    fn normal_mean_posterior_is_centred_and_narrow() {
        let (truth, sigma, n) = (0.62, 0.2, 25.0);
        let observed = truth + 0.01; // a fixed observed mean near the truth
        let settings = AbcSettings {
            particles: 300,
            generations: 8,
            min_tolerance_step: 0.0,
            ..AbcSettings::default()
        };
        let r = abc_smc(
            1,
            &settings,
            |theta: &[f64], serial| {
                let mut rng = ChaCha8Rng::seed_from_u64(serial);
                let z: f64 = rng.sample(StandardNormal);
                Ok::<_, ()>((theta[0] + sigma / f64::sqrt(n) * z - observed).abs())
            },
            |_| {},
        )
        .unwrap();
        let x: Vec<f64> = r.population.particles.iter().map(|p| p[0]).collect();
        let w = &r.population.weights;
        let mean: f64 = x.iter().zip(w).map(|(a, b)| a * b).sum();
        let var: f64 = x.iter().zip(w).map(|(a, b)| b * (a - mean).powi(2)).sum();
        // Expected: mean ≈ 0.63, sd ≈ sqrt(2) · 0.04 = 0.057 (the prior's sd is 0.29).
        assert!((mean - observed).abs() < 0.03, "mean {mean}");
        assert!(var.sqrt() < 0.09 && var.sqrt() > 0.02, "sd {}", var.sqrt());
        let lo = weighted_quantile(&x, w, 0.05);
        let hi = weighted_quantile(&x, w, 0.95);
        assert!(lo < truth && truth < hi, "[{lo}, {hi}]");
        // The tolerances fall generation after generation.
        let t: Vec<f64> = r.generations.iter().skip(1).map(|g| g.tolerance).collect();
        assert!(t.windows(2).all(|p| p[1] <= p[0]), "{t:?}");
    }

    #[test]
    fn same_result_on_one_thread_and_many() {
        let settings = AbcSettings {
            particles: 50,
            generations: 3,
            ..AbcSettings::default()
        };
        let f = |theta: &[f64], serial: u64| {
            let mut rng = ChaCha8Rng::seed_from_u64(serial);
            let z: f64 = rng.random();
            Ok::<_, ()>((theta[0] - 0.4).abs() + (theta[1] - 0.7).abs() + 0.05 * z)
        };
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(|| abc_smc(2, &settings, f, |_| {}).unwrap());
        let many = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap()
            .install(|| abc_smc(2, &settings, f, |_| {}).unwrap());
        assert_eq!(one, many);
    }

    #[test]
    fn budget_stops_with_the_last_complete_population() {
        let settings = AbcSettings {
            particles: 20,
            generations: 50,
            min_tolerance_step: 0.0,
            min_acceptance: 0.0,
            max_simulations: 100,
            ..AbcSettings::default()
        };
        let r = abc_smc(
            1,
            &settings,
            |t: &[f64], _| Ok::<_, ()>((t[0] - 0.5).abs()),
            |_| {},
        )
        .unwrap();
        assert_eq!(r.stop, StopReason::Budget);
        assert!(r.simulations <= 100);
        assert_eq!(r.population.particles.len(), 20);
        assert!((r.population.weights.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn bad_settings_are_refused() {
        let f = |_: &[f64], _| Ok::<_, ()>(0.0);
        for s in [
            AbcSettings {
                particles: 1,
                ..AbcSettings::default()
            },
            AbcSettings {
                quantile: 1.0,
                ..AbcSettings::default()
            },
            AbcSettings {
                max_simulations: 3,
                ..AbcSettings::default()
            },
        ] {
            assert!(matches!(
                abc_smc(1, &s, f, |_| {}),
                Err(AbcError::Settings(_))
            ));
        }
        assert!(matches!(
            abc_smc(0, &AbcSettings::default(), f, |_| {}),
            Err(AbcError::Settings(_))
        ));
    }
}
