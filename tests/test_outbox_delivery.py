"""Email delivery through the outbox and its worker, against real SMTP servers and real processes.

Letters reach the queue either through the web flow (ask, emailed link, confirm) or, for
bulk, as Letter rows already confirmed plus their outbox row (setup data written with
actiontool.mail.outbox.enqueue, as confirming does). Every message is then sent by the real
worker (`actiontool worker`, in this process through the CLI runner or as a separate
process) to aiosmtpd servers on 127.0.0.1.
"""

import datetime as dt
import email
import os
import random
import secrets
import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict
from email.policy import default as default_policy
from pathlib import Path
from types import SimpleNamespace

import flask_migrate
import pytest

from actiontool import create_app, worker
from actiontool.config import DEFAULTS, MIGRATIONS
from actiontool.mail import outbox
from actiontool.mail.transport import FileTransport, SmtpTransport, open_transport
from actiontool.models import Letter, LetterStatus, OutboxMessage, db, utcnow
from actiontool.officials import councilmember_for, recipient_snapshot
from tests.helpers import ask_to_email, confirm, confirmation_link, letter_token, run_worker, submit_letter
from tests.smtp_server import SmtpServer

ACTIONTOOL = Path(sys.executable).with_name("actiontool")  # the console script of this venv
ROOT = Path(__file__).resolve().parent.parent
BARON = "Jorge.Baron@kingcounty.gov"  # district 4 in the shipped roster
OFFICIAL_SUBJECT = "Please keep and strengthen detainer reform in King County"


def on_postgresql(url):
    return url.startswith("postgresql")


# --- setup and reading helpers ---------------------------------------------------------------

def queue_letters(app, count, districts=("4",), prefix="supporter", wants_copy=False, ui_language="en"):
    """`count` confirmed letters waiting in the outbox; returns {supporter email: letter id}.

    Supporter n writes as "Supporter n" from <prefix>n@example.org, to the councilmember of
    districts[n % len(districts)].
    """
    with app.app_context():
        officials = {district: councilmember_for(district) for district in set(districts)}
        letters = []
        for n in range(count):
            district = districts[n % len(districts)]
            official = officials[district]
            letter = Letter(
                token=secrets.token_urlsafe(24), official_id=official.id,
                recipient=recipient_snapshot(official), district=district,
                name=f"Supporter {n}", email=f"{prefix}{n}@example.org",
                street="100 Main St", city="Seattle", zip="98104", note="", language="en",
                ui_language=ui_language, status=LetterStatus.QUEUED, confirmed_at=utcnow(),
                wants_copy=wants_copy,
            )
            db.session.add(letter)
            outbox.enqueue(letter, outbox.TO_OFFICIAL)
            if wants_copy:
                outbox.enqueue(letter, outbox.COPY_TO_SUPPORTER)
            letters.append(letter)
        db.session.commit()
        return {letter.email: letter.id for letter in letters}


def letter_statuses(app, ids):
    with app.app_context():
        return {letter.id: letter.status
                for letter in db.session.scalars(db.select(Letter).where(Letter.id.in_(ids)))}


def letter_statuses_by_token(app, tokens):
    with app.app_context():
        return [letter.status for letter in db.session.scalars(db.select(Letter).where(Letter.token.in_(tokens)))]


def outbox_rows(app, kind=outbox.TO_OFFICIAL):
    """Every outbox row of a kind, detached, as plain attribute bags."""
    with app.app_context():
        rows = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.kind == kind)
                                  .order_by(OutboxMessage.id)).all()
        return [_plain(row) for row in rows]


def _plain(row):
    return SimpleNamespace(**{column.name: getattr(row, column.name) for column in OutboxMessage.__table__.columns})


def make_due(app, kind=outbox.TO_OFFICIAL):
    """Move every pending row's next attempt into the past, as if the backoff had run out."""
    with app.app_context():
        db.session.execute(db.update(OutboxMessage).where(
            OutboxMessage.kind == kind, OutboxMessage.status == OutboxMessage.PENDING,
        ).values(next_attempt_at=utcnow() - dt.timedelta(seconds=1)))
        db.session.commit()


