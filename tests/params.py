"""Tests of module parameters declared in `module!`: modinfo, the `__param` section, sysfs files
and modes, values given to insmod, run-time writes, the parameter lock, bad values (compared with
a C module declaring the same parameters), and the macro's compile-time errors."""

import re

from harness import ROOT, compile_checks, message_text, run, scratch_crate, tail

MODULES = ["examples/params", "tests/modules/param_test", "tests/c_modules/param_c"]

PARAMS = "/sys/module/param_test/parameters"
# Four weights whose sum overflows an i32 (the params example sums them as i64).
WIDE_WEIGHTS = ",".join([str(2**31 - 1)] * 4)

# param_test's parameters: modinfo type, description, sysfs mode (None: no file), the default as
# sysfs shows it and as the module prints it.
TABLE = {
    "p_bool": ("bool", "A bool", "644", "Y", "true"),
    "p_i8": ("byte", "An i8", "644", "-8", "-8"),
    "p_u8": ("byte", "A u8", "444", "8", "8"),
    "p_i16": ("short", "An i16", "640", "-16", "-16"),
    "p_u16": ("ushort", "A u16", "600", "16", "16"),
    "p_i32": ("int", "An i32", "644", "-32", "-32"),
    "p_u32": ("uint", "A u32", "644", "32", "32"),
    "p_i64": ("long", "An i64", "644", "-64", "-64"),
    "p_u64": ("ullong", "A u64", "400", "64", "64"),
    "p_isize": ("long", "An isize", "644", "-1", "-1"),
    "p_usize": ("ulong", "A usize", "644", "1", "1"),
    "p_str": ("charp", "A writable string", "644", "default", "default"),
    "p_ro_str": ("charp", "A read-only string", "444", "fixed", "fixed"),
    "a_i8": ("array of byte", "Up to 3 i8", "644", "-1,2", "[-1, 2]"),
    "a_i32": ("array of int", "Up to 4 i32", "644", "1,2", "[1, 2]"),
    "a_u64": ("array of ullong", "Up to 2 u64", "444", "", "[]"),
    "a_bool": ("array of bool", "Up to 3 bool", "644", "Y", "[true]"),
    "hidden": ("uint", "Not in sysfs", None, None, "7"),
    "hold_ms": ("uint", "Hold the parameter lock this long at load (ms)", None, None, "0"),
}
# Parameters only the Rust module has: C has no signed byte.
RUST_ONLY = {"p_i8", "a_i8", "hold_ms"}

# Values given to insmod: the argument, then the value as sysfs shows it and as the module prints it.
GIVEN = {
    "p_bool": ("n", "N", "false"),
    "p_i8": ("-128", "-128", "-128"),
    "p_u8": ("255", "255", "255"),
    "p_i16": ("-32768", "-32768", "-32768"),
    "p_u16": ("65535", "65535", "65535"),
    "p_i32": ("-2147483648", "-2147483648", "-2147483648"),
    "p_u32": ("4294967295", "4294967295", "4294967295"),
    "p_i64": ("-9223372036854775808", "-9223372036854775808", "-9223372036854775808"),
    "p_u64": ("18446744073709551615", "18446744073709551615", "18446744073709551615"),
    "p_isize": ("-5", "-5", "-5"),
    "p_usize": ("0x10", "16", "16"),
    "p_str": ('"hi there"', "hi there", "hi there"),
    "p_ro_str": ("ro", "ro", "ro"),
    "a_i8": ("-128,127,0", "-128,127,0", "[-128, 127, 0]"),
    "a_i32": ("4,-5,6", "4,-5,6", "[4, -5, 6]"),
    "a_u64": ("18446744073709551615", "18446744073709551615", "[18446744073709551615]"),
    "a_bool": ("y,n,Y", "Y,N,Y", "[true, false, true]"),
    "hidden": ("42", None, "42"),
}

# Writes through sysfs: the text written (printf, so no newline for strings), then the value as
# sysfs shows it and as the module prints it at unload.
WRITES = {
    "p_u32": ("7", "7", "7"),
    "p_i8": ("-3", "-3", "-3"),
    "p_bool": ("n", "N", "false"),
    "p_str": ("new string", "new string", "new string"),
    "a_i32": ("9,8", "9,8", "[9, 8]"),
    "a_i8": ("-1,1", "-1,1", "[-1, 1]"),
    "a_bool": ("y,n", "Y,N", "[true, false]"),
    "p_u16": ("0x20", "32", "32"),
}

