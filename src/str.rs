//! Strings: byte strings ([`BStr`], [`b_str!`](crate::b_str)), C strings (`CStr`,
//! [`c_str!`](crate::c_str)) and owned C strings ([`CString`]).
//!
//! Names handed to the kernel (device names, parameter names) are NUL-terminated C strings.
//! Rust's C string literals (`c"name"`) and `core::ffi::CStr` are the way to write them; a
//! [`CString`] is one built at run time, e.g. formatted with [`fmt!`](crate::fmt!).
//!
//! ```
//! use kernel::{c_str, str::CStr};
//! const NAME: &CStr = c_str!("rust_misc");
//! assert_eq!(NAME.to_bytes(), b"rust_misc");
//! ```

use crate::alloc::{flags::GFP_KERNEL, AllocError, KVec};
use crate::error::{code::EINVAL, Error};
use crate::fmt::{self, Write};
use core::ops::{Deref, DerefMut, Index};

mod cstr_ext;

pub use core::ffi::CStr;
pub use cstr_ext::CStrExt;

/// A string of bytes that need not be UTF-8 (a name from a device, a file's contents), as `str`
/// is one that is: unsized, used as `&BStr`, and a `[u8]` underneath (through `Deref`).
///
/// Printed with `{}`, printable ASCII is written as is, tab, newline and carriage return as
/// `\t`, `\n` and `\r`, and every other byte as `\xNN`; with `{:?}`, the same between double
/// quotes, with `"` and `\` escaped too.
///
/// ```
/// use kernel::str::BStr;
/// let name = BStr::from_bytes(b"eth\xff0");
/// assert_eq!(name.len(), 5);
/// assert_eq!(&name[..3], BStr::from_bytes(b"eth"));
/// assert!(name.starts_with(b"eth")); // a `[u8]` method
/// ```
#[repr(transparent)]
pub struct BStr([u8]);

impl BStr {
    /// The number of bytes.
    ///
    /// ```
    /// assert_eq!(kernel::b_str!("abc").len(), 3);
    /// ```
    #[inline]
    pub const fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the string has no bytes.
    ///
    /// ```
    /// assert!(kernel::b_str!("").is_empty());
    /// ```
    #[inline]
    pub const fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The bytes `bytes` as a `BStr` (no copy).
    ///
    /// ```
    /// use kernel::str::BStr;
    /// let s = BStr::from_bytes(&[b'h', b'i', 0x80]);
    /// assert_eq!(&**s, b"hi\x80");
    /// ```
    #[inline]
    pub const fn from_bytes(bytes: &[u8]) -> &Self {
        // SAFETY: `BStr` is a `repr(transparent)` wrapper of `[u8]`, so the two pointers have the
        // same layout and metadata; the lifetime is the one of `bytes`.
        unsafe { &*(bytes as *const [u8] as *const BStr) }
    }

    /// The rest of the string after `prefix`, or `None` if it does not start with `prefix`.
    ///
    /// ```
    /// use kernel::b_str;
    /// assert_eq!(b_str!("ttyS0").strip_prefix(b_str!("tty")), Some(b_str!("S0")));
    /// assert_eq!(b_str!("ttyS0").strip_prefix(b_str!("S0")), None);
    /// assert_eq!(b_str!("ttyS0").strip_prefix(b_str!("")), Some(b_str!("ttyS0")));
    /// ```
    pub fn strip_prefix(&self, prefix: impl AsRef<BStr>) -> Option<&BStr> {
        self.0.strip_prefix(&prefix.as_ref().0).map(BStr::from_bytes)
    }

    /// Writes the bytes escaped as `Display` and `Debug` do; `quoted` also escapes `"` and `\`.
    fn write_escaped(&self, f: &mut fmt::Formatter<'_>, quoted: bool) -> fmt::Result {
        for &b in &self.0 {
            match b {
                b'\t' => f.write_str("\\t")?,
                b'\n' => f.write_str("\\n")?,
                b'\r' => f.write_str("\\r")?,
                b'"' | b'\\' if quoted => {
                    f.write_char('\\')?;
                    f.write_char(char::from(b))?;
                }
                0x20..=0x7e => f.write_char(char::from(b))?,
                _ => write!(f, "\\x{b:02x}")?,
            }
        }
        Ok(())
    }
}

/// Prints printable ASCII as is and escapes the rest (see [`BStr`]).
///
/// ```ignore,kernel
/// use kernel::{b_str, str::CString};
/// let s = CString::try_from_fmt(fmt!("{}", b_str!("tab\there \"🦀\"\x7f")))?;
/// assert_eq!(s.to_bytes(), b"tab\\there \"\\xf0\\x9f\\xa6\\x80\"\\x7f");
/// ```
impl fmt::Display for BStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_escaped(f, false)
    }
}

/// Prints the string between double quotes, escaping as `Display` does and `"` and `\` too.
///
/// ```ignore,kernel
/// use kernel::{b_str, str::CString};
/// let s = CString::try_from_fmt(fmt!("{:?}", b_str!("say \"hi\"\\\n")))?;
/// assert_eq!(s.to_bytes(), b"\"say \\\"hi\\\"\\\\\\n\"");
/// ```
impl fmt::Debug for BStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_char('"')?;
        self.write_escaped(f, true)?;
        f.write_char('"')
    }
}

impl Deref for BStr {
    type Target = [u8];

