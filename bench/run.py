#!/usr/bin/env python3
"""Benchmarks: Rust modules against equivalent C modules, built for one kernel and run in one boot.

Usage: bench/run.py [--kernel NAME] [--rounds N] [--iterations N] [--build-rounds N] [--boots N]
                    [--icount-boots N] [--smoke] [--only size,build,runtime,instructions]

Measures, for each pair (examples/hello and bench/c/hello, examples/rust_misc and bench/c/misc,
bench/rust/ops and bench/c/ops):
  size      sections of the .ko, and which crate the Rust bytes come from
  build     clean, second-module, new-crate, incremental and no-change builds, timed
  bindings  bindgen's time and output for kernel-sys
  runtime   read/write/ioctl on the misc devices, printk and kmalloc/kfree through the ops
            devices, timed in the guest (bench/guest/bench.c); C and Rust take turns. Wall time,
            which moves with the host
  instructions
            the same, counted in guest instructions (QEMU's icount: the guest's clock advances by
            one nanosecond per instruction), which repeat from boot to boot; the targets are on
            these
Ratios are C/Rust: 1.0 is parity, above 1.0 Rust is smaller or faster. Prints a Markdown table
and writes it with results.csv, results.json and ratios.svg to target/bench/.
"""

import argparse
import csv
import json
import re
import shutil
import statistics
import struct
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from harness import ROOT, Guest, Kernel, Module, guest_program, run, say, tail  # noqa: E402

import svg  # noqa: E402

OUT = ROOT / "target/bench"
WORKSPACE = OUT / "workspace"
# The build benchmarks' own build cache (KMOD_RS_CACHE), which they may empty.
CACHE = OUT / "cache"

# (pair, Rust module directory, C module directory)
PAIRS = [("hello", "examples/hello", "bench/c/hello"), ("misc", "examples/rust_misc", "bench/c/misc"),
         ("ops", "bench/rust/ops", "bench/c/ops")]

# Runtime rows of bench/guest/bench.c: id -> label.
RUNTIME = {
    "write_1": "write() 1 B", "read_1": "read() 1 B",
    "write_64": "write() 64 B", "read_64": "read() 64 B",
    "write_4k": "write() 4 KiB", "read_4k": "read() 4 KiB",
    "stream_64k": "write()+read() 64 KiB, in 4 KiB pieces",
    "ioctl": "ioctl() round trip (GET_LEN)",
    "printk": "pr_info!() / pr_info(), 2 integers",
    "alloc_64": "KBox / kmalloc+kfree, 64 B",
    "alloc_4k": "KBox / kmalloc+kfree, 4 KiB",
    # The noise floor: C against itself, on the same device; no target, 1.0 is ideal.
    "same_read_4k": "noise floor: C / C, read() 4 KiB",
    "same_stream_64k": "noise floor: C / C, write()+read() 64 KiB",
}
# The lowest C/Rust ratio of guest instructions per operation, on every row but the noise floor.
# Wall time has no target: under TCG it moves by several percent with the host (see the README).
INSTRUCTIONS_TARGET = 0.98


# --- sizes ---------------------------------------------------------------------------------------

def elf_sections_and_symbols(path):
    """[(name, flags, size)] of the sections and [(name, section index, address, size)] of the symbols of
    a 64-bit little-endian ELF file."""
    data = Path(path).read_bytes()
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    headers = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]

    def string(table, offset):
        start = headers[table][4] + offset
        return data[start:data.index(b"\0", start)].decode()

    sections = [(string(shstrndx, h[0]), h[2], h[5]) for h in headers]
    symbols = []
    for h in headers:
        if h[1] == 2:  # SHT_SYMTAB; its string table is sh_link
            for offset in range(h[4], h[4] + h[5], 24):
                name, info, _, shndx, value, size = struct.unpack_from("<IBBHQQ", data, offset)
                if size and (info & 0xF) in (1, 2):  # objects and functions
                    symbols.append((string(h[6], name), shndx, value, size))
    return sections, symbols


