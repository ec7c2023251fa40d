//! I/O vectors: [`IovIterSource`], the data a `write_iter` consumes, and [`IovIterDest`], the
//! buffers a `read_iter` fills: the kernel's `struct iov_iter`, which may describe user memory
//! (`read()`, `readv()`), kernel pages (`splice()`, `sendfile()`) or kernel buffers.
//!
//! Copies are short rather than failing: a copy that meets a bad user address stops there and
//! returns how much it copied.
//!
//! ```ignore,kernel,no_run
//! # use kernel::fs::{File, Kiocb};
//! # use kernel::iov::IovIterSource;
//! # use kernel::miscdevice::{MiscDevice, MiscDeviceRegistration};
//! # struct Records;
//! # #[vtable]
//! # impl MiscDevice for Records {
//! #     type Ptr = KBox<Self>;
//! #     fn open(_file: &File, _misc: &MiscDeviceRegistration<Self>) -> Result<KBox<Self>> {
//! #         Ok(KBox::new(Records, GFP_KERNEL)?)
//! #     }
//! fn write_iter(kiocb: Kiocb<'_, Self::Ptr>, iov: &mut IovIterSource<'_>) -> Result<usize> {
//!     let mut header = [0u8; 4];
//!     if iov.copy_from_iter(&mut header) < header.len() {
//!         return Err(EFAULT);
//!     }
//!     // ...
//! #   Ok(header.len())
//! }
//! # }
//! ```

use crate::alloc::{Allocator, Flags, Vec};
use crate::bindings;
use crate::error::{code::EINVAL, Result};
use crate::types::Opaque;
use core::marker::PhantomData;
use core::mem::MaybeUninit;

/// An I/O vector to read data from: what a `write()` brings.
///
/// Not `Send`: the data may be mapped for the current thread only (`kmap_local_page()`).
///
/// ```ignore,kernel,no_run
/// # fn example(iov: &mut kernel::iov::IovIterSource<'_>) {
/// # let mut buffer = [0u8; 64];
/// let n = iov.copy_from_iter(&mut buffer);
/// # }
/// ```
///
/// # Invariants
///
/// `iov` is a valid `struct iov_iter` with `data_source == ITER_SOURCE`, accessed only through
/// this value, from which reading with the C functions is allowed for `'data`.
#[repr(transparent)]
pub struct IovIterSource<'data> {
    iov: Opaque<bindings::iov_iter>,
    _source: PhantomData<&'data [u8]>,
}

/// An I/O vector to write data to: the buffers of a `read()`.
///
/// Not `Send`, like [`IovIterSource`].
///
/// ```ignore,kernel,no_run
/// # fn example(iov: &mut kernel::iov::IovIterDest<'_>) {
/// let n = iov.copy_to_iter(b"hello\n");
/// # }
/// ```
///
/// # Invariants
///
/// `iov` is a valid `struct iov_iter` with `data_source == ITER_DEST`, accessed only through
/// this value, to which writing with the C functions is allowed for `'data`.
#[repr(transparent)]
pub struct IovIterDest<'data> {
    iov: Opaque<bindings::iov_iter>,
    _dest: PhantomData<&'data mut [u8]>,
}

