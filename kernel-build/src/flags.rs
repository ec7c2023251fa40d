//! Turning Kbuild's `$(c_flags)` into arguments for gcc (the C helpers) and libclang (bindgen).

use std::path::Path;

/// Defines that name the probe's own object; the C helpers get their own names instead.
const PROBE_DEFINES: &[&str] =
    &["-DKBUILD_MODFILE=", "-DKBUILD_BASENAME=", "-DKBUILD_MODNAME=", "-D__KBUILD_MODNAME="];

/// Options that take their value as the next argument and may name a path relative to the tree.
const PATH_OPTIONS: &[&str] = &["-I", "-include", "-isystem", "-iquote", "-imacros", "-idirafter"];

/// What libclang keeps of the kernel's C flags: only what changes what a header declares or how
/// it lays types out. Everything else (warnings, optimisation and code-generation switches,
/// mitigations, sanitizers, plugins, tuning, debug info) is dropped unseen, so a flag gcc grows
/// next year cannot break bindgen. Entries ending in `=` match any value.
const DECLARATION_FLAGS: &[&str] = &[
    // Headers: the include path, forced includes, no host headers.
    "-nostdinc",
    "-nostdlibinc",
    // The language: its dialect, extensions and the types of char and wchar_t.
    "-std=",
    "-fms-extensions",
    "-ffreestanding",
    "-funsigned-char",
    "-fsigned-char",
    "-fshort-wchar",
    // Layout: enum sizes and structure packing.
    "-fshort-enums",
    "-fno-short-enums",
    "-fpack-struct",
    "-fpack-struct=",
    // The target: word size, ABI, code model, byte order and instruction set, which set the
    // predefined macros (__x86_64__, __SSE__, __OPTIMIZE__, __PIE__, __CET__, ...) headers test.
    "-m16",
    "-m32",
    "-m64",
    "-mx32",
    "-march=",
    "-mcpu=",
    "-mabi=",
    "-mcmodel=",
    "-mregparm=",
    "-mlittle-endian",
    "-mbig-endian",
    "-msoft-float",
    "-mgeneral-regs-only",
    "-fno-PIE",
    "-fno-pie",
    "-fno-PIC",
    "-fno-pic",
    "-fcf-protection=",
    "-O",
    "-O0",
    "-O1",
    "-O2",
    "-O3",
    "-Os",
    "-Oz",
];

/// Instruction-set extensions that `-mno-<isa>` turns off (and their predefined macros with them).
const ISA_EXTENSIONS: &[&str] = &["sse", "mmx", "3dnow", "avx", "80387", "fp-regs", "x87", "amx", "apx"];

/// Dropped options whose value is the next argument (`--param asan-stack=1`).
const DROPPED_WITH_VALUE: &[&str] =
    &["--param", "-Xassembler", "-Xpreprocessor", "-MF", "-MT", "-MQ", "-o", "-x"];

/// gcc's spellings for arm64 that clang does not take, or takes to mean more (upstream's
/// `bindgen_skip_c_flags` drops them too): lp64 is clang's only AArch64 ABI anyway.
const GCC_ONLY: &[&str] = &["-mabi=lp64", "-mgeneral-regs-only"];

/// Whether libclang should see `arg`: see [`DECLARATION_FLAGS`].
fn changes_declarations(arg: &str) -> bool {
    if GCC_ONLY.contains(&arg) {
        return false;
    }
    if ["-D", "-U", "-I"].iter().any(|p| arg.starts_with(p)) || PATH_OPTIONS.contains(&arg) {
        return true;
    }
    if let Some(isa) = arg.strip_prefix("-mno-") {
        return ISA_EXTENSIONS.iter().any(|e| isa.starts_with(e));
    }
    DECLARATION_FLAGS.iter().any(|flag| match flag.strip_suffix('=') {
        Some(option) => arg.strip_prefix(option).is_some_and(|rest| rest.starts_with('=')),
        None => arg == *flag,
    })
}

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

