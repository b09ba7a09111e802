"""Filters of EventBridge rules (their targets) and CloudFormation stacks (their template)."""
from __future__ import annotations

import json
import re

from c7n_lite.filters.core import Filter
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


@filters.register("template", "aws.cfn")
class StackTemplate(Filter):
    """Stacks whose template text matches the regular expression `pattern`
    (e.g. a secret pasted into it); the template is read per stack."""

    schema = {"pattern": {"type": "string"}}
    required = ("pattern",)
    permissions = ("cloudformation:GetTemplate",)

    @classmethod
    def check(cls, data: dict) -> list[str]:
        try:
            re.compile(str(data.get("pattern", "")))
        except re.error as exc:
            return [f"invalid pattern: {exc}"]
        return []

    def match(self, resource: dict, event: dict | None = None) -> bool:
        client = self.manager.session.client("cloudformation")
        body = client.get_template(StackName=resource["StackId"])["TemplateBody"]
        text = body if isinstance(body, str) else json.dumps(body)
        return re.search(self.data["pattern"], text) is not None