# Values insmod must refuse, with the error it reports; the C twin gets the same ones when it has
# the parameter.
BAD = {
    "u32-letters": ("p_u32=abc", "Invalid argument"),
    "u32-negative": ("p_u32=-1", "Invalid argument"),
    "u32-no-value": ("p_u32", "Invalid argument"),
    "u8-too-big": ("p_u8=256", "Numerical result out of range"),
    "i16-too-big": ("p_i16=40000", "Numerical result out of range"),
    "i8-too-small": ("p_i8=-129", "Numerical result out of range"),
    "i8-letters": ("p_i8=x", "Invalid argument"),
    "bool-word": ("p_bool=maybe", "Invalid argument"),
    "array-too-long": ("a_i32=1,2,3,4,5", "Invalid argument"),
    "array-bad-element": ("a_i32=1,x", "Invalid argument"),
    "str-too-long": ("p_str=" + "x" * 1025, "No space left on device"),
}


def list_params(directory):
    """A guest command printing `name mode [value]` for each file under `directory`."""
    return f'for f in {directory}/*; do echo "${{f##*/}} $(stat -c %a $f) [$(cat $f)]"; done'


def parse_listing(output):
    """name -> (mode, value) from the output of list_params()."""
    found = {}
    for line in output.splitlines():
        m = re.fullmatch(r"(\w+) (\d+) \[(.*)\]", line)
        if m:
            found[m.group(1)] = (m.group(2), m.group(3))
    return found


def printed(log, when):
    """name -> value from the module's `<when> <name>=<value>` lines."""
    values = {}
    for line in log.splitlines():
        m = re.match(r"param_test: (\w+) (\w+)=(.*)$", message_text(line))
        if m and m.group(1) == when:
            values[m.group(2)] = m.group(3)
    return values


# --- host side ---------------------------------------------------------------------------------

ERROR_CRATE = """#![no_std]
use kernel::prelude::*;
struct M;
impl kernel::Module for M {{
    fn init(_module: &'static ThisModule) -> Result<Self> {{
        Ok(M)
    }}
}}
module! {{
    type: M,
    name: "errors",
    license: "GPL",
    params: {{
        {params}
    }},
}}
"""

# Bad declarations and (part of) the error each must give. The first is valid: it must compile.
DECLS = [
    ("a valid declaration", 'n: u32 { default: 1, description: "d", permissions: 0o644 }, '
     's: str { default: "x", description: "d" }, a: [i8; 2] { default: [-1], description: "d" },', None),
    ("an unknown type", 'n: f32 { default: 1.0, description: "d" },', "parameter `n`: unsupported type `f32`"),
    ("an array of str", 'n: [str; 2] { default: [], description: "d" },', "arrays of `str` are not supported"),
    ("a missing default", 'n: u32 { description: "d" },', "parameter `n`: a `default` is required"),
    ("a missing description", "n: u32 { default: 1 },", "parameter `n`: a `description` is required"),
    ("an unknown key", 'n: u32 { default: 1, description: "d", perms: 0o644 },', "parameter `n`: unknown key `perms`"),
    ("a parameter declared twice", 'n: u32 { default: 1, description: "d" }, n: u32 { default: 1, description: "d" },',
     "parameter `n` is declared twice"),
    ("a string default that is not a string", 'n: str { default: 5, description: "d" },',
     "parameter `n`: expected a plain string literal"),
    ("C-style octal permissions", 'n: u32 { default: 1, description: "d", permissions: 0644 },',
     "permissions `0644` are decimal in Rust; write 0o644"),
    ("world-writable permissions", 'n: u32 { default: 1, description: "d", permissions: 0o666 },',
     "module parameters must not be world-writable"),
    ("permissions above 0o777", 'n: u32 { default: 1, description: "d", permissions: 0o1644 },',
     "permissions must be at most 0o777"),
    ("group-readable, not user-readable", 'n: u32 { default: 1, description: "d", permissions: 0o040 },',
     "a group-readable module parameter must be user-readable"),
    ("world-readable, not group-readable", 'n: u32 { default: 1, description: "d", permissions: 0o604 },',
     "a world-readable module parameter must be group-readable"),
    ("group-writable, not user-writable", 'n: u32 { default: 1, description: "d", permissions: 0o460 },',
     "a group-writable module parameter must be user-writable"),
    ("an out-of-range default", 'n: u8 { default: 300, description: "d" },', "literal out of range for `u8`"),
    ("a default longer than the array", 'n: [i32; 2] { default: [1, 2, 3], description: "d" },',
     "has more values than it holds"),
    ("an empty array type", 'n: [u32; 0] { default: [], description: "d" },', "must hold at least one value"),
    ("an array too long to print in a page", 'n: [u64; 200] { default: [], description: "d" },',
     "must fit in a page when printed"),
]


