//! The kernel's allocators: [`Kmalloc`], [`Vmalloc`] and [`KVmalloc`], and the global allocator.
//!
//! See Documentation/core-api/memory-allocation.rst for which to choose: `kmalloc` for small,
//! physically contiguous objects, `vmalloc` for large buffers only the CPU touches, `kvmalloc` when
//! the size may be either.
//!
//! ```ignore,kernel
//! use kernel::alloc::allocator::{KVmalloc, Kmalloc, Vmalloc};
//! use kernel::alloc::Vec;
//!
//! let small: Vec<u8, Kmalloc> = Vec::from_elem(0, 64, GFP_KERNEL)?;
//! let large: Vec<u8, Vmalloc> = Vec::from_elem(0, 1 << 20, GFP_KERNEL)?;
//! let either: Vec<u8, KVmalloc> = Vec::from_elem(0, 1 << 20, GFP_KERNEL)?;
//! assert_eq!(small.len() + large.len(), 64 + either.len());
//! ```

use super::{AllocError, Allocator, Flags};
use crate::bindings;
use core::alloc::{GlobalAlloc, Layout};
use core::ptr::NonNull;

/// Allocation through `kmalloc`/`krealloc`/`kfree`, honouring any alignment up to a page.
///
/// Physically contiguous memory, for objects up to `KMALLOC_MAX_SIZE` (best kept small: a large
/// request needs as many free contiguous pages). Its inherent functions predate [`Allocator`]
/// and remain; the trait's `alloc` and `free` do the same.
///
/// ```ignore,kernel
/// use core::alloc::Layout;
/// use kernel::alloc::Kmalloc;
///
/// let layout = Layout::from_size_align(100, 128).map_err(|_| EINVAL)?;
/// let ptr = Kmalloc::alloc(layout, GFP_KERNEL)?;
/// assert_eq!(ptr.as_ptr() as usize % 128, 0);
/// // SAFETY: `ptr` was allocated by `Kmalloc` and is not used after this.
/// unsafe { Kmalloc::free(ptr) };
/// ```
pub struct Kmalloc;

/// Allocation through `vmalloc`/`vfree`: virtually contiguous, page-aligned memory.
///
/// For large buffers that only the CPU touches (not DMA), where physically contiguous pages may
/// be hard to find. Every allocation takes at least a page, and `vmalloc` may sleep: use flags
/// that allow sleeping, such as `GFP_KERNEL`. Alignments up to `PAGE_SIZE` are honoured, larger
/// ones refused. Resizing allocates anew and copies.
///
/// ```ignore,kernel
/// use kernel::alloc::allocator::Vmalloc;
/// use kernel::alloc::Vec;
///
/// let mut buf: Vec<u8, Vmalloc> = Vec::with_capacity(1 << 20, GFP_KERNEL)?;
/// buf.extend_from_slice(b"large", GFP_KERNEL)?;
/// assert_eq!(buf.as_ptr() as usize % kernel::bindings::PAGE_SIZE, 0);
/// ```
pub struct Vmalloc;

/// Allocation through `kvmalloc`/`kvfree`: `kmalloc` first, `vmalloc` when that fails.
///
/// For sizes that may be large but usually are not. The fallback to `vmalloc` happens only with
/// flags that allow sleeping (`GFP_KERNEL`); with others, it is `kmalloc` alone. Alignments up to
/// `PAGE_SIZE` are honoured, as by [`Kmalloc`], larger ones refused. Resizing allocates anew and
/// copies.
///
/// ```ignore,kernel
/// use kernel::alloc::allocator::KVmalloc;
/// use kernel::alloc::Vec;
///
/// let table: Vec<u64, KVmalloc> = Vec::from_elem(0, 1 << 17, GFP_KERNEL)?;
/// assert!(table.iter().all(|&x| x == 0));
/// ```
pub struct KVmalloc;

/// The size to ask `kmalloc` for so that the result is aligned for `layout`.
///
/// `kmalloc` aligns every object to `ARCH_KMALLOC_MINALIGN`, and objects whose size is a power
/// of two to that size (Documentation/core-api/memory-allocation.rst). A stricter alignment is
/// therefore met by rounding the size up to a power of two no smaller than the alignment.
fn kmalloc_size(layout: Layout) -> Option<usize> {
    let size = layout.size().max(1);
    if layout.align() <= bindings::ARCH_KMALLOC_MINALIGN {
        return Some(size);
    }
    if layout.align() > bindings::PAGE_SIZE {
        return None;
    }
    size.max(layout.align()).checked_next_power_of_two()
}

