//! From the merged key tree to a validated [`Scenario`]: the file's world turned into
//! [`WorldBuilder`] calls and its drivers and events into the scenario's checked methods, so
//! that every rule of the model lives once, in the builder and the scenario. This module checks
//! only what is about the file (required keys, names, dates, the types of counts) and maps each
//! refusal of the builder or the scenario back to the file, line and key path that set the
//! value.

use super::error::{Problem, ScenarioError};
use super::events::build_events;
use super::load::{KeyPath, Merged};
use super::raw::{RawCamp, RawChannels, RawInstitution, RawPoint, RawScenario, RawState};
use super::Loaded;
use crate::model::names::{reserved_for_autonomy, shown};
use crate::model::{
    Camp, Channel, Disposition, DispositionParams, Entity, Institution, InstitutionId, Parameters,
    Participation, PerChannel, Power, PowerId, State, StateId, Warning, WarningKind, World,
    WorldBuilder, WorldError, YearMonth, AUTONOMY,
};
use crate::sim::drivers::{Driver, DriverTarget, Path, PointValue};
use crate::sim::scenario::check_horizon;
use crate::sim::{Scenario, ScenarioRuleError, MAX_STEPS};
use indexmap::IndexMap;

type Result<T> = std::result::Result<T, ScenarioError>;

pub(super) struct Ctx<'a> {
    merged: &'a Merged,
}

pub(super) fn key(parts: &[&str]) -> KeyPath {
    parts.iter().map(|s| s.to_string()).collect()
}

impl Ctx<'_> {
    /// The refusal of the value at `path`, in the file and at the line that set it — or, when
    /// an extending file broke an inherited value by overriding a key the rule relates it to,
    /// at that override.
    pub(super) fn error(&self, path: KeyPath, problem: Problem) -> ScenarioError {
        for cause in super::overrides::causes(&self.merged.table, &path, &problem) {
            if let Some((file, line)) = self.merged.overriding(&cause, &path) {
                let (base, base_line) = self.merged.locate(&path);
                return ScenarioError::BrokenByOverride {
                    file,
                    line,
                    key: super::load::display_key(&cause),
                    broken: super::load::display_key(&path),
                    base,
                    base_line,
                    problem: Box::new(problem),
                };
            }
        }
        let (file, line) = self.merged.locate(&path);
        ScenarioError::Invalid {
            file,
            line,
            // A name may hold a control or invisible character (refused, but named in the
            // message): the key shows it escaped, so the message is one line and reads true.
            key: super::load::display_key(&path.iter().map(|s| shown(s)).collect::<Vec<_>>()),
            problem,
        }
    }

    /// `warning` located in the file that set its key.
    fn locate(&self, mut warning: Warning) -> Warning {
        let (file, line) = self.merged.locate(&warning.path);
        warning.file = Some(file);
        warning.line = line;
        warning
    }

    pub(super) fn required<T>(&self, value: Option<T>, path: &[&str]) -> Result<T> {
        value.ok_or_else(|| self.error(key(path), Problem::Missing))
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
}

pub(super) struct Names<'a> {
    pub(super) powers: &'a [String],
    pub(super) states: &'a [String],
    pub(super) institutions: &'a [String],
    pub(super) world: &'a World,
}

/// What the top of the file says about the scenario itself.
struct Header {
    name: String,
    description: String,
    seed: u64,
    start: YearMonth,
    steps: u32,
}

pub(crate) fn build(merged: &Merged) -> Result<Loaded> {
    let ctx = Ctx { merged };
    let mut warnings = emptied(&ctx)?;
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
    let header = header(&ctx, &raw)?;
    let world = world_builder(&ctx, &raw)?
        .build()
        .map_err(|e| world_error(&ctx, &raw, e))?;

    let power_names: Vec<String> = world.powers().iter().map(|p| p.name.clone()).collect();
    let state_names: Vec<String> = world.states().iter().map(|s| s.name.clone()).collect();
    let inst_names: Vec<String> = world
        .institutions()
        .iter()
        .map(|i| i.name.clone())
        .collect();
    let names = Names {
        powers: &power_names,
        states: &state_names,
        institutions: &inst_names,
        world: &world,
    };
    let (start, steps) = (header.start, header.steps);
    let mut scenario = Scenario::builder(world.clone())
        .name(header.name)
        .description(header.description)
        .seed(header.seed)
        .start(start)
        .steps(steps)
        .build()
        .map_err(|e| ctx.error(key(&["horizon", "steps"]), Problem::Scenario(e)))?;

    let end = start.add_months(steps);
    let drivers = build_drivers(&ctx, &raw, &names, start, end)?;
    for (driver, at) in &drivers {
        scenario
            .add_driver(driver.clone())
            .map_err(|e| driver_error(&ctx, at, start, end, e))?;
    }

    build_events(&ctx, &raw, &names, start, &mut scenario)?;
    super::outcomes::build_outcomes(&ctx, raw.outcomes.as_ref(), &names, start, &mut scenario)?;
    warnings.extend(scenario.warnings().into_iter().map(|w| ctx.locate(w)));
    let no_ops = super::no_ops::warnings(
        merged,
        &scenario,
        &drivers,
        raw.events.as_deref().unwrap_or_default(),
    );
    warnings.extend(no_ops.into_iter().map(|w| ctx.locate(w)));
    Ok(Loaded { scenario, warnings })
}

