//! The `file_operations` table of a [`MiscDevice`] and the C callbacks in it, which turn the
//! C arguments into safe ones and the results back into C return values.

use super::{Borrowed, MiscDevice, Registered};
use crate::bindings;
use crate::error::{code::EINVAL, Result};
use crate::fs::{File, SeekFrom};
use crate::module::THIS_MODULE_PTR;
use crate::poll::PollTable;
use crate::types::ForeignOwnable;
use crate::uaccess::{UserPtr, UserSlice};
use core::ffi::{c_char, c_int, c_long, c_uint, c_ulong};
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
        read: if T::HAS_READ { Some(read::<T>) } else { None },
        write: if T::HAS_WRITE { Some(write::<T>) } else { None },
        llseek: if T::HAS_LLSEEK { Some(llseek::<T>) } else { None },
        unlocked_ioctl: if T::HAS_IOCTL { Some(ioctl::<T>) } else { None },
        compat_ioctl: if T::HAS_COMPAT_IOCTL {
            Some(compat_ioctl::<T>)
        } else if T::HAS_IOCTL {
            COMPAT_PTR_IOCTL
        } else {
            None
        },
        poll: if T::HAS_POLL { Some(poll::<T>) } else { None },
        // SAFETY: all zeroes is a valid `file_operations` (null pointers, no callbacks); it also
        // covers the fields that other kernel versions have.
        ..unsafe { core::mem::zeroed() }
    };
}

/// The per-open state and the file, during an operation other than `open` and `release`.
///
/// # Safety
///
/// `file` is an open file of a device of `T`, and the caller is one of its file operations.
unsafe fn borrow<'a, T: MiscDevice>(file: *mut bindings::file) -> (Borrowed<'a, T>, &'a File) {
    // SAFETY: `open` stored the state with `into_foreign`, and `release`, which takes it back,
    // runs only once every operation is over (the kernel holds a file reference during each);
    // so the state outlives `'a`, the duration of the operation, and so does the file.
    unsafe { (T::Ptr::borrow((*file).private_data), File::from_raw(file)) }
}

/// The return value of `read`/`write`: how many of the `len` bytes were transferred, as counted
/// by the cursor the driver left in place (`done`), or the error.
///
/// The count is what the cursor really copied from the start of the buffer: not what it has
/// left, which says nothing once a copy failed (the cursor is then empty) or once the driver put
/// a cursor of its own in place of the given one (`done` is then 0, unless that one covers the
/// same buffer). Never more than `len`, even then.
fn transferred(result: Result, len: usize, done: usize) -> isize {
    match result {
        // At most `len`, which the kernel caps at `MAX_RW_COUNT`, so it fits.
        Ok(()) => done.min(len) as isize,
        Err(e) => e.to_errno() as isize,
    }
}

/// Runs `f` on the file position, or on a scratch one when there is none (a stream).
///
/// # Safety
///
/// `ppos` is null or valid for reads and writes, and not accessed by anything else meanwhile.
unsafe fn with_pos<R>(ppos: *mut bindings::loff_t, f: impl FnOnce(&mut i64) -> R) -> R {
    let mut scratch = 0;
    // SAFETY: guaranteed by the caller.
    f(if ppos.is_null() { &mut scratch } else { unsafe { &mut *ppos } })
}

/// # Safety
///
/// Called by `misc_open()` for a device registered by a `MiscDeviceRegistration<T>`.
unsafe extern "C" fn open<T: MiscDevice>(inode: *mut bindings::inode, file: *mut bindings::file) -> c_int {
    // SAFETY: `misc_open()` left the `miscdevice` in `private_data`; it is the first field of a
    // `Registered<T>` (`repr(C)`), as only `MiscDeviceRegistration<T>` registers this table.
    // `misc_open()` holds the lock `misc_deregister()` takes before the registration is freed,
    // so it is alive during this call.
    let registered = unsafe { &*(*file).private_data.cast::<Registered<T>>() };
    if !T::HAS_LLSEEK {
        // SAFETY: the file is being opened, so its mode may still change.
        unsafe { bindings::stream_open(inode, file) };
    }
    // SAFETY: the file is valid during `open`.
    match T::open(&registered.shared, unsafe { File::from_raw(file) }) {
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
    // SAFETY: `open` stored the state with `into_foreign`; `release` is the last operation on
    // the file and runs once, so the state is taken back once.
    let device = unsafe { T::Ptr::from_foreign((*file).private_data) };
    // SAFETY: the file is valid during `release`.
    T::release(device, unsafe { File::from_raw(file) });
    0
}

/// # Safety
///
/// Called by the kernel as `read` of an open file of `T`.
unsafe extern "C" fn read<T: MiscDevice>(
    file: *mut bindings::file,
    buf: *mut c_char,
    len: usize,
    ppos: *mut bindings::loff_t,
) -> isize {
    // SAFETY: an operation on an open file of `T`.
    let (device, file) = unsafe { borrow::<T>(file) };
    let start = UserPtr::from_ptr(buf);
    let mut writer = UserSlice::new(start, len).writer();
    // SAFETY: `ppos` is null (a stream) or the syscall's own copy of the position.
    let result = unsafe { with_pos(ppos, |pos| T::read(device, file, &mut writer, pos)) };
    transferred(result, len, writer.transferred_from(start))
}

/// # Safety
///
/// Called by the kernel as `write` of an open file of `T`.
unsafe extern "C" fn write<T: MiscDevice>(
    file: *mut bindings::file,
    buf: *const c_char,
    len: usize,
    ppos: *mut bindings::loff_t,
) -> isize {
    // SAFETY: an operation on an open file of `T`.
    let (device, file) = unsafe { borrow::<T>(file) };
    let start = UserPtr::from_ptr(buf);
    let mut reader = UserSlice::new(start, len).reader();
    // SAFETY: `ppos` is null (a stream) or the syscall's own copy of the position.
    let result = unsafe { with_pos(ppos, |pos| T::write(device, file, &mut reader, pos)) };
    transferred(result, len, reader.transferred_from(start))
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
