//! Parameter sweeps: the direction of an effect, the designs' sizes and coverage, bit-identity
//! across threads and shards, the partials' checks, the command line, and the errors.

use geoalign::analysis::ensemble::Shard;
use geoalign::analysis::sensitivity::Base;
use geoalign::analysis::sweep::{Design, Sweep, SweepError, SweepParam, SweepTable};
use geoalign::output;
use std::path::{Path, PathBuf};
use std::process::Command;

fn param(text: &str) -> SweepParam {
    text.parse().unwrap()
}

fn slow_decline() -> Base {
    Base::builtin("builtin:csto-slow-decline").unwrap()
}

/// A fresh directory for one test.
fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("geoalign-sweep-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn geoalign(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_geoalign"))
        .args(args)
        .output()
        .unwrap()
}

/// Two parameters on the futures' world, small enough to run in a second.
fn small(design: Design) -> Sweep {
    let params = match design {
        Design::Grid => vec![
            param("parameters.noise=0.01:0.05:3"),
            param("institutions.CSTO.credibility=0.1:0.6:2"),
        ],
        _ => vec![
            param("parameters.noise=0.01:0.05"),
            param("institutions.CSTO.credibility=0.1:0.6"),
        ],
    };
    Sweep::new(slow_decline(), params, design).runs_per_point(6)
}

#[test]
fn belarus_s_russia_share_rises_with_russia_s_capacity() {
    let base = slow_decline();
    let quantity = base.quantity("Belarus.Russia@horizon").unwrap();
    let table = Sweep::new(
        base,
        vec![param("drivers.powers.Russia.capacity[-1].scale=0.3:1.5:3")],
        Design::Grid,
    )
    .runs_per_point(40)
    .output(quantity)
    .run(&|_| {})
    .unwrap();
    let means: Vec<f64> = table.rows.iter().map(|r| r.value).collect();
    assert_eq!(means.len(), 3);
    assert!(means[0] < means[1] && means[1] < means[2], "{means:?}");
    // Common random numbers: the difference is far outside the runs' noise.
    let (lo, hi) = (&table.rows[0], &table.rows[2]);
    assert!(lo.high < hi.low, "{lo:?} {hi:?}");
}

#[test]
fn a_grid_has_the_product_of_its_levels_and_both_ends_of_each_range() {
    let values = small(Design::Grid).design_values().unwrap();
    assert_eq!(values.len(), 3 * 2);
    let column = |d: usize| values.iter().map(|v| v[d]).collect::<Vec<_>>();
    assert_eq!(column(0), [0.01, 0.01, 0.03, 0.03, 0.05, 0.05]);
    assert_eq!(column(1), [0.1, 0.6, 0.1, 0.6, 0.1, 0.6]);
}

#[test]
fn lhs_and_sobol_put_one_point_in_each_stratum_of_each_range() {
    for design in [Design::Lhs { points: 16 }, Design::Sobol { points: 16 }] {
        let sweep = small(design);
        let values = sweep.design_values().unwrap();
        assert_eq!(values.len(), 16);
        for (d, (low, high)) in [(0.01, 0.05), (0.1, 0.6)].into_iter().enumerate() {
            let mut strata: Vec<usize> = values
                .iter()
                .map(|v| ((v[d] - low) / (high - low) * 16.0) as usize)
                .collect();
            strata.sort_unstable();
            assert_eq!(strata, (0..16).collect::<Vec<_>>(), "{design:?} dim {d}");
        }
    }
}

#[test]
fn another_design_seed_moves_the_lhs_points() {
    let a = small(Design::Lhs { points: 8 }).design_values().unwrap();
    let b = small(Design::Lhs { points: 8 })
        .design_seed(1)
        .design_values()
        .unwrap();
    assert_ne!(a, b);
}

#[test]
fn a_sweep_does_not_depend_on_the_thread_count() {
    let design = Design::Sobol { points: 8 };
    let one = small(design).threads(1).run(&|_| {}).unwrap();
    let two = small(design).threads(2).run(&|_| {}).unwrap();
    assert_eq!(one, two);
    assert_eq!(one.to_csv(), two.to_csv());
    assert_eq!(one.rows.len(), 8 * 3);
}

