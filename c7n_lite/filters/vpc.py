"""Network filters shared by every type that declares where it sits:
`security-group`, `subnet`, `vpc` (value filters on the related network
resources), `network-location` and `default-vpc`.

A type gets them by declaring `security_groups_expr`, `subnets_expr` and/or
`vpc_expr` (JMESPath to the ids).  Subnets and VPCs are described directly,
once per run and region (the session's resource cache): no resource type is
needed for them.
"""
from __future__ import annotations

from typing import Any

from c7n_lite.filters.core import Filter
from c7n_lite.filters.related import RELATED_SCHEMA, RelatedValueFilter
from c7n_lite.filters.value import ValueMatcher, key_root
from c7n_lite.registry import filters
from c7n_lite.resources.core import paginate


def ids_at(expression: str | None, resource: dict) -> list[str]:
    """The ids a declared expression gives on a resource (one id or a list)."""
    if not expression:
        return []
    import jmespath
    found = jmespath.search(expression, resource)
    if found is None:
        return []
    items = found if isinstance(found, list) else [found]
    return list(dict.fromkeys(str(i) for i in items if i))


def described(manager: Any, operation: str, path: str, id_key: str) -> dict[str, dict]:
    """Every item of an EC2 describe call by id, once per session."""
    cache = manager._cache()
    key = ("shared-describe", operation)
    if key not in cache:
        items = paginate(manager.session.client("ec2"), operation, path)
        cache[key] = {item[id_key]: item for item in items}
    return cache[key]


class DeclaredRelatedFilter(RelatedValueFilter):
    """A related value filter whose ids come from a fact the type declares."""

    fact = ""

    @classmethod
    def applies_to(cls, resource_type: Any) -> bool:
        return bool(getattr(resource_type, cls.fact, None))

    def expression(self) -> str | None:
        return getattr(self.manager.resource_type, self.fact, None)

    def related_ids(self, resource: dict) -> list[str]:
        return ids_at(self.expression(), resource)

    def required_keys(self) -> set[str]:
        keys = set(super().required_keys())
        if self.expression():
            keys.add(key_root(self.expression()))
        return keys


@filters.register("security-group")
class SecurityGroupFilter(DeclaredRelatedFilter):
    """A value filter on the resource's security groups (any of them, or all
    with `operator: and`); the matched ones are noted as `c7n:matched-security-groups`."""

    fact = "security_groups_expr"
    related_types = ("aws.security-group",)
    annotation = "c7n:matched-security-groups"
    permissions = ("ec2:DescribeSecurityGroups",)


class DescribedRelatedFilter(DeclaredRelatedFilter):
    """Related resources read with one EC2 describe call (subnets, VPCs)."""

    operation = path = id_key = ""
    related_types = ()

    def load_related(self, ids: set[str]) -> dict[str, dict]:
        every = described(self.manager, self.operation, self.path, self.id_key)
        return {i: every[i] for i in ids if i in every}


