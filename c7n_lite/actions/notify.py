"""`notify`: send a message about the matched resources to c7n-mailer, through an
SQS queue or an SNS topic, in c7n-mailer's wire format (see notify_wire).

The message is Custodian's: `policy` (the whole policy), `action` (this
action's data, with `to_from` / `cc_from` resolved into `to` / `cc`),
`resources`, `account`, `account_id`, `region`, `partition`, `execution_id`,
`execution_start`, `version` and the triggering `event` (None in pull mode).
When the resources do not fit in one message (SNS and SQS take 256 KB), they
are spread over several, each saying which part of how many it is, so nothing
is dropped silently.
"""
from __future__ import annotations

import copy
import uuid
from typing import Any

from c7n_lite import __version__
from c7n_lite.actions.core import Action, ApiCall
from c7n_lite.actions.notify_wire import (
    MAX_BYTES,
    MESSAGE_ATTRIBUTES,
    pack,
    queue_region,
    queue_url,
    to_json,
    topic_region,
)
from c7n_lite.aws.session import error_code
from c7n_lite.filters.values_from import VALUES_FROM_SCHEMA, load_values
from c7n_lite.registry import actions

SNS_MAX_BYTES = MAX_BYTES
SUBJECT_MAX = 100
DEFAULT_SUBJECT = "c7n-lite: {policy} matched {count} {resource}"
# Custodian sends at most this many resources per message.
BATCH = 500
_STRINGS = {"type": "array", "items": {"type": "string"}}

TRANSPORT_SCHEMA = {"oneOf": [
    {"type": "object", "additionalProperties": False, "required": ["type", "queue"],
     "properties": {"type": {"enum": ["sqs"]}, "queue": {"type": "string"}, "region": {"type": "string"}}},
    {"type": "object", "additionalProperties": False, "required": ["type", "topic"],
     "properties": {"type": {"enum": ["sns"]}, "topic": {"type": "string"}, "region": {"type": "string"},
                    "attributes": {"type": "object"}}},
]}


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


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def split_entries(envelope: dict, entries: list[dict], limit: int = MAX_BYTES,
                  batch: int = BATCH) -> list[list[dict]]:
    """Group resources so that each packed message (envelope + part + group) fits `limit`."""
    groups: list[list[dict]] = []
    current: list[dict] = []
    for entry in entries:
        trial = current + [entry]
        if current and (len(trial) > batch or _packed_size(envelope, trial) > limit):
            groups.append(current)
            trial = [entry]
        current = trial
    groups.append(current)
    return groups


def _packed_size(envelope: dict, group: list[dict]) -> int:
    return len(pack(dict(envelope, part={"index": 10**6, "count": 10**6}, resources=group)))


def subject_line(template: str, fields: dict, index: int, count: int) -> str:
    text = template.format_map(_SafeFormat(fields))
    suffix = f" [part {index} of {count}]" if count > 1 else ""
    # SNS subjects: printable ASCII, one line, 100 characters at most.
    text = "".join(c if 32 <= ord(c) < 127 else "?" for c in text)
    return text[:SUBJECT_MAX - len(suffix)] + suffix


