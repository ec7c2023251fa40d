"""Upstream's own samples, unmodified: samples/rust of Linux 7.2 (Debian's linux-source-7.2,
fetched into the cache by scripts/upstream-source, never into the repository). Each sample file's
bytes are a module crate's source, built against every kernel. Those this API covers load and do
what upstream says they do; every other one is tried too, and listed with what it misses."""

import re
import shutil

import configfs

from harness import ROOT, SCRIPTS, compile_checks, guest_program, message_text, run, tail

# One cargo workspace for every sample, so `core`, `alloc` and `kernel` are built once per kernel.
WORKSPACE = ROOT / "target/upstream-samples"
# The samples this API covers: built, checked and loaded like the project's own modules, on every
# kernel or (SUBSYSTEMS) where the kernel has the subsystem the sample drives.
COVERED = ["rust_minimal", "rust_misc_device", "rust_print_main", "rust_driver_faux", "rust_debugfs_scoped",
           "rust_configfs"]
# {sample: (the subsystem, whether a kernel has it)}: faux where the headers declare it (6.15, or
# a backport); configfs where it is configured (the debug kernel has none).
SUBSYSTEMS = {
    "rust_driver_faux": ("faux bus (include/linux/device/faux.h)",
                         lambda kernel: kernel.has_file("include/linux/device/faux.h")),
    "rust_configfs": ("configfs (CONFIG_CONFIGFS_FS)", configfs.available),
}
MODULES = [str((WORKSPACE / s).relative_to(ROOT)) for s in COVERED if s not in SUBSYSTEMS]
# The path rust_print_main's tracepoint takes, observable on every kernel: 6.1 and 6.12
# cannot enable a module's event before it loads (`:mod:` in set_event), and the sample fires its
# own only in `init`; this module fires its own every 10 ms while loaded.
MODULES += ["tests/modules/trace_test"]


def modules_for(kernel):
    """The covered samples whose subsystem this kernel has."""
    return [str((WORKSPACE / s).relative_to(ROOT)) for s, (_, has) in SUBSYSTEMS.items() if has(kernel)]


def samples():
    """Upstream's samples/rust directory; fetched on first use."""
    status, out = run([str(SCRIPTS / "upstream-source")])
    if status != 0:
        raise RuntimeError(f"fetching upstream's source failed:\n{tail(out)}")
    return ROOT / out.strip().splitlines()[-1] / "samples/rust"


def composites(makefile):
    """The composite modules of upstream's samples Makefile: {module: [its objects]}, as
    `rust_print-y := rust_print_main.o rust_print_events.o` says."""
    return {m.group(1): m.group(2).split() for m in re.finditer(r"^(\w+)-y\s*:?=\s*(.*)$", makefile, re.M)}


def fetch():
    """Writes a module crate per sample into the workspace: its Cargo.toml and Kbuild file, the
    sample's file, byte for byte, as its source, and the C files of its module as upstream's
    Makefile composes it (each sample's module is named as there)."""
    directory = samples()
    found = {p.stem: p for p in sorted(directory.glob("*.rs"))}
    missing = [s for s in COVERED if s not in found]
    if missing:
        raise RuntimeError(f"upstream's samples/rust has no {missing}: scripts/upstream-source fetched another tree")
    parts = composites((directory / "Makefile").read_text())
    shutil.rmtree(WORKSPACE, ignore_errors=True)
    for name, path in found.items():
        crate = WORKSPACE / name
        (crate / "src").mkdir(parents=True)
        shutil.copyfile(path, crate / "src" / path.name)
        module = next((m for m, objects in parts.items() if f"{name}.o" in objects), name)
        c_objects = [o for o in parts.get(module, []) if o != f"{name}.o"]
        headers = []
        for obj in c_objects:
            c_file = directory / obj.replace(".o", ".c")
            shutil.copyfile(c_file, crate / c_file.name)
            headers += re.findall(r"^#include <(trace/events/\w+\.h)>", c_file.read_text(), re.M)
        # The trace headers the C files include, from the same tree, for kernels whose headers
        # lack them (added with the samples): found after the kernel's own include directories.
        for header in headers:
            (crate / "include" / header).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(directory.parent.parent / "include" / header, crate / "include" / header)
        (crate / "Cargo.toml").write_text(
            f'[package]\nname = "{name}"\nversion = "0.0.0"\nedition = "2021"\n\n'
            f'[lib]\nname = "{module}"\npath = "src/{path.name}"\ncrate-type = ["staticlib"]\n\n'
            f'[dependencies]\nkernel = {{ path = "{ROOT}" }}\n')
        composite = f"{module}-y := {' '.join(c_objects)}\n" if c_objects else ""
        composite += "ccflags-y += -I$(src)/include\n" if headers else ""
        (crate / "Kbuild").write_text(f"obj-m := {module}.o\n{composite}include {ROOT}/kbuild/rust-module.mk\n")
    program = doc_c_program(found["rust_misc_device"].read_text())
    (WORKSPACE / "rust_misc_device" / "rust_misc_device_user.c").write_text(program)
    members = ", ".join(f'"{n}"' for n in found)
    (WORKSPACE / "Cargo.toml").write_text(f'[workspace]\nmembers = [{members}]\nresolver = "2"\n')
    (WORKSPACE / "Cargo.lock").write_text((ROOT / "Cargo.lock").read_text())