@filters.register("subnet")
class SubnetFilter(DescribedRelatedFilter):
    """A value filter on the resource's subnets; matched ones noted as
    `c7n:matched-subnets`.  `igw: true|false` / `nat: true|false` test whether
    the subnet's route table (its own, else its VPC's main one) routes to an
    internet / NAT gateway; a subnet matches when all of the tests given (and
    the value filter, if a key is given) hold, any of them with `operator: or`,
    as in Custodian."""

    schema = {**RELATED_SCHEMA, "igw": {"enum": [True, False]}, "nat": {"enum": [True, False]}}
    fact = "subnets_expr"
    operation, path, id_key = "describe_subnets", "Subnets", "SubnetId"
    annotation = "c7n:matched-subnets"
    permissions = ("ec2:DescribeSubnets",)

    @classmethod
    def check(cls, data: dict) -> list[str]:
        # Custodian's subnet filter needs no key: the gateway tests may be all.
        return [p for p in super().check(data) if p != "missing required key 'key'"]

    @classmethod
    def all_permissions(cls, data: dict, resource_type: Any = None) -> set[str]:
        extra = {"ec2:DescribeRouteTables"} if "igw" in data or "nat" in data else set()
        return set(cls.permissions) | extra

    def load_related(self, ids: set[str]) -> dict[str, dict]:
        if "igw" in self.data or "nat" in self.data:
            self.routes = {}
            for table in described(self.manager, "describe_route_tables", "RouteTables", "RouteTableId").values():
                for assoc in table.get("Associations") or ():
                    if assoc.get("Main"):
                        self.routes.setdefault(table.get("VpcId"), table)
                    elif assoc.get("SubnetId"):
                        self.routes[assoc["SubnetId"]] = table
        return super().load_related(ids)

    def gateway_test(self, subnet: dict, option: str, found: Any) -> bool:
        wanted = self.data.get(option)
        if wanted is None:
            return True
        table = self.routes.get(subnet.get("SubnetId")) or self.routes.get(subnet.get("VpcId"))
        if table is None:
            return False
        present = any(found(route) for route in table.get("Routes") or ())
        return present == bool(wanted)

    def match_one(self, related: dict) -> bool:
        combine = all if self.data.get("operator", "and") == "and" else any
        # With no key and value, the value part holds (Custodian's rule).
        value = self.matcher.match(related) if {"key", "value"} <= set(self.data) else True
        return combine((
            self.gateway_test(related, "igw", lambda r: str(r.get("GatewayId", "")).startswith("igw-")),
            self.gateway_test(related, "nat", lambda r: bool(r.get("NatGatewayId"))),
            value))


@filters.register("vpc")
class VpcFilter(DescribedRelatedFilter):
    """A value filter on the resource's VPC; matched ones noted as `c7n:matched-vpcs`."""

    fact = "vpc_expr"
    operation, path, id_key = "describe_vpcs", "Vpcs", "VpcId"
    annotation = "c7n:matched-vpcs"
    permissions = ("ec2:DescribeVpcs",)


@filters.register("default-vpc")
class DefaultVpc(Filter):
    """The resource is in the region's default VPC."""

    permissions = ("ec2:DescribeVpcs",)

    @classmethod
    def applies_to(cls, resource_type: Any) -> bool:
        return bool(resource_type.vpc_expr)

    def required_keys(self) -> set[str]:
        return {key_root(self.manager.resource_type.vpc_expr)}

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        vpcs = described(self.manager, "describe_vpcs", "Vpcs", "VpcId")
        self.defaults = {vid for vid, v in vpcs.items() if v.get("IsDefault")}
        return super().process(resources, event)

    def match(self, resource: dict, event: dict | None = None) -> bool:
        return any(v in self.defaults for v in ids_at(self.manager.resource_type.vpc_expr, resource))


