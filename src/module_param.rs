//! Module parameters: the types behind the `params` of [`module!`](crate::module!).
//!
//! A parameter is declared in `module!` with its type, a default, a description and, optionally,
//! its permissions under `/sys/module/<name>/parameters/`:
//!
//! ```ignore
//! module! {
//!     type: Params,
//!     name: "params",
//!     license: "GPL",
//!     params: {
//!         count: u32 { default: 3, description: "How many greetings", permissions: 0o644 },
//!         verbose: bool { default: false, description: "Print more" },
//!         greeting: str { default: "hello", description: "What to say", permissions: 0o444 },
//!         weights: [i32; 4] { default: [1, 2], description: "Up to four weights", permissions: 0o644 },
//!     },
//! }
//! ```
//!
//! Each one becomes a `static` of the same name in the module's `module_parameters` module, read
//! with [`Param::get`], [`StrParam::read`] or [`ArrayParam::read`]:
//!
//! ```ignore,kernel
//! # #[allow(non_upper_case_globals)]
//! # mod module_parameters {
//! #     use kernel::module_param::{ArrayParam, Param, ParamLock, StrParam};
//! #     static LOCK: ParamLock = ParamLock::new(&crate::THIS_MODULE);
//! #     pub static count: Param<u32, 0o644> = Param::new(3, &LOCK);
//! #     pub static verbose: Param<bool, 0> = Param::new(false, &LOCK);
//! #     pub static greeting: StrParam<0o444> = StrParam::new(c"hello", &LOCK);
//! #     pub static weights: ArrayParam<i32, 4, 0o644> = ArrayParam::new(&[1, 2], &LOCK);
//! # }
//! let n: u32 = module_parameters::count.get();
//! pr_info!("{} x{n}\n", module_parameters::greeting.read());
//! let sum: i32 = module_parameters::weights.read().iter().sum();
//! ```
//!
//! The kernel itself parses and prints the values, with its own `param_ops_*` and
//! `param_array_ops`, so a parameter behaves exactly as the C one of the same type: `insmod
//! params.ko count=5 greeting=hi weights=4,-5,6` sets them, a value the kernel cannot parse makes
//! `insmod` fail (`EINVAL`, or `ERANGE` when out of range), and `modinfo` lists them:
//!
//! | Rust type | `modinfo` type | kernel operations |
//! | --- | --- | --- |
//! | `bool` | `bool` | `param_ops_bool` (`y`/`n`/`1`/`0`, alone means true) |
//! | `i8` | `byte` | this crate's, with `kstrtos8` (C has no signed byte) |
//! | `u8`, `i16`, `u16`, `i32`, `u32` | `byte`, `short`, `ushort`, `int`, `uint` | `param_ops_<type>` |
//! | `i64`, `u64`, `isize`, `usize` | `long`, `ullong`, `long`, `ulong` | `param_ops_<type>` |
//! | `str` | `charp` | `param_ops_charp` (at most 1024 bytes) |
//! | `[T; N]` of the above but `str` | `array of <type>` | `param_array_ops` (1 to `N` values) |
//!
//! Permissions are those of the sysfs file and follow C's rules, checked at compile time (see
//! [`permissions`]). Without `permissions` a parameter is `0`, as upstream's: it has no sysfs file
//! and can only be set when the module is loaded. A writable one (any `w` bit) can also be
//! changed at run time, by root, through its file. A `bool` or integer is one machine word the
//! kernel stores in one go, and [`Param::get`] reads it once without any lock, as C code reads
//! its parameters (`READ_ONCE()`): in any context, timer callbacks and interrupt handlers
//! included. A writable string or array is read under the module's parameter lock (C's
//! `kernel_param_lock()`, a mutex), the lock the kernel holds while it writes, so a read never
//! sees a half-written array or a freed string: [`StrParam::read`] and [`ArrayParam::read`] of
//! a writable parameter may sleep, and only work in process context (see them). Read-only
//! parameters are fixed before `init` runs and are read without the lock, anywhere.

mod array_param;
mod kernel_param;
mod lock;
mod ops;
mod param;
mod scalar;
mod str_param;

pub use array_param::ArrayParam;
pub use kernel_param::{KParamArray, KernelParam};
pub use lock::{ParamGuard, ParamLock};
pub use param::Param;
pub use scalar::{assert_kernel_type, Scalar};
pub use str_param::StrParam;

/// Checks sysfs permissions of a parameter at compile time, by the rules of C's
/// `VERIFY_OCTAL_PERMISSIONS`, and returns them.
///
/// At most `0o777`; never writable by others; readable by the group only if by the owner, by
/// others only if by the group; writable by the group only if by the owner. `module!` applies it
/// to every `permissions:`, so a bad value is a compile error.
///
/// ```
/// use kernel::module_param::permissions;
/// assert_eq!(permissions(0o644), 0o644);
/// assert_eq!(permissions(0), 0);
/// ```
pub const fn permissions(perm: u32) -> u16 {
    let (user, group, other) = ((perm >> 6) & 7, (perm >> 3) & 7, perm & 7);
    assert!(perm <= 0o777, "module parameter permissions must be at most 0o777");
    assert!(other & 2 == 0, "module parameters must not be world-writable");
    assert!(user & 4 != 0 || group & 4 == 0, "a group-readable module parameter must be user-readable");
    assert!(group & 4 != 0 || other & 4 == 0, "a world-readable module parameter must be group-readable");
    assert!(user & 2 != 0 || group & 2 == 0, "a group-writable module parameter must be user-writable");
    perm as u16
}

/// Whether permissions let root change the parameter through sysfs after loading.
const fn writable(perm: u16) -> bool {
    perm & 0o222 != 0
}
