//! The types printk prints itself: the integers, `bool`, `str` and `CStr`, each with the
//! conversion that prints it as `core::fmt` would.

use super::{Conversion, Value, ALT_LOWER_HEX, DEBUG, DISPLAY, LOWER_HEX, UPPER_HEX};
use core::ffi::{c_char, c_int, c_long, c_longlong, c_uint, c_ulong, c_ulonglong, CStr};

/// Implements [`Conversion`] for integer types: `$ty` is passed as `$c` with `$spec` for `{}`
/// and `{:?}`, as its unsigned twin `$u` widened to `$hc` with `$hex` for the hexadecimal ones.
macro_rules! integers {
    ($($ty:ty, $u:ty, $c:ty, $kind:ident, $spec:literal, $hc:ty, [$hex:literal, $alt:literal, $upper:literal];)*) => {$(
        integers!(@one $ty, DISPLAY, $spec, $c, |v| v as $c, |v| Value::$kind(v as _));
        integers!(@one $ty, DEBUG, $spec, $c, |v| v as $c, |v| Value::$kind(v as _));
        integers!(@one $ty, LOWER_HEX, $hex, $hc, |v| v as $u as $hc, |v| Value::Unsigned(v as $u as u64));
        integers!(@one $ty, ALT_LOWER_HEX, $alt, $hc, |v| v as $u as $hc, |v| Value::Unsigned(v as $u as u64));
        integers!(@one $ty, UPPER_HEX, $upper, $hc, |v| v as $u as $hc, |v| Value::Unsigned(v as $u as u64));
    )*};
    (@one $ty:ty, $k:ident, $spec:literal, $c:ty, |$v:ident| $arg:expr, |$w:ident| $value:expr) => {
        // SAFETY: the conversion reads one `$c` (`int`, `long` or `long long`, signed or not as
        // the conversion says), which is what `push` adds. On the 64-bit targets (x86_64,
        // aarch64) `long` is 64 bits.
        unsafe impl Conversion<$k> for $ty {
            const SPEC: &'static [u8] = $spec;
            type Pushed<P> = (P, $c);
            #[inline(always)]
            fn push<P>(&self, previous: P) -> (P, $c) {
                let $v = *self;
                (previous, $arg)
            }
            #[inline(always)]
            fn value(&self) -> Value<'_> {
                let $w = *self;
                $value
            }
        }
    };
}

integers! {
    u8, u8, c_uint, Unsigned, b"%u", c_uint, [b"%x", b"%#x", b"%X"];
    u16, u16, c_uint, Unsigned, b"%u", c_uint, [b"%x", b"%#x", b"%X"];
    u32, u32, c_uint, Unsigned, b"%u", c_uint, [b"%x", b"%#x", b"%X"];
    u64, u64, c_ulonglong, Unsigned, b"%llu", c_ulonglong, [b"%llx", b"%#llx", b"%llX"];
    usize, usize, c_ulong, Unsigned, b"%lu", c_ulong, [b"%lx", b"%#lx", b"%lX"];
    i8, u8, c_int, Signed, b"%d", c_uint, [b"%x", b"%#x", b"%X"];
    i16, u16, c_int, Signed, b"%d", c_uint, [b"%x", b"%#x", b"%X"];
    i32, u32, c_int, Signed, b"%d", c_uint, [b"%x", b"%#x", b"%X"];
    i64, u64, c_longlong, Signed, b"%lld", c_ulonglong, [b"%llx", b"%#llx", b"%llX"];
    isize, usize, c_long, Signed, b"%ld", c_ulong, [b"%lx", b"%#lx", b"%lX"];
}

// `usize` and `isize` go to printk as `long`: they must be as wide.
const _: () =
    assert!(size_of::<usize>() == size_of::<c_ulong>() && size_of::<isize>() == size_of::<c_long>());

macro_rules! bool_conversion {
    ($($k:ident)*) => {$(
        // SAFETY: `%s` reads one C string pointer; `push` adds one to a static C string.
        unsafe impl Conversion<$k> for bool {
            const SPEC: &'static [u8] = b"%s";
            type Pushed<P> = (P, *const c_char);
            #[inline(always)]
            fn push<P>(&self, previous: P) -> (P, *const c_char) {
                (previous, if *self { c"true" } else { c"false" }.as_ptr())
            }
            #[inline(always)]
            fn value(&self) -> Value<'_> {
                Value::Bytes(if *self { b"true" } else { b"false" })
            }
        }
    )*};
}

bool_conversion!(DISPLAY DEBUG);

// SAFETY: `%.*s` reads an `int`, the length, then a pointer to at least that many bytes. `push`
// adds the string's length and address; the length fits an `int`, as `print` calls `push` only
// for messages within their sink's limit, which does.
unsafe impl Conversion<DISPLAY> for str {
    const SPEC: &'static [u8] = b"%.*s";
    type Pushed<P> = ((P, c_int), *const c_char);
    #[inline(always)]
    fn push<P>(&self, previous: P) -> ((P, c_int), *const c_char) {
        ((previous, self.len() as c_int), self.as_ptr().cast())
    }
    #[inline(always)]
    fn value(&self) -> Value<'_> {
        Value::Bytes(self.as_bytes())
    }
}

// `core::fmt` has no `{}` for `CStr`: printk prints its bytes as they are, as for C's `%s` (in
// a message formatted by `core::fmt`, because of another argument, invalid UTF-8 becomes U+FFFD).
//
// SAFETY: `%s` reads a pointer to a NUL-terminated string; `push` adds the string's.
unsafe impl Conversion<DISPLAY> for CStr {
    const SPEC: &'static [u8] = b"%s";
    type Pushed<P> = (P, *const c_char);
    #[inline(always)]
    fn push<P>(&self, previous: P) -> (P, *const c_char) {
        (previous, self.as_ptr())
    }
    #[inline(always)]
    fn value(&self) -> Value<'_> {
        Value::Bytes(self.to_bytes())
    }
}