/// What both directions have: the remaining length, advancing and reverting.
macro_rules! iov_iter_common {
    ($name:ident, $direction:literal) => {
        impl<'data> $name<'data> {
            #[doc = concat!("The `", stringify!($name), "` for a C `struct iov_iter`.")]
            ///
            /// # Safety
            ///
            #[doc = concat!("`ptr` is a valid `struct iov_iter` with `data_source` set to `", $direction, "`,")]
            /// accessed only through the result for `'iov`, and the memory it describes may be
            /// accessed with the C functions for `'data`.
            ///
            /// ```ignore,kernel,no_run
            /// # use kernel::{bindings, iov::IovIterDest};
            /// # unsafe extern "C" fn read_iter(_kiocb: *mut bindings::kiocb, iter: *mut bindings::iov_iter) -> isize {
            /// // SAFETY: the iterator `read_iter`/`write_iter` was called with.
            /// let iov = unsafe { IovIterDest::from_raw(iter) };
            /// # 0
            /// # }
            /// ```
            pub unsafe fn from_raw<'iov>(ptr: *mut bindings::iov_iter) -> &'iov mut $name<'data> {
                // SAFETY: the type is a transparent wrapper; the caller guarantees the invariants.
                unsafe { &mut *ptr.cast::<$name<'data>>() }
            }

            /// The C `struct iov_iter`.
            ///
            /// ```ignore,kernel,no_run
            /// # fn example(iov: &mut kernel::iov::IovIterDest<'_>) {
            /// let raw = iov.as_raw();
            /// # }
            /// ```
            pub fn as_raw(&mut self) -> *mut bindings::iov_iter {
                self.iov.get()
            }

            /// The bytes left (`iov_iter_count()`). May overestimate: a bad user address ends
            /// the vector early when a copy reaches it.
            ///
            /// ```ignore,kernel,no_run
            /// # fn example(iov: &kernel::iov::IovIterSource<'_>) {
            /// let wanted = iov.len();
            /// # }
            /// ```
            pub fn len(&self) -> usize {
                // `iov_iter_count()` is an inline: the field it reads, read here.
                let count = self.iov.get().cast::<u8>().wrapping_add(bindings::IOV_ITER_COUNT_OFFSET);
                // SAFETY: the iterator is valid (type invariant), and `count` is the `size_t` at
                // this offset in it (gcc and libclang agree on the offset: kernel-sys checks it).
                unsafe { count.cast::<usize>().read() }
            }

            /// Whether no bytes are left.
            ///
            /// ```ignore,kernel,no_run
            /// # fn example(iov: &kernel::iov::IovIterDest<'_>) -> Result<usize> {
            /// if iov.is_empty() {
            ///     return Ok(0);
            /// }
            /// # Ok(iov.len())
            /// # }
            /// ```
            pub fn is_empty(&self) -> bool {
                self.len() == 0
            }

            /// Skips `bytes` bytes (at most to the end).
            ///
            /// ```ignore,kernel,no_run
            /// # fn example(iov: &mut kernel::iov::IovIterSource<'_>) {
            /// iov.advance(4);
            /// # }
            /// ```
            pub fn advance(&mut self, bytes: usize) {
                // SAFETY: the iterator is valid (type invariant); advancing past the end stops
                // at the end.
                unsafe { bindings::iov_iter_advance(self.as_raw(), bytes) };
            }

            /// Moves back by `bytes` bytes.
            ///
            /// # Safety
            ///
            /// The vector has advanced by at least `bytes` since it was handed over.
            ///
            /// ```ignore,kernel,no_run
            /// # fn example(iov: &mut kernel::iov::IovIterSource<'_>) {
            /// # let mut header = [0u8; 4];
            /// # if iov.copy_from_iter(&mut header) == header.len() {
            /// // SAFETY: the 4 bytes copied just above.
            /// unsafe { iov.revert(4) };
            /// # }
            /// # }
            /// ```
            pub unsafe fn revert(&mut self, bytes: usize) {
                // SAFETY: the iterator is valid (type invariant) and `bytes` is within what it
                // advanced (the caller's contract).
                unsafe { bindings::iov_iter_revert(self.as_raw(), bytes) };
            }
        }
    };
}

iov_iter_common!(IovIterSource, "ITER_SOURCE");
iov_iter_common!(IovIterDest, "ITER_DEST");

