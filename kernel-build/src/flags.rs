//! Turning Kbuild's `$(c_flags)` into arguments for gcc (the C helpers) and libclang (bindgen).

use std::path::Path;

/// Defines that name the probe's own object; the C helpers get their own names instead.
const PROBE_DEFINES: &[&str] =
    &["-DKBUILD_MODFILE=", "-DKBUILD_BASENAME=", "-DKBUILD_MODNAME=", "-D__KBUILD_MODNAME="];

/// gcc-only options whose value is the next argument (`--param asan-stack=1`).
const GCC_ONLY_WITH_VALUE: &[&str] = &["--param"];

/// Options that take their value as the next argument and may name a path relative to the tree.
const PATH_OPTIONS: &[&str] = &["-I", "-include", "-isystem", "-iquote", "-imacros"];

/// Flags gcc builds the kernel with that libclang rejects or that only steer gcc's code
/// generation. None of them changes what a header declares, so dropping them keeps the bindings
/// exact. Entries ending in `=` (or `-`) match any value.
const GCC_ONLY: &[&str] = &[
    // Mitigations: clang spells them differently (e.g. -mretpoline-external-thunk).
    "-mindirect-branch=",
    "-mindirect-branch-register",
    "-mindirect-branch-cs-prefix",
    "-mfunction-return=",
    "-mharden-sls=",
    // Stack, alignment and frame tuning.
    "-mpreferred-stack-boundary=",
    "-mskip-rax-setup",
    "-mno-fp-ret-in-387",
    "-mstack-protector-guard",
    "-fconserve-stack",
    "-falign-jumps=",
    "-falign-loops=",
    "-fmin-function-alignment=",
    "-fno-stack-clash-protection",
    "-fzero-call-used-regs=",
    "-ftrivial-auto-var-init=",
    "-fstrict-flex-arrays=",
    // Tracing: gcc's mcount records.
    "-mrecord-mcount",
    // Optimisation switches and tuning parameters gcc alone knows.
    "-fno-allow-store-data-races",
    "-fno-ipa-cp-clone",
    "-fno-ipa-sra",
    "-fno-partial-inlining",
    "-fno-reorder-blocks",
    "-fno-inline-functions-called-once",
    "-femit-struct-debug-baseonly",
    "--param=",
    // Sanitizer and plugin settings (KASAN, UBSAN, gcc plugins).
    "-fasan-shadow-offset=",
    "-fsanitize=",
    "-fsanitize-coverage=",
    "-fplugin=",
    "-fplugin-arg-",
];

/// Kbuild's flags made ready for gcc outside Kbuild: relative paths made absolute against the
/// tree, the probe's dependency-file option and its object names removed.
///
/// ```
/// let raw = ["-Wp,-MMD,/tmp/.x.d", "-I./include", "-include", "./x.h", "-DKBUILD_MODNAME=\"probe\"", "-O2"];
/// let args = kernel_build::gcc_args(raw.iter().map(|s| s.to_string()), "/k".as_ref());
/// assert_eq!(args, ["-I/k/include", "-include", "/k/x.h", "-O2"]);
/// ```
pub fn gcc_args(raw: impl IntoIterator<Item = String>, kdir: &Path) -> Vec<String> {
    let absolute = |p: &str| match p {
        "." => kdir.display().to_string(),
        _ => match p.strip_prefix("./") {
            Some(rest) => kdir.join(rest).display().to_string(),
            None => p.to_string(),
        },
    };
    let mut out = Vec::new();
    let mut path_follows = false;
    for arg in raw {
        if std::mem::take(&mut path_follows) {
            out.push(absolute(&arg));
            continue;
        }
        if arg.starts_with("-Wp,-M") || PROBE_DEFINES.iter().any(|d| arg.starts_with(d)) {
            continue;
        }
        if PATH_OPTIONS.contains(&arg.as_str()) {
            path_follows = true;
            out.push(arg);
        } else if let Some(path) = arg.strip_prefix("-I") {
            out.push(format!("-I{}", absolute(path)));
        } else {
            out.push(arg);
        }
    }
    out
}

