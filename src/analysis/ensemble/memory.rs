//! The memory of an ensemble, predicted from the scenario's dimensions before any of it is
//! spent, and the limit a job must fit.
//!
//! **What is counted.** The limit bounds the whole process's peak resident memory, so the
//! estimate starts from what the process holds already ([`resident_memory`]: the binary, the
//! scenario read and prepared, earlier summaries; [`PROCESS_BYTES`] where it cannot be read).
//! To it an ensemble adds, per worker thread, one summary accumulator (four
//! [`Sketches`](super::sketch) of [`SKETCH_CELL_BYTES`] per cell), the pending histogram bins
//! of a block of runs ([`PENDING_CELL_BYTES`] per cell) and one run's state (with the acting
//! powers' stocks and defection memory, [`power_stocks_bytes`]). The workers'
//! accumulators are merged into the first one, so no further summary is allocated at the end.
//! The cells of a summary are
//!
//! * alignment: recorded steps × states × components (powers + 1),
//! * cohesion and credibility: recorded steps × institutions each,
//! * state-pair similarity at the horizon: states², when it is computed;
//! * the powers' actions (docs/model.md §9.8): recorded steps × acting (state, power) pairs ×
//!   ([`ACTIONS`](crate::sim::powers::ACTIONS) spending shares + the coercion cut), none when
//!   no power acts;
//!
//! and each declared outcome's series counts, two per recorded step, a punishment count
//! per recorded step and acting pair, and the event frequencies by date, at most
//! [`MAX_EVENT_CELLS`](super::MAX_EVENT_CELLS) cells of 64 bytes.
//!
//! The estimate is an upper bound: it counts every accumulator as touched, while the operating
//! system maps untouched zero pages lazily. `tests/memory.rs` checks it against the peak
//! resident memory of real runs. What an [`Outcome`](super::Outcome) keeps in its notes is
//! not predicted: the built-in outcomes keep a few numbers per run.
//!
//! **The limit.** By default half of the machine's memory ([`default_limit`]); a job over its
//! limit is refused with [`EnsembleError::MemoryLimit`](super::EnsembleError::MemoryLimit)
//! before anything large is allocated, and worker threads are started only as far as their
//! accumulators fit ([`MemoryEstimate::workers`]). Results do not depend on the number of
//! workers (see the [module docs](super)), so this cap changes no number.
//!
//! ```
//! use geoalign::analysis::ensemble::Ensemble;
//! let ensemble = Ensemble::new(geoalign::presets::eurasia_2025(), 100).threads(2);
//! let estimate = ensemble.memory_estimate();
//! // 121 monthly steps × (12 states × 7 components + 42 acting state–power pairs × 8),
//! // 848 bytes a cell: under 45 MiB a worker.
//! assert!(estimate.summary < 45 << 20);
//! assert_eq!(estimate.workers, 2);
//! assert!(estimate.total() <= estimate.limit);
//! ```

use super::sketch::BINS;
use super::BLOCK;
use crate::model::World;
use crate::sim::Scenario;
use std::fmt;
use std::path::Path;

/// Bytes of one cell of a summary's sketches: the fixed-point sum and sum of squares (two
/// `u128`), the exact minimum and maximum (two `f64`) and [`BINS`] histogram counts (`u32`):
/// 848 bytes.
pub const SKETCH_CELL_BYTES: u64 = (2 * std::mem::size_of::<u128>()
    + 2 * std::mem::size_of::<f64>()
    + BINS * std::mem::size_of::<u32>()) as u64;

/// Bytes per cell of a worker's pending histogram bins: one byte for each run of a block.
pub const PENDING_CELL_BYTES: u64 = BLOCK;

/// What the process is taken to hold already where [`resident_memory`] cannot be read (not
/// Linux): the binary, its libraries, the allocator and a scenario. `geoalign` holds 6.4 MB
/// with the embedded world and 64 MB after reading a 1 MB file of 2,000 states (the parser's
/// memory stays in the heap); 64 MiB covers files up to that size.
pub const PROCESS_BYTES: u64 = 64 << 20;

