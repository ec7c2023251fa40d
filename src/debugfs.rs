//! debugfs: files for debugging that show and change a module's data, under
//! `/sys/kernel/debug`.
//!
//! A [`Dir`] is a directory; its files each own their data ([`File`]), or a [`Scope`] owns data
//! and a directory of files that show parts of it. Dropping either removes the files first (once
//! no read or write of them is in progress; later ones fail), then drops the data. A directory
//! stays while a file or directory created in it does.
//!
//! What a file does with its data follows from the data's type: text files show it with
//! [`Writer`] (every `Debug` type) and take writes with [`Reader`] (atomics, a [`Mutex`] of a
//! `FromStr` type); binary files copy its bytes ([`BinaryWriter`], [`BinaryReader`]). Callbacks
//! can do either instead.
//!
//! ```ignore,kernel,no_run
//! use kernel::debugfs::{Dir, File};
//! use kernel::sync::atomic::Atomic;
//!
//! #[pin_data]
//! struct Stats {
//!     #[pin]
//!     hits: File<Atomic<u64>>,
//!     _dir: Dir,
//! }
//!
//! fn stats() -> impl PinInit<Stats> {
//!     let dir = Dir::new(c"my_driver");
//!     pin_init!(Stats {
//!         // `cat /sys/kernel/debug/my_driver/hits` shows the count; `echo 0 >` resets it.
//!         hits <- dir.read_write_file(c"hits", Atomic::new(0)),
//!         _dir: dir,
//!     })
//! }
//! ```
//!
//! Errors are not reported, as C's debugfs functions do not: a file debugfs could not create
//! (debugfs disabled, a name taken, memory short) is simply missing.
//!
//! [`Mutex`]: crate::sync::Mutex

mod entry;
mod file_ops;
mod scoped_dir;
mod traits;

pub use scoped_dir::ScopedDir;
pub use traits::{BinaryReader, BinaryReaderMut, BinaryWriter, Reader, Writer};

use crate::alloc::flags::GFP_KERNEL;
use crate::init::{pin_data, PinInit};
use crate::str::CStr;
use crate::sync::Arc;
use crate::uaccess::UserSliceReader;
use core::fmt;
use core::marker::{PhantomData, PhantomPinned};
use core::ops::Deref;
use core::pin::Pin;
use entry::Entry;
use file_ops::{Binary, FileOps, ReadCallback, ReadWriteCallback, Text, WriteCallback};

/// A directory of debugfs; removed once this handle and everything created in it are dropped.
///
/// Without memory for the handle, it is an empty one in which nothing is created.
///
/// ```ignore,kernel,no_run
/// # use kernel::debugfs::Dir;
/// let dir = Dir::new(c"my_driver");
/// let queues = dir.subdir(c"queues");
/// ```
#[derive(Clone)]
pub struct Dir(Option<Arc<Entry>>);

impl Dir {
    /// A directory at the top of debugfs.
    pub fn new(name: &CStr) -> Self {
        Dir(Arc::new(Entry::dir(name, None), GFP_KERNEL).ok())
    }

    /// A directory in this one.
    pub fn subdir(&self, name: &CStr) -> Self {
        Dir(self
            .0
            .as_ref()
            .and_then(|parent| Arc::new(Entry::dir(name, Some(parent.clone())), GFP_KERNEL).ok()))
    }