def letters_received(received):
    """{supporter email: [Message-ID, ...]} for every letter to an official (keyed by its Reply-To)."""
    by_supporter = defaultdict(list)
    for entry in received:
        message = entry.message
        if message["Subject"] != OFFICIAL_SUBJECT:
            continue
        [reply_to] = message["Reply-To"].addresses
        by_supporter[reply_to.addr_spec].append(message["Message-ID"])
    return dict(by_supporter)


def words(header):
    """A header's words, one space apart (folding a long subject may leave a double space)."""
    return " ".join(str(header).split())


def wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.02)


# --- worker processes --------------------------------------------------------------------------

def worker_env(app, mail_url=None, **settings):
    """The environment of a separate `actiontool` process using the test's database and servers."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("ACTIONTOOL_")}
    env.update({
        "ACTIONTOOL_DATABASE_URL": app.config["DATABASE_URL"],
        "ACTIONTOOL_SECRET_KEY": app.config["SECRET_KEY"],
        "ACTIONTOOL_MAIL_URL": mail_url or app.config["MAIL_URL"],
        "ACTIONTOOL_MAIL_FROM": "letters@campaign.test",
        "ACTIONTOOL_BASE_URL": "http://letters.campaign.test",
        "ACTIONTOOL_MAIL_TIMEOUT": "5",
    })
    env.update({f"ACTIONTOOL_{name}": str(value) for name, value in settings.items()})
    return env


def run_worker_process(env, timeout=60):
    """`actiontool worker --once` as its own process; returns the finished process."""
    return subprocess.run([str(ACTIONTOOL), "worker", "--once"], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


def sent_count(output):
    """N from the worker's "Delivered: N sent, ..." line."""
    line = next(line for line in output.splitlines() if line.startswith("Delivered:"))
    return int(line.split()[1])


# --- 1. outage -----------------------------------------------------------------------------------

def test_mail_server_outage_keeps_every_letter_queued_then_delivers_each_exactly_once(app, smtp):
    letters = queue_letters(app, 50, districts=tuple("123456789"))
    smtp.stop()
    try:
        before = utcnow()
        run_worker(app)
        after = utcnow()

        assert smtp.received == []
        assert set(letter_statuses(app, letters.values()).values()) == {LetterStatus.QUEUED}
        rows = outbox_rows(app)
        assert len(rows) == 50
        assert {row.status for row in rows} == {OutboxMessage.PENDING}
        tried = [row for row in rows if row.attempts]
        assert tried, "the worker recorded no attempt at all"
        for row in tried:
            assert row.attempts == 1 and "mail server" in row.last_error
            # The default backoff (30 s base, jittered) brings the first retry within a minute.
            assert before < row.next_attempt_at <= after + dt.timedelta(seconds=60)
    finally:
        smtp.start()

    make_due(app)
    run_worker(app)

    message_ids = Counter(entry.message["Message-ID"] for entry in smtp.received)
    assert len(message_ids) == 50 and set(message_ids.values()) == {1}
    received = letters_received(smtp.received)
    assert set(received) == set(letters) and all(len(ids) == 1 for ids in received.values())
    assert set(letter_statuses(app, letters.values()).values()) == {LetterStatus.SENT}
    assert {row.status for row in outbox_rows(app)} == {OutboxMessage.SENT}


def test_mail_server_outage_ends_the_run_after_one_batch_and_leaves_the_rest_due(app, smtp):
    """With the server down there is no point claiming more: the batch tried waits for a retry,
    the rest stay due, untouched, for the next run."""
    queue_letters(app, 50)
    smtp.stop()
    try:
        before = utcnow()
        output = run_worker(app)
        after = utcnow()
    finally:
        smtp.start()
    rows = outbox_rows(app)
    tried = [row for row in rows if row.attempts]
    untouched = [row for row in rows if not row.attempts]
    assert (len(tried), len(untouched)) == (20, 30)
    assert all(before < row.next_attempt_at <= after + dt.timedelta(seconds=60) for row in tried)
    assert all(row.status == "pending" and row.next_attempt_at <= before for row in untouched)
    assert "20 to retry" in output


# --- 2. permanent refusal --------------------------------------------------------------------------

def web_letter(client, email, lang="en", **fields):
    """A letter written and asked to be emailed through the pages; returns its token."""
    token = letter_token(submit_letter(client, lang=lang, **fields))
    assert ask_to_email(client, token, email=email).status_code == 200
    return token


