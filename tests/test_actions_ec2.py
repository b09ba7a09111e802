"""EC2 stop / start / terminate, read back from the (moto) account."""
from __future__ import annotations

import json

from tests.write_detector import writes

AMI = "ami-12c6146b"


def launch(ec2, count=1, tags=None):
    spec = {"ImageId": AMI, "MinCount": count, "MaxCount": count, "InstanceType": "t3.micro"}
    if tags:
        spec["TagSpecifications"] = [{"ResourceType": "instance",
                                      "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}]
    return [i["InstanceId"] for i in ec2.run_instances(**spec)["Instances"]]


def states(ec2, ids):
    found = ec2.describe_instances(InstanceIds=ids)["Reservations"]
    return {i["InstanceId"]: i["State"]["Name"] for r in found for i in r["Instances"]}


def action_results(result, policy, action):
    return json.loads((result.output_dir / policy / f"action-{action}.json").read_text())


def test_stop_stops_only_the_matched_running_instances(aws, cli, write_policies):
    ec2 = aws("ec2")
    dev = launch(ec2, 2, {"Env": "dev"})
    prod = launch(ec2, 1, {"Env": "prod"})
    path = write_policies("""
policies:
  - name: stop-dev
    resource: aws.ec2
    filters: [{"tag:Env": dev}]
    actions: [stop]
""")
    result = cli("run", path)
    assert result.exit_code == 0, result.output
    assert set(states(ec2, dev).values()) == {"stopped"}
    assert states(ec2, prod)[prod[0]] == "running"
    assert sorted(o["resource_id"] for o in action_results(result, "stop-dev", "stop")) == sorted(dev)
    assert "stop: done 2" in result.output


def test_start_starts_stopped_and_skips_running(aws, cli, write_policies):
    ec2 = aws("ec2")
    stopped = launch(ec2, 1)
    running = launch(ec2, 1)
    ec2.stop_instances(InstanceIds=stopped)
    result = cli("run", write_policies("""
policies:
  - name: start-all
    resource: ec2
    actions: [start]
"""))
    assert result.exit_code == 0, result.output
    assert states(ec2, stopped)[stopped[0]] == "running"
    by_id = {o["resource_id"]: o for o in action_results(result, "start-all", "start")}
    assert by_id[stopped[0]]["status"] == "done"
    assert by_id[running[0]]["status"] == "skipped"
    assert by_id[running[0]]["reason"] == "instance is running"


def test_terminate_skips_protected_instances_without_force(aws, cli, write_policies):
    ec2 = aws("ec2")
    plain, protected = launch(ec2, 1)[0], launch(ec2, 1)[0]
    ec2.modify_instance_attribute(InstanceId=protected, DisableApiTermination={"Value": True})
    result = cli("run", write_policies("""
policies:
  - name: kill
    resource: ec2
    actions: [terminate]
"""))
    assert states(ec2, [plain])[plain] == "terminated"
    assert states(ec2, [protected])[protected] == "running"
    by_id = {o["resource_id"]: o for o in action_results(result, "kill", "terminate")}
    assert by_id[protected]["status"] == "skipped"
    assert "termination protection" in by_id[protected]["reason"]
    assert "force: true" in result.output


def test_terminate_with_force_turns_protection_off_first(aws, cli, write_policies):
    ec2 = aws("ec2")
    protected = launch(ec2, 1)[0]
    ec2.modify_instance_attribute(InstanceId=protected, DisableApiTermination={"Value": True})
    result = cli("run", write_policies("""
policies:
  - name: kill-hard
    resource: ec2
    actions: [{type: terminate, force: true}]
"""))
    assert result.exit_code == 0, result.output
    assert states(ec2, [protected])[protected] == "terminated"


def test_dry_run_plans_stop_and_changes_nothing(aws, cli, write_policies, server):
    ec2 = aws("ec2")
    ids = launch(ec2, 3)
    server.reset_log()
    result = cli("run", "--dryrun", write_policies("""
policies:
  - name: stop-plan
    resource: ec2
    actions: [stop, {type: tag, key: Owner, value: alice}]
"""))
    assert result.exit_code == 0, result.output
    assert writes(server) == []
    assert set(states(ec2, ids).values()) == {"running"}
    assert "would stop: ec2.stop_instances on" in result.output
    assert "would tag: ec2.create_tags on" in result.output and "— Owner=alice" in result.output
    plan = json.loads((result.output_dir / "stop-plan" / "plan.json").read_text())
    stop = plan[0]["calls"][0]
    assert stop["operation"] == "stop_instances" and sorted(stop["params"]["InstanceIds"]) == sorted(ids)
