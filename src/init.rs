//! In-place initialisation of objects that must not move, on upstream's pin-init library.
//!
//! A kernel mutex, wait queue or timer contains pointers to itself once initialised, so it must
//! be initialised where it will live. An initializer ([`PinInit`], or [`Init`] for objects that
//! may move afterwards) is a recipe that writes an object into memory it is given;
//! [`InPlaceInit`] allocates that memory ([`KBox::pin_init`](crate::alloc::KBox),
//! [`Arc::pin_init`](crate::sync::Arc)) and runs the recipe, and
//! [`stack_pin_init!`](crate::stack_pin_init!) does it on the stack.
//!
//! The library is Rust-for-Linux's own `pin-init` (the `pinned-init` crate), as upstream's kernel
//! carries it: [`#[pin_data]`](pin_data) marks a struct's structurally pinned fields with
//! `#[pin]`, [`pin_init!`](crate::pin_init!) and [`try_pin_init!`](crate::try_pin_init!) combine
//! the initializers of its fields (dropping those already initialised if a later one fails), and
//! [`#[pinned_drop]`](pinned_drop) gives such a struct a destructor that sees it pinned.
//!
//! ```ignore,kernel
//! # use core::sync::atomic::AtomicUsize;
//! #[pin_data]
//! struct Shared {
//!     #[pin]
//!     data: Mutex<KVec<u8>>,
//!     #[pin]
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
//!
//! As in upstream's kernel crate, [`pin_init!`](crate::pin_init!) and [`init!`](crate::init!) cannot
//! fail, and [`try_pin_init!`](crate::try_pin_init!) and [`try_init!`](crate::try_init!) fail with
//! [`Error`] unless another error type is given after a `?`. The four check, beyond what the
//! library does, that no field they write belongs to a packed struct: the library would write it
//! through an unaligned pointer.
//!
//! # Crates using `#[pin_data]`
//!
//! The library's attribute macros expand to paths that start with `::pinned_init`. A module crate
//! needs nothing for that: [`module!`](crate::module!) makes `::pinned_init` name this crate, which
//! re-exports the library's items, and `pin_init` too, the name upstream's modules use for the
//! library (`pin_init::init_array_from_fn(..)`), as upstream's build passes `--extern pin_init`
//! to every module. A library crate that is not a module and uses `#[pin_data]` says so itself, at its
//! root: `extern crate kernel as pinned_init;`.

use crate::alloc::{AllocError, Flags};
use crate::error::{self, Error};

pub use pinned_init::{
    init_array_from_fn, init_from_closure, init_zeroed, pin_data, pin_init_array_from_fn,
    pin_init_from_closure, pinned_drop, uninit, zeroed, ChainInit, ChainPinInit, InPlaceWrite, Init,
    MaybeZeroable, PinInit, PinnedDrop, Zeroable,
};

mod scope;

pub use scope::{init_scope, pin_init_scope};

/// The library itself, for the macros of this crate.
#[doc(hidden)]
pub use pinned_init as __library;

/// Allocates memory with explicit GFP flags and initialises an object in it: `KBox::pin_init`,
/// `Arc::pin_init` and their kin.
///
/// ```ignore,kernel
/// let counter: Pin<KBox<Mutex<u64>>> = KBox::pin_init(new_mutex!(0), GFP_KERNEL)?;
/// let shared: Arc<SpinLock<u32>> = Arc::pin_init(new_spinlock!(0), GFP_KERNEL)?;
/// // One lock at a time: a mutex may sleep, so it is never taken with a spinlock held.
/// let seen = u64::from(*shared.lock());
/// *counter.lock() += seen;
/// ```
pub trait InPlaceInit<T>: Sized {
    /// What a pinned initialisation gives: `Pin<Self>`, or `Self` for pointers that never move
    /// their data (`Arc`).
    type PinnedSelf;

    /// Allocates with `flags` and runs `init`, failing with `init`'s own error type.
    fn try_pin_init<E>(init: impl PinInit<T, E>, flags: Flags) -> Result<Self::PinnedSelf, E>
    where
        E: From<AllocError>;

