//! What moves Belarus's Russia share and Kyrgyzstan's China share under slow decline
//! (issue 14, "What was measured"; docs/model.md §12.1).
//!
//! Each variant switches one input off — in the slow-decline file, or in the world it is
//! calibrated on (`baseline = "self"` in a modified copy of the world, so a change of the
//! model is refitted and the copy starts at rest, as in `examples/futures_ablation.rs`) — and
//! runs the same `RUNS` runs (default 1,000) with the same seeds as the reference (the shipped
//! slow-decline file). Every variant's run `r` draws the same noise and event streams, so the
//! difference of a quantity between a variant and the reference is a paired difference
//! (common random numbers), with its 95 % interval `±1.96 sd/√n`.
//!
//! Printed per variant: the mean change 2025 → horizon of the Russia share of Belarus,
//! Kazakhstan, Armenia and Kyrgyzstan, and of the China share of Kyrgyzstan and Tajikistan,
//! each with its interval and its paired difference from the reference; the share of runs in
//! which Kyrgyzstan's China share rises; what China spent in Kyrgyzstan over the run (budget
//! units). A null row runs the world without the future's drivers (noise and the world's own
//! events only).
//!
//! Run with `cargo run --release --example diagnose_responsiveness` (RUNS=… to change the
//! count). The tables of docs/model.md §12.1 come from this program.

use geoalign::{Recorder, RunState, Scenario, Simulation, World};
use std::path::{Path, PathBuf};

/// The files measured: the slow-decline future and the 2021 → 2025 backtest.
const FILES: [&str; 2] = ["csto-slow-decline", "backtest-2021"];

/// One variant: what it adds to the world (`ablated.toml`, refitted) and how it rewrites the
/// future's text (`(from, to)` replacements, each of which must match).
struct Variant {
    /// The file the variant modifies ([`FILES`]).
    file: &'static str,
    label: &'static str,
    world: String,
    future: &'static [(&'static str, &'static str)],
    /// Run the world alone (no future's drivers) instead of the future.
    null: bool,
}

const RUSSIA_DECLINE: &str =
    "capacity = [{ at = \"2030-01\", scale = 0.85 }, { at = \"2035-01\", scale = 0.75 }]";
const RUSSIA_FLAT: &str =
    "capacity = [{ at = \"2030-01\", scale = 1.0 }, { at = \"2035-01\", scale = 1.0 }]";
const CHINA_GROWTH: &str = "capacity = [{ at = \"2035-01\", scale = 1.15 }]";
const CHINA_FLAT: &str = "capacity = [{ at = \"2035-01\", scale = 1.0 }]";
const BLOCS_ERODE: &str = "credibility = [{ at = \"2035-01\", add = -0.10 }]";
const BLOCS_HOLD: &str = "credibility = [{ at = \"2035-01\", add = 0.0 }]";

