//! Analysis above the simulation: Monte Carlo ensembles and their summaries, paired
//! comparisons of two scenarios, outcomes that
//! classify runs, global sensitivity, and similarity measures between states' alignments.

pub mod compare;
pub mod ensemble;
pub mod outcome;
pub mod sensitivity;
pub mod similarity;
