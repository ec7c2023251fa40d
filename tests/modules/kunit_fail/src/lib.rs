//! In-kernel tests that fail on purpose: the runner must report each failure (file, line and
//! values), go on with the next test, and leave the module to load and unload normally.

#![no_std]

use kernel::prelude::*;

module! {
    type: KunitFail,
    name: "kunit_fail",
    description: "Test module: in-kernel tests that fail on purpose",
    license: "GPL",
    kunit_tests: [tests, more],
}

struct KunitFail;

impl kernel::Module for KunitFail {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        pr_info!("init ran after the tests\n");
        Ok(KunitFail)
    }
}

impl Drop for KunitFail {
    fn drop(&mut self) {
        pr_info!("unloaded\n");
    }
}

fn double(x: u32) -> u32 {
    x * 2
}

#[kernel::kunit_tests(kunit_fail)]
mod tests {
    use super::*;

    #[test]
    fn passes() {
        // A test's own output is not KTAP; readers of the results must go on past it.
        pr_info!("printed by a test\n");
        assert_eq!(double(2), 4);
    }

    #[test]
    fn eq_fails() -> Result {
        let boxed = KBox::new(21u32, GFP_KERNEL)?;
        assert_eq!(double(*boxed), 41);
        pr_err!("not reached: an assertion returns from the test\n");
        Ok(())
    }

    #[test]
    fn assert_fails() {
        let limit = 3;
        assert!(double(limit) < limit, "double({}) is {}", limit, double(limit));
    }

    #[test]
    fn returns_err() -> Result {
        Err(ENODEV)
    }

    #[test]
    fn skipped() {
        kernel::kunit_skip!("not on this machine");
    }

    #[test]
    fn passes_after_failures() -> Result {
        assert_ne!(double(0), 1);
        Ok(())
    }
}

#[kernel::kunit_tests(kunit_fail_second)]
mod more {
    #[test]
    fn only_passes() {
        assert!(true);
    }
}
