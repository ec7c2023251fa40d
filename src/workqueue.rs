//! Work items: functions run later by a kernel worker thread, in process context (C's
//! `struct work_struct` and workqueues), in upstream's shape.
//!
//! A type that is to run as a work item embeds a [`Work<Self>`](Work) field (created in place
//! with [`new_work!`](crate::new_work)), says which field it is with
//! [`impl_has_work!`](crate::impl_has_work), and implements [`WorkItem`]: what to run and which
//! owning pointer it runs on, [`Arc<Self>`](crate::sync::Arc) or
//! [`Pin<KBox<Self>>`](crate::alloc::KBox). [`Queue::enqueue`] hands that pointer to the queue,
//! which owns it until a worker passes it to [`WorkItem::run`]: the item's memory lives as long
//! as it is queued or running, and `run` may drop the last reference to it. The function may
//! sleep (take a [`Mutex`](crate::sync::Mutex), allocate with `GFP_KERNEL`,
//! [`msleep`](crate::time::msleep)); queueing never sleeps, so timer callbacks and other atomic
//! code hand their slow work over this way.
//!
//! ```ignore,kernel
//! use core::sync::atomic::{AtomicU32, Ordering};
//! use kernel::sync::Completion;
//! use kernel::workqueue::{self, impl_has_work, new_work, Work, WorkItem};
//!
//! #[pin_data]
//! struct Report {
//!     value: u32,
//!     seen: AtomicU32,
//!     #[pin]
//!     done: Completion,
//!     #[pin]
//!     work: Work<Report>,
//! }
//!
//! impl_has_work! {
//!     impl HasWork<Self> for Report { self.work }
//! }
//!
//! impl WorkItem for Report {
//!     type Pointer = Arc<Report>;
//!
//!     fn run(this: Arc<Report>) {
//!         // A worker thread: sleeping is allowed here.
//!         this.seen.store(this.value, Ordering::Relaxed);
//!         this.done.complete_all();
//!     }
//! }
//!
//! let report = Arc::pin_init(
//!     pin_init!(Report {
//!         value: 42,
//!         seen: AtomicU32::new(0),
//!         done <- Completion::new(),
//!         work <- new_work!("Report::work"),
//!     }),
//!     GFP_KERNEL,
//! )?;
//! // The queue holds a reference of its own until `run` has it.
//! if workqueue::system().enqueue(report.clone()).is_err() {
//!     pr_info!("already queued\n");
//! }
//! report.done.wait_for_completion();
//! assert_eq!(report.seen.load(Ordering::Relaxed), 42);
//! ```
//!
//! A type may have several `Work` fields, told apart by the `ID` parameter (any distinct
//! constants), each with its own [`WorkItem<ID>`] and [`HasWork<Self, ID>`] implementation:
//!
//! ```ignore,kernel
//! use core::sync::atomic::{AtomicU32, Ordering};
//! use kernel::workqueue::{self, impl_has_work, new_work, Work, WorkItem};
//!
//! #[pin_data]
//! struct Device {
//!     resets: AtomicU32,
//!     flushes: AtomicU32,
//!     #[pin]
//!     reset: Work<Device, 0>,
//!     #[pin]
//!     flush: Work<Device, 1>,
//! }
//!
//! impl_has_work! {
//!     impl HasWork<Self, 0> for Device { self.reset }
//!     impl HasWork<Self, 1> for Device { self.flush }
//! }
//!
//! impl WorkItem<0> for Device {
//!     type Pointer = Arc<Device>;
//!     fn run(this: Arc<Device>) {
//!         this.resets.fetch_add(1, Ordering::Relaxed);
//!     }
//! }
//!
//! impl WorkItem<1> for Device {
//!     type Pointer = Arc<Device>;
//!     fn run(this: Arc<Device>) {
//!         this.flushes.fetch_add(1, Ordering::Relaxed);
//!     }
//! }
//!
//! let device = Arc::pin_init(
//!     pin_init!(Device {
//!         resets: AtomicU32::new(0),
//!         flushes: AtomicU32::new(0),
//!         reset <- new_work!("Device::reset"),
//!         flush <- new_work!("Device::flush"),
//!     }),
//!     GFP_KERNEL,
//! )?;
//! let _ = workqueue::system().enqueue::<_, 0>(device.clone());
//! let _ = workqueue::system().enqueue::<_, 1>(device.clone());
//! # while device.resets.load(Ordering::Relaxed) + device.flushes.load(Ordering::Relaxed) < 2 {
//! #     kernel::time::msleep(1);
//! # }
//! ```
//!
//! # Unloading
//!
//! A work item's function is code of the module that queued it. [`system()`] is therefore not
//! the kernel's `system_wq`, as upstream's is, but a workqueue of the module's own with
//! `system_wq`'s flags: created before the module's `init` runs, and destroyed after its
//! instance is dropped at unload (or after a failed `init`). Destroying a workqueue waits for
//! every item queued on it to have run, those queued again meanwhile included, so work still
//! queued or running at unload runs to its end before the module's code goes, and none runs
//! after. A module that never calls `system()` gets no workqueue (the link leaves it out).
//!
//! Delayed work ([`DelayedWork`]) not started by the unload is cancelled then: its pointer is
//! dropped without `run`, and queueing with a delay fails from then on (`Err`; a box is dropped),
//! so that an item queueing itself again periodically stops, as C modules stop theirs with
//! `cancel_delayed_work_sync()` at exit.
//!
//! An item that keeps queueing itself again keeps the unload waiting, as it would in C. Items
//! must be queued by the module's own code from before `cleanup_module` returns: a timer or
//! thread the module leaked (`core::mem::forget`) would also run after the module is gone.

