//! Memory allocation: GFP flags, the kernel's allocators, and owned allocations.
//!
//! Allocation in the kernel can fail, and what it may do while it waits depends on the context
//! (`GFP_KERNEL` may sleep, `GFP_ATOMIC` may not). The primary interface therefore takes explicit
//! [`Flags`] and returns an error instead of panicking. The `alloc` crate is built without its
//! infallible allocations (`no_global_oom_handling`, as upstream builds it): `alloc::boxed::Box::new`
//! and `Vec::push` do not exist for modules, whose safe code then cannot reach a panic on
//! allocation failure. What remains of `alloc` (fallible reservations such as
//! `Vec::try_reserve`) allocates with `GFP_KERNEL` through the global allocator.
//!
//! [`Vec`] is generic over an [`Allocator`]: [`Kmalloc`] (physically contiguous, [`KVec`]),
//! [`Vmalloc`] (virtually contiguous, for large buffers, [`VVec`]) or [`KVmalloc`] (`kmalloc`,
//! falling back to `vmalloc`, [`KVVec`]).
//!
//! ```ignore,kernel
//! use kernel::alloc::{flags::GFP_KERNEL, KBox, KVVec, KVec};
//!
//! let boxed = KBox::new([0u64; 4], GFP_KERNEL)?;
//! let mut list = KVec::with_capacity(16, GFP_KERNEL)?;
//! list.push(boxed, GFP_KERNEL)?;
//! let table = KVVec::from_elem(0u32, 1 << 16, GFP_KERNEL)?;
//! assert_eq!(table.len(), 1 << 16);
//! ```

pub mod allocator;
mod kbox;
mod kvec;
mod slab;

pub use allocator::{KVmalloc, KernelAllocator, Kmalloc, Vmalloc};
pub use kbox::KBox;
pub use kvec::{KVVec, KVec, VVec, Vec};
// For its doc example, which checks it against the kernel's own lookup; not an API.
#[doc(hidden)]
pub use slab::kmalloc_index;

use crate::bindings;
use core::alloc::Layout;
use core::ops::{BitAnd, BitOr, Not};
use core::ptr::NonNull;

/// The allocation failed: not enough memory for the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AllocError;

/// A kernel memory allocator taking explicit [`Flags`]: what [`Vec`] allocates through.
///
/// An allocator is a type, not a value ([`Kmalloc`], [`Vmalloc`], [`KVmalloc`]): its functions
/// are associated functions, and a container names the allocator as a type parameter. Every
/// allocation, even of size zero, is a real one (of at least a byte) to be freed.
///
/// ```ignore,kernel
/// use core::alloc::Layout;
/// use kernel::alloc::{Allocator, Vmalloc};
///
/// let layout = Layout::new::<[u64; 1024]>();
/// let ptr = Vmalloc::alloc(layout, GFP_KERNEL | __GFP_ZERO)?;
/// // SAFETY: `ptr` was allocated by `Vmalloc` with `layout` and is not used after this.
/// unsafe { Vmalloc::free(ptr, layout) };
/// ```
///
/// # Safety
///
/// Implementations guarantee that:
/// - the memory `alloc` and `realloc` return is valid for reads and writes of `layout.size()`
///   bytes and aligned to `layout.align()`, until it is passed to `realloc` or `free`;
/// - `realloc` keeps the first `min(old_layout.size(), layout.size())` bytes and, when it fails,
///   leaves the old allocation valid and unchanged;
/// - `realloc` and `free` accept every allocation of this allocator not freed since.
pub unsafe trait Allocator {
    /// Allocates memory for `layout`, or fails with [`AllocError`].
    ///
    /// ```ignore,kernel
    /// use core::alloc::Layout;
    /// use kernel::alloc::{Allocator, KVmalloc};
    ///
    /// let layout = Layout::from_size_align(8192, 64).map_err(|_| EINVAL)?;
    /// let ptr = KVmalloc::alloc(layout, GFP_KERNEL)?;
    /// assert_eq!(ptr.as_ptr() as usize % 64, 0);
    /// // SAFETY: `ptr` was allocated by `KVmalloc` with `layout` and is not used after this.
    /// unsafe { KVmalloc::free(ptr, layout) };
    /// ```
    fn alloc(layout: Layout, flags: Flags) -> Result<NonNull<u8>, AllocError>;

    /// Resizes the allocation `ptr` of `old_layout` to `layout` (allocates when `ptr` is `None`),
    /// keeping its contents up to the smaller size; the result may be at another address.
    ///
    /// ```ignore,kernel
    /// use core::alloc::Layout;
    /// use kernel::alloc::{Allocator, Vmalloc};
    ///
    /// let small = Layout::array::<u32>(4).map_err(|_| EINVAL)?;
    /// let large = Layout::array::<u32>(4096).map_err(|_| EINVAL)?;
    /// let ptr = Vmalloc::alloc(small, GFP_KERNEL)?;
    /// // SAFETY: `ptr` is valid for `small`, which holds four `u32`s.
    /// unsafe { ptr.cast::<u32>().write(7) };
    /// // SAFETY: `ptr` is a live `Vmalloc` allocation of `small`, not used after this call.
    /// let ptr = unsafe { Vmalloc::realloc(Some(ptr), large, small, GFP_KERNEL)? };
    /// // SAFETY: the first `u32` was kept; `ptr` is a `Vmalloc` allocation of `large`.
    /// unsafe {
    ///     assert_eq!(ptr.cast::<u32>().read(), 7);
    ///     Vmalloc::free(ptr, large);
    /// }
    /// ```
    ///
    /// # Safety
    ///
    /// `ptr` is `None`, or an allocation of this allocator not freed since, allocated or last
    /// resized with `old_layout`; `layout.align()` equals `old_layout.align()`. On success the
    /// old allocation must no longer be used (only the returned one).
    unsafe fn realloc(
        ptr: Option<NonNull<u8>>,
        layout: Layout,
        old_layout: Layout,
        flags: Flags,
    ) -> Result<NonNull<u8>, AllocError>;

    /// Frees the allocation `ptr` of `layout`.
    ///
    /// ```ignore,kernel
    /// use core::alloc::Layout;
    /// use kernel::alloc::{Allocator, Kmalloc};
    ///
    /// let layout = Layout::new::<u64>();
    /// let ptr = <Kmalloc as Allocator>::alloc(layout, GFP_KERNEL)?;
    /// // SAFETY: `ptr` was allocated by `Kmalloc` with `layout` and is not used after this.
    /// unsafe { <Kmalloc as Allocator>::free(ptr, layout) };
    /// ```
    ///
    /// # Safety
    ///
    /// `ptr` is an allocation of this allocator not freed since, allocated or last resized with
    /// `layout`, and is not used after this call.
    unsafe fn free(ptr: NonNull<u8>, layout: Layout);
}

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
