//! The memory orderings of [`Atomic`](super::Atomic)'s operations, as types: an operation takes
//! the ones that make sense for it (a load cannot release), checked at compile time.
//!
//! ```
//! use kernel::sync::atomic::{Acquire, Atomic, Release};
//! let ready = Atomic::new(0u32);
//! ready.store(1, Release);
//! assert_eq!(ready.load(Acquire), 1);
//! ```

use core::sync::atomic::Ordering as CoreOrdering;

/// No ordering beyond the atomicity of the access itself (`READ_ONCE()`/`WRITE_ONCE()`,
/// `atomic_*_relaxed()`).
#[derive(Clone, Copy)]
pub struct Relaxed;

/// Later accesses stay after this one (`smp_load_acquire()`, `atomic_*_acquire()`).
#[derive(Clone, Copy)]
pub struct Acquire;

/// Earlier accesses stay before this one (`smp_store_release()`, `atomic_*_release()`).
#[derive(Clone, Copy)]
pub struct Release;

/// Fully ordered: no access moves across it in either direction (C's value-returning atomics
/// without a suffix).
#[derive(Clone, Copy)]
pub struct Full;

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::Relaxed {}
    impl Sealed for super::Acquire {}
    impl Sealed for super::Release {}
    impl Sealed for super::Full {}
}

/// Any of the four orderings: what read-modify-write operations take.
pub trait Ordering: sealed::Sealed {
    /// The ordering `core::sync::atomic` gives it (`Full` is its sequentially consistent one).
    #[doc(hidden)]
    const CORE: CoreOrdering;
    /// The ordering of a failed compare-and-exchange, a load: `CORE` without its release part.
    #[doc(hidden)]
    const CORE_LOAD: CoreOrdering = Self::CORE;
}

impl Ordering for Relaxed {
    const CORE: CoreOrdering = CoreOrdering::Relaxed;
}

impl Ordering for Acquire {
    const CORE: CoreOrdering = CoreOrdering::Acquire;
}

impl Ordering for Release {
    const CORE: CoreOrdering = CoreOrdering::Release;
    const CORE_LOAD: CoreOrdering = CoreOrdering::Relaxed;
}

impl Ordering for Full {
    const CORE: CoreOrdering = CoreOrdering::SeqCst;
}

/// The orderings a load can have.
pub trait AcquireOrRelaxed: Ordering {}
impl AcquireOrRelaxed for Acquire {}
impl AcquireOrRelaxed for Relaxed {}

/// The orderings a store can have.
pub trait ReleaseOrRelaxed: Ordering {}
impl ReleaseOrRelaxed for Release {}
impl ReleaseOrRelaxed for Relaxed {}
