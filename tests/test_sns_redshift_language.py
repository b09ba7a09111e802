"""SNS and Redshift actions of their own, read back from moto."""
from __future__ import annotations

import json

from tests.test_actions_network_storage import make_cluster


def run(cli, write_policies, text):
    result = cli("run", write_policies(text))
    assert result.exit_code == 0, result.output
    return result


def test_sns_set_encryption_and_delete(aws, cli, write_policies):
    sns = aws("sns")
    plain = sns.create_topic(Name="plain")["TopicArn"]
    doomed = sns.create_topic(Name="doomed")["TopicArn"]
    run(cli, write_policies, """
policies:
  - {name: encrypt, resource: aws.sns, filters: [{type: value, key: TopicArn, op: regex, value: ".*:plain$"}],
     actions: [{type: set-encryption, key: alias/topics}]}
  - {name: gone, resource: aws.sns, filters: [{type: value, key: TopicArn, op: regex, value: ".*:doomed$"}],
     actions: [delete]}
""")
    assert sns.get_topic_attributes(TopicArn=plain)["Attributes"]["KmsMasterKeyId"] == "alias/topics"
    assert [t["TopicArn"] for t in sns.list_topics()["Topics"]] == [plain]
    assert doomed


def test_sns_remove_statements_keeps_the_rest(aws, cli, write_policies):
    sns = aws("sns")
    arn = sns.create_topic(Name="shared")["TopicArn"]
    mine = {"Sid": "Mine", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
            "Action": "SNS:Publish", "Resource": arn}
    theirs = {"Sid": "Theirs", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::210987654321:root"},
              "Action": "SNS:Publish", "Resource": arn}
    sns.set_topic_attributes(TopicArn=arn, AttributeName="Policy",
                             AttributeValue=json.dumps({"Version": "2012-10-17", "Statement": [mine, theirs]}))
    run(cli, write_policies, """
policies:
  - {name: unshare, resource: aws.sns, filters: [cross-account],
     actions: [{type: remove-statements, statement_ids: matched}]}
""")
    policy = json.loads(sns.get_topic_attributes(TopicArn=arn)["Attributes"]["Policy"])
    assert [s["Sid"] for s in policy["Statement"]] == ["Mine"]


def test_redshift_delete_with_and_without_final_snapshot(aws, cli, write_policies):
    redshift = aws("redshift")
    make_cluster(redshift, "keep-final")
    make_cluster(redshift, "no-final")
    make_cluster(redshift, "stays")
    run(cli, write_policies, """
policies:
  - {name: del-final, resource: aws.redshift, filters: [{ClusterIdentifier: keep-final}], actions: [delete]}
  - {name: del-quick, resource: aws.redshift, filters: [{ClusterIdentifier: no-final}],
     actions: [{type: delete, skip-snapshot: true}]}
""")
    assert [c["ClusterIdentifier"] for c in redshift.describe_clusters()["Clusters"]] == ["stays"]
    snaps = [s["SnapshotIdentifier"] for s in redshift.describe_cluster_snapshots()["Snapshots"]
             if s["SnapshotType"] == "manual"]
    assert len(snaps) == 1 and snaps[0].startswith("keep-final-")


def test_redshift_tag_trim_frees_space_keeping_preserved(aws, cli, write_policies):
    redshift = aws("redshift")
    make_cluster(redshift, "full")
    make_cluster(redshift, "roomy")
    region, account = "us-east-1", "123456789012"

    def arn(name):
        return f"arn:aws:redshift:{region}:{account}:cluster:{name}"
    full = [{"Key": f"T{i:02d}", "Value": "x"} for i in range(8)] + [
        {"Key": "RequiredTag1", "Value": "a"}, {"Key": "RequiredTag2", "Value": "b"}]
    redshift.create_tags(ResourceName=arn("full"), Tags=full)
    redshift.create_tags(ResourceName=arn("roomy"), Tags=[{"Key": "T00", "Value": "x"}])
    result = run(cli, write_policies, """
policies:
  - name: redshift-tag-trim
    resource: redshift
    actions: [{type: tag-trim, space: 1, preserve: [RequiredTag1, RequiredTag2]}]
""")

    def keys(name):
        found = redshift.describe_clusters(ClusterIdentifier=name)["Clusters"][0].get("Tags", [])
        return sorted(t["Key"] for t in found)
    # 10 tags, limit 10, room for 1: the first key in order goes, preserved ones stay
    assert keys("full") == ["RequiredTag1", "RequiredTag2"] + [f"T{i:02d}" for i in range(1, 8)]
    assert keys("roomy") == ["T00"]
    outcomes = json.loads((result.output_dir / "redshift-tag-trim" / "action-tag-trim.json").read_text())
    assert {o["resource_id"]: o["status"] for o in outcomes} == {"full": "done", "roomy": "skipped"}


def test_tag_trim_space_zero_keeps_only_preserved(aws, cli, write_policies):
    from tests.test_actions_ec2 import launch
    from tests.test_actions_tags import tags_of
    ec2 = aws("ec2")
    i = launch(ec2, 1, {"Keep": "1", "A": "2", "B": "3"})[0]
    dry = cli("run", "--dryrun", write_policies("""
policies:
  - {name: trim, resource: ec2, actions: [{type: tag-trim, space: 0, preserve: [Keep]}]}
"""))
    assert dry.exit_code == 0, dry.output
    assert tags_of(ec2, i) == {"Keep": "1", "A": "2", "B": "3"}
    run(cli, write_policies, """
policies:
  - {name: trim, resource: ec2, actions: [{type: tag-trim, space: 0, preserve: [Keep]}]}
""")
    assert tags_of(ec2, i) == {"Keep": "1"}
