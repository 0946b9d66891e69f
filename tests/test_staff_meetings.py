"""Staff keep the meetings that take written public comment: they add them from each agenda (every bad field
told, by its field, in their language, with what they typed kept), edit and cancel them (a cancelled meeting
stays for the record and its waiting comments stop), manage the agenda items, see per meeting and per item
what became of supporters' comments, and print an item's comments for the clerk through the print-job path.

Real app, real database, the real worker; the clock is the tests' (time-machine) where a date must be fixed.
"""

import datetime as dt
import io
import re

import pypdf
import pytest
import time_machine
from babel.dates import format_date
from flask_babel import force_locale

from actiontool.i18n import gettext
from actiontool.letters.content import local_date
from actiontool.meetings.schedule import county_moment
from actiontool.models import CommentStatus, Letter, Meeting, MeetingReminder, PrintJob, PublicComment, db, utcnow
from tests.helpers import HOME, STAFF, csrf_token, letter_token, run_worker, signed_in_client, submit_letter, text

UTC = dt.timezone.utc


# ---------------------------------------------------------------------------- helpers


def county_today():
    return local_date(utcnow())


def next_weekday(after, weekday, fourth=None):
    """The first `weekday` (0 = Monday) after `after`; with fourth=True only a fourth one of its month, with
    fourth=False never one."""
    day = after + dt.timedelta(days=1)
    while day.weekday() != weekday or (fourth is not None and (22 <= day.day <= 28) != fourth):
        day += dt.timedelta(days=1)
    return day


def a_tuesday(weeks=2):
    """An ordinary (not fourth) Tuesday a few weeks ahead."""
    return next_weekday(county_today() + dt.timedelta(weeks=weeks), 1, fourth=False)


def meeting_form(**fields):
    """A complete, valid meeting as staff type it, with `fields` overriding (open_comment=None: unticked)."""
    values = {"body_en": "King County Council", "body_es": "Consejo del Condado de King",
              "date": a_tuesday().isoformat(), "starts": "13:30", "cutoff": "10:00",
              "comment_email": "clerk@kingcounty.gov", "place": "516 3rd Ave, Room 1001, Seattle",
              "online_url": "https://kingcounty.zoom.us/j/123", "phone": "+1 253 215 8782, webinar 123",
              "agenda_url": "https://mkcclegisearch.kingcounty.gov/agenda/1"}
    values.update(fields)
    return {key: value for key, value in values.items() if value is not None}


def item_form(**fields):
    values = {"file_number": "2025-0216", "title_en": "An ordinance on ICE detainers",
              "title_es": "Una ordenanza sobre las retenciones de ICE", "summary_en": "Limits ICE holds.",
              "summary_es": "Limita las retenciones de ICE."}
    values.update(fields)
    return values


def send_form(client, page, action, data, lang=None):
    """GET `page` (in `lang`), then POST `data` to `action` with the page's CSRF token, as a browser does."""
    token = csrf_token(client.get(page + (f"?lang={lang}" if lang else "")).get_data(as_text=True))
    return client.post(action, data={"csrf_token": token, **data})


def add_meeting(staff, lang=None, **fields):
    """Add a meeting through the new-meeting page; the response."""
    return send_form(staff, "/staff/meetings/new", "/staff/meetings/new", meeting_form(**fields), lang)


def new_meeting(staff, **fields):
    """Add a meeting that must be accepted; its id."""
    response = add_meeting(staff, **fields)
    assert response.status_code == 302, text(response)
    match = re.fullmatch(r"/staff/meetings/(\d+)", response.headers["Location"].split("?")[0])
    return int(match.group(1))


def new_item(staff, meeting_id, **fields):
    url = f"/staff/meetings/{meeting_id}"
    response = send_form(staff, url, f"{url}/items", item_form(**fields))
    assert response.status_code == 302, text(response)


def stored(app, meeting_id):
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        return {"starts_at": meeting.starts_at, "cutoff_at": meeting.cutoff_at, "place": meeting.place,
                "cancelled_at": meeting.cancelled_at, "comment_email": meeting.comment_email,
                "items": [(item.id, item.file_number, item.title_en) for item in meeting.items]}


