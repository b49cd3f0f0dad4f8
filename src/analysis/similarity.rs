//! The standard measures of foreign-policy similarity between two states' profiles (alliance
//! portfolios, UN votes, or geoalign's alignment vectors), and a similarity matrix over all
//! states of a run.
//!
//! * [`signorino_ritter_s`] — Signorino, C. S. & Ritter, J. M., 1999, "Tau-b or not tau-b:
//!   measuring the similarity of foreign policy positions", *International Studies
//!   Quarterly* 43(1): 115–144. `S = 1 − 2 Σ_k w_k d(x_k, y_k) / (Σ_k w_k · d_max)`, with
//!   `d` the absolute distance (their definition) or the squared one (then `d_max` is squared
//!   too), and optional weights per dimension (they weight by capabilities).
//! * [`cohen_kappa`] and [`scott_pi`] — the chance-corrected indices that Häge, F. M., 2011,
//!   "Choice or circumstance? Adjusting measures of foreign policy similarity for chance
//!   agreement", *Political Analysis* 19(3): 287–305, proposes instead of S (after Cohen,
//!   J., 1960, *Educational and Psychological Measurement* 20: 37–46, and Scott, W. A., 1955,
//!   *Public Opinion Quarterly* 19(3): 321–325). Both are `1 − D_o / D_e`: the observed mean
//!   distance over the chance-expected one. Cohen's κ takes chance as two independent draws,
//!   one from each state's own profile; Scott's π as two draws from the pooled profile of
//!   both. For valued profiles with the squared distance Häge computes them from sums of
//!   squares (the components of his replication files: sums of squared deviations from each
//!   profile's mean and the squared difference of the means for κ, squared deviations from
//!   the pooled mean for π):
//!
//!   ```text
//!   κ = 1 − Σ(x−y)² / [Σ(x−x̄)² + Σ(y−ȳ)² + n(x̄−ȳ)²]
//!   π = 1 − Σ(x−y)² / [Σ(x−m)² + Σ(y−m)²],   m = (x̄ + ȳ)/2
//!   ```
//!
//!   which is what this module computes for [`Distance::Squared`] (weighted sums and means
//!   when weights are given). κ with the squared distance equals Lin's concordance
//!   correlation coefficient (Lin, L. I., 1989, *Biometrics* 45(1): 255–268). For
//!   [`Distance::Absolute`] the same `1 − D_o/D_e` is computed with `D_e` the mean absolute
//!   distance between the independent draws, summed over all pairs — the general form of
//!   which the squared formulas are the closed form; this variant is geoalign's extension,
//!   not a formula printed by Häge.
//! * [`kendall_tau_b`] — Kendall, M. G., 1945, "The treatment of ties in ranking problems",
//!   *Biometrika* 33(3): 239–251; the measure S was built to replace, kept for comparison.
//!
//! **Alignment vectors.** Every alignment of a world has the same length and sums to 1, so
//! two states' profiles have the same mean: κ and π then coincide for the squared distance.
//! Shares lie in [0, 1], so S over alignments uses `d_max = 1`.
//!
//! **No variance.** κ and π are undefined (0/0) only when both profiles are one and the same
//! constant: there is then no disagreement, observed or expected, and `Ok(None)` is returned
//! rather than a NaN. A profile with no variance against one that varies gives κ = 0: the
//! pair agrees exactly as much as chance predicts. Kendall's τ_b is undefined (`Ok(None)`)
//! as soon as one profile has no variance, since every pair is then tied — the weakness of
//! τ_b that Signorino and Ritter pointed out. S is always defined.
//!
//! The similarity matrix ([`similarity_matrix`]) is a pure function of a state-major slice
//! of alignments, so it can be called on a [`RunState`], on any step of a [`Trajectory`], or
//! on each run of an ensemble.
//!
//! # Examples
//!
//! ```
//! use geoalign::analysis::similarity::{cohen_kappa, signorino_ritter_s, Distance};
//! // Two illustrative alignments over six powers and autonomy (not data).
//! let a = [0.30, 0.05, 0.10, 0.25, 0.02, 0.08, 0.20];
//! let b = [0.10, 0.05, 0.15, 0.40, 0.10, 0.02, 0.18];
//! let s = signorino_ritter_s(&a, &b, None, Distance::Absolute, 1.0).unwrap();
//! assert!((s - (1.0 - 2.0 * 0.56 / 7.0)).abs() < 1e-12); // 0.84
//! let kappa = cohen_kappa(&a, &b, None, Distance::Squared).unwrap().unwrap();
//! // Chance correction: many small shares agree by chance alone, which S counts as
//! // agreement and κ does not.
//! assert!(kappa < s);
//! ```

