//! The tags of all of a message's arguments, as one list type: what the message's format, its C
//! varargs and its length bound are made from.

use super::{Out, Tag, Value};

/// The most arguments a message on the fast path has; the macro sends longer lists to
/// `core::fmt`.
pub(super) const MAX_ARGS: usize = 12;

/// The most bytes an integer conversion prints (`i64::MIN` has 20).
const INTEGER_MAX: usize = 20;

/// The tags of a message's arguments, as a list built from its end: `()`, `((), a)`,
/// `(((), a), b)`, ...
///
/// # Safety
///
/// For each `i < COUNT`, `SPECS[i]` consumes exactly the varargs the `i`-th argument adds to
/// [`Tags::args`], in order.
pub unsafe trait Tags {
    /// Whether every argument is fast.
    const FAST: bool;
    /// The number of arguments.
    const COUNT: usize;
    /// The conversion of each argument, then empty ones.
    const SPECS: [&'static [u8]; MAX_ARGS];
    /// The C varargs of the arguments.
    type Args;
    /// The C varargs of the arguments.
    fn args(&self) -> Self::Args;
    /// At most how many bytes printk prints for the arguments.
    fn max_len(&self) -> usize;
    /// Writes the message: `pieces[0]`, then each argument followed by its piece.
    fn write<W: Out>(&self, out: &mut W, pieces: &[&str]);
}

// SAFETY: no arguments.
unsafe impl Tags for () {
    const FAST: bool = true;
    const COUNT: usize = 0;
    const SPECS: [&'static [u8]; MAX_ARGS] = [b""; MAX_ARGS];
    type Args = ();
    #[inline(always)]
    fn args(&self) {}
    #[inline(always)]
    fn max_len(&self) -> usize {
        0
    }
    fn write<W: Out>(&self, out: &mut W, pieces: &[&str]) {
        out.write_bytes(pieces.first().copied().unwrap_or_default().as_bytes());
    }
}

// SAFETY: the specification of `P`'s arguments, then `L`'s, which pushes its varargs after
// `P`'s.
unsafe impl<P: Tags, L: Tag> Tags for (P, L) {
    const FAST: bool = P::FAST && L::FAST;
    const COUNT: usize = P::COUNT + 1;
    const SPECS: [&'static [u8]; MAX_ARGS] = {
        let mut specs = P::SPECS;
        specs[P::COUNT] = L::SPEC;
        specs
    };
    type Args = L::Pushed<P::Args>;
    #[inline(always)]
    fn args(&self) -> Self::Args {
        self.1.push(self.0.args())
    }
    #[inline(always)]
    fn max_len(&self) -> usize {
        let len = match self.1.value() {
            Value::Bytes(bytes) => bytes.len(),
            _ => INTEGER_MAX,
        };
        self.0.max_len().saturating_add(len)
    }
    fn write<W: Out>(&self, out: &mut W, pieces: &[&str]) {
        self.0.write(out, pieces);
        out.write_value(self.1.value(), L::KIND);
        out.write_bytes(pieces.get(Self::COUNT).copied().unwrap_or_default().as_bytes());
    }
}
