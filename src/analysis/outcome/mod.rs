//! Outcomes: named classifications of a run, read at its start and its end.

mod csto;

pub use csto::{BlocReading, CstoClassifier, CstoFuture, DEFAULT_MARGIN};
