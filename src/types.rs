//! Types shared by the abstractions: [`Opaque`] C objects, [`ForeignOwnable`] pointers and
//! [`container_of!`](crate::container_of).

use crate::alloc::KBox;
use crate::init::{pin_init_from_closure, PinInit};
use core::cell::UnsafeCell;
use core::ffi::c_void;
use core::marker::PhantomPinned;
use core::mem::MaybeUninit;
use core::pin::Pin;

/// A C object that C code initialises, reads and writes, and that Rust must neither move nor
/// assume anything about: kernel locks, wait queues, timers, work items.
///
/// ```ignore,kernel,no_run
/// # use kernel::{bindings, types::Opaque};
/// struct Lock {
///     raw: Opaque<bindings::mutex>,
/// }
/// ```
#[repr(transparent)]
pub struct Opaque<T> {
    value: UnsafeCell<MaybeUninit<T>>,
    _pin: PhantomPinned,
}

impl<T> Opaque<T> {
    /// An object holding `value`, for C objects that may be built by value (before C code
    /// shares them).
    ///
    /// ```
    /// let counter = kernel::types::Opaque::new(7u32);
    /// // SAFETY: `counter` holds a `u32`, and nothing else accesses it.
    /// assert_eq!(unsafe { *counter.get() }, 7);
    /// ```
    pub const fn new(value: T) -> Self {
        Opaque { value: UnsafeCell::new(MaybeUninit::new(value)), _pin: PhantomPinned }
    }

    /// An uninitialised object, for C to initialise in place.
    pub const fn uninit() -> Self {
        Opaque { value: UnsafeCell::new(MaybeUninit::uninit()), _pin: PhantomPinned }
    }

    /// An object with all bytes zero.
    ///
    /// ```
    /// let counter = kernel::types::Opaque::<u32>::zeroed();
    /// // SAFETY: zeroed memory is a valid `u32`, and nothing else accesses `counter`.
    /// assert_eq!(unsafe { *counter.get() }, 0);
    /// ```
    pub const fn zeroed() -> Self {
        Opaque { value: UnsafeCell::new(MaybeUninit::zeroed()), _pin: PhantomPinned }
    }

    /// An initializer that lets `init` (typically a C function) initialise the object in place.
    ///
    /// ```ignore,kernel
    /// # use kernel::{bindings, sync::LockClassKey, types::Opaque};
    /// # static KEY: LockClassKey = LockClassKey::new();
    /// # let (name, key) = (c"example".as_ptr(), KEY.as_ptr());
    /// // SAFETY: `__init_waitqueue_head` initialises the wait queue it is given.
    /// let init = Opaque::ffi_init(|wq| unsafe { bindings::__init_waitqueue_head(wq, name, key) });
    /// ```
    pub fn ffi_init(init: impl FnOnce(*mut T)) -> impl PinInit<Self> {
        // SAFETY: `Opaque<T>` is valid whatever its contents, so calling `init` on it leaves it
        // initialised; it never fails.
        unsafe {
            pin_init_from_closure(move |slot: *mut Self| {
                init(Self::raw_get(slot));
                Ok(())
            })
        }
    }

    /// A pointer to the C object, for C functions.
    pub const fn get(&self) -> *mut T {
        UnsafeCell::raw_get(&self.value).cast()
    }

    /// Like [`Opaque::get`], from a raw pointer to the wrapper (e.g. during initialisation).
    pub const fn raw_get(this: *const Self) -> *mut T {
        // `value` is the first and only sized field of a `repr(transparent)` struct.
        UnsafeCell::raw_get(this.cast::<UnsafeCell<MaybeUninit<T>>>()).cast()
    }
}

/// An owning pointer that can be handed to C as `void *` (e.g. a file's `private_data`) and
/// taken back later.
///
/// ```ignore,kernel
/// # #[derive(Default)]
/// # struct State {
/// #     count: u32,
/// # }
/// # use kernel::types::ForeignOwnable;
/// let ptr = KBox::new(State::default(), GFP_KERNEL)?.into_foreign();
/// // ... C keeps `ptr` ...
/// // SAFETY: `ptr` came from `into_foreign` above and is given back exactly once.
/// let state = unsafe { KBox::<State>::from_foreign(ptr) };
/// ```
pub trait ForeignOwnable: Sized {
    /// What [`ForeignOwnable::borrow`] gives while C owns the pointer.
    type Borrowed<'a>;

    /// Gives up ownership to C.
    fn into_foreign(self) -> *mut c_void;

    /// Borrows the object C holds.
    ///
    /// # Safety
    ///
    /// `ptr` came from [`ForeignOwnable::into_foreign`] of this type, has not been passed to
    /// [`ForeignOwnable::from_foreign`] yet, and will not be while the borrow lives.
    unsafe fn borrow<'a>(ptr: *mut c_void) -> Self::Borrowed<'a>;

    /// Takes ownership back from C.
    ///
    /// # Safety
    ///
    /// `ptr` came from [`ForeignOwnable::into_foreign`] of this type and is given back once.
    unsafe fn from_foreign(ptr: *mut c_void) -> Self;
}

impl<T: 'static> ForeignOwnable for KBox<T> {
    type Borrowed<'a> = &'a T;

    fn into_foreign(self) -> *mut c_void {
        KBox::into_raw(self).cast()
    }

    unsafe fn borrow<'a>(ptr: *mut c_void) -> &'a T {
        // SAFETY: `ptr` is a live `KBox<T>` allocation that stays alive during the borrow.
        unsafe { &*ptr.cast::<T>() }
    }

    unsafe fn from_foreign(ptr: *mut c_void) -> Self {
        // SAFETY: `ptr` came from `KBox::into_raw` (the caller's contract).
        unsafe { KBox::from_raw(ptr.cast()) }
    }
}

impl<T: 'static> ForeignOwnable for Pin<KBox<T>> {
    type Borrowed<'a> = Pin<&'a T>;

    fn into_foreign(self) -> *mut c_void {
        // SAFETY: the pointer is only turned back into a `Pin<KBox<T>>` or pinned borrows, so
        // the value never moves.
        let boxed = unsafe { Pin::into_inner_unchecked(self) };
        KBox::into_raw(boxed).cast()
    }

    unsafe fn borrow<'a>(ptr: *mut c_void) -> Pin<&'a T> {
        // SAFETY: `ptr` is a live pinned allocation that stays alive during the borrow.
        unsafe { Pin::new_unchecked(&*ptr.cast::<T>()) }
    }

    unsafe fn from_foreign(ptr: *mut c_void) -> Self {
        // SAFETY: `ptr` came from a pinned `KBox` (the caller's contract), so re-pinning is sound.
        unsafe { Pin::new_unchecked(KBox::from_raw(ptr.cast())) }
    }
}

/// A pointer to the `$type` whose field `$field` is at `$ptr` (C's `container_of()`), for
/// callbacks that receive a pointer to an embedded C object. Only computes the address:
/// dereferencing it is the caller's `unsafe` business.
///
/// ```
/// struct Pair {
///     first: u32,
///     second: u64,
/// }
/// let pair = Pair { first: 1, second: 2 };
/// let second: *const u64 = &pair.second;
/// assert_eq!(kernel::container_of!(second, Pair, second), &pair as *const Pair);
/// ```
#[macro_export]
macro_rules! container_of {
    ($ptr:expr, $type:ty, $field:ident) => {
        $ptr.cast::<u8>().wrapping_sub(::core::mem::offset_of!($type, $field)).cast::<$type>()
    };
}

pub use crate::sync::aref::{ARef, AlwaysRefCounted};