@filters.register("network-location")
class NetworkLocation(Filter):
    """Compare one attribute (usually a tag: `key: "tag:Team"`) across the
    resource, its subnets and its security groups, with Custodian's semantics:
    `match: not-equal` (the default) matches resources where they disagree, or
    one is missing it (unless `missing-ok`), or the subnets or groups carry more
    than `max-cardinality` distinct values; the reasons are noted as
    `c7n:NetworkLocation`.  `match: equal` matches where none of that holds;
    `match: in` where every value found is one of `value`.  Subnets and groups
    with an `ignore` attribute (`- "tag:Team": Shared`) are left out."""

    schema = {
        "key": {"type": "string"},
        "compare": {"type": "array", "items": {"enum": ["resource", "subnet", "security-group"]}},
        "match": {"enum": ["equal", "not-equal", "in"]},
        "missing-ok": {"type": "boolean"},
        "max-cardinality": {"type": "integer"},
        "ignore": {"type": "array", "items": {"type": "object"}},
        "value": {"type": "array", "items": {"type": "string"}},
    }
    required = ("key",)
    permissions = ("ec2:DescribeSecurityGroups", "ec2:DescribeSubnets")
    related_types = ("aws.security-group",)

    @classmethod
    def applies_to(cls, resource_type: Any) -> bool:
        return bool(resource_type.security_groups_expr and resource_type.subnets_expr)

    def __init__(self, data: dict, manager: Any) -> None:
        super().__init__(data, manager)
        self.value_of = ValueMatcher({"key": data["key"]}, manager.now).resource_value
        self.compare = data.get("compare") or ["resource", "subnet", "security-group"]
        self.mode = data.get("match", "not-equal")
        self.missing_ok = bool(data.get("missing-ok", False))
        self.cardinality = data.get("max-cardinality", 1)
        self.ignores = [ValueMatcher({"key": k, "value": v}, manager.now)
                        for item in data.get("ignore") or () for k, v in item.items()]
        rt = manager.resource_type
        self.sg = SecurityGroupFilter({"type": "security-group", "key": data["key"], "value": "present"}, manager)
        self.subnet = SubnetFilter({"type": "subnet", "key": data["key"], "value": "present"}, manager)
        self.exprs = rt.security_groups_expr, rt.subnets_expr

    def required_keys(self) -> set[str]:
        return {key_root(self.data["key"])} | {key_root(e) for e in self.exprs}

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        self.manager.ensure_details(resources, self.required_keys())
        groups = self.sg.load_related({i for r in resources for i in ids_at(self.exprs[0], r)})
        subnets = self.subnet.load_related({i for r in resources for i in ids_at(self.exprs[1], r)})
        matched = []
        for r in resources:
            sgs = self.kept(groups, ids_at(self.exprs[0], r))
            subs = self.kept(subnets, ids_at(self.exprs[1], r))
            if self.evaluate(r, sgs, subs):
                matched.append(r)
        return matched

    def kept(self, related: dict[str, dict], ids: list[str]) -> dict[str, dict]:
        return {i: related[i] for i in ids if i in related
                and not any(m.match(related[i]) for m in self.ignores)}

    def evaluate(self, resource: dict, sgs: dict[str, dict], subs: dict[str, dict]) -> bool:
        sg_values = {i: self.value_of(g) for i, g in sgs.items()}
        sub_values = {i: self.value_of(s) for i, s in subs.items()}
        own = self.value_of(resource)
        if self.mode == "in":
            return self.all_in(own, sg_values, sub_values)
        reasons: list[dict] = []
        sub_space = sg_space = set()
        if "subnet" in self.compare:
            if not self.missing_ok and None in sub_values.values():
                reasons.append({"reason": "SubnetLocationAbsent", "subnets": sub_values})
            sub_space = {v for v in sub_values.values() if v}
            if len(sub_space) > self.cardinality:
                reasons.append({"reason": "SubnetLocationCardinality", "subnets": sub_values})
        if "security-group" in self.compare:
            if not self.missing_ok and None in sg_values.values():
                reasons.append({"reason": "SecurityGroupLocationAbsent", "security-groups": sg_values})
            sg_space = {v for v in sg_values.values() if v}
            if len(sg_space) > self.cardinality:
                reasons.append({"reason": "SecurityGroupLocationCardinality", "security-groups": sg_values})
        if "subnet" in self.compare and "security-group" in self.compare and sg_space != sub_space:
            reasons.append({"reason": "LocationMismatch", "subnets": sub_values, "security-groups": sg_values})
        if "resource" in self.compare:
            if not self.missing_ok and own is None:
                reasons.append({"reason": "ResourceLocationAbsent", "resource": own})
            elif "security-group" in self.compare and sgs and own not in sg_space:
                reasons.append({"reason": "ResourceLocationMismatch", "resource": own, "security-groups": sg_values})
            elif "subnet" in self.compare and subs and own not in sub_space:
                reasons.append({"reason": "ResourceLocationMismatch", "resource": own, "subnet": sub_values})
            if "security-group" in self.compare and sgs:
                odd = {i: v for i, v in sg_values.items() if v != own}
                if odd:
                    reasons.append({"reason": "SecurityGroupMismatch", "resource": own, "security-groups": odd})
        if self.mode == "equal":
            return not reasons
        if reasons:
            resource["c7n:NetworkLocation"] = reasons
        return bool(reasons)

    def all_in(self, own: Any, sg_values: dict, sub_values: dict) -> bool:
        allowed = set(self.data.get("value") or ())
        for part, values in (("subnet", sub_values), ("security-group", sg_values)):
            if part in self.compare:
                if not self.missing_ok and None in values.values():
                    return False
                if not {v for v in values.values() if v} <= allowed:
                    return False
        if "resource" in self.compare:
            if not self.missing_ok and own is None:
                return False
            if own not in allowed:
                return False
        return True
