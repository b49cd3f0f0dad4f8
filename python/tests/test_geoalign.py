"""The geoalign Python package: the command line's numbers and columns as pandas data frames,
scenarios from a builtin name, a path or text, located errors, determinism, comparisons,
traces, the GIL released during runs, and the example script."""

import os
import pathlib
import signal
import subprocess
import sys
import threading
import time
import warnings

import pandas as pd
import pandas.testing as pdt
import pytest

import geoalign

REPO = pathlib.Path(__file__).resolve().parents[2]
SLOW_DECLINE = REPO / "scenarios" / "csto-slow-decline.toml"

# The README's columns of each CSV file.
STAT = ["mean", "sd", "q05", "q25", "q50", "q75", "q95", "runs"]
PROPORTION = ["probability", "ci_low", "ci_high", "count", "runs"]
DIFFERENCE = ["date", "step", "mean_difference", "low", "high", "runs", "base_mean", "alt_mean"]
COLUMNS = {
    "alignment": ["scenario", "step", "date", "state", "power"] + STAT,
    "institutions": ["scenario", "step", "date", "institution", "measure"] + STAT,
    "similarity": ["scenario", "date", "state_a", "state_b", "measure"] + STAT,
    "outcomes": ["scenario", "kind", "institution", "member", "outcome"] + PROPORTION,
    "powers": ["scenario", "step", "date", "power", "state", "quantity", "action"] + STAT,
    "punishments": ["scenario", "step", "date", "power", "state"] + PROPORTION,
    "outcomes_over_time": ["scenario", "outcome", "category", "step", "date"] + PROPORTION,
    "event_frequencies": [
        "scenario", "step", "date", "origin", "kind", "response", "acted", "power", "state",
        "institution", "probability", "ci_low", "ci_high", "count", "by_date", "by_date_low",
        "by_date_high", "by_date_count", "events", "runs",
    ],
}

# A valid two-state scenario with one event (tests/warnings.rs's base).
TINY = """name = "base with a war"
seed = 1
[horizon]
start = "2025-01"
steps = 24
[powers.A]
coercion = 0.5
[states.S]
disposition = "hedge"
inertia = 0.05
stubbornness = 0.3
fragility = 0.1
salience = { trade = 0.5, security = 0.5 }
alignment = { A = 0.5, autonomy = 0.5 }
[states.T]
disposition = "hedge"
inertia = 0.05
stubbornness = 0.3
fragility = 0.1
salience = { trade = 1.0 }
alignment = { A = 0.4, autonomy = 0.6 }
[institutions.Bloc]
leader = "A"
credibility = 0.5
members = ["S", "T"]
[institutions.Bloc.unanswered]
S = 0
T = 0
[[events]]
at = "2025-03"
kind = "war"
power = "A"
capacity_drain = 0.01
recovery = 0.1
"""


@pytest.fixture(scope="module")
def eurasia():
    return geoalign.run("builtin:eurasia-2025", runs=20, seed=7, progress=False)


def cli():
    """The command line to compare with: $GEOALIGN_CLI (required to exist when set, as in
    .ci/run), else one built beside the package (`cargo build --release`), else skip."""
    named = os.environ.get("GEOALIGN_CLI")
    if named:
        assert os.access(named, os.X_OK), f"GEOALIGN_CLI={named}: not an executable"
        return named
    candidates = [str(REPO / "target" / "release" / "geoalign")]
    target = os.environ.get("CARGO_TARGET_DIR")
    if target:
        candidates.insert(0, os.path.join(target, "release", "geoalign"))
    for path in candidates:
        if os.access(path, os.X_OK):
            return path
    pytest.skip("no geoalign binary (cargo build --release, or set GEOALIGN_CLI)")


def cli_out(tmp_path, *args):
    out = tmp_path / "out"
    subprocess.run([cli(), *args, "--out", str(out)], check=True, capture_output=True)
    return out


# --- the command line's numbers ---------------------------------------------------------


def test_run_gives_the_command_lines_files_byte_for_byte(eurasia, tmp_path):
    out = cli_out(tmp_path, "run", "builtin:eurasia-2025", "--runs", "20", "--seed", "7")
    written = sorted(p.name for p in out.glob("*.csv"))
    assert sorted(eurasia.csv) == written
    for name, text in eurasia.csv.items():
        assert text == (out / name).read_text(encoding="utf-8"), name
    pdt.assert_frame_equal(eurasia.alignment(), geoalign.read_csv(out / "alignment.csv"))


