//! Gathers the doc examples of the `kernel` crate (`../../../src`) into one `#[kunit_tests]`
//! module, `$OUT_DIR/doctests.rs`: each example becomes a test named after its file and line.
//!
//! An example is taken when its fence is Rust (no info, or `rust`) and not `ignore`,
//! `compile_fail` or `should_panic`, or when it is `ignore`d (on the host, where it cannot link)
//! and tagged `kernel`. Lines starting with `# ` are rustdoc's hidden lines, kept as code.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

/// One doc example: where it starts, and its code.
struct Example {
    file: PathBuf,
    line: usize,
    code: String,
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = fs::read_dir(dir).expect("reading the kernel crate's src/").flatten().collect();
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Whether a fence's info string asks for the example to run in the kernel.
fn runs_in_kernel(info: &str) -> bool {
    let tags: Vec<&str> =
        info.split(|c: char| c == ',' || c.is_whitespace()).filter(|t| !t.is_empty()).collect();
    let excluded = ["compile_fail", "should_panic", "text", "sh", "c", "console", "toml", "make"];
    if tags.iter().any(|t| excluded.contains(t)) {
        return false;
    }
    if tags.contains(&"ignore") {
        return tags.contains(&"kernel");
    }
    tags.iter().all(|t| matches!(*t, "rust" | "no_run" | "kernel"))
}

/// Where the scan of a file is: outside a fence, in one taken, or in one skipped.
enum State {
    Outside,
    Taking(usize, String),
    Skipping,
}

/// The examples of one file, from its `///` and `//!` comments.
fn examples(file: &Path, text: &str, out: &mut Vec<Example>) {
    let mut state = State::Outside;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let Some(doc) = trimmed.strip_prefix("///").or_else(|| trimmed.strip_prefix("//!")) else {
            state = State::Outside;
            continue;
        };
        let doc = doc.strip_prefix(' ').unwrap_or(doc);
        if let Some(info) = doc.trim_end().strip_prefix("```") {
            state = match state {
                State::Outside if runs_in_kernel(info) => State::Taking(i + 1, String::new()),
                State::Outside => State::Skipping,
                State::Taking(line, code) => {
                    out.push(Example { file: file.to_path_buf(), line, code });
                    State::Outside
                }
                State::Skipping => State::Outside,
            };
            continue;
        }
        if let State::Taking(_, code) = &mut state {
            let code_line = doc.strip_prefix("# ").or_else(|| (doc == "#").then_some("")).unwrap_or(doc);
            code.push_str(code_line);
            code.push('\n');
        }
    }
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let src = manifest.join("../../../src");
    println!("cargo:rerun-if-changed={}", src.display());
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut all = Vec::new();
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let text = fs::read_to_string(file).expect("reading a source file of the kernel crate");
        examples(file.strip_prefix(&src).unwrap_or(file), &text, &mut all);
    }

    let mut out = String::from(
        "/// The doc examples of the `kernel` crate.\n#[kernel::kunit_tests(rust_doctests_kernel)]\nmod doctests {\n    #[allow(unused_imports)]\n    use kernel::prelude::*;\n\n",
    );
    for example in &all {
        let name: String = format!("{}_{}", example.file.display(), example.line)
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let _ = write!(
            out,
            "    /// `src/{}`, line {}.\n    #[test]\n    fn {name}() -> ::kernel::error::Result {{\n        \
             #[allow(unused_imports, unused_variables, dead_code, clippy::all)]\n        {{\n{}        }};\n        Ok(())\n    }}\n\n",
            example.file.display(),
            example.line,
            example.code
        );
    }
    out.push_str("}\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("doctests.rs");
    fs::write(dest, out).expect("writing doctests.rs");
}
