//! `KThread` checks: the closure runs, a loop stops when the handle is dropped, and the closure
//! is dropped exactly once whether it ran or not.

use crate::{check, wait_for, Events};
use core::sync::atomic::Ordering;
use kernel::kthread::KThread;
use kernel::prelude::*;
use kernel::time::msleep;

pub(crate) fn run() -> Result {
    runs_once()?;
    stops_loop()?;
    drops_closure()
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
