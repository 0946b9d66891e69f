"""The public figures (/numbers and /numbers.csv): what the letters did, with nothing about who wrote them.

Letters are counted one per writer (a letter to the whole council once, by its lead) by the writer's district
and by how they went, only when someone stands behind them (VOUCHED_FOR: confirmed by email, or signed at an
event), so that nobody can inflate public figures with drafts; drafts written to print are counted apart;
emails, one per official, by whether the official's mail server accepted them and how
long after the writer's confirmation; and for each current councilmember, the emails they received beside the
answers writers gave to "did they reply?" (ReplyTally rows). Nothing is computed from fewer than MIN_ANSWERS
answers or MIN_DELIVERIES deliveries: a small count is shown as such, never as a share.

Everything comes from columns retention keeps, so the figures survive `actiontool purge`. They are computed at
most once per NUMBERS_CACHE_SECONDS in each process (`FiguresCache`).
"""

import statistics
import threading
import time

from sqlalchemy import func

from actiontool.models import Letter, LetterStatus, ReplyTally, db, utcnow
from actiontool.officials import COUNCIL_DISTRICTS, councilmembers, same_person
from actiontool.reports.dashboard import VOUCHED_FOR, WRITERS, by_partner, channel_of
from actiontool.reports.spreadsheets import safe_csv

# The answers to "did they reply?", in the order they are shown (the model's own list).
ANSWERS = ReplyTally.ANSWERS
# No share, count or median is shown from fewer than these.
MIN_ANSWERS = 5
MIN_DELIVERIES = 5


def public_figures():
    """Every public figure as plain values (see the module's docstring)."""
    letters = _writers_by_district_and_channel()
    return {
        "as_of": utcnow(),
        "letters": sum(letters["by_district"].values()) + letters["elsewhere"],
        "by_district": [(district, letters["by_district"].get(district, 0)) for district in COUNCIL_DISTRICTS],
        "by_channel": letters["by_channel"],
        "to_print": letters["to_print"],
        "emails": _emails(),
        "officials": _officials(),
        "partners": by_partner(vouched_for_only=True),
    }


def _writers_by_district_and_channel():
    rows = db.session.execute(
        db.select(Letter.district, Letter.status, Letter.event_id.is_not(None), func.count(Letter.id))
        .where(WRITERS, VOUCHED_FOR).group_by(Letter.district, Letter.status, Letter.event_id.is_not(None)))
    to_print = db.session.scalar(db.select(func.count(Letter.id)).where(
        WRITERS, Letter.status == LetterStatus.WRITTEN, Letter.event_id.is_(None)))
    by_district, by_channel, elsewhere = {}, {"email": 0, "event": 0}, 0
    for district, status, at_event, count in rows:
        channel = channel_of(status, 1 if at_event else None)
        by_channel[channel] = by_channel.get(channel, 0) + count
        if district in COUNCIL_DISTRICTS:
            by_district[district] = by_district.get(district, 0) + count
        else:
            elsewhere += count
    return {"by_district": by_district, "by_channel": by_channel, "elsewhere": elsewhere, "to_print": to_print}


def _emails():
    """Emails to officials (each member's copy counts): delivered (the mail server accepted it), failed, and the
    median minutes from the writer's confirmation to delivery (None from fewer than MIN_DELIVERIES)."""
    failed = db.session.scalar(db.select(func.count(Letter.id)).where(Letter.status == LetterStatus.FAILED))
    times = db.session.execute(db.select(Letter.confirmed_at, Letter.sent_at).where(
        Letter.status == LetterStatus.SENT, Letter.sent_at.is_not(None))).all()
    delivered = len(times)
    minutes = [(sent - confirmed).total_seconds() / 60 for confirmed, sent in times if confirmed is not None]
    median = round(max(statistics.median(minutes), 0), 1) if len(minutes) >= MIN_DELIVERIES else None
    return {"delivered": delivered, "failed": failed, "median_minutes": median}


