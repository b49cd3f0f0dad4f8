//! Runs in lockstep, measured on the arithmetic core of the step (issue 17; BENCHMARKS.md,
//! "Runs in lockstep: what the layout buys").
//!
//! The kernel is the part of `Dynamics::step` (docs/model.md §2) that every movable state
//! does every month, written twice over the same numbers: the channel pull of six powers
//! over eight channels, the utilities, the softmax with the engine's own exponential
//! ([`exp_nonpositive`]), the Friedkin–Johnsen update, the perturbation and the
//! renormalisation. Peers, blocs, nests, regime security and the feedback are left out: they
//! change the count of operations, not the question asked here, which is what the layout of
//! a batch of runs does to the same arithmetic.
//!
//! - `lanes/run-major/runs=64`: one run at a time, each run's arrays contiguous, as the
//!   engine holds a `RunState` now; the component and channel loops are 7 and 8 long.
//! - `lanes/lockstep=L/runs=64`: L runs together, every per-run quantity an `[f64; L]`
//!   (run-minor), so each operation of the kernel covers L runs.
//! - `lanes/gathered=4/runs=64`: the runs kept run-major, each run's utilities computed
//!   alone, and only the softmax and the update done four runs at a time, on values gathered
//!   into lanes and scattered back: lockstep without changing how a run's state is laid out.
//!
//! All give the same bits (checked before timing): each lane does the operations of the
//! run-major code in the same order. Throughput is in state-steps. Built for the baseline
//! x86-64 target the vectors are two doubles wide; `RUSTFLAGS="-C target-cpu=native"` shows
//! what runtime dispatch to AVX-512 would add.
//!
//! `cargo bench --bench lanes`.

// The kernel indexes several arrays by the same component, channel and lane in each line, so
// that the two layouts read line for line alike; iterator chains would hide that.
#![allow(clippy::needless_range_loop)]

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use geoalign::sim::dynamics::exp_nonpositive;
use geoalign::sim::lanes::exp_lanes;
use std::hint::black_box;

/// Powers, channels, components (powers and autonomy) and components padded to the blocks of
/// four in which the engine takes its exponentials: the embedded world's sizes.
const P: usize = 6;
const K: usize = 8;
const C: usize = P + 1;
const PAD: usize = 8;
/// Movable states of the embedded world, and runs in a batch (the ensemble's block).
const STATES: usize = 9;
const RUNS: usize = 64;
/// The perturbation's half-width `h` (the embedded world's noise).
const NOISE: f64 = 0.02;

/// What every run shares: each state's salience, threat constants, intercepts and response.
struct Constants {
    salience: [[f64; K]; STATES],
    threat: [[f64; P]; STATES],
    intercept: [[f64; C]; STATES],
    dependence_aversion: [f64; STATES],
    inv_temperature: [f64; STATES],
    keep: [f64; STATES],
    toward: [f64; STATES],
    anchor: [[f64; C]; STATES],
}

/// What differs by run, run-major: ties, deliveries, coercion, grievances, alignments, noise.
#[derive(Clone)]
struct RunMajor {
    ties: Vec<[[[f64; K]; P]; STATES]>,
    dg: Vec<[[f64; K]; P]>,
    cg: Vec<[f64; P]>,
    grievance: Vec<[[f64; P]; STATES]>,
    alignment: Vec<[[f64; C]; STATES]>,
    noise: Vec<[[f64; C]; STATES]>,
}

/// The same numbers, run-minor in groups of `L` runs.
#[derive(Clone)]
struct Lockstep<const L: usize> {
    ties: Vec<[[[[f64; L]; K]; P]; STATES]>,
    dg: Vec<[[[f64; L]; K]; P]>,
    cg: Vec<[[f64; L]; P]>,
    grievance: Vec<[[[f64; L]; P]; STATES]>,
    alignment: Vec<[[[f64; L]; C]; STATES]>,
    noise: Vec<[[[f64; L]; C]; STATES]>,
}

/// A small deterministic generator (SplitMix64) for the inputs: uniforms on [0, 1).
struct Draws(u64);