use crate::model::World;
use crate::sim::RunState;
use crate::sim::Trajectory;
use serde::{Deserialize, Serialize};

/// The distance between two entries of a profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Distance {
    /// `|x − y|`: Signorino and Ritter's own choice.
    Absolute,
    /// `(x − y)²`: the metric of Häge's valued κ and π.
    Squared,
}

impl Distance {
    fn of(self, x: f64, y: f64) -> f64 {
        match self {
            Distance::Absolute => (x - y).abs(),
            Distance::Squared => (x - y) * (x - y),
        }
    }
}

/// Why a similarity could not be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SimilarityError {
    /// The two profiles (or the weights) have different lengths.
    #[error("the profiles must have the same length, got {left} and {right}")]
    LengthMismatch {
        /// Length of the first profile.
        left: usize,
        /// Length of the second profile or of the weights.
        right: usize,
    },
    /// The profiles are empty.
    #[error("the profiles are empty: a similarity needs at least one entry")]
    Empty,
    /// A value is NaN or infinite.
    #[error("entry {index} of {what} is not a finite number")]
    NonFinite {
        /// Which input.
        what: &'static str,
        /// Position.
        index: usize,
    },
    /// A weight is negative.
    #[error("weight {index} is {value}; weights must be ≥ 0")]
    NegativeWeight {
        /// Position.
        index: usize,
        /// The weight.
        value: f64,
    },
    /// All weights are zero.
    #[error("all weights are zero: give at least one entry a positive weight")]
    ZeroWeights,
    /// `d_max` is not positive and finite.
    #[error("the largest possible distance d_max must be positive and finite, got {0}")]
    InvalidMaxDistance(f64),
    /// Two entries are further apart than `d_max`.
    #[error("entries {index} are {distance} apart, more than the largest possible distance {max_distance}: set d_max to the range of the scale")]
    BeyondMaxDistance {
        /// Position.
        index: usize,
        /// Their distance.
        distance: f64,
        /// The `d_max` given.
        max_distance: f64,
    },
    /// The alignment slice is not a whole number of states.
    #[error("an alignment slice of {len} shares is not a whole number of states of {components} components")]
    NotWholeStates {
        /// Length of the slice.
        len: usize,
        /// Components per state.
        components: usize,
    },
    /// A trajectory step that was not recorded.
    #[error("step {step} was not recorded: the trajectory has {len} steps")]
    StepOutOfRange {
        /// The step asked for.
        step: usize,
        /// Recorded steps.
        len: usize,
    },
}

/// Signorino and Ritter's S: `1 − 2 Σ w_k d(x_k, y_k) / (Σ w_k · d_max)`, where `d_max` is
/// the largest possible distance on the scale (squared for [`Distance::Squared`] by this
/// function). In [−1, 1]: 1 for identical profiles, −1 for profiles at opposite ends of the
/// scale everywhere. `weights` of `None` weighs every entry 1.
///
/// # Examples
///
/// ```
/// use geoalign::analysis::similarity::{signorino_ritter_s, Distance};
/// // Two alliance portfolios on the 0–3 scale of alliance types (S&R 1999).
/// let x = [3.0, 1.0, 0.0, 0.0];
/// let y = [3.0, 0.0, 0.0, 2.0];
/// let s = signorino_ritter_s(&x, &y, None, Distance::Absolute, 3.0).unwrap();
/// assert!((s - (1.0 - 2.0 * 3.0 / 12.0)).abs() < 1e-12); // 0.5
/// let weighted = signorino_ritter_s(&x, &y, Some(&[1.0, 1.0, 1.0, 0.0]), Distance::Absolute, 3.0);
/// assert!((weighted.unwrap() - (1.0 - 2.0 * 1.0 / 9.0)).abs() < 1e-12);
/// ```
pub fn signorino_ritter_s(
    x: &[f64],
    y: &[f64],
    weights: Option<&[f64]>,
    distance: Distance,
    max_distance: f64,
) -> Result<f64, SimilarityError> {
    check_profiles(x, y, weights)?;
    if !(max_distance.is_finite() && max_distance > 0.0) {
        return Err(SimilarityError::InvalidMaxDistance(max_distance));
    }
    let mut observed = 0.0;
    let mut total = 0.0;
    for (k, (&a, &b)) in x.iter().zip(y).enumerate() {
        let apart = (a - b).abs();
        if apart > max_distance {
            return Err(SimilarityError::BeyondMaxDistance {
                index: k,
                distance: apart,
                max_distance,
            });
        }
        let w = weight(weights, k);
        observed += w * distance.of(a, b);
        total += w;
    }
    let scale = distance.of(max_distance, 0.0);
    Ok(1.0 - 2.0 * observed / (total * scale))
}

