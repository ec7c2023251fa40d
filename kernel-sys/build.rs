//! Generates the raw bindings from the target kernel's own headers.
//!
//! The kernel tree comes from `KDIR` (else the running kernel's); its C flags come from Kbuild
//! itself (see `kernel-build`). What the probe found is handed to dependent build scripts through
//! the `links` metadata `DEP_KERNEL_PROBE`.

use kernel_build::{bindgen_builder, fail, write_bindings, Kernel, TypeLayout};
use std::path::PathBuf;

/// Functions, types and variables bound; whatever they reference comes along.
const FUNCTIONS: &[&str] = &[
    "_printk",
    "faux_device_create",
    "faux_device_destroy",
    "kfree",
    "ksize",
    "kmalloc_size_roundup",
    "__kmalloc_cache_noprof",
    "mutex_lock",
    "mutex_unlock",
    "__init_waitqueue_head",
    "init_wait_entry",
    "prepare_to_wait_exclusive",
    "finish_wait",
    "__wake_up",
    "misc_register",
    "misc_deregister",
    "timer_init_key",
    "mod_timer",
    "timer_delete",
    "timer_delete_sync",
    "timer_shutdown",
    "timer_shutdown_sync",
    "msleep",
    "queue_work_on",
    "delayed_work_timer_fn",
    "current_work",
    "flush_work",
    "kernel_param_lock",
    "kernel_param_unlock",
    "sysfs_emit",
    "kstrtos8",
    "scnprintf",
    "msleep",
    "kthread_create_on_node",
    "kthread_should_stop",
    "kthread_stop",
    "try_module_get",
    "__module_put_and_kthread_exit",
    "module_refcount",
    "wake_up_process",
    "default_llseek",
    "noop_llseek",
    "nonseekable_open",
    "stream_open",
    "vfs_setpos",
    "compat_ptr_ioctl",
    "_copy_from_user",
    "_copy_to_user",
    "__check_object_size",
    "get_device",
    "put_device",
    "_dev_printk",
    "generic_file_open",
    "_copy_to_iter",
    "_copy_from_iter",
    "iov_iter_advance",
    "iov_iter_revert",
    "seq_write",
    "seq_read",
    "seq_lseek",
    "single_open",
    "single_release",
    "simple_open",
    "debugfs_create_dir",
    "debugfs_remove",
    "config_group_init_type_name",
    "config_item_put",
    "configfs_register_subsystem",
    "configfs_unregister_subsystem",
    "seq_printf",
    "vfree",
    "__free_pages",
    "vm_insert_page",
    "kvfree",
    "schedule_timeout",
    "complete_all",
    "wait_for_completion",
];
/// Functions of [`FUNCTIONS`] that some configurations declare only as macros (the Rust code
/// calls a C helper there instead): not required.
const OPTIONAL: &[&str] = &[
    // A macro over mutex_lock_nested() with lockdep (CONFIG_DEBUG_LOCK_ALLOC).
    "mutex_lock",
    // Static inlines where the architecture defines INLINE_COPY_{FROM,TO}_USER (arm64).
    "_copy_from_user",
    "_copy_to_user",
    // Absent with CONFIG_SLOB (6.1), which has no kmalloc caches.
    "__kmalloc_cache_noprof",
    // The faux bus, from 6.15 (`kernel::faux`, where the headers have it).
    "faux_device_create",
    "faux_device_destroy",
];

/// Functions of [`FUNCTIONS`] that kernels have renamed, with their older name: where the headers
/// declare only the old one, the bindings call it by the new name, so Rust code has one name on
/// every kernel. What the headers declare decides, not the version (distributions backport).
const RENAMED: &[(&str, &str)] = &[
    // 6.16
    ("timer_init_key", "init_timer_key"),
    // 6.11 (6.10: kmalloc_trace_noprof(), 6.1-6.9: kmalloc_trace(), with the same parameters)
    ("__kmalloc_cache_noprof", "kmalloc_trace_noprof"),
    ("__kmalloc_cache_noprof", "kmalloc_trace"),
];

