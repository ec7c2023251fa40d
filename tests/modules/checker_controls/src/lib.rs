//! Test module: positive controls for the debug kernel's checkers. Loaded with `provoke=N`, it
//! does on purpose what the "no checker report" tests rule out, so that they are known to be able
//! to report: 1, an out-of-bounds read in `unsafe` Rust (KASAN must see Rust accesses); 2, two
//! mutexes taken in both orders (lockdep); 3, leaked allocations (kmemleak); 4, a mutex taken
//! with a spinlock held (the atomic-sleep check). Without `provoke` it does nothing.

#![no_std]

use kernel::prelude::*;

module! {
    type: CheckerControls,
    name: "checker_controls",
    description: "Test module: provokes KASAN, lockdep, kmemleak and atomic-sleep reports on purpose",
    license: "GPL",
    params: {
        provoke: u32 { default: 0, description: "Which report to provoke (1 KASAN, 2 lockdep, 3 kmemleak, 4 sleep)" },
    },
}

struct CheckerControls;

/// A read one byte past the end of a 13-byte allocation.
fn out_of_bounds() -> Result {
    let buffer = KBox::new([0u8; 13], GFP_KERNEL)?;
    let start: *const u8 = buffer.as_ptr();
    // SAFETY: none; this read is out of bounds on purpose, for KASAN to report. The byte past a
    // 13-byte allocation is still inside its 16-byte kmalloc object (KASAN poisons the tail
    // beyond the size asked for): mapped memory, so nothing faults.
    let byte = unsafe { core::ptr::read_volatile(start.add(13)) };
    pr_info!("read {byte} past the end\n");
    Ok(())
}

/// A then B, then B then A: an ABBA order, taken one after the other so nothing deadlocks.
fn lock_inversion() -> Result {
    let a = KBox::pin_init(new_mutex!(0u32, "checker_controls_a"), GFP_KERNEL)?;
    let b = KBox::pin_init(new_mutex!(0u32, "checker_controls_b"), GFP_KERNEL)?;
    {
        let _a = a.lock();
        let _b = b.lock();
    }
    let _b = b.lock();
    let _a = a.lock();
    Ok(())
}

/// How many allocations [`leak`] forgets: kmemleak misses one whose pointer still lies in memory
/// it scans (a stale copy on a reused kernel stack, seen once), never all of them.
const LEAKS: usize = 8;

/// Allocations whose only pointers are forgotten.
fn leak() -> Result {
    for _ in 0..LEAKS {
        let _ = KBox::into_raw(KBox::new([0x5au8; 64], GFP_KERNEL)?);
    }
    pr_info!("leaked {} times 64 bytes\n", LEAKS);
    Ok(())
}

/// A mutex (which may sleep) taken with a spinlock held: uncontended, it does not sleep, but
/// `mutex_lock()`'s might_sleep() check must say that it could.
fn sleep_in_atomic() -> Result {
    let spinlock = KBox::pin_init(new_spinlock!(0u32), GFP_KERNEL)?;
    let mutex = KBox::pin_init(new_mutex!(0u32), GFP_KERNEL)?;
    let _atomic = spinlock.lock();
    let _sleeping = mutex.lock();
    Ok(())
}

impl kernel::Module for CheckerControls {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let provoke = module_parameters::provoke.get();
        pr_info!("provoking report {provoke}\n");
        match provoke {
            1 => out_of_bounds()?,
            2 => lock_inversion()?,
            3 => leak()?,
            4 => sleep_in_atomic()?,
            _ => {}
        }
        pr_info!("provoked report {provoke}\n");
        Ok(CheckerControls)
    }
}
