//! The `file_operations` table of a [`MiscDevice`] and the C callbacks in it, which turn the
//! C arguments into safe ones and the results back into C return values.

use super::{Borrowed, MiscDevice, MiscDeviceRegistration};
use crate::bindings;
use crate::error::{code::*, Result};
use crate::fs::{File, Kiocb, SeekFrom};
use crate::iov::{IovIterDest, IovIterSource};
use crate::mm::virt::VmaNew;
use crate::module::THIS_MODULE_PTR;
use crate::poll::PollTable;
use crate::seq_file::SeqFile;
use crate::types::ForeignOwnable;
use core::ffi::{c_int, c_long, c_uint, c_ulong};
use core::marker::PhantomData;

/// The file operations of `T`, with `'static` lifetime (the kernel keeps pointing to them from
/// each open file until it is released).
pub(super) fn file_operations<T: MiscDevice>() -> &'static bindings::file_operations {
    &Table::<T>::FOPS
}

/// `compat_ioctl` for devices that only implement `ioctl`.
#[cfg(CONFIG_COMPAT)]
const COMPAT_PTR_IOCTL: Option<unsafe extern "C" fn(*mut bindings::file, c_uint, c_ulong) -> c_long> =
    Some(bindings::compat_ptr_ioctl);
#[cfg(not(CONFIG_COMPAT))]
const COMPAT_PTR_IOCTL: Option<unsafe extern "C" fn(*mut bindings::file, c_uint, c_ulong) -> c_long> = None;

struct Table<T>(PhantomData<T>);

impl<T: MiscDevice> Table<T> {
    const FOPS: bindings::file_operations = bindings::file_operations {
        // Each open file holds a reference to the owner: the module cannot go while one is open.
        owner: THIS_MODULE_PTR,
        open: Some(open::<T>),
        release: Some(release::<T>),
        read_iter: if T::HAS_READ_ITER { Some(read_iter::<T>) } else { None },
        write_iter: if T::HAS_WRITE_ITER { Some(write_iter::<T>) } else { None },
        // Always set: kernels differ in what a missing `llseek` does once `misc_open()` has
        // replaced the operations, and C's `no_llseek` (`ESPIPE`) is what upstream's devices get.
        llseek: if T::HAS_LLSEEK { Some(llseek::<T>) } else { Some(no_llseek) },
        unlocked_ioctl: if T::HAS_IOCTL { Some(ioctl::<T>) } else { None },
        compat_ioctl: if T::HAS_COMPAT_IOCTL {
            Some(compat_ioctl::<T>)
        } else if T::HAS_IOCTL {
            COMPAT_PTR_IOCTL
        } else {
            None
        },
        poll: if T::HAS_POLL { Some(poll::<T>) } else { None },
        show_fdinfo: if T::HAS_SHOW_FDINFO { Some(show_fdinfo::<T>) } else { None },
        mmap: if T::HAS_MMAP { Some(mmap::<T>) } else { None },
        // SAFETY: all zeroes is a valid `file_operations` (null pointers, no callbacks); it also
        // covers the fields that other kernel versions have.
        ..unsafe { core::mem::zeroed() }
    };
}

/// The private data and the file, during an operation other than `open` and `release`.
///
/// # Safety
///
/// `file` is an open file of a device of `T`, and the caller is one of its file operations.
unsafe fn borrow<'a, T: MiscDevice>(file: *mut bindings::file) -> (Borrowed<'a, T>, &'a File) {
    // SAFETY: `open` stored the private data with `into_foreign`, and `release`, which takes it
    // back, runs only once every operation is over (the kernel holds a file reference during
    // each); so it outlives `'a`, the duration of the operation, and so does the file.
    unsafe { (T::Ptr::borrow((*file).private_data), File::from_raw_file(file)) }
}

