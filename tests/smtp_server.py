"""A real SMTP server on 127.0.0.1 (aiosmtpd) that records every message it accepts.

Tests read what arrived (envelope and parsed message), refuse chosen recipients
with 4xx or 5xx answers, and stop and start the server to stage an outage.
"""

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

    @property
    def message(self):
        return email.message_from_bytes(self.raw, policy=default_policy)


class RecordingHandler:
    def __init__(self):
        self.lock = threading.Lock()
        self.received = []
        self.refuse = {}  # lower-case address -> SMTP answer, e.g. "550 5.1.1 No such user"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        answer = self.refuse.get(address.lower())
        if answer:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    """Start/stop on a fixed loopback port, so the app's MAIL_URL stays valid across an outage."""

    def __init__(self):
        self.port = free_port()
        self.handler = RecordingHandler()
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

    def reset(self):
        with self.handler.lock:
            self.handler.received.clear()
        self.handler.refuse.clear()

    @property
    def received(self):
        with self.handler.lock:
            return list(self.handler.received)

    def messages_to(self, address):
        return [r.message for r in self.received if address.lower() in (a.lower() for a in r.rcpt_tos)]
