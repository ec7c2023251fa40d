"""Shipping a module: scripts/new-module makes a crate that builds with `make` and loads in every
kernel, in which `cargo check` and `cargo clippy` work as editors run them; a new crate's first
build reuses the shared build cache; make's errors and rustc's messages name what to fix."""

import json
import os
import re
import shutil
import time

from harness import ROOT, message_text, run, tail
from test_module import ktap_header, parse_ktap

NEW_MODULE = str(ROOT / "scripts/new-module")
WORK = ROOT / "target/shipping"
# Made by fetch() as a user would, without KDIR; built and loaded in every kernel.
CRATE = WORK / "new-module-test"
NAME = "new_module_test"
MODULES = [str(CRATE.relative_to(ROOT))]

KTAP = ["    KTAP version 1", f"    # Subtest: {NAME}", "    1..2",
        "    ok 1 greetings_are_bounded", "    ok 2 allocates", f"# {NAME}: pass:2 fail:0 skip:0 total:2",
        "# Totals: pass:2 fail:0 skip:0 total:2", f"ok 1 {NAME}"]


def new_module(directory, *args, kdir=""):
    return run([NEW_MODULE, str(directory), *args], env={"KDIR": kdir})


def fetch():
    shutil.rmtree(WORK, ignore_errors=True)
    status, out = new_module(CRATE)
    if status != 0:
        raise RuntimeError(f"scripts/new-module failed:\n{out}")


def make(kernel, crate, env, *args):
    """A plain `make` in the crate, with the KDIR the crate names (not the environment's)."""
    return kernel.run(["env", "-u", "KDIR", "make", *args], crate, env=env)


def files(directory):
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*") if p.is_file())


def host_checks(results, toolchain, kernel):
    refusals(results)
    crate = WORK / "chosen"
    status, out = new_module(crate, kdir=str(kernel.kdir))
    results.check("host: new-module writes the KDIR it is given into the Makefile and .cargo/config.toml",
                  status == 0 and f"KDIR ?= {kernel.kdir}\n" in (crate / "Makefile").read_text()
                  and f'KDIR = "{kernel.kdir}"' in (crate / ".cargo/config.toml").read_text(), out)
    scaffold = files(crate)
    settings = json.loads((crate / ".vscode/settings.json").read_text())["rust-analyzer.server.extraEnv"]
    results.check("host: new-module points rust-analyzer at the toolchain Kbuild uses (kbuild/find-rust)",
                  (settings.get("RUSTC"), settings.get("CARGO")) == (toolchain.rustc, toolchain.cargo), str(settings))
    # KDIR comes from the crate (the Makefile, .cargo/config.toml), not from the environment.
    env = {"CARGO_NET_OFFLINE": "true", "CARGO_TARGET_DIR": str(ROOT / "target/shipping-check")}
    build_checks(results, toolchain, kernel, crate, env)
    editor_checks(results, toolchain, kernel, crate, env)
    error_checks(results, toolchain, kernel, crate, env)
    cache_checks(results, kernel, crate, env, scaffold)


def refusals(results):
    """new-module refuses what would not build, saying why, and makes nothing."""
    (WORK / "occupied").mkdir(parents=True)
    (WORK / "occupied/notes.txt").write_text("mine\n")
    status, out = new_module(WORK / "occupied")
    results.check("host: new-module refuses a directory that is not empty", status != 0 and "is not empty" in out
                  and files(WORK / "occupied") == ["notes.txt"], out)
    for bad, reason in [("Hello", "not a module name"), ("9lives", "not a module name"),
                        ("my-module", "not a module name"), ("kernel", "a crate a module links"),
                        ("fn", "Rust keyword"), ("m" * 56, "longer than")]:
        status, out = new_module(WORK / "refused", "--name", bad)
        results.check(f"host: new-module refuses the name '{bad[:20]}' ({reason})", status != 0 and reason in out
                      and not (WORK / "refused").exists(), out)
    (WORK / "empty").mkdir()
    status, out = new_module(WORK / "empty", "--name", "good_name")
    made = (WORK / "empty/Kbuild").read_text() if status == 0 else ""
    results.check("host: new-module takes --name and an empty directory, and says what to do next (the control)",
                  status == 0 and made.startswith("obj-m := good_name.o\n") and "make" in out
                  and "cargo check" in out and "insmod good_name.ko" in out, out)


