//! The expansion of `pr_*!`, `dev_*!` and `seq_print!`: a format built at compile time where
//! the message allows it.
//!
//! The input, from the `macro_rules!` side in the kernel crate, is `$crate, (sink), (header),
//! "format" , (arg)...`: the sink an expression (`kernel::print::args::Sink`: the kernel log, a
//! device, a sequence file), the header a constant (`kernel::print::args::Header`: the level and
//! module prefix the format starts with, or none), each argument an expression in parentheses
//! (the `macro_rules!` side parsed them). A format whose placeholders are all plain (`{}`,
//! `{:?}`, `{:x}`, `{:#x}`, `{:X}`), taking the arguments in order, becomes a call of
//! `kernel::print::args::print` with the literal pieces and one tag per argument; the argument
//! types then decide, at compile time, between one call of the sink's C function and the
//! `core::fmt` path. Anything else goes to the `core::fmt` path directly.

use proc_macro::{Delimiter, Group, Spacing, TokenStream, TokenTree};
use std::fmt::Write;

/// The most arguments the fast path takes; more go to `core::fmt`. The kernel crate's
/// `print::args::list::MAX_ARGS` is the same number (its list types are made for that many).
const MAX_ARGS: usize = 12;

/// What a placeholder asks for, as the numbers of `kernel::print::args` (`DISPLAY`, ...).
fn kind(spec: &str) -> Option<u8> {
    match spec {
        "" | ":" => Some(0),
        ":?" => Some(1),
        ":x" => Some(2),
        ":#x" => Some(3),
        ":X" => Some(4),
        _ => None,
    }
}

/// The literal pieces around the placeholders and the kind of each placeholder, if the format
/// has only plain placeholders; `None` for anything the fast path leaves to `core::fmt`
/// (including invalid formats, so that `format_args!` reports them).
fn split(format: &str) -> Option<(Vec<String>, Vec<u8>)> {
    let mut pieces = vec![String::new()];
    let mut kinds = Vec::new();
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                pieces.last_mut()?.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                pieces.last_mut()?.push('}');
            }
            '{' => {
                let mut spec = String::new();
                loop {
                    match chars.next()? {
                        '}' => break,
                        '{' => return None,
                        c => spec.push(c),
                    }
                }
                kinds.push(kind(&spec)?);
                pieces.push(String::new());
            }
            // A lone `}` is an error for `format_args!` to report; a NUL would end the printk
            // format early.
            '}' | '\0' => return None,
            c => pieces.last_mut()?.push(c),
        }
    }
    Some((pieces, kinds))
}

/// The value of a string literal token (`"..."`, `r"..."`, `r#"..."#`), or `None` for anything
/// else (byte strings, C strings, suffixes, unknown escapes).
fn unquote(literal: &str) -> Option<String> {
    if let Some(raw) = literal.strip_prefix('r') {
        let hashes = raw.len() - raw.trim_start_matches('#').len();
        let body = raw.get(hashes..raw.len().checked_sub(hashes)?)?;
        return body.strip_prefix('"')?.strip_suffix('"').map(str::to_owned);
    }
    let body = literal.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::new();
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            // A bare CR in a string literal is only allowed as part of CRLF, which is a newline.
            if c != '\r' {
                out.push(c);
            }
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            '\\' => out.push('\\'),
            '0' => out.push('\0'),
            '\'' => out.push('\''),
            '"' => out.push('"'),
            'x' => {
                let hex: String = [chars.next()?, chars.next()?].iter().collect();
                let value = u8::from_str_radix(&hex, 16).ok().filter(|v| v.is_ascii())?;
                out.push(char::from(value));
            }
            'u' => {
                if chars.next()? != '{' {
                    return None;
                }
                let mut hex = String::new();
                loop {
                    match chars.next()? {
                        '}' => break,
                        '_' => {}
                        c => hex.push(c),
                    }
                }
                out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
            }
            // A line continuation: the newline and the whitespace after it are skipped.
            '\n' | '\r' => {
                while let Some(' ' | '\t' | '\n' | '\r') = chars.peek() {
                    chars.next();
                }
            }
            _ => return None,
        }
    }
    Some(out)
}

/// The input, split into its parts.
struct Input {
    krate: TokenTree,
    /// The tokens of the sink expression.
    sink: TokenStream,
    /// The tokens of the header constant.
    header: TokenStream,
    format: TokenTree,
    /// Each argument, a parenthesised expression.
    args: Vec<TokenTree>,
}

