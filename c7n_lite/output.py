"""Custodian's output layout: <output-dir>/<policy>/resources.json beside
metadata.json, the log, and the dry-run plan or the action results."""
from __future__ import annotations

import base64
import datetime
import json
import logging
import os
from pathlib import Path
from typing import Any

from c7n_lite.textsafe import SafeFormatter

RESOURCES_FILE = "resources.json"
METADATA_FILE = "metadata.json"
EVALUATED_FILE = "evaluated.json"
PLAN_FILE = "plan.json"
LOG_FILE = "custodian-run.log"


def json_default(value: Any) -> Any:
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    return str(value)


def dumps(data: Any, indent: int | None = 2) -> str:
    return json.dumps(data, default=json_default, indent=indent)


class PolicyOutput:
    """The directory of one policy's run."""

    def __init__(self, root: str | os.PathLike, policy_name: str) -> None:
        self.dir = Path(root) / policy_name
        self.dir.mkdir(parents=True, exist_ok=True)
        self._log_handler: logging.Handler | None = None

    def write_json(self, name: str, data: Any) -> Path:
        path = self.dir / name
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(dumps(data), encoding="utf-8")
        os.replace(tmp, path)
        return path

    def start_log(self, logger: logging.Logger) -> None:
        handler = logging.FileHandler(self.dir / LOG_FILE, mode="w", encoding="utf-8")
        handler.setFormatter(SafeFormatter("%(asctime)s - %(name)s - %(levelname)s - %(message)s"))
        logger.addHandler(handler)
        self._log_handler = handler

    def stop_log(self, logger: logging.Logger) -> None:
        if self._log_handler is not None:
            logger.removeHandler(self._log_handler)
            self._log_handler.close()
            self._log_handler = None
