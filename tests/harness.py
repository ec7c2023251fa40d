"""The test harness: results, commands, kernels, module builds and guest boots."""

import functools
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"


class Results:
    """Pass/fail records, printed as they come and summed up at the end."""

    def __init__(self):
        self.passed = 0
        self.failed = []
        self.figures = {}
        self.times = {}
        self.notes = []

    def check(self, name, ok, detail=""):
        """Records one check; `detail` explains a failure."""
        if ok:
            self.passed += 1
            print(f"PASS {name}", flush=True)
        else:
            self.failed.append(name)
            print(f"FAIL {name}" + (f": {detail}" if detail else ""), flush=True)
        return ok

    def figure(self, name, value):
        """Adds `value` to a figure of the summary (e.g. fuzz iterations over every kernel)."""
        self.figures[name] = self.figures.get(name, 0) + value

    def time(self, name, seconds):
        """Records where the suite's time went, for the summary."""
        self.times[name] = self.times.get(name, 0) + seconds

    def note(self, text):
        """A line of information for the summary (which toolchain built what, ...)."""
        self.notes.append(text)

    def skip(self, name, why):
        """A check that does not apply (e.g. an x86-specific one on arm64): printed and noted in
        the summary, never silently left out."""
        print(f"SKIP {name}: {why}", flush=True)
        self.notes.append(f"skipped: {name}: {why}")

    def summary(self):
        for text in self.notes:
            print(f"  {text}")
        for name, seconds in self.times.items():
            print(f"  time: {name}: {seconds:.0f} s")
        for name in self.failed:
            print(f"  failed: {name}")
        for name, value in self.figures.items():
            print(f"  {name}: {value}")
        print(f"{self.passed} passed, {len(self.failed)} failed")
        return not self.failed


def say(message):
    print(f"\033[1m==> {message}\033[0m", file=sys.stderr, flush=True)


def run(cmd, cwd=None, env=None, timeout=1800):
    """Runs a command; returns (exit status, stdout and stderr together)."""
    full_env = dict(os.environ, **(env or {}))
    proc = subprocess.run(cmd, cwd=cwd, env=full_env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=timeout)
    return proc.returncode, proc.stdout


def tail(text, lines=30):
    return "\n".join(text.strip().splitlines()[-lines:])