/// Per worker thread, beside its accumulator: the stack pages it touches and its allocator
/// arena. A worker's stack is 2 MiB of address space of which a run touches a few pages;
/// 1 MiB is a generous bound on what becomes resident.
pub const THREAD_BYTES: u64 = 1 << 20;

/// The limit where the machine's memory cannot be read (no `/proc/meminfo`): 4 GiB, which
/// any machine that runs a 10,000-state benchmark has, and which holds the Eurasia world
/// recorded monthly for a century on every thread of a 64-core machine.
pub const FALLBACK_LIMIT: u64 = 4 << 30;

/// Allowance beside the counted parts: what the command line allocates after the run (the
/// CSV writer's buffers, one SVG chart at a time, the printed tables) and the allocator's
/// rounding. Measured peaks of a 2,000-state world came within 4 MiB of the counted parts;
/// 8 MiB keeps the estimate above them.
pub const SLACK_BYTES: u64 = 8 << 20;

/// Largest file read to learn the machine's memory (`/proc/meminfo` is about 1.5 KB).
const MEMINFO_BOUND: u64 = 1 << 16;

/// The default memory limit of a job: half of the memory the process may use, which is the
/// smaller of the machine's physical memory (`MemTotal` in `/proc/meminfo`) and its control
/// group's limit (`/sys/fs/cgroup/memory.max`, where one is set); [`FALLBACK_LIMIT`] where
/// neither can be read. Half, because the machine runs other things too (the operating
/// system's file cache, the shell, other jobs), and a job that needs more can be given it
/// explicitly ([`super::Ensemble::max_memory`], `--max-memory`).
///
/// # Examples
///
/// ```
/// let limit = geoalign::analysis::ensemble::memory::default_limit();
/// assert!(limit >= 1 << 20);
/// ```
pub fn default_limit() -> u64 {
    let machine = physical_memory();
    let group = cgroup_limit();
    match (machine, group) {
        (Some(m), Some(g)) => m.min(g) / 2,
        (Some(m), None) => m / 2,
        (None, Some(g)) => g / 2,
        (None, None) => FALLBACK_LIMIT,
    }
}

/// The machine's physical memory in bytes: `MemTotal` of `/proc/meminfo` (Linux).
pub fn physical_memory() -> Option<u64> {
    kib_field(Path::new("/proc/meminfo"), "MemTotal:")
}

/// The process's resident memory now, in bytes: `VmRSS` of `/proc/self/status` (Linux).
pub fn resident_memory() -> Option<u64> {
    kib_field(Path::new("/proc/self/status"), "VmRSS:")
}

/// The process's peak resident memory so far, in bytes: `VmHWM` of `/proc/self/status`
/// (Linux), what `/usr/bin/time` reports as the maximum resident set size.
///
/// # Examples
///
/// ```
/// use geoalign::analysis::ensemble::memory::{peak_resident_memory, resident_memory};
/// if let (Some(now), Some(peak)) = (resident_memory(), peak_resident_memory()) {
///     assert!(now <= peak);
/// }
/// ```
pub fn peak_resident_memory() -> Option<u64> {
    kib_field(Path::new("/proc/self/status"), "VmHWM:")
}

