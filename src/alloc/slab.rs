//! `kmalloc()` as C's inline compiles it: for a size and flags known at compile time, the slab
//! cache is chosen at compile time and the allocation is one call into it, with no lookup.
//!
//! The C inline (`include/linux/slab.h`) reads `kmalloc_caches[kmalloc_type(flags)]
//! [kmalloc_index(size)]` and calls `__kmalloc_cache_noprof()` (6.1's `kmalloc_trace()`) when
//! `__builtin_constant_p(size)`; otherwise, and for sizes above `KMALLOC_MAX_CACHE_SIZE`, it calls
//! `__kmalloc_noprof()`, which looks the cache up. [`kmalloc`] does the same with rustc's
//! equivalent of `__builtin_constant_p`, for the case every kernel line computes alike: flags
//! that select the normal caches, on configurations without randomly chosen or partitioned
//! caches and without allocation profiling (whose per-call-site tags only C's macro sets up).
//! Anything else goes to the C helper, that is to `kmalloc()` itself.

use crate::bindings;
use core::ffi::c_void;

/// Allocates `size` bytes with `flags`, as C's `kmalloc(size, flags)`.
///
/// # Safety
///
/// As for C's `kmalloc()`: `flags` allow what the calling context allows (no sleeping flags in
/// atomic context).
#[inline(always)]
pub(super) unsafe fn kmalloc(size: usize, flags: bindings::gfp_t) -> *mut c_void {
    #[cfg(all(
        target_os = "none",
        not(any(
            CONFIG_SLOB,
            CONFIG_RANDOM_KMALLOC_CACHES,
            CONFIG_KMALLOC_PARTITION_CACHES,
            CONFIG_MEM_ALLOC_PROFILING
        ))
    ))]
    // SAFETY: the caller's.
    if let Some(ptr) = unsafe { constant_size::kmalloc(size, flags) } {
        return ptr;
    }
    // SAFETY: the caller's.
    unsafe { bindings::kmalloc(size, flags) }
}

/// The inline's path, where the configuration has it the same on every kernel line (see above).
#[cfg(all(
    target_os = "none",
    not(any(
        CONFIG_SLOB,
        CONFIG_RANDOM_KMALLOC_CACHES,
        CONFIG_KMALLOC_PARTITION_CACHES,
        CONFIG_MEM_ALLOC_PROFILING
    ))
))]
mod constant_size {
    use super::kmalloc_index;
    use crate::bindings;
    use core::ffi::c_void;

    /// The largest size the kmalloc caches serve (`KMALLOC_MAX_CACHE_SIZE`).
    const MAX_CACHE_SIZE: usize = bindings::KMALLOC_MAX_CACHE_SIZE;

    /// The flags that select caches other than the normal ones (`KMALLOC_NOT_NORMAL_BITS` on
    /// every configuration is a subset of these).
    const NOT_NORMAL: bindings::gfp_t =
        bindings::__GFP_RECLAIMABLE | bindings::__GFP_DMA | bindings::__GFP_ACCOUNT;

    /// `KMALLOC_NORMAL`, the caches of unaccounted, unreclaimable allocations.
    const NORMAL: usize = bindings::KMALLOC_NORMAL as usize;

    /// Allocates from the cache of `size` if the optimiser knows `size` and `flags` here and
    /// they select a normal kmalloc cache; `None` otherwise.
    ///
    /// # Safety
    ///
    /// As for [`super::kmalloc`].
    #[inline(always)]
    pub(super) unsafe fn kmalloc(size: usize, flags: bindings::gfp_t) -> Option<*mut c_void> {
        if !(constant(size)
            && constant(flags)
            && size != 0
            && size <= MAX_CACHE_SIZE
            && flags & NOT_NORMAL == 0)
        {
            return None;
        }
        let index = kmalloc_index(size);
        // SAFETY: `kmalloc_caches` is set up before any module loads and not changed after;
        // `KMALLOC_NORMAL` and `index` (at most that of `KMALLOC_MAX_CACHE_SIZE`) are in bounds.
        let cache = unsafe { (*core::ptr::addr_of!(bindings::kmalloc_caches))[NORMAL][index] };
        // SAFETY: the cache of `size`'s class, as the inline picks it; the caller's flags.
        Some(unsafe { bindings::__kmalloc_cache_noprof(cache, flags, size) })
    }

    /// Whether the optimiser knows `value` here: C's `__builtin_constant_p()`.
    #[inline(always)]
    fn constant<T: Copy>(value: T) -> bool {
        // Safe in newer compilers, `unsafe` in older ones.
        #[allow(unused_unsafe)]
        // SAFETY: the intrinsic only answers a question about its argument.
        unsafe {
            core::intrinsics::is_val_statically_known(value)
        }
    }
}

/// The kmalloc cache of `size` bytes, `0 < size <= KMALLOC_MAX_CACHE_SIZE`: C's
/// `kmalloc_index()`. The caches hold powers of two from `KMALLOC_MIN_SIZE` up, and 96 and 192
/// bytes (indices 1 and 2) where the smallest cache is small enough for them to matter.
///
/// The kernel's own lookup agrees for every size (`kmalloc_size_roundup()` gives the size of
/// the cache it picks at run time):
///
/// ```ignore,kernel
/// use kernel::alloc::kmalloc_index;
/// use kernel::bindings::{kmalloc_size_roundup, KMALLOC_MAX_CACHE_SIZE};
///
/// let cache_size = |index| match index {
///     1 => 96,
///     2 => 192,
///     index => 1 << index,
/// };
/// for size in 1..=KMALLOC_MAX_CACHE_SIZE {
///     // SAFETY: `kmalloc_size_roundup()` only computes a size.
///     let kernel = unsafe { kmalloc_size_roundup(size) };
///     assert_eq!(cache_size(kmalloc_index(size)), kernel, "size {size}");
/// }
/// ```
#[inline(always)]
pub const fn kmalloc_index(size: usize) -> usize {
    let min = bindings::KMALLOC_MIN_SIZE;
    if size <= min {
        return bindings::KMALLOC_SHIFT_LOW as usize;
    }
    if min <= 32 && size > 64 && size <= 96 {
        return 1;
    }
    if min <= 64 && size > 128 && size <= 192 {
        return 2;
    }
    // The smallest power of two at least `size`.
    (usize::BITS - (size - 1).leading_zeros()) as usize
}
