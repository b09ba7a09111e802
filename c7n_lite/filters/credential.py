"""The IAM credential report (`credential`): generated when missing or stale,
waited for, parsed from CSV into Custodian's record shape, once per run.

A record's "N/A" / "no_information" become null and "true"/"false" booleans;
the two access-key and two certificate column groups become lists
`access_keys` and `certs` (only the ones in use).  On the account the record
is the `<root_account>` row: a report without it is an error, never a pass.
"""
from __future__ import annotations

import csv
import datetime
import io
import time
from typing import Any

from c7n_lite.aws.session import error_code
from c7n_lite.filters.core import Filter
from c7n_lite.filters.value import OPERATORS, VALUE_TYPES, ValueMatcher, check_value_data
from c7n_lite.registry import filters

REPORT_KEYS = ("user", "arn", "user_creation_time", "password_enabled", "password_last_used",
               "password_last_changed", "password_next_rotation", "mfa_active", "access_keys",
               "access_keys.active", "access_keys.last_used_date", "access_keys.last_used_region",
               "access_keys.last_used_service", "access_keys.last_rotated", "certs",
               "certs.active", "certs.last_rotated")
SUB_OBJECTS = (("access_key_1_", "access_keys"), ("access_key_2_", "access_keys"),
               ("cert_1_", "certs"), ("cert_2_", "certs"))
ROOT_ROW = "<root_account>"
# How long to wait for a report being generated, in all.
MAX_WAIT = 60.0


def parse_record(row: dict) -> dict:
    record: dict[str, Any] = {}
    for key, value in row.items():
        record[key] = None if value in ("N/A", "no_information") else \
            True if value == "true" else False if value == "false" else value
    for prefix, target in SUB_OBJECTS:
        sub = {k[len(prefix):]: record.pop(k) for k in list(record) if k.startswith(prefix)}
        if sub.get("active") or sub.get("last_rotated"):
            record.setdefault(target, []).append(sub)
    return record


def parse_report(content: bytes | str) -> dict[str, dict]:
    text = content.decode("utf-8") if isinstance(content, bytes) else content
    return {r["user"]: parse_record(r) for r in csv.DictReader(io.StringIO(text))}


class CredentialReport(Filter):
    """Compare a field of each principal's credential report record; a
    `access_keys.<field>` / `certs.<field>` key matches when any key (cert) does."""

    schema = {
        "key": {"enum": list(REPORT_KEYS)},
        "value": {},
        "op": {"enum": sorted(OPERATORS)},
        "value_type": {"enum": list(VALUE_TYPES)},
        "report_generate": {"type": "boolean"},
        "report_delay": {"type": "number"},
        "report_max_age": {"type": "number"},
    }
    required = ("key",)
    permissions = ("iam:GenerateCredentialReport", "iam:GetCredentialReport")

    @classmethod
    def check(cls, data: dict) -> list[str]:
        return check_value_data(data)

    def __init__(self, data: dict, manager: Any) -> None:
        super().__init__(data, manager)
        key = data.get("key", "")
        self.list_key, _, sub = key.partition(".")
        self.matcher = ValueMatcher({**data, "key": sub or key}, manager.now)
        self.sub = bool(sub)

    def report(self) -> dict[str, dict]:
        cache = self.manager._cache()
        if ("credential-report",) not in cache:
            cache[("credential-report",)] = parse_report(self._fetch())
        return cache[("credential-report",)]

    def _fetch(self) -> bytes:
        client = self.manager.session.client("iam")
        max_age = float(self.data.get("report_max_age", 86400))
        report = self._get(client)
        if report is not None and _age(report.get("GeneratedTime")) > max_age:
            report = None
        if report is None:
            if not self.data.get("report_generate", True):
                raise LookupError("no IAM credential report, and report_generate is false")
            delay = float(self.data.get("report_delay", 10))
            waited = 0.0
            while client.generate_credential_report().get("State") != "COMPLETE":
                if waited >= max(delay, MAX_WAIT):
                    raise TimeoutError(f"the IAM credential report was not ready after {waited:.0f}s")
                pause = min(2.0, max(delay, 0.1))
                time.sleep(pause)
                waited += pause
            report = self._get(client)
            if report is None:
                raise LookupError("the IAM credential report is not available")
        return report["Content"]

    @staticmethod
    def _get(client: Any) -> dict | None:
        try:
            return client.get_credential_report()
        except Exception as exc:  # noqa: BLE001 - only "no report (yet)" is expected
            if error_code(exc) in ("ReportNotPresent", "ReportExpired", "ReportInProgress"):
                return None
            raise

    def matches(self, record: dict | None) -> bool:
        if record is None:
            return False
        if not self.sub:
            return self.matcher.match(record)
        return any(self.matcher.match(item) for item in record.get(self.list_key) or ())


def _age(when: Any) -> float:
    if not isinstance(when, datetime.datetime):
        return float("inf")
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.timezone.utc)
    return (datetime.datetime.now(datetime.timezone.utc) - when).total_seconds()


@filters.register("credential", "aws.account")
class AccountCredential(CredentialReport):
    """Compare a field of the root user's credential report record
    (`<root_account>`): `mfa_active`, `access_keys.active`, `password_last_used` …

    moto: its report has no `<root_account>` row, so this filter is an error there."""

    def process(self, resources: list[dict], event: dict | None = None) -> list[dict]:
        report = self.report()
        if ROOT_ROW not in report:
            raise LookupError("the IAM credential report has no <root_account> row")
        record = report[ROOT_ROW]
        if not self.matches(record):
            return []
        for r in resources:
            r["c7n:credential-report"] = record
        return resources
