"""VPC networking actions: flow logs on or off, release and disassociate
Elastic IPs, delete subnets, interfaces, gateways and endpoints, detach
interfaces, change a subnet's attributes."""
from __future__ import annotations

from typing import Any

from c7n_lite.actions.core import Action, ApiCall
from c7n_lite.aws.batching import chunks
from c7n_lite.registry import actions
from c7n_lite.resources.core import paginate

FLOW_LOG_KEYS = ("DeliverLogsPermissionArn", "LogGroupName", "LogDestination", "LogFormat",
                 "MaxAggregationInterval", "LogDestinationType", "TrafficType")
FLOW_LOG_TYPES = {"aws.vpc": "VPC", "aws.subnet": "Subnet", "aws.eni": "NetworkInterface"}


class PartialFailure(RuntimeError):
    """A 200 answer listing items EC2 did not process (`Unsuccessful`)."""


def checked(operation: str, params: dict) -> Any:
    """Run the call and fail on the per-item errors EC2 reports in a 200 answer."""
    def run(session: Any) -> Any:
        answer = getattr(session.client("ec2"), operation)(**params)
        failed = answer.get("Unsuccessful") or []
        if failed:
            raise PartialFailure("; ".join(f"{f.get('ResourceId')}: {f.get('Error', {}).get('Message')}"
                                           for f in failed))
        return answer
    return run


@actions.register("set-flow-log", "aws.vpc", "aws.subnet", "aws.eni")
class SetFlowLog(Action):
    """Create flow logs (TrafficType ALL unless given; options as
    `CreateFlowLogs` names them, directly or under `attrs`), or with
    `state: false` delete the resources' flow logs."""

    schema = {"state": {"type": "boolean"}, "attrs": {"type": "object"},
              "DeliverLogsPermissionArn": {"type": "string"}, "LogGroupName": {"type": "string"},
              "LogDestination": {"type": "string"}, "LogFormat": {"type": "string"},
              "MaxAggregationInterval": {"type": "integer"},
              "LogDestinationType": {"enum": ["s3", "cloud-watch-logs"]},
              "TrafficType": {"enum": ["ACCEPT", "REJECT", "ALL"]}}
    permissions = ("ec2:CreateFlowLogs", "ec2:DeleteFlowLogs", "ec2:DescribeFlowLogs", "logs:CreateLogDelivery",
                   "iam:PassRole")

    @classmethod
    def check(cls, data: dict) -> list[str]:
        params = {**(data.get("attrs") or {}), **{k: data[k] for k in FLOW_LOG_KEYS if k in data}}
        if data.get("state", True) is False:
            return []
        dest = params.get("LogDestinationType", "cloud-watch-logs")
        if dest == "s3" and "LogDestination" not in params:
            return ["set-flow-log to s3 needs LogDestination (a bucket ARN)"]
        if dest == "cloud-watch-logs" and not ({"LogGroupName", "LogDestination"} & set(params)):
            return ["set-flow-log to CloudWatch Logs needs LogGroupName (or LogDestination)"]
        return []

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        ids = [self.resource_id(r) for r in resources]
        if self.data.get("state", True) is False:
            logs = paginate(self.manager.session.client("ec2"), "describe_flow_logs", "FlowLogs",
                            {"Filters": [{"Name": "resource-id", "Values": ids}]}) if ids else []
            calls = []
            for rid in ids:
                mine = [log["FlowLogId"] for log in logs if log["ResourceId"] == rid]
                calls.append(ApiCall("ec2", "delete_flow_logs", {"FlowLogIds": mine}, [rid], "delete flow logs",
                                     run=checked("delete_flow_logs", {"FlowLogIds": mine}))
                             if mine else ApiCall.skip([rid], "no flow log"))
            return calls
        params: dict[str, Any] = {"TrafficType": "ALL", **(self.data.get("attrs") or {}),
                                  **{k: self.data[k] for k in FLOW_LOG_KEYS if k in self.data}}
        params["ResourceType"] = FLOW_LOG_TYPES[self.manager.resource_type.type]
        target = params.get("LogGroupName") or params.get("LogDestination")
        return [ApiCall("ec2", "create_flow_logs", {**params, "ResourceIds": part}, part,
                        f"flow logs ({params['TrafficType']}) to {target}", ids_param="ResourceIds",
                        run=checked("create_flow_logs", {**params, "ResourceIds": part}))
                for part in chunks(ids, 25)]


