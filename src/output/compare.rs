//! The outputs of a paired comparison ([`PairedSummary`]): tidy CSV of the differences, a
//! JSON summary, one chart per state of the difference over time, and the partial file a
//! shard of a comparison writes.
//!
//! | file | content |
//! |---|---|
//! | `difference.csv` | per state × component × recorded date: the mean paired difference `alt − base`, its 95 % interval (t), the runs, and the two means |
//! | `institutions-difference.csv` | the same per institution × `cohesion`/`credibility` |
//! | `outcomes-difference.csv` | per outcome × category: P(base), P(alt), their difference with Newcombe's paired 95 % interval, and the share of runs whose category changed |
//! | `comparison.json` | the scenarios' names and fingerprints, the seed, the runs, the largest differences at the horizon, the outcome differences; with `compare --posterior`, the sample under `posterior` |
//! | `difference-<state>.svg` | the state's difference over time, one line per component with its 95 % band as a light fill, and the zero line, on a y axis holding zero at least 0.02 wide; components within ±0.001 throughout left out and named; only for a state some paired run moves |
//!
//! **Partials.** `geoalign compare --shard i/n --out DIR` writes
//! `comparison-partial-<i>-of-<n>.json`: a header line (`format`
//! `geoalign-comparison-partial/1`, the job, the body's size and its SHA-256 as in
//! [`super::partial`]) and the paired summary's JSON. [`merge_comparison_partials`] reads them
//! checked (regular file, size bounded by the header's dimensions, digest, structure) and
//! merges them: the result equals the comparison run on one machine.

use super::atomic::{self, Staging};
use super::csv_out::{Dest, Table};
use super::signed::{self, corrupt};
use super::{io_error, OutputDir, OutputError};
use crate::analysis::compare::{Difference, InstitutionMeasure, PairedSummary};
use crate::model::names::slug;
use plotters::prelude::*;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The `format` tag of a comparison partial's header.
pub const COMPARISON_FORMAT: &str = "geoalign-comparison-partial/1";

/// Differences listed in `comparison.json` and on the console. Reason: a dozen lines are
/// read at a glance; the CSV holds every one.
pub const LARGEST: usize = 12;

/// The columns after the two that name a row (state and component, or institution and
/// measure): both CSV files of differences share them.
const DIFFERENCE_COLUMNS: [&str; 8] = [
    "date",
    "step",
    "mean_difference",
    "low",
    "high",
    "runs",
    "base_mean",
    "alt_mean",
];

/// One row of a differences file: the two names, then [`DIFFERENCE_COLUMNS`].
fn difference_row(names: [&str; 2], date: &str, step: u32, d: &Difference) -> [String; 10] {
    [
        names[0].to_string(),
        names[1].to_string(),
        date.to_string(),
        step.to_string(),
        d.mean.to_string(),
        d.low.to_string(),
        d.high.to_string(),
        d.runs.to_string(),
        d.base_mean.to_string(),
        d.alt_mean.to_string(),
    ]
}

