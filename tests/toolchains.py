"""Each kernel's modules are built with the compiler that built the kernel and with the Rust of
the kernel's own Debian release (scripts/userland), as that release's users build them."""

import re

from harness import ROOT


def built(results, kernel, modules):
    cc_text = kernel.config.get("CONFIG_CC_VERSION_TEXT", "")
    cc = cc_text.split()[0] if cc_text else "gcc"
    status, out = kernel.run([cc, "--version"], ROOT)
    first = out.splitlines()[0] if out.strip() else ""
    # The same compiler and release (the Debian revision in parentheses may have moved on).
    same = first.split()[:1] + first.split()[-1:] == cc_text.split()[:1] + cc_text.split()[-1:]
    results.check(f"{kernel.name}: modules are built by the kernel's own compiler ({cc_text})",
                  status == 0 and bool(first) and same, f"`{cc} --version` where the modules are built: {first or out}")
    hello = modules.get("hello")
    rust = re.search(r"^\s*RUSTC\s+(.+) \((\S+)\)$", hello.output, re.M) if hello else None
    results.check(f"{kernel.name}: the build names the Rust toolchain it uses", rust is not None,
                  hello.output[-2000:] if hello else "hello did not build")
    if rust is None:
        return
    version, rustc = rust.groups()
    if kernel.userland:
        results.check(f"{kernel.name}: Rust comes from the {kernel.userland} userland's own rustc",
                      rustc == "/usr/bin/rustc", f"{rustc} ({version})")
    results.note(f"toolchain {kernel.name}: {cc_text}; {version} ({rustc}"
                 f"{', ' + kernel.userland + ' userland' if kernel.userland else ', host'})")
