//! The fast path of `pr_*!`: a printk format built at compile time, and one `_printk` call.
//!
//! The `printk` procedural macro splits a message's format into its literal pieces and plain
//! placeholders and hands them over as a [`Message`], and each argument as a tag: [`Fast`] if
//! its type implements [`Conversion`] for its placeholder, else [`Slow`] (chosen by method
//! resolution, see [`FastArg`]). [`print`] then makes, for a message whose tags are all fast,
//! the call C's `pr_info("%u of %u\n", i, n)` makes: the format is a constant, built after
//! monomorphisation from the pieces and each type's conversion (`%u`, `%lld`, `%.*s`, ...), and
//! the arguments go to `_printk` as C varargs of exactly the types the conversions read. A
//! message with a slow tag is formatted with `core::fmt`, as the macro's caller wrote it.
//!
//! A message that could be longer than a printk record (a long string argument) is written
//! through the same buffered writer as the `core::fmt` path, in pieces continued with
//! `KERN_CONT`, so that nothing is cut off.
//!
//! ```
//! use kernel::print::args::{Conversion, DISPLAY, LOWER_HEX};
//! assert_eq!(<u32 as Conversion<DISPLAY>>::SPEC, b"%u");
//! assert_eq!(<&i64 as Conversion<DISPLAY>>::SPEC, b"%lld");
//! assert_eq!(<u8 as Conversion<LOWER_HEX>>::SPEC, b"%x");
//! assert_eq!(<str as Conversion<DISPLAY>>::SPEC, b"%.*s");
//! ```

use super::{Level, LineWriter};
use crate::bindings;
use core::ffi::{c_char, c_int, c_long, c_longlong, c_uint, c_ulong, c_ulonglong, CStr};
use core::fmt;
use core::marker::PhantomData;

/// The placeholder `{}`.
pub const DISPLAY: u8 = 0;
/// The placeholder `{:?}`.
pub const DEBUG: u8 = 1;
/// The placeholder `{:x}`.
pub const LOWER_HEX: u8 = 2;
/// The placeholder `{:#x}`.
pub const ALT_LOWER_HEX: u8 = 3;
/// The placeholder `{:X}`.
pub const UPPER_HEX: u8 = 4;

/// The most arguments a message on the fast path has; the macro sends longer lists to
/// `core::fmt`.
pub const MAX_ARGS: usize = 12;

/// The longest conversion of a [`Conversion::SPEC`] (`%#llx`).
pub const MAX_SPEC: usize = 5;

/// The most bytes a message printed with one `_printk` call may have: below a printk record's
/// text limit (991 bytes on 6.1, `LOG_LINE_MAX - 1`; 1023 on 6.12), level and prefix included.
/// A longer one is printed in pieces.
pub const RECORD_MAX: usize = 960;

/// The most bytes an integer conversion prints (`i64::MIN` has 20).
const INTEGER_MAX: usize = 20;

/// What a message's argument is, for the pieces of a long message and for `core::fmt`.
#[derive(Clone, Copy)]
pub enum Value<'a> {
    /// An unsigned integer, or a signed one for a hexadecimal placeholder (its two's
    /// complement, as wide as its type).
    Unsigned(u64),
    /// A signed integer.
    Signed(i64),
    /// Text: a string's bytes, a `bool` as `true` or `false`.
    Bytes(&'a [u8]),
}

/// A value printk can print with a conversion of its own, for the placeholder `K` (one of
/// [`DISPLAY`], [`DEBUG`], [`LOWER_HEX`], [`ALT_LOWER_HEX`], [`UPPER_HEX`]).
///
/// Implemented for the integers, `bool` (`{}` and `{:?}`), `str` and `CStr` (`{}`), and
/// references to them. The output is that of `core::fmt`.
///
/// # Safety
///
/// [`Conversion::SPEC`] is one printk conversion (at most [`MAX_SPEC`] bytes, no NUL) that
/// consumes exactly the varargs [`Conversion::push`] adds, of the types it reads them as; a
/// `%.*s` length is at most [`Conversion::value`]'s, which printk may print whole.
///
/// ```
/// use kernel::print::args::{Conversion, Value, DEBUG, UPPER_HEX};
/// assert_eq!(<bool as Conversion<DEBUG>>::SPEC, b"%s");
/// assert!(matches!(Conversion::<UPPER_HEX>::value(&-1i16), Value::Unsigned(0xffff)));
/// ```
pub unsafe trait Conversion<const K: u8> {
    /// The printk conversion, e.g. `%u`.
    const SPEC: &'static [u8];
    /// The C varargs so far, `P`, with this value's added.
    type Pushed<P>;
    /// Adds this value's C varargs to `previous`.
    fn push<P>(&self, previous: P) -> Self::Pushed<P>;
    /// The value, for pieces and for `core::fmt`.
    fn value(&self) -> Value<'_>;
}

