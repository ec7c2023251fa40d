//! Work items queued as an `ARef`: an object with a count of its own (`AlwaysRefCounted`), freed
//! when the last reference goes, queued while queued comes back, and run with the queue's
//! reference.

use crate::{check, wait_for, Events};
use core::ptr::NonNull;
use core::sync::atomic::Ordering;
use kernel::prelude::*;
use kernel::sync::aref::{ARef, AlwaysRefCounted};
use kernel::sync::Refcount;
use kernel::workqueue::{self, impl_has_work, new_work, Work, WorkItem};

/// An object in a box that its own count frees.
#[pin_data(PinnedDrop)]
struct Counted {
    refs: Refcount,
    events: Arc<Events>,
    #[pin]
    work: Work<Counted>,
}

// SAFETY: the count is the object's: `inc_ref` takes a reference, and the last `dec_ref` frees
// the box the object was made in (`make`), which nothing else frees.
unsafe impl AlwaysRefCounted for Counted {
    fn inc_ref(&self) {
        self.refs.inc();
    }

    unsafe fn dec_ref(obj: NonNull<Self>) {
        // SAFETY: the caller owns a reference, so the object is alive.
        if unsafe { obj.as_ref() }.refs.dec_and_test() {
            // SAFETY: that was the last reference: the box `make` gave up is taken back, once.
            drop(unsafe { KBox::from_raw(obj.as_ptr()) });
        }
    }
}

#[pinned_drop]
impl PinnedDrop for Counted {
    fn drop(self: Pin<&mut Self>) {
        self.events.drops.fetch_add(1, Ordering::Release);
    }
}

impl_has_work! {
    impl HasWork<Self> for Counted { self.work }
}

impl WorkItem for Counted {
    type Pointer = ARef<Counted>;

    fn run(this: ARef<Counted>) {
        this.events.runs.fetch_add(1, Ordering::Relaxed);
        // Lets the test queue it while queued, then go on.
        wait_for(2000, || this.events.flag());
    }
}

fn make(events: Arc<Events>) -> Result<ARef<Counted>> {
    let boxed = KBox::pin_init(
        pin_init!(Counted { refs: Refcount::new(1), events, work <- new_work!() }),
        GFP_KERNEL,
    )?;
    // SAFETY: the object is not moved: the box becomes a raw pointer, freed only by `dec_ref`.
    let raw = KBox::into_raw(unsafe { Pin::into_inner_unchecked(boxed) });
    // SAFETY: the one reference `Refcount::new(1)` counts, now the `ARef`'s; not null (a box).
    Ok(unsafe { ARef::from_raw(NonNull::new_unchecked(raw)) })
}

pub(crate) fn run() -> Result {
    let events = Events::new()?;
    let item = make(events.clone())?;
    let first = workqueue::system().enqueue(item.clone());
    // Queued (or running, if a worker already took it, in which case it is queued again).
    let started = wait_for(2000, || events.runs() == 1);
    let again = workqueue::system().enqueue(item.clone());
    // Queued while queued: the same reference comes back, dropped here.
    let third = workqueue::system().enqueue(item.clone()).is_err_and(|back| core::ptr::eq(&*back, &*item));
    events.flag.store(true, Ordering::Release);
    let ran_twice = wait_for(2000, || events.runs() == 2);
    drop(item);
    let freed = wait_for(2000, || events.drops.load(Ordering::Acquire) == 1);
    check(
        "an ARef work item runs with the queue's reference, comes back as Err while queued, and is freed with \
         its last reference",
        first.is_ok() && started && again.is_ok() && third && ran_twice && freed,
    );
    Ok(())
}