#[test]
fn every_point_uses_the_scenario_seed_so_equal_points_give_equal_rows() {
    // Two levels of a parameter that the futures' classifier never reads at these values are
    // two runs of the same scenario: with common random numbers their rows are identical.
    let table = Sweep::new(
        slow_decline(),
        vec![param("parameters.noise=0.03:0.030000000000000002:2")],
        Design::Grid,
    )
    .runs_per_point(5)
    .run(&|_| {})
    .unwrap();
    let (a, b) = table.rows.split_at(3);
    for (x, y) in a.iter().zip(b) {
        assert_eq!((x.count, x.value), (y.count, y.value));
    }
}

#[test]
fn shards_merged_give_the_whole_sweep_bit_for_bit() {
    let dir = temp("shards");
    let sweep = small(Design::Grid);
    let whole = sweep.run(&|_| {}).unwrap();
    for index in 0..4 {
        let part = sweep
            .clone()
            .shard(Shard { index, count: 4 })
            .run(&|_| {})
            .unwrap();
        output::write_sweep_partial(&dir, &part).unwrap();
    }
    let files = output::sweep_partial_files(std::slice::from_ref(&dir)).unwrap();
    assert_eq!(files.len(), 4);
    let merged = output::merge_sweep_partials(&files).unwrap();
    assert!(merged.is_complete());
    assert_eq!(merged, whole);
    assert_eq!(merged.to_csv(), whole.to_csv());
    // Three of four shards are an incomplete table, not an error until it is written.
    let three = output::merge_sweep_partials(&files[..3]).unwrap();
    assert!(!three.is_complete());
    let out = temp("shards-out");
    let refused = output::write_sweep(&out, &three).unwrap_err().to_string();
    assert!(refused.contains("not the whole sweep"), "{refused}");
}

#[test]
fn partials_of_different_sweeps_are_not_merged() {
    let dir = temp("mixed");
    let a = small(Design::Grid).shard("0/2".parse().unwrap());
    let b = small(Design::Grid)
        .runs_per_point(7)
        .shard("1/2".parse().unwrap());
    output::write_sweep_partial(&dir, &a.run(&|_| {}).unwrap()).unwrap();
    output::write_sweep_partial(&dir, &b.run(&|_| {}).unwrap()).unwrap();
    let files = output::sweep_partial_files(&[dir]).unwrap();
    let err = output::merge_sweep_partials(&files)
        .unwrap_err()
        .to_string();
    assert!(err.contains("`runs_per_point` differs"), "{err}");
}

#[test]
fn an_edited_partial_is_refused_by_its_digest_or_its_rows() {
    let dir = temp("edited");
    let part = small(Design::Grid)
        .shard("0/2".parse().unwrap())
        .run(&|_| {})
        .unwrap();
    let path = output::write_sweep_partial(&dir, &part).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    // A run count changed in the rows: the digest catches it.
    let changed = text.replacen("\"runs\":6", "\"runs\":7", 1);
    assert_ne!(changed, text);
    std::fs::write(&path, &changed).unwrap();
    let err = output::read_sweep_partial(&path).unwrap_err().to_string();
    assert!(err.contains("sha256") || err.contains("digest"), "{err}");
    // A table whose values were edited (digest recomputed by whoever edits the rows) is
    // refused by its own check.
    let mut forged: SweepTable = part.clone();
    forged.rows[0].values[0] = 0.02;
    assert!(forged.verify().is_err());
    let mut forged = part;
    forged.rows[0].count = forged.rows[0].count.map(|c| c + 1);
    assert!(forged.verify().is_err());
}

#[test]
fn quantity_rows_hold_a_mean_inside_its_interval_and_an_sd() {
    let base = slow_decline();
    let q = base.quantity("Kazakhstan.China@horizon").unwrap();
    let table = small(Design::Lhs { points: 3 })
        .output(q)
        .run(&|_| {})
        .unwrap();
    assert_eq!(table.rows.len(), 3);
    for r in &table.rows {
        assert_eq!(r.category, "mean");
        assert!(r.low < r.value && r.value < r.high, "{r:?}");
        assert!(r.sd.unwrap() > 0.0 && r.count.is_none());
    }
}

#[test]
fn levels_outside_a_grid_are_refused_with_what_to_do() {
    let sweep = Sweep::new(
        slow_decline(),
        vec![param("parameters.noise=0.01:0.05:8")],
        Design::Lhs { points: 8 },
    );
    let err = sweep.run(&|_| {}).unwrap_err();
    assert!(matches!(err, SweepError::LevelsOutsideGrid { .. }));
    assert_eq!(
        err.to_string(),
        "--param `parameters.noise`: `:8` sets grid levels, but the design is lhs, whose size is --points; drop `:8` or use --design grid"
    );
}

