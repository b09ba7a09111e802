"""Policy keys besides filters and actions: query, source, comment(s), tags, mode.environment."""
from __future__ import annotations

from tests.test_actions_ec2 import launch


def test_ec2_query_filters_server_side(aws, cli, write_policies, server):
    ec2 = aws("ec2")
    running = launch(ec2, 1, {"Env": "prod"})
    stopped = launch(ec2, 1, {"Env": "prod"})
    ec2.stop_instances(InstanceIds=stopped)
    launch(ec2, 1, {"Env": "dev"})
    server.reset_log()
    result = cli("run", "--dryrun", write_policies("""
policies:
  - name: running-prod
    resource: ec2
    comment: Custodian's implicit filter shape
    query:
      - instance-state-name: running
      - "tag:Env": prod
  - name: stopped-by-filters
    resource: ec2
    comments: the API's shape
    query:
      - Filters: [{Name: instance-state-name, Values: [stopped]}]
"""))
    assert result.exit_code == 0, result.output
    assert result.ids("running-prod", "InstanceId") == running
    assert result.ids("stopped-by-filters", "InstanceId") == stopped


def test_ebs_query_name_values_and_owner_params(aws, cli, write_policies):
    ec2 = aws("ec2")
    small = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"]
    ec2.create_volume(AvailabilityZone="us-east-1a", Size=5)
    snap = ec2.create_snapshot(VolumeId=small)["SnapshotId"]
    result = cli("run", "--dryrun", write_policies(f"""
policies:
  - name: small-volumes
    resource: ebs
    query:
      - Name: size
        Values: ["1"]
  - name: my-snapshots
    resource: ebs-snapshot
    query:
      - OwnerIds: [self]
      - Filters: [{{Name: volume-id, Values: [{small}]}}]
"""))
    assert result.exit_code == 0, result.output
    assert result.ids("small-volumes", "VolumeId") == [small]
    assert result.ids("my-snapshots", "SnapshotId") == [snap]


def test_query_is_ignored_where_custodian_ignores_it(aws, cli, write_policies):
    aws("sns").create_topic(Name="t1")
    result = cli("run", "--dryrun", write_policies("""
policies:
  - name: topics
    resource: sns
    query: [{anything: goes}]
"""))
    assert result.exit_code == 0, result.output
    assert len(result.resources("topics")) == 1


def test_bad_query_and_config_source_are_located_errors(cli, write_policies):
    result = cli("validate", write_policies("""
policies:
  - name: bad-query
    resource: ec2
    query:
      - Filters: [{Name: instance-state-name, Values: running}]
  - name: from-config
    resource: ec2
    source: config
  - name: from-describe
    resource: ec2
    source: describe
    tags: [compliance, cis]
"""))
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if "policies.yml:" in line]
    assert any(":5:" in line and "bad-query" in line and "must be a list" in line for line in lines), lines
    assert any(":9:" in line and "from-config" in line and "source 'config' is not supported" in line
               for line in lines), lines
    assert not any("from-describe" in line for line in lines)


def test_mode_environment_in_the_lambda_apis_shape(cli, write_policies, server, aws):
    result = cli("deploy", write_policies("""
policies:
  - name: env-vars
    resource: ec2
    mode:
      type: periodic
      schedule: rate(1 day)
      environment:
        Variables: {TEAM: security, LEVEL: "3"}
  - name: env-flat
    resource: ec2
    mode:
      type: periodic
      schedule: rate(1 day)
      environment: {TEAM: ops}
"""))
    assert result.exit_code == 0, result.output
    lam = aws("lambda")
    env = lam.get_function_configuration(FunctionName="custodian-env-vars")["Environment"]["Variables"]
    assert env["TEAM"] == "security" and env["LEVEL"] == "3"
    env = lam.get_function_configuration(FunctionName="custodian-env-flat")["Environment"]["Variables"]
    assert env["TEAM"] == "ops"
