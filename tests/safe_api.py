"""Tests of the safe API: allocation, in-place initialisation, locks, Arc."""

from harness import tail

MODULES = ["tests/modules/sync_test"]


def guest_steps(guest, modules, kernel):
    guest.step("sync-test", "insmod /sync_test.ko && rmmod sync_test")


def guest_checks(results, kernel, guest):
    log = guest.dmesg("sync-test")
    checks = ["kbox", "kbox alignment 256", "kvec", "arc+locks", "pin_init plain field", "lock_interruptible",
              "arc keeps value while shared", "arc drops value with last ref", "pin_init failure drops earlier fields"]
    for check in checks:
        results.check(f"{kernel.name}: {check} (in the kernel)", f"sync_test: {check}: ok" in log, tail(log, 12))
