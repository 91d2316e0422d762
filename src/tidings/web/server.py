"""Serving the app under uvicorn with slow clients timed out (``tidings serve``).

uvicorn times out idle kept-alive connections (``timeout_keep_alive``) but not a connection that is slow to send its
request: one that connects and trickles its headers (or sends nothing) is held until the client leaves. The
protocol below closes a connection whose headers are not complete ``header_timeout`` seconds after it opened (or
after the first byte of its next request); the app's :class:`~tidings.web.app.BodySizeLimit` bounds the time to
send a body.
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from ..settings import ServeSettings


class HeaderTimeoutProtocol(H11Protocol):
    """uvicorn's h11 protocol plus a deadline for the request head (``header_timeout`` seconds)."""

    header_timeout: float = 10.0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._head_timer: asyncio.TimerHandle | None = None
        self._arm()

    def data_received(self, data: bytes) -> None:
        if self._head_timer is None and self.conn.their_state is h11.IDLE:
            self._arm()  # the first bytes of the next request on a kept-alive connection
        super().data_received(data)

    def handle_events(self) -> None:
        super().handle_events()
        if self.conn.their_state is not h11.IDLE:  # the head is in: the request runs under the app's own limits
            self._disarm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self._head_timer = self.loop.call_later(self.header_timeout, self._head_timed_out)

    def _disarm(self) -> None:
        if getattr(self, "_head_timer", None) is not None:
            self._head_timer.cancel()  # type: ignore[union-attr]
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()


def protocol(settings: ServeSettings) -> type[HeaderTimeoutProtocol]:
    """The protocol class with the settings' header timeout (uvicorn instantiates the class it is given)."""
    return type("HeaderTimeoutProtocol", (HeaderTimeoutProtocol,), {"header_timeout": settings.header_timeout})


def uvicorn_options(settings: ServeSettings) -> dict[str, Any]:
    """Keyword arguments of ``uvicorn.run``/``uvicorn.Config`` that bound what slow clients cost."""
    return {
        "http": protocol(settings),
        "timeout_keep_alive": settings.keep_alive_timeout,
    }
