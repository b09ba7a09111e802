"""Filters of the EC2 family, with Cloud Custodian's semantics, and the promise
that each related describe or per-resource detail is fetched once per run."""
from __future__ import annotations

import datetime
import json

import pytest
import yaml

from c7n_lite.sandbox_seed.ec2 import backdate_image, backdate_instance, moto_ec2
from tests.write_detector import writes

AMI = "ami-12c6146b"
PARTNER = "210987654321"
NOW = datetime.datetime.now(datetime.timezone.utc)


def tags(kind, **pairs):
    return [{"ResourceType": kind, "Tags": [{"Key": k, "Value": v} for k, v in pairs.items()]}]


def launch(ec2, image=AMI, groups=None, encrypted=False, **tag_pairs):
    spec = {"ImageId": image, "MinCount": 1, "MaxCount": 1}
    if groups:
        spec["SecurityGroupIds"] = groups
    if encrypted:
        spec["BlockDeviceMappings"] = [{"DeviceName": "/dev/sda1", "Ebs": {"VolumeSize": 8, "Encrypted": True}}]
    if tag_pairs:
        spec["TagSpecifications"] = tags("instance", **tag_pairs)
    return ec2.run_instances(**spec)["Instances"][0]["InstanceId"]


@pytest.fixture
def run(cli, write_policies):
    """Run a policy file (dry) and return {policy: sorted matched ids}."""
    def go(text, key):
        result = cli("run", "--dryrun", write_policies(text))
        assert result.exit_code == 0, result.output
        names = [p["name"] for p in yaml.safe_load(text)["policies"]]
        return {n: result.ids(n, key) for n in names}
    return go


def one(resource, filters, name="p"):
    """A policy file with one policy."""
    return json.dumps({"policies": [{"name": name, "resource": resource, "filters": filters}]})


# --- instance-age ----------------------------------------------------------------

def test_instance_age_reads_the_oldest_volume_attach_time(aws, run, server):
    ec2 = aws("ec2")
    old, young = launch(ec2), launch(ec2)
    backdate_instance("us-east-1", old, 40)
    # Only the volume attach time is old: instance-age must still see 40 days.
    attach_only = launch(ec2)
    instance = moto_ec2("us-east-1").get_instance(attach_only)
    for mapping in instance.block_device_mapping.values():
        mapping.attach_time = NOW.replace(tzinfo=None) - datetime.timedelta(days=40)
    found = run(json.dumps({"policies": [
        {"name": "older", "resource": "ec2", "filters": [{"type": "instance-age", "op": "ge", "days": 30}]},
        {"name": "younger", "resource": "ec2", "filters": [{"type": "instance-age", "op": "lt", "days": 30}]},
        {"name": "hours", "resource": "ec2", "filters": [{"type": "instance-age", "hours": 900}]},
        {"name": "minutes", "resource": "ec2", "filters": [{"type": "instance-age", "op": "lt", "minutes": 60}]},
    ]}), "InstanceId")
    assert found["older"] == sorted([old, attach_only])
    assert found["younger"] == [young]
    assert found["hours"] == sorted([old, attach_only])  # 40 days > 900 hours; op gt by default
    assert found["minutes"] == [young]


def test_instance_age_uses_the_pinned_clock(aws, run, monkeypatch):
    instance = launch(aws("ec2"))
    monkeypatch.setenv("C7N_LITE_NOW", (NOW + datetime.timedelta(days=10)).isoformat())
    found = run(json.dumps({"policies": [
        {"name": "week", "resource": "ec2", "filters": [{"type": "instance-age", "op": "ge", "days": 7}]},
        {"name": "fortnight", "resource": "ec2", "filters": [{"type": "instance-age", "op": "ge", "days": 14}]},
    ]}), "InstanceId")
    assert found == {"week": [instance], "fortnight": []}


# --- security-group, ebs, image on instances ------------------------------------

