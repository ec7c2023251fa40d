//! Memory mappings (`struct vm_area_struct`, VMAs), as a driver's `mmap` sees them: [`VmaNew`],
//! a mapping being set up, [`VmaMixedMap`], one pages can be inserted into, and [`VmaRef`], what
//! both allow reading.
//!
//! ```ignore,kernel,no_run
//! use kernel::mm::virt::VmaNew;
//! use kernel::page::Page;
//! # fn example(vma: &VmaNew, page: &Page) -> Result {
//! // A read-only mapping of one page, which the process may not make writable later.
//! vma.try_clear_maywrite()?;
//! vma.set_dontexpand();
//! vma.set_mixedmap().vm_insert_page(vma.start(), page)?;
//! # Ok(())
//! # }
//! ```

use crate::bindings;
use crate::error::{code::EINVAL, to_result, Result};
use crate::page::Page;
use crate::types::Opaque;
use core::ops::Deref;

/// The flags of a mapping (`vm_flags_t`).
pub type VmFlags = bindings::vm_flags_t;

/// The `VM_*` flags, as upstream's `kernel::mm::virt::flags`.
pub mod flags {
    use super::VmFlags;
    use crate::bindings;

    /// Readable.
    pub const READ: VmFlags = bindings::VM_READ;
    /// Writable.
    pub const WRITE: VmFlags = bindings::VM_WRITE;
    /// Executable.
    pub const EXEC: VmFlags = bindings::VM_EXEC;
    /// Shared with the other processes mapping it (writes go to the object).
    pub const SHARED: VmFlags = bindings::VM_SHARED;
    /// May be made readable (`mprotect()`).
    pub const MAYREAD: VmFlags = bindings::VM_MAYREAD;
    /// May be made writable.
    pub const MAYWRITE: VmFlags = bindings::VM_MAYWRITE;
    /// May be made executable.
    pub const MAYEXEC: VmFlags = bindings::VM_MAYEXEC;
    /// May be shared.
    pub const MAYSHARE: VmFlags = bindings::VM_MAYSHARE;
    /// Maps page frames without `struct page`.
    pub const PFNMAP: VmFlags = bindings::VM_PFNMAP;
    /// Memory-mapped I/O.
    pub const IO: VmFlags = bindings::VM_IO;
    /// Not copied on `fork()`.
    pub const DONTCOPY: VmFlags = bindings::VM_DONTCOPY;
    /// Cannot grow with `mremap()`.
    pub const DONTEXPAND: VmFlags = bindings::VM_DONTEXPAND;
    /// Left out of core dumps.
    pub const DONTDUMP: VmFlags = bindings::VM_DONTDUMP;
    /// Pages and page frames may be inserted (`vm_insert_page()`).
    pub const MIXEDMAP: VmFlags = bindings::VM_MIXEDMAP;
}

/// A mapping, for reading its range and flags.
///
/// # Invariants
///
/// The mapping is valid and its mm's mmap lock is held (at least for reading) while borrowed.
#[repr(transparent)]
pub struct VmaRef {
    vma: Opaque<bindings::vm_area_struct>,
}

impl VmaRef {
    /// The C `struct vm_area_struct`.
    pub fn as_ptr(&self) -> *mut bindings::vm_area_struct {
        self.vma.get()
    }

    /// Reads a field of the opaque C type at `offset`.
    fn field<T: Copy>(&self, offset: usize) -> T {
        // SAFETY: `offset` is that of a field of type `T` (one of the `VMA_*_OFFSET`s), in a valid
        // mapping whose fields do not change while the mmap lock is held (type invariant).
        unsafe { self.as_ptr().cast::<u8>().add(offset).cast::<T>().read() }
    }

    /// The mapping's flags.
    pub fn flags(&self) -> VmFlags {
        self.field(bindings::VMA_FLAGS_OFFSET)
    }

    /// The first address of the mapping.
    pub fn start(&self) -> usize {
        self.field::<core::ffi::c_ulong>(bindings::VMA_START_OFFSET) as usize
    }

    /// The address just past the mapping.
    pub fn end(&self) -> usize {
        self.field::<core::ffi::c_ulong>(bindings::VMA_END_OFFSET) as usize
    }

    /// The mapping as one with [`flags::MIXEDMAP`], if it has it.
    pub fn as_mixedmap_vma(&self) -> Option<&VmaMixedMap> {
        if self.flags() & flags::MIXEDMAP != 0 {
            // SAFETY: `VmaMixedMap` is a transparent `VmaRef` whose mapping has `VM_MIXEDMAP`.
            Some(unsafe { &*core::ptr::from_ref(self).cast::<VmaMixedMap>() })
        } else {
            None
        }
    }
}

