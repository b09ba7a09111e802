"""Lambda demo functions, for policies/lambda.yml and policies/compliance/lambda.yml.

- orders-api: invocable by anyone (policy and a function URL without auth),
  10 reserved concurrent executions;
- thumbnailer: an end-of-life runtime (python3.8), invoked by S3 from this account;
- nightly-report: invocable by a partner account, no Owner tag;
- secure-worker: in the default VPC's subnets, no resource policy.
"""
from __future__ import annotations

import io
import json
import zipfile

import boto3

PARTNER_ACCOUNT = "210987654321"
ACCOUNT = "123456789012"
TRUST = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                 "Principal": {"Service": "lambda.amazonaws.com"}}]}


def _code() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("handler.py", "def handler(event, context):\n    return {'ok': True}\n")
    return buffer.getvalue()


def seed(endpoint: str, region: str) -> None:
    iam = boto3.client("iam", region_name=region, endpoint_url=endpoint)
    ec2 = boto3.client("ec2", region_name=region, endpoint_url=endpoint)
    lam = boto3.client("lambda", region_name=region, endpoint_url=endpoint)
    role = iam.create_role(RoleName="demo-functions", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["Arn"]
    code = {"ZipFile": _code()}

    def function(name: str, runtime: str, **extra) -> None:
        lam.create_function(FunctionName=name, Runtime=runtime, Role=role, Handler="handler.handler",
                            Code=code, **extra)

    function("orders-api", "python3.12", Tags={"Owner": "shop-team"})
    lam.add_permission(FunctionName="orders-api", StatementId="public-invoke", Action="lambda:InvokeFunction",
                       Principal="*")
    lam.create_function_url_config(FunctionName="orders-api", AuthType="NONE")
    lam.put_function_concurrency(FunctionName="orders-api", ReservedConcurrentExecutions=10)

    function("thumbnailer", "python3.8", Tags={"Owner": "media-team"})
    lam.add_permission(FunctionName="thumbnailer", StatementId="s3-uploads", Action="lambda:InvokeFunction",
                       Principal="s3.amazonaws.com", SourceAccount=ACCOUNT,
                       SourceArn="arn:aws:s3:::demo-uploads")

    function("nightly-report", "nodejs20.x")
    lam.add_permission(FunctionName="nightly-report", StatementId="partner-invoke",
                       Action="lambda:InvokeFunction", Principal=PARTNER_ACCOUNT)

    subnets = [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"] if s.get("DefaultForAz")][:2]
    default_sg = ec2.describe_security_groups(GroupNames=["default"])["SecurityGroups"][0]["GroupId"]
    function("secure-worker", "python3.12", Tags={"Owner": "platform"},
             VpcConfig={"SubnetIds": subnets, "SecurityGroupIds": [default_sg]})