def build_checks(results, toolchain, kernel, crate, env):
    """`make -j4` right after new-module, for the KDIR it was given: one toolchain line, no
    jobserver warning."""
    start = time.monotonic()
    status, out = make(kernel, crate, env, "-j4")
    seconds = time.monotonic() - start
    ko = crate / "chosen.ko"
    vermagic = run(["modinfo", "-F", "vermagic", str(ko)])[1].strip() if ko.exists() else ""
    results.check(f"host: a new module crate builds with make for the KDIR it was made with ({kernel.name})",
                  status == 0 and vermagic.startswith(kernel.release + " "), tail(out))
    results.note(f"new module crate's first build (make -j4, {kernel.name}): {seconds:.1f} s")
    rustc_lines = re.findall(r"^\s*RUSTC\s+.+\(/\S+\)$", out, re.M)
    results.check("host: make names the Rust toolchain once", len(rustc_lines) == 1,
                  "\n".join(rustc_lines) or tail(out))
    results.check("host: make -j4 gives no jobserver warning", "jobserver" not in out, tail(out))
    # The control: cargo in a recipe that make does not know to be recursive gets no jobserver.
    control = WORK / "jobserver-control"
    (control / "src").mkdir(parents=True)
    (control / "src/lib.rs").write_text("")
    (control / "Cargo.toml").write_text('[package]\nname = "control"\nversion = "0.0.0"\n\n[workspace]\n')
    (control / "Makefile").write_text("all:\n\tcargo build --quiet --target-dir target\n")
    status, out = run(["make", "-j4", "-C", str(control)], env=toolchain.env())
    results.check("host: a cargo recipe not marked recursive does warn of the jobserver (the control)",
                  "jobserver" in out, tail(out))


def editor_checks(results, toolchain, kernel, crate, env):
    """cargo check and clippy in the crate, as rust-analyzer runs them: the kernel target, KDIR of
    .cargo/config.toml, the crate no_std with cfg(MODULE), as Kbuild builds it."""
    tool_env = dict(toolchain.env(), **env)

    def cargo(*args):
        return run(["env", "-u", "KDIR", "cargo", *args], cwd=crate, env=tool_env)

    status, out = cargo("check")
    results.check("host: cargo check passes in a new module crate", status == 0, tail(out))
    status, out = cargo("check", "--workspace", "--all-targets")
    results.check("host: cargo check passes as rust-analyzer runs it (--workspace --all-targets)", status == 0,
                  tail(out))
    status, out = cargo("clippy", "--", "-D", "warnings")
    results.check("host: cargo clippy -D warnings passes in a new module crate", status == 0, tail(out))
    lib = crate / "src/lib.rs"
    source = lib.read_text()
    cases = [
        ("cfg(MODULE) is set, as Kbuild sets it", "#[cfg(not(MODULE))]\ncompile_error!(\"no MODULE\");\n", None),
        ("a control: a compile_error! under cfg(MODULE) fails", "#[cfg(MODULE)]\ncompile_error!(\"MODULE set\");\n",
         "MODULE set"),
        ("alloc has no infallible allocations, as Kbuild builds it",
         "extern crate alloc;\npub fn f() -> alloc::boxed::Box<u32> { alloc::boxed::Box::new(1) }\n", "E0599"),
        ("the bindings come from KDIR of .cargo/config.toml",
         f'const _: () = assert!(matches!(kernel::UTS_RELEASE.as_bytes(), b"{kernel.release}"));\n', None),
    ]
    for what, extra, error in cases:
        lib.write_text(source + extra)
        status, out = cargo("check")
        ok = status == 0 if error is None else status != 0 and error in out
        results.check(f"host: cargo check in a new module crate: {what}", ok, tail(out, 12))
    lib.write_text(source + "pub fn lint_control() -> u32 {\n    return MAX_GREETINGS;\n}\n")
    status, out = cargo("clippy", "--", "-D", "warnings")
    results.check("host: cargo clippy -D warnings fails on a lint in the crate (the control)",
                  status != 0 and "needless_return" in out, tail(out, 12))
    lib.write_text(source)
    status, out = run(["cargo", "check"], cwd=ROOT / "examples/hello",
                      env=dict(toolchain.env(KDIR=str(kernel.kdir)), CARGO_NET_OFFLINE="true"))
    results.check("host: cargo check passes in examples/hello (examples/.cargo/config.toml)", status == 0, tail(out))


