//! The Friedkin–Johnsen model of opinion formation, and DeGroot's as its special case, as a
//! standalone solver on [`nalgebra`] matrices.
//!
//! Each of `n` agents holds an opinion `x_i`. An influence matrix `W` (row-stochastic: every
//! entry ≥ 0, every row sums to 1) says how much agent `i` listens to agent `j`; a diagonal of
//! susceptibilities `Λ = diag(λ_i)`, each in [0, 1], says how far each agent is open to
//! influence at all, the rest `1 − λ_i` anchoring it to its prejudice `u_i`:
//!
//! ```text
//! x(t+1) = Λ W x(t) + (I − Λ) u
//! ```
//!
//! (Friedkin, N. E. & Johnsen, E. C., 1999, "Social influence networks and opinion change",
//! *Advances in Group Processes* 16: 1–29; in matrix form as in Parsegov, S. E., Proskurnikov,
//! A. V., Tempo, R. & Friedkin, N. E., 2017, "Novel multidimensional models of opinion
//! dynamics in social networks", *IEEE Transactions on Automatic Control* 62(5): 2270–2285.)
//! With `Λ = I` it is DeGroot's model `x(t+1) = W x(t)` (DeGroot, M. H., 1974, "Reaching a
//! consensus", *Journal of the American Statistical Association* 69(345): 118–121).
//!
//! When the spectral radius `ρ(ΛW) < 1` the iteration converges from any start to the unique
//! fixed point `x* = (I − ΛW)⁻¹ (I − Λ) u` ([`FriedkinJohnsen::fixed_point`]). DeGroot's
//! model always has `ρ(W) = 1`: it has no such closed form, and whether it reaches a
//! consensus depends on the network; [`FriedkinJohnsen::iterate`] runs it and says whether
//! it settled.
//!
//! # How geoalign's own update relates to it
//!
//! geoalign's step (see [`crate::sim::dynamics`], docs/model.md §2) moves each state's alignment by
//!
//! ```text
//! a_i ← (1 − η_i) a_i + η_i [(1 − γ_i) a*_i + γ_i a_i(0)]
//! ```
//!
//! with inertia `η_i`, stubbornness `γ_i`, the initial alignment `a_i(0)` as prejudice and a
//! target `a*_i`. Per component, for a given target, this is *exactly* a Friedkin–Johnsen
//! update on a two-agent network: the state, and its target as a fully stubborn agent
//! (`λ = 0`, like agent 3 of the Friedkin–Johnsen fixture). The state's susceptibility is
//! `λ_i = 1 − η_i γ_i`, its row of `W` is `[(1 − η_i), η_i (1 − γ_i)] / λ_i` over (itself, its
//! target), and its prejudice is `a_i(0)`. The fixed point for a constant target is
//! `(1 − γ_i) a*_i + γ_i a_i(0)`: the stubbornness is the share of the initial alignment that
//! the state keeps for ever, as in Friedkin–Johnsen. Three things make geoalign's model more
//! than this linear one: the target is a softmax of utilities, so the map is non-linear; other
//! states enter through the target (the peer term of the utility) rather than through a
//! matrix `W` over states; and each component lives on the simplex, which the convex update
//! preserves. The test `geoalign_update_is_a_two_agent_friedkin_johnsen_step` in
//! `tests/classic_models.rs` checks the identity numerically.
//!
//! # Examples
//!
//! ```
//! use geoalign::classic::friedkin_johnsen::FriedkinJohnsen;
//! use nalgebra::{dmatrix, dvector};
//!
//! // Two agents; the second is fully stubborn (λ = 0) at 1.0, the first listens to both.
//! let w = dmatrix![0.5, 0.5; 0.0, 1.0];
//! let model = FriedkinJohnsen::new(w, dvector![1.0, 0.0]).unwrap();
//! let x = model.fixed_point(&dvector![0.0, 1.0]).unwrap();
//! // The open agent ends where the stubborn one is: x1 = 0.5 x1 + 0.5 · 1.
//! assert!((x[0] - 1.0).abs() < 1e-12 && (x[1] - 1.0).abs() < 1e-12);
//! ```

use nalgebra::{DMatrix, DVector, Schur};

/// How far a row sum of `W` may be from 1: far above the rounding of a sum of a million
/// `f64` terms (about 2·10⁻¹⁰ relative) and far below any deliberate influence weight.
pub const ROW_SUM_TOLERANCE: f64 = 1e-9;

