//! The `file_operations` of debugfs files, one table per kind of file and data type, and the C
//! callbacks in them, which find the file's data and call the traits of [`super::traits`].

use super::traits::{BinaryReader, BinaryWriter, Reader, Writer};
use crate::bindings;
use crate::error::Result;
use crate::fs::file::Offset;
use crate::module::THIS_MODULE_PTR;
use crate::seq_file::SeqFile;
use crate::uaccess::{UserPtr, UserSlice, UserSliceReader};
use core::ffi::{c_char, c_int, c_void};
use core::fmt;
use core::marker::PhantomData;

/// The operations and permissions of a debugfs file whose data is a `T`.
///
/// # Invariants
///
/// The operations take the data pointer given to debugfs (`inode->i_private`) as a `&T`, and only
/// during the operations before `release`, which does not touch it.
pub(crate) struct FileOps<T> {
    operations: bindings::file_operations,
    mode: bindings::umode_t,
    _data: PhantomData<fn(&T)>,
}

// SAFETY: a table of constants, never written.
unsafe impl<T> Sync for FileOps<T> {}

impl<T> FileOps<T> {
    /// # Safety
    ///
    /// `operations` satisfy the invariants for `T`.
    const unsafe fn new(operations: bindings::file_operations, mode: bindings::umode_t) -> Self {
        FileOps { operations, mode, _data: PhantomData }
    }

    /// The same operations for data of type `U`, which `T` is a transparent wrapper of.
    ///
    /// # Safety
    ///
    /// `T` is `repr(transparent)` over `U`, and a `&U` is a valid `&T`.
    const unsafe fn retype<U>(self) -> FileOps<U> {
        // INVARIANT: a pointer to a `U` is a pointer to a `T` (the caller's contract).
        FileOps { operations: self.operations, mode: self.mode, _data: PhantomData }
    }

    pub(crate) fn mode(&self) -> bindings::umode_t {
        self.mode
    }

    pub(crate) fn as_ptr(&'static self) -> *const bindings::file_operations {
        &self.operations
    }
}

/// A table with the given callbacks; each open file holds a reference to the module, whose text
/// the callbacks are (upstream leaves `owner` unset).
const fn table(
    open: unsafe extern "C" fn(*mut bindings::inode, *mut bindings::file) -> c_int,
    read: Option<unsafe extern "C" fn(*mut bindings::file, *mut c_char, usize, *mut Offset) -> isize>,
    write: Option<unsafe extern "C" fn(*mut bindings::file, *const c_char, usize, *mut Offset) -> isize>,
    llseek: unsafe extern "C" fn(*mut bindings::file, Offset, c_int) -> Offset,
    release: Option<unsafe extern "C" fn(*mut bindings::inode, *mut bindings::file) -> c_int>,
) -> bindings::file_operations {
    bindings::file_operations {
        owner: THIS_MODULE_PTR,
        open: Some(open),
        read,
        write,
        llseek: Some(llseek),
        release,
        // SAFETY: all zeroes is a valid `file_operations` (no callbacks).
        ..unsafe { core::mem::zeroed() }
    }
}

/// Text files: reads print the data with [`Writer`] through a sequence file; writes parse it
/// with [`Reader`].
pub(crate) struct Text<T>(PhantomData<T>);

impl<T: Writer + Sync> Text<T> {
    // SAFETY: `open_text` passes the data to `show`, which takes it as a `T`; the others are the
    // kernel's sequence file operations, which never touch it.
    pub(crate) const READ: FileOps<T> = unsafe {
        FileOps::new(
            table(
                open_text::<T>,
                Some(bindings::seq_read),
                None,
                bindings::seq_lseek,
                Some(bindings::single_release),
            ),
            0o400,
        )
    };
}

impl<T: Writer + Reader + Sync> Text<T> {
    // SAFETY: as for `READ`; `write` finds the data where `open_text` put it (the sequence file).
    pub(crate) const READ_WRITE: FileOps<T> = unsafe {
        FileOps::new(
            table(
                open_text::<T>,
                Some(bindings::seq_read),
                Some(write::<T, true>),
                bindings::seq_lseek,
                Some(bindings::single_release),
            ),
            0o600,
        )
    };
}

impl<T: Reader + Sync> Text<T> {
    // SAFETY: `simple_open` puts the data in `private_data`, where `write` takes it as a `T`.
    pub(crate) const WRITE: FileOps<T> = unsafe {
        FileOps::new(
            table(bindings::simple_open, None, Some(write::<T, false>), bindings::noop_llseek, None),
            0o200,
        )
    };
}

/// Binary files: reads and writes copy bytes at the file position with [`BinaryWriter`] and
/// [`BinaryReader`].
pub(crate) struct Binary<T>(PhantomData<T>);