def test_compare_gives_the_command_lines_files_byte_for_byte(tmp_path):
    paired = geoalign.compare(
        "builtin:eurasia-2025", SLOW_DECLINE, runs=12, seed=3, progress=False
    )
    out = cli_out(
        tmp_path, "compare", "builtin:eurasia-2025", str(SLOW_DECLINE), "--runs", "12",
        "--seed", "3",
    )
    for name, text in paired.csv.items():
        assert text == (out / name).read_text(encoding="utf-8"), name
    pdt.assert_frame_equal(paired.outcomes(), geoalign.read_csv(out / "outcomes-difference.csv"))


def test_trace_gives_the_command_lines_files_byte_for_byte(tmp_path):
    traced = geoalign.trace("builtin:csto-partial-revitalization", run=11)
    out = cli_out(tmp_path, "trace", "builtin:csto-partial-revitalization", "--run", "11")
    for name in ["events.csv", "trajectory.csv"]:
        assert traced.csv[name] == (out / name).read_text(encoding="utf-8"), name


# --- columns ----------------------------------------------------------------------------


def test_every_table_has_the_columns_of_its_csv_file(eurasia):
    for table in [
        "alignment", "institutions", "similarity", "outcomes", "powers", "punishments",
        "event_frequencies",
    ]:
        assert list(getattr(eurasia, table)().columns) == COLUMNS[table], table
    future = geoalign.run(SLOW_DECLINE, runs=4, seed=1, progress=False)
    assert list(future.outcomes_over_time().columns) == COLUMNS["outcomes_over_time"]


def test_alignment_holds_every_state_and_component_and_sums_to_one(eurasia):
    a = eurasia.alignment()
    assert (a["runs"] == 20).all()
    horizon = a[a["step"] == a["step"].max()]
    assert {"Kazakhstan", "Armenia", "Estonia"} <= set(horizon["state"])
    assert "autonomy" in set(horizon["power"])
    assert horizon.groupby("state")["mean"].sum().sub(1).abs().max() < 1e-9


def test_comparison_and_trace_tables_have_their_files_columns():
    paired = geoalign.compare("builtin:eurasia-2025", SLOW_DECLINE, runs=4, progress=False)
    assert list(paired.alignment().columns) == ["state", "component"] + DIFFERENCE
    assert list(paired.institutions().columns) == ["institution", "measure"] + DIFFERENCE
    assert list(paired.outcomes().columns) == [
        "outcome", "category", "p_base", "p_alt", "difference", "low", "high",
        "changed_share", "runs",
    ]
    traced = geoalign.trace("builtin:eurasia-2025")
    assert list(traced.trajectory().columns) == [
        "scenario", "run", "step", "date", "state", "component", "share",
    ]
    assert list(traced.events().columns)[:6] == [
        "scenario", "run", "step", "date", "origin", "kind",
    ]


# --- scenarios --------------------------------------------------------------------------


def test_a_scenario_is_a_builtin_name_a_path_or_toml_text():
    by_name = geoalign.run("builtin:csto-slow-decline", runs=4, seed=2, progress=False)
    by_str = geoalign.run(str(SLOW_DECLINE), runs=4, seed=2, progress=False)
    by_path = geoalign.run(SLOW_DECLINE, runs=4, seed=2, progress=False)
    pdt.assert_frame_equal(by_name.alignment(), by_path.alignment())
    pdt.assert_frame_equal(by_str.outcomes(), by_path.outcomes())
    by_text = geoalign.run(TINY, runs=3, progress=False)
    assert set(by_text.alignment()["state"]) == {"S", "T"}
    assert by_text.seed == 1  # the text's own seed
    loaded = geoalign.load(TINY)
    assert (loaded.name, loaded.steps, loaded.start) == ("base with a war", 24, "2025-01")
    assert geoalign.run(loaded, runs=3, progress=False).csv == by_text.csv


def test_builtin_names_are_the_embedded_world_and_the_three_futures():
    assert geoalign.builtin_names() == [
        "builtin:eurasia-2025",
        "builtin:csto-slow-decline",
        "builtin:csto-selective-consolidation",
        "builtin:csto-partial-revitalization",
    ]


