//! Tracepoints defined in C and called from Rust: [`declare_trace!`](crate::declare_trace).
//!
//! A tracepoint is declared with `TRACE_EVENT()` in a trace header and instantiated in one C file
//! of the module, which defines `CREATE_TRACE_POINTS` and `CREATE_RUST_TRACE_POINTS` before
//! including the header: that makes the tracepoint (`__tracepoint_<name>`) and a function that
//! fires it (`rust_do_trace_<name>`: kernels from 6.13 generate it, and on older ones
//! `kbuild/include/linux/tracepoint.h`, first in a module crate's include path, does). A module
//! crate carries such a C file as any Kbuild module does (`<module>-y := events.o` in its `Kbuild`
//! file), and its trace header too where the kernel's headers do not have it.

use crate::bindings;

/// Declares Rust functions that fire tracepoints defined in C, one per tracepoint, named after it.
///
/// Each function first reads the tracepoint's static key (one load, where C's `trace_<name>()`
/// has a branch the kernel patches) and calls the C side only when a probe is attached. The
/// argument types must be those of the tracepoint's `TP_PROTO` (a mismatch is undefined
/// behaviour, hence `unsafe fn`). Where the kernel has no tracepoints (`CONFIG_TRACEPOINTS`
/// off), the functions do nothing.
///
/// Compiled only as a doc example (`my_event` is never called): the tracepoint must come from a C
/// file of the module.
///
/// ```ignore,kernel,no_run
/// mod trace {
///     use kernel::ffi::c_int;
///
///     kernel::declare_trace! {
///         /// # Safety
///         ///
///         /// Always safe to call: the tracepoint takes one `int`.
///         unsafe fn my_event(value: c_int);
///     }
/// }
/// ```
#[macro_export]
macro_rules! declare_trace {
    ($($(#[$attr:meta])* $pub:vis unsafe fn $name:ident($($arg:ident : $ty:ty),* $(,)?);)*) => {$(
        $(#[$attr])*
        #[inline(always)]
        $pub unsafe fn $name($($arg: $ty),*) {
            // Defined by the C file that instantiates the tracepoint (see `kernel::tracepoint`).
            unsafe extern "C" {
                #[link_name = ::core::concat!("__tracepoint_", ::core::stringify!($name))]
                static TRACEPOINT: $crate::types::Opaque<$crate::bindings::tracepoint>;
                #[link_name = ::core::concat!("rust_do_trace_", ::core::stringify!($name))]
                fn do_trace($($arg: $ty),*);
            }
            // SAFETY: the tracepoint is a static of the module that lives as long as this code;
            // taking its address reads nothing.
            let tracepoint = unsafe { TRACEPOINT.get() };
            // SAFETY: `tracepoint` points to the C tracepoint, valid for the module's lifetime.
            if unsafe { $crate::tracepoint::enabled(tracepoint) } {
                // SAFETY: the caller guarantees that the arguments are the tracepoint's.
                unsafe { do_trace($($arg),*) };
            }
        }
    )*};
}

/// Whether a probe is attached to `tracepoint`: its static key is on.
///
/// # Safety
///
/// `tracepoint` points to a valid, initialised `struct tracepoint`.
#[doc(hidden)]
#[inline(always)]
pub unsafe fn enabled(tracepoint: *mut bindings::tracepoint) -> bool {
    #[cfg(CONFIG_TRACEPOINTS)]
    {
        // The key is a `struct static_key`, or (later kernels) a `struct static_key_false`
        // whose only member is one: either way its address is the `static_key`'s.
        // SAFETY: the caller guarantees that `tracepoint` is valid.
        let key = unsafe { (&raw mut (*tracepoint).key).cast::<bindings::static_key>() };
        // SAFETY: the key's `enabled` is an `atomic_t`, an `int` that C only accesses
        // atomically: it has the size and alignment of an `AtomicI32`, and lives as long as the
        // module. It is read as C's `static_key_count()` reads it, with a relaxed load.
        let count = unsafe { core::sync::atomic::AtomicI32::from_ptr((&raw mut (*key).enabled).cast()) };
        count.load(core::sync::atomic::Ordering::Relaxed) > 0
    }
    #[cfg(not(CONFIG_TRACEPOINTS))]
    {
        let _ = tracepoint;
        false
    }
}