/// # Safety
///
/// Called by `misc_open()` for a device registered by a `MiscDeviceRegistration<T>`.
unsafe extern "C" fn open<T: MiscDevice>(inode: *mut bindings::inode, file: *mut bindings::file) -> c_int {
    // SAFETY: `misc_open()` left the `miscdevice` in `private_data`; it is the first field of a
    // `MiscDeviceRegistration<T>` (`repr(C)`), as only that type registers this table.
    // `misc_open()` holds the lock `misc_deregister()` takes before the registration is freed,
    // so it is alive during this call.
    let misc = unsafe { &*(*file).private_data.cast::<MiscDeviceRegistration<T>>() };
    // SAFETY: the file is being opened, so its mode may still change.
    let ret = unsafe {
        if T::STREAM {
            bindings::stream_open(inode, file)
        } else {
            bindings::generic_file_open(inode, file)
        }
    };
    if ret != 0 {
        return ret;
    }
    // SAFETY: the file is valid during `open`.
    match T::open(unsafe { File::from_raw_file(file) }, misc) {
        Ok(device) => {
            // SAFETY: the file is being opened; nothing else reads `private_data` yet.
            unsafe { (*file).private_data = device.into_foreign() };
            0
        }
        Err(e) => e.to_errno(),
    }
}

/// # Safety
///
/// Called by the kernel as `release` of a file `open` opened successfully.
unsafe extern "C" fn release<T: MiscDevice>(
    _inode: *mut bindings::inode,
    file: *mut bindings::file,
) -> c_int {
    // SAFETY: `open` stored the private data with `into_foreign`; `release` is the last
    // operation on the file and runs once, so it is taken back once.
    let device = unsafe { T::Ptr::from_foreign((*file).private_data) };
    // SAFETY: the file is valid during `release`.
    T::release(device, unsafe { File::from_raw_file(file) });
    0
}

/// The return value of `read_iter`/`write_iter`: the count the driver returned, but never more
/// than the bytes that really left the I/O vector (`before - after`). A larger count would make
/// the kernel's own callers (`splice()` walks the pages by it) overrun what was filled.
fn transferred(result: Result<usize>, before: usize, after: usize) -> isize {
    match result {
        // At most `before`, which the kernel caps at `MAX_RW_COUNT`, so it fits.
        Ok(count) => count.min(before.saturating_sub(after)) as isize,
        Err(e) => e.to_errno() as isize,
    }
}

/// # Safety
///
/// Called by the kernel as `read_iter` of an open file of `T`.
unsafe extern "C" fn read_iter<T: MiscDevice>(
    kiocb: *mut bindings::kiocb,
    iter: *mut bindings::iov_iter,
) -> isize {
    // SAFETY: the request of an operation on an open file of `T`, whose private data lives
    // until `release`, after this call.
    let kiocb = unsafe { Kiocb::<T::Ptr>::from_raw(kiocb) };
    // SAFETY: the destination iterator of this `read_iter`, used only here.
    let iov = unsafe { IovIterDest::from_raw(iter) };
    let before = iov.len();
    let result = T::read_iter(kiocb, iov);
    transferred(result, before, iov.len())
}

/// # Safety
///
/// Called by the kernel as `write_iter` of an open file of `T`.
unsafe extern "C" fn write_iter<T: MiscDevice>(
    kiocb: *mut bindings::kiocb,
    iter: *mut bindings::iov_iter,
) -> isize {
    // SAFETY: as in `read_iter`.
    let kiocb = unsafe { Kiocb::<T::Ptr>::from_raw(kiocb) };
    // SAFETY: the source iterator of this `write_iter`, used only here.
    let iov = unsafe { IovIterSource::from_raw(iter) };
    let before = iov.len();
    let result = T::write_iter(kiocb, iov);
    transferred(result, before, iov.len())
}

/// `lseek()` of a device without `llseek`: C's `no_llseek`.
unsafe extern "C" fn no_llseek(
    _file: *mut bindings::file,
    _offset: bindings::loff_t,
    _whence: c_int,
) -> bindings::loff_t {
    ESPIPE.to_errno().into()
}