# What upstream's prelude (v7.2) has and this crate's does not, and why (README, porting): `Box`,
# `KVBox`, `VBox` (boxes are `KBox` only), `current!` (no task type), `#[export]`, zerocopy's
# `FromBytes`/`IntoBytes` (`kernel::transmute` has its own traits, not in the prelude).
PRELUDE_ABSENT = ["Box", "KVBox", "VBox", "current", "export", "FromBytes", "IntoBytes"]


def prelude_paths(text):
    """The paths upstream's prelude.rs re-exports, each in full (`super::alloc::KBox`,
    `super::str::CStrExt as _`), nested groups expanded."""
    def split(group):
        parts, depth, part = [], 0, ""
        for ch in group:
            depth += {"{": 1, "}": -1}.get(ch, 0)
            if ch == "," and depth == 0:
                parts.append(part)
                part = ""
            else:
                part += ch
        return [p for p in parts + [part] if p]

    def expand(prefix, group):
        paths = []
        for part in split(group):
            m = re.match(r"^(.*?)::\{(.*)\}$", part)
            paths += expand(f"{prefix}{m.group(1)}::", m.group(2)) if m else [prefix + part]
        return paths

    paths = []
    for statement in re.findall(r"pub use\s+([^;]+);", re.sub(r"//.*", "", text)):
        statement = re.sub(r"\s+", "", re.sub(r"\s+as\s+_", "@", statement)).replace("@", " as _")
        m = re.match(r"^(.*?)::\{(.*)\}$", statement)
        paths += expand(f"{m.group(1)}::", m.group(2)) if m else [statement]
    return paths


def host_checks(results, toolchain, kernel):
    """Every name upstream's prelude gives a module is in this crate's prelude, but those
    PRELUDE_ABSENT lists, each of which is checked to be absent still (so the list stays true)."""
    paths = prelude_paths((samples().parent.parent / "rust/kernel/prelude.rs").read_text())
    names = [p.rsplit("::", 1)[-1] for p in paths if not p.endswith(("*", " as _"))]
    traits = [p.replace("super::", "kernel::") for p in paths if p.endswith(" as _")]
    present = sorted({n for n in names if n not in PRELUDE_ABSENT})
    crate = "#![no_std]\n#![allow(unused_imports)]\n"
    crate += f"use kernel::prelude::{{{', '.join(present)}}};\n" + "".join(f"use {t};\n" for t in traits)
    # A trait imported `as _` has no name to import from the prelude: its path must exist, and
    # the prelude must import it the same way.
    ours = (ROOT / "src/prelude.rs").read_text()
    cases = [(f"upstream's prelude names ({len(present)}), and the traits it imports `as _` ({traits})", crate, None)]
    results.check("host: the prelude imports each trait upstream's imports `as _`",
                  all(f"{t.rsplit('::', 1)[-1]}" in ours for t in traits), f"traits: {traits}")
    cases += [(f"`{n}` (PRELUDE_ABSENT: remove it there if it now exists)",
               f"#![no_std]\n#![allow(unused_imports)]\nuse kernel::prelude::{n};\n", "E0432")
              for n in PRELUDE_ABSENT if n in names]
    compile_checks(results, toolchain, kernel, "the prelude, against upstream's,", cases)
    results.check("host: upstream's prelude still has every name PRELUDE_ABSENT lists",
                  all(n in names for n in PRELUDE_ABSENT), f"upstream's prelude: {names}")


