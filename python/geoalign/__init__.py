"""geoalign: the geopolitical alignment of small states between great powers, as pandas.

Monte Carlo ensembles of a scenario (``run``), paired comparisons of two scenarios on common
random numbers (``compare``), one traced run (``trace``) and parameter sweeps (``sweep``),
computed by the geoalign Rust library with the same calls as the ``geoalign`` command line,
so the numbers are the same.
Every result is a pandas ``DataFrame`` with the columns of the CSV file the command line
writes (``alignment.csv``, ``difference.csv``, ``events.csv``, ...; see the repository's
README).

A *scenario* is any of:

* a ``builtin:`` name (``geoalign.builtin_names()``), e.g. ``"builtin:eurasia-2025"``;
* a path to a scenario file (``str`` or ``os.PathLike``); ``extends`` resolves beside it;
* scenario TOML text (a ``str`` holding a newline or ``=``); its ``extends`` resolves against
  the current directory, and its messages name it ``<text>``;
* a ``geoalign.Scenario`` from ``geoalign.load``.

Warnings of a scenario (values it may hold but probably does not mean) are issued as
``geoalign.ScenarioWarning`` through ``warnings.warn``, located as the command line prints
them. Errors are exceptions: ``ScenarioError`` (a ``ValueError``, with ``file:line: `key`:
reason``), ``CompareError`` (a ``ValueError``: the two scenarios cannot be paired) and
``SimulationError`` (a ``RuntimeError``).

Runs release the GIL and use every core unless ``threads`` says otherwise; results do not
depend on the thread count. Ctrl-C stops a run within a block of runs and raises
``KeyboardInterrupt``. A progress bar is drawn through tqdm when it is installed, after a
second and only on a terminal or in a notebook, as the command line's; ``progress=True``
draws it anywhere, ``progress=False`` never.
"""

from __future__ import annotations

import io
import os
import sys
import warnings as _warnings
from typing import Dict, List, Optional, Union

import pandas as pd

from . import _geoalign
from ._geoalign import CompareError, Scenario, ScenarioError, SimulationError

__version__ = _geoalign.__version__

__all__ = [
    "CompareError",
    "Comparison",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "ScenarioWarning",
    "SimulationError",
    "Trace",
    "builtin_names",
    "compare",
    "load",
    "read_csv",
    "run",
    "sweep",
    "trace",
]

ScenarioLike = Union[str, "os.PathLike[str]", Scenario]

#: Runs of an ensemble unless told otherwise: the command line's default.
DEFAULT_RUNS = 1000


class ScenarioWarning(UserWarning):
    """A value a scenario may legitimately hold but probably does not mean."""


def builtin_names() -> List[str]:
    """The ``builtin:`` names: the Eurasia 2025 world, then the three CSTO futures."""
    return list(_geoalign.builtin_names())


def _is_text(value: str) -> bool:
    # A file name holds neither; every scenario text holds `=`.
    return "\n" in value or "=" in value


def load(scenario: ScenarioLike) -> Scenario:
    """Load a scenario (a ``builtin:`` name, a path or TOML text) and issue its warnings.

    Raises ``ScenarioError`` with the located message of the command line.
    """
    if isinstance(scenario, Scenario):
        return scenario
    if isinstance(scenario, os.PathLike):
        loaded = Scenario.from_file(os.fspath(scenario))
    elif isinstance(scenario, str):
        if scenario.startswith("builtin:"):
            loaded = Scenario.builtin(scenario)
        elif _is_text(scenario):
            loaded = Scenario.from_text(scenario)
        else:
            loaded = Scenario.from_file(scenario)
    else:
        raise TypeError(
            "a scenario is a builtin: name, a path, TOML text or a geoalign.Scenario, "
            f"not {type(scenario).__name__}"
        )
    for message in loaded.warnings:
        _warnings.warn(message, ScenarioWarning, stacklevel=3)
    return loaded


