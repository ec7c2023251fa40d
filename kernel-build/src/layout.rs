//! Checking that gcc (which built the kernel) and libclang (which bindgen uses) agree on the
//! layout of the types Rust code shares with C.
//!
//! bindgen's generated assertions tie the Rust types to libclang's layout at compile time; this
//! check ties libclang's layout to gcc's. Each size, alignment and field offset becomes the size
//! of an array in a C file compiled by both to assembly, where `.size` states it.

use crate::{Error, Kernel, Result};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::fs;
use std::path::Path;
use std::process::Command;

/// A C type and the fields whose offsets must match, e.g. `("struct kernel_param", &["arg"])`.
pub type TypeLayout<'a> = (&'a str, &'a [&'a str]);

/// The C source: one array per quantity, sized quantity + 1 (GNU C has zero-sized structs).
fn probe_source(header: &Path, types: &[TypeLayout<'_>]) -> String {
    let mut c = format!("#include \"{}\"\n#include <linux/stddef.h>\n", header.display());
    for (i, (ty, fields)) in types.iter().enumerate() {
        let _ = writeln!(c, "char rust_layout_{i}_size[sizeof({ty}) + 1];");
        let _ = writeln!(c, "char rust_layout_{i}_align[__alignof__({ty}) + 1];");
        for field in *fields {
            let _ = writeln!(c, "char rust_layout_{i}_{field}[offsetof({ty}, {field}) + 1];");
        }
    }
    c
}

/// The `.size rust_layout_*, N` directives of an assembly listing.
fn sizes(asm: &str) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for line in asm.lines() {
        let Some(rest) = line.trim().strip_prefix(".size") else {
            continue;
        };
        let Some((name, size)) = rest.split_once(',') else {
            continue;
        };
        let name = name.trim();
        if let (true, Ok(size)) = (name.starts_with("rust_layout_"), size.trim().parse()) {
            out.insert(name.to_string(), size);
        }
    }
    out
}

/// Compares the two listings; every quantity must be present in both and equal.
fn compare(types: &[TypeLayout<'_>], gcc: &str, clang: &str) -> Result<usize> {
    let (gcc, clang) = (sizes(gcc), sizes(clang));
    let mut problems = Vec::new();
    let mut checked = 0;
    for (i, (ty, fields)) in types.iter().enumerate() {
        let quantities = ["size", "align"].iter().map(|q| (q.to_string(), format!("{q} of {ty}")));
        let offsets = fields.iter().map(|f| (f.to_string(), format!("offset of {ty}.{f}")));
        for (suffix, what) in quantities.chain(offsets) {
            let symbol = format!("rust_layout_{i}_{suffix}");
            match (gcc.get(&symbol), clang.get(&symbol)) {
                (Some(g), Some(c)) if g == c => checked += 1,
                (Some(g), Some(c)) => problems.push(format!("{what}: gcc {} but libclang {}", g - 1, c - 1)),
                _ => problems.push(format!("{what}: missing from a compiler's output")),
            }
        }
    }
    if problems.is_empty() {
        Ok(checked)
    } else {
        Err(Error(format!(
            "gcc and libclang disagree on kernel type layouts, so the bindings would be wrong:\n  {}",
            problems.join("\n  ")
        )))
    }
}

fn compile(mut cmd: Command, what: &str) -> Result<String> {
    let output = cmd.output().map_err(|e| Error(format!("running {what}: {e}")))?;
    if !output.status.success() {
        return Err(Error(format!(
            "{what} failed on the layout probe:\n{}",
            String::from_utf8_lossy(&output.stderr)
        )));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

impl Kernel {
    /// Checks that gcc, with the kernel's flags, and libclang, with bindgen's, lay out `types`
    /// (as declared by `header`) the same way. Returns how many quantities were compared.
    ///
    /// Needs the `clang` program of the same version as libclang (Debian: `apt install clang`).
    pub fn check_layouts(&self, header: &Path, types: &[TypeLayout<'_>], out_dir: &Path) -> Result<usize> {
        let source = out_dir.join("layout-probe.c");
        fs::write(&source, probe_source(header, types))
            .map_err(|e| Error(format!("writing the layout probe: {e}")))?;
        let mut cc = self.cc.split_whitespace();
        let mut gcc = Command::new(cc.next_back().unwrap_or("gcc"));
        gcc.args(&self.c_flags).args(["-g0", "-S", "-o", "-"]).arg(&source);
        let mut clang = Command::new(std::env::var("CLANG").unwrap_or_else(|_| "clang".into()));
        clang.args(self.clang_args()).args(["-S", "-o", "-"]).arg(&source);
        let gcc = compile(gcc, &self.cc)?;
        let clang = compile(clang, "clang (Debian: `apt install clang`)")?;
        compare(types, &gcc, &clang)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TYPES: &[TypeLayout<'_>] = &[("struct a", &["x", "y"])];

    fn listing(size: u64, y: u64) -> String {
        format!(
            "\t.globl rust_layout_0_size\n\t.size\trust_layout_0_size, {size}\n\
             \t.size rust_layout_0_align, 9\n\t.size\trust_layout_0_x, 1\n\t.size\trust_layout_0_y, {y}\n"
        )
    }

    #[test]
    fn source_has_one_array_per_quantity() {
        let c = probe_source(Path::new("h.h"), TYPES);
        assert!(c.contains("char rust_layout_0_size[sizeof(struct a) + 1];"));
        assert!(c.contains("char rust_layout_0_align[__alignof__(struct a) + 1];"));
        assert!(c.contains("char rust_layout_0_y[offsetof(struct a, y) + 1];"));
    }

    #[test]
    fn agreeing_listings_pass() {
        assert_eq!(compare(TYPES, &listing(25, 9), &listing(25, 9)).unwrap(), 4);
    }

    #[test]
    fn a_different_offset_or_size_fails_and_is_named() {
        let err = compare(TYPES, &listing(25, 9), &listing(25, 17)).unwrap_err();
        assert!(err.0.contains("offset of struct a.y: gcc 8 but libclang 16"), "{err}");
        let err = compare(TYPES, &listing(25, 9), &listing(33, 9)).unwrap_err();
        assert!(err.0.contains("size of struct a: gcc 24 but libclang 32"), "{err}");
    }

    #[test]
    fn a_missing_quantity_fails() {
        let err = compare(TYPES, &listing(25, 9), "").unwrap_err();
        assert!(err.0.contains("missing"), "{err}");
    }
}
