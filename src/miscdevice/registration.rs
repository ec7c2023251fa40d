//! [`MiscDeviceRegistration`]: a registered misc device, and how to register one.

use super::{fops, MiscDevice};
use crate::bindings;
use crate::device::Device;
use crate::error::{to_result, Error};
use crate::init::{pin_init_from_closure, PinInit};
use crate::str::CStr;
use crate::sync::Arc;
use crate::types::{ForeignOwnable, Opaque};
use core::ffi::{c_int, c_void};
use core::marker::PhantomData;
use core::mem::ManuallyDrop;
use core::pin::Pin;

/// How to register a misc device: its name. Its node is `/dev/<name>`.
///
/// ```ignore,kernel
/// # use kernel::miscdevice::MiscDeviceOptions;
/// let options = MiscDeviceOptions { name: c"rust_misc" };
/// ```
#[derive(Clone, Copy)]
pub struct MiscDeviceOptions {
    /// The name of the device and of its node.
    pub name: &'static CStr,
}

impl MiscDeviceOptions {
    /// The `struct miscdevice` to register for a device of type `T`: a dynamic minor, the name
    /// and `T`'s file operations; the node has the kernel's default mode (`0600`).
    ///
    /// ```ignore,kernel
    /// # use kernel::fs::File;
    /// # use kernel::miscdevice::{MiscDevice, MiscDeviceOptions, MiscDeviceRegistration};
    /// # struct Hello;
    /// # #[vtable]
    /// # impl MiscDevice for Hello {
    /// #     type Ptr = KBox<Self>;
    /// #     fn open(_file: &File, _misc: &MiscDeviceRegistration<Self>) -> Result<KBox<Self>> {
    /// #         Ok(KBox::new(Hello, GFP_KERNEL)?)
    /// #     }
    /// # }
    /// let raw = MiscDeviceOptions { name: c"hello" }.into_raw::<Hello>();
    /// ```
    pub fn into_raw<T: MiscDevice>(self) -> bindings::miscdevice {
        // SAFETY: all zeroes is a valid `miscdevice` (null pointers, no mode, nothing linked).
        let mut raw: bindings::miscdevice = unsafe { core::mem::zeroed() };
        raw.minor = bindings::MISC_DYNAMIC_MINOR as c_int;
        raw.name = self.name.as_ptr();
        raw.fops = fops::file_operations::<T>();
        raw
    }
}

/// State that every open file of a misc device type reaches through its registration, given at
/// [`MiscDeviceRegistration::register_with`] and returned by [`MiscDeviceRegistration::shared`].
/// Not in upstream, whose drivers keep such state in globals.
///
/// ```ignore,kernel,no_run
/// # use kernel::miscdevice::MiscDeviceShared;
/// # use kernel::fs::File;
/// # use kernel::miscdevice::{MiscDevice, MiscDeviceOptions, MiscDeviceRegistration};
/// # struct RustMisc;
/// # #[vtable]
/// # impl MiscDevice for RustMisc {
/// #     type Ptr = KBox<Self>;
/// #     fn open(_file: &File, _misc: &MiscDeviceRegistration<Self>) -> Result<KBox<Self>> {
/// #         Ok(KBox::new(RustMisc, GFP_KERNEL)?)
/// #     }
/// # }
/// # struct Buffer;
/// impl MiscDeviceShared for RustMisc {
///     type Shared = Buffer;
/// }
/// ```
pub trait MiscDeviceShared: MiscDevice {
    /// The shared state, e.g. a buffer and its locks.
    type Shared: Send + Sync + 'static;
}

