//! Printing to the kernel log: `pr_info!` and friends.
//!
//! A message whose placeholders are plain (`{}`, `{:?}`, `{:x}`, `{:#x}`, `{:X}`) and whose
//! arguments are integers, `bool`s, `str`s or `CStr`s is printed as C prints it: one `_printk`
//! call with a format built at compile time (`"\x01" "6" "hello: iteration %u of %u\n"`), the
//! arguments as C varargs (the hidden module `args`). No `core::fmt` code is involved, and printk
//! formats the message once.
//!
//! Other messages are formatted with `core::fmt` into a bounded buffer on the stack and handed
//! to printk with `"%.*s"` (the kernel's own `%pA` exists only with `CONFIG_RUST`). A message
//! longer than the buffer, or one of the first kind that could be longer than a printk record
//! (about 1 KiB), is printed in several pieces, the later ones as continuations (`KERN_CONT`), so
//! nothing is lost; printk itself starts a new record when one grows past its line limit. Every
//! message is prefixed with the module name, like C's `pr_fmt(fmt) KBUILD_MODNAME ": " fmt`.
//!
//! ```ignore,kernel
//! # let (count, size, value) = (4, 4096, 0x2au32);
//! pr_info!("loaded with {} buffers of {} bytes\n", count, size);
//! pr_warn!("odd value {:#x}\n", value);
//! ```

use crate::bindings;
use crate::device::Device;
use core::ffi::{c_int, CStr};
use core::fmt::{self, Write};

// Reached by the expansion of `pr_*!` (the `printk` macro) and by doc examples, not an API.
#[doc(hidden)]
pub mod args;
mod dbg;

#[doc(hidden)]
pub use macros::printk;

/// Bytes formatted before they are handed to printk. Bounded so the stack frame stays small.
pub const BUFFER_SIZE: usize = 256;

/// A printk level, as the NUL-terminated format `<KERN_level>%s: %.*s` printed with it.
#[derive(Clone, Copy)]
pub struct Level(&'static [u8; 11]);

impl Level {
    /// The two bytes of the level in a format: `KERN_SOH` and the level's character.
    const fn kern(&self) -> &'static [u8] {
        self.0.split_at(2).0
    }

    /// The level as `_dev_printk()` takes it: `KERN_<LEVEL>` alone, NUL-terminated.
    pub(crate) fn kern_str(&self) -> [u8; 3] {
        [self.0[0], self.0[1], 0]
    }
}

/// The printk levels, from `KERN_EMERG` to `KERN_DEBUG`.
pub mod level {
    use super::{format, Level, FIRST};
    use crate::bindings;

    /// System is unusable.
    pub const EMERG: Level = Level(&format(bindings::KERN_EMERG, FIRST));
    /// Action must be taken immediately.
    pub const ALERT: Level = Level(&format(bindings::KERN_ALERT, FIRST));
    /// Critical conditions.
    pub const CRIT: Level = Level(&format(bindings::KERN_CRIT, FIRST));
    /// Error conditions.
    pub const ERR: Level = Level(&format(bindings::KERN_ERR, FIRST));
    /// Warning conditions.
    pub const WARNING: Level = Level(&format(bindings::KERN_WARNING, FIRST));
    /// Normal but significant condition.
    pub const NOTICE: Level = Level(&format(bindings::KERN_NOTICE, FIRST));
    /// Informational.
    pub const INFO: Level = Level(&format(bindings::KERN_INFO, FIRST));
    /// Debug-level messages.
    pub const DEBUG: Level = Level(&format(bindings::KERN_DEBUG, FIRST));
}

/// Builds `<level><tail>` as a printk format at compile time; `tail` ends with its NUL.
const fn format<const N: usize>(level: &[u8; 3], tail: &[u8]) -> [u8; N] {
    assert!(N == 2 + tail.len());
    let mut out = [0u8; N];
    // `level` is `KERN_SOH`, the level character and a NUL.
    out[0] = level[0];
    out[1] = level[1];
    let mut i = 0;
    while i < tail.len() {
        out[2 + i] = tail[i];
        i += 1;
    }
    out
}

/// The module prefix, then the first piece of the message.
const FIRST: &[u8] = b"%s: %.*s\0";
/// The first piece of a message about a device: `dev_printk()` adds the driver and device names.
const DEVICE: &[u8] = b"%.*s\0";
/// A further piece of the same message.
const CONT: [u8; 7] = format(bindings::KERN_CONT, b"%.*s\0");

/// Formats into a fixed buffer and passes each full buffer on to printk.
///
/// # Invariants
///
/// `len <= BUFFER_SIZE`.
#[doc(hidden)]
pub struct LineWriter<'a> {
    /// The level and prefix of the first piece; `None` once a piece was printed.
    first: Option<(Level, &'static CStr)>,
    /// The device the message is about (`dev_printk()`).
    device: Option<&'a Device>,
    len: usize,
    buf: [u8; BUFFER_SIZE],
}