/// What the file's empty tables and arrays over its base's values mean: an empty table
/// changes nothing, so it is refused; emptied `events` under the base's name is warned of.
fn emptied(ctx: &Ctx<'_>) -> Result<Vec<Warning>> {
    let mut warnings = Vec::new();
    for emptied in &ctx.merged.emptied {
        if emptied.table {
            let problem = Problem::EmptyTableOverride {
                base_keys: emptied.base_len,
            };
            return Err(ctx.error(emptied.path.clone(), problem));
        }
        let events = key(&["events"]);
        let name = key(&["name"]);
        // The name comes from the base when another file set it than the one emptying events.
        if emptied.path == events && ctx.merged.locate(&name).0 != ctx.merged.locate(&events).0 {
            let kept = ctx.merged.table.get("name").and_then(|n| n.as_str());
            let warning = Warning::at(
                events,
                WarningKind::EventsEmptiedKeepName {
                    name: kept.unwrap_or_default().to_string(),
                },
            );
            warnings.push(ctx.locate(warning));
        }
    }
    Ok(warnings)
}

/// Name, description, seed and horizon, checked for what the file can get wrong: a missing
/// key, a negative number where the model counts, a malformed date.
fn header(ctx: &Ctx<'_>, raw: &RawScenario) -> Result<Header> {
    let name = ctx.required(raw.name.clone(), &["name"])?;
    let seed = ctx.required(raw.seed, &["seed"])?;
    let seed = u64::try_from(seed)
        .map_err(|_| ctx.error(key(&["seed"]), Problem::NegativeSeed { seed }))?;
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
    let written = ctx.required(horizon.steps, &["horizon", "steps"])?;
    // The horizon's rule is the scenario's own (`check_horizon`); the file only adds that a
    // count written as a TOML integer may not fit the steps' type at all.
    let too_long = Problem::HorizonTooLong {
        steps: written,
        limit: MAX_STEPS,
    };
    let problem = match u32::try_from(written) {
        Ok(steps) => match check_horizon(steps) {
            Ok(()) => None,
            Err(_) if steps == 0 => Some(Problem::NonPositiveHorizon { steps: written }),
            Err(_) => Some(too_long),
        },
        Err(_) if written <= 0 => Some(Problem::NonPositiveHorizon { steps: written }),
        Err(_) => Some(too_long),
    };
    if let Some(problem) = problem {
        return Err(ctx.error(key(&["horizon", "steps"]), problem));
    }
    Ok(Header {
        name,
        description: raw.description.clone().unwrap_or_default(),
        seed,
        start,
        steps: written as u32,
    })
}

