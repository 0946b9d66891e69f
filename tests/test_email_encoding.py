"""How the emails travel: ASCII on the wire, every part's Content-Transfer-Encoding true to its bytes.

A strict reader of raw messages (`read_strictly`) checks what the real SMTP
server received, and the .eml files the file transport writes, for every kind
of message (confirmation, reminder, the letter, the supporter's copy, failure
notice) in both languages and for letters in English, Spanish and both:

- CRLF line ends only, and the whole message ASCII unless a part declares 8bit;
- headers ASCII, lines of at most 998 octets, non-ASCII text only as RFC 2047
  encoded words that decode cleanly;
- each part's body as its Content-Transfer-Encoding says: 7bit is ASCII in lines
  of at most 998 octets, quoted-printable and base64 are well formed (lines of at
  most 76) and decode cleanly, and the decoded bytes are valid in the declared
  charset; no part has a defect the email package noticed;
- then the decoded text: accented names and a Spanish note arrive intact, and a
  line starting "From " is not turned into ">From ".
"""

import base64
import binascii
import email
import re
from dataclasses import dataclass
from email.header import decode_header, make_header
from email.policy import compat32
from email.policy import default as default_policy

import pytest

from tests.helpers import ask_to_email, confirm, confirmation_link, letter_token, run_worker, submit_letter
from tests.test_email_messages import (
    CAMPAIGN,
    KINDS,
    MAIL_FROM,
    OFFICIAL,
    REFUSED_SUPPORTER,
    SUPPORTER_EMAIL,
    every_kind_of_message,
)

NAME = "José Núñez"
LONG_NAME = ("Nguyễn Thị Hường " * 6).strip()[:100]  # the form's longest name, up to 3 bytes a letter in UTF-8
MAX_LINE = 998  # octets, CRLF excluded (RFC 5322 2.1.1)
MAX_ENCODED_LINE = 76  # quoted-printable and base64 (RFC 2045)
ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=")
QP_LINE = re.compile(rb"(?:[!-<>-~]|[ \t](?=.)|=[0-9A-F]{2})*=?")
BASE64_LINE = re.compile(rb"[A-Za-z0-9+/]*={0,2}")


@dataclass
class Read:
    """A message read strictly: its headers decoded, and the decoded text of each text part."""
    headers: dict
    texts: dict


def _lines(block):
    return block.split(b"\r\n")


def _check_line_ends(raw):
    assert re.search(rb"\r(?!\n)|(?<!\r)\n", raw) is None, "a bare CR or LF"


def _decode_encoded_word(word):
    charset, encoding, encoded = ENCODED_WORD.fullmatch(word).groups()
    if encoding in "Bb":
        data = base64.b64decode(encoded, validate=True)
    else:
        assert re.fullmatch(r"(?:[!-<>@-~]|=[0-9A-Fa-f]{2})*", encoded), word
        data = binascii.a2b_qp(encoded.replace("_", " "))
    return data.decode(charset)  # strict: a broken byte sequence raises


def _check_header(name, value):
    """One header as it travels (folding kept): ASCII, short lines, non-ASCII only in encoded words."""
    assert value.isascii(), f"{name}: raw non-ASCII in a header"
    for line in value.split("\r\n"):
        assert len(f"{name}: {line}") <= MAX_LINE, f"{name}: a line longer than {MAX_LINE}"
    for word in ENCODED_WORD.finditer(value):
        _decode_encoded_word(word.group(0))
    assert "=?" not in ENCODED_WORD.sub("", value), f"{name}: a broken encoded word in {value!r}"
    return str(make_header(decode_header(value)))


def _body_bytes(part, encoding):
    """A leaf part's body exactly as it travelled."""
    if encoding in ("quoted-printable", "base64"):
        body = part.get_payload()  # the encoded text; stray 8-bit bytes come back as non-ASCII letters
        assert body.isascii(), f"8-bit bytes in a {encoding} part"
        return body.encode("ascii")
    return part.get_payload(decode=True)  # with no transfer encoding to undo: the bytes as they came


def _decode_body(part, encoding):
    """The body's bytes after its Content-Transfer-Encoding, checking the encoding is honoured."""
    body = _body_bytes(part, encoding)
    lines = _lines(body)
    if encoding in ("7bit", "8bit"):
        assert all(len(line) <= MAX_LINE for line in lines), f"{encoding} line longer than {MAX_LINE}"
        assert b"\x00" not in body, f"NUL in a {encoding} body"
        if encoding == "7bit":
            assert body.isascii(), "8-bit bytes in a part that says 7bit"
        return body
    assert all(len(line) <= MAX_ENCODED_LINE for line in lines), f"{encoding} line longer than 76"
    if encoding == "quoted-printable":
        for line in lines:
            assert QP_LINE.fullmatch(line), f"malformed quoted-printable line {line[:40]!r}"
        return binascii.a2b_qp(body)
    if encoding == "base64":
        assert all(BASE64_LINE.fullmatch(line) for line in lines), "malformed base64"
        return base64.b64decode(b"".join(lines), validate=True)
    raise AssertionError(f"a Content-Transfer-Encoding SMTP cannot carry: {encoding}")


