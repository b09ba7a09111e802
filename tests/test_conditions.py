"""Custodian's `conditions`: a policy runs only where its conditions hold."""
from __future__ import annotations


def test_policy_runs_only_in_the_region_its_conditions_name(server, aws, cli, write_policies):
    aws("ec2").run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1)
    path = write_policies("""
policies:
  - name: west-only
    resource: aws.ec2
    conditions:
      - region: us-west-2
  - name: east-only
    resource: aws.ec2
    conditions:
      - type: value
        key: region
        op: in
        value: [us-east-1]
      - not:
          - mode: periodic
""")
    result = cli("run", "--dryrun", "--region", "us-east-1", path)
    assert result.exit_code == 0, result.output
    assert "west-only" in result.output and "skipped: conditions not met" in result.output
    assert not (result.output_dir / "west-only" / "resources.json").exists()
    assert len(result.resources("east-only")) == 1


def test_conditions_on_the_account_id(server, aws, cli, write_policies):
    aws("ec2").run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1)
    path = write_policies("""
policies:
  - name: other-account
    resource: aws.ec2
    conditions:
      - account_id: "999999999999"
  - name: this-account
    resource: aws.ec2
    conditions:
      - account_id: "123456789012"
""")
    result = cli("run", "--dryrun", path)
    assert result.exit_code == 0, result.output
    assert not (result.output_dir / "other-account" / "metadata.json").exists()
    assert len(result.resources("this-account")) == 1


def test_conditions_take_only_value_and_boolean_filters(cli, write_policies):
    path = write_policies("""
policies:
  - name: odd
    resource: aws.ec2
    conditions:
      - type: instance-age
        days: 1
""")
    result = cli("validate", path)
    assert result.exit_code == 1
    assert f"{path}:6: policy 'odd': unknown filter 'instance-age' for conditions" in result.output
