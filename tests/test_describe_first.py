"""The describe-first phase: a unit's types are described ahead of the policies,
once each, only for policies that run; each policy starts once its own type is
described (not the unit's others); one service's describes go one at a time,
different services' side by side; a failed describe is each of its policies'
error, without describing again.  Counted and timed at the server."""
from __future__ import annotations

import threading
import time
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


def test_each_type_is_described_once_before_its_policies_read_details(server, aws, cli, write_policies):
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
    # Each type described once; the bucket policy read ACLs only after the buckets' listing.
    assert order.count("DescribeInstances") == 1 and len(listings) == 1
    assert listings[0] < first_acl
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


class Clock:
    """At the server: when each matching request arrived, and how many of them were
    in flight at once (each is held `hold` seconds before moto answers it)."""

    def __init__(self, server, hold: float, match) -> None:
        self.hold, self.match, self.lock = hold, match, threading.Lock()
        self.arrived: list[tuple[float, str]] = []
        self.in_flight: dict[str, int] = {}
        self.most: dict[str, int] = {}
        server.hooks.append(self)

    def __call__(self, request):
        if not self.match(request):
            return None
        with self.lock:
            self.arrived.append((time.monotonic(), request.operation))
            self.in_flight[request.service] = self.in_flight.get(request.service, 0) + 1
            self.most[request.service] = max(self.most.get(request.service, 0), self.in_flight[request.service])
            self.most["all"] = max(self.most.get("all", 0), sum(self.in_flight.values()))
        time.sleep(self.hold)
        with self.lock:
            self.in_flight[request.service] -= 1
        return None   # moto answers

    def first(self, operation: str | None = None) -> float:
        return min(t for t, op in self.arrived if operation in (None, op))


def describe_or_list(request) -> bool:
    return request.operation.startswith("Describe") and request.operation != "DescribeTags" or bucket_listing(request)


def test_a_policy_starts_once_its_own_type_is_described(server, aws, cli, write_policies):
    aws("ec2").run_instances(ImageId=AMI, MinCount=1, MaxCount=1)
    aws("s3").create_bucket(Bucket="quick-bucket")
    slow = Clock(server, 1.0, lambda r: r.operation == "DescribeInstances")
    acl = Clock(server, 0.0, acl_read)
    result = cli("run", "--dryrun", write_policies("""
policies:
  - name: instances
    resource: aws.ec2
  - name: buckets
    resource: aws.s3
    filters: [{type: global-grants}]
"""))
    assert result.exit_code == 0, result.output
    # The bucket policy read its ACL while the instances' describe was still being answered.
    assert acl.first() < slow.first("DescribeInstances") + slow.hold
    assert len(result.resources("instances")) == 1 and result.resources("buckets") == []


def test_one_service_describes_one_type_at_a_time_services_side_by_side(server, aws, cli, write_policies):
    aws("ec2").run_instances(ImageId=AMI, MinCount=1, MaxCount=1)
    aws("ec2").create_volume(AvailabilityZone="us-east-1a", Size=8)
    aws("s3").create_bucket(Bucket="some-bucket")
    clock = Clock(server, 0.4, describe_or_list)
    result = cli("run", "--dryrun", "-j", "8", write_policies("""
policies:
  - {name: instances, resource: aws.ec2}
  - {name: volumes, resource: aws.ebs}
  - {name: groups, resource: aws.security-group}
  - {name: buckets, resource: aws.s3}
"""))
    assert result.exit_code == 0, result.output
    assert clock.most["ec2"] == 1      # EC2's three describes one after another
    assert clock.most["all"] >= 2      # the bucket listing beside one of them
    assert [len(result.resources(p)) for p in ("instances", "volumes", "buckets")] == [1, 2, 1]   # + root volume


def test_types_whose_policies_need_details_are_described_first(server, aws, cli, write_policies):
    ec2 = aws("ec2")
    instance = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    ec2.create_image(InstanceId=instance, Name="mine")
    clock = Clock(server, 0.0, describe_or_list)
    result = cli("run", "--dryrun", write_policies("""
policies:
  - {name: instances, resource: aws.ec2, filters: [{State.Name: running}]}
  - {name: shared-images, resource: aws.ami, filters: [{type: cross-account}]}
"""))
    assert result.exit_code == 0, result.output
    # Written second, described first: its launch permissions are read while EC2 instances are described.
    assert clock.first("DescribeImages") < clock.first("DescribeInstances")
    assert len(result.resources("instances")) == 1 and result.resources("shared-images") == []


def test_a_type_read_by_a_later_policy_is_kept_until_that_policy_is_done(server, aws, cli, write_policies):
    # A run lets go of a type's resources once no policy left reads it; a policy
    # that looks the type up (skip-ami-snapshots reads the images, a `missing`
    # the nested type) still reads it after the type's own policy is done.
    ec2 = aws("ec2")
    instance = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    ec2.create_image(InstanceId=instance, Name="golden")
    volume = ec2.describe_instances()["Reservations"][0]["Instances"][0]["BlockDeviceMappings"][0]
    loose = ec2.create_snapshot(VolumeId=volume["Ebs"]["VolumeId"])["SnapshotId"]
    server.reset_log()
    result = cli("run", "--dryrun", "-j", "1", write_policies("""
policies:
  - name: images
    resource: aws.ami
  - name: instances
    resource: aws.ec2
  - name: loose-snapshots
    resource: aws.ebs-snapshot
    filters: [{type: skip-ami-snapshots, value: true}]
  - name: no-instances
    resource: aws.account
    filters: [{type: missing, policy: {resource: aws.ec2}}]
"""))
    assert result.exit_code == 0, result.output
    assert len(requests(server, "DescribeImages")) == 1
    assert len(requests(server, "DescribeInstances")) == 1
    assert [s["SnapshotId"] for s in result.resources("loose-snapshots")] == [loose]
    assert result.resources("no-instances") == []   # the instance is there