// SAFETY: as `T`'s.
unsafe impl<T: Conversion<K> + ?Sized, const K: u8> Conversion<K> for &T {
    const SPEC: &'static [u8] = T::SPEC;
    type Pushed<P> = T::Pushed<P>;
    fn push<P>(&self, previous: P) -> Self::Pushed<P> {
        T::push(self, previous)
    }
    fn value(&self) -> Value<'_> {
        T::value(self)
    }
}

// SAFETY: as `T`'s.
unsafe impl<T: Conversion<K> + ?Sized, const K: u8> Conversion<K> for &mut T {
    const SPEC: &'static [u8] = T::SPEC;
    type Pushed<P> = T::Pushed<P>;
    fn push<P>(&self, previous: P) -> Self::Pushed<P> {
        T::push(self, previous)
    }
    fn value(&self) -> Value<'_> {
        T::value(self)
    }
}

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
        // the conversion says), which is what `push` adds. On x86_64 `long` is 64 bits.
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
// for messages shorter than `RECORD_MAX`.
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

/// An argument of a message for the placeholder `K`, as the macro sees it. Calling
/// `(&Arg::<_, K>(&value)).__kmod_rs_tag()` with [`FastArg`] and [`SlowArg`] in scope gives a
/// [`Fast`] tag if the value's type implements [`Conversion<K>`], else a [`Slow`] one: method
/// resolution tries `FastArg`'s method (on `Arg`) before `SlowArg`'s (on `&Arg`, one
/// auto-reference further).
///
/// ```
/// use kernel::print::args::{Arg, FastArg as _, SlowArg as _, Tag, DISPLAY};
/// struct Opaque;
/// fn fast<T: Tag>(_: T) -> bool {
///     T::FAST
/// }
/// assert!(fast((&Arg::<_, DISPLAY>(&7u32)).__kmod_rs_tag()));
/// assert!(fast((&Arg::<_, DISPLAY>(&"text")).__kmod_rs_tag()));
/// assert!(!fast((&Arg::<_, DISPLAY>(&Opaque)).__kmod_rs_tag()));
/// assert!(!fast((&Arg::<_, DISPLAY>(&'c')).__kmod_rs_tag()));
/// ```
pub struct Arg<'a, T: ?Sized, const K: u8>(pub &'a T);

/// Gives the [`Fast`] tag of an [`Arg`] whose type has a [`Conversion`].
pub trait FastArg {
    /// The tag.
    type Tag;
    /// The tag of this argument.
    fn __kmod_rs_tag(&self) -> Self::Tag;
}

impl<'a, T: Conversion<K> + ?Sized, const K: u8> FastArg for Arg<'a, T, K> {
    type Tag = Fast<'a, T, K>;
    #[inline(always)]
    fn __kmod_rs_tag(&self) -> Fast<'a, T, K> {
        Fast(self.0)
    }
}

/// Gives the [`Slow`] tag of any [`Arg`].
pub trait SlowArg {
    /// The tag.
    type Tag;
    /// The tag of this argument.
    fn __kmod_rs_tag(&self) -> Self::Tag;
}

impl<'a, T: ?Sized, const K: u8> SlowArg for &Arg<'a, T, K> {
    type Tag = Slow<'a, T>;
    #[inline(always)]
    fn __kmod_rs_tag(&self) -> Slow<'a, T> {
        Slow(self.0)
    }
}

/// An argument printk converts itself.
pub struct Fast<'a, T: ?Sized, const K: u8>(&'a T);

impl<T: ?Sized, const K: u8> Clone for Fast<'_, T, K> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: ?Sized, const K: u8> Copy for Fast<'_, T, K> {}

