//! Test module for deferred work: `Timer`, `Work` and `KThread`, exercised at load time (each
//! check prints `ok` or `FAILED`); then a work item left running and queued again, and a timer
//! left armed, for the unload to cancel.

#![no_std]

mod thread;
mod timer;
mod work;

use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use kernel::prelude::*;
use kernel::time::timer::{Timer, TimerCallback};
use kernel::time::{jiffies, msecs_to_jiffies, msleep};
use kernel::workqueue::{self, Work, WorkItem};

module! {
    type: DeferredTest,
    name: "deferred_test",
    description: "Test module: timers, work items and kernel threads",
    license: "GPL",
    params: {
        panic_thread: bool { default: false, description: "Only run a kernel thread that panics" },
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
struct SlowExit {
    events: Arc<Events>,
}

impl WorkItem for SlowExit {
    fn run(work: &Work<Self>) {
        work.events.runs.fetch_add(1, Ordering::Relaxed);
        work.events.started.store(true, Ordering::Release);
        pr_info!("slow work start\n");
        msleep(300);
        pr_info!("slow work done\n");
        work.events.finished.store(true, Ordering::Release);
    }
}

struct DeferredTest {
    late: Option<Pin<KBox<Timer<Late>>>>,
    slow: Option<Pin<KBox<Work<SlowExit>>>>,
    events: Arc<Events>,
}

impl kernel::Module for DeferredTest {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        if module_parameters::panic_thread.get() {
            thread::panicked()?;
            return Ok(DeferredTest { late: None, slow: None, events: Events::new()? });
        }
        timer::run()?;
        work::run()?;
        thread::run()?;

        let events = Events::new()?;
        let slow = KBox::pin_init(new_work!(SlowExit { events: events.clone() }), GFP_KERNEL)?;
        workqueue::system().enqueue(&slow);
        if !wait_for(1000, || events.started()) {
            pr_err!("slow work did not start\n");
        }
        workqueue::system().enqueue(&slow);
        let late = KBox::pin_init(new_timer!(Late), GFP_KERNEL)?;
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
        pr_info!("exit: done, slow work ran {} times\n", self.events.runs());
    }
}