/// How far below 1 the spectral radius `ρ(ΛW)` must be for the closed form to be used: an
/// eigenvalue computed by the Schur decomposition carries a rounding error of a few
/// `n · ε · ‖ΛW‖`, so a DeGroot matrix (ρ = 1 exactly) can come out as `1 − 10⁻¹⁵`; a margin
/// of 10⁻⁹ keeps such a matrix from being inverted into noise.
pub const SPECTRAL_MARGIN: f64 = 1e-9;

/// Iteration cap of the Schur decomposition used for the spectral radius, per agent: the
/// Francis QR algorithm needs a few iterations per eigenvalue (Golub & Van Loan, *Matrix
/// Computations*, 4th ed., 2013, §7.5.6, about two), so 100 per agent only trips on a matrix
/// that does not converge at all.
const SCHUR_ITERATIONS_PER_AGENT: usize = 100;

/// Why a Friedkin–Johnsen or DeGroot model could not be built or solved.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum OpinionError {
    /// The model has no agents.
    #[error("the influence matrix is empty: give at least one agent")]
    Empty,
    /// `W` is not square.
    #[error("the influence matrix must be square (one row and one column per agent), got {rows} rows and {cols} columns")]
    NotSquare {
        /// Number of rows.
        rows: usize,
        /// Number of columns.
        cols: usize,
    },
    /// A number is NaN or infinite.
    #[error("{what} contains a value that is not a finite number at position {index}")]
    NonFinite {
        /// Which input.
        what: &'static str,
        /// Position (row-major for a matrix).
        index: usize,
    },
    /// An influence weight is negative.
    #[error("influence weights must be ≥ 0, but row {row}, column {col} is {value}")]
    NegativeWeight {
        /// Row (the agent who listens).
        row: usize,
        /// Column (the agent listened to).
        col: usize,
        /// The weight.
        value: f64,
    },
    /// A row of `W` does not sum to 1.
    #[error("each row of the influence matrix must sum to 1 (row-stochastic), but row {row} sums to {sum}: divide the row by its sum")]
    NotRowStochastic {
        /// The row.
        row: usize,
        /// Its sum.
        sum: f64,
    },
    /// A susceptibility is outside [0, 1].
    #[error("susceptibility of agent {agent} must be in [0, 1], got {value}")]
    SusceptibilityOutOfRange {
        /// The agent.
        agent: usize,
        /// The value given.
        value: f64,
    },
    /// A vector has the wrong length.
    #[error("{what} has {got} entries but the model has {expected} agents")]
    WrongLength {
        /// Which input.
        what: &'static str,
        /// Number of agents.
        expected: usize,
        /// Length given.
        got: usize,
    },
    /// `ρ(ΛW)` is not below 1, so `I − ΛW` is singular or the closed form does not describe
    /// the limit.
    #[error("the fixed point does not exist in closed form: the spectral radius of ΛW is {spectral_radius} (it must be below 1); some group of agents is fully open to influence and listens only to itself — give one of them a susceptibility below 1, or use `iterate`")]
    NoFixedPoint {
        /// The computed spectral radius.
        spectral_radius: f64,
    },
    /// The eigenvalue computation did not converge.
    #[error(
        "the eigenvalues of ΛW could not be computed (the Schur decomposition did not converge)"
    )]
    EigenvaluesFailed,
    /// The iteration did not settle within the allowed steps.
    #[error("the opinions did not settle within {steps} steps (largest change in the last step: {last_change}); the network may be periodic or slow — allow more steps or a looser tolerance")]
    NotConverged {
        /// Steps taken.
        steps: usize,
        /// Largest absolute change in the last step.
        last_change: f64,
    },
    /// The tolerance is not a positive finite number.
    #[error("the tolerance must be a positive finite number, got {0}")]
    InvalidTolerance(f64),
}

/// A Friedkin–Johnsen model: an influence matrix `W` and susceptibilities `Λ`.
///
/// # Examples
///
/// ```
/// use geoalign::classic::friedkin_johnsen::FriedkinJohnsen;
/// use nalgebra::{dmatrix, dvector};
/// let w = dmatrix![0.5, 0.5; 0.5, 0.5];
/// let model = FriedkinJohnsen::new(w, dvector![0.5, 0.5]).unwrap();
/// assert_eq!(model.agents(), 2);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct FriedkinJohnsen {
    influence: DMatrix<f64>,
    susceptibility: DVector<f64>,
}

