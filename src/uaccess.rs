//! User-space memory: [`UserSlice`], read with a [`UserSliceReader`] and written with a
//! [`UserSliceWriter`], over `copy_from_user()` and `copy_to_user()`.
//!
//! A user pointer is just a number: user space chooses it, so it may point anywhere, including
//! into the kernel or at nothing, and another thread may change or unmap the memory at any
//! time. Every access therefore goes through the copy functions, which check the address and
//! recover from faults; a copy that fails, even in part, is reported as `EFAULT`.
//!
//! Each byte is read at most once: a reader only moves forward, and after a failed copy it is
//! empty. Checking a value and then reading it again from user space (a "double fetch") would let
//! user space change it in between; reading it once into kernel memory and checking that copy
//! cannot be raced.
//!
//! Copies may sleep (they may fault pages in): never call them with a spinlock held.
//!
//! Slices are copied as C's `copy_from_user()`/`copy_to_user()` copy a length known only at
//! run time: the hardened-usercopy check (`check_object_size()`) verifies that the kernel side
//! lies within one object, then `_copy_from_user()`/`_copy_to_user()` copy. Values
//! ([`UserSliceReader::read`], [`UserSliceWriter::write`]) go the way C code moves them: those
//! of 1, 2, 4 or 8 bytes with `get_user()`/`put_user()` (a single access), larger ones with
//! `_copy_from_user()`/`_copy_to_user()` without the object-size check, needless as for C code
//! copying `sizeof(x)`: their kernel side is a whole local value by construction.
//!
//! ```ignore,kernel,no_run
//! # use kernel::fs::File;
//! # use kernel::ioctl::{_IOC_SIZE, _IOR, _IOW};
//! # use kernel::uaccess::{UserPtr, UserSlice};
//! # const SET_LEVEL: u32 = _IOW::<u32>(b'l' as u32, 1);
//! # const GET_LEVEL: u32 = _IOR::<u32>(b'l' as u32, 2);
//! # struct Device;
//! # impl Device {
//! #     fn set_level(&self, _level: u32) -> Result {
//! #         Ok(())
//! #     }
//! #     fn level(&self) -> u32 {
//! #         0
//! #     }
//! # }
//! fn ioctl(this: &Device, _file: &File, cmd: u32, arg: usize) -> Result<isize> {
//!     let user = UserSlice::new(UserPtr::from_addr(arg), _IOC_SIZE(cmd));
//!     match cmd {
//!         SET_LEVEL => this.set_level(user.reader().read::<u32>()?)?,
//!         GET_LEVEL => user.writer().write(&this.level())?,
//!         _ => return Err(ENOTTY),
//!     }
//!     Ok(0)
//! }
//! ```

use crate::bindings;
use crate::error::{code::EFAULT, Result};
use core::ffi::{c_int, c_ulong, c_void};

mod at_offset;
mod reader;
mod single;
mod writer;

pub use reader::UserSliceReader;
pub use writer::UserSliceWriter;

/// An address in user space, as system calls pass it (a `void __user *`).
///
/// Any value is allowed: the copy functions reject addresses user space may not access.
///
/// ```
/// use kernel::uaccess::UserPtr;
/// let ptr = UserPtr::from_addr(0x1000);
/// assert_eq!(ptr.addr(), 0x1000);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UserPtr(usize);

impl UserPtr {
    /// A user pointer from an address (an ioctl argument, a register).
    ///
    /// ```
    /// const ARG: kernel::uaccess::UserPtr = kernel::uaccess::UserPtr::from_addr(0x7fff_0000);
    /// ```
    pub const fn from_addr(addr: usize) -> UserPtr {
        UserPtr(addr)
    }

    /// A user pointer from a C `__user` pointer, such as the buffer of `read()`.
    ///
    /// ```
    /// let ptr = kernel::uaccess::UserPtr::from_ptr(0x2000 as *const u8);
    /// assert_eq!(ptr.addr(), 0x2000);
    /// ```
    pub fn from_ptr<T>(ptr: *const T) -> UserPtr {
        UserPtr(ptr as usize)
    }

    /// The address.
    ///
    /// ```
    /// assert_eq!(kernel::uaccess::UserPtr::from_addr(42).addr(), 42);
    /// ```
    pub const fn addr(self) -> usize {
        self.0
    }

    /// The pointer `len` bytes further on. Wrapping is harmless: the copy functions reject
    /// whatever address results.
    fn advance(self, len: usize) -> UserPtr {
        UserPtr(self.0.wrapping_add(len))
    }

    fn as_ptr(self) -> *mut c_void {
        self.0 as *mut c_void
    }
}

/// A range of user memory: where it starts and how long it is. Turn it into a reader, a writer
/// or both to access it.
///
/// ```ignore,kernel,no_run
/// # use kernel::uaccess::{UserPtr, UserSlice};
/// # fn ioctl(arg: usize) -> Result {
/// let (mut input, mut output) = UserSlice::new(UserPtr::from_addr(arg), 8).reader_writer();
/// let request: u64 = input.read()?;
/// output.write(&(request * 2))?;
/// # Ok(())
/// # }
/// ```
pub struct UserSlice(Cursor);

