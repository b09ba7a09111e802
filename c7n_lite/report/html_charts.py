"""Charts of the HTML report, drawn with HTML and inline CSS (bars) or inline
SVG (sparklines): no script, no image.  Bars are HTML so their labels and
counts are real text: they wrap on a phone instead of being clipped or shrunk,
and a screen reader reads each row's `aria-label`.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

FAIL_COLOUR = "#c62828"
PASS_COLOUR = "#2e7d32"
ERROR_COLOUR = "#ef6c00"
EMPTY_COLOUR = "#bdbdbd"

CHART_CSS = """
.bars { display: grid; grid-template-columns: minmax(5rem, max-content) minmax(6rem, 1fr) max-content;
        gap: .35rem .6rem; align-items: center; font-size: .85rem; }
.bar-label { text-align: right; overflow-wrap: anywhere; }
.bar-label small { display: block; color: var(--muted); }
.bar { display: flex; height: 1rem; border-radius: 2px; overflow: hidden; background: #eaeef2; }
.seg { display: block; height: 100%; }
.seg.fail { background: var(--fail); } .seg.pass { background: var(--pass); }
.seg.error { background: var(--error); } .seg.empty { background: #bdbdbd; }
.bar-value { font-variant-numeric: tabular-nums; white-space: nowrap; }
.legend { font-size: .8rem; color: var(--muted); margin: .5rem 0 0; }
.swatch { display: inline-block; width: .8em; height: .8em; border-radius: 2px; vertical-align: -.05em; }
@media (max-width: 40rem) {
  .bars { grid-template-columns: 1fr max-content; gap: .1rem .5rem; }
  .bar-label { grid-column: 1 / -1; text-align: left; margin-top: .3rem; }
}
"""


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "–"


@dataclass
class Bar:
    """One row: what failed, passed and could not be checked (errored) of a group's evaluations."""

    label: str
    failed: int
    passed: int
    errored: int = 0
    note: str = ""  # a second, muted line under the label (a run's directory)

    @property
    def evaluated(self) -> int:
        return self.failed + self.passed + self.errored


def swatch(colour: str) -> str:
    return f'<span class="swatch" style="background:{colour}"></span>'


def legend(text: str, errored: bool) -> str:
    parts = [f"{swatch(FAIL_COLOUR)} failed", f"{swatch(PASS_COLOUR)} passed"]
    if errored:
        parts.append(f"{swatch(ERROR_COLOUR)} errored (not checked)")
    return f'<p class="legend">{" ".join(parts)}. {esc(text)}</p>'


def bars(title: str, rows: list[Bar], relative: bool) -> str:
    """Stacked bars, one per row.  `relative`: every bar is the row's evaluations
    (full width), split into the shares that failed, passed and errored; else
    bar lengths follow the counts (the longest row is full width).  The value
    column says failed/evaluated and, for relative bars, the failed share."""
    most = max((b.evaluated for b in rows), default=0) or 1
    out = [f'<div class="bars" role="group" aria-label="{esc(title)}">']
    for b in rows:
        whole = b.evaluated if relative else most
        segments = "".join(
            f'<span class="seg {kind}" style="width:{100 * n / whole:.2f}%"></span>'
            for kind, n in (("fail", b.failed), ("pass", b.passed), ("error", b.errored)) if n and whole)
        if not b.evaluated:
            segments = '<span class="seg empty" style="width:2%"></span>'
        spoken = (f"{b.label}: {b.failed} failed of {b.evaluated} evaluated, {b.passed} passed"
                  + (f", {b.errored} errored" if b.errored else ""))
        share = f' <span class="muted">({pct(b.failed, b.evaluated)} failed)</span>' if relative and b.evaluated else ""
        note = f"<small>{esc(b.note)}</small>" if b.note else ""
        out.append(f'<span class="bar-label">{esc(b.label)}{note}</span>'
                   f'<span class="bar" role="img" aria-label="{esc(spoken)}" title="{esc(spoken)}">'
                   f'{segments}</span><span class="bar-value">{b.failed}/{b.evaluated}{share}</span>')
    out.append("</div>")
    return "".join(out)


def sparkline(values: list[int], statuses: list[str] | None = None, width: int = 120, height: int = 28) -> str:
    """Failed counts over runs, oldest first; a dot is red (failed), orange (errored: never
    green, it was not all checked) or green (passed)."""
    colours = {"fail": FAIL_COLOUR, "error": ERROR_COLOUR, "pass": PASS_COLOUR}
    statuses = statuses or ["fail" if v else "pass" for v in values]
    top = max(values) or 1
    step = width / max(1, len(values) - 1)
    points = " ".join(f"{i * step:.1f},{height - 3 - (height - 6) * v / top:.1f}" for i, v in enumerate(values))
    dots = "".join(f'<circle cx="{i * step:.1f}" cy="{height - 3 - (height - 6) * v / top:.1f}" r="2.5" '
                   f'fill="{colours.get(status, FAIL_COLOUR)}"/>'
                   for i, (v, status) in enumerate(zip(values, statuses, strict=True)))
    return (f'<svg viewBox="-4 0 {width + 8} {height}" style="width:{width + 8}px" role="img" '
            f'aria-label="failed over time: {esc(", ".join(map(str, values)))}">'
            f'<polyline points="{points}" fill="none" stroke="#57606a" stroke-width="1.5"/>{dots}</svg>')
