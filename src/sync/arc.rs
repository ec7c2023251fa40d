//! [`Arc`]: shared ownership with the kernel's saturating `refcount_t`.

use crate::alloc::{AllocError, Flags, KBox};
use crate::init::{InPlaceInit, Init, PinInit};
use crate::sync::Refcount;
use crate::types::ForeignOwnable;
use core::ffi::c_void;
use core::fmt;
use core::marker::PhantomData;
use core::ops::{Deref, DerefMut};
use core::ptr::NonNull;

mod borrow;
pub use borrow::ArcBorrow;

#[repr(C)]
struct ArcInner<T: ?Sized> {
    refcount: Refcount,
    data: T,
}

/// A reference-counted pointer, like `alloc::sync::Arc`, but counted with `refcount_t`
/// (which saturates instead of overflowing), allocated with explicit flags, and initialisable
/// in place. The data never moves, so `Arc::pin_init` can hold locks and wait queues.
///
/// ```ignore,kernel
/// # use core::sync::atomic::{AtomicU32, Ordering};
/// let shared = Arc::new(AtomicU32::new(0), GFP_KERNEL)?;
/// let other = shared.clone();
/// other.fetch_add(1, Ordering::Relaxed);
/// ```
///
/// # Invariants
///
/// `ptr` points to a live `ArcInner<T>` allocated as a `KBox`, whose count is at least one and
/// counts this `Arc`.
pub struct Arc<T: ?Sized> {
    ptr: NonNull<ArcInner<T>>,
    _owns: PhantomData<ArcInner<T>>,
}

// SAFETY: an `Arc<T>` gives `&T` to every thread holding a clone and may drop `T` on any of
// them, which needs `T: Send + Sync`.
unsafe impl<T: ?Sized + Send + Sync> Send for Arc<T> {}
// SAFETY: as for `Send`.
unsafe impl<T: ?Sized + Send + Sync> Sync for Arc<T> {}

impl<T> Arc<T> {
    /// Allocates with `flags` and moves `value` in.
    pub fn new(value: T, flags: Flags) -> Result<Self, AllocError> {
        let inner = KBox::new(ArcInner { refcount: Refcount::new(1), data: value }, flags)?;
        Ok(Arc::from_inner(inner))
    }

    /// Takes over a fresh allocation whose count is one.
    fn from_inner(inner: KBox<ArcInner<T>>) -> Self {
        let ptr = KBox::into_raw(inner);
        // INVARIANT: a live allocation with a count of one, owned by this `Arc`; its data never
        // moves, since no `Arc` method moves it.
        // SAFETY: `KBox::into_raw` never returns null.
        Arc { ptr: unsafe { NonNull::new_unchecked(ptr) }, _owns: PhantomData }
    }
}

impl<T> InPlaceInit<T> for Arc<T> {
    // The data of an `Arc` never moves, so it needs no `Pin`.
    type PinnedSelf = Self;

    fn try_pin_init<E>(init: impl PinInit<T, E>, flags: Flags) -> Result<Self, E>
    where
        E: From<AllocError>,
    {
        let mut inner = KBox::<ArcInner<T>>::new_uninit(flags)?;
        let slot = inner.as_mut_ptr();
        // SAFETY: `slot` is valid for writes and aligned; the data is initialised in place and
        // stays where it is (see `PinnedSelf`). On failure nothing was initialised, and `inner`
        // only frees the memory.
        unsafe { init.__pinned_init(core::ptr::addr_of_mut!((*slot).data))? };
        // SAFETY: `slot` is valid for writes and aligned.
        unsafe { core::ptr::addr_of_mut!((*slot).refcount).write(Refcount::new(1)) };
        // SAFETY: both fields are initialised now.
        Ok(Arc::from_inner(unsafe { KBox::from_raw(KBox::into_raw(inner).cast()) }))
    }

    fn try_init<E>(init: impl Init<T, E>, flags: Flags) -> Result<Self, E>
    where
        E: From<AllocError>,
    {
        Arc::try_pin_init(init, flags)
    }
}

// Lets an `Arc<T>` become an `Arc<dyn Trait>` for any trait `T` implements, as a `Box` can.
#[cfg(target_os = "none")]
impl<T: ?Sized + core::marker::Unsize<U>, U: ?Sized> core::ops::CoerceUnsized<Arc<U>> for Arc<T> {}

impl<T: ?Sized> Arc<T> {
    fn inner(&self) -> &ArcInner<T> {
        // SAFETY: the allocation lives as long as this `Arc` (type invariant).
        unsafe { self.ptr.as_ref() }
    }

