//! In-kernel tests: suites declared with [`#[kunit_tests]`](crate::kunit_tests), run when the
//! module loads, reporting KTAP version 1 in the kernel log as KUnit does.
//!
//! Stock distribution kernels are built without `CONFIG_KUNIT`, so this runner needs nothing of
//! KUnit: it prints the same lines KUnit prints (`KTAP version 1`, `1..N`, one indented subtest
//! per suite, `ok`/`not ok` per test, `# SKIP`, the suite's statistics) with `printk`, and tools
//! that read KUnit's output (`kunit.py parse`) read it too. Where the kernel has KUnit built in
//! (`CONFIG_KUNIT=y`), the same suites are registered with it instead
//! ([`kunit_unsafe_test_suite!`](crate::kunit_unsafe_test_suite)): KUnit runs them, before
//! `init` too, prints the KTAP itself and keeps the results in debugfs.
//!
//! ```ignore
//! module! {
//!     type: Ring,
//!     name: "ring",
//!     license: "GPL",
//!     kunit_tests: [tests],   // run `tests` before `Ring::init`
//! }
//!
//! #[kunit_tests(ring)]
//! mod tests {
//!     use super::*;
//!
//!     #[test]
//!     fn starts_empty() -> Result {
//!         let ring = Ring::new()?;      // an `Err` fails the test
//!         assert_eq!(ring.len(), 0);    // fails this test only, with file, line and values
//!         Ok(())
//!     }
//! }
//! ```
//!
//! Inside the `#[kunit_tests]` module, `assert!`, `assert_eq!` and `assert_ne!` are this
//! module's [`kunit_assert!`](crate::kunit_assert) and friends: a failed assertion prints
//! `# test: ASSERTION FAILED at file:line` and the values, and returns from the function it is
//! in (which must return `()` or a kernel `Result`). Nothing calls `BUG()`; the test's locals
//! are dropped as on any return. [`kunit_skip!`](crate::kunit_skip) ends a test as skipped.
//!
//! Tests run one after the other in the thread that loads the module (process context: they
//! may sleep and allocate). The results do not stop the module from loading: the module's own
//! `init` runs afterwards, from a clean state, whatever the tests did.

mod assert;
mod registered;

pub use assert::{fail_assert, fail_binary};

pub use registered::{kunit_case, kunit_case_null, kunit_suite, run_case};

use crate::bindings;
use crate::error::{code, Error};
use core::ffi::{c_char, c_int, CStr};
use core::fmt::{self, Write};
use core::sync::atomic::{AtomicPtr, AtomicU8, Ordering};

/// One test of a suite, as [`#[kunit_tests]`](crate::kunit_tests) generates it.
pub struct Case {
    /// The test's name (its function's).
    pub name: &'static CStr,
    /// Runs the test; `false` when it failed by its return value.
    pub run: fn() -> bool,
}

/// A suite of tests, as [`#[kunit_tests]`](crate::kunit_tests) generates it.
pub struct Suite {
    /// The suite's name, the argument of `#[kunit_tests(name)]`.
    pub name: &'static CStr,
    /// Its tests, in the order of the source.
    pub cases: &'static [Case],
}

/// What tests ran, as [`run_suites`] counts them.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct Totals {
    /// Tests that passed.
    pub passed: usize,
    /// Tests that failed (an assertion or an `Err`).
    pub failed: usize,
    /// Tests that were skipped.
    pub skipped: usize,
}

const RUNNING: u8 = 0;
const FAILED: u8 = 1;
const SKIPPED: u8 = 2;

/// The state of the test running now. Every module links its own copy of this crate, so these
/// are the module's own; tests run one at a time.
static STATUS: AtomicU8 = AtomicU8::new(RUNNING);
static CURRENT: AtomicPtr<c_char> = AtomicPtr::new(c"".as_ptr().cast_mut());
static SKIP_REASON: AtomicPtr<c_char> = AtomicPtr::new(c"".as_ptr().cast_mut());

