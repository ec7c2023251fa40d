//! Safe Rust API for out-of-tree Linux kernel modules, on the kernels distributions ship.
//!
//! Modelled on upstream Rust-for-Linux's `kernel` crate, but built against a stock, gcc-built
//! kernel without `CONFIG_RUST`: the bindings come from that kernel's own headers
//! ([`bindings`]), `core` and `alloc` are compiled with its code-generation flags, and the module
//! is linked by Kbuild like a C module.
//!
//! A module is a crate of type `staticlib` that declares itself with [`module!`]:
//!
//! ```ignore
//! use kernel::prelude::*;
//!
//! module! {
//!     type: Hello,
//!     name: "hello",
//!     authors: ["A. Developer"],
//!     description: "Says hello",
//!     license: "GPL",
//! }
//!
//! struct Hello;
//!
//! impl kernel::Module for Hello {
//!     fn init(_module: &'static ThisModule) -> Result<Self> {
//!         pr_info!("Hello, world\n");
//!         Ok(Hello)
//!     }
//! }
//! ```

#![no_std]
// `Arc<dyn Trait>`, as upstream's: unsizing coercions of a custom pointer are unstable. The kernel
// target is always built with `RUSTC_BOOTSTRAP=1` (for `-Zbuild-std`); host builds go without.
#![cfg_attr(target_os = "none", feature(coerce_unsized, unsize))]
// `kmalloc()` of a constant size as C's inline (`alloc::slab`): rustc's `__builtin_constant_p()`.
#![cfg_attr(target_os = "none", feature(core_intrinsics), allow(internal_features))]
#![warn(missing_docs, unsafe_op_in_unsafe_fn, clippy::undocumented_unsafe_blocks)]

extern crate alloc as alloc_crate;

pub mod alloc;
pub mod bindings;
pub mod build_assert;
#[cfg(any(CONFIG_CONFIGFS_FS, CONFIG_CONFIGFS_FS_MODULE))]
pub mod configfs;
pub mod debugfs;
pub mod device;
pub mod error;
#[cfg(kernel_has_faux)]
pub mod faux;
pub mod ffi;
pub mod fmt;
pub mod fs;
pub mod init;
pub mod ioctl;
pub mod iov;
pub mod kthread;
pub mod kunit;
pub mod miscdevice;
pub mod mm;
pub mod module;
pub mod module_param;
pub mod page;
mod panic;
pub mod poll;
pub mod prelude;
pub mod print;
pub mod seq_file;
pub mod sizes;
pub mod str;
pub mod sync;
pub mod time;
pub mod tracepoint;
pub mod transmute;
pub mod types;
pub mod uaccess;
pub mod workqueue;

pub use ::macros::{kunit_tests, module, vtable};
pub use module::{InPlaceModule, Module, ThisModule};

// In a module crate, `module!` makes `::pinned_init` (what the library's attribute macros'
// expansions name) and `pin_init` (what upstream's modules name: its build passes
// `--extern pin_init`) this crate, so the library's public items are here as well. This crate's
// own items of the same name (the initialisation macros, which also check for packed structs)
// take precedence over the glob.
#[doc(hidden)]
pub use pinned_init::*;
// Upstream's library has these; the release on crates.io does not yet.
#[doc(hidden)]
pub use init::{init_scope, pin_init_scope};

/// The release of the kernel this module was built for (`UTS_RELEASE`), e.g. `6.1.0-56-amd64`.
///
/// ```
/// assert!(kernel::UTS_RELEASE.starts_with(|c: char| c.is_ascii_digit()));
/// ```
pub const UTS_RELEASE: &str = match bindings::UTS_RELEASE.split_last() {
    Some((0, release)) => match core::str::from_utf8(release) {
        Ok(release) => release,
        Err(_) => panic!("UTS_RELEASE is not UTF-8"),
    },
    _ => panic!("UTS_RELEASE is not NUL-terminated"),
};

/// The log prefix of messages printed by this crate itself (modules get their own from
/// [`module!`]).
#[doc(hidden)]
pub const __LOG_PREFIX: &core::ffi::CStr = c"rust_kernel";
