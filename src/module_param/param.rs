//! `bool` and integer parameters.

use super::{writable, KernelParam, ParamLock, Scalar};
use crate::bindings;
use crate::str::CStr;
use core::cell::UnsafeCell;

/// A `bool` or integer parameter (`count: u32 { ... }` in `module!`); `PERM` are its
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
/// if module_parameters::verbose.get() {
///     pr_info!("count is {}\n", module_parameters::count.get());
/// }
/// ```
pub struct Param<T: Scalar, const PERM: u16> {
    value: UnsafeCell<T>,
    lock: &'static ParamLock,
}

// SAFETY: read-only parameters are written only before `init` runs. The kernel writes a writable
// one with a single store of a whole aligned value of at most 8 bytes (its `param_set_*` parse
// into a local first, and the store is never torn on the 64-bit targets, x86_64 and aarch64), and
// `get` reads it with a single load (`read_volatile`, the `READ_ONCE()` of upstream's Rust), so a
// read gets the old or the new value, each valid for `T` (the kernel only stores valid ones: 0 or
// 1 for a `bool`).
unsafe impl<T: Scalar, const PERM: u16> Sync for Param<T, PERM> {}

impl<T: Scalar, const PERM: u16> Param<T, PERM> {
    /// A parameter holding `default` until set; `module!` makes them.
    #[doc(hidden)]
    pub const fn new(default: T, lock: &'static ParamLock) -> Self {
        Param { value: UnsafeCell::new(default), lock }
    }

    /// The current value: read once, without a lock, so in any context (a timer callback, an
    /// interrupt handler). A writable parameter may change between two calls: read it once into
    /// a local to use one value throughout.
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
    /// for _ in 0..module_parameters::count.get() {
    ///     pr_info!("hello\n");
    /// }
    /// ```
    pub fn get(&self) -> T {
        // SAFETY: `value` is valid and aligned; the load is a single access, and whatever a
        // concurrent write stores is a valid `T` (see the `Sync` impl).
        unsafe { core::ptr::read_volatile(self.value.get()) }
    }

    /// The value, borrowed, as upstream's `value()`: for read-only parameters (upstream's only
    /// kind), which nothing writes after loading. A writable parameter may change while
    /// borrowed, so on one this fails the build; read it with [`get`](Self::get).
    ///
    /// ```ignore,kernel
    /// # #[allow(non_upper_case_globals)]
    /// # mod module_parameters {
    /// #     use kernel::module_param::{Param, ParamLock};
    /// #     static LOCK: ParamLock = ParamLock::new(&crate::THIS_MODULE);
    /// #     pub static test_parameter: Param<i64, 0o444> = Param::new(1, &LOCK);
    /// # }
    /// pr_info!("test_parameter: {}\n", *module_parameters::test_parameter.value());
    /// ```
    pub fn value(&self) -> &T {
        const { assert!(!writable(PERM), "value() borrows a parameter that sysfs can change: use get()") };
        // SAFETY: a read-only parameter is written only before `init` runs, so never while
        // borrowed.
        unsafe { &*self.value.get() }
    }

    /// The `struct kernel_param` of the parameter called `name`.
    #[doc(hidden)]
    pub const fn kernel_param(&'static self, name: &'static CStr) -> KernelParam {
        let arg = bindings::kernel_param__bindgen_ty_1 { arg: self.value.get().cast() };
        KernelParam::new(name, self.lock, T::OPS, PERM, arg)
    }
}