def meeting_count(app):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(Meeting.id)))


def field_errors(response, field):
    """The messages shown under one field (its error list, linked to it by aria-describedby)."""
    page = response.get_data(as_text=True)
    match = re.search(rf'<ul class="field-errors" id="{field}-errors">(.*?)</ul>', page, re.S)
    if not match:
        return []
    return [" ".join(m.split()) for m in re.findall(r"<li>(.*?)</li>", match.group(1).replace("&#39;", "'"), re.S)]


def field_value(response, field):
    match = re.search(rf'<input[^>]*\bid="{field}"[^>]*\bvalue="([^"]*)"', response.get_data(as_text=True))
    return match.group(1) if match else None


def said(app, lang, msgid, **values):
    """What the app says for `msgid` in `lang` (English until the catalog translates it)."""
    with app.test_request_context("/"), force_locale(lang):
        return gettext(msgid, **values)


def at(moment):
    """The tests' clock, set to `moment` (naive UTC), running on from there."""
    return time_machine.travel(moment.replace(tzinfo=UTC), tick=True)


def comment_on(app, meeting_id, item_id, status, name="Ana Torres", include_street=False, client=None):
    """A letter written on the site, with a public comment in `status` for the meeting's item."""
    token = letter_token(submit_letter(client or app.test_client(), name=name))
    with app.app_context():
        letter_id = db.session.scalar(db.select(Letter.id).where(Letter.token == token))
        db.session.add(PublicComment(letter_id=letter_id, meeting_id=meeting_id, agenda_item_id=item_id,
                                     status=status, include_street=include_street))
        db.session.commit()
    return letter_id


def item_ids(app, meeting_id):
    return [item_id for item_id, _number, _title in stored(app, meeting_id)["items"]]


# ---------------------------------------------------------------------------- adding and listing


def test_the_new_meeting_form_starts_with_the_full_councils_usual_body_and_times(staff):
    page = staff.get("/staff/meetings/new")
    assert page.status_code == 200
    assert [field_value(page, f) for f in ("body_en", "body_es", "starts", "cutoff", "comment_email")] == [
        "King County Council", "Consejo del Condado de King", "13:30", "10:00", ""]


def test_staff_add_a_meeting_stored_in_utc_and_listed_in_king_county_time(app, staff):
    day = a_tuesday()
    meeting_id = new_meeting(staff, date=day.isoformat())
    assert stored(app, meeting_id)["starts_at"] == county_moment(day, dt.time(13, 30))
    assert stored(app, meeting_id)["cutoff_at"] == county_moment(day, dt.time(10))
    page = text(staff.get(f"/staff/meetings/{meeting_id}?done=created"))
    assert "The meeting was added." in page and "1:30 PM" in page and "10:00 AM" in page
    assert "clerk@kingcounty.gov" in page and "516 3rd Ave, Room 1001, Seattle" in page
    listed = text(staff.get("/staff/meetings/"))
    assert "Date and time Who meets Agenda items Comments" in listed
    assert f"{day.strftime('%A, %B')} {day.day}, {day.year}, 1:30 PM King County Council None yet" in listed


def test_upcoming_meetings_come_first_soonest_first_then_past_ones_latest_first(app, staff):
    later, sooner = a_tuesday(weeks=6), a_tuesday(weeks=2)
    new_meeting(staff, date=later.isoformat(), body_en="Later meeting")
    new_meeting(staff, date=sooner.isoformat(), body_en="Sooner meeting")
    for days_ago, body in ((40, "Older past meeting"), (10, "Recent past meeting")):
        day = county_today() - dt.timedelta(days=days_ago)
        with app.app_context():
            db.session.add(Meeting(body_en=body, body_es=body, starts_at=county_moment(day, dt.time(13, 30)),
                                   cutoff_at=county_moment(day, dt.time(10)), comment_email="clerk@kingcounty.gov",
                                   agenda_url="https://kingcounty.gov/agenda"))
            db.session.commit()
    page = text(staff.get("/staff/meetings/"))
    order = [page.index(name) for name in ("Upcoming meetings", "Sooner meeting", "Later meeting", "Past meetings",
                                           "Recent past meeting", "Older past meeting")]
    assert order == sorted(order)