/// A differences file: a header of `names` and [`DIFFERENCE_COLUMNS`], then one row per
/// recorded step and each of `rows(step)`.
fn differences_file<'a, F, I>(
    path: Dest<'_>,
    p: &PairedSummary,
    names: [&str; 2],
    rows: F,
) -> Result<(), OutputError>
where
    F: Fn(u32) -> I,
    I: Iterator<Item = ([&'a str; 2], Difference)>,
{
    let mut t = Table::create(path, &names, &DIFFERENCE_COLUMNS)?;
    for step in p.recorded_steps() {
        let date = p.date_of(step).to_string();
        for (row, d) in rows(step) {
            t.row(difference_row(row, &date, step, &d))?;
        }
    }
    t.finish().map(drop)
}

/// `difference.csv`.
pub(super) fn difference_csv(path: Dest<'_>, p: &PairedSummary) -> Result<(), OutputError> {
    differences_file(path, p, ["state", "component"], |step| {
        p.states.iter().enumerate().flat_map(move |(s, state)| {
            (0..=p.powers.len()).filter_map(move |c| {
                let d = p.alignment(step, s, c)?;
                Some(([state.as_str(), p.component_name(c)], d))
            })
        })
    })
}

/// `institutions-difference.csv`.
pub(super) fn institutions_csv(path: Dest<'_>, p: &PairedSummary) -> Result<(), OutputError> {
    differences_file(path, p, ["institution", "measure"], |step| {
        p.institutions
            .iter()
            .enumerate()
            .flat_map(move |(i, name)| {
                InstitutionMeasure::ALL.into_iter().filter_map(move |m| {
                    let d = p.institution(step, i, m)?;
                    Some(([name.as_str(), m.name()], d))
                })
            })
    })
}

/// `outcomes-difference.csv`.
pub(super) fn outcomes_csv(path: Dest<'_>, p: &PairedSummary) -> Result<(), OutputError> {
    let values = [
        "p_base",
        "p_alt",
        "difference",
        "low",
        "high",
        "changed_share",
        "runs",
    ];
    let mut t = Table::create(path, &["outcome", "category"], &values)?;
    for (outcome, category, o) in p.outcome_differences() {
        t.row([
            outcome.to_string(),
            category.to_string(),
            o.p_base.to_string(),
            o.p_alt.to_string(),
            o.difference.to_string(),
            o.low.to_string(),
            o.high.to_string(),
            o.changed_share.to_string(),
            o.runs.to_string(),
        ])?;
    }
    t.finish().map(drop)
}

/// One line of `comparison.json`'s `largest_at_horizon`.
#[derive(Serialize)]
struct Largest<'a> {
    state: &'a str,
    component: &'a str,
    #[serde(flatten)]
    difference: crate::analysis::compare::Difference,
    unpaired_width: f64,
}

/// One line of `comparison.json`'s `outcomes`.
#[derive(Serialize)]
struct OutcomeLine<'a> {
    outcome: &'a str,
    category: &'a str,
    #[serde(flatten)]
    difference: crate::analysis::compare::OutcomeDifference,
}

/// `comparison.json`.
#[derive(Serialize)]
struct ComparisonJson<'a> {
    geoalign_version: &'a str,
    base: &'a crate::analysis::compare::Side,
    alt: &'a crate::analysis::compare::Side,
    seed: u64,
    seed_note: Option<String>,
    runs: u64,
    start: String,
    horizon: String,
    steps: u32,
    record_every: u32,
    interval: &'static str,
    largest_at_horizon: Vec<Largest<'a>>,
    outcomes: Vec<OutcomeLine<'a>>,
    /// The posterior sample the run pairs drew their parameters from; left out without one.
    #[serde(skip_serializing_if = "Option::is_none")]
    posterior: Option<super::csv_out::PosteriorProvenance<'a>>,
}

fn comparison_json(path: &Path, p: &PairedSummary) -> Result<(), OutputError> {
    let json = ComparisonJson {
        geoalign_version: &p.version,
        base: &p.base,
        alt: &p.alt,
        seed: p.seed,
        seed_note: p.seed_note(),
        posterior: p
            .posterior
            .as_ref()
            .map(super::csv_out::PosteriorProvenance::of),
        runs: p.runs,
        start: p.start.to_string(),
        horizon: p.date_of(p.steps).to_string(),
        steps: p.steps,
        record_every: p.record_every,
        interval: "95 %: Student's t on the paired differences (runs − 1 degrees of freedom); outcomes: Newcombe's paired hybrid score interval (method 10)",
        largest_at_horizon: p
            .largest_at_horizon(LARGEST)
            .into_iter()
            .map(|(s, c, d)| Largest {
                state: &p.states[s],
                component: p.component_name(c),
                difference: d,
                unpaired_width: d.unpaired_width(),
            })
            .collect(),
        outcomes: p
            .outcome_differences()
            .map(|(outcome, category, difference)| OutcomeLine {
                outcome,
                category,
                difference,
            })
            .collect(),
    };
    let text = serde_json::to_string_pretty(&json).map_err(|e| io_error(path, e))?;
    atomic::write_file(path, text.as_bytes())
}

/// A component whose paired 95 % interval stays within ±this of zero at every date is left
/// out of a difference chart and named in its legend: the what-if does not move it.
const NEGLIGIBLE_DIFFERENCE: f64 = 0.001;