class Kernel:
    """A kernel from scripts/kernel: its build tree, image and configuration."""

    def __init__(self, name):
        self.name = name
        status, out = run([str(SCRIPTS / "kernel"), name])
        if status != 0:
            raise RuntimeError(f"fetching kernel {name} failed:\n{tail(out)}")
        self.dir = Path(out.strip().splitlines()[-1])
        self.kdir = (self.dir / "build").resolve()
        self.release = (self.dir / "release").read_text().strip()
        # The Debian release whose userland builds this kernel's modules (scripts/userland), or
        # None for the host's.
        userland = self.dir / "userland"
        self.userland = userland.read_text().strip() if userland.exists() else None
        self.read_configuration()

    def read_configuration(self):
        """The kernel's .config, and its architecture from it: another architecture's kernel is
        cross-built, as Debian documents (scripts/boot reads the same from the `arch` file)."""
        self.config = {}
        for line in (self.kdir / ".config").read_text().splitlines():
            if line.startswith("CONFIG_") and "=" in line:
                key, value = line.split("=", 1)
                self.config[key] = value.strip('"')
        self.arch = "arm64" if self.enabled("CONFIG_ARM64") else "x86"
        # The prefix of its binutils and gcc (Debian's cross tools for arm64), and make's variables.
        self.cross_compile = "aarch64-linux-gnu-" if self.arch == "arm64" else ""
        self.cross = ["ARCH=arm64", f"CROSS_COMPILE={self.cross_compile}"] if self.arch == "arm64" else []
        # The Rust target its modules are compiled for (kbuild/rust-module.mk's).
        self.rust_target = "aarch64-unknown-none-softfloat" if self.arch == "arm64" else "x86_64-unknown-none"

    def run(self, cmd, cwd, env=None):
        """Runs `cmd` in `cwd` where this kernel's modules are built: on the host, or in the
        userland of the kernel's own release, with its compiler and Rust."""
        if self.userland:
            cmd = [str(SCRIPTS / "userland"), self.userland, "--run", str(cwd), "env",
                   *[f"{k}={v}" for k, v in (env or {}).items()], *cmd]
            return run(cmd)
        return run(cmd, cwd=cwd, env=env)

    def make(self, directory, *targets, env=None):
        """`make -C <kdir> M=<directory> <targets>`, as this kernel's users run it."""
        cmd = ["make", "-C", str(self.kdir), f"M={directory}", "CONFIG_DEBUG_INFO_BTF_MODULES=", *self.cross, *targets]
        return self.run(cmd, directory, env=env)

    @functools.cached_property
    def header_trees(self):
        """Where the kernel's headers are: the build tree, and the source tree its Makefile
        includes (Debian's -common package)."""
        includes = re.findall(r"^include (\S+)/Makefile$", (self.kdir / "Makefile").read_text(), re.M)
        return [self.kdir, *map(Path, includes)]

    def has_file(self, relative):
        """Whether the kernel's headers have `relative` (e.g. `include/linux/x.h`)."""
        return any((tree / relative).exists() for tree in self.header_trees)

    def configured(self, option):
        """Whether `option` is built in or a module (`y` or `m`)."""
        return self.config.get(option) in ("y", "m")

    def own_module(self, name):
        """The kernel's own module `name` (a .ko file scripts/kernel keeps decompressed)."""
        status, out = run([str(SCRIPTS / "kernel"), self.name, name])
        if status != 0:
            raise RuntimeError(f"kernel {self.name}: fetching its module {name} failed:\n{tail(out)}")
        return self.dir / "modules" / f"{name}.ko"

    def enabled(self, *options):
        """Whether any of the options is `y`."""
        return any(self.config.get(o) == "y" for o in options)


class Module:
    """A module directory built for one kernel."""

    def __init__(self, path, kernel):
        self.path = Path(path).resolve()
        self.kernel = kernel
        self.name = (self.path / "Kbuild").read_text().split("obj-m := ")[1].split(".o")[0]
        self.ko = self.path / f"{self.name}.ko"
        self.status = None
        self.output = ""

    def build(self, *make_args):
        """`make clean` then a Kbuild build, so objtool and modpost always run and report;
        `make_args` such as KUNIT=1 go to make."""
        self.kernel.make(self.path, "clean")
        self.status, self.output = self.kernel.make(self.path, *make_args, "modules")
        return self.status == 0 and self.ko.exists()

    def build_with_tests(self, results, what, marker, directory):
        """Builds the module with its in-kernel tests (`make KUNIT=1`), checks its .ko carries
        them (`marker`: a test's name) and copies it into `directory` (no copy of an earlier
        build is left there); then builds it again without them, as the other suites load it."""
        name = self.kernel.name
        directory.mkdir(parents=True, exist_ok=True)
        (directory / self.ko.name).unlink(missing_ok=True)
        status, out = self.kernel.make(self.path, "KUNIT=1", "modules")
        with_tests = status == 0 and marker in self.ko.read_bytes()
        results.check(f"{name}: {what} builds with its in-kernel tests (make KUNIT=1)", with_tests, tail(out))
        if with_tests:
            shutil.copy(self.ko, directory / self.ko.name)
        status, out = self.kernel.make(self.path, "modules")
        results.check(f"{name}: {what} builds again without its tests",
                      status == 0 and marker not in self.ko.read_bytes(), tail(out))

    def warnings(self):
        """Warning lines of the build (objtool, modpost, compilers)."""
        return [l for l in self.output.splitlines() if re.search(r"warning|WARNING", l)]


STEP_RE = re.compile(r"^@@@ step (\S+)$")
STATUS_RE = re.compile(r"^@@@ status (\d+)$")
# A kernel console record, wherever it starts: the kernel writes to the serial port without
# waiting for the end of a line user space is writing, so a record can split a guest's line in two.
# Not after '>': `dmesg -r` prints records as "<6>[    1.234] ...".
KERNEL_RECORD = re.compile(r"(?<!>)\[\s*\d+\.\d+\] ")


