"""The tag family on EC2, read back from the account; marks read back by marked-for-op."""
from __future__ import annotations

import json

import pytest

from tests.test_actions_ec2 import launch


def tags_of(ec2, instance_id):
    found = ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [instance_id]}])["Tags"]
    return {t["Key"]: t["Value"] for t in found}


def test_tag_sets_key_value_and_map(aws, cli, write_policies):
    ec2 = aws("ec2")
    ids = launch(ec2, 2)
    result = cli("run", write_policies("""
policies:
  - name: tag-owner
    resource: ec2
    actions:
      - {type: tag, key: Owner, value: alice}
      - {type: tag, tags: {Env: dev, CostCenter: "42"}}
"""))
    assert result.exit_code == 0, result.output
    for i in ids:
        assert tags_of(ec2, i) == {"Owner": "alice", "Env": "dev", "CostCenter": "42"}
    # each of the two tag actions has its own results file
    for name in ("action-tag.json", "action-tag-2.json"):
        results = json.loads((result.output_dir / "tag-owner" / name).read_text())
        assert sorted(o["resource_id"] for o in results if o["status"] == "done") == sorted(ids)


def test_remove_tag_and_rename_tag(aws, cli, write_policies):
    ec2 = aws("ec2")
    a = launch(ec2, 1, {"Team": "red", "Old": "x"})[0]
    b = launch(ec2, 1, {"Team": "blue"})[0]
    result = cli("run", write_policies("""
policies:
  - name: tidy
    resource: ec2
    actions:
      - {type: rename-tag, old_key: Team, new_key: team}
      - {type: remove-tag, tags: [Old]}
"""))
    assert result.exit_code == 0, result.output
    assert tags_of(ec2, a) == {"team": "red"}
    assert tags_of(ec2, b) == {"team": "blue"}
    removed = json.loads((result.output_dir / "tidy" / "action-remove-tag.json").read_text())
    assert {o["resource_id"]: o["status"] for o in removed} == {a: "done", b: "skipped"}


def test_mark_for_op_writes_custodians_format(aws, cli, write_policies, monkeypatch):
    monkeypatch.setenv("C7N_LITE_NOW", "2030-01-10T09:30:00Z")
    ec2 = aws("ec2")
    i = launch(ec2, 1)[0]
    result = cli("run", write_policies("""
policies:
  - name: mark
    resource: ec2
    actions:
      - {type: mark-for-op, op: stop, days: 3}
      - {type: mark-for-op, op: terminate, tag: custodian_cleanup, hours: 6, msg: "Unowned: {op}@{action_date}"}
"""))
    assert result.exit_code == 0, result.output
    tags = tags_of(ec2, i)
    assert tags["maid_status"] == "Resource does not meet policy: stop@2030/01/13"
    assert tags["custodian_cleanup"] == "Unowned: terminate@2030/01/10 1530 UTC"


def test_mark_for_op_without_days_marks_four_days_on(aws, cli, write_policies, monkeypatch):
    """Custodian's documented default: neither `days` nor `hours` means 4 days."""
    monkeypatch.setenv("C7N_LITE_NOW", "2030-01-10T09:30:00Z")
    ec2 = aws("ec2")
    i = launch(ec2, 1)[0]
    result = cli("run", write_policies("""
policies:
  - name: mark-default
    resource: ec2
    actions: [{type: mark-for-op, op: stop}]
""", "mark.yml"))
    assert result.exit_code == 0, result.output
    assert tags_of(ec2, i)["maid_status"] == "Resource does not meet policy: stop@2030/01/14"
    due = write_policies("""
policies:
  - name: due
    resource: ec2
    filters: [{type: marked-for-op, op: stop}]
""", "due.yml")
    monkeypatch.setenv("C7N_LITE_NOW", "2030-01-13T23:59:00Z")
    assert cli("run", "--dryrun", due).ids("due", "InstanceId") == []
    monkeypatch.setenv("C7N_LITE_NOW", "2030-01-14T00:00:00Z")
    assert cli("run", "--dryrun", due).ids("due", "InstanceId") == [i]


@pytest.mark.parametrize("now,skew,due", [
    ("2030-01-12T23:00:00Z", 0, False),
    ("2030-01-13T00:00:00Z", 0, True),
    ("2030-01-12T00:00:00Z", 1, True),
])
def test_marked_for_op_matches_when_due(aws, cli, write_policies, monkeypatch, now, skew, due):
    ec2 = aws("ec2")
    marked = launch(ec2, 1, {"maid_status": "Resource does not meet policy: stop@2030/01/13"})[0]
    launch(ec2, 1, {"maid_status": "Resource does not meet policy: terminate@2020/01/01"})
    launch(ec2, 1)
    monkeypatch.setenv("C7N_LITE_NOW", now)
    result = cli("run", "--dryrun", write_policies(f"""
policies:
  - name: due
    resource: ec2
    filters: [{{type: marked-for-op, op: stop, skew: {skew}}}]
"""))
    assert result.exit_code == 0, result.output
    assert result.ids("due", "InstanceId") == ([marked] if due else [])


