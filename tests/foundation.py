"""Tests of the foundation: the build chain, code generation, printing, panics, module glue."""

import re
import subprocess
from pathlib import Path

import codegen
import hardening
from harness import GUEST_CC, ROOT, Guest, message_text, run, tail

# Module directories built for every kernel.
MODULES = ["examples/hello", "tests/modules/failinit", "tests/modules/printk_test", "tests/modules/rust_panic"]


def host_checks(results, toolchain, kernel):
    """Checks that need no booted kernel: unit tests, lints, docs, error messages."""
    env = toolchain.env(KDIR=str(kernel.kdir))
    status, out = run(["cargo", "test", "--quiet", "-p", "kernel-build", "-p", "macros"], cwd=ROOT, env=env)
    results.check("host: kernel-build and macros unit and doc tests", status == 0, tail(out))
    status, out = run(["cargo", "test", "--quiet", "--doc", "-p", "kernel"], cwd=ROOT, env=env)
    results.check("host: kernel doc tests (pure logic)", status == 0, tail(out))
    status, out = run(["cargo", "fmt", "--all", "--check"], cwd=ROOT, env=env)
    results.check("host: rustfmt", status == 0, tail(out))
    status, out = run(["cargo", "clippy", "--quiet", "-p", "kernel-build", "-p", "macros", "--", "-D", "warnings"],
                      cwd=ROOT, env=env)
    results.check("host: clippy (build crates)", status == 0, tail(out))
    status, out = run(["cargo", "clippy", "--quiet", "--workspace", "--exclude", "kernel-build", "--exclude", "macros",
                       "--target", "x86_64-unknown-none", "-Zbuild-std=core,alloc", "--", "-D", "warnings"],
                      cwd=ROOT, env=dict(env, RUSTC_BOOTSTRAP="1", CARGO_TARGET_DIR=str(ROOT / "target/clippy")))
    results.check("host: clippy (kernel crates, kernel target)", status == 0, tail(out))
    status, out = run(["cargo", "doc", "--workspace", "--no-deps"], cwd=ROOT,
                      env=dict(env, RUSTDOCFLAGS="-D warnings"))
    documented = all((ROOT / f"target/doc/{c}/index.html").exists() for c in ("kernel", "kernel_sys"))
    # rustdoc's warnings fail it (-D warnings); rustc's, of the host build it documents, are looked for.
    results.check("host: cargo doc documents kernel and kernel-sys, without warnings",
                  status == 0 and documented and "warning:" not in out, tail(out))
    codegen_selftest(results)
    console_parser(results)
    error_messages(results, toolchain)


def console_parser(results):
    """A kernel record that cuts into a guest's protocol line (as a warning on another CPU did on
    7.2-arm64) is taken out and the line joined again; `dmesg -r`'s records stay."""
    guest = Guest()
    guest.console = "\n".join([
        "@@@ step one", "out [    1.500000] printed by the kernel alone", "put", "@@@ status 0",
        "@@@ dmesg", "<4>[    1.600000] step's own record", "@@@ end",
        "@@@ step two", "@@@ status [   12.345678]  ct_idle_enter+0x14/0x20", "[   12.345679]  do_idle+0x1c/0x30",
        "3", "@@@ dmesg", "@@@ end"])
    guest._parse()
    results.check("host: the console parser joins a guest's line a kernel record cut in two",
                  (guest.output("one"), guest.status("one"), guest.status("two"), guest.dmesg("one"))
                  == ("out put", 0, 3, "<4>[    1.600000] step's own record"), repr(guest.outputs))