/// gcc arguments (from [`gcc_args`]) made ready for libclang: only the flags that change
/// declarations or layout (include paths, defines, the dialect and the target's), then the
/// clang `target` (e.g. `x86_64-linux-gnu`, `aarch64-linux-gnu`), `-D__BINDGEN__`, `-DMODULE`
/// and `-w`.
///
/// ```
/// let gcc = ["-O2", "-mindirect-branch=thunk-extern", "-Wall", "-DMODULE", "-fnew-gcc-flag=3"].map(String::from);
/// let clang = kernel_build::clang_args(&gcc, "x86_64-linux-gnu");
/// assert_eq!(clang, ["-O2", "-DMODULE", "-D__BINDGEN__", "--target=x86_64-linux-gnu", "-w"]);
/// ```
pub fn clang_args(gcc: &[String], target: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut args = gcc.iter();
    while let Some(arg) = args.next() {
        if PATH_OPTIONS.contains(&arg.as_str()) {
            out.push(arg.clone());
            out.extend(args.next().cloned());
        } else if DROPPED_WITH_VALUE.contains(&arg.as_str()) {
            args.next();
        } else if changes_declarations(arg) {
            out.push(arg.clone());
        }
    }
    if !out.iter().any(|a| a == "-DMODULE") {
        out.push("-DMODULE".into());
    }
    out.extend(["-D__BINDGEN__".into(), format!("--target={target}"), "-w".into()]);
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

    /// Kbuild's `$(c_flags)` for a module of Debian's 6.1, 6.12 and 7.2 (gcc-16) kernels, as
    /// the probe printed them (the header trees' paths shortened).
    const REAL: [(&str, &str); 3] = [
        ("6.1", include_str!("flags/6.1.txt")),
        ("6.12", include_str!("flags/6.12.txt")),
        ("7.2", include_str!("flags/7.2.txt")),
    ];

    fn real(text: &str) -> Vec<String> {
        gcc_args(text.lines().map(String::from), Path::new("/kdir"))
    }

    #[test]
    fn real_flag_sets_keep_exactly_the_declaration_flags() {
        for (kernel, text) in REAL {
            let gcc = real(text);
            let clang = clang_args(&gcc, "x86_64-linux-gnu");
            // What changes declarations or layout is all there, in order.
            let expected: Vec<&String> = gcc
                .iter()
                .filter(|a| {
                    a.starts_with("-D")
                        || a.starts_with("-I")
                        || a.starts_with("-std=")
                        || a.starts_with("-mno-s")
                })
                .collect();
            let kept: Vec<&String> = clang.iter().filter(|a| expected.contains(a)).collect();
            assert_eq!(kept, expected, "{kernel}");
            for flag in ["-nostdinc", "-funsigned-char", "-fshort-wchar", "-m64", "-mcmodel=kernel", "-O2"] {
                let given = gcc.iter().any(|a| a == flag);
                assert!(given || flag == "-funsigned-char", "{kernel}: no {flag} in the sample");
                assert_eq!(clang.iter().any(|a| a == flag), given, "{kernel}: {flag} dropped");
            }
            let includes = gcc.iter().filter(|a| *a == "-include").count();
            assert_eq!(clang.iter().filter(|a| *a == "-include").count(), includes, "{kernel}");
            // Nothing that only steers gcc reaches libclang.
            for arg in &clang {
                assert!(
                    !arg.starts_with("-W") && !arg.starts_with("-fsanitize") && !arg.starts_with("-g"),
                    "{kernel}: {arg}"
                );
            }
            for gcc_only in
                ["-mindirect-branch=thunk-extern", "-mrecord-mcount", "-fconserve-stack", "-mtune=generic"]
            {
                assert!(!clang.iter().any(|a| a == gcc_only), "{kernel}: {gcc_only} kept");
            }
        }
    }

    #[test]
    fn what_gcc_16_added_is_dropped_and_ms_extensions_kept() {
        let clang = clang_args(&real(REAL[2].1), "x86_64-linux-gnu");
        for flag in [
            "-mstack-protector-guard-symbol=__ref_stack_chk_guard",
            "-fzero-init-padding-bits=all",
            "-fdiagnostics-show-context=2",
            "-fmin-function-alignment=16",
        ] {
            assert!(!clang.iter().any(|a| a == flag), "{flag} kept");
        }
        assert!(clang.iter().any(|a| a == "-fms-extensions"));
    }

    #[test]
    fn arm64_flags_for_clang() {
        let gcc = strings(&[
            "-mlittle-endian",
            "-mgeneral-regs-only",
            "-mabi=lp64",
            "-mbranch-protection=pac-ret+leaf",
            "-DARM64_ASM_ARCH=\"armv8.5-a\"",
            "-mstack-protector-guard=sysreg",
            "-O2",
        ]);
        assert_eq!(
            clang_args(&gcc, "aarch64-linux-gnu"),
            strings(&[
                "-mlittle-endian",
                "-DARM64_ASM_ARCH=\"armv8.5-a\"",
                "-O2",
                "-DMODULE",
                "-D__BINDGEN__",
                "--target=aarch64-linux-gnu",
                "-w"
            ])
        );
    }

    #[test]
    fn unknown_flags_are_dropped_with_their_values() {
        let gcc = strings(&[
            "-fsome-future-gcc-option=7",
            "-mfuture-mitigation",
            "--param",
            "asan-globals=1",
            "-mno-fp-ret-in-387",
            "-mno-red-zone",
            "-mno-sse4a",
            "-march=x86-64",
            "-fcf-protection=branch",
            "-fpack-struct=4",
            "-std=gnu11",
        ]);
        let clang = clang_args(&gcc, "x86_64-linux-gnu");
        assert_eq!(
            &clang[..clang.len() - 4],
            strings(&[
                "-mno-sse4a",
                "-march=x86-64",
                "-fcf-protection=branch",
                "-fpack-struct=4",
                "-std=gnu11"
            ])
        );
    }
}