SHF_WRITE, SHF_EXEC = 0x1, 0x4


def section_group(name, flags):
    """Which figure a section counts towards: text, rodata, data or None."""
    if flags & SHF_EXEC:
        return "text"
    if name.startswith(".rodata"):
        return "rodata"
    if name.startswith((".data", ".bss")) and flags & SHF_WRITE:
        return "data"
    return None


CRATE_ROOT = re.compile(r"C(?:s[0-9A-Za-z]*_)?(\d+)")


def crate_of(symbol, module_crate):
    """The crate a symbol of a Rust module comes from. v0 names (`_R...`) hold the crate roots of
    their path; the first one is that of the item (for a generic function, the crate defining it,
    whoever instantiated it)."""
    name = symbol.removeprefix("__pfx_")
    if name.startswith("kmod_rs_helper_"):
        return "C helpers"
    if name.startswith("_R"):
        for m in CRATE_ROOT.finditer(name):
            start = m.end()
            crate = name[start:start + int(m.group(1))].lstrip("_")
            if crate:
                break
        else:
            return "module"
        if crate == "rustc":  # `rust_begin_unwind`: the panic handler of `kernel`
            crate = "kernel"
        return "module" if crate == module_crate else crate
    if name in ("init_module", "cleanup_module", "kmod_rs_init_module", "kmod_rs_cleanup_module"):
        return "module"
    return "Kbuild (modinfo, versions, ...)"


def ko_sizes(module, rust_crate=None):
    """Section figures of a module's .ko, its size as built and stripped of debug information (as
    `INSTALL_MOD_STRIP=1` installs it), and the per-crate breakdown of a Rust module."""
    ko = module.ko
    sections, symbols = elf_sections_and_symbols(ko)
    sizes = {"text": 0, "rodata": 0, "data": 0}
    for name, flags, size in sections:
        group = section_group(name, flags)
        if group:
            sizes[group] += size
    stripped = OUT / "stripped.ko"
    # The binutils of the module's architecture (aarch64-linux-gnu-strip for an arm64 kernel's).
    strip = f"{module.kernel.cross_compile}strip"
    status, out = run([strip, "--strip-debug", "-o", str(stripped), str(ko)])
    if status != 0:
        raise RuntimeError(f"{strip} {ko} failed:\n{out}")
    sizes["ko"] = Path(ko).stat().st_size
    sizes["ko_stripped"] = stripped.stat().st_size
    breakdown = {}
    if rust_crate:
        seen = set()
        for name, shndx, address, size in symbols:
            # An alias (init_module of kmod_rs_init_module) names bytes already counted.
            if shndx >= len(sections) or (shndx, address) in seen:
                continue
            seen.add((shndx, address))
            group = section_group(*sections[shndx][:2])
            if group:
                by_group = breakdown.setdefault(crate_of(name, rust_crate), {"text": 0, "rodata": 0, "data": 0})
                by_group[group] += size
        named = {g: sum(b[g] for b in breakdown.values()) for g in ("text", "rodata", "data")}
        breakdown["unnamed (strings, padding)"] = {g: sizes[g] - named[g] for g in named}
    return sizes, breakdown


def size_rows(modules):
    rows, breakdowns = [], {}
    for pair, rust_dir, c_dir in PAIRS[:2]:
        rust, c = modules[rust_dir], modules[c_dir]
        rust_sizes, breakdowns[rust.name] = ko_sizes(rust, rust.name)
        c_sizes, _ = ko_sizes(c)
        # rust_misc's code within 1.25x of its C twin's (the benchmark issue's target); its .ko,
        # symbol tables and all, within 2x; hello's code within 1.5x.
        limits = {"text": 0.8, "ko_stripped": 0.5} if pair == "misc" else {"text": 2 / 3}
        for key, label in [("text", "executable sections"), ("rodata", ".rodata*"), ("data", ".data*, .bss"),
                           ("ko_stripped", ".ko stripped of debug info"), ("ko", ".ko as built (with debug info)")]:
            target = limits.get(key)
            rows.append(row("size", f"{pair}_{key}", f"{rust.name} vs {c.name}: {label}", "bytes",
                            [c_sizes[key]], [rust_sizes[key]], target))
        if pair == "hello":
            rows.append(row("size", "hello_text_8k", "hello: executable sections under 8 KB", "bytes",
                            [8192], [rust_sizes["text"]], 1.0))
    return rows, breakdowns