/// # Safety
///
/// Called by the kernel as `llseek` of an open file of `T`.
unsafe extern "C" fn llseek<T: MiscDevice>(
    file: *mut bindings::file,
    offset: bindings::loff_t,
    whence: c_int,
) -> bindings::loff_t {
    // SAFETY: an operation on an open file of `T`.
    let (device, file_ref) = unsafe { borrow::<T>(file) };
    let Some(from) = SeekFrom::from_raw(offset, whence) else {
        return EINVAL.to_errno().into();
    };
    match T::llseek(device, file_ref, from) {
        // `vfs_setpos()` rejects a negative position and stores a valid one in the file.
        // SAFETY: the file is open.
        Ok(pos) => unsafe { bindings::vfs_setpos(file, pos, bindings::MAX_LFS_FILESIZE) },
        Err(e) => e.to_errno().into(),
    }
}

/// The return value of `ioctl`.
fn ioctl_result(result: Result<isize>) -> c_long {
    match result {
        Ok(value) => value as c_long,
        Err(e) => e.to_errno().into(),
    }
}

/// # Safety
///
/// Called by the kernel as `unlocked_ioctl` of an open file of `T`.
unsafe extern "C" fn ioctl<T: MiscDevice>(file: *mut bindings::file, cmd: c_uint, arg: c_ulong) -> c_long {
    // SAFETY: an operation on an open file of `T`.
    let (device, file) = unsafe { borrow::<T>(file) };
    ioctl_result(T::ioctl(device, file, cmd, arg as usize))
}

/// # Safety
///
/// Called by the kernel as `compat_ioctl` of an open file of `T`.
unsafe extern "C" fn compat_ioctl<T: MiscDevice>(
    file: *mut bindings::file,
    cmd: c_uint,
    arg: c_ulong,
) -> c_long {
    // SAFETY: an operation on an open file of `T`.
    let (device, file) = unsafe { borrow::<T>(file) };
    ioctl_result(T::compat_ioctl(device, file, cmd, arg as usize))
}

/// # Safety
///
/// Called by the kernel as `poll` of an open file of `T`.
unsafe extern "C" fn poll<T: MiscDevice>(
    file: *mut bindings::file,
    table: *mut bindings::poll_table_struct,
) -> bindings::__poll_t {
    // SAFETY: an operation on an open file of `T`.
    let (device, file_ref) = unsafe { borrow::<T>(file) };
    // SAFETY: the arguments of this `poll`. The table's lifetime is the one of `device`, which
    // the file owns until it is released.
    let mut table = unsafe { PollTable::from_raw(file, table) };
    T::poll(device, file_ref, &mut table).bits()
}

/// # Safety
///
/// Called by the kernel as `show_fdinfo` of an open file of `T`.
unsafe extern "C" fn show_fdinfo<T: MiscDevice>(
    seq_file: *mut bindings::seq_file,
    file: *mut bindings::file,
) {
    // SAFETY: an operation on an open file of `T`.
    let (device, file) = unsafe { borrow::<T>(file) };
    // SAFETY: the `seq_file` being filled for this call, by this thread only.
    let m = unsafe { SeqFile::from_raw(seq_file) };
    T::show_fdinfo(device, m, file);
}

/// # Safety
///
/// Called by the kernel as `mmap` of an open file of `T`, with `vma` the mapping being set up.
unsafe extern "C" fn mmap<T: MiscDevice>(
    file: *mut bindings::file,
    vma: *mut bindings::vm_area_struct,
) -> c_int {
    // SAFETY: an operation on an open file of `T`.
    let (device, file) = unsafe { borrow::<T>(file) };
    // SAFETY: the mapping this `mmap` sets up, borrowed for this call only.
    let vma = unsafe { VmaNew::from_raw(vma) };
    match T::mmap(device, file, vma) {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}