def codegen_selftest(results):
    """Every code-generation check must reject an object that breaks its rule."""
    source = r"""
        double scale(double x) { return x * 2.5; }        /* SSE */
        extern int counter; int get(void) { return counter; }  /* GOTPCREL with -fPIC */
        extern void (*hook)(void); void call(void) { hook(); }  /* raw indirect call */
        static void target(void) { } void (*hook2)(void) = target;  /* address taken, no ENDBR */
    """
    work = ROOT / "target/codegen-selftest"
    work.mkdir(parents=True, exist_ok=True)
    (work / "bad.c").write_text(source)
    subprocess.run(["gcc", "-O2", "-fPIC", "-fcf-protection=none", "-c", "bad.c", "-o", "bad.o"], cwd=work, check=True)
    bad = codegen.Object(work / "bad.o")
    checks = [codegen.no_fpu_or_simd, codegen.no_gotpcrel, codegen.no_bare_returns, codegen.no_raw_indirect_branches,
              codegen.endbr_on_address_taken, codegen.padded_functions, codegen.has_section(".orc_unwind")]
    for check in checks:
        ok, _ = check(bad)
        results.check(f"host: code-generation check '{check.__name__}' rejects a bad object", not ok)
    # The arm64 checks, on an object of the cross compiler: FP registers, GOT relocations, an
    # address-taken function without a landing pad, a saved x30 unsigned.
    (work / "bad64.c").write_text(source.replace("void call(void) { hook(); }",
                                                 "int call(void) { hook(); hook(); return 1; }"))
    status, out = run([GUEST_CC["arm64"], "-O2", "-fPIC", "-mbranch-protection=none", "-c", "bad64.c",
                       "-o", "bad64.o"], cwd=work)
    if not results.check("host: the arm64 cross compiler builds the code-generation sample", status == 0,
                         f"{tail(out)}\n(Debian: apt install gcc-12-aarch64-linux-gnu binutils-aarch64-linux-gnu)"):
        return
    bad = codegen.Object(work / "bad64.o")
    for check in [codegen.a64_no_fp_simd, codegen.a64_loader_relocations, codegen.a64_bti_on_address_taken,
                  codegen.a64_signed_returns]:
        ok, _ = check(bad)
        results.check(f"host: code-generation check '{check.__name__}' rejects a bad object", not ok)
    # Returns laid out after a signed body, as LLVM places a shrink-wrapped early return: one
    # reached before the paciasp passes, one reached from the signed body (x30 not reloaded and
    # authenticated) does not.
    returns = """
        .text
        early: cbz x0, 2f
        paciasp
        stp x29, x30, [sp, #-16]!
        bl early
        {branch}
        ldp x29, x30, [sp], #16
        autiasp
        ret
        1: ret
        2: ret
    """
    for name, branch, expected in [("early", "nop", True), ("late", "cbz x0, 1f", False)]:
        (work / f"{name}64.s").write_text(returns.format(branch=branch))
        run([GUEST_CC["arm64"], "-c", f"{name}64.s", "-o", f"{name}64.o"], cwd=work)
        ok, detail = codegen.a64_signed_returns(codegen.Object(work / f"{name}64.o"))
        results.check(f"host: 'a64_signed_returns' {'accepts' if expected else 'rejects'} a return placed after "
                      f"the signed body, reached {'before signing' if expected else 'from it'}", ok == expected, detail)


def error_messages(results, toolchain):
    """Bad input gets an error naming the fix."""
    env = toolchain.env(KDIR="/nonexistent/kernel")
    status, out = run(["cargo", "build", "-p", "kernel-sys"], cwd=ROOT, env=env)
    results.check("host: a missing KDIR is named with the fix", status != 0 and "KDIR" in out
                  and "/nonexistent/kernel" in out, tail(out, 8))
    env = toolchain.env()
    env.pop("KDIR", None)
    status, out = run(["cargo", "build", "-p", "kernel-sys"], cwd=ROOT,
                      env=dict(env, KDIR=""))
    release = subprocess.run(["uname", "-r"], stdout=subprocess.PIPE, text=True).stdout.strip()
    expected = [f"linux-headers-{release}", f"/lib/modules/{release}/build", "KDIR="]
    no_tree = not Path(f"/lib/modules/{release}/build").exists()
    results.check("host: no running kernel's tree: error names release, path, package and KDIR",
                  not no_tree or (status != 0 and all(e in out for e in expected)), tail(out, 8))
    make_errors(results, release, no_tree)
    fake = ROOT / "target/fake-rustc"
    fake.mkdir(parents=True, exist_ok=True)
    (fake / "rustc").write_text(f"#!/bin/sh\necho {fake}\n")  # a sysroot without rust-src
    (fake / "rustc").chmod(0o755)
    status, out = run([str(ROOT / "kbuild/find-rust"), str(fake / "rustc")])
    results.check("host: a RUSTC without rust-src is refused with the reason", status != 0 and "rust-src" in out, out)
    status, out = run([str(ROOT / "kbuild/find-rust")], env={"PATH": "/nonexistent"})
    results.check("host: no usable Rust toolchain: error names rustup and Debian's packages",
                  status != 0 and "rustup component add rust-src" in out and "rust-web-src" in out, out)