impl IovIterSource<'_> {
    /// Copies the next bytes into `out` and returns how many: fewer than `out.len()` when the
    /// vector ends or a bad user address is reached.
    ///
    /// ```ignore,kernel,no_run
    /// # fn example(iov: &mut kernel::iov::IovIterSource<'_>) {
    /// # let mut buffer = [0u8; 64];
    /// let n = iov.copy_from_iter(&mut buffer);
    /// # }
    /// ```
    pub fn copy_from_iter(&mut self, out: &mut [u8]) -> usize {
        // SAFETY: `[u8]` and `[MaybeUninit<u8>]` have the same layout, and `copy_from_iter_raw`
        // writes only initialised bytes, so `out` stays valid.
        let out = unsafe { &mut *(core::ptr::from_mut(out) as *mut [MaybeUninit<u8>]) };
        self.copy_from_iter_raw(out).len()
    }

    /// Appends what is left of the vector to `out`, allocating with `flags`, and returns how many
    /// bytes were appended.
    ///
    /// ```ignore,kernel,no_run
    /// # fn example(iov: &mut kernel::iov::IovIterSource<'_>) -> Result {
    /// # let mut buffer = KVec::new();
    /// let n = iov.copy_from_iter_vec(&mut buffer, GFP_KERNEL)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn copy_from_iter_vec<A: Allocator>(&mut self, out: &mut Vec<u8, A>, flags: Flags) -> Result<usize> {
        out.reserve(self.len(), flags)?;
        let len = self.copy_from_iter_raw(out.spare_capacity_mut()).len();
        // SAFETY: `len` bytes of the spare capacity were just initialised.
        unsafe { out.inc_len(len) };
        Ok(len)
    }

    /// Copies the next bytes into possibly uninitialised memory and returns the initialised part
    /// of `out` (shorter than `out` when the vector ended or a bad address was reached).
    ///
    /// ```ignore,kernel,no_run
    /// # fn example(iov: &mut kernel::iov::IovIterSource<'_>) -> Result {
    /// # let mut buffer = KVec::with_capacity(64, GFP_KERNEL)?;
    /// let data = iov.copy_from_iter_raw(buffer.spare_capacity_mut());
    /// # Ok(())
    /// # }
    /// ```
    pub fn copy_from_iter_raw(&mut self, out: &mut [MaybeUninit<u8>]) -> &mut [u8] {
        let capacity = out.len();
        let out = out.as_mut_ptr().cast::<u8>();
        // SAFETY: the vector may be read (type invariant) and `out` is valid for `capacity`
        // bytes of writes.
        let len = unsafe { bindings::_copy_from_iter(out.cast(), capacity, self.as_raw()) };
        // SAFETY: `_copy_from_iter` initialised the first `len <= capacity` bytes.
        unsafe { core::slice::from_raw_parts_mut(out, len.min(capacity)) }
    }
}

impl IovIterDest<'_> {
    /// Copies `input` to the next bytes of the vector and returns how many were copied: fewer
    /// than `input.len()` when the vector ends or a bad user address is reached.
    ///
    /// ```ignore,kernel,no_run
    /// # fn example(iov: &mut kernel::iov::IovIterDest<'_>) {
    /// let n = iov.copy_to_iter(b"hello\n");
    /// # }
    /// ```
    pub fn copy_to_iter(&mut self, input: &[u8]) -> usize {
        // SAFETY: the vector may be written (type invariant) and `input` is valid for its length.
        unsafe { bindings::_copy_to_iter(input.as_ptr().cast(), input.len(), self.as_raw()) }
    }

    /// Serves a read of a file whose whole contents are `contents` at position `*ppos`, and moves
    /// the position past what was copied. `EINVAL` for a negative position; 0 at or past the end.
    ///
    /// ```ignore,kernel,no_run
    /// # use kernel::{fs::Kiocb, iov::IovIterDest, types::ForeignOwnable};
    /// # fn read_iter<T: ForeignOwnable>(mut kiocb: Kiocb<'_, T>, iov: &mut IovIterDest<'_>, contents: &KVec<u8>) -> Result<usize> {
    /// iov.simple_read_from_buffer(kiocb.ki_pos_mut(), &contents)
    /// # }
    /// ```
    pub fn simple_read_from_buffer(&mut self, ppos: &mut i64, contents: &[u8]) -> Result<usize> {
        let Ok(pos) = usize::try_from(*ppos) else {
            return if *ppos < 0 { Err(EINVAL) } else { Ok(0) };
        };
        let Some(rest) = contents.get(pos..) else {
            return Ok(0);
        };
        let copied = self.copy_to_iter(rest);
        // `pos + copied <= contents.len() <= isize::MAX`, so it fits.
        *ppos = (pos + copied) as i64;
        Ok(copied)
    }
}
