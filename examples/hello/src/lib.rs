//! The reference Rust kernel module: prints on load (`greetings` times) and unload.

#![no_std]

use kernel::prelude::*;

module! {
    type: Hello,
    name: "hello",
    authors: ["kmod-rs developers"],
    description: "Hello world from Rust, built by Kbuild against a stock kernel",
    license: "GPL",
    alias: ["rust-hello"],
    params: {
        greetings: u32 {
            default: 1,
            description: "How many times to say hello",
            permissions: 0o444,
        },
    },
}

struct Hello;

impl kernel::Module for Hello {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        for _ in 0..*module_parameters::greetings.value() {
            pr_info!("Hello from Rust! (kernel {})\n", kernel::UTS_RELEASE);
        }
        Ok(Hello)
    }
}

impl Drop for Hello {
    fn drop(&mut self) {
        pr_info!("Goodbye from Rust\n");
    }
}
