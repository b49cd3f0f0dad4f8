//! Tidy CSV tables and the JSON provenance record of a summary.

use super::{io_error, OutputError};
use crate::analysis::ensemble::{CstoFuture, Proportion, Stats, Summary};
use serde::Serialize;
use std::path::{Path, PathBuf};

const STAT_COLUMNS: [&str; 7] = ["mean", "sd", "q05", "q25", "q50", "q75", "q95"];

fn stat_fields(s: &Stats) -> Vec<String> {
    let mut v = vec![s.mean.to_string(), s.sd.to_string()];
    v.extend(s.quantiles.iter().map(|q| q.to_string()));
    v
}

fn writer(path: &Path) -> Result<csv::Writer<std::fs::File>, OutputError> {
    csv::Writer::from_path(path).map_err(|e| io_error(path, e))
}

/// `alignment.csv`: step × state × component.
pub(crate) fn alignment(path: &Path, s: &Summary) -> Result<PathBuf, OutputError> {
    let mut w = writer(path)?;
    let mut header = vec!["scenario", "step", "date", "state", "power"];
    header.extend(STAT_COLUMNS);
    header.push("runs");
    w.write_record(&header).map_err(|e| io_error(path, e))?;
    let components: Vec<&str> = s
        .powers
        .iter()
        .map(String::as_str)
        .chain(std::iter::once("autonomy"))
        .collect();
    for step in 0..=s.steps as usize {
        let date = s.start.add_months(step as u32).to_string();
        for (i, state) in s.states.iter().enumerate() {
            for (c, power) in components.iter().enumerate() {
                let Some(stats) = s.alignment(step, i, c) else {
                    continue;
                };
                let mut row = vec![
                    s.scenario.clone(),
                    step.to_string(),
                    date.clone(),
                    state.clone(),
                    power.to_string(),
                ];
                row.extend(stat_fields(&stats));
                row.push(s.runs.to_string());
                w.write_record(&row).map_err(|e| io_error(path, e))?;
            }
        }
    }
    w.flush().map_err(|e| io_error(path, e))?;
    Ok(path.to_path_buf())
}

/// `institutions.csv`: step × institution × measure.
pub(crate) fn institutions(path: &Path, s: &Summary) -> Result<PathBuf, OutputError> {
    let mut w = writer(path)?;
    let mut header = vec!["scenario", "step", "date", "institution", "measure"];
    header.extend(STAT_COLUMNS);
    header.push("runs");
    w.write_record(&header).map_err(|e| io_error(path, e))?;
    for step in 0..=s.steps as usize {
        let date = s.start.add_months(step as u32).to_string();
        for (i, inst) in s.institutions.iter().enumerate() {
            for (measure, stats) in [
                ("cohesion", s.cohesion(step, i)),
                ("credibility", s.credibility(step, i)),
            ] {
                let Some(stats) = stats else { continue };
                let mut row = vec![
                    s.scenario.clone(),
                    step.to_string(),
                    date.clone(),
                    inst.clone(),
                    measure.to_string(),
                ];
                row.extend(stat_fields(&stats));
                row.push(s.runs.to_string());
                w.write_record(&row).map_err(|e| io_error(path, e))?;
            }
        }
    }
    w.flush().map_err(|e| io_error(path, e))?;
    Ok(path.to_path_buf())
}

/// `similarity.csv`: one row per ordered pair of states, Signorino–Ritter S of their
/// alignments at the horizon.
pub(crate) fn similarity(path: &Path, s: &Summary) -> Result<PathBuf, OutputError> {
    let mut w = writer(path)?;
    let mut header = vec!["scenario", "date", "state_a", "state_b", "measure"];
    header.extend(STAT_COLUMNS);
    header.push("runs");
    w.write_record(&header).map_err(|e| io_error(path, e))?;
    let date = s.start.add_months(s.steps).to_string();
    for (a, name_a) in s.states.iter().enumerate() {
        for (b, name_b) in s.states.iter().enumerate() {
            let Some(stats) = s.similarity(a, b) else {
                continue;
            };
            let mut row = vec![
                s.scenario.clone(),
                date.clone(),
                name_a.clone(),
                name_b.clone(),
                "signorino_ritter_s".to_string(),
            ];
            row.extend(stat_fields(&stats));
            row.push(s.runs.to_string());
            w.write_record(&row).map_err(|e| io_error(path, e))?;
        }
    }
    w.flush().map_err(|e| io_error(path, e))?;
    Ok(path.to_path_buf())
}

