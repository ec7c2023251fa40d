//! The `params` of `module!`: their parsing, and the statics, `__param` entries and `.modinfo`
//! lines they become. The run-time side is `kernel::module_param`.

use crate::parse::{Parser, Result};
use proc_macro::{Delimiter, Group, TokenStream, TokenTree};
use std::fmt::Write;

/// The types a parameter (or an array element) may have, with the kernel's name for each: the
/// `parmtype` in `.modinfo`, which `kernel::module_param::Scalar::KERNEL_TYPE` must match.
const SCALARS: &[(&str, &str)] = &[
    ("bool", "bool"),
    ("i8", "byte"),
    ("u8", "byte"),
    ("i16", "short"),
    ("u16", "ushort"),
    ("i32", "int"),
    ("u32", "uint"),
    ("i64", "long"),
    ("u64", "ullong"),
    ("isize", "long"),
    ("usize", "ulong"),
];

const TYPES: &str = "bool, i8, u8, i16, u16, i32, u32, i64, u64, isize, usize, str, or [T; N] of one of the \
                     integer types or bool";

enum Kind {
    /// A `bool` or integer: its Rust and kernel type names.
    Scalar(&'static str, &'static str),
    Str,
    /// An array of scalars: the element's names and the length.
    Array(&'static str, &'static str, TokenStream),
}

/// One parameter of `module!`.
pub struct Param {
    name: String,
    kind: Kind,
    /// The default: an expression, or a C string literal for `str`.
    default: TokenStream,
    description: String,
    permissions: TokenStream,
}

/// Parses the body of `params: { name: type { key: value, ... }, ... }`.
pub fn parse(p: &mut Parser) -> Result<Vec<Param>> {
    let mut params: Vec<Param> = Vec::new();
    while !p.at_end() {
        let name = p.ident()?;
        if params.iter().any(|q| q.name == name) {
            return Err(format!("module!: parameter `{name}` is declared twice"));
        }
        let param = one(p, name.clone()).map_err(|e| {
            format!("module!: parameter `{name}`: {}", e.strip_prefix("module!: ").unwrap_or(&e))
        })?;
        params.push(param);
        p.comma()?;
    }
    Ok(params)
}

/// Parses `type { default: ..., description: "...", permissions: ... }` of the parameter `name`.
fn one(p: &mut Parser, name: String) -> Result<Param> {
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') || name.starts_with("__") {
        return Err("a parameter name is ASCII and does not start with `__`".into());
    }
    p.punct(':')?;
    let kind = kind(p)?;
    let mut p = p.group(Delimiter::Brace)?;
    let (mut default, mut description, mut permissions) = (None, None, None);
    while !p.at_end() {
        let key = p.ident()?;
        p.punct(':')?;
        let given = match key.as_str() {
            "default" => default.is_some(),
            "description" => description.is_some(),
            "permissions" => permissions.is_some(),
            _ => return Err(format!("unknown key `{key}`; expected default, description, permissions")),
        };
        if given {
            return Err(format!("`{key}` is given twice"));
        }
        match key.as_str() {
            "description" => description = Some(p.string()?),
            // A C string literal, as the kernel's `char *` needs.
            "default" if matches!(kind, Kind::Str) => default = Some(rust(&format!("c{:?}", p.string()?))?),
            "default" => default = Some(p.tokens_until_comma()?),
            _ => permissions = Some(p.tokens_until_comma()?),
        }
        p.comma()?;
    }
    let missing = |what: &str| format!("a `{what}` is required");
    let default = default.ok_or_else(|| missing("default"))?;
    let description = description.ok_or_else(|| missing("description"))?;
    // Without permissions the parameter is not in sysfs, as upstream's.
    let permissions = match permissions {
        Some(tokens) => tokens,
        None => rust("0")?,
    };
    let text = permissions.to_string();
    let digits = text.strip_prefix('0').unwrap_or("");
    if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!("permissions `{text}` are decimal in Rust; write 0o{digits}"));
    }
    Ok(Param { name, kind, default, description, permissions })
}

fn scalar(ty: &str) -> Result<(&'static str, &'static str)> {
    match SCALARS.iter().find(|(rust, _)| *rust == ty) {
        Some(&(rust, kernel)) => Ok((rust, kernel)),
        None if ty == "str" => Err("arrays of `str` are not supported".into()),
        None => Err(format!("unsupported type `{ty}`; expected {TYPES}")),
    }
}

/// Parses the type: a scalar, `str`, or `[T; N]`.
fn kind(p: &mut Parser) -> Result<Kind> {
    if let Some(mut inner) = p.try_group(Delimiter::Bracket) {
        let (rust, kernel) = scalar(&inner.ident()?)?;
        inner.punct(';')?;
        let len = inner.tokens_until_comma()?;
        if !inner.at_end() {
            return Err("expected an array type `[T; N]`".into());
        }
        return Ok(Kind::Array(rust, kernel, len));
    }
    match p.ident()?.as_str() {
        "str" => Ok(Kind::Str),
        ty => scalar(ty).map(|(rust, kernel)| Kind::Scalar(rust, kernel)),
    }
}

fn rust(source: &str) -> Result<TokenStream> {
    source.parse().map_err(|e| format!("module!: `{source}` does not parse: {e}"))
}

