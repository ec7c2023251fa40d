//! The assertions of a KUnit test: [`kunit_assert!`](crate::kunit_assert) and its kin, which
//! report a failure as KUnit does (condition, file and line, the values compared) and fail the
//! running test.

use super::{current, err, text, FAILED, STATUS};
use core::fmt;
use core::sync::atomic::Ordering;

/// Records a failed `assert!` of the running test and prints it as KUnit does.
#[doc(hidden)]
#[cold]
pub fn fail_assert(file: &str, line: u32, condition: &str, message: Option<fmt::Arguments<'_>>) {
    STATUS.store(FAILED, Ordering::Relaxed);
    err(format_args!("    # {}: ASSERTION FAILED at {file}:{line}", text(current())));
    err(format_args!("    Expected {condition} to be true, but is false"));
    if let Some(message) = message {
        err(format_args!("    {message}"));
    }
}

/// Whether an expression's text is a literal, whose value KUnit does not repeat.
fn is_literal(text: &str) -> bool {
    let number = text.strip_prefix('-').unwrap_or(text);
    let is_number = number.starts_with(|c: char| c.is_ascii_digit())
        && number.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
    let is_string = text.len() >= 2
        && text.starts_with('"')
        && text.ends_with('"')
        && !text[1..text.len() - 1].contains('"');
    is_number || is_string || text == "true" || text == "false"
}

/// Records a failed `assert_eq!`/`assert_ne!` of the running test and prints both values.
#[doc(hidden)]
#[cold]
#[allow(clippy::too_many_arguments)]
pub fn fail_binary(
    file: &str,
    line: u32,
    left_text: &str,
    operation: &str,
    right_text: &str,
    left: &dyn fmt::Debug,
    right: &dyn fmt::Debug,
    message: Option<fmt::Arguments<'_>>,
) {
    STATUS.store(FAILED, Ordering::Relaxed);
    err(format_args!("    # {}: ASSERTION FAILED at {file}:{line}", text(current())));
    err(format_args!("    Expected {left_text} {operation} {right_text}, but"));
    if !is_literal(left_text) {
        err(format_args!("        {left_text} == {left:?}"));
    }
    if !is_literal(right_text) {
        err(format_args!("        {right_text} == {right:?}"));
    }
    if let Some(message) = message {
        err(format_args!("    {message}"));
    }
}

/// `assert!` inside a [`#[kunit_tests]`](crate::kunit_tests) module: on failure, reports the
/// condition with file and line, fails the test and returns from the function.
///
/// ```ignore,kernel
/// # use kernel::kunit_assert;
/// # struct Ring;
/// # impl Ring {
/// #     fn len(&self) -> usize {
/// #         3
/// #     }
/// #     fn space(&self) -> usize {
/// #         1
/// #     }
/// #     fn limit(&self) -> usize {
/// #         4
/// #     }
/// # }
/// # let ring = Ring;
/// kunit_assert!(ring.space() > 0, "ring of {} is full", ring.limit());
/// ```
#[macro_export]
macro_rules! kunit_assert {
    ($cond:expr $(,)?) => {
        if !$cond {
            $crate::kunit::fail_assert(::core::file!(), ::core::line!(), ::core::stringify!($cond), None);
            return $crate::kunit::TestResult::aborted();
        }
    };
    ($cond:expr, $($arg:tt)+) => {
        if !$cond {
            $crate::kunit::fail_assert(::core::file!(), ::core::line!(), ::core::stringify!($cond),
                                       Some(::core::format_args!($($arg)+)));
            return $crate::kunit::TestResult::aborted();
        }
    };
}

/// `assert_eq!`/`assert_ne!` inside a [`#[kunit_tests]`](crate::kunit_tests) module: on
/// failure, reports both expressions and their values (`Debug`) with file and line, fails the
/// test and returns from the function.
///
/// ```ignore,kernel
/// # use kernel::kunit_assert_binary;
/// # struct Ring;
/// # impl Ring {
/// #     fn len(&self) -> usize {
/// #         3
/// #     }
/// #     fn space(&self) -> usize {
/// #         1
/// #     }
/// #     fn limit(&self) -> usize {
/// #         4
/// #     }
/// # }
/// # let ring = Ring;
/// kunit_assert_binary!(==, ring.len(), 3);
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! kunit_assert_binary {
    ($op:tt, $left:expr, $right:expr $(, $($arg:tt)+)?) => {
        match (&$left, &$right) {
            (left, right) => {
                if !(*left $op *right) {
                    $crate::kunit::fail_binary(::core::file!(), ::core::line!(), ::core::stringify!($left),
                                               ::core::stringify!($op), ::core::stringify!($right), left, right,
                                               $crate::kunit_assert_binary!(@message $($($arg)+)?));
                    return $crate::kunit::TestResult::aborted();
                }
            }
        }
    };
    (@message) => { None };
    (@message $($arg:tt)+) => { Some(::core::format_args!($($arg)+)) };
}

/// `assert_eq!` inside a [`#[kunit_tests]`](crate::kunit_tests) module.
///
/// ```ignore,kernel
/// # use kernel::kunit_assert_eq;
/// # struct Ring;
/// # impl Ring {
/// #     fn len(&self) -> usize {
/// #         3
/// #     }
/// #     fn space(&self) -> usize {
/// #         1
/// #     }
/// #     fn limit(&self) -> usize {
/// #         4
/// #     }
/// # }
/// # let ring = Ring;
/// kunit_assert_eq!(ring.len(), 3);
/// ```
#[macro_export]
macro_rules! kunit_assert_eq {
    ($left:expr, $right:expr $(, $($arg:tt)+)?) => { $crate::kunit_assert_binary!(==, $left, $right $(, $($arg)+)?) };
}

/// `assert_ne!` inside a [`#[kunit_tests]`](crate::kunit_tests) module.
///
/// ```ignore,kernel
/// # use kernel::kunit_assert_ne;
/// # struct Ring;
/// # impl Ring {
/// #     fn len(&self) -> usize {
/// #         3
/// #     }
/// #     fn space(&self) -> usize {
/// #         1
/// #     }
/// #     fn limit(&self) -> usize {
/// #         4
/// #     }
/// # }
/// # let ring = Ring;
/// kunit_assert_ne!(ring.limit(), 0);
/// ```
#[macro_export]
macro_rules! kunit_assert_ne {
    ($left:expr, $right:expr $(, $($arg:tt)+)?) => { $crate::kunit_assert_binary!(!=, $left, $right $(, $($arg)+)?) };
}

/// Ends the running test as skipped (`ok N name # SKIP reason`), returning from the function.
///
/// ```ignore,kernel,no_run
/// # use kernel::kunit_skip;
/// if !kernel::UTS_RELEASE.starts_with("6.") {
///     kunit_skip!("tests the 6.x behaviour");
/// }
/// ```
#[macro_export]
macro_rules! kunit_skip {
    ($reason:literal) => {{
        $crate::kunit::skip($crate::c_str!($reason));
        return $crate::kunit::TestResult::aborted();
    }};
}
