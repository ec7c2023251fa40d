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
            description: "How many times to greet",
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
}

use module_parameters::{count, greeting, verbose, weights};

struct Params;

/// Prints the parameters as they are now.
fn show(when: &str) {
    pr_info!("{when}: greeting={} count={} weights={:?}\n", greeting.read(), count.get(), weights.read());
    if verbose.get() {
        let sum: i32 = weights.read().iter().sum();
        pr_info!("{when}: the weights add up to {sum}\n");
    }
}

impl kernel::Module for Params {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        show("loaded");
        for i in 1..=count.get().min(10) {
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
