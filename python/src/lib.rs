//! `geoalign._geoalign`, the native half of the `geoalign` Python package: scenarios loaded
//! with their warnings, and ensembles, paired comparisons and traced runs whose results come
//! back as the CSV text the command line writes (`geoalign::output::tables`), which
//! `geoalign/__init__.py` reads into pandas data frames. The same library calls as the
//! `geoalign` binary, so Python and the command line give the same numbers.
//!
//! Runs release the GIL; the calling thread wakes every [`POLL`] to report progress and to
//! check for Ctrl-C, which stops the workers after their current block of runs.

// As the library: PyO3's macros keep their unsafe FFI glue inside PyO3's own crates.
#![forbid(unsafe_code)]

use geoalign::analysis::compare::Comparison;
use geoalign::analysis::ensemble::{memory, Ensemble};
use geoalign::analysis::posterior::Posterior;
use geoalign::analysis::sensitivity::{self, Base};
use geoalign::analysis::sweep::{Design, Sweep, SweepError, SweepParam, DEFAULT_POINTS_PER_PARAM};
use geoalign::output::message::{one_line, paragraph};
use geoalign::output::tables;
use geoalign::scenario_file::builtin;
use geoalign::{Scenario, Simulation};
use pyo3::create_exception;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use std::any::Any;
use std::error::Error;
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

create_exception!(
    geoalign,
    ScenarioError,
    PyValueError,
    "A scenario that cannot be loaded: the message locates the problem (file:line: `key`: what is wrong)."
);
create_exception!(
    geoalign,
    CompareError,
    PyValueError,
    "Two scenarios that cannot be compared run for run (different start, steps, states, powers or institutions)."
);
create_exception!(
    geoalign,
    SimulationError,
    PyRuntimeError,
    "A run, an ensemble or its tables failed (a memory limit, a failed run, an internal error)."
);

/// How often the waiting thread reports progress and checks for Ctrl-C. Reason: a tenth of a
/// second feels immediate at the keyboard and costs nothing beside the runs.
const POLL: Duration = Duration::from_millis(100);

/// A CSV table: its file name and text.
type Table = (String, String);

fn simulation_error(err: &(dyn Error + 'static)) -> PyErr {
    SimulationError::new_err(paragraph(err))
}

/// A loaded scenario with its warnings, each located as the command line prints them.
#[pyclass(name = "Scenario", module = "geoalign", frozen)]
struct PyScenario {
    scenario: Scenario,
    warnings: Vec<String>,
    /// The `builtin:` name or file it was loaded from (`None` for text): what a posterior
    /// sample's key tree is rebuilt from.
    origin: Option<String>,
}

impl PyScenario {
    fn new(scenario: Scenario, warnings: &[geoalign::Warning]) -> PyScenario {
        let warnings = warnings.iter().map(|w| one_line(&w.to_string())).collect();
        PyScenario {
            scenario,
            warnings,
            origin: None,
        }
    }

    fn loaded(loaded: Result<geoalign::Loaded, geoalign::ScenarioError>) -> PyResult<PyScenario> {
        let loaded = loaded.map_err(|e| ScenarioError::new_err(paragraph(&e)))?;
        Ok(PyScenario::new(loaded.scenario, &loaded.warnings))
    }

    /// The scenario's key tree, for a posterior sample: a builtin or a file only.
    fn base(&self) -> PyResult<Base> {
        let origin = self.origin.as_deref().ok_or_else(|| {
            PyValueError::new_err(
                "a posterior sample needs a scenario loaded from a file or a builtin: name (the sample records that scenario's fingerprint), not from text",
            )
        })?;
        Base::load(origin).map_err(|e| ScenarioError::new_err(paragraph(&e)))
    }
}

#[pymethods]
impl PyScenario {
    /// An embedded scenario by its `builtin:` name.
    #[staticmethod]
    fn builtin(name: &str) -> PyResult<PyScenario> {
        let scenario = geoalign::presets::builtin(name).ok_or_else(|| {
            let known: Vec<&str> = builtin::names().collect();
            ScenarioError::new_err(format!(
                "{name}: no such built-in scenario ({})",
                known.join(", ")
            ))
        })?;
        let warnings = scenario.warnings();
        let mut loaded = PyScenario::new(scenario, &warnings);
        loaded.origin = Some(name.to_string());
        Ok(loaded)
    }

    /// A scenario file; `extends` resolves beside it.
    #[staticmethod]
    fn from_file(path: PathBuf) -> PyResult<PyScenario> {
        let mut loaded = PyScenario::loaded(Scenario::from_file_with_warnings(&path))?;
        loaded.origin = path.to_str().map(str::to_string);
        Ok(loaded)
    }

    /// Scenario text; `name` is the file name its messages give, and `extends` resolves
    /// beside it (the current directory for the default `<text>`).
    #[staticmethod]
    #[pyo3(signature = (text, name = "<text>"))]
    fn from_text(text: &str, name: &str) -> PyResult<PyScenario> {
        PyScenario::loaded(Scenario::from_toml_str_with_warnings(text, name))
    }

    /// The scenario's name.
    #[getter]
    fn name(&self) -> &str {
        self.scenario.name()
    }

    /// Its own seed (used when a run is given none).
    #[getter]
    fn seed(&self) -> u64 {
        self.scenario.seed()
    }

    /// The first month, `YYYY-MM`.
    #[getter]
    fn start(&self) -> String {
        self.scenario.start().to_string()
    }

    /// The months stepped.
    #[getter]
    fn steps(&self) -> u32 {
        self.scenario.steps()
    }

    /// The warnings found while loading, located (`file:line: `key`: message`).
    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.warnings.clone()
    }

    fn __repr__(&self) -> String {
        format!(
            "<geoalign.Scenario {:?}: {} steps from {}, seed {}>",
            self.scenario.name(),
            self.scenario.steps(),
            self.scenario.start(),
            self.scenario.seed()
        )
    }
}

