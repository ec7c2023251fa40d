"""The bar chart of the benchmark ratios, as a hand-written SVG: one panel for sizes and build
times (ratios far from 1, on a logarithmic axis), and one each for the runtime rows' instruction
counts and wall times (ratios near 1, linear)."""

import math
from xml.sax.saxutils import escape

LEFT, WIDTH, BAR, GAP, TOP, PANEL_GAP = 430, 420, 14, 6, 60, 50


class LogAxis:
    """Ratios from 2^low to 2^high, logarithmic."""
    def __init__(self, low, high):
        self.low, self.high = low, high

    def x(self, ratio):
        exponent = min(max(math.log2(max(ratio, 2.0 ** self.low)), self.low), self.high)
        return LEFT + (exponent - self.low) / (self.high - self.low) * WIDTH

    def ticks(self):
        for e in range(self.low, self.high + 1):
            yield 2.0 ** e, f"{2.0 ** e:g}" if e >= -3 else f"1/{2 ** -e}"


class LinearAxis:
    """Ratios from low to high, linear; values beyond are drawn at the edge."""
    def __init__(self, low, high, step):
        self.low, self.high, self.step = low, high, step

    def x(self, ratio):
        return LEFT + (min(max(ratio, self.low), self.high) - self.low) / (self.high - self.low) * WIDTH

    def ticks(self):
        count = round((self.high - self.low) / self.step)
        for i in range(count + 1):
            value = self.low + i * self.step
            yield value, f"{value:.2f}"


def panel(out, title, rows, axis, top):
    """Draws one panel of bars from parity (1.0) to each ratio, with the min–max spread of the
    rounds as a whisker and the target as a dashed tick; returns the y below it."""
    bottom = top + 18 + len(rows) * (BAR + GAP)
    out.append(f'<text x="10" y="{top + 10}" font-weight="bold">{escape(title)}</text>')
    for value, label in axis.ticks():
        x = axis.x(value)
        out.append(f'<line x1="{x:.1f}" y1="{top + 14}" x2="{x:.1f}" y2="{bottom}" stroke="#ddd"/>')
        out.append(f'<text x="{x:.1f}" y="{bottom + 14}" text-anchor="middle">{label}</text>')
    one = axis.x(1.0)
    for i, r in enumerate(rows):
        y = top + 18 + i * (BAR + GAP)
        x = axis.x(r["ratio"])
        good = r["met"] if r["met"] is not None else r["ratio"] >= 1.0
        colour = "#999999" if r["id"].startswith("same_") else "#3a9d5d" if good else "#d9534f"
        out.append(f'<text x="{LEFT - 8}" y="{y + BAR - 3}" text-anchor="end">{escape(r["label"][:66])}</text>')
        out.append(f'<rect x="{min(x, one):.1f}" y="{y}" width="{max(abs(x - one), 1):.1f}" height="{BAR}" '
                   f'fill="{colour}"/>')
        if r["rounds"] > 1:
            mid = y + BAR / 2
            out.append(f'<line x1="{axis.x(r["ratio_min"]):.1f}" y1="{mid}" x2="{axis.x(r["ratio_max"]):.1f}" '
                       f'y2="{mid}" stroke="black"/>')
        if r["target"] is not None:
            t = axis.x(r["target"])
            out.append(f'<line x1="{t:.1f}" y1="{y - 2}" x2="{t:.1f}" y2="{y + BAR + 2}" stroke="black" '
                       'stroke-width="2" stroke-dasharray="2,1"/>')
        out.append(f'<text x="{LEFT + WIDTH + 8}" y="{y + BAR - 3}">{r["ratio"]:.3f}</text>')
    out.append(f'<line x1="{one:.1f}" y1="{top + 14}" x2="{one:.1f}" y2="{bottom}" stroke="black"/>')
    return bottom + 14 + PANEL_GAP


def chart(meta, rows):
    """The SVG document: a bar per ratio C/Rust, green where its target (or parity) is met, red
    elsewhere, grey for the noise-floor rows."""
    rows = [r for r in rows if "ratio" in r]
    panels = [("Sizes and build times (log scale)",
               [r for r in rows if r["section"] not in ("runtime", "instructions")], LogAxis(-7, 1)),
              ("Guest instructions per operation (QEMU icount; linear scale)",
               [r for r in rows if r["section"] == "instructions"], LinearAxis(0.8, 1.2, 0.05)),
              ("Wall time in the guest, host-dependent (linear scale; whiskers beyond the axis stop at its edge)",
               [r for r in rows if r["section"] == "runtime"], LinearAxis(0.8, 1.2, 0.05))]
    panels = [p for p in panels if p[1]]
    height = TOP + sum(18 + len(p[1]) * (BAR + GAP) + 14 + PANEL_GAP for p in panels) + 10
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{LEFT + WIDTH + 90}" height="{height}" '
           'font-family="sans-serif" font-size="11">',
           '<rect width="100%" height="100%" fill="white"/>',
           f'<text x="10" y="20" font-size="14" font-weight="bold">kmod-rs: C / Rust ratios, kernel '
           f'{escape(meta["release"])}, {escape(meta["date"])}</text>',
           '<text x="10" y="38">1.0 = parity; right of it Rust is smaller or faster. QEMU TCG emulation: '
           'ratios measured in one boot are meaningful, absolute times are not.</text>']
    top = TOP
    for title, panel_rows, axis in panels:
        top = panel(out, title, panel_rows, axis, top)
    out.append(f'<text x="10" y="{height - 8}">Bars: median ratio; whiskers: min–max over the rounds; '
               'dashed ticks: targets; grey: C against itself.</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
