"""CloudWatch metrics per policy, as Custodian's `--metrics aws`: read back from moto."""
from __future__ import annotations

import datetime

from tests.test_org import accounts_file, as_account

POLICY = """
policies:
  - name: untagged
    resource: ec2
    filters: [{"tag:Owner": absent}]
  - name: tag-untagged
    resource: aws.ec2
    filters: [{"tag:Owner": absent}]
    actions: [{type: tag, key: Owner, value: nobody}]
"""


def statistic(cloudwatch, metric, policy, resource, extra=(("Scope", "Policy"),), namespace="CloudMaid"):
    now = datetime.datetime.now(datetime.timezone.utc)
    dimensions = [{"Name": "Policy", "Value": policy}, {"Name": "ResType", "Value": resource},
                  *({"Name": k, "Value": v} for k, v in extra)]
    points = cloudwatch.get_metric_statistics(
        Namespace=namespace, MetricName=metric, Dimensions=dimensions, StartTime=now - datetime.timedelta(hours=1),
        EndTime=now + datetime.timedelta(minutes=5), Period=3600, Statistics=["Sum", "SampleCount"])["Datapoints"]
    return points[0] if points else None


def names(cloudwatch, namespace="CloudMaid"):
    return sorted({(m["MetricName"], next(d["Value"] for d in m["Dimensions"] if d["Name"] == "Policy"))
                   for m in cloudwatch.list_metrics(Namespace=namespace)["Metrics"]})


def test_run_publishes_resource_count_resource_time_and_action_time(server, cli, write_policies, aws):
    ec2 = aws("ec2")
    ec2.run_instances(ImageId="ami-12c6146b", MinCount=2, MaxCount=2)
    ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, TagSpecifications=[
        {"ResourceType": "instance", "Tags": [{"Key": "Owner", "Value": "me"}]}])
    result = cli("run", "--metrics", "aws", write_policies(POLICY))
    assert result.exit_code == 0, result.output
    cloudwatch = aws("cloudwatch")
    assert names(cloudwatch) == [("ActionTime", "tag-untagged"), ("ResourceCount", "tag-untagged"),
                                 ("ResourceCount", "untagged"), ("ResourceTime", "tag-untagged"),
                                 ("ResourceTime", "untagged")]
    # ResType is the resource as the policy writes it, as Custodian's is
    assert statistic(cloudwatch, "ResourceCount", "untagged", "ec2")["Sum"] == 2
    assert statistic(cloudwatch, "ResourceCount", "tag-untagged", "aws.ec2")["Sum"] == 2
    assert statistic(cloudwatch, "ActionTime", "tag-untagged", "aws.ec2")["Sum"] > 0
    assert statistic(cloudwatch, "ResourceTime", "untagged", "ec2")["Sum"] >= 0
    meta = result.metadata("tag-untagged")
    assert [m["MetricName"] for m in meta["metrics"]] == ["ResourceCount", "ResourceTime", "ActionTime"]


def test_dry_run_has_no_action_time_and_region_namespace_options(server, cli, write_policies, aws):
    aws("ec2").run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1)
    result = cli("run", "--dryrun", "-m", "aws://?region=us-west-2&namespace=Audit", write_policies(POLICY))
    assert result.exit_code == 0, result.output
    assert aws("cloudwatch").list_metrics(Namespace="Audit")["Metrics"] == []   # not in the run's region
    west = aws("cloudwatch", "us-west-2")
    assert ("ActionTime", "tag-untagged") not in names(west, "Audit")
    point = statistic(west, "ResourceCount", "tag-untagged", "aws.ec2", (("Region", "us-east-1"),), "Audit")
    assert point["Sum"] == 1


