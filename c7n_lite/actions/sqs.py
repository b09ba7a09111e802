"""Actions on SQS queues: delete, policy statements, encryption, retention."""
from __future__ import annotations

import json
import re

from c7n_lite.actions.core import Action, ApiCall
from c7n_lite.actions.policy_statements import RemoveStatements
from c7n_lite.registry import actions

KEY_ID = re.compile(r"^(arn:|alias/|[0-9a-f]{8}-|mrk-)")


@actions.register("delete", "aws.sqs")
class DeleteQueue(Action):
    """Delete queues (and the messages in them)."""

    permissions = ("sqs:DeleteQueue",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        return [ApiCall("sqs", "delete_queue", {"QueueUrl": self.resource_id(r)}, [self.resource_id(r)], "delete")
                for r in resources]


def _set(queue: str, attributes: dict, message: str) -> ApiCall:
    return ApiCall("sqs", "set_queue_attributes", {"QueueUrl": queue, "Attributes": attributes}, [queue], message)


@actions.register("remove-statements", "aws.sqs")
class RemoveQueueStatements(RemoveStatements):
    __doc__ = RemoveStatements.__doc__
    permissions = ("sqs:GetQueueAttributes", "sqs:SetQueueAttributes")

    def write(self, resource: dict, policy: dict | None) -> ApiCall:
        # An empty Policy attribute removes the queue's policy.
        return _set(self.resource_id(resource), {"Policy": json.dumps(policy) if policy else ""}, "")


@actions.register("set-encryption", "aws.sqs")
class SetQueueEncryption(Action):
    """Encrypt queues with a KMS `key` (an id, ARN or `alias/…`; a bare name is
    taken as an alias), optionally with a data key `reuse-period` in seconds."""

    schema = {"key": {"type": "string"}, "reuse-period": {"type": "integer", "minimum": 60, "maximum": 86400}}
    required = ("key",)
    permissions = ("sqs:SetQueueAttributes",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        key = self.data["key"]
        if not KEY_ID.match(key):
            key = f"alias/{key}"
        attributes = {"KmsMasterKeyId": key}
        if "reuse-period" in self.data:
            attributes["KmsDataKeyReusePeriodSeconds"] = str(self.data["reuse-period"])
        return [_set(self.resource_id(r), attributes, f"encrypt with {key}") for r in resources]


@actions.register("set-retention-period", "aws.sqs")
class SetRetentionPeriod(Action):
    """Keep messages `period` seconds (60 to 1,209,600; SQS's default is 4 days)."""

    schema = {"period": {"type": "integer", "minimum": 60, "maximum": 1209600}}
    required = ("period",)
    permissions = ("sqs:SetQueueAttributes",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        period = str(self.data["period"])
        return [_set(self.resource_id(r), {"MessageRetentionPeriod": period}, f"retention {period} s")
                for r in resources]
