//! Test module for misc device lifetimes and seeking.
//!
//! `/dev/misc_scratch` is 256 bytes of memory with `llseek` (and no `ioctl` or `poll`, which the
//! kernel then answers itself). `/dev/misc_scratch_ctl` removes and re-creates it while files
//! of it may be open: ioctl `SCRATCH_REMOVE` drops its registration, `SCRATCH_ADD` registers a
//! new one with fresh memory and returns its generation. Each generation's memory logs when it
//! is freed, which must be when the last file using it is closed.
//!
//! `/dev/misc_scratch_cursor` misreports its counts, as a buggy driver may: its `read_iter` and
//! `write_iter` move 3 and 2 bytes and claim 1 MiB more than asked for and `usize::MAX`; a read of
//! 64 bytes writes 3 bytes, then ignores that a second copy faulted, and claims 64. The count
//! `read()` and `write()` return must be the bytes that really moved through the I/O vector.
//!
//! ioctl `SCRATCH_WIDTHS` reads each field of its argument (1, 2, 4 and 8 bytes, then 8 more in
//! one 16-byte copy: `struct scratch_widths` in tests/guest/misc_test/misc_test.h) with one
//! access of its size, and writes it back inverted, each way a value travels to and from user space.
//!
//! Printing about a device and into a sequence file, each way a message can take: at load,
//! `dev_*!` about the cursor device with a format built at compile time, with an argument only
//! `core::fmt` formats, and longer than one call prints; the cursor's `fdinfo`, `seq_print!` the
//! same three ways.

#![no_std]

use core::sync::atomic::{AtomicU32, Ordering};
use kernel::fs::{File, Kiocb, SeekFrom};
use kernel::ioctl::{_IO, _IOC_SIZE, _IOWR};
use kernel::iov::{IovIterDest, IovIterSource};
use kernel::miscdevice::{MiscDevice, MiscDeviceOptions, MiscDeviceRegistration, MiscDeviceShared};
use kernel::prelude::*;
use kernel::seq_file::{seq_print, SeqFile};
use kernel::uaccess::UserSlice;

module! {
    type: MiscScratch,
    name: "misc_scratch",
    description: "Test module: a scratch misc device",
    license: "GPL",
}

const SIZE: usize = 256;
const SCRATCH_ADD: u32 = _IO('s' as u32, 1);
const SCRATCH_REMOVE: u32 = _IO('s' as u32, 2);
/// The argument: `u8`, `u8` (padding, left as it is), `u16`, `u32`, `u64`, `[u32; 4]`.
const SCRATCH_WIDTHS: u32 = _IOWR::<[u64; 4]>('s' as u32, 3);

/// `N` bytes of the test pattern (tests/foundation.py's `PATTERN`): digits, `|` every 100th.
const fn pattern<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    let mut i = 0;
    while i < N {
        bytes[i] = if i % 100 == 99 { b'|' } else { b'0' + (i % 10) as u8 };
        i += 1;
    }
    bytes
}

const LONG_BYTES: [u8; 600] = pattern();
/// Longer than one `_dev_printk()` of the fast path takes.
const LONG: &str = match core::str::from_utf8(&LONG_BYTES) {
    Ok(text) => text,
    Err(_) => panic!("the pattern is ASCII"),
};

#[pin_data(PinnedDrop)]
struct Memory {
    #[pin]
    bytes: Mutex<[u8; SIZE]>,
    generation: u32,
}

#[pinned_drop]
impl PinnedDrop for Memory {
    fn drop(self: Pin<&mut Self>) {
        pr_info!("generation {} freed\n", self.generation);
    }
}

/// The range of the memory a transfer of `len` bytes at `pos` covers (empty at the end).
fn span(pos: i64, len: usize) -> Result<core::ops::Range<usize>> {
    let start = usize::try_from(pos)?.min(SIZE);
    Ok(start..start + len.min(SIZE - start))
}

struct Scratch;

