//! Delayed work items: [`DelayedWork`], queued to run once a delay has passed
//! ([`Queue::enqueue_delayed`](super::Queue::enqueue_delayed)), and
//! [`impl_has_delayed_work!`](crate::impl_has_delayed_work).
//!
//! The delay is a timer of the kernel's (`struct delayed_work`). From its queueing until it
//! starts, the item is on a list of the module's (helpers.c), so that the unload can cancel it:
//! an item not started by then never runs (its pointer is dropped), and queueing with a delay
//! fails from then on, so that an item that queues itself again periodically stops (see the
//! [module's documentation](super#unloading)).

use super::{HasWork, RawWorkItem, Work, WorkItem};
use crate::bindings;
use crate::init::{pin_data, PinInit};
use crate::str::CStr;
use crate::sync::LockClassKey;
use crate::types::Opaque;
use core::marker::PhantomData;

// The module's delayed-work bookkeeping, in the `MODULE_WQ` helpers (helpers.c).
unsafe extern "C" {
    fn kmod_rs_queue_delayed_work(
        wq: *mut bindings::workqueue_struct,
        d: *mut bindings::kmod_rs_delayed_work,
        delay: core::ffi::c_ulong,
    ) -> bool;
    fn kmod_rs_delayed_work_fn(work: *mut bindings::work_struct);
}

/// A work item that runs after a delay: the field a type embeds to be queued with
/// [`Queue::enqueue_delayed`](super::Queue::enqueue_delayed), created with
/// [`new_delayed_work!`](crate::new_delayed_work). It can be queued without a delay too.
///
/// ```ignore,kernel
/// use kernel::time::msecs_to_jiffies;
/// use kernel::workqueue::{self, impl_has_delayed_work, new_delayed_work, DelayedWork, WorkItem};
///
/// #[pin_data]
/// struct Poll {
///     #[pin]
///     work: DelayedWork<Poll>,
/// }
///
/// impl_has_delayed_work! {
///     impl HasDelayedWork<Self> for Poll { self.work }
/// }
///
/// impl WorkItem for Poll {
///     type Pointer = Arc<Poll>;
///
///     fn run(this: Arc<Poll>) {
///         pr_info!("polled\n");
///         // A periodic item queues itself again here, until the unload stops it:
///         // `let _ = workqueue::system().enqueue_delayed(this, msecs_to_jiffies(1000));`
///         drop(this);
///     }
/// }
///
/// let poll = Arc::pin_init(pin_init!(Poll { work <- new_delayed_work!("Poll::work") }), GFP_KERNEL)?;
/// let _ = workqueue::system().enqueue_delayed(poll, msecs_to_jiffies(1000));
/// ```
///
/// # Invariants
///
/// `dwork` is initialised with [`kmod_rs_delayed_work_fn`] as its work function, `T`'s pointer's
/// `run` as the function that one calls, and the kernel's `delayed_work_timer_fn` as its timer's.
#[pin_data]
#[repr(transparent)]
pub struct DelayedWork<T: ?Sized, const ID: u64 = 0> {
    #[pin]
    dwork: Opaque<bindings::kmod_rs_delayed_work>,
    _inner: PhantomData<T>,
}

// SAFETY: a `DelayedWork` holds no `T`, only the C item, which may be queued from any thread.
unsafe impl<T: ?Sized, const ID: u64> Send for DelayedWork<T, ID> {}
// SAFETY: as for `Send`: `&DelayedWork` gives nothing but the C item's address.
unsafe impl<T: ?Sized, const ID: u64> Sync for DelayedWork<T, ID> {}

