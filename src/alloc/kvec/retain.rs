//! [`Vec::retain`]: dropping the elements a predicate rejects, in place.

use super::Vec;
use crate::alloc::Allocator;

impl<T, A: Allocator> Vec<T, A> {
    /// Keeps only the elements `keep` returns `true` for, in their order, dropping the others.
    ///
    /// ```ignore,kernel
    /// let mut v = KVec::new();
    /// v.extend_from_slice(&[1, 2, 3, 4, 5, 6], GFP_KERNEL)?;
    /// v.retain(|x| x % 2 == 0);
    /// assert_eq!(&v[..], &[2, 4, 6]);
    /// ```
    pub fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) {
        let len = self.len;
        // INVARIANT: while elements move, none is counted: a panic in `keep` (which stops the
        // kernel's thread without unwinding) leaves no element counted twice or dropped twice.
        self.len = 0;
        let base = self.as_mut_ptr();
        let mut kept = 0;
        for i in 0..len {
            // SAFETY: `i < len`: an initialised element, not yet moved or dropped.
            let element = unsafe { base.add(i) };
            // SAFETY: as above.
            if keep(unsafe { &*element }) {
                if kept != i {
                    // SAFETY: `kept < i`: that slot's element was moved or dropped already; the
                    // two do not overlap.
                    unsafe { core::ptr::copy_nonoverlapping(element, base.add(kept), 1) };
                }
                kept += 1;
            } else {
                // SAFETY: the element is initialised and dropped once; its slot is free after.
                unsafe { core::ptr::drop_in_place(element) };
            }
        }
        // INVARIANT: the first `kept` slots hold the kept elements.
        self.len = kept;
    }
}
