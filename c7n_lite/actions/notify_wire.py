"""c7n-mailer's wire format, and where a `notify` transport sends to.

A message is the JSON document zlib-compressed then base64-encoded, sent with
the `mtype` message attribute c7n-mailer checks before it reads one.  The
same body goes to an SQS queue (c7n-mailer reads it directly) or an SNS topic
(c7n-mailer reads it from a queue subscribed to the topic).
"""
from __future__ import annotations

import base64
import datetime
import json
import re
import zlib
from typing import Any

MAILER_MESSAGE_TYPE = "maidmsg/1.0"
MESSAGE_ATTRIBUTES = {"mtype": {"DataType": "String", "StringValue": MAILER_MESSAGE_TYPE}}
# SNS and SQS both take at most 262,144 bytes of body (attributes count too).
MAX_BYTES = 262_144 - 512
_QUEUE_HOST = re.compile(r"^https?://(?:sqs\.)?([a-z]{2}(?:-[a-z]+)+-\d)\.(?:queue\.)?amazonaws")


def to_json(data: Any) -> str:
    def default(value: Any) -> Any:
        if isinstance(value, (datetime.datetime, datetime.date)):
            return value.isoformat()
        if isinstance(value, (set, tuple)):
            return list(value)
        return str(value)
    return json.dumps(data, default=default, separators=(",", ":"), ensure_ascii=False)


def pack(message: dict) -> str:
    """JSON → zlib → base64 text, as c7n-mailer decodes it."""
    return base64.b64encode(zlib.compress(to_json(message).encode("utf-8"))).decode("ascii")


def unpack(body: str) -> dict:
    """The inverse of `pack` (what c7n-mailer does with a received body)."""
    return json.loads(zlib.decompress(base64.b64decode(body)))


def queue_region(queue: str, default: str) -> str:
    """The region of an SQS queue URL or ARN; `default` when it does not say."""
    if queue.startswith("arn:"):
        parts = queue.split(":")
        return parts[3] if len(parts) >= 6 and parts[3] else default
    found = _QUEUE_HOST.match(queue)
    return found.group(1) if found else default


def queue_url(queue: str) -> str:
    """A queue URL from a URL or an ARN (arn:aws:sqs:region:account:name), with no call."""
    if not queue.startswith("arn:"):
        return queue
    parts = queue.split(":")
    suffix = ".cn" if parts[1] == "aws-cn" else ""
    return f"https://sqs.{parts[3]}.amazonaws.com{suffix}/{parts[4]}/{parts[5]}"


def topic_region(topic: str, default: str) -> str:
    parts = topic.split(":")
    return parts[3] if len(parts) >= 6 and parts[3] else default
