//! [`ScopedDir`]: the directory the closure of [`Dir::scope`](super::Dir::scope) fills with
//! files showing parts of the scope's data.

use super::entry::ScopedParent;
use super::file_ops::{Binary, FileOps, ReadCallback, ReadWriteCallback, Text, WriteCallback};
use super::traits::{BinaryReader, BinaryWriter, Reader, Writer};
use crate::str::CStr;
use crate::uaccess::UserSliceReader;
use core::fmt;
use core::marker::PhantomData;

/// A directory being filled by the closure of [`Dir::scope`](super::Dir::scope): its files show data borrowed for
/// `'data`, the life of the [`Scope`](super::Scope); everything in it is removed with the scope's directory.
///
/// Only references reach it; the scope's directory is created before and kept after.
pub struct ScopedDir<'data, 'dir> {
    pub(super) parent: ScopedParent,
    pub(super) _lifetimes: PhantomData<fn(&'data ()) -> &'dir ()>,
}

impl<'data, 'dir> ScopedDir<'data, 'dir> {
    /// A directory in this one.
    pub fn dir<'dir2>(&'dir2 self, name: &CStr) -> ScopedDir<'data, 'dir2> {
        ScopedDir { parent: self.parent.dir(name), _lifetimes: PhantomData }
    }

    fn create_file<T: Sync>(&self, name: &CStr, data: &'data T, ops: &'static FileOps<T>) {
        // SAFETY: `data` lives for `'data`, which the scope's data outlives, and every file in
        // this directory is removed with the scope's directory, before that data is dropped.
        unsafe { self.parent.file(name, data, ops) };
    }

    /// A text file (mode 0400) showing `data` ([`Writer`]).
    pub fn read_only_file<T: Writer + Send + Sync + 'static>(&self, name: &CStr, data: &'data T) {
        self.create_file(name, data, &Text::<T>::READ)
    }

    /// A text file (mode 0600) showing `data` ([`Writer`]) and changing it ([`Reader`]).
    pub fn read_write_file<T: Writer + Reader + Send + Sync + 'static>(&self, name: &CStr, data: &'data T) {
        self.create_file(name, data, &Text::<T>::READ_WRITE)
    }

    /// A text file (mode 0200) whose writes change `data` ([`Reader`]).
    pub fn write_only_file<T: Reader + Send + Sync + 'static>(&self, name: &CStr, data: &'data T) {
        self.create_file(name, data, &Text::<T>::WRITE)
    }

    /// A text file (mode 0400) that `f` prints `data` to. `f` captures nothing.
    pub fn read_callback_file<T, F>(&self, name: &CStr, data: &'data T, _f: &'static F)
    where
        T: Send + Sync + 'static,
        F: Fn(&T, &mut fmt::Formatter<'_>) -> fmt::Result + Send + Sync,
    {
        self.create_file(name, data, &ReadCallback::<T, F>::OPS)
    }

    /// A text file (mode 0600) that `f` prints `data` to and whose writes `w` handles.
    pub fn read_write_callback_file<T, F, W>(
        &self,
        name: &CStr,
        data: &'data T,
        _f: &'static F,
        _w: &'static W,
    ) where
        T: Send + Sync + 'static,
        F: Fn(&T, &mut fmt::Formatter<'_>) -> fmt::Result + Send + Sync,
        W: Fn(&T, &mut UserSliceReader) -> crate::error::Result + Send + Sync,
    {
        self.create_file(name, data, &ReadWriteCallback::<T, F, W>::OPS)
    }

    /// A text file (mode 0200) whose writes `w` handles with `data`. `w` captures nothing.
    pub fn write_only_callback_file<T, W>(&self, name: &CStr, data: &'data T, _w: &'static W)
    where
        T: Send + Sync + 'static,
        W: Fn(&T, &mut UserSliceReader) -> crate::error::Result + Send + Sync,
    {
        self.create_file(name, data, &WriteCallback::<T, W>::OPS)
    }

    /// A binary file (mode 0400) of `data`'s bytes ([`BinaryWriter`]).
    pub fn read_binary_file<T: BinaryWriter + Send + Sync + 'static>(&self, name: &CStr, data: &'data T) {
        self.create_file(name, data, &Binary::<T>::READ)
    }

    /// A binary file (mode 0600) of `data`'s bytes, which writes overwrite ([`BinaryReader`]).
    pub fn read_write_binary_file<T: BinaryWriter + BinaryReader + Send + Sync + 'static>(
        &self,
        name: &CStr,
        data: &'data T,
    ) {
        self.create_file(name, data, &Binary::<T>::READ_WRITE)
    }

    /// A binary file (mode 0200) whose writes overwrite `data`'s bytes ([`BinaryReader`]).
    pub fn write_binary_file<T: BinaryReader + Send + Sync + 'static>(&self, name: &CStr, data: &'data T) {
        self.create_file(name, data, &Binary::<T>::WRITE)
    }
}
