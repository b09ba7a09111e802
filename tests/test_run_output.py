"""`c7n-lite run`: Custodian's output layout, the terminal summary, policy
selection, regions, failures that must not pass for "nothing found", and a dry
run that never changes anything (checked at the server)."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from c7n_lite.actions.core import Action, ApiCall
from c7n_lite.registry import actions
from tests.conftest import REGION, ROOT
from tests.run_helpers import summary_row
from tests.write_detector import writes

AMI = "ami-12c6146b"
POLICIES = """
policies:
  - name: dev-instances
    resource: aws.ec2
    filters:
      - tag:Env: dev
    actions:
      - stop
      - type: tag
        key: Reviewed
        value: "yes"
      - type: mark-for-op
        op: terminate
        days: 3
  - name: all-instances
    resource: ec2
"""


def launch(ec2, env, count=1):
    reply = ec2.run_instances(ImageId=AMI, MinCount=count, MaxCount=count, InstanceType="t3.micro",
                              TagSpecifications=[{"ResourceType": "instance",
                                                  "Tags": [{"Key": "Env", "Value": env}]}])
    return sorted(i["InstanceId"] for i in reply["Instances"])


def read(path):
    return json.loads(path.read_text())


def operations(server, name):
    return [r for r in server.requests if r.operation == name]


@pytest.fixture
def fleet(aws):
    ec2 = aws("ec2")
    return {"dev": launch(ec2, "dev", 2), "prod": launch(ec2, "prod", 1)}


def test_dry_run_output_layout(server, fleet, cli, write_policies):
    server.reset_log()
    result = cli("run", "--dryrun", write_policies(POLICIES))
    assert result.exit_code == 0, result.output
    out = result.output_dir / "dev-instances"
    assert {p.name for p in out.iterdir()} == {
        "resources.json", "metadata.json", "evaluated.json", "custodian-run.log", "plan.json"}

    matched = read(out / "resources.json")
    assert sorted(r["InstanceId"] for r in matched) == fleet["dev"]
    assert all(r["State"]["Name"] == "running" for r in matched)   # whole resources, not just ids
    every = sorted(fleet["dev"] + fleet["prod"])
    assert sorted(read(out / "evaluated.json")) == every

    meta = read(out / "metadata.json")
    assert meta["policy"]["name"] == "dev-instances"
    assert (meta["resource_type"], meta["region"]) == ("aws.ec2", REGION)
    assert meta["counts"] == {"evaluated": 3, "matched": 2, "passed": 1, "errored": 0, "gone": 0}
    # One describe for both policies (running at once: counted for whichever made it).
    both = [meta, read(result.output_dir / "all-instances" / "metadata.json")]
    assert [c for m in both for c in m["api_calls"]["by_operation"].items()] == [("ec2:DescribeInstances", 1)]
    assert meta["errors"] == []
    assert meta["execution"]["dryrun"] is True
    assert meta["execution"]["duration"] >= 0 and meta["execution"]["start"] <= meta["execution"]["end_time"]

    log = (out / "custodian-run.log").read_text()
    assert "policy dev-instances: resource aws.ec2, region us-east-1, dry run" in log
    # The shared describe counts for whichever of the two policies made it.
    assert re.search(r"policy dev-instances: evaluated 3, matched 2, [01] API calls", log)

    plan = read(out / "plan.json")
    assert [step["action"] for step in plan] == ["stop", "tag", "mark-for-op"]
    for step in plan:
        assert step["calls"], step
        assert sorted({rid for call in step["calls"] for rid in call["resource_ids"]}) == fleet["dev"]

    # the second policy: every instance, from the same describe
    assert sorted(r["InstanceId"] for r in result.resources("all-instances")) == every
    assert result.metadata("all-instances")["counts"] == {
        "evaluated": 3, "matched": 3, "passed": 0, "errored": 0, "gone": 0}
    assert read(result.output_dir / "all-instances" / "plan.json") == []

    assert writes(server) == []
    assert len(operations(server, "DescribeInstances")) == 1


def test_summary_has_one_line_per_policy(server, fleet, cli, write_policies):
    result = cli("run", "--dryrun", write_policies(POLICIES))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    policy_lines = [line for line in lines if not line.startswith(" ")]
    assert policy_lines[0].split() == ["POLICY", "RESOURCE", "REGION", "EVALUATED", "MATCHED", "ERRORED",
                                       "TIME", "STATUS"]
    dev = [line for line in policy_lines if line.startswith("dev-instances ")]
    every = [line for line in policy_lines if line.startswith("all-instances ")]
    assert len(dev) == 1 and len(every) == 1
    for name, matched in (("dev-instances", 2), ("all-instances", 3)):
        row = summary_row(result.output, name)
        # `resource: ec2` is shown as the type it is, aws.ec2
        assert (row["RESOURCE"], row["REGION"], row["STATUS"]) == ("aws.ec2", REGION, "ok")
        assert (row["EVALUATED"], row["MATCHED"], row["ERRORED"]) == ("3", str(matched), "0")
    assert policy_lines[-1].startswith("2 policies, 5 resources matched (dry run: nothing changed)")
    # the plan is shown under its policy
    assert any(line.strip().startswith("would stop:") for line in lines)


def test_real_run_writes_action_results_not_a_plan(server, fleet, cli, write_policies):
    server.reset_log()
    result = cli("run", write_policies(POLICIES.split("      - type: tag")[0]))
    assert result.exit_code == 0, result.output
    out = result.output_dir / "dev-instances"
    assert not (out / "plan.json").exists()
    outcomes = read(out / "action-stop.json")
    assert sorted(o["resource_id"] for o in outcomes) == fleet["dev"]
    assert {o["status"] for o in outcomes} == {"done"}
    assert read(out / "metadata.json")["execution"]["dryrun"] is False
    assert [w.operation for w in writes(server)] == ["StopInstances"]


def test_policy_selection_by_name_and_glob(server, fleet, cli, write_policies):
    path = write_policies(POLICIES)
    result = cli("run", "--dryrun", "-p", "dev-*", path)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in result.output_dir.iterdir()) == ["dev-instances"]
    assert "all-instances" not in result.output

    second = str(result.output_dir) + "-2"
    result = cli("run", "--dryrun", "-p", "all-instances", "-p", "nothing", path, output_dir=second)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in result.output_dir.iterdir()) == ["all-instances"]

    result = cli("run", "--dryrun", "-p", "no-such-policy", path)
    assert result.exit_code == 1
    assert "no policy matches no-such-policy" in result.output


def test_several_regions_write_a_directory_per_region(server, aws, cli, write_policies):
    east = launch(aws("ec2", "us-east-1"), "dev")
    west = launch(aws("ec2", "us-west-2"), "dev", 2)
    server.reset_log()
    result = cli("run", "--dryrun", "-r", "us-east-1", "-r", "us-west-2", write_policies(POLICIES))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in result.output_dir.iterdir()) == ["us-east-1", "us-west-2"]
    for region, ids in (("us-east-1", east), ("us-west-2", west)):
        assert sorted(p.name for p in (result.output_dir / region).iterdir()) == ["all-instances", "dev-instances"]
        assert sorted(r["InstanceId"] for r in result.resources("dev-instances", region)) == ids
        assert result.metadata("dev-instances", region)["region"] == region
    assert len(operations(server, "DescribeInstances")) == 2   # once per region
    assert len([line for line in result.output.splitlines() if line.startswith("dev-instances ")]) == 2
    assert writes(server) == []


def test_describe_once_for_all_policies_on_a_type(server, fleet, cli, write_policies):
    text = "policies:\n" + "".join(
        f"  - name: p{n}\n    resource: {rtype}\n    filters: [{{'tag:Env': {env}}}]\n"
        for n, (rtype, env) in enumerate([("aws.ec2", "dev"), ("ec2", "prod"), ("aws.ec2", "absent")]))
    server.reset_log()
    result = cli("run", "--dryrun", write_policies(text))
    assert result.exit_code == 0, result.output
    assert len(operations(server, "DescribeInstances")) == 1
    assert [len(result.resources(f"p{n}")) for n in range(3)] == [2, 1, 0]
    assert sum(result.metadata(f"p{n}")["api_calls"]["total"] for n in range(3)) == 1


UNAUTHORIZED = ('<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error>'
                '<Code>UnauthorizedOperation</Code><Message>You are not authorized to perform this operation.'
                '</Message></Error></Errors><RequestID>injected</RequestID></Response>')


def test_a_failed_describe_is_an_error_not_an_empty_result(server, fleet, cli, write_policies):
    server.hooks.append(lambda request: (403, UNAUTHORIZED) if request.operation == "DescribeInstances" else None)
    path = write_policies(POLICIES + "  - name: volumes\n    resource: aws.ebs\n")
    result = cli("run", "--dryrun", path)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    for name in ("dev-instances", "all-instances"):
        meta = result.metadata(name)
        assert meta["errors"] and meta["errors"][0]["stage"] == "resources"
        assert "UnauthorizedOperation" in meta["errors"][0]["error"]
        assert not (result.output_dir / name / "resources.json").exists()
        row = summary_row(result.output, name)
        assert row["STATUS"] == "FAILED"
        assert row["EVALUATED"] == row["MATCHED"] == "-"   # not "0": nothing is known
    assert "UnauthorizedOperation" in result.output
    assert "3 policies, 3 resources matched, 2 FAILED" in result.output
    assert "You are not authorized" in (result.output_dir / "dev-instances" / "custodian-run.log").read_text()
    # the other policy still ran
    assert result.metadata("volumes")["errors"] == []
    assert len(result.resources("volumes")) == 3   # the instances' root volumes


def test_a_throttled_describe_is_retried_not_cut_short(server, fleet, cli, write_policies):
    throttled = []

    def throttle_once(request):
        if request.operation == "DescribeInstances" and not throttled:
            throttled.append(request)
            return 400, UNAUTHORIZED.replace("UnauthorizedOperation", "RequestLimitExceeded")
        return None

    server.hooks.append(throttle_once)
    server.reset_log()
    result = cli("run", "--dryrun", write_policies(POLICIES))
    assert result.exit_code == 0, result.output
    assert len(throttled) == 1 and len(operations(server, "DescribeInstances")) == 2
    assert result.metadata("all-instances")["counts"]["evaluated"] == 3


def test_a_failure_after_a_good_run_removes_the_stale_results(server, fleet, cli, write_policies):
    path = write_policies(POLICIES)
    first = cli("run", "--dryrun", path)
    assert first.exit_code == 0 and len(first.resources("dev-instances")) == 2
    server.hooks.append(lambda request: (403, UNAUTHORIZED) if request.operation == "DescribeInstances" else None)
    second = cli("run", "--dryrun", path, output_dir=str(first.output_dir))
    assert second.exit_code == 1
    assert not (second.output_dir / "dev-instances" / "resources.json").exists()
    assert second.metadata("dev-instances")["errors"]


class PlansWrites(Action):
    """Test-only: plans a create_tags and a custom step that would delete tags."""

    type = "test-plans-writes"

    def plan(self, resources, event=None):
        ids = [r["InstanceId"] for r in resources]
        return [ApiCall("ec2", "create_tags", {"Resources": ids, "Tags": [{"Key": "x", "Value": "y"}]}, ids,
                        "tag them", ids_param="Resources"),
                ApiCall("ec2", "delete_tags", {"Resources": ids}, ids, "untag them",
                        run=lambda session: session.client("ec2").delete_tags(Resources=ids))]


class WritesWhilePlanning(Action):
    """Test-only: a buggy action that calls a mutating API while planning."""

    type = "test-writes-while-planning"

    def plan(self, resources, event=None):
        self.manager.session.client("ec2").create_tags(
            Resources=[r["InstanceId"] for r in resources], Tags=[{"Key": "oops", "Value": "1"}])
        return []


@pytest.fixture
def registered_test_only_actions(monkeypatch):
    # Registered for this test only (the registry is global to the process).
    for cls in (PlansWrites, WritesWhilePlanning):
        monkeypatch.setitem(actions._scoped, ("aws.ec2", cls.type), cls)


def test_dry_run_sends_no_mutating_request(server, fleet, cli, write_policies, registered_test_only_actions, caplog):
    path = write_policies("""
