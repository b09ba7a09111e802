"""Filters of ECS services."""
from __future__ import annotations

from c7n_lite.filters.core import Filter
from c7n_lite.registry import filters


@filters.register("taggable", "aws.ecs-service")
class Taggable(Filter):
    """Services whose ARN is in the long format (it names the cluster), the only
    ones ECS can tag (`state: false`: the others)."""

    schema = {"state": {"type": "boolean"}}

    def match(self, resource: dict, event: dict | None = None) -> bool:
        long_form = resource["serviceArn"].split(":", 5)[-1].count("/") >= 2
        return long_form == bool(self.data.get("state", True))
