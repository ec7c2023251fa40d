"""Tests of misc devices, user memory, ioctl and poll: examples/rust_misc and
tests/modules/misc_scratch, driven from user space by tests/guest/misc_test/."""

import re

from foundation import PATTERN, joined
from harness import ROOT, RUST_MISC_UAPI, compile_checks, guest_program, message_text, run, tail

MODULES = ["examples/rust_misc", "tests/modules/misc_scratch"]

# The checks misc_test prints, per mode; each must print "ok <name>".
RING_CHECKS = ["node", "rw-zero", "rw-one", "rw-page", "rw-wrap", "rw-large", "write-atomic", "efault-bad-ptr",
               "efault-kernel-ptr", "efault-partial", "ioctl-unknown", "ioctl-get-len", "ioctl-clear",
               "ioctl-set-limit", "ioctl-xchg-limit", "ioctl-stats", "rw-vectored", "fdinfo", "stream-espipe", "poll-readiness",
               "poll-timeout", "poll-wakeup", "epoll", "blocking-read", "blocking-write", "signal-eintr",
               "signal-restart", "concurrent", "rmmod-busy-while-open"]
SCRATCH_CHECKS = ["scratch-seek", "scratch-null-ops", "scratch-remove-while-open", "scratch-race", "scratch-cursor",
                  "scratch-widths"]

STEPS = ["misc-load", "misc-ring", "misc-compat32", "misc-unload", "scratch-load", "scratch-fdinfo", "scratch",
         "scratch-unload"]
SPLAT = re.compile(r"WARNING:|BUG:|Oops|general protection|Call Trace|possible circular locking|"
                   r"possible recursive locking|INFO: task .* blocked|list_(add|del) corruption")


# A freestanding i386 program: the build host has no 32-bit C library. Nor 32-bit kernel headers,
# but x86's <asm/...> serve i386 and x86_64 alike: the 64-bit ones, after the usual directories.
COMPAT32_FLAGS = ["-m32", "-nostdlib", "-ffreestanding", "-fno-pic", "-no-pie", "-fno-stack-protector",
                  "-idirafter", "/usr/include/x86_64-linux-gnu"]


def guest_steps(guest, modules, kernel):
    guest.add(guest_program("misc_test", arch=kernel.arch))
    if kernel.arch == "x86":
        guest.add(guest_program("misc_compat32", COMPAT32_FLAGS))
    guest.step("misc-load", "insmod /rust_misc.ko && ls -l /dev/rust_misc && cat /sys/module/rust_misc/refcnt")
    guest.step("misc-ring", "/misc_test ring")
    if kernel.enabled("CONFIG_IA32_EMULATION"):
        guest.step("misc-compat32", "/misc_compat32")
    guest.step("misc-unload", "rmmod rust_misc; echo \"rmmod status $?\"; ls /dev/rust_misc; "
                              "ls -d /sys/module/rust_misc")
    guest.step("scratch-load", "insmod /misc_scratch.ko && ls /dev/misc_scratch /dev/misc_scratch_ctl")
    guest.step("scratch-fdinfo", "exec 3</dev/misc_scratch_cursor && cat /proc/self/fdinfo/3")
    guest.step("scratch", "/misc_test scratch")
    guest.step("scratch-unload", "rmmod misc_scratch; echo \"rmmod status $?\"; "
                                 "ls /dev/misc_scratch /dev/misc_scratch_ctl; ls -d /sys/module/misc_scratch")


def program_checks(results, name, output, checks):
    lines = output.splitlines()
    for check in checks:
        failure = next((l for l in lines if l.startswith(f"FAIL {check}:")), None)
        results.check(f"{name}: misc_test {check}", f"ok {check}" in lines and failure is None,
                      failure or tail(output, 8))
    results.check(f"{name}: misc_test reports no other failure", not any(l.startswith("FAIL ") for l in lines),
                  "\n".join(l for l in lines if l.startswith("FAIL ")))


