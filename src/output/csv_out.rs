//! Tidy CSV tables and the JSON provenance record of a summary.

use super::{io_error, OutputError};
use crate::analysis::ensemble::{
    action_name, CstoFutures, OutcomeCounts, Proportion, Stats, Summary,
};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The columns of a distribution over runs, after the row's keys.
const STAT_COLUMNS: [&str; 8] = ["mean", "sd", "q05", "q25", "q50", "q75", "q95", "runs"];

/// The columns of a share of runs with its Wilson 95 % interval, after the row's keys.
const PROPORTION_COLUMNS: [&str; 5] = ["probability", "ci_low", "ci_high", "count", "runs"];

/// The values under [`STAT_COLUMNS`]: the distribution over `runs` runs.
fn stat_fields(s: &Stats, runs: u64) -> impl Iterator<Item = String> {
    [s.mean, s.sd]
        .into_iter()
        .chain(s.quantiles.to_array())
        .map(|x| x.to_string())
        .chain(std::iter::once(runs.to_string()))
}

/// The values under [`PROPORTION_COLUMNS`].
fn proportion_fields(p: &Proportion) -> [String; 5] {
    [
        p.estimate.to_string(),
        p.low.to_string(),
        p.high.to_string(),
        p.count.to_string(),
        p.runs.to_string(),
    ]
}

/// Where a CSV table goes: a file, or memory (`geoalign::output::tables`), under a name that
/// every error gives.
pub(crate) enum Dest<'p> {
    /// Create this file.
    File(&'p Path),
    /// Append to this text; the path is only the table's name.
    Memory(&'p Path, &'p mut Vec<u8>),
}

impl<'p> From<&'p Path> for Dest<'p> {
    fn from(path: &'p Path) -> Self {
        Dest::File(path)
    }
}

impl<'p> From<&'p PathBuf> for Dest<'p> {
    fn from(path: &'p PathBuf) -> Self {
        Dest::File(path)
    }
}

/// The writer under a [`Table`]: the file or the text of its [`Dest`].
enum Sink<'p> {
    File(std::fs::File),
    Memory(&'p mut Vec<u8>),
}

impl std::io::Write for Sink<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Sink::File(f) => f.write(buf),
            Sink::Memory(text) => text.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Sink::File(f) => f.flush(),
            Sink::Memory(_) => Ok(()),
        }
    }
}

/// A CSV table being written, with its path so that every error names the file.
pub(crate) struct Table<'p> {
    w: csv::Writer<Sink<'p>>,
    path: &'p Path,
}

impl<'p> Table<'p> {
    /// Create the file (or start the text) and write its header: the row's keys, then its
    /// value columns.
    pub(crate) fn create(
        dest: impl Into<Dest<'p>>,
        keys: &[&str],
        values: &[&str],
    ) -> Result<Self, OutputError> {
        let (sink, path) = match dest.into() {
            Dest::File(path) => {
                let file = std::fs::File::create(path).map_err(|e| io_error(path, e))?;
                (Sink::File(file), path)
            }
            Dest::Memory(path, text) => (Sink::Memory(text), path),
        };
        let w = csv::Writer::from_writer(sink);
        let mut table = Table { w, path };
        table.row(keys.iter().chain(values))?;
        Ok(table)
    }

    /// Write one row.
    pub(crate) fn row<I>(&mut self, fields: I) -> Result<(), OutputError>
    where
        I: IntoIterator,
        I::Item: AsRef<[u8]>,
    {
        let path = self.path;
        self.w.write_record(fields).map_err(|e| io_error(path, e))
    }

    /// Write a row of `keys` and a distribution over `runs` runs ([`STAT_COLUMNS`]).
    fn stats_row(&mut self, keys: &[&str], stats: &Stats, runs: u64) -> Result<(), OutputError> {
        let keys = keys.iter().map(|k| k.to_string());
        self.row(keys.chain(stat_fields(stats, runs)))
    }

