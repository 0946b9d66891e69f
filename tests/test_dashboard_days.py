"""The dashboard counts letters per day on King County's calendar, the same day a letter is dated."""

import datetime as dt

from actiontool import reports
from actiontool.letters.content import local_date
from actiontool.models import Letter, db
from tests.helpers import letter_token, submit_letter


def test_a_letter_written_on_a_county_evening_counts_on_that_county_day(app, client):
    token = letter_token(submit_letter(client))
    # 7 pm on 3 December in Seattle is 03:00 UTC on 4 December.
    evening = dt.datetime(2026, 12, 4, 3, 0)
    with app.app_context():
        db.session.execute(db.update(Letter).where(Letter.token == token).values(created_at=evening))
        db.session.commit()
        assert local_date(evening) == dt.date(2026, 12, 3)
        per_day = dict(reports.summary(days=7, today=dt.date(2026, 12, 4))["per_day"])
    assert per_day[dt.date(2026, 12, 3)] == 1
    assert per_day[dt.date(2026, 12, 4)] == 0
