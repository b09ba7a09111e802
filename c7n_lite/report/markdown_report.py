"""A Markdown summary a CI job can post as a pull-request (or merge-request)
comment: the headline counts, the failed controls by severity, the policies
that could not check everything, and the failed resources, every list capped
so the comment stays short (GitHub refuses comments over 65,536 characters).

Text from policies and resources is escaped: it can neither format the
comment nor inject HTML or links.
"""
from __future__ import annotations

import re

from c7n_lite.report import aggregate
from c7n_lite.report.collect import Findings

MAX_CONTROLS = 20
MAX_ERRORED = 10
MAX_FAILED_POLICIES = 10
MAX_RESOURCES = 5
MAX_CHARS = 60_000
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~&])")


def md(value: object) -> str:
    """Prose (a policy's remediation) as plain text in a table cell or list item."""
    text = " ".join(str("" if value is None else value).split())
    return _SPECIAL.sub(r"\\\1", text)


def code(value: object) -> str:
    """A name or id (from a policy or a resource) as a code span: never formatted, linked or HTML;
    a `|` is escaped for tables (GitHub reads `\\|` as `|` inside a code span in a table)."""
    text = " ".join(str("" if value is None else value).split()).replace("|", "\\|")
    if not text:
        return ""
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or fence != "`" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _more(left: int, what: str) -> list[str]:
    return ["", f"_… and {left} more {what}: full list in the HTML, CSV or JSON report._"] if left > 0 else []


def headline(findings: Findings) -> list[str]:
    t = aggregate.total(findings)
    if t.policies_failed:
        title = (f"❌ Compliance: {t.policies_failed} of {t.policies} {_plural(t.policies, 'policy')} failed"
                 + (f", {t.policies_errored} errored" if t.policies_errored else ""))
    elif t.policies_errored:
        title = (f"⚠️ Compliance: {t.policies_errored} of {t.policies} {_plural(t.policies, 'policy')} "
                 "could not check everything")
    else:
        title = f"✅ Compliance: all {t.policies} {_plural(t.policies, 'policy')} passed"
    current = findings.current
    accounts = sorted({r.account for r in current})
    regions = sorted({r.region for r in current})
    starts = sorted(r.start for r in current if r.start)
    share = f"{100 * t.passed / t.decided:.0f}%" if t.decided else "–"
    lines = [f"## {title}", "",
             "| | policies | resource evaluations |", "|---|---:|---:|",
             f"| failed | {t.policies_failed} | {t.failed} |",
             f"| passed | {t.policies_passed} | {t.passed} |",
             f"| errored (not checked) | {t.policies_errored} | {t.errored} |",
             f"| **total** | **{t.policies}** | **{t.evaluated}** |", "",
             f"{share} of the checked evaluations passed · {len(accounts)} {_plural(len(accounts), 'account')}"
             f" · {len(regions)} {_plural(len(regions), 'region')}"
             + (f" · run {md(starts[-1][:16].replace('T', ' '))} UTC" if starts else "")]
    return lines


def failed_controls(findings: Findings) -> list[str]:
    failing = [(c, t) for c, t in aggregate.by_control(findings).items() if t.failed]
    if not failing:
        return []
    failing.sort(key=lambda ct: (-aggregate.severity_rank(ct[1].severity), -ct[1].failed, ct[0]))
    counts: dict[str, int] = {}
    for _, t in failing:
        counts[t.severity or "unrated"] = counts.get(t.severity or "unrated", 0) + 1
    lines = ["", "### Failed controls by severity", "",
             f"{len(failing)} {_plural(len(failing), 'control')} failed: "
             + " · ".join(f"{n} {severity}" for severity, n in counts.items()), "",
             "| severity | control | failed / evaluated | policies |", "|---|---|---:|---|"]
    for control, t in failing[:MAX_CONTROLS]:
        names = ", ".join(code(n) for n in t.names[:3]) + (f" \\+{len(t.names) - 3}" if len(t.names) > 3 else "")
        lines.append(f"| {t.severity or 'unrated'} | {code(control)} | {t.failed} / {t.evaluated} | {names} |")
    return lines + _more(len(failing) - MAX_CONTROLS, "failed controls")


def errored_policies(findings: Findings) -> list[str]:
    errored = [r for r in findings.current if r.errors or r.errored]
    if not errored:
        return []
    lines = ["", "### Policies with errors", "",
             "Errored resources could not be checked: they count neither as failed nor as passed.", ""]
    for r in errored[:MAX_ERRORED]:
        first = r.errors[0] if r.errors else {}
        why = ": ".join(str(first.get(k)) for k in ("operation", "error_code") if first.get(k)) or \
            str(first.get("error") or "a read the policy needed failed")
        lines.append(f"- {code(r.name)} ({code(r.account)} {code(r.region)}): {r.errored} of {r.evaluated} "
                     f"not checked, {len(r.errors)} {_plural(len(r.errors), 'error')}; first: {code(_clip(why, 200))}")
    return lines + _more(len(errored) - MAX_ERRORED, "policies with errors")


def failed_policies(findings: Findings) -> list[str]:
    failed = [r for r in findings.current if r.failed]
    if not failed:
        return []
    lines = ["", "<details><summary>Failed resources</summary>", ""]
    for r in failed[:MAX_FAILED_POLICIES]:
        lines.append(f"- {code(r.name)} ({r.severity or 'unrated'}, {code(r.account)} {code(r.region)}): "
                     f"{r.failed} of {r.evaluated} {code(r.resource_type)} failed")
        lines.extend(f"  - {code(f.id)}" + (f" {code(f.name)}" if f.name and f.name != f.id else "")
                     for f in r.findings[:MAX_RESOURCES])
        if r.failed > MAX_RESOURCES:
            lines.append(f"  - … and {r.failed - MAX_RESOURCES} more")
        if r.remediation:
            lines.append(f"  - _Remediation:_ {md(_clip(r.remediation, 300))}")
    lines += _more(len(failed) - MAX_FAILED_POLICIES, "failed policies")
    return lines + ["", "</details>"]


def _plural(n: int, word: str) -> str:
    if n == 1:
        return word
    return word[:-1] + "ies" if word.endswith("y") else word + "s"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def render(findings: Findings) -> str:
    lines = [*headline(findings), *failed_controls(findings), *errored_policies(findings),
             *failed_policies(findings)]
    text = "\n".join(lines) + "\n"
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS].rsplit("\n", 1)[0] + "\n\n_… cut to fit a comment: see the full report._\n"
        if text.count("<details>") > text.count("</details>"):
            text += "\n</details>\n"
    return text