impl<T: ?Sized, const ID: u64> DelayedWork<T, ID> {
    /// A delayed work item running `T`'s [`WorkItem::run`], its work and its timer named and
    /// classed for lockdep (see [`new_delayed_work!`](crate::new_delayed_work)).
    pub fn new(
        work_name: &'static CStr,
        work_key: &'static LockClassKey,
        timer_name: &'static CStr,
        timer_key: &'static LockClassKey,
    ) -> impl PinInit<Self>
    where
        T: WorkItem<ID>,
        T::Pointer: RawDelayedWorkItem<ID>,
    {
        // INVARIANT: initialised below as the invariant says; pinned.
        crate::pin_init!(Self {
            dwork <- Opaque::ffi_init(|slot: *mut bindings::kmod_rs_delayed_work| {
                // SAFETY: `slot` is valid for writes of a `kmod_rs_delayed_work`, all zeroes
                // before its parts are initialised (`wq` and `cpu` are set when it is queued).
                unsafe { slot.write_bytes(0, 1) };
                // SAFETY: as above; the work and timer functions are the ones `delayed_work`
                // needs (`kmod_rs_delayed_work_fn` calls `run` below), the timer is irq-safe as
                // `INIT_DELAYED_WORK()` makes it, and the names and keys are static, as lockdep
                // needs. The list node starts empty (pointing to itself).
                unsafe {
                    let work = core::ptr::addr_of_mut!((*slot).dwork.work);
                    bindings::init_work_with_key(
                        work,
                        Some(kmod_rs_delayed_work_fn),
                        false,
                        work_name.as_ptr(),
                        work_key.as_ptr(),
                    );
                    bindings::timer_init_key(
                        core::ptr::addr_of_mut!((*slot).dwork.timer),
                        Some(bindings::delayed_work_timer_fn),
                        bindings::TIMER_IRQSAFE,
                        timer_name.as_ptr(),
                        timer_key.as_ptr(),
                    );
                    let node = core::ptr::addr_of_mut!((*slot).node);
                    (*node).next = node;
                    (*node).prev = node;
                    (*slot).run = Some(<T::Pointer as super::WorkItemPointer<ID>>::run);
                    (*slot).drop = Some(<T::Pointer as RawDelayedWorkItem<ID>>::__drop_unrun);
                }
            }),
            _inner: PhantomData,
        })
    }

    /// The [`Work`] inside a delayed work item (its `work_struct`).
    ///
    /// # Safety
    ///
    /// `ptr` points to a `DelayedWork`.
    pub unsafe fn raw_as_work(ptr: *const Self) -> *mut Work<T, ID> {
        // SAFETY: `ptr` points to a `DelayedWork` (the caller's contract); only field addresses
        // are computed. `Work` is a transparent `work_struct`.
        unsafe {
            let d = Opaque::raw_get(core::ptr::addr_of!((*ptr).dwork));
            core::ptr::addr_of_mut!((*d).dwork.work).cast::<Work<T, ID>>()
        }
    }

    /// The `DelayedWork` a [`Work`] from [`raw_as_work`](Self::raw_as_work) is in, for
    /// [`impl_has_delayed_work!`](crate::impl_has_delayed_work).
    #[doc(hidden)]
    pub fn __from_work(ptr: *mut Work<T, ID>) -> *mut Self {
        // `Work` is a transparent `work_struct`; `Self` a transparent `kmod_rs_delayed_work`.
        raw_from_work(ptr.cast()).cast()
    }
}

/// The C item a `work_struct` of one is in.
fn raw_from_work(work: *mut bindings::work_struct) -> *mut bindings::kmod_rs_delayed_work {
    let dwork = crate::container_of!(work, bindings::delayed_work, work);
    crate::container_of!(dwork, bindings::kmod_rs_delayed_work, dwork)
}

/// Queues the item whose `work_struct` is `work` with a delay, through the module's list (see
/// the module's documentation); whether it was not pending already.
///
/// # Safety
///
/// As for `queue_delayed_work()`: `work` is the `work_struct` of a live [`DelayedWork`] and
/// `queue` a live workqueue.
pub(super) unsafe fn queue(
    queue: *mut bindings::workqueue_struct,
    work: *mut bindings::work_struct,
    delay: crate::time::Jiffies,
) -> bool {
    // SAFETY: the caller's contract; `work` is in a `kmod_rs_delayed_work` (the invariant of
    // `DelayedWork`).
    unsafe { kmod_rs_queue_delayed_work(queue, raw_from_work(work), delay) }
}

/// Says which [`DelayedWork`] field of a type a [`HasWork`] implementation gives; implemented
/// by [`impl_has_delayed_work!`](crate::impl_has_delayed_work), with `HasWork` itself.
///
/// # Safety
///
/// `HasWork<T, ID>`'s `Work` is the one inside a `DelayedWork<T, ID>` field of `Self`.
pub unsafe trait HasDelayedWork<T, const ID: u64 = 0>: HasWork<T, ID> {}