/// A registered misc device; dropping it deregisters the device.
///
/// Registered in place (the kernel points to it), so it lives pinned: a field of a
/// `#[pin_data]` module or a `Pin<KBox<_>>`. Leaking it (`core::mem::forget` of its box) leaves
/// the device registered after the module is gone, with file operations pointing into freed
/// code: keep it in the module, which is dropped at unload.
///
/// ```ignore,kernel,no_run
/// # use kernel::fs::File;
/// # use kernel::miscdevice::{MiscDevice, MiscDeviceOptions, MiscDeviceRegistration};
/// # struct RustMisc;
/// # #[vtable]
/// # impl MiscDevice for RustMisc {
/// #     type Ptr = KBox<Self>;
/// #     fn open(_file: &File, _misc: &MiscDeviceRegistration<Self>) -> Result<KBox<Self>> {
/// #         Ok(KBox::new(RustMisc, GFP_KERNEL)?)
/// #     }
/// # }
/// #[pin_data]
/// struct Driver {
///     #[pin]
///     _miscdev: MiscDeviceRegistration<RustMisc>,
/// }
///
/// impl kernel::InPlaceModule for Driver {
///     fn init(_module: &'static ThisModule) -> impl PinInit<Self, Error> {
///         let options = MiscDeviceOptions { name: c"counter" };
///         try_pin_init!(Driver { _miscdev <- MiscDeviceRegistration::register(options) })
///     }
/// }
/// ```
///
/// # Invariants
///
/// `inner` is registered with `misc_register()`, with the file operations of `T`, until `drop`.
/// `shared` is null, or an [`Arc<T::Shared>`](MiscDeviceShared::Shared) turned into a foreign
/// pointer that this registration owns, and `drop_shared` drops it.
#[repr(C)]
#[crate::init::pin_data(PinnedDrop)]
pub struct MiscDeviceRegistration<T> {
    // First, so that the `miscdevice` pointer `misc_open()` leaves in the file is the
    // registration's own.
    #[pin]
    inner: Opaque<bindings::miscdevice>,
    shared: *mut c_void,
    drop_shared: Option<unsafe fn(*mut c_void)>,
    _t: PhantomData<T>,
}

// SAFETY: the `miscdevice` is only touched by `misc_register()`/`misc_deregister()`, which may run
// on any thread, and read (`this_device`) while registered; the shared state is `Send + Sync`.
unsafe impl<T> Send for MiscDeviceRegistration<T> {}
// SAFETY: as for `Send`: `&self` methods only read fields that do not change while registered.
unsafe impl<T> Sync for MiscDeviceRegistration<T> {}

/// Drops the `Arc<S>` behind a pointer from `Arc::into_foreign`.
///
/// # Safety
///
/// `ptr` came from `Arc::<S>::into_foreign` and is given back once.
unsafe fn drop_arc<S: Send + Sync + 'static>(ptr: *mut c_void) {
    // SAFETY: guaranteed by the caller.
    drop(unsafe { Arc::<S>::from_foreign(ptr) });
}

impl<T: MiscDevice> MiscDeviceRegistration<T> {
    /// Registers a misc device: upstream's `register`. The node appears in `/dev` (with
    /// devtmpfs) with mode `0600` before the initializer returns, and `open` may be called right
    /// away.
    ///
    /// Fails with `EBUSY` when no minor number is left, or with the error of creating the device
    /// (`EEXIST` for a name already taken).
    ///
    /// ```ignore,kernel,no_run
    /// # use kernel::fs::File;
    /// # use kernel::miscdevice::{MiscDevice, MiscDeviceOptions, MiscDeviceRegistration};
    /// # struct Hello;
    /// # #[vtable]
    /// # impl MiscDevice for Hello {
    /// #     type Ptr = KBox<Self>;
    /// #     fn open(_file: &File, _misc: &MiscDeviceRegistration<Self>) -> Result<KBox<Self>> {
    /// #         Ok(KBox::new(Hello, GFP_KERNEL)?)
    /// #     }
    /// # }
    /// # let options = MiscDeviceOptions { name: c"hello" };
    /// let registration = KBox::try_pin_init(MiscDeviceRegistration::<Hello>::register(options), GFP_KERNEL)?;
    /// ```
    pub fn register(options: MiscDeviceOptions) -> impl PinInit<Self, Error> {
        Self::register_raw(options.into_raw::<T>(), core::ptr::null_mut(), None)
    }

