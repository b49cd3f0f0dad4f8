//! Shards' partial files are tamper-evident and never make geoalign panic or hang: every
//! hand-edit the reliability issue tried is refused with an error naming the file and the
//! field, a flipped digit anywhere is refused, a FIFO or a 3 GB file among the partials is
//! refused at once, and honest partials still merge bit for bit into the whole ensemble in
//! any order.
#![cfg(feature = "output")]

#[path = "shards/tiny.rs"]
mod tiny;

use geoalign::analysis::ensemble::{Component, EnsembleError, Summary};
use geoalign::output::partial::{decode, encode, PartialError};
use geoalign::output::{merge_partials, partial_files, read_partial, OutputError};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("shards-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `summary` with `edit` applied to its JSON.
fn edited(summary: &Summary, edit: impl FnOnce(&mut Value)) -> Summary {
    let mut v = serde_json::to_value(summary).unwrap();
    edit(&mut v);
    serde_json::from_value(v).unwrap()
}

/// The partial file a forger writes: `summary` edited, with its digest computed anew.
fn forged(summary: &Summary, edit: impl FnOnce(&mut Value)) -> Vec<u8> {
    encode(&edited(summary, edit)).unwrap()
}

/// The partial file of `summary` with its body edited by hand, the header left as written.
fn hand_edited(summary: &Summary, edit: impl FnOnce(&mut Value)) -> Vec<u8> {
    let honest = encode(summary).unwrap();
    let at = honest.iter().position(|&b| b == b'\n').unwrap() + 1;
    let mut body: Value = serde_json::from_slice(&honest[at..]).unwrap();
    edit(&mut body);
    let mut bytes = honest[..at].to_vec();
    bytes.extend(serde_json::to_vec(&body).unwrap());
    bytes
}

/// The field of a corrupt partial's error.
fn corrupt_field(e: &PartialError) -> &str {
    match e {
        PartialError::Corrupt { field, .. } => field,
        other => panic!("expected a corrupt partial, got {other}"),
    }
}

/// Write `files` (name, bytes) into a fresh directory and merge them in that order.
fn merge_in(name: &str, files: &[(&str, &[u8])]) -> Result<Summary, OutputError> {
    let dir = scratch(name);
    let paths: Vec<PathBuf> = files
        .iter()
        .map(|(file, bytes)| {
            let path = dir.join(file);
            std::fs::write(&path, bytes).unwrap();
            path
        })
        .collect();
    merge_partials(&paths)
}

#[test]
fn honest_partials_merge_through_files_into_the_whole_ensemble_in_any_order() {
    let whole = tiny::ensemble(7).run().unwrap();
    let dir = scratch("honest");
    for i in 0..3 {
        geoalign::output::write_partial(&dir, &tiny::part(7, i, 3)).unwrap();
    }
    let files = partial_files(&dir).unwrap();
    assert_eq!(files.len(), 3);
    for order in [
        [0, 1, 2],
        [0, 2, 1],
        [1, 0, 2],
        [1, 2, 0],
        [2, 0, 1],
        [2, 1, 0],
    ] {
        let ordered: Vec<PathBuf> = order.iter().map(|&k| files[k].clone()).collect();
        let merged = merge_partials(&ordered).unwrap();
        assert!(merged.is_complete());
        assert_eq!(merged, whole, "order {order:?}");
        merged.verify().unwrap();
    }
}

#[test]
fn changed_outcome_counts_are_refused_by_the_digest_and_by_their_sum() {
    let part = tiny::part(6, 0, 2);
    let runs = part.runs;
    // Moved between categories (the P from 0 to 0.33): only the digest shows it.
    let moved = hand_edited(&part, |v| v["outcomes"][0]["counts"] = json!([0, runs]));
    assert_eq!(corrupt_field(&decode(&moved).unwrap_err()), "sha256");
    // One count raised, digest recomputed: the counts no longer add up to the runs.
    let raised = forged(&part, |v| v["outcomes"][0]["counts"] = json!([runs, 1]));
    assert_eq!(
        corrupt_field(&decode(&raised).unwrap_err()),
        "outcomes[0].counts"
    );
}

#[test]
fn a_partial_claiming_shards_it_does_not_hold_is_refused_at_runs() {
    // "Complete" with the runs of one shard of three.
    let part = tiny::part(9, 0, 3);
    let bytes = forged(&part, |v| v["shards"] = json!([0, 1, 2]));
    let e = decode(&bytes).unwrap_err();
    assert_eq!(corrupt_field(&e), "runs");
    assert!(
        e.to_string().contains("hold 9 of the 9 planned runs"),
        "{e}"
    );
}

#[test]
fn a_copy_of_shard_0_relabelled_is_refused_by_digest_name_and_runs() {
    let zero = tiny::part(5, 0, 2);
    let one = encode(&tiny::part(5, 1, 2)).unwrap();
    // Relabelled in the body only, by hand: the digest.
    let relabelled = hand_edited(&zero, |v| v["shards"] = json!([1]));
    let e = merge_in("relabel-hand", &[("a.json", &one), ("b.json", &relabelled)]).unwrap_err();
    assert!(
        matches!(&e, OutputError::CorruptPartial { field, .. } if field == "sha256"),
        "{e}"
    );
    // Copied under the other shard's name: the name.
    let copy = encode(&zero).unwrap();
    let e = merge_in(
        "relabel-copy",
        &[
            ("partial-0-of-2.json", &copy),
            ("partial-1-of-2.json", &copy),
        ],
    )
    .unwrap_err();
    assert!(e.to_string().contains("partial-1-of-2.json"), "{e}");
    assert!(
        matches!(&e, OutputError::CorruptPartial { field, .. } if field == "job.shards"),
        "{e}"
    );
    // Relabelled with a new digest: shard 0 holds 2 runs, shard 1 holds 3.
    let forged_copy = forged(&zero, |v| v["shards"] = json!([1]));
    assert_eq!(corrupt_field(&decode(&forged_copy).unwrap_err()), "runs");
}

#[test]
fn runs_set_to_0_is_refused() {
    let part = tiny::part(6, 1, 2);
    let bytes = forged(&part, |v| v["runs"] = json!(0));
    assert_eq!(corrupt_field(&decode(&bytes).unwrap_err()), "runs");
}

#[test]
fn a_histogram_count_that_would_overflow_is_refused_before_merging() {
    let a = tiny::part(4, 0, 2);
    let b = tiny::part(4, 1, 2);
    let big = edited(&b, |v| v["alignment"]["hist"][0] = json!(u32::MAX));
    let e = decode(&encode(&big).unwrap()).unwrap_err();
    let field = corrupt_field(&e);
    assert!(
        field.starts_with("alignment.hist[0..200] (step 0, state S, component A)"),
        "{field}"
    );
    // And in memory, merge refuses it without adding anything.
    let mut m = a.clone();
    let err = m.merge(&big).unwrap_err();
    assert!(matches!(err, EnsembleError::Corrupt { .. }), "{err}");
    assert_eq!(m, a, "a refused merge leaves the summary as it was");
}

#[test]
fn arrays_cut_short_in_the_second_file_are_refused_naming_the_file_and_array() {
    let first = encode(&tiny::part(4, 0, 2)).unwrap();
    let second = tiny::part(4, 1, 2);
    for (array, field) in [
        ("/alignment/hist", "alignment.hist"),
        ("/alignment/sum", "alignment.sum"),
        ("/cohesion/sum_sq", "cohesion.sum_sq"),
        ("/credibility/min", "credibility.min"),
        ("/similarity/max", "similarity.max"),
        ("/member_counts/0", "member_counts[0]"),
        ("/outcomes/0/counts", "outcomes[0].counts"),
    ] {
        let short = forged(&second, |v| {
            v.pointer_mut(array).unwrap().as_array_mut().unwrap().pop();
        });
        let e = merge_in("short", &[("a.json", &first), ("b.json", &short)]).unwrap_err();
        match &e {
            OutputError::CorruptPartial { path, field: f, .. } => {
                assert!(path.ends_with("b.json"), "{e}");
                assert_eq!(f, field, "{e}");
            }
            other => panic!("{array}: {other}"),
        }
    }
}

/// The four inputs that panicked before (index out of bounds in `ensemble/sketch.rs`, a min
/// above its max) and their kin: each refused by `merge`, and harmless to the accessors and
/// the writers of an unverified summary.
#[test]
fn the_former_panics_are_refused_and_no_accessor_or_writer_panics() {
    let part = tiny::part(4, 0, 2);
    let other = tiny::part(4, 1, 2);
    // What, where (a JSON pointer) and the value put there.
    let cases = [
        ("hist cut short", "/alignment/hist", json!([1, 1])),
        ("sums cut short", "/alignment/sum", json!([])),
        ("squares cut short", "/cohesion/sum_sq", json!([])),
        ("similarity cut short", "/similarity/min", json!([0.5])),
        ("min above max", "/alignment/min/0", json!(0.9)),
        ("no shards of 0", "/shard_count", json!(0)),
    ];
    let dir = scratch("former-panics");
    for (what, pointer, value) in cases {
        let bad = edited(&part, |v| *v.pointer_mut(pointer).unwrap() = value);
        assert!(bad.verify().is_err(), "{what}");
        assert!(other.clone().merge(&bad).is_err(), "{what}: merged");
        assert!(bad.clone().merge(&other).is_err(), "{what}: merged into");
        assert!(decode(&encode(&bad).unwrap()).is_err(), "{what}: decoded");
        // Unverified, it may read as nonsense but must not panic.
        for (state, _) in bad.named_states() {
            for (component, _) in bad.named_components() {
                for step in 0..=bad.steps as usize {
                    let _ = bad.alignment(step, state, component);
                }
            }
            let _ = bad.similarity(state, state);
        }
        let _ = bad.alignment(0, bad.state("S").unwrap(), Component::Autonomy);
        let _ = geoalign::output::write_summary(&dir.join(what.replace(' ', "-")), &bad);
    }
}

#[test]
fn flipping_any_digit_of_a_partial_makes_merge_refuse() {
    let a = encode(&tiny::part(5, 0, 2)).unwrap();
    let b = encode(&tiny::part(5, 1, 2)).unwrap();
    let digits: Vec<usize> = (0..a.len()).filter(|&i| a[i].is_ascii_digit()).collect();
    assert!(digits.len() > 2000, "{} digits", digits.len());
    for &i in &digits {
        let mut flipped = a.clone();
        flipped[i] = b'0' + (flipped[i] - b'0' + 1) % 10;
        assert!(
            decode(&flipped).is_err(),
            "digit at byte {i} flipped was accepted"
        );
    }
    // Through files and the whole merge, in both orders, for every 97th digit.
    for &i in digits.iter().step_by(97) {
        let mut flipped = a.clone();
        flipped[i] = b'0' + (flipped[i] - b'0' + 1) % 10;
        assert!(
            merge_in("flip", &[("a.json", &flipped), ("b.json", &b)]).is_err(),
            "byte {i}"
        );
        assert!(
            merge_in("flip", &[("b.json", &b), ("a.json", &flipped)]).is_err(),
            "byte {i}"
        );
    }
}

/// Run `f` on another thread and wait at most 10 s for it: a hang fails the test instead of
/// stalling it.
fn promptly<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(10))
        .expect("no answer within 10 s: it hangs")
}

