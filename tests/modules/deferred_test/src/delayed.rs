//! Delayed work checks: an item runs once its delay has passed, not before; queued again while
//! its delay is pending, an `Arc` item comes back; a `KBox` item runs once and is freed; a delay
//! of 0 runs at once. And two items left for the unload: one with a long delay pending, one that
//! queues itself again with a long delay from its run; the unload must run both at once.

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

/// Left pending at unload with a delay far longer than the test.
#[pin_data]
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
        pr_info!("exit: delayed item pending at unload ran\n");
    }
}

/// How often `Rearm` runs before it stops queueing itself.
const REARMS: u32 = 3;
static REARM_RUNS: AtomicU32 = AtomicU32::new(0);

/// Queues itself again with a long delay from its run, `REARMS` times in all.
#[pin_data]
struct Rearm {
    #[pin]
    work: DelayedWork<Rearm>,
}

impl_has_delayed_work! {
    impl HasDelayedWork<Self> for Rearm { self.work }
}

impl WorkItem for Rearm {
    type Pointer = Arc<Rearm>;

    fn run(this: Arc<Rearm>) {
        let runs = REARM_RUNS.fetch_add(1, Ordering::Relaxed) + 1;
        if runs < REARMS {
            let _ = workqueue::system().enqueue_delayed(this, msecs_to_jiffies(60_000));
        } else {
            pr_info!("exit: self-requeueing delayed item ran {runs} times\n");
        }
    }
}

/// Arms both: a minute's delay, which only the unload can cut short.
pub(crate) fn leave_for_unload() -> Result {
    let pending = KBox::pin_init(pin_init!(AtUnload { work <- new_delayed_work!() }), GFP_KERNEL)?;
    workqueue::system().enqueue_delayed(pending, msecs_to_jiffies(60_000));
    let rearm = Arc::pin_init(pin_init!(Rearm { work <- new_delayed_work!() }), GFP_KERNEL)?;
    let _ = workqueue::system().enqueue_delayed(rearm, msecs_to_jiffies(60_000));
    Ok(())
}
