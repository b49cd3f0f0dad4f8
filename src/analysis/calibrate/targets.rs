//! Calibration targets: the historical observations of `data/history/` read, checked and
//! bound to a world.
//!
//! Two files (their columns and sources are documented in `data/README.md`):
//!
//! * `annual.csv`: `state,year,quantity,partner,value,source,verified,note`, one measured
//!   quantity of one state in one year — trade shares by partner, remittances as a share of
//!   GDP, the share of remittances from a partner, the share of labour migrants in a
//!   destination;
//! * `participation.csv`: `institution,state,date,change,source,verified,note`, dated joins,
//!   suspensions, reinstatements and exits, from which each member's participation at the end
//!   of every year follows.
//!
//! Every refusal names the file, the line and the column. Binding to a world
//! ([`Targets::bind`]) refuses a state, partner or power the world does not have; it skips,
//! with a located warning, rows about institutions the world does not model (the CIS),
//! memberships it does not list, or a partner that is one of its states rather than a power
//! (Kyrgyz migrants in Kazakhstan), since the data set is the region's, not one world's.

use crate::files::{read_regular, ReadError};
use crate::model::{InstitutionId, PowerId, StateId, World};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

/// The largest targets file read: the shipped annual table is about 200 KB; 16 MB holds every
/// state of a large world for decades.
pub const MAX_TARGET_BYTES: u64 = 16 << 20;

/// What a target measures (docs/model.md §13.1 maps each to the model's state).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Quantity {
    /// The partner's share of the state's goods trade (exports + imports).
    TradeShare,
    /// Personal remittances received as a share of GDP (partner `all`).
    RemittancesGdp,
    /// The partner's share of the state's remittance inflows.
    RemittancesFrom,
    /// The share of the state's labour migrants abroad who are in the partner.
    MigrantsIn,
    /// Whether the state takes part in an institution at the end of the year (1 active, 0
    /// suspended, exited or not a member).
    Participation,
}

impl Quantity {
    /// Every quantity, in the order of the reports.
    pub const ALL: [Quantity; 5] = [
        Quantity::TradeShare,
        Quantity::RemittancesGdp,
        Quantity::RemittancesFrom,
        Quantity::MigrantsIn,
        Quantity::Participation,
    ];

    /// The name used in the files.
    pub const fn name(self) -> &'static str {
        match self {
            Quantity::TradeShare => "trade_share",
            Quantity::RemittancesGdp => "remittances_gdp",
            Quantity::RemittancesFrom => "remittances_from",
            Quantity::MigrantsIn => "migrants_in",
            Quantity::Participation => "participation",
        }
    }

    fn parse(text: &str) -> Option<Quantity> {
        Quantity::ALL
            .into_iter()
            .find(|q| q.name() == text && *q != Quantity::Participation)
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One observation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Target {
    /// The state.
    pub state: String,
    /// The year (a calendar year; the model's value is the mean of its months).
    pub year: i32,
    /// What is measured.
    pub quantity: Quantity,
    /// The partner (a power, `rest` for the rest of the world's trade, `all` for a total) or,
    /// for participation, the institution.
    pub partner: String,
    /// The observed value, in [0, 1].
    pub value: f64,
    /// Whether the figure was checked against its named source (`verified` column; for
    /// participation, the dated change's).
    pub verified: bool,
    /// Where it was read: the file and line (for participation, of the last change on or
    /// before the year's end).
    pub file: PathBuf,
    /// The line.
    pub line: u64,
}

/// A failure to read or bind the targets; every variant names the file, and a row's problem
/// its line and column.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TargetError {
    /// The file could not be read (missing, not a regular file, too large).
    #[error("targets: {0}")]
    Read(#[from] ReadError),
    /// A row or cell is wrong.
    #[error("{}:{line}: {column}: {reason}", path.display())]
    Row {
        /// The file.
        path: PathBuf,
        /// The line (1: the header).
        line: u64,
        /// The column, or `row` for the row as a whole.
        column: String,
        /// What is wrong.
        reason: String,
    },
    /// The file holds no observation.
    #[error("{}: no observation; a calibration needs data to compare with", path.display())]
    Empty {
        /// The file.
        path: PathBuf,
    },
}

/// Checked observations, not yet bound to a world.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Targets {
    /// The observations in file order (annual rows, then participation by institution, state
    /// and year).
    pub rows: Vec<Target>,
}

