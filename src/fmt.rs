//! Formatting: upstream's `kernel::fmt`, `core::fmt`'s traits and types, and [`fmt!`](crate::fmt!)
//! for the arguments of the printing functions.
//!
//! ```
//! use kernel::fmt::{self, Display};
//! struct Celsius(i32);
//! impl Display for Celsius {
//!     fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
//!         write!(f, "{} °C", self.0)
//!     }
//! }
//! let _printable: &dyn Display = &Celsius(21);
//! ```

pub use core::fmt::{
    Alignment, Arguments, Binary, Debug, Display, Error, Formatter, LowerExp, LowerHex, Octal, Pointer,
    Result, UpperExp, UpperHex, Write,
};

/// The arguments of a formatted message, as `core::format_args!` builds them: what
/// [`crate::device::Device::pr_info`] and [`crate::seq_file::SeqFile::call_printf`] take.
///
/// ```
/// fn progress(done: u32, total: u32) {
///     let _message = kernel::fmt!("{} of {}", done, total);
/// }
/// progress(1, 2);
/// ```
#[macro_export]
macro_rules! fmt {
    ($($f:tt)*) => (::core::format_args!($($f)*));
}
