"""Shapes Custodian's documentation uses that c7n-lite must accept and mean the
same: scalar in/ni, annotation keys, value_from, value_path, op aliases, a bare
tag/mark, tag values that are numbers or look-ups."""
from __future__ import annotations

import json

import pytest
import yaml

from c7n_lite.filters.value import OPERATORS
from tests.test_filters_ec2 import launch


@pytest.fixture
def run(cli, write_policies):
    def go(text, key="InstanceId", dry=True):
        result = cli("run", *(["--dryrun"] if dry else []), write_policies(text))
        assert result.exit_code == 0, result.output
        names = [p["name"] for p in yaml.safe_load(text)["policies"]]
        return {n: result.ids(n, key) for n in names}, result
    return go


def test_in_and_ni_with_a_scalar_value_mean_what_custodian_means(aws, run):
    ec2 = aws("ec2")
    web = launch(ec2, Name="web-1")
    db = launch(ec2, Name="db-1")
    # Custodian evaluates `resource value in value`: on a string, a substring test.
    found, _ = run("""
policies:
  - name: in-scalar
    resource: ec2
    filters: [{type: value, key: "tag:Name", op: in, value: "web-1,web-2"}]
  - name: ni-scalar
    resource: ec2
    filters: [{type: value, key: "tag:Name", op: ni, value: "web-1,web-2"}]
  - name: not-in-list
    resource: ec2
    filters: [{type: value, key: "tag:Name", op: not-in, value: [web-1]}]
""")
    assert found == {"in-scalar": [web], "ni-scalar": [db], "not-in-list": [db]}


def test_annotation_keys_are_read_directly(aws, run):
    ec2 = aws("ec2")
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    open_sg = ec2.create_security_group(GroupName="open", Description="d", VpcId=vpc)["GroupId"]
    other = ec2.create_security_group(GroupName="other", Description="d", VpcId=vpc)["GroupId"]
    a = launch(ec2, groups=[open_sg])
    launch(ec2, groups=[other])
    found, _ = run(f"""
policies:
  - name: annotated
    resource: ec2
    filters:
      - {{type: security-group, key: GroupName, value: open}}
      - {{type: value, key: "c7n:matched-security-groups", op: contains, value: "{open_sg}"}}
  - name: annotation-absent
    resource: ec2
    filters:
      - {{type: value, key: "c7n:matched-security-groups", value: absent}}
""")
    assert found["annotated"] == [a]
    assert len(found["annotation-absent"]) == 2


def test_value_from_and_value_path(aws, run, tmp_path):
    ec2 = aws("ec2")
    a = launch(ec2, Name="web", Owner="web")
    b = launch(ec2, Name="db", Owner="someone")
    allowed = tmp_path / "names.json"
    allowed.write_text(json.dumps({"approved": ["web", "cache"]}))
    found, _ = run(f"""
policies:
  - name: approved-names
    resource: ec2
    filters:
      - type: value
        key: "tag:Name"
        op: in
        value_from: {{url: "file://{allowed}", format: json, expr: approved}}
  - name: owner-is-name
    resource: ec2
    filters:
      - type: value
        key: "Tags[?Key=='Owner'].Value | [0]"
        value_path: "Tags[?Key=='Name'].Value | [0]"
""")
    assert found == {"approved-names": [a], "owner-is-name": [a]}
    assert b not in found["approved-names"]


def test_every_op_alias_validates(cli, write_policies):
    items = "\n".join(f"      - {{type: value, key: InstanceType, op: {op}, value: "
                      f"{'[a]' if op in ('difference', 'intersect') else '1' if op == 'mod' else 'x'}}}"
                      for op in OPERATORS)
    result = cli("validate", write_policies(f"policies:\n  - name: ops\n    resource: ec2\n    filters:\n{items}\n"))
    assert result.exit_code == 0, result.output
    assert {"greater-than", "less-than", "not-equal", "equal", "gte", "lte", "not-in", "regex-case"} <= set(OPERATORS)


def test_tag_values_numbers_lookups_and_a_bare_mark(aws, run):
    ec2 = aws("ec2")
    a = launch(ec2, Name="web")
    b = launch(ec2, Name="db", Team="kept")
    found, _ = run("""
policies:
  - name: tag-shapes
    resource: ec2
    actions:
      - {type: tag, key: Tier, value: 3}
      - type: tag
        tags:
          CopyOfName: {type: resource, key: "Tags[?Key=='Name'].Value | [0]"}
          Team: {type: resource, default-value: platform}
          Region: "{region}"
      - mark
""", dry=False)
    assert sorted(found["tag-shapes"]) == sorted([a, b])
    got = {i["InstanceId"]: {t["Key"]: t["Value"] for t in i.get("Tags", [])}
           for r in ec2.describe_instances()["Reservations"] for i in r["Instances"]}
    assert got[a]["Tier"] == "3" and got[b]["Tier"] == "3"
    assert got[a]["CopyOfName"] == "web" and got[b]["CopyOfName"] == "db"
    assert got[a]["Team"] == "platform" and got[b]["Team"] == "kept"   # a default only where absent
    assert got[a]["Region"] == "us-east-1"
    assert "maid_status" not in got[a]                                  # a bare mark sets nothing
