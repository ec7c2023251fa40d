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
mod sink;
mod tag;

// What the `printk` macro's expansion and the doc examples name, and the types their signatures
// show; the rest stays inside.
pub use call::{CVarArg, Call};
pub use conversion::{Conversion, Value, ALT_LOWER_HEX, DEBUG, DISPLAY, LOWER_HEX, UPPER_HEX};
pub use fallback::Formatted;
pub use format::{format, Message};
pub use header::Header;
pub use list::Tags;
pub(crate) use sink::RECORD_MAX;
pub use sink::{print_fmt, Out, Printk, Sink};
pub use tag::{Arg, Fast, FastArg, Slow, SlowArg, Tag};

/// Prints message `M` with the arguments `tags` to `sink`, in a format of `N` bytes: one call
/// of the sink's C function with the format built at compile time if every argument is fast and
/// the message fits the sink's limit; in pieces if it may not fit; with `fallback`
/// (`core::fmt`) if an argument is slow. Called by the `printk` macro.
///
/// ```ignore,kernel
/// use kernel::print::args::{print, Header, Message, Printk};
/// use kernel::print::level;
/// struct Loaded;
/// impl Message for Loaded {
///     const HEADER: Header = Header::new(level::INFO, c"hello");
///     const PIECES: &'static [&'static str] = &["loaded\n"];
/// }
/// // In a module: prints "hello: loaded".
/// print::<Loaded, { Loaded::SIZE }, _, _, _>(&Printk, &(), || {});
/// ```
#[inline(always)]
pub fn print<M: Message, const N: usize, T: Tags, S: Sink, F: FnOnce()>(sink: &S, tags: &T, fallback: F)
where
    T::Args: Call,
{
    if !T::FAST {
        fallback();
    } else if M::FIXED_LEN.saturating_add(tags.max_len()) <= S::LIMIT {
        let format = format::<M, N, T>(tags);
        // SAFETY: `format` is NUL-terminated (`BYTES` ends with a NUL) and starts with the
        // message's header, which the macro chose for the sink. Its pieces have each `%`
        // doubled; between them it has the conversion of each argument in order, each consuming
        // exactly what the argument adds to `args` (`Tags`). It prints at most `FIXED_LEN` plus
        // `max_len` bytes, within the sink's limit (and the lengths of `%.*s`, shorter, fit an
        // `int`: every limit does).
        unsafe { sink.call(tags.args(), format.as_ptr().cast()) };
    } else {
        print_long::<M, T, S>(sink, tags);
    }
}

/// Prints a message too long for one call of its sink, in pieces.
#[cold]
#[inline(never)]
fn print_long<M: Message, T: Tags, S: Sink>(sink: &S, tags: &T) {
    let mut out = sink.writer(M::HEADER);
    tags.write(&mut out, M::PIECES);
    out.flush();
}
