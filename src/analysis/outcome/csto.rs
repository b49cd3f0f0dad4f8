//! The outcome classifier for the three CSTO futures of seed 000 (docs/sources.md).
//!
//! Seed 000 (docs/sources.md) names three futures: (1) *slow decline* — the bloc lives on in
//! name with no strategic role while its members keep moving apart and stay members only on
//! paper;
//! (2) *selective consolidation* — a few members such as Russia and Belarus deepen their
//! bilateral military links while the rest of the organisation withers; (3) *partial
//! revitalization* — the organization as a whole is renewed (docs/model.md §4: reforms, fresh
//! resources and a better security environment).
//!
//! A run is classified by comparing its horizon with its own start on three measured
//! quantities, read from the run's [`RunState`] (so events that change participation or
//! credibility during a run are seen):
//!
//! * **wider-bloc cohesion** `W`: the mean, over the bloc's listed members outside the core,
//!   of participation weight × alignment share with the leader (the cohesion of
//!   [`RunState::cohesion`] restricted to the non-core members);
//! * **core alignment** `B`: the mean alignment share with the leader of the core members
//!   (Belarus by default, the seed's example of a core with Russia);
//! * **participation**: which members are active.
//!
//! The rule, in order:
//!
//! 1. **Partial revitalization** if `W(T) − W(0) ≥ δ` and no member that was active at the
//!    start is suspended or has exited at the horizon: the broad bloc re-converges on its
//!    leader without losing anyone.
//! 2. **Selective consolidation** otherwise, if `B(T) − B(0) ≥ δ`: the core tightens while
//!    the wider bloc does not revive.
//! 3. **Slow decline** otherwise: neither the bloc nor its core gains — drift under nominal
//!    membership. Runs in which members leave without a tightening core land here too: the
//!    seed names no fourth future, and a shrinking bloc without a core is its decline.
//!
//! The margin `δ` = [`DEFAULT_MARGIN`] is what "gains" means. The thresholds are set from the
//! seed's wording and the model's noise level, not fitted so that each future's scenario file
//! classifies as itself.
//!
//! **How much the margin matters** (2,000 runs per scenario, counts of slow decline /
//! selective consolidation / partial revitalization, with the current model and its events;
//! measured by `cargo run --release --example csto_margin`):
//!
//! | scenario | mean ΔW | mean ΔB | δ = 0 | δ = 0.01 | δ = 0.02 | δ = 0.04 |
//! |---|---|---|---|---|---|---|
//! | slow decline | −0.057 | −0.145 | 1972 / 0 / 28 | 2000 / 0 / 0 | 2000 / 0 / 0 | 2000 / 0 / 0 |
//! | selective consolidation | −0.038 | +0.048 | 19 / 1377 / 604 | 44 / 1831 / 125 | 96 / 1896 / 8 | 538 / 1462 / 0 |
//! | partial revitalization | +0.003 | +0.025 | 80 / 522 / 1398 | 134 / 468 / 1398 | 221 / 383 / 1396 | 662 / 231 / 1107 |
//! | Eurasia 2025 (no drivers) | −0.035 | +0.006 | 365 / 633 / 1002 | 815 / 753 / 432 | 1301 / 635 / 64 | 1849 / 151 / 0 |
//!
//! The δ = 0.02 column is the `geoalign futures` table (e.g. 1396 of 2,000, 69.8 %, for
//! partial revitalization). Mean ΔW mixes two kinds of run: those in which the wider bloc
//! moves with its drivers, and those in which an event suspends a member (Kyrgyzstan, in
//! 28–31 % of the futures' runs), whose share then drops out of `W`; such runs are never
//! revitalization. So under partial revitalization ΔW is +0.003 on average while 70 % of runs
//! revitalize, and the misses are the runs with a suspension, whatever the margin below 0.04.
//! Under selective consolidation, without a margin noise alone sends 30 % of the runs to
//! "revitalization"; a margin of the size of the noise leaves 0.4 %. Eurasia 2025, with no
//! drivers, is where the margin decides most: at δ = 0 half its runs "revitalize", at the
//! default 3 %. The futures' files separate mostly through Belarus (ΔB) and, for
//! revitalization, the wider bloc (ΔW) of the runs that keep every member.

