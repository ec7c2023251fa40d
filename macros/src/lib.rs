//! Procedural macros of the `kernel` crate. Use them through `kernel` (`kernel::module!`).

mod kunit;
mod module;
mod params;
mod parse;
mod printk;
mod vtable;

use proc_macro::TokenStream;

/// Declares a kernel module: its type, name, modinfo fields and parameters.
///
/// It emits `init_module`/`cleanup_module` (so the module needs no C file), the `.modinfo`
/// entries `modinfo` shows, the static `THIS_MODULE`, and the log prefix of `pr_*!`.
///
/// ```ignore
/// use kernel::prelude::*;
///
/// module! {
///     type: Hello,
///     name: "hello",
///     authors: ["A. Developer"],
///     description: "Says hello",
///     license: "GPL",
///     alias: ["hello-rust"],
///     params: {
///         greetings: u32 { default: 1, description: "How many times", permissions: 0o444 },
///         name: str { default: "world", description: "Whom to greet" },
///     },
/// }
/// ```
///
/// Keys: `type` (implements `kernel::Module`), `name` (the `.ko` name, used as log prefix),
/// `author` or `authors`, `description`, `license` (required, as for `MODULE_LICENSE`), `alias`,
/// `firmware`, `version`, `params` (see the `kernel::module_param` documentation), and
/// `kunit_tests: [tests, ...]`, modules with [`macro@kunit_tests`] whose suites run before `init`.
///
/// Each parameter becomes a `static` of the same name in a `module_parameters` module next to the
/// invocation (`module_parameters::greetings.get()`), a `struct kernel_param` in the `__param`
/// section, and `parm`/`parmtype` lines in `.modinfo`.
#[proc_macro]
pub fn module(input: TokenStream) -> TokenStream {
    match module::expand(input) {
        Ok(code) => code,
        Err(message) => format!("::core::compile_error!({message:?});").parse().unwrap_or_default(),
    }
}

/// Marks a trait whose implementations become a table of C function pointers, and the impls of
/// such a trait, so that code building the table knows which methods an impl defines.
///
/// On the trait, each method `foo` gets a constant `HAS_FOO`, `false` by default; on an impl, the
/// constant is `true` for each method the impl defines. The table then holds a C callback for
/// exactly those methods and `NULL` for the others, so the kernel applies its own default
/// behaviour for them. An impl of a `#[vtable]` trait without the attribute does not compile.
///
/// ```ignore
/// #[vtable]
/// pub trait Operations {
///     fn open() -> Result;
///     fn read(buf: &mut [u8]) -> Result<usize> {
///         Err(EINVAL)
///     }
/// }
///
/// struct Device;
///
/// #[vtable]
/// impl Operations for Device {
///     fn open() -> Result {
///         Ok(())
///     }
/// }
///
/// const _: () = assert!(Device::HAS_OPEN && !Device::HAS_READ);
/// ```
#[proc_macro_attribute]
pub fn vtable(attr: TokenStream, item: TokenStream) -> TokenStream {
    match vtable::expand(attr, item) {
        Ok(code) => code,
        Err(message) => format!("::core::compile_error!({message:?});").parse().unwrap_or_default(),
    }
}

/// Declares a suite of in-kernel tests: the `#[test]` functions of the module, run inside the
/// kernel when the module loads, reporting KTAP version 1 as KUnit does (see `kernel::kunit`).
///
/// Upstream Rust-for-Linux's name and shape. Test functions return `()` or a kernel `Result`
/// (an `Err` fails the test); in the module, `assert!`, `assert_eq!` and `assert_ne!` fail the
/// test with file, line and values instead of panicking. The module gets a `static
/// KUNIT_SUITE`, which the `kunit_tests` key of `module!` runs before the module's `init`.
///
/// ```ignore
/// module! {
///     type: Ring,
///     name: "ring",
///     license: "GPL",
///     kunit_tests: [tests],
/// }
///
/// #[kunit_tests(ring)]
/// mod tests {
///     use super::*;
///
///     #[test]
///     fn starts_empty() -> Result {
///         assert_eq!(Ring::new()?.len(), 0);
///         Ok(())
///     }
/// }
/// ```
#[proc_macro_attribute]
pub fn kunit_tests(attr: TokenStream, item: TokenStream) -> TokenStream {
    match kunit::expand(attr, item) {
        Ok(code) => code,
        Err(message) => format!("::core::compile_error!({message:?});").parse().unwrap_or_default(),
    }
}

/// The expansion of the `pr_*!` macros of `kernel::print`; use those.
///
/// A message whose placeholders are plain (`{}`, `{:?}`, `{:x}`, `{:#x}`, `{:X}`) becomes a
/// printk format built at compile time from its literal text and the types of its arguments:
/// for integers, `bool`, `str` and `CStr`, one call of `_printk`, as in C. Other messages, and
/// messages with arguments of other types, are formatted with `core::fmt`.
///
/// ```ignore
/// // What `pr_info!("{} of {}\n", i, n)` becomes, in effect:
/// kernel::print::printk!($crate, INFO, (crate::__LOG_PREFIX), "{} of {}\n", (i), (n))
/// ```
#[doc(hidden)]
#[proc_macro]
pub fn printk(input: TokenStream) -> TokenStream {
    printk::expand(input)
}