def _single(name: str, types: tuple[str, ...], op: str, param: str, perm: str, doc: str,
            extra: dict | None = None) -> None:
    def plan(self: Action, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        return [ApiCall("ec2", op, {param: self.resource_id(r), **(extra or {})}, [self.resource_id(r)], name)
                for r in resources]
    cls = type(f"{name.title().replace('-', '')}{op.title().replace('_', '')}", (Action,),
               {"__doc__": doc, "permissions": (perm,), "plan": plan})
    actions.register(name, *types)(cls)


_single("delete", ("aws.subnet",), "delete_subnet", "SubnetId", "ec2:DeleteSubnet", "Delete subnets.")
_single("delete", ("aws.eni",), "delete_network_interface", "NetworkInterfaceId",
        "ec2:DeleteNetworkInterface", "Delete (detached) network interfaces.")
_single("delete", ("aws.nat-gateway",), "delete_nat_gateway", "NatGatewayId", "ec2:DeleteNatGateway",
        "Delete NAT gateways.")


@actions.register("delete", "aws.vpc-endpoint")
class DeleteVpcEndpoint(Action):
    """Delete VPC endpoints, 25 a call."""

    permissions = ("ec2:DeleteVpcEndpoints",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        ids = [self.resource_id(r) for r in resources]
        return [ApiCall("ec2", "delete_vpc_endpoints", {"VpcEndpointIds": part}, part, "delete",
                        ids_param="VpcEndpointIds", run=checked("delete_vpc_endpoints", {"VpcEndpointIds": part}))
                for part in chunks(ids, 25)]


@actions.register("delete", "aws.internet-gateway")
class DeleteInternetGateway(Action):
    """Detach internet gateways from their VPCs, then delete them."""

    permissions = ("ec2:DetachInternetGateway", "ec2:DeleteInternetGateway")

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        calls = []
        for r in resources:
            gid = self.resource_id(r)
            calls.extend(ApiCall("ec2", "detach_internet_gateway", {"InternetGatewayId": gid, "VpcId": a["VpcId"]},
                                 [gid], f"detach from {a['VpcId']}") for a in r.get("Attachments", ()))
            calls.append(ApiCall("ec2", "delete_internet_gateway", {"InternetGatewayId": gid}, [gid], "delete"))
        return calls


@actions.register("detach", "aws.eni")
class DetachInterface(Action):
    """Detach interfaces from their instances (not the primary one, which EC2 refuses)."""

    permissions = ("ec2:DetachNetworkInterface",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        calls, loose = [], []
        for r in resources:
            attachment = (r.get("Attachment") or {}).get("AttachmentId")
            if attachment:
                calls.append(ApiCall("ec2", "detach_network_interface", {"AttachmentId": attachment},
                                     [self.resource_id(r)], f"detach {attachment}"))
            else:
                loose.append(self.resource_id(r))
        if loose:
            calls.append(ApiCall.skip(loose, "not attached"))
        return calls


@actions.register("release", "aws.elastic-ip")
class ReleaseAddress(Action):
    """Release Elastic IPs.  An associated address is skipped unless `force`,
    which disassociates it first."""

    schema = {"force": {"type": "boolean"}}
    permissions = ("ec2:ReleaseAddress", "ec2:DisassociateAddress")

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        calls, kept = [], []
        for r in resources:
            aid = self.resource_id(r)
            if r.get("AssociationId"):
                if not self.data.get("force"):
                    kept.append(aid)
                    continue
                calls.append(ApiCall("ec2", "disassociate_address", {"AssociationId": r["AssociationId"]}, [aid],
                                     f"disassociate {r['AssociationId']}"))
            calls.append(ApiCall("ec2", "release_address", {"AllocationId": aid}, [aid],
                                 f"release {r.get('PublicIp')}"))
        if kept:
            calls.append(ApiCall.skip(kept, "associated (use force: true)", "release_address"))
        return calls


@actions.register("disassociate", "aws.elastic-ip")
class DisassociateAddress(Action):
    """Disassociate Elastic IPs from their instances or interfaces."""

    permissions = ("ec2:DisassociateAddress",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        found = [r for r in resources if r.get("AssociationId")]
        calls = [ApiCall("ec2", "disassociate_address", {"AssociationId": r["AssociationId"]},
                         [self.resource_id(r)], "disassociate") for r in found]
        loose = [self.resource_id(r) for r in resources if not r.get("AssociationId")]
        if loose:
            calls.append(ApiCall.skip(loose, "not associated"))
        return calls


SUBNET_BOOLEANS = ("AssignIpv6AddressOnCreation", "EnableResourceNameDnsAAAARecordOnLaunch",
                   "EnableResourceNameDnsARecordOnLaunch", "EnableDns64", "MapPublicIpOnLaunch",
                   "MapCustomerOwnedIpOnLaunch", "DisableLniAtDeviceIndex")


@actions.register("modify", "aws.subnet")
class ModifySubnet(Action):
    """Change subnet attributes (one `ModifySubnetAttribute` call per attribute),
    e.g. `MapPublicIpOnLaunch: false`."""

    schema = {**{k: {"type": "boolean"} for k in SUBNET_BOOLEANS},
              "CustomerOwnedIpv4Pool": {"type": "string"}, "EnableLniAtDeviceIndex": {"type": "integer"},
              "PrivateDnsHostnameTypeOnLaunch": {"enum": ["ip-name", "resource-name"]}}
    permissions = ("ec2:ModifySubnetAttribute",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        calls = []
        for r in resources:
            sid = self.resource_id(r)
            for key in self.schema:
                if key not in self.data:
                    continue
                value = self.data[key]
                param = {"Value": value} if key in SUBNET_BOOLEANS else value
                calls.append(ApiCall("ec2", "modify_subnet_attribute", {"SubnetId": sid, key: param}, [sid],
                                     f"{key}={value}"))
        return calls


@actions.register("delete-empty", "aws.vpc")
class DeleteEmptyVpc(Action):
    """Delete VPCs; EC2 refuses (and the VPC is recorded as failed) while
    anything still lives in it."""

    permissions = ("ec2:DeleteVpc",)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        return [ApiCall("ec2", "delete_vpc", {"VpcId": self.resource_id(r)}, [self.resource_id(r)], "delete")
                for r in resources]
