"""Run a packaged handler locally, the way Lambda would: from the unpacked
archive, in a fresh interpreter that sees only the standard library, the
archive and the AWS SDK (boto3, botocore, jmespath and their dependencies).

Anything the archive forgot to ship fails here with an ImportError, before it
fails in AWS.
"""
from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

# What the Lambda Python runtime provides besides the standard library.
RUNTIME_PACKAGES = ("boto3", "botocore", "jmespath", "dateutil", "urllib3", "s3transfer", "six")

# -I: ignore PYTHON* env vars and the user site; -S: no site-packages at all.
BOOT = """
import json, sys
package, runtime, event_file = sys.argv[1:4]
sys.path[:0] = [package, runtime]
from c7n_lite.handler import handler
with open(event_file) as f:
    event = json.load(f)
print(json.dumps(handler(event, None), default=str))
"""


class InvokeError(RuntimeError):
    def __init__(self, message: str, stderr: str) -> None:
        super().__init__(message)
        self.stderr = stderr


@dataclass
class Invocation:
    summary: dict
    logs: list[str]


def runtime_dir(into: Path) -> Path:
    """A directory holding (links to) just the runtime's packages."""
    into.mkdir(parents=True, exist_ok=True)
    for name in RUNTIME_PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            continue
        origin = Path(spec.origin)
        source = origin.parent if origin.name == "__init__.py" else origin
        target = into / source.name
        if not target.exists():
            target.symlink_to(source, target_is_directory=source.is_dir())
    return into


def unpack(archive: bytes, into: Path) -> Path:
    import io
    into.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        zf.extractall(into)
    return into


def run_unpacked(package: Path, event: dict, env: dict[str, str] | None = None,
                 timeout: float = 300) -> Invocation:
    """Run the handler of an unpacked archive for one event, in a clean subprocess."""
    with tempfile.TemporaryDirectory(prefix="c7n-lite-invoke-") as tmp:
        runtime = runtime_dir(Path(tmp) / "runtime")
        event_file = Path(tmp) / "event.json"
        event_file.write_text(json.dumps(event))
        environment = dict(os.environ if env is None else env)
        environment.pop("C7N_LITE_PACKAGE", None)
        proc = subprocess.run(
            [sys.executable, "-I", "-S", "-c", BOOT, str(package), str(runtime), str(event_file)],
            capture_output=True, text=True, env=environment, timeout=timeout, cwd=tmp)
    logs = [line for line in proc.stderr.splitlines() if line.strip()]
    if proc.returncode != 0:
        raise InvokeError(f"handler failed (exit {proc.returncode})", proc.stderr)
    lines = proc.stdout.strip().splitlines()
    if not lines:
        raise InvokeError("handler printed no summary", proc.stderr)
    return Invocation(json.loads(lines[-1]), logs)


def invoke(archive: bytes, event: dict, env: dict[str, str] | None = None,
           timeout: float = 300) -> Invocation:
    """Unpack the archive into an empty directory and run its handler."""
    with tempfile.TemporaryDirectory(prefix="c7n-lite-package-") as tmp:
        return run_unpacked(unpack(archive, Path(tmp)), event, env, timeout)