impl LineWriter<'static> {
    /// A writer for a message with `header` (a continuation unless it has a level).
    pub(crate) fn new(header: args::Header) -> Self {
        LineWriter { first: header.first(), device: None, len: 0, buf: [0; BUFFER_SIZE] }
    }
}

impl<'a> LineWriter<'a> {
    /// A writer for a message at `level` about the device `dev`.
    pub(crate) fn for_device(level: Level, dev: &'a Device) -> Self {
        // The prefix is unused: the device's names take its place.
        LineWriter { first: Some((level, c"")), device: Some(dev), len: 0, buf: [0; BUFFER_SIZE] }
    }
}

impl args::Out for LineWriter<'_> {
    /// Prints the buffer.
    fn flush(&mut self) {
        let len = self.len as c_int;
        let buf = self.buf.as_ptr();
        // SAFETY: the formats are NUL-terminated and consume exactly the arguments given: a
        // NUL-terminated module prefix (not for a device), then a length and a buffer holding at
        // least that many bytes. `device` is live while borrowed (its type invariant).
        unsafe {
            match (self.first.take(), self.device) {
                (Some((level, _)), Some(device)) => {
                    let level = level.kern_str();
                    bindings::_dev_printk(
                        level.as_ptr().cast(),
                        device.as_raw(),
                        DEVICE.as_ptr().cast(),
                        len,
                        buf,
                    );
                }
                (Some((level, prefix)), None) => {
                    bindings::_printk(level.0.as_ptr().cast(), prefix.as_ptr(), len, buf);
                }
                (None, _) => {
                    bindings::_printk(CONT.as_ptr().cast(), len, buf);
                }
            }
        }
        self.len = 0;
    }

    /// Appends `bytes`, printing the buffer whenever it is full.
    fn write_bytes(&mut self, mut bytes: &[u8]) {
        // Splitting inside a UTF-8 sequence is fine: printk joins the pieces again.
        while !bytes.is_empty() {
            if self.len == BUFFER_SIZE {
                self.flush();
            }
            let n = bytes.len().min(BUFFER_SIZE - self.len);
            // SAFETY: `len <= BUFFER_SIZE` (type invariant), so `len + n <= BUFFER_SIZE` and
            // `n <= bytes.len()`: both ranges are in bounds, and they do not overlap. (Copying
            // with unchecked bounds keeps panics, and the formatting they bring, out of every
            // module that prints.)
            unsafe { core::ptr::copy_nonoverlapping(bytes.as_ptr(), self.buf.as_mut_ptr().add(self.len), n) };
            // INVARIANT: see above.
            self.len += n;
            bytes = bytes.get(n..).unwrap_or_default();
        }
    }
}

impl Write for LineWriter<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        args::Out::write_bytes(self, s.as_bytes());
        Ok(())
    }
}

/// Prints a formatted message at `level` with the module `prefix`. Used by the `pr_*!` macros.
#[doc(hidden)]
pub fn call_printk(level: Level, prefix: &'static CStr, args: fmt::Arguments<'_>) {
    args::print_fmt(&args::Printk, args::Header::new(level, prefix), args);
}

/// Prints a continuation of the previous message (`KERN_CONT`). Used by [`pr_cont!`].
#[doc(hidden)]
pub fn call_printk_cont(args: fmt::Arguments<'_>) {
    args::print_fmt(&args::Printk, args::Header::CONT, args);
}

/// The location part of a panic message: printk formats the line and column itself.
#[cfg(target_os = "none")]
const PANIC_AT_TAIL: &[u8] = b"%s: panicked at %.*s:%u:%u: \0";
#[cfg(target_os = "none")]
const PANIC_AT: [u8; 2 + PANIC_AT_TAIL.len()] = format(bindings::KERN_EMERG, PANIC_AT_TAIL);

/// Prints a panic at `KERN_EMERG`: `<prefix>: panicked at <file>:<line>:<column>: <message>`.
///
/// The location goes through printk's own `%u`, and a message without arguments is copied as
/// is, so a module pulls in `core::fmt` only if its own code formats something.
#[cfg(target_os = "none")]
pub(crate) fn print_panic(
    prefix: &CStr,
    file: &str,
    line: u32,
    column: u32,
    message: core::panic::PanicMessage<'_>,
) {
    // SAFETY: the format is NUL-terminated and its conversions match the arguments: a C string,
    // a length and at least that many bytes, then two unsigned ints.
    unsafe {
        bindings::_printk(
            PANIC_AT.as_ptr().cast(),
            prefix.as_ptr(),
            file.len() as c_int,
            file.as_ptr(),
            line,
            column,
        )
    };
    let mut writer = LineWriter::new(args::Header::CONT);
    let _ = match message.as_str() {
        Some(text) => writer.write_str(text),
        None => writer.write_fmt(format_args!("{message}")),
    };
    let _ = writer.write_str("\n");
    args::Out::flush(&mut writer);
}