/// An argument only `core::fmt` can format.
pub struct Slow<'a, T: ?Sized>(&'a T);

impl<T: ?Sized> Clone for Slow<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: ?Sized> Copy for Slow<'_, T> {}

/// The tag of one argument: [`Fast`] or [`Slow`].
///
/// # Safety
///
/// As for [`Conversion`]: [`Tag::SPEC`] consumes exactly the varargs [`Tag::push`] adds.
pub unsafe trait Tag: Copy {
    /// Whether printk converts the argument itself.
    const FAST: bool;
    /// The placeholder ([`DISPLAY`], ...).
    const KIND: u8;
    /// The printk conversion (empty for a slow argument).
    const SPEC: &'static [u8];
    /// The C varargs so far, `P`, with this argument's added.
    type Pushed<P>;
    /// Adds the argument's C varargs to `previous`.
    fn push<P>(self, previous: P) -> Self::Pushed<P>;
    /// The argument's value (an empty string for a slow argument).
    fn value(&self) -> Value<'_>;
    /// What `core::fmt` formats instead of the argument.
    type Fallback;
    /// The argument for `format_args!`, for a message with a slow argument.
    fn fallback(self) -> Self::Fallback;
}

// SAFETY: as the `Conversion`'s.
unsafe impl<'a, T: Conversion<K> + ?Sized, const K: u8> Tag for Fast<'a, T, K> {
    const FAST: bool = true;
    const KIND: u8 = K;
    const SPEC: &'static [u8] = T::SPEC;
    type Pushed<P> = T::Pushed<P>;
    #[inline(always)]
    fn push<P>(self, previous: P) -> Self::Pushed<P> {
        self.0.push(previous)
    }
    #[inline(always)]
    fn value(&self) -> Value<'_> {
        self.0.value()
    }
    type Fallback = Formatted<'a, T, K>;
    fn fallback(self) -> Formatted<'a, T, K> {
        Formatted(self.0)
    }
}

// SAFETY: no conversion, no varargs.
unsafe impl<'a, T: ?Sized> Tag for Slow<'a, T> {
    const FAST: bool = false;
    const KIND: u8 = DISPLAY;
    const SPEC: &'static [u8] = b"";
    type Pushed<P> = P;
    fn push<P>(self, previous: P) -> P {
        previous
    }
    fn value(&self) -> Value<'_> {
        Value::Bytes(b"")
    }
    type Fallback = &'a T;
    fn fallback(self) -> &'a T {
        self.0
    }
}

/// A fast argument in a message that `core::fmt` formats: formatted as printk would.
pub struct Formatted<'a, T: ?Sized, const K: u8>(&'a T);

impl<T: Conversion<K> + ?Sized, const K: u8> Formatted<'_, T, K> {
    fn format(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.value() {
            Value::Unsigned(v) if K == UPPER_HEX => fmt::UpperHex::fmt(&v, f),
            Value::Unsigned(v) if K == LOWER_HEX || K == ALT_LOWER_HEX => fmt::LowerHex::fmt(&v, f),
            Value::Unsigned(v) => fmt::Display::fmt(&v, f),
            Value::Signed(v) => fmt::Display::fmt(&v, f),
            Value::Bytes(bytes) => {
                for chunk in bytes.utf8_chunks() {
                    f.write_str(chunk.valid())?;
                    if !chunk.invalid().is_empty() {
                        f.write_str("\u{fffd}")?;
                    }
                }
                Ok(())
            }
        }
    }
}

// Whichever trait the fallback's placeholder asks for (`{}`, `{:?}`, `{:x}`, `{:X}`), the
// argument prints the way its conversion says.
macro_rules! impl_formatting_traits {
    ($($trait:ident),*) => {$(
        impl<T: Conversion<K> + ?Sized, const K: u8> fmt::$trait for Formatted<'_, T, K> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.format(f)
            }
        }
    )*};
}
impl_formatting_traits!(Display, Debug, LowerHex, UpperHex);

