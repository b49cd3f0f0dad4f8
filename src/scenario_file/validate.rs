//! From the merged key tree to a validated [`Scenario`]: every number checked, every name
//! resolved to an id, every rule of the model enforced, each refusal located in its file.

use super::error::{Problem, ScenarioError};
use super::events::build_events;
use super::load::{KeyPath, Merged};
use super::raw::{RawChannels, RawPoint, RawScenario};
use crate::model::bounds::{CAPACITY, LARGE, NOISE, SUM_TOLERANCE, TEMPERATURE, THREAT_WEIGHT};
use crate::model::YearMonth;
use crate::model::{
    tie_index, Channel, Disposition, DispositionParams, Institution, InstitutionId, Parameters,
    Participation, PerChannel, Power, PowerId, State, StateId, World,
};
use crate::sim::drivers::{Driver, DriverTarget, Path};
use crate::sim::{Scenario, MAX_STEPS};
use indexmap::IndexMap;

type Result<T> = std::result::Result<T, ScenarioError>;

pub(super) struct Ctx<'a> {
    merged: &'a Merged,
}

pub(super) fn key(parts: &[&str]) -> KeyPath {
    parts.iter().map(|s| s.to_string()).collect()
}

impl Ctx<'_> {
    pub(super) fn error(&self, path: KeyPath, problem: Problem) -> ScenarioError {
        let (file, line) = self.merged.locate(&path);
        ScenarioError::Invalid {
            file,
            line,
            key: super::load::display_key(&path),
            problem,
        }
    }

    pub(super) fn required<T>(&self, value: Option<T>, path: &[&str]) -> Result<T> {
        value.ok_or_else(|| self.error(key(path), Problem::Missing))
    }

    /// A finite number in `[min, max]`.
    pub(super) fn number(&self, value: f64, min: f64, max: f64, path: &[&str]) -> Result<f64> {
        if !value.is_finite() {
            return Err(self.error(key(path), Problem::NotFinite { value }));
        }
        if value < min || value > max {
            return Err(self.error(key(path), Problem::OutOfRange { value, min, max }));
        }
        Ok(value)
    }

    pub(super) fn unit(&self, value: f64, path: &[&str]) -> Result<f64> {
        self.number(value, 0.0, 1.0, path)
    }

    /// A required number in [0, 1].
    pub(super) fn required_unit(&self, value: Option<f64>, path: &[&str]) -> Result<f64> {
        self.unit(self.required(value, path)?, path)
    }

    /// Per-channel values in [0, 1], `default` for missing channels.
    pub(super) fn channels(
        &self,
        raw: Option<&RawChannels>,
        default: f64,
        path: &[&str],
    ) -> Result<PerChannel> {
        let mut out = [default; Channel::COUNT];
        if let Some(raw) = raw {
            for (ch, value) in Channel::ALL.iter().zip(raw.as_array()) {
                if let Some(&v) = value {
                    out[ch.index()] = self.unit(v, &[path, &[ch.name()]].concat())?;
                }
            }
        }
        Ok(out)
    }

    pub(super) fn resolve(
        &self,
        names: &[String],
        kind: &'static str,
        name: &str,
        path: &[&str],
    ) -> Result<usize> {
        names.iter().position(|n| n == name).ok_or_else(|| {
            self.error(
                key(path),
                Problem::UnknownName {
                    kind,
                    name: name.to_string(),
                    known: names.to_vec(),
                },
            )
        })
    }

    /// Per-power values in [0, 1] from a map keyed by power name; missing powers get 0.
    pub(super) fn per_power(
        &self,
        map: Option<&IndexMap<String, f64>>,
        powers: &[String],
        path: &[&str],
    ) -> Result<Vec<f64>> {
        let mut out = vec![0.0; powers.len()];
        for (name, &v) in map.into_iter().flatten() {
            let at = [path, &[name.as_str()]].concat();
            let p = self.resolve(powers, "power", name, &at)?;
            out[p] = self.unit(v, &at)?;
        }
        Ok(out)
    }
}