/// Cohen's κ in Häge's (2011) formulation: `1 − D_o / D_e`, with `D_o` the weighted mean
/// distance between the paired entries and `D_e` the expected distance between an entry
/// drawn from `x`'s profile and an independent one drawn from `y`'s (each entry drawn with
/// its weight). For [`Distance::Squared`]:
/// `D_e = var_w(x) + var_w(y) + (x̄_w − ȳ_w)²`.
///
/// Returns `Ok(None)` when both profiles are the same constant (`D_o = D_e = 0`: nothing to
/// correct for); see the module docs.
///
/// # Examples
///
/// ```
/// use geoalign::analysis::similarity::{cohen_kappa, Distance};
/// // Hand-computed: Σd² = 3, Σ(x−x̄)² = Σ(y−ȳ)² = 2, n(x̄−ȳ)² = 3, so κ = 1 − 3/7.
/// let k = cohen_kappa(&[1.0, 2.0, 3.0], &[2.0, 3.0, 4.0], None, Distance::Squared);
/// assert!((k.unwrap().unwrap() - 4.0 / 7.0).abs() < 1e-12);
/// // No variance on either side, same value: undefined, not NaN.
/// assert_eq!(cohen_kappa(&[0.5; 3], &[0.5; 3], None, Distance::Squared), Ok(None));
/// ```
pub fn cohen_kappa(
    x: &[f64],
    y: &[f64],
    weights: Option<&[f64]>,
    distance: Distance,
) -> Result<Option<f64>, SimilarityError> {
    chance_corrected(x, y, weights, distance, Chance::Cohen)
}

/// Scott's π in Häge's (2011) formulation: as [`cohen_kappa`], but chance draws both entries
/// from the pooled profile of the two states, so a difference in their overall level counts
/// as disagreement. For [`Distance::Squared`]: `D_e = 2 var_w(pooled)`, i.e.
/// `[Σ(x−m)² + Σ(y−m)²]/n` with `m` the pooled mean.
///
/// Returns `Ok(None)` when both profiles are the same constant.
///
/// # Examples
///
/// ```
/// use geoalign::analysis::similarity::{scott_pi, Distance};
/// // Hand-computed: pooled mean 2.5, Σ(x−m)² = Σ(y−m)² = 2.75, Σd² = 3: π = 1 − 3/5.5.
/// let p = scott_pi(&[1.0, 2.0, 3.0], &[2.0, 3.0, 4.0], None, Distance::Squared);
/// assert!((p.unwrap().unwrap() - 5.0 / 11.0).abs() < 1e-12);
/// ```
pub fn scott_pi(
    x: &[f64],
    y: &[f64],
    weights: Option<&[f64]>,
    distance: Distance,
) -> Result<Option<f64>, SimilarityError> {
    chance_corrected(x, y, weights, distance, Chance::Scott)
}

