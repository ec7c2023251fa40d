//! Strings for C: `CStr` and [`c_str!`](crate::c_str).
//!
//! Names handed to the kernel (device names, parameter names) are NUL-terminated C strings.
//! Rust's C string literals (`c"name"`) and `core::ffi::CStr` are the way to write them.
//!
//! ```
//! use kernel::{c_str, str::CStr};
//! const NAME: &CStr = c_str!("rust_misc");
//! assert_eq!(NAME.to_bytes(), b"rust_misc");
//! ```

pub use core::ffi::CStr;

/// A `&'static CStr` from a string literal, checked at compile time (no interior NUL).
///
/// ```
/// let name: &core::ffi::CStr = kernel::c_str!("hello");
/// assert_eq!(name.to_bytes_with_nul(), b"hello\0");
/// ```
#[macro_export]
macro_rules! c_str {
    ($s:expr) => {{
        const S: &str = concat!($s, "\0");
        const C: &$crate::str::CStr = match $crate::str::CStr::from_bytes_with_nul(S.as_bytes()) {
            Ok(c) => c,
            Err(_) => panic!("c_str!: the string contains a NUL byte"),
        };
        C
    }};
}
