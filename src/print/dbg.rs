//! [`dbg!`](crate::dbg): upstream's (and std's) quick debugging print, to the kernel log.

/// Prints an expression, its value (`{:#?}`) and where it is, at `KERN_INFO`, and returns the
/// value: `dbg!(x)` in place of `x`. For temporary debugging, as in std; several expressions give
/// a tuple, none prints only the location.
///
/// ```ignore,kernel
/// let doubled = dbg!(21 * 2); // prints "[src/lib.rs:1:15] 21 * 2 = 42"
/// assert_eq!(doubled, 42);
/// ```
#[macro_export]
macro_rules! dbg {
    () => {
        $crate::pr_info!("[{}:{}:{}]\n", ::core::file!(), ::core::line!(), ::core::column!())
    };
    ($val:expr $(,)?) => {
        match $val {
            tmp => {
                $crate::pr_info!("[{}:{}:{}] {} = {:#?}\n",
                    ::core::file!(), ::core::line!(), ::core::column!(), ::core::stringify!($val), &tmp);
                tmp
            }
        }
    };
    ($($val:expr),+ $(,)?) => {
        ($($crate::dbg!($val)),+,)
    };
}
