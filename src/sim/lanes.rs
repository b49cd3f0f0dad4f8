//! Arithmetic on four values at once (`GROUP`), for the states the step moves together
//! (docs/model.md §2.6, "States in lanes"). Public, and hidden from the docs, only so that
//! `benches/lanes.rs` measures the engine's own exponential in lanes ([`exp_lanes`]).
//!
//! Each function does the operations of its scalar counterpart in the same order, one
//! operation across the lanes at a time, so every lane holds the bits the scalar function
//! gives for its value, and each line compiles to vector operations. A loop of scalar calls
//! is not vectorised by the compiler: `benches/lanes.rs` found such lane loops compiled to
//! scalar code, and the same softmax and update done four at a time about 1.8 times faster.

use crate::sim::dynamics::LANES;

/// States moved together by the step: one per vector lane of the exponential's blocks.
pub(crate) const GROUP: usize = LANES;

/// One value per state of a group.
pub(crate) type Lanes = [f64; GROUP];

/// The most components a step moves in lanes: the widths 3 and 7 the step is compiled for,
/// padded to [`LANES`]. A wider world takes the one-state-at-a-time path: with 21 components
/// (20 powers) the lanes' arrays no longer fit the registers and the step took 1.5 times as
/// long (`step/synthetic/states=10000/powers=20`, BENCHMARKS.md).
pub(crate) const MAX_COMPONENTS: usize = 8;

/// `f` of each lane.
#[inline(always)]
pub(crate) fn each(f: impl Fn(usize) -> f64) -> Lanes {
    std::array::from_fn(f)
}

/// [`crate::sim::dynamics::exp_nonpositive`] (whose documentation gives the method and its
/// error) of each of `L` values, one operation across them at a time, with the same
/// operations in the same order. Public, and hidden from the docs, only so that
/// `benches/lanes.rs` measures it with four and eight values.
#[doc(hidden)]
#[inline(always)]
pub fn exp_lanes<const L: usize>(x: [f64; L]) -> [f64; L] {
    const LOG2_E: f64 = std::f64::consts::LOG2_E;
    // ln 2 split so that n · LN2_HI is exact for |n| < 2¹¹ (fdlibm's constants).
    const LN2_HI: f64 = 6.931_471_803_691_238e-1;
    const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;
    // 1.5 · 2⁵²: adding it rounds to an integer held in the low bits of the mantissa.
    const SHIFT: f64 = 6_755_399_441_055_744.0;
    // 1/k! for k = 11 down to 1, then the last 1 of Horner's rule (from 1/12!).
    const HORNER: [f64; 12] = [
        1.0 / 39_916_800.0,
        1.0 / 3_628_800.0,
        1.0 / 362_880.0,
        1.0 / 40_320.0,
        1.0 / 5_040.0,
        1.0 / 720.0,
        1.0 / 120.0,
        1.0 / 24.0,
        1.0 / 6.0,
        0.5,
        1.0,
        1.0,
    ];
    // Written as a comparison, not `max`, so that a NaN stays a NaN and is caught.
    let xc: [f64; L] = std::array::from_fn(|l| if x[l] < -708.0 { -708.0 } else { x[l] });
    let t: [f64; L] = std::array::from_fn(|l| xc[l] * LOG2_E + SHIFT);
    let n: [f64; L] = std::array::from_fn(|l| t[l] - SHIFT);
    let r: [f64; L] = std::array::from_fn(|l| (xc[l] - n[l] * LN2_HI) - n[l] * LN2_LO);
    let mut p = [1.0 / 479_001_600.0; L];
    for c in HORNER {
        p = std::array::from_fn(|l| p[l] * r[l] + c);
    }
    // The bits of `t` are those of SHIFT plus n, and n lies in [−1022, 0], so n + 1023 is a
    // normal exponent: one integer add and shift build 2ⁿ (and vectorise).
    let bias = 1023_u64.wrapping_sub(SHIFT.to_bits());
    std::array::from_fn(|l| {
        let scale = f64::from_bits(t[l].to_bits().wrapping_add(bias) << 52);
        if x[l] < -708.0 {
            0.0
        } else {
            p[l] * scale
        }
    })
}

/// [`crate::sim::nested::ln_portable`] of each lane, for values in the normal range (the
/// nests' sums, each ≥ 1); a lane holding anything else gets an unspecified finite or NaN
/// value, which the caller discards.
#[inline(always)]
pub(crate) fn ln_normal(x: Lanes) -> Lanes {
    const LN2_HI: f64 = 6.931_471_803_691_238e-1;
    const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;
    let bits = x.map(f64::to_bits);
    let e0 = each(|l| (((bits[l] >> 52) & 0x7ff) as i64 - 1023) as f64);
    let m0 = each(|l| f64::from_bits((bits[l] & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000));
    // m ∈ [√½, √2): halve a mantissa above √2 and count it in the exponent.
    let high = m0.map(|m| m > std::f64::consts::SQRT_2);
    let m = each(|l| if high[l] { m0[l] * 0.5 } else { m0[l] });
    let e = each(|l| if high[l] { e0[l] + 1.0 } else { e0[l] });
    let s = each(|l| (m[l] - 1.0) / (m[l] + 1.0));
    let s2 = each(|l| s[l] * s[l]);
    let mut p = [1.0 / 23.0; GROUP];
    for k in (1..11).rev() {
        let c = 1.0 / f64::from(2 * k + 1);
        p = each(|l| p[l] * s2[l] + c);
    }
    p = each(|l| p[l] * s2[l] + 1.0);
    each(|l| e[l] * LN2_HI + (2.0 * s[l] * p[l] + e[l] * LN2_LO))
}

#[cfg(test)]
mod tests {
    use super::{exp_lanes, ln_normal, GROUP};
    use crate::sim::nested::ln_portable;

    #[test]
    fn each_lane_holds_the_bits_of_the_scalar_exponential() {
        let mut x = 0.0;
        while x > -720.0 {
            let xs: [f64; GROUP] = std::array::from_fn(|l| x - 0.37 * l as f64);
            for (e, x) in exp_lanes(xs).iter().zip(xs) {
                assert_eq!(
                    e.to_bits(),
                    crate::sim::dynamics::exp_nonpositive(x).to_bits()
                );
            }
            x -= 0.013_1;
        }
        for x in [
            0.0,
            -0.0,
            -1e-300,
            -708.0,
            -709.0,
            f64::NEG_INFINITY,
            -1e300,
        ] {
            let (lanes, scalar) = (
                exp_lanes([x; GROUP])[0],
                crate::sim::dynamics::exp_nonpositive(x),
            );
            assert_eq!(lanes.to_bits(), scalar.to_bits(), "at {x}");
        }
        assert!(exp_lanes([f64::NAN; GROUP])[0].is_nan());
    }

    #[test]
    fn each_lane_holds_the_bits_of_the_scalar_logarithm_from_1_up() {
        let mut x = 1.0;
        while x < 1e12 {
            let xs: [f64; GROUP] = std::array::from_fn(|l| x * (1.0 + 0.173 * l as f64));
            for (y, x) in ln_normal(xs).iter().zip(xs) {
                assert_eq!(y.to_bits(), ln_portable(x).to_bits(), "at {x}");
            }
            x *= 1.003_7;
        }
        for x in [1.0, std::f64::consts::SQRT_2, 2.0, 7.0, f64::MAX] {
            assert_eq!(ln_normal([x; GROUP])[0].to_bits(), ln_portable(x).to_bits());
        }
    }
}