/// The tags of a message's arguments, as a list built from its end: `()`, `((), a)`,
/// `(((), a), b)`, ...
///
/// # Safety
///
/// For each `i < COUNT`, `SPECS[i]` consumes exactly the varargs the `i`-th argument adds to
/// [`Tags::args`], in order.
pub unsafe trait Tags {
    /// Whether every argument is fast.
    const FAST: bool;
    /// The number of arguments.
    const COUNT: usize;
    /// The conversion of each argument, then empty ones.
    const SPECS: [&'static [u8]; MAX_ARGS];
    /// The C varargs of the arguments.
    type Args;
    /// The C varargs of the arguments.
    fn args(&self) -> Self::Args;
    /// At most how many bytes printk prints for the arguments.
    fn max_len(&self) -> usize;
    /// Writes the message: `pieces[0]`, then each argument followed by its piece.
    fn write(&self, out: &mut LineWriter, pieces: &[&str]);
}

// SAFETY: no arguments.
unsafe impl Tags for () {
    const FAST: bool = true;
    const COUNT: usize = 0;
    const SPECS: [&'static [u8]; MAX_ARGS] = [b""; MAX_ARGS];
    type Args = ();
    #[inline(always)]
    fn args(&self) {}
    #[inline(always)]
    fn max_len(&self) -> usize {
        0
    }
    fn write(&self, out: &mut LineWriter, pieces: &[&str]) {
        out.write_bytes(pieces.first().copied().unwrap_or_default().as_bytes());
    }
}

// SAFETY: the specification of `P`'s arguments, then `L`'s, which pushes its varargs after
// `P`'s.
unsafe impl<P: Tags, L: Tag> Tags for (P, L) {
    const FAST: bool = P::FAST && L::FAST;
    const COUNT: usize = P::COUNT + 1;
    const SPECS: [&'static [u8]; MAX_ARGS] = {
        let mut specs = P::SPECS;
        specs[P::COUNT] = L::SPEC;
        specs
    };
    type Args = L::Pushed<P::Args>;
    #[inline(always)]
    fn args(&self) -> Self::Args {
        self.1.push(self.0.args())
    }
    #[inline(always)]
    fn max_len(&self) -> usize {
        let len = match self.1.value() {
            Value::Bytes(bytes) => bytes.len(),
            _ => INTEGER_MAX,
        };
        self.0.max_len().saturating_add(len)
    }
    fn write(&self, out: &mut LineWriter, pieces: &[&str]) {
        self.0.write(out, pieces);
        out.write_value(self.1.value(), L::KIND);
        out.write_bytes(pieces.get(Self::COUNT).copied().unwrap_or_default().as_bytes());
    }
}

/// The level and prefix of a message: `<level>prefix: `, or `KERN_CONT` for `pr_cont!`.
#[derive(Clone, Copy)]
pub struct Header {
    pub(super) first: Option<(Level, &'static CStr)>,
}

impl Header {
    /// A message at `level`, after the module prefix `prefix`.
    ///
    /// ```
    /// use kernel::print::{args::Header, level};
    /// const HEADER: Header = Header::new(level::INFO, c"hello");
    /// ```
    pub const fn new(level: Level, prefix: &'static CStr) -> Header {
        Header { first: Some((level, prefix)) }
    }

    /// A continuation of the previous message.
    pub const CONT: Header = Header { first: None };

    /// The two bytes of the level: `KERN_SOH` and the level's character.
    const fn level(&self) -> [u8; 2] {
        match self.first {
            Some((level, _)) => [level.0[0], level.0[1]],
            None => [bindings::KERN_CONT[0], bindings::KERN_CONT[1]],
        }
    }

