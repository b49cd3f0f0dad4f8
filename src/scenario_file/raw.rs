//! The scenario file format as serde types. Every field is optional so that a file that
//! `extends` another can give only what it overrides; required keys are checked after merging.

use super::events::RawEvent;
use crate::model::{Disposition, Participation};
use indexmap::IndexMap;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use std::fmt;

/// A month as the format writes it: the string `"YYYY-MM"`, checked later. An unquoted TOML
/// date (`2025-06-01`) reaches serde as a map; say what to write instead of "invalid type: map".
pub(super) fn date<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    struct Month;
    impl<'de> Visitor<'de> for Month {
        type Value = String;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a month written as a quoted string, e.g. \"2025-06\"")
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_string())
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<String, A::Error> {
            // The toml crate hands a date or time to serde as a one-entry map of its text.
            let text = map
                .next_entry::<String, String>()
                .ok()
                .flatten()
                .map(|(_, v)| v)
                .unwrap_or_default();
            let month: String = text.chars().take(7).collect();
            Err(de::Error::custom(format!(
                "`{text}` is a TOML date, not a month; write the month as a quoted string, e.g. \"{month}\""
            )))
        }
    }
    deserializer.deserialize_any(Month)
}

/// [`date`] for an optional key (absent keys take the field's default, `None`).
pub(super) fn optional_date<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    date(deserializer).map(Some)
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawScenario {
    pub name: Option<String>,
    pub description: Option<String>,
    /// Accepted by the typed pass; the loader takes it out of the key tree before merging.
    #[allow(dead_code)]
    pub extends: Option<String>,
    pub seed: Option<i64>,
    pub horizon: Option<RawHorizon>,
    pub parameters: Option<RawParameters>,
    pub powers: Option<IndexMap<String, RawPower>>,
    pub states: Option<IndexMap<String, RawState>>,
    pub institutions: Option<IndexMap<String, RawInstitution>>,
    pub camps: Option<IndexMap<String, RawCamp>>,
    pub drivers: Option<RawDrivers>,
    pub events: Option<Vec<RawEvent>>,
    /// `[[relations]]`: the relation of two powers (docs/model.md §9).
    pub relations: Option<Vec<RawRelation>>,
    pub outcomes: Option<Vec<super::outcomes::RawOutcome>>,
    /// Accepted by the typed pass; the loader takes the chain's directives out of each file's
    /// key tree before merging (`super::chain`).
    #[allow(dead_code)]
    pub baseline: Option<String>,
    #[allow(dead_code)]
    pub counterfactual: Option<RawCounterfactual>,
    #[allow(dead_code)]
    pub remove: Option<Vec<String>>,
}

