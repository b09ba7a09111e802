"""Names actions give what they create (snapshots, backups)."""
from __future__ import annotations

import re


def identifier(*parts: str) -> str:
    """An identifier within the rules RDS and ElastiCache share: letters, digits
    and single hyphens, starting with a letter, not ending with a hyphen, at
    most 255 characters."""
    ident = re.sub(r"-+", "-", re.sub(r"[^A-Za-z0-9-]", "-", "-".join(parts))).strip("-")
    if not ident[:1].isalpha():
        ident = f"s-{ident}"
    return ident[:255].rstrip("-")