@pytest.fixture
def fleet(aws):
    ec2 = aws("ec2")
    web = ec2.create_security_group(GroupName="fleet-web", Description="web",
                                    TagSpecifications=tags("security-group", Tier="web"))["GroupId"]
    db = ec2.create_security_group(GroupName="fleet-db", Description="db")["GroupId"]
    builder = launch(ec2)
    old_image = ec2.create_image(InstanceId=builder, Name="golden-old")["ImageId"]
    new_image = ec2.create_image(InstanceId=builder, Name="golden-new")["ImageId"]
    backdate_image("us-east-1", old_image, 400)
    ec2.terminate_instances(InstanceIds=[builder])
    return {
        "builder": builder,
        "web": launch(ec2, old_image, [web]),
        "both": launch(ec2, new_image, [web, db], encrypted=True),
        "default": launch(ec2, new_image),
        "public-image": launch(ec2, AMI, [db]),
        "groups": {"web": web, "db": db}, "images": {"old": old_image, "new": new_image},
    }


def test_security_group_filter(fleet, run, server):
    found = run(json.dumps({"policies": [
        {"name": "in-web", "resource": "ec2",
         "filters": [{"type": "security-group", "key": "tag:Tier", "value": "web"}]},
        {"name": "only-web", "resource": "ec2",
         "filters": [{"type": "security-group", "key": "GroupName", "value": "fleet-web", "operator": "and"}]},
        {"name": "two-groups", "resource": "ec2",
         "filters": [{"type": "security-group", "value_type": "resource_count", "op": "ge", "value": 2}]},
        {"name": "same-vpc", "resource": "ec2",
         "filters": [{"type": "security-group", "key": "VpcId", "match-resource": True}]},
    ]}), "InstanceId")
    assert found["in-web"] == sorted([fleet["web"], fleet["both"]])
    assert found["only-web"] == [fleet["web"]]
    assert found["two-groups"] == [fleet["both"]]
    everyone = {fleet[k] for k in ("builder", "web", "both", "default", "public-image")}
    assert set(found["same-vpc"]) == everyone
    calls = [r.operation for r in server.requests]
    assert calls.count("DescribeSecurityGroups") == 1, "four policies share one describe"


def test_security_group_filter_notes_the_matched_groups(fleet, cli, write_policies):
    result = cli("run", "--dryrun", write_policies(one("ec2", [
        {"type": "security-group", "key": "GroupName", "value": "fleet-db"}])))
    by_id = {r["InstanceId"]: r for r in result.resources("p")}
    assert by_id[fleet["both"]]["c7n:matched-security-groups"] == [fleet["groups"]["db"]]


def test_ebs_filter(fleet, aws, run, server):
    found = run(json.dumps({"policies": [
        {"name": "unencrypted", "resource": "ec2", "filters": [{"type": "ebs", "key": "Encrypted", "value": False}]},
        {"name": "encrypted", "resource": "ec2",
         "filters": [{"type": "ebs", "key": "Encrypted", "value": True, "operator": "and"}]},
        {"name": "skip-root", "resource": "ec2",
         "filters": [{"type": "ebs", "key": "Encrypted", "value": False, "skip-devices": ["/dev/sda1"]}]},
    ]}), "InstanceId")
    running = {fleet[k] for k in ("web", "both", "default", "public-image")}
    assert set(found["unencrypted"]) == running - {fleet["both"]}
    assert found["encrypted"] == [fleet["both"]]
    assert found["skip-root"] == []  # only root volumes here, all skipped
    assert [r.operation for r in server.requests].count("DescribeVolumes") == 1


def test_image_filter(fleet, run, server):
    found = run(json.dumps({"policies": [
        {"name": "old-image", "resource": "ec2",
         "filters": [{"type": "image", "key": "CreationDate", "value_type": "age", "op": "gt", "value": 365}]},
        {"name": "golden", "resource": "ec2",
         "filters": [{"type": "image", "key": "Name", "op": "glob", "value": "golden-*"}]},
        {"name": "no-such-image", "resource": "ec2",
         "filters": [{"type": "image", "key": "Name", "value": "absent"}]},
    ]}), "InstanceId")
    assert found["old-image"] == [fleet["web"]]
    assert found["golden"] == sorted(fleet[k] for k in ("web", "both", "default"))
    # The image of 'public-image' does not exist: it matches nothing, not even 'absent'.
    assert found["no-such-image"] == []
    calls = [r.operation for r in server.requests]
    # The account's images once, the unknown one once by id, for all three policies.
    assert calls.count("DescribeImages") == 2


# --- snapshots --------------------------------------------------------------------