/// The first year of participation targets derived from dated changes; before it the data set
/// records no annual quantity either (`data/README.md`).
pub const PARTICIPATION_FROM: i32 = 2010;
/// The last year of the data set.
pub const PARTICIPATION_TO: i32 = 2024;

const ANNUAL_COLUMNS: [&str; 8] = [
    "state", "year", "quantity", "partner", "value", "source", "verified", "note",
];
const PARTICIPATION_COLUMNS: [&str; 7] = [
    "institution",
    "state",
    "date",
    "change",
    "source",
    "verified",
    "note",
];

impl Targets {
    /// Read `annual` and, if given, `participation`.
    ///
    /// # Errors
    ///
    /// [`TargetError`] naming the file, line and column of the first problem: a missing
    /// column, a year that is not a whole number, an unknown quantity, a value that is not a
    /// number in [0, 1], an empty source, `verified` other than `yes`/`no`, a row given twice,
    /// an unknown change or a date that is not `YYYY-MM`; [`TargetError::Empty`] for a file
    /// with no row.
    pub fn read(annual: &Path, participation: Option<&Path>) -> Result<Targets, TargetError> {
        let mut rows = read_annual(annual)?;
        if let Some(p) = participation {
            rows.extend(read_participation(p)?);
        }
        Ok(Targets { rows })
    }

    /// Bind to `world`, whose scenario starts in `start_year`: resolve every name, keep the
    /// rows of the years in `years`.
    ///
    /// A state's remittances from outside the world's powers (its `remittances_gdp` of
    /// `start_year` less the sum of its remittance ties with the powers, at least 0) are held at
    /// that level and given to its remittance targets ([`Bound::outside`]), so that the model's
    /// total and its shares by partner are of the same whole as the data's.
    ///
    /// # Errors
    ///
    /// [`TargetError::Row`] for a state the world does not have, a partner that is not one of
    /// its powers (or `rest` for trade, `all` for remittances as a share of GDP), or a
    /// participation row about a state the world lists in the institution as fixed.
    pub fn bind(
        &self,
        world: &World,
        start_year: i32,
        years: impl Fn(i32) -> bool,
    ) -> Result<(Vec<Bound>, Vec<String>), TargetError> {
        let mut bound = Vec::new();
        // Each state's observed total of the start year, read once (the first row, as a row
        // given twice is refused on reading).
        let mut start_totals: HashMap<&str, f64> = HashMap::new();
        for r in self.rows.iter().filter(|r| {
            r.quantity == Quantity::RemittancesGdp && r.year == start_year && r.partner == "all"
        }) {
            start_totals.entry(r.state.as_str()).or_insert(r.value);
        }
        let outside_of = |state: StateId| {
            let name = world.states()[state.index()].name.as_str();
            start_totals.get(name).map_or(0.0, |&total| {
                let ties: f64 = world
                    .power_ids()
                    .map(|p| world.tie(state, p, crate::model::Channel::Remittances))
                    .sum();
                (total - ties).max(0.0)
            })
        };
        let mut warnings: BTreeMap<String, (PathBuf, u64, usize)> = BTreeMap::new();
        for t in self.rows.iter().filter(|t| years(t.year)) {
            let err = |column: &str, reason: String| TargetError::Row {
                path: t.file.clone(),
                line: t.line,
                column: column.to_string(),
                reason,
            };
            let state = world.state_id(&t.state).ok_or_else(|| {
                err(
                    "state",
                    format!(
                        "`{}` is not a state of the world (it has: {})",
                        t.state,
                        names(world.states().iter().map(|s| s.name.as_str()))
                    ),
                )
            })?;
            if world.states()[state.index()].fixed {
                return Err(err(
                    "state",
                    format!("`{}` is a fixed point of the world: the model never moves it, so it cannot be fitted", t.state),
                ));
            }
            let what = match t.quantity {
                Quantity::Participation => {
                    let Some(inst) = world.institution_id(&t.partner) else {
                        note(
                            &mut warnings,
                            format!("institution `{}` is not in the world", t.partner),
                            t,
                        );
                        continue;
                    };
                    let Some(slot) = world.institutions()[inst.index()]
                        .members
                        .iter()
                        .position(|(s, _)| *s == state)
                    else {
                        note(
                            &mut warnings,
                            format!(
                                "`{}` is not listed in `{}` in the world",
                                t.state, t.partner
                            ),
                            t,
                        );
                        continue;
                    };
                    Observable::Participation(inst, slot)
                }
                q => {
                    let partner = match (q, t.partner.as_str()) {
                        (Quantity::TradeShare, "rest") => Partner::Rest,
                        (Quantity::RemittancesGdp, "all") => Partner::All,
                        (Quantity::RemittancesGdp, other) => {
                            return Err(err(
                                "partner",
                                format!(
                                "`{other}`: remittances as a share of GDP are a total; write `all`"
                            ),
                            ))
                        }
                        // A state of the world as a partner (Kyrgyz migrants in
                        // Kazakhstan): real, but the model has ties to powers only.
                        (_, p) if world.power_id(p).is_none() && world.state_id(p).is_some() => {
                            note(
                                &mut warnings,
                                format!("`{p}` is a state of the world, not a power: the model has ties to powers only"),
                                t,
                            );
                            continue;
                        }
                        (_, p) => Partner::Power(world.power_id(p).ok_or_else(|| {
                            err(
                                "partner",
                                format!(
                                    "`{p}` is not a power of the world (it has: {}{})",
                                    names(world.powers().iter().map(|p| p.name.as_str())),
                                    if q == Quantity::TradeShare {
                                        ", rest"
                                    } else {
                                        ""
                                    }
                                ),
                            )
                        })?),
                    };
                    Observable::Quantity(q, partner)
                }
            };
            let outside = match t.quantity {
                Quantity::RemittancesGdp | Quantity::RemittancesFrom => outside_of(state),
                _ => 0.0,
            };
            bound.push(Bound {
                target: t.clone(),
                state,
                what,
                outside,
            });
        }
        let warnings = warnings
            .into_iter()
            .map(|(reason, (file, line, n))| {
                format!(
                    "{}:{line}: {reason}; {n} target{} of this kind not used",
                    file.display(),
                    if n == 1 { "" } else { "s" }
                )
            })
            .collect();
        Ok((bound, warnings))
    }
}