pub(crate) fn build(merged: &Merged) -> Result<Scenario> {
    let ctx = Ctx { merged };
    let raw: RawScenario = match merged.table.clone().try_into() {
        Ok(raw) => raw,
        Err(e) => {
            // Each file passed the typed pass alone, so this is not expected; report it anyway.
            let (file, _) = merged.locate(&[]);
            return Err(ScenarioError::Syntax {
                file,
                line: None,
                column: None,
                key: None,
                message: e.message().to_string(),
            });
        }
    };

    let name = ctx.required(raw.name.clone(), &["name"])?;
    let seed = ctx.required(raw.seed, &["seed"])?;
    if seed < 0 {
        return Err(ctx.error(key(&["seed"]), Problem::NegativeSeed { seed }));
    }
    let horizon = ctx.required(raw.horizon.as_ref(), &["horizon"])?;
    let start_text = ctx.required(horizon.start.as_ref(), &["horizon", "start"])?;
    let start: YearMonth = start_text.parse().map_err(|_| {
        ctx.error(
            key(&["horizon", "start"]),
            Problem::BadDate {
                text: start_text.clone(),
            },
        )
    })?;
    let steps = ctx.required(horizon.steps, &["horizon", "steps"])?;
    if steps <= 0 {
        return Err(ctx.error(
            key(&["horizon", "steps"]),
            Problem::NonPositiveHorizon { steps },
        ));
    }
    if steps > i64::from(MAX_STEPS) {
        return Err(ctx.error(
            key(&["horizon", "steps"]),
            Problem::HorizonTooLong {
                steps,
                limit: MAX_STEPS,
            },
        ));
    }
    let steps = steps as u32;

    let parameters = build_parameters(&ctx, &raw)?;

    // Powers.
    let raw_powers = raw.powers.as_ref().filter(|m| !m.is_empty());
    let raw_powers = raw_powers
        .ok_or_else(|| ctx.error(key(&["powers"]), Problem::EmptyWorld { what: "powers" }))?;
    let power_names: Vec<String> = raw_powers.keys().cloned().collect();
    let mut powers = Vec::with_capacity(raw_powers.len());
    for (pname, rp) in raw_powers {
        if pname == "autonomy" {
            return Err(ctx.error(
                key(&["powers", pname.as_str()]),
                Problem::ReservedName {
                    name: pname.clone(),
                },
            ));
        }
        let at = |field: &'static str| -> Vec<&str> { vec!["powers", pname.as_str(), field] };
        // Capacity is an index with 1.0 at the power's own start level, so 1.0 is the default
        // by definition; a power may grow up to the bound `CAPACITY`.
        let capacity = ctx.number(
            rp.capacity.unwrap_or(1.0),
            CAPACITY.0,
            CAPACITY.1,
            &at("capacity"),
        )?;
        let coercion = ctx.required_unit(rp.coercion, &at("coercion"))?;
        // A power delivers what a channel promises unless the scenario says otherwise.
        let delivery = ctx.channels(rp.delivery.as_ref(), 1.0, &at("delivery"))?;
        powers.push(Power {
            name: pname.clone(),
            capacity,
            coercion,
            delivery,
        });
    }
    let np = powers.len();

    // States.
    let raw_states = raw.states.as_ref().filter(|m| !m.is_empty());
    let raw_states = raw_states
        .ok_or_else(|| ctx.error(key(&["states"]), Problem::EmptyWorld { what: "states" }))?;
    let state_names: Vec<String> = raw_states.keys().cloned().collect();
    let mut states = Vec::with_capacity(raw_states.len());
    let mut ties = vec![0.0; raw_states.len() * np * Channel::COUNT];
    for (si, (sname, rs)) in raw_states.iter().enumerate() {
        let s = sname.as_str();
        let at = |field: &'static str| -> Vec<&str> { vec!["states", s, field] };
        let disposition = ctx.required(rs.disposition, &at("disposition"))?;
        let defaults = parameters.dispositions[disposition.index()];
        let response = DispositionParams {
            threat_weight: match rs.threat_weight {
                Some(v) => ctx.number(v, THREAT_WEIGHT.0, THREAT_WEIGHT.1, &at("threat_weight"))?,
                None => defaults.threat_weight,
            },
            temperature: match rs.temperature {
                Some(v) => ctx.number(v, TEMPERATURE.0, TEMPERATURE.1, &at("temperature"))?,
                None => defaults.temperature,
            },
            dependence_aversion: match rs.dependence_aversion {
                Some(v) => ctx.unit(v, &at("dependence_aversion"))?,
                None => defaults.dependence_aversion,
            },
        };
        let inertia = ctx.required_unit(rs.inertia, &at("inertia"))?;
        let stubbornness = ctx.required_unit(rs.stubbornness, &at("stubbornness"))?;
        let fragility = ctx.required_unit(rs.fragility, &at("fragility"))?;
        let fixed = rs.fixed.unwrap_or(false);

        let salience = ctx.channels(
            Some(ctx.required(rs.salience.as_ref(), &at("salience"))?),
            0.0,
            &at("salience"),
        )?;
        let sum: f64 = salience.iter().sum();
        if (sum - 1.0).abs() > SUM_TOLERANCE {
            return Err(ctx.error(key(&at("salience")), Problem::SumNotOne { sum }));
        }

        let raw_alignment = ctx.required(rs.alignment.as_ref(), &at("alignment"))?;
        let mut alignment = vec![0.0; np + 1];
        for (name, &v) in raw_alignment {
            let path = ["states", s, "alignment", name.as_str()];
            let j = if name == "autonomy" {
                np
            } else {
                ctx.resolve(&power_names, "power", name, &path)?
            };
            alignment[j] = ctx.unit(v, &path)?;
        }
        let sum: f64 = alignment.iter().sum();
        if (sum - 1.0).abs() > SUM_TOLERANCE {
            return Err(ctx.error(key(&at("alignment")), Problem::SumNotOne { sum }));
        }
        alignment.iter_mut().for_each(|a| *a /= sum);
        if parameters.calibrate_intercepts && !fixed {
            if let Some(j) = alignment.iter().position(|&a| a <= 0.0) {
                let component = power_names.get(j).map_or("autonomy", String::as_str);
                return Err(ctx.error(
                    key(&["states", s, "alignment", component]),
                    Problem::ZeroShareWithCalibration,
                ));
            }
        }

        let proximity = ctx.per_power(rs.proximity.as_ref(), &power_names, &at("proximity"))?;
        let coethnic = ctx.per_power(rs.coethnic.as_ref(), &power_names, &at("coethnic"))?;
        for (pname, channels) in rs.ties.iter().flatten() {
            let path = ["states", s, "ties", pname.as_str()];
            let p = ctx.resolve(&power_names, "power", pname, &path)?;
            let values = ctx.channels(Some(channels), 0.0, &path)?;
            let base = tie_index(np, si, p, 0);
            ties[base..base + Channel::COUNT].copy_from_slice(&values);
        }
        for ch in Channel::ALL {
            if parameters.feedback[ch.index()] > 0.0 {
                let sum: f64 = (0..np)
                    .map(|p| ties[tie_index(np, si, p, ch.index())])
                    .sum();
                if sum > 1.0 + SUM_TOLERANCE {
                    return Err(
                        ctx.error(key(&["states", s, "ties"]), Problem::SumAboveOne { sum })
                    );
                }
            }
        }

        states.push(State {
            name: sname.clone(),
            disposition,
            response,
            inertia,
            stubbornness,
            fragility,
            fixed,
            salience,
            alignment,
            proximity,
            coethnic,
        });
    }

    // Institutions.
    let mut institutions = Vec::new();
    let inst_names: Vec<String> = raw
        .institutions
        .iter()
        .flatten()
        .map(|(n, _)| n.clone())
        .collect();
    for (iname, ri) in raw.institutions.iter().flatten() {
        let i = iname.as_str();
        let at = |field: &'static str| -> Vec<&str> { vec!["institutions", i, field] };
        let leader = match &ri.leader {
            Some(l) => Some(PowerId(
                ctx.resolve(&power_names, "power", l, &at("leader"))? as u32,
            )),
            None => None,
        };
        let credibility = ctx.required_unit(ri.credibility, &at("credibility"))?;
        let carries = ctx.channels(ri.carries.as_ref(), 0.0, &at("carries"))?;
        let listed = ctx.required(ri.members.as_ref(), &at("members"))?;
        let mut members: Vec<(StateId, Participation)> = Vec::with_capacity(listed.len());
        for (m, member) in listed.iter().enumerate() {
            let index = format!("[{m}]");
            let path = ["institutions", i, "members", index.as_str()];
            let sid = StateId(ctx.resolve(&state_names, "state", member, &path)? as u32);
            if members.iter().any(|&(s, _)| s == sid) {
                return Err(ctx.error(
                    key(&path),
                    Problem::DuplicateMember {
                        name: member.clone(),
                    },
                ));
            }
            members.push((sid, Participation::Active));
        }
        for (member, &participation) in ri.participation.iter().flatten() {
            let path = ["institutions", i, "participation", member.as_str()];
            let sid = StateId(ctx.resolve(&state_names, "state", member, &path)? as u32);
            match members.iter_mut().find(|(s, _)| *s == sid) {
                Some(slot) => slot.1 = participation,
                None => {
                    return Err(ctx.error(
                        key(&path),
                        Problem::NotAMember {
                            name: member.clone(),
                        },
                    ))
                }
            }
        }
        let mut unanswered = vec![0; members.len()];
        for (member, &count) in ri.unanswered.iter().flatten() {
            let path = ["institutions", i, "unanswered", member.as_str()];
            let sid = StateId(ctx.resolve(&state_names, "state", member, &path)? as u32);
            match members.iter().position(|(s, _)| *s == sid) {
                Some(slot) => unanswered[slot] = count,
                None => {
                    return Err(ctx.error(
                        key(&path),
                        Problem::NotAMember {
                            name: member.clone(),
                        },
                    ))
                }
            }
        }
        institutions.push(Institution {
            name: iname.clone(),
            leader,
            credibility,
            carries,
            members,
            unanswered,
        });
    }

    let world = World {
        powers,
        states,
        institutions,
        ties,
        parameters,
    };

    let names = Names {
        powers: &power_names,
        states: &state_names,
        institutions: &inst_names,
        world: &world,
    };
    let drivers = build_drivers(&ctx, &raw, &names, start, steps)?;
    let (events, hazards) = build_events(&ctx, &raw, &names, start, steps)?;

    Ok(Scenario {
        name,
        description: raw.description.clone().unwrap_or_default(),
        seed: seed as u64,
        start,
        steps,
        world,
        drivers,
        events,
        hazards,
    })
}

