//! [`Timer`]: a kernel timer (`struct timer_list`) that calls into Rust when it expires.
//!
//! A `Timer<T>` holds the data `T` its callback ([`TimerCallback::run`]) works on, next to the C
//! timer, in an allocation its owner, a [`TimerHandle`], made ([`new_timer!`](crate::new_timer)).
//! Dropping the handle cancels the timer and waits for a running callback before `T` is dropped:
//! the callback never sees freed data, and nothing is left armed when a module that owns its
//! timers unloads. The callback itself may drop the handle too (it then only disarms the timer,
//! which it frees once it returns).
//!
//! The callback runs in atomic context (softirq; on `PREEMPT_RT` a kernel thread that still must
//! not sleep on a `Mutex`): share data with it through atomics or a
//! [`SpinLockIrq`](crate::sync::SpinLockIrq), and hand sleeping work to a
//! [`Work`](crate::workqueue::Work) item. A periodic timer re-arms itself from its callback.
//!
//! ```ignore,kernel
//! use core::sync::atomic::{AtomicU64, Ordering};
//! use kernel::time::{msecs_to_jiffies, timer::{Timer, TimerCallback}};
//!
//! struct Ticker {
//!     ticks: AtomicU64,
//! }
//!
//! impl TimerCallback for Ticker {
//!     fn run(timer: &Timer<Self>) {
//!         timer.ticks.fetch_add(1, Ordering::Relaxed);
//!         timer.schedule(msecs_to_jiffies(10)); // again in 10 ms
//!     }
//! }
//!
//! let ticker = new_timer!(Ticker { ticks: AtomicU64::new(0) }, GFP_KERNEL)?;
//! ticker.schedule(msecs_to_jiffies(10));
//! # kernel::time::msleep(100);
//! # assert!(ticker.ticks.load(Ordering::Relaxed) > 0);
//! // ... dropping `ticker` stops it.
//! ```

use super::{jiffies, Jiffies};
use crate::alloc::{Flags, KBox};
use crate::bindings;
use crate::error::Result;
use crate::init::{pin_init_from_closure, InPlaceInit, PinInit};
use crate::str::CStr;
use crate::sync::LockClassKey;
use crate::types::Opaque;
use core::ops::Deref;
use core::pin::Pin;
use core::ptr::{addr_of, addr_of_mut, null_mut, NonNull};
use core::sync::atomic::{AtomicBool, AtomicPtr, Ordering};

/// The callback of a [`Timer<Self>`](Timer): what the timer does when it expires.
///
/// ```ignore,kernel,no_run
/// # use core::sync::atomic::{AtomicBool, Ordering};
/// # use kernel::time::timer::{Timer, TimerCallback};
/// # struct Watchdog {
/// #     expired: AtomicBool,
/// # }
/// impl TimerCallback for Watchdog {
///     fn run(timer: &Timer<Self>) {
///         timer.expired.store(true, Ordering::Relaxed);
///     }
/// }
/// ```
pub trait TimerCallback: Sync + Sized + 'static {
    /// Called when `timer` expires, in atomic context: must not sleep. May re-arm the timer with
    /// [`Timer::schedule`], cancel it, or drop its [`TimerHandle`] (which then disarms it for
    /// good, and the timer and its data are freed when this returns).
    ///
    /// ```ignore,kernel,no_run
    /// # use core::sync::atomic::{AtomicU64, Ordering};
    /// # use kernel::time::{timer::{Timer, TimerCallback}, Jiffies};
    /// # struct Ticker {
    /// #     ticks: AtomicU64,
    /// #     period: Jiffies,
    /// # }
    /// # impl TimerCallback for Ticker {
    /// fn run(timer: &Timer<Self>) {
    ///     timer.ticks.fetch_add(1, Ordering::Relaxed);
    ///     timer.schedule(timer.period); // periodic
    /// }
    /// # }
    /// ```
    fn run(timer: &Timer<Self>);
}

