//! The hindcast world `scenarios/history-2014.toml` (issue 15): the post-Soviet space at the end
//! of 2013, built only from data up to 2013, with the dated events of 2014–2024.
//!
//! * it loads and validates with no warning (none is expected), and 20 runs reach 2024-12 with
//!   every alignment on the simplex and every recorded value finite;
//! * no hindsight in its start values: no comment above the first `[[events]]` names a year
//!   after 2013;
//! * nothing dated is inherited: the file is standalone (no `extends`), and the model it shares
//!   with the embedded world — the `[parameters]` tables — is eurasia-2025.toml's, value for value;
//! * a smoke check of direction (not tuned): Armenia's EAEU participation is active by 2015-12.
//!
//! That every number has a source comment is checked with the other shipped scenarios
//! (tests/scenarios.rs).
//!
//! `cargo test --release --test history_scenario -- --nocapture` also prints what the model does
//! with Armenia's CSTO participation by 2024-12 (the 2024 freeze is a validation observable, not
//! a scripted event).

use geoalign::{Channel, Participation, Scenario, Simulation, Trajectory};
use std::path::PathBuf;

const FILE: &str = "scenarios/history-2014.toml";

/// Lines above the first `[[events]]` allowed to name a later year in a comment, each marked in
/// the file with this text and a reason. None at present: keep it so.
const HINDSIGHT_MARKER: &str = "hindsight-ok:";

fn path(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(file)
}

fn text(file: &str) -> String {
    std::fs::read_to_string(path(file)).unwrap()
}

fn scenario() -> Scenario {
    Scenario::from_file(path(FILE)).unwrap()
}

fn trajectories(runs: u64) -> Vec<Trajectory> {
    let sim = Simulation::new(scenario());
    (0..runs).map(|r| sim.trajectory(r).unwrap()).collect()
}

/// The step of `"YYYY-MM"` in a run that starts in 2013-12.
fn step_of(date: &str) -> usize {
    let (year, month) = date.split_once('-').unwrap();
    let months = |y: &str, m: &str| y.parse::<usize>().unwrap() * 12 + m.parse::<usize>().unwrap();
    months(year, month) - months("2013", "12")
}

#[test]
fn loads_validates_and_runs_to_december_2024() {
    let loaded = Scenario::from_file_with_warnings(path(FILE)).unwrap();
    // No warning is expected: a warning here is a slip in the file.
    let warnings: Vec<String> = loaded.warnings.iter().map(|w| w.to_string()).collect();
    assert!(warnings.is_empty(), "unexpected warnings: {warnings:#?}");
    let scenario = loaded.scenario;
    assert_eq!(scenario.name(), "History 2014-2024");
    assert_eq!(scenario.start().to_string(), "2013-12");
    assert_eq!(scenario.date_of(scenario.steps()).to_string(), "2024-12");
    assert_eq!(scenario.steps() as usize, step_of("2024-12"));

    // The same states as the embedded world, in the same order.
    let names = |s: &Scenario| -> Vec<String> {
        s.world().states().iter().map(|s| s.name.clone()).collect()
    };
    assert_eq!(names(&scenario), names(&geoalign::presets::eurasia_2025()));

    for t in trajectories(20) {
        assert_eq!(t.len(), scenario.steps() as usize + 1);
        for step in 0..t.len() {
            for s in 0..t.states.len() {
                let a = t.alignment_of(step, t.state_id(&t.states[s]).unwrap());
                assert!(a.iter().all(|x| x.is_finite() && *x >= 0.0), "{a:?}");
                let sum: f64 = a.iter().sum();
                assert!(
                    (sum - 1.0).abs() < 1e-9,
                    "step {step}, state {s}: sum {sum}"
                );
            }
            for i in 0..t.institutions.len() {
                let id = t.institution_id(&t.institutions[i]).unwrap();
                assert!(t.cohesion_of(step, id).is_finite());
                assert!(t.credibility_of(step, id).is_finite());
            }
            for p in 0..t.powers.len() {
                let id = t.power_id(&t.powers[p]).unwrap();
                assert!(t.capacity_of(step, id).is_finite());
            }
        }
    }
}

