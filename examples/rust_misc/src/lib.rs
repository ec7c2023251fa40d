//! An example misc device, `/dev/rust_misc`: a ring buffer of up to 4096 bytes shared by every
//! open file.
//!
//! - `write()` appends. A write of at most the buffer's limit is atomic: it waits until it fits
//!   whole (records from concurrent writers never interleave). A longer write waits for any
//!   room and stores what fits, returning that (short) count.
//! - `read()` (and `readv()`, `splice()`) takes the oldest bytes, up to the requested length,
//!   waiting while the buffer is empty. `read()` and `write()` of 0 bytes return 0 at once.
//! - With `O_NONBLOCK`, both fail with `EAGAIN` instead of waiting. A signal interrupts a wait:
//!   the call fails with `EINTR`, or restarts if the handler has `SA_RESTART`.
//! - A copy from or to a bad user address fails with `EFAULT` and changes nothing: no data is
//!   consumed or stored.
//! - `poll()`: readable when data is buffered, writable when there is room for a byte.
//! - The device is a stream: `lseek()`, `pread()` and `pwrite()` fail with `ESPIPE`.
//! - `/proc/<pid>/fdinfo/<fd>` shows how many bytes the file read and wrote.
//! - ioctls (type `'r'`, in [`uapi`], for C in `include/uapi/rust_misc.h`): [`RUST_MISC_GET_LEN`],
//!   [`RUST_MISC_CLEAR`], [`RUST_MISC_SET_LIMIT`], [`RUST_MISC_XCHG_LIMIT`],
//!   [`RUST_MISC_GET_STATS`]; any other command fails with `ENOTTY`.

#![no_std]

mod ring;
pub mod uapi;

use core::sync::atomic::{AtomicU64, Ordering};
use kernel::fs::{File, Kiocb};
use kernel::ioctl::_IOC_SIZE;
use kernel::iov::{IovIterDest, IovIterSource};
use kernel::miscdevice::{MiscDevice, MiscDeviceOptions, MiscDeviceRegistration, MiscDeviceShared};
use kernel::poll::{PollMask, PollTable};
use kernel::prelude::*;
use kernel::seq_file::{seq_print, SeqFile};
use kernel::sync::{lock::Backend, Guard};
use kernel::uaccess::UserSlice;
use ring::Ring;
use uapi::{
    Stats, RUST_MISC_CLEAR, RUST_MISC_GET_LEN, RUST_MISC_GET_STATS, RUST_MISC_SET_LIMIT, RUST_MISC_XCHG_LIMIT,
};

module! {
    type: RustMiscModule,
    name: "rust_misc",
    authors: ["kmod-rs developers"],
    description: "Example misc device: a ring buffer with blocking reads and writes, ioctls and poll",
    license: "GPL",
    kunit_tests: [ring::tests],
}

/// The state all open files share.
#[pin_data(PinnedDrop)]
struct Shared {
    #[pin]
    ring: Mutex<Ring>,
    /// Notified when data arrives.
    #[pin]
    readable: CondVar,
    /// Notified when room appears.
    #[pin]
    writable: CondVar,
}

impl Shared {
    fn new() -> Result<Arc<Shared>> {
        let ring = Ring::new()?;
        let shared = pin_init!(Shared {
            ring <- new_mutex!(ring, "rust_misc_ring"),
            readable <- new_condvar!("rust_misc_readable"),
            writable <- new_condvar!("rust_misc_writable"),
        });
        Arc::pin_init(shared, GFP_KERNEL)
    }

    fn set_limit(&self, limit: u32) -> Result<u32> {
        let old = self.ring.lock().set_limit(usize::try_from(limit)?)?;
        self.writable.notify_all();
        Ok(u32::try_from(old)?)
    }
}

#[pinned_drop]
impl PinnedDrop for Shared {
    fn drop(self: Pin<&mut Self>) {
        pr_info!("buffer freed ({} bytes unread)\n", self.ring.lock().len());
    }
}

/// Waits on `cv`, with the lock of `ring` released meanwhile, until `ready` holds. Fails with
/// `EAGAIN` instead of waiting on a non-blocking file, and with `ERESTARTSYS` when a signal
/// arrives (the system call then fails with `EINTR` or restarts, as the signal handler asks).
fn wait_until<B: Backend>(
    ring: &mut Guard<'_, Ring, B>,
    cv: &CondVar,
    file: &File,
    ready: impl Fn(&Ring) -> bool,
) -> Result {
    while !ready(ring) {
        if file.is_nonblocking() {
            return Err(EAGAIN);
        }
        if cv.wait_interruptible(ring) {
            return Err(ERESTARTSYS);
        }
    }
    Ok(())
}

/// The state of one open file.
struct RustMisc {
    shared: Arc<Shared>,
    bytes_read: AtomicU64,
    bytes_written: AtomicU64,
}

impl MiscDeviceShared for RustMisc {
    type Shared = Shared;
}

#[vtable]
impl MiscDevice for RustMisc {
    type Ptr = KBox<Self>;
    const STREAM: bool = true;

