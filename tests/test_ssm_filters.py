"""ssm-inventory and ssm-compliance on EC2.  moto serves neither
ListInventoryEntries nor ListResourceComplianceSummaries: the test server
answers them in SSM's wire format."""
from __future__ import annotations

import json
import time

from tests.test_actions_ec2 import launch
from tests.test_filters_language import ids  # noqa: F401 - the fixture

SSM_JSON = "application/x-amz-json-1.1"


def serve_inventory(server, inventory, refused=()):
    """Answer ListInventoryEntries from `inventory` (instance id → entries),
    honouring Equal filters; the instances in `refused` get AccessDenied."""
    asked = []

    def hook(request):
        if request.operation != "ListInventoryEntries":
            return None
        body = json.loads(request.body)
        asked.append(body)
        if body["InstanceId"] in refused:
            return 400, json.dumps({"__type": "AccessDeniedException", "message": "denied"}), SSM_JSON
        entries = [e for e in inventory.get(body["InstanceId"], [])
                   if all(e.get(f["Key"]) in f["Values"] for f in body.get("Filters", ()))]
        return 200, json.dumps({"TypeName": body["TypeName"], "InstanceId": body["InstanceId"],
                                "SchemaVersion": "1.1", "Entries": entries}), SSM_JSON
    server.hooks.append(hook)
    return asked


def test_ssm_inventory_by_package(aws, ids, server):  # noqa: F811
    docker, other, bare = launch(aws("ec2"), 3)
    asked = serve_inventory(server, {docker: [{"Name": "docker", "Version": "24"}, {"Name": "curl"}],
                                     other: [{"Name": "curl", "Version": "8"}]})
    query = {"type": "ssm-inventory", "query": [{"Key": "Name", "Values": ["docker"], "Type": "Equal"}]}
    assert ids("aws.ec2", [query], "InstanceId") == [docker]
    assert {a["InstanceId"] for a in asked} == {docker, other, bare}
    assert all(a["TypeName"] == "AWS:Application" and a["Filters"] == query["query"] for a in asked)
    assert sorted(ids("aws.ec2", ["ssm-inventory"], "InstanceId")) == sorted([docker, other])


def test_ssm_inventory_unreadable_instance_is_errored(aws, cli, write_policies, server):
    readable, refused = launch(aws("ec2"), 2)
    serve_inventory(server, {readable: [{"Name": "docker"}], refused: [{"Name": "docker"}]}, refused={refused})
    result = cli("run", "--dryrun", write_policies(json.dumps({"policies": [{
        "name": "inv", "resource": "aws.ec2", "filters": ["ssm-inventory"]}]})))
    assert result.exit_code != 0
    assert result.ids("inv", "InstanceId") == [readable]
    assert result.metadata("inv")["counts"]["errored"] == 1


def summary(instance_id, kind="Patch", status="NON_COMPLIANT", severity="CRITICAL", age_days=0):
    return {"ComplianceType": kind, "ResourceType": "ManagedInstance", "ResourceId": instance_id,
            "Status": status, "OverallSeverity": severity,
            "ExecutionSummary": {"ExecutionTime": time.time() - age_days * 86400}}


def serve_compliance(server, summaries, refuse=False):
    """Answer ListResourceComplianceSummaries from `summaries`, applying its
    EQUAL filters as SSM does."""
    asked = []

    def hook(request):
        if request.operation != "ListResourceComplianceSummaries":
            return None
        body = json.loads(request.body)
        asked.append(body)
        if refuse:
            return 400, json.dumps({"__type": "AccessDeniedException", "message": "denied"}), SSM_JSON
        items = [s for s in summaries if all(s[f["Key"]] in f["Values"] for f in body.get("Filters", ()))]
        return 200, json.dumps({"ResourceComplianceSummaryItems": items}), SSM_JSON
    server.hooks.append(hook)
    return asked


