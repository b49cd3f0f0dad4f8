//! The run state: everything that moves during a run.

use crate::model::{InstitutionId, Participation, PowerId, StateId, World};
use crate::sim::events::EventState;
use crate::sim::powers::PowerStocks;
use serde::{Deserialize, Serialize};

/// Everything that moves during a run: alignment, ties, power capacity and delivery,
/// institution credibility and participation. Plain data, cloned from the [`World`] at the
/// start of a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunState {
    /// Steps taken so far (0 at the scenario start).
    pub step: u32,
    /// Alignment per state: `powers + 1` shares (autonomy last), state-major.
    pub alignment: Vec<f64>,
    /// Dense ties, laid out as [`World::ties`].
    pub ties: Vec<f64>,
    /// Capacity index per power.
    pub capacity: Vec<f64>,
    /// Coercion per power.
    pub coercion: Vec<f64>,
    /// Delivery per power and channel, power-major.
    pub delivery: Vec<f64>,
    /// Credibility per institution.
    pub credibility: Vec<f64>,
    /// Participation per institution, per member (in the order of
    /// [`crate::Institution::members`]).
    pub participation: Vec<Vec<Participation>>,
    /// What events have done so far: pressures, credibility shifts, grievances, fragility,
    /// unanswered appeals and sanctions in force (see [`crate::sim::events`]).
    pub events: EventState,
    /// The acting powers' offer and coercion stocks and memory (docs/model.md §9); empty, and
    /// not serialised, when no power acts.
    #[serde(default, skip_serializing_if = "PowerStocks::is_empty")]
    pub powers: PowerStocks,
}

impl RunState {
    /// The state of `world` at its scenario start.
    pub fn new(world: &World) -> Self {
        RunState {
            step: 0,
            alignment: world
                .states
                .iter()
                .flat_map(|s| s.alignment.iter().copied())
                .collect(),
            ties: world.ties.clone(),
            capacity: world.powers.iter().map(|p| p.capacity).collect(),
            coercion: world.powers.iter().map(|p| p.coercion).collect(),
            delivery: world
                .powers
                .iter()
                .flat_map(|p| p.delivery.iter().copied())
                .collect(),
            credibility: world.institutions.iter().map(|i| i.credibility).collect(),
            participation: world
                .institutions
                .iter()
                .map(|i| i.members.iter().map(|&(_, p)| p).collect())
                .collect(),
            events: EventState::new(world),
            powers: PowerStocks::new(world),
        }
    }

    /// Reset the quantities that drivers and events act on (capacity, delivery, credibility,
    /// the powers' relations) to the world's values. Each step the engine does this, then applies the drivers, then
    /// the events' pressures and shifts, so a driver sets the baseline and the events scale it.
    pub fn reset_driven(&mut self, world: &World) {
        for (c, p) in self.capacity.iter_mut().zip(world.powers()) {
            *c = p.capacity;
        }
        for (d, p) in self
            .delivery
            .chunks_exact_mut(crate::model::Channel::COUNT)
            .zip(world.powers())
        {
            d.copy_from_slice(&p.delivery);
        }
        for (c, i) in self.credibility.iter_mut().zip(world.institutions()) {
            *c = i.credibility;
        }
        // Empty when no power acts: nothing reads the relations then.
        if !self.powers.relations.is_empty() {
            self.powers
                .relations
                .copy_from_slice(&world.agency().relations);
        }
    }

    /// The alignment of `state` in `world`: one share per power (in id order), then autonomy.
    ///
    /// # Examples
    ///
    /// ```
    /// let scenario = geoalign::presets::eurasia_2025();
    /// let world = scenario.world();
    /// let state = geoalign::RunState::new(world);
    /// let kz = world.state_id("Kazakhstan").unwrap();
    /// assert!((state.alignment_of(world, kz).iter().sum::<f64>() - 1.0).abs() < 1e-12);
    /// ```
    ///
    /// # Panics
    ///
    /// If `state` is not a state of `world` (ids come from the world the run state was made
    /// from, as the ids of `World::state_id`). The same holds for every accessor below.
    pub fn alignment_of(&self, world: &World, state: StateId) -> &[f64] {
        let c = world.components();
        &self.alignment[state.index() * c..(state.index() + 1) * c]
    }

    /// The share of `state`'s alignment with `power`.
    pub fn share(&self, world: &World, state: StateId, power: PowerId) -> f64 {
        self.alignment_of(world, state)[power.index()]
    }

    /// The capacity index of `power` now.
    pub fn capacity_of(&self, power: PowerId) -> f64 {
        self.capacity[power.index()]
    }

    /// The credibility of `institution` now.
    pub fn credibility_of(&self, institution: InstitutionId) -> f64 {
        self.credibility[institution.index()]
    }

