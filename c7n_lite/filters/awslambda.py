"""Filters of Lambda functions: reserved concurrency, function URL, the
services allowed to invoke them, and access from other accounts."""
from __future__ import annotations

import json
from typing import Any

from c7n_lite.filters.iam_policy import PolicyCrossAccountFilter
from c7n_lite.filters.value import ValueFilter
from c7n_lite.registry import filters


class FixedKeyValueFilter(ValueFilter):
    """A value filter whose key is fixed (the policy gives only op and value)."""

    fixed_key = ""

    def __init__(self, data: dict, manager: Any) -> None:
        super().__init__({**data, "key": self.fixed_key}, manager)

    @classmethod
    def check(cls, data: dict) -> list[str]:
        return ValueFilter.check({**data, "key": cls.fixed_key})


@filters.register("reserved-concurrency", "aws.lambda")
class ReservedConcurrency(FixedKeyValueFilter):
    """A value filter on the function's reserved concurrency (`value: absent`:
    none reserved)."""

    fixed_key = '"c7n:FunctionInfo".Concurrency.ReservedConcurrentExecutions'
    schema = {k: v for k, v in ValueFilter.schema.items() if k != "key"}
    permissions = ("lambda:GetFunction",)

    def required_keys(self) -> set[str]:
        return {"c7n:FunctionInfo"}


@filters.register("url-config", "aws.lambda")
class UrlConfig(ValueFilter):
    """A value filter on the function URL's configuration (e.g. `key: AuthType`,
    `value: NONE`); a function without a URL has every key absent."""

    permissions = ("lambda:GetFunctionUrlConfig",)
    reads = ("c7n:UrlConfig",)

    def required_keys(self) -> set[str]:
        return {"c7n:UrlConfig"}

    def match(self, resource: dict, event: dict | None = None) -> bool:
        return self.matcher.match(resource.get("c7n:UrlConfig") or {})


@filters.register("event-source", "aws.lambda")
class EventSource(FixedKeyValueFilter):
    """A value filter on the services the function's policy allows to invoke it,
    under `c7n:EventSources` (e.g. `value: s3.amazonaws.com`, `op: contains`).
    Functions without a policy do not match."""

    fixed_key = '"c7n:EventSources"'
    schema = {k: v for k, v in ValueFilter.schema.items() if k != "key"}
    permissions = ("lambda:GetPolicy",)

    def required_keys(self) -> set[str]:
        return {"c7n:Policy"}

    def match(self, resource: dict, event: dict | None = None) -> bool:
        policy = resource.get("c7n:Policy")
        if not policy:
            return False
        document = json.loads(policy) if isinstance(policy, str) else policy
        statements = document.get("Statement", ())
        sources: list[str] = []
        for s in [statements] if isinstance(statements, dict) else statements:
            principal = s.get("Principal")
            if s.get("Effect") == "Allow" and isinstance(principal, dict) and "Service" in principal:
                found = principal["Service"]
                sources.extend([found] if isinstance(found, str) else found)
        if sources:
            resource["c7n:EventSources"] = sorted(set(sources))
        return self.matcher.match(resource)


@filters.register("cross-account", "aws.lambda")
class LambdaCrossAccount(PolicyCrossAccountFilter):
    """Functions whose resource policy lets principals outside the account (and
    the `whitelist`) invoke or manage them."""

    policy_attribute = "c7n:Policy"
    reads = ("c7n:Policy",)
    permissions = ("lambda:GetPolicy",)
