"""Kinesis data streams and Firehose delivery streams.

Both listings give only names: each stream is described as listed (its
status, encryption and retention are what policies read).  Tags are read per
stream when a filter reads them.
"""
from __future__ import annotations

from typing import Any

from c7n_lite.registry import resources
from c7n_lite.resources.core import Detail, ResourceType, Tagging

GONE = ("ResourceNotFoundException",)


def _stream_tags(client: Any, stream: dict) -> dict:
    tags: list[dict] = []
    params: dict = {"StreamName": stream["StreamName"]}
    while True:
        page = client.list_tags_for_stream(**params)
        tags.extend(page.get("Tags") or ())
        if not page.get("HasMoreTags") or not page.get("Tags"):
            return {"Tags": tags}
        params["ExclusiveStartTagKey"] = page["Tags"][-1]["Key"]


def _delivery_stream_tags(client: Any, stream: dict) -> dict:
    tags: list[dict] = []
    params: dict = {"DeliveryStreamName": stream["DeliveryStreamName"]}
    while True:
        page = client.list_tags_for_delivery_stream(**params)
        tags.extend(page.get("Tags") or ())
        if not page.get("HasMoreTags") or not page.get("Tags"):
            return {"Tags": tags}
        params["ExclusiveStartTagKey"] = page["Tags"][-1]["Key"]


@resources.register("aws.kinesis")
class KinesisStream(ResourceType):
    """Kinesis data streams, each described (`DescribeStreamSummary`) as listed;
    tags are read per stream when a filter reads them."""

    describe_listed = True

    service = "kinesis"
    enum_op = "list_streams"
    enum_path = "StreamNames"
    id = name = "StreamName"
    arn_key = "StreamARN"
    arn_format = "arn:{partition}:kinesis:{region}:{account}:stream/{id}"
    date = "StreamCreationTimestamp"
    taggable = True
    tagging = Tagging("calls", "kinesis", "add_tags_to_stream", "remove_tags_from_stream", "StreamName",
                      by="id", tags_shape="map",
                      permissions=("kinesis:AddTagsToStream", "kinesis:RemoveTagsFromStream"))
    kms_key_expr = "KeyId"
    metrics_namespace = "AWS/Kinesis"
    metrics_dimensions = (("StreamName", "StreamName"),)
    fetch_op = "describe_stream_summary"
    fetch_param = "StreamName"
    fetch_single = True
    fetch_path = "StreamDescriptionSummary"
    fetch_gone = GONE
    details = {"tags": Detail(("Tags",), _stream_tags, ("kinesis:ListTagsForStream",))}
    report_fields = ("StreamName", "StreamStatus", "EncryptionType", "RetentionPeriodHours")


@resources.register("aws.firehose")
class FirehoseDeliveryStream(ResourceType):
    """Firehose delivery streams, each described (`DescribeDeliveryStream`) as
    listed; tags are read per stream when a filter reads them."""

    describe_listed = True

    service = "firehose"
    enum_op = "list_delivery_streams"
    enum_path = "DeliveryStreamNames"
    id = name = "DeliveryStreamName"
    arn_key = "DeliveryStreamARN"
    arn_format = "arn:{partition}:firehose:{region}:{account}:deliverystream/{id}"
    date = "CreateTimestamp"
    taggable = True
    tagging = Tagging("calls", "firehose", "tag_delivery_stream", "untag_delivery_stream", "DeliveryStreamName",
                      by="id", permissions=("firehose:TagDeliveryStream", "firehose:UntagDeliveryStream"))
    kms_key_expr = "DeliveryStreamEncryptionConfiguration.KeyARN"
    metrics_namespace = "AWS/Firehose"
    metrics_dimensions = (("DeliveryStreamName", "DeliveryStreamName"),)
    fetch_op = "describe_delivery_stream"
    fetch_param = "DeliveryStreamName"
    fetch_single = True
    fetch_path = "DeliveryStreamDescription"
    fetch_gone = GONE
    details = {"tags": Detail(("Tags",), _delivery_stream_tags, ("firehose:ListTagsForDeliveryStream",))}
    report_fields = ("DeliveryStreamName", "DeliveryStreamStatus", "DeliveryStreamType")

    @classmethod
    def listed_ids(cls, client: Any) -> list[str]:
        # boto3 has no paginator for this call: follow HasMoreDeliveryStreams.
        names: list[str] = []
        params: dict = {"Limit": 10000}
        while True:
            page = client.list_delivery_streams(**params)
            names.extend(page.get("DeliveryStreamNames") or ())
            if not page.get("HasMoreDeliveryStreams") or not page.get("DeliveryStreamNames"):
                return names
            params["ExclusiveStartDeliveryStreamName"] = names[-1]
