"""Security groups: remove-permissions."""
from __future__ import annotations

from c7n_lite.actions.core import Action, ApiCall
from c7n_lite.registry import actions

# Where the `ingress` / `egress` filters leave the rules they matched: the same
# annotation keys as Cloud Custodian, so `ingress: matched` means the same.
MATCHED_INGRESS = "MatchedIpPermissions"
MATCHED_EGRESS = "MatchedIpPermissionsEgress"

_DIRECTIONS = {
    # option: (matched annotation, all rules key, revoke call)
    "ingress": (MATCHED_INGRESS, "IpPermissions", "revoke_security_group_ingress"),
    "egress": (MATCHED_EGRESS, "IpPermissionsEgress", "revoke_security_group_egress"),
}


def _rule_text(perm: dict) -> str:
    proto = perm.get("IpProtocol", "-1")
    ports = "all" if proto == "-1" else f"{perm.get('FromPort')}-{perm.get('ToPort')}"
    sources = [r.get("CidrIp") for r in perm.get("IpRanges", ())] + \
        [r.get("CidrIpv6") for r in perm.get("Ipv6Ranges", ())] + \
        [g.get("GroupId") for g in perm.get("UserIdGroupPairs", ())] + \
        [p.get("PrefixListId") for p in perm.get("PrefixListIds", ())]
    return f"{'all' if proto == '-1' else proto}/{ports} from {', '.join(s for s in sources if s) or '?'}"


@actions.register("remove-permissions", "aws.security-group")
class RemovePermissions(Action):
    """Revoke rules: the ones the `ingress`/`egress` filters matched, or all of them."""

    schema = {
        "ingress": {"enum": ["matched", "all"]},
        "egress": {"enum": ["matched", "all"]},
    }
    permissions = ("ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress")

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        # Custodian's default: matched ingress (and matched egress, when an egress filter ran).
        options = {d: self.data.get(d, "matched") for d in _DIRECTIONS}
        calls: list[ApiCall] = []
        nothing: list[str] = []
        for r in resources:
            gid = self.resource_id(r)
            planned = False
            for direction, which in options.items():
                matched_key, all_key, operation = _DIRECTIONS[direction]
                perms = r.get(matched_key if which == "matched" else all_key) or []
                if not perms:
                    continue
                planned = True
                calls.append(ApiCall("ec2", operation, {"GroupId": gid, "IpPermissions": perms}, [gid],
                                     f"revoke {direction} " + "; ".join(_rule_text(p) for p in perms)))
            if not planned:
                nothing.append(gid)
        if nothing:
            calls.append(ApiCall.skip(nothing, "no rules to remove (for `matched`, add an ingress/egress filter)"))
        return calls


@actions.register("delete", "aws.security-group")
class DeleteGroup(Action):
    """Delete security groups.  AWS refuses while a network interface or another
    group's rule uses the group (the resource is recorded as failed); default
    groups cannot be deleted and are skipped."""

    permissions = ("ec2:DeleteSecurityGroup",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        calls = [ApiCall("ec2", "delete_security_group", {"GroupId": self.resource_id(r)}, [self.resource_id(r)],
                         f"delete {r.get('GroupName', '')}") for r in resources if r.get("GroupName") != "default"]
        default = [self.resource_id(r) for r in resources if r.get("GroupName") == "default"]
        if default:
            calls.append(ApiCall.skip(default, "a VPC's default group cannot be deleted", "delete_security_group"))
        return calls


@actions.register("set-permissions", "aws.security-group")
class SetPermissions(Action):
    """Revoke rules (`remove-ingress` / `remove-egress`: `all`, `matched` by the
    ingress/egress filters, or a list of rules), then authorize `add-ingress` /
    `add-egress` rules (IpPermissions as the API takes them)."""

    _REMOVE = {"oneOf": [{"enum": ["all", "matched"]}, {"type": "array", "items": {"type": "object"}}]}
    schema = {"add-ingress": {"type": "array", "items": {"type": "object", "minProperties": 1}},
              "add-egress": {"type": "array", "items": {"type": "object", "minProperties": 1}},
              "remove-ingress": _REMOVE, "remove-egress": _REMOVE}
    permissions = ("ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress",
                   "ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress")

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        calls: list[ApiCall] = []
        for r in resources:
            gid = self.resource_id(r)
            for direction, (matched_key, all_key, revoke) in _DIRECTIONS.items():
                which = self.data.get(f"remove-{direction}")
                perms = r.get(all_key) if which == "all" else r.get(matched_key) if which == "matched" else which
                if perms:
                    calls.append(ApiCall("ec2", revoke, {"GroupId": gid, "IpPermissions": perms}, [gid],
                                         f"revoke {direction} " + "; ".join(_rule_text(p) for p in perms)))
            for direction in _DIRECTIONS:
                add = self.data.get(f"add-{direction}")
                if add:
                    calls.append(ApiCall("ec2", f"authorize_security_group_{direction}",
                                         {"GroupId": gid, "IpPermissions": add}, [gid],
                                         f"authorize {direction} " + "; ".join(_rule_text(p) for p in add)))
        return calls
