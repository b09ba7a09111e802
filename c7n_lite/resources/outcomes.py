"""What a policy could not evaluate: resources whose read failed (errored) and
resources deleted since they were described (gone).

Unknown is never compliant: an errored resource is neither matched nor passed,
no action touches it, and the policy reports it, grouped by the operation and
error code that failed.  A gone resource simply leaves the policy's results.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from c7n_lite.aws.session import error_code, error_message

# Error codes that mean "not allowed to read", across AWS's protocols; the
# run's `--denied-reads warn` downgrades these (still errored, never passed).
DENIED_CODES = frozenset({
    "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError",
    "UnauthorizedException", "Forbidden", "403", "AuthFailure", "UnrecognizedClientException",
})


def failed_operation(exc: BaseException) -> str:
    """The API operation a botocore error came from, when it says."""
    return getattr(exc, "operation_name", "") or ""


@dataclass
class Unevaluated:
    """Per policy: resource id → why it was not evaluated."""

    errored: dict[str, dict] = field(default_factory=dict)
    gone: set[str] = field(default_factory=set)

    def record(self, resource_id: str, stage: str, exc: BaseException, gone_codes: tuple[str, ...]) -> None:
        if resource_id in self.gone or resource_id in self.errored:
            return
        code = error_code(exc)
        if code in gone_codes:
            self.gone.add(resource_id)
            return
        self.errored[resource_id] = {"stage": stage, "operation": failed_operation(exc),
                                     "error_code": code, "error": error_message(exc)}

    def __contains__(self, resource_id: object) -> bool:
        return resource_id in self.errored or resource_id in self.gone

    def groups(self) -> list[dict[str, Any]]:
        """The errored resources by (stage, operation, error code): one error entry each."""
        found: dict[tuple[str, str, str], dict[str, Any]] = {}
        for rid, why in self.errored.items():
            key = (why["stage"], why["operation"], why["error_code"])
            entry = found.setdefault(key, {**why, "resources": 0, "resource_ids": []})
            entry["resources"] += 1
            entry["resource_ids"].append(rid)
        return list(found.values())


@dataclass(frozen=True)
class FailedRead:
    """A detail read that failed, kept in the run's cache so that every policy of
    the run sees the same failure without asking again."""

    exc: BaseException
