//! Assertions the build checks: [`build_assert!`](macro@crate::build_assert),
//! [`build_error!`](macro@crate::build_error), [`static_assert!`](macro@crate::static_assert) and
//! [`const_assert!`](macro@crate::const_assert), upstream's names.
//!
//! A module has no good way to fail at run time in the middle of a constructor (a panic there is
//! a kernel oops). Where a condition is known when the module is compiled, such as a constant
//! argument of an `#[inline(always)]` function, these make a violation fail the build instead:
//! the optimiser removes the check when the condition holds, and when it cannot prove it, a call
//! to the undefined symbol `rust_build_error` is left in the object, and modpost stops the build
//! with `ERROR: modpost: "rust_build_error" [<module>.ko] undefined!`.

/// Fails the build if this point is reachable in the optimised code of the module.
///
/// Compiled only as a doc example (`lanes` is never called): called with a width the optimiser
/// cannot prove to be 8, 16 or 32, it would (rightly) fail the doc-test module's build.
///
/// ```ignore,kernel,no_run
/// fn lanes(width: usize) -> usize {
///     match width {
///         8 | 16 | 32 => width / 8,
///         _ => kernel::build_error!("only 8, 16 and 32-bit lanes"),
///     }
/// }
/// ```
#[macro_export]
macro_rules! build_error {
    () => {
        $crate::build_assert::build_error("build_error!() reached")
    };
    ($message:expr $(,)?) => {
        $crate::build_assert::build_error($message)
    };
}

/// Fails the build unless the condition holds wherever the optimised code of the module can
/// reach this point: typically a condition on arguments of an `#[inline(always)]` function that
/// its callers pass as constants. A condition on constants alone is better checked with
/// `const { assert!(..) }`, which fails at compile time with its message rather than at link
/// time.
///
/// ```
/// /// A mask of the low `slots` bits; `slots` is a constant at every call.
/// #[inline(always)]
/// fn slot_mask(slots: u32) -> u64 {
///     kernel::build_assert!(slots.is_power_of_two());
///     kernel::build_assert!(slots <= 64, "too many slots for the mask");
///     u64::MAX >> (64 - slots)
/// }
/// assert_eq!(slot_mask(16), 0xffff);
/// ```
#[macro_export]
macro_rules! build_assert {
    ($condition:expr $(,)?) => {
        if !$condition {
            $crate::build_error!(::core::concat!("assertion failed: ", ::core::stringify!($condition)));
        }
    };
    ($condition:expr, $message:expr $(,)?) => {
        if !$condition {
            $crate::build_error!($message);
        }
    };
}

/// The failure of [`build_assert!`](macro@crate::build_assert): a call to a symbol nothing defines,
/// which modpost reports. On the host (doc tests), a panic with the message.
#[doc(hidden)]
#[inline(always)]
#[cold]
pub fn build_error(message: &'static str) -> ! {
    #[cfg(target_os = "none")]
    {
        unsafe extern "C" {
            // Deliberately defined nowhere (see the module documentation).
            fn rust_build_error() -> !;
        }
        let _ = message;
        // SAFETY: never runs: a module that still calls it fails to link (modpost).
        unsafe { rust_build_error() }
    }
    #[cfg(not(target_os = "none"))]
    panic!("{}", message)
}

/// Fails compilation unless a condition on constants holds; an item, so it can stand anywhere
/// an item can (for conditions on generics, see [`const_assert!`](macro@crate::const_assert)).
///
/// ```
/// kernel::static_assert!(core::mem::size_of::<u64>() == 8);
/// kernel::static_assert!(kernel::sizes::SZ_4K == 4096, "pages are 4 KiB here");
/// ```
#[macro_export]
macro_rules! static_assert {
    ($condition:expr $(, $message:literal)? $(,)?) => {
        const _: () = ::core::assert!($condition $(, $message)?);
    };
}

/// Fails compilation unless a condition on constants and generic parameters holds, where the
/// code is instantiated; a statement.
///
/// ```
/// fn first<const N: usize>(values: [u32; N]) -> u32 {
///     kernel::const_assert!(N > 0, "an empty array has no first value");
///     values[0]
/// }
/// assert_eq!(first([3, 4]), 3);
/// ```
#[macro_export]
macro_rules! const_assert {
    ($condition:expr $(, $message:literal)? $(,)?) => {
        const { ::core::assert!($condition $(, $message)?) };
    };
}