impl<T: BinaryWriter + Sync> Binary<T> {
    // SAFETY: `simple_open` puts the data in `private_data`, where `read_binary` takes it as a
    // `T`; `default_llseek` does not touch it.
    pub(crate) const READ: FileOps<T> = unsafe {
        FileOps::new(
            table(bindings::simple_open, Some(read_binary::<T>), None, bindings::default_llseek, None),
            0o400,
        )
    };
}

impl<T: BinaryWriter + BinaryReader + Sync> Binary<T> {
    // SAFETY: as for `READ`, and `write_binary` does the same.
    pub(crate) const READ_WRITE: FileOps<T> = unsafe {
        FileOps::new(
            table(
                bindings::simple_open,
                Some(read_binary::<T>),
                Some(write_binary::<T>),
                bindings::default_llseek,
                None,
            ),
            0o600,
        )
    };
}

impl<T: BinaryReader + Sync> Binary<T> {
    // SAFETY: as for `READ`.
    pub(crate) const WRITE: FileOps<T> = unsafe {
        FileOps::new(
            table(bindings::simple_open, None, Some(write_binary::<T>), bindings::default_llseek, None),
            0o200,
        )
    };
}

/// The data of a text file as `Display`, through its [`Writer`].
struct Shown<'a, T>(&'a T);

impl<T: Writer> fmt::Display for Shown<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.write(f)
    }
}

/// The pointer `single_open()` keeps in a sequence file.
///
/// # Safety
///
/// `m` is a valid sequence file.
unsafe fn seq_private(m: *mut bindings::seq_file) -> *mut c_void {
    // SAFETY: `m` is a valid `struct seq_file` (the caller's contract); its `private` field, a
    // pointer, is at this offset.
    unsafe { m.cast::<u8>().add(bindings::SEQ_FILE_PRIVATE_OFFSET).cast::<*mut c_void>().read() }
}

/// A negative errno as the `ssize_t` of a `read` or `write`.
fn ssize(result: Result<usize>) -> isize {
    match result {
        // The VFS caps a transfer at `MAX_RW_COUNT`, far below `isize::MAX`.
        Ok(count) => count as isize,
        Err(e) => e.to_errno() as isize,
    }
}

/// # Safety
///
/// Called by debugfs to open a file of `Text<T>`'s operations, whose data is a `T`.
unsafe extern "C" fn open_text<T: Writer + Sync>(
    inode: *mut bindings::inode,
    file: *mut bindings::file,
) -> c_int {
    // SAFETY: `inode` and `file` are the ones being opened; `simple_open` only copies the data
    // pointer (`inode->i_private`, opaque here) into `private_data` and succeeds.
    let data = unsafe {
        bindings::simple_open(inode, file);
        let data = (*file).private_data;
        (*file).private_data = core::ptr::null_mut();
        data
    };
    // SAFETY: as above, `private_data` null again, as `seq_open()` expects it; `single_open`
    // keeps the data pointer for `show`, in a sequence file it allocates, freed by
    // `single_release`.
    unsafe { bindings::single_open(file, Some(show::<T>), data) }
}

/// # Safety
///
/// Called by `seq_read()` on a file `open_text::<T>` opened.
unsafe extern "C" fn show<T: Writer + Sync>(m: *mut bindings::seq_file, _v: *mut c_void) -> c_int {
    // SAFETY: `open_text` kept the file's data, a `T`, in the sequence file; debugfs keeps it
    // alive during the read (the invariant of `FileOps`).
    let data = unsafe { &*seq_private(m).cast::<T>() };
    // SAFETY: `seq_read()` gives the sequence file to this thread for the call.
    let m = unsafe { SeqFile::from_raw(m) };
    m.call_printf(format_args!("{}", Shown(data)));
    0
}

/// # Safety
///
/// Called by debugfs to write to a file of `Text<T>`'s operations; `SEQ` says whether `open_text`
/// opened it (else `simple_open`).
unsafe extern "C" fn write<T: Reader + Sync, const SEQ: bool>(
    file: *mut bindings::file,
    buf: *const c_char,
    count: usize,
    _ppos: *mut Offset,
) -> isize {
    // SAFETY: the file is open, so its `private_data` is what its `open` left there: the
    // sequence file holding the data, or the data.
    let data = unsafe {
        let private = (*file).private_data;
        if SEQ {
            seq_private(private.cast())
        } else {
            private
        }
    };
    // SAFETY: the data is a `T`, alive during the operation (the invariant of `FileOps`).
    let data = unsafe { &*data.cast::<T>() };
    let mut reader = UserSlice::new(UserPtr::from_ptr(buf), count).reader();
    ssize(data.read_from_slice(&mut reader).map(|()| count))
}

/// # Safety
///
/// Called by debugfs to read a file of `Binary<T>`'s operations.
unsafe extern "C" fn read_binary<T: BinaryWriter + Sync>(
    file: *mut bindings::file,
    buf: *mut c_char,
    count: usize,
    ppos: *mut Offset,
) -> isize {
    // SAFETY: `simple_open` left the data, a `T`, in `private_data`, alive during the operation
    // (the invariant of `FileOps`); `ppos` is the position the VFS passes, this call's alone.
    let (data, pos) = unsafe { (&*(*file).private_data.cast::<T>(), &mut *ppos) };
    let mut writer = UserSlice::new(UserPtr::from_ptr(buf), count).writer();
    ssize(data.write_to_slice(&mut writer, pos))
}