/// `[counterfactual]`: the month from which the file's overrides apply to its parent's run.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCounterfactual {
    #[allow(dead_code)]
    #[serde(default, deserialize_with = "optional_date")]
    pub from: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawHorizon {
    #[serde(default, deserialize_with = "optional_date")]
    pub start: Option<String>,
    pub steps: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawParameters {
    pub noise: Option<f64>,
    pub peer_weight: Option<f64>,
    pub coethnic_leverage: Option<f64>,
    pub calibrate_intercepts: Option<bool>,
    pub feedback: Option<RawChannels>,
    pub dispositions: Option<RawDispositions>,
    pub events: Option<crate::model::EventParameters>,
    pub responsiveness: Option<crate::model::Responsiveness>,
    /// `[parameters.powers]`: the powers' decision rule (docs/model.md §9).
    pub powers: Option<crate::model::AgencyParameters>,
}

/// One `[camps.NAME]` table: powers whose offers substitute for each other (docs/model.md
/// §10.1).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCamp {
    pub powers: Option<Vec<String>>,
    pub nesting: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDispositions {
    pub bandwagon: Option<RawResponse>,
    pub balance: Option<RawResponse>,
    pub hedge: Option<RawResponse>,
    pub neutral: Option<RawResponse>,
}

impl RawDispositions {
    pub fn get(&self, d: Disposition) -> Option<&RawResponse> {
        match d {
            Disposition::Bandwagon => self.bandwagon.as_ref(),
            Disposition::Balance => self.balance.as_ref(),
            Disposition::Hedge => self.hedge.as_ref(),
            Disposition::Neutral => self.neutral.as_ref(),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawResponse {
    pub threat_weight: Option<f64>,
    pub temperature: Option<f64>,
    pub dependence_aversion: Option<f64>,
}

/// A value per channel, each optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawChannels<T = f64> {
    pub trade: Option<T>,
    pub remittances: Option<T>,
    pub security: Option<T>,
    pub energy: Option<T>,
    pub investment: Option<T>,
    pub labour: Option<T>,
    pub culture: Option<T>,
    pub media: Option<T>,
}

impl<T> RawChannels<T> {
    /// The values in [`crate::Channel`] index order.
    pub fn as_array(&self) -> [Option<&T>; 8] {
        [
            self.trade.as_ref(),
            self.remittances.as_ref(),
            self.security.as_ref(),
            self.energy.as_ref(),
            self.investment.as_ref(),
            self.labour.as_ref(),
            self.culture.as_ref(),
            self.media.as_ref(),
        ]
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPower {
    pub capacity: Option<f64>,
    pub coercion: Option<f64>,
    pub delivery: Option<RawChannels>,
    /// Monthly budget of a power that acts (docs/model.md §9).
    pub budget: Option<f64>,
    /// Priority weight per state: the power's sphere of interest.
    pub priorities: Option<IndexMap<String, f64>>,
}

/// One `[[relations]]` entry: two powers and their relation in [−1, 1].
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRelation {
    /// A list rather than a pair, so that a wrong count is refused at its line
    /// (`validate::pair`): the TOML reader reports an array's length without a location.
    pub powers: Option<Vec<String>>,
    pub value: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawState {
    pub disposition: Option<Disposition>,
    pub inertia: Option<f64>,
    pub stubbornness: Option<f64>,
    pub fragility: Option<f64>,
    pub fixed: Option<bool>,
    pub temperature: Option<f64>,
    pub threat_weight: Option<f64>,
    pub dependence_aversion: Option<f64>,
    pub salience: Option<RawChannels>,
    pub alignment: Option<IndexMap<String, f64>>,
    pub proximity: Option<IndexMap<String, f64>>,
    pub coethnic: Option<IndexMap<String, f64>>,
    pub ties: Option<IndexMap<String, RawChannels>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawInstitution {
    pub leader: Option<String>,
    pub credibility: Option<f64>,
    pub members: Option<Vec<String>>,
    pub participation: Option<IndexMap<String, Participation>>,
    pub unanswered: Option<IndexMap<String, u32>>,
    pub carries: Option<RawChannels>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDrivers {
    pub powers: Option<IndexMap<String, RawPowerDrivers>>,
    pub institutions: Option<IndexMap<String, RawInstitutionDrivers>>,
    pub ties: Option<IndexMap<String, IndexMap<String, RawChannelPaths>>>,
    /// `[[drivers.relations]]`: a path on the relation of two powers (docs/model.md §9).
    pub relations: Option<Vec<RawRelationDriver>>,
}

/// One `[[drivers.relations]]` entry: two powers and the path of their relation.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRelationDriver {
    /// A list, as in [`RawRelation`], so that a wrong count is located.
    pub powers: Option<Vec<String>>,
    pub path: Option<Vec<RawPoint>>,
}

/// A path per channel.
pub(crate) type RawChannelPaths = RawChannels<Vec<RawPoint>>;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPowerDrivers {
    pub capacity: Option<Vec<RawPoint>>,
    pub coercion: Option<Vec<RawPoint>>,
    pub delivery: Option<RawChannels<Vec<RawPoint>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawInstitutionDrivers {
    pub credibility: Option<Vec<RawPoint>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPoint {
    #[serde(deserialize_with = "date")]
    pub at: String,
    /// An absolute value; exactly one of `value`, `scale` and `add` (checked in validate).
    pub value: Option<f64>,
    /// A factor on the level the path starts from.
    pub scale: Option<f64>,
    /// An offset on the level the path starts from.
    pub add: Option<f64>,
}