    /// The length of the header in a printk format.
    const fn len(&self) -> usize {
        match self.first {
            Some((_, prefix)) => 2 + escaped_len(prefix.to_bytes()) + 2,
            None => 2,
        }
    }
}

/// The length of `text` in a printk format, with each `%` doubled.
const fn escaped_len(text: &[u8]) -> usize {
    let mut len = text.len();
    let mut i = 0;
    while i < text.len() {
        if text[i] == b'%' {
            len += 1;
        }
        i += 1;
    }
    len
}

/// A message's literal text, from the `printk` macro.
///
/// ```
/// use kernel::print::args::{Header, Message};
/// use kernel::print::level;
/// struct Hello;
/// impl Message for Hello {
///     const HEADER: Header = Header::new(level::INFO, c"hello");
///     const PIECES: &'static [&'static str] = &["100% of ", "\n"];
/// }
/// // "\x01" "6" "hello: " "100%% of " and a conversion of at most 5 bytes, "\n", NUL.
/// assert_eq!(Hello::SIZE, 2 + 7 + 9 + 5 + 1 + 1);
/// ```
pub trait Message {
    /// The level and prefix.
    const HEADER: Header;
    /// The literal text before, between and after the placeholders.
    const PIECES: &'static [&'static str];
    /// The bytes of the format without its conversions.
    const FIXED_LEN: usize = {
        let mut len = Self::HEADER.len();
        let mut i = 0;
        while i < Self::PIECES.len() {
            len += escaped_len(Self::PIECES[i].as_bytes());
            i += 1;
        }
        len
    };
    /// Room for the whole format, conversions and NUL included.
    const SIZE: usize = Self::FIXED_LEN + Self::PIECES.len().saturating_sub(1) * MAX_SPEC + 1;
}

/// Copies `text` into `out` at `at`, each `%` doubled; returns where it ended.
const fn escape<const N: usize>(out: &mut [u8; N], mut at: usize, text: &[u8]) -> usize {
    let mut i = 0;
    while i < text.len() {
        assert!(text[i] != 0, "pr_*!: a NUL in the message");
        if text[i] == b'%' {
            out[at] = b'%';
            at += 1;
        }
        out[at] = text[i];
        at += 1;
        i += 1;
    }
    at
}

/// The printk format of message `M` with arguments `T`, in `N` bytes.
struct Format<M, T, const N: usize>(PhantomData<(M, T)>);

impl<M: Message, T: Tags, const N: usize> Format<M, T, N> {
    /// The format: header, then the escaped pieces with each argument's conversion between them,
    /// then NUL (and more NULs up to `N`).
    const BYTES: [u8; N] = {
        assert!(M::PIECES.len() == T::COUNT + 1, "pr_*!: as many placeholders as arguments");
        let mut out = [0u8; N];
        let level = M::HEADER.level();
        out[0] = level[0];
        out[1] = level[1];
        let mut at = 2;
        if let Some((_, prefix)) = M::HEADER.first {
            at = escape(&mut out, at, prefix.to_bytes());
            at = escape(&mut out, at, b": ");
        }
        let mut i = 0;
        while i < M::PIECES.len() {
            at = escape(&mut out, at, M::PIECES[i].as_bytes());
            if i < T::COUNT {
                let spec = T::SPECS[i];
                assert!(spec.len() <= MAX_SPEC);
                let mut j = 0;
                while j < spec.len() {
                    out[at] = spec[j];
                    at += 1;
                    j += 1;
                }
            }
            i += 1;
        }
        assert!(at < N, "pr_*!: the format does not fit");
        out
    };
    const FMT: &'static [u8; N] = &Self::BYTES;
}

/// The printk format of message `M` with the arguments `tags`, in `N` bytes (`M::SIZE`): what
/// [`print`] passes to `_printk`.
///
/// ```
/// use kernel::print::args::{format, Arg, FastArg as _, Header, Message, SlowArg as _};
/// use kernel::print::args::{ALT_LOWER_HEX, DISPLAY};
/// use kernel::print::level;
/// struct Progress;
/// impl Message for Progress {
///     const HEADER: Header = Header::new(level::INFO, c"hello");
///     const PIECES: &'static [&'static str] = &["", "% of ", " at ", "\n"];
/// }
/// let tags = (&Arg::<_, DISPLAY>(&7u8)).__kmod_rs_tag();
/// let tags = (((), tags), (&Arg::<_, DISPLAY>(&"all")).__kmod_rs_tag());
/// let tags = (tags, (&Arg::<_, ALT_LOWER_HEX>(&-1i64)).__kmod_rs_tag());
/// let format = format::<Progress, { Progress::SIZE }, _>(&tags);
/// assert_eq!(format.split(|&b| b == 0).next(), Some(&b"\x016hello: %u%% of %.*s at %#llx\n"[..]));
/// ```
pub fn format<M: Message, const N: usize, T: Tags>(_tags: &T) -> &'static [u8; N] {
    Format::<M, T, N>::FMT
}

/// A list of C varargs, as [`Tags::args`] builds it, that `_printk` can take.
pub trait Call {
    /// Calls `_printk(format, ...)` with the varargs.
    ///
    /// # Safety
    ///
    /// `format` is a NUL-terminated printk format whose conversions consume (a prefix of) the
    /// varargs, reading each as its type.
    unsafe fn call(self, format: *const c_char);
}

/// The types that go to `_printk` as varargs.
pub trait CVarArg: Copy + private::Sealed {}

mod private {
    pub trait Sealed {}
}

macro_rules! c_var_args {
    ($($ty:ty),*) => {$(
        impl private::Sealed for $ty {}
        impl CVarArg for $ty {}
    )*};
}

// `c_long` and `c_longlong` are both `i64` on x86_64 (and their unsigned twins `u64`).
c_var_args!(c_int, c_uint, c_long, c_ulong, *const c_char);

/// The list type `(((), A), B)` of `A B`, or the pattern of names.
macro_rules! list {
    ($acc:tt;) => { $acc };
    ($acc:tt; $head:tt $($rest:tt)*) => { list!(($acc, $head); $($rest)*) };
}

/// Implements [`Call`] for lists of each length up to that of its arguments.
macro_rules! call_impls {
    ($(($ty:ident $var:ident))*) => {
        call_impls!(@impl []; $(($ty $var))*);
    };
    (@impl [$(($ty:ident $var:ident))*]; ) => {
        call_impls!(@one $(($ty $var))*);
    };
    (@impl [$(($ty:ident $var:ident))*]; ($next:ident $nvar:ident) $($rest:tt)*) => {
        call_impls!(@one $(($ty $var))*);
        call_impls!(@impl [$(($ty $var))* ($next $nvar)]; $($rest)*);
    };
    (@one $(($ty:ident $var:ident))*) => {
        impl<$($ty: CVarArg),*> Call for list!((); $($ty)*) {
            #[inline(always)]
            unsafe fn call(self, format: *const c_char) {
                let list!((); $($var)*) = self;
                // SAFETY: the caller's.
                unsafe { bindings::_printk(format, $($var),*) };
            }
        }
    };
}

call_impls!(
    (A0 a0) (A1 a1) (A2 a2) (A3 a3) (A4 a4) (A5 a5) (A6 a6) (A7 a7) (A8 a8) (A9 a9) (A10 a10) (A11 a11)
    (A12 a12) (A13 a13) (A14 a14) (A15 a15) (A16 a16) (A17 a17) (A18 a18) (A19 a19) (A20 a20) (A21 a21)
    (A22 a22) (A23 a23)
);

/// Prints message `M` with the arguments `tags`, in a printk format of `N` bytes: one `_printk`
/// call with the format built at compile time if every argument is fast and the message fits a
/// printk record; in pieces if it may not fit; with `fallback` (`core::fmt`) if an argument is
/// slow. Called by the `printk` macro.
///
/// ```ignore
/// use kernel::print::args::{print, Header, Message};
/// use kernel::print::level;
/// struct Loaded;
/// impl Message for Loaded {
///     const HEADER: Header = Header::new(level::INFO, c"hello");
///     const PIECES: &'static [&'static str] = &["loaded\n"];
/// }
/// // In a module: prints "hello: loaded".
/// print::<Loaded, { Loaded::SIZE }, _, _>(&(), || {});
/// ```
#[inline(always)]
pub fn print<M: Message, const N: usize, T: Tags, F: FnOnce()>(tags: &T, fallback: F)
where
    T::Args: Call,
{
    if !T::FAST {
        fallback();
    } else if M::FIXED_LEN.saturating_add(tags.max_len()) <= RECORD_MAX {
        let format = format::<M, N, T>(tags);
        // SAFETY: `format` is NUL-terminated (`BYTES` ends with a NUL). Its header has no
        // conversion; its pieces have each `%` doubled; between them it has the conversion of
        // each argument in order, each consuming exactly what the argument adds to `args`
        // (`Tags`). The lengths of `%.*s` are those of strings shorter than the message,
        // shorter than `RECORD_MAX`.
        unsafe { tags.args().call(format.as_ptr().cast()) };
    } else {
        print_long::<M, T>(tags);
    }
}

/// Prints a message too long for one printk record, through a buffer.
#[cold]
#[inline(never)]
fn print_long<M: Message, T: Tags>(tags: &T) {
    let mut out = LineWriter::new(M::HEADER);
    tags.write(&mut out, M::PIECES);
    out.flush();
}