/// gcc arguments (from [`gcc_args`]) made ready for libclang: gcc-only options and warnings
/// dropped, and the target, `-D__BINDGEN__`, `-DMODULE` and `-w` added.
///
/// ```
/// let gcc = ["-O2", "-mindirect-branch=thunk-extern", "-Wall", "-DMODULE"].map(String::from);
/// let clang = kernel_build::clang_args(&gcc);
/// assert_eq!(clang, ["-O2", "-DMODULE", "-D__BINDGEN__", "--target=x86_64-linux-gnu", "-w"]);
/// ```
pub fn clang_args(gcc: &[String]) -> Vec<String> {
    let gcc_only = |arg: &str| {
        GCC_ONLY.iter().any(|flag| {
            if flag.ends_with('=') || flag.ends_with('-') {
                arg.starts_with(flag)
            } else {
                arg == *flag || arg.starts_with(&format!("{flag}="))
            }
        })
    };
    let warning = |arg: &str| arg.starts_with("-W") && !arg.starts_with("-Wp,");
    let mut out = Vec::new();
    let mut args = gcc.iter();
    while let Some(arg) = args.next() {
        if GCC_ONLY_WITH_VALUE.contains(&arg.as_str()) {
            args.next();
        } else if !gcc_only(arg) && !warning(arg) {
            out.push(arg.clone());
        }
    }
    if !out.iter().any(|a| a == "-DMODULE") {
        out.push("-DMODULE".into());
    }
    out.extend(["-D__BINDGEN__", "--target=x86_64-linux-gnu", "-w"].map(String::from));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(s: &[&str]) -> Vec<String> {
        s.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn relative_paths_become_absolute() {
        let raw = strings(&[
            "-I./arch/x86/include/generated",
            "-I",
            "./include",
            "-I/abs",
            "-include",
            "/abs/k.h",
            "-isystem",
            ".",
        ]);
        assert_eq!(
            gcc_args(raw, Path::new("/kdir")),
            strings(&[
                "-I/kdir/arch/x86/include/generated",
                "-I",
                "/kdir/include",
                "-I/abs",
                "-include",
                "/abs/k.h",
                "-isystem",
                "/kdir"
            ])
        );
    }

    #[test]
    fn probe_names_and_depfile_are_dropped() {
        let raw = strings(&[
            "-Wp,-MMD,/probe/.flags.d",
            "-DKBUILD_MODFILE=\"/probe/flags\"",
            "-DKBUILD_BASENAME=\"flags\"",
            "-DKBUILD_MODNAME=\"flags\"",
            "-D__KBUILD_MODNAME=kmod_flags",
            "-DMODULE",
            "-D__KERNEL__",
        ]);
        assert_eq!(gcc_args(raw, Path::new("/k")), strings(&["-DMODULE", "-D__KERNEL__"]));
    }

    #[test]
    fn clang_drops_what_libclang_14_rejects() {
        // Every flag libclang 14 refused on Debian's 6.1 and 6.12 kernels, plus a few from
        // debug configurations.
        let rejected = strings(&[
            "-ftrivial-auto-var-init=zero",
            "-fconserve-stack",
            "-fno-allow-store-data-races",
            "-mfunction-return=thunk-extern",
            "-mindirect-branch-cs-prefix",
            "-mindirect-branch-register",
            "-mindirect-branch=thunk-extern",
            "-mpreferred-stack-boundary=3",
            "-mrecord-mcount",
            "-fasan-shadow-offset=0xdffffc0000000000",
            "--param=asan-stack=1",
            "-fmin-function-alignment=16",
        ]);
        let separate_values = strings(&["--param", "asan-globals=1", "--param", "asan-stack=1"]);
        let kept = strings(&[
            "-nostdinc",
            "-funsigned-char",
            "-fno-PIE",
            "-mcmodel=kernel",
            "-std=gnu11",
            "-O2",
            "-mno-sse",
        ]);
        let mut input = rejected.clone();
        input.extend(separate_values.iter().cloned());
        input.extend(kept.iter().cloned());
        input.extend(strings(&["-Wall", "-Werror=strict-prototypes", "-Wno-sign-compare"]));
        let out = clang_args(&input);
        for flag in rejected.iter().chain(&separate_values) {
            assert!(!out.contains(flag), "{flag} should be dropped");
        }
        for flag in &kept {
            assert!(out.contains(flag), "{flag} should be kept");
        }
        assert!(!out.iter().any(|a| a.starts_with("-W")));
        assert!(out.ends_with(&strings(&["-DMODULE", "-D__BINDGEN__", "--target=x86_64-linux-gnu", "-w"])));
    }

    #[test]
    fn exact_flags_do_not_swallow_longer_ones() {
        // `-mindirect-branch-register` must not be matched by a prefix of another flag.
        let out = clang_args(&strings(&["-mindirect-branch-registers-are-fine", "-fconserve-stackx"]));
        assert!(out.contains(&"-mindirect-branch-registers-are-fine".to_string()));
        assert!(out.contains(&"-fconserve-stackx".to_string()));
    }
}
