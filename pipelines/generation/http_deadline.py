"""A total deadline for every HTTP request to Ollama, on top of httpx's per-read timeout.

httpx's ``timeout`` bounds each network read: a server that trickles one byte every few seconds, or a model that
streams forever, never trips it. :class:`DeadlineTransport` gives each request ``deadline_s`` seconds in all: every
read and write of the request, its headers and its (streamed) body, waits at most for what is left, and once it is
spent the next read fails with a timeout whose message says so (see :func:`is_deadline`).
"""

from __future__ import annotations

import threading
import time
import typing

import httpcore
import httpx
from httpcore._backends.sync import SyncBackend

DEADLINE_MARK = "total deadline"
_current = threading.local()  # the deadline of the request this thread is sending or reading


class _DeadlineExceeded(httpcore.ReadTimeout):
    """httpx turns it into an ``httpx.ReadTimeout`` with this message."""


def _left(timeout: float | None) -> float | None:
    deadline = getattr(_current, "deadline", None)
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise _DeadlineExceeded(f"{DEADLINE_MARK} of {_current.seconds:g} s passed")
    return left if timeout is None else min(timeout, left)


def _bounded(call, timeout: float | None):
    try:
        return call(_left(timeout))
    except httpcore.TimeoutException:
        _left(None)  # raises the deadline error if the deadline is what ran out
        raise


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return _bounded(lambda t: self._stream.read(max_bytes, t), timeout)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        _bounded(lambda t: self._stream.write(buffer, t), timeout)

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context, server_hostname: str | None = None, timeout: float | None = None):
        return _DeadlineStream(_bounded(lambda t: self._stream.start_tls(ssl_context, server_hostname, t), timeout))

    def get_extra_info(self, info: str) -> typing.Any:
        return self._stream.get_extra_info(info)


class _DeadlineBackend(SyncBackend):
    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        return _DeadlineStream(
            _bounded(lambda t: SyncBackend.connect_tcp(self, host, port, t, local_address, socket_options), timeout)
        )

    def connect_unix_socket(self, path, timeout=None, socket_options=None):
        return _DeadlineStream(
            _bounded(lambda t: SyncBackend.connect_unix_socket(self, path, t, socket_options), timeout)
        )


class DeadlineTransport(httpx.HTTPTransport):
    """``httpx.HTTPTransport`` whose every request must finish (body included) within ``deadline_s`` seconds."""

    def __init__(self, deadline_s: float, **kwargs: typing.Any) -> None:
        super().__init__(**kwargs)
        self.deadline_s = deadline_s
        self._pool._network_backend = _DeadlineBackend()  # httpx has no parameter for it

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        _current.deadline, _current.seconds = time.monotonic() + self.deadline_s, self.deadline_s
        return super().handle_request(request)


def is_deadline(exc: BaseException) -> bool:
    """Was ``exc`` (an httpx timeout) raised because a request's total deadline ran out?"""
    return DEADLINE_MARK in str(exc)