fn build_parameters(ctx: &Ctx<'_>, raw: &RawScenario) -> Result<Parameters> {
    let mut p = Parameters::default();
    let Some(rp) = raw.parameters.as_ref() else {
        return Ok(p);
    };
    if let Some(v) = rp.noise {
        // h ≤ 1/2 keeps every perturbation factor non-negative (see `crate::sim::dynamics`).
        p.noise = ctx.number(v, NOISE.0, NOISE.1, &["parameters", "noise"])?;
    }
    if let Some(v) = rp.peer_weight {
        p.peer_weight = ctx.number(v, LARGE.0, LARGE.1, &["parameters", "peer_weight"])?;
    }
    if let Some(v) = rp.coethnic_leverage {
        p.coethnic_leverage =
            ctx.number(v, LARGE.0, LARGE.1, &["parameters", "coethnic_leverage"])?;
    }
    if let Some(v) = rp.calibrate_intercepts {
        p.calibrate_intercepts = v;
    }
    if let Some(feedback) = rp.feedback.as_ref() {
        for (ch, value) in Channel::ALL.iter().zip(feedback.as_array()) {
            if let Some(&v) = value {
                p.feedback[ch.index()] = ctx.unit(v, &["parameters", "feedback", ch.name()])?;
            }
        }
    }
    if let Some(events) = rp.events.as_ref() {
        for (name, value, min, max) in events.ranges() {
            ctx.number(value, min, max, &["parameters", "events", name])?;
        }
        if events.exit_after < events.suspend_after {
            return Err(ctx.error(
                key(&["parameters", "events", "exit_after"]),
                Problem::OutOfRange {
                    value: f64::from(events.exit_after),
                    min: f64::from(events.suspend_after),
                    max: f64::from(u32::MAX),
                },
            ));
        }
        p.events = events.clone();
    }
    if let Some(dispositions) = rp.dispositions.as_ref() {
        for d in Disposition::ALL {
            let Some(r) = dispositions.get(d) else {
                continue;
            };
            let at = |field: &'static str| ["parameters", "dispositions", d.name(), field];
            let slot = &mut p.dispositions[d.index()];
            if let Some(v) = r.threat_weight {
                slot.threat_weight =
                    ctx.number(v, THREAT_WEIGHT.0, THREAT_WEIGHT.1, &at("threat_weight"))?;
            }
            if let Some(v) = r.temperature {
                slot.temperature =
                    ctx.number(v, TEMPERATURE.0, TEMPERATURE.1, &at("temperature"))?;
            }
            if let Some(v) = r.dependence_aversion {
                slot.dependence_aversion = ctx.unit(v, &at("dependence_aversion"))?;
            }
        }
    }
    Ok(p)
}