# --- builds --------------------------------------------------------------------------------------

def make(kernel, directory, target="modules"):
    start = time.monotonic()
    status, out = kernel.make(directory, target, env={"CARGO_NET_OFFLINE": "true", "KMOD_RS_CACHE": str(CACHE)})
    if status != 0:
        raise RuntimeError(f"building {directory} failed:\n{tail(out)}")
    return time.monotonic() - start


def scratch_workspace():
    """A workspace of copies of the Rust and C modules under target/bench, which the build
    benchmarks may clean and edit; its own build cache."""
    shutil.rmtree(WORKSPACE / "hello", ignore_errors=True)
    WORKSPACE.mkdir(parents=True, exist_ok=True)
    (WORKSPACE / "Cargo.toml").write_text('[workspace]\nmembers = ["hello", "rust_misc"]\nresolver = "2"\n')
    shutil.copy(ROOT / "Cargo.lock", WORKSPACE / "Cargo.lock")
    for source in ["examples/hello", "examples/rust_misc", "bench/c/hello", "bench/c/misc"]:
        copy = WORKSPACE / Path(source).name if source.startswith("examples") else WORKSPACE / f"c_{Path(source).name}"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(ROOT / source, copy, ignore=shutil.ignore_patterns("*.o", "*.ko", "*.a", ".*", "*.mod*",
                                                                           "Module.symvers", "modules.order"))
        # A path out of the module's directory (the Kbuild fragment, the uapi header of rust_misc)
        # is relative to the original: made absolute for the copy.
        kbuild = (copy / "Kbuild").read_text()
        (copy / "Kbuild").write_text(re.sub(r"\$\(src\)/((?:\.\./)+\S*)",
                                            lambda m: str((ROOT / source / m.group(1)).resolve()), kbuild))
        if (copy / "Cargo.toml").exists():
            manifest = (copy / "Cargo.toml").read_text()
            (copy / "Cargo.toml").write_text(re.sub(r'kernel = \{ path = "[^"]*" \}', f'kernel = {{ path = "{ROOT}" }}',
                                                    manifest))


def new_crate(kernel):
    """A crate from scripts/new-module, built for the first time: the cache is warm from hello."""
    crate = OUT / "new_crate"
    shutil.rmtree(crate, ignore_errors=True)
    status, out = run([str(ROOT / "scripts/new-module"), str(crate)], env={"KDIR": ""})
    if status != 0:
        raise RuntimeError(f"scripts/new-module failed:\n{out}")
    return make(kernel, crate)


def edit_one_line(path, old, new):
    text = path.read_text()
    assert old in text, f"{path} has no '{old}'"
    path.write_text(text.replace(old, new, 1))