/// Kendall's τ_b: `(n_c − n_d) / √((n₀ − n₁)(n₀ − n₂))` over the `n₀ = n(n−1)/2` pairs of
/// entries, with `n_c`, `n_d` the concordant and discordant pairs and `n₁`, `n₂` the pairs
/// tied in `x` and in `y` (exact equality). `O(n²)`.
///
/// Returns `Ok(None)` when a profile has no variance (or fewer than two entries): every pair
/// is tied and the denominator is 0.
///
/// # Examples
///
/// ```
/// use geoalign::analysis::similarity::kendall_tau_b;
/// // Hand-computed: 4 concordant pairs, 1 tied in x only, 1 tied in y only: 4/√(5·5).
/// let t = kendall_tau_b(&[1.0, 1.0, 2.0, 3.0], &[1.0, 2.0, 2.0, 3.0]).unwrap();
/// assert!((t.unwrap() - 0.8).abs() < 1e-12);
/// assert_eq!(kendall_tau_b(&[1.0, 1.0], &[1.0, 2.0]), Ok(None));
/// ```
pub fn kendall_tau_b(x: &[f64], y: &[f64]) -> Result<Option<f64>, SimilarityError> {
    check_profiles(x, y, None)?;
    let n = x.len();
    let (mut concordant, mut discordant, mut tied_x, mut tied_y) = (0u64, 0u64, 0u64, 0u64);
    for i in 0..n {
        for j in i + 1..n {
            let dx = x[i] - x[j];
            let dy = y[i] - y[j];
            if dx == 0.0 {
                tied_x += 1;
            }
            if dy == 0.0 {
                tied_y += 1;
            }
            if dx != 0.0 && dy != 0.0 {
                if (dx > 0.0) == (dy > 0.0) {
                    concordant += 1;
                } else {
                    discordant += 1;
                }
            }
        }
    }
    let pairs = (n * n.saturating_sub(1) / 2) as u64;
    let (free_x, free_y) = (pairs - tied_x, pairs - tied_y);
    if free_x == 0 || free_y == 0 {
        return Ok(None);
    }
    let numerator = concordant as f64 - discordant as f64;
    Ok(Some(numerator / ((free_x as f64) * (free_y as f64)).sqrt()))
}

#[derive(Clone, Copy, PartialEq)]
enum Chance {
    Cohen,
    Scott,
}

fn chance_corrected(
    x: &[f64],
    y: &[f64],
    weights: Option<&[f64]>,
    distance: Distance,
    chance: Chance,
) -> Result<Option<f64>, SimilarityError> {
    check_profiles(x, y, weights)?;
    // D_e = 0 exactly when every weighted entry of both profiles is one value (for κ: each
    // profile constant and the two constants equal; for π: the pooled profile constant).
    // Tested on the data, not on a computed D_e, so rounding in the means cannot turn 0/0
    // into a spurious 1.
    let mut weighted = x
        .iter()
        .zip(y)
        .enumerate()
        .filter(|&(k, _)| weight(weights, k) > 0.0);
    if let Some((_, (&first, _))) = weighted.clone().next() {
        if weighted.all(|(_, (&a, &b))| a == first && b == first) {
            return Ok(None);
        }
    }
    let total: f64 = (0..x.len()).map(|k| weight(weights, k)).sum();
    let observed: f64 = x
        .iter()
        .zip(y)
        .enumerate()
        .map(|(k, (&a, &b))| weight(weights, k) * distance.of(a, b))
        .sum::<f64>()
        / total;
    let expected = match distance {
        Distance::Squared => {
            let mean = |v: &[f64]| -> f64 {
                v.iter()
                    .enumerate()
                    .map(|(k, &a)| weight(weights, k) * a)
                    .sum::<f64>()
                    / total
            };
            let spread = |v: &[f64], m: f64| -> f64 {
                v.iter()
                    .enumerate()
                    .map(|(k, &a)| weight(weights, k) * (a - m) * (a - m))
                    .sum::<f64>()
                    / total
            };
            let (mx, my) = (mean(x), mean(y));
            match chance {
                Chance::Cohen => spread(x, mx) + spread(y, my) + (mx - my) * (mx - my),
                Chance::Scott => {
                    let m = 0.5 * (mx + my);
                    spread(x, m) + spread(y, m)
                }
            }
        }
        Distance::Absolute => {
            let pairwise = |a: &[f64], b: &[f64]| -> f64 {
                let mut sum = 0.0;
                for (j, &aj) in a.iter().enumerate() {
                    let wj = weight(weights, j);
                    if wj == 0.0 {
                        continue;
                    }
                    for (l, &bl) in b.iter().enumerate() {
                        sum += wj * weight(weights, l) * (aj - bl).abs();
                    }
                }
                sum / (total * total)
            };
            match chance {
                Chance::Cohen => pairwise(x, y),
                // Pooled draws: each profile with probability ½.
                Chance::Scott => {
                    0.25 * (pairwise(x, x) + pairwise(y, y) + pairwise(x, y) + pairwise(y, x))
                }
            }
        }
    };
    if expected > 0.0 && expected.is_finite() {
        Ok(Some(1.0 - observed / expected))
    } else {
        // Unreachable for finite non-degenerate input (checked above); kept so that no NaN
        // or infinity can leave the function.
        Ok(None)
    }
}