fn variants() -> Vec<Variant> {
    let v = |label, world: &str, future| Variant {
        file: FILES[0],
        label,
        world: world.to_string(),
        future,
        null: false,
    };
    vec![
        v("reference: slow decline as shipped", "", &[]),
        Variant {
            file: FILES[0],
            label: "null: the world alone, no drivers",
            world: String::new(),
            future: &[],
            null: true,
        },
        v(
            "Russia's capacity does not fall",
            "",
            &[(RUSSIA_DECLINE, RUSSIA_FLAT)],
        ),
        v(
            "only Russia's capacity falls",
            "",
            &[(CHINA_GROWTH, CHINA_FLAT), (BLOCS_ERODE, BLOCS_HOLD)],
        ),
        v(
            "China's capacity does not grow",
            "",
            &[(CHINA_GROWTH, CHINA_FLAT)],
        ),
        v(
            "CSTO and EAEU do not erode",
            "",
            &[(BLOCS_ERODE, BLOCS_HOLD)],
        ),
        v(
            "no power acts (every budget 0)",
            "[powers.Russia]\nbudget = 0.0\n[powers.China]\nbudget = 0.0\n\
             [powers.USA]\nbudget = 0.0\n[powers.EU]\nbudget = 0.0\n\
             [powers.Turkiye]\nbudget = 0.0\n[powers.Iran]\nbudget = 0.0\n",
            &[],
        ),
        v(
            "China does not act (budget 0)",
            "[powers.China]\nbudget = 0.0\n",
            &[],
        ),
        v(
            "China does not act, Russia's capacity does not fall",
            "[powers.China]\nbudget = 0.0\n",
            &[(RUSSIA_DECLINE, RUSSIA_FLAT)],
        ),
        v(
            "Russia does not act (budget 0)",
            "[powers.Russia]\nbudget = 0.0\n",
            &[],
        ),
        v(
            "Belarus does not answer threat (threat weight 0)",
            "[states.Belarus]\nthreat_weight = 0.0\n",
            &[],
        ),
        v(
            "Belarus at the hedgers' temperature 0.25",
            "[states.Belarus]\ntemperature = 0.25\n",
            &[],
        ),
        v(
            "Belarus at 0.25 and no threat weight",
            "[states.Belarus]\ntemperature = 0.25\nthreat_weight = 0.0\n",
            &[],
        ),
        v(
            "no lock-in (κ = 0)",
            "[parameters.responsiveness]\nlock_in = 0.0\n",
            &[],
        ),
        v(
            "lock-in κ = 2",
            "[parameters.responsiveness]\nlock_in = 2.0\n",
            &[],
        ),
        v(
            "no regime security (ζ = 0)",
            "[parameters.responsiveness]\nregime_security = 0.0\n",
            &[],
        ),
        v("no camps (plain logit)", "", &[]).with_world_keys(),
        v(
            "lock-in in its first form τ(1 + κL), κ = 1 (emulated)",
            &first_form_lock_in("eurasia-2025"),
            &[],
        ),
    ]
    .into_iter()
    .chain(backtest_variants())
    .collect()
}

/// The backtest 2021 → 2025: the war and the sanctions drain Russia's capacity, and seed 003
/// (docs/sources.md) records Belarus's dependence deepening over the same years.
fn backtest_variants() -> Vec<Variant> {
    let v = |label, world: &str, future| Variant {
        file: FILES[1],
        label,
        world: world.to_string(),
        future,
        null: false,
    };
    vec![
        v("backtest reference: as shipped", "", &[]),
        v(
            "backtest, the war does not drain Russia's capacity",
            "",
            &[("capacity_drain = 0.005", "capacity_drain = 0.0")],
        ),
        v(
            "backtest, Belarus does not answer threat",
            "[states.Belarus]\nthreat_weight = 0.0\n",
            &[],
        ),
        v(
            "backtest, Belarus at the hedgers' temperature 0.25",
            "[states.Belarus]\ntemperature = 0.25\n",
            &[],
        ),
        v(
            "backtest, lock-in in its first form τ(1 + κL) (emulated)",
            &first_form_lock_in("backtest-2021"),
            &[],
        ),
    ]
}

impl Variant {
    /// The camps are removed by a top-level key, which must precede the tables.
    fn with_world_keys(mut self) -> Self {
        self.world = "#keys\nremove = [\"camps\"]\n".to_string();
        self
    }
}

/// The lock-in's first form, `τ (1 + κ L)` with κ = 1, written as per-state temperatures
/// with the lock-in off: `L` is read from `file`'s start as the engine reads it
/// (`src/sim/circumstances.rs`), each state's temperature is its disposition's (or its own)
/// times `1 + L`.
fn first_form_lock_in(file: &str) -> String {
    const K: usize = geoalign::Channel::COUNT;
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(format!("{file}.toml"));
    let scenario = Scenario::from_file(path).expect("the world");
    let world = scenario.world();
    let start = RunState::new(world);
    let np = world.powers().len();
    let mut text = String::from("[parameters.responsiveness]\nlock_in = 0.0\n");
    for (i, state) in world.states().iter().enumerate() {
        if state.fixed {
            continue;
        }
        let ties = &start.ties[i * np * K..(i + 1) * np * K];
        let (mut total, mut largest) = (0.0, 0.0_f64);
        for x in ties.chunks_exact(K) {
            let dependence: f64 = state.salience.iter().zip(x).map(|(w, x)| w * x).sum();
            total += dependence;
            largest = largest.max(dependence);
        }
        let lock_in = if total > 0.0 {
            largest * largest / total
        } else {
            0.0
        };
        let temperature = state.response.temperature * (1.0 + lock_in);
        text.push_str(&format!(
            "[states.{}]\ntemperature = {temperature:?}\n",
            state.name
        ));
    }
    text
}

