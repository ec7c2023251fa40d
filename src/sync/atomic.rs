//! Atomic variables: [`Atomic<T>`], upstream's `kernel::sync::atomic` API over integers.
//!
//! Each operation names its memory ordering as a type from [`ordering`] ([`Relaxed`],
//! [`Acquire`], [`Release`], [`Full`]), as C's `atomic_*()` family does with suffixes.
//!
//! ```
//! use kernel::sync::atomic::{Atomic, Full, Relaxed};
//! let hits = Atomic::new(0usize);
//! hits.add(2, Relaxed);
//! assert_eq!(hits.fetch_add(1, Full), 2);
//! assert_eq!(hits.cmpxchg(3, 10, Full), Ok(3));
//! assert_eq!(hits.xchg(0, Relaxed), 10);
//! ```
//!
//! Upstream implements the operations with the kernel's C atomics (LKMM); here they are
//! `core::sync::atomic`'s, which compile to the same instructions on x86-64 and arm64 for these
//! orderings (a relaxed load or store is a plain aligned access, as `READ_ONCE()` and
//! `WRITE_ONCE()`; `Full` read-modify-writes are `lock`-prefixed or acquire-release ones).

pub mod ordering;

pub use ordering::{Acquire, Full, Relaxed, Release};

use core::fmt;
use core::marker::PhantomData;
use core::sync::atomic::{AtomicI32, AtomicI64};

/// A type an [`Atomic`] can hold: one that converts to and from a 32- or 64-bit integer without
/// losing anything.
///
/// ```
/// use kernel::sync::atomic::{Atomic, AtomicType, Relaxed};
/// #[derive(Clone, Copy, Debug, PartialEq)]
/// struct Jiffies(u64);
/// impl AtomicType for Jiffies {
///     type Repr = i64;
///     fn into_repr(self) -> i64 {
///         self.0 as i64
///     }
///     fn from_repr(repr: i64) -> Self {
///         Jiffies(repr as u64)
///     }
/// }
/// let last = Atomic::new(Jiffies(5));
/// assert_eq!(last.load(Relaxed), Jiffies(5));
/// ```
pub trait AtomicType: Copy + Send {
    /// The integer it is stored as.
    type Repr: AtomicRepr;
    /// The value as that integer.
    fn into_repr(self) -> Self::Repr;
    /// The value back from what [`AtomicType::into_repr`] gave.
    fn from_repr(repr: Self::Repr) -> Self;
}

/// A type whose atomic additions are those of its stored integer (two's complement, wrapping).
pub trait AtomicAdd: AtomicType {}

/// The integers atomics are stored as: `i32` (C's `atomic_t`) and `i64` (`atomic64_t`).
pub trait AtomicRepr: Copy + sealed::Sealed {
    /// The `core` atomic of the same size and layout.
    #[doc(hidden)]
    type Cell: Send + Sync;
    #[doc(hidden)]
    fn new(v: Self) -> Self::Cell;
    #[doc(hidden)]
    fn load(cell: &Self::Cell, o: core::sync::atomic::Ordering) -> Self;
    #[doc(hidden)]
    fn store(cell: &Self::Cell, v: Self, o: core::sync::atomic::Ordering);
    #[doc(hidden)]
    fn swap(cell: &Self::Cell, v: Self, o: core::sync::atomic::Ordering) -> Self;
    #[doc(hidden)]
    fn compare_exchange(
        cell: &Self::Cell,
        old: Self,
        new: Self,
        success: core::sync::atomic::Ordering,
        failure: core::sync::atomic::Ordering,
    ) -> Result<Self, Self>;
    #[doc(hidden)]
    fn fetch_add(cell: &Self::Cell, v: Self, o: core::sync::atomic::Ordering) -> Self;
    #[doc(hidden)]
    fn wrapping_neg(self) -> Self;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for i32 {}
    impl Sealed for i64 {}
}

