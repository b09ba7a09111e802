"""Security groups, S3 and Redshift fixes, read back from the account."""
from __future__ import annotations


def make_group(ec2, name="web"):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    gid = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
    ])
    return gid


def ingress(ec2, gid):
    group = ec2.describe_security_groups(GroupIds=[gid])["SecurityGroups"][0]
    return sorted((p.get("FromPort"), r["CidrIp"]) for p in group["IpPermissions"] for r in p.get("IpRanges", ()))


def test_remove_permissions_removes_only_the_matched_ingress_rule(aws, cli, write_policies):
    ec2 = aws("ec2")
    gid = make_group(ec2)
    result = cli("run", write_policies("""
policies:
  - name: no-open-ssh
    resource: aws.security-group
    filters:
      - {type: ingress, Ports: [22], Cidr: {value: 0.0.0.0/0}}
    actions: [{type: remove-permissions, ingress: matched}]
"""))
    assert result.exit_code == 0, result.output
    assert ingress(ec2, gid) == [(443, "10.0.0.0/8")]


def test_remove_permissions_all_ingress(aws, cli, write_policies):
    ec2 = aws("ec2")
    gid = make_group(ec2)
    result = cli("run", write_policies(f"""
policies:
  - name: lock-down
    resource: aws.security-group
    filters: [{{GroupId: {gid}}}]
    actions: [{{type: remove-permissions, ingress: all}}]
"""))
    assert result.exit_code == 0, result.output
    assert ingress(ec2, gid) == []


def test_s3_public_access_block_and_global_grants(aws, cli, write_policies):
    s3 = aws("s3")
    s3.create_bucket(Bucket="open-bucket")
    s3.put_bucket_acl(Bucket="open-bucket", ACL="public-read")
    s3.create_bucket(Bucket="closed-bucket")
    result = cli("run", write_policies("""
policies:
  - name: close-open
    resource: aws.s3
    filters: [{Name: open-bucket}]
    actions:
      - set-public-access-block
      - remove-global-grants
"""))
    assert result.exit_code == 0, result.output
    block = s3.get_public_access_block(Bucket="open-bucket")["PublicAccessBlockConfiguration"]
    assert block == {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
                     "RestrictPublicBuckets": True}
    grants = s3.get_bucket_acl(Bucket="open-bucket")["Grants"]
    assert grants and all("AllUsers" not in (g["Grantee"].get("URI") or "") for g in grants)
    assert any(g["Grantee"].get("Type") == "CanonicalUser" for g in grants)


def make_cluster(redshift, name, public=True, tags=None):
    redshift.create_cluster(ClusterIdentifier=name, NodeType="dc2.large", MasterUsername="admin",
                            MasterUserPassword="Password1", PubliclyAccessible=public,
                            Tags=[{"Key": k, "Value": v} for k, v in (tags or {}).items()])


def test_redshift_set_public_access_off(aws, cli, write_policies):
    redshift = aws("redshift")
    make_cluster(redshift, "open-one", public=True)
    make_cluster(redshift, "closed-one", public=False)
    result = cli("run", write_policies("""
policies:
  - name: private-redshift
    resource: aws.redshift
    actions: [{type: set-public-access, state: false}]
"""))
    assert result.exit_code == 0, result.output
    clusters = {c["ClusterIdentifier"]: c["PubliclyAccessible"] for c in redshift.describe_clusters()["Clusters"]}
    assert clusters == {"open-one": False, "closed-one": False}
    assert "set-public-access: done 1, skipped 1" in result.output


def attached_volume(ec2) -> str:
    held = ec2.create_volume(AvailabilityZone="us-east-1a", Size=10)["VolumeId"]
    instance = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    ec2.attach_volume(VolumeId=held, InstanceId=instance, Device="/dev/sdf")
    return held


def test_ebs_delete_removes_unattached_volumes_and_skips_attached_ones(aws, cli, write_policies):
    ec2 = aws("ec2")
    loose = ec2.create_volume(AvailabilityZone="us-east-1a", Size=10)["VolumeId"]
    held = attached_volume(ec2)
    path = write_policies(f"""
policies:
  - name: delete-volumes
    resource: aws.ebs
    filters:
      - type: value
        key: VolumeId
        op: in
        value: [{loose}, {held}]
    actions: [delete]
""")
    result = cli("run", path)
    assert result.exit_code == 0, result.output
    left = {v["VolumeId"] for v in ec2.describe_volumes()["Volumes"]}
    assert loose not in left and held in left
    assert "attached to an instance" in result.output


def test_ebs_delete_with_force_detaches_first(aws, cli, write_policies):
    ec2 = aws("ec2")
    held = attached_volume(ec2)
    path = write_policies(f"""
policies:
  - name: delete-volumes
    resource: aws.ebs
    filters:
      - VolumeId: {held}
    actions:
      - type: delete
        force: true
""")
    result = cli("run", path)
    assert result.exit_code == 0, result.output
    assert held not in {v["VolumeId"] for v in ec2.describe_volumes()["Volumes"]}
