//! `[[outcomes]]` entries: from the raw file to declared outcomes ([`OutcomeSpec`]).
//!
//! The form is described in `scenarios/README.md` ("Outcomes"). This module resolves names to
//! ids and dates to steps, and checks what is about the file (the keys a kind takes, exactly
//! one of `below`/`above`, `at`/`by`, `rises`/`falls`); the rules of an outcome live in
//! [`OutcomeSpec::check`] and [`Scenario::add_outcome`], whose refusals are mapped back to
//! the file, line and key path (`outcomes[2].conditions[0].below`).

use super::error::{Problem, ScenarioError};
use super::load::KeyPath;
use super::raw;
use super::validate::{Ctx, Names};
use crate::model::{Participation, YearMonth, AUTONOMY};
use crate::sim::outcome::{Bound, Condition, Join, OutcomeSpec, ShareOf, Timing};
use crate::sim::{Scenario, ScenarioRuleError};
use serde::Deserialize;

type Result<T> = std::result::Result<T, ScenarioError>;

/// The kinds of outcome a file may declare, with the keys each takes besides `kind` (and
/// `name` at the top level).
pub(crate) const OUTCOME_KINDS: [(&str, &[&str]); 6] = [
    ("share", &["state", "of", "below", "above", "at", "by"]),
    (
        "participation",
        &["institution", "member", "is", "at", "by"],
    ),
    (
        "cohesion",
        &["institution", "members", "rises", "falls", "months", "by"],
    ),
    ("all", &["conditions"]),
    ("any", &["conditions"]),
    ("none", &["conditions"]),
];

/// One `[[outcomes]]` entry, or a condition inside an entry's `conditions`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawOutcome {
    pub name: Option<String>,
    pub kind: Option<String>,
    pub state: Option<String>,
    pub of: Option<String>,
    pub below: Option<f64>,
    pub above: Option<f64>,
    #[serde(default, deserialize_with = "raw::optional_date")]
    pub at: Option<String>,
    #[serde(default, deserialize_with = "raw::optional_date")]
    pub by: Option<String>,
    pub institution: Option<String>,
    pub member: Option<String>,
    pub is: Option<Participation>,
    pub members: Option<Vec<String>>,
    pub rises: Option<f64>,
    pub falls: Option<f64>,
    pub months: Option<i64>,
    pub conditions: Option<Vec<RawOutcome>>,
}

impl RawOutcome {
    /// The keys the entry gives, besides `name` and `kind`.
    fn given(&self) -> Vec<&'static str> {
        let mut keys = Vec::new();
        let mut add = |key, present: bool| {
            if present {
                keys.push(key);
            }
        };
        add("state", self.state.is_some());
        add("of", self.of.is_some());
        add("below", self.below.is_some());
        add("above", self.above.is_some());
        add("at", self.at.is_some());
        add("by", self.by.is_some());
        add("institution", self.institution.is_some());
        add("member", self.member.is_some());
        add("is", self.is.is_some());
        add("members", self.members.is_some());
        add("rises", self.rises.is_some());
        add("falls", self.falls.is_some());
        add("months", self.months.is_some());
        add("conditions", self.conditions.is_some());
        keys
    }
}

/// What the loader knows while it reads outcomes.
struct Reader<'a, 'b> {
    ctx: &'a Ctx<'b>,
    names: &'a Names<'a>,
    start: YearMonth,
    steps: u32,
}

/// Read each `[[outcomes]]` entry and declare it on `scenario`, in file order, so the first
/// faulty entry is the one reported.
pub(super) fn build_outcomes(
    ctx: &Ctx<'_>,
    entries: Option<&Vec<RawOutcome>>,
    names: &Names<'_>,
    start: YearMonth,
    scenario: &mut Scenario,
) -> Result<()> {
    let reader = Reader {
        ctx,
        names,
        start,
        steps: scenario.steps(),
    };
    for (n, entry) in entries.into_iter().flatten().enumerate() {
        let path = vec!["outcomes".to_string(), format!("[{n}]")];
        let name = reader.required(entry.name.clone(), &path, "name")?;
        let condition = reader.condition(entry, &path)?;
        scenario
            .add_outcome(OutcomeSpec::new(name, condition))
            .map_err(|e| match e {
                ScenarioRuleError::Outcome { error, .. } => {
                    let mut at = path.clone();
                    at.extend(error.path);
                    ctx.error(at, Problem::Outcome(error.problem))
                }
                other => ctx.error(path.clone(), Problem::Scenario(other)),
            })?;
    }
    Ok(())
}

