//! The shipped scenarios: they load, and the embedded world holds what the issue promises.

use geoalign::{Channel, Participation, Scenario};
use std::path::PathBuf;

fn scenarios_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

#[test]
fn every_shipped_scenario_loads() {
    let mut loaded = 0;
    for entry in std::fs::read_dir(scenarios_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let s = Scenario::from_file(&path).unwrap_or_else(|e| panic!("{e}"));
            assert!(s.steps() > 0, "{}", path.display());
            loaded += 1;
        }
    }
    assert!(
        loaded >= 4,
        "expected the world and the three futures, found {loaded}"
    );
}

#[test]
fn embedded_world_loads_and_equals_the_file() {
    let embedded = geoalign::presets::eurasia_2025();
    let file = Scenario::from_file(scenarios_dir().join("eurasia-2025.toml")).unwrap();
    assert_eq!(embedded, file);
}

#[test]
fn eurasia_has_the_powers_states_and_institutions_of_the_model() {
    let w = geoalign::presets::eurasia_2025().world().clone();
    let powers: Vec<&str> = w.powers().iter().map(|p| p.name.as_str()).collect();
    assert_eq!(powers, ["Russia", "China", "USA", "EU", "Turkiye", "Iran"]);
    for state in [
        "Armenia",
        "Azerbaijan",
        "Belarus",
        "Georgia",
        "Kazakhstan",
        "Kyrgyzstan",
        "Tajikistan",
        "Turkmenistan",
        "Uzbekistan",
        "Estonia",
        "Latvia",
        "Lithuania",
    ] {
        assert!(w.state_id(state).is_some(), "{state} missing");
    }
    for baltic in ["Estonia", "Latvia", "Lithuania"] {
        assert!(
            w.states()[w.state_id(baltic).unwrap().index()].fixed,
            "{baltic} should be a fixed point"
        );
    }
    let members = |inst: &str| -> Vec<(String, Participation)> {
        let i = &w.institutions()[w.institution_id(inst).unwrap().index()];
        i.members
            .iter()
            .map(|&(s, p)| (w.states()[s.index()].name.clone(), p))
            .collect()
    };
    let active = |names: &[&str]| -> Vec<(String, Participation)> {
        names
            .iter()
            .map(|n| (n.to_string(), Participation::Active))
            .collect()
    };
    // 2025 memberships (states only; the leader power is not listed as a member).
    let mut csto = active(&[
        "Armenia",
        "Belarus",
        "Kazakhstan",
        "Kyrgyzstan",
        "Tajikistan",
    ]);
    csto[0].1 = Participation::Suspended;
    assert_eq!(members("CSTO"), csto);
    assert_eq!(
        members("EAEU"),
        active(&["Armenia", "Belarus", "Kazakhstan", "Kyrgyzstan"])
    );
    assert_eq!(
        members("SCO"),
        active(&[
            "Belarus",
            "Kazakhstan",
            "Kyrgyzstan",
            "Tajikistan",
            "Uzbekistan"
        ])
    );
    assert_eq!(
        members("OTS"),
        active(&["Azerbaijan", "Kazakhstan", "Kyrgyzstan", "Uzbekistan"])
    );
    assert_eq!(members("NATO"), active(&["Estonia", "Latvia", "Lithuania"]));
    assert_eq!(members("EU"), active(&["Estonia", "Latvia", "Lithuania"]));
}

/// The issue asks for a tie for every state × power × channel written in the file, not left
/// to the loader's default of 0; and for a source comment on every number.
#[test]
fn eurasia_file_writes_every_tie_and_comments_every_number() {
    let text = std::fs::read_to_string(scenarios_dir().join("eurasia-2025.toml")).unwrap();
    let table: toml::Table = text.parse().unwrap();
    let powers = table["powers"].as_table().unwrap();
    for (state, body) in table["states"].as_table().unwrap() {
        let ties = body["ties"]
            .as_table()
            .unwrap_or_else(|| panic!("{state} has no ties"));
        for power in powers.keys() {
            let channels = ties
                .get(power)
                .and_then(|t| t.as_table())
                .unwrap_or_else(|| panic!("{state} has no ties to {power}"));
            for ch in Channel::ALL {
                assert!(
                    channels.contains_key(ch.name()),
                    "{state}–{power} lacks {ch}"
                );
            }
        }
    }
    let uncommented = uncommented_numbers(&text);
    assert!(uncommented.is_empty(), "{uncommented:#?}");
}

