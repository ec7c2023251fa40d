//! Misc devices: character devices with a node in `/dev`, registered with `misc_register()`.
//!
//! A driver implements [`MiscDevice`] for a type of its own and registers it with
//! [`MiscDeviceRegistration::register`], handing over the state its files share. Each `open()`
//! of the node calls [`MiscDevice::open`], which returns the state of that open file (the
//! [`MiscDevice::Ptr`]); the other operations borrow it, and `release` takes it back when the
//! file is closed. The file operations table is built at compile time by `#[vtable]`: only the
//! operations the driver implements are set, so the kernel applies its own defaults to the
//! others (`ENOTTY` for an `ioctl`, readable and writable for `poll`, `EINVAL` for `read`).
//!
//! ```ignore
//! use kernel::fs::File;
//! use kernel::miscdevice::{MiscDevice, MiscDeviceOptions, MiscDeviceRegistration};
//! use kernel::uaccess::UserSliceWriter;
//!
//! struct Hello;
//!
//! #[vtable]
//! impl MiscDevice for Hello {
//!     type Shared = ();
//!     type Ptr = KBox<()>;
//!
//!     fn open(_shared: &Arc<()>, _file: &File) -> Result<KBox<()>> {
//!         Ok(KBox::new((), GFP_KERNEL)?)
//!     }
//!
//!     fn read(_this: &(), _file: &File, buf: &mut UserSliceWriter, _pos: &mut i64) -> Result {
//!         let n = buf.len().min(6);
//!         buf.write_slice(&b"hello\n"[..n])
//!     }
//! }
//!
//! let options = MiscDeviceOptions::new(c"hello").mode(0o444);
//! let registration = MiscDeviceRegistration::<Hello>::register(options, Arc::new((), GFP_KERNEL)?)?;
//! ```
//!
//! # Lifetimes
//!
//! - The file operations table is a constant with `owner` set to the module, so every open file
//!   holds a reference to the module: it cannot be unloaded (`rmmod` fails) while a file is
//!   open, and an `open()` racing with unloading fails with `ENODEV` before reaching the module.
//! - `misc_open()` calls [`MiscDevice::open`] with the kernel's misc device lock held, and
//!   deregistration takes that lock, so the registration and its shared state are alive for the
//!   whole call; once deregistration returns, no new `open` reaches the device.
//! - Files opened before deregistration keep working: they use only their own state (which may
//!   hold a clone of the shared [`Arc`]) and the static table, never the registration.
//! - The per-open state lives until `release`, which the kernel calls once, after every other
//!   operation on the file has returned.
//!
//! # `#[vtable]`
//!
//! The attribute records which methods an impl defines, as `HAS_*` constants:
//!
//! ```
//! #[kernel::vtable]
//! trait Operations {
//!     fn start();
//!     fn stop() {}
//! }
//!
//! struct Engine;
//!
//! #[kernel::vtable]
//! impl Operations for Engine {
//!     fn start() {}
//! }
//!
//! assert!(Engine::HAS_START);
//! assert!(!Engine::HAS_STOP);
//! ```

mod fops;

use crate::alloc::{flags::GFP_KERNEL, KBox};
use crate::bindings;
use crate::error::{code::*, to_result, Result};
use crate::fs::{File, SeekFrom};
use crate::poll::{PollMask, PollTable};
use crate::str::CStr;
use crate::sync::Arc;
use crate::types::{ForeignOwnable, Opaque};
use crate::uaccess::{UserSliceReader, UserSliceWriter};
use core::ffi::c_int;
use core::pin::Pin;
use macros::vtable;

/// What a file operation gets of the per-open state of device type `T`: a
/// [`ForeignOwnable::Borrowed`] of [`MiscDevice::Ptr`] (`&State` for a `KBox<State>`).
///
/// ```ignore
/// fn buffered(this: Borrowed<'_, RustMisc>) -> usize {
///     this.shared.ring.lock().len()
/// }
/// ```
pub type Borrowed<'a, T> = <<T as MiscDevice>::Ptr as ForeignOwnable>::Borrowed<'a>;