@pytest.fixture
def snapshots(aws):
    ec2 = aws("ec2")
    volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=8)["VolumeId"]
    made = {name: ec2.create_snapshot(VolumeId=volume, Description=name)["SnapshotId"]
            for name in ("old", "new", "public", "partner", "stranger")}
    backend = moto_ec2("us-east-1")
    backend.snapshots[made["old"]].start_time = NOW.replace(tzinfo=None) - datetime.timedelta(days=400)
    ec2.modify_snapshot_attribute(SnapshotId=made["public"], Attribute="createVolumePermission",
                                  OperationType="add", GroupNames=["all"])
    ec2.modify_snapshot_attribute(SnapshotId=made["partner"], Attribute="createVolumePermission",
                                  OperationType="add", UserIds=[PARTNER])
    ec2.modify_snapshot_attribute(SnapshotId=made["stranger"], Attribute="createVolumePermission",
                                  OperationType="add", UserIds=["111122223333"])
    builder = launch(ec2)
    image = ec2.create_image(InstanceId=builder, Name="golden")["ImageId"]
    backdate_image("us-east-1", image, 500)
    made["ami"] = next(s["SnapshotId"] for s in ec2.describe_snapshots()["Snapshots"]
                       if image in s.get("Description", ""))
    return made


def test_snapshot_age_and_skip_ami_snapshots(snapshots, run, server):
    found = run(json.dumps({"policies": [
        {"name": "old", "resource": "ebs-snapshot", "filters": [{"type": "age", "op": "ge", "days": 365}]},
        {"name": "old-not-ami", "resource": "ebs-snapshot",
         "filters": ["skip-ami-snapshots", {"type": "age", "op": "ge", "days": 365}]},
        {"name": "keep-ami", "resource": "ebs-snapshot",
         "filters": [{"type": "skip-ami-snapshots", "value": False}, {"type": "age", "days": 365}]},
        {"name": "young", "resource": "ebs-snapshot", "filters": [{"type": "age", "op": "lt", "days": 1}]},
    ]}), "SnapshotId")
    assert found["old"] == sorted([snapshots["old"], snapshots["ami"]])
    assert found["old-not-ami"] == [snapshots["old"]]
    assert found["keep-ami"] == sorted([snapshots["old"], snapshots["ami"]])
    assert set(found["young"]) == {snapshots[k] for k in ("new", "public", "partner", "stranger")}
    assert [r.operation for r in server.requests].count("DescribeImages") == 1


def test_snapshot_cross_account(snapshots, run, server, tmp_path):
    allowed = tmp_path / "allowed.json"
    allowed.write_text(json.dumps({"accounts": [PARTNER, "111122223333"]}))
    server.reset_log()
    found = run(json.dumps({"policies": [
        {"name": "shared", "resource": "ebs-snapshot", "filters": ["cross-account"]},
        {"name": "beyond-partner", "resource": "ebs-snapshot",
         "filters": [{"type": "cross-account", "whitelist": [PARTNER]}]},
        {"name": "beyond-file", "resource": "ebs-snapshot",
         "filters": [{"type": "cross-account",
                      "whitelist_from": {"url": f"file://{allowed}", "expr": "accounts"}}]},
        {"name": "public", "resource": "ebs-snapshot", "filters": [{"type": "cross-account", "everyone_only": True}]},
    ]}), "SnapshotId")
    assert found["shared"] == sorted(snapshots[k] for k in ("public", "partner", "stranger"))
    assert found["beyond-partner"] == sorted(snapshots[k] for k in ("public", "stranger"))
    assert found["beyond-file"] == [snapshots["public"]]
    assert found["public"] == [snapshots["public"]]
    # createVolumePermission once per snapshot, for four policies.
    assert [r.operation for r in server.requests].count("DescribeSnapshotAttribute") == 6
    assert writes(server) == []


def test_cross_account_is_fetched_only_for_snapshots_reaching_it(snapshots, run, server):
    found = run(one("ebs-snapshot", [{"type": "age", "op": "lt", "days": 1}, "cross-account"]), "SnapshotId")
    assert found["p"] == sorted(snapshots[k] for k in ("public", "partner", "stranger"))
    assert [r.operation for r in server.requests].count("DescribeSnapshotAttribute") == 4  # not the old two


def test_snapshot_cross_account_notes_the_violations(snapshots, cli, write_policies):
    result = cli("run", "--dryrun", write_policies(one("ebs-snapshot", ["cross-account"])))
    by_id = {r["SnapshotId"]: r for r in result.resources("p")}
    assert by_id[snapshots["public"]]["c7n:CrossAccountViolations"] == ["all"]
    assert by_id[snapshots["partner"]]["c7n:CrossAccountViolations"] == [PARTNER]