# `.value()` borrows a parameter: a module calling it on a writable one must not build. The error
# comes after monomorphisation, which `cargo check` does not reach: a real module build.
VALUE_CRATE = """#![no_std]
use kernel::prelude::*;
module! {{
    type: M, name: "value_check", license: "GPL",
    params: {{ n: u32 {{ default: 1, description: "d"{permissions} }}, }},
}}
struct M;
impl kernel::Module for M {{
    fn init(_module: &'static ThisModule) -> Result<Self> {{
        pr_info!("{{}}\\n", *module_parameters::n.value());
        Ok(M)
    }}
}}
"""


def host_checks(results, toolchain, kernel):
    """`module!` rejects bad parameter declarations at compile time, with a message naming the fix;
    `.value()` on a writable parameter fails the module's build."""
    compile_checks(results, toolchain, kernel, "module!",
                   [(what, ERROR_CRATE.format(params=params), expected) for what, params, expected in DECLS])
    crate = scratch_crate("value_check", module=True)
    env = {"CARGO_TARGET_DIR": str(ROOT / "target"), "CARGO_NET_OFFLINE": "true"}
    for permissions, builds in [("", True), (", permissions: 0o644", False)]:
        (crate / "src/lib.rs").write_text(VALUE_CRATE.format(permissions=permissions))
        status, out = kernel.make(crate, "modules", env=env)
        if builds:
            results.check(f"{kernel.name}: a module reading a read-only parameter with .value() builds (the control)",
                          status == 0, tail(out, 15))
        else:
            results.check(f"{kernel.name}: a module reading a writable parameter with .value() does not build",
                          status != 0 and "value() borrows a parameter that sysfs can change: use get()" in out,
                          tail(out, 15))


def built(results, kernel, modules):
    name = kernel.name
    if "param_test" in modules:
        ko = modules["param_test"].ko
        types = modinfo(ko, "parmtype")
        descriptions = modinfo(ko, "parm")
        for param, (kind, description, *_) in TABLE.items():
            results.check(f"{name}: modinfo parmtype {param}:{kind}", types.get(param) == kind, types.get(param))
            results.check(f"{name}: modinfo parm {param}: {description}",
                          descriptions.get(param) == f"{description} ({kind})", descriptions.get(param))
        results.check(f"{name}: modinfo lists exactly the declared parameters", set(types) == set(TABLE),
                      sorted(types))
        section = param_section(ko)
        results.check(f"{name}: __param has C's flags (A) and one 40-byte entry per parameter",
                      section == ("A", 40 * len(TABLE)), section)
    if "param_c" in modules and "param_test" in modules:
        c_types = modinfo(modules["param_c"].ko, "parmtype")
        rust_types = modinfo(modules["param_test"].ko, "parmtype")
        same = all(c_types.get(p) == rust_types.get(p) for p in TABLE if p not in RUST_ONLY)
        results.check(f"{name}: modinfo types equal those of the C module's parameters", same,
                      f"C {c_types}, Rust {rust_types}")
        c_section = param_section(modules["param_c"].ko)
        results.check(f"{name}: __param flags equal the C module's", c_section[0] == section[0],
                      f"C {c_section}, Rust {section}")
    if "hello" in modules:
        descriptions = modinfo(modules["hello"].ko, "parm")
        results.check(f"{name}: hello modinfo parm greetings",
                      descriptions.get("greetings") == "How many times to say hello (at most 10) (uint)", descriptions)
    if "params" in modules:
        descriptions = modinfo(modules["params"].ko, "parm")
        expected = {"count": "How many times to greet (at most 10) (uint)", "greeting": "The greeting (charp)",
                    "weights": "Up to four weights, comma-separated (array of int)",
                    "verbose": "Also print the weights' sum (load time only) (bool)"}
        results.check(f"{name}: params example modinfo parm lines", descriptions == expected, descriptions)


