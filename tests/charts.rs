//! The charts of an output set show change (issue 18): a chart per state that can move and
//! none for a fixed state, one line and one band per component (not stacked shares), a y
//! axis fitted to the data, and an institutions chart.
#![cfg(feature = "output")]

use geoalign::analysis::ensemble::Ensemble;
use geoalign::Scenario;
use std::path::{Path, PathBuf};

/// One state whose three shares start within 0.32–0.35 and stay near them over a year.
const NARROW: &str = r#"name = "narrow"
seed = 3
[horizon]
start = "2025-01"
steps = 12
[powers.A]
coercion = 0.5
[powers.B]
coercion = 0.1
[states.S]
disposition = "hedge"
inertia = 0.05
stubbornness = 0.3
fragility = 0.1
salience = { trade = 0.5, security = 0.5 }
alignment = { A = 0.34, B = 0.33, autonomy = 0.33 }
"#;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("geoalign-charts-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// The text of every `<text>` element of an SVG, trimmed.
fn texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let body = t.split_once('>')?.1;
            Some(body.split_once("</text>")?.0.trim().to_string())
        })
        .collect()
}

/// The numeric labels of the y axis: every text that parses as a number below 2 (the dates
/// are years).
fn y_labels(svg: &str) -> Vec<f64> {
    texts(svg)
        .iter()
        .filter_map(|t| t.parse::<f64>().ok())
        .filter(|v| v.abs() < 2.0)
        .collect()
}

#[test]
fn movable_states_get_a_chart_and_fixed_states_none() {
    let summary = Ensemble::new(geoalign::presets::eurasia_2025(), 8)
        .run()
        .unwrap();
    let dir = scratch("fixed");
    geoalign::output::write_summary(&dir, &summary).unwrap();
    for movable in ["armenia", "kazakhstan", "belarus", "georgia"] {
        assert!(
            dir.join(format!("alignment-{movable}.svg")).is_file(),
            "{movable}"
        );
    }
    // The Baltic states are fixed points of the embedded world: their alignment never moves.
    for fixed in ["estonia", "latvia", "lithuania"] {
        assert!(
            !dir.join(format!("alignment-{fixed}.svg")).exists(),
            "{fixed}"
        );
    }
    let institutions = read(&dir, "institutions.svg");
    for name in [
        "CSTO",
        "EAEU",
        "credibility",
        "cohesion",
        "suspended",
        "exited",
    ] {
        assert!(institutions.contains(name), "institutions.svg lacks {name}");
    }
    // Armenia's CSTO suspension (from the start) is drawn among the members.
    assert!(institutions.contains("CSTO: Armenia"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_state_chart_draws_one_line_and_one_band_per_component_not_stacked() {
    let scenario = Scenario::from_toml_str(NARROW, "narrow.toml").unwrap();
    let summary = Ensemble::new(scenario, 40).run().unwrap();
    let dir = scratch("lines");
    geoalign::output::write_summary(&dir, &summary).unwrap();
    let svg = read(&dir, "alignment-s.svg");
    // Three components (A, B, autonomy): three bands (filled polygons) and three lines (the
    // 3-pixel polylines; the legend's swatches are 4 pixels wide, the grid 1).
    assert_eq!(svg.matches("<polygon").count(), 3, "one band per component");
    let lines: Vec<&str> = svg
        .split("<polyline")
        .skip(1)
        .filter(|p| p.contains("stroke-width=\"3\""))
        .collect();
    assert_eq!(lines.len(), 3, "one line per component");
    for name in ["A", "B", "autonomy"] {
        assert!(texts(&svg).iter().any(|t| t == name), "legend lacks {name}");
    }
    // Each line has the colour of its band (the band is the same colour, translucent).
    for line in &lines {
        let colour = line
            .split("stroke=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        assert!(
            svg.split("<polygon")
                .skip(1)
                .any(|p| p.contains(&format!("fill=\"{colour}\""))),
            "no band of the line's colour {colour}"
        );
    }
    assert!(svg.contains("not forecasts"), "the caption");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_y_axis_fits_shares_that_keep_within_a_narrow_range() {
    let scenario = Scenario::from_toml_str(NARROW, "narrow.toml").unwrap();
    let summary = Ensemble::new(scenario, 40).run().unwrap();
    let dir = scratch("narrow");
    geoalign::output::write_summary(&dir, &summary).unwrap();
    // The range the shares cover (5–95 % of runs over every date), from alignment.csv.
    let csv = read(&dir, "alignment.csv");
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (q05, q95) = (col("q05"), col("q95"));
    let (mut lo, mut hi) = (1.0f64, 0.0f64);
    for row in csv.lines().skip(1) {
        let cells: Vec<&str> = row.split(',').collect();
        lo = lo.min(cells[q05].parse().unwrap());
        hi = hi.max(cells[q95].parse().unwrap());
    }
    assert!(hi - lo < 0.2, "the test world stays narrow: {lo}–{hi}");
    let labels = y_labels(&read(&dir, "alignment-s.svg"));
    assert!(labels.len() >= 3, "y labels: {labels:?}");
    let (min, max) = labels
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        });
    // Not 0–1: the axis spans the data and a margin (at least 0.10 in all).
    assert!(min > 0.0 && max < 1.0, "labels {labels:?} span 0–1");
    assert!(
        min >= lo - 0.1 && max <= hi + 0.1,
        "labels {labels:?} for data {lo}–{hi}"
    );
    assert!(max - min <= (hi - lo).max(0.1) + 0.05, "labels {labels:?}");
    let _ = std::fs::remove_dir_all(&dir);
}
