"""Shipping a module to users' machines: `make dkms` makes a DKMS source tree that Debian's dkms
adds, builds and installs with the network off, into a scratch root (the host's /lib/modules and
DKMS state stay as they are), and modprobe loads the installed module in the booted kernel.
Modules signed as DKMS signs them for Secure Boot (by DKMS itself, or `make sign`) load where the
kernel enforces signatures; unsigned ones and ones signed with a key it does not trust are refused.
"""

import functools
import re
import shutil
import time

from harness import ROOT, Guest, message_text, run, tail
from shipping import new_module

WORK = ROOT / "target/dkms"
CRATE = WORK / "shipped"
NAME = "shipped"
VERSION = "0.1.0"
# A stock kernel, which trusts Debian's keys only (the module loads unverified, tainting E), and
# the debug kernel, which trusts the test key pair of scripts/kernel; it boots a second time with
# module.sig_enforce=1 for the signed modules.
DKMS_KERNELS = {"6.12", "6.1-debug"}
ENFORCING = "6.1-debug"
SIGNER = "kmod-rs test module signing key"


def fetch():
    shutil.rmtree(WORK, ignore_errors=True)
    status, out = new_module(CRATE)
    if status != 0:
        raise RuntimeError(f"scripts/new-module failed:\n{out}")


@functools.cache
def dkms_tree():
    """`make dkms` in the crate, once for every kernel: (status, output, tree)."""
    status, out = run(["make", "dkms"], cwd=CRATE)
    return status, out, CRATE / "dkms" / f"{NAME}-{VERSION}"


def offline(root, script):
    """Runs `script` with the network off (a network namespace of its own, with no interface up)
    and DKMS's configuration from `root` (a mount namespace in which /etc/dkms is root/etc-dkms)."""
    return run(["unshare", "--mount", "--net", "sh", "-ec", f"mount --bind {root}/etc-dkms /etc/dkms\n{script}"])


def guest_dir(kernel):
    """The scratch root's /lib and the signing test's modules, for the guest."""
    return WORK / "guest" / kernel.name


def signer(ko):
    return run(["modinfo", "-F", "signer", str(ko)])[1].strip()


def built(results, kernel, modules):
    if kernel.name not in DKMS_KERNELS:
        return
    status, out, tree = dkms_tree()
    results.check("host: make dkms makes a DKMS source tree with dkms.conf and the crates vendored",
                  status == 0 and (tree / "dkms.conf").exists() and (tree / "vendor/pinned-init").is_dir()
                  and (tree / "kmod-rs/kbuild/rust-module.mk").exists(), tail(out))
    if status != 0:
        return
    shutil.rmtree(guest_dir(kernel), ignore_errors=True)
    installed = install(results, kernel, tree)
    if kernel.name == ENFORCING and installed and signing(results, kernel):
        enforced(results, kernel)