fn parse(input: TokenStream) -> Option<Input> {
    let mut tokens = input.into_iter();
    let krate = tokens.next()?;
    let comma = |t: Option<TokenTree>| matches!(t, Some(TokenTree::Punct(p)) if p.as_char() == ',');
    if !comma(tokens.next()) {
        return None;
    }
    let Some(TokenTree::Group(sink)) = tokens.next() else { return None };
    if !comma(tokens.next()) {
        return None;
    }
    let Some(TokenTree::Group(header)) = tokens.next() else { return None };
    if !comma(tokens.next()) {
        return None;
    }
    let format = tokens.next()?;
    let mut args = Vec::new();
    while let Some(token) = tokens.next() {
        if !comma(Some(token)) {
            return None;
        }
        // A trailing comma.
        let Some(arg) = tokens.next() else { break };
        args.push(arg);
    }
    Some(Input { krate, sink: sink.stream(), header: header.stream(), format, args })
}

/// The literal of the format, unwrapped from the invisible group a `literal` fragment may come in.
fn literal(token: &TokenTree) -> Option<String> {
    match token {
        TokenTree::Literal(lit) => Some(lit.to_string()),
        TokenTree::Group(g) if g.delimiter() == Delimiter::None => {
            let mut inner = g.stream().into_iter();
            match (inner.next(), inner.next()) {
                (Some(token), None) => literal(&token),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The tokens of an argument without its parentheses and invisible groups.
fn unwrap(token: &TokenTree) -> TokenStream {
    match token {
        TokenTree::Group(g) if matches!(g.delimiter(), Delimiter::Parenthesis | Delimiter::None) => {
            let mut inner = g.stream().into_iter();
            match (inner.next(), inner.next()) {
                (Some(TokenTree::Group(g)), None) if g.delimiter() == Delimiter::None => g.stream(),
                (first, second) => first.into_iter().chain(second).chain(inner).collect(),
            }
        }
        other => TokenStream::from(other.clone()),
    }
}

/// Whether an argument is a named one (`name = value`), which the `macro_rules!` side parsed
/// as an assignment expression.
fn is_named(token: &TokenTree) -> bool {
    let mut tokens = unwrap(token).into_iter();
    matches!(
        (tokens.next(), tokens.next()),
        (Some(TokenTree::Ident(_)), Some(TokenTree::Punct(p))) if p.as_char() == '=' && p.spacing() == Spacing::Alone
    )
}

/// Generated code with placeholders for tokens of the input, which keep their spans (and
/// `$crate` its meaning).
struct Code {
    text: String,
    splices: Vec<TokenStream>,
}

const SPLICE: &str = "__kmod_rs_splice_";

impl Code {
    /// A placeholder for `tokens`.
    fn splice(&mut self, tokens: TokenStream) -> String {
        self.splices.push(tokens);
        format!(" {SPLICE}{} ", self.splices.len() - 1)
    }

    fn finish(self) -> TokenStream {
        match self.text.parse() {
            Ok(code) => self.apply(code),
            Err(e) => error(&format!("pr_*!: generated code does not parse: {e}")),
        }
    }

    fn apply(&self, code: TokenStream) -> TokenStream {
        code.into_iter()
            .flat_map(|token| match token {
                TokenTree::Ident(ident) => {
                    let name = ident.to_string();
                    let spliced = name.strip_prefix(SPLICE).and_then(|n| n.parse::<usize>().ok());
                    match spliced.and_then(|n| self.splices.get(n)) {
                        Some(tokens) => tokens.clone(),
                        None => TokenStream::from(TokenTree::Ident(ident)),
                    }
                }
                TokenTree::Group(group) => {
                    let mut new = Group::new(group.delimiter(), self.apply(group.stream()));
                    new.set_span(group.span());
                    TokenStream::from(TokenTree::Group(new))
                }
                other => TokenStream::from(other),
            })
            .collect()
    }
}

fn error(message: &str) -> TokenStream {
    format!("::core::compile_error!({message:?});").parse().unwrap_or_default()
}

/// The `core::fmt` call for the message: `print_fmt(&sink, header, format_args!(...))`.
fn fmt_call(code: &mut Code, input: &Input, krate: &str, args: &str) -> String {
    let format = code.splice(TokenStream::from(input.format.clone()));
    let header = code.splice(input.header.clone());
    format!(
        "{krate}::print::args::print_fmt(&__kmod_rs_sink, {header}, ::core::format_args!({format} {args}))"
    )
}

pub fn expand(input: TokenStream) -> TokenStream {
    let Some(input) = parse(input) else {
        return error("pr_*!: malformed input (use the pr_*! macros of the kernel crate)");
    };
    let mut code = Code { text: String::new(), splices: Vec::new() };
    let krate = code.splice(TokenStream::from(input.krate.clone()));
    // The sink first, then the arguments, in one `match`: its temporaries (a device borrowed
    // from a temporary reference) live until the message is printed.
    let sink = code.splice(input.sink.clone());

    let plan = literal(&input.format).and_then(|l| unquote(&l)).and_then(|f| split(&f));
    let plan = plan.filter(|(_, kinds)| {
        kinds.len() == input.args.len() && kinds.len() <= MAX_ARGS && !input.args.iter().any(is_named)
    });
    let Some((pieces, kinds)) = plan else {
        // As the arguments came: named ones as `name = value` again.
        let args: String = input.args.iter().map(|arg| format!(", {}", code.splice(unwrap(arg)))).collect();
        let call = fmt_call(&mut code, &input, &krate, &args);
        code.text = format!("match ({sink}) {{ __kmod_rs_sink => {call} }}");
        return code.finish();
    };

    let private = format!("{krate}::print::args");
    let n = kinds.len();
    let mut text = String::from("{\n");
    if n > 0 {
        let _ = writeln!(text, "#[allow(unused_imports)] use {private}::{{FastArg as _, SlowArg as _}};");
    }
    // `&(arg)`, in the parentheses the argument came in, which keep its precedence.
    let refs: String =
        input.args.iter().map(|arg| format!("&{},", code.splice(TokenStream::from(arg.clone())))).collect();
    let bindings: String = (0..n).map(|i| format!("__kmod_rs_arg{i},")).collect();
    let _ = writeln!(text, "match ({sink}, {refs}) {{ (__kmod_rs_sink, {bindings}) => {{");

    let header = code.splice(input.header.clone());
    let pieces: String = pieces.iter().map(|p| format!("{p:?},")).collect();
    let _ = writeln!(
        text,
        "struct __KmodRsMessage;
        impl {private}::Message for __KmodRsMessage {{
            const HEADER: {private}::Header = {header};
            const PIECES: &'static [&'static str] = &[{pieces}];
        }}"
    );
    let mut tags = String::from("()");
    let mut fallback = String::new();
    for (i, kind) in kinds.iter().enumerate() {
        let _ = writeln!(
            text,
            "let __kmod_rs_tag{i} = (&{private}::Arg::<_, {kind}>(__kmod_rs_arg{i})).__kmod_rs_tag();"
        );
        tags = format!("({tags}, __kmod_rs_tag{i})");
        let _ = write!(fallback, ", {private}::Tag::fallback(__kmod_rs_tag{i})");
    }
    let fallback = fmt_call(&mut code, &input, &krate, &fallback);
    let _ = writeln!(
        text,
        "{private}::print::<__KmodRsMessage, {{ <__KmodRsMessage as {private}::Message>::SIZE }}, _, _, _>(
            &__kmod_rs_sink,
            &{tags},
            || {fallback},
        )
        }} }}
        }}"
    );
    code.text = text;
    code.finish()
}

