"""Sign-up sheets: many signers from one CSV, each checked like the web form and looked up.

The good rows become letters; each bad row is reported with its line number
and what is wrong, in the current language, and keeps its cells so that it can
be fixed in the browser.
"""

import csv
import io
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from actiontool import lookup
from actiontool.forms import EventSignerForm
from actiontool.letters import councilmember_for, recipient_snapshot
from actiontool.models import utcnow

COLUMNS = ("name", "street", "city", "zip", "language", "email", "phone", "note", "district")
REQUIRED_COLUMNS = ("name", "street", "city", "zip")
# The Spanish sheet's column names (either header works when a sheet comes back).
SPANISH_COLUMNS = ("nombre", "calle", "ciudad", "codigo_postal", "idioma", "correo", "telefono", "nota",
                   "distrito")
FROM_SPANISH = dict(zip(SPANISH_COLUMNS, COLUMNS, strict=True))


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


NO_COUNCILMEMBER = "no_councilmember"


def template_csv(language="en"):
    """The blank sign-up sheet (header only), with column names in English or Spanish."""
    return ",".join(SPANISH_COLUMNS if language == "es" else COLUMNS) + "\n"


def form_values(cells, default_language):
    """A sheet row's cells as the signer form's fields: the row is checked exactly like a typed one."""
    return {"name": cells.get("name", ""), "email": cells.get("email", ""), "phone": cells.get("phone", ""),
            "street": cells.get("street", ""), "city": cells.get("city", ""), "zip": cells.get("zip", ""),
            "note": cells.get("note", ""), "letter_language": cells.get("language") or default_language,
            "district": cells.get("district", "")}


def field_problems(form):
    """The form's errors as "Field label: message" lines, in the page's language."""
    return tuple(f"{form[name].label.text}: {error}" for name, errors in form.errors.items() for error in errors)


def problem_messages(cells, lookup_problem, default_language):
    """What is wrong with a kept row, worked out again so it reads in the current language."""
    form = _row_form(cells, default_language)
    if not form.validate():
        return field_problems(form)
    if lookup_problem == NO_COUNCILMEMBER:
        return (str(_l("no councilmember for district(s) %(districts)s", districts=form.district.data or "?")),)
    return (lookup.LookupFailed(lookup_problem or lookup.UNAVAILABLE).message,)


def _row_form(cells, default_language):
    return EventSignerForm(formdata=MultiDict(form_values(cells, default_language)), meta={"csrf": False})


def _cells(record):
    return {k: (v or "").strip() for k, v in record.items() if k in COLUMNS}


def read_signers(text, default_language="en"):
    """(letters as plain dicts, problems) for a sign-up sheet's text."""
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if reader.fieldnames:
        reader.fieldnames = [FROM_SPANISH.get(name.strip().lower(), name.strip().lower())
                             for name in reader.fieldnames]
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        return [], [SignerProblem(1, (str(_l("missing columns: %(columns)s", columns=", ".join(missing))),))]
    letters, problems = [], []
    finder = lookup.finder()
    for line, record in enumerate(reader, start=2):
        cells = _cells(record)
        if not any(cells.values()):
            continue
        form = _row_form(cells, default_language)
        if not form.validate():
            problems.append(SignerProblem(line, field_problems(form), cells))
            continue
        district = form.district.data
        if not district:
            try:
                district = finder.find(form.street.data, form.city.data, form.zip.data).district
            except lookup.LookupFailed as failure:
                problems.append(SignerProblem(line, (failure.message,), cells, failure.code))
                continue
        official = councilmember_for(district)
        if official is None:
            problems.append(SignerProblem(line, problem_messages(cells, NO_COUNCILMEMBER, default_language),
                                          dict(cells, district=district), NO_COUNCILMEMBER))
            continue
        letters.append({
            "name": form.name.data, "email": form.email.data or "", "phone": form.phone.data or "",
            "street": form.street.data, "city": form.city.data, "zip": form.zip.data, "note": form.note.data or "",
            "language": form.letter_language.data, "district": district, "official_id": official.id,
            "recipient": recipient_snapshot(official), "created_at": utcnow(), "line": line,
        })
    return letters, problems