fn note(w: &mut BTreeMap<String, (PathBuf, u64, usize)>, reason: String, t: &Target) {
    w.entry(reason)
        .or_insert_with(|| (t.file.clone(), t.line, 0))
        .2 += 1;
}

fn names<'a>(it: impl Iterator<Item = &'a str>) -> String {
    it.collect::<Vec<_>>().join(", ")
}

/// What the model shows of a partner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Partner {
    /// One power.
    Power(PowerId),
    /// The rest of the world: one minus the powers' ties.
    Rest,
    /// All partners together.
    All,
}

/// The model quantity a target is compared with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Observable {
    /// A measured quantity toward a partner.
    Quantity(Quantity, Partner),
    /// The participation of the member in `slot` of an institution.
    Participation(InstitutionId, usize),
}

/// A target bound to a world.
#[derive(Clone, Debug, PartialEq)]
pub struct Bound {
    /// The observation.
    pub target: Target,
    /// Its state.
    pub state: StateId,
    /// What the model shows for it.
    pub what: Observable,
    /// For remittance targets: the state's remittances from outside the world's powers as a
    /// share of GDP, held at the start's level (see [`Targets::bind`]); 0 for the others.
    pub outside: f64,
}

type Reader = csv::Reader<std::io::Cursor<Vec<u8>>>;

fn csv_reader(path: &Path) -> Result<(Reader, Vec<String>), TargetError> {
    let bytes = read_regular(path, MAX_TARGET_BYTES)?;
    let mut reader = csv::ReaderBuilder::new().from_reader(std::io::Cursor::new(bytes));
    let header = reader
        .headers()
        .map_err(|e| TargetError::Row {
            path: path.to_path_buf(),
            line: 1,
            column: "header".into(),
            reason: e.to_string(),
        })?
        .iter()
        .map(str::to_string)
        .collect();
    Ok((reader, header))
}

