//! The table of intervention cases (`data/interventions.csv`): reading and checking it.
//!
//! One row per case, coded on seed 001's (docs/sources.md) five variables; the columns and the
//! coding rules are in `data/README.md`. Every refusal names the file, the line and the column.

use crate::files::{read_regular, ReadError};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The largest table read: the shipped one is about 20 KB; a megabyte holds hundreds of
/// coded cases with their reasons, far more than the post-Soviet record has.
pub const MAX_TABLE_BYTES: u64 = 1 << 20;

/// The most cases fitted: leave-one-out costs one fit of `n − 1` rows per case, `O(n²)` in
/// all, and the post-Soviet record has tens of cases, not thousands.
pub const MAX_CASES: usize = 2_000;

/// On whose side the power would intervene.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// On the government's side, at its request or to save it.
    Friendly,
    /// Against the government.
    Hostile,
}

/// The five variables of one case, each in [0, 1] (docs/model.md §11).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Codes {
    /// The trigger: the threat to the regime or to the power's stake.
    pub trigger: f64,
    /// Local support: a request (friendly) or the backing population's share (hostile).
    pub support: f64,
    /// Anticipated military opposition.
    pub opposition: f64,
    /// Technical feasibility: capacity × reach × means to deliver.
    pub feasibility: f64,
    /// Anticipated political and economic cost.
    pub cost: f64,
}

/// One crisis in which a power decided whether to send forces into a state.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Case {
    /// The case's unique name, e.g. `kazakhstan-2022`.
    pub name: String,
    /// The year the crisis began.
    pub year: i32,
    /// The power deciding.
    pub power: String,
    /// The state concerned.
    pub state: String,
    /// Friendly or hostile.
    pub kind: Kind,
    /// The five codes.
    pub codes: Codes,
    /// Whether the power sent forces.
    pub intervened: bool,
    /// The line of the table the case was read from.
    pub line: u64,
}

/// A checked table of cases.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseTable {
    /// Where it was read from (for messages).
    pub path: PathBuf,
    /// The cases in file order.
    pub cases: Vec<Case>,
}

/// Why a case table was refused; every variant names the file, and a row's problem its line
/// and column.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TableError {
    /// The file could not be read (missing, not a regular file, too large).
    #[error("case table: {0}")]
    Read(#[from] ReadError),
    /// The text is not well-formed CSV (or not UTF-8).
    #[error("{}:{line}: not a well-formed CSV row: {reason}", path.display())]
    Csv {
        /// The table.
        path: PathBuf,
        /// The line.
        line: u64,
        /// The parser's reason.
        reason: String,
    },
    /// A required column is absent from the header.
    #[error("{}:1: missing column `{column}`", path.display())]
    MissingColumn {
        /// The table.
        path: PathBuf,
        /// The column.
        column: String,
    },
    /// A cell that must hold a code is empty.
    #[error("{}:{line}: column `{column}` is empty; every case needs every code", path.display())]
    MissingCode {
        /// The table.
        path: PathBuf,
        /// The line.
        line: u64,
        /// The column.
        column: &'static str,
    },
    /// A cell is not a number.
    #[error("{}:{line}: column `{column}`: `{text}` is not a number", path.display())]
    NotANumber {
        /// The table.
        path: PathBuf,
        /// The line.
        line: u64,
        /// The column.
        column: &'static str,
        /// The cell.
        text: String,
    },
    /// A code lies outside [0, 1].
    #[error("{}:{line}: column `{column}`: {value} is outside [0, 1]", path.display())]
    OutOfRange {
        /// The table.
        path: PathBuf,
        /// The line.
        line: u64,
        /// The column.
        column: &'static str,
        /// The value.
        value: f64,
    },
    /// `kind` is neither `friendly` nor `hostile`.
    #[error("{}:{line}: column `kind`: `{value}` is not `friendly` or `hostile`", path.display())]
    UnknownKind {
        /// The table.
        path: PathBuf,
        /// The line.
        line: u64,
        /// The cell.
        value: String,
    },
    /// `intervened` is not 0 or 1.
    #[error("{}:{line}: column `intervened`: `{value}` is not 0 or 1", path.display())]
    BadOutcome {
        /// The table.
        path: PathBuf,
        /// The line.
        line: u64,
        /// The cell.
        value: String,
    },
    /// Two rows have one case name.
    #[error("{}:{line}: case `{case}` is already on line {first}", path.display())]
    DuplicateCase {
        /// The table.
        path: PathBuf,
        /// The line of the second row.
        line: u64,
        /// The case.
        case: String,
        /// The line of the first.
        first: u64,
    },
    /// More cases than [`MAX_CASES`].
    #[error("{}: more than {limit} cases", path.display())]
    TooManyCases {
        /// The table.
        path: PathBuf,
        /// The bound.
        limit: usize,
    },
    /// Every case has one outcome, or there are fewer than three cases: nothing to fit.
    #[error("{}: {cases} cases, {interventions} with an intervention; a fit needs both outcomes and at least three cases", path.display())]
    NothingToFit {
        /// The table.
        path: PathBuf,
        /// Cases read.
        cases: usize,
        /// Of which with an intervention.
        interventions: usize,
    },
}

