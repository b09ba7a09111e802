"""Filters of ECR repositories: access from other accounts, lifecycle rules."""
from __future__ import annotations

from typing import Any

from c7n_lite.filters.core import Filter
from c7n_lite.filters.iam_policy import PolicyCrossAccountFilter
from c7n_lite.filters.value import ValueMatcher
from c7n_lite.registry import filters


@filters.register("cross-account", "aws.ecr")
class EcrCrossAccount(PolicyCrossAccountFilter):
    """Repositories whose policy lets principals outside the account (and the
    `whitelist`) pull or push."""

    permissions = ("ecr:GetRepositoryPolicy",)


@filters.register("lifecycle-rule", "aws.ecr")
class LifecycleRule(Filter):
    """Repositories with (`state: true`) or without (`state: false`, the
    default) a lifecycle rule matching every value filter in `match` (e.g.
    `{key: selection.tagStatus, value: untagged}`); with no `match`, any rule."""

    schema = {"match": {"type": "array", "items": {"type": "object"}}, "state": {"type": "boolean"}}
    permissions = ("ecr:GetLifecyclePolicy",)
    reads = ("c7n:lifecycle-policy",)

    def __init__(self, data: dict, manager: Any) -> None:
        super().__init__(data, manager)
        self.matchers = []
        for m in data.get("match") or ():
            spec = m if "key" in m else {"key": next(iter(m)), "value": next(iter(m.values()))}
            self.matchers.append(ValueMatcher(spec, manager.now))

    def match(self, resource: dict, event: dict | None = None) -> bool:
        rules = (resource.get("c7n:lifecycle-policy") or {}).get("rules") or ()
        found = any(all(m.match(rule) for m in self.matchers) for rule in rules)
        return found == bool(self.data.get("state", False))
