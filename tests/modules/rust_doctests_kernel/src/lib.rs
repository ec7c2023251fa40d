//! The doc examples of the `kernel` crate, run inside the kernel: `build.rs` gathers every
//! example of `src/` that is Rust and not `ignore`d (and the `ignore`d ones tagged `kernel`,
//! which need a kernel to run) into one `#[kunit_tests]` suite, `rust_doctests_kernel` as
//! upstream calls its own, which runs when the module loads and prints KTAP. The examples tagged
//! `no_run` (`ignore,kernel,no_run`) are compiled and linked into the module but never called.

#![no_std]

use kernel::prelude::*;

module! {
    type: Doctests,
    name: "rust_doctests_kernel",
    description: "The kernel crate's doc examples, run as in-kernel tests",
    license: "GPL",
    kunit_tests: [doctests],
}

struct Doctests;

impl kernel::Module for Doctests {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        Ok(Doctests)
    }
}

include!(concat!(env!("OUT_DIR"), "/doctests.rs"));
