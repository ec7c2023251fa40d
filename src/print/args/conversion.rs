//! What printk can print with a conversion of its own: the placeholders of the fast path, and
//! the [`Conversion`] a type has for each.

/// The placeholder `{}`.
pub const DISPLAY: u8 = 0;
/// The placeholder `{:?}`.
pub const DEBUG: u8 = 1;
/// The placeholder `{:x}`.
pub const LOWER_HEX: u8 = 2;
/// The placeholder `{:#x}`.
pub const ALT_LOWER_HEX: u8 = 3;
/// The placeholder `{:X}`.
pub const UPPER_HEX: u8 = 4;

/// The longest conversion of a [`Conversion::SPEC`] (`%#llx`).
pub(super) const MAX_SPEC: usize = 5;

/// What a message's argument is, for the pieces of a long message and for `core::fmt`.
#[derive(Clone, Copy)]
pub enum Value<'a> {
    /// An unsigned integer, or a signed one for a hexadecimal placeholder (its two's
    /// complement, as wide as its type).
    Unsigned(u64),
    /// A signed integer.
    Signed(i64),
    /// Text: a string's bytes, a `bool` as `true` or `false`.
    Bytes(&'a [u8]),
}

/// A value printk can print with a conversion of its own, for the placeholder `K` (one of
/// [`DISPLAY`], [`DEBUG`], [`LOWER_HEX`], [`ALT_LOWER_HEX`], [`UPPER_HEX`]).
///
/// Implemented for the integers, `bool` (`{}` and `{:?}`), `str` and `CStr` (`{}`), and
/// references to them. The output is that of `core::fmt`.
///
/// # Safety
///
/// [`Conversion::SPEC`] is one printk conversion (at most `MAX_SPEC` bytes, no NUL) that
/// consumes exactly the varargs [`Conversion::push`] adds, of the types it reads them as; a
/// `%.*s` length is at most [`Conversion::value`]'s, which printk may print whole.
///
/// ```
/// use kernel::print::args::{Conversion, Value, DEBUG, UPPER_HEX};
/// assert_eq!(<bool as Conversion<DEBUG>>::SPEC, b"%s");
/// assert!(matches!(Conversion::<UPPER_HEX>::value(&-1i16), Value::Unsigned(0xffff)));
/// ```
pub unsafe trait Conversion<const K: u8> {
    /// The printk conversion, e.g. `%u`.
    const SPEC: &'static [u8];
    /// The C varargs so far, `P`, with this value's added.
    type Pushed<P>;
    /// Adds this value's C varargs to `previous`.
    fn push<P>(&self, previous: P) -> Self::Pushed<P>;
    /// The value, for pieces and for `core::fmt`.
    fn value(&self) -> Value<'_>;
}

/// A reference prints as what it points to: an argument may be a reference, or a reference to
/// one.
macro_rules! references {
    ($($reference:ty),*) => {$(
        // SAFETY: as `T`'s.
        unsafe impl<T: Conversion<K> + ?Sized, const K: u8> Conversion<K> for $reference {
            const SPEC: &'static [u8] = T::SPEC;
            type Pushed<P> = T::Pushed<P>;
            fn push<P>(&self, previous: P) -> Self::Pushed<P> {
                T::push(self, previous)
            }
            fn value(&self) -> Value<'_> {
                T::value(self)
            }
        }
    )*};
}

references!(&T, &mut T);
