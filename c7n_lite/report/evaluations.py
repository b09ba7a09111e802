"""Every (policy, resource) evaluation of the current results, for the finding
formats (OCSF, ASFF): failed resources with what the run wrote about them,
passed and errored resources by id, and a policy's errors that name no
resource (its resources could not be listed) as one evaluation of the policy
itself, so nothing that could not be checked goes missing.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from c7n_lite.report.collect import Findings, PolicyResult, arn_of, id_resource

FAIL, PASS, ERROR = "fail", "pass", "error"


@dataclass
class Evaluation:
    result: PolicyResult
    status: str  # FAIL, PASS or ERROR
    resource_id: str | None  # None: the policy as a whole (nothing could be listed)
    arn: str = ""
    name: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    resource: dict = field(default_factory=dict)
    detail: str = ""

    @property
    def uid(self) -> str:
        """The resource's ARN where the type declares one, else its id."""
        return self.arn or self.resource_id or ""


def error_text(error: dict) -> str:
    where = error.get("operation") or error.get("stage") or "error"
    code = f"{error['error_code']}: " if error.get("error_code") else ""
    return f"{where}: {code}{error.get('error', '')}".strip()


def evaluations(findings: Findings) -> list[Evaluation]:
    out: list[Evaluation] = []
    # A passed or errored resource is known by its id only; where its type's ARN is a field of the
    # resource (aws.asg, aws.ecr, …), any run that found it non-compliant wrote that field: use it, so
    # the finding of a resource that came right has the uid of the failed one it replaces.
    known = {(r.resource_type, r.account, r.region, f.id): f.arn
             for r in findings.results for f in r.findings if f.arn}

    def arn(r: PolicyResult, rid: str) -> str:
        return known.get((r.resource_type, r.account, r.region, rid)) or \
            arn_of(r.resource_type, id_resource(r.resource_type, rid), r.account, r.region)

    for r in findings.current:
        for f in r.findings:
            out.append(Evaluation(r, FAIL, f.id, f.arn, f.name, f.fields, f.resource,
                                  f"{f.id} does not comply with {r.name}"))
        for rid in r.passed_ids:
            out.append(Evaluation(r, PASS, rid, arn(r, rid), detail=f"{rid} complies with {r.name}"))
        why = {str(i): e for e in r.errors for i in e.get("resource_ids") or ()}
        for rid in r.errored_ids:
            reason = error_text(why[rid]) if rid in why else "a read the policy needed failed"
            out.append(Evaluation(r, ERROR, rid, arn(r, rid), detail=f"{rid} could not be evaluated: {reason}"))
        unplaced = [e for e in r.errors if not e.get("resource_ids") and not e.get("resource")]
        if unplaced:
            out.append(Evaluation(r, ERROR, None, detail=f"{r.name} could not run: "
                                  + "; ".join(error_text(e) for e in unplaced)))
    return out


def run_time(result: PolicyResult) -> datetime.datetime:
    """When the policy ran (its execution start), in UTC; now when the run did not say."""
    try:
        when = datetime.datetime.fromisoformat(result.start.replace("Z", "+00:00"))
    except ValueError:
        return datetime.datetime.now(datetime.timezone.utc)
    return when if when.tzinfo else when.replace(tzinfo=datetime.timezone.utc)
