//! The tag of one argument: [`Fast`] if printk converts it itself, [`Slow`] if only `core::fmt`
//! can, chosen at compile time by method resolution.

use super::{Conversion, Formatted, Value, DISPLAY};

/// An argument of a message for the placeholder `K`, as the macro sees it. Calling
/// `(&Arg::<_, K>(&value)).__kmod_rs_tag()` with [`FastArg`] and [`SlowArg`] in scope gives a
/// [`Fast`] tag if the value's type implements [`Conversion<K>`], else a [`Slow`] one: method
/// resolution tries `FastArg`'s method (on `Arg`) before `SlowArg`'s (on `&Arg`, one
/// auto-reference further).
///
/// ```
/// use kernel::print::args::{Arg, FastArg as _, SlowArg as _, Tag, DISPLAY};
/// struct Opaque;
/// fn fast<T: Tag>(_: T) -> bool {
///     T::FAST
/// }
/// assert!(fast((&Arg::<_, DISPLAY>(&7u32)).__kmod_rs_tag()));
/// assert!(fast((&Arg::<_, DISPLAY>(&"text")).__kmod_rs_tag()));
/// assert!(!fast((&Arg::<_, DISPLAY>(&Opaque)).__kmod_rs_tag()));
/// assert!(!fast((&Arg::<_, DISPLAY>(&'c')).__kmod_rs_tag()));
/// ```
pub struct Arg<'a, T: ?Sized, const K: u8>(pub &'a T);

/// Gives the [`Fast`] tag of an [`Arg`] whose type has a [`Conversion`].
pub trait FastArg {
    /// The tag.
    type Tag;
    /// The tag of this argument.
    fn __kmod_rs_tag(&self) -> Self::Tag;
}

impl<'a, T: Conversion<K> + ?Sized, const K: u8> FastArg for Arg<'a, T, K> {
    type Tag = Fast<'a, T, K>;
    #[inline(always)]
    fn __kmod_rs_tag(&self) -> Fast<'a, T, K> {
        Fast(self.0)
    }
}

/// Gives the [`Slow`] tag of any [`Arg`].
pub trait SlowArg {
    /// The tag.
    type Tag;
    /// The tag of this argument.
    fn __kmod_rs_tag(&self) -> Self::Tag;
}

impl<'a, T: ?Sized, const K: u8> SlowArg for &Arg<'a, T, K> {
    type Tag = Slow<'a, T>;
    #[inline(always)]
    fn __kmod_rs_tag(&self) -> Slow<'a, T> {
        Slow(self.0)
    }
}

/// An argument printk converts itself.
pub struct Fast<'a, T: ?Sized, const K: u8>(&'a T);

impl<T: ?Sized, const K: u8> Clone for Fast<'_, T, K> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: ?Sized, const K: u8> Copy for Fast<'_, T, K> {}

/// An argument only `core::fmt` can format.
pub struct Slow<'a, T: ?Sized>(&'a T);

impl<T: ?Sized> Clone for Slow<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: ?Sized> Copy for Slow<'_, T> {}

/// The tag of one argument: [`Fast`] or [`Slow`].
///
/// # Safety
///
/// As for [`Conversion`]: [`Tag::SPEC`] consumes exactly the varargs [`Tag::push`] adds.
pub unsafe trait Tag: Copy {
    /// Whether printk converts the argument itself.
    const FAST: bool;
    /// The placeholder ([`DISPLAY`], ...).
    const KIND: u8;
    /// The printk conversion (empty for a slow argument).
    const SPEC: &'static [u8];
    /// The C varargs so far, `P`, with this argument's added.
    type Pushed<P>;
    /// Adds the argument's C varargs to `previous`.
    fn push<P>(self, previous: P) -> Self::Pushed<P>;
    /// The argument's value (an empty string for a slow argument).
    fn value(&self) -> Value<'_>;
    /// What `core::fmt` formats instead of the argument.
    type Fallback;
    /// The argument for `format_args!`, for a message with a slow argument.
    fn fallback(self) -> Self::Fallback;
}

// SAFETY: as the `Conversion`'s.
unsafe impl<'a, T: Conversion<K> + ?Sized, const K: u8> Tag for Fast<'a, T, K> {
    const FAST: bool = true;
    const KIND: u8 = K;
    const SPEC: &'static [u8] = T::SPEC;
    type Pushed<P> = T::Pushed<P>;
    #[inline(always)]
    fn push<P>(self, previous: P) -> Self::Pushed<P> {
        self.0.push(previous)
    }
    #[inline(always)]
    fn value(&self) -> Value<'_> {
        self.0.value()
    }
    type Fallback = Formatted<'a, T, K>;
    fn fallback(self) -> Formatted<'a, T, K> {
        Formatted(self.0)
    }
}

// SAFETY: no conversion, no varargs.
unsafe impl<'a, T: ?Sized> Tag for Slow<'a, T> {
    const FAST: bool = false;
    const KIND: u8 = DISPLAY;
    const SPEC: &'static [u8] = b"";
    type Pushed<P> = P;
    fn push<P>(self, previous: P) -> P {
        previous
    }
    fn value(&self) -> Value<'_> {
        Value::Bytes(b"")
    }
    type Fallback = &'a T;
    fn fallback(self) -> &'a T {
        self.0
    }
}
