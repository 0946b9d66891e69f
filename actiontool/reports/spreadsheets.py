"""CSV files people download: every one is written by `safe_csv`, so no cell runs as a spreadsheet formula."""

import csv
import io
import itertools
import re

# A spreadsheet may run a cell that starts with = + - @, a tab or a carriage return as a formula
# (OWASP "CSV injection"). Such a cell gets a leading ' so it shows as text; one that already starts with
# quotes before such a character gets one more, so that `cell_value` gives back exactly the value.
_NEEDS_QUOTE = re.compile(r"'*[=+\-@\t\r]")


def spreadsheet_cell(value):
    """A value as a CSV cell that a spreadsheet shows as text and never runs."""
    if isinstance(value, str) and _NEEDS_QUOTE.match(value):
        return "'" + value
    return value


def cell_value(cell):
    """The value a cell written by `spreadsheet_cell` stands for (the inverse: one leading ' removed)."""
    if cell.startswith("'") and _NEEDS_QUOTE.match(cell, 1):
        return cell[1:]
    return cell


def csv_line(cells, quote_all=False):
    """One CSV line (LF end), its cells made safe to open in a spreadsheet.

    The writer's line end is CRLF so that it quotes a cell holding either line break: with
    LF alone it leaves a lone CR bare, and a spreadsheet starts a new row (and a formula) there.
    `quote_all` quotes every cell, for files whose cells anyone on the public form can fill:
    a spreadsheet set to split on ";" (as in many Spanish-speaking countries) would otherwise
    start a new cell, and a formula, after a ";" in a name.
    """
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL).writerow(
        [spreadsheet_cell(value) for value in cells])
    return out.getvalue()[:-2] + "\n"


def safe_csv(header, rows, quote_all=False):
    """A header and rows as CSV text: every CSV a person downloads is written here."""
    return "".join(csv_line(cells, quote_all) for cells in itertools.chain([header], rows))