def modinfo(ko, field):
    """name -> value of a `name:value` modinfo field (`parm`, `parmtype`)."""
    status, out = run(["modinfo", "-F", field, str(ko)])
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


def param_section(ko):
    """(flags, size) of the `__param` section of a .ko."""
    status, out = run(["readelf", "-SW", str(ko)])
    m = re.search(r"\] __param\s+PROGBITS\s+\w+\s+\w+\s+(\w+)\s+\w+\s+(\w+)", out)
    return (m.group(2), int(m.group(1), 16)) if m else (None, None)


# --- guest side --------------------------------------------------------------------------------

def insmod_args(exclude=()):
    """The GIVEN values as insmod arguments, quoted for the shell (the kernel sees `"hi there"`)."""
    return " ".join(f"'{p}={v[0]}'" for p, v in GIVEN.items() if p not in exclude)


def guest_steps(guest, modules, kernel):
    if "param_test" in modules:
        guest.step("param-defaults", f"insmod /param_test.ko && {list_params(PARAMS)}")
        writes = "; ".join(f"printf '{text}' > {PARAMS}/{p}" for p, (text, _, _) in WRITES.items())
        guest.step("param-write", f"{writes}; "
                   f"echo 5 > {PARAMS}/p_u8; echo \"read-only write status $?\"; "
                   f"echo abc > {PARAMS}/p_i32; echo \"bad write status $?\"; "
                   f"{list_params(PARAMS)}")
        guest.step("param-unload", "rmmod param_test && ls /sys/module/param_test")
        guest.step("param-given", f"insmod /param_test.ko {insmod_args()} && {list_params(PARAMS)}; rmmod param_test")
        guest.step("param-lock", "insmod /param_test.ko hold_ms=3000 & "
                   "for i in $(seq 100); do dmesg | grep -q 'holding the parameter lock' && break; sleep 0.1; done; "
                   "echo 'param-shell: writing p_u32' > /dev/kmsg; "
                   f"echo 99 > {PARAMS}/p_u32; "
                   "echo 'param-shell: wrote p_u32' > /dev/kmsg; "
                   f"wait; cat {PARAMS}/p_u32; rmmod param_test")
        for case, (arg, _) in BAD.items():
            guest.step(f"param-bad-{case}", f"insmod /param_test.ko '{arg}'; echo \"insmod status $?\"; "
                       "ls -d /sys/module/param_test")
    if "param_c" in modules:
        c_params = PARAMS.replace("param_test", "param_c")
        guest.step("param-c-defaults", f"insmod /param_c.ko && {list_params(c_params)}; rmmod param_c")
        guest.step("param-c-given", f"insmod /param_c.ko {insmod_args(RUST_ONLY)} && {list_params(c_params)}; "
                   "rmmod param_c")
        for case, (arg, _) in BAD.items():
            if arg.split("=")[0] not in RUST_ONLY:
                guest.step(f"param-c-bad-{case}", f"insmod /param_c.ko '{arg}'; echo \"insmod status $?\"; "
                           "ls -d /sys/module/param_c")
    if "params" in modules:
        example = "/sys/module/params/parameters"
        guest.step("params-example-load", "insmod /params.ko count=2 greeting=hi weights=4,-5,6 verbose && "
                   f"{list_params(example)}")
        guest.step("params-example-write", f"echo 5 > {example}/count && printf bye > {example}/greeting && "
                   f"echo 7 > {example}/weights && rmmod params")
        guest.step("params-example-extremes", f"insmod /params.ko count=4000000000 weights={WIDE_WEIGHTS} verbose "
                   "&& rmmod params")
    if "hello" in modules:
        hello = "/sys/module/hello/parameters"
        guest.step("hello-default-greetings", f"insmod /hello.ko && {list_params(hello)}; rmmod hello")
        guest.step("hello-greetings", f"insmod /hello.ko greetings=3 && {list_params(hello)}; rmmod hello")
        guest.step("hello-many-greetings", f"insmod /hello.ko greetings=4000000000 && {list_params(hello)}; "
                   "rmmod hello")


