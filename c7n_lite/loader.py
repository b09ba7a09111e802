"""Read policy files safely, keeping the line of every mapping key and list item."""
from __future__ import annotations

import os
from pathlib import Path

import yaml

from c7n_lite.errors import PolicyError

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
POLICY_SUFFIXES = (".yml", ".yaml", ".json")
# Caps on what one document may expand to: aliases (`*a`) repeat the node they
# name, so a few lines can stand for billions of values ("alias bomb"); and
# nesting deeper than any policy needs only exhausts the stack.
MAX_VALUES = 100_000
MAX_DEPTH = 64


class LineDict(dict):
    """A dict that remembers where it and each of its keys stood in the file."""

    line: int | None = None
    key_lines: dict

    def line_of(self, key: object) -> int | None:
        return getattr(self, "key_lines", {}).get(key, self.line)


class LineList(list):
    line: int | None = None
    item_lines: list

    def line_of(self, index: int | None) -> int | None:
        lines = getattr(self, "item_lines", [])
        return lines[index] if isinstance(index, int) and 0 <= index < len(lines) else self.line


class _LineLoader(_Base):  # type: ignore[misc, valid-type]
    def __init__(self, stream):
        super().__init__(stream)
        self.duplicate_keys: list[tuple[object, int]] = []


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    data = LineDict()
    data.line = node.start_mark.line + 1
    data.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark) from None
        line = key_node.start_mark.line + 1
        if key in data:
            loader.duplicate_keys.append((key, line))
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_lines[key] = line
    return data


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    data = LineList(loader.construct_object(child, deep=True) for child in node.value)
    data.line = node.start_mark.line + 1
    data.item_lines = [child.start_mark.line + 1 for child in node.value]
    return data


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)


def parse_text(text: str, filename: str) -> tuple[object, list[PolicyError]]:
    """Parse YAML (or JSON) text; never executes tags, never raises on bad input."""
    loader = _LineLoader(text)
    try:
        node = loader.get_single_node()
        problem = _too_big(node)
        if problem:
            return None, [PolicyError(filename, problem[0], None, problem[1])]
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        return None, [PolicyError(filename, _error_line(exc, text), None, _error_message(exc))]
    except yaml.YAMLError as exc:
        return None, [PolicyError(filename, None, None, f"YAML error: {exc}")]
    finally:
        loader.dispose()
    errors = [PolicyError(filename, line, None, f"duplicate key {key!r} in the same mapping")
              for key, line in loader.duplicate_keys]
    return data, errors


def _too_big(root: yaml.Node | None) -> tuple[int, str] | None:
    """(line, message) when the document's aliases add more than MAX_VALUES values
    once expanded, or it nests deeper than MAX_DEPTH; None when it is fine.
    Iterative (no recursion to exhaust), and each node is sized once: an alias
    names the same node object as its anchor."""
    if root is None:
        return None
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        children = _children(node)
        if not done:
            if key in sizes:
                continue
            if key in open_nodes:
                return node.start_mark.line + 1, "YAML alias refers to itself: a policy file cannot be recursive"
            open_nodes.add(key)
            stack.append((node, True))
            stack.extend((child, False) for child in children if id(child) not in sizes)
            continue
        open_nodes.discard(key)
        sizes[key] = 1 + sum(sizes[id(c)] for c in children)
        # A big file is not a bomb: only what aliases add beyond the nodes written counts.
        if sizes[key] > MAX_VALUES + len(sizes):
            return node.start_mark.line + 1, (f"YAML aliases expand to more than {MAX_VALUES:,} values here: "
                                              "refused (an alias bomb?)")
    # Depth from the top, now that the expanded document is known to be of bounded size.
    walk: list[tuple[yaml.Node, int]] = [(root, 1)]
    while walk:
        node, depth = walk.pop()
        children = _children(node)
        if children and depth > MAX_DEPTH:
            return node.start_mark.line + 1, f"nested more than {MAX_DEPTH} levels deep"
        walk.extend((child, depth + 1) for child in children)
    return None


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _error_line(exc: yaml.MarkedYAMLError, text: str) -> int | None:
    """The line to show: where the problem is, or, when the parser only noticed it
    at the end of the file (an unclosed bracket or quote), where the construct opened."""
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return None
    if exc.context_mark is not None and mark.line >= len(text.splitlines()):
        mark = exc.context_mark
    return mark.line + 1


def _error_message(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or str(exc)
    if isinstance(exc, yaml.constructor.ConstructorError) and "constructor for the tag" in problem:
        # e.g. !!python/object: safe loading never builds objects from tags.
        tag = problem.rsplit(" ", 1)[-1].strip("'").replace("tag:yaml.org,2002:", "!!")
        return f"YAML tag {tag!r} is not allowed: policy files hold plain data only"
    if exc.context and exc.context not in problem:
        problem = f"{exc.context}: {problem}"
    return f"YAML syntax error: {problem}"


def parse_file(path: str | os.PathLike) -> tuple[object, list[PolicyError]]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [PolicyError(str(path), None, None, f"cannot read file: {exc}")]
    return parse_text(text, str(path))


def expand_paths(paths: list[str]) -> tuple[list[str], list[PolicyError]]:
    """Files as given, and the policy files found under directories, sorted."""
    files: list[str] = []
    errors: list[PolicyError] = []
    for path in paths:
        p = Path(path)
        if p.is_dir():
            # Hidden files and directories (.git, .github/workflows/*.yml) hold no policies.
            found = sorted(str(f) for f in p.rglob("*") if f.suffix in POLICY_SUFFIXES and f.is_file()
                           and not any(part.startswith(".") for part in f.relative_to(p).parts))
            if not found:
                errors.append(PolicyError(path, None, None, "no policy files (*.yml, *.yaml, *.json) here"))
            files.extend(found)
        elif p.is_file():
            files.append(str(p))
        else:
            errors.append(PolicyError(path, None, None, "no such file or directory"))
    # A file named twice (policies/ and policies/ec2.yml) is read once.
    seen: set[str] = set()
    unique = []
    for f in files:
        real = os.path.realpath(f)
        if real not in seen:
            seen.add(real)
            unique.append(f)
    return unique, errors
