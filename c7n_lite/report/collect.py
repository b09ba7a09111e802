"""Read run output directories into a `Findings` model.

A run writes, per policy, `<policy>/metadata.json` (policy, account, region,
execution, counts), `resources.json` (the matched, i.e. non-compliant,
resources) and `evaluated.json` (the ids of every resource evaluated); with
several regions the policy dirs sit under `<region>/`.  Any directory holding
such policy dirs, at any depth, is accepted, so one report can combine runs of
several accounts, regions and dates.

When the same policy ran several times for one account and region, the latest
run (by execution start) is the current state and the earlier ones are its
history (the trend).
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from c7n_lite.output import EVALUATED_FILE, METADATA_FILE, RESOURCES_FILE

SEVERITIES = ("low", "medium", "high", "critical")
UNKNOWN = "unknown"


class ReportError(Exception):
    """An output directory that cannot be read: one line, for the user."""


@dataclass
class Finding:
    """One non-compliant resource, as matched by one policy run."""

    policy: str
    controls: list[str]
    severity: str | None
    account: str
    region: str
    resource_type: str
    id: str
    name: str
    fields: dict[str, str]
    # The ARN where the type declares how to make one (else ""), and the resource as the run wrote it.
    arn: str = ""
    resource: dict = field(default_factory=dict, repr=False)


@dataclass
class PolicyResult:
    """One policy's run in one account and region."""

    name: str
    description: str
    resource_type: str
    account: str
    region: str
    controls: list[str]
    severity: str | None
    category: str | None
    remediation: str | None
    evaluated: int
    failed: int
    # Evaluated but not decided: a read the policy needed failed (never passed).
    errored: int
    start: str
    end: str | None
    duration: float | None
    dryrun: bool | None
    mode: str
    errors: list[dict]
    findings: list[Finding]
    passed_ids: list[str]
    errored_ids: list[str]
    source: str
    run_root: str

    @property
    def passed(self) -> int:
        """evaluated = failed + passed + errored."""
        return max(0, self.evaluated - self.failed - self.errored)

    @property
    def status(self) -> str:
        """fail: non-compliant resources found; error: none found, but something
        could not be checked; else pass."""
        if self.failed:
            return "fail"
        return "error" if self.errors or self.errored else "pass"

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.name, self.account, self.region)


@dataclass
class Findings:
    """Every policy result read, with the latest per (policy, account, region) as current."""

    sources: list[str]
    results: list[PolicyResult] = field(default_factory=list)

    @property
    def current(self) -> list[PolicyResult]:
        latest: dict[tuple[str, str, str], PolicyResult] = {}
        for result in self.results:
            seen = latest.get(result.key)
            if seen is None or result.start > seen.start:
                latest[result.key] = result
        return sorted(latest.values(), key=sort_key)

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.current for f in r.findings]

    def history(self) -> dict[tuple[str, str, str], list[PolicyResult]]:
        """Each (policy, account, region) that ran more than once: its runs, oldest first."""
        runs: dict[tuple[str, str, str], list[PolicyResult]] = {}
        for result in self.results:
            runs.setdefault(result.key, []).append(result)
        return {k: sorted(v, key=lambda r: r.start) for k, v in sorted(runs.items())
                if len({r.start for r in v}) > 1}


def severity_rank(severity: str | None) -> int:
    """0 for none, 1 (low) … 4 (critical)."""
    return SEVERITIES.index(severity) + 1 if severity in SEVERITIES else 0


def sort_key(result: PolicyResult) -> tuple:
    return (-severity_rank(result.severity), result.name, result.account, result.region)


# --- reading ------------------------------------------------------------------

