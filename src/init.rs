//! In-place initialisation of objects that must not move: [`PinInit`] and [`pin_init!`](crate::pin_init).
//!
//! A kernel mutex, wait queue or timer contains pointers to itself once initialised, so it must
//! be initialised where it will live. An initializer ([`PinInit`]) is a recipe that writes an
//! object into memory it is given; [`KBox::pin_init`](crate::alloc::KBox::pin_init) and
//! [`Arc::pin_init`](crate::sync::Arc::pin_init) allocate that memory and run the recipe.
//! [`pin_init!`](crate::pin_init) combines the initializers of a struct's fields, dropping what was already
//! initialised if a later field fails.
//!
//! ```ignore,kernel
//! # use core::sync::atomic::AtomicUsize;
//! struct Shared {
//!     data: Mutex<KVec<u8>>,
//!     readers: CondVar,
//!     opens: AtomicUsize,
//! }
//!
//! let shared = Arc::pin_init(
//!     pin_init!(Shared {
//!         data <- new_mutex!(KVec::new()),
//!         readers <- new_condvar!(),
//!         opens: AtomicUsize::new(0),
//!     }),
//!     GFP_KERNEL,
//! )?;
//! ```

use crate::error::Error;
use core::marker::PhantomData;

/// A recipe that initialises a `T` in place, possibly failing with `E`.
///
/// # Safety
///
/// An implementation's `__pinned_init` leaves `slot` fully initialised when it returns `Ok`, and
/// uninitialised (with nothing left to drop) when it returns `Err`.
pub unsafe trait PinInit<T, E = Error>: Sized {
    /// Initialises `slot`.
    ///
    /// # Safety
    ///
    /// `slot` is valid for writes and aligned for `T`. After `Ok`, the caller treats the object
    /// as pinned: it is not moved until dropped.
    unsafe fn __pinned_init(self, slot: *mut T) -> Result<(), E>;
}

/// What an initializer closure looks like, for variance and auto traits only.
type InitFn<T, E> = fn(*mut T) -> Result<(), E>;

struct InitClosure<F, T, E>(F, PhantomData<InitFn<T, E>>);

// SAFETY: `pin_init_from_closure`'s contract makes the closure meet the trait's.
unsafe impl<T, E, F: FnOnce(*mut T) -> Result<(), E>> PinInit<T, E> for InitClosure<F, T, E> {
    unsafe fn __pinned_init(self, slot: *mut T) -> Result<(), E> {
        (self.0)(slot)
    }
}

/// Makes an initializer from a closure that initialises the memory it is given.
///
/// # Safety
///
/// `f` fully initialises `slot` when it returns `Ok`, and leaves nothing to drop in it when it
/// returns `Err`.
///
/// ```
/// use kernel::init::{pin_init_from_closure, PinInit};
/// // SAFETY: the closure writes the whole `u64` and cannot fail.
/// let init = unsafe { pin_init_from_closure::<u64, core::convert::Infallible>(|slot| {
///     slot.write(42);
///     Ok(())
/// }) };
/// let mut value = core::mem::MaybeUninit::<u64>::uninit();
/// // SAFETY: `value` is writable and aligned, and not moved afterwards.
/// unsafe { init.__pinned_init(value.as_mut_ptr()).unwrap() };
/// assert_eq!(unsafe { value.assume_init() }, 42);
/// ```
pub unsafe fn pin_init_from_closure<T, E>(f: impl FnOnce(*mut T) -> Result<(), E>) -> impl PinInit<T, E> {
    InitClosure(f, PhantomData)
}

/// Drops an initialised field again if a later field of the same [`pin_init!`] fails.
#[doc(hidden)]
pub struct DropGuard<T>(*mut T);

impl<T> DropGuard<T> {
    /// # Safety
    ///
    /// `ptr` points to an initialised `T` that nothing else drops while the guard lives.
    pub unsafe fn new(ptr: *mut T) -> Self {
        DropGuard(ptr)
    }
}

impl<T> Drop for DropGuard<T> {
    fn drop(&mut self) {
        // SAFETY: by `DropGuard::new`'s contract the object is initialised and ours to drop.
        unsafe { core::ptr::drop_in_place(self.0) }
    }
}