use super::Outcome;
use crate::model::{InstitutionId, Participation, World};
use crate::sim::RunState;
use serde::{Deserialize, Serialize};

/// The margin δ: a gain of two percentage points of alignment share over the horizon.
/// Reason: it is the size of the run-to-run noise. With the default world's noise
/// (`parameters.noise` = 0.03, a share moves by about ±1.5 % of itself a month) a member's
/// share at the 2035 horizon has an across-run standard deviation of 0.013–0.021 in the three
/// futures (Belarus's Russia share: 0.021 under slow decline, 0.013 under selective
/// consolidation, measured over 1,000 runs); a change smaller than that is not told apart from
/// no change within one run. One judgement, applied equally to the bloc and the core, and
/// chosen before looking at how the futures classify.
pub const DEFAULT_MARGIN: f64 = 0.02;

/// The three CSTO futures of seed 000 (docs/sources.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum CstoFuture {
    /// Drift under nominal membership: neither the bloc nor its core gains.
    SlowDecline,
    /// A Russia–Belarus core tightens while the wider bloc does not revive.
    SelectiveConsolidation,
    /// The wider bloc re-converges on its leader without losing a member.
    PartialRevitalization,
}

impl CstoFuture {
    /// All three, in the seed's order.
    pub const ALL: [CstoFuture; 3] = [
        CstoFuture::SlowDecline,
        CstoFuture::SelectiveConsolidation,
        CstoFuture::PartialRevitalization,
    ];

    /// Position in [`CstoFuture::ALL`].
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::ensemble::CstoFuture;
    /// assert_eq!(CstoFuture::PartialRevitalization.index(), 2);
    /// ```
    pub const fn index(self) -> usize {
        match self {
            CstoFuture::SlowDecline => 0,
            CstoFuture::SelectiveConsolidation => 1,
            CstoFuture::PartialRevitalization => 2,
        }
    }

    /// A short name for tables and files.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::ensemble::CstoFuture;
    /// assert_eq!(CstoFuture::SlowDecline.name(), "slow decline");
    /// ```
    pub const fn name(self) -> &'static str {
        match self {
            CstoFuture::SlowDecline => "slow decline",
            CstoFuture::SelectiveConsolidation => "selective consolidation",
            CstoFuture::PartialRevitalization => "partial revitalization",
        }
    }
}

/// What the classifier reads from one moment of a run.
#[derive(Clone, Debug, PartialEq)]
pub struct BlocReading {
    /// Wider-bloc cohesion `W` (members outside the core).
    pub wider: f64,
    /// Mean alignment share of the core members with the leader, `B`.
    pub core: f64,
    /// Participation of every listed member, in the institution's member order.
    pub participation: Vec<Participation>,
}

/// Classifies runs into [`CstoFuture`]s; see the module docs for the rule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CstoClassifier {
    institution: usize,
    leader: usize,
    /// Member positions (in the institution's member list) that form the core.
    core: Vec<usize>,
    margin: f64,
}

impl CstoClassifier {
    /// The classifier for the world's `CSTO` (led by its leader) with Belarus as the core and
    /// margin [`DEFAULT_MARGIN`]; `None` when the world has no CSTO with a leader and Belarus
    /// among its members.
    ///
    /// # Examples
    ///
    /// ```
    /// let world = geoalign::presets::eurasia_2025().world().clone();
    /// assert!(geoalign::analysis::ensemble::CstoClassifier::for_world(&world).is_some());
    /// ```
    pub fn for_world(world: &World) -> Option<Self> {
        Self::new(world, "CSTO", &["Belarus"], DEFAULT_MARGIN)
    }