#[cfg(unix)]
#[test]
fn a_fifo_named_like_a_partial_is_refused_promptly() {
    let dir = scratch("fifo");
    geoalign::output::write_partial(&dir, &tiny::part(4, 0, 2)).unwrap();
    let fifo = dir.join("partial-1-of-2.json");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let listed = promptly({
        let dir = dir.clone();
        move || partial_files(&dir).map_err(|e| e.to_string())
    });
    let e = listed.unwrap_err();
    assert!(
        e.contains("partial-1-of-2.json") && e.contains("FIFO"),
        "{e}"
    );
    let read = promptly(move || read_partial(&fifo).map_err(|e| e.to_string()));
    assert!(read.unwrap_err().contains("FIFO"));
    // And the command line: one paragraph naming it, at once.
    let out = promptly(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_geoalign"))
            .arg("merge")
            .arg(&dir)
            .output()
            .unwrap()
    });
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("partial-1-of-2.json: is a FIFO"),
        "{stderr}"
    );
}

#[test]
fn a_directory_named_like_a_partial_is_refused_naming_it() {
    let dir = scratch("dir-entry");
    geoalign::output::write_partial(&dir, &tiny::part(4, 0, 2)).unwrap();
    std::fs::create_dir(dir.join("partial-1-of-2.json")).unwrap();
    let e = partial_files(&dir).unwrap_err().to_string();
    assert!(e.contains("partial-1-of-2.json: is a directory"), "{e}");
}

