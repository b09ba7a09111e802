"""The Lambda entry point: `c7n_lite.handler.handler`.

Thin on purpose.  The cold start reads the policy shipped in the archive
(validated when it was packaged), imports only the plugin modules the package
config lists, and builds the policy once; each event then runs through the
policy's mode (ids from the event → those resources → filters → actions).

Operational settings come from the environment:
  C7N_LITE_DRYRUN=1        plan the actions, change nothing
  C7N_LITE_LOG_LEVEL=INFO  DEBUG, INFO, WARNING, ERROR
  C7N_LITE_OUTPUT=summary  summary: one JSON line per event; resources: also the matched resources
  C7N_LITE_PACKAGE=DIR     where policy.json and config.json are (default: the archive's root)
  C7N_LITE_OUTPUT_DIR=s3://bucket/prefix  (or execution-options output_dir) each run's
                           resources.json and metadata.json, under <account>/<region>/<policy>/
"""
from __future__ import annotations

import json
import logging
import os
import sys
import time
from typing import Any

POLICY_FILE = "policy.json"
CONFIG_FILE = "config.json"
TRUE = ("1", "true", "yes", "on")

log = logging.getLogger("c7n_lite")
_loaded: tuple[Any, Any, dict] | None = None
# Events refused since the container started (not from AWS, or not this mode's).
refused_events = 0


class JsonLines(logging.Formatter):
    """One JSON object per log record: what CloudWatch Logs Insights can query."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {"level": record.levelname, "logger": record.name, "message": record.getMessage()}
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, sort_keys=True)


def package_dir() -> str:
    return os.environ.get("C7N_LITE_PACKAGE") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _setting(config: dict, env: str, option: str, default: str) -> str:
    return os.environ.get(env) or str(config.get("execution-options", {}).get(option, default))


def _setup_logging(level: str) -> None:
    stream = logging.StreamHandler(sys.stderr)
    stream.setFormatter(JsonLines())
    root = logging.getLogger()
    # The Lambda runtime installs its own plain-text handler: replace it.
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(stream)
    root.setLevel(logging.WARNING)
    log.setLevel(level.upper())


def cold_start() -> tuple[Any, Any, dict]:
    """Read the shipped policy, import just its plugin modules, build it (once)."""
    global _loaded
    if _loaded is not None:
        return _loaded
    import importlib
    base = package_dir()
    with open(os.path.join(base, CONFIG_FILE)) as f:
        config = json.load(f)
    with open(os.path.join(base, POLICY_FILE)) as f:
        data = json.load(f)
    _setup_logging(_setting(config, "C7N_LITE_LOG_LEVEL", "log-level", "INFO"))
    for module in config["modules"]:
        importlib.import_module(module)

    from c7n_lite.aws.session import AwsSession
    from c7n_lite.clock import clock_from_env
    from c7n_lite.policy import Policy
    from c7n_lite.registry import modes
    dryrun = _setting(config, "C7N_LITE_DRYRUN", "dryrun", "").lower() in TRUE
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    session = AwsSession(region, endpoint_url=os.environ.get("AWS_ENDPOINT_URL") or None, dryrun=dryrun)
    policy = Policy(data, session, clock_from_env())
    mode = modes.get(policy.mode["type"])(policy.mode)
    _loaded = (policy, mode, config)
    return _loaded


def _publish(output_dir: str, policy: Any, run: Any, started: float) -> str:
    """The run's resources.json and metadata.json in S3 (execution-options
    output_dir), where `c7n-lite report` reads them."""
    from c7n_lite.aws.session import AwsSession, error_code, error_message
    from c7n_lite.records import publish_to_s3
    writer = AwsSession(policy.region, endpoint_url=policy.session.endpoint_url)
    try:
        return publish_to_s3(output_dir, policy.data, run, policy.session, started, writer.client("s3"))
    except Exception as exc:  # noqa: BLE001 - reported in the summary, not raised
        return f"error: writing the record to {output_dir} failed: {error_code(exc)}: {error_message(exc)}"


def _metrics_config(config: dict) -> Any:
    from c7n_lite.metrics import MetricsError, lambda_metrics
    try:
        return lambda_metrics(config.get("execution-options") or {})
    except MetricsError as exc:
        log.error("policy metrics: %s", exc)
        return None


def _put_metrics(metrics: Any, policy: Any, run: Any) -> str:
    """CloudWatch metrics of the run (execution-options metrics_enabled), as
    Custodian's Lambdas publish them; sent in a dry run too (they change nothing)."""
    from c7n_lite.aws.session import AwsSession, error_code, error_message
    from c7n_lite.metrics import metric_data, put_metrics
    writer = AwsSession(metrics.region or policy.region, endpoint_url=policy.session.endpoint_url)
    try:
        data = metric_data(metrics, policy.name, str(policy.data["resource"]), run, policy.region,
                           policy.session.account_id if metrics.master else None)
        put_metrics(writer.client("cloudwatch"), metrics.namespace, data)
    except Exception as exc:  # noqa: BLE001 - logged and in the summary, not raised
        log.error("policy %s: publishing metrics failed: %s: %s", policy.name, error_code(exc), error_message(exc))
        return f"error: {error_code(exc)}: {error_message(exc)}"
    return f"{len(data)} metric(s) to {metrics.namespace}"