/// Write the variant's world and future into a fresh directory; returns the file to run.
fn write_variant(scenarios: &Path, variant: &Variant, k: usize) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("geoalign-diagnose-{}-{k}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    std::fs::copy(
        scenarios.join("eurasia-2025.toml"),
        dir.join("eurasia-2025.toml"),
    )
    .expect("the world file");
    let (keys, tables) = match variant.world.strip_prefix("#keys\n") {
        Some(keys) => (keys, ""),
        None => ("", variant.world.as_str()),
    };
    let world = format!("extends = \"eurasia-2025.toml\"\nbaseline = \"self\"\n{keys}\n{tables}");
    std::fs::write(dir.join("ablated.toml"), world).expect("the modified world");
    let future = variant.file;
    let mut text = std::fs::read_to_string(scenarios.join(format!("{future}.toml")))
        .expect("the future's file")
        .replacen(
            "extends = \"eurasia-2025.toml\"",
            "extends = \"ablated.toml\"",
            1,
        );
    for (from, to) in variant.future {
        assert!(
            text.contains(from),
            "{}: `{from}` not in the file",
            variant.label
        );
        text = text.replacen(from, to, 1);
    }
    std::fs::write(dir.join(format!("{future}.toml")), text).expect("the future's copy");
    if variant.null {
        dir.join("ablated.toml")
    } else {
        dir.join(format!("{future}.toml"))
    }
}

/// The measured quantities of one run, in the order of [`COLUMNS`].
const COLUMNS: [(&str, &str); 6] = [
    ("Belarus", "Russia"),
    ("Kazakhstan", "Russia"),
    ("Armenia", "Russia"),
    ("Kyrgyzstan", "Russia"),
    ("Kyrgyzstan", "China"),
    ("Tajikistan", "China"),
];

/// Sums what one power spent in one state, month by month.
struct Spending {
    state: usize,
    power: usize,
    powers: usize,
    total: f64,
    /// What the power spent in each state.
    by_state: Vec<f64>,
}

impl Recorder for Spending {
    fn record(&mut self, _: u32, _: &World, state: &RunState) {
        const ACTIONS: usize = geoalign::sim::powers::ACTIONS;
        if state.powers.spent.is_empty() {
            return;
        }
        let at = (self.state * self.powers + self.power) * ACTIONS;
        self.total += state.powers.spent[at..at + ACTIONS].iter().sum::<f64>();
        for (i, spent) in self.by_state.iter_mut().enumerate() {
            let at = (i * self.powers + self.power) * ACTIONS;
            *spent += state.powers.spent[at..at + ACTIONS].iter().sum::<f64>();
        }
    }
}

/// Per run: the change of each column's share, and China's spending in Kyrgyzstan.
fn measure(scenario: &Scenario, runs: u64) -> Vec<[f64; COLUMNS.len() + 2]> {
    let world = scenario.world();
    let ids: Vec<_> = COLUMNS
        .iter()
        .map(|&(s, p)| {
            (
                world.state_id(s).expect("a state"),
                world.power_id(p).expect("a power"),
            )
        })
        .collect();
    let start_state = RunState::new(world);
    let start: Vec<f64> = ids
        .iter()
        .map(|&(s, p)| start_state.share(world, s, p))
        .collect();
    let kazakhstan = world.state_id("Kazakhstan").expect("Kazakhstan");
    let others: Vec<_> = ["China", "EU", "Turkiye"]
        .iter()
        .map(|p| world.power_id(p).expect("a power"))
        .collect();
    let diversification =
        |rs: &RunState| -> f64 { others.iter().map(|&p| rs.share(world, kazakhstan, p)).sum() };
    let diversified = diversification(&start_state);
    let sim = Simulation::new(scenario.clone());
    (0..runs)
        .map(|run| {
            let mut spending = Spending {
                state: world.state_id("Kyrgyzstan").expect("Kyrgyzstan").0 as usize,
                power: world.power_id("China").expect("China").0 as usize,
                powers: world.powers().len(),
                total: 0.0,
                by_state: vec![0.0; world.states().len()],
            };
            let end = sim.run(run, &mut spending).expect("the run");
            let mut row = [0.0; COLUMNS.len() + 2];
            for (c, &(s, p)) in ids.iter().enumerate() {
                row[c] = end.share(world, s, p) - start[c];
            }
            row[COLUMNS.len()] = spending.total;
            if run == 0 {
                let parts: Vec<String> = world
                    .states()
                    .iter()
                    .zip(&spending.by_state)
                    .filter(|(_, &x)| x > 0.0)
                    .map(|(s, x)| format!("{} {x:.3}", s.name))
                    .collect();
                eprintln!("run 0, China's spending by state: {}", parts.join(", "));
            }
            row[COLUMNS.len() + 1] = diversification(&end) - diversified;
            row
        })
        .collect()
}

