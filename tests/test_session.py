"""How the engine's AWS sessions read timestamps and refuse writes in a dry run."""
from __future__ import annotations

import datetime

import pytest

from c7n_lite.aws.session import AwsSession, DryRunViolation, parse_timestamp

UTC = datetime.timezone.utc
WHEN = datetime.datetime(2026, 11, 26, 15, 23, 57, tzinfo=UTC)


@pytest.mark.parametrize("text", [
    "2026-11-26T15:23:57.000Z", "2026-11-26T15:23:57Z", "2026-11-26T15:23:57+00:00",
    "2026-11-26T16:23:57+01:00", "2026-11-26T15:23:57", "Thu, 26 Nov 2026 15:23:57 GMT",
    1795706637, "1795706637",
])
def test_every_aws_timestamp_shape_reads_as_the_same_aware_instant(text):
    parsed = parse_timestamp(text)
    assert parsed.tzinfo is not None
    assert parsed == WHEN


def test_resources_carry_aware_datetimes(server, aws):
    aws("ec2").run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1)
    session = AwsSession("us-east-1", endpoint_url=server.endpoint)
    instance = session.client("ec2").describe_instances()["Reservations"][0]["Instances"][0]
    assert isinstance(instance["LaunchTime"], datetime.datetime)
    assert instance["LaunchTime"].utcoffset() == datetime.timedelta(0)


def test_a_dry_run_session_refuses_writes_before_sending_them(server):
    session = AwsSession("us-east-1", endpoint_url=server.endpoint, dryrun=True)
    server.reset_log()
    with pytest.raises(DryRunViolation):
        session.client("ec2").create_tags(Resources=["i-12345678"], Tags=[{"Key": "a", "Value": "b"}])
    assert server.requests == []
    session.client("ec2").describe_instances()
    assert [r.operation for r in server.requests] == ["DescribeInstances"]