/// The file's world as [`WorldBuilder`] calls: names resolved, required keys present,
/// defaults filled in; every rule on the values is the builder's.
fn world_builder(ctx: &Ctx<'_>, raw: &RawScenario) -> Result<WorldBuilder> {
    misspelt(ctx, raw)?;
    let parameters = parameters(raw);
    let mut builder = World::builder();
    let power_names: Vec<String> = raw
        .powers
        .iter()
        .flatten()
        .map(|(n, _)| n.clone())
        .collect();
    let state_names: Vec<String> = raw
        .states
        .iter()
        .flatten()
        .map(|(n, _)| n.clone())
        .collect();

    for (pname, rp) in raw.powers.iter().flatten() {
        // The builder's rule, checked before the states' alignments are resolved, where a
        // power called `autonomy` would be misread as the autonomy share.
        if reserved_for_autonomy(pname) {
            let name = pname.clone();
            return Err(ctx.error(key(&["powers", pname]), Problem::ReservedName { name }));
        }
        // A key left out takes `Power::new`'s value, so a file and code agree: capacity is an
        // index with 1.0 at the power's own start level by definition; coercion 0, a power
        // poses no threat unless the scenario says it coerces; a power delivers what a
        // channel promises unless the scenario says otherwise.
        let neutral = Power::new(pname.as_str());
        builder = builder.power(Power {
            capacity: rp.capacity.unwrap_or(neutral.capacity),
            coercion: rp.coercion.unwrap_or(neutral.coercion),
            delivery: per_channel(rp.delivery.as_ref(), 1.0),
            ..neutral
        });
        if let Some(budget) = rp.budget {
            builder = builder.budget(pname.as_str(), budget);
        }
        for (sname, &weight) in rp.priorities.iter().flatten() {
            let at = ["powers", pname.as_str(), "priorities", sname.as_str()];
            ctx.resolve(&state_names, "state", sname, &at)?;
            builder = builder.priority(pname.as_str(), sname.as_str(), weight);
        }
    }
    for (n, relation) in raw.relations.iter().flatten().enumerate() {
        let index = format!("[{n}]");
        let at = |field: &'static str| ["relations", index.as_str(), field];
        let [first, second] = pair(ctx, relation.powers.as_deref(), &at("powers"))?;
        for name in [first, second] {
            ctx.resolve(&power_names, "power", name, &at("powers"))?;
        }
        let value = ctx.required(relation.value, &at("value"))?;
        builder = builder.relation(first.as_str(), second.as_str(), value);
    }

    for (sname, rs) in raw.states.iter().flatten() {
        let (state, ties) = state(ctx, sname, rs, &power_names, &parameters)?;
        builder = builder.state(state);
        for (pname, channel, value) in ties {
            builder = builder.tie(sname.as_str(), pname, channel, value);
        }
    }

    for (iname, ri) in raw.institutions.iter().flatten() {
        builder = builder.institution(institution(ctx, iname, ri, &power_names, &state_names)?);
    }
    let mut parameters = parameters;
    for (cname, rc) in raw.camps.iter().flatten() {
        parameters.camps.push(camp(ctx, cname, rc, &power_names)?);
    }
    if let Some(agency) = raw.parameters.as_ref().and_then(|p| p.powers.as_ref()) {
        builder = builder.agency_parameters(agency.clone());
    }
    Ok(builder.parameters(parameters))
}

/// The world-wide parameters: the defaults with the file's values over them.
fn parameters(raw: &RawScenario) -> Parameters {
    let mut p = Parameters::default();
    let Some(rp) = raw.parameters.as_ref() else {
        return p;
    };
    p.noise = rp.noise.unwrap_or(p.noise);
    p.peer_weight = rp.peer_weight.unwrap_or(p.peer_weight);
    p.coethnic_leverage = rp.coethnic_leverage.unwrap_or(p.coethnic_leverage);
    p.calibrate_intercepts = rp.calibrate_intercepts.unwrap_or(p.calibrate_intercepts);
    for (ch, value) in Channel::ALL
        .iter()
        .zip(rp.feedback.iter().flat_map(|f| f.as_array()))
    {
        if let Some(&v) = value {
            p.feedback[ch.index()] = v;
        }
    }
    if let Some(events) = rp.events.as_ref() {
        p.events = events.clone();
    }
    if let Some(responsiveness) = rp.responsiveness.as_ref() {
        p.responsiveness = responsiveness.clone();
    }
    // `[parameters.powers]` is applied by `world_builder` (it belongs to the agency).
    for d in Disposition::ALL {
        let Some(r) = rp.dispositions.as_ref().and_then(|ds| ds.get(d)) else {
            continue;
        };
        let slot = &mut p.dispositions[d.index()];
        slot.threat_weight = r.threat_weight.unwrap_or(slot.threat_weight);
        slot.temperature = r.temperature.unwrap_or(slot.temperature);
        slot.dependence_aversion = r.dependence_aversion.unwrap_or(slot.dependence_aversion);
    }
    p
}

