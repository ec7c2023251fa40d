//! Where a message goes ([`Sink`]): the kernel log, a device's messages, a sequence file. Each
//! takes the same compile-time format and C varargs, or text written in pieces ([`Out`]).

use super::{Call, Header, Value, ALT_LOWER_HEX, LOWER_HEX, UPPER_HEX};
use crate::print::LineWriter;
use core::ffi::c_char;
use core::fmt::{self, Write};

/// Text of a message written in pieces: a message `core::fmt` formats, or one too long for one
/// call of its sink.
pub trait Out: Write {
    /// Appends bytes.
    fn write_bytes(&mut self, bytes: &[u8]);

    /// Hands over what is still buffered.
    fn flush(&mut self) {}

    /// Appends a value as printk prints it for the placeholder `kind`.
    fn write_value(&mut self, value: Value<'_>, kind: u8) {
        let (negative, magnitude) = match value {
            Value::Bytes(bytes) => return self.write_bytes(bytes),
            Value::Signed(v) => (v < 0, v.unsigned_abs()),
            Value::Unsigned(v) => (false, v),
        };
        let (radix, digits): (u64, &[u8; 16]) = match kind {
            LOWER_HEX | ALT_LOWER_HEX => (16, b"0123456789abcdef"),
            UPPER_HEX => (16, b"0123456789ABCDEF"),
            _ => (10, b"0123456789abcdef"),
        };
        // Digits from the end: 20 for `u64::MAX` in decimal.
        let mut text = [0u8; 20];
        let mut start = text.len();
        let mut rest = magnitude;
        for slot in text.iter_mut().rev() {
            *slot = digits[(rest % radix) as usize & 15];
            start -= 1;
            rest /= radix;
            if rest == 0 {
                break;
            }
        }
        if negative {
            self.write_bytes(b"-");
        }
        if kind == ALT_LOWER_HEX {
            self.write_bytes(b"0x");
        }
        self.write_bytes(text.get(start..).unwrap_or_default());
    }
}

/// Where the expansion of `pr_*!`, `dev_*!` and `seq_print!` sends a message.
pub trait Sink {
    /// The most bytes one [`Sink::call`] prints whole, format included; a message that may be
    /// longer is written in pieces.
    const LIMIT: usize;
    /// What the pieces are written to, while the sink is borrowed.
    type Writer<'s>: Out
    where
        Self: 's;

    /// Prints `format` with the C varargs `args`: one call of the C function.
    ///
    /// # Safety
    ///
    /// `format` is a NUL-terminated format, starting with the header the sink expects, whose
    /// conversions consume the varargs in order, reading each as its type, and print at most
    /// [`Sink::LIMIT`] bytes.
    unsafe fn call<A: Call>(&self, args: A, format: *const c_char);

    /// A writer for a message with `header`, printed in pieces.
    fn writer(&self, header: Header) -> Self::Writer<'_>;
}

/// The kernel log: `_printk()`. The format starts with the message's level (and the module
/// prefix).
pub struct Printk;

impl Sink for Printk {
    const LIMIT: usize = RECORD_MAX;
    type Writer<'s> = LineWriter<'static>;

    #[inline(always)]
    unsafe fn call<A: Call>(&self, args: A, format: *const c_char) {
        // SAFETY: the caller's.
        unsafe { args.printk(format) };
    }

    fn writer(&self, header: Header) -> LineWriter<'static> {
        LineWriter::new(header)
    }
}

/// The most bytes a message printed with one `_printk` call may have: below a printk record's
/// text limit (991 bytes on 6.1, `LOG_LINE_MAX - 1`; 1023 on 6.12), level and prefix included.
/// A longer one is printed in pieces.
pub(crate) const RECORD_MAX: usize = 960;

/// Prints a message that `core::fmt` formats to `sink`, in pieces.
#[doc(hidden)]
pub fn print_fmt<S: Sink>(sink: &S, header: Header, args: fmt::Arguments<'_>) {
    let mut out = sink.writer(header);
    // The writers cannot fail; a `Display` impl that fails only ends the message early.
    let _ = match args.as_str() {
        Some(s) => out.write_str(s),
        None => out.write_fmt(args),
    };
    out.flush();
}
