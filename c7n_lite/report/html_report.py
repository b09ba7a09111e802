"""The HTML report: one self-contained file (inline CSS and SVG, no script, no
URL), readable offline, on a phone and on paper.

Everything that comes from a policy or a resource goes through `esc`.
"""
from __future__ import annotations

import datetime
import os

from c7n_lite.report import aggregate
from c7n_lite.report.aggregate import Tally
from c7n_lite.report.collect import Findings, PolicyResult
from c7n_lite.report.html_charts import (
    CHART_CSS,
    ERROR_COLOUR,
    FAIL_COLOUR,
    PASS_COLOUR,
    Bar,
    bars,
    esc,
    legend,
    pct,
    sparkline,
)

# Caps that keep the page readable; the CSV and JSON reports always list everything.
MAX_RESOURCE_ROWS = 25
MAX_CONTROL_BARS = 12
MAX_TREND_POLICIES = 25
MAX_ERRORS = 10

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
svg { display: block; height: auto; }
.table-wrap { overflow-x: auto; -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; width: 100%; font-size: .88rem; margin: .4rem 0 1rem; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #f6f8fa; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.wrap { overflow-wrap: break-word; }
.more { font-size: .88rem; color: var(--muted); margin: -.6rem 0 1rem; }
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
  .opt { display: none; }
  th, td { padding: .3rem .3rem; }
  td.wrap { overflow-wrap: anywhere; }
}
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav.toc { display: none; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { break-after: avoid; } figure, .card, tr, .policy-head { break-inside: avoid; }
  .table-wrap { overflow: visible; }
  .opt { display: table-cell; }
  a { color: inherit; text-decoration: none; }
}
""" + CHART_CSS


def badge(text: str, kind: str | None = None) -> str:
    return f'<span class="badge {esc(kind or text)}">{esc(text)}</span>'


# --- sections -----------------------------------------------------------------

def _table(head: list[str], rows: list[list[str]], numeric: set[int] = frozenset(),
           optional: set[int] = frozenset(), wrap: set[int] = frozenset()) -> str:
    """Cells are HTML already (escaped by the caller).  `optional` columns are hidden
    on a phone, `wrap` columns break long names, so the rest fits without scrolling."""
    def cls(i: int) -> str:
        names = [n for n, cols in (("num", numeric), ("opt", optional), ("wrap", wrap)) if i in cols]
        return f' class="{" ".join(names)}"' if names else ""
    ths = "".join(f'<th{cls(i)} scope="col">{h}</th>' for i, h in enumerate(head))
    trs = "".join("<tr>" + "".join(f"<td{cls(i)}>{c}</td>" for i, c in enumerate(row)) + "</tr>" for row in rows)
    return f'<div class="table-wrap"><table><thead><tr>{ths}</tr></thead><tbody>{trs}</tbody></table></div>'


def _more(left: int, text: str) -> str:
    return f'<p class="more">… and {left} more — {text}</p>' if left > 0 else ""


def _bar(label: str, t: Tally, note: str = "") -> Bar:
    return Bar(label, t.failed, t.passed, t.errored, note)


def worst_controls(findings: Findings) -> list[tuple[str, Tally]]:
    """Controls by failed resources, then by the share failed and severity: the worst first."""
    controls = list(aggregate.by_control(findings).items())
    return sorted(controls, key=lambda ct: (-ct[1].failed, -(ct[1].failed / ct[1].evaluated if ct[1].evaluated else 0),
                                            -aggregate.severity_rank(ct[1].severity)))


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
    severities = [_bar(s, x) for s, x in aggregate.by_severity(findings).items()]
    worst = worst_controls(findings)
    shown = [_bar(c, x) for c, x in worst[:MAX_CONTROL_BARS]]
    errored = t.errored > 0
    ratio = "Each bar is 100% of the resources evaluated; the figure is failed/evaluated."
    control_note = (f"The {len(shown)} of {len(worst)} controls with the most failed resources; "
                    "every control is in the Controls table." if len(worst) > len(shown) else "")
    return (f'<section id="summary"><h2>Summary</h2><div class="cards">{html_cards}</div>'
            f'<div class="charts"><figure id="chart-severity"><figcaption>Failed / evaluated by severity'
            f'</figcaption>{bars("Share of evaluated resources failed, by severity", severities, True)}'
            f'{legend(ratio, errored)}</figure>'
            f'<figure id="chart-controls"><figcaption>Failed / evaluated by control</figcaption>'
            f'{bars("Share of evaluated resources failed, by control", shown, True)}'
            f'{legend(ratio + (" " + control_note if control_note else ""), errored)}</figure></div></section>')


def _tally_cells(t: Tally) -> list[str]:
    return [str(t.evaluated), str(t.failed), str(t.passed), pct(t.passed, t.decided)]


CONTROL_HEAD = ["Control", "Status", "Severity", "Failed", "Evaluated", "Passed", "Compliance", "Policies"]


def controls_section(findings: Findings, anchors: dict) -> str:
    """Status right after the control, and the counts a phone can do without hidden there."""
    rows = []
    for control, t in aggregate.by_control(findings).items():
        links = ", ".join(f'<a href="#{anchors[name]}">{esc(name)}</a>' if name in anchors else esc(name)
                          for name in t.names)
        rows.append([f"<strong>{esc(control)}</strong>", badge(t.status),
                     badge(t.severity) if t.severity else "–", str(t.failed), str(t.evaluated), str(t.passed),
                     pct(t.passed, t.decided), links])
    return (f'<section id="controls"><h2>Controls</h2>'
            f'{_table(CONTROL_HEAD, rows, {3, 4, 5, 6}, optional={4, 5, 6, 7}, wrap={0, 7})}</section>')


def scopes_section(findings: Findings) -> str:
    rows = [[esc(account), esc(region), badge(t.status), str(t.policies), str(t.policies_failed),
             *_tally_cells(t)] for (account, region), t in aggregate.by_scope(findings).items()]
    head = ["Account", "Region", "Status", "Policies", "Policies failed", "Evaluated", "Failed", "Passed",
            "Compliance"]
    return (f'<section id="scopes"><h2>Accounts and regions</h2>'
            f'{_table(head, rows, {3, 4, 5, 6, 7, 8}, optional={3, 4, 5, 7, 8})}</section>')


RUN_HEAD = ["Started (UTC)", "Output", "Accounts", "Regions", "Policies", "Evaluated", "Failed", "Passed",
            "Compliance"]
TREND_HEAD = ["Policy", "Account", "Region", "Runs", "Failed over time", "Failed", "Last change"]


def when(start: str) -> str:
    return start[:19].replace("T", " ")


def run_labels(points: list[aggregate.RunPoint]) -> list[tuple[str, str]]:
    """(label, note) per run: the start to the second, and the run's directory, so two runs
    never read alike (the full path when two directories share a name)."""
    names = [os.path.basename(p.root.rstrip("/")) or p.root for p in points]
    if len(set(names)) < len(names):
        names = [p.root for p in points]
    return [(when(p.start), name) for p, name in zip(points, names, strict=True)]


def trend_section(findings: Findings) -> str:
    history = findings.history()
    if not history:
        return ""
    points = aggregate.runs(findings)
    labels = run_labels(points)
    run_rows = [[esc(label), f"<code>{esc(p.root)}</code>", esc(", ".join(p.accounts)), esc(", ".join(p.regions)),
                 str(p.tally.policies), *_tally_cells(p.tally)] for p, (label, _) in zip(points, labels, strict=True)]
    chart = bars("Failed, passed and errored resources per run",
                 [_bar(label, p.tally, note) for p, (label, note) in zip(points, labels, strict=True)], relative=False)
    most = max(p.tally.evaluated for p in points)
    key = legend(f"Bar length: resources evaluated in the run (the longest is {most}); the figure is "
                 "failed/evaluated.", any(p.tally.errored for p in points))
    more = _more(len(history) - MAX_TREND_POLICIES, "the policies whose failed count changed least; every run "
                 "of every policy is in the JSON report (history).")
    policy_rows = []
    for (name, account, region), runs in history.items():
        failed = [r.failed for r in runs]
        change = failed[-1] - failed[-2]
        arrow = "▲" if change > 0 else "▼" if change < 0 else "="
        line = sparkline(failed, [r.status for r in runs])
        policy_rows.append((-abs(change), [esc(name), esc(account), esc(region), str(len(runs)), line,
                                           esc(" → ".join(map(str, failed))),
                                           f"{arrow} {abs(change) if change else ''}".strip()]))
    policy_rows.sort(key=lambda row: row[0])  # the policies that changed most first (stable: by name)
    shown = [row for _, row in policy_rows[:MAX_TREND_POLICIES]]
    return (f'<section id="trend"><h2>Trend</h2><p class="muted">The same policies ran at different times; '
            f'the latest run of each policy, account and region is the one reported above.</p>'
            f'<figure id="chart-runs"><figcaption>Per run</figcaption>{chart}'
            f'{key}</figure>'
            f'{_table(RUN_HEAD, run_rows, {4, 5, 6, 7, 8}, optional={1, 2, 3, 4, 7})}<h3>Per policy</h3>'
            f'{_table(TREND_HEAD, shown, {3}, optional={1, 2, 3})}'
            f'{more}'
            f'</section>')


def resource_table(r: PolicyResult) -> str:
    keys = list(dict.fromkeys(k for f in r.findings for k in f.fields))
    rows = [[f'<span class="id">{esc(f.id)}</span>', esc(f.name if f.name != f.id else ""),
             *[esc(f.fields.get(k, "")) for k in keys]] for f in r.findings[:MAX_RESOURCE_ROWS]]
    return (_table(["Resource id", "Name", *map(esc, keys)], rows, wrap={0})
            + _more(len(r.findings) - len(rows), "full list in the CSV (<code>c7n-lite report … --format csv</code>)."))


def _error_line(error: dict) -> str:
    """What failed: the operation and error code where the run recorded them, and for how many resources."""
    said = " ".join(str(error[k]) for k in ("operation", "error_code") if error.get(k))
    count = f" ({error['resources']} resources)" if isinstance(error.get("resources"), int) else ""
    return f"{said}: {error.get('error', '')}{count}" if said else f"{error.get('error', '')}{count}"


def policy_article(r: PolicyResult, anchor: str) -> str:
    head = (f'<div class="policy-head"><h3>{esc(r.name)}</h3>{badge(r.status)}'
            + (badge(r.severity) if r.severity else "")
            + f'<span class="muted">{r.failed} failed · {r.passed} passed'
            + (f' · {r.errored} errored' if r.errored else '') + f' · {r.evaluated} evaluated</span></div>')
    facts = [("Controls", ", ".join(r.controls) or "–"), ("Resource", r.resource_type),
             ("Account / region", f"{r.account} / {r.region}"), ("Category", r.category or "–"),
             ("Run", f"{when(r.start)} UTC, {r.mode}" + (", dry run" if r.dryrun else ""))]
    body = [head]
    if r.description:
        body.append(f"<p>{esc(r.description)}</p>")
    body.append('<dl class="facts">' + "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in facts) + "</dl>")
    if r.findings:
        if r.remediation:
            body.append(f'<div class="remediation"><strong>Remediation:</strong> {esc(r.remediation)}</div>')
        body.append(resource_table(r))
    if r.errors:
        body.append('<ul class="errors">' + "".join(
            f"<li><strong>{esc(e.get('stage', 'error'))}</strong>"
            + (f" {esc(e['resource'])}" if e.get("resource") else "")
            + f": {esc(_error_line(e))}</li>" for e in r.errors[:MAX_ERRORS]) + "</ul>")
        body.append(_more(len(r.errors) - MAX_ERRORS, f"every error is in <code>{esc(r.source)}/metadata.json</code>."))
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
    span = f"{when(starts[0])} – {when(starts[-1])} UTC" if starts else "–"
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
        f'<p class="meta">Runs {esc(span)} · {len(accounts)} account(s): {esc(", ".join(accounts))} · '
        f'{len(regions)} region(s): {esc(", ".join(regions))}<br>Generated {esc(now.isoformat()[:19])} UTC '
        f'by c7n-lite from {esc(", ".join(findings.sources))}</p></header>',
        f'<nav class="toc">{"".join(toc)}</nav>',
        summary_section(findings), controls_section(findings, anchors), scopes_section(findings), trend,
        '<section id="policies"><h2>Policies</h2>',
        *(policy_article(r, keyed[r.key]) for r in ordered),
        '</section></body></html>\n',
    ])