# ---------------------------------------------------------------------------- every bad field, by its field


BAD = {
    "body_en": ("", "Please fill this in."),
    "date": ("2026-02-30", "Please enter the date like 2026-12-08 (year, month, day)."),
    "starts": ("25:00", "Please enter the time like 13:30 (24-hour clock)."),
    "cutoff": ("ten", "Please enter the time like 13:30 (24-hour clock)."),
    "comment_email": ("clerk at kingcounty.gov",
                      "Please enter an email address like clerk@kingcounty.gov (plain letters, no accents)."),
    "online_url": ("javascript:alert(1)", "Please enter a web address that starts with https:// or http://."),
    "agenda_url": ("ftp://kingcounty.gov/agenda", "Please enter a web address that starts with https:// or http://."),
    "body_es": ("C" * 121, "Please keep this under %(max)d characters."),
}


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_bad_field_gets_its_own_message_in_the_staff_language_and_keeps_what_was_typed(app, staff, lang):
    response = add_meeting(staff, lang=lang, **{field: value for field, (value, _msg) in BAD.items()})
    assert response.status_code == 422
    assert f'<html lang="{lang}"' in response.get_data(as_text=True)
    for field, (value, msgid) in BAD.items():
        assert field_errors(response, field) == [said(app, lang, msgid, max=120)], field
        if field in ("starts", "cutoff", "date", "comment_email", "online_url", "agenda_url"):
            assert field_value(response, field) == value, field
    assert field_value(response, "place") == "516 3rd Ave, Room 1001, Seattle"
    assert meeting_count(app) == 0
    if lang == "es":  # already in the catalog: the form's limits and labels speak Spanish
        page = text(response)
        assert "Por favor, use 120 caracteres como máximo." in page and "Lugar (opcional)" in page


def test_a_comment_address_with_accents_is_refused(app, staff):
    for address in ("clérk@kingcounty.gov", "clerk@kíngcounty.gov"):
        response = add_meeting(staff, comment_email=address)
        assert response.status_code == 422
        assert field_errors(response, "comment_email") == [
            "Please enter an email address like clerk@kingcounty.gov (plain letters, no accents)."]
    assert meeting_count(app) == 0


def test_a_date_in_the_past_or_more_than_a_year_ahead_is_refused(app, staff):
    for day, message in ((county_today() - dt.timedelta(days=1),
                          "This date has passed. Please enter the date of an upcoming meeting."),
                         (county_today() + dt.timedelta(days=370),
                          "This date is more than a year away. Please check the year.")):
        response = add_meeting(staff, date=day.isoformat())
        assert response.status_code == 422
        assert field_errors(response, "date") == [message]
    assert meeting_count(app) == 0


def test_the_cutoff_must_come_before_the_meeting_starts(app, staff):
    for cutoff in ("13:30", "14:00"):
        response = add_meeting(staff, cutoff=cutoff)
        assert field_errors(response, "cutoff") == [
            "The cut-off for written comment must be before the meeting starts."]
    assert meeting_count(app) == 0
    new_meeting(staff, body_en="Law and Justice Committee", starts="09:30", cutoff="08:30")


def test_open_comment_is_refused_on_a_day_that_is_not_a_fourth_tuesday(app, staff):
    day = a_tuesday()
    response = add_meeting(staff, date=day.isoformat(), open_comment="y")
    assert response.status_code == 422
    assert field_errors(response, "open_comment") == [
        f"Open comment on any county matter is on the fourth Tuesday of the month, and "
        f"{day.strftime('%B')} {day.day}, {day.year} is not one. Please check the date, or untick open comment."]
    assert meeting_count(app) == 0
    fourth = next_weekday(county_today() + dt.timedelta(days=1), 1, fourth=True)
    meeting_id = new_meeting(staff, date=fourth.isoformat(), open_comment="y")
    assert "Any county matter" in text(staff.get(f"/staff/meetings/{meeting_id}"))


