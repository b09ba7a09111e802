"""Load balancers: Classic (`aws.elb`), ELBv2 (`aws.app-elb`: application,
network and gateway load balancers) and ELBv2 target groups."""
from __future__ import annotations

from typing import Any

from c7n_lite.aws.session import error_code
from c7n_lite.registry import resources
from c7n_lite.resources.core import Detail, ResourceType, Tagging, op_name

ELB_GONE = ("LoadBalancerNotFound",)
TG_GONE = ("TargetGroupNotFound",)
V2_TAGGING = Tagging("calls", "elbv2", "add_tags", "remove_tags", "ResourceArns", batch=20,
                     permissions=("elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"))


def elb_read_permissions(rt: type[ResourceType]) -> list[str]:
    """IAM names these services `elasticloadbalancing`, not by their client names."""
    perms = {f"elasticloadbalancing:{op_name(op)}" for op in (rt.enum_op, rt.fetch_op) if op}
    return sorted(perms | set(rt.extra_permissions))


def parse_attribute(value: str) -> Any:
    """ELBv2 attributes are strings: numbers and booleans as Custodian casts them."""
    if value.isdigit():
        return int(value)
    return {"true": True, "false": False}.get(value, value)


# --- Classic -------------------------------------------------------------------
def _classic_tags_many(client: Any, balancers: list[dict]) -> list[dict]:
    names = [b["LoadBalancerName"] for b in balancers]
    found = {d["LoadBalancerName"]: d.get("Tags", [])
             for d in client.describe_tags(LoadBalancerNames=names)["TagDescriptions"]}
    return [{"Tags": found.get(n, [])} for n in names]


def _classic_tags(client: Any, balancer: dict) -> dict:
    return _classic_tags_many(client, [balancer])[0]


def _classic_attributes(client: Any, balancer: dict) -> dict:
    found = client.describe_load_balancer_attributes(LoadBalancerName=balancer["LoadBalancerName"])
    return {"Attributes": found["LoadBalancerAttributes"]}


@resources.register("aws.elb")
class ClassicLoadBalancer(ResourceType):
    """Classic Load Balancers.  Tags (DescribeTags, 20 a call) and `Attributes`
    (access log, connection draining, cross-zone balancing …) are fetched when
    a filter reads them."""

    service = "elb"
    enum_op = "describe_load_balancers"
    enum_path = "LoadBalancerDescriptions"
    id = "LoadBalancerName"
    name = "DNSName"
    arn_format = "arn:{partition}:elasticloadbalancing:{region}:{account}:loadbalancer/{id}"
    date = "CreatedTime"
    taggable = True
    # Classic AddTags takes a list that may hold one load balancer only.
    tagging = Tagging("list-of-one", "elb", "add_tags", "remove_tags", "LoadBalancerNames", by="id",
                      keys_param="Tags", keys_shape="tags",
                      permissions=("elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"))
    fetch_op = "describe_load_balancers"
    fetch_param = "LoadBalancerNames"
    fetch_single = True
    fetch_gone = ELB_GONE
    security_groups_expr = "SecurityGroups[]"
    subnets_expr = "Subnets[]"
    vpc_expr = "VPCId"
    metrics_namespace = "AWS/ELB"
    metrics_dimensions = (("LoadBalancerName", "LoadBalancerName"),)
    details = {
        "tags": Detail(("Tags",), _classic_tags, ("elasticloadbalancing:DescribeTags",),
                       fetch_many=_classic_tags_many, batch=20),
        "attributes": Detail(("Attributes",), _classic_attributes,
                             ("elasticloadbalancing:DescribeLoadBalancerAttributes",)),
    }
    report_fields = ("LoadBalancerName", "DNSName", "VPCId", "Scheme", "CreatedTime")

    @classmethod
    def read_permissions(cls) -> list[str]:
        return elb_read_permissions(cls)

    @classmethod
    def _fetch_one(cls, client: Any, resource_id: str) -> list[dict]:
        # The call takes a list; a name that is gone fails the whole call.
        try:
            return client.describe_load_balancers(LoadBalancerNames=[resource_id])["LoadBalancerDescriptions"]
        except Exception as exc:  # noqa: BLE001 - only "gone" is expected
            if error_code(exc) in ELB_GONE:
                return []
            raise


# --- ELBv2 -----------------------------------------------------------------------
def _v2_tags_many(key: str) -> Any:
    def fetch_many(client: Any, items: list[dict]) -> list[dict]:
        arns = [i[key] for i in items]
        found = {d["ResourceArn"]: d.get("Tags", [])
                 for d in client.describe_tags(ResourceArns=arns)["TagDescriptions"]}
        return [{"Tags": found.get(a, [])} for a in arns]
    return fetch_many


