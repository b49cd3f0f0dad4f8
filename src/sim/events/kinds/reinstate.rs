//! `reinstate`: A suspended member takes part again (its unanswered appeals are kept, so the model may suspend it again at its next one).

super::membership::membership_kind! {
    /// A suspended member takes part again (its unanswered appeals are kept, so the model may suspend it again at its next one).
    Reinstate,
    "reinstate",
    Change {
        verb: "is reinstated in",
        acts_on: &[Participation::Suspended],
        to: Participation::Active,
    }
}