def test_limits_are_kept_on_every_field(app, staff):
    limits = {"body_en": 120, "place": 300, "online_url": 500, "phone": 200, "agenda_url": 500}
    too_long = {field: "https://x.example/" + "a" * limit if "url" in field else "a" * (limit + 1)
                for field, limit in limits.items()}
    response = add_meeting(staff, **too_long)
    assert response.status_code == 422
    for field, limit in limits.items():
        assert field_errors(response, field) == [f"Please keep this under {limit} characters."], field
    meeting_id = new_meeting(staff)
    url = f"/staff/meetings/{meeting_id}"
    response = send_form(staff, url, f"{url}/items", item_form(title_es="t" * 301, summary_en="s" * 601))
    assert response.status_code == 422
    assert field_errors(response, "title_es") == ["Please keep this under 300 characters."]
    assert field_errors(response, "summary_en") == ["Please keep this under 600 characters."]


def test_a_line_break_in_a_one_line_field_is_refused(app, staff):
    response = add_meeting(staff, body_en="King County\nCouncil")
    assert field_errors(response, "body_en") == ["Please keep this on one line."]


# ---------------------------------------------------------------------------- daylight saving time


def signed_in_staff(app, runner):
    """A staff client signed in now (at the tests' clock: a session is not valid before it was made)."""
    return signed_in_client(app, runner, STAFF, "staff")


def test_a_meeting_on_the_day_daylight_saving_time_ends_is_stored_at_the_right_utc_moments(app, runner):
    with at(dt.datetime(2026, 10, 1, 17)):
        staff = signed_in_staff(app, runner)
        meeting_id = new_meeting(staff, date="2026-11-01", starts="13:30", cutoff="10:00")
        assert stored(app, meeting_id)["starts_at"] == dt.datetime(2026, 11, 1, 21, 30)  # PST: UTC-8
        assert stored(app, meeting_id)["cutoff_at"] == dt.datetime(2026, 11, 1, 18, 0)
        page = text(staff.get(f"/staff/meetings/{meeting_id}"))
        assert "Sunday, November 1, 2026" in page and "1:30 PM" in page and "10:00 AM" in page
        edit = staff.get(f"/staff/meetings/{meeting_id}/edit")
        assert [field_value(edit, f) for f in ("date", "starts", "cutoff")] == ["2026-11-01", "13:30", "10:00"]


def test_a_time_the_clocks_show_twice_is_refused_as_ambiguous(app, runner):
    with at(dt.datetime(2026, 10, 1, 17)):
        staff = signed_in_staff(app, runner)
        response = add_meeting(staff, date="2026-11-01", starts="13:30", cutoff="01:30")
    assert response.status_code == 422
    assert field_errors(response, "cutoff") == [
        "01:30 happens twice on November 1, 2026 in King County, when daylight saving time ends, so it is not "
        "clear which one is meant. Please check the agenda."]
    assert field_value(response, "cutoff") == "01:30"
    assert meeting_count(app) == 0


def test_a_time_the_clocks_skip_is_refused(app, runner):
    with at(dt.datetime(2026, 2, 1, 17)):
        staff = signed_in_staff(app, runner)
        response = add_meeting(staff, date="2026-03-08", starts="02:30", cutoff="01:00")
    assert response.status_code == 422
    assert field_errors(response, "starts") == [
        "There is no 02:30 on March 8, 2026 in King County: the clocks skip that hour when daylight saving time "
        "starts. Please check the agenda."]
    assert field_errors(response, "cutoff") == []
    assert meeting_count(app) == 0


# ---------------------------------------------------------------------------- editing and cancelling