/// A table that names a power, state or institution the world does not define, lacks what a
/// new one needs, and is close to one the world defines ([`super::suggest::nearest`]): a
/// misspelt name, refused as one rather than by the first missing key. A new state needs its
/// `disposition`, a new institution its `members`; a new power has no required key, so a
/// power is taken for a misspelling when no state's `alignment` names it and another file of
/// the chain than the one writing it defines the close name (an extending file's
/// `[powers.Rusia]` over a base's Russia).
fn misspelt(ctx: &Ctx<'_>, raw: &RawScenario) -> Result<()> {
    let refuse = |kind, name: &str, near: &str, lacks| {
        let problem = Problem::Misspelt {
            kind,
            name: name.to_string(),
            near: near.to_string(),
            lacks,
        };
        let path = key(&[&format!("{kind}s"), name]);
        // In the file that wrote a key inside the table: the table itself may be implied by
        // a deeper header (`[states.Kazakstan.ties.China]`) or set in memory by a
        // sensitivity study, and then no file holds `states.Kazakstan` as such.
        let (file, line) = ctx.merged.locate_within(&path);
        ScenarioError::Invalid {
            file,
            line,
            key: super::load::display_key(&path.iter().map(|s| shown(s)).collect::<Vec<_>>()),
            problem,
        }
    };
    let states = raw.states.iter().flatten();
    let defined = states.clone().filter(|(_, rs)| rs.disposition.is_some());
    for (name, _) in states.clone().filter(|(_, rs)| rs.disposition.is_none()) {
        if let Some(near) = super::suggest::nearest(name, defined.clone().map(|(n, _)| n)) {
            let lacks = "a new state would need `disposition`";
            return Err(refuse("state", name, near, lacks));
        }
    }
    let institutions = raw.institutions.iter().flatten();
    let defined = institutions.clone().filter(|(_, ri)| ri.members.is_some());
    for (name, _) in institutions.clone().filter(|(_, ri)| ri.members.is_none()) {
        if let Some(near) = super::suggest::nearest(name, defined.clone().map(|(n, _)| n)) {
            let lacks = "a new institution would need `members`";
            return Err(refuse("institution", name, near, lacks));
        }
    }
    let aligned = |power: &str| {
        raw.states
            .iter()
            .flatten()
            .any(|(_, rs)| rs.alignment.as_ref().is_some_and(|a| a.contains_key(power)))
    };
    let origin = |power: &str| ctx.merged.origin_within(&key(&["powers", power]));
    let powers: Vec<&String> = raw.powers.iter().flatten().map(|(n, _)| n).collect();
    for name in powers.iter().filter(|n| !aligned(n)) {
        let others = powers
            .iter()
            .filter(|p| aligned(p) && origin(p) != origin(name))
            .map(|p| p.as_str());
        if let Some(near) = super::suggest::nearest(name, others) {
            let lacks = "no state's `alignment` gives it a share, as a new power's would";
            return Err(refuse("power", name, near, lacks));
        }
    }
    Ok(())
}

/// A tie as the file gives it: the power's name, the channel and the value.
type NamedTie<'a> = (&'a str, Channel, f64);

/// One `[states.NAME]` table as a [`State`] and its ties.
fn state<'a>(
    ctx: &Ctx<'_>,
    sname: &'a str,
    rs: &'a RawState,
    power_names: &[String],
    parameters: &Parameters,
) -> Result<(State, Vec<NamedTie<'a>>)> {
    let at = |field: &'static str| -> Vec<&str> { vec!["states", sname, field] };
    let disposition = ctx.required(rs.disposition, &at("disposition"))?;
    // A state's own response overrides its disposition's world-wide default.
    let defaults = parameters.dispositions[disposition.index()];
    let response = DispositionParams {
        threat_weight: rs.threat_weight.unwrap_or(defaults.threat_weight),
        temperature: rs.temperature.unwrap_or(defaults.temperature),
        dependence_aversion: rs
            .dependence_aversion
            .unwrap_or(defaults.dependence_aversion),
    };
    let inertia = ctx.required(rs.inertia, &at("inertia"))?;
    let stubbornness = ctx.required(rs.stubbornness, &at("stubbornness"))?;
    let fragility = ctx.required(rs.fragility, &at("fragility"))?;
    // A channel the state does not list has no salience for it.
    let salience = per_channel(
        Some(ctx.required(rs.salience.as_ref(), &at("salience"))?),
        0.0,
    );

    let np = power_names.len();
    let mut alignment = vec![0.0; np + 1];
    for (name, &v) in ctx.required(rs.alignment.as_ref(), &at("alignment"))? {
        let path = ["states", sname, "alignment", name.as_str()];
        let j = if name == AUTONOMY {
            np
        } else {
            ctx.resolve(power_names, "power", name, &path)?
        };
        alignment[j] = v;
    }
    let proximity = per_power(ctx, rs.proximity.as_ref(), power_names, &at("proximity"))?;
    let coethnic = per_power(ctx, rs.coethnic.as_ref(), power_names, &at("coethnic"))?;

    let mut ties = Vec::new();
    for (pname, channels) in rs.ties.iter().flatten() {
        let path = ["states", sname, "ties", pname.as_str()];
        ctx.resolve(power_names, "power", pname, &path)?;
        for (ch, value) in Channel::ALL.iter().zip(channels.as_array()) {
            if let Some(&v) = value {
                ties.push((pname.as_str(), *ch, v));
            }
        }
    }

    let state = State {
        name: sname.to_string(),
        disposition,
        response,
        inertia,
        stubbornness,
        fragility,
        fixed: rs.fixed.unwrap_or(false),
        salience,
        alignment,
        proximity,
        coethnic,
    };
    Ok((state, ties))
}

/// One `[camps.NAME]` table as a [`Camp`], its powers resolved; the builder checks the rest.
fn camp(ctx: &Ctx<'_>, cname: &str, rc: &RawCamp, power_names: &[String]) -> Result<Camp> {
    let listed = ctx.required(rc.powers.as_ref(), &["camps", cname, "powers"])?;
    let mut powers = Vec::with_capacity(listed.len());
    for (n, name) in listed.iter().enumerate() {
        let index = format!("[{n}]");
        let path = ["camps", cname, "powers", index.as_str()];
        powers.push(PowerId(
            ctx.resolve(power_names, "power", name, &path)? as u32
        ));
    }
    Ok(Camp {
        name: cname.to_string(),
        powers,
        nesting: ctx.required(rc.nesting, &["camps", cname, "nesting"])?,
    })
}

