//! Deferred work: a timer that ticks every 10 ms, a work item it queues every 10 ticks, and a
//! kernel thread. The timer counts in atomic context; the work item, which may sleep, takes a
//! mutex to aggregate and prints progress; the thread polls at its own pace. Unloading stops the
//! timer and the thread; a run of the work item still queued then runs to its end (unloading
//! waits for it). The totals are printed when the last of the three lets go of them.

#![no_std]

use core::sync::atomic::{AtomicU64, Ordering};
use kernel::kthread::KThread;
use kernel::prelude::*;
use kernel::time::timer::{Timer, TimerCallback, TimerHandle};
use kernel::time::{self, jiffies, msecs_to_jiffies, Jiffies, HZ};
use kernel::workqueue::{self, impl_has_work, new_work, Work, WorkItem};

module! {
    type: Deferred,
    name: "deferred",
    authors: ["kmod-rs developers"],
    description: "A periodic timer, the work item it queues and a kernel thread",
    license: "GPL",
    kunit_tests: [tests],
}

/// How often the timer fires.
const PERIOD_MS: u32 = 10;
/// The timer queues the work item every this many ticks.
const TICKS_PER_WORK: u64 = 10;
/// The work item prints progress every this many runs.
const RUNS_PER_REPORT: u64 = 3;
/// How long the kernel thread sleeps between two looks.
const THREAD_SLEEP_MS: u32 = 20;

/// What the timer, the work item and the thread count; shared by the three and the module, and
/// reported when the last of them drops it.
#[pin_data(PinnedDrop)]
struct Stats {
    ticks: AtomicU64,
    thread_loops: AtomicU64,
    #[pin]
    summary: Mutex<Summary>,
    start: Jiffies,
}

#[pinned_drop]
impl PinnedDrop for Stats {
    fn drop(self: Pin<&mut Self>) {
        let elapsed = jiffies().wrapping_sub(self.start);
        let summary = self.summary.lock();
        pr_info!(
            "stopped after {} jiffies: {} ticks, {} work runs (last saw {} ticks), {} thread loops\n",
            elapsed,
            self.ticks.load(Ordering::Relaxed),
            summary.runs,
            summary.last_ticks,
            self.thread_loops.load(Ordering::Relaxed),
        );
    }
}

impl Stats {
    /// Counts from zero, from now.
    fn new() -> Result<Arc<Stats>> {
        Arc::pin_init(
            pin_init!(Stats {
                ticks: AtomicU64::new(0),
                thread_loops: AtomicU64::new(0),
                summary <- new_mutex!(Summary { runs: 0, last_ticks: 0 }, "deferred_summary"),
                start: jiffies(),
            }),
            GFP_KERNEL,
        )
    }
}

/// What the work item aggregates, under a mutex: only process context may take it.
struct Summary {
    runs: u64,
    /// The tick count the work item saw on its latest run.
    last_ticks: u64,
}

/// The timer's data: a reference to the work item, which it queues.
struct Ticker {
    stats: Arc<Stats>,
    period: Jiffies,
    aggregate: Arc<Aggregate>,
}

impl TimerCallback for Ticker {
    fn run(timer: &Timer<Self>) {
        let ticks = timer.stats.ticks.fetch_add(1, Ordering::Relaxed) + 1;
        if ticks % TICKS_PER_WORK == 0 {
            // Queueing never sleeps. If the previous run is still queued, this one merges into
            // it, and the clone comes back (dropping it here is fine: the timer holds another).
            let _ = workqueue::system().enqueue(timer.aggregate.clone());
        }
        timer.schedule(timer.period);
    }
}

/// The work item: queued as an `Arc`, whose reference the queue holds until it runs.
#[pin_data]
struct Aggregate {
    stats: Arc<Stats>,
    #[pin]
    work: Work<Aggregate>,
}

impl_has_work! {
    impl HasWork<Self> for Aggregate { self.work }
}

impl WorkItem for Aggregate {
    type Pointer = Arc<Aggregate>;

    fn run(this: Arc<Aggregate>) {
        let ticks = this.stats.ticks.load(Ordering::Relaxed);
        let mut summary = this.stats.summary.lock();
        summary.runs += 1;
        summary.last_ticks = ticks;
        // Process context: sleeping is allowed, even with the mutex held.
        time::msleep(1);
        if summary.runs % RUNS_PER_REPORT == 0 {
            pr_info!("progress: {} ticks, {} work runs\n", ticks, summary.runs);
        }
    }
}

struct Deferred {
    ticker: Option<TimerHandle<Ticker>>,
    thread: Option<KThread>,
    _stats: Arc<Stats>,
}

impl kernel::Module for Deferred {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let stats = Stats::new()?;
        let shared = stats.clone();
        let aggregate = Arc::pin_init(
            pin_init!(Aggregate { stats: shared, work <- new_work!("deferred_aggregate") }),
            GFP_KERNEL,
        )?;
        let period = msecs_to_jiffies(PERIOD_MS);
        let ticker = Ticker { stats: stats.clone(), period, aggregate };
        let ticker = new_timer!(ticker, "deferred_ticker", GFP_KERNEL)?;

        let shared = stats.clone();
        let thread = KThread::run(
            c"deferred",
            move |thread| {
                while !thread.should_stop() {
                    shared.thread_loops.fetch_add(1, Ordering::Relaxed);
                    time::msleep(THREAD_SLEEP_MS);
                }
            },
            GFP_KERNEL,
        )?;

        ticker.schedule(period);
        pr_info!("started: period {} jiffies (HZ={})\n", period, HZ);
        Ok(Deferred { ticker: Some(ticker), thread: Some(thread), _stats: stats })
    }
}

impl Drop for Deferred {
    fn drop(&mut self) {
        // Stop the timer (waiting for a running callback, and dropping its reference to the work
        // item), then the thread. A run of the work item may still be queued: the unload waits
        // for it after this, and whichever drops the statistics last prints them.
        drop(self.ticker.take());
        drop(self.thread.take());
    }
}

/// In-kernel tests (`make KUNIT=1`), run when the module loads, before `init`.
#[kernel::kunit_tests(deferred)]
mod tests {
    use super::*;

    /// The work item, queued once, runs on the module's queue and records what the timer
    /// counted.
    #[test]
    fn aggregate_records_the_ticks() -> Result {
        let stats = Stats::new()?;
        stats.ticks.store(7, Ordering::Relaxed);
        let shared = stats.clone();
        let aggregate = Arc::pin_init(
            pin_init!(Aggregate { stats: shared, work <- new_work!("deferred_test") }),
            GFP_KERNEL,
        )?;
        assert!(workqueue::system().enqueue(aggregate).is_ok());
        // It runs in process context, soon: wait for it, a second at most.
        for _ in 0..1000 {
            if stats.summary.lock().runs > 0 {
                break;
            }
            time::msleep(1);
        }
        let summary = stats.summary.lock();
        assert_eq!(summary.runs, 1);
        assert_eq!(summary.last_ticks, 7);
        Ok(())
    }
}
