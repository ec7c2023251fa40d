//! [`KBox`]: an owned, kmalloc-backed allocation with explicit flags.

use super::{AllocError, Flags, Kmalloc};
use crate::init::{InPlaceInit, InPlaceWrite, Init, PinInit};
use crate::transmute::FromBytes;
use core::alloc::Layout;
use core::fmt;
use core::marker::PhantomData;
use core::mem::{ManuallyDrop, MaybeUninit};
use core::ops::{Deref, DerefMut};
use core::pin::Pin;
use core::ptr::NonNull;

/// A `Box` whose allocation goes through `kmalloc` with the [`Flags`] the caller gives, and
/// fails with an error instead of panicking.
///
/// ```ignore,kernel
/// let mut b = KBox::new([0u8; 64], GFP_KERNEL)?;
/// b[0] = 1;
/// let pinned = KBox::pin_init(new_mutex!(0u32), GFP_KERNEL)?;
/// ```
///
/// # Invariants
///
/// The pointer is valid and points to an initialised `T`, allocated by [`Kmalloc`] with `T`'s
/// layout (or dangling when `T` is zero-sized), owned by this box.
pub struct KBox<T: ?Sized>(NonNull<T>, PhantomData<T>);

// SAFETY: a `KBox<T>` owns its `T` like a `T` would.
unsafe impl<T: ?Sized + Send> Send for KBox<T> {}
// SAFETY: a `KBox<T>` owns its `T` like a `T` would.
unsafe impl<T: ?Sized + Sync> Sync for KBox<T> {}

// Moving a box moves the pointer, never the value it points to (as for `alloc`'s `Box`).
impl<T: ?Sized> Unpin for KBox<T> {}

impl<T> KBox<T> {
    /// Allocates memory with `flags` and moves `value` into it.
    pub fn new(value: T, flags: Flags) -> Result<KBox<T>, AllocError> {
        Ok(KBox::write(KBox::new_uninit(flags)?, value))
    }

    /// Allocates memory for a `T` without initialising it.
    pub fn new_uninit(flags: Flags) -> Result<KBox<MaybeUninit<T>>, AllocError> {
        let layout = Layout::new::<MaybeUninit<T>>();
        let ptr =
            if layout.size() == 0 { NonNull::dangling() } else { Kmalloc::alloc(layout, flags)?.cast() };
        // INVARIANT: `ptr` is a fresh allocation for `MaybeUninit<T>`, which needs no init.
        Ok(KBox(ptr, PhantomData))
    }

    /// Allocates memory for a `T` filled with zero bytes (`__GFP_ZERO`), without building the
    /// value on the stack first: the way to get a large buffer.
    ///
    /// ```ignore,kernel
    /// let page: KBox<[u8; 4096]> = KBox::new_zeroed(GFP_KERNEL)?;
    /// assert!(page.iter().all(|&b| b == 0));
    /// ```
    pub fn new_zeroed(flags: Flags) -> Result<KBox<T>, AllocError>
    where
        T: FromBytes,
    {
        let zeroed = KBox::<T>::new_uninit(flags | super::flags::__GFP_ZERO)?;
        // SAFETY: all bytes of the allocation are zero (`__GFP_ZERO`; a zero-sized `T` has none),
        // which is a valid `T` (`T: FromBytes`); the layouts of `T` and `MaybeUninit<T>` agree.
        Ok(unsafe { KBox::from_raw(KBox::into_raw(zeroed).cast()) })
    }

    /// Allocates memory and moves `value` into it, pinned.
    pub fn pin(value: T, flags: Flags) -> Result<Pin<KBox<T>>, AllocError> {
        Ok(KBox::into_pin(KBox::new(value, flags)?))
    }

    /// Moves the value out and frees the allocation.
    pub fn into_inner(this: KBox<T>) -> T {
        let this = ManuallyDrop::new(this);
        // SAFETY: the value is initialised (type invariant) and, read once, is not dropped again:
        // `this` is not dropped and only its memory is freed below.
        let value = unsafe { this.0.as_ptr().read() };
        if size_of::<T>() != 0 {
            // SAFETY: the memory came from `Kmalloc` (type invariant) and is not used again.
            unsafe { Kmalloc::free(this.0.cast()) };
        }
        value
    }
}

