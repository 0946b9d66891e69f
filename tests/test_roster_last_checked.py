"""The roster page flags an official whose row was last verified more than ROSTER_STALE_AFTER_DAYS days ago
(on King County's calendar), in words and by its look, with a link to compare with the county's records.

Dates are set relative to the app's clock (models.utcnow, read as a county day), as the other tests do.
"""

import datetime as dt
import html
import re

from actiontool.letters.content import local_date
from actiontool.models import Official, db, utcnow
from actiontool.web.staff import is_stale


def set_verified_on(app, district, day):
    with app.app_context():
        db.session.execute(db.update(Official).where(Official.office == "councilmember", Official.district == district)
                           .values(verified_on=day))
        db.session.commit()


def county_today():
    return local_date(utcnow())


def roster_rows_shown(response):
    """{(office, district): (is the row marked stale, what its "Verified on" cell says, links in that cell)}."""
    page = response.get_data(as_text=True)
    shown = {}
    for attributes, row in re.findall(r"<tr([^>]*)>\s*(<td.*?)</tr>", page, re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        words = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", cells[4])).split())
        shown[(cells[0], cells[1])] = ('class="stale"' in attributes, words, re.findall(r'href="([^"]+)"', cells[4]))
    return shown


def test_district_2_verified_on_2025_12_11_is_flagged_with_its_date_and_a_link_to_the_county_check(app, staff):
    rows = roster_rows_shown(staff.get("/staff/roster"))
    stale, words, links = rows[("councilmember", "2")]
    assert stale
    assert words == "Last checked 2025-12-11: over 90 days ago — check it (councilmember 2)"
    assert links == ["/staff/roster/check"]


def test_a_row_checked_within_the_limit_is_not_flagged_and_one_a_day_past_it_is(app, staff):
    today = county_today()
    set_verified_on(app, "4", today)
    set_verified_on(app, "3", today - dt.timedelta(days=90))   # exactly the limit: not over it
    set_verified_on(app, "5", today - dt.timedelta(days=91))
    rows = roster_rows_shown(staff.get("/staff/roster"))
    assert rows[("councilmember", "4")] == (False, today.isoformat(), [])
    assert rows[("councilmember", "3")] == (False, (today - dt.timedelta(days=90)).isoformat(), [])
    assert rows[("councilmember", "5")][:2] == (
        True, f"Last checked {today - dt.timedelta(days=91)}: over 90 days ago — check it (councilmember 5)")


def test_the_limit_comes_from_the_configuration(app, staff):
    set_verified_on(app, "4", county_today() - dt.timedelta(days=20))
    app.config["ROSTER_STALE_AFTER_DAYS"] = 14
    stale, words, _links = roster_rows_shown(staff.get("/staff/roster"))[("councilmember", "4")]
    assert stale and "over 14 days ago" in words


def test_staleness_counts_whole_county_days():
    today = dt.date(2026, 12, 4)
    assert is_stale("2025-12-11", today, 90)
    assert is_stale("2026-09-04", today, 90)       # 91 days
    assert not is_stale("2026-09-05", today, 90)   # 90 days
    assert not is_stale("2026-12-04", today, 90)
