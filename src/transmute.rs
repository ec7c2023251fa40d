//! Plain-old-data types: [`FromBytes`] (any bytes make a valid value) and [`AsBytes`] (every
//! byte of a value is initialised), for copying values to and from user space or hardware.
//!
//! ```
//! use kernel::transmute::AsBytes;
//! assert_eq!(0x0102_0304u32.as_bytes(), &[4, 3, 2, 1]);
//! ```

/// A type for which every bit pattern of its size is a valid value, so that it can be filled
/// with bytes from an untrusted source (user memory, a device).
///
/// # Safety
///
/// Every sequence of `size_of::<Self>()` initialised bytes is a valid value of `Self`. That
/// rules out `bool`, `char`, enums, references and types with such fields.
///
/// ```ignore,kernel,no_run
/// # use kernel::uaccess::{UserPtr, UserSlice};
/// # fn example(ptr: UserPtr) -> Result {
/// let value: u64 = UserSlice::new(ptr, 8).reader().read()?;
/// # Ok(())
/// # }
/// ```
pub unsafe trait FromBytes {}

/// A type whose values consist of initialised bytes only, so that they can be copied out as
/// bytes without leaking whatever padding would contain (kernel memory, in user space).
///
/// # Safety
///
/// `Self` has no padding and no other uninitialised bytes, and no interior mutability.
///
/// ```
/// use kernel::transmute::AsBytes;
/// let pair = [1u16, 2u16];
/// assert_eq!(pair.as_bytes().len(), 4);
/// ```
pub unsafe trait AsBytes {
    /// The bytes of the value, in memory order.
    ///
    /// ```
    /// use kernel::transmute::AsBytes;
    /// assert_eq!(7u8.as_bytes(), &[7]);
    /// ```
    fn as_bytes(&self) -> &[u8] {
        let len = core::mem::size_of_val(self);
        // SAFETY: `self` is `len` initialised bytes (the trait's contract), valid for reads while
        // the borrow lasts and not mutated meanwhile (no interior mutability).
        unsafe { core::slice::from_raw_parts((self as *const Self).cast::<u8>(), len) }
    }

    /// The bytes of the value, writable: only for types any bytes are a valid value of.
    ///
    /// ```
    /// use kernel::transmute::AsBytes;
    /// let mut word = 0u32;
    /// word.as_bytes_mut()[0] = 7;
    /// assert_eq!(word, u32::from_le_bytes([7, 0, 0, 0]));
    /// ```
    fn as_bytes_mut(&mut self) -> &mut [u8]
    where
        Self: FromBytes,
    {
        let len = core::mem::size_of_val(self);
        // SAFETY: as in `as_bytes`, and the borrow is exclusive; whatever bytes are written
        // leave a valid value (`Self: FromBytes`).
        unsafe { core::slice::from_raw_parts_mut((self as *mut Self).cast::<u8>(), len) }
    }
}

/// Implements both traits for primitive integer types.
macro_rules! impl_plain_old_data {
    ($($t:ty),* $(,)?) => {
        $(
            // SAFETY: every bit pattern is a valid integer, and integers have no padding.
            unsafe impl FromBytes for $t {}
            // SAFETY: as above.
            unsafe impl AsBytes for $t {}
        )*
    };
}

impl_plain_old_data!(u8, u16, u32, u64, u128, usize, i8, i16, i32, i64, i128, isize);

// SAFETY: an array is its elements back to back, without padding between them.
unsafe impl<T: FromBytes, const N: usize> FromBytes for [T; N] {}
// SAFETY: an array is its elements back to back, without padding between them.
unsafe impl<T: AsBytes, const N: usize> AsBytes for [T; N] {}
