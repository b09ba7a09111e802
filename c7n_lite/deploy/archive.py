"""The Lambda archive: handler, policy as JSON, and only the modules it needs.

Reproducible: entries sorted, fixed timestamps and permissions, JSON with
sorted keys — the same policy and code always give the same bytes, so deploy
can compare sha256 and skip an upload that would change nothing.
"""
from __future__ import annotations

import ast
import base64
import functools
import hashlib
import io
import json
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path

import c7n_lite
from c7n_lite.handler import CONFIG_FILE, POLICY_FILE
from c7n_lite.modes.serverless import DEPLOY_ONLY
from c7n_lite.policy import policy_plugins, related_resource_types
from c7n_lite.registry import modes

HANDLER = "c7n_lite.handler.handler"
HANDLER_MODULE = "c7n_lite.handler"
PACKAGE_ROOT = Path(c7n_lite.__file__).resolve().parent
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o644 << 16
# CPython's ast.parse is not safe to run in several threads at once ("AST
# constructor recursion depth mismatch"); org deploy builds archives side by side.
_PARSE_LOCK = threading.Lock()


@dataclass(frozen=True)
class Archive:
    data: bytes
    files: tuple[str, ...]
    modules: tuple[str, ...]

    @property
    def code_sha256(self) -> str:
        """As Lambda reports it (CodeSha256): base64 of the digest.  Compared, never shown."""
        return base64.b64encode(hashlib.sha256(self.data).digest()).decode()

    @property
    def hexdigest(self) -> str:
        """The sha256 every command shows (as `sha256sum` prints it)."""
        return hashlib.sha256(self.data).hexdigest()

    @property
    def size(self) -> int:
        return len(self.data)


def policy_classes(data: dict) -> list[type]:
    """Every class the policy uses: resource, filters (nested too), actions, the
    resource types they look up, and the mode."""
    rt, plugins = policy_plugins(data)
    mode = modes.get((data.get("mode") or {}).get("type", "pull"))
    if mode is None:
        raise ValueError(f"unknown mode {data['mode']!r}")
    return [rt, *(cls for cls, _ in plugins), *related_resource_types(plugins), mode]


def plugin_modules(data: dict) -> list[str]:
    """The modules that register what the policy uses: imported at cold start."""
    return sorted({cls.__module__ for cls in policy_classes(data)})


def module_path(name: str) -> Path | None:
    """c7n_lite.x.y → its source file in this checkout, or None if not ours."""
    parts = name.split(".")
    if parts[0] != "c7n_lite":
        return None
    base = PACKAGE_ROOT.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _is_type_checking(node: ast.AST) -> bool:
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and (
        (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
        or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"))


def imported_modules(name: str) -> set[str]:
    """c7n_lite modules `name` imports, at top level or inside functions (lazily
    imported code still runs in the Lambda); `if TYPE_CHECKING:` blocks excluded."""
    with _PARSE_LOCK:
        return set(_imported_modules(name))


@functools.cache
def _imported_modules(name: str) -> frozenset[str]:
    path = module_path(name)
    if path is None:
        return frozenset()
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    found: set[str] = set()
    stack: list[ast.AST] = [ast.parse(path.read_text(), str(path))]
    while stack:
        node = stack.pop()
        if _is_type_checking(node):
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            # `from pkg import submodule` imports a module too
            found.update(f"{module}.{alias.name}" for alias in node.names)
        stack.extend(ast.iter_child_nodes(node))
    return frozenset(m for m in found if module_path(m) is not None)


def needed_modules(data: dict) -> list[str]:
    """The handler, the policy's plugin modules, their c7n_lite imports (transitively)
    and the packages containing them."""
    todo = [HANDLER_MODULE, *plugin_modules(data)]
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        parts = name.split(".")
        todo.extend(".".join(parts[:i]) for i in range(1, len(parts)))
        todo.extend(imported_modules(name))
    return sorted(seen)


def build(data: dict, execution_options: dict | None = None) -> Archive:
    """The archive for one validated policy."""
    modules = needed_modules(data)
    config = {"handler": HANDLER, "modules": plugin_modules(data), "version": c7n_lite.__version__,
              "execution-options": execution_options
              if execution_options is not None else (data.get("mode") or {}).get("execution-options", {})}
    shipped = dict(data)
    if isinstance(data.get("mode"), dict):
        shipped["mode"] = {k: v for k, v in data["mode"].items() if k not in DEPLOY_ONLY}
    entries: dict[str, bytes] = {
        POLICY_FILE: _json(shipped),
        CONFIG_FILE: _json(config),
    }
    for name in modules:
        path = module_path(name)
        assert path is not None
        entries[path.relative_to(PACKAGE_ROOT.parent).as_posix()] = path.read_bytes()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for arcname in sorted(entries):
            info = zipfile.ZipInfo(arcname, FIXED_TIME)
            info.external_attr = FILE_MODE
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # unix, whatever the build host
            zf.writestr(info, entries[arcname], compresslevel=9)
    return Archive(buffer.getvalue(), tuple(sorted(entries)), tuple(modules))


def _json(value: object) -> bytes:
    return (json.dumps(value, sort_keys=True, indent=1, default=str) + "\n").encode()
