//! [`ArcBorrow`], an `Arc` borrowed without touching its count, and an `Arc` as a raw pointer
//! ([`Arc::into_raw`], [`Arc::from_raw`]): upstream's names, for handing an `Arc` to C and back.

use super::{Arc, ArcInner};
use core::marker::PhantomData;
use core::ops::Deref;
use core::ptr::NonNull;

/// A borrowed [`Arc<T>`]: what `&Arc<T>` is, but as a pointer to the data, so C can keep it (a
/// callback's context pointer, say) and Rust get it back without touching the count.
/// [`Arc::from`] makes a new reference from it.
///
/// ```ignore,kernel
/// use core::sync::atomic::{AtomicU32, Ordering};
/// use kernel::sync::{Arc, ArcBorrow};
///
/// fn bump(counter: ArcBorrow<'_, AtomicU32>) -> Arc<AtomicU32> {
///     counter.fetch_add(1, Ordering::Relaxed);
///     counter.into() // a reference of its own, to keep
/// }
///
/// let counter = Arc::new(AtomicU32::new(0), GFP_KERNEL)?;
/// let kept = bump(counter.as_arc_borrow());
/// assert_eq!(kept.load(Ordering::Relaxed), 1);
/// assert!(Arc::ptr_eq(&kept, &counter));
/// ```
///
/// # Invariants
///
/// `inner` points to a live `ArcInner<T>` whose count stays above zero for `'a`.
pub struct ArcBorrow<'a, T: ?Sized + 'a> {
    inner: NonNull<ArcInner<T>>,
    _borrow: PhantomData<&'a ()>,
}

// SAFETY: an `ArcBorrow` gives `&T` and can make an `Arc<T>`, so it may cross threads when
// `Arc<T>` may.
unsafe impl<T: ?Sized + Send + Sync> Send for ArcBorrow<'_, T> {}
// SAFETY: as for `Send`.
unsafe impl<T: ?Sized + Send + Sync> Sync for ArcBorrow<'_, T> {}

impl<T: ?Sized> Clone for ArcBorrow<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: ?Sized> Copy for ArcBorrow<'_, T> {}

impl<T> ArcBorrow<'_, T> {
    /// The borrow of the `Arc` whose data `ptr` points to.
    ///
    /// # Safety
    ///
    /// `ptr` came from [`Arc::into_raw`] (or points to the data of a live `Arc` in some other
    /// way), and the `Arc`'s count stays above zero for the borrow's lifetime.
    pub unsafe fn from_raw(ptr: *const T) -> Self {
        // SAFETY: `ptr` points to the `data` field of an `ArcInner<T>` (the caller guarantees
        // it), at this offset from the start.
        let inner = unsafe { ptr.byte_sub(core::mem::offset_of!(ArcInner<T>, data)) };
        // SAFETY: derived from a non-null pointer to a field.
        let inner = unsafe { NonNull::new_unchecked(inner.cast::<ArcInner<T>>().cast_mut()) };
        // INVARIANT: a live `ArcInner<T>`, kept alive for the lifetime by the caller.
        ArcBorrow { inner, _borrow: PhantomData }
    }
}

impl<T: ?Sized> Deref for ArcBorrow<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: the allocation lives at least as long as the borrow (type invariant).
        unsafe { &self.inner.as_ref().data }
    }
}

impl<T: ?Sized> From<ArcBorrow<'_, T>> for Arc<T> {
    fn from(borrow: ArcBorrow<'_, T>) -> Self {
        // The count is above zero while the borrow lives (type invariant): the clone takes a
        // reference of its own, and the borrowed one is not dropped.
        Arc::clone(&core::mem::ManuallyDrop::new(Arc { ptr: borrow.inner, _owns: PhantomData }))
    }
}

impl<T: ?Sized> Arc<T> {
    /// Borrows this `Arc` as an [`ArcBorrow`], which C can hold as a plain pointer.
    pub fn as_arc_borrow(&self) -> ArcBorrow<'_, T> {
        // INVARIANT: this `Arc` keeps the count above zero while it is borrowed.
        ArcBorrow { inner: self.ptr, _borrow: PhantomData }
    }
}

impl<T> Arc<T> {
    /// Gives up this reference as a pointer to the data, for C to hold; [`Arc::from_raw`] takes
    /// it back.
    ///
    /// ```ignore,kernel
    /// let arc = Arc::new(7u32, GFP_KERNEL)?;
    /// let ptr = Arc::into_raw(arc);
    /// // SAFETY: `ptr` came from `Arc::into_raw`, and is taken back once.
    /// let arc = unsafe { Arc::from_raw(ptr) };
    /// assert_eq!(*arc, 7);
    /// ```
    pub fn into_raw(self) -> *const T {
        let arc = core::mem::ManuallyDrop::new(self);
        // SAFETY: the allocation is live (type invariant); its reference now belongs to the
        // pointer.
        unsafe { &raw const (*arc.ptr.as_ptr()).data }
    }

    /// Takes back a reference given up by [`Arc::into_raw`].
    ///
    /// # Safety
    ///
    /// `ptr` came from [`Arc::into_raw`] of an `Arc<T>`, and each such pointer is taken back at
    /// most once.
    pub unsafe fn from_raw(ptr: *const T) -> Self {
        // SAFETY: the caller's guarantee is `ArcBorrow::from_raw`'s, and more.
        let borrow = unsafe { ArcBorrow::from_raw(ptr) };
        // INVARIANT: the pointer's reference becomes this `Arc`'s.
        Arc { ptr: borrow.inner, _owns: PhantomData }
    }
}
