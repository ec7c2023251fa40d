//! Test module that panics in init: the kernel must print the message and a `kernel BUG` oops,
//! kill the loading task, and keep running.

#![no_std]

use kernel::prelude::*;

module! {
    type: RustPanic,
    name: "rust_panic",
    description: "Test module: a Rust panic becomes an oops",
    license: "GPL",
}

struct RustPanic;

impl kernel::Module for RustPanic {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let answer = core::hint::black_box(42);
        panic!("deliberate test panic, answer={answer}");
    }
}