/// A kernel timer whose callback is `T`'s [`TimerCallback::run`], holding the `T` it runs on
/// (reachable through `Deref`). Owned by a [`TimerHandle`], which is how code other than the
/// callback reaches it.
///
/// # Invariants
///
/// `raw` was initialised by `timer_init_key` with `expired::<T>` as its function and does not
/// move; the timer lives in a `KBox` that its [`TimerHandle`] owns. `running_in` is the task
/// running the callback on this timer, or null. `orphaned` is set only by the handle's drop in
/// the timer's own callback, after shutting the timer down; the callback then frees it.
pub struct Timer<T> {
    raw: Opaque<bindings::timer_list>,
    running_in: AtomicPtr<bindings::task_struct>,
    orphaned: AtomicBool,
    data: T,
}

// SAFETY: the C timer may be armed, cancelled and freed from any thread; `T` moves with it.
unsafe impl<T: Send> Send for Timer<T> {}
// SAFETY: `&Timer` only arms or cancels the C timer, which has its own locking, and gives `&T`,
// which needs `T: Sync` (the callback also gets `&T`, on another CPU).
unsafe impl<T: Sync> Sync for Timer<T> {}

impl<T: TimerCallback> Timer<T> {
    /// An initializer for a disarmed timer holding `data`, named `name` with class `key` for
    /// lockdep. Private: a timer is only ever in the allocation of a [`TimerHandle`].
    fn new(data: T, name: &'static CStr, key: &'static LockClassKey) -> impl PinInit<Self> {
        // SAFETY: the closure initialises every field and cannot fail.
        unsafe {
            pin_init_from_closure(move |slot: *mut Self| {
                addr_of_mut!((*slot).data).write(data);
                addr_of_mut!((*slot).running_in).write(AtomicPtr::new(null_mut()));
                addr_of_mut!((*slot).orphaned).write(AtomicBool::new(false));
                // INVARIANT: initialised with `expired::<T>`; the handle never moves it.
                bindings::timer_init_key(
                    Opaque::raw_get(addr_of!((*slot).raw)),
                    Some(expired::<T>),
                    0,
                    name.as_ptr(),
                    key.as_ptr(),
                );
                Ok(())
            })
        }
    }
}

impl<T> Timer<T> {
    /// Arms the timer to expire `delay` jiffies from now, or moves the expiry there if it is
    /// armed already (C's `mod_timer()`). Returns whether it was armed. Any context.
    ///
    /// ```ignore,kernel
    /// # use core::sync::atomic::{AtomicU64, Ordering};
    /// # use kernel::time::{msecs_to_jiffies, timer::{Timer, TimerCallback}};
    /// # #[derive(Default)]
    /// # struct Ticker {
    /// #     ticks: AtomicU64,
    /// # }
    /// # impl TimerCallback for Ticker {
    /// #     fn run(timer: &Timer<Self>) {
    /// #         timer.ticks.fetch_add(1, Ordering::Relaxed);
    /// #     }
    /// # }
    /// # let timer = new_timer!(Ticker::default(), GFP_KERNEL)?;
    /// timer.schedule(msecs_to_jiffies(100));
    /// ```
    pub fn schedule(&self, delay: Jiffies) -> bool {
        // SAFETY: the timer is initialised and pinned (type invariant); `mod_timer` may be
        // called in any context, its callback included.
        unsafe { bindings::mod_timer(self.raw.get(), jiffies().wrapping_add(delay)) != 0 }
    }

    /// Disarms the timer and waits for a running callback to finish (C's `timer_delete_sync()`).
    /// Returns whether it was armed. From the timer's own callback it only disarms (it cannot
    /// wait for itself). A `schedule` from elsewhere may arm it again right after.
    ///
    /// Must not be called with a lock the callback takes, nor from a hard interrupt handler.
    ///
    /// ```ignore,kernel
    /// # use core::sync::atomic::{AtomicU64, Ordering};
    /// # use kernel::time::{timer::{Timer, TimerCallback}, HZ};
    /// # #[derive(Default)]
    /// # struct Ticker {
    /// #     ticks: AtomicU64,
    /// # }
    /// # impl TimerCallback for Ticker {
    /// #     fn run(timer: &Timer<Self>) {
    /// #         timer.ticks.fetch_add(1, Ordering::Relaxed);
    /// #     }
    /// # }
    /// # let timer = new_timer!(Ticker::default(), GFP_KERNEL)?;
    /// # timer.schedule(10 * HZ);
    /// if timer.cancel() {
    ///     pr_info!("stopped before it expired\n");
    /// }
    /// ```
    pub fn cancel(&self) -> bool {
        let raw = self.raw.get();
        let was_armed = if self.in_callback() {
            // SAFETY: the timer is initialised (type invariant); deleting never waits.
            unsafe { bindings::timer_delete(raw) }
        } else {
            // SAFETY: the timer is initialised; not called from its own callback (checked
            // above), so waiting for the callback terminates.
            unsafe { bindings::timer_delete_sync(raw) }
        };
        was_armed != 0
    }