def doc_c_program(source):
    """The user-space C program in a sample's doc comment (its ```c block), as a file's text."""
    lines = [l[4:] if l.startswith("//! ") else l[3:] for l in source.splitlines() if l.startswith("//!")]
    try:
        start = lines.index("```c") + 1
        return "\n".join(lines[start:lines.index("```", start)]) + "\n"
    except ValueError:
        raise RuntimeError("rust_misc_device.rs has no ```c program in its doc comment any more") from None


def first_errors(output, count=3):
    """What a failed build misses: its first distinct rustc errors, short."""
    errors = []
    for line in output.splitlines():
        m = re.match(r"error(\[E\d+\])?: (.*)", line)
        if m and not m.group(2).startswith(("could not compile", "aborting")) and m.group(2) not in errors:
            errors.append(m.group(2))
    return "; ".join(errors[:count]) or tail(output, 3).replace("\n", " ")


def built(results, kernel, modules):
    """Tries every sample this API does not cover yet, and lists what each misses."""
    others = sorted(p.name for p in WORKSPACE.iterdir() if (p / "Kbuild").exists() and p.name not in COVERED)
    unexpected, missing = [], []
    for name in others:
        status, out = kernel.make(WORKSPACE / name, "modules")
        if status == 0:
            unexpected.append(name)
        else:
            missing.append(f"{name} ({first_errors(out)})")
    covered = [m for m in modules.values() if m.path.parent == WORKSPACE.resolve()]
    building = len(covered) + len(unexpected)
    results.note(f"{kernel.name}: upstream samples unmodified: {building} of {len(COVERED) + len(others)}")
    missing += [f"{s} (the kernel has no {what})" for s, (what, has) in SUBSYSTEMS.items() if not has(kernel)]
    for entry in missing:
        results.note(f"{kernel.name}:   not yet: {entry}")
    results.check(f"{kernel.name}: an upstream sample outside the covered list builds only if listed there",
                  not unexpected, f"building but not in COVERED (add it and its checks): {unexpected}")


TRACING = "/sys/kernel/tracing"


def guest_steps(guest, modules, kernel):
    if "rust_print" in modules:
        # The event exists only once the module is loaded: `:mod:` enables it as it loads, on
        # kernels that can (the 7.x of the matrix); on the others the module registers it.
        guest.step("upstream-print", f"mount -t tracefs nodev {TRACING} 2>/dev/null; "
                                     f"echo ':mod:rust_print' 2>/dev/null > {TRACING}/set_event && "
                                     "echo 'event enabled before the load'; "
                                     "insmod /rust_print.ko; echo \"insmod status $?\"; "
                                     f"[ -d {TRACING}/events/rust_sample/rust_sample_loaded ] && echo 'event registered'; "
                                     f"grep rust_sample_loaded {TRACING}/trace; "
                                     "rmmod rust_print; echo \"rmmod status $?\"")
    if "trace_test" in modules:
        event = f"{TRACING}/events/trace_test/trace_test_tick/enable"
        guest.step("trace-test", f"mount -t tracefs nodev {TRACING} 2>/dev/null; echo > {TRACING}/trace; "
                                 "insmod /trace_test.ko && sleep 0.2; "
                                 f"echo \"while disabled: $(grep -c trace_test_tick {TRACING}/trace)\"; "
                                 f"echo 1 > {event} && sleep 0.3 && echo 0 > {event}; "
                                 f"grep -o 'trace_test_tick: .*' {TRACING}/trace; "
                                 "rmmod trace_test; echo \"rmmod status $?\"")
    if "rust_misc_device" in modules:
        guest.add(guest_program("rust_misc_device_user", directory=WORKSPACE / "rust_misc_device",
                                arch=kernel.arch))
        guest.step("upstream-misc-device",
                   "insmod /rust_misc_device.ko && /rust_misc_device_user; echo \"program status $?\"; "
                   # One open file: the write leaves the position at 0, so `cat` reads it back, then
                   # reaches the end (upstream's files have a position).
                   "exec 3<>/dev/rust-misc-device && printf hello >&3 && echo \"read back: $(cat <&3)\"; "
                   "exec 3>&-; rmmod rust_misc_device; echo \"rmmod status $?\"")
    if "rust_driver_faux" in modules:
        guest.step("upstream-faux", "insmod /rust_driver_faux.ko; echo \"insmod status $?\"; "
                                    "echo \"loaded: $(ls /sys/bus/faux/devices | tr '\\n' ' ')\"; "
                                    "rmmod rust_driver_faux; echo \"rmmod status $?\"; "
                                    "echo \"unloaded: $(ls /sys/bus/faux/devices | tr '\\n' ' ')\"")
    if "rust_debugfs_scoped" in modules:
        guest.step("upstream-debugfs-scoped", DEBUGFS_SCOPED)
    if "rust_configfs" in modules:
        configfs.mount(guest, kernel)
        guest.step("upstream-configfs", CONFIGFS)
    if "rust_minimal" not in modules:
        return
    guest.step("upstream-minimal", "insmod /rust_minimal.ko && ls /sys/module/rust_minimal/parameters/test_parameter;"
                                   " rmmod rust_minimal && insmod /rust_minimal.ko test_parameter=-42 &&"
                                   " rmmod rust_minimal; echo \"status $?\"")