/// A line of up to 256 bytes, formatted with `core::fmt` and printed with one `printk`
/// (longer lines are cut short).
///
/// # Invariants
///
/// `len <= buf.len()`.
struct Line {
    len: usize,
    buf: [u8; 256],
}

impl Write for Line {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let room = self.buf.get_mut(self.len..).unwrap_or_default();
        let n = s.len().min(room.len());
        if let (Some(to), Some(from)) = (room.get_mut(..n), s.as_bytes().get(..n)) {
            to.copy_from_slice(from);
            // INVARIANT: `n` bytes fitted after `len`.
            self.len += n;
        }
        Ok(())
    }
}

/// Prints one line at `level` (a printk format `"<SOH><level>%.*s\n"`), without the module
/// prefix: KTAP lines stand alone.
fn print_line(format: &CStr, args: fmt::Arguments<'_>) {
    let mut line = Line { len: 0, buf: [0; 256] };
    let _ = line.write_fmt(args);
    // SAFETY: the format is NUL-terminated and takes a length and at least that many bytes;
    // `len <= 256` (type invariant).
    unsafe { bindings::_printk(format.as_ptr(), line.len as c_int, line.buf.as_ptr()) };
}

fn info(args: fmt::Arguments<'_>) {
    print_line(c"\x016%.*s\n", args);
}

fn err(args: fmt::Arguments<'_>) {
    print_line(c"\x013%.*s\n", args);
}

/// The name of the test running now.
fn current() -> &'static CStr {
    // SAFETY: `CURRENT` only ever holds pointers of `&'static CStr`s.
    unsafe { CStr::from_ptr(CURRENT.load(Ordering::Relaxed)) }
}

/// Text of a C string for `core::fmt` (names come from Rust identifiers: ASCII).
fn text(s: &CStr) -> &str {
    core::str::from_utf8(s.to_bytes()).unwrap_or("?")
}

/// What a test function returns: `()` or a kernel `Result`.
pub trait TestResult {
    /// Whether the test passed by its return value; reports an `Err`.
    fn is_test_result_ok(&self) -> bool;
    /// The value a failed assertion returns from the test.
    fn aborted() -> Self;
}

impl TestResult for () {
    fn is_test_result_ok(&self) -> bool {
        true
    }
    fn aborted() -> Self {}
}

impl<T> TestResult for Result<T, Error> {
    fn is_test_result_ok(&self) -> bool {
        match self {
            Ok(_) => true,
            Err(e) => {
                if STATUS.load(Ordering::Relaxed) == RUNNING {
                    err(format_args!("    # {}: returned Err({e:?})", text(current())));
                }
                false
            }
        }
    }
    fn aborted() -> Self {
        Err(code::ECANCELED)
    }
}

/// Whether a test passed by its return value (used by the code of `#[kunit_tests]`).
#[doc(hidden)]
pub fn is_test_result_ok(result: impl TestResult) -> bool {
    result.is_test_result_ok()
}

/// Marks the running test skipped (used by [`kunit_skip!`](crate::kunit_skip)).
#[doc(hidden)]
pub fn skip(reason: &'static CStr) {
    SKIP_REASON.store(reason.as_ptr().cast_mut(), Ordering::Relaxed);
    STATUS.store(SKIPPED, Ordering::Relaxed);
}

fn print_stats(name: &str, passed: usize, failed: usize, skipped: usize) {
    let total = passed + failed + skipped;
    // KUnit prints statistics only for more than one test.
    if total > 1 {
        info(format_args!("# {name}: pass:{passed} fail:{failed} skip:{skipped} total:{total}"));
        info(format_args!("# Totals: pass:{passed} fail:{failed} skip:{skipped} total:{total}"));
    }
}

