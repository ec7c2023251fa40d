//! The C types of the kernel's ABI, as upstream's `kernel::ffi` names them (`c_int`, `c_long`, ...).
//!
//! ```
//! use kernel::ffi::{c_int, c_long};
//! assert_eq!(core::mem::size_of::<c_int>(), 4);
//! assert_eq!(core::mem::size_of::<c_long>(), core::mem::size_of::<usize>());
//! ```

pub use core::ffi::{
    c_char, c_int, c_long, c_longlong, c_schar, c_short, c_uchar, c_uint, c_ulong, c_ulonglong, c_ushort,
    c_void, CStr,
};