def make_errors(results, release, no_tree):
    """`make` in a module directory with a bad KDIR says what cargo would, not make's bare errors."""
    hello = ROOT / "examples/hello"
    cases = [
        ("a missing KDIR", ["KDIR=/nonexistent/kernel"], ["KDIR /nonexistent/kernel does not exist", "set KDIR="]),
        ("a KDIR that is no kernel tree", [f"KDIR={ROOT / 'kbuild'}"],
         ["is not a configured kernel build tree", "linux-headers-<release>"]),
    ]
    if no_tree:
        cases.append(("no running kernel's tree", [], [f"linux-headers-{release}", f"/lib/modules/{release}/build",
                                                       "KDIR="]))
    for what, args, expected in cases:
        status, out = run(["make", "-C", str(hello), *args])
        bare = "No such file or directory" in out or "No rule to make target" in out
        results.check(f"host: make with {what} names the fix", status != 0 and not bare
                      and all(e in out for e in expected), tail(out, 6))


def built(results, kernel, modules):
    if "hello" in modules:
        modinfo_checks(results, kernel, modules["hello"])
        fast_path_checks(results, kernel, modules)
        parallel_make(results, kernel, modules["hello"])


def parallel_make(results, kernel, hello):
    """`make -j2` shares make's jobserver with cargo: no "jobserver" warning (the kernel's
    Makefile is a sub-make, so an unmarked cargo recipe would lose the jobserver's fds)."""
    hello.ko.unlink()
    status, out = kernel.make(hello.path, "-j2", "modules")
    results.check(f"{kernel.name}: make -j2 builds hello without jobserver warnings",
                  status == 0 and hello.ko.exists() and "jobserver" not in out, tail(out, 8))


# Formats the fast path of pr_*!, dev_*! and seq_print! builds at compile time, as C would write
# them, by module; those of dev_*! and seq_print! without pr_*!'s level and module prefix
# (`_dev_printk()` takes the level apart and puts the device's names first).
FAST_FORMATS = {
    "hello": [b"\x016hello: Hello from Rust! (kernel %.*s)\n\0", b"\x016hello: Goodbye from Rust\n\0"],
    "printk_test": [
        b"\x016printk_test: fast unsigned: %u %u %u %llu %lu\n\0",
        b"\x016printk_test: fast signed min: %d %d %d %lld %ld\n\0",
        b"\x016printk_test: fast alt hex: %#x %#x %#llx %#lx\n\0",
        b"\x016printk_test: fast percent: 100%% %d%%%% done, 50%%d %%s %%.*s %%\n\0",
        b"\x016printk_test: fast strings: <%.*s> <%.*s> <%s> <%s>\n\0",
        b"\x01c %#x\0",
    ],
    "rust_misc": [b"rust_misc_read:\t%llu\n\0", b"rust_misc_written:\t%llu\n\0",
                  b"registered /dev/rust_misc (minor %d)\n\0"],
    "misc_scratch": [b"seq fast: %u %#x %.*s %lld%%\n\0", b"dev fast: %u %#x %.*s%%\n\0",
                     b"seq long %lu <%.*s>\n\0"],
}

