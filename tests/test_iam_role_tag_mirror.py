"""iam-role-tag-mirror on EC2: the instance's tag against its profile role's tag, in moto."""
from __future__ import annotations

import json

from tests.test_actions_ec2 import AMI
from tests.test_filters_language import ids  # noqa: F401 - the fixture

TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def role(iam, name, **tags):
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST,
                    Tags=[{"Key": k, "Value": v} for k, v in tags.items()])
    iam.create_instance_profile(InstanceProfileName=name)
    iam.add_role_to_instance_profile(InstanceProfileName=name, RoleName=name)


def instance(ec2, profile=None, **tags):
    spec = {"ImageId": AMI, "MinCount": 1, "MaxCount": 1}
    if profile:
        spec["IamInstanceProfile"] = {"Name": profile}
    if tags:
        spec["TagSpecifications"] = [{"ResourceType": "instance",
                                      "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}]
    return ec2.run_instances(**spec)["Instances"][0]["InstanceId"]


def test_iam_role_tag_mirror_on_instances(aws, ids):  # noqa: F811
    iam, ec2 = aws("iam"), aws("ec2")
    role(iam, "prod", Environment="prod")
    role(iam, "shared", Environment="dev", Owner="Shared")
    role(iam, "untagged")
    same = instance(ec2, "prod", Environment="prod")
    differs = instance(ec2, "prod", Environment="dev")
    ignored = instance(ec2, "shared", Environment="prod")
    role_lacks = instance(ec2, "untagged", Environment="prod")
    instance(ec2, Environment="prod")  # no role: never matches
    mirror = {"type": "iam-role-tag-mirror", "key": "tag:Environment", "ignore": [{"tag:Owner": "Shared"}]}
    assert sorted(ids("aws.ec2", [mirror], "InstanceId")) == sorted([differs, role_lacks])
    assert ids("aws.ec2", [{**mirror, "missing-ok": True}], "InstanceId") == [differs]
    assert ids("aws.ec2", [{**mirror, "match": "equal"}], "InstanceId") == [same]
    assert ids("aws.ec2", [{"type": "iam-role-tag-mirror", "key": "tag:Environment", "match": "in",
                            "value": ["dev"]}], "InstanceId") == []
    assert ids("aws.ec2", [{"type": "iam-role-tag-mirror", "key": "tag:Environment", "match": "in",
                            "value": ["prod"]}], "InstanceId") == [same]
    assert ignored not in ids("aws.ec2", [mirror], "InstanceId")


def test_iam_role_tag_mirror_unreadable_role_is_errored(aws, cli, write_policies, server):
    iam, ec2 = aws("iam"), aws("ec2")
    role(iam, "prod", Environment="prod")
    instance(ec2, "prod", Environment="dev")
    server.hooks.append(lambda r: (403, "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>"
                                        "<Message>no</Message></Error><RequestId>r</RequestId></ErrorResponse>")
                        if r.operation == "GetInstanceProfile" else None)
    result = cli("run", "--dryrun", write_policies(json.dumps({"policies": [{
        "name": "m", "resource": "aws.ec2", "filters": [{"type": "iam-role-tag-mirror", "key": "tag:Environment"}]}]})))
    assert result.exit_code != 0
    assert result.all_errored("m")
