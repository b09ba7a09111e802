"""IoT things and device certificates."""
from __future__ import annotations

from typing import Any

from c7n_lite.aws.session import AwsSession, error_code
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


def _describe_each(rt: type[ResourceType], session: AwsSession, ids: list[str],
                   shape: Any) -> list[dict]:
    client = session.client("iot")
    found: list[dict] = []
    for rid in ids:
        try:
            found.append(shape(getattr(client, rt.fetch_op)(**{rt.fetch_param: rid})))
        except Exception as exc:  # noqa: BLE001 - only "not found" is expected
            if error_code(exc) != NOT_FOUND:
                raise
    return found


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
    fetch_op = "describe_thing"  # one per id: see fetch_by_ids
    fetch_param = "thingName"

    @classmethod
    def fetch_by_ids(cls, session: AwsSession, ids: list[str]) -> list[dict]:
        return _describe_each(cls, session, ids,
                              lambda out: {k: out[k] for k in THING_FIELDS if k in out})


def _describe_certificate(client: Any, cert: dict) -> dict:
    try:
        out = client.describe_certificate(certificateId=cert["certificateId"])
    except Exception as exc:  # noqa: BLE001 - deleted since the listing: nothing to add
        if error_code(exc) == NOT_FOUND:
            return {}
        raise
    return out["certificateDescription"]


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
    fetch_op = "describe_certificate"  # one per id: see fetch_by_ids
    fetch_param = "certificateId"

    @classmethod
    def fetch_by_ids(cls, session: AwsSession, ids: list[str]) -> list[dict]:
        return _describe_each(cls, session, ids, lambda out: out["certificateDescription"])
