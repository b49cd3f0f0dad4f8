#!/usr/bin/env bash
# Whole-process timings against the NumPy peer (BENCHMARKS.md, issue 17): the peer, then
# each binary given, alternating, three rounds; read the medians off the output.
#
#   python3 -m venv /tmp/peervenv && /tmp/peervenv/bin/pip install numpy
#   PEER_PYTHON=/tmp/peervenv/bin/python benches/peer/measure.sh OLD_BINARY NEW_BINARY
#
# Run from the repository root, with ../shared beside it and nothing else running.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
python="${PEER_PYTHON:-python3}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
timed() {
    local label="$1"
    shift
    /usr/bin/time -f "$label %e s wall %U s user %M KB" "$@" --out "$out/o" >/dev/null 2>"$out/err"
    tail -1 "$out/err"
    rm -rf "$out/o"
}
uptime
for _ in 1 2 3; do
    "$python" ../shared/peers/numpy_peer.py 12 6 8 120 10000
    for b in "$@"; do
        timed "$b embedded-10k" "$b" run --runs 10000 --threads 1
        timed "$b noact-10k" "$b" run "$here/NOACT.toml" --runs 10000 --threads 1
    done
done
for _ in 1 2; do
    for b in "$@"; do
        timed "$b slow-decline-100k-2t" "$b" run builtin:csto-slow-decline --runs 100000 --threads 2
    done
done
uptime
