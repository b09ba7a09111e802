"""Filters of load balancers and target groups: TLS listeners and policies,
health-check protocols, access logging, attributes, listeners, WAF."""
from __future__ import annotations

import re
from typing import Any

from c7n_lite.aws.session import error_code
from c7n_lite.filters.core import Filter
from c7n_lite.filters.related import RelatedValueFilter, related_manager
from c7n_lite.filters.value import ValueFilter
from c7n_lite.filters.waf import WafRegionalByArn, WafV2ByArn
from c7n_lite.registry import filters

LOG_SCHEMA = {"bucket": {"type": "string"}, "prefix": {"type": "string"}}
V2_LOG_SCHEMA = {**LOG_SCHEMA, "log-type": {"enum": ["access", "connection"]}}


# --- Classic ---------------------------------------------------------------------
def is_ssl(balancer: dict) -> bool:
    return any(ld["Listener"]["Protocol"] in ("HTTPS", "SSL") for ld in balancer.get("ListenerDescriptions") or ())


@filters.register("is-ssl", "aws.elb")
class IsSsl(Filter):
    """Load balancers with an HTTPS or SSL listener."""

    def match(self, resource: dict, event: dict | None = None) -> bool:
        return is_ssl(resource)


@filters.register("ssl-policy", "aws.elb")
class SslPolicy(Filter):
    """Load balancers with a TLS listener whose SSL negotiation policy enables a
    `blacklist`ed protocol or cipher, or one outside the `whitelist`
    (`matching`: only the enabled attributes matching this regex count).  The
    offending ones are under `ProhibitedPolicies`."""

    schema = {"whitelist": {"type": "array", "items": {"type": "string"}},
              "blacklist": {"type": "array", "items": {"type": "string"}},
              "matching": {"type": "string"}}
    permissions = ("elasticloadbalancing:DescribeLoadBalancerPolicies",)

    @classmethod
    def check(cls, data: dict) -> list[str]:
        if ("whitelist" in data) == ("blacklist" in data):
            return ["give one of `whitelist` or `blacklist`"]
        return []

    def enabled_attributes(self, balancer: dict) -> list[str] | None:
        names = [p for ld in balancer.get("ListenerDescriptions") or () for p in ld.get("PolicyNames") or ()]
        if not names:
            balancer["c7n.ssl-policies"] = []
            return []
        client = self.manager.session.client("elb")
        try:
            found = client.describe_load_balancer_policies(
                LoadBalancerName=balancer["LoadBalancerName"], PolicyNames=names)["PolicyDescriptions"]
        except Exception as exc:  # noqa: BLE001 - a policy deleted meanwhile: nothing to judge
            if error_code(exc) == "PolicyNotFound":
                return None
            raise
        ssl = [p for p in found if p.get("PolicyTypeName") == "SSLNegotiationPolicyType"]
        balancer["c7n.ssl-policies"] = [p["PolicyName"] for p in ssl]
        return [a["AttributeName"] for p in ssl for a in p.get("PolicyAttributeDescriptions") or ()
                if a.get("AttributeValue") == "true"]

    def match(self, resource: dict, event: dict | None = None) -> bool:
        if not is_ssl(resource):
            return False
        active = self.enabled_attributes(resource)
        if active is None:
            return False
        if "matching" in self.data:
            active = [a for a in active if re.match(self.data["matching"], a, re.IGNORECASE)]
        if "blacklist" in self.data:
            bad = sorted(set(self.data["blacklist"]) & set(active))
        else:
            bad = sorted(set(active) - set(self.data.get("whitelist") or ()))
        if bad:
            resource["ProhibitedPolicies"] = bad
        return bool(bad)


@filters.register("healthcheck-protocol-mismatch", "aws.elb")
class ClassicHealthCheckMismatch(Filter):
    """Load balancers whose health check uses a protocol none of its listeners
    sends to the instances (or that have no listener).  Custodian documents the
    filter so; its code (0.9.53) returns the opposite set."""

    def match(self, resource: dict, event: dict | None = None) -> bool:
        target = (resource.get("HealthCheck") or {}).get("Target", "")
        protocol = target.split(":")[0]
        listeners = resource.get("ListenerDescriptions") or ()
        return not listeners or protocol not in {ld["Listener"].get("InstanceProtocol") for ld in listeners}


