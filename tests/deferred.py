"""Tests of deferred work: timers, work items and kernel threads, through examples/deferred and
the deferred_test module; above all, that unloading stops them, and that work still queued or
running at unload (or at a failed load) runs to its end before the module's code goes. And, on
the host, what the work item types refuse to compile."""

import re

import codegen
from harness import compile_checks, tail

MODULES = ["examples/deferred", "tests/modules/deferred_test"]

RUN_SECONDS = 2
# Seconds between insmod and rmmod in the quick load/unload cycles: from "armed, nothing ran yet"
# to "the work item was queued a few times".
CHURN_DELAYS = ["0", "0", "0.01", "0.02", "0.03", "0.05", "0.07", "0.1", "0.13", "0.17", "0.2", "0.25"]
STEPS = ["deferred-run", "deferred-quiet", "deferred-churn", "deferred-churn-quiet", "deferred-fail",
         "deferred-test", "deferred-test-quiet"]
# Written to the kernel log by the guest once rmmod (or the failing insmod) has returned.
RETURNED = "deferred_test: rmmod returned"
FAIL_RETURNED = "deferred_test: failed insmod returned"

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
    "timer handle dropped in its own callback: disarmed, freed after it returns",
    "timer drop waits for a running callback",
    "timer callback reads a writable parameter",
    "timer callback reads a writable parameter while the parameter lock is held",
    "work runs on a worker thread, which may sleep",
    "work queued while running runs again, once",
    "an Arc work item queued while queued comes back as Err, the same Arc",
    "an Arc work item is freed once its runs and references are gone",
    "a KBox work item runs once, and its run frees it",
    "dropping the last reference inside run frees the item there",
    "a work item queued again from its run runs again",
    "a type with two Work fields (ID 0 and 1) runs each field's function",
    "a work item queued from a timer callback (atomic context) runs",
    "try_spawn runs a closure on the queue",
    "a delayed work item runs once, after its delay",
    "an Arc delayed item queued while its delay is pending comes back as Err, the same Arc",
    "a KBox delayed item runs once, and its run frees it",
    "a delayed item with no delay runs at once",
    "an ARef work item runs with the queue's reference, comes back as Err while queued, and is freed with its "
    "last reference",
    "kthread runs its closure",
    "kthread drop stops its loop and waits for it",
    "kthread closure dropped once, run or not",
    "kthread drops its own handle: asked to stop, holds the module until it exits",
    "kthread stopped long after its closure returned",
]


def built(results, kernel, modules):
    """The module's own workqueue comes with `workqueue::system()`: a module that queues work gets
    the C init_module/cleanup_module that create and destroy it, one that does not keeps module!'s
    own (weak) ones and has no workqueue."""
    for name, uses in [("deferred", True), ("deferred_test", True), ("hello", False)]:
        if name not in modules:
            continue
        symbols = codegen.Object(modules[name].ko).bindings
        glue = symbols.get("init_module") == "GLOBAL" and symbols.get("cleanup_module") == "GLOBAL" \
            and "kmod_rs_module_wq" in symbols
        plain = symbols.get("init_module") == "WEAK" and symbols.get("cleanup_module") == "WEAK" \
            and "kmod_rs_module_wq" not in symbols
        results.check(f"{kernel.name}: {name} " + ("has its own workqueue (it queues work)" if uses
                                                   else "has no workqueue (it queues no work)"),
                      glue if uses else plain, str({k: v for k, v in symbols.items() if "module" in k}))


def guest_steps(guest, modules, kernel):
    guest.step("deferred-run", f"insmod /deferred.ko && sleep {RUN_SECONDS} && rmmod deferred")
    guest.step("deferred-quiet", "sleep 1")
    guest.step("deferred-churn", f"for d in {' '.join(CHURN_DELAYS)}; do "
                                 "insmod /deferred.ko && sleep $d && rmmod deferred || echo FAILED; done")
    guest.step("deferred-churn-quiet", "sleep 1")
    # The failed load's log is followed by the next step's: nothing of it may show there.
    guest.step("deferred-fail", "insmod /deferred_test.ko fail_after_enqueue=1; echo \"insmod status $?\"; "
                                f"echo '{FAIL_RETURNED}' > /dev/kmsg")
    guest.step("deferred-test", f"insmod /deferred_test.ko && rmmod deferred_test && echo '{RETURNED}' > /dev/kmsg")
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


def index(lines, text):
    """The number of the first of `lines` that contains `text`, or None."""
    return next((i for i, line in enumerate(lines) if text in line), None)


