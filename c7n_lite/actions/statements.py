"""Resource policy statements: add, replace and remove them on S3 buckets and
SNS topics.

The resource policy is one document written whole, so each change is
read-modify-write at execution time: the document is read as it is when the
call runs, the named statements are removed or replaced, and the others kept.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from c7n_lite.actions.core import Action, ApiCall
from c7n_lite.aws.session import error_code
from c7n_lite.registry import actions

STATEMENT_IDS = {"oneOf": [{"enum": ["matched", "*"]}, {"type": "array", "items": {"type": "string"}}]}
STATEMENT = {"type": "object", "required": ["Sid", "Effect"], "properties": {
    "Sid": {"type": "string"}, "Effect": {"enum": ["Allow", "Deny"]},
    "Principal": {"anyOf": [{"type": "string"}, {"type": "object"}, {"type": "array"}]},
    "NotPrincipal": {"anyOf": [{"type": "object"}, {"type": "array"}]},
    "Action": {"anyOf": [{"type": "string"}, {"type": "array"}]},
    "NotAction": {"anyOf": [{"type": "string"}, {"type": "array"}]},
    "Resource": {"anyOf": [{"type": "string"}, {"type": "array"}]},
    "NotResource": {"anyOf": [{"type": "string"}, {"type": "array"}]},
    "Condition": {"type": "object"}}}
# Where the cross-account filter leaves the statements it found (Custodian's key).
MATCHED_KEY = "CrossAccountViolations"


class PolicyStore:
    """Reads and writes one type's resource policy (None: no policy)."""

    service = ""

    def read(self, client: Any, resource: dict) -> dict | None:
        raise NotImplementedError

    def write(self, client: Any, resource: dict, policy: dict | None) -> Any:
        raise NotImplementedError


class BucketPolicy(PolicyStore):
    service = "s3"

    def read(self, client: Any, resource: dict) -> dict | None:
        try:
            text = client.get_bucket_policy(Bucket=resource["Name"])["Policy"]
        except Exception as exc:  # noqa: BLE001 - only "no policy" is expected
            if error_code(exc) == "NoSuchBucketPolicy":
                return None
            raise
        return json.loads(text)

    def write(self, client: Any, resource: dict, policy: dict | None) -> Any:
        if policy is None or not policy.get("Statement"):
            return client.delete_bucket_policy(Bucket=resource["Name"])
        return client.put_bucket_policy(Bucket=resource["Name"], Policy=json.dumps(policy))


class TopicPolicy(PolicyStore):
    service = "sns"

    def read(self, client: Any, resource: dict) -> dict | None:
        text = client.get_topic_attributes(TopicArn=resource["TopicArn"])["Attributes"].get("Policy")
        return json.loads(text) if text else None

    def write(self, client: Any, resource: dict, policy: dict | None) -> Any:
        policy = policy or {"Version": "2012-10-17", "Statement": []}
        return client.set_topic_attributes(TopicArn=resource["TopicArn"], AttributeName="Policy",
                                           AttributeValue=json.dumps(policy))