    /// Flush the buffer and fsync the file (memory needs no sync): a write error (a full
    /// disk) is reported here, not lost in a drop.
    pub(crate) fn finish(self) -> Result<PathBuf, OutputError> {
        let sink = self
            .w
            .into_inner()
            .map_err(|e| io_error(self.path, e.error()))?;
        if let Sink::File(file) = sink {
            file.sync_all().map_err(|e| io_error(self.path, e))?;
        }
        Ok(self.path.to_path_buf())
    }
}

/// `alignment.csv`: recorded step × state × component, each step with its own date.
pub(crate) fn alignment<'p>(
    path: impl Into<Dest<'p>>,
    s: &Summary,
) -> Result<PathBuf, OutputError> {
    let keys = ["scenario", "step", "date", "state", "power"];
    let mut t = Table::create(path, &keys, &STAT_COLUMNS)?;
    for step in s.recorded_steps() {
        let date = s.date_of(step).to_string();
        let step = step as usize;
        for (i, state) in s.named_states() {
            for (c, power) in s.named_components() {
                let Some(stats) = s.alignment(step, i, c) else {
                    continue;
                };
                let step = step.to_string();
                t.stats_row(&[&s.scenario, &step, &date, state, power], &stats, s.runs)?;
            }
        }
    }
    t.finish()
}

/// `powers.csv`: recorded step × acting (state, power) pair × quantity: `spending` per action
/// (the share of the power's month budget spent on the state by that offer or coercion), and
/// `coercion_cut` (the share `1 − e^{−c}` of the state's labour and remittance ties the
/// power's coercion stock cuts; its action is `coercion`). `runs` is the runs that added a
/// value: fewer for spending when the power's month budget was 0 in some.
pub(crate) fn powers<'p>(path: impl Into<Dest<'p>>, s: &Summary) -> Result<PathBuf, OutputError> {
    let keys = [
        "scenario", "step", "date", "power", "state", "quantity", "action",
    ];
    let mut t = Table::create(path, &keys, &STAT_COLUMNS)?;
    for step in s.recorded_steps() {
        let date = s.date_of(step).to_string();
        let step = step as usize;
        for (state, power) in s.acting_pairs() {
            let cut = s
                .coercion_cut(step, state, power)
                .map(|c| ("coercion_cut", "coercion", c, s.runs));
            let spending = (0..crate::sim::powers::ACTIONS).filter_map(|a| {
                let stats = s.spending(step, state, power, a)?;
                Some((
                    "spending",
                    action_name(a)?,
                    stats,
                    s.spending_runs(step, state, power, a)?,
                ))
            });
            let step = step.to_string();
            let (power, state) = (&s.powers[power.index()], &s.states[state.index()]);
            for (quantity, action, stats, runs) in spending.chain(cut) {
                let keys = [&s.scenario, &step, &date, power, state, quantity, action];
                t.stats_row(&keys, &stats, runs)?;
            }
        }
    }
    t.finish()
}

/// `punishments.csv`: recorded step × acting (state, power) pair, the share of runs in which
/// the power punished the state in the month ending at that step, with its Wilson 95 %
/// interval.
pub(crate) fn punishments<'p>(
    path: impl Into<Dest<'p>>,
    s: &Summary,
) -> Result<PathBuf, OutputError> {
    let keys = ["scenario", "step", "date", "power", "state"];
    let mut t = Table::create(path, &keys, &PROPORTION_COLUMNS)?;
    for step in s.recorded_steps() {
        for (state, power) in s.acting_pairs() {
            let Some(p) = s.punished(step as usize, state, power) else {
                continue;
            };
            let keys = [
                s.scenario.clone(),
                step.to_string(),
                s.date_of(step).to_string(),
                s.powers[power.index()].clone(),
                s.states[state.index()].clone(),
            ];
            t.row(keys.into_iter().chain(proportion_fields(&p)))?;
        }
    }
    t.finish()
}

