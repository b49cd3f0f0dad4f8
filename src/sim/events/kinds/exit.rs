//! `exit`: An active or suspended member leaves: it takes no part again within the run (counts 0 in cohesion, as a suspended member does).

super::membership::membership_kind! {
    /// An active or suspended member leaves: it takes no part again within the run (counts 0 in cohesion, as a suspended member does).
    Exit,
    "exit",
    Change {
        verb: "exits",
        acts_on: &[Participation::Active, Participation::Suspended],
        to: Participation::Exited,
    }
}