# Each number of the CSV text is the shortest decimal that reads back to its double; pandas
# before 3.0 reads it back exactly only with `float_precision="round_trip"`, pandas 3.0 always
# does (and deprecates the argument).
_READ_CSV = {"float_precision": "round_trip"} if int(pd.__version__.split(".")[0]) < 3 else {}


def read_csv(source) -> pd.DataFrame:
    """``pandas.read_csv`` as this package reads its tables: every number exactly the double
    the command line wrote. Use it on the command line's CSV files to compare them with a
    result's data frames."""
    return pd.read_csv(source, **_READ_CSV)


def _frame(text: str) -> pd.DataFrame:
    return read_csv(io.StringIO(text))


def _check(runs: int, threads: Optional[int]) -> int:
    if isinstance(runs, bool) or not isinstance(runs, int) or runs < 1:
        raise ValueError(f"runs: {runs!r}; expected a whole number of at least 1")
    threads = 0 if threads is None else threads
    if isinstance(threads, bool) or not isinstance(threads, int) or not 0 <= threads <= 1024:
        raise ValueError(
            f"threads: {threads!r}; expected 0 to 1024 (0 or None: one per core)"
        )
    return threads


def _interactive() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


class _Bar:
    """A tqdm bar over ``total`` runs (``None``: told later) that appears after a second, or
    nothing."""

    def __init__(self, total: Optional[int], what: str, progress: Optional[bool]):
        self.bar = None
        self.make = None
        if progress is False:
            return
        try:
            from tqdm.auto import tqdm
        except ImportError:
            if progress:
                raise ImportError(
                    "progress=True needs tqdm (pip install tqdm)"
                ) from None
            return
        if progress is None and not (_interactive() or "ipykernel" in sys.modules):
            return  # as the command line: no bar into a log file or a pipe

        def make(total: int):
            return tqdm(total=total, desc=what, unit="run", delay=1.0, leave=False)

        self.make = make
        if total is not None:
            self.bar = make(total)

    def callback(self):
        return None if self.bar is None else self.update

    def starter(self):
        """For a job whose size only the native side knows: called with the total, returns
        the callback."""
        if self.make is None:
            return None

        def start(total: int):
            self.bar = self.make(total)
            return self.update

        return start

    def update(self, done: int) -> None:
        self.bar.update(done - self.bar.n)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.close()


class _Tables:
    """CSV tables by file name, read into data frames on demand."""

    def __init__(self, tables: List[tuple]):
        self.csv: Dict[str, str] = dict(tables)

    def table(self, name: str) -> pd.DataFrame:
        """The table the command line writes as ``name`` (e.g. ``"powers.csv"``)."""
        try:
            text = self.csv[name]
        except KeyError:
            raise KeyError(
                f"{name}: not among this result's tables ({', '.join(self.csv)})"
            ) from None
        return _frame(text)

    def to_csv(self, directory: Union[str, "os.PathLike[str]"]) -> List[str]:
        """Write every table as the command line names it into ``directory`` (created if
        missing); returns the paths. No manifest, charts or JSON: use the command line's
        ``--out`` for a complete output set."""
        os.makedirs(directory, exist_ok=True)
        paths = []
        for name, text in self.csv.items():
            path = os.path.join(directory, name)
            with open(path, "w", encoding="utf-8", newline="") as f:
                f.write(text)
            paths.append(path)
        return paths


