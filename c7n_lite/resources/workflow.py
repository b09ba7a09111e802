"""Step Functions state machines, EventBridge rules, CodeBuild projects and
CloudFormation stacks: the services that run or deploy other things."""
from __future__ import annotations

from typing import Any

from c7n_lite.aws.session import AwsSession, error_code, error_message
from c7n_lite.registry import resources
from c7n_lite.resources.core import ANY_KEY, Detail, ResourceType, Tagging, paginate


def _without_metadata(answer: dict) -> dict:
    return {k: v for k, v in answer.items() if k != "ResponseMetadata"}


def _lower_tags(tags: list[dict] | None) -> list[dict]:
    """[{key, value}] → Custodian's [{Key, Value}]."""
    return [{"Key": t["key"], "Value": t.get("value", "")} for t in tags or ()]


def _machine(client: Any, machine: dict) -> dict:
    return _without_metadata(client.describe_state_machine(stateMachineArn=machine["stateMachineArn"]))


def _machine_tags(client: Any, machine: dict) -> dict:
    return {"Tags": _lower_tags(client.list_tags_for_resource(resourceArn=machine["stateMachineArn"]).get("tags"))}


@resources.register("aws.step-machine")
class StepFunction(ResourceType):
    """Step Functions state machines.  The listing is a summary: the description
    (`definition`, `roleArn`, `loggingConfiguration` …, any field a filter reads)
    and the tags are each read per state machine when a filter reads them."""

    service = "stepfunctions"
    enum_op = "list_state_machines"
    enum_path = "stateMachines"
    id = arn_key = "stateMachineArn"
    name = "name"
    date = "creationDate"
    taggable = True
    tagging = Tagging("calls", "stepfunctions", "tag_resource", "untag_resource", "resourceArn",
                      tags_param="tags", tags_shape="lower", keys_param="tagKeys",
                      permissions=("states:TagResource", "states:UntagResource"))
    metrics_namespace = "AWS/States"
    metrics_dimensions = (("StateMachineArn", "stateMachineArn"),)
    fetch_op = "describe_state_machine"
    fetch_param = "stateMachineArn"
    fetch_single = True
    fetch_path = "@"
    fetch_gone = ("StateMachineDoesNotExist",)
    details = {
        "description": Detail((ANY_KEY,), _machine, ("states:DescribeStateMachine",)),
        "tags": Detail(("Tags",), _machine_tags, ("states:ListTagsForResource",)),
    }
    report_fields = ("name", "type", "creationDate")

    @classmethod
    def prepare(cls, resource: dict) -> dict:
        return _without_metadata(resource)

    @classmethod
    def read_permissions(cls) -> list[str]:
        # The boto3 client is "stepfunctions"; IAM's service prefix is "states".
        return sorted({p.replace("stepfunctions:", "states:", 1) for p in super().read_permissions()})


def _rule_tags(client: Any, rule: dict) -> dict:
    return {"Tags": client.list_tags_for_resource(ResourceARN=rule["Arn"]).get("Tags") or []}


def _rule_targets(client: Any, rule: dict) -> dict:
    params = {"Rule": rule["Name"]}
    if rule.get("EventBusName"):
        params["EventBusName"] = rule["EventBusName"]
    return {"c7n:Targets": paginate(client, "list_targets_by_rule", "Targets", params)}


@resources.register("aws.event-rule")
class EventRule(ResourceType):
    """EventBridge rules of the default event bus.  Tags and targets
    (`c7n:Targets`, for `event-rule-target`) are read per rule when read."""

    service = "events"
    enum_op = "list_rules"
    enum_path = "Rules"
    id = name = "Name"
    arn_key = "Arn"
    arn_format = "arn:{partition}:events:{region}:{account}:rule/{id}"
    taggable = True
    tagging = Tagging("calls", "events", "tag_resource", "untag_resource", "ResourceARN",
                      permissions=("events:TagResource", "events:UntagResource"))
    metrics_namespace = "AWS/Events"
    metrics_dimensions = (("RuleName", "Name"),)
    fetch_op = "describe_rule"
    fetch_param = "Name"
    fetch_single = True
    fetch_path = "@"
    fetch_gone = ("ResourceNotFoundException",)
    details = {
        "tags": Detail(("Tags",), _rule_tags, ("events:ListTagsForResource",)),
        "targets": Detail(("c7n:Targets",), _rule_targets, ("events:ListTargetsByRule",)),
    }
    report_fields = ("Name", "State", "ScheduleExpression", "EventPattern")

    @classmethod
    def prepare(cls, resource: dict) -> dict:
        return _without_metadata(resource)


@resources.register("aws.codebuild")
class CodeBuildProject(ResourceType):
    """CodeBuild projects, described (`BatchGetProjects`, 100 at a time) as
    listed; tags come with the description.  Tags are written through the
    Resource Groups Tagging API, as Custodian does."""

    service = "codebuild"
    enum_op = "list_projects"
    enum_path = "projects"
    id = name = "name"
    arn_key = "arn"
    arn_format = "arn:{partition}:codebuild:{region}:{account}:project/{id}"
    date = "created"
    taggable = True
    security_groups_expr = "vpcConfig.securityGroupIds[]"
    subnets_expr = "vpcConfig.subnets[]"
    vpc_expr = "vpcConfig.vpcId"
    kms_key_expr = "encryptionKey"
    metrics_namespace = "AWS/CodeBuild"
    metrics_dimensions = (("ProjectName", "name"),)
    fetch_op = "batch_get_projects"
    fetch_param = "names"
    fetch_batch = 100
    report_fields = ("name", "source.type", "environment.image", "environment.privilegedMode")

    @classmethod
    def prepare(cls, resource: dict) -> dict:
        return {**resource, "Tags": _lower_tags(resource.get("tags"))}

    @classmethod
    def enumerate(cls, session: AwsSession) -> list[dict]:
        names = paginate(session.client(cls.service), cls.enum_op, cls.enum_path)
        return cls.fetch_by_ids(session, names) if names else []

    @classmethod
    def fetch_by_ids(cls, session: AwsSession, ids: list[str]) -> list[dict]:
        client = session.client(cls.service)
        found: list[dict] = []
        for start in range(0, len(ids), cls.fetch_batch):
            # Names not found come back in projectsNotFound: gone, skipped.
            found.extend(client.batch_get_projects(names=ids[start:start + cls.fetch_batch])["projects"])
        return cls._prepared(found)


@resources.register("aws.cfn")
class CloudFormationStack(ResourceType):
    """CloudFormation stacks (deleted stacks are not listed; tags come with
    the describe call).  Tags are written through the Resource Groups Tagging
    API: CloudFormation's own way is a stack update.

    moto does not serve `UpdateTerminationProtection`: `set-protection` and
    `delete` with `force` are tested for their plans."""

    service = "cloudformation"
    enum_op = "describe_stacks"
    enum_path = "Stacks"
    id = name = "StackName"
    arn_key = "StackId"
    date = "CreationTime"
    taggable = True
    fetch_op = "describe_stacks"
    fetch_param = "StackName"
    fetch_single = True
    report_fields = ("StackName", "StackStatus", "EnableTerminationProtection", "CreationTime")

    @classmethod
    def _fetch_one(cls, client: Any, resource_id: str) -> list[dict]:
        try:
            return client.describe_stacks(StackName=resource_id)["Stacks"]
        except Exception as exc:  # noqa: BLE001 - only "gone" is expected
            # A missing stack is a ValidationError saying it does not exist; any
            # other ValidationError is a real error.
            if error_code(exc) == "ValidationError" and "does not exist" in error_message(exc):
                return []
            raise
