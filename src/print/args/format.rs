//! A message's printk format, built at compile time from its literal pieces and its arguments'
//! conversions.

use super::conversion::MAX_SPEC;
use super::{Header, Tags};
use core::marker::PhantomData;

/// The length of `text` in a printk format, with each `%` doubled.
pub(super) const fn escaped_len(text: &[u8]) -> usize {
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
        let mut at = 0;
        while at < level.len() {
            out[at] = level[at];
            at += 1;
        }
        if let Some((_, prefix)) = M::HEADER.first() {
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
/// [`print`](super::print) passes to `_printk`.
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
