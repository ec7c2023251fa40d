//! Test module for `kernel::debugfs` beyond what upstream's rust_debugfs_scoped sample uses: the
//! files of a `Dir` that own their data (every kind: text, callbacks, binary), a `Mutex` of a
//! `FromStr` type, atomics' operations, and a file dropped while the module stays (removed from
//! the directory, its data dropped after).

#![no_std]

use core::fmt;
use kernel::debugfs::{Dir, File};
use kernel::prelude::*;
use kernel::sync::atomic::{Atomic, Full, Relaxed};
use kernel::uaccess::UserSliceReader;

module! {
    type: DebugfsTest,
    name: "debugfs_test",
    license: "GPL",
    description: "Test module: kernel::debugfs files that own their data",
}

/// Counts how often a callback file was read and written.
struct Counters {
    reads: Atomic<u32>,
    writes: Atomic<u32>,
}

fn show_counters(c: &Counters, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    // Counts this read too.
    writeln!(f, "reads={} writes={}", c.reads.fetch_add(1, Full) + 1, c.writes.load(Relaxed))
}

fn count_write(c: &Counters, reader: &mut UserSliceReader) -> Result {
    let n = reader.len();
    reader.skip(n)?;
    c.writes.add(1, Relaxed);
    Ok(())
}

/// Takes "add N": adds N to the total; anything else is `EINVAL`.
fn add(total: &Atomic<i64>, reader: &mut UserSliceReader) -> Result {
    let mut buf = [0u8; 32];
    let n = reader.len();
    let text = buf.get_mut(..n).ok_or(EINVAL)?;
    reader.read_slice(text)?;
    let text = core::str::from_utf8(text).map_err(|_| EINVAL)?.trim();
    let value: i64 = text.strip_prefix("add ").ok_or(EINVAL)?.parse().map_err(|_| EINVAL)?;
    total.fetch_add(value, Full);
    Ok(())
}

/// Shows the value of its file's data when the file is dropped.
struct Reported(u32);

impl fmt::Debug for Reported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "reported {}", self.0)
    }
}

impl Drop for Reported {
    fn drop(&mut self) {
        pr_info!("Reported({}) dropped\n", self.0);
    }
}

#[pin_data]
struct DebugfsTest {
    #[pin]
    version: File<u32>,
    #[pin]
    enabled: File<Mutex<bool>>,
    #[pin]
    sink: File<Atomic<u64>>,
    #[pin]
    counters: File<Counters>,
    #[pin]
    total: File<Atomic<i64>>,
    #[pin]
    words: File<[u32; 2]>,
    #[pin]
    bytes: File<Mutex<[u8; 16]>>,
    #[pin]
    count: File<Counters>,
    #[pin]
    wo_bytes: File<Mutex<[u8; 4]>>,
    #[pin]
    reported: File<Reported>,
    // After the files, which keep their directories anyway.
    _sub: Dir,
    _dir: Dir,
}

fn counters() -> Counters {
    Counters { reads: Atomic::new(0), writes: Atomic::new(0) }
}

fn show_total(t: &Atomic<i64>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    writeln!(f, "total {}", t.load(Relaxed))
}

impl kernel::InPlaceModule for DebugfsTest {
    fn init(_module: &'static ThisModule) -> impl PinInit<Self, Error> {
        let dir = Dir::new(c"debugfs_test");
        let sub = dir.subdir(c"sub");
        // Created and dropped at once: its file goes, then its data (which prints).
        drop(KBox::pin_init(dir.read_only_file(c"transient", Reported(1)), GFP_KERNEL));
        pr_info!("debugfs files created\n");
        try_pin_init!(DebugfsTest {
            version <- dir.read_only_file(c"version", 7u32),
            enabled <- dir.read_write_file(c"enabled", new_mutex!(false)),
            sink <- dir.write_only_file(c"sink", Atomic::new(0u64)),
            counters <- dir.read_callback_file(c"counters", counters(), &show_counters),
            total <- dir.read_write_callback_file(c"total", Atomic::new(100i64), &show_total, &add),
            words <- dir.read_binary_file(c"words", [0x0102_0304u32, 0x0506_0708]),
            bytes <- sub.read_write_binary_file(c"bytes", new_mutex!([b'.'; 16])),
            count <- sub.write_callback_file(c"count", counters(), &count_write),
            wo_bytes <- sub.write_binary_file(c"wo_bytes", new_mutex!([0u8; 4])),
            reported <- dir.read_only_file(c"reported", Reported(2)),
            _sub: sub,
            _dir: dir,
        })
    }
}
