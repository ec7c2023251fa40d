//! [`Mutex`]: a sleeping lock, the kernel's `struct mutex`.

use super::{Backend, Guard, Lock};
use crate::bindings;
use crate::error::{code::EINTR, Result};
use crate::str::CStr;
use crate::sync::LockClassKey;

/// Data protected by a kernel `struct mutex`. Taking it may sleep: process context only.
///
/// Create one in place with [`new_mutex!`](crate::new_mutex).
///
/// ```ignore,kernel
/// let m = KBox::pin_init(new_mutex!(KVec::<u8>::new(), "buffer"), GFP_KERNEL)?;
/// m.lock().push(1, GFP_KERNEL)?;
/// ```
pub type Mutex<T> = Lock<T, MutexBackend>;

/// [`Backend`] of [`Mutex`].
pub struct MutexBackend;

// SAFETY: `mutex_lock` and `mutex_unlock` give mutual exclusion once `__mutex_init` has run.
unsafe impl Backend for MutexBackend {
    type State = bindings::mutex;
    type GuardState = ();

    unsafe fn init(ptr: *mut bindings::mutex, name: &'static CStr, key: &'static LockClassKey) {
        // SAFETY: `ptr` is valid and will not move; `name` and `key` are static.
        unsafe { bindings::__mutex_init(ptr, name.as_ptr(), key.as_ptr()) }
    }

    unsafe fn lock(ptr: *mut bindings::mutex) {
        // Without lockdep `mutex_lock()` is a function: called directly, not through the helper
        // that serves as well where it is a macro over `mutex_lock_nested()`.
        // SAFETY: `ptr` points to an initialised mutex.
        #[cfg(not(CONFIG_DEBUG_LOCK_ALLOC))]
        unsafe {
            kernel_sys::mutex_lock(ptr)
        }
        // SAFETY: as above.
        #[cfg(CONFIG_DEBUG_LOCK_ALLOC)]
        unsafe {
            bindings::mutex_lock(ptr)
        }
    }

    unsafe fn unlock(ptr: *mut bindings::mutex, _state: &()) {
        // SAFETY: the caller holds the mutex.
        unsafe { bindings::mutex_unlock(ptr) }
    }
}

impl<T: ?Sized> Mutex<T> {
    /// Takes the mutex unless a signal arrives first (then `EINTR`), like
    /// `mutex_lock_interruptible()`.
    pub fn lock_interruptible(&self) -> Result<Guard<'_, T, MutexBackend>> {
        // SAFETY: the mutex is initialised (type invariant of `Lock`).
        if unsafe { bindings::mutex_lock_interruptible(self.raw()) } != 0 {
            return Err(EINTR);
        }
        // SAFETY: the mutex was just taken.
        Ok(unsafe { Guard::new(self, ()) })
    }
}

/// An initializer for a [`Mutex`] holding `data`, with a lockdep class for this call site and
/// an optional name (default: `file:line`).
///
/// ```ignore,kernel
/// let m = KBox::pin_init(new_mutex!(0u32), GFP_KERNEL)?;
/// ```
#[macro_export]
macro_rules! new_mutex {
    ($data:expr $(, $name:literal)? $(,)?) => {
        $crate::sync::Mutex::new($data, $crate::optional_name!($($name)?), $crate::static_lock_class!())
    };
}
