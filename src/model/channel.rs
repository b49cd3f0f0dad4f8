//! The eight influence channels through which a power pulls a state.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An influence channel (docs/model.md §1): the kinds of dependence a state can have on a power.
///
/// The discriminant is the channel's index in every dense per-channel array of the crate.
///
/// # Examples
///
/// ```
/// use geoalign::Channel;
/// assert_eq!(Channel::COUNT, 8);
/// assert_eq!(Channel::Remittances.index(), 1);
/// assert_eq!(Channel::ALL[2], Channel::Security);
/// assert_eq!(Channel::Labour.name(), "labour");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    /// Share of the state's trade with the power (or its bloc).
    Trade = 0,
    /// Remittance inflow from the power, as a share of the state's GDP.
    Remittances = 1,
    /// Strength of the power's security guarantee: treaty, bases, arms, past delivery.
    Security = 2,
    /// Energy import or transit dependence.
    Energy = 3,
    /// Foreign direct investment, loans and infrastructure.
    Investment = 4,
    /// Share of the state's migrant workers living in the power.
    Labour = 5,
    /// Linguistic, cultural and religious affinity.
    Culture = 6,
    /// Reach of the power's media and narratives.
    Media = 7,
}

impl Channel {
    /// Number of channels.
    pub const COUNT: usize = 8;

    /// All channels in index order.
    pub const ALL: [Channel; Channel::COUNT] = [
        Channel::Trade,
        Channel::Remittances,
        Channel::Security,
        Channel::Energy,
        Channel::Investment,
        Channel::Labour,
        Channel::Culture,
        Channel::Media,
    ];

    /// The channel's index into dense per-channel arrays.
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The channel's name as written in scenario files.
    pub const fn name(self) -> &'static str {
        match self {
            Channel::Trade => "trade",
            Channel::Remittances => "remittances",
            Channel::Security => "security",
            Channel::Energy => "energy",
            Channel::Investment => "investment",
            Channel::Labour => "labour",
            Channel::Culture => "culture",
            Channel::Media => "media",
        }
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One value per channel, indexed by [`Channel::index`].
pub type PerChannel = [f64; Channel::COUNT];