    /// Allocates with `flags` and runs `init`, failing with an [`Error`].
    fn pin_init<E>(init: impl PinInit<T, E>, flags: Flags) -> error::Result<Self::PinnedSelf>
    where
        Error: From<E>,
    {
        // SAFETY: the closure runs `init` on the slot it is given and changes only the type of
        // its error, so it meets `init`'s own contract.
        let init = unsafe { pin_init_from_closure(|slot| init.__pinned_init(slot).map_err(Error::from)) };
        Self::try_pin_init(init, flags)
    }

    /// Allocates with `flags` and runs `init` (the result may move), failing with `init`'s own
    /// error type.
    fn try_init<E>(init: impl Init<T, E>, flags: Flags) -> Result<Self, E>
    where
        E: From<AllocError>;

    /// Allocates with `flags` and runs `init` (the result may move), failing with an [`Error`].
    fn init<E>(init: impl Init<T, E>, flags: Flags) -> error::Result<Self>
    where
        Error: From<E>,
    {
        // SAFETY: as in `pin_init`; the object is not treated as pinned, as `Init` allows.
        let init = unsafe { init_from_closure(|slot| init.__init(slot).map_err(Error::from)) };
        Self::try_init(init, flags)
    }
}

/// Returns `init`; `_check` is never called. `__init_checked!` passes a closure whose body takes
/// a reference to every field the initializer writes, which the compiler rejects (E0793) for a
/// field of a packed struct.
#[doc(hidden)]
pub fn __fields_aligned<T: ?Sized, E, I: PinInit<T, E>>(init: I, _check: impl FnOnce(&T)) -> I {
    init
}

/// An initializer for a struct that cannot fail: upstream's `pin_init!`.
///
/// `field <- initializer` runs an initializer in place (a [`PinInit`] for a `#[pin]` field, an
/// [`Init`] for the others), `field: value` moves a value in, `field` alone moves the variable
/// of that name in. The struct must be [`#[pin_data]`](pin_data); every field is named exactly
/// once.
///
/// ```ignore,kernel
/// #[pin_data]
/// struct Counter {
///     #[pin]
///     lock: SpinLock<u64>,
///     name: &'static CStr,
/// }
///
/// let init = pin_init!(Counter {
///     lock <- new_spinlock!(0u64),
///     name: c"counter",
/// });
/// let counter = KBox::pin_init(init, GFP_KERNEL)?;
/// ```
#[macro_export]
macro_rules! pin_init {
    ($(&$this:ident in)? $t:ident $(::<$($generics:ty),* $(,)?>)? { $($fields:tt)* }) => {
        $crate::try_pin_init!($(&$this in)? $t $(::<$($generics),*>)? { $($fields)* }? ::core::convert::Infallible)
    };
}

/// An initializer for a struct that fails with [`Error`], or with the error type given after a
/// `?`: upstream's `try_pin_init!`.
///
/// The syntax is [`pin_init!`](crate::pin_init!)'s; an initializer that fails, or `?` on a value,
/// stops there and drops the fields already initialised.
///
/// ```ignore,kernel
/// #[pin_data]
/// struct Buffer {
///     #[pin]
///     lock: Mutex<()>,
///     bytes: KBox<[u8; 64]>,
/// }
///
/// let init = try_pin_init!(Buffer {
///     lock <- new_mutex!(()),
///     bytes: KBox::new([0; 64], GFP_KERNEL)?,
/// });
/// let buffer = KBox::pin_init(init, GFP_KERNEL)?;
/// assert_eq!(buffer.bytes.len(), 64);
/// ```
#[macro_export]
macro_rules! try_pin_init {
    ($(&$this:ident in)? $t:ident $(::<$($generics:ty),* $(,)?>)? { $($fields:tt)* }) => {
        $crate::try_pin_init!($(&$this in)? $t $(::<$($generics),*>)? { $($fields)* }? $crate::error::Error)
    };
    ($(&$this:ident in)? $t:ident $(::<$($generics:ty),* $(,)?>)? { $($fields:tt)* }? $err:ty) => {
        $crate::__init_checked!(try_pin_init, $(&$this in)? $t $(::<$($generics),*>)? { $($fields)* }? $err)
    };
}