class LoggingFilter(Filter):
    """Shared by is-logging / is-not-logging: the access log settings as
    (enabled, bucket, prefix)."""

    schema = LOG_SCHEMA
    permissions = ("elasticloadbalancing:DescribeLoadBalancerAttributes",)
    reads = ("Attributes",)
    logging_wanted = True

    def settings(self, resource: dict) -> tuple[bool, Any, Any]:
        log = resource["Attributes"].get("AccessLog") or {}
        return bool(log.get("Enabled")), log.get("S3BucketName"), log.get("S3BucketPrefix")

    def match(self, resource: dict, event: dict | None = None) -> bool:
        enabled, bucket, prefix = self.settings(resource)
        logging = (enabled and self.data.get("bucket", bucket) == bucket
                   and self.data.get("prefix", prefix) == prefix)
        return logging == self.logging_wanted


@filters.register("is-logging", "aws.elb")
class ClassicIsLogging(LoggingFilter):
    """Load balancers writing access logs to S3 (to `bucket` / `prefix`, if given)."""


@filters.register("is-not-logging", "aws.elb")
class ClassicIsNotLogging(LoggingFilter):
    """Load balancers not writing access logs (or not to `bucket` / `prefix`)."""

    logging_wanted = False


class AttributesFilter(ValueFilter):
    attributes_key = "Attributes"

    def required_keys(self) -> set[str]:
        return {self.attributes_key}

    def match(self, resource: dict, event: dict | None = None) -> bool:
        return self.matcher.match(resource.get(self.attributes_key) or {})


@filters.register("attributes", "aws.elb")
class ClassicAttributes(AttributesFilter):
    """A value filter on the load balancer's attributes (e.g.
    `key: ConnectionDraining.Enabled`, `CrossZoneLoadBalancing.Enabled`)."""

    permissions = ("elasticloadbalancing:DescribeLoadBalancerAttributes",)


@filters.register("instance", "aws.elb")
class ClassicInstance(RelatedValueFilter):
    """A value filter on the load balancer's registered instances (any matches);
    the matching ones are under `c7n:MatchedInstances`."""

    related_types = ("aws.ec2",)
    annotation = "c7n:MatchedInstances"
    permissions = ("ec2:DescribeInstances",)

    def related_ids(self, resource: dict) -> list[str]:
        return [i["InstanceId"] for i in resource.get("Instances") or ()]


# --- ELBv2 -----------------------------------------------------------------------
@filters.register("is-logging", "aws.app-elb")
class V2IsLogging(LoggingFilter):
    """Load balancers writing access logs (`log-type: connection`: connection
    logs) to S3, to `bucket` / `prefix` if given."""

    schema = V2_LOG_SCHEMA

    def settings(self, resource: dict) -> tuple[bool, Any, Any]:
        kind = "connection_logs" if self.data.get("log-type") == "connection" else "access_logs"
        attrs = resource["Attributes"]
        return (bool(attrs.get(f"{kind}.s3.enabled")), attrs.get(f"{kind}.s3.bucket"),
                attrs.get(f"{kind}.s3.prefix"))


@filters.register("is-not-logging", "aws.app-elb")
class V2IsNotLogging(V2IsLogging):
    """Load balancers not writing access (or connection) logs, or not to `bucket` / `prefix`."""

    logging_wanted = False


@filters.register("attributes", "aws.app-elb")
class V2Attributes(AttributesFilter):
    """A value filter on the load balancer's attributes, values cast
    (`key: deletion_protection.enabled`, `value: false`)."""

    permissions = ("elasticloadbalancing:DescribeLoadBalancerAttributes",)


@filters.register("attributes", "aws.app-elb-target-group")
class TargetGroupAttributes(AttributesFilter):
    """A value filter on the target group's attributes (`key: stickiness.enabled`)."""

    attributes_key = "c7n:TargetGroupAttributes"
    permissions = ("elasticloadbalancing:DescribeTargetGroupAttributes",)


def listeners_of(manager: Any, arn: str) -> list[dict]:
    """The load balancer's listeners, described once per run."""
    cache = manager._cache().setdefault(("elbv2-listeners",), {})
    if arn not in cache:
        from c7n_lite.resources.core import paginate
        cache[arn] = paginate(manager.session.client("elbv2"), "describe_listeners", "Listeners",
                              {"LoadBalancerArn": arn})
    return cache[arn]


