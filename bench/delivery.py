"""How fast the outbox delivers letters: plain smtplib vs the app's queue, in one run.

Run by hand, not by pytest:

    .venv/bin/python bench/delivery.py [--messages N] [--rounds R] [--profile]

Setup. A fresh SQLite database in a temporary folder (create_app with TESTING, migrations
by flask_migrate.upgrade, the roster from officials.csv) and an aiosmtpd sink on 127.0.0.1
(tests/smtp_server.py: a real SMTP server in a thread of this process, accepting everything).
Each round queues N confirmed letters to the nine councilmembers, as confirming does: a
Letter row (status queued) plus its outbox row of kind "to_official".

What it measures, per round, on the SAME N queued rows:

  build  outbox.build(row, config) for every row: the exact messages the queue sends
         (letter composed from its templates, both MIME parts, headers, Message-ID).
         Not part of (a); shown so the difference between (a) and (b) can be read.
  plain  (a) smtplib.SMTP to the sink, send_message() of the N pre-built messages over one
         connection, QUIT. The floor: SMTP on loopback and nothing else.
  queue  (b) outbox.deliver_due(app.config): claims batches of rows, builds each message,
         sends it over one connection, commits each outcome. Everything the worker does
         for these letters apart from process start-up.

One warm-up round (imports, template compilation, the first connections) runs first and is
not counted. Reported: the median of R rounds for each, as messages per second; the ratio
queue time / plain time; and queue time / (build + plain) time, which isolates the queue's
own bookkeeping. The aim stated in the issue: the queue within 1.5x of plain smtplib
(ratio <= 1.5) and at least 100 messages per second. --profile runs one more round of (b)
under cProfile and prints where its time goes.

The garbage collector is off inside each timed block (collected just before): holding N
built messages at once for (a) otherwise triggers full collections that make "build" look
up to twice as slow as building one message at a time, as the queue does.

How to read it. The sink shares this process (and the GIL) with the sender, so absolute
figures are lower than against a separate MTA, and the same for both. If the ratio is far
above 1.5 while queue/(build+plain) is close to 1, the time is in composing messages, not
in the queue's bookkeeping (claims, one commit per message, reloading rows).
"""

import argparse
import cProfile
import gc
import io
import logging
import pstats
import secrets
import smtplib
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import flask_migrate  # noqa: E402

from actiontool import create_app  # noqa: E402
from actiontool.config import MIGRATIONS  # noqa: E402
from actiontool.mail import outbox  # noqa: E402
from actiontool.models import Letter, LetterStatus, OutboxMessage, db, utcnow  # noqa: E402
from actiontool.officials import councilmember_for, recipient_snapshot  # noqa: E402
from actiontool.roster import apply_roster, parse_roster  # noqa: E402
from tests.smtp_server import SmtpServer  # noqa: E402

DISTRICTS = tuple("123456789")
NOTE = ("¿Por qué escribo? Porque mi vecina y la señora Peña viven aquí desde hace años.\n\n"
        "Thank you for listening to every neighbor in the county.")


def queue_letters(count, first_number):
    """`count` confirmed letters with their outbox rows; returns the outbox row ids."""
    officials = {district: councilmember_for(district) for district in DISTRICTS}
    rows = []
    for n in range(first_number, first_number + count):
        official = officials[DISTRICTS[n % len(DISTRICTS)]]
        letter = Letter(
            token=secrets.token_urlsafe(24), official_id=official.id,
            recipient=recipient_snapshot(official), district=official.district,
            name=f"Supporter {n}", email=f"supporter{n}@example.org",
            street="100 Main St", city="Seattle", zip="98104", note=NOTE, language="en",
            ui_language="en", status=LetterStatus.QUEUED, confirmed_at=utcnow(),
        )
        db.session.add(letter)
        rows.append(outbox.enqueue(letter, outbox.TO_OFFICIAL))
    db.session.commit()
    return [row.id for row in rows]


def build_all(row_ids, config):
    return [outbox.build(db.session.get(OutboxMessage, row_id), config) for row_id in row_ids]


