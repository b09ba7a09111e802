"""The JUnit XML report: each policy a test case, so CI systems show findings natively.

One <testsuite> per account and region; in it each policy is a <testcase>
named after the policy, with the resource type as its classname.  A policy
with non-compliant resources fails (<failure>, listing them); a policy whose
run had errors gets an <error>.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from c7n_lite.report import aggregate
from c7n_lite.report.collect import Findings, PolicyResult
from c7n_lite.report.csv_report import key_fields

# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _failure_text(r: PolicyResult) -> str:
    lines = [f"{r.failed} of {r.evaluated} {r.resource_type} resources are non-compliant"
             f" (account {r.account}, region {r.region}):"]
    for f in r.findings:
        name = f" ({f.name})" if f.name and f.name != f.id else ""
        fields = key_fields(f.fields)
        lines.append(f"  - {f.id}{name}" + (f": {fields}" if fields else ""))
    if r.remediation:
        lines += ["", f"Remediation: {r.remediation}"]
    return "\n".join(lines)


def testcase(r: PolicyResult) -> ET.Element:
    case = ET.Element("testcase", {"name": r.name, "classname": r.resource_type,
                                   "time": f"{r.duration or 0:.3f}"})
    props = ET.SubElement(case, "properties")
    for name, value in (("severity", r.severity), ("category", r.category), ("account", r.account),
                        ("region", r.region), ("evaluated", r.evaluated), ("passed", r.passed),
                        ("errored", r.errored)):
        if value is not None:
            ET.SubElement(props, "property", {"name": name, "value": str(value)})
    for control in r.controls:
        ET.SubElement(props, "property", {"name": "control", "value": control})
    if r.failed:
        failure = ET.SubElement(case, "failure", {
            "message": f"{r.failed} non-compliant {r.resource_type} resource(s)"
                       + (f" [{', '.join(r.controls)}]" if r.controls else "")
                       + (f" severity {r.severity}" if r.severity else ""),
            "type": r.severity or "finding"})
        failure.text = _failure_text(r)
    if r.errors or r.errored:
        message = f"{len(r.errors)} error(s) while running the policy"
        if r.errored:
            message += f"; {r.errored} resource(s) could not be evaluated"
        error = ET.SubElement(case, "error", {"message": message, "type": "PolicyRunError"})
        error.text = "\n".join(f"{e.get('stage', '')}: {e.get('error', '')}" for e in r.errors)
    return case


def render(findings: Findings) -> str:
    t = aggregate.total(findings)
    root = ET.Element("testsuites", {"name": "c7n-lite compliance", "tests": str(t.policies),
                                     "failures": str(sum(1 for r in findings.current if r.failed)),
                                     "errors": str(sum(1 for r in findings.current if r.errors))})
    scopes: dict[tuple[str, str], list[PolicyResult]] = {}
    for r in findings.current:
        scopes.setdefault((r.account, r.region), []).append(r)
    for (account, region), results in sorted(scopes.items()):
        suite = ET.SubElement(root, "testsuite", {
            "name": f"{account}/{region}", "tests": str(len(results)),
            "failures": str(sum(1 for r in results if r.failed)),
            "errors": str(sum(1 for r in results if r.errors)),
            "time": f"{sum(r.duration or 0 for r in results):.3f}",
            "timestamp": min((r.start for r in results), default="")[:19]})
        for r in results:
            suite.append(testcase(r))
    for element in root.iter():
        element.attrib = {k: clean(v) for k, v in element.attrib.items()}
        if element.text:
            element.text = clean(element.text)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