def test_a_bad_value_in_text_is_a_scenario_error_with_its_line_and_key():
    text = TINY.replace("inertia = 0.05", "inertia = 1.5", 1)
    with pytest.raises(geoalign.ScenarioError) as err:
        geoalign.run(text, runs=2)
    line = text.splitlines().index("inertia = 1.5") + 1
    assert str(err.value) == f"<text>:{line}: `states.S.inertia`: must be in [0, 1], got 1.5"
    assert isinstance(err.value, ValueError)


def test_an_unknown_key_in_a_file_is_located_in_that_file(tmp_path):
    path = tmp_path / "typo.toml"
    path.write_text(TINY.replace("steps = 24", "steps = 24\nstepz = 3"))
    with pytest.raises(geoalign.ScenarioError, match=r"typo\.toml:6:1: `horizon\.stepz`: .*did you mean `steps`"):
        geoalign.load(path)


def test_missing_files_and_unknown_builtins_are_scenario_errors(tmp_path):
    with pytest.raises(geoalign.ScenarioError, match="cannot read the file"):
        geoalign.load(tmp_path / "missing.toml")
    with pytest.raises(geoalign.ScenarioError, match="no such built-in scenario .*builtin:eurasia-2025"):
        geoalign.load("builtin:eurasia-2052")
    with pytest.raises(TypeError):
        geoalign.load(42)


def test_warnings_of_a_scenario_are_python_warnings_located_like_errors(tmp_path):
    (tmp_path / "base.toml").write_text(TINY)
    (tmp_path / "child.toml").write_text('extends = "base.toml"\n# no war\nevents = []\n')
    with pytest.warns(geoalign.ScenarioWarning, match=r"child\.toml:3: `events`"):
        geoalign.load(tmp_path / "child.toml")


def test_bad_arguments_are_value_errors():
    with pytest.raises(ValueError, match="runs"):
        geoalign.run("builtin:eurasia-2025", runs=0)
    with pytest.raises(ValueError, match="threads"):
        geoalign.run("builtin:eurasia-2025", runs=2, threads=-1)
    with pytest.raises(ValueError, match="run"):
        geoalign.trace("builtin:eurasia-2025", run=-1)


# --- determinism ------------------------------------------------------------------------


def test_the_same_seed_gives_equal_frames_on_any_thread_count(eurasia):
    one = geoalign.run("builtin:eurasia-2025", runs=20, seed=7, threads=1, progress=False)
    two = geoalign.run("builtin:eurasia-2025", runs=20, seed=7, threads=2, progress=False)
    for table in ["alignment", "institutions", "outcomes", "similarity"]:
        pdt.assert_frame_equal(getattr(one, table)(), getattr(eurasia, table)())
        pdt.assert_frame_equal(getattr(two, table)(), getattr(eurasia, table)())
    other = geoalign.run("builtin:eurasia-2025", runs=20, seed=8, progress=False)
    assert not other.alignment().equals(eurasia.alignment())


# --- compare and trace ------------------------------------------------------------------


def test_a_what_if_moves_the_futures_and_a_scenario_against_itself_moves_nothing():
    paired = geoalign.compare(
        "builtin:eurasia-2025", "builtin:csto-slow-decline", runs=20, seed=7, progress=False
    )
    assert (paired.base, paired.alt, paired.seed, paired.runs) == (
        "Eurasia 2025", "CSTO slow decline", 7, 20,
    )
    assert paired.note.startswith("both scenarios run with seed 7")
    o = paired.outcomes().set_index(["outcome", "category"])
    assert o.loc[("csto-slow-decline", "yes"), "p_alt"] == 1.0
    assert (o["low"] <= o["difference"]).all() and (o["difference"] <= o["high"]).all()
    d = paired.alignment()
    assert (d["mean_difference"] != 0).any()

    same = geoalign.compare("builtin:eurasia-2025", "builtin:eurasia-2025", runs=8, progress=False)
    assert same.note is None
    assert (same.alignment()["mean_difference"] == 0).all()


def test_scenarios_that_cannot_be_paired_are_a_compare_error():
    with pytest.raises(geoalign.CompareError, match="cannot compare `Eurasia 2025` with `base with a war`: steps differs"):
        geoalign.compare("builtin:eurasia-2025", TINY, runs=2)