impl MiscDeviceShared for Scratch {
    type Shared = Memory;
}

/// The bytes moved by a copy of `wanted` bytes that moved `copied`: `EFAULT` if none did.
fn moved(copied: usize, wanted: usize) -> Result<usize> {
    if copied == 0 && wanted > 0 {
        return Err(EFAULT);
    }
    Ok(copied)
}

#[vtable]
impl MiscDevice for Scratch {
    type Ptr = Arc<Memory>;

    fn open(_file: &File, misc: &MiscDeviceRegistration<Self>) -> Result<Arc<Memory>> {
        misc.shared().ok_or(ENODEV)
    }

    fn read_iter(mut kiocb: Kiocb<'_, Arc<Memory>>, iov: &mut IovIterDest<'_>) -> Result<usize> {
        let range = span(kiocb.ki_pos(), iov.len())?;
        let wanted = range.len();
        let n = moved(iov.copy_to_iter(&kiocb.file().bytes.lock()[range]), wanted)?;
        *kiocb.ki_pos_mut() += n as i64;
        Ok(n)
    }

    fn write_iter(mut kiocb: Kiocb<'_, Arc<Memory>>, iov: &mut IovIterSource<'_>) -> Result<usize> {
        let range = span(kiocb.ki_pos(), iov.len())?;
        if range.is_empty() && !iov.is_empty() {
            return Err(ENOSPC);
        }
        let wanted = range.len();
        let n = moved(iov.copy_from_iter(&mut kiocb.file().bytes.lock()[range]), wanted)?;
        *kiocb.ki_pos_mut() += n as i64;
        Ok(n)
    }

    fn llseek(_this: &Memory, file: &File, from: SeekFrom) -> Result<i64> {
        from.resolve(file.pos(), SIZE as i64)
    }
}

struct Cursor;

impl MiscDeviceShared for Cursor {
    type Shared = Control;
}

#[vtable]
impl MiscDevice for Cursor {
    type Ptr = Arc<Control>;
    const STREAM: bool = true;

    fn open(_file: &File, misc: &MiscDeviceRegistration<Self>) -> Result<Arc<Control>> {
        misc.shared().ok_or(ENODEV)
    }

    fn read_iter(_kiocb: Kiocb<'_, Arc<Control>>, iov: &mut IovIterDest<'_>) -> Result<usize> {
        let len = iov.len();
        iov.copy_to_iter(&b"abc"[..len.min(3)]);
        if len == 64 {
            // Faults where user space left a hole after the first 3 bytes; ignored.
            iov.copy_to_iter(&[b'x'; 61]);
            return Ok(len);
        }
        Ok(len + (1 << 20))
    }

    fn write_iter(_kiocb: Kiocb<'_, Arc<Control>>, iov: &mut IovIterSource<'_>) -> Result<usize> {
        iov.advance(2);
        Ok(usize::MAX)
    }

    fn show_fdinfo(_this: &Control, m: &SeqFile, _file: &File) {
        seq_print!(m, "seq fast: {} {:#x} {} {}%\n", 42u32, 255u8, "str", -1i64);
        seq_print!(m, "seq slow: {} {}\n", 3u8, 'c');
        seq_print!(m, "seq fmt: {:>4}|{:?}\n", 7, Some(1));
        seq_print!(m, "seq long {} <{}>\n", LONG.len(), LONG);
    }
}

#[pin_data]
struct Control {
    #[pin]
    scratch: Mutex<Option<Pin<KBox<MiscDeviceRegistration<Scratch>>>>>,
    generations: AtomicU32,
}

impl Control {
    /// The control state, with the first generation of `/dev/misc_scratch` registered.
    fn new() -> Result<Arc<Control>> {
        let control = Arc::pin_init(
            pin_init!(Control { scratch <- new_mutex!(None), generations: AtomicU32::new(1) }),
            GFP_KERNEL,
        )?;
        control.add()?;
        Ok(control)
    }

