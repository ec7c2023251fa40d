//! `Timer` checks: arming, moving, cancelling, re-arming from the callback, dropping the handle
//! in the callback and while the callback runs, and a callback reading a writable module
//! parameter.

use crate::{check, spin_until, wait_for, Events};
use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use kernel::kthread::KThread;
use kernel::prelude::*;
use kernel::sync::SpinLockIrq;
use kernel::time::timer::{Timer, TimerCallback, TimerHandle};
use kernel::time::{msecs_to_jiffies, msleep, HZ};

pub(crate) fn run() -> Result {
    cancel_before_expiry()?;
    reschedule()?;
    periodic()?;
    cancel_in_callback()?;
    drop_in_callback()?;
    drop_while_running()?;
    reads_parameter()
}

/// Counts its expiries; re-arms itself while `rearms` lasts.
struct Counter {
    events: Arc<Events>,
    rearms: AtomicU32,
}

impl TimerCallback for Counter {
    fn run(timer: &Timer<Self>) {
        timer.events.runs.fetch_add(1, Ordering::Relaxed);
        if timer.rearms.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1)).is_ok() {
            timer.schedule(1);
        }
    }
}

fn counter(rearms: u32) -> Result<TimerHandle<Counter>> {
    let events = Events::new()?;
    new_timer!(Counter { events, rearms: AtomicU32::new(rearms) }, GFP_KERNEL)
}

fn cancel_before_expiry() -> Result {
    let timer = counter(0)?;
    let was_armed = timer.schedule(msecs_to_jiffies(50));
    let cancelled = timer.cancel();
    msleep(100);
    let ok = !was_armed && cancelled && timer.events.runs() == 0 && !timer.cancel();
    check("timer cancel before expiry", ok);
    Ok(())
}

fn reschedule() -> Result {
    let timer = counter(0)?;
    let first = timer.schedule(10 * HZ);
    let moved = timer.schedule(1);
    let fired = wait_for(1000, || timer.events.runs() == 1);
    msleep(50);
    check("timer schedule moves an armed timer", !first && moved && fired && timer.events.runs() == 1);
    Ok(())
}

fn periodic() -> Result {
    let timer = counter(4)?;
    timer.schedule(1);
    let done = wait_for(2000, || timer.events.runs() == 5);
    msleep(50);
    check("timer re-armed from its callback", done && timer.events.runs() == 5);
    Ok(())
}

/// Arms itself, then cancels that from within the callback.
struct SelfCancel {
    events: Arc<Events>,
}

impl TimerCallback for SelfCancel {
    fn run(timer: &Timer<Self>) {
        timer.schedule(HZ);
        let cancelled = timer.cancel();
        timer.events.flag.store(cancelled, Ordering::Release);
        timer.events.runs.fetch_add(1, Ordering::Relaxed);
    }
}

fn cancel_in_callback() -> Result {
    let events = Events::new()?;
    let timer = new_timer!(SelfCancel { events: events.clone() }, GFP_KERNEL)?;
    timer.schedule(1);
    let ran = wait_for(1000, || events.runs() == 1);
    check("timer cancel from its own callback", ran && events.flag() && !timer.cancel());
    Ok(())
}

/// Where a `SelfDrop` timer's handle is kept: by the timer's own data, which its callback empties.
type HandleSlot = SpinLockIrq<Option<TimerHandle<SelfDrop>>>;

/// Re-arms itself, then drops its own handle, then tries to re-arm itself again.
struct SelfDrop {
    events: Arc<Events>,
    slot: Arc<HandleSlot>,
}

impl TimerCallback for SelfDrop {
    fn run(timer: &Timer<Self>) {
        timer.schedule(1);
        let handle = timer.slot.lock().take();
        drop(handle); // the last owner: disarms the timer, which is freed after this returns
        let rearmed = timer.schedule(1);
        timer.events.flag.store(!rearmed && handle_gone(&timer.slot), Ordering::Release);
        timer.events.runs.fetch_add(1, Ordering::Release);
    }
}

impl Drop for SelfDrop {
    fn drop(&mut self) {
        // After `run` has returned: the flag and the run count were written before.
        self.events.drops.fetch_add(1, Ordering::Release);
    }
}

fn handle_gone(slot: &HandleSlot) -> bool {
    slot.lock().is_none()
}

