"""Junk sent to every form of the app as production serves it, and to /api/lookup: never a 5xx.

Hypothesis writes the requests: any text (NUL, control characters, every plane of Unicode but
surrogates), very long strings, numbers, fields missing or sent twice, unknown fields, JSON and
plain-text bodies, text sent as a file part, files that are not CSV (UTF-16, NUL bytes, a huge
row, thousands of rows), path tokens and ids that exist and ones that do not (an id too big for
any database column). Most requests carry the session's valid CSRF token, so they get past it
and reach validation; some carry none, a broken one or another session's.

Every answer must be an HTML page or JSON with a status below 500. The list of what is fuzzed
comes from the app's own URL map: a new form that is not fuzzed here fails
`test_every_form_the_app_accepts_is_fuzzed`.

The app is its own ServedApp with the per-IP limits and login slowing raised (so 429s do not
mask what lies behind them) and its delivery worker stopped once the setup's email has gone:
print runs of junk would take the machine's two cores from the web server, and the web server
is what is fuzzed here.
Runs are derandomized: for a given commit, every run sends the same requests. Fuzzed values are junk, not
anybody's details, so they are not remembered for the log scan; the scan still proves no token
or client IP reached a log.
"""

import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
import signal
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actiontool import create_app, forms
from actiontool.forms.letter import MoveCommentForm
from actiontool.forms.replies import AnswerForm
from actiontool.letters.content import local_date
from actiontool.models import utcnow
from tests.helpers import AREAS, HOME, ROSTER, TWO_DISTRICTS, csrf_token
from tests.served.harness import ROOT, ServedApp
from tests.served.pages import plain_text, redirect_path, run_id

pytestmark = pytest.mark.served

FUZZ_SETTINGS = {
    "RATELIMIT_LOOKUPS": "100000 per minute",
    "RATELIMIT_SUBMISSIONS": "100000 per minute",
    "LOGIN_FAILURES_PER_ACCOUNT": 100000,
    "LOGIN_FAILURES_PER_CLIENT": 100000,
    "EMBED_PARTNERS": "casa=https://casa.example.org",
    # "Did they reply?" is asked as soon as a letter is delivered, so its links can be fuzzed.
    "FOLLOW_UP_AFTER_DAYS": 0,
}
# Requests hypothesis sends to each form: 90 take about a minute in all on 2 cores. FUZZ_EXAMPLES=600
# fuzzes longer (about 17,000 requests in under 5 minutes).
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "90"))
MAX_CONTENT_LENGTH = 64 * 1024  # the app's default: larger requests get a 413 page
FUZZ = settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.large_base_example, HealthCheck.filter_too_much])


# ---------------------------------------------------------------- values

