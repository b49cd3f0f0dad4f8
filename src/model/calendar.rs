//! Calendar months, the unit of a scenario's time axis.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A month of the calendar, written `YYYY-MM` in scenario files.
///
/// # Examples
///
/// ```
/// use geoalign::YearMonth;
/// let start: YearMonth = "2025-01".parse().unwrap();
/// assert_eq!(start.add_months(120).to_string(), "2035-01");
/// assert_eq!("2035-01".parse::<YearMonth>().unwrap().months_since(start), 120);
/// assert!("2025-13".parse::<YearMonth>().is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct YearMonth {
    year: i32,
    month: u8,
}

impl YearMonth {
    /// The month `months` after this one.
    pub fn add_months(self, months: u32) -> YearMonth {
        let total = i64::from(self.year) * 12 + i64::from(self.month - 1) + i64::from(months);
        YearMonth {
            year: (total.div_euclid(12)) as i32,
            month: (total.rem_euclid(12) + 1) as u8,
        }
    }

    /// Months from `earlier` to this month (negative if this month is earlier).
    pub fn months_since(self, earlier: YearMonth) -> i64 {
        (i64::from(self.year) - i64::from(earlier.year)) * 12 + i64::from(self.month)
            - i64::from(earlier.month)
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month, 1 to 12.
    pub fn month(self) -> u8 {
        self.month
    }
}

/// The text is not a `YYYY-MM` date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a date of the form YYYY-MM")]
pub struct BadYearMonth(pub String);

impl std::str::FromStr for YearMonth {
    type Err = BadYearMonth;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadYearMonth(s.to_string());
        let bytes = s.as_bytes();
        if bytes.len() != 7 || bytes[4] != b'-' {
            return Err(bad());
        }
        let digits = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = &s[r];
            part.bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| part.parse().ok())
                .flatten()
        };
        let year = digits(0..4).ok_or_else(bad)?;
        let month = digits(5..7).ok_or_else(bad)?;
        if !(1..=12).contains(&month) || year == 0 {
            return Err(bad());
        }
        Ok(YearMonth {
            year: year as i32,
            month: month as u8,
        })
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}