def test_a_trace_logs_named_events_on_their_dates():
    traced = geoalign.trace("builtin:csto-partial-revitalization", run=11)
    assert (traced.scenario, traced.run) == ("CSTO partial revitalization", 11)
    events = traced.events()
    assert len(events) > 0
    assert events["origin"].notna().all() and events["kind"].notna().all()
    assert "unrest" in set(events["kind"])
    # Each date is the step's month after the start (2025-01).
    months = events["step"].map(lambda s: f"{2025 + s // 12}-{s % 12 + 1:02d}")
    assert (events["date"] == months).all()
    t = traced.trajectory()
    assert t["step"].max() == 120
    assert t.groupby(["step", "state"])["share"].sum().sub(1).abs().max() < 1e-9
    # A run is a run: the same one twice, and another seed gives another path.
    pdt.assert_frame_equal(geoalign.trace("builtin:csto-partial-revitalization", run=11).events(), events)
    assert not geoalign.trace("builtin:csto-partial-revitalization", run=11, seed=5).trajectory().equals(t)


# --- sweeps -----------------------------------------------------------------------------


def test_a_sweep_gives_the_command_lines_sweep_csv(tmp_path):
    frame = geoalign.sweep(
        "builtin:csto-slow-decline", {"parameters.noise": (0.01, 0.05, 3)}, runs=4, progress=False
    )
    assert list(frame.columns) == [
        "point", "parameters.noise", "output", "category", "value", "ci_low", "ci_high", "sd",
        "count", "runs",
    ]
    assert list(frame["point"].unique()) == [0, 1, 2]
    assert list(frame["parameters.noise"].unique()) == [0.01, 0.03, 0.05]
    out = cli_out(
        tmp_path, "sweep", "builtin:csto-slow-decline", "--param", "parameters.noise=0.01:0.05:3",
        "--runs", "4",
    )
    pdt.assert_frame_equal(frame, geoalign.read_csv(out / "sweep.csv"))


def test_a_latin_hypercube_of_a_quantity_is_the_same_on_any_thread_count():
    kwargs = dict(
        design="lhs", points=4, runs=3, quantities=["Armenia.Russia@horizon"], progress=False
    )
    params = {"parameters.noise": (0.01, 0.06), "parameters.peer_weight": (0.1, 0.3)}
    one = geoalign.sweep(SLOW_DECLINE, params, threads=1, **kwargs)
    two = geoalign.sweep(str(SLOW_DECLINE), ["parameters.noise=0.01:0.06", "parameters.peer_weight=0.1:0.3"], threads=2, **kwargs)
    pdt.assert_frame_equal(one, two)
    assert len(one) == 4 and (one["category"] == "mean").all() and one["sd"].notna().all()
    # One point per stratum of each parameter.
    strata = sorted(((one["parameters.noise"] - 0.01) / 0.05 * 4).astype(int))
    assert strata == [0, 1, 2, 3]


def test_a_sweep_refuses_what_the_command_line_refuses():
    with pytest.raises(ValueError, match="a grid's size is the product of its levels"):
        geoalign.sweep("builtin:eurasia-2025", {"parameters.noise": (0.01, 0.05)}, points=4)
    with pytest.raises(geoalign.ScenarioError, match="parameters.nois"):
        geoalign.sweep("builtin:eurasia-2025", {"parameters.nois": (0.01, 0.05)}, runs=2)
    with pytest.raises(ValueError, match="design `box`"):
        geoalign.sweep("builtin:eurasia-2025", {"parameters.noise": (0.01, 0.05)}, design="box")
    with pytest.raises(ValueError, match="not scenario text"):
        geoalign.sweep(TINY, {"parameters.noise": (0.01, 0.05)})


# --- the GIL, progress, the example -----------------------------------------------------


def test_the_gil_is_released_while_an_ensemble_runs():
    ticks = []
    done = threading.Event()

    def count():
        while not done.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.001)

    counter = threading.Thread(target=count)
    counter.start()
    try:
        start = time.perf_counter()
        geoalign.run("builtin:eurasia-2025", runs=64, seed=1, threads=1, progress=False)
        elapsed = time.perf_counter() - start
    finally:
        done.set()
        counter.join()
    during = [t for t in ticks if start <= t <= start + elapsed]
    # Held, the GIL would leave the counter no tick for the whole run.
    assert elapsed > 0.05 and len(during) > elapsed / 0.01, (elapsed, len(during))