/// The SVG of state `state`'s difference over time: per component its mean difference as a
/// line and its paired 95 % interval as a light band of the same colour, and the zero line,
/// on a y axis that holds zero and is at least 0.02 wide (two points of share), so that a
/// difference of a few thousandths stays small on the page. Components whose interval stays
/// within ±[`NEGLIGIBLE_DIFFERENCE`] are left out and named in the legend (when that is all of
/// them, the plot keeps only the zero line and the legend says so).
fn difference_chart(path: &Path, p: &PairedSummary, state: usize) -> Result<String, OutputError> {
    use super::svg::{self, Series, Swatch};
    let name = &p.states[state];
    let steps: Vec<u32> = p.recorded_steps().collect();
    let year = |t: u32| svg::year_of(p.start, t);
    let (mut drawn, mut omitted) = (Vec::new(), Vec::new());
    for c in 0..p.powers.len() + 1 {
        let series = Series {
            name: p.component_name(c).to_string(),
            colour: svg::colour(c, p.powers.len()),
            points: steps
                .iter()
                .filter_map(|&t| {
                    let d = p.alignment(t, state, c)?;
                    // With fewer than two runs the band is the whole [−1, 1]: drawn as the mean.
                    let (lo, hi) = if p.runs < 2 {
                        (d.mean, d.mean)
                    } else {
                        (d.low, d.high)
                    };
                    Some((year(t), d.mean, lo, hi))
                })
                .collect(),
        };
        let (lo, hi) = svg::extent(std::slice::from_ref(&series));
        if lo > -NEGLIGIBLE_DIFFERENCE && hi < NEGLIGIBLE_DIFFERENCE {
            omitted.push(series);
        } else {
            drawn.push(series);
        }
    }
    let (lo, hi) = svg::extent(&drawn);
    let y = svg::fitted(lo.min(0.0), hi.max(0.0), 0.02, (-1.0, 1.0));
    let years = year(0)..year(p.steps.max(1));
    let mut notes = vec![
        "Line: mean paired difference (what-if minus base); band: its 95 % interval.".to_string(),
    ];
    notes.extend(svg::coinciding(&drawn, y.end - y.start));
    if drawn.is_empty() {
        notes.push(format!(
            "No component differs by more than ±{NEGLIGIBLE_DIFFERENCE} at any date: the what-if barely moves this state."
        ));
    } else if !omitted.is_empty() {
        let names: Vec<&str> = omitted.iter().map(|s| s.name.as_str()).collect();
        notes.push(format!(
            "Not drawn (within ±{NEGLIGIBLE_DIFFERENCE} throughout): {}.",
            names.join(", ")
        ));
    }
    let mut svg_text = String::new();
    {
        let root = SVGBackend::with_string(&mut svg_text, svg::SIZE).into_drawing_area();
        let body = svg::frame(
            path,
            &root,
            &format!("{name}: what-if minus base, share of alignment"),
            &format!(
                "\"{}\" minus \"{}\", {} paired runs",
                p.alt.name, p.base.name, p.runs
            ),
        )?;
        let (plot, side) = body.split_horizontally(svg::SIZE.0 - svg::SIDE);
        let mut chart = svg::time_axes(
            path,
            &plot,
            years.clone(),
            y,
            "difference in share",
            true,
            11,
        )?;
        svg::draw_rule(path, &mut chart, years, 0.0)?;
        svg::draw_series(path, &mut chart, &drawn)?;
        let items: Vec<(String, RGBAColor)> = drawn
            .iter()
            .map(|d| (d.name.clone(), d.colour.to_rgba()))
            .collect();
        svg::legend(path, &side, &items, Swatch::Line, &notes)?;
        root.present()
            .map_err(|e| io_error(path, format!("cannot draw the chart: {e}")))?;
    }
    Ok(svg_text)
}

/// Whether any paired run's share of any component of state `s` differs at a recorded step.
fn differs(p: &PairedSummary, s: usize) -> bool {
    p.recorded_steps().any(|t| {
        (0..p.components()).any(|k| {
            p.alignment(t, s, k)
                .is_some_and(|d| d.mean != 0.0 || d.sd != 0.0)
        })
    })
}