def test_ssm_compliance_by_type_state_severity_and_age(aws, ids, server):  # noqa: F811
    patch, stale, low, fine = launch(aws("ec2"), 4)
    asked = serve_compliance(server, [summary(patch), summary(stale, "Association", age_days=60),
                                      summary(low, severity="LOW"), summary(fine, status="COMPLIANT")])
    data = {"type": "ssm-compliance", "compliance_types": ["Association", "Patch"]}
    assert sorted(ids("aws.ec2", [data], "InstanceId")) == sorted([patch, stale, low])
    assert asked[0]["Filters"] == [{"Key": "Status", "Values": ["NON_COMPLIANT"], "Type": "EQUAL"},
                                   {"Key": "ComplianceType", "Values": ["Association", "Patch"], "Type": "EQUAL"}]
    recent_severe = {**data, "severity": ["CRITICAL", "HIGH"], "eval_filters": [
        {"type": "value", "key": "ExecutionSummary.ExecutionTime", "value_type": "age", "value": 30,
         "op": "less-than"}]}
    assert ids("aws.ec2", [recent_severe], "InstanceId") == [patch]
    assert ids("aws.ec2", [{**data, "states": ["COMPLIANT"]}], "InstanceId") == [fine]


def test_ssm_compliance_refused_read_is_an_error(aws, cli, write_policies, server):
    launch(aws("ec2"), 2)
    serve_compliance(server, [], refuse=True)
    result = cli("run", "--dryrun", write_policies(json.dumps({"policies": [{
        "name": "sc", "resource": "aws.ec2",
        "filters": [{"type": "ssm-compliance", "compliance_types": ["Patch"]}]}]})))
    assert result.exit_code != 0
    assert result.all_errored("sc")


def ops_item(item_id, arns, status="Open", priority=2, title="disk full"):
    return {"OpsItemId": item_id, "Title": title, "Status": status, "Priority": priority, "Source": "EC2",
            "OperationalData": {"/aws/resources": {"Type": "SearchableString",
                                                   "Value": json.dumps([{"arn": a} for a in arns])}}}


def serve_ops_items(server, items, refuse=False):
    """Answer DescribeOpsItems (moto does not serve it), applying the Status,
    Priority and ResourceId criteria."""
    asked = []

    def hook(request):
        if request.operation != "DescribeOpsItems":
            return None
        body = json.loads(request.body)
        asked.append(body)
        if refuse:
            return 400, json.dumps({"__type": "AccessDeniedException", "message": "denied"}), SSM_JSON
        crit = {f["Key"]: f["Values"] for f in body["OpsItemFilters"]}
        found = [i for i in items if i["Status"] in crit["Status"]
                 and ("Priority" not in crit or str(i["Priority"]) in crit["Priority"])
                 and any(rid in i["OperationalData"]["/aws/resources"]["Value"] for rid in crit["ResourceId"])]
        return 200, json.dumps({"OpsItemSummaries": found}), SSM_JSON
    server.hooks.append(hook)
    return asked


def instance_arn(instance_id):
    return f"arn:aws:ec2:us-east-1:123456789012:instance/{instance_id}"


def test_ops_item_on_instances_by_priority(aws, ids, server):  # noqa: F811
    urgent, minor, resolved, bare = launch(aws("ec2"), 4)
    asked = serve_ops_items(server, [ops_item("oi-1", [instance_arn(urgent)], priority=1),
                                     ops_item("oi-2", [instance_arn(minor)], priority=4),
                                     ops_item("oi-3", [instance_arn(resolved)], status="Resolved")])
    assert ids("aws.ec2", [{"type": "ops-item", "priority": [1, 2]}], "InstanceId") == [urgent]
    assert {"Key": "Priority", "Operator": "Equal", "Values": ["1", "2"]} in asked[0]["OpsItemFilters"]
    assert sorted(ids("aws.ec2", ["ops-item"], "InstanceId")) == sorted([urgent, minor])


def test_ops_item_refused_read_is_an_error(aws, cli, write_policies, server):
    launch(aws("ec2"), 2)
    serve_ops_items(server, [], refuse=True)
    result = cli("run", "--dryrun", write_policies(json.dumps({"policies": [{
        "name": "oi", "resource": "aws.ec2", "filters": ["ops-item"]}]})))
    assert result.exit_code != 0
    assert result.all_errored("oi")


def test_ops_item_on_buckets(aws, ids, server):  # noqa: F811
    s3 = aws("s3")
    for name in ("flagged", "quiet"):
        s3.create_bucket(Bucket=name)
    serve_ops_items(server, [ops_item("oi-9", ["arn:aws:s3:::flagged"])])
    assert ids("aws.s3", ["ops-item"], "Name") == ["flagged"]