def test_recipient_refused_with_550_fails_that_letter_and_tells_its_supporter_in_their_language(
        app, client, smtp):
    tokens = {
        "ana@example.org": web_letter(client, "ana@example.org", lang="es", district="4"),
        "bo@example.org": web_letter(client, "bo@example.org", district="7"),
        "cy@example.org": web_letter(client, "cy@example.org", district="2"),
    }
    run_worker(app)  # the confirmation emails
    for address in tokens:
        [confirmation] = smtp.messages_to(address)
        assert confirm(client, confirmation_link(confirmation)).status_code in (200, 302)
    assert set(letter_statuses_by_token(app, tokens.values())) == {LetterStatus.QUEUED}
    smtp.reset()
    smtp.handler.refuse[BARON.lower()] = "550 5.1.1 No such user"

    run_worker(app)

    with app.app_context():
        letters = {letter.email: letter for letter in db.session.scalars(db.select(Letter))}
        refused = letters["ana@example.org"]
        assert refused.status == LetterStatus.FAILED and refused.failure_reason
        [row] = db.session.scalars(db.select(OutboxMessage).where(
            OutboxMessage.letter_id == refused.id, OutboxMessage.kind == outbox.TO_OFFICIAL)).all()
        assert row.status == OutboxMessage.FAILED and "550" in row.last_error
        assert letters["bo@example.org"].status == LetterStatus.SENT
        assert letters["cy@example.org"].status == LetterStatus.SENT

    assert smtp.messages_to(BARON) == []
    assert len(smtp.messages_to("Pete.vonReichbauer@kingcounty.gov")) == 1
    assert len(smtp.messages_to("Rhonda.Lewis@kingcounty.gov")) == 1
    [notice] = smtp.messages_to("ana@example.org")
    assert words(notice["Subject"]) == "No pudimos entregar su carta para el concejal Jorge L. Barón"
    text = notice.get_body(preferencelist=("plain",)).get_content()
    assert "no pudimos entregar por correo electrónico su carta" in text
    assert f"/letters/{tokens['ana@example.org']}" in text
    assert smtp.messages_to("bo@example.org") == [] and smtp.messages_to("cy@example.org") == []


# --- 3. temporary refusal and giving up --------------------------------------------------------------

def test_smtp_451_keeps_the_letter_queued_and_delivers_it_once_the_refusal_is_lifted(app, smtp):
    letters = queue_letters(app, 1)
    [letter_id] = letters.values()
    smtp.handler.refuse[BARON.lower()] = "451 4.3.0 Try again later"

    before = utcnow()
    run_worker(app)
    [row] = outbox_rows(app)
    assert (row.status, row.attempts) == (OutboxMessage.PENDING, 1)
    assert "451" in row.last_error and row.next_attempt_at > before
    assert letter_statuses(app, [letter_id]) == {letter_id: LetterStatus.QUEUED}

    make_due(app)
    run_worker(app)  # still refused: a second attempt, still queued
    [row] = outbox_rows(app)
    assert (row.status, row.attempts) == (OutboxMessage.PENDING, 2)
    assert smtp.received == []

    del smtp.handler.refuse[BARON.lower()]
    run_worker(app)  # not due yet: the backoff is respected
    assert smtp.received == []
    make_due(app)
    run_worker(app)
    assert len(smtp.messages_to(BARON)) == 1
    assert letter_statuses(app, [letter_id]) == {letter_id: LetterStatus.SENT}
    [row] = outbox_rows(app)
    assert row.status == OutboxMessage.SENT and row.last_error == ""


def test_temporary_failure_after_give_up_hours_fails_the_letter_and_tells_the_supporter(app, smtp):
    letters = queue_letters(app, 1)
    [letter_id] = letters.values()
    with app.app_context():
        db.session.execute(db.update(OutboxMessage).values(
            created_at=utcnow() - dt.timedelta(hours=float(app.config["MAIL_GIVE_UP_HOURS"]) + 1)))
        db.session.commit()
    smtp.handler.refuse[BARON.lower()] = "451 4.3.0 Try again later"

    run_worker(app)

    assert letter_statuses(app, [letter_id]) == {letter_id: LetterStatus.FAILED}
    [row] = outbox_rows(app)
    assert row.status == OutboxMessage.FAILED and "gave up" in row.last_error and "451" in row.last_error
    [notice] = smtp.messages_to("supporter0@example.org")
    assert words(notice["Subject"]) == "We could not deliver your letter to Councilmember Jorge L. Barón"
    assert smtp.messages_to(BARON) == []


