"""kernel::debugfs beyond upstream's rust_debugfs_scoped sample (tests/upstream_samples.py): the
test module debugfs_test creates a file of every kind, each owning its data, and the guest reads
and writes them as a user would."""

from harness import compile_checks, message_text

MODULES = ["tests/modules/debugfs_test"]

D = "/sys/kernel/debug/debugfs_test"
STEPS = "; ".join([
    "mount -t debugfs none /sys/kernel/debug 2>/dev/null",
    "insmod /debugfs_test.ko; echo \"insmod status $?\"",
    f"D={D}; echo \"files: $(ls $D | tr '\\n' ' ')sub: $(ls $D/sub | tr '\\n' ' ')\"",
    "echo \"modes: $(for f in version enabled sink counters total words sub/bytes sub/count sub/wo_bytes; "
    "do stat -c %a $D/$f; done | tr '\\n' ' ')\"",
    "echo \"version: $(cat $D/version)\"",
    "echo \"enabled: $(cat $D/enabled)\"; echo true > $D/enabled; echo \"enabled: $(cat $D/enabled)\"",
    "echo maybe > $D/enabled 2>/dev/null; echo \"bad bool status $?\"",
    "echo 99 > $D/sink; echo \"sink write status $?\"; cat $D/sink >/dev/null 2>&1; echo \"sink read status $?\"",
    "echo \"counters: $(cat $D/counters) $(cat $D/counters)\"",
    "echo x > $D/sub/count; echo \"count write status $?\"",
    "echo \"total: $(cat $D/total)\"; echo 'add 23' > $D/total; echo \"total: $(cat $D/total)\"",
    "echo 'sub 1' > $D/total 2>/dev/null; echo \"bad total status $?\"",
    "echo \"words: $(od -An -tx1 $D/words | tr -s ' \\n' ' ')\"",
    "echo \"bytes: $(cat $D/sub/bytes)\"; printf ab | dd of=$D/sub/bytes bs=1 seek=3 conv=notrunc 2>/dev/null",
    "echo \"bytes: $(cat $D/sub/bytes) past the end: $(dd if=$D/sub/bytes bs=1 skip=20 count=1 2>/dev/null | wc -c)\"",
    "printf wxyz > $D/sub/wo_bytes; echo \"wo_bytes write status $?\"",
    "echo \"reported: $(cat $D/reported)\"; [ -e $D/transient ] || echo 'transient removed'",
    "rmmod debugfs_test; echo \"rmmod status $?\"; [ -e $D ] || echo 'directory removed'",
])


def guest_steps(guest, modules, kernel):
    if "debugfs_test" in modules:
        guest.step("debugfs", STEPS)


def guest_checks(results, kernel, guest):
    out = guest.output("debugfs")
    lines = [" ".join(l.split()) for l in out.splitlines()]
    expected = [
        "insmod status 0",
        "files: counters enabled reported sink sub total version words sub: bytes count wo_bytes",
        "modes: 400 600 200 400 600 400 600 200 200",
        "version: 7",
        "enabled: false", "enabled: true", "bad bool status 1",
        "sink write status 0", "sink read status 1",
        "counters: reads=1 writes=0 reads=2 writes=0",
        "count write status 0",
        "total: total 100", "total: total 123", "bad total status 1",
        "words: 04 03 02 01 08 07 06 05",
        "bytes: ................", "bytes: ...ab........... past the end: 0",
        "wo_bytes write status 0",
        "reported: reported 2", "transient removed",
        "rmmod status 0", "directory removed",
    ]
    missing = [e for e in expected if e not in lines]
    results.check(f"{kernel.name}: kernel::debugfs files of every kind show and take their data as a user "
                  "reads and writes them (text, callbacks, binary, permissions)", not missing,
                  f"missing: {missing}\n{out}")
    texts = [message_text(l) for l in guest.dmesg("debugfs").splitlines()]
    order = [t for t in texts if t.startswith("debugfs_test: ")]
    results.check(f"{kernel.name}: a debugfs File dropped early goes with its data at once; the others with "
                  "the module", order == ["debugfs_test: Reported(1) dropped", "debugfs_test: debugfs files created",
                                          "debugfs_test: Reported(2) dropped"], "\n".join(texts))


# The boundaries of kernel::debugfs and of a lock's pinned data: what must not compile, with the
# error rustc gives, and the control that must.
CRATE = """#![no_std]
extern crate kernel as pinned_init;
use kernel::debugfs::{{Dir, Scope}};
use kernel::prelude::*;
use kernel::sync::atomic::Atomic;
struct Pair {{ a: Atomic<u32>, b: Atomic<u32> }}
{items}
"""
CASES = [
    ("files of a scope's own data, in a subdirectory (the control)",
     "pub fn make(dir: &Dir) -> impl PinInit<Scope<Pair>> + '_ {\n"
     "    dir.scope(Pair { a: Atomic::new(0), b: Atomic::new(1) }, c\"s\", |p, d| {\n"
     "        d.read_write_file(c\"a\", &p.a); d.dir(c\"sub\").read_only_file(c\"b\", &p.b);\n"
     "    })\n}", None),
    ("a scoped file of data that does not live as long as the scope",
     "pub fn make(dir: &Dir) -> impl PinInit<Scope<Pair>> + '_ {\n"
     "    dir.scope(Pair { a: Atomic::new(0), b: Atomic::new(1) }, c\"s\", |_p, d| {\n"
     "        let local = Atomic::new(2u32); d.read_only_file(c\"l\", &local);\n"
     "    })\n}", "E0597"),
    ("a file of data that is not `Sync` (every open file shares it)",
     "pub fn make(dir: &Dir) -> impl PinInit<kernel::debugfs::File<core::cell::Cell<u32>>> + '_ {\n"
     "    dir.read_only_file(c\"c\", core::cell::Cell::new(0))\n}", "E0277"),
    ("replacing a lock's data that is pinned (not `Unpin`) through its guard",
     "pub fn swap(m: &Mutex<core::marker::PhantomPinned>) { *m.lock() = core::marker::PhantomPinned; }", "E0594"),
]


def host_checks(results, toolchain, kernel):
    compile_checks(results, toolchain, kernel, "debugfs and pinned lock data",
                   [(what, CRATE.format(items=items), error) for what, items, error in CASES])
