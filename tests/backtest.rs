//! The 2021 → 2025 backtest (`scenarios/backtest-2021.toml`) reproduces the directions of
//! docs/model.md §4 over an ensemble of runs: for each direction, the median change and the share
//! of runs that agree. The world-wide parameters are the Eurasia 2025 defaults; nothing is
//! tuned per state.
//!
//! Run with `cargo test --release --test backtest -- --nocapture` to see the table.

use geoalign::{Participation, Scenario, Simulation, Trajectory};
use std::path::PathBuf;

/// Ensemble size: the issue asks for at least 200 seeds.
const RUNS: u64 = 200;

/// A direction must hold in at least this share of runs: a clear majority, so that a
/// direction that holds only by noise fails the test.
const MIN_AGREEMENT: f64 = 0.8;

/// A direction the model reproduces only weakly (marked in the table) must still hold in the
/// median run and in a majority of runs.
const MIN_WEAK_AGREEMENT: f64 = 0.5;

const CSTO_MEMBERS: [&str; 5] = [
    "Armenia",
    "Belarus",
    "Kazakhstan",
    "Kyrgyzstan",
    "Tajikistan",
];

struct Run {
    t: Trajectory,
}

impl Run {
    fn share(&self, step: usize, state: &str, component: &str) -> f64 {
        let s = self.t.state_id(state).unwrap();
        match component {
            "autonomy" => self.t.autonomy(step, s),
            p => self.t.share(step, s, self.t.power_id(p).unwrap()),
        }
    }
    fn first(&self, state: &str, component: &str) -> f64 {
        self.share(0, state, component)
    }
    fn last(&self, state: &str, component: &str) -> f64 {
        self.share(self.t.len() - 1, state, component)
    }
    fn change(&self, state: &str, component: &str) -> f64 {
        self.last(state, component) - self.first(state, component)
    }
    fn participation(&self, institution: &str, member: &str) -> Participation {
        let i = self.t.institution_id(institution).unwrap();
        let s = self.t.state_id(member).unwrap();
        self.t.participation_of(self.t.len() - 1, i, s).unwrap()
    }
    /// Largest component of `state` at the end, by name.
    fn largest(&self, state: &str) -> String {
        let s = self.t.state_id(state).unwrap();
        let a = self.t.alignment_of(self.t.len() - 1, s);
        let (j, _) = a
            .iter()
            .enumerate()
            .max_by(|x, y| x.1.total_cmp(y.1))
            .unwrap();
        self.t
            .powers
            .get(j)
            .cloned()
            .unwrap_or_else(|| "autonomy".to_string())
    }
}

fn runs() -> Vec<Run> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios/backtest-2021.toml");
    let scenario = Scenario::from_file(path).unwrap();
    // The CSTO's member order is the file's; the helpers above rely on it.
    let csto = scenario.world().institution_id("CSTO").unwrap();
    let names: Vec<&str> = scenario.world().institutions()[csto.index()]
        .members
        .iter()
        .map(|(s, _)| scenario.world().states()[s.index()].name.as_str())
        .collect();
    assert_eq!(names, CSTO_MEMBERS);
    let sim = Simulation::new(scenario);
    (0..RUNS)
        .map(|r| Run {
            t: sim.trajectory(r).unwrap(),
        })
        .collect()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// One direction: a per-run measure, whether the run agrees, and the median of the measure.
struct Direction {
    name: &'static str,
    median: f64,
    agreement: f64,
    /// Known to hold only weakly, with the reason.
    weak: Option<&'static str>,
}

impl Direction {
    fn weak(mut self, reason: &'static str) -> Self {
        self.weak = Some(reason);
        self
    }
}

fn direction(
    runs: &[Run],
    name: &'static str,
    measure: impl Fn(&Run) -> f64,
    agrees: impl Fn(&Run) -> bool,
) -> Direction {
    let values: Vec<f64> = runs.iter().map(&measure).collect();
    let agreeing = runs.iter().filter(|r| agrees(r)).count();
    Direction {
        name,
        median: median(values),
        agreement: agreeing as f64 / runs.len() as f64,
        weak: None,
    }
}