def guest_checks(results, kernel, guest):
    name = kernel.name
    if "param-defaults" in guest.outputs:
        rust_checks(results, name, guest)
    if "param-c-defaults" in guest.outputs and "param-defaults" in guest.outputs:
        c_checks(results, name, guest)
    if "params-example-load" in guest.outputs:
        example_checks(results, name, guest)
    if "hello-greetings" in guest.outputs:
        hello_checks(results, name, guest)
    steps = [s for s in guest.outputs if s.startswith(("param", "hello-"))]
    bad = [line for s in steps for line in guest.dmesg(s).splitlines() if "WARNING:" in line or "BUG:" in line]
    results.check(f"{name}: no WARNING or BUG in the kernel log of the parameter tests", steps and not bad,
                  "\n".join(bad))


def rust_checks(results, name, guest):
    files = parse_listing(guest.output("param-defaults"))
    shown = printed(guest.dmesg("param-defaults"), "load")
    for param, (_, _, mode, text, value) in TABLE.items():
        if mode is None:
            results.check(f"{name}: {param} (permissions 0) has no sysfs file", param not in files, files)
        else:
            results.check(f"{name}: sysfs {param} has mode {mode}", files.get(param, ("",))[0] == mode,
                          files.get(param))
            results.check(f"{name}: sysfs {param} shows the default [{text}]", files.get(param, ("", None))[1] == text,
                          files.get(param))
        results.check(f"{name}: the module reads {param}'s default {value}", shown.get(param) == value,
                      shown.get(param))
    log = guest.dmesg("param-defaults")
    results.check(f"{name}: several parameter guards held at once (the lock is reentrant)",
                  "param_test: load together: default [1, 2] [-1, 2] 32" in log, tail(log, 5))

    out = guest.output("param-write")
    files = parse_listing(out)
    for param, (text, sysfs, _) in WRITES.items():
        results.check(f"{name}: a sysfs write of {param} reads back [{sysfs}]", files.get(param, ("", None))[1] == sysfs,
                      files.get(param))
    results.check(f"{name}: a read-only parameter cannot be written, even by root",
                  "read-only write status 1" in out and "Permission denied" in out and files.get("p_u8", ("", ""))[1] == "8",
                  out)
    results.check(f"{name}: a bad sysfs write fails with EINVAL and changes nothing",
                  "bad write status 1" in out and "Invalid argument" in out and files.get("p_i32", ("", ""))[1] == "-32",
                  out)
    shown = printed(guest.dmesg("param-unload"), "unload")
    for param, (_, _, value) in WRITES.items():
        results.check(f"{name}: the module sees the sysfs write of {param} ({value})", shown.get(param) == value,
                      shown.get(param))
    results.check(f"{name}: parameters untouched by writes keep their value", shown.get("p_i32") == "-32"
                  and shown.get("p_u8") == "8" and shown.get("p_ro_str") == "fixed", shown)
    results.check(f"{name}: param_test unloads", guest.status("param-unload") != 0
                  and "No such file" in guest.output("param-unload"), guest.output("param-unload"))

    files = parse_listing(guest.output("param-given"))
    shown = printed(guest.dmesg("param-given"), "load")
    for param, (arg, sysfs, value) in GIVEN.items():
        if sysfs is not None:
            results.check(f"{name}: insmod {param}={arg} shows [{sysfs}] in sysfs", files.get(param, ("", None))[1] == sysfs,
                          files.get(param))
        results.check(f"{name}: insmod {param}={arg} is seen by the module as {value}", shown.get(param) == value,
                      shown.get(param))

    lock_checks(results, name, guest)

    for case, (arg, error) in BAD.items():
        step = f"param-bad-{case}"
        out = guest.output(step)
        results.check(f"{name}: insmod {arg[:24]} fails with {error}", "insmod status 0" not in out
                      and "insmod status" in out and error in out, out)
        results.check(f"{name}: after insmod {arg[:24]} nothing is loaded", "No such file" in out, out)
        results.check(f"{name}: insmod {arg[:24]}: the kernel names the parameter",
                      arg.split("=")[0] in guest.dmesg(step), guest.dmesg(step))


