"""Tests of the safe API: allocation, in-place initialisation, locks, Arc."""

from harness import ROOT, compile_checks, message_text, scratch_crate, tail

MODULES = ["tests/modules/sync_test"]


def guest_steps(guest, modules, kernel):
    guest.step("sync-test", "insmod /sync_test.ko && rmmod sync_test")


def guest_checks(results, kernel, guest):
    log = guest.dmesg("sync-test")
    checks = ["kbox", "kbox alignment 256", "kvec", "arc+locks", "pin_init plain field", "lock_interruptible",
              "arc keeps value while shared", "arc drops value with last ref", "pin_init failure drops earlier fields",
              "spinlock_irq inner guard still usable", "in-place module stays where it was built"]
    for check in checks:
        results.check(f"{kernel.name}: {check} (in the kernel)", f"sync_test: {check}: ok" in log, tail(log, 12))
    # SpinLockIrq disables interrupts, except on PREEMPT_RT (as spin_lock_irqsave()): they stay
    # disabled while any guard is held, whatever the order the guards are dropped in, and are
    # enabled again after the last.
    held = "false" if kernel.enabled("CONFIG_PREEMPT_RT") else "true"
    for order, seen in [("out of order", f"before false, both held {held}, inner held {held}, after false"),
                        ("in order", f"all held {held}, outer held {held}, after false")]:
        line = f"sync_test: irqs disabled, {order}: "
        got = next((message_text(l)[len(line):] for l in log.splitlines() if message_text(l).startswith(line)), None)
        results.check(f"{kernel.name}: SpinLockIrq guards dropped {order} keep interrupts disabled while one is "
                      "held, and restore them after the last", got == seen, f"got {got!r}, want {seen!r}")


# A module crate that prints `*value` for an `allocation` expression: through `alloc`'s infallible
# API, which panics (a kernel BUG) when memory runs out, and its control through `KBox`; and a
# reference to a `Refcount`'s count, whose `build_assert!` holds or fails.
VALUE_CRATE = """#![no_std]
extern crate alloc;
use kernel::prelude::*;
module! {{ type: M, name: "oom_check", description: "d", license: "GPL" }}
struct M;
impl kernel::Module for M {{
    fn init(_module: &'static ThisModule) -> Result<Self> {{
        let value = {allocation};
        pr_info!("{{}}\\n", *value);
        Ok(M)
    }}
}}
"""


def built(results, kernel, modules):
    """`alloc` is built without its infallible allocations (`no_global_oom_handling`, as upstream
    builds it): a module calling `alloc::boxed::Box::new` does not compile; `KBox::new` does. And
    `build_assert!` stops a build whose condition is false (`Refcount::new(-1)`), on 6.1 and 7.2."""
    crate = scratch_crate("oom_check", module=True)
    env = {"CARGO_TARGET_DIR": str(ROOT / "target"), "CARGO_NET_OFFLINE": "true"}
    for allocation, compiles in [("KBox::new(7u32, GFP_KERNEL)?", True), ("alloc::boxed::Box::new(7u32)", False)]:
        (crate / "src/lib.rs").write_text(VALUE_CRATE.format(allocation=allocation))
        status, out = kernel.make(crate, "modules", env=env)
        if compiles:
            results.check(f"{kernel.name}: a module allocating with KBox::new builds (the control)", status == 0,
                          tail(out, 15))
        else:
            results.check(f"{kernel.name}: a module allocating with alloc's infallible Box::new does not build",
                          status != 0 and "Box" in out and "new" in out and "error[E0599]" in out, tail(out, 15))
    if kernel.name not in ("6.1", "7.2"):
        # modpost's verdict is the same on every kernel; two toolchains suffice.
        results.skip(f"{kernel.name}: build_assert! stops a build whose condition fails", "checked on 6.1 and 7.2")
        return
    for count in [1, -1]:
        (crate / "src/lib.rs").write_text(VALUE_CRATE.format(
            allocation=f"&kernel::sync::Refcount::new({count}).as_atomic().load(kernel::sync::atomic::Relaxed)"))
        status, out = kernel.make(crate, "modules", env=env)
        if count > 0:
            results.check(f"{kernel.name}: build_assert! that holds leaves nothing behind: Refcount::new(1) builds",
                          status == 0, tail(out, 15))
        else:
            results.check(f"{kernel.name}: build_assert! that fails stops the build: Refcount::new(-1) is a modpost "
                          "error naming rust_build_error", status != 0 and '"rust_build_error"' in out
                          and "undefined" in out, tail(out, 15))


# Pinned initialisation at the boundaries of safe code: what must be rejected, with the error
# rustc gives, and the control that must compile. A library crate (not a module) names the
# pin-init library's paths itself, as src/init.rs says.
PIN_INIT_CRATE = """#![no_std]
extern crate kernel as pinned_init;
use kernel::prelude::*;
#[pin_data]
struct Plain {{ #[pin] lock: SpinLock<u32>, value: u32 }}
{items}
"""
PIN_INIT_CASES = [
    ("a `#[pin_data]` struct, fields by initializer and by value (the control)",
     "pub fn make() -> impl PinInit<Plain> { pin_init!(Plain { lock <- new_spinlock!(0), value: 1 }) }", None),
    ("a raw-pointer dereference without `unsafe` in a field's expression",
     "pub fn make() -> impl PinInit<Plain> "
     "{ pin_init!(Plain { lock <- new_spinlock!(0), value: *core::ptr::null::<u32>() }) }", "E0133"),
    ("a packed struct in `pin_init!` (its fields would be written unaligned)",
     "#[pin_data] #[repr(C, packed)] struct Packed { byte: u8, value: u32 }\n"
     "pub fn make() -> impl PinInit<Packed> { pin_init!(Packed { byte: 1, value: 2 }) }", "E0793"),
    ("a packed struct in `init!`",
     "#[repr(C, packed)] struct Packed { byte: u8, value: u32 }\n"
     "pub fn make() -> impl Init<Packed> { init!(Packed { byte: 1, value: 2 }) }", "E0793"),
    ("`impl Unpin` on a `#[pin_data]` struct with a pinned field", "impl Unpin for Plain {}", "E0119"),
    ("a plain `Drop` on a `#[pin_data]` struct (it must be `#[pinned_drop]`)",
     "impl Drop for Plain { fn drop(&mut self) {} }", "E0119"),
    ("moving a lock out of the box it was pinned in",
     "pub fn take() -> Result<Mutex<u32>> "
     "{ let b = KBox::pin_init(new_mutex!(0u32), GFP_KERNEL)?; Ok(*Pin::into_inner(b)) }", "E0277"),
]


def host_checks(results, toolchain, kernel):
    """Pinned initialisation evaluates the caller's expressions in safe code, refuses packed
    structs, and keeps pinned objects where they are."""
    compile_checks(results, toolchain, kernel, "pinned initialisation",
                   [(what, PIN_INIT_CRATE.format(items=items), error) for what, items, error in PIN_INIT_CASES])