fn columns<const N: usize>(
    path: &Path,
    header: &[String],
    wanted: [&str; N],
) -> Result<[usize; N], TargetError> {
    let mut at = [0; N];
    for (slot, name) in at.iter_mut().zip(wanted) {
        *slot = header
            .iter()
            .position(|h| h.trim() == name)
            .ok_or_else(|| TargetError::Row {
                path: path.to_path_buf(),
                line: 1,
                column: name.to_string(),
                reason: format!(
                    "missing column (the header must name: {})",
                    wanted.join(", ")
                ),
            })?;
    }
    Ok(at)
}

/// The error about `column` of the row on `line` of `path`.
fn row_error(path: &Path, line: u64, column: &str, reason: String) -> TargetError {
    TargetError::Row {
        path: path.to_path_buf(),
        line,
        column: column.to_string(),
        reason,
    }
}

/// Call `f` with each data row's line and its `wanted` cells (trimmed, in that order), after
/// checking that the header names every wanted column.
fn each_row<const N: usize>(
    path: &Path,
    wanted: [&str; N],
    mut f: impl FnMut(u64, [&str; N]) -> Result<(), TargetError>,
) -> Result<(), TargetError> {
    let (mut reader, header) = csv_reader(path)?;
    let at = columns(path, &header, wanted)?;
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            row_error(path, line, "row", format!("not a well-formed CSV row: {e}"))
        })?;
        let line = record.position().map_or(0, |p| p.line());
        f(
            line,
            std::array::from_fn(|i| record.get(at[i]).unwrap_or("").trim()),
        )?;
    }
    Ok(())
}

