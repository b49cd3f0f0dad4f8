//! Analysis above the simulation: Monte Carlo ensembles and their summaries, outcomes that
//! classify runs, global sensitivity, and similarity measures between states' alignments.

pub mod ensemble;
pub mod outcome;
pub mod sensitivity;
pub mod similarity;