def build_rows(kernel, rounds, smoke):
    """Build times. A smoke run skips the cleaning: its clean-build figures are not meaningful."""
    say("build times: scratch copies of hello and rust_misc, and of their C twins, in target/bench/workspace")
    scratch_workspace()
    ws = WORKSPACE
    target_dir = CACHE / "build"
    figures = {key: ([], []) for key in ("scratch", "clean", "second", "new", "incremental", "noop")}

    def clean(directory):
        make(kernel, directory, "clean")

    if not smoke:
        say("build times: hello from nothing (empty Cargo target directory: host build tools too)")
        shutil.rmtree(target_dir, ignore_errors=True)
    clean(ws / "hello")
    figures["scratch"][1].append(make(kernel, ws / "hello"))
    for i in range(rounds):
        say(f"build times: round {i + 1} of {rounds}: clean, second module, incremental, no change")
        for c_dir in (ws / "c_hello", ws / "c_misc"):
            clean(c_dir)
        figures["scratch"][0].append(make(kernel, ws / "c_hello"))
        clean(ws / "c_hello")
        figures["clean"][0].append(make(kernel, ws / "c_hello"))
        figures["second"][0].append(make(kernel, ws / "c_misc"))
        if not smoke:
            for built in target_dir.glob(f"*/{kernel.rust_target}"):
                shutil.rmtree(built)
        clean(ws / "hello")
        clean(ws / "rust_misc")
        figures["clean"][1].append(make(kernel, ws / "hello"))
        figures["second"][1].append(make(kernel, ws / "rust_misc"))
        figures["new"][0].append(figures["clean"][0][-1])
        figures["new"][1].append(new_crate(kernel))
        for language, (directory, source) in enumerate([(ws / "c_hello", "c_hello.c"), (ws / "hello", "src/lib.rs")]):
            edit_one_line(directory / source, "Goodbye from Rust", f"Goodbye from Rust ({i})")
            figures["incremental"][language].append(make(kernel, directory))
            figures["noop"][language].append(make(kernel, directory))
    # key -> (label, lowest ratio, highest Rust time in seconds)
    labels = {
        "scratch": ("hello, clean, from nothing (Rust: host build tools, core, alloc, bindings too)", None, 60.0),
        "clean": ("hello, clean (Rust: core, alloc, bindings, kernel; host tools already built)", None, 60.0),
        "second": ("second module in the same workspace (rust_misc / c_misc)", None, 10.0),
        "new": ("a new module crate's first build, shared cache warm (scripts/new-module / c_hello clean)", None,
                10.0),
        "incremental": ("hello, rebuild after a one-line change", 0.5, None),
        "noop": ("hello, rebuild with nothing changed", None, None),
    }
    rows = []
    for key, (c, rust) in figures.items():
        label, target, max_rust = labels[key]
        rows.append(row("build", f"build_{key}", label, "s", c[:len(rust)], rust, target, max_rust))
    return rows, bindgen_rows(target_dir, kernel)


def bindgen_rows(target_dir, kernel):
    """bindgen's time (recorded by kernel-sys/build.rs) and output size, from the last build."""
    outs = sorted(target_dir.glob(f"*/{kernel.rust_target}/release/build/kernel-sys-*/out/bindgen-seconds"),
                  key=lambda p: p.stat().st_mtime)
    if not outs:
        raise RuntimeError(f"no bindgen-seconds under {target_dir}: kernel-sys/build.rs did not record it")
    out = outs[-1].parent
    bindings = (out / "bindings.rs").read_text()
    return [
        row("bindings", "bindgen_time", "bindgen run for kernel-sys (default allowlist)", "s", [],
            [float((out / "bindgen-seconds").read_text())]),
        row("bindings", "bindgen_bytes", "kernel-sys bindings.rs", "bytes", [], [len(bindings.encode())]),
        row("bindings", "bindgen_lines", "kernel-sys bindings.rs", "lines", [], [bindings.count("\n")]),
    ]


# --- runtime -------------------------------------------------------------------------------------

