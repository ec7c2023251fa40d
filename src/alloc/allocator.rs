//! The kmalloc-backed allocator.

use super::{AllocError, Flags};
use crate::bindings;
use core::alloc::{GlobalAlloc, Layout};
use core::ptr::NonNull;

/// Allocation through `kmalloc`/`krealloc`/`kfree`, honouring any alignment up to a page.
pub struct Kmalloc;

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
    pub fn alloc(layout: Layout, flags: Flags) -> Result<NonNull<u8>, AllocError> {
        let size = kmalloc_size(layout).ok_or(AllocError)?;
        // SAFETY: `kmalloc` may be called with any size and flags; it fails with null. (Not
        // `krealloc` of null, which gets there too, but through more calls and checks.)
        let ptr = unsafe { bindings::kmalloc(size, flags.as_raw()) };
        NonNull::new(ptr.cast()).ok_or(AllocError)
    }

    /// Resizes an allocation to `layout` (or allocates one if `ptr` is null), keeping its
    /// contents up to the smaller size. On failure the old allocation is left untouched.
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
    /// # Safety
    ///
    /// `ptr` was returned by this allocator and is not used after this call.
    pub unsafe fn free(ptr: NonNull<u8>) {
        // SAFETY: the caller guarantees `ptr` is a live allocation of this allocator.
        unsafe { bindings::kfree(ptr.as_ptr().cast()) };
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
