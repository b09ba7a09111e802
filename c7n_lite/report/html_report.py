"""The HTML report: one self-contained file (inline CSS and SVG, no script, no
URL), readable offline, on a phone and on paper.

Everything that comes from a policy or a resource goes through `esc`.
"""
from __future__ import annotations

import datetime
import html

from c7n_lite.report import aggregate
from c7n_lite.report.aggregate import Tally
from c7n_lite.report.collect import Findings, PolicyResult

FAIL_COLOUR = "#c62828"
PASS_COLOUR = "#2e7d32"
ERROR_COLOUR = "#ef6c00"
EMPTY_COLOUR = "#bdbdbd"

CSS = f":root {{ --fail: {FAIL_COLOUR}; --pass: {PASS_COLOUR}; --error: {ERROR_COLOUR}; " + """--line: #d0d7de;
  --muted: #57606a; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0 auto;
       max-width: 72rem; padding: 1rem; color: #1f2328; background: #fff; }
h1 { font-size: 1.6rem; margin: .2rem 0; } h2 { font-size: 1.25rem; margin-top: 2rem;
  border-bottom: 2px solid var(--line); padding-bottom: .2rem; } h3 { font-size: 1.05rem; margin: 0; }
.meta, .muted { color: var(--muted); font-size: .9rem; }
nav.toc { display: flex; flex-wrap: wrap; gap: .4rem 1rem; margin: .8rem 0; font-size: .9rem; }
nav.toc a { color: inherit; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(9.5rem, 1fr)); gap: .6rem; margin: 1rem 0; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: .6rem .8rem; }
.card .n { font-size: 1.6rem; font-weight: 600; display: block; }
.card.fail .n { color: var(--fail); } .card.pass .n { color: var(--pass); } .card.error .n { color: var(--error); }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(20rem, 1fr)); gap: 1rem; }
figure { margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: .6rem; }
figcaption { font-weight: 600; margin-bottom: .3rem; }
svg { display: block; width: 100%; height: auto; }
svg text { font: 12px system-ui, sans-serif; fill: #1f2328; }
.legend { font-size: .8rem; color: var(--muted); }
.swatch { display: inline-block; width: .8em; height: .8em; border-radius: 2px; vertical-align: -.05em; }
.table-wrap { overflow-x: auto; -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; width: 100%; font-size: .88rem; margin: .4rem 0 1rem; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #f6f8fa; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td code, .id { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .85em; word-break: break-all; }
.badge { display: inline-block; border-radius: 999px; padding: 0 .55em; font-size: .78rem; font-weight: 600;
         color: #fff; background: var(--muted); white-space: nowrap; }
.badge.fail { background: var(--fail); } .badge.pass { background: var(--pass); }
.badge.error { background: var(--error); }
.badge.critical { background: #6a1b9a; } .badge.high { background: #b71c1c; }
.badge.medium { background: #e65100; } .badge.low { background: #1565c0; }
article.policy { border: 1px solid var(--line); border-radius: 6px; padding: .7rem .9rem; margin: .8rem 0; }
article.policy.pass { border-left: 4px solid var(--pass); }
article.policy.fail { border-left: 4px solid var(--fail); }
article.policy.error { border-left: 4px solid var(--error); }
.policy-head { display: flex; flex-wrap: wrap; gap: .3rem .6rem; align-items: baseline; }
.remediation { background: #f6f8fa; border-radius: 4px; padding: .4rem .6rem; margin: .5rem 0;
               overflow-wrap: anywhere; }
.errors { color: var(--error); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .1rem .8rem; margin: .5rem 0;
           font-size: .9rem; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; word-break: break-word; }
@media (max-width: 40rem) {
  body { padding: .6rem; font-size: 14px; }
  dl.facts { grid-template-columns: 1fr; } dl.facts dd { margin-bottom: .3rem; }
}
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav.toc { display: none; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { break-after: avoid; } figure, .card, tr, .policy-head { break-inside: avoid; }
  .table-wrap { overflow: visible; }
  a { color: inherit; text-decoration: none; }
}
"""


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "–"


def badge(text: str, kind: str | None = None) -> str:
    return f'<span class="badge {esc(kind or text)}">{esc(text)}</span>'


