//! Copies between user space and a kernel buffer at a file position, as a file's `read` and
//! `write` do (`simple_read_from_buffer()`, `simple_write_to_buffer()`).

use super::{UserSliceReader, UserSliceWriter};
use crate::error::{code::EINVAL, Result};
use crate::fs::file::Offset;

/// The part of a `len`-byte buffer from `offset` on that a `room`-byte copy reaches; empty past
/// the end.
fn window(len: usize, offset: usize, room: usize) -> core::ops::Range<usize> {
    let start = offset.min(len);
    start..offset.saturating_add(room).min(len).max(start)
}

/// The file position as an index into a buffer: `EINVAL` if negative; `None` past `usize`.
fn index(offset: Offset) -> Result<Option<usize>> {
    if offset < 0 {
        return Err(EINVAL);
    }
    Ok(usize::try_from(offset).ok())
}

impl UserSliceReader {
    /// Fills `out` from `offset` on with as much as is left to read, and returns how many bytes
    /// that was (0 if `offset` is past the end of `out`).
    ///
    /// ```ignore,kernel,no_run
    /// # fn example(reader: &mut kernel::uaccess::UserSliceReader) -> kernel::error::Result {
    /// let mut config = [0u8; 64];
    /// let stored = reader.read_slice_partial(&mut config, 16)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn read_slice_partial(&mut self, out: &mut [u8], offset: usize) -> Result<usize> {
        let range = window(out.len(), offset, self.len());
        let count = range.len();
        self.read_slice(&mut out[range])?;
        Ok(count)
    }

    /// [`read_slice_partial`](Self::read_slice_partial) at a file position, which moves past
    /// what was read, as a file's `write` stores at `*ppos`. `EINVAL` for a negative position.
    ///
    /// ```ignore,kernel,no_run
    /// # fn example(reader: &mut kernel::uaccess::UserSliceReader, pos: &mut kernel::fs::file::Offset) -> kernel::error::Result {
    /// let mut blob = [0u8; 4096];
    /// let written = reader.read_slice_file(&mut blob, pos)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn read_slice_file(&mut self, out: &mut [u8], offset: &mut Offset) -> Result<usize> {
        let Some(start) = index(*offset)? else { return Ok(0) };
        let count = self.read_slice_partial(out, start)?;
        // `count` is at most `out.len()`, which fits an `Offset` (no allocation exceeds isize::MAX).
        *offset += count as Offset;
        Ok(count)
    }
}

impl UserSliceWriter {
    /// Copies `data` from `offset` on, as much as fits, and returns how many bytes that was (0
    /// if `offset` is past the end of `data`).
    ///
    /// ```ignore,kernel,no_run
    /// # fn example(writer: &mut kernel::uaccess::UserSliceWriter) -> kernel::error::Result {
    /// let sent = writer.write_slice_partial(b"hello\n", 2)?; // "llo\n", or less if it has no room
    /// # Ok(())
    /// # }
    /// ```
    pub fn write_slice_partial(&mut self, data: &[u8], offset: usize) -> Result<usize> {
        let range = window(data.len(), offset, self.len());
        let count = range.len();
        self.write_slice(&data[range])?;
        Ok(count)
    }

    /// [`write_slice_partial`](Self::write_slice_partial) at a file position, which moves past
    /// what was copied, as a file's `read` returns from `*ppos`. `EINVAL` for a negative
    /// position.
    ///
    /// ```ignore,kernel,no_run
    /// # fn example(writer: &mut kernel::uaccess::UserSliceWriter, pos: &mut kernel::fs::file::Offset) -> kernel::error::Result<usize> {
    /// writer.write_slice_file(b"0123456789", pos)
    /// # }
    /// ```
    pub fn write_slice_file(&mut self, data: &[u8], offset: &mut Offset) -> Result<usize> {
        let Some(start) = index(*offset)? else { return Ok(0) };
        let count = self.write_slice_partial(data, start)?;
        // As in `read_slice_file`.
        *offset += count as Offset;
        Ok(count)
    }
}
