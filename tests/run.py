#!/usr/bin/env python3
"""The test suite: host checks, then for each kernel the module builds, code-generation checks
and one boot (two CPUs) that exercises the modules from user space. Ends with
`N passed, N failed`.

Usage: tests/run.py [--kernel NAME]... [--no-host]
Kernels: 6.1, 6.1-rt, 6.12, 6.12-rt (Debian 12 and bookworm-backports), 6.12-trixie (Debian 13),
7.2-trixie (trixie-backports), 7.2, 7.2-rt (Debian unstable), 7.3-rc (experimental), 6.1-debug
(built here with KASAN, lockdep, kmemleak and failslab), 6.1-arm64 (Debian 12's arm64 kernel,
cross-built and booted under qemu-system-aarch64 with TCG), 6.12-arm64 (bookworm-backports'),
7.2-arm64 (sid's, cross-built in the sid userland); all by default. Kernels of other
releases have their modules built in that release's userland (scripts/userland).

On arm64 every suite's modules are built with the arm64 code-generation checks, and the guest
runs every step but the x86-specific ones, each reported as SKIP: the 32-bit x86 compat ioctl
program and the benchmark's smoke run (x86 kernels only).

Each suite module may define:
  fetch()                                     fetches or writes what it needs, before any check
  MODULES                                     module directories, built and checked per kernel
  modules_for(kernel)                         more of them, for the kernels that can build them
  host_checks(results, toolchain, kernel)     checks run once, before the kernels
  built(results, kernel, modules)             host-side checks of the built modules
  guest_steps(guest, modules, kernel)         steps for the booted guest
  guest_checks(results, kernel, guest)        checks of what the guest saw
  boot_options(kernel)                        kernel command-line options the suite needs
  after_kernels(results, kernels)             checks run once, after the kernels
"""

import argparse
import sys
import time

import bench_smoke
import configfs
import debugfs
import deferred
import dkms
import doctests
import foundation
import hardening
import kernel_rust
import kunit
import misc
import mmap_pages
import params
import safe_api
import shipping
import toolchains
import upstream_samples
from harness import ROOT, Guest, Kernel, Module, Results, Toolchain, say, tail
import codegen

KERNELS = ["6.1", "6.1-rt", "6.12", "6.12-rt", "6.12-trixie", "7.2-trixie", "7.2", "7.2-rt", "7.3-rc", "6.1-debug",
           "6.1-arm64", "6.12-arm64", "7.2-arm64"]
SUITES = [foundation, toolchains, safe_api, params, misc, mmap_pages, deferred, debugfs, kunit, doctests, kernel_rust,
          upstream_samples, configfs, shipping, dkms, hardening, bench_smoke]


def hooks(name):
    return [getattr(suite, name) for suite in SUITES if hasattr(suite, name)]


def build_checks(results, kernel):
    """Builds every suite's modules; checks the build is silent and the code is right."""
    modules = {}
    checks = codegen.checks_for(kernel)
    paths = [m for suite in SUITES for m in getattr(suite, "MODULES", [])]
    paths += [m for modules_for in hooks("modules_for") for m in modules_for(kernel)]
    for path in paths:
        module = Module(ROOT / path, kernel)
        built = module.build()
        results.check(f"{kernel.name}: build {path}", built, tail(module.output))
        if not built:
            continue
        modules[module.name] = module
        results.check(f"{kernel.name}: {path}: objtool, modpost and rustc are silent", not module.warnings(),
                      "\n".join(module.warnings()))
        obj = codegen.Object(module.ko)
        for name, check in checks.items():
            ok, detail = check(obj)
            results.check(f"{kernel.name}: {path}: {name}", ok, detail)
    return modules


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kernel", action="append", choices=KERNELS, help="test only this kernel (repeatable)")
    parser.add_argument("--no-host", action="store_true", help="skip the host checks (lints, docs, unit tests)")
    args = parser.parse_args()

    results = Results()
    toolchain = Toolchain()
    kernels = []
    for name in args.kernel or KERNELS:
        say(f"kernel {name}: fetching")
        start = time.monotonic()
        kernels.append(Kernel(name))
        results.time(f"fetching {name} (and its userland)", time.monotonic() - start)
    start = time.monotonic()
    for fetch in hooks("fetch"):
        fetch()
    results.time("fetching what the suites need (upstream's samples)", time.monotonic() - start)
    if not args.no_host:
        say("host checks: unit tests, lints, docs, error messages")
        start = time.monotonic()
        for check in hooks("host_checks"):
            check(results, toolchain, kernels[0])
        results.time("host checks", time.monotonic() - start)
    results.figure(f"kernels passed (of {len(kernels)})", 0)
    for kernel in kernels:
        start = time.monotonic()
        failed_before = len(results.failed)
        say(f"kernel {kernel.name} ({kernel.release}): building and checking modules")
        modules = build_checks(results, kernel)
        for check in hooks("built"):
            check(results, kernel, modules)
        guest = Guest()
        for steps in hooks("guest_steps"):
            steps(guest, modules, kernel)
        hardening.control_steps(guest, modules, kernel)
        foundation.final_steps(guest)
        say(f"kernel {kernel.name}: booting under QEMU")
        append = " ".join(option(kernel) for option in hooks("boot_options"))
        # TCG emulates arm64 on this x86 host, several times slower than x86 under KVM or TCG.
        timeout = 900 if kernel.arch == "x86" else 1800
        booted = guest.boot(kernel, ROOT / "target/test" / kernel.name, smp=2, timeout=timeout, append=append)
        results.check(f"{kernel.name}: the guest ran every step", booted, tail(guest.console))
        results.figure("boots retried after a crash before the tests began", int(guest.retried))
        for check in hooks("guest_checks"):
            check(results, kernel, guest)
        results.figure(f"kernels passed (of {len(kernels)})", int(len(results.failed) == failed_before))
        results.time(f"kernel {kernel.name} (builds, checks, boot)", time.monotonic() - start)
    start = time.monotonic()
    for check in hooks("after_kernels"):
        check(results, kernels)
    results.time("after the kernels (benchmark smoke run)", time.monotonic() - start)
    sys.exit(0 if results.summary() else 1)


if __name__ == "__main__":
    main()
