"""Totals of the current results: overall, by severity, by control, by account
and region, and per run for the trend.

Counts are resource evaluations: a resource checked by two policies counts
once in each, so `evaluated = failed + passed + errored` holds at every level.
Errored evaluations count neither as passed nor in the compliance figure.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from c7n_lite.report.collect import SEVERITIES, Findings, PolicyResult, severity_rank

NO_SEVERITY = "none"
NO_CONTROL = "(no control)"


@dataclass
class Tally:
    """Policies (each passed, failed or errored) and resource evaluations of a group of results."""

    policies: int = 0
    policies_passed: int = 0
    policies_failed: int = 0
    policies_errored: int = 0
    evaluated: int = 0
    failed: int = 0
    passed: int = 0
    errored: int = 0
    severity: str | None = None
    names: list[str] = field(default_factory=list)

    def add(self, result: PolicyResult) -> None:
        self.policies += 1
        status = result.status
        self.policies_passed += status == "pass"
        self.policies_failed += status == "fail"
        self.policies_errored += status == "error"
        self.evaluated += result.evaluated
        self.failed += result.failed
        self.passed += result.passed
        self.errored += result.errored
        if severity_rank(result.severity) > severity_rank(self.severity):
            self.severity = result.severity
        if result.name not in self.names:
            self.names.append(result.name)

    @property
    def status(self) -> str:
        if self.policies_failed:
            return "fail"
        return "error" if self.policies_errored else "pass"

    def to_dict(self) -> dict:
        return {"policies": self.policies, "policies_passed": self.policies_passed,
                "policies_failed": self.policies_failed, "policies_errored": self.policies_errored,
                "evaluated": self.evaluated, "failed": self.failed, "passed": self.passed,
                "errored": self.errored, "status": self.status}

    @property
    def decided(self) -> int:
        """Evaluations with an answer: the base of the compliance figure."""
        return self.failed + self.passed


def tally(results: list[PolicyResult]) -> Tally:
    total = Tally()
    for result in results:
        total.add(result)
    return total


def total(findings: Findings) -> Tally:
    return tally(findings.current)


def by_severity(findings: Findings) -> dict[str, Tally]:
    """Every severity, highest first (empty ones too, so charts keep their shape), then unrated."""
    groups: dict[str, list[PolicyResult]] = {s: [] for s in (*reversed(SEVERITIES), NO_SEVERITY)}
    for result in findings.current:
        groups[result.severity or NO_SEVERITY].append(result)
    return {s: tally(rs) for s, rs in groups.items() if rs or s != NO_SEVERITY}


def by_control(findings: Findings) -> dict[str, Tally]:
    """Each control, with every policy mapped to it; policies without controls under NO_CONTROL."""
    groups: dict[str, list[PolicyResult]] = {}
    for result in findings.current:
        for control in result.controls or [NO_CONTROL]:
            groups.setdefault(control, []).append(result)
    ordered = sorted(groups, key=lambda c: (c == NO_CONTROL, _natural(c)))
    return {c: tally(groups[c]) for c in ordered}


def by_scope(findings: Findings) -> dict[tuple[str, str], Tally]:
    """Each (account, region)."""
    groups: dict[tuple[str, str], list[PolicyResult]] = {}
    for result in findings.current:
        groups.setdefault((result.account, result.region), []).append(result)
    return {k: tally(groups[k]) for k in sorted(groups)}


@dataclass
class RunPoint:
    """One `c7n-lite run` (an output directory): when, where, and its totals."""

    root: str
    start: str
    accounts: list[str]
    regions: list[str]
    tally: Tally


def runs(findings: Findings) -> list[RunPoint]:
    """Every run read (current and older), oldest first."""
    groups: dict[str, list[PolicyResult]] = {}
    for result in findings.results:
        groups.setdefault(result.run_root, []).append(result)
    points = [RunPoint(root, min(r.start for r in rs), sorted({r.account for r in rs}),
                       sorted({r.region for r in rs}), tally(rs)) for root, rs in groups.items()]
    return sorted(points, key=lambda p: (p.start, p.root))


def _natural(text: str) -> list:
    """Sort CIS-AWS-v3.0.0-5.10 after 5.2."""
    import re
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", text)]