    /// The participation of `state` in `institution` now; `None` if it is not a listed member.
    ///
    /// # Panics
    ///
    /// If `institution` is not an institution of `world`.
    pub fn participation_of(
        &self,
        world: &World,
        institution: InstitutionId,
        state: StateId,
    ) -> Option<Participation> {
        let slot = world.institutions[institution.index()]
            .members
            .iter()
            .position(|&(s, _)| s == state)?;
        Some(self.participation[institution.index()][slot])
    }

    /// Cohesion of `institution`: the mean, over all its listed members with equal weight, of
    /// `participation weight × the member's alignment share with the leader`.
    ///
    /// Equal weights follow the CSTO Charter's consensus rule (one member, one vote). A
    /// suspended or exited member counts as 0, so suspensions lower cohesion; a state listed as
    /// `outside` (not joined yet) is not counted at all. For an
    /// institution without a leader, cohesion is `1 − mean total-variation distance` of the
    /// active members from their mean alignment. An institution with no members has cohesion 0.
    ///
    /// # Panics
    ///
    /// If `institution` is not an institution of `world` (ids come from the same world).
    pub fn cohesion(&self, world: &World, institution: InstitutionId) -> f64 {
        let index = institution.index();
        let inst = &world.institutions[index];
        let c = world.components();
        let parts = &self.participation[index];
        if inst.members.is_empty() {
            return 0.0;
        }
        match inst.leader {
            Some(leader) => {
                let total: f64 = inst
                    .members
                    .iter()
                    .zip(parts)
                    .map(|(&(s, _), part)| {
                        part.weight() * self.alignment[s.index() * c + leader.index()]
                    })
                    .sum();
                let counted = parts
                    .iter()
                    .filter(|p| **p != Participation::Outside)
                    .count();
                if counted == 0 {
                    return 0.0;
                }
                total / counted as f64
            }
            None => {
                // The active members' alignments, in member order; walked twice (mean, then
                // distances), so that nothing is allocated: the summary reads every bloc's
                // cohesion each recorded month of every run.
                let active = || {
                    inst.members
                        .iter()
                        .zip(parts)
                        .filter(|(_, p)| **p == Participation::Active)
                        .map(|(&(s, _), _)| &self.alignment[s.index() * c..(s.index() + 1) * c])
                };
                let count = active().count();
                if count == 0 {
                    return 0.0;
                }
                let n = count as f64;
                // The mean alignment, on the stack for up to MEAN_ON_STACK components.
                const MEAN_ON_STACK: usize = 32;
                let mut stack = [0.0; MEAN_ON_STACK];
                let mut heap = Vec::new();
                let mean: &mut [f64] = if c <= MEAN_ON_STACK {
                    &mut stack[..c]
                } else {
                    heap.resize(c, 0.0);
                    &mut heap
                };
                for (j, m) in mean.iter_mut().enumerate() {
                    *m = active().map(|a| a[j]).sum::<f64>() / n;
                }
                let tv: f64 = active()
                    .map(|a| {
                        0.5 * a
                            .iter()
                            .zip(&*mean)
                            .map(|(x, m)| (x - m).abs())
                            .sum::<f64>()
                    })
                    .sum::<f64>()
                    / n;
                1.0 - tv
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RunState;
    use crate::model::{Disposition, Institution, InstitutionId, Participation, Power, State};
    use crate::model::{StateId, World};

    /// A bloc without a leader: `1 −` the mean total-variation distance of its active members
    /// from their mean alignment; the suspended member is left out, and with no active member
    /// the cohesion is 0.
    #[test]
    fn a_leaderless_bloc_is_as_cohesive_as_its_active_members_are_alike() {
        let forum = |parts: [Participation; 3]| Institution {
            members: (0..3).map(|s| (StateId(s), parts[s as usize])).collect(),
            ..Institution::new("Forum", None, 0.5)
        };
        let world = |parts| {
            World::builder()
                .power(Power::new("A"))
                .power(Power::new("B"))
                .state(State::new("S", Disposition::Hedge, vec![0.5, 0.25, 0.25]))
                .state(State::new("T", Disposition::Hedge, vec![0.25, 0.5, 0.25]))
                .state(State::new(
                    "U",
                    Disposition::Hedge,
                    vec![0.125, 0.125, 0.75],
                ))
                .institution(forum(parts))
                .build()
                .unwrap()
        };
        use Participation::{Active, Suspended};
        let cohesion = |parts| {
            let world = world(parts);
            RunState::new(&world).cohesion(&world, InstitutionId(0))
        };
        // S and T active: mean (0.375, 0.375, 0.25); each is 0.125 from it in total variation.
        assert_eq!(cohesion([Active, Active, Suspended]), 0.875);
        // U as well: mean (7/24, 7/24, 10/24); distances 5/24, 5/24 and 8/24, mean 1/4.
        assert!((cohesion([Active, Active, Active]) - 0.75).abs() < 1e-15);
        assert_eq!(cohesion([Suspended, Suspended, Suspended]), 0.0);
    }
}