def test_staff_edit_a_meeting_and_the_form_shows_what_is_stored(app, staff):
    meeting_id = new_meeting(staff)
    url = f"/staff/meetings/{meeting_id}/edit"
    day = a_tuesday(weeks=3)
    response = send_form(staff, url, url, meeting_form(date=day.isoformat(), starts="09:30", cutoff="08:30",
                                                       place="Chinook Building", comment_email="LJ@KingCounty.gov"))
    assert response.status_code == 302
    assert text(staff.get(response.headers["Location"])).count("The meeting was saved.") == 1
    after = stored(app, meeting_id)
    assert (after["starts_at"], after["cutoff_at"], after["place"]) == (
        county_moment(day, dt.time(9, 30)), county_moment(day, dt.time(8, 30)), "Chinook Building")
    assert after["comment_email"] == "LJ@kingcounty.gov"  # the domain as email-validator writes it
    edit = staff.get(url)
    assert [field_value(edit, f) for f in ("date", "starts", "cutoff", "place")] == [
        day.isoformat(), "09:30", "08:30", "Chinook Building"]
    refused = send_form(staff, url, url, meeting_form(agenda_url=""))
    assert refused.status_code == 422 and field_errors(refused, "agenda_url") == ["Please fill this in."]
    assert stored(app, meeting_id) == after


def test_a_past_meeting_can_be_corrected_without_moving_it(app, staff):
    day = county_today() - dt.timedelta(days=10)
    with app.app_context():
        meeting = Meeting(body_en="King County Council", body_es="Consejo del Condado de King",
                          starts_at=county_moment(day, dt.time(13, 30)), cutoff_at=county_moment(day, dt.time(10)),
                          comment_email="clerk@kingcounty.gov", agenda_url="https://kingcounty.gov/agenda")
        db.session.add(meeting)
        db.session.commit()
        meeting_id = meeting.id
    url = f"/staff/meetings/{meeting_id}/edit"
    assert send_form(staff, url, url, meeting_form(date=day.isoformat(), place="Room 1001")).status_code == 302
    moved = send_form(staff, url, url, meeting_form(date=(day - dt.timedelta(days=1)).isoformat()))
    assert field_errors(moved, "date") == ["This date has passed. Please enter the date of an upcoming meeting."]


def test_cancelling_asks_first_then_keeps_the_meeting_and_stops_its_waiting_comments(app, staff):
    meeting_id = new_meeting(staff)
    new_item(staff, meeting_id)
    item_id = item_ids(app, meeting_id)[0]
    client = app.test_client()
    statuses = (CommentStatus.REQUESTED, CommentStatus.QUEUED, CommentStatus.SENT, CommentStatus.LATE)
    letters = {status: comment_on(app, meeting_id, item_id, status, name=f"Ana {status}", client=client)
               for status in statuses}
    with app.app_context():
        db.session.add(MeetingReminder(letter_id=letters[CommentStatus.QUEUED], meeting_id=meeting_id))
        db.session.commit()
    url = f"/staff/meetings/{meeting_id}/cancel"
    asked = text(staff.get(url))
    assert "2 comments are still waiting to go to this meeting: none of them will be sent." in asked
    assert "Yes, cancel this meeting" in asked and stored(app, meeting_id)["cancelled_at"] is None
    response = send_form(staff, url, url, {})
    assert response.status_code == 302
    assert stored(app, meeting_id)["cancelled_at"] is not None
    with app.app_context():
        now = dict(db.session.execute(db.select(PublicComment.letter_id, PublicComment.status)).all())
        reminder = db.session.scalar(db.select(MeetingReminder.status))
    assert {status: now[letters[status]] for status in statuses} == {
        CommentStatus.REQUESTED: CommentStatus.CANCELLED, CommentStatus.QUEUED: CommentStatus.CANCELLED,
        CommentStatus.SENT: CommentStatus.SENT, CommentStatus.LATE: CommentStatus.LATE}
    assert reminder == MeetingReminder.SKIPPED
    page = text(staff.get(response.headers["Location"]))
    assert "The meeting was cancelled. It stays in the list, for the record." in page
    assert "Edit the meeting" not in page and "Add an agenda item" not in page
    assert "Cancelled" in text(staff.get("/staff/meetings/"))
    # A cancelled meeting stays as it was: no edits, no new items.
    edit = f"/staff/meetings/{meeting_id}/edit"
    assert staff.get(edit).status_code == 302
    before = stored(app, meeting_id)
    token = csrf_token(staff.get(f"/staff/meetings/{meeting_id}").get_data(as_text=True))
    refused = staff.post(f"/staff/meetings/{meeting_id}/items", data={"csrf_token": token,
                                                                       **item_form(file_number="2025-0300")})
    assert refused.status_code == 422
    assert "This meeting was cancelled: it stays as it was, for the record." in text(refused)
    assert stored(app, meeting_id) == before


