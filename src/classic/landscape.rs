//! The landscape theory of aggregation (Axelrod, R. & Bennett, D. S., 1993, "A landscape
//! theory of aggregation", *British Journal of Political Science* 23(2): 211–233).
//!
//! Actors with sizes `s_i > 0` and symmetric propensities `p_ij` (positive: they want to be
//! together; negative: apart) split into two coalitions. A configuration `X` has the energy
//!
//! ```text
//! E(X) = Σ_{i≠j} s_i s_j p_ij d_ij(X),   d_ij = 1 if i and j are on different sides, else 0
//! ```
//!
//! summed over ordered pairs, as Axelrod and Bennett write it (each unordered pair counts
//! twice). Actor `i`'s frustration is `F_i(X) = Σ_j s_j p_ij d_ij(X)`, and `E = Σ_i s_i F_i`;
//! with symmetric propensities an actor lowers its own frustration by switching sides exactly
//! when the switch lowers `E` (their footnote 2). Myopic actors moving one at a time therefore
//! roll down the energy landscape into a local minimum: a configuration that no single
//! actor's switch improves.
//!
//! A configuration and its mirror image (every actor on the other side) are the same
//! split; [`Configuration`] keeps actor 0 on the first side.
//!
//! * [`Landscape::explore`] enumerates every configuration of up to
//!   [`MAX_EXHAUSTIVE_ACTORS`] actors in Gray-code order — consecutive configurations differ
//!   by one actor, so each step updates every actor's field in `O(n)` — and returns every
//!   local minimum with its basin of attraction, ranked.
//! * [`Landscape::descend`] runs the sequential single-actor dynamics from a start.
//!
//! **Who moves.** Axelrod and Bennett leave the order of moves open. geoalign fixes it so
//! that basins are well defined and partition the configurations: at each step the actor
//! whose switch lowers the energy most switches (steepest descent); ties (within
//! [`TIE_TOLERANCE`]) go to the lowest actor index. A minimum's basin is the number of
//! configurations from which this rule ends in it, the minimum included.
//!
//! [`Landscape::from_world`] derives sizes and propensities from a geoalign [`World`]; its
//! coefficients are listed, each with its reason, beside the constants below.
//!
//! # Examples
//!
//! ```
//! use geoalign::classic::landscape::Landscape;
//! use nalgebra::dmatrix;
//! // Two friends (0, 1) who both dislike actor 2.
//! let p = dmatrix![0.0, 1.0, -1.0; 1.0, 0.0, -1.0; -1.0, -1.0, 0.0];
//! let land = Landscape::new(vec!["A".into(), "B".into(), "C".into()], vec![1.0; 3], p).unwrap();
//! let found = land.explore().unwrap();
//! assert_eq!(found.minima.len(), 1);
//! assert_eq!(found.minima[0].configuration.coalitions(), (vec![0, 1], vec![2]));
//! assert_eq!(found.minima[0].energy, -4.0); // pairs (0,2), (1,2), each counted twice
//! assert_eq!(found.minima[0].basin, 4); // every configuration leads there
//! ```

use crate::model::World;
use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Largest number of actors [`Landscape::explore`] accepts: `2^(n−1)` configurations, i.e.
/// 16.8 million for 25 actors, with a 4-byte successor each (64 MiB) — seconds of work; each
/// further actor doubles time and memory.
pub const MAX_EXHAUSTIVE_ACTORS: usize = 25;

/// Energy changes smaller than this share of `Σ_{i≠j} |s_i s_j p_ij|` count as no change:
/// the enumeration recomputes its running sums exactly every [`RESYNC_EVERY`] steps, so
/// between two resyncs they carry at most about `1024 · ε ≈ 2·10⁻¹³` relative error; 10⁻¹⁰
/// sits three orders of magnitude above that and far below any deliberate difference.
pub const TIE_TOLERANCE: f64 = 1e-10;

