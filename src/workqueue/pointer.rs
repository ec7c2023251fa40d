//! [`RawWorkItem`] and [`WorkItemPointer`] for the owning pointers a work item can be queued as:
//! [`Arc<T>`], [`ARef<T>`] and `Pin<KBox<T>>`. While an item is queued, the queue holds the
//! pointer (a counted reference, a box's ownership), given up by `__enqueue` and taken back by
//! `run`, which passes it on to [`WorkItem::run`] (or, for a delayed item cancelled at unload, by
//! `__drop_unrun`, which drops it).

use super::{HasDelayedWork, HasWork, RawDelayedWorkItem, RawWorkItem, Work, WorkItem, WorkItemPointer};
use crate::alloc::KBox;
use crate::bindings;
use crate::sync::aref::{ARef, AlwaysRefCounted};
use crate::sync::Arc;
use core::pin::Pin;
use core::ptr::NonNull;

/// The pointer `__enqueue` gave up, taken back from the queued `work_struct`.
trait FromWork<const ID: u64>: Sized {
    /// # Safety
    ///
    /// `ptr` is the `work_struct` of an item `__enqueue` queued and no one has taken back since:
    /// this call takes its pointer back, once.
    unsafe fn from_work(ptr: *mut bindings::work_struct) -> Self;
}

/// The item a queued `work_struct` is in: the `Work<T, ID>` field of a `T` (`HasWork`).
///
/// # Safety
///
/// `ptr` is the `work_struct` of the `Work<T, ID>` field of a `T`.
unsafe fn item<T: HasWork<T, ID>, const ID: u64>(ptr: *mut bindings::work_struct) -> *mut T {
    // SAFETY: the `work_struct` is the only field of a transparent `Work<T, ID>` in a `T` (the
    // caller's contract).
    unsafe { T::work_container_of(ptr.cast::<Work<T, ID>>()) }
}

impl<T: HasWork<T, ID>, const ID: u64> FromWork<ID> for Arc<T> {
    unsafe fn from_work(ptr: *mut bindings::work_struct) -> Self {
        // SAFETY: `__enqueue` gave up the reference of an `Arc::into_raw` to this item, which is
        // taken back once (the caller's contract).
        unsafe { Arc::from_raw(item::<T, ID>(ptr)) }
    }
}

impl<T: AlwaysRefCounted + HasWork<T, ID>, const ID: u64> FromWork<ID> for ARef<T> {
    unsafe fn from_work(ptr: *mut bindings::work_struct) -> Self {
        // SAFETY: as for `Arc<T>`, from `ARef::into_raw`; the item pointer is not null.
        unsafe { ARef::from_raw(NonNull::new_unchecked(item::<T, ID>(ptr))) }
    }
}

impl<T: HasWork<T, ID>, const ID: u64> FromWork<ID> for Pin<KBox<T>> {
    unsafe fn from_work(ptr: *mut bindings::work_struct) -> Self {
        // SAFETY: `__enqueue` gave up the box this item is in (`KBox::into_raw`), taken back once
        // (the caller's contract); it was pinned, and is pinned again.
        unsafe { Pin::new_unchecked(KBox::from_raw(item::<T, ID>(ptr))) }
    }
}

// SAFETY: the `work_struct` queued is the `Work<T, ID>` field of `T` (`HasWork<T, ID>`), which
// only `Work::new` (or `DelayedWork::new`) initialises, with `<T as WorkItem<ID>>::Pointer::run`
// as its function: this one, since `T: WorkItem<ID, Pointer = Self>`.
unsafe impl<T, const ID: u64> WorkItemPointer<ID> for Arc<T>
where
    T: WorkItem<ID, Pointer = Self> + HasWork<T, ID>,
{
    unsafe extern "C" fn run(ptr: *mut bindings::work_struct) {
        // SAFETY: called once per queueing, with the queued `work_struct` (the contract).
        T::run(unsafe { Self::from_work(ptr) })
    }
}

// SAFETY: as for `Arc<T>`.
unsafe impl<T, const ID: u64> WorkItemPointer<ID> for ARef<T>
where
    T: AlwaysRefCounted + WorkItem<ID, Pointer = Self> + HasWork<T, ID>,
{
    unsafe extern "C" fn run(ptr: *mut bindings::work_struct) {
        // SAFETY: as for `Arc<T>`.
        T::run(unsafe { Self::from_work(ptr) })
    }
}

// SAFETY: as for `Arc<T>`.
unsafe impl<T, const ID: u64> WorkItemPointer<ID> for Pin<KBox<T>>
where
    T: WorkItem<ID, Pointer = Self> + HasWork<T, ID>,
{
    unsafe extern "C" fn run(ptr: *mut bindings::work_struct) {
        // SAFETY: as for `Arc<T>`.
        T::run(unsafe { Self::from_work(ptr) })
    }
}

