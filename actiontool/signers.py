"""Sign-up sheets: many signers from one CSV, each checked like the web form and looked up.

The good rows become letters; each bad row is reported with its line number
and what is wrong, in the current language.
"""

import csv
import io
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from actiontool import lookup
from actiontool.forms import LetterForm
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
    line: int
    messages: tuple

    def __str__(self):
        return f"line {self.line}: " + "; ".join(self.messages)


def template_csv(language="en"):
    """The blank sign-up sheet (header only), with column names in English or Spanish."""
    return ",".join(SPANISH_COLUMNS if language == "es" else COLUMNS) + "\n"


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
        values = {k: (v or "").strip() for k, v in record.items() if k}
        if not any(values.values()):
            continue
        form = LetterForm(formdata=MultiDict({
            "name": values.get("name", ""), "email": values.get("email", ""),
            "street": values.get("street", ""), "city": values.get("city", ""),
            "zip": values.get("zip", ""), "note": values.get("note", ""),
            "letter_language": values.get("language") or default_language,
            "district": values.get("district", ""),
        }), meta={"csrf": False})
        if not form.validate():
            problems.append(SignerProblem(line, tuple(
                f"{form[name].label.text}: {error}" for name, errors in form.errors.items() for error in errors)))
            continue
        district = form.district.data
        if not district:
            try:
                district = finder.find(form.street.data, form.city.data, form.zip.data).district
            except lookup.LookupFailed as failure:
                problems.append(SignerProblem(line, (failure.message,)))
                continue
        official = councilmember_for(district)
        if official is None:
            problems.append(SignerProblem(line, (str(_l("no councilmember for district(s) %(districts)s",
                                                        districts=district)),)))
            continue
        letters.append({
            "name": form.name.data, "email": form.email.data or "", "street": form.street.data,
            "city": form.city.data, "zip": form.zip.data, "note": form.note.data or "",
            "language": form.letter_language.data, "district": district,
            "recipient": recipient_snapshot(official), "created_at": utcnow(), "line": line,
        })
    return letters, problems