/// The result of [`FriedkinJohnsen::iterate`]: where the opinions settled and after how many
/// steps.
#[derive(Clone, Debug, PartialEq)]
pub struct Convergence {
    /// The opinions after the last step.
    pub opinions: DVector<f64>,
    /// Steps taken.
    pub steps: usize,
    /// Largest absolute change of an opinion in the last step (below the tolerance).
    pub last_change: f64,
}

impl FriedkinJohnsen {
    /// A model with influence matrix `influence` (`W`, row-stochastic) and susceptibilities
    /// `susceptibility` (the diagonal of `Λ`, each in [0, 1]).
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::classic::friedkin_johnsen::{FriedkinJohnsen, OpinionError};
    /// use nalgebra::{dmatrix, dvector};
    /// let bad = dmatrix![0.5, 0.4; 0.0, 1.0];
    /// let err = FriedkinJohnsen::new(bad, dvector![1.0, 1.0]).unwrap_err();
    /// assert!(matches!(err, OpinionError::NotRowStochastic { row: 0, .. }));
    /// ```
    pub fn new(
        influence: DMatrix<f64>,
        susceptibility: DVector<f64>,
    ) -> Result<Self, OpinionError> {
        check_influence(&influence)?;
        let n = influence.nrows();
        if susceptibility.len() != n {
            return Err(OpinionError::WrongLength {
                what: "the susceptibility vector",
                expected: n,
                got: susceptibility.len(),
            });
        }
        for (agent, &value) in susceptibility.iter().enumerate() {
            if !(0.0..=1.0).contains(&value) {
                return Err(OpinionError::SusceptibilityOutOfRange { agent, value });
            }
        }
        Ok(FriedkinJohnsen {
            influence,
            susceptibility,
        })
    }

    /// DeGroot's model: `Λ = I`, every agent fully open to influence.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::classic::friedkin_johnsen::FriedkinJohnsen;
    /// use nalgebra::{dmatrix, dvector};
    /// let model = FriedkinJohnsen::degroot(dmatrix![0.5, 0.5; 0.25, 0.75]).unwrap();
    /// let x0 = dvector![1.0, 0.0];
    /// let end = model.iterate(&x0, &x0, 1e-12, 10_000).unwrap();
    /// // Consensus at the left-eigenvector average: π = (1/3, 2/3), π·x0 = 1/3.
    /// assert!((end.opinions[0] - 1.0 / 3.0).abs() < 1e-9);
    /// assert!((end.opinions[1] - 1.0 / 3.0).abs() < 1e-9);
    /// ```
    pub fn degroot(influence: DMatrix<f64>) -> Result<Self, OpinionError> {
        let n = influence.nrows();
        Self::new(influence, DVector::from_element(n, 1.0))
    }

    /// Friedkin and Johnsen's own coupling `Λ = I − diag(W)`: an agent's self-weight is its
    /// anchorage to its prejudice (Friedkin & Johnsen 1999; the convention of the four-agent
    /// example in Parsegov et al. 2017).
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::classic::friedkin_johnsen::FriedkinJohnsen;
    /// use nalgebra::dmatrix;
    /// let model = FriedkinJohnsen::with_self_anchorage(dmatrix![0.2, 0.8; 0.0, 1.0]).unwrap();
    /// assert!((model.susceptibility()[0] - 0.8).abs() < 1e-15);
    /// assert_eq!(model.susceptibility()[1], 0.0);
    /// ```
    pub fn with_self_anchorage(influence: DMatrix<f64>) -> Result<Self, OpinionError> {
        check_influence(&influence)?;
        let lambda = DVector::from_iterator(
            influence.nrows(),
            influence.diagonal().iter().map(|w| 1.0 - w),
        );
        Self::new(influence, lambda)
    }

    /// Number of agents.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::classic::friedkin_johnsen::FriedkinJohnsen;
    /// let model = FriedkinJohnsen::degroot(nalgebra::DMatrix::identity(3, 3)).unwrap();
    /// assert_eq!(model.agents(), 3);
    /// ```
    pub fn agents(&self) -> usize {
        self.influence.nrows()
    }

    /// The influence matrix `W`.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::classic::friedkin_johnsen::FriedkinJohnsen;
    /// let model = FriedkinJohnsen::degroot(nalgebra::DMatrix::identity(2, 2)).unwrap();
    /// assert_eq!(model.influence()[(0, 0)], 1.0);
    /// ```
    pub fn influence(&self) -> &DMatrix<f64> {
        &self.influence
    }

