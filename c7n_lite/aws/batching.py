"""Small helpers for batched API calls."""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")


def chunks(items: Sequence[T], size: int) -> Iterator[list[T]]:
    """Consecutive slices of at most `size` items."""
    for start in range(0, len(items), size):
        yield list(items[start:start + size])


def tag_list(tags: dict[str, str]) -> list[dict[str, str]]:
    """{'k': 'v'} → [{'Key': 'k', 'Value': 'v'}], the shape most AWS tagging calls take."""
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def resource_tags(resource: dict) -> dict[str, str]:
    """A resource's tags as a dict, whether described as a list of Key/Value pairs or a map."""
    tags = resource.get("Tags")
    if isinstance(tags, dict):
        return {str(k): str(v) for k, v in tags.items()}
    found: dict[str, str] = {}
    for tag in tags or ():
        if isinstance(tag, dict) and "Key" in tag:
            found[tag["Key"]] = tag.get("Value", "")
    return found


def user_tags(resource: dict) -> dict[str, str]:
    """Tags that can be copied to another resource: AWS reserves the `aws:` prefix."""
    return {k: v for k, v in resource_tags(resource).items() if not k.startswith("aws:")}