/// # Safety
///
/// Called by debugfs to write to a file of `Binary<T>`'s operations.
unsafe extern "C" fn write_binary<T: BinaryReader + Sync>(
    file: *mut bindings::file,
    buf: *const c_char,
    count: usize,
    ppos: *mut Offset,
) -> isize {
    // SAFETY: as in `read_binary`.
    let (data, pos) = unsafe { (&*(*file).private_data.cast::<T>(), &mut *ppos) };
    let mut reader: UserSliceReader = UserSlice::new(UserPtr::from_ptr(buf), count).reader();
    ssize(data.read_from_slice(&mut reader, pos))
}

/// A reference to the only value of a zero-sized type an instance of which lives forever: what
/// the callback adapters call (the caller passed a `&'static F`, so one exists).
///
/// # Safety
///
/// A `&'static F` existed.
unsafe fn zero_sized<'a, F>() -> &'a F {
    const { assert!(core::mem::size_of::<F>() == 0, "a debugfs callback must capture nothing") };
    // SAFETY: a zero-sized value occupies no memory, so any aligned non-null pointer is a valid
    // reference to one; one exists and is only ever shared (the caller's contract).
    unsafe { core::ptr::NonNull::<F>::dangling().as_ref() }
}

/// The data of a file read through a callback (`F`).
#[repr(transparent)]
pub(crate) struct ReadCallback<T, F>(T, PhantomData<F>);

/// The data of a file written through a callback (`W`).
#[repr(transparent)]
pub(crate) struct WriteCallback<T, W>(T, PhantomData<W>);

/// The data of a file read and written through callbacks (`F`, `W`).
#[repr(transparent)]
pub(crate) struct ReadWriteCallback<T, F, W>(T, PhantomData<(F, W)>);

// SAFETY: the wrappers hold a `T` and nothing else; shared only as the data is.
unsafe impl<T: Sync, F> Sync for ReadCallback<T, F> {}
// SAFETY: as above.
unsafe impl<T: Sync, W> Sync for WriteCallback<T, W> {}
// SAFETY: as above.
unsafe impl<T: Sync, F, W> Sync for ReadWriteCallback<T, F, W> {}

/// What formats a file's data.
pub(crate) trait FormatFn<T>: Fn(&T, &mut fmt::Formatter<'_>) -> fmt::Result + Send + Sync {}
impl<T, F: Fn(&T, &mut fmt::Formatter<'_>) -> fmt::Result + Send + Sync> FormatFn<T> for F {}

/// What parses a write to a file.
pub(crate) trait ParseFn<T>: Fn(&T, &mut UserSliceReader) -> Result + Send + Sync {}
impl<T, W: Fn(&T, &mut UserSliceReader) -> Result + Send + Sync> ParseFn<T> for W {}

impl<T, F: FormatFn<T>> Writer for ReadCallback<T, F> {
    fn write(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // SAFETY: files of this type are created only from a `&'static F`.
        let callback = unsafe { zero_sized::<F>() };
        callback(&self.0, f)
    }
}

impl<T, W: ParseFn<T>> Reader for WriteCallback<T, W> {
    fn read_from_slice(&self, reader: &mut UserSliceReader) -> Result {
        // SAFETY: as above, from a `&'static W`.
        let callback = unsafe { zero_sized::<W>() };
        callback(&self.0, reader)
    }
}

impl<T, F: FormatFn<T>, W> Writer for ReadWriteCallback<T, F, W> {
    fn write(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // SAFETY: as above.
        let callback = unsafe { zero_sized::<F>() };
        callback(&self.0, f)
    }
}

impl<T, F, W: ParseFn<T>> Reader for ReadWriteCallback<T, F, W> {
    fn read_from_slice(&self, reader: &mut UserSliceReader) -> Result {
        // SAFETY: as above.
        let callback = unsafe { zero_sized::<W>() };
        callback(&self.0, reader)
    }
}

impl<T: Sync, F: FormatFn<T>> ReadCallback<T, F> {
    // SAFETY: the wrapper is `repr(transparent)` over `T`.
    pub(crate) const OPS: FileOps<T> = unsafe { Text::<Self>::READ.retype() };
}

impl<T: Sync, W: ParseFn<T>> WriteCallback<T, W> {
    // SAFETY: as above.
    pub(crate) const OPS: FileOps<T> = unsafe { Text::<Self>::WRITE.retype() };
}

impl<T: Sync, F: FormatFn<T>, W: ParseFn<T>> ReadWriteCallback<T, F, W> {
    // SAFETY: as above.
    pub(crate) const OPS: FileOps<T> = unsafe { Text::<Self>::READ_WRITE.retype() };
}