def read_strictly(raw):
    """Check a raw message (see the module docstring) and return what it says."""
    _check_line_ends(raw)
    message = email.message_from_bytes(raw, policy=compat32)
    texts, eight_bit = {}, False
    for part in message.walk():
        assert part.defects == [], part.defects
        for name, value in part.raw_items():
            _check_header(name, value)
        encoding = (part.get("Content-Transfer-Encoding") or "7bit").strip().lower()
        eight_bit = eight_bit or encoding == "8bit"
        if part.is_multipart():
            assert encoding in ("7bit", "8bit"), f"a multipart may not be {encoding}"
            continue
        data = _decode_body(part, encoding)
        if part.get_content_maintype() == "text":
            charset = part.get_content_charset() or "us-ascii"
            texts[part.get_content_type()] = data.decode(charset).replace("\r\n", "\n")
    if not eight_bit:
        assert raw.isascii(), "8-bit bytes in a message with no part that declares 8bit"
    headers = {name: _check_header(name, value) for name, value in message.raw_items()}
    return Read(headers, texts)


# ---------------------------------------------------------------- the reader is strict

GOOD_HEADERS = b"From: a@example.org\r\nTo: b@example.org\r\nSubject: =?utf-8?q?=C2=BFPor_qu=C3=A9=3F?=\r\n"
QP_HEADERS = b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n"


def with_encoding(encoding):
    return GOOD_HEADERS + b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: " + encoding


@pytest.mark.parametrize("raw", [
    pytest.param(QP_HEADERS.join([GOOD_HEADERS, b"\r\nJos=C3=A9 N=C3=BA=C3=B1ez, =C2=BFPor qu=C3=A9?=\r\n ok\r\n"]),
                 id="quoted-printable, with a soft line break"),
    pytest.param(with_encoding(b"base64\r\n\r\nSm9zw6kgTsO6w7Fleiwgwr9Qb3Ig\r\ncXXDqT8gb2sK\r\n"), id="base64"),
    pytest.param(with_encoding(b"8bit\r\n\r\n") + "José Núñez, ¿Por qué? ok\r\n".encode(), id="8bit declared"),
])
def test_the_strict_reader_takes_a_well_encoded_message(raw):
    read = read_strictly(raw)
    assert read.headers["Subject"] == "¿Por qué?"
    assert read.texts["text/plain"] == "José Núñez, ¿Por qué? ok\n"


@pytest.mark.parametrize("raw", [
    pytest.param(GOOD_HEADERS + b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 7bit\r\n"
                 b"\r\nJos\xc3\xa9\r\n", id="raw UTF-8 declared 7bit"),
    pytest.param(GOOD_HEADERS + b"Content-Type: text/plain\r\n\r\nJos\xc3\xa9\r\n", id="raw UTF-8, no encoding"),
    pytest.param(GOOD_HEADERS + b"Content-Type: text/plain\r\n\r\n" + b"a" * 999 + b"\r\n", id="7bit line of 999"),
    pytest.param(GOOD_HEADERS + QP_HEADERS + b"\r\nJos=C3=A\r\n", id="quoted-printable cut escape"),
    pytest.param(GOOD_HEADERS + QP_HEADERS + b"\r\nJos=c3=a9\r\n", id="quoted-printable lower-case escape"),
    pytest.param(GOOD_HEADERS + QP_HEADERS + b"\r\n" + b"a" * 77 + b"\r\n", id="quoted-printable line of 77"),
    pytest.param(GOOD_HEADERS + QP_HEADERS + b"\r\nJos\xc3\xa9\r\n", id="raw UTF-8 declared quoted-printable"),
    pytest.param(GOOD_HEADERS + QP_HEADERS + b"\r\nJos=E9\r\n", id="quoted-printable Latin-1 said UTF-8"),
    pytest.param(GOOD_HEADERS + b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n"
                 b"\r\nSm9zw6k*\r\n", id="base64 with a stray character"),
    pytest.param(b"From: Jos\xc3\xa9 <a@example.org>\r\nTo: b@example.org\r\n\r\nhi\r\n", id="raw UTF-8 header"),
    pytest.param(b"From: =?utf-8?b?Sm9zw6k?= <a@example.org>\r\n\r\nhi\r\n", id="broken encoded word"),
    pytest.param(b"Subject: =?utf-8?q?Jos=E9?=\r\n\r\nhi\r\n", id="encoded word not UTF-8"),
    pytest.param(GOOD_HEADERS + b"\nhi\n", id="bare LF"),
])
def test_the_strict_reader_refuses_what_a_mail_server_could_mangle(raw):
    with pytest.raises((AssertionError, ValueError)):
        read_strictly(raw)


