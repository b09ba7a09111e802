"""CloudTrail trails, and the AWS Config recorders (the account's two audit logs)."""
from __future__ import annotations

from typing import Any

from c7n_lite.aws.session import AwsSession, error_code
from c7n_lite.registry import resources
from c7n_lite.resources.core import Detail, ResourceType, Tagging, paginate

TRAIL_GONE = ("TrailNotFoundException",)


def _trail_status(client: Any, trail: dict) -> dict:
    status = client.get_trail_status(Name=trail["TrailARN"])
    status.pop("ResponseMetadata", None)
    return {"c7n:TrailStatus": status}


def _event_selectors(client: Any, trail: dict) -> dict:
    found = client.get_event_selectors(TrailName=trail["TrailARN"])
    found.pop("ResponseMetadata", None)
    return {"c7n:TrailEventSelectors": found}


def _trail_tags(client: Any, trail: dict) -> dict:
    try:
        found = client.list_tags(ResourceIdList=[trail["TrailARN"]])["ResourceTagList"]
    except Exception as exc:  # noqa: BLE001 - a shadow trail's tags are read in its home region
        if error_code(exc) in TRAIL_GONE:
            return {"Tags": []}
        raise
    return {"Tags": found[0].get("TagsList", []) if found else []}


@resources.register("aws.cloudtrail")
class CloudTrail(ResourceType):
    """CloudTrail trails as `describe_trails` lists them in a region, shadow
    trails (multi-region or organization trails homed elsewhere) included; the
    `is-shadow` filter tells them apart.  The trail's status (`status`) and
    event selectors (`event-selectors`) are read per trail when a filter needs them.

    moto: trails, status, start/stop logging, update, event selectors and tags
    work; `LatestDeliveryError` is never set; `describe_trails` ignores
    `trailNameList` and `delete_trail` ignores an ARN (names are used)."""

    service = "cloudtrail"
    enum_op = "describe_trails"
    enum_path = "trailList"
    id = name = "Name"
    arn_key = "TrailARN"
    taggable = True
    tagging = Tagging("calls", "cloudtrail", "add_tags", "remove_tags", "ResourceId",
                      tags_param="TagsList", keys_param="TagsList", keys_shape="tags",
                      permissions=("cloudtrail:AddTags", "cloudtrail:RemoveTags"))
    kms_key_expr = "KmsKeyId"
    fetch_op = "describe_trails"
    fetch_param = "trailNameList"
    details = {
        "status": Detail(("c7n:TrailStatus",), _trail_status, ("cloudtrail:GetTrailStatus",)),
        "event-selectors": Detail(("c7n:TrailEventSelectors",), _event_selectors,
                                  ("cloudtrail:GetEventSelectors",)),
        "tags": Detail(("Tags",), _trail_tags, ("cloudtrail:ListTags",)),
    }
    report_fields = ("Name", "HomeRegion", "IsMultiRegionTrail", "LogFileValidationEnabled", "KmsKeyId")

    @classmethod
    def fetch_by_ids(cls, session: AwsSession, ids: list[str]) -> list[dict]:
        # describe_trails takes names or ARNs; moto ignores the list: keep those asked for.
        wanted = set(ids)
        return [t for t in super().fetch_by_ids(session, ids) if t["Name"] in wanted or t["TrailARN"] in wanted]


def _retention(client: Any, recorder: dict) -> dict:
    found = client.describe_retention_configurations().get("RetentionConfigurations") or []
    return {"c7n:ConfigRetentionConfigs": found[0] if found else {}}


@resources.register("aws.config-recorder")
class ConfigRecorder(ResourceType):
    """AWS Config configuration recorders (one per region at most), each with
    its recording status under `status`, as Custodian presents them.

    moto: recorders, their status, start/stop and retention configurations work."""

    service = "config"
    enum_op = "describe_configuration_recorders"
    enum_path = "ConfigurationRecorders"
    id = name = "name"
    arn_format = "arn:{partition}:config:{region}:{account}:config-recorder/{id}"
    extra_permissions = ("config:DescribeConfigurationRecorderStatus",)
    details = {"retention": Detail(("c7n:ConfigRetentionConfigs",), _retention,
                                   ("config:DescribeRetentionConfigurations",))}
    report_fields = ("name", "roleARN", "status.recording")

    @classmethod
    def enumerate(cls, session: AwsSession) -> list[dict]:
        client = session.client("config")
        recorders = paginate(client, cls.enum_op, cls.enum_path)
        if recorders:
            statuses = client.describe_configuration_recorder_status()["ConfigurationRecordersStatus"]
            by_name = {s["name"]: s for s in statuses}
            for recorder in recorders:
                recorder["status"] = by_name.get(recorder["name"], {})
        return recorders