pub(super) struct Names<'a> {
    pub(super) powers: &'a [String],
    pub(super) states: &'a [String],
    pub(super) institutions: &'a [String],
    pub(super) world: &'a World,
}

fn build_drivers(
    ctx: &Ctx<'_>,
    raw: &RawScenario,
    names: &Names<'_>,
    start: YearMonth,
    steps: u32,
) -> Result<Vec<Driver>> {
    let Some(rd) = raw.drivers.as_ref() else {
        return Ok(Vec::new());
    };
    let mut drivers = Vec::new();
    let path = |points: &[RawPoint], max: f64, at: &[&str]| -> Result<Path> {
        build_path(ctx, points, max, at, start, steps)
    };
    for (pname, pd) in rd.powers.iter().flatten() {
        let base = ["drivers", "powers", pname.as_str()];
        let p = PowerId(ctx.resolve(names.powers, "power", pname, &base)? as u32);
        if let Some(points) = &pd.capacity {
            let at = [&base[..], &["capacity"]].concat();
            drivers.push(Driver {
                target: DriverTarget::Capacity(p),
                path: path(points, CAPACITY.1, &at)?,
            });
        }
        if let Some(points) = &pd.coercion {
            let at = [&base[..], &["coercion"]].concat();
            drivers.push(Driver {
                target: DriverTarget::Coercion(p),
                path: path(points, 1.0, &at)?,
            });
        }
        for (ch, points) in Channel::ALL
            .iter()
            .zip(pd.delivery.iter().flat_map(|d| d.as_array()))
        {
            if let Some(points) = points {
                let at = [&base[..], &["delivery", ch.name()]].concat();
                drivers.push(Driver {
                    target: DriverTarget::Delivery(p, *ch),
                    path: path(points, 1.0, &at)?,
                });
            }
        }
    }
    for (iname, id) in rd.institutions.iter().flatten() {
        let base = ["drivers", "institutions", iname.as_str()];
        let i = InstitutionId(ctx.resolve(names.institutions, "institution", iname, &base)? as u32);
        if let Some(points) = &id.credibility {
            let at = [&base[..], &["credibility"]].concat();
            drivers.push(Driver {
                target: DriverTarget::Credibility(i),
                path: path(points, 1.0, &at)?,
            });
        }
    }
    for (sname, by_power) in rd.ties.iter().flatten() {
        let sbase = ["drivers", "ties", sname.as_str()];
        let s = StateId(ctx.resolve(names.states, "state", sname, &sbase)? as u32);
        for (pname, channels) in by_power {
            let base = [&sbase[..], &[pname.as_str()]].concat();
            let p = PowerId(ctx.resolve(names.powers, "power", pname, &base)? as u32);
            for (ch, points) in Channel::ALL.iter().zip(channels.as_array()) {
                if let Some(points) = points {
                    let at = [&base[..], &[ch.name()]].concat();
                    drivers.push(Driver {
                        target: DriverTarget::Tie(s, p, *ch),
                        path: path(points, 1.0, &at)?,
                    });
                }
            }
        }
    }
    Ok(drivers)
}

