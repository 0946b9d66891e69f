"""The officials roster: read, validate, apply and write officials.csv.

rows.py is the file (columns, checks, export), changes.py applies a roster and keeps its revisions, county.py
compares it with the county's layer. Callers use the names below.

Everything here works on plain values. `parse_roster` turns CSV text into rows
and a list of problems (each with its line number); `apply_roster` replaces the
roster in one transaction; `export_roster` writes the same format back. A cell
that a spreadsheet would run as a formula is written with a leading ' (see
reports.spreadsheet_cell), which `parse_roster` removes: export then import
changes nothing.
"""

from actiontool.roster.changes import (
    apply_roster,
    diff_roster,
    edit_official,
    identity,
    restore_revision,
    revisions,
    roster_is_empty,
    roster_rows,
)
from actiontool.roster.county import check_against_county
from actiontool.roster.rows import (
    COLUMNS,
    RosterInvalid,
    export_roster,
    parse_roster,
)

__all__ = ["COLUMNS", "RosterInvalid", "apply_roster", "check_against_county", "diff_roster", "edit_official",
           "export_roster", "identity", "parse_roster", "restore_revision", "revisions", "roster_is_empty",
           "roster_rows"]
