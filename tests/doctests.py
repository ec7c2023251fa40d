"""The `kernel` crate's doc examples, run inside every booted kernel of the matrix, as upstream runs
its own (`rust_doctests_kernel`): tests/modules/rust_doctests_kernel gathers them at build time
into one in-kernel suite. Every example that is Rust and not `ignore`d, or `ignore`d on the host
but tagged `kernel`, must run there and pass; the count is checked against this file's own
reading of src/, so an example the build silently dropped fails the suite. An example tagged
`no_run` as well (`ignore,kernel,no_run`) is compiled into the module but not run: the built
module must hold each one's name (in the table that keeps them, see the module's build.rs)."""

import functools
import re

from harness import ROOT, message_text, tail
from test_module import SPLAT, parse_ktap

MODULES = ["tests/modules/rust_doctests_kernel"]

FENCE = re.compile(r"^\s*//[/!] ?```(.*)$")
# Info strings of examples that are not Rust or cannot run as a test.
NOT_RUN = {"compile_fail", "should_panic", "text", "sh", "c", "console", "toml", "make"}
counted = {}
compiled = {}


@functools.cache
def kernel_examples():
    """(file, line, whether it runs) of every doc example of src/ that the module takes: run in
    the kernel, or (`no_run`) compiled only; read once."""
    found = []
    for path in sorted((ROOT / "src").rglob("*.rs")):
        inside = False
        for number, line in enumerate(path.read_text().splitlines(), 1):
            m = FENCE.match(line)
            if not m:
                continue
            if inside:
                inside = False
                continue
            inside = True
            tags = set(re.split(r"[,\s]+", m.group(1).strip())) - {""}
            taken = not tags & NOT_RUN and ("kernel" in tags if "ignore" in tags else tags <= {"rust", "no_run", "kernel"})
            if taken:
                found.append((str(path.relative_to(ROOT / "src")), number, "no_run" not in tags))
    return tuple(found)


def expected_examples():
    """(file, line) of every doc example of src/ that must run in the kernel."""
    return tuple((f, l) for f, l, run in kernel_examples() if run)


def compiled_examples():
    """(file, line) of every doc example of src/ that the module compiles but does not run."""
    return tuple((f, l) for f, l, run in kernel_examples() if not run)


def test_name(file, line):
    return re.sub(r"[^A-Za-z0-9]", "_", f"{file}_{line}")


def built(results, kernel, modules):
    """Checks that the built module holds every compile-only example, by the names build.rs keeps
    with them (`doctest_compiled:<name>`, NUL-terminated)."""
    module = modules.get("rust_doctests_kernel")
    if module is None:
        return
    ko = module.ko.read_bytes()
    names = [test_name(f, l) for f, l in compiled_examples()]
    missing = [n for n in names if f"doctest_compiled:{n}\0".encode() not in ko]
    results.check(f"{kernel.name}: every compile-only doc example of the kernel crate is in the module "
                  f"({len(names)})", not missing, f"not in {module.ko.name}: {missing}")
    results.figure("doc examples compiled only, not run (all kernels)", len(names) - len(missing))
    compiled[kernel.name] = len(names) - len(missing)


def guest_steps(guest, modules, kernel):
    if "rust_doctests_kernel" in modules:
        guest.step("doctests", "insmod /rust_doctests_kernel.ko; echo \"insmod status $?\"; "
                               "rmmod rust_doctests_kernel; echo \"rmmod status $?\"")


def guest_checks(results, kernel, guest):
    log = guest.dmesg("doctests").splitlines()
    lines, passed, failed, skipped, bad_suites = parse_ktap(log)
    expected = [test_name(f, l) for f, l in expected_examples()]
    ran = passed + failed + skipped
    results.check(f"{kernel.name}: every doc example of the kernel crate runs in the kernel ({len(expected)})",
                  sorted(ran) == sorted(expected),
                  f"not run: {sorted(set(expected) - set(ran))}; unexpected: {sorted(set(ran) - set(expected))}\n"
                  + tail(guest.dmesg("doctests")))
    results.check(f"{kernel.name}: the doc examples pass in the kernel", ran and not failed and not skipped
                  and not bad_suites, f"failed: {failed}, skipped: {skipped}\n" + "\n".join(lines[-40:]))
    out = guest.output("doctests")
    results.check(f"{kernel.name}: the doc examples leave the kernel clean (no splat) and the module unloads",
                  "insmod status 0" in out and "rmmod status 0" in out and not SPLAT.search("\n".join(log)),
                  out + "\n" + "\n".join(l for l in map(message_text, log) if SPLAT.search(l)))
    results.figure("doc examples run in the kernel (all kernels)", len(passed) if not failed else 0)
    counted[kernel.name] = len(passed)


def after_kernels(results, kernels):
    if counted:
        results.note("doc examples passed in the kernel: " + ", ".join(f"{k}: {n}" for k, n in counted.items()))
    if compiled:
        results.note("doc examples compiled into the module only: "
                     + ", ".join(f"{k}: {n}" for k, n in compiled.items()))
