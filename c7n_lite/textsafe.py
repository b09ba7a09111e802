"""Text from AWS (ids, names, tags, error messages) made safe for a terminal or a log line.

A tag value can hold ESC (colours, cursor moves, window titles), CR or a newline
(a forged line), BEL, C1 controls or bidirectional overrides (text that reads
differently from what it is).  `safe()` escapes them as `\\x1b`, `\\n`, `\\u202e`;
everything else, including ordinary non-ASCII text, is kept.  Stdlib only: used
in the Lambda path too.
"""
from __future__ import annotations

import logging
import re

# C0 and C1 controls and DEL; the bidi embeddings, overrides and isolates;
# line and paragraph separators, which some terminals treat as a newline.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe(value: object) -> str:
    """str(value) with every control and bidi character escaped: one line, shown as written."""
    text = value if isinstance(value, str) else str(value)
    return _UNSAFE.sub(_escape, text)


class SafeFormatter(logging.Formatter):
    """A log Formatter whose lines carry no raw control character: the message is
    escaped whole; a traceback keeps its own line breaks, each line escaped."""

    def format(self, record: logging.LogRecord) -> str:
        saved = record.msg, record.args, record.exc_text
        try:
            record.msg, record.args = safe(record.getMessage()), None
            if record.exc_info and not record.exc_text:
                record.exc_text = self.formatException(record.exc_info)
            if record.exc_text:
                record.exc_text = "\n".join(safe(line) for line in record.exc_text.splitlines())
            return super().format(record)
        finally:
            record.msg, record.args, record.exc_text = saved
