//! Synchronisation: [`Mutex`], [`SpinLock`], [`SpinLockIrq`], [`CondVar`], [`Completion`],
//! [`Arc`], [`Refcount`], and [`aref::ARef`] for objects the kernel counts itself.
//!
//! The locks wrap the kernel's own `struct mutex` and `spinlock_t`, so lockdep, `PREEMPT_RT`
//! (where a spinlock sleeps) and the debug options behave as for C code. Each lock site gets its
//! own lockdep class, as C's `mutex_init()` and `spin_lock_init()` give it. Atomics come from
//! `core::sync::atomic`.
//!
//! ```ignore,kernel
//! let counter = KBox::pin_init(new_mutex!(0u64), GFP_KERNEL)?;
//! *counter.lock() += 1;
//! ```

mod arc;
pub mod aref;
pub mod atomic;
pub mod completion;
mod condvar;
pub mod lock;
mod refcount;

pub use arc::{Arc, ArcBorrow, UniqueArc};
pub use completion::Completion;
pub use condvar::{CondVar, CondVarTimeoutResult};
pub use lock::mutex::Mutex;
pub use lock::spinlock::{SpinLock, SpinLockIrq};
pub use lock::Guard;
pub use refcount::Refcount;

use crate::bindings;
use crate::types::Opaque;

/// A lockdep class: which locks lockdep treats as one for its dependency tracking.
///
/// Lives in a `static` (lockdep requires static storage); [`static_lock_class!`](crate::static_lock_class) makes one per
/// call site.
#[repr(transparent)]
pub struct LockClassKey(Opaque<bindings::lock_class_key>);

// SAFETY: the kernel only reads and writes a class key under lockdep's own synchronisation.
unsafe impl Sync for LockClassKey {}

impl LockClassKey {
    /// A new class; only meaningful in a `static`.
    #[allow(clippy::new_without_default)]
    pub const fn new() -> Self {
        LockClassKey(Opaque::zeroed())
    }

    /// The raw pointer for C.
    pub fn as_ptr(&self) -> *mut bindings::lock_class_key {
        self.0.get()
    }
}

/// A `&'static LockClassKey` unique to this call site.
///
/// ```ignore,kernel
/// # use kernel::{static_lock_class, sync::Mutex};
/// let init = Mutex::new(0u32, c"counter", static_lock_class!());
/// ```
#[macro_export]
macro_rules! static_lock_class {
    () => {{
        static CLASS: $crate::sync::LockClassKey = $crate::sync::LockClassKey::new();
        &CLASS
    }};
}

/// The name of a lock for lockdep: the one given, else `file:line` of the call site.
#[doc(hidden)]
#[macro_export]
macro_rules! optional_name {
    () => {
        $crate::c_str!(::core::concat!(::core::file!(), ":", ::core::line!()))
    };
    ($name:literal) => {
        $crate::c_str!($name)
    };
}
