//! Exact, mergeable moments of paired values: per cell the sums of the base's and the
//! alternative's values and squares, and the sum of the squared paired differences, all
//! integers, so that adding runs in any grouping gives the same bits.

use crate::analysis::ensemble::sketch::{fixed, ONE};
use serde::{Deserialize, Serialize};

/// The squared difference of two fixed-point values (units of 2⁻⁵²) is shifted right by this
/// many bits before it is summed: the square of a difference of up to 2⁵² units is below
/// 2¹⁰⁴, so a shifted square is below 2⁸⁰ (units of 2⁻⁸⁰) and 2³² runs of them sum below
/// 2¹¹², inside a `u128`. Reason for keeping 2⁻⁸⁰ rather than 2⁻⁵²: a difference of 10⁻⁹
/// squares to 10⁻¹⁸, which a 2⁻⁵² unit (2·10⁻¹⁶) would round to 0 and so report a spread of
/// 0 beside a non-zero mean.
pub(crate) const SQUARE_SHIFT: u32 = 24;

/// The unit of [`Moments::diff_sq`]: 2⁸⁰.
pub(crate) const DIFF_SQ_SCALE: f64 = 1_208_925_819_614_629_174_706_176.0;

/// Per cell: Σ base, Σ base², Σ alt, Σ alt² in the sketches' fixed point (2⁻⁵²), and
/// Σ (alt − base)² in units of 2⁻⁸⁰ ([`SQUARE_SHIFT`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Moments {
    pub(crate) base: Vec<u128>,
    pub(crate) base_sq: Vec<u128>,
    pub(crate) alt: Vec<u128>,
    pub(crate) alt_sq: Vec<u128>,
    pub(crate) diff_sq: Vec<u128>,
}

/// `x` clamped into [0, 1] (NaN to 0), as the ensemble's sketches take it, in fixed point.
#[inline(always)]
pub(crate) fn fixed_share(x: f64) -> u64 {
    let x = if x.is_nan() { 0.0 } else { x.clamp(0.0, 1.0) };
    fixed(x)
}

impl Moments {
    pub(crate) fn new(cells: usize) -> Moments {
        Moments {
            base: vec![0; cells],
            base_sq: vec![0; cells],
            alt: vec![0; cells],
            alt_sq: vec![0; cells],
            diff_sq: vec![0; cells],
        }
    }

    pub(crate) fn cells(&self) -> usize {
        self.base.len()
    }

    /// Add the base's value (already in fixed point, `fb`) to `cell`.
    #[inline(always)]
    pub(crate) fn add_base(&mut self, cell: usize, fb: u64) {
        let x = (fb as f64) / ONE as f64;
        self.base[cell] += u128::from(fb);
        self.base_sq[cell] += u128::from(fixed(x * x));
    }

    /// Add the alternative's value `fa` paired with the base's `fb` (both fixed point) to
    /// `cell`.
    #[inline(always)]
    pub(crate) fn add_alt(&mut self, cell: usize, fa: u64, fb: u64) {
        let x = (fa as f64) / ONE as f64;
        self.alt[cell] += u128::from(fa);
        self.alt_sq[cell] += u128::from(fixed(x * x));
        let d = u128::from(fa.abs_diff(fb));
        self.diff_sq[cell] += (d * d) >> SQUARE_SHIFT;
    }

    /// Add `other` (same cells) with checked arithmetic; on an overflow, the array and
    /// index, and `self` must be discarded.
    pub(crate) fn merge(&mut self, other: &Moments) -> Result<(), String> {
        for (name, a, b) in [
            ("base", &mut self.base, &other.base),
            ("base_sq", &mut self.base_sq, &other.base_sq),
            ("alt", &mut self.alt, &other.alt),
            ("alt_sq", &mut self.alt_sq, &other.alt_sq),
            ("diff_sq", &mut self.diff_sq, &other.diff_sq),
        ] {
            if a.len() != b.len() {
                return Err(format!("{name}: {} against {} entries", a.len(), b.len()));
            }
            for (i, (x, &y)) in a.iter_mut().zip(b).enumerate() {
                *x = x.checked_add(y).ok_or_else(|| format!("{name}[{i}]"))?;
            }
        }
        Ok(())
    }

    /// Whether every array has `cells` entries and no sum exceeds what `runs` values can
    /// add up to (so that merging verified partials of disjoint runs cannot overflow).
    pub(crate) fn check(&self, cells: usize, runs: u64) -> Result<(), String> {
        let most = u128::from(runs) * ONE;
        let most_sq = u128::from(runs) << (104 - SQUARE_SHIFT);
        for (name, a, limit) in [
            ("base", &self.base, most),
            ("base_sq", &self.base_sq, most),
            ("alt", &self.alt, most),
            ("alt_sq", &self.alt_sq, most),
            ("diff_sq", &self.diff_sq, most_sq),
        ] {
            if a.len() != cells {
                return Err(format!(
                    "{name}: {} entries, the dimensions say {cells}",
                    a.len()
                ));
            }
            if let Some(i) = a.iter().position(|&x| x > limit) {
                return Err(format!(
                    "{name}[{i}]: a sum larger than {runs} runs can make"
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_values_add_no_squared_difference() {
        let mut m = Moments::new(1);
        let f = fixed_share(0.37);
        m.add_base(0, f);
        m.add_alt(0, f, f);
        assert_eq!(m.base, m.alt);
        assert_eq!(m.diff_sq[0], 0);
    }

    #[test]
    fn a_tiny_difference_keeps_a_squared_difference() {
        let mut m = Moments::new(1);
        let (fb, fa) = (fixed_share(0.5), fixed_share(0.5 + 1e-9));
        m.add_alt(0, fa, fb);
        let d2 = m.diff_sq[0] as f64 / DIFF_SQ_SCALE;
        assert!((d2 - 1e-18).abs() < 1e-21, "{d2}");
    }
}
