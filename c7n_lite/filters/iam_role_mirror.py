"""iam-role-tag-mirror: a resource's tag compared with the same tag on its IAM role(s)."""
from __future__ import annotations

from typing import Any

from c7n_lite.filters.core import Filter
from c7n_lite.filters.ec2_attrs import profile_roles
from c7n_lite.filters.value import ValueMatcher
from c7n_lite.registry import filters


class RoleTagMirror(Filter):
    """Compare the tag `key` (e.g. `tag:Environment`) of the resource with the
    same tag on its IAM roles, leaving out roles that match one of `ignore`
    (`{key: value}` pairs, e.g. `{"tag:Owner": Shared}`); resources without a
    role (after ignoring) never match.  `match: not-equal` (the default) keeps
    resources where a role's value differs, or where the resource or a role
    lacks the tag (unless `missing-ok: true`), noting the reasons as
    `c7n:IamRoleTagMirror`; `equal` keeps the others; `in` keeps resources
    whose value and whose roles' values are all in `value`.  An unreadable role
    leaves the resource errored."""

    schema = {"key": {"type": "string"}, "match": {"enum": ["equal", "not-equal", "in"]},
              "missing-ok": {"type": "boolean"}, "ignore": {"type": "array", "items": {"type": "object"}},
              "value": {"type": "array", "items": {"type": "string"}}}
    required = ("key",)

    def roles(self, resource: dict) -> list[dict]:
        raise NotImplementedError

    def value(self, key: str, item: dict) -> Any:
        return ValueMatcher({"key": key}, self.manager.now).resource_value(item)

    def match(self, resource: dict, event: dict | None = None) -> bool:
        ignores = self.data.get("ignore") or ()
        roles = [r for r in self.roles(resource)
                 if not any(self.value(k, r) == v for ignore in ignores for k, v in ignore.items())]
        if not roles:
            return False
        key, missing_ok = self.data["key"], self.data.get("missing-ok", False)
        role_values = {r.get("RoleName"): self.value(key, r) for r in roles}
        mine = self.value(key, resource)
        if self.data.get("match") == "in":
            allowed = set(self.data.get("value") or ())
            if not missing_ok and (mine is None or None in role_values.values()):
                return False
            present = {v for v in role_values.values() if v is not None}
            return present <= allowed and (mine is None or mine in allowed)
        reasons = []
        if not missing_ok and None in role_values.values():
            reasons.append({"reason": "RoleMissingTag", "key": key, "iam-role": role_values})
        if not missing_ok and mine is None:
            reasons.append({"reason": "ResourceMissingTag", "key": key, "resource": mine})
        differing = {name: v for name, v in role_values.items() if v is not None and mine is not None and v != mine}
        if differing:
            reasons.append({"reason": "TagMismatch", "key": key, "resource": mine, "iam-roles": differing})
        if self.data.get("match", "not-equal") == "not-equal":
            if reasons:
                resource["c7n:IamRoleTagMirror"] = reasons
            return bool(reasons)
        return not reasons


@filters.register("iam-role-tag-mirror", "aws.ec2")
class InstanceRoleTagMirror(RoleTagMirror):
    __doc__ = RoleTagMirror.__doc__
    permissions = ("iam:GetInstanceProfile", "iam:GetRole")

    def roles(self, resource: dict) -> list[dict]:
        arn = (resource.get("IamInstanceProfile") or {}).get("Arn")
        return profile_roles(self.manager, arn) if arn else []
