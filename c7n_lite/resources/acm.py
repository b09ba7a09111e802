"""ACM certificates."""
from __future__ import annotations

from typing import Any

from c7n_lite.registry import resources
from c7n_lite.resources.core import ANY_KEY, Detail, ResourceType, Tagging

KEY_TYPES = ["RSA_1024", "RSA_2048", "RSA_3072", "RSA_4096", "EC_prime256v1", "EC_secp384r1", "EC_secp521r1"]


def _describe(client: Any, cert: dict) -> dict:
    return client.describe_certificate(CertificateArn=cert["CertificateArn"])["Certificate"]


def _tags(client: Any, cert: dict) -> dict:
    return {"Tags": client.list_tags_for_certificate(CertificateArn=cert["CertificateArn"]).get("Tags", [])}


@resources.register("aws.acm-certificate")
class Certificate(ResourceType):
    """ACM certificates of every key type (ListCertificates alone lists only
    RSA-2048 ones).  Fields the summary leaves out (Issuer, InUseBy,
    DomainValidationOptions …) come from DescribeCertificate, tags from
    ListTagsForCertificate, when a filter reads them."""

    service = "acm"
    enum_op = "list_certificates"
    enum_path = "CertificateSummaryList"
    enum_params = {"Includes": {"keyTypes": KEY_TYPES}}
    id = "CertificateArn"
    name = "DomainName"
    arn_key = "CertificateArn"
    date = "CreatedAt"
    taggable = True
    tagging = Tagging("calls", "acm", "add_tags_to_certificate", "remove_tags_from_certificate", "CertificateArn",
                      keys_param="Tags", keys_shape="tags",
                      permissions=("acm:AddTagsToCertificate", "acm:RemoveTagsFromCertificate"))
    details = {
        "describe": Detail((ANY_KEY,), _describe, ("acm:DescribeCertificate",)),
        "tags": Detail(("Tags",), _tags, ("acm:ListTagsForCertificate",)),
    }
    report_fields = ("DomainName", "Type", "KeyAlgorithm", "Status", "NotAfter", "InUse")