const TYPES: &[&str] = &[
    "module",
    "kernel_param",
    "kernel_param_ops",
    "kparam_array",
    "gfp_t",
    "file",
    "file_operations",
    "miscdevice",
    "poll_table_struct",
    "kiocb",
    "iov_iter",
    "seq_file",
    "dentry",
    "wait_queue_head",
    "wait_queue_entry",
    "mutex",
    "spinlock",
    "timer_list",
    "work_struct",
    "kmod_rs_delayed_work",
    "lock_class_key",
    "refcount_struct",
    "completion",
    "tracepoint",
    "faux_device",
    "configfs_subsystem",
    "configfs_attribute",
    "configfs_group_operations",
    "configfs_item_operations",
    // KUnit's test, case and suite, where it is built in (kernel::kunit registers suites).
    "kunit",
    "kunit_case",
    "kunit_suite",
    // Typedefs the C helpers use in their signatures.
    "poll_table",
    "wait_queue_head_t",
    "spinlock_t",
    "refcount_t",
    "work_func_t",
    "u64",
    "umode_t",
    "vm_flags_t",
];
const VARS: &[&str] = &[
    "E[A-Z0-9_]+",
    "MAX_ERRNO",
    "LINUX_VERSION_CODE",
    "UTS_RELEASE",
    "KERN_[A-Z]+",
    "__this_module",
    "param_ops_[a-z]+",
    "param_array_ops",
    "KERNEL_PARAM_.*",
    "RUST_CONST_HELPER_.*",
    "jiffies",
    "MISC_DYNAMIC_MINOR",
    "TASK_(NORMAL|RUNNING|INTERRUPTIBLE|UNINTERRUPTIBLE)",
    "WORK_CPU_UNBOUND",
    "TIMER_IRQSAFE",
    "NUMA_NO_NODE",
    "O_NONBLOCK",
    "SEEK_(SET|CUR|END)",
    "S_I[RWX](USR|GRP|OTH|UGO)",
    "_IOC_[A-Z]+",
    "MAX_LFS_FILESIZE",
    "SZ_[0-9]+[KMG]",
    "kmalloc_caches",
];

/// Types kept as blobs of the right size and alignment: those bindgen cannot lay out in Rust
/// (packed structs holding aligned ones), and large ones Rust only points to, which would
/// otherwise drag most of the kernel's types into the bindings.
const OPAQUE: &[&str] = &[
    "task_struct",
    "inode",
    "module",
    "mm_struct",
    "vm_area_struct",
    "page",
    "folio",
    "address_space",
    "super_block",
    "dentry",
    "device",
    "iov_iter",
    "seq_file",
    "xregs_state",
    "desc_struct",
    "arch_lbr_state",
    "local_apic",
    "alt_instr",
    "x86_msi_data",
    "x86_msi_addr_lo",
];

/// Types the safe crate shares with C, and the fields it touches: gcc and libclang must agree on
/// their layout (bindgen's own assertions then tie libclang's layout to the Rust types).
const LAYOUTS: &[TypeLayout<'_>] = &[
    ("struct module", &[]),
    ("struct kernel_param", &["name", "mod", "ops", "perm", "level", "flags", "arg"]),
    ("struct kernel_param_ops", &["flags", "set", "get", "free"]),
    ("struct kparam_array", &["max", "elemsize", "num", "ops", "elem"]),
    (
        "struct file_operations",
        &[
            "owner",
            "llseek",
            "read_iter",
            "write_iter",
            "poll",
            "unlocked_ioctl",
            "compat_ioctl",
            "open",
            "release",
            "show_fdinfo",
            "mmap",
        ],
    ),
    ("struct miscdevice", &["minor", "name", "fops", "this_device", "mode"]),
    ("struct kiocb", &["ki_filp", "ki_pos"]),
    ("struct iov_iter", &["count"]),
    ("struct tracepoint", &["key"]),
    ("struct kunit_case", &["run_case", "name"]),
    ("struct kunit_suite", &["name", "test_cases"]),
    ("struct file", &["f_op", "private_data", "f_flags", "f_pos"]),
    ("gfp_t", &[]),
];