def test_supporter_copy_is_delivered_once_when_the_official_is_retried(app, smtp):
    queue_letters(app, 1, wants_copy=True)
    smtp.handler.refuse[BARON.lower()] = "451 4.3.0 Try again later"
    run_worker(app)
    make_due(app)
    run_worker(app)
    del smtp.handler.refuse[BARON.lower()]
    make_due(app)
    run_worker(app)
    assert len(smtp.messages_to(BARON)) == 1
    assert len(smtp.messages_to("supporter0@example.org")) == 1


# --- 4. backoff ------------------------------------------------------------------------------------

def test_retry_delay_starts_within_a_minute_grows_exponentially_is_capped_and_jittered():
    base, cap = float(DEFAULTS["MAIL_RETRY_BASE_SECONDS"]), float(DEFAULTS["MAIL_RETRY_MAX_SECONDS"])
    first = [outbox.retry_delay(1, base, cap, random.Random(seed)) for seed in range(100)]
    assert all(0 < delay <= 60 for delay in first)

    # The same jitter draw (same seed) isolates the growth: each retry waits twice as long.
    delays = [outbox.retry_delay(n, base, cap, random.Random(7)) for n in range(1, 8)]
    for earlier, later in zip(delays, delays[1:], strict=False):
        assert later == pytest.approx(2 * earlier)

    for attempts in (8, 12, 30, 200):
        delay = outbox.retry_delay(attempts, base, cap, random.Random(attempts))
        assert cap / 2 <= delay <= cap

    assert outbox.retry_delay(3, base, cap, random.Random(1)) != outbox.retry_delay(3, base, cap, random.Random(2))
    assert len({round(delay, 6) for delay in first}) > 90  # spread out, not a few fixed values


# --- 5. Message-ID ----------------------------------------------------------------------------------

def test_message_id_is_the_same_when_a_row_is_sent_again_and_differs_between_letters(app, smtp):
    letters = queue_letters(app, 2)
    run_worker(app)
    first = letters_received(smtp.received)

    with app.app_context():  # as if the worker died before recording the send
        db.session.execute(db.update(OutboxMessage).values(
            status=OutboxMessage.PENDING, next_attempt_at=utcnow() - dt.timedelta(seconds=1)))
        db.session.commit()
    run_worker(app)

    both = letters_received(smtp.received)
    assert set(both) == set(letters)
    for supporter, ids in both.items():
        assert len(ids) == 2 and ids[0] == ids[1] == first[supporter][0]
    assert len({ids[0] for ids in both.values()}) == 2


def test_message_id_is_kept_across_a_temporary_refusal(app, smtp):
    # The supporter's copy is accepted on both attempts, so both sends can be compared.
    queue_letters(app, 1, wants_copy=True)
    smtp.handler.refuse[BARON.lower()] = "451 4.3.0 Try again later"
    run_worker(app)
    del smtp.handler.refuse[BARON.lower()]
    make_due(app)
    run_worker(app)
    ids = [message["Message-ID"] for message in smtp.messages_to("supporter0@example.org")]
    [to_official] = smtp.messages_to(BARON)
    assert ids and set(ids) == {to_official["Message-ID"]}


# --- 6. one connection ------------------------------------------------------------------------------

def test_one_smtp_connection_carries_a_run_of_messages(app, smtp):
    queue_letters(app, 10, districts=tuple("123456789"))
    run_worker(app)
    assert len(smtp.received) == 10
    assert smtp.connections == 1
    assert {entry.connection for entry in smtp.received} == {1}


def test_a_refused_recipient_does_not_cost_a_new_connection(app, smtp):
    queue_letters(app, 6, districts=("4", "7"))
    smtp.handler.refuse[BARON.lower()] = "550 5.1.1 No such user"
    run_worker(app)
    # 3 letters to district 7, and a failure notice for each of the 3 refused letters.
    assert len(smtp.received) == 6
    assert smtp.connections == 1


# --- 7. one worker per SQLite database -----------------------------------------------------------