def guest_checks(results, kernel, guest):
    name = kernel.name
    out = guest.output("misc-load")
    results.check(f"{name}: rust_misc loads and creates /dev/rust_misc (crw-rw-rw-, refcnt 0)",
                  guest.status("misc-load") == 0 and out.startswith("crw-rw-rw-") and out.splitlines()[-1:] == ["0"],
                  out)
    results.check(f"{name}: rust_misc logs its minor",
                  re.search(r"rust_misc: registered /dev/rust_misc \(minor \d+\)", guest.dmesg("misc-load")),
                  guest.dmesg("misc-load"))

    program_checks(results, name, guest.output("misc-ring"), RING_CHECKS)
    if kernel.arch != "x86":
        results.skip(f"{name}: ioctls of a 32-bit process reach the driver (compat_ptr_ioctl)",
                     "x86-specific (misc_compat32 is a 32-bit x86 program)")
    elif kernel.enabled("CONFIG_IA32_EMULATION"):
        out = guest.output("misc-compat32")
        results.check(f"{name}: ioctls of a 32-bit process reach the driver (compat_ptr_ioctl)",
                      guest.status("misc-compat32") == 0 and "ok compat-ioctl" in out.splitlines(), out)

    out, log = guest.output("misc-unload"), guest.dmesg("misc-unload")
    results.check(f"{name}: rmmod rust_misc succeeds once idle", "rmmod status 0" in out, out)
    results.check(f"{name}: /dev/rust_misc and the module are gone after rmmod",
                  "/dev/rust_misc: No such file" in out and "/sys/module/rust_misc: No such file" in out, out)
    results.check(f"{name}: unloading frees the shared buffer (no file kept a reference)",
                  "rust_misc: removing /dev/rust_misc" in log and
                  re.search(r"rust_misc: buffer freed \(0 bytes unread\)", log), log)

    results.check(f"{name}: misc_scratch loads with both devices", guest.status("scratch-load") == 0,
                  guest.output("scratch-load"))
    print_checks(results, name, guest)
    program_checks(results, name, guest.output("scratch"), SCRATCH_CHECKS)
    scratch_lifetime_checks(results, name, guest.dmesg("scratch"))

    out, log = guest.output("scratch-unload"), guest.dmesg("scratch-unload")
    results.check(f"{name}: rmmod misc_scratch succeeds and removes both nodes",
                  "rmmod status 0" in out and out.count("No such file") == 3, out)
    results.check(f"{name}: misc_scratch frees the last generation on unload",
                  re.search(r"misc_scratch: generation \d+ freed", log) and "misc_scratch: unloaded" in log, log)

    log = "\n".join(guest.dmesg(step) for step in STEPS)
    results.check(f"{name}: no warning, BUG, oops or lockdep report from the misc tests", not SPLAT.search(log),
                  "\n".join(l for l in log.splitlines() if SPLAT.search(l)))


def print_checks(results, name, guest):
    """misc_scratch's messages about its cursor device (at load) and in the cursor's fdinfo, each
    kind as core::fmt would print it: a format of its own, a slow argument, a core::fmt-only
    placeholder, and a message longer than one call."""
    lines = guest.dmesg("scratch-load").splitlines()
    texts = [message_text(line) for line in lines]
    for text in ["dev fast: 5 0xab str%", "dev slow: 6 z", "dev fmt:    8|"]:
        results.check(f"{name}: dev_*! prints '{text}' after the device's names",
                      any(t.endswith(f"misc_scratch_cursor: {text}") for t in texts), "\n".join(texts[-12:]))
    long = joined(lines, "misc_scratch_cursor: dev long 600 <")
    results.check(f"{name}: a dev_*! message of 600 bytes arrives whole", long == PATTERN[:600] + ">",
                  f"got {len(long)} bytes: {long[:80]}")
    out = guest.output("scratch-fdinfo").splitlines()
    expected = ["seq fast: 42 0xff str -1%", "seq slow: 3 c", "seq fmt:    7|Some(1)", f"seq long 600 <{PATTERN[:600]}>"]
    results.check(f"{name}: seq_print! prints its formats, slow arguments and long strings into fdinfo",
                  guest.status("scratch-fdinfo") == 0 and all(e in out for e in expected), "\n".join(out)[:1500])


def scratch_lifetime_checks(results, name, log):
    """A removed device's memory lives until its last file closes, not until the removal."""
    lines = log.splitlines()

    def index(text):
        return next((i for i, l in enumerate(lines) if text in l), None)

    removing = index("misc_test: removing generation 1")
    closing = index("misc_test: closing the last file of generation 1")
    freed = index("misc_scratch: generation 1 freed")
    results.check(f"{name}: a removed device's state is freed when its last file closes, not before",
                  None not in (removing, closing, freed) and removing < closing < freed, tail(log, 20))