def collect(paths: list[str]) -> Findings:
    """Every policy result under the given output directories."""
    findings = Findings(sources=list(paths))
    seen: set[str] = set()
    for path in paths:
        root = Path(path)
        if not root.exists():
            raise ReportError(f"{path}: no such directory")
        if not root.is_dir():
            raise ReportError(f"{path}: not a directory (give the output dir of a run, the -s of `c7n-lite run`)")
        policy_dirs = sorted({m.parent for m in root.rglob(METADATA_FILE)})
        if not policy_dirs:
            raise ReportError(f"{path}: no policy results here (expected <policy>/{METADATA_FILE} "
                              "from `c7n-lite run -s DIR`)")
        for policy_dir in policy_dirs:
            real = os.path.realpath(policy_dir)
            if real in seen:
                continue
            seen.add(real)
            findings.results.append(read_policy_dir(policy_dir))
    return findings


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReportError(f"{path}: unreadable: {exc}") from None


def read_policy_dir(policy_dir: Path) -> PolicyResult:
    meta = _read_json(policy_dir / METADATA_FILE)
    if not isinstance(meta, dict) or not isinstance(meta.get("policy"), dict):
        raise ReportError(f"{policy_dir / METADATA_FILE}: not a c7n-lite policy metadata file (no 'policy')")
    policy = meta["policy"]
    matched = _read_json(policy_dir / RESOURCES_FILE)
    if matched is None:
        matched = []
    if not isinstance(matched, list):
        raise ReportError(f"{policy_dir / RESOURCES_FILE}: expected a list of resources")
    evaluated_ids = _read_json(policy_dir / EVALUATED_FILE)
    counts = meta.get("counts") or {}
    if isinstance(evaluated_ids, list):
        evaluated = len(evaluated_ids)
    elif isinstance(counts.get("evaluated"), int):
        evaluated = counts["evaluated"]
    else:
        raise ReportError(f"{policy_dir}: no {EVALUATED_FILE} and no evaluated count in {METADATA_FILE}")
    # A matched resource is always an evaluated one; guard against hand-edited output.
    evaluated = max(evaluated, len(matched))

    info = policy.get("metadata") or {}
    resource_type = meta.get("resource_type") or _full_type(str(policy.get("resource", UNKNOWN)))
    account = str(meta.get("account_id") or UNKNOWN)
    region = str(meta.get("region") or UNKNOWN)
    controls = [str(c) for c in info.get("controls") or []]
    severity = info.get("severity") if info.get("severity") in SEVERITIES else None
    describe = describer(resource_type)
    findings = [Finding(policy=str(policy.get("name", policy_dir.name)), controls=controls, severity=severity,
                        account=account, region=region, resource_type=resource_type,
                        arn=arn_of(resource_type, r, account, region), resource=r,
                        **describe(r)) for r in matched if isinstance(r, dict)]
    failed_ids = {f.id for f in findings}
    execution = meta.get("execution") or {}
    errors = [e if isinstance(e, dict) else {"error": str(e)} for e in meta.get("errors") or []]
    errored_ids = {str(i) for e in errors for i in e.get("resource_ids") or ()} - failed_ids
    if any(e.get("stage") in ("resources", "policy") for e in errors):
        # The resources could not even be listed or read: none of them is known.
        errored = evaluated - len(matched)
        errored_ids = {str(i) for i in evaluated_ids or []} - failed_ids
    elif isinstance(counts.get("errored"), int):
        errored = counts["errored"]
    else:
        errored = len(errored_ids)
    passed_ids = [str(i) for i in evaluated_ids or [] if str(i) not in failed_ids and str(i) not in errored_ids]
    return PolicyResult(
        name=str(policy.get("name", policy_dir.name)),
        description=str(policy.get("description") or ""),
        resource_type=resource_type, account=account, region=region,
        controls=controls, severity=severity,
        category=_opt_str(info.get("category")), remediation=_opt_str(info.get("remediation")),
        evaluated=evaluated, failed=len(matched), errored=errored,
        start=str(execution.get("start") or ""), end=_opt_str(execution.get("end_time")),
        duration=execution.get("duration") if isinstance(execution.get("duration"), (int, float)) else None,
        dryrun=execution.get("dryrun") if isinstance(execution.get("dryrun"), bool) else None,
        mode=str(execution.get("mode") or (policy.get("mode") or {}).get("type") or "pull"),
        errors=errors, findings=findings, passed_ids=passed_ids, errored_ids=sorted(errored_ids),
        source=str(policy_dir), run_root=str(run_root(policy_dir, region)),
    )


