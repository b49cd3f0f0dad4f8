//! `[[events]]` entries: from the raw file to typed, validated events.

use super::error::{Problem, ScenarioError};
use super::raw::RawScenario;
use super::validate::{key, Ctx, Names};
use crate::model::bounds::SUM_TOLERANCE;
use crate::model::{Channel, InstitutionId, PowerId, StateId, YearMonth};
use crate::sim::events::{Event, Hazard, ScheduledEvent};

type Result<T> = std::result::Result<T, ScenarioError>;

/// The event kinds a scenario may write.
pub(crate) const EVENT_KINDS: [&str; 10] = crate::sim::events::KINDS;

/// Keys every event takes, whatever its kind.
const TIMING_KEYS: [&str; 5] = ["kind", "at", "monthly", "from", "until"];

/// The keys each kind takes besides the timing keys.
fn kind_keys(kind: &str) -> &'static [&'static str] {
    match kind {
        "war" => &[
            "power",
            "capacity_drain",
            "delivery_drain",
            "recovery",
            "ends",
        ],
        "peace" => &["power"],
        "sanctions" => &[
            "by",
            "on",
            "capacity_drain",
            "delivery_cut",
            "re_exporters",
            "parallel_gain",
            "secondary_hazard",
            "secondary_cost",
            "ends",
        ],
        "secondary_sanctions" => &["by", "state", "cost"],
        "remittance_shock" => &["power", "size", "recovery", "shift", "alternatives"],
        "unrest" => &["state", "severity", "request", "contributors"],
        "security_appeal" => &["state", "institution", "against", "severity"],
        "border_clash" => &["states", "institution", "severity"],
        "diplomatic_crisis" => &["power", "state", "severity"],
        "external_offer" => &["power", "state", "channel", "amount", "rival"],
        _ => &[],
    }
}

/// The keys a raw event gives, in declaration order.
fn given_keys(e: &super::raw::RawEvent) -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut add = |present: bool, name: &'static str| {
        if present {
            out.push(name);
        }
    };
    add(e.power.is_some(), "power");
    add(e.state.is_some(), "state");
    add(e.states.is_some(), "states");
    add(e.institution.is_some(), "institution");
    add(e.against.is_some(), "against");
    add(e.by.is_some(), "by");
    add(e.on.is_some(), "on");
    add(e.rival.is_some(), "rival");
    add(e.channel.is_some(), "channel");
    add(e.severity.is_some(), "severity");
    add(e.request.is_some(), "request");
    add(e.contributors.is_some(), "contributors");
    add(e.capacity_drain.is_some(), "capacity_drain");
    add(e.delivery_drain.is_some(), "delivery_drain");
    add(e.delivery_cut.is_some(), "delivery_cut");
    add(e.recovery.is_some(), "recovery");
    add(e.ends.is_some(), "ends");
    add(e.re_exporters.is_some(), "re_exporters");
    add(e.parallel_gain.is_some(), "parallel_gain");
    add(e.secondary_hazard.is_some(), "secondary_hazard");
    add(e.secondary_cost.is_some(), "secondary_cost");
    add(e.cost.is_some(), "cost");
    add(e.size.is_some(), "size");
    add(e.shift.is_some(), "shift");
    add(e.alternatives.is_some(), "alternatives");
    add(e.amount.is_some(), "amount");
    out
}

/// Severity of an episode when the file leaves it out: a middling one (judgement).
const DEFAULT_SEVERITY: f64 = 0.5;

/// Largest immediate cut (sanctions' delivery cut, a remittance shock): below 1, so that a
/// scaled quantity never vanishes for good and can recover.
const MAX_DEPTH: f64 = 1.0 - 1e-9;