/// An initializer for a struct, field by field: `field <- initializer` runs a [`PinInit`] in
/// place, `field: value` moves a value in. Every field must be named exactly once (checked at
/// compile time). If a field's initializer fails, the fields already initialised are dropped and
/// the error is returned.
///
/// ```ignore,kernel
/// # struct Counter {
/// #     lock: SpinLock<u64>,
/// #     name: &'static CStr,
/// # }
/// let init = pin_init!(Counter {
///     lock <- new_spinlock!(0u64),
///     name: c"counter",
/// });
/// let counter = KBox::pin_init(init, GFP_KERNEL)?;
/// ```
#[macro_export]
macro_rules! pin_init {
    ($t:ident { $($fields:tt)* }) => {{
        // The closure is outside the `unsafe` block below: the caller's expressions are
        // evaluated in safe code (an `unsafe` operation in them needs its own block), and only
        // the macro's own pointer writes are unsafe.
        let init = move |slot: *mut $t| -> $crate::error::Result<()> {
            // Every field named exactly once, and none of a packed struct (borrowing its field
            // is an error): fields are written in place through aligned pointers.
            #[allow(unreachable_code, clippy::diverging_sub_expression)]
            let _check_all_fields_named = || -> $t { $crate::__pin_init_fields!(@check $t [] $($fields)*) };
            #[allow(unused)]
            let _check_aligned_fields = |value: &$t| { $crate::__pin_init_fields!(@aligned value; $($fields)*) };
            $crate::__pin_init_fields!(@init slot; $($fields)*)
        };
        // SAFETY: the closure initialises every field of `$t` (checked above), each in place,
        // and drops the initialised ones when a later one fails.
        unsafe { $crate::init::pin_init_from_closure(init) }
    }};
}

#[doc(hidden)]
#[macro_export]
macro_rules! __pin_init_fields {
    (@check $t:ident [$($done:ident)*]) => { $t { $($done: ::core::unreachable!()),* } };
    (@check $t:ident [$($done:ident)*] $field:ident <- $init:expr $(, $($rest:tt)*)?) => {
        $crate::__pin_init_fields!(@check $t [$($done)* $field] $($($rest)*)?)
    };
    (@check $t:ident [$($done:ident)*] $field:ident : $value:expr $(, $($rest:tt)*)?) => {
        $crate::__pin_init_fields!(@check $t [$($done)* $field] $($($rest)*)?)
    };
    (@aligned $value:ident;) => { () };
    (@aligned $value:ident; $field:ident <- $init:expr $(, $($rest:tt)*)?) => {{
        let _ = &$value.$field;
        $crate::__pin_init_fields!(@aligned $value; $($($rest)*)?)
    }};
    (@aligned $value:ident; $field:ident : $init:expr $(, $($rest:tt)*)?) => {{
        let _ = &$value.$field;
        $crate::__pin_init_fields!(@aligned $value; $($($rest)*)?)
    }};
    (@init $slot:ident;) => { Ok(()) };
    (@init $slot:ident; $field:ident <- $init:expr $(, $($rest:tt)*)?) => {{
        let init = $init;
        // SAFETY: `$slot` points to memory for a `$t` (the contract of
        // `pin_init_from_closure`); this only computes the address of a field.
        let ptr = unsafe { ::core::ptr::addr_of_mut!((*$slot).$field) };
        // SAFETY: `ptr` is valid for writes and aligned (not a packed field, checked), and the
        // field is initialised nowhere else.
        match unsafe { $crate::init::PinInit::__pinned_init(init, ptr) } {
            Err(e) => Err(::core::convert::From::from(e)),
            Ok(()) => {
                // SAFETY: the field is initialised, and the guard drops it only on failure.
                let guard = unsafe { $crate::init::DropGuard::new(ptr) };
                let rest: $crate::error::Result<()> = $crate::__pin_init_fields!(@init $slot; $($($rest)*)?);
                if rest.is_ok() {
                    ::core::mem::forget(guard);
                }
                rest
            }
        }
    }};
    (@init $slot:ident; $field:ident : $value:expr $(, $($rest:tt)*)?) => {{
        let value = $value;
        // SAFETY: as above, only the address of a field.
        let ptr = unsafe { ::core::ptr::addr_of_mut!((*$slot).$field) };
        // SAFETY: `ptr` is valid for writes and aligned (not a packed field, checked).
        unsafe { ptr.write(value) };
        // SAFETY: the field is initialised, and the guard drops it only on failure.
        let guard = unsafe { $crate::init::DropGuard::new(ptr) };
        let rest: $crate::error::Result<()> = $crate::__pin_init_fields!(@init $slot; $($($rest)*)?);
        if rest.is_ok() {
            ::core::mem::forget(guard);
        }
        rest
    }};
}