#[test]
fn a_3_gb_partial_is_refused_by_its_size_unread() {
    let dir = scratch("huge");
    let honest = encode(&tiny::part(4, 0, 2)).unwrap();
    let three_gb = 3 << 30;
    // An honest partial with 3 GB appended (a sparse file: nothing is written or read).
    let appended = dir.join("appended.json");
    std::fs::write(&appended, &honest).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&appended)
        .unwrap()
        .set_len(three_gb)
        .unwrap();
    // A header that claims a 3 GB body, and has one.
    let header_end = honest.iter().position(|&b| b == b'\n').unwrap();
    let mut header: Value = serde_json::from_slice(&honest[..header_end]).unwrap();
    header["body_bytes"] = json!(three_gb);
    let claimed = dir.join("claimed.json");
    let mut bytes = serde_json::to_vec(&header).unwrap();
    bytes.push(b'\n');
    std::fs::write(&claimed, &bytes).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&claimed)
        .unwrap()
        .set_len(bytes.len() as u64 + three_gb)
        .unwrap();
    for (path, needle) in [
        (appended, "truncated or appended to"),
        (claimed, "can take"),
    ] {
        let started = Instant::now();
        let e = read_partial(&path).unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(2), "{e}");
        assert!(
            matches!(&e, OutputError::CorruptPartial { field, .. } if field == "body_bytes"),
            "{e}"
        );
        assert!(e.to_string().contains(needle), "{e}");
        std::fs::remove_file(&path).unwrap();
    }
}

