//! [`Refcount`]: the kernel's saturating reference counter, `refcount_t`.

use crate::bindings;
use crate::sync::atomic::Atomic;
use crate::types::Opaque;

/// A reference count: an atomic integer that saturates instead of wrapping around (C's
/// `refcount_t`, see `include/linux/refcount.h`).
///
/// An increment past `i32::MAX`, or from zero (a use after free), and a decrement below zero
/// leave the count saturated (a negative value, which never reaches zero again, so the object
/// leaks rather than being freed twice) and print a `WARNING` once. The operations take and
/// give `&self`: the count is atomic, shared by every holder of a reference.
///
/// ```ignore,kernel
/// use kernel::sync::Refcount;
///
/// let count = Refcount::new(1);
/// count.inc(); // a second reference
/// assert!(!count.dec_and_test()); // one left
/// assert!(count.dec_and_test()); // the last one went: the object may be freed
/// ```
///
/// # Invariants
///
/// The `refcount_t` is initialised.
#[repr(transparent)]
pub struct Refcount(Opaque<bindings::refcount_t>);

// SAFETY: a `refcount_t` is an atomic integer, which any task may use.
unsafe impl Send for Refcount {}
// SAFETY: as for `Send`: every operation on it is atomic.
unsafe impl Sync for Refcount {}

impl Refcount {
    /// A count of `value` (C's `REFCOUNT_INIT()`).
    ///
    /// `value` must not be negative (such a count would start saturated), which the build checks
    /// ([`build_assert!`](macro@crate::build_assert)): pass a constant, as upstream's callers do.
    ///
    /// ```ignore,kernel
    /// # use kernel::sync::atomic::Relaxed;
    /// # use kernel::sync::Refcount;
    /// let count = Refcount::new(3);
    /// assert_eq!(count.as_atomic().load(Relaxed), 3);
    /// ```
    #[inline(always)]
    pub fn new(value: i32) -> Self {
        crate::build_assert!(value >= 0, "Refcount::new: a negative count is saturated");
        let count = bindings::refcount_t { refs: bindings::atomic_t { counter: value } };
        // INVARIANT: initialised, as C's `REFCOUNT_INIT()` initialises one.
        Refcount(Opaque::new(count))
    }

    fn as_ptr(&self) -> *mut bindings::refcount_t {
        self.0.get()
    }

    /// The atomic integer the count is made of, for what `refcount.h` has no function for.
    ///
    /// Bypasses the checks and saturation of the count: prefer the methods of `Refcount`.
    ///
    /// ```ignore,kernel
    /// # use kernel::sync::atomic::Relaxed;
    /// # use kernel::sync::Refcount;
    /// let count = Refcount::new(1);
    /// count.inc();
    /// assert_eq!(count.as_atomic().load(Relaxed), 2);
    /// ```
    #[inline]
    pub fn as_atomic(&self) -> &Atomic<i32> {
        // SAFETY: a `refcount_t` is a struct holding only an `atomic_t`, itself only an `int`
        // that C accesses atomically: it has the size, alignment and bit validity of an
        // `Atomic<i32>` (a transparent `AtomicI32`; every value is a valid count, if maybe a
        // saturated one). The count is initialised (type invariant) and lives as long as `self`.
        unsafe { &*self.as_ptr().cast::<Atomic<i32>>() }
    }

    /// Sets the count to `value` (C's `refcount_set()`), with no ordering against other memory
    /// accesses.
    ///
    /// ```ignore,kernel
    /// # use kernel::sync::atomic::Relaxed;
    /// # use kernel::sync::Refcount;
    /// let count = Refcount::new(0);
    /// count.set(5);
    /// assert_eq!(count.as_atomic().load(Relaxed), 5);
    /// ```
    #[inline]
    pub fn set(&self, value: i32) {
        // SAFETY: the count is initialised (type invariant); `refcount_set` is an atomic store.
        unsafe { bindings::refcount_set(self.as_ptr(), value) }
    }

    /// Adds one (C's `refcount_inc()`), saturating on overflow. The caller must already hold a
    /// reference: an increment from zero is a use after free, which saturates the count and
    /// warns. Gives no memory ordering.
    ///
    /// ```ignore,kernel
    /// # use kernel::sync::atomic::Relaxed;
    /// # use kernel::sync::Refcount;
    /// let count = Refcount::new(1);
    /// count.inc();
    /// count.inc();
    /// assert_eq!(count.as_atomic().load(Relaxed), 3);
    /// ```
    #[inline]
    pub fn inc(&self) {
        // SAFETY: the count is initialised (type invariant); a misuse only saturates it.
        unsafe { bindings::refcount_inc(self.as_ptr()) }
    }

    /// Takes one away (C's `refcount_dec()`): for a reference that is not the last one, as
    /// reaching zero here warns (the object would then leak). A saturated count stays so.
    /// Orders the caller's earlier memory accesses before the decrement (release).
    ///
    /// ```ignore,kernel
    /// # use kernel::sync::atomic::Relaxed;
    /// # use kernel::sync::Refcount;
    /// let count = Refcount::new(2);
    /// count.dec();
    /// assert_eq!(count.as_atomic().load(Relaxed), 1);
    /// ```
    #[inline]
    pub fn dec(&self) {
        // SAFETY: the count is initialised (type invariant); a misuse only saturates it.
        unsafe { bindings::refcount_dec(self.as_ptr()) }
    }

    /// Takes one away and says whether that was the last reference (C's
    /// `refcount_dec_and_test()`): `true` when the count reached zero, so the caller may free
    /// the object. Orders earlier memory accesses before the decrement (release) and, on
    /// `true`, the caller's later ones after it (acquire), so the freeing comes after every
    /// other holder's last use.
    ///
    /// After `true`, the `Refcount` may be freed by the caller; after `false`, another holder
    /// may free it at any time, so the caller must not use it again (a reference that is not
    /// used again is allowed to dangle).
    ///
    /// ```ignore,kernel
    /// # use kernel::sync::Refcount;
    /// let count = Refcount::new(2);
    /// assert!(!count.dec_and_test());
    /// assert!(count.dec_and_test());
    /// ```
    #[inline]
    #[must_use = "use `dec` when the result does not matter"]
    pub fn dec_and_test(&self) -> bool {
        // SAFETY: the count is initialised (type invariant); a misuse only saturates it.
        unsafe { bindings::refcount_dec_and_test(self.as_ptr()) }
    }
}
