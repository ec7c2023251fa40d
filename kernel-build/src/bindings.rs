//! The bindgen settings shared by `kernel-sys` and the C helpers' bindings.

use crate::{Error, Kernel, Result};
use std::path::Path;

/// A bindgen builder for this kernel: libclang gets the kernel's own C flags, the output uses
/// `core` and `core::ffi` (no `std` in the kernel), and bindgen's compile-time layout checks
/// stay on. Callers add the header and what to bind.
pub fn bindgen_builder(kernel: &Kernel) -> bindgen::Builder {
    bindgen::Builder::default()
        .clang_args(kernel.clang_args())
        .use_core()
        .ctypes_prefix("core::ffi")
        .derive_default(true)
        .derive_debug(false)
        .generate_comments(false)
        .enable_function_attribute_detection()
}

/// Runs bindgen and writes the bindings to `path`.
///
/// Without libclang bindgen panics; that becomes an error naming the package to install.
pub fn write_bindings(builder: bindgen::Builder, path: &Path) -> Result<()> {
    let quiet = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let generated = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || builder.generate()));
    std::panic::set_hook(quiet);
    let bindings = match generated {
        Ok(Ok(bindings)) => bindings,
        Ok(Err(e)) => return Err(Error(format!("bindgen failed: {e}"))),
        Err(panic) => {
            let why = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("bindgen panicked");
            return Err(Error(format!(
                "{why}\nbindgen needs libclang: install it (Debian: `apt install libclang-dev clang`) \
                 or point LIBCLANG_PATH= at the directory holding libclang.so"
            )));
        }
    };
    bindings.write_to_file(path).map_err(|e| Error(format!("writing {}: {e}", path.display())))
}
