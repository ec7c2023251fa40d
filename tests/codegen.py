"""Code-generation checks on a built .ko: what the kernel's build would guarantee for C code.

Each check returns (ok, detail). They read the module with binutils' objdump (the target's:
aarch64-linux-gnu-objdump for an arm64 object) and readelf. `checks_for` picks them by the
kernel's architecture and configuration.
"""

import re
import subprocess

X87 = re.compile(r"^f(ld|st|add|sub|mul|div|com|ild|ist|xch|chs|abs|sqrt|init|ninit|wait|nst|rstor|save|xsave|xrstor)")
SIMD_OPERAND = re.compile(r"%(x|y|z)mm\d+|%mm\d\b|%st\b|%st\(|mxcsr")
INSN = re.compile(r"^\s*([0-9a-f]+):\s+(?:(?:cs|ds|notrack|bnd|rep|repz|repnz|lock)\s+)*(\S+)\s*(.*)$")
RELOC = re.compile(r"^\s*([0-9a-f]+): (R_(?:X86_64|AARCH64)_\w+)\s+(\S+)$")
FUNC_HEADER = re.compile(r"^([0-9a-f]+) <(.+)>:$")
SECTION_HEADER = re.compile(r"^Disassembly of section (\S+):$")
TARGET = re.compile(r"^(.+?)(?:([+-])0x([0-9a-f]+))?$")

# Sections whose relocations are data: a function address stored there can be called indirectly.
DATA_SECTIONS = (".rodata", ".data", ".init.data", ".exit.data", ".gnu.linkonce.this_module", "__param")


def _out(*cmd):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=True).stdout


class Object:
    """The disassembly, symbols and relocations of one ELF object."""

    def __init__(self, path):
        self.path = str(path)
        machine = re.search(r"Machine:\s+(.+)", _out("readelf", "-hW", self.path)).group(1).strip()
        self.arch = "arm64" if machine == "AArch64" else "x86"
        objdump = "aarch64-linux-gnu-objdump" if self.arch == "arm64" else "objdump"
        self.insns = []          # (section, address, mnemonic, operands)
        self.func_insns = {}     # (section, function address) -> [(mnemonic, operands)]
        self.func_addresses = {}  # (section, function address) -> [address of each of those]
        self.labels = {}         # (section, function address) -> the name objdump labels it with
        self.text_relocs = []    # (section, mnemonic of the instruction, type, target)
        self.insn_relocs = {}    # (section, address of the instruction) -> relocation targets
        section = None
        func = None
        last_mnemonic = last_address = None
        for line in _out(objdump, "-dr", "--no-show-raw-insn", self.path).splitlines():
            if m := SECTION_HEADER.match(line):
                section = m.group(1)
            elif m := FUNC_HEADER.match(line):
                func = (section, int(m.group(1), 16))
                self.labels[func] = m.group(2)
            elif m := RELOC.match(line):
                self.text_relocs.append((section, last_mnemonic, m.group(2), m.group(3)))
                self.insn_relocs.setdefault((section, last_address), []).append(m.group(3))
            elif m := INSN.match(line):
                last_mnemonic, last_address = m.group(2), int(m.group(1), 16)
                self.insns.append((section, int(m.group(1), 16), m.group(2), m.group(3)))
                if func is not None:
                    self.func_insns.setdefault(func, []).append((m.group(2), m.group(3)))
                    self.func_addresses.setdefault(func, []).append(last_address)
        self.sections = {}       # index -> name
        self.allocated = set()   # names of the sections loaded into memory (flag A)
        for m in re.finditer(r"^\s*\[\s*(\d+)\] (\S+)\s+\S+(?:\s+[0-9a-f]+){4}\s+(.*)$",
                             _out("readelf", "-SW", self.path), re.M):
            self.sections[int(m.group(1))] = m.group(2)
            rest = m.group(3).split()
            if len(rest) == 4 and "A" in rest[0]:
                self.allocated.add(m.group(2))
        self.functions = {}      # (section name, address) -> function name
        self.symbols = {}        # name -> (section name, address)
        self.bindings = {}       # name -> binding (LOCAL, GLOBAL, WEAK)
        for line in _out("readelf", "-sW", self.path).splitlines():
            parts = line.split()
            if len(parts) < 8 or not parts[0].endswith(":") or not parts[6].isdigit():
                continue
            value, kind, name = int(parts[1], 16), parts[3], parts[7]
            section = self.sections.get(int(parts[6]))
            self.symbols.setdefault(name, (section, value))
            self.bindings.setdefault(name, parts[4])
            if kind == "FUNC":
                self.functions[(section, value)] = name
        self.data_relocs = []    # (type, target)
        self.relocs = []         # (section relocated, type, target), every section
        current = None
        for line in _out("readelf", "-rW", self.path).splitlines():
            if m := re.match(r"^Relocation section '\.rela(\S+)'", line):
                current = m.group(1)
                continue
            parts = line.split()
            if current and len(parts) >= 3 and parts[2].startswith("R_"):
                target = _readelf_target("".join(parts[4:]))  # "sym + 10" -> "sym+10"
                self.relocs.append((current, parts[2], target))
                if current.startswith(DATA_SECTIONS) and len(parts) >= 5:
                    self.data_relocs.append((parts[2], target))

    def resolve(self, target, pc_relative):
        """The (section, address) a relocation target `sym+0xN` designates."""
        m = TARGET.match(target)
        name, sign, offset = m.group(1), m.group(2), int(m.group(3) or "0", 16)
        addend = -offset if sign == "-" else offset
        if name in self.symbols:
            section, value = self.symbols[name]
        else:
            section, value = name, 0  # a section symbol, shown by its name
        # PC-relative data references (lea) are biased by the 4 bytes of the field.
        return section, value + addend + (4 if pc_relative else 0)

    def code_of(self, places):
        """The functions that start at the (section, address) pairs `places`: {name: their
        instructions}. By address, since a function may have several names (`init_module` is an
        alias) of which objdump labels only one."""
        return {self.functions[p]: self.func_insns.get(p, []) for p in places if p in self.functions}