def _lb_attributes(client: Any, balancer: dict) -> dict:
    found = client.describe_load_balancer_attributes(LoadBalancerArn=balancer["LoadBalancerArn"])["Attributes"]
    return {"Attributes": {a["Key"]: parse_attribute(a["Value"]) for a in found}}


def _tg_attributes(client: Any, group: dict) -> dict:
    found = client.describe_target_group_attributes(TargetGroupArn=group["TargetGroupArn"])["Attributes"]
    return {"c7n:TargetGroupAttributes": {a["Key"]: parse_attribute(a["Value"]) for a in found}}


def _tg_health(client: Any, group: dict) -> dict:
    found = client.describe_target_health(TargetGroupArn=group["TargetGroupArn"])
    return {"TargetHealthDescriptions": found.get("TargetHealthDescriptions", [])}


class V2Type(ResourceType):
    service = "elbv2"
    taggable = True
    tagging = V2_TAGGING
    fetch_single = True

    @classmethod
    def read_permissions(cls) -> list[str]:
        return elb_read_permissions(cls)

    @classmethod
    def _fetch_one(cls, client: Any, resource_id: str) -> list[dict]:
        try:
            return getattr(client, cls.fetch_op)(**{cls.fetch_param: [resource_id]})[cls.enum_path]
        except Exception as exc:  # noqa: BLE001 - only "gone" is expected
            if error_code(exc) in cls.fetch_gone:
                return []
            raise


@resources.register("aws.app-elb")
class AppLoadBalancer(V2Type):
    """ELBv2 load balancers (application, network and gateway).  Tags
    (DescribeTags, 20 ARNs a call) and `Attributes` (a map with values cast:
    `deletion_protection.enabled: true`, `access_logs.s3.bucket` …) are fetched
    when a filter reads them.  Tested against moto, which does not serve WAF
    Classic (`waf-regional`): `waf-enabled` is validated, its reads unproven."""

    enum_op = "describe_load_balancers"
    enum_path = "LoadBalancers"
    id = "LoadBalancerArn"
    name = "LoadBalancerName"
    arn_key = "LoadBalancerArn"
    date = "CreatedTime"
    fetch_op = "describe_load_balancers"
    fetch_param = "LoadBalancerArns"
    fetch_gone = ELB_GONE
    security_groups_expr = "SecurityGroups[]"
    subnets_expr = "AvailabilityZones[].SubnetId"
    vpc_expr = "VpcId"
    details = {
        "tags": Detail(("Tags",), lambda c, r: _v2_tags_many("LoadBalancerArn")(c, [r])[0],
                       ("elasticloadbalancing:DescribeTags",), fetch_many=_v2_tags_many("LoadBalancerArn"),
                       batch=20),
        "attributes": Detail(("Attributes",), _lb_attributes,
                             ("elasticloadbalancing:DescribeLoadBalancerAttributes",)),
    }
    report_fields = ("LoadBalancerName", "Type", "Scheme", "VpcId", "State.Code", "CreatedTime")


@resources.register("aws.app-elb-target-group")
class TargetGroup(V2Type):
    """ELBv2 target groups.  Tags, target health (`TargetHealthDescriptions`)
    and `c7n:TargetGroupAttributes` are fetched when a filter reads them."""

    enum_op = "describe_target_groups"
    enum_path = "TargetGroups"
    id = "TargetGroupArn"
    name = "TargetGroupName"
    arn_key = "TargetGroupArn"
    fetch_op = "describe_target_groups"
    fetch_param = "TargetGroupArns"
    fetch_gone = TG_GONE
    vpc_expr = "VpcId"
    details = {
        "tags": Detail(("Tags",), lambda c, r: _v2_tags_many("TargetGroupArn")(c, [r])[0],
                       ("elasticloadbalancing:DescribeTags",), fetch_many=_v2_tags_many("TargetGroupArn"),
                       batch=20),
        "attributes": Detail(("c7n:TargetGroupAttributes",), _tg_attributes,
                             ("elasticloadbalancing:DescribeTargetGroupAttributes",)),
        "health": Detail(("TargetHealthDescriptions",), _tg_health,
                         ("elasticloadbalancing:DescribeTargetHealth",)),
    }
    report_fields = ("TargetGroupName", "Protocol", "Port", "TargetType", "VpcId")