/// `event-frequencies.csv`: recorded step × class of event fired in some run (origin, kind,
/// response and whether it came, and the power, state and institution it concerns): the share
/// of runs in which one fired in the period ending at the step (since the previous recorded
/// step) and the share in which one had fired by then, each with its Wilson 95 % interval,
/// and the events fired in the period over all runs.
pub(crate) fn event_frequencies<'p>(
    path: impl Into<Dest<'p>>,
    s: &Summary,
) -> Result<PathBuf, OutputError> {
    let keys = [
        "scenario",
        "step",
        "date",
        "origin",
        "kind",
        "response",
        "acted",
        "power",
        "state",
        "institution",
    ];
    let values = [
        "probability",
        "ci_low",
        "ci_high",
        "count",
        "by_date",
        "by_date_low",
        "by_date_high",
        "by_date_count",
        "events",
        "runs",
    ];
    let mut t = Table::create(path, &keys, &values)?;
    let series = s.event_frequencies();
    let name = |names: &[String], i: Option<u32>| {
        i.and_then(|i| names.get(i as usize).cloned())
            .unwrap_or_default()
    };
    for (row, step) in s.recorded_steps().enumerate() {
        let date = s.date_of(step).to_string();
        for e in &series {
            let Some(p) = e.periods.get(row) else {
                continue;
            };
            let c = &e.class;
            let (response, acted) = c
                .response
                .map_or((String::new(), String::new()), |(r, acted)| {
                    (r.name().to_string(), acted.to_string())
                });
            let period = Proportion::wilson(p.runs, s.runs);
            let by_date = Proportion::wilson(p.by_date, s.runs);
            let fields = [
                s.scenario.clone(),
                step.to_string(),
                date.clone(),
                super::trace::serde_name(&c.origin, None),
                c.kind_name().unwrap_or_default().to_string(),
                response,
                acted,
                name(&s.powers, c.power),
                name(&s.states, c.state),
                name(&s.institutions, c.institution),
                period.estimate.to_string(),
                period.low.to_string(),
                period.high.to_string(),
                period.count.to_string(),
                by_date.estimate.to_string(),
                by_date.low.to_string(),
                by_date.high.to_string(),
                by_date.count.to_string(),
                p.events.to_string(),
                s.runs.to_string(),
            ];
            t.row(fields)?;
        }
    }
    t.finish()
}

/// `institutions.csv`: recorded step × institution × measure.
pub(crate) fn institutions<'p>(
    path: impl Into<Dest<'p>>,
    s: &Summary,
) -> Result<PathBuf, OutputError> {
    let keys = ["scenario", "step", "date", "institution", "measure"];
    let mut t = Table::create(path, &keys, &STAT_COLUMNS)?;
    for step in s.recorded_steps() {
        let date = s.date_of(step).to_string();
        let step = step as usize;
        for (i, inst) in s.named_institutions() {
            for (measure, stats) in [
                ("cohesion", s.cohesion(step, i)),
                ("credibility", s.credibility(step, i)),
            ] {
                let Some(stats) = stats else { continue };
                let step = step.to_string();
                t.stats_row(&[&s.scenario, &step, &date, inst, measure], &stats, s.runs)?;
            }
        }
    }
    t.finish()
}

/// `similarity.csv`: one row per ordered pair of states, Signorino–Ritter S of their
/// alignments at the horizon. Written only when the summary computed it
/// ([`Summary::similarity_computed`]), so that no empty table can be mistaken for a result;
/// `summary.json` says why it is missing.
pub(crate) fn similarity<'p>(
    path: impl Into<Dest<'p>>,
    s: &Summary,
) -> Result<PathBuf, OutputError> {
    let keys = ["scenario", "date", "state_a", "state_b", "measure"];
    let mut t = Table::create(path, &keys, &STAT_COLUMNS)?;
    let date = s.start.add_months(s.steps).to_string();
    for (a, name_a) in s.named_states() {
        for (b, name_b) in s.named_states() {
            let Some(stats) = s.similarity(a, b) else {
                continue;
            };
            let keys = [&s.scenario, &date, name_a, name_b, "signorino_ritter_s"];
            t.stats_row(&keys, &stats, s.runs)?;
        }
    }
    t.finish()
}