/// Every run of exactly four digits in `comment` read as a year after 2013 and before 2100
/// (a number such as 4,100 or 0.2015 is not taken for a year: it is no run of four digits
/// between 2014 and 2099). A scenario file's name (`eurasia-2025.toml`: digits followed by
/// `.toml`) is a reference to another file, not a fact, and is skipped.
fn later_years(comment: &str) -> Vec<u32> {
    let bytes = comment.as_bytes();
    let mut years = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let after_point = start > 0 && bytes[start - 1] == b'.';
            let file_name = comment[i..].starts_with(".toml");
            if i - start == 4 && !after_point && !file_name {
                let year: u32 = comment[start..i].parse().unwrap();
                if (2014..2100).contains(&year) {
                    years.push(year);
                }
            }
        } else {
            i += 1;
        }
    }
    years
}

#[test]
fn the_year_scan_finds_years_only() {
    assert_eq!(
        later_years("public record: Minsk II, 12 February 2015"),
        [2015]
    );
    assert_eq!(
        later_years("2013 census; 1989; 4,100; $20140 approx."),
        [0u32; 0]
    );
    assert_eq!(later_years("2010–2024 and 2012-14"), [2024]);
    assert_eq!(later_years("as eurasia-2025.toml; 2025's level"), [2025]);
}

#[test]
fn no_start_value_cites_a_later_year() {
    let text = text(FILE);
    let mut offending = Vec::new();
    let mut whitelisted = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("[[events]]") {
            break;
        }
        // The file's strings (name, description) hold no `#`: a comment starts at the first.
        let Some((_, comment)) = line.split_once('#') else {
            continue;
        };
        let years = later_years(comment);
        if years.is_empty() {
            continue;
        }
        if comment.contains(HINDSIGHT_MARKER) {
            whitelisted.push(n + 1);
        } else {
            offending.push(format!("line {}: {years:?}: {line}", n + 1));
        }
    }
    assert!(
        offending.is_empty(),
        "start-value comments citing a year after 2013:\n{}",
        offending.join("\n")
    );
    // Keep the whitelist empty or tiny, each entry with its reason beside the marker.
    assert!(whitelisted.len() <= 2, "whitelisted lines: {whitelisted:?}");
    assert!(
        text.contains("[[events]]"),
        "the file has events below its start"
    );
}

/// The measured ties cite data/history/annual.csv's 2013 figures in their comments (the data
/// live on another branch): each value is what its comment's figures give — a trade share
/// rounded to two decimals, a Russia remittance tie the product of the two figures.
#[test]
fn measured_ties_equal_the_figures_they_cite() {
    let text = text(FILE);
    let number = |s: &str| s.trim().parse::<f64>().unwrap();
    let (mut trade, mut remittances) = (0, 0);
    for line in text.lines() {
        let Some((code, comment)) = line.split_once('#') else {
            continue;
        };
        let Some(cited) = comment.split("data/history/annual.csv (2013):").nth(1) else {
            continue;
        };
        let Some((_, value)) = code.split_once('=') else {
            continue;
        };
        let value = number(value);
        if let Some(rest) = cited.trim().strip_prefix("trade_share ") {
            let share = number(rest.split(',').next().unwrap());
            assert_eq!(value, (share * 100.0).round() / 100.0, "{line}");
            trade += 1;
        } else if let Some(rest) = cited.trim().strip_prefix("remittances_gdp ") {
            let (gdp, from) = rest.split_once("× remittances_from Russia").unwrap();
            assert!((value - number(gdp) * number(from)).abs() < 1e-12, "{line}");
            remittances += 1;
        }
    }
    // Six powers × nine movable states, and the nine Russia remittance ties.
    assert_eq!((trade, remittances), (54, 9));
}

