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

/// Tolerance of every simplex (an alignment, a salience, a remittance shock's alternatives,
/// the ties of a channel with tie feedback): hand-written two- or three-decimal shares are
/// exact to far better than this, while a forgotten entry (≥ 0.001) is caught. One rule
/// everywhere, for files and code alike: shares within the tolerance are divided by their sum, so the
/// model always holds exact shares; shares outside it are refused.
pub const SIMPLEX_TOLERANCE: f64 = 1e-6;

/// What shares must sum to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Whole {
    /// Exactly 1 (an alignment, a salience).
    One,
    /// At most 1, the rest lying outside the world (alternatives, ties with feedback).
    AtMostOne,
}

/// The one rule of every simplex: shares summing to 1 within [`SIMPLEX_TOLERANCE`] (or, for
/// [`Whole::AtMostOne`], to at most 1 + the tolerance) are divided by their sum where it is
/// not 1 (above 1 only, for [`Whole::AtMostOne`]); otherwise the sum is returned as the error.
pub(crate) fn simplex(values: &mut [f64], whole: Whole) -> Result<(), f64> {
    let sum: f64 = values.iter().sum();
    let within = match whole {
        Whole::One => (sum - 1.0).abs() <= SIMPLEX_TOLERANCE,
        Whole::AtMostOne => sum <= 1.0 + SIMPLEX_TOLERANCE,
    };
    if !within {
        return Err(sum);
    }
    if sum > 1.0 || (whole == Whole::One && sum != 1.0) {
        values.iter_mut().for_each(|v| *v /= sum);
    }
    Ok(())
}
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
/// A power's monthly budget (offer units at capacity 1, docs/model.md §9): non-negative; a
/// thousand units a month would close every tie's room many times over, so larger is a typo.
pub(crate) const BUDGET: (f64, f64) = (0.0, 1e3);
/// A relation between two powers: −1 rivalry … +1 partnership.
pub(crate) const RELATION: (f64, f64) = (-1.0, 1.0);
/// A stock's half-life in months: from a tenth of a month (gone by the next decision) to a
/// century (a commitment that outlasts every horizon the model is meant for). The start at
/// rest settles the stocks over ten half-lives of monthly allocation (docs/model.md §9.5), so
/// the bound also bounds that work: 12,000 months at most, once per scenario.
pub(crate) const HALF_LIFE: (f64, f64) = (0.1, 1200.0);
/// Increments per decision and the defection window in months: at least 1; 1000 increments
/// are already a continuous allocation, and a window longer than the longest horizon
/// (`crate::sim::MAX_STEPS` is far larger, but 1200 months is a century) never fires.
pub(crate) const COUNT: (f64, f64) = (1.0, 1200.0);
