"""Bounded retries for a Qdrant server that restarts, fails over or drops a connection.

Only transport-level failures and the gateway statuses a restarting server or its proxy answer with are retried;
every request already has a timeout (DOCSIGHT_QDRANT_TIMEOUT), so the total wait is bounded. The operations retried
here are idempotent: docsight's ids are deterministic and its ingestion protocol starts each document over.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

import httpx
from qdrant_client.http.exceptions import ResponseHandlingException, UnexpectedResponse

from ingest.errors import find_cause
from retrievers.errors import StoreUnavailableError

T = TypeVar("T")
WRITE_DELAYS_S = (1.0, 2.0, 4.0)  # a document write: four attempts over 7 s
QUERY_DELAYS_S = (1.0,)  # a query: two attempts; a person is waiting
_GATEWAY_STATUSES = {502, 503, 504}


def is_transient(exc: BaseException) -> bool:
    """A failure a restarting server explains: no connection, a dropped one, a timeout, 502/503/504."""
    if find_cause(exc, ResponseHandlingException) is not None or find_cause(exc, httpx.TransportError) is not None:
        return True
    response = find_cause(exc, UnexpectedResponse)
    return response is not None and response.status_code in _GATEWAY_STATUSES


def with_retries(operation: Callable[[], T], *, location: str, what: str, delays: tuple[float, ...]) -> T:
    """``operation()`` on the Qdrant server at ``location``, again after each of ``delays`` while it fails
    transiently (:meth:`retrievers.store.DocsightStore.with_retries` calls it for a server only).

    :raises StoreUnavailableError: it still failed transiently after the last attempt.
    """
    for attempt, delay in enumerate((*delays, None), start=1):
        try:
            return operation()
        except Exception as exc:
            if not is_transient(exc):
                raise
            if delay is None:
                raise StoreUnavailableError(
                    f"the Qdrant server at {location} failed {what} {attempt} times over {sum(delays):.0f} s "
                    f"({type(exc).__name__}: {exc}). Is it running, or restarting? Nothing half-written is "
                    "visible; run the same command again once it answers."
                ) from exc
            time.sleep(delay)
    raise AssertionError("unreachable")