fn with(path: &[String], key: &str) -> KeyPath {
    let mut p = path.to_vec();
    p.push(key.to_string());
    p
}

impl Reader<'_, '_> {
    fn required<T>(&self, value: Option<T>, path: &[String], key: &str) -> Result<T> {
        value.ok_or_else(|| self.ctx.error(with(path, key), Problem::Missing))
    }

    /// The condition of `entry` at `path`.
    fn condition(&self, entry: &RawOutcome, path: &[String]) -> Result<Condition> {
        let kind = self.required(entry.kind.as_deref(), path, "kind")?;
        let Some(&(kind, allowed)) = OUTCOME_KINDS.iter().find(|(k, _)| *k == kind) else {
            return Err(self.ctx.error(
                with(path, "kind"),
                Problem::UnknownOutcomeKind {
                    kind: kind.to_string(),
                },
            ));
        };
        let nested = path.len() > 2;
        if nested && entry.name.is_some() {
            return Err(self
                .ctx
                .error(with(path, "name"), Problem::NestedOutcomeName));
        }
        if let Some(key) = entry.given().into_iter().find(|k| !allowed.contains(k)) {
            return Err(self.ctx.error(
                with(path, key),
                Problem::NotForOutcomeKind {
                    kind: kind.to_string(),
                    allowed: allowed.to_vec(),
                },
            ));
        }
        match kind {
            "share" => self.share(entry, path),
            "participation" => self.participation(entry, path),
            "cohesion" => self.cohesion(entry, path),
            _ => {
                let join = match kind {
                    "all" => Join::All,
                    "any" => Join::Any,
                    _ => Join::None,
                };
                let raw = self.required(entry.conditions.as_ref(), path, "conditions")?;
                let mut conditions = Vec::with_capacity(raw.len());
                for (i, c) in raw.iter().enumerate() {
                    let here = [with(path, "conditions"), vec![format!("[{i}]")]].concat();
                    conditions.push(self.condition(c, &here)?);
                }
                Ok(Condition::Join { join, conditions })
            }
        }
    }

    fn share(&self, entry: &RawOutcome, path: &[String]) -> Result<Condition> {
        let state = self.required(entry.state.as_deref(), path, "state")?;
        let state = self.resolve(self.names.states, "state", state, path, "state")?;
        let of = self.required(entry.of.as_deref(), path, "of")?;
        let of = if of == AUTONOMY {
            ShareOf::Autonomy
        } else {
            let known: Vec<String> = self
                .names
                .powers
                .iter()
                .cloned()
                .chain([AUTONOMY.to_string()])
                .collect();
            ShareOf::Power(crate::model::PowerId(self.resolve(
                &known,
                "power or autonomy",
                of,
                path,
                "of",
            )?))
        };
        let bound = self.one_of(path, ("below", entry.below), ("above", entry.above))?;
        let bound = match bound {
            (true, x) => Bound::Below(x),
            (false, x) => Bound::Above(x),
        };
        Ok(Condition::Share {
            state: crate::model::StateId(state),
            of,
            bound,
            timing: self.timing(entry, path)?,
        })
    }

    /// The outcome's `institution`, required and resolved to its id.
    fn institution(&self, entry: &RawOutcome, path: &[String]) -> Result<u32> {
        let institution = self.required(entry.institution.as_deref(), path, "institution")?;
        self.resolve(
            self.names.institutions,
            "institution",
            institution,
            path,
            "institution",
        )
    }