mod delayed;
mod pointer;
mod work;

pub use delayed::{DelayedWork, HasDelayedWork, RawDelayedWorkItem};
pub use work::{HasWork, RawWorkItem, Work, WorkItem, WorkItemPointer};

pub use crate::{impl_has_delayed_work, impl_has_work, new_delayed_work, new_work};

use crate::alloc::{AllocError, Flags, KBox};
use crate::bindings;
use crate::init::{pin_data, InPlaceInit};
use crate::types::Opaque;
use core::pin::Pin;

/// A workqueue: the kernel worker threads that run the work items queued on it (C's
/// `struct workqueue_struct`). Modules get theirs from [`system()`].
///
/// ```ignore,kernel
/// let queue: &'static kernel::workqueue::Queue = kernel::workqueue::system();
/// queue.try_spawn(GFP_KERNEL, || pr_info!("from a worker\n"))?;
/// ```
///
/// # Invariants
///
/// A `&'a Queue` is a live `struct workqueue_struct` for `'a`, and the items queued on it through
/// this type run before the module's code goes away.
#[repr(transparent)]
pub struct Queue(Opaque<bindings::workqueue_struct>);

// SAFETY: the C workqueue has its own locking; queueing on it is allowed from any thread.
unsafe impl Send for Queue {}
// SAFETY: as for `Send`: queueing may happen on several threads at once.
unsafe impl Sync for Queue {}

impl Queue {
    /// The `Queue` of a C workqueue.
    ///
    /// # Safety
    ///
    /// `ptr` is a live workqueue for all of `'a`, and every work item queued through the result
    /// has run before the module is unloaded (for instance: the caller destroys or flushes the
    /// queue before its `cleanup_module` returns). Upstream asks only the first: there the
    /// kernel's system queues are fair game, here they would let a module's work function run
    /// after the module is gone.
    ///
    /// Not run as a test: this crate binds no `alloc_workqueue()` to make such a queue with.
    ///
    /// ```ignore,kernel,no_run
    /// # use kernel::{bindings, workqueue::Queue};
    /// # fn example(my_wq: *const bindings::workqueue_struct) {
    /// // SAFETY: `my_wq` lives until `cleanup_module` destroys it, which waits for its items.
    /// let queue = unsafe { Queue::from_raw(my_wq) };
    /// # }
    /// ```
    pub unsafe fn from_raw<'a>(ptr: *const bindings::workqueue_struct) -> &'a Queue {
        // INVARIANT: guaranteed by the caller.
        // SAFETY: `Queue` is a transparent wrapper of the C type, and `ptr` is live for `'a`.
        unsafe { &*ptr.cast::<Queue>() }
    }