    fn add(&self) -> Result<u32> {
        let mut scratch = self.scratch.lock();
        if scratch.is_some() {
            return Err(EEXIST);
        }
        let generation = self.generations.fetch_add(1, Ordering::Relaxed);
        let memory = pin_init!(Memory { bytes <- new_mutex!([0; SIZE]), generation: generation });
        let memory = Arc::pin_init(memory, GFP_KERNEL)?;
        let options = MiscDeviceOptions { name: c"misc_scratch" };
        let registration = MiscDeviceRegistration::register_with(options, 0o666, memory);
        *scratch = Some(KBox::try_pin_init(registration, GFP_KERNEL)?);
        Ok(generation)
    }

    fn remove(&self) -> Result {
        let registration = self.scratch.lock().take().ok_or(ENOENT)?;
        drop(registration);
        Ok(())
    }
}

struct Ctl;

impl MiscDeviceShared for Ctl {
    type Shared = Control;
}

#[vtable]
impl MiscDevice for Ctl {
    type Ptr = Arc<Control>;

    fn open(_file: &File, misc: &MiscDeviceRegistration<Self>) -> Result<Arc<Control>> {
        misc.shared().ok_or(ENODEV)
    }

    fn ioctl(this: &Control, _file: &File, cmd: u32, arg: usize) -> Result<isize> {
        match cmd {
            SCRATCH_ADD => Ok(this.add()? as isize),
            SCRATCH_REMOVE => this.remove().map(|()| 0),
            SCRATCH_WIDTHS => {
                invert_widths(UserSlice::new(UserPtr::from_addr(arg), _IOC_SIZE(cmd))).map(|()| 0)
            }
            _ => Err(ENOTTY),
        }
    }
}

/// `SCRATCH_WIDTHS`: each field read with one access of its size, written back inverted.
fn invert_widths(user: UserSlice) -> Result {
    let (mut input, mut output) = user.reader_writer();
    let (a, pad, b): (u8, u8, u16) = (input.read()?, input.read()?, input.read()?);
    let (c, d, e): (u32, u64, [u32; 4]) = (input.read()?, input.read()?, input.read()?);
    output.write(&!a)?;
    output.write(&pad)?;
    output.write(&!b)?;
    output.write(&!c)?;
    output.write(&!d)?;
    output.write(&e.map(|x| !x))
}

#[pin_data(PinnedDrop)]
struct MiscScratch {
    control: Arc<Control>,
    #[pin]
    ctl: MiscDeviceRegistration<Ctl>,
    #[pin]
    cursor: MiscDeviceRegistration<Cursor>,
}

impl kernel::InPlaceModule for MiscScratch {
    fn init(_module: &'static ThisModule) -> impl PinInit<Self, Error> {
        let control = Control::new();
        try_pin_init!(MiscScratch {
            control: control.clone()?,
            ctl <- MiscDeviceRegistration::register_with(
                MiscDeviceOptions { name: c"misc_scratch_ctl" },
                0o600,
                control.clone()?,
            ),
            cursor <- MiscDeviceRegistration::register_with(
                MiscDeviceOptions { name: c"misc_scratch_cursor" },
                0o666,
                control.clone()?,
            ),
        })
        .pin_chain(|module| {
            let dev = module.cursor.device();
            dev_info!(dev, "dev fast: {} {:#x} {}%\n", 5u32, 0xabu8, "str");
            dev_warn!(dev, "dev slow: {} {}\n", 6u8, 'z');
            dev_notice!(dev, "dev fmt: {:>4}|\n", 8);
            dev_info!(dev, "dev long {} <{}>\n", LONG.len(), LONG);
            Ok(())
        })
    }
}

#[pinned_drop]
impl PinnedDrop for MiscScratch {
    fn drop(self: Pin<&mut Self>) {
        // Not through `Control`'s own drop: the control device's registration holds a clone.
        let _ = self.control.remove();
        pr_info!("unloaded\n");
    }
}
