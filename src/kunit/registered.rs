//! Suites registered with the kernel's own KUnit, where it is built in (`CONFIG_KUNIT=y`).
//!
//! There a `#[kunit_tests]` suite is a C `struct kunit_suite` whose address sits in the module's
//! `.kunit_test_suites` section, as C's `kunit_test_suites()` puts it: KUnit finds it when the
//! module loads and runs it before the module's `init` (its `MODULE_STATE_COMING` notifier),
//! printing the KTAP and keeping the results in debugfs (`/sys/kernel/debug/kunit/<suite>`).
//! [`module!`](crate::module!) then leaves the suites to KUnit. Elsewhere (stock kernels,
//! `CONFIG_KUNIT` off or `m`) these items are built but not placed, and this crate's runner runs
//! the suites.

use super::{run_test, Outcome};
use crate::bindings;
use core::ffi::{c_char, CStr};

/// A KUnit test case named `name` that KUnit runs by calling `run_case` (C's `KUNIT_CASE()`).
///
/// ```
/// use kernel::kunit::kunit_case;
///
/// unsafe extern "C" fn runs(_test: *mut kernel::bindings::kunit) {}
/// let case = kunit_case(c"runs", runs);
/// assert!(case.run_case.is_some());
/// ```
pub const fn kunit_case(
    name: &'static CStr,
    run_case: unsafe extern "C" fn(*mut bindings::kunit),
) -> bindings::kunit_case {
    bindings::kunit_case {
        run_case: Some(run_case),
        name: name.as_ptr(),
        // SAFETY: every other field of a `kunit_case` (parameters, status, log) is valid zeroed,
        // as C's designated initialiser leaves it.
        ..unsafe { core::mem::zeroed() }
    }
}

/// The case that ends a suite's array of cases (C's `{}`).
///
/// ```
/// assert!(kernel::kunit::kunit_case_null().run_case.is_none());
/// ```
pub const fn kunit_case_null() -> bindings::kunit_case {
    // SAFETY: a zeroed `kunit_case` is C's empty one: no function, no name.
    unsafe { core::mem::zeroed() }
}

/// A suite named `name` over `cases`, an array ended by [`kunit_case_null`], for
/// [`kunit_unsafe_test_suite!`](crate::kunit_unsafe_test_suite).
///
/// # Safety
///
/// `cases` points to such an array, which lives as long as the module and which nothing but
/// KUnit touches once the suite is registered. `name` is shorter than 256 bytes (checked: a
/// longer one fails the build, as the evaluation of a constant).
#[doc(hidden)]
pub const unsafe fn kunit_suite(name: &str, cases: *mut bindings::kunit_case) -> bindings::kunit_suite {
    let bytes = name.as_bytes();
    assert!(bytes.len() < 256, "a KUnit suite's name has at most 255 bytes");
    let mut suite: bindings::kunit_suite =
        // SAFETY: every field of a `kunit_suite` (functions, pointers, status, counters) is valid
        // zeroed, as C's designated initialiser leaves it.
        unsafe { core::mem::zeroed() };
    let mut i = 0;
    while i < bytes.len() {
        suite.name[i] = bytes[i] as c_char;
        i += 1;
    }
    suite.test_cases = cases;
    #[cfg(CONFIG_KUNIT)]
    {
        suite.suite_init = Some(suite_init);
        suite.suite_exit = Some(suite_exit);
    }
    suite
}

/// Before a suite runs (before the module's `init`): the module's workqueue, for its tests'
/// work items ([`workqueue::system`](crate::workqueue::system)).
#[cfg(CONFIG_KUNIT)]
unsafe extern "C" fn suite_init(_suite: *mut bindings::kunit_suite) -> core::ffi::c_int {
    // SAFETY: KUnit calls this before the suite's tests, before `init_module`, and runs the
    // module's suites one at a time: no queue exists.
    unsafe { crate::workqueue::create_for_suite() }
}

/// After a suite's tests have all returned: what they queued has run, and the queue is gone
/// before `init_module` makes the module's.
#[cfg(CONFIG_KUNIT)]
unsafe extern "C" fn suite_exit(_suite: *mut bindings::kunit_suite) {
    // SAFETY: KUnit calls this once the tests of the suite whose `suite_init` made the queue
    // have returned.
    unsafe { crate::workqueue::destroy_for_suite() }
}

/// Registers a suite of KUnit test cases with the kernel's KUnit where it is built in
/// (`CONFIG_KUNIT=y`): KUnit runs it when the module loads. Expands to nothing elsewhere.
/// [`#[kunit_tests]`](crate::kunit_tests) writes this for each suite.
///
/// `$cases` is a `static mut` array of `kernel::bindings::kunit_case` ended by
/// [`kunit_case_null`], which nothing else touches.
///
/// ```ignore
/// static mut CASES: [kernel::bindings::kunit_case; 2] =
///     [kernel::kunit::kunit_case(c"runs", runs), kernel::kunit::kunit_case_null()];
/// kernel::kunit_unsafe_test_suite!(my_suite, CASES);
/// ```
#[cfg(CONFIG_KUNIT)]
#[macro_export]
macro_rules! kunit_unsafe_test_suite {
    ($name:ident, $cases:ident) => {
        const _: () = {
            static mut SUITE: $crate::bindings::kunit_suite =
                // SAFETY: `$cases` is the suite's array, ended by `kunit_case_null()`, which
                // only KUnit touches (the macro's contract).
                unsafe {
                    $crate::kunit::kunit_suite(::core::stringify!($name), (&raw mut $cases).cast())
                };
            // What C's `kunit_test_suites()` puts in the section the module loader reads.
            #[used]
            #[link_section = ".kunit_test_suites"]
            static mut ENTRY: *mut $crate::bindings::kunit_suite = &raw mut SUITE;
        };
    };
}

/// Registers a suite with the kernel's KUnit where it is built in: not this kernel.
#[cfg(not(CONFIG_KUNIT))]
#[macro_export]
macro_rules! kunit_unsafe_test_suite {
    ($name:ident, $cases:ident) => {};
}

/// Runs the test `run`, named `name`, for KUnit, which called the case's function with `test`:
/// a failed assertion, an `Err` or a skip become the test's KUnit status.
///
/// # Safety
///
/// `test` is the `struct kunit` KUnit passed to the case's function, alive for this call.
#[doc(hidden)]
pub unsafe fn run_case(test: *mut bindings::kunit, name: &'static CStr, run: fn() -> bool) {
    match run_test(name, run) {
        Outcome::Passed => {}
        // SAFETY: `test` is KUnit's (the caller's guarantee); the reason is a C string.
        Outcome::Skipped(reason) => unsafe { bindings::kunit_mark_skipped(test, reason.as_ptr()) },
        // SAFETY: `test` is KUnit's (the caller's guarantee).
        Outcome::Failed => unsafe { bindings::kunit_set_failure(test) },
    }
}
