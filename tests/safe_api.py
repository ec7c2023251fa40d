"""Tests of the safe API: allocation, in-place initialisation, locks, Arc."""

from harness import message_text, tail

MODULES = ["tests/modules/sync_test"]


def guest_steps(guest, modules, kernel):
    guest.step("sync-test", "insmod /sync_test.ko && rmmod sync_test")


def guest_checks(results, kernel, guest):
    log = guest.dmesg("sync-test")
    checks = ["kbox", "kbox alignment 256", "kvec", "arc+locks", "pin_init plain field", "lock_interruptible",
              "arc keeps value while shared", "arc drops value with last ref", "pin_init failure drops earlier fields",
              "spinlock_irq inner guard still usable"]
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