def repeated(piece, length):
    """`piece` repeated to exactly `length` characters (long values without a long draw)."""
    return (piece * (length // len(piece) + 1))[:length]


def weighted(*choices):
    """One of the strategies, each drawn in proportion to its weight: weighted((a, 3), (b, 1))."""
    return st.sampled_from([strategy for strategy, weight in choices for _ in range(weight)]).flatmap(lambda s: s)


def rarely(percent):
    """True `percent` times in a hundred."""
    return st.integers(0, 99).map(lambda n: n < percent)


LENGTHS = [41, 101, 201, 255, 301, 1001, 2001, 5000, 40_000, MAX_CONTENT_LENGTH + 1]
long_text = st.builds(repeated, st.text(min_size=1, max_size=4), st.sampled_from(LENGTHS))
fair_text = st.builds(repeated, st.text(min_size=1, max_size=4), st.sampled_from(LENGTHS[:7]))
# Any text but surrogates and NUL (some requests get a NUL on purpose: see ODDITIES), and text of
# control and invisible characters.
any_text = st.text(st.characters(codec="utf-8", exclude_characters="\x00"))
control_text = st.text(st.characters(codec="utf-8", min_codepoint=1, max_codepoint=0x1F) |
                       st.sampled_from("\x7f\x85\u2028\u2029\ufeff\u200b\u202e"))
numbers = st.one_of(st.integers().map(str), st.floats(allow_nan=True, allow_infinity=True).map(str),
                    st.integers(-10, 300).map(str))
junk = weighted((any_text, 4), (control_text, 2), (numbers, 2), (long_text, 1), (st.just(""), 1))
# Junk for a cell, a path segment or a query value, which must still fit in one request and one request line.
small_junk = weighted((any_text, 4), (control_text, 2), (numbers, 2), (fair_text, 1))
short_junk = st.one_of(st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=30), numbers)
junk_name = st.one_of(st.text(max_size=12), st.sampled_from(["csrf_token", "file", "name[]", "__proto__", ""]))

# Values a form might get, the first of each one that passes its checks.
PLAUSIBLE = {
    "name": ["Ana María Pérez", "Nguyễn Văn An", "=HYPERLINK(\"x\")", "  "],
    "street": [HOME["street"], TWO_DISTRICTS["street"], "5 Border Rd", "9 Lake Rd", "77 Nowhere Ln"],
    "city": ["Seattle", "Auburn", "seattle"],
    "zip": ["98104", "98092", "98104-1234", "99999", "9810"],
    "email": ["ana.fuzz@example.org", "no-at-sign", "a@b", "Jorge.Baron@kingcounty.gov"],
    "note": ["Mi familia vive aquí.", "line one\r\nline two", "<script>alert(1)</script>"],
    "letter_language": ["en", "es", "both", "fr"],
    "language": ["en", "es", "both", "fr"],
    "district": ["", "1", "4", "9", "0", "10", "all"],
    "candidate": ["1 TWIN ST N, SEATTLE, WA, 98104", "1 TWIN ST S, SEATTLE, WA, 98104"],
    "website": ["", "http://spam.example"],
    "wants_copy": ["y", "n", "on", ""],
    "opt_in": ["y", "false"],
    "email_it": ["y", "0"],
    "phone": ["206-555-0100", "+1 (206) 555-0100 ext. 12", "call me"],
    "password": ["not the password 1", ""],
    "date": ["2026-11-28", "2026-02-30", "28/11/2026", "0001-01-01", "9999-12-31"],
    "since": ["2026-01-01", "2026-13-01"],
    "until": ["2026-12-31", "2025-01-01"],
    "place": ["El Centro de la Raza"],
    "copies": ["1", "10", "200", "201", "0", "-1", "1e3"],
    "office": ["councilmember:4", "councilmember:9", "executive:", "councilmember:99", ":"],
    "verified_on": ["2026-08-13", "yesterday"],
    "title_en": ["Councilmember"], "title_es": ["Concejal"],
    "salutation_en": ["Dear Councilmember:"], "salutation_es": ["Estimado concejal:"],
    "postal_address": ["516 Third Avenue; Seattle, WA 98104", "one\nline"],
    "source": ["kingcounty.gov/council"],
    "recipients": ["mine", "council", "all"],
    "partner": ["casa", "", "evil", "CASA"],
    "meeting": ["1", "2", "abc", "1.5", "١", "99999999999"],
    "comment": ["y", ""], "include_street": ["y", ""], "meeting_reminder": ["y", ""],
    "agenda_item": ["1", "2", "general", "x"],
    "body_en": ["King County Council", "Law and Justice\u2028Committee"],
    "body_es": ["Consejo del Condado de King"],
    "starts": ["13:30", "24:00", "1:30", "١٣:٣٠"], "cutoff": ["10:00", "14:00", "02:30"],
    "comment_email": ["clerk@kingcounty.gov", "clerk@kingcounty.gov\r\nBcc: x@y.z", "not an address"],
    "open_comment": ["y", ""],
    "online_url": ["https://zoom.example/j/1", "javascript:alert(1)", "http://[::1"],
    "agenda_url": ["https://kingcounty.gov/council/agenda", "ftp://x"],
    "file_number": ["2025-0216", "2025-216", "abcd-efgh"],
    "summary_en": ["Limits ICE holds."], "summary_es": ["Limita las retenciones."],
}


def value_for(name):
    """A value for the field `name`: often one that gets past its checks, else junk."""
    plausible = PLAUSIBLE.get(name)
    return weighted((st.sampled_from(plausible), 3), (junk, 2)) if plausible else junk


# ---------------------------------------------------------------- files

@dataclass(frozen=True)
class FilePart:
    """A multipart file part."""

    content: bytes
    filename: str | None = "sheet.csv"
    content_type: str = "text/csv"

    def __repr__(self):
        shown = self.content if len(self.content) <= 200 else self.content[:200] + b"..."
        return f"FilePart({shown!r} ({len(self.content)} bytes), filename={self.filename!r}, " \
               f"content_type={self.content_type!r})"


def csv_text(rows):
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


ENCODINGS = ["utf-8", "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "latin-1", "cp1252"]


@st.composite
def csv_bytes(draw, header, good_row):
    """A CSV file: the right header (or not), rows like a good one or all junk, in some encoding."""
    head = draw(st.one_of(st.just(list(header)), st.lists(st.sampled_from(list(header)) | st.text(max_size=10),
                                                          max_size=len(header) + 2)))
    row = st.one_of(st.builds(with_cell, st.just(list(good_row)), st.integers(0, len(good_row)), small_junk),
                    st.lists(small_junk, max_size=len(header) + 2))
    text = csv_text([head, *draw(st.lists(row, max_size=6))])
    return text.encode(draw(st.sampled_from(ENCODINGS)), errors="replace")


def with_cell(row, at, value):
    """`row` with the cell at `at` replaced by `value` (or `value` added at the end)."""
    return [*row[:at], value, *row[at + 1:]]


@st.composite
def broken_bytes(draw, header, row):
    """Files no CSV reader should choke on: NUL, random bytes, a huge row, thousands of rows, too large."""
    good = csv_text([header, row])
    kind = draw(st.sampled_from(["nul", "binary", "huge-row", "many-rows", "too-large", "empty", "no-header"]))
    if kind == "nul":
        at = draw(st.integers(0, len(good)))
        return (good[:at] + "\x00" + good[at:]).encode()
    if kind == "binary":
        return draw(st.binary(max_size=2000))
    if kind == "huge-row":
        return csv_text([header, [repeated("x", 60_000), *row[1:]]]).encode()
    if kind == "many-rows":
        count = draw(st.sampled_from([999, 1001, 1500]))
        return csv_text([header, *[["N", "x", "y", "1"]] * count]).encode()
    if kind == "too-large":
        return csv_text([header, *[row] * (MAX_CONTENT_LENGTH // len(",".join(row)) + 10)]).encode()
    if kind == "empty":
        return b""
    return csv_text([row]).encode()


@st.composite
def file_parts(draw, header, row):
    content = draw(st.one_of(csv_bytes(header, row), broken_bytes(header, row)))
    filename = draw(st.one_of(st.just("sheet.csv"), st.none(), st.just(""), st.text(max_size=20)))
    content_type = draw(st.sampled_from(["text/csv", "application/octet-stream", "", "text/csv; charset=utf-16",
                                         "application/vnd.ms-excel"]))
    return FilePart(content, filename, content_type)


SHEET_HEADER = ["name", "street", "city", "zip", "language", "email", "agrees_to_email", "phone", "note", "district"]
SHEET_ROW = ["Ana Fuzz", HOME["street"], "Seattle", "98104", "es", "", "sí", "206-555-0100", "nota", ""]
ROSTER_LINES = list(csv.reader(io.StringIO(ROSTER)))
AREAS_LINES = list(csv.reader(io.StringIO(AREAS)))


def mutated_roster():
    """The shipped roster with a few cells, rows or columns changed to junk."""
    return mutated_csv(ROSTER_LINES)


def mutated_areas():
    """The shipped district areas with a few cells, rows or columns changed to junk."""
    return mutated_csv(AREAS_LINES)


@st.composite
def mutated_csv(draw, lines):
    """A shipped CSV file with a few cells, rows or columns changed to junk."""
    rows = [list(row) for row in lines]
    for _ in range(draw(st.integers(0, 3))):
        line = draw(st.integers(0, len(rows) - 1))
        change = draw(st.sampled_from(["cell", "cell", "drop-row", "extra-cell", "duplicate-row"]))
        if change == "cell" and rows[line]:
            rows[line][draw(st.integers(0, len(rows[line]) - 1))] = draw(small_junk)
        elif change == "drop-row":
            rows.pop(line)
        elif change == "extra-cell":
            rows[line].append(draw(st.text(max_size=20)))
        else:
            rows.insert(line, list(rows[line]))
        if not rows:
            break
    return csv_text(rows)


# ---------------------------------------------------------------- requests

@dataclass
class Fuzzed:
    """One request as hypothesis prints it when it finds a failing one."""

    method: str
    path: str
    params: list = field(default_factory=list)  # the query string's (name, value) pairs
    shape: str = "form"  # form, multipart, json, text, raw, none
    fields: list = field(default_factory=list)  # (name, value) pairs; a value may be a FilePart
    raw: bytes = b""
    content_type: str = ""

    def send(self, browser):
        kwargs = {"params": self.params, "allow_redirects": False}
        if self.shape == "form":
            kwargs["data"] = [(name, value.content if isinstance(value, FilePart) else value)
                              for name, value in self.fields]
        elif self.shape == "multipart":
            kwargs["files"] = [(name, (value.filename, value.content, value.content_type)
                                if isinstance(value, FilePart) else (None, value)) for name, value in self.fields]
        elif self.shape == "json":
            kwargs["data"] = json.dumps({name: value.content.decode("latin-1") if isinstance(value, FilePart)
                                         else value for name, value in self.fields})
            kwargs["headers"] = {"Content-Type": "application/json"}
        elif self.shape in ("text", "raw"):
            kwargs["data"] = self.raw
            kwargs["headers"] = {"Content-Type": self.content_type}
        return browser.request(self.method, self.path, **kwargs)

    def size(self):
        """Roughly how many bytes the body has."""
        parts = [value.content if isinstance(value, FilePart) else str(value).encode() for _n, value in self.fields]
        return len(self.raw) + sum(len(part) for part in parts)


RAW_TYPES = ["application/octet-stream", "application/xml", "multipart/form-data",
             "multipart/form-data; boundary=x", "application/x-www-form-urlencoded; charset=utf-16",
             "text/html", "", "application/json; charset=latin-1", "application/x-www-form-urlencoded"]


# What is odd about a request besides its values, out of a hundred: most are a browser's form with
# junk in it (so they reach validation and what lies past it), the rest are refused before that.
ODDITIES = {"none": 62, "csrf": 10, "file-part": 6, "nul-in-field": 5, "nul-in-query": 2, "json": 4, "text": 4,
            "raw": 4, "no-body": 3}
BAD_TOKENS = [None, "", "not-a-token"]


@st.composite
def form_fields(draw, names, values=None):
    """(name, value) pairs: each field once, missing or twice, plus unknown fields. Two requests in five
    are a good form with at most one field changed, so what lies past validation (lookups, saving,
    the next page) is fuzzed too.

    `values` maps a field name to the strategy for its value (default: value_for(name)).
    """
    values = values or {}
    if draw(rarely(40)):
        pairs = [(name, draw(values[name]) if name in values else PLAUSIBLE.get(name, [""])[0]) for name in names]
        i = draw(st.integers(0, len(pairs)))
        if i < len(pairs):
            pairs[i] = (pairs[i][0], draw(value_for(pairs[i][0])))
        return pairs
    pairs = []
    for name in names:
        how = draw(st.sampled_from(["once"] * 8 + ["missing", "twice"]))
        if how == "missing":
            continue
        pairs.append((name, draw(values[name] if name in values else value_for(name))))
        if how == "twice":
            pairs.append((name, draw(value_for(name))))
    pairs += draw(st.lists(st.tuples(junk_name, short_junk), max_size=2))
    return draw(st.permutations(pairs)) if draw(rarely(20)) else pairs


@st.composite
def with_one_changed(draw, pairs, change):
    """`pairs` with one text value changed by `change`, or one more pair ("x", change("x")) if none is text."""
    texts = [i for i, (_name, value) in enumerate(pairs) if isinstance(value, str)]
    if not texts:
        return [*pairs, ("x", change("x"))]
    i = texts[draw(st.integers(0, len(texts) - 1))]
    return [*pairs[:i], (pairs[i][0], change(pairs[i][1])), *pairs[i + 1:]]


@st.composite
def body(draw, method, path, names, context, values=None, params=()):
    """A request to `path` with the form `names` (and query `params`), odd in at most one way."""
    oddity = draw(st.sampled_from([oddity for oddity, count in ODDITIES.items() for _ in range(count)]))
    query = draw(query_params(params))
    if oddity == "nul-in-query":
        query = draw(with_one_changed(query, lambda value: value + "\x00"))
    if oddity == "text":
        return Fuzzed(method, path, query, "text", raw=draw(junk).encode(), content_type="text/plain")
    if oddity == "raw":
        return Fuzzed(method, path, query, "raw", raw=draw(st.binary(max_size=500)),
                      content_type=draw(st.sampled_from(RAW_TYPES)))
    if oddity == "no-body":
        return Fuzzed(method, path, query, "none")
    pairs = draw(form_fields(names, values))
    if oddity == "file-part":
        pairs = draw(with_one_changed(pairs, lambda value: FilePart(value.encode(), "x.txt", "text/plain")))
    if oddity == "nul-in-field":
        pairs = draw(with_one_changed(pairs, lambda value: value[:1] + "\x00" + value[1:]))
    token = draw(st.sampled_from([*BAD_TOKENS, context.other_csrf])) if oddity == "csrf" else context.csrf
    if token is not None:
        pairs.insert(draw(st.integers(0, len(pairs))), ("csrf_token", token))
    if oddity == "json":
        shape = "json"
    elif any(isinstance(value, FilePart) for _name, value in pairs):
        shape = draw(st.sampled_from(["multipart"] * 9 + ["form"]))
    else:
        shape = draw(st.sampled_from(["form"] * 3 + ["multipart"]))
    return Fuzzed(method, path, query, shape, pairs)


@st.composite
def query_params(draw, names=()):
    """A query string: the page's own parameters and the language, good or junk, and maybe an unknown one."""
    pairs = []
    for name in ("lang", *names):
        if draw(st.booleans()):
            pairs.append((name, draw(weighted((st.sampled_from(["en", "es", "1", "2", "failed", "/staff/"]), 2),
                                              (short_junk, 1), (fair_text, 1)))))
    if draw(rarely(10)):
        pairs.append((draw(junk_name), draw(short_junk)))
    return pairs


@st.composite
def page(draw, path, params=()):
    """A GET of `path` with a query string, which now and then has a NUL in it."""
    query = draw(query_params(params))
    if draw(rarely(5)):
        query = draw(with_one_changed(query, lambda value: value + "\x00"))
    return Fuzzed("GET", path, query, "none")


def segment(value):
    """A path segment as a browser sends it (percent-encoded, so "/" stays inside it)."""
    return quote(value, safe="")


def known(values):
    """One of `values`, which may change from one request to the next (hypothesis draws a position, so a
    failing request replays the same draws even when the list has changed)."""
    return st.integers(0, 63).map(lambda position: values[position % len(values)])


def in_path(values):
    """A path segment: a real one most of the time, else junk."""
    return weighted((known(values), 3), (st.text(min_size=1, max_size=40), 1), (fair_text, 1))


def an_id(values):
    """An id in a path: a real one, one that does not exist, or one too big for any database column."""
    return weighted((known(values), 6), (st.integers(0, 2 ** 31), 1), (st.integers(2 ** 31, 2 ** 64), 1),
                    (st.just(10 ** 30), 1))


# ---------------------------------------------------------------- what is fuzzed

@dataclass(frozen=True)
class Target:
    endpoint: str
    method: str
    # which browser sends it: "public", "staff", "embed" (as from a partner's frame) or "fresh" (a new session
    # for each request)
    who: str
    request: object  # (draw, context) -> Fuzzed
    answers: tuple = ("text/html", "application/json")  # the content types it may answer with

    def __str__(self):
        return f"{self.method} {self.endpoint}"


TARGETS = []


def fuzzes(endpoint, method="POST", who="staff", **options):
    """Register a function that draws a request to `endpoint`."""
    def register(function):
        TARGETS.append(Target(endpoint, method, who, function, **options))
        return function
    return register


def field_names(form_class):
    """The fields of a WTForms form class (CSRF aside), in declaration order."""
    attributes = {name: getattr(form_class, name) for name in dir(form_class)}
    fields = [name for name, value in attributes.items() if hasattr(value, "field_class")]
    return sorted(fields, key=lambda name: attributes[name].creation_counter)


@fuzzes("supporter.write", who="public")
def write(draw, context):
    return draw(body("POST", "/write", field_names(forms.LetterForm), context))


@fuzzes("embed.embed", who="embed")
def embed(draw, context):
    """The partners' form: its signed token (not the session's) and our own Origin, as from its frame."""
    return draw(body("POST", "/embed", field_names(forms.LetterForm), context, params=["partner"]))


@fuzzes("email.send", who="public")
def send(draw, context):
    token = draw(in_path(context.letter_tokens))
    return draw(body("POST", f"/letters/{segment(token)}/send", field_names(forms.SendForm), context))


@fuzzes("email.resend", who="public")
def resend(draw, context):
    token = draw(in_path(context.letter_tokens))
    return draw(body("POST", f"/letters/{segment(token)}/resend", [], context))


def signed_link(draw, context, real=None):
    """A confirmation (or `real`) link's signed part: the real one, a damaged copy, or junk."""
    real = real or context.signed
    damaged = st.builds(lambda at, char: real[:at] + char + real[at + 1:], st.integers(0, len(real) - 1),
                        st.characters(codec="utf-8"))
    return draw(weighted((st.just(real), 6), (damaged, 1), (st.sampled_from([real[:-3], real + "."]), 1),
                         (in_path([real]), 1)))


@fuzzes("email.confirm", who="public")
def confirm(draw, context):
    return draw(body("POST", f"/confirm/{segment(signed_link(draw, context))}", [], context))


@fuzzes("email.confirm", method="GET", who="public")
def confirm_page(draw, context):
    return draw(page(f"/confirm/{segment(signed_link(draw, context))}"))


@fuzzes("replies.answer", who="public")
def reply_answer(draw, context):
    signed = signed_link(draw, context, context.reply_signed)
    return draw(body("POST", f"/reply/{segment(signed)}", field_names(AnswerForm), context))


@fuzzes("replies.question", method="GET", who="public")
def reply_question(draw, context):
    signed = signed_link(draw, context, context.reply_signed)
    answer = draw(st.sampled_from(["personal", "form", "none", "unknown"]) | short_junk)
    return draw(page(f"/reply/{segment(signed)}/{segment(answer)}"))


@fuzzes("api.lookup_address", method="GET", who="public")
def lookup(draw, context):
    pairs = draw(form_fields(field_names(forms.AddressForm)))
    if draw(st.booleans()):
        pairs.append(("lang", draw(st.sampled_from(["es", "en"]) | short_junk)))
    if draw(rarely(5)):
        pairs = draw(with_one_changed(pairs, lambda value: value + "\x00"))
    return Fuzzed("GET", "/api/lookup", pairs, "none")


@fuzzes("staff.login", who="fresh")
def login(draw, context):
    email = st.one_of(st.just(context.login_email), value_for("email"))
    password = st.one_of(st.just(context.login_password), value_for("password"))
    return draw(body("POST", "/staff/login", ["email", "password"], context,
                     values={"email": email, "password": password}, params=["next"]))


@fuzzes("staff.logout", who="fresh")
def logout(draw, context):
    return draw(body("POST", "/staff/logout", [], context))


@fuzzes("staff.roster_upload")
def roster_upload(draw, context):
    roster_file = st.one_of(mutated_roster().map(lambda text: FilePart(text.encode(), "officials.csv")),
                            file_parts(ROSTER_LINES[0], ROSTER_LINES[1]))
    return draw(body("POST", "/staff/roster/upload", ["file"], context, values={"file": roster_file}))


@fuzzes("staff.roster_apply")
def roster_apply(draw, context):
    base = st.one_of(st.just(context.roster_fingerprint()), junk)
    return draw(body("POST", "/staff/roster/apply", ["roster", "base"], context,
                     values={"roster": mutated_roster() | junk, "base": base}))


@fuzzes("staff.official_edit")
def official_edit(draw, context):
    official = draw(an_id(context.official_ids()))
    return draw(body("POST", f"/staff/roster/{official}/edit", field_names(forms.OfficialForm), context))


@fuzzes("areas.area_upload")
def areas_upload(draw, context):
    areas_file = st.one_of(mutated_areas().map(lambda text: FilePart(text.encode(), "district_areas.csv")),
                           file_parts(AREAS_LINES[0], AREAS_LINES[1]))
    return draw(body("POST", "/staff/areas/upload", ["file"], context, values={"file": areas_file}))


@fuzzes("areas.area_apply")
def areas_apply(draw, context):
    base = st.one_of(st.just(context.areas_fingerprint()), junk)
    return draw(body("POST", "/staff/areas/apply", ["areas", "base"], context,
                     values={"areas": mutated_areas() | junk, "base": base}))


@fuzzes("areas.area_edit")
def areas_edit(draw, context):
    district = draw(st.one_of(st.sampled_from([str(n) for n in range(1, 10)]), small_junk.map(quote)))
    return draw(body("POST", f"/staff/areas/{district}/edit", field_names(forms.DistrictAreaForm), context))


@fuzzes("staff.roster_restore")
def roster_restore(draw, context):
    revision = draw(an_id(context.revision_ids))
    return draw(body("POST", f"/staff/roster/history/{revision}/restore", [], context))


@fuzzes("staff.roster_check")
def roster_check(draw, context):
    return draw(body("POST", "/staff/roster/check", [], context))


@fuzzes("staff.letter_readdress")
def letter_readdress(draw, context):
    token = draw(in_path(context.letter_tokens))
    return draw(body("POST", f"/staff/letters/{segment(token)}/readdress", [], context))


@fuzzes("staff.letter_retry")
def letter_retry(draw, context):
    token = draw(in_path(context.letter_tokens))
    return draw(body("POST", f"/staff/letters/{segment(token)}/retry", [], context))


@fuzzes("staff.letter_cancel")
def letter_cancel(draw, context):
    token = draw(in_path(context.letter_tokens))
    return draw(body("POST", f"/staff/letters/{segment(token)}/cancel", [], context, params=["back"]))


@fuzzes("events.event_list")
def event_list(draw, context):
    return draw(body("POST", "/staff/events", field_names(forms.EventForm), context))


@fuzzes("events.event")
def event_signer(draw, context):
    event = draw(an_id(context.event_ids))
    return draw(body("POST", f"/staff/events/{event}", field_names(forms.EventSignerForm), context,
                     params=["rows_page", "signers_page"]))


@fuzzes("events.event_upload")
def event_upload(draw, context):
    event = draw(an_id(context.event_ids))
    sheet = file_parts(SHEET_HEADER, SHEET_ROW)
    return draw(body("POST", f"/staff/events/{event}/upload", ["file"], context, values={"file": sheet}))


@fuzzes("events.look_up_rows")
def look_up_rows(draw, context):
    event = draw(an_id(context.event_ids))
    return draw(body("POST", f"/staff/events/{event}/rows/look-up", [], context))


def event_row(draw, context):
    event = draw(an_id(context.event_ids))
    row = draw(an_id(context.row_ids(context.event_ids[0])))
    return f"/staff/events/{event}/rows/{row}"


@fuzzes("events.fix_row")
def fix_row(draw, context):
    return draw(body("POST", event_row(draw, context), field_names(forms.EventSignerForm), context))


@fuzzes("events.fix_row", method="GET")
def fix_row_page(draw, context):
    return draw(page(event_row(draw, context), ["saved"]))


PATH_PARAMETER = re.compile(r"<(?:(int):)?(\w+)>")


@fuzzes("pages with a token or an id in their path", method="GET",
        answers=("text/html", "application/json", "application/pdf", "text/csv"))
def pages(draw, context):
    """Any GET page whose path holds a letter token, a signed link or an id, each real or not."""
    def fill(parameter):
        kind, name = parameter.groups()
        values = context.path_values(name)
        return str(draw(an_id(values))) if kind == "int" else segment(draw(in_path(values)))

    return draw(page(PATH_PARAMETER.sub(fill, draw(known(context.page_rules)))))


@fuzzes("events.discard_row")
def discard_row(draw, context):
    return draw(body("POST", event_row(draw, context) + "/discard", [], context))


@fuzzes("prints.event_print")
def event_print(draw, context):
    event = draw(an_id(context.event_ids))
    return draw(body("POST", f"/staff/events/{event}/print", [], context))


@fuzzes("prints.blank_letters")
def blank_letters(draw, context):
    return draw(body("POST", "/staff/print/blank", field_names(forms.BlankLettersForm), context))


@fuzzes("prints.delivery_packet")
def delivery_packet(draw, context):
    return draw(body("POST", "/staff/print/packet", field_names(forms.PacketForm), context))


@fuzzes("email.move_comment", who="public")
def move_comment(draw, context):
    token = draw(in_path(context.letter_tokens))
    return draw(body("POST", f"/letters/{segment(token)}/comment", field_names(MoveCommentForm), context))


@fuzzes("meetings.meeting_new")
def meeting_new(draw, context):
    return draw(body("POST", "/staff/meetings/new", field_names(forms.MeetingForm), context))


@fuzzes("meetings.meeting_edit")
def meeting_edit(draw, context):
    meeting = draw(an_id(context.meeting_ids))
    return draw(body("POST", f"/staff/meetings/{meeting}/edit", field_names(forms.MeetingForm), context))


@fuzzes("meetings.meeting_cancel")
def meeting_cancel(draw, context):
    meeting = draw(an_id(context.meeting_ids))
    return draw(body("POST", f"/staff/meetings/{meeting}/cancel", [], context))


@fuzzes("meetings.item_add")
def item_add(draw, context):
    meeting = draw(an_id(context.meeting_ids))
    return draw(body("POST", f"/staff/meetings/{meeting}/items", field_names(forms.AgendaItemForm), context))


def meeting_item(draw, context):
    return f"/staff/meetings/{draw(an_id(context.meeting_ids))}/items/{draw(an_id(context.item_ids))}"


@fuzzes("meetings.item_edit")
def item_edit(draw, context):
    return draw(body("POST", meeting_item(draw, context) + "/edit", field_names(forms.AgendaItemForm), context))


@fuzzes("meetings.item_remove")
def item_remove(draw, context):
    return draw(body("POST", meeting_item(draw, context) + "/remove", [], context))


@fuzzes("meetings.packet_print")
def packet_print(draw, context):
    path = draw(st.sampled_from([meeting_item(draw, context),
                                 f"/staff/meetings/{draw(an_id(context.meeting_ids))}/any-matter"]))
    return draw(body("POST", path + "/print", [], context))


# ---------------------------------------------------------------- the app, ready to be fuzzed

class FuzzContext:
    """The served app, browsers with their CSRF tokens, and real tokens and ids to aim at."""

    def __init__(self, app):
        self.app = app
        run = run_id()
        self.public = app.browser(new_address=True)
        self.public_csrf = csrf_token(self.public.get("/write").text)
        self.staff = app.signed_in(f"fuzz-staff-{run}@campaign.test", "staff")
        self.staff_csrf = csrf_token(self.staff.get("/staff/events").text)
        self.login_email = f"fuzz-login-{run}@campaign.test"
        self.login_password = app.add_user(self.login_email, "staff", f"fuzz password {run}")
        self.fresh = app.browser(new_address=True)
        # The embed's browser: no session cookie matters to it; its page's origin is the app's.
        self.embed = app.browser(new_address=True)
        self.embed.headers["Origin"] = app.url
        self.embed_csrf = csrf_token(self.embed.get("/embed?partner=casa").text)
        self.other_csrf = csrf_token(app.browser(new_address=True).get("/write").text)
        self.csrf = None  # the token of the browser sending the current request
        self.letter_tokens = self._letters()
        self.signed = self._confirmation_link()
        self.reply_signed = self._reply_link()
        self.event_ids = [self._event()]
        self.meeting_ids, self.item_ids = self._meeting()
        self.page_rules = pages_with_path_parameters()
        self.revision_ids = [int(n) for n in re.findall(r"/staff/roster/history/(\d+)/restore",
                                                        self.staff.get("/staff/roster/history").text)]

    def _letters(self):
        tokens = []
        for language in ("en", "es"):
            written = self.public.submit(f"/write?lang={language}", {
                "name": self.app.remember(f"Fuzz Setup {run_id().capitalize()}", "name"), "email": "", **HOME,
                "note": "", "letter_language": language})
            tokens.append(redirect_path(written).rsplit("/", 1)[1])
        return tokens

    def _confirmation_link(self):
        email = self.app.remember(f"fuzz.{run_id()}@example.org", "email")
        token = self.letter_tokens[0]
        asked = self.public.submit(f"/letters/{token}", {"email": email}, action=f"/letters/{token}/send")
        assert asked.status_code == 200, asked.status_code
        message = self.app.wait_for_mail(email)
        return re.search(r"/confirm/([^\s?]+)", plain_text(message)).group(1)

    def _reply_link(self):
        """The signed part of a "did they reply?" link: a letter written, sent by email, confirmed, delivered."""
        email = self.app.remember(f"fuzz.reply.{run_id()}@example.org", "email")
        written = self.public.submit("/write", {
            "name": self.app.remember(f"Fuzz Reply {run_id().capitalize()}", "name"), "email": "", **HOME,
            "note": "", "letter_language": "en"})
        letter = redirect_path(written)
        asked = self.public.submit(letter, {"email": email, "follow_up": "y"}, action=f"{letter}/send")
        assert asked.status_code == 200, asked.status_code
        link = re.search(r"(/confirm/[^\s?]+)", plain_text(self.app.wait_for_mail(email))).group(1)
        self.public.submit(link, {})
        question = self.app.wait_for_mail(email, where=lambda m: "/reply/" in plain_text(m))
        return re.search(r"/reply/([^/\s]+)/", plain_text(question)).group(1)

    def _event(self):
        event_id = int(redirect_path(self.staff.submit(
            "/staff/events", {"name": "Fuzz event", "date": "2026-11-28", "place": ""})).rsplit("/", 1)[1])
        self._upload_bad_rows(event_id)
        return event_id

    def _meeting(self):
        """A meeting taking written comment, with one agenda item: ([meeting id], [item id])."""
        day = local_date(utcnow()) + dt.timedelta(days=10)
        created = redirect_path(self.staff.submit("/staff/meetings/new", {
            "body_en": "King County Council", "body_es": "Consejo del Condado de King", "date": day.isoformat(),
            "starts": "13:30", "cutoff": "10:00", "comment_email": "clerk@council.example",
            "agenda_url": "https://kingcounty.example/agenda"}))
        meeting = created.split("?")[0]
        self.staff.submit(meeting, {"file_number": "2025-0216", "title_en": "Detainer reform",
                                    "title_es": "Reforma de retenciones"}, action=f"{meeting}/items")
        item = re.search(rf"{meeting}/items/(\d+)/edit", self.staff.get(meeting).text).group(1)
        return [int(meeting.rsplit("/", 1)[1])], [int(item)]

    def _upload_bad_rows(self, event_id):
        """A sign-up sheet whose two rows are kept to be fixed."""
        sheet = csv_text([SHEET_HEADER, ["Bad Zip", "1 Main St", "Seattle", "1", "", "", "", "", ""],
                          ["No Street", "", "Seattle", "98104", "", "", "", "", ""]])
        uploaded = self.staff.post(f"/staff/events/{event_id}/upload", data={"csrf_token": self.staff_csrf},
                                   files={"file": ("sheet.csv", sheet.encode(), "text/csv")})
        assert uploaded.status_code == 303, uploaded.status_code

    # Values that change as the fuzz goes, read when a request needs them.

    def official_ids(self):
        return [int(n) for n in re.findall(r"/staff/roster/(\d+)/edit", self.staff.get("/staff/roster").text)] or [1]

    def row_ids(self, event_id):
        """The event's sheet rows to fix (two more are uploaded when the fuzz has fixed or discarded them all)."""
        found = self._row_ids(event_id)
        if not found:
            self._upload_bad_rows(event_id)
            found = self._row_ids(event_id)
        return found

    def _row_ids(self, event_id):
        page = self.staff.get(f"/staff/events/{event_id}")
        return [int(n) for n in re.findall(rf"/staff/events/{event_id}/rows/(\d+)", page.text)]

    def path_values(self, name):
        """Real values for the path parameter `name`."""
        values = {"event_id": lambda: self.event_ids, "row_id": lambda: self.row_ids(self.event_ids[0]),
                  "official_id": self.official_ids, "revision_id": lambda: self.revision_ids,
                  "token": lambda: self.letter_tokens, "signed": lambda: [self.signed],
                  "meeting_id": lambda: self.meeting_ids, "item_id": lambda: self.item_ids}
        return values.get(name, lambda: ["x"])()

    def areas_fingerprint(self):
        """What the areas preview puts in `base`: the SHA-256 of the areas as exported."""
        return hashlib.sha256(self.staff.get("/staff/areas/district_areas.csv").content).hexdigest()

    def roster_fingerprint(self):
        """What the roster preview puts in `base`: the SHA-256 of the roster as exported."""
        return hashlib.sha256(self.staff.get("/staff/roster.csv").content).hexdigest()

    def browser_for(self, who):
        """The browser that sends a request, its CSRF token set for the fuzz to use.

        A session's token stays valid (WTF_CSRF_TIME_LIMIT is None), so the public and staff
        browsers read theirs once; signing in or out starts a new session, so "fresh" starts one
        for every request.
        """
        if who == "fresh":
            self.fresh.cookies.clear()
            self.csrf = csrf_token(self.fresh.get("/staff/login").text)
            return self.fresh
        if who == "embed":
            self.csrf = self.embed_csrf
            return self.embed
        self.csrf = self.public_csrf if who == "public" else self.staff_csrf
        return self.public if who == "public" else self.staff


@pytest.fixture(scope="module")
def fuzz(leak_watch, tmp_path_factory):
    """A served app of the fuzz's own, ready; its answers counted by status for each form."""
    with ServedApp(tmp_path_factory.mktemp("served-fuzz"), schema="served_fuzz", watch=leak_watch,
                   settings=FUZZ_SETTINGS) as app:
        context = FuzzContext(app)
        assert app.stop_worker(signal.SIGTERM) == 0
        context.statuses = {}
        yield context
        print("\n".join(f"{target}: {dict(sorted(counts.items()))}" for target, counts in context.statuses.items()))


# ---------------------------------------------------------------- the tests

def in_process_app():
    """The app built here, for its URL map."""
    return create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": "sqlite://",
                       "DISTRICTS_FILE": str(ROOT / "no-such-districts.geojson")})


def the_app_forms():
    """(endpoint, "POST") for every endpoint of the app that takes a POST."""
    return {(rule.endpoint, "POST") for rule in in_process_app().url_map.iter_rules() if "POST" in rule.methods}


def pages_with_path_parameters():
    """The rule of every GET page whose path has a parameter (static files aside), e.g. /letters/<token>."""
    return sorted(rule.rule for rule in in_process_app().url_map.iter_rules()
                  if "GET" in rule.methods and rule.arguments and rule.endpoint != "static")


def test_every_form_the_app_accepts_is_fuzzed():
    fuzzed = {(target.endpoint, target.method) for target in TARGETS}
    missing = the_app_forms() - fuzzed
    assert not missing, f"POST endpoints no fuzz target sends junk to: {sorted(missing)}"
    assert {("api.lookup_address", "GET"), ("email.confirm", "GET")} <= fuzzed


def describe(fuzzed, response):
    return (f"{fuzzed.method} {fuzzed.path} ({fuzzed.shape}, {fuzzed.size()} bytes) answered "
            f"{response.status_code} {response.headers.get('Content-Type')!r}")


def answer_to(fuzzed, browser):
    """The response, or None when the server refused a body over its limit before reading it all."""
    try:
        return fuzzed.send(browser)
    except requests.ConnectionError:
        if fuzzed.size() > MAX_CONTENT_LENGTH:
            return None  # answered 413 and closed the connection while the body was still on its way
        raise


@pytest.mark.parametrize("target", TARGETS, ids=str)
@FUZZ
@given(data=st.data())
def test_junk_sent_to_a_form_never_gets_a_server_error(fuzz, target, data):
    browser = fuzz.browser_for(target.who)
    fuzzed = data.draw(st.composite(lambda draw: target.request(draw, fuzz))())
    response = answer_to(fuzzed, browser)
    status = response.status_code if response is not None else "closed"
    fuzz.statuses.setdefault(str(target), Counter())[status] += 1
    if response is None:
        return
    assert response.status_code < 500, describe(fuzzed, response) + "\n" + fuzz.app.web.tail(60)
    assert response.headers.get("Content-Type", "").startswith(target.answers), \
        describe(fuzzed, response)
    if target.endpoint == "staff.login" and response.status_code in (301, 302, 303):
        location = urlsplit(response.headers["Location"])
        assert location.netloc in ("", urlsplit(fuzz.app.url).netloc) and not location.path.startswith("//"), \
            f"signing in sent the browser to {response.headers['Location']!r}"


def test_each_form_was_reached_past_its_csrf_check(fuzz):
    """Guards the fuzz itself: each form answered something besides 400 (its CSRF or guard refusal)."""
    stuck = [target for target, counts in fuzz.statuses.items() if set(counts) <= {400, "closed"}]
    assert not stuck, f"only 400 answers from: {stuck}"


def test_the_web_server_took_the_fuzz_without_a_worker_killed_or_lost(fuzz):
    web_log = fuzz.app.web.log_path.read_text(errors="replace")
    assert fuzz.app.web.alive, f"gunicorn exited during the fuzz:\n{fuzz.app.web.tail()}"
    for trouble in ("WORKER TIMEOUT", "Worker exiting", "was sent SIGKILL"):
        assert trouble not in web_log, f"gunicorn's log says {trouble!r}"