#[test]
fn backtest_reproduces_the_directions_of_model_section_4() {
    let runs = runs();
    let others = |r: &Run| -> f64 {
        CSTO_MEMBERS[1..]
            .iter()
            .map(|m| r.change(m, "Russia"))
            .fold(f64::INFINITY, f64::min)
    };
    let diversification = |r: &Run, step_last: bool| -> f64 {
        ["China", "EU", "Turkiye"]
            .iter()
            .map(|p| {
                if step_last {
                    r.last("Kazakhstan", p)
                } else {
                    r.first("Kazakhstan", p)
                }
            })
            .sum()
    };
    let most_aligned_other = |r: &Run| -> f64 {
        r.t.states
            .iter()
            .filter(|s| *s != "Belarus")
            .map(|s| r.last(s, "Russia"))
            .fold(0.0, f64::max)
    };
    let table = vec![
        direction(
            &runs,
            "Armenia's Russia share falls the most of the CSTO members (its change minus the next-largest fall)",
            |r| r.change("Armenia", "Russia") - others(r),
            |r| r.change("Armenia", "Russia") < others(r),
        ),
        direction(
            &runs,
            "Armenia's CSTO participation ends suspended (1 = suspended)",
            |r| (r.participation("CSTO", "Armenia") == Participation::Suspended) as u8 as f64,
            |r| r.participation("CSTO", "Armenia") == Participation::Suspended,
        ),
        direction(
            &runs,
            "Belarus stays the most Russia-aligned state (its margin over the next)",
            |r| r.last("Belarus", "Russia") - most_aligned_other(r),
            |r| r.last("Belarus", "Russia") > most_aligned_other(r),
        ),
        direction(
            &runs,
            "Kazakhstan's China + EU + Türkiye share rises",
            |r| diversification(r, true) - diversification(r, false),
            |r| diversification(r, true) > diversification(r, false),
        ),
        direction(
            &runs,
            "Kazakhstan stays an active CSTO member (1 = active)",
            |r| (r.participation("CSTO", "Kazakhstan") == Participation::Active) as u8 as f64,
            |r| r.participation("CSTO", "Kazakhstan") == Participation::Active,
        ),
        direction(
            &runs,
            "Kyrgyzstan keeps Russia as its largest share (1 = yes)",
            |r| (r.largest("Kyrgyzstan") == "Russia") as u8 as f64,
            |r| r.largest("Kyrgyzstan") == "Russia",
        ),
        direction(
            &runs,
            "Kyrgyzstan's China share rises",
            |r| r.change("Kyrgyzstan", "China"),
            |r| r.change("Kyrgyzstan", "China") > 0.0,
        ),
        direction(
            &runs,
            "Tajikistan keeps Russia as its largest share (1 = yes)",
            |r| (r.largest("Tajikistan") == "Russia") as u8 as f64,
            |r| r.largest("Tajikistan") == "Russia",
        ),
        direction(
            &runs,
            "Tajikistan's China share rises",
            |r| r.change("Tajikistan", "China"),
            |r| r.change("Tajikistan", "China") > 0.0,
        ),
        direction(
            &runs,
            "Azerbaijan's Türkiye share rises",
            |r| r.change("Azerbaijan", "Turkiye"),
            |r| r.change("Azerbaijan", "Turkiye") > 0.0,
        )
        // Nothing in the 2022–2025 events pulls Azerbaijan toward Türkiye directly; its
        // Türkiye share gains only part of what the Russia crises of December 2024 and July
        // 2025 free, within the last year of the run, against four years of noise.
        .weak("gains only part of what the 2024-25 Russia crises free, late in the run"),
        direction(
            &runs,
            "Azerbaijan's Russia share falls",
            |r| r.change("Azerbaijan", "Russia"),
            |r| r.change("Azerbaijan", "Russia") < 0.0,
        ),
        direction(
            &runs,
            "Turkmenistan's autonomy stays its largest share (1 = yes)",
            |r| (r.largest("Turkmenistan") == "autonomy") as u8 as f64,
            |r| r.largest("Turkmenistan") == "autonomy",
        ),
    ];

    println!("Backtest 2021-12 → 2025-12, {RUNS} runs");
    println!("{:<100} {:>10} {:>9}", "direction", "median", "agree");
    for d in &table {
        println!(
            "{:<100} {:>+10.4} {:>8.1}%{}",
            d.name,
            d.median,
            d.agreement * 100.0,
            d.weak
                .map_or(String::new(), |why| format!("  (weak: {why})"))
        );
    }
    for d in &table {
        let min = if d.weak.is_some() {
            MIN_WEAK_AGREEMENT
        } else {
            MIN_AGREEMENT
        };
        assert!(
            d.agreement > min || (d.weak.is_none() && d.agreement >= min),
            "{}: only {:.1} % of runs agree (median {:+.4})",
            d.name,
            d.agreement * 100.0,
            d.median
        );
    }
}

#[test]
fn backtest_logs_every_event_of_the_file_with_its_step() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios/backtest-2021.toml");
    let scenario = Scenario::from_file(path).unwrap();
    let scheduled = scenario.events().to_vec();
    let sim = Simulation::new(scenario);
    let t = sim.trajectory(0).unwrap();
    for e in &scheduled {
        assert!(
            t.events
                .iter()
                .any(|l| l.step == e.step && l.event.kind() == e.event.kind()),
            "{} at step {} is missing from the log",
            e.event.kind(),
            e.step
        );
    }
}
