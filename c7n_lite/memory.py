"""Keep a threaded run's resident memory down: glibc's malloc gives each thread
that allocates its own arena (up to 8 per core), and memory freed in one arena
is not reused by threads of another, so a run with many workers holds several
times the memory it uses.  Two arenas are enough for a run that mostly waits on
the network.  Set before the first worker thread starts; a no-op off glibc or
when MALLOC_ARENA_MAX is already set."""
from __future__ import annotations

import os
import sys

M_ARENA_MAX = -8  # glibc's mallopt parameter
ARENAS = 2


def limit_malloc_arenas(arenas: int = ARENAS) -> bool:
    if os.environ.get("MALLOC_ARENA_MAX") or not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes
        return bool(ctypes.CDLL("libc.so.6").mallopt(M_ARENA_MAX, arenas))
    except (OSError, AttributeError):
        return False


_libc: object = None


def trim() -> bool:
    """Give the pages malloc holds free back to the system (glibc's malloc_trim):
    after a large describe page is parsed, or a type's resources are let go,
    what was freed would otherwise stay resident until the run ends.  Costs a
    walk of the heap (measured: 4 ms with 60 MB just freed, 0.01 ms with
    nothing to give back); a no-op off glibc."""
    global _libc
    if _libc is None:
        _libc = False
        if sys.platform.startswith("linux"):
            try:
                import ctypes
                _libc = ctypes.CDLL("libc.so.6").malloc_trim
            except (OSError, AttributeError):
                pass
    return bool(_libc and _libc(0))
