#!/usr/bin/env python3
"""The test suite: host checks, then for each kernel the module builds, code-generation checks
and one boot that exercises the modules from user space. Ends with `N passed, N failed`.

Usage: tests/run.py [--kernel NAME]... [--no-host]
"""

import argparse
import sys

import foundation
from harness import ROOT, Guest, Kernel, Results, Toolchain, say, tail

KERNELS = ["6.1", "6.12"]


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
        kernels.append(Kernel(name))
    if not args.no_host:
        say("host checks: unit tests, lints, docs, error messages")
        foundation.host_checks(results, toolchain, kernels[0].kdir)
    for kernel in kernels:
        say(f"kernel {kernel.name} ({kernel.release}): building and checking modules")
        modules = foundation.build_checks(results, kernel)
        guest = Guest()
        foundation.guest_steps(guest, modules)
        foundation.final_steps(guest)
        say(f"kernel {kernel.name}: booting under QEMU")
        booted = guest.boot(kernel, ROOT / "target/test" / kernel.name)
        results.check(f"{kernel.name}: the guest ran every step", booted, tail(guest.console))
        foundation.guest_checks(results, kernel, guest)
    sys.exit(0 if results.summary() else 1)


if __name__ == "__main__":
    main()
