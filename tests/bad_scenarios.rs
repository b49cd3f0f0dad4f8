//! The catalogue of malformed scenario files in `tests/bad_scenarios/`: each file has one flaw,
//! and each must be refused with the right kind of error, a message that names the file and
//! the place (line, and key path where the text parses), on one line, without a panic or a
//! hang. The table below lists every file; a file missing from it, or an entry without its
//! file, fails `the_table_lists_every_file_of_the_catalogue`. Inputs too big to commit (a
//! 50 MB file, an `extends` chain past the limit) are generated into a temporary directory.

#![allow(clippy::result_large_err)] // see the note in src/lib.rs

use geoalign::model::names::NameProblem;
use geoalign::scenario_file::{MAX_EXTENDS_DEPTH, MAX_FILE_BYTES, MAX_NESTING};
use geoalign::sim::outcome::OutcomeProblem;
use geoalign::{
    Channel, Participation, Problem, Scenario, ScenarioError, ScenarioRuleError, WorldError,
};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// One catalogue file and what its refusal must look like.
struct Case {
    /// Path under `tests/bad_scenarios/`.
    file: &'static str,
    /// The file the error names: the file itself, or the base file (or the other file of a
    /// cycle) where the flaw really is.
    reported: &'static str,
    /// The expected error, as written in the table (for failure messages).
    expected: &'static str,
    /// Does the error have the expected variant (and `Problem`)?
    matches: fn(&ScenarioError) -> bool,
    /// What the message says right after the reported file's path: `:LINE[:COLUMN]` and the
    /// key path, or the start of the reason where there is no line.
    place: &'static str,
}

macro_rules! case {
    ($file:literal $(in $reported:literal)?, Invalid($problem:pat), $place:literal) => {
        Case {
            file: $file,
            reported: case!(@reported $file $(, $reported)?),
            expected: concat!("Invalid(", stringify!($problem), ")"),
            matches: |e| matches!(e, ScenarioError::Invalid { problem: $problem, .. }),
            place: $place,
        }
    };
    ($file:literal $(in $reported:literal)?, $variant:ident, $place:literal) => {
        Case {
            file: $file,
            reported: case!(@reported $file $(, $reported)?),
            expected: stringify!($variant),
            matches: |e| matches!(e, ScenarioError::$variant { .. }),
            place: $place,
        }
    };
    (@reported $file:literal) => { $file };
    (@reported $file:literal, $reported:literal) => { $reported };
}

