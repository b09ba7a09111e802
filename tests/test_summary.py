"""`c7n-lite run`'s summary table: a header row, the resource type on every row,
"1 policy", and compliance checks that found violations shown as failed."""
from __future__ import annotations

from tests.conftest import REGION
from tests.run_helpers import HEADER, summary_row

AMI = "ami-12c6146b"
CHECKS = """
policies:
  - name: untagged-instances
    resource: ec2
    filters: [{tag:Owner: absent}]
    metadata: {controls: [OWN-1], severity: medium}
  - name: public-instances
    resource: ec2
    filters: [{PublicIpAddress: present}, {InstanceType: x1e.32xlarge}]
    metadata: {severity: high}
  - name: all-instances
    resource: ec2
  - name: on-events
    resource: ec2
    mode: {type: cloudtrail, events: [RunInstances]}
"""


def test_the_table_has_a_header_and_the_type_on_every_row(server, aws, cli, write_policies):
    aws("ec2").run_instances(ImageId=AMI, MinCount=2, MaxCount=2)
    result = cli("run", "--dryrun", write_policies(CHECKS))
    assert result.exit_code == 0, result.output     # violations found are not a failed run
    lines = result.output.splitlines()
    assert lines[0].split() == HEADER
    assert lines[0] == ("POLICY              RESOURCE  REGION     EVALUATED  MATCHED  ERRORED     TIME  STATUS")
    rows = {name: summary_row(result.output, name) for name in
            ("untagged-instances", "public-instances", "all-instances")}
    assert {r["RESOURCE"] for r in rows.values()} == {"aws.ec2"}
    # compliance checks (metadata controls/severity): failed when they found violations, else passed
    assert rows["untagged-instances"]["STATUS"] == "failed" and rows["untagged-instances"]["MATCHED"] == "2"
    assert rows["public-instances"]["STATUS"] == "passed" and rows["public-instances"]["MATCHED"] == "0"
    assert rows["all-instances"]["STATUS"] == "ok" and rows["all-instances"]["MATCHED"] == "2"
    skipped = next(line for line in lines if line.startswith("on-events "))
    assert skipped.split()[1:3] == ["aws.ec2", REGION]
    assert lines[-1].startswith("4 policies, 4 resources matched, 1 compliance check failed (dry run")


def test_one_policy_one_resource(server, aws, cli, write_policies):
    aws("ec2").run_instances(ImageId=AMI, MinCount=1, MaxCount=1)
    result = cli("run", "--dryrun", write_policies("policies:\n  - name: one\n    resource: ec2\n"))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == (
        f"1 policy, 1 resource matched (dry run: nothing changed); output in {result.output_dir}")
    assert "\x1b" not in result.output      # off a terminal: plain lines, no progress display
