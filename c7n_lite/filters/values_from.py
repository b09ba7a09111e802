"""Lists of values kept outside the policy (`whitelist_from`, Custodian's
`value_from` shape): a file, an S3 object or an HTTP(S) URL, as JSON, CSV or text."""
from __future__ import annotations

import csv
import io
import json
from typing import Any
from urllib.parse import urlparse

VALUES_FROM_SCHEMA = {
    "type": "object", "additionalProperties": False, "required": ["url"],
    "properties": {"url": {"type": "string"},
                   "format": {"enum": ["json", "csv", "csv2dict", "txt"]},
                   "expr": {"oneOf": [{"type": "integer"}, {"type": "string"}]},
                   "query": {"type": "string"},
                   "headers": {"type": "object", "additionalProperties": {"type": "string"}}},
}


def _read(url: str, session: Any, headers: dict | None = None) -> str:
    parsed = urlparse(url)
    if parsed.scheme == "s3":
        body = session.client("s3").get_object(Bucket=parsed.netloc, Key=parsed.path.lstrip("/"))["Body"]
        return body.read().decode("utf-8")
    if parsed.scheme in ("http", "https"):
        import urllib.request
        request = urllib.request.Request(url, headers=dict(headers or {}))
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - the policy names it
            return response.read().decode("utf-8")
    path = parsed.path if parsed.scheme == "file" else url
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def load_values(spec: dict, session: Any) -> list:
    """The values `spec` points at; `{account_id}` and `{region}` in the URL are filled in."""
    url = spec["url"]
    if "{account_id}" in url:
        url = url.replace("{account_id}", session.account_id)
    url = url.replace("{region}", session.region)
    fmt = spec.get("format") or url.rsplit(".", 1)[-1].lower()
    text = _read(url, session, spec.get("headers"))
    expr = spec.get("expr")
    if fmt == "json":
        data = json.loads(text)
        if expr is not None:
            import jmespath
            data = jmespath.search(str(expr), data)
        return list(data or ())
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(text)))
        if isinstance(expr, int):
            return [row[expr] for row in rows if len(row) > expr]
        if expr is not None:
            import jmespath
            return list(jmespath.search(str(expr), rows) or ())
        return [value for row in rows for value in row]
    if fmt == "csv2dict":
        import jmespath
        rows = list(csv.DictReader(io.StringIO(text)))
        return list(jmespath.search(str(expr), rows) or ()) if expr is not None else rows
    return [line.strip() for line in text.splitlines() if line.strip()]
