"""In-kernel tests (`#[kunit_tests]`): the suites of examples/rust_misc and examples/deferred run
when the module loads and print KTAP as KUnit does (where KUnit is built in, as on the debug
kernel, KUnit itself runs them); tests/modules/kunit_fail fails on purpose and must be reported
(file, line, values) with the kernel running on; scripts/test-module passes and fails with them."""

import re

from harness import ROOT, message_text, run, tail
from test_module import SPLAT, ktap_header, kunit_runs_suites, parse_ktap

MODULES = ["tests/modules/kunit_fail"]

FAIL_SOURCE = ROOT / "tests/modules/kunit_fail/src/lib.rs"

# In-kernel tests of the examples that passed, by kernel, for the summary.
counted = {}

# What kunit_fail's two suites report: (passed, failed, skipped, failed suites).
FAIL_RESULTS = (["only_passes", "passes", "passes_after_failures"], ["assert_fails", "eq_fails", "returns_err"],
                ["skipped"], ["kunit_fail"])

# The other examples with suites: {module: the name of one of its tests}.
EXAMPLE_SUITES = {"deferred": b"aggregate_records_the_ticks", "hello": b"greetings_are_bounded",
                  "params": b"weights_sum_does_not_overflow"}

# The KTAP examples/rust_misc prints, line for line.
MISC_TESTS = ["starts_empty", "fifo_order", "wraps_around_the_end", "limit_bounds_the_space", "clear_empties"]
MISC_KTAP = ["    KTAP version 1", "    # Subtest: rust_misc_ring", "    1..5",
             *[f"    ok {i} {t}" for i, t in enumerate(MISC_TESTS, 1)],
             "# rust_misc_ring: pass:5 fail:0 skip:0 total:5", "# Totals: pass:5 fail:0 skip:0 total:5",
             "ok 1 rust_misc_ring"]


def line_of(text):
    """The line number of `text` in tests/modules/kunit_fail/src/lib.rs."""
    return next(i for i, l in enumerate(FAIL_SOURCE.read_text().splitlines(), 1) if text in l)


def kunit_dir(kernel):
    """Where the examples built with their tests go: a `kunit` directory, /kunit in the guest."""
    return ROOT / "target/kunit" / kernel.name / "kunit"


def built(results, kernel, modules):
    """The examples with their in-kernel tests built in (`make KUNIT=1`), beside the plain builds
    that the other suites load and the benchmark measures, which must carry none of them."""
    misc = modules.get("rust_misc")
    if misc is None:
        return
    plain = misc.ko.read_bytes()
    results.check(f"{kernel.name}: rust_misc built without KUNIT=1 carries no test", b"wraps_around_the_end" not in plain)
    misc.build_with_tests(results, "rust_misc", b"wraps_around_the_end", kunit_dir(kernel))
    for example, marker in EXAMPLE_SUITES.items():
        if example in modules:
            modules[example].build_with_tests(results, example, marker, kunit_dir(kernel))


def guest_steps(guest, modules, kernel):
    guest.add(kunit_dir(kernel))
    # Where the kernel's KUnit ran the suites, its debugfs has their results while the module is
    # loaded.
    show = "mount -t debugfs none /sys/kernel/debug 2>/dev/null; cat {}"
    misc = show.format("/sys/kernel/debug/kunit/rust_misc_ring/results")
    fail = show.format("/sys/kernel/debug/kunit/kunit_fail/results /sys/kernel/debug/kunit/kunit_fail_second/results")
    guest.step("kunit-misc", f"insmod /kunit/rust_misc.ko; echo \"insmod status $?\"; {misc}; rmmod rust_misc; "
                             "echo \"rmmod status $?\"")
    guest.step("kunit-fail", f"insmod /kunit_fail.ko; echo \"insmod status $?\"; {fail}; rmmod kunit_fail; "
                             "echo \"rmmod status $?\"")
    for example in EXAMPLE_SUITES:
        guest.step(f"kunit-{example}", f"insmod /kunit/{example}.ko && rmmod {example}")
    guest.step("kunit-alive", "echo still running; ls /dev/null")