def test_marked_for_op_reads_hours_marks_with_zone_and_tz_option(aws, cli, write_policies, monkeypatch):
    ec2 = aws("ec2")
    i = launch(ec2, 1, {"maid_status": "Resource does not meet policy: stop@2030/01/13 1400 UTC"})[0]
    monkeypatch.setenv("C7N_LITE_NOW", "2030-01-13T13:30:00Z")
    path = write_policies("""
policies:
  - name: due-hours
    resource: ec2
    filters: [{type: marked-for-op, op: stop, skew_hours: 1, tz: et}]
""")
    assert cli("run", "--dryrun", path).ids("due-hours", "InstanceId") == [i]
    monkeypatch.setenv("C7N_LITE_NOW", "2030-01-13T12:30:00Z")
    assert cli("run", "--dryrun", path).ids("due-hours", "InstanceId") == []


def test_mark_then_unmark_round_trip(aws, cli, write_policies):
    ec2 = aws("ec2")
    i = launch(ec2, 1)[0]
    cli("run", write_policies("""
policies:
  - name: mark-now
    resource: ec2
    actions: [{type: mark-for-op, op: stop, days: 0}]
""", "mark.yml"))
    due = cli("run", "--dryrun", write_policies("""
policies:
  - name: is-due
    resource: ec2
    filters: [{type: marked-for-op, op: stop}]
""", "due.yml"))
    assert due.ids("is-due", "InstanceId") == [i]
    cli("run", write_policies("""
policies:
  - name: unmark
    resource: ec2
    actions: [unmark]
""", "unmark.yml"))
    assert "maid_status" not in tags_of(ec2, i)


def test_bad_timezone_is_a_validation_error(cli, write_policies):
    result = cli("validate", write_policies("""
policies:
  - name: bad-tz
    resource: ec2
    actions: [{type: mark-for-op, op: stop, tz: Mars/Olympus}]
"""))
    assert result.exit_code == 1
    assert "unknown time zone 'Mars/Olympus'" in result.output


def test_tagging_1000_instances_takes_one_create_tags_call(aws, cli, write_policies, server):
    ec2 = aws("ec2")
    ec2.run_instances(ImageId="ami-12c6146b", MinCount=1000, MaxCount=1000, InstanceType="t3.nano")
    server.reset_log()
    result = cli("run", write_policies("""
policies:
  - name: tag-fleet
    resource: ec2
    actions: [{type: tag, key: Owner, value: fleet}]
"""))
    assert result.exit_code == 0, result.output
    calls = [r.operation for r in server.requests]
    assert calls.count("CreateTags") == 1
    assert len(calls) < 10, calls
    meta = result.metadata("tag-fleet")
    assert meta["actions"][0]["done"] == 1000


def test_marks_made_in_another_zone_come_due_at_the_right_instant(aws, cli, write_policies, monkeypatch):
    ec2 = aws("ec2")
    i = launch(ec2, 1)[0]
    monkeypatch.setenv("C7N_LITE_NOW", "2030-01-13T12:00:00Z")
    cli("run", write_policies("""
policies:
  - name: mark-et
    resource: ec2
    actions: [{type: mark-for-op, op: stop, hours: 2, tz: et}]
""", "mark.yml"))
    assert tags_of(ec2, i)["maid_status"] == "Resource does not meet policy: stop@2030/01/13 0900 EST"
    due = write_policies("""
policies:
  - name: due-et
    resource: ec2
    filters: [{type: marked-for-op, op: stop}]
""", "due.yml")
    monkeypatch.setenv("C7N_LITE_NOW", "2030-01-13T13:59:00Z")
    assert cli("run", "--dryrun", due).ids("due-et", "InstanceId") == []
    monkeypatch.setenv("C7N_LITE_NOW", "2030-01-13T14:00:00Z")
    assert cli("run", "--dryrun", due).ids("due-et", "InstanceId") == [i]


def test_custodian_aliases_mark_and_untag(aws, cli, write_policies):
    ec2 = aws("ec2")
    i = launch(ec2, 1, {"maid_status": "Resource does not meet policy: stop@2030/01/01", "Tmp": "1"})[0]
    result = cli("run", write_policies("""
policies:
  - name: aliases
    resource: ec2
    actions:
      - {type: mark, key: Owner, value: alice}
      - {type: untag, tags: [Tmp]}
      - remove-tag
"""))
    assert result.exit_code == 0, result.output
    assert tags_of(ec2, i) == {"Owner": "alice"}


def test_mark_for_op_op_is_checked_at_validation(cli, write_policies):
    result = cli("validate", write_policies("""
policies:
  - name: typo
    resource: ec2
    actions: [{type: mark-for-op, op: stpo}]
"""))
    assert result.exit_code == 1
    assert "op 'stpo' is not an action of aws.ec2 (did you mean 'stop'?)" in result.output
    assert ":5: policy 'typo': action 'mark-for-op'" in result.output
