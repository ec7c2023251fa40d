//! [`File`], an open file as its file operations see it, and [`SeekFrom`], what `lseek()` asks
//! for.

use crate::bindings;
use crate::error::{code::EINVAL, Result};
use crate::types::Opaque;
use core::ffi::c_int;

/// A position in a file, in bytes (C's `loff_t`).
pub type Offset = bindings::loff_t;

/// An open file: the kernel's `struct file`.
///
/// File operations receive a `&File` for the file they act on. The file stays open at least as
/// long as that reference: the kernel holds a reference to it for the duration of each call.
///
/// ```ignore,kernel,no_run
/// # use kernel::fs::File;
/// # struct Device;
/// # impl Device {
/// #     fn is_busy(&self) -> bool {
/// #         false
/// #     }
/// # }
/// fn ioctl(this: &Device, file: &File, cmd: u32, arg: usize) -> Result<isize> {
///     if this.is_busy() && file.is_nonblocking() {
///         return Err(EAGAIN);
///     }
///     // ...
/// #   Ok(0)
/// }
/// ```
///
/// # Invariants
///
/// The wrapped `struct file` is open for as long as the `File` is borrowed.
#[repr(transparent)]
pub struct File(Opaque<bindings::file>);

// SAFETY: `struct file` is used by any number of tasks at once; the fields `File` reads are
// read like C does (see `File::flags`).
unsafe impl Sync for File {}

impl File {
    /// The `File` for a C `struct file`.
    ///
    /// # Safety
    ///
    /// `ptr` points to an open file that stays open for `'a`.
    ///
    /// ```ignore,kernel,no_run
    /// # use kernel::{bindings, fs::File};
    /// # unsafe extern "C" fn release(_inode: *mut bindings::inode, file: *mut bindings::file) -> c_int {
    /// // SAFETY: the kernel keeps `file` open during the file operation.
    /// let file = unsafe { File::from_raw_file(file) };
    /// # 0
    /// # }
    /// ```
    pub unsafe fn from_raw_file<'a>(ptr: *const bindings::file) -> &'a File {
        // SAFETY: `File` is a transparent wrapper of `struct file`, which the caller guarantees
        // to be valid for `'a`.
        // INVARIANT: guaranteed by the caller.
        unsafe { &*ptr.cast::<File>() }
    }

    /// The C `struct file`.
    ///
    /// ```ignore,kernel,no_run
    /// # use kernel::{bindings, fs::File};
    /// # fn open(file: &File) {
    /// // SAFETY: called from `open`, on the file being opened, as `stream_open()` must be; it does
    /// // not use its inode argument.
    /// unsafe { bindings::stream_open(core::ptr::null_mut(), file.as_ptr()) };
    /// # }
    /// ```
    pub fn as_ptr(&self) -> *mut bindings::file {
        self.0.get()
    }

    /// The open flags (`O_*`), as `open()` and later `fcntl(F_SETFL)` set them.
    ///
    /// ```ignore,kernel,no_run
    /// # use kernel::{bindings, fs::File};
    /// # fn example(file: &File) {
    /// let nonblocking = file.flags() & bindings::O_NONBLOCK != 0;
    /// # }
    /// ```
    pub fn flags(&self) -> u32 {
        // `fcntl(F_SETFL)` may change the flags at any time; C reads them without a lock, and a
        // volatile read is the equivalent that cannot be torn or merged with another read.
        // SAFETY: the file is open (type invariant), so the field is valid to read.
        unsafe { core::ptr::addr_of!((*self.as_ptr()).f_flags).read_volatile() }
    }

    /// Whether the file is in non-blocking mode (`O_NONBLOCK`): operations that would wait
    /// return `EAGAIN` instead.
    ///
    /// ```ignore,kernel,no_run
    /// # fn example(file: &kernel::fs::File) -> Result {
    /// if file.is_nonblocking() {
    ///     return Err(EAGAIN);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn is_nonblocking(&self) -> bool {
        self.flags() & bindings::O_NONBLOCK != 0
    }

    /// The current file position, for `llseek` relative to it.
    ///
    /// ```ignore,kernel,no_run
    /// # use kernel::fs::{File, SeekFrom};
    /// # const SIZE: i64 = 4096;
    /// # fn llseek(file: &File, from: SeekFrom) -> Result<i64> {
    /// let target = from.resolve(file.pos(), SIZE)?;
    /// # Ok(target)
    /// # }
    /// ```
    pub fn pos(&self) -> i64 {
        // Read like `flags`, for the same reason (a concurrent `lseek()` may move it).
        // SAFETY: the file is open (type invariant), so the field is valid to read.
        unsafe { core::ptr::addr_of!((*self.as_ptr()).f_pos).read_volatile() }
    }
}

/// Where `lseek()` asks to move the file position: an offset from the start, the current
/// position or the end.
///
/// ```
/// use kernel::fs::SeekFrom;
/// assert_eq!(SeekFrom::End(-4).resolve(0, 16), Ok(12));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeekFrom {
    /// `SEEK_SET`: the offset is the new position.
    Start(i64),
    /// `SEEK_CUR`: the new position is the current one plus the offset.
    Current(i64),
    /// `SEEK_END`: the new position is the end of the file plus the offset.
    End(i64),
}

impl SeekFrom {
    /// The seek `lseek()` asked for, from its `offset` and `whence`; `None` for a `whence` other
    /// than `SEEK_SET`, `SEEK_CUR` or `SEEK_END` (such as `SEEK_DATA`).
    ///
    /// ```
    /// use kernel::fs::SeekFrom;
    /// assert_eq!(SeekFrom::from_raw(5, 1), Some(SeekFrom::Current(5)));
    /// assert_eq!(SeekFrom::from_raw(0, 3), None);
    /// ```
    pub fn from_raw(offset: i64, whence: c_int) -> Option<SeekFrom> {
        match u32::try_from(whence).ok()? {
            bindings::SEEK_SET => Some(SeekFrom::Start(offset)),
            bindings::SEEK_CUR => Some(SeekFrom::Current(offset)),
            bindings::SEEK_END => Some(SeekFrom::End(offset)),
            _ => None,
        }
    }

    /// The new position in a file of `size` bytes whose position is `pos`: `EINVAL` unless it is
    /// within `0..=size`.
    ///
    /// ```
    /// use kernel::{error::code::EINVAL, fs::SeekFrom};
    /// assert_eq!(SeekFrom::Current(-2).resolve(10, 16), Ok(8));
    /// assert_eq!(SeekFrom::Start(17).resolve(0, 16), Err(EINVAL));
    /// assert_eq!(SeekFrom::Current(i64::MIN).resolve(10, 16), Err(EINVAL));
    /// ```
    pub fn resolve(self, pos: i64, size: i64) -> Result<i64> {
        let target = match self {
            SeekFrom::Start(offset) => Some(offset),
            SeekFrom::Current(offset) => pos.checked_add(offset),
            SeekFrom::End(offset) => size.checked_add(offset),
        };
        target.filter(|t| (0..=size).contains(t)).ok_or(EINVAL)
    }
}
