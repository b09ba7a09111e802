"""S3 demo buckets: public by ACL (one a website, whose bucket policy also
lets anyone read), unencrypted, shared with a partner account by bucket
policy, delivering ELB logs, the S3 access-log bucket, and a compliant one
(denies plain HTTP, logs its access).  The organisation trail's bucket logs
its access too (sandbox_seed.cloudtrail makes it); MFA delete is on nowhere
(moto never reports it)."""
from __future__ import annotations

import json

import boto3

PARTNER = "999988887777"
ELB_US_EAST_1 = "127311923021"


def _bucket_policy(bucket: str, account: str, action: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
        "Action": action, "Resource": f"arn:aws:s3:::{bucket}/*"}]})


def _deny_http(bucket: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]})


def _public_read(bucket: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/*"}]})


def _log_delivery(bucket: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "S3ServerAccessLogs", "Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"},
        "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{bucket}/*"}]})


def seed(endpoint: str, region: str) -> None:
    s3 = boto3.client("s3", region_name=region, endpoint_url=endpoint)

    def bucket(name: str, encryption: str | None = "AES256", **config) -> None:
        if region == "us-east-1":
            s3.create_bucket(Bucket=name)
        else:
            s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
        if encryption:
            default = {"SSEAlgorithm": encryption}
            if encryption == "aws:kms":
                default["KMSMasterKeyID"] = "alias/aws/s3"
            s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={
                "Rules": [{"ApplyServerSideEncryptionByDefault": default}]})
        if config.get("acl"):
            s3.put_bucket_acl(Bucket=name, ACL=config["acl"])
        if config.get("public_write"):
            # moto's canned public-read-write grants only READ: grant WRITE explicitly.
            owner = s3.get_bucket_acl(Bucket=name)["Owner"]
            everyone = {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"}
            s3.put_bucket_acl(Bucket=name, AccessControlPolicy={"Owner": owner, "Grants": [
                {"Grantee": {"Type": "CanonicalUser", "ID": owner["ID"]}, "Permission": "FULL_CONTROL"},
                {"Grantee": everyone, "Permission": "READ"},
                {"Grantee": everyone, "Permission": "WRITE"}]})
        if config.get("website"):
            s3.put_bucket_website(Bucket=name, WebsiteConfiguration={
                "IndexDocument": {"Suffix": "index.html"}})
        if config.get("policy"):
            s3.put_bucket_policy(Bucket=name, Policy=config["policy"])
        if config.get("versioned"):
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        if config.get("blocked"):
            s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration={
                k: True for k in ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy",
                                  "RestrictPublicBuckets")})
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [
            {"Key": "Owner", "Value": config.get("owner", "platform")}]})

    access_logs = f"demo-access-logs-{region}"
    bucket(access_logs, versioned=True, blocked=True, policy=_log_delivery(access_logs))
    bucket("demo-data-lake", encryption="aws:kms", versioned=True, blocked=True, policy=_deny_http("demo-data-lake"))
    bucket("demo-public-website", acl="public-read", website=True, policy=_public_read("demo-public-website"))
    bucket("demo-public-uploads", public_write=True, encryption=None)
    bucket("demo-build-cache", encryption=None, blocked=True)
    bucket("demo-partner-exchange", versioned=True, blocked=True,
           policy=_bucket_policy("demo-partner-exchange", PARTNER, "s3:GetObject"))
    bucket("demo-elb-logs", versioned=True, blocked=True,
           policy=_bucket_policy("demo-elb-logs", ELB_US_EAST_1, "s3:PutObject"))
    for source in ("demo-data-lake", f"demo-cloudtrail-logs-{region}"):
        s3.put_bucket_logging(Bucket=source, BucketLoggingStatus={"LoggingEnabled": {
            "TargetBucket": access_logs, "TargetPrefix": f"{source}/"}})