def test_a_failed_listing_is_a_policy_exception_not_a_count_of_zero(server, cli, write_policies, aws):
    body = ('<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>no</Message></Error></Errors>'
            '<RequestID>x</RequestID></Response>')
    server.hooks.append(lambda r: (403, body) if r.operation == "DescribeInstances" else None)
    result = cli("run", "--dryrun", "--metrics", "aws", write_policies(POLICY))
    assert result.exit_code == 1
    server.hooks.clear()
    cloudwatch = aws("cloudwatch")
    assert {n for n, _ in names(cloudwatch)} == {"PolicyException"}
    assert statistic(cloudwatch, "PolicyException", "untagged", "ec2")["Sum"] == 1


def test_bad_destination_is_one_line(cli, write_policies):
    result = cli("run", "--metrics", "gcp", write_policies(POLICY))
    assert result.exit_code == 2
    assert "only CloudWatch" in result.output


ACCOUNTS = [f"4000000000{n:02d}" for n in range(3)]


def test_org_run_publishes_in_each_account_or_to_the_caller_by_account(server, cli, write_policies, tmp_path):
    for account in ACCOUNTS:
        as_account(server, account, "ec2").run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1)
    config = accounts_file(tmp_path, ACCOUNTS, ["us-east-1"])
    path = write_policies(POLICY)
    result = cli("org", "run", "-c", config, "-s", str(tmp_path / "out"), "-u", path, "--dryrun", "--metrics", "aws")
    assert result.exit_code == 0, result.output
    for account in ACCOUNTS:
        cloudwatch = as_account(server, account, "cloudwatch")
        assert statistic(cloudwatch, "ResourceCount", "untagged", "ec2")["Sum"] == 1
    master = cli("org", "run", "-c", config, "-s", str(tmp_path / "out2"), "-u", path, "--dryrun",
                 "-m", "aws://master")
    assert master.exit_code == 0, master.output
    import boto3
    caller = boto3.client("cloudwatch", region_name="us-east-1", endpoint_url=server.endpoint)
    for account in ACCOUNTS:
        point = statistic(caller, "ResourceCount", "untagged", "ec2", (("Account", account),))
        assert point["Sum"] == 1


LAMBDA_POLICY = """
policies:
  - name: nightly-untagged
    resource: aws.ec2
    mode:
      type: periodic
      schedule: "rate(1 day)"
      execution-options: {metrics_enabled: true}
    filters: [{"tag:Owner": absent}]
"""


def test_a_deployed_policy_with_metrics_enabled_publishes_them(server, aws, write_policies):
    from c7n_lite.aws.session import AwsSession
    from c7n_lite.deploy.archive import build
    from c7n_lite.deploy.iam import role_document
    from c7n_lite.deploy.invoke import invoke
    from c7n_lite.deploy.target import target_for
    from c7n_lite.schema import load_policies
    from tests.test_handler import sample
    aws("ec2").run_instances(ImageId="ami-12c6146b", MinCount=3, MaxCount=3)
    specs, errors = load_policies([write_policies(LAMBDA_POLICY)])
    assert not errors
    summary = invoke(build(specs[0].data).data, sample("scheduled.json")).summary
    assert summary["errors"] == [] and summary["metrics"] == "2 metric(s) to CloudMaid", summary
    assert statistic(aws("cloudwatch"), "ResourceCount", "nightly-untagged", "aws.ec2")["Sum"] == 3
    # its role may send them; a policy without metrics gets no such permission
    document = role_document(target_for(specs[0].data, AwsSession("us-east-1")))
    assert "cloudwatch:PutMetricData" in document["Statement"][0]["Action"]
    plain, _ = load_policies([write_policies(LAMBDA_POLICY.replace("{metrics_enabled: true}", "{}"), "p.yml")])
    assert "cloudwatch:PutMetricData" not in role_document(target_for(plain[0].data, AwsSession("us-east-1"))) \
        ["Statement"][0]["Action"]


def test_an_unknown_metrics_destination_in_execution_options_fails_validation(cli, write_policies):
    result = cli("validate", write_policies(LAMBDA_POLICY.replace("{metrics_enabled: true}",
                                                                  "{metrics: 'azure://x'}")))
    assert result.exit_code == 1
    assert "execution-options: metrics 'azure://x': only CloudWatch" in result.output
