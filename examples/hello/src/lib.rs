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
            description: "How many times to say hello (at most 10)",
            permissions: 0o444,
        },
    },
    kunit_tests: [tests],
}

/// The most greetings printed, whatever the parameter says: `greetings=4000000000` must not keep
/// `insmod` printing for hours.
const MAX_GREETINGS: u32 = 10;

/// How many times to say hello when the parameter asks for `requested`.
fn greetings(requested: u32) -> u32 {
    requested.min(MAX_GREETINGS)
}

struct Hello;

impl kernel::Module for Hello {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        for _ in 0..greetings(*module_parameters::greetings.value()) {
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

/// In-kernel tests (`make KUNIT=1`), run when the module loads, before `init`.
#[kernel::kunit_tests(hello)]
mod tests {
    use super::*;

    #[test]
    fn greetings_are_bounded() {
        assert_eq!(greetings(0), 0);
        assert_eq!(greetings(3), 3);
        assert_eq!(greetings(MAX_GREETINGS), MAX_GREETINGS);
        assert_eq!(greetings(u32::MAX), MAX_GREETINGS);
    }
}
