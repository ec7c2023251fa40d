//! The work item types: [`Work`], the traits tying it to its containing type and owning pointer,
//! and [`impl_has_work!`](crate::impl_has_work).

use crate::bindings;
use crate::init::{pin_data, PinInit};
use crate::str::CStr;
use crate::sync::LockClassKey;
use crate::types::Opaque;
use core::marker::PhantomData;

/// A work item that knows how to put itself on a queue: the low-level trait that
/// [`Queue::enqueue`](super::Queue::enqueue) calls. [`Arc<T>`](crate::sync::Arc) and
/// `Pin<KBox<T>>` implement it for any `T` with a [`Work`] field (see [`WorkItem`]); other
/// implementations are for pointer types of your own.
///
/// `ID` tells apart the implementations for the several [`Work`] fields of one type; it exists
/// at compile time only.
///
/// ```ignore,kernel,no_run
/// use kernel::workqueue::RawWorkItem;
/// fn queue_on<W: RawWorkItem<0> + Send + 'static>(w: W) -> W::EnqueueOutput {
///     kernel::workqueue::system().enqueue(w)
/// }
/// ```
///
/// # Safety
///
/// A pointer [`RawWorkItem::__enqueue`] passes to its closure points to a valid `work_struct`
/// for the whole call of the closure and, if the closure returns `true`, until the function
/// stored in that `work_struct` is called with it.
pub unsafe trait RawWorkItem<const ID: u64> {
    /// What [`Queue::enqueue`](super::Queue::enqueue) returns.
    type EnqueueOutput;

    /// Passes the `work_struct` this pointer leads to to `queue_work_on`, which queues it and
    /// returns `true`, or returns `false` when it was already queued; gives up ownership of
    /// `self` to the queue in the first case.
    ///
    /// # Safety
    ///
    /// `queue_work_on` returns `false` only if the `work_struct` is already queued. If `Self` is
    /// not `Send`, the work item's function is called on the thread calling this; if it is not
    /// `'static`, the function is called before the shortest lifetime in `Self` ends (or never).
    unsafe fn __enqueue<F>(self, queue_work_on: F) -> Self::EnqueueOutput
    where
        F: FnOnce(*mut bindings::work_struct) -> bool;
}

/// An owning pointer to a [`WorkItem`], with the C function that a worker calls for it: takes
/// the pointer back from the queue and passes it to [`WorkItem::run`]. Implemented for
/// [`Arc<T>`](crate::sync::Arc) and `Pin<KBox<T>>`; modules implement [`WorkItem`] instead.
///
/// ```ignore,kernel,no_run
/// use kernel::workqueue::WorkItemPointer;
/// fn function_of<P: WorkItemPointer<0>>() -> unsafe extern "C" fn(*mut kernel::bindings::work_struct) {
///     P::run
/// }
/// ```
///
/// # Safety
///
/// The `work_struct` that [`RawWorkItem::__enqueue`] queues was initialised with
/// [`WorkItemPointer::run`] of this very type as its function.
pub unsafe trait WorkItemPointer<const ID: u64>: RawWorkItem<ID> {
    /// Runs the work item: called by a worker thread, in process context.
    ///
    /// # Safety
    ///
    /// `ptr` is a `work_struct` that [`RawWorkItem::__enqueue`] queued (its closure returned
    /// `true`), still valid, and this is the one call of its function for that queueing.
    unsafe extern "C" fn run(ptr: *mut bindings::work_struct);
}

/// What a work item does when a worker runs it, and the owning pointer it runs on.
///
/// `ID` selects the [`Work<Self, ID>`](Work) field the implementation is for (0 by default).
/// `run` gets the pointer the queue held: it may queue the item again (the pointer, or a clone
/// of an `Arc`), keep it, or drop it; dropping the last reference frees the item, which is fine
/// from its own function.
///
/// ```ignore,kernel
/// use kernel::workqueue::{self, impl_has_work, new_work, Work, WorkItem};
///
/// #[pin_data]
/// struct Once {
///     #[pin]
///     work: Work<Once>,
/// }
///
/// impl_has_work! {
///     impl HasWork<Self> for Once { self.work }
/// }
///
/// impl WorkItem for Once {
///     type Pointer = Pin<KBox<Once>>;
///
///     fn run(this: Pin<KBox<Once>>) {
///         pr_info!("running once\n");
///         drop(this); // frees the item
///     }
/// }
///
/// let once = KBox::pin_init(pin_init!(Once { work <- new_work!() }), GFP_KERNEL)?;
/// workqueue::system().enqueue(once);
/// ```
pub trait WorkItem<const ID: u64 = 0> {
    /// The owning pointer the item is queued and run as: `Arc<Self>` or `Pin<KBox<Self>>`.
    type Pointer: WorkItemPointer<ID>;

