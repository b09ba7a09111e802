"""Filters of CloudFront distributions: configuration, S3 origins that are not
the account's buckets, WAF."""
from __future__ import annotations

import re
from typing import Any

from c7n_lite.filters.core import Filter
from c7n_lite.filters.value import ValueFilter
from c7n_lite.filters.waf import WafFilter
from c7n_lite.registry import filters

S3_PREFIX = re.compile(r".*(?=\.s3(-.*)?(\..*-\d)?\.amazonaws\.com)")
S3_SUFFIX = re.compile(r"^([^.]+\.)?s3(-.*)?(\..*-\d)?\.amazonaws\.com")


@filters.register("distribution-config", "aws.distribution")
class DistributionConfig(ValueFilter):
    """A value filter on the distribution's full configuration (e.g.
    `key: Logging.Enabled`, `value: false`)."""

    permissions = ("cloudfront:GetDistributionConfig",)

    def required_keys(self) -> set[str]:
        return {"c7n:distribution-config"}

    def match(self, resource: dict, event: dict | None = None) -> bool:
        return self.matcher.match(resource.get("c7n:distribution-config") or {})


def origin_bucket(origin: dict, custom: bool) -> str | None:
    """The bucket an origin serves from, None when it is not an S3 origin."""
    domain = origin.get("DomainName", "")
    if "CustomOriginConfig" in origin:
        if not custom:
            return None
        found = S3_PREFIX.match(domain)
        if found:
            return found.group()
        if S3_SUFFIX.match(domain):
            return (origin.get("OriginPath") or "").lstrip("/").split("/")[0] or None
        return None
    found = S3_PREFIX.match(domain)
    return found.group() if found else None


@filters.register("mismatch-s3-origin", "aws.distribution")
class MismatchS3Origin(Filter):
    """Distributions with an S3 origin whose bucket is not one of the account's
    (deleted, or someone else's: anyone may create it and serve through you).
    `check_custom_origins` also reads custom origins on S3 website domains.
    The buckets are under `c7n:mismatched-s3-origin`."""

    schema = {"check_custom_origins": {"type": "boolean"}}
    permissions = ("s3:ListAllMyBuckets",)

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        buckets = {b["Name"] for b in self.manager.session.client("s3").list_buckets()["Buckets"]}
        custom = bool(self.data.get("check_custom_origins"))
        found = []
        for r in resources:
            missing = [b for b in (origin_bucket(o, custom) for o in (r.get("Origins") or {}).get("Items") or ())
                       if b and b not in buckets]
            if missing:
                r["c7n:mismatched-s3-origin"] = missing
                found.append(r)
        return found


def acl_name_from_arn(arn: str) -> str:
    # arn:aws:wafv2:us-east-1:123456789012:global/webacl/NAME/ID
    parts = arn.split("/")
    return parts[-2] if len(parts) >= 3 else ""


@filters.register("wafv2-enabled", "aws.distribution")
class DistributionWafV2(WafFilter):
    """Distributions protected (`state: true`) or not (default) by a WAFv2 web
    ACL (named by the regex `web-acl`, if given); or a value filter on the ACL
    (GetWebACL).  A WAF Classic ACL id in `WebACLId` is not a WAFv2 ACL."""

    permissions = ("wafv2:GetWebACL",)

    def web_acl(self, resource: dict) -> dict:
        arn = resource.get("WebACLId") or ""
        if not arn.startswith("arn:") or ":wafv2:" not in arn:
            return {}
        if self.legacy():
            return {"Name": acl_name_from_arn(arn), "ARN": arn}
        cache = self.manager._cache().setdefault(("wafv2-acl",), {})
        if arn not in cache:
            parts = arn.split("/")
            cache[arn] = self.manager.session.client("wafv2", region="us-east-1").get_web_acl(
                Name=parts[-2], Id=parts[-1], Scope="CLOUDFRONT")["WebACL"]
        return cache[arn]


@filters.register("waf-enabled", "aws.distribution")
class DistributionWafClassic(WafFilter):
    """As `wafv2-enabled`, for WAF Classic web ACLs (ListWebACLs gives their names)."""

    schema = {"web-acl": {"type": "string"}, "state": {"type": "boolean"}}
    permissions = ("waf:ListWebACLs",)

    def classic_acls(self) -> dict[str, str]:
        cache = self.manager._cache()
        if ("waf-classic-acls",) not in cache:
            client = self.manager.session.client("waf")
            found: list[dict] = []
            params: dict[str, Any] = {"Limit": 100}
            while True:
                page = client.list_web_acls(**params)
                found += page.get("WebACLs", [])
                if not page.get("NextMarker"):
                    break
                params["NextMarker"] = page["NextMarker"]
            cache[("waf-classic-acls",)] = {a["WebACLId"]: a["Name"] for a in found}
        return cache[("waf-classic-acls",)]

    def web_acl(self, resource: dict) -> dict:
        acl = resource.get("WebACLId") or ""
        if not acl or acl.startswith("arn:"):
            return {}
        name = self.classic_acls().get(acl)
        return {"WebACLId": acl, "Name": name} if name else {}