def _officials():
    """Each current councilmember (districts 1-9, in order): the emails delivered to them (whole-council copies
    included) and the answers about them, as shares only from MIN_ANSWERS answers."""
    members = [member for member in councilmembers() if member.district in COUNCIL_DISTRICTS]
    ids = [member.id for member in members]
    received, answers = {}, {}
    # Letters and answers name the official as they were: a later holder of the same office is someone else.
    for official_id, recipient in db.session.execute(db.select(Letter.official_id, Letter.recipient).where(
            Letter.status == LetterStatus.SENT, Letter.official_id.in_(ids))):
        received.setdefault(official_id, []).append(recipient)
    for official_id, name, answer, days, count in db.session.execute(
            db.select(ReplyTally.official_id, ReplyTally.official_name, ReplyTally.answer, ReplyTally.days,
                      func.count(ReplyTally.id))
            .where(ReplyTally.official_id.in_(ids), ReplyTally.answer.in_(ANSWERS))
            .group_by(ReplyTally.official_id, ReplyTally.official_name, ReplyTally.answer, ReplyTally.days)):
        answers.setdefault(official_id, []).append(({"name": name}, answer, days, count))
    return [_official(member, received.get(member.id, []), answers.get(member.id, [])) for member in members]


def _official(member, recipients, answered):
    counts, days = dict.fromkeys(ANSWERS, 0), []
    for recipient, answer, took, count in answered:
        if same_person(recipient, member):
            counts[answer] += count
            if took is not None and answer in ReplyTally.REPLIED:
                days += [took] * count
    total = sum(counts.values())
    enough = total >= MIN_ANSWERS
    return {
        "district": member.district,
        "name": member.name,
        "title": {"en": member.title_en, "es": member.title_es},
        "received": sum(1 for recipient in recipients if same_person(recipient, member)),
        # Below MIN_ANSWERS neither the number of answers nor any share leaves this function.
        "enough_answers": enough,
        "answers": total if enough else None,
        "shares": [{"answer": answer, "count": counts[answer], "percent": round(100 * counts[answer] / total)}
                   for answer in ANSWERS] if enough else None,
        # How long replies took, as writers chose it ("within N days"): the median choice, from MIN_ANSWERS.
        "reply_days": statistics.median_low(days) if len(days) >= MIN_ANSWERS else None,
    }


def figures_csv(figures):
    """The same figures as CSV: one row per figure (figure, district, official, detail, value); a figure that
    would come from too few answers or deliveries has an empty value and says so in `detail`."""
    rows = [["as_of", "", "", "", figures["as_of"].replace(microsecond=0).isoformat() + "Z"],
            ["letters", "", "", "", figures["letters"]]]
    rows += [["letters_by_district", district, "", "", count] for district, count in figures["by_district"]]
    rows += [["letters_by_channel", "", "", channel, count] for channel, count in figures["by_channel"].items()]
    rows.append(["written_to_print", "", "", "not counted above: we cannot see whether they were mailed",
                 figures["to_print"]])
    emails = figures["emails"]
    rows += [["emails_delivered", "", "", "", emails["delivered"]], ["emails_failed", "", "", "", emails["failed"]]]
    median = emails["median_minutes"]
    rows.append(["median_minutes_to_delivery", "", "", "" if median is not None else
                 f"fewer than {MIN_DELIVERIES} deliveries", "" if median is None else median])
    for official in figures["officials"]:
        where = [official["district"], official["name"]]
        rows.append(["letters_received", *where, "", official["received"]])
        if not official["enough_answers"]:
            rows.append(["answers", *where, f"fewer than {MIN_ANSWERS} answers", ""])
            continue
        rows.append(["answers", *where, "", official["answers"]])
        for share in official["shares"]:
            rows += [["answers", *where, share["answer"], share["count"]],
                     ["answers_percent", *where, share["answer"], share["percent"]]]
        rows.append(["median_reply_within_days", *where, "" if official["reply_days"] is not None else
                     f"fewer than {MIN_ANSWERS} replies with their time", official["reply_days"] or ""])
    rows += [["letters_by_partner", "", "", tag, count] for tag, count in figures["partners"]]
    # Every cell quoted: an official's name from the roster could hold a ";" that a spreadsheet splits on.
    return safe_csv(["figure", "district", "official", "detail", "value"], rows, quote_all=True)


class FiguresCache:
    """The public figures, computed again only once they are older than `max_age` seconds (0: every time).

    One per app (a web process serves one app, so: one per process); figures are plain values, shared
    read-only by every request until they are replaced."""

    def __init__(self, compute=public_figures, clock=time.monotonic):
        self._compute, self._clock = compute, clock
        self._lock = threading.Lock()
        self._value, self._at = None, None

    def get(self, max_age):
        """The figures, from at most `max_age` seconds ago."""
        with self._lock:
            now = self._clock()
            if self._value is None or max_age <= 0 or now - self._at >= max_age:
                self._value, self._at = self._compute(), now
            return self._value

    def clear(self):
        """Forget the figures: the next `get` computes them."""
        with self._lock:
            self._value = self._at = None
