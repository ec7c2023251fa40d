//! Builds the C helpers (`helpers.c`, declared in `wrapper.h`) with the kernel's own compiler and
//! the exact flags Kbuild uses for a module, and binds their declarations with bindgen. The types
//! in their signatures come from `kernel-sys`, which probed the kernel first.

use kernel_build::{bindgen_builder, fail, write_bindings, Kernel};
use std::path::PathBuf;

/// Presents `rust_helper_X` to Rust as `X`, still linking to `rust_helper_X`.
#[derive(Debug)]
struct HelperNames;

impl bindgen::callbacks::ParseCallbacks for HelperNames {
    fn item_name(&self, item: bindgen::callbacks::ItemInfo<'_>) -> Option<String> {
        item.name.strip_prefix("rust_helper_").map(String::from)
    }
}

fn main() {
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let kernel = Kernel::from_dependency().unwrap_or_else(|e| fail(e));
    kernel.emit_cfgs();
    for file in ["helpers.c", "wrapper.h"] {
        println!("cargo::rerun-if-changed={file}");
    }

    let mut helpers = cc::Build::new();
    let mut cc = kernel.cc.split_whitespace();
    helpers
        .no_default_flags(true)
        .compiler(cc.next_back().unwrap_or("gcc"))
        .archiver("ar")
        .warnings(true)
        .extra_warnings(false)
        .cargo_warnings(true)
        .file("helpers.c");
    for flag in &kernel.c_flags {
        helpers.flag(flag);
    }
    // What Kbuild would define for an object of its own.
    helpers.define("KBUILD_BASENAME", "\"helpers\"").define("KBUILD_MODNAME", "\"rust_helpers\"");
    helpers.try_compile("rust_helpers").unwrap_or_else(|e| fail(e));

    let builder = bindgen_builder(&kernel)
        .header("wrapper.h")
        .allowlist_function("rust_helper_.*")
        .blocklist_type(".*")
        .parse_callbacks(Box::new(HelperNames));
    write_bindings(builder, &out_dir.join("helpers.rs")).unwrap_or_else(|e| fail(e));
}