/// The value of the line `key  N kB` of a `/proc` file, in bytes.
fn kib_field(path: &Path, key: &str) -> Option<u64> {
    let bytes = crate::files::read_regular(path, MEMINFO_BOUND).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let line = text.lines().find(|l| l.starts_with(key))?;
    let kib: u64 = line[key.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    kib.checked_mul(1024)
}

/// The memory limit of the process's control group (cgroup v2), when one is set.
fn cgroup_limit() -> Option<u64> {
    let bytes =
        crate::files::read_regular(Path::new("/sys/fs/cgroup/memory.max"), MEMINFO_BOUND).ok()?;
    // "max" (no limit) does not parse, and gives None.
    String::from_utf8(bytes).ok()?.trim().parse().ok()
}

/// A job's predicted peak memory, with its parts. Bytes throughout.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct MemoryEstimate {
    /// One summary accumulator: its sketches (cells × [`SKETCH_CELL_BYTES`]), counts and names.
    pub summary: u64,
    /// Of [`MemoryEstimate::summary`], the state-pair similarity (states² cells; 0 when it is
    /// not computed).
    pub similarity: u64,
    /// One worker's pending histogram bins (cells × [`PENDING_CELL_BYTES`]).
    pub pending: u64,
    /// One worker's run: the run state, the dynamics' scratch space, the horizon's similarity
    /// matrix, and the thread itself ([`THREAD_BYTES`]).
    pub run: u64,
    /// What the process holds before the job: its resident memory ([`resident_memory`]), or
    /// [`PROCESS_BYTES`] where that cannot be read. It includes the scenario and the prepared
    /// simulation (drivers tabulated over the horizon).
    pub process: u64,
    /// Allocated once for the job, beside the workers: the scenario's JSON form, hashed into
    /// the summary's fingerprint, and [`SLACK_BYTES`].
    pub shared: u64,
    /// Worker threads the job starts: the threads asked for (0: one per core), at most one
    /// per block of runs, and at most as many as the limit holds (at least 1).
    pub workers: usize,
    /// Threads asked for, 0 resolved to the number of cores.
    pub threads_asked: usize,
    /// Workers the job would start without a limit: the threads asked for, at most one per
    /// block of runs. [`MemoryEstimate::workers`] is lower when the limit holds fewer.
    pub workers_wanted: usize,
    /// The memory limit of the job.
    pub limit: u64,
    /// Steps the summary records: every `record_every`-th step and the horizon.
    pub recorded_steps: u64,
    /// Distinct particles of a posterior sample the runs draw, each built and held once
    /// ([`super::Ensemble::posterior`]); 0 without a posterior.
    pub particles: u64,
    /// Of [`MemoryEstimate::shared`], the particles' simulations: [`particle_bytes`] each.
    pub particles_bytes: u64,
}

impl MemoryEstimate {
    /// One worker's bytes: its accumulator, pending bins and run.
    pub fn per_worker(&self) -> u64 {
        self.summary
            .saturating_add(self.pending)
            .saturating_add(self.run)
    }

    /// The predicted peak: the process, the shared part and every worker's.
    pub fn total(&self) -> u64 {
        self.process
            .saturating_add(self.shared)
            .saturating_add(self.per_worker().saturating_mul(self.workers as u64))
    }

    /// Whether the job fits its limit (with its [`MemoryEstimate::workers`]).
    pub fn fits(&self) -> bool {
        self.total() <= self.limit
    }
}

impl fmt::Display for MemoryEstimate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "about {} ({} worker{} × {}: summary {}",
            Bytes(self.total()),
            self.workers,
            if self.workers == 1 { "" } else { "s" },
            Bytes(self.per_worker()),
            Bytes(self.summary),
        )?;
        if self.similarity > 0 {
            write!(
                f,
                " of which state-pair similarity {}",
                Bytes(self.similarity)
            )?;
        }
        write!(
            f,
            ", pending bins {}, run {}; process before the job {}; shared {})",
            Bytes(self.pending),
            Bytes(self.run),
            Bytes(self.process),
            Bytes(self.shared)
        )?;
        if self.particles > 0 {
            write!(
                f,
                ", of which {} for the {} posterior particles drawn",
                Bytes(self.particles_bytes),
                self.particles
            )?;
        }
        Ok(())
    }
}

/// A byte count in human units, binary multiples with one decimal (`512.0 MiB`, `3.2 GiB`).
///
/// # Examples
///
/// ```
/// use geoalign::analysis::ensemble::memory::Bytes;
/// assert_eq!(Bytes(3 << 29).to_string(), "1.5 GiB");
/// assert_eq!(Bytes(900).to_string(), "900 B");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bytes(pub u64);

impl fmt::Display for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
        if self.0 < 1024 {
            return write!(f, "{} B", self.0);
        }
        let mut value = self.0 as f64 / 1024.0;
        let mut unit = 0;
        while value >= 1024.0 && unit + 1 < UNITS.len() {
            value /= 1024.0;
            unit += 1;
        }
        write!(f, "{value:.1} {}", UNITS[unit])
    }
}