#[test]
fn a_summary_without_a_header_is_not_a_partial() {
    let plain = serde_json::to_vec(&tiny::part(4, 0, 2)).unwrap();
    assert!(matches!(decode(&plain), Err(PartialError::NotAPartial(_))));
    assert!(matches!(decode(b""), Err(PartialError::NotAPartial(_))));
    let e = merge_in("plain", &[("partial-0-of-2.json", &plain)]).unwrap_err();
    assert!(
        e.to_string().contains("not a geoalign partial summary"),
        "{e}"
    );
}

#[test]
fn partials_of_another_ensemble_are_refused_before_their_body_is_read() {
    let a = encode(&tiny::part(4, 0, 2)).unwrap();
    let mut other_seed = tiny::scenario();
    other_seed.set_seed(12);
    let b = geoalign::Ensemble::new(other_seed, 4)
        .outcomes([tiny::LeansToA::shared()])
        .shard("1/2".parse().unwrap())
        .run()
        .unwrap();
    let e = merge_in("other", &[("a.json", &a), ("b.json", &encode(&b).unwrap())]).unwrap_err();
    assert!(
        matches!(&e, OutputError::Merge { path, .. } if path.ends_with("b.json")),
        "{e}"
    );
    assert!(e.to_string().contains("differs"), "{e}");
    // The same shard twice.
    let e = merge_in("twice", &[("a.json", &a), ("b.json", &a)]).unwrap_err();
    assert!(e.to_string().contains("shard 0/2 is given twice"), "{e}");
}

#[test]
fn the_merge_fuzzer_seeds_are_the_current_partials_of_the_tiny_world() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/merge");
    for i in 0..2 {
        let fresh = encode(&tiny::part(tiny::SEED_RUNS, i, 2)).unwrap();
        let path = dir.join(format!("partial-{i}-of-2.json"));
        if std::env::var_os("GEOALIGN_WRITE_FUZZ_SEEDS").is_some() {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &fresh).unwrap();
        }
        let seed = std::fs::read(&path).unwrap_or_default();
        assert!(
            seed == fresh,
            "{} is not the current partial {i}/2 of the tiny world (a new version or format?); \
             write it anew with GEOALIGN_WRITE_FUZZ_SEEDS=1 cargo test --test shards",
            path.display()
        );
    }
}

#[test]
fn the_compare_merge_fuzzer_seeds_are_the_current_comparison_partials_of_the_tiny_world() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/compare_merge");
    let scratch = scratch("compare-seeds");
    for i in 0..2 {
        let written =
            geoalign::output::write_comparison_partial(&scratch, &tiny::comparison_part(i))
                .unwrap();
        let fresh = std::fs::read(&written).unwrap();
        let path = dir.join(written.file_name().unwrap());
        if std::env::var_os("GEOALIGN_WRITE_FUZZ_SEEDS").is_some() {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &fresh).unwrap();
        }
        let seed = std::fs::read(&path).unwrap_or_default();
        assert!(
            seed == fresh,
            "{} is not the current comparison partial {i}/2 of the tiny world (a new version or \
             format?); write it anew with GEOALIGN_WRITE_FUZZ_SEEDS=1 cargo test --test shards",
            path.display()
        );
    }
}

#[test]
fn a_merge_over_its_memory_limit_is_refused_from_the_first_header_and_one_within_it_runs() {
    let dir = scratch("merge-memory");
    for i in 0..2 {
        geoalign::output::write_partial(&dir, &tiny::part(4, i, 2)).unwrap();
    }
    let files = partial_files(&dir).unwrap();
    let dims = read_partial(&files[0]).unwrap().dimensions();
    let needed = geoalign::output::partial::merge_bytes(&dims).unwrap();
    // Two summaries of the tiny world and the slack: more than the slack, far under 1 GiB.
    assert!(needed > geoalign::analysis::ensemble::memory::SLACK_BYTES && needed < 1 << 30);
    let refused = geoalign::output::merge_partials_within(&files, needed / 2).unwrap_err();
    assert!(
        matches!(&refused, OutputError::MemoryLimit { path, limit, estimate }
            if path == &files[0] && *limit == needed / 2 && *estimate > needed),
        "{refused:?}"
    );
    assert!(refused.to_string().contains("--max-memory"), "{refused}");
    let merged = geoalign::output::merge_partials_within(&files, 1 << 40).unwrap();
    assert_eq!(merged, tiny::ensemble(4).run().unwrap());
    // The CLI takes the limit as --max-memory and says so in one paragraph.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_geoalign"))
        .args(["merge", dir.to_str().unwrap(), "--max-memory", "1M"])
        .args(["--out", dir.join("out").to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("merging partials of these dimensions needs about"),
        "{stderr}"
    );
}
