//! The C structures `module!` puts in the module for the kernel to find its parameters by:
//! `struct kernel_param` in the `__param` section, and `struct kparam_array` for an array.

use super::ParamLock;
use crate::bindings;
use crate::str::CStr;

/// A `struct kernel_param`: what the kernel finds in the `__param` section of a module.
#[doc(hidden)]
#[repr(transparent)]
pub struct KernelParam(bindings::kernel_param);

// SAFETY: only read, by the kernel, which synchronises access to what it points to.
unsafe impl Sync for KernelParam {}

impl KernelParam {
    pub(super) const fn new(
        name: &'static CStr,
        lock: &ParamLock,
        ops: *const bindings::kernel_param_ops,
        perm: u16,
        arg: bindings::kernel_param__bindgen_ty_1,
    ) -> Self {
        KernelParam(bindings::kernel_param {
            name: name.as_ptr(),
            mod_: lock.module().as_ptr(),
            ops,
            perm,
            // What C's `module_param()` gives: no initcall level, no flags.
            level: -1,
            flags: 0,
            __bindgen_anon_1: arg,
        })
    }
}

/// A `struct kparam_array`: where an array parameter's values and count are.
#[doc(hidden)]
#[repr(transparent)]
pub struct KParamArray(pub(super) bindings::kparam_array);

// SAFETY: only read, by the kernel, which synchronises access to what it points to.
unsafe impl Sync for KParamArray {}