impl<T> KBox<MaybeUninit<T>> {
    /// Initialises the memory with `value`.
    pub fn write(mut this: Self, value: T) -> KBox<T> {
        (*this).write(value);
        // SAFETY: the value was just initialised; the layouts of `T` and `MaybeUninit<T>` agree.
        unsafe { KBox::from_raw(KBox::into_raw(this).cast()) }
    }
}

impl<T: ?Sized> KBox<T> {
    /// Gives up ownership and returns the raw pointer.
    pub fn into_raw(this: KBox<T>) -> *mut T {
        ManuallyDrop::new(this).0.as_ptr()
    }

    /// Takes ownership of a pointer from [`KBox::into_raw`].
    ///
    /// # Safety
    ///
    /// `ptr` came from [`KBox::into_raw`] of a `KBox<T>` and is not used by anyone else after.
    pub unsafe fn from_raw(ptr: *mut T) -> KBox<T> {
        // SAFETY: `into_raw` never returns null.
        // INVARIANT: the allocation is the one a `KBox<T>` owned.
        KBox(unsafe { NonNull::new_unchecked(ptr) }, PhantomData)
    }

    /// Pins the box: its contents will not move again.
    pub fn into_pin(this: KBox<T>) -> Pin<KBox<T>> {
        // SAFETY: a `KBox` gives no way to move its contents once pinned, like `Box`.
        unsafe { Pin::new_unchecked(this) }
    }
}

impl<T: ?Sized> Deref for KBox<T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: the pointer is valid and initialised (type invariant).
        unsafe { self.0.as_ref() }
    }
}

impl<T: ?Sized> DerefMut for KBox<T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: the pointer is valid and initialised, and the box owns it (type invariant).
        unsafe { self.0.as_mut() }
    }
}

impl<T: ?Sized> Drop for KBox<T> {
    fn drop(&mut self) {
        // SAFETY: the value is initialised and owned by this box (type invariant).
        let size = unsafe { core::mem::size_of_val(self.0.as_ref()) };
        // SAFETY: the value is initialised and dropped only here.
        unsafe { core::ptr::drop_in_place(self.0.as_ptr()) };
        if size != 0 {
            // SAFETY: the memory came from `Kmalloc` (type invariant) and is not used again.
            unsafe { Kmalloc::free(self.0.cast()) };
        }
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for KBox<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for KBox<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

impl<T> InPlaceWrite<T> for KBox<MaybeUninit<T>> {
    type Initialized = KBox<T>;

    fn write_init<E>(self, init: impl Init<T, E>) -> Result<KBox<T>, E> {
        let slot = self.0.as_ptr().cast::<T>();
        // SAFETY: `slot` is valid for writes and aligned for `T`; on failure nothing was left
        // initialised, and `self` only frees the memory.
        unsafe { init.__init(slot)? };
        // SAFETY: `init` succeeded, so the `T` is initialised; the layouts of `T` and
        // `MaybeUninit<T>` agree.
        Ok(unsafe { KBox::from_raw(KBox::into_raw(self).cast::<T>()) })
    }

    fn write_pin_init<E>(self, init: impl PinInit<T, E>) -> Result<Pin<KBox<T>>, E> {
        let slot = self.0.as_ptr().cast::<T>();
        // SAFETY: as in `write_init`; the box is pinned right away on success.
        unsafe { init.__pinned_init(slot)? };
        // SAFETY: `init` succeeded, so the `T` is initialised.
        Ok(KBox::into_pin(unsafe { KBox::from_raw(KBox::into_raw(self).cast::<T>()) }))
    }
}

impl<T> InPlaceInit<T> for KBox<T> {
    type PinnedSelf = Pin<KBox<T>>;

    fn try_pin_init<E>(init: impl PinInit<T, E>, flags: Flags) -> Result<Pin<KBox<T>>, E>
    where
        E: From<AllocError>,
    {
        KBox::<T>::new_uninit(flags)?.write_pin_init(init)
    }

    fn try_init<E>(init: impl Init<T, E>, flags: Flags) -> Result<KBox<T>, E>
    where
        E: From<AllocError>,
    {
        KBox::<T>::new_uninit(flags)?.write_init(init)
    }
}