/// A mapping with [`flags::MIXEDMAP`]: pages can be inserted into it.
///
/// # Invariants
///
/// As for [`VmaRef`], and the mapping has `VM_MIXEDMAP` (without `VM_PFNMAP`).
#[repr(transparent)]
pub struct VmaMixedMap {
    vma: VmaRef,
}

impl Deref for VmaMixedMap {
    type Target = VmaRef;

    fn deref(&self) -> &VmaRef {
        &self.vma
    }
}

impl VmaMixedMap {
    /// Maps `page` at `address` of the mapping (`vm_insert_page()`); the mapping holds a
    /// reference to the page, so the `Page` may be dropped afterwards.
    pub fn vm_insert_page(&self, address: usize, page: &Page) -> Result {
        // SAFETY: the mapping is valid, with `VM_MIXEDMAP` and its mmap lock held (type
        // invariant); the page is a valid, allocated page, which the kernel references while
        // mapped. The address is checked by `vm_insert_page()`.
        to_result(unsafe { bindings::vm_insert_page(self.as_ptr(), address as _, page.as_ptr()) })
    }
}

/// A mapping being set up by a driver's `mmap`: its flags may still change.
///
/// # Invariants
///
/// As for [`VmaRef`], with the mmap lock held for writing, in the `mmap` file operation, before
/// the mapping is visible to anyone else.
#[repr(transparent)]
pub struct VmaNew {
    vma: VmaRef,
}

impl Deref for VmaNew {
    type Target = VmaRef;

    fn deref(&self) -> &VmaRef {
        &self.vma
    }
}

impl VmaNew {
    /// The mapping an `mmap` file operation is setting up.
    ///
    /// # Safety
    ///
    /// `vma` is the mapping passed to the `mmap` file operation, which is running, and `'a` ends
    /// before it returns.
    pub unsafe fn from_raw<'a>(vma: *mut bindings::vm_area_struct) -> &'a Self {
        // SAFETY: `VmaNew` is a transparent wrapper of the C type; the invariant is the caller's
        // contract.
        unsafe { &*vma.cast::<VmaNew>() }
    }

    fn set(&self, set: VmFlags) {
        // SAFETY: the mapping is being set up under the mmap lock held for writing (type
        // invariant), when its flags may change.
        unsafe { bindings::vm_flags_set(self.as_ptr(), set) }
    }

    fn clear(&self, clear: VmFlags) {
        // SAFETY: as in `set`.
        unsafe { bindings::vm_flags_clear(self.as_ptr(), clear) }
    }

    /// Sets [`flags::MIXEDMAP`], for inserting pages.
    pub fn set_mixedmap(&self) -> &VmaMixedMap {
        self.set(flags::MIXEDMAP);
        // SAFETY: the mapping has `VM_MIXEDMAP` now; a mapping an `mmap` operation is given has
        // no `VM_PFNMAP` unless that operation sets it, and this type never does.
        unsafe { &*core::ptr::from_ref(self).cast::<VmaMixedMap>() }
    }

    /// Sets [`flags::IO`].
    pub fn set_io(&self) {
        self.set(flags::IO)
    }

    /// Sets [`flags::DONTEXPAND`].
    pub fn set_dontexpand(&self) {
        self.set(flags::DONTEXPAND)
    }

    /// Sets [`flags::DONTCOPY`].
    pub fn set_dontcopy(&self) {
        self.set(flags::DONTCOPY)
    }

    /// Sets [`flags::DONTDUMP`].
    pub fn set_dontdump(&self) {
        self.set(flags::DONTDUMP)
    }

    /// Whether the mapping is readable.
    pub fn readable(&self) -> bool {
        self.flags() & flags::READ != 0
    }

    /// Whether the mapping is writable.
    pub fn writable(&self) -> bool {
        self.flags() & flags::WRITE != 0
    }

    /// Whether the mapping is executable.
    pub fn executable(&self) -> bool {
        self.flags() & flags::EXEC != 0
    }

    /// Makes sure the mapping never becomes readable: `EINVAL` if it is.
    pub fn try_clear_mayread(&self) -> Result {
        self.try_clear_may(flags::READ, flags::MAYREAD)
    }

    /// Makes sure the mapping never becomes writable: `EINVAL` if it is.
    pub fn try_clear_maywrite(&self) -> Result {
        self.try_clear_may(flags::WRITE, flags::MAYWRITE)
    }

    /// Makes sure the mapping never becomes executable: `EINVAL` if it is.
    pub fn try_clear_mayexec(&self) -> Result {
        self.try_clear_may(flags::EXEC, flags::MAYEXEC)
    }

    fn try_clear_may(&self, now: VmFlags, may: VmFlags) -> Result {
        if self.flags() & now != 0 {
            return Err(EINVAL);
        }
        self.clear(may);
        Ok(())
    }
}
