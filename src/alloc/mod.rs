//! Memory allocation: GFP flags, the kmalloc-backed allocator, and owned allocations.
//!
//! Allocation in the kernel can fail, and what it may do while it waits depends on the context
//! (`GFP_KERNEL` may sleep, `GFP_ATOMIC` may not). The primary interface therefore takes explicit
//! [`Flags`] and returns an error instead of panicking. The `alloc` crate is built without its
//! infallible allocations (`no_global_oom_handling`, as upstream builds it): `alloc::boxed::Box::new`
//! and `Vec::push` do not exist for modules, whose safe code then cannot reach a panic on
//! allocation failure. What remains of `alloc` (fallible reservations such as
//! `Vec::try_reserve`) allocates with `GFP_KERNEL` through the global allocator.
//!
//! ```ignore,kernel
//! use kernel::alloc::{flags::GFP_KERNEL, KBox, KVec};
//!
//! let boxed = KBox::new([0u64; 4], GFP_KERNEL)?;
//! let mut list = KVec::with_capacity(16, GFP_KERNEL)?;
//! list.push(boxed, GFP_KERNEL)?;
//! ```

mod allocator;
mod kbox;
mod kvec;

pub use allocator::{KernelAllocator, Kmalloc};
pub use kbox::KBox;
pub use kvec::KVec;

use crate::bindings;
use core::ops::{BitAnd, BitOr, Not};

/// The allocation failed: not enough memory for the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AllocError;

/// Allocation flags: the kernel's `gfp_t`.
///
/// ```
/// use kernel::alloc::flags::{GFP_KERNEL, __GFP_ZERO};
/// let zeroing = GFP_KERNEL | __GFP_ZERO;
/// assert!(zeroing.contains(__GFP_ZERO));
/// assert!(!GFP_KERNEL.contains(__GFP_ZERO));
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Flags(bindings::gfp_t);

impl Flags {
    /// The raw `gfp_t` value.
    pub fn as_raw(self) -> bindings::gfp_t {
        self.0
    }

    /// Whether all of `flags` are set in `self`.
    pub fn contains(self, flags: Flags) -> bool {
        self.0 & flags.0 == flags.0
    }
}

impl BitOr for Flags {
    type Output = Flags;
    fn bitor(self, rhs: Flags) -> Flags {
        Flags(self.0 | rhs.0)
    }
}

impl BitAnd for Flags {
    type Output = Flags;
    fn bitand(self, rhs: Flags) -> Flags {
        Flags(self.0 & rhs.0)
    }
}

impl Not for Flags {
    type Output = Flags;
    fn not(self) -> Flags {
        Flags(!self.0)
    }
}

/// The allocation flags, as the kernel defines them.
pub mod flags {
    use super::Flags;
    use crate::bindings;

    /// Normal allocation: may sleep, reclaim and do I/O. Process context only.
    pub const GFP_KERNEL: Flags = Flags(bindings::GFP_KERNEL);
    /// Like `GFP_KERNEL`, and charged to the memory cgroup of the current task.
    pub const GFP_KERNEL_ACCOUNT: Flags = Flags(bindings::GFP_KERNEL_ACCOUNT);
    /// Must not sleep; may use emergency reserves. For interrupt and atomic context.
    pub const GFP_ATOMIC: Flags = Flags(bindings::GFP_ATOMIC);
    /// Must not sleep and does not use emergency reserves.
    pub const GFP_NOWAIT: Flags = Flags(bindings::GFP_NOWAIT);
    /// Zero the allocated memory.
    pub const __GFP_ZERO: Flags = Flags(bindings::__GFP_ZERO);
    /// Do not warn in the kernel log when the allocation fails.
    pub const __GFP_NOWARN: Flags = Flags(bindings::__GFP_NOWARN);
}
