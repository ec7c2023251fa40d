//! What a debugfs file shows and takes: [`Writer`] and [`Reader`] for text, [`BinaryWriter`],
//! [`BinaryReader`] and [`BinaryReaderMut`] for bytes at a file position.

use crate::alloc::{Allocator, KBox, Vec};
use crate::error::{code::EINVAL, Result};
use crate::fs::file::Offset;
use crate::sync::atomic::{Atomic, AtomicType, Relaxed};
use crate::sync::{Arc, Mutex};
use crate::transmute::{AsBytes, FromBytes};
use crate::uaccess::{UserSliceReader, UserSliceWriter};
use core::fmt;
use core::pin::Pin;
use core::str::FromStr;

/// Data a file shows as text, formatted anew for each read from the start of the file.
///
/// Every `Debug` type is one (its `{:?}` and a newline); so is a [`Mutex`] of one, shown with
/// the lock held.
///
/// ```ignore,kernel,no_run
/// use core::fmt;
/// use kernel::debugfs::Writer;
/// struct Temperature(i32);
/// impl fmt::Debug for Temperature {
///     fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
///         write!(f, "{}.{:03} C", self.0 / 1000, self.0 % 1000)
///     }
/// }
/// ```
pub trait Writer {
    /// Prints the data.
    fn write(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result;
}

impl<T: fmt::Debug> Writer for T {
    fn write(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{self:?}")
    }
}

impl<T: Writer> Writer for Mutex<T> {
    fn write(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.lock().write(f)
    }
}

/// Data a write to a file changes: it gets the whole write at once.
///
/// Atomics of integers and a [`Mutex`] of any `FromStr` type are: they parse the text written
/// (surrounding white space ignored), `EINVAL` if it does not parse.
pub trait Reader {
    /// Updates the data from what user space wrote.
    fn read_from_slice(&self, reader: &mut UserSliceReader) -> Result;
}

/// Parses the text user space wrote, which must fit in `N` bytes.
fn parse<T: FromStr, const N: usize>(reader: &mut UserSliceReader) -> Result<T> {
    let mut buf = [0u8; N];
    let len = reader.len();
    let text = buf.get_mut(..len).ok_or(EINVAL)?;
    reader.read_slice(text)?;
    core::str::from_utf8(text).map_err(|_| EINVAL)?.trim().parse().map_err(|_| EINVAL)
}

impl<T: FromStr + Unpin> Reader for Mutex<T> {
    fn read_from_slice(&self, reader: &mut UserSliceReader) -> Result {
        *self.lock() = parse::<T, 128>(reader)?;
        Ok(())
    }
}

impl<T: AtomicType + FromStr> Reader for Atomic<T> {
    fn read_from_slice(&self, reader: &mut UserSliceReader) -> Result {
        // Room for any 64-bit integer in decimal, with its sign.
        self.store(parse::<T, 21>(reader)?, Relaxed);
        Ok(())
    }
}

/// Data a file shows as bytes, read from the file position on.
///
/// Plain-old-data values ([`AsBytes`]) are, as their bytes in memory; so are vectors of them and
/// a [`Mutex`], box or [`Arc`] of one.
pub trait BinaryWriter {
    /// Copies the bytes from `*offset` on to `writer`, as many as fit, moves `*offset` past them
    /// and returns how many that was.
    fn write_to_slice(&self, writer: &mut UserSliceWriter, offset: &mut Offset) -> Result<usize>;
}

impl<T: AsBytes> BinaryWriter for T {
    fn write_to_slice(&self, writer: &mut UserSliceWriter, offset: &mut Offset) -> Result<usize> {
        writer.write_slice_file(self.as_bytes(), offset)
    }
}

impl<T: BinaryWriter> BinaryWriter for Mutex<T> {
    fn write_to_slice(&self, writer: &mut UserSliceWriter, offset: &mut Offset) -> Result<usize> {
        self.lock().write_to_slice(writer, offset)
    }
}

impl<T: AsBytes, A: Allocator> BinaryWriter for Vec<T, A> {
    fn write_to_slice(&self, writer: &mut UserSliceWriter, offset: &mut Offset) -> Result<usize> {
        let elements = self.as_slice();
        // SAFETY: the elements are `AsBytes` and a slice has no padding between them, so its
        // `size_of_val` bytes are initialised, and stay unchanged while borrowed.
        let bytes =
            unsafe { core::slice::from_raw_parts(elements.as_ptr().cast::<u8>(), size_of_val(elements)) };
        writer.write_slice_file(bytes, offset)
    }
}

/// Data whose bytes a write overwrites from the file position on, given exclusive access.
///
/// See [`BinaryReader`] for data behind a lock.
pub trait BinaryReaderMut {
    /// Overwrites the bytes from `*offset` on with what `reader` has, as much as fits, moves
    /// `*offset` past them and returns how many that was.
    fn read_from_slice_mut(&mut self, reader: &mut UserSliceReader, offset: &mut Offset) -> Result<usize>;
}

impl<T: AsBytes + FromBytes> BinaryReaderMut for T {
    fn read_from_slice_mut(&mut self, reader: &mut UserSliceReader, offset: &mut Offset) -> Result<usize> {
        reader.read_slice_file(self.as_bytes_mut(), offset)
    }
}

impl<T: ?Sized + BinaryReaderMut> BinaryReaderMut for KBox<T> {
    fn read_from_slice_mut(&mut self, reader: &mut UserSliceReader, offset: &mut Offset) -> Result<usize> {
        (**self).read_from_slice_mut(reader, offset)
    }
}

impl<T: AsBytes + FromBytes, A: Allocator> BinaryReaderMut for Vec<T, A> {
    fn read_from_slice_mut(&mut self, reader: &mut UserSliceReader, offset: &mut Offset) -> Result<usize> {
        let elements = self.as_mut_slice();
        // SAFETY: as in `BinaryWriter for Vec`, and any bytes make valid elements (`FromBytes`);
        // the borrow is exclusive.
        let bytes = unsafe {
            core::slice::from_raw_parts_mut(elements.as_mut_ptr().cast::<u8>(), size_of_val(elements))
        };
        reader.read_slice_file(bytes, offset)
    }
}

/// Data whose bytes a write overwrites from the file position on, through a shared reference
/// (for a file's data, which every open file shares): a [`Mutex`] of [`BinaryReaderMut`] data, or
/// a box or [`Arc`] of such.
pub trait BinaryReader {
    /// As [`BinaryReaderMut::read_from_slice_mut`].
    fn read_from_slice(&self, reader: &mut UserSliceReader, offset: &mut Offset) -> Result<usize>;
}

impl<T: BinaryReaderMut + Unpin> BinaryReader for Mutex<T> {
    fn read_from_slice(&self, reader: &mut UserSliceReader, offset: &mut Offset) -> Result<usize> {
        self.lock().read_from_slice_mut(reader, offset)
    }
}

/// Implements a binary trait for the pointers a file's data may be behind (`KBox`, a pinned
/// one, `Arc`), by calling it on what they point to.
macro_rules! through_pointers {
    ($trait:ident, $method:ident, $io:ty) => {
        through_pointers!($trait, $method, $io, KBox<T>, Pin<KBox<T>>, Arc<T>);
    };
    ($trait:ident, $method:ident, $io:ty, $($pointer:ty),*) => {$(
        impl<T: ?Sized + $trait> $trait for $pointer {
            fn $method(&self, io: &mut $io, offset: &mut Offset) -> Result<usize> {
                (**self).$method(io, offset)
            }
        }
    )*};
}

through_pointers!(BinaryWriter, write_to_slice, UserSliceWriter);
through_pointers!(BinaryReader, read_from_slice, UserSliceReader);
