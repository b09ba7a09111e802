"""DynamoDB tables.

`ListTables` gives only names: each table is described (`DescribeTable`) as
it is listed, since nearly every filter reads the description.  Tags, and the
backup settings (`continuous-backup`), are read per table when a filter reads
them.
"""
from __future__ import annotations

from typing import Any

from c7n_lite.registry import resources
from c7n_lite.resources.core import Detail, ResourceType, Tagging

GONE = ("ResourceNotFoundException",)


def _tags(client: Any, table: dict) -> dict:
    tags: list[dict] = []
    params = {"ResourceArn": table["TableArn"]}
    while True:
        page = client.list_tags_of_resource(**params)
        tags.extend(page.get("Tags") or ())
        if not page.get("NextToken"):
            return {"Tags": tags}
        params["NextToken"] = page["NextToken"]


def _continuous_backups(client: Any, table: dict) -> dict:
    answer = client.describe_continuous_backups(TableName=table["TableName"])
    return {"c7n:continuous-backup": answer["ContinuousBackupsDescription"]}


@resources.register("aws.dynamodb-table")
class DynamoDBTable(ResourceType):
    """DynamoDB tables, each described as listed; tags and continuous backup
    settings are read per table when a filter reads them."""

    service = "dynamodb"
    enum_op = "list_tables"
    enum_path = "TableNames"
    id = name = "TableName"
    arn_key = "TableArn"
    arn_format = "arn:{partition}:dynamodb:{region}:{account}:table/{id}"
    date = "CreationDateTime"
    taggable = True
    tagging = Tagging("calls", "dynamodb", "tag_resource", "untag_resource", "ResourceArn",
                      permissions=("dynamodb:TagResource", "dynamodb:UntagResource"))
    kms_key_expr = "SSEDescription.KMSMasterKeyArn"
    metrics_namespace = "AWS/DynamoDB"
    metrics_dimensions = (("TableName", "TableName"),)
    fetch_op = "describe_table"
    fetch_param = "TableName"
    fetch_single = True
    fetch_path = "Table"
    fetch_gone = GONE
    describe_listed = True
    details = {
        "tags": Detail(("Tags",), _tags, ("dynamodb:ListTagsOfResource",)),
        "continuous-backup": Detail(("c7n:continuous-backup",), _continuous_backups,
                                    ("dynamodb:DescribeContinuousBackups",)),
    }
    report_fields = ("TableName", "TableStatus", "ItemCount", "TableSizeBytes", "CreationDateTime")


@resources.register("aws.dynamodb-backup")
class DynamoDBBackup(ResourceType):
    """On-demand and AWS Backup backups of the region's tables (`ListBackups` summaries)."""

    service = "dynamodb"
    enum_op = "list_backups"
    enum_path = "BackupSummaries"
    id = "BackupArn"
    name = "BackupName"
    arn_key = "BackupArn"
    date = "BackupCreationDateTime"
    report_fields = ("BackupName", "TableName", "BackupType", "BackupStatus", "BackupCreationDateTime")