impl Kmalloc {
    /// Allocates memory for `layout`.
    ///
    /// ```ignore,kernel
    /// use core::alloc::Layout;
    /// use kernel::alloc::Kmalloc;
    ///
    /// let ptr = Kmalloc::alloc(Layout::new::<[u32; 8]>(), GFP_KERNEL | __GFP_ZERO)?;
    /// // SAFETY: the allocation holds eight `u32`s, zeroed; it is freed once and not used after.
    /// unsafe {
    ///     assert_eq!(ptr.cast::<[u32; 8]>().read(), [0; 8]);
    ///     Kmalloc::free(ptr);
    /// }
    /// ```
    pub fn alloc(layout: Layout, flags: Flags) -> Result<NonNull<u8>, AllocError> {
        let size = kmalloc_size(layout).ok_or(AllocError)?;
        // SAFETY: `kmalloc` may be called with any size and flags; it fails with null. (Not
        // `krealloc` of null, which gets there too, but through more calls and checks.)
        let ptr = unsafe { super::slab::kmalloc(size, flags.as_raw()) };
        NonNull::new(ptr.cast()).ok_or(AllocError)
    }

    /// Resizes an allocation to `layout` (or allocates one if `ptr` is null), keeping its
    /// contents up to the smaller size. On failure the old allocation is left untouched.
    ///
    /// ```ignore,kernel
    /// use core::alloc::Layout;
    /// use kernel::alloc::Kmalloc;
    ///
    /// let ptr = Kmalloc::alloc(Layout::new::<u8>(), GFP_KERNEL)?;
    /// // SAFETY: `ptr` is a live `Kmalloc` allocation with `u8`'s alignment, as is the new layout.
    /// let ptr = unsafe { Kmalloc::realloc(ptr.as_ptr(), Layout::new::<[u8; 256]>(), GFP_KERNEL)? };
    /// // SAFETY: `ptr` was allocated by `Kmalloc` and is not used after this.
    /// unsafe { Kmalloc::free(ptr) };
    /// ```
    ///
    /// # Safety
    ///
    /// `ptr` is null or was returned by this allocator and not freed since; it was allocated
    /// with the same alignment as `layout`.
    pub unsafe fn realloc(ptr: *mut u8, layout: Layout, flags: Flags) -> Result<NonNull<u8>, AllocError> {
        let size = kmalloc_size(layout).ok_or(AllocError)?;
        // SAFETY: `ptr` is null or a live allocation of this allocator (the caller's contract),
        // which is exactly what `krealloc` accepts.
        let new = unsafe { bindings::krealloc(ptr.cast(), size, flags.as_raw()) };
        NonNull::new(new.cast()).ok_or(AllocError)
    }

    /// Frees an allocation.
    ///
    /// ```ignore,kernel
    /// use core::alloc::Layout;
    /// use kernel::alloc::Kmalloc;
    ///
    /// let ptr = Kmalloc::alloc(Layout::new::<u64>(), GFP_KERNEL)?;
    /// // SAFETY: `ptr` was allocated by `Kmalloc` and is not used after this.
    /// unsafe { Kmalloc::free(ptr) };
    /// ```
    ///
    /// # Safety
    ///
    /// `ptr` was returned by this allocator and is not used after this call.
    pub unsafe fn free(ptr: NonNull<u8>) {
        // SAFETY: the caller guarantees `ptr` is a live allocation of this allocator.
        unsafe { bindings::kfree(ptr.as_ptr().cast()) };
    }
}

// SAFETY: `kmalloc` and `krealloc` return memory of at least the size asked for, aligned for
// `layout` by `kmalloc_size`; `krealloc` keeps the contents up to the smaller size and leaves the
// old allocation alone when it fails; `krealloc` and `kfree` take any `kmalloc` allocation.
unsafe impl Allocator for Kmalloc {
    fn alloc(layout: Layout, flags: Flags) -> Result<NonNull<u8>, AllocError> {
        // The inherent function (inherent items take precedence over the trait's).
        Kmalloc::alloc(layout, flags)
    }

    unsafe fn realloc(
        ptr: Option<NonNull<u8>>,
        layout: Layout,
        _old_layout: Layout,
        flags: Flags,
    ) -> Result<NonNull<u8>, AllocError> {
        let ptr = ptr.map_or(core::ptr::null_mut(), NonNull::as_ptr);
        // SAFETY: `ptr` is null or a live allocation of `Kmalloc` with the alignment of `layout`
        // (the caller's contract).
        unsafe { Kmalloc::realloc(ptr, layout, flags) }
    }

    unsafe fn free(ptr: NonNull<u8>, _layout: Layout) {
        // SAFETY: `ptr` is a live allocation of `Kmalloc`, not used after this (the caller's
        // contract).
        unsafe { Kmalloc::free(ptr) };
    }
}

/// Resizes by allocating anew with `A`, copying what both sizes hold, and freeing the old
/// allocation: for backends whose in-place resize is not the same function on every kernel
/// (`kvrealloc` changed its parameters in 6.12, `vrealloc` appeared in 6.12).
///
/// # Safety
///
/// The contract of [`Allocator::realloc`]; and `A::alloc` does not call this function.
unsafe fn realloc_by_copy<A: Allocator>(
    ptr: Option<NonNull<u8>>,
    layout: Layout,
    old_layout: Layout,
    flags: Flags,
) -> Result<NonNull<u8>, AllocError> {
    let new = A::alloc(layout, flags)?;
    if let Some(old) = ptr {
        // SAFETY: `old` is valid for `old_layout.size()` bytes (the caller's contract), `new` for
        // `layout.size()`; a fresh allocation does not overlap a live one.
        unsafe {
            core::ptr::copy_nonoverlapping(old.as_ptr(), new.as_ptr(), old_layout.size().min(layout.size()))
        };
        // SAFETY: `old` is a live allocation of `A` of `old_layout`, which the caller no longer
        // uses once this succeeds.
        unsafe { A::free(old, old_layout) };
    }
    Ok(new)
}