/// Every file of a comparison, into `out`.
fn comparison_files(out: &mut Staging, p: &PairedSummary) -> Result<(), OutputError> {
    p.verify()
        .map_err(|e| io_error(Path::new("comparison"), format!("inconsistent: {e}")))?;
    difference_csv(Dest::File(&out.file("difference.csv")?), p)?;
    institutions_csv(Dest::File(&out.file("institutions-difference.csv")?), p)?;
    outcomes_csv(Dest::File(&out.file("outcomes-difference.csv")?), p)?;
    comparison_json(&out.file("comparison.json")?, p)?;
    // A state no paired run moves (a fixed state, or one the what-if does not reach) gets no
    // chart: a flat zero line in a dozen files would hide the ones that show a change.
    for (s, state) in p.states.iter().enumerate().filter(|&(s, _)| differs(p, s)) {
        let path = out.file(format!("difference-{}.svg", slug(state)))?;
        atomic::write_file(&path, difference_chart(&path, p, s)?.as_bytes())?;
    }
    Ok(())
}

/// Write the files of a comparison (see the module docs) into `dir` atomically with its
/// manifest, refusing a non-empty `dir` as [`super::write_summary`] does; returns the files.
///
/// # Examples
///
/// ```
/// use geoalign::analysis::compare::Comparison;
/// let base = geoalign::presets::eurasia_2025();
/// let alt = geoalign::presets::csto_futures()[0].clone();
/// let p = Comparison::new(base, alt, 3).unwrap().run().unwrap();
/// let dir = std::env::temp_dir().join(format!("geoalign-doc-compare-{}", std::process::id()));
/// # let _ = std::fs::remove_dir_all(&dir);
/// let files = geoalign::output::write_comparison(&dir, &p).unwrap();
/// assert!(files.iter().any(|f| f.ends_with("difference.csv")));
/// assert!(files.iter().any(|f| f.ends_with("difference-armenia.svg")));
/// // The Baltic states are fixed points: no paired run moves them, so they get no chart.
/// assert!(!files.iter().any(|f| f.ends_with("difference-estonia.svg")));
/// ```
pub fn write_comparison(dir: &Path, p: &PairedSummary) -> Result<Vec<PathBuf>, OutputError> {
    OutputDir::new(dir).stage()?.write_comparison(p)
}

impl Staging {
    /// Write the files of [`write_comparison`] and put them into place.
    pub fn write_comparison(mut self, p: &PairedSummary) -> Result<Vec<PathBuf>, OutputError> {
        comparison_files(&mut self, p).map_err(|e| self.unchanged(e))?;
        self.commit()
    }
}

/// The job and dimensions of a comparison partial, in its header: what bounds its body's
/// size, and what every partial of a merge must share (all but the shards and runs).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ComparisonJob {
    version: String,
    base: String,
    base_fingerprint: u64,
    alt: String,
    alt_fingerprint: u64,
    seed: u64,
    planned_runs: u64,
    shard_count: u32,
    shards: Vec<u32>,
    runs: u64,
    /// Cells of the paired moments.
    cells: u64,
    /// Entries of all outcome tables.
    table_entries: u64,
    /// Names in the body (states, powers, institutions, outcomes, categories, scenarios).
    names: u64,
}

impl ComparisonJob {
    fn of(p: &PairedSummary) -> ComparisonJob {
        let categories: usize = p.outcomes.iter().map(|o| o.categories.len()).sum();
        ComparisonJob {
            version: p.version.clone(),
            base: p.base.name.clone(),
            base_fingerprint: p.base.fingerprint,
            alt: p.alt.name.clone(),
            alt_fingerprint: p.alt.fingerprint,
            seed: p.seed,
            planned_runs: p.planned_runs,
            shard_count: p.shard_count,
            shards: p.shards.clone(),
            runs: p.runs,
            cells: p.moment_cells() as u64,
            table_entries: p.outcomes.iter().map(|o| o.table.len() as u64).sum(),
            names: (2
                + p.states.len()
                + p.powers.len()
                + p.institutions.len()
                + p.outcomes.len()
                + categories) as u64,
        }
    }

    /// The most bytes a body of this job can take: each sum at its longest (below 2¹¹³, 35
    /// digits and a comma), each count at most the runs', each name 4 KiB, and 64 KiB of keys.
    fn max_body_bytes(&self) -> Option<u64> {
        let count = u64::from(self.runs.checked_ilog10().unwrap_or(0)) + 2;
        self.cells
            .checked_mul(5 * 36)?
            .checked_add(self.table_entries.checked_mul(count)?)?
            .checked_add(self.names.checked_mul(4096)?)?
            .checked_add(self.shards.len() as u64 * 11 + (64 << 10))
    }
}

