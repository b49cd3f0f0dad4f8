//! `suspend`: An active member is suspended: it keeps its seat but takes no part (nothing of the institution's channels, no peer term; it counts 0 in cohesion).

super::membership::membership_kind! {
    /// An active member is suspended: it keeps its seat but takes no part (nothing of the institution's channels, no peer term; it counts 0 in cohesion).
    Suspend,
    "suspend",
    Change {
        verb: "is suspended from",
        acts_on: &[Participation::Active],
        to: Participation::Suspended,
    }
}