#[test]
fn bad_params_and_designs_say_what_is_wrong() {
    let text = |t: &str| t.parse::<SweepParam>().unwrap_err().to_string();
    assert_eq!(
        text("parameters.noise=0.01:0.05:x"),
        "--param `parameters.noise=0.01:0.05:x`: the levels `x` is not a whole number; write KEY=LO:HI, or KEY=LO:HI:N for N grid levels, e.g. parameters.noise=0.01:0.06:5"
    );
    assert!(text("parameters.noise=0.05:0.01").contains("LO 0.05 is not below HI 0.01"));
    assert!(text("parameters.noise").contains("no `=`"));
    let run = |params: Vec<SweepParam>, design| {
        Sweep::new(slow_decline(), params, design)
            .runs_per_point(2)
            .run(&|_| {})
            .unwrap_err()
            .to_string()
    };
    let one_level = run(vec![param("parameters.noise=0.01:0.05:1")], Design::Grid);
    assert!(one_level.contains("needs at least 2"), "{one_level}");
    let twice = run(
        vec![param("parameters.noise=0:1"), param("parameters.noise=0:2")],
        Design::Grid,
    );
    assert!(twice.contains("given twice"), "{twice}");
    let unknown = run(vec![param("parameters.noize=0.01:0.05")], Design::Grid);
    assert!(
        unknown.contains("parameters.noize") && unknown.contains("did you mean `noise`"),
        "{unknown}"
    );
    let long = run(
        vec![param("parameters.noise=0.01:0.05")],
        Design::Sobol { points: 1 << 17 },
    );
    assert!(long.contains("needs 2 to 65536 points"), "{long}");
    let huge = run(
        vec![param("parameters.noise=0.01:0.05")],
        Design::Lhs {
            points: (1 << 20) + 1,
        },
    );
    assert!(huge.contains("needs 2 to 1048576 points"), "{huge}");
    let grid = run(
        vec![
            param("parameters.noise=0.01:0.05:1000"),
            param("parameters.innovation=0.01:0.05:1000"),
            param("parameters.inertia=0.1:0.5:1000"),
        ],
        Design::Grid,
    );
    assert!(
        grid.contains("1000 × 1000 × 1000 levels make more"),
        "{grid}"
    );
    let none = run(Vec::new(), Design::Grid);
    assert!(none.contains("no parameters"), "{none}");
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap()
}

#[test]
fn the_command_line_shards_resume_and_merge_to_the_whole_sweep() {
    let whole = temp("cli-whole");
    let parts = temp("cli-parts");
    let common = [
        "sweep",
        "builtin:csto-slow-decline",
        "--param",
        "parameters.noise=0.01:0.05",
        "--param",
        "institutions.CSTO.credibility=0.1:0.6",
        "--design",
        "lhs",
        "--points",
        "5",
        "--runs",
        "4",
        "--threads",
        "2",
    ];
    let run = |extra: &[&str]| {
        let out = geoalign(&[&common[..], extra].concat());
        let text = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{text}");
        text
    };
    run(&["--out", whole.to_str().unwrap()]);
    let p = parts.to_str().unwrap();
    run(&["--shard", "0/2", "--out", p]);
    let again = run(&["--shard", "0/2", "--out", p]);
    assert!(again.contains("already done"), "{again}");
    run(&["--shard", "1/2", "--out", p]);
    let merged = geoalign(&["merge", p]);
    assert!(
        merged.status.success(),
        "{}",
        String::from_utf8_lossy(&merged.stderr)
    );
    assert_eq!(read(&parts, "sweep.csv"), read(&whole, "sweep.csv"));
    assert_eq!(read(&parts, "sweep.json"), read(&whole, "sweep.json"));
    let header = read(&whole, "sweep.csv");
    assert!(header.starts_with(
        "point,parameters.noise,institutions.CSTO.credibility,output,category,value,ci_low,ci_high,sd,count,runs\n"
    ));
    // Points on a grid are an error that says what to do instead.
    let refused = geoalign(&[
        "sweep",
        "--param",
        "parameters.noise=0.01:0.05",
        "--points",
        "8",
    ]);
    assert!(!refused.status.success());
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(
        err.contains("a grid's size is the product of its levels"),
        "{err}"
    );
}
