//! Misc devices: character devices with a node in `/dev`, registered with `misc_register()`.
//!
//! Upstream's API: a driver implements [`MiscDevice`] for the type of its per-open state and
//! registers it in place with [`MiscDeviceRegistration::register`]. Each `open()` of the node
//! calls [`MiscDevice::open`] with the registration; what it returns (the [`MiscDevice::Ptr`]) is
//! the file's private data, which the other operations borrow and `release` takes back. The file
//! operations table is built at compile time by `#[vtable]`: only the operations the driver
//! implements are set, so the kernel applies its own defaults to the others (`ENOTTY` for an
//! `ioctl`, readable and writable for `poll`, `EINVAL` for `read`).
//!
//! Beyond upstream (and named in its style): [`MiscDevice::llseek`], [`MiscDevice::poll`],
//! [`MiscDevice::STREAM`], and [`MiscDeviceRegistration::register_with`], which sets the node's
//! mode and gives the registration state shared by all its files ([`MiscDeviceShared`]).
//!
//! ```ignore,kernel,no_run
//! use kernel::fs::{File, Kiocb};
//! use kernel::iov::IovIterDest;
//! use kernel::miscdevice::{MiscDevice, MiscDeviceOptions, MiscDeviceRegistration};
//!
//! struct Hello;
//!
//! #[vtable]
//! impl MiscDevice for Hello {
//!     type Ptr = KBox<Self>;
//!
//!     fn open(_file: &File, _misc: &MiscDeviceRegistration<Self>) -> Result<KBox<Self>> {
//!         Ok(KBox::new(Hello, GFP_KERNEL)?)
//!     }
//!
//!     fn read_iter(mut kiocb: Kiocb<'_, KBox<Self>>, iov: &mut IovIterDest<'_>) -> Result<usize> {
//!         iov.simple_read_from_buffer(kiocb.ki_pos_mut(), b"hello\n")
//!     }
//! }
//!
//! let options = MiscDeviceOptions { name: c"hello" };
//! let registration = KBox::try_pin_init(MiscDeviceRegistration::<Hello>::register(options), GFP_KERNEL)?;
//! ```
//!
//! # Lifetimes
//!
//! - The file operations table is a constant with `owner` set to the module, so every open file
//!   holds a reference to the module: it cannot be unloaded (`rmmod` fails) while a file is
//!   open, and an `open()` racing with unloading fails with `ENODEV` before reaching the module.
//!   (Upstream's table leaves `owner` unset.)
//! - `misc_open()` calls [`MiscDevice::open`] with the kernel's misc device lock held, and
//!   deregistration takes that lock, so the registration is alive for the whole call; once
//!   deregistration returns, no new `open` reaches the device.
//! - Files opened before deregistration keep working: they use only their private data (which
//!   may hold a clone of the registration's shared [`Arc`]) and the static table.
//! - The private data lives until `release`, which the kernel calls once, after every other
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
mod registration;

pub use registration::{MiscDeviceOptions, MiscDeviceRegistration, MiscDeviceShared};

use crate::error::{code::*, Result};
use crate::fs::{File, Kiocb, SeekFrom};
use crate::iov::{IovIterDest, IovIterSource};
use crate::mm::virt::VmaNew;
use crate::poll::{PollMask, PollTable};
use crate::seq_file::SeqFile;
use crate::types::ForeignOwnable;
use macros::vtable;

#[cfg(doc)]
use crate::sync::Arc;

/// What a file operation gets of the private data of device type `T`: a
/// [`ForeignOwnable::Borrowed`] of [`MiscDevice::Ptr`] (`Pin<&T>` for a `Pin<KBox<T>>`). Not in
/// upstream, which spells the type out.
///
/// ```ignore,kernel,no_run
/// # use kernel::fs::File;
/// # use kernel::miscdevice::{Borrowed, MiscDevice, MiscDeviceRegistration};
/// # struct Ring {
/// #     ring: Mutex<KVec<u8>>,
/// # }
/// # struct RustMisc {
/// #     shared: Arc<Ring>,
/// # }
/// # #[vtable]
/// # impl MiscDevice for RustMisc {
/// #     type Ptr = Pin<KBox<Self>>;
/// #     fn open(_file: &File, _misc: &MiscDeviceRegistration<Self>) -> Result<Pin<KBox<Self>>> {
/// #         Err(ENODEV)
/// #     }
/// # }
/// fn buffered(this: Borrowed<'_, RustMisc>) -> usize {
///     this.shared.ring.lock().len()
/// }
/// ```
pub type Borrowed<'a, T> = <<T as MiscDevice>::Ptr as ForeignOwnable>::Borrowed<'a>;

