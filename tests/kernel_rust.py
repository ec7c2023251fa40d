"""Kernels with Rust of their own (CONFIG_RUST=y, Debian's 7.x): our modules carry their own
`core`, `alloc` and `kernel`, and must coexist with the kernel's: no symbol of ours may collide
with one the kernel exports, and ours load beside the kernel's own Rust modules."""

import re
import subprocess

from harness import tail


def own_rust_modules(kernel):
    """The kernel's own Rust modules that scripts/kernel kept, if any."""
    return sorted((kernel.dir / "rust-modules").glob("*.ko"))


def exported_symbols(kernel):
    """The symbols the kernel and its modules export, from Module.symvers."""
    lines = (kernel.kdir / "Module.symvers").read_text().splitlines()
    return {line.split("\t")[1] for line in lines if line.count("\t") >= 2}


def defined_symbols(ko):
    out = subprocess.run(["nm", "--defined-only", "-g", str(ko)], stdout=subprocess.PIPE, text=True).stdout
    return {line.split()[-1] for line in out.splitlines() if line.strip()}


def built(results, kernel, modules):
    if not kernel.enabled("CONFIG_RUST"):
        return
    exported = exported_symbols(kernel)
    rust_exports = [s for s in exported if re.match(r"_R[a-zA-Z]", s)]
    # Without the kernel's own Rust exports the check below could not find a collision.
    results.check(f"{kernel.name}: Module.symvers has the kernel's own Rust symbols to collide with",
                  len(rust_exports) > 100, f"{len(rust_exports)} v0-mangled exports")
    for module in modules.values():
        clash = sorted(defined_symbols(module.ko) & exported)
        results.check(f"{kernel.name}: {module.name}.ko defines no symbol the kernel exports", not clash,
                      ", ".join(clash[:20]))


def guest_steps(guest, modules, kernel):
    own = own_rust_modules(kernel)
    if not kernel.enabled("CONFIG_RUST") or not own or "hello" not in modules:
        return
    guest.add(*own)
    names = " ".join(ko.stem for ko in own)
    loads = " && ".join(f"insmod /{ko.name}" for ko in own)
    guest.step("kernel-rust-beside-ours", f"{loads} && insmod /hello.ko && "
               f"for m in {names} hello; do grep -q \"^$m \" /proc/modules && echo \"loaded $m\"; done; "
               f"rmmod hello && rmmod {names}")


def guest_checks(results, kernel, guest):
    own = own_rust_modules(kernel)
    if not kernel.enabled("CONFIG_RUST"):
        return
    results.check(f"{kernel.name}: the kernel's own Rust modules were found (CONFIG_RUST=y)", bool(own),
                  f"none in {kernel.dir / 'rust-modules'}")
    if not own:
        return
    step = "kernel-rust-beside-ours"
    out = guest.output(step)
    loaded = all(f"loaded {m}" in out for m in [ko.stem for ko in own] + ["hello"])
    results.check(f"{kernel.name}: hello loads and unloads beside the kernel's own Rust modules "
                  f"({', '.join(ko.stem for ko in own)})", guest.status(step) == 0 and loaded,
                  tail(out + "\n" + guest.dmesg(step)))
