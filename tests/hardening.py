"""Hardening checks over the kernel matrix: no report from the kernel's checkers (KASAN,
lockdep, kmemleak, atomic-sleep checks) while the modules are used."""

import re

from harness import tail

# What the kernel's checkers print when they find something.
REPORT = re.compile(
    r"BUG: KASAN|BUG: sleeping function|BUG: scheduling while atomic|BUG: unable to handle|"
    r"WARNING: possible (circular|recursive) locking|WARNING: inconsistent lock state|"
    r"WARNING: suspicious RCU|possible irq lock inversion|unreferenced object|"
    r"general protection fault|Oops|refcount_t: "
)

# Steps that provoke reports on purpose (the Rust panic test), left out of the count.
EXPECTED_TO_REPORT = {"panic", "tainted-before-panic"}


def guest_steps(guest, modules, kernel):
    if kernel.enabled("CONFIG_DEBUG_KMEMLEAK"):
        # kmemleak reports objects unreferenced for more than 5 s: wait, then scan twice.
        guest.step("kmemleak", "sleep 6; echo scan > /sys/kernel/debug/kmemleak; "
                               "echo scan > /sys/kernel/debug/kmemleak; cat /sys/kernel/debug/kmemleak")


def guest_checks(results, kernel, guest):
    reports = [line for step, out in guest.outputs.items() if step not in EXPECTED_TO_REPORT
               for line in out["dmesg"] + out["output"] if REPORT.search(line)]
    results.figure("checker reports found", len(reports))
    results.check(f"{kernel.name}: no KASAN, lockdep, kmemleak or atomic-sleep report", not reports,
                  "\n".join(reports[:20]))
    if kernel.enabled("CONFIG_DEBUG_KMEMLEAK"):
        results.check(f"{kernel.name}: kmemleak ran and found no leak", guest.status("kmemleak") == 0
                      and "unreferenced object" not in guest.output("kmemleak"), tail(guest.output("kmemleak")))
