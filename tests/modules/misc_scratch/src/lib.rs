//! Test module for misc device lifetimes and seeking.
//!
//! `/dev/misc_scratch` is 256 bytes of memory with `llseek` (and no `ioctl` or `poll`, which the
//! kernel then answers itself). `/dev/misc_scratch_ctl` removes and re-creates it while files
//! of it may be open: ioctl `SCRATCH_REMOVE` drops its registration, `SCRATCH_ADD` registers a
//! new one with fresh memory and returns its generation. Each generation's memory logs when it
//! is freed, which must be when the last file using it is closed.
//!
//! `/dev/misc_scratch_cursor` misuses the user-memory cursors it is given, as a buggy driver
//! may: its `read` and `write` move 3 and 2 bytes, then replace the cursor with one of their own
//! (empty for an even length, of 1 MiB at address 0 for an odd one); a read of 64 bytes instead
//! writes 3 bytes, then ignores the error of a second copy that faults. The count `read()` and
//! `write()` return must be the bytes that really moved through the cursor the driver was given,
//! and never more than asked for.

#![no_std]

use core::sync::atomic::{AtomicU32, Ordering};
use kernel::fs::{File, SeekFrom};
use kernel::ioctl::_IO;
use kernel::miscdevice::{MiscDevice, MiscDeviceOptions, MiscDeviceRegistration};
use kernel::prelude::*;
use kernel::uaccess::{UserPtr, UserSlice, UserSliceReader, UserSliceWriter};

module! {
    type: MiscScratch,
    name: "misc_scratch",
    description: "Test module: a scratch misc device",
    license: "GPL",
}

const SIZE: usize = 256;
const SCRATCH_ADD: u32 = _IO('s' as u32, 1);
const SCRATCH_REMOVE: u32 = _IO('s' as u32, 2);

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

#[vtable]
impl MiscDevice for Scratch {
    type Shared = Memory;
    type Ptr = Arc<Memory>;

    fn open(shared: &Arc<Memory>, _file: &File) -> Result<Arc<Memory>> {
        Ok(shared.clone())
    }

    fn read(this: &Memory, _file: &File, buf: &mut UserSliceWriter, pos: &mut i64) -> Result {
        let range = span(*pos, buf.len())?;
        buf.write_slice(&this.bytes.lock()[range.clone()])?;
        *pos += range.len() as i64;
        Ok(())
    }

    fn write(this: &Memory, _file: &File, buf: &mut UserSliceReader, pos: &mut i64) -> Result {
        let range = span(*pos, buf.len())?;
        if range.is_empty() && !buf.is_empty() {
            return Err(ENOSPC);
        }
        buf.read_slice(&mut this.bytes.lock()[range.clone()])?;
        *pos += range.len() as i64;
        Ok(())
    }

    fn llseek(_this: &Memory, file: &File, from: SeekFrom) -> Result<i64> {
        from.resolve(file.pos(), SIZE as i64)
    }
}

/// The replacement cursor of `/dev/misc_scratch_cursor` for a transfer of `len` bytes.
fn replacement(len: usize) -> UserSlice {
    UserSlice::new(UserPtr::from_addr(0), if len % 2 == 0 { 0 } else { 1 << 20 })
}

struct Cursor;

#[vtable]
impl MiscDevice for Cursor {
    type Shared = Control;
    type Ptr = Arc<Control>;

    fn open(shared: &Arc<Control>, _file: &File) -> Result<Arc<Control>> {
        Ok(shared.clone())
    }

    fn read(_this: &Control, _file: &File, buf: &mut UserSliceWriter, _pos: &mut i64) -> Result {
        let len = buf.len();
        buf.write_slice(&b"abc"[..len.min(3)])?;
        if len == 64 {
            // Faults where user space left a hole after the first 3 bytes; ignored.
            let _ = buf.write_slice(&[b'x'; 61]);
        } else {
            *buf = replacement(len).writer();
        }
        Ok(())
    }

    fn write(_this: &Control, _file: &File, buf: &mut UserSliceReader, _pos: &mut i64) -> Result {
        let len = buf.len();
        buf.skip(len.min(2))?;
        *buf = replacement(len).reader();
        Ok(())
    }
}

#[pin_data]
struct Control {
    #[pin]
    scratch: Mutex<Option<MiscDeviceRegistration<Scratch>>>,
    generations: AtomicU32,
}

impl Control {
    fn add(&self) -> Result<u32> {
        let mut scratch = self.scratch.lock();
        if scratch.is_some() {
            return Err(EEXIST);
        }
        let generation = self.generations.fetch_add(1, Ordering::Relaxed);
        let memory = pin_init!(Memory { bytes <- new_mutex!([0; SIZE]), generation: generation });
        let memory = Arc::pin_init(memory, GFP_KERNEL)?;
        let options = MiscDeviceOptions::new(c"misc_scratch").mode(0o666);
        *scratch = Some(MiscDeviceRegistration::register(options, memory)?);
        Ok(generation)
    }

    fn remove(&self) -> Result {
        let registration = self.scratch.lock().take().ok_or(ENOENT)?;
        drop(registration);
        Ok(())
    }
}

struct Ctl;

#[vtable]
impl MiscDevice for Ctl {
    type Shared = Control;
    type Ptr = Arc<Control>;

    fn open(shared: &Arc<Control>, _file: &File) -> Result<Arc<Control>> {
        Ok(shared.clone())
    }

    fn ioctl(this: &Control, _file: &File, cmd: u32, _arg: usize) -> Result<isize> {
        match cmd {
            SCRATCH_ADD => Ok(this.add()? as isize),
            SCRATCH_REMOVE => this.remove().map(|()| 0),
            _ => Err(ENOTTY),
        }
    }
}

struct MiscScratch {
    control: Arc<Control>,
    _ctl: MiscDeviceRegistration<Ctl>,
    _cursor: MiscDeviceRegistration<Cursor>,
}

impl kernel::Module for MiscScratch {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let control = Arc::pin_init(
            pin_init!(Control { scratch <- new_mutex!(None), generations: AtomicU32::new(1) }),
            GFP_KERNEL,
        )?;
        control.add()?;
        let options = MiscDeviceOptions::new(c"misc_scratch_ctl").mode(0o600);
        let ctl = MiscDeviceRegistration::register(options, control.clone())?;
        let options = MiscDeviceOptions::new(c"misc_scratch_cursor").mode(0o666);
        let cursor = MiscDeviceRegistration::register(options, control.clone())?;
        Ok(MiscScratch { control, _ctl: ctl, _cursor: cursor })
    }
}

impl Drop for MiscScratch {
    fn drop(&mut self) {
        // Not through `Control`'s own drop: the control device's registration holds a clone.
        let _ = self.control.remove();
        pr_info!("unloaded\n");
    }
}