# ---------------------------------------------------------------- every message, as received

def supporter_addressed(kind):
    return REFUSED_SUPPORTER if kind == "failure_notice" else SUPPORTER_EMAIL


@pytest.mark.parametrize("ui_language", ["en", "es"])
@pytest.mark.parametrize("letter_language", ["en", "es", "both"])
def test_every_message_is_ascii_on_the_wire_and_reads_back_names_and_note_intact(app, client, smtp,
                                                                                 ui_language, letter_language):
    messages = every_kind_of_message(app, client, smtp, ui_language, letter_language, name=NAME)
    for kind in KINDS:
        read = read_strictly(messages[kind].raw)
        assert set(read.texts) == {"text/plain", "text/html"}, kind
        for text in read.texts.values():
            assert NAME in text, kind
            assert not re.search(r"^>From", text, re.M), kind
        if kind == "failure_notice":
            continue
        # The letter, with the supporter's note, is in every other message, word for word.
        plain = read.texts["text/plain"]
        assert "¿Por qué? ñ" in plain, kind
        assert "\nFrom my family: gracias.\n" in plain, kind
        assert "Mi familia vive aquí desde hace veinte años" in read.texts["text/html"], kind

    headers = {kind: read_strictly(messages[kind].raw).headers for kind in KINDS}
    for kind in ("to_official", "copy_to_supporter"):
        assert headers[kind]["From"].startswith(f"{NAME} ") and headers[kind]["From"].endswith(
            f" {CAMPAIGN} <{MAIL_FROM}>"), kind
        assert headers[kind]["Reply-To"] == f"{NAME} <{SUPPORTER_EMAIL}>", kind
        assert headers[kind]["Cc"] == f"{NAME} <{SUPPORTER_EMAIL}>", kind
        assert headers[kind]["To"] == f"{OFFICIAL[0]} <{OFFICIAL[1]}>", kind
    for kind in ("confirmation", "reminder", "failure_notice"):
        assert headers[kind]["To"] == f"{NAME} <{supporter_addressed(kind)}>", kind
        assert "Barón" in headers[kind]["Subject"], kind


def test_the_longest_name_outside_ascii_still_travels_in_short_ascii_lines(app, client, smtp):
    messages = every_kind_of_message(app, client, smtp, "es", "both", name=LONG_NAME)
    for kind in KINDS:
        read = read_strictly(messages[kind].raw)
        assert LONG_NAME in read.texts["text/plain"], kind
        address = read.headers["To"] if kind in ("confirmation", "reminder", "failure_notice") \
            else read.headers["Reply-To"]
        assert address.startswith(f"{LONG_NAME} <"), kind


# ---------------------------------------------------------------- the file transport writes the same bytes

@pytest.mark.parametrize("lang", ["en", "es"])
def test_eml_files_are_ascii_with_crlf_and_one_file_per_message_and_recipient(app, client, smtp, tmp_path, lang):
    folder = tmp_path / "mail"
    app.config["MAIL_URL"] = f"file://{folder}"
    token = letter_token(submit_letter(client, lang=lang, letter_language="both", note="¿Por qué? ñ"))
    assert ask_to_email(client, token, wants_copy="y").status_code == 200
    run_worker(app)
    [first] = folder.iterdir()
    confirmation = email.message_from_bytes(first.read_bytes(), policy=default_policy)
    assert confirm(client, confirmation_link(confirmation)).status_code == 200
    run_worker(app)

    files = sorted(folder.iterdir())
    # The letter and the supporter's copy share a Message-ID; each still has its own file.
    assert len(files) == 3, [path.name for path in files]
    reads = [read_strictly(path.read_bytes()) for path in files]
    recipients = sorted(read.headers["To"] for read in reads)
    assert recipients == sorted([f"{NAME} <{SUPPORTER_EMAIL}>", f"{OFFICIAL[0]} <{OFFICIAL[1]}>",
                                 f"{OFFICIAL[0]} <{OFFICIAL[1]}>"])
    for read in reads:
        assert NAME in read.texts["text/plain"] and "¿Por qué? ñ" in read.texts["text/plain"]
    assert smtp.received == []
