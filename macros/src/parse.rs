//! A small parser for the `key: value,` lists of `module!`.

use proc_macro::{Delimiter, Spacing, TokenStream, TokenTree};
use std::iter::Peekable;

/// Tokens of a `module!` body, read front to back.
pub struct Parser(Peekable<proc_macro::token_stream::IntoIter>);

/// What went wrong, as the message of a `compile_error!`.
pub type Result<T> = std::result::Result<T, String>;

impl Parser {
    pub fn new(input: TokenStream) -> Parser {
        Parser(input.into_iter().peekable())
    }

    pub fn at_end(&mut self) -> bool {
        self.0.peek().is_none()
    }

    pub fn ident(&mut self) -> Result<String> {
        match self.0.next() {
            Some(TokenTree::Ident(ident)) => Ok(ident.to_string()),
            other => Err(format!("module!: expected a name, found {}", describe(other))),
        }
    }

    pub fn punct(&mut self, ch: char) -> Result<()> {
        match self.0.next() {
            Some(TokenTree::Punct(p)) if p.as_char() == ch => Ok(()),
            other => Err(format!("module!: expected `{ch}`, found {}", describe(other))),
        }
    }

    /// An optional trailing `,`.
    pub fn comma(&mut self) -> Result<()> {
        match self.0.peek() {
            None => Ok(()),
            Some(TokenTree::Punct(p)) if p.as_char() == ',' => {
                self.0.next();
                Ok(())
            }
            _ => Err(format!("module!: expected `,`, found {}", describe(self.0.next()))),
        }
    }

    /// A string literal, unescaped.
    pub fn string(&mut self) -> Result<String> {
        match self.0.next() {
            Some(TokenTree::Literal(lit)) => unquote(&lit.to_string()),
            other => Err(format!("module!: expected a string literal, found {}", describe(other))),
        }
    }

    /// `["a", "b"]`.
    pub fn strings(&mut self) -> Result<Vec<String>> {
        let mut inner = self.group(Delimiter::Bracket)?;
        let mut out = Vec::new();
        while !inner.at_end() {
            out.push(inner.string()?);
            inner.comma()?;
        }
        Ok(out)
    }

    /// The contents of a `(...)`, `[...]` or `{...}` group.
    pub fn group(&mut self, delimiter: Delimiter) -> Result<Parser> {
        match self.0.next() {
            Some(TokenTree::Group(g)) if g.delimiter() == delimiter => Ok(Parser::new(g.stream())),
            other => Err(format!("module!: expected a {delimiter:?} group, found {}", describe(other))),
        }
    }

    /// The contents of a group with this delimiter if one comes next; else nothing is consumed.
    pub fn try_group(&mut self, delimiter: Delimiter) -> Option<Parser> {
        match self.0.peek() {
            Some(TokenTree::Group(g)) if g.delimiter() == delimiter => {
                let inner = Parser::new(g.stream());
                self.0.next();
                Some(inner)
            }
            _ => None,
        }
    }

    /// Everything up to the next top-level `,` (or the end), as source text: an expression or a
    /// type.
    pub fn until_comma(&mut self) -> Result<String> {
        self.tokens_until_comma().map(|tokens| tokens.to_string())
    }

    /// Like [`Parser::until_comma`], as tokens: they keep their spans, so that the compiler's
    /// errors and lints point at the user's code.
    pub fn tokens_until_comma(&mut self) -> Result<TokenStream> {
        let mut tokens = TokenStream::new();
        while let Some(token) = self.0.peek() {
            if matches!(token, TokenTree::Punct(p) if p.as_char() == ',' && p.spacing() == Spacing::Alone) {
                break;
            }
            tokens.extend(self.0.next());
        }
        if tokens.is_empty() {
            return Err("module!: expected a value before `,`".into());
        }
        Ok(tokens)
    }
}

fn describe(token: Option<TokenTree>) -> String {
    match token {
        Some(t) => format!("`{t}`"),
        None => "the end".into(),
    }
}

/// The value of a plain string literal (`"..."`), with the common escapes resolved.
fn unquote(literal: &str) -> Result<String> {
    let Some(body) = literal.strip_prefix('"').and_then(|l| l.strip_suffix('"')) else {
        return Err(format!("module!: expected a plain string literal, found `{literal}`"));
    };
    let mut out = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('\\') => out.push('\\'),
            Some('"') => out.push('"'),
            Some('\'') => out.push('\''),
            other => {
                return Err(format!("module!: unsupported escape `\\{}` in {literal}", other.unwrap_or(' ')))
            }
        }
    }
    if out.contains('\0') {
        return Err(format!("module!: {literal} contains a NUL byte"));
    }
    Ok(out)
}