    /// Whether the current task is running this timer's callback.
    fn in_callback(&self) -> bool {
        // SAFETY: `current` is valid in every context a timer is used from.
        let current = unsafe { bindings::get_current() };
        // Only the callback stores the current task, so a nested call sees its own store and any
        // other task sees something else, whatever the memory ordering.
        self.running_in.load(Ordering::Relaxed) == current
    }
}

impl<T> Deref for Timer<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.data
    }
}

/// The owner of a [`Timer`]: dropping it cancels the timer for good, waiting for a running
/// callback, and then frees the timer and its data. Derefs to the timer.
///
/// Do not drop it holding a lock the callback takes, nor in a hard interrupt handler. Dropped by
/// the timer's own callback (which cannot wait for itself), it disarms the timer for good and
/// the callback frees the timer once it returns. Leaking it (`core::mem::forget`) leaves the
/// timer armed: its callback would then run after the module is gone.
///
/// ```ignore,kernel
/// # use core::sync::atomic::{AtomicU64, Ordering};
/// # use kernel::time::{timer::{Timer, TimerCallback}, HZ};
/// # #[derive(Default)]
/// # struct Ticker {
/// #     ticks: AtomicU64,
/// # }
/// # impl TimerCallback for Ticker {
/// #     fn run(timer: &Timer<Self>) {
/// #         timer.ticks.fetch_add(1, Ordering::Relaxed);
/// #     }
/// # }
/// let timer = new_timer!(Ticker::default(), "ticker", GFP_KERNEL)?;
/// timer.schedule(HZ); // in one second
/// drop(timer); // cancelled before it expired
/// ```
///
/// # Invariants
///
/// `timer` points to a live [`Timer<T>`] in a `KBox` that this handle owns.
pub struct TimerHandle<T> {
    timer: NonNull<Timer<T>>,
}

// SAFETY: the handle may be dropped on any thread, which then drops `T` (hence `T: Send`) or
// leaves that to the callback, on another CPU; it gives `&Timer<T>` (hence `Timer<T>: Sync`).
unsafe impl<T: Send + Sync> Send for TimerHandle<T> {}
// SAFETY: `&TimerHandle` gives only `&Timer<T>`.
unsafe impl<T: Sync> Sync for TimerHandle<T> {}

impl<T: TimerCallback> TimerHandle<T> {
    /// A disarmed timer holding `data`, allocated with `flags`, named `name` with class `key` for
    /// lockdep (which then checks that `cancel` and drop are not called with a lock the callback
    /// takes). [`new_timer!`](crate::new_timer) fills `name` and `key` in.
    ///
    /// ```ignore,kernel
    /// # use core::sync::atomic::{AtomicU64, Ordering};
    /// # use kernel::static_lock_class;
    /// # use kernel::time::timer::{Timer, TimerCallback, TimerHandle};
    /// # #[derive(Default)]
    /// # struct Ticker {
    /// #     ticks: AtomicU64,
    /// # }
    /// # impl TimerCallback for Ticker {
    /// #     fn run(timer: &Timer<Self>) {
    /// #         timer.ticks.fetch_add(1, Ordering::Relaxed);
    /// #     }
    /// # }
    /// let timer = TimerHandle::new(Ticker::default(), c"ticker", static_lock_class!(), GFP_KERNEL)?;
    /// ```
    pub fn new(data: T, name: &'static CStr, key: &'static LockClassKey, flags: Flags) -> Result<Self> {
        let timer = KBox::pin_init(Timer::new(data, name, key), flags)?;
        // SAFETY: the handle never moves the timer out of its allocation: it frees it whole.
        let timer = KBox::into_raw(unsafe { Pin::into_inner_unchecked(timer) });
        // INVARIANT: a live timer in a `KBox` that nothing else owns.
        // SAFETY: `KBox::into_raw` never returns null.
        Ok(TimerHandle { timer: unsafe { NonNull::new_unchecked(timer) } })
    }
}

