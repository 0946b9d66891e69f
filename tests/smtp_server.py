"""A real SMTP server on 127.0.0.1 (aiosmtpd) that records every message it accepts.

Tests read what arrived (envelope and parsed message), refuse chosen recipients
with 4xx or 5xx answers, and stop and start the server to stage an outage.

It also counts connections (each SMTP session that greeted with EHLO or HELO;
the probe aiosmtpd's Controller makes when it starts never greets, so it is not
counted), records which connection carried each message, and can be made slow:
`SmtpServer(delay=0.2)` waits that long in DATA before accepting each message,
the way a busy mail server does.
"""

import asyncio
import email
import socket
import threading
from dataclasses import dataclass
from email.policy import default as default_policy

from aiosmtpd.controller import Controller


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list
    raw: bytes
    connection: int = 0  # which connection (1, 2, ... in order of greeting) carried it

    @property
    def message(self):
        return email.message_from_bytes(self.raw, policy=default_policy)


class RecordingHandler:
    def __init__(self, delay=0.0):
        self.lock = threading.Lock()
        self.received = []
        self.refuse = {}  # lower-case address -> SMTP answer, e.g. "550 5.1.1 No such user"
        self.delay = delay  # seconds spent in DATA before accepting a message
        self.connections = 0  # SMTP sessions that greeted (EHLO or HELO)

    def _connection(self, server):
        """The number of the connection `server` (one aiosmtpd SMTP instance per connection) serves."""
        with self.lock:
            number = getattr(server, "recording_connection", None)
            if number is None:
                self.connections += 1
                number = server.recording_connection = self.connections
            return number

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self._connection(server)
        session.host_name = hostname
        return responses

    async def handle_HELO(self, server, session, envelope, hostname):
        self._connection(server)
        session.host_name = hostname
        return f"250 {server.hostname}"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        answer = self.refuse.get(address.lower())
        if answer:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        connection = self._connection(server)
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content,
                                          connection))
        return "250 Message accepted for delivery"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    """Start/stop on a fixed loopback port, so the app's MAIL_URL stays valid across an outage."""

    def __init__(self, delay=0.0):
        self.port = free_port()
        self.handler = RecordingHandler(delay=delay)
        self.controller = None

    @property
    def url(self):
        return f"smtp://127.0.0.1:{self.port}"

    def start(self):
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def reset(self):
        with self.handler.lock:
            self.handler.received.clear()
            self.handler.connections = 0
        self.handler.refuse.clear()

    @property
    def received(self):
        with self.handler.lock:
            return list(self.handler.received)

    @property
    def connections(self):
        """How many SMTP sessions have greeted the server since it was created or reset."""
        with self.handler.lock:
            return self.handler.connections

    def messages_to(self, address):
        return [r.message for r in self.received if address.lower() in (a.lower() for a in r.rcpt_tos)]