# --- charts -----------------------------------------------------------------

def bar_chart(title: str, rows: list[tuple[str, int, int]], label_width: int = 140,
              relative: bool = False) -> str:
    """Horizontal stacked bars (failed, passed) per label, as inline SVG; `relative`
    draws each bar at full width (the share that failed), else bars scale with counts.
    The viewBox is narrow so the text stays legible when a phone scales it down."""
    bar_h, gap, width, count_w = 16, 8, 420, 60
    bar_w = width - label_width - count_w
    height = max(1, len(rows)) * (bar_h + gap) + gap
    most = max((f + p for _, f, p in rows), default=0) or 1
    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{esc(title)}"><title>{esc(title)}</title>']
    for i, (label, failed, passed) in enumerate(rows):
        y = gap + i * (bar_h + gap)
        shown = label if len(label) <= 22 else label[:21] + "…"
        parts.append(f'<text x="{label_width - 6}" y="{y + bar_h - 4}" text-anchor="end">'
                     f'<title>{esc(label)}</title>{esc(shown)}</text>')
        scale = bar_w / ((failed + passed) or 1) if relative else bar_w / most
        fw, pw = failed * scale, passed * scale
        if failed + passed == 0:
            parts.append(f'<rect x="{label_width}" y="{y}" width="3" height="{bar_h}" fill="{EMPTY_COLOUR}"/>')
        if failed:
            parts.append(f'<rect x="{label_width}" y="{y}" width="{fw:.1f}" height="{bar_h}" fill="{FAIL_COLOUR}">'
                         f'<title>{esc(label)}: {failed} failed</title></rect>')
        if passed:
            parts.append(f'<rect x="{label_width + fw:.1f}" y="{y}" width="{pw:.1f}" height="{bar_h}" '
                         f'fill="{PASS_COLOUR}"><title>{esc(label)}: {passed} passed</title></rect>')
        parts.append(f'<text x="{label_width + fw + pw + 5:.1f}" y="{y + bar_h - 4}">{failed}/{failed + passed}</text>')
    parts.append("</svg>")
    return "".join(parts)


def sparkline(values: list[int], width: int = 120, height: int = 28) -> str:
    """Failed counts over runs, oldest first."""
    top = max(values) or 1
    step = width / max(1, len(values) - 1)
    points = " ".join(f"{i * step:.1f},{height - 3 - (height - 6) * v / top:.1f}" for i, v in enumerate(values))
    dots = "".join(f'<circle cx="{i * step:.1f}" cy="{height - 3 - (height - 6) * v / top:.1f}" r="2.5" '
                   f'fill="{FAIL_COLOUR if v else PASS_COLOUR}"/>' for i, v in enumerate(values))
    return (f'<svg viewBox="-4 0 {width + 8} {height}" style="width:{width + 8}px" role="img" '
            f'aria-label="failed over time: {esc(", ".join(map(str, values)))}">'
            f'<polyline points="{points}" fill="none" stroke="#57606a" stroke-width="1.5"/>{dots}</svg>')


# --- sections -----------------------------------------------------------------

def _table(head: list[str], rows: list[list[str]], numeric: set[int] = frozenset()) -> str:
    """Cells are HTML already (escaped by the caller)."""
    ths = "".join(f'<th{" class=num" if i in numeric else ""} scope="col">{h}</th>' for i, h in enumerate(head))
    trs = "".join("<tr>" + "".join(f'<td{" class=num" if i in numeric else ""}>{c}</td>'
                                   for i, c in enumerate(row)) + "</tr>" for row in rows)
    return f'<div class="table-wrap"><table><thead><tr>{ths}</tr></thead><tbody>{trs}</tbody></table></div>'