macro_rules! impl_repr {
    ($($repr:ty => $cell:ty),*) => {$(
        impl AtomicRepr for $repr {
            type Cell = $cell;
            fn new(v: Self) -> $cell {
                <$cell>::new(v)
            }
            fn load(cell: &$cell, o: core::sync::atomic::Ordering) -> Self {
                cell.load(o)
            }
            fn store(cell: &$cell, v: Self, o: core::sync::atomic::Ordering) {
                cell.store(v, o)
            }
            fn swap(cell: &$cell, v: Self, o: core::sync::atomic::Ordering) -> Self {
                cell.swap(v, o)
            }
            fn compare_exchange(
                cell: &$cell,
                old: Self,
                new: Self,
                success: core::sync::atomic::Ordering,
                failure: core::sync::atomic::Ordering,
            ) -> Result<Self, Self> {
                cell.compare_exchange(old, new, success, failure)
            }
            fn fetch_add(cell: &$cell, v: Self, o: core::sync::atomic::Ordering) -> Self {
                cell.fetch_add(v, o)
            }
            fn wrapping_neg(self) -> Self {
                <$repr>::wrapping_neg(self)
            }
        }
    )*};
}
impl_repr!(i32 => AtomicI32, i64 => AtomicI64);

/// The integers, stored as the signed integer of their size (`as` between the two is lossless
/// both ways).
macro_rules! impl_integer {
    ($($t:ty => $repr:ty),*) => {$(
        impl AtomicType for $t {
            type Repr = $repr;
            fn into_repr(self) -> $repr {
                self as $repr
            }
            fn from_repr(repr: $repr) -> Self {
                repr as $t
            }
        }
        impl AtomicAdd for $t {}
    )*};
}
impl_integer!(i32 => i32, u32 => i32, i64 => i64, u64 => i64);
#[cfg(target_pointer_width = "64")]
impl_integer!(isize => i64, usize => i64);
#[cfg(target_pointer_width = "32")]
impl_integer!(isize => i32, usize => i32);

/// A value of `T` that threads read and change without a lock, each operation indivisible.
///
/// The same size and layout as `T`'s integer.
#[repr(transparent)]
pub struct Atomic<T: AtomicType> {
    cell: <T::Repr as AtomicRepr>::Cell,
    _type: PhantomData<T>,
}

impl<T: AtomicType> Atomic<T> {
    /// A new atomic holding `v`.
    pub fn new(v: T) -> Self {
        Atomic { cell: T::Repr::new(v.into_repr()), _type: PhantomData }
    }

    /// Reads the value.
    pub fn load<O: ordering::AcquireOrRelaxed>(&self, _: O) -> T {
        T::from_repr(T::Repr::load(&self.cell, O::CORE))
    }

    /// Writes `v`.
    pub fn store<O: ordering::ReleaseOrRelaxed>(&self, v: T, _: O) {
        T::Repr::store(&self.cell, v.into_repr(), O::CORE)
    }

    /// Writes `v` and returns the value it replaced.
    pub fn xchg<O: ordering::Ordering>(&self, v: T, _: O) -> T {
        T::from_repr(T::Repr::swap(&self.cell, v.into_repr(), O::CORE))
    }

    /// Writes `new` if the value is `old`: `Ok(old)` then, else `Err` with the value found
    /// (which is only read, with the ordering's load part).
    pub fn cmpxchg<O: ordering::Ordering>(&self, old: T, new: T, _: O) -> Result<T, T> {
        T::Repr::compare_exchange(&self.cell, old.into_repr(), new.into_repr(), O::CORE, O::CORE_LOAD)
            .map(T::from_repr)
            .map_err(T::from_repr)
    }
}

impl<T: AtomicAdd> Atomic<T> {
    /// Adds `v` (wrapping), returning nothing: always relaxed, as C's `atomic_add()`.
    pub fn add(&self, v: T, _: Relaxed) {
        T::Repr::fetch_add(&self.cell, v.into_repr(), <Relaxed as ordering::Ordering>::CORE);
    }

    /// Adds `v` (wrapping) and returns the value before.
    pub fn fetch_add<O: ordering::Ordering>(&self, v: T, _: O) -> T {
        T::from_repr(T::Repr::fetch_add(&self.cell, v.into_repr(), O::CORE))
    }

    /// Subtracts `v` (wrapping) and returns the value before.
    pub fn fetch_sub<O: ordering::Ordering>(&self, v: T, _: O) -> T {
        T::from_repr(T::Repr::fetch_add(&self.cell, v.into_repr().wrapping_neg(), O::CORE))
    }
}

impl<T: AtomicType + fmt::Debug> fmt::Debug for Atomic<T> {
    /// The value, read relaxed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.load(Relaxed).fmt(f)
    }
}