class RunResult(_Tables):
    """The summary of an ensemble (``geoalign run``): each table a ``DataFrame`` with the
    columns of the command line's file of that name."""

    def __init__(self, scenario: Scenario, seed: int, runs: int, tables: List[tuple]):
        super().__init__(tables)
        #: The scenario's name.
        self.scenario = scenario.name
        #: The seed the runs used.
        self.seed = seed
        #: The number of runs.
        self.runs = runs

    def alignment(self) -> pd.DataFrame:
        """``alignment.csv``: per recorded step × state × component (each power, then
        ``autonomy``) the distribution over runs: mean, sd, q05 … q95, runs."""
        return self.table("alignment.csv")

    def institutions(self) -> pd.DataFrame:
        """``institutions.csv``: per recorded step × institution × measure (``cohesion``,
        ``credibility``) the distribution over runs."""
        return self.table("institutions.csv")

    def outcomes(self) -> pd.DataFrame:
        """``outcomes.csv``: P(category) of every outcome (the CSTO futures as
        ``kind == "csto_future"``) and each member's P(suspended) and P(exited), with Wilson
        95 % intervals."""
        return self.table("outcomes.csv")

    def similarity(self) -> pd.DataFrame:
        """``similarity.csv``: Signorino–Ritter S of each ordered pair of states at the
        horizon. Computed by default up to 200 states (``similarity=True`` asks for it)."""
        if "similarity.csv" not in self.csv:
            raise KeyError(
                "similarity.csv: not computed for this ensemble (off by default above 200 "
                "states); run with similarity=True"
            )
        return self.table("similarity.csv")

    def powers(self) -> pd.DataFrame:
        """``powers.csv``: where a power acts, its spending per action and its coercion cut."""
        return self.table("powers.csv")

    def punishments(self) -> pd.DataFrame:
        """``punishments.csv``: where a power acts, P(it punished the state that month)."""
        return self.table("punishments.csv")

    def outcomes_over_time(self) -> pd.DataFrame:
        """``outcomes-over-time.csv``: P(outcome by date) of each outcome that keeps a series."""
        return self.table("outcomes-over-time.csv")

    def event_frequencies(self) -> pd.DataFrame:
        """``event-frequencies.csv``: per recorded step × class of event (origin, kind,
        response and whether it came, power, state, institution) the share of runs in which
        one fired in the period ending at the step and the share in which one had fired by
        then, with Wilson 95 % intervals; empty when no event fired."""
        if "event-frequencies.csv" not in self.csv:
            return pd.DataFrame()
        return self.table("event-frequencies.csv")

    def __repr__(self) -> str:
        return (
            f"<geoalign.RunResult {self.scenario!r}: {self.runs} runs, seed {self.seed}; "
            f"tables {', '.join(self.csv)}>"
        )


class Comparison(_Tables):
    """A paired comparison (``geoalign compare``): differences ``alt − base`` run for run."""

    def __init__(self, base: Scenario, alt: Scenario, seed: int, runs: int,
                 note: Optional[str], tables: List[tuple]):
        super().__init__(tables)
        #: The two scenarios' names.
        self.base, self.alt = base.name, alt.name
        #: The seed both sides used, and the runs paired.
        self.seed, self.runs = seed, runs
        #: The line the command line prints when the seed used is not both scenarios'
        #: own (``both scenarios run with seed …``), else ``None``.
        self.note = note

    def alignment(self) -> pd.DataFrame:
        """``difference.csv``: per state × component × recorded date the mean paired
        difference, its 95 % interval (t), the runs and both means."""
        return self.table("difference.csv")

    def institutions(self) -> pd.DataFrame:
        """``institutions-difference.csv``: the same per institution × measure."""
        return self.table("institutions-difference.csv")

    def outcomes(self) -> pd.DataFrame:
        """``outcomes-difference.csv``: per outcome × category P(base), P(alt), their
        difference with Newcombe's paired 95 % interval, and the share of runs that changed."""
        return self.table("outcomes-difference.csv")

    def __repr__(self) -> str:
        return (
            f"<geoalign.Comparison {self.alt!r} minus {self.base!r}: {self.runs} paired "
            f"runs, seed {self.seed}>"
        )