DEBUGFS = "/sys/kernel/debug/rust_scoped_debugfs"
# What rust_debugfs_scoped's code does: `control/create` takes a name and numbers and makes
# `dynamic/<name>/` with a read-write file per number and a 4 KiB `blob` of 0x42 ('B') bytes;
# `control/remove` takes the name and removes it all; unloading removes the rest.
DEBUGFS_SCOPED = "; ".join([
    "mount -t debugfs none /sys/kernel/debug 2>/dev/null",
    "insmod /rust_debugfs_scoped.ko; echo \"insmod status $?\"",
    f"D={DEBUGFS}; echo \"top: $(ls $D | tr '\\n' ' ')control: $(ls $D/control | tr '\\n' ' ')\"",
    "echo 'dev1 5 17' > $D/control/create; echo \"create status $?\"",
    "echo \"dev1: $(ls $D/dynamic/dev1 | tr '\\n' ' ')\"",
    "echo \"numbers: $(cat $D/dynamic/dev1/0) $(cat $D/dynamic/dev1/1)\"",
    "echo 42 > $D/dynamic/dev1/1; echo \"after write: $(cat $D/dynamic/dev1/1)\"",
    "echo bad > $D/dynamic/dev1/0 2>/dev/null; echo \"bad write status $?\"",
    "echo \"blob: $(wc -c < $D/dynamic/dev1/blob) bytes, $(tr -d B < $D/dynamic/dev1/blob | wc -c) not B\"",
    "printf xy | dd of=$D/dynamic/dev1/blob bs=1 seek=10 conv=notrunc 2>/dev/null",
    "echo \"blob 9-12: $(dd if=$D/dynamic/dev1/blob bs=1 skip=9 count=4 2>/dev/null)\"",
    "echo dev1 > $D/control/remove; [ -e $D/dynamic/dev1 ] || echo 'dev1 removed'",
    # A file left open while its scope goes: reads fail, and it holds no freed data.
    "echo 'dev2 7' > $D/control/create; exec 3< $D/dynamic/dev2/0; echo dev2 > $D/control/remove",
    "cat <&3 >/dev/null 2>&1; echo \"read after removal status $?\"; exec 3<&-",
    # An open file holds the module; closed, the module unloads and takes its directory along.
    "echo 'dev3 1 2' > $D/control/create; exec 4> $D/control/create",
    "rmmod rust_debugfs_scoped 2>/dev/null; echo \"rmmod while open status $?\"; exec 4>&-",
    "rmmod rust_debugfs_scoped; echo \"rmmod status $?\"; [ -e $D ] || echo 'directory removed'",
])