impl<T> Deref for TimerHandle<T> {
    type Target = Timer<T>;

    fn deref(&self) -> &Timer<T> {
        // SAFETY: the timer lives as long as its handle (type invariant).
        unsafe { self.timer.as_ref() }
    }
}

impl<T> Drop for TimerHandle<T> {
    fn drop(&mut self) {
        let raw = self.raw.get();
        if self.in_callback() {
            // Waiting for the callback would never end, and it still uses the timer: disarm the
            // timer for good, and let the callback free it once it returns (`expired`).
            // SAFETY: the timer is initialised (type invariant); shutting down never waits.
            unsafe { bindings::timer_shutdown(raw) };
            // INVARIANT: set by the callback's own task, after the shutdown.
            self.orphaned.store(true, Ordering::Relaxed);
            return;
        }
        // SAFETY: the timer is initialised, and this is not its callback. Shutting down (rather
        // than deleting) also stops the callback from re-arming it while this waits, so it is
        // neither armed nor running after this.
        unsafe { bindings::timer_shutdown_sync(raw) };
        // SAFETY: the allocation this handle owns (type invariant), which nothing uses any more.
        drop(unsafe { KBox::from_raw(self.timer.as_ptr()) });
    }
}

/// The C callback of every `Timer<T>`: finds the timer and runs `T`'s callback; frees the timer
/// if the callback dropped its handle.
///
/// # Safety
///
/// `raw` is the `raw` field of a live `Timer<T>`: the timer core only expires timers that are
/// armed, and a timer is shut down (waiting for this function) before its handle frees it.
unsafe extern "C" fn expired<T: TimerCallback>(raw: *mut bindings::timer_list) {
    let ptr = crate::container_of!(raw, Timer<T>, raw);
    // SAFETY: `raw` is the `raw` field of a live `Timer<T>` (the function's contract), which
    // stays alive until this function frees it or returns: a handle dropped by `T::run` leaves
    // the timer to this function.
    let timer = unsafe { &*ptr };
    // SAFETY: `current` is valid in softirq context (and in the timer thread on PREEMPT_RT).
    timer.running_in.store(unsafe { bindings::get_current() }, Ordering::Relaxed);
    T::run(timer);
    timer.running_in.store(null_mut(), Ordering::Relaxed);
    if timer.orphaned.load(Ordering::Relaxed) {
        // SAFETY: `T::run` dropped the handle, which shut the timer down (it neither runs nor is
        // armed again) and left its `KBox` to this function. The timer core does not touch a
        // timer after its function returns: C callbacks may free their timer too.
        drop(unsafe { KBox::from_raw(ptr) });
    }
}

/// A new disarmed [`Timer`] holding `data`, allocated with the given flags, with a lockdep class
/// for this call site and an optional name (default: `file:line`): a
/// `Result<`[`TimerHandle`]`>`.
///
/// ```ignore,kernel
/// # use core::sync::atomic::{AtomicU64, Ordering};
/// # use kernel::time::timer::{Timer, TimerCallback};
/// # #[derive(Default)]
/// # struct Ticker {
/// #     ticks: AtomicU64,
/// # }
/// # impl TimerCallback for Ticker {
/// #     fn run(timer: &Timer<Self>) {
/// #         timer.ticks.fetch_add(1, Ordering::Relaxed);
/// #     }
/// # }
/// let named = new_timer!(Ticker::default(), "ticker", GFP_KERNEL)?;
/// let unnamed = new_timer!(Ticker::default(), GFP_KERNEL)?;
/// ```
#[macro_export]
macro_rules! new_timer {
    ($data:expr, $name:literal, $flags:expr $(,)?) => {
        $crate::time::timer::TimerHandle::new(
            $data,
            $crate::optional_name!($name),
            $crate::static_lock_class!(),
            $flags,
        )
    };
    ($data:expr, $flags:expr $(,)?) => {
        $crate::time::timer::TimerHandle::new(
            $data,
            $crate::optional_name!(),
            $crate::static_lock_class!(),
            $flags,
        )
    };
}
