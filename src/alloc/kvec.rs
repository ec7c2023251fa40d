//! [`Vec`]: a growable array with explicit flags, over any [`Allocator`]; [`KVec`], [`VVec`] and
//! [`KVVec`] name it with each of the kernel's allocators.

use super::{AllocError, Allocator, Flags, KVmalloc, Kmalloc, Vmalloc};
use core::alloc::Layout;
use core::fmt;
use core::marker::PhantomData;
use core::mem::MaybeUninit;
use core::ops::{Deref, DerefMut};
use core::ptr::NonNull;

mod retain;

/// A `Vec` whose allocations go through the allocator `A` with the [`Flags`] each growing call
/// is given, and fail with an error instead of panicking.
///
/// ```ignore,kernel
/// use kernel::alloc::{allocator::Vmalloc, Vec};
///
/// let mut v: Vec<u32, Vmalloc> = Vec::new();
/// v.push(1, GFP_KERNEL)?;
/// v.extend_from_slice(&[2, 3], GFP_KERNEL)?;
/// assert_eq!(&v[..], &[1, 2, 3]);
/// ```
///
/// # Invariants
///
/// `ptr` points to an allocation from `A` of `Layout::array::<T>(cap)` (dangling when `cap` is 0
/// or `T` is zero-sized, and `cap` stays 0 for a zero-sized `T`), of which the first `len`
/// elements are initialised; `len <= cap`, or any `len` for a zero-sized `T`.
pub struct Vec<T, A: Allocator> {
    ptr: NonNull<T>,
    cap: usize,
    len: usize,
    _owns: PhantomData<T>,
    _alloc: PhantomData<A>,
}

/// A [`Vec`] allocated with `kmalloc` ([`Kmalloc`]): physically contiguous.
///
/// ```ignore,kernel
/// let mut v = KVec::new();
/// v.push(1u32, GFP_KERNEL)?;
/// v.extend_from_slice(&[2, 3], GFP_KERNEL)?;
/// assert_eq!(&v[..], &[1, 2, 3]);
/// ```
pub type KVec<T> = Vec<T, Kmalloc>;

/// A [`Vec`] allocated with `vmalloc` ([`Vmalloc`]): virtually contiguous, for large arrays.
///
/// ```ignore,kernel
/// let v = VVec::from_elem(0u8, 1 << 20, GFP_KERNEL)?;
/// assert_eq!(v.len(), 1 << 20);
/// ```
pub type VVec<T> = Vec<T, Vmalloc>;

/// A [`Vec`] allocated with `kvmalloc` ([`KVmalloc`]): `kmalloc`, falling back to `vmalloc`.
///
/// ```ignore,kernel
/// let mut v = KVVec::new();
/// v.extend_from_slice(&[0u64; 64], GFP_KERNEL)?;
/// assert_eq!(v.len(), 64);
/// ```
pub type KVVec<T> = Vec<T, KVmalloc>;

// SAFETY: a `Vec<T, A>` owns its elements like `[T]` would; `A` is only a type, never a value.
unsafe impl<T: Send, A: Allocator> Send for Vec<T, A> {}
// SAFETY: a `Vec<T, A>` owns its elements like `[T]` would; `A` is only a type, never a value.
unsafe impl<T: Sync, A: Allocator> Sync for Vec<T, A> {}

impl<T, A: Allocator> Vec<T, A> {
    /// An empty vector; allocates nothing.
    ///
    /// ```ignore,kernel
    /// const EMPTY: KVVec<u8> = KVVec::new();
    /// assert!(EMPTY.is_empty());
    /// ```
    pub const fn new() -> Self {
        // INVARIANT: no capacity, no elements.
        Vec { ptr: NonNull::dangling(), cap: 0, len: 0, _owns: PhantomData, _alloc: PhantomData }
    }