CONFIGFS_DIR = "/sys/kernel/config/rust_configfs"
# What rust_configfs's code does: the subsystem has `message` (read-only, "Hello World") and
# `bar` (read-write, what was last written); `mkdir` in it makes a group with `baz`, and in that
# a group with `gc`, in which `mkdir` fails. Each show and store prints what it does.
CONFIGFS = "; ".join([
    "insmod /rust_configfs.ko; echo \"insmod status $?\"",
    f"C={CONFIGFS_DIR}; echo \"subsystem: $(ls $C | tr '\\n' ' ')\"",
    "echo \"modes: $(ls -l $C/message | cut -c1-10) $(ls -l $C/bar | cut -c1-10)\"",
    "echo \"message: $(cat $C/message)\"; echo \"bar: $(wc -c < $C/bar) bytes\"",
    "printf 'hello bar' > $C/bar; echo \"bar after write: $(cat $C/bar)\"",
    "echo x 2>/dev/null > $C/message; echo \"message write status $?\"",
    "mkdir $C/child; echo \"child: $(ls $C/child | tr '\\n' ' ')baz: $(cat $C/child/baz)\"",
    "mkdir $C/child/grand; echo \"grand: $(ls $C/child/grand | tr '\\n' ' ')gc: $(cat $C/child/grand/gc)\"",
    "mkdir $C/child/grand/deeper 2>/dev/null; echo \"mkdir in grand status $?\"",
    # A group holds the module; a file left open holds its group after rmdir, reads failing.
    "rmmod rust_configfs 2>/dev/null; echo \"rmmod with groups status $?\"",
    "exec 3< $C/child/grand/gc; rmdir $C/child/grand $C/child; echo \"rmdir status $?\"",
    "cat <&3 >/dev/null 2>&1; echo \"read after rmdir status $?\"; exec 3<&-",
    "rmmod rust_configfs; echo \"rmmod status $?\"; [ -e $C ] || echo 'subsystem removed'",
])


def configfs_checks(results, kernel, guest):
    """rust_configfs, as its code and comments say (see CONFIGFS)."""
    out = guest.output("upstream-configfs")
    expected = ["insmod status 0", "subsystem: bar message", "modes: -r--r--r-- -rw-r--r--",
                "message: Hello World", "bar: 0 bytes", "bar after write: hello bar", "message write status 1",
                "child: baz baz: Hello Baz", "grand: gc gc: Hello GC", "mkdir in grand status 1",
                "rmmod with groups status 1", "rmdir status 0", "read after rmdir status 1", "rmmod status 0",
                "subsystem removed"]
    lines = [l.strip() for l in out.splitlines()]
    results.check(f"{kernel.name}: upstream's rust_configfs, unmodified, shows and stores its attributes, makes "
                  "its groups on mkdir (none in the grandchild), and holds the module while they exist",
                  lines == expected, out)
    texts = [message_text(l) for l in guest.dmesg("upstream-configfs").splitlines()]
    said = [t.split(": ", 1)[1] for t in texts if t.startswith("rust_configfs: ")]
    results.check(f"{kernel.name}: rust_configfs prints each show and store its code prints, in order",
                  said == ["Rust configfs sample (init)", "Show message", "Show bar", "Store bar", "Show bar",
                           "Show baz", "Show grand child"], "\n".join(texts))


def debugfs_scoped_checks(results, kernel, guest):
    """rust_debugfs_scoped, as its code says (see DEBUGFS_SCOPED)."""
    out = guest.output("upstream-debugfs-scoped")
    expected = ["insmod status 0", "top: control dynamic control: create remove", "create status 0",
                "dev1: 0 1 blob", "numbers: 5 17", "after write: 42", "bad write status 1",
                "blob: 4096 bytes, 0 not B", "blob 9-12: BxyB", "dev1 removed"]
    lines = [l.strip() for l in out.splitlines()]
    results.check(f"{kernel.name}: upstream's rust_debugfs_scoped, unmodified, creates and removes its debugfs "
                  "files on request, which read and write their data", lines[:len(expected)] == expected, out)
    results.check(f"{kernel.name}: a debugfs file left open after its scope is dropped fails reads, holds the "
                  "module while open, and unloading removes the module's files",
                  "read after removal status 1" in lines and "rmmod while open status 1" in lines
                  and "rmmod status 0" in lines and "directory removed" in lines, out)