def _readelf_target(text):
    """readelf prints `.text + d80` / `foo - 4`; make it objdump's `.text+0xd80`."""
    m = re.match(r"^(.+?)([+-])([0-9a-f]+)$", text)
    return f"{m.group(1)}{m.group(2)}0x{m.group(3)}" if m else text


def no_fpu_or_simd(obj):
    """No SSE/AVX/MMX registers and no x87 instructions: the kernel does not save that state."""
    bad = [f"{s}+{a:#x}: {mn} {ops}" for s, a, mn, ops in obj.insns if X87.match(mn) or SIMD_OPERAND.search(ops)]
    return not bad, "; ".join(bad[:5])


def no_gotpcrel(obj):
    """No GOT-relative relocations: the module loader rejects them (`Unknown rela relocation`)."""
    bad = [f"{t} {target}" for _, _, t, target in obj.text_relocs if "GOTPC" in t]
    bad += [f"{t} {target}" for t, target in obj.data_relocs if "GOTPC" in t]
    return not bad, "; ".join(bad[:5])


def no_bare_returns(obj):
    """With RETHUNK every return goes through __x86_return_thunk."""
    bad = [f"{s}+{a:#x}" for s, a, mn, _ in obj.insns if mn in ("ret", "retq", "lret")]
    thunked = any("__x86_return_thunk" in target for _, _, _, target in obj.text_relocs)
    return not bad and thunked, f"bare ret at {', '.join(bad[:5])}" if bad else "no return thunk jumps"


def no_raw_indirect_branches(obj):
    """With RETPOLINE indirect calls and jumps go through __x86_indirect_thunk_*. Calls through
    `pv_ops` are the exception the kernel makes for its own paravirt sites (inlined by
    `local_irq_save()` and the like, in C modules too): annotated retpoline-safe, and patched
    into direct code when the module is loaded."""
    def paravirt(s, a):
        return any(t.startswith("pv_ops") for t in obj.insn_relocs.get((s, a), []))
    bad = [f"{s}+{a:#x}: {mn} {ops}" for s, a, mn, ops in obj.insns
           if mn.rstrip("q") in ("call", "jmp") and ops.startswith("*") and not paravirt(s, a)]
    return not bad, "; ".join(bad[:5])


def endbr_on_address_taken(obj):
    """With IBT every function whose address is taken starts with ENDBR64."""
    taken = set()
    for section, mnemonic, kind, target in obj.text_relocs:
        branch = mnemonic is not None and (mnemonic.startswith("j") or mnemonic.startswith("call"))
        if not branch and kind in ("R_X86_64_32S", "R_X86_64_32", "R_X86_64_64", "R_X86_64_PC32"):
            taken.add(obj.resolve(target, kind == "R_X86_64_PC32"))
    for kind, target in obj.data_relocs:
        if kind in ("R_X86_64_64", "R_X86_64_32S", "R_X86_64_32"):
            taken.add(obj.resolve(target, False))
    found = obj.code_of(taken)
    bad = sorted(name for name, insns in found.items() if not insns or insns[0][0] != "endbr64")
    if not found:
        return False, "found no address-taken function (the check would prove nothing)"
    return not bad, f"no ENDBR64 at {', '.join(bad[:5])}" if bad else f"{len(found)} address-taken functions"