/// The `kind` and `institution` columns of an outcome's rows in `outcomes.csv`: the outcome's
/// name and nothing, except for the CSTO futures, which keep the labels their rows had
/// before outcomes were values (`csto_future`, `CSTO`), so that files stay comparable.
fn outcome_labels(outcome: &OutcomeCounts) -> (&str, &str) {
    if outcome.name == CstoFutures::NAME {
        ("csto_future", "CSTO")
    } else {
        (&outcome.name, "")
    }
}

/// `outcomes.csv` / `futures.csv`: one row per category of each outcome of each summary,
/// then per institution member P(suspended) and P(exited).
pub(crate) fn outcomes<'p>(
    path: impl Into<Dest<'p>>,
    summaries: &[&Summary],
) -> Result<PathBuf, OutputError> {
    let keys = ["scenario", "kind", "institution", "member", "outcome"];
    let mut t = Table::create(path, &keys, &PROPORTION_COLUMNS)?;
    for s in summaries {
        let row = |kind: &str, inst: &str, member: &str, outcome: &str, p: &Proportion| {
            [s.scenario.as_str(), kind, inst, member, outcome]
                .map(String::from)
                .into_iter()
                .chain(proportion_fields(p))
        };
        for outcome in &s.outcomes {
            let (kind, institution) = outcome_labels(outcome);
            for (category, &count) in outcome.categories.iter().zip(&outcome.counts) {
                let p = Proportion::wilson(count, s.runs);
                t.row(row(kind, institution, "", category, &p))?;
            }
        }
        for (i, inst) in s.named_institutions() {
            for (m, member) in s.named_members(i) {
                if let Some((sus, ex)) = s.membership(i, m) {
                    t.row(row("membership", inst, member, "suspended", &sus))?;
                    t.row(row("membership", inst, member, "exited", &ex))?;
                }
            }
        }
    }
    t.finish()
}

/// `outcomes-over-time.csv`: P(outcome by date) — per outcome that keeps a series, per
/// category and recorded step, the share of runs judged in that category by that date.
pub(crate) fn outcomes_over_time<'p>(
    path: impl Into<Dest<'p>>,
    s: &Summary,
) -> Result<PathBuf, OutputError> {
    let keys = ["scenario", "outcome", "category", "step", "date"];
    let mut t = Table::create(path, &keys, &PROPORTION_COLUMNS)?;
    for outcome in s.outcomes.iter().filter(|o| !o.over_time.is_empty()) {
        for category in &outcome.categories {
            for (step, p) in s
                .probability_by_date(&outcome.name, category)
                .unwrap_or_default()
            {
                let keys = [
                    s.scenario.clone(),
                    outcome.name.clone(),
                    category.clone(),
                    step.to_string(),
                    s.date_of(step).to_string(),
                ];
                t.row(keys.into_iter().chain(proportion_fields(&p)))?;
            }
        }
    }
    t.finish()
}

/// What `summary.json` holds.
#[derive(Serialize)]
pub(crate) struct Provenance<'a> {
    note: &'static str,
    scenario: &'a str,
    seed: u64,
    geoalign_version: &'a str,
    scenario_fingerprint: String,
    runs: u64,
    start: String,
    horizon: String,
    steps: u32,
    /// The summary's sketches hold one step in `record_every` and the horizon.
    record_every: u32,
    /// How many steps they hold.
    recorded_steps: usize,
    /// Whether `similarity.csv` holds the state-pair similarity, and why not when it does not.
    similarity: String,
    quantile_error_bound: f64,
    /// The CSTO futures, under the key they had before outcomes were values (empty when the
    /// summary does not count them).
    futures: Vec<(&'a str, Proportion)>,
    /// Every other outcome; left out when there is none, as files before them had it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    outcomes: Vec<OutcomeProbabilities<'a>>,
    membership: Vec<(String, String, Proportion, Proportion)>,
    horizon_alignment: Vec<(String, String, Stats)>,
    horizon_cohesion: Vec<(String, Stats)>,
    /// The posterior sample the runs drew their parameters from; left out when there is none,
    /// as files before it had it.
    #[serde(skip_serializing_if = "Option::is_none")]
    posterior: Option<PosteriorProvenance<'a>>,
}

