//! Builds the C helpers (`helpers.c`, declared in `wrapper.h`) with the kernel's own compiler and
//! the exact flags Kbuild uses for a module, and binds their declarations with bindgen. The types
//! in their signatures come from `kernel-sys`, which probed the kernel first.

use kernel_build::{bindgen_builder, fail, write_bindings, Kernel};
use std::path::PathBuf;

/// Presents `kmod_rs_helper_X` to Rust as `X`, still linking to `kmod_rs_helper_X`.
#[derive(Debug)]
struct HelperNames;

impl bindgen::callbacks::ParseCallbacks for HelperNames {
    fn item_name(&self, item: bindgen::callbacks::ItemInfo<'_>) -> Option<String> {
        item.name.strip_prefix("kmod_rs_helper_").map(String::from)
    }
}

/// Compiles the helpers of one group (`#ifdef RUST_HELPERS_<group>` in helpers.c) with the kernel's
/// compiler and Kbuild's flags, into `out_dir/librust_helpers_<group>.a`.
fn compile_helpers(kernel: &Kernel, group: &str, out_dir: PathBuf) -> Result<(), String> {
    let mut helpers = cc::Build::new();
    let mut cc = kernel.cc.split_whitespace();
    helpers
        .no_default_flags(true)
        .compiler(cc.next_back().unwrap_or("gcc"))
        .archiver(&kernel.ar)
        .warnings(true)
        .extra_warnings(false)
        .cargo_warnings(true)
        // main() tells cargo to link the archives, in the groups' order: from the threads they
        // would come in completion order, and so would the helpers in the .ko.
        .cargo_metadata(false)
        .file("helpers.c")
        .out_dir(out_dir);
    for flag in &kernel.c_flags {
        helpers.flag(flag);
    }
    helpers.include(shared_include());
    // What Kbuild would define for an object of its own, and the group to compile.
    helpers.define("KBUILD_BASENAME", "\"helpers\"").define("KBUILD_MODNAME", "\"rust_helpers\"");
    helpers.define(&format!("RUST_HELPERS_{group}"), None);
    helpers.try_compile(&archive_name(group)).map_err(|e| e.to_string())
}

/// kernel-sys's directory, with kmod_rs.h: the types the helpers share with Rust.
fn shared_include() -> String {
    std::env::var("DEP_KERNEL_INCLUDE")
        .unwrap_or_else(|_| fail("DEP_KERNEL_INCLUDE is not set: depend on kernel-sys"))
}

fn archive_name(group: &str) -> String {
    format!("rust_helpers_{}", group.to_lowercase())
}

/// `cfg(direct_user_access)`: `kernel::uaccess` makes the calls of x86-64's `get_user()` and
/// `put_user()` itself, where the C macros are just those calls (src/uaccess/single.rs says when).
fn emit_direct_user_access(kernel: &Kernel) {
    println!("cargo::rustc-check-cfg=cfg(direct_user_access)");
    let target = |key: &str| std::env::var(format!("CARGO_CFG_TARGET_{key}")).unwrap_or_default();
    let more_than_the_call =
        ["CONFIG_FRAME_POINTER", "CONFIG_PROVE_LOCKING", "CONFIG_DEBUG_ATOMIC_SLEEP", "CONFIG_KMSAN"];
    if target("ARCH") == "x86_64"
        && target("OS") == "none"
        && !more_than_the_call.iter().any(|o| kernel.config.enabled(o))
    {
        println!("cargo::rustc-cfg=direct_user_access");
    }
}

/// `cfg(kernel_has_<subsystem>)` for the modules of `kernel` that follow a subsystem a kernel may
/// not have, where its headers have the subsystem's header.
const SUBSYSTEM_HEADERS: &[(&str, &str)] = &[("kernel_has_faux", "linux/device/faux.h")];

fn emit_subsystem_cfgs(kernel: &Kernel) {
    for (cfg, header) in SUBSYSTEM_HEADERS {
        println!("cargo::rustc-check-cfg=cfg({cfg})");
        if kernel.has_header(header) {
            println!("cargo::rustc-cfg={cfg}");
        }
    }
}

fn main() {
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let kernel = Kernel::from_dependency().unwrap_or_else(|e| fail(e));
    kernel.emit_cfgs(&Kernel::config_names_in("src".as_ref()));
    for file in ["helpers.c", "wrapper.h"] {
        println!("cargo::rerun-if-changed={file}");
    }
    emit_direct_user_access(&kernel);
    emit_subsystem_cfgs(&kernel);

    // Each group of helpers becomes an archive of its own, so that ld, which pulls archive
    // members only to resolve symbols, links into a module just the groups it calls.
    let source =
        std::fs::read_to_string("helpers.c").unwrap_or_else(|e| fail(format!("reading helpers.c: {e}")));
    let groups: Vec<&str> = source.lines().filter_map(|l| l.strip_prefix("#ifdef RUST_HELPERS_")).collect();
    std::thread::scope(|scope| {
        let kernel = &kernel;
        let builds: Vec<_> = groups
            .iter()
            .map(|group| {
                let dir = out_dir.join(group);
                scope.spawn(move || compile_helpers(kernel, group, dir))
            })
            .collect();
        for build in builds {
            if let Err(e) = build.join().unwrap_or_else(|_| Err("a helper compile panicked".into())) {
                fail(e);
            }
        }
    });
    for group in &groups {
        println!("cargo::rustc-link-search=native={}", out_dir.join(group).display());
        println!("cargo::rustc-link-lib=static={}", archive_name(group));
    }

    let builder = bindgen_builder(&kernel)
        .header("wrapper.h")
        .clang_arg(format!("-I{}", shared_include()))
        .allowlist_function("kmod_rs_helper_.*")
        .blocklist_type(".*")
        .parse_callbacks(Box::new(HelperNames));
    write_bindings(builder, &out_dir.join("helpers.rs")).unwrap_or_else(|e| fail(e));
}
