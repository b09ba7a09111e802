"""`package --format cloudformation`: a template cfn-lint accepts, and that moto's
CloudFormation turns into a function (whose code runs), a rule, its target and
the permission, with the role deploy would create."""
from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import yaml

from c7n_lite.deploy.invoke import runtime_dir
from tests.test_handler import sample

POLICIES = """
policies:
  - name: ec2-untagged
    resource: aws.ec2
    mode: {type: cloudtrail, events: [RunInstances], tags: {team: security}}
    filters: [{"tag:Owner": absent}]
    actions: [stop]
  - name: nightly-volumes
    resource: aws.ebs
    mode: {type: periodic, schedule: "rate(1 day)"}
    filters: [{Encrypted: false}]
"""


def package(cli, write_policies, tmp_path, policy, name, *extra):
    out = tmp_path / name
    result = cli("package", "-f", "cloudformation", "-p", policy, "-o", str(out), *extra, write_policies(POLICIES))
    assert result.exit_code == 0, result.output
    return out


def lint(path):
    return subprocess.run([str(Path(sys.executable).parent / "cfn-lint"), str(path)], capture_output=True, text=True)


def test_cfn_lint_accepts_both_templates(cli, write_policies, tmp_path):
    inline = package(cli, write_policies, tmp_path, "ec2-untagged", "inline.json")
    checked = lint(inline)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    from_s3 = package(cli, write_policies, tmp_path, "nightly-volumes", "s3.yml",
                      "--code-uri", "s3://code-${AWS::Region}/c7n/nightly.zip")
    checked = lint(from_s3)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert (tmp_path / "s3.zip").stat().st_size > 1000
    # a broken template is refused: the linter is really looking
    doc = json.loads(inline.read_text())
    doc["Resources"]["Function"]["Properties"]["Runtime"] = "python2.1"
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(doc))
    assert lint(broken).returncode != 0


def test_the_role_is_the_one_deploy_computes(cli, write_policies, tmp_path, aws):
    from c7n_lite.aws.session import AwsSession
    from c7n_lite.deploy.iam import role_document
    from c7n_lite.deploy.target import target_for
    from c7n_lite.schema import load_policies
    doc = json.loads(package(cli, write_policies, tmp_path, "ec2-untagged", "t.json").read_text())
    specs, _ = load_policies([write_policies(POLICIES)])
    deployed = role_document(target_for(specs[0].data, AwsSession("us-east-1")))
    templated = doc["Resources"]["Role"]["Properties"]["Policies"][0]["PolicyDocument"]
    assert templated["Statement"][0] == deployed["Statement"][0] == {
        "Sid": "Policy", "Effect": "Allow", "Resource": "*",
        "Action": ["ec2:DescribeInstances", "ec2:DescribeTags", "ec2:StopInstances"]}
    logs = templated["Statement"][1]["Resource"][0]["Fn::Sub"]
    assert logs == "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/" \
        "custodian-ec2-untagged"


