"""CloudFront distribution actions.  Each reads the configuration and its ETag
at execution time, changes it and writes it back (UpdateDistribution replaces
the whole configuration), so the plan shows the change, not the config."""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from c7n_lite.actions.core import Action, ApiCall
from c7n_lite.registry import actions

PERMS = ("cloudfront:GetDistributionConfig", "cloudfront:UpdateDistribution")


def update_call(dist_id: str, change: Callable[[dict], None], params: dict, message: str) -> ApiCall:
    def run(session: Any) -> Any:
        client = session.client("cloudfront")
        found = client.get_distribution_config(Id=dist_id)
        config = found["DistributionConfig"]
        change(config)
        return client.update_distribution(Id=dist_id, IfMatch=found["ETag"], DistributionConfig=config)
    return ApiCall("cloudfront", "update_distribution", {"Id": dist_id, **params}, [dist_id], message, run=run)


@actions.register("disable", "aws.distribution")
class Disable(Action):
    """Disable the distribution (it stops serving; it can then be deleted)."""

    permissions = PERMS

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        def change(config: dict) -> None:
            config["Enabled"] = False
        return [update_call(self.resource_id(r), change, {"Enabled": False}, "disable") for r in resources]


@actions.register("set-protocols", "aws.distribution")
class SetProtocols(Action):
    """Set the viewer protocol policy of every cache behaviour
    (`ViewerProtocolPolicy`), and of custom origins the `OriginProtocolPolicy`
    and `OriginSslProtocols`."""

    schema = {"ViewerProtocolPolicy": {"enum": ["allow-all", "https-only", "redirect-to-https"]},
              "OriginProtocolPolicy": {"enum": ["http-only", "match-viewer", "https-only"]},
              "OriginSslProtocols": {"type": "array", "items": {"enum": ["SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2"]}}}
    permissions = PERMS

    def change(self, config: dict) -> None:
        viewer = self.data.get("ViewerProtocolPolicy")
        if viewer:
            config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] = viewer
            for item in (config.get("CacheBehaviors") or {}).get("Items") or ():
                item["ViewerProtocolPolicy"] = viewer
        for origin in (config.get("Origins") or {}).get("Items") or ():
            custom = origin.get("CustomOriginConfig")
            if not custom:
                continue
            if "OriginProtocolPolicy" in self.data:
                custom["OriginProtocolPolicy"] = self.data["OriginProtocolPolicy"]
            if "OriginSslProtocols" in self.data:
                custom["OriginSslProtocols"] = {"Quantity": len(self.data["OriginSslProtocols"]),
                                                "Items": list(self.data["OriginSslProtocols"])}

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        settings = {k: self.data[k] for k in self.schema if k in self.data}
        text = ", ".join(f"{k}={v}" for k, v in settings.items())
        return [update_call(self.resource_id(r), self.change, settings, text) for r in resources]


@actions.register("set-attributes", "aws.distribution")
class SetAttributes(Action):
    """Replace top-level fields of the configuration with `attributes` (e.g.
    `Logging: {Enabled: true, IncludeCookies: false, Bucket: logs.s3.amazonaws.com, Prefix: ''}`)."""

    schema = {"attributes": {"type": "object"}}
    required = ("attributes",)
    permissions = PERMS

    @classmethod
    def check(cls, data: dict) -> list[str]:
        attrs = data.get("attributes")
        if isinstance(attrs, dict) and "CallerReference" in attrs:
            return ["attributes: CallerReference cannot be changed"]
        return []

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        attrs = dict(self.data["attributes"])

        def change(config: dict) -> None:
            config.update(attrs)
        return [update_call(self.resource_id(r), change, {"attributes": attrs}, "set " + ", ".join(attrs))
                for r in resources]


@actions.register("set-wafv2", "aws.distribution")
class SetWafV2(Action):
    """Protect the distribution with the CloudFront-scope WAFv2 web ACL whose
    name matches the regex `web-acl` (exactly one must), or remove its web ACL
    (`state: false`).  Distributions that already have a web ACL are left
    alone unless `force`."""

    schema = {"web-acl": {"type": "string"}, "state": {"type": "boolean"}, "force": {"type": "boolean"}}
    permissions = (*PERMS, "wafv2:ListWebACLs")

    def target(self) -> str | None:
        if not self.data.get("state", True):
            return ""
        client = self.manager.session.client("wafv2", region="us-east-1")
        found: list[dict] = []
        params: dict[str, Any] = {"Scope": "CLOUDFRONT"}
        while True:
            page = client.list_web_acls(**params)
            found += page.get("WebACLs", [])
            if not page.get("NextMarker"):
                break
            params["NextMarker"] = page["NextMarker"]
        wanted = [a["ARN"] for a in found if re.match(self.data.get("web-acl", ""), a["Name"])]
        return wanted[0] if len(wanted) == 1 else None

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        ids = [self.resource_id(r) for r in resources]
        target = self.target()
        if target is None:
            return [ApiCall.skip(ids, f"web-acl {self.data.get('web-acl')!r} matches no or several web ACLs")]
        calls, kept = [], []
        for r in resources:
            current = r.get("WebACLId") or ""
            if current == target or (current and not self.data.get("force")):
                kept.append(self.resource_id(r))
                continue

            def change(config: dict, acl: str = target) -> None:
                config["WebACLId"] = acl
            calls.append(update_call(self.resource_id(r), change, {"WebACLId": target},
                                     f"web ACL {target or 'none'}"))
        if kept:
            calls.append(ApiCall.skip(kept, "already has a web ACL (use force to replace it)"))
        return calls
