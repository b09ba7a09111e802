"""Errors a user sees: one line each, naming the file, the line and the policy."""
from __future__ import annotations

from dataclasses import dataclass, field

from c7n_lite.textsafe import safe


@dataclass(frozen=True)
class PolicyError:
    file: str
    line: int | None
    policy: str | None
    message: str
    # What kind of problem it is, for `validate --custodian-compat`: (kind, what), kind one of
    # resource / filter / action / mode (a Cloud Custodian name c7n_lite does not support yet),
    # option (of a known filter, action or mode), invalid (not a Custodian name either), policy.
    cause: tuple[str, str] | None = field(default=None, compare=False)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        who = f" policy '{self.policy}':" if self.policy else ""
        return safe(f"{where}:{who} {self.message}")


class PolicyLoadError(Exception):
    """Raised with every error found in the policy files, not just the first."""

    def __init__(self, errors: list[PolicyError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))
