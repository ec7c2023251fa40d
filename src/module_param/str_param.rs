//! String parameters, the kernel's `charp`.

use super::{writable, KernelParam, ParamGuard, ParamLock};
use crate::bindings;
use crate::str::CStr;
use core::cell::UnsafeCell;
use core::ffi::c_char;
use core::ptr::NonNull;

/// A string parameter (`greeting: str { ... }` in `module!`), a C `charp`; `PERM` are its
/// permissions.
///
/// ```ignore,kernel
/// # #[allow(non_upper_case_globals)]
/// # mod module_parameters {
/// #     use kernel::module_param::{ArrayParam, Param, ParamLock, StrParam};
/// #     static LOCK: ParamLock = ParamLock::new(&crate::THIS_MODULE);
/// #     pub static count: Param<u32, 0o644> = Param::new(3, &LOCK);
/// #     pub static verbose: Param<bool, 0> = Param::new(false, &LOCK);
/// #     pub static greeting: StrParam<0o444> = StrParam::new(c"hello", &LOCK);
/// #     pub static weights: ArrayParam<i32, 4, 0o644> = ArrayParam::new(&[1, 2], &LOCK);
/// # }
/// pr_info!("{}, world\n", module_parameters::greeting.read());
/// ```
pub struct StrParam<const PERM: u16> {
    /// The kernel's `char *`: the default, or a copy the kernel allocated (and frees on the next
    /// write and on unload). Null if that allocation failed.
    value: UnsafeCell<*mut c_char>,
    lock: &'static ParamLock,
}

// SAFETY: as for `Param`: the kernel replaces and frees the string under the parameter lock,
// and `read` holds that lock as long as the string is borrowed if the parameter is writable.
unsafe impl<const PERM: u16> Sync for StrParam<PERM> {}

impl<const PERM: u16> StrParam<PERM> {
    /// A parameter holding `default` until set; `module!` makes them.
    #[doc(hidden)]
    pub const fn new(default: &'static CStr, lock: &'static ParamLock) -> Self {
        StrParam { value: UnsafeCell::new(default.as_ptr().cast_mut()), lock }
    }

    /// The current string. Empty if the kernel failed to allocate the copy of a new value.
    ///
    /// If the parameter is writable, this takes the module's parameter lock, a mutex, until the
    /// guard is dropped: it may sleep, so call it only where sleeping is allowed (with
    /// `CONFIG_DEBUG_ATOMIC_SLEEP`, `might_sleep()` reports other callers). Outside process
    /// context (an interrupt handler, a timer callback), where waiting for a mutex is not
    /// possible, it does not lock and returns an empty string.
    ///
    /// ```ignore,kernel
    /// # #[allow(non_upper_case_globals)]
    /// # mod module_parameters {
    /// #     use kernel::module_param::{ArrayParam, Param, ParamLock, StrParam};
    /// #     static LOCK: ParamLock = ParamLock::new(&crate::THIS_MODULE);
    /// #     pub static count: Param<u32, 0o644> = Param::new(3, &LOCK);
    /// #     pub static verbose: Param<bool, 0> = Param::new(false, &LOCK);
    /// #     pub static greeting: StrParam<0o444> = StrParam::new(c"hello", &LOCK);
    /// #     pub static weights: ArrayParam<i32, 4, 0o644> = ArrayParam::new(&[1, 2], &LOCK);
    /// # }
    /// let greeting = module_parameters::greeting.read();
    /// if greeting.to_bytes().is_empty() {
    ///     pr_warn!("no greeting\n");
    /// }
    /// ```
    pub fn read(&self) -> ParamGuard<'_, CStr> {
        let Ok(hold) = self.lock.hold_if(writable(PERM)) else {
            return ParamGuard::new(NonNull::from(c""), None);
        };
        // SAFETY: the kernel does not replace the pointer meanwhile (see the `Sync` impl).
        let ptr = unsafe { *self.value.get() };
        let value = if ptr.is_null() {
            c""
        } else {
            // SAFETY: a non-null value is the NUL-terminated default or the kernel's copy, which
            // stays allocated while the lock is held (or for good, if read-only).
            unsafe { CStr::from_ptr(ptr) }
        };
        ParamGuard::new(NonNull::from(value), hold)
    }

    /// The `struct kernel_param` of the parameter called `name`.
    #[doc(hidden)]
    pub const fn kernel_param(&'static self, name: &'static CStr) -> KernelParam {
        let arg = bindings::kernel_param__bindgen_ty_1 { arg: self.value.get().cast() };
        KernelParam::new(name, self.lock, &raw const bindings::param_ops_charp, PERM, arg)
    }
}