// `crate::__LOG_PREFIX` is deliberately the calling crate's: `module!` defines it as the module name.
//
// A literal format goes to the `printk` procedural macro with each argument parsed as an
// expression, in parentheses, so that the macro need not parse Rust; anything else (a format
// made by a macro) to `core::fmt` as it is.
#[allow(clippy::crate_in_macro_def)]
#[doc(hidden)]
#[macro_export]
macro_rules! print_macro (
    ($level:ident, $fmt:literal $(, $arg:expr)* $(,)?) => (
        $crate::print::printk!(
            $crate,
            ($crate::print::args::Printk),
            ($crate::print::args::Header::new($crate::print::level::$level, crate::__LOG_PREFIX)),
            $fmt $(, ($arg))*
        )
    );
    ($level:ident, $($arg:tt)+) => (
        $crate::print::call_printk($crate::print::level::$level, crate::__LOG_PREFIX, format_args!($($arg)+))
    );
);

/// Prints an emergency message (`KERN_EMERG`): the system is unusable.
///
/// ```ignore,kernel,no_run
/// # fn fatal(reason: &str) {
/// pr_emerg!("cannot continue: {}\n", reason);
/// # }
/// ```
#[macro_export]
macro_rules! pr_emerg (($($arg:tt)+) => ($crate::print_macro!(EMERG, $($arg)+)));

/// Prints an alert (`KERN_ALERT`): action must be taken immediately.
///
/// ```ignore,kernel,no_run
/// # fn overheated(id: u32) {
/// pr_alert!("device {} is on fire\n", id);
/// # }
/// ```
#[macro_export]
macro_rules! pr_alert (($($arg:tt)+) => ($crate::print_macro!(ALERT, $($arg)+)));

/// Prints a critical message (`KERN_CRIT`).
///
/// ```ignore,kernel,no_run
/// # fn lost(n: u64) {
/// pr_crit!("lost {} interrupts\n", n);
/// # }
/// ```
#[macro_export]
macro_rules! pr_crit (($($arg:tt)+) => ($crate::print_macro!(CRIT, $($arg)+)));

/// Prints an error message (`KERN_ERR`).
///
/// ```ignore,kernel,no_run
/// # fn failed(err: Error) {
/// pr_err!("registration failed: {:?}\n", err);
/// # }
/// ```
#[macro_export]
macro_rules! pr_err (($($arg:tt)+) => ($crate::print_macro!(ERR, $($arg)+)));

/// Prints a warning (`KERN_WARNING`).
///
/// ```ignore,kernel
/// # let (value, default) = (300, 255);
/// pr_warn!("value {} out of range, using {}\n", value, default);
/// ```
#[macro_export]
macro_rules! pr_warn (($($arg:tt)+) => ($crate::print_macro!(WARNING, $($arg)+)));

/// Prints a notice (`KERN_NOTICE`): normal but significant.
///
/// ```ignore,kernel
/// pr_notice!("switching to polling mode\n");
/// ```
#[macro_export]
macro_rules! pr_notice (($($arg:tt)+) => ($crate::print_macro!(NOTICE, $($arg)+)));

/// Prints an informational message (`KERN_INFO`).
///
/// ```ignore,kernel
/// pr_info!("hello from {}\n", "Rust");
/// ```
#[macro_export]
macro_rules! pr_info (($($arg:tt)+) => ($crate::print_macro!(INFO, $($arg)+)));

/// Prints a debug message (`KERN_DEBUG`), only in builds with debug assertions.
///
/// Like upstream's, and unlike C's dynamic-debug `pr_debug`, it is compiled out otherwise; the
/// arguments are still type-checked.
///
/// ```ignore,kernel
/// # #[derive(Debug)]
/// # enum State {
/// #     Idle,
/// # }
/// # let state = State::Idle;
/// pr_debug!("state {:?}\n", state);
/// ```
#[macro_export]
macro_rules! pr_debug (($($arg:tt)+) => (
    if cfg!(debug_assertions) {
        $crate::print_macro!(DEBUG, $($arg)+)
    }
));

/// Continues the previous message (`KERN_CONT`), without level or prefix.
///
/// ```ignore,kernel
/// # let values = [1, 2, 3];
/// pr_info!("values:");
/// for v in values {
///     pr_cont!(" {}", v);
/// }
/// pr_cont!("\n");
/// ```
#[macro_export]
macro_rules! pr_cont (
    ($fmt:literal $(, $arg:expr)* $(,)?) => (
        $crate::print::printk!($crate, ($crate::print::args::Printk), ($crate::print::args::Header::CONT), $fmt $(, ($arg))*)
    );
    ($($arg:tt)+) => ($crate::print::call_printk_cont(format_args!($($arg)+)));
);