/// The file operations of a misc device.
///
/// Only `open` is required. Each method is an operation on an open file; the kernel calls them
/// concurrently (from several tasks, on one file or several), so the state they share needs
/// locks or atomics. All of them run in process context and may sleep.
///
/// Implement it with `#[vtable]` on the impl; the [module documentation](self) has a complete
/// device.
///
/// ```ignore
/// #[vtable]
/// impl MiscDevice for Null {
///     type Shared = ();
///     type Ptr = KBox<()>;
///
///     fn open(_shared: &Arc<()>, _file: &File) -> Result<KBox<()>> {
///         Ok(KBox::new((), GFP_KERNEL)?)
///     }
///
///     fn write(_this: &(), _file: &File, buf: &mut UserSliceReader, _pos: &mut i64) -> Result {
///         buf.skip(buf.len())
///     }
/// }
/// ```
#[vtable]
pub trait MiscDevice: Sized {
    /// The state every open file of the device may reach, owned by the registration and given to
    /// `open` (e.g. a buffer and its locks). `()` if there is none.
    type Shared: Send + Sync;

    /// The state of one open file, created by `open` and dropped by `release`, e.g.
    /// `KBox<State>`. It usually holds a clone of the shared `Arc`.
    type Ptr: ForeignOwnable + Send + Sync;

    /// Opens a file: `open()` of the device node. Returns the file's state; an error makes
    /// `open()` fail with it.
    ///
    /// Unless the device implements `llseek`, the file is a stream: `lseek()`, `pread()` and
    /// `pwrite()` fail with `ESPIPE`.
    ///
    /// It runs with the kernel's misc device lock held (which is what keeps the registration
    /// alive meanwhile), so it must not register or deregister a misc device itself.
    ///
    /// ```ignore
    /// fn open(shared: &Arc<Shared>, _file: &File) -> Result<KBox<Open>> {
    ///     Ok(KBox::new(Open { shared: shared.clone() }, GFP_KERNEL)?)
    /// }
    /// ```
    fn open(shared: &Arc<Self::Shared>, file: &File) -> Result<Self::Ptr>;

    /// Closes a file: called once, after the last reference to it is gone. The default drops the
    /// state.
    ///
    /// ```ignore
    /// fn release(this: KBox<Open>, _file: &File) {
    ///     this.shared.openers.fetch_sub(1, Ordering::Relaxed);
    /// }
    /// ```
    fn release(device: Self::Ptr, _file: &File) {
        drop(device);
    }

    /// `read()`: fills `buf` (user memory) from position `pos`. `read()` returns how many bytes
    /// were written to `buf`; `0` means end of file. For a stream, `pos` is a scratch value.
    ///
    /// ```ignore
    /// fn read(this: &Open, _file: &File, buf: &mut UserSliceWriter, _pos: &mut i64) -> Result {
    ///     buf.write_slice(&this.message[..buf.len().min(this.message.len())])
    /// }
    /// ```
    fn read(_device: Borrowed<'_, Self>, _file: &File, _buf: &mut UserSliceWriter, _pos: &mut i64) -> Result {
        Err(EINVAL)
    }

    /// `write()`: consumes data from `buf` (user memory) at position `pos`. `write()` returns how
    /// many bytes were read from `buf`.
    ///
    /// ```ignore
    /// fn write(this: &Open, _file: &File, buf: &mut UserSliceReader, _pos: &mut i64) -> Result {
    ///     buf.skip(buf.len()) // like /dev/null
    /// }
    /// ```
    fn write(
        _device: Borrowed<'_, Self>,
        _file: &File,
        _buf: &mut UserSliceReader,
        _pos: &mut i64,
    ) -> Result {
        Err(EINVAL)
    }