def guest_checks(results, kernel, guest):
    name = kernel.name
    log = guest.dmesg("kunit-misc").splitlines()
    lines, passed, failed, _, _ = parse_ktap(log)
    results.check(f"{name}: rust_misc's in-kernel suite prints KTAP version 1 as KUnit does",
                  lines == ktap_header(kernel, 1) + MISC_KTAP,
                  "\n".join(lines) or tail(guest.dmesg("kunit-misc")))
    passed_here = len(passed) if not failed else 0
    out = guest.output("kunit-misc")
    registry_checks(results, kernel, guest)
    for example, marker in EXAMPLE_SUITES.items():
        example_log = guest.dmesg(f"kunit-{example}").splitlines()
        _, passed, failed, _, bad = parse_ktap(example_log)
        results.check(f"{name}: the {example} example's in-kernel suite passes", guest.status(f"kunit-{example}") == 0
                      and marker.decode() in passed and not failed and not bad, tail("\n".join(example_log)))
        passed_here += len(passed) if not failed else 0
    results.figure("in-kernel tests passed", passed_here)
    counted[name] = passed_here
    results.check(f"{name}: rust_misc loads after its tests and unloads",
                  "insmod status 0" in out and "rmmod status 0" in out and
                  any("registered /dev/rust_misc" in l for l in log), out)

    log = guest.dmesg("kunit-fail")
    texts = [message_text(l) for l in log.splitlines()]
    eq_line = line_of("assert_eq!(double(*boxed), 41)")
    assert_line = line_of("assert!(double(limit) < limit")
    expected = [
        "    ok 1 passes",
        f"    # eq_fails: ASSERTION FAILED at tests/modules/kunit_fail/src/lib.rs:{eq_line}",
        "    Expected double(*boxed) == 41, but",
        "        double(*boxed) == 42",
        "    not ok 2 eq_fails",
        f"    # assert_fails: ASSERTION FAILED at tests/modules/kunit_fail/src/lib.rs:{assert_line}",
        "    Expected double(limit) < limit to be true, but is false",
        "    double(3) is 6",
        "    not ok 3 assert_fails",
        "    # returns_err: returned Err(ENODEV)",
        "    not ok 4 returns_err",
        "    ok 5 skipped # SKIP not on this machine",
        "    ok 6 passes_after_failures",
        "# kunit_fail: pass:2 fail:3 skip:1 total:6",
    ]
    # The suites' own results, after their tests. Their numbers and order are the runner's: the
    # module's list for kmod-rs's runner, the section's order for the kernel's KUnit.
    suite_results = [next((i for i, t in enumerate(texts) if re.fullmatch(p, t)), None)
                     for p in (r"not ok \d+ kunit_fail", r"ok \d+ kunit_fail_second")]
    missing = [e for e in expected if e not in texts]
    stats = texts.index(expected[-1]) if expected[-1] in texts else None
    if None in suite_results:
        missing.append("the suites' results (not ok N kunit_fail, ok N kunit_fail_second)")
    elif stats is not None and suite_results[0] < stats:
        missing.append("kunit_fail's result after its statistics")
    in_order = not missing and [texts.index(e) for e in expected] == sorted(texts.index(e) for e in expected)
    results.check(f"{name}: failing in-kernel tests are reported with file:line and values, in order",
                  in_order, f"missing: {missing}\n{tail(log, 40)}")
    _, passed, failed, skipped, bad = parse_ktap(log.splitlines())
    results.check(f"{name}: the KTAP reader goes on past a test's own output, to the last suite",
                  (sorted(passed), sorted(failed), skipped, bad) == FAIL_RESULTS and "printed by a test" in log,
                  f"{passed} {failed} {skipped} {bad}")
    results.check(f"{name}: a failed assertion returns from its test (nothing after it runs)",
                  not any("not reached" in t for t in texts), log)
    out = guest.output("kunit-fail")
    init = next((i for i, t in enumerate(texts) if "kunit_fail: init ran after the tests" in t), None)
    results.check(f"{name}: failing tests leave the module to initialise fully, after them, and unload",
                  "insmod status 0" in out and "rmmod status 0" in out and init is not None
                  and None not in suite_results and init > max(suite_results)
                  and "kunit_fail: unloaded" in texts[-1],
                  out + "\n" + tail(log, 6))
    results.check(f"{name}: failing tests neither BUG() nor warn, and the kernel keeps running",
                  not SPLAT.search(log) and "still running" in guest.output("kunit-alive"),
                  "\n".join(l for l in log.splitlines() if SPLAT.search(l)) or guest.output("kunit-alive"))


