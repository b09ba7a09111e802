"""The tests' write detector judges requests by botocore's model, not by the
product's read prefixes: a wrong prefix in the product does not blind it."""
from __future__ import annotations

import pytest

from c7n_lite.aws import session as product_session
from c7n_lite.sandbox import Request
from tests.write_detector import is_write, writes


def test_real_requests_are_classified_by_the_model(server, aws):
    ec2, s3, iot = aws("ec2"), aws("s3"), aws("iot")
    instance = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    s3.create_bucket(Bucket="detector-bucket")
    policy = iot.create_policy(policyName="p", policyDocument='{"Version":"2012-10-17","Statement":[]}')
    server.reset_log()
    ec2.describe_instances(InstanceIds=[instance])
    s3.get_bucket_acl(Bucket="detector-bucket")
    s3.list_buckets()
    iot.list_targets_for_policy(policyName=policy["policyName"])  # a REST POST that only reads
    aws("sts").get_caller_identity()
    assert writes(server) == [], writes(server)
    ec2.create_tags(Resources=[instance], Tags=[{"Key": "a", "Value": "b"}])
    s3.put_bucket_tagging(Bucket="detector-bucket", Tagging={"TagSet": [{"Key": "a", "Value": "b"}]})
    s3.delete_bucket(Bucket="detector-bucket")
    found = writes(server)
    assert [(w.service, w.method) for w in found] == [("ec2", "POST"), ("s3", "PUT"), ("s3", "DELETE")]
    assert found[0].operation == "CreateTags"


def test_a_write_the_products_prefixes_would_miss_is_caught(server, aws, monkeypatch):
    """Give the product a wrong read prefix ("Create"): its own classifier stops
    seeing CreateTags as a write; the tests' detector still does."""
    ec2 = aws("ec2")
    instance = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    monkeypatch.setattr(product_session, "READ_PREFIXES", (*product_session.READ_PREFIXES, "Create"))
    server.reset_log()
    ec2.create_tags(Resources=[instance], Tags=[{"Key": "a", "Value": "b"}])
    assert server.writes() == []  # the product's judgement: blinded
    assert [w.operation for w in writes(server)] == ["CreateTags"]


@pytest.mark.parametrize("request_, write", [
    # Names that start like a read in the product's list but are not reads here.
    (Request("events", "TestEventPattern", "POST", "/"), True),
    (Request("ec2", "NoSuchOperation", "POST", "/"), True),
    (Request("nosuchservice", "DescribeThings", "POST", "/"), True),
    (Request("lambda", "PUT /2015-03-31/functions/f/configuration", "PUT",
             "/2015-03-31/functions/f/configuration"), True),
    (Request("lambda", "GET /2015-03-31/functions/f", "GET", "/2015-03-31/functions/f"), False),
    (Request("s3", "GET /b", "GET", "/b", "tagging="), False),
    (Request("s3", "PUT /b", "PUT", "/b", "tagging="), True),
    (Request("iot", "POST /attached-policies/arn", "POST", "/attached-policies/arn"), False),
    (Request("iot", "POST /attached-policies/arn:aws:iot:us-east-1:1:cert/ab", "POST",
             "/attached-policies/arn:aws:iot:us-east-1:1:cert/ab"), False),
    (Request("iot", "POST /policies/p", "POST", "/policies/p"), True),
    (Request("tagging", "POST /service/x/operation/TagResources", "POST",
             "/service/x/operation/TagResources"), True),
    (Request("tagging", "POST /service/x/operation/GetResources", "POST",
             "/service/x/operation/GetResources"), False),
])
def test_requests_by_shape(request_, write):
    assert is_write(request_) is write