def misc_device_checks(results, kernel, guest):
    """rust_misc_device, as upstream documents it: the C program of its doc comment succeeds, and
    the driver prints what its code says, through dev_info!/dev_err! on its device."""
    out = guest.output("upstream-misc-device")
    results.check(f"{kernel.name}: upstream's rust_misc_device, unmodified, passes the C program of its doc comment",
                  "Success" in out and "program status 0" in out, out)
    lines = guest.dmesg("upstream-misc-device").splitlines()
    texts = [message_text(l) for l in lines]
    ioctl = "IOCTLing Rust Misc Device Sample"
    # What the C program makes the driver print, in order (the kernel prefixes "misc <device>: ").
    expected = ["Opening Rust Misc Device Sample", ioctl, "-> Hello from the Rust Misc Device",
                ioctl, "-> Copying data to userspace (value: 0)", ioctl, "-> Copying data from userspace (value: 1)",
                ioctl, "-> Copying data to userspace (value: 1)", ioctl, "-> IOCTL not recognised: 31744",
                "Exiting the Rust Misc Device Sample"]
    device = [t for t in texts if t.startswith("misc rust-misc-device: ")]
    errors = [l for l in lines if "IOCTL not recognised: 31744" in l and l.startswith("<3>")]
    results.check(f"{kernel.name}: rust_misc_device prints its messages about its device (dev_info!, dev_err!)",
                  "rust_misc_device: Initialising Rust Misc Device Sample" in texts and len(errors) == 1
                  and [t.split(": ", 1)[1] for t in device[:len(expected)]] == expected, "\n".join(lines))
    results.check(f"{kernel.name}: rust_misc_device reads back what was written on one file, then ends",
                  "read back: hello" in out and "rmmod status 0" in out, out)


def guest_checks(results, kernel, guest):
    minimal_checks(results, kernel, guest)
    misc_device_checks(results, kernel, guest)
    print_checks(results, kernel, guest)
    trace_checks(results, kernel, guest)
    debugfs_scoped_checks(results, kernel, guest)
    for sample, checks in [("rust_driver_faux", faux_checks), ("rust_configfs", configfs_checks)]:
        if SUBSYSTEMS[sample][1](kernel):
            checks(results, kernel, guest)


def faux_checks(results, kernel, guest):
    """rust_driver_faux, as its code says: a faux device named rust-faux-sample-device while the
    module is loaded, greeted with dev_info! (the kernel prefixes the bus driver's and the
    device's names), gone once the module is."""
    out = guest.output("upstream-faux")
    listed = dict(re.findall(r"^(loaded|unloaded): (.*)$", out, re.M))
    texts = [message_text(l) for l in guest.dmesg("upstream-faux").splitlines()]
    results.check(f"{kernel.name}: upstream's rust_driver_faux, unmodified, registers its faux device while loaded",
                  "insmod status 0" in out and "rmmod status 0" in out
                  and "rust-faux-sample-device" in listed.get("loaded", "").split()
                  and "rust-faux-sample-device" not in listed.get("unloaded", "rust-faux-sample-device").split(), out)
    results.check(f"{kernel.name}: rust_driver_faux prints what its code says, the second line about its device",
                  texts[:2] == ["rust_faux_driver: Initialising Rust Faux Device Sample",
                                "faux_driver rust-faux-sample-device: Hello from faux device!"], "\n".join(texts))


