//! The parameter lock of a module, and the guards that hold it while a parameter is borrowed.

use crate::bindings;
use crate::module::ThisModule;
use crate::str::CStr;
use core::cell::UnsafeCell;
use core::fmt;
use core::marker::PhantomData;
use core::ops::Deref;
use core::ptr::{self, NonNull};
use core::sync::atomic::{AtomicPtr, Ordering};

/// The module's parameter lock (C's `kernel_param_lock(THIS_MODULE)`), taken around reads of
/// writable strings and arrays. `module!` makes one per module.
///
/// It may be taken again by the task holding it, so that one statement can read several
/// parameters while earlier guards are alive (the kernel's mutex alone would deadlock).
///
/// # Invariants
///
/// `owner` is the task that holds the module's parameter mutex through this lock, or null.
/// `depth` counts that task's holds; only the owner accesses it.
#[doc(hidden)]
pub struct ParamLock {
    module: &'static ThisModule,
    owner: AtomicPtr<bindings::task_struct>,
    depth: UnsafeCell<usize>,
}

// SAFETY: `depth` is only accessed by the task owning the mutex (type invariant); `owner` is
// atomic.
unsafe impl Sync for ParamLock {}

impl ParamLock {
    /// The lock of `module`'s parameters.
    pub const fn new(module: &'static ThisModule) -> Self {
        ParamLock { module, owner: AtomicPtr::new(ptr::null_mut()), depth: UnsafeCell::new(0) }
    }

    /// The module whose parameters it protects.
    pub(super) const fn module(&self) -> &'static ThisModule {
        self.module
    }

    /// Takes the lock if `writable` (read-only parameters need none): `Ok(None)` if not
    /// writable, `Ok(Some(hold))` once locked, `Err(())` outside process context, where the
    /// mutex must not be waited for. With `CONFIG_DEBUG_ATOMIC_SLEEP`, `might_sleep()` reports
    /// every caller that may not sleep (atomic sections of a task too), as for C callers of a
    /// mutex.
    pub(super) fn hold_if(&self, writable: bool) -> Result<Option<Hold<'_>>, ()> {
        if !writable {
            return Ok(None);
        }
        // SAFETY: `might_sleep()` has no memory-safety precondition. It reports a caller that
        // may not sleep (with CONFIG_DEBUG_ATOMIC_SLEEP) and, with voluntary preemption, may
        // reschedule, which `__cond_resched` does only where `preempt_count()` is zero: never
        // in an interrupt, a softirq or an atomic section.
        unsafe { bindings::might_sleep() };
        // SAFETY: may be called in any context.
        if !unsafe { bindings::in_task() } {
            // An interrupt or a softirq (`current` is then the interrupted task, which may hold
            // the mutex): no waiting for a mutex here.
            return Err(());
        }
        // SAFETY: may be called in any context.
        let me = unsafe { bindings::get_current() };
        if self.owner.load(Ordering::Relaxed) == me {
            // SAFETY: only this task stores `me` in `owner` (after taking the mutex, and it
            // clears it before releasing it), so this task holds the mutex and owns `depth`.
            unsafe { *self.depth.get() += 1 };
            return Ok(Some(Hold { lock: self, _not_send: PhantomData }));
        }
        // SAFETY: the module's `struct module` outlives its code; process context, where
        // waiting for the mutex is allowed (short of an atomic section, which `might_sleep`
        // reports).
        unsafe { bindings::kernel_param_lock(self.module.as_ptr()) };
        // INVARIANT: this task now holds the mutex and records itself as the owner.
        self.owner.store(me, Ordering::Relaxed);
        // SAFETY: this task holds the mutex, so it owns `depth` (which is 0).
        unsafe { *self.depth.get() = 1 };
        Ok(Some(Hold { lock: self, _not_send: PhantomData }))
    }
}

/// One hold of a [`ParamLock`], by the task that owns it; dropping the last one releases the
/// mutex. Not `Send`: a mutex is released by the task that took it.
pub(super) struct Hold<'a> {
    lock: &'a ParamLock,
    _not_send: PhantomData<*mut ()>,
}

impl Drop for Hold<'_> {
    fn drop(&mut self) {
        let lock = self.lock;
        // SAFETY: a hold belongs to the owning task (type invariant of `ParamLock`), which alone
        // accesses `depth`.
        let depth = unsafe { &mut *lock.depth.get() };
        *depth -= 1;
        if *depth > 0 {
            return;
        }
        // INVARIANT: cleared before the mutex is released.
        lock.owner.store(ptr::null_mut(), Ordering::Relaxed);
        // SAFETY: this task took the mutex in `hold_if` and this was its last hold.
        unsafe { bindings::kernel_param_unlock(lock.module.as_ptr()) };
    }
}

/// A parameter's value, borrowed: a string or an array, under the parameter lock if the
/// parameter is writable.
///
/// Keep it short-lived: while it lives, writes to (and reads of) the module's parameters through
/// sysfs wait.
///
/// ```ignore,kernel
/// # #[allow(non_upper_case_globals)]
/// # mod module_parameters {
/// #     use kernel::module_param::{ArrayParam, Param, ParamLock, StrParam};
/// #     static LOCK: ParamLock = ParamLock::new(&crate::THIS_MODULE);
/// #     pub static count: Param<u32, 0o644> = Param::new(3, &LOCK);
/// #     pub static verbose: Param<bool, 0> = Param::new(false, &LOCK);
/// #     pub static greeting: StrParam<0o444> = StrParam::new(c"hello", &LOCK);
/// #     pub static weights: ArrayParam<i32, 4, 0o644> = ArrayParam::new(&[1, 2], &LOCK);
/// # }
/// let greeting = module_parameters::greeting.read();
/// pr_info!("{} ({} bytes)\n", greeting, greeting.to_bytes().len());
/// ```
pub struct ParamGuard<'a, T: ?Sized> {
    value: NonNull<T>,
    _hold: Option<Hold<'a>>,
    _borrow: PhantomData<&'a T>,
}

impl<'a, T: ?Sized> ParamGuard<'a, T> {
    /// A guard for `value`, a parameter's, readable as long as `hold` lives (or for good, if
    /// `None`: a read-only parameter).
    pub(super) fn new(value: NonNull<T>, hold: Option<Hold<'a>>) -> Self {
        ParamGuard { value, _hold: hold, _borrow: PhantomData }
    }
}

impl<T: ?Sized> Deref for ParamGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: `value` points into the parameter, which the kernel does not change or free
        // while the lock is held (or, for a read-only parameter, ever after loading).
        unsafe { self.value.as_ref() }
    }
}

/// Prints the string, with invalid UTF-8 replaced by `U+FFFD`.
impl fmt::Display for ParamGuard<'_, CStr> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::str::write_lossy(f, self.to_bytes())
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for ParamGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self).fmt(f)
    }
}