/// How a test ended.
enum Outcome {
    Passed,
    Failed,
    Skipped(&'static CStr),
}

/// Runs the test `run`, named `name`, as the running test (the one its assertions report).
fn run_test(name: &'static CStr, run: fn() -> bool) -> Outcome {
    CURRENT.store(name.as_ptr().cast_mut(), Ordering::Relaxed);
    STATUS.store(RUNNING, Ordering::Relaxed);
    let returned_ok = run();
    let outcome = match STATUS.load(Ordering::Relaxed) {
        RUNNING if returned_ok => Outcome::Passed,
        // SAFETY: `SKIP_REASON` only ever holds pointers of `&'static CStr`s.
        SKIPPED => Outcome::Skipped(unsafe { CStr::from_ptr(SKIP_REASON.load(Ordering::Relaxed)) }),
        // A failed assertion, or an `Err`: both reported already.
        _ => Outcome::Failed,
    };
    CURRENT.store(c"".as_ptr().cast_mut(), Ordering::Relaxed);
    outcome
}

/// Runs one suite as test `number` of the top level; returns its counts.
fn run_suite(number: usize, suite: &Suite) -> Totals {
    let name = text(suite.name);
    info(format_args!("    KTAP version 1"));
    info(format_args!("    # Subtest: {name}"));
    info(format_args!("    1..{}", suite.cases.len()));
    let mut totals = Totals::default();
    for (i, case) in suite.cases.iter().enumerate() {
        let case_name = text(case.name);
        match run_test(case.name, case.run) {
            Outcome::Passed => {
                totals.passed += 1;
                info(format_args!("    ok {} {case_name}", i + 1));
            }
            Outcome::Skipped(reason) => {
                totals.skipped += 1;
                info(format_args!("    ok {} {case_name} # SKIP {}", i + 1, text(reason)));
            }
            Outcome::Failed => {
                totals.failed += 1;
                info(format_args!("    not ok {} {case_name}", i + 1));
            }
        }
    }
    print_stats(name, totals.passed, totals.failed, totals.skipped);
    // As KUnit: a suite fails if a test failed, and is skipped if every test was.
    if totals.failed > 0 {
        info(format_args!("not ok {number} {name}"));
    } else if totals.skipped == suite.cases.len() && totals.skipped > 0 {
        info(format_args!("ok {number} {name} # SKIP "));
    } else {
        info(format_args!("ok {number} {name}"));
    }
    totals
}

/// Runs the suites, printing KTAP version 1 to the kernel log; returns the counts of tests.
///
/// [`module!`](crate::module!) calls it before the module's `init` for the suites of its
/// `kunit_tests` key. A module may also call it itself, say when a parameter asks for it.
///
/// ```ignore,kernel,no_run
/// # #[allow(non_upper_case_globals)]
/// # mod module_parameters {
/// #     use kernel::module_param::{Param, ParamLock};
/// #     static LOCK: ParamLock = ParamLock::new(&crate::THIS_MODULE);
/// #     pub static selftest: Param<bool, 0o644> = Param::new(false, &LOCK);
/// # }
/// # mod tests {
/// #     pub static KUNIT_SUITE: kernel::kunit::Suite = kernel::kunit::Suite { name: c"selftest", cases: &[] };
/// # }
/// if module_parameters::selftest.get() {
///     kernel::kunit::run_suites(&[&tests::KUNIT_SUITE]);
/// }
/// ```
pub fn run_suites(suites: &[&Suite]) -> Totals {
    info(format_args!("KTAP version 1"));
    info(format_args!("1..{}", suites.len()));
    let mut totals = Totals::default();
    for (i, suite) in suites.iter().enumerate() {
        let t = run_suite(i + 1, suite);
        totals.passed += t.passed;
        totals.failed += t.failed;
        totals.skipped += t.skipped;
    }
    totals
}

/// Runs the suites of [`module!`](crate::module!)'s `kunit_tests` key before the module's `init`,
/// unless the kernel's KUnit runs them itself (`CONFIG_KUNIT=y`, where
/// [`#[kunit_tests]`](crate::kunit_tests) registers them).
#[doc(hidden)]
pub fn run_at_load(suites: &[&Suite]) {
    if !cfg!(CONFIG_KUNIT) {
        run_suites(suites);
    }
}
