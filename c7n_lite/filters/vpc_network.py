"""Filters for VPC networking: flow logs (VPCs, subnets, interfaces), network
ACLs and S3's address ranges, and a VPC's internet gateways, NAT gateways and
endpoints."""
from __future__ import annotations

import ipaddress
from typing import Any

from c7n_lite.filters.core import Filter, apply_filters, build_filters
from c7n_lite.filters.related import RelatedValueFilter, related_by_id, related_manager
from c7n_lite.filters.value import OPERATORS, ValueFilter, ValueMatcher
from c7n_lite.registry import filters
from c7n_lite.resources.core import paginate

# The legacy options and the flow-log field each compares (with value names).
LEGACY = {
    "status": ("FlowLogStatus", {"active": "ACTIVE"}),
    "deliver-status": ("DeliverLogsStatus", {"success": "SUCCESS", "failure": "FAILED"}),
    "destination": ("LogDestination", None),
    "destination-type": ("LogDestinationType", None),
    "traffic-type": ("TrafficType", {"all": "ALL", "reject": "REJECT", "accept": "ACCEPT"}),
    "log-format": ("LogFormat", None),
    "log-group": ("LogGroupName", None),
}


def flow_logs_by_resource(manager: Any) -> dict[str, list[dict]]:
    """Every flow log of the region by the resource it watches, read once per run."""
    cache = manager._cache()
    if ("flow-logs",) not in cache:
        found: dict[str, list[dict]] = {}
        for log in paginate(manager.session.client("ec2"), "describe_flow_logs", "FlowLogs"):
            found.setdefault(log["ResourceId"], []).append(log)
        cache[("flow-logs",)] = found
    return cache[("flow-logs",)]


@filters.register("flow-logs", "aws.vpc", "aws.subnet", "aws.eni")
class FlowLogs(Filter):
    """Match by the resource's flow logs, as Custodian's list-item filter: the
    logs matching every filter in `attrs` are counted; with `count`
    (`count_op`, default eq) the count is compared, else any match matches.
    Legacy options: `enabled` (default false: no flow log at all), and
    `status`, `traffic-type`, `log-group`, `destination`, `destination-type`,
    `deliver-status`, `log-format` compared (`op: not-equal` negates), all
    logs having to match with `set-op: and`.  Matched logs: `c7n:flow-logs`."""

    schema = {
        "attrs": {"type": "array"}, "count": {"type": "number"}, "count_op": {"enum": sorted(OPERATORS)},
        "enabled": {"type": "boolean"}, "set-op": {"enum": ["or", "and"]},
        "op": {"enum": ["equal", "not-equal"]},
        "status": {"enum": ["active"]}, "deliver-status": {"enum": ["success", "failure"]},
        "destination": {"type": "string"}, "destination-type": {"enum": ["s3", "cloud-watch-logs"]},
        "traffic-type": {"enum": ["accept", "reject", "all"]}, "log-format": {"type": "string"},
        "log-group": {"type": "string"},
    }
    permissions = ("ec2:DescribeFlowLogs",)

    @classmethod
    def check(cls, data: dict) -> list[str]:
        if "attrs" in data and set(data) & {*LEGACY, "enabled", "set-op", "op"}:
            return ["flow-logs cannot combine 'attrs' with the legacy options (enabled, status, …)"]
        return []

    def __init__(self, data: dict, manager: Any) -> None:
        super().__init__(data, manager)
        if "attrs" in data:
            self.spec = {k: data[k] for k in ("attrs", "count", "count_op") if k in data}
        else:
            attrs = []
            for option, (field, names) in LEGACY.items():
                if option in data:
                    value = names[data[option]] if names else data[option]
                    attrs.append({field: {"value": value, "op": "not-equal"}
                                  if data.get("op") == "not-equal" else value})
            self.spec = {"attrs": attrs, "count": 1, "count_op": "gte"} if data.get("enabled") \
                else {"attrs": attrs, "count": 0}
        self.attrs = build_filters(self.spec.get("attrs") or [], manager)

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        logs = flow_logs_by_resource(self.manager)
        rt = self.manager.resource_type
        every = self.data.get("set-op") == "and"
        matched = []
        for r in resources:
            mine = logs.get(rt.resource_id(r), [])
            r["c7n:flow-logs"] = mine
            spec = dict(self.spec)
            if every:
                spec["count"] = len(mine)
            hits = apply_filters(self.attrs, [dict(log) for log in mine], event) if mine else []
            if "count" in spec:
                if OPERATORS[spec.get("count_op", "eq")](len(hits), spec["count"]):
                    matched.append(r)
            elif hits:
                r.setdefault("c7n:ListItemMatches", []).extend(hits)
                matched.append(r)
        return matched