def print_checks(results, kernel, guest):
    """rust_print_main, as its code says: each message at its level, continued lines joined, the
    Arc prints (Display, Debug, dbg! with its place, dyn Display), and the tracepoint it fires
    with 42, seen in the trace buffer."""
    source = (WORKSPACE / "rust_print_main/src/rust_print_main.rs").read_text().splitlines()
    dbg_line = next(i for i, l in enumerate(source, 1) if "dbg!(c)" in l)
    dbg_column = source[dbg_line - 1].index("dbg!") + 1
    names = ["Emergency", "Alert", "Critical", "Error", "Warning", "Notice", "Info"]
    expected = [(6, "Rust printing macros sample (init)")]
    expected += [(n, f"{names[n]} message (level {n}) without args") for n in range(7)]
    expected += [(6, "A line that is continued without args")]
    expected += [(n, f"{names[n]} message (level {n}) with args") for n in range(7)]
    expected += [(6, "A line that is continued with args"), (6, "1"), (6, '"hello, world"'),
                 # file!() is the path cargo gave rustc, within the workspace.
                 (6, f'[rust_print_main/src/rust_print_main.rs:{dbg_line}:{dbg_column}] c = "hello, world"'),
                 (6, "Arc<dyn Display> says 42"), (6, "Arc<dyn Display> says hello, world"),
                 (6, '"hello, world"'), (6, "Rust printing macros sample (exit)")]
    seen = []
    for line in guest.dmesg("upstream-print").splitlines():
        m = re.match(r"^<(\d+)>\[\s*\d+\.\d+\] rust_print: (.*)$", line)
        if m and not re.search(r"taints kernel|module verification failed", m.group(2)):
            seen.append((int(m.group(1)) & 7, m.group(2)))
    results.check(f"{kernel.name}: upstream's rust_print_main, unmodified, prints each message at its level, "
                  "continued lines joined, and its Arc prints", seen == expected,
                  "\n".join(f"{'  ' if s in expected else '? '}<{s[0]}> {s[1]}" for s in seen))
    out = guest.output("upstream-print")
    loads = "insmod status 0" in out and "rmmod status 0" in out and "event registered" in out
    # Kernels that have the sample (its trace header, 6.13 and later) can enable a module's event
    # before it loads; only older ones may not.
    if kernel.has_file("include/trace/events/rust_sample.h") or "event enabled before the load" in out:
        results.check(f"{kernel.name}: rust_print_main's C part fires its tracepoint from Rust (trace buffer: "
                      "rust_sample_loaded: magic=42), and the module unloads",
                      loads and "rust_sample_loaded: magic=42" in out, out)
    else:
        results.check(f"{kernel.name}: rust_print_main's C part registers its trace event (this kernel cannot "
                      "enable it before the load: trace_test shows the firing), and the module unloads", loads, out)


def trace_checks(results, kernel, guest):
    """trace_test: nothing in the trace buffer while its event is disabled, then its ticks, each
    with the values Rust passed (the tick and its negation), in order."""
    out = guest.output("trace-test")
    ticks = [(int(t), int(v)) for t, v in re.findall(r"trace_test_tick: tick=(\d+) value=(-?\d+)", out)]
    results.check(f"{kernel.name}: a module's own tracepoint fires from Rust (declare_trace!) once enabled, "
                  "with the arguments Rust passed", "while disabled: 0" in out and len(ticks) >= 5
                  and all(v == -t for t, v in ticks) and [t for t, _ in ticks] == list(range(ticks[0][0], ticks[0][0] + len(ticks)))
                  and "rmmod status 0" in out, out)


def minimal_checks(results, kernel, guest):
    """rust_minimal, as upstream's code says: it prints that it is not built in, its parameter,
    and on unload its numbers; the parameter is not in sysfs (no permissions given)."""
    texts = [message_text(l) for l in guest.dmesg("upstream-minimal").splitlines()]
    once = ["rust_minimal: Rust minimal sample (init)", "rust_minimal: Am I built-in? false",
            "rust_minimal: test_parameter: {}", "rust_minimal: My numbers are [72, 108, 200]",
            "rust_minimal: Rust minimal sample (exit)"]
    expected = [l.format(1) for l in once] + [l.format(-42) for l in once]
    results.check(f"{kernel.name}: upstream's rust_minimal, unmodified, loads, prints what its code says, unloads",
                  texts == expected and "status 0" in guest.output("upstream-minimal"),
                  "\n".join(texts) + "\n" + guest.output("upstream-minimal"))
    results.check(f"{kernel.name}: rust_minimal's parameter, given no permissions, is not in sysfs",
                  "No such file" in guest.output("upstream-minimal"), guest.output("upstream-minimal"))