/// The ensemble API has no cancellation: a cancelled job's progress callback unwinds with
/// this payload (through `resume_unwind`, which skips the panic hook, so nothing is printed),
/// which stops each worker at the end of its current block; the partial results are dropped.
struct Cancelled;

/// Run `work` on its own thread with the GIL released, handing it a progress callback. Every
/// [`POLL`] the calling thread takes the GIL back to pass the runs done to `progress` and to
/// check for signals: Ctrl-C (or an exception from `progress`) cancels the work and is raised
/// once it has stopped. A panic becomes a [`SimulationError`], never a crash.
fn detached<T, W>(py: Python<'_>, progress: Option<Py<PyAny>>, work: W) -> PyResult<T>
where
    T: Send,
    W: FnOnce(&(dyn Fn(u64) + Sync)) -> T + Send,
{
    let done = AtomicU64::new(0);
    let cancel = AtomicBool::new(false);
    let report = |n: u64| {
        done.fetch_max(n, Ordering::Relaxed);
        if cancel.load(Ordering::Relaxed) {
            panic::resume_unwind(Box::new(Cancelled));
        }
    };
    let mut stopped: Option<PyErr> = None;
    let outcome = py.detach(|| {
        let waiting = std::thread::current();
        std::thread::scope(|scope| {
            let worker = scope.spawn(|| {
                let result = panic::catch_unwind(AssertUnwindSafe(|| work(&report)));
                waiting.unpark();
                result
            });
            let mut shown = 0;
            while !worker.is_finished() {
                std::thread::park_timeout(POLL);
                if stopped.is_some() || worker.is_finished() {
                    continue;
                }
                Python::attach(|py| {
                    let mut check = || -> PyResult<()> {
                        py.check_signals()?;
                        let n = done.load(Ordering::Relaxed);
                        if let (Some(callback), true) = (&progress, n != shown) {
                            callback.call1(py, (n,))?;
                            shown = n;
                        }
                        Ok(())
                    };
                    if let Err(e) = check() {
                        stopped = Some(e);
                        cancel.store(true, Ordering::Relaxed);
                    }
                });
            }
            worker
                .join()
                .unwrap_or_else(|payload| Err(payload as Box<dyn Any + Send>))
        })
    });
    match outcome {
        Ok(value) => match stopped {
            // Stopped too late to cancel: the work finished, the interrupt still stands.
            Some(e) => Err(e),
            None => Ok(value),
        },
        Err(payload) if payload.is::<Cancelled>() => {
            Err(stopped.unwrap_or_else(|| SimulationError::new_err("cancelled")))
        }
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown cause".into());
            Err(SimulationError::new_err(format!(
                "internal error (a bug in geoalign; please report it with the call that caused it): {what}"
            )))
        }
    }
}