def runtime_rows(kernel, modules, rounds, iterations, boots, icount):
    """Runtime rows, from `boots` boots of `rounds` rounds each: wall time, or with `icount` guest
    instructions (the guest's clock counts them). Under emulation wall time moves with where the
    modules and their buffers land in memory, which changes from boot to boot: the boots
    alternate which module of each pair loads first, and their rounds are pooled. Each
    instruction row also keeps every boot's own ratio (`boot_ratios`): instruction counts must
    repeat from boot to boot."""
    what = "guest instructions (QEMU icount)" if icount else "wall time"
    per_boot = []
    for boot in range(boots):
        guest = Guest()
        guest.add(guest_program("bench", directory=ROOT / "bench/guest", arch=kernel.arch))
        names = []
        for pair, rust_dir, c_dir in PAIRS[1:]:
            for directory in (c_dir, rust_dir) if boot % 2 == 0 else (rust_dir, c_dir):
                guest.add(modules[directory].ko)
                names.append(modules[directory].name)
        guest.step("load", " && ".join(f"insmod /{name}.ko" for name in names))
        # The kernel log fills with the printk rows' messages: emptied here rather than printed.
        guest.step("bench", f"/bench {rounds} {iterations}; status=$?; dmesg -c >/dev/null; exit $status")
        guest.step("unload", " && ".join(f"rmmod {name}" for name in names))
        say(f"runtime, {what}: boot {boot + 1} of {boots} of {kernel.name} under QEMU (one CPU, console quiet): "
            f"{rounds} rounds of {iterations} iterations, C and Rust taking turns")
        timeout = 120 + rounds * iterations // 50
        booted = guest.boot(kernel, OUT / "guest", smp=1, timeout=timeout, append="loglevel=1", icount=icount)
        if not booted or guest.status("load") != 0 or guest.status("bench") != 0:
            raise RuntimeError("the benchmark failed in the guest:\n" + tail(guest.output("load") + "\n" +
                                                                           guest.output("bench") + "\n" +
                                                                           guest.console))
        results = {}
        for line in guest.output("bench").splitlines():
            m = re.match(r"result (\S+) (c|rust) (\d+) (\S+)$", line)
            if m:
                results.setdefault(m.group(1), ([], []))[m.group(2) == "rust"].append(float(m.group(4)))
        per_boot.append(results)
    section, unit = ("instructions", "insns/op") if icount else ("runtime", "ns/op")
    rows = []
    for key, label in RUNTIME.items():
        if icount:
            # Interrupts and the kernel's background work only ever add instructions to a round:
            # a boot's count is its least disturbed round, and the row compares the boots.
            counts = [results[key] for results in per_boot if key in results and all(results[key])]
            c, rust = [min(boot[0]) for boot in counts], [min(boot[1]) for boot in counts]
            target = None if key.startswith("same_") else INSTRUCTIONS_TARGET
            r = row(section, f"insns_{key}", label, unit, c, rust, target)
            r["boot_ratios"] = [x / y for x, y in zip(c, rust)]
        else:
            c = [x for results in per_boot for x in results.get(key, ([], []))[0]]
            rust = [x for results in per_boot for x in results.get(key, ([], []))[1]]
            r = row(section, key, label, unit, c, rust)
        rows.append(r)
    return rows


# --- results -------------------------------------------------------------------------------------

def row(section, key, label, unit, c, rust, target=None, absolute=None):
    """One result: medians of the C and Rust figures and of the per-round ratios C/Rust, with their
    spread. `target` is the lowest acceptable ratio, `absolute` the highest acceptable Rust figure."""
    result = {"section": section, "id": key, "label": label, "unit": unit, "rounds": len(rust),
              "c": statistics.median(c) if c else None, "rust": statistics.median(rust) if rust else None,
              "target": target, "max_rust": absolute}
    ratios = [x / y for x, y in zip(c, rust) if y] if c and len(c) == len(rust) else []
    if ratios:
        quartiles = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else ratios * 3
        result.update(ratio=statistics.median(ratios), ratio_min=min(ratios), ratio_max=max(ratios),
                      ratio_q1=quartiles[0], ratio_q3=quartiles[2])
    met = []
    if target is not None and ratios:
        met.append(result["ratio"] >= target)
    if absolute is not None and rust:
        met.append(result["rust"] <= absolute)
    result["met"] = all(met) if met else None
    return result


def number(value, unit):
    if value is None:
        return "—"
    if unit == "s":
        return f"{value:.2f}"
    if unit == "ns/op":
        return f"{value:,.0f}"
    return f"{value:,.0f}"


