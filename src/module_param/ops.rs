//! Kernel parameter operations (`struct kernel_param_ops`) for the one type the kernel has none
//! for, `i8`: its `set` and `get` callbacks, called by the kernel.

use crate::bindings;
use core::ffi::{c_char, c_int};

/// `struct kernel_param_ops` in a `static`.
#[repr(transparent)]
struct KernelParamOps(bindings::kernel_param_ops);

// SAFETY: only read, by the kernel; the functions it points to may run on any CPU.
unsafe impl Sync for KernelParamOps {}

/// The kernel has operations for every integer type but `i8`: these parse and print it as the
/// others do, with `kstrtos8` (base 0: decimal, `0x` hex or `0` octal) and `%hhd`.
static I8_OPS: KernelParamOps =
    KernelParamOps(bindings::kernel_param_ops { flags: 0, set: Some(set_i8), get: Some(get_i8), free: None });

/// The operations of `i8` parameters, as [`Scalar::OPS`](super::Scalar::OPS) points to them.
pub(super) const PARAM_OPS_I8: *const bindings::kernel_param_ops = &raw const I8_OPS.0;

/// Parses `val` into the `i8` at `kp->arg` (`kernel_param_ops::set`).
///
/// # Safety
///
/// `val` is NUL-terminated and `kp->arg` points to an `i8` that nothing else accesses meanwhile,
/// as the kernel guarantees for `set` (it holds the parameter lock).
unsafe extern "C" fn set_i8(val: *const c_char, kp: *const bindings::kernel_param) -> c_int {
    // SAFETY: as the caller guarantees; `kstrtos8` writes the result only on success, like the
    // kernel's own `set` operations.
    unsafe { bindings::kstrtos8(val, 0, (*kp).__bindgen_anon_1.arg.cast()) }
}

/// Prints the `i8` at `kp->arg` with a newline (`kernel_param_ops::get`).
///
/// # Safety
///
/// `buffer` has room for a page and `kp->arg` points to an `i8`, as the kernel guarantees for
/// `get`.
unsafe extern "C" fn get_i8(buffer: *mut c_char, kp: *const bindings::kernel_param) -> c_int {
    // `scnprintf` with a page, as the kernel's own `get` operations: `sysfs_emit` would warn for
    // the elements of an array, which are printed at an offset into the page.
    // SAFETY: as the caller guarantees; the format takes exactly one `int`.
    unsafe {
        let value = *(*kp).__bindgen_anon_1.arg.cast::<i8>();
        bindings::scnprintf(buffer, bindings::PAGE_SIZE, c"%hhd\n".as_ptr(), c_int::from(value))
    }
}