def summary_section(findings: Findings) -> str:
    t = aggregate.total(findings)
    cards = [
        ("Policies", t.policies, f"{t.policies_passed} passed · {t.policies_failed} failed"
                                 + (f" · {t.policies_errored} errored" if t.policies_errored else ""), ""),
        ("Resources evaluated", t.evaluated, "evaluations across all policies", ""),
        ("Failed", t.failed, "non-compliant resources", "fail"),
        ("Passed", t.passed, "compliant resources", "pass"),
        ("Errored", t.errored, "could not be checked (never counted as passed)", "error" if t.errored else ""),
        ("Compliance", pct(t.passed, t.decided), "of checked evaluations passed", ""),
    ]
    html_cards = "".join(f'<div class="card {cls}"><span class="muted">{esc(label)}</span>'
                         f'<span class="n">{esc(value)}</span><span class="muted">{esc(note)}</span></div>'
                         for label, value, note, cls in cards)
    severity_rows = [(s, x.failed, x.passed) for s, x in aggregate.by_severity(findings).items()]
    control_rows = [(c, x.failed, x.passed) for c, x in aggregate.by_control(findings).items()]
    legend = (f'<p class="legend"><span class="swatch" style="background:{FAIL_COLOUR}"></span> failed '
              f'<span class="swatch" style="background:{PASS_COLOUR}"></span> passed (resources)</p>')
    return (f'<section id="summary"><h2>Summary</h2><div class="cards">{html_cards}</div>'
            f'<div class="charts"><figure><figcaption>By severity</figcaption>'
            f'{bar_chart("Failed and passed resources by severity", severity_rows, 70)}{legend}</figure>'
            f'<figure><figcaption>By control</figcaption>'
            f'{bar_chart("Share of resources failed and passed by control", control_rows, relative=True)}'
            f'{legend}</figure></div></section>')


def _tally_cells(t: Tally) -> list[str]:
    return [str(t.evaluated), str(t.failed), str(t.passed), pct(t.passed, t.decided)]


def controls_section(findings: Findings, anchors: dict) -> str:
    rows = []
    for control, t in aggregate.by_control(findings).items():
        links = ", ".join(f'<a href="#{anchors[name]}">{esc(name)}</a>' if name in anchors else esc(name)
                          for name in t.names)
        rows.append([f"<strong>{esc(control)}</strong>", badge(t.severity) if t.severity else "–", links,
                     *_tally_cells(t), badge(t.status)])
    head = ["Control", "Severity", "Policies", "Evaluated", "Failed", "Passed", "Compliance", "Status"]
    return f'<section id="controls"><h2>Controls</h2>{_table(head, rows, {3, 4, 5, 6})}</section>'


def scopes_section(findings: Findings) -> str:
    rows = [[esc(account), esc(region), str(t.policies), str(t.policies_failed), *_tally_cells(t), badge(t.status)]
            for (account, region), t in aggregate.by_scope(findings).items()]
    head = ["Account", "Region", "Policies", "Policies failed", "Evaluated", "Failed", "Passed", "Compliance", "Status"]
    return (f'<section id="scopes"><h2>Accounts and regions</h2>'
            f'{_table(head, rows, {2, 3, 4, 5, 6, 7})}</section>')


RUN_HEAD = ["Started (UTC)", "Accounts", "Regions", "Output", "Policies", "Evaluated", "Failed", "Passed",
            "Compliance"]
TREND_HEAD = ["Policy", "Account", "Region", "Runs", "Failed over time", "Failed", "Last change"]


def trend_section(findings: Findings) -> str:
    history = findings.history()
    if not history:
        return ""
    points = aggregate.runs(findings)
    run_rows = [[esc(p.start[:19].replace("T", " ")), esc(", ".join(p.accounts)), esc(", ".join(p.regions)),
                 f"<code>{esc(p.root)}</code>", str(p.tally.policies), *_tally_cells(p.tally)] for p in points]
    chart = bar_chart("Failed and passed resources per run", [
        (p.start[:16].replace("T", " "), p.tally.failed, p.tally.passed) for p in points], 120)
    policy_rows = []
    for (name, account, region), runs in history.items():
        failed = [r.failed for r in runs]
        change = failed[-1] - failed[-2]
        arrow = "▲" if change > 0 else "▼" if change < 0 else "="
        policy_rows.append([esc(name), esc(account), esc(region), str(len(runs)), sparkline(failed),
                            esc(" → ".join(map(str, failed))), f"{arrow} {abs(change) if change else ''}".strip()])
    return (f'<section id="trend"><h2>Trend</h2><p class="muted">The same policies ran at different times; '
            f'the latest run of each policy, account and region is the one reported above.</p>'
            f'<figure><figcaption>Per run</figcaption>{chart}</figure>'
            f'{_table(RUN_HEAD, run_rows, {4, 5, 6, 7, 8})}<h3>Per policy</h3>'
            f'{_table(TREND_HEAD, policy_rows, {3})}'
            f'</section>')