    /// Queues the work item `w` points to, handing `w` to the queue until a worker passes it to
    /// the item's [`WorkItem::run`]. Never sleeps: any context may queue.
    ///
    /// What it returns depends on the pointer: `Result<(), Arc<T>>` for an `Arc` (the `Arc` back
    /// when the item was already queued: it then runs once for both), `()` for a
    /// `Pin<KBox<T>>` (the only owner of an item cannot find it queued). An item queued again
    /// while it runs runs once more. `ID` picks the [`Work`] field, when there are several.
    ///
    /// ```ignore,kernel
    /// # use kernel::workqueue::{self, impl_has_work, new_work, Work, WorkItem};
    /// # #[pin_data]
    /// # struct Event {
    /// #     #[pin]
    /// #     work: Work<Event>,
    /// # }
    /// # impl_has_work! { impl HasWork<Self> for Event { self.work } }
    /// # impl WorkItem for Event {
    /// #     type Pointer = Arc<Event>;
    /// #     fn run(_this: Arc<Event>) {}
    /// # }
    /// let event = Arc::pin_init(pin_init!(Event { work <- new_work!() }), GFP_KERNEL)?;
    /// match workqueue::system().enqueue(event.clone()) {
    ///     Ok(()) => {}
    ///     Err(_event) => pr_debug!("already queued: that run will see this event too\n"),
    /// }
    /// ```
    pub fn enqueue<W, const ID: u64>(&self, w: W) -> W::EnqueueOutput
    where
        W: RawWorkItem<ID> + Send + 'static,
    {
        let queue = self.0.get();
        // SAFETY: the closure returns `false` only when `queue_work` found the item already
        // pending. `W: Send + 'static`, so a worker may run it on any thread, at any later time
        // before the module goes, which the queue guarantees (type invariant). `queue_work`
        // uses the pointer during the call, when `__enqueue` guarantees it valid, and after it
        // only when it returned `true`, in which case it stays valid until the item's function
        // is called.
        unsafe { w.__enqueue(move |work| bindings::queue_work(queue, work)) }
    }

    /// Queues `w` to run once `delay` jiffies have passed (at once for 0), as
    /// [`enqueue`](Self::enqueue) does otherwise: `Err(w)` for an `Arc` item already pending
    /// (waiting for its delay, or queued). An item not started when the module unloads is
    /// cancelled (its pointer dropped without `run`), and from then on this fails (`Err(w)`; a
    /// box is dropped).
    ///
    /// ```ignore,kernel
    /// # use kernel::time::msecs_to_jiffies;
    /// # use kernel::workqueue::{self, impl_has_delayed_work, new_delayed_work, DelayedWork, WorkItem};
    /// # #[pin_data]
    /// # struct Retry { #[pin] work: DelayedWork<Retry> }
    /// # impl_has_delayed_work! { impl HasDelayedWork<Self> for Retry { self.work } }
    /// # impl WorkItem for Retry { type Pointer = Pin<KBox<Retry>>; fn run(_this: Pin<KBox<Retry>>) {} }
    /// let retry = KBox::pin_init(pin_init!(Retry { work <- new_delayed_work!() }), GFP_KERNEL)?;
    /// workqueue::system().enqueue_delayed(retry, msecs_to_jiffies(100));
    /// ```
    pub fn enqueue_delayed<W, const ID: u64>(&self, w: W, delay: crate::time::Jiffies) -> W::EnqueueOutput
    where
        W: RawDelayedWorkItem<ID> + Send + 'static,
    {
        let queue = self.0.get();
        // SAFETY: as in `enqueue`; the `work_struct` is inside a `DelayedWork`
        // (`RawDelayedWorkItem`), which stays valid as `enqueue` says for its `work_struct`:
        // until the item's function is called once its delay has passed, or until the unload
        // cancels it and takes the pointer back (delayed.rs).
        unsafe { w.__enqueue(move |work| delayed::queue(queue, work, delay)) }
    }

    /// Runs `func` on this queue, in a work item allocated with `flags`; fails only if that
    /// allocation does.
    ///
    /// ```ignore,kernel
    /// use core::sync::atomic::{AtomicBool, Ordering};
    /// let ran = Arc::new(AtomicBool::new(false), GFP_KERNEL)?;
    /// let seen = ran.clone();
    /// kernel::workqueue::system().try_spawn(GFP_KERNEL, move || seen.store(true, Ordering::Release))?;
    /// # while !ran.load(Ordering::Acquire) {
    /// #     kernel::time::msleep(1);
    /// # }
    /// ```
    pub fn try_spawn<T: 'static + Send + FnOnce()>(&self, flags: Flags, func: T) -> Result<(), AllocError> {
        let init = crate::pin_init!(ClosureWork { work <- new_work!("Queue::try_spawn"), func: Some(func) });
        let work = KBox::pin_init(init, flags).map_err(|_| AllocError)?;
        self.enqueue(work);
        Ok(())
    }
}