/// The file name of shard `i` of `n`'s comparison partial.
fn partial_name(index: u32, count: u32) -> String {
    format!("comparison-partial-{index}-of-{count}.json")
}

/// Write the partial of a comparison shard as `comparison-partial-<i>-of-<n>.json` in `dir`
/// (replaced atomically); returns its path. The summary is verified first.
///
/// # Examples
///
/// ```
/// use geoalign::analysis::compare::Comparison;
/// use geoalign::output::{read_comparison_partial, write_comparison_partial};
/// let s = geoalign::presets::eurasia_2025();
/// let part = Comparison::new(s.clone(), s, 4).unwrap().shard("1/2".parse().unwrap()).run().unwrap();
/// let dir = std::env::temp_dir().join(format!("geoalign-doc-cpartial-{}", std::process::id()));
/// let path = write_comparison_partial(&dir, &part).unwrap();
/// assert_eq!(read_comparison_partial(&path).unwrap(), part);
/// ```
pub fn write_comparison_partial(dir: &Path, p: &PairedSummary) -> Result<PathBuf, OutputError> {
    let index = p.shards.first().copied().unwrap_or(0);
    let path = dir.join(partial_name(index, p.shard_count));
    p.verify().map_err(|e| io_error(&path, e))?;
    let body = serde_json::to_vec(p).map_err(|e| io_error(&path, e))?;
    signed::write(&path, COMPARISON_FORMAT, &ComparisonJob::of(p), &body)?;
    Ok(path)
}

/// Read and check the comparison partial at `path`: a regular file, a header naming the
/// format within [`HEADER_LIMIT`](super::partial::HEADER_LIMIT) bytes, a body of exactly the size the header says and no
/// more than its dimensions allow (checked before it is read), the digest, and the paired
/// summary's own consistency ([`PairedSummary::verify`]) and agreement with the header.
pub fn read_comparison_partial(path: &Path) -> Result<PairedSummary, OutputError> {
    let (job, p): (ComparisonJob, PairedSummary) = signed::read(
        path,
        COMPARISON_FORMAT,
        "a comparison partial",
        ComparisonJob::max_body_bytes,
        "more than a comparison of these dimensions takes",
    )?;
    p.verify()
        .map_err(|e| corrupt(path, "body", e.to_string()))?;
    if ComparisonJob::of(&p) != job {
        return Err(corrupt(
            path,
            "job",
            "the header does not describe the content",
        ));
    }
    Ok(p)
}

/// The `comparison-partial-*.json` entries of `dir`, sorted by name; one so named that is not
/// a regular file is an error naming it.
pub fn comparison_partial_files(dir: &Path) -> Result<Vec<PathBuf>, OutputError> {
    super::partial::named_files(dir, "comparison-partial-")
}

/// Read the comparison partials `paths` one at a time and merge them
/// ([`PairedSummary::merge`]); the result may be incomplete ([`PairedSummary::is_complete`]).
///
/// # Examples
///
/// ```
/// use geoalign::analysis::compare::Comparison;
/// use geoalign::analysis::ensemble::Shard;
/// use geoalign::output::{comparison_partial_files, merge_comparison_partials, write_comparison_partial};
/// let (b, a) = (geoalign::presets::eurasia_2025(), geoalign::presets::csto_futures()[0].clone());
/// let dir = std::env::temp_dir().join(format!("geoalign-doc-cmerge-{}", std::process::id()));
/// for index in 0..2 {
///     let part = Comparison::new(b.clone(), a.clone(), 4).unwrap().shard(Shard { index, count: 2 }).run().unwrap();
///     write_comparison_partial(&dir, &part).unwrap();
/// }
/// let merged = merge_comparison_partials(&comparison_partial_files(&dir).unwrap()).unwrap();
/// assert_eq!(merged, Comparison::new(b, a, 4).unwrap().run().unwrap());
/// ```
pub fn merge_comparison_partials(paths: &[PathBuf]) -> Result<PairedSummary, OutputError> {
    let (first, rest) = paths.split_first().ok_or(OutputError::NoPartials)?;
    let mut merged = read_comparison_partial(first)?;
    for path in rest {
        let part = read_comparison_partial(path)?;
        merged.merge(&part).map_err(|e| io_error(path, e))?;
    }
    Ok(merged)
}