    /// An empty vector with room for `capacity` elements.
    ///
    /// ```ignore,kernel
    /// let v = KVec::<u16>::with_capacity(10, GFP_KERNEL)?;
    /// assert!(v.capacity() >= 10 && v.is_empty());
    /// ```
    pub fn with_capacity(capacity: usize, flags: Flags) -> Result<Self, AllocError> {
        let mut v = Self::new();
        v.reserve(capacity, flags)?;
        Ok(v)
    }

    /// The number of elements.
    ///
    /// ```ignore,kernel
    /// let v = KVec::from_elem(7u8, 3, GFP_KERNEL)?;
    /// assert_eq!(v.len(), 3);
    /// ```
    pub const fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no elements.
    ///
    /// ```ignore,kernel
    /// assert!(KVec::<u8>::new().is_empty());
    /// ```
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The number of elements it can hold without allocating.
    ///
    /// ```ignore,kernel
    /// assert_eq!(KVec::<u8>::new().capacity(), 0);
    /// assert_eq!(KVec::<()>::new().capacity(), usize::MAX);
    /// ```
    pub const fn capacity(&self) -> usize {
        if size_of::<T>() == 0 {
            usize::MAX
        } else {
            self.cap
        }
    }

    /// A pointer to the first element (dangling, but aligned, while nothing is allocated).
    ///
    /// ```ignore,kernel
    /// let v = KVec::from_elem(5u32, 2, GFP_KERNEL)?;
    /// // SAFETY: `v` has two initialised elements and is not changed while the pointer is used.
    /// assert_eq!(unsafe { v.as_ptr().add(1).read() }, 5);
    /// ```
    pub const fn as_ptr(&self) -> *const T {
        self.ptr.as_ptr()
    }

    /// A mutable pointer to the first element (dangling, but aligned, while nothing is
    /// allocated).
    ///
    /// ```ignore,kernel
    /// let mut v = KVec::from_elem(0u32, 2, GFP_KERNEL)?;
    /// // SAFETY: `v` has two initialised elements and is not otherwise used meanwhile.
    /// unsafe { v.as_mut_ptr().add(1).write(9) };
    /// assert_eq!(v[1], 9);
    /// ```
    pub fn as_mut_ptr(&mut self) -> *mut T {
        self.ptr.as_ptr()
    }

    /// The elements, as a slice.
    ///
    /// ```ignore,kernel
    /// let v = KVec::from_elem(1u8, 2, GFP_KERNEL)?;
    /// assert_eq!(v.as_slice(), &[1, 1]);
    /// ```
    pub fn as_slice(&self) -> &[T] {
        self
    }

    /// The elements, as a mutable slice.
    ///
    /// ```ignore,kernel
    /// let mut v = KVec::from_elem(1u8, 2, GFP_KERNEL)?;
    /// v.as_mut_slice()[0] = 2;
    /// assert_eq!(&v[..], &[2, 1]);
    /// ```
    pub fn as_mut_slice(&mut self) -> &mut [T] {
        self
    }

    /// The allocated room after the elements, to be initialised and then counted with
    /// [`inc_len`](Self::inc_len).
    ///
    /// ```ignore,kernel
    /// let mut v = KVec::<u8>::with_capacity(4, GFP_KERNEL)?;
    /// for (i, slot) in v.spare_capacity_mut()[..3].iter_mut().enumerate() {
    ///     slot.write(i as u8);
    /// }
    /// // SAFETY: the three elements after the (zero) initialised ones were just written.
    /// unsafe { v.inc_len(3) };
    /// assert_eq!(&v[..], &[0, 1, 2]);
    /// ```
    pub fn spare_capacity_mut(&mut self) -> &mut [MaybeUninit<T>] {
        // SAFETY: `len <= cap` (type invariant; the offset is zero for a zero-sized `T`), so the
        // result is inside the allocation or one past its end.
        let spare = unsafe { self.as_mut_ptr().add(self.len) };
        // SAFETY: the `capacity() - len` elements after the initialised ones are inside the
        // allocation (take no memory for a zero-sized `T`), owned by this vector and borrowed
        // mutably with it; `MaybeUninit<T>` needs no initialisation.
        unsafe { core::slice::from_raw_parts_mut(spare.cast(), self.capacity() - self.len) }
    }

