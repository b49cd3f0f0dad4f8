//! A continuous quantity of a run, for studies that rank parameters by how they move a number
//! rather than a probability: a state's share of a power or of autonomy at a date or at the
//! horizon, written `STATE.COMPONENT@WHEN` (`Tajikistan.Russia@horizon`,
//! `Kazakhstan.autonomy@2030-01`; `@horizon` may be left out).
//!
//! It is an [`Outcome`] with the single category [`Quantity::CATEGORY`], so that it travels
//! where outcomes do; its number is [`Outcome::quantity`], and a sensitivity study reports
//! the mean of that number over a design point's runs.

use super::Outcome;
use crate::model::{World, YearMonth, AUTONOMY};
use crate::sim::{RunState, Scenario};

/// A state's share of one component of its alignment at one step.
#[derive(Clone, Debug, PartialEq)]
pub struct Quantity {
    name: String,
    categories: Vec<String>,
    state: usize,
    component: usize,
    step: u32,
}

impl Quantity {
    /// The one category every run is in.
    pub const CATEGORY: &'static str = "value";

    /// Read `text` (`STATE.COMPONENT@WHEN`, `WHEN` = `horizon` or `YYYY-MM` within the horizon)
    /// against `scenario`.
    ///
    /// # Errors
    ///
    /// A sentence naming what is wrong: the form, an unknown state or component (with the
    /// names the world defines), a date that is not `YYYY-MM` or lies outside the horizon.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::outcome::Quantity;
    /// let scenario = geoalign::presets::eurasia_2025();
    /// let q = Quantity::parse("Tajikistan.Russia@horizon", &scenario).unwrap();
    /// assert_eq!(q.step(), 120);
    /// assert!(Quantity::parse("Atlantis.Russia", &scenario).unwrap_err().contains("Atlantis"));
    /// ```
    pub fn parse(text: &str, scenario: &Scenario) -> Result<Quantity, String> {
        let world = scenario.world();
        let (what, when) = text.split_once('@').unwrap_or((text, "horizon"));
        let (state, component) = what.rsplit_once('.').ok_or_else(|| {
            format!("`{text}`: expected STATE.COMPONENT@WHEN, e.g. Tajikistan.Russia@horizon")
        })?;
        let names = |it: &mut dyn Iterator<Item = &str>| it.collect::<Vec<_>>().join(", ");
        let state_id = world.state_id(state).ok_or_else(|| {
            format!(
                "`{text}`: unknown state `{state}`; the world defines: {}",
                names(&mut world.states().iter().map(|s| s.name.as_str()))
            )
        })?;
        let component_index = if component == AUTONOMY {
            world.powers().len()
        } else {
            world
                .power_id(component)
                .ok_or_else(|| {
                    format!(
                        "`{text}`: unknown power `{component}`; the components are: {}, {AUTONOMY}",
                        names(&mut world.powers().iter().map(|p| p.name.as_str()))
                    )
                })?
                .index()
        };
        let step = if when == "horizon" {
            scenario.steps()
        } else {
            let date: YearMonth = when.parse().map_err(|_| {
                format!("`{text}`: `{when}` is neither `horizon` nor a YYYY-MM date")
            })?;
            u32::try_from(date.months_since(scenario.start()))
                .ok()
                .filter(|&m| m <= scenario.steps())
                .ok_or_else(|| {
                    format!(
                        "`{text}`: {date} is outside the horizon {} to {}",
                        scenario.start(),
                        scenario.date_of(scenario.steps())
                    )
                })?
        };
        Ok(Quantity {
            name: text.to_string(),
            categories: vec![Quantity::CATEGORY.to_string()],
            state: state_id.index(),
            component: component_index,
            step,
        })
    }

    /// The step it is read at.
    pub fn step(&self) -> u32 {
        self.step
    }

    fn read(&self, world: &World, state: &RunState) -> f64 {
        state.alignment[self.state * world.components() + self.component]
    }
}

impl Outcome for Quantity {
    fn name(&self) -> &str {
        &self.name
    }

    fn categories(&self) -> &[String] {
        &self.categories
    }

    fn check(&self, world: &World) -> Result<(), String> {
        if self.state < world.states().len() && self.component < world.components() {
            Ok(())
        } else {
            Err("its state or component is not in this world".into())
        }
    }

    /// Notes: the value at its step, once read.
    fn start(&self, world: &World, state: &RunState, notes: &mut Vec<f64>) {
        notes.push(self.read(world, state));
    }

    fn observe(&self, step: u32, world: &World, state: &RunState, notes: &mut Vec<f64>) {
        if step <= self.step {
            notes[0] = self.read(world, state);
        }
    }

    fn classify(&self, _: &World, _: &RunState, _: &[f64]) -> usize {
        0
    }

    fn is_quantity(&self) -> bool {
        true
    }

    fn quantity(&self, notes: &[f64]) -> Option<f64> {
        notes.first().copied()
    }
}
