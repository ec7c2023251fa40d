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
use core::sync::atomic::{AtomicBool, Ordering};

/// A running kernel thread; dropping the handle stops it (C's `kthread_stop()`): it sets the
/// thread's stop flag, wakes it, and waits until the closure has returned (if it had not
/// already). A closure that never started is dropped unrun. May sleep: drop it in process
/// context.
///
/// Dropped by the thread itself, which cannot wait for itself, the handle only asks it to stop
/// ([`KThreadContext::should_stop`] is true from then on) and holds the module in memory until
/// the thread has exited (a module reference, dropped by the thread's exit): `rmmod` fails with
/// `EBUSY` meanwhile. Should the module be unloading already (its `exit` could not see the
/// handle), the thread can neither go on nor be waited for: it reports that and sleeps forever.
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
/// `body` is a `KBox<Body<F>>` for the `F` that `drop_body` is instantiated with; the thread
/// only touches it until it exits, or (once `detached`) frees it itself.
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
        let body = KBox::new(Body { detached: AtomicBool::new(false), f: Some(f) }, flags)?;
        let body = KBox::into_raw(body).cast::<c_void>();
        // SAFETY: `thread_fn::<F>` takes `body`, a `Body<F>` that stays allocated until the
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
            // SAFETY: `body` is this thread's `Body`, alive while it runs (type invariant).
            unsafe { detach(self.task, self.body) };
            return;
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

/// What a thread of [`KThread::run`] runs: its closure, until it starts, and whether its handle
/// was dropped by the thread itself. `repr(C)`: the type-erased handle finds `detached` first.
#[repr(C)]
struct Body<F> {
    detached: AtomicBool,
    f: Option<F>,
}

/// The handle of the current thread is being dropped by that thread: takes a module reference
/// for the rest of the thread's life, releases the handle's task reference and asks the closure
/// to stop; the thread frees `body` and drops the module reference as it exits (`thread_fn`).
///
/// # Safety
///
/// `task` is the current task, a thread of [`KThread::run`] whose handle holds a reference on it,
/// and `body` its `Body`.
unsafe fn detach(task: *mut bindings::task_struct, body: *mut c_void) {
    // SAFETY: the module is alive: this is its code running.
    if !unsafe { bindings::try_module_get(crate::module::THIS_MODULE_PTR) } {
        // The module is unloading and its `exit` will not wait for this thread, which runs the
        // module's code: going on would run freed code, exiting here would free a stack whose
        // pinned objects were never dropped. Never return instead.
        crate::pr_err!(
            "a KThread was dropped by its own thread while the module unloads: it sleeps forever\n"
        );
        loop {
            crate::time::msleep(u32::MAX);
        }
    }
    // SAFETY: `body` starts with its `AtomicBool` (`repr(C)`), alive while the thread runs.
    unsafe { (*body.cast::<AtomicBool>()).store(true, Ordering::Relaxed) };
    // SAFETY: the handle's reference; the running task has references of its own.
    unsafe { bindings::put_task_struct(task) };
}

/// Frees the closure's memory, dropping the closure if it never ran.
///
/// # Safety
///
/// `body` came from a `KBox<Body<F>>` of [`KThread::run`] that nothing else uses any more.
unsafe fn drop_body<F>(body: *mut c_void) {
    // SAFETY: guaranteed by the caller.
    drop(unsafe { KBox::from_raw(body.cast::<Body<F>>()) });
}

/// The C function of every kernel thread [`KThread::run`] creates: runs the closure. The thread
/// then exits (the closure may also end it by panicking); [`KThread`]'s task reference keeps
/// the `task_struct` that `kthread_stop` is later given. A thread whose handle it dropped itself
/// frees its `Body` and exits here, dropping the module reference the handle took for it.
///
/// # Safety
///
/// `body` is the `Body<F>` of the [`KThread`] that created this thread, which lives until the
/// thread has exited (or frees it, detached) and which nothing else touches meanwhile.
unsafe extern "C" fn thread_fn<F: FnOnce(&KThreadContext)>(body: *mut c_void) -> c_int {
    let body = body.cast::<Body<F>>();
    // SAFETY: guaranteed by the caller; the kthread core calls this at most once per thread.
    let f = unsafe { (*body).f.take() };
    if let Some(f) = f {
        // SAFETY: as above; the closure's handle only writes `detached` from this thread.
        f(&KThreadContext { detached: unsafe { &raw const (*body).detached }, _not_send: PhantomData });
    }
    // SAFETY: as above; only this thread writes `detached`, through its own handle.
    if unsafe { (*body).detached.load(Ordering::Relaxed) } {
        // SAFETY: detached: nothing else will free or use `body`.
        unsafe { drop_body::<F>(body.cast()) };
        // SAFETY: the module reference `detach` took for this thread. The call does not return,
        // and it drops the reference and exits in the kernel's code, after the last instruction
        // of the module that this thread runs.
        unsafe { bindings::__module_put_and_kthread_exit(crate::module::THIS_MODULE_PTR, 0) };
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
    /// The thread's `Body::detached`, alive while the closure runs.
    detached: *const AtomicBool,
    _not_send: PhantomData<*mut ()>,
}

impl KThreadContext {
    /// Whether the owner of the [`KThread`] is stopping it (C's `kthread_should_stop()`), or the
    /// thread dropped its own handle: the closure should then return soon.
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
        // which is what `kthread_should_stop` requires of `current`; `detached` is alive while
        // the closure runs, which is while the context exists.
        unsafe { bindings::kthread_should_stop() || (*self.detached).load(Ordering::Relaxed) }
    }
}