def install(results, kernel, tree):
    """dkms add, build and install, as a user runs them, with the network off, into a scratch
    root; depmod there, as dkms would in /lib/modules."""
    root = WORK / kernel.name
    shutil.rmtree(root, ignore_errors=True)
    modules_dir = root / "lib/modules" / kernel.release
    for d in (root / "etc-dkms", root / "usr/src", root / "var/lib/dkms", modules_dir):
        d.mkdir(parents=True)
    # The debug kernel's trusted pair; elsewhere none yet: DKMS makes its own, as on a new machine.
    keys = kernel.dir / "signing" if kernel.name == ENFORCING else root / "mok"
    (root / "mok").mkdir()
    (root / "etc-dkms/framework.conf").write_text(
        f'source_tree="{root}/usr/src"\ndkms_tree="{root}/var/lib/dkms"\ninstall_tree="{root}/lib/modules"\n'
        f'sign_file="{kernel.kdir}/scripts/sign-file"\n'
        f'mok_signing_key="{keys}/mok.key"\nmok_certificate="{keys}/mok.pub"\n')
    module = f"{NAME}/{VERSION}"
    start = time.monotonic()
    status, out = offline(root, f"dkms add {tree}\ndkms build {module} -k {kernel.release} --kernelsourcedir "
                                f"{kernel.kdir}\ndkms install {module} -k {kernel.release} --no-depmod\n"
                                f"dkms status {module}")
    seconds = time.monotonic() - start
    ko = modules_dir / "updates/dkms" / f"{NAME}.ko"
    log = root / f"var/lib/dkms/{NAME}/{VERSION}/build/make.log"
    results.check(f"{kernel.name}: dkms adds, builds and installs the tree with the network off",
                  status == 0 and ko.exists() and f"{NAME}/{VERSION}, {kernel.release}, x86_64: installed" in out,
                  tail(out) + (f"\n{tail(log.read_text())}" if log.exists() else ""))
    results.note(f"DKMS build of a module crate's tree ({kernel.name}, network off, shared cache for core "
                 f"and alloc): {seconds:.0f} s")
    if not ko.exists():
        return False
    expected = SIGNER if kernel.name == ENFORCING else "DKMS module signing key"
    results.check(f"{kernel.name}: dkms signs the module with its key pair ({expected})", signer(ko) == expected,
                  signer(ko))
    status, out = run(["depmod", "-b", str(root), kernel.release])
    dep = (modules_dir / "modules.dep").read_text() if (modules_dir / "modules.dep").exists() else ""
    results.check(f"{kernel.name}: depmod indexes the installed module", f"updates/dkms/{NAME}.ko:" in dep,
                  tail(out) + dep)
    shutil.copytree(root / "lib", guest_dir(kernel) / "lib")
    if kernel.name == ENFORCING:
        return True
    # The control: the same tree with cargo's configuration gone needs crates.io, and cannot
    # reach it there.
    copy = WORK / "no-vendor"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(tree, copy, symlinks=True)
    (copy / "cargo-home/config.toml").unlink()
    status, out = offline(root, f"make -C {copy} KDIR={kernel.kdir}")
    results.check("host: without its vendored sources the tree cannot build there: the network is off (the control)",
                  status != 0 and "index.crates.io" in out, tail(out, 8))
    return True


def signing(results, kernel):
    """make sign with the kernel's trusted pair; an unsigned build and one signed with another key
    for the refusals."""
    keys = kernel.dir / "signing"
    out_dir = guest_dir(kernel) / "signing"
    out_dir.mkdir(parents=True)
    make = ["env", "-u", "KDIR", "make", f"KDIR={kernel.kdir}"]
    ko = CRATE / f"{NAME}.ko"
    status, out = run(make, cwd=CRATE)
    results.check(f"{kernel.name}: the crate builds unsigned with make", status == 0 and not signer(ko), tail(out))
    if status != 0:
        return False
    shutil.copy(ko, out_dir / "unsigned.ko")
    status, out = run(make + ["sign", f"MOK_KEY={keys}/mok.nonexistent", f"MOK_CERT={keys}/mok.pub"], cwd=CRATE)
    results.check("host: make sign names MOK_KEY= when the key is missing",
                  status != 0 and f"{keys}/mok.nonexistent does not exist; set MOK_KEY=" in out, tail(out, 3))
    sign = make + ["sign", f"MOK_KEY={keys}/mok.key", f"MOK_CERT={keys}/mok.pub"]
    run(sign, cwd=CRATE)
    status, out = run(sign, cwd=CRATE)
    data = ko.read_bytes() if ko.exists() else b""
    results.check(f"{kernel.name}: make sign signs the module with MOK_KEY, once however often it runs",
                  status == 0 and signer(ko) == SIGNER and data.count(b"~Module signature appended~") == 1
                  and re.search(r"^\s*SIGN\s+", out, re.M), tail(out))
    shutil.copy(ko, out_dir / "signed.ko")
    other = WORK / "other-key"
    run(["openssl", "req", "-new", "-x509", "-nodes", "-days", "1", "-subj", "/CN=an untrusted key", "-newkey",
         "rsa:2048", "-keyout", f"{other}.key", "-outform", "DER", "-out", f"{other}.pub"])
    shutil.copy(out_dir / "unsigned.ko", out_dir / "untrusted.ko")
    status, out = run([f"{kernel.kdir}/scripts/sign-file", "sha256", f"{other}.key", f"{other}.pub",
                       str(out_dir / "untrusted.ko")])
    results.check("host: a copy signed with another key (for the refusal)",
                  status == 0 and signer(out_dir / "untrusted.ko") == "an untrusted key", out)
    return signer(out_dir / "signed.ko") == SIGNER