fn read_annual(path: &Path) -> Result<Vec<Target>, TargetError> {
    let mut rows = Vec::new();
    let mut seen: HashMap<(String, i32, Quantity, String), u64> = HashMap::new();
    each_row(path, ANNUAL_COLUMNS, |line, cells| {
        let cell = |i: usize| cells[i];
        let err = |column: &str, reason: String| row_error(path, line, column, reason);
        let state = cell(0);
        if state.is_empty() {
            return Err(err("state", "empty".into()));
        }
        let year: i32 = cell(1)
            .parse()
            .map_err(|_| err("year", format!("`{}` is not a whole year", cell(1))))?;
        let quantity = Quantity::parse(cell(2)).ok_or_else(|| {
            err(
                "quantity",
                format!(
                    "`{}` is not one of trade_share, remittances_gdp, remittances_from, migrants_in",
                    cell(2)
                ),
            )
        })?;
        let partner = cell(3);
        if partner.is_empty() {
            return Err(err("partner", "empty".into()));
        }
        let value = unit_value(cell(4)).map_err(|r| err("value", r))?;
        let verified = source_and_verified(cell(5), cell(6)).map_err(|(c, r)| err(c, r))?;
        let key = (state.to_string(), year, quantity, partner.to_string());
        if let Some(first) = seen.insert(key, line) {
            return Err(err(
                "row",
                format!("{state} {year} {quantity} {partner} is already on line {first}"),
            ));
        }
        rows.push(Target {
            state: state.to_string(),
            year,
            quantity,
            partner: partner.to_string(),
            value,
            verified,
            file: path.to_path_buf(),
            line,
        });
        Ok(())
    })?;
    if rows.is_empty() {
        return Err(TargetError::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(rows)
}

fn unit_value(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        Ok(v) if v.is_finite() => Err(format!(
            "{v} is outside [0, 1]; shares and ratios are fractions (0.30 for 30 %)"
        )),
        _ => Err(format!("`{text}` is not a number")),
    }
}

fn source_and_verified(source: &str, verified: &str) -> Result<bool, (&'static str, String)> {
    if source.is_empty() {
        return Err((
            "source",
            "empty; every figure names its dataset, or says `judgement:` and why".into(),
        ));
    }
    match verified {
        "yes" => Ok(true),
        "no" => Ok(false),
        other => Err(("verified", format!("`{other}` is not `yes` or `no`"))),
    }
}

/// A change of participation, read from its row.
struct Change {
    state: String,
    institution: String,
    year: i32,
    month: u8,
    status: Option<bool>,
    verified: bool,
    line: u64,
}

fn read_participation(path: &Path) -> Result<Vec<Target>, TargetError> {
    let mut changes = Vec::new();
    each_row(path, PARTICIPATION_COLUMNS, |line, cells| {
        let cell = |i: usize| cells[i];
        let err = |column: &str, reason: String| row_error(path, line, column, reason);
        let (institution, state) = (cell(0), cell(1));
        if institution.is_empty() {
            return Err(err("institution", "empty".into()));
        }
        if state.is_empty() {
            return Err(err("state", "empty".into()));
        }
        let date: crate::YearMonth = cell(2).parse().map_err(|e| err("date", format!("{e}")))?;
        // `Some(true)`: takes part from then on; `Some(false)`: no longer; `None`: a dated fact
        // (a cancelled exercise) that does not change participation.
        let status = match cell(3) {
            "join" | "reinstate" => Some(true),
            "suspend" | "exit" => Some(false),
            "exercise_cancelled" => None,
            other => {
                return Err(err(
                    "change",
                    format!(
                    "`{other}` is not one of join, suspend, reinstate, exit, exercise_cancelled"
                ),
                ))
            }
        };
        let verified = source_and_verified(cell(4), cell(5)).map_err(|(c, r)| err(c, r))?;
        changes.push(Change {
            state: state.to_string(),
            institution: institution.to_string(),
            year: date.year(),
            month: date.month(),
            status,
            verified,
            line,
        });
        Ok(())
    })?;
    if changes.is_empty() {
        return Err(TargetError::Empty {
            path: path.to_path_buf(),
        });
    }
    // The status at the end of each year from PARTICIPATION_FROM, for every (institution,
    // state) with a change that sets one; in date order, file order breaking ties.
    let mut by_pair: BTreeMap<(String, String), Vec<&Change>> = BTreeMap::new();
    for c in changes.iter().filter(|c| c.status.is_some()) {
        by_pair
            .entry((c.institution.clone(), c.state.clone()))
            .or_default()
            .push(c);
    }
    let mut rows = Vec::new();
    for ((institution, state), mut list) in by_pair {
        list.sort_by_key(|c| (c.year, c.month, c.line));
        for year in PARTICIPATION_FROM..=PARTICIPATION_TO {
            let last = list.iter().rev().find(|c| c.year <= year);
            let (value, verified, line) = match last {
                Some(c) => (
                    if c.status == Some(true) { 1.0 } else { 0.0 },
                    c.verified,
                    c.line,
                ),
                // Not a member yet.
                None => (0.0, list[0].verified, list[0].line),
            };
            rows.push(Target {
                state: state.clone(),
                year,
                quantity: Quantity::Participation,
                partner: institution.clone(),
                value,
                verified,
                file: path.to_path_buf(),
                line,
            });
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(name: &str, text: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("geoalign-targets-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    const HEADER: &str = "state,year,quantity,partner,value,source,verified,note\n";

    #[test]
    fn rows_are_read_and_bad_ones_located() {
        let ok = write(
            "ok.csv",
            &format!("{HEADER}Tajikistan,2014,remittances_gdp,all,0.36,World Bank WDI,no,\n"),
        );
        let t = Targets::read(&ok, None).unwrap();
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].quantity, Quantity::RemittancesGdp);
        for (row, expect) in [
            (
                "Tajikistan,2014,remittances_gdp,all,36,WB,no,",
                ":2: value: 36 is outside [0, 1]",
            ),
            (
                "Tajikistan,20x4,remittances_gdp,all,0.3,WB,no,",
                ":2: year: `20x4`",
            ),
            ("Tajikistan,2014,gdp,all,0.3,WB,no,", ":2: quantity: `gdp`"),
            (
                "Tajikistan,2014,remittances_gdp,all,0.3,,no,",
                ":2: source: empty",
            ),
            (
                "Tajikistan,2014,remittances_gdp,all,0.3,WB,maybe,",
                ":2: verified: `maybe`",
            ),
        ] {
            let p = write("bad.csv", &format!("{HEADER}{row}\n"));
            let e = Targets::read(&p, None).unwrap_err().to_string();
            assert!(e.contains(expect) && e.contains("bad.csv"), "{e}");
        }
        let twice = write(
            "twice.csv",
            &format!("{HEADER}Armenia,2014,trade_share,Russia,0.2,X,no,\nArmenia,2014,trade_share,Russia,0.3,X,no,\n"),
        );
        let e = Targets::read(&twice, None).unwrap_err().to_string();
        assert!(
            e.contains(":3: row: Armenia 2014 trade_share Russia is already on line 2"),
            "{e}"
        );
        let empty = write("empty.csv", HEADER);
        assert!(matches!(
            Targets::read(&empty, None),
            Err(TargetError::Empty { .. })
        ));
        let missing = write("missing.csv", "state,year,value\n");
        let e = Targets::read(&missing, None).unwrap_err().to_string();
        assert!(e.contains(":1: quantity: missing column"), "{e}");
    }

    #[test]
    fn participation_follows_the_dated_changes() {
        let annual = write(
            "a.csv",
            &format!("{HEADER}Armenia,2014,trade_share,Russia,0.2,X,no,\n"),
        );
        let p = write(
            "p.csv",
            "institution,state,date,change,source,verified,note\n\
             EAEU,Armenia,2015-01,join,treaty,no,\n\
             CSTO,Armenia,1994-04,join,treaty,no,\n\
             CSTO,Armenia,2023-05,exercise_cancelled,record,no,\n\
             CSTO,Armenia,2024-02,suspend,record,no,\n",
        );
        let t = Targets::read(&annual, Some(&p)).unwrap();
        let v = |inst: &str, year: i32| {
            t.rows
                .iter()
                .find(|r| {
                    r.partner == inst && r.year == year && r.quantity == Quantity::Participation
                })
                .unwrap()
                .value
        };
        assert_eq!((v("EAEU", 2014), v("EAEU", 2015)), (0.0, 1.0));
        assert_eq!((v("CSTO", 2023), v("CSTO", 2024)), (1.0, 0.0));
        let bad = write(
            "pb.csv",
            "institution,state,date,change,source,verified,note\nCSTO,Armenia,2024-13,suspend,r,no,\n",
        );
        let e = Targets::read(&annual, Some(&bad)).unwrap_err().to_string();
        assert!(e.contains("pb.csv:2: date:"), "{e}");
    }

    #[test]
    fn binding_refuses_unknown_names_and_skips_unmodelled_institutions() {
        let world = crate::presets::eurasia_2025().world().clone();
        let refused = |file: &str, row: &str| {
            let path = write(file, &format!("{HEADER}{row}\n"));
            Targets::read(&path, None)
                .unwrap()
                .bind(&world, 2013, |_| true)
                .unwrap_err()
                .to_string()
        };
        for (file, row, expect) in [
            (
                "b.csv",
                "Narnia,2014,trade_share,Russia,0.2,X,no,",
                "b.csv:2: state: `Narnia` is not a state of the world",
            ),
            (
                "c.csv",
                "Armenia,2014,trade_share,Japan,0.2,X,no,",
                "c.csv:2: partner: `Japan` is not a power",
            ),
            (
                "d.csv",
                "Estonia,2014,trade_share,Russia,0.1,X,no,",
                "fixed point",
            ),
        ] {
            let e = refused(file, row);
            assert!(e.contains(expect), "{e}");
        }
        let annual = write(
            "e.csv",
            &format!("{HEADER}Armenia,2014,trade_share,rest,0.5,X,no,\n"),
        );
        let p = write(
            "f.csv",
            "institution,state,date,change,source,verified,note\nCIS,Georgia,2009-08,exit,r,no,\n",
        );
        let (bound, warnings) = Targets::read(&annual, Some(&p))
            .unwrap()
            .bind(&world, 2013, |y| y == 2014)
            .unwrap();
        assert_eq!(bound.len(), 1);
        assert_eq!(warnings.len(), 1);
        assert!(
            warnings[0].contains("f.csv:2: institution `CIS` is not in the world"),
            "{warnings:?}"
        );
    }
}