# ---------------------------------------------------------------------------- agenda items


def test_staff_add_edit_and_remove_agenda_items(app, staff):
    meeting_id = new_meeting(staff)
    new_item(staff, meeting_id)
    new_item(staff, meeting_id, file_number="2025-0300", title_en="A motion on jail phone calls",
             title_es="Una moción sobre las llamadas desde la cárcel", summary_en="", summary_es="")
    page = text(staff.get(f"/staff/meetings/{meeting_id}"))
    assert "2025-0216" in page and "Una ordenanza sobre las retenciones de ICE" in page and "2025-0300" in page
    first, second = item_ids(app, meeting_id)
    url = f"/staff/meetings/{meeting_id}/items/{first}/edit"
    assert field_value(staff.get(url), "title_en") == "An ordinance on ICE detainers"
    assert send_form(staff, url, url, item_form(title_en="An ordinance on ICE holds")).status_code == 302
    assert stored(app, meeting_id)["items"][0][2] == "An ordinance on ICE holds"
    taken = send_form(staff, url, url, item_form(file_number="2025-0300"))
    assert field_errors(taken, "file_number") == ["This meeting already has an item with file number 2025-0300."]
    page_url = f"/staff/meetings/{meeting_id}"
    removed = send_form(staff, page_url, f"{page_url}/items/{second}/remove", {})
    assert removed.status_code == 302 and item_ids(app, meeting_id) == [first]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_bad_item_field_gets_its_message_and_keeps_what_was_typed(app, staff, lang):
    meeting_id = new_meeting(staff)
    new_item(staff, meeting_id)
    url = f"/staff/meetings/{meeting_id}"
    response = send_form(staff, url, f"{url}/items", item_form(file_number="2025-216", title_en="", title_es=""),
                         lang=lang)
    assert response.status_code == 422
    assert field_errors(response, "file_number") == [said(app, lang, "Please enter the file number like 2025-0216.")]
    assert field_errors(response, "title_en") == field_errors(response, "title_es") == [
        said(app, lang, "Please fill this in.")]
    assert field_value(response, "file_number") == "2025-216"
    duplicate = send_form(staff, url, f"{url}/items", item_form(), lang=lang)
    assert field_errors(duplicate, "file_number") == [
        said(app, lang, "This meeting already has an item with file number %(number)s.", number="2025-0216")]
    assert len(item_ids(app, meeting_id)) == 1


def test_an_item_with_comments_cannot_be_removed(app, staff):
    meeting_id = new_meeting(staff)
    new_item(staff, meeting_id)
    item_id = item_ids(app, meeting_id)[0]
    comment_on(app, meeting_id, item_id, CommentStatus.LATE)
    url = f"/staff/meetings/{meeting_id}"
    page = text(staff.get(url))
    assert "Supporters have commented on it: it stays, for the record." in page
    response = send_form(staff, url, f"{url}/items/{item_id}/remove", {})
    assert response.status_code == 409
    assert ("Supporters have commented on this item, so it stays for the record and cannot be removed. You can "
            "still correct its title and summary.") in text(response)
    assert item_ids(app, meeting_id) == [item_id]


# ---------------------------------------------------------------------------- what became of the comments