fn build_path(
    ctx: &Ctx<'_>,
    points: &[RawPoint],
    max: f64,
    at: &[&str],
    start: YearMonth,
    steps: u32,
) -> Result<Path> {
    if points.is_empty() {
        return Err(ctx.error(key(at), Problem::EmptyPath));
    }
    let end = start.add_months(steps);
    let mut out: Vec<(u32, f64)> = Vec::with_capacity(points.len());
    let mut previous: Option<YearMonth> = None;
    for (n, point) in points.iter().enumerate() {
        let index = format!("[{n}]");
        let here = |field: &'static str| -> Vec<&str> { [at, &[index.as_str(), field]].concat() };
        let date: YearMonth = point.at.parse().map_err(|_| {
            ctx.error(
                key(&here("at")),
                Problem::BadDate {
                    text: point.at.clone(),
                },
            )
        })?;
        if date < start || date > end {
            return Err(ctx.error(
                key(&here("at")),
                Problem::DateOutsideHorizon {
                    date: date.to_string(),
                    start: start.to_string(),
                    end: end.to_string(),
                },
            ));
        }
        if let Some(prev) = previous {
            if date <= prev {
                return Err(ctx.error(
                    key(&here("at")),
                    Problem::DatesNotIncreasing {
                        previous: prev.to_string(),
                        date: date.to_string(),
                    },
                ));
            }
        }
        previous = Some(date);
        let value = ctx.number(point.value, 0.0, max, &here("value"))?;
        out.push((date.months_since(start) as u32, value));
    }
    Ok(Path::new(out))
}