fn weight(weights: Option<&[f64]>, k: usize) -> f64 {
    weights.map_or(1.0, |w| w[k])
}

fn check_profiles(x: &[f64], y: &[f64], weights: Option<&[f64]>) -> Result<(), SimilarityError> {
    if x.len() != y.len() {
        return Err(SimilarityError::LengthMismatch {
            left: x.len(),
            right: y.len(),
        });
    }
    if x.is_empty() {
        return Err(SimilarityError::Empty);
    }
    for (what, v) in [("the first profile", x), ("the second profile", y)] {
        if let Some(index) = v.iter().position(|a| !a.is_finite()) {
            return Err(SimilarityError::NonFinite { what, index });
        }
    }
    if let Some(w) = weights {
        if w.len() != x.len() {
            return Err(SimilarityError::LengthMismatch {
                left: x.len(),
                right: w.len(),
            });
        }
        if let Some(index) = w.iter().position(|a| !a.is_finite()) {
            return Err(SimilarityError::NonFinite {
                what: "the weights",
                index,
            });
        }
        if let Some(index) = w.iter().position(|&a| a < 0.0) {
            return Err(SimilarityError::NegativeWeight {
                index,
                value: w[index],
            });
        }
        if w.iter().all(|&a| a == 0.0) {
            return Err(SimilarityError::ZeroWeights);
        }
    }
    Ok(())
}

/// A similarity measure, as a value that an ensemble summary can store and apply to every run.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Measure {
    /// [`signorino_ritter_s`] with this distance and `d_max`.
    SignorinoRitter {
        /// The distance.
        distance: Distance,
        /// The largest possible distance between two entries (1 for alignment shares).
        max_distance: f64,
    },
    /// [`cohen_kappa`] with this distance.
    CohenKappa(Distance),
    /// [`scott_pi`] with this distance.
    ScottPi(Distance),
    /// [`kendall_tau_b`] (weights are ignored: τ_b has none).
    KendallTauB,
}

impl Measure {
    /// S over alignment shares: absolute distance, `d_max = 1` (a share lies in [0, 1]).
    pub const SIGNORINO_RITTER_ON_SHARES: Measure = Measure::SignorinoRitter {
        distance: Distance::Absolute,
        max_distance: 1.0,
    };

    /// The similarity of profiles `x` and `y` under this measure; `None` where the measure is
    /// undefined (see the module docs).
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::similarity::{Distance, Measure};
    /// let x = [0.5, 0.3, 0.2];
    /// assert_eq!(Measure::SIGNORINO_RITTER_ON_SHARES.between(&x, &x, None), Ok(Some(1.0)));
    /// assert_eq!(Measure::CohenKappa(Distance::Squared).between(&x, &x, None), Ok(Some(1.0)));
    /// ```
    pub fn between(
        &self,
        x: &[f64],
        y: &[f64],
        weights: Option<&[f64]>,
    ) -> Result<Option<f64>, SimilarityError> {
        match *self {
            Measure::SignorinoRitter {
                distance,
                max_distance,
            } => signorino_ritter_s(x, y, weights, distance, max_distance).map(Some),
            Measure::CohenKappa(distance) => cohen_kappa(x, y, weights, distance),
            Measure::ScottPi(distance) => scott_pi(x, y, weights, distance),
            Measure::KendallTauB => kendall_tau_b(x, y),
        }
    }
}

/// Pairwise similarity of every two states, symmetric, with 1 (or `None` where undefined) on
/// the diagonal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SimilarityMatrix {
    /// The measure used.
    pub measure: Measure,
    /// Number of states.
    pub states: usize,
    /// Row-major `states × states` values; `None` where the measure is undefined.
    pub values: Vec<Option<f64>>,
}

