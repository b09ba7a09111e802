"""A write never loses data: the tag family on every tagging backend (EC2's
batched ids, Redshift's and SNS's per-ARN calls, S3's whole-set replacement),
each read back from moto, with tags that were there before kept."""
from __future__ import annotations

import pytest

from tests.test_actions_network_storage import make_cluster

BEFORE = {"costcentre": "CC-4711", "Team": "data"}


def _ec2(aws):
    ec2 = aws("ec2")
    [instance] = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, TagSpecifications=[
        {"ResourceType": "instance", "Tags": [{"Key": k, "Value": v} for k, v in BEFORE.items()]}])["Instances"]

    def tags():
        found = ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [instance["InstanceId"]]}])["Tags"]
        return {t["Key"]: t["Value"] for t in found}
    return "aws.ec2", tags


def _redshift(aws):
    redshift = aws("redshift")
    make_cluster(redshift, "warehouse", tags=BEFORE)

    def tags():
        [cluster] = redshift.describe_clusters(ClusterIdentifier="warehouse")["Clusters"]
        return {t["Key"]: t["Value"] for t in cluster.get("Tags", [])}
    return "aws.redshift", tags


def _sns(aws):
    sns = aws("sns")
    arn = sns.create_topic(Name="alerts", Tags=[{"Key": k, "Value": v} for k, v in BEFORE.items()])["TopicArn"]

    def tags():
        return {t["Key"]: t["Value"] for t in sns.list_tags_for_resource(ResourceArn=arn)["Tags"]}
    return "aws.sns", tags


def _s3(aws):
    s3 = aws("s3")
    s3.create_bucket(Bucket="ledger")
    s3.put_bucket_tagging(Bucket="ledger", Tagging={"TagSet": [{"Key": k, "Value": v} for k, v in BEFORE.items()]})

    def tags():
        try:
            found = s3.get_bucket_tagging(Bucket="ledger")["TagSet"]
        except s3.exceptions.ClientError:
            return {}
        return {t["Key"]: t["Value"] for t in found}
    return "aws.s3", tags


BACKENDS = {"ec2": _ec2, "redshift": _redshift, "sns": _sns, "s3": _s3}


def run(cli, write_policies, resource, actions):
    result = cli("run", write_policies(f"""
policies:
  - name: tagging
    resource: {resource}
    actions: {actions}
"""))
    assert result.exit_code == 0, result.output
    return result


@pytest.mark.parametrize("backend", sorted(BACKENDS))
def test_tag_adds_and_keeps_the_rest(backend, aws, cli, write_policies):
    resource, tags = BACKENDS[backend](aws)
    run(cli, write_policies, resource, '[{type: tag, key: Owner, value: alice}]')
    assert tags() == {**BEFORE, "Owner": "alice"}


@pytest.mark.parametrize("backend", sorted(BACKENDS))
def test_remove_tag_removes_only_that_key(backend, aws, cli, write_policies):
    resource, tags = BACKENDS[backend](aws)
    run(cli, write_policies, resource, '[{type: remove-tag, tags: [Team]}]')
    assert tags() == {"costcentre": "CC-4711"}


@pytest.mark.parametrize("backend", sorted(BACKENDS))
def test_rename_tag_keeps_the_value(backend, aws, cli, write_policies):
    resource, tags = BACKENDS[backend](aws)
    run(cli, write_policies, resource, '[{type: rename-tag, old_key: costcentre, new_key: CostCenter}]')
    assert tags() == {"CostCenter": "CC-4711", "Team": "data"}


@pytest.mark.parametrize("backend", sorted(BACKENDS))
def test_mark_for_op_then_unmark(backend, aws, cli, write_policies, monkeypatch):
    monkeypatch.setenv("C7N_LITE_NOW", "2030-01-01T00:00:00Z")
    resource, tags = BACKENDS[backend](aws)
    run(cli, write_policies, resource, '[{type: mark-for-op, op: tag, days: 2}]')
    marked = tags()
    assert {k: marked[k] for k in BEFORE} == BEFORE
    assert marked["maid_status"].endswith("@2030/01/03")
    run(cli, write_policies, resource, '[unmark]')
    assert tags() == BEFORE