/// The file operations of a misc device, implemented for the type of an open file's state.
///
/// Only `open` is required. Each method is an operation on an open file; the kernel calls them
/// concurrently (from several tasks, on one file or several), so the state they share needs
/// locks or atomics. All of them run in process context and may sleep.
///
/// Implement it with `#[vtable]` on the impl; the [module documentation](self) has a complete
/// device.
///
/// ```ignore,kernel,no_run
/// # use kernel::fs::{File, Kiocb};
/// # use kernel::iov::IovIterSource;
/// # use kernel::miscdevice::{MiscDevice, MiscDeviceRegistration};
/// # struct Null;
/// #[vtable]
/// impl MiscDevice for Null {
///     type Ptr = KBox<Self>;
///
///     fn open(_file: &File, _misc: &MiscDeviceRegistration<Self>) -> Result<KBox<Self>> {
///         Ok(KBox::new(Null, GFP_KERNEL)?)
///     }
///
///     fn write_iter(_kiocb: Kiocb<'_, KBox<Self>>, iov: &mut IovIterSource<'_>) -> Result<usize> {
///         let len = iov.len();
///         iov.advance(len);
///         Ok(len)
///     }
/// }
/// ```
#[vtable]
pub trait MiscDevice: Sized {
    /// The private data of one open file, created by `open` and dropped by `release`, e.g.
    /// `Pin<KBox<Self>>`.
    type Ptr: ForeignOwnable + Send + Sync;

    /// Whether files of the device are streams (`stream_open()`): reads and writes have no
    /// position ([`Kiocb::ki_pos`] is 0 each time), and `lseek()`, `pread()` and `pwrite()` fail
    /// with `ESPIPE`. Not in upstream. By default a file has a position that reads and writes
    /// move, as upstream's; `lseek()` then needs [`MiscDevice::llseek`] (else `ESPIPE`).
    ///
    /// ```ignore,kernel,no_run
    /// # use kernel::fs::File;
    /// # use kernel::miscdevice::{MiscDevice, MiscDeviceRegistration};
    /// # struct Log;
    /// # #[vtable]
    /// # impl MiscDevice for Log {
    /// #     type Ptr = KBox<Self>;
    /// const STREAM: bool = true;
    /// #     fn open(_file: &File, _misc: &MiscDeviceRegistration<Self>) -> Result<KBox<Self>> {
    /// #         Ok(KBox::new(Log, GFP_KERNEL)?)
    /// #     }
    /// # }
    /// ```
    const STREAM: bool = false;

    /// Opens a file: `open()` of the device node, with `misc` the registration of the node.
    /// Returns the file's private data; an error makes `open()` fail with it.
    ///
    /// It runs with the kernel's misc device lock held (which is what keeps the registration
    /// alive meanwhile), so it must not register or deregister a misc device itself.
    ///
    /// ```ignore,kernel,no_run
    /// # use kernel::device::Device;
    /// # use kernel::fs::File;
    /// # use kernel::miscdevice::{MiscDevice, MiscDeviceRegistration};
    /// # use kernel::sync::aref::ARef;
    /// # struct Open {
    /// #     dev: ARef<Device>,
    /// # }
    /// # #[vtable]
    /// # impl MiscDevice for Open {
    /// #     type Ptr = KBox<Self>;
    /// fn open(_file: &File, misc: &MiscDeviceRegistration<Self>) -> Result<KBox<Self>> {
    ///     Ok(KBox::new(Open { dev: ARef::from(misc.device()) }, GFP_KERNEL)?)
    /// }
    /// # }
    /// ```
    fn open(file: &File, misc: &MiscDeviceRegistration<Self>) -> Result<Self::Ptr>;

