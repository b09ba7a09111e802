"""Redshift clusters: turn public access off (or on)."""
from __future__ import annotations

from c7n_lite.actions.core import Action, ApiCall
from c7n_lite.registry import actions


@actions.register("set-public-access", "aws.redshift")
class SetPublicAccess(Action):
    """Set `PubliclyAccessible` (`state`, default false: make the cluster private)."""

    schema = {"state": {"type": "boolean"}}
    permissions = ("redshift:ModifyCluster",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        state = bool(self.data.get("state", False))
        todo = [r for r in resources if bool(r.get("PubliclyAccessible")) != state]
        calls = [ApiCall("redshift", "modify_cluster",
                         {"ClusterIdentifier": self.resource_id(r), "PubliclyAccessible": state},
                         [self.resource_id(r)], f"PubliclyAccessible={str(state).lower()}") for r in todo]
        done = [self.resource_id(r) for r in resources if r not in todo]
        if done:
            calls.append(ApiCall.skip(done, f"already PubliclyAccessible={str(state).lower()}"))
        return calls