    #[inline]
    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl PartialEq for BStr {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl Eq for BStr {}

impl<Idx> Index<Idx> for BStr
where
    [u8]: Index<Idx, Output = [u8]>,
{
    type Output = BStr;

    fn index(&self, index: Idx) -> &BStr {
        BStr::from_bytes(&self.0[index])
    }
}

impl AsRef<BStr> for BStr {
    fn as_ref(&self) -> &BStr {
        self
    }
}

impl AsRef<BStr> for [u8] {
    fn as_ref(&self) -> &BStr {
        BStr::from_bytes(self)
    }
}

/// The bytes of the string, without the NUL.
///
/// ```
/// use kernel::str::{BStr, CStr};
/// let name: &BStr = c"tty".as_ref();
/// assert_eq!(name, kernel::b_str!("tty"));
/// ```
impl AsRef<BStr> for CStr {
    fn as_ref(&self) -> &BStr {
        BStr::from_bytes(self.to_bytes())
    }
}

/// A `&'static BStr` from a string literal (whose UTF-8 bytes it holds), built at compile time.
///
/// ```
/// use kernel::{b_str, str::BStr};
/// const GREETING: &BStr = b_str!("grüß");
/// assert_eq!(&**GREETING, "grüß".as_bytes());
/// ```
#[macro_export]
macro_rules! b_str {
    ($s:literal) => {{
        const S: &str = $s;
        const B: &$crate::str::BStr = $crate::str::BStr::from_bytes(S.as_bytes());
        B
    }};
}

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

/// An owned C string: NUL-terminated bytes with no other NUL, in a [`KVec`] (`kmalloc`
/// memory), e.g. a name formatted at run time. Derefs to [`CStr`].
///
/// ```ignore,kernel
/// use kernel::str::CString;
/// let name = CString::try_from_fmt(fmt!("{}-{}", "queue", 3))?;
/// assert_eq!(name.to_bytes_with_nul(), b"queue-3\0");
/// // An interior NUL cannot be in a C string.
/// assert!(CString::try_from_fmt(fmt!("a\0b")).is_err());
/// ```
///
/// # Invariants
///
/// `buf` ends with its only NUL byte.
pub struct CString {
    buf: KVec<u8>,
}

impl CString {
    /// Formats `args` into a new string, allocated with `GFP_KERNEL` (so it may sleep).
    ///
    /// Fails with `ENOMEM` if the allocation fails, and with `EINVAL` if the text holds a NUL or
    /// a formatting trait fails (or writes more on the second of the two passes: one measures,
    /// one writes).
    ///
    /// ```ignore,kernel
    /// use kernel::str::CString;
    /// let id = 7;
    /// let s = CString::try_from_fmt(fmt!("dev{id}:{:#x}", 255))?;
    /// assert_eq!(s.to_str(), Ok("dev7:0xff"));
    /// assert_eq!(CString::try_from_fmt(fmt!("{}", "\0")).err(), Some(EINVAL));
    /// ```
    pub fn try_from_fmt(args: fmt::Arguments<'_>) -> Result<Self, Error> {
        let mut measure = Measure(0);
        measure.write_fmt(args)?;
        let len = measure.0.checked_add(1).ok_or(AllocError)?;
        let mut fill = Fill(KVec::with_capacity(len, GFP_KERNEL)?);
        fill.write_fmt(args)?;
        fill.write_str("\0")?;
        let buf = fill.0;
        // `buf` ends with the NUL just written; it must be its only one.
        if buf[..buf.len() - 1].contains(&0) {
            return Err(EINVAL);
        }
        // INVARIANT: checked above.
        Ok(CString { buf })
    }
}

/// Counts the bytes a formatting writes.
struct Measure(usize);

impl Write for Measure {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0 = self.0.checked_add(s.len()).ok_or(fmt::Error)?;
        Ok(())
    }
}

/// Writes into a vector, failing rather than allocating past its capacity.
struct Fill(KVec<u8>);

impl Write for Fill {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if s.len() > self.0.capacity() - self.0.len() {
            return Err(fmt::Error);
        }
        // Within the capacity, so nothing is allocated: the flags do not matter.
        self.0.extend_from_slice(s.as_bytes(), GFP_KERNEL).map_err(|_| fmt::Error)
    }
}

impl Deref for CString {
    type Target = CStr;

    fn deref(&self) -> &CStr {
        // SAFETY: `buf` ends with its only NUL (type invariant).
        unsafe { CStr::from_bytes_with_nul_unchecked(&self.buf) }
    }
}

/// Changing the string in place (ASCII case, [`CStrExt`]): nothing `CStr` allows through
/// `&mut` adds or removes a NUL.
impl DerefMut for CString {
    fn deref_mut(&mut self) -> &mut CStr {
        // SAFETY: `buf` ends with its only NUL (type invariant), which a `&mut CStr` keeps.
        unsafe { CStr::from_bytes_with_nul_unchecked_mut(&mut self.buf) }
    }
}

/// Copies a C string, allocating with `GFP_KERNEL`.
///
/// ```ignore,kernel
/// use kernel::str::CString;
/// let copy = CString::try_from(c"ttyS0")?;
/// assert_eq!(&*copy, c"ttyS0");
/// ```
impl TryFrom<&CStr> for CString {
    type Error = AllocError;

    fn try_from(s: &CStr) -> Result<CString, AllocError> {
        let mut buf = KVec::new();
        buf.extend_from_slice(s.to_bytes_with_nul(), GFP_KERNEL)?;
        // INVARIANT: the bytes of a `CStr`, which end with its only NUL.
        Ok(CString { buf })
    }
}

impl fmt::Debug for CString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

/// Writes `bytes` as text, each invalid UTF-8 sequence replaced by `U+FFFD` (as
/// `String::from_utf8_lossy` does, without allocating).
pub(crate) fn write_lossy(f: &mut fmt::Formatter<'_>, bytes: &[u8]) -> fmt::Result {
    for chunk in bytes.utf8_chunks() {
        f.write_str(chunk.valid())?;
        if !chunk.invalid().is_empty() {
            f.write_str("\u{fffd}")?;
        }
    }
    Ok(())
}