    /// Registers a misc device whose node has permission bits `mode` (e.g. `0o666`) and whose
    /// files reach `shared` through [`MiscDeviceRegistration::shared`]. Not in upstream.
    ///
    /// ```ignore,kernel,no_run
    /// # use kernel::miscdevice::MiscDeviceShared;
    /// # use kernel::fs::File;
    /// # use kernel::miscdevice::{MiscDevice, MiscDeviceOptions, MiscDeviceRegistration};
    /// # struct RustMisc;
    /// # #[vtable]
    /// # impl MiscDevice for RustMisc {
    /// #     type Ptr = KBox<Self>;
    /// #     fn open(_file: &File, _misc: &MiscDeviceRegistration<Self>) -> Result<KBox<Self>> {
    /// #         Ok(KBox::new(RustMisc, GFP_KERNEL)?)
    /// #     }
    /// # }
    /// # struct Buffer;
    /// # impl MiscDeviceShared for RustMisc {
    /// #     type Shared = Buffer;
    /// # }
    /// # #[pin_data]
    /// # struct Driver {
    /// #     #[pin]
    /// #     misc: MiscDeviceRegistration<RustMisc>,
    /// # }
    /// # fn init(buffer: Arc<Buffer>) -> impl PinInit<Driver, Error> {
    /// let options = MiscDeviceOptions { name: c"rust_misc" };
    /// try_pin_init!(Driver { misc <- MiscDeviceRegistration::register_with(options, 0o666, buffer) })
    /// # }
    /// ```
    pub fn register_with(
        options: MiscDeviceOptions,
        mode: u16,
        shared: Arc<T::Shared>,
    ) -> impl PinInit<Self, Error>
    where
        T: MiscDeviceShared,
    {
        let mut raw = options.into_raw::<T>();
        raw.mode = mode;
        Self::register_raw(raw, shared.into_foreign(), Some(drop_arc::<T::Shared>))
    }

    fn register_raw(
        raw: bindings::miscdevice,
        shared: *mut c_void,
        drop_shared: Option<unsafe fn(*mut c_void)>,
    ) -> impl PinInit<Self, Error> {
        let init = move |slot: *mut Self| {
            // SAFETY: `slot` is valid for writes and pinned (the initializer's contract); the
            // fields are written before the device is visible, which needs them in `open`.
            unsafe {
                core::ptr::addr_of_mut!((*slot).shared).write(shared);
                core::ptr::addr_of_mut!((*slot).drop_shared).write(drop_shared);
                core::ptr::addr_of_mut!((*slot)._t).write(PhantomData);
                let misc = Opaque::raw_get(core::ptr::addr_of!((*slot).inner));
                misc.write(raw);
                // The name and file operations are static, and `drop` deregisters the device
                // before the pinned memory goes.
                if let Err(e) = to_result(bindings::misc_register(misc)) {
                    if let Some(drop_shared) = drop_shared {
                        drop_shared(shared);
                    }
                    return Err(e);
                }
            }
            // INVARIANT: registered just above; `shared` is owned.
            Ok(())
        };
        // SAFETY: on success every field is initialised; on failure nothing is left registered
        // and the shared state was dropped, so the slot may be freed.
        unsafe { pin_init_from_closure(init) }
    }

    /// The C `struct miscdevice`.
    ///
    /// ```ignore,kernel,no_run
    /// # use kernel::fs::File;
    /// # use kernel::miscdevice::{MiscDevice, MiscDeviceOptions, MiscDeviceRegistration};
    /// # struct Hello;
    /// # #[vtable]
    /// # impl MiscDevice for Hello {
    /// #     type Ptr = KBox<Self>;
    /// #     fn open(_file: &File, _misc: &MiscDeviceRegistration<Self>) -> Result<KBox<Self>> {
    /// #         Ok(KBox::new(Hello, GFP_KERNEL)?)
    /// #     }
    /// # }
    /// # fn example(registration: &MiscDeviceRegistration<Hello>) {
    /// // SAFETY: the device is registered while `registration` is borrowed, so its
    /// // `struct miscdevice` is valid to read.
    /// let minor = unsafe { (*registration.as_raw()).minor };
    /// # }
    /// ```
    pub fn as_raw(&self) -> *mut bindings::miscdevice {
        self.inner.get()
    }

