//! What great powers that act are given (docs/model.md §9): a budget per power, a priority
//! weight per (power, state) — the power's sphere of interest — and a relation per pair of
//! powers (−1 rivalry … +1 partnership), with the parameters of the decision rule.
//!
//! Everything defaults to "the power does not act": a world that declares none of it runs
//! exactly as before, bit for bit, and serialises as before (so the ensemble fingerprint of an
//! old scenario does not move).

use serde::{Deserialize, Serialize};

/// The powers' budgets, priorities and relations, resolved to dense arrays.
///
/// Built through [`crate::WorldBuilder::budget`], [`crate::WorldBuilder::priority`],
/// [`crate::WorldBuilder::relation`] and [`crate::WorldBuilder::agency_parameters`]; read
/// with [`crate::World::agency`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Agency {
    /// `budget_p ≥ 0` per power, in offer units per month at capacity 1 (0 = does not act).
    pub budgets: Vec<f64>,
    /// `priority_pi` in [0, 1], laid out state-major: `state * powers + power`.
    pub priorities: Vec<f64>,
    /// `relation_pq` in [−1, 1], symmetric, `p * powers + q`, 0 on the diagonal.
    pub relations: Vec<f64>,
    /// The decision rule's parameters.
    pub parameters: AgencyParameters,
}

/// Parameters of the powers' decision rule and of punishment (`[parameters.powers]`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AgencyParameters {
    /// Half-life of an offer or coercion stock, in months.
    pub half_life: f64,
    /// Equal increments in which a power spends its monthly budget.
    pub increments: u32,
    /// `χ`: coercion cost `1 + χ Σ_{q≠p} a_iq min(1, g_q)`.
    pub coercion_cost: f64,
    /// `W`: months over which a fall of a state's value to a power is measured.
    pub window: u32,
    /// `θ`: a fall of the value `v_ip` by more than this over the window is a defection.
    pub defection_threshold: f64,
    /// Coercion stock added, outside the budget, to the defector's stock.
    pub punishment: f64,
}

impl Default for AgencyParameters {
    fn default() -> Self {
        AgencyParameters {
            // 12 months: a commitment (a loan tranche, a base agreement's yearly review, a
            // sanctions package) must be renewed about yearly or it fades (judgement).
            half_life: 12.0,
            // 4: enough for diminishing returns to spread a month's budget over a few
            // targets, few enough that a decision stays cheap (docs/model.md §9).
            increments: 4,
            // χ = 1: coercing a state wholly aligned with one other power at full capacity
            // costs twice as much as coercing an unattached one — the patron's protection
            // (seed 002 (docs/sources.md): Russia's pressure on Kazakhstan is tempered by
            // China's stake there). A judgement.
            coercion_cost: 1.0,
            // 12 months: seed 003's Azerbaijan 2024–25 and seed 000's Armenia 2023–24 turns (docs/sources.md)
            // (docs/sources.md) took about a year to read as defection.
            window: 12,
            // θ = 0.1: above the largest 12-month fall of an acting power's value on a state
            // it has a priority on, from noise alone, in the embedded world without drivers,
            // events or punishment: 0.085 over 200 ten-year runs (99th percentile of a run's
            // largest fall 0.053; docs/model.md §9.4).
            defection_threshold: 0.1,
            // 0.5 coercion units: a sanctions package at about the yearly size of a large
            // power's whole coercive spending on one state (judgement).
            punishment: 0.5,
        }
    }
}

impl Agency {
    /// The agency of a world with `states` states and `powers` powers in which no power acts.
    pub fn inactive(states: usize, powers: usize) -> Agency {
        Agency {
            budgets: vec![0.0; powers],
            priorities: vec![0.0; states * powers],
            relations: vec![0.0; powers * powers],
            parameters: AgencyParameters::default(),
        }
    }

    /// Whether no power acts (every budget 0): the mechanism is off.
    pub fn is_inactive(&self) -> bool {
        self.budgets.iter().all(|&b| b == 0.0)
    }

    /// Whether nothing was declared at all: not serialised then, so that an old scenario's
    /// fingerprint does not move.
    pub(crate) fn is_default(&self) -> bool {
        self.is_inactive()
            && self.priorities.iter().all(|&x| x == 0.0)
            && self.relations.iter().all(|&x| x == 0.0)
            && self.parameters == AgencyParameters::default()
    }

    /// `priority_pi`.
    pub fn priority(&self, state: usize, power: usize) -> f64 {
        self.priorities[state * self.budgets.len() + power]
    }
}
