"""The tag family, on every taggable resource type: tag, remove-tag, rename-tag,
mark-for-op, unmark.  How a type is tagged comes from `actions.tagging`."""
from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from c7n_lite.actions.core import Action, ApiCall
from c7n_lite.actions.staging import StagedAction
from c7n_lite.actions.tagging import (
    describe_tags,
    is_taggable,
    tag_method,
    tag_permissions,
)
from c7n_lite.aws.batching import resource_tags
from c7n_lite.filters.marked_for_op import (
    DEFAULT_OP,
    DEFAULT_TAG,
    DEFAULT_TEMPLATE,
    action_date_string,
    check_tz,
    get_tz,
)
from c7n_lite.registry import actions

if TYPE_CHECKING:
    from c7n_lite.resources.core import ResourceType

# Custodian marks 4 days ahead when neither `days` nor `hours` is given.
DEFAULT_MARK_DAYS = 4


class TagAction(Action):
    """Base of the tag family: available on taggable types, permissions from the type's method."""

    @classmethod
    def applies_to(cls, resource_type: type[ResourceType]) -> bool:
        return is_taggable(resource_type)

    # Removes tags (untag permissions), and reads the current ones (the Tags
    # detail, where tags are not in the describe).
    untags: ClassVar[bool] = True
    # Adds or changes tags (tag permissions); remove-tag and unmark only remove.
    adds: ClassVar[bool] = True
    reads: ClassVar[tuple[str, ...]] = ("Tags",)

    @classmethod
    def all_permissions(cls, data: dict, resource_type: type[ResourceType] | None = None) -> set[str]:
        return tag_permissions(resource_type, untag=cls.untags, add=cls.adds)

    def ensure_tags(self, resources: list[dict]) -> None:
        """Tags are a per-resource detail on some types (SNS, S3): fetch them if so."""
        self.manager.ensure_details(resources, ["Tags"])

    def tag(self, resources: list[dict], tags: dict[str, str], message: str = "") -> list[ApiCall]:
        return tag_method(self.manager.resource_type).tag(self.manager, resources, tags, message)

    def untag(self, resources: list[dict], keys: list[str], message: str = "") -> list[ApiCall]:
        """Untag only the resources that have one of the keys; the rest are skipped."""
        self.ensure_tags(resources)
        has = [r for r in resources if set(keys) & set(resource_tags(r))]
        lacking = [self.resource_id(r) for r in resources if not set(keys) & set(resource_tags(r))]
        calls = tag_method(self.manager.resource_type).untag(self.manager, has, keys, message) if has else []
        if lacking:
            calls.append(ApiCall.skip(lacking, f"has none of the tags {', '.join(keys)}"))
        return calls


# A tag value: a scalar (YAML's unquoted numbers and booleans are written as
# text), or a look-up on the resource with a fallback, as in Custodian.
TAG_LOOKUP_SCHEMA = {
    "type": "object", "additionalProperties": False, "required": ["type"],
    "properties": {"type": {"enum": ["resource"]}, "key": {"type": "string"},
                   "default-value": {"type": "string"}},
    "anyOf": [{"required": ["key"]}, {"required": ["default-value"]}],
}
TAG_VALUE_SCHEMA = {"oneOf": [TAG_LOOKUP_SCHEMA, {"type": ["string", "number", "boolean"]}]}
_SKIP = object()


