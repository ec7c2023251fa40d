//! The generic [`Lock`] and its [`Guard`], over a [`Backend`] that is a kernel lock type.

pub mod mutex;
pub mod spinlock;

use crate::init::{pin_init_from_closure, PinInit};
use crate::str::CStr;
use crate::sync::LockClassKey;
use crate::types::Opaque;
use core::cell::UnsafeCell;
use core::marker::PhantomData;
use core::ops::{Deref, DerefMut};
use core::pin::Pin;

/// A kernel lock type: how to initialise, take and release it.
///
/// # Safety
///
/// `lock` and `unlock` give mutual exclusion once `init` has run: between a `lock` returning and
/// the matching `unlock`, no other `lock` on the same object returns.
pub unsafe trait Backend {
    /// The C lock (`struct mutex`, `spinlock_t`).
    type State;
    /// What taking the lock returns and releasing it needs (e.g. saved interrupt flags).
    type GuardState;

    /// Initialises the lock in place.
    ///
    /// # Safety
    ///
    /// `ptr` is valid for writes and the lock never moves afterwards; `name` and `key` are static.
    unsafe fn init(ptr: *mut Self::State, name: &'static CStr, key: &'static LockClassKey);

    /// Takes the lock, waiting for it.
    ///
    /// # Safety
    ///
    /// `ptr` points to an initialised lock.
    unsafe fn lock(ptr: *mut Self::State) -> Self::GuardState;

    /// Releases the lock.
    ///
    /// # Safety
    ///
    /// The caller holds the lock, taken by `lock` which returned `state`.
    unsafe fn unlock(ptr: *mut Self::State, state: &Self::GuardState);
}

/// Data of type `T` protected by a kernel lock of kind `B`. See [`Mutex`](super::Mutex) and
/// [`SpinLock`](super::SpinLock).
///
/// # Invariants
///
/// `state` holds an initialised lock that does not move; `data` is only accessed by the holder.
pub struct Lock<T: ?Sized, B: Backend> {
    state: Opaque<B::State>,
    data: UnsafeCell<T>,
}

// SAFETY: the lock may be sent wherever its data may.
unsafe impl<T: ?Sized + Send, B: Backend> Send for Lock<T, B> {}
// SAFETY: the lock gives access to `T` to one thread at a time, so sharing it needs only `Send`.
unsafe impl<T: ?Sized + Send, B: Backend> Sync for Lock<T, B> {}

impl<T, B: Backend> Lock<T, B> {
    /// An initializer for a lock holding `data`, named `name` for lockdep, of class `key`.
    ///
    /// The `new_mutex!`/`new_spinlock!` macros fill `name` and `key` in.
    pub fn new(data: impl PinInit<T>, name: &'static CStr, key: &'static LockClassKey) -> impl PinInit<Self> {
        // SAFETY: the closure initialises both fields, or fails having initialised neither (an
        // initialiser that cannot fail, so never).
        unsafe {
            pin_init_from_closure(move |slot: *mut Self| {
                // `UnsafeCell<T>` has the layout of `T`; the data is pinned with the lock
                // (structurally: the guard gives `&mut T` only for `Unpin` data).
                data.__pinned_init(UnsafeCell::raw_get(core::ptr::addr_of!((*slot).data)))?;
                // INVARIANT: initialised in place; `PinInit` callers never move it afterwards.
                B::init(Opaque::raw_get(core::ptr::addr_of!((*slot).state)), name, key);
                Ok(())
            })
        }
    }
}

impl<T: ?Sized, B: Backend> Lock<T, B> {
    /// Takes the lock; the guard releases it when dropped.
    pub fn lock(&self) -> Guard<'_, T, B> {
        // SAFETY: the lock is initialised (type invariant).
        let state = unsafe { B::lock(self.state.get()) };
        // SAFETY: the lock was just taken.
        unsafe { Guard::new(self, state) }
    }

    pub(crate) fn raw(&self) -> *mut B::State {
        self.state.get()
    }
}

/// Access to the data of a held [`Lock`]; releases the lock when dropped.
///
/// Not `Send`: a lock is released by the task that took it.
///
/// # Invariants
///
/// The lock is held, and was taken with `state`.
pub struct Guard<'a, T: ?Sized, B: Backend> {
    lock: &'a Lock<T, B>,
    state: B::GuardState,
    _not_send: PhantomData<*mut ()>,
}

// SAFETY: a guard only hands out `&T` to other threads, which `T: Sync` allows.
unsafe impl<T: ?Sized + Sync, B: Backend> Sync for Guard<'_, T, B> {}

impl<'a, T: ?Sized, B: Backend> Guard<'a, T, B> {
    /// # Safety
    ///
    /// The caller holds `lock`, taken with `state`.
    pub(crate) unsafe fn new(lock: &'a Lock<T, B>, state: B::GuardState) -> Self {
        // INVARIANT: guaranteed by the caller.
        Guard { lock, state, _not_send: PhantomData }
    }

    /// Releases the lock, runs `f`, and takes the lock again (for waiting).
    pub(crate) fn do_unlocked<U>(&mut self, f: impl FnOnce() -> U) -> U {
        // SAFETY: the lock is held with `self.state` (type invariant).
        unsafe { B::unlock(self.lock.raw(), &self.state) };
        let result = f();
        // SAFETY: the lock is initialised.
        // INVARIANT: taken again before the guard is used or dropped.
        self.state = unsafe { B::lock(self.lock.raw()) };
        result
    }
}

impl<T: ?Sized, B: Backend> Deref for Guard<'_, T, B> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: the lock is held (type invariant), so no one else accesses the data.
        unsafe { &*self.lock.data.get() }
    }
}

impl<T: ?Sized, B: Backend> Guard<'_, T, B> {
    /// The data, pinned: what changes data that is not `Unpin` (the lock's data never moves).
    pub fn as_mut(&mut self) -> Pin<&mut T> {
        // SAFETY: the lock is held (type invariant), so no one else accesses the data; it is
        // pinned with the lock (initialised in place by `Lock::new`, never moved out).
        unsafe { Pin::new_unchecked(&mut *self.lock.data.get()) }
    }
}

impl<T: ?Sized + Unpin, B: Backend> DerefMut for Guard<'_, T, B> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: the lock is held (type invariant), so no one else accesses the data.
        unsafe { &mut *self.lock.data.get() }
    }
}

impl<T: ?Sized, B: Backend> Drop for Guard<'_, T, B> {
    fn drop(&mut self) {
        // SAFETY: the lock is held with `self.state` (type invariant).
        unsafe { B::unlock(self.lock.raw(), &self.state) };
    }
}