/// One `[institutions.NAME]` table as an [`Institution`], its names resolved.
fn institution(
    ctx: &Ctx<'_>,
    iname: &str,
    ri: &RawInstitution,
    power_names: &[String],
    state_names: &[String],
) -> Result<Institution> {
    let at = |field: &'static str| -> Vec<&str> { vec!["institutions", iname, field] };
    let leader = match &ri.leader {
        Some(l) => Some(PowerId(
            ctx.resolve(power_names, "power", l, &at("leader"))? as u32,
        )),
        None => None,
    };
    let credibility = ctx.required(ri.credibility, &at("credibility"))?;
    let listed = ctx.required(ri.members.as_ref(), &at("members"))?;
    let mut members: Vec<(StateId, Participation)> = Vec::with_capacity(listed.len());
    for (m, member) in listed.iter().enumerate() {
        let index = format!("[{m}]");
        let path = ["institutions", iname, "members", index.as_str()];
        let sid = StateId(ctx.resolve(state_names, "state", member, &path)? as u32);
        members.push((sid, Participation::Active));
    }
    // `participation` and `unanswered` are keyed by member: each key must be one.
    let member_slot = |table: &str, member: &String| -> Result<usize> {
        let path = ["institutions", iname, table, member.as_str()];
        let sid = StateId(ctx.resolve(state_names, "state", member, &path)? as u32);
        members.iter().position(|(s, _)| *s == sid).ok_or_else(|| {
            ctx.error(
                key(&path),
                Problem::NotAMember {
                    name: member.clone(),
                },
            )
        })
    };
    let mut participation = Vec::new();
    for (member, &p) in ri.participation.iter().flatten() {
        participation.push((member_slot("participation", member)?, p));
    }
    let mut unanswered = vec![0; members.len()];
    for (member, &count) in ri.unanswered.iter().flatten() {
        unanswered[member_slot("unanswered", member)?] = count;
    }
    for (slot, p) in participation {
        members[slot].1 = p;
    }
    Ok(Institution {
        name: iname.to_string(),
        leader,
        credibility,
        // An institution carries none of its leader's channels unless the file says so.
        carries: per_channel(ri.carries.as_ref(), 0.0),
        members,
        unanswered,
    })
}

/// Per-channel values as written, `default` for missing channels.
fn per_channel(raw: Option<&RawChannels>, default: f64) -> PerChannel {
    let mut out = [default; Channel::COUNT];
    for (ch, value) in Channel::ALL
        .iter()
        .zip(raw.iter().flat_map(|r| r.as_array()))
    {
        if let Some(&v) = value {
            out[ch.index()] = v;
        }
    }
    out
}

/// Per-power values from a map keyed by power name; missing powers get 0 (no proximity, no
/// co-ethnic minority).
fn per_power(
    ctx: &Ctx<'_>,
    map: Option<&IndexMap<String, f64>>,
    powers: &[String],
    path: &[&str],
) -> Result<Vec<f64>> {
    let mut out = vec![0.0; powers.len()];
    for (name, &v) in map.into_iter().flatten() {
        let at = [path, &[name.as_str()]].concat();
        out[ctx.resolve(powers, "power", name, &at)?] = v;
    }
    Ok(out)
}

