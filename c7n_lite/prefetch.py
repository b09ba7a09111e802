"""The describe-first phase of a unit (one account and region): every resource
type its runnable policies enumerate is described once, ahead of them, and each
policy starts as soon as the describe it reads is in, so one policy's detail
calls overlap the describes of other types.

Describes of one service go one at a time, those of different services side by
side (`C7N_LITE_DESCRIBE_WORKERS` at once, default 4): a service's API limits
are shared by all its calls in the account and region, and a large describe
(thousands of EC2 resources) can take tens of seconds to answer, several at
once each longer, up to the read timeout.  Within a service, the types whose
policies then make detail calls go first, so their calls start early.  Only
policies that will run are described for (their mode and conditions allow
it); types their filters look up are described when first asked, as before."""
from __future__ import annotations

import contextlib
import datetime
import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from c7n_lite.aws.session import STOP, AwsSession
from c7n_lite.memory import trim
from c7n_lite.policy import Policy, policy_types
from c7n_lite.resources.shared import release

log = logging.getLogger("c7n_lite")

DESCRIBE_WORKERS = max(1, int(os.environ.get("C7N_LITE_DESCRIBE_WORKERS", "4")))


class Describes:
    """A unit's describe-first phase: `run()` (in a worker) describes; `wait(data)`
    (in a policy's worker) returns once the describe that policy reads is in."""

    def __init__(self, policies: list[dict], session: AwsSession,
                 skip: Callable[[dict, AwsSession], str | None],
                 clock: Callable[[], datetime.datetime] | None = None,
                 around: Callable[[dict], contextlib.AbstractContextManager] | None = None) -> None:
        self.policies, self.session, self.skip, self.clock, self.around = policies, session, skip, clock, around
        self._planned = threading.Event()
        self._ready: dict[int, threading.Event] = {}   # id(policy data) -> its describe is in

    def wait(self, data: dict) -> None:
        self._planned.wait()
        ready = self._ready.get(id(data))
        if ready is not None:
            ready.wait()

    def run(self) -> None:
        """Describe each (type, query) once; never raises (a policy reports its
        own describe's failure), and every waiting policy is released."""
        try:
            chains = self._plan()
        except Exception as exc:  # noqa: BLE001 - the policies describe for themselves then
            log.debug("describe-first: %s", exc)
            chains = {}
        finally:
            self._planned.set()
        try:
            if chains:
                with ThreadPoolExecutor(max_workers=min(DESCRIBE_WORKERS, len(chains))) as pool:
                    list(pool.map(self._describe_chain, chains.values()))
        finally:
            for ready in self._ready.values():
                ready.set()

    def _plan(self) -> dict[str, list[tuple]]:
        """Per service, its describes in order: (manager, policy data, ready event)."""
        found: dict[tuple, tuple] = {}   # describe key -> (manager, policy data, ready event)
        detailed: set[tuple] = set()     # keys some policy of which makes detail calls
        for data in self.policies:
            try:
                if self.skip(data, self.session):
                    continue
                policy = Policy(data, self.session, self.clock)
                if not policy.conditions_met():
                    continue
            except Exception:  # noqa: BLE001 - the policy's own run reports it
                continue
            key = policy.manager.describe_key()
            found.setdefault(key, (policy.manager, data, threading.Event()))
            if not all(f.cheap() for f in policy.filters):
                detailed.add(key)
            self._ready[id(data)] = found[key][2]
        chains: dict[str, list[tuple]] = {}
        # Within a service: types whose policies make detail calls first (a stable sort).
        for key in sorted(found, key=lambda k: k not in detailed):
            chains.setdefault(found[key][0].resource_type.service, []).append(found[key])
        return chains

    def _describe_chain(self, chain: list[tuple]) -> None:
        self.session.start_deadline()  # in this worker: its calls have a deadline, as a policy's do
        for manager, data, ready in chain:
            try:
                if not STOP.is_set():
                    with self.around(data) if self.around is not None else contextlib.nullcontext():
                        manager.prefetch(manager.policy)
            except Exception as exc:  # noqa: BLE001 - the policies describe for themselves then
                log.debug("describe-first: %s", exc)
            finally:
                ready.set()
                trim()  # the pages' parse trees (a describe's largest allocation) freed


def _known_types(data: dict) -> set[str] | None:
    """policy_types, or None if that cannot be known (the policy reports why)."""
    try:
        return policy_types(data)
    except Exception:  # noqa: BLE001 - an invalid policy fails in its own run
        return None


class Readers:
    """Of each unit, how many policies still to finish read each resource type.
    When the last is done the unit lets go of the type (its describe, index and
    details), so a run holds only the populations its remaining policies read;
    a unit with a policy whose reads are unknown keeps everything."""

    def __init__(self, units: list) -> None:
        self._lock = threading.Lock()
        self._left: dict[tuple[int, str], int] = {}
        self._reads: dict[tuple[int, int], set[str]] = {}
        for unit in units:
            reads = {id(data): _known_types(data) for data in unit.policies}
            if any(types is None for types in reads.values()):
                continue
            for data_id, types in reads.items():
                self._reads[(id(unit), data_id)] = types  # type: ignore[assignment]
                for name in types:  # type: ignore[union-attr]
                    self._left[(id(unit), name)] = self._left.get((id(unit), name), 0) + 1

    def done(self, unit: object, data: dict) -> None:
        """This policy of the unit is done: the types no policy left reads, let go."""
        with self._lock:
            freed = []
            for name in sorted(self._reads.pop((id(unit), id(data)), ())):
                self._left[(id(unit), name)] -= 1
                if not self._left[(id(unit), name)]:
                    freed.append(name)
        cache = unit.session.resource_cache  # type: ignore[attr-defined]
        for name in freed:
            release(cache, name)
        if freed:
            trim()