/// An initializer for a struct that may move afterwards and cannot fail: upstream's `init!`.
///
/// ```ignore,kernel
/// struct Page {
///     bytes: [u8; 4096],
/// }
///
/// let page = KBox::init(init!(Page { bytes <- kernel::init::init_zeroed() }), GFP_KERNEL)?;
/// assert!(page.bytes.iter().all(|&b| b == 0));
/// ```
#[macro_export]
macro_rules! init {
    ($(&$this:ident in)? $t:ident $(::<$($generics:ty),* $(,)?>)? { $($fields:tt)* }) => {
        $crate::try_init!($(&$this in)? $t $(::<$($generics),*>)? { $($fields)* }? ::core::convert::Infallible)
    };
}

/// An initializer for a struct that may move afterwards, failing with [`Error`] or the error type
/// given after a `?`: upstream's `try_init!`.
#[macro_export]
macro_rules! try_init {
    ($(&$this:ident in)? $t:ident $(::<$($generics:ty),* $(,)?>)? { $($fields:tt)* }) => {
        $crate::try_init!($(&$this in)? $t $(::<$($generics),*>)? { $($fields)* }? $crate::error::Error)
    };
    ($(&$this:ident in)? $t:ident $(::<$($generics:ty),* $(,)?>)? { $($fields:tt)* }? $err:ty) => {
        $crate::__init_checked!(try_init, $(&$this in)? $t $(::<$($generics),*>)? { $($fields)* }? $err)
    };
}

/// The library's `try_pin_init!` or `try_init!` (`$library`), with the check that no field it
/// writes belongs to a packed struct.
#[doc(hidden)]
#[macro_export]
macro_rules! __init_checked {
    ($library:ident, $(&$this:ident in)? $t:ident $(::<$($generics:ty),*>)? { $($fields:tt)* }? $err:ty) => {
        $crate::init::__fields_aligned(
            $crate::init::__library::$library!($(&$this in)? $t $(::<$($generics),*>)? { $($fields)* }? $err),
            |value| $crate::__init_fields_aligned!(value, [$t $(::<$($generics),*>)?] []; $($fields)*),
        )
    };
}

/// The body of the closure given to `__fields_aligned`: a pattern that binds every field named
/// in the initializer by reference.
#[doc(hidden)]
#[macro_export]
macro_rules! __init_fields_aligned {
    ($value:ident, [$($t:tt)*] [$($done:ident)*];) => {{
        #[allow(unused_variables, clippy::unneeded_field_pattern)]
        let $($t)* { $($done: ref $done,)* .. } = *$value;
    }};
    ($value:ident, $t:tt [$($done:ident)*]; .. $($rest:tt)*) => {
        $crate::__init_fields_aligned!($value, $t [$($done)*];)
    };
    ($value:ident, $t:tt [$($done:ident)*]; _ : { $($code:tt)* } $(, $($rest:tt)*)?) => {
        $crate::__init_fields_aligned!($value, $t [$($done)*]; $($($rest)*)?)
    };
    ($value:ident, $t:tt [$($done:ident)*]; $field:ident <- $init:expr $(, $($rest:tt)*)?) => {
        $crate::__init_fields_aligned!($value, $t [$($done)* $field]; $($($rest)*)?)
    };
    ($value:ident, $t:tt [$($done:ident)*]; $field:ident : $init:expr $(, $($rest:tt)*)?) => {
        $crate::__init_fields_aligned!($value, $t [$($done)* $field]; $($($rest)*)?)
    };
    ($value:ident, $t:tt [$($done:ident)*]; $field:ident $(, $($rest:tt)*)?) => {
        $crate::__init_fields_aligned!($value, $t [$($done)* $field]; $($($rest)*)?)
    };
}
