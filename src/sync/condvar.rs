//! [`CondVar`]: waiting for a condition under a lock, on a kernel wait queue.

use super::lock::{Backend, Guard};
use super::LockClassKey;
use crate::bindings;
use crate::init::{pin_init_from_closure, PinInit};
use crate::str::CStr;
use crate::types::Opaque;

/// A condition variable: tasks wait on it, with a lock released, until another task notifies
/// it. It is a kernel `wait_queue_head`, so it also serves `poll` (see [`CondVar::wait_queue`]).
///
/// Create one in place with [`new_condvar!`](crate::new_condvar).
///
/// ```ignore
/// let mut guard = shared.data.lock();
/// while guard.is_empty() {
///     if shared.ready.wait_interruptible(&mut guard) {
///         return Err(ERESTARTSYS); // a signal arrived
///     }
/// }
/// ```
///
/// # Invariants
///
/// `wait_queue_head` is initialised and does not move.
pub struct CondVar {
    wait_queue_head: Opaque<bindings::wait_queue_head>,
}

// SAFETY: the wait queue has its own lock; any thread may wait on or wake it.
unsafe impl Send for CondVar {}
// SAFETY: the wait queue has its own lock; any thread may wait on or wake it.
unsafe impl Sync for CondVar {}

impl CondVar {
    /// An initializer, named `name` for lockdep with class `key` (see
    /// [`new_condvar!`](crate::new_condvar)).
    pub fn new(name: &'static CStr, key: &'static LockClassKey) -> impl PinInit<Self> {
        // SAFETY: `__init_waitqueue_head` initialises the queue in place; nothing can fail.
        unsafe {
            pin_init_from_closure(move |slot: *mut Self| {
                let wq = Opaque::raw_get(core::ptr::addr_of!((*slot).wait_queue_head));
                // INVARIANT: initialised here; `PinInit` callers never move it.
                bindings::__init_waitqueue_head(wq, name.as_ptr(), key.as_ptr());
                Ok(())
            })
        }
    }

    /// Releases the lock of `guard`, sleeps until notified or until a signal arrives, and takes
    /// the lock again. Returns whether a signal is pending (the caller then usually returns
    /// `ERESTARTSYS`). Wakeups can be spurious: wait in a loop that checks the condition.
    ///
    /// Sleeps: call it in process context, holding no spinlock but the one of `guard` (which
    /// is released while sleeping; other locks are not).
    pub fn wait_interruptible<T: ?Sized, B: Backend>(&self, guard: &mut Guard<'_, T, B>) -> bool {
        let wait = Opaque::<bindings::wait_queue_entry>::uninit();
        // SAFETY: `wait` is a valid entry for the whole wait, and stays on this stack frame.
        unsafe { bindings::init_wait(wait.get()) };
        // SAFETY: the queue is initialised (type invariant) and so is the entry. The queue keeps a
        // pointer to the entry until `finish_wait` below removes it: the entry is a local of this
        // frame, never moved, and `finish_wait` runs on every path (nothing in between returns
        // early, and a panic aborts). (Setting the task state before the lock is released is what
        // makes a notification after that impossible to miss; that is correctness, not safety.)
        unsafe {
            bindings::prepare_to_wait_exclusive(
                self.wait_queue_head.get(),
                wait.get(),
                bindings::TASK_INTERRUPTIBLE as core::ffi::c_int,
            )
        };
        // SAFETY: `schedule` has no memory-safety precondition: the entry stays queued on this
        // stack frame until `finish_wait`, and a notification makes the task runnable again.
        // Releasing this guard's lock does not by itself make sleeping allowed (another
        // spinlock may still be held, or the caller be in atomic context): sleeping there is a
        // bug the kernel reports ("scheduling while atomic"), hence the rule in the documentation.
        guard.do_unlocked(|| unsafe { bindings::schedule() });
        // SAFETY: `wait` was added by `prepare_to_wait_exclusive` above.
        unsafe { bindings::finish_wait(self.wait_queue_head.get(), wait.get()) };
        // SAFETY: `get_current()` is always valid in process context.
        unsafe { bindings::signal_pending(bindings::get_current()) != 0 }
    }

    /// Wakes one waiting task.
    pub fn notify_one(&self) {
        self.wake_up(1);
    }

    /// Wakes every waiting task (and every `poll` waiter).
    pub fn notify_all(&self) {
        self.wake_up(0);
    }

    fn wake_up(&self, exclusive: core::ffi::c_int) {
        // SAFETY: the queue is initialised (type invariant); `__wake_up` may be called from any
        // context.
        unsafe {
            bindings::__wake_up(
                self.wait_queue_head.get(),
                bindings::TASK_NORMAL,
                exclusive,
                core::ptr::null_mut(),
            )
        };
    }

    /// The kernel wait queue, for `poll` (see [`PollTable`](crate::poll::PollTable)).
    pub fn wait_queue(&self) -> *mut bindings::wait_queue_head {
        self.wait_queue_head.get()
    }
}

/// An initializer for a [`CondVar`], with a lockdep class for this call site and an optional name.
///
/// ```ignore,kernel
/// let cv = KBox::pin_init(new_condvar!("readers"), GFP_KERNEL)?;
/// ```
#[macro_export]
macro_rules! new_condvar {
    ($($name:literal)?) => {
        $crate::sync::CondVar::new($crate::optional_name!($($name)?), $crate::static_lock_class!())
    };
}
