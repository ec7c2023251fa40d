//! Work item checks: a worker runs them in process context; an `Arc` item queued while running
//! runs once more and, queued while queued, comes back; a `KBox` item; dropping the last
//! reference from `run`; requeueing from `run`; two `Work` fields of one type; queueing from a
//! timer callback (atomic context); `try_spawn`.

use crate::{check, wait_for, Events};
use core::sync::atomic::{AtomicU32, Ordering};
use kernel::prelude::*;
use kernel::time::msleep;
use kernel::time::timer::{Timer, TimerCallback};
use kernel::workqueue::{self, impl_has_work, new_work, Work, WorkItem};

pub(crate) fn run() -> Result {
    runs_in_worker()?;
    queue_while_running()?;
    boxed()?;
    last_reference_in_run()?;
    requeue_from_run()?;
    two_fields()?;
    from_timer()?;
    spawn()
}

/// Counts its drops in `events`.
struct DropCount(Arc<Events>);

impl Drop for DropCount {
    fn drop(&mut self) {
        self.0.drops.fetch_add(1, Ordering::Release);
    }
}

/// An `Arc` work item with some events and a gate: `run` waits (sleeping) until the test sets
/// the flag, if `gated`.
#[pin_data]
struct Item {
    events: Arc<Events>,
    gated: bool,
    _count: DropCount,
    #[pin]
    work: Work<Item>,
}

impl_has_work! {
    impl HasWork<Self> for Item { self.work }
}

impl WorkItem for Item {
    type Pointer = Arc<Item>;

    fn run(this: Arc<Item>) {
        // SAFETY: `current_work` may be called anywhere; it is the running work item, if any.
        let current = unsafe { kernel::bindings::current_work() };
        // SAFETY: `this` is a live item; only the address of its `Work` is computed.
        let own = unsafe { Work::raw_get(&this.work) };
        this.events.runs.fetch_add(1, Ordering::Relaxed);
        this.events.started.store(true, Ordering::Release);
        if this.gated {
            wait_for(2000, || this.events.flag());
        } else {
            msleep(1); // process context: may sleep
        }
        // What the worker runs is this item.
        if core::ptr::eq(current, own) {
            this.events.finished.store(true, Ordering::Release);
        }
    }
}

fn item(events: &Arc<Events>, gated: bool) -> Result<Arc<Item>> {
    Arc::pin_init(
        pin_init!(Item { events: events.clone(), gated, _count: DropCount(events.clone()), work <- new_work!() }),
        GFP_KERNEL,
    )
}

fn runs_in_worker() -> Result {
    let events = Events::new()?;
    let work = item(&events, false)?;
    let queued = workqueue::system().enqueue(work.clone()).is_ok();
    let ran = wait_for(1000, || events.finished());
    check("work runs on a worker thread, which may sleep", queued && ran && events.runs() == 1);
    Ok(())
}

fn queue_while_running() -> Result {
    let events = Events::new()?;
    let work = item(&events, true)?;
    let queue = workqueue::system();
    let first = queue.enqueue(work.clone()).is_ok();
    let started = wait_for(1000, || events.started());
    // Running, not queued: queueing it again succeeds; queueing it once more finds it queued.
    let again = queue.enqueue(work.clone()).is_ok();
    let twice = queue.enqueue(work.clone());
    let back = matches!(&twice, Err(arc) if Arc::ptr_eq(arc, &work));
    drop(twice);
    events.flag.store(true, Ordering::Release);
    let reran = wait_for(1000, || events.runs() == 2);
    msleep(20);
    check(
        "work queued while running runs again, once",
        first && started && again && reran && events.runs() == 2,
    );
    check("an Arc work item queued while queued comes back as Err, the same Arc", back);
    drop(work);
    // The queue's references went with the runs: this was the last.
    check(
        "an Arc work item is freed once its runs and references are gone",
        events.drops.load(Ordering::Acquire) == 1,
    );
    Ok(())
}

/// A `Pin<KBox<_>>` work item: queueing hands the box over, `run` gets it back and drops it.
#[pin_data]
struct Boxed {
    count: DropCount,
    requeues: u32,
    #[pin]
    work: Work<Boxed>,
}

impl_has_work! {
    impl HasWork<Self> for Boxed { self.work }
}

impl WorkItem for Boxed {
    type Pointer = Pin<KBox<Boxed>>;

    fn run(mut this: Pin<KBox<Boxed>>) {
        this.count.0.runs.fetch_add(1, Ordering::Relaxed);
        if this.requeues > 0 {
            // SAFETY: only `requeues`, not structurally pinned, is changed; nothing moves.
            unsafe { this.as_mut().get_unchecked_mut() }.requeues -= 1;
            workqueue::system().enqueue(this);
        }
    }
}

fn boxed_item(events: &Arc<Events>, requeues: u32) -> Result<Pin<KBox<Boxed>>> {
    KBox::pin_init(
        pin_init!(Boxed { count: DropCount(events.clone()), requeues, work <- new_work!() }),
        GFP_KERNEL,
    )
}

