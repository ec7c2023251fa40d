//! Sequence files: [`SeqFile`], the kernel's `struct seq_file`, through which a file's
//! `show_fdinfo` (and `/proc` files) print text, and [`seq_print!`](crate::seq_print).
//!
//! ```ignore
//! fn show_fdinfo(me: Pin<&Self>, m: &SeqFile, _file: &File) {
//!     seq_print!(m, "bytes: {}\n", me.len());
//! }
//! ```

use crate::bindings;
use crate::types::Opaque;
use core::fmt::{self, Write};
use core::marker::PhantomData;

/// A sequence file being printed to.
///
/// Not `Send` or `Sync`: it is used by the one thread filling it.
///
/// ```ignore
/// m.call_printf(format_args!("pos: {}\n", pos));
/// ```
///
/// # Invariants
///
/// `inner` is a valid `struct seq_file` that only the current thread writes to while borrowed.
#[repr(transparent)]
pub struct SeqFile {
    inner: Opaque<bindings::seq_file>,
    _not_send: PhantomData<*mut ()>,
}

impl SeqFile {
    /// The `SeqFile` for a C `struct seq_file`.
    ///
    /// # Safety
    ///
    /// `ptr` is a valid `struct seq_file` that only the current thread uses for `'a`.
    ///
    /// ```ignore
    /// // SAFETY: the `seq_file` `show_fdinfo` was called with.
    /// let m = unsafe { SeqFile::from_raw(seq_file) };
    /// ```
    pub unsafe fn from_raw<'a>(ptr: *mut bindings::seq_file) -> &'a SeqFile {
        // SAFETY: `SeqFile` is a transparent wrapper; the caller guarantees the invariants.
        unsafe { &*ptr.cast::<SeqFile>() }
    }

    /// Appends formatted text (`seq_printf()`); see [`seq_print!`](crate::seq_print). Text past
    /// the file's buffer is dropped, and the kernel retries with a larger one, as for C.
    ///
    /// ```ignore
    /// m.call_printf(format_args!("flags: {:#x}\n", flags));
    /// ```
    pub fn call_printf(&self, args: fmt::Arguments<'_>) {
        // The sink cannot fail; a failing `Display` impl only ends the text early.
        let _ = Sink(self).write_fmt(args);
    }
}

/// Writes formatted text into a [`SeqFile`] piece by piece (the kernel's `%pA` exists only with
/// `CONFIG_RUST`, so `seq_write()` takes the pieces instead).
struct Sink<'a>(&'a SeqFile);

impl Write for Sink<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        // SAFETY: the file is valid and used only by this thread (type invariant); `s` is valid
        // for its length. On overflow `seq_write()` marks the file, which the kernel handles.
        unsafe { bindings::seq_write(self.0.inner.get(), s.as_ptr().cast(), s.len()) };
        Ok(())
    }
}

/// Prints to a [`SeqFile`] with a `format!`-style message: upstream's `seq_print!`.
///
/// ```ignore
/// seq_print!(m, "opened {} times\n", count);
/// ```
#[macro_export]
macro_rules! seq_print {
    ($m:expr, $($arg:tt)+) => (
        $m.call_printf(::core::format_args!($($arg)+))
    );
}

pub use crate::seq_print;
