//! The size of a memory page: [`PAGE_SIZE`] and its kin, as upstream's `kernel::page` has them.
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