#[cfg(test)]
mod tests {
    use super::{split, unquote};

    #[test]
    fn splits_plain_placeholders() {
        let (pieces, kinds) = split("a {} b {:x} {{c}} {:#x}{:X}{:?}{:}").unwrap();
        assert_eq!(pieces, ["a ", " b ", " {c} ", "", "", "", ""]);
        assert_eq!(kinds, [0, 2, 3, 4, 1, 0]);
        assert_eq!(split("100%\n").unwrap().0, ["100%\n"]);
    }

    #[test]
    fn leaves_the_rest_to_core_fmt() {
        for format in ["{0}", "{name}", "{:>5}", "{:#?}", "{:08x}", "{:#X}", "{", "}", "a\0b", "{:x?}"] {
            assert!(split(format).is_none(), "{format}");
        }
    }

    #[test]
    fn unquotes_string_literals() {
        assert_eq!(unquote(r#""a\n\t\\\"\x41\u{e9}\u{1_F600}""#).unwrap(), "a\n\t\\\"A\u{e9}\u{1F600}");
        assert_eq!(unquote("\"a\\\n    b\"").unwrap(), "ab");
        assert_eq!(unquote(r###"r#"a"b\n"#"###).unwrap(), "a\"b\\n");
        assert_eq!(unquote(r#"r"x""#).unwrap(), "x");
        for literal in [r#"b"x""#, r#"c"x""#, r#""x"s"#, r#""\q""#, r#""\xff""#, "1"] {
            assert!(unquote(literal).is_none(), "{literal}");
        }
    }
}
