//! Kernel threads: a Rust closure run by a thread of its own ([`KThread`]), stopped when the
//! handle is dropped.
//!
//! The closure runs in process context: it may sleep, take a [`Mutex`](crate::sync::Mutex),
//! allocate with `GFP_KERNEL`. A long-running one loops until
//! [`KThreadContext::should_stop`] says the owner wants it to end.
//!
//! ```ignore,kernel
//! use kernel::kthread::KThread;
//! # fn poll_hardware() {}
//!
//! let thread = KThread::run(c"poller", move |thread| {
//!     while !thread.should_stop() {
//!         poll_hardware();
//!         kernel::time::msleep(20);
//!     }
//! }, GFP_KERNEL)?;
//! // ... dropping `thread` stops it and waits for the closure to return.
//! ```

use crate::alloc::{Flags, KBox};
use crate::bindings;
use crate::error::{from_err_ptr, Result};
use crate::str::CStr;
use core::ffi::{c_int, c_void};
use core::marker::PhantomData;

/// A running kernel thread; dropping the handle stops it (C's `kthread_stop()`): it sets the
/// thread's stop flag, wakes it, and waits until the closure has returned (if it had not
/// already). A closure that never started is dropped unrun. May sleep: drop it in process
/// context, and not from the thread itself (the kernel panics instead of deadlocking).
///
/// ```ignore,kernel
/// # use core::sync::atomic::{AtomicUsize, Ordering};
/// # use kernel::kthread::KThread;
/// # let runs = Arc::new(AtomicUsize::new(0), GFP_KERNEL)?;
/// let thread = KThread::run(c"counter", move |_| {
///     runs.fetch_add(1, Ordering::Relaxed);
/// }, GFP_KERNEL)?;
/// drop(thread); // the closure has run, or never will
/// ```
///
/// The handle holds a reference to the thread's `task_struct` (as C code that stops a thread
/// which may exit on its own does: `get_task_struct()` after creating it, `put_task_struct()`
/// after `kthread_stop()`): a thread whose closure returned, or panicked, exits and is reaped
/// at once, and its task must still be there when the handle stops it.
///
/// # Invariants
///
/// `task` is a kernel thread created by `kthread_create_on_node` with `thread_fn` and `body`
/// as its data, on which this handle holds a task reference and has not called `kthread_stop`.
/// `body` is a `KBox<Option<F>>` for the `F` that `drop_body` is instantiated with; the thread
/// only touches it until it exits.
pub struct KThread {
    task: *mut bindings::task_struct,
    body: *mut c_void,
    drop_body: unsafe fn(*mut c_void),
}

// SAFETY: the handle may stop the thread from any thread; the closure it may drop is `Send`.
unsafe impl Send for KThread {}
// SAFETY: `&KThread` gives access to nothing.
unsafe impl Sync for KThread {}

impl KThread {
    /// Creates a kernel thread named `name` (as `ps` shows it, truncated to 15 bytes) and starts
    /// it running `f`. The closure's memory is allocated with `flags`.
    ///
    /// ```ignore,kernel
    /// # use kernel::kthread::KThread;
    /// # struct Cache;
    /// # impl Cache {
    /// #     fn flush(&self) {}
    /// # }
    /// # let cache = Cache;
    /// let thread = KThread::run(c"flusher", move |thread| {
    ///     while !thread.should_stop() {
    ///         cache.flush();
    ///         kernel::time::msleep(100);
    ///     }
    /// }, GFP_KERNEL)?;
    /// ```
    pub fn run<F>(name: &CStr, f: F, flags: Flags) -> Result<KThread>
    where
        F: FnOnce(&KThreadContext) + Send + 'static,
    {
        let body = KBox::into_raw(KBox::new(Some(f), flags)?).cast::<c_void>();
        // SAFETY: `thread_fn::<F>` takes `body`, an `Option<F>` that stays allocated until the
        // thread is stopped; the format is `%s` with a NUL-terminated string.
        let task = unsafe {
            bindings::kthread_create_on_node(
                Some(thread_fn::<F>),
                body,
                bindings::NUMA_NO_NODE,
                c"%s".as_ptr(),
                name.as_ptr(),
            )
        };
        let task = match from_err_ptr(task) {
            Ok(task) => task,
            Err(e) => {
                // SAFETY: no thread was created, so nothing else has `body`.
                unsafe { drop_body::<F>(body) };
                return Err(e);
            }
        };
        // SAFETY: `task` is a new kernel thread, waiting for this to start it, so it has not
        // exited: its `task_struct` is alive. The reference is dropped in `drop`.
        unsafe { bindings::get_task_struct(task) };
        // SAFETY: as above.
        unsafe { bindings::wake_up_process(task) };
        // INVARIANT: a kernel thread running `thread_fn::<F>` on `body`, referenced, not stopped.
        Ok(KThread { task, body, drop_body: drop_body::<F> })
    }
}

