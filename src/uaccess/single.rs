//! One value of 1, 2, 4 or 8 bytes to or from user space in a single access: C's `get_user()`
//! and `put_user()`.
//!
//! On x86-64 these are the inline calls C code makes, to `__get_user_N()`/`__put_user_N()` with
//! their own calling convention (`do_get_user_call()`/`do_put_user_call()` in
//! `arch/x86/include/asm/uaccess.h`, the same from 6.1 to 7.x): the address and the value in
//! registers, the error code back in one, `%rbx` clobbered by the put. Elsewhere, and in the
//! configurations where the C macros do more than that call (`might_fault()` with
//! `CONFIG_PROVE_LOCKING` or `CONFIG_DEBUG_ATOMIC_SLEEP`, KMSAN's instrumentation), or where a
//! call from inline assembly would need the frame `ASM_CALL_CONSTRAINT` gives C code
//! (`CONFIG_FRAME_POINTER`), one C helper per type does it.

use core::ffi::{c_int, c_void};

/// An integer `get_user()`/`put_user()` moves in one access.
pub(super) trait Single: Copy + Default {
    /// The helper of `get_user()` for this type.
    #[cfg(not(direct_user_access))]
    const GET_USER: unsafe extern "C" fn(*mut Self, *const Self) -> c_int;
    /// The helper of `put_user()` for this type.
    #[cfg(not(direct_user_access))]
    const PUT_USER: unsafe extern "C" fn(Self, *mut Self) -> c_int;
}

macro_rules! impl_single {
    ($($ty:ty: $get:ident, $put:ident;)*) => {
        $(impl Single for $ty {
            #[cfg(not(direct_user_access))]
            const GET_USER: unsafe extern "C" fn(*mut Self, *const Self) -> c_int = crate::bindings::$get;
            #[cfg(not(direct_user_access))]
            const PUT_USER: unsafe extern "C" fn(Self, *mut Self) -> c_int = crate::bindings::$put;
        })*
    };
}

impl_single! {
    u8: get_user_u8, put_user_u8;
    u16: get_user_u16, put_user_u16;
    u32: get_user_u32, put_user_u32;
    u64: get_user_u64, put_user_u64;
}

/// Reads a `U` from user space into the possibly unaligned `to`; 0, or non-zero if the address
/// is not user memory or faulted.
///
/// # Safety
///
/// `to` is valid for writes of `size_of::<U>()` bytes.
#[inline(always)]
pub(super) unsafe fn get_user<U: Single>(to: *mut c_void, from: *const c_void) -> c_int {
    let mut value = U::default();
    #[cfg(direct_user_access)]
    let status = direct::get_user(&mut value, from);
    #[cfg(not(direct_user_access))]
    // SAFETY: `value` is a valid `U`; the helper checks the user address and handles faults.
    let status = unsafe { U::GET_USER(&mut value, from.cast()) };
    // SAFETY: the caller's.
    unsafe { to.cast::<U>().write_unaligned(value) };
    status
}

/// Writes the `U` at the possibly unaligned `from` to user space; 0, or non-zero if the address
/// is not user memory or faulted.
///
/// # Safety
///
/// `from` is valid for reads of `size_of::<U>()` initialised bytes.
#[inline(always)]
pub(super) unsafe fn put_user<U: Single>(from: *const c_void, to: *mut c_void) -> c_int {
    // SAFETY: the caller's; any initialised bytes are a valid unsigned integer.
    let value = unsafe { from.cast::<U>().read_unaligned() };
    #[cfg(direct_user_access)]
    return direct::put_user(value, to);
    #[cfg(not(direct_user_access))]
    // SAFETY: the helper checks the user address and handles faults.
    unsafe {
        U::PUT_USER(value, to.cast())
    }
}

/// The calls of x86-64's `do_get_user_call()` and `do_put_user_call()`.
#[cfg(direct_user_access)]
mod direct {
    use super::Single;
    use core::arch::asm;
    use core::ffi::{c_int, c_void};
    use core::mem::size_of;

    /// `call __get_user_N`: the address in `%rax`; the error code comes back in `%eax` and the
    /// value, zero-extended, in `%rdx`; nothing else changes.
    macro_rules! call_get_user {
        ($function:literal, $from:expr) => {{
            let status: u64;
            let value: u64;
            // SAFETY: `__get_user_N` checks that the address is user memory and recovers from a
            // fault there; it changes no register but the two named here (`do_get_user_call()`).
            unsafe {
                asm!(concat!("call ", $function), inout("rax") $from => status, out("rdx") value)
            };
            (status as c_int, value)
        }};
    }

    /// `call __put_user_N`: the value in `%rax`, the address in `%rcx`, which comes back with
    /// the error code; `%rbx` is clobbered, and saved around the call here, since Rust's inline
    /// assembly may not name it.
    macro_rules! call_put_user {
        ($function:literal, $value:expr, $to:expr) => {{
            let status: u64;
            // SAFETY: `__put_user_N` checks that the address is user memory and recovers from a
            // fault there; it changes no register but `%rcx` and the `%rbx` saved here
            // (`do_put_user_call()`).
            unsafe {
                asm!(
                    "mov {saved}, rbx",
                    concat!("call ", $function),
                    "mov rbx, {saved}",
                    saved = out(reg) _,
                    in("rax") $value,
                    inout("rcx") $to => status,
                )
            };
            status as c_int
        }};
    }

    /// `get_user()`: reads `value` from the user address `from`; 0, or non-zero if it is not
    /// user memory or faulted.
    #[inline(always)]
    pub(super) fn get_user<U: Single>(value: &mut U, from: *const c_void) -> c_int {
        const { assert!(matches!(size_of::<U>(), 1 | 2 | 4 | 8)) };
        let (status, raw) = match size_of::<U>() {
            1 => call_get_user!("__get_user_1", from),
            2 => call_get_user!("__get_user_2", from),
            4 => call_get_user!("__get_user_4", from),
            _ => call_get_user!("__get_user_8", from),
        };
        // SAFETY: `U` is an unsigned integer of at most 8 bytes (`Single`), and `raw` its
        // zero-extension: its low bytes (first on this little-endian machine) are the value.
        *value = unsafe { core::ptr::from_ref(&raw).cast::<U>().read() };
        status
    }

    /// `put_user()`: writes `value` to the user address `to`; 0, or non-zero if it is not user
    /// memory or faulted.
    #[inline(always)]
    pub(super) fn put_user<U: Single>(value: U, to: *mut c_void) -> c_int {
        const { assert!(matches!(size_of::<U>(), 1 | 2 | 4 | 8)) };
        let mut raw = 0u64;
        // SAFETY: `U` is an unsigned integer of at most 8 bytes (`Single`): it fits in the low
        // bytes of `raw`, which `__put_user_N` reads.
        unsafe { core::ptr::from_mut(&mut raw).cast::<U>().write(value) };
        match size_of::<U>() {
            1 => call_put_user!("__put_user_1", raw, to),
            2 => call_put_user!("__put_user_2", raw, to),
            4 => call_put_user!("__put_user_4", raw, to),
            _ => call_put_user!("__put_user_8", raw, to),
        }
    }
}
