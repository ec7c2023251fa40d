//! A module with parameters: set when it is loaded (`insmod params.ko count=5 greeting=hi
//! weights=4,5,6`), shown and changed under `/sys/module/params/parameters/`, printed at load and
//! unload.

#![no_std]

use kernel::prelude::*;

module! {
    type: Params,
    name: "params",
    authors: ["kmod-rs developers"],
    description: "Module parameters from Rust",
    license: "GPL",
    params: {
        count: u32 {
            default: 3,
            description: "How many times to greet (at most 10)",
            permissions: 0o644,
        },
        greeting: str {
            default: "hello",
            description: "The greeting",
            permissions: 0o644,
        },
        weights: [i32; 4] {
            default: [1, 2],
            description: "Up to four weights, comma-separated",
            permissions: 0o644,
        },
        verbose: bool {
            default: false,
            description: "Also print the weights' sum (load time only)",
        },
    },
    kunit_tests: [tests],
}

use module_parameters::{count, greeting, verbose, weights};

struct Params;

/// The most greetings printed at load, whatever `count` says.
const MAX_GREETINGS: u32 = 10;

/// The sum of the weights, which no four `i32`s overflow as an `i64`.
fn weights_sum(values: &[i32]) -> i64 {
    values.iter().map(|&w| i64::from(w)).sum()
}

/// Prints the parameters as they are now.
fn show(when: &str) {
    pr_info!("{when}: greeting={} count={} weights={:?}\n", greeting.read(), count.get(), weights.read());
    if verbose.get() {
        pr_info!("{when}: the weights add up to {}\n", weights_sum(&weights.read()));
    }
}

impl kernel::Module for Params {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        show("loaded");
        for i in 1..=count.get().min(MAX_GREETINGS) {
            pr_info!("{} #{i}\n", greeting.read());
        }
        Ok(Params)
    }
}

impl Drop for Params {
    fn drop(&mut self) {
        show("unloading");
    }
}

/// In-kernel tests (`make KUNIT=1`), run when the module loads, before `init`.
#[kernel::kunit_tests(params)]
mod tests {
    use super::*;

    #[test]
    fn weights_sum_adds_them() {
        assert_eq!(weights_sum(&[]), 0);
        assert_eq!(weights_sum(&[4, -5, 6]), 5);
    }

    /// Four weights at either end of `i32` add up without wrapping.
    #[test]
    fn weights_sum_does_not_overflow() {
        assert_eq!(weights_sum(&[i32::MAX; 4]), 4 * i64::from(i32::MAX));
        assert_eq!(weights_sum(&[i32::MIN; 4]), 4 * i64::from(i32::MIN));
        assert_eq!(weights_sum(&[i32::MAX, 1]), 1 << 31);
    }
}
