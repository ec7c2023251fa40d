//! [`KVec`]: a growable, kmalloc-backed array with explicit flags.

use super::{AllocError, Flags, Kmalloc};
use core::alloc::Layout;
use core::fmt;
use core::marker::PhantomData;
use core::ops::{Deref, DerefMut};
use core::ptr::NonNull;

/// A `Vec` whose allocations go through `kmalloc` with the [`Flags`] each growing call is
/// given, and fail with an error instead of panicking.
///
/// ```ignore,kernel
/// let mut v = KVec::new();
/// v.push(1u32, GFP_KERNEL)?;
/// v.extend_from_slice(&[2, 3], GFP_KERNEL)?;
/// assert_eq!(&v[..], &[1, 2, 3]);
/// ```
///
/// # Invariants
///
/// `ptr` points to an allocation from [`Kmalloc`] for `cap` elements (dangling when `cap` is 0 or
/// `T` is zero-sized), of which the first `len` are initialised; `len <= cap`.
pub struct KVec<T> {
    ptr: NonNull<T>,
    cap: usize,
    len: usize,
    _owns: PhantomData<T>,
}

// SAFETY: a `KVec<T>` owns its elements like `[T]` would.
unsafe impl<T: Send> Send for KVec<T> {}
// SAFETY: a `KVec<T>` owns its elements like `[T]` would.
unsafe impl<T: Sync> Sync for KVec<T> {}

impl<T> KVec<T> {
    /// An empty vector; allocates nothing.
    pub const fn new() -> Self {
        // INVARIANT: no capacity, no elements.
        KVec { ptr: NonNull::dangling(), cap: 0, len: 0, _owns: PhantomData }
    }

    /// An empty vector with room for `capacity` elements.
    pub fn with_capacity(capacity: usize, flags: Flags) -> Result<Self, AllocError> {
        let mut v = KVec::new();
        v.reserve(capacity, flags)?;
        Ok(v)
    }

    /// The number of elements.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no elements.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The number of elements it can hold without allocating.
    pub fn capacity(&self) -> usize {
        if size_of::<T>() == 0 {
            usize::MAX
        } else {
            self.cap
        }
    }

    /// Makes room for at least `additional` more elements.
    pub fn reserve(&mut self, additional: usize, flags: Flags) -> Result<(), AllocError> {
        let needed = self.len.checked_add(additional).ok_or(AllocError)?;
        if needed <= self.capacity() {
            return Ok(());
        }
        let cap = needed.max(self.cap.saturating_mul(2)).max(4);
        let layout = Layout::array::<T>(cap).map_err(|_| AllocError)?;
        let old = if self.cap == 0 { core::ptr::null_mut() } else { self.ptr.as_ptr().cast() };
        // SAFETY: `old` is null or this vector's allocation from `Kmalloc`, with `T`'s alignment.
        let ptr = unsafe { Kmalloc::realloc(old, layout, flags)? };
        // INVARIANT: `krealloc` kept the `len` initialised elements; the new allocation holds `cap`.
        self.ptr = ptr.cast();
        self.cap = cap;
        Ok(())
    }

    /// Appends an element, growing the allocation with `flags` if needed.
    pub fn push(&mut self, value: T, flags: Flags) -> Result<(), AllocError> {
        self.reserve(1, flags)?;
        // SAFETY: `reserve` made room for element `len`.
        unsafe { self.ptr.as_ptr().add(self.len).write(value) };
        // INVARIANT: element `len` was just initialised.
        self.len += 1;
        Ok(())
    }

    /// Removes and returns the last element.
    pub fn pop(&mut self) -> Option<T> {
        if self.len == 0 {
            return None;
        }
        // INVARIANT: the last element is moved out and no longer counted.
        self.len -= 1;
        // SAFETY: element `len` was initialised and is read once.
        Some(unsafe { self.ptr.as_ptr().add(self.len).read() })
    }

    /// Drops the elements from `len` on.
    pub fn truncate(&mut self, len: usize) {
        if len >= self.len {
            return;
        }
        let tail = core::ptr::slice_from_raw_parts_mut(
            // SAFETY: `len < self.len`, inside the allocation.
            unsafe { self.ptr.as_ptr().add(len) },
            self.len - len,
        );
        // INVARIANT: the tail is dropped below and no longer counted.
        self.len = len;
        // SAFETY: the tail elements are initialised and dropped once.
        unsafe { core::ptr::drop_in_place(tail) };
    }

    /// Drops every element, keeping the allocation.
    pub fn clear(&mut self) {
        self.truncate(0);
    }
}

impl<T: Clone> KVec<T> {
    /// Appends clones of every element of `other`.
    pub fn extend_from_slice(&mut self, other: &[T], flags: Flags) -> Result<(), AllocError> {
        self.reserve(other.len(), flags)?;
        for item in other {
            // SAFETY: `reserve` made room for `other.len()` more elements.
            unsafe { self.ptr.as_ptr().add(self.len).write(item.clone()) };
            // INVARIANT: one more element initialised.
            self.len += 1;
        }
        Ok(())
    }

    /// A vector of `n` clones of `value`.
    pub fn from_elem(value: T, n: usize, flags: Flags) -> Result<Self, AllocError> {
        let mut v = KVec::with_capacity(n, flags)?;
        for _ in 0..n {
            v.push(value.clone(), flags)?;
        }
        Ok(v)
    }
}

impl<T> Default for KVec<T> {
    fn default() -> Self {
        KVec::new()
    }
}

impl<T> Deref for KVec<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        // SAFETY: the first `len` elements are initialised (type invariant).
        unsafe { core::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }
}

impl<T> DerefMut for KVec<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        // SAFETY: the first `len` elements are initialised and owned (type invariant).
        unsafe { core::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.len) }
    }
}

impl<T> Drop for KVec<T> {
    fn drop(&mut self) {
        self.clear();
        if self.cap != 0 && size_of::<T>() != 0 {
            // SAFETY: the memory came from `Kmalloc` (type invariant) and is not used again.
            unsafe { Kmalloc::free(self.ptr.cast()) };
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for KVec<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<'a, T> IntoIterator for &'a KVec<T> {
    type Item = &'a T;
    type IntoIter = core::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}