def test_progress_is_reported_in_order_and_a_tqdm_bar_draws_it():
    seen = []
    geoalign._geoalign.run(
        geoalign.load("builtin:eurasia-2025"), 200, 1, 1, 0, None, None, seen.append
    )
    assert seen == sorted(seen) and all(0 < n <= 200 for n in seen)
    pytest.importorskip("tqdm")
    result = geoalign.run("builtin:eurasia-2025", runs=8, seed=1, progress=True)
    assert result.runs == 8


def test_ctrl_c_stops_a_run_and_raises_keyboard_interrupt():
    # Python's own Ctrl-C handler, whatever the test was started under: a shell starting it
    # in the background (`cmd &` without job control) has SIGINT ignored, and Python then
    # installs no handler, so the signal would never reach the run.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        # 20,000 runs on one thread take about 17 s; the interrupt must end them within a block.
        timer = threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT))
        start = time.perf_counter()
        timer.start()
        with pytest.raises(KeyboardInterrupt):
            geoalign.run("builtin:eurasia-2025", runs=20000, threads=1, progress=False)
        assert time.perf_counter() - start < 5
    finally:
        signal.signal(signal.SIGINT, previous)
    # Nothing is left running, and the next run works.
    assert geoalign.run("builtin:eurasia-2025", runs=2, progress=False).runs == 2


def test_memory_limits_are_refused_before_running():
    with pytest.raises(geoalign.SimulationError, match="memory: "):
        geoalign.run("builtin:eurasia-2025", runs=4, max_memory=1 << 20)
    with pytest.raises(geoalign.SimulationError, match="memory: the trajectory"):
        geoalign.trace("builtin:eurasia-2025", max_memory=1 << 20)


HISTORY = REPO / "scenarios" / "history-2014.toml"
POSTERIOR = REPO / "data" / "calibration" / "history-2014" / "posterior.csv"


def test_run_over_a_posterior_gives_the_command_lines_files_and_refuses_a_foreign_sample(tmp_path):
    result = geoalign.run(HISTORY, runs=12, seed=7, threads=1, posterior=POSTERIOR)
    out = cli_out(
        tmp_path, "run", str(HISTORY), "--runs", "12", "--seed", "7", "--posterior", str(POSTERIOR)
    )
    for name, text in result.csv.items():
        assert text == (out / name).read_text(encoding="utf-8"), name
    plain = geoalign.run(HISTORY, runs=12, seed=7, threads=1)
    # The particles move the runs: the sample's parameters are not the file's.
    assert not result.alignment().equals(plain.alignment())
    with pytest.raises(geoalign.ScenarioError, match="fingerprint"):
        geoalign.run("builtin:eurasia-2025", runs=2, posterior=POSTERIOR)
    with pytest.raises(ValueError, match="not from text"):
        geoalign.run(HISTORY.read_text(encoding="utf-8"), runs=2, posterior=POSTERIOR)


def test_compare_and_sweep_over_a_posterior_give_the_command_lines_files(tmp_path):
    c = geoalign.compare(HISTORY, HISTORY, runs=6, seed=7, threads=1, posterior=POSTERIOR)
    out = cli_out(
        tmp_path / "c", "compare", str(HISTORY), str(HISTORY), "--runs", "6", "--seed", "7",
        "--posterior", str(POSTERIOR),
    )
    for name, text in c.csv.items():
        assert text == (out / name).read_text(encoding="utf-8"), name
    frame = geoalign.sweep(
        HISTORY, ["parameters.noise=0.01:0.05:2"], runs=4,
        quantities=["Kazakhstan.Russia@horizon"], posterior=POSTERIOR,
    )
    out = cli_out(
        tmp_path / "s", "sweep", str(HISTORY), "--param", "parameters.noise=0.01:0.05:2",
        "--runs", "4", "--quantity", "Kazakhstan.Russia@horizon", "--posterior", str(POSTERIOR),
    )
    pdt.assert_frame_equal(frame, geoalign.read_csv(out / "sweep.csv"))


def test_the_example_draws_the_futures_chart(tmp_path):
    pytest.importorskip("matplotlib")
    png = tmp_path / "futures.png"
    script = REPO / "python" / "examples" / "futures.py"
    env = dict(os.environ, MPLBACKEND="Agg")
    result = subprocess.run(
        [sys.executable, str(script), "--runs", "24", "--out", str(png)],
        env=env, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "slow decline" in result.stdout
