"""Sending finished email messages: SMTP (plain, STARTTLS or SMTPS) or .eml files in a folder.

`open_transport(url)` reads ACTIONTOOL_MAIL_URL:

    smtp://user:pass@host:587?starttls=true
    smtps://user:pass@host:465
    file:///var/spool/actiontool/mail

A transport keeps one SMTP connection for a run of messages. Failures become
TemporaryFailure (try again later) or PermanentFailure (this recipient will
never take it); TransportUnavailable means no message could even be tried.
"""

import hashlib
import os
import smtplib
import ssl
import tempfile
import time
from email.policy import compat32
from urllib.parse import parse_qs, unquote, urlsplit

# How a message is written out: CRLF line ends (SMTP's, and an .eml file's), and every line as
# composed. smtplib's send_message would turn a body line starting "From " into ">From ".
WIRE = compat32.clone(linesep="\r\n")


def message_bytes(message):
    """The bytes of a finished message, exactly as they travel and as they are stored."""
    return message.as_bytes(policy=WIRE)


class TemporaryFailure(Exception):
    """Try again later: connection trouble, a timeout or an SMTP 4xx answer."""


class TransportUnavailable(TemporaryFailure):
    """The mail server could not be reached at all; no message was tried."""


class PermanentFailure(Exception):
    """An SMTP 5xx answer for this message or its recipient: retrying will not help."""


def _smtp_code_failure(code, text):
    message = f"SMTP {code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"[:300]
    return PermanentFailure(message) if 500 <= code < 600 else TemporaryFailure(message)


class SmtpTransport:
    def __init__(self, host, port, username=None, password=None, implicit_tls=False,
                 starttls=False, timeout=30):
        self.host, self.port = host, port
        self.username, self.password = username, password
        self.implicit_tls, self.starttls = implicit_tls, starttls
        self.timeout = timeout
        self.connection = None

    def _connect(self):
        try:
            if self.implicit_tls:
                connection = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                              context=ssl.create_default_context())
            else:
                connection = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
                if self.starttls:
                    connection.starttls(context=ssl.create_default_context())
            if self.username:
                connection.login(self.username, self.password or "")
        except smtplib.SMTPAuthenticationError as error:
            raise TransportUnavailable(f"SMTP login refused ({error.smtp_code})") from error
        except (OSError, smtplib.SMTPException) as error:
            raise TransportUnavailable(f"cannot reach the mail server: {error.__class__.__name__}") from error
        self.connection = connection

    def send(self, message, sender, recipients):
        """Send one message; raise TemporaryFailure or PermanentFailure.

        Every message has one envelope recipient, so a refused recipient always raises.
        """
        if self.connection is None:
            self._connect()
        try:
            self.connection.sendmail(sender, recipients, message_bytes(message))
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            self.close_quietly(reset=True)
            code, text = next(iter(error.recipients.values()))
            if all(500 <= c < 600 for c in codes):
                raise PermanentFailure(f"SMTP {code} {text.decode(errors='replace')}"[:300]) from error
            raise TemporaryFailure(f"SMTP {code} {text.decode(errors='replace')}"[:300]) from error
        except smtplib.SMTPResponseException as error:
            self.close_quietly(reset=True)
            raise _smtp_code_failure(error.smtp_code, error.smtp_error) from error
        except (OSError, smtplib.SMTPException) as error:
            self.close_quietly()
            raise TemporaryFailure(f"mail server connection failed: {error.__class__.__name__}") from error

    def close_quietly(self, reset=False):
        """Drop the connection (after RSET when it may still be usable, to start clean)."""
        if self.connection is None:
            return
        try:
            if reset:
                self.connection.rset()
                return
            self.connection.quit()
        except (OSError, smtplib.SMTPException):
            pass
        self.connection = None

    def close(self):
        self.close_quietly()


class FileTransport:
    """Writes each message as an .eml file: the embedded default, so a newcomer sees every email."""

    def __init__(self, folder):
        self.folder = folder

    def send(self, message, sender, recipients):
        """One file per message and envelope (the letter and the supporter's copy share a Message-ID)."""
        os.makedirs(self.folder, exist_ok=True)
        envelope = "\n".join([str(message["Message-ID"]), *recipients])
        digest = hashlib.sha256(envelope.encode()).hexdigest()[:16]
        name = f"{time.strftime('%Y%m%d-%H%M%S')}-{digest}.eml"
        with tempfile.NamedTemporaryFile("wb", dir=self.folder, delete=False, suffix=".tmp") as out:
            out.write(message_bytes(message))
        os.replace(out.name, os.path.join(self.folder, name))

    def close(self):
        pass

    def delete_older_than(self, cutoff):
        """Remove the .eml files written before `cutoff` (a POSIX time); return how many (retention)."""
        removed = 0
        for entry in os.scandir(self.folder) if os.path.isdir(self.folder) else ():
            if entry.name.endswith(".eml") and entry.stat().st_mtime < cutoff:
                os.remove(entry.path)
                removed += 1
        return removed


def open_transport(url, timeout=30):
    """The transport for a MAIL_URL."""
    parts = urlsplit(url)
    options = {k: v[-1].lower() for k, v in parse_qs(parts.query).items()}
    if parts.scheme in ("smtp", "smtps"):
        implicit_tls = parts.scheme == "smtps"
        return SmtpTransport(
            host=parts.hostname or "localhost",
            port=parts.port or (465 if implicit_tls else 25),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            implicit_tls=implicit_tls,
            starttls=options.get("starttls") in ("true", "1", "yes"),
            timeout=timeout,
        )
    if parts.scheme == "file":
        return FileTransport(unquote(parts.path))
    raise ValueError(f"ACTIONTOOL_MAIL_URL must start with smtp://, smtps:// or file:// (got {parts.scheme}:)")