/// A size as the command line takes it: a whole number of bytes, or one followed by `K`, `M`,
/// `G` or `T` (binary multiples: `512M` is 512 MiB; a trailing `B` or `iB` is allowed).
///
/// # Examples
///
/// ```
/// use geoalign::analysis::ensemble::memory::parse_size;
/// assert_eq!(parse_size("4G"), Ok(4 << 30));
/// assert_eq!(parse_size("512MiB"), Ok(512 << 20));
/// assert_eq!(parse_size("1000"), Ok(1000));
/// assert!(parse_size("lots").is_err());
/// ```
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let t = t
        .strip_suffix("iB")
        .or_else(|| t.strip_suffix('B'))
        .unwrap_or(t);
    let (digits, shift) = match t.chars().last().map(|c| c.to_ascii_uppercase()) {
        Some('K') => (&t[..t.len() - 1], 10),
        Some('M') => (&t[..t.len() - 1], 20),
        Some('G') => (&t[..t.len() - 1], 30),
        Some('T') => (&t[..t.len() - 1], 40),
        _ => (t, 0),
    };
    let n: u64 = digits.trim().parse().map_err(|_| {
        format!("`{text}` is not a size: write bytes or a number with K, M, G or T, e.g. 512M")
    })?;
    if n == 0 {
        return Err(format!("`{text}`: a memory limit must be more than 0"));
    }
    n.checked_mul(1 << shift)
        .ok_or_else(|| format!("`{text}` is more bytes than can be counted"))
}

/// What a job records and how it runs, as far as memory depends on it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Plan {
    /// Record every `record_every`-th step (≥ 1) and the horizon.
    pub record_every: u32,
    /// Whether the state-pair similarity is computed.
    pub similarity: bool,
    /// Threads asked for, 0 resolved.
    pub threads: usize,
    /// Blocks of runs in the job (workers beyond it would have nothing to do).
    pub blocks: u64,
    /// The limit.
    pub limit: u64,
    /// What the process holds before the job ([`MemoryEstimate::process`]).
    pub process: u64,
}

/// Steps recorded out of `0..=steps` when every `every`-th is kept, and the horizon. Taken in
/// `u64` because a partial's header may claim any horizon ([`super::Dimensions`]); saturates
/// rather than overflows there, and the cell counts built on it are checked.
pub(crate) fn recorded_count(steps: u64, every: u64) -> u64 {
    let every = every.max(1);
    (steps / every).saturating_add(1 + u64::from(steps % every != 0))
}

/// Bytes of the names a summary copies from the world (states, powers, institutions, members),
/// with each `String`'s header.
fn names_bytes(world: &World) -> u64 {
    const HEADER: u64 = std::mem::size_of::<String>() as u64;
    let name = |n: &str| n.len() as u64 + HEADER;
    let states: u64 = world.states().iter().map(|s| name(&s.name)).sum();
    let powers: u64 = world.powers().iter().map(|p| name(&p.name)).sum();
    let institutions: u64 = world
        .institutions()
        .iter()
        .map(|i| {
            let members: u64 = i
                .members
                .iter()
                .map(|(s, _)| name(&world.states()[s.index()].name) + 16)
                .sum();
            name(&i.name) + members
        })
        .sum();
    states + powers + institutions
}

/// Members of all institutions of `world`, counted once per institution they belong to.
fn member_count(world: &World) -> u64 {
    world
        .institutions()
        .iter()
        .map(|x| x.members.len() as u64)
        .sum()
}

/// Bytes of one run state of `world` (alignment, ties, per-power and per-institution values,
/// participation, the events' state): 8 bytes a number, and a vector header per list.
fn run_state_bytes(world: &World) -> u64 {
    let s = world.states().len() as u64;
    let p = world.powers().len() as u64;
    let i = world.institutions().len() as u64;
    let members = member_count(world);
    let numbers = s * world.components() as u64
        + world.ties().len() as u64
        + p * (2 + crate::model::Channel::COUNT as u64)
        + 2 * i
        // Grievances and the hostile interventions' co-ethnic shares (docs/model.md §3.4).
        + 2 * s * p
        // The hostile interventions' threat shifts.
        + p
        + s;
    8 * numbers + 8 * members + 48 * (i + 10)
}

