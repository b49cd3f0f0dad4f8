//! The worker pool of an ensemble, shared by every job that folds runs into mergeable
//! accumulators ([`super::Ensemble`], [`crate::analysis::compare::Comparison`]).
//!
//! Runs are handed out in blocks of [`BLOCK`] to whichever worker asks first; each worker
//! folds its blocks into its own accumulator. Which blocks a worker took is arbitrary, so an
//! accumulator must merge exactly (integer sums, exact minima and maxima) for the result to be
//! the same for every thread count.

use super::{run_of, EnsembleError, BLOCK};
use crate::sim::SimError;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// Folds one block of runs into a worker's accumulator; the error of the run that failed.
pub(crate) type Block<'a, A> = dyn Fn(&mut A, Range<u64>) -> Result<(), SimError> + Sync + 'a;

/// Run the indices `range` on `workers` threads in blocks of [`BLOCK`]: each worker starts
/// from `fresh()` and calls `block(&mut acc, runs)` for every block it takes, then `progress`
/// with the runs done so far. Returns one accumulator per worker (in no meaningful order) for
/// the caller to merge; on a failed run, the error of the lowest failed run index, so that
/// the error too does not depend on the thread count.
pub(crate) fn in_blocks<A: Send>(
    workers: usize,
    range: Range<u64>,
    fresh: &(dyn Fn() -> A + Sync),
    block: &Block<'_, A>,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Vec<A>, EnsembleError> {
    let blocks = (range.end - range.start).div_ceil(BLOCK);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .build()
        .map_err(|e| EnsembleError::Threads {
            threads: workers,
            reason: e.to_string(),
        })?;
    let next = AtomicU64::new(0);
    let done = AtomicU64::new(0);
    let first_error: Mutex<Option<SimError>> = Mutex::new(None);
    let accumulators: Vec<A> = pool.broadcast(|_| {
        let mut acc = fresh();
        loop {
            let b = next.fetch_add(1, Ordering::Relaxed);
            if b >= blocks {
                break;
            }
            let lo = range.start + b * BLOCK;
            let hi = (lo + BLOCK).min(range.end);
            if let Err(e) = block(&mut acc, lo..hi) {
                let mut slot = first_error.lock().unwrap_or_else(|p| p.into_inner());
                if slot.as_ref().is_none_or(|old| run_of(old) > run_of(&e)) {
                    *slot = Some(e);
                }
                return acc;
            }
            progress(done.fetch_add(hi - lo, Ordering::Relaxed) + (hi - lo));
        }
        acc
    });
    if let Some(e) = first_error.into_inner().unwrap_or_else(|p| p.into_inner()) {
        return Err(e.into());
    }
    Ok(accumulators)
}