    /// The susceptibilities, the diagonal of `Λ`.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::classic::friedkin_johnsen::FriedkinJohnsen;
    /// let model = FriedkinJohnsen::degroot(nalgebra::DMatrix::identity(2, 2)).unwrap();
    /// assert_eq!(model.susceptibility()[1], 1.0);
    /// ```
    pub fn susceptibility(&self) -> &DVector<f64> {
        &self.susceptibility
    }

    /// One step `x(t+1) = Λ W x(t) + (I − Λ) u`.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::classic::friedkin_johnsen::FriedkinJohnsen;
    /// use nalgebra::{dmatrix, dvector};
    /// let model = FriedkinJohnsen::new(dmatrix![0.0, 1.0; 1.0, 0.0], dvector![0.5, 0.5]).unwrap();
    /// let next = model.step(&dvector![0.0, 1.0], &dvector![0.0, 1.0]).unwrap();
    /// assert_eq!(next, dvector![0.5, 0.5]);
    /// ```
    pub fn step(
        &self,
        opinions: &DVector<f64>,
        prejudice: &DVector<f64>,
    ) -> Result<DVector<f64>, OpinionError> {
        self.check_vector(opinions, "the opinion vector")?;
        self.check_vector(prejudice, "the prejudice vector")?;
        Ok(self.step_unchecked(opinions, prejudice))
    }

    fn step_unchecked(&self, x: &DVector<f64>, u: &DVector<f64>) -> DVector<f64> {
        let wx = &self.influence * x;
        DVector::from_iterator(
            x.len(),
            (0..x.len()).map(|i| {
                let l = self.susceptibility[i];
                l * wx[i] + (1.0 - l) * u[i]
            }),
        )
    }

    /// Run the model from `start` with prejudice `prejudice` until no opinion changes by more
    /// than `tolerance` in a step, for at most `max_steps` steps.
    ///
    /// Works for every model, DeGroot's included; a network that oscillates (a periodic `W`)
    /// or converges too slowly is reported as [`OpinionError::NotConverged`].
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::classic::friedkin_johnsen::{FriedkinJohnsen, OpinionError};
    /// use nalgebra::{dmatrix, dvector};
    /// // Two agents who copy each other swap opinions for ever.
    /// let swap = FriedkinJohnsen::degroot(dmatrix![0.0, 1.0; 1.0, 0.0]).unwrap();
    /// let x0 = dvector![0.0, 1.0];
    /// let err = swap.iterate(&x0, &x0, 1e-9, 100).unwrap_err();
    /// assert!(matches!(err, OpinionError::NotConverged { steps: 100, .. }));
    /// ```
    pub fn iterate(
        &self,
        start: &DVector<f64>,
        prejudice: &DVector<f64>,
        tolerance: f64,
        max_steps: usize,
    ) -> Result<Convergence, OpinionError> {
        self.check_vector(start, "the start vector")?;
        self.check_vector(prejudice, "the prejudice vector")?;
        if !(tolerance.is_finite() && tolerance > 0.0) {
            return Err(OpinionError::InvalidTolerance(tolerance));
        }
        let mut x = start.clone();
        let mut last_change = f64::INFINITY;
        for steps in 1..=max_steps {
            let next = self.step_unchecked(&x, prejudice);
            last_change = (&next - &x).amax();
            x = next;
            if last_change <= tolerance {
                return Ok(Convergence {
                    opinions: x,
                    steps,
                    last_change,
                });
            }
        }
        Err(OpinionError::NotConverged {
            steps: max_steps,
            last_change,
        })
    }

    /// The spectral radius `ρ(ΛW)`, the largest modulus of its eigenvalues.
    ///
    /// Computed from the eigenvalues of a Schur decomposition. (When every susceptibility is
    /// below 1 it is at most the largest of them, since every row of `ΛW` then sums to
    /// `λ_i < 1`; [`FriedkinJohnsen::fixed_point`] uses that bound first and decomposes only
    /// when it does not settle the question.)
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::classic::friedkin_johnsen::FriedkinJohnsen;
    /// use nalgebra::dmatrix;
    /// let model = FriedkinJohnsen::degroot(dmatrix![0.5, 0.5; 0.25, 0.75]).unwrap();
    /// assert!((model.spectral_radius().unwrap() - 1.0).abs() < 1e-12);
    /// ```
    pub fn spectral_radius(&self) -> Result<f64, OpinionError> {
        let n = self.agents();
        let a = self.lambda_w();
        let schur = Schur::try_new(a, f64::EPSILON, SCHUR_ITERATIONS_PER_AGENT * n.max(1))
            .ok_or(OpinionError::EigenvaluesFailed)?;
        let rho = schur
            .complex_eigenvalues()
            .iter()
            .map(|z| z.norm())
            .fold(0.0_f64, f64::max);
        if rho.is_finite() {
            Ok(rho)
        } else {
            Err(OpinionError::EigenvaluesFailed)
        }
    }