def registry_checks(results, kernel, guest):
    """Where KUnit is built in, the suites are registered with it: its debugfs results of the
    loaded module show what it ran, failures and skips included (kunit_set_failure and
    kunit_mark_skipped reached it). Elsewhere no KUnit has them: kmod-rs's runner ran them."""
    misc, fail = guest.output("kunit-misc"), guest.output("kunit-fail")
    if not kunit_runs_suites(kernel):
        results.check(f"{kernel.name}: without KUnit built in, no KUnit has the suites (kmod-rs's runner ran them)",
                      "kunit/rust_misc_ring/results" in misc and "No such file" in misc, misc)
        return
    _, passed, failed, _, _ = parse_ktap(misc.splitlines())
    results.check(f"{kernel.name}: rust_misc's suite is registered with the kernel's KUnit, which ran it "
                  "(its debugfs results)", sorted(passed) == sorted(MISC_TESTS) and not failed, misc)
    _, passed, failed, skipped, bad = parse_ktap(fail.splitlines())
    results.check(f"{kernel.name}: KUnit's results of the failing suites have the failures and the skip",
                  (sorted(passed), sorted(failed), skipped, bad) == FAIL_RESULTS, fail)


def after_kernels(results, kernels):
    """The count of in-kernel tests by kernel; scripts/test-module, once passing and once failing,
    on one kernel (6.1 where tested), and given that kernel as a build tree and an image."""
    if counted:
        results.note("in-kernel tests of the examples passed: " + ", ".join(f"{k}: {n}" for k, n in counted.items()))
    if not kernels:
        return
    kernel = next((k for k in kernels if k.name == "6.1"), kernels[0])
    script = str(ROOT / "scripts/test-module")
    status, out = run(["nice", "-n", "19", script, str(ROOT / "examples/rust_misc"), "--kernel", kernel.name])
    results.check(f"{kernel.name}: scripts/test-module examples/rust_misc passes and prints the KTAP",
                  status == 0 and "ok 1 rust_misc_ring" in out and
                  re.search(r"test-module: rust_misc on \S+ \(.*\): 5 passed, 0 failed, 0 skipped: PASS", out),
                  tail(out))
    status, out = run(["nice", "-n", "19", script, str(ROOT / "tests/modules/kunit_fail"), "--kernel", kernel.name])
    results.check(f"{kernel.name}: scripts/test-module fails on a failing test, naming file, line and values",
                  status != 0 and "not ok 2 eq_fails" in out and "double(*boxed) == 42" in out and
                  f"src/lib.rs:{line_of('assert_eq!(double(*boxed), 41)')}" in out and ": FAIL" in out, tail(out))
    # A kernel outside the matrix (--kdir, --image) is built for with the host's toolchain.
    what = f"{kernel.name}: scripts/test-module with --kdir and --image (a kernel outside the matrix) passes"
    if kernel.userland is not None:
        results.skip(what, "the kernel's modules are built in its own userland, --kdir builds on the host")
        return
    # Another architecture's kernel brings its busybox (scripts/kernel fetches one beside it).
    busybox = ["--busybox", str(kernel.dir / "busybox")] if kernel.arch != "x86" else []
    status, out = run(["nice", "-n", "19", script, str(ROOT / "examples/rust_misc"), "--kdir", str(kernel.kdir),
                       "--image", str(kernel.dir / "vmlinuz"), *busybox])
    results.check(what, status == 0 and re.search(
        r"test-module: rust_misc on \S+ \(.*\): 5 passed, 0 failed, 0 skipped: PASS", out), tail(out))
