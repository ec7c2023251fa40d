"""The bar chart of the benchmark ratios, as a hand-written SVG."""

import math
from xml.sax.saxutils import escape

LEFT, WIDTH, BAR, GAP, TOP = 430, 420, 14, 6, 60
LOW, HIGH = -7, 1  # the axis: ratios from 2^-7 to 2^1, logarithmic


def x_of(ratio):
    exponent = min(max(math.log2(max(ratio, 2.0 ** LOW)), LOW), HIGH)
    return LEFT + (exponent - LOW) / (HIGH - LOW) * WIDTH


def chart(meta, rows):
    """Bars from parity (1.0) to each ratio C/Rust, with the min–max spread of the rounds as a
    whisker and the target as a tick; green where the target (or parity) is met, red elsewhere."""
    rows = [r for r in rows if "ratio" in r]
    height = TOP + len(rows) * (BAR + GAP) + 50
    one = x_of(1.0)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{LEFT + WIDTH + 90}" height="{height}" '
           'font-family="sans-serif" font-size="11">',
           f'<rect width="100%" height="100%" fill="white"/>',
           f'<text x="10" y="20" font-size="14" font-weight="bold">kmod-rs: C / Rust ratios, kernel '
           f'{escape(meta["release"])}, {escape(meta["date"])}</text>',
           f'<text x="10" y="38">1.0 = parity; right of it Rust is smaller or faster. Log scale. QEMU TCG '
           f'emulation: ratios measured in one boot are meaningful, absolute times are not.</text>']
    for exponent in range(LOW, HIGH + 1):
        x = x_of(2.0 ** exponent)
        label = f"{2.0 ** exponent:g}" if exponent >= -3 else f"1/{2 ** -exponent}"
        out.append(f'<line x1="{x:.1f}" y1="{TOP - 6}" x2="{x:.1f}" y2="{height - 40}" stroke="#ddd"/>')
        out.append(f'<text x="{x:.1f}" y="{height - 26}" text-anchor="middle">{label}</text>')
    for i, r in enumerate(rows):
        y = TOP + i * (BAR + GAP)
        x = x_of(r["ratio"])
        good = r["met"] if r["met"] is not None else r["ratio"] >= 1.0
        colour = "#999999" if r["id"].startswith("same_") else "#3a9d5d" if good else "#d9534f"
        out.append(f'<text x="{LEFT - 8}" y="{y + BAR - 3}" text-anchor="end">{escape(r["section"])}: '
                   f'{escape(r["label"][:62])}</text>')
        out.append(f'<rect x="{min(x, one):.1f}" y="{y}" width="{max(abs(x - one), 1):.1f}" height="{BAR}" '
                   f'fill="{colour}"/>')
        if r["rounds"] > 1:
            lo, hi = x_of(r["ratio_min"]), x_of(r["ratio_max"])
            mid = y + BAR / 2
            out.append(f'<line x1="{lo:.1f}" y1="{mid}" x2="{hi:.1f}" y2="{mid}" stroke="black"/>')
        if r["target"] is not None:
            t = x_of(r["target"])
            out.append(f'<line x1="{t:.1f}" y1="{y - 2}" x2="{t:.1f}" y2="{y + BAR + 2}" stroke="black" '
                       'stroke-width="2" stroke-dasharray="2,1"/>')
        out.append(f'<text x="{LEFT + WIDTH + 8}" y="{y + BAR - 3}">{r["ratio"]:.3f}</text>')
    out.append(f'<line x1="{one:.1f}" y1="{TOP - 6}" x2="{one:.1f}" y2="{height - 40}" stroke="black"/>')
    out.append(f'<text x="10" y="{height - 8}">Bars: median ratio; whiskers: min–max over the rounds; '
               'dashed ticks: targets.</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
