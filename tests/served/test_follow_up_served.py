"""Did they reply? as production serves it (gunicorn with the repo's config, the worker, real SMTP), over HTTP,
with the question asked as soon as the letter is delivered (FOLLOW_UP_AFTER_DAYS=0; the 14 days are the clock
tests' in tests/test_follow_up.py): a Spanish supporter says yes on the send form, confirms, the member gets
the letter, the supporter gets the question in Spanish; a scanner's GETs of every link count nothing; one
press counts the answer and the days it took, a second link changes nothing; the answer is a count with no
trace of who gave it."""

import re

import pytest
import sqlalchemy

from tests.helpers import HOME
from tests.served.pages import redirect_path, run_id, say, visible

pytestmark = pytest.mark.served


def plain_text(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def test_a_supporter_is_asked_in_their_language_and_answers_once_through_the_served_app(serve_another):
    served = serve_another(settings={"FOLLOW_UP_AFTER_DAYS": "0"})
    run = run_id()
    name = served.remember(f"Quispe Mamani {run.capitalize()}", "name")
    email = served.remember(f"quispe.{run}@example.org", "email")
    served.remember(HOME["street"], "street")

    supporter = served.browser(new_address=True)
    letter = redirect_path(supporter.submit("/write?lang=es", {
        "name": name, "email": "", **HOME, "note": "", "letter_language": "es", "recipients": "mine"}))
    preview = supporter.get(letter)
    box = re.search(r'<input[^>]*name="follow_up"[^>]*>', preview.text).group(0)
    assert "checked" in box, "asked by default"
    asked = supporter.submit(letter, {"email": email, "follow_up": "y"}, action=f"{letter}/send")
    assert asked.status_code == 200, visible(asked)

    confirmation = served.wait_for_mail(email, where=lambda m: "/confirm/" in plain_text(m))
    link = re.search(rf"{re.escape(served.url)}(/confirm/\S+)", plain_text(confirmation)).group(1)
    supporter.get(link)
    assert redirect_path(supporter.submit(link, {})).startswith(f"{letter}/thanks")
    served.wait_for_mail("Jorge.Baron@kingcounty.gov")

    question = served.wait_for_mail(email, where=lambda m: "/reply/" in plain_text(m))
    assert question["Subject"] == "¿Le respondió el concejal Jorge L. Barón a su carta?"
    links = dict((answer, path) for path, answer in
                 re.findall(rf"{re.escape(served.url)}(/reply/[^/\s]+/(\w+)\?lang=es)", plain_text(question)))
    assert set(links) == {"personal", "form", "none", "unknown"}
    served.remember_tokens(plain_text(question))

    scanner = served.browser(new_address=True)
    for path in links.values():
        assert scanner.get(path).status_code == 200

    page = supporter.get(links["personal"])
    assert say("es", "Check the answer and press the button: nothing is counted until you do.") in visible(page)
    assert say("es", "If they replied: how long did the reply take? (optional)") in visible(page)
    answered = supporter.submit(links["personal"], {"answer": "personal", "days": "3"},
                                action=links["personal"].rsplit("/", 1)[0].split("?")[0])
    assert answered.status_code in (302, 303), visible(answered)
    thanks = supporter.get(answered.headers["Location"])
    assert say("es", "Thank you: your answer is counted") in visible(thanks)

    again = supporter.get(links["none"])
    assert say("es", "You already answered this question") in visible(again)
    assert 'name="answer"' not in again.text, "an answered question offers no second answer"

    engine = sqlalchemy.create_engine(served.database_url)
    try:
        with engine.connect() as connection:
            counted = connection.execute(sqlalchemy.text(
                "SELECT answer, days, district, language, channel FROM reply_tallies")).all()
            asked_rows = connection.execute(sqlalchemy.text("SELECT status FROM follow_ups")).all()
    finally:
        engine.dispose()
    assert [tuple(row) for row in counted] == [("personal", 3, "4", "es", "email")]
    assert [tuple(row) for row in asked_rows] == [("answered",)]