    /// Counts `additional` more elements as initialised, after they were written in place
    /// (through [`spare_capacity_mut`](Self::spare_capacity_mut) or [`as_mut_ptr`](Self::as_mut_ptr)).
    ///
    /// ```ignore,kernel
    /// let mut v = KVec::<u32>::with_capacity(1, GFP_KERNEL)?;
    /// v.spare_capacity_mut()[0].write(42);
    /// // SAFETY: the element after the (zero) initialised ones was just written.
    /// unsafe { v.inc_len(1) };
    /// assert_eq!(v.pop(), Some(42));
    /// ```
    ///
    /// # Safety
    ///
    /// `additional <= capacity() - len()`, and the `additional` elements after the first `len()`
    /// (the start of [`spare_capacity_mut`](Self::spare_capacity_mut)) are initialised.
    pub unsafe fn inc_len(&mut self, additional: usize) {
        debug_assert!(additional <= self.capacity() - self.len);
        // INVARIANT: the caller guarantees the room and the initialisation of the new elements.
        self.len += additional;
    }

    /// The layout of the allocation.
    fn layout(&self) -> Layout {
        // SAFETY: `Layout::array::<T>(cap)` was valid when the allocation was made (type
        // invariant); for `cap == 0` it is the layout of an empty array.
        unsafe { Layout::from_size_align_unchecked(size_of::<T>() * self.cap, align_of::<T>()) }
    }

    /// Makes room for at least `additional` more elements.
    ///
    /// ```ignore,kernel
    /// let mut v = VVec::<u8>::new();
    /// v.reserve(100_000, GFP_KERNEL)?;
    /// assert!(v.capacity() >= 100_000);
    /// ```
    pub fn reserve(&mut self, additional: usize, flags: Flags) -> Result<(), AllocError> {
        let needed = self.len.checked_add(additional).ok_or(AllocError)?;
        if needed <= self.capacity() {
            return Ok(());
        }
        let cap = needed.max(self.cap.saturating_mul(2)).max(4);
        let layout = Layout::array::<T>(cap).map_err(|_| AllocError)?;
        let old = if self.cap == 0 { None } else { Some(self.ptr.cast()) };
        // SAFETY: `old` is `None` or this vector's allocation from `A`, of `self.layout()` (type
        // invariant), which has `T`'s alignment like `layout`; it is replaced below.
        let ptr = unsafe { A::realloc(old, layout, self.layout(), flags)? };
        // INVARIANT: `realloc` kept the `len` initialised elements; the new allocation holds `cap`.
        self.ptr = ptr.cast();
        self.cap = cap;
        Ok(())
    }

    /// Appends an element, growing the allocation with `flags` if needed.
    ///
    /// ```ignore,kernel
    /// let mut v = KVVec::new();
    /// v.push(1u8, GFP_KERNEL)?;
    /// assert_eq!(&v[..], &[1]);
    /// ```
    pub fn push(&mut self, value: T, flags: Flags) -> Result<(), AllocError> {
        self.reserve(1, flags)?;
        // SAFETY: `reserve` made room for element `len`.
        unsafe { self.as_mut_ptr().add(self.len).write(value) };
        // INVARIANT: element `len` was just initialised.
        self.len += 1;
        Ok(())
    }

    /// Removes and returns the last element.
    ///
    /// ```ignore,kernel
    /// let mut v = KVec::from_elem(3u8, 1, GFP_KERNEL)?;
    /// assert_eq!(v.pop(), Some(3));
    /// assert_eq!(v.pop(), None);
    /// ```
    pub fn pop(&mut self) -> Option<T> {
        if self.len == 0 {
            return None;
        }
        // INVARIANT: the last element is moved out and no longer counted.
        self.len -= 1;
        // SAFETY: element `len` was initialised and is read once.
        Some(unsafe { self.as_mut_ptr().add(self.len).read() })
    }

