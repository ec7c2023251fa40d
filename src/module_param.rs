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
//! ```ignore
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

mod lock;

pub use lock::{ParamGuard, ParamLock};

use crate::bindings;
use crate::str::CStr;
use core::cell::UnsafeCell;
use core::ffi::{c_char, c_int, c_uint, c_void};
use core::ptr::NonNull;

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

// On x86-64, C's `long` is 64 bits: `i64` and `isize` use the kernel's `long` operations.
const _: () = assert!(size_of::<core::ffi::c_long>() == 8);

scalars! {
    bool => "bool", &raw const bindings::param_ops_bool, 2, false;
    i8 => "byte", &raw const PARAM_OPS_I8.0, 5, 0;
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

/// `struct kernel_param_ops` in a `static`.
#[repr(transparent)]
struct KernelParamOps(bindings::kernel_param_ops);

// SAFETY: only read, by the kernel; the functions it points to may run on any CPU.
unsafe impl Sync for KernelParamOps {}

/// The kernel has operations for every integer type but `i8`: these parse and print it as the
/// others do, with `kstrtos8` (base 0: decimal, `0x` hex or `0` octal) and `%hhd`.
static PARAM_OPS_I8: KernelParamOps =
    KernelParamOps(bindings::kernel_param_ops { flags: 0, set: Some(set_i8), get: Some(get_i8), free: None });

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

/// A `struct kernel_param`: what the kernel finds in the `__param` section of a module.
#[doc(hidden)]
#[repr(transparent)]
pub struct KernelParam(bindings::kernel_param);

// SAFETY: only read, by the kernel, which synchronises access to what it points to.
unsafe impl Sync for KernelParam {}

impl KernelParam {
    const fn new(
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
pub struct KParamArray(bindings::kparam_array);

// SAFETY: only read, by the kernel, which synchronises access to what it points to.
unsafe impl Sync for KParamArray {}

/// A `bool` or integer parameter (`count: u32 { ... }` in `module!`); `PERM` are its
/// permissions.
///
/// ```ignore
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
// into a local first, and the store is never torn on x86-64), and `get` reads it with a single
// load (`read_volatile`, the `READ_ONCE()` of upstream's Rust), so a read gets the old or the new
// value, each valid for `T` (the kernel only stores valid ones: 0 or 1 for a `bool`).
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
    /// ```ignore
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
    /// ```ignore
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

/// A string parameter (`greeting: str { ... }` in `module!`), a C `charp`; `PERM` are its
/// permissions.
///
/// ```ignore
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
    /// ```ignore
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

/// An array parameter (`weights: [i32; 4] { ... }` in `module!`): up to `N` values, given
/// comma-separated; `PERM` are its permissions.
///
/// `N` is at least 1 and small enough that the values fit in a page when printed (the kernel
/// prints them into one). A failed write through sysfs may leave the values it parsed before
/// the bad one, as for a C array parameter.
///
/// ```ignore
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
    /// ```ignore
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