def handler(event: dict, context: Any = None) -> dict:
    """Run the policy for one event; returns (and logs) what it did."""
    global refused_events
    policy, mode, config = cold_start()
    refusal = mode.refusal(event)
    if refusal:
        refused_events += 1
        summary = {"policy": policy.name, "mode": mode.type, "resource": policy.resource_type.type,
                   "region": policy.region, "dryrun": policy.session.dryrun, "event": _event_summary(event),
                   "refused": refusal, "refused_events": refused_events, "skipped": None,
                   "evaluated": 0, "evaluated_ids": [], "matched": [], "actions": [], "errors": [],
                   "api_calls": {}}
        log.warning("policy %s: event refused: %s", policy.name, refusal,
                    extra={"fields": {"summary": summary}})
        return summary
    # Describe results are cached per session; a warm container must not reuse them.
    policy.session.resource_cache = {}
    started = time.time()
    run = mode.run(policy, event, policy.session.dryrun)
    summary = {
        "policy": policy.name,
        "mode": mode.type,
        "resource": policy.resource_type.type,
        "region": policy.region,
        "dryrun": run.dryrun,
        "event": _event_summary(event),
        "refused": None,
        "skipped": run.skipped,
        "evaluated": run.evaluated,
        "evaluated_ids": run.evaluated_ids,
        "matched": policy.resource_ids(run.matched),
        "passed": run.passed,
        "errored": run.errored_ids,
        "gone": run.gone,
        "actions": [a.summary() for a in run.actions],
        "errors": run.all_errors(),
        "api_calls": run.api_calls,
        "duration": round(time.time() - started, 4),
    }
    output_dir = _setting(config, "C7N_LITE_OUTPUT_DIR", "output_dir", "")
    if output_dir.startswith("s3://") and not run.skipped:
        summary["record"] = _publish(output_dir, policy, run, started)
        if summary["record"].startswith("error"):
            summary["errors"].append({"stage": "output", "error": summary["record"]})
    metrics = _metrics_config(config)
    if metrics is not None and not run.skipped:
        summary["metrics"] = _put_metrics(metrics, policy, run)
    level = logging.ERROR if summary["errors"] else logging.INFO
    log.log(level, "policy %s: %s", policy.name, "skipped" if run.skipped else "done",
            extra={"fields": {"summary": summary}})
    if _setting(config, "C7N_LITE_OUTPUT", "output", "summary") == "resources":
        log.info("matched resources", extra={"fields": {"policy": policy.name, "resources": run.matched}})
    return summary


def _event_summary(event: Any) -> dict:
    if not isinstance(event, dict):
        return {}
    detail = event.get("detail") if isinstance(event.get("detail"), dict) else {}
    return {"id": event.get("id"), "source": event.get("source"), "detail-type": event.get("detail-type"),
            "eventName": detail.get("eventName")}