fn boxed() -> Result {
    let events = Events::new()?;
    workqueue::system().enqueue(boxed_item(&events, 0)?);
    let freed = wait_for(1000, || events.drops.load(Ordering::Acquire) == 1);
    msleep(20);
    check("a KBox work item runs once, and its run frees it", freed && events.runs() == 1);
    Ok(())
}

fn requeue_from_run() -> Result {
    let events = Events::new()?;
    workqueue::system().enqueue(boxed_item(&events, 3)?);
    let freed = wait_for(1000, || events.drops.load(Ordering::Acquire) == 1);
    msleep(20);
    check("a work item queued again from its run runs again", freed && events.runs() == 4);
    Ok(())
}

/// Drops the last reference to itself in `run`, then reports whether that freed it.
#[pin_data]
struct Last {
    count: DropCount,
    #[pin]
    work: Work<Last>,
}

impl_has_work! {
    impl HasWork<Self> for Last { self.work }
}

impl WorkItem for Last {
    type Pointer = Arc<Last>;

    fn run(this: Arc<Last>) {
        let events = this.count.0.clone();
        events.runs.fetch_add(1, Ordering::Relaxed);
        drop(this);
        let freed = events.drops.load(Ordering::Acquire) == 1;
        events.flag.store(freed, Ordering::Relaxed);
        events.finished.store(true, Ordering::Release);
    }
}

fn last_reference_in_run() -> Result {
    let events = Events::new()?;
    let count = DropCount(events.clone());
    let last = Arc::pin_init(pin_init!(Last { count, work <- new_work!() }), GFP_KERNEL)?;
    // The queue's reference becomes the only one.
    let queued = workqueue::system().enqueue(last).is_ok();
    let done = wait_for(1000, || events.finished());
    check("dropping the last reference inside run frees the item there", queued && done && events.flag());
    Ok(())
}

/// Two `Work` fields, each with its own function.
#[pin_data]
struct Two {
    first: AtomicU32,
    second: AtomicU32,
    #[pin]
    work_first: Work<Two, 0>,
    #[pin]
    work_second: Work<Two, 1>,
}

impl_has_work! {
    impl HasWork<Self, 0> for Two { self.work_first }
    impl HasWork<Self, 1> for Two { self.work_second }
}

impl WorkItem<0> for Two {
    type Pointer = Arc<Two>;

    fn run(this: Arc<Two>) {
        this.first.fetch_add(1, Ordering::Release);
    }
}

impl WorkItem<1> for Two {
    type Pointer = Arc<Two>;

    fn run(this: Arc<Two>) {
        this.second.fetch_add(1, Ordering::Release);
    }
}

fn two_fields() -> Result {
    let two = Arc::pin_init(
        pin_init!(Two {
            first: AtomicU32::new(0),
            second: AtomicU32::new(0),
            work_first <- new_work!("Two::work_first"),
            work_second <- new_work!("Two::work_second"),
        }),
        GFP_KERNEL,
    )?;
    let queue = workqueue::system();
    let both = queue.enqueue::<_, 0>(two.clone()).is_ok() && queue.enqueue::<_, 1>(two.clone()).is_ok();
    let ran =
        wait_for(1000, || two.first.load(Ordering::Acquire) == 1 && two.second.load(Ordering::Acquire) == 1);
    let second = queue.enqueue::<_, 1>(two.clone()).is_ok();
    let reran = wait_for(1000, || two.second.load(Ordering::Acquire) == 2);
    msleep(20);
    let ok = both && ran && second && reran && two.first.load(Ordering::Acquire) == 1;
    check("a type with two Work fields (ID 0 and 1) runs each field's function", ok);
    Ok(())
}

/// Queues its work item from the callback: atomic context.
struct Kick {
    work: Arc<Item>,
}

impl TimerCallback for Kick {
    fn run(timer: &Timer<Self>) {
        // Never sleeps; the clone comes back if the item is still queued (not the last one).
        let _ = workqueue::system().enqueue(timer.work.clone());
    }
}

fn from_timer() -> Result {
    let events = Events::new()?;
    let timer = new_timer!(Kick { work: item(&events, false)? }, GFP_KERNEL)?;
    timer.schedule(1);
    let ran = wait_for(1000, || events.finished());
    drop(timer);
    check("a work item queued from a timer callback (atomic context) runs", ran && events.runs() == 1);
    Ok(())
}

fn spawn() -> Result {
    let events = Events::new()?;
    let seen = events.clone();
    workqueue::system().try_spawn(GFP_KERNEL, move || {
        seen.runs.fetch_add(1, Ordering::Relaxed);
        seen.finished.store(true, Ordering::Release);
    })?;
    let ran = wait_for(1000, || events.finished());
    check("try_spawn runs a closure on the queue", ran && events.runs() == 1);
    Ok(())
}
