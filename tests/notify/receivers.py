"""Local stand-ins for what is outside the machine, speaking the real wire formats: an HTTP
receiver (webhook, ntfy server, Web Push service) and an SMTP server (aiosmtpd)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from tests.servers import free_port


@dataclass
class Received:
    """One HTTP request the receiver got."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    at: float = field(default_factory=time.time)
    """When it arrived (wall clock, seconds since the epoch)."""

    def json(self) -> Any:
        return json.loads(self.body)


class _Server(ThreadingHTTPServer):
    """A listen backlog like a real web server's: the default 5 resets connections when several
    dispatchers send at once (the delivery is then retried later, as it should be, but after the
    test's last tick)."""

    request_queue_size = 128


@dataclass
class HttpReceiver:
    """A threaded HTTP server on 127.0.0.1 that records every request and answers ``status``
    (``fail_first`` requests answer 500 first)."""

    status: int = 200
    fail_first: int = 0
    location: str | None = None
    """A ``Location`` header to answer with (a redirect test)."""
    requests: list[Received] = field(default_factory=list)
    port: int = field(default_factory=free_port)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> HttpReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with lock:
                    receiver.requests.append(Received("POST", self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                    failing = receiver.fail_first > 0
                    if failing:
                        receiver.fail_first -= 1
                self.send_response(500 if failing else receiver.status)
                if receiver.location:
                    self.send_header("Location", receiver.location)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        lock = threading.Lock()
        self.server = _Server(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class _Sink:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], EmailMessage]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), message_from_bytes(envelope.content, policy=policy.default)))
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    """An aiosmtpd server on 127.0.0.1 keeping every message: ``(mail_from, rcpt_tos, message)``."""

    port: int = field(default_factory=free_port)

    def start(self) -> SmtpServer:
        self.sink = _Sink()
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    @property
    def messages(self) -> list[tuple[str, list[str], EmailMessage]]:
        return self.sink.messages

    def stop(self) -> None:
        self.controller.stop()


def wait_for(check: Callable[[], Any], timeout: float = 60, what: str = "condition") -> Any:
    """Poll ``check`` until it returns something truthy (returned), or fail after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


@pytest.fixture
def webhook() -> Iterator[HttpReceiver]:
    """A local HTTP receiver standing in for the operator's webhook (and ntfy, push services)."""
    receiver = HttpReceiver().start()
    yield receiver
    receiver.stop()


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """A local SMTP server (aiosmtpd)."""
    server = SmtpServer().start()
    yield server
    server.stop()
