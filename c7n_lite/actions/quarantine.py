"""IoT `quarantine` / `unquarantine`: isolate a thing, and undo it.

Quarantine puts the thing in a thing group, deactivates its certificates and
detaches the IoT policies from them.  What it changed is written on the thing
itself first (attribute `c7n-quarantined`), so `unquarantine` restores exactly
that even when a step failed half-way.  Thing attribute values allow only
`[a-zA-Z0-9_.,@/:#=\\[\\]-]`, at most 800 characters: the record is compact JSON
in base32, split over `c7n-quarantined`, `c7n-quarantined-2`, … if long.
"""
from __future__ import annotations

import base64
import json
from typing import Any

from c7n_lite.actions.core import ApiCall
from c7n_lite.actions.staging import StagedAction
from c7n_lite.aws.batching import chunks
from c7n_lite.aws.session import error_code
from c7n_lite.registry import actions

RECORD_ATTR = "c7n-quarantined"
DEFAULT_GROUP = "c7n-quarantine"
ATTR_VALUE_MAX = 800


def encode_record(record: dict) -> dict[str, str]:
    text = base64.b32encode(json.dumps(record, separators=(",", ":")).encode()).decode().lower()
    parts = list(chunks(text, ATTR_VALUE_MAX))
    return {RECORD_ATTR if i == 0 else f"{RECORD_ATTR}-{i + 1}": "".join(p) for i, p in enumerate(parts)}


def record_attributes(thing: dict) -> dict[str, str]:
    attrs = thing.get("attributes") or {}
    return {k: v for k, v in attrs.items() if k == RECORD_ATTR or k.startswith(RECORD_ATTR + "-")}


def decode_record(thing: dict) -> dict | None:
    attrs = record_attributes(thing)
    if RECORD_ATTR not in attrs:
        return None
    text = attrs[RECORD_ATTR] + "".join(attrs.get(f"{RECORD_ATTR}-{i}", "") for i in range(2, len(attrs) + 1))
    try:
        return json.loads(base64.b32decode(text.upper()))
    except ValueError:
        return None