def run_root(policy_dir: Path, region: str) -> Path:
    """The `-s` directory of the run: the parent, or the grandparent in the multi-region layout."""
    parent = policy_dir.parent
    return parent.parent if parent.name == region else parent


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)


def _full_type(name: str) -> str:
    return name if "." in name else f"aws.{name}"


# --- describing a resource ----------------------------------------------------

_NAME_GUESSES = ("Name", "name", "GroupName", "ClusterIdentifier", "BucketName", "TopicArn")
_ID_SUFFIXES = ("Id", "Identifier", "Arn", "Name")


def describer(resource_type: str) -> Any:
    """A function resource → {id, name, fields} for the type, from the registry's
    declared id, name and report fields (guesses for a type we do not know)."""
    from c7n_lite.registry import resources
    rt = resources.get(resource_type)
    id_key = getattr(rt, "id", "") or ""
    name_key = getattr(rt, "name", "") or ""
    report_fields = tuple(getattr(rt, "report_fields", ()) or ())
    # Fields with their own column: the id, and the name (the Name tag when the
    # type's name is its id).
    shown = {id_key, name_key} | ({"tag:Name"} if name_key in ("", id_key) else set())

    def describe(resource: dict) -> dict:
        rid = resource.get(id_key) if id_key else None
        if rid is None:
            rid = next((v for k, v in resource.items() if k.endswith(_ID_SUFFIXES) and isinstance(v, str)), "")
        name = field_text(resource, name_key) if name_key else ""
        if not name or name == str(rid):
            name = field_text(resource, "tag:Name") or next(
                (str(resource[k]) for k in _NAME_GUESSES if isinstance(resource.get(k), str)), "")
        fields = {key: field_text(resource, key) for key in report_fields if key not in shown}
        return {"id": str(rid), "name": name, "fields": fields}

    return describe


def arn_of(resource_type: str, resource: dict, account: str, region: str) -> str:
    """The resource's ARN from the type's ARN field or ARN pattern; "" when it declares neither.
    `resource` may be only `{id_key: id}` (a passed resource, known by its id)."""
    from types import SimpleNamespace

    from c7n_lite.actions.asff import partition_of
    from c7n_lite.registry import resources
    rt = resources.get(resource_type)
    if rt is None or not (rt.arn_format or (rt.arn_key and resource.get(rt.arn_key))):
        return ""
    where = SimpleNamespace(partition=partition_of(region), region=region, account_id=account)
    try:
        return str(rt.arn(resource, where))
    except (KeyError, ValueError, IndexError, TypeError):
        return ""


def id_resource(resource_type: str, resource_id: str) -> dict:
    """A resource known only by its id, as `arn_of` takes it."""
    from c7n_lite.registry import resources
    rt = resources.get(resource_type)
    return {getattr(rt, "id", None) or "id": resource_id}


def field_text(resource: dict, key: str) -> str:
    """A report field as text: `tag:Key`, a top-level key or a JMESPath."""
    if key.startswith("tag:"):
        value = _tag(resource, key[4:])
    elif key in resource:
        value = resource[key]
    else:
        import jmespath
        try:
            value = jmespath.search(key, resource)
        except jmespath.exceptions.JMESPathError:
            value = None
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, default=str)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _tag(resource: dict, key: str) -> Any:
    tags = resource.get("Tags")
    if isinstance(tags, dict):
        return tags.get(key)
    for tag in tags or ():
        if isinstance(tag, dict) and tag.get("Key") == key:
            return tag.get("Value")
    return None
