//! [`CondVar`]: waiting for a condition under a lock, on a kernel wait queue.

use super::lock::{Backend, Guard};
use super::LockClassKey;
use crate::bindings;
use crate::init::{pin_init_from_closure, PinInit};
use crate::str::CStr;
use crate::time::Jiffies;
use crate::types::Opaque;
use core::ffi::{c_int, c_long};

/// C's `MAX_SCHEDULE_TIMEOUT`: a timeout that never expires.
const MAX_SCHEDULE_TIMEOUT: c_long = c_long::MAX;

/// Whether a signal is pending for the current task.
fn signal_pending() -> bool {
    // SAFETY: `get_current()` is always valid in process context, where the waits run.
    unsafe { bindings::signal_pending(bindings::get_current()) != 0 }
}

/// A condition variable: tasks wait on it, with a lock released, until another task notifies
/// it. It is a kernel `wait_queue_head`, so it also serves `poll` (see [`CondVar::wait_queue`]).
///
/// Create one in place with [`new_condvar!`](crate::new_condvar).
///
/// ```ignore,kernel,no_run
/// # use kernel::sync::{CondVar, Mutex};
/// # struct Shared {
/// #     data: Mutex<KVec<u8>>,
/// #     ready: CondVar,
/// # }
/// # fn example(shared: &Shared) -> Result {
/// let mut guard = shared.data.lock();
/// while guard.is_empty() {
///     if shared.ready.wait_interruptible(&mut guard) {
///         return Err(ERESTARTSYS); // a signal arrived
///     }
/// }
/// # Ok(())
/// # }
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

    /// Releases the lock of `guard`, sleeps until notified, and takes the lock again. Signals do
    /// not end the wait (the task sleeps in `TASK_UNINTERRUPTIBLE`, as C's `wait_event()`), so
    /// use it only for waits that something is sure to end soon. Wakeups can be spurious: wait
    /// in a loop that checks the condition.
    ///
    /// Sleeps: call it in process context, holding no spinlock but the one of `guard` (which
    /// is released while sleeping; other locks are not).
    ///
    /// ```ignore,kernel
    /// # use kernel::kthread::KThread;
    /// #[pin_data]
    /// struct Flag {
    ///     #[pin]
    ///     set: Mutex<bool>,
    ///     #[pin]
    ///     changed: CondVar,
    /// }
    ///
    /// let flag = Arc::pin_init(
    ///     pin_init!(Flag { set <- new_mutex!(false), changed <- new_condvar!() }),
    ///     GFP_KERNEL,
    /// )?;
    /// let setter = flag.clone();
    /// let thread = KThread::run(c"flag_setter", move |_| {
    ///     *setter.set.lock() = true;
    ///     setter.changed.notify_all();
    /// }, GFP_KERNEL)?;
    /// let mut set = flag.set.lock();
    /// while !*set {
    ///     flag.changed.wait(&mut set);
    /// }
    /// assert!(*set);
    /// drop(set);
    /// drop(thread);
    /// ```
    pub fn wait<T: ?Sized, B: Backend>(&self, guard: &mut Guard<'_, T, B>) {
        self.wait_internal(bindings::TASK_UNINTERRUPTIBLE, guard, MAX_SCHEDULE_TIMEOUT);
    }

    /// Releases the lock of `guard`, sleeps until notified or until a signal arrives, and takes
    /// the lock again. Returns whether a signal is pending (the caller then usually returns
    /// `ERESTARTSYS`). Wakeups can be spurious: wait in a loop that checks the condition.
    ///
    /// Sleeps: call it in process context, holding no spinlock but the one of `guard` (which
    /// is released while sleeping; other locks are not).
    #[must_use = "wait_interruptible returns whether a signal is pending, which the caller must check"]
    pub fn wait_interruptible<T: ?Sized, B: Backend>(&self, guard: &mut Guard<'_, T, B>) -> bool {
        self.wait_internal(bindings::TASK_INTERRUPTIBLE, guard, MAX_SCHEDULE_TIMEOUT);
        signal_pending()
    }

    /// As [`CondVar::wait_interruptible`], but sleeps at most `jiffies` (C's
    /// `schedule_timeout()`; a timeout of `c_long::MAX` jiffies or more never expires): says
    /// whether the timeout expired, a notification came, or a signal is pending, with the
    /// jiffies left of the timeout. Wakeups can be spurious.
    ///
    /// Sleeps, as [`CondVar::wait_interruptible`] does.
    ///
    /// ```ignore,kernel
    /// use kernel::sync::CondVarTimeoutResult;
    /// use kernel::time::{jiffies, msecs_to_jiffies};
    ///
    /// let never_set = KBox::pin_init(new_mutex!(false), GFP_KERNEL)?;
    /// let cv = KBox::pin_init(new_condvar!(), GFP_KERNEL)?;
    /// let mut guard = never_set.lock();
    /// let start = jiffies();
    /// // Nobody notifies `cv`: the wait ends with the timeout (a spurious wakeup waits again).
    /// loop {
    ///     match cv.wait_interruptible_timeout(&mut guard, msecs_to_jiffies(20)) {
    ///         CondVarTimeoutResult::Timeout => break,
    ///         CondVarTimeoutResult::Woken { .. } => continue,
    ///         CondVarTimeoutResult::Signal { .. } => return Err(ERESTARTSYS),
    ///     }
    /// }
    /// assert!(jiffies().wrapping_sub(start) >= msecs_to_jiffies(20));
    /// assert!(!*guard);
    /// ```
    #[must_use = "the result says whether the wait timed out, was woken or was interrupted by a signal"]
    pub fn wait_interruptible_timeout<T: ?Sized, B: Backend>(
        &self,
        guard: &mut Guard<'_, T, B>,
        jiffies: Jiffies,
    ) -> CondVarTimeoutResult {
        let timeout = c_long::try_from(jiffies).unwrap_or(MAX_SCHEDULE_TIMEOUT);
        let left = self.wait_internal(bindings::TASK_INTERRUPTIBLE, guard, timeout);
        // `schedule_timeout` returns what is left of a non-negative timeout: never negative.
        let jiffies = left as Jiffies;
        match (jiffies, signal_pending()) {
            (jiffies, true) => CondVarTimeoutResult::Signal { jiffies },
            (0, false) => CondVarTimeoutResult::Timeout,
            (jiffies, false) => CondVarTimeoutResult::Woken { jiffies },
        }
    }

    /// Releases the lock of `guard`, sleeps in `state` until notified, a signal (if `state`
    /// allows it) or `timeout` jiffies, and takes the lock again. Returns the jiffies left.
    fn wait_internal<T: ?Sized, B: Backend>(
        &self,
        state: u32,
        guard: &mut Guard<'_, T, B>,
        timeout: c_long,
    ) -> c_long {
        let wait = Opaque::<bindings::wait_queue_entry>::uninit();
        // `init_wait()` is a macro: the exported function it stands for, with its flags (none;
        // `prepare_to_wait_exclusive` sets the exclusive one).
        // SAFETY: `wait` is a valid entry for the whole wait, and stays on this stack frame.
        unsafe { bindings::init_wait_entry(wait.get(), 0) };
        // SAFETY: the queue is initialised (type invariant) and so is the entry. The queue keeps a
        // pointer to the entry until `finish_wait` below removes it: the entry is a local of this
        // frame, never moved, and `finish_wait` runs on every path (nothing in between returns
        // early, and a panic aborts). (Setting the task state before the lock is released is what
        // makes a notification after that impossible to miss; that is correctness, not safety.)
        unsafe {
            bindings::prepare_to_wait_exclusive(self.wait_queue_head.get(), wait.get(), state as c_int)
        };
        // SAFETY: `schedule_timeout` has no memory-safety precondition (a negative timeout is
        // refused with a message, never used): the entry stays queued on this stack frame until
        // `finish_wait`, and a notification or the timeout makes the task runnable again.
        // Releasing this guard's lock does not by itself make sleeping allowed (another
        // spinlock may still be held, or the caller be in atomic context): sleeping there is a
        // bug the kernel reports ("scheduling while atomic"), hence the rule in the documentation.
        let left = guard.do_unlocked(|| unsafe { bindings::schedule_timeout(timeout) });
        // SAFETY: `wait` was added by `prepare_to_wait_exclusive` above.
        unsafe { bindings::finish_wait(self.wait_queue_head.get(), wait.get()) };
        left
    }

    /// Wakes one waiting task.
    pub fn notify_one(&self) {
        self.wake_up(1);
    }

    /// Wakes every waiting task (and every `poll` waiter).
    pub fn notify_all(&self) {
        self.wake_up(0);
    }

    fn wake_up(&self, exclusive: c_int) {
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

/// How [`CondVar::wait_interruptible_timeout`] ended, with the jiffies left of the timeout.
///
/// ```ignore,kernel
/// # use kernel::sync::CondVarTimeoutResult;
/// # let lock = KBox::pin_init(new_mutex!(()), GFP_KERNEL)?;
/// # let cv = KBox::pin_init(new_condvar!(), GFP_KERNEL)?;
/// let mut guard = lock.lock();
/// // A timeout of zero expires at once (unless a signal is pending).
/// let result = cv.wait_interruptible_timeout(&mut guard, 0);
/// assert!(matches!(result, CondVarTimeoutResult::Timeout | CondVarTimeoutResult::Signal { jiffies: 0 }));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CondVarTimeoutResult {
    /// The timeout expired.
    Timeout,
    /// A notification (or a spurious wakeup) ended the wait.
    Woken {
        /// The jiffies left of the timeout.
        jiffies: Jiffies,
    },
    /// A signal is pending.
    Signal {
        /// The jiffies left of the timeout.
        jiffies: Jiffies,
    },
}
