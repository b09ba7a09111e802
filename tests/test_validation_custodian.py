"""Unsupported is not a typo: a name Cloud Custodian 0.9.53 has (a resource type, a
filter or action of a type, a mode) is reported as not supported yet; any other
unknown name keeps its did-you-mean.  `validate --custodian-compat` sums up what
blocks each policy of a library."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from tests.conftest import ROOT


def lines(result):
    return [line for line in result.output.splitlines() if line]


def test_custodian_names_are_reported_as_not_supported_yet_and_typos_keep_their_suggestion(cli, write_policies):
    path = write_policies(textwrap.dedent("""\
        policies:
          - name: glue
            resource: aws.glue-job
          - name: reserved
            resource: rds-reserved
          - name: ec2
            resource: aws.ec2
            filters:
              - type: health-event
              - type: vaule
            actions:
              - type: normalize-tag
              - stopp
          - name: rule
            resource: aws.ec2
            mode:
              type: hub-finding
          - name: typo
            resource: aws.ecc2
          - name: mode-typo
            resource: aws.ec2
            mode: {type: peridic}
        """))
    result = cli("validate", path)
    assert result.exit_code == 1
    assert lines(result) == [
        f"{path}:3: policy 'glue': unknown resource 'aws.glue-job': a Cloud Custodian resource type "
        "that c7n_lite does not support yet",
        f"{path}:5: policy 'reserved': unknown resource 'rds-reserved': a Cloud Custodian resource type "
        "that c7n_lite does not support yet (closest supported: 'aws.rds')",
        f"{path}:9: policy 'ec2': unknown filter 'health-event' for aws.ec2: a Cloud Custodian filter of aws.ec2 "
        "that c7n_lite does not support yet",
        f"{path}:10: policy 'ec2': unknown filter 'vaule' for aws.ec2 (did you mean 'value'?)",
        f"{path}:12: policy 'ec2': unknown action 'normalize-tag' for aws.ec2: a Cloud Custodian action of aws.ec2 "
        "that c7n_lite does not support yet",
        f"{path}:13: policy 'ec2': unknown action 'stopp' for aws.ec2 (did you mean 'stop'?)",
        f"{path}:17: policy 'rule': unknown mode type 'hub-finding': a Cloud Custodian mode "
        "that c7n_lite does not support yet",
        f"{path}:19: policy 'typo': unknown resource 'aws.ecc2' (did you mean 'aws.ec2'?)",
        f"{path}:22: policy 'mode-typo': unknown mode type 'peridic' (did you mean 'periodic'?)",
        "9 error(s) found",
    ]


def test_a_custodian_filter_of_another_type_is_a_typo_here(cli, write_policies):
    # health-event is an aws.ec2 filter in Custodian, not an aws.s3 one: Custodian rejects it too.
    path = write_policies("policies:\n  - name: p1\n    resource: aws.s3\n    filters:\n      - type: health-event\n")
    result = cli("validate", path)
    assert lines(result)[0] == f"{path}:5: policy 'p1': unknown filter 'health-event' for aws.s3"


def test_compat_check_categories_still_read_the_new_messages():
    """../shared/compat/check.py sorts rejections by these patterns (as the messages were before)."""
    import re
    r_res = re.compile(r"unknown resource(?: type)? '(?P<x>[^']+)'")
    r_flt = re.compile(r"unknown filter '(?P<x>[^']+)' for (?P<r>[\w.-]+)")
    r_act = re.compile(r"unknown action '(?P<x>[^']+)' for (?P<r>[\w.-]+)")
    r_mode = re.compile(r"unknown (?:mode type|mode|execution mode) '(?P<x>[^']+)'")
    assert r_res.search("unknown resource 'aws.glue-job': a Cloud Custodian resource type").group("x") == \
        "aws.glue-job"
    assert r_flt.search("unknown filter 'health-event' for aws.ec2: a Cloud").group("x", "r") == \
        ("health-event", "aws.ec2")
    assert r_act.search("unknown action 'normalize-tag' for aws.ec2: a Cloud").group("r") == "aws.ec2"
    assert r_mode.search("unknown mode type 'hub-finding': a Cloud").group("x") == "hub-finding"


def test_custodian_compat_lists_what_blocks_each_policy_and_counts(cli, write_policies):
    library = write_policies(textwrap.dedent("""\
        policies:
          - name: ready-one
            resource: ec2
            filters:
              - State.Name: running
          - name: glue
            resource: aws.glue-job
          - name: two-blockers
            resource: aws.ec2
            filters:
              - type: health-event
            actions:
              - type: normalize-tag
          - name: option
            resource: aws.ec2
            filters:
              - type: value
                key: State.Name
                value: running
                extra: 1
          - name: glue-too
            resource: glue-job
          - name: typo
            resource: aws.ecc2
        """), "library.yml")
    result = cli("validate", "--custodian-compat", library)
    assert result.exit_code == 1
    assert lines(result) == [
        f"{library}:2: policy 'ready-one': ready",
        f"{library}:7: policy 'glue': blocked by unsupported resource type aws.glue-job",
        f"{library}:11: policy 'two-blockers': blocked by unsupported filter aws.ec2 health-event; "
        "unsupported action aws.ec2 normalize-tag",
        f"{library}:20: policy 'option': blocked by option: filter 'value': unknown key 'extra'",
        f"{library}:22: policy 'glue-too': blocked by unsupported resource type aws.glue-job",
        f"{library}:24: policy 'typo': blocked by error: unknown resource 'aws.ecc2' (did you mean 'aws.ec2'?)",
        "6 policies: 1 ready, 5 blocked (by what c7n_lite supports of Cloud Custodian 0.9.53)",
        "  unsupported resource type: 2 policies: aws.glue-job (2)",
        "  unsupported filter: 1 policy: aws.ec2 health-event (1)",
        "  unsupported action: 1 policy: aws.ec2 normalize-tag (1)",
        "  unsupported option or value: 1 policy: filter 'value': unknown key 'extra' (1)",
        "  errors Cloud Custodian reports too: 1 policy: unknown resource 'aws.ecc2' (did you mean 'aws.ec2'?) (1)",
    ]


def test_custodian_compat_of_a_ready_library_exits_zero(cli):
    result = cli("validate", "--custodian-compat", str(ROOT / "policies" / "ec2.yml"))
    assert result.exit_code == 0, result.output
    assert lines(result)[-1] == "5 policies: 5 ready, 0 blocked (by what c7n_lite supports of Cloud Custodian 0.9.53)"
    assert all(line.endswith(": ready") for line in lines(result)[:-1])


def test_custodian_compat_names_errors_outside_policies(cli, write_policies, tmp_path):
    broken = write_policies("policies:\n  - name: [\n", "broken.yml")
    result = cli("validate", "--custodian-compat", broken, str(tmp_path / "missing.yml"))
    assert result.exit_code == 1
    assert lines(result)[-1] == "  errors outside any policy: 2"
    assert any(line.startswith(f"{broken}:3: YAML syntax error") for line in lines(result))


def test_every_supported_type_is_one_of_custodians_and_the_names_are_data_only():
    from c7n_lite import custodian
    from c7n_lite.registry import resources
    assert [n for n in resources.names() if not custodian.has_resource(n)] == []
    assert custodian.version() == "0.9.53"
    data = json.loads((ROOT / "c7n_lite" / "custodian_names.json").read_text())
    assert sorted(data) == ["aliases", "common", "modes", "resources", "source", "version"]
    assert "pull" in data["modes"] and "value" in data["common"]["filters"]


def test_the_generator_reads_names_from_a_custodian_schema(tmp_path):
    schema = {"definitions": {
        "resources": {"aws.thing": {"policy": {"allOf": [{"$ref": "#/definitions/policy"}, {"properties": {
            "resource": {"enum": ["aws.thing", "thing", "old-thing"]},
            "filters": {"items": {"anyOf": [{"$ref": "#/definitions/filters/value"},
                                            {"$ref": "#/definitions/resources/aws.thing/filters/shiny"}]}},
            "actions": {"items": {"anyOf": [{"$ref": "#/definitions/resources/aws.thing/actions/polish"}]}}}}]},
            "filters": {"shiny": {"properties": {"type": {"enum": ["shiny"]}}}},
            "actions": {"polish": {"properties": {"type": {"enum": ["polish"]}}}}},
            "gcp.other": {"policy": {}}},
        "filters": {"value": {"properties": {"type": {"enum": ["value"]}}}},
        "policy-mode": {"anyOf": [{"properties": {"type": {"enum": ["pull"]}}},
                                  {"$ref": "#/definitions/modes/periodic"}]},
        "modes": {"periodic": {"properties": {"type": {"enum": ["periodic"]}}}}}}
    (tmp_path / "schema.json").write_text(json.dumps(schema))
    out = tmp_path / "names.json"
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "custodian_names.py"), "--schema",
                           str(tmp_path / "schema.json"), "--version", "9.9", "-o", str(out)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    data = json.loads(out.read_text())
    assert data["resources"] == {"aws.thing": {"filters": [], "actions": []}}
    assert data["common"] == {"filters": ["shiny", "value"], "actions": ["polish"]}
    assert data["aliases"] == {"aws.old-thing": "aws.thing"}
    assert data["modes"] == ["periodic", "pull"] and data["version"] == "9.9"


def test_custodians_other_name_for_a_type_means_that_type(cli, write_policies, aws):
    """Custodian reads `resource: network-addr` as aws.elastic-ip: so does c7n_lite."""
    allocation = aws("ec2").allocate_address(Domain="vpc")["AllocationId"]
    path = write_policies("policies:\n  - name: unattached-ips\n    resource: network-addr\n"
                          "    filters:\n      - AssociationId: absent\n")
    assert cli("validate", path).output.strip() == "1 policies valid"
    result = cli("run", path)
    assert result.exit_code == 0, result.output
    assert result.ids("unattached-ips", "AllocationId") == [allocation]
    assert cli("schema", "network-addr").output.startswith("aws.elastic-ip")
