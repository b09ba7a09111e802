"""The safety limits Custodian users rely on, a run's shared cache after deletes,
per-policy progress, and Ctrl-C."""
from __future__ import annotations

import json
import os
import signal

from tests.test_actions_ec2 import action_results, launch, states


def stop_policy(extra: str) -> str:
    return f"""
policies:
  - name: stop-dev
    resource: aws.ec2
{extra}
    filters:
      - "tag:env": dev
    actions: [stop]
"""


def test_max_resources_stops_every_action(aws, cli, write_policies):
    ec2 = aws("ec2")
    ids = launch(ec2, 3, {"env": "dev"})
    result = cli("run", write_policies(stop_policy("    max-resources: 1")))
    assert result.exit_code == 1
    assert set(states(ec2, ids).values()) == {"running"}
    meta = result.metadata("stop-dev")
    assert meta["actions"] == []
    [error] = meta["errors"]
    assert error["stage"] == "max-resources"
    assert "matched 3 of 3 resources, over the policy's max-resources 1: no action was run" in error["error"]
    assert "over the policy's max-resources 1" in result.output


def test_max_resources_percent_and_the_amount_or_percent_form(aws, cli, write_policies):
    ec2 = aws("ec2")
    dev = launch(ec2, 2, {"env": "dev"})
    launch(ec2, 2, {"env": "prod"})
    over = cli("run", write_policies(stop_policy("    max-resources-percent: 25")))
    assert over.exit_code == 1 and set(states(ec2, dev).values()) == {"running"}
    # amount 1 is exceeded, 60% is not: with op `and` both must be exceeded, so the action runs
    ok = cli("run", write_policies(stop_policy("    max-resources: {amount: 1, percent: 60, op: and}")))
    assert ok.exit_code == 0, ok.output
    assert set(states(ec2, dev).values()) == {"stopped"}


def test_under_the_limit_the_actions_run(aws, cli, write_policies):
    ec2 = aws("ec2")
    ids = launch(ec2, 2, {"env": "dev"})
    result = cli("run", write_policies(stop_policy("    max-resources: 2")))
    assert result.exit_code == 0, result.output
    assert set(states(ec2, ids).values()) == {"stopped"}


def test_a_policy_region_runs_only_there(aws, cli, write_policies):
    launch(aws("ec2", "us-west-2"), 1, {"env": "dev"})
    launch(aws("ec2", "us-east-1"), 1, {"env": "dev"})
    path = write_policies("""
policies:
  - name: west-only
    resource: aws.ec2
    region: us-west-2
""")
    result = cli("run", "--dryrun", "-r", "us-east-1", "-r", "us-west-2", path)
    assert result.exit_code == 0, result.output
    assert len(result.resources("west-only", "us-west-2")) == 1
    assert not (result.output_dir / "us-east-1" / "west-only" / "metadata.json").exists()
    assert "skipped: conditions not met" in result.output


def test_a_deleted_resource_is_not_seen_by_later_policies(aws, cli, write_policies, server):
    ec2 = aws("ec2")
    volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"]
    old = ec2.create_snapshot(VolumeId=volume, Description="old")["SnapshotId"]
    kept = ec2.create_snapshot(VolumeId=volume, Description="kept")["SnapshotId"]
    result = cli("run", write_policies("""
policies:
  - name: delete-old
    resource: aws.ebs-snapshot
    filters: [{Description: old}]
    actions: [delete]
  - name: every-snapshot
    resource: aws.ebs-snapshot
    actions: [{type: tag, key: Seen, value: "yes"}]
"""))
    assert result.exit_code == 0, result.output
    assert result.ids("every-snapshot", "SnapshotId") == [kept]
    assert result.metadata("every-snapshot")["counts"]["evaluated"] == 1
    assert [s["SnapshotId"] for s in ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]] == [kept]
    assert old != kept


def test_each_policy_is_reported_as_it_finishes(aws, server, write_policies, tmp_path):
    from c7n_lite.runner import run_policies
    from c7n_lite.schema import load_policies
    launch(aws("ec2"), 1, {"env": "dev"})
    aws("s3").create_bucket(Bucket="progress-bucket")
    specs, errors = load_policies([write_policies("""
policies:
  - name: first
    resource: aws.ec2
  - name: second
    resource: aws.s3
    filters: [{type: global-grants}]
""")])
    assert not errors
    heard: list[tuple[str, int]] = []
    server.reset_log()

    def on_result(run):
        heard.append((run.policy, sum(1 for r in server.requests if r.service == "s3" and "acl" in r.query)))
    run_policies([s.data for s in specs], str(tmp_path / "out"), ["us-east-1"], True,
                 endpoint_url=server.endpoint, on_result=on_result, workers=1)
    # one at a time: `first` was reported before `second` read any ACL (both types
    # were described first, before either policy evaluated)
    assert heard[0] == ("first", 0) and heard[1][0] == "second" and heard[1][1] >= 1


def test_ctrl_c_finishes_the_calls_in_flight_records_them_and_exits_130(aws, cli, write_policies, server):
    ec2 = aws("ec2")
    ids = launch(ec2, 2, {"env": "dev"})

    def interrupt(request):
        if request.operation == "CreateTags":
            server.hooks.clear()
            os.kill(os.getpid(), signal.SIGINT)   # as Ctrl-C would, while the call is in flight
        return None
    server.hooks.append(interrupt)
    result = cli("run", "-j", "1", write_policies("""
policies:
  - name: tag-then-stop
    resource: aws.ec2
    actions:
      - {type: tag, key: Checked, value: "yes"}
      - stop
  - name: never-runs
    resource: aws.ec2
"""))
    assert result.exit_code == 130, result.output
    # the tag call in flight completed and is recorded; stop never started
    assert [o["status"] for o in action_results(result, "tag-then-stop", "tag")] == ["done", "done"]
    assert not (result.output_dir / "tag-then-stop" / "action-stop.json").exists()
    assert set(states(ec2, ids).values()) == {"running"}
    tags = ec2.describe_tags(Filters=[{"Name": "key", "Values": ["Checked"]}])["Tags"]
    assert len(tags) == 2
    meta = json.loads((result.output_dir / "tag-then-stop" / "metadata.json").read_text())
    assert any("interrupted" in e["error"] for e in meta["errors"])
    assert not (result.output_dir / "never-runs").exists()
    assert "tag-then-stop" in result.output and "interrupted: the rest did not run" in result.output


def test_policies_run_at_once_report_in_a_stable_order(aws, server, write_policies, tmp_path):
    from c7n_lite.runner import run_policies
    from c7n_lite.schema import load_policies
    launch(aws("ec2"), 2, {"env": "dev"})
    text = "policies:\n" + "".join(f"  - name: p{n}\n    resource: aws.{'ec2' if n % 2 else 's3'}\n"
                                    for n in range(8))
    specs, _ = load_policies([write_policies(text)])
    server.reset_log()
    heard = []
    runs = run_policies([s.data for s in specs], str(tmp_path / "out"), ["us-east-1", "us-west-2"], True,
                        endpoint_url=server.endpoint, on_result=lambda r: heard.append((r.region, r.policy)),
                        workers=8)
    expected = [(region, f"p{n}") for region in ("us-east-1", "us-west-2") for n in range(8)]
    assert heard == expected and [(r.region, r.policy) for r in runs] == expected
    # one describe per type and region however many policies ran at once
    describes = [r for r in server.requests if r.operation == "DescribeInstances"]
    assert len(describes) == 2
    assert sum(r.api_calls.get("ec2:DescribeInstances", 0) for r in runs) == 2
