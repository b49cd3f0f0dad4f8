//! `join`: A state listed as `outside` joins the institution: it takes part fully from then on (its channels, its peers, the institution's cohesion).

super::membership::membership_kind! {
    /// A state listed as `outside` joins the institution: it takes part fully from then on (its channels, its peers, the institution's cohesion).
    Join,
    "join",
    Change {
        verb: "joins",
        acts_on: &[Participation::Outside],
        to: Participation::Active,
    }
}