/// The posterior sample of a summary in `summary.json`: its file, the fingerprint of the
/// scenario it was fitted on, its digest, its particles and keys.
#[derive(Serialize)]
pub(crate) struct PosteriorProvenance<'a> {
    source: &'a str,
    scenario_fingerprint: String,
    digest: String,
    particles: u64,
    keys: &'a [String],
}

impl<'a> PosteriorProvenance<'a> {
    pub(crate) fn of(p: &'a crate::analysis::posterior::PosteriorRecord) -> Self {
        PosteriorProvenance {
            source: &p.source,
            scenario_fingerprint: format!("{:016x}", p.fingerprint),
            digest: format!("{:016x}", p.digest),
            particles: p.particles,
            keys: &p.keys,
        }
    }
}

/// One outcome in `summary.json`: each category's probability.
#[derive(Serialize)]
pub(crate) struct OutcomeProbabilities<'a> {
    name: &'a str,
    categories: Vec<(&'a str, Proportion)>,
}

fn probabilities<'a>(s: &Summary, outcome: &'a OutcomeCounts) -> Vec<(&'a str, Proportion)> {
    outcome
        .categories
        .iter()
        .zip(&outcome.counts)
        .map(|(c, &n)| (c.as_str(), Proportion::wilson(n, s.runs)))
        .collect()
}

pub(crate) fn provenance(s: &Summary) -> Provenance<'_> {
    let last = s.steps as usize;
    let is_futures = |o: &&OutcomeCounts| o.name == CstoFutures::NAME;
    Provenance {
        note: "model implications under the scenario's assumptions, not forecasts",
        scenario: &s.scenario,
        seed: s.seed,
        geoalign_version: &s.version,
        scenario_fingerprint: format!("{:016x}", s.fingerprint),
        posterior: s.posterior.as_ref().map(PosteriorProvenance::of),
        runs: s.runs,
        start: s.start.to_string(),
        horizon: s.start.add_months(s.steps).to_string(),
        steps: s.steps,
        record_every: s.record_every,
        recorded_steps: s.recorded_steps().count(),
        similarity: if s.similarity_computed {
            "computed: similarity.csv".into()
        } else {
            format!(
                "not computed (off by default above {} states; ask with --similarity): no similarity.csv",
                crate::analysis::ensemble::AUTO_SIMILARITY_MAX_STATES
            )
        },
        quantile_error_bound: 1.0 / crate::analysis::ensemble::sketch::BINS as f64,
        futures: s
            .outcomes
            .iter()
            .find(is_futures)
            .map(|o| probabilities(s, o))
            .unwrap_or_default(),
        outcomes: s
            .outcomes
            .iter()
            .filter(|o| !is_futures(o))
            .map(|o| OutcomeProbabilities {
                name: &o.name,
                categories: probabilities(s, o),
            })
            .collect(),
        membership: s
            .named_institutions()
            .flat_map(|(i, inst)| {
                s.named_members(i).filter_map(move |(m, name)| {
                    s.membership(i, m)
                        .map(|(a, b)| (inst.to_string(), name.to_string(), a, b))
                })
            })
            .collect(),
        horizon_alignment: s
            .named_states()
            .flat_map(|(i, st)| {
                s.named_components().filter_map(move |(c, comp)| {
                    s.alignment(last, i, c)
                        .map(|x| (st.to_string(), comp.to_string(), x))
                })
            })
            .collect(),
        horizon_cohesion: s
            .named_institutions()
            .filter_map(|(i, inst)| s.cohesion(last, i).map(|x| (inst.to_string(), x)))
            .collect(),
    }
}