    fn participation(&self, entry: &RawOutcome, path: &[String]) -> Result<Condition> {
        let institution = self.institution(entry, path)?;
        let member = self.required(entry.member.as_deref(), path, "member")?;
        let member = self.resolve(self.names.states, "state", member, path, "member")?;
        Ok(Condition::Participation {
            institution: crate::model::InstitutionId(institution),
            member: crate::model::StateId(member),
            is: self.required(entry.is, path, "is")?,
            timing: self.timing(entry, path)?,
        })
    }

    fn cohesion(&self, entry: &RawOutcome, path: &[String]) -> Result<Condition> {
        let institution = self.institution(entry, path)?;
        let mut members = Vec::new();
        for (i, m) in entry.members.iter().flatten().enumerate() {
            let here = with(path, "members");
            let key = format!("[{i}]");
            members.push(crate::model::StateId(self.resolve(
                self.names.states,
                "state",
                m,
                &here,
                &key,
            )?));
        }
        let change = match self.one_of(path, ("falls", entry.falls), ("rises", entry.rises))? {
            (true, m) => Bound::Below(m),
            (false, m) => Bound::Above(m),
        };
        let months = self.required(entry.months, path, "months")?;
        let months = u32::try_from(months).map_err(|_| {
            self.ctx.error(
                with(path, "months"),
                Problem::OutOfRange {
                    value: months as f64,
                    min: 1.0,
                    max: f64::from(self.steps),
                },
            )
        })?;
        let by = match &entry.by {
            Some(text) => Some(self.step(text, path, "by")?),
            None => None,
        };
        Ok(Condition::Cohesion {
            institution: crate::model::InstitutionId(institution),
            members,
            change,
            months,
            by,
        })
    }

    /// Exactly one of two number keys: `(true, x)` for the first, `(false, x)` for the second.
    fn one_of(
        &self,
        path: &[String],
        first: (&'static str, Option<f64>),
        second: (&'static str, Option<f64>),
    ) -> Result<(bool, f64)> {
        match (first.1, second.1) {
            (Some(x), None) => Ok((true, x)),
            (None, Some(x)) => Ok((false, x)),
            (both, _) => Err(self.ctx.error(
                with(path, if both.is_some() { second.0 } else { first.0 }),
                Problem::ExactlyOneOf {
                    keys: [first.0, second.0],
                },
            )),
        }
    }

    /// `at` or `by` (neither: at the horizon).
    fn timing(&self, entry: &RawOutcome, path: &[String]) -> Result<Timing> {
        match (&entry.at, &entry.by) {
            (Some(_), Some(_)) => Err(self.ctx.error(
                with(path, "by"),
                Problem::ExactlyOneOf { keys: ["at", "by"] },
            )),
            (Some(at), None) => Ok(Timing::At(self.step(at, path, "at")?)),
            (None, Some(by)) => Ok(Timing::By(self.step(by, path, "by")?)),
            (None, None) => Ok(Timing::AtHorizon),
        }
    }

    /// The step of a date within the horizon.
    fn step(&self, text: &str, path: &[String], key: &str) -> Result<u32> {
        let date: YearMonth = text.parse().map_err(|_| {
            self.ctx.error(
                with(path, key),
                Problem::BadDate {
                    text: text.to_string(),
                },
            )
        })?;
        let months = date.months_since(self.start);
        u32::try_from(months)
            .ok()
            .filter(|&m| m <= self.steps)
            .ok_or_else(|| {
                self.ctx.error(
                    with(path, key),
                    Problem::DateOutsideHorizon {
                        date: date.to_string(),
                        start: self.start.to_string(),
                        end: self.start.add_months(self.steps).to_string(),
                    },
                )
            })
    }

    fn resolve(
        &self,
        known: &[String],
        kind: &'static str,
        name: &str,
        path: &[String],
        key: &str,
    ) -> Result<u32> {
        known
            .iter()
            .position(|n| n == name)
            .map(|i| i as u32)
            .ok_or_else(|| {
                self.ctx.error(
                    with(path, key),
                    Problem::UnknownName {
                        kind,
                        name: name.to_string(),
                        known: known.to_vec(),
                    },
                )
            })
    }
}
