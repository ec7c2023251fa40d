//! [`RawWorkItem`] and [`WorkItemPointer`] for the owning pointers a work item can be queued as:
//! [`Arc<T>`], [`ARef<T>`] and `Pin<KBox<T>>`. While an item is queued, the queue holds the
//! pointer (a counted reference, a box's ownership), given up by `__enqueue` and taken back by
//! `run`, which passes it on to [`WorkItem::run`].

use super::{HasDelayedWork, HasWork, RawDelayedWorkItem, RawWorkItem, Work, WorkItem, WorkItemPointer};
use crate::alloc::KBox;
use crate::bindings;
use crate::sync::aref::{ARef, AlwaysRefCounted};
use crate::sync::Arc;
use core::pin::Pin;
use core::ptr::NonNull;

// SAFETY: the `work_struct` queued is the `Work<T, ID>` field of `T` (`HasWork<T, ID>`), which
// only `Work::new` initialises, with `<T as WorkItem<ID>>::Pointer::run` as its function: `Arc<T>`'s
// `run`, since `T: WorkItem<ID, Pointer = Self>`.
unsafe impl<T, const ID: u64> WorkItemPointer<ID> for Arc<T>
where
    T: WorkItem<ID, Pointer = Self> + HasWork<T, ID>,
{
    unsafe extern "C" fn run(ptr: *mut bindings::work_struct) {
        // The `work_struct` is the only field of a transparent `Work<T, ID>`.
        let work = ptr.cast::<Work<T, ID>>();
        // SAFETY: `__enqueue` queued the `Work` field of a `T` (the function's contract).
        let item = unsafe { T::work_container_of(work) };
        // SAFETY: `__enqueue` gave up the reference of an `Arc::into_raw` to this item, which
        // this one call takes back.
        T::run(unsafe { Arc::from_raw(item) })
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
        let item = Arc::into_raw(self).cast_mut();
        // SAFETY: `item` points to a live `T`.
        let work = unsafe { T::raw_get_work(item) };
        // SAFETY: `work` points to the `Work` field of that `T`.
        if queue_work_on(unsafe { Work::raw_get(work) }) {
            Ok(())
        } else {
            // SAFETY: the queue did not take the reference `into_raw` gave up: it is given back
            // here, once.
            Err(unsafe { Arc::from_raw(item) })
        }
    }
}

// SAFETY: as for `Arc<T>`: the queued `work_struct` is the `Work<T, ID>` field of `T`, whose
// function is `Pin<KBox<T>>`'s `run`, since `T: WorkItem<ID, Pointer = Self>`.
unsafe impl<T, const ID: u64> WorkItemPointer<ID> for Pin<KBox<T>>
where
    T: WorkItem<ID, Pointer = Self> + HasWork<T, ID>,
{
    unsafe extern "C" fn run(ptr: *mut bindings::work_struct) {
        // The `work_struct` is the only field of a transparent `Work<T, ID>`.
        let work = ptr.cast::<Work<T, ID>>();
        // SAFETY: `__enqueue` queued the `Work` field of a `T` (the function's contract).
        let item = unsafe { T::work_container_of(work) };
        // SAFETY: `__enqueue` gave up the box this item is in (`KBox::into_raw`), which this one
        // call takes back; it was pinned, and is pinned again.
        T::run(unsafe { Pin::new_unchecked(KBox::from_raw(item)) })
    }
}

// SAFETY: the box's allocation is given up before the closure is called and taken back only by
// the work function (`run` above) or, should the closure return `false`, never: it stays valid
// for the call and until the function runs.
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
        // SAFETY: `item` points to a live `T`.
        let work = unsafe { T::raw_get_work(item) };
        // An item whose box is owned here is not queued (the queue owns the box of a queued
        // one), so this always queues it. Were it not, whoever queued the item would run it and
        // free the box: leaking it here is the only safe choice.
        // SAFETY: `work` points to the `Work` field of that `T`.
        let _ = queue_work_on(unsafe { Work::raw_get(work) });
    }
}

// SAFETY: `__enqueue` passes the `work_struct` `HasWork` gives, which `HasDelayedWork` says is
// inside a `DelayedWork`.
unsafe impl<T, const ID: u64> RawDelayedWorkItem<ID> for Arc<T> where
    T: WorkItem<ID, Pointer = Self> + HasDelayedWork<T, ID>
{
}

// SAFETY: as for `Arc<T>`.
unsafe impl<T, const ID: u64> RawDelayedWorkItem<ID> for Pin<KBox<T>> where
    T: WorkItem<ID, Pointer = Self> + HasDelayedWork<T, ID>
{
}

// SAFETY: as for `Arc<T>`: the queued `work_struct` is the `Work<T, ID>` field of `T`, whose
// function is `ARef<T>`'s `run`, since `T: WorkItem<ID, Pointer = Self>`.
unsafe impl<T, const ID: u64> WorkItemPointer<ID> for ARef<T>
where
    T: AlwaysRefCounted + WorkItem<ID, Pointer = Self> + HasWork<T, ID>,
{
    unsafe extern "C" fn run(ptr: *mut bindings::work_struct) {
        // The `work_struct` is the only field of a transparent `Work<T, ID>`.
        let work = ptr.cast::<Work<T, ID>>();
        // SAFETY: `__enqueue` queued the `Work` field of a `T` (the function's contract).
        let item = unsafe { T::work_container_of(work) };
        // SAFETY: `__enqueue` gave up the reference of an `ARef::into_raw` to this item (not
        // null), which this one call takes back.
        T::run(unsafe { ARef::from_raw(NonNull::new_unchecked(item)) })
    }
}

// SAFETY: as for `Arc<T>`: the reference `into_raw` gives up keeps the object alive during the
// call, and belongs to the queue until `run` takes it back if the closure returns `true`; on
// `false` it is taken back here.
unsafe impl<T, const ID: u64> RawWorkItem<ID> for ARef<T>
where
    T: AlwaysRefCounted + WorkItem<ID, Pointer = Self> + HasWork<T, ID>,
{
    type EnqueueOutput = Result<(), Self>;

    unsafe fn __enqueue<F>(self, queue_work_on: F) -> Self::EnqueueOutput
    where
        F: FnOnce(*mut bindings::work_struct) -> bool,
    {
        let item = ARef::into_raw(self);
        // SAFETY: `item` points to a live `T`.
        let work = unsafe { T::raw_get_work(item.as_ptr()) };
        // SAFETY: `work` points to the `Work` field of that `T`.
        if queue_work_on(unsafe { Work::raw_get(work) }) {
            Ok(())
        } else {
            // SAFETY: the queue did not take the reference `into_raw` gave up: it is given back
            // here, once.
            Err(unsafe { ARef::from_raw(item) })
        }
    }
}

// SAFETY: as for `Arc<T>`.
unsafe impl<T, const ID: u64> RawDelayedWorkItem<ID> for ARef<T> where
    T: AlwaysRefCounted + WorkItem<ID, Pointer = Self> + HasDelayedWork<T, ID>
{
}