# Modules whose every message takes the fast path: no core::fmt code in them, and why.
NO_FMT = {"hello": "pr_info! of a str is a plain printk call",
          "rust_misc": "its dev_info! and seq_print! are C calls"}


def fast_path_checks(results, kernel, modules):
    """Messages of integers and strings are one C call with a format made at compile time: no
    core::fmt code in the modules of NO_FMT."""
    for name, formats in FAST_FORMATS.items():
        if name not in modules:
            continue
        data = modules[name].ko.read_bytes()
        missing = [f for f in formats if f not in data]
        results.check(f"{kernel.name}: {name}: print formats are built at compile time", not missing,
                      f"missing {missing}")
    if kernel.enabled("CONFIG_KASAN"):
        # KASAN's constructors register every global of each linked object, which keeps core's
        # formatting vtables (and the code they point to) in the module, called or not.
        return
    for name, why in NO_FMT.items():
        if name not in modules:
            continue
        symbols = codegen.Object(modules[name].ko).symbols
        fmt = [s for s in symbols if re.search(r"4core3fmt|LineWriter", s)]
        results.check(f"{kernel.name}: {name}: no core::fmt code ({why})", not fmt, " ".join(fmt[:10]))


def modinfo_checks(results, kernel, hello):
    status, out = run(["modinfo", str(hello.ko)])
    fields = {}
    for line in out.splitlines():
        key, _, value = line.partition(":")
        fields.setdefault(key.strip(), []).append(value.strip())
    expected = {
        "license": ["GPL"],
        "author": ["kmod-rs developers"],
        "description": ["Hello world from Rust, built by Kbuild against a stock kernel"],
        "alias": ["rust-hello"],
        "name": ["hello"],
    }
    for key, value in expected.items():
        results.check(f"{kernel.name}: hello modinfo {key}", fields.get(key) == value, f"got {fields.get(key)}")
    vermagic = (fields.get("vermagic") or [""])[0]
    results.check(f"{kernel.name}: hello modinfo vermagic is the kernel's", vermagic.startswith(kernel.release + " "),
                  vermagic)


def guest_steps(guest, modules, kernel):
    """The guest side: load, use and unload the modules."""
    guest.add(*(m.ko for m in modules.values()))
    guest.step("hello-load", "insmod /hello.ko && cat /sys/module/hello/initstate /sys/module/hello/taint")
    guest.step("hello-unload", "rmmod hello && ls /sys/module/hello")
    guest.step("failinit", "insmod /failinit.ko; echo \"insmod status $?\"; ls -d /sys/module/failinit")
    guest.step("printk", "insmod /printk_test.ko && rmmod printk_test")


def final_steps(guest):
    """Steps that leave the kernel tainted: run after every other suite's steps."""
    guest.step("tainted-before-panic", "cat /proc/sys/kernel/tainted")
    guest.step("panic", "insmod /rust_panic.ko; echo \"insmod status $?\"; echo still running; "
                        "cat /proc/sys/kernel/tainted")
    # A kernel thread whose closure panics: the oops kills the thread, the kernel reaps it, and
    # its KThread, dropped afterwards, must still find its task (tests/modules/deferred_test).
    guest.step("kthread-panic", "insmod /deferred_test.ko panic_thread=1 && rmmod deferred_test")


# How the kernel names the trap of BUG(): x86's ud2, arm64's brk #0x800.
BUG_TRAP = {"x86": "invalid opcode", "arm64": "Oops - BUG"}

# The steps whose oops is deliberate (final_steps), and the kernel's own warnings that follow an
# oops there: arm64 handles BUG()'s brk as a debug exception, entered with ct_nmi_enter() and
# debug exceptions masked; the oops kills the task before the matching exit, so the CPU's next
# idle entry warns in ct_kernel_exit (6.1: arch/arm64/kernel/entry-common.c el1_dbg,
# kernel/context_tracking.c), and on 7.x the dying task's switch warns of the masks it still has
# ("Unexpected DAIF value", arch/arm64/kernel/process.c __switch_to). A C module's BUG() does the
# same. Only those warnings (in the old "CPU: N PID: N at" and 7.x's "file:line at" forms), only
# in those steps.
PANIC_STEPS = {"panic", "kthread-panic"}
OOPS_WARNINGS = {"arm64": r"WARNING: (CPU: \d+ PID: \d+ at )?(kernel/context_tracking\.c:\d+ (at )?ct_kernel_exit"
                          r"|arch/arm64/kernel/process\.c:\d+ (at )?__switch_to)"}

