//! The byte ring buffer behind `/dev/rust_misc`. Plain data: the driver keeps it in a mutex.

use kernel::prelude::*;

/// The largest amount of data the buffer holds (its storage): the most the interface allows.
pub const CAPACITY: usize = crate::uapi::RUST_MISC_CAPACITY;

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

    /// How many bytes are buffered: at most [`CAPACITY`], clamped like the positions, so that
    /// the compiler knows it fits the ioctl's `u32`.
    pub fn len(&self) -> usize {
        self.len.min(CAPACITY)
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

/// In-kernel tests of the ring buffer, run when the module loads (`kunit_tests` in `module!`).
#[kernel::kunit_tests(rust_misc_ring)]
mod tests {
    use super::*;

    /// Stores `bytes` as a `write()` does: into the room, then committed.
    fn push(ring: &mut Ring, bytes: &[u8]) -> usize {
        let n = bytes.len().min(ring.space());
        let (first, second) = ring.room(n);
        let split = first.len();
        first.copy_from_slice(&bytes[..split]);
        second.copy_from_slice(&bytes[split..n]);
        ring.commit(n);
        n
    }

    /// Takes up to `out.len()` bytes as a `read()` does.
    fn pop(ring: &mut Ring, out: &mut [u8]) -> usize {
        let n = out.len().min(ring.len());
        let (first, second) = ring.peek(n);
        out[..first.len()].copy_from_slice(first);
        out[first.len()..n].copy_from_slice(second);
        ring.consume(n);
        n
    }

    #[test]
    fn starts_empty() -> Result {
        let ring = Ring::new()?;
        assert_eq!(ring.len(), 0);
        assert_eq!(ring.limit(), CAPACITY);
        assert_eq!(ring.space(), CAPACITY);
        Ok(())
    }

    #[test]
    fn fifo_order() -> Result {
        let mut ring = Ring::new()?;
        assert_eq!(push(&mut ring, b"hello "), 6);
        assert_eq!(push(&mut ring, b"world"), 5);
        let mut out = [0u8; 16];
        assert_eq!(pop(&mut ring, &mut out[..3]), 3);
        assert_eq!(&out[..3], b"hel");
        assert_eq!(pop(&mut ring, &mut out), 8);
        assert_eq!(&out[..8], b"lo world");
        assert_eq!(ring.len(), 0);
        Ok(())
    }

    #[test]
    fn wraps_around_the_end() -> Result {
        let mut ring = Ring::new()?;
        let mut scratch: KBox<[u8; CAPACITY]> = KBox::new_zeroed(GFP_KERNEL)?;
        assert_eq!(push(&mut ring, &scratch[..CAPACITY - 2]), CAPACITY - 2);
        assert_eq!(pop(&mut ring, &mut scratch[..CAPACITY - 2]), CAPACITY - 2);
        // The next record starts two bytes before the end of the storage.
        assert_eq!(push(&mut ring, b"abcdef"), 6);
        let (first, second) = ring.peek(6);
        assert_eq!((first, second), (&b"ab"[..], &b"cdef"[..]));
        let mut out = [0u8; 6];
        assert_eq!(pop(&mut ring, &mut out), 6);
        assert_eq!(&out, b"abcdef");
        Ok(())
    }

    #[test]
    fn limit_bounds_the_space() -> Result {
        let mut ring = Ring::new()?;
        assert_eq!(ring.set_limit(0), Err(EINVAL));
        assert_eq!(ring.set_limit(CAPACITY + 1), Err(EINVAL));
        assert_eq!(ring.set_limit(8)?, CAPACITY);
        assert_eq!(push(&mut ring, b"0123456789"), 8, "a write stores only up to the limit");
        assert_eq!(ring.space(), 0);
        // Lowering the limit below what is buffered keeps the data but leaves no room.
        assert_eq!(ring.set_limit(4)?, 8);
        assert_eq!((ring.len(), ring.space()), (8, 0));
        Ok(())
    }

    #[test]
    fn clear_empties() -> Result {
        let mut ring = Ring::new()?;
        push(&mut ring, b"data");
        ring.clear();
        assert!(ring.len() == 0 && ring.space() == ring.limit());
        Ok(())
    }
}
