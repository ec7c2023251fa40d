//! The expansion of `module!`.

use crate::params::{self, Param};
use crate::parse::{Parser, Result};
use proc_macro::{Delimiter, TokenStream};
use std::fmt::Write;

/// What a `module!` invocation declares.
#[derive(Default)]
struct Info {
    type_: String,
    name: String,
    authors: Vec<String>,
    description: Option<String>,
    license: String,
    aliases: Vec<String>,
    firmware: Vec<String>,
    version: Option<String>,
    params: Vec<Param>,
    /// Paths of `#[kunit_tests]` modules, relative to the invocation.
    kunit_tests: Vec<String>,
}

fn parse(input: TokenStream) -> Result<Info> {
    let mut p = Parser::new(input);
    let mut info = Info::default();
    let mut seen = Vec::new();
    while !p.at_end() {
        let key = p.ident()?;
        p.punct(':')?;
        if seen.contains(&key) {
            return Err(format!("module!: `{key}` is given twice"));
        }
        match key.as_str() {
            "type" => info.type_ = p.until_comma()?,
            "name" => info.name = p.string()?,
            "author" => info.authors.push(p.string()?),
            "authors" => info.authors.extend(p.strings()?),
            "description" => info.description = Some(p.string()?),
            "license" => info.license = p.string()?,
            "alias" => info.aliases = p.strings()?,
            "firmware" => info.firmware = p.strings()?,
            "version" => info.version = Some(p.string()?),
            "params" => info.params = params::parse(&mut p.group(Delimiter::Brace)?)?,
            "kunit_tests" => info.kunit_tests = kunit_paths(&mut p.group(Delimiter::Bracket)?)?,
            _ => return Err(format!("module!: unknown key `{key}`")),
        }
        p.comma()?;
        seen.push(key);
    }
    for required in ["type", "name", "license"] {
        if !seen.iter().any(|k| k == required) {
            return Err(format!("module!: `{required}` is required"));
        }
    }
    let valid = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    if info.name.is_empty() || !info.name.chars().all(valid) {
        return Err(format!("module!: name \"{}\" is not a module name ([A-Za-z0-9_-]+)", info.name));
    }
    Ok(info)
}

