"""Hardening checks over the kernel matrix: fuzzing the device example from user space,
allocation failures injected with failslab (on the debug kernel), and no report from the kernel's
checkers (KASAN, lockdep, kmemleak, atomic-sleep checks) while the modules are used."""

import re

from harness import guest_program, tail

FUZZ_SEED = 20261121
FUZZ_ITERATIONS = 10000  # per process; two processes, on two CPUs
FAILSLAB = "/sys/kernel/debug/failslab"
FAILSLAB_BUDGET = 100000  # failslab's `times`: how many failures it may inject
FAILSLAB_ROUNDS = 30
# Modules loaded (and used) with allocations failing at random.
FAILSLAB_MODULES = ["rust_misc", "sync_test", "params", "hello"]

# What the kernel's checkers print when they find something.
REPORT = re.compile(
    r"BUG: KASAN|BUG: sleeping function|BUG: scheduling while atomic|BUG: unable to handle|"
    r"WARNING: possible (circular|recursive) locking|WARNING: inconsistent lock state|"
    r"WARNING: suspicious RCU|possible irq lock inversion|unreferenced object|"
    r"general protection fault|Oops|refcount_t: "
)

# The positive controls (tests/modules/checker_controls): step, `provoke=` value, what the
# checker must print, on kernels with that checker. In this order: lockdep turns itself off for
# good at its first report and at a KASAN report (which marks the kernel unreliable for it).
CONTROLS = [
    ("control-lockdep", 2, "CONFIG_PROVE_LOCKING", r"WARNING: possible circular locking dependency detected"),
    ("control-sleep", 4, "CONFIG_DEBUG_ATOMIC_SLEEP", r"BUG: sleeping function called from invalid context"),
    ("control-kmemleak", 3, "CONFIG_DEBUG_KMEMLEAK", r"unreferenced object 0x[0-9a-f]+ \(size 64\)"),
    ("control-kasan", 1, "CONFIG_KASAN", r"BUG: KASAN: slab-out-of-bounds in .*checker_controls"),
]

# Steps that provoke reports on purpose (the Rust panic tests and the positive controls), left
# out of the count.
CONTROL_STEPS = {c[0] for c in CONTROLS}
EXPECTED_TO_REPORT = {"panic", "tainted-before-panic", "kthread-panic"} | CONTROL_STEPS

MODULES = ["tests/modules/checker_controls"]


def boot_options(kernel):
    """Kernel command line for the boot: mark the kmalloc caches for failslab's cache filter
    (`slub_debug` flag `A`; the per-cache sysfs switch is read-only since 5.9)."""
    return "slub_debug=A,kmalloc-*" if kernel.enabled("CONFIG_FAILSLAB") else ""


def guest_steps(guest, modules, kernel):
    guest.add(guest_program("fuzz", arch=kernel.arch))
    guest.step("fuzz", f"insmod /rust_misc.ko && /fuzz /dev/rust_misc {FUZZ_ITERATIONS} {FUZZ_SEED} 2")
    guest.step("fuzz-after", "/misc_test ring; rmmod rust_misc")
    if kernel.enabled("CONFIG_FAILSLAB"):
        failslab_steps(guest)
    if kernel.enabled("CONFIG_DEBUG_KMEMLEAK"):
        # kmemleak reports objects unreferenced for more than 5 s: wait, then scan twice.
        guest.step("kmemleak", "sleep 6; echo scan > /sys/kernel/debug/kmemleak; "
                               "echo scan > /sys/kernel/debug/kmemleak; cat /sys/kernel/debug/kmemleak")


def control_steps(guest, modules, kernel):
    """The positive controls, after every other step (lockdep reports once, then turns itself
    off) and before the panics (an oops turns lockdep off too)."""
    for step, provoke, option, _ in CONTROLS:
        if not kernel.enabled(option) or "checker_controls" not in modules:
            continue
        scan = ("; sleep 6; echo scan > /sys/kernel/debug/kmemleak; echo scan > /sys/kernel/debug/kmemleak; "
                "cat /sys/kernel/debug/kmemleak") if step == "control-kmemleak" else ""
        guest.step(step, f"insmod /checker_controls.ko provoke={provoke} && rmmod checker_controls{scan}")