#[test]
fn nothing_dated_is_inherited() {
    let table: toml::Table = toml::from_str(&text(FILE)).unwrap();
    // Standalone: every key under `states`, `powers` and `institutions` is the file's own.
    assert!(
        !table.contains_key("extends"),
        "history-2014.toml must not inherit dated values through `extends`"
    );
    for section in ["powers", "states", "institutions", "relations", "camps"] {
        assert!(table.contains_key(section), "missing `{section}`");
    }
    // Every movable state writes its whole start: alignment, salience, proximity, co-ethnic
    // shares, and all eight channels with each of the six powers, zeros included.
    let powers: Vec<&String> = table["powers"].as_table().unwrap().keys().collect();
    assert_eq!(powers.len(), 6);
    let channels = Channel::ALL.map(Channel::name);
    for (name, state) in table["states"].as_table().unwrap() {
        let state = state.as_table().unwrap();
        for key in ["alignment", "salience", "proximity", "coethnic", "ties"] {
            assert!(state.contains_key(key), "states.{name}.{key} missing");
        }
        for key in ["disposition", "inertia", "stubbornness", "fragility"] {
            assert!(state.contains_key(key), "states.{name}.{key} missing");
        }
        let ties = state["ties"].as_table().unwrap();
        for power in &powers {
            let tie = ties[power.as_str()].as_table().unwrap();
            for channel in channels {
                assert!(
                    tie.contains_key(channel),
                    "states.{name}.ties.{power}.{channel} missing"
                );
            }
        }
    }
    for (name, power) in table["powers"].as_table().unwrap() {
        let power = power.as_table().unwrap();
        for key in ["capacity", "coercion", "budget", "priorities", "delivery"] {
            assert!(power.contains_key(key), "powers.{name}.{key} missing");
        }
        let delivery = power["delivery"].as_table().unwrap();
        for channel in channels {
            assert!(
                delivery.contains_key(channel),
                "powers.{name}.delivery.{channel} missing"
            );
        }
    }
    for (name, institution) in table["institutions"].as_table().unwrap() {
        let institution = institution.as_table().unwrap();
        for key in ["credibility", "members", "carries"] {
            assert!(
                institution.contains_key(key),
                "institutions.{name}.{key} missing"
            );
        }
    }
}

#[test]
fn the_model_is_the_embedded_worlds() {
    let parameters = |file: &str| {
        let table: toml::Table = toml::from_str(&text(file)).unwrap();
        table["parameters"].clone()
    };
    assert_eq!(
        parameters(FILE),
        parameters("scenarios/eurasia-2025.toml"),
        "history-2014.toml's [parameters] must stay eurasia-2025.toml's (the model, not a fact of 2013)"
    );
    // The same world-wide parameters once built, defaults included (events, powers).
    let history = scenario();
    let eurasia = geoalign::presets::eurasia_2025();
    assert_eq!(
        format!("{:?}", history.world().parameters()),
        format!("{:?}", eurasia.world().parameters())
    );
}

#[test]
fn armenia_joins_the_eaeu_by_december_2015() {
    let runs = trajectories(50);
    let step = step_of("2015-12");
    let active = |t: &Trajectory, at: usize| {
        let eaeu = t.institution_id("EAEU").unwrap();
        let armenia = t.state_id("Armenia").unwrap();
        t.participation_of(at, eaeu, armenia) == Some(Participation::Active)
    };
    let share_at =
        |at: usize| runs.iter().filter(|t| active(t, at)).count() as f64 / runs.len() as f64;
    assert_eq!(
        share_at(0),
        0.0,
        "Armenia is outside the Customs Union at the start"
    );
    assert!(
        share_at(step) > 0.5,
        "Armenia active in the EAEU by 2015-12 in {} of runs",
        share_at(step)
    );
}

