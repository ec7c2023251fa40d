//! [`CStrExt`]: what upstream's kernel crate adds to `core::ffi::CStr`.

use super::CString;
use crate::alloc::AllocError;
use core::ffi::{c_char, CStr};

/// Methods of C strings beyond `core`'s: pointers for C, owned copies, ASCII case changes.
///
/// In the prelude (as `CStrExt as _`), so that its methods are there on every `CStr`.
///
/// ```ignore,kernel
/// let mut name = c"eth0".to_cstring()?;
/// name.make_ascii_uppercase();
/// assert_eq!(&*name, c"ETH0");
/// assert_eq!(&*c"Queue".to_ascii_lowercase()?, c"queue");
/// ```
pub trait CStrExt {
    /// The C string at `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` points to a NUL-terminated string that lives, unchanged, for `'a`.
    unsafe fn from_char_ptr<'a>(ptr: *const c_char) -> &'a Self;

    /// The C string in `bytes`, writable.
    ///
    /// # Safety
    ///
    /// `bytes` ends with a NUL and has no other.
    unsafe fn from_bytes_with_nul_unchecked_mut(bytes: &mut [u8]) -> &mut Self;

    /// The pointer to hand the string to C.
    fn as_char_ptr(&self) -> *const c_char;

    /// A copy, allocated with `GFP_KERNEL`.
    fn to_cstring(&self) -> Result<CString, AllocError>;

    /// Changes ASCII upper-case letters to lower case, in place.
    fn make_ascii_lowercase(&mut self);

    /// Changes ASCII lower-case letters to upper case, in place.
    fn make_ascii_uppercase(&mut self);

    /// A copy with ASCII upper-case letters in lower case.
    fn to_ascii_lowercase(&self) -> Result<CString, AllocError>;

    /// A copy with ASCII lower-case letters in upper case.
    fn to_ascii_uppercase(&self) -> Result<CString, AllocError>;
}

/// The bytes of a C string, NUL included, writable.
fn bytes_mut(s: &mut CStr) -> &mut [u8] {
    let len = s.to_bytes_with_nul().len();
    // SAFETY: a `CStr` is its `len` bytes, NUL included, exclusively borrowed here; a case change
    // neither adds nor removes a NUL (only ASCII letters change).
    unsafe { core::slice::from_raw_parts_mut(s.as_ptr().cast_mut().cast::<u8>(), len) }
}

impl CStrExt for CStr {
    unsafe fn from_char_ptr<'a>(ptr: *const c_char) -> &'a Self {
        // SAFETY: the caller's contract is `CStr::from_ptr`'s.
        unsafe { CStr::from_ptr(ptr) }
    }

    unsafe fn from_bytes_with_nul_unchecked_mut(bytes: &mut [u8]) -> &mut Self {
        // SAFETY: `CStr` is a transparent wrapper of its bytes (as `from_bytes_with_nul_unchecked`
        // relies on), and they end with their only NUL (the caller's contract).
        unsafe { &mut *(core::ptr::from_mut(bytes) as *mut CStr) }
    }

    fn as_char_ptr(&self) -> *const c_char {
        self.as_ptr()
    }

    fn to_cstring(&self) -> Result<CString, AllocError> {
        CString::try_from(self)
    }

    fn make_ascii_lowercase(&mut self) {
        bytes_mut(self).make_ascii_lowercase()
    }

    fn make_ascii_uppercase(&mut self) {
        bytes_mut(self).make_ascii_uppercase()
    }

    fn to_ascii_lowercase(&self) -> Result<CString, AllocError> {
        let mut copy = self.to_cstring()?;
        copy.make_ascii_lowercase();
        Ok(copy)
    }

    fn to_ascii_uppercase(&self) -> Result<CString, AllocError> {
        let mut copy = self.to_cstring()?;
        copy.make_ascii_uppercase();
        Ok(copy)
    }
}
