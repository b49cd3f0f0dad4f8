//! The field's classic models beside geoalign's own dynamics: Friedkin–Johnsen opinion
//! dynamics and Axelrod–Bennett landscape theory.

pub mod friedkin_johnsen;
pub mod landscape;
