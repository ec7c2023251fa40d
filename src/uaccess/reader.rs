//! [`UserSliceReader`]: reads user memory front to back, each byte at most once.

use super::{check_copy_size, single, Cursor};
use crate::bindings;
use crate::error::Result;
use crate::transmute::FromBytes;
use core::ffi::c_void;
use core::mem::MaybeUninit;

/// Reads a [`UserSlice`](super::UserSlice) front to back; each byte at most once.
///
/// ```ignore,kernel,no_run
/// # use kernel::uaccess::{UserPtr, UserSlice};
/// # fn example(ptr: UserPtr, len: usize) -> Result {
/// let mut reader = UserSlice::new(ptr, len).reader();
/// let header: u32 = reader.read()?;
/// let mut payload = [0u8; 16];
/// reader.read_slice(&mut payload[..reader.len().min(16)])?;
/// # Ok(())
/// # }
/// ```
pub struct UserSliceReader(pub(super) Cursor);

impl UserSliceReader {
    /// How many bytes are left to read.
    ///
    /// ```ignore,kernel,no_run
    /// # fn example(reader: &kernel::uaccess::UserSliceReader) {
    /// let mut data = [0u8; 64];
    /// let n = reader.len().min(data.len());
    /// # }
    /// ```
    pub fn len(&self) -> usize {
        self.0.len
    }

    /// Whether everything was read.
    ///
    /// ```ignore,kernel,no_run
    /// # fn handle(_value: u32) {}
    /// # fn example(reader: &mut kernel::uaccess::UserSliceReader) -> Result {
    /// while !reader.is_empty() {
    ///     handle(reader.read::<u32>()?);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn is_empty(&self) -> bool {
        self.0.len == 0
    }

    /// Skips `count` bytes without reading them; `EFAULT` if fewer are left.
    ///
    /// ```ignore,kernel,no_run
    /// # fn example(reader: &mut kernel::uaccess::UserSliceReader) -> Result {
    /// reader.skip(reader.len())?; // accept and discard the data
    /// # Ok(())
    /// # }
    /// ```
    pub fn skip(&mut self, count: usize) -> Result {
        self.0.copy(count, |_, _| 0)
    }

    /// Fills `out` with the next `out.len()` bytes.
    ///
    /// `EFAULT` if fewer bytes are left or if user memory could not be read in full; then `out`
    /// may hold part of the data (the rest zeroed) and the reader is left empty, so that no byte
    /// is read twice.
    ///
    /// ```ignore,kernel,no_run
    /// # use core::mem::MaybeUninit;
    /// # fn example(reader: &mut kernel::uaccess::UserSliceReader) -> Result {
    /// let mut header = [MaybeUninit::<u8>::uninit(); 8];
    /// reader.read_raw(&mut header)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn read_raw(&mut self, out: &mut [MaybeUninit<u8>]) -> Result {
        let to = out.as_mut_ptr().cast();
        self.0.copy(out.len(), |from, len| {
            if !check_copy_size(to, len, false) {
                return len;
            }
            // SAFETY: `to` is valid for writes of `len` bytes (the length of `out`);
            // `_copy_from_user` checks the user address itself and handles faults.
            unsafe { bindings::_copy_from_user(to, from, len) }
        })
    }

    /// Fills `out` with the next `out.len()` bytes; fails like [`UserSliceReader::read_raw`].
    ///
    /// ```ignore,kernel,no_run
    /// # fn example(reader: &mut kernel::uaccess::UserSliceReader) -> Result {
    /// let mut data = [0u8; 64];
    /// let n = reader.len().min(data.len());
    /// reader.read_slice(&mut data[..n])?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn read_slice(&mut self, out: &mut [u8]) -> Result {
        // SAFETY: `u8` and `MaybeUninit<u8>` have the same layout, and `read_raw` writes only
        // initialised bytes.
        let out = unsafe { &mut *(core::ptr::from_mut(out) as *mut [MaybeUninit<u8>]) };
        self.read_raw(out)
    }

    /// Reads a value of a plain-old-data type; fails like [`UserSliceReader::read_raw`].
    ///
    /// ```ignore,kernel,no_run
    /// # fn example(reader: &mut kernel::uaccess::UserSliceReader) -> Result {
    /// let limit: u32 = reader.read()?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn read<T: FromBytes>(&mut self) -> Result<T> {
        let mut value = MaybeUninit::<T>::uninit();
        let to = value.as_mut_ptr().cast::<c_void>();
        self.0.copy(size_of::<T>(), |from, len| {
            // SAFETY: `to` is valid for writes of `len` bytes, all of `value`, whatever they hold
            // (unaligned: `value`'s alignment may be below its size); `get_user()` checks the
            // user address itself and handles faults.
            let status = unsafe {
                match len {
                    1 => single::get_user::<u8>(to, from),
                    2 => single::get_user::<u16>(to, from),
                    4 => single::get_user::<u32>(to, from),
                    8 => single::get_user::<u64>(to, from),
                    // As above, for `_copy_from_user()`, which skips only the run-time
                    // object-size check, needless here (see the module documentation).
                    _ => return bindings::_copy_from_user(to, from, len),
                }
            };
            if status == 0 {
                0
            } else {
                len
            }
        })?;
        // SAFETY: all `size_of::<T>()` bytes were written, and any bytes are a valid `T`
        // (`T: FromBytes`).
        Ok(unsafe { value.assume_init() })
    }
}
