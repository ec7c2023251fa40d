//! [`UserSliceWriter`]: writes user memory front to back.

use super::{check_copy_size, single, Cursor};
use crate::bindings;
use crate::error::Result;
use crate::transmute::AsBytes;
use core::ffi::c_void;

/// Writes a [`UserSlice`](super::UserSlice) front to back.
///
/// ```ignore,kernel,no_run
/// # use kernel::uaccess::{UserPtr, UserSlice};
/// # const MAGIC: u32 = 0x6b6d_6f64;
/// # fn example(ptr: UserPtr, len: usize, payload: &[u8]) -> Result {
/// let mut writer = UserSlice::new(ptr, len).writer();
/// writer.write(&MAGIC)?;
/// writer.write_slice(&payload)?;
/// # Ok(())
/// # }
/// ```
pub struct UserSliceWriter(pub(super) Cursor);

impl UserSliceWriter {
    /// How many bytes are left to write.
    ///
    /// ```ignore,kernel,no_run
    /// # fn example(writer: &mut kernel::uaccess::UserSliceWriter, message: &[u8]) -> Result {
    /// let n = writer.len().min(message.len());
    /// writer.write_slice(&message[..n])?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn len(&self) -> usize {
        self.0.len
    }

    /// Whether the slice is full.
    ///
    /// ```ignore,kernel,no_run
    /// # fn example(writer: &kernel::uaccess::UserSliceWriter) -> Result {
    /// if writer.is_empty() {
    ///     return Ok(()); // a read of 0 bytes
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn is_empty(&self) -> bool {
        self.0.len == 0
    }

    /// Copies `data` to the next `data.len()` bytes.
    ///
    /// `EFAULT` if fewer bytes are left or if user memory could not be written in full; then
    /// part of `data` may have arrived, and the writer is left full.
    ///
    /// ```ignore,kernel,no_run
    /// # fn example(writer: &mut kernel::uaccess::UserSliceWriter) -> Result {
    /// writer.write_slice(b"hello\n")?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn write_slice(&mut self, data: &[u8]) -> Result {
        let from = data.as_ptr().cast();
        self.0.copy(data.len(), |to, len| {
            if !check_copy_size(from, len, true) {
                return len;
            }
            // SAFETY: `from` is valid for reads of `len` bytes (the length of `data`);
            // `_copy_to_user` checks the user address itself and handles faults.
            unsafe { bindings::_copy_to_user(to, from, len) }
        })
    }

    /// Writes the bytes of a plain-old-data value; fails like
    /// [`UserSliceWriter::write_slice`].
    ///
    /// ```ignore,kernel,no_run
    /// # fn example(writer: &mut kernel::uaccess::UserSliceWriter, bytes_read: u64, bytes_written: u64) -> Result {
    /// writer.write(&[bytes_read, bytes_written])?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn write<T: AsBytes>(&mut self, value: &T) -> Result {
        let from = core::ptr::from_ref(value).cast::<c_void>();
        self.0.copy(size_of::<T>(), |to, len| {
            // SAFETY: `from` is valid for reads of `len` bytes, all of `*value`, which are
            // initialised (`T: AsBytes`); `put_user()` checks the user address itself and
            // handles faults.
            let status = unsafe {
                match len {
                    1 => single::put_user::<u8>(from, to),
                    2 => single::put_user::<u16>(from, to),
                    4 => single::put_user::<u32>(from, to),
                    8 => single::put_user::<u64>(from, to),
                    // As above, for `_copy_to_user()`, which skips only the run-time object-size
                    // check, needless here (see the module documentation).
                    _ => return bindings::_copy_to_user(to, from, len),
                }
            };
            if status == 0 {
                0
            } else {
                len
            }
        })
    }
}
