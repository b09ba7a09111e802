"""Filters for SNS topics."""
from __future__ import annotations

from collections.abc import Callable

from c7n_lite.filters.iam_policy import (
    CROSS_ACCOUNT_SCHEMA,
    Condition,
    PolicyChecker,
    PolicyCrossAccountFilter,
)
from c7n_lite.registry import filters

SNS_PROTOCOLS = ("http", "https", "email", "email-json", "sms", "sqs", "application", "lambda")


@filters.register("cross-account", "aws.sns")
class SNSCrossAccount(PolicyCrossAccountFilter):
    """Topics whose access policy lets principals outside the account (and the
    `whitelist`) use them."""

    schema = {
        **CROSS_ACCOUNT_SCHEMA,
        "whitelist_endpoints": {"type": "array", "items": {"type": "string"}},
        "whitelist_protocols": {"type": "array", "items": {"enum": list(SNS_PROTOCOLS)}},
    }
    permissions = ("sns:GetTopicAttributes",)

    def condition_handlers(self) -> dict[str, Callable[[dict, Condition], bool]]:
        endpoints = tuple(self.data.get("whitelist_endpoints", ()))
        protocols = set(self.data.get("whitelist_protocols", ()))

        def endpoint_open(statement: dict, c: Condition) -> bool:
            if not endpoints:
                # Without trusted endpoints, sns:Endpoint restricts only next
                # to an aws:SourceOwner condition (the default topic policy).
                return not any(o.key == "aws:sourceowner"
                               for o in PolicyChecker.conditions(statement))
            return any(not any(e in value for e in endpoints) for value in c.values)

        def protocol_open(statement: dict, c: Condition) -> bool:
            return bool(set(c.values) - protocols)

        return {"sns:endpoint": endpoint_open, "sns:protocol": protocol_open}
