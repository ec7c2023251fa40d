//! Test module whose init fails: `insmod` must report the errno, nothing stays loaded.

#![no_std]

use kernel::prelude::*;

module! {
    type: FailInit,
    name: "failinit",
    license: "GPL",
}

struct FailInit;

impl kernel::Module for FailInit {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        pr_err!("refusing to load: {:?}\n", EDOM);
        Err(EDOM)
    }
}
