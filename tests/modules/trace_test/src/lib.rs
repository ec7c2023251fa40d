//! Test module for tracepoints: a tracepoint of the module's own C part (`events.c`, its trace
//! header in `include/`), fired from Rust with `kernel::declare_trace!` on every tick of a 10 ms
//! timer while the module is loaded, so that the guest can enable the event after loading and
//! see it fire, on every kernel (on kernels before 6.13 through kbuild/include/linux/tracepoint.h).

#![no_std]

use core::sync::atomic::{AtomicU32, Ordering};
use kernel::prelude::*;
use kernel::time::msecs_to_jiffies;
use kernel::time::timer::{Timer, TimerCallback, TimerHandle};

module! {
    type: TraceTest,
    name: "trace_test",
    license: "GPL",
    description: "Test module: a tracepoint of its own C part, fired from Rust",
}

mod trace {
    use kernel::ffi::{c_int, c_uint};

    kernel::declare_trace! {
        /// # Safety
        ///
        /// Always safe to call: the arguments are the tracepoint's `TP_PROTO`.
        pub(crate) unsafe fn trace_test_tick(tick: c_uint, value: c_int);
    }
}

/// Fires the tracepoint with its tick count and the tick count negated, then re-arms.
struct Ticker {
    ticks: AtomicU32,
}

impl TimerCallback for Ticker {
    fn run(timer: &Timer<Self>) {
        let tick = timer.ticks.fetch_add(1, Ordering::Relaxed) + 1;
        // SAFETY: the arguments have the tracepoint's types (`unsigned int`, `int`).
        unsafe { trace::trace_test_tick(tick, (tick as i32).wrapping_neg()) };
        timer.schedule(msecs_to_jiffies(10));
    }
}

struct TraceTest {
    ticker: TimerHandle<Ticker>,
}

impl kernel::Module for TraceTest {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let ticker = new_timer!(Ticker { ticks: AtomicU32::new(0) }, "trace_test", GFP_KERNEL)?;
        ticker.schedule(msecs_to_jiffies(10));
        Ok(TraceTest { ticker })
    }
}

impl Drop for TraceTest {
    fn drop(&mut self) {
        pr_info!("{} ticks\n", self.ticker.ticks.load(Ordering::Relaxed));
    }
}