PATTERN = "".join("|" if i % 100 == 99 else str(i % 10) for i in range(3000))


def guest_checks(results, kernel, guest):
    name = kernel.name
    hello = guest.output("hello-load").split()
    results.check(f"{name}: hello loads (insmod succeeds, state live)", guest.status("hello-load") == 0
                  and hello[:1] == ["live"], guest.output("hello-load"))
    # O: out of tree; E: unsigned, where the kernel checks signatures.
    taint = "OE" if kernel.enabled("CONFIG_MODULE_SIG") else "O"
    results.check(f"{name}: hello taints only as out-of-tree{' and unsigned' * (taint == 'OE')} ({taint})",
                  hello[1:] == [taint], hello)
    results.check(f"{name}: hello prints its load message with the module prefix",
                  f"hello: Hello from Rust! (kernel {kernel.release})" in guest.dmesg("hello-load"),
                  guest.dmesg("hello-load"))
    results.check(f"{name}: hello unloads and prints its goodbye",
                  "No such file" in guest.output("hello-unload") and
                  "hello: Goodbye from Rust" in guest.dmesg("hello-unload"), guest.dmesg("hello-unload"))

    out = guest.output("failinit")
    results.check(f"{name}: a failing init makes insmod fail with its errno (EDOM)",
                  "Numerical argument out of domain" in out and "insmod status 0" not in out, out)
    results.check(f"{name}: a failed module is not left loaded", "No such file" in out, out)
    results.check(f"{name}: the failing init printed its error",
                  "<3>" in guest.dmesg("failinit") and "failinit: refusing to load: EDOM" in guest.dmesg("failinit"),
                  guest.dmesg("failinit"))

    printk_checks(results, name, guest.dmesg("printk"))

    out = guest.output("panic")
    log = guest.dmesg("panic")
    results.check(f"{name}: a Rust panic prints its message and location at KERN_EMERG",
                  re.search(r"^<0>.*rust_kernel: panicked at tests/modules/rust_panic/src/lib\.rs:\d+:\d+: "
                            r"deliberate test panic, answer=42$", log, re.M) is not None, tail(log, 40))
    results.check(f"{name}: a Rust panic is a kernel BUG oops naming the module",
                  "kernel BUG at" in log and BUG_TRAP[kernel.arch] in log and
                  re.search(r"Modules linked in:.*rust_panic", log) is not None, tail(log, 40))
    before = int(guest.output("tainted-before-panic") or "0")
    after = re.findall(r"^\d+$", out, re.M)
    results.check(f"{name}: the kernel keeps running after the panic, tainted D",
                  "still running" in out and after and int(after[-1]) & 128 and not before & 128, out)
    log = guest.dmesg("kthread-panic")
    results.check(f"{name}: a KThread whose closure panicked is dropped after its thread died, cleanly",
                  guest.status("kthread-panic") == 0 and "deferred_test: kthread that panicked stopped after it "
                  "died: ok" in log and "deliberate kthread panic, answer=7" in log and "kernel BUG at" in log
                  and not re.search(r"WARNING:|refcount_t|BUG: KASAN|use-after-free|general protection|BUG: unable", log),
                  tail(log, 40))
    warnings = [line for step in guest.outputs if step not in hardening.CONTROL_STEPS
                for line in guest.dmesg(step).splitlines() if "WARNING:" in line
                and not (step in PANIC_STEPS and kernel.arch in OOPS_WARNINGS
                         and re.search(OOPS_WARNINGS[kernel.arch], line))]
    results.check(f"{name}: no WARNING in the kernel log", not warnings, "\n".join(warnings))


