"""Tests of deferred work: timers, work items and kernel threads, through examples/deferred and
the deferred_test module; above all, that unloading stops them."""

import re

from harness import tail

MODULES = ["examples/deferred", "tests/modules/deferred_test"]

RUN_SECONDS = 2
# Seconds between insmod and rmmod in the quick load/unload cycles: from "armed, nothing ran yet"
# to "the work item was queued a few times".
CHURN_DELAYS = ["0", "0", "0.01", "0.02", "0.03", "0.05", "0.07", "0.1", "0.13", "0.17", "0.2", "0.25"]
STEPS = ["deferred-run", "deferred-quiet", "deferred-churn", "deferred-churn-quiet", "deferred-test",
         "deferred-test-quiet"]

STARTED = re.compile(r"deferred: started: period (\d+) jiffies \(HZ=(\d+)\)")
STOPPED = re.compile(r"deferred: stopped after (\d+) jiffies: (\d+) ticks, (\d+) work runs "
                     r"\(last saw (\d+) ticks\), (\d+) thread loops")
PROGRESS = re.compile(r"deferred: progress: (\d+) ticks, (\d+) work runs")
SPLAT = re.compile(r"WARNING:|BUG:|Oops|Call Trace|lockdep|INFO: |scheduling while atomic|invalid context")

TEST_CHECKS = [
    "timer cancel before expiry",
    "timer schedule moves an armed timer",
    "timer re-armed from its callback",
    "timer cancel from its own callback",
    "timer drop waits for a running callback",
    "timer callback reads a writable parameter",
    "timer callback reads a writable parameter while the parameter lock is held",
    "work queued while running runs again, once",
    "work cancel waits for the running function",
    "work drop waits for the running function, cancels the queued run",
    "work cancel from its own function",
    "kthread runs its closure",
    "kthread drop stops its loop and waits for it",
    "kthread closure dropped once, run or not",
    "kthread stopped long after its closure returned",
]


def guest_steps(guest, modules, kernel):
    guest.step("deferred-run", f"insmod /deferred.ko && sleep {RUN_SECONDS} && rmmod deferred")
    guest.step("deferred-quiet", "sleep 1")
    guest.step("deferred-churn", f"for d in {' '.join(CHURN_DELAYS)}; do "
                                 "insmod /deferred.ko && sleep $d && rmmod deferred || echo FAILED; done")
    guest.step("deferred-churn-quiet", "sleep 1")
    guest.step("deferred-test", "insmod /deferred_test.ko && rmmod deferred_test")
    # Longer than the 1.5 s timer the test module leaves armed at unload.
    guest.step("deferred-test-quiet", "sleep 2")


def guest_checks(results, kernel, guest):
    name = kernel.name
    run_checks(results, name, guest)
    churn_checks(results, name, guest)
    test_module_checks(results, name, guest)
    splats = [line for step in STEPS for line in guest.dmesg(step).splitlines() if SPLAT.search(line)]
    ran = all(guest.status(step) is not None for step in STEPS)
    results.check(f"{name}: deferred work: no WARNING, BUG or lockdep report in the log", ran and not splats,
                  "\n".join(splats[:20]) or "the steps did not run")


def jiffies_for(msecs, hz):
    """msecs_to_jiffies(): rounded up."""
    return -(-msecs * hz // 1000)


def run_checks(results, name, guest):
    log = guest.dmesg("deferred-run")
    started, stopped = STARTED.search(log), STOPPED.search(log)
    results.check(f"{name}: deferred loads, runs {RUN_SECONDS} s and unloads",
                  guest.status("deferred-run") == 0 and started and stopped, tail(log, 15))
    if not (started and stopped):
        return
    period, hz = int(started[1]), int(started[2])
    elapsed, ticks, runs, last_seen, loops = (int(g) for g in stopped.groups())
    results.check(f"{name}: deferred timer period is 10 ms in jiffies (HZ={hz})", period == jiffies_for(10, hz),
                  f"period {period}")
    # A periodic timer never fires more often than its period; on TCG it may fire late, but not
    # that late.
    expected = elapsed / period
    results.check(f"{name}: periodic timer re-armed from its callback: {ticks} ticks in {elapsed} jiffies",
                  expected / 4 <= ticks <= expected + 1, f"expected about {expected:.0f}")
    # Queued every 10 ticks; a run may merge with the next queueing or be cancelled at unload.
    results.check(f"{name}: work item queued from the timer ran {runs} times for {ticks} ticks",
                  max(1, ticks // 20) <= runs <= ticks // 10 and runs * 10 <= last_seen <= ticks,
                  f"last run saw {last_seen} ticks")
    thread_period = jiffies_for(20, hz)
    results.check(f"{name}: kernel thread looped {loops} times in {elapsed} jiffies",
                  elapsed / thread_period / 4 <= loops <= elapsed / thread_period + 2)
    progress = [(int(t), int(r)) for t, r in PROGRESS.findall(log)]
    results.check(f"{name}: the work item reports growing counts while the module runs",
                  len(progress) >= 2 and all(b[0] > a[0] and b[1] == a[1] + 3 for a, b in zip(progress, progress[1:])),
                  str(progress))
    lines = [line for line in log.splitlines() if "deferred: " in line]
    results.check(f"{name}: nothing of deferred runs after its unload message",
                  lines and STOPPED.search(lines[-1]) and "deferred" not in guest.dmesg("deferred-quiet"),
                  tail(guest.dmesg("deferred-quiet")))


def churn_checks(results, name, guest):
    log = guest.dmesg("deferred-churn")
    events = [m for line in log.splitlines() for m in ("started", "stopped") if f"deferred: {m}" in line]
    cycles = len(CHURN_DELAYS)
    results.check(f"{name}: deferred loads and unloads {cycles} times in quick succession",
                  "FAILED" not in guest.output("deferred-churn") and events == ["started", "stopped"] * cycles,
                  guest.output("deferred-churn") + tail(log, 10))
    results.check(f"{name}: nothing of deferred runs after quick unloads",
                  guest.status("deferred-churn-quiet") == 0 and "deferred" not in guest.dmesg("deferred-churn-quiet"),
                  tail(guest.dmesg("deferred-churn-quiet")))


def test_module_checks(results, name, guest):
    log = guest.dmesg("deferred-test")
    for check in TEST_CHECKS:
        results.check(f"{name}: {check} (in the kernel)", f"deferred_test: {check}: ok" in log, tail(log, 15))
    done = log.find("deferred_test: exit: done, slow work ran 1 times")
    results.check(f"{name}: unloading waits for a running work item and cancels its queued rerun",
                  "deferred_test: exit: slow work running: true" in log and log.count("slow work start") == 1
                  and -1 < log.find("deferred_test: slow work done") < done, tail(log, 8))
    quiet = guest.dmesg("deferred-test-quiet")
    results.check(f"{name}: a timer armed at unload never fires",
                  guest.status("deferred-test-quiet") == 0 and done > -1 and "late timer" not in log + quiet
                  and "deferred_test" not in quiet, tail(quiet))
