"""`ingress` and `egress`: match security groups by their rules, with Cloud
Custodian's semantics.

Each rule is first split so it has one grantee (one CIDR, IPv6 CIDR, prefix
list or group pair), as the console shows it.  Every condition given is
evaluated on that rule and the results combined with `match-operator` (`and`
by default); a condition that does not apply to the rule (e.g. `Ports` on an
all-traffic rule, which has no port range) is left out.  A group matches when
any of its rules does; the matched rules are noted on the group as
`MatchedIpPermissions` / `MatchedIpPermissionsEgress`.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from c7n_lite.filters.core import Filter
from c7n_lite.filters.value import OPERATORS, VALUE_TYPES, ValueMatcher, check_value_data
from c7n_lite.registry import filters

RANGE_KEYS = ("IpRanges", "Ipv6Ranges", "PrefixListIds", "UserIdGroupPairs")
# Keys of a rule compared as value filters (a scalar means equality).
RULE_KEYS = ("FromPort", "IpProtocol", "IpRanges", "PrefixListIds", "ToPort", "UserIdGroupPairs")
# A value filter on one key of the rule; `type: value` is allowed, as Custodian's
# schema wants it there.
VALUE_BLOCK = {
    "type": "object", "additionalProperties": False,
    "properties": {"type": {"enum": ["value"]}, "value": {}, "op": {"enum": sorted(OPERATORS)},
                   "value_type": {"enum": list(VALUE_TYPES)}, "value_regex": {"type": "string"}},
}
VALUE_FILTER_BLOCK = {**VALUE_BLOCK, "required": ["key"],
                      "properties": {**VALUE_BLOCK["properties"], "key": {"type": "string"}}}
PERMISSION_SCHEMA = {
    "match-operator": {"enum": ["and", "or"]},
    "Ports": {"type": "array", "items": {"type": "integer"}},
    "OnlyPorts": {"type": "array", "items": {"type": "integer"}},
    "SelfReference": {"type": "boolean"},
    "IpProtocol": {"oneOf": [{"enum": ["-1", -1, "tcp", "udp", "icmp", "icmpv6"]}, VALUE_BLOCK]},
    "FromPort": {"oneOf": [{"type": "integer"}, VALUE_BLOCK]},
    "ToPort": {"oneOf": [{"type": "integer"}, VALUE_BLOCK]},
    "IpRanges": {}, "PrefixListIds": {}, "UserIdGroupPairs": {},
    "Cidr": {"oneOf": [{"type": "string"}, VALUE_BLOCK]},
    "CidrV6": {"oneOf": [{"type": "string"}, VALUE_BLOCK]},
    "Description": VALUE_BLOCK,
    "SGReferences": VALUE_FILTER_BLOCK,
}


def split_rules(permissions: list[dict]) -> Iterator[dict]:
    """One rule per grantee; every range key present, all but one empty."""
    for perm in permissions or ():
        base = {k: v for k, v in perm.items() if k not in RANGE_KEYS}
        base.update({k: [] for k in RANGE_KEYS})
        for key in RANGE_KEYS:
            for grantee in perm.get(key) or ():
                yield {**base, key: [grantee]}


def value_matcher(spec: Any, key: str, now: Any) -> ValueMatcher:
    """A value filter on `key`: a mapping of value/op/value_type, or a value to equal."""
    data = {**spec, "key": key} if isinstance(spec, dict) else {"key": key, "value": spec}
    if key == "IpProtocol" and isinstance(data.get("value"), int):
        # AWS returns protocols as strings: '-1' and -1 both mean all traffic.
        data["value"] = str(data["value"])
    return ValueMatcher(data, now)


class SecurityGroupRules(Filter):
    schema = PERMISSION_SCHEMA
    permissions_key = ""

    def __init__(self, data: dict, manager: Any) -> None:
        super().__init__(data, manager)
        now = manager.now
        self.all = data.get("match-operator", "and") == "and"
        self.rule_matchers = [value_matcher(data[k], k, now) for k in RULE_KEYS if k in data]
        self.ports = data.get("Ports") or ()
        self.only_ports = data.get("OnlyPorts") or ()
        self.cidrs = [(value_matcher(data[name], key, now), ranges)
                      for name, key, ranges in (("CidrV6", "CidrIpv6", "Ipv6Ranges"),
                                                ("Cidr", "CidrIp", "IpRanges")) if name in data]
        self.description = value_matcher(data["Description"], "Description", now) \
            if "Description" in data else None
        self.sg_refs = ValueMatcher(data["SGReferences"], now) if data.get("SGReferences") else None
        self.groups: dict[str, dict] | None = None

    @classmethod
    def check(cls, data: dict) -> list[str]:
        problems = []
        for name, key in (("Cidr", "CidrIp"), ("CidrV6", "CidrIpv6"), ("Description", "Description"),
                          *((k, k) for k in RULE_KEYS)):
            if isinstance(data.get(name), dict):
                problems.extend(f"{name}: {p}" for p in check_value_data({**data[name], "key": key}))
        if isinstance(data.get("SGReferences"), dict):
            problems.extend(f"SGReferences: {p}" for p in check_value_data(data["SGReferences"]))
        if not set(data) - {"type", "match-operator"}:
            problems.append(f"{data.get('type')} needs at least one condition (e.g. Ports, Cidr)")
        return problems

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        self.groups = None
        return super().process(resources, event)

    def match(self, resource: dict, event: dict | None = None) -> bool:
        matched = []
        for rule in split_rules(resource.get(self.permissions_key)):
            results = [m.match(rule) for m in self.rule_matchers]
            results += [r for r in (self.match_description(rule), self.match_ports(rule),
                                    self.match_cidrs(rule), self.match_self_reference(rule, resource),
                                    self.match_sg_references(rule, resource)) if r is not None]
            if not results:
                continue
            if all(results) if self.all else any(results):
                matched.append(rule)
        if not matched:
            return False
        noted = resource.setdefault(f"Matched{self.permissions_key}", [])
        noted.extend(rule for rule in matched if rule not in noted)
        return True

    def match_ports(self, rule: dict) -> bool | None:
        """Ports: any given port inside the rule's range.  OnlyPorts: the rule opens
        something other than exactly one of the given ports.  None: no port range."""
        if "FromPort" not in rule or "ToPort" not in rule:
            return None
        low, high = rule["FromPort"], rule["ToPort"]
        found = (any(low <= p <= high for p in self.ports)) if self.ports else None
        if self.only_ports:
            if any(p == low == high for p in self.only_ports):
                return False
            return found is not False
        return found

    def match_cidrs(self, rule: dict) -> bool | None:
        if not self.cidrs:
            return None
        found = [bool(rule.get(ranges)) and any(m.match(r) for r in rule[ranges])
                 for m, ranges in self.cidrs]
        return all(found) if self.all else any(found)

    def match_description(self, rule: dict) -> bool | None:
        if self.description is None:
            return None
        for key in ("Ipv6Ranges", "IpRanges", "UserIdGroupPairs", "PrefixListIds"):
            if rule.get(key):
                return self.description.match(rule[key][0])
        return False

    def match_self_reference(self, rule: dict, group: dict) -> bool | None:
        if "SelfReference" not in self.data:
            return None
        refers = group["GroupId"] in [p.get("GroupId") for p in rule.get("UserIdGroupPairs") or ()]
        return refers == bool(self.data["SelfReference"])

    def match_sg_references(self, rule: dict, group: dict) -> bool | None:
        """A value filter on the groups the rule references (of the same account)."""
        if self.sg_refs is None:
            return None
        ids = [p["GroupId"] for p in rule.get("UserIdGroupPairs") or ()
               if p.get("UserId", "") == group.get("OwnerId")]
        if not ids:
            return False
        if self.groups is None:
            self.groups = {g["GroupId"]: g for g in self.manager.resources()}
        return any(self.sg_refs.match(self.groups[i]) for i in ids if i in self.groups)


@filters.register("ingress", "aws.security-group")
class Ingress(SecurityGroupRules):
    """Match security groups by their inbound rules."""

    permissions_key = "IpPermissions"


@filters.register("egress", "aws.security-group")
class Egress(SecurityGroupRules):
    """Match security groups by their outbound rules."""

    permissions_key = "IpPermissionsEgress"
