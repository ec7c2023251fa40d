//! Counted references to objects the kernel reference-counts itself: [`ARef`] and
//! [`AlwaysRefCounted`].
//!
//! Many C objects carry their own count (`get_device()`/`put_device()`, `get_task_struct()`/
//! `put_task_struct()`, ...). Rust code that keeps such an object past the call that lent it holds
//! an [`ARef`], which takes a reference when made and drops it when dropped.
//!
//! ```ignore,kernel,no_run
//! use kernel::device::Device;
//! use kernel::sync::aref::ARef;
//!
//! fn keep(dev: &Device) -> ARef<Device> {
//!     ARef::from(dev) // `get_device()`; the `put_device()` is in `ARef`'s `Drop`
//! }
//! ```

use core::marker::PhantomData;
use core::mem::ManuallyDrop;
use core::ops::Deref;
use core::ptr::NonNull;

/// A type whose objects are always reference-counted by the kernel: any `&T` may be turned into
/// an owned reference ([`ARef<T>`]) by incrementing the count.
///
/// # Safety
///
/// - `inc_ref` takes a reference that keeps the object alive until the matching `dec_ref`.
/// - Every `&T` points to an object whose count is at least one for as long as the borrow lives,
///   so `inc_ref` through it is always allowed.
/// - `dec_ref` drops one reference and frees the object once none is left.
pub unsafe trait AlwaysRefCounted {
    /// Takes a reference to the object.
    fn inc_ref(&self);

    /// Drops a reference to the object, freeing it if this was the last.
    ///
    /// # Safety
    ///
    /// The caller owns a reference to `obj` (one `inc_ref` or another counted reference) and
    /// gives it up: `obj` must not be used through this reference afterwards.
    unsafe fn dec_ref(obj: NonNull<Self>);
}

/// An owned reference to an object of type `T` whose count the kernel keeps.
///
/// Cloning takes another reference, dropping gives one back.
///
/// ```ignore,kernel,no_run
/// # use kernel::{device::Device, sync::aref::ARef};
/// fn twice(dev: &ARef<Device>) -> (ARef<Device>, ARef<Device>) {
///     (dev.clone(), dev.clone())
/// }
/// ```
///
/// # Invariants
///
/// `ptr` points to a live `T` for which this `ARef` owns one reference.
pub struct ARef<T: AlwaysRefCounted> {
    ptr: NonNull<T>,
    _owns: PhantomData<T>,
}

// SAFETY: an `ARef<T>` lets any thread reach `&T` and drop the last reference; `T: Sync + Send`
// makes both fine, as for `Arc`.
unsafe impl<T: AlwaysRefCounted + Sync + Send> Send for ARef<T> {}
// SAFETY: as for `Send`.
unsafe impl<T: AlwaysRefCounted + Sync + Send> Sync for ARef<T> {}

impl<T: AlwaysRefCounted> ARef<T> {
    /// Takes over a reference the caller owns, without incrementing the count.
    ///
    /// # Safety
    ///
    /// `ptr` points to a live `T` and the caller owns one reference to it, which the `ARef`
    /// gives back when dropped.
    ///
    /// ```ignore,kernel,no_run
    /// # use core::ptr::NonNull;
    /// # use kernel::{bindings, device::Device, sync::aref::ARef};
    /// # fn example(raw: *mut bindings::device) {
    /// // SAFETY: `get_device()` above took the reference this `ARef` takes over.
    /// let dev = unsafe { ARef::from_raw(NonNull::new_unchecked(raw.cast::<Device>())) };
    /// # }
    /// ```
    pub unsafe fn from_raw(ptr: NonNull<T>) -> Self {
        // INVARIANT: guaranteed by the caller.
        ARef { ptr, _owns: PhantomData }
    }

    /// Gives up the reference without decrementing the count: the caller owns it afterwards.
    ///
    /// ```ignore,kernel,no_run
    /// # use kernel::{device::Device, sync::aref::ARef};
    /// # fn f(dev: ARef<Device>) {
    /// let raw = ARef::into_raw(dev);
    /// // SAFETY: `raw` is the reference `into_raw` gave up.
    /// let dev = unsafe { ARef::from_raw(raw) };
    /// # }
    /// ```
    pub fn into_raw(me: Self) -> NonNull<T> {
        ManuallyDrop::new(me).ptr
    }
}

impl<T: AlwaysRefCounted> Clone for ARef<T> {
    fn clone(&self) -> Self {
        ARef::from(&**self)
    }
}

impl<T: AlwaysRefCounted> Deref for ARef<T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: the object is alive while this reference exists (type invariant).
        unsafe { self.ptr.as_ref() }
    }
}

impl<T: AlwaysRefCounted> From<&T> for ARef<T> {
    fn from(obj: &T) -> Self {
        obj.inc_ref();
        // SAFETY: `inc_ref` just took the reference the `ARef` owns.
        unsafe { ARef::from_raw(NonNull::from(obj)) }
    }
}

impl<T: AlwaysRefCounted> Drop for ARef<T> {
    fn drop(&mut self) {
        // SAFETY: this `ARef` owns one reference (type invariant) and is gone after this.
        unsafe { T::dec_ref(self.ptr) };
    }
}
