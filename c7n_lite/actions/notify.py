"""`notify`: publish a JSON message about the matched resources to an SNS topic.

One message per run of the policy; when the resources do not fit in SNS's
262,144-byte limit, they are spread over several messages, each saying which
part of how many it is, so nothing is dropped silently.
"""
from __future__ import annotations

import datetime
import json
from typing import Any

from c7n_lite.actions.core import Action, ApiCall
from c7n_lite.registry import actions

SNS_MAX_BYTES = 262_144
SUBJECT_MAX = 100
DEFAULT_SUBJECT = "c7n-lite: {policy} matched {count} {resource}"


def _json(data: Any) -> str:
    def default(value: Any) -> Any:
        if isinstance(value, (datetime.datetime, datetime.date)):
            return value.isoformat()
        return str(value)
    return json.dumps(data, default=default, separators=(",", ":"), ensure_ascii=False)


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


class _SafeFormat(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def report_value(resource: dict, field: str) -> Any:
    if field.startswith("tag:"):
        from c7n_lite.filters.value import tag_value
        return tag_value(resource, field[4:])
    if field in resource:
        return resource[field]
    import jmespath
    return jmespath.search(field, resource)


def split_entries(envelope: dict, entries: list[dict], limit: int = SNS_MAX_BYTES) -> list[list[dict]]:
    """Group resource entries so that each message (envelope + part + entries) fits `limit`."""
    probe = dict(envelope, part={"index": 10**6, "count": 10**6}, resources=[])
    base = _size(_json(probe))
    groups: list[list[dict]] = [[]]
    used = base
    for entry in entries:
        size = _size(_json(entry)) + 1          # the comma between list items
        if groups[-1] and used + size > limit:
            groups.append([])
            used = base
        groups[-1].append(entry)
        used += size
    return groups


def subject_line(template: str, fields: dict, index: int, count: int) -> str:
    text = template.format_map(_SafeFormat(fields))
    suffix = f" [part {index} of {count}]" if count > 1 else ""
    # SNS subjects: printable ASCII, one line, 100 characters at most.
    text = "".join(c if 32 <= ord(c) < 127 else "?" for c in text)
    return text[:SUBJECT_MAX - len(suffix)] + suffix


@actions.register("notify")
class Notify(Action):
    """Publish a JSON message (policy, account, region, resources) to an SNS topic."""

    schema = {
        "transport": {"type": "object", "additionalProperties": False, "required": ["type", "topic"],
                      "properties": {"type": {"enum": ["sns"]}, "topic": {"type": "string"}}},
        "subject": {"type": "string"},
        "violation_desc": {"type": "string"},
        "action_desc": {"type": "string"},
        "to": {"type": "array", "items": {"type": "string"}},
        "cc": {"type": "array", "items": {"type": "string"}},
        "template": {"type": "string"},
    }
    required = ("transport",)
    permissions = ("sns:Publish",)

    @classmethod
    def permission_resources(cls, data: dict) -> dict[str, list[str]]:
        topic = (data.get("transport") or {}).get("topic")
        return {"sns:Publish": [topic]} if isinstance(topic, str) and topic.startswith("arn:") else {}

    @classmethod
    def check(cls, data: dict) -> list[str]:
        topic = (data.get("transport") or {}).get("topic", "")
        if isinstance(topic, str) and not topic.startswith("arn:"):
            return [f"transport.topic must be an SNS topic ARN, got {topic!r}"]
        return []

    def entry(self, resource: dict) -> dict:
        rt = self.manager.resource_type
        entry: dict[str, Any] = {"id": rt.resource_id(resource)}
        for field in rt.report_fields:
            value = report_value(resource, field)
            if value is not None:
                entry[field] = value
        return entry

    def envelope(self, resources: list[dict]) -> dict:
        policy = self.policy_data
        session = self.manager.session
        return {
            "version": 1,
            "policy": {k: policy[k] for k in ("name", "resource", "description", "metadata") if k in policy},
            "account_id": session.account_id,
            "region": session.region,
            "execution_time": self.manager.now().isoformat(),
            "violation_desc": self.data.get("violation_desc", ""),
            "action_desc": self.data.get("action_desc", ""),
            "to": list(self.data.get("to") or []),
            "cc": list(self.data.get("cc") or []),
            "template": self.data.get("template", ""),
            "resource_type": self.manager.resource_type.type,
            "resource_count": len(resources),
        }

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        topic = self.data["transport"]["topic"]
        region = topic.split(":")[3] if topic.count(":") >= 5 else self.manager.session.region
        envelope = self.envelope(resources)
        entries = []
        for r in resources:
            entry = self.entry(r)
            if _size(_json(entry)) > SNS_MAX_BYTES // 2:
                # One resource's fields too big to send: keep its id, say so.
                entry = {"id": entry["id"], "truncated": True}
            entries.append(entry)
        groups = split_entries(envelope, entries)
        fields = {"policy": envelope["policy"].get("name", ""), "count": len(resources),
                  "resource": envelope["resource_type"], "account": envelope["account_id"],
                  "region": envelope["region"]}
        calls = []
        for index, group in enumerate(groups, 1):
            message = _json(dict(envelope, part={"index": index, "count": len(groups)}, resources=group))
            params = {"TopicArn": topic, "Message": message,
                      "Subject": subject_line(self.data.get("subject", DEFAULT_SUBJECT), fields, index, len(groups))}
            what = f"message part {index} of {len(groups)}" if len(groups) > 1 else "message"
            calls.append(ApiCall("sns", "publish", params, [e["id"] for e in group],
                                 f"{what} to {topic} ({len(group)} resources, {_size(message):,} bytes)",
                                 run=_publisher(region, params)))
        return calls


def _publisher(region: str, params: dict) -> Any:
    """The topic may live in another region than the one scanned."""
    def run(session: Any) -> Any:
        return session.client("sns", region=region).publish(**params)
    return run