    /// A file in this directory owning `data`, with operations for it.
    fn create_file<'a, T: Sync + 'a, E: 'a>(
        &'a self,
        name: &'a CStr,
        data: impl PinInit<T, E> + 'a,
        ops: &'static FileOps<T>,
    ) -> impl PinInit<File<T>, E> + 'a {
        let scope = Scope::new(data, move |data| match &self.0 {
            // SAFETY: the entry is the `Scope`'s, dropped before the data, which is pinned.
            Some(parent) => unsafe { Entry::file(name, parent.clone(), data, ops) },
            None => Entry::empty(),
        });
        crate::try_pin_init!(File { scope <- scope }? E)
    }

    /// A text file (mode 0400) showing `data` ([`Writer`]).
    ///
    /// ```ignore,kernel,no_run
    /// # use kernel::debugfs::{Dir, File};
    /// # fn example(dir: &Dir) -> Result<Pin<KBox<File<u32>>>> {
    /// KBox::pin_init(dir.read_only_file(c"version", 3u32), GFP_KERNEL)
    /// # }
    /// ```
    pub fn read_only_file<'a, T, E: 'a>(
        &'a self,
        name: &'a CStr,
        data: impl PinInit<T, E> + 'a,
    ) -> impl PinInit<File<T>, E> + 'a
    where
        T: Writer + Send + Sync + 'static,
    {
        self.create_file(name, data, &Text::<T>::READ)
    }

    /// A text file (mode 0600) showing `data` ([`Writer`]) and changing it ([`Reader`]).
    pub fn read_write_file<'a, T, E: 'a>(
        &'a self,
        name: &'a CStr,
        data: impl PinInit<T, E> + 'a,
    ) -> impl PinInit<File<T>, E> + 'a
    where
        T: Writer + Reader + Send + Sync + 'static,
    {
        self.create_file(name, data, &Text::<T>::READ_WRITE)
    }

    /// A text file (mode 0200) whose writes change `data` ([`Reader`]).
    pub fn write_only_file<'a, T, E: 'a>(
        &'a self,
        name: &'a CStr,
        data: impl PinInit<T, E> + 'a,
    ) -> impl PinInit<File<T>, E> + 'a
    where
        T: Reader + Send + Sync + 'static,
    {
        self.create_file(name, data, &Text::<T>::WRITE)
    }

    /// A text file (mode 0400) that `f` prints `data` to. `f` captures nothing.
    pub fn read_callback_file<'a, T, E: 'a, F>(
        &'a self,
        name: &'a CStr,
        data: impl PinInit<T, E> + 'a,
        _f: &'static F,
    ) -> impl PinInit<File<T>, E> + 'a
    where
        T: Send + Sync + 'static,
        F: Fn(&T, &mut fmt::Formatter<'_>) -> fmt::Result + Send + Sync,
    {
        self.create_file(name, data, &ReadCallback::<T, F>::OPS)
    }

    /// A text file (mode 0600) that `f` prints `data` to and whose writes `w` handles. The
    /// callbacks capture nothing.
    pub fn read_write_callback_file<'a, T, E: 'a, F, W>(
        &'a self,
        name: &'a CStr,
        data: impl PinInit<T, E> + 'a,
        _f: &'static F,
        _w: &'static W,
    ) -> impl PinInit<File<T>, E> + 'a
    where
        T: Send + Sync + 'static,
        F: Fn(&T, &mut fmt::Formatter<'_>) -> fmt::Result + Send + Sync,
        W: Fn(&T, &mut UserSliceReader) -> crate::error::Result + Send + Sync,
    {
        self.create_file(name, data, &ReadWriteCallback::<T, F, W>::OPS)
    }

    /// A text file (mode 0200) whose writes `w` handles with `data`. `w` captures nothing.
    pub fn write_callback_file<'a, T, E: 'a, W>(
        &'a self,
        name: &'a CStr,
        data: impl PinInit<T, E> + 'a,
        _w: &'static W,
    ) -> impl PinInit<File<T>, E> + 'a
    where
        T: Send + Sync + 'static,
        W: Fn(&T, &mut UserSliceReader) -> crate::error::Result + Send + Sync,
    {
        self.create_file(name, data, &WriteCallback::<T, W>::OPS)
    }

    /// A binary file (mode 0400) of `data`'s bytes ([`BinaryWriter`]).
    pub fn read_binary_file<'a, T, E: 'a>(
        &'a self,
        name: &'a CStr,
        data: impl PinInit<T, E> + 'a,
    ) -> impl PinInit<File<T>, E> + 'a
    where
        T: BinaryWriter + Send + Sync + 'static,
    {
        self.create_file(name, data, &Binary::<T>::READ)
    }

    /// A binary file (mode 0600) of `data`'s bytes, which writes overwrite ([`BinaryReader`]).
    pub fn read_write_binary_file<'a, T, E: 'a>(
        &'a self,
        name: &'a CStr,
        data: impl PinInit<T, E> + 'a,
    ) -> impl PinInit<File<T>, E> + 'a
    where
        T: BinaryWriter + BinaryReader + Send + Sync + 'static,
    {
        self.create_file(name, data, &Binary::<T>::READ_WRITE)
    }

    /// A binary file (mode 0200) whose writes overwrite `data`'s bytes ([`BinaryReader`]).
    pub fn write_binary_file<'a, T, E: 'a>(
        &'a self,
        name: &'a CStr,
        data: impl PinInit<T, E> + 'a,
    ) -> impl PinInit<File<T>, E> + 'a
    where
        T: BinaryReader + Send + Sync + 'static,
    {
        self.create_file(name, data, &Binary::<T>::WRITE)
    }

    /// A directory `name` in this one for the files `init` creates to show parts of `data`,
    /// removed with them before the [`Scope`] drops `data`.
    ///
    /// ```ignore,kernel,no_run
    /// # use kernel::debugfs::{Dir, Scope};
    /// # use kernel::sync::atomic::Atomic;
    /// struct Queue {
    ///     head: Atomic<u32>,
    ///     tail: Atomic<u32>,
    /// }
    /// # fn example(dir: &Dir) -> Result<Pin<KBox<Scope<Queue>>>> {
    /// let queue = Queue { head: Atomic::new(0), tail: Atomic::new(0) };
    /// KBox::pin_init(
    ///     dir.scope(queue, c"queue0", |queue, dir| {
    ///         dir.read_only_file(c"head", &queue.head);
    ///         dir.read_only_file(c"tail", &queue.tail);
    ///     }),
    ///     GFP_KERNEL,
    /// )
    /// # }
    /// ```
    pub fn scope<'a, T: 'a, E: 'a, F>(
        &'a self,
        data: impl PinInit<T, E> + 'a,
        name: &'a CStr,
        init: F,
    ) -> impl PinInit<Scope<T>, E> + 'a
    where
        F: for<'data, 'dir> FnOnce(&'data T, &'dir ScopedDir<'data, 'dir>) + 'a,
    {
        Scope::new(data, move |data| {
            let entry = match &self.0 {
                Some(parent) => Entry::dir(name, Some(parent.clone())),
                None => Entry::empty(),
            };
            // No entry (no parent) gives no directory: nothing is created in it.
            init(data, &ScopedDir { parent: entry.as_parent(), _lifetimes: PhantomData });
            entry
        })
    }
}