/// Gray-code steps between exact recomputations of the running fields (an `O(n²)` sum,
/// negligible against 1024 `O(n)` steps).
pub const RESYNC_EVERY: u64 = 1024;

/// Size of a state in [`Landscape::from_world`]. Judgement: a state weighs a fifth of a power
/// at its starting capacity (1.0) — the ratio at which geoalign's default utility counts bloc
/// peers against a full channel pull (π = 0.2), so a state–state bloc tie (0.2 · 0.2) weighs a
/// fifth of a state–power affinity (0.2 · 1). The world holds no economic size of states.
pub const STATE_SIZE: f64 = 0.2;

/// Weight of shared institution membership in [`Landscape::from_world`], per unit of the
/// institution's credibility and of each member's participation weight. Judgement: half the
/// largest channel pull (1 on the 0–1 utility scale): a treaty binds members to each other
/// and to the leader, but seed 000 (docs/sources.md) shows (Armenia, Kazakhstan in the CSTO) that membership
/// alone does not decide a state's side.
pub const INSTITUTION_WEIGHT: f64 = 0.5;

/// Why a landscape could not be built or explored.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum LandscapeError {
    /// No actors.
    #[error("a landscape needs at least one actor")]
    Empty,
    /// Names, sizes and the propensity matrix disagree on the number of actors.
    #[error("{what} has {got} entries but there are {expected} actors")]
    WrongLength {
        /// Which input.
        what: &'static str,
        /// Number of actors (from the names).
        expected: usize,
        /// Entries given.
        got: usize,
    },
    /// A size is not a positive finite number.
    #[error("the size of {actor} must be a positive finite number, got {value}")]
    NonPositiveSize {
        /// The actor's name.
        actor: String,
        /// The size given.
        value: f64,
    },
    /// A propensity is NaN or infinite.
    #[error("the propensity between {a} and {b} is not a finite number")]
    NonFinitePropensity {
        /// First actor.
        a: String,
        /// Second actor.
        b: String,
    },
    /// `p_ij ≠ p_ji`.
    #[error("propensities must be symmetric, but {a}→{b} is {ab} and {b}→{a} is {ba}")]
    Asymmetric {
        /// First actor.
        a: String,
        /// Second actor.
        b: String,
        /// `p_ab`.
        ab: f64,
        /// `p_ba`.
        ba: f64,
    },
    /// Too many actors for exhaustive enumeration.
    #[error("{actors} actors are too many to enumerate (at most {max}): use `descend` from chosen starts instead")]
    TooManyActors {
        /// Actors in the landscape.
        actors: usize,
        /// [`MAX_EXHAUSTIVE_ACTORS`].
        max: usize,
    },
}

/// A split of the actors into two coalitions, stored with actor 0 on the first side (a split
/// and its mirror image are the same configuration).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Configuration {
    second: Vec<bool>,
}

impl Configuration {
    /// The configuration in which actor `i` is on the second side when `second[i]` is true
    /// (mirrored if needed so that actor 0 is on the first side).
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::classic::landscape::Configuration;
    /// let a = Configuration::new(vec![true, false, true]);
    /// let b = Configuration::new(vec![false, true, false]);
    /// assert_eq!(a, b);
    /// ```
    pub fn new(mut second: Vec<bool>) -> Self {
        if second.first() == Some(&true) {
            second.iter_mut().for_each(|s| *s = !*s);
        }
        Configuration { second }
    }

    /// Whether actor `i` is on the second side (the side without actor 0).
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::classic::landscape::Configuration;
    /// assert!(Configuration::new(vec![false, true]).is_second(1));
    /// ```
    pub fn is_second(&self, i: usize) -> bool {
        self.second[i]
    }

    /// Whether actors `i` and `j` are in the same coalition.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::classic::landscape::Configuration;
    /// let c = Configuration::new(vec![false, true, true]);
    /// assert!(c.together(1, 2) && !c.together(0, 1));
    /// ```
    pub fn together(&self, i: usize, j: usize) -> bool {
        self.second[i] == self.second[j]
    }