/// Mean and half-width of its 95 % interval (normal approximation).
fn mean_interval(xs: impl Iterator<Item = f64> + Clone) -> (f64, f64) {
    let n = xs.clone().count() as f64;
    let mean = xs.clone().sum::<f64>() / n;
    let var = xs.map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, 1.96 * (var / n).sqrt())
}

fn main() {
    let runs: u64 = std::env::var("RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(1000);
    let scenarios = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    println!(
        "{runs} paired runs per variant (same seeds); mean change of the share 2025 → horizon \
         ± 95 % interval, then [paired difference from the reference ± 95 %]"
    );
    let header: Vec<String> = COLUMNS.iter().map(|(s, p)| format!("{s}–{p}")).collect();
    println!(
        "| variant | {} | P(KG–China rises) | China's spending in KG | P(KZ's China + EU + Türkiye rises) |",
        header.join(" | ")
    );
    println!("|---|{}---|---|---|", "---|".repeat(COLUMNS.len()));
    let mut reference: Vec<[f64; COLUMNS.len() + 2]> = Vec::new();
    for (k, variant) in variants().iter().enumerate() {
        let file = write_variant(&scenarios, variant, k);
        let scenario =
            Scenario::from_file(&file).unwrap_or_else(|e| panic!("{}: {e}", variant.label));
        let rows = measure(&scenario, runs);
        let is_reference = k == 0 || variant.label.contains("reference");
        if is_reference {
            reference = rows.clone();
        }
        let cells: Vec<String> = (0..=COLUMNS.len())
            .map(|c| {
                let (m, h) = mean_interval(rows.iter().map(|r| r[c]));
                if is_reference {
                    format!("{m:+.4} ± {h:.4}")
                } else {
                    let (d, dh) =
                        mean_interval(rows.iter().zip(&reference).map(|(r, q)| r[c] - q[c]));
                    format!("{m:+.4} ± {h:.4} [{d:+.4} ± {dh:.4}]")
                }
            })
            .collect();
        let rises = rows.iter().filter(|r| r[4] > 0.0).count() as f64 / runs as f64;
        let diversifies =
            rows.iter().filter(|r| r[COLUMNS.len() + 1] > 0.0).count() as f64 / runs as f64;
        let (spent, china) = cells.split_at(COLUMNS.len());
        println!(
            "| {} | {} | {:.1} % | {} | {:.1} % |",
            variant.label,
            spent.join(" | "),
            100.0 * rises,
            china[0],
            100.0 * diversifies
        );
        if is_reference {
            eprintln!("{}: {}", variant.label, where_belarus_goes(&scenario, runs));
        }
        std::fs::remove_dir_all(file.parent().expect("the directory")).ok();
    }
}

/// Where Belarus's Russia share goes: the mean change of each of its components.
fn where_belarus_goes(scenario: &Scenario, runs: u64) -> String {
    let world = scenario.world();
    let belarus = world.state_id("Belarus").expect("Belarus");
    let start = RunState::new(world).alignment_of(world, belarus).to_vec();
    let sim = Simulation::new(scenario.clone());
    let mut change = vec![0.0; start.len()];
    for run in 0..runs {
        let end = sim.run(run, &mut geoalign::Discard).expect("the run");
        for (c, (e, s)) in end
            .alignment_of(world, belarus)
            .iter()
            .zip(&start)
            .enumerate()
        {
            change[c] += (e - s) / runs as f64;
        }
    }
    let names = world
        .powers()
        .iter()
        .map(|p| p.name.as_str())
        .chain(["autonomy"]);
    let parts: Vec<String> = names
        .zip(&change)
        .map(|(n, c)| format!("{n} {c:+.4}"))
        .collect();
    format!(
        "\nBelarus's mean change by component (reference): {}\n",
        parts.join(", ")
    )
}