    /// The device of the node (`this_device`), e.g. for [`dev_info!`](crate::dev_info).
    ///
    /// ```ignore,kernel,no_run
    /// # use kernel::fs::File;
    /// # use kernel::miscdevice::{MiscDevice, MiscDeviceOptions, MiscDeviceRegistration};
    /// # struct Hello;
    /// # #[vtable]
    /// # impl MiscDevice for Hello {
    /// #     type Ptr = KBox<Self>;
    /// #     fn open(_file: &File, _misc: &MiscDeviceRegistration<Self>) -> Result<KBox<Self>> {
    /// #         Ok(KBox::new(Hello, GFP_KERNEL)?)
    /// #     }
    /// # }
    /// # fn example(registration: &MiscDeviceRegistration<Hello>) {
    /// dev_info!(registration.device(), "registered\n");
    /// # }
    /// ```
    pub fn device(&self) -> &Device {
        // SAFETY: `misc_register()` set `this_device` to the node's device, which lives until
        // deregistration (type invariant), so for as long as `self` is borrowed.
        unsafe { Device::from_raw((*self.as_raw()).this_device) }
    }

    /// The minor number the kernel assigned (the major is 10, `MISC_MAJOR`). Not in upstream.
    ///
    /// ```ignore,kernel,no_run
    /// # use kernel::fs::File;
    /// # use kernel::miscdevice::{MiscDevice, MiscDeviceOptions, MiscDeviceRegistration};
    /// # struct Hello;
    /// # #[vtable]
    /// # impl MiscDevice for Hello {
    /// #     type Ptr = KBox<Self>;
    /// #     fn open(_file: &File, _misc: &MiscDeviceRegistration<Self>) -> Result<KBox<Self>> {
    /// #         Ok(KBox::new(Hello, GFP_KERNEL)?)
    /// #     }
    /// # }
    /// # fn example(registration: &MiscDeviceRegistration<Hello>) {
    /// pr_info!("registered (minor {})\n", registration.minor());
    /// # }
    /// ```
    pub fn minor(&self) -> i32 {
        // SAFETY: `misc_register()` set the minor before returning, and only deregistration
        // changes it again (type invariant).
        unsafe { (*self.as_raw()).minor }
    }

    /// The state given to [`MiscDeviceRegistration::register_with`]; `None` for a device
    /// registered with [`MiscDeviceRegistration::register`]. Not in upstream.
    ///
    /// ```ignore,kernel,no_run
    /// # use kernel::fs::File;
    /// # use kernel::miscdevice::{MiscDevice, MiscDeviceRegistration, MiscDeviceShared};
    /// # struct Buffer;
    /// # struct Open {
    /// #     shared: Arc<Buffer>,
    /// # }
    /// # impl MiscDeviceShared for Open {
    /// #     type Shared = Buffer;
    /// # }
    /// # #[vtable]
    /// # impl MiscDevice for Open {
    /// #     type Ptr = KBox<Self>;
    /// fn open(_file: &File, misc: &MiscDeviceRegistration<Self>) -> Result<KBox<Self>> {
    ///     let shared = misc.shared().ok_or(ENODEV)?;
    ///     Ok(KBox::new(Open { shared }, GFP_KERNEL)?)
    /// }
    /// # }
    /// ```
    pub fn shared(&self) -> Option<Arc<T::Shared>>
    where
        T: MiscDeviceShared,
    {
        if self.shared.is_null() {
            return None;
        }
        // SAFETY: a non-null `shared` of a `MiscDeviceRegistration<T>` is an `Arc<T::Shared>`
        // this registration owns (type invariant; only `register_with` sets it, typed by `T`). It
        // is borrowed, not taken: `ManuallyDrop` keeps its count.
        let owned = ManuallyDrop::new(unsafe { Arc::<T::Shared>::from_foreign(self.shared) });
        Some((*owned).clone())
    }
}

#[crate::init::pinned_drop]
impl<T> PinnedDrop for MiscDeviceRegistration<T> {
    fn drop(self: Pin<&mut Self>) {
        // SAFETY: registered (type invariant). `misc_deregister()` takes the lock under which
        // `misc_open()` calls `open`, so once it returns no `open` is running or can start, and
        // the registration may go: open files do not refer to it.
        unsafe { bindings::misc_deregister(self.inner.get()) };
        if let Some(drop_shared) = self.drop_shared {
            // SAFETY: the registration owns `shared` (type invariant) and is being dropped.
            unsafe { drop_shared(self.shared) };
        }
    }
}