def failslab_steps(guest):
    """Loads and uses modules while failslab fails a quarter of the kmalloc allocations of the
    loading or using task (task-filter: only tasks that asked, through /proc/self/make-it-fail;
    cache-filter: only the kmalloc caches, the allocator of `KBox`, `KVec` and `Arc`, so that the
    kernel's own private caches, such as vmalloc's, which 6.1 warns about failing, are left be)."""
    failing = "sh -c 'echo 1 > /proc/self/make-it-fail; exec \"$@\"' failing"
    loads = "\n".join(
        f"""    {failing} insmod /{m}.ko && loaded=$((loaded + 1)) || refused=$((refused + 1))
    if [ -d /sys/module/{m} ]; then
        {'' if m != 'rust_misc' else f'{failing} /fuzz /dev/rust_misc 200 $round 2 >/dev/null;'}
        rmmod {m} || echo "cannot unload {m}"
    fi"""
        for m in FAILSLAB_MODULES)
    guest.step("failslab", f"""
cd {FAILSLAB}
echo N > ignore-gfp-wait; echo Y > task-filter; echo 0 > verbose; echo 1 > interval
echo Y > cache-filter
grep -L 1 /sys/kernel/slab/kmalloc-*/failslab | sed 's/^/cannot filter /'
echo 25 > probability; echo {FAILSLAB_BUDGET} > times
loaded=0; refused=0
for round in $(seq 1 {FAILSLAB_ROUNDS}); do
{loads}
done
echo 0 > probability
echo "loaded $loaded refused $refused left $(cat times)"
ls /sys/module | grep -x -e rust_misc -e sync_test -e params -e hello && echo "a module stayed loaded"
cd /
""")
    guest.step("failslab-after", "insmod /rust_misc.ko && /misc_test ring; rmmod rust_misc")


def guest_checks(results, kernel, guest):
    name = kernel.name
    out = guest.output("fuzz")
    m = re.search(r"fuzz: /dev/rust_misc (\d+) operations: ok=(\d+) EFAULT=(\d+)", out)
    results.check(f"{name}: fuzzing /dev/rust_misc ({2 * FUZZ_ITERATIONS} random calls, 2 processes) finishes",
                  guest.status("fuzz") == 0 and m is not None, tail(out))
    if m:
        results.figure("fuzz iterations", int(m.group(1)))
        results.check(f"{name}: the fuzzer reached both the driver and its EFAULT paths",
                      int(m.group(2)) > 0 and int(m.group(3)) > 0, out)
    after = guest.output("fuzz-after")
    results.check(f"{name}: /dev/rust_misc still works after fuzzing (misc_test ring passes)",
                  "ok concurrent" in after and "FAIL " not in after, tail(after))
    if kernel.enabled("CONFIG_FAILSLAB"):
        failslab_checks(results, name, guest)
    reports_check(results, kernel, guest)
    control_checks(results, kernel, guest)


def failslab_checks(results, name, guest):
    out = guest.output("failslab")
    m = re.search(r"loaded (\d+) refused (\d+) left (\d+)", out)
    results.check(f"{name}: failslab run completed, failing kmalloc caches only", m is not None
                  and "cannot filter" not in out, tail(out))
    if not m:
        return
    loaded, refused, left = (int(x) for x in m.groups())
    injected = FAILSLAB_BUDGET - left
    results.figure("injected allocation failures survived", injected)
    results.check(f"{name}: failslab injected failures ({injected}) into module loading and use",
                  injected > 0 and refused > 0, out)
    results.check(f"{name}: with allocations failing, insmod either loads or fails cleanly (loaded {loaded}, "
                  f"refused {refused}), and every loaded module unloads",
                  loaded + refused == FAILSLAB_ROUNDS * len(FAILSLAB_MODULES) and "cannot unload" not in out
                  and "stayed loaded" not in out, out)
    refusals = set(re.findall(r"insmod: can't insert '[^']+': (.+)", out))
    results.check(f"{name}: insmod refusals under failslab are ENOMEM", refusals <= {"Cannot allocate memory"},
                  str(refusals))
    after = guest.output("failslab-after")
    results.check(f"{name}: /dev/rust_misc works after the failslab run", "ok concurrent" in after
                  and "FAIL " not in after, tail(after))


def control_checks(results, kernel, guest):
    """Each checker the kernel has reports what its control provoked: the "no report" checks
    above can fail."""
    for step, _, option, report in CONTROLS:
        if not kernel.enabled(option):
            continue
        seen = guest.dmesg(step) + "\n" + guest.output(step)
        results.check(f"{kernel.name}: positive control: {option[7:]} reports what checker_controls provoked",
                      re.search(report, seen) is not None, tail(seen, 30))


def reports_check(results, kernel, guest):
    reports = [line for step, out in guest.outputs.items() if step not in EXPECTED_TO_REPORT
               for line in out["dmesg"] + out["output"] if REPORT.search(line)]
    results.figure("checker reports found", len(reports))
    results.check(f"{kernel.name}: no KASAN, lockdep, kmemleak or atomic-sleep report", not reports,
                  "\n".join(reports[:20]))
    if kernel.enabled("CONFIG_DEBUG_KMEMLEAK"):
        results.check(f"{kernel.name}: kmemleak ran and found no leak", guest.status("kmemleak") == 0
                      and "unreferenced object" not in guest.output("kmemleak"), tail(guest.output("kmemleak")))
