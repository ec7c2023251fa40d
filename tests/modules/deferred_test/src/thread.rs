//! `KThread` checks: the closure runs, a loop stops when the handle is dropped, the closure is
//! dropped exactly once whether it ran or not, a thread whose closure returned (or panicked)
//! long before may still be stopped (the handle keeps its task), and a thread may drop its own
//! handle.

use crate::{check, wait_for, Events};
use core::sync::atomic::{AtomicI32, AtomicU32, Ordering};
use kernel::kthread::KThread;
use kernel::prelude::*;
use kernel::time::msleep;

pub(crate) fn run() -> Result {
    runs_once()?;
    stops_loop()?;
    drops_closure()?;
    drops_own_handle()?;
    stopped_after_return()
}

fn runs_once() -> Result {
    let events = Events::new()?;
    let seen = events.clone();
    let thread = KThread::run(
        c"dt_once",
        move |_| {
            seen.runs.fetch_add(1, Ordering::Relaxed);
        },
        GFP_KERNEL,
    )?;
    let ran = wait_for(1000, || events.runs() == 1);
    drop(thread);
    check("kthread runs its closure", ran && events.runs() == 1);
    Ok(())
}

fn stops_loop() -> Result {
    let events = Events::new()?;
    let seen = events.clone();
    let thread = KThread::run(
        c"dt_loop",
        move |thread| {
            while !thread.should_stop() {
                seen.runs.fetch_add(1, Ordering::Relaxed);
                msleep(5);
            }
            seen.finished.store(true, Ordering::Release);
        },
        GFP_KERNEL,
    )?;
    let looping = wait_for(1000, || events.runs() >= 3);
    let before = events.finished();
    drop(thread);
    check("kthread drop stops its loop and waits for it", looping && !before && events.finished());
    Ok(())
}

/// The module's reference count (`module_refcount()`).
fn module_refs() -> i32 {
    // SAFETY: `THIS_MODULE` is this module's `struct module`, alive while its code runs.
    unsafe { kernel::bindings::module_refcount(crate::THIS_MODULE.as_ptr()) }
}

/// What the thread that dropped its own handle saw.
#[derive(Default)]
struct SelfDropReport {
    refs_after_drop: AtomicI32,
    loops: AtomicU32,
}

/// A thread takes its own handle and drops it: it is then asked to stop (its loop ends), and it
/// holds a module reference until it has exited, which drops the reference and the closure.
fn drops_own_handle() -> Result {
    let events = Events::new()?;
    let report = Arc::new(SelfDropReport::default(), GFP_KERNEL)?;
    let slot = Arc::pin_init(new_mutex!(None::<KThread>), GFP_KERNEL)?;
    let refs_before = module_refs();
    let (counted, reported, own) = (DropCount(events.clone()), report.clone(), slot.clone());
    let thread = KThread::run(
        c"dt_self_drop",
        move |thread| {
            let _counted = counted;
            let handle = loop {
                if let Some(handle) = own.lock().take() {
                    break handle;
                }
                msleep(1);
            };
            drop(handle);
            reported.refs_after_drop.store(module_refs(), Ordering::Relaxed);
            // Bounded: a stop request that never came must not hang the module's load.
            while !thread.should_stop() && reported.loops.fetch_add(1, Ordering::Relaxed) < 1000 {
                msleep(1);
            }
        },
        GFP_KERNEL,
    )?;
    *slot.lock() = Some(thread);
    let exited = wait_for(2000, || events.drops.load(Ordering::Relaxed) == 1 && module_refs() == refs_before);
    let ok = exited
        && report.refs_after_drop.load(Ordering::Relaxed) == refs_before + 1
        && report.loops.load(Ordering::Relaxed) == 0;
    check("kthread drops its own handle: asked to stop, holds the module until it exits", ok);
    Ok(())
}

/// Counts its drops.
struct DropCount(Arc<Events>);

impl Drop for DropCount {
    fn drop(&mut self) {
        self.0.drops.fetch_add(1, Ordering::Relaxed);
    }
}

/// Threads stopped right after they were started: some never run their closure.
fn drops_closure() -> Result {
    const THREADS: u32 = 20;
    let events = Events::new()?;
    for _ in 0..THREADS {
        let guard = DropCount(events.clone());
        let thread = KThread::run(
            c"dt_short",
            move |_| {
                guard.0.runs.fetch_add(1, Ordering::Relaxed);
            },
            GFP_KERNEL,
        )?;
        drop(thread);
    }
    pr_info!("{} of {} stopped threads ran their closure\n", events.runs(), THREADS);
    check("kthread closure dropped once, run or not", events.drops.load(Ordering::Relaxed) == THREADS);
    Ok(())
}

/// A closure that returns at once; the handle is dropped well after its thread has exited and
/// been reaped (an RCU grace period on from the exit): `kthread_stop` must find its task. Without
/// a task reference in the handle that is a use after free, which KASAN reports; without KASAN,
/// `kthread_stop`'s `get_task_struct` on the freed task usually warns `refcount_t: addition on 0;
/// use-after-free` (unless the memory was reused meanwhile), which the suite's log check sees.
fn stopped_after_return() -> Result {
    let events = Events::new()?;
    let seen = events.clone();
    let thread = KThread::run(
        c"dt_return",
        move |_| {
            seen.runs.fetch_add(1, Ordering::Relaxed);
        },
        GFP_KERNEL,
    )?;
    let ran = wait_for(1000, || events.runs() == 1);
    msleep(300);
    drop(thread);
    check("kthread stopped long after its closure returned", ran && events.runs() == 1);
    Ok(())
}

/// With `panic_thread=1`, instead of the checks: a closure that panics (a `kernel BUG` oops kills
/// its thread, which is then reaped), and its handle dropped afterwards.
pub(crate) fn panicked() -> Result {
    let events = Events::new()?;
    let seen = events.clone();
    let thread = KThread::run(
        c"dt_panic",
        move |_| {
            seen.started.store(true, Ordering::Release);
            let answer = core::hint::black_box(7);
            panic!("deliberate kthread panic, answer={answer}");
        },
        GFP_KERNEL,
    )?;
    let started = wait_for(1000, || events.started());
    // Time for the oops, the thread's exit and reaping, and an RCU grace period.
    msleep(500);
    drop(thread);
    check("kthread that panicked stopped after it died", started);
    Ok(())
}
