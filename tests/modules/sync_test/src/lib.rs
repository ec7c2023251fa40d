//! Test module for allocation and synchronisation: `KBox`, `KVec`, `Arc`, `pin_init!`, the
//! locks and `CondVar`, exercised at load time; each check prints `ok` or `FAILED`.

#![no_std]

use core::sync::atomic::{AtomicUsize, Ordering};
use kernel::prelude::*;

module! {
    type: SyncTest,
    name: "sync_test",
    description: "Test module: locks, condition variables and Arc",
    license: "GPL",
}

static DROPS: AtomicUsize = AtomicUsize::new(0);

struct Counted(u32);

impl Drop for Counted {
    fn drop(&mut self) {
        DROPS.fetch_add(1, Ordering::Relaxed);
    }
}

#[pin_data]
struct Shared {
    #[pin]
    list: Mutex<KVec<u32>>,
    #[pin]
    hits: SpinLock<u64>,
    #[pin]
    irq_hits: SpinLockIrq<u64>,
    #[pin]
    ready: CondVar,
    name: &'static str,
}

fn check(what: &str, ok: bool) {
    if ok {
        pr_info!("{what}: ok\n");
    } else {
        pr_err!("{what}: FAILED\n");
    }
}

fn run() -> Result {
    let b = KBox::new([7u8; 100], GFP_KERNEL)?;
    check("kbox", b.iter().all(|&x| x == 7));
    let aligned = KBox::new(Aligned([9; 4]), GFP_KERNEL)?;
    check("kbox alignment 256", (&*aligned as *const Aligned as usize) % 256 == 0 && aligned.0[3] == 9);

    let mut v = KVec::new();
    for i in 0..1000u32 {
        v.push(i, GFP_KERNEL)?;
    }
    v.extend_from_slice(&[1, 2, 3], GFP_KERNEL)?;
    check("kvec", v.len() == 1003 && v[999] == 999 && v[1002] == 3 && v.pop() == Some(3));

    let shared = Arc::pin_init(
        pin_init!(Shared {
            list <- new_mutex!(KVec::new(), "sync_test_list"),
            hits <- new_spinlock!(0),
            irq_hits <- new_spinlock_irq!(0),
            ready <- new_condvar!(),
            name: "shared",
        }),
        GFP_KERNEL,
    )?;
    let other = shared.clone();
    other.list.lock().push(5, GFP_KERNEL)?;
    *other.hits.lock() += 2;
    *other.irq_hits.lock() += 3;
    other.ready.notify_all();
    check(
        "arc+locks",
        shared.list.lock()[0] == 5 && *shared.hits.lock() == 2 && *shared.irq_hits.lock() == 3,
    );
    check("pin_init plain field", shared.name == "shared");
    match shared.list.lock_interruptible() {
        Ok(guard) => check("lock_interruptible", guard.len() == 1),
        Err(e) => check("lock_interruptible", e == EINTR),
    }
    drop(shared);
    drop(other);

    DROPS.store(0, Ordering::Relaxed);
    {
        let a = Arc::new(Counted(1), GFP_KERNEL)?;
        let b = a.clone();
        drop(a);
        check("arc keeps value while shared", DROPS.load(Ordering::Relaxed) == 0 && b.0 == 1);
    }
    check("arc drops value with last ref", DROPS.load(Ordering::Relaxed) == 1);

    // A failing field initializer drops the fields already initialised.
    DROPS.store(0, Ordering::Relaxed);
    let failing: Result<Pin<KBox<Pair>>> =
        KBox::pin_init(try_pin_init!(Pair { first: Counted(1), second <- fail() }), GFP_KERNEL);
    check("pin_init failure drops earlier fields", failing.is_err() && DROPS.load(Ordering::Relaxed) == 1);
    irq_guards_out_of_order()
}

/// Whether local interrupts are disabled.
fn irqs_disabled() -> bool {
    // SAFETY: `irqs_disabled()` only reads the CPU's interrupt flag; any context.
    unsafe { kernel::bindings::irqs_disabled() }
}

/// Two `SpinLockIrq` guards, the outer one dropped first: interrupts must stay disabled while the
/// inner lock is held (an interrupt handler taking it would deadlock on this CPU), and be enabled
/// again once both are dropped (not left disabled by the inner guard's saved state). Prints what
/// it saw, for the suite to check: on PREEMPT_RT, where `spinlock_t` sleeps, `SpinLockIrq` leaves
/// interrupts enabled, as C's `spin_lock_irqsave()` does there.
fn irq_guards_out_of_order() -> Result {
    let outer = KBox::pin_init(new_spinlock_irq!(1u32), GFP_KERNEL)?;
    let inner = KBox::pin_init(new_spinlock_irq!(2u32), GFP_KERNEL)?;
    let before = irqs_disabled();
    let a = outer.lock();
    let b = inner.lock();
    let both = irqs_disabled();
    drop(a);
    let inner_only = irqs_disabled();
    let value = *b;
    drop(b);
    let after = irqs_disabled();
    check("spinlock_irq inner guard still usable", value == 2);
    pr_info!("irqs disabled, out of order: before {before}, both held {both}, inner held {inner_only}, after {after}\n");
    // In order, and nested three deep, for good measure.
    let third = KBox::pin_init(new_spinlock_irq!(3u32), GFP_KERNEL)?;
    let (a, b, c) = (outer.lock(), inner.lock(), third.lock());
    let nested = irqs_disabled();
    drop(c);
    drop(b);
    let still = irqs_disabled();
    drop(a);
    let after = irqs_disabled();
    pr_info!("irqs disabled, in order: all held {nested}, outer held {still}, after {after}\n");
    Ok(())
}

#[repr(align(256))]
struct Aligned([u8; 4]);

#[pin_data]
struct Pair {
    first: Counted,
    #[pin]
    second: Counted,
}

fn fail() -> impl PinInit<Counted, Error> {
    // SAFETY: the closure initialises nothing and fails.
    unsafe { kernel::init::pin_init_from_closure(|_| Err(ENOSPC)) }
}

/// The module, initialised in place (`InPlaceModule`): it holds a lock, which must not move.
#[pin_data(PinnedDrop)]
struct SyncTest {
    #[pin]
    state: Mutex<u32>,
    /// Where `init` built the module; checked again at unload.
    built_at: usize,
}

impl kernel::InPlaceModule for SyncTest {
    fn init(_module: &'static ThisModule) -> impl PinInit<Self, Error> {
        try_pin_init!(&this in SyncTest {
            state <- new_mutex!(7),
            built_at: {
                run()?;
                this.as_ptr() as usize
            },
        })
    }
}

#[pinned_drop]
impl PinnedDrop for SyncTest {
    fn drop(self: Pin<&mut Self>) {
        let here = core::ptr::from_ref::<SyncTest>(&self) as usize;
        check("in-place module stays where it was built", here == self.built_at && *self.state.lock() == 7);
    }
}