def user_lines(console):
    """The lines user space wrote to the serial console, without the kernel's records: a record
    that split a line is dropped and the line's two parts joined again."""
    pending = ""
    for line in console.splitlines():
        record = KERNEL_RECORD.search(line)
        if record:
            pending += line[:record.start()]
        else:
            yield pending + line
            pending = ""
    if pending:
        yield pending


class Guest:
    """A shell script for a booted guest, in named steps, and what each step printed.

    Each step records its output, its exit status and the kernel messages it caused (read and
    cleared with `dmesg -c` after the step).
    """

    def __init__(self):
        self.steps = []
        self.files = []
        self.console = ""
        self.outputs = {}
        self.completed = False
        self.retried = False

    def step(self, name, script):
        assert re.fullmatch(r"[\w.-]+", name), name
        self.steps.append((name, script))

    def add(self, *files):
        self.files.extend(str(f) for f in files)

    def script(self):
        lines = ["dmesg -c >/dev/null"]
        for name, script in self.steps:
            # An oops raises the console's log level for good (console_verbose()); each step starts
            # at the boot's (`quiet`: errors and worse), so fewer records cut into its lines.
            lines += ["dmesg -n 4", f"echo '@@@ step {name}'", "(", script, ") 2>&1",
                      "echo \"@@@ status $?\"", "echo '@@@ dmesg'", "dmesg -r -c", "echo '@@@ end'"]
        return "\n".join(lines) + "\n"

    def boot(self, kernel, workdir, smp=1, timeout=300, append="", icount=False):
        """Boots `kernel` with the steps; `append` adds to its command line. With `icount` the
        guest's clocks count its instructions (scripts/boot --icount)."""
        workdir.mkdir(parents=True, exist_ok=True)
        run_sh = workdir / "run.sh"
        run_sh.write_text(self.script())
        cmd = [str(SCRIPTS / "boot"), str(kernel.dir), "--smp", str(smp), "--timeout", str(timeout),
               "--append", append, *(["--icount"] if icount else []), *self.files, str(run_sh)]
        status, self.console = run(cmd, timeout=timeout + 60)
        if status != 0 and "@@@ run.sh" not in self.console:
            # The kernel died booting, before any module or test ran (seen once: a stock 6.12
            # taking an int3 in text patching under TCG). Such a crash is not ours to judge;
            # boot again once and keep the first console for the record.
            (workdir / "console-failed-boot.log").write_text(self.console)
            say(f"kernel {kernel.name}: crashed before the tests began; booting again")
            self.retried = True
            status, self.console = run(cmd, timeout=timeout + 60)
        (workdir / "console.log").write_text(self.console)
        self.completed = status == 0
        self._parse()
        return self.completed

    def _parse(self):
        current, part = None, None
        for line in user_lines(self.console):
            m = STEP_RE.match(line)
            if m:
                current, part = m.group(1), "output"
                self.outputs[current] = {"output": [], "status": None, "dmesg": []}
                continue
            if current is None:
                continue
            if status := STATUS_RE.match(line):
                self.outputs[current]["status"] = int(status.group(1))
            elif line == "@@@ dmesg":
                part = "dmesg"
            elif line == "@@@ end":
                current = None
            elif part == "output":
                self.outputs[current]["output"].append(line)
            elif part == "dmesg":
                self.outputs[current]["dmesg"].append(line)

    def output(self, step):
        return "\n".join(self.outputs.get(step, {}).get("output", []))

    def status(self, step):
        return self.outputs.get(step, {}).get("status")

    def dmesg(self, step=None):
        """Kernel messages of one step, or of all steps."""
        if step is not None:
            return "\n".join(self.outputs.get(step, {}).get("dmesg", []))
        return "\n".join(l for o in self.outputs.values() for l in o["dmesg"])