    /// Closes a file: called once, after the last reference to it is gone. The default drops the
    /// private data.
    ///
    /// ```ignore,kernel,no_run
    /// # use core::sync::atomic::{AtomicUsize, Ordering};
    /// # use kernel::fs::File;
    /// # use kernel::miscdevice::{MiscDevice, MiscDeviceRegistration};
    /// # struct Counts {
    /// #     openers: AtomicUsize,
    /// # }
    /// # struct Open {
    /// #     shared: Arc<Counts>,
    /// # }
    /// # #[vtable]
    /// # impl MiscDevice for Open {
    /// #     type Ptr = KBox<Self>;
    /// #     fn open(_file: &File, _misc: &MiscDeviceRegistration<Self>) -> Result<KBox<Self>> {
    /// #         Err(ENODEV)
    /// #     }
    /// fn release(this: KBox<Self>, _file: &File) {
    ///     this.shared.openers.fetch_sub(1, Ordering::Relaxed);
    /// }
    /// # }
    /// ```
    fn release(device: Self::Ptr, _file: &File) {
        drop(device);
    }

    /// `read()`, `readv()`, `splice()` from the file: copies data to `iov` and returns how many
    /// bytes it copied; `0` means end of file. The count `read()` returns is never more than
    /// what really reached `iov`, whatever the method returns.
    ///
    /// ```ignore,kernel,no_run
    /// # use kernel::fs::{File, Kiocb};
    /// # use kernel::iov::IovIterDest;
    /// # use kernel::miscdevice::{MiscDevice, MiscDeviceRegistration};
    /// # struct Snapshot {
    /// #     contents: KVec<u8>,
    /// # }
    /// # #[vtable]
    /// # impl MiscDevice for Snapshot {
    /// #     type Ptr = KBox<Self>;
    /// #     fn open(_file: &File, _misc: &MiscDeviceRegistration<Self>) -> Result<KBox<Self>> {
    /// #         Ok(KBox::new(Snapshot { contents: KVec::new() }, GFP_KERNEL)?)
    /// #     }
    /// fn read_iter(mut kiocb: Kiocb<'_, Self::Ptr>, iov: &mut IovIterDest<'_>) -> Result<usize> {
    ///     let me = kiocb.file();
    ///     iov.simple_read_from_buffer(kiocb.ki_pos_mut(), &me.contents)
    /// }
    /// # }
    /// ```
    fn read_iter(_kiocb: Kiocb<'_, Self::Ptr>, _iov: &mut IovIterDest<'_>) -> Result<usize> {
        Err(EINVAL)
    }

    /// `write()`, `writev()`, `splice()` to the file: consumes data from `iov` and returns how
    /// many bytes it took (capped, like [`MiscDevice::read_iter`]'s, at what left `iov`).
    ///
    /// ```ignore,kernel,no_run
    /// # use kernel::fs::{File, Kiocb};
    /// # use kernel::iov::IovIterSource;
    /// # use kernel::miscdevice::{MiscDevice, MiscDeviceRegistration};
    /// # struct Buffer {
    /// #     contents: Mutex<KVec<u8>>,
    /// # }
    /// # #[vtable]
    /// # impl MiscDevice for Buffer {
    /// #     type Ptr = Arc<Self>;
    /// #     fn open(_file: &File, _misc: &MiscDeviceRegistration<Self>) -> Result<Arc<Self>> {
    /// #         Err(ENODEV)
    /// #     }
    /// fn write_iter(kiocb: Kiocb<'_, Self::Ptr>, iov: &mut IovIterSource<'_>) -> Result<usize> {
    ///     let mut contents = kiocb.file().contents.lock();
    ///     contents.clear();
    ///     iov.copy_from_iter_vec(&mut contents, GFP_KERNEL)
    /// }
    /// # }
    /// ```
    fn write_iter(_kiocb: Kiocb<'_, Self::Ptr>, _iov: &mut IovIterSource<'_>) -> Result<usize> {
        Err(EINVAL)
    }