class Trace(_Tables):
    """One traced run (``geoalign trace --out``)."""

    def __init__(self, scenario: Scenario, run: int, seed: int, tables: List[tuple]):
        super().__init__(tables)
        self.scenario, self.run, self.seed = scenario.name, run, seed

    def trajectory(self) -> pd.DataFrame:
        """``trajectory.csv``: the share of each component per step × state."""
        return self.table("trajectory.csv")

    def events(self) -> pd.DataFrame:
        """``events.csv``: the run's event log, one row per event in the order it fired."""
        return self.table("events.csv")

    def __repr__(self) -> str:
        return f"<geoalign.Trace {self.scenario!r}: run {self.run}, seed {self.seed}>"


def run(
    scenario: ScenarioLike,
    runs: int = DEFAULT_RUNS,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
    record_every: int = 0,
    similarity: Optional[bool] = None,
    max_memory: Optional[int] = None,
    progress: Optional[bool] = None,
    posterior: Optional[Union[str, "os.PathLike[str]"]] = None,
) -> RunResult:
    """Run an ensemble of ``runs`` runs, as ``geoalign run``.

    ``seed`` replaces the scenario's own; ``threads`` (``None`` or 0: one per core) does not
    change the results; ``record_every`` keeps one step in N in the tables (0: automatic);
    ``similarity`` forces the state-pair similarity on or off; ``max_memory`` (bytes;
    default half the machine's memory) refuses, before running, a job predicted over it.
    ``posterior`` (a ``posterior.csv`` of ``geoalign calibrate``, fitted on this scenario,
    which must then be a ``builtin:`` name or a file) draws each run's parameters from the
    sample, as ``geoalign run --posterior``.
    """
    threads = _check(runs, threads)
    s = load(scenario)
    sample = None if posterior is None else os.fspath(posterior)
    with _Bar(runs, s.name, progress) as bar:
        tables = _geoalign.run(
            s, runs, seed, threads, record_every, similarity, max_memory, bar.callback(), sample
        )
    return RunResult(s, s.seed if seed is None else seed, runs, tables)


def compare(
    base: ScenarioLike,
    alt: ScenarioLike,
    runs: int = DEFAULT_RUNS,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
    record_every: int = 0,
    max_memory: Optional[int] = None,
    progress: Optional[bool] = None,
    posterior: Optional[Union[str, "os.PathLike[str]"]] = None,
) -> Comparison:
    """Compare ``alt`` with ``base`` run for run on common random numbers, as
    ``geoalign compare``: both sides use ``seed`` (default: the base's).

    ``posterior`` (a sample fitted on ``base``, both scenarios from a ``builtin:`` name or a
    file) gives run ``r`` of both sides the same particle, as ``geoalign compare
    --posterior``. Raises ``CompareError`` when the scenarios cannot be paired.
    """
    threads = _check(runs, threads)
    b, a = load(base), load(alt)
    sample = None if posterior is None else os.fspath(posterior)
    with _Bar(runs, f"{b.name} vs {a.name}", progress) as bar:
        used, note, tables = _geoalign.compare(
            b, a, runs, seed, threads, record_every, max_memory, bar.callback(), sample
        )
    return Comparison(b, a, used, runs, note, tables)


def trace(
    scenario: ScenarioLike,
    run: int = 0,
    seed: Optional[int] = None,
    max_memory: Optional[int] = None,
) -> Trace:
    """Trace run number ``run`` of a scenario, as ``geoalign trace --out``; a trajectory
    predicted over ``max_memory`` (bytes; default half the machine's memory) is refused."""
    if isinstance(run, bool) or not isinstance(run, int) or run < 0:
        raise ValueError(f"run: {run!r}; expected a run number from 0")
    s = load(scenario)
    tables = _geoalign.trace(s, run, seed, max_memory)
    return Trace(s, run, s.seed if seed is None else seed, tables)


