//! Raw bindings: `kernel-sys` plus the C helpers of `helpers.c`.
//!
//! The helpers wrap kernel macros and static inlines that bindgen cannot translate. They appear
//! here under the name of the C macro or inline they wrap (`bindings::kmalloc` calls
//! `kmod_rs_helper_kmalloc`), shadowing any binding of the same name, so that Rust code calls what C
//! code on the same kernel would.
//!
//! ```ignore,kernel,no_run
//! # fn oops() {
//! // SAFETY: `BUG()` may be called from any context; it does not return.
//! unsafe { kernel::bindings::BUG() };
//! # }
//! ```

#![allow(non_snake_case, improper_ctypes, clippy::all, missing_docs)]

pub use kernel_sys::*;

// Items defined here shadow the glob import above.
include!(concat!(env!("OUT_DIR"), "/helpers.rs"));