/// The key path of the value a [`WorldError`] is about, and the problem as the file reports it.
fn world_error(ctx: &Ctx<'_>, raw: &RawScenario, error: WorldError) -> ScenarioError {
    let (path, problem) = match error {
        WorldError::OutOfRange {
            entity: Entity::Relation { first, second },
            value,
            min,
            max,
            ..
        } => (
            relation_key(
                raw,
                |pair| *pair == [first.clone(), second.clone()],
                0,
                "value",
            ),
            Problem::OutOfRange { value, min, max },
        ),
        WorldError::NotFinite {
            entity: Entity::Relation { first, second },
            value,
            ..
        } => (
            relation_key(
                raw,
                |pair| *pair == [first.clone(), second.clone()],
                0,
                "value",
            ),
            Problem::NotFinite { value },
        ),
        WorldError::Empty { what } => {
            let table = if what == "power" { "powers" } else { "states" };
            (key(&[table]), Problem::EmptyWorld { what: table })
        }
        WorldError::NotFinite {
            entity,
            field,
            value,
        } => (entity_path(&entity, &field), Problem::NotFinite { value }),
        WorldError::OutOfRange {
            entity,
            field,
            value,
            min,
            max,
        } => (
            entity_path(&entity, &field),
            Problem::OutOfRange { value, min, max },
        ),
        WorldError::SumNotOne { entity, field, sum } => {
            (entity_path(&entity, &field), Problem::SumNotOne { sum })
        }
        WorldError::SumAboveOne { entity, field, sum } => {
            (entity_path(&entity, &field), Problem::SumAboveOne { sum })
        }
        WorldError::RelationWithItself { ref power } => (
            relation_key(
                raw,
                |pair| pair[0] == pair[1] && pair[0] == *power,
                0,
                "powers",
            ),
            Problem::World(error.clone()),
        ),
        WorldError::GivenTwice {
            entity:
                Entity::Relation {
                    ref first,
                    ref second,
                },
            ..
        } => {
            let same = |pair: &[String]| {
                (pair[0] == *first && pair[1] == *second)
                    || (pair[0] == *second && pair[1] == *first)
            };
            (
                relation_key(raw, same, 1, "powers"),
                Problem::World(error.clone()),
            )
        }
        WorldError::ZeroShareWithCalibration { state, component } => (
            key(&["states", &state, "alignment", &component]),
            Problem::ZeroShareWithCalibration,
        ),
        WorldError::ReservedName { name } => {
            (key(&["powers", &name]), Problem::ReservedName { name })
        }
        WorldError::BadName { kind, ref name, .. }
        | WorldError::SlugCollision { kind, ref name, .. } => {
            (key(&[table_of(kind), name]), Problem::World(error.clone()))
        }
        WorldError::NameShared { ref name, .. } => {
            (key(&["states", name]), Problem::World(error.clone()))
        }
        WorldError::CarriesWithoutLeader {
            ref institution,
            channel,
            ..
        } => (
            key(&["institutions", institution, "carries", channel.name()]),
            Problem::World(error.clone()),
        ),
        WorldError::NoMembers { ref institution } => (
            key(&["institutions", institution, "members"]),
            Problem::World(error.clone()),
        ),
        WorldError::UnansweredBeyondExit {
            ref institution,
            ref state,
            ..
        } => (
            key(&["institutions", institution, "unanswered", state]),
            Problem::World(error.clone()),
        ),
        WorldError::EmptyCamp { ref camp } | WorldError::CampNameTaken { ref camp, .. } => (
            key(&["camps", camp, "powers"]),
            Problem::World(error.clone()),
        ),
        WorldError::BadNesting { ref camp, .. } => (
            key(&["camps", camp, "nesting"]),
            Problem::World(error.clone()),
        ),
        WorldError::PowerInTwoCamps {
            ref power,
            ref second,
            ..
        } => {
            // The second camp's listing of the power.
            let listed = raw
                .camps
                .iter()
                .flatten()
                .find(|(name, _)| *name == second)
                .and_then(|(_, rc)| rc.powers.as_ref());
            let n = listed
                .and_then(|l| l.iter().position(|p| p == power))
                .unwrap_or(0);
            let index = format!("[{n}]");
            (
                key(&["camps", second, "powers", &index]),
                Problem::World(error.clone()),
            )
        }
        WorldError::DuplicateMember { institution, state } => {
            // The file's second listing of the member.
            let listed = raw
                .institutions
                .iter()
                .flatten()
                .find(|(name, _)| **name == institution)
                .and_then(|(_, ri)| ri.members.as_ref());
            let second = listed
                .and_then(|l| l.iter().enumerate().filter(|(_, m)| **m == state).nth(1))
                .map_or(0, |(m, _)| m);
            let index = format!("[{second}]");
            (
                key(&["institutions", &institution, "members", &index]),
                Problem::DuplicateMember { name: state },
            )
        }
        // The loader resolves every name and sizes every list itself; anything else the
        // builder refuses is reported as the builder words it.
        other => (Vec::new(), Problem::World(other)),
    };
    ctx.error(path, problem)
}

/// The two powers of a relation (`[[relations]]`, `[[drivers.relations]]`), at `path`:
/// required, and exactly two names.
fn pair<'r>(ctx: &Ctx<'_>, powers: Option<&'r [String]>, path: &[&str]) -> Result<[&'r String; 2]> {
    match ctx.required(powers, path)? {
        [first, second] => Ok([first, second]),
        other => Err(ctx.error(key(path), Problem::NotAPair { count: other.len() })),
    }
}

/// The key path of `field` in the `nth` (0-based) `[[relations]]` entry whose pair of
/// powers satisfies `which`.
fn relation_key(
    raw: &RawScenario,
    which: impl Fn(&[String]) -> bool,
    nth: usize,
    field: &str,
) -> KeyPath {
    // Every entry has two names by now (`pair` refused the others before the builder ran).
    let n = raw
        .relations
        .iter()
        .flatten()
        .enumerate()
        .filter(|(_, r)| {
            r.powers
                .as_deref()
                .is_some_and(|p| p.len() == 2 && which(p))
        })
        .nth(nth)
        .map_or(0, |(n, _)| n);
    key(&["relations", &format!("[{n}]"), field])
}

