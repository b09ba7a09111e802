"""SNS topics."""
from __future__ import annotations

from typing import Any

from c7n_lite.registry import resources
from c7n_lite.resources.core import ANY_KEY, Detail, ResourceType, Tagging

NOT_FOUND = "NotFound"


def _attributes(client: Any, topic: dict) -> dict:
    """The topic's attributes (Policy, KmsMasterKeyId, DisplayName, …) as top-level
    fields, as Custodian presents them.  A topic deleted since the listing is
    gone (NotFound, the type's `fetch_gone`)."""
    return client.get_topic_attributes(TopicArn=topic["TopicArn"])["Attributes"]


def _tags(client: Any, topic: dict) -> dict:
    # SNS's own call: the Resource Groups Tagging API (Custodian's way) is an
    # extra service to allow, and moto's does not return topics.
    return {"Tags": client.list_tags_for_resource(ResourceArn=topic["TopicArn"])["Tags"]}


@resources.register("aws.sns")
class SNSTopic(ResourceType):
    """SNS topics.  The listing gives only the ARN; the attributes (any field a
    filter reads) and the tags are each fetched per topic when read."""

    service = "sns"
    config_type = "AWS::SNS::Topic"
    enum_op = "list_topics"
    enum_path = "Topics"
    id = "TopicArn"
    # Custodian's name is DisplayName, an attribute that is often empty and
    # costs a call per topic; the ARN names a topic without one.
    name = "TopicArn"
    arn_key = "TopicArn"
    taggable = True
    tagging = Tagging("calls", "sns", "tag_resource", "untag_resource", "ResourceArn",
                      permissions=("sns:TagResource", "sns:UntagResource"),
                      untag_permissions=("sns:UntagResource",))
    kms_key_expr = "KmsMasterKeyId"
    policy_key = "Policy"
    # list_topics cannot select: read each named topic's attributes instead
    # (which hold its TopicArn).
    fetch_op = "get_topic_attributes"
    fetch_param = "TopicArn"
    fetch_single = True
    fetch_path = "Attributes"
    fetch_gone = (NOT_FOUND, "ResourceNotFound")
    details = {
        "attributes": Detail((ANY_KEY,), _attributes, ("sns:GetTopicAttributes",)),
        "tags": Detail(("Tags",), _tags, ("sns:ListTagsForResource",)),
    }
    report_fields = ("TopicArn", "DisplayName", "KmsMasterKeyId", "SubscriptionsConfirmed")
