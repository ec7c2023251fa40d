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

mod call;
mod conversion;
mod fallback;
mod format;
mod header;
mod impls;
mod list;
mod tag;

// What the `printk` macro's expansion and the doc examples name, and the types their signatures
// show; the rest stays inside.
pub use call::{CVarArg, Call};
pub use conversion::{Conversion, Value, ALT_LOWER_HEX, DEBUG, DISPLAY, LOWER_HEX, UPPER_HEX};
pub use fallback::Formatted;
pub use format::{format, Message};
pub use header::Header;
pub use list::Tags;
pub use tag::{Arg, Fast, FastArg, Slow, SlowArg, Tag};

use super::LineWriter;

/// The most bytes a message printed with one `_printk` call may have: below a printk record's
/// text limit (991 bytes on 6.1, `LOG_LINE_MAX - 1`; 1023 on 6.12), level and prefix included.
/// A longer one is printed in pieces.
const RECORD_MAX: usize = 960;

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