    /// Called by a kernel worker thread, in process context: may sleep.
    ///
    /// A method of an `impl WorkItem` (the trait's example above runs a whole one):
    ///
    /// ```ignore,kernel,no_run
    /// # use kernel::workqueue::{impl_has_work, Work, WorkItem};
    /// # #[pin_data]
    /// # struct Stats {
    /// #     #[pin]
    /// #     work: Work<Stats>,
    /// #     #[pin]
    /// #     totals: Mutex<KVec<u64>>,
    /// # }
    /// # impl_has_work! {
    /// #     impl HasWork<Self> for Stats { self.work }
    /// # }
    /// # impl Stats {
    /// #     fn sample(&self) -> u64 {
    /// #         0
    /// #     }
    /// # }
    /// # impl WorkItem for Stats {
    /// #     type Pointer = Arc<Self>;
    /// fn run(this: Arc<Self>) {
    ///     this.totals.lock().push(this.sample(), GFP_KERNEL).ok();
    /// }
    /// # }
    /// ```
    fn run(this: Self::Pointer);
}

/// The C work item embedded in a type `T` that runs as a work item (the `ID`th of its fields of
/// this kind): a `work_struct` whose function is that of `T`'s [`WorkItem<ID>`] pointer.
///
/// Initialise it in place with [`new_work!`](crate::new_work) and declare the field with
/// [`impl_has_work!`](crate::impl_has_work). It has no `Drop` of its own: the queue owns a
/// pointer to the containing value while it is queued, so it is never dropped while queued.
///
/// ```ignore,kernel
/// # use kernel::workqueue::{impl_has_work, new_work, Work, WorkItem};
/// #[pin_data]
/// struct Flush {
///     #[pin]
///     work: Work<Flush>,
/// }
/// # impl_has_work! { impl HasWork<Self> for Flush { self.work } }
/// # impl WorkItem for Flush {
/// #     type Pointer = Arc<Flush>;
/// #     fn run(_this: Arc<Flush>) {}
/// # }
/// let flush = Arc::pin_init(pin_init!(Flush { work <- new_work!("Flush::work") }), GFP_KERNEL)?;
/// ```
///
/// # Invariants
///
/// `work` was initialised by [`Work::new`], with `<T as WorkItem<ID>>::Pointer::run` as its
/// function, and does not move.
#[pin_data]
#[repr(transparent)]
pub struct Work<T: ?Sized, const ID: u64 = 0> {
    #[pin]
    work: Opaque<bindings::work_struct>,
    _inner: PhantomData<T>,
}

// SAFETY: a `Work` holds no `T`, only the C work item, which may be queued from any thread.
unsafe impl<T: ?Sized, const ID: u64> Send for Work<T, ID> {}
// SAFETY: as for `Send`: `&Work` gives nothing but the C work item's address.
unsafe impl<T: ?Sized, const ID: u64> Sync for Work<T, ID> {}

impl<T: ?Sized, const ID: u64> Work<T, ID> {
    /// An initializer for an idle work item, named `name` with class `key` for lockdep (which
    /// then checks that waiting for the workqueue does not happen with a lock the function
    /// takes). [`new_work!`](crate::new_work) fills both in.
    ///
    /// ```ignore,kernel
    /// # use kernel::workqueue::{impl_has_work, Work, WorkItem};
    /// # #[pin_data]
    /// # struct Reset {
    /// #     #[pin]
    /// #     work: Work<Reset>,
    /// # }
    /// # impl_has_work! { impl HasWork<Self> for Reset { self.work } }
    /// # impl WorkItem for Reset {
    /// #     type Pointer = Arc<Reset>;
    /// #     fn run(_this: Arc<Reset>) {}
    /// # }
    /// let init = Work::new(c"Reset::work", kernel::static_lock_class!());
    /// let reset = Arc::pin_init(pin_init!(Reset { work <- init }), GFP_KERNEL)?;
    /// ```
    pub fn new(name: &'static CStr, key: &'static LockClassKey) -> impl PinInit<Self>
    where
        T: WorkItem<ID>,
    {
        // INVARIANT: the C work item gets `T`'s pointer's `run` as its function; it is pinned.
        crate::pin_init!(Self {
            work <- Opaque::ffi_init(|slot| {
                // SAFETY: `slot` is valid for writes; `run` is a work function (its contract
                // is what `WorkItemPointer` implementations uphold), and `name` and `key` are
                // static, as lockdep needs.
                unsafe {
                    bindings::init_work_with_key(slot, Some(T::Pointer::run), false, name.as_ptr(), key.as_ptr())
                }
            }),
            _inner: PhantomData,
        })
    }

