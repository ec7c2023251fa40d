//! [`SpinLock`] and [`SpinLockIrq`]: the kernel's `spinlock_t`.

use super::{Backend, Lock};
use crate::bindings;
use crate::str::CStr;
use crate::sync::LockClassKey;

/// Data protected by a kernel `spinlock_t`: a busy-waiting lock that disables preemption (on
/// `PREEMPT_RT` a sleeping lock, as for C code). Not for data shared with interrupt handlers:
/// use [`SpinLockIrq`].
///
/// Create one in place with [`new_spinlock!`](crate::new_spinlock).
///
/// ```ignore,kernel
/// let hits = KBox::pin_init(new_spinlock!(0u64), GFP_KERNEL)?;
/// *hits.lock() += 1;
/// ```
pub type SpinLock<T> = Lock<T, SpinLockBackend>;

/// Like [`SpinLock`], but taking it also disables local interrupts, so the data may be shared
/// with interrupt handlers and timer callbacks.
///
/// Interrupts stay disabled as long as any `SpinLockIrq` guard is held on the CPU, whatever the
/// order the guards are dropped in, and come back as they were before the first once the last is
/// dropped: as upstream's, the lock counts interrupt disables (`local_interrupt_disable()`)
/// rather than restoring the flags each guard saved, which would enable interrupts while an
/// inner guard is still held if the outer one were dropped first. (On PREEMPT_RT, where
/// `spinlock_t` sleeps, interrupts are left enabled, as by C's `spin_lock_irqsave()` there.)
///
/// ```ignore,kernel
/// let ticks = KBox::pin_init(new_spinlock_irq!(0u64), GFP_KERNEL)?;
/// *ticks.lock() += 1;
/// ```
pub type SpinLockIrq<T> = Lock<T, SpinLockIrqBackend>;

/// [`Backend`] of [`SpinLock`].
pub struct SpinLockBackend;

/// [`Backend`] of [`SpinLockIrq`].
pub struct SpinLockIrqBackend;

/// # Safety
///
/// `ptr` is valid for writes and will not move; `name` and `key` are static.
unsafe fn spin_lock_init(ptr: *mut bindings::spinlock_t, name: &'static CStr, key: &'static LockClassKey) {
    // SAFETY: guaranteed by the caller.
    unsafe { bindings::__spin_lock_init(ptr, name.as_ptr(), key.as_ptr()) }
}

// SAFETY: `spin_lock` and `spin_unlock` give mutual exclusion once the lock is initialised.
unsafe impl Backend for SpinLockBackend {
    type State = bindings::spinlock_t;
    type GuardState = ();

    unsafe fn init(ptr: *mut bindings::spinlock_t, name: &'static CStr, key: &'static LockClassKey) {
        // SAFETY: forwarded from the caller.
        unsafe { spin_lock_init(ptr, name, key) }
    }

    unsafe fn lock(ptr: *mut bindings::spinlock_t) {
        // SAFETY: `ptr` points to an initialised spinlock.
        unsafe { bindings::spin_lock(ptr) }
    }

    unsafe fn unlock(ptr: *mut bindings::spinlock_t, _state: &()) {
        // SAFETY: the caller holds the lock.
        unsafe { bindings::spin_unlock(ptr) }
    }
}

// SAFETY: `spin_lock` and `spin_unlock` give mutual exclusion once the lock is initialised; the
// interrupt-disable count around them only changes when interrupts come back.
unsafe impl Backend for SpinLockIrqBackend {
    type State = bindings::spinlock_t;
    /// Nothing: the interrupt state is saved per CPU by the first disable (see [`SpinLockIrq`]).
    type GuardState = ();

    unsafe fn init(ptr: *mut bindings::spinlock_t, name: &'static CStr, key: &'static LockClassKey) {
        // SAFETY: forwarded from the caller.
        unsafe { spin_lock_init(ptr, name, key) }
    }

    unsafe fn lock(ptr: *mut bindings::spinlock_t) {
        // SAFETY: any context may disable interrupts; `unlock` enables them again, once per
        // disable.
        #[cfg(not(CONFIG_PREEMPT_RT))]
        unsafe {
            bindings::local_interrupt_disable()
        };
        // SAFETY: `ptr` points to an initialised spinlock.
        unsafe { bindings::spin_lock(ptr) }
    }

    unsafe fn unlock(ptr: *mut bindings::spinlock_t, _state: &()) {
        // SAFETY: the caller holds the lock.
        unsafe { bindings::spin_unlock(ptr) };
        // SAFETY: `lock` disabled interrupts once for this hold; this ends that disable (the
        // count keeps them disabled while other guards are held).
        #[cfg(not(CONFIG_PREEMPT_RT))]
        unsafe {
            bindings::local_interrupt_enable()
        };
    }
}

/// An initializer for a [`SpinLock`] holding `data`, with a lockdep class for this call site
/// and an optional name (default: `file:line`).
///
/// ```ignore,kernel
/// let s = KBox::pin_init(new_spinlock!(0u32, "hits"), GFP_KERNEL)?;
/// ```
#[macro_export]
macro_rules! new_spinlock {
    ($data:expr $(, $name:literal)? $(,)?) => {
        $crate::sync::SpinLock::new($data, $crate::optional_name!($($name)?), $crate::static_lock_class!())
    };
}

/// An initializer for a [`SpinLockIrq`], like [`new_spinlock!`](crate::new_spinlock).
///
/// ```ignore,kernel
/// let s = KBox::pin_init(new_spinlock_irq!(0u32), GFP_KERNEL)?;
/// ```
#[macro_export]
macro_rules! new_spinlock_irq {
    ($data:expr $(, $name:literal)? $(,)?) => {
        $crate::sync::SpinLockIrq::new($data, $crate::optional_name!($($name)?), $crate::static_lock_class!())
    };
}
