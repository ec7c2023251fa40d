//! `Work` checks: queueing while queued or running, cancelling, requeueing from the function, and
//! dropping while it runs.

use crate::{check, wait_for, Events};
use core::sync::atomic::Ordering;
use kernel::prelude::*;
use kernel::time::msleep;
use kernel::workqueue::{self, Work, WorkItem};

pub(crate) fn run() -> Result {
    queue_while_running()?;
    cancel_while_running()?;
    drop_while_running()?;
    cancel_in_function()
}

/// Waits (sleeping) until the test sets the flag.
struct Gate {
    events: Arc<Events>,
}

impl WorkItem for Gate {
    fn run(work: &Work<Self>) {
        work.events.runs.fetch_add(1, Ordering::Relaxed);
        work.events.started.store(true, Ordering::Release);
        wait_for(2000, || work.events.flag());
    }
}

fn queue_while_running() -> Result {
    let events = Events::new()?;
    let work = KBox::pin_init(new_work!(Gate { events: events.clone() }), GFP_KERNEL)?;
    let queue = workqueue::system();
    let first = queue.enqueue(&work);
    let started = wait_for(1000, || events.started());
    let again = queue.enqueue(&work);
    let twice = queue.enqueue(&work);
    events.flag.store(true, Ordering::Release);
    let reran = wait_for(1000, || events.runs() == 2);
    msleep(20);
    let ok = first && started && again && !twice && reran && events.runs() == 2;
    check("work queued while running runs again, once", ok);
    Ok(())
}

/// Sleeps 100 ms.
struct Sleeper {
    events: Arc<Events>,
}

impl WorkItem for Sleeper {
    fn run(work: &Work<Self>) {
        work.events.runs.fetch_add(1, Ordering::Relaxed);
        work.events.started.store(true, Ordering::Release);
        msleep(100);
        work.events.finished.store(true, Ordering::Release);
    }
}

/// A `Sleeper` work item, queued and running.
fn sleeper() -> Result<Pin<KBox<Work<Sleeper>>>> {
    let work = KBox::pin_init(new_work!(Sleeper { events: Events::new()? }), GFP_KERNEL)?;
    workqueue::system().enqueue(&work);
    if !wait_for(1000, || work.events.started()) {
        pr_err!("work did not start\n");
    }
    Ok(work)
}

fn cancel_while_running() -> Result {
    let work = sleeper()?;
    let was_queued = work.cancel();
    check("work cancel waits for the running function", !was_queued && work.events.finished());
    Ok(())
}

fn drop_while_running() -> Result {
    let work = sleeper()?;
    let events = work.events.clone();
    let requeued = workqueue::system().enqueue(&work);
    drop(work);
    let ok = requeued && events.finished() && events.runs() == 1;
    check("work drop waits for the running function, cancels the queued run", ok);
    Ok(())
}

/// Queues itself again, then cancels that from within its function.
struct SelfCancel {
    events: Arc<Events>,
}

impl WorkItem for SelfCancel {
    fn run(work: &Work<Self>) {
        work.events.runs.fetch_add(1, Ordering::Relaxed);
        let requeued = workqueue::system().enqueue(work);
        let cancelled = work.cancel();
        work.events.flag.store(requeued && cancelled, Ordering::Release);
        work.events.finished.store(true, Ordering::Release);
    }
}

fn cancel_in_function() -> Result {
    let events = Events::new()?;
    let work = KBox::pin_init(new_work!(SelfCancel { events: events.clone() }), GFP_KERNEL)?;
    workqueue::system().enqueue(&work);
    let done = wait_for(1000, || events.finished());
    msleep(50);
    check("work cancel from its own function", done && events.flag() && events.runs() == 1);
    Ok(())
}
