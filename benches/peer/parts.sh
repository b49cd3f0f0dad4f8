#!/usr/bin/env bash
# Where a run goes (BENCHMARKS.md, issue 17): inclusive instructions per run of each part,
# from callgrind over 200 runs of the embedded world on one thread, the largest entry of
# each function. Build the binary with line tables first:
#
#   CARGO_PROFILE_RELEASE_DEBUG=line-tables-only cargo build --release
#   benches/peer/parts.sh target/release/geoalign
set -euo pipefail
binary="$1"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
valgrind --tool=callgrind --callgrind-out-file="$work/cg" \
    "$binary" run --runs 200 --threads 1 --out "$work/o" >/dev/null 2>&1
callgrind_annotate --inclusive=yes "$work/cg" >"$work/cg.txt" 2>/dev/null
for f in "Ensemble::run_one" "powers::act" "decide::allocate" "Dynamics::step" \
    "powers::effective_ties" "Recorder>::record" "Sketches::flush"; do
    grep -E ":[^ ]*$f( |\$)" "$work/cg.txt" | grep -v "=>" |
        awk -v f="$f" '{gsub(",", "", $1); if ($1 + 0 > m) m = $1 + 0}
            END {printf "%-24s %7.3f M instructions a run\n", f, m / 200 / 1e6}'
done
