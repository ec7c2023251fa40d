//! A fast argument in a message that `core::fmt` formats (because another argument is slow):
//! printed the way its conversion would print it.

use super::{Conversion, Value, ALT_LOWER_HEX, LOWER_HEX, UPPER_HEX};
use core::fmt;

/// A fast argument in a message that `core::fmt` formats: formatted as printk would.
pub struct Formatted<'a, T: ?Sized, const K: u8>(pub(super) &'a T);

impl<T: Conversion<K> + ?Sized, const K: u8> Formatted<'_, T, K> {
    fn format(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.value() {
            Value::Unsigned(v) if K == UPPER_HEX => fmt::UpperHex::fmt(&v, f),
            Value::Unsigned(v) if K == LOWER_HEX || K == ALT_LOWER_HEX => fmt::LowerHex::fmt(&v, f),
            Value::Unsigned(v) => fmt::Display::fmt(&v, f),
            Value::Signed(v) => fmt::Display::fmt(&v, f),
            Value::Bytes(bytes) => crate::str::write_lossy(f, bytes),
        }
    }
}

// Whichever trait the fallback's placeholder asks for (`{}`, `{:?}`, `{:x}`, `{:X}`), the
// argument prints the way its conversion says.
macro_rules! impl_formatting_traits {
    ($($trait:ident),*) => {$(
        impl<T: Conversion<K> + ?Sized, const K: u8> fmt::$trait for Formatted<'_, T, K> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.format(f)
            }
        }
    )*};
}
impl_formatting_traits!(Display, Debug, LowerHex, UpperHex);