    fn open(_file: &File, misc: &MiscDeviceRegistration<Self>) -> Result<KBox<Self>> {
        let state = RustMisc {
            shared: misc.shared().ok_or(ENODEV)?,
            bytes_read: AtomicU64::new(0),
            bytes_written: AtomicU64::new(0),
        };
        Ok(KBox::new(state, GFP_KERNEL)?)
    }

    fn read_iter(kiocb: Kiocb<'_, KBox<Self>>, iov: &mut IovIterDest<'_>) -> Result<usize> {
        if iov.is_empty() {
            return Ok(0);
        }
        let this = kiocb.file();
        let shared = &this.shared;
        let mut ring = shared.ring.lock();
        wait_until(&mut ring, &shared.readable, kiocb.filp(), |ring| ring.len() > 0)?;
        let n = ring.len().min(iov.len());
        let (first, second) = ring.peek(n);
        // Consumed only once both pieces reached user space: a fault loses no data.
        if iov.copy_to_iter(first) + iov.copy_to_iter(second) < n {
            return Err(EFAULT);
        }
        ring.consume(n);
        drop(ring);
        shared.writable.notify_all();
        this.bytes_read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }

    fn write_iter(kiocb: Kiocb<'_, KBox<Self>>, iov: &mut IovIterSource<'_>) -> Result<usize> {
        let len = iov.len();
        if len == 0 {
            return Ok(0);
        }
        let this = kiocb.file();
        let shared = &this.shared;
        let mut ring = shared.ring.lock();
        // A write that can fit whole waits until it does; a longer one for any room.
        wait_until(&mut ring, &shared.writable, kiocb.filp(), |ring| {
            ring.space() >= if len <= ring.limit() { len } else { 1 }
        })?;
        let n = len.min(ring.space());
        let (first, second) = ring.room(n);
        // Stored only once both pieces arrived: a fault adds nothing.
        if iov.copy_from_iter(first) + iov.copy_from_iter(second) < n {
            return Err(EFAULT);
        }
        ring.commit(n);
        drop(ring);
        shared.readable.notify_all();
        this.bytes_written.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }

    fn ioctl(this: &RustMisc, _file: &File, cmd: u32, arg: usize) -> Result<isize> {
        let shared = &this.shared;
        // The argument is as large as the command says. Taken in each arm, where the command is
        // a constant, so that the reads' and writes' length checks are decided at compile time.
        let user = || UserSlice::new(UserPtr::from_addr(arg), _IOC_SIZE(cmd));
        match cmd {
            RUST_MISC_GET_LEN => {
                let len = u32::try_from(shared.ring.lock().len())?;
                user().writer().write(&len)?;
            }
            RUST_MISC_CLEAR => {
                shared.ring.lock().clear();
                shared.writable.notify_all();
            }
            RUST_MISC_SET_LIMIT => {
                shared.set_limit(user().reader().read()?)?;
            }
            RUST_MISC_XCHG_LIMIT => {
                let (mut input, mut output) = user().reader_writer();
                let old = shared.set_limit(input.read()?)?;
                output.write(&old)?;
            }
            RUST_MISC_GET_STATS => {
                let stats: Stats =
                    [this.bytes_read.load(Ordering::Relaxed), this.bytes_written.load(Ordering::Relaxed)];
                user().writer().write(&stats)?;
            }
            _ => return Err(ENOTTY),
        }
        Ok(0)
    }

    fn poll<'a>(this: &'a RustMisc, _file: &'a File, table: &mut PollTable<'a>) -> PollMask {
        table.register_wait(&this.shared.readable);
        table.register_wait(&this.shared.writable);
        let ring = this.shared.ring.lock();
        let mut mask = PollMask::empty();
        if ring.len() > 0 {
            mask |= PollMask::IN | PollMask::RDNORM;
        }
        if ring.space() > 0 {
            mask |= PollMask::OUT | PollMask::WRNORM;
        }
        mask
    }

    fn show_fdinfo(this: &RustMisc, m: &SeqFile, _file: &File) {
        seq_print!(m, "rust_misc_read:\t{}\n", this.bytes_read.load(Ordering::Relaxed));
        seq_print!(m, "rust_misc_written:\t{}\n", this.bytes_written.load(Ordering::Relaxed));
    }
}

#[pin_data(PinnedDrop)]
struct RustMiscModule {
    #[pin]
    registration: MiscDeviceRegistration<RustMisc>,
}

impl kernel::InPlaceModule for RustMiscModule {
    fn init(_module: &'static ThisModule) -> impl PinInit<Self, Error> {
        let options = MiscDeviceOptions { name: c"rust_misc" };
        try_pin_init!(RustMiscModule {
            registration <- MiscDeviceRegistration::register_with(options, 0o666, Shared::new()?),
        })
        .pin_chain(|module| {
            dev_info!(
                module.registration.device(),
                "registered /dev/rust_misc (minor {})\n",
                module.registration.minor()
            );
            Ok(())
        })
    }
}

#[pinned_drop]
impl PinnedDrop for RustMiscModule {
    fn drop(self: Pin<&mut Self>) {
        pr_info!("removing /dev/rust_misc\n");
    }
}