def prefix_list_cidrs(manager: Any) -> list[Any]:
    cache = manager._cache()
    if ("prefix-list-cidrs",) not in cache:
        lists = paginate(manager.session.client("ec2"), "describe_prefix_lists", "PrefixLists")
        cache[("prefix-list-cidrs",)] = [ipaddress.ip_network(c, strict=False)
                                         for p in lists for c in p.get("Cidrs", ())]
    return cache[("prefix-list-cidrs",)]


@filters.register("s3-cidr", "aws.network-acl")
class S3Cidr(Filter):
    """Network ACLs that do not allow (or, `present: true`, that allow) every
    address range of the region's AWS prefix lists (S3's and the others
    `DescribePrefixLists` returns), in rule order, `ingress` and `egress`
    (both by default)."""

    schema = {"egress": {"type": "boolean"}, "ingress": {"type": "boolean"}, "present": {"type": "boolean"}}
    permissions = ("ec2:DescribePrefixLists",)

    def match(self, resource: dict, event: dict | None = None) -> bool:
        cidrs = prefix_list_cidrs(self.manager)
        verdict: dict[Any, bool | None] = dict.fromkeys(cidrs)
        entries = sorted(resource.get("Entries", ()), key=lambda e: (e.get("Egress"), e.get("RuleNumber", 0)))
        for entry in entries:
            if entry.get("Egress") and not self.data.get("egress", True):
                continue
            if not entry.get("Egress") and not self.data.get("ingress", True):
                continue
            block = entry.get("CidrBlock") or entry.get("Ipv6CidrBlock")
            if not block:
                continue
            net = ipaddress.ip_network(block, strict=False)
            for cidr in cidrs:
                if verdict[cidr] is None and cidr.version == net.version and cidr.subnet_of(net):
                    verdict[cidr] = entry.get("RuleAction") == "allow"
        allowed = all(verdict.values())
        return allowed if self.data.get("present", False) else not allowed


class VpcRelated(RelatedValueFilter):
    """A value filter on the VPC's related resources of one type (those whose
    `vpc_expr` names the VPC)."""

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        import jmespath
        related = related_manager(self.manager, self.related_types[0])
        expr = jmespath.compile(related.resource_type.vpc_expr)
        by_vpc: dict[str, list[str]] = {}
        for other in related.resources():
            vpcs = expr.search(other)
            for vpc in [vpcs] if isinstance(vpcs, str) else vpcs or ():
                by_vpc.setdefault(vpc, []).append(related.resource_type.resource_id(other))
        self.by_vpc = by_vpc
        self.related = related_by_id(related, {i for ids in by_vpc.values() for i in ids})
        if self.data.get("key"):
            from c7n_lite.filters.value import key_root
            related.ensure_details(list(self.related.values()), {key_root(self.data["key"])})
        return [r for r in resources if self.match_related(r, by_vpc.get(r["VpcId"], []))]

    def related_ids(self, resource: dict) -> list[str]:
        return self.by_vpc.get(resource["VpcId"], [])


def _vpc_related(name: str, type_name: str, annotation: str, perm: str) -> None:
    cls = type(name.title().replace("-", ""), (VpcRelated,), {
        "__doc__": f"VPCs by their {name}s: a value filter on each (any of them, or all with `operator: and`).",
        "related_types": (type_name,), "annotation": annotation, "permissions": (perm,)})
    filters.register(name, "aws.vpc")(cls)


_vpc_related("internet-gateway", "aws.internet-gateway", "c7n:matched-internet-gateways",
             "ec2:DescribeInternetGateways")
_vpc_related("nat-gateway", "aws.nat-gateway", "c7n:matched-nat-gateways", "ec2:DescribeNatGateways")
_vpc_related("vpc-endpoint", "aws.vpc-endpoint", "c7n:matched-vpc-endpoints", "ec2:DescribeVpcEndpoints")
# On a VPC, `security-group` and `subnet` look at the groups and subnets in it.
_vpc_related("security-group", "aws.security-group", "c7n:matched-security-groups", "ec2:DescribeSecurityGroups")
_vpc_related("subnet", "aws.subnet", "c7n:matched-subnets", "ec2:DescribeSubnets")

VPC_ATTRIBUTES = {"dnshostnames": "enableDnsHostnames", "dnssupport": "enableDnsSupport",
                  "addressusage": "enableNetworkAddressUsageMetrics"}


