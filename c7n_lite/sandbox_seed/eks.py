"""EKS and ACM demo: a public-endpoint cluster without secrets encryption or
audit logs, a private one with both; an imported certificate and an ACM one.
For policies/eks.yml, policies/compliance/eks.yml and policies/compliance/acm.yml."""
from __future__ import annotations

import datetime

import boto3

ROLE = "arn:aws:iam::123456789012:role/eks-cluster"


def seed(endpoint: str, region: str) -> None:
    eks = boto3.client("eks", region_name=region, endpoint_url=endpoint)
    eks.create_cluster(name="legacy-k8s", version="1.24", roleArn=ROLE,
                       resourcesVpcConfig={"subnetIds": ["subnet-0a1"], "endpointPublicAccess": True},
                       tags={"Team": "platform"})
    eks.create_cluster(name="prod-k8s", version="1.31", roleArn=ROLE,
                       resourcesVpcConfig={"subnetIds": ["subnet-0a1", "subnet-0b2"], "endpointPublicAccess": False,
                                           "endpointPrivateAccess": True},
                       encryptionConfig=[{"resources": ["secrets"], "provider": {
                           "keyArn": "arn:aws:kms:us-east-1:123456789012:key/demo-eks"}}],
                       logging={"clusterLogging": [{"types": ["api", "audit"], "enabled": True}]},
                       tags={"Team": "platform", "Owner": "sre"})
    seed_certificates(endpoint, region)


def self_signed(days: int) -> tuple[bytes, bytes]:
    """A throwaway certificate and key valid for `days` (for the ACM import)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "legacy.demo.example.com")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=days)).sign(key, hashes.SHA256()))
    return (cert.public_bytes(serialization.Encoding.PEM),
            key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                              serialization.NoEncryption()))


def seed_certificates(endpoint: str, region: str) -> None:
    acm = boto3.client("acm", region_name=region, endpoint_url=endpoint)
    cert, key = self_signed(10)
    acm.import_certificate(Certificate=cert, PrivateKey=key, Tags=[{"Key": "Team", "Value": "legacy"}])
