"""Search and ML demo resources: an Elasticsearch domain open to everyone and
unencrypted, a locked-down OpenSearch one, and SageMaker notebooks with and
without direct internet and root access."""
from __future__ import annotations

import json

import boto3

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/sagemaker-notebooks"


def _domains(es, region: str) -> None:
    open_policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "Anyone", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "es:*",
         "Resource": f"arn:aws:es:{region}:{ACCOUNT}:domain/legacy-logs/*"}]})
    legacy = es.create_elasticsearch_domain(
        DomainName="legacy-logs", ElasticsearchVersion="6.8", AccessPolicies=open_policy,
        EBSOptions={"EBSEnabled": True, "VolumeType": "gp2", "VolumeSize": 10},
        DomainEndpointOptions={"EnforceHTTPS": False, "TLSSecurityPolicy": "Policy-Min-TLS-1-0-2019-07"})
    es.add_tags(ARN=legacy["DomainStatus"]["ARN"], TagList=[{"Key": "Environment", "Value": "dev"}])
    search = es.create_elasticsearch_domain(
        DomainName="product-search", ElasticsearchVersion="7.10",
        EncryptionAtRestOptions={"Enabled": True}, NodeToNodeEncryptionOptions={"Enabled": True},
        EBSOptions={"EBSEnabled": True, "VolumeType": "gp3", "VolumeSize": 20},
        DomainEndpointOptions={"EnforceHTTPS": True, "TLSSecurityPolicy": "Policy-Min-TLS-1-2-2019-07"})
    es.add_tags(ARN=search["DomainStatus"]["ARN"], TagList=[{"Key": "Environment", "Value": "prod"}])


def seed(endpoint: str, region: str) -> None:
    _domains(boto3.client("es", region_name=region, endpoint_url=endpoint), region)
    sm = boto3.client("sagemaker", region_name=region, endpoint_url=endpoint)
    sm.create_notebook_instance(NotebookInstanceName="data-science-scratch", InstanceType="ml.t3.medium",
                                RoleArn=ROLE, DirectInternetAccess="Enabled", RootAccess="Enabled",
                                Tags=[{"Key": "Environment", "Value": "dev"}])
    sm.create_notebook_instance(NotebookInstanceName="fraud-model-dev", InstanceType="ml.t3.medium",
                                RoleArn=ROLE, DirectInternetAccess="Disabled", RootAccess="Disabled",
                                KmsKeyId="alias/notebooks", Tags=[{"Key": "Environment", "Value": "prod"}])
    sm.stop_notebook_instance(NotebookInstanceName="fraud-model-dev")
