"""Filters of EventBridge rules: their targets."""
from __future__ import annotations

from c7n_lite.filters.value import ValueFilter
from c7n_lite.registry import filters

TARGETS = "c7n:Targets"


@filters.register("event-rule-target", "aws.event-rule")
class EventRuleTarget(ValueFilter):
    """A value filter on the rule's list of targets (`ListTargetsByRule`), e.g.
    `key: '@', value: empty` (no target) or `key: '[].Arn', op: contains`.
    The targets are read per rule and noted as `c7n:Targets`."""

    schema = ValueFilter.schema
    permissions = ("events:ListTargetsByRule",)

    def required_keys(self) -> set[str]:
        return {TARGETS}

    def match(self, resource: dict, event: dict | None = None) -> bool:
        return self.matcher.match(resource[TARGETS])