policies:
  - name: everything
    resource: aws.ec2
    actions:
      - stop
      - terminate
      - type: tag
        tags: {Owner: nobody}
      - type: remove-tag
        tags: [Env]
      - type: mark-for-op
        op: stop
        days: 1
      - test-plans-writes
  - name: buggy
    resource: aws.ec2
    actions:
      - test-writes-while-planning
""")
    server.reset_log()
    result = cli("run", "--dryrun", path)
    assert writes(server) == []
    assert len(operations(server, "DescribeInstances")) == 1
    plan = read(result.output_dir / "everything" / "plan.json")
    assert [step["action"] for step in plan] == ["stop", "terminate", "tag", "remove-tag", "mark-for-op",
                                                 "test-plans-writes"]
    assert [c["operation"] for c in plan[-1]["calls"]] == ["create_tags", "delete_tags"]
    # the buggy action is stopped before its request is sent, and the policy fails
    assert result.exit_code == 1
    errors = result.metadata("buggy")["errors"]
    assert errors and "dry run: refusing to call ec2:CreateTags" in errors[0]["error"]
    assert result.metadata("everything")["errors"] == []
    # one line for the user, not a traceback
    assert [r.getMessage() for r in caplog.records if r.exc_info] == []
    assert "error (action:test-writes-while-planning): dry run: refusing to call ec2:CreateTags" in result.output


def test_sandbox_dry_run_of_the_example_policies(tmp_path):
    """The README's command, as a user runs it: a fresh process, the embedded account."""
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "cli.py", "run", "policies/", "--dryrun", "--sandbox", "-s", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert "(dry run: nothing changed)" in done.stdout
    assert any(out.rglob("resources.json"))