def run_inline(code: str, event: dict, tmp_path: Path) -> dict:
    """The inline index.py, run as Lambda would: a clean interpreter, the runtime's packages only."""
    home = tmp_path / "task"
    home.mkdir()
    (home / "index.py").write_text(code)
    runtime = runtime_dir(tmp_path / "runtime")
    boot = ("import json, sys; sys.path[:0] = [sys.argv[1], sys.argv[2]]; import index; "
            "print(json.dumps(index.handler(json.loads(sys.argv[3]), None), default=str))")
    env = {**os.environ, "TMPDIR": str(tmp_path), "C7N_LITE_DRYRUN": "1"}
    proc = subprocess.run([sys.executable, "-I", "-S", "-c", boot, str(home), str(runtime), json.dumps(event)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_moto_cloudformation_deploys_a_working_function_and_rule(cli, write_policies, tmp_path, aws):
    path = package(cli, write_policies, tmp_path, "nightly-volumes", "t.json")
    cfn = aws("cloudformation")
    cfn.create_stack(StackName="c7n-nightly", TemplateBody=path.read_text(), Capabilities=["CAPABILITY_IAM"])
    assert cfn.describe_stacks(StackName="c7n-nightly")["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"
    fn = aws("lambda").get_function(FunctionName="custodian-nightly-volumes")
    config = fn["Configuration"]
    assert (config["Handler"], config["Runtime"]) == ("index.handler", "python3.11")
    role = config["Role"].rsplit("/", 1)[-1]
    allowed = aws("iam").get_role_policy(RoleName=role, PolicyName="c7n-lite-policy")["PolicyDocument"]
    if isinstance(allowed, str):   # moto keeps a stack-made inline policy as Python's repr of the dict
        allowed = ast.literal_eval(unquote(allowed))
    assert allowed["Statement"][0]["Action"] == ["ec2:DescribeVolumes"]
    events = aws("events")
    rule = events.describe_rule(Name="custodian-nightly-volumes")
    assert (rule["ScheduleExpression"], rule["State"]) == ("rate(1 day)", "ENABLED")
    assert [t["Arn"] for t in events.list_targets_by_rule(Rule=rule["Name"])["Targets"]] == [config["FunctionArn"]]
    statement, = json.loads(aws("lambda").get_policy(FunctionName=config["FunctionName"])["Policy"])["Statement"]
    assert statement["Condition"]["ArnLike"]["AWS:SourceArn"] == rule["Arn"]
    # the code, as the stack holds it, runs: it scans the account
    ec2 = aws("ec2")
    plain = ec2.create_volume(AvailabilityZone="us-east-1a", Size=8)["VolumeId"]
    ec2.create_volume(AvailabilityZone="us-east-1a", Size=8, Encrypted=True)
    body = cfn.get_template(StackName="c7n-nightly")["TemplateBody"]
    stored = body if isinstance(body, dict) else json.loads(body)
    summary = run_inline(stored["Resources"]["Function"]["Properties"]["Code"]["ZipFile"],
                         sample("scheduled.json"), tmp_path)
    assert summary["errors"] == [] and summary["matched"] == [plain] and summary["evaluated"] == 2


def test_code_from_s3_deploys_through_moto(cli, write_policies, tmp_path, aws):
    path = package(cli, write_policies, tmp_path, "ec2-untagged", "t.yaml", "--code-uri",
                   "s3://code-${AWS::Region}/c7n/ec2-untagged.zip")
    aws("s3").create_bucket(Bucket="code-us-east-1")
    aws("s3").put_object(Bucket="code-us-east-1", Key="c7n/ec2-untagged.zip", Body=(tmp_path / "t.zip").read_bytes())
    doc = yaml.safe_load(path.read_text())
    assert doc["Resources"]["Function"]["Properties"]["Code"]["S3Bucket"] == {"Fn::Sub": "code-${AWS::Region}"}
    cfn = aws("cloudformation")
    cfn.create_stack(StackName="c7n-ec2", TemplateBody=path.read_text(), Capabilities=["CAPABILITY_IAM"])
    config = aws("lambda").get_function(FunctionName="custodian-ec2-untagged")["Configuration"]
    assert config["Handler"] == "c7n_lite.handler.handler"
    import base64
    import hashlib
    assert config["CodeSha256"] == base64.b64encode(hashlib.sha256((tmp_path / "t.zip").read_bytes()).digest()).decode()
    pattern = json.loads(aws("events").describe_rule(Name="custodian-ec2-untagged")["EventPattern"])
    assert pattern["detail"]["eventName"] == ["RunInstances"]
    tags = {t["Key"]: t["Value"] for t in doc["Resources"]["Function"]["Properties"]["Tags"]}
    assert tags["c7n-lite:managed-by"] == "cloudformation"   # not deploy's: `gc` leaves it to the stack


def test_a_pull_policy_or_a_bad_code_uri_is_one_line(cli, write_policies, tmp_path):
    result = cli("package", "-f", "cloudformation", "-p", "nightly-volumes", "-o", str(tmp_path / "x.json"),
                 "--code-uri", "https://example.com/x.zip", write_policies(POLICIES))
    assert result.exit_code == 1
    assert "expected s3://bucket/key" in result.output


def test_an_inline_template_says_it_is_deployed_from_s3(cli, write_policies, tmp_path):
    path = write_policies(POLICIES)
    inline = cli("package", "-f", "cloudformation", "-p", "nightly-volumes", "-o", str(tmp_path / "i.json"), path)
    assert inline.exit_code == 0, inline.output
    assert (tmp_path / "i.json").stat().st_size > 51_200
    assert "upload it to S3 and use --template-url" in inline.output
    small = cli("package", "-f", "cloudformation", "-p", "nightly-volumes", "-o", str(tmp_path / "s.json"),
                "--code-uri", "s3://code/nightly.zip", path)
    assert small.exit_code == 0 and "--template-url" not in small.output