/// `geoalign run`: the ensemble of `runs` runs of `scenario` and its CSV tables.
#[pyfunction]
#[pyo3(signature = (scenario, runs, seed = None, threads = 0, record_every = 0, similarity = None, max_memory = None, progress = None, posterior = None))]
#[allow(clippy::too_many_arguments)] // the command line's options, one keyword each
fn run(
    py: Python<'_>,
    scenario: &PyScenario,
    runs: u64,
    seed: Option<u64>,
    threads: usize,
    record_every: u32,
    similarity: Option<bool>,
    max_memory: Option<u64>,
    progress: Option<Py<PyAny>>,
    posterior: Option<PathBuf>,
) -> PyResult<Vec<Table>> {
    let mut s = scenario.scenario.clone();
    if let Some(seed) = seed {
        s.set_seed(seed);
    }
    let mut ensemble = Ensemble::new(s, runs)
        .threads(threads)
        .record_every(record_every);
    if let Some(on) = similarity {
        ensemble = ensemble.similarity(on);
    }
    if let Some(bytes) = max_memory {
        ensemble = ensemble.max_memory(bytes);
    }
    if let Some(path) = posterior {
        // As `geoalign run --posterior`: each run draws its parameters from the sample.
        let base = scenario.base()?;
        let sample = Posterior::read(&path).map_err(|e| ScenarioError::new_err(paragraph(&e)))?;
        ensemble = ensemble
            .posterior(&base, Arc::new(sample), &path)
            .map_err(|e| ScenarioError::new_err(paragraph(&e)))?;
    }
    let summary = detached(py, progress, |report| {
        ensemble
            .run_with_progress(report)
            .map_err(|e| simulation_error(&e))
    })??;
    tables::summary_tables(&summary).map_err(|e| simulation_error(&e))
}

/// `geoalign compare`: the paired comparison of `alt` with `base`, its seed, its note on
/// the seeds, and its CSV tables.
#[pyfunction]
#[pyo3(signature = (base, alt, runs, seed = None, threads = 0, record_every = 0, max_memory = None, progress = None, posterior = None))]
#[allow(clippy::too_many_arguments)] // the command line's options, one keyword each
fn compare(
    py: Python<'_>,
    base: &PyScenario,
    alt: &PyScenario,
    runs: u64,
    seed: Option<u64>,
    threads: usize,
    record_every: u32,
    max_memory: Option<u64>,
    progress: Option<Py<PyAny>>,
    posterior: Option<PathBuf>,
) -> PyResult<(u64, Option<String>, Vec<Table>)> {
    let mut comparison = Comparison::new(base.scenario.clone(), alt.scenario.clone(), runs)
        .map_err(|e| CompareError::new_err(paragraph(&e)))?;
    if let Some(path) = posterior {
        // As `geoalign compare --posterior`: run r of both sides takes the same particle.
        let (b, a) = (base.base()?, alt.base()?);
        let sample = Posterior::read(&path).map_err(|e| ScenarioError::new_err(paragraph(&e)))?;
        comparison = comparison
            .posterior(&b, &a, Arc::new(sample), &path)
            .map_err(|e| ScenarioError::new_err(paragraph(&e)))?;
    }
    let mut comparison = comparison.threads(threads).record_every(record_every);
    if let Some(seed) = seed {
        comparison = comparison.seed(seed);
    }
    if let Some(bytes) = max_memory {
        comparison = comparison.max_memory(bytes);
    }
    let note = comparison.seed_note();
    let paired = detached(py, progress, |report| {
        comparison
            .run_with_progress(report)
            .map_err(|e| simulation_error(&e))
    })??;
    let tables = tables::comparison_tables(&paired).map_err(|e| simulation_error(&e))?;
    Ok((paired.seed, note, tables))
}

/// `geoalign trace`: run number `run` of `scenario`, its events and its trajectory as CSV.
/// A trajectory (and its CSV text, about as large again) that would not fit the memory limit
/// is refused before the run, as the command line refuses it.
#[pyfunction]
#[pyo3(signature = (scenario, run = 0, seed = None, max_memory = None))]
fn trace(
    py: Python<'_>,
    scenario: &PyScenario,
    run: u64,
    seed: Option<u64>,
    max_memory: Option<u64>,
) -> PyResult<Vec<Table>> {
    let mut s = scenario.scenario.clone();
    if let Some(seed) = seed {
        s.set_seed(seed);
    }
    let limit = max_memory.unwrap_or_else(memory::default_limit);
    let process = memory::resident_memory().unwrap_or(memory::PROCESS_BYTES);
    // The JSON text's estimate stands for the CSV text's: both hold every share as text.
    let needed = memory::trajectory_bytes(&s, true);
    if process.saturating_add(needed) > limit {
        return Err(SimulationError::new_err(format!(
            "memory: the trajectory of {} steps needs about {} with its CSV text beside the {} this process holds, over the limit of {}; trace a shorter horizon or raise max_memory",
            s.steps(),
            memory::Bytes(needed),
            memory::Bytes(process),
            memory::Bytes(limit)
        )));
    }
    let sim = Simulation::new(s);
    let tables = detached(py, None, |_| {
        let t = sim.trajectory(run).map_err(|e| simulation_error(&e))?;
        tables::trace_tables(sim.scenario(), &t).map_err(|e| simulation_error(&e))
    })?;
    tables
}

