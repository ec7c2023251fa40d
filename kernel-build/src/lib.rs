//! Host-side support for the build scripts of `kernel-sys` and `kernel`.
//!
//! A kernel module must be compiled exactly like the kernel it is loaded into. This crate finds that
//! kernel's build tree, asks Kbuild for the C flags it would use for a module, turns them into flags
//! libclang (bindgen) accepts, and reads the kernel's `.config` so Rust code can adapt with `cfg`s.
//!
//! ```no_run
//! let kernel = kernel_build::Kernel::probe(&kernel_build::kdir()?, "out".as_ref())?;
//! println!("{} built by {}", kernel.release, kernel.cc);
//! # Ok::<(), kernel_build::Error>(())
//! ```

mod bindings;
mod config;
mod flags;
mod kdir;
mod layout;
mod probe;
mod version;

pub use bindings::{bindgen_builder, write_bindings};
pub use config::Config;
pub use flags::{clang_args, gcc_args};
pub use kdir::{kdir, running_release};
pub use layout::TypeLayout;
pub use probe::Kernel;
pub use version::Version;

use std::fmt;

/// Why the kernel tree could not be used; the message says how to fix it.
#[derive(Debug)]
pub struct Error(pub String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

/// Shorthand for results of this crate.
pub type Result<T> = std::result::Result<T, Error>;

/// Stops a build script with `error: <why>` (cargo shows it under the failed script's stderr).
pub fn fail(why: impl fmt::Display) -> ! {
    eprintln!("error: {why}");
    std::process::exit(1)
}
