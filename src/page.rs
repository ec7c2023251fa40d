//! Memory pages: [`Page`], and their size, [`PAGE_SIZE`] and its kin, as upstream's
//! `kernel::page` has them.
//!
//! ```
//! use kernel::page::{page_align, PAGE_MASK, PAGE_SHIFT, PAGE_SIZE};
//! assert_eq!(PAGE_SIZE, 1 << PAGE_SHIFT);
//! assert_eq!(page_align(1), Some(PAGE_SIZE));
//! assert_eq!(page_align(PAGE_SIZE), Some(PAGE_SIZE));
//! assert_eq!(page_align(usize::MAX), None);
//! assert_eq!((3 * PAGE_SIZE + 5) & PAGE_MASK, 3 * PAGE_SIZE);
//! ```

use crate::bindings;
use crate::error::{code::EINVAL, Error, Result};
use crate::uaccess::UserSliceReader;
use core::mem::MaybeUninit;

/// log2 of [`PAGE_SIZE`].
pub const PAGE_SHIFT: usize = bindings::PAGE_SHIFT as usize;

/// The size of a page, in bytes (the architecture's base page: 4 KiB on x86-64, the kernel's
/// configured one on arm64).
pub const PAGE_SIZE: usize = bindings::PAGE_SIZE;

/// The bits of an address above its offset in its page.
pub const PAGE_MASK: usize = !(PAGE_SIZE - 1);

/// `addr` rounded up to a page boundary (C's `PAGE_ALIGN()`); `None` past `usize::MAX`.
pub const fn page_align(addr: usize) -> Option<usize> {
    match addr.checked_add(PAGE_SIZE - 1) {
        Some(end) => Some(end & PAGE_MASK),
        None => None,
    }
}

/// One page of memory the kernel allocated (`alloc_page()`), freed when dropped.
///
/// Its contents are accessed through raw pointers: a page given to user space (mapped into a
/// process, [`VmaMixedMap::vm_insert_page`](crate::mm::virt::VmaMixedMap::vm_insert_page)) can
/// change under the kernel at any time, so no Rust reference to its bytes may exist.
///
/// ```ignore,kernel
/// use kernel::page::{Page, PAGE_SIZE};
/// let page = Page::alloc_page(GFP_KERNEL | __GFP_ZERO)?;
/// let mut bytes = [1u8; 4];
/// // SAFETY: `bytes` is valid for writes of 4 bytes, and no one else has the page.
/// unsafe { page.read_raw(bytes.as_mut_ptr(), PAGE_SIZE - 4, 4)? };
/// assert_eq!(bytes, [0; 4]);
/// ```
///
/// # Invariants
///
/// `page` is a page of order 0 from `alloc_pages()`, owned by this value.
pub struct Page {
    page: core::ptr::NonNull<bindings::page>,
}

// SAFETY: a page may be used and freed from any thread.
unsafe impl Send for Page {}
// SAFETY: `&Page` allows only reads and writes through raw pointers, whose callers guarantee the
// absence of data races.
unsafe impl Sync for Page {}

impl Page {
    /// Allocates a page with `flags` (`__GFP_ZERO` for a zeroed one).
    pub fn alloc_page(flags: crate::alloc::Flags) -> Result<Self, crate::alloc::AllocError> {
        // SAFETY: any flags may be passed; order 0 is one page.
        let page = unsafe { bindings::alloc_pages(flags.as_raw(), 0) };
        // INVARIANT: a page from `alloc_pages()`, order 0.
        Ok(Page { page: core::ptr::NonNull::new(page).ok_or(crate::alloc::AllocError)? })
    }

    /// The C `struct page`.
    pub fn as_ptr(&self) -> *mut bindings::page {
        self.page.as_ptr()
    }

    /// The NUMA node the page is on.
    pub fn nid(&self) -> i32 {
        // SAFETY: the page is valid (type invariant).
        unsafe { bindings::page_to_nid(self.as_ptr()) }
    }