impl UserSlice {
    /// The `len` bytes of user memory from `ptr` on.
    ///
    /// ```
    /// use kernel::uaccess::{UserPtr, UserSlice};
    /// let slice = UserSlice::new(UserPtr::from_addr(0x1000), 16);
    /// assert_eq!(slice.len(), 16);
    /// ```
    pub fn new(ptr: UserPtr, len: usize) -> UserSlice {
        UserSlice(Cursor { ptr, len })
    }

    /// The length in bytes.
    ///
    /// ```
    /// use kernel::uaccess::{UserPtr, UserSlice};
    /// assert_eq!(UserSlice::new(UserPtr::from_addr(0x1000), 8).len(), 8);
    /// ```
    pub fn len(&self) -> usize {
        self.0.len
    }

    /// Whether the slice is empty.
    ///
    /// ```
    /// use kernel::uaccess::{UserPtr, UserSlice};
    /// assert!(UserSlice::new(UserPtr::from_addr(0x1000), 0).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.0.len == 0
    }

    /// A reader of the slice, from its start.
    ///
    /// ```ignore,kernel,no_run
    /// # use kernel::uaccess::{UserPtr, UserSlice};
    /// # fn example(ptr: UserPtr) -> Result {
    /// let value: u32 = UserSlice::new(ptr, 4).reader().read()?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn reader(self) -> UserSliceReader {
        UserSliceReader(self.0)
    }

    /// A writer of the slice, from its start.
    ///
    /// ```ignore,kernel,no_run
    /// # use kernel::uaccess::{UserPtr, UserSlice};
    /// # fn example(ptr: UserPtr) -> Result {
    /// UserSlice::new(ptr, 4).writer().write(&42u32)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn writer(self) -> UserSliceWriter {
        UserSliceWriter(self.0)
    }

    /// A reader and a writer of the same slice, for commands that read their argument and
    /// write a result back in its place.
    ///
    /// ```ignore,kernel,no_run
    /// # use core::sync::atomic::{AtomicU32, Ordering};
    /// # use kernel::uaccess::{UserPtr, UserSlice};
    /// # struct Limit(AtomicU32);
    /// # impl Limit {
    /// #     fn swap(&self, new: u32) -> u32 {
    /// #         self.0.swap(new, Ordering::Relaxed)
    /// #     }
    /// # }
    /// # fn example(this: &Limit, ptr: UserPtr) -> Result {
    /// let (mut input, mut output) = UserSlice::new(ptr, 4).reader_writer();
    /// let old = this.swap(input.read::<u32>()?);
    /// output.write(&old)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn reader_writer(self) -> (UserSliceReader, UserSliceWriter) {
        (UserSliceReader(self.0), UserSliceWriter(self.0))
    }
}

/// What C's inline `copy_from_user()`/`copy_to_user()` check before they call
/// `_copy_from_user()`/`_copy_to_user()`, for a length known only at run time: a length over
/// `INT_MAX` fails (C also warns), and with `CONFIG_HARDENED_USERCOPY` the kernel side must lie
/// within one object, stack frame or allocation (`__check_object_size()` stops the kernel
/// otherwise). Done here rather than in a C helper so that a copy costs the calls a C copy makes
/// and no more.
fn check_copy_size(kernel: *const c_void, len: c_ulong, to_user: bool) -> bool {
    if len > c_int::MAX as c_ulong {
        return false;
    }
    // SAFETY: `__check_object_size` only inspects where `kernel..kernel + len` lies; it may be
    // called with any pointer and length.
    #[cfg(CONFIG_HARDENED_USERCOPY)]
    unsafe {
        bindings::__check_object_size(kernel, len, to_user)
    };
    #[cfg(not(CONFIG_HARDENED_USERCOPY))]
    let _ = (kernel, to_user);
    true
}

/// The part of a [`UserSlice`] a reader or writer has not reached yet, and how much of it came
/// before.
///
/// # Invariants
///
/// `len` only decreases, and is 0 after a failed copy.
#[derive(Clone, Copy)]
struct Cursor {
    ptr: UserPtr,
    len: usize,
}

impl Cursor {
    /// Runs `copy` on the next `len` bytes and moves past them. `copy` gets their user address
    /// and length and returns how many bytes it could not copy, like `copy_*_user()`.
    ///
    /// `EFAULT` if fewer than `len` bytes are left, or if the copy was partial; then the cursor
    /// ends, so that a reader never fetches a byte twice.
    fn copy(&mut self, len: usize, copy: impl FnOnce(*mut c_void, c_ulong) -> c_ulong) -> Result {
        if len > self.len {
            return Err(EFAULT);
        }
        // Copying nothing cannot fail (`copy_*_user()` of 0 bytes returns 0): no call.
        if len == 0 {
            return Ok(());
        }
        if copy(self.ptr.as_ptr(), len as c_ulong) != 0 {
            // INVARIANT: nothing more is copied after a failure.
            self.len = 0;
            return Err(EFAULT);
        }
        self.ptr = self.ptr.advance(len);
        self.len -= len;
        Ok(())
    }
}
