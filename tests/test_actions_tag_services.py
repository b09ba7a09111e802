"""Each service's own tagging call: EBS (batched), Redshift (by ARN), SNS, S3 (merged)."""
from __future__ import annotations

TAG_OWNER = """
policies:
  - name: owner
    resource: {resource}
    actions:
      - {{type: tag, key: Owner, value: alice}}
      - {{type: remove-tag, tags: [Old]}}
"""


def test_ebs_volumes(aws, cli, write_policies):
    ec2 = aws("ec2")
    vol = ec2.create_volume(AvailabilityZone="us-east-1a", Size=8, TagSpecifications=[
        {"ResourceType": "volume", "Tags": [{"Key": "Old", "Value": "1"}]}])["VolumeId"]
    result = cli("run", write_policies(TAG_OWNER.format(resource="aws.ebs")))
    assert result.exit_code == 0, result.output
    tags = ec2.describe_volumes(VolumeIds=[vol])["Volumes"][0]["Tags"]
    assert tags == [{"Key": "Owner", "Value": "alice"}]


def test_redshift_clusters(aws, cli, write_policies):
    redshift = aws("redshift")
    redshift.create_cluster(ClusterIdentifier="wh", NodeType="dc2.large", MasterUsername="admin",
                            MasterUserPassword="Password1", Tags=[{"Key": "Old", "Value": "1"}])
    result = cli("run", write_policies(TAG_OWNER.format(resource="aws.redshift")))
    assert result.exit_code == 0, result.output
    tags = redshift.describe_clusters(ClusterIdentifier="wh")["Clusters"][0]["Tags"]
    assert tags == [{"Key": "Owner", "Value": "alice"}]


def test_sns_topics(aws, cli, write_policies):
    sns = aws("sns")
    arn = sns.create_topic(Name="alerts", Tags=[{"Key": "Old", "Value": "1"}])["TopicArn"]
    result = cli("run", write_policies(TAG_OWNER.format(resource="aws.sns")))
    assert result.exit_code == 0, result.output
    assert sns.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "Owner", "Value": "alice"}]


def test_s3_buckets_keep_their_other_tags(aws, cli, write_policies):
    s3 = aws("s3")
    s3.create_bucket(Bucket="data")
    s3.create_bucket(Bucket="bare")
    s3.put_bucket_tagging(Bucket="data", Tagging={"TagSet": [{"Key": "Old", "Value": "1"},
                                                             {"Key": "Keep", "Value": "yes"}]})
    result = cli("run", write_policies(TAG_OWNER.format(resource="aws.s3")))
    assert result.exit_code == 0, result.output
    tags = {t["Key"]: t["Value"] for t in s3.get_bucket_tagging(Bucket="data")["TagSet"]}
    assert tags == {"Owner": "alice", "Keep": "yes"}
    assert s3.get_bucket_tagging(Bucket="bare")["TagSet"] == [{"Key": "Owner", "Value": "alice"}]


def test_iot_is_not_taggable(cli, write_policies):
    result = cli("validate", write_policies("""
policies:
  - name: iot-tag
    resource: aws.iot
    actions: [{type: tag, key: Owner, value: alice}]
"""))
    assert result.exit_code == 1
    assert "unknown action 'tag' for aws.iot" in result.output


def test_permissions_follow_the_resource_types_tagging_method():
    from c7n_lite.aws.session import AwsSession
    from c7n_lite.policy import Policy
    from c7n_lite.registry import load_all
    load_all()
    data = {"name": "p", "resource": "aws.redshift", "actions": [{"type": "tag", "key": "a", "value": "b"}]}
    perms = Policy(data, AwsSession("us-east-1")).permissions()
    assert "redshift:CreateTags" in perms and "ec2:CreateTags" not in perms


def test_tagging_api_fallback_batches_and_reports_per_resource_failures(aws, server):
    """Types without a method of their own use the Resource Groups Tagging API, 20
    ARNs a call; its failures come in a 200 response and must not read as done."""
    from c7n_lite.actions.core import FAILED, execute_plan
    from c7n_lite.actions.tagging import tag_method
    from c7n_lite.aws.session import AwsSession
    from c7n_lite.resources.core import ResourceManager, ResourceType

    class Queue(ResourceType):          # not registered: only its facts are needed
        type = "test.sqs-queue"
        service = "sqs"
        id = "QueueUrl"
        arn_key = "QueueArn"
        taggable = True

    sqs = aws("sqs")
    url = sqs.create_queue(QueueName="jobs")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    queues = [{"QueueUrl": f"{url}-{n}", "QueueArn": f"{arn}-{n}"} for n in range(45)]
    manager = ResourceManager(Queue, AwsSession("us-east-1", endpoint_url=server.endpoint))
    plan = tag_method(Queue).tag(manager, queues, {"Owner": "alice"})
    assert [len(c.resource_ids) for c in plan] == [20, 20, 5]
    assert plan[0].operation == "tag_resources" and plan[0].params["ResourceARNList"][0] == f"{arn}-0"
    outcomes = execute_plan(manager.session, plan)
    # moto's tagging API does not support SQS: every queue is reported failed, with the reason
    assert len(outcomes) == 45 and all(o.status == FAILED for o in outcomes)
    assert "not tagged" in outcomes[0].error_message