    /// A classifier for institution `institution` with core members `core` and margin
    /// `margin`; `None` if the institution is missing or has no leader, a core state is not
    /// a member, the core is empty or covers every member, or the margin is not finite.
    ///
    /// # Examples
    ///
    /// ```
    /// let world = geoalign::presets::eurasia_2025().world().clone();
    /// let c = geoalign::analysis::ensemble::CstoClassifier::new(&world, "CSTO", &["Belarus"], 0.05);
    /// assert!(c.is_some());
    /// assert!(geoalign::analysis::ensemble::CstoClassifier::new(&world, "CSTO", &["Georgia"], 0.05).is_none());
    /// ```
    pub fn new(world: &World, institution: &str, core: &[&str], margin: f64) -> Option<Self> {
        let id = world.institution_id(institution)?;
        let inst = &world.institutions()[id.index()];
        let leader = inst.leader?.index();
        let mut positions = Vec::with_capacity(core.len());
        for name in core {
            let state = world.state_id(name)?;
            positions.push(inst.members.iter().position(|&(s, _)| s == state)?);
        }
        if positions.is_empty() || positions.len() >= inst.members.len() || !margin.is_finite() {
            return None;
        }
        Some(CstoClassifier {
            institution: id.index(),
            leader,
            core: positions,
            margin,
        })
    }

    /// The classified institution.
    pub fn institution(&self) -> InstitutionId {
        InstitutionId(self.institution as u32)
    }

    /// Whether `world` has what the classifier reads: its institution, with the same leader,
    /// and the core's member positions.
    pub fn check(&self, world: &World) -> Result<(), String> {
        let Some(inst) = world.institutions().get(self.institution) else {
            return Err(format!(
                "institution #{} is not in this world ({} institutions)",
                self.institution,
                world.institutions().len()
            ));
        };
        if inst.leader.map(|p| p.index()) != Some(self.leader) {
            return Err(format!(
                "{} does not have the leader it was built with",
                inst.name
            ));
        }
        if let Some(&slot) = self.core.iter().find(|&&slot| slot >= inst.members.len()) {
            return Err(format!(
                "core member #{slot} is not among the {} members of {}",
                inst.members.len(),
                inst.name
            ));
        }
        Ok(())
    }

    /// Read `W`, `B` and participation from `state`.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::{analysis::ensemble::CstoClassifier, RunState};
    /// let world = geoalign::presets::eurasia_2025().world().clone();
    /// let c = CstoClassifier::for_world(&world).unwrap();
    /// let r = c.read(&world, &RunState::new(&world));
    /// assert!(r.core > r.wider); // Belarus is the most Russia-aligned member
    /// ```
    pub fn read(&self, world: &World, state: &RunState) -> BlocReading {
        let inst = &world.institutions()[self.institution];
        let parts = &state.participation[self.institution];
        let c = world.components();
        let (mut wider, mut n_wider, mut core) = (0.0, 0usize, 0.0);
        for (pos, (&(s, _), part)) in inst.members.iter().zip(parts).enumerate() {
            let share = state.alignment[s.index() * c + self.leader];
            if self.core.contains(&pos) {
                core += share;
            } else if *part != Participation::Outside {
                // A state not joined yet is not one of the wider bloc's members.
                wider += part.weight() * share;
                n_wider += 1;
            }
        }
        BlocReading {
            wider: wider / n_wider.max(1) as f64,
            core: core / self.core.len() as f64,
            participation: parts.clone(),
        }
    }

