//! The byte ring buffer behind `/dev/rust_misc`. Plain data: the driver keeps it in a mutex.

use kernel::prelude::*;

/// The largest amount of data the buffer holds (its storage).
pub const CAPACITY: usize = 4096;

/// A FIFO of bytes in a fixed allocation of [`CAPACITY`] bytes, holding at most `limit` bytes.
///
/// Positions are reduced modulo [`CAPACITY`] (a power of two) where they index `data`, and
/// lengths are clamped to it, so the compiler sees every slice is in bounds: no bounds-check
/// panics (and none of the formatting code a panic message needs) end up in the module.
pub struct Ring {
    data: KBox<[u8; CAPACITY]>,
    /// Where the oldest byte is.
    head: usize,
    /// How many bytes are buffered.
    len: usize,
    /// How many bytes may be buffered (`1..=CAPACITY`), set by an ioctl.
    limit: usize,
}

impl Ring {
    pub fn new() -> Result<Ring> {
        Ok(Ring { data: KBox::new_zeroed(GFP_KERNEL)?, head: 0, len: 0, limit: CAPACITY })
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn limit(&self) -> usize {
        self.limit
    }

    /// How many more bytes fit (none when the limit was lowered below what is buffered).
    pub fn space(&self) -> usize {
        self.limit.saturating_sub(self.len)
    }

    /// Sets the limit; returns the old one. `EINVAL` unless `1..=CAPACITY`.
    pub fn set_limit(&mut self, limit: usize) -> Result<usize> {
        if !(1..=CAPACITY).contains(&limit) {
            return Err(EINVAL);
        }
        Ok(core::mem::replace(&mut self.limit, limit))
    }

    /// Drops everything buffered.
    pub fn clear(&mut self) {
        self.head = 0;
        self.len = 0;
    }

    /// The oldest `n` bytes (`n <= len`), in order, as up to two pieces (the buffer wraps).
    pub fn peek(&self, n: usize) -> (&[u8], &[u8]) {
        let head = self.head % CAPACITY;
        let (older, newer) = self.data.split_at(head);
        let n = n.min(CAPACITY);
        let first = n.min(newer.len());
        (&newer[..first], &older[..(n - first).min(head)])
    }

    /// Forgets the oldest `n` bytes (`n <= len`), once they were copied out.
    pub fn consume(&mut self, n: usize) {
        self.head = (self.head + n) % CAPACITY;
        self.len -= n;
    }

    /// Room for the next `n` bytes (`n <= space`), as up to two pieces to fill in order.
    pub fn room(&mut self, n: usize) -> (&mut [u8], &mut [u8]) {
        let tail = (self.head + self.len) % CAPACITY;
        let (front, back) = self.data.split_at_mut(tail);
        let first = n.min(back.len());
        (&mut back[..first], &mut front[..(n - first).min(tail)])
    }

    /// Adds the `n` bytes just written into [`Ring::room`] to the buffered data.
    pub fn commit(&mut self, n: usize) {
        self.len += n;
    }
}
