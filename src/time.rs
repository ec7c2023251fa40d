//! Time: jiffies, conversions, sleeping, and the jiffies-based [`timer::Timer`].
//!
//! The kernel counts time in jiffies: ticks of the timer interrupt, [`HZ`] per second (250 on
//! Debian's kernels). Timer expiry times are absolute jiffies values; delays are jiffies counts,
//! usually made from milliseconds with [`msecs_to_jiffies`].
//!
//! ```ignore,kernel
//! use kernel::time::{jiffies, msecs_to_jiffies};
//!
//! let start = jiffies();
//! kernel::time::msleep(20);
//! assert!(jiffies().wrapping_sub(start) >= msecs_to_jiffies(20));
//! ```

pub mod timer;

use crate::bindings;

/// A point in time or a duration, in jiffies (C's `unsigned long`). Wraps around: compare two
/// points with `a.wrapping_sub(b)`, not `<`.
///
/// ```
/// use kernel::time::Jiffies;
/// let before: Jiffies = Jiffies::MAX - 1;
/// let after = before.wrapping_add(3); // the counter wrapped past zero
/// assert!(after < before && after.wrapping_sub(before) == 3);
/// ```
pub type Jiffies = core::ffi::c_ulong;

/// Jiffies per second: the kernel's `CONFIG_HZ`.
///
/// ```
/// assert!(kernel::time::HZ >= 100);
/// ```
pub const HZ: Jiffies = bindings::HZ;

/// The current time in jiffies (C's `jiffies`).
///
/// ```ignore,kernel
/// let now = kernel::time::jiffies();
/// ```
pub fn jiffies() -> Jiffies {
    // SAFETY: `jiffies` is a valid, aligned word the timer interrupt updates; C reads it as
    // `volatile`, and a word-sized volatile read cannot tear on x86-64.
    unsafe { core::ptr::read_volatile(&raw const bindings::jiffies) }
}

/// Converts milliseconds to jiffies, rounding up (so a delay is never shorter than asked).
///
/// ```ignore,kernel
/// let period = kernel::time::msecs_to_jiffies(10); // 3 jiffies at HZ=250
/// ```
pub fn msecs_to_jiffies(msecs: u32) -> Jiffies {
    // SAFETY: a pure conversion, callable in any context.
    unsafe { bindings::msecs_to_jiffies(msecs) }
}

/// Sleeps for at least `msecs` milliseconds. Process context only: not in a timer callback or
/// with a spinlock held.
///
/// ```ignore,kernel
/// kernel::time::msleep(5);
/// ```
pub fn msleep(msecs: u32) {
    // SAFETY: `msleep` may be called in process context, which the caller provides (sleeping in
    // atomic context is a bug the kernel reports, like `Mutex::lock` there).
    unsafe { bindings::msleep(msecs) }
}
