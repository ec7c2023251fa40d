//! Sequence files: [`SeqFile`], the kernel's `struct seq_file`, through which a file's
//! `show_fdinfo` (and `/proc` files) print text, and [`seq_print!`](crate::seq_print).
//!
//! ```ignore,kernel,no_run
//! # use kernel::{fs::File, seq_file::SeqFile, seq_print};
//! # struct Buffer;
//! # impl Buffer {
//! #     fn len(&self) -> usize {
//! #         0
//! #     }
//! fn show_fdinfo(me: Pin<&Self>, m: &SeqFile, _file: &File) {
//!     seq_print!(m, "bytes: {}\n", me.len());
//! }
//! # }
//! ```

use crate::bindings;
use crate::print::args::{print_fmt, Call, Header, Out, Sink};
use crate::types::Opaque;
use core::ffi::{c_char, c_int};
use core::fmt::{self, Write};
use core::marker::PhantomData;

/// A sequence file being printed to.
///
/// Not `Send` or `Sync`: it is used by the one thread filling it.
///
/// ```ignore,kernel,no_run
/// # fn show(m: &kernel::seq_file::SeqFile, pos: i64) {
/// m.call_printf(format_args!("pos: {}\n", pos));
/// # }
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
    /// ```ignore,kernel,no_run
    /// # use kernel::{bindings, seq_file::SeqFile};
    /// # unsafe extern "C" fn show_fdinfo(seq_file: *mut bindings::seq_file, file: *mut bindings::file) {
    /// // SAFETY: the `seq_file` `show_fdinfo` was called with.
    /// let m = unsafe { SeqFile::from_raw(seq_file) };
    /// # }
    /// ```
    pub unsafe fn from_raw<'a>(ptr: *mut bindings::seq_file) -> &'a SeqFile {
        // SAFETY: `SeqFile` is a transparent wrapper; the caller guarantees the invariants.
        unsafe { &*ptr.cast::<SeqFile>() }
    }

    /// Appends formatted text (`seq_printf()`); see [`seq_print!`](crate::seq_print). Text past
    /// the file's buffer is dropped, and the kernel retries with a larger one, as for C.
    ///
    /// ```ignore,kernel,no_run
    /// # fn show(m: &kernel::seq_file::SeqFile, flags: u32) {
    /// m.call_printf(format_args!("flags: {:#x}\n", flags));
    /// # }
    /// ```
    pub fn call_printf(&self, args: fmt::Arguments<'_>) {
        print_fmt(&self, Header::BARE, args);
    }

    /// What `seq_print!` prints to: the file, found through any reference to it.
    #[doc(hidden)]
    pub fn __sink(&self) -> &SeqFile {
        self
    }
}

/// `seq_print!` with a format of its own prints with one `seq_printf()`; a message `core::fmt`
/// formats goes to `seq_write()` piece by piece (the kernel's `%pA` exists only with
/// `CONFIG_RUST`).
#[doc(hidden)]
impl Sink for &SeqFile {
    /// What a `%.*s` length can be.
    const LIMIT: usize = c_int::MAX as usize;
    type Writer<'s>
        = Pieces<'s>
    where
        Self: 's;

    #[inline(always)]
    unsafe fn call<A: Call>(&self, args: A, format: *const c_char) {
        // SAFETY: the file is valid and used only by this thread (type invariant); the rest is
        // the caller's. On overflow `seq_printf()` marks the file, which the kernel handles.
        unsafe { args.seq_printf(self.inner.get(), format) };
    }

    fn writer(&self, _header: Header) -> Pieces<'_> {
        Pieces(self)
    }
}

/// Text written into a [`SeqFile`] piece by piece.
#[doc(hidden)]
pub struct Pieces<'a>(&'a SeqFile);

impl Out for Pieces<'_> {
    fn write_bytes(&mut self, bytes: &[u8]) {
        // SAFETY: the file is valid and used only by this thread (type invariant); `bytes` is
        // valid for its length. On overflow `seq_write()` marks the file, which the kernel
        // handles.
        unsafe { bindings::seq_write(self.0.inner.get(), bytes.as_ptr().cast(), bytes.len()) };
    }
}

impl Write for Pieces<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.write_bytes(s.as_bytes());
        Ok(())
    }
}

/// Prints to a [`SeqFile`] with a `format!`-style message: upstream's `seq_print!`.
///
/// ```ignore,kernel,no_run
/// # use kernel::seq_print;
/// # fn show(m: &kernel::seq_file::SeqFile, count: u64) {
/// seq_print!(m, "opened {} times\n", count);
/// # }
/// ```
#[macro_export]
macro_rules! seq_print {
    ($m:expr, $fmt:literal $(, $arg:expr)* $(,)?) => (
        $crate::print::printk!(
            $crate,
            (($m).__sink()),
            ($crate::print::args::Header::BARE),
            $fmt $(, ($arg))*
        )
    );
    ($m:expr, $($arg:tt)+) => (
        $m.call_printf(::core::format_args!($($arg)+))
    );
}

pub use crate::seq_print;
