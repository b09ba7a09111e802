"""Cross-account sharing of snapshots and images: who besides the account may
use the resource, from its permission list (createVolumePermission,
launchPermission), which the resource type declares as a Detail."""
from __future__ import annotations

from typing import Any

from c7n_lite.filters.core import Filter
from c7n_lite.filters.values_from import VALUES_FROM_SCHEMA, load_values

SHARING_SCHEMA = {
    "whitelist": {"type": "array", "items": {"type": "string"}},
    "whitelist_from": VALUES_FROM_SCHEMA,
    "everyone_only": {"type": "boolean"},
}
VIOLATIONS = "c7n:CrossAccountViolations"


def allowed_accounts(data: dict, manager: Any) -> set[str]:
    """The account itself, the `whitelist` and the values of `whitelist_from`."""
    accounts = {str(a) for a in data.get("whitelist") or ()}
    if data.get("whitelist_from"):
        accounts.update(str(v) for v in load_values(data["whitelist_from"], manager.session))
    accounts.add(manager.session.account_id)
    return accounts


class SharedPermissionFilter(Filter):
    """Match resources whose permission list grants anyone outside the allowed
    accounts: the public group `all`, or another account id.  The offenders
    are noted on the resource as `c7n:CrossAccountViolations`."""

    schema = SHARING_SCHEMA
    permission_key = ""
    grantee_keys: tuple[str, ...] = ("Group", "UserId")

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        self.allowed = allowed_accounts(self.data, self.manager)
        return super().process(resources, event)

    def grantees(self, resource: dict) -> set[str]:
        entries = resource.get(self.permission_key) or ()
        if self.data.get("everyone_only"):
            return {"all"} if any(e.get("Group") == "all" for e in entries) else set()
        return {next((e[k] for k in self.grantee_keys if e.get(k)), None) for e in entries} - {None}

    def match(self, resource: dict, event: dict | None = None) -> bool:
        outside = self.grantees(resource) - self.allowed
        if outside:
            resource[VIOLATIONS] = sorted(outside)
        return bool(outside)