    /// The two coalitions as actor indices: actor 0's first, then the other.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::classic::landscape::Configuration;
    /// let c = Configuration::new(vec![false, true, false]);
    /// assert_eq!(c.coalitions(), (vec![0, 2], vec![1]));
    /// ```
    pub fn coalitions(&self) -> (Vec<usize>, Vec<usize>) {
        let (mut first, mut second) = (Vec::new(), Vec::new());
        for (i, &s) in self.second.iter().enumerate() {
            if s {
                second.push(i);
            } else {
                first.push(i);
            }
        }
        (first, second)
    }

    /// Number of actors.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::classic::landscape::Configuration;
    /// assert_eq!(Configuration::new(vec![false; 4]).len(), 4);
    /// ```
    pub fn len(&self) -> usize {
        self.second.len()
    }

    /// Whether there are no actors.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::classic::landscape::Configuration;
    /// assert!(Configuration::new(vec![]).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.second.is_empty()
    }

    /// Gray-code index: bit `i − 1` is actor `i`'s side, for actors 1..n.
    fn from_code(code: u64, n: usize) -> Self {
        let mut second = vec![false; n];
        for (i, s) in second.iter_mut().enumerate().skip(1) {
            *s = (code >> (i - 1)) & 1 == 1;
        }
        Configuration { second }
    }
}

/// A local minimum of the energy landscape.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Minimum {
    /// The configuration.
    pub configuration: Configuration,
    /// Its energy `E(X)`, computed directly from the configuration.
    pub energy: f64,
    /// How many configurations the sequential dynamics lead here, this one included.
    pub basin: u64,
}

/// Every local minimum of a landscape, ranked: lowest energy first, then largest basin,
/// then configuration order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Exploration {
    /// The actors' names, in index order.
    pub actors: Vec<String>,
    /// Configurations enumerated: `2^(n−1)`.
    pub configurations: u64,
    /// The local minima, ranked. The basins sum to `configurations`.
    pub minima: Vec<Minimum>,
}

/// The path of the sequential single-actor dynamics from a start.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Descent {
    /// The actor that switched at each step.
    pub moves: Vec<usize>,
    /// The configurations visited, start first, the local minimum last.
    pub path: Vec<Configuration>,
    /// Energy of the local minimum reached.
    pub energy: f64,
}

/// Actors with sizes and symmetric propensities.
#[derive(Clone, Debug, PartialEq)]
pub struct Landscape {
    actors: Vec<String>,
    sizes: Vec<f64>,
    propensity: DMatrix<f64>,
    /// `r_ij = s_i s_j p_ij`, zero diagonal, row-major.
    coupling: Vec<f64>,
    /// Absolute tie tolerance: [`TIE_TOLERANCE`] · Σ_{i≠j} |r_ij|.
    tolerance: f64,
}

