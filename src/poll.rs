//! `poll()`, `select()` and `epoll`: [`PollTable`], through which a file's `poll` operation
//! names the wait queues to watch, and [`PollMask`], the readiness it reports.
//!
//! ```ignore,kernel,no_run
//! # use kernel::fs::File;
//! # use kernel::poll::{PollMask, PollTable};
//! # struct Device {
//! #     changed: CondVar,
//! # }
//! # impl Device {
//! #     fn has_data(&self) -> bool {
//! #         false
//! #     }
//! # }
//! fn poll<'a>(this: &'a Device, _file: &'a File, table: &mut PollTable<'a>) -> PollMask {
//!     table.register_wait(&this.changed);
//!     if this.has_data() { PollMask::IN | PollMask::RDNORM } else { PollMask::empty() }
//! }
//! ```

use crate::bindings;
use crate::sync::CondVar;
use core::marker::PhantomData;
use core::ops::{BitOr, BitOrAssign};

/// The wait queues a `poll` call registers with: the kernel's `poll_table` for one file.
///
/// `poll()` and `select()` stay on the registered queues until they return; `epoll` stays on
/// them until the file leaves the epoll set or is closed, possibly long after `poll` returned.
/// A queue must therefore live until the file is released. The lifetime `'a` enforces it: only a
/// `CondVar` borrowed for `'a` can be registered, and the file operation receives its per-open
/// state (which the file owns until it is released) and the file for `'a`, while `'a` cannot be
/// shortened (the type is invariant in it).
///
/// ```ignore,kernel,no_run
/// # use kernel::poll::PollTable;
/// # struct Shared {
/// #     readable: CondVar,
/// # }
/// # struct Open {
/// #     shared: Arc<Shared>,
/// # }
/// # fn poll<'a>(this: &'a Open, table: &mut PollTable<'a>) {
/// table.register_wait(&this.shared.readable);
/// # }
/// ```
///
/// # Invariants
///
/// `file` is the open file being polled and `table` is null or the `poll_table` of this call.
/// Every `CondVar` borrowed for `'a` lives until `file` is released.
pub struct PollTable<'a> {
    file: *mut bindings::file,
    table: *mut bindings::poll_table_struct,
    _invariant: PhantomData<fn(&'a CondVar) -> &'a CondVar>,
}

impl<'a> PollTable<'a> {
    /// Wraps the arguments of a C `poll` operation.
    ///
    /// # Safety
    ///
    /// `file` is the open file being polled, `table` is the `poll_table` the kernel passed with
    /// it (possibly null), and everything borrowed for `'a` lives until `file` is released.
    ///
    /// ```ignore,kernel,no_run
    /// # use kernel::{bindings, poll::PollTable};
    /// # unsafe extern "C" fn poll(file: *mut bindings::file, table: *mut bindings::poll_table_struct) -> u32 {
    /// // SAFETY: the arguments of `poll`; `'a` is the lifetime of the per-open state.
    /// let mut table = unsafe { PollTable::from_raw(file, table) };
    /// # 0
    /// # }
    /// ```
    pub unsafe fn from_raw(
        file: *mut bindings::file,
        table: *mut bindings::poll_table_struct,
    ) -> PollTable<'a> {
        // INVARIANT: guaranteed by the caller.
        PollTable { file, table, _invariant: PhantomData }
    }

    /// Adds the caller to the wait queue of `cv`: a `notify_one`/`notify_all` on it wakes
    /// `poll()`, `select()` and `epoll` waiters on this file, which then call `poll` again.
    ///
    /// ```ignore,kernel,no_run
    /// # use kernel::poll::PollTable;
    /// # struct Open {
    /// #     readable: CondVar,
    /// #     writable: CondVar,
    /// # }
    /// # fn poll<'a>(this: &'a Open, table: &mut PollTable<'a>) {
    /// table.register_wait(&this.readable);
    /// table.register_wait(&this.writable);
    /// # }
    /// ```
    pub fn register_wait(&mut self, cv: &'a CondVar) {
        // SAFETY: `file` and `table` are this call's (type invariant), and the queue lives until
        // `file` is released, after every poll and epoll entry on it is gone (type invariant).
        unsafe { bindings::poll_wait(self.file, cv.wait_queue(), self.table) };
    }
}

/// Readiness of a file, as `poll` reports it: `EPOLL*` bits.
///
/// ```
/// use kernel::poll::PollMask;
/// let mask = PollMask::IN | PollMask::RDNORM;
/// assert!(mask.contains(PollMask::IN) && !mask.contains(PollMask::OUT));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PollMask(bindings::__poll_t);

impl PollMask {
    /// There is data to read (`EPOLLIN`).
    ///
    /// ```
    /// assert_eq!(kernel::poll::PollMask::IN.bits(), kernel::bindings::EPOLLIN);
    /// ```
    pub const IN: PollMask = PollMask(bindings::EPOLLIN);
    /// Normal data can be read (`EPOLLRDNORM`); usually reported with [`PollMask::IN`].
    ///
    /// ```
    /// assert_eq!(kernel::poll::PollMask::RDNORM.bits(), kernel::bindings::EPOLLRDNORM);
    /// ```
    pub const RDNORM: PollMask = PollMask(bindings::EPOLLRDNORM);
    /// Writing would not block (`EPOLLOUT`).
    ///
    /// ```
    /// assert_eq!(kernel::poll::PollMask::OUT.bits(), kernel::bindings::EPOLLOUT);
    /// ```
    pub const OUT: PollMask = PollMask(bindings::EPOLLOUT);
    /// Normal data can be written (`EPOLLWRNORM`); usually reported with [`PollMask::OUT`].
    ///
    /// ```
    /// assert_eq!(kernel::poll::PollMask::WRNORM.bits(), kernel::bindings::EPOLLWRNORM);
    /// ```
    pub const WRNORM: PollMask = PollMask(bindings::EPOLLWRNORM);
    /// An error condition (`EPOLLERR`).
    ///
    /// ```
    /// assert_eq!(kernel::poll::PollMask::ERR.bits(), kernel::bindings::EPOLLERR);
    /// ```
    pub const ERR: PollMask = PollMask(bindings::EPOLLERR);
    /// The other end hung up (`EPOLLHUP`).
    ///
    /// ```
    /// assert_eq!(kernel::poll::PollMask::HUP.bits(), kernel::bindings::EPOLLHUP);
    /// ```
    pub const HUP: PollMask = PollMask(bindings::EPOLLHUP);

    /// Not ready for anything.
    ///
    /// ```
    /// assert_eq!(kernel::poll::PollMask::empty().bits(), 0);
    /// ```
    pub const fn empty() -> PollMask {
        PollMask(0)
    }

    /// Whether every bit of `other` is set.
    ///
    /// ```
    /// use kernel::poll::PollMask;
    /// assert!((PollMask::IN | PollMask::OUT).contains(PollMask::OUT));
    /// ```
    pub const fn contains(self, other: PollMask) -> bool {
        self.0 & other.0 == other.0
    }

    /// The raw `__poll_t` value, for C.
    ///
    /// ```
    /// use kernel::poll::PollMask;
    /// assert_eq!((PollMask::IN | PollMask::RDNORM).bits(), 0x41);
    /// ```
    pub const fn bits(self) -> bindings::__poll_t {
        self.0
    }
}

impl BitOr for PollMask {
    type Output = PollMask;

    fn bitor(self, other: PollMask) -> PollMask {
        PollMask(self.0 | other.0)
    }
}

impl BitOrAssign for PollMask {
    fn bitor_assign(&mut self, other: PollMask) {
        self.0 |= other.0;
    }
}