/// `[tests, ring::tests]`: paths of the modules with `#[kunit_tests]`.
fn kunit_paths(p: &mut Parser) -> Result<Vec<String>> {
    let mut paths = Vec::new();
    while !p.at_end() {
        let path = p.until_comma()?.replace(' ', "");
        if path.is_empty()
            || !path.split("::").all(|s| !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_'))
        {
            return Err(format!("module!: kunit_tests: `{path}` is not a module path"));
        }
        paths.push(path);
        p.comma()?;
    }
    Ok(paths)
}

/// The `.modinfo` entries, `tag=value\0` each, as C's `MODULE_INFO(tag, value)` makes them for a
/// module. Written with `global_asm!` so that the section has exactly C's flags (`"a"`): a
/// `#[used]` static would add `SHF_GNU_RETAIN`, and ld would then keep it apart from the
/// `.modinfo` of the `.mod.c` file, hiding `vermagic` from the loader.
fn modinfo(entries: &[(&str, &str)]) -> String {
    let mut asm = String::from(".section .modinfo,\"a\"\n");
    for (tag, value) in entries {
        asm.push_str(".asciz \"");
        for b in format!("{tag}={value}").bytes() {
            match b {
                b'"' | b'\\' => {
                    asm.push('\\');
                    asm.push(b as char);
                }
                0x20..=0x7e => asm.push(b as char),
                _ => {
                    let _ = write!(asm, "\\{b:03o}");
                }
            }
        }
        asm.push_str("\"\n");
    }
    asm.push_str(".previous\n");
    format!("::core::arch::global_asm!({asm:?});\n")
}

pub fn expand(input: TokenStream) -> Result<TokenStream> {
    let info = parse(input)?;
    let mut entries = vec![("license", info.license.as_str())];
    entries.extend(info.authors.iter().map(|a| ("author", a.as_str())));
    entries.extend(info.description.iter().map(|d| ("description", d.as_str())));
    entries.extend(info.aliases.iter().map(|a| ("alias", a.as_str())));
    entries.extend(info.firmware.iter().map(|f| ("firmware", f.as_str())));
    entries.extend(info.version.iter().map(|v| ("version", v.as_str())));
    let param_entries = params::modinfo(&info.params);
    entries.extend(param_entries.iter().map(|(tag, value)| (*tag, value.as_str())));

    // The in-kernel tests run first, in the thread loading the module; whatever their results,
    // `init` then starts from a clean state. Only where the crate's `kunit` feature is on.
    let run_tests = if info.kunit_tests.is_empty() {
        String::new()
    } else {
        let suites: Vec<String> =
            info.kunit_tests.iter().map(|p| format!("&super::{p}::KUNIT_SUITE")).collect();
        format!("#[cfg(feature = \"kunit\")] ::kernel::kunit::run_at_load(&[{}]);", suites.join(", "))
    };
    let mut code = modinfo(&entries);
    let mut splices = params::Splices::default();
    code.push_str(&params::code(&info.params, &mut splices));
    let _ = write!(
        code,
        r#"
// The attribute macros of the pin-init library (`#[pin_data]`, ...) expand to `::pinned_init`
// paths, and upstream's modules name the library `pin_init` (its build passes
// `--extern pin_init`): the kernel crate re-exports the library's items for both.
extern crate kernel as pinned_init;
extern crate kernel as pin_init;

/// The log prefix of `pr_*!` in this crate: the module name.
#[doc(hidden)]
pub const __LOG_PREFIX: &::core::ffi::CStr = {prefix};

/// This module's `struct module`, for the `owner` fields of kernel structures.
pub static THIS_MODULE: ::kernel::ThisModule =
    // SAFETY: `__this_module` is defined by Kbuild (in the `.mod.c` file) for this very module.
    unsafe {{ ::kernel::ThisModule::from_ptr(&raw mut ::kernel::bindings::__this_module) }};

#[doc(hidden)]
mod __module_glue {{
    static MODULE: ::kernel::module::ModuleSlot<super::{type_}> = ::kernel::module::ModuleSlot::new();

    /// Called by the kernel when the module is loaded, as `init_module`.
    #[unsafe(no_mangle)]
    #[unsafe(link_section = ".init.text")]
    pub extern "C" fn kmod_rs_init_module() -> ::core::ffi::c_int {{
        {run_tests}
        // SAFETY: this is `init_module`, or called by it first thing.
        unsafe {{ MODULE.init(&super::THIS_MODULE) }}
    }}

    /// Called by the kernel when the module is unloaded, as `cleanup_module`.
    #[unsafe(no_mangle)]
    #[unsafe(link_section = ".exit.text")]
    pub extern "C" fn kmod_rs_cleanup_module() {{
        // SAFETY: this is `cleanup_module`, or called by it first thing.
        unsafe {{ MODULE.exit() }}
    }}

    // `init_module` and `cleanup_module` are weak aliases of the two: a module that queues work
    // links the C helpers' strong ones instead, which create the module's workqueue before
    // `kmod_rs_init_module` and destroy it after `kmod_rs_cleanup_module` (see
    // `kernel::workqueue::system`); any other module is left exactly as it was.
    ::core::arch::global_asm!(
        ".weak init_module", ".set init_module, kmod_rs_init_module",
        ".weak cleanup_module", ".set cleanup_module, kmod_rs_cleanup_module",
    );

    // The kernel calls both through pointers in `__this_module` (in the `.mod.c` file). Like C's
    // `module_init()`, take their addresses here too, so objtool's IBT pass (which sees only this
    // object) keeps their ENDBR instead of warning that they are not indirect call targets.
    ::core::arch::global_asm!(
        ".pushsection .init.data,\"aw\"", ".balign 8", ".quad init_module", ".popsection",
        ".pushsection .exit.data,\"aw\"", ".balign 8", ".quad cleanup_module", ".popsection",
    );
}}
"#,
        prefix = format_args!("c{:?}", info.name),
        type_ = info.type_,
        run_tests = run_tests,
    );
    let code = code.parse().map_err(|e| format!("module!: generated code does not parse: {e}"))?;
    Ok(splices.apply(code))
}