    /// Whether two `Arc`s share one allocation.
    pub fn ptr_eq(a: &Self, b: &Self) -> bool {
        core::ptr::addr_eq(a.ptr.as_ptr(), b.ptr.as_ptr())
    }
}

impl<T: ?Sized> Deref for Arc<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.inner().data
    }
}

impl<T: ?Sized> Clone for Arc<T> {
    fn clone(&self) -> Self {
        self.inner().refcount.inc();
        // INVARIANT: the count now includes the new `Arc`.
        Arc { ptr: self.ptr, _owns: PhantomData }
    }
}

impl<T: ?Sized> Drop for Arc<T> {
    #[inline]
    fn drop(&mut self) {
        // The count includes this `Arc` (type invariant).
        if self.inner().refcount.dec_and_test() {
            // SAFETY: this was the last reference.
            unsafe { self.drop_slow() };
        }
    }
}

impl<T: ?Sized> Arc<T> {
    /// Drops the value and frees the allocation: one copy of that code per type, not one per
    /// place an `Arc` is dropped (most drops are not the last).
    ///
    /// # Safety
    ///
    /// The count has dropped to zero: this was the last reference.
    #[inline(never)]
    unsafe fn drop_slow(&mut self) {
        // SAFETY: nothing else uses the allocation (the caller's), which came from a
        // `KBox<ArcInner<T>>`.
        drop(unsafe { KBox::from_raw(self.ptr.as_ptr()) });
    }
}

impl<T: 'static> ForeignOwnable for Arc<T> {
    type Borrowed<'a> = &'a T;

    fn into_foreign(self) -> *mut c_void {
        core::mem::ManuallyDrop::new(self).ptr.as_ptr().cast()
    }

    unsafe fn borrow<'a>(ptr: *mut c_void) -> &'a T {
        // SAFETY: `ptr` is a live `ArcInner<T>` kept alive by the reference C holds.
        unsafe { &(*ptr.cast::<ArcInner<T>>()).data }
    }

    unsafe fn from_foreign(ptr: *mut c_void) -> Self {
        // INVARIANT: C gives back the reference `into_foreign` handed over.
        // SAFETY: `ptr` came from `into_foreign`, so it is non-null.
        Arc { ptr: unsafe { NonNull::new_unchecked(ptr.cast()) }, _owns: PhantomData }
    }
}

/// Formats the value, so an `Arc<dyn Display>` prints what it points to.
///
/// ```ignore,kernel
/// use core::fmt::Display;
/// let answer: Arc<dyn Display> = Arc::new(42, GFP_KERNEL)?;
/// pr_info!("the answer is {}\n", answer);
/// ```
impl<T: fmt::Display + ?Sized> fmt::Display for Arc<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

impl<T: fmt::Debug + ?Sized> fmt::Debug for Arc<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

/// An [`Arc`] known to be the only reference to its data, which may therefore be changed in
/// place; turned into an ordinary `Arc` (with `into()`) once it is to be shared.
///
/// ```ignore,kernel
/// # use kernel::sync::UniqueArc;
/// let mut unique = UniqueArc::new(KVec::<u32>::new(), GFP_KERNEL)?;
/// unique.push(7, GFP_KERNEL)?;
/// let shared: Arc<KVec<u32>> = unique.into();
/// assert_eq!(&shared[..], &[7]);
/// ```
///
/// # Invariants
///
/// `inner`'s count is one: no other `Arc` to the allocation exists.
pub struct UniqueArc<T: ?Sized> {
    inner: Arc<T>,
}

impl<T> UniqueArc<T> {
    /// Allocates with `flags` and moves `value` in.
    ///
    /// ```ignore,kernel
    /// # use kernel::sync::UniqueArc;
    /// let counter = UniqueArc::new(0u64, GFP_KERNEL)?;
    /// ```
    pub fn new(value: T, flags: Flags) -> Result<Self, AllocError> {
        // INVARIANT: a new `Arc` is the only reference.
        Ok(UniqueArc { inner: Arc::new(value, flags)? })
    }
}

impl<T: ?Sized> From<UniqueArc<T>> for Arc<T> {
    fn from(unique: UniqueArc<T>) -> Self {
        unique.inner
    }
}

impl<T: ?Sized> Deref for UniqueArc<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.inner
    }
}

impl<T: ?Sized> DerefMut for UniqueArc<T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: the allocation is alive (`Arc`'s invariant) and this is its only reference
        // (type invariant), borrowed mutably through `self`.
        unsafe { &mut (*self.inner.ptr.as_ptr()).data }
    }
}

impl<T: fmt::Display + ?Sized> fmt::Display for UniqueArc<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

impl<T: fmt::Debug + ?Sized> fmt::Debug for UniqueArc<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}