/// Renames `RUST_CONST_HELPER_X` to `X`.
#[derive(Debug)]
struct ConstHelpers;

impl bindgen::callbacks::ParseCallbacks for ConstHelpers {
    fn item_name(&self, item: bindgen::callbacks::ItemInfo<'_>) -> Option<String> {
        item.name.strip_prefix("RUST_CONST_HELPER_").map(String::from)
    }
}

/// Aliases the old names of [`RENAMED`] functions to their new ones (appended to the bindings),
/// and stops the build when the headers declare a function of [`FUNCTIONS`] under neither name:
/// the error should name the function and the tree, not come later as an unresolved name in
/// `kernel`.
fn require_functions(bindings: &std::path::Path, kdir: &std::path::Path) {
    let mut text = std::fs::read_to_string(bindings)
        .unwrap_or_else(|e| fail(format!("reading {}: {e}", bindings.display())));
    // With or without rustfmt (bindgen formats with it when it is installed).
    let declared =
        |text: &str, f: &str| ["(", " ("].iter().any(|paren| text.contains(&format!("pub fn {f}{paren}")));
    for (new, old) in RENAMED {
        if !declared(&text, new) && declared(&text, old) {
            text.push_str(&format!("pub use self::{old} as {new};\n"));
        }
    }
    std::fs::write(bindings, &text).unwrap_or_else(|e| fail(format!("writing {}: {e}", bindings.display())));
    let missing: Vec<&str> = FUNCTIONS
        .iter()
        .copied()
        .filter(|f| !OPTIONAL.contains(f) && !declared(&text, f) && !text.contains(&format!(" as {f};")))
        .collect();
    if !missing.is_empty() {
        fail(format!(
            "the kernel headers in {} do not declare {}: this kernel is older than kmod-rs supports \
             (Debian 12's 6.1 is the oldest tested), or its headers are incomplete",
            kdir.display(),
            missing.join(", ")
        ));
    }
}

fn main() {
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let kernel = Kernel::locate(&out_dir).unwrap_or_else(|e| fail(e));
    println!("cargo::rerun-if-changed=headers.h");
    println!("cargo::rerun-if-changed=kmod_rs.h");
    // Where kmod_rs.h is, for the C helpers of dependent crates (DEP_KERNEL_INCLUDE): the types
    // they share with Rust are defined there once.
    let include =
        std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|e| fail(format!("CARGO_MANIFEST_DIR: {e}")));
    println!("cargo::metadata=include={include}");

    let mut builder = bindgen_builder(&kernel).header("headers.h").parse_callbacks(Box::new(ConstHelpers));
    for f in FUNCTIONS.iter().chain(RENAMED.iter().map(|(_, old)| old)) {
        builder = builder.allowlist_function(f);
    }
    for t in TYPES {
        builder = builder.allowlist_type(t);
    }
    for v in VARS {
        builder = builder.allowlist_var(v);
    }
    for t in OPAQUE {
        builder = builder.opaque_type(t);
    }
    let start = std::time::Instant::now();
    write_bindings(builder, &out_dir.join("bindings.rs")).unwrap_or_else(|e| fail(e));
    require_functions(&out_dir.join("bindings.rs"), &kernel.kdir);
    // For the benchmarks (bench/run.py): how long bindgen took, next to what it wrote.
    let seconds = format!("{:.3}\n", start.elapsed().as_secs_f64());
    std::fs::write(out_dir.join("bindgen-seconds"), seconds).unwrap_or_else(|e| fail(e));

    let header = std::path::absolute("headers.h").unwrap_or_else(|e| fail(e));
    kernel.check_layouts(&header, LAYOUTS, &out_dir).unwrap_or_else(|e| fail(e));

    // Last, so that a failure above is not buried under thousands of cfg lines.
    kernel.rerun_if_changed();
    kernel.export(&out_dir).unwrap_or_else(|e| fail(e));
    kernel.emit_cfgs(&[]);
}
