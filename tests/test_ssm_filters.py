"""ssm-inventory and ssm-compliance on EC2.  moto serves neither
ListInventoryEntries nor ListResourceComplianceSummaries: the test server
answers them in SSM's wire format."""
from __future__ import annotations

import json

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
