//! From the merged key tree to a validated [`Scenario`]: every number checked, every name
//! resolved to an id, every rule of the model enforced, each refusal located in its file.

use super::error::{Problem, ScenarioError};
use super::load::{KeyPath, Merged};
use super::raw::{RawChannels, RawPoint, RawScenario};
use super::{Scenario, YearMonth, MAX_STEPS};
use crate::drivers::{Driver, DriverTarget, Path};
use crate::events::{Event, Hazard, ScheduledEvent};
use crate::world::bounds::{CAPACITY, LARGE, NOISE, SUM_TOLERANCE, TEMPERATURE, THREAT_WEIGHT};
use crate::world::{
    tie_index, Channel, Disposition, DispositionParams, Institution, InstitutionId, Parameters,
    Participation, PerChannel, Power, PowerId, State, StateId, World,
};
use indexmap::IndexMap;

type Result<T> = std::result::Result<T, ScenarioError>;

struct Ctx<'a> {
    merged: &'a Merged,
}

fn key(parts: &[&str]) -> KeyPath {
    parts.iter().map(|s| s.to_string()).collect()
}

impl Ctx<'_> {
    fn error(&self, path: KeyPath, problem: Problem) -> ScenarioError {
        let (file, line) = self.merged.locate(&path);
        ScenarioError::Invalid {
            file,
            line,
            key: super::load::display_key(&path),
            problem,
        }
    }

    fn required<T>(&self, value: Option<T>, path: &[&str]) -> Result<T> {
        value.ok_or_else(|| self.error(key(path), Problem::Missing))
    }

    /// A finite number in `[min, max]`.
    fn number(&self, value: f64, min: f64, max: f64, path: &[&str]) -> Result<f64> {
        if !value.is_finite() {
            return Err(self.error(key(path), Problem::NotFinite { value }));
        }
        if value < min || value > max {
            return Err(self.error(key(path), Problem::OutOfRange { value, min, max }));
        }
        Ok(value)
    }

    fn unit(&self, value: f64, path: &[&str]) -> Result<f64> {
        self.number(value, 0.0, 1.0, path)
    }

    /// A required number in [0, 1].
    fn required_unit(&self, value: Option<f64>, path: &[&str]) -> Result<f64> {
        self.unit(self.required(value, path)?, path)
    }

    /// Per-channel values in [0, 1], `default` for missing channels.
    fn channels(
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

    fn resolve(
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
    fn per_power(
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
        // h ≤ 1/2 keeps every perturbation factor non-negative (see `crate::dynamics`).
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

struct Names<'a> {
    powers: &'a [String],
    states: &'a [String],
    institutions: &'a [String],
    world: &'a World,
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

/// The event kinds a scenario may write.
pub(crate) const EVENT_KINDS: [&str; 10] = crate::events::KINDS;

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

fn build_events(
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