def target_text(r):
    parts = []
    if r["target"] is not None:
        parts.append(f"ratio ≥ {r['target']:.2f}")
    if r["max_rust"] is not None:
        parts.append(f"Rust ≤ {number(r['max_rust'], r['unit'])} {r['unit']}")
    verdict = {True: "met", False: "**not met**", None: ""}[r["met"]]
    return f"{' and '.join(parts)} {verdict}".strip()


def boot_spread(rows):
    """How far the instruction rows' ratios of different boots lie apart, at most: largest over
    smallest, less one. None without two boots' ratios of a row."""
    spreads = [max(r["boot_ratios"]) / min(r["boot_ratios"]) - 1 for r in rows
               if r["section"] == "instructions" and len(r.get("boot_ratios", [])) > 1 and None not in r["boot_ratios"]]
    return max(spreads) if spreads else None


def markdown(meta, rows, breakdowns):
    lines = [f"# kmod-rs benchmarks: Rust modules / C modules, kernel {meta['kernel']} ({meta['release']})", "",
             f"{meta['date']}; {meta['boots']} boots (wall time) and {meta['icount_boots']} (instructions) of "
             f"{meta['rounds']} rounds of {meta['iterations']} iterations; {meta['build_rounds']} build rounds; host: "
             f"{meta['cpus']} CPUs.", ""]
    if meta["smoke"]:
        lines += ["**Smoke run**: tiny counts and no cleaning before the clean builds; the figures mean nothing.", ""]
    lines += ["Ratio = C / Rust: 1.0 is parity, above 1.0 Rust is smaller or faster. Runtime: medians over the "
              "rounds (of every boot) of the per-round ratios, each from C and Rust runs taking turns in the same "
              "boot, with their min–max spread. The guest runs under QEMU TCG (emulation, no KVM): the ratios are "
              "the meaningful figures, absolute times are informative only. The noise-floor rows time the C device "
              "against itself within a boot; between boots the device rows also move by a few percent either way "
              "with where the modules and buffers land in memory, which is why the boots alternate the load order "
              "and are pooled. That is the wall time (`runtime` rows), host-dependent. The `instructions` rows "
              "count what the guest executes per operation (QEMU's icount: its clock advances one nanosecond per "
              "instruction), which does not depend on the host; it models no caches, branch prediction or "
              "instruction costs. Each boot counts an operation in its least disturbed round (interrupts and "
              "the kernel's background work only add instructions); those rows give the median over the boots "
              "and their spread. The targets are on those.", ""]
    spread = boot_spread(rows)
    if spread is not None:
        lines += [f"Instruction ratios of the boots differ by at most {spread:.3%} (per row, largest over smallest).",
                  ""]
    lines += ["| Section | Measure | Unit | C | Rust | Ratio C/Rust | Spread (min–max) | Target |",
              "| --- | --- | --- | ---: | ---: | ---: | --- | --- |"]
    for r in rows:
        ratio = f"{r['ratio']:.3f}" if "ratio" in r else "—"
        spread = f"{r['ratio_min']:.3f}–{r['ratio_max']:.3f}" if "ratio" in r and r["rounds"] > 1 else ""
        lines.append(f"| {r['section']} | {r['label']} | {r['unit']} | {number(r['c'], r['unit'])} | "
                     f"{number(r['rust'], r['unit'])} | {ratio} | {spread} | {target_text(r)} |")
    for module, breakdown in breakdowns.items():
        lines += ["", f"Where the bytes of `{module}.ko` come from (symbols by crate; v0 names name the crate):", "",
                  "| From | Executable | .rodata | .data |", "| --- | ---: | ---: | ---: |"]
        for crate, sizes in sorted(breakdown.items(), key=lambda kv: -kv[1]["text"]):
            lines.append(f"| {crate} | {sizes['text']:,} | {sizes['rodata']:,} | {sizes['data']:,} |")
    return "\n".join(lines) + "\n"