# A misc device at the boundaries of safe code. The control is a device in upstream's shape with
# a poll table registration; the others must not compile.
MISC_CRATE = """#![no_std]
extern crate kernel as pinned_init;
use kernel::fs::{{File, Kiocb}};
use kernel::iov::IovIterDest;
use kernel::miscdevice::{{Borrowed, MiscDevice, MiscDeviceRegistration, MiscDeviceShared}};
use kernel::poll::{{PollMask, PollTable}};
use kernel::prelude::*;
#[pin_data]
pub struct Dev {{ #[pin] changed: CondVar }}
#[vtable]
impl MiscDevice for Dev {{
    type Ptr = {ptr};
    fn open(_file: &File, _misc: &MiscDeviceRegistration<Self>) -> Result<Self::Ptr> {{ Err(ENODEV) }}
    fn read_iter(mut kiocb: Kiocb<'_, Self::Ptr>, iov: &mut IovIterDest<'_>) -> Result<usize> {{
        iov.simple_read_from_buffer(kiocb.ki_pos_mut(), b"hello")
    }}
    fn poll<'a>(this: Borrowed<'a, Dev>, _file: &'a File, table: &mut PollTable<'a>) -> PollMask {{
        {poll}
        PollMask::empty()
    }}
}}
{items}
"""
POLL_OWN = "table.register_wait(&this.get_ref().changed);"
MISC_CASES = [
    ("a device whose per-open state and shared state are `Sync` (the control)",
     dict(ptr="Pin<KBox<Dev>>", poll=POLL_OWN, items="impl MiscDeviceShared for Dev { type Shared = u32; }"), None),
    ("per-open state that is not `Sync` (operations run concurrently on one file)",
     dict(ptr="KBox<core::cell::Cell<u32>>", poll="let _ = (this, table);", items=""),
     "E0277]: `Cell<u32>` cannot be shared between threads safely"),
    ("shared state that is not `Sync`",
     dict(ptr="Pin<KBox<Dev>>", poll=POLL_OWN, items="impl MiscDeviceShared for Dev { type Shared = core::cell::Cell<u32>; }"),
     "E0277]: `Cell<u32>` cannot be shared between threads safely"),
    ("a `CondVar` registered with a poll table it does not outlive",
     dict(ptr="Pin<KBox<Dev>>", items="",
          poll="let local = match KBox::pin_init(new_condvar!(), GFP_KERNEL) { Ok(c) => c, Err(_) => return PollMask::empty() };"
               " table.register_wait(&local); let _ = this;"), "E0597]: `local` does not live long enough"),
]


def host_checks(results, toolchain, kernel):
    """What a misc device's types refuse: state shared between tasks must be `Sync`, and a wait
    queue registered with poll must live as long as the file. And that rust_misc's Rust side of
    its interface says what its C header says."""
    compile_checks(results, toolchain, kernel, "a misc device",
                   [(what, MISC_CRATE.format(**parts), error) for what, parts, error in MISC_CASES])
    compile_checks(results, toolchain, kernel, "examples/rust_misc/src/uapi.rs", uapi_cases())


def header_values():
    """[(name, value)] of each `#define RUST_MISC_*` of rust_misc's uapi header, as C evaluates
    it: printed by a program built with the header (static, so it runs on the host too)."""
    names = re.findall(r"^#define (RUST_MISC_\w+)\s", (RUST_MISC_UAPI / "rust_misc.h").read_text(), re.M)
    work = ROOT / "target/host"
    work.mkdir(parents=True, exist_ok=True)
    prints = "".join(f'\tprintf("%llu\\n", (unsigned long long)({name}));\n' for name in names)
    (work / "rust_misc_uapi.c").write_text(f'#include <stdio.h>\n#include "rust_misc.h"\n\n'
                                           f"int main(void)\n{{\n{prints}\treturn 0;\n}}\n")
    status, out = run([str(guest_program("rust_misc_uapi", directory=work))])
    if status != 0:
        raise RuntimeError(f"the program printing rust_misc.h's values failed:\n{out}")
    return list(zip(names, map(int, out.split())))


# The Rust twin of each value of the header, asserted equal at compile time.
UAPI_CRATE = """#![no_std]
#[path = "{path}"]
pub mod uapi;
{asserts}"""
UAPI_ASSERT = 'const _: () = assert!(uapi::{name} as u64 == {value:#x}, "{name} differs from rust_misc.h");\n'


def uapi_cases():
    """The Rust constants of examples/rust_misc against the C header's values: every name of the
    header must be in src/uapi.rs with the same value (for GET_STATS, whose size field is that of
    `struct rust_misc_stats`, the layout's size too); the control, one value off, must fail."""
    values = header_values()

    def crate(pairs):
        asserts = "".join(UAPI_ASSERT.format(name=name, value=value) for name, value in pairs)
        return UAPI_CRATE.format(path=ROOT / "examples/rust_misc/src/uapi.rs", asserts=asserts)

    (first, value), rest = values[0], values[1:]
    return [
        (f"the values of include/uapi/rust_misc.h ({len(values)} definitions)", crate(values), None),
        (f"{first} one off from the header (the control)", crate([(first, value + 1)] + rest),
         f"{first} differs from rust_misc.h"),
    ]