/// A row as text, before the checks. Extra columns (the sources and reasons) are read by
/// people, not by the fit, and ignored here.
#[derive(Deserialize)]
struct RawCase {
    case: String,
    year: String,
    power: String,
    state: String,
    kind: String,
    trigger: String,
    support: String,
    opposition: String,
    feasibility: String,
    cost: String,
    intervened: String,
}

/// The columns every table must have, in the order of [`RawCase`].
const COLUMNS: [&str; 11] = [
    "case",
    "year",
    "power",
    "state",
    "kind",
    "trigger",
    "support",
    "opposition",
    "feasibility",
    "cost",
    "intervened",
];

impl CaseTable {
    /// Read and check the table at `path` (at most [`MAX_TABLE_BYTES`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::fit::CaseTable;
    /// let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/interventions.csv");
    /// let table = CaseTable::read(&path).unwrap();
    /// assert!(table.cases.iter().any(|c| c.name == "kazakhstan-2022" && c.intervened));
    /// ```
    pub fn read(path: &Path) -> Result<CaseTable, TableError> {
        let bytes = read_regular(path, MAX_TABLE_BYTES)?;
        CaseTable::parse(&bytes, path)
    }

    /// Check a table already in memory; `path` names it in messages.
    ///
    /// # Examples
    ///
    /// ```
    /// use geoalign::analysis::fit::{CaseTable, TableError};
    /// let text = "case,year,power,state,kind,trigger,support,opposition,feasibility,cost,intervened\n\
    ///             a,2000,Russia,X,friendly,0.5,,0,1,0,1\n";
    /// let err = CaseTable::parse(text.as_bytes(), "t.csv".as_ref()).unwrap_err();
    /// assert!(matches!(err, TableError::MissingCode { line: 2, column: "support", .. }));
    /// ```
    pub fn parse(bytes: &[u8], path: &Path) -> Result<CaseTable, TableError> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(bytes);
        let headers = reader
            .headers()
            .map_err(|e| csv_error(path, 1, &e))?
            .clone();
        if let Some(column) = COLUMNS.iter().find(|c| !headers.iter().any(|h| h == **c)) {
            return Err(TableError::MissingColumn {
                path: path.to_path_buf(),
                column: (*column).to_string(),
            });
        }
        let mut cases: Vec<Case> = Vec::new();
        let mut seen: HashMap<String, u64> = HashMap::new();
        for record in reader.records() {
            let record = record.map_err(|e| {
                let line = e.position().map_or(0, |p| p.line());
                csv_error(path, line, &e)
            })?;
            let line = record.position().map_or(0, |p| p.line());
            if cases.len() == MAX_CASES {
                return Err(TableError::TooManyCases {
                    path: path.to_path_buf(),
                    limit: MAX_CASES,
                });
            }
            let raw: RawCase = record
                .deserialize(Some(&headers))
                .map_err(|e| csv_error(path, line, &e))?;
            let case = Row { path, line }.check(raw)?;
            if let Some(&first) = seen.get(&case.name) {
                return Err(TableError::DuplicateCase {
                    path: path.to_path_buf(),
                    line,
                    case: case.name,
                    first,
                });
            }
            seen.insert(case.name.clone(), line);
            cases.push(case);
        }
        let interventions = cases.iter().filter(|c| c.intervened).count();
        if cases.len() < 3 || interventions == 0 || interventions == cases.len() {
            return Err(TableError::NothingToFit {
                path: path.to_path_buf(),
                cases: cases.len(),
                interventions,
            });
        }
        Ok(CaseTable {
            path: path.to_path_buf(),
            cases,
        })
    }

    /// The share of cases with an intervention.
    pub fn intervention_rate(&self) -> f64 {
        let yes = self.cases.iter().filter(|c| c.intervened).count();
        yes as f64 / self.cases.len() as f64
    }
}

