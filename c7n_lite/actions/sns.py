"""SNS topics: encryption at rest, deletion."""
from __future__ import annotations

from c7n_lite.actions.core import Action, ApiCall
from c7n_lite.registry import actions


@actions.register("set-encryption", "aws.sns")
class SetEncryption(Action):
    """Encrypt topics with a KMS `key` (id, ARN or alias; default the AWS-managed
    `alias/aws/sns`), or stop encrypting them (`enabled: false`)."""

    schema = {"enabled": {"type": "boolean"}, "key": {"type": "string"}}
    permissions = ("sns:SetTopicAttributes",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        enabled = self.data.get("enabled", True)
        key = self.data.get("key", "alias/aws/sns") if enabled else ""
        text = f"encrypt with {key}" if enabled else "stop encrypting"
        return [ApiCall("sns", "set_topic_attributes",
                        {"TopicArn": self.resource_id(r), "AttributeName": "KmsMasterKeyId", "AttributeValue": key},
                        [self.resource_id(r)], text) for r in resources]


@actions.register("delete", "aws.sns")
class DeleteTopic(Action):
    """Delete topics (their subscriptions go with them)."""

    permissions = ("sns:DeleteTopic",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        return [ApiCall("sns", "delete_topic", {"TopicArn": self.resource_id(r)}, [self.resource_id(r)],
                        "delete topic") for r in resources]