/// Bytes of the acting powers' stocks and memory in one run state
/// ([`PowerStocks`](crate::sim::powers::PowerStocks), docs/model.md §9), 0 when no power acts:
/// per (state, power) pair the offer stocks (one per channel), the coercion stock, the month's
/// spending (one per action), the defection memory's ring of `window` months and its flag, and
/// at most one punishment; the relations and the relation shifts (powers² each), and the
/// members' participation of last month.
///
/// # Examples
///
/// ```
/// use geoalign::analysis::ensemble::memory::power_stocks_bytes;
/// use geoalign::{Disposition, Power, State, World};
/// let world = || {
///     World::builder()
///         .power(Power::new("A"))
///         .state(State::new("S", Disposition::Hedge, vec![0.5, 0.5]))
/// };
/// // No budget: no stocks.
/// assert_eq!(power_stocks_bytes(&world().build().unwrap()), 0);
/// // One acting pair, a window of 12 months: 8 offers, coercion, 7 spendings and 12 months
/// // of memory (28 numbers), the relations, and the rest.
/// let acting = world().budget("A", 0.05).priority("A", "S", 1.0).build().unwrap();
/// assert!(power_stocks_bytes(&acting) >= 28 * 8);
/// ```
pub fn power_stocks_bytes(world: &World) -> u64 {
    use crate::sim::powers::{Defection, ACTIONS};
    let agency = world.agency();
    if agency.is_inactive() {
        return 0;
    }
    let p = world.powers().len() as u64;
    let pairs = world.states().len() as u64 * p;
    let window = u64::from(agency.parameters.window);
    let numbers =
        pairs * (crate::model::Channel::COUNT as u64 + 1 + ACTIONS as u64 + window) + 2 * p * p;
    let punished = pairs * std::mem::size_of::<Defection>() as u64;
    let falling = pairs * std::mem::size_of::<bool>() as u64;
    let participation =
        member_count(world) * std::mem::size_of::<crate::model::Participation>() as u64;
    // Nine vectors, each with its header.
    8 * numbers + punished + falling + participation + 9 * 24
}

/// Estimate the peak memory of an ensemble of `scenario` run with `plan`.
pub(crate) fn estimate(scenario: &Scenario, plan: Plan) -> MemoryEstimate {
    let world = scenario.world();
    let s = world.states().len() as u64;
    let c = world.components() as u64;
    let i = world.institutions().len() as u64;
    let recorded = recorded_count(scenario.steps().into(), plan.record_every.into());
    let pair_cells = if plan.similarity { s * s } else { 0 };
    // The powers' cells (docs/model.md §9.8): per recorded step and acting (state, power)
    // pair, a spending share per action and the coercion cut, and a punishment count (u64).
    let acting = super::powers::acting_pairs(world).len() as u64;
    let power_cells = recorded * acting * (crate::sim::powers::ACTIONS as u64 + 1);
    let cells = recorded * s * c + 2 * recorded * i + pair_cells + power_cells;
    let members = member_count(world);
    // Each declared outcome's series: two categories' u64 counts per recorded step.
    let series = scenario.outcomes().len() as u64 * recorded * 2 * 8;
    let punished = recorded * acting * 8;
    // The event frequencies by date: at most `MAX_EVENT_CELLS` cells (super::events).
    let events = super::MAX_EVENT_CELLS as u64 * super::events::EVENT_CELL_BYTES;
    let summary = cells * SKETCH_CELL_BYTES
        + names_bytes(world)
        + 16 * members
        + 4096
        + series
        + punished
        + events;
    let pending = cells * PENDING_CELL_BYTES;
    let state = run_state_bytes(world);
    // A run holds its state and the dynamics' scratch (each about a run state), the state it
    // returns, and at the horizon the similarity matrix (an `Option<f64>` per pair). The
    // powers' stocks are in the run's state and the one it returns, not in the scratch.
    let stocks = power_stocks_bytes(world);
    let run = 3 * state + 2 * stocks + 16 * pair_cells + THREAD_BYTES;
    // The scenario's fingerprint serialises it once as JSON: about 24 characters an 8-byte
    // number of the world (three run states), and of each driver's points.
    let drivers = scenario.drivers().len() as u64 * (u64::from(scenario.steps()) + 1) * 8;
    let shared = 3 * (state + drivers) + names_bytes(world) + SLACK_BYTES;
    let estimate = MemoryEstimate {
        summary,
        similarity: pair_cells * SKETCH_CELL_BYTES,
        pending,
        run,
        process: plan.process,
        shared,
        workers: 1,
        threads_asked: plan.threads,
        workers_wanted: 1,
        limit: plan.limit,
        recorded_steps: recorded,
        particles: 0,
        particles_bytes: 0,
    };
    fit_workers(estimate, plan)
}