impl Landscape {
    /// A landscape of the named actors with sizes `sizes` (each > 0) and the symmetric
    /// propensity matrix `propensity` (its diagonal is ignored).
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::classic::landscape::{Landscape, LandscapeError};
    /// use nalgebra::dmatrix;
    /// let err = Landscape::new(vec!["A".into(), "B".into()], vec![1.0, 1.0], dmatrix![0.0, 1.0; 0.5, 0.0]);
    /// assert!(matches!(err, Err(LandscapeError::Asymmetric { .. })));
    /// ```
    pub fn new(
        actors: Vec<String>,
        sizes: Vec<f64>,
        propensity: DMatrix<f64>,
    ) -> Result<Self, LandscapeError> {
        let n = actors.len();
        if n == 0 {
            return Err(LandscapeError::Empty);
        }
        if sizes.len() != n {
            return Err(LandscapeError::WrongLength {
                what: "the size vector",
                expected: n,
                got: sizes.len(),
            });
        }
        if propensity.nrows() != n || propensity.ncols() != n {
            return Err(LandscapeError::WrongLength {
                what: "the propensity matrix (rows × columns)",
                expected: n,
                got: propensity.nrows().max(propensity.ncols()),
            });
        }
        for (i, &s) in sizes.iter().enumerate() {
            if !(s.is_finite() && s > 0.0) {
                return Err(LandscapeError::NonPositiveSize {
                    actor: actors[i].clone(),
                    value: s,
                });
            }
        }
        let mut coupling = vec![0.0; n * n];
        let mut scale = 0.0;
        for i in 0..n {
            for j in 0..n {
                if i == j {
                    continue;
                }
                let (ab, ba) = (propensity[(i, j)], propensity[(j, i)]);
                if !(ab.is_finite() && ba.is_finite()) {
                    return Err(LandscapeError::NonFinitePropensity {
                        a: actors[i].clone(),
                        b: actors[j].clone(),
                    });
                }
                if ab != ba {
                    return Err(LandscapeError::Asymmetric {
                        a: actors[i].clone(),
                        b: actors[j].clone(),
                        ab,
                        ba,
                    });
                }
                let r = sizes[i] * sizes[j] * ab;
                coupling[i * n + j] = r;
                scale += r.abs();
            }
        }
        Ok(Landscape {
            actors,
            sizes,
            propensity,
            coupling,
            tolerance: TIE_TOLERANCE * scale,
        })
    }

    /// Sizes and propensities derived from a geoalign world; actors are the powers (in id
    /// order), then the states.
    ///
    /// * **Sizes.** A power's size is its capacity index `g_p` (in Eurasia 2025 every power is
    ///   at its own starting level 1.0: the world holds no cross-power size, so powers weigh
    ///   the same). A state's size is [`STATE_SIZE`].
    /// * **State–power propensity.** The state's utility for the power as geoalign's dynamics
    ///   builds it at the start, without peers or calibrated constants: the channel pull
    ///   `Σ_k w_ik x_ipk g_p d_pk` (tie strength, salience-weighted, at the power's own
    ///   delivery), plus the disposition-weighted threat `s_i · coercion_p g_p proximity_ip
    ///   (1 + λ coethnic_ip)` (attracts a bandwagoner, repels a balancer), plus
    ///   [`INSTITUTION_WEIGHT`] × credibility × participation for each institution the power
    ///   leads and the state belongs to. The state's mean over the powers is then subtracted:
    ///   landscape theory needs signed propensities, and what puts a state on a side is which
    ///   powers it prefers to the others, not how open it is overall.
    /// * **State–state propensity.** [`INSTITUTION_WEIGHT`] × Σ over shared institutions of
    ///   credibility × both members' participation weights (a suspended member shares
    ///   nothing).
    /// * **Power–power propensity.** 0: the world holds no relation between powers; which
    ///   powers end up together follows from the states they pull.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::classic::landscape::Landscape;
    /// let world = geoalign::presets::eurasia_2025().world().clone();
    /// let land = Landscape::from_world(&world).unwrap();
    /// assert_eq!(land.actors().len(), world.powers().len() + world.states().len());
    /// assert_eq!(land.sizes()[0], world.powers()[0].capacity);
    /// ```
    pub fn from_world(world: &World) -> Result<Landscape, LandscapeError> {
        let powers = world.powers();
        let states = world.states();
        let (np, ns) = (powers.len(), states.len());
        let n = np + ns;
        let lambda = world.parameters().coethnic_leverage;
        let mut p = DMatrix::zeros(n, n);
        let mut raw = vec![0.0; np];
        for (si, state) in states.iter().enumerate() {
            for (pi, power) in powers.iter().enumerate() {
                let mut pull = 0.0;
                for (k, &w) in state.salience.iter().enumerate() {
                    pull += w
                        * world.ties()[crate::model::tie_index(np, si, pi, k)]
                        * power.capacity
                        * power.delivery[k];
                }
                let threat = power.coercion
                    * power.capacity
                    * state.proximity[pi]
                    * (1.0 + lambda * state.coethnic[pi]);
                raw[pi] = pull + state.response.threat_weight * threat;
            }
            for inst in world.institutions() {
                let Some(leader) = inst.leader else { continue };
                for &(member, part) in &inst.members {
                    if member.index() == si {
                        raw[leader.index()] +=
                            INSTITUTION_WEIGHT * inst.credibility * part.weight();
                    }
                }
            }
            let mean = raw.iter().sum::<f64>() / np.max(1) as f64;
            for pi in 0..np {
                let v = raw[pi] - mean;
                p[(np + si, pi)] = v;
                p[(pi, np + si)] = v;
            }
        }
        for inst in world.institutions() {
            for (a, &(sa, pa)) in inst.members.iter().enumerate() {
                for &(sb, pb) in &inst.members[a + 1..] {
                    if sa == sb {
                        continue;
                    }
                    let v = INSTITUTION_WEIGHT * inst.credibility * pa.weight() * pb.weight();
                    let (i, j) = (np + sa.index(), np + sb.index());
                    p[(i, j)] += v;
                    p[(j, i)] += v;
                }
            }
        }
        let actors = powers
            .iter()
            .map(|x| x.name.clone())
            .chain(states.iter().map(|x| x.name.clone()))
            .collect();
        let sizes = powers
            .iter()
            .map(|x| x.capacity)
            .chain(std::iter::repeat_n(STATE_SIZE, ns))
            .collect();
        // A validated world has finite data; a power whose capacity has been set to 0 has no
        // size and is refused with its name.
        Landscape::new(actors, sizes, p)
    }