    /// `lseek()`: returns the new file position, which must not be negative. [`File::pos`] is the
    /// current one; [`SeekFrom::resolve`] does the arithmetic for a device of fixed size.
    ///
    /// ```ignore
    /// fn llseek(_this: &Open, file: &File, from: SeekFrom) -> Result<i64> {
    ///     from.resolve(file.pos(), SIZE)
    /// }
    /// ```
    fn llseek(_device: Borrowed<'_, Self>, _file: &File, _from: SeekFrom) -> Result<i64> {
        Err(ESPIPE)
    }

    /// `ioctl()`: runs command `cmd` with argument `arg` (often a user pointer, see
    /// [`crate::uaccess`]). Returns a non-negative value for `ioctl()` to return; unknown
    /// commands must fail with `ENOTTY`. See [`crate::ioctl`] for command numbers.
    ///
    /// ```ignore
    /// fn ioctl(this: &Open, _file: &File, cmd: u32, arg: usize) -> Result<isize> {
    ///     match cmd {
    ///         RESET => this.reset(),
    ///         _ => return Err(ENOTTY),
    ///     }
    ///     Ok(0)
    /// }
    /// ```
    fn ioctl(_device: Borrowed<'_, Self>, _file: &File, _cmd: u32, _arg: usize) -> Result<isize> {
        Err(ENOTTY)
    }

    /// `ioctl()` from a 32-bit process on a 64-bit kernel. Without it, such calls go to
    /// [`MiscDevice::ioctl`] with the argument converted as a pointer (`compat_ptr_ioctl()`),
    /// which suits commands whose argument layout is the same for both.
    ///
    /// ```ignore
    /// fn compat_ioctl(this: &Open, file: &File, cmd: u32, arg: usize) -> Result<isize> {
    ///     Self::ioctl(this, file, cmd, arg)
    /// }
    /// ```
    fn compat_ioctl(_device: Borrowed<'_, Self>, _file: &File, _cmd: u32, _arg: usize) -> Result<isize> {
        Err(ENOTTY)
    }

    /// `poll()`, `select()` and `epoll`: registers the wait queues whose wake-ups may change the
    /// readiness of the file with `table`, then returns the readiness.
    ///
    /// ```ignore
    /// fn poll<'a>(this: &'a Open, _file: &'a File, table: &mut PollTable<'a>) -> PollMask {
    ///     table.register_wait(&this.shared.changed);
    ///     if this.shared.ready() { PollMask::IN | PollMask::RDNORM } else { PollMask::empty() }
    /// }
    /// ```
    fn poll<'a>(_device: Borrowed<'a, Self>, _file: &'a File, _table: &mut PollTable<'a>) -> PollMask {
        PollMask::empty()
    }
}

/// How to register a misc device: its name and the mode of its node.
///
/// ```ignore
/// let options = MiscDeviceOptions::new(c"rust_misc").mode(0o666);
/// ```
#[derive(Clone, Copy)]
pub struct MiscDeviceOptions {
    name: &'static CStr,
    mode: u16,
}

impl MiscDeviceOptions {
    /// A device named `name`: its node is `/dev/<name>`, with the kernel's default mode (`0600`).
    ///
    /// ```ignore
    /// const OPTIONS: MiscDeviceOptions = MiscDeviceOptions::new(c"rust_misc");
    /// ```
    pub const fn new(name: &'static CStr) -> MiscDeviceOptions {
        MiscDeviceOptions { name, mode: 0 }
    }

    /// The permission bits of the device node, e.g. `0o666` to let everyone read and write.
    ///
    /// ```ignore
    /// let options = MiscDeviceOptions::new(c"rust_misc").mode(0o666);
    /// ```
    pub const fn mode(self, mode: u16) -> MiscDeviceOptions {
        MiscDeviceOptions { mode, ..self }
    }
}