class _Placeholders(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def tag_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


@actions.register("tag")
class Tag(TagAction):
    """Set tags: `key`/`value` (or `tag`/`value`), or a `tags` map.  A value may
    be a look-up on the resource (`{type: resource, key: <JMESPath>,
    default-value: …}`); `{account_id}`, `{region}` and `{now}` are filled in.
    With no tags given (a bare `tag`), nothing is set, as in Custodian."""

    untags = False
    reads = ()

    schema = {
        "key": {"type": "string"},
        "tag": {"type": "string"},
        "value": TAG_VALUE_SCHEMA,
        "msg": {"type": "string"},
        "tags": {"type": "object", "additionalProperties": TAG_VALUE_SCHEMA},
    }

    @classmethod
    def check(cls, data: dict) -> list[str]:
        if data.get("key") and data.get("tag"):
            return ["give `key` or `tag`, not both"]
        return []

    def tags(self) -> dict:
        """Tag specs as Custodian reads them: `tags`, and `key` (or `tag`, by default
        maid_status) set to `value` (or the legacy `msg`) when one is given."""
        tags = dict(self.data.get("tags") or {})
        value = self.data.get("value")
        if value is None or value == "":
            value = self.data.get("msg")
        if value is not None and value != "":
            tags[self.data.get("key") or self.data.get("tag") or DEFAULT_TAG] = value
        return tags

    def placeholders(self) -> _Placeholders:
        import datetime
        session = self.manager.session
        now = self.manager.now().astimezone(datetime.timezone.utc)
        return _Placeholders(account_id=session.account_id, region=session.region, now=now)

    def resolve(self, spec: object, name: str, resource: dict, fields: _Placeholders) -> object:
        if not isinstance(spec, dict):
            text = tag_text(spec)
            if "{" not in text:
                return text
            try:
                return text.format_map(fields)
            except (ValueError, IndexError, AttributeError):
                return text  # braces that are not placeholders
        if "key" not in spec:
            # A conditional default: only where the resource lacks the tag.
            return _SKIP if name in resource_tags(resource) else tag_text(spec["default-value"])
        import jmespath
        found = jmespath.search(spec["key"], resource)
        if found is None:
            if "default-value" not in spec:
                raise ValueError(f"tag {name!r}: {spec['key']!r} gives nothing on "
                                 f"{self.resource_id(resource)} and there is no default-value")
            return tag_text(spec["default-value"])
        return tag_text(found)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        specs = self.tags()
        ids = [self.resource_id(r) for r in resources]
        if not specs:
            return [ApiCall.skip(ids, "no tag given (`key`/`value` or `tags`): nothing to set", "tag")]
        needs_lookup = any(isinstance(v, dict) for v in specs.values())
        needs_fields = any(not isinstance(v, dict) and "{" in tag_text(v) for v in specs.values())
        fields = self.placeholders() if needs_fields else _Placeholders()
        if not needs_lookup:
            return self.tag(resources, {k: self.resolve(v, k, {}, fields) for k, v in specs.items()})
        if any(isinstance(v, dict) and "key" not in v for v in specs.values()):
            self.ensure_tags(resources)
        groups: dict[tuple, list[dict]] = {}
        skipped = []
        for r in resources:
            resolved = {k: self.resolve(v, k, r, fields) for k, v in specs.items()}
            resolved = {k: v for k, v in resolved.items() if v is not _SKIP}
            if not resolved:
                skipped.append(self.resource_id(r))
                continue
            groups.setdefault(tuple(sorted(resolved.items())), []).append(r)
        calls = [call for key, group in groups.items() for call in self.tag(group, dict(key))]
        if skipped:
            calls.append(ApiCall.skip(skipped, "already has every tag given as a default", "tag"))
        return calls


@actions.register("remove-tag")
class RemoveTag(TagAction):
    """Remove the listed tag keys (`maid_status` when none are listed, as Custodian)."""

    adds = False

    schema = {"tags": {"type": "array", "items": {"type": "string"}, "minItems": 1}}

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        return self.untag(resources, list(self.data.get("tags") or [DEFAULT_TAG]))


@actions.register("unmark")
class Unmark(RemoveTag):
    """Remove the mark left by `mark-for-op` (`maid_status`, or the listed `tags`)."""


@actions.register("untag")
class Untag(RemoveTag):
    """Custodian's other name for `remove-tag`."""


@actions.register("mark")
class Mark(Tag):
    """Custodian's other name for `tag`."""


@actions.register("rename-tag")
class RenameTag(StagedAction, TagAction):
    """Copy `old_key`'s value to `new_key`, then remove `old_key`."""

    schema = {"old_key": {"type": "string"}, "new_key": {"type": "string"}}
    required = ("old_key", "new_key")

    def plan_stages(self, resources: list[dict], event: dict | None = None) -> list[list[ApiCall]]:
        old, new = self.data["old_key"], self.data["new_key"]
        self.ensure_tags(resources)
        by_value: dict[str, list[dict]] = {}
        lacking = []
        for r in resources:
            tags = resource_tags(r)
            if old in tags:
                by_value.setdefault(tags[old], []).append(r)
            else:
                lacking.append(self.resource_id(r))
        copy: list[ApiCall] = []
        # Resources sharing a value share the tag calls, so a fleet renames in a few calls.
        for value, group in by_value.items():
            copy.extend(self.tag(group, {new: value}, f"rename {old} → {new} ({new}={value})"))
        having = [r for group in by_value.values() for r in group]
        # The old key goes only where the new one was written.
        remove = tag_method(self.manager.resource_type).untag(
            self.manager, having, [old], f"rename {old} → {new}: remove {old}") if having else []
        skips = [ApiCall.skip(lacking, f"has no tag {old}")] if lacking else []
        return [copy, remove, skips]


@actions.register("mark-for-op")
class MarkForOp(TagAction):
    """Tag resources for a later `op` (read back by the `marked-for-op` filter)."""

    untags = False
    reads = ()

    schema = {
        "tag": {"type": "string"},
        "op": {"type": "string"},
        "msg": {"type": "string"},
        "days": {"type": "number", "minimum": 0},
        "hours": {"type": "number", "minimum": 0},
        "tz": {"type": "string"},
    }

    @classmethod
    def check(cls, data: dict) -> list[str]:
        problems = check_tz(data)
        msg = data.get("msg")
        if isinstance(msg, str):
            try:
                msg.format(op="stop", action_date="2030/01/01")
            except (KeyError, IndexError, ValueError) as exc:
                problems.append(f"msg: only {{op}} and {{action_date}} may be used ({exc})")
        return problems

    @classmethod
    def check_for_resource(cls, data: dict, resource_type: type[ResourceType]) -> list[str]:
        """A mark nobody can act on would sit there forever: refuse it when validating."""
        op = data.get("op", DEFAULT_OP)
        names = resource_type.action_names()
        if not isinstance(op, str) or op in names:
            return []
        import difflib
        close = difflib.get_close_matches(op, names, n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return [f"op {op!r} is not an action of {resource_type.type}{hint}"]

    def mark_value(self) -> str:
        days = self.data.get("days")
        hours = self.data.get("hours", 0)
        if days is None and not hours:
            days = DEFAULT_MARK_DAYS
        date = action_date_string(self.manager.now(), days or 0, hours, get_tz(self.data.get("tz")))
        op = self.data.get("op", DEFAULT_OP)
        return self.data.get("msg", DEFAULT_TEMPLATE).format(op=op, action_date=date)

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        tags = {self.data.get("tag", DEFAULT_TAG): self.mark_value()}
        return self.tag(resources, tags, f"mark {describe_tags(tags)}")


# The types Custodian gives tag-trim, with the tag limit it trims to (50 unless named).
TRIM_TYPES = frozenset((
    "aws.ami", "aws.asg", "aws.ebs", "aws.ebs-snapshot", "aws.ec2", "aws.elastic-ip", "aws.eni",
    "aws.internet-gateway", "aws.launch-template-version", "aws.nat-gateway", "aws.network-acl", "aws.rds",
    "aws.redshift", "aws.security-group", "aws.subnet", "aws.vpc", "aws.vpc-endpoint"))
TRIM_LIMITS = {"aws.redshift": 10, "aws.asg": 10}


@actions.register("tag-trim")
class TagTrim(TagAction):
    """Make room for `space` (default 3) more tags under the type's tag limit (10 on
    Redshift clusters and auto scaling groups, 50 elsewhere) by removing tags not
    in `preserve`, in key order; `space: 0` removes every tag not preserved.
    `aws:` tags are neither counted nor removed."""

    adds = False
    schema = {"space": {"type": "integer"}, "preserve": {"type": "array", "items": {"type": "string"}}}

    @classmethod
    def applies_to(cls, resource_type: type[ResourceType]) -> bool:
        return resource_type.type in TRIM_TYPES and is_taggable(resource_type)

    def trim(self, tags: dict[str, str]) -> list[str]:
        """The keys to remove from a resource with these tags."""
        limit = TRIM_LIMITS.get(self.manager.resource_type.type, 50)
        space = self.data.get("space", 3)
        keys = {k for k in tags if not k.startswith("aws:")}
        if space and len(keys) + space <= limit:
            return []
        preserve = set(self.data.get("preserve") or ())
        candidates = sorted(keys - preserve)
        if space:
            candidates = candidates[:len(keys) + space - limit]
        return candidates

    def plan(self, resources: list[dict], event: dict | None = None) -> list[ApiCall]:
        self.ensure_tags(resources)
        calls, room = [], []
        method = tag_method(self.manager.resource_type)
        for r in resources:
            remove = self.trim(resource_tags(r))
            if remove:
                calls.extend(method.untag(self.manager, [r], remove, f"trim tags {', '.join(remove)}"))
            else:
                room.append(self.resource_id(r))
        if room:
            calls.append(ApiCall.skip(room, "room enough, or no tag that is not preserved"))
        return calls