/// Bytes one particle of a posterior sample holds once built, for the rest of the ensemble
/// ([`super::Ensemble::posterior`]): its scenario and prepared simulation (the world, the
/// start state and the dynamics' constants, about six run states; the drivers tabulated
/// over the horizon; the names) and 64 KiB for the allocations' headers and rounding. An
/// upper bound: for the CSTO futures it predicts 119 KiB a particle where 63 KiB were
/// measured (869 particles drawn by 2,000 runs grew the peak by 54 MB); for the Eurasia
/// world 114 KiB against 53 KiB. The parser's tables of its build ([`PARSE_BYTES_PER_STATE`] a state) are freed once it is
/// built, and counted per worker, as each worker builds one at a time.
///
/// # Examples
///
/// ```
/// use geoalign::analysis::ensemble::memory::particle_bytes;
/// let bytes = particle_bytes(&geoalign::presets::eurasia_2025());
/// assert!(bytes > 64 << 10 && bytes < 4 << 20);
/// ```
pub fn particle_bytes(scenario: &Scenario) -> u64 {
    let world = scenario.world();
    let drivers = scenario.drivers().len() as u64 * (u64::from(scenario.steps()) + 1) * 8;
    6 * run_state_bytes(world) + drivers + names_bytes(world) + (64 << 10)
}

/// `estimate` of an ensemble whose runs draw `particles` distinct particles of a posterior
/// sample: the particles' simulations are shared ([`particle_bytes`] each), and each worker
/// may be building one (the parser's tables, [`PARSE_BYTES_PER_STATE`] a state); the
/// workers are fitted again. A posterior of `n` particles holds at most `min(n, runs)` of
/// them.
pub(crate) fn with_particles(
    mut estimate: MemoryEstimate,
    scenario: &Scenario,
    plan: Plan,
    particles: u64,
) -> MemoryEstimate {
    let held = particles.saturating_mul(particle_bytes(scenario));
    estimate.particles = particles;
    estimate.particles_bytes = held;
    estimate.shared = estimate.shared.saturating_add(held);
    estimate.run = estimate
        .run
        .saturating_add(PARSE_BYTES_PER_STATE * scenario.world().states().len() as u64);
    fit_workers(estimate, plan)
}

/// `estimate` with its workers set: the threads asked for, at most one per block of runs,
/// and at most as many as the limit holds beside the process and the shared part (at least 1).
fn fit_workers(mut estimate: MemoryEstimate, plan: Plan) -> MemoryEstimate {
    let wanted = (plan.threads.max(1) as u64).min(plan.blocks.max(1));
    let room = plan
        .limit
        .saturating_sub(plan.process.saturating_add(estimate.shared))
        / estimate.per_worker().max(1);
    estimate.workers_wanted = wanted as usize;
    estimate.workers = wanted.min(room).max(1) as usize;
    estimate
}

/// Bytes of one cell of a paired comparison's accumulator
/// ([`PairedSummary`](crate::analysis::compare::PairedSummary)): five `u128` sums (the base's
/// values and squares, the alternative's, and the squared differences), no histogram.
pub const PAIRED_CELL_BYTES: u64 = 5 * std::mem::size_of::<u128>() as u64;