    /// The C work item of the `Work` at `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` is aligned and points into an allocation large enough for a `Work` (which need not
    /// be initialised).
    ///
    /// ```ignore,kernel
    /// # use kernel::workqueue::{impl_has_work, Work, WorkItem};
    /// # #[pin_data]
    /// # struct Reset {
    /// #     #[pin]
    /// #     work: Work<Reset>,
    /// # }
    /// # impl_has_work! { impl HasWork<Self> for Reset { self.work } }
    /// # impl WorkItem for Reset {
    /// #     type Pointer = Arc<Reset>;
    /// #     fn run(_this: Arc<Reset>) {}
    /// # }
    /// # let reset = Arc::pin_init(pin_init!(Reset { work <- kernel::workqueue::new_work!() }), GFP_KERNEL)?;
    /// // SAFETY: `reset.work` is a live `Work`.
    /// let raw = unsafe { Work::raw_get(&reset.work) };
    /// assert!(!raw.is_null());
    /// ```
    pub unsafe fn raw_get(ptr: *const Self) -> *mut bindings::work_struct {
        // SAFETY: `ptr` points to a `Work` (the caller's contract); only a field address is taken.
        Opaque::raw_get(unsafe { core::ptr::addr_of!((*ptr).work) })
    }
}

/// Says where in `Self` its [`Work<T, ID>`](Work) field is, for the pointer implementations of
/// [`RawWorkItem`] and [`WorkItemPointer`]. Implement it with
/// [`impl_has_work!`](crate::impl_has_work).
///
/// ```ignore,kernel
/// use kernel::workqueue::{impl_has_work, Work};
///
/// struct Tagged {
///     work: Work<Tagged, 3>,
/// }
///
/// impl_has_work! {
///     impl HasWork<Tagged, 3> for Tagged { self.work }
/// }
/// ```
///
/// # Safety
///
/// The two functions compute addresses only, and are inverse: for any `ptr: *mut Self`,
/// `work_container_of(raw_get_work(ptr)) == ptr`, and for any `ptr: *mut Work<T, ID>` that is
/// the field of a `Self`, `raw_get_work(work_container_of(ptr)) == ptr`.
pub unsafe trait HasWork<T, const ID: u64 = 0> {
    /// The address of the `Work` field of the `Self` at `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` points to a `Self` (which need not be initialised).
    unsafe fn raw_get_work(ptr: *mut Self) -> *mut Work<T, ID>;

    /// The address of the `Self` whose `Work` field is at `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` points to the `Work<T, ID>` field of a `Self`.
    unsafe fn work_container_of(ptr: *mut Work<T, ID>) -> *mut Self;
}

/// Implements [`HasWork`] for a field of a struct, checking at compile time that the field has
/// the type `Work<T, ID>` the implementation says. Generic parameters go in braces after `impl`.
///
/// ```ignore,kernel
/// use kernel::workqueue::{impl_has_work, Work};
///
/// struct Job<P, const N: usize> {
///     payload: [P; N],
///     work: Work<Job<P, N>, 1>,
/// }
///
/// impl_has_work! {
///     impl{P, const N: usize} HasWork<Job<P, N>, 1> for Job<P, N> { self.work }
/// }
/// ```
#[macro_export]
macro_rules! impl_has_work {
    ($(impl$({$($generics:tt)*})? HasWork<$work_type:ty $(, $id:tt)?> for $self:ty { self.$field:ident })*) => {$(
        // SAFETY: both functions only compute addresses, from the one field `$field`, whose type
        // `raw_get_work`'s return type checks; `container_of!` undoes `addr_of_mut!`.
        unsafe impl$(<$($generics)*>)? $crate::workqueue::HasWork<$work_type $(, $id)?> for $self {
            #[inline]
            unsafe fn raw_get_work(ptr: *mut Self) -> *mut $crate::workqueue::Work<$work_type $(, $id)?> {
                // SAFETY: `ptr` points to a `Self` (the caller's contract).
                unsafe { ::core::ptr::addr_of_mut!((*ptr).$field) }
            }

            #[inline]
            unsafe fn work_container_of(
                ptr: *mut $crate::workqueue::Work<$work_type $(, $id)?>,
            ) -> *mut Self {
                $crate::container_of!(ptr, Self, $field)
            }
        }
    )*};
}