/// The table of the file that holds entities of `kind` (`power`, `state`, `institution`).
fn table_of(kind: &str) -> &'static str {
    match kind {
        "power" => "powers",
        "state" => "states",
        _ => "institutions",
    }
}

/// The file's key path of `field` of `entity`, as the builder names them.
fn entity_path(entity: &Entity, field: &str) -> KeyPath {
    // Fields are dotted; only their last parts can hold a name (which may hold a dot).
    let split_once = |base: Vec<&str>, field: &str| -> KeyPath {
        let mut path = key(&base);
        match field.split_once('.') {
            Some((a, b)) => path.extend([a.to_string(), b.to_string()]),
            None => path.push(field.to_string()),
        }
        path
    };
    match entity {
        Entity::Parameters => {
            let mut path = key(&["parameters"]);
            path.extend(field.split('.').map(String::from));
            path
        }
        Entity::Power(name) => split_once(vec!["powers", name], field),
        Entity::Institution(name) => split_once(vec!["institutions", name], field),
        Entity::Camp(name) => split_once(vec!["camps", name], field),
        // Every refusal of a relation is located by `world_error` through `[[relations]]`.
        Entity::Relation { .. } => key(&["relations", field]),
        Entity::State(name) => {
            let base = vec!["states", name.as_str()];
            if let Some(response) = field.strip_prefix("response.") {
                // The file writes a state's own response at the state's top level.
                key(&[&base[..], &[response]].concat())
            } else if field.starts_with("ties.*.") {
                // A sum over the powers' ties is located at the state's ties.
                key(&[&base[..], &["ties"]].concat())
            } else if let Some(tie) = field.strip_prefix("ties.") {
                let (power, channel) = tie.rsplit_once('.').unwrap_or((tie, ""));
                key(&[&base[..], &["ties", power, channel]].concat())
            } else {
                split_once(base, field)
            }
        }
        Entity::Tie {
            state,
            power,
            channel,
        } => key(&["states", state, "ties", power, channel.name()]),
    }
}

/// A driver of the file with the key path of its path.
type LocatedDriver = (Driver, KeyPath);

fn build_drivers(
    ctx: &Ctx<'_>,
    raw: &RawScenario,
    names: &Names<'_>,
    start: YearMonth,
    end: YearMonth,
) -> Result<Vec<LocatedDriver>> {
    let Some(rd) = raw.drivers.as_ref() else {
        return Ok(Vec::new());
    };
    let mut drivers = Vec::new();
    let mut add = |target: DriverTarget, points: &[RawPoint], at: &[&str]| -> Result<()> {
        let path = build_path(ctx, points, at, start, end)?;
        drivers.push((Driver { target, path }, key(at)));
        Ok(())
    };
    for (pname, pd) in rd.powers.iter().flatten() {
        let base = ["drivers", "powers", pname.as_str()];
        let p = PowerId(ctx.resolve(names.powers, "power", pname, &base)? as u32);
        if let Some(points) = &pd.capacity {
            add(
                DriverTarget::Capacity(p),
                points,
                &[&base[..], &["capacity"]].concat(),
            )?;
        }
        if let Some(points) = &pd.coercion {
            add(
                DriverTarget::Coercion(p),
                points,
                &[&base[..], &["coercion"]].concat(),
            )?;
        }
        for (ch, points) in Channel::ALL
            .iter()
            .zip(pd.delivery.iter().flat_map(|d| d.as_array()))
        {
            if let Some(points) = points {
                let at = [&base[..], &["delivery", ch.name()]].concat();
                add(DriverTarget::Delivery(p, *ch), points, &at)?;
            }
        }
    }
    for (iname, id) in rd.institutions.iter().flatten() {
        let base = ["drivers", "institutions", iname.as_str()];
        let i = InstitutionId(ctx.resolve(names.institutions, "institution", iname, &base)? as u32);
        if let Some(points) = &id.credibility {
            let at = [&base[..], &["credibility"]].concat();
            add(DriverTarget::Credibility(i), points, &at)?;
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
                    add(DriverTarget::Tie(s, p, *ch), points, &at)?;
                }
            }
        }
    }
    for (n, relation) in rd.relations.iter().flatten().enumerate() {
        let index = format!("[{n}]");
        let at = |field: &'static str| ["drivers", "relations", index.as_str(), field];
        let [first, second] = pair(ctx, relation.powers.as_deref(), &at("powers"))?;
        let mut pair = [PowerId(0); 2];
        for (id, name) in pair.iter_mut().zip([first, second]) {
            *id = PowerId(ctx.resolve(names.powers, "power", name, &at("powers"))? as u32);
        }
        let points = ctx.required(relation.path.as_ref(), &at("path"))?;
        // A pair no `[[relations]]` entry declares starts from 0, indifference (the
        // world's default), which relative points resolve against.
        add(
            DriverTarget::Relation(pair[0], pair[1]),
            points,
            &at("path"),
        )?;
    }
    Ok(drivers)
}

