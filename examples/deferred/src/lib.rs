//! Deferred work: a timer that ticks every 10 ms, a work item it queues every 10 ticks, and a
//! kernel thread. The timer counts in atomic context; the work item, which may sleep, takes a
//! mutex to aggregate and prints progress; the thread polls at its own pace. Unloading stops all
//! three, then prints what they did.

#![no_std]

use core::sync::atomic::{AtomicU64, Ordering};
use kernel::kthread::KThread;
use kernel::prelude::*;
use kernel::time::timer::{Timer, TimerCallback};
use kernel::time::{self, jiffies, msecs_to_jiffies, Jiffies, HZ};
use kernel::workqueue::{self, Work, WorkItem};

module! {
    type: Deferred,
    name: "deferred",
    authors: ["kmod-rs developers"],
    description: "A periodic timer, the work item it queues and a kernel thread",
    license: "GPL",
}

/// How often the timer fires.
const PERIOD_MS: u32 = 10;
/// The timer queues the work item every this many ticks.
const TICKS_PER_WORK: u64 = 10;
/// The work item prints progress every this many runs.
const RUNS_PER_REPORT: u64 = 3;
/// How long the kernel thread sleeps between two looks.
const THREAD_SLEEP_MS: u32 = 20;

/// What the timer, the work item and the thread count; shared with the module.
#[pin_data]
struct Stats {
    ticks: AtomicU64,
    thread_loops: AtomicU64,
    #[pin]
    summary: Mutex<Summary>,
}

/// What the work item aggregates, under a mutex: only process context may take it.
struct Summary {
    runs: u64,
    /// The tick count the work item saw on its latest run.
    last_ticks: u64,
}

/// The timer's data: it owns the work item, so dropping the timer stops both, in that order.
struct Ticker {
    stats: Arc<Stats>,
    period: Jiffies,
    work: Pin<KBox<Work<Aggregate>>>,
}

impl TimerCallback for Ticker {
    fn run(timer: &Timer<Self>) {
        let ticks = timer.stats.ticks.fetch_add(1, Ordering::Relaxed) + 1;
        if ticks % TICKS_PER_WORK == 0 {
            // Queueing never sleeps; if the previous run is still queued, this one merges into it.
            workqueue::system().enqueue(&timer.work);
        }
        timer.schedule(timer.period);
    }
}

/// The work item's data.
struct Aggregate {
    stats: Arc<Stats>,
}

impl WorkItem for Aggregate {
    fn run(work: &Work<Self>) {
        let ticks = work.stats.ticks.load(Ordering::Relaxed);
        let mut summary = work.stats.summary.lock();
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
    ticker: Option<Pin<KBox<Timer<Ticker>>>>,
    thread: Option<KThread>,
    stats: Arc<Stats>,
    start: Jiffies,
}

impl kernel::Module for Deferred {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let stats = Arc::pin_init(
            pin_init!(Stats {
                ticks: AtomicU64::new(0),
                thread_loops: AtomicU64::new(0),
                summary <- new_mutex!(Summary { runs: 0, last_ticks: 0 }, "deferred_summary"),
            }),
            GFP_KERNEL,
        )?;
        let aggregate = Aggregate { stats: stats.clone() };
        let work = KBox::pin_init(new_work!(aggregate, "deferred_aggregate"), GFP_KERNEL)?;
        let period = msecs_to_jiffies(PERIOD_MS);
        let ticker = Ticker { stats: stats.clone(), period, work };
        let ticker = KBox::pin_init(new_timer!(ticker, "deferred_ticker"), GFP_KERNEL)?;

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

        let start = jiffies();
        ticker.schedule(period);
        pr_info!("started: period {} jiffies (HZ={})\n", period, HZ);
        Ok(Deferred { ticker: Some(ticker), thread: Some(thread), stats, start })
    }
}

impl Drop for Deferred {
    fn drop(&mut self) {
        // Stop the timer (waiting for a running callback), then the work item it owns (waiting
        // for a running function), then the thread: nothing counts after this.
        drop(self.ticker.take());
        drop(self.thread.take());
        let elapsed = jiffies().wrapping_sub(self.start);
        let summary = self.stats.summary.lock();
        pr_info!(
            "stopped after {} jiffies: {} ticks, {} work runs (last saw {} ticks), {} thread loops\n",
            elapsed,
            self.stats.ticks.load(Ordering::Relaxed),
            summary.runs,
            summary.last_ticks,
            self.stats.thread_loops.load(Ordering::Relaxed),
        );
    }
}
