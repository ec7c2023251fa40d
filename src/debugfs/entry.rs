//! [`Entry`]: one file or directory of debugfs, removed (with what it contains) when dropped.

use super::file_ops::FileOps;
use crate::bindings;
use crate::error::code::ENOMEM;
use crate::str::CStr;
use crate::sync::Arc;

/// A dentry of debugfs that this crate created, and the directory it is in.
///
/// # Invariants
///
/// `dentry` is what `debugfs_create_*()` returned (a dentry, or an error pointer when debugfs
/// could not create it), or null for no entry; `parent`, if any, is the entry of the directory it
/// was created in, kept until it is removed.
pub(crate) struct Entry {
    dentry: *mut bindings::dentry,
    _parent: Option<Arc<Entry>>,
}

// SAFETY: a dentry may be removed from any thread; the pointer is only read.
unsafe impl Send for Entry {}
// SAFETY: `&Entry` gives only the pointer's value.
unsafe impl Sync for Entry {}

impl Entry {
    /// No entry: nothing is removed.
    pub(crate) const fn empty() -> Self {
        Entry { dentry: core::ptr::null_mut(), _parent: None }
    }

    /// A directory in `parent`, or at the top of debugfs.
    pub(crate) fn dir(name: &CStr, parent: Option<Arc<Entry>>) -> Self {
        let under = parent.as_ref().map_or(core::ptr::null_mut(), |p| p.dentry);
        // SAFETY: `name` is a C string; `under` is null (the top) or a dentry of debugfs, or an
        // error pointer, for which debugfs creates nothing and returns it.
        let dentry = unsafe { bindings::debugfs_create_dir(name.as_ptr(), under) };
        Entry { dentry, _parent: parent }
    }

    /// A file in `parent` whose operations get `data`.
    ///
    /// # Safety
    ///
    /// `data` stays valid, and does not move, until the returned entry is dropped, or, if it is
    /// forgotten, until the directory it is in is removed.
    pub(crate) unsafe fn file<T>(
        name: &CStr,
        parent: Arc<Entry>,
        data: &T,
        ops: &'static FileOps<T>,
    ) -> Self {
        // SAFETY: as in `dir`; `parent` is a directory of debugfs (or an error pointer). The data
        // outlives the file (the caller's contract): debugfs_remove() waits for the operations in
        // progress and makes later ones fail, and `ops` has `owner` set, so a file left open keeps
        // the module, whose text the operations are.
        let dentry = unsafe { ScopedParent(parent.dentry).file(name, data, ops) };
        Entry { dentry, _parent: Some(parent) }
    }

    /// The dentry, for entries created in it without an [`Entry`] of their own.
    pub(crate) fn as_parent(&self) -> ScopedParent {
        ScopedParent(self.dentry)
    }
}

impl Drop for Entry {
    fn drop(&mut self) {
        // SAFETY: `dentry` is a dentry of debugfs this entry created, or null or an error
        // pointer, which debugfs_remove() ignores; it removes the directory's contents too.
        unsafe { bindings::debugfs_remove(self.dentry) };
    }
}

/// A directory of debugfs to create entries in that are removed only with it.
///
/// # Invariants
///
/// The pointer is a directory of debugfs, or an error pointer or null for no directory (given to
/// debugfs as an error pointer: null would be its top).
#[derive(Clone, Copy)]
pub(crate) struct ScopedParent(*mut bindings::dentry);

impl ScopedParent {
    /// The dentry, an error pointer if the directory does not exist.
    pub(crate) fn dentry(self) -> *mut bindings::dentry {
        if self.0.is_null() {
            ENOMEM.to_ptr()
        } else {
            self.0
        }
    }

    /// A directory in this one.
    pub(crate) fn dir(self, name: &CStr) -> Self {
        // SAFETY: `name` is a C string and the parent a directory or an error pointer.
        ScopedParent(unsafe { bindings::debugfs_create_dir(name.as_ptr(), self.dentry()) })
    }

    /// A file in this one whose operations get `data`.
    ///
    /// # Safety
    ///
    /// `data` stays valid, and does not move, until the file is removed.
    pub(crate) unsafe fn file<T>(
        self,
        name: &CStr,
        data: &T,
        ops: &'static FileOps<T>,
    ) -> *mut bindings::dentry {
        let data = core::ptr::from_ref(data).cast_mut().cast();
        // SAFETY: as in `dir`; `ops` are operations that take `data` as a `T` (`FileOps<T>`),
        // which outlives the file (the caller's contract).
        unsafe { bindings::debugfs_create_file(name.as_ptr(), ops.mode(), self.dentry(), data, ops.as_ptr()) }
    }
}