// SAFETY: `__vmalloc` returns page-aligned memory of at least the size asked for (alignments
// above a page are refused); `realloc_by_copy` copies the kept bytes and frees the old allocation
// only once the new one exists; `vfree` takes any `vmalloc` allocation.
unsafe impl Allocator for Vmalloc {
    fn alloc(layout: Layout, flags: Flags) -> Result<NonNull<u8>, AllocError> {
        if layout.align() > bindings::PAGE_SIZE {
            return Err(AllocError);
        }
        // `vmalloc` fails a zero size; one byte takes a page like any small size.
        let size = layout.size().max(1);
        // SAFETY: `__vmalloc` may be called with any size and flags; it fails with null.
        let ptr = unsafe { bindings::__vmalloc(size as _, flags.as_raw()) };
        NonNull::new(ptr.cast()).ok_or(AllocError)
    }

    unsafe fn realloc(
        ptr: Option<NonNull<u8>>,
        layout: Layout,
        old_layout: Layout,
        flags: Flags,
    ) -> Result<NonNull<u8>, AllocError> {
        // SAFETY: the caller's contract is `realloc_by_copy`'s; `Vmalloc::alloc` does not call it.
        unsafe { realloc_by_copy::<Vmalloc>(ptr, layout, old_layout, flags) }
    }

    unsafe fn free(ptr: NonNull<u8>, _layout: Layout) {
        // SAFETY: `ptr` is a live `vmalloc` allocation, not used after this (the caller's
        // contract).
        unsafe { bindings::vfree(ptr.as_ptr().cast()) };
    }
}

// SAFETY: `kvmalloc` returns memory of at least the size asked for, from `kmalloc` (aligned for
// `layout` by `kmalloc_size`, as for `Kmalloc`) or from `vmalloc` (page-aligned; alignments above
// a page are refused); `realloc_by_copy` copies the kept bytes and frees the old allocation only
// once the new one exists; `kvfree` takes any allocation of either.
unsafe impl Allocator for KVmalloc {
    fn alloc(layout: Layout, flags: Flags) -> Result<NonNull<u8>, AllocError> {
        let size = kmalloc_size(layout).ok_or(AllocError)?;
        // SAFETY: `kvmalloc` may be called with any size and flags; it fails with null.
        let ptr = unsafe { bindings::kvmalloc(size, flags.as_raw()) };
        NonNull::new(ptr.cast()).ok_or(AllocError)
    }

    unsafe fn realloc(
        ptr: Option<NonNull<u8>>,
        layout: Layout,
        old_layout: Layout,
        flags: Flags,
    ) -> Result<NonNull<u8>, AllocError> {
        // SAFETY: the caller's contract is `realloc_by_copy`'s; `KVmalloc::alloc` does not call it.
        unsafe { realloc_by_copy::<KVmalloc>(ptr, layout, old_layout, flags) }
    }

    unsafe fn free(ptr: NonNull<u8>, _layout: Layout) {
        // SAFETY: `ptr` is a live `kvmalloc` allocation, not used after this (the caller's
        // contract).
        unsafe { bindings::kvfree(ptr.as_ptr().cast()) };
    }
}

/// The global allocator behind the `alloc` crate: [`Kmalloc`] with `GFP_KERNEL`.
///
/// It may sleep, so what remains of `alloc` (built without its infallible allocations) belongs
/// to process context; elsewhere use the explicit-flags API.
pub struct KernelAllocator;

// SAFETY: `Kmalloc` returns memory valid for the requested layout, or null on failure, and frees
// only what it allocated; `realloc` keeps the contents as `GlobalAlloc` requires.
unsafe impl GlobalAlloc for KernelAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        Kmalloc::alloc(layout, super::flags::GFP_KERNEL).map_or(core::ptr::null_mut(), NonNull::as_ptr)
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let flags = super::flags::GFP_KERNEL | super::flags::__GFP_ZERO;
        Kmalloc::alloc(layout, flags).map_or(core::ptr::null_mut(), NonNull::as_ptr)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        if let Some(ptr) = NonNull::new(ptr) {
            // SAFETY: `GlobalAlloc` callers pass only pointers this allocator returned.
            unsafe { Kmalloc::free(ptr) };
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let Ok(new_layout) = Layout::from_size_align(new_size, layout.align()) else {
            return core::ptr::null_mut();
        };
        // SAFETY: `ptr` was allocated by this allocator with `layout.align()`.
        unsafe { Kmalloc::realloc(ptr, new_layout, super::flags::GFP_KERNEL) }
            .map_or(core::ptr::null_mut(), NonNull::as_ptr)
    }
}

#[cfg(target_os = "none")]
#[global_allocator]
static ALLOCATOR: KernelAllocator = KernelAllocator;