/// The work item of [`Queue::try_spawn`]: a closure, run once.
#[pin_data]
struct ClosureWork<T> {
    #[pin]
    work: Work<ClosureWork<T>>,
    func: Option<T>,
}

impl_has_work! {
    impl{T} HasWork<Self> for ClosureWork<T> { self.work }
}

impl<T: FnOnce()> WorkItem for ClosureWork<T> {
    type Pointer = Pin<KBox<Self>>;

    fn run(mut this: Pin<KBox<Self>>) {
        // SAFETY: only `func`, which is not structurally pinned, is touched; `work` stays put.
        let func = unsafe { this.as_mut().get_unchecked_mut() }.func.take();
        if let Some(func) = func {
            func();
        }
    }
}

// The module's workqueue, set by the C `init_module` of the `MODULE_WQ` helpers (helpers.c)
// before any Rust code of the module runs, and destroyed by its `cleanup_module` after the last.
// Reading it is what links those helpers into a module. Where the kernel's KUnit runs the
// module's suites before `init_module`, each suite's run has a queue of its own, made and
// destroyed by the two functions (`kernel::kunit`).
unsafe extern "C" {
    static mut kmod_rs_module_wq: *mut bindings::workqueue_struct;
    #[cfg(CONFIG_KUNIT)]
    fn kmod_rs_module_wq_create() -> core::ffi::c_int;
    #[cfg(CONFIG_KUNIT)]
    fn kmod_rs_module_wq_destroy();
}

/// Makes the module's workqueue for the run of a KUnit suite, before `init_module`; returns 0
/// or `-ENOMEM`.
///
/// # Safety
///
/// Called by KUnit's `suite_init` of one of the module's suites, before `init_module`, when no
/// queue exists; [`destroy_for_suite`] is called at the suite's end.
#[cfg(CONFIG_KUNIT)]
pub(crate) unsafe fn create_for_suite() -> core::ffi::c_int {
    // SAFETY: no queue exists and no code of the module uses one (the caller's guarantee).
    unsafe { kmod_rs_module_wq_create() }
}

/// Drains and destroys the workqueue of a KUnit suite's run.
///
/// # Safety
///
/// Called by KUnit's `suite_exit` of the suite whose `suite_init` made the queue, once every
/// test of it has returned: nothing of the module uses the queue any more.
#[cfg(CONFIG_KUNIT)]
pub(crate) unsafe fn destroy_for_suite() {
    // SAFETY: the queue exists and is no longer used (the caller's guarantee); destroying it
    // waits for what its tests queued.
    unsafe { kmod_rs_module_wq_destroy() }
}

/// The workqueue for a module's work items: in upstream, the kernel's `system_wq`; here, a
/// workqueue of the module's own with `system_wq`'s flags (per-CPU, default concurrency), which
/// unloading drains. See [Unloading](self#unloading).
///
/// ```ignore,kernel
/// kernel::workqueue::system().try_spawn(GFP_KERNEL, || pr_info!("later\n"))?;
/// ```
pub fn system() -> &'static Queue {
    // SAFETY: the C `init_module` set the pointer to a live workqueue before calling any of the
    // module's Rust code, and never changes it; it is destroyed only after all of that code has
    // returned and every item queued on it has run, so it is live, and drains what is queued
    // through it, for as long as the module's code can run (the `Queue` invariant). Before
    // `init_module`, the only Rust code that runs is a KUnit suite's, between the `suite_init`
    // that made a queue and the `suite_exit` that drains it (`kernel::kunit`).
    unsafe { Queue::from_raw(kmod_rs_module_wq) }
}

/// An initializer for a [`Work`] field, with a lockdep class for this call site and an optional
/// name (default: `file:line`).
///
/// ```ignore,kernel
/// # use kernel::workqueue::{impl_has_work, new_work, Work, WorkItem};
/// # #[pin_data]
/// # struct Device {
/// #     #[pin]
/// #     reset: Work<Device>,
/// # }
/// # impl_has_work! { impl HasWork<Self> for Device { self.reset } }
/// # impl WorkItem for Device {
/// #     type Pointer = Arc<Device>;
/// #     fn run(_this: Arc<Device>) {}
/// # }
/// let device = Arc::pin_init(pin_init!(Device { reset <- new_work!("Device::reset") }), GFP_KERNEL)?;
/// ```
#[macro_export]
macro_rules! new_work {
    ($($name:literal)? $(,)?) => {
        $crate::workqueue::Work::new($crate::optional_name!($($name)?), $crate::static_lock_class!())
    };
}
