//! Test module whose init fails: `insmod` must report the errno, nothing stays loaded.

#![no_std]

use kernel::prelude::*;

module! {
    type: FailInit,
    name: "failinit",
    description: "Test module: init fails with an errno",
    license: "GPL",
}

struct FailInit;

impl kernel::Module for FailInit {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        pr_err!("refusing to load: {:?}\n", EDOM);
        Err(EDOM)
    }
}