    /// The actors' names.
    ///
    /// # Examples
    ///
    /// ```
    /// let land = geoalign::classic::landscape::Landscape::new(vec!["A".into()], vec![1.0], nalgebra::dmatrix![0.0]).unwrap();
    /// assert_eq!(land.actors(), ["A"]);
    /// ```
    pub fn actors(&self) -> &[String] {
        &self.actors
    }

    /// The sizes `s_i`.
    ///
    /// # Examples
    ///
    /// ```
    /// let land = geoalign::classic::landscape::Landscape::new(vec!["A".into()], vec![2.0], nalgebra::dmatrix![0.0]).unwrap();
    /// assert_eq!(land.sizes(), [2.0]);
    /// ```
    pub fn sizes(&self) -> &[f64] {
        &self.sizes
    }

    /// The propensity `p_ij`.
    ///
    /// # Examples
    ///
    /// ```
    /// use nalgebra::dmatrix;
    /// let land = geoalign::classic::landscape::Landscape::new(vec!["A".into(), "B".into()], vec![1.0; 2], dmatrix![0.0, -1.0; -1.0, 0.0]).unwrap();
    /// assert_eq!(land.propensity(0, 1), -1.0);
    /// ```
    pub fn propensity(&self, i: usize, j: usize) -> f64 {
        self.propensity[(i, j)]
    }

    /// The energy `E(X) = Σ_{i≠j} s_i s_j p_ij d_ij(X)`, computed directly in `O(n²)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::classic::landscape::{Configuration, Landscape};
    /// use nalgebra::dmatrix;
    /// let land = Landscape::new(vec!["A".into(), "B".into()], vec![2.0, 3.0], dmatrix![0.0, 0.5; 0.5, 0.0]).unwrap();
    /// assert_eq!(land.energy(&Configuration::new(vec![false, true])), 2.0 * 2.0 * 3.0 * 0.5);
    /// assert_eq!(land.energy(&Configuration::new(vec![false, false])), 0.0);
    /// ```
    pub fn energy(&self, configuration: &Configuration) -> f64 {
        let n = self.actors.len();
        let mut e = 0.0;
        for i in 0..n {
            for j in 0..n {
                if configuration.second[i] != configuration.second[j] {
                    e += self.coupling[i * n + j];
                }
            }
        }
        e
    }

