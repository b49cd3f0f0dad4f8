//! The ranges a world's numbers must lie in, checked by the world builder
//! ([`crate::WorldBuilder`]) and by a scenario's checked methods, which the scenario loader
//! calls for files too, so that code and files accept and refuse exactly the same values.
//! Each bound has its reason beside it, and [`within`] is the one test every range uses.

/// Why [`within`] refuses a number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Refused {
    /// NaN or infinite.
    NotFinite,
    /// Finite, but below the minimum or above the maximum.
    OutOfRange,
}

/// Whether `value` is a finite number in `[min, max]`. Each boundary (world builder, drivers,
/// events) reports a refusal in its own error type, naming its own entity and field.
pub(crate) fn within(value: f64, (min, max): (f64, f64)) -> Result<(), Refused> {
    if !value.is_finite() {
        Err(Refused::NotFinite)
    } else if value < min || value > max {
        Err(Refused::OutOfRange)
    } else {
        Ok(())
    }
}

/// Tolerance on shares that must sum to 1: hand-written two- or three-decimal shares are exact
/// to far better than this, while a forgotten entry (≥ 0.001) is caught.
pub(crate) const SUM_TOLERANCE: f64 = 1e-6;
/// `τ_i`: below 1e-6 the softmax is an argmax in all but name; above 1e6 it is uniform.
pub(crate) const TEMPERATURE: (f64, f64) = (1e-6, 1e6);
/// `s_i`: ten times the largest possible channel pull either way.
pub(crate) const THREAT_WEIGHT: (f64, f64) = (-10.0, 10.0);
/// Power capacity, at the start or driven: an index with 1 at the power's own start level. A
/// million times that level is beyond any projection a scenario means, and keeps every utility
/// far from overflow.
pub(crate) const CAPACITY: (f64, f64) = (0.0, 1e6);
/// `h` ≤ 1/2 keeps every perturbation factor `1 + h (z − z̄)` non-negative.
pub(crate) const NOISE: (f64, f64) = (0.0, 0.5);
/// `π` and `λ`: non-negative; the upper bound only refuses absurd magnitudes.
pub(crate) const LARGE: (f64, f64) = (0.0, 1e6);
/// Shares, probabilities and weights.
pub(crate) const UNIT: (f64, f64) = (0.0, 1.0);
