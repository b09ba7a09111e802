"""`c7n-lite schema` and `c7n-lite version`: what a user asks the CLI about the policy language."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from tests.conftest import ROOT


def test_version_names_c7n_lite_boto3_and_botocore(cli):
    import platform
    from importlib.metadata import version

    import boto3
    import botocore
    result = cli("version")
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        f"c7n_lite {version('c7n-lite')}", f"boto3 {boto3.__version__}", f"botocore {botocore.__version__}",
        f"python {platform.python_version()}"]

EXAMPLES = sorted((ROOT / "policies").rglob("*.yml"))


def out_lines(result):
    return [line for line in result.output.splitlines() if line]


def test_an_action_with_its_options_permissions_and_example(cli):
    result = cli("schema", "aws.ec2.actions.stop")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "aws.ec2.actions.stop",
        "  Stop running instances.",
        "options:",
        "  force      boolean",
        "  hibernate  boolean",
        "IAM permissions: ec2:StopInstances",
        "example:",
        "  actions:",
        "  - stop",
    ]


def test_a_filter_with_typed_options_and_a_valid_example(cli):
    result = cli("schema", "aws.ec2.filters.value")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:3] == ["aws.ec2.filters.value", "  Compare a field of the resource with a value.", "options:"]
    options = lines[3:lines.index("IAM permissions: none")]
    assert [o.split()[0] for o in options] == sorted(o.split()[0] for o in options)
    assert "  key                 string" in options
    assert "  value               any" in options
    assert any(o.startswith("  op                  one of: contains, difference, eq,") for o in options)
    assert lines[-5:] == ["example:", "  filters:", "  - type: value", "    key: tag:Owner", "    value: absent"]


def test_defaults_and_bounds_are_shown(cli):
    lines = cli("schema", "aws.ec2.filters.tag-count").output.splitlines()
    assert "  count  integer ≥ 0, default 10" in lines
    assert "  op     one of: contains, difference, eq, equal, ge, glob, greater-than, gt, gte, in, intersect, le, " \
           "less-than, lt, lte, mod, ne, ni, not-equal, not-in, regex, regex-case, default 'gte'" in lines
    mode = cli("schema", "mode.cloudtrail").output.splitlines()
    assert "  timeout            integer from 1 to 900" in mode
    assert "  events             list of string or mapping, required" in mode
    assert mode[-4:] == ["  mode:", "    type: cloudtrail", "    events:", "    - RunInstances"]


def test_lists_of_filters_actions_resources_and_modes_are_sorted(cli):
    from c7n_lite.policy import resource_type_for
    rt = resource_type_for("aws.ec2")
    for section, names in (("filters", rt.filter_names()), ("actions", rt.action_names())):
        result = cli("schema", f"aws.ec2.{section}")
        assert result.exit_code == 0
        lines = out_lines(result)
        assert lines[0] == f"aws.ec2.{section}:"
        assert [line.split()[0] for line in lines[1:]] == sorted(names)
    assert cli("schema", "ec2.filters").output == cli("schema", "aws.ec2.filters").output
    assert "  and                          All of the listed filters match." in cli("schema", "ec2.filters").output
    listed = out_lines(cli("schema"))
    assert listed == sorted(listed) and "aws.ec2" in listed
    modes = cli("schema", "--modes")
    assert modes.exit_code == 0 and modes.output == cli("schema", "mode").output
    assert [line.split()[0] for line in out_lines(modes)] == [
        "cloudtrail", "config-rule", "ec2-instance-state", "periodic", "pull", "schedule"]
    assert "  periodic            Runs the policy as a scan on a schedule" in modes.output


def test_a_resource_names_its_filters_actions_and_read_permissions(cli):
    lines = out_lines(cli("schema", "aws.ec2"))
    assert lines[0].startswith("aws.ec2: EC2 instances.")
    assert lines[1].startswith("filters (") and ", value, vpc" in lines[1]
    assert lines[2].startswith("actions (") and ", start, stop, tag," in lines[2]
    assert lines[3] == "read permissions: ec2:DescribeInstances, ec2:DescribeTags"


@pytest.mark.parametrize("path, message", [
    ("aws.ecc2", "unknown resource 'aws.ecc2' (did you mean 'aws.ec2'?)"),
    ("aws.glue-job.filters", "unknown resource 'aws.glue-job': a Cloud Custodian resource type that c7n_lite "
                             "does not support yet"),
    ("aws.ec2.filterz", "unknown part 'filterz' of aws.ec2 (did you mean 'filters'?): "
                        "expected aws.ec2.filters or aws.ec2.actions"),
    ("aws.ec2.filters.vaule", "unknown filter 'vaule' for aws.ec2 (did you mean 'value'?)"),
    ("aws.ec2.filters.health-event", "unknown filter 'health-event' for aws.ec2: a Cloud Custodian filter of "
                                     "aws.ec2 that c7n_lite does not support yet"),
    ("aws.ec2.actions.stopp", "unknown action 'stopp' for aws.ec2 (did you mean 'stop'?)"),
    ("mode.hub-finding", "unknown mode type 'hub-finding': a Cloud Custodian mode that c7n_lite does not support yet"),
    ("mode.peridic", "unknown mode type 'peridic' (did you mean 'periodic'?)"),
])
def test_a_path_naming_nothing_is_one_line_and_exit_1(cli, path, message):
    result = cli("schema", path)
    assert result.exit_code == 1
    assert out_lines(result) == [message]


def test_json_of_a_path_is_that_part_only(cli):
    ec2 = json.loads(cli("schema", "aws.ec2", "--json").output)
    assert list(ec2["definitions"]["resources"]) == ["aws.ec2"]
    validator = jsonschema.Draft7Validator(ec2)
    assert validator.is_valid(yaml.safe_load((ROOT / "policies" / "ec2.yml").read_text()))
    assert not validator.is_valid({"policies": [{"name": "b", "resource": "aws.s3"}]})
    value = json.loads(cli("schema", "aws.ec2.filters.value", "--json").output)
    assert value["properties"]["type"] == {"enum": ["value"]}
    assert value["description"] == "Compare a field of the resource with a value."
    assert sorted(json.loads(cli("schema", "--modes", "--json").output)) == \
        ["cloudtrail", "config-rule", "ec2-instance-state", "periodic", "pull", "schedule"]


@pytest.fixture(scope="module")
def exported():
    from click.testing import CliRunner

    from c7n_lite.cli import main
    result = CliRunner().invoke(main, ["schema", "--json"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def test_examples_cover_the_compliance_packs():
    assert any(p.parent.name == "compliance" for p in EXAMPLES) and len(EXAMPLES) > 20


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: str(p.relative_to(ROOT / "policies")))
def test_every_example_policy_validates_against_the_exported_json_schema(exported, path):
    """What a YAML language server does with `# yaml-language-server: $schema=...`."""
    document = yaml.safe_load(path.read_text())
    errors = [e.message[:200] for e in exported.iter_errors(document)]
    assert errors == []


@pytest.mark.parametrize("policy", [
    {"name": "a", "resource": "aws.ecc2"},
    {"name": "a", "resource": "aws.ec2", "filters": [{"type": "vaule"}]},
    {"name": "a", "resource": "aws.ec2", "filters": [{"or": [{"type": "instance-agee"}]}]},
    {"name": "a", "resource": "aws.ec2", "filters": [{"type": "value", "key": "k", "value": 1, "op": "greater"}]},
    {"name": "a", "resource": "aws.ec2", "actions": ["stopp"]},
    {"name": "a", "resource": "aws.ec2", "actions": [{"type": "stop", "hibernat": True}]},
    {"name": "a", "resource": "aws.ec2", "mode": {"type": "peridic"}},
    {"name": "a", "resource": "aws.ec2", "acitons": []},
], ids=["resource", "filter", "nested-filter", "op", "action", "action-option", "mode", "policy-key"])
def test_the_exported_schema_flags_what_validate_refuses(exported, policy, cli, write_policies):
    assert not exported.is_valid({"policies": [policy]})
    assert cli("validate", write_policies(yaml.safe_dump({"policies": [policy]}))).exit_code == 1


def test_the_shorthands_validate(exported):
    assert exported.is_valid({"policies": [{"name": "a", "resource": "ec2", "filters": [
        {"tag:Owner": "absent"}, "ephemeral", {"not": [{"State.Name": "running"}]}], "actions": ["stop"]}]})


def test_the_docs_say_how_to_wire_the_schema_into_an_editor():
    editor = (ROOT / "docs" / "editor.md").read_text()
    assert "c7n-lite schema --json > c7n-lite.schema.json" in editor
    assert "# yaml-language-server: $schema=" in editor
    assert "(editor.md)" in (ROOT / "docs" / "index.md").read_text()
    assert Path(ROOT / "docs" / "editor.md").exists()


def test_custodians_other_names_for_a_type_are_in_the_exported_schema(exported):
    assert exported.is_valid({"policies": [{"name": "a", "resource": "network-addr",
                                            "filters": [{"AssociationId": "absent"}]}]})
