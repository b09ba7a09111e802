"""Custodian's output layout: <output-dir>/<policy>/resources.json beside
metadata.json, the log, and the dry-run plan or the action results."""
from __future__ import annotations

import base64
import contextlib
import datetime
import json
import logging
import os
import stat
import tempfile
import threading
from pathlib import Path
from typing import Any

from c7n_lite.textsafe import SafeFormatter

RESOURCES_FILE = "resources.json"
METADATA_FILE = "metadata.json"
EVALUATED_FILE = "evaluated.json"
PLAN_FILE = "plan.json"
LOG_FILE = "custodian-run.log"
FILE_MODE = 0o644   # what a plain open() gives under the usual umask (mkstemp's is 0600)


def json_default(value: Any) -> Any:
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    return str(value)


# Encoded pieces joined per write in write_json.
WRITE_CHUNKS = 4096


def dumps(data: Any, indent: int | None = 2) -> str:
    return json.dumps(data, default=json_default, indent=indent)


class OutputError(Exception):
    """A policy's output could not be written: that policy's error, not the run's crash."""


def _describe(exc: OSError, path: Path) -> str:
    return f"cannot write {path}: {exc.strerror or exc}"


class PolicyOutput:
    """The directory of one policy's run.

    Nothing planted in the output directory is followed: the policy's directory
    must be a real directory (not a symlink); each file is written to a fresh
    temporary file in that directory (``mkstemp``: O_CREAT|O_EXCL, which never
    follows a link) and moved over the old name with ``os.replace``, which
    replaces a symlink found there instead of writing through it.  The log file
    is made the same way.  Every failure raises OutputError with one line.
    """

    def __init__(self, root: str | os.PathLike, policy_name: str) -> None:
        self.dir = Path(root) / policy_name
        self._log_handler: logging.Handler | None = None
        try:
            self.dir.parent.mkdir(parents=True, exist_ok=True)
            if self.dir.is_symlink():
                raise OutputError(f"cannot write {self.dir}: it is a symbolic link (not followed)")
            self.dir.mkdir(exist_ok=True)
            if not stat.S_ISDIR(os.lstat(self.dir).st_mode):
                raise OutputError(f"cannot write {self.dir}: not a directory")
        except FileExistsError as exc:   # mkdir(exist_ok) over something that is not a directory
            raise OutputError(f"cannot write {self.dir}: {exc.filename} is not a directory") from None
        except OSError as exc:
            raise OutputError(_describe(exc, self.dir)) from None

    def _replace(self, name: str) -> tuple[int, Path]:
        """A new, empty file already in place as `name` (open, its descriptor)."""
        path = self.dir / name
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=self.dir)
        try:
            os.fchmod(fd, FILE_MODE)
            os.replace(tmp, path)
        except OSError:
            os.close(fd)
            os.unlink(tmp)
            raise
        return fd, path

    def write_json(self, name: str, data: Any) -> Path:
        """`dumps(data)`, written as it is encoded (the text of a large
        resources.json is never held whole, nor the pieces it is joined from)."""
        path = self.dir / name
        tmp = None
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=self.dir)
            os.fchmod(fd, FILE_MODE)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                chunks: list[str] = []
                for chunk in json.JSONEncoder(default=json_default, indent=2).iterencode(data):
                    chunks.append(chunk)
                    if len(chunks) >= WRITE_CHUNKS:
                        f.write("".join(chunks))
                        chunks.clear()
                f.write("".join(chunks))
            os.replace(tmp, path)
        except BaseException as exc:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
            if isinstance(exc, OSError):
                raise OutputError(_describe(exc, path)) from None
            raise
        return path

    def remove(self, *names: str) -> None:
        """Remove files of an earlier run (a symlink is removed, never its target)."""
        for name in names:
            try:
                (self.dir / name).unlink(missing_ok=True)
            except OSError as exc:
                raise OutputError(f"cannot remove {self.dir / name}: {exc.strerror or exc}") from None

    def remove_stale(self, dryrun: bool) -> None:
        """A dry run leaves no action results of an earlier real run, a real run no plan."""
        if dryrun:
            self.remove(*sorted(p.name for p in self.dir.glob("action-*.json")))
        else:
            self.remove(PLAN_FILE)

    def start_log(self, logger: logging.Logger) -> None:
        """This policy's log: the records of the thread running it (policies run at once)."""
        try:
            fd, path = self._replace(LOG_FILE)
        except OSError as exc:
            raise OutputError(_describe(exc, self.dir / LOG_FILE)) from None
        handler = logging.StreamHandler(os.fdopen(fd, "w", encoding="utf-8"))
        handler.setFormatter(SafeFormatter("%(asctime)s - %(name)s - %(levelname)s - %(message)s"))
        owner = threading.get_ident()
        handler.addFilter(lambda record: record.thread == owner)
        logger.addHandler(handler)
        self._log_handler = handler

    def stop_log(self, logger: logging.Logger) -> None:
        if self._log_handler is not None:
            logger.removeHandler(self._log_handler)
            self._log_handler.close()
            self._log_handler.stream.close()
            self._log_handler = None
