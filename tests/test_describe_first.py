"""The describe-first phase: a unit's types are described before any policy
evaluates, once each, only for policies that run; a failed describe is each
of its policies' error, without describing again.  Counted at the server."""
from __future__ import annotations

from urllib.parse import parse_qs

AMI = "ami-12c6146b"
UNAUTHORIZED = ('<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error>'
                '<Code>UnauthorizedOperation</Code><Message>You are not authorized to perform this operation.'
                '</Message></Error></Errors><RequestID>injected</RequestID></Response>')


def requests(server, operation):
    return [r for r in server.requests if r.operation == operation]


def bucket_listing(request) -> bool:
    return request.service == "s3" and request.method == "GET" and request.path == "/"


def acl_read(request) -> bool:
    return request.service == "s3" and "acl" in parse_qs(request.query, keep_blank_values=True)


def test_types_are_described_before_any_detail_call(server, aws, cli, write_policies):
    aws("ec2").run_instances(ImageId=AMI, MinCount=2, MaxCount=2)
    aws("s3").create_bucket(Bucket="first-bucket")
    server.reset_log()
    result = cli("run", "--dryrun", "-j", "4", write_policies("""
policies:
  - name: buckets
    resource: aws.s3
    filters: [{type: global-grants}]
  - name: instances
    resource: aws.ec2
  - name: more-instances
    resource: aws.ec2
    filters: [{State.Name: running}]
"""))
    assert result.exit_code == 0, result.output
    order = [r.operation for r in server.requests]
    first_acl = next(i for i, r in enumerate(server.requests) if acl_read(r))
    listings = [i for i, r in enumerate(server.requests) if bucket_listing(r)]
    # Both types described (once) before the bucket policy read any ACL.
    assert order.count("DescribeInstances") == 1 and len(listings) == 1
    assert order.index("DescribeInstances") < first_acl and listings[0] < first_acl
    assert [len(result.resources(p)) for p in ("instances", "more-instances")] == [2, 2]
    # The describe counts once, for the first policy written on the type.
    calls = [result.metadata(p)["api_calls"]["by_operation"] for p in ("instances", "more-instances")]
    assert calls == [{"ec2:DescribeInstances": 1, "ec2:DescribeTags": 1}, {}]   # tags of untagged ones


def test_a_policy_that_does_not_run_is_not_described_for(server, aws, cli, write_policies):
    aws("s3").create_bucket(Bucket="some-bucket")
    server.reset_log()
    result = cli("run", "--dryrun", write_policies("""
policies:
  - name: elsewhere
    resource: aws.s3
    conditions: [{region: eu-west-3}]
  - name: instances
    resource: aws.ec2
"""))
    assert result.exit_code == 0, result.output
    assert [r for r in server.requests if r.service == "s3"] == []
    assert len(requests(server, "DescribeInstances")) == 1


def test_a_failed_describe_fails_each_of_its_policies_once(server, aws, cli, write_policies):
    aws("ec2").run_instances(ImageId=AMI, MinCount=1, MaxCount=1)
    server.hooks.append(lambda request: (403, UNAUTHORIZED) if request.operation == "DescribeInstances" else None)
    server.reset_log()
    result = cli("run", "--dryrun", write_policies("""
policies:
  - name: one
    resource: aws.ec2
  - name: two
    resource: aws.ec2
  - name: volumes
    resource: aws.ebs
"""))
    assert result.exit_code == 1
    for name in ("one", "two"):
        errors = result.metadata(name)["errors"]
        assert errors and errors[0]["stage"] == "resources" and "UnauthorizedOperation" in errors[0]["error"]
        assert not (result.output_dir / name / "resources.json").exists()
    assert len(requests(server, "DescribeInstances")) == 1   # not asked again by the second policy
    assert result.metadata("volumes")["errors"] == [] and len(result.resources("volumes")) == 1
