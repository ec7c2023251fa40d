//! The expansion of `#[kunit_tests(suite)]`.

use crate::parse::Result;
use proc_macro::{Delimiter, Group, TokenStream, TokenTree};
use std::fmt::Write;

/// `assert!`, `assert_eq!` and `assert_ne!` for the module's code: failing the test instead of
/// panicking (which would `BUG()`).
const ASSERTS: &str = r#"
#[allow(unused_macros)]
macro_rules! assert { ($($t:tt)*) => { ::kernel::kunit_assert!($($t)*) }; }
#[allow(unused_macros)]
macro_rules! assert_eq { ($($t:tt)*) => { ::kernel::kunit_assert_eq!($($t)*) }; }
#[allow(unused_macros)]
macro_rules! assert_ne { ($($t:tt)*) => { ::kernel::kunit_assert_ne!($($t)*) }; }
"#;

/// Whether `tt` is the bracketed part of `#[test]`.
fn is_test_attribute(tt: Option<&TokenTree>) -> bool {
    matches!(tt, Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Bracket && g.stream().to_string() == "test")
}

/// The body without its `#[test]` attributes, and the names of the functions they marked.
fn tests(body: TokenStream) -> Result<(Vec<TokenTree>, Vec<String>)> {
    let tokens: Vec<TokenTree> = body.into_iter().collect();
    let mut kept = Vec::with_capacity(tokens.len());
    let mut names = Vec::new();
    let mut pending = false;
    let mut i = 0;
    while i < tokens.len() {
        let tt = &tokens[i];
        if matches!(tt, TokenTree::Punct(p) if p.as_char() == '#') && is_test_attribute(tokens.get(i + 1)) {
            pending = true;
            i += 2;
            continue;
        }
        if pending && matches!(tt, TokenTree::Ident(id) if id.to_string() == "fn") {
            match tokens.get(i + 1) {
                Some(TokenTree::Ident(name)) => names.push(name.to_string()),
                _ => return Err("kunit_tests: `#[test]` must be followed by a function".into()),
            }
            pending = false;
        }
        kept.push(tt.clone());
        i += 1;
    }
    if pending {
        return Err("kunit_tests: `#[test]` must be followed by a function".into());
    }
    Ok((kept, names))
}

pub fn expand(attr: TokenStream, item: TokenStream) -> Result<TokenStream> {
    let suite = attr.to_string();
    let valid = |c: char| c.is_ascii_alphanumeric() || c == '_';
    if suite.is_empty() || !suite.chars().all(valid) {
        return Err(format!("kunit_tests: the suite name must be an identifier, not `{suite}`"));
    }
    let mut tokens: Vec<TokenTree> = item.into_iter().collect();
    let position = tokens.iter().position(|tt| matches!(tt, TokenTree::Ident(id) if id.to_string() == "mod"));
    let is_mod = position.is_some();
    // `module!` names the suite from the crate root: a private module becomes `pub(crate)`.
    if let Some(at) = position {
        let has_vis =
            tokens[..at].iter().any(|tt| matches!(tt, TokenTree::Ident(id) if id.to_string() == "pub"));
        if !has_vis {
            let vis: TokenStream = "pub(crate)".parse().map_err(|e| format!("kunit_tests: {e}"))?;
            tokens.splice(at..at, vis);
        }
    }
    let body = match tokens.last_mut() {
        Some(TokenTree::Group(g)) if is_mod && g.delimiter() == Delimiter::Brace => g,
        _ => return Err("kunit_tests: put it on a module with a body: `mod tests { ... }`".into()),
    };
    let (kept, names) = tests(body.stream())?;
    if names.is_empty() {
        return Err("kunit_tests: the module has no `#[test]` function".into());
    }

    let mut generated = String::new();
    for name in &names {
        let _ = writeln!(
            generated,
            "#[doc(hidden)] fn __kunit_case_{name}() -> bool {{ ::kernel::kunit::is_test_result_ok({name}()) }}"
        );
        // The case's function for the kernel's KUnit, where it runs the suite.
        let _ = writeln!(
            generated,
            "#[doc(hidden)] #[allow(dead_code)] unsafe extern \"C\" fn __kunit_run_{name}(test: *mut ::kernel::bindings::kunit) {{\n\
             // SAFETY: KUnit calls a case's function with its test, alive for the call.\n\
             unsafe {{ ::kernel::kunit::run_case(test, c\"{name}\", __kunit_case_{name}) }} }}"
        );
    }
    // The suite for the kernel's KUnit: registered where it is built in, else unused.
    let _ = write!(
        generated,
        "#[doc(hidden)] #[allow(dead_code)] static mut __KUNIT_CASES: [::kernel::bindings::kunit_case; {}] = [",
        names.len() + 1
    );
    for name in &names {
        let _ = write!(generated, "::kernel::kunit::kunit_case(c\"{name}\", __kunit_run_{name}),");
    }
    let _ = writeln!(generated, "::kernel::kunit::kunit_case_null()];");
    let _ = writeln!(generated, "::kernel::kunit_unsafe_test_suite!({suite}, __KUNIT_CASES);");
    let _ = write!(
        generated,
        "/// The suite `{suite}`, for the `kunit_tests` key of `module!` or `kernel::kunit::run_suites`.\n\
         pub static KUNIT_SUITE: ::kernel::kunit::Suite = ::kernel::kunit::Suite {{ name: c\"{suite}\", cases: &["
    );
    for name in &names {
        let _ = write!(generated, "::kernel::kunit::Case {{ name: c\"{name}\", run: __kunit_case_{name} }},");
    }
    generated.push_str("] };");

    let parse = |code: &str| -> Result<TokenStream> {
        code.parse().map_err(|e| format!("kunit_tests: generated code does not parse: {e}"))
    };
    let mut stream = parse(ASSERTS)?;
    stream.extend(kept);
    stream.extend(parse(&generated)?);
    let mut group = Group::new(Delimiter::Brace, stream);
    group.set_span(body.span());
    *body = group;
    // Built in only where the crate's `kunit` feature is on (`make KUNIT=1`): a module ships
    // without its tests, their code and their formatting.
    let mut out = parse("#[cfg(feature = \"kunit\")]")?;
    out.extend(tokens);
    Ok(out)
}
