"""Service models held as JSON text until read (aws/models.py): clients behave
as botocore's own do, errors included, while most shapes stay undecoded."""
from __future__ import annotations

import boto3
import botocore.session
import pytest
from botocore.exceptions import ClientError

from c7n_lite.aws.models import LazyJSON
from c7n_lite.aws.session import AwsSession

REGION = "us-east-1"


def ours(server, service):
    return AwsSession(REGION, endpoint_url=server.endpoint).client(service)


@pytest.mark.parametrize("service", ["iam", "s3", "ec2", "sns", "iot"])
def test_a_client_knows_the_same_modeled_errors_as_botocores(server, service):
    plain = boto3.Session(botocore_session=botocore.session.Session()).client(
        service, region_name=REGION, endpoint_url=server.endpoint)
    assert sorted(ours(server, service).exceptions._code_to_exception) == \
        sorted(plain.exceptions._code_to_exception)


def test_an_error_response_raises_its_modeled_exception(server):
    iam, s3 = ours(server, "iam"), ours(server, "s3")
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_role(RoleName="never-created")
    with pytest.raises(s3.exceptions.NoSuchBucket):
        s3.list_objects_v2(Bucket="never-created")
    with pytest.raises(ClientError) as raised:
        ours(server, "ec2").describe_volumes(VolumeIds=["vol-00000000000000000"])
    assert raised.value.response["Error"]["Code"] == "InvalidVolume.NotFound"


def test_calls_decode_only_the_shapes_they_read(server):
    ec2 = ours(server, "ec2")
    shapes = ec2.meta.service_model._service_description["shapes"]
    assert isinstance(shapes, LazyJSON)

    def decoded():
        return {name for name in shapes if not isinstance(shapes.undecoded(name), str)}

    before = decoded()  # the process's model: other tests' calls read shapes too
    ec2.describe_volumes()
    with pytest.raises(ClientError):
        ec2.describe_volumes(VolumeIds=["vol-00000000000000000"])
    after = decoded()
    assert "Volume" in after
    assert len(after - before) < 60
    assert len(after) < len(shapes) / 4