/// Bytes a comparison's worker holds per cell to pair the base's run with the
/// alternative's: the base's recorded value, in fixed point.
pub const PAIRED_BUFFER_CELL_BYTES: u64 = std::mem::size_of::<u64>() as u64;

/// Estimate the peak memory of a paired comparison of `base` and `alt` run with `plan`
/// (similarity off), whose accumulator has `cells` cells and `outcome_bytes` of outcome
/// tables: per worker the accumulator ([`PAIRED_CELL_BYTES`] a cell, as `summary`), the base
/// run's recorded values ([`PAIRED_BUFFER_CELL_BYTES`] a cell, as `pending`) and both runs'
/// states (as `run`); shared, both scenarios' part.
pub(crate) fn paired_estimate(
    base: &Scenario,
    alt: &Scenario,
    plan: Plan,
    cells: u64,
    outcome_bytes: u64,
) -> MemoryEstimate {
    let plan = Plan {
        similarity: false,
        ..plan
    };
    let (b, a) = (estimate(base, plan), estimate(alt, plan));
    let names = names_bytes(base.world()) + names_bytes(alt.world());
    let estimate = MemoryEstimate {
        summary: cells
            .saturating_mul(PAIRED_CELL_BYTES)
            .saturating_add(names + 2 * outcome_bytes + 4096),
        similarity: 0,
        pending: cells.saturating_mul(PAIRED_BUFFER_CELL_BYTES),
        run: b.run.saturating_add(a.run),
        process: plan.process,
        // One slack is enough for the two.
        shared: b
            .shared
            .saturating_add(a.shared)
            .saturating_sub(SLACK_BYTES),
        workers: 1,
        threads_asked: plan.threads,
        workers_wanted: 1,
        limit: plan.limit,
        recorded_steps: b.recorded_steps,
        particles: 0,
        particles_bytes: 0,
    };
    fit_workers(estimate, plan)
}

/// Bytes a scenario read from a file keeps per state while it is built: the TOML parser's
/// tables and the loader's located values. Measured at 22 KiB a state (a sensitivity study of
/// a 2,000-state file grows by 45 MB a worker thread, `/usr/bin/time -v`); 32 KiB bounds it.
pub const PARSE_BYTES_PER_STATE: u64 = 32 << 10;

/// Bytes one worker of a sensitivity study holds beside the process: its design point's
/// scenario built from the base file ([`PARSE_BYTES_PER_STATE`] a state), the prepared
/// simulation (the world, the start and the drivers tabulated over the horizon), one run's
/// state and scratch, and the thread ([`THREAD_BYTES`]).
///
/// # Examples
///
/// ```
/// use geoalign::analysis::ensemble::memory::design_point_bytes;
/// let bytes = design_point_bytes(&geoalign::presets::eurasia_2025());
/// assert!(bytes > 1 << 20 && bytes < 8 << 20);
/// ```
pub fn design_point_bytes(scenario: &Scenario) -> u64 {
    let world = scenario.world();
    let drivers = scenario.drivers().len() as u64 * (u64::from(scenario.steps()) + 1) * 8;
    PARSE_BYTES_PER_STATE * world.states().len() as u64
        + 6 * run_state_bytes(world)
        + drivers
        + THREAD_BYTES
}

