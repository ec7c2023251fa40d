//! Array parameters: up to a fixed number of values, given comma-separated.

use super::{writable, KParamArray, KernelParam, ParamGuard, ParamLock, Scalar};
use crate::bindings;
use crate::str::CStr;
use core::cell::UnsafeCell;
use core::ffi::{c_uint, c_void};
use core::ptr::NonNull;

/// An array parameter (`weights: [i32; 4] { ... }` in `module!`): up to `N` values, given
/// comma-separated; `PERM` are its permissions.
///
/// `N` is at least 1 and small enough that the values fit in a page when printed (the kernel
/// prints them into one). A failed write through sysfs may leave the values it parsed before
/// the bad one, as for a C array parameter.
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
/// let weights = module_parameters::weights.read();
/// pr_info!("{} weights: {:?}\n", weights.len(), weights);
/// ```
pub struct ArrayParam<T: Scalar, const N: usize, const PERM: u16> {
    values: UnsafeCell<[T; N]>,
    /// How many of `values` are set.
    len: UnsafeCell<c_uint>,
    lock: &'static ParamLock,
}

// SAFETY: as for `Param`: the kernel writes the values and their count under the parameter
// lock, and `read` holds that lock as long as they are borrowed if the parameter is writable.
unsafe impl<T: Scalar, const N: usize, const PERM: u16> Sync for ArrayParam<T, N, PERM> {}

impl<T: Scalar, const N: usize, const PERM: u16> ArrayParam<T, N, PERM> {
    /// A parameter holding `default` until set; `module!` makes them.
    #[doc(hidden)]
    pub const fn new(default: &[T], lock: &'static ParamLock) -> Self {
        assert!(N > 0, "an array parameter must hold at least one value");
        assert!(N * T::MAX_TEXT < bindings::PAGE_SIZE, "an array parameter must fit in a page when printed");
        assert!(default.len() <= N, "the default of an array parameter has more values than it holds");
        let mut values = [T::ZERO; N];
        let mut i = 0;
        while i < default.len() {
            values[i] = default[i];
            i += 1;
        }
        ArrayParam { values: UnsafeCell::new(values), len: UnsafeCell::new(default.len() as c_uint), lock }
    }

    /// The values currently set.
    ///
    /// If the parameter is writable, this takes the module's parameter lock, a mutex, until the
    /// guard is dropped: it may sleep, so call it only where sleeping is allowed (with
    /// `CONFIG_DEBUG_ATOMIC_SLEEP`, `might_sleep()` reports other callers). Outside process
    /// context (an interrupt handler, a timer callback), where waiting for a mutex is not
    /// possible, it does not lock and returns no values.
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
    /// let total: i32 = module_parameters::weights.read().iter().sum();
    /// ```
    pub fn read(&self) -> ParamGuard<'_, [T]> {
        let Ok(hold) = self.lock.hold_if(writable(PERM)) else {
            return ParamGuard::new(NonNull::from(&[][..]), None);
        };
        // SAFETY: the kernel does not write the count meanwhile (see the `Sync` impl), and keeps
        // it at most `N`; `min` only makes sure.
        let len = unsafe { *self.len.get() as usize }.min(N);
        let value = NonNull::slice_from_raw_parts(NonNull::from(&self.values).cast::<T>(), len);
        ParamGuard::new(value, hold)
    }

    /// The `struct kparam_array` of the parameter.
    #[doc(hidden)]
    pub const fn kparam_array(&'static self) -> KParamArray {
        KParamArray(bindings::kparam_array {
            max: N as c_uint,
            elemsize: size_of::<T>() as c_uint,
            num: self.len.get(),
            ops: T::OPS,
            elem: self.values.get().cast::<c_void>(),
        })
    }

    /// The `struct kernel_param` of the parameter called `name`, whose values `array` describes.
    #[doc(hidden)]
    pub const fn kernel_param(
        &'static self,
        name: &'static CStr,
        array: &'static KParamArray,
    ) -> KernelParam {
        let arg = bindings::kernel_param__bindgen_ty_1 { arr: &array.0 };
        KernelParam::new(name, self.lock, &raw const bindings::param_array_ops, PERM, arg)
    }
}