    /// Actor `i`'s frustration `F_i(X) = Σ_j s_j p_ij d_ij(X)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::classic::landscape::{Configuration, Landscape};
    /// use nalgebra::dmatrix;
    /// let land = Landscape::new(vec!["A".into(), "B".into()], vec![2.0, 3.0], dmatrix![0.0, 0.5; 0.5, 0.0]).unwrap();
    /// assert_eq!(land.frustration(0, &Configuration::new(vec![false, true])), 1.5);
    /// ```
    pub fn frustration(&self, i: usize, configuration: &Configuration) -> f64 {
        (0..self.actors.len())
            .filter(|&j| j != i && configuration.second[i] != configuration.second[j])
            .map(|j| self.sizes[j] * self.propensity[(i, j)])
            .sum()
    }

    /// Run the sequential single-actor dynamics from `start` (the steepest move first; see
    /// the module docs) until no switch lowers the energy.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::classic::landscape::{Configuration, Landscape};
    /// use nalgebra::dmatrix;
    /// let p = dmatrix![0.0, 1.0, -1.0; 1.0, 0.0, -1.0; -1.0, -1.0, 0.0];
    /// let land = Landscape::new(vec!["A".into(), "B".into(), "C".into()], vec![1.0; 3], p).unwrap();
    /// let d = land.descend(&Configuration::new(vec![false, false, false])).unwrap();
    /// assert_eq!(d.moves, vec![2]);
    /// assert_eq!(d.energy, -4.0);
    /// ```
    pub fn descend(&self, start: &Configuration) -> Result<Descent, LandscapeError> {
        let n = self.actors.len();
        if start.len() != n {
            return Err(LandscapeError::WrongLength {
                what: "the start configuration",
                expected: n,
                got: start.len(),
            });
        }
        let mut sigma: Vec<f64> = start
            .second
            .iter()
            .map(|&s| if s { -1.0 } else { 1.0 })
            .collect();
        let mut field = vec![0.0; n];
        let mut path = vec![start.clone()];
        let mut moves = Vec::new();
        loop {
            self.fields(&sigma, &mut field);
            match self.best_move(&sigma, &field) {
                Some(actor) => {
                    sigma[actor] = -sigma[actor];
                    moves.push(actor);
                    path.push(Configuration::new(sigma.iter().map(|&s| s < 0.0).collect()));
                }
                None => break,
            }
        }
        let end = path.last().cloned().unwrap_or_else(|| start.clone());
        Ok(Descent {
            moves,
            energy: self.energy(&end),
            path,
        })
    }

