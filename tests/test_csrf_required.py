"""Every staff and canvasser action that changes something needs the page's CSRF token: without it the
POST is refused with 400 and changes nothing. The same POST with the token then works, which shows the
refusal was for the missing token alone."""

import io

import pytest

from actiontool.models import Event, Letter, Official, PrintJob, RosterRevision, SheetRow, db
from actiontool.roster import export_roster, roster_rows
from tests.helpers import (
    HOME,
    ROSTER,
    ask_to_email,
    confirm,
    confirmation_link,
    csrf_token,
    letter_token,
    replace_field,
    run_worker,
    submit_letter,
)

SHEET = b"name,street,city,zip,language,email,phone,note,district\nAna Lopez,100 Main St,Seattle,98104,es,,,,\n"


def everything(app):
    """What any of these actions could change."""
    with app.app_context():
        count = lambda model: db.session.scalar(db.select(db.func.count(model.id)))  # noqa: E731
        return {"events": count(Event), "sheet rows": count(SheetRow), "print jobs": count(PrintJob),
                "revisions": count(RosterRevision), "roster": export_roster(roster_rows()),
                "letters": sorted(db.session.execute(db.select(Letter.token, Letter.status)).all())}


def new_event(staff):
    page = staff.get("/staff/events")
    response = staff.post("/staff/events", data={"name": "Fiesta", "date": "2026-11-28", "place": "",
                                                 "csrf_token": csrf_token(page.get_data(as_text=True))})
    assert response.status_code == 302
    return response.headers["Location"]


def failed_letter(app, client, smtp):
    """A letter the councilmember's mail server refused."""
    token = letter_token(submit_letter(client))
    ask_to_email(client, token, email="jose@example.org")
    run_worker(app)
    confirm(client, confirmation_link(smtp.messages_to("jose@example.org")[0]))
    smtp.handler.refuse["jorge.baron@kingcounty.gov"] = "550 5.1.1 No such user"
    run_worker(app)
    with app.app_context():
        assert db.session.scalar(db.select(Letter.status).where(Letter.token == token)) == "failed"
    return token


def official_edit_url(app):
    with app.app_context():
        official_id = db.session.scalar(db.select(Official.id).where(Official.district == "2"))
    return f"/staff/roster/{official_id}/edit"


def edited_official(app):
    with app.app_context():
        row = next(r for r in roster_rows() if r["district"] == "2")
    return {k: v for k, v in row.items() if k not in ("office", "district")} | {"name": "Nueva Persona"}


# action -> (page with the form, URL posted to (both from setup), form data, status when the token is there)
ACTIONS = {
    "create an event": (lambda app, client, staff, smtp: ("/staff/events", "/staff/events"),
                        lambda app: {"name": "Fiesta", "date": "2026-11-28", "place": ""}, 302),
    "add a signer": (lambda app, client, staff, smtp: (new_event(staff),) * 2,
                     lambda app: {"name": "Zoe Adams", **HOME, "letter_language": "en", "email": "", "note": ""},
                     302),
    "upload a sign-up sheet": (lambda app, client, staff, smtp: (url := new_event(staff), url + "/upload"),
                               lambda app: {"file": (io.BytesIO(SHEET), "sheet.csv")}, 303),
    "upload a roster": (lambda app, client, staff, smtp: ("/staff/roster/upload",) * 2,
                        lambda app: {"file": (io.BytesIO(replace_field(ROSTER, 3, "name", "Nueva Persona")
                                                          .encode()), "officials.csv")}, 200),
    "edit an official": (lambda app, client, staff, smtp: (official_edit_url(app),) * 2,
                         edited_official, 302),
    "retry a failed letter": (lambda app, client, staff, smtp: (
        "/staff/letters/failed", f"/staff/letters/{failed_letter(app, client, smtp)}/retry"), lambda app: {}, 302),
    "sign out": (lambda app, client, staff, smtp: ("/staff/", "/staff/logout"), lambda app: {}, 302),
    "print blank letters": (lambda app, client, staff, smtp: ("/staff/print/blank",) * 2,
                            lambda app: {"district": "8", "copies": "2", "language": "es"}, 302),
    "print a delivery packet": (lambda app, client, staff, smtp: ("/staff/print/packet",) * 2,
                                lambda app: {"office": "councilmember:4", "since": "2026-01-01",
                                             "until": "2026-12-31"}, 302),
}


@pytest.mark.parametrize("action", ACTIONS)
def test_a_post_without_its_csrf_token_is_refused_and_changes_nothing(app, client, staff, smtp, action):
    setup, data, status_with_token = ACTIONS[action]
    page, url = setup(app, client, staff, smtp)
    before = everything(app)

    refused = staff.post(url, data=data(app), content_type="multipart/form-data")
    assert refused.status_code == 400
    assert "This page expired. Please go back, reload it and try again." in refused.get_data(as_text=True)
    assert everything(app) == before
    assert staff.get("/staff/").status_code == 200  # still signed in

    token = csrf_token(staff.get(page).get_data(as_text=True))
    accepted = staff.post(url, data={**data(app), "csrf_token": token}, content_type="multipart/form-data")
    assert accepted.status_code == status_with_token


@pytest.mark.parametrize("action", ["retry a failed letter", "sign out"])
def test_one_button_forms_keep_their_own_check_and_answer_the_same_way(app, client, staff, smtp, action):
    # With the app-wide check off (as if a view were exempted), the view's own check still refuses, with the
    # same "page expired" page, not a second kind of refusal.
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    setup, data, _ = ACTIONS[action]
    _page, url = setup(app, client, staff, smtp)
    before = everything(app)
    refused = staff.post(url, data=data(app))
    assert refused.status_code == 400
    assert "This page expired. Please go back, reload it and try again." in refused.get_data(as_text=True)
    assert everything(app) == before