impl Draws {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn inputs() -> (Constants, RunMajor) {
    let mut d = Draws(17);
    let mut k = Constants {
        salience: [[0.0; K]; STATES],
        threat: [[0.0; P]; STATES],
        intercept: [[0.0; C]; STATES],
        dependence_aversion: [0.0; STATES],
        inv_temperature: [0.0; STATES],
        keep: [0.0; STATES],
        toward: [0.0; STATES],
        anchor: [[0.0; C]; STATES],
    };
    for s in 0..STATES {
        k.salience[s] = std::array::from_fn(|_| d.next() / K as f64);
        k.threat[s] = std::array::from_fn(|_| d.next() - 0.5);
        k.intercept[s] = std::array::from_fn(|_| d.next() - 0.5);
        k.dependence_aversion[s] = 0.5 + 0.5 * d.next();
        k.inv_temperature[s] = 1.0 / (0.05 + 0.2 * d.next());
        let (eta, gamma) = (0.05 + 0.1 * d.next(), 0.1 * d.next());
        k.keep[s] = 1.0 - eta;
        k.toward[s] = eta * (1.0 - gamma);
        k.anchor[s] = std::array::from_fn(|_| eta * gamma / C as f64);
    }
    let mut runs = RunMajor {
        ties: Vec::new(),
        dg: Vec::new(),
        cg: Vec::new(),
        grievance: Vec::new(),
        alignment: Vec::new(),
        noise: Vec::new(),
    };
    for _ in 0..RUNS {
        runs.ties.push(std::array::from_fn(|_| {
            std::array::from_fn(|_| std::array::from_fn(|_| d.next() / P as f64))
        }));
        runs.dg.push(std::array::from_fn(|_| {
            std::array::from_fn(|_| 0.5 + d.next())
        }));
        runs.cg.push(std::array::from_fn(|_| 0.3 * d.next()));
        runs.grievance.push(std::array::from_fn(|_| {
            std::array::from_fn(|_| 0.05 * d.next())
        }));
        runs.alignment.push(std::array::from_fn(|_| {
            let raw: [f64; C] = std::array::from_fn(|_| 0.1 + d.next());
            let sum: f64 = raw.iter().sum();
            raw.map(|x| x / sum)
        }));
        runs.noise.push(std::array::from_fn(|_| {
            std::array::from_fn(|_| 2.0 * d.next() - 1.0)
        }));
    }
    (k, runs)
}

fn to_lockstep<const L: usize>(r: &RunMajor) -> Lockstep<L> {
    let groups = RUNS / L;
    let lane = |g: usize, l: usize| g * L + l;
    Lockstep {
        ties: (0..groups)
            .map(|g| {
                std::array::from_fn(|s| {
                    std::array::from_fn(|p| {
                        std::array::from_fn(|k| {
                            std::array::from_fn(|l| r.ties[lane(g, l)][s][p][k])
                        })
                    })
                })
            })
            .collect(),
        dg: (0..groups)
            .map(|g| {
                std::array::from_fn(|p| {
                    std::array::from_fn(|k| std::array::from_fn(|l| r.dg[lane(g, l)][p][k]))
                })
            })
            .collect(),
        cg: (0..groups)
            .map(|g| std::array::from_fn(|p| std::array::from_fn(|l| r.cg[lane(g, l)][p])))
            .collect(),
        grievance: (0..groups)
            .map(|g| {
                std::array::from_fn(|s| {
                    std::array::from_fn(|p| std::array::from_fn(|l| r.grievance[lane(g, l)][s][p]))
                })
            })
            .collect(),
        alignment: (0..groups)
            .map(|g| {
                std::array::from_fn(|s| {
                    std::array::from_fn(|c| std::array::from_fn(|l| r.alignment[lane(g, l)][s][c]))
                })
            })
            .collect(),
        noise: (0..groups)
            .map(|g| {
                std::array::from_fn(|s| {
                    std::array::from_fn(|c| std::array::from_fn(|l| r.noise[lane(g, l)][s][c]))
                })
            })
            .collect(),
    }
}

/// The engine's channel sum: even and odd channels apart, each pairwise.
#[inline(always)]
fn channel_sum(t: &[f64; K]) -> f64 {
    let [t0, t1, t2, t3, t4, t5, t6, t7] = *t;
    ((t0 + t2) + (t4 + t6)) + ((t1 + t3) + (t5 + t7))
}

/// State `s`'s utilities in run `run`, intercepts added, padded with −∞: the channel pull
/// with the components' loops 7 and 8 long, as the engine computes it.
#[inline(always)]
fn utilities_run_major(k: &Constants, r: &RunMajor, run: usize, s: usize) -> [f64; PAD] {
    let (w, x, dg) = (&k.salience[s], &r.ties[run][s], &r.dg[run]);
    let mut u = [f64::NEG_INFINITY; PAD];
    let mut strongest: f64 = 0.0;
    for p in 0..P {
        let mut t = [0.0; K];
        for ch in 0..K {
            t[ch] = w[ch] * x[p][ch] * dg[p][ch];
        }
        let pull = channel_sum(&t);
        strongest = strongest.max(pull);
        u[p] = pull + k.threat[s][p] * r.cg[run][p] - r.grievance[run][s][p];
    }
    u[P] = k.dependence_aversion[s] * strongest;
    for (u, b) in u[..C].iter_mut().zip(&k.intercept[s]) {
        *u += b;
    }
    u
}

/// One step of every state of every run, one run at a time.
fn step_run_major(k: &Constants, r: &mut RunMajor) {
    for run in 0..RUNS {
        for s in 0..STATES {
            let u = utilities_run_major(k, r, run, s);
            let max = u[..C].iter().fold(f64::NEG_INFINITY, |m, &u| m.max(u));
            let mut e = [0.0; PAD];
            for (e, u) in e.iter_mut().zip(&u) {
                *e = exp_nonpositive((u - max) * k.inv_temperature[s]);
            }
            let mut z = 0.0;
            for t in e.chunks_exact(4) {
                z += (t[0] + t[1]) + (t[2] + t[3]);
            }
            let toward = k.toward[s] / z;
            let (a, noise) = (&mut r.alignment[run][s], &r.noise[run][s]);
            let mut zbar = 0.0;
            for j in 0..C {
                a[j] = k.keep[s] * a[j] + toward * e[j] + k.anchor[s][j];
                zbar += a[j] * noise[j];
            }
            let mut sum = 0.0;
            for j in 0..C {
                a[j] *= (1.0 + NOISE * (noise[j] - zbar)).max(0.0);
                sum += a[j];
            }
            let inv = 1.0 / sum;
            for aj in a.iter_mut() {
                *aj = (*aj * inv).min(1.0);
            }
        }
    }
}

/// Runs kept run-major, as the engine keeps them, with only the softmax and the update done
/// `L` runs at a time: each run's utilities are computed alone, then the utilities,
/// alignments and noise of `L` runs are gathered into lanes and the alignments scattered
/// back. What lockstep gives when the layout of the run state does not change.
fn step_gathered<const L: usize>(k: &Constants, r: &mut RunMajor) {
    for g in 0..RUNS / L {
        for s in 0..STATES {
            let mut u = [[0.0; L]; PAD];
            for l in 0..L {
                let own = utilities_run_major(k, r, g * L + l, s);
                for j in 0..PAD {
                    u[j][l] = own[j];
                }
            }
            let mut a: [[f64; L]; C] =
                std::array::from_fn(|j| std::array::from_fn(|l| r.alignment[g * L + l][s][j]));
            let noise: [[f64; L]; C] =
                std::array::from_fn(|j| std::array::from_fn(|l| r.noise[g * L + l][s][j]));
            softmax_update_lanes(k, s, &u, &mut a, &noise);
            for l in 0..L {
                for j in 0..C {
                    r.alignment[g * L + l][s][j] = a[j][l];
                }
            }
        }
    }
}

/// The same step with `L` runs in lockstep: every line is the run-major line done for each
/// lane, so each lane's operations and their order are those of its run.
fn step_lockstep<const L: usize>(k: &Constants, r: &mut Lockstep<L>) {
    for g in 0..RUNS / L {
        for s in 0..STATES {
            let (w, x, dg) = (&k.salience[s], &r.ties[g][s], &r.dg[g]);
            let mut u = [[f64::NEG_INFINITY; L]; PAD];
            let mut strongest = [0.0_f64; L];
            for p in 0..P {
                let mut t = [[0.0; L]; K];
                for ch in 0..K {
                    for l in 0..L {
                        t[ch][l] = w[ch] * x[p][ch][l] * dg[p][ch][l];
                    }
                }
                for l in 0..L {
                    let pull = ((t[0][l] + t[2][l]) + (t[4][l] + t[6][l]))
                        + ((t[1][l] + t[3][l]) + (t[5][l] + t[7][l]));
                    strongest[l] = strongest[l].max(pull);
                    u[p][l] = pull + k.threat[s][p] * r.cg[g][p][l] - r.grievance[g][s][p][l];
                }
            }
            for l in 0..L {
                u[P][l] = k.dependence_aversion[s] * strongest[l];
            }
            for j in 0..C {
                for l in 0..L {
                    u[j][l] += k.intercept[s][j];
                }
            }
            let (a, noise) = (&mut r.alignment[g][s], &r.noise[g][s]);
            softmax_update_lanes(k, s, &u, a, noise);
        }
    }
}

/// State `s`'s softmax, update, perturbation and renormalisation for `L` runs in lanes, from
/// their utilities with intercepts `u` (padding −∞).
#[inline(always)]
fn softmax_update_lanes<const L: usize>(
    k: &Constants,
    s: usize,
    u: &[[f64; L]; PAD],
    a: &mut [[f64; L]; C],
    noise: &[[f64; L]; C],
) {
    let mut max = [f64::NEG_INFINITY; L];
    for j in 0..C {
        for l in 0..L {
            max[l] = max[l].max(u[j][l]);
        }
    }
    let mut e = [[0.0; L]; PAD];
    for j in 0..PAD {
        let x = std::array::from_fn(|l| (u[j][l] - max[l]) * k.inv_temperature[s]);
        e[j] = exp_lanes(x);
    }
    let mut z = [0.0; L];
    for b in 0..PAD / 4 {
        for l in 0..L {
            let t = |j: usize| e[4 * b + j][l];
            z[l] += (t(0) + t(1)) + (t(2) + t(3));
        }
    }
    let toward: [f64; L] = std::array::from_fn(|l| k.toward[s] / z[l]);
    let mut zbar = [0.0; L];
    for j in 0..C {
        for l in 0..L {
            a[j][l] = k.keep[s] * a[j][l] + toward[l] * e[j][l] + k.anchor[s][j];
            zbar[l] += a[j][l] * noise[j][l];
        }
    }
    let mut sum = [0.0; L];
    for j in 0..C {
        for l in 0..L {
            a[j][l] *= (1.0 + NOISE * (noise[j][l] - zbar[l])).max(0.0);
            sum[l] += a[j][l];
        }
    }
    let inv: [f64; L] = std::array::from_fn(|l| 1.0 / sum[l]);
    for aj in a.iter_mut() {
        for l in 0..L {
            aj[l] = (aj[l] * inv[l]).min(1.0);
        }
    }
}

/// Ten steps of the three forms from the same start end on the same bits.
fn check_same_bits<const L: usize>(k: &Constants, start: &RunMajor) {
    let (mut a, mut b, mut c) = (start.clone(), to_lockstep::<L>(start), start.clone());
    for _ in 0..10 {
        step_run_major(k, &mut a);
        step_lockstep(k, &mut b);
        step_gathered::<L>(k, &mut c);
    }
    for run in 0..RUNS {
        for s in 0..STATES {
            for j in 0..C {
                let bits = a.alignment[run][s][j].to_bits();
                assert_eq!(bits, b.alignment[run / L][s][j][run % L].to_bits());
                assert_eq!(bits, c.alignment[run][s][j].to_bits());
            }
        }
    }
}

fn lanes(c: &mut Criterion) {
    let (k, start) = inputs();
    check_same_bits::<4>(&k, &start);
    check_same_bits::<8>(&k, &start);
    let mut group = c.benchmark_group("lanes");
    group.throughput(Throughput::Elements((RUNS * STATES) as u64));
    let id = |name: &str| BenchmarkId::new(name, format!("runs={RUNS}"));
    let mut r = start.clone();
    group.bench_function(id("run-major"), |b| {
        b.iter(|| step_run_major(&k, black_box(&mut r)))
    });
    let mut r4 = to_lockstep::<4>(&start);
    group.bench_function(id("lockstep=4"), |b| {
        b.iter(|| step_lockstep(&k, black_box(&mut r4)))
    });
    let mut r8 = to_lockstep::<8>(&start);
    group.bench_function(id("lockstep=8"), |b| {
        b.iter(|| step_lockstep(&k, black_box(&mut r8)))
    });
    let mut g4 = start.clone();
    group.bench_function(id("gathered=4"), |b| {
        b.iter(|| step_gathered::<4>(&k, black_box(&mut g4)))
    });
    group.finish();
}

criterion_group!(benches, lanes);
criterion_main!(benches);