def test_the_meeting_page_counts_comments_by_state_for_each_item(app, staff):
    meeting_id = new_meeting(staff)
    new_item(staff, meeting_id)
    new_item(staff, meeting_id, file_number="2025-0300")
    first, second = item_ids(app, meeting_id)
    client = app.test_client()
    for item_id, statuses in ((first, ["queued", "queued", "sent", "sent", "sent", "late", "failed", "requested"]),
                              (second, ["cancelled", "sent"])):
        for n, status in enumerate(statuses):
            comment_on(app, meeting_id, item_id, status, name=f"Supporter {item_id} {n}", client=client)
    page = staff.get(f"/staff/meetings/{meeting_id}").get_data(as_text=True)
    rows = re.findall(r"<tr>\s*<td data-label=\"Item\">(.*?)</td>(.*?)</tr>", page, re.S)
    counts = {title.split(" · ")[0]: [int(n) for n in re.findall(r'<td data-label="[^"]*">(\d+)</td>', cells)]
              for title, cells in rows}
    # queued, sent before the cut-off, late, failed, cancelled, waiting for confirmation
    assert counts == {"2025-0216": [2, 3, 1, 1, 0, 1], "2025-0300": [0, 1, 0, 0, 1, 0]}
    assert "Print 5 comments" in text(staff.get(f"/staff/meetings/{meeting_id}"))
    assert "4 sent, 2 queued, 3 not sent" in text(staff.get("/staff/meetings/"))