/// Queues the item `item` points to: `Ok` if queued (the queue now has the pointer), else `Err`
/// with the pointer, to be taken back.
///
/// # Safety
///
/// `item` points to a live `T`, kept alive by a pointer given up for it.
unsafe fn enqueue_raw<T: HasWork<T, ID>, const ID: u64>(
    item: *mut T,
    queue_work_on: impl FnOnce(*mut bindings::work_struct) -> bool,
) -> Result<(), *mut T> {
    // SAFETY: `item` points to a live `T` (the caller's contract).
    let work = unsafe { T::raw_get_work(item) };
    // SAFETY: `work` points to the `Work` field of that `T`.
    if queue_work_on(unsafe { Work::raw_get(work) }) {
        Ok(())
    } else {
        Err(item)
    }
}

// SAFETY: the pointer passed to the closure leads into the `Arc`'s allocation, which the
// reference `into_raw` keeps alive during the call; when the closure returns `true` that
// reference belongs to the queue until the work function (`run` above, by `WorkItemPointer`)
// takes it back, so the allocation stays valid until then. On `false` it is taken back here.
unsafe impl<T, const ID: u64> RawWorkItem<ID> for Arc<T>
where
    T: WorkItem<ID, Pointer = Self> + HasWork<T, ID>,
{
    type EnqueueOutput = Result<(), Self>;

    unsafe fn __enqueue<F>(self, queue_work_on: F) -> Self::EnqueueOutput
    where
        F: FnOnce(*mut bindings::work_struct) -> bool,
    {
        // SAFETY: the reference `into_raw` gives up keeps the item alive.
        unsafe { enqueue_raw(Arc::into_raw(self).cast_mut(), queue_work_on) }.map_err(|item| {
            // SAFETY: the queue did not take that reference: it is taken back here, once.
            unsafe { Arc::from_raw(item) }
        })
    }
}

// SAFETY: as for `Arc<T>`, with the object's own count.
unsafe impl<T, const ID: u64> RawWorkItem<ID> for ARef<T>
where
    T: AlwaysRefCounted + WorkItem<ID, Pointer = Self> + HasWork<T, ID>,
{
    type EnqueueOutput = Result<(), Self>;

    unsafe fn __enqueue<F>(self, queue_work_on: F) -> Self::EnqueueOutput
    where
        F: FnOnce(*mut bindings::work_struct) -> bool,
    {
        // SAFETY: as for `Arc<T>`.
        unsafe { enqueue_raw(ARef::into_raw(self).as_ptr(), queue_work_on) }.map_err(|item| {
            // SAFETY: as for `Arc<T>`; the pointer came from a `NonNull`.
            unsafe { ARef::from_raw(NonNull::new_unchecked(item)) }
        })
    }
}

// SAFETY: the box's allocation is given up before the closure is called and taken back only by
// the work function (`run` above) or, should the closure return `false`, here at once: it stays
// valid for the call and until the function runs.
unsafe impl<T, const ID: u64> RawWorkItem<ID> for Pin<KBox<T>>
where
    T: WorkItem<ID, Pointer = Self> + HasWork<T, ID>,
{
    type EnqueueOutput = ();

    unsafe fn __enqueue<F>(self, queue_work_on: F) -> Self::EnqueueOutput
    where
        F: FnOnce(*mut bindings::work_struct) -> bool,
    {
        // SAFETY: the value is not moved: the box becomes a raw pointer, and `run` pins it again.
        let item = KBox::into_raw(unsafe { Pin::into_inner_unchecked(self) });
        // An item whose box is owned here is not queued (the queue owns the box of a queued
        // one), so `false` means the queue refused it (a delay asked for during the unload): the
        // box is still this function's, and is dropped.
        // SAFETY: the box keeps the item alive.
        if let Err(item) = unsafe { enqueue_raw(item, queue_work_on) } {
            // SAFETY: the queue did not take the box: it is taken back here, once.
            drop(unsafe { KBox::from_raw(item) });
        }
    }
}

// SAFETY: `__enqueue` passes the `work_struct` `HasWork` gives, which `HasDelayedWork` says is
// inside a `DelayedWork`; `__drop_unrun` takes the pointer back as `run` would.
unsafe impl<T, const ID: u64> RawDelayedWorkItem<ID> for Arc<T>
where
    T: WorkItem<ID, Pointer = Self> + HasDelayedWork<T, ID>,
{
    unsafe extern "C" fn __drop_unrun(ptr: *mut bindings::work_struct) {
        // SAFETY: the cancelled queueing's pointer is the caller's (the contract), taken once.
        drop(unsafe { Self::from_work(ptr) })
    }
}

// SAFETY: as for `Arc<T>`.
unsafe impl<T, const ID: u64> RawDelayedWorkItem<ID> for ARef<T>
where
    T: AlwaysRefCounted + WorkItem<ID, Pointer = Self> + HasDelayedWork<T, ID>,
{
    unsafe extern "C" fn __drop_unrun(ptr: *mut bindings::work_struct) {
        // SAFETY: as for `Arc<T>`.
        drop(unsafe { Self::from_work(ptr) })
    }
}

// SAFETY: as for `Arc<T>`.
unsafe impl<T, const ID: u64> RawDelayedWorkItem<ID> for Pin<KBox<T>>
where
    T: WorkItem<ID, Pointer = Self> + HasDelayedWork<T, ID>,
{
    unsafe extern "C" fn __drop_unrun(ptr: *mut bindings::work_struct) {
        // SAFETY: as for `Arc<T>`.
        drop(unsafe { Self::from_work(ptr) })
    }
}