/// Not a test of a number: prints the share of 100 runs with Armenia suspended or exited from
/// the CSTO by 2024-12, the model's answer to the 2020–2023 appeals (a validation observable:
/// Armenia froze its participation in February 2024 and had not left by the end of 2024).
#[test]
fn armenia_csto_participation_by_december_2024() {
    let runs = trajectories(100);
    let last = step_of("2024-12");
    let (mut active, mut suspended, mut exited) = (0, 0, 0);
    for t in &runs {
        let csto = t.institution_id("CSTO").unwrap();
        let armenia = t.state_id("Armenia").unwrap();
        assert_eq!(
            t.participation_of(0, csto, armenia),
            Some(Participation::Active)
        );
        match t.participation_of(last, csto, armenia).unwrap() {
            Participation::Active => active += 1,
            Participation::Suspended => suspended += 1,
            Participation::Exited => exited += 1,
            Participation::Outside => unreachable!("Armenia starts as a member"),
        }
    }
    println!(
        "Armenia in the CSTO at 2024-12, of {} runs: active {active}, suspended {suspended}, exited {exited}",
        runs.len()
    );
    // When it first left active participation, by year (the record: February 2024).
    let mut by_year = std::collections::BTreeMap::new();
    for t in &runs {
        let csto = t.institution_id("CSTO").unwrap();
        let armenia = t.state_id("Armenia").unwrap();
        if let Some(step) = (0..t.len())
            .find(|&s| t.participation_of(s, csto, armenia) != Some(Participation::Active))
        {
            *by_year.entry(2013 + step.div_ceil(12)).or_insert(0) += 1;
        }
    }
    println!("year Armenia first stopped being active (runs): {by_year:?}");
    assert_eq!(active + suspended + exited, runs.len());
}

/// The loader's fuzz seeds hold a copy of every shipped scenario (fuzz/README.md).
#[test]
fn the_fuzz_seed_is_a_copy_of_the_file() {
    assert_eq!(
        text("fuzz/seeds/scenario_loader/history-2014.toml"),
        text(FILE),
        "copy scenarios/history-2014.toml to fuzz/seeds/scenario_loader/"
    );
}

/// The figures the measured ties cite are data/history/annual.csv's own 2013 rows: each trade
/// tie's cited share is the file's `trade_share` of that state and power, and each Russia
/// remittance tie's two factors are the file's `remittances_gdp` and `remittances_from`.
#[test]
fn cited_figures_are_the_data_sets() {
    let data = std::fs::read_to_string(path("data/history/annual.csv")).unwrap();
    let mut rows = std::collections::HashMap::new();
    let mut reader = csv::Reader::from_reader(data.as_bytes());
    for r in reader.records() {
        let r = r.unwrap();
        if &r[1] == "2013" {
            rows.insert(
                (r[0].to_string(), r[2].to_string(), r[3].to_string()),
                r[4].parse::<f64>().unwrap(),
            );
        }
    }
    let number = |s: &str| s.trim().parse::<f64>().unwrap();
    let (mut table, mut checked) = (Vec::<String>::new(), 0);
    for line in text(FILE).lines() {
        if let Some(h) = line
            .trim()
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
        {
            table = h.split('.').map(str::to_string).collect();
            continue;
        }
        let Some(cited) = line.split("data/history/annual.csv (2013):").nth(1) else {
            continue;
        };
        // Only the ties, `[states.STATE.ties.POWER]`; a salience may cite the size it weighs.
        if table.len() != 4 || table[2] != "ties" {
            continue;
        }
        let (state, power) = (&table[1], &table[3]);
        let get = |q: &str, p: &str| rows[&(state.clone(), q.to_string(), p.to_string())];
        if let Some(rest) = cited.trim().strip_prefix("trade_share ") {
            let share = number(rest.split(',').next().unwrap());
            assert_eq!(share, get("trade_share", power), "{state} {power}: {line}");
            checked += 1;
        } else if let Some(rest) = cited.trim().strip_prefix("remittances_gdp ") {
            let (gdp, from) = rest.split_once("× remittances_from Russia").unwrap();
            assert_eq!(number(gdp), get("remittances_gdp", "all"), "{line}");
            assert_eq!(number(from), get("remittances_from", "Russia"), "{line}");
            checked += 1;
        }
    }
    assert_eq!(checked, 54 + 9);
}