    /// Drops the elements from `len` on.
    ///
    /// ```ignore,kernel
    /// let mut v = KVec::from_elem(0u8, 5, GFP_KERNEL)?;
    /// v.truncate(2);
    /// assert_eq!(v.len(), 2);
    /// ```
    pub fn truncate(&mut self, len: usize) {
        if len >= self.len {
            return;
        }
        let tail = core::ptr::slice_from_raw_parts_mut(
            // SAFETY: `len < self.len`, inside the allocation.
            unsafe { self.as_mut_ptr().add(len) },
            self.len - len,
        );
        // INVARIANT: the tail is dropped below and no longer counted.
        self.len = len;
        // SAFETY: the tail elements are initialised and dropped once.
        unsafe { core::ptr::drop_in_place(tail) };
    }

    /// Drops every element, keeping the allocation.
    ///
    /// ```ignore,kernel
    /// let mut v = KVec::from_elem(0u8, 5, GFP_KERNEL)?;
    /// v.clear();
    /// assert!(v.is_empty() && v.capacity() >= 5);
    /// ```
    pub fn clear(&mut self) {
        self.truncate(0);
    }
}

impl<T: Clone, A: Allocator> Vec<T, A> {
    /// Appends clones of every element of `other`.
    ///
    /// ```ignore,kernel
    /// let mut v = VVec::new();
    /// v.extend_from_slice(b"abc", GFP_KERNEL)?;
    /// assert_eq!(&v[..], b"abc");
    /// ```
    pub fn extend_from_slice(&mut self, other: &[T], flags: Flags) -> Result<(), AllocError> {
        self.reserve(other.len(), flags)?;
        for item in other {
            // SAFETY: `reserve` made room for `other.len()` more elements.
            unsafe { self.as_mut_ptr().add(self.len).write(item.clone()) };
            // INVARIANT: one more element initialised.
            self.len += 1;
        }
        Ok(())
    }

    /// A vector of `n` clones of `value`.
    ///
    /// ```ignore,kernel
    /// let v = KVVec::from_elem(1u16, 3, GFP_KERNEL)?;
    /// assert_eq!(&v[..], &[1, 1, 1]);
    /// ```
    pub fn from_elem(value: T, n: usize, flags: Flags) -> Result<Self, AllocError> {
        let mut v = Self::with_capacity(n, flags)?;
        for _ in 0..n {
            v.push(value.clone(), flags)?;
        }
        Ok(v)
    }
}

impl<T, A: Allocator> Default for Vec<T, A> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T, A: Allocator> Deref for Vec<T, A> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        // SAFETY: the first `len` elements are initialised (type invariant).
        unsafe { core::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }
}

impl<T, A: Allocator> DerefMut for Vec<T, A> {
    fn deref_mut(&mut self) -> &mut [T] {
        // SAFETY: the first `len` elements are initialised and owned (type invariant).
        unsafe { core::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.len) }
    }
}

impl<T, A: Allocator> Drop for Vec<T, A> {
    fn drop(&mut self) {
        self.clear();
        if self.cap != 0 && size_of::<T>() != 0 {
            // SAFETY: the memory came from `A` with `self.layout()` (type invariant) and is not
            // used again.
            unsafe { A::free(self.ptr.cast(), self.layout()) };
        }
    }
}

impl<T: fmt::Debug, A: Allocator> fmt::Debug for Vec<T, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<'a, T, A: Allocator> IntoIterator for &'a Vec<T, A> {
    type Item = &'a T;
    type IntoIter = core::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a, T, A: Allocator> IntoIterator for &'a mut Vec<T, A> {
    type Item = &'a mut T;
    type IntoIter = core::slice::IterMut<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}
