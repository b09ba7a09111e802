"""Removing statements from a resource's policy document (SQS queues, secrets,
…): the base the per-service `remove-statements` actions share.

The policy is the type's `policy_key` field (read through its Detail when the
filters did not).  `statement_ids` names the statements by Sid, `"*"` removes
them all, and `matched` those the `cross-account` filter found
(`CrossAccountViolations`).
"""
from __future__ import annotations

import json
from typing import Any

from c7n_lite.actions.core import Action, ApiCall

VIOLATIONS = "CrossAccountViolations"
STATEMENT_IDS_SCHEMA = {"oneOf": [{"enum": ["matched", "*"]}, {"type": "array", "items": {"type": "string"}}]}


def policy_document(value: Any) -> dict | None:
    if not value:
        return None
    return json.loads(value) if isinstance(value, str) else dict(value)


class RemoveStatements(Action):
    """Remove statements from the resource policy: by Sid (`statement_ids: [..]`),
    all of them (`"*"`), or those `cross-account` matched (`matched`)."""

    schema = {"statement_ids": STATEMENT_IDS_SCHEMA}
    required = ("statement_ids",)

    def write(self, resource: dict, policy: dict | None) -> ApiCall:
        """The call that stores `policy` (None: no policy left)."""
        raise NotImplementedError

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        key = self.manager.resource_type.policy_key
        self.manager.ensure_details(resources, {key})
        wanted = self.data["statement_ids"]
        calls = []
        for r in resources:
            policy = policy_document(r.get(key))
            statements = (policy or {}).get("Statement") or []
            if isinstance(statements, dict):
                statements = [statements]
            if wanted == "*":
                keep: list[dict] = []
            elif wanted == "matched":
                found = r.get(VIOLATIONS) or []
                keep = [s for s in statements if s not in found]
            else:
                keep = [s for s in statements if s.get("Sid") not in wanted]
            if len(keep) == len(statements):
                calls.append(ApiCall.skip([self.resource_id(r)], "no statement to remove"))
                continue
            removed = [s.get("Sid", "(no Sid)") for s in statements if s not in keep]
            call = self.write(r, {**policy, "Statement": keep} if keep else None)
            call.message = f"remove statements {', '.join(removed)}" + ("" if keep else " (no policy left)")
            calls.append(call)
        return calls