    /// Classify a run from its readings at the start and at the horizon.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::ensemble::{BlocReading, CstoClassifier, CstoFuture};
    /// use geoalign::Participation::Active;
    /// let world = geoalign::presets::eurasia_2025().world().clone();
    /// let c = CstoClassifier::for_world(&world).unwrap();
    /// let at = |wider, core| BlocReading { wider, core, participation: vec![Active; 5] };
    /// assert_eq!(c.classify(&at(0.4, 0.7), &at(0.45, 0.7)), CstoFuture::PartialRevitalization);
    /// assert_eq!(c.classify(&at(0.4, 0.7), &at(0.38, 0.75)), CstoFuture::SelectiveConsolidation);
    /// assert_eq!(c.classify(&at(0.4, 0.7), &at(0.39, 0.71)), CstoFuture::SlowDecline);
    /// ```
    pub fn classify(&self, start: &BlocReading, end: &BlocReading) -> CstoFuture {
        let nobody_lost = start
            .participation
            .iter()
            .zip(&end.participation)
            .all(|(a, b)| *a != Participation::Active || *b == Participation::Active);
        if end.wider - start.wider >= self.margin && nobody_lost {
            CstoFuture::PartialRevitalization
        } else if end.core - start.core >= self.margin {
            CstoFuture::SelectiveConsolidation
        } else {
            CstoFuture::SlowDecline
        }
    }
}

/// The CSTO futures as an [`Outcome`] named [`CstoFutures::NAME`], with the three categories
/// of [`CstoFuture::ALL`] in order: the [`CstoClassifier`]'s reading at the start kept in the
/// run's notes, compared with its reading at the horizon.
///
/// # Examples
///
/// ```
/// use geoalign::analysis::outcome::{CstoFutures, Outcome};
/// let world = geoalign::presets::eurasia_2025().world().clone();
/// let futures = CstoFutures::for_world(&world).unwrap();
/// assert_eq!(futures.name(), "csto-futures");
/// assert_eq!(futures.categories()[1], "selective consolidation");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct CstoFutures {
    classifier: CstoClassifier,
    categories: Vec<String>,
}

impl CstoFutures {
    /// The outcome's name.
    pub const NAME: &'static str = "csto-futures";

    /// The futures as classified by `classifier`.
    pub fn new(classifier: CstoClassifier) -> CstoFutures {
        CstoFutures {
            classifier,
            categories: CstoFuture::ALL
                .iter()
                .map(|f| f.name().to_string())
                .collect(),
        }
    }

    /// The futures of the world's CSTO ([`CstoClassifier::for_world`]); `None` when it has
    /// none the classifier can read.
    pub fn for_world(world: &World) -> Option<CstoFutures> {
        CstoClassifier::for_world(world).map(CstoFutures::new)
    }

    /// The classifier.
    pub fn classifier(&self) -> &CstoClassifier {
        &self.classifier
    }
}

/// How a participation is written into a run's notes (the notes are numbers).
fn participation_note(p: Participation) -> f64 {
    match p {
        Participation::Active => 0.0,
        Participation::Suspended => 1.0,
        Participation::Exited => 2.0,
        Participation::Outside => 3.0,
    }
}

fn participation_from_note(x: f64) -> Participation {
    if x == 0.0 {
        Participation::Active
    } else if x == 1.0 {
        Participation::Suspended
    } else if x == 2.0 {
        Participation::Exited
    } else {
        Participation::Outside
    }
}

impl Outcome for CstoFutures {
    fn name(&self) -> &str {
        Self::NAME
    }

    fn categories(&self) -> &[String] {
        &self.categories
    }

    /// The classifier's institution, leader and core members are those of `world`.
    fn check(&self, world: &World) -> Result<(), String> {
        self.classifier.check(world)
    }

    /// Notes: `W`, `B`, then each member's participation at the start.
    fn start(&self, world: &World, state: &RunState, notes: &mut Vec<f64>) {
        let start = self.classifier.read(world, state);
        notes.extend([start.wider, start.core]);
        notes.extend(start.participation.iter().map(|&p| participation_note(p)));
    }

    fn classify(&self, world: &World, end: &RunState, notes: &[f64]) -> usize {
        let start = BlocReading {
            wider: notes[0],
            core: notes[1],
            participation: notes[2..]
                .iter()
                .map(|&x| participation_from_note(x))
                .collect(),
        };
        let end = self.classifier.read(world, end);
        self.classifier.classify(&start, &end).index()
    }
}