def test_module_checks(results, name, guest):
    log = guest.dmesg("deferred-test")
    for check in TEST_CHECKS:
        results.check(f"{name}: {check} (in the kernel)", f"deferred_test: {check}: ok" in log, tail(log, 15))
    lines = log.splitlines()

    returned = index(lines, RETURNED)
    dropped = index(lines, "deferred_test: exit: module state dropped, slow work ran 1 times, 16 items queued")
    freed = index(lines, "deferred_test: slow work freed after 2 runs")
    at_exit = index(lines, "deferred_test: exit: all 16 items queued at unload ran")
    done = [i for i, line in enumerate(lines) if "deferred_test: slow work done" in line]
    second_done = done[1] if len(done) > 1 else None
    results.check(f"{name}: unloading waits for a work item running at unload, then runs its queued rerun",
                  "deferred_test: exit: slow work running: true" in log and None not in (returned, dropped, freed)
                  and log.count("slow work start") == 2 and second_done is not None
                  and dropped < second_done < freed < returned, tail(log, 12))
    results.check(f"{name}: work items queued during unload all run before rmmod returns",
                  None not in (dropped, at_exit, returned) and dropped < at_exit < returned, tail(log, 12))
    delayed = [index(lines, "deferred_test: exit: delayed item pending at unload dropped, never run"),
               index(lines, "deferred_test: exit: periodic delayed item dropped, ran: true")]
    results.check(f"{name}: unloading cancels delayed work not started (dropped unrun) and stops an item that "
                  "queues itself again with a delay, before rmmod returns", None not in delayed + [returned]
                  and max(delayed) < returned and "pending at unload ran" not in log, tail(log, 12))
    after = lines[returned + 1:] if returned is not None else []
    quiet = guest.dmesg("deferred-test-quiet")
    results.check(f"{name}: a timer armed at unload never fires, nothing of the module runs after rmmod",
                  guest.status("deferred-test-quiet") == 0 and returned is not None and "late timer" not in log + quiet
                  and "deferred_test" not in quiet and not any("deferred_test" in line for line in after), tail(quiet))
    fail = guest.dmesg("deferred-fail")
    fail_lines = fail.splitlines()
    ran = index(fail_lines, "deferred_test: failed init: its queued work ran")
    back = index(fail_lines, FAIL_RETURNED)
    results.check(f"{name}: a failing init's queued work runs before insmod returns, and never after",
                  "insmod status 0" not in guest.output("deferred-fail") and "failed init: returning EBUSY" in fail
                  and None not in (ran, back) and ran < back and "failed init" not in log, tail(fail, 8))


# What the work item types must refuse, each against the control (the same crate, compiling). A
# library crate, as src/init.rs says such a crate names the pin-init library itself.
WORK_CRATE = """#![no_std]
extern crate kernel as pinned_init;
use kernel::prelude::*;
use kernel::workqueue::{{self, impl_has_work, new_work, Work, WorkItem}};
#[pin_data]
pub struct Item {{ value: {value}, {pin}work: Work<Item{id}> }}
impl_has_work! {{ impl HasWork<Self{id}> for Item {{ self.{field} }} }}
impl WorkItem{id_param} for Item {{
    type Pointer = {pointer};
    fn run(_this: {pointer}) {{}}
}}
pub fn make() -> impl PinInit<Item> {{ pin_init!(Item {{ value: Default::default(), work <- new_work!() }}) }}
pub fn queue(item: {queued}) {{ let _ = workqueue::system().{method}{turbofish}(item{delay}); }}
"""
WORK_DEFAULTS = dict(value="u32", pin="#[pin] ", id="", id_param="", field="work", pointer="Arc<Item>", queued="Arc<Item>",
                     turbofish="", method="enqueue", delay="")
WORK_CASES = [
    ("an Arc work item (the control)", {}, None),
    ("a Pin<KBox<_>> work item (the control)", dict(pointer="Pin<KBox<Item>>", queued="Pin<KBox<Item>>"), None),
    ("a second Work field's ID given explicitly (the control)",
     dict(id=", 1", id_param="<1>", turbofish="::<_, 1>"), None),
    ("a Pin<KBox<_>> item that is Send but not Sync (the control: only its queue has it)",
     dict(value="core::cell::Cell<u32>", pointer="Pin<KBox<Item>>", queued="Pin<KBox<Item>>"), None),
    ("queueing an item that is not Send (a raw pointer in it)",
     dict(value="Option<*mut u8>", pointer="Pin<KBox<Item>>", queued="Pin<KBox<Item>>"),
     "E0277]: `*mut u8` cannot be sent between threads safely"),
    ("queueing an Arc item that is not Sync (a Cell in it)", dict(value="core::cell::Cell<u32>"),
     "E0277]: `Cell<u32>` cannot be shared between threads safely"),
    ("queueing an item as a pointer other than its WorkItem::Pointer",
     dict(pointer="Pin<KBox<Item>>", queued="Arc<Item>"),
     "E0271]: type mismatch resolving `<Item as WorkItem>::Pointer == Arc<Item>`"),
    ("a WorkItem whose Pointer is not an owning pointer to a work item", dict(pointer="&'static Item"),
     "E0277]: the trait bound `&'static Item: WorkItemPointer<0>` is not satisfied"),
    ("a Work field not structurally pinned (it could be moved out of a pinned item)", dict(pin=""),
     "Init<Work<Item>, _>` is not satisfied"),
    ("impl_has_work! naming a field that is not a Work", dict(field="value"), "E0308"),
    ("queueing with an ID the item has no Work for", dict(turbofish="::<_, 1>"),
     "E0277]: the trait bound `Item: WorkItem<1>` is not satisfied"),
    ("queueing with a delay an item whose Work is not a DelayedWork", dict(method="enqueue_delayed", delay=", 1"),
     "HasDelayedWork"),
]


def host_checks(results, toolchain, kernel):
    """A work item is queued only as the pointer its `WorkItem` names, only when a worker thread
    may have it (`Send`, and `Sync` for an `Arc`), and `impl_has_work!` only accepts a `Work`."""
    cases = [(what, WORK_CRATE.format(**dict(WORK_DEFAULTS, **parts)), error) for what, parts, error in WORK_CASES]
    compile_checks(results, toolchain, kernel, "the work item API", cases)
