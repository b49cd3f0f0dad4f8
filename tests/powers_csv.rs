//! The powers' actions in an ensemble (docs/model.md §9.8): `powers.csv` and
//! `punishments.csv` exist where a power acts and nowhere else, a power's month of spending is
//! all there, shards merge into the one-piece summary bit for bit, and the memory estimate
//! counts the new cells.

use geoalign::analysis::ensemble::memory::SKETCH_CELL_BYTES;
use geoalign::analysis::ensemble::{action_name, Ensemble, Shard};
use geoalign::output::{read_partial, write_partial, write_summary};
use geoalign::sim::powers::ACTIONS;
use geoalign::{presets, Disposition, Power, Scenario, State, World};
use std::path::PathBuf;

fn temp_dir(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("geoalign-powers-csv-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// The embedded world over two years.
fn embedded(steps: u32) -> Scenario {
    let mut scenario = presets::eurasia_2025();
    scenario.set_steps(steps).unwrap();
    scenario
}

/// Two powers and two hedging states; A acts on S1 with `budget` (0: no power acts).
fn small_world(budget: f64) -> Scenario {
    let mut builder = World::builder()
        .power(Power::new("A"))
        .power(Power::new("B"));
    for name in ["S1", "S2"] {
        builder = builder.state(State {
            inertia: 0.2,
            ..State::new(name, Disposition::Hedge, vec![0.4, 0.4, 0.2])
        });
        for power in ["A", "B"] {
            for channel in geoalign::Channel::ALL {
                builder = builder.tie(name, power, channel, 0.3);
            }
        }
    }
    if budget > 0.0 {
        builder = builder.budget("A", budget).priority("A", "S1", 1.0);
    }
    Scenario::builder(builder.build().unwrap())
        .steps(12)
        .seed(5)
        .build()
        .unwrap()
}

#[test]
fn powers_csv_is_written_where_a_power_acts_and_only_there() {
    let dir = temp_dir("files");
    let summary = Ensemble::new(embedded(24), 8).run().unwrap();
    let files = write_summary(&dir, &summary).unwrap();
    for name in ["powers.csv", "punishments.csv"] {
        assert!(files.iter().any(|f| f.ends_with(name)), "{name} missing");
    }
    let text = std::fs::read_to_string(dir.join("powers.csv")).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "scenario,step,date,power,state,quantity,action,mean,sd,q05,q25,q50,q75,q95,runs"
    );
    let pairs = summary.acting_pairs().count();
    // Per recorded step and pair: a spending row per action and the coercion cut.
    assert_eq!(lines.count(), 25 * pairs * (ACTIONS + 1));
    assert!(text.contains(",Russia,Belarus,spending,energy,"));
    let punish = std::fs::read_to_string(dir.join("punishments.csv")).unwrap();
    assert_eq!(punish.lines().count(), 1 + 25 * pairs);

    let quiet = temp_dir("quiet");
    let summary = Ensemble::new(small_world(0.0), 8).run().unwrap();
    assert_eq!(summary.acting_pairs().count(), 0);
    let files = write_summary(&quiet, &summary).unwrap();
    assert!(files.iter().all(|f| !f.ends_with("powers.csv")));
    assert!(!quiet.join("powers.csv").exists() && !quiet.join("punishments.csv").exists());
    // No cells: the summary's JSON has none of the new keys, so it reads as before.
    let json = serde_json::to_string(&summary).unwrap();
    for key in ["power_pairs", "spending", "coercion", "punished"] {
        assert!(
            !json.contains(key),
            "{key} in a summary where no power acts"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&quiet);
}

#[test]
fn a_powers_month_of_spending_is_all_in_its_pairs() {
    // The best response spends every increment the embedded world offers it (a priority
    // state always has an action of positive value), so per power and month the mean shares
    // over its pairs and actions sum to the whole month budget, 1, within the fixed-point
    // rounding (2⁻⁵² a value); at step 0, the start at rest, nothing is spent yet.
    let summary = Ensemble::new(embedded(24), 16).run().unwrap();
    for step in [0usize, 1, 12, 24] {
        for (power, name) in summary.powers.iter().enumerate() {
            let total: f64 = summary
                .acting_pairs()
                .filter(|(_, p)| p.index() == power)
                .flat_map(|(s, p)| (0..ACTIONS).map(move |a| (s, p, a)))
                .map(|(s, p, a)| summary.spending(step, s, p, a).unwrap().mean)
                .sum();
            let expected = if step == 0 { 0.0 } else { 1.0 };
            assert!(
                (total - expected).abs() < 1e-9,
                "{name} at step {step}: {total}"
            );
        }
    }
    assert_eq!(action_name(ACTIONS - 1), Some("coercion"));
}

#[test]
fn the_spending_band_and_mean_follow_the_runs() {
    // A acts on S1 only: all of its month goes there; its spending shares lie in [0, 1],
    // with the 5–95 % band around the mean; and the coercion cut of a stock is in [0, 1).
    let summary = Ensemble::new(small_world(0.1), 20).run().unwrap();
    let pairs: Vec<_> = summary.acting_pairs().collect();
    assert_eq!(pairs.len(), 1, "{pairs:?}");
    let (s1, a) = pairs[0];
    for step in 1..=12 {
        let mut total = 0.0;
        for action in 0..ACTIONS {
            let stats = summary.spending(step, s1, a, action).unwrap();
            assert!(
                stats.quantiles.q05 <= stats.mean + 0.005
                    && stats.mean <= stats.quantiles.q95 + 0.005
            );
            total += stats.mean;
        }
        assert!((total - 1.0).abs() < 1e-9, "step {step}: {total}");
        let cut = summary.coercion_cut(step, s1, a).unwrap();
        assert!((0.0..1.0).contains(&cut.mean));
        let p = summary.punished(step, s1, a).unwrap();
        assert_eq!(p.runs, 20);
    }
    assert!(summary.spending(1, s1, a, ACTIONS).is_none());
}

#[test]
fn shard_partials_merge_into_the_one_piece_summary_bit_for_bit() {
    let dir = temp_dir("shards");
    let scenario = embedded(24);
    let whole = Ensemble::new(scenario.clone(), 10)
        .threads(2)
        .run()
        .unwrap();
    let mut parts = Vec::new();
    for index in 0..2 {
        let part = Ensemble::new(scenario.clone(), 10)
            .threads(1)
            .shard(Shard { index, count: 2 })
            .run()
            .unwrap();
        parts.push(read_partial(&write_partial(&dir, &part).unwrap()).unwrap());
    }
    let mut merged = parts.pop().unwrap();
    merged.merge(&parts[0]).unwrap();
    assert!(merged.acting_pairs().count() > 0);
    assert_eq!(merged, whole);
    let (a, b) = (temp_dir("one"), temp_dir("two"));
    write_summary(&a, &whole).unwrap();
    write_summary(&b, &merged).unwrap();
    for name in ["powers.csv", "punishments.csv"] {
        assert_eq!(
            std::fs::read(a.join(name)).unwrap(),
            std::fs::read(b.join(name)).unwrap(),
            "{name}"
        );
    }
    for d in [dir, a, b] {
        let _ = std::fs::remove_dir_all(d);
    }
}

#[test]
fn a_corrupted_punishment_count_is_refused() {
    let mut summary = Ensemble::new(small_world(0.1), 4).run().unwrap();
    let mut json: serde_json::Value = serde_json::to_value(&summary).unwrap();
    json["punished"][3] = serde_json::json!(5);
    summary = serde_json::from_value(json).unwrap();
    let err = summary.verify().unwrap_err().to_string();
    assert!(err.contains("punished[3]"), "{err}");
}

#[test]
fn the_memory_estimate_counts_the_powers_cells() {
    // The same world with and without A acting differs in its estimate by exactly the power
    // cells: 13 recorded steps × 1 pair × (7 spending shares + the coercion cut) sketch cells,
    // and a punishment count (8 bytes) per step and pair.
    let with = Ensemble::new(small_world(0.1), 10)
        .threads(1)
        .memory_estimate();
    let without = Ensemble::new(small_world(0.0), 10)
        .threads(1)
        .memory_estimate();
    let cells = 13 * (ACTIONS as u64 + 1);
    assert_eq!(
        with.summary - without.summary,
        cells * SKETCH_CELL_BYTES + 13 * 8
    );
    assert!(with.pending > without.pending);
}
