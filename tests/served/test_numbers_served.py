"""/numbers as production serves it (gunicorn's workers each with their figures cached, the worker delivering
through real SMTP): after a supporter's letter is confirmed and the official's mail server accepts it, the page
and its CSV count it once the cache window has passed, may be cached publicly, and name nobody but the official.
A separate app of its own (its own database) with a two-second window, so the figures are exactly this test's."""

import csv
import io
import re

import pytest

from tests.helpers import HOME
from tests.served.pages import plain_text, redirect_path, run_id, visible

pytestmark = pytest.mark.served

BARON = "Jorge.Baron@kingcounty.gov"


def test_a_delivered_letter_is_counted_on_the_numbers_page_and_its_csv(serve_another):
    served = serve_another(settings={"NUMBERS_CACHE_SECONDS": 2})
    run = run_id()
    name = served.remember(f"Yupanqui Cóndor {run.capitalize()}", "name")
    email = served.remember(f"yupanqui.{run}@example.org", "email")
    served.remember(HOME["street"], "street")
    reader = served.browser(new_address=True)
    before = reader.get("/numbers")
    assert before.status_code == 200 and "0 letters in all" in visible(before)
    assert before.headers["Cache-Control"] == "public, max-age=2"

    supporter = served.browser(new_address=True)
    letter = redirect_path(supporter.submit("/write", {"name": name, "email": "", **HOME, "note": "",
                                                       "letter_language": "en"}))
    assert supporter.submit(letter, {"email": email}, action=f"{letter}/send").status_code == 200
    confirmation = served.wait_for_mail(email, where=lambda m: "/confirm/" in plain_text(m))
    link = re.search(rf"{re.escape(served.url)}(/confirm/\S+)", plain_text(confirmation)).group(1)
    supporter.get(link)
    assert redirect_path(supporter.submit(link, {})).startswith(f"{letter}/thanks")
    served.wait_for_mail(BARON, where=lambda m: email in str(m["Reply-To"]))

    page = served.wait_until(
        lambda: (shown := reader.get("/numbers")) and "1 emails accepted" in visible(shown) and shown,
        timeout=20, what="/numbers to count the delivered letter")
    words = visible(page)
    assert "1 letters in all" in words and "1 sent by email" in words
    assert "District 4: Councilmember Jorge L. Barón Emails received: 1" in words
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page.text and 'role="img"' in page.text

    def figures_counting_it():
        """The CSV's figures once they count the letter (each gunicorn worker caches its own for 2 s)."""
        response = reader.get("/numbers.csv")
        shown = {(row["figure"], row["district"]): row["value"] for row in csv.DictReader(io.StringIO(response.text))}
        return shown[("letters", "")] == "1" and (response, shown)

    download, figures = served.wait_until(figures_counting_it, timeout=20, what="/numbers.csv to count the letter")
    assert download.headers["Content-Disposition"] == 'attachment; filename="numbers.csv"'
    assert (figures[("letters", "")], figures[("letters_by_district", "4")], figures[("emails_delivered", "")],
            figures[("letters_received", "4")]) == ("1", "1", "1", "1")
    for shown in (page.text, download.text):
        assert name not in shown and email not in shown and HOME["street"] not in shown