@filters.register("listener", "aws.app-elb")
class Listener(ValueFilter):
    """A value filter on the load balancer's listeners (any matches; e.g.
    `key: Protocol`, `value: HTTP`); the matching ones are under
    `c7n:MatchedListeners`, which `modify-listener` and `delete-listener` act on.
    `matched: true` filters the listeners an earlier `listener` filter matched."""

    schema = {**ValueFilter.schema, "matched": {"type": "boolean"}}
    permissions = ("elasticloadbalancing:DescribeListeners",)

    def required_keys(self) -> set[str]:
        return set()

    def match(self, resource: dict, event: dict | None = None) -> bool:
        if self.data.get("matched"):
            candidates = resource.pop("c7n:MatchedListeners", [])
        else:
            candidates = listeners_of(self.manager, resource["LoadBalancerArn"])
        found = [listener for listener in candidates if self.matcher.match(listener)]
        if found:
            known = {x["ListenerArn"] for x in resource.get("c7n:MatchedListeners", ())}
            resource.setdefault("c7n:MatchedListeners", []).extend(
                x for x in found if x["ListenerArn"] not in known)
        return bool(found)


def target_groups_of(manager: Any) -> dict[str, list[dict]]:
    groups = related_manager(manager, "aws.app-elb-target-group").resources()
    by_lb: dict[str, list[dict]] = {}
    for group in groups:
        for arn in group.get("LoadBalancerArns") or ():
            by_lb.setdefault(arn, []).append(group)
    return by_lb


@filters.register("healthcheck-protocol-mismatch", "aws.app-elb")
class V2HealthCheckMismatch(Filter):
    """Load balancers with a target group whose health check protocol is not
    the protocol it forwards with."""

    permissions = ("elasticloadbalancing:DescribeTargetGroups",)
    related_types = ("aws.app-elb-target-group",)

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        by_lb = target_groups_of(self.manager)
        return [r for r in resources if any(g.get("Protocol") != g.get("HealthCheckProtocol")
                                            for g in by_lb.get(r["LoadBalancerArn"], ()))]


@filters.register("target-group", "aws.app-elb")
class V2TargetGroup(ValueFilter):
    """A value filter on the load balancer's target groups (any matches)."""

    permissions = ("elasticloadbalancing:DescribeTargetGroups",)
    related_types = ("aws.app-elb-target-group",)

    def required_keys(self) -> set[str]:
        return set()

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        by_lb = target_groups_of(self.manager)
        return [r for r in resources if any(self.matcher.match(g) for g in by_lb.get(r["LoadBalancerArn"], ()))]


@filters.register("wafv2-enabled", "aws.app-elb")
class AlbWafV2(WafV2ByArn):
    """Load balancers protected (`state: true`) or not (default) by a WAFv2 web
    ACL (named by the regex `web-acl`, if given); or a value filter on the ACL."""


@filters.register("waf-enabled", "aws.app-elb")
class AlbWafClassic(WafRegionalByArn):
    """As `wafv2-enabled`, for WAF Classic (regional) web ACLs."""


@filters.register("listener-rule", "aws.app-elb")
class ListenerRule(Filter):
    """Load balancers with a (non-default) listener rule matching all the
    `attrs` filters (e.g. `key: Actions[0].RedirectConfig.Protocol`,
    `value: HTTP`); with `count` (and `count_op`, default `eq`), those whose
    number of matching rules compares so.  The rules read are under
    `c7n:ListenerRules`, the matching ones under `c7n:ListItemMatches`."""

    schema = {"attrs": {"type": "array"}, "count": {"type": "number"},
              "count_op": {"enum": ["eq", "equal", "ne", "not-equal", "gt", "greater-than", "ge", "gte",
                                    "lt", "less-than", "le", "lte"]}}
    permissions = ("elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeRules")

    def __init__(self, data: dict, manager: Any) -> None:
        super().__init__(data, manager)
        from c7n_lite.filters.core import build_filters
        self.attrs = build_filters(data.get("attrs") or [], manager)

    def rules(self, balancer: dict) -> list[dict]:
        from c7n_lite.resources.core import paginate
        client = self.manager.session.client("elbv2")
        found = []
        for listener in listeners_of(self.manager, balancer["LoadBalancerArn"]):
            rules = paginate(client, "describe_rules", "Rules", {"ListenerArn": listener["ListenerArn"]})
            found += [r for r in rules if not r.get("IsDefault")]
        return found

    def match(self, resource: dict, event: dict | None = None) -> bool:
        from c7n_lite.filters.core import apply_filters
        from c7n_lite.filters.value import OPERATORS
        rules = resource["c7n:ListenerRules"] = self.rules(resource)
        matched = apply_filters(self.attrs, [dict(r) for r in rules], event) if self.attrs else rules
        if matched:
            resource["c7n:ListItemMatches"] = [r.get("RuleArn") for r in matched]
        if "count" in self.data:
            return bool(OPERATORS[self.data.get("count_op", "eq")](len(matched), self.data["count"]))
        return bool(matched)
