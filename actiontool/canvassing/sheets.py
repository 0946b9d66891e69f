"""Sign-up sheets: many signers from one CSV, each checked like the web form and looked up.

The good rows become letters; each bad row is reported with its line number
and what is wrong, in the current language, and keeps its cells so that it can
be fixed in the browser.
"""

import csv
import io
import time
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from actiontool import lookup
from actiontool.forms import EventSignerForm
from actiontool.letters.content import draft
from actiontool.models import utcnow
from actiontool.officials import recipient_snapshot

# agrees_to_email: whether the signer agreed that we also email the letter (yes/no, in either language).
COLUMNS = ("name", "street", "city", "zip", "language", "email", "agrees_to_email", "phone", "note", "district")
REQUIRED_COLUMNS = ("name", "street", "city", "zip")
# The Spanish sheet's column names (either header works when a sheet comes back).
SPANISH_COLUMNS = ("nombre", "calle", "ciudad", "codigo_postal", "idioma", "correo", "acepta_correo", "telefono",
                   "nota", "distrito")
FROM_SPANISH = dict(zip(SPANISH_COLUMNS, COLUMNS, strict=True))
# What a canvasser may write in the language column, in either language, accents or not.
LANGUAGE_WORDS = {
    "en": "en", "english": "en", "inglés": "en", "ingles": "en",
    "es": "es", "spanish": "es", "español": "es", "espanol": "es",
    "both": "both", "ambos": "both", "ambas": "both", "los dos": "both", "las dos": "both",
}
# What a canvasser may write in the agreement column (an empty cell is no; "x" is a ticked box).
AGREEMENT_WORDS = {"yes": True, "y": True, "sí": True, "si": True, "x": True,
                   "no": False, "n": False, "": False}


@dataclass(frozen=True)
class SignerProblem:
    """What keeps one sheet row from becoming a letter.

    `cells` is the row as typed (None when the problem is with the whole sheet)
    and `lookup_problem` the lookup's code when the address is what failed.
    """

    line: int
    messages: tuple
    cells: dict | None = None
    lookup_problem: str = ""

    def __str__(self):
        return f"line {self.line}: " + "; ".join(self.messages)


NOT_LOOKED_UP = "not_looked_up"  # the request's time for lookups ran out first


def template_csv(language="en"):
    """The blank sign-up sheet (header only), with column names in English or Spanish."""
    return ",".join(SPANISH_COLUMNS if language == "es" else COLUMNS) + "\n"


def form_values(cells, default_language):
    """A sheet row's cells as the signer form's fields: the row is checked exactly like a typed one."""
    values = {"name": cells.get("name", ""), "email": cells.get("email", ""), "phone": cells.get("phone", ""),
              "street": cells.get("street", ""), "city": cells.get("city", ""), "zip": cells.get("zip", ""),
              "note": cells.get("note", ""), "letter_language": _language(cells.get("language"), default_language),
              "district": cells.get("district", "")}
    if agreed(cells):
        values["email_it"] = "y"
    return values


def agreed(cells):
    """True when the agreement cell says yes ("yes", "sí", "x"...); False for no, empty, or anything else."""
    return AGREEMENT_WORDS.get(cells.get("agrees_to_email", "").strip().casefold()) is True


def agreement_problem(cells):
    """What is wrong with an agreement cell that is neither yes nor no (None when it is one of them)."""
    cell = cells.get("agrees_to_email", "").strip()
    if cell.casefold() in AGREEMENT_WORDS:
        return None
    return str(_l("Please write yes or no, not “%(value)s”.", value=cell))


def _language(cell, default_language):
    """The letter language a sheet's cell names ("es", "Español", "ambos"...); the cell as typed if unknown."""
    if not cell:
        return default_language
    return LANGUAGE_WORDS.get(cell.strip().casefold(), cell)


def field_problems(form):
    """The form's errors as "Field label: message" lines, in the page's language."""
    return tuple(f"{form[name].label.text}: {error}" for name, errors in form.errors.items() for error in errors)