/// The points of a path as months since the start; the scenario checks the rest.
fn build_path(
    ctx: &Ctx<'_>,
    points: &[RawPoint],
    at: &[&str],
    start: YearMonth,
    end: YearMonth,
) -> Result<Path> {
    let mut out: Vec<(u32, PointValue)> = Vec::with_capacity(points.len());
    for (n, point) in points.iter().enumerate() {
        let index = format!("[{n}]");
        let here = [at, &[index.as_str(), "at"]].concat();
        let date: YearMonth = point.at.parse().map_err(|_| {
            ctx.error(
                key(&here),
                Problem::BadDate {
                    text: point.at.clone(),
                },
            )
        })?;
        // A month before the start has no place on the path's axis (months since the start).
        let month = u32::try_from(date.months_since(start)).map_err(|_| {
            ctx.error(
                key(&here),
                Problem::DateOutsideHorizon {
                    date: date.to_string(),
                    start: start.to_string(),
                    end: end.to_string(),
                },
            )
        })?;
        let value = point_value(point).map_err(|given| {
            let here = [at, &[index.as_str()]].concat();
            ctx.error(key(&here), Problem::PointForm { given })
        })?;
        out.push((month, value));
    }
    Ok(Path::from_points(out))
}

/// The one of `value`, `scale` and `add` a point gives; the keys it gives otherwise (none, or
/// more than one).
fn point_value(point: &RawPoint) -> std::result::Result<PointValue, Vec<&'static str>> {
    let given: Vec<PointValue> = [
        point.value.map(PointValue::Absolute),
        point.scale.map(|scale| PointValue::Scale { scale }),
        point.add.map(|add| PointValue::Add { add }),
    ]
    .into_iter()
    .flatten()
    .collect();
    match given[..] {
        [one] => Ok(one),
        _ => Err(given.iter().map(|v| v.key()).collect()),
    }
}

/// Where in the driver's path the scenario's refusal lies, and the problem as the file says it.
fn driver_error(
    ctx: &Ctx<'_>,
    at: &[String],
    start: YearMonth,
    end: YearMonth,
    error: ScenarioRuleError,
) -> ScenarioError {
    let point = |n: usize, field: &str| -> KeyPath {
        let mut path = at.to_vec();
        path.extend([format!("[{n}]"), field.to_string()]);
        path
    };
    let date = |month: u32| start.add_months(month).to_string();
    let (path, problem) = match error {
        ScenarioRuleError::EmptyPath { .. } => (at.to_vec(), Problem::EmptyPath),
        ScenarioRuleError::PointAfterHorizon {
            point: n, month, ..
        } => (
            point(n, "at"),
            Problem::DateOutsideHorizon {
                date: date(month),
                start: start.to_string(),
                end: end.to_string(),
            },
        ),
        ScenarioRuleError::MonthsNotIncreasing {
            point: n,
            previous,
            month,
            ..
        } => (
            point(n, "at"),
            Problem::DatesNotIncreasing {
                previous: date(previous),
                date: date(month),
            },
        ),
        ScenarioRuleError::PointNotFinite {
            point: n, value, ..
        } => (point(n, "value"), Problem::NotFinite { value }),
        ScenarioRuleError::PointOutOfRange {
            point: n,
            value,
            min,
            max,
            ..
        } => (point(n, "value"), Problem::OutOfRange { value, min, max }),
        ScenarioRuleError::RelativeNotFinite {
            point: n,
            field,
            value,
            ..
        } => (point(n, field), Problem::NotFinite { value }),
        ScenarioRuleError::ScaleOfZeroLevel { point: n, .. } => {
            (point(n, "scale"), Problem::ScaleOfZeroLevel)
        }
        ScenarioRuleError::ResolvedOutOfRange {
            point: n,
            field,
            given,
            level,
            value,
            min,
            max,
            ..
        } => (
            point(n, field),
            Problem::ResolvedOutOfRange {
                field,
                given,
                level,
                value,
                min,
                max,
            },
        ),
        // The pair is at fault, not the path: `drivers.relations[n].powers`.
        other @ ScenarioRuleError::RelationWithItself { .. } => {
            let mut path = at.to_vec();
            if let Some(last) = path.last_mut() {
                *last = "powers".to_string();
            }
            (path, Problem::Scenario(other))
        }
        other => (at.to_vec(), Problem::Scenario(other)),
    };
    ctx.error(path, problem)
}
