"""IoT demo things (some without an owner or a site) and device certificates
of various ages and validity (back-dated in moto's model)."""
from __future__ import annotations

import datetime

import boto3

ACCOUNT = "123456789012"
THINGS = (
    ("thermostat-0001", "sensor", {"owner": "facilities", "site": "plant-a"}),
    ("sensor-legacy-17", "sensor", {"site": "warehouse"}),
    ("camera-lobby", "camera", {"owner": "security"}),
    ("camera-dock-2", "camera", {"owner": "security", "site": "plant-b"}),
)
# (active, days since issued, days until expiry)
CERTIFICATES = ((True, 500, 230), (True, 20, 1100), (True, 340, 12), (False, 700, 30))


def seed(endpoint: str, region: str) -> None:
    iot = boto3.client("iot", region_name=region, endpoint_url=endpoint)
    for thing_type in ("sensor", "camera"):
        iot.create_thing_type(thingTypeName=thing_type)
    for name, thing_type, attributes in THINGS:
        iot.create_thing(thingName=name, thingTypeName=thing_type,
                         attributePayload={"attributes": attributes})
    for active, issued, expires in CERTIFICATES:
        cert = iot.create_keys_and_certificate(setAsActive=active)
        _backdate_certificate(region, cert["certificateId"], issued, expires)


def _backdate_certificate(region: str, cert_id: str, issued_days_ago: int,
                          expires_in_days: int) -> None:
    """moto issues certificates "now" for a day: set the model's dates (the
    sandbox's moto runs in this process)."""
    from moto.iot.models import iot_backends
    cert = iot_backends[ACCOUNT][region].certificates[cert_id]
    now = cert.creation_date
    cert.creation_date = cert.last_modified_date = now - datetime.timedelta(days=issued_days_ago)
    cert.validity_not_before = cert.creation_date
    cert.validity_not_after = now + datetime.timedelta(days=expires_in_days)
