//! Work items: functions run later by a kernel worker thread, in process context (C's
//! `struct work_struct` and workqueues).
//!
//! A [`Work<T>`](Work) holds the data `T` its function ([`WorkItem::run`]) works on, next to the
//! C work item. It is pinned (initialised in place by [`new_work!`](crate::new_work)), queued
//! with [`Queue::enqueue`] (usually on [`system()`]), and dropping it cancels it and waits for a
//! running function before `T` is dropped. The function may sleep: take a
//! [`Mutex`](crate::sync::Mutex), allocate with `GFP_KERNEL`, [`msleep`](crate::time::msleep).
//! Queueing never sleeps, so timer callbacks and other atomic code hand their slow work over
//! this way.
//!
//! ```ignore
//! use kernel::workqueue::{self, Work, WorkItem};
//!
//! struct Flush {
//!     log: Arc<Mutex<KVec<u64>>>,
//! }
//!
//! impl WorkItem for Flush {
//!     fn run(work: &Work<Self>) {
//!         let mut log = work.log.lock(); // may sleep
//!         log.clear();
//!     }
//! }
//!
//! let flush = KBox::pin_init(new_work!(Flush { log }), GFP_KERNEL)?;
//! workqueue::system().enqueue(&flush);
//! // ... dropping `flush` cancels it or waits for it.
//! ```

use crate::bindings;
use crate::init::{pin_init_from_closure, PinInit};
use crate::str::CStr;
use crate::sync::LockClassKey;
use crate::types::Opaque;
use core::ops::Deref;
use core::ptr::{addr_of, addr_of_mut};

/// The function of a [`Work<Self>`](Work): what the work item does when a worker runs it.
///
/// ```ignore
/// impl WorkItem for Report {
///     fn run(work: &Work<Self>) {
///         pr_info!("{} events\n", work.events.lock().len());
///     }
/// }
/// ```
pub trait WorkItem: Sync + Sized + 'static {
    /// Called by a kernel worker thread, in process context: may sleep. May queue the work item
    /// again. Must not drop it (that would wait for this very call: the kernel panics instead of
    /// deadlocking).
    ///
    /// ```ignore
    /// fn run(work: &Work<Self>) {
    ///     work.totals.lock().push(work.sample(), GFP_KERNEL).ok();
    /// }
    /// ```
    fn run(work: &Work<Self>);
}

/// A work item whose function is `T`'s [`WorkItem::run`], holding the `T` it runs on (reachable
/// through `Deref`).
///
/// Create one in place with [`new_work!`](crate::new_work); queue it with [`Queue::enqueue`].
/// A work item is queued at most once at a time; queueing it while it runs makes it run again.
/// Dropping it cancels it and waits for its function to return, which may sleep: drop it in
/// process context. Leaking it (`core::mem::forget`) leaves it queued: its function would then
/// run after the module is gone.
///
/// ```ignore
/// let work = KBox::pin_init(new_work!(Report::default(), "report"), GFP_KERNEL)?;
/// workqueue::system().enqueue(&work);
/// ```
///
/// # Invariants
///
/// `raw` was initialised with `run::<T>` as its function and does not move.
pub struct Work<T> {
    raw: Opaque<bindings::work_struct>,
    data: T,
}

// SAFETY: the C work item may be queued, cancelled and dropped from any thread; `T` moves with it.
unsafe impl<T: Send> Send for Work<T> {}
// SAFETY: `&Work` only queues or cancels the C work item, which has its own locking, and gives
// `&T`, which needs `T: Sync` (the function also gets `&T`, on a worker thread).
unsafe impl<T: Sync> Sync for Work<T> {}

impl<T: WorkItem> Work<T> {
    /// An initializer for an idle work item holding `data`, named `name` with class `key` for
    /// lockdep (which then checks that cancelling or dropping it does not wait with a lock its
    /// function takes). [`new_work!`](crate::new_work) fills `name` and `key` in.
    ///
    /// ```ignore
    /// let init = Work::new(Report::default(), c"report", static_lock_class!());
    /// let work = KBox::pin_init(init, GFP_KERNEL)?;
    /// ```
    pub fn new(data: T, name: &'static CStr, key: &'static LockClassKey) -> impl PinInit<Self> {
        // SAFETY: the closure initialises both fields and cannot fail.
        unsafe {
            pin_init_from_closure(move |slot: *mut Self| {
                addr_of_mut!((*slot).data).write(data);
                // INVARIANT: initialised with `run::<T>`; `PinInit` callers never move it.
                bindings::init_work_with_key(
                    Opaque::raw_get(addr_of!((*slot).raw)),
                    Some(run::<T>),
                    false,
                    name.as_ptr(),
                    key.as_ptr(),
                );
                Ok(())
            })
        }
    }
}