impl SimilarityMatrix {
    /// The similarity of states `i` and `j` (indices in world order).
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::similarity::{similarity_matrix, Measure};
    /// let m = similarity_matrix(&[1.0, 0.0, 0.0, 1.0], 2, Measure::SIGNORINO_RITTER_ON_SHARES, None).unwrap();
    /// assert_eq!(m.get(0, 1), Some(-1.0));
    /// ```
    pub fn get(&self, i: usize, j: usize) -> Option<f64> {
        self.values[i * self.states + j]
    }

    /// The matrix of a run's current state.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::similarity::{Measure, SimilarityMatrix};
    /// let world = geoalign::presets::eurasia_2025().world().clone();
    /// let start = geoalign::RunState::new(&world);
    /// let m = SimilarityMatrix::of_run_state(&world, &start, Measure::KendallTauB, None).unwrap();
    /// assert_eq!(m.states, world.states().len());
    /// ```
    pub fn of_run_state(
        world: &World,
        state: &RunState,
        measure: Measure,
        weights: Option<&[f64]>,
    ) -> Result<Self, SimilarityError> {
        similarity_matrix(&state.alignment, world.components(), measure, weights)
    }

    /// The matrix at step `step` of a recorded trajectory.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::similarity::{Measure, SimilarityMatrix};
    /// let sim = geoalign::Simulation::new(geoalign::presets::eurasia_2025());
    /// let t = sim.trajectory(0).unwrap();
    /// let end = SimilarityMatrix::of_trajectory_step(&t, t.len() - 1, Measure::SIGNORINO_RITTER_ON_SHARES, None).unwrap();
    /// let (lv, ee) = (t.state_id("Latvia").unwrap(), t.state_id("Estonia").unwrap());
    /// assert!(end.get(lv.index(), ee.index()).unwrap() > 0.9); // two fixed points with near-equal alignments
    /// ```
    pub fn of_trajectory_step(
        trajectory: &Trajectory,
        step: usize,
        measure: Measure,
        weights: Option<&[f64]>,
    ) -> Result<Self, SimilarityError> {
        let alignment = trajectory
            .alignment
            .get(step)
            .ok_or(SimilarityError::StepOutOfRange {
                step,
                len: trajectory.len(),
            })?;
        similarity_matrix(alignment, trajectory.powers.len() + 1, measure, weights)
    }
}

/// The similarity of every two states, from a state-major slice of alignments with
/// `components` shares per state (the layout of [`RunState::alignment`] and of each step of
/// [`Trajectory::alignment`]). `weights`, if given, has one weight per component (for
/// example each power's capacity, as Signorino and Ritter weight by capabilities).
///
/// A pure function: an ensemble can call it on each run's final alignment and average the
/// matrices.
///
/// # Examples
///
/// ```
/// use geoalign::analysis::similarity::{similarity_matrix, Distance, Measure};
/// // Three states over two powers and autonomy.
/// let alignment = [0.6, 0.2, 0.2, 0.6, 0.2, 0.2, 0.1, 0.7, 0.2];
/// let m = similarity_matrix(&alignment, 3, Measure::ScottPi(Distance::Squared), None).unwrap();
/// assert_eq!(m.get(0, 1), Some(1.0));
/// assert!(m.get(0, 2).unwrap() < 0.0);
/// assert_eq!(m.get(2, 0), m.get(0, 2));
/// ```
pub fn similarity_matrix(
    alignment: &[f64],
    components: usize,
    measure: Measure,
    weights: Option<&[f64]>,
) -> Result<SimilarityMatrix, SimilarityError> {
    if components == 0 || alignment.len() % components != 0 {
        return Err(SimilarityError::NotWholeStates {
            len: alignment.len(),
            components,
        });
    }
    let states = alignment.len() / components;
    let mut values = vec![None; states * states];
    for i in 0..states {
        let x = &alignment[i * components..(i + 1) * components];
        for j in i..states {
            let y = &alignment[j * components..(j + 1) * components];
            let v = measure.between(x, y, weights)?;
            values[i * states + j] = v;
            values[j * states + i] = v;
        }
    }
    Ok(SimilarityMatrix {
        measure,
        states,
        values,
    })
}