def lock_checks(results, name, guest):
    """A sysfs write waits while Rust holds the parameter lock: the kernel's own lock is taken."""
    lines = [message_text(line) for line in guest.dmesg("param-lock").splitlines()]
    order = []
    for marker in ("holding the parameter lock", "param-shell: writing p_u32", "releasing the parameter lock",
                   "param-shell: wrote p_u32"):
        order.append(next((i for i, line in enumerate(lines) if marker in line), None))
    results.check(f"{name}: a sysfs write waits until Rust releases the parameter lock",
                  None not in order and order == sorted(order), "\n".join(lines[-12:]))
    results.check(f"{name}: while holding the lock the module still reads the old value",
                  any("releasing the parameter lock: p_str=default p_u32=32" in line for line in lines),
                  "\n".join(lines[-12:]))
    out = guest.output("param-lock").split()
    results.check(f"{name}: the waiting write is applied afterwards", out[-1:] == ["99"]
                  and printed(guest.dmesg("param-lock"), "unload").get("p_u32") == "99", out)


def c_checks(results, name, guest):
    """The same declarations behave as in C: sysfs modes and text, given values, refused values."""
    rust = parse_listing(guest.output("param-defaults"))
    c = parse_listing(guest.output("param-c-defaults"))
    common = {p for p in TABLE if p not in RUST_ONLY}
    diff = {p: (rust.get(p), c.get(p)) for p in common if rust.get(p) != c.get(p)}
    results.check(f"{name}: sysfs modes and defaults equal the C module's", c and not diff, diff)
    rust = parse_listing(guest.output("param-given"))
    c = parse_listing(guest.output("param-c-given"))
    diff = {p: (rust.get(p), c.get(p)) for p in common if rust.get(p) != c.get(p)}
    results.check(f"{name}: sysfs text of insmod values equals the C module's", c and not diff, diff)
    for case, (arg, _) in BAD.items():
        if arg.split("=")[0] in RUST_ONLY:
            continue
        rust_out = guest.output(f"param-bad-{case}").replace("param_test", "M")
        c_out = guest.output(f"param-c-bad-{case}").replace("param_c", "M")
        param = arg.split("=")[0]
        rust_log = kernel_log(guest.dmesg(f"param-bad-{case}"), "param_test", "param_c", param)
        c_log = kernel_log(guest.dmesg(f"param-c-bad-{case}"), "param_c", "param_test", param)
        results.check(f"{name}: insmod {arg[:24]} fails as for the C module (output and kernel log)",
                      rust_out == c_out and rust_log == c_log and c_out,
                      f"Rust: {rust_out} {rust_log}\nC: {c_out} {c_log}")


def kernel_log(dmesg, module, other, param):
    """The messages of a step about the module or the parameter `param`, without the module's
    name, and with long runs of `x` (the refused long string, which printk cuts where the longer
    name makes it) shortened. Messages of the `other` module are left out: the over-long one of
    a step can reach `dmesg` only in the next; so are the kernel's own (`random: crng init done`
    can come at any time)."""
    return [re.sub("x{16,}", "x...", message_text(line).replace(module, "M"))
            for line in dmesg.splitlines() if other not in line and (module in line or param in line)]


def example_checks(results, name, guest):
    files = parse_listing(guest.output("params-example-load"))
    expected = {"count": ("644", "2"), "greeting": ("644", "hi"), "weights": ("644", "4,-5,6")}
    results.check(f"{name}: params example sysfs files", files == expected, files)
    log = guest.dmesg("params-example-load")
    results.check(f"{name}: params example prints its insmod values",
                  "params: loaded: greeting=hi count=2 weights=[4, -5, 6]" in log
                  and "params: loaded: the weights add up to 5" in log
                  and log.count("params: hi #") == 2, tail(log, 8))
    log = guest.dmesg("params-example-write")
    results.check(f"{name}: params example sees sysfs writes at unload",
                  "params: unloading: greeting=bye count=5 weights=[7]" in log, tail(log, 8))
    log = guest.dmesg("params-example-extremes")
    results.check(f"{name}: params example greets at most 10 times and sums four i32::MAX weights without wrapping",
                  f"params: loaded: the weights add up to {4 * (2**31 - 1)}" in log
                  and log.count("params: hello #") == 10, tail(log, 14))


def hello_checks(results, name, guest):
    for step, count, said in (("hello-default-greetings", 1, 1), ("hello-greetings", 3, 3),
                              ("hello-many-greetings", 4000000000, 10)):
        log = guest.dmesg(step)
        files = parse_listing(guest.output(step))
        results.check(f"{name}: hello with greetings={count} says hello {said} time(s)",
                      log.count("hello: Hello from Rust!") == said and files.get("greetings") == ("444", str(count)),
                      f"{files}\n{tail(log, 5)}")
