//! Gathers the doc examples of the `kernel` crate (`../../../src`) into `$OUT_DIR/doctests.rs`,
//! which the module includes. An example is taken when its fence is Rust (no info, or `rust`) and
//! not `ignore`, `compile_fail` or `should_panic`, or when it is `ignore`d (on the host, where it
//! cannot link) and tagged `kernel`. It is then of one of two kinds:
//!
//! - run: a test of one `#[kunit_tests]` module, named after the example's file and line.
//! - compiled only, when it is tagged `no_run` (`ignore,kernel,no_run`): a function of the same
//!   name that is never called. A `#[used]` table keeps each one, with its name, in the module:
//!   what the example does at its top level is generated and linked as the tests' code is (a
//!   function it only defines is checked, not generated), and tests/doctests.py finds its name in
//!   the .ko.
//!
//! Lines starting with `# ` are rustdoc's hidden lines, kept as code.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

/// What the module does with a doc example.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A test of the in-kernel suite.
    Run,
    /// A function that is compiled and linked, never called.
    CompileOnly,
}

/// One doc example: where it starts, its kind and its code.
struct Example {
    file: PathBuf,
    line: usize,
    kind: Kind,
    code: String,
}

impl Example {
    /// The name of its test or function: its file and line.
    fn name(&self) -> String {
        format!("{}_{}", self.file.display(), self.line)
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect()
    }
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

/// What a fence's info string asks of the example in the kernel, if anything.
fn kind(info: &str) -> Option<Kind> {
    let tags: Vec<&str> =
        info.split(|c: char| c == ',' || c.is_whitespace()).filter(|t| !t.is_empty()).collect();
    let excluded = ["compile_fail", "should_panic", "text", "sh", "c", "console", "toml", "make"];
    if tags.iter().any(|t| excluded.contains(t)) {
        return None;
    }
    let taken = if tags.contains(&"ignore") {
        tags.contains(&"kernel")
    } else {
        tags.iter().all(|t| matches!(*t, "rust" | "no_run" | "kernel"))
    };
    let kind = if tags.contains(&"no_run") { Kind::CompileOnly } else { Kind::Run };
    taken.then_some(kind)
}

/// Where the scan of a file is: outside a fence, in one taken, or in one skipped.
enum State {
    Outside,
    Taking(usize, Kind, String),
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
            state = match (state, kind(info)) {
                (State::Outside, Some(kind)) => State::Taking(i + 1, kind, String::new()),
                (State::Outside, None) => State::Skipping,
                (State::Taking(line, kind, code), _) => {
                    out.push(Example { file: file.to_path_buf(), line, kind, code });
                    State::Outside
                }
                (State::Skipping, _) => State::Outside,
            };
            continue;
        }
        if let State::Taking(_, _, code) = &mut state {
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
    for example in all.iter().filter(|e| e.kind == Kind::Run) {
        let _ = write!(
            out,
            "    /// `src/{}`, line {}.\n    #[test]\n    fn {}() -> ::kernel::error::Result {{\n        \
             #[allow(unused_imports, unused_variables, dead_code, clippy::all)]\n        {{\n{}        }};\n        Ok(())\n    }}\n\n",
            example.file.display(),
            example.line,
            example.name(),
            example.code
        );
    }
    out.push_str("}\n");

    let compiled: Vec<&Example> = all.iter().filter(|e| e.kind == Kind::CompileOnly).collect();
    out.push_str(
        "\n/// The doc examples of the `kernel` crate that are compiled only (`no_run`), never called.\n\
         #[allow(unused_imports, unused_variables, unused_mut, dead_code, unreachable_code, clippy::all)]\n\
         mod doctests_compiled {\n    use kernel::prelude::*;\n\n",
    );
    for example in &compiled {
        let _ = write!(
            out,
            "    /// `src/{}`, line {}.\n    pub(crate) fn {}() -> ::kernel::error::Result {{\n        {{\n{}        }};\n        Ok(())\n    }}\n\n",
            example.file.display(),
            example.line,
            example.name(),
            example.code
        );
    }
    out.push_str("}\n\n");
    let _ = write!(
        out,
        "/// A compiled-only example: its name and its function.\n\
         type Compiled = (&'static ::core::ffi::CStr, fn() -> ::kernel::error::Result);\n\n\
         /// Keeps the compiled-only examples in the module, each with its name.\n#[used]\n\
         static DOCTESTS_COMPILED: [Compiled; {}] = [\n",
        compiled.len()
    );
    for example in &compiled {
        let name = example.name();
        let _ = writeln!(out, "    (c\"doctest_compiled:{name}\", doctests_compiled::{name}),");
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("doctests.rs");
    fs::write(dest, out).expect("writing doctests.rs");
}
