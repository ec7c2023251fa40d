//! ioctl command numbers: the kernel's `_IO`, `_IOR`, `_IOW` and `_IOWR` encoders and the
//! `_IOC_*` decoders, as `const fn`s.
//!
//! A command number packs a direction (whether the command reads from or writes to user memory,
//! seen from user space), the size of the argument it points to, a type (a letter naming the
//! driver) and a number. A driver's `ioctl` matches the commands it knows and answers `ENOTTY`
//! to every other one.
//!
//! ```
//! use kernel::ioctl::{_IOC_DIR, _IOC_NR, _IOC_SIZE, _IOC_TYPE, _IOC_READ, _IOR};
//!
//! const GET_COUNT: u32 = _IOR::<u32>('r' as u32, 1);
//! assert_eq!(GET_COUNT, 0x8004_7201);
//! assert_eq!(_IOC_DIR(GET_COUNT), _IOC_READ);
//! assert_eq!((_IOC_TYPE(GET_COUNT), _IOC_NR(GET_COUNT), _IOC_SIZE(GET_COUNT)), ('r' as u32, 1, 4));
//! ```

#![allow(non_snake_case)]

use crate::bindings;

/// No data transfer: the argument, if any, is a plain value.
///
/// ```
/// assert_eq!(kernel::ioctl::_IOC_NONE, 0);
/// ```
pub const _IOC_NONE: u32 = bindings::_IOC_NONE;
/// User space writes the argument, the driver reads it.
///
/// ```
/// use kernel::ioctl::{_IOC_DIR, _IOC_WRITE, _IOW};
/// assert_eq!(_IOC_DIR(_IOW::<u32>('r' as u32, 1)), _IOC_WRITE);
/// ```
pub const _IOC_WRITE: u32 = bindings::_IOC_WRITE;
/// The driver writes the argument, user space reads it.
///
/// ```
/// use kernel::ioctl::{_IOC_DIR, _IOC_READ, _IOC_WRITE, _IOWR};
/// assert_eq!(_IOC_DIR(_IOWR::<u32>('r' as u32, 1)), _IOC_READ | _IOC_WRITE);
/// ```
pub const _IOC_READ: u32 = bindings::_IOC_READ;

/// A command number from its four fields, like C's `_IOC()`. Fails to compile (in a constant)
/// or panics if a field does not fit: `ty` and `nr` in 8 bits, `size` in the size field.
///
/// ```
/// use kernel::ioctl::{_IOC, _IOC_NONE, _IO};
/// assert_eq!(_IOC(_IOC_NONE, 'r' as u32, 7, 0), _IO('r' as u32, 7));
/// ```
pub const fn _IOC(dir: u32, ty: u32, nr: u32, size: usize) -> u32 {
    assert!(dir <= bindings::_IOC_DIRMASK, "ioctl direction out of range");
    assert!(ty <= bindings::_IOC_TYPEMASK, "ioctl type out of range (8 bits)");
    assert!(nr <= bindings::_IOC_NRMASK, "ioctl number out of range (8 bits)");
    assert!(size <= bindings::_IOC_SIZEMASK as usize, "ioctl argument too large for the size field");
    (dir << bindings::_IOC_DIRSHIFT)
        | (ty << bindings::_IOC_TYPESHIFT)
        | (nr << bindings::_IOC_NRSHIFT)
        | ((size as u32) << bindings::_IOC_SIZESHIFT)
}

/// A command without an argument in memory, like C's `_IO(type, nr)`.
///
/// ```
/// assert_eq!(kernel::ioctl::_IO('r' as u32, 2), 0x7202);
/// ```
pub const fn _IO(ty: u32, nr: u32) -> u32 {
    _IOC(_IOC_NONE, ty, nr, 0)
}

/// A command that copies a `T` to user space, like C's `_IOR(type, nr, T)`.
///
/// ```
/// assert_eq!(kernel::ioctl::_IOR::<u64>('r' as u32, 3), 0x8008_7203);
/// ```
pub const fn _IOR<T>(ty: u32, nr: u32) -> u32 {
    _IOC(_IOC_READ, ty, nr, core::mem::size_of::<T>())
}

/// A command that copies a `T` from user space, like C's `_IOW(type, nr, T)`.
///
/// ```
/// assert_eq!(kernel::ioctl::_IOW::<u32>('r' as u32, 4), 0x4004_7204);
/// ```
pub const fn _IOW<T>(ty: u32, nr: u32) -> u32 {
    _IOC(_IOC_WRITE, ty, nr, core::mem::size_of::<T>())
}

/// A command that copies a `T` both ways, like C's `_IOWR(type, nr, T)`.
///
/// ```
/// assert_eq!(kernel::ioctl::_IOWR::<[u32; 2]>('r' as u32, 5), 0xc008_7205);
/// ```
pub const fn _IOWR<T>(ty: u32, nr: u32) -> u32 {
    _IOC(_IOC_READ | _IOC_WRITE, ty, nr, core::mem::size_of::<T>())
}

/// The direction field of a command: [`_IOC_NONE`], or [`_IOC_READ`] and/or [`_IOC_WRITE`].
///
/// ```
/// use kernel::ioctl::{_IOC_DIR, _IOC_NONE, _IO};
/// assert_eq!(_IOC_DIR(_IO('r' as u32, 1)), _IOC_NONE);
/// ```
pub const fn _IOC_DIR(cmd: u32) -> u32 {
    (cmd >> bindings::_IOC_DIRSHIFT) & bindings::_IOC_DIRMASK
}

/// The type field of a command (the driver's letter).
///
/// ```
/// assert_eq!(kernel::ioctl::_IOC_TYPE(0x7202), 'r' as u32);
/// ```
pub const fn _IOC_TYPE(cmd: u32) -> u32 {
    (cmd >> bindings::_IOC_TYPESHIFT) & bindings::_IOC_TYPEMASK
}

/// The number field of a command.
///
/// ```
/// assert_eq!(kernel::ioctl::_IOC_NR(0x7202), 2);
/// ```
pub const fn _IOC_NR(cmd: u32) -> u32 {
    (cmd >> bindings::_IOC_NRSHIFT) & bindings::_IOC_NRMASK
}

/// The size field of a command: how many bytes its argument points to.
///
/// ```
/// use kernel::ioctl::{_IOC_SIZE, _IOWR};
/// assert_eq!(_IOC_SIZE(_IOWR::<[u8; 24]>('r' as u32, 9)), 24);
/// ```
pub const fn _IOC_SIZE(cmd: u32) -> usize {
    ((cmd >> bindings::_IOC_SIZESHIFT) & bindings::_IOC_SIZEMASK) as usize
}
