"""Filters of EFS file systems: lifecycle rules, and whether the file system
policy requires encrypted transport."""
from __future__ import annotations

import json

from c7n_lite.filters.core import Filter
from c7n_lite.registry import filters

LIFECYCLE = "LifecyclePolicies"


@filters.register("lifecycle-policy", "aws.efs")
class LifecyclePolicy(Filter):
    """File systems with (`state: present`) or without (`absent`) lifecycle
    rules; with `value` (e.g. `AFTER_7_DAYS`), a rule using that value."""

    schema = {"state": {"enum": ["present", "absent"]}, "value": {"type": "string"}}
    required = ("state",)
    permissions = ("elasticfilesystem:DescribeLifecycleConfiguration",)
    reads = (LIFECYCLE,)

    def match(self, resource: dict, event: dict | None = None) -> bool:
        rules = resource[LIFECYCLE]
        wanted = self.data.get("value")
        found = any(wanted in rule.values() for rule in rules) if wanted else bool(rules)
        return found == (self.data["state"] == "present")


@filters.register("check-secure-transport", "aws.efs")
class CheckSecureTransport(Filter):
    """File systems whose policy does not deny requests made without TLS (a
    Deny statement on `aws:SecureTransport` false); no policy at all matches."""

    schema = {}
    permissions = ("elasticfilesystem:DescribeFileSystemPolicy",)
    reads = ("Policy",)

    def match(self, resource: dict, event: dict | None = None) -> bool:
        policy = resource["Policy"]
        if isinstance(policy, str):
            policy = json.loads(policy)
        statements = (policy or {}).get("Statement") or []
        if isinstance(statements, dict):
            statements = [statements]
        for s in statements:
            bools = {k.lower(): v for k, v in ((s.get("Condition") or {}).get("Bool") or {}).items()}
            value = bools.get("aws:securetransport")
            if s.get("Effect") == "Deny" and str(value[0] if isinstance(value, list) else value).lower() == "false":
                return False
        return True
