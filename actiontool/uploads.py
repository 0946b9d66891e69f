"""CSV files (rosters, sign-up sheets), uploaded or named on the command line: their text, or a translated
reason they have none. The one place a CSV file's bytes become text."""

from flask_babel import gettext as _


class NotText(ValueError):
    """The file is not UTF-8 text; str(error) says so in the page's language."""


def csv_text(upload):
    """The text of a file (anything with .read() giving bytes), a byte-order mark dropped.

    Raises NotText for anything else: another encoding, or NUL bytes, which a
    spreadsheet file or a UTF-16 "Unicode text" export holds and no CSV does.
    """
    data = upload.read()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = None
    if text is None or "\x00" in text:
        raise NotText(_('The file is not UTF-8 text. Save it as "CSV UTF-8" and try again.'))
    return text