def _param(key: str, spec) -> str:
    """``KEY=LO:HI[:N]`` from a ``(lo, hi)`` or ``(lo, hi, n)`` pair (floats written in full,
    so the sweep sees the very doubles given)."""
    if isinstance(spec, str):
        return f"{key}={spec}"
    parts = list(spec)
    if len(parts) not in (2, 3):
        raise ValueError(f"{key}: {spec!r}; expected (lo, hi) or (lo, hi, levels)")
    lo, hi = (repr(float(x)) for x in parts[:2])
    levels = f":{int(parts[2])}" if len(parts) == 3 else ""
    return f"{key}={lo}:{hi}{levels}"


def sweep(
    scenario: Union[str, "os.PathLike[str]"],
    params: Union[Dict[str, tuple], List[str]],
    design: str = "grid",
    points: Optional[int] = None,
    runs: int = _geoalign.DEFAULT_SWEEP_RUNS,
    outcomes: Optional[List[str]] = None,
    quantities: Optional[List[str]] = None,
    design_seed: Optional[int] = None,
    threads: Optional[int] = None,
    progress: Optional[bool] = None,
    posterior: Optional[Union[str, "os.PathLike[str]"]] = None,
) -> pd.DataFrame:
    """Outcome probabilities and quantity means at every point of a design over scenario
    parameters, as ``geoalign sweep``: the data frame of ``sweep.csv`` (``point``, one column
    per parameter, ``output, category, value, ci_low, ci_high, sd, count, runs``).

    ``scenario`` is a ``builtin:`` name or a file (every design point rebuilds the scenario
    from it with the parameters set). ``params`` maps each dotted key of the scenario format
    to its range ``(lo, hi)``, or ``(lo, hi, levels)`` for a grid, e.g.
    ``{"parameters.noise": (0.01, 0.06)}``; or a list of ``"KEY=LO:HI[:N]"``.
    ``design`` is ``"grid"`` (every combination of the levels, 5 per parameter by default),
    ``"lhs"`` (a Latin hypercube) or ``"sobol"`` (a scrambled Sobol sequence) of ``points``
    points (default 10 per parameter). ``runs`` per point use run indices 0..runs under the
    scenario's seed at every point. ``outcomes`` (names the scenario declares, or
    ``"csto-futures"``) and ``quantities`` (``"STATE.COMPONENT@WHEN"``, e.g.
    ``"Tajikistan.Russia@horizon"``) choose the outputs (default: the CSTO futures).
    ``posterior`` (a sample fitted on ``scenario``) draws the other parameters of each run,
    the same particle for run ``r`` at every point, as ``geoalign sweep --posterior``.
    """
    if isinstance(scenario, Scenario):
        raise TypeError(
            "sweep rebuilds the scenario from its file at every design point: give a "
            "builtin: name or a path, not a loaded Scenario"
        )
    if isinstance(scenario, os.PathLike):
        scenario = os.fspath(scenario)
    if not isinstance(scenario, str):
        raise TypeError(f"a sweep's scenario is a builtin: name or a path, not {type(scenario).__name__}")
    if not scenario.startswith("builtin:") and _is_text(scenario):
        raise ValueError(
            "sweep rebuilds the scenario from its file at every design point: give a "
            "builtin: name or a path, not scenario text"
        )
    threads = _check(runs, threads)
    if isinstance(params, dict):
        texts = [_param(key, spec) for key, spec in params.items()]
    else:
        texts = [str(p) for p in params]
    kwargs = {} if design_seed is None else {"design_seed": design_seed}
    if posterior is not None:
        kwargs["posterior"] = os.fspath(posterior)
    with _Bar(None, "sweep", progress) as bar:
        warnings, text = _geoalign.sweep(
            scenario,
            texts,
            design=design,
            points=points,
            runs=runs,
            outcomes=list(outcomes or []),
            quantities=list(quantities or []),
            threads=threads,
            progress=bar.starter(),
            **kwargs,
        )
    for message in warnings:
        _warnings.warn(message, ScenarioWarning, stacklevel=2)
    return _frame(text)
