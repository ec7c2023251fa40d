"""The benchmark's smoke run: bench/run.py with tiny counts, so that the benchmark cannot rot.
Checks that it ran, that every row has its figures and that it wrote every output, and that the
instruction counts repeat from boot to boot; no figure is judged against its target (that belongs
to the benchmark, not to the tests)."""

import json
import xml.etree.ElementTree as ElementTree

from harness import ROOT, run, say, tail

OUT = ROOT / "target/bench"


def after_kernels(results, kernels):
    """Runs the smoke benchmark on the newest x86 kernel tested."""
    x86 = [k for k in kernels if k.arch == "x86"]
    if not x86:
        results.skip("bench: smoke run", "x86-specific (bench/run.py boots x86 kernels; "
                     f"no x86 kernel among {', '.join(k.name for k in kernels)})")
        return
    # Not the debug kernel; the newest version; its plain flavour (the shortest name).
    kernel = min(x86, key=lambda k: (k.name.endswith("-debug"),
                                         [-int(n) for n in k.name.split("-")[0].split(".")], len(k.name)))
    for name in ("results.json", "results.csv", "results.md", "ratios.svg"):
        (OUT / name).unlink(missing_ok=True)
    say(f"the benchmark's smoke run, on {kernel.name}")
    status, out = run(["python3", str(ROOT / "bench/run.py"), "--smoke", "--kernel", kernel.name])
    results.check(f"bench: smoke run on {kernel.name} completes", status == 0, tail(out))
    if status != 0:
        return
    report = json.loads((OUT / "results.json").read_text())
    rows = {r["id"]: r for r in report["rows"]}
    for section in ("size", "build", "bindings", "runtime", "instructions"):
        results.check(f"bench: the smoke run has {section} rows", any(r["section"] == section for r in rows.values()))
    # Instruction counts do not depend on the host: two boots give the same ratios, to 0.1%. Not
    # on the debug kernel, whose checkers work in the background (kmemleak's scans, KASAN's
    # quarantine) and move the allocation rows.
    counted = [r for r in rows.values() if r["section"] == "instructions"]
    apart = {r["id"]: r["boot_ratios"] for r in counted if len(r["boot_ratios"]) != 2 or None in r["boot_ratios"]
             or max(r["boot_ratios"]) / min(r["boot_ratios"]) - 1 > 0.001}
    what = "bench: the instruction counts' ratios of two boots agree to 0.1% on every row"
    if kernel.name.endswith("-debug"):
        results.skip(what, f"{kernel.name}'s checkers run in the background (rows apart there: {sorted(apart)})")
    else:
        results.check(what, counted and not apart, f"rows apart: {apart}")
    missing = [key for key, r in rows.items() if r["rust"] is None or (r["section"] != "bindings" and r["c"] is None)]
    results.check("bench: every row has its C and Rust figures", not missing, f"rows without figures: {missing}")
    no_ratio = [key for key, r in rows.items() if r["section"] != "bindings" and "ratio" not in r]
    results.check("bench: every paired row has a ratio", not no_ratio, f"rows without a ratio: {no_ratio}")
    table = (OUT / "results.md").read_text()
    results.check("bench: the Markdown table is printed and written", "| Section | Measure |" in table
                  and table.splitlines()[0] in out, tail(out))
    results.check("bench: the CSV has a line per row", len((OUT / "results.csv").read_text().splitlines())
                  == len(rows) + 1)
    try:
        bars = ElementTree.parse(OUT / "ratios.svg").getroot().findall("{http://www.w3.org/2000/svg}rect")
    except ElementTree.ParseError as e:
        bars = []
        results.check("bench: the SVG chart parses", False, str(e))
    # One bar per ratio, plus the background.
    results.check("bench: the SVG chart has a bar per ratio", len(bars) == 1 + sum("ratio" in r for r in rows.values()),
                  f"{len(bars)} rectangles")
