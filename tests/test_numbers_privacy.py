"""/numbers and /numbers.csv carry nothing about who wrote: no writer's name, email, street, city, ZIP, phone or
note appears on them, in either language; and an answer that sets the language cookie is never offered to
shared caches."""

import pytest

from actiontool.models import LetterStatus, ReplyTally
from tests.test_numbers import add_answers, add_letter

WRITER = {"name": "Xiomara Quintanilla", "email": "xiomara.q@example.org", "street": "4417 Rainier Ave S",
          "city": "Tukwila", "zip": "98178", "phone": "206-555-0199", "note": "Mi hijo tiene miedo de la policía."}


@pytest.mark.parametrize("lang", ["en", "es"])
def test_no_detail_of_a_writer_appears_on_the_numbers_page_or_its_csv(app, client, lang):
    app.config["NUMBERS_CACHE_SECONDS"] = 0
    for minutes in range(5):
        add_letter(app, "4", minutes=minutes, **WRITER)
    add_letter(app, "2", whole_council=True, partner="casa-latina", **WRITER)
    add_letter(app, "9", status=LetterStatus.FAILED, **WRITER)
    add_answers(app, "4", *ReplyTally.ANSWERS, ReplyTally.PERSONAL)
    page = client.get(f"/numbers?lang={lang}").get_data(as_text=True)
    download = client.get("/numbers.csv").get_data(as_text=True)
    assert "Jorge L. Barón" in page and "Jorge L. Barón" in download  # the officials are named...
    main = page.split("<main", 1)[1].split("</main>", 1)[0]  # (the footer gives the campaign's own address)
    for shown in (page, download):  # ...the writers never
        found = [value for value in WRITER.values() if value.lower() in shown.lower()]
        assert found == []
    assert "@" not in main and "@" not in download


def test_the_answer_that_sets_the_language_cookie_is_for_that_browser_only(app, client):
    chosen = client.get("/numbers?lang=es")
    assert "Set-Cookie" in chosen.headers
    assert chosen.headers["Cache-Control"] == "private, max-age=300"
    again = client.get("/numbers")  # the remembered choice: nothing set, the page may be shared (by cookie)
    assert "Set-Cookie" not in again.headers and again.headers["Cache-Control"] == "public, max-age=300"
    assert '<html lang="es">' in again.get_data(as_text=True)
