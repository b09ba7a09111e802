"""A policy run's record, as `metadata.json` holds it (Custodian's layout plus
the counts, errors and calls), and its publication to S3 from a Lambda.
Lambda-safe: the standard library and boto3 only."""
from __future__ import annotations

import datetime
import json
import uuid
from typing import Any

from c7n_lite import __version__
from c7n_lite.metrics import policy_metrics


def run_metadata(data: dict, run: Any, session: Any, started: float) -> dict:
    account = None
    try:
        account = session.account_id
    except Exception:  # noqa: BLE001 - metadata must still be written without credentials
        pass
    return {
        "policy": data,
        "version": __version__,
        "execution": {
            "id": str(uuid.uuid4()),
            "start": datetime.datetime.fromtimestamp(started, datetime.timezone.utc).isoformat(),
            "end_time": datetime.datetime.now(datetime.timezone.utc).isoformat(),
            "duration": round(run.duration, 4),
            "dryrun": run.dryrun,
            "mode": (data.get("mode") or {}).get("type", "pull"),
        },
        "account_id": account,
        "region": run.region,
        "resource_type": run.resource,
        # evaluated = matched + passed + errored; gone: deleted since described.
        "counts": {"evaluated": run.evaluated, "matched": len(run.matched), "passed": run.passed,
                   "errored": run.errored, "gone": run.gone},
        "status": run.status,
        "api_calls": {"total": sum(run.api_calls.values()), "by_operation": run.api_calls},
        "actions": [a.summary() for a in run.actions],
        "errors": run.all_errors(),
        "metrics": policy_metrics(run),
    }


def publish_to_s3(url: str, data: dict, run: Any, session: Any, started: float, client: Any) -> str:
    """Write `resources.json` and `metadata.json` under
    `s3://bucket/prefix/<account id>/<region>/<policy>/` (the layout `report`
    reads, one folder per account and region) with `client` (records are not
    changes to resources: a dry run writes them too); returns that location."""
    from c7n_lite.output import json_default
    bucket, _, prefix = url[len("s3://"):].partition("/")
    base = "/".join(p for p in (prefix.strip("/"), str(session.account_id), run.region, run.policy) if p)
    for name, body in (("resources.json", run.matched), ("metadata.json", run_metadata(data, run, session, started))):
        client.put_object(Bucket=bucket, Key=f"{base}/{name}", ContentType="application/json",
                          Body=json.dumps(body, default=json_default, indent=2).encode())
    return f"s3://{bucket}/{base}/"