/// `outcomes.csv` / `futures.csv`: one row per outcome of each summary.
pub(crate) fn outcomes(path: &Path, summaries: &[&Summary]) -> Result<PathBuf, OutputError> {
    let mut w = writer(path)?;
    w.write_record([
        "scenario",
        "kind",
        "institution",
        "member",
        "outcome",
        "probability",
        "ci_low",
        "ci_high",
        "count",
        "runs",
    ])
    .map_err(|e| io_error(path, e))?;
    for s in summaries {
        let row = |kind: &str, inst: &str, member: &str, outcome: &str, p: &Proportion| {
            vec![
                s.scenario.clone(),
                kind.to_string(),
                inst.to_string(),
                member.to_string(),
                outcome.to_string(),
                p.estimate.to_string(),
                p.low.to_string(),
                p.high.to_string(),
                p.count.to_string(),
                p.runs.to_string(),
            ]
        };
        for f in CstoFuture::ALL {
            if let Some(p) = s.future(f) {
                w.write_record(row("csto_future", "CSTO", "", f.name(), &p))
                    .map_err(|e| io_error(path, e))?;
            }
        }
        for (i, inst) in s.institutions.iter().enumerate() {
            for (m, member) in s.members[i].iter().enumerate() {
                if let Some((sus, ex)) = s.membership(i, m) {
                    w.write_record(row("membership", inst, member, "suspended", &sus))
                        .map_err(|e| io_error(path, e))?;
                    w.write_record(row("membership", inst, member, "exited", &ex))
                        .map_err(|e| io_error(path, e))?;
                }
            }
        }
    }
    w.flush().map_err(|e| io_error(path, e))?;
    Ok(path.to_path_buf())
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
    quantile_error_bound: f64,
    futures: Vec<(&'static str, Proportion)>,
    membership: Vec<(String, String, Proportion, Proportion)>,
    horizon_alignment: Vec<(String, String, Stats)>,
    horizon_cohesion: Vec<(String, Stats)>,
}

pub(crate) fn provenance(s: &Summary) -> Provenance<'_> {
    let last = s.steps as usize;
    let components: Vec<String> = s
        .powers
        .iter()
        .cloned()
        .chain(std::iter::once("autonomy".to_string()))
        .collect();
    let components = &components;
    Provenance {
        note: "model implications under the scenario's assumptions, not forecasts",
        scenario: &s.scenario,
        seed: s.seed,
        geoalign_version: &s.version,
        scenario_fingerprint: format!("{:016x}", s.fingerprint),
        runs: s.runs,
        start: s.start.to_string(),
        horizon: s.start.add_months(s.steps).to_string(),
        steps: s.steps,
        quantile_error_bound: 1.0 / crate::analysis::ensemble::sketch::BINS as f64,
        futures: CstoFuture::ALL
            .iter()
            .filter_map(|&f| s.future(f).map(|p| (f.name(), p)))
            .collect(),
        membership: s
            .institutions
            .iter()
            .enumerate()
            .flat_map(|(i, inst)| {
                s.members[i]
                    .iter()
                    .enumerate()
                    .filter_map(move |(m, name)| {
                        s.membership(i, m)
                            .map(|(a, b)| (inst.clone(), name.clone(), a, b))
                    })
            })
            .collect(),
        horizon_alignment: s
            .states
            .iter()
            .enumerate()
            .flat_map(|(i, st)| {
                components.iter().enumerate().filter_map(move |(c, comp)| {
                    s.alignment(last, i, c)
                        .map(|x| (st.clone(), comp.clone(), x))
                })
            })
            .collect(),
        horizon_cohesion: s
            .institutions
            .iter()
            .enumerate()
            .filter_map(|(i, inst)| s.cohesion(last, i).map(|x| (inst.clone(), x)))
            .collect(),
    }
}
