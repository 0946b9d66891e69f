"""What both stand-ins share: a real HTTP server on 127.0.0.1 (a free port, a daemon thread), the record
of every request, and the ways a service fails, settable at any time, also while a test runs:

* ``delay``: seconds to wait before answering (cut short, by dropping the connection, by ``stop()``);
* ``fail_status`` (e.g. 500, 502, 503): answer that status with the HTML page of a proxy in front;
* ``drop_connections``: close the socket without any HTTP answer;
* ``fail_times``: when an int, only that many more requests fail, then answers are normal again
  (``None``, the default: every request fails while a failure is set).
"""

from __future__ import annotations

import json
import socket
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

Answer = tuple[int, str, bytes]  # status, Content-Type, body


def json_answer(status: int, obj: Any, ctype: str = "application/json") -> Answer:
    return status, f"{ctype}; charset=utf-8", json.dumps(obj).encode("utf-8")


def proxy_error(status: int) -> Answer:
    """The page nginx, in front of a service, sends when the service behind it fails."""
    title = f"{status} {HTTPStatus(status).phrase}"
    page = f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n"
    return status, "text/html", (page + "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n").encode()


def closed_port_url() -> str:
    """``http://127.0.0.1:PORT`` where nothing listens (connection refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a client that timed out and hung up makes the write fail: expected


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    fake: FakeService  # set on a subclass made per fake

    def log_message(self, format, *args):
        pass

    def do_GET(self):  # the app only ever GETs (actiontool/lookup/service.py)
        self.close_connection = True
        parts = urlsplit(self.path)
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        fake = self.fake
        fake._record(parts.path, params)
        if fake.delay and fake._stopping.wait(float(fake.delay)):
            return self._drop()
        if fake._consume_failure():
            if fake.drop_connections:
                return self._drop()
            return self._send(*proxy_error(int(fake.fail_status)))
        try:
            answer = fake.respond(parts.path, params)
        except Exception as error:  # a bug in the stand-in, or a question it does not serve: visible, not a hang
            answer = 500, "text/plain; charset=utf-8", f"stand-in error: {error!r}".encode()
        self._send(*answer)

    def _drop(self) -> None:
        for step in (lambda: self.connection.shutdown(socket.SHUT_RDWR), self.connection.close):
            try:
                step()
            except OSError:
                pass

    def _send(self, status: int, ctype: str, body: bytes) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass


class FakeService:
    """Base of the stand-ins: lifecycle (``start``/``stop`` or ``with``), failure modes, ``requests``.
    A subclass answers in ``respond(path, params)``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: list[tuple[str, dict[str, str]]] = []
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.reset_failures()

    def start(self):
        if self._server is None:
            self._stopping.clear()
            handler = type(f"{type(self).__name__}Handler", (_Handler,), {"fake": self})
            self._server = _Server(("127.0.0.1", 0), handler)
            self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                            name=type(self).__name__, daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._stopping.set()  # wakes handlers waiting out a `delay`
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def root_url(self) -> str:
        if self._server is None:
            raise RuntimeError(f"{type(self).__name__} is not running")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def reset_failures(self) -> None:
        self.delay: float = 0
        self.fail_status: int | None = None
        self.fail_times: int | None = None
        self.drop_connections = False

    def _consume_failure(self) -> bool:
        if not (self.drop_connections or self.fail_status):
            return False
        with self._lock:
            if self.fail_times is None:
                return True
            if self.fail_times > 0:
                self.fail_times -= 1
                return True
            return False

    def _record(self, path: str, params: dict[str, str]) -> None:
        with self._lock:
            self._requests.append((path, dict(params)))

    @property
    def requests(self) -> list[tuple[str, dict[str, str]]]:
        """Every (path, query parameters) received so far, failed ones too, oldest first."""
        with self._lock:
            return list(self._requests)

    @property
    def request_count(self) -> int:
        with self._lock:
            return len(self._requests)

    def reset_requests(self) -> None:
        with self._lock:
            self._requests.clear()

    def respond(self, path: str, params: dict[str, str]) -> Answer:
        raise NotImplementedError