pub(super) fn build_events(
    ctx: &Ctx<'_>,
    raw: &RawScenario,
    names: &Names<'_>,
    start: YearMonth,
    steps: u32,
) -> Result<(Vec<ScheduledEvent>, Vec<Hazard>)> {
    let mut scheduled = Vec::new();
    let mut hazards = Vec::new();
    for (n, e) in raw.events.iter().flatten().enumerate() {
        let index = format!("[{n}]");
        let at_key = |field: &str| -> Vec<String> {
            vec!["events".to_string(), index.clone(), field.to_string()]
        };
        let err = |field: &str, problem: Problem| ctx.error(at_key(field), problem);
        let here = |field: &'static str| -> Vec<&str> { vec!["events", index.as_str(), field] };

        let kind = ctx.required(e.kind.as_deref(), &here("kind"))?;
        if !EVENT_KINDS.contains(&kind) {
            return Err(err(
                "kind",
                Problem::UnknownKind {
                    kind: kind.to_string(),
                },
            ));
        }
        let allowed = kind_keys(kind);
        if let Some(bad) = given_keys(e).into_iter().find(|k| !allowed.contains(k)) {
            let mut all: Vec<&'static str> = TIMING_KEYS.to_vec();
            all.extend_from_slice(allowed);
            return Err(err(
                bad,
                Problem::NotForKind {
                    kind: kind.to_string(),
                    allowed: all,
                },
            ));
        }

        let date = |text: &str, field: &'static str, first: u32| -> Result<u32> {
            let d: YearMonth = text.parse().map_err(|_| {
                err(
                    field,
                    Problem::BadDate {
                        text: text.to_string(),
                    },
                )
            })?;
            let m = d.months_since(start);
            if m < i64::from(first) || m > i64::from(steps) {
                return Err(err(
                    field,
                    Problem::DateOutsideHorizon {
                        date: d.to_string(),
                        start: start.add_months(first).to_string(),
                        end: start.add_months(steps).to_string(),
                    },
                ));
            }
            Ok(m as u32)
        };
        let power = |name: Option<&String>, field: &'static str| -> Result<PowerId> {
            let name = ctx.required(name, &here(field))?;
            Ok(PowerId(
                ctx.resolve(names.powers, "power", name, &here(field))? as u32,
            ))
        };
        let state = |name: &String, path: &[&str]| -> Result<StateId> {
            Ok(StateId(
                ctx.resolve(names.states, "state", name, path)? as u32
            ))
        };
        let one_state = |name: Option<&String>, field: &'static str| -> Result<StateId> {
            state(ctx.required(name, &here(field))?, &here(field))
        };
        // The optional `institution` of an event, which must have every one of `members`.
        let bloc_of = |members: &[StateId]| -> Result<Option<InstitutionId>> {
            let Some(name) = e.institution.as_ref() else {
                return Ok(None);
            };
            let at = here("institution");
            let b =
                InstitutionId(ctx.resolve(names.institutions, "institution", name, &at)? as u32);
            let inst = &names.world.institutions[b.index()];
            for s in members {
                if !inst.members.iter().any(|&(m, _)| m == *s) {
                    return Err(err(
                        "institution",
                        Problem::NotAMember {
                            name: names.states[s.index()].clone(),
                        },
                    ));
                }
            }
            Ok(Some(b))
        };
        // A list of distinct names of one kind, each resolved to its index.
        let distinct = |list: &[String],
                        known: &[String],
                        kind: &'static str,
                        field: &'static str|
         -> Result<Vec<u32>> {
            let mut out: Vec<u32> = Vec::with_capacity(list.len());
            for (m, name) in list.iter().enumerate() {
                let i = format!("[{m}]");
                let path = ["events", index.as_str(), field, i.as_str()];
                let id = ctx.resolve(known, kind, name, &path)? as u32;
                if out.contains(&id) {
                    return Err(ctx.error(key(&path), Problem::Duplicate { name: name.clone() }));
                }
                out.push(id);
            }
            Ok(out)
        };
        let states = |list: &[String], field: &'static str| -> Result<Vec<StateId>> {
            Ok(distinct(list, names.states, "state", field)?
                .into_iter()
                .map(StateId)
                .collect())
        };
        let powers = |field: &'static str| -> Result<Vec<PowerId>> {
            let list = ctx.required(e.by.as_ref(), &here(field))?;
            if list.is_empty() {
                return Err(err(field, Problem::Missing));
            }
            Ok(distinct(list, names.powers, "power", field)?
                .into_iter()
                .map(PowerId)
                .collect())
        };
        let unit = |v: Option<f64>, field: &'static str| -> Result<f64> {
            ctx.required_unit(v, &here(field))
        };
        let unit_or = |v: Option<f64>, default: f64, field: &'static str| -> Result<f64> {
            match v {
                Some(v) => ctx.unit(v, &here(field)),
                None => Ok(default),
            }
        };
        // A depth below 1 keeps a scaled quantity from vanishing for good.
        let below_one =
            |v: f64, path: &[&str]| -> Result<f64> { ctx.number(v, 0.0, MAX_DEPTH, path) };

        // Timing: exactly one of `at` and `monthly`.
        let at = match (&e.at, e.monthly) {
            (Some(text), None) => {
                if e.from.is_some() || e.until.is_some() {
                    let field = if e.from.is_some() { "from" } else { "until" };
                    return Err(err(field, Problem::TimingAmbiguous));
                }
                Some(date(text, "at", 1)?)
            }
            (None, Some(_)) => None,
            _ => return Err(err("at", Problem::TimingAmbiguous)),
        };
        let ends = match &e.ends {
            Some(text) => {
                let step = date(text, "ends", 1)?;
                if let Some(at) = at {
                    if step <= at {
                        return Err(err(
                            "ends",
                            Problem::DatesNotIncreasing {
                                previous: start.add_months(at).to_string(),
                                date: start.add_months(step).to_string(),
                            },
                        ));
                    }
                }
                Some(step)
            }
            None => None,
        };

        let event = match kind {
            "war" => Event::War {
                power: power(e.power.as_ref(), "power")?,
                capacity_drain: unit(e.capacity_drain, "capacity_drain")?,
                delivery_drain: ctx.channels(
                    e.delivery_drain.as_ref(),
                    0.0,
                    &here("delivery_drain"),
                )?,
                recovery: unit(e.recovery, "recovery")?,
                ends,
            },
            "peace" => Event::Peace {
                power: power(e.power.as_ref(), "power")?,
            },
            "sanctions" => {
                let cut = ctx.channels(e.delivery_cut.as_ref(), 0.0, &here("delivery_cut"))?;
                for ch in Channel::ALL {
                    below_one(
                        cut[ch.index()],
                        &[&here("delivery_cut")[..], &[ch.name()]].concat(),
                    )?;
                }
                let by = powers("by")?;
                let on = power(e.on.as_ref(), "on")?;
                if by.contains(&on) {
                    return Err(err(
                        "on",
                        Problem::Duplicate {
                            name: names.powers[on.index()].clone(),
                        },
                    ));
                }
                Event::Sanctions {
                    by,
                    on,
                    capacity_drain: unit(e.capacity_drain, "capacity_drain")?,
                    delivery_cut: cut,
                    re_exporters: states(e.re_exporters.as_deref().unwrap_or(&[]), "re_exporters")?,
                    parallel_gain: unit_or(e.parallel_gain, 0.0, "parallel_gain")?,
                    secondary_hazard: unit_or(e.secondary_hazard, 0.0, "secondary_hazard")?,
                    secondary_cost: unit_or(e.secondary_cost, 0.0, "secondary_cost")?,
                    ends,
                }
            }
            "secondary_sanctions" => Event::SecondarySanctions {
                by: powers("by")?,
                state: one_state(e.state.as_ref(), "state")?,
                cost: unit(e.cost, "cost")?,
            },
            "remittance_shock" => {
                let power = power(e.power.as_ref(), "power")?;
                let mut alternatives = Vec::new();
                let mut sum = 0.0;
                for (name, &w) in e.alternatives.iter().flatten() {
                    let path = ["events", index.as_str(), "alternatives", name.as_str()];
                    let q = PowerId(ctx.resolve(names.powers, "power", name, &path)? as u32);
                    if q == power {
                        return Err(
                            ctx.error(key(&path), Problem::Duplicate { name: name.clone() })
                        );
                    }
                    let w = ctx.unit(w, &path)?;
                    sum += w;
                    alternatives.push((q, w));
                }
                if sum > 1.0 + SUM_TOLERANCE {
                    return Err(err("alternatives", Problem::WeightsAboveOne { sum }));
                }
                Event::RemittanceShock {
                    power,
                    size: below_one(ctx.required(e.size, &here("size"))?, &here("size"))?,
                    recovery: unit(e.recovery, "recovery")?,
                    shift: unit_or(e.shift, 0.0, "shift")?,
                    alternatives,
                }
            }
            "unrest" => {
                let s = one_state(e.state.as_ref(), "state")?;
                let contributors = match &e.contributors {
                    Some(list) => {
                        let ids = states(list, "contributors")?;
                        // A contingent comes from a fellow member of one of the state's blocs.
                        for (m, c) in ids.iter().enumerate() {
                            let shares_a_bloc = names.world.institutions.iter().any(|inst| {
                                inst.leader.is_some()
                                    && inst.members.iter().any(|&(x, _)| x == s)
                                    && inst.members.iter().any(|&(x, _)| x == *c)
                            });
                            if !shares_a_bloc || *c == s {
                                let i = format!("[{m}]");
                                return Err(ctx.error(
                                    key(&["events", index.as_str(), "contributors", i.as_str()]),
                                    Problem::NotAMember {
                                        name: list[m].clone(),
                                    },
                                ));
                            }
                        }
                        Some(ids)
                    }
                    None => None,
                };
                Event::Unrest {
                    state: s,
                    severity: match e.severity {
                        Some(v) => Some(ctx.unit(v, &here("severity"))?),
                        None => None,
                    },
                    request: e.request,
                    contributors,
                }
            }
            "security_appeal" => {
                let s = one_state(e.state.as_ref(), "state")?;
                let institution = bloc_of(&[s])?;
                let against = match &e.against {
                    Some(name) => {
                        let j = state(name, &here("against"))?;
                        if j == s {
                            return Err(err("against", Problem::SameStates));
                        }
                        Some(j)
                    }
                    None => None,
                };
                Event::SecurityAppeal {
                    state: s,
                    institution,
                    against,
                    severity: unit_or(e.severity, DEFAULT_SEVERITY, "severity")?,
                }
            }
            "border_clash" => {
                let list = ctx.required(e.states.as_ref(), &here("states"))?;
                if list.len() != 2 {
                    return Err(err(
                        "states",
                        Problem::OutOfRange {
                            value: list.len() as f64,
                            min: 2.0,
                            max: 2.0,
                        },
                    ));
                }
                let pair = states(list, "states").map_err(|e| match e {
                    ScenarioError::Invalid {
                        file,
                        line,
                        key,
                        problem: Problem::Duplicate { .. },
                    } => ScenarioError::Invalid {
                        file,
                        line,
                        key,
                        problem: Problem::SameStates,
                    },
                    other => other,
                })?;
                let institution = bloc_of(&pair)?;
                Event::BorderClash {
                    states: [pair[0], pair[1]],
                    institution,
                    severity: unit_or(e.severity, DEFAULT_SEVERITY, "severity")?,
                }
            }
            "diplomatic_crisis" => Event::DiplomaticCrisis {
                power: power(e.power.as_ref(), "power")?,
                state: one_state(e.state.as_ref(), "state")?,
                severity: unit_or(e.severity, DEFAULT_SEVERITY, "severity")?,
            },
            "external_offer" => {
                let offering = power(e.power.as_ref(), "power")?;
                let name = ctx.required(e.channel.as_ref(), &here("channel"))?;
                let channel = Channel::ALL
                    .into_iter()
                    .find(|c| c.name() == name)
                    .ok_or_else(|| {
                        err(
                            "channel",
                            Problem::UnknownName {
                                kind: "channel",
                                name: name.clone(),
                                known: Channel::ALL.iter().map(|c| c.name().to_string()).collect(),
                            },
                        )
                    })?;
                let rival = match &e.rival {
                    Some(_) => {
                        let r = power(e.rival.as_ref(), "rival")?;
                        if r == offering {
                            return Err(err(
                                "rival",
                                Problem::Duplicate {
                                    name: names.powers[r.index()].clone(),
                                },
                            ));
                        }
                        Some(r)
                    }
                    None => None,
                };
                Event::ExternalOffer {
                    power: offering,
                    state: one_state(e.state.as_ref(), "state")?,
                    channel,
                    amount: unit(e.amount, "amount")?,
                    rival,
                }
            }
            _ => unreachable!("kinds are checked against EVENT_KINDS above"),
        };

        match at {
            Some(step) => scheduled.push(ScheduledEvent { step, event }),
            None => {
                let monthly = unit(e.monthly, "monthly")?;
                let from = match &e.from {
                    Some(text) => date(text, "from", 1)?,
                    None => 1,
                };
                let until = match &e.until {
                    Some(text) => date(text, "until", 1)?,
                    None => steps,
                };
                if until < from {
                    return Err(err(
                        "until",
                        Problem::DatesNotIncreasing {
                            previous: start.add_months(from).to_string(),
                            date: start.add_months(until).to_string(),
                        },
                    ));
                }
                hazards.push(Hazard {
                    monthly,
                    from,
                    until,
                    event,
                });
            }
        }
    }
    Ok((scheduled, hazards))
}