fn csv_error(path: &Path, line: u64, e: &csv::Error) -> TableError {
    TableError::Csv {
        path: path.to_path_buf(),
        line,
        reason: e.to_string(),
    }
}

/// Where a row is, for its errors.
struct Row<'a> {
    path: &'a Path,
    line: u64,
}

impl Row<'_> {
    fn check(&self, raw: RawCase) -> Result<Case, TableError> {
        let text = [
            ("case", &raw.case),
            ("year", &raw.year),
            ("power", &raw.power),
            ("state", &raw.state),
            ("kind", &raw.kind),
            ("intervened", &raw.intervened),
        ];
        for (column, value) in text {
            self.present(column, value)?;
        }
        let year = raw
            .year
            .trim()
            .parse::<i32>()
            .map_err(|_| self.not_a_number("year", &raw.year))?;
        let kind = match raw.kind.trim() {
            "friendly" => Kind::Friendly,
            "hostile" => Kind::Hostile,
            other => {
                return Err(TableError::UnknownKind {
                    path: self.path.to_path_buf(),
                    line: self.line,
                    value: other.to_string(),
                })
            }
        };
        let intervened = match raw.intervened.trim() {
            "0" => false,
            "1" => true,
            other => {
                return Err(TableError::BadOutcome {
                    path: self.path.to_path_buf(),
                    line: self.line,
                    value: other.to_string(),
                })
            }
        };
        let codes = Codes {
            trigger: self.code("trigger", &raw.trigger)?,
            support: self.code("support", &raw.support)?,
            opposition: self.code("opposition", &raw.opposition)?,
            feasibility: self.code("feasibility", &raw.feasibility)?,
            cost: self.code("cost", &raw.cost)?,
        };
        Ok(Case {
            name: raw.case.trim().to_string(),
            year,
            power: raw.power.trim().to_string(),
            state: raw.state.trim().to_string(),
            kind,
            codes,
            intervened,
            line: self.line,
        })
    }

    fn present(&self, column: &'static str, value: &str) -> Result<(), TableError> {
        if value.trim().is_empty() {
            return Err(TableError::MissingCode {
                path: self.path.to_path_buf(),
                line: self.line,
                column,
            });
        }
        Ok(())
    }

    fn not_a_number(&self, column: &'static str, text: &str) -> TableError {
        TableError::NotANumber {
            path: self.path.to_path_buf(),
            line: self.line,
            column,
            text: text.to_string(),
        }
    }

    /// A code: present, a number, and in [0, 1] (NaN is outside).
    fn code(&self, column: &'static str, text: &str) -> Result<f64, TableError> {
        self.present(column, text)?;
        let value: f64 = text
            .trim()
            .parse()
            .map_err(|_| self.not_a_number(column, text))?;
        if !(0.0..=1.0).contains(&value) {
            return Err(TableError::OutOfRange {
                path: self.path.to_path_buf(),
                line: self.line,
                column,
                value,
            });
        }
        Ok(value)
    }
}
