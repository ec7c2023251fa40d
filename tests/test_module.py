#!/usr/bin/env python3
"""Tests a module crate on a kernel: builds it via Kbuild (in the kernel's own userland where it
has one), boots the kernel under QEMU (scripts/boot), loads the module, which runs its
`#[kunit_tests]` suites, runs CRATE_DIR/tests/guest.sh in the guest if there is one, unloads the
module, prints the KTAP from the kernel log and a summary line. Exits non-zero on any failure.

Usage: scripts/test-module CRATE_DIR [--kernel NAME]... [--kdir DIR --image FILE]
"""

import argparse
import re
import sys
import tempfile
from pathlib import Path

from harness import Guest, Kernel, Module, message_text, tail

# What the kernel prints when the module broke it.
SPLAT = re.compile(r"BUG:|Oops|WARNING:|general protection|Call Trace|kernel BUG")
TEST_LINE = re.compile(r"^    (ok|not ok) \d+ (\S+)( # SKIP.*)?$")
SUITE_LINE = re.compile(r"^(ok|not ok) \d+ (\S+)")


class LocalKernel(Kernel):
    """A kernel given as a build tree and an image instead of a matrix name."""

    def __init__(self, kdir, image, workdir, busybox=None):
        self.name = Path(kdir).resolve().name
        self.kdir = Path(kdir).resolve()
        self.dir = workdir
        (workdir / "vmlinuz").unlink(missing_ok=True)
        (workdir / "vmlinuz").symlink_to(Path(image).resolve())
        self.release = (self.kdir / "include/config/kernel.release").read_text().strip()
        self.userland = None
        self.read_configuration()
        # What scripts/kernel writes for a kernel of the matrix, for scripts/boot.
        (workdir / "arch").write_text(f"{self.arch}\n")
        if self.arch != "x86":
            # Its initramfs needs a busybox of its architecture, which the host's is not.
            if busybox is None:
                raise SystemExit(f"test-module: {self.kdir} is an {self.arch} kernel: give an {self.arch} "
                                 f"busybox-static for its initramfs with --busybox FILE (Debian: the "
                                 f"busybox-static:{self.arch} package's bin/busybox)")
            (workdir / "busybox").unlink(missing_ok=True)
            (workdir / "busybox").symlink_to(Path(busybox).resolve())


def kunit_runs_suites(kernel):
    """Whether the kernel's own KUnit runs a module's suites (built in), rather than kmod-rs's
    runner (kernel::kunit)."""
    return kernel.enabled("CONFIG_KUNIT")


def ktap_header(kernel, suites):
    """The top-level lines of the KTAP a module's `suites` print when it loads: kmod-rs's runner
    prints them; 6.1's KUnit (the debug kernel's) prints each suite's own lines without them."""
    return [] if kunit_runs_suites(kernel) else ["KTAP version 1", f"1..{suites}"]


def parse_ktap(log_lines):
    """The KTAP lines of the kernel log and the tests in them: (lines, passed, failed, skipped,
    failed suites). As in KTAP (and kunit_tool), a line that is not KTAP inside a run, such as
    what a test printed, is not part of the results and does not end them; a run ends with the
    last top-level result its plan announced. A suite's own header outside a run starts a run
    of that one suite (6.1's KUnit prints a module's suites so)."""
    lines, passed, failed, skipped, bad_suites = [], [], [], [], []
    inside, planned, results = False, None, 0
    for raw in log_lines:
        line = message_text(raw)
        if line == "KTAP version 1":
            inside, planned, results = True, None, 0
        elif line == "    KTAP version 1" and not inside:
            inside, planned, results = True, 1, 0
        if not inside or not line.startswith(("KTAP", "1..", "ok ", "not ok ", "# ", "    ")):
            continue
        lines.append(line)
        if (m := re.match(r"1\.\.(\d+)", line)) and planned is None:
            planned = int(m.group(1))
        m = TEST_LINE.match(line)
        if m:
            (skipped if m.group(3) else passed if m.group(1) == "ok" else failed).append(m.group(2))
        m = SUITE_LINE.match(line)
        if m:
            results += 1
            if m.group(1) == "not ok":
                bad_suites.append(m.group(2))
        if planned is not None and results >= planned:
            inside = False
    return lines, passed, failed, skipped, bad_suites


def test_on(kernel, crate, workdir):
    """Builds, boots and tests `crate` on `kernel`; prints what happened; returns success."""
    module = Module(crate, kernel)
    if not module.build("KUNIT=1"):
        print(f"test-module: {module.name} does not build for {kernel.name}:\n{tail(module.output)}")
        return False
    guest = Guest()
    guest.add(module.ko)
    guest.step("load", f"insmod /{module.ko.name}")
    script = crate / "tests/guest.sh"
    if script.exists():
        guest.add(script)
        guest.step("guest-script", "sh /guest.sh")
    guest.step("unload", f"rmmod {module.name}")
    guest.boot(kernel, workdir, smp=2, timeout=600)

    problems = []
    if not guest.completed:
        problems.append("the guest did not run to its end (crash or timeout)")
    if guest.status("load") != 0:
        problems.append(f"insmod failed: {guest.output('load')}")
    lines, passed, failed, skipped, bad_suites = parse_ktap(guest.dmesg("load").splitlines())
    for line in lines:
        print(line)
    if failed or bad_suites:
        problems.append(f"in-kernel tests failed: {', '.join(failed or bad_suites)}")
    if script.exists():
        print(guest.output("guest-script"))
        if guest.status("guest-script") != 0:
            problems.append(f"tests/guest.sh exited with {guest.status('guest-script')}")
    if guest.status("unload") != 0:
        problems.append(f"rmmod failed: {guest.output('unload')}")
    splats = [l for l in guest.dmesg().splitlines() if SPLAT.search(l)]
    if splats:
        problems.append("the kernel reported: " + "; ".join(message_text(l) for l in splats[:5]))
    for problem in problems:
        print(f"test-module: {kernel.name}: {problem}")
    script_note = "" if not script.exists() else f", tests/guest.sh {'failed' if guest.status('guest-script') else 'passed'}"
    print(f"test-module: {module.name} on {kernel.name} ({kernel.release}): {len(passed)} passed, {len(failed)} failed, "
          f"{len(skipped)} skipped{script_note}: {'FAIL' if problems else 'PASS'}", flush=True)
    return not problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("crate", type=Path, help="the module crate (with Cargo.toml and Kbuild)")
    parser.add_argument("--kernel", action="append", default=[], help="a kernel of the matrix (repeatable)")
    parser.add_argument("--kdir", help="a kernel build tree, with --image")
    parser.add_argument("--image", help="the bzImage of the --kdir kernel")
    parser.add_argument("--busybox", help="for an --kdir kernel of another architecture: a busybox of its own")
    args = parser.parse_args()
    crate = args.crate.resolve()
    if not (crate / "Kbuild").exists():
        parser.error(f"{crate} has no Kbuild file (see README.md, 'Writing a module')")
    if bool(args.kdir) != bool(args.image):
        parser.error("--kdir and --image go together")
    if not args.kernel and not args.kdir:
        parser.error("name a kernel: --kernel NAME, or --kdir DIR --image FILE")

    work = Path(tempfile.mkdtemp(prefix="test-module-"))
    kernels = [Kernel(name) for name in args.kernel]
    if args.kdir:
        (work / "local").mkdir()
        kernels.append(LocalKernel(args.kdir, args.image, work / "local", args.busybox))
    results = [test_on(kernel, crate, work / kernel.name) for kernel in kernels]
    print(f"test-module: {sum(results)} of {len(results)} kernels passed")
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