@actions.register("notify")
class Notify(Action):
    """Send a message (policy, account, region, resources) to c7n-mailer, via SQS or SNS."""

    schema = {
        "transport": TRANSPORT_SCHEMA,
        "to": _STRINGS, "cc": _STRINGS, "owner_absent_contact": _STRINGS,
        "to_from": VALUES_FROM_SCHEMA, "cc_from": VALUES_FROM_SCHEMA,
        "cc_manager": {"type": "boolean"},
        "from": {"type": "string"},
        "subject": {"type": "string"},
        "template": {"type": "string"},
        "template_format": {"type": "string"},
        "slack_template": {"type": "string"},
        "slack_msg_color": {"type": "string"},
        "jira_template": {"type": "string"},
        "priority_header": {"type": ["string", "integer"]},
        "violation_desc": {"type": "string"},
        "action_desc": {"type": "string"},
        "assume_role": {"type": "boolean"},
        "attributes": {"type": "object"},
    }
    required = ("transport",)
    permissions = ("iam:ListAccountAliases",)

    @classmethod
    def all_permissions(cls, data: dict, resource_type: Any = None) -> set[str]:
        kind = (data.get("transport") or {}).get("type")
        perms = set(cls.permissions)
        if kind in ("sqs", None):
            perms.add("sqs:SendMessage")
        if kind in ("sns", None):
            perms.add("sns:Publish")
        return perms

    @classmethod
    def json_schema(cls) -> dict:
        # Custodian's notify schema takes keys it does not list (they reach the
        # mailer in `action`): so do we.
        return dict(super().json_schema(), additionalProperties=True)

    @classmethod
    def permission_resources(cls, data: dict) -> dict[str, list[str]]:
        topic = (data.get("transport") or {}).get("topic")
        return {"sns:Publish": [topic]} if isinstance(topic, str) and topic.startswith("arn:") else {}

    @classmethod
    def check(cls, data: dict) -> list[str]:
        attributes = (data.get("transport") or {}).get("attributes") or {}
        if "mtype" in attributes:
            return ["transport.attributes: 'mtype' is reserved (c7n-mailer reads it)"]
        return []

    # --- the message --------------------------------------------------------
    def account_alias(self) -> str:
        try:
            aliases = self.manager.session.client("iam").list_account_aliases().get("AccountAliases") or ()
        except Exception as exc:  # noqa: BLE001 - only a denied look-up is tolerated
            if error_code(exc) in ("AccessDenied", "AccessDeniedException"):
                return ""
            raise
        return aliases[0] if aliases else ""

    def expanded_action(self, message: dict) -> dict:
        """This action's data, with `to_from` / `cc_from` read into `to` / `cc`."""
        data = copy.deepcopy(dict(self.data))
        fields = _SafeFormat({k: v for k, v in message.items() if isinstance(v, str)})
        for source, target in (("to_from", "to"), ("cc_from", "cc")):
            spec = data.get(source)
            if not spec:
                continue
            spec = dict(spec, url=spec["url"].format_map(fields))
            if isinstance(spec.get("expr"), str):
                spec["expr"] = spec["expr"].format_map(fields)
            values = [str(v) for v in load_values(spec, self.manager.session)]
            data[target] = list(data.get(target) or []) + values
        return data

    def envelope(self, event: dict | None) -> dict:
        session = self.manager.session
        message: dict[str, Any] = {
            "event": event,
            "account_id": session.account_id,
            "partition": session.partition,
            "account": self.account_alias(),
            "version": __version__,
            "region": session.region,
            "execution_id": str(uuid.uuid4()),
            "execution_start": self.manager.now().timestamp(),
            "policy": dict(self.policy_data),
        }
        message["action"] = self.expanded_action(message)
        return message

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        transport = self.data["transport"]
        envelope = self.envelope(event)
        self.variables = _SafeFormat({k: v for k, v in envelope.items() if isinstance(v, str)})
        envelope["resource_type"] = self.manager.resource_type.type
        envelope["resource_count"] = len(resources)
        rt = self.manager.resource_type
        ids = [rt.resource_id(r) for r in resources]
        entries = []
        for r in resources:
            if len(pack({"r": r})) > MAX_BYTES // 2:
                # One resource too big to send: keep its id and report fields, say so.
                r = {rt.id: rt.resource_id(r), "c7n:truncated": True,
                     **{f: report_value(r, f) for f in rt.report_fields}}
            entries.append(r)
        groups = split_entries(envelope, entries)
        offsets = [0]
        for group in groups:
            offsets.append(offsets[-1] + len(group))
        action = envelope["action"]
        recipients = ", ".join(f"{k}: {', '.join(action[k])}" for k in ("to", "cc") if action.get(k))
        calls = []
        for index, group in enumerate(groups, 1):
            message = dict(envelope, part={"index": index, "count": len(groups)}, resources=group)
            body = pack(message)
            group_ids = ids[offsets[index - 1]:offsets[index]]
            what = f"message part {index} of {len(groups)}" if len(groups) > 1 else "message"
            size = f"({len(group)} resources, {len(body):,} bytes)"
            if transport["type"] == "sqs":
                calls.append(self.sqs_call(transport, body, group_ids, what, size, recipients))
            else:
                fields = {"policy": self.policy_data.get("name", ""), "count": len(resources),
                          "resource": rt.type, "account": envelope["account_id"], "region": envelope["region"]}
                subject = subject_line(self.data.get("subject", DEFAULT_SUBJECT), fields, index, len(groups))
                calls.append(self.sns_call(transport, body, subject, group_ids, what, size, recipients))
        return calls

    def sqs_call(self, transport: dict, body: str, ids: list[str], what: str, size: str,
                 recipients: str) -> ApiCall:
        session = self.manager.session
        queue = transport["queue"].format_map(self.variables)
        region = transport.get("region") or queue_region(queue, session.region)
        if not queue.startswith(("arn:", "https://", "http://")):
            # A bare queue name: in the account and region scanned.
            queue = f"arn:{session.partition}:sqs:{region}:{session.account_id}:{queue}"
        params = {"QueueUrl": queue_url(queue), "MessageBody": body, "MessageAttributes": MESSAGE_ATTRIBUTES}
        return ApiCall("sqs", "send_message", params, ids,
                       f"{what} to queue {queue} {size}" + (f" for {recipients}" if recipients else ""),
                       run=_sender("sqs", "send_message", region, params))

    def sns_call(self, transport: dict, body: str, subject: str, ids: list[str], what: str, size: str,
                 recipients: str) -> ApiCall:
        session = self.manager.session
        topic = transport["topic"].format_map(self.variables)
        region = transport.get("region") or topic_region(topic, session.region)
        if not topic.startswith("arn:"):
            # A bare topic name: in the account and region scanned.
            topic = f"arn:{session.partition}:sns:{region}:{session.account_id}:{topic}"
        attributes = dict(MESSAGE_ATTRIBUTES)
        for key, value in (transport.get("attributes") or {}).items():
            if key != "mtype":
                attributes[key] = {"DataType": "String", "StringValue": str(value)}
        params = {"TopicArn": topic, "Message": body, "Subject": subject, "MessageAttributes": attributes}
        return ApiCall("sns", "publish", params, ids,
                       f"{what} to topic {topic} {size}" + (f" for {recipients}" if recipients else ""),
                       run=_sender("sns", "publish", region, params))


def _sender(service: str, operation: str, region: str, params: dict) -> Any:
    """The queue or topic may live in another region than the one scanned."""
    def run(session: Any) -> Any:
        return getattr(session.client(service, region=region), operation)(**params)
    return run


__all__ = ["Notify", "split_entries", "subject_line", "to_json", "SNS_MAX_BYTES", "_size"]
