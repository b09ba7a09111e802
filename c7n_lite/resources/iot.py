"""IoT things and device certificates."""
from __future__ import annotations

from typing import Any

from c7n_lite.registry import resources
from c7n_lite.resources.core import Detail, ResourceType

NOT_FOUND = "ResourceNotFoundException"
# The fields list_things gives a thing; describe_thing adds others, dropped so
# that a thing looks the same however it was fetched.
THING_FIELDS = ("thingName", "thingTypeName", "thingArn", "attributes", "version")
# What describe_certificate adds to a list_certificates entry.
CERTIFICATE_DETAIL_FIELDS = ("caCertificateId", "certificatePem", "ownedBy", "previousOwnedBy",
                             "lastModifiedDate", "customerVersion", "transferData",
                             "generationId", "validity")


@resources.register("aws.iot")
class IoTThing(ResourceType):
    """IoT things.  Things are not taggable: ownership lives in `attributes`."""

    service = "iot"
    enum_op = "list_things"
    enum_path = "things"
    id = name = "thingName"
    arn_key = "thingArn"
    arn_format = "arn:{partition}:iot:{region}:{account}:thing/{id}"
    report_fields = ("thingName", "thingTypeName", "attributes")
    fetch_op = "describe_thing"
    fetch_param = "thingName"
    fetch_single = True
    # The listing's shape (describe_thing adds thingId, defaultClientId…).
    fetch_path = "{" + ", ".join(f"{k}: {k}" for k in THING_FIELDS) + "}"
    fetch_gone = (NOT_FOUND,)


def _describe_certificate(client: Any, cert: dict) -> dict:
    # A certificate deleted since the listing is gone (the type's `fetch_gone`).
    return client.describe_certificate(certificateId=cert["certificateId"])["certificateDescription"]


@resources.register("aws.iot-certificate")
class IoTCertificate(ResourceType):
    """IoT device X.509 certificates.  The listing has status, mode and creation
    date; the PEM, owner, validity and last-modified date are fetched per
    certificate only when a filter reads them."""

    service = "iot"
    enum_op = "list_certificates"
    enum_path = "certificates"
    id = name = "certificateId"
    arn_key = "certificateArn"
    arn_format = "arn:{partition}:iot:{region}:{account}:cert/{id}"
    # Custodian's date field is lastModifiedDate, which costs a call per
    # certificate; creationDate comes with the listing.
    date = "creationDate"
    details = {
        "description": Detail(CERTIFICATE_DETAIL_FIELDS, _describe_certificate,
                              ("iot:DescribeCertificate",)),
    }
    report_fields = ("certificateId", "status", "creationDate")
    fetch_op = "describe_certificate"
    fetch_param = "certificateId"
    fetch_single = True
    fetch_path = "certificateDescription"
    fetch_gone = (NOT_FOUND,)