/// Data, and the debugfs entry whose files show it: the entry goes first when dropped.
///
/// ```ignore,kernel,no_run
/// # use kernel::debugfs::Scope;
/// # fn example(stats: &Scope<kernel::sync::atomic::Atomic<u64>>) {
/// let hits = stats.load(kernel::sync::atomic::Relaxed); // `Scope` derefs to the data
/// # }
/// ```
#[pin_data]
pub struct Scope<T> {
    // Declared before `data`, so dropped first: files are removed before their data.
    entry: Entry,
    #[pin]
    data: T,
    // The files point to `data`: it must not move even if `T: Unpin`.
    #[pin]
    _pin: PhantomPinned,
}

impl<'b, T: 'b> Scope<T> {
    /// Initialises `data`, then the entry `create` makes for it in its final place.
    fn new<E: 'b>(
        data: impl PinInit<T, E> + 'b,
        create: impl FnOnce(&T) -> Entry + 'b,
    ) -> impl PinInit<Self, E> + 'b {
        crate::try_pin_init!(Scope { entry: Entry::empty(), data <- data, _pin: PhantomPinned }? E).pin_chain(
            |scope: Pin<&mut Self>| {
                // SAFETY: `entry` is not structurally pinned; nothing is moved out.
                let scope = unsafe { Pin::into_inner_unchecked(scope) };
                scope.entry = create(&scope.data);
                Ok(())
            },
        )
    }
}

impl<T> Deref for Scope<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.data
    }
}

/// A debugfs file owning its data; removed before the data is dropped.
#[pin_data]
pub struct File<T> {
    #[pin]
    scope: Scope<T>,
}

impl<T> Deref for File<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.scope
    }
}