/// A sweep's error as an exception: the base scenario's as a [`ScenarioError`], a failed run
/// or thread pool as a [`SimulationError`], a parameter, design or output the sweep refuses
/// as a `ValueError`.
fn sweep_error(err: SweepError) -> PyErr {
    match err {
        SweepError::Scenario(_) => ScenarioError::new_err(paragraph(&err)),
        SweepError::Run { .. } | SweepError::Threads(_) => simulation_error(&err),
        _ => PyValueError::new_err(paragraph(&err)),
    }
}

/// `geoalign sweep`: outcome probabilities (and quantity means) at every point of a design
/// over `params` (`KEY=LO:HI[:N]` each), with the base's warnings and `sweep.csv`'s text.
/// `progress`, if given, is called once with the total runs and returns the callable that is
/// then given the runs done.
#[pyfunction]
#[pyo3(signature = (
    scenario, params, design = "grid", points = None, runs = sensitivity::DEFAULT_RUNS_PER_POINT,
    outcomes = Vec::new(), quantities = Vec::new(),
    design_seed = sensitivity::DEFAULT_DESIGN_SEED, threads = 0, progress = None, posterior = None
))]
#[allow(clippy::too_many_arguments)] // the command line's options, one keyword each
fn sweep(
    py: Python<'_>,
    scenario: &str,
    params: Vec<String>,
    design: &str,
    points: Option<usize>,
    runs: u64,
    outcomes: Vec<String>,
    quantities: Vec<String>,
    design_seed: u64,
    threads: usize,
    progress: Option<Py<PyAny>>,
    posterior: Option<PathBuf>,
) -> PyResult<(Vec<String>, String)> {
    // As `geoalign sweep`: a builtin name or a file, which each design point rebuilds.
    let base = Base::load(scenario).map_err(|e| ScenarioError::new_err(paragraph(&e)))?;
    let warnings = base
        .warnings()
        .iter()
        .map(|w| one_line(&w.to_string()))
        .collect();
    let params = params
        .iter()
        .map(|p| p.parse::<SweepParam>().map_err(sweep_error))
        .collect::<PyResult<Vec<_>>>()?;
    let sized = points.unwrap_or(DEFAULT_POINTS_PER_PARAM.saturating_mul(params.len()));
    let design = match (design, points) {
        ("grid", Some(points)) => return Err(sweep_error(SweepError::PointsOnGrid(points))),
        ("grid", None) => Design::Grid,
        ("lhs", _) => Design::Lhs { points: sized },
        ("sobol", _) => Design::Sobol { points: sized },
        (other, _) => {
            return Err(PyValueError::new_err(format!(
                "design `{other}`: expected grid, lhs or sobol"
            )))
        }
    };
    let mut sweep = Sweep::new(base.clone(), params, design)
        .runs_per_point(runs)
        .design_seed(design_seed)
        .threads(threads);
    if let Some(path) = posterior {
        // As `geoalign sweep --posterior`: run r draws the same particle at every point.
        let sample = Posterior::read(&path).map_err(|e| ScenarioError::new_err(paragraph(&e)))?;
        sweep = sweep
            .posterior(Arc::new(sample), &path)
            .map_err(sweep_error)?;
    }
    for name in &outcomes {
        let outcome = base
            .outcome(name)
            .map_err(|e| PyValueError::new_err(paragraph(&e)))?;
        sweep = sweep.output(outcome);
    }
    for text in &quantities {
        let quantity = base
            .quantity(text)
            .map_err(|e| PyValueError::new_err(paragraph(&e)))?;
        sweep = sweep.output(quantity);
    }
    // Everything checkable is checked before a thread starts, as the command line does.
    sweep.job().map_err(sweep_error)?;
    let total = sweep.point_range().map_err(sweep_error)?.len() as u64 * runs;
    let update = progress
        .map(|start| start.call1(py, (total,)))
        .transpose()?;
    let table = detached(py, update, |report| sweep.run(report).map_err(sweep_error))??;
    Ok((warnings, table.to_csv()))
}

/// The `builtin:` names.
#[pyfunction]
fn builtin_names() -> Vec<&'static str> {
    builtin::names().collect()
}

/// The native module.
#[pymodule]
fn _geoalign(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("ScenarioError", py.get_type::<ScenarioError>())?;
    m.add("CompareError", py.get_type::<CompareError>())?;
    m.add("SimulationError", py.get_type::<SimulationError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<PyScenario>()?;
    m.add_function(wrap_pyfunction!(run, m)?)?;
    m.add_function(wrap_pyfunction!(compare, m)?)?;
    m.add_function(wrap_pyfunction!(trace, m)?)?;
    m.add_function(wrap_pyfunction!(sweep, m)?)?;
    m.add("DEFAULT_SWEEP_RUNS", sensitivity::DEFAULT_RUNS_PER_POINT)?;
    m.add_function(wrap_pyfunction!(builtin_names, m)?)?;
    Ok(())
}