def test_second_worker_on_sqlite_exits_with_a_message_and_sends_nothing(app, smtp, database_url):
    if on_postgresql(database_url):
        pytest.skip("the single-worker lock is for SQLite; on PostgreSQL workers share the queue")
    queue_letters(app, 2)
    with app.app_context(), worker.single_worker_lock(app) as alone:
        assert alone
        second = run_worker_process(worker_env(app))
    assert second.returncode == 1, second.stderr
    assert "Another worker is already running" in second.stdout
    assert smtp.received == []
    assert {row.status for row in outbox_rows(app)} == {OutboxMessage.PENDING}

    assert run_worker_process(worker_env(app)).returncode == 0  # the lock is free again
    assert len(smtp.received) == 2


def test_worker_on_another_sqlite_database_is_not_blocked_by_the_lock(app, smtp, database_url, tmp_path):
    if on_postgresql(database_url):
        pytest.skip("the single-worker lock is for SQLite; on PostgreSQL workers share the queue")
    other_url = "sqlite:///" + str(tmp_path / "other.db")
    other = create_app({"TESTING": True, "DATABASE_URL": other_url, "SECRET_KEY": "x"})
    with other.app_context():
        flask_migrate.upgrade(directory=str(MIGRATIONS))
        db.engine.dispose()
    env = worker_env(app)
    env["ACTIONTOOL_DATABASE_URL"] = other_url
    with app.app_context(), worker.single_worker_lock(app) as alone:
        assert alone
        result = run_worker_process(env)
    assert result.returncode == 0, result.stdout + result.stderr


# --- 8. worker killed mid-run ----------------------------------------------------------------------

def test_worker_killed_mid_run_loses_nothing_and_resends_with_the_same_message_id(
        app, database_url, tmp_path):
    letters = queue_letters(app, 30, districts=tuple("123456789"))
    with app.app_context():
        db.session.remove()
    log = tmp_path / "worker.log"
    with SmtpServer(delay=0.1) as slow, open(log, "w") as log_file:
        env = worker_env(app, mail_url=slow.url, MAIL_LEASE_SECONDS=1, WORKER_POLL_SECONDS=60)
        worker = subprocess.Popen([str(ACTIONTOOL), "worker"], env=env, cwd=ROOT,
                                  stdout=log_file, stderr=subprocess.STDOUT)
        try:
            wait_for(lambda: len(slow.received) >= 3 or worker.poll() is not None, 30,
                     "the worker to send 3 messages")
            assert worker.poll() is None, log.read_text()
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=10)
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait(timeout=10)
        arrived_before_kill = len(slow.received)
        assert arrived_before_kill < 30

        with app.app_context():
            leases = [row.claimed_until for row in db.session.scalars(db.select(OutboxMessage).where(
                OutboxMessage.status == OutboxMessage.SENDING))]
            db.session.remove()
        assert leases, "the killed worker left no message claimed"
        wait_for(lambda: utcnow() > max(leases) + dt.timedelta(seconds=0.1), 5, "the lease to run out")

        rerun = run_worker_process(env)
        assert rerun.returncode == 0, rerun.stderr
        received = letters_received(slow.received)

    assert set(received) == set(letters)
    for supporter, ids in received.items():
        assert len(set(ids)) == 1, f"{supporter}'s letter went out with different Message-IDs: {ids}"
    assert len({ids[0] for ids in received.values()}) == 30
    assert set(letter_statuses(app, letters.values()).values()) == {LetterStatus.SENT}


# --- 9. several workers on PostgreSQL --------------------------------------------------------------