@filters.register("vpc-attributes", "aws.vpc")
class VpcAttributes(Filter):
    """VPCs whose DNS hostnames (`dnshostnames`), DNS support (`dnssupport`) and
    address usage metrics (`addressusage`) settings are all as given."""

    schema = {k: {"type": "boolean"} for k in VPC_ATTRIBUTES}
    permissions = ("ec2:DescribeVpcAttribute",)

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        client = self.manager.session.client("ec2")
        cache: dict = self.manager._cache().setdefault(("vpc-attributes",), {})
        matched = resources
        for option, attribute in VPC_ATTRIBUTES.items():
            if option not in self.data:
                continue
            field = attribute[0].upper() + attribute[1:]
            for vpc in matched:
                if (vpc["VpcId"], attribute) not in cache:
                    answer = client.describe_vpc_attribute(VpcId=vpc["VpcId"], Attribute=attribute)
                    cache[(vpc["VpcId"], attribute)] = bool(answer[field]["Value"])
                vpc[f"c7n:{attribute}"] = cache[(vpc["VpcId"], attribute)]
            matched = [r for r in matched if r[f"c7n:{attribute}"] == self.data[option]]
        return matched



DHCP_KEYS = ("domain-name", "domain-name-servers", "ntp-servers")
AMAZON_DNS = ("AmazonProvidedDNS", "169.254.169.253")


def _amazon_dns(vpc: dict) -> list[str]:
    """The addresses of Amazon's resolver for the VPC: two fixed names and each
    associated CIDR's base + 2."""
    blocks = [vpc.get("CidrBlock")] + [a["CidrBlock"] for a in vpc.get("CidrBlockAssociationSet", ())
                                       if a.get("CidrBlockState", {}).get("State") == "associated"]
    return [*AMAZON_DNS, *(str(ipaddress.ip_network(b, strict=False).network_address + 2) for b in blocks if b)]


@filters.register("dhcp-options", "aws.vpc")
class DhcpOptions(Filter):
    """VPCs by their DHCP options set: `domain-name`, `domain-name-servers`,
    `ntp-servers` (a value the option holds, or a list it equals; `amazon`
    stands for Amazon's resolver, any or, with `match-operator: all`, every
    server), or (`present: false`) those not matching."""

    schema = {**{k: {"oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}]}
                 for k in DHCP_KEYS},
              "present": {"type": "boolean"}, "match-operator": {"enum": ["all", "any"]}}
    permissions = ("ec2:DescribeDhcpOptions",)

    @classmethod
    def check(cls, data: dict) -> list[str]:
        return [] if any(data.get(k) for k in DHCP_KEYS) else [f"dhcp-options needs one of {', '.join(DHCP_KEYS)}"]

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        # "default" names no options set: the VPC has no DHCP options.
        wanted = sorted({r["DhcpOptionsId"] for r in resources if r.get("DhcpOptionsId") not in (None, "default")})
        sets = paginate(self.manager.session.client("ec2"), "describe_dhcp_options", "DhcpOptions",
                        {"DhcpOptionsIds": wanted}) if wanted else []
        by_id = {s["DhcpOptionsId"]: {c["Key"]: [v["Value"] for v in c.get("Values", ())]
                                      for c in s.get("DhcpConfigurations", ())} for s in sets}
        missing = sorted(set(wanted) - set(by_id))
        if missing:
            raise LookupError(f"DescribeDhcpOptions did not return {', '.join(missing)}")
        return [r for r in resources if self.match_vpc(r, by_id.get(r.get("DhcpOptionsId"), {}))]

    def match_vpc(self, vpc: dict, dhcp: dict) -> bool:
        vpc["c7n:DhcpConfiguration"] = dhcp
        every = self.data.get("match-operator", "any") == "all"
        found = True
        for key in DHCP_KEYS:
            if key not in self.data:
                continue
            expected, have = self.data[key], dhcp.get(key)
            if have is None:
                found = False
            elif expected == "amazon":
                amazon = _amazon_dns(vpc)
                found = (all if every else any)(v in amazon for v in have)
            elif isinstance(expected, list):
                if "amazon" in expected:
                    expected = _amazon_dns(vpc) + [v for v in expected if v != "amazon"]
                found = sorted(have) == sorted(expected)
            elif expected not in have:
                found = False
        return found if self.data.get("present", True) else not found


@filters.register("ip-address-usage", "aws.subnet")
class IpAddressUsage(Filter):
    """A value filter on the subnet's address use: `MaxAvailable` (the CIDR's
    size less AWS's 5 reserved), `NumberUsed`, `PercentUsed`."""

    schema = {**{k: v for k, v in ValueFilter.schema.items() if k != "key"},
              "key": {"enum": ["MaxAvailable", "NumberUsed", "PercentUsed"]}}
    permissions = ("ec2:DescribeSubnets",)

    def __init__(self, data: dict, manager: Any) -> None:
        super().__init__(data, manager)
        self.matcher = ValueMatcher(data, manager.now)

    def match(self, resource: dict, event: dict | None = None) -> bool:
        most = ipaddress.ip_network(resource["CidrBlock"], strict=False).num_addresses - 5
        used = most - resource["AvailableIpAddressCount"]
        usage = resource["c7n:IpAddressUsage"] = {
            "MaxAvailable": most, "NumberUsed": used, "PercentUsed": round(used / most * 100.0, 2)}
        return self.matcher.match(usage)
