//! [`Completion`]: waiting for something to have happened, on the kernel's `struct completion`.
//!
//! A completion is a one-way event: tasks wait for it, another one marks it done, and from then
//! on waiting returns at once. See the kernel's `Documentation/scheduler/completion.rst`.
//!
//! ```ignore,kernel
//! use kernel::sync::Completion;
//! let done = KBox::pin_init(Completion::new(), GFP_KERNEL)?;
//! done.complete_all();
//! done.wait_for_completion(); // already done: returns at once
//! ```

use crate::bindings;
use crate::init::{pin_data, PinInit};
use crate::types::Opaque;

/// A completion: tasks wait for it with [`Completion::wait_for_completion`] until another task
/// calls [`Completion::complete_all`], which releases every waiter, present and future.
///
/// Pinned (it holds a wait queue): create it in place with [`Completion::new`].
///
/// ```ignore,kernel
/// use core::sync::atomic::{AtomicU32, Ordering};
/// use kernel::kthread::KThread;
/// use kernel::sync::Completion;
///
/// #[pin_data]
/// struct Job {
///     result: AtomicU32,
///     #[pin]
///     done: Completion,
/// }
///
/// let job = Arc::pin_init(
///     pin_init!(Job { result: AtomicU32::new(0), done <- Completion::new() }),
///     GFP_KERNEL,
/// )?;
/// let worker = job.clone();
/// let thread = KThread::run(c"completion_job", move |_| {
///     worker.result.store(42, Ordering::Relaxed);
///     worker.done.complete_all();
/// }, GFP_KERNEL)?;
/// job.done.wait_for_completion(); // sleeps until the thread has stored its result
/// assert_eq!(job.result.load(Ordering::Relaxed), 42);
/// job.done.wait_for_completion(); // done stays done
/// drop(thread);
/// ```
///
/// # Invariants
///
/// `inner` is initialised (by `init_completion`) and does not move.
#[pin_data]
pub struct Completion {
    #[pin]
    inner: Opaque<bindings::completion>,
}

// SAFETY: a completion has its own lock; any task may complete it or wait for it.
unsafe impl Send for Completion {}
// SAFETY: as for `Send`: its operations may run on several tasks at once.
unsafe impl Sync for Completion {}

impl Completion {
    /// An initializer for a completion that is not done yet (C's `init_completion()`).
    ///
    /// ```ignore,kernel
    /// # use kernel::sync::Completion;
    /// let done = Arc::pin_init(Completion::new(), GFP_KERNEL)?;
    /// ```
    pub fn new() -> impl PinInit<Self> {
        crate::pin_init!(Self {
            // INVARIANT: initialised here; `PinInit` callers never move it.
            inner <- Opaque::ffi_init(|slot: *mut bindings::completion| {
                // SAFETY: `slot` is valid for writes, and the completion is initialised in place
                // where it stays.
                unsafe { bindings::init_completion(slot) }
            }),
        })
    }

    fn as_raw(&self) -> *mut bindings::completion {
        self.inner.get()
    }

    /// Marks the completion done for good and wakes every task waiting for it; later waits
    /// return at once. May be called in any context, atomic ones included.
    ///
    /// ```ignore,kernel
    /// # use kernel::sync::Completion;
    /// # let done = KBox::pin_init(Completion::new(), GFP_KERNEL)?;
    /// done.complete_all();
    /// done.complete_all(); // completing twice is harmless
    /// done.wait_for_completion();
    /// ```
    pub fn complete_all(&self) {
        // SAFETY: the completion is initialised (type invariant); `complete_all` takes its own
        // lock with interrupts disabled, so it is safe in any context.
        unsafe { bindings::complete_all(self.as_raw()) };
    }

    /// Sleeps until the completion is done: not interruptible by signals, and with no timeout.
    ///
    /// Sleeps: call it in process context only, holding no spinlock (C's
    /// `wait_for_completion()` checks that with `might_sleep()` on debug kernels).
    ///
    /// ```ignore,kernel
    /// # use kernel::sync::Completion;
    /// # let done = KBox::pin_init(Completion::new(), GFP_KERNEL)?;
    /// # done.complete_all();
    /// done.wait_for_completion();
    /// ```
    pub fn wait_for_completion(&self) {
        // SAFETY: the completion is initialised (type invariant). Sleeping in atomic context is
        // a bug the kernel reports (`might_sleep()`), not memory unsafety: hence the rule in the
        // documentation.
        unsafe { bindings::wait_for_completion(self.as_raw()) };
    }
}
