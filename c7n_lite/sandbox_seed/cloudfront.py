"""CloudFront demo distributions, for policies/cloudfront.yml and
policies/compliance/cloudfront.yml.

- marketing site: its S3 origin bucket no longer exists, plain HTTP allowed,
  no access logs, no WAF, no default root object;
- assets CDN: its origin is the account's bucket, HTTPS only (redirect),
  access logs, a WAFv2 web ACL, index.html as root object.
"""
from __future__ import annotations

import boto3

VISIBILITY = {"SampledRequestsEnabled": False, "CloudWatchMetricsEnabled": False, "MetricName": "cdn"}


def config(ref: str, bucket: str, viewer: str, logging: bool, root: str, acl: str = "") -> dict:
    return {
        "CallerReference": ref, "Comment": ref, "Enabled": True, "DefaultRootObject": root, "WebACLId": acl,
        "Origins": {"Quantity": 1, "Items": [{"Id": "s3", "DomainName": f"{bucket}.s3.amazonaws.com",
                                              "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
        "DefaultCacheBehavior": {"TargetOriginId": "s3", "ViewerProtocolPolicy": viewer, "MinTTL": 0,
                                 "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
                                 "TrustedSigners": {"Enabled": False, "Quantity": 0}},
        "Logging": {"Enabled": logging, "IncludeCookies": False,
                    "Bucket": "demo-cdn-logs.s3.amazonaws.com" if logging else "", "Prefix": ref if logging else ""},
    }


def seed(endpoint: str, region: str) -> None:
    s3 = boto3.client("s3", region_name=region, endpoint_url=endpoint)
    cf = boto3.client("cloudfront", region_name=region, endpoint_url=endpoint)
    waf = boto3.client("wafv2", region_name="us-east-1", endpoint_url=endpoint)
    s3.create_bucket(Bucket="demo-cdn-assets")
    acl = waf.create_web_acl(Name="cdn-protection", Scope="CLOUDFRONT", DefaultAction={"Allow": {}},
                             VisibilityConfig=VISIBILITY)["Summary"]["ARN"]
    cf.create_distribution_with_tags(DistributionConfigWithTags={
        "DistributionConfig": config("marketing-site", "demo-marketing-2019", "allow-all", False, ""),
        "Tags": {"Items": [{"Key": "Team", "Value": "marketing"}]}})
    cf.create_distribution_with_tags(DistributionConfigWithTags={
        "DistributionConfig": config("assets-cdn", "demo-cdn-assets", "redirect-to-https", True, "index.html", acl),
        "Tags": {"Items": [{"Key": "Team", "Value": "web"}, {"Key": "Owner", "Value": "alice"}]}})