/// Owning pointers a delayed work item is queued as ([`Arc`](crate::sync::Arc),
/// [`ARef`](crate::sync::aref::ARef), `Pin<KBox<T>>`).
///
/// # Safety
///
/// The `work_struct` `__enqueue` passes is one inside a [`DelayedWork`], and `__drop_unrun`
/// drops the pointer `__enqueue` gave up for it.
pub unsafe trait RawDelayedWorkItem<const ID: u64>: RawWorkItem<ID> {
    /// Drops the pointer a cancelled queueing of the item whose `work_struct` is `ptr` held,
    /// without running the item (at unload, see the module's documentation).
    ///
    /// # Safety
    ///
    /// `ptr` is the `work_struct` of an item `__enqueue` queued, whose queueing was cancelled:
    /// its pointer is the caller's, and is taken back once.
    #[doc(hidden)]
    unsafe extern "C" fn __drop_unrun(ptr: *mut bindings::work_struct);
}

/// Implements [`HasDelayedWork`] and [`HasWork`] for a type with a [`DelayedWork`] field.
///
/// ```ignore,kernel,no_run
/// # use kernel::workqueue::{impl_has_delayed_work, DelayedWork, WorkItem};
/// # #[pin_data]
/// # struct Flush { #[pin] work: DelayedWork<Flush> }
/// # impl WorkItem for Flush { type Pointer = Arc<Flush>; fn run(_this: Arc<Flush>) {} }
/// impl_has_delayed_work! {
///     impl HasDelayedWork<Self> for Flush { self.work }
/// }
/// ```
#[macro_export]
macro_rules! impl_has_delayed_work {
    ($(impl$({$($generics:tt)*})? HasDelayedWork<$work_type:ty $(, $id:tt)?> for $self:ty { self.$field:ident })*) => {$(
        // SAFETY: `raw_get_work` below gives the `Work` inside the `DelayedWork` field `$field`.
        unsafe impl$(<$($generics)*>)? $crate::workqueue::HasDelayedWork<$work_type $(, $id)?> for $self {}

        // SAFETY: both functions only compute addresses, from the one field `$field`, whose type
        // the `let` checks; `work_container_of` undoes `raw_get_work`.
        unsafe impl$(<$($generics)*>)? $crate::workqueue::HasWork<$work_type $(, $id)?> for $self {
            #[inline]
            unsafe fn raw_get_work(ptr: *mut Self) -> *mut $crate::workqueue::Work<$work_type $(, $id)?> {
                // SAFETY: `ptr` points to a `Self` (the caller's contract).
                let field: *mut $crate::workqueue::DelayedWork<$work_type $(, $id)?> =
                    unsafe { ::core::ptr::addr_of_mut!((*ptr).$field) };
                // SAFETY: `field` points to a `DelayedWork`.
                unsafe { $crate::workqueue::DelayedWork::raw_as_work(field) }
            }

            #[inline]
            unsafe fn work_container_of(
                ptr: *mut $crate::workqueue::Work<$work_type $(, $id)?>,
            ) -> *mut Self {
                let field = $crate::workqueue::DelayedWork::<$work_type $(, $id)?>::__from_work(ptr);
                $crate::container_of!(field, Self, $field)
            }
        }
    )*};
}

/// A [`DelayedWork`] initialiser named after the place it is written (or `name`), with lock
/// classes of its own for the work and its timer.
///
/// ```ignore,kernel,no_run
/// # use kernel::workqueue::{impl_has_delayed_work, new_delayed_work, DelayedWork, WorkItem};
/// # #[pin_data]
/// # struct Flush { #[pin] work: DelayedWork<Flush> }
/// # impl WorkItem for Flush { type Pointer = Arc<Flush>; fn run(_this: Arc<Flush>) {} }
/// # impl_has_delayed_work! { impl HasDelayedWork<Self> for Flush { self.work } }
/// let flush = Arc::pin_init(pin_init!(Flush { work <- new_delayed_work!("Flush::work") }), GFP_KERNEL)?;
/// ```
#[macro_export]
macro_rules! new_delayed_work {
    ($($name:literal)? $(,)?) => {
        $crate::workqueue::DelayedWork::new(
            $crate::optional_name!($($name)?),
            $crate::static_lock_class!(),
            $crate::c_str!(::core::concat!(::core::file!(), ":", ::core::line!(), "_timer")),
            $crate::static_lock_class!(),
        )
    };
}
