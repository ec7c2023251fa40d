//! The user-space interface of `/dev/rust_misc`: the names and values of the C header
//! `include/uapi/rust_misc.h`, spelled with `kernel::ioctl` as the kernel's `_IOR()` and friends
//! spell them there. The header is what C programs include; tests/misc.py checks on the host that
//! every `#define` of it has its twin here, with the same value.
//!
//! Nothing here may use the rest of the crate: the check compiles this file on its own.

use kernel::ioctl::{_IO, _IOR, _IOW, _IOWR};

/// The ioctl type (the driver's letter).
pub const RUST_MISC_IOC_TYPE: u32 = 'r' as u32;

/// The most bytes the buffer holds: the limit it starts with, and the largest one it accepts.
pub const RUST_MISC_CAPACITY: usize = 4096;

/// What [`RUST_MISC_GET_STATS`] copies out, C's `struct rust_misc_stats`: the bytes read, then
/// the bytes written, through the open file.
pub type Stats = [u64; 2];

/// `u32` out: how many bytes are buffered.
pub const RUST_MISC_GET_LEN: u32 = _IOR::<u32>(RUST_MISC_IOC_TYPE, 1);
/// Discards the buffered data.
pub const RUST_MISC_CLEAR: u32 = _IO(RUST_MISC_IOC_TYPE, 2);
/// `u32` in: how many bytes the buffer may hold, `1..=RUST_MISC_CAPACITY` (else `EINVAL`).
pub const RUST_MISC_SET_LIMIT: u32 = _IOW::<u32>(RUST_MISC_IOC_TYPE, 3);
/// `u32` in and out: sets the limit like [`RUST_MISC_SET_LIMIT`] and returns the old one.
pub const RUST_MISC_XCHG_LIMIT: u32 = _IOWR::<u32>(RUST_MISC_IOC_TYPE, 4);
/// [`Stats`] out.
pub const RUST_MISC_GET_STATS: u32 = _IOR::<Stats>(RUST_MISC_IOC_TYPE, 5);