/// The `.modinfo` entries of the parameters: `parmtype` and `parm` (the description), as C's
/// `module_param()` and `MODULE_PARM_DESC()` make them.
pub fn modinfo(params: &[Param]) -> Vec<(&'static str, String)> {
    let mut entries = Vec::new();
    for param in params {
        let ty = match &param.kind {
            Kind::Scalar(_, kernel) => kernel.to_string(),
            Kind::Str => "charp".into(),
            Kind::Array(_, kernel, _) => format!("array of {kernel}"),
        };
        entries.push(("parmtype", format!("{}:{ty}", param.name)));
        entries.push(("parm", format!("{}:{}", param.name, param.description)));
    }
    entries
}

/// Tokens of the user's to put into the generated source, which is written as text: they keep
/// their spans, so that errors and lints (an out-of-range literal) point at the user's code.
#[derive(Default)]
pub struct Splices(Vec<TokenStream>);

const SPLICE: &str = "__kmod_rs_splice_";

impl Splices {
    /// A placeholder for `tokens` in the generated source.
    fn add(&mut self, tokens: &TokenStream) -> String {
        self.0.push(tokens.clone());
        format!("{SPLICE}{}", self.0.len() - 1)
    }

    /// Replaces the placeholders in `code` by their tokens, grouped (without visible
    /// delimiters) so that an expression keeps its precedence.
    pub fn apply(&self, code: TokenStream) -> TokenStream {
        code.into_iter()
            .map(|token| match token {
                TokenTree::Ident(ident) => {
                    let name = ident.to_string();
                    let spliced = name.strip_prefix(SPLICE).and_then(|n| n.parse::<usize>().ok());
                    match spliced.and_then(|n| self.0.get(n)) {
                        Some(tokens) => TokenTree::Group(Group::new(Delimiter::None, tokens.clone())),
                        None => TokenTree::Ident(ident),
                    }
                }
                TokenTree::Group(group) => {
                    let mut new = Group::new(group.delimiter(), self.apply(group.stream()));
                    new.set_span(group.span());
                    TokenTree::Group(new)
                }
                other => other,
            })
            .collect()
    }
}

/// The `module_parameters` module (a `static` per parameter, for the module's code) and the
/// `struct kernel_param` of each in the `__param` section (for the kernel), with placeholders
/// for the user's tokens in `splices`.
pub fn code(params: &[Param], splices: &mut Splices) -> String {
    if params.is_empty() {
        return String::new();
    }
    let mp = "::kernel::module_param";
    let mut statics = String::new();
    let mut arrays = String::new();
    let mut entries = String::new();
    for Param { name, kind, default, description, permissions } in params {
        let perm = format!("{{ {mp}::permissions({}) }}", splices.add(permissions));
        let default = splices.add(default);
        let param = format!("super::module_parameters::{name}");
        let (ty, init, entry) = match kind {
            Kind::Scalar(rust, kernel) => {
                let _ = writeln!(arrays, "    const _: () = {mp}::assert_kernel_type::<{rust}>({kernel:?});");
                (
                    format!("{mp}::Param<{rust}, {perm}>"),
                    format!("{mp}::Param::new({default}, &__LOCK)"),
                    format!("{param}.kernel_param(c{name:?})"),
                )
            }
            Kind::Str => (
                format!("{mp}::StrParam<{perm}>"),
                format!("{mp}::StrParam::new({default}, &__LOCK)"),
                format!("{param}.kernel_param(c{name:?})"),
            ),
            Kind::Array(rust, kernel, len) => {
                let _ = write!(
                    arrays,
                    r#"
    const _: () = {mp}::assert_kernel_type::<{rust}>({kernel:?});
    pub(super) mod {name} {{
        pub(super) static ARRAY: {mp}::KParamArray = super::{param}.kparam_array();
    }}
"#
                );
                (
                    format!("{mp}::ArrayParam<{rust}, {{ {} }}, {perm}>", splices.add(len)),
                    format!("{mp}::ArrayParam::new(&{default}, &__LOCK)"),
                    format!("{param}.kernel_param(c{name:?}, &{name}::ARRAY)"),
                )
            }
        };
        let _ = write!(
            statics,
            r#"
    #[doc = {description:?}]
    #[allow(non_upper_case_globals)]
    pub static {name}: {ty} = {init};
"#
        );
        let _ = writeln!(entries, "        {entry},");
    }
    format!(
        r#"
/// The module's parameters, declared in `module!`: see `kernel::module_param`.
pub mod module_parameters {{
    static __LOCK: {mp}::ParamLock = {mp}::ParamLock::new(&super::THIS_MODULE);
{statics}}}

#[doc(hidden)]
mod __module_params {{
{arrays}
    // One array: the kernel reads `__param` as an array of `struct kernel_param`, and LLVM may
    // align each static to 16 bytes (the struct has 40), leaving gaps between separate ones.
    #[unsafe(link_section = "__param")]
    static ENTRIES: [{mp}::KernelParam; {count}] = [
{entries}    ];

    // Only the kernel's loader reads the entries, finding them by section. Keep them with a
    // reference from `.init.data` (freed after `init`): `#[used]` would flag `__param`
    // SHF_GNU_RETAIN, unlike C's.
    ::core::arch::global_asm!(
        ".pushsection .init.data,\"aw\"", ".balign 8", ".quad {{}}", ".popsection",
        sym ENTRIES,
    );
}}
"#,
        count = params.len(),
    )
}
