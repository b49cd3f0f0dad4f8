//! The random streams of a run, one per (seed, run) pair.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_xoshiro::Xoshiro256PlusPlus;

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
/// let a: u64 = geoalign::sim::noise_rng(42, 7).random();
/// let b: u64 = geoalign::sim::noise_rng(42, 7).random();
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
/// let a: u64 = geoalign::sim::event_rng(42, 7).random();
/// let b: u64 = geoalign::run_rng(42, 7).random();
/// assert_ne!(a, b);
/// ```
pub fn event_rng(seed: u64, run: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(run | (1 << 63));
    rng
}

/// The domain tag of [`posterior_rng`]'s key: the bytes after the seed's, so that no seed
/// gives a key of [`run_rng`]'s (which ChaCha's `seed_from_u64` expands from the seed alone).
const POSTERIOR_DOMAIN: &[u8; 24] = b"geoalign posterior draw\0";

/// The per-run RNG that draws a run's particle from a posterior sample
/// ([`crate::analysis::posterior`]): a ChaCha8 stream of its own key, the scenario seed
/// followed by a domain tag, on stream `run`. Its draws depend only on `(seed, run)`, never
/// on the thread, the shard or the other runs, and drawing from it moves neither the noise
/// ([`noise_rng`]) nor the events ([`event_rng`]) of any run: a run that draws particle `p`
/// is, bit for bit, run `run` of the scenario built with `p`'s values.
///
/// # Examples
///
/// ```
/// use rand::RngExt;
/// let a: u64 = geoalign::sim::posterior_rng(42, 7).random();
/// assert_eq!(a, geoalign::sim::posterior_rng(42, 7).random::<u64>());
/// assert_ne!(a, geoalign::run_rng(42, 7).random::<u64>());
/// assert_ne!(a, geoalign::event_rng(42, 7).random::<u64>());
/// ```
pub fn posterior_rng(seed: u64, run: u64) -> ChaCha8Rng {
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    key[8..].copy_from_slice(POSTERIOR_DOMAIN);
    let mut rng = ChaCha8Rng::from_seed(key);
    rng.set_stream(run);
    rng
}