def printk_checks(results, name, log):
    lines = log.splitlines()
    levels = {"emerg": 0, "alert": 1, "crit": 2, "err": 3, "warning": 4, "notice": 5, "info": 6}
    for level, number in levels.items():
        results.check(f"{name}: pr_{level[:4] if level == 'warning' else level}! prints at level {number}",
                      f"<{number}>" in "".join(l for l in lines if l.endswith(f"printk_test: level {level}")),
                      tail(log, 10))
    results.check(f"{name}: pr_debug! is compiled out in release builds", "level debug" not in log)
    results.check(f"{name}: formatting matches core::fmt",
                  any(l.endswith("printk_test: format: -17 0xff     r Some(\"x\") é") for l in lines), tail(log, 10))
    results.check(f"{name}: pr_cont! continues the line", any(l.endswith("printk_test: cont: 1 2 3") for l in lines))
    for length in (255, 256, 257, 900, 3000):
        text = joined(lines, f"printk_test: pattern {length} <")
        results.check(f"{name}: a {length}-byte message arrives whole", text == PATTERN[:length] + ">",
                      f"got {len(text)} bytes")
    texts = [message_text(l) for l in lines]
    for expected in FAST_LINES:
        results.check(f"{name}: pr_*! prints '{expected[:50]}'", f"printk_test: {expected}" in texts,
                      "\n".join(t for t in texts if expected.split(":")[0] in t))
    for kind, length in [("str", n) for n in (255, 256, 900, 950, 1000, 3000)] + [("cstr", 3000)]:
        text = joined(lines, f"printk_test: {kind} pattern {length} <")
        results.check(f"{name}: a {kind} argument of {length} bytes arrives whole", text == PATTERN[:length] + ">",
                      f"got {len(text)} bytes")


# What printk_test's fast() prints, exactly as core::fmt would format it.
FAST_LINES = [
    "fast unsigned: 255 65535 4294967295 18446744073709551615 18446744073709551615",
    "fast signed min: -128 -32768 -2147483648 -9223372036854775808 -9223372036854775808",
    "fast signed max: 127 32767 2147483647 9223372036854775807 9223372036854775807",
    "fast zero: 0 0 0 0 0x0 0",
    "fast hex: ff fffe fffffffd fffffffffffffffc fffffffffffffffb",
    "fast alt hex: 0xff 0xbeef 0xffffffffffffffff 0x10000000000",
    "fast upper hex: AB DEADBEEF FFFFFFFFFFFFFFFF",
    "fast debug: -5 7 true",
    "fast bool: true false",
    "fast percent: 100% 3%% done, 50%d %s %.*s %",
    "fast strings: <abc> <> <cstr> <>",
    "fast references: borrowed 42 7 cstr ref cstr ref",
    "fast braces: {} {1}",
    "fast unicode: \u00e9t\u00e9 \u00fcber",
    "fast trailing comma: 1",
    "fast turbofish: 8",
    "fast inferred: 5",
    "fast twelve: 1 2 3 4 5 6 7 -8 -9 -10 -11 -12",
    "slow thirteen: 1 2 3 4 5 6 7 8 9 10 11 12 13",
    "fast no arguments",
    "mixed: 7 \u00e9 0xff cstr AB",
    "mixed error: EINVAL true",
    "generic: 5",
    "inline: 9 1",
    "named: 3 2",
    "fast cont: 1 0xff cstr end",
    "fast done",
]


def joined(lines, start_text):
    """The text after `<` of the message starting with `start_text`: it may span several records;
    joined, they must give it back whole."""
    start = next((i for i, l in enumerate(lines) if start_text in l), None)
    text = ""
    if start is not None:
        text = message_text(lines[start]).split("<", 1)[1]
        for line in lines[start + 1:]:
            if text.endswith(">") or "printk_test:" in line:
                break
            text += message_text(line)
    return text