# --- images ----------------------------------------------------------------------

def test_image_age_unused_and_cross_account(aws, run, server):
    ec2 = aws("ec2")
    builder = launch(ec2)
    images = {n: ec2.create_image(InstanceId=builder, Name=f"image-{n}")["ImageId"]
              for n in ("old-used", "old-unused", "new-public", "new-partner")}
    ec2.terminate_instances(InstanceIds=[builder])
    backdate_image("us-east-1", images["old-used"], 300)
    backdate_image("us-east-1", images["old-unused"], 300)
    launch(ec2, images["old-used"])
    ec2.modify_image_attribute(ImageId=images["new-public"], LaunchPermission={"Add": [{"Group": "all"}]})
    ec2.modify_image_attribute(ImageId=images["new-partner"], LaunchPermission={"Add": [{"UserId": PARTNER}]})
    found = run(json.dumps({"policies": [
        {"name": "old", "resource": "ami", "filters": [{"type": "image-age", "days": 180}]},
        {"name": "new", "resource": "ami", "filters": [{"type": "image-age", "op": "lt", "days": 180}]},
        {"name": "unused", "resource": "ami", "filters": [{"type": "unused", "value": True}]},
        {"name": "used", "resource": "ami", "filters": [{"type": "unused", "value": False}]},
        {"name": "old-unused", "resource": "ami",
         "filters": [{"type": "image-age", "op": "ge", "days": 180}, "unused"]},
        {"name": "shared", "resource": "ami", "filters": ["cross-account"]},
        {"name": "beyond-partner", "resource": "ami", "filters": [{"type": "cross-account", "whitelist": [PARTNER]}]},
    ]}), "ImageId")
    assert found["old"] == sorted([images["old-used"], images["old-unused"]])
    assert found["new"] == sorted([images["new-public"], images["new-partner"]])
    assert found["unused"] == sorted(images[k] for k in ("old-unused", "new-public", "new-partner"))
    assert found["used"] == [images["old-used"]]
    assert found["old-unused"] == [images["old-unused"]]
    assert found["shared"] == sorted([images["new-public"], images["new-partner"]])
    assert found["beyond-partner"] == [images["new-public"]]
    calls = [r.operation for r in server.requests]
    assert calls.count("DescribeInstances") == 1
    assert calls.count("DescribeImageAttribute") == 4


def test_a_stopped_or_terminated_instance_still_uses_its_image(aws, run):
    ec2 = aws("ec2")
    builder = launch(ec2)
    stopped, terminated, unused = (ec2.create_image(InstanceId=builder, Name=f"image-{n}")["ImageId"]
                                   for n in ("a", "b", "c"))
    ec2.stop_instances(InstanceIds=[launch(ec2, stopped)])
    ec2.terminate_instances(InstanceIds=[launch(ec2, terminated)])
    found = run(one("ami", ["unused"]), "ImageId")
    assert found["p"] == [unused]


# --- ingress / egress --------------------------------------------------------------

def tcp(port, to=None, cidrs=(), v6=(), groups=(), desc=None):
    rule = {"IpProtocol": "tcp", "FromPort": port, "ToPort": to or port}
    if cidrs:
        rule["IpRanges"] = [{"CidrIp": c, **({"Description": desc} if desc else {})} for c in cidrs]
    if v6:
        rule["Ipv6Ranges"] = [{"CidrIpv6": c} for c in v6]
    if groups:
        rule["UserIdGroupPairs"] = [{"GroupId": g} for g in groups]
    return rule