def cert_id(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


def _pages(client: Any, method: str, key: str, **params: Any) -> list:
    return [item for page in client.get_paginator(method).paginate(**params) for item in page.get(key, ())]


@actions.register("quarantine", "aws.iot")
class Quarantine(StagedAction):
    """Move things to a quarantine group, deactivate their certificates, detach their policies."""

    schema = {"thing-group": {"type": "string"}}
    permissions = ("iot:DescribeThingGroup", "iot:CreateThingGroup", "iot:AddThingToThingGroup",
                   "iot:ListThingPrincipals", "iot:DescribeCertificate", "iot:ListAttachedPolicies",
                   "iot:UpdateCertificate", "iot:DetachPolicy", "iot:UpdateThing")

    def group(self) -> str:
        return self.data.get("thing-group", DEFAULT_GROUP)

    def plan_stages(self, resources: list[dict], event: dict | None = None) -> list[list[ApiCall]]:
        client = self.manager.session.client("iot")
        group = self.group()
        setup: list[ApiCall] = []
        records: list[ApiCall] = []
        calls: list[ApiCall] = []
        already = [self.resource_id(r) for r in resources if decode_record(r) is not None]
        todo = [r for r in resources if decode_record(r) is None]
        if todo and not self._group_exists(client, group):
            setup.append(ApiCall("iot", "create_thing_group", {"thingGroupName": group},
                                 [self.resource_id(r) for r in todo], f"create thing group {group}"))
        seen_certs: set[str] = set()
        stamp = self.manager.now().strftime("%Y-%m-%dT%H:%MZ")
        for thing in todo:
            name = self.resource_id(thing)
            certs = self._certificates(client, name)
            record = {"t": stamp, "g": group, "c": {cid: {"s": s, "p": p} for cid, (arn, s, p) in certs.items()}}
            # The record goes first, and nothing else happens to a thing whose record
            # failed: whatever fails later, unquarantine knows what to restore.
            records.append(ApiCall("iot", "update_thing",
                                 {"thingName": name, "attributePayload": {"attributes": encode_record(record),
                                                                          "merge": True}},
                                 [name], f"record quarantine ({len(certs)} certificate(s))"))
            calls.append(ApiCall("iot", "add_thing_to_thing_group", {"thingGroupName": group, "thingName": name},
                                 [name], f"add to thing group {group}"))
            for cid, (arn, status, policies) in certs.items():
                if cid in seen_certs:
                    continue
                seen_certs.add(cid)
                if status == "ACTIVE":
                    calls.append(ApiCall("iot", "update_certificate", {"certificateId": cid, "newStatus": "INACTIVE"},
                                         [name], f"deactivate certificate {cid[:12]}…"))
                calls.extend(ApiCall("iot", "detach_policy", {"policyName": p, "target": arn}, [name],
                                     f"detach policy {p} from certificate {cid[:12]}…") for p in policies)
        if already:
            calls.append(ApiCall.skip(already, f"already quarantined (attribute {RECORD_ATTR})"))
        return [setup, records, calls]

    @staticmethod
    def _group_exists(client: Any, group: str) -> bool:
        try:
            client.describe_thing_group(thingGroupName=group)
            return True
        except Exception as exc:  # noqa: BLE001 - only "not found" means create it
            if error_code(exc) == "ResourceNotFoundException":
                return False
            raise

    @staticmethod
    def _certificates(client: Any, thing: str) -> dict[str, tuple[str, str, list[str]]]:
        """certificate id → (ARN, status, attached policy names) for the thing's certificates."""
        found = {}
        for arn in _pages(client, "list_thing_principals", "principals", thingName=thing):
            if ":cert/" not in arn:
                continue          # Cognito identities and the like carry no certificate
            cid = cert_id(arn)
            status = client.describe_certificate(certificateId=cid)["certificateDescription"]["status"]
            policies = [p["policyName"] for p in _pages(client, "list_attached_policies", "policies", target=arn)]
            found[cid] = (arn, status, policies)
        return found


@actions.register("unquarantine", "aws.iot")
class Unquarantine(StagedAction):
    """Undo `quarantine` from the record on the thing: re-attach policies, re-activate
    certificates that were active, leave the group, drop the record."""

    permissions = ("iot:AttachPolicy", "iot:UpdateCertificate", "iot:RemoveThingFromThingGroup",
                   "iot:UpdateThing")

    def plan_stages(self, resources: list[dict], event: dict | None = None) -> list[list[ApiCall]]:
        session = self.manager.session
        calls: list[ApiCall] = []
        leave: list[ApiCall] = []
        forget: list[ApiCall] = []
        not_quarantined = []
        for thing in resources:
            name = self.resource_id(thing)
            record = decode_record(thing)
            if record is None:
                not_quarantined.append(name)
                continue
            for cid, info in (record.get("c") or {}).items():
                arn = f"arn:{session.partition}:iot:{session.region}:{session.account_id}:cert/{cid}"
                calls.extend(ApiCall("iot", "attach_policy", {"policyName": p, "target": arn}, [name],
                                     f"re-attach policy {p} to certificate {cid[:12]}…") for p in info.get("p", ()))
                if info.get("s") == "ACTIVE":
                    calls.append(ApiCall("iot", "update_certificate", {"certificateId": cid, "newStatus": "ACTIVE"},
                                         [name], f"re-activate certificate {cid[:12]}…"))
            leave.append(ApiCall("iot", "remove_thing_from_thing_group",
                                 {"thingGroupName": record.get("g", DEFAULT_GROUP), "thingName": name},
                                 [name], f"remove from thing group {record.get('g', DEFAULT_GROUP)}"))
            # Last, and only where all else worked: a failed restore keeps the record for another try.
            cleared = {k: "" for k in record_attributes(thing)}
            forget.append(ApiCall("iot", "update_thing",
                                 {"thingName": name, "attributePayload": {"attributes": cleared, "merge": True}},
                                 [name], "drop quarantine record"))
        if not_quarantined:
            calls.append(ApiCall.skip(not_quarantined, f"not quarantined by c7n-lite (no {RECORD_ATTR} attribute)"))
        return [calls, leave, forget]