    /// `lseek()`: returns the new file position, which must not be negative. [`File::pos`] is the
    /// current one; [`SeekFrom::resolve`] does the arithmetic for a device of fixed size. Not in
    /// upstream.
    ///
    /// ```ignore,kernel,no_run
    /// # use kernel::fs::{File, SeekFrom};
    /// # use kernel::miscdevice::{MiscDevice, MiscDeviceRegistration};
    /// # const SIZE: i64 = 4096;
    /// # struct Page;
    /// # #[vtable]
    /// # impl MiscDevice for Page {
    /// #     type Ptr = Pin<KBox<Self>>;
    /// #     fn open(_file: &File, _misc: &MiscDeviceRegistration<Self>) -> Result<Pin<KBox<Self>>> {
    /// #         Ok(KBox::pin(Page, GFP_KERNEL)?)
    /// #     }
    /// fn llseek(_this: Pin<&Self>, file: &File, from: SeekFrom) -> Result<i64> {
    ///     from.resolve(file.pos(), SIZE)
    /// }
    /// # }
    /// ```
    fn llseek(_device: Borrowed<'_, Self>, _file: &File, _from: SeekFrom) -> Result<i64> {
        Err(ESPIPE)
    }

    /// `ioctl()`: runs command `cmd` with argument `arg` (often a user pointer, see
    /// [`crate::uaccess`]). Returns a non-negative value for `ioctl()` to return; unknown
    /// commands must fail with `ENOTTY`. See [`crate::ioctl`] for command numbers.
    ///
    /// ```ignore,kernel,no_run
    /// # use kernel::fs::File;
    /// # use kernel::ioctl::_IO;
    /// # use kernel::miscdevice::{MiscDevice, MiscDeviceRegistration};
    /// # const RESET: u32 = _IO(b'k' as u32, 0);
    /// # struct Counter;
    /// # impl Counter {
    /// #     fn reset(&self) {}
    /// # }
    /// # #[vtable]
    /// # impl MiscDevice for Counter {
    /// #     type Ptr = Pin<KBox<Self>>;
    /// #     fn open(_file: &File, _misc: &MiscDeviceRegistration<Self>) -> Result<Pin<KBox<Self>>> {
    /// #         Ok(KBox::pin(Counter, GFP_KERNEL)?)
    /// #     }
    /// fn ioctl(this: Pin<&Self>, _file: &File, cmd: u32, arg: usize) -> Result<isize> {
    ///     match cmd {
    ///         RESET => this.reset(),
    ///         _ => return Err(ENOTTY),
    ///     }
    ///     Ok(0)
    /// }
    /// # }
    /// ```
    fn ioctl(_device: Borrowed<'_, Self>, _file: &File, _cmd: u32, _arg: usize) -> Result<isize> {
        Err(ENOTTY)
    }

    /// `ioctl()` from a 32-bit process on a 64-bit kernel. Without it, such calls go to
    /// [`MiscDevice::ioctl`] with the argument converted as a pointer (`compat_ptr_ioctl()`),
    /// which suits commands whose argument layout is the same for both.
    ///
    /// ```ignore,kernel,no_run
    /// # use kernel::fs::File;
    /// # use kernel::miscdevice::{MiscDevice, MiscDeviceRegistration};
    /// # struct Counter;
    /// # #[vtable]
    /// # impl MiscDevice for Counter {
    /// #     type Ptr = Pin<KBox<Self>>;
    /// #     fn open(_file: &File, _misc: &MiscDeviceRegistration<Self>) -> Result<Pin<KBox<Self>>> {
    /// #         Ok(KBox::pin(Counter, GFP_KERNEL)?)
    /// #     }
    /// #     fn ioctl(_this: Pin<&Self>, _file: &File, _cmd: u32, _arg: usize) -> Result<isize> {
    /// #         Err(ENOTTY)
    /// #     }
    /// fn compat_ioctl(this: Pin<&Self>, file: &File, cmd: u32, arg: usize) -> Result<isize> {
    ///     Self::ioctl(this, file, cmd, arg)
    /// }
    /// # }
    /// ```
    fn compat_ioctl(_device: Borrowed<'_, Self>, _file: &File, _cmd: u32, _arg: usize) -> Result<isize> {
        Err(ENOTTY)
    }