def row_problems(form, cells):
    """What is wrong with a sheet row before any lookup: its fields (checked by the form) and its agreement cell."""
    problems = () if form.validate() else field_problems(form)
    agreement = agreement_problem(cells)
    return problems + ((f"{form.email_it.label.text}: {agreement}",) if agreement else ())


def problem_messages(cells, lookup_problem, default_language):
    """What is wrong with a kept row, worked out again so it reads in the current language."""
    form = _row_form(cells, default_language)
    problems = row_problems(form, cells)
    if problems:
        return problems
    if lookup_problem == NOT_LOOKED_UP:
        return (str(_l("The address is not looked up yet.")),)
    return (lookup.LookupFailed(lookup_problem or lookup.UNAVAILABLE, district=form.district.data).message,)


def _row_form(cells, default_language):
    return EventSignerForm(formdata=MultiDict(form_values(cells, default_language)), meta={"csrf": False})


def _cells(record):
    return {k: (v or "").strip() for k, v in record.items() if k in COLUMNS}


class LookupBudget:
    """How long one request may spend looking up a sheet's addresses (at least one lookup).

    A long sheet must not run into the web server's timeout: the rows past the budget
    are kept as NOT_LOOKED_UP, to be looked up by the next request. None: no limit.
    """

    def __init__(self, seconds=None):
        self.deadline = None if seconds is None else time.monotonic() + seconds
        self.used = False

    def allows(self):
        allowed = self.deadline is None or not self.used or time.monotonic() < self.deadline
        self.used = True
        return allowed


def check_row(line, cells, default_language, budget):
    """(letter as a plain dict, None) for a good row, or (None, SignerProblem) for a bad one."""
    form = _row_form(cells, default_language)
    problems = row_problems(form, cells)
    if problems:
        return None, SignerProblem(line, problems, cells)
    if not form.district.data and not budget.allows():
        return None, SignerProblem(line, problem_messages(cells, NOT_LOOKED_UP, default_language), cells,
                                   NOT_LOOKED_UP)
    try:
        found = lookup.resolve(form.data)
    except lookup.LookupFailed as failure:
        # A district with nobody in the roster is kept on the row, so the fix page shows it chosen.
        kept = dict(cells, district=failure.district) if failure.district else cells
        return None, SignerProblem(line, (failure.message,), kept, failure.code)
    letter = draft(form.data, recipient_snapshot(found.official), found.district, utcnow())
    return dict(letter, official_id=found.official.id, line=line, email_it=form.email_it.data,
                found_by=found.found_by), None


def read_signers(text, default_language="en", budget=None, max_rows=None, max_problems=None):
    """(letters as plain dicts, problems) for a sign-up sheet's text.

    A sheet of more than `max_rows` signers is one sheet-wide problem: nothing in it is looked up.
    Reading stops at the row that makes more than `max_problems` problems (the caller refuses the sheet).
    """
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if reader.fieldnames:
        reader.fieldnames = [FROM_SPANISH.get(name.strip().lower(), name.strip().lower())
                             for name in reader.fieldnames]
    twice = sorted({c for c in reader.fieldnames or [] if c and reader.fieldnames.count(c) > 1})
    if twice:  # e.g. acepta_correo and agrees_to_email: which one the signer meant is not ours to guess
        return [], [SignerProblem(1, (str(_l("columns named twice: %(columns)s", columns=", ".join(twice))),))]
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        return [], [SignerProblem(1, (str(_l("missing columns: %(columns)s", columns=", ".join(missing))),))]
    rows = [(line, cells) for line, cells in ((n, _cells(record)) for n, record in enumerate(reader, start=2))
            if any(cells.values())]
    if max_rows is not None and len(rows) > max_rows:
        return [], [SignerProblem(1, (str(_l(
            "it has %(rows)d signers, and one upload takes at most %(most)d. Please split it into smaller files.",
            rows=len(rows), most=max_rows)),))]
    letters, problems = [], []
    budget = budget or LookupBudget()
    for line, cells in rows:
        letter, problem = check_row(line, cells, default_language, budget)
        if letter:
            letters.append(letter)
        else:
            problems.append(problem)
            if max_problems is not None and len(problems) > max_problems:
                break
    return letters, problems
