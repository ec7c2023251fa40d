//! Test module for deferred work: `Timer`, `Work`, `DelayedWork` and `KThread`, exercised at load
//! time (each check prints `ok` or `FAILED`); then a work item left running and queued again, work
//! items queued by the module's `drop`, delayed work left pending, and a timer left armed, for the
//! unload to wait for (the work), end the delays of (the delayed work) or cancel (the timer). With `fail_after_enqueue=1`, `init` queues a slow work item and fails:
//! the failed load must wait for it too.

#![no_std]

mod aref_work;
mod delayed;
mod thread;
mod timer;
mod work;

use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use kernel::prelude::*;
use kernel::time::timer::{Timer, TimerCallback, TimerHandle};
use kernel::time::{jiffies, msecs_to_jiffies, msleep};
use kernel::workqueue::{self, impl_has_work, new_work, Work, WorkItem};

module! {
    type: DeferredTest,
    name: "deferred_test",
    description: "Test module: timers, work items and kernel threads",
    license: "GPL",
    params: {
        panic_thread: bool { default: false, description: "Only run a kernel thread that panics" },
        fail_after_enqueue: bool { default: false, description: "Only queue a slow work item, then fail to load" },
        rate: u32 { default: 10, description: "A writable number a timer callback reads", permissions: 0o644 },
        label: str { default: "deferred", description: "A writable string", permissions: 0o644 },
    },
}

/// What a callback did, observed by the test.
#[derive(Default)]
struct Events {
    runs: AtomicU32,
    started: AtomicBool,
    finished: AtomicBool,
    /// Set by the test to let a callback go on, or by a callback to report a result.
    flag: AtomicBool,
    drops: AtomicU32,
}

impl Events {
    fn new() -> Result<Arc<Events>> {
        Ok(Arc::new(Events::default(), GFP_KERNEL)?)
    }

    fn runs(&self) -> u32 {
        self.runs.load(Ordering::Relaxed)
    }

    fn started(&self) -> bool {
        self.started.load(Ordering::Acquire)
    }

    fn finished(&self) -> bool {
        self.finished.load(Ordering::Acquire)
    }

    fn flag(&self) -> bool {
        self.flag.load(Ordering::Acquire)
    }
}

fn check(what: &str, ok: bool) {
    if ok {
        pr_info!("{what}: ok\n");
    } else {
        pr_err!("{what}: FAILED\n");
    }
}

/// Polls `cond` (sleeping between polls) for up to `msecs` milliseconds; whether it came true.
fn wait_for(msecs: u32, cond: impl Fn() -> bool) -> bool {
    let start = jiffies();
    while !cond() {
        if jiffies().wrapping_sub(start) > msecs_to_jiffies(msecs) {
            return false;
        }
        msleep(1);
    }
    true
}

/// Busy-waits (never sleeping) until `cond` comes true, for up to `msecs` milliseconds.
fn spin_until(msecs: u32, cond: impl Fn() -> bool) -> bool {
    let start = jiffies();
    while !cond() {
        if jiffies().wrapping_sub(start) > msecs_to_jiffies(msecs) {
            return false;
        }
        core::hint::spin_loop();
    }
    true
}

/// Must never run: the module cancels it at unload, long before it expires.
struct Late;

impl TimerCallback for Late {
    fn run(_timer: &Timer<Self>) {
        pr_err!("late timer fired\n");
    }
}

/// Still running (and queued again) when the module unloads.
#[pin_data(PinnedDrop)]
struct SlowExit {
    events: Arc<Events>,
    #[pin]
    work: Work<SlowExit>,
}

impl_has_work! {
    impl HasWork<Self> for SlowExit { self.work }
}

impl WorkItem for SlowExit {
    type Pointer = Arc<SlowExit>;

