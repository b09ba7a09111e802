"""Filters by AWS Cost Optimization Hub recommendations."""
from __future__ import annotations

from c7n_lite.filters.core import Filter
from c7n_lite.filters.items import AttrsMatcher
from c7n_lite.registry import filters

# The hub answers in us-east-1 for the whole account.
HUB_REGION = "us-east-1"
ACTION_TYPES = ["Rightsize", "Stop", "Upgrade", "PurchaseSavingsPlans", "PurchaseReservedInstances",
                "MigrateToGraviton"]
EFFORTS = ["VeryLow", "Low", "Medium", "High", "VeryHigh"]


class CostOptimization(Filter):
    """Resources with a Cost Optimization Hub recommendation in the run's region
    of the `action` type (`Rightsize` by default) that passes `attrs` (value
    filters on the recommendation, e.g. `estimatedMonthlySavings`, with `and` /
    `or` / `not` blocks), of one of `efforts` when given.  The recommendation
    is noted as `c7n:cost_optimize`.  Cloud Custodian 0.9.53 accepts `action`
    and `efforts` but always asks for the default type and every effort; here
    they narrow the request.  A refused read (e.g. the account is not enrolled
    in the hub) leaves every resource errored."""

    schema = {"action": {"enum": ACTION_TYPES}, "efforts": {"type": "array", "items": {"enum": EFFORTS}},
              "attrs": {"type": "array", "items": {"anyOf": [{"type": "object"}]}}}
    permissions = ("cost-optimization-hub:ListRecommendations",)
    hub_type = ""
    default_action = "Rightsize"

    def recommendations(self) -> list[dict]:
        session = self.manager.session
        query = {"actionTypes": [self.data.get("action", self.default_action)],
                 "regions": [session.region], "resourceTypes": [self.hub_type]}
        if self.data.get("efforts"):
            query["implementationEfforts"] = self.data["efforts"]
        client = session.client("cost-optimization-hub", HUB_REGION)
        found: list[dict] = []
        for page in client.get_paginator("list_recommendations").paginate(filter=query):
            found += page.get("items") or []
        return found

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        rt, session = self.manager.resource_type, self.manager.session
        by_arn = {rt.arn(r, session): r for r in resources}
        matcher = AttrsMatcher(self.data.get("attrs") or [], self.manager.now)
        matched: dict[str, dict] = {}
        for rec in self.recommendations():
            arn = rec.get("resourceArn") or ""
            if arn.count(":") == 7:
                # a version-qualified ARN (e.g. a Lambda version) names the resource
                arn = arn.rsplit(":", 1)[0]
            if arn in by_arn and matcher.match(rec):
                by_arn[arn]["c7n:cost_optimize"] = rec
                matched[arn] = by_arn[arn]
        return [r for arn, r in by_arn.items() if arn in matched]


@filters.register("cost-optimization", "aws.ec2")
class InstanceCostOptimization(CostOptimization):
    __doc__ = CostOptimization.__doc__
    hub_type = "Ec2Instance"


@filters.register("cost-optimization", "aws.lambda")
class FunctionCostOptimization(CostOptimization):
    __doc__ = CostOptimization.__doc__
    hub_type = "LambdaFunction"