impl Drop for KThread {
    fn drop(&mut self) {
        // SAFETY: `get_current()` is always valid in process context.
        if core::ptr::eq(unsafe { bindings::get_current() }, self.task) {
            panic!("a KThread was dropped by its own thread");
        }
        // SAFETY: `task` is a kernel thread, not stopped yet, whose `task_struct` this handle
        // keeps alive even if the thread has exited (type invariant); `kthread_stop` is meant for
        // that case too. It waits until the thread has exited, having run the closure or not.
        unsafe { bindings::kthread_stop(self.task) };
        // SAFETY: the reference taken in `run`; the handle does not use `task` after this.
        unsafe { bindings::put_task_struct(self.task) };
        // SAFETY: the thread has exited, so it no longer touches `body` (type invariant).
        unsafe { (self.drop_body)(self.body) };
    }
}

/// Frees the closure's memory, dropping the closure if it never ran.
///
/// # Safety
///
/// `body` came from a `KBox<Option<F>>` of [`KThread::run`] that nothing else uses any more.
unsafe fn drop_body<F>(body: *mut c_void) {
    // SAFETY: guaranteed by the caller.
    drop(unsafe { KBox::from_raw(body.cast::<Option<F>>()) });
}

/// The C function of every kernel thread [`KThread::run`] creates: runs the closure. The thread
/// then exits (the closure may also end it by panicking); [`KThread`]'s task reference keeps
/// the `task_struct` that `kthread_stop` is later given.
///
/// # Safety
///
/// `body` is the `Option<F>` of the [`KThread`] that created this thread, which lives until the
/// thread has exited and which nothing else touches meanwhile.
unsafe extern "C" fn thread_fn<F: FnOnce(&KThreadContext)>(body: *mut c_void) -> c_int {
    // SAFETY: guaranteed by the caller; the kthread core calls this at most once per thread.
    let f = unsafe { (*body.cast::<Option<F>>()).take() };
    if let Some(f) = f {
        f(&KThreadContext { _not_send: PhantomData });
    }
    0
}

/// What a [`KThread`]'s closure gets: the questions only its own thread may ask.
///
/// Neither `Send` nor `Sync`: it exists only on the thread's own stack.
///
/// ```ignore,kernel
/// # use kernel::kthread::{KThread, KThreadContext};
/// # fn step() {
/// #     kernel::time::msleep(1);
/// # }
/// KThread::run(c"worker", |thread: &KThreadContext| while !thread.should_stop() { step() }, GFP_KERNEL)?;
/// ```
pub struct KThreadContext {
    _not_send: PhantomData<*mut ()>,
}

impl KThreadContext {
    /// Whether the owner of the [`KThread`] is stopping it (C's `kthread_should_stop()`): the
    /// closure should then return soon.
    ///
    /// ```ignore,kernel
    /// # use kernel::kthread::KThread;
    /// # let waiter = KThread::run(c"waiter", |thread| {
    /// while !thread.should_stop() {
    ///     kernel::time::msleep(10);
    /// }
    /// # }, GFP_KERNEL)?;
    /// # drop(waiter);
    /// ```
    pub fn should_stop(&self) -> bool {
        // SAFETY: a `KThreadContext` only exists on a kernel thread created by `KThread::run`,
        // which is what `kthread_should_stop` requires of `current`.
        unsafe { bindings::kthread_should_stop() }
    }
}