STORES: dict[str, PolicyStore] = {"aws.s3": BucketPolicy(), "aws.sns": TopicPolicy()}
PERMISSIONS = {
    "aws.s3": ("s3:GetBucketPolicy", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy"),
    "aws.sns": ("sns:GetTopicAttributes", "sns:SetTopicAttributes"),
}


def _statements(policy: dict | None) -> list[dict]:
    found = (policy or {}).get("Statement") or []
    return [found] if isinstance(found, dict) else list(found)


def _remover(which: Any, resource: dict) -> Callable[[dict], bool]:
    """A predicate: is this statement one `which` removes?"""
    if which == "*":
        return lambda s: True
    if which == "matched":
        matched = resource.get(MATCHED_KEY) or []
        sids = {m.get("Sid") for m in matched if isinstance(m, dict) and m.get("Sid")}
        return lambda s: s in matched or (s.get("Sid") in sids)
    wanted = set(which or ())
    return lambda s: s.get("Sid") in wanted


class StatementAction(Action):
    """Plans one read-modify-write of the resource policy per resource."""

    @classmethod
    def all_permissions(cls, data: dict, resource_type: Any = None) -> set[str]:
        if resource_type is not None:
            return set(PERMISSIONS[resource_type.type])
        return {p for perms in PERMISSIONS.values() for p in perms}

    def change(self, resource: dict) -> tuple[Callable[[list[dict]], list[dict]], str]:
        raise NotImplementedError

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        store = STORES[self.manager.resource_type.type]
        calls = []
        for r in resources:
            rid = self.resource_id(r)
            change, message = self.change(r)
            operation = "put_bucket_policy" if store.service == "s3" else "set_topic_attributes"
            calls.append(ApiCall(store.service, operation, {"resource": rid, "change": message}, [rid], message,
                                 run=_rewrite(store, dict(r), change)))
        return calls


def _rewrite(store: PolicyStore, resource: dict, change: Callable[[list[dict]], list[dict]]) -> Any:
    def run(session: Any) -> Any:
        client = session.client(store.service)
        policy = store.read(client, resource)
        before = _statements(policy)
        after = change(before)
        if after == before:
            return None
        new = dict(policy or {"Version": "2012-10-17"})
        new["Statement"] = after
        return store.write(client, resource, new if after else None)
    return run


@actions.register("remove-statements", "aws.s3", "aws.sns")
class RemoveStatements(StatementAction):
    """Remove policy statements: by Sid (`statement_ids` a list), all of them
    (`*`), or those the `cross-account` filter matched (`matched`)."""

    schema = {"statement_ids": STATEMENT_IDS}
    required = ("statement_ids",)

    def change(self, resource: dict) -> tuple[Callable[[list[dict]], list[dict]], str]:
        which = self.data["statement_ids"]
        drop = _remover(which, resource)
        label = which if isinstance(which, str) else ", ".join(which)
        return (lambda current: [s for s in current if not drop(s)]), f"remove statements {label}"


@actions.register("set-statements", "aws.s3")
class SetStatements(StatementAction):
    """Add `statements` to the bucket policy, replacing those with the same Sid;
    `remove` (Sids, `*` or `matched`) drops statements first.  Statements may
    use {bucket_name}, {bucket_arn}, {account_id}, {region} and {partition}."""

    schema = {"statements": {"type": "array", "items": STATEMENT}, "remove": STATEMENT_IDS}

    def change(self, resource: dict) -> tuple[Callable[[list[dict]], list[dict]], str]:
        session = self.manager.session
        names = {"bucket_name": resource["Name"], "region": session.region, "partition": session.partition,
                 "bucket_arn": f"arn:{session.partition}:s3:::{resource['Name']}"}
        text = json.dumps(self.data.get("statements") or [])
        if "{account_id}" in text:
            names["account_id"] = session.account_id
        for key, value in names.items():
            text = text.replace("{" + key + "}", value)
        new = json.loads(text)
        sids = {s["Sid"] for s in new}
        drop = _remover(self.data["remove"], resource) if self.data.get("remove") else (lambda s: False)

        def change(current: list[dict]) -> list[dict]:
            kept = [s for s in current if not drop(s) and s.get("Sid") not in sids]
            return kept + new
        parts = [f"set {', '.join(sorted(sids))}"] if sids else []
        if self.data.get("remove"):
            parts.insert(0, f"remove {self.data['remove']}")
        return change, "; ".join(parts) or "no change"


@actions.register("encryption-policy", "aws.s3")
class EncryptionPolicy(StatementAction):
    """Add (or bring up to date) the bucket policy statement
    `RequiredEncryptedPutObject`, which denies uploads without server-side
    encryption (AES256 or aws:kms)."""

    def change(self, resource: dict) -> tuple[Callable[[list[dict]], list[dict]], str]:
        sid = "RequiredEncryptedPutObject"
        statement = {"Sid": sid, "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
                     "Resource": f"arn:{self.manager.session.partition}:s3:::{resource['Name']}/*",
                     "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": ["AES256", "aws:kms"]}}}

        def change(current: list[dict]) -> list[dict]:
            if statement in current:
                return current
            return [s for s in current if s.get("Sid") != sid] + [statement]
        return change, f"deny unencrypted uploads ({sid})"


@actions.register("modify-policy", "aws.sns")
class ModifyPolicy(StatementAction):
    """Change the topic policy: `remove-statements` (Sids, `*`, or `matched`
    for those the cross-account filter found), then `add-statements`
    (replacing statements with the same Sid)."""

    schema = {"add-statements": {"type": "array", "items": STATEMENT}, "remove-statements": STATEMENT_IDS}

    def change(self, resource: dict) -> tuple[Callable[[list[dict]], list[dict]], str]:
        new = list(self.data.get("add-statements") or [])
        sids = {s["Sid"] for s in new}
        which = self.data.get("remove-statements")
        drop = _remover(which, resource) if which else (lambda s: False)

        def change(current: list[dict]) -> list[dict]:
            return [s for s in current if not drop(s) and s.get("Sid") not in sids] + new
        parts = ([f"remove {which}"] if which else []) + ([f"set {', '.join(sorted(sids))}"] if sids else [])
        return change, "; ".join(parts) or "no change"
