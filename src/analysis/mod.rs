//! Analysis above the simulation: Monte Carlo ensembles and their summaries, paired
//! comparisons of two scenarios, outcomes that classify runs, global sensitivity, parameter
//! sweeps, posterior samples of parameters, similarity measures between states' alignments, and the intervention decision
//! fitted on the post-Soviet record.

pub mod calibrate;
pub mod compare;
pub mod ensemble;
pub mod fit;
pub mod outcome;
pub mod posterior;
pub mod sensitivity;
pub mod similarity;
pub mod sweep;