def test_three_workers_on_postgresql_send_each_of_300_letters_exactly_once(app, smtp, database_url):
    if not on_postgresql(database_url):
        pytest.skip("several workers at once need PostgreSQL (SKIP LOCKED); SQLite allows one")
    letters = queue_letters(app, 300, districts=tuple("123456789"))
    with app.app_context():
        db.session.remove()
    env = worker_env(app)
    workers = [subprocess.Popen([str(ACTIONTOOL), "worker", "--once"], env=env, cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for _ in range(3)]
    try:
        outputs = [worker.communicate(timeout=120) for worker in workers]
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait(timeout=10)
    for worker, (_stdout, stderr) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, stderr

    ids = [entry.message["Message-ID"] for entry in smtp.received]
    assert len(ids) == 300 and len(set(ids)) == 300
    received = letters_received(smtp.received)
    assert set(received) == set(letters) and all(len(v) == 1 for v in received.values())
    assert sum(sent_count(stdout) for stdout, _ in outputs) == 300
    assert set(letter_statuses(app, letters.values()).values()) == {LetterStatus.SENT}


def test_second_worker_never_sends_what_the_first_is_still_working_through(app, database_url):
    if not on_postgresql(database_url):
        pytest.skip("several workers at once need PostgreSQL (SKIP LOCKED); SQLite allows one")
    letters = queue_letters(app, 20, districts=tuple("123456789"))
    with app.app_context():
        db.session.remove()
    # 20 letters are one batch; at 0.3 s each the first worker needs ~6 s for it, its lease 1 s.
    with SmtpServer(delay=0.3) as slow:
        env = worker_env(app, mail_url=slow.url, MAIL_LEASE_SECONDS=1)
        first = subprocess.Popen([str(ACTIONTOOL), "worker", "--once"], env=env, cwd=ROOT,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            wait_for(lambda: len(slow.received) >= 1 or first.poll() is not None, 30, "a first message")
            time.sleep(1.2)  # the first worker's lease on its batch has run out; it is still sending
            second = run_worker_process(env)
            first.communicate(timeout=60)
        finally:
            if first.poll() is None:
                first.kill()
                first.wait(timeout=10)
        received = letters_received(slow.received)
    assert second.returncode == 0 and first.returncode == 0
    assert set(received) == set(letters)
    twice = sorted(supporter for supporter, ids in received.items() if len(ids) > 1)
    assert twice == [], f"{len(twice)} letters went out twice"


# --- 10. transports ---------------------------------------------------------------------------------

def test_file_mail_url_writes_one_eml_per_message_that_parses_back(app, tmp_path):
    letters = queue_letters(app, 3, districts=("4", "7", "2"))
    folder = tmp_path / "mail"
    with app.app_context():
        db.session.remove()
    result = run_worker_process(worker_env(app, mail_url=f"file://{folder}"))
    assert result.returncode == 0, result.stderr

    files = sorted(folder.iterdir())
    assert [path.suffix for path in files] == [".eml"] * 3
    messages = [email.message_from_bytes(path.read_bytes(), policy=default_policy) for path in files]
    officials = {(m["To"].addresses[0].display_name, m["To"].addresses[0].addr_spec) for m in messages}
    assert officials == {("Jorge L. Barón", BARON),
                         ("Pete von Reichbauer", "Pete.vonReichbauer@kingcounty.gov"),
                         ("Rhonda Lewis", "Rhonda.Lewis@kingcounty.gov")}
    senders = {(m["From"].addresses[0].display_name, m["From"].addresses[0].addr_spec) for m in messages}
    assert senders == {(f"Supporter {n} via Stop ICE's Insecure Communities", "letters@campaign.test")
                       for n in range(3)}
    assert {m["Subject"] for m in messages} == {OFFICIAL_SUBJECT}
    assert len({m["Message-ID"] for m in messages}) == 3
    assert set(letter_statuses(app, letters.values()).values()) == {LetterStatus.SENT}


def test_open_transport_reads_smtp_smtps_and_file_urls_and_refuses_other_schemes():
    smtp = open_transport("smtp://user:p%40ss@mail.example.org:587?starttls=true", timeout=7)
    assert isinstance(smtp, SmtpTransport)
    assert (smtp.host, smtp.port, smtp.username, smtp.password) == ("mail.example.org", 587, "user", "p@ss")
    assert (smtp.starttls, smtp.implicit_tls, smtp.timeout) == (True, False, 7)

    smtps = open_transport("smtps://user:secret@mail.example.org")
    assert isinstance(smtps, SmtpTransport)
    assert (smtps.host, smtps.port, smtps.implicit_tls, smtps.starttls) == ("mail.example.org", 465, True, False)
    assert (smtps.username, smtps.password) == ("user", "secret")

    plain = open_transport("smtp://127.0.0.1")
    assert (plain.port, plain.starttls, plain.implicit_tls, plain.username) == (25, False, False, None)

    files = open_transport("file:///var/spool/actiontool/mail")
    assert isinstance(files, FileTransport) and files.folder == "/var/spool/actiontool/mail"

    for url in ("http://mail.example.org", "lmtp://127.0.0.1:24", "mail.example.org"):
        with pytest.raises(ValueError):
            open_transport(url)