impl<T> Work<T> {
    /// Removes the work item from its queue if it is queued, and waits for its function to
    /// return if it is running (C's `cancel_work_sync()`); a function that queues itself again
    /// meanwhile is not run again. Returns whether it was queued. May sleep. From the work item's
    /// own function it only dequeues (it cannot wait for itself).
    ///
    /// Must not be called with a lock the function takes.
    ///
    /// ```ignore
    /// work.cancel();
    /// ```
    pub fn cancel(&self) -> bool {
        let raw = self.raw.get();
        if self.in_run() {
            // SAFETY: the work item is initialised (type invariant); this never waits.
            unsafe { bindings::cancel_work(raw) }
        } else {
            // SAFETY: the work item is initialised; this is not its own function (checked above),
            // so waiting for it terminates.
            unsafe { bindings::cancel_work_sync(raw) }
        }
    }

    /// Whether the current task is a worker running this work item's function.
    fn in_run(&self) -> bool {
        // SAFETY: `current_work` may be called in any context; it is null outside workers.
        core::ptr::eq(unsafe { bindings::current_work() }, self.raw.get())
    }
}

impl<T> Deref for Work<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.data
    }
}

impl<T> Drop for Work<T> {
    fn drop(&mut self) {
        if self.in_run() {
            // Waiting would never end, and returning would free what the function still uses.
            panic!("a Work was dropped from its own function");
        }
        // SAFETY: the work item is initialised (type invariant), and this is not its function.
        // Cancelling also makes a function that queues itself meanwhile fail to, so the item is
        // neither queued nor running when `T` is dropped after this.
        unsafe { bindings::cancel_work_sync(self.raw.get()) };
    }
}

/// The C function of every `Work<T>`: finds the work item and runs `T`'s function.
///
/// # Safety
///
/// `raw` is the `raw` field of a live `Work<T>`: workers only run queued items, and a `Work` is
/// dequeued (waiting for this function) before it is freed.
unsafe extern "C" fn run<T: WorkItem>(raw: *mut bindings::work_struct) {
    // SAFETY: `raw` is the `raw` field of a live `Work<T>` (the function's contract), which stays
    // alive until this function returns.
    T::run(unsafe { &*crate::container_of!(raw, Work<T>, raw) });
}

/// A workqueue: the kernel worker threads that run the work items queued on it.
///
/// ```ignore
/// let queued = workqueue::system().enqueue(&work);
/// ```
///
/// # Invariants
///
/// A `&Queue` is a live `struct workqueue_struct`.
#[repr(transparent)]
pub struct Queue(Opaque<bindings::workqueue_struct>);

// SAFETY: queueing work is allowed from any thread and context.
unsafe impl Sync for Queue {}

impl Queue {
    /// Queues `work` to run on this workqueue (C's `queue_work()`), unless it is already queued.
    /// Returns whether it was queued by this call. Any context: never sleeps.
    ///
    /// ```ignore
    /// if !workqueue::system().enqueue(&work) {
    ///     pr_debug!("already queued: the queued run will see this event too\n");
    /// }
    /// ```
    pub fn enqueue<T: WorkItem>(&self, work: &Work<T>) -> bool {
        // SAFETY: the queue is live (type invariant); the work item is initialised and pinned,
        // and dropping it dequeues it, so the queue never holds it after it is freed.
        unsafe { bindings::queue_work(self.0.get(), work.raw.get()) }
    }
}

/// The kernel's system workqueue (C's `system_wq`, which `schedule_work()` uses): for work items
/// that do not need a queue of their own.
///
/// ```ignore
/// kernel::workqueue::system().enqueue(&work);
/// ```
pub fn system() -> &'static Queue {
    // SAFETY: `system_wq` is set up at boot, before any module loads, and never changes or
    // goes away; a `Queue` is a transparent wrapper of the C queue.
    unsafe { &*bindings::system_wq.cast::<Queue>() }
}

/// An initializer for a [`Work`] item holding `data`, with a lockdep class for this call site and
/// an optional name (default: `file:line`).
///
/// ```ignore
/// let work = KBox::pin_init(new_work!(Report::default(), "report"), GFP_KERNEL)?;
/// ```
#[macro_export]
macro_rules! new_work {
    ($data:expr $(, $name:literal)? $(,)?) => {
        $crate::workqueue::Work::new($data, $crate::optional_name!($($name)?), $crate::static_lock_class!())
    };
}
