"""The one fake HTTP server of the suite: a threaded `http.server` on 127.0.0.1 at a free port, with
a handler per route, and every request recorded. The real SDK clients (httpx for Daraja,
google-genai, elevenlabs) are pointed at it; nothing is mocked. Fakes of a service (tests/fakes/)
are its routes."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest


@dataclass
class Reply:
    status: int = 200
    body: Any = b""  # bytes as they are; anything else is sent as JSON
    content_type: str = "application/json"
    delay: float = 0.0  # seconds to wait before answering (a timeout test)
    headers: dict[str, str] = field(default_factory=dict)

    def encoded(self) -> bytes:
        return self.body if isinstance(self.body, bytes) else json.dumps(self.body).encode()


# A request as recorded: method, path (no query), target (as sent), query (parse_qs), headers (the
# HTTPMessage, so names are case-insensitive), raw body bytes, and json (the parsed body, or None).
Recorded = dict[str, Any]
Route = Callable[[Recorded], Reply]


def _not_found(request: Recorded) -> Reply:
    return Reply(404, {"errorMessage": "Not found", "path": request["path"]})


class FakeServer:
    """Routes are (method, path); a path of None answers every path of that method."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.routes: dict[tuple[str, str | None], Route] = {}
        self.url = ""
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def route(self, method: str, path: str | None, handler: Route) -> FakeServer:
        self.routes[(method.upper(), path)] = handler
        return self

    def paths(self) -> list[str]:
        return [r["path"] for r in self.requests]

    def _answer(self, request: Recorded) -> Reply:
        method = request["method"]
        handler = self.routes.get((method, request["path"])) or self.routes.get((method, None)) or _not_found
        return handler(request)

    def start(self) -> FakeServer:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    parsed = json.loads(raw) if raw else None
                except ValueError:
                    parsed = None
                parts = urlsplit(self.path)
                request: Recorded = {
                    "method": self.command,
                    "path": parts.path,
                    "target": self.path,
                    "query": parse_qs(parts.query),
                    "headers": self.headers,
                    "raw": raw,
                    "json": parsed,
                }
                fake.requests.append(request)
                reply = fake._answer(request)
                if reply.delay:
                    time.sleep(reply.delay)
                payload = reply.encoded()
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", reply.content_type)
                    self.send_header("Content-Length", str(len(payload)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

            def log_message(self, *args: Any) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        # A short poll interval: shutdown() waits for one, at the end of every test that uses a fake.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)


@pytest.fixture
def fake_server() -> Iterator[Callable[[], FakeServer]]:
    """A factory: `fake_server()` starts a FakeServer, stopped at the end of the test."""
    started: list[FakeServer] = []

    def start() -> FakeServer:
        server = FakeServer().start()
        started.append(server)
        return server

    yield start
    for server in reversed(started):
        server.stop()