/// Every file of the catalogue with its expected error. Sorted by file name; the prefix is
/// the category (syntax, type, unknown-key, unknown-NAME, duplicate, range, nan/inf, date,
/// extends, nesting, …).
const CASES: &[Case] = &[
    case!(
        "border-clash-same-state-twice.toml",
        Invalid(Problem::SameStates),
        ":71: `events[1].states[1]`"
    ),
    case!(
        "calibration-zero-share.toml",
        Invalid(Problem::ZeroShareWithCalibration),
        ":50: `states.T.alignment.A`"
    ),
    case!(
        "camp-empty.toml",
        Invalid(Problem::World(WorldError::EmptyCamp { .. })),
        ":75: `camps.Pair.powers`"
    ),
    case!(
        "camp-missing-nesting.toml",
        Invalid(Problem::Missing),
        ":74: `camps.Pair.nesting`"
    ),
    case!(
        "camp-named-autonomy.toml",
        Invalid(Problem::World(WorldError::CampNameTaken { what: "the autonomy share", .. })),
        ":75: `camps.autonomy.powers`"
    ),
    case!(
        "camp-named-like-power.toml",
        Invalid(Problem::World(WorldError::CampNameTaken { what: "a power", .. })),
        ":75: `camps.A.powers`"
    ),
    case!(
        "camp-nesting-above-one.toml",
        Invalid(Problem::World(WorldError::BadNesting { .. })),
        ":76: `camps.Pair.nesting`"
    ),
    case!(
        "camp-nesting-nan.toml",
        Invalid(Problem::World(WorldError::BadNesting { .. })),
        ":76: `camps.Pair.nesting`"
    ),
    case!(
        "camp-nesting-zero.toml",
        Invalid(Problem::World(WorldError::BadNesting { .. })),
        ":76: `camps.Pair.nesting`"
    ),
    case!(
        "camp-power-in-two-camps.toml",
        Invalid(Problem::World(WorldError::PowerInTwoCamps { .. })),
        ":79: `camps.Two.powers[0]`"
    ),
    case!(
        "camp-unknown-power.toml",
        Invalid(Problem::UnknownName { .. }),
        ":75: `camps.Pair.powers[1]`"
    ),
    case!(
        "chain/baseline-empty.toml",
        Invalid(Problem::EmptyBaseline),
        ":3: `baseline`: the value is empty"
    ),
    case!(
        "chain/baseline-missing-file.toml",
        Invalid(Problem::BaselineUnreadable { .. }),
        ":3: `baseline`: cannot read the baseline scenario"
    ),
    case!(
        "chain/baseline-unknown-builtin.toml",
        Invalid(Problem::UnknownBuiltin { .. }),
        ":3: `baseline`: no built-in scenario is called `builtin:eurasia-2024`"
    ),
    case!(
        "chain/counterfactual-after-horizon.toml",
        Invalid(Problem::BranchOutsideHorizon { .. }),
        ":5: `counterfactual.from`: 2040-01 is outside"
    ),
    case!(
        "chain/counterfactual-at-start.toml",
        Invalid(Problem::BranchOutsideHorizon { .. }),
        ":5: `counterfactual.from`: 2025-01 is outside"
    ),
    case!(
        "chain/counterfactual-bad-date.toml",
        Invalid(Problem::BadDate { .. }),
        ":5: `counterfactual.from`"
    ),
    case!(
        "chain/counterfactual-changes-members.toml",
        Invalid(Problem::Scenario(ScenarioRuleError::BranchStructure { .. })),
        ":6: `counterfactual.from`: the branch changes the world's structure"
    ),
    case!(
        "chain/counterfactual-missing-from.toml",
        Invalid(Problem::Missing),
        ":4: `counterfactual.from`"
    ),
    case!(
        "chain/counterfactual-unknown-key.toml",
        UnknownField,
        ":5:1: `counterfactual.form`"
    ),
    case!(
        "chain/counterfactual-without-parent.toml",
        Invalid(Problem::CounterfactualWithoutParent),
        ":5: `counterfactual`"
    ),
    case!(
        "chain/remove-missing-key.toml",
        Invalid(Problem::RemoveNothing { suggestion: Some(_), .. }),
        ":5: `remove[1]`: `powers.Rusia.coercion` is not in what this file inherits, so there is nothing to remove; did you mean `powers.Russia.coercion`?"
    ),
    case!(
        "chain/remove-and-set.toml",
        Invalid(Problem::RemoveAndSet { .. }),
        ":3: `remove[0]`: this file also sets `states.Armenia.ties.Russia.media`"
    ),
    case!(
        "chain/remove-missing-member.toml",
        Invalid(Problem::RemoveNothing { .. }),
        ":3: `remove[0]`: `institutions.CSTO.members.Georgia` is not"
    ),
    case!(
        "chain/remove-referenced-power.toml",
        Invalid(Problem::RemoveReferenced { .. }),
        ":3: `remove[0]`: the power `Iran` cannot be removed: `relations[4].powers[1]` (builtin:eurasia-2025:"
    ),
    case!(
        "chain/remove-referenced-state.toml",
        Invalid(Problem::RemoveReferenced { .. }),
        ":3: `remove[0]`: the state `Armenia` cannot be removed: `powers.Russia.priorities.Armenia` (builtin:eurasia-2025:"
    ),
    case!(
        "chain/remove-required-key.toml",
        Invalid(Problem::RemoveRequired { .. }),
        ":3: `remove[0]`: `states.Armenia.inertia` is required"
    ),
    case!(
        "chain/unknown-institution-misspelt.toml",
        Invalid(Problem::Misspelt { kind: "institution", .. }),
        ":5: `institutions.CTSO`: unknown institution `CTSO`; did you mean `CSTO`? (a new institution would need `members`)"
    ),
    case!(
        "chain/unknown-power-misspelt.toml",
        Invalid(Problem::Misspelt { kind: "power", .. }),
        ":5: `powers.Rusia`: unknown power `Rusia`; did you mean `Russia`? (no state's `alignment` gives it a share, as a new power's would)"
    ),
    case!(
        "chain/unknown-state-in-priorities.toml",
        Invalid(Problem::UnknownName { kind: "state", .. }),
        ":6: `powers.Russia.priorities.Kazakstan`: unknown state `Kazakstan`; did you mean `Kazakhstan`? the world defines: Armenia,"
    ),
    case!(
        "chain/unknown-state-misspelt.toml",
        Invalid(Problem::Misspelt { kind: "state", .. }),
        ":5: `states.Kazakstan`: unknown state `Kazakstan`; did you mean `Kazakhstan`? (a new state would need `disposition`)"
    ),
    case!("comments-only.toml", Empty, ": the file is empty"),
    case!(
        "crisis-unknown-power.toml",
        Invalid(Problem::UnknownName { .. }),
        ":66: `events[0].power`"
    ),
    case!(
        "crisis-unknown-state.toml",
        Invalid(Problem::UnknownName { .. }),
        ":67: `events[0].state`"
    ),
    case!(
        "date-bad-format.toml",
        Invalid(Problem::BadDate { .. }),
        ":64: `events[0].at`"
    ),
    case!(
        "date-bad-month.toml",
        Invalid(Problem::BadDate { .. }),
        ":7: `horizon.start`"
    ),
    case!(
        "date-driver-empty-path.toml",
        Invalid(Problem::EmptyPath),
        ":61: `drivers.ties.S.A.security`"
    ),
    case!(
        "date-driver-not-increasing.toml",
        Invalid(Problem::DatesNotIncreasing { .. }),
        ":58: `drivers.powers.A.capacity[1].at`"
    ),
    case!(
        "date-driver-outside-horizon.toml",
        Invalid(Problem::DateOutsideHorizon { .. }),
        ":61: `drivers.ties.S.A.security[0].at`"
    ),
    case!(
        "date-driver-repeated.toml",
        Invalid(Problem::DatesNotIncreasing { .. }),
        ":58: `drivers.powers.A.capacity[1].at`"
    ),
    case!(
        "date-event-after-horizon.toml",
        Invalid(Problem::DateOutsideHorizon { .. }),
        ":64: `events[0].at`"
    ),
    case!(
        "date-event-at-start.toml",
        Invalid(Problem::DateOutsideHorizon { .. }),
        ":64: `events[0].at`"
    ),
    case!(
        "date-event-before-start.toml",
        Invalid(Problem::DateOutsideHorizon { .. }),
        ":64: `events[0].at`"
    ),
    case!("date-full-date.toml", Syntax, ":64:6: `events[0].at`"),
    case!(
        "date-hazard-until-before-from.toml",
        Invalid(Problem::DatesNotIncreasing { .. }),
        ":71: `events[1].until`"
    ),
    case!(
        "date-unquoted-month.toml",
        Syntax,
        ":6:9: `2025-01` is not quoted: a month is a quoted string, write \"2025-01\" (unquoted, TOML reads it as the start of a date YYYY-MM-DD)"
    ),
    case!(
        "date-war-ends-before-it-starts.toml",
        Invalid(Problem::DatesNotIncreasing { .. }),
        ":80: `events[2].ends`"
    ),
    case!("duplicate-key-in-inline-table.toml", Syntax, ":49:24: `A`"),
    case!("duplicate-key.toml", Syntax, ":48:1: `fragility`"),
    case!(
        "duplicate-member.toml",
        Invalid(Problem::DuplicateMember { .. }),
        ":54: `institutions.Bloc.members[2]`"
    ),
    case!("duplicate-power-name.toml", Syntax, ":29:9: `B`"),
    case!(
        "duplicate-re-exporter.toml",
        Invalid(Problem::Duplicate { .. }),
        ":80: `events[2].re_exporters[2]`"
    ),
    case!(
        "duplicate-relation-driver.toml",
        Invalid(Problem::Scenario(ScenarioRuleError::DuplicateDriver { .. })),
        ":83: `drivers.relations[1].path`"
    ),
    case!(
        "duplicate-relation.toml",
        Invalid(Problem::World(WorldError::GivenTwice { .. })),
        ":24: `relations[1].powers`"
    ),
    case!(
        "duplicate-sanctioning-power.toml",
        Invalid(Problem::Duplicate { .. }),
        ":77: `events[2].by[1]`"
    ),
    case!("duplicate-state-name.toml", Syntax, ":51:9: `S`"),
    case!("empty.toml", Empty, ": the file is empty"),
    case!("extends/comments-only-base.toml", Empty, ": the file is empty"),
    case!(
        "extends/override-level-breaks-relative-driver.toml",
        BrokenByOverride,
        ":7: `institutions.CSTO.credibility` overrides the base and so breaks `drivers.institutions.CSTO.credibility[0].add` (set at builtin:csto-slow-decline:"
    ),
    case!(
        "extends/override-members-breaks-event.toml",
        BrokenByOverride,
        ":7: `institutions.CSTO.members` overrides the base and so breaks `events[1].institution` (set at "
    ),
    case!(
        "extends/override-members-breaks-participation.toml",
        BrokenByOverride,
        ":7: `institutions.CSTO.members` overrides the base and so breaks `institutions.CSTO.participation.Armenia` (set at builtin:eurasia-2025:"
    ),
    case!(
        "extends/override-members-breaks-unanswered.toml",
        BrokenByOverride,
        ":8: `institutions.CSTO.members` overrides the base and so breaks `institutions.CSTO.unanswered.Kyrgyzstan` (set at builtin:eurasia-2025:"
    ),
    case!(
        "extends/override-start-breaks-driver.toml",
        BrokenByOverride,
        ":6: `horizon.start` overrides the base and so breaks `drivers.powers.Russia.capacity[0].at` (set at builtin:csto-slow-decline:"
    ),
    case!(
        "extends/override-steps-breaks-event.toml",
        BrokenByOverride,
        ":7: `horizon.steps` overrides the base and so breaks `events[5].at` (set at "
    ),
    case!("extends-a-directory.toml", BaseUnreadable, ":5: `extends`"),
    case!(
        "extends-blank-string.toml",
        Invalid(Problem::EmptyExtends),
        ":4: `extends`: the value is empty"
    ),
    case!(
        "extends-comments-only-base.toml",
        EmptyBase,
        ":4: `extends`: the base scenario"
    ),
    case!(
        "extends-empty-base.toml",
        EmptyBase,
        ":2: `extends`: the base scenario"
    ),
    case!(
        "extends-empty-string.toml",
        Invalid(Problem::EmptyExtends),
        ":3: `extends`: the value is empty"
    ),
    case!(
        "extends-itself.toml",
        ExtendsCycle,
        ":5: `extends` forms a cycle"
    ),
    case!(
        "extends-copied-future.toml",
        BaseUnreadable,
        ":5: `extends`: cannot read the base scenario"
    ),
    case!("extends-missing-file.toml", BaseUnreadable, ":5: `extends`"),
    case!(
        "extends-unknown-builtin.toml",
        Invalid(Problem::UnknownBuiltin { .. }),
        ":5: `extends`"
    ),
    case!(
        "extends/base-with-flaw.toml",
        Invalid(Problem::OutOfRange { .. }),
        ":18: `states.S.stubbornness`"
    ),
    case!("extends/child-of-flawed-base.toml" in "extends/base-with-flaw.toml", Invalid(Problem::OutOfRange { .. }), ":18: `states.S.stubbornness`"),
    case!("extends/cycle-a.toml" in "extends/cycle-b.toml", ExtendsCycle, ":2: `extends` forms a cycle"),
    case!("extends/cycle-b.toml" in "extends/cycle-a.toml", ExtendsCycle, ":2: `extends` forms a cycle"),
    case!(
        "extends/empty-salience-override.toml",
        Invalid(Problem::EmptyTableOverride { base_keys: 8 }),
        ":6: `states.Kazakhstan.salience`"
    ),
    case!(
        "extends/empty-table-header-override.toml",
        Invalid(Problem::EmptyTableOverride { base_keys: 1 }),
        ":5: `institutions.CSTO.carries`"
    ),
    case!(
        "extends/override-breaks-sum.toml",
        Invalid(Problem::SumNotOne { .. }),
        ":5: `states.Kazakhstan.alignment`"
    ),
    case!(
        "extends/override-out-of-range.toml",
        Invalid(Problem::OutOfRange { .. }),
        ":6: `states.Armenia.inertia`"
    ),
    case!(
        "inf-float.toml",
        Invalid(Problem::NotFinite { .. }),
        ":20: `powers.A.capacity`"
    ),
    case!(
        "inf-in-alignment.toml",
        Invalid(Problem::NotFinite { .. }),
        ":49: `states.T.alignment.B`"
    ),
    case!("inf-string.toml", Syntax, ":20:12: `powers.A.capacity`"),
    case!(
        "key-not-for-event-kind.toml",
        Invalid(Problem::NotForKind { .. }),
        ":73: `events[1].power`"
    ),
    case!(
        "missing-horizon.toml",
        Invalid(Problem::Missing),
        ": `horizon`"
    ),
    case!(
        "missing-relation-driver-path.toml",
        Invalid(Problem::Missing),
        ":77: `drivers.relations[0].path`"
    ),
    case!(
        "missing-required-key.toml",
        Invalid(Problem::Missing),
        ":29: `states.S.stubbornness`"
    ),
    case!(
        "name-bidi-override.toml",
        Invalid(Problem::World(WorldError::BadName { problem: NameProblem::ControlCharacter { character: '\u{202e}' }, .. })),
        ":29: `powers.C\\u{202e}aissur`"
    ),
    case!(
        "name-empty-institution.toml",
        Invalid(Problem::World(WorldError::BadName { problem: NameProblem::Empty, .. })),
        ":51: `institutions.\"\"`"
    ),
    case!(
        "name-empty-power.toml",
        Invalid(Problem::World(WorldError::BadName { problem: NameProblem::Empty, .. })),
        ":29: `powers.\"\"`"
    ),
    case!(
        "name-empty-state.toml",
        Invalid(Problem::World(WorldError::BadName { problem: NameProblem::Empty, .. })),
        ":51: `states.\"\"`"
    ),
    case!(
        "name-escape-character.toml",
        Invalid(Problem::World(WorldError::BadName { problem: NameProblem::ControlCharacter { character: '\u{1b}' }, .. })),
        ":29: `powers.C\\u{1b}[31m`"
    ),
    case!(
        "name-leading-space.toml",
        Invalid(Problem::World(WorldError::BadName { problem: NameProblem::EdgeWhitespace, .. })),
        ":29: `powers. C`"
    ),
    case!(
        "name-newline.toml",
        Invalid(Problem::World(WorldError::BadName { problem: NameProblem::ControlCharacter { character: '\n' }, .. })),
        ":29: `powers.C\\nD`"
    ),
    case!(
        "name-power-autonomy-capitalised.toml",
        Invalid(Problem::ReservedName { .. }),
        ":29: `powers.Autonomy`"
    ),
    case!(
        "name-power-autonomy-punctuated.toml",
        Invalid(Problem::ReservedName { .. }),
        ":29: `powers.autonomy!`"
    ),
    case!(
        "name-power-autonomy-trailing-space.toml",
        Invalid(Problem::ReservedName { .. }),
        ":29: `powers.autonomy `"
    ),
    case!(
        "name-power-autonomy-upper-case.toml",
        Invalid(Problem::ReservedName { .. }),
        ":29: `powers.AUTONOMY`"
    ),
    case!(
        "name-power-called-autonomy.toml",
        Invalid(Problem::ReservedName { .. }),
        ":26: `powers.autonomy`"
    ),
    case!(
        "name-punctuation-only.toml",
        Invalid(Problem::World(WorldError::BadName { problem: NameProblem::NoLetterOrDigit, .. })),
        ":29: `powers.!!!`"
    ),
    case!(
        "name-slug-collision-case.toml",
        Invalid(Problem::World(WorldError::SlugCollision { kind: "state", other_kind: "state", .. })),
        ":51: `states.t`"
    ),
    case!(
        "name-slug-collision-punctuation.toml",
        Invalid(Problem::World(WorldError::SlugCollision { kind: "power", other_kind: "power", .. })),
        ":32: `powers.C-D`"
    ),
    case!(
        "name-slug-collision-unicode-case.toml",
        Invalid(Problem::World(WorldError::SlugCollision { kind: "state", other_kind: "state", .. })),
        ":59: `states.ärm`"
    ),
    case!(
        "name-slug-state-like-power.toml",
        Invalid(Problem::World(WorldError::SlugCollision { kind: "state", other_kind: "power", .. })),
        ":51: `states.a`"
    ),
    case!(
        "name-state-like-institution.toml",
        Invalid(Problem::World(WorldError::NameShared { other_kind: "institution", .. })),
        ":51: `states.Bloc`"
    ),
    case!(
        "name-state-like-power.toml",
        Invalid(Problem::World(WorldError::NameShared { other_kind: "power", .. })),
        ":51: `states.A`"
    ),
    case!(
        "name-tab.toml",
        Invalid(Problem::World(WorldError::BadName { problem: NameProblem::ControlCharacter { character: '\t' }, .. })),
        ":51: `states.Tab\\tState`"
    ),
    case!(
        "name-too-long-multibyte.toml",
        Invalid(Problem::World(WorldError::BadName { problem: NameProblem::TooLong { bytes: 102 }, .. })),
        ":51: `states.ééééééééééééééééééééééééééééééééééééééééééééééééééé`"
    ),
    case!(
        "name-too-long.toml",
        Invalid(Problem::World(WorldError::BadName { problem: NameProblem::TooLong { bytes: 101 }, .. })),
        ":29: `powers.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx`"
    ),
    case!(
        "name-trailing-space.toml",
        Invalid(Problem::World(WorldError::BadName { problem: NameProblem::EdgeWhitespace, .. })),
        ":51: `states.U `"
    ),
    case!(
        "name-zero-width-space.toml",
        Invalid(Problem::World(WorldError::BadName { problem: NameProblem::ControlCharacter { character: '\u{200b}' }, .. })),
        ":51: `states.U\\u{200b}`"
    ),
    case!(
        "nan-float.toml",
        Invalid(Problem::NotFinite { .. }),
        ":45: `states.T.inertia`"
    ),
    case!(
        "nan-hazard-probability.toml",
        Invalid(Problem::NotFinite { .. }),
        ":69: `events[1].monthly`"
    ),
    case!(
        "nan-in-driver.toml",
        Invalid(Problem::NotFinite { .. }),
        ":58: `drivers.powers.A.capacity[0].value`"
    ),
    case!(
        "nan-in-event-parameters.toml",
        Invalid(Problem::NotFinite { .. }),
        ":14: `parameters.events.decision_intercept`"
    ),
    case!(
        "nan-relative-scale.toml",
        Invalid(Problem::NotFinite { .. }),
        ":62: `drivers.ties.S.A.security[0].scale`"
    ),
    case!("nan-string.toml", Syntax, ":45:11: `states.T.inertia`"),
    case!(
        "neg-inf-float.toml",
        Invalid(Problem::NotFinite { .. }),
        ":17: `parameters.dispositions.hedge.threat_weight`"
    ),
    case!(
        "nesting-10000-arrays.toml",
        Syntax,
        ":2:95: arrays, tables or dotted keys are nested deeper than 80 levels"
    ),
    case!(
        "nesting-10000-dotted-key.toml",
        Syntax,
        ":3: arrays, tables or dotted keys are nested deeper than 80 levels"
    ),
    case!(
        "nesting-10000-inline-tables.toml",
        Syntax,
        ":2:495: arrays, tables or dotted keys are nested deeper than 80 levels"
    ),
    case!(
        "nesting-10000-table-header.toml",
        Syntax,
        ":4: arrays, tables or dotted keys are nested deeper than 80 levels"
    ),
    case!(
        "not-utf8-latin1.toml",
        NotUtf8,
        ":3: the file is not valid UTF-8"
    ),
    case!(
        "not-utf8-utf16.toml",
        NotUtf8,
        ":1: the file is not valid UTF-8"
    ),
    case!(
        "participation-exit-of-non-member.toml",
        Invalid(Problem::NotAMember { .. }),
        ":67: `events[0].state`"
    ),
    case!(
        "participation-join-of-active-member.toml",
        Invalid(Problem::Scenario(ScenarioRuleError::ParticipationCannotAct { .. })),
        ":58: `events[0]`"
    ),
    case!(
        "participation-of-non-member.toml",
        Invalid(Problem::NotAMember { .. }),
        ":55: `institutions.Bloc.participation.T`"
    ),
    case!(
        "point-no-form.toml",
        Invalid(Problem::PointForm { .. }),
        ":62: `drivers.ties.S.A.security[0]`"
    ),
    case!(
        "point-two-forms.toml",
        Invalid(Problem::PointForm { .. }),
        ":62: `drivers.ties.S.A.security[0]`"
    ),
    case!(
        "range-alignment-sum.toml",
        Invalid(Problem::SumNotOne { .. }),
        ":49: `states.T.alignment`"
    ),
    case!(
        "range-alternative-weight.toml",
        Invalid(Problem::OutOfRange { .. }),
        ":81: `events[2].alternatives.B`"
    ),
    case!(
        "range-crisis-trigger.toml",
        Invalid(Problem::OutOfRange { .. }),
        ":68: `events[0].trigger`"
    ),
    case!(
        "range-delivery-cut-of-one.toml",
        Invalid(Problem::OutOfRange { .. }),
        ":80: `events[2].delivery_cut.trade`"
    ),
    case!(
        "range-driver-value.toml",
        Invalid(Problem::OutOfRange { .. }),
        ":61: `drivers.ties.S.A.security[0].value`"
    ),
    case!(
        "range-exit-before-suspension.toml",
        Invalid(Problem::OutOfRange { .. }),
        ":16: `parameters.events.exit_after`"
    ),
    case!(
        "range-fragility-above-one.toml",
        Invalid(Problem::OutOfRange { .. }),
        ":33: `states.S.fragility`"
    ),
    case!(
        "range-hazard-probability.toml",
        Invalid(Problem::OutOfRange { .. }),
        ":69: `events[1].monthly`"
    ),
    case!(
        "range-horizon-too-long.toml",
        Invalid(Problem::HorizonTooLong { .. }),
        ":8: `horizon.steps`"
    ),
    case!(
        "range-lock-in-negative.toml",
        Invalid(Problem::OutOfRange { .. }),
        ":75: `parameters.responsiveness.lock_in`"
    ),
    case!(
        "range-negative-budget.toml",
        Invalid(Problem::OutOfRange { .. }),
        ":21: `powers.A.budget`"
    ),
    case!(
        "range-negative-capacity.toml",
        Invalid(Problem::OutOfRange { .. }),
        ":20: `powers.A.capacity`"
    ),
    case!(
        "range-negative-proximity.toml",
        Invalid(Problem::OutOfRange { .. }),
        ":36: `states.S.proximity.A`"
    ),
    case!(
        "range-negative-seed.toml",
        Invalid(Problem::NegativeSeed { .. }),
        ":4: `seed`"
    ),
    case!(
        "range-noise.toml",
        Invalid(Problem::OutOfRange { .. }),
        ":11: `parameters.noise`"
    ),
    case!(
        "range-priority-above-one.toml",
        Invalid(Problem::OutOfRange { .. }),
        ":27: `powers.A.priorities.S`"
    ),
    case!(
        "range-relation-driver-add.toml",
        Invalid(Problem::ResolvedOutOfRange { .. }),
        ":80: `drivers.relations[0].path[0].add`"
    ),
    case!(
        "range-relation-driver.toml",
        Invalid(Problem::OutOfRange { .. }),
        ":80: `drivers.relations[0].path[0].value`"
    ),
    case!(
        "range-relation-shift.toml",
        Invalid(Problem::OutOfRange { .. }),
        ":81: `events[2].shift`"
    ),
    case!(
        "range-relation.toml",
        Invalid(Problem::OutOfRange { .. }),
        ":21: `relations[0].value`"
    ),
    case!(
        "range-relative-add.toml",
        Invalid(Problem::ResolvedOutOfRange { .. }),
        ":62: `drivers.ties.S.A.security[0].add`"
    ),
    case!(
        "range-salience-sum.toml",
        Invalid(Problem::SumNotOne { .. }),
        ":34: `states.S.salience`"
    ),
    case!(
        "range-threat-weight.toml",
        Invalid(Problem::OutOfRange { .. }),
        ":45: `states.T.threat_weight`"
    ),
    case!(
        "range-tie-above-one.toml",
        Invalid(Problem::OutOfRange { .. }),
        ":40: `states.S.ties.A.trade`"
    ),
    case!(
        "range-trade-shares-above-one.toml",
        Invalid(Problem::SumAboveOne { .. }),
        ":39: `states.S.ties`"
    ),
    case!(
        "range-unrest-hazard.toml",
        Invalid(Problem::OutOfRange { .. }),
        ":14: `parameters.events.unrest_hazard`"
    ),
    case!(
        "range-zero-steps.toml",
        Invalid(Problem::NonPositiveHorizon { .. }),
        ":8: `horizon.steps`"
    ),
    case!(
        "relation-driver-three-powers.toml",
        Invalid(Problem::NotAPair { count: 3 }),
        ":78: `drivers.relations[0].powers`"
    ),
    case!(
        "relation-driver-with-itself.toml",
        Invalid(Problem::Scenario(ScenarioRuleError::RelationWithItself { .. })),
        ":78: `drivers.relations[0].powers`"
    ),
    case!(
        "relation-shift-one-power.toml",
        Invalid(Problem::OutOfRange { .. }),
        ":80: `events[2].powers`"
    ),
    case!(
        "relation-shift-three-powers.toml",
        Invalid(Problem::OutOfRange { .. }),
        ":80: `events[2].powers`"
    ),
    case!(
        "relation-shift-with-itself.toml",
        Invalid(Problem::Duplicate { .. }),
        ":80: `events[2].powers[1]`"
    ),
    case!(
        "relation-three-powers.toml",
        Invalid(Problem::NotAPair { count: 3 }),
        ":20: `relations[0].powers`"
    ),
    case!(
        "relation-with-itself.toml",
        Invalid(Problem::World(WorldError::RelationWithItself { .. })),
        ":20: `relations[0].powers`"
    ),
    case!(
        "relative-scale-of-zero-level.toml",
        Invalid(Problem::ScaleOfZeroLevel),
        ":62: `drivers.ties.S.B.trade[0].scale`"
    ),
    case!(
        "semantics-active-member-past-exit.toml",
        Invalid(Problem::World(WorldError::UnansweredBeyondExit { participation: Participation::Active, unanswered: 4, exit_after: 4, .. })),
        ":56: `institutions.Bloc.unanswered.S`"
    ),
    case!(
        "semantics-carries-without-leader.toml",
        Invalid(Problem::World(WorldError::CarriesWithoutLeader { channel: Channel::Security, .. })),
        ":60: `institutions.Forum.carries.security`"
    ),
    case!(
        "semantics-duplicate-event.toml",
        Invalid(Problem::Scenario(ScenarioRuleError::DuplicateEvent { .. })),
        ":68: `events[1]`"
    ),
    case!(
        "semantics-duplicate-hazard.toml",
        Invalid(Problem::Scenario(ScenarioRuleError::DuplicateEvent { .. })),
        ":74: `events[2]`"
    ),
    case!(
        "semantics-institution-without-members.toml",
        Invalid(Problem::World(WorldError::NoMembers { .. })),
        ":60: `institutions.Empty.members`"
    ),
    case!(
        "semantics-peace-before-any-war.toml",
        Invalid(Problem::Scenario(ScenarioRuleError::PeaceWithoutWar { .. })),
        ":74: `events[2]`"
    ),
    case!(
        "semantics-peace-before-its-war.toml",
        Invalid(Problem::Scenario(ScenarioRuleError::PeaceWithoutWar { .. })),
        ":81: `events[3]`"
    ),
    case!(
        "semantics-peace-hazard-without-war.toml",
        Invalid(Problem::Scenario(ScenarioRuleError::PeaceWithoutWar { .. })),
        ":74: `events[2]`"
    ),
    case!(
        "semantics-peace-listed-before-its-war.toml",
        Invalid(Problem::Scenario(ScenarioRuleError::PeaceWithoutWar { .. })),
        ":74: `events[2]`"
    ),
    case!(
        "semantics-suspended-member-past-exit.toml",
        Invalid(Problem::World(WorldError::UnansweredBeyondExit { participation: Participation::Suspended, unanswered: 5, .. })),
        ":57: `institutions.Bloc.unanswered.T`"
    ),
    case!(
        "simplex-alignment-outside-tolerance.toml",
        Invalid(Problem::SumNotOne { .. }),
        ":35: `states.S.alignment`"
    ),
    case!(
        "simplex-alternatives-outside-tolerance.toml",
        Invalid(Problem::WeightsAboveOne { .. }),
        ":74: `events[0].alternatives`"
    ),
    case!(
        "simplex-feedback-ties-outside-tolerance.toml",
        Invalid(Problem::SumAboveOne { .. }),
        ":39: `states.S.ties`"
    ),
    case!(
        "simplex-salience-outside-tolerance.toml",
        Invalid(Problem::SumNotOne { .. }),
        ":34: `states.S.salience`"
    ),
    case!("syntax-bare-word-value.toml", Syntax, ":44:15"),
    case!("syntax-control-character.toml", Syntax, ":2:11"),
    case!("syntax-integer-overflow.toml", Syntax, ":4:8: `seed`"),
    case!("syntax-missing-value.toml", Syntax, ":45:10"),
    case!("syntax-unclosed-inline-table.toml", Syntax, ":49:1"),
    case!("syntax-unclosed-table-header.toml", Syntax, ":43:10"),
    case!("syntax-unterminated-string.toml", Syntax, ":2:13"),
    case!(
        "timing-both-at-and-monthly.toml",
        Invalid(Problem::TimingAmbiguous),
        ":64: `events[0].at`"
    ),
    case!(
        "type-bool-as-string.toml",
        Syntax,
        ":67:11: `events[0].request`"
    ),
    case!("type-events-as-table.toml", Syntax, ":63:1: `events`"),
    case!("type-extends-not-a-string.toml", Syntax, ":5:11: `extends`"),
    case!(
        "type-float-for-integer.toml",
        Syntax,
        ":8:9: `horizon.steps`"
    ),
    case!(
        "type-negative-count.toml",
        Syntax,
        ":55:20: `institutions.Bloc.unanswered.T`"
    ),
    case!("type-number-for-string.toml", Syntax, ":2:8: `name`"),
    case!(
        "type-string-for-number.toml",
        Syntax,
        ":45:11: `states.T.inertia`"
    ),
    case!(
        "type-suspend-after-float.toml",
        Syntax,
        ":15:17: `parameters.events.suspend_after`"
    ),
    case!(
        "type-table-for-array.toml",
        Syntax,
        ":54:11: `institutions.Bloc.members`"
    ),
    case!(
        "type-unknown-disposition.toml",
        Syntax,
        ":44:15: `states.T.disposition`"
    ),
    case!(
        "type-unknown-participation.toml",
        Syntax,
        ":55:23: `institutions.Bloc.participation.T`"
    ),
    case!(
        "unknown-channel-in-event.toml",
        Invalid(Problem::UnknownName { .. }),
        ":79: `events[2].channel`"
    ),
    case!(
        "unknown-disposition-table.toml",
        UnknownField,
        ":16:26: `parameters.dispositions.chaotic`"
    ),
    case!(
        "unknown-event-kind.toml",
        Invalid(Problem::UnknownKind { .. }),
        ":65: `events[0].kind`"
    ),
    case!(
        "unknown-institution-in-driver.toml",
        Invalid(Problem::UnknownName { .. }),
        ":74: `drivers.institutions.Pact`"
    ),
    case!(
        "unknown-institution-in-hazard.toml",
        Invalid(Problem::UnknownName { .. }),
        ":72: `events[1].institution`"
    ),
    case!(
        "unknown-key-disposition-parameters.toml",
        UnknownField,
        ":17:1: `parameters.dispositions.hedge.temprature`: unknown field `temprature` (did you mean `temperature`?), expected one of"
    ),
    case!(
        "unknown-key-driver-point.toml",
        UnknownField,
        ":61:44: `drivers.ties.S.A.security[0].note`"
    ),
    case!(
        "unknown-key-drivers.toml",
        UnknownField,
        ":60:10: `drivers.states`"
    ),
    case!(
        "unknown-key-event.toml",
        UnknownField,
        ":67:1: `events[0].severty`: unknown field `severty` (did you mean `severity`?), expected one of"
    ),
    case!(
        "unknown-key-feedback-channel.toml",
        UnknownField,
        ":12:28: `parameters.feedback.tourism`"
    ),
    case!(
        "unknown-key-hazard.toml",
        UnknownField,
        ":70:1: `events[1].probability`"
    ),
    case!(
        "unknown-key-horizon.toml",
        UnknownField,
        ":9:1: `horizon.end`"
    ),
    case!(
        "unknown-key-institution.toml",
        UnknownField,
        ":54:1: `institutions.Bloc.founded`"
    ),
    case!(
        "unknown-key-parameters-events.toml",
        UnknownField,
        ":14:1: `parameters.events.unrest_hazzard`"
    ),
    case!(
        "unknown-key-parameters.toml",
        UnknownField,
        ":11:1: `parameters.nosie`"
    ),
    case!(
        "unknown-key-power-delivery-channel.toml",
        UnknownField,
        ":24:1: `powers.A.delivery.tourism`"
    ),
    case!(
        "unknown-key-power-driver.toml",
        UnknownField,
        ":58:1: `drivers.powers.A.strength`"
    ),
    case!(
        "unknown-key-power.toml",
        UnknownField,
        ":20:1: `powers.A.capacty`: unknown field `capacty` (did you mean `capacity`?), expected one of"
    ),
    case!(
        "unknown-key-salience-channel.toml",
        UnknownField,
        ":48:27: `states.T.salience.tourism`"
    ),
    case!(
        "unknown-key-state.toml",
        UnknownField,
        ":48:1: `states.T.population`"
    ),
    case!(
        "unknown-key-ties-channel.toml",
        UnknownField,
        ":41:1: `states.S.ties.A.securty`"
    ),
    case!("unknown-key-top-level.toml", UnknownField, ":5:1: `author`"),
    case!(
        "unknown-leader.toml",
        Invalid(Problem::UnknownName { .. }),
        ":52: `institutions.Bloc.leader`"
    ),
    case!(
        "unknown-member.toml",
        Invalid(Problem::UnknownName { .. }),
        ":54: `institutions.Bloc.members[2]`"
    ),
    case!(
        "unknown-power-in-alignment.toml",
        Invalid(Problem::UnknownName { .. }),
        ":49: `states.T.alignment.C`"
    ),
    case!(
        "unknown-power-in-driver.toml",
        Invalid(Problem::UnknownName { .. }),
        ":57: `drivers.powers.C`"
    ),
    case!(
        "unknown-power-in-proximity.toml",
        Invalid(Problem::UnknownName { .. }),
        ":36: `states.S.proximity.Russia`"
    ),
    case!(
        "unknown-power-in-relation-driver.toml",
        Invalid(Problem::UnknownName { .. }),
        ":78: `drivers.relations[0].powers`"
    ),
    case!(
        "unknown-power-in-relation-shift.toml",
        Invalid(Problem::UnknownName { .. }),
        ":80: `events[2].powers[1]`"
    ),
    case!(
        "unknown-power-in-relation.toml",
        Invalid(Problem::UnknownName { .. }),
        ":20: `relations[0].powers`"
    ),
    case!(
        "unknown-power-in-ties.toml",
        Invalid(Problem::UnknownName { .. }),
        ":39: `states.S.ties.C`"
    ),
    case!(
        "unknown-state-in-driver-ties.toml",
        Invalid(Problem::UnknownName { .. }),
        ":60: `drivers.ties.U`"
    ),
    case!(
        "unknown-state-in-event.toml",
        Invalid(Problem::UnknownName { .. }),
        ":66: `events[0].state`"
    ),
    case!(
        "unknown-state-in-priorities.toml",
        Invalid(Problem::UnknownName { .. }),
        ":28: `powers.A.priorities.Q`"
    ),
    case!(
        "outcome-unknown-state.toml",
        Invalid(Problem::UnknownName { kind: "state", .. }),
        ":66: `outcomes[0].state`"
    ),
    case!(
        "outcome-unknown-power.toml",
        Invalid(Problem::UnknownName { kind: "power or autonomy", .. }),
        ":67: `outcomes[0].of`"
    ),
    case!(
        "outcome-unknown-institution.toml",
        Invalid(Problem::UnknownName { kind: "institution", .. }),
        ":66: `outcomes[0].institution`"
    ),
    case!(
        "outcome-date-after-horizon.toml",
        Invalid(Problem::DateOutsideHorizon { .. }),
        ":69: `outcomes[0].at`"
    ),
    case!(
        "outcome-duplicate-name.toml",
        Invalid(Problem::Outcome(OutcomeProblem::DuplicateName { .. })),
        ":71: `outcomes[1].name`"
    ),
    case!(
        "outcome-never-holds.toml",
        Invalid(Problem::Outcome(OutcomeProblem::NeverHolds { .. })),
        ":68: `outcomes[0].above`: no share is strictly above 1, so the outcome could never hold"
    ),
    case!(
        "outcome-threshold-above-one.toml",
        Invalid(Problem::Outcome(OutcomeProblem::OutOfUnit { .. })),
        ":68: `outcomes[0].below`"
    ),
    case!(
        "outcome-empty-all.toml",
        Invalid(Problem::Outcome(OutcomeProblem::EmptyJoin { join: "all" })),
        ":66: `outcomes[0].conditions`"
    ),
    case!(
        "outcome-persistence-too-long.toml",
        Invalid(Problem::Outcome(OutcomeProblem::PersistenceOutOfRange { months: 30, .. })),
        ":68: `outcomes[0].months`"
    ),
];