def error_checks(results, toolchain, kernel, crate, env):
    """A bad KDIR through make says what cargo says; a Kbuild include is absolute or $(src)/relative;
    rustc's messages name the crate's files by absolute path."""
    tool_env = dict(toolchain.env(), **env)
    for kdir in ["/nonexistent", "/tmp"]:
        status, out = run(["make", f"KDIR={kdir}"], cwd=crate)
        said = re.search(r"\*\*\* (.*)\.  Stop\.", out)
        # A target directory of their own: a KDIR that changes reruns the bindings' build script.
        cargo_status, cargo_out = run(["cargo", "check"], cwd=crate, env=dict(
            tool_env, KDIR=kdir, CARGO_TARGET_DIR=str(ROOT / "target/shipping-check-errors")))
        results.check(f"host: make KDIR={kdir} gives the cargo path's message, naming KDIR=", status != 0 and said
                      and f"KDIR {kdir} " in said.group(1) and "set KDIR=" in said.group(1)
                      and cargo_status != 0 and said.group(1) in cargo_out and "No rule" not in out,
                      f"make: {tail(out, 3)}\ncargo: {tail(cargo_out, 6)}")
    bad = "RUSTC=/nonexistent/rustc"
    for how, (status, out) in [("make", make(kernel, crate, env, bad)),
                               ("make -C $KDIR M=...", kernel.make(crate, bad, "modules", env=env))]:
        results.check(f"host: {how} {bad} says that rustc has no rust-src", status != 0
                      and f"{bad} has no rust-src" in out, tail(out, 3))
    status, out = make(kernel, crate, dict(env, RUSTC="/nonexistent/rustc"))
    results.check("host: make takes RUSTC from its command line only, as Kbuild does (not the environment)",
                  status == 0, tail(out, 3))
    kbuild = crate / "Kbuild"
    written = kbuild.read_text()
    relative = os.path.relpath(ROOT, crate)
    kbuild.write_text(f"obj-m := chosen.o\ninclude $(src)/{relative}/kbuild/rust-module.mk\n")
    status, out = make(kernel, crate, env)
    results.check("host: a Kbuild file includes rust-module.mk by a path relative to $(src)", status == 0, tail(out))
    kbuild.write_text(f"obj-m := chosen.o\ninclude $(src)/{ROOT}/kbuild/rust-module.mk\n")
    status, out = make(kernel, crate, env)
    results.check("host: make names the fix for an absolute include path after $(src)/",
                  status != 0 and "an absolute path is written as it is" in out and "No rule" not in out, tail(out, 3))
    status, out = kernel.make(crate, "modules")
    results.check("host: Kbuild itself gives a bare error for it (the control)", status != 0 and "No rule" in out,
                  tail(out, 3))
    kbuild.write_text(written)
    lib = crate / "src/lib.rs"
    source = lib.read_text()
    line = source.splitlines().index("        let n = greetings(module_parameters::greetings.get());") + 1
    lib.write_text(source.replace("let n = greetings", "let n: u64 = greetings"))
    status, out = make(kernel, crate, env)
    results.check("host: rustc's error in a module crate built by make names the file by absolute path",
                  status != 0 and f"--> {crate}/src/lib.rs:{line}:" in out, tail(out, 12))
    lib.write_text(source)


def cache_checks(results, kernel, crate, env, scaffold):
    """A second crate of the same name elsewhere builds from the shared cache, each its own module;
    make clean leaves the crate as new-module made it."""
    other = WORK / "elsewhere/chosen"
    new_module(other, kdir=str(kernel.kdir))
    lib = other / "src/lib.rs"
    lib.write_text(lib.read_text().replace("Hello from Rust", "Hello from elsewhere"))
    start = time.monotonic()
    status, out = make(kernel, other, env)
    seconds = time.monotonic() - start
    results.note(f"new module crate's first build with a warm cache ({kernel.name}): {seconds:.1f} s")
    results.check("host: a second crate of the same name builds", status == 0, tail(out))
    status, out = make(kernel, crate, env)
    mine = (crate / "chosen.ko").read_bytes() if status == 0 else b""
    theirs = (other / "chosen.ko").read_bytes() if (other / "chosen.ko").exists() else b""
    results.check("host: two crates of the same name each get their own module from the shared cache",
                  b"Hello from Rust" in mine and b"elsewhere" not in mine and b"Hello from elsewhere" in theirs,
                  tail(out))
    clones(results, kernel, env)
    built = files(crate)
    results.check("host: the build leaves its outputs in the crate and no cargo target directory (the control)",
                  "chosen.ko" in built and not (crate / "target").exists(), str(built))
    status, out = make(kernel, crate, env, "clean")
    results.check("host: make clean leaves the crate as new-module made it", status == 0 and files(crate) == scaffold,
                  f"{sorted(set(files(crate)) ^ set(scaffold))}\n{tail(out, 5)}")