def policy_article(r: PolicyResult, anchor: str) -> str:
    head = (f'<div class="policy-head"><h3>{esc(r.name)}</h3>{badge(r.status)}'
            + (badge(r.severity) if r.severity else "")
            + f'<span class="muted">{r.failed} failed · {r.passed} passed'
            + (f' · {r.errored} errored' if r.errored else '') + f' · {r.evaluated} evaluated</span></div>')
    facts = [("Controls", ", ".join(r.controls) or "–"), ("Resource", r.resource_type),
             ("Account / region", f"{r.account} / {r.region}"), ("Category", r.category or "–"),
             ("Run", f"{r.start[:19].replace('T', ' ')} UTC, {r.mode}" + (", dry run" if r.dryrun else ""))]
    body = [head]
    if r.description:
        body.append(f"<p>{esc(r.description)}</p>")
    body.append('<dl class="facts">' + "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in facts) + "</dl>")
    if r.findings:
        if r.remediation:
            body.append(f'<div class="remediation"><strong>Remediation:</strong> {esc(r.remediation)}</div>')
        keys = list(dict.fromkeys(k for f in r.findings for k in f.fields))
        rows = [[f'<span class="id">{esc(f.id)}</span>', esc(f.name if f.name != f.id else ""),
                 *[esc(f.fields.get(k, "")) for k in keys]] for f in r.findings]
        body.append(_table(["Resource id", "Name", *map(esc, keys)], rows))
    if r.errors:
        body.append('<ul class="errors">' + "".join(
            f"<li><strong>{esc(e.get('stage', 'error'))}</strong>"
            + (f" {esc(e['resource'])}" if e.get("resource") else "")
            + f": {esc(e.get('error', ''))}</li>" for e in r.errors) + "</ul>")
    return f'<article class="policy {esc(r.status)}" id="{anchor}">{"".join(body)}</article>'


def render(findings: Findings, now: datetime.datetime | None = None) -> str:
    now = now or datetime.datetime.now(datetime.timezone.utc)
    current = findings.current
    anchors: dict[str, str] = {}
    keyed = {}
    for i, r in enumerate(current):
        keyed[r.key] = f"policy-{i + 1}"
        anchors.setdefault(r.name, f"policy-{i + 1}")
    starts = sorted(r.start for r in findings.results if r.start)
    accounts = sorted({r.account for r in current})
    regions = sorted({r.region for r in current})
    when = (f"{starts[0][:19].replace('T', ' ')} – {starts[-1][:19].replace('T', ' ')} UTC" if starts else "–")
    ordered = sorted(current, key=lambda r: ({"fail": 0, "error": 1, "pass": 2}[r.status],
                                             -aggregate.severity_rank(r.severity), r.name, r.account, r.region))
    trend = trend_section(findings)
    toc = ['<a href="#summary">Summary</a>', '<a href="#controls">Controls</a>',
           '<a href="#scopes">Accounts and regions</a>', *(['<a href="#trend">Trend</a>'] if trend else []),
           '<a href="#policies">Policies</a>']
    return "".join([
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<title>Compliance report</title><style>', CSS, '</style></head><body>',
        '<header><h1>Compliance report</h1>',
        f'<p class="meta">Runs {esc(when)} · {len(accounts)} account(s): {esc(", ".join(accounts))} · '
        f'{len(regions)} region(s): {esc(", ".join(regions))}<br>Generated {esc(now.isoformat()[:19])} UTC '
        f'by c7n-lite from {esc(", ".join(findings.sources))}</p></header>',
        f'<nav class="toc">{"".join(toc)}</nav>',
        summary_section(findings), controls_section(findings, anchors), scopes_section(findings), trend,
        '<section id="policies"><h2>Policies</h2>',
        *(policy_article(r, keyed[r.key]) for r in ordered),
        '</section></body></html>\n',
    ])
