"""`auto-tag-user`: tag resources with who created them, from the CloudTrail event
that triggered the policy (cloudtrail mode)."""
from __future__ import annotations

from c7n_lite.actions.core import ApiCall
from c7n_lite.actions.tags import TagAction
from c7n_lite.aws.batching import resource_tags
from c7n_lite.registry import actions

USER_TYPES = ("IAMUser", "AssumedRole", "FederatedUser", "Root")


def caller(identity: dict, value: str = "userName") -> tuple[str, str] | None:
    """(name, principal id) of a CloudTrail `userIdentity`, or None for callers not worth
    naming (an instance profile or a Lambda function acting under its role)."""
    utype = identity.get("type")
    arn = identity.get("arn", "")
    principal = identity.get("principalId", "")
    if utype == "IAMUser":
        name = identity.get("userName") or arn.rsplit("/", 1)[-1]
    elif utype in ("AssumedRole", "FederatedUser"):
        # arn:aws:sts::111:assumed-role/Role/session → the session name (usually the person)
        name = arn.rsplit("/", 1)[-1]
        principal = principal.split(":", 1)[0]
        if name.startswith(("i-", "awslambda")):
            return None
    elif utype == "Root":
        name = "root"
    else:
        return None
    if value == "arn":
        name = arn or name
    elif value == "principalId":
        name = identity.get("principalId", name)
    return name, principal


@actions.register("auto-tag-user")
class AutoTagUser(TagAction):
    """Tag resources with the user (and principal id) from the triggering CloudTrail event."""

    schema = {
        "tag": {"type": "string"},
        "principal_id_tag": {"type": "string"},
        "update": {"type": "boolean"},
        "user-type": {"type": "array", "items": {"enum": list(USER_TYPES)}},
        "value": {"enum": ["userName", "arn", "principalId", "sourceIPAddress"]},
    }

    untags = False

    @classmethod
    def reads_for(cls, data: dict) -> set[str]:
        # Existing tags are looked at only to leave them be (update: false).
        return set() if data.get("update", False) else {"Tags"}

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        ids = [self.resource_id(r) for r in resources]
        if not event:
            return [ApiCall.skip(ids, "no CloudTrail event: auto-tag-user tags the caller of a "
                                      "cloudtrail-mode event, so a pull run has nothing to tag")]
        detail = event.get("detail") if isinstance(event.get("detail"), dict) else event
        identity = detail.get("userIdentity") or {}
        if identity.get("type") not in self.data.get("user-type", USER_TYPES):
            return [ApiCall.skip(ids, f"caller type {identity.get('type')!r} is not in user-type")]
        value = self.data.get("value", "userName")
        found = caller(identity, value)
        if found is None:
            return [ApiCall.skip(ids, f"caller {identity.get('arn', '?')} is a service, not a user")]
        name, principal = found
        if value == "sourceIPAddress":
            name = detail.get("sourceIPAddress", name)
        tag = self.data.get("tag", "Owner")
        tags = {tag: name}
        if self.data.get("principal_id_tag") and principal:
            tags[self.data["principal_id_tag"]] = principal
        calls: list[ApiCall] = []
        todo = resources
        if not self.data.get("update", False):
            self.ensure_tags(resources)
            todo = [r for r in resources if tag not in resource_tags(r)]
            kept = [self.resource_id(r) for r in resources if tag in resource_tags(r)]
            if kept:
                calls.append(ApiCall.skip(kept, f"already has {tag} (update: false)"))
        if todo:
            calls[:0] = self.tag(todo, tags)
        return calls