def enforced(results, kernel):
    """A boot with module.sig_enforce=1: the signed modules load, without E; the others do not."""
    guest = Guest()
    guest.add(*guest_dir(kernel).iterdir())
    guest.step("sig-enforced", "cat /sys/module/module/parameters/sig_enforce")
    for what in ("unsigned", "untrusted"):
        guest.step(f"sig-{what}", f'insmod /signing/{what}.ko; echo "insmod status $?"; '
                                  f'test -d /sys/module/{NAME} && echo loaded || echo "not loaded"')
    guest.step("sig-signed", f"insmod /signing/signed.ko && cat /sys/module/{NAME}/taint && rmmod {NAME}")
    guest.step("dkms-modprobe", f"modprobe {NAME} greetings=2 && cat /sys/module/{NAME}/taint && rmmod {NAME}")
    booted = guest.boot(kernel, ROOT / "target/test" / kernel.name / "enforcing", append="module.sig_enforce=1")
    name = kernel.name
    results.check(f"{name}: booted with module.sig_enforce=1, the guest ran every step",
                  booted and guest.output("sig-enforced").split() == ["Y"], tail(guest.console))
    for what, reason in [("unsigned", "unsigned module"), ("untrusted", "module with unavailable key")]:
        out, dmesg = guest.output(f"sig-{what}"), guest.dmesg(f"sig-{what}")
        results.check(f"{name}: with signatures enforced, an {what} module is refused",
                      "insmod status 0" not in out and "insmod status" in out and "not loaded" in out
                      and f"Loading of {reason} is rejected" in dmesg, out + dmesg)
    results.check(f"{name}: with signatures enforced, the module make sign signed loads, its taint without E",
                  guest.status("sig-signed") == 0 and guest.output("sig-signed").split() == ["O"],
                  guest.output("sig-signed") + guest.dmesg("sig-signed"))
    modprobe_checks(results, kernel, guest, "O")


def guest_steps(guest, modules, kernel):
    if not (guest_dir(kernel) / "lib").is_dir():
        return
    guest.add(guest_dir(kernel) / "lib")
    if kernel.name == ENFORCING:
        # The control of the enforcing boot's taint checks: not enforced, an unsigned module
        # loads, and its taint says E.
        guest.add(guest_dir(kernel) / "signing")
        guest.step("sig-unsigned-loads", f"insmod /signing/unsigned.ko && cat /sys/module/{NAME}/taint "
                                         f"&& rmmod {NAME}")
    else:
        guest.step("dkms-modprobe", f"modprobe {NAME} greetings=2 && cat /sys/module/{NAME}/taint && rmmod {NAME}")


def modprobe_checks(results, kernel, guest, taint):
    texts = [t for t in map(message_text, guest.dmesg("dkms-modprobe").splitlines()) if t.startswith(f"{NAME}: ")]
    expected = [f"{NAME}: Hello from Rust ({i} of 2)" for i in (1, 2)] + [f"{NAME}: Goodbye"]
    results.check(f"{kernel.name}: modprobe loads the module dkms installed (taint {taint}), with its parameter",
                  guest.status("dkms-modprobe") == 0 and guest.output("dkms-modprobe").split() == [taint]
                  and texts == expected, guest.output("dkms-modprobe") + "\n" + "\n".join(texts))


def guest_checks(results, kernel, guest):
    if "sig-unsigned-loads" in guest.outputs:
        results.check(f"{kernel.name}: an unsigned module loads while signatures are not enforced, tainting E "
                      "(the control)", guest.status("sig-unsigned-loads") == 0
                      and guest.output("sig-unsigned-loads").split() == ["OE"], guest.output("sig-unsigned-loads"))
    elif "dkms-modprobe" in guest.outputs:
        # Debian's kernels do not trust DKMS's key: the module loads unverified (E), as on a
        # machine without Secure Boot whose owner has not enrolled the key.
        modprobe_checks(results, kernel, guest, "OE")