def write_csv(path, rows):
    fields = ["section", "id", "label", "unit", "c", "rust", "ratio", "ratio_min", "ratio_q1", "ratio_q3",
              "ratio_max", "rounds", "target", "max_rust", "met"]
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kernel", default="6.12", help="the kernel to build for and boot (default 6.12)")
    parser.add_argument("--rounds", type=int, default=10, help="runtime rounds per boot (default 10)")
    parser.add_argument("--iterations", type=int, default=20000,
                        help="operations per implementation and round, scaled per row (default 20000)")
    parser.add_argument("--build-rounds", type=int, default=3, help="repetitions of the build timings (default 3)")
    parser.add_argument("--boots", type=int, default=4, help="boots for the wall-time figures (default 4)")
    parser.add_argument("--icount-boots", type=int, default=2,
                        help="boots for the instruction counts (default 2: they must agree)")
    parser.add_argument("--smoke", action="store_true", help="tiny counts, no cleaning: checks the machinery only")
    parser.add_argument("--only", default="size,build,runtime,instructions",
                        help="the sections to run, of size,build,runtime,instructions (bindgen's figures come "
                             "with build)")
    args = parser.parse_args()
    if args.smoke:
        # A row's count also depends on the round (on what the rounds before left, such as where
        # the rings stand), the same in every boot; the least disturbed of 4 rounds of 2000
        # iterations is the same round in every boot. With 2 rounds of 200 (a slice of a few
        # operations) the boots' counts came up to 0.17% apart.
        args.rounds, args.iterations, args.build_rounds, args.boots, args.icount_boots = 4, 2000, 1, 1, 2
    OUT.mkdir(parents=True, exist_ok=True)

    say(f"kernel {args.kernel}: fetching")
    kernel = Kernel(args.kernel)
    meta = {"kernel": kernel.name, "release": kernel.release, "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
            "rounds": args.rounds, "iterations": args.iterations, "build_rounds": args.build_rounds, "boots": args.boots,
            "icount_boots": args.icount_boots,
            "smoke": args.smoke, "cpus": len(Path("/proc/cpuinfo").read_text().split("processor")) - 1,
            "ratio": "C/Rust; 1.0 is parity; above 1.0 Rust is smaller or faster"}
    modules = {}
    for _, rust_dir, c_dir in PAIRS:
        for directory in (rust_dir, c_dir):
            say(f"building {directory} for {kernel.name}")
            module = Module(ROOT / directory, kernel)
            if not module.build():
                raise RuntimeError(f"building {directory} failed:\n{tail(module.output)}")
            modules[directory] = module
    sections = set(args.only.split(","))
    if not sections <= {"size", "build", "runtime", "instructions"}:
        parser.error(f"--only: unknown section in {args.only}")
    rows, breakdowns = [], {}
    if "size" in sections:
        say("sizes: sections of each .ko, and the crates of the Rust symbols")
        rows, breakdowns = size_rows(modules)
    if "build" in sections:
        builds, bindings = build_rows(kernel, args.build_rounds, args.smoke)
        rows += builds + bindings
    if "runtime" in sections:
        rows += runtime_rows(kernel, modules, args.rounds, args.iterations, args.boots, icount=False)
    if "instructions" in sections:
        rows += runtime_rows(kernel, modules, args.rounds, args.iterations, args.icount_boots, icount=True)

    table = markdown(meta, rows, breakdowns)
    (OUT / "results.md").write_text(table)
    write_csv(OUT / "results.csv", rows)
    (OUT / "results.json").write_text(json.dumps({"meta": meta, "rows": rows, "breakdown": breakdowns}, indent=1))
    (OUT / "ratios.svg").write_text(svg.chart(meta, rows))
    print(table)
    say(f"wrote {', '.join(str(OUT / f) for f in ('results.md', 'results.csv', 'results.json', 'ratios.svg'))}")


if __name__ == "__main__":
    main()