def send_plain(messages, sink):
    connection = smtplib.SMTP("127.0.0.1", sink.port, timeout=30)
    try:
        for message, sender, recipients in messages:
            connection.send_message(message, from_addr=sender, to_addrs=recipients)
    finally:
        connection.quit()


class timed:
    """Wall time of a block, with the garbage collector off inside it (see the docstring)."""

    def __enter__(self):
        gc.collect()
        gc.disable()
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc_info):
        self.seconds = time.perf_counter() - self.start
        gc.enable()


def one_round(app, sink, count, first_number, profile=None):
    """(build seconds, plain seconds, queue seconds) for `count` fresh letters."""
    config = app.config
    row_ids = queue_letters(count, first_number)

    with timed() as build:
        messages = build_all(row_ids, config)
    db.session.commit()

    before = len(sink.received)
    with timed() as plain:
        send_plain(messages, sink)
    assert len(sink.received) - before == count, "the sink did not get every plain message"
    del messages

    before = len(sink.received)
    if profile is not None:
        profile.enable()
    with timed() as queue:
        counts = outbox.deliver_due(config)
    if profile is not None:
        profile.disable()
    assert counts["sent"] == count and len(sink.received) - before == count, counts
    db.session.remove()
    return build.seconds, plain.seconds, queue.seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=500, help="letters per round (default 500)")
    parser.add_argument("--rounds", type=int, default=3, help="measured rounds (default 3)")
    parser.add_argument("--warmup", type=int, default=50, help="letters in the warm-up round (default 50)")
    parser.add_argument("--profile", action="store_true", help="profile one more round of the queue")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="actiontool-bench-") as folder, SmtpServer() as sink:
        url = "sqlite:///" + str(Path(folder) / "bench.db")
        app = create_app({
            "TESTING": True, "SECRET_KEY": "bench", "DATABASE_URL": url, "MAIL_URL": sink.url,
            "MAIL_FROM": "letters@campaign.test", "BASE_URL": "http://letters.campaign.test",
        })
        with app.app_context():
            logging.disable(logging.INFO)  # the migrations' progress lines
            flask_migrate.upgrade(directory=str(MIGRATIONS))
            logging.disable(logging.NOTSET)
            apply_roster(parse_roster((ROOT / "officials.csv").read_text(encoding="utf-8")))
            number = 0
            one_round(app, sink, args.warmup, number)
            number += args.warmup
            results = []
            for _ in range(args.rounds):
                results.append(one_round(app, sink, args.messages, number))
                number += args.messages
                with sink.handler.lock:
                    sink.handler.received.clear()
            profile = None
            if args.profile:
                profile = cProfile.Profile()
                one_round(app, sink, args.messages, number, profile=profile)
            db.engine.dispose()

    n = args.messages
    build, plain, queue = (statistics.median(values) for values in zip(*results, strict=True))
    print(f"{n} letters per round, {args.rounds} rounds (median) after a warm-up of {args.warmup}; "
          f"SQLite, aiosmtpd sink on 127.0.0.1")
    print(f"  build  {n / build:8.1f} msg/s  ({build * 1000 / n:.2f} ms per message; not part of plain)")
    print(f"  plain  {n / plain:8.1f} msg/s  ({plain * 1000 / n:.2f} ms per message: smtplib, one connection)")
    print(f"  queue  {n / queue:8.1f} msg/s  ({queue * 1000 / n:.2f} ms per message: outbox.deliver_due)")
    ratio = queue / plain
    print(f"ratio queue/plain: {ratio:.2f}  (aim <= 1.5: {'met' if ratio <= 1.5 else 'missed'}); "
          f"queue >= 100 msg/s: {'met' if n / queue >= 100 else 'missed'}")
    print(f"ratio queue/(build+plain): {queue / (build + plain):.2f}  (the rest, "
          f"{(queue - build - plain) * 1000 / n:.2f} ms per message, is claims, commits and reloading rows)")
    if profile is not None:
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out).strip_dirs().sort_stats("cumulative")
        stats.print_stats(25)
        print(out.getvalue())


if __name__ == "__main__":
    main()
