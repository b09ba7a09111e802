"""Load balancer demo: Classic, application load balancers and target groups,
for policies/elb.yml and policies/compliance/elb.yml.

- legacy-web (Classic): plain HTTP, one zone, no access logs, a TCP health check;
- secure-web (Classic): HTTPS with an SSL policy that still allows TLS 1.0,
  access logs, cross-zone balancing and connection draining, two zones;
- shop-alb: HTTP listener forwarding (no HTTPS redirect), no access logs, no
  deletion protection, no WAF, a target group health-checked over HTTPS;
- api-alb: HTTP redirected to HTTPS, access logs, deletion protection, invalid
  header fields dropped, a WAFv2 web ACL.
"""
from __future__ import annotations

import boto3

VISIBILITY = {"SampledRequestsEnabled": False, "CloudWatchMetricsEnabled": False, "MetricName": "demo"}


def _classic(elb, ec2, region: str) -> None:
    zones = [f"{region}a", f"{region}b"]
    acm = boto3.client("acm", region_name=region, endpoint_url=elb.meta.endpoint_url)
    certificate = acm.request_certificate(DomainName="secure.demo.example.com")["CertificateArn"]
    elb.create_load_balancer(LoadBalancerName="legacy-web", AvailabilityZones=zones[:1],
                             Listeners=[{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstanceProtocol": "HTTP",
                                         "InstancePort": 80}], Tags=[{"Key": "Team", "Value": "web"}])
    elb.configure_health_check(LoadBalancerName="legacy-web", HealthCheck={
        "Target": "TCP:80", "Interval": 30, "Timeout": 5, "UnhealthyThreshold": 2, "HealthyThreshold": 2})
    elb.create_load_balancer(LoadBalancerName="secure-web", AvailabilityZones=zones,
                             Listeners=[{"Protocol": "HTTPS", "LoadBalancerPort": 443, "InstanceProtocol": "HTTPS",
                                         "InstancePort": 443, "SSLCertificateId": certificate}],
                             Tags=[{"Key": "Team", "Value": "web"}, {"Key": "Owner", "Value": "alice"}])
    elb.configure_health_check(LoadBalancerName="secure-web", HealthCheck={
        "Target": "HTTPS:443/health", "Interval": 30, "Timeout": 5, "UnhealthyThreshold": 2, "HealthyThreshold": 2})
    elb.create_load_balancer_policy(LoadBalancerName="secure-web", PolicyName="tls-legacy",
                                    PolicyTypeName="SSLNegotiationPolicyType",
                                    PolicyAttributes=[{"AttributeName": "Protocol-TLSv1", "AttributeValue": "true"},
                                                      {"AttributeName": "Protocol-TLSv1.2", "AttributeValue": "true"}])
    elb.set_load_balancer_policies_of_listener(LoadBalancerName="secure-web", LoadBalancerPort=443,
                                               PolicyNames=["tls-legacy"])
    elb.modify_load_balancer_attributes(LoadBalancerName="secure-web", LoadBalancerAttributes={
        "AccessLog": {"Enabled": True, "S3BucketName": "demo-elb-logs", "EmitInterval": 60,
                      "S3BucketPrefix": "secure-web"},
        "CrossZoneLoadBalancing": {"Enabled": True},
        "ConnectionDraining": {"Enabled": True, "Timeout": 300}})


def _v2(v2, ec2, region: str) -> None:
    subnets = [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"] if s.get("DefaultForAz")][:2]
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    shop = v2.create_load_balancer(Name="shop-alb", Subnets=subnets,
                                   Tags=[{"Key": "Team", "Value": "shop"}])["LoadBalancers"][0]["LoadBalancerArn"]
    api = v2.create_load_balancer(Name="api-alb", Subnets=subnets,
                                  Tags=[{"Key": "Team", "Value": "api"}])["LoadBalancers"][0]["LoadBalancerArn"]
    shop_tg = v2.create_target_group(Name="shop-web", Protocol="HTTP", Port=80, VpcId=vpc,
                                     HealthCheckProtocol="HTTPS")["TargetGroups"][0]["TargetGroupArn"]
    api_tg = v2.create_target_group(Name="api-web", Protocol="HTTP", Port=8080, VpcId=vpc,
                                    HealthCheckProtocol="HTTP")["TargetGroups"][0]["TargetGroupArn"]
    v2.create_target_group(Name="orphan-tg", Protocol="HTTP", Port=80, VpcId=vpc)
    v2.create_listener(LoadBalancerArn=shop, Protocol="HTTP", Port=80,
                       DefaultActions=[{"Type": "forward", "TargetGroupArn": shop_tg}])
    acm = boto3.client("acm", region_name=region, endpoint_url=v2.meta.endpoint_url)
    certificate = acm.request_certificate(DomainName="api.demo.example.com")["CertificateArn"]
    v2.create_listener(LoadBalancerArn=api, Protocol="HTTPS", Port=443, Certificates=[{"CertificateArn": certificate}],
                       SslPolicy="ELBSecurityPolicy-TLS13-1-2-2021-06",
                       DefaultActions=[{"Type": "forward", "TargetGroupArn": api_tg}])
    v2.create_listener(LoadBalancerArn=api, Protocol="HTTP", Port=80, DefaultActions=[
        {"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}])
    v2.modify_load_balancer_attributes(LoadBalancerArn=api, Attributes=[
        {"Key": "access_logs.s3.enabled", "Value": "true"},
        {"Key": "access_logs.s3.bucket", "Value": "demo-elb-logs"},
        {"Key": "access_logs.s3.prefix", "Value": "api-alb"},
        {"Key": "deletion_protection.enabled", "Value": "true"},
        {"Key": "routing.http.drop_invalid_header_fields.enabled", "Value": "true"}])
    waf = boto3.client("wafv2", region_name=region, endpoint_url=v2.meta.endpoint_url)
    acl = waf.create_web_acl(Name="api-protection", Scope="REGIONAL", DefaultAction={"Allow": {}},
                             VisibilityConfig=VISIBILITY)["Summary"]["ARN"]
    waf.associate_web_acl(WebACLArn=acl, ResourceArn=api)


def seed(endpoint: str, region: str) -> None:
    ec2 = boto3.client("ec2", region_name=region, endpoint_url=endpoint)
    _classic(boto3.client("elb", region_name=region, endpoint_url=endpoint), ec2, region)
    _v2(boto3.client("elbv2", region_name=region, endpoint_url=endpoint), ec2, region)
