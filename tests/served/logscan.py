"""Reading every log the served suite produced for the secrets its tests gave or received.

A secret (a supporter's name, email, street, phone or note, a letter, confirmation or
print token, the client's IP, the secret key) is looked for as typed and in the forms a
log line would carry it: URL-encoded (a request line), JSON- or backslash-escaped (a
repr of SQL parameters), HTML-escaped; case does not matter. A leak is reported with
the secret masked, so the report itself leaks nothing.
"""

import html
import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, quote_plus

# Shorter values ("Ana", "4") would be found everywhere and prove nothing.
MIN_LENGTH = 6


@dataclass(frozen=True)
class Leak:
    path: Path
    line_no: int
    kind: str
    line: str  # the log line with the secret masked as <kind>

    def __str__(self):
        return f"{self.path}:{self.line_no}: {self.kind}: {self.line}"


def spellings(secret):
    """The ways `secret` can be written into a log line, lower-cased."""
    forms = {
        secret,
        quote(secret, safe=""),
        quote_plus(secret, safe=""),
        quote(secret, safe="/:@"),
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        secret.encode("unicode_escape").decode("ascii"),
        html.escape(secret),
        html.escape(secret, quote=False),
    }
    return {form.lower() for form in forms if form}


def find_leaks(paths, secrets):
    """Every line of every file in `paths` that holds one of `secrets` ({value: kind}), as Leaks."""
    needles = [(form, kind) for value, kind in secrets.items() for form in spellings(value)]
    leaks = []
    for path in paths:
        text = Path(path).read_bytes().decode("utf-8", errors="replace")
        for line_no, line in enumerate(text.splitlines(), start=1):
            folded = line.lower()
            kinds = {kind for form, kind in needles if form in folded}
            if kinds:
                leaks.append(Leak(Path(path), line_no, ", ".join(sorted(kinds)),
                                  _masked(line, needles)))
    return leaks


def _masked(line, needles):
    """The line with every spelling of every secret replaced by <kind> (longest first)."""
    masked = line
    for form, kind in sorted(needles, key=lambda needle: -len(needle[0])):
        start = masked.lower().find(form)
        while start != -1:
            masked = masked[:start] + f"<{kind}>" + masked[start + len(form):]
            start = masked.lower().find(form, start + len(kind) + 2)
    return masked


class LeakWatch:
    """The secrets a test run gave or received, and the folders its processes log into."""

    def __init__(self):
        self.secrets = {}
        self.folders = []
        self.reported = set()

    def remember(self, value, kind="secret"):
        """Look for `value` in every log at the end; returns it, so it can be used inline."""
        if value is None or not str(value).strip():
            return value
        text = str(value).strip()
        if len(text) < MIN_LENGTH:
            raise ValueError(f"a {kind} of {len(text)} characters would match unrelated text; use a longer one")
        self.secrets.setdefault(text, kind)
        return value

    def watch(self, folder):
        """Scan every file under `folder` (now and whatever is written there later)."""
        self.folders.append(Path(folder))

    def log_files(self):
        return sorted(path for folder in self.folders if folder.exists()
                      for path in folder.rglob("*") if path.is_file())

    def leaks(self):
        """Every leak in the watched logs."""
        return find_leaks(self.log_files(), self.secrets)

    def new_leaks(self):
        """Leaks not returned by an earlier call (so a later scan reports only what came since)."""
        fresh = [leak for leak in self.leaks() if (leak.path, leak.line_no) not in self.reported]
        self.reported.update((leak.path, leak.line_no) for leak in fresh)
        return fresh


def report(leaks, limit=50):
    """A failure message listing the leaks (secrets masked)."""
    lines = [f"{len(leaks)} log line(s) hold a supporter's details or a secret:"]
    lines += [f"  {leak}" for leak in leaks[:limit]]
    if len(leaks) > limit:
        lines.append(f"  ... and {len(leaks) - limit} more")
    return "\n".join(lines)