/// The callback drops the timer's last handle (its own data owns it): the timer is disarmed for
/// good (its re-arms before and after do nothing), and freed with its data once the callback
/// has returned, exactly once (KASAN on the debug kernel sees any use after that).
fn drop_in_callback() -> Result {
    let events = Events::new()?;
    let slot = Arc::pin_init(new_spinlock_irq!(None), GFP_KERNEL)?;
    let timer = new_timer!(SelfDrop { events: events.clone(), slot: slot.clone() }, GFP_KERNEL)?;
    // Armed once the slot holds it: the callback finds its handle there.
    slot.lock().insert(timer).schedule(1);
    drop(slot);
    let freed = wait_for(1000, || events.drops.load(Ordering::Acquire) == 1);
    msleep(50);
    let ok = freed && events.flag() && events.runs() == 1 && events.drops.load(Ordering::Acquire) == 1;
    check("timer handle dropped in its own callback: disarmed, freed after it returns", ok);
    Ok(())
}

/// Busy for 100 ms (atomic context: no sleeping).
struct Slow {
    events: Arc<Events>,
}

impl TimerCallback for Slow {
    fn run(timer: &Timer<Self>) {
        timer.events.started.store(true, Ordering::Release);
        spin_until(100, || false);
        timer.events.finished.store(true, Ordering::Release);
    }
}

/// Drops the timer from another thread while the callback runs, until that overlap happens (the
/// callback runs where the timer was armed, and this thread keeps that CPU busy meanwhile).
fn drop_while_running() -> Result {
    for _ in 0..5 {
        if let Some(waited) = try_drop_while_running()? {
            check("timer drop waits for a running callback", waited);
            return Ok(());
        }
    }
    pr_err!("the timer's drop never overlapped its callback\n");
    check("timer drop waits for a running callback", false);
    Ok(())
}

/// What the dropping thread saw.
#[derive(Default)]
struct DropReport {
    done: AtomicBool,
    overlapped: AtomicBool,
    waited: AtomicBool,
}

/// Whether the drop waited for the callback, if it overlapped it.
fn try_drop_while_running() -> Result<Option<bool>> {
    let events = Events::new()?;
    let timer = Arc::new(new_timer!(Slow { events: events.clone() }, GFP_KERNEL)?, GFP_KERNEL)?;
    let report = Arc::new(DropReport::default(), GFP_KERNEL)?;
    let (seen, reported, last) = (events.clone(), report.clone(), timer.clone());
    let dropper = KThread::run(
        c"dt_dropper",
        move |_| {
            spin_until(1000, || seen.started());
            let overlapped = seen.started() && !seen.finished();
            drop(last); // the last reference by now: this drops the timer
            reported.overlapped.store(overlapped, Ordering::Relaxed);
            reported.waited.store(seen.finished(), Ordering::Relaxed);
            reported.done.store(true, Ordering::Release);
        },
        GFP_KERNEL,
    )?;
    timer.schedule(1);
    drop(timer);
    spin_until(1500, || report.done.load(Ordering::Acquire));
    drop(dropper);
    let overlapped = report.overlapped.load(Ordering::Relaxed);
    Ok(overlapped.then(|| report.waited.load(Ordering::Relaxed)))
}

/// Reads the writable scalar parameter `rate` in its callback (softirq: no sleeping).
struct ParamReader {
    events: Arc<Events>,
    value: AtomicU32,
}

impl TimerCallback for ParamReader {
    fn run(timer: &Timer<Self>) {
        timer.value.store(crate::module_parameters::rate.get(), Ordering::Relaxed);
        timer.events.runs.fetch_add(1, Ordering::Release);
    }
}

/// A timer callback reads a writable scalar parameter, once freely and once while this task
/// holds the module's parameter lock (through a borrowed string parameter), which is what a
/// write through sysfs would do. Reading a scalar must not take that lock (a mutex: sleeping in
/// a softirq), so the callback completes while the lock is held.
fn reads_parameter() -> Result {
    let events = Events::new()?;
    let timer = new_timer!(ParamReader { events: events.clone(), value: AtomicU32::new(0) }, GFP_KERNEL)?;
    timer.schedule(1);
    let free = wait_for(1000, || events.runs() == 1) && timer.value.load(Ordering::Relaxed) == 10;
    let held = {
        let label = crate::module_parameters::label.read();
        timer.schedule(1);
        let ran = wait_for(1000, || events.runs() == 2);
        ran && label.to_bytes() == b"deferred"
    };
    // Waits for a callback still running (blocked on the lock, without the fix).
    drop(timer);
    check("timer callback reads a writable parameter", free);
    check("timer callback reads a writable parameter while the parameter lock is held", held);
    Ok(())
}
