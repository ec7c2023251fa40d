//! The C calls of a message with its C varargs: one implementation per number of varargs.

use crate::bindings;
use core::ffi::{c_char, c_int, c_long, c_uint, c_ulong};

/// A list of C varargs, as [`Tags::args`](super::Tags::args) builds it, that the printing
/// functions of C can take after their format.
pub trait Call {
    /// Calls `_printk(format, ...)` with the varargs.
    ///
    /// # Safety
    ///
    /// `format` is a NUL-terminated printk format whose conversions consume (a prefix of) the
    /// varargs, reading each as its type.
    unsafe fn printk(self, format: *const c_char);

    /// Calls `_dev_printk(level, dev, format, ...)` with the varargs.
    ///
    /// # Safety
    ///
    /// As for [`Call::printk`], and `level` is a `KERN_<LEVEL>` string, `dev` a live device.
    unsafe fn dev_printk(self, level: *const c_char, dev: *const bindings::device, format: *const c_char);

    /// Calls `seq_printf(m, format, ...)` with the varargs.
    ///
    /// # Safety
    ///
    /// As for [`Call::printk`], and `m` is a `struct seq_file` only this thread writes to.
    unsafe fn seq_printf(self, m: *mut bindings::seq_file, format: *const c_char);
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

// `c_long` and `c_longlong` are both `i64` on the 64-bit targets, x86_64 and aarch64 (and their
// unsigned twins `u64`).
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
            unsafe fn printk(self, format: *const c_char) {
                let list!((); $($var)*) = self;
                // SAFETY: the caller's.
                unsafe { bindings::_printk(format, $($var),*) };
            }

            #[inline(always)]
            unsafe fn dev_printk(self, level: *const c_char, dev: *const bindings::device, format: *const c_char) {
                let list!((); $($var)*) = self;
                // SAFETY: the caller's.
                unsafe { bindings::_dev_printk(level, dev, format, $($var),*) };
            }

            #[inline(always)]
            unsafe fn seq_printf(self, m: *mut bindings::seq_file, format: *const c_char) {
                let list!((); $($var)*) = self;
                // SAFETY: the caller's.
                unsafe { bindings::seq_printf(m, format, $($var),*) };
            }
        }
    };
}

call_impls!(
    (A0 a0) (A1 a1) (A2 a2) (A3 a3) (A4 a4) (A5 a5) (A6 a6) (A7 a7) (A8 a8) (A9 a9) (A10 a10) (A11 a11)
    (A12 a12) (A13 a13) (A14 a14) (A15 a15) (A16 a16) (A17 a17) (A18 a18) (A19 a19) (A20 a20) (A21 a21)
    (A22 a22) (A23 a23)
);