def pages_of(pdf):
    return [" ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def test_an_items_comments_print_for_the_clerk_with_a_cover_sheet_and_streets_only_where_chosen(app, staff):
    meeting_id = new_meeting(staff)
    new_item(staff, meeting_id)
    new_item(staff, meeting_id, file_number="2025-0300")
    item_id, other_item = item_ids(app, meeting_id)
    client = app.test_client()
    comment_on(app, meeting_id, item_id, "sent", name="Ana Calle", include_street=True, client=client)
    comment_on(app, meeting_id, item_id, "queued", name="Beto Ciudad", client=client)
    comment_on(app, meeting_id, item_id, "late", name="Carla Tarde", client=client)
    comment_on(app, meeting_id, other_item, "sent", name="Dora Otra", client=client)
    url = f"/staff/meetings/{meeting_id}"
    response = send_form(staff, url, f"{url}/items/{item_id}/print", {})
    assert response.status_code == 302
    job = response.headers["Location"]
    assert re.fullmatch(r"/staff/prints/[\w-]+", job)
    run_worker(app)
    assert "2 letters are ready." in text(staff.get(job))
    pdf = staff.get(f"{job}.pdf")
    assert pdf.status_code == 200
    pages = pages_of(pdf.data)
    cover = pages[0]
    assert "Written public comment" in cover and "King County Council" in cover
    day = a_tuesday()
    assert f"{day.strftime('%A, %B')} {day.day}, {day.year}, 1:30 PM" in cover
    assert "Item 2025-0216: An ordinance on ICE detainers" in cover and "2 comments" in cover
    ana = next(i for i, page in enumerate(pages) if "Ana Calle" in page)
    beto = next(i for i, page in enumerate(pages) if "Beto Ciudad" in page)
    assert 0 < ana < beto
    everything = " ".join(pages)
    assert "Carla Tarde" not in everything and "Dora Otra" not in everything
    assert HOME["street"] in " ".join(pages[ana:beto]) and HOME["street"] not in " ".join(pages[beto:])
    assert "Seattle" in " ".join(pages[beto:])


def test_the_packet_cover_sheet_is_in_the_language_of_the_page_that_asked(app, staff):
    meeting_id = new_meeting(staff)
    new_item(staff, meeting_id)
    item_id = item_ids(app, meeting_id)[0]
    comment_on(app, meeting_id, item_id, "sent")
    url = f"/staff/meetings/{meeting_id}"
    job = send_form(staff, url, f"{url}/items/{item_id}/print", {}, lang="es").headers["Location"]
    run_worker(app)
    cover = pages_of(staff.get(f"{job}.pdf").data)[0]
    assert "Consejo del Condado de King" in cover and "Una ordenanza sobre las retenciones de ICE" in cover
    day = a_tuesday()
    assert format_date(day, "full", locale="es") in cover  # "martes, 29 de diciembre de 2026"


def test_comments_on_any_county_matter_print_as_their_own_packet(app, staff):
    fourth = next_weekday(county_today() + dt.timedelta(days=1), 1, fourth=True)
    meeting_id = new_meeting(staff, date=fourth.isoformat(), open_comment="y")
    new_item(staff, meeting_id)
    comment_on(app, meeting_id, None, "queued", name="Eva Cualquiera")
    comment_on(app, meeting_id, item_ids(app, meeting_id)[0], "queued", name="Fidel Punto")
    url = f"/staff/meetings/{meeting_id}"
    job = send_form(staff, url, f"{url}/any-matter/print", {}).headers["Location"]
    run_worker(app)
    pages = pages_of(staff.get(f"{job}.pdf").data)
    assert "Comment on any county matter (open comment)" in pages[0] and "1 comment" in pages[0]
    assert "Eva Cualquiera" in " ".join(pages) and "Fidel Punto" not in " ".join(pages)


# ---------------------------------------------------------------------------- who may, and how


def test_canvassers_get_403_and_signed_out_visitors_the_sign_in_page(app, staff, canvasser):
    meeting_id = new_meeting(staff)
    new_item(staff, meeting_id)
    item_id = item_ids(app, meeting_id)[0]
    base = f"/staff/meetings/{meeting_id}"
    pages = ["/staff/meetings/", "/staff/meetings/new", base, f"{base}/edit", f"{base}/cancel",
             f"{base}/items/{item_id}/edit"]
    posts = ["/staff/meetings/new", f"{base}/edit", f"{base}/cancel", f"{base}/items",
             f"{base}/items/{item_id}/edit", f"{base}/items/{item_id}/remove", f"{base}/items/{item_id}/print",
             f"{base}/any-matter/print"]
    token = csrf_token(canvasser.get("/staff/events").get_data(as_text=True))
    for path in pages:
        assert canvasser.get(path).status_code == 403, path
        signed_out = app.test_client().get(path)
        assert signed_out.status_code == 302 and "/staff/login" in signed_out.headers["Location"], path
    for path in posts:
        assert canvasser.post(path, data={"csrf_token": token, **meeting_form(), **item_form()}).status_code == 403
    assert "Meetings" not in text(canvasser.get("/staff/"))
    assert 'href="/staff/meetings/"' in staff.get("/staff/").get_data(as_text=True)
    assert stored(app, meeting_id)["cancelled_at"] is None and len(stored(app, meeting_id)["items"]) == 1
    assert meeting_count(app) == 1


def test_every_change_needs_the_pages_csrf_token(app, staff):
    meeting_id = new_meeting(staff)
    new_item(staff, meeting_id)
    item_id = item_ids(app, meeting_id)[0]
    base = f"/staff/meetings/{meeting_id}"
    before = (meeting_count(app), stored(app, meeting_id))
    for path, data in (("/staff/meetings/new", meeting_form()), (f"{base}/edit", meeting_form(place="Elsewhere")),
                       (f"{base}/cancel", {}), (f"{base}/items", item_form(file_number="2025-0300")),
                       (f"{base}/items/{item_id}/edit", item_form(title_en="Changed")),
                       (f"{base}/items/{item_id}/remove", {}), (f"{base}/items/{item_id}/print", {})):
        response = staff.post(path, data=data)
        assert response.status_code == 400, path
        assert "This page expired." in text(response)
    assert (meeting_count(app), stored(app, meeting_id)) == before
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(PrintJob.id))) == 0


def test_unknown_meetings_and_items_are_404(app, staff):
    meeting_id = new_meeting(staff)
    base = f"/staff/meetings/{meeting_id}"
    for path in ("/staff/meetings/999999", "/staff/meetings/999999/edit", "/staff/meetings/999999/cancel",
                 f"{base}/items/999999/edit"):
        assert staff.get(path).status_code == 404, path
    token = csrf_token(staff.get(base).get_data(as_text=True))
    for path in (f"{base}/items/999999/remove", f"{base}/items/999999/print", "/staff/meetings/999999/items"):
        assert staff.post(path, data={"csrf_token": token}).status_code == 404, path


def test_cancelling_a_meeting_nobody_commented_on_says_so_plainly(app, staff):
    meeting_id = new_meeting(staff)
    asked = text(staff.get(f"/staff/meetings/{meeting_id}/cancel"))
    assert "No comment is waiting to go to this meeting." in asked and "0 comments" not in asked
