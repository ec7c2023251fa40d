//! Delayed work checks: an item runs once its delay has passed, not before; queued again while
//! its delay is pending, an `Arc` item comes back; a `KBox` item runs once and is freed; a delay
//! of 0 runs at once. And two items left for the unload: one with a minute's delay pending, which
//! the unload must cancel (drop unrun), and one that queues itself again every 10 ms, which it
//! must stop.

use crate::{check, wait_for, Events};
use core::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use kernel::prelude::*;
use kernel::time::{jiffies, msecs_to_jiffies, Jiffies};
use kernel::workqueue::{self, impl_has_delayed_work, new_delayed_work, DelayedWork, WorkItem};

pub(crate) fn run() -> Result {
    after_delay()?;
    boxed()?;
    no_delay()
}

/// Records when it ran.
#[pin_data]
struct Timed {
    events: Arc<Events>,
    ran_at: AtomicU64,
    #[pin]
    work: DelayedWork<Timed>,
}

impl_has_delayed_work! {
    impl HasDelayedWork<Self> for Timed { self.work }
}

impl WorkItem for Timed {
    type Pointer = Arc<Timed>;

    fn run(this: Arc<Timed>) {
        this.ran_at.store(jiffies(), Ordering::Relaxed);
        this.events.runs.fetch_add(1, Ordering::Release);
    }
}

fn timed() -> Result<Arc<Timed>> {
    let events = Events::new()?;
    Arc::pin_init(
        pin_init!(Timed { events, ran_at: AtomicU64::new(0), work <- new_delayed_work!() }),
        GFP_KERNEL,
    )
}

fn after_delay() -> Result {
    let item = timed()?;
    let delay: Jiffies = msecs_to_jiffies(200);
    let queued_at = jiffies();
    let first = workqueue::system().enqueue_delayed(item.clone(), delay);
    let again = workqueue::system().enqueue_delayed(item.clone(), delay);
    let early = item.events.runs();
    let ran = wait_for(3000, || item.events.runs() == 1);
    let waited = item.ran_at.load(Ordering::Relaxed).wrapping_sub(queued_at);
    check(
        "a delayed work item runs once, after its delay",
        first.is_ok() && early == 0 && ran && waited >= delay,
    );
    check(
        "an Arc delayed item queued while its delay is pending comes back as Err, the same Arc",
        again.is_err_and(|back| Arc::ptr_eq(&back, &item)),
    );
    Ok(())
}

/// A boxed item, which counts its drop.
#[pin_data(PinnedDrop)]
struct Boxed {
    events: Arc<Events>,
    #[pin]
    work: DelayedWork<Boxed>,
}

impl_has_delayed_work! {
    impl HasDelayedWork<Self> for Boxed { self.work }
}

impl WorkItem for Boxed {
    type Pointer = Pin<KBox<Boxed>>;

    fn run(this: Pin<KBox<Boxed>>) {
        this.events.runs.fetch_add(1, Ordering::Release);
    }
}

#[pinned_drop]
impl PinnedDrop for Boxed {
    fn drop(self: Pin<&mut Self>) {
        self.events.drops.fetch_add(1, Ordering::Release);
    }
}

fn boxed() -> Result {
    let events = Events::new()?;
    let shared = events.clone();
    let item = KBox::pin_init(pin_init!(Boxed { events: shared, work <- new_delayed_work!() }), GFP_KERNEL)?;
    workqueue::system().enqueue_delayed(item, msecs_to_jiffies(20));
    let done = wait_for(3000, || events.drops.load(Ordering::Acquire) == 1);
    check("a KBox delayed item runs once, and its run frees it", done && events.runs() == 1);
    Ok(())
}

fn no_delay() -> Result {
    let item = timed()?;
    let _ = workqueue::system().enqueue_delayed(item.clone(), 0);
    check("a delayed item with no delay runs at once", wait_for(1000, || item.events.runs() == 1));
    Ok(())
}

/// Left pending at unload with a delay far longer than the test: cancelled, never run.
#[pin_data(PinnedDrop)]
struct AtUnload {
    #[pin]
    work: DelayedWork<AtUnload>,
}

impl_has_delayed_work! {
    impl HasDelayedWork<Self> for AtUnload { self.work }
}

impl WorkItem for AtUnload {
    type Pointer = Pin<KBox<AtUnload>>;

    fn run(_this: Pin<KBox<AtUnload>>) {
        pr_err!("delayed item pending at unload ran\n");
    }
}

#[pinned_drop]
impl PinnedDrop for AtUnload {
    fn drop(self: Pin<&mut Self>) {
        pr_info!("exit: delayed item pending at unload dropped, never run\n");
    }
}

static PERIODIC_RUNS: AtomicU32 = AtomicU32::new(0);

/// Queues itself again every 10 ms, for ever: the unload stops it.
#[pin_data(PinnedDrop)]
struct Periodic {
    #[pin]
    work: DelayedWork<Periodic>,
}

impl_has_delayed_work! {
    impl HasDelayedWork<Self> for Periodic { self.work }
}

impl WorkItem for Periodic {
    type Pointer = Arc<Periodic>;

    fn run(this: Arc<Periodic>) {
        PERIODIC_RUNS.fetch_add(1, Ordering::Relaxed);
        // Fails once the unload has begun: the reference comes back and is dropped.
        let _ = workqueue::system().enqueue_delayed(this, msecs_to_jiffies(10));
    }
}

#[pinned_drop]
impl PinnedDrop for Periodic {
    fn drop(self: Pin<&mut Self>) {
        let runs = PERIODIC_RUNS.load(Ordering::Relaxed);
        pr_info!("exit: periodic delayed item dropped, ran: {}\n", runs > 0);
    }
}

/// Arms both: a minute's delay, which the unload cancels, and a periodic item it stops.
pub(crate) fn leave_for_unload() -> Result {
    let pending = KBox::pin_init(pin_init!(AtUnload { work <- new_delayed_work!() }), GFP_KERNEL)?;
    workqueue::system().enqueue_delayed(pending, msecs_to_jiffies(60_000));
    let periodic = Arc::pin_init(pin_init!(Periodic { work <- new_delayed_work!() }), GFP_KERNEL)?;
    let _ = workqueue::system().enqueue_delayed(periodic, msecs_to_jiffies(10));
    // Running periodically by the time the module is unloaded.
    if !crate::wait_for(1000, || PERIODIC_RUNS.load(Ordering::Relaxed) >= 2) {
        pr_err!("periodic delayed item did not run\n");
    }
    Ok(())
}