    fn run(this: Arc<SlowExit>) {
        this.events.runs.fetch_add(1, Ordering::Relaxed);
        this.events.started.store(true, Ordering::Release);
        pr_info!("slow work start\n");
        msleep(300);
        pr_info!("slow work done\n");
        this.events.finished.store(true, Ordering::Release);
    }
}

#[pinned_drop]
impl PinnedDrop for SlowExit {
    fn drop(self: Pin<&mut Self>) {
        pr_info!("slow work freed after {} runs\n", self.events.runs());
    }
}

/// How many work items the module's `drop` queues, and how many of them have run.
const AT_EXIT: u32 = 16;
static AT_EXIT_RAN: AtomicU32 = AtomicU32::new(0);

/// Queued by the module's `drop`, so that each is still queued when the unload begins waiting.
#[pin_data]
struct AtExit {
    #[pin]
    work: Work<AtExit>,
}

impl_has_work! {
    impl HasWork<Self> for AtExit { self.work }
}

impl WorkItem for AtExit {
    type Pointer = Pin<KBox<AtExit>>;

    fn run(_this: Pin<KBox<AtExit>>) {
        msleep(20);
        if AT_EXIT_RAN.fetch_add(1, Ordering::Relaxed) + 1 == AT_EXIT {
            pr_info!("exit: all {} items queued at unload ran\n", AT_EXIT);
        }
    }
}

/// Queued by a failing `init`.
#[pin_data]
struct FailedInit {
    #[pin]
    work: Work<FailedInit>,
}

impl_has_work! {
    impl HasWork<Self> for FailedInit { self.work }
}

impl WorkItem for FailedInit {
    type Pointer = Pin<KBox<FailedInit>>;

    fn run(_this: Pin<KBox<FailedInit>>) {
        msleep(200);
        pr_info!("failed init: its queued work ran\n");
    }
}

struct DeferredTest {
    late: Option<TimerHandle<Late>>,
    slow: Option<Arc<SlowExit>>,
    events: Arc<Events>,
}

impl kernel::Module for DeferredTest {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        if module_parameters::panic_thread.get() {
            thread::panicked()?;
            return Ok(DeferredTest { late: None, slow: None, events: Events::new()? });
        }
        if module_parameters::fail_after_enqueue.get() {
            workqueue::system()
                .enqueue(KBox::pin_init(pin_init!(FailedInit { work <- new_work!() }), GFP_KERNEL)?);
            pr_info!("failed init: returning EBUSY\n");
            return Err(EBUSY);
        }
        timer::run()?;
        work::run()?;
        delayed::run()?;
        aref_work::run()?;
        thread::run()?;

        let events = Events::new()?;
        let shared = events.clone();
        let slow = Arc::pin_init(pin_init!(SlowExit { events: shared, work <- new_work!() }), GFP_KERNEL)?;
        let _ = workqueue::system().enqueue(slow.clone());
        if !wait_for(1000, || events.started()) {
            pr_err!("slow work did not start\n");
        }
        // Queued again while it runs: the unload finds it running and queued.
        let _ = workqueue::system().enqueue(slow.clone());
        delayed::leave_for_unload()?;
        let late = new_timer!(Late, GFP_KERNEL)?;
        late.schedule(msecs_to_jiffies(1500));
        Ok(DeferredTest { late: Some(late), slow: Some(slow), events })
    }
}

impl Drop for DeferredTest {
    fn drop(&mut self) {
        let running = self.events.started() && !self.events.finished();
        pr_info!("exit: slow work running: {running}\n");
        drop(self.late.take());
        drop(self.slow.take());
        let mut queued = 0;
        for _ in 0..AT_EXIT {
            if let Ok(item) = KBox::pin_init(pin_init!(AtExit { work <- new_work!() }), GFP_KERNEL) {
                workqueue::system().enqueue(item);
                queued += 1;
            }
        }
        pr_info!(
            "exit: module state dropped, slow work ran {} times, {queued} items queued\n",
            self.events.runs()
        );
    }
}