def clones(results, kernel, env):
    """Two clones of a workspace (a module and a library it uses) with different libraries, the
    second's sources older than the first's build: each module gets its own library."""
    first, second = WORK / "clone-a", WORK / "clone-b"
    new_module(first / "module", "--name", "clone_module", kdir=str(kernel.kdir))
    (first / "module/Cargo.lock").rename(first / "Cargo.lock")
    manifest = first / "module/Cargo.toml"
    manifest.write_text(manifest.read_text().replace("\n[workspace]\n", "").replace(
        "[dependencies]\n", '[dependencies]\nhelper = { path = "../helper" }\n'))
    lib = first / "module/src/lib.rs"
    lib.write_text(lib.read_text().replace('pr_info!("Hello from Rust ({} of {})\\n", i, n)',
                                           'pr_info!("Hello from {} ({} of {})\\n", helper::WHO, i, n)'))
    (first / "helper/src").mkdir(parents=True)
    (first / "helper/Cargo.toml").write_text('[package]\nname = "helper"\nversion = "0.1.0"\nedition = "2021"\n')
    (first / "Cargo.toml").write_text('[workspace]\nmembers = ["module", "helper"]\nresolver = "2"\n')
    shutil.copytree(first, second)
    for clone in (first, second):
        (clone / "helper/src/lib.rs").write_text(f'#![no_std]\npub const WHO: &str = "{clone.name}";\n')
    for path in (second / "helper").rglob("*"):
        os.utime(path, (946684800, 946684800))  # 2000: older than anything the first clone built
    outputs = []
    for clone in (first, second):
        status, out = make(kernel, clone / "module", env)
        ko = clone / "module/clone_module.ko"
        outputs.append(ko.read_bytes() if status == 0 and ko.exists() else out.encode())
    results.check("host: two clones of a workspace each build their own library (the cache keeps workspaces apart)",
                  b"clone-a" in outputs[0] and b"clone-b" in outputs[1] and b"clone-a" not in outputs[1],
                  "; ".join(f"{clone}'s module names: {[w for w in ('clone-a', 'clone-b') if w.encode() in o]}"
                            for clone, o in zip(("clone-a", "clone-b"), outputs)))


def kunit_dir(kernel):
    """Where the crate built with its tests goes: /shipping in the guest."""
    return ROOT / "target/shipping-guest" / kernel.name / "shipping"


def built(results, kernel, modules):
    module = modules.get(NAME)
    if module is None:
        return
    module.build_with_tests(results, "the new module crate", b"greetings_are_bounded", kunit_dir(kernel))


def guest_steps(guest, modules, kernel):
    if NAME not in modules:
        return
    guest.add(kunit_dir(kernel))
    guest.step("new-module", f"insmod /{NAME}.ko greetings=3 && cat /sys/module/{NAME}/parameters/greetings "
                             f"&& rmmod {NAME}")
    guest.step("new-module-kunit", f"insmod /shipping/{NAME}.ko && rmmod {NAME}")


def guest_checks(results, kernel, guest):
    if "new-module" not in guest.outputs:
        return
    name = kernel.name
    texts = [t for t in map(message_text, guest.dmesg("new-module").splitlines()) if t.startswith(f"{NAME}: ")]
    expected = [f"{NAME}: Hello from Rust ({i} of 3)" for i in (1, 2, 3)] + [f"{NAME}: Goodbye"]
    results.check(f"{name}: the new module crate loads with greetings=3, greets three times and unloads",
                  guest.status("new-module") == 0 and guest.output("new-module").split() == ["3"]
                  and texts == expected, guest.output("new-module") + "\n" + "\n".join(texts))
    results.check(f"{name}: the new module crate built without KUNIT=1 runs no tests",
                  "KTAP" not in guest.dmesg("new-module"), guest.dmesg("new-module"))
    log = guest.dmesg("new-module-kunit").splitlines()
    lines = parse_ktap(log)[0]
    results.check(f"{name}: the new module crate's in-kernel tests pass, in KTAP (the control)",
                  guest.status("new-module-kunit") == 0 and lines == ktap_header(kernel, 1) + KTAP,
                  "\n".join(lines) or tail("\n".join(log)))