def scratch_crate(name, module=False):
    """A crate under target/ that depends on `kernel` from this repository, with the workspace's
    Cargo.lock (so it builds offline): a module crate with its Kbuild file when `module`, else a
    plain library; the caller writes src/lib.rs. Returns its directory."""
    crate = ROOT / "target" / name.replace("_", "-")
    (crate / "src").mkdir(parents=True, exist_ok=True)
    lib = '[lib]\ncrate-type = ["staticlib"]\n\n' if module else ""
    (crate / "Cargo.toml").write_text(f'[package]\nname = "{name}"\nversion = "0.0.0"\nedition = "2021"\n\n{lib}'
                                      f'[dependencies]\nkernel = {{ path = "{ROOT}" }}\n\n[workspace]\n')
    (crate / "Cargo.lock").write_text((ROOT / "Cargo.lock").read_text())
    if module:
        (crate / "Kbuild").write_text(f"obj-m := {name}.o\ninclude {ROOT}/kbuild/rust-module.mk\n")
    return crate


def compile_checks(results, toolchain, kernel, subject, cases):
    """Compile-time boundaries, checked with `cargo check` of a scratch crate on the host: each
    case is (what, the crate's src/lib.rs, part of the error it must give), or None as the
    error for a control that must compile."""
    crate = scratch_crate("compile_checks")
    env = toolchain.env(KDIR=str(kernel.kdir), CARGO_TARGET_DIR=str(ROOT / "target"))
    for what, source, expected in cases:
        (crate / "src/lib.rs").write_text(source)
        status, out = run(["cargo", "check", "--quiet", "--offline", "--lib"], cwd=crate, env=env)
        if expected is None:
            results.check(f"host: {subject} accepts {what}", status == 0, tail(out))
        else:
            results.check(f"host: {subject} rejects {what}", status != 0 and expected in out, tail(out, 12))


# The uapi header of examples/rust_misc's device, which the programs driving it include.
RUST_MISC_UAPI = ROOT / "examples/rust_misc/include/uapi"


# The C compiler of static guest programs, per kernel architecture (arm64: gcc-12-aarch64-linux-gnu
# with libc6-dev-arm64-cross).
GUEST_CC = {"x86": "gcc", "arm64": "aarch64-linux-gnu-gcc-12"}


def guest_program(name, flags=(), directory=ROOT / "tests/guest", arch="x86"):
    """Compiles <directory>/<name>.c, or every .c file of the directory <directory>/<name>
    (tests/guest by default), into a static binary for a guest of `arch` (a Kernel's), with extra
    gcc `flags` and RUST_MISC_UAPI on the include path; returns its path."""
    source = directory / name
    sources = sorted(source.glob("*.c")) if source.is_dir() else [directory / f"{name}.c"]
    binary = ROOT / "target/guest" / arch / name
    binary.parent.mkdir(parents=True, exist_ok=True)
    status, out = run([GUEST_CC[arch], "-static", "-O2", "-Wall", "-Werror", "-pthread", f"-I{RUST_MISC_UAPI}", *flags,
                       "-o", str(binary), *map(str, sources)])
    if status != 0:
        raise RuntimeError(f"compiling {source}:\n{out}")
    return binary


class Toolchain:
    """The Rust toolchain the Kbuild fragment would pick (kbuild/find-rust), for host commands."""

    def __init__(self):
        status, out = run([str(ROOT / "kbuild/find-rust")])
        if status != 0:
            raise RuntimeError(out.strip())
        self.rustc, self.cargo = out.split()

    def env(self, **extra):
        """An environment whose `cargo`, `rustc`, `rustdoc`, clippy and rustfmt are this toolchain's."""
        path = f"{Path(self.cargo).parent}:{Path(self.rustc).parent}:{os.environ.get('PATH', '')}"
        return dict(os.environ, PATH=path, RUSTC=self.rustc, CARGO=self.cargo, **extra)


def message_text(dmesg_line):
    """The text of a raw `dmesg -r` line: without `<level>[ time] `."""
    return re.sub(r"^<\d+>\[\s*\d+\.\d+\] ", "", dmesg_line)

