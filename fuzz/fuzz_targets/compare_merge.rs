//! Arbitrary bytes as a comparison's shard partial (`geoalign compare --shard`), read from a
//! file and merged with a valid partial of the same comparison in both orders: reading and
//! merging return `Ok` or `Err`, never panic or hang; a partial that is read verifies, a merge
//! that succeeds verifies, and a refused merge leaves the summary it was merged into as it was.
//! The body past the header is also parsed on its own (past the digest, which almost every
//! mutation breaks), so that verification and merging see the mutations.
#![no_main]

#[path = "../../tests/shards/tiny.rs"]
mod tiny;

use geoalign::analysis::compare::PairedSummary;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

/// Steps, states and components read back per summary (a corrupted one may claim 2³² steps).
const READ_LIMIT: u32 = 16;

/// Shards 0/2 and 1/2 of the tiny world's comparison: the partials the seeds hold.
fn valid() -> &'static [PairedSummary; 2] {
    static VALID: OnceLock<[PairedSummary; 2]> = OnceLock::new();
    VALID.get_or_init(|| [0, 1].map(tiny::comparison_part))
}

/// Every difference of `p` up to [`READ_LIMIT`] per dimension; none may panic.
fn read_back(p: &PairedSummary) {
    let components = p.powers.len() + 1;
    for t in p.recorded_steps().take(READ_LIMIT as usize) {
        for s in 0..p.states.len().min(READ_LIMIT as usize) {
            for c in 0..components.min(READ_LIMIT as usize) {
                let _ = p.alignment(t, s, c);
            }
        }
    }
    let _ = p.outcome_differences().take(READ_LIMIT as usize).count();
}

/// `p` merged with each valid partial, in both orders.
fn merge_both_ways(p: &PairedSummary) {
    for v in valid() {
        for (mut into, other) in [(v.clone(), p), (p.clone(), v)] {
            let before = into.clone();
            match into.merge(other) {
                Ok(()) => {
                    into.verify().expect("a merged comparison verifies");
                    read_back(&into);
                }
                Err(_) => assert_eq!(into, before, "a refused merge changed the summary"),
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    // The bytes as a whole partial file (the reader takes a path: one file per process).
    static FILE: OnceLock<std::path::PathBuf> = OnceLock::new();
    let file = FILE.get_or_init(|| {
        std::env::temp_dir().join(format!("geoalign-fuzz-compare-{}.json", std::process::id()))
    });
    std::fs::write(file, data).expect("the scratch file can be written");
    if let Ok(p) = geoalign::output::read_comparison_partial(file) {
        p.verify().expect("a partial that is read verifies");
        merge_both_ways(&p);
    }
    let body = data
        .iter()
        .position(|&b| b == b'\n')
        .map_or(data, |i| &data[i + 1..]);
    if let Ok(p) = serde_json::from_slice::<PairedSummary>(body) {
        if p.verify().is_ok() {
            read_back(&p);
        }
        merge_both_ways(&p);
    }
});