    /// The fixed point `x* = (I − ΛW)⁻¹ (I − Λ) u`, which every run converges to when
    /// `ρ(ΛW) < 1`.
    ///
    /// Fails with [`OpinionError::NoFixedPoint`] when `ρ(ΛW) ≥ 1 − SPECTRAL_MARGIN` — always
    /// for DeGroot's model, whose limit (a consensus or none) depends on the start, not on a
    /// prejudice.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::classic::friedkin_johnsen::{FriedkinJohnsen, OpinionError};
    /// use nalgebra::{dmatrix, dvector};
    /// let degroot = FriedkinJohnsen::degroot(dmatrix![0.5, 0.5; 0.5, 0.5]).unwrap();
    /// let err = degroot.fixed_point(&dvector![0.0, 1.0]).unwrap_err();
    /// assert!(matches!(err, OpinionError::NoFixedPoint { .. }));
    /// ```
    pub fn fixed_point(&self, prejudice: &DVector<f64>) -> Result<DVector<f64>, OpinionError> {
        self.check_vector(prejudice, "the prejudice vector")?;
        // Cheap sufficient test first: with every λ_i < 1 each row of ΛW sums to λ_i, so
        // ρ(ΛW) ≤ max λ_i < 1 (the row-sum bound on the spectral radius).
        let max_lambda = self.susceptibility.iter().copied().fold(0.0_f64, f64::max);
        if max_lambda >= 1.0 - SPECTRAL_MARGIN {
            let rho = self.spectral_radius()?;
            if rho >= 1.0 - SPECTRAL_MARGIN {
                return Err(OpinionError::NoFixedPoint {
                    spectral_radius: rho,
                });
            }
        }
        let n = self.agents();
        let system = DMatrix::identity(n, n) - self.lambda_w();
        let rhs = DVector::from_iterator(
            n,
            (0..n).map(|i| (1.0 - self.susceptibility[i]) * prejudice[i]),
        );
        let x = system.lu().solve(&rhs).ok_or(OpinionError::NoFixedPoint {
            spectral_radius: 1.0,
        })?;
        if x.iter().all(|v| v.is_finite()) {
            Ok(x)
        } else {
            Err(OpinionError::NoFixedPoint {
                spectral_radius: 1.0,
            })
        }
    }

    /// `ΛW`: row `i` of `W` scaled by `λ_i`.
    fn lambda_w(&self) -> DMatrix<f64> {
        let mut a = self.influence.clone();
        for (i, mut row) in a.row_iter_mut().enumerate() {
            row *= self.susceptibility[i];
        }
        a
    }

    fn check_vector(&self, v: &DVector<f64>, what: &'static str) -> Result<(), OpinionError> {
        if v.len() != self.agents() {
            return Err(OpinionError::WrongLength {
                what,
                expected: self.agents(),
                got: v.len(),
            });
        }
        if let Some(index) = v.iter().position(|x| !x.is_finite()) {
            return Err(OpinionError::NonFinite { what, index });
        }
        Ok(())
    }
}

fn check_influence(w: &DMatrix<f64>) -> Result<(), OpinionError> {
    let (rows, cols) = w.shape();
    if rows != cols {
        return Err(OpinionError::NotSquare { rows, cols });
    }
    if rows == 0 {
        return Err(OpinionError::Empty);
    }
    for row in 0..rows {
        let mut sum = 0.0;
        for col in 0..cols {
            let value = w[(row, col)];
            if !value.is_finite() {
                return Err(OpinionError::NonFinite {
                    what: "the influence matrix",
                    index: row * cols + col,
                });
            }
            if value < 0.0 {
                return Err(OpinionError::NegativeWeight { row, col, value });
            }
            sum += value;
        }
        if (sum - 1.0).abs() > ROW_SUM_TOLERANCE {
            return Err(OpinionError::NotRowStochastic { row, sum });
        }
    }
    Ok(())
}