@pytest.fixture
def groups(aws):
    ec2 = aws("ec2")
    made = {}
    for name in ("ssh-world", "ssh-v6", "web", "range", "all", "internal", "self", "refs", "mixed"):
        made[name] = ec2.create_security_group(GroupName=name, Description=name,
                                               TagSpecifications=tags("security-group", Name=name))["GroupId"]
    rules = {
        "ssh-world": [tcp(22, cidrs=["0.0.0.0/0"], desc="legacy admin")],
        "ssh-v6": [tcp(22, v6=["::/0"])],
        "web": [tcp(80, cidrs=["0.0.0.0/0"]), tcp(443, cidrs=["0.0.0.0/0"])],
        "range": [tcp(1000, 2000, cidrs=["0.0.0.0/0"])],
        "all": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
        "internal": [tcp(22, cidrs=["10.1.0.0/16"]), tcp(5432, cidrs=["10.2.3.0/24"])],
        "self": [tcp(8080, groups=[made["self"]])],
        "refs": [tcp(5432, groups=[made["web"]])],
        "mixed": [tcp(22, cidrs=["10.0.0.0/8"], v6=["::/0"])],
    }
    for name, perms in rules.items():
        ec2.authorize_security_group_ingress(GroupId=made[name], IpPermissions=perms)
    ec2.revoke_security_group_egress(GroupId=made["internal"], IpPermissions=[
        {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    return made


SG_CASES = {
    "ports-22": ({"Ports": [22]}, {"ssh-world", "ssh-v6", "internal", "mixed"}),
    # a rule without a port range (all traffic) leaves Ports out: the rule matches on nothing else
    "ports-1500": ({"Ports": [1500, 9999]}, {"range"}),
    # an all-traffic rule has no port range, so Ports leaves it to Cidr: it is open to SSH too
    "ssh-world": ({"Ports": [22], "Cidr": {"value": "0.0.0.0/0"}}, {"ssh-world", "all"}),
    "ssh-world-short": ({"Ports": [22], "Cidr": "0.0.0.0/0"}, {"ssh-world", "all"}),
    "ssh-world-v6": ({"Ports": [22], "CidrV6": {"value": "::/0"}}, {"ssh-v6", "mixed"}),
    "v4-and-v6": ({"Cidr": "0.0.0.0/0", "CidrV6": "::/0"}, set()),
    "v4-or-v6": ({"match-operator": "or", "Cidr": "0.0.0.0/0", "CidrV6": "::/0"},
                 {"ssh-world", "ssh-v6", "web", "range", "all", "mixed"}),
    "only-web": ({"OnlyPorts": [80, 443], "Cidr": "0.0.0.0/0"}, {"ssh-world", "range", "all"}),
    "all-traffic": ({"IpProtocol": "-1"}, {"all"}),
    "all-traffic-int": ({"IpProtocol": -1}, {"all"}),
    "tcp-5432": ({"IpProtocol": "tcp", "FromPort": 5432}, {"internal", "refs"}),
    "from-port-op": ({"FromPort": {"type": "value", "op": "ge", "value": 1000}, "ToPort": {"op": "le", "value": 2000}},
                     {"range"}),
    "private-cidr": ({"Cidr": {"value_type": "cidr", "op": "in", "value": ["10.0.0.0/8"]}}, {"internal", "mixed"}),
    "self": ({"SelfReference": True}, {"self"}),
    # any rule not naming the group itself, CIDR rules included
    "not-self": ({"SelfReference": False},
                 {"ssh-world", "ssh-v6", "web", "range", "all", "internal", "refs", "mixed"}),
    "description": ({"Description": {"value": "legacy admin"}}, {"ssh-world"}),
    "refs-web": ({"SGReferences": {"key": "GroupName", "value": "web"}}, {"refs"}),
}


def test_ingress_conditions(groups, run):
    policies = [{"name": name, "resource": "security-group", "filters": [{"type": "ingress", **data}]}
                for name, (data, _) in SG_CASES.items()]
    found = run(json.dumps({"policies": policies}), "GroupId")
    names = {gid: name for name, gid in groups.items()}
    for name, (_, expected) in SG_CASES.items():
        assert {names.get(g, g) for g in found[name]} == expected, name


def test_egress_and_matched_rules_note(groups, cli, write_policies):
    result = cli("run", "--dryrun", write_policies(json.dumps({"policies": [
        {"name": "egress-open", "resource": "security-group",
         "filters": [{"type": "egress", "IpProtocol": "-1", "Cidr": "0.0.0.0/0"}]},
        {"name": "ssh", "resource": "security-group",
         "filters": [{"type": "ingress", "Ports": [22], "Cidr": "0.0.0.0/0"}]},
    ]})))
    assert result.exit_code == 0, result.output
    egress = set(result.ids("egress-open", "GroupId"))
    assert groups["internal"] not in egress and groups["web"] in egress
    ssh = {r["GroupId"]: r for r in result.resources("ssh")}
    assert set(ssh) == {groups["ssh-world"], groups["all"]}
    assert ssh[groups["ssh-world"]]["MatchedIpPermissions"] == [{
        "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [
            {"CidrIp": "0.0.0.0/0", "Description": "legacy admin"}],
        "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}]


# --- validation, and nothing written -------------------------------------------------

@pytest.mark.parametrize("filters, message", [
    ([{"type": "ingress", "Ports": 22}], "'Ports' must be a list"),
    ([{"type": "ingress", "Port": [22]}], "unknown key 'Port' (did you mean 'Ports'?)"),
    ([{"type": "ingress"}], "needs at least one condition"),
    ([{"type": "ingress", "Cidr": {"value_type": "cidr", "value": "300.1.1.1/8"}}], "Cidr: value '300.1.1.1/8'"),
    ([{"type": "instance-age", "days": "30"}], "'days' must be a number"),
    ([{"type": "instance-age", "op": "older"}], "unknown op 'older'"),
    ([{"type": "security-group", "value": "default"}], "missing required key 'key'"),
    ([{"type": "ebs", "key": "Size", "value_type": "age", "value": "old"}], "value_type 'age' needs a number"),
])
def test_validation_messages(filters, message, cli, write_policies):
    result = cli("validate", write_policies(one("security-group" if filters[0]["type"] == "ingress" else "ec2",
                                                filters)))
    assert result.exit_code == 1
    assert message in result.output, result.output


def test_cross_account_options_are_validated(cli, write_policies):
    result = cli("validate", write_policies(one("ebs-snapshot", [{"type": "cross-account", "whitelist": "123"},
                                                                 {"type": "age", "days": 1, "hours": 2}])))
    assert result.exit_code == 1
    assert "'whitelist' must be a list" in result.output
    assert "unknown key 'hours'" in result.output


def test_example_policies_dry_run_writes_nothing(fleet, snapshots, groups, cli, server):
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent / "policies"
    server.reset_log()
    result = cli("run", "--dryrun", *(str(root / f) for f in ("ec2.yml", "ebs.yml", "ami.yml", "network.yml")))
    assert result.exit_code == 0, result.output
    assert writes(server) == []
    ops = [r.operation for r in server.requests]
    for op in ("DescribeInstances", "DescribeVolumes", "DescribeSnapshots", "DescribeSecurityGroups"):
        assert ops.count(op) == 1, op


def test_rules_matched_by_one_policy_are_not_revoked_by_another(aws, cli, write_policies):
    ec2 = aws("ec2")
    group = ec2.create_security_group(GroupName="both", Description="ssh and rdp")["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[
        tcp(22, cidrs=["0.0.0.0/0"]), tcp(3389, cidrs=["0.0.0.0/0"])])
    result = cli("run", write_policies("""
policies:
  - name: a-ssh
    resource: aws.security-group
    filters: [{type: ingress, Ports: [22]}]
  - name: b-rdp
    resource: aws.security-group
    filters: [{type: ingress, Ports: [3389]}]
    actions: [{type: remove-permissions, ingress: matched}]
"""))
    assert result.exit_code == 0, result.output
    a = {r["GroupId"]: r for r in result.resources("a-ssh")}
    b = {r["GroupId"]: r for r in result.resources("b-rdp")}
    assert [p["FromPort"] for p in a[group]["MatchedIpPermissions"]] == [22]
    assert [p["FromPort"] for p in b[group]["MatchedIpPermissions"]] == [3389]
    left = ec2.describe_security_groups(GroupIds=[group])["SecurityGroups"][0]["IpPermissions"]
    assert [p["FromPort"] for p in left] == [22]


def test_a_group_that_no_longer_exists_has_every_key_absent(aws, run):
    ec2 = aws("ec2")
    gone = ec2.create_security_group(GroupName="gone", Description="deleted later")["GroupId"]
    orphan = launch(ec2, groups=[gone])
    kept = launch(ec2)
    ec2.delete_security_group(GroupId=gone)
    found = run(json.dumps({"policies": [
        {"name": "absent", "resource": "ec2",
         "filters": [{"type": "security-group", "key": "GroupName", "value": "absent"}]},
        {"name": "named", "resource": "ec2",
         "filters": [{"type": "security-group", "key": "GroupName", "value": "present"}]},
    ]}), "InstanceId")
    assert found == {"absent": [orphan], "named": [kept]}
