//! The expansion of `#[vtable]`.
//!
//! On a trait, every method `foo` gets a `const HAS_FOO: bool = false;` (unless the trait already
//! declares one) and the trait gets a required marker constant. On an impl of such a trait, every
//! method it defines gets `const HAS_FOO: bool = true;` and the marker is defined. An impl that
//! forgets the attribute therefore fails to compile (the marker is missing) instead of silently
//! reporting none of its methods.

use proc_macro::{Delimiter, Group, TokenStream, TokenTree};

/// The required constant that only `#[vtable]` on an impl defines. Its name is the error message
/// rustc shows when the attribute is missing ("missing `...` in implementation").
const MARKER: &str = "VTABLE_ATTRIBUTE_MISSING_ON_THIS_IMPL";

enum Kind {
    Trait,
    Impl,
}

/// The names of the methods and of the constants declared directly in an item body.
fn scan(body: TokenStream) -> (Vec<String>, Vec<String>) {
    let tokens: Vec<TokenTree> = body.into_iter().collect();
    let (mut fns, mut consts) = (Vec::new(), Vec::new());
    for pair in tokens.windows(2) {
        // Nested groups (method bodies, parameter lists) are single tokens here, so only the
        // items of this body are seen; `const fn` is skipped because `fn` is not a name.
        if let (TokenTree::Ident(keyword), TokenTree::Ident(name)) = (&pair[0], &pair[1]) {
            let name = name.to_string();
            match keyword.to_string().as_str() {
                "fn" => fns.push(name),
                "const" if name != "fn" => consts.push(name),
                _ => {}
            }
        }
    }
    (fns, consts)
}

/// `HAS_` and the method name in upper case, without a raw-identifier prefix.
fn has_const(method: &str) -> String {
    format!("HAS_{}", method.trim_start_matches("r#").to_uppercase())
}

pub fn expand(attr: TokenStream, item: TokenStream) -> Result<TokenStream, String> {
    if !attr.is_empty() {
        return Err("#[vtable] takes no arguments".into());
    }
    let mut tokens: Vec<TokenTree> = item.into_iter().collect();
    let body = match tokens.last() {
        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace => g.clone(),
        _ => return Err("#[vtable] applies to a trait or to an impl block".into()),
    };
    let kind = tokens.iter().find_map(|t| match t {
        TokenTree::Ident(i) if i.to_string() == "trait" => Some(Kind::Trait),
        TokenTree::Ident(i) if i.to_string() == "impl" => Some(Kind::Impl),
        _ => None,
    });
    let Some(kind) = kind else {
        return Err("#[vtable] applies to a trait or to an impl block".into());
    };
    let (fns, consts) = scan(body.stream());
    let mut extra = String::new();
    for method in &fns {
        let name = has_const(method);
        if consts.contains(&name) {
            continue;
        }
        extra += &match kind {
            Kind::Trait => format!(
                "#[doc = \"Whether the implementation defines `{method}` (set by `#[vtable]`).\"]\n\
                 const {name}: bool = false;\n"
            ),
            Kind::Impl => format!("const {name}: bool = true;\n"),
        };
    }
    extra += &match kind {
        Kind::Trait => format!("#[doc(hidden)]\nconst {MARKER}: ();\n"),
        Kind::Impl => format!("const {MARKER}: () = ();\n"),
    };

    let mut stream = body.stream();
    stream.extend(extra.parse::<TokenStream>().map_err(|e| format!("#[vtable]: {e}"))?);
    let mut group = Group::new(Delimiter::Brace, stream);
    group.set_span(body.span());
    if let Some(last) = tokens.last_mut() {
        *last = TokenTree::Group(group);
    }
    Ok(tokens.into_iter().collect())
}