    /// Enumerate every configuration, find every local minimum and its basin under the
    /// sequential dynamics, and rank them. Time `O(2^(n−1) · n)`, memory `4 · 2^(n−1)` bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::classic::landscape::Landscape;
    /// use nalgebra::dmatrix;
    /// // Three mutual enemies: any one alone is a minimum (frustration: the other two must
    /// // share a side), three degenerate minima of energy −4.
    /// let p = dmatrix![0.0, -1.0, -1.0; -1.0, 0.0, -1.0; -1.0, -1.0, 0.0];
    /// let land = Landscape::new(vec!["A".into(), "B".into(), "C".into()], vec![1.0; 3], p).unwrap();
    /// let found = land.explore().unwrap();
    /// assert_eq!(found.minima.len(), 3);
    /// assert!(found.minima.iter().all(|m| m.energy == -4.0));
    /// assert_eq!(found.minima.iter().map(|m| m.basin).sum::<u64>(), 4);
    /// ```
    pub fn explore(&self) -> Result<Exploration, LandscapeError> {
        let n = self.actors.len();
        if n > MAX_EXHAUSTIVE_ACTORS {
            return Err(LandscapeError::TooManyActors {
                actors: n,
                max: MAX_EXHAUSTIVE_ACTORS,
            });
        }
        let bits = n - 1;
        let count: u64 = 1 << bits;
        let mask = count - 1;
        // successor[g]: the configuration the dynamics moves to from Gray code g (g itself at
        // a local minimum). u32 holds every code up to 2^24.
        let mut successor = vec![0u32; count as usize];
        let mut sigma = vec![1.0; n];
        let mut field = vec![0.0; n];
        self.fields(&sigma, &mut field);
        let mut gray: u64 = 0;
        for k in 0..count {
            if k > 0 && k % RESYNC_EVERY == 0 {
                self.fields(&sigma, &mut field);
            }
            let next = match self.best_move(&sigma, &field) {
                Some(0) => gray ^ mask,
                Some(actor) => gray ^ (1 << (actor - 1)),
                None => gray,
            };
            successor[gray as usize] = next as u32;
            if k + 1 < count {
                // Gray code: step k → k+1 flips bit trailing_zeros(k+1), i.e. actor bit + 1.
                let actor = (k + 1).trailing_zeros() as usize + 1;
                let old = sigma[actor];
                for (j, f) in field.iter_mut().enumerate() {
                    *f -= 2.0 * self.coupling[j * n + actor] * old;
                }
                sigma[actor] = -old;
                gray ^= 1 << (actor - 1);
            }
        }
        // Follow each configuration to its minimum, writing the minimum back along the path
        // so that every configuration is walked once.
        let mut path = Vec::new();
        for start in 0..count as usize {
            let mut at = start;
            while successor[at] as usize != at {
                path.push(at);
                at = successor[at] as usize;
                if path.len() > count as usize {
                    // Every move lowers the energy by more than the tie tolerance, so a path
                    // cannot revisit a configuration; this bound only guards the loop.
                    break;
                }
            }
            for &p in &path {
                successor[p] = at as u32;
            }
            path.clear();
        }
        let mut basins: HashMap<u32, u64> = HashMap::new();
        for &end in &successor {
            *basins.entry(end).or_insert(0) += 1;
        }
        let mut minima: Vec<(u32, Minimum)> = basins
            .into_iter()
            .map(|(code, basin)| {
                let configuration = Configuration::from_code(u64::from(code), n);
                let energy = self.energy(&configuration);
                (
                    code,
                    Minimum {
                        configuration,
                        energy,
                        basin,
                    },
                )
            })
            .collect();
        minima.sort_by(|(ca, a), (cb, b)| {
            a.energy
                .total_cmp(&b.energy)
                .then(b.basin.cmp(&a.basin))
                .then(ca.cmp(cb))
        });
        Ok(Exploration {
            actors: self.actors.clone(),
            configurations: count,
            minima: minima.into_iter().map(|(_, m)| m).collect(),
        })
    }

    /// `f_i = Σ_j r_ij σ_j`, exactly.
    fn fields(&self, sigma: &[f64], field: &mut [f64]) {
        let n = sigma.len();
        for (i, f) in field.iter_mut().enumerate() {
            *f = (0..n).map(|j| self.coupling[i * n + j] * sigma[j]).sum();
        }
    }

    /// The actor whose switch lowers the energy most (`ΔE_i = 2 σ_i f_i`), lowest index among
    /// those within the tie tolerance of the best; `None` at a local minimum.
    fn best_move(&self, sigma: &[f64], field: &[f64]) -> Option<usize> {
        let best = sigma
            .iter()
            .zip(field)
            .map(|(s, f)| 2.0 * s * f)
            .fold(f64::INFINITY, f64::min);
        if best >= -self.tolerance {
            return None;
        }
        (0..sigma.len()).find(|&i| 2.0 * sigma[i] * field[i] <= best + self.tolerance)
    }
}