def padded_functions(obj):
    """With CALL_PADDING every function has its padding, which objtool names __pfx_<function>.
    Static-call trampolines (`__SCT__*`, which the kernel's tracepoint header emits into
    .static_call.text of any module with a tracepoint, C ones too) are jump slots, not functions."""
    funcs = {name for (section, _), name in obj.functions.items()
             if section != ".static_call.text" and not name.startswith("__pfx_")}
    bad = sorted(f for f in funcs if f"__pfx_{f}" not in obj.symbols)
    return bool(funcs) and not bad, f"unpadded: {', '.join(bad[:5])}"


def has_section(name):
    def check(obj):
        present = name in obj.sections.values()
        return present, f"no {name} section"
    check.__doc__ = f"objtool wrote {name}."
    return check


# arm64. FP/SIMD registers: v0-v31 and their views q, d, s, h, b; the FP control registers.
A64_FP_OPERAND = re.compile(r"\b([vqdshb]([0-9]|[12][0-9]|3[01])(\.\w+)?|fpcr|fpsr|z\d+|p\d+)\b")
# What arch/arm64/kernel/module.c (apply_relocate_add) applies; it refuses anything else in a
# section that is loaded ("unsupported RELA relocation").
A64_LOADER_RELOCS = {f"R_AARCH64_{t}" for t in (
    "NONE ABS64 ABS32 ABS16 PREL64 PREL32 PREL16 "
    "MOVW_UABS_G0 MOVW_UABS_G0_NC MOVW_UABS_G1 MOVW_UABS_G1_NC MOVW_UABS_G2 MOVW_UABS_G2_NC MOVW_UABS_G3 "
    "MOVW_SABS_G0 MOVW_SABS_G1 MOVW_SABS_G2 MOVW_PREL_G0 MOVW_PREL_G0_NC MOVW_PREL_G1 MOVW_PREL_G1_NC "
    "MOVW_PREL_G2 MOVW_PREL_G2_NC MOVW_PREL_G3 LD_PREL_LO19 ADR_PREL_LO21 ADR_PREL_PG_HI21_NC "
    "ADR_PREL_PG_HI21 ADD_ABS_LO12_NC LDST8_ABS_LO12_NC LDST16_ABS_LO12_NC LDST32_ABS_LO12_NC "
    "LDST64_ABS_LO12_NC LDST128_ABS_LO12_NC TSTBR14 CONDBR19 JUMP26 CALL26").split()}


def a64_no_fp_simd(obj):
    """No FP/SIMD register in any instruction: the kernel does not save that state for its own
    code (kernel_neon_begin() aside), which is why it is built -mgeneral-regs-only."""
    bad = []
    for s, a, mn, ops in obj.insns:
        operands = re.sub(r"([0-9a-f]+ )?<[^>]*>|//.*", "", ops)  # nor are branch targets and comments
        if A64_FP_OPERAND.search(operands):
            bad.append(f"{s}+{a:#x}: {mn} {ops}")
    return not bad, "; ".join(bad[:5])


def a64_loader_relocations(obj):
    """Only relocation types the arm64 module loader applies, in every section it loads (those of
    debug information are never applied)."""
    bad = sorted({f"{t} in {sec}" for sec, t, _ in obj.relocs if sec in obj.allocated and t not in A64_LOADER_RELOCS})
    if not any(sec in obj.allocated for sec, _, _ in obj.relocs):
        return False, "found no relocation of a loaded section (the check would prove nothing)"
    return not bad, "; ".join(bad[:5])


def _a64_body(insns):
    """A function's instructions after its BTI landing pad and the NOPs ftrace patches (C's
    -fpatchable-function-entry)."""
    insns = insns[1:] if insns and insns[0][0] == "bti" else insns
    while insns and insns[0][0] == "nop":
        insns = insns[1:]
    return insns


def a64_bti_on_address_taken(obj):
    """With BTI every function whose address is taken (in data, or by adrp/add in code) starts
    with a landing pad: `bti c`, or `paciasp`, which is one for indirect calls."""
    taken = set()
    for sec, kind, target in obj.relocs:
        stored = sec.startswith(DATA_SECTIONS) and kind in ("R_AARCH64_ABS64", "R_AARCH64_PREL32")
        if stored or (".text" in sec and kind == "R_AARCH64_ADD_ABS_LO12_NC"):
            taken.add(obj.resolve(target, False))
    found = obj.code_of(taken)
    # `bti j` lands jumps only, not calls.
    bad = sorted(name for name, insns in found.items()
                 if not insns or not (insns[0][0] == "paciasp" or insns[0][0] == "bti" and insns[0][1] != "j"))
    if not found:
        return False, "found no address-taken function (the check would prove nothing)"
    return not bad, f"no landing pad at {', '.join(bad[:5])}" if bad else f"{len(found)} address-taken functions"