fn catalogue() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_scenarios")
}

/// Every file under `dir`, as paths relative to it with `/` separators.
fn files_under(dir: &Path, prefix: &str, out: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
        if entry.file_type().unwrap().is_dir() {
            files_under(&entry.path(), &format!("{name}/"), out);
        } else {
            out.insert(name);
        }
    }
}

/// The checks every refusal must pass: one line, no panic text, and it starts with the file
/// and the place.
fn assert_located(err: &ScenarioError, file: &Path, place: &str, what: &str) {
    let message = err.to_string();
    let expected = format!("{}{place}", file.display());
    assert!(
        message.starts_with(&expected),
        "{what}: the message should start with\n  {expected}\nbut is\n  {message}"
    );
    assert!(
        !message.contains('\n'),
        "{what}: the message should be one line: {message}"
    );
    assert!(!message.contains("panicked"), "{what}: {message}");
}

#[test]
fn every_catalogue_file_is_refused_with_its_kind_file_and_place() {
    let dir = catalogue();
    let mut failures = Vec::new();
    for case in CASES {
        let result = Scenario::from_file(dir.join(case.file));
        let err = match result {
            Ok(s) => {
                failures.push(format!("{}: accepted (as \"{}\")", case.file, s.name()));
                continue;
            }
            Err(err) => err,
        };
        if !(case.matches)(&err) {
            failures.push(format!(
                "{}: expected {}, got {err:?}",
                case.file, case.expected
            ));
            continue;
        }
        let message = err.to_string();
        let expected = format!("{}{}", dir.join(case.reported).display(), case.place);
        if !message.starts_with(&expected) || message.contains('\n') {
            failures.push(format!(
                "{}: the message should start with\n    {expected}\n  and be one line, but is\n    {message}",
                case.file
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} catalogue files:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
}

#[test]
fn the_table_lists_every_file_of_the_catalogue() {
    let mut on_disk = BTreeSet::new();
    files_under(&catalogue(), "", &mut on_disk);
    let listed: BTreeSet<String> = CASES.iter().map(|c| c.file.to_string()).collect();
    assert_eq!(listed.len(), CASES.len(), "a file is listed twice");
    let unlisted: Vec<_> = on_disk.difference(&listed).collect();
    let missing: Vec<_> = listed.difference(&on_disk).collect();
    assert!(
        unlisted.is_empty() && missing.is_empty(),
        "files not in the table: {unlisted:?}; table entries without a file: {missing:?}"
    );
    assert!(CASES.len() >= 40, "the catalogue has {} files", CASES.len());
}

#[test]
fn every_catalogue_file_says_its_flaw_on_its_first_line() {
    // An empty file and a UTF-16 file cannot carry a UTF-8 comment.
    let exempt = ["empty.toml", "not-utf8-utf16.toml"];
    for case in CASES.iter().filter(|c| !exempt.contains(&c.file)) {
        let bytes = std::fs::read(catalogue().join(case.file)).unwrap();
        assert!(
            bytes.starts_with(b"# Flaw: "),
            "{} should start with `# Flaw: `",
            case.file
        );
    }
}

/// A fresh directory under the target's scratch space.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("bad-scenarios-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A small valid scenario (the catalogue's base, without its flaws).
const VALID: &str = r#"name = "tiny"
seed = 1
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
alignment = { A = 0.5, B = 0.3, autonomy = 0.2 }
"#;

#[test]
fn a_50_mb_file_is_refused_by_size_before_it_is_parsed() {
    let path = scratch("large").join("large.toml");
    let mut text = String::from(VALID);
    let line = "# padding: a comment line of sixty-four bytes, repeated ........\n";
    text.reserve(50 * 1024 * 1024);
    while text.len() < 50 * 1024 * 1024 {
        text.push_str(line);
    }
    std::fs::write(&path, &text).unwrap();
    let started = std::time::Instant::now();
    let err = Scenario::from_file(&path).unwrap_err();
    assert!(
        matches!(err, ScenarioError::TooLarge { size: Some(size), limit, .. }
            if size == text.len() as u64 && limit == MAX_FILE_BYTES),
        "{err:?}"
    );
    assert_located(&err, &path, ": the file is", "50 MB file");
    // The loader reads at most the limit and one byte more; it never parses the rest.
    assert!(
        started.elapsed().as_secs() < 10,
        "took {:?}",
        started.elapsed()
    );
    let err = Scenario::from_toml_str(&text, "large.toml").unwrap_err();
    assert!(matches!(err, ScenarioError::TooLarge { .. }), "{err:?}");
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn a_file_of_exactly_the_size_limit_is_read() {
    let path = scratch("at-limit").join("at-limit.toml");
    let mut text = String::from(VALID);
    let pad = MAX_FILE_BYTES as usize - text.len();
    text.push('#');
    text.push_str(&" ".repeat(pad - 2));
    text.push('\n');
    assert_eq!(text.len() as u64, MAX_FILE_BYTES);
    std::fs::write(&path, &text).unwrap();
    assert!(Scenario::from_file(&path).is_ok());
    text.push('\n');
    std::fs::write(&path, &text).unwrap();
    let err = Scenario::from_file(&path).unwrap_err();
    assert!(matches!(err, ScenarioError::TooLarge { .. }), "{err:?}");
    std::fs::remove_file(&path).unwrap();
}

#[cfg(unix)]
#[test]
fn an_endless_device_is_refused_as_not_a_regular_file() {
    let err = Scenario::from_file("/dev/zero").unwrap_err();
    assert!(
        matches!(
            err,
            ScenarioError::NotRegular {
                kind: "character device",
                ..
            }
        ),
        "{err:?}"
    );
    assert_located(
        &err,
        Path::new("/dev/zero"),
        ": is a character device, not a regular file",
        "/dev/zero",
    );
}

/// Runs `f` on another thread and fails if it has not returned within five seconds: a read
/// that blocks on a FIFO would otherwise hang the test run instead of failing it.
#[cfg(unix)]
fn within_five_seconds<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(std::time::Duration::from_secs(5))
        .unwrap_or_else(|_| panic!("{what}: still blocked after 5 s"))
}

#[cfg(unix)]
fn make_fifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success(), "mkfifo {}", path.display());
}

#[cfg(unix)]
#[test]
fn a_fifo_as_the_scenario_file_is_refused_at_once() {
    let dir = scratch("fifo-scenario");
    let fifo = dir.join("scenario.toml");
    let _ = std::fs::remove_file(&fifo);
    make_fifo(&fifo);
    let path = fifo.clone();
    let err =
        within_five_seconds("a FIFO scenario", move || Scenario::from_file(&path)).unwrap_err();
    assert!(
        matches!(err, ScenarioError::NotRegular { kind: "FIFO", .. }),
        "{err:?}"
    );
    assert_located(&err, &fifo, ": is a FIFO, not a regular file", "FIFO");
    std::fs::remove_file(&fifo).unwrap();
}

#[cfg(unix)]
#[test]
fn an_extends_naming_a_fifo_or_stdin_is_refused_at_once_naming_the_extending_file() {
    let dir = scratch("fifo-extends");
    let fifo = dir.join("base.toml");
    let _ = std::fs::remove_file(&fifo);
    make_fifo(&fifo);
    for (base, kind) in [("base.toml", "FIFO"), ("/dev/stdin", "")] {
        let child = dir.join("child.toml");
        std::fs::write(&child, format!("extends = \"{base}\"\nname = \"child\"\n")).unwrap();
        let path = child.clone();
        let err = within_five_seconds("an extends of a FIFO", move || Scenario::from_file(&path))
            .unwrap_err();
        let message = err.to_string();
        assert!(
            matches!(err, ScenarioError::BaseUnreadable { line: Some(1), .. }),
            "{base}: {err:?}"
        );
        assert!(message.contains("child.toml:1"), "{message}");
        assert!(message.contains("not a regular file"), "{message}");
        assert!(message.contains(kind), "{message}");
    }
    std::fs::remove_file(&fifo).unwrap();
}

/// Writes a chain `0.toml` extends `1.toml` … extends `{last}.toml`, the last a whole scenario.
fn extends_chain(dir: &Path, last: usize) {
    for i in 0..last {
        std::fs::write(
            dir.join(format!("{i}.toml")),
            format!(
                "extends = \"{}.toml\"\ndescription = \"level {i}\"\n",
                i + 1
            ),
        )
        .unwrap();
    }
    std::fs::write(dir.join(format!("{last}.toml")), VALID).unwrap();
}

#[test]
fn an_extends_chain_of_the_limit_loads_and_one_more_file_is_refused() {
    let dir = scratch("chain-at-limit");
    extends_chain(&dir, MAX_EXTENDS_DEPTH - 1);
    let s = Scenario::from_file(dir.join("0.toml")).unwrap();
    assert_eq!(s.description(), "level 0");

    let dir = scratch("chain-too-deep");
    extends_chain(&dir, MAX_EXTENDS_DEPTH);
    let err = Scenario::from_file(dir.join("0.toml")).unwrap_err();
    let culprit = dir.join(format!("{}.toml", MAX_EXTENDS_DEPTH - 1));
    assert!(
        matches!(&err, ScenarioError::ExtendsTooDeep { file, line: Some(1), limit }
            if *file == culprit && *limit == MAX_EXTENDS_DEPTH),
        "{err:?}"
    );
    assert_located(
        &err,
        &culprit,
        ":1: `extends` chain is deeper than",
        "deep chain",
    );
}

#[test]
fn nesting_up_to_the_parsers_bound_parses_and_one_level_more_is_refused() {
    let n = MAX_NESTING;
    let arrays =
        |depth: usize| format!("description = {}{}\n", "[".repeat(depth), "]".repeat(depth));
    let tables = |depth: usize| {
        format!(
            "description = {}1{}\n",
            "{ a = ".repeat(depth),
            " }".repeat(depth)
        )
    };
    let dotted = |depth: usize| format!("{} = 1\n", vec!["a"; depth].join("."));
    let header = |depth: usize| format!("[{}]\nx = 1\n", vec!["a"; depth].join("."));
    for (what, text) in [
        ("arrays", arrays as fn(usize) -> String),
        ("inline tables", tables),
        ("dotted key", dotted),
        ("table header", header),
    ] {
        // At the bound the text parses, and only its type or key is refused.
        let err = Scenario::from_toml_str(&text(n), "deep.toml").unwrap_err();
        assert!(
            matches!(
                &err,
                ScenarioError::Syntax { key: Some(_), .. } | ScenarioError::UnknownField { .. }
            ),
            "{what} at depth {n}: {err:?}"
        );
        let err = Scenario::from_toml_str(&text(n + 1), "deep.toml").unwrap_err();
        assert!(
            matches!(
                &err,
                ScenarioError::Syntax {
                    line: Some(1),
                    key: None,
                    ..
                }
            ),
            "{what} at depth {}: {err:?}",
            n + 1
        );
        assert!(
            err.to_string().contains("nested deeper than 80 levels"),
            "{err}"
        );
    }
}

#[test]
fn the_deepest_nesting_of_every_kind_at_once_does_not_exhaust_a_test_threads_stack() {
    // A table header, a dotted key inside it and a value of arrays and inline tables, each
    // at the parser's bound: the loader's own recursion (merge, key lookup) stays shallow.
    let n = MAX_NESTING;
    let text = format!(
        "{VALID}[{}]\n{} = {}{}1{}{}\n",
        vec!["h"; n].join("."),
        vec!["k"; n].join("."),
        "[".repeat(n / 2),
        "{ a = ".repeat(n / 2),
        " }".repeat(n / 2),
        "]".repeat(n / 2),
    );
    let handle = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || Scenario::from_toml_str(&text, "deep.toml").map(|_| ()))
        .unwrap();
    let err = handle.join().expect("no stack overflow").unwrap_err();
    assert!(matches!(err, ScenarioError::UnknownField { .. }), "{err:?}");
}