/// Bytes of the whole [`Trajectory`](crate::Trajectory) of one run of `scenario` (every
/// step's alignments, cohesions, credibilities, participations and capacities, with their
/// vector headers), and with `json` its JSON text as `geoalign trace --json` writes it (about
/// 24 characters a number).
///
/// # Examples
///
/// ```
/// use geoalign::analysis::ensemble::memory::trajectory_bytes;
/// let mut long = geoalign::presets::eurasia_2025();
/// long.set_steps(120_000).unwrap();
/// assert!(trajectory_bytes(&long, false) > 100 << 20);
/// ```
pub fn trajectory_bytes(scenario: &Scenario, json: bool) -> u64 {
    // Per list of a step: its vector header (24 bytes) and its allocation's bookkeeping and
    // rounding; 64 bytes in all matches the 171 MiB measured for 120,000 steps of the
    // Eurasia world (12 lists a step).
    const HEADER: u64 = 64;
    let world = scenario.world();
    let s = world.states().len() as u64;
    let p = world.powers().len() as u64;
    let i = world.institutions().len() as u64;
    let members = member_count(world);
    // When some power acts, each step also keeps its spending (7 actions) and coercion stocks
    // per state and power, in three more lists (the punishments' list is empty in most
    // months; each punishment's names are under 100 bytes and a handful a run).
    let acting = !world.agency().is_inactive();
    let actions = if acting {
        s * p * (recorded_actions() + 1)
    } else {
        0
    };
    let numbers = s * world.components() as u64 + 2 * i + p + actions;
    let lists = 5 + i + if acting { 3 } else { 0 };
    let per_step = 8 * numbers + members + HEADER * lists;
    let steps = u64::from(scenario.steps()) + 1;
    let text = if json {
        steps * (24 * numbers + 12 * members)
    } else {
        0
    };
    steps * per_step + text
}

/// Actions per (state, power) in a trajectory's record of the powers.
fn recorded_actions() -> u64 {
    crate::sim::powers::ACTIONS as u64
}

/// What to change so that an ensemble of `scenario` fits `limit` on one worker: the advice of
/// [`super::EnsembleError::MemoryLimit`].
pub(crate) fn advice(scenario: &Scenario, plan: Plan) -> String {
    let one = |similarity: bool, record_every: u32| {
        estimate(
            scenario,
            Plan {
                similarity,
                record_every,
                threads: 1,
                blocks: 1,
                ..plan
            },
        )
        .fits()
    };
    let mut ways = Vec::new();
    if plan.similarity && one(false, plan.record_every) {
        ways.push(
            "leave the state-pair similarity off (drop `--similarity`; `Ensemble::similarity(false)`)"
                .to_string(),
        );
    }
    // The sketches grow with the recorded steps: the smallest cadence that fits, found by
    // bisection (fitting is monotone in the cadence).
    let steps = scenario.steps().max(1);
    if !one(plan.similarity, plan.record_every) && one(false, steps) {
        let (mut lo, mut hi) = (plan.record_every.max(1), steps);
        while lo + 1 < hi {
            let mid = lo + (hi - lo) / 2;
            if one(false, mid) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        let similarity = if plan.similarity && !one(true, hi) {
            ", without the state-pair similarity"
        } else {
            ""
        };
        ways.push(format!(
            "record one step in {hi} (`--record-every {hi}`; `Ensemble::record_every({hi})`){similarity}"
        ));
    }
    if ways.is_empty() {
        let least = estimate(
            scenario,
            Plan {
                similarity: false,
                record_every: steps,
                threads: 1,
                blocks: 1,
                ..plan
            },
        );
        ways.push(format!(
            "the least this scenario can run in, one worker recording only the start and the horizon, is {}: use fewer states or powers",
            Bytes(least.total())
        ));
    }
    ways.push("raise the limit (`--max-memory`; `Ensemble::max_memory`)".into());
    ways.join("; or ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_holds_two_u128_two_f64_and_the_bins() {
        assert_eq!(SKETCH_CELL_BYTES, 848);
    }

    #[test]
    fn recorded_steps_include_the_horizon_once() {
        assert_eq!(recorded_count(120, 1), 121);
        assert_eq!(recorded_count(120, 10), 13);
        assert_eq!(recorded_count(125, 10), 14);
        assert_eq!(recorded_count(10, 100), 2);
        // A header may claim any horizon: no overflow.
        assert_eq!(recorded_count(u64::MAX, 1), u64::MAX);
        assert_eq!(recorded_count(u64::MAX, 0), u64::MAX);
    }

    #[test]
    fn sizes_parse_in_binary_units_and_refuse_nonsense() {
        assert_eq!(parse_size("2k"), Ok(2048));
        assert_eq!(parse_size(" 3 G "), Ok(3 << 30));
        assert!(parse_size("0").is_err());
        assert!(parse_size("-1M").is_err());
        assert!(parse_size("99999999999T").is_err());
    }
}
