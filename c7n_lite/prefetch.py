"""The describe-first phase of a unit (one account and region): every resource
type its policies enumerate is described before any of them evaluates, so the
unit's detail calls never queue behind (or slow down) a large describe, and
the policies then run side by side on the shared results.

The describes go one at a time (`C7N_LITE_DESCRIBE_WORKERS`, default 1): a
large describe can take tens of seconds to answer, and several at once each
take longer, up to the read timeout; a unit's describes are a handful of calls,
its detail calls (run side by side afterwards) the bulk.  Only
policies that will run are described for (their mode and conditions allow it);
types their filters look up are described when first asked, as before."""
from __future__ import annotations

import contextlib
import datetime
import logging
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from c7n_lite.aws.session import STOP, AwsSession
from c7n_lite.policy import Policy

log = logging.getLogger("c7n_lite")

DESCRIBE_WORKERS = max(1, int(os.environ.get("C7N_LITE_DESCRIBE_WORKERS", "1")))


def describe_first(policies: list[dict], session: AwsSession, skip: Callable[[dict, AwsSession], str | None],
                   clock: Callable[[], datetime.datetime] | None = None,
                   around: Callable[[dict], contextlib.AbstractContextManager] | None = None) -> None:
    """Describe each (type, query) the unit's runnable policies read, once; never
    raises (a policy reports its own describe's failure).  `around(policy data)`
    is entered around each describe (the progress display shows what is described)."""
    managers = {}
    for data in policies:
        try:
            if skip(data, session):
                continue
            policy = Policy(data, session, clock)
            if not policy.conditions_met():
                continue
        except Exception:  # noqa: BLE001 - the policy's own run reports it
            continue
        managers.setdefault(policy.manager.describe_key(), (policy.manager, data))
    if not managers:
        return

    def describe(found: tuple) -> None:
        manager, data = found
        if STOP.is_set():
            return
        session.start_deadline()  # in this worker: its calls have a deadline, as a policy's do
        try:
            with around(data) if around is not None else contextlib.nullcontext():
                manager.prefetch(manager.policy)
        except Exception as exc:  # noqa: BLE001 - the policies describe for themselves then
            log.debug("describe-first: %s", exc)

    with ThreadPoolExecutor(max_workers=min(DESCRIBE_WORKERS, len(managers))) as pool:
        list(pool.map(describe, managers.values()))