    /// `poll()`, `select()` and `epoll`: registers the wait queues whose wake-ups may change the
    /// readiness of the file with `table`, then returns the readiness. Not in upstream.
    ///
    /// ```ignore,kernel,no_run
    /// # use kernel::fs::File;
    /// # use kernel::miscdevice::{MiscDevice, MiscDeviceRegistration};
    /// # use kernel::poll::{PollMask, PollTable};
    /// # struct Shared {
    /// #     changed: CondVar,
    /// # }
    /// # impl Shared {
    /// #     fn ready(&self) -> bool {
    /// #         true
    /// #     }
    /// # }
    /// # struct Open {
    /// #     shared: Arc<Shared>,
    /// # }
    /// # #[vtable]
    /// # impl MiscDevice for Open {
    /// #     type Ptr = KBox<Self>;
    /// #     fn open(_file: &File, _misc: &MiscDeviceRegistration<Self>) -> Result<KBox<Self>> {
    /// #         Err(ENODEV)
    /// #     }
    /// fn poll<'a>(this: &'a Open, _file: &'a File, table: &mut PollTable<'a>) -> PollMask {
    ///     table.register_wait(&this.shared.changed);
    ///     if this.shared.ready() { PollMask::IN | PollMask::RDNORM } else { PollMask::empty() }
    /// }
    /// # }
    /// ```
    fn poll<'a>(_device: Borrowed<'a, Self>, _file: &'a File, _table: &mut PollTable<'a>) -> PollMask {
        PollMask::empty()
    }

    /// Adds lines to the file's `/proc/<pid>/fdinfo/<fd>`.
    ///
    /// ```ignore,kernel,no_run
    /// # use core::sync::atomic::{AtomicU64, Ordering};
    /// # use kernel::fs::File;
    /// # use kernel::miscdevice::{MiscDevice, MiscDeviceRegistration};
    /// # use kernel::{seq_file::SeqFile, seq_print};
    /// # struct Open {
    /// #     bytes_read: AtomicU64,
    /// # }
    /// # #[vtable]
    /// # impl MiscDevice for Open {
    /// #     type Ptr = Pin<KBox<Self>>;
    /// #     fn open(_file: &File, _misc: &MiscDeviceRegistration<Self>) -> Result<Pin<KBox<Self>>> {
    /// #         Ok(KBox::pin(Open { bytes_read: AtomicU64::new(0) }, GFP_KERNEL)?)
    /// #     }
    /// fn show_fdinfo(this: Pin<&Self>, m: &SeqFile, _file: &File) {
    ///     seq_print!(m, "bytes_read:\t{}\n", this.bytes_read.load(Ordering::Relaxed));
    /// }
    /// # }
    /// ```
    fn show_fdinfo(_device: Borrowed<'_, Self>, _m: &SeqFile, _file: &File) {}

    /// Sets up a mapping of the device into the caller's memory (`mmap()`): flags on `vma`, and
    /// pages inserted into it. `ENODEV` when not implemented.
    ///
    /// ```ignore,kernel,no_run
    /// # use kernel::fs::File;
    /// # use kernel::miscdevice::{MiscDevice, MiscDeviceRegistration};
    /// # use kernel::mm::virt::VmaNew;
    /// # use kernel::page::Page;
    /// # struct Shared { page: Page }
    /// # #[vtable]
    /// # impl MiscDevice for Shared {
    /// #     type Ptr = Pin<KBox<Self>>;
    /// #     fn open(_file: &File, _misc: &MiscDeviceRegistration<Self>) -> Result<Pin<KBox<Self>>> {
    /// #         Ok(KBox::pin(Shared { page: Page::alloc_page(GFP_KERNEL | __GFP_ZERO)? }, GFP_KERNEL)?)
    /// #     }
    /// fn mmap(this: Pin<&Self>, _file: &File, vma: &VmaNew) -> Result {
    ///     if vma.end() - vma.start() != kernel::page::PAGE_SIZE {
    ///         return Err(EINVAL);
    ///     }
    ///     vma.set_dontexpand();
    ///     vma.set_mixedmap().vm_insert_page(vma.start(), &this.page)
    /// }
    /// # }
    /// ```
    fn mmap(_device: Borrowed<'_, Self>, _file: &File, _vma: &VmaNew) -> Result {
        Err(ENODEV)
    }
}