A64_BRANCH_TARGET = re.compile(r"\b([0-9a-f]+) <")


def a64_signed_returns(obj):
    """With pointer authentication every function that saves its return address (x30) signs it
    first (`paciasp`), and authenticates it (`autiasp`) after reloading it, before a `ret`. A
    path that returns without saving x30 (a shrink-wrapped early return) needs neither.
    The instructions are read in address order, not along the control flow, but for a `ret`
    whose block only branches reach (after an unconditional `b`/`ret`): it is judged by where
    they come from, unsigned only if every one is before the `paciasp` (LLVM places a
    shrink-wrapped early return after the signed body)."""
    def x30(ops):
        return re.search(r"\bx30\b", ops.split("[")[0])

    def branches_into(body, targets):
        return [i for i, (mn, ops) in enumerate(body)
                if (mn == "b" or mn.startswith("b.") or mn in ("cbz", "cbnz", "tbz", "tbnz"))
                and (m := A64_BRANCH_TARGET.search(ops)) and int(m.group(1), 16) in targets]

    def authenticated(body, addresses, ret, signed_at):
        for i in range(ret - 1, -1, -1):
            mn, ops = body[i]
            if mn == "autiasp":
                return True
            if mn in ("bl", "blr") or mn.startswith("ld") and x30(ops):
                return False
            if mn in ("b", "br", "ret"):
                # Reached by branches only; none is in patched-out code (an `alternative`'s
                # `b`, a NOP at run time, falls through): read on.
                sources = branches_into(body, set(addresses[i + 1:ret + 1]))
                if sources:
                    return all(s < signed_at for s in sources)
        return True  # x30 is still the caller's

    bad, signed = [], 0
    for place, insns in obj.func_insns.items():
        name = obj.labels[place]
        body = _a64_body(insns)
        addresses = obj.func_addresses[place][len(insns) - len(body):]
        saves = [i for i, (mn, ops) in enumerate(body) if mn in ("stp", "str") and x30(ops)]
        if not saves:
            continue
        signed += 1
        mnemonics = [mn for mn, _ in body[:saves[0]]]
        if "paciasp" not in mnemonics:
            bad.append(name)
            continue
        signed_at = mnemonics.index("paciasp")
        if not all(authenticated(body, addresses, i, signed_at) for i, (mn, _) in enumerate(body) if mn == "ret"):
            bad.append(name)
    if not signed:
        return True, "no function saves x30 (a module of leaf functions)"
    return not bad, f"unsigned return address in {', '.join(bad[:5])}" if bad else f"{signed} functions sign"


def checks_for(kernel):
    """The checks that apply to modules of this kernel, by name."""
    if kernel.enabled("CONFIG_ARM64"):
        checks = {"no-fp-simd": a64_no_fp_simd, "loader-relocations": a64_loader_relocations}
        if kernel.enabled("CONFIG_ARM64_BTI_KERNEL"):
            checks["bti-landing-pads"] = a64_bti_on_address_taken
        if kernel.enabled("CONFIG_ARM64_PTR_AUTH_KERNEL"):
            checks["pac-ret"] = a64_signed_returns
        return checks
    checks = {"no-fpu-simd": no_fpu_or_simd, "no-gotpcrel": no_gotpcrel}
    if kernel.enabled("CONFIG_MITIGATION_RETHUNK", "CONFIG_RETHUNK"):
        checks["return-thunks"] = no_bare_returns
        checks["return-sites"] = has_section(".return_sites")
    if kernel.enabled("CONFIG_MITIGATION_RETPOLINE", "CONFIG_RETPOLINE"):
        checks["retpolines"] = no_raw_indirect_branches
    if kernel.enabled("CONFIG_X86_KERNEL_IBT"):
        checks["ibt-endbr"] = endbr_on_address_taken
    if kernel.enabled("CONFIG_CALL_PADDING"):
        checks["call-padding"] = padded_functions
    if kernel.enabled("CONFIG_MITIGATION_CALL_DEPTH_TRACKING"):
        checks["call-sites"] = has_section(".call_sites")
    if kernel.enabled("CONFIG_UNWINDER_ORC"):
        checks["orc-unwind"] = has_section(".orc_unwind")
    return checks
