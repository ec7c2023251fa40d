//! The types a parameter, or an element of an array parameter, can have, and the kernel
//! operations that parse and print each.

use super::ops::PARAM_OPS_I8;
use crate::bindings;

mod private {
    pub trait Sealed {}
}

/// A type a parameter, or an element of an array parameter, can have: `bool` or a primitive
/// integer.
///
/// ```
/// use kernel::module_param::Scalar;
/// assert_eq!(<u32 as Scalar>::KERNEL_TYPE, "uint");
/// ```
pub trait Scalar: Copy + private::Sealed + 'static {
    /// The kernel's name of the type, as `modinfo` shows it (C's `module_param()` type).
    ///
    /// ```
    /// use kernel::module_param::Scalar;
    /// assert_eq!(<bool as Scalar>::KERNEL_TYPE, "bool");
    /// ```
    const KERNEL_TYPE: &'static str;
    /// The operations that parse and print the type.
    #[doc(hidden)]
    const OPS: *const bindings::kernel_param_ops;
    /// The longest text `OPS` prints for one value, newline included.
    #[doc(hidden)]
    const MAX_TEXT: usize;
    /// What the unset elements of an array hold.
    #[doc(hidden)]
    const ZERO: Self;
}

macro_rules! scalars {
    ($($ty:ty => $name:literal, $ops:expr, $max:literal, $zero:literal;)*) => {$(
        impl private::Sealed for $ty {}
        impl Scalar for $ty {
            const KERNEL_TYPE: &'static str = $name;
            const OPS: *const bindings::kernel_param_ops = $ops;
            const MAX_TEXT: usize = $max;
            const ZERO: Self = $zero;
        }
    )*};
}

// On the 64-bit targets (x86_64, aarch64), C's `long` is 64 bits: `i64` and `isize` use the
// kernel's `long` operations.
const _: () = assert!(size_of::<core::ffi::c_long>() == 8);

scalars! {
    bool => "bool", &raw const bindings::param_ops_bool, 2, false;
    i8 => "byte", PARAM_OPS_I8, 5, 0;
    u8 => "byte", &raw const bindings::param_ops_byte, 4, 0;
    i16 => "short", &raw const bindings::param_ops_short, 7, 0;
    u16 => "ushort", &raw const bindings::param_ops_ushort, 6, 0;
    i32 => "int", &raw const bindings::param_ops_int, 12, 0;
    u32 => "uint", &raw const bindings::param_ops_uint, 11, 0;
    i64 => "long", &raw const bindings::param_ops_long, 21, 0;
    u64 => "ullong", &raw const bindings::param_ops_ullong, 21, 0;
    isize => "long", &raw const bindings::param_ops_long, 21, 0;
    usize => "ulong", &raw const bindings::param_ops_ulong, 21, 0;
}

/// Checks that `module!` names `T` in `.modinfo` as the kernel operations it uses.
#[doc(hidden)]
pub const fn assert_kernel_type<T: Scalar>(name: &str) {
    let (a, b) = (T::KERNEL_TYPE.as_bytes(), name.as_bytes());
    let mut same = a.len() == b.len();
    let mut i = 0;
    while same && i < a.len() {
        same = a[i] == b[i];
        i += 1;
    }
    assert!(same, "module!: the modinfo type of a parameter differs from its kernel operations");
}