/// The lines of `text` that set a number with no comment on them or directly above them (a
/// comment may cover a block of related numbers, as long as the block follows it without a
/// gap), as `line N: text`.
fn uncommented_numbers(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut missing = Vec::new();
    for (n, line) in lines.iter().enumerate() {
        let code = line.split('#').next().unwrap().trim();
        let sets_number = code.contains('=')
            && code.split('=').nth(1).is_some_and(|v| {
                v.trim()
                    .starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '[')
            });
        if !sets_number || line.contains('#') {
            continue;
        }
        let commented = lines[..n]
            .iter()
            .rev()
            .take_while(|l| !l.trim().is_empty() && !l.trim_start().starts_with('['))
            .any(|l| l.trim_start().starts_with('#'));
        if !commented {
            missing.push(format!("line {}: {line}", n + 1));
        }
    }
    missing
}

/// The rule of eurasia-2025.toml for every shipped scenario that states a world or a what-if:
/// every number has its source beside it. The three CSTO futures are left out: their declared
/// outcomes open `conditions = [` lists of tables, which the line test takes for numbers.
#[test]
fn every_shipped_scenario_comments_every_number() {
    let futures = [
        "csto-slow-decline.toml",
        "csto-selective-consolidation.toml",
        "csto-partial-revitalization.toml",
    ];
    let mut checked = 0;
    for entry in std::fs::read_dir(scenarios_dir()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        if !name.ends_with(".toml") || futures.contains(&name.as_str()) {
            continue;
        }
        let uncommented = uncommented_numbers(&std::fs::read_to_string(&path).unwrap());
        assert!(uncommented.is_empty(), "{name}: {uncommented:#?}");
        checked += 1;
    }
    // eurasia-2025, history-2014, eurasia-2025-calibrated, the backtest and the what-ifs.
    assert!(checked >= 8, "{checked}");
}

#[test]
fn futures_extend_the_world_and_differ_only_in_drivers_and_spending() {
    let base = geoalign::presets::eurasia_2025();
    for file in [
        "csto-slow-decline.toml",
        "csto-selective-consolidation.toml",
        "csto-partial-revitalization.toml",
    ] {
        let s = Scenario::from_file(scenarios_dir().join(file)).unwrap();
        // Besides drivers, a future may state what the powers spend and where (their budgets
        // and priorities, docs/model.md §12); every other part of the world is the base's.
        let (w, b) = (s.world(), base.world());
        assert_eq!(
            w.powers(),
            b.powers(),
            "{file} should not change the powers' levels"
        );
        assert_eq!(
            w.states(),
            b.states(),
            "{file} should not change the states"
        );
        assert_eq!(w.institutions(), b.institutions(), "{file}");
        assert_eq!(w.ties(), b.ties(), "{file} should not change the ties");
        assert_eq!(w.parameters(), b.parameters(), "{file}");
        assert_eq!(w.agency().relations, b.agency().relations, "{file}");
        assert!(s.drivers().len() >= 4, "{file}");
    }
}

#[test]
fn a_power_without_coercion_in_a_file_takes_the_default_of_power_new() {
    // Issue 18: files required `coercion` on every power although `Power::new` defaults it.
    // The catalogue's file whose only flaw is a missing `stubbornness`; its power B has no
    // `coercion`.
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/bad_scenarios");
    let text = std::fs::read_to_string(dir.join("missing-required-key.toml"))
        .unwrap()
        .replacen(
            "inertia = 0.05\n",
            "inertia = 0.05\nstubbornness = 0.3\n",
            1,
        );
    let s =
        Scenario::from_toml_str(&text, "b-without-coercion.toml").unwrap_or_else(|e| panic!("{e}"));
    let b = s.world().powers().iter().find(|p| p.name == "B").unwrap();
    assert_eq!(
        (b.capacity, b.coercion, b.delivery),
        (0.7, geoalign::Power::new("B").coercion, [1.0; 8])
    );
}
