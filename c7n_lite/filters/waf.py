"""Which WAF web ACL protects a resource: `wafv2-enabled` and (WAF Classic)
`waf-enabled`, for the types that declare how to ask (`WafFilter` subclasses
register per type).

Two forms, as in Custodian: with `web-acl` (a regex on the ACL's name) and/or
`state` (default false), or with no value-filter keys, a resource matches when
"protected by a matching ACL" equals `state`; with value-filter keys (`key`,
`value`, `op`) the value filter runs on the associated ACL, `{}` when none.
"""
from __future__ import annotations

import re
from typing import Any

from c7n_lite.filters.value import ValueFilter, check_value_data

WAF_SCHEMA = {**ValueFilter.schema, "web-acl": {"type": "string"}, "state": {"type": "boolean"}}


class WafFilter(ValueFilter):
    schema = WAF_SCHEMA
    # The ACL name's key in what `web_acl` returns.
    name_key = "Name"

    @classmethod
    def check(cls, data: dict) -> list[str]:
        problems = check_value_data(data) if "key" in data else []
        if data.get("web-acl"):
            try:
                re.compile(data["web-acl"])
            except re.error as exc:
                problems.append(f"web-acl: invalid regex ({exc})")
        return problems

    def legacy(self) -> bool:
        return "key" not in self.data

    def required_keys(self) -> set[str]:
        return set()

    def web_acl(self, resource: dict) -> dict:
        """The ACL protecting the resource, {} when none; raise when unknown."""
        raise NotImplementedError

    def match(self, resource: dict, event: dict | None = None) -> bool:
        acl = self.web_acl(resource)
        if not self.legacy():
            return self.matcher.match(acl)
        wanted = self.data.get("web-acl")
        protected = bool(acl) and (wanted is None or bool(re.match(wanted, acl.get(self.name_key, ""))))
        return protected == bool(self.data.get("state", False))


def wafv2_acl_for(manager: Any, arn: str) -> dict:
    """GetWebACLForResource: the WebACL, {} when none is associated."""
    cache = manager._cache().setdefault(("wafv2-acl-for",), {})
    if arn not in cache:
        found = manager.session.client("wafv2").get_web_acl_for_resource(ResourceArn=arn)
        cache[arn] = found.get("WebACL") or {}
    return cache[arn]


def waf_regional_acl_for(manager: Any, arn: str) -> dict:
    """WAF Classic (regional): the WebACLSummary, {} when none is associated."""
    cache = manager._cache().setdefault(("waf-regional-acl-for",), {})
    if arn not in cache:
        found = manager.session.client("waf-regional").get_web_acl_for_resource(ResourceArn=arn)
        cache[arn] = found.get("WebACLSummary") or {}
    return cache[arn]


class WafV2ByArn(WafFilter):
    """`wafv2-enabled` for a regional resource asked by its ARN."""

    permissions = ("wafv2:GetWebACLForResource",)

    def web_acl(self, resource: dict) -> dict:
        rt = self.manager.resource_type
        return wafv2_acl_for(self.manager, rt.arn(resource, self.manager.session))


class WafRegionalByArn(WafFilter):
    """`waf-enabled` (WAF Classic) for a regional resource asked by its ARN."""

    permissions = ("waf-regional:GetWebACLForResource",)

    def web_acl(self, resource: dict) -> dict:
        rt = self.manager.resource_type
        return waf_regional_acl_for(self.manager, rt.arn(resource, self.manager.session))
