"""Filters of AWS Config: recorders' retention, and resources' compliance with
Config rules."""
from __future__ import annotations

from c7n_lite.filters.account import DocumentValueFilter
from c7n_lite.filters.core import Filter
from c7n_lite.filters.items import EVAL_SCHEMA, EvalMatcher
from c7n_lite.registry import filters

CONFIG_STATES = ["COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE", "INSUFFICIENT_DATA"]


@filters.register("retention", "aws.config-recorder")
class Retention(DocumentValueFilter):
    """Compare a field of the region's Config retention configuration
    (`RetentionPeriodInDays`; none is present when the default 7 years applies)."""

    document = "c7n:ConfigRetentionConfigs"
    permissions = ("config:DescribeRetentionConfigurations",)


@filters.register("config-compliance", "aws.ec2")
class ConfigCompliance(Filter):
    """Resources that Config evaluated against any of `rules` with one of
    `states` (default `NON_COMPLIANT`), and whose evaluation passes
    `eval_filters` (value filters on the evaluation, e.g. `ResultRecordedTime`;
    any of them, or all with `op: and`).  The matching evaluations are noted as
    `c7n:config-compliance`.  A rule that cannot be read (missing, refused)
    leaves every resource errored."""

    schema = {**EVAL_SCHEMA, "rules": {"type": "array", "items": {"type": "string"}},
              "states": {"type": "array", "items": {"enum": CONFIG_STATES}}}
    required = ("rules",)
    permissions = ("config:GetComplianceDetailsByConfigRule",)

    def evaluations(self) -> dict[str, list[dict]]:
        client = self.manager.session.client("config")
        matcher = EvalMatcher(self.data, self.manager.now)
        config_type = self.manager.resource_type.config_type
        found: dict[str, list[dict]] = {}
        for rule in self.data["rules"]:
            pages = client.get_paginator("get_compliance_details_by_config_rule").paginate(
                ConfigRuleName=rule, ComplianceTypes=self.data.get("states", ["NON_COMPLIANT"]))
            for page in pages:
                for evaluation in page.get("EvaluationResults", ()):
                    qualifier = evaluation["EvaluationResultIdentifier"]["EvaluationResultQualifier"]
                    # A rule may cover several resource types: only this one counts.
                    if qualifier.get("ResourceType") == config_type and matcher.match(evaluation):
                        found.setdefault(qualifier["ResourceId"], []).append(evaluation)
        return found

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        found = self.evaluations()
        rt, session = self.manager.resource_type, self.manager.session
        matched = []
        for r in resources:
            # Rules name a resource by its ARN or by its id.
            evaluations = found.get(rt.arn(r, session)) or found.get(r.get(rt.id))
            if evaluations:
                r["c7n:config-compliance"] = evaluations
                matched.append(r)
        return matched
