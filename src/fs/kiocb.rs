//! [`Kiocb`]: the I/O request a `read_iter` or `write_iter` operation serves.

use super::File;
use crate::bindings;
use crate::types::ForeignOwnable;
use core::marker::PhantomData;
use core::ptr::NonNull;

/// An I/O request on an open file (the kernel's `struct kiocb`): which file, and at what
/// position. `T` is the type of the file's private data (a misc device's
/// [`Ptr`](crate::miscdevice::MiscDevice::Ptr)).
///
/// ```ignore,kernel,no_run
/// # use kernel::fs::{File, Kiocb};
/// # use kernel::iov::IovIterDest;
/// # use kernel::miscdevice::{MiscDevice, MiscDeviceRegistration};
/// # struct Buffer {
/// #     contents: Mutex<KVec<u8>>,
/// # }
/// # #[vtable]
/// # impl MiscDevice for Buffer {
/// #     type Ptr = Pin<KBox<Self>>;
/// #     fn open(_file: &File, _misc: &MiscDeviceRegistration<Self>) -> Result<Pin<KBox<Self>>> {
/// #         Err(ENODEV)
/// #     }
/// fn read_iter(mut kiocb: Kiocb<'_, Self::Ptr>, iov: &mut IovIterDest<'_>) -> Result<usize> {
///     let me = kiocb.file();
///     let contents = me.contents.lock();
///     iov.simple_read_from_buffer(kiocb.ki_pos_mut(), &contents)
/// }
/// # }
/// ```
///
/// # Invariants
///
/// `inner` points to a valid `struct kiocb`, used only through this value for `'a`, whose file
/// is open for `'a` and has private data of type `T` (stored with
/// [`ForeignOwnable::into_foreign`]) that is not taken back during `'a`.
pub struct Kiocb<'a, T> {
    inner: NonNull<bindings::kiocb>,
    _phantom: PhantomData<&'a T>,
}

impl<'a, T: ForeignOwnable> Kiocb<'a, T> {
    /// Wraps the `struct kiocb` of a `read_iter`/`write_iter` call.
    ///
    /// # Safety
    ///
    /// `kiocb` points to a valid `struct kiocb`, accessed only through the result for `'a`; its
    /// file stays open for `'a` and its private data is a `T` given by `into_foreign` that is not
    /// taken back (`from_foreign`) during `'a`.
    ///
    /// ```ignore,kernel,no_run
    /// # use kernel::{bindings, fs::Kiocb, types::ForeignOwnable};
    /// # unsafe extern "C" fn read_iter<T: ForeignOwnable>(
    /// #     kiocb: *mut bindings::kiocb,
    /// #     _iter: *mut bindings::iov_iter,
    /// # ) -> isize {
    /// // SAFETY: the arguments of `read_iter` on a file whose private data is a `T`.
    /// let kiocb = unsafe { Kiocb::<T>::from_raw(kiocb) };
    /// # 0
    /// # }
    /// ```
    pub unsafe fn from_raw(kiocb: *mut bindings::kiocb) -> Self {
        // INVARIANT: guaranteed by the caller.
        // SAFETY: the caller passes a valid, hence non-null, pointer.
        Kiocb { inner: unsafe { NonNull::new_unchecked(kiocb) }, _phantom: PhantomData }
    }

    /// The C `struct kiocb`.
    ///
    /// ```ignore,kernel,no_run
    /// # use kernel::{bindings, fs::Kiocb, types::ForeignOwnable};
    /// # fn example<T: ForeignOwnable>(kiocb: &Kiocb<'_, T>) {
    /// let raw: *mut bindings::kiocb = kiocb.as_raw();
    /// # }
    /// ```
    pub fn as_raw(&self) -> *mut bindings::kiocb {
        self.inner.as_ptr()
    }

    /// The file's private data: what `open` returned (a `Pin<&State>` for a `Pin<KBox<State>>`).
    ///
    /// ```ignore,kernel,no_run
    /// # use kernel::{fs::Kiocb, types::ForeignOwnable};
    /// # fn example<T: ForeignOwnable>(kiocb: &Kiocb<'_, T>) {
    /// let me = kiocb.file();
    /// # }
    /// ```
    pub fn file(&self) -> T::Borrowed<'a> {
        // SAFETY: the request and its file are valid for `'a` (type invariant).
        let private = unsafe { (*(*self.as_raw()).ki_filp).private_data };
        // SAFETY: the private data is a `T` from `into_foreign` that stays alive for `'a` (type
        // invariant).
        unsafe { T::borrow(private) }
    }

    /// The open file itself, e.g. for its flags ([`File::is_nonblocking`]). Not in upstream's
    /// `Kiocb`, whose `file()` is the private data.
    ///
    /// ```ignore,kernel,no_run
    /// # use kernel::{fs::Kiocb, types::ForeignOwnable};
    /// # fn example<T: ForeignOwnable>(kiocb: &Kiocb<'_, T>) -> Result {
    /// if kiocb.filp().is_nonblocking() {
    ///     return Err(EAGAIN);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn filp(&self) -> &'a File {
        // SAFETY: the file is open for `'a` (type invariant).
        unsafe { File::from_raw_file((*self.as_raw()).ki_filp) }
    }

    /// The position of the request in the file. For a stream (see
    /// [`MiscDevice::STREAM`](crate::miscdevice::MiscDevice::STREAM)) it is 0 and not kept.
    ///
    /// ```ignore,kernel,no_run
    /// # use kernel::{fs::Kiocb, types::ForeignOwnable};
    /// # fn example<T: ForeignOwnable>(kiocb: &Kiocb<'_, T>) {
    /// let offset = kiocb.ki_pos();
    /// # }
    /// ```
    pub fn ki_pos(&self) -> i64 {
        // SAFETY: the request is valid and only accessed through `self` (type invariant).
        unsafe { (*self.as_raw()).ki_pos }
    }

    /// The position, for the operation to move: the file's position becomes what it is when the
    /// operation returns.
    ///
    /// ```ignore,kernel,no_run
    /// # use kernel::{fs::Kiocb, types::ForeignOwnable};
    /// # fn example<T: ForeignOwnable>(kiocb: &mut Kiocb<'_, T>) {
    /// *kiocb.ki_pos_mut() = 0;
    /// # }
    /// ```
    pub fn ki_pos_mut(&mut self) -> &mut i64 {
        // SAFETY: the request is valid and only accessed through `self` (type invariant), and the
        // borrow of `self` keeps the reference unique.
        unsafe { &mut (*self.as_raw()).ki_pos }
    }
}