/// A registered misc device; dropping it deregisters the device.
///
/// The registration may be moved (kept in the module's type, say): what the kernel points to
/// is in a pinned allocation of its own. Leaking it (`core::mem::forget`) leaves the device
/// registered after the module is gone, with file operations pointing into freed code: keep it
/// in the module's type, which is dropped at unload.
///
/// ```ignore
/// struct Driver {
///     _registration: MiscDeviceRegistration<RustMisc>,
/// }
///
/// impl kernel::Module for Driver {
///     fn init(_module: &'static ThisModule) -> Result<Self> {
///         let shared = Arc::new(Counter::default(), GFP_KERNEL)?;
///         let options = MiscDeviceOptions::new(c"counter");
///         Ok(Driver { _registration: MiscDeviceRegistration::register(options, shared)? })
///     }
/// }
/// ```
///
/// # Invariants
///
/// `inner.misc` is registered with `misc_register()`, with the file operations of `T`.
pub struct MiscDeviceRegistration<T: MiscDevice> {
    inner: Pin<KBox<Registered<T>>>,
}

/// What the kernel sees of a registration.
///
/// `repr(C)` with `misc` first: `open` finds the registration from the `miscdevice` pointer
/// `misc_open()` leaves in the file.
#[repr(C)]
struct Registered<T: MiscDevice> {
    misc: Opaque<bindings::miscdevice>,
    shared: Arc<T::Shared>,
}

// SAFETY: the `miscdevice` is only touched by `misc_register()`/`misc_deregister()`, which
// serialise on the kernel's lock, and by reads of its minor, which does not change while it is
// registered; the shared state is `Send + Sync`.
unsafe impl<T: MiscDevice> Send for MiscDeviceRegistration<T> {}
// SAFETY: as for `Send`: `&self` only reads the minor and hands out `&Arc<T::Shared>`.
unsafe impl<T: MiscDevice> Sync for MiscDeviceRegistration<T> {}

impl<T: MiscDevice> MiscDeviceRegistration<T> {
    /// Registers a misc device whose files share `shared`. The node appears in `/dev` (with
    /// devtmpfs) before this returns, and `open` may be called right away.
    ///
    /// Fails with `EBUSY` when no minor number is left, or with the error of creating the
    /// device (`EEXIST` for a name already taken).
    ///
    /// ```ignore
    /// let registration = MiscDeviceRegistration::<RustMisc>::register(options, shared)?;
    /// ```
    pub fn register(options: MiscDeviceOptions, shared: Arc<T::Shared>) -> Result<Self> {
        let inner = KBox::pin(Registered { misc: Opaque::zeroed(), shared }, GFP_KERNEL)?;
        let misc = inner.misc.get();
        // SAFETY: `misc` is valid and not registered yet, so nothing else accesses it.
        unsafe {
            (*misc).minor = bindings::MISC_DYNAMIC_MINOR as c_int;
            (*misc).name = options.name.as_ptr();
            (*misc).fops = fops::file_operations::<T>();
            (*misc).mode = options.mode;
        }
        // SAFETY: `misc` is initialised and pinned until `drop` deregisters it; its name and file
        // operations are static; the shared state `open` needs is in place before the device is
        // visible.
        to_result(unsafe { bindings::misc_register(misc) })?;
        // INVARIANT: registered just above.
        Ok(MiscDeviceRegistration { inner })
    }

    /// The state shared by the device's files.
    ///
    /// ```ignore
    /// registration.shared().readable.notify_all();
    /// ```
    pub fn shared(&self) -> &Arc<T::Shared> {
        &self.inner.shared
    }

    /// The minor number the kernel assigned (the major is 10, `MISC_MAJOR`).
    ///
    /// ```ignore
    /// pr_info!("registered (minor {})\n", registration.minor());
    /// ```
    pub fn minor(&self) -> i32 {
        // SAFETY: `misc_register()` set the minor before returning, and only deregistration
        // changes it again (type invariant).
        unsafe { (*self.inner.misc.get()).minor }
    }
}

impl<T: MiscDevice> Drop for MiscDeviceRegistration<T> {
    fn drop(&mut self) {
        // SAFETY: registered (type invariant). `misc_deregister()` takes the lock under which
        // `misc_open()` calls `open`, so once it returns no `open` is running or can start, and
        // `inner` may be freed: open files do not refer to it.
        unsafe { bindings::misc_deregister(self.inner.misc.get()) };
    }
}