#[test]
fn a_missing_base_says_where_relative_paths_are_read_and_names_the_builtin_of_its_name() {
    // Issue 18: a future copied out of `scenarios/` failed on its relative `extends` with the
    // operating system's reason alone.
    let copied = catalogue().join("extends-copied-future.toml");
    let message = Scenario::from_file(&copied).unwrap_err().to_string();
    assert!(
        message.ends_with(
            "eurasia-2025.toml: No such file or directory (os error 2); a relative `extends` is \
             read from the directory of the file that writes it, not from the working \
             directory; for the built-in scenario of this name, write `extends = \
             \"builtin:eurasia-2025\"`"
        ),
        "{message}"
    );
    // A base whose name is no built-in's gets the first hint only.
    let missing = catalogue().join("extends-missing-file.toml");
    let message = Scenario::from_file(&missing).unwrap_err().to_string();
    assert!(
        message.ends_with("not from the working directory"),
        "{message}"
    );
}

#[test]
fn a_missing_file_named_like_a_builtin_suggests_the_builtin() {
    // Issue 18: `run csto-slow-decline` said only that the file cannot be read.
    let message = Scenario::from_file("csto-slow-decline")
        .unwrap_err()
        .to_string();
    assert_eq!(
        message,
        "csto-slow-decline: cannot read the file: No such file or directory (os error 2); did \
         you mean the built-in scenario `builtin:csto-slow-decline`?"
    );
    let message = Scenario::from_file("no-such-scenario.toml")
        .unwrap_err()
        .to_string();
    assert!(message.ends_with("(os error 2)"), "{message}");
}
