"""A progress display for `c7n-lite run` on a terminal: policies done of total, the
resource types being described, the API calls so far and the time; erased when
the run ends, where the summary table takes its place.  Off a terminal (tests,
CI, pipes) there is none and the summary prints line by line as before.

C7N_LITE_PROGRESS=tty forces the display (`plain`: never); the default is a
display when stdout and stderr are both terminals, outside CI and TERM=dumb.

CLI only: rich is imported here and nowhere on the Lambda path.
"""
from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from typing import Any

MODE_ENV = "C7N_LITE_PROGRESS"
FORCED = ("tty", "on", "always", "1")
NEVER = ("plain", "off", "never", "0")
MAX_TYPES_SHOWN = 3


def terminal_mode() -> bool:
    """Show a progress display (else plain lines)?"""
    value = os.environ.get(MODE_ENV, "").strip().lower()
    if value in FORCED:
        return True
    if value in NEVER or os.environ.get("CI") or os.environ.get("TERM") == "dumb":
        return False
    return _isatty(sys.stdout) and _isatty(sys.stderr)


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def for_run(total: int) -> RunProgress | None:
    """The display for a run of `total` policy runs, or None off a terminal."""
    return RunProgress(total) if terminal_mode() else None


class RunProgress:
    """Counts what the run's workers report (`watch` around each policy run) and
    shows it; a context manager: the display is shown inside, erased on exit."""

    def __init__(self, total: int) -> None:
        self.total = total
        self._lock = threading.Lock()
        self._running: Counter[str] = Counter()
        self._sessions: dict[int, Any] = {}
        self._progress: Any = None
        self._task: Any = None
        self._handlers: list[tuple[logging.StreamHandler, Any]] = []

    # What the display shows, read by its refresh thread.
    def describing(self) -> str:
        with self._lock:
            types = sorted(self._running)
        shown = ", ".join(types[:MAX_TYPES_SHOWN])
        more = f" +{len(types) - MAX_TYPES_SHOWN}" if len(types) > MAX_TYPES_SHOWN else ""
        return f"describing {shown}{more}" if types else ""

    def api_calls(self) -> int:
        with self._lock:
            sessions = list(self._sessions.values())
        total = 0
        for session in sessions:
            # Counted by the session's workers as they call: a snapshot, never a lock held across them.
            with contextlib.suppress(RuntimeError):
                total += sum(list(session.api_calls.values()))
        return total

    @contextlib.contextmanager
    def watch(self, data: dict, unit: Any, advance: bool = True) -> Iterator[None]:
        """Around one policy run in one unit (account and region), in its worker thread;
        with `advance` false, around a describe made for the unit's policies first."""
        from c7n_lite.policy import resource_type_name
        rtype = resource_type_name(str(data.get("resource", "")))
        with self._lock:
            self._running[rtype] += 1
            self._sessions.setdefault(id(unit.session), unit.session)
        try:
            yield
        finally:
            with self._lock:
                self._running[rtype] -= 1
                if self._running[rtype] <= 0:
                    del self._running[rtype]
            if advance and self._progress is not None:
                self._progress.advance(self._task)

    def __enter__(self) -> RunProgress:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
        console = Console(file=sys.stderr, force_terminal=True, highlight=False)
        self._progress = Progress(
            MofNCompleteColumn(), TextColumn("policies"), BarColumn(bar_width=24),
            _Live(self.api_calls, "{:,} API calls"), TimeElapsedColumn(), _Live(self.describing, "{}"),
            console=console, transient=True, redirect_stdout=True, redirect_stderr=True)
        self._task = self._progress.add_task("run", total=self.total)
        self._progress.start()
        self._redirect_logging()
        return self

    def __exit__(self, *exc: object) -> None:
        for handler, stream in self._handlers:
            handler.setStream(stream)
        self._handlers = []
        if self._progress is not None:
            self._progress.stop()   # transient: the display is erased, the terminal left as it was

    def _redirect_logging(self) -> None:
        """Log lines go above the display (through rich's stderr proxy), not through it."""
        proxy = sys.stderr
        originals = {id(getattr(proxy, "rich_proxied_file", None)), id(sys.__stderr__)}
        for handler in logging.getLogger().handlers:
            if isinstance(handler, logging.StreamHandler) and id(handler.stream) in originals:
                self._handlers.append((handler, handler.setStream(proxy)))


def _live_column() -> type:
    from rich.progress import ProgressColumn
    from rich.text import Text

    class Live(ProgressColumn):
        """A column whose text is read from the run at each refresh."""

        def __init__(self, read: Any, template: str) -> None:
            super().__init__()
            self.read, self.template = read, template

        def render(self, task: Any) -> Text:
            # One line whatever the width: cut, never wrapped onto a second line.
            return Text(self.template.format(self.read()), no_wrap=True, overflow="ellipsis")
    return Live


def _Live(read: Any, template: str) -> Any:  # noqa: N802 - a column, built when rich is imported
    return _live_column()(read, template)