    /// Runs `f` with a pointer to `len` bytes of the page from `offset`, mapped meanwhile;
    /// `EINVAL` if they are not all in the page.
    fn with_bytes<T>(&self, offset: usize, len: usize, f: impl FnOnce(*mut u8) -> T) -> Result<T, Error> {
        if offset.checked_add(len).is_none_or(|end| end > PAGE_SIZE) {
            return Err(EINVAL);
        }
        // SAFETY: the page is valid (type invariant); `kunmap_local` below undoes the mapping,
        // on this thread, before anything else is mapped.
        let base = unsafe { bindings::kmap_local_page(self.as_ptr()) }.cast::<u8>();
        // SAFETY: `offset + len` is within the page, which is mapped at `base`.
        let result = f(unsafe { base.add(offset) });
        // SAFETY: `base` is what `kmap_local_page` returned, the last mapping made here.
        unsafe { bindings::kunmap_local(base.cast()) };
        Ok(result)
    }

    /// Copies `len` bytes of the page from `offset` to `dst`; `EINVAL` past the page's end.
    ///
    /// # Safety
    ///
    /// `dst` is valid for writes of `len` bytes, and no one writes those bytes of the page
    /// meanwhile.
    pub unsafe fn read_raw(&self, dst: *mut u8, offset: usize, len: usize) -> Result {
        // SAFETY: `src` points to `len` bytes of the page, `dst` is valid (the caller's
        // contract); they do not overlap (the page is not `dst`'s memory: only this value owns it).
        self.with_bytes(offset, len, |src| unsafe { core::ptr::copy_nonoverlapping(src, dst, len) })
    }

    /// Copies `len` bytes from `src` to the page from `offset`; `EINVAL` past the page's end.
    ///
    /// # Safety
    ///
    /// `src` is valid for reads of `len` bytes, and no one reads or writes those bytes of the
    /// page meanwhile.
    pub unsafe fn write_raw(&self, src: *const u8, offset: usize, len: usize) -> Result {
        // SAFETY: as in `read_raw`, the other way round.
        self.with_bytes(offset, len, |dst| unsafe { core::ptr::copy_nonoverlapping(src, dst, len) })
    }

    /// Zeroes `len` bytes of the page from `offset`; `EINVAL` past the page's end.
    ///
    /// # Safety
    ///
    /// No one reads or writes those bytes of the page meanwhile.
    pub unsafe fn fill_zero_raw(&self, offset: usize, len: usize) -> Result {
        // SAFETY: `dst` points to `len` bytes of the page, not accessed by others (the caller's
        // contract).
        self.with_bytes(offset, len, |dst| unsafe { core::ptr::write_bytes(dst, 0, len) })
    }

    /// Copies `len` bytes from `reader` to the page from `offset`: `EINVAL` past the page's end,
    /// `EFAULT` where user memory cannot be read (the page may then hold part of it).
    ///
    /// # Safety
    ///
    /// No one reads or writes those bytes of the page meanwhile (user memory may change as it is
    /// read: it is read once).
    pub unsafe fn copy_from_user_slice_raw(
        &self,
        reader: &mut UserSliceReader,
        offset: usize,
        len: usize,
    ) -> Result {
        self.with_bytes(offset, len, |dst| {
            // SAFETY: `dst` points to `len` bytes of the page, which no one else accesses (the
            // caller's contract); `MaybeUninit<u8>` is laid out as `u8`.
            reader.read_raw(unsafe { core::slice::from_raw_parts_mut(dst.cast::<MaybeUninit<u8>>(), len) })
        })?
    }
}

impl Drop for Page {
    fn drop(&mut self) {
        // SAFETY: the page came from `alloc_pages()` with order 0 and is owned here (type
        // invariant); a mapping into user space holds a reference of its own.
        unsafe { bindings::__free_pages(self.as_ptr(), 0) };
    }
}
