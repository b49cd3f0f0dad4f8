//! Arbitrary bytes as a shard's partial summary, merged with a valid partial of the same
//! ensemble in both orders: reading and merging return `Ok` or `Err`, never panic or hang; a
//! merge that succeeds gives a summary that passes `Summary::verify`, and one that fails
//! leaves the summary it was merged into unchanged. The statistics of any summary read, even
//! one that fails verification, are computed without a panic.
#![no_main]

#[path = "../../tests/shards/tiny.rs"]
mod tiny;

use geoalign::analysis::ensemble::Summary;
use geoalign::output::partial::decode;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

/// Steps, states and components read back per summary: the accessors are O(1) each, but a
/// corrupted summary may claim 2³² steps, which would look like a hang.
const READ_LIMIT: usize = 16;

/// Shards 0/2 and 1/2 of the tiny world's seed ensemble, the partials the seeds hold.
fn valid() -> &'static [Summary; 2] {
    static VALID: OnceLock<[Summary; 2]> = OnceLock::new();
    VALID.get_or_init(|| [0, 1].map(|i| tiny::part(tiny::SEED_RUNS, i, 2)))
}

/// Every statistic of `s`, up to [`READ_LIMIT`] per dimension; none may panic.
fn read_back(s: &Summary) {
    let states: Vec<_> = s.named_states().take(READ_LIMIT).map(|(id, _)| id).collect();
    let components: Vec<_> = s.named_components().take(READ_LIMIT).map(|(c, _)| c).collect();
    for step in (0..=s.steps as usize).take(READ_LIMIT) {
        for &state in &states {
            for &c in &components {
                let _ = s.alignment(step, state, c);
            }
        }
        for (i, _) in s.named_institutions().take(READ_LIMIT) {
            let _ = (s.cohesion(step, i), s.credibility(step, i));
        }
    }
    for &a in &states {
        for &b in &states {
            let _ = s.similarity(a, b);
        }
    }
    for (i, _) in s.named_institutions().take(READ_LIMIT) {
        for (m, _) in s.named_members(i).take(READ_LIMIT) {
            let _ = s.membership(i, m);
        }
    }
    for o in s.outcomes.iter().take(READ_LIMIT) {
        for c in o.categories.iter().take(READ_LIMIT) {
            let _ = s.probability(&o.name, c);
        }
    }
}

/// `s` merged with each valid partial, in both orders.
fn merge_both_ways(s: &Summary) {
    for v in valid() {
        let mut into_valid = v.clone();
        match into_valid.merge(s) {
            Ok(()) => {
                into_valid.verify().expect("a merged summary verifies");
                read_back(&into_valid);
            }
            Err(_) => assert_eq!(&into_valid, v, "a refused merge changed the summary"),
        }
        let mut into_input = s.clone();
        match into_input.merge(v) {
            Ok(()) => {
                into_input.verify().expect("a merged summary verifies");
                read_back(&into_input);
            }
            Err(_) => assert_eq!(&into_input, s, "a refused merge changed the summary"),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    // The bytes as a whole partial file: header, digest, body, verification.
    if let Ok(s) = decode(data) {
        s.verify().expect("a decoded partial verifies");
        merge_both_ways(&s);
    }
    // What follows the first line as the summary's JSON, past the digest (which almost every
    // mutation breaks), so that verification and merging see the mutations.
    let body = data
        .iter()
        .position(|&b| b == b'\n')
        .map_or(data, |i| &data[i + 1..]);
    if let Ok(s) = serde_json::from_slice::<Summary>(body) {
        read_back(&s);
        merge_both_ways(&s);
    }
});
