//! `geoalign::output::tables` gives the same bytes as the files the command line writes, for
//! a summary, a paired comparison and a traced run.
#![cfg(feature = "output")]

use geoalign::analysis::compare::Comparison;
use geoalign::analysis::ensemble::Ensemble;
use geoalign::output::{self, tables};
use geoalign::{presets, Simulation};
use std::path::{Path, PathBuf};

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("tables-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Every table equals the file of its name in `dir`.
fn assert_same_as_files(tables: &[(String, String)], dir: &Path) {
    assert!(!tables.is_empty());
    for (name, text) in tables {
        let file = std::fs::read_to_string(dir.join(name)).unwrap();
        assert_eq!(text, &file, "{name}");
    }
}

#[test]
fn summary_tables_are_the_bytes_of_the_summary_csv_files() {
    let summary = Ensemble::new(presets::csto_futures()[0].clone(), 6)
        .run()
        .unwrap();
    let dir = scratch("summary");
    let written = output::write_summary(&dir, &summary).unwrap();
    let tables = tables::summary_tables(&summary).unwrap();
    assert_same_as_files(&tables, &dir);
    // Every CSV file written is a table, and nothing else is.
    let csv = written
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "csv"));
    assert_eq!(csv.count(), tables.len());
    assert!(tables.iter().any(|(n, _)| n == "outcomes-over-time.csv"));
}

#[test]
fn comparison_tables_are_the_bytes_of_the_comparison_csv_files() {
    let alt = presets::csto_futures()[2].clone();
    let paired = Comparison::new(presets::eurasia_2025(), alt, 4)
        .unwrap()
        .run()
        .unwrap();
    let dir = scratch("comparison");
    output::write_comparison(&dir, &paired).unwrap();
    let tables = tables::comparison_tables(&paired).unwrap();
    assert_eq!(tables.len(), 3);
    assert_same_as_files(&tables, &dir);
}

#[test]
fn trace_tables_are_the_bytes_of_the_trace_csv_files() {
    let sim = Simulation::new(presets::csto_futures()[2].clone());
    let run = sim.trajectory(11).unwrap();
    let dir = scratch("trace");
    output::OutputDir::new(&dir)
        .write_trace(sim.scenario(), &run)
        .unwrap();
    let tables = tables::trace_tables(sim.scenario(), &run).unwrap();
    assert_same_as_files(&tables, &dir);
    assert!(tables[0].1.lines().count() > 1, "run 11 logs events");
}
