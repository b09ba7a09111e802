"""SQS queues.

The listing gives only queue URLs; the attributes (`Policy`,
`KmsMasterKeyId`, `MessageRetentionPeriod`, `RedrivePolicy`, …, any field a
filter reads) and the tags are each read per queue when a filter reads them.
"""
from __future__ import annotations

from typing import Any

from c7n_lite.aws.session import AwsSession, error_code
from c7n_lite.registry import resources
from c7n_lite.resources.core import ANY_KEY, Detail, ResourceType, Tagging, paginate
from c7n_lite.resources.facts import tags_from_map

GONE = ("AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist")


def _attributes(client: Any, queue: dict) -> dict:
    return client.get_queue_attributes(QueueUrl=queue["QueueUrl"], AttributeNames=["All"])["Attributes"]


def _tags(client: Any, queue: dict) -> dict:
    return {"Tags": tags_from_map(client.list_queue_tags(QueueUrl=queue["QueueUrl"]).get("Tags"))}


@resources.register("aws.sqs")
class SQSQueue(ResourceType):
    """SQS queues, by URL.  The attributes (any field a filter reads) and the
    tags are each read per queue when a filter reads them."""

    service = "sqs"
    enum_op = "list_queues"
    enum_path = "QueueUrls"
    id = name = "QueueUrl"
    arn_key = "QueueArn"
    date = "CreatedTimestamp"
    taggable = True
    tagging = Tagging("calls", "sqs", "tag_queue", "untag_queue", "QueueUrl", by="id", tags_shape="map",
                      permissions=("sqs:TagQueue", "sqs:UntagQueue"))
    kms_key_expr = "KmsMasterKeyId"
    policy_key = "Policy"
    metrics_namespace = "AWS/SQS"
    metrics_dimensions = (("QueueName", "c7n:QueueName"),)
    fetch_op = "get_queue_attributes"
    fetch_param = "QueueUrl"
    fetch_gone = GONE
    details = {
        "attributes": Detail((ANY_KEY,), _attributes, ("sqs:GetQueueAttributes",)),
        "tags": Detail(("Tags",), _tags, ("sqs:ListQueueTags",)),
    }
    report_fields = ("QueueUrl", "KmsMasterKeyId", "MessageRetentionPeriod")

    @classmethod
    def prepare(cls, resource: dict) -> dict:
        # The queue's name is the URL's last segment (the CloudWatch dimension).
        return {**resource, "c7n:QueueName": resource["QueueUrl"].rstrip("/").rsplit("/", 1)[-1]}

    @classmethod
    def arn(cls, resource: dict, session: AwsSession) -> str:
        if resource.get("QueueArn"):
            return resource["QueueArn"]
        # https://sqs.<region>.amazonaws.com/<account>/<name>
        account, name = resource["QueueUrl"].rstrip("/").rsplit("/", 2)[-2:]
        return f"arn:{session.partition}:sqs:{session.region}:{account}:{name}"

    @classmethod
    def enumerate(cls, session: AwsSession) -> list[dict]:
        urls = paginate(session.client(cls.service), cls.enum_op, cls.enum_path)
        return [cls.prepare({"QueueUrl": url}) for url in urls]

    @classmethod
    def fetch_by_ids(cls, session: AwsSession, ids: list[str]) -> list[dict]:
        client = session.client(cls.service)
        found = []
        for url in ids:
            try:
                attributes = _attributes(client, {"QueueUrl": url})
            except Exception as exc:  # noqa: BLE001 - only "gone" is expected
                if error_code(exc) in GONE:
                    continue
                raise
            found.append(cls.prepare({"QueueUrl": url, **attributes}))
        return found
